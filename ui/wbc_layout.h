/*  wbc_layout: the screen arithmetic of the console, without curses.

    From the terminal size and what is shown (sidebar, open panes, a
    maximised pane, the trace pane) compute where everything goes:

        +---------+--------+--------+--------+-----------+
        | sidebar | pane 0 | pane 1 | pane 2 |   trace   |   lines - 2 rows
        |         |        |        |        |           |
        +---------+--------+--------+--------+-----------+
        | prompt / message line                          |   line lines - 2
        | status line                                    |   line lines - 1
        +------------------------------------------------+

    Workbin panes share the width between sidebar and trace evenly, side
    by side (tmux's "even-horizontal"): the columns left over by the
    integer division go to the leftmost panes, one each, so widths differ
    by at most 1 and add up exactly to the area. A pane is never narrower
    than WBC_LAYOUT_MIN_PANE_WIDTH: when too many are open, a window of
    adjacent panes that holds the focused one is shown, and the others are
    hidden. Rectangles never overlap and all lie inside the screen.

    Boxes over the panes (help, details, messages, the picker) go in the
    overlay rectangle: at most 100 columns wide, centred, from line 2 to
    4 lines above the footer.

    Pure arithmetic (NeoMutt's "recalculate", separate from "repaint"):
    the app (wbc_app) calls wbc_layout_compute when the terminal size or
    the panes change, before it handles a key and before each draw; it
    scrolls from this layout, and the view draws into its rectangles.
*/
#ifndef WBC_LAYOUT_H_INCLUDED
#define WBC_LAYOUT_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>

#define WBC_LAYOUT_MAX_PANES 16
#define WBC_LAYOUT_MIN_COLUMNS 80         /* below 80x24: too_small */
#define WBC_LAYOUT_MIN_LINES 24
#define WBC_LAYOUT_MIN_PANE_WIDTH 20
#define WBC_LAYOUT_SIDEBAR_WIDTH 26       /* sidebar width when none is asked */
#define WBC_LAYOUT_MIN_SIDEBAR_WIDTH 12
#define WBC_LAYOUT_TRACE_PERCENT 40       /* trace width when none is asked */
#define WBC_LAYOUT_MIN_TRACE_WIDTH 30
#define WBC_LAYOUT_OVERLAY_WIDTH 100      /* widest an overlay box gets, but the details */

/* A region of the screen; width 0 (and all 0) when not shown. */
typedef struct {
    int x;                  /* column of the left edge, from 0 */
    int y;                  /* line of the top edge, from 0 */
    int width;
    int height;
} wbc_rect_t;

typedef struct {
    int columns;            /* terminal size (COLS, LINES) */
    int lines;
    bool sidebar;           /* show the sidebar, on the left */
    int sidebar_width;      /* preferred columns; 0: WBC_LAYOUT_SIDEBAR_WIDTH */
    bool trace;             /* show the trace pane, on the right */
    int trace_percent;      /* preferred share of the columns, 1-100;
                               0: WBC_LAYOUT_TRACE_PERCENT */
    int pane_count;         /* open workbin panes, 0 to WBC_LAYOUT_MAX_PANES */
    int focus;              /* the focused pane; out of range counts as 0 */
    int maximised;          /* the maximised pane, -1 (or out of range): none */
    int first_pane;         /* the first visible pane last time (0 at first):
                               the window of panes moves only as the focus
                               needs it to */
    bool wide_overlay;      /* the overlay takes the terminal's width (the
                               details of an interaction), not at most
                               WBC_LAYOUT_OVERLAY_WIDTH */
} wbc_layout_input_t;

typedef struct {
    bool too_small;         /* below 80x24: nothing placed, every rect empty;
                               the view says "terminal too small (WxH):
                               80x24 needed; Q quits", and the app ignores
                               every key but quit and redraw */
    int columns;            /* the terminal size, from the input */
    int lines;
    wbc_rect_t sidebar;     /* empty when not shown */
    wbc_rect_t area;        /* all the columns between sidebar and trace */
    wbc_rect_t hint;        /* no pane open: the area, for a hint; else empty */
    wbc_rect_t trace;       /* empty when not shown */
    wbc_rect_t prompt;      /* the prompt / message line, above the status */
    wbc_rect_t status;      /* the status line, the last line */
    wbc_rect_t overlay;     /* the box of help, details, messages, picker */
    int pane_count;         /* from the input */
    wbc_rect_t panes [WBC_LAYOUT_MAX_PANES];    /* empty when hidden */
    bool visible [WBC_LAYOUT_MAX_PANES];
    int first_visible;      /* visible panes are first_visible, ... */
    int visible_count;      /* ... first_visible + visible_count - 1 */
} wbc_layout_t;

/* Compute the layout into out (wholly rewritten). A side panel asked
   narrower than its minimum gets the minimum; one so wide that fewer than
   WBC_LAYOUT_MIN_PANE_WIDTH columns would be left for panes is narrowed
   (the sidebar first gives way to the trace's minimum). At 80 columns the
   minimums of all three fit.
   Returns 0, also when too small; -1 when input or out is NULL or
   pane_count is out of range (then out, if any, says too_small). */
int wbc_layout_compute (const wbc_layout_input_t *input, wbc_layout_t *out);

/* Rows of interactions a visible pane shows: its height less its title
   and header lines, at least 1. 1 for a hidden pane, an index out of
   range, a screen too small or a NULL layout. */
size_t wbc_layout_pane_rows (const wbc_layout_t *layout, int index);

/* Lines of text the overlay box holds (its top and bottom are borders);
   0 when too small or NULL. */
size_t wbc_layout_overlay_rows (const wbc_layout_t *layout);
/* Columns of text on one line of the overlay box (inside its borders and
   a margin of one on each side); 0 when too small or NULL. */
size_t wbc_layout_overlay_columns (const wbc_layout_t *layout);
/* The first line the sidebar shows, in height lines, for its selection on
   line selected_line: the selection on its last line at most. */
size_t wbc_layout_sidebar_top (size_t selected_line, size_t height);

#endif
