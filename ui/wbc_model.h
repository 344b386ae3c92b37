/*  wbc_model: everything the console shows, outside curses.

    Panes (one per open workbin, each a wb_replica plus selection and
    scroll), the sidebar of workbins this agent may see, the status line
    and its history, the trace of every message, and the connection state.
    Keys and network events change the model and mark what is dirty; the
    view (wbc_view.c, the only curses code) draws the dirty parts once per
    loop pass. Tested without a terminal.
*/
#ifndef WBC_MODEL_H_INCLUDED
#define WBC_MODEL_H_INCLUDED

#include <stdbool.h>
#include <stdint.h>
#include "wb_events.h"
#include "wb_kvlist.h"
#include "wb_prelude.h"
#include "wb_replica.h"
#include "wbc_rows.h"
#include "wbc_trace_view.h"
#include "wb_trace.h"

#define WBC_PANES_MAX 16
#define WBC_ID_MAX 65
#define WBC_TEXT_MAX 256
#define WBC_HISTORY_MAX 500
#define WBC_TRACE_MAX 10000
#define WBC_TRACE_BODY_BYTES (8u << 20)   /* bodies the trace keeps, encoded */
#define WBC_HIGHLIGHT_MS 3000      /* how long a new or changed row stands out */

typedef enum {
    WBC_CONNECTING = 0,   /* never reached the server yet */
    WBC_CONNECTED,        /* session open: registered, logged in */
    WBC_RECONNECTING,     /* lost the server, trying again */
    WBC_OFFLINE,          /* the server refused us (bad agent...); not retrying */
} wbc_connection_t;

typedef enum { WBC_LEVEL_INFO = 0, WBC_LEVEL_ACK, WBC_LEVEL_ERROR } wbc_level_t;

/* Which parts of the screen need drawing again. */
enum {
    WBC_DIRTY_PANES = 1 << 0,
    WBC_DIRTY_SIDEBAR = 1 << 1,
    WBC_DIRTY_STATUS = 1 << 2,
    WBC_DIRTY_TRACE = 1 << 3,
    WBC_DIRTY_LAYOUT = 1 << 4,     /* sizes changed: everything */
    WBC_DIRTY_OVERLAY = 1 << 5,    /* help, details, messages, prompt */
};

typedef struct {
    int64_t time_ms;               /* wall clock */
    wbc_level_t level;
    char text [WBC_TEXT_MAX];
} wbc_status_t;

/* A row highlighted for a while after a live change. */
typedef struct {
    char interaction_id [WBC_ID_MAX];
    int64_t until_ms;              /* monotonic */
} wbc_highlight_t;

typedef struct {
    char type_id [WBC_ID_MAX];
    char owner_id [WBC_ID_MAX];
    char owner_attribute [32];     /* WB_ATTR_WORKBIN_AGENT_ID... */
    char title [WBC_TEXT_MAX];     /* display name of the type */
    char owner_name [WBC_TEXT_MAX];
    char columns [WBC_TEXT_MAX];   /* "From,Subject,Received,State" */
    wb_replica_t *replica;
    wbc_rows_t *rows;              /* the rows shown: the replica sorted and filtered;
                                      selected and top count rows */
    bool live;                     /* subscribed (EventAck received): wbc_model_set_live */
    bool want_live;                /* the user asked for notifications: wbc_model_set_want_live */
    bool loading;                  /* a fetch is under way */
    int64_t loaded;                /* interactions fetched so far */
    int64_t total;                 /* TotalCount of the fetch */
    int64_t fetched_at_ms;         /* wall clock of the last full fetch */
    int64_t fetch_version;         /* WorkbinVersion of the first page */
    uint64_t fetch_serial;         /* which fetch its pages belong to (wbc_model_begin_fetch):
                                      a page asked for by an earlier one is stale */
    int misfits;                   /* fetches started again in a row because a page did not
                                      follow on from what the pane held (wbc_session) */
    size_t selected;               /* row index */
    size_t top;                    /* first visible row: moved by the selection and by
                                      wbc_model_scroll_to_selection, never by the view */
    char selected_id [WBC_ID_MAX]; /* keeps the selection on one interaction */
    wbc_highlight_t highlights [8];
    struct _zhashx_t *marks;       /* ids of the marked interactions, for bulk actions
                                      (NULL: none yet) */
    size_t mark_count;             /* how many, those gone from the workbin included */
    char mark_anchor [WBC_ID_MAX]; /* the last one marked or unmarked: a range starts there */
    size_t unseen;                 /* interactions placed in live since the user last
                                      jumped to the newest (wbc_model_jump_newest) */
    char newest_id [WBC_ID_MAX];   /* the last of them */
    bool in_hand;                  /* the agent's hands, not a workbin: what it pulled
                                      (RequestGetPulledInteractions); never live */
} wbc_pane_t;

/* The columns of the in-hand pane. */
#define WBC_IN_HAND_COLUMNS "From,Subject,Received"


/* One workbin the sidebar lists. */
typedef struct {
    char type_id [WBC_ID_MAX];
    char owner_id [WBC_ID_MAX];
    char owner_attribute [32];
    char type_name [WBC_TEXT_MAX];
    char owner_name [WBC_TEXT_MAX];
    char relation [16];            /* own, place, placegroup, group, team */
    char columns [WBC_TEXT_MAX];
    int64_t count;
    int64_t version;               /* WorkbinVersion the count is at (0: unknown) */
    int64_t oldest_s;              /* MinMovedToQueueAt, seconds (0: none, or empty) */
    char label [WBC_TEXT_MAX];     /* how the sidebar names it under its type's heading:
                                      the owner's name, with its id if another owner
                                      of the type has the same name */
} wbc_sidebar_entry_t;

typedef struct _wbc_model_t wbc_model_t;

wbc_model_t *wbc_model_new (void);
void wbc_model_destroy (wbc_model_t **self_p);

/* What must be drawn again; the view clears it after drawing. */
unsigned wbc_model_dirty (const wbc_model_t *self);
void wbc_model_mark (wbc_model_t *self, unsigned parts);
void wbc_model_clear_dirty (wbc_model_t *self);

// ---------------------------------------------------------------- session
void wbc_model_set_identity (wbc_model_t *self, const char *agent_id, const char *endpoint);
const char *wbc_model_agent (const wbc_model_t *self);
const char *wbc_model_endpoint (const wbc_model_t *self);
void wbc_model_set_connection (wbc_model_t *self, wbc_connection_t state);
wbc_connection_t wbc_model_connection (const wbc_model_t *self);
const char *wbc_connection_text (wbc_connection_t state);
/* The workbins asked for before the session is open ("email-draft,
   team-queue@sales"; NULL or "": none), shown while connecting. */
void wbc_model_set_waiting (wbc_model_t *self, const char *names);
const char *wbc_model_waiting (const wbc_model_t *self);

// ---------------------------------------------------------------- sidebar
/* Columns to show for a workbin type, instead of the server's default. */
int wbc_model_set_columns (wbc_model_t *self, const char *type_id, const char *columns);
/* Replace the sidebar from an EventWorkbinTypesInfo (wb_event_read_types):
   one entry per owner of each type; NULL empties it. */
void wbc_model_set_workbin_types (wbc_model_t *self, const wb_event_types_t *types_info);
/* A workbin's statistic changed (EventWorkbinStatistic, sent live after
   RequestStatisticNotifications, or the reply of a statistic request): its
   sidebar entry takes the count and the oldest, unless it already has a
   newer version. 0, or -1 for a workbin the sidebar does not list. */
int wbc_model_apply_statistic (wbc_model_t *self, const wb_event_statistic_t *statistic);
size_t wbc_model_sidebar_size (const wbc_model_t *self);
/* The sidebar as it is drawn: lines, each type's entries under a heading
   line (the type's name). The entry at a line, or -1 for a heading or
   past the end; the line of an entry. */
size_t wbc_model_sidebar_lines (const wbc_model_t *self);
long wbc_model_sidebar_entry_at_line (const wbc_model_t *self, size_t line);
size_t wbc_model_sidebar_line_of (const wbc_model_t *self, size_t entry);
const wbc_sidebar_entry_t *wbc_model_sidebar_at (const wbc_model_t *self, size_t index);
/* The entry for TYPE@OWNER, or for TYPE alone (own, else the only one). */
const wbc_sidebar_entry_t *wbc_model_sidebar_find (const wbc_model_t *self, const char *name);
size_t wbc_model_sidebar_selected (const wbc_model_t *self);
void wbc_model_sidebar_select (wbc_model_t *self, size_t index);
bool wbc_model_sidebar_visible (const wbc_model_t *self);
void wbc_model_set_sidebar_visible (wbc_model_t *self, bool visible);
/* Keyboard focus on the sidebar rather than on a pane. */
bool wbc_model_sidebar_focused (const wbc_model_t *self);
void wbc_model_set_sidebar_focused (wbc_model_t *self, bool focused);

// ---------------------------------------------------------------- panes
/* Open a pane for a sidebar entry (or return the existing one). Returns
   the pane index, or -1 if WBC_PANES_MAX panes are open. */
int wbc_model_open_pane (wbc_model_t *self, const wbc_sidebar_entry_t *entry);
/* Open the in-hand pane, the interactions the agent handles (or return it);
   focus it if focus is true. The pane index, or -1 if WBC_PANES_MAX panes
   are open. */
int wbc_model_open_in_hand (wbc_model_t *self, bool focus);
/* The in-hand pane's index, or -1 if it is not open. */
int wbc_model_find_in_hand (const wbc_model_t *self);
void wbc_model_close_pane (wbc_model_t *self, size_t index);
size_t wbc_model_pane_count (const wbc_model_t *self);
wbc_pane_t *wbc_model_pane (wbc_model_t *self, size_t index);
/* The pane showing TYPE and OWNER, or -1. */
int wbc_model_find_pane (const wbc_model_t *self, const char *type_id, const char *owner_id);
/* Whether a pane is subscribed (the server acknowledged it), and whether
   the user wants it to be; the session sets them here, and a change of
   liveness marks the panes dirty. Out-of-range indexes do nothing. */
void wbc_model_set_live (wbc_model_t *self, size_t pane_index, bool live);
void wbc_model_set_want_live (wbc_model_t *self, size_t pane_index, bool want_live);
size_t wbc_model_focus (const wbc_model_t *self);
void wbc_model_set_focus (wbc_model_t *self, size_t index);
int wbc_model_maximised (const wbc_model_t *self);
void wbc_model_toggle_maximised (wbc_model_t *self);

/* A fetch of a pane's content starts: the replica is emptied and keeps
   the change events that arrive until the last page is in. */
void wbc_model_begin_fetch (wbc_model_t *self, size_t pane_index);
/* A content page (an EventWorkbinContent, wb_event_read_content) arrived
   for a pane: keep it; when the last page is in, the replica is loaded. A
   NULL page reads as an empty one. Returns the From to ask next, or -1
   when done (or when the version moved between pages, or the page does
   not follow on from those before it, and the fetch restarts at 0: then
   0). */
int64_t wbc_model_apply_page (wbc_model_t *self, size_t pane_index, const wb_event_content_t *page,
                              int64_t now_ms, int64_t wall_ms);
/* The From of the page after this one, known before this one is applied
   (it follows on from the pages before it, is not empty, and its
   TotalCount says more are left), so that it can be asked for at once and
   the server reads it while this one is applied; -1 otherwise. When the
   page is applied, wbc_model_apply_page returns the same From. */
int64_t wbc_model_page_after (const wbc_model_t *self, size_t pane_index,
                              const wb_event_content_t *page);
/* The same from a glance at the page before it is decoded
   (wb_event_glance_content): the next page is then read by the server
   while this one is decoded and applied. */
int64_t wbc_model_page_after_glance (const wbc_model_t *self, size_t pane_index,
                                     const wb_content_glance_t *glance);
/* The interactions the agent handles (an EventPulledInteractions that
   answers RequestGetPulledInteractions, wb_event_read_pulled) arrived for
   the in-hand pane: they replace its rows. */
void wbc_model_apply_in_hand (wbc_model_t *self, size_t pane_index, const wb_event_pulled_t *pulled,
                              int64_t wall_ms);
/* A change event (an EventWorkbinContentChanged body, read with
   wb_event_read_change_body; a replica keeps the body while it fetches):
   applied to each pane showing its workbin. Returns the index of a pane
   that must fetch again (a gap), or -1. */
int wbc_model_apply_change (wbc_model_t *self, const wb_kvlist_t *event, int64_t now_ms);

/* Move the selection of the focused pane by delta rows (clamped), or to
   the first / last row. The visible rows are rows tall. */
void wbc_model_move_selection (wbc_model_t *self, long delta, size_t rows);
void wbc_model_select_first (wbc_model_t *self);
void wbc_model_select_last (wbc_model_t *self, size_t rows);
/* A pane shows rows rows (from the layout): scroll it down, if need be,
   so that its selected row is within them. Marks the panes dirty when it
   scrolls. */
void wbc_model_scroll_to_selection (wbc_model_t *self, size_t pane_index, size_t rows);
/* Sort the focused pane by a column ("" : the workbin's order), or filter
   it (wbc_rows_set_filter; "" shows all): the selection stays on its
   interaction if it is still shown. 0, or -1 with error filled. */
int wbc_model_sort (wbc_model_t *self, const char *column, bool descending, size_t rows);
int wbc_model_filter (wbc_model_t *self, const char *filter, size_t rows,
                      char *error, size_t error_size);
/* Select the newest interaction placed in live (the "N new" of the
   title) and count none as unseen. */
typedef enum {
    WBC_JUMP_DONE = 0,
    WBC_JUMP_NOTHING_NEW,          /* none placed in since the last jump */
    WBC_JUMP_FILTERED,             /* the newest is hidden by the filter: still new */
} wbc_jump_t;
wbc_jump_t wbc_model_jump_newest (wbc_model_t *self, size_t rows);
/* Marks, in the focused pane, for bulk actions: toggle the selected
   interaction's (it becomes the anchor); mark every row from the anchor
   to the selection; mark every row shown, or unmark them all if they all
   are. Each returns how many are marked now (wbc_model_marked). */
size_t wbc_model_toggle_mark (wbc_model_t *self);
size_t wbc_model_mark_range (wbc_model_t *self);
size_t wbc_model_mark_all (wbc_model_t *self);
/* Whether an interaction of a pane is marked. */
bool wbc_model_is_marked (const wbc_pane_t *pane, const char *interaction_id);
/* The marked interactions of a pane that it still holds (shown or not),
   in the pane's order: their number, and up to max of their ids into ids
   (may be NULL). Marks of interactions that left are forgotten. */
size_t wbc_model_marked (wbc_pane_t *pane, const char **ids, size_t max);
void wbc_model_clear_marks (wbc_model_t *self, size_t pane_index);
/* The number of rows a pane shows (its replica, sorted and filtered). */
size_t wbc_model_pane_rows (wbc_pane_t *pane);
/* The selected interaction of the focused pane, or NULL. */
const wb_kvlist_t *wbc_model_selected_interaction (wbc_model_t *self);
/* True if the selected row of the focused pane is an interaction received
   that cannot be read (wbc_rows_unreadable), with what its row says in
   text. */
bool wbc_model_selected_unreadable (wbc_model_t *self, char *text, size_t size);
/* True while the row of this interaction is highlighted. */
bool wbc_model_is_highlighted (const wbc_pane_t *pane, const char *interaction_id, int64_t now_ms);
/* Where a search landed: the match selected is number `position` (from
   1, in the pane's order) of the `count` interactions that match; wrapped
   when it went past the last row (searching down) or the first (searching
   up) to find it, as it does when the selection is the only match. All 0
   and false when nothing matches. */
typedef struct {
    size_t position;
    size_t count;
    bool wrapped;
} wbc_search_result_t;
/* Search the focused pane from the selection for text in any text
   property of an interaction (shown or not);
   direction +1 or -1. Return true and select it if found; result (may be
   NULL) says where it landed. */
bool wbc_model_search (wbc_model_t *self, const char *text, int direction, size_t rows,
                       wbc_search_result_t *result);

// ---------------------------------------------------------------- status
void wbc_model_status (wbc_model_t *self, wbc_level_t level, int64_t wall_ms,
                       const char *format, ...) WB_PRINTF (4, 5);
const wbc_status_t *wbc_model_last_status (const wbc_model_t *self);
size_t wbc_model_history_size (const wbc_model_t *self);
/* History entry, 0 = oldest kept. */
const wbc_status_t *wbc_model_history_at (const wbc_model_t *self, size_t index);

// ---------------------------------------------------------------- trace
/* A message this console sent (outgoing) or received, into the trace as
   the agent's (wb_trace: lifelines, headline, the whole body). */
void wbc_model_trace (wbc_model_t *self, bool outgoing, const char *name, int64_t reference_id,
                      const wb_kvlist_t *body, int64_t wall_ms);
/* Every message kept (at most WBC_TRACE_MAX, the oldest go first). */
size_t wbc_model_trace_size (const wbc_model_t *self);
const wb_trace_t *wbc_model_trace_log (const wbc_model_t *self);
/* What the trace pane shows of it: the rows the filter keeps, the
   selection; brought up to date with the trace by this call. */
wbc_trace_view_t *wbc_model_trace_view (wbc_model_t *self);
bool wbc_model_trace_visible (const wbc_model_t *self);
void wbc_model_set_trace_visible (wbc_model_t *self, bool visible);
/* The trace has the keys and the screen (T): shown, and focused. */
bool wbc_model_trace_focused (const wbc_model_t *self);
void wbc_model_set_trace_focused (wbc_model_t *self, bool focused);
/* Unfocused, scroll the pane back (delta > 0) or on, by rows; the oldest
   row stops at its top: page rows show at once (from the layout). */
void wbc_model_scroll_trace (wbc_model_t *self, long delta);
void wbc_model_set_trace_page (wbc_model_t *self, size_t page);
/* Forget every message traced so far (:clear-trace). */
void wbc_model_clear_trace (wbc_model_t *self);
/* A labelled divider between phases (:mark TEXT). */
void wbc_model_mark_trace (wbc_model_t *self, const char *text, int64_t wall_ms);
/* Write what the trace pane shows (its filter applies) to path, in the
   format its extension names: .txt .mmd .puml .svg (wb_trace_export).
   Returns 0, or -1 with errno set (EINVAL: another extension). */
int wbc_model_save_trace (const wbc_model_t *self, const char *path);

// ---------------------------------------------------------------- trainer
bool wbc_model_paused (const wbc_model_t *self);
void wbc_model_set_paused (wbc_model_t *self, bool paused);
/* Changes held while paused (the session keeps them and says how many). */
size_t wbc_model_held (const wbc_model_t *self);
void wbc_model_set_held (wbc_model_t *self, size_t held);

#endif
