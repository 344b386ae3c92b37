/*  wbc_theme: the console's colours, as data.

    A theme gives each screen ELEMENT (a row of WBC_THEME_ELEMENTS) a
    foreground, a background and attributes. It starts from the built-in
    defaults (the same as themes/default.theme) and can load a theme file:

        # comment
        color ELEMENT FG BG [ATTR...]

    Colours: default (or -1, the terminal's own), black red green yellow
    blue magenta cyan white (0-7), brightblack ... brightwhite (8-15), or a
    number 0-255. Attributes: bold dim underline reverse standout italic
    blink none. Names are case-insensitive; '#' starts a comment.

    Colour and attribute numbers are this module's own (WBC_COLOUR_*,
    WBC_ATTR_*): it never includes curses; the view maps them. When colour
    is off (NO_COLOR, TERM=dumb, a terminal without colours: the caller
    decides), every element is drawn with its monochrome attributes only,
    chosen so that the console stays readable without colour.
*/
#ifndef WBC_THEME_H_INCLUDED
#define WBC_THEME_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>

/* Colours: the terminal default, the eight named colours, their bright
   variants; any number up to WBC_COLOUR_MAX is also a colour. */
enum {
    WBC_COLOUR_DEFAULT = -1,
    WBC_COLOUR_BLACK, WBC_COLOUR_RED, WBC_COLOUR_GREEN, WBC_COLOUR_YELLOW,
    WBC_COLOUR_BLUE, WBC_COLOUR_MAGENTA, WBC_COLOUR_CYAN, WBC_COLOUR_WHITE,
    WBC_COLOUR_BRIGHTBLACK, WBC_COLOUR_BRIGHTRED, WBC_COLOUR_BRIGHTGREEN,
    WBC_COLOUR_BRIGHTYELLOW, WBC_COLOUR_BRIGHTBLUE, WBC_COLOUR_BRIGHTMAGENTA,
    WBC_COLOUR_BRIGHTCYAN, WBC_COLOUR_BRIGHTWHITE,
    WBC_COLOUR_MAX = 255
};

/* Attributes: bit flags, combined with |. */
enum {
    WBC_ATTR_NONE = 0,
    WBC_ATTR_BOLD = 1 << 0,
    WBC_ATTR_DIM = 1 << 1,
    WBC_ATTR_UNDERLINE = 1 << 2,
    WBC_ATTR_REVERSE = 1 << 3,
    WBC_ATTR_STANDOUT = 1 << 4,
    WBC_ATTR_ITALIC = 1 << 5,
    WBC_ATTR_BLINK = 1 << 6,
    WBC_ATTR_ALL = (1 << 7) - 1
};

/* The elements, one row each: ID, name in theme files, description,
   monochrome attributes, then the default theme's FG, BG and attributes.
   Adding an element is adding a row here and to every themes/ file. */
#define WBC_THEME_ELEMENTS(X) \
    X (DEFAULT, "default", "ordinary text", \
       WBC_ATTR_NONE, WBC_COLOUR_DEFAULT, WBC_COLOUR_DEFAULT, WBC_ATTR_NONE) \
    X (BORDER, "border", "pane borders and separators", \
       WBC_ATTR_NONE, WBC_COLOUR_BLUE, WBC_COLOUR_DEFAULT, WBC_ATTR_NONE) \
    X (TITLE, "title", "pane title", \
       WBC_ATTR_BOLD, WBC_COLOUR_CYAN, WBC_COLOUR_DEFAULT, WBC_ATTR_BOLD) \
    X (TITLE_FOCUS, "title-focus", "title of the pane that has the focus", \
       WBC_ATTR_BOLD | WBC_ATTR_REVERSE, WBC_COLOUR_BRIGHTWHITE, WBC_COLOUR_BLUE, WBC_ATTR_BOLD) \
    X (HEADER, "header", "column headers", \
       WBC_ATTR_UNDERLINE, WBC_COLOUR_YELLOW, WBC_COLOUR_DEFAULT, WBC_ATTR_BOLD) \
    X (SELECTION, "selection", "selected row", \
       WBC_ATTR_REVERSE, WBC_COLOUR_BLACK, WBC_COLOUR_CYAN, WBC_ATTR_NONE) \
    X (SELECTION_UNFOCUSED, "selection-unfocused", "selected row in a pane without the focus", \
       WBC_ATTR_REVERSE | WBC_ATTR_DIM, WBC_COLOUR_BLACK, WBC_COLOUR_WHITE, WBC_ATTR_NONE) \
    X (ROW_NEW, "row-new", "row just added by a live change (briefly)", \
       WBC_ATTR_BOLD, WBC_COLOUR_BRIGHTGREEN, WBC_COLOUR_DEFAULT, WBC_ATTR_BOLD) \
    X (ROW_CHANGED, "row-changed", "row just changed by a live change (briefly)", \
       WBC_ATTR_UNDERLINE, WBC_COLOUR_BRIGHTYELLOW, WBC_COLOUR_DEFAULT, WBC_ATTR_NONE) \
    X (SIDEBAR, "sidebar", "sidebar: workbins and owners", \
       WBC_ATTR_NONE, WBC_COLOUR_DEFAULT, WBC_COLOUR_DEFAULT, WBC_ATTR_NONE) \
    X (SIDEBAR_SELECTION, "sidebar-selection", "selected sidebar entry", \
       WBC_ATTR_REVERSE, WBC_COLOUR_BLACK, WBC_COLOUR_CYAN, WBC_ATTR_NONE) \
    X (STATUS, "status", "status line background", \
       WBC_ATTR_REVERSE, WBC_COLOUR_WHITE, WBC_COLOUR_BLUE, WBC_ATTR_NONE) \
    X (STATUS_ACK, "status-ack", "status line: the last reply was EventAck", \
       WBC_ATTR_BOLD | WBC_ATTR_REVERSE, WBC_COLOUR_BRIGHTGREEN, WBC_COLOUR_BLUE, WBC_ATTR_BOLD) \
    X (STATUS_ERROR, "status-error", "status line: the last reply was EventError", \
       WBC_ATTR_BOLD | WBC_ATTR_UNDERLINE, WBC_COLOUR_BRIGHTWHITE, WBC_COLOUR_RED, WBC_ATTR_BOLD) \
    X (STATUS_INFO, "status-info", "status line: a message from the console itself", \
       WBC_ATTR_REVERSE, WBC_COLOUR_WHITE, WBC_COLOUR_BLUE, WBC_ATTR_NONE) \
    X (STATUS_CONNECTION_OK, "status-connection-ok", "status line: connected, the server answers", \
       WBC_ATTR_REVERSE, WBC_COLOUR_BRIGHTGREEN, WBC_COLOUR_BLUE, WBC_ATTR_NONE) \
    X (STATUS_CONNECTION_BAD, "status-connection-bad", "status line: disconnected or server silent", \
       WBC_ATTR_BOLD | WBC_ATTR_UNDERLINE, WBC_COLOUR_BRIGHTWHITE, WBC_COLOUR_RED, WBC_ATTR_BOLD) \
    X (PROMPT, "prompt", "the : and / prompt", \
       WBC_ATTR_BOLD, WBC_COLOUR_BRIGHTYELLOW, WBC_COLOUR_DEFAULT, WBC_ATTR_BOLD) \
    X (HELP, "help", "help screen", \
       WBC_ATTR_NONE, WBC_COLOUR_DEFAULT, WBC_COLOUR_DEFAULT, WBC_ATTR_NONE) \
    X (TRACE_REQUEST, "trace-request", "trace: request, arrow from console to server", \
       WBC_ATTR_BOLD, WBC_COLOUR_CYAN, WBC_COLOUR_DEFAULT, WBC_ATTR_NONE) \
    X (TRACE_REPLY, "trace-reply", "trace: reply, arrow from server to console", \
       WBC_ATTR_NONE, WBC_COLOUR_GREEN, WBC_COLOUR_DEFAULT, WBC_ATTR_NONE) \
    X (TRACE_EVENT, "trace-event", "trace: unsolicited event from the server", \
       WBC_ATTR_UNDERLINE, WBC_COLOUR_MAGENTA, WBC_COLOUR_DEFAULT, WBC_ATTR_NONE) \
    X (TRACE_ERROR, "trace-error", "trace: EventError", \
       WBC_ATTR_BOLD | WBC_ATTR_UNDERLINE, WBC_COLOUR_BRIGHTRED, WBC_COLOUR_DEFAULT, WBC_ATTR_BOLD) \
    X (DIM, "dim", "secondary text, such as ages", \
       WBC_ATTR_DIM, WBC_COLOUR_DEFAULT, WBC_COLOUR_DEFAULT, WBC_ATTR_DIM) \
    X (BOARD_WARN, "board-warn", "board: a workbin whose oldest waits past the first age", \
       WBC_ATTR_BOLD, WBC_COLOUR_BRIGHTYELLOW, WBC_COLOUR_DEFAULT, WBC_ATTR_BOLD) \
    X (BOARD_ALERT, "board-alert", "board: a workbin whose oldest waits past the second age", \
       WBC_ATTR_BOLD | WBC_ATTR_REVERSE, WBC_COLOUR_BRIGHTWHITE, WBC_COLOUR_RED, WBC_ATTR_BOLD)

typedef enum {
#define WBC_THEME_ID(id, name, description, mono, fg, bg, attrs) WBC_THEME_##id,
    WBC_THEME_ELEMENTS (WBC_THEME_ID)
#undef WBC_THEME_ID
    WBC_THEME_ELEMENT_COUNT
} wbc_theme_element_t;

typedef struct _wbc_theme_t wbc_theme_t;

/* A theme with the built-in defaults, colour on, 256 colours. */
wbc_theme_t *wbc_theme_new (void);
/* Destroy a theme; safe on NULL; sets *self_p to NULL. */
void wbc_theme_destroy (wbc_theme_t **self_p);

/* Apply a theme file over the current theme. On a bad line nothing
   changes, -1 is returned and error holds "PATH:LINE: what is wrong";
   a file that cannot be read gives "PATH: reason". error may be NULL. */
int wbc_theme_load (wbc_theme_t *self, const char *path, char *error, size_t error_size);

/* Resolve `--theme NAME` to a file. NAME with a '/' is a path. Otherwise
   NAME.theme, then NAME, is looked for in $XDG_CONFIG_HOME/wbconsole/themes
   ($HOME/.config/... when unset), then in each of dirs (NULL-terminated,
   may be NULL), in order. Returns a fresh path (caller frees) or NULL with
   error saying where it looked. */
char *wbc_theme_find_file (const char *name, const char *const *dirs,
                           char *error, size_t error_size);

/* Colour on (the theme's colours) or off (monochrome attributes only). */
void wbc_theme_use_colour (wbc_theme_t *self, bool use_colour);
bool wbc_theme_uses_colour (const wbc_theme_t *self);
/* How many colours the terminal has (default 256). Lookups then fold
   bright colours 8-15 to 0-7 (foreground also bold) when count < 16, and
   any other colour the terminal lacks to the default. 0 / -1. */
int wbc_theme_set_colour_count (wbc_theme_t *self, int count);

/* How to draw an element; any output pointer may be NULL. Colour off:
   fg = bg = -1 and the element's monochrome attributes. On error (NULL
   theme, unknown element) returns -1 with -1, -1, 0. */
int wbc_theme_get (const wbc_theme_t *self, wbc_theme_element_t element,
                   int *fg, int *bg, unsigned *attrs);
/* Set an element's colours: fg, bg in -1..255, attrs within WBC_ATTR_ALL. */
int wbc_theme_set (wbc_theme_t *self, wbc_theme_element_t element,
                   int fg, int bg, unsigned attrs);

/* The element table, for --help and the documentation. */
size_t wbc_theme_element_count (void);
/* Name as written in theme files, or NULL for an unknown element. */
const char *wbc_theme_element_name (wbc_theme_element_t element);
/* One-line description, or NULL for an unknown element. */
const char *wbc_theme_element_description (wbc_theme_element_t element);
/* The element of that name (case-insensitive), or -1. */
int wbc_theme_element_lookup (const char *name);

#endif
