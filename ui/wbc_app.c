/*  wbc_app: keys and ':' commands. See wbc_app.h. Actions come from the key
    table (wbc_keys); each has a handler here, found in a table. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "wbc_app.h"
#include "wbc_columns.h"
#include "wbc_overlay_text.h"
#include "wb_clock.h"
#include "wb_prelude.h"
#include "wb_protocol.h"

struct _wbc_app_t {
    wbc_model_t *model;
    wbc_session_t *session;
    wbc_keys_t *keys;
    wbc_ui_t ui;
    int columns, lines;                 /* the terminal's size (wbc_app_resize) */
    bool laid_out;                      /* layout was computed from layout_input */
    wbc_layout_input_t layout_input;
    wbc_layout_t layout;
    wbc_overlay_text_t *overlay_text;   /* to count the overlay's lines */
    wbc_board_t board;                  /* the board, built from the sidebar when shown */
    char last_type [WBC_ID_MAX];        /* the workbin the last move went to, */
    char last_owner [WBC_ID_MAX];       /* which the next picker chooses first */
};

static size_t s_board_rows (const wbc_app_t *self);
static void s_search_trace (wbc_app_t *self, int direction);
static void s_settle_board (wbc_app_t *self);

typedef void (s_action_fn) (wbc_app_t *self, int64_t now_ms);
typedef void (s_command_fn) (wbc_app_t *self, const char *argument, int64_t now_ms);

//  Rows a page of the focused pane is, from the layout (1 if it is hidden).
static size_t
s_rows (const wbc_app_t *self)
{
    return wbc_layout_pane_rows (&self->layout, (int) wbc_model_focus (self->model));
}

static void
s_overlay (wbc_app_t *self, wbc_overlay_t overlay)
{
    self->ui.overlay = overlay;
    self->ui.overlay_scroll = 0;
    wbc_model_mark (self->model, WBC_DIRTY_LAYOUT | WBC_DIRTY_OVERLAY);
}

//  The selected interaction's id, or NULL (with a status line saying so).
static const char *
s_selected_id (wbc_app_t *self)
{
    const char *id = wb_kvlist_string (wbc_model_selected_interaction (self->model), WB_ATTR_INTERACTION_ID);
    char unreadable [160];
    if (!id && !wbc_model_sidebar_focused (self->model)
    &&  wbc_model_selected_unreadable (self->model, unreadable, sizeof (unreadable))) {
        wbc_model_status (self->model, WBC_LEVEL_ERROR, wb_clock_wall_ms (), "%s", unreadable);
        return NULL;
    }
    if (!id || wbc_model_sidebar_focused (self->model)) {
        wbc_model_status (self->model, WBC_LEVEL_INFO, wb_clock_wall_ms (), "no interaction selected");
        return NULL;
    }
    return id;
}

//  Keep what a picker, a question or the details are about: the selected
//  interaction's id, subject and sender (as the From column shows it).
//  False (with a status line saying so) when nothing is selected.
static bool
s_about_selected (wbc_app_t *self)
{
    const char *id = s_selected_id (self);
    if (!id)
        return false;
    const wb_kvlist_t *interaction = wbc_model_selected_interaction (self->model);
    const char *subject = wb_kvlist_string (interaction, WB_ATTR_SUBJECT);
    snprintf (self->ui.subject_id, sizeof (self->ui.subject_id), "%s", id);
    snprintf (self->ui.subject_text, sizeof (self->ui.subject_text), "%s", subject ? subject : "");
    wbc_columns_find ("From")->value (interaction, 0, self->ui.subject_from,
                                      sizeof (self->ui.subject_from));
    return true;
}

//  The sidebar index of the workbin the last move went to, or
//  WBC_PICKER_NONE (no move yet, or that workbin has gone).
static size_t
s_last_target (const wbc_app_t *self)
{
    for (size_t index = 0; *self->last_type && index < wbc_model_sidebar_size (self->model); index++) {
        const wbc_sidebar_entry_t *entry = wbc_model_sidebar_at (self->model, index);
        if (streq (entry->type_id, self->last_type) && streq (entry->owner_id, self->last_owner))
            return index;
    }
    return WBC_PICKER_NONE;
}

// ---------------------------------------------------------------- actions

//  In the sidebar, moving moves the sidebar's selection.
static bool
s_move_sidebar (wbc_app_t *self, long delta)
{
    if (!wbc_model_sidebar_focused (self->model))
        return false;
    long target = (long) wbc_model_sidebar_selected (self->model) + delta;
    long last = (long) wbc_model_sidebar_size (self->model) - 1;
    wbc_model_sidebar_select (self->model, (size_t) (target < 0 ? 0 : target > last ? last : target));
    return true;
}

static void s_move_down (wbc_app_t *self, int64_t now_ms)
{ (void) now_ms; if (!s_move_sidebar (self, 1)) wbc_model_move_selection (self->model, 1, s_rows (self)); }
static void s_move_up (wbc_app_t *self, int64_t now_ms)
{ (void) now_ms; if (!s_move_sidebar (self, -1)) wbc_model_move_selection (self->model, -1, s_rows (self)); }
static void s_page_down (wbc_app_t *self, int64_t now_ms)
{ (void) now_ms; if (!s_move_sidebar (self, 10)) wbc_model_move_selection (self->model, (long) s_rows (self), s_rows (self)); }
static void s_page_up (wbc_app_t *self, int64_t now_ms)
{ (void) now_ms; if (!s_move_sidebar (self, -10)) wbc_model_move_selection (self->model, -(long) s_rows (self), s_rows (self)); }
static void s_first (wbc_app_t *self, int64_t now_ms)
{ (void) now_ms; if (!s_move_sidebar (self, -100000)) wbc_model_select_first (self->model); }
static void s_last (wbc_app_t *self, int64_t now_ms)
{ (void) now_ms; if (!s_move_sidebar (self, 100000)) wbc_model_select_last (self->model, s_rows (self)); }

static void
s_start_prompt (wbc_app_t *self, char kind)
{
    self->ui.prompt_kind = kind;
    self->ui.prompt [0] = 0;
    s_overlay (self, WBC_OVERLAY_PROMPT);
}

static void s_search (wbc_app_t *self, int64_t now_ms) { (void) now_ms; s_start_prompt (self, '/'); }

// ---------------------------------------------------------------- sort, filter, new

//  The focused pane, or NULL (the sidebar has the focus, or none is open).
static wbc_pane_t *
s_focused_pane (wbc_app_t *self)
{
    if (wbc_model_sidebar_focused (self->model))
        return NULL;
    return wbc_model_pane (self->model, wbc_model_focus (self->model));
}

//  Say how the focused pane is ordered now.
static void
s_say_sort (wbc_app_t *self, const wbc_pane_t *pane)
{
    const char *column = wbc_rows_sort (pane->rows);
    if (*column)
        wbc_model_status (self->model, WBC_LEVEL_INFO, wb_clock_wall_ms (),
                          "sorted by %s, %s (r reverses, > and < change the column)", column,
                          wbc_rows_descending (pane->rows) ? "descending" : "ascending");
    else
        wbc_model_status (self->model, WBC_LEVEL_INFO, wb_clock_wall_ms (),
                          "in the workbin's own order (> sorts by a column)");
}

//  Sort by the pane's next (step 1) or previous (-1) column; past the
//  last (or before the first), the workbin's own order.
static void
s_sort_step (wbc_app_t *self, int step)
{
    wbc_pane_t *pane = s_focused_pane (self);
    if (!pane)
        return;
    const char *names [WBC_COLUMNS_MAX];
    size_t count = 0;
    long current = -1;
    char list [WBC_TEXT_MAX];
    snprintf (list, sizeof (list), "%s", pane->columns);
    for (char *cursor = list, *name; (name = strsep (&cursor, ",")) && count < WBC_COLUMNS_MAX; ) {
        name += strspn (name, " ");
        name [strcspn (name, " ")] = 0;
        const wbc_column_t *column = wbc_columns_find (name);
        if (!column)
            continue;
        if (streq (column->name, wbc_rows_sort (pane->rows)))
            current = (long) count;
        names [count++] = column->name;
    }
    //  positions 0..count-1 are columns, count is the workbin's order
    long span = (long) count + 1;
    long next = ((current < 0 ? (long) count : current) + step + span) % span;
    wbc_model_sort (self->model, next == (long) count ? "" : names [next], false, s_rows (self));
    s_say_sort (self, pane);
}

static void s_sort_next (wbc_app_t *self, int64_t now_ms) { (void) now_ms; s_sort_step (self, 1); }
static void s_sort_prev (wbc_app_t *self, int64_t now_ms) { (void) now_ms; s_sort_step (self, -1); }

static void
s_sort_reverse (wbc_app_t *self, int64_t now_ms)
{
    (void) now_ms;
    wbc_pane_t *pane = s_focused_pane (self);
    if (!pane)
        return;
    if (*wbc_rows_sort (pane->rows))
        wbc_model_sort (self->model, wbc_rows_sort (pane->rows), !wbc_rows_descending (pane->rows),
                        s_rows (self));
    s_say_sort (self, pane);
}

//  f: the command prompt, holding ":filter " and the filter as it is.
static void
s_filter (wbc_app_t *self, int64_t now_ms)
{
    (void) now_ms;
    wbc_pane_t *pane = s_focused_pane (self);
    if (!pane)
        return;
    s_start_prompt (self, ':');
    snprintf (self->ui.prompt, sizeof (self->ui.prompt), "filter %s", wbc_rows_filter (pane->rows));
}

//  Filter the focused pane, and say what it shows.
static void
s_apply_filter (wbc_app_t *self, const char *filter)
{
    wbc_pane_t *pane = s_focused_pane (self);
    char error [128];
    if (!pane)
        wbc_model_status (self->model, WBC_LEVEL_INFO, wb_clock_wall_ms (), "no pane has the focus");
    else
    if (wbc_model_filter (self->model, filter, s_rows (self), error, sizeof (error)))
        wbc_model_status (self->model, WBC_LEVEL_ERROR, wb_clock_wall_ms (), "%s", error);
    else
    if (*wbc_rows_filter (pane->rows))
        wbc_model_status (self->model, WBC_LEVEL_INFO, wb_clock_wall_ms (),
                          "filter %s: %zu of %zu shown (F shows all)", wbc_rows_filter (pane->rows),
                          wbc_model_pane_rows (pane), wb_replica_size (pane->replica));
    else
        wbc_model_status (self->model, WBC_LEVEL_INFO, wb_clock_wall_ms (), "no filter: all %zu shown",
                          wb_replica_size (pane->replica));
}

static void s_filter_clear (wbc_app_t *self, int64_t now_ms) { (void) now_ms; s_apply_filter (self, ""); }

static void
s_jump_new (wbc_app_t *self, int64_t now_ms)
{
    (void) now_ms;
    wbc_jump_t jump = wbc_model_jump_newest (self->model, s_rows (self));
    if (jump == WBC_JUMP_NOTHING_NEW)
        wbc_model_status (self->model, WBC_LEVEL_INFO, wb_clock_wall_ms (),
                          "nothing new in this pane since the last look");
    else
    if (jump == WBC_JUMP_FILTERED)
        wbc_model_status (self->model, WBC_LEVEL_INFO, wb_clock_wall_ms (),
                          "the newest interaction does not match the filter: F shows all");
}
static void s_prompt (wbc_app_t *self, int64_t now_ms) { (void) now_ms; s_start_prompt (self, ':'); }

//  Search again, and say where it landed: "match 2 of 3 for "order"",
//  "(wrapped)" when it went round the end, or "not found: order".
static void
s_search_again (wbc_app_t *self, int direction)
{
    wbc_search_result_t found;
    if (!*self->ui.search)
        wbc_model_status (self->model, WBC_LEVEL_INFO, wb_clock_wall_ms (), "no search yet: press /");
    else
    if (wbc_model_trace_focused (self->model))
        s_search_trace (self, direction);
    else
    if (!wbc_model_search (self->model, self->ui.search, direction, s_rows (self), &found))
        wbc_model_status (self->model, WBC_LEVEL_INFO, wb_clock_wall_ms (), "not found: %s", self->ui.search);
    else
        wbc_model_status (self->model, WBC_LEVEL_INFO, wb_clock_wall_ms (), "match %zu of %zu for \"%s\"%s",
                          found.position, found.count, self->ui.search, found.wrapped ? " (wrapped)" : "");
}

static void s_search_next (wbc_app_t *self, int64_t now_ms) { (void) now_ms; s_search_again (self, 1); }
static void s_search_prev (wbc_app_t *self, int64_t now_ms) { (void) now_ms; s_search_again (self, -1); }

static void
s_focus_step (wbc_app_t *self, int step)
{
    size_t count = wbc_model_pane_count (self->model);
    bool sidebar = wbc_model_sidebar_visible (self->model);
    //  the sidebar takes part in the cycle as position -1
    long position = wbc_model_sidebar_focused (self->model) ? -1 : (long) wbc_model_focus (self->model);
    long first = sidebar ? -1 : 0, span = (long) count - first;
    if (span <= 0)
        return;
    position = first + ((position - first + step) % span + span) % span;
    if (position < 0)
        wbc_model_set_sidebar_focused (self->model, true);
    else
        wbc_model_set_focus (self->model, (size_t) position);
}

static void s_focus_next (wbc_app_t *self, int64_t now_ms) { (void) now_ms; s_focus_step (self, 1); }
static void s_focus_prev (wbc_app_t *self, int64_t now_ms) { (void) now_ms; s_focus_step (self, -1); }
static void s_maximise (wbc_app_t *self, int64_t now_ms) { (void) now_ms; wbc_model_toggle_maximised (self->model); }

static void
s_close_pane (wbc_app_t *self, int64_t now_ms)
{
    if (wbc_model_sidebar_focused (self->model) || wbc_model_pane_count (self->model) == 0)
        return;
    size_t focus = wbc_model_focus (self->model);
    wbc_pane_t *pane = wbc_model_pane (self->model, focus);
    if (pane->live)
        wbc_session_cancel (self->session, focus, now_ms);
    wbc_model_close_pane (self->model, focus);
}

static void
s_sidebar (wbc_app_t *self, int64_t now_ms)
{
    (void) now_ms;
    if (!wbc_model_sidebar_visible (self->model))
        wbc_model_set_sidebar_visible (self->model, true);
    if (wbc_model_sidebar_focused (self->model))
        wbc_model_set_sidebar_visible (self->model, false);
    else
        wbc_model_set_sidebar_focused (self->model, true);
}

static void
s_open (wbc_app_t *self, int64_t now_ms)
{
    const wbc_sidebar_entry_t *entry =
        wbc_model_sidebar_at (self->model, wbc_model_sidebar_selected (self->model));
    if (!entry)
        return;
    char name [2 * WBC_ID_MAX + 2];
    snprintf (name, sizeof (name), "%s@%s", entry->type_id, entry->owner_id);
    wbc_session_open (self->session, name, now_ms);
}

static void
s_refresh (wbc_app_t *self, int64_t now_ms)
{
    if (wbc_model_sidebar_focused (self->model))
        return;
    wbc_session_refresh (self->session, wbc_model_focus (self->model), now_ms);
}

static void
s_watch (wbc_app_t *self, int64_t now_ms)
{
    if (wbc_model_sidebar_focused (self->model))
        return;
    wbc_session_toggle_watch (self->session, wbc_model_focus (self->model), now_ms);
}

static void
s_pause (wbc_app_t *self, int64_t now_ms)
{
    bool paused = !wbc_model_paused (self->model);
    wbc_session_set_paused (self->session, paused, now_ms);
    wbc_model_status (self->model, WBC_LEVEL_INFO, wb_clock_wall_ms (), paused
                      ? "live updates paused: changes are held (. applies one, P resumes)"
                      : "live updates resumed");
}

static void
s_details (wbc_app_t *self, int64_t now_ms)
{
    if (wbc_model_sidebar_focused (self->model)) {
        s_open (self, now_ms);
        return;
    }
    if (s_about_selected (self))
        s_overlay (self, WBC_OVERLAY_DETAILS);
}

// ---------------------------------------------------------------- marks, bulk actions

//  How many interactions of the focused pane are marked (0 with the
//  sidebar focused).
static size_t
s_marked (wbc_app_t *self)
{
    wbc_pane_t *pane = s_focused_pane (self);
    return pane ? wbc_model_marked (pane, NULL, 0) : 0;
}

static void
s_say_marked (wbc_app_t *self, size_t marked)
{
    wbc_model_status (self->model, WBC_LEVEL_INFO, wb_clock_wall_ms (), marked
                      ? "%zu marked: m moves, d stops, p pulls them all (Space unmarks one, * all)"
                      : "nothing marked", marked);
}

static void
s_mark (wbc_app_t *self, int64_t now_ms)
{
    (void) now_ms;
    if (!s_focused_pane (self))
        return;
    s_say_marked (self, wbc_model_toggle_mark (self->model));
    wbc_model_move_selection (self->model, 1, s_rows (self));      //  on to the next, as in mutt
}

static void s_mark_range (wbc_app_t *self, int64_t now_ms)
{ (void) now_ms; if (s_focused_pane (self)) s_say_marked (self, wbc_model_mark_range (self->model)); }
static void s_mark_all (wbc_app_t *self, int64_t now_ms)
{ (void) now_ms; if (s_focused_pane (self)) s_say_marked (self, wbc_model_mark_all (self->model)); }

typedef enum { S_BULK_PLACE, S_BULK_PULL, S_BULK_STOP } s_bulk_kind_t;

//  Act on every marked interaction of the focused pane, then unmark them:
//  the session counts the outcomes. target: the workbin of a move.
static void
s_bulk (wbc_app_t *self, s_bulk_kind_t kind, const wbc_sidebar_entry_t *target, int64_t now_ms)
{
    static const char *names [] = {
        [S_BULK_PLACE] = WB_MSG_REQUEST_PLACE_IN_WORKBIN, [S_BULK_PULL] = WB_MSG_REQUEST_PULL,
        [S_BULK_STOP] = WB_MSG_REQUEST_STOP_PROCESSING,
    };
    wbc_pane_t *pane = s_focused_pane (self);
    size_t count = pane ? wbc_model_marked (pane, NULL, 0) : 0;
    if (count == 0)
        return;
    const char **ids = wb_calloc (count, sizeof (char *));
    char (*copies) [WBC_ID_MAX] = wb_calloc (count, WBC_ID_MAX);
    wbc_model_marked (pane, ids, count);
    for (size_t index = 0; index < count; index++)      //  the pane may change as they go
        snprintf (copies [index], WBC_ID_MAX, "%s", ids [index]);
    if (!wbc_session_bulk_begin (self->session, names [kind], count)) {
        if (wbc_model_connection (self->model) != WBC_CONNECTED)
            wbc_model_status (self->model, WBC_LEVEL_ERROR, wb_clock_wall_ms (),
                              "not connected to the server: %s of %zu marked not sent; try again "
                              "once connected", names [kind], count);
    }
    else {
        for (size_t index = 0; index < count; index++)
            if (kind == S_BULK_PLACE)
                wbc_session_place (self->session, copies [index], target, now_ms);
            else
            if (kind == S_BULK_PULL)
                wbc_session_pull (self->session, copies [index], now_ms);
            else
                wbc_session_stop (self->session, copies [index], now_ms);
        wbc_session_bulk_end (self->session);
        wbc_model_clear_marks (self->model, wbc_model_focus (self->model));
    }
    free (copies);
    free (ids);
}

//  The picker of a move chooses nothing at first, so that Enter cannot
//  move to a workbin nobody chose; after a move, the workbin it went to.
//  With interactions marked, it moves them all.
static void
s_move_item (wbc_app_t *self, int64_t now_ms)
{
    (void) now_ms;
    self->ui.marked = s_marked (self);
    if (!self->ui.marked && !s_about_selected (self))
        return;
    self->ui.picker_selected = s_last_target (self);
    s_overlay (self, WBC_OVERLAY_PICKER);
}

static void
s_pull (wbc_app_t *self, int64_t now_ms)
{
    if (s_marked (self)) {
        s_bulk (self, S_BULK_PULL, NULL, now_ms);
        return;
    }
    const char *id = s_selected_id (self);
    const wbc_pane_t *pane = wbc_model_pane (self->model, wbc_model_focus (self->model));
    if (id && pane && pane->in_hand) {
        const char *subject = wb_kvlist_string (wbc_model_selected_interaction (self->model),
                                                WB_ATTR_SUBJECT);
        wbc_model_status (self->model, WBC_LEVEL_INFO, wb_clock_wall_ms (),
                          "\"%s\" is already in your hands: m places it in a workbin, d stops it",
                          subject ? subject : id);
    }
    else
    if (id)
        wbc_session_pull (self->session, id, now_ms);
}

static void s_in_hand (wbc_app_t *self, int64_t now_ms) { wbc_session_open_in_hand (self->session, now_ms); }

// ---------------------------------------------------------------- the board

static void
s_board (wbc_app_t *self, int64_t now_ms)
{
    (void) now_ms;
    self->ui.board = !self->ui.board;
    wbc_model_mark (self->model, WBC_DIRTY_LAYOUT);
    if (self->ui.board)
        wbc_model_status (self->model, WBC_LEVEL_INFO, wb_clock_wall_ms (),
                          "the board: j/k and h/l choose a workbin, Enter opens it, > and < "
                          "sort the rows, b goes back to the panes");
}

//  The workbin of the board's selected cell, opened as a pane.
static void
s_board_open (wbc_app_t *self, int64_t now_ms)
{
    if (self->ui.board_row >= self->board.row_count)
        return;
    long entry_index = self->board.rows [self->ui.board_row].cells [self->ui.board_column];
    const wbc_sidebar_entry_t *entry = entry_index >= 0
                                     ? wbc_model_sidebar_at (self->model, (size_t) entry_index) : NULL;
    if (!entry) {
        wbc_model_status (self->model, WBC_LEVEL_INFO, wb_clock_wall_ms (),
                          "no such workbin for this owner");
        return;
    }
    char name [2 * WBC_ID_MAX + 2];
    snprintf (name, sizeof (name), "%s@%s", entry->type_id, entry->owner_id);
    self->ui.board = false;
    wbc_model_mark (self->model, WBC_DIRTY_LAYOUT);
    wbc_session_open (self->session, name, now_ms);
}

//  A key while the board shows: moving moves its selection, Enter opens,
//  > and < sort its rows; false for the keys it leaves to the rest.
static bool
s_board_key (wbc_app_t *self, wbc_action_t action, int64_t now_ms)
{
    wbc_ui_t *ui = &self->ui;
    long rows = (long) s_board_rows (self), row = (long) ui->board_row;
    long last_row = self->board.row_count ? (long) self->board.row_count - 1 : 0;
    long last_column = self->board.type_count ? (long) self->board.type_count - 1 : 0;
    long column = (long) ui->board_column;
    switch (action) {
        case WBC_ACTION_MOVE_DOWN: row++; break;
        case WBC_ACTION_MOVE_UP: row--; break;
        case WBC_ACTION_PAGE_DOWN: row += rows; break;
        case WBC_ACTION_PAGE_UP: row -= rows; break;
        case WBC_ACTION_FIRST: row = 0; break;
        case WBC_ACTION_LAST: row = last_row; break;
        case WBC_ACTION_FOCUS_NEXT: column++; break;
        case WBC_ACTION_FOCUS_PREV: column--; break;
        case WBC_ACTION_DETAILS: case WBC_ACTION_OPEN: s_board_open (self, now_ms); return true;
        case WBC_ACTION_SORT_NEXT: case WBC_ACTION_SORT_PREV:
            ui->board_sort = (wbc_board_sort_t) (((int) ui->board_sort
                           + (action == WBC_ACTION_SORT_NEXT ? 1 : WBC_BOARD_SORTS - 1)) % WBC_BOARD_SORTS);
            wbc_model_status (self->model, WBC_LEVEL_INFO, wb_clock_wall_ms (),
                              "the board's rows by %s", wbc_board_sort_name (ui->board_sort));
            break;
        case WBC_ACTION_CLOSE_PANE: case WBC_ACTION_BOARD: s_board (self, now_ms); return true;
        default: return false;
    }
    ui->board_row = (size_t) (row < 0 ? 0 : row > last_row ? last_row : row);
    ui->board_column = (size_t) (column < 0 ? 0 : column > last_column ? last_column : column);
    s_settle_board (self);
    wbc_model_mark (self->model, WBC_DIRTY_PANES);
    return true;
}

static void
s_stop_processing (wbc_app_t *self, int64_t now_ms)
{
    (void) now_ms;
    self->ui.marked = s_marked (self);
    if (self->ui.marked || s_about_selected (self))
        s_overlay (self, WBC_OVERLAY_CONFIRM);
}

// ---------------------------------------------------------------- the trace

static void
s_trace (wbc_app_t *self, int64_t now_ms)
{
    (void) now_ms;
    wbc_model_set_trace_visible (self->model, !wbc_model_trace_visible (self->model));
}

static void s_trace_older (wbc_app_t *self, int64_t now_ms) { (void) now_ms; wbc_model_scroll_trace (self->model, 5); }
static void s_trace_newer (wbc_app_t *self, int64_t now_ms) { (void) now_ms; wbc_model_scroll_trace (self->model, -5); }

//  T: the trace over the whole screen, with the keys; T again (or Esc, q)
//  goes back to the panes.
static void
s_trace_focus (wbc_app_t *self, int64_t now_ms)
{
    (void) now_ms;
    bool focused = !wbc_model_trace_focused (self->model);
    wbc_model_set_trace_focused (self->model, focused);
    if (focused)
        wbc_model_status (self->model, WBC_LEVEL_INFO, wb_clock_wall_ms (),
                          "the trace: j/k move, Enter reads a message whole, / searches, f filters "
                          "(errors, wb:TYPE@OWNER, name:TEXT, words), T goes back");
}

//  Rows of the trace on screen: its rect less the title and the parties.
static size_t
s_trace_rows (const wbc_app_t *self)
{
    wbc_rect_t rect = wbc_model_trace_focused (self->model) ? self->layout.area : self->layout.trace;
    return rect.height > 3 ? (size_t) rect.height - 2 : 1;
}

//  Filter the trace, and say what it shows.
static void
s_apply_trace_filter (wbc_app_t *self, const char *line)
{
    wbc_trace_view_t *view = wbc_model_trace_view (self->model);
    char error [128];
    if (wbc_trace_view_set_filter (view, line, error, sizeof (error))) {
        wbc_model_status (self->model, WBC_LEVEL_ERROR, wb_clock_wall_ms (), "%s", error);
        return;
    }
    view = wbc_model_trace_view (self->model);
    wbc_model_mark (self->model, WBC_DIRTY_TRACE);
    if (*view->filter_line)
        wbc_model_status (self->model, WBC_LEVEL_INFO, wb_clock_wall_ms (),
                          "trace filter %s: %zu of %zu messages shown (F shows all)", view->filter_line,
                          view->row_count, wbc_model_trace_size (self->model));
    else
        wbc_model_status (self->model, WBC_LEVEL_INFO, wb_clock_wall_ms (),
                          "no trace filter: %zu messages shown", view->row_count);
}

//  Enter on the trace: the selected message whole.
static void
s_trace_read (wbc_app_t *self)
{
    wbc_trace_view_t *view = wbc_model_trace_view (self->model);
    const wb_trace_entry_t *entry = wbc_trace_view_selected (view, wbc_model_trace_log (self->model));
    if (!entry) {
        wbc_model_status (self->model, WBC_LEVEL_INFO, wb_clock_wall_ms (), "no message to read");
        return;
    }
    self->ui.message_number = entry->number;
    s_overlay (self, WBC_OVERLAY_MESSAGE);
}

//  A key while the trace has the focus: moving moves its selection, Enter
//  reads, f and F filter; false for the keys it leaves to the rest.
static bool
s_trace_key (wbc_app_t *self, int key, wbc_action_t action)
{
    wbc_trace_view_t *view = wbc_model_trace_view (self->model);
    const wb_trace_t *trace = wbc_model_trace_log (self->model);
    long page = (long) s_trace_rows (self);
    if (key == WBC_KEY_ESCAPE)
        action = WBC_ACTION_TRACE_FOCUS;
    switch (action) {
        case WBC_ACTION_MOVE_DOWN: wbc_trace_view_move (view, trace, 1); break;
        case WBC_ACTION_MOVE_UP: wbc_trace_view_move (view, trace, -1); break;
        case WBC_ACTION_PAGE_DOWN: wbc_trace_view_move (view, trace, page); break;
        case WBC_ACTION_PAGE_UP: wbc_trace_view_move (view, trace, -page); break;
        case WBC_ACTION_FIRST: wbc_trace_view_select_first (view, trace); break;
        case WBC_ACTION_LAST: wbc_trace_view_follow (view); break;
        case WBC_ACTION_DETAILS: s_trace_read (self); break;
        case WBC_ACTION_FILTER:
            s_start_prompt (self, ':');
            snprintf (self->ui.prompt, sizeof (self->ui.prompt), "trace-filter %.200s", view->filter_line);
            break;
        case WBC_ACTION_FILTER_CLEAR: s_apply_trace_filter (self, ""); break;
        case WBC_ACTION_CLOSE_PANE: case WBC_ACTION_TRACE_FOCUS: case WBC_ACTION_TRACE:
            wbc_model_set_trace_focused (self->model, false);
            break;
        default: return false;
    }
    wbc_model_mark (self->model, WBC_DIRTY_TRACE);
    return true;
}

//  Search the trace from its selection: "found ..." or "not found".
static void
s_search_trace (wbc_app_t *self, int direction)
{
    wbc_trace_view_t *view = wbc_model_trace_view (self->model);
    const wb_trace_t *trace = wbc_model_trace_log (self->model);
    if (wbc_trace_view_search (view, trace, self->ui.search, direction > 0)) {
        const wb_trace_entry_t *entry = wbc_trace_view_selected (view, trace);
        wbc_model_status (self->model, WBC_LEVEL_INFO, wb_clock_wall_ms (), "found \"%s\" in message %"
                          PRIu64 ", %s", self->ui.search, entry->number, entry->name);
    }
    else
        wbc_model_status (self->model, WBC_LEVEL_INFO, wb_clock_wall_ms (),
                          "not found in the trace: %s", self->ui.search);
    wbc_model_mark (self->model, WBC_DIRTY_TRACE);
}

static void
s_step (wbc_app_t *self, int64_t now_ms)
{
    if (!wbc_model_paused (self->model))
        wbc_model_status (self->model, WBC_LEVEL_INFO, wb_clock_wall_ms (),
                          "not paused: P pauses live updates, then . applies one held change at a time");
    else
    if (!wbc_session_step (self->session, now_ms))
        wbc_model_status (self->model, WBC_LEVEL_INFO, wb_clock_wall_ms (), "no held change to apply");
    else
        wbc_model_status (self->model, WBC_LEVEL_INFO, wb_clock_wall_ms (),
                          "applied one held change, %zu still held", wbc_model_held (self->model));
}
static void s_help (wbc_app_t *self, int64_t now_ms) { (void) now_ms; s_overlay (self, WBC_OVERLAY_HELP); }
static void s_messages (wbc_app_t *self, int64_t now_ms) { (void) now_ms; s_overlay (self, WBC_OVERLAY_MESSAGES); }
static void s_redraw (wbc_app_t *self, int64_t now_ms) { (void) now_ms; wbc_model_mark (self->model, WBC_DIRTY_LAYOUT); }
static void s_quit (wbc_app_t *self, int64_t now_ms) { (void) now_ms; self->ui.quit = true; }

static s_action_fn *s_actions [WBC_ACTION_END] = {
    [WBC_ACTION_MOVE_DOWN] = s_move_down, [WBC_ACTION_MOVE_UP] = s_move_up,
    [WBC_ACTION_PAGE_DOWN] = s_page_down, [WBC_ACTION_PAGE_UP] = s_page_up,
    [WBC_ACTION_FIRST] = s_first, [WBC_ACTION_LAST] = s_last,
    [WBC_ACTION_SEARCH] = s_search, [WBC_ACTION_SEARCH_NEXT] = s_search_next,
    [WBC_ACTION_SEARCH_PREV] = s_search_prev, [WBC_ACTION_FOCUS_NEXT] = s_focus_next,
    [WBC_ACTION_JUMP_NEW] = s_jump_new, [WBC_ACTION_SORT_NEXT] = s_sort_next,
    [WBC_ACTION_SORT_PREV] = s_sort_prev, [WBC_ACTION_SORT_REVERSE] = s_sort_reverse,
    [WBC_ACTION_FILTER] = s_filter, [WBC_ACTION_FILTER_CLEAR] = s_filter_clear,
    [WBC_ACTION_FOCUS_PREV] = s_focus_prev, [WBC_ACTION_MAXIMISE] = s_maximise,
    [WBC_ACTION_CLOSE_PANE] = s_close_pane, [WBC_ACTION_SIDEBAR] = s_sidebar,
    [WBC_ACTION_OPEN] = s_open, [WBC_ACTION_REFRESH] = s_refresh, [WBC_ACTION_WATCH] = s_watch,
    [WBC_ACTION_PAUSE] = s_pause, [WBC_ACTION_IN_HAND] = s_in_hand, [WBC_ACTION_BOARD] = s_board, [WBC_ACTION_DETAILS] = s_details,
    [WBC_ACTION_MARK] = s_mark, [WBC_ACTION_MARK_RANGE] = s_mark_range,
    [WBC_ACTION_MARK_ALL] = s_mark_all,
    [WBC_ACTION_MOVE_ITEM] = s_move_item, [WBC_ACTION_PULL] = s_pull,
    [WBC_ACTION_STOP_PROCESSING] = s_stop_processing, [WBC_ACTION_TRACE] = s_trace,
    [WBC_ACTION_TRACE_OLDER] = s_trace_older, [WBC_ACTION_TRACE_NEWER] = s_trace_newer,
    [WBC_ACTION_TRACE_FOCUS] = s_trace_focus, [WBC_ACTION_STEP] = s_step,
    [WBC_ACTION_PROMPT] = s_prompt, [WBC_ACTION_HELP] = s_help,
    [WBC_ACTION_MESSAGES] = s_messages, [WBC_ACTION_REDRAW] = s_redraw, [WBC_ACTION_QUIT] = s_quit,
};

// ---------------------------------------------------------------- commands

static void
s_cmd_open (wbc_app_t *self, const char *argument, int64_t now_ms)
{
    wbc_session_open (self->session, argument, now_ms);
}

static void
s_cmd_save_trace (wbc_app_t *self, const char *argument, int64_t now_ms)
{
    (void) now_ms;
    if (wb_trace_format_of (argument) < 0)
        wbc_model_status (self->model, WBC_LEVEL_ERROR, wb_clock_wall_ms (),
                          "cannot write %s: name it .txt, .mmd (Mermaid), .puml (PlantUML) or .svg",
                          argument);
    else
    if (wbc_model_save_trace (self->model, argument))
        wbc_model_status (self->model, WBC_LEVEL_ERROR, wb_clock_wall_ms (), "cannot write %s: %s",
                          argument, strerror (errno));
    else
        wbc_model_status (self->model, WBC_LEVEL_INFO, wb_clock_wall_ms (), "trace saved to %s (%zu messages)",
                          argument, wbc_model_trace_view (self->model)->row_count);
}

static void s_cmd_step (wbc_app_t *self, const char *a, int64_t now_ms) { (void) a; s_step (self, now_ms); }

static void
s_cmd_trace_filter (wbc_app_t *self, const char *argument, int64_t now_ms)
{
    (void) now_ms;
    s_apply_trace_filter (self, argument);
}

static void
s_cmd_clear_trace (wbc_app_t *self, const char *argument, int64_t now_ms)
{
    (void) argument, (void) now_ms;
    size_t forgotten = wbc_model_trace_size (self->model);
    wbc_model_clear_trace (self->model);
    wbc_model_status (self->model, WBC_LEVEL_INFO, wb_clock_wall_ms (), "trace cleared (%zu messages)",
                      forgotten);
}

static void
s_cmd_mark (wbc_app_t *self, const char *argument, int64_t now_ms)
{
    (void) now_ms;
    wbc_model_mark_trace (self->model, argument, wb_clock_wall_ms ());
    wbc_model_status (self->model, WBC_LEVEL_INFO, wb_clock_wall_ms (), "marked the trace: %s", argument);
}

//  ":trace-chatter [yes|no]": show or hide start-up and paging messages.
static void
s_cmd_trace_chatter (wbc_app_t *self, const char *argument, int64_t now_ms)
{
    (void) now_ms;
    wbc_trace_view_t *view = wbc_model_trace_view (self->model);
    bool show = !view->show_chatter;
    if (streq (argument, "yes") || streq (argument, "no"))
        show = streq (argument, "yes");
    else
    if (*argument) {
        wbc_model_status (self->model, WBC_LEVEL_ERROR, wb_clock_wall_ms (), "usage: trace-chatter [yes|no]");
        return;
    }
    wbc_trace_view_set_chatter (view, show);
    wbc_model_mark (self->model, WBC_DIRTY_TRACE);
    wbc_model_status (self->model, WBC_LEVEL_INFO, wb_clock_wall_ms (), show
                      ? "the trace shows every message" : "the trace hides start-up and paging chatter");
}

//  Log in at once, ending the session that holds the agent elsewhere: only
//  while a login is being refused for that.
static void
s_cmd_take_over (wbc_app_t *self, const char *argument, int64_t now_ms)
{
    (void) argument;
    if (wbc_session_take_over (self->session, now_ms))
        wbc_model_status (self->model, WBC_LEVEL_INFO, wb_clock_wall_ms (),
                          "taking over: logging in again, ending the other session");
    else
        wbc_model_status (self->model, WBC_LEVEL_INFO, wb_clock_wall_ms (),
                          "nothing to take over: the agent is not logged in elsewhere");
}

static void
s_cmd_theme (wbc_app_t *self, const char *argument, int64_t now_ms)
{
    (void) now_ms;
    snprintf (self->ui.theme_request, sizeof (self->ui.theme_request), "%s", argument);
    wbc_model_mark (self->model, WBC_DIRTY_LAYOUT);
}

//  ":bind KEY ACTION" and ":unbind KEY", as the config file's lines say
//  them; the status line says what the key does now.
static void
s_binding (wbc_app_t *self, const char *command, const char *argument)
{
    char line [WBC_APP_COMMAND_MAX + 16], error [128];
    snprintf (line, sizeof (line), "%s %s", command, argument);
    if (wbc_keys_parse_line (self->keys, line, error, sizeof (error))) {
        wbc_model_status (self->model, WBC_LEVEL_ERROR, wb_clock_wall_ms (), "%s", error);
        return;
    }
    char key_text [WBC_APP_COMMAND_MAX], name [WBC_KEY_NAME_MAX] = "";
    snprintf (key_text, sizeof (key_text), "%.*s", (int) strcspn (argument, " "), argument);
    int key = wbc_key_parse (key_text);
    wbc_action_t action = wbc_keys_action (self->keys, key);
    wbc_key_name (key, name, sizeof (name));
    if (action == WBC_ACTION_NONE)
        wbc_model_status (self->model, WBC_LEVEL_INFO, wb_clock_wall_ms (), "%s is not bound now", name);
    else
        wbc_model_status (self->model, WBC_LEVEL_INFO, wb_clock_wall_ms (), "%s now runs %s", name,
                          wbc_action_name (action));
}

static void s_cmd_bind (wbc_app_t *self, const char *a, int64_t now_ms) { (void) now_ms; s_binding (self, "bind", a); }
static void s_cmd_unbind (wbc_app_t *self, const char *a, int64_t now_ms) { (void) now_ms; s_binding (self, "unbind", a); }

static void s_cmd_close (wbc_app_t *self, const char *a, int64_t now_ms) { (void) a; s_close_pane (self, now_ms); }
static void s_cmd_quit (wbc_app_t *self, const char *a, int64_t now_ms) { (void) a; s_quit (self, now_ms); }
static void s_cmd_help (wbc_app_t *self, const char *a, int64_t now_ms) { (void) a; s_help (self, now_ms); }
static void s_cmd_messages (wbc_app_t *self, const char *a, int64_t now_ms) { (void) a; s_messages (self, now_ms); }
static void s_cmd_refresh (wbc_app_t *self, const char *a, int64_t now_ms) { (void) a; s_refresh (self, now_ms); }
static void s_cmd_watch (wbc_app_t *self, const char *a, int64_t now_ms) { (void) a; s_watch (self, now_ms); }
static void s_cmd_trace (wbc_app_t *self, const char *a, int64_t now_ms) { (void) a; s_trace (self, now_ms); }
static void s_cmd_pause (wbc_app_t *self, const char *a, int64_t now_ms) { (void) a; s_pause (self, now_ms); }
static void s_cmd_in_hand (wbc_app_t *self, const char *a, int64_t now_ms) { (void) a; s_in_hand (self, now_ms); }
static void s_cmd_board (wbc_app_t *self, const char *a, int64_t now_ms) { (void) a; s_board (self, now_ms); }

//  ":sort [COLUMN [asc|desc]]": no column is the workbin's own order.
static void
s_cmd_sort (wbc_app_t *self, const char *argument, int64_t now_ms)
{
    (void) now_ms;
    wbc_pane_t *pane = s_focused_pane (self);
    char column [64] = "", direction [16] = "", extra [2] = "";
    int words = sscanf (argument, "%63s %15s %1s", column, direction, extra);
    bool descending = words >= 2 && streq (direction, "desc");
    char known [256];
    wbc_columns_known (known, sizeof (known));
    if (!pane)
        wbc_model_status (self->model, WBC_LEVEL_INFO, wb_clock_wall_ms (), "no pane has the focus");
    else
    if (words == 3 || (words == 2 && !descending && !streq (direction, "asc")))
        wbc_model_status (self->model, WBC_LEVEL_ERROR, wb_clock_wall_ms (),
                          "usage: sort [COLUMN [asc|desc]]");
    else
    if (wbc_model_sort (self->model, column, descending, s_rows (self)))
        wbc_model_status (self->model, WBC_LEVEL_ERROR, wb_clock_wall_ms (),
                          "no column '%s' (columns: %s)", column, known);
    else
        s_say_sort (self, pane);
}

static void s_cmd_filter (wbc_app_t *self, const char *a, int64_t now_ms) { (void) now_ms; s_apply_filter (self, a); }

static void
s_cmd_cancel (wbc_app_t *self, const char *argument, int64_t now_ms)
{
    (void) argument;
    //  asks the server even when not subscribed: its EventError is the lesson
    if (!wbc_model_sidebar_focused (self->model) && wbc_model_pane_count (self->model))
        wbc_session_cancel (self->session, wbc_model_focus (self->model), now_ms);
}

//  How many words a command's argument has: a number, or REST for one or
//  more, all of them the argument (a file name may hold spaces).
#define REST (-1)
#define ANY (-2)            /* none or more */

static const struct {
    wbc_command_info_t info;
    int words;
    s_command_fn *run;
} s_commands [] = {
    { { "open", "TYPE[@OWNER]", "open a workbin in a new pane" }, 1, s_cmd_open },
    { { "in-hand", "", "open the interactions in your hands (pulled)" }, 0, s_cmd_in_hand },
    { { "board", "", "show/hide the board of every workbin you see" }, 0, s_cmd_board },
    { { "sort", "[COLUMN [asc|desc]]", "sort the focused pane (none: its own order)" }, ANY,
      s_cmd_sort },
    { { "filter", "[WORD|COLUMN:TEXT]...", "show what matches every word (none: all)" }, ANY,
      s_cmd_filter },
    { { "close", "", "close the focused pane" }, 0, s_cmd_close },
    { { "refresh", "", "fetch the focused workbin again" }, 0, s_cmd_refresh },
    { { "watch", "", "toggle live notifications for the focused workbin" }, 0, s_cmd_watch },
    { { "cancel", "", "cancel notifications for the focused workbin" }, 0, s_cmd_cancel },
    { { "messages", "", "show the status history" }, 0, s_cmd_messages },
    { { "trace", "", "show/hide the trace pane" }, 0, s_cmd_trace },
    { { "save-trace", "FILE", "write the trace as shown to FILE: .txt .mmd .puml or .svg" }, REST, s_cmd_save_trace },
    { { "trace-filter", "[WORDS]", "show only: errors, wb:TYPE@OWNER, name:TEXT, text" }, ANY, s_cmd_trace_filter },
    { { "trace-chatter", "[yes|no]", "show or hide start-up and paging messages in the trace" }, ANY, s_cmd_trace_chatter },
    { { "clear-trace", "", "forget the messages traced so far" }, 0, s_cmd_clear_trace },
    { { "mark", "TEXT", "draw a labelled divider in the trace, between phases" }, REST, s_cmd_mark },
    { { "pause", "", "pause/resume live updates" }, 0, s_cmd_pause },
    { { "step", "", "apply one held change while paused" }, 0, s_cmd_step },
    { { "theme", "NAME", "switch to another colour theme" }, REST, s_cmd_theme },
    { { "bind", "KEY ACTION", "bind a key to an action" }, 2, s_cmd_bind },
    { { "unbind", "KEY", "unbind a key (:bind binds it again)" }, 1, s_cmd_unbind },
    { { "take-over", "", "log in now, ending the agent's session on another connection" }, 0,
      s_cmd_take_over },
    { { "help", "", "show keys and commands" }, 0, s_cmd_help },
    { { "quit", "", "quit the console" }, 0, s_cmd_quit },
};

#define COMMAND_COUNT (WB_COUNT_OF (s_commands))

size_t
wbc_app_command_count (void)
{
    return COMMAND_COUNT;
}

const wbc_command_info_t *
wbc_app_command_at (size_t index)
{
    return index < COMMAND_COUNT ? &s_commands [index].info : NULL;
}

//  The number of words, separated by spaces, in text.
static int
s_words (const char *text)
{
    int count = 0;
    for (text += strspn (text, " "); *text; text += strspn (text, " ")) {
        count++;
        text += strcspn (text, " ");
    }
    return count;
}

//  Run the command at index with its argument, if it has the words the
//  command takes; else say how it is used.
static void
s_run_command (wbc_app_t *self, size_t index, const char *argument, int64_t now_ms)
{
    int words = s_words (argument);
    int wanted = s_commands [index].words;
    if (wanted == ANY || (wanted == REST ? words > 0 : words == wanted))
        s_commands [index].run (self, argument, now_ms);
    else
        wbc_model_status (self->model, WBC_LEVEL_ERROR, wb_clock_wall_ms (), "usage: %s%s%s%s",
                          s_commands [index].info.name, *s_commands [index].info.arguments ? " " : "",
                          s_commands [index].info.arguments, wanted == 0 ? " (no argument)" : "");
}

void
wbc_app_command (wbc_app_t *self, const char *line, int64_t now_ms)
{
    char copy [WBC_APP_COMMAND_MAX];
    if (snprintf (copy, sizeof (copy), "%s", line) >= (int) sizeof (copy)) {
        wbc_model_status (self->model, WBC_LEVEL_ERROR, wb_clock_wall_ms (), "command too long");
        return;
    }
    size_t end = strlen (copy);
    while (end > 0 && copy [end - 1] == ' ')
        copy [--end] = 0;               //  trailing spaces are no argument
    char *name = copy + strspn (copy, " ");
    size_t length = strcspn (name, " ");
    char *argument = name + length;
    argument += strspn (argument, " ");
    name [length] = 0;
    if (length == 0)
        return;
    for (size_t index = 0; index < COMMAND_COUNT; index++)
        if (streq (s_commands [index].info.name, name)) {
            s_run_command (self, index, argument, now_ms);
            return;
        }
    wbc_model_status (self->model, WBC_LEVEL_ERROR, wb_clock_wall_ms (), "unknown command '%s' (try :help)",
                      name);
}

// ---------------------------------------------------------------- overlays

//  Append the UTF-8 form of a typed character to the prompt.
static void
s_prompt_insert (wbc_app_t *self, int key)
{
    char bytes [5] = "";
    if (key < 0x80)
        bytes [0] = (char) key;
    else
    if (key < 0x800)
        snprintf (bytes, sizeof (bytes), "%c%c", 0xc0 | (key >> 6), 0x80 | (key & 0x3f));
    else
    if (key < 0x10000)
        snprintf (bytes, sizeof (bytes), "%c%c%c", 0xe0 | (key >> 12), 0x80 | ((key >> 6) & 0x3f),
                  0x80 | (key & 0x3f));
    else
        snprintf (bytes, sizeof (bytes), "%c%c%c%c", 0xf0 | (key >> 18), 0x80 | ((key >> 12) & 0x3f),
                  0x80 | ((key >> 6) & 0x3f), 0x80 | (key & 0x3f));
    size_t length = strlen (self->ui.prompt);
    if (length + strlen (bytes) < sizeof (self->ui.prompt))
        strcat (self->ui.prompt, bytes);
}

static void
s_prompt_backspace (wbc_app_t *self)
{
    size_t length = strlen (self->ui.prompt);
    while (length > 0 && ((unsigned char) self->ui.prompt [length - 1] & 0xc0) == 0x80)
        length--;           //  continuation bytes of a UTF-8 character
    if (length > 0)
        length--;
    self->ui.prompt [length] = 0;
}

static void
s_prompt_key (wbc_app_t *self, int key, int64_t now_ms)
{
    if (key == WBC_KEY_ESCAPE || (key == WBC_KEY_BACKSPACE && !*self->ui.prompt)) {
        s_overlay (self, WBC_OVERLAY_NONE);
        return;
    }
    if (key == WBC_KEY_BACKSPACE)
        s_prompt_backspace (self);
    else
    if (key == WBC_KEY_ENTER) {
        char line [sizeof (self->ui.prompt)];
        snprintf (line, sizeof (line), "%s", self->ui.prompt);
        s_overlay (self, WBC_OVERLAY_NONE);
        if (self->ui.prompt_kind == ':')
            wbc_app_command (self, line, now_ms);
        else {
            snprintf (self->ui.search, sizeof (self->ui.search), "%s", line);
            s_search_again (self, 1);
        }
    }
    else
    if (key >= 0x20 && key < 0x110000 && key != 0x7f)
        s_prompt_insert (self, key);
    wbc_model_mark (self->model, WBC_DIRTY_OVERLAY);
}

//  Enter in the picker: move to the workbin chosen, and remember it for
//  the next move; with none chosen, say so and stay.
static void
s_picker_enter (wbc_app_t *self, int64_t now_ms)
{
    const wbc_sidebar_entry_t *target = self->ui.picker_selected == WBC_PICKER_NONE
                                      ? NULL : wbc_model_sidebar_at (self->model, self->ui.picker_selected);
    if (!target) {
        wbc_model_status (self->model, WBC_LEVEL_INFO, wb_clock_wall_ms (),
                          "no workbin chosen: j/k choose one, Enter moves, Esc gives up");
        return;
    }
    snprintf (self->last_type, sizeof (self->last_type), "%s", target->type_id);
    snprintf (self->last_owner, sizeof (self->last_owner), "%s", target->owner_id);
    if (self->ui.marked)
        s_bulk (self, S_BULK_PLACE, target, now_ms);
    else
        wbc_session_place (self->session, self->ui.subject_id, target, now_ms);
    s_overlay (self, WBC_OVERLAY_NONE);
}

//  The picker's choice moved by delta (+1 or -1); from none, down
//  chooses the first workbin and up the last.
static void
s_picker_step (wbc_app_t *self, long delta)
{
    long size = (long) wbc_model_sidebar_size (self->model);
    long chosen = self->ui.picker_selected == WBC_PICKER_NONE
                ? (delta > 0 ? 0 : size - 1) : (long) self->ui.picker_selected + delta;
    if (chosen >= 0 && chosen < size)
        self->ui.picker_selected = (size_t) chosen;
}

static void
s_picker_key (wbc_app_t *self, int key, int64_t now_ms)
{
    wbc_action_t action = wbc_keys_action (self->keys, key);
    if (action == WBC_ACTION_MOVE_DOWN || action == WBC_ACTION_MOVE_UP)
        s_picker_step (self, action == WBC_ACTION_MOVE_DOWN ? 1 : -1);
    else
    if (key == WBC_KEY_ENTER)
        s_picker_enter (self, now_ms);
    else
    if (key == WBC_KEY_ESCAPE || action == WBC_ACTION_CLOSE_PANE)
        s_overlay (self, WBC_OVERLAY_NONE);
    wbc_model_mark (self->model, WBC_DIRTY_OVERLAY);
}

static void
s_confirm_key (wbc_app_t *self, int key, int64_t now_ms)
{
    if ((key == 'y' || key == 'Y') && self->ui.marked)
        s_bulk (self, S_BULK_STOP, NULL, now_ms);
    else
    if (key == 'y' || key == 'Y')
        wbc_session_stop (self->session, self->ui.subject_id, now_ms);
    else
        wbc_model_status (self->model, WBC_LEVEL_INFO, wb_clock_wall_ms (), "not stopped");
    s_overlay (self, WBC_OVERLAY_NONE);
}

//  Help, details and messages: scroll, or any other key closes them.
static void
s_reader_key (wbc_app_t *self, int key)
{
    wbc_action_t action = wbc_keys_action (self->keys, key);
    if (action == WBC_ACTION_MOVE_DOWN || action == WBC_ACTION_PAGE_DOWN)
        self->ui.overlay_scroll += action == WBC_ACTION_MOVE_DOWN ? 1 : 10;
    else
    if (action == WBC_ACTION_MOVE_UP || action == WBC_ACTION_PAGE_UP) {
        size_t step = action == WBC_ACTION_MOVE_UP ? 1 : 10;
        self->ui.overlay_scroll = self->ui.overlay_scroll > step ? self->ui.overlay_scroll - step : 0;
    }
    else {
        s_overlay (self, WBC_OVERLAY_NONE);
        return;
    }
    wbc_model_mark (self->model, WBC_DIRTY_OVERLAY);
}

// ---------------------------------------------------------------- layout

//  What the layout depends on, now: the size, the model, and the window
//  of panes shown last time.
static wbc_layout_input_t
s_layout_input (const wbc_app_t *self)
{
    wbc_layout_input_t input = {
        .columns = self->columns, .lines = self->lines,
        //  the focused trace takes the whole width
        .sidebar = wbc_model_sidebar_visible (self->model) && !wbc_model_trace_focused (self->model),
        .trace = wbc_model_trace_visible (self->model) && !wbc_model_trace_focused (self->model),
        .pane_count = (int) wbc_model_pane_count (self->model),
        .focus = (int) wbc_model_focus (self->model),
        .maximised = wbc_model_maximised (self->model),
        .first_pane = self->layout.first_visible,
        .wide_overlay = self->ui.overlay == WBC_OVERLAY_DETAILS || self->ui.overlay == WBC_OVERLAY_MESSAGE,
    };
    return input;
}

//  True if two layout inputs give the same layout.
static bool
s_same_input (const wbc_layout_input_t *one, const wbc_layout_input_t *two)
{
    return one->columns == two->columns && one->lines == two->lines
        && one->sidebar == two->sidebar && one->sidebar_width == two->sidebar_width
        && one->trace == two->trace && one->trace_percent == two->trace_percent
        && one->pane_count == two->pane_count && one->focus == two->focus
        && one->maximised == two->maximised && one->first_pane == two->first_pane
        && one->wide_overlay == two->wide_overlay;
}

//  Compute the layout again if what it depends on changed.
static void
s_update_layout (wbc_app_t *self)
{
    wbc_layout_input_t input = s_layout_input (self);
    if (self->laid_out && s_same_input (&input, &self->layout_input))
        return;
    self->layout_input = input;
    wbc_layout_compute (&input, &self->layout);
    self->laid_out = true;
}

//  Rows of the board on screen: the area less its title, header and totals.
static size_t
s_board_rows (const wbc_app_t *self)
{
    return self->layout.area.height > 4 ? (size_t) self->layout.area.height - 3 : 1;
}

//  Build the board again (the sidebar's counts are live) and keep its
//  selection within it and on screen.
static void
s_settle_board (wbc_app_t *self)
{
    if (!self->ui.board)
        return;
    wbc_board_build (&self->board, self->model, self->ui.board_sort);
    wbc_ui_t *ui = &self->ui;
    if (ui->board_row >= self->board.row_count)
        ui->board_row = self->board.row_count ? self->board.row_count - 1 : 0;
    if (ui->board_column >= self->board.type_count)
        ui->board_column = self->board.type_count ? self->board.type_count - 1 : 0;
    size_t rows = s_board_rows (self);
    if (ui->board_row < ui->board_top)
        ui->board_top = ui->board_row;
    if (ui->board_row >= ui->board_top + rows)
        ui->board_top = ui->board_row - rows + 1;
}

//  Keep the selection of each visible pane within the rows it shows.
static void
s_scroll_panes (wbc_app_t *self)
{
    for (int index = 0; index < self->layout.pane_count; index++)
        if (self->layout.visible [index])
            wbc_model_scroll_to_selection (self->model, (size_t) index,
                                           wbc_layout_pane_rows (&self->layout, index));
}

//  Keep the overlay's first line within its text, and the picker's
//  selection in view.
static void
s_bound_overlay_scroll (wbc_app_t *self)
{
    size_t rows = wbc_layout_overlay_rows (&self->layout);
    if (rows == 0 || !self->overlay_text)
        return;
    self->overlay_text->wrap = wbc_layout_overlay_columns (&self->layout);
    if (wbc_overlay_text_build (self->overlay_text, self->model, &self->ui, self->keys))
        return;
    self->ui.overlay_scroll = wbc_overlay_text_first_line (&self->ui, self->overlay_text->count, rows);
}

void
wbc_app_settle (wbc_app_t *self)
{
    if (!self)
        return;
    s_update_layout (self);
    s_scroll_panes (self);
    s_bound_overlay_scroll (self);
    s_settle_board (self);
    //  the trace's rows, and its selection on screen
    wbc_model_set_trace_page (self->model, s_trace_rows (self));
    wbc_trace_view_top (wbc_model_trace_view (self->model), wbc_model_trace_log (self->model),
                        s_trace_rows (self));
}

void
wbc_app_resize (wbc_app_t *self, int columns, int lines)
{
    if (!self || (columns == self->columns && lines == self->lines))
        return;
    self->columns = columns;
    self->lines = lines;
    wbc_model_mark (self->model, WBC_DIRTY_LAYOUT);
}

const wbc_layout_t *
wbc_app_layout (const wbc_app_t *self)
{
    return self ? &self->layout : NULL;
}

// ---------------------------------------------------------------- public

wbc_app_t *
wbc_app_new (wbc_model_t *model, wbc_session_t *session, wbc_keys_t *keys)
{
    if (!model)
        return NULL;
    wbc_app_t *self = wb_calloc (1, sizeof (wbc_app_t));
    self->model = model;
    self->session = session;
    self->keys = keys;
    self->overlay_text = wb_calloc (1, sizeof (wbc_overlay_text_t));
    self->ui.board_warn_s = WBC_APP_BOARD_WARN_S;
    self->ui.board_alert_s = WBC_APP_BOARD_ALERT_S;
    self->ui.board_table = &self->board;
    wbc_layout_compute (&(wbc_layout_input_t) { .maximised = -1 }, &self->layout);
    return self;
}

void
wbc_app_destroy (wbc_app_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free ((*self_p)->overlay_text);
    wbc_board_clear (&(*self_p)->board);
    free (*self_p);
    *self_p = NULL;
}

wbc_ui_t *
wbc_app_ui (wbc_app_t *self)
{
    return &self->ui;
}

//  A key that runs nothing: "x is not bound (? lists the keys)", with the
//  key bound to help (":help" when none is).
static void
s_unbound (wbc_app_t *self, int key)
{
    char name [WBC_KEY_NAME_MAX], help [WBC_KEY_NAME_MAX + 1] = ":help";
    int keys [1];
    if (wbc_key_name (key, name, sizeof (name)))
        return;
    if (wbc_keys_of_action (self->keys, WBC_ACTION_HELP, keys, 1) > 0)
        wbc_key_name (keys [0], help, sizeof (help));
    wbc_model_status (self->model, WBC_LEVEL_INFO, wb_clock_wall_ms (), "%s is not bound (%s lists the keys)",
                      name, help);
}

//  The actions a key may run while the terminal is too small to show
//  anything: none that changes what is not on screen.
static const wbc_action_t s_blind_actions [] = { WBC_ACTION_QUIT, WBC_ACTION_REDRAW };

//  A key while "terminal too small" is shown: quit and redraw run, every
//  other key is ignored, whatever overlay is open.
static void
s_blind_key (wbc_app_t *self, int key, int64_t now_ms)
{
    wbc_action_t action = wbc_keys_action (self->keys, key);
    for (size_t index = 0; index < WB_COUNT_OF (s_blind_actions); index++)
        if (action == s_blind_actions [index])
            s_actions [action] (self, now_ms);
}

// ---------------------------------------------------------------- mouse

#define S_WHEEL_ROWS 3

static bool
s_inside (wbc_rect_t rect, int x, int y)
{
    return x >= rect.x && x < rect.x + rect.width && y >= rect.y && y < rect.y + rect.height;
}

//  A click on the header of a pane: sort by the column under it; the
//  column it is sorted by already: the other way.
static void
s_click_header (wbc_app_t *self, const wbc_pane_t *pane, wbc_rect_t rect, int x)
{
    wbc_columns_plan_t plan;
    wbc_columns_plan (pane->columns, rect.width - 1, &plan);
    for (size_t index = 0; index < plan.count; index++) {
        int left = rect.x + 1 + plan.x [index];
        if (x < left || x > left + plan.width [index])     //  its trailing space counts
            continue;
        const char *name = plan.column [index]->name;
        bool same = streq (name, wbc_rows_sort (pane->rows));
        wbc_model_sort (self->model, name, same && !wbc_rows_descending (pane->rows), s_rows (self));
        s_say_sort (self, pane);
        return;
    }
}

//  A click or the wheel on pane index.
static void
s_mouse_pane (wbc_app_t *self, size_t index, const wbc_mouse_t *event)
{
    wbc_rect_t rect = self->layout.panes [index];
    wbc_model_set_focus (self->model, index);
    wbc_pane_t *pane = wbc_model_pane (self->model, index);
    if (event->kind != WBC_MOUSE_CLICK) {
        long step = event->kind == WBC_MOUSE_WHEEL_UP ? -S_WHEEL_ROWS : S_WHEEL_ROWS;
        wbc_model_move_selection (self->model, step, s_rows (self));
        return;
    }
    if (event->y == rect.y + 1)
        s_click_header (self, pane, rect, event->x);
    else
    if (event->y >= rect.y + 2) {
        size_t row = pane->top + (size_t) (event->y - rect.y - 2);
        if (row < wbc_model_pane_rows (pane))
            wbc_model_move_selection (self->model, (long) row - (long) pane->selected, s_rows (self));
    }
}

//  A click or the wheel on the sidebar: a click opens the entry under it.
static void
s_mouse_sidebar (wbc_app_t *self, const wbc_mouse_t *event, int64_t now_ms)
{
    wbc_rect_t rect = self->layout.sidebar;
    wbc_model_set_sidebar_focused (self->model, true);
    if (event->kind != WBC_MOUSE_CLICK) {
        s_move_sidebar (self, event->kind == WBC_MOUSE_WHEEL_UP ? -S_WHEEL_ROWS : S_WHEEL_ROWS);
        return;
    }
    //  the lines as the view lays them out (a heading opens nothing)
    size_t height = rect.height > 1 ? (size_t) rect.height - 1 : 0;
    size_t selected = wbc_model_sidebar_line_of (self->model, wbc_model_sidebar_selected (self->model));
    size_t top = wbc_layout_sidebar_top (selected, height);
    if (event->y < rect.y + 1)
        return;
    long index = wbc_model_sidebar_entry_at_line (self->model, top + (size_t) (event->y - rect.y - 1));
    if (index < 0)
        return;
    wbc_model_sidebar_select (self->model, (size_t) index);
    s_open (self, now_ms);
}

//  The board: a click on a cell selects it, on the selected one opens it;
//  the wheel moves the selection.
static void
s_mouse_board (wbc_app_t *self, const wbc_mouse_t *event, int64_t now_ms)
{
    wbc_rect_t area = self->layout.area;
    if (event->kind != WBC_MOUSE_CLICK) {
        for (int step = 0; step < S_WHEEL_ROWS; step++)
            s_board_key (self, event->kind == WBC_MOUSE_WHEEL_UP ? WBC_ACTION_MOVE_UP
                                                                  : WBC_ACTION_MOVE_DOWN, now_ms);
        return;
    }
    //  the title and the header take the first two lines
    size_t row = self->ui.board_top + (size_t) (event->y - area.y - 2);
    int column = wbc_board_column_at (&self->board, area.width, event->x - area.x);
    if (event->y < area.y + 2 || row >= self->board.row_count || column < 0)
        return;
    bool again = row == self->ui.board_row && (size_t) column == self->ui.board_column;
    self->ui.board_row = row;
    self->ui.board_column = (size_t) column;
    wbc_model_mark (self->model, WBC_DIRTY_PANES);
    if (again)
        s_board_open (self, now_ms);
}

void
wbc_app_mouse (wbc_app_t *self, const wbc_mouse_t *event, int64_t now_ms)
{
    wbc_app_settle (self);
    if (!event || self->layout.too_small)
        return;
    bool reader = self->ui.overlay == WBC_OVERLAY_HELP || self->ui.overlay == WBC_OVERLAY_DETAILS
               || self->ui.overlay == WBC_OVERLAY_MESSAGE
               || self->ui.overlay == WBC_OVERLAY_MESSAGES;
    if (reader) {
        if (event->kind == WBC_MOUSE_CLICK)
            s_overlay (self, WBC_OVERLAY_NONE);
        else
        if (event->kind == WBC_MOUSE_WHEEL_UP)
            self->ui.overlay_scroll = self->ui.overlay_scroll > S_WHEEL_ROWS
                                    ? self->ui.overlay_scroll - S_WHEEL_ROWS : 0;
        else
            self->ui.overlay_scroll += S_WHEEL_ROWS;        //  kept within the text by settle
        wbc_model_mark (self->model, WBC_DIRTY_OVERLAY);
        return;
    }
    if (self->ui.overlay != WBC_OVERLAY_NONE)
        return;
    if (s_inside (self->layout.sidebar, event->x, event->y)) {
        s_mouse_sidebar (self, event, now_ms);
        return;
    }
    if (s_inside (self->layout.trace, event->x, event->y)) {
        if (event->kind != WBC_MOUSE_CLICK)
            wbc_model_scroll_trace (self->model, event->kind == WBC_MOUSE_WHEEL_UP ? S_WHEEL_ROWS
                                                                                  : -S_WHEEL_ROWS);
        return;
    }
    if (self->ui.board && s_inside (self->layout.area, event->x, event->y)) {
        s_mouse_board (self, event, now_ms);
        return;
    }
    for (int index = 0; index < self->layout.pane_count; index++)
        if (self->layout.visible [index] && s_inside (self->layout.panes [index], event->x, event->y)) {
            s_mouse_pane (self, (size_t) index, event);
            return;
        }
}

void
wbc_app_key (wbc_app_t *self, int key, int64_t now_ms)
{
    wbc_app_settle (self);
    key = wbc_key_canonical (key);
    if (self->layout.too_small) {
        s_blind_key (self, key, now_ms);
        return;
    }
    switch (self->ui.overlay) {
        case WBC_OVERLAY_PROMPT: s_prompt_key (self, key, now_ms); return;
        case WBC_OVERLAY_PICKER: s_picker_key (self, key, now_ms); return;
        case WBC_OVERLAY_CONFIRM: s_confirm_key (self, key, now_ms); return;
        case WBC_OVERLAY_HELP: case WBC_OVERLAY_DETAILS: case WBC_OVERLAY_MESSAGES:
        case WBC_OVERLAY_MESSAGE:
            s_reader_key (self, key); return;
        case WBC_OVERLAY_NONE: break;
    }
    wbc_action_t action = wbc_keys_action (self->keys, key);
    if (wbc_model_trace_focused (self->model) && s_trace_key (self, key, action))
        return;
    if (self->ui.board && !wbc_model_sidebar_focused (self->model)
    &&  s_board_key (self, action, now_ms))
        return;
    if (action > WBC_ACTION_NONE && action < WBC_ACTION_END && s_actions [action])
        s_actions [action] (self, now_ms);
    else
        s_unbound (self, key);
}
