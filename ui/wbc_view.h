/*  wbc_view: the curses screen. With wbconsole.c, the only code that
    includes curses. It draws the model and the UI state into the app's
    layout, reads keys, and can dump the screen as text (for headless
    screen tests).
*/
#ifndef WBC_VIEW_H_INCLUDED
#define WBC_VIEW_H_INCLUDED

#include <stdbool.h>
#include <stdio.h>
#include "wbc_app.h"
#include "wbc_keys.h"
#include "wbc_layout.h"
#include "wbc_model.h"
#include "wbc_theme.h"

typedef struct _wbc_view_t wbc_view_t;

/* Start curses on the terminal, or, when headless is true, on a virtual
   screen of columns x lines that nothing displays (screen tests).
   colour false: attributes only (NO_COLOR, TERM=dumb, --theme mono).
   mouse: report clicks and the wheel (WBC_KEY_MOUSE), where the terminal
   can. */
wbc_view_t *wbc_view_new (bool headless, int columns, int lines, bool colour, bool mouse);
/* End curses and give the terminal back as it was. */
void wbc_view_destroy (wbc_view_t **self_p);

/* Use a theme (not owned); it decides colours and attributes. */
void wbc_view_set_theme (wbc_view_t *self, wbc_theme_t *theme);
bool wbc_view_has_colour (const wbc_view_t *self);
/* True when TERM could not place the cursor and the view draws as vt100. */
bool wbc_view_fallback (const wbc_view_t *self);
/* Turn colour off (attributes only) or back on, if the terminal has it. */
void wbc_view_set_colour (wbc_view_t *self, bool colour);

/* The endpoint the console is on now, of nodes it was given: the key
   hint names it, and with several nodes the status line too. True if it
   changed (the caller marks the lines dirty). */
bool wbc_view_set_node (wbc_view_t *self, const char *node, size_t nodes);

/* Draw whatever the model says is dirty into the layout's rectangles,
   then one doupdate (). The view changes nothing it draws: the app
   computes the layout and the scrolls (wbc_app_settle) first. */
void wbc_view_draw (wbc_view_t *self, wbc_model_t *model, const wbc_ui_t *ui,
                    const wbc_layout_t *layout, const wbc_keys_t *keys,
                    int64_t now_ms, int64_t wall_ms);

/* The next key typed, as a wbc_keys code, or WBC_KEY_NONE if none waits;
   WBC_KEY_MOUSE for a mouse event, which wbc_view_mouse then gives. */
int wbc_view_read_key (wbc_view_t *self);
/* The last mouse event read. */
wbc_mouse_t wbc_view_mouse (const wbc_view_t *self);
/* Change the virtual screen's size (headless), as a terminal resize does. */
void wbc_view_resize (wbc_view_t *self, int columns, int lines);
/* The screen's size now, in columns and lines. */
void wbc_view_size (const wbc_view_t *self, int *columns, int *lines);

/* The screen as text, one line per row, trailing spaces removed. */
void wbc_view_dump (wbc_view_t *self, FILE *file);
bool wbc_view_contains (wbc_view_t *self, const char *text);

#endif
