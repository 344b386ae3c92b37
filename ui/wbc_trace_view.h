/*  wbc_trace_view: what the trace pane shows of the message flow, and
    where the trainer is in it. No curses here.

    The trace (wb_trace, in the model) holds every message; the view keeps
    the rows a filter and the chatter setting leave (indexes into the
    trace, oldest first), the selected row and the first row on screen.
    Unfocused, the pane follows the newest message unless scrolled back;
    focused (T), the trace takes the screen, j/k move a selection, Enter
    reads the selected message whole, / searches, f filters.

    A filter line is words: "errors" (EventErrors only), "wb:TYPE@OWNER"
    (messages about that workbin), "name:TEXT" (message names holding
    TEXT), anything else is text the name, headline or an attribute must
    hold (the words joined by blanks).
*/
#ifndef WBC_TRACE_VIEW_H_INCLUDED
#define WBC_TRACE_VIEW_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "wb_trace.h"

#define WBC_TRACE_FILTER_MAX 256

typedef struct {
    bool focused;                        /* the trace has the keys and the screen */
    bool show_chatter;                   /* start-up and paging chatter shown (config
                                            trace-chatter; true by default) */
    char filter_line [WBC_TRACE_FILTER_MAX];  /* as typed, "" for none */
    char workbin [WB_TRACE_WORKBIN_MAX];
    char name [WB_TRACE_NAME_MAX];
    char text [WBC_TRACE_FILTER_MAX];
    bool errors_only;
    size_t *rows;                        /* trace indexes kept, oldest first */
    size_t row_count;
    size_t row_capacity;
    size_t built_size;                   /* the trace's size and last number when */
    uint64_t built_last;                 /* rows were built: stale when they differ */
    bool built;
    uint64_t selected;                   /* the selected entry's number; 0: follow the newest */
    size_t back;                         /* unfocused: rows scrolled back from the newest */
    size_t top;                          /* focused: the first row on screen */
} wbc_trace_view_t;

void wbc_trace_view_init (wbc_trace_view_t *self);
void wbc_trace_view_clear (wbc_trace_view_t *self);

/* The filter the view applies, as wb_trace takes it (pointing into self). */
wb_trace_filter_t wbc_trace_view_filter (const wbc_trace_view_t *self);
/* Set the filter from a line (see above); "" clears it. Returns 0, or -1
   with a reason in error ("wb: needs TYPE@OWNER"). */
int wbc_trace_view_set_filter (wbc_trace_view_t *self, const char *line, char *error, size_t size);
void wbc_trace_view_set_chatter (wbc_trace_view_t *self, bool show);

/* Bring the rows up to date with the trace (cheap when nothing changed).
   Returns true when they changed. */
bool wbc_trace_view_update (wbc_trace_view_t *self, const wb_trace_t *trace);

/* The selected row, or the newest when following; -1 when no row. */
long wbc_trace_view_selected_row (const wbc_trace_view_t *self, const wb_trace_t *trace);
const wb_trace_entry_t *wbc_trace_view_selected (const wbc_trace_view_t *self, const wb_trace_t *trace);
/* Move the selection by delta rows (clamped); from following, it starts at
   the newest. Moving past the newest follows again. */
void wbc_trace_view_move (wbc_trace_view_t *self, const wb_trace_t *trace, long delta);
void wbc_trace_view_select_first (wbc_trace_view_t *self, const wb_trace_t *trace);
void wbc_trace_view_follow (wbc_trace_view_t *self);
/* Select the next row after the selection (forward) or before it whose
   entry holds text (name, headline or an attribute); true if one did. */
bool wbc_trace_view_search (wbc_trace_view_t *self, const wb_trace_t *trace, const char *text,
                            bool forward);
/* Unfocused scrolling: rows back from the newest, bounded so that the
   oldest row stays at the top of page rows at most. */
void wbc_trace_view_scroll (wbc_trace_view_t *self, long delta, size_t page);
/* The first row to show in page rows. Focused: the top kept from last
   time, moved just enough to show the selection (the newest when
   following). Unfocused: the newest at the bottom, less the rows
   scrolled back. */
size_t wbc_trace_view_top (wbc_trace_view_t *self, const wb_trace_t *trace, size_t page);

#endif
