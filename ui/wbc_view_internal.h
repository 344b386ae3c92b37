/*  wbc_view_internal: what the view's files share. wbc_view.c sets up
    curses, reads keys, dumps the screen and draws the status lines;
    wbc_view_panes.c draws the sidebar, the workbin panes and the trace;
    wbc_view_overlay.c draws help, details, messages and the picker. */
#ifndef WBC_VIEW_INTERNAL_H_INCLUDED
#define WBC_VIEW_INTERNAL_H_INCLUDED

#define NCURSES_WIDECHAR 1
#include <curses.h>
#include "wbc_view.h"

struct _wbc_view_t {
    SCREEN *screen;
    FILE *headless_out;
    FILE *headless_in;
    bool colour;
    bool can_colour;              /* the terminal has colours */
    bool fallback;                /* drawn as vt100: TERM could not place the cursor */
    wbc_theme_t *theme;
    wbc_mouse_t mouse;            /* the last mouse event read (WBC_KEY_MOUSE) */
    char node [256];              /* the endpoint the console is on; "": the model's */
    size_t nodes;                 /* how many endpoints it has */
};

/* Draw context: what every drawing function needs. The view reads the
   model, the UI state and the layout; it writes none of them (but the
   model's dirty flags, once drawn). */
typedef struct {
    wbc_view_t *view;
    wbc_model_t *model;
    const wbc_ui_t *ui;
    const wbc_layout_t *layout;
    const wbc_keys_t *keys;
    int64_t now_ms;
    int64_t wall_ms;
} wbc_draw_t;

/* The endpoint the console is on now (wbc_view_set_node), else the
   model's. */
const char *wbc_view_node (const wbc_draw_t *draw);

/* Switch to a theme element's colours and attributes. */
void wbc_view_use (wbc_view_t *self, wbc_theme_element_t element);
/* Write text fitted to exactly columns display columns at (y, x). */
void wbc_view_put (int y, int x, int columns, const char *text);
/* Line-drawing characters, or plain '|' and '-' when drawing as vt100 or
   when the locale is not UTF-8. */
chtype wbc_view_vline (const wbc_view_t *self);
chtype wbc_view_hline (const wbc_view_t *self);
/* A frame on the edges of rect, in the current colours: lines, corners
   ('+' and '|' '-' where lines are ASCII). */
void wbc_view_frame (const wbc_view_t *self, wbc_rect_t rect);
/* Fill a rectangle with spaces in the current attributes. */
void wbc_view_clear (wbc_rect_t rect);

void wbc_view_draw_sidebar (wbc_draw_t *draw);
void wbc_view_draw_pane (wbc_draw_t *draw, size_t index);
void wbc_view_draw_trace (wbc_draw_t *draw);
void wbc_view_draw_hint (wbc_draw_t *draw);
/* The board (wbc_board), in the area of the panes, when the ui shows it. */
void wbc_view_draw_board (wbc_draw_t *draw);
void wbc_view_draw_overlay (wbc_draw_t *draw);
/* True if the current terminal type can place the cursor (wbc_terminal.c,
   kept apart because term.h defines macros such as 'lines'). */
bool wbc_terminal_can_address (void);

#endif
