/*  wbc_model_content: what fills the panes: content pages, live changes,
    the selection and search. See wbc_model.h. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <czmq.h>
#include "wbc_model_internal.h"
#include "wbc_text.h"
#include "wb_events.h"
#include "wb_prelude.h"
#include "wb_protocol.h"
#include "wb_workbin.h"

static const char *
s_id_of (const wb_kvlist_t *interaction)
{
    const char *id = wb_kvlist_string (interaction, WB_ATTR_INTERACTION_ID);
    return id ? id : "";
}

//  Put the selection back on its interaction after the rows changed, or
//  keep its position (clamped) if that interaction is gone.
static void
s_restore_selection (wbc_pane_t *pane)
{
    long index = wbc_rows_index_of (pane->rows, pane->replica, pane->selected_id);
    size_t size = wbc_rows_size (pane->rows, pane->replica);
    if (index >= 0)
        pane->selected = (size_t) index;
    else
    if (pane->selected >= size)
        pane->selected = size ? size - 1 : 0;
    snprintf (pane->selected_id, sizeof (pane->selected_id), "%s",
              s_id_of (wbc_rows_at (pane->rows, pane->replica, pane->selected)));
}

size_t
wbc_model_pane_rows (wbc_pane_t *pane)
{
    return pane ? wbc_rows_size (pane->rows, pane->replica) : 0;
}

void
wbc_model_begin_fetch (wbc_model_t *self, size_t pane_index)
{
    wbc_pane_t *pane = wbc_model_pane (self, pane_index);
    if (!pane)
        return;
    //  events that arrive while the pages come are kept by the replica
    wb_replica_reset (pane->replica);
    pane->loading = true;
    pane->loaded = 0;
    pane->fetch_serial = ++self->fetches;
    self->dirty |= WBC_DIRTY_PANES;
}

//  The last page is in: apply the events kept meanwhile. -1, or 0 to start over.
static int64_t
s_finish_fetch (wbc_model_t *self, wbc_pane_t *pane, int64_t wall_ms)
{
    if (wb_replica_load_end (pane->replica, pane->fetch_version) == WB_REPLICA_GAP) {
        wb_replica_reset (pane->replica);
        return 0;
    }
    pane->loading = false;
    pane->fetched_at_ms = wall_ms;
    pane->total = (int64_t) wb_replica_size (pane->replica);
    if (wb_replica_index_of (pane->replica, pane->newest_id) < 0)
        pane->unseen = 0;           //  the newest one left meanwhile
    s_restore_selection (pane);
    self->dirty |= WBC_DIRTY_PANES | WBC_DIRTY_SIDEBAR;
    return -1;
}

int64_t
wbc_model_apply_page (wbc_model_t *self, size_t pane_index, const wb_event_content_t *page,
                      int64_t now_ms, int64_t wall_ms)
{
    (void) now_ms;
    wbc_pane_t *pane = wbc_model_pane (self, pane_index);
    if (!pane || !pane->loading)
        return -1;
    wb_event_content_t empty;
    if (!page) {
        wb_event_read_content (NULL, &empty);
        page = &empty;
    }
    int64_t version = page->has_version ? page->version : -1;
    if (page->from == 0) {
        //  pages go straight into the replica: a workbin may hold more
        //  interactions than one list can
        wb_replica_load_begin (pane->replica);
        if (page->has_total_count && page->total_count > 0)
            wb_replica_load_reserve (pane->replica, (size_t) page->total_count);
        pane->fetch_version = version;
        pane->loaded = 0;
    }
    else
    if (version != pane->fetch_version || page->from != pane->loaded)
        return 0;       //  the workbin changed between pages, or one was lost: they do not fit together
    wb_replica_load_add (pane->replica, page->interactions);
    pane->loaded = (int64_t) wb_replica_size (pane->replica);
    pane->total = page->has_total_count ? page->total_count : pane->loaded;
    self->dirty |= WBC_DIRTY_PANES;
    if (pane->loaded < pane->total && wb_kvlist_size (page->interactions) > 0)
        return pane->loaded;
    return s_finish_fetch (self, pane, wall_ms);
}

//  The From after a page at from of count interactions, if the pane's
//  fetch waits for it and more are left (version -1: none given).
static int64_t
s_page_after (const wbc_model_t *self, size_t pane_index, int64_t from, int64_t count,
              int64_t total_count, int64_t version)
{
    const wbc_pane_t *pane = pane_index < self->pane_count ? &self->panes [pane_index] : NULL;
    if (!pane || !pane->loading || from != pane->loaded)
        return -1;
    if (from > 0 && version != pane->fetch_version)
        return -1;
    int64_t after = from + count;
    return after > from && after < total_count ? after : -1;
}

int64_t
wbc_model_page_after (const wbc_model_t *self, size_t pane_index, const wb_event_content_t *page)
{
    if (!page || !page->has_total_count)
        return -1;
    return s_page_after (self, pane_index, page->from, (int64_t) wb_kvlist_size (page->interactions),
                         page->total_count, page->has_version ? page->version : -1);
}

int64_t
wbc_model_page_after_glance (const wbc_model_t *self, size_t pane_index,
                             const wb_content_glance_t *glance)
{
    if (!glance)
        return -1;
    return s_page_after (self, pane_index, glance->from, glance->count, glance->total_count,
                         glance->version);
}

void
wbc_model_apply_in_hand (wbc_model_t *self, size_t pane_index, const wb_event_pulled_t *pulled,
                         int64_t wall_ms)
{
    wbc_pane_t *pane = wbc_model_pane (self, pane_index);
    if (!pane || !pane->in_hand || !pulled)
        return;
    //  one page, complete: the list has no version and no further pages
    wb_event_content_t page = {
        .interactions = pulled->interactions, .version = 0, .has_version = true,
        .total_count = (int64_t) wb_kvlist_size (pulled->interactions), .has_total_count = true,
    };
    pane->loading = true;
    wbc_model_apply_page (self, pane_index, &page, 0, wall_ms);
    //  the title counts them all, also those beyond the page
    pane->total = pulled->total_count;
}

static void
s_highlight (wbc_pane_t *pane, const char *interaction_id, int64_t now_ms)
{
    //  reuse the entry that ends first
    size_t oldest = 0;
    for (size_t index = 1; index < WB_COUNT_OF (pane->highlights); index++)
        if (pane->highlights [index].until_ms < pane->highlights [oldest].until_ms)
            oldest = index;
    snprintf (pane->highlights [oldest].interaction_id, WBC_ID_MAX, "%s", interaction_id);
    pane->highlights [oldest].until_ms = now_ms + WBC_HIGHLIGHT_MS;
}

bool
wbc_model_is_highlighted (const wbc_pane_t *pane, const char *interaction_id, int64_t now_ms)
{
    for (size_t index = 0; index < WB_COUNT_OF (pane->highlights); index++)
        if (pane->highlights [index].until_ms > now_ms
        &&  strcmp (pane->highlights [index].interaction_id, interaction_id) == 0)
            return true;
    return false;
}

//  True if a change event is about the workbin a pane shows.
static bool
s_change_is_for (const wbc_pane_t *pane, const wb_event_change_t *change)
{
    const wb_workbin_t *workbin = &change->workbin;
    const char *attribute = wb_workbin_attribute (workbin);
    return workbin->type_id && workbin->owner_id && attribute
        && strcmp (workbin->type_id, pane->type_id) == 0
        && strcmp (attribute, pane->owner_attribute) == 0
        && strcmp (workbin->owner_id, pane->owner_id) == 0;
}

int
wbc_model_apply_change (wbc_model_t *self, const wb_kvlist_t *event, int64_t now_ms)
{
    wb_event_change_t change;
    wb_event_read_change_body (event, &change);
    int refetch = -1;
    for (size_t index = 0; index < self->pane_count; index++) {
        wbc_pane_t *pane = &self->panes [index];
        if (!s_change_is_for (pane, &change))
            continue;
        wb_replica_result_t result = wb_replica_apply_event (pane->replica, event);
        if (result == WB_REPLICA_GAP && !pane->loading)
            refetch = (int) index;
        if (result != WB_REPLICA_APPLIED)
            continue;
        if (change.content_operation != WB_CONTENT_TAKEN_OUT)
            s_highlight (pane, change.interaction_id ? change.interaction_id : "", now_ms);
        //  new: placed in by someone else (what this agent placed, it knows)
        if (change.content_operation == WB_CONTENT_PLACED_IN
        &&  !(change.actor && strcmp (change.actor, self->agent) == 0)) {
            pane->unseen++;
            snprintf (pane->newest_id, sizeof (pane->newest_id), "%s", s_id_of (change.interaction));
        }
        else
        if (change.content_operation == WB_CONTENT_TAKEN_OUT && change.interaction_id
        &&  strcmp (change.interaction_id, pane->newest_id) == 0)
            pane->unseen = 0;       //  the newest is gone: nothing to jump to
        s_restore_selection (pane);
        pane->total = (int64_t) wb_replica_size (pane->replica);
        self->dirty |= WBC_DIRTY_PANES | WBC_DIRTY_SIDEBAR;
    }
    return refetch;
}

//  Scroll so that the selection is within the rows visible.
static void
s_follow_selection (wbc_pane_t *pane, size_t rows)
{
    if (rows == 0)
        rows = 1;
    if (pane->selected < pane->top)
        pane->top = pane->selected;
    else
    if (pane->selected >= pane->top + rows)
        pane->top = pane->selected - rows + 1;
}

static void
s_select (wbc_model_t *self, wbc_pane_t *pane, size_t index, size_t rows)
{
    size_t size = wbc_rows_size (pane->rows, pane->replica);
    pane->selected = size == 0 ? 0 : index >= size ? size - 1 : index;
    snprintf (pane->selected_id, sizeof (pane->selected_id), "%s",
              s_id_of (wbc_rows_at (pane->rows, pane->replica, pane->selected)));
    s_follow_selection (pane, rows);
    self->dirty |= WBC_DIRTY_PANES;
}

void
wbc_model_move_selection (wbc_model_t *self, long delta, size_t rows)
{
    wbc_pane_t *pane = wbc_model_pane (self, self->focus);
    if (!pane)
        return;
    long target = (long) pane->selected + delta;
    s_select (self, pane, target < 0 ? 0 : (size_t) target, rows);
}

void
wbc_model_scroll_to_selection (wbc_model_t *self, size_t pane_index, size_t rows)
{
    wbc_pane_t *pane = wbc_model_pane (self, pane_index);
    if (!pane)
        return;
    if (rows == 0)
        rows = 1;
    //  the selection in view, scrolling down or up (rows above it may have
    //  gone live), and no empty rows below while rows above are hidden
    size_t size = wbc_rows_size (pane->rows, pane->replica);
    size_t top = pane->top;
    if (pane->selected < top)
        top = pane->selected;
    if (pane->selected >= top + rows)
        top = pane->selected - rows + 1;
    if (top + rows > size)
        top = size > rows ? size - rows : 0;
    if (top != pane->top) {
        pane->top = top;
        self->dirty |= WBC_DIRTY_PANES;
    }
}

void
wbc_model_select_first (wbc_model_t *self)
{
    wbc_pane_t *pane = wbc_model_pane (self, self->focus);
    if (pane)
        s_select (self, pane, 0, 1);
}

void
wbc_model_select_last (wbc_model_t *self, size_t rows)
{
    wbc_pane_t *pane = wbc_model_pane (self, self->focus);
    if (pane)
        s_select (self, pane, (size_t) -1, rows);
}

const wb_kvlist_t *
wbc_model_selected_interaction (wbc_model_t *self)
{
    wbc_pane_t *pane = wbc_model_pane (self, self->focus);
    return pane ? wbc_rows_at (pane->rows, pane->replica, pane->selected) : NULL;
}

bool
wbc_model_selected_unreadable (wbc_model_t *self, char *text, size_t size)
{
    wbc_pane_t *pane = wbc_model_pane (self, self->focus);
    return pane && wbc_rows_unreadable (pane->rows, pane->replica, pane->selected, text, size);
}

//  After the rows changed order or membership: the selection on its
//  interaction if still shown, else the first row; scrolled into view.
static void
s_reselect (wbc_model_t *self, wbc_pane_t *pane, size_t rows)
{
    long index = wbc_rows_index_of (pane->rows, pane->replica, pane->selected_id);
    pane->top = 0;
    s_select (self, pane, index >= 0 ? (size_t) index : 0, rows);
}

int
wbc_model_sort (wbc_model_t *self, const char *column, bool descending, size_t rows)
{
    wbc_pane_t *pane = wbc_model_pane (self, self->focus);
    if (!pane || wbc_rows_set_sort (pane->rows, column, descending))
        return -1;
    s_reselect (self, pane, rows);
    return 0;
}

int
wbc_model_filter (wbc_model_t *self, const char *filter, size_t rows, char *error, size_t error_size)
{
    wbc_pane_t *pane = wbc_model_pane (self, self->focus);
    if (!pane) {
        snprintf (error, error_size, "no pane open");
        return -1;
    }
    if (wbc_rows_set_filter (pane->rows, filter, error, error_size))
        return -1;
    s_reselect (self, pane, rows);
    return 0;
}

wbc_jump_t
wbc_model_jump_newest (wbc_model_t *self, size_t rows)
{
    wbc_pane_t *pane = wbc_model_pane (self, self->focus);
    if (!pane || pane->unseen == 0)
        return WBC_JUMP_NOTHING_NEW;
    long index = wbc_rows_index_of (pane->rows, pane->replica, pane->newest_id);
    if (index < 0)
        return WBC_JUMP_FILTERED;       //  still new: shown once the filter lets it
    pane->unseen = 0;
    self->dirty |= WBC_DIRTY_PANES;
    s_select (self, pane, (size_t) index, rows);
    return WBC_JUMP_DONE;
}

//  True if any string property of an interaction contains the text.
static bool
s_matches (const wb_kvlist_t *interaction, const char *text)
{
    for (size_t index = 0; index < wb_kvlist_size (interaction); index++) {
        const char *value = wb_kvlist_string_at (interaction, index);
        if (value && wbc_text_contains_casefold (value, text))
            return true;
    }
    return false;
}

//  The matches of one search in a pane, in one pass: their number, how
//  many are at or above the selection, the first and the last, and the
//  nearest below and above the selection (SIZE_MAX: none).
typedef struct {
    size_t count;
    size_t up_to_selected;
    size_t first, last;
    size_t after, before;
} s_matches_t;

static s_matches_t
s_find_matches (wbc_pane_t *pane, const char *text)
{
    s_matches_t matches = { 0, 0, SIZE_MAX, SIZE_MAX, SIZE_MAX, SIZE_MAX };
    size_t size = wbc_rows_size (pane->rows, pane->replica);
    for (size_t index = 0; index < size; index++) {
        if (!s_matches (wbc_rows_at (pane->rows, pane->replica, index), text))
            continue;
        matches.count++;
        matches.up_to_selected += index <= pane->selected;
        if (matches.first == SIZE_MAX)
            matches.first = index;
        matches.last = index;
        if (index < pane->selected)
            matches.before = index;
        if (index > pane->selected && matches.after == SIZE_MAX)
            matches.after = index;
    }
    return matches;
}

bool
wbc_model_search (wbc_model_t *self, const char *text, int direction, size_t rows,
                  wbc_search_result_t *result)
{
    if (result)
        *result = (wbc_search_result_t) { 0, 0, false };
    wbc_pane_t *pane = wbc_model_pane (self, self->focus);
    if (!pane || !text || !*text)
        return false;
    s_matches_t matches = s_find_matches (pane, text);
    if (matches.count == 0)
        return false;
    bool selected_matches = s_matches (wbc_rows_at (pane->rows, pane->replica, pane->selected), text);
    wbc_search_result_t found;
    size_t index;
    if (direction > 0) {
        found.wrapped = matches.after == SIZE_MAX;
        index = found.wrapped ? matches.first : matches.after;
        found.position = found.wrapped ? 1 : matches.up_to_selected + 1;
    }
    else {
        found.wrapped = matches.before == SIZE_MAX;
        index = found.wrapped ? matches.last : matches.before;
        found.position = found.wrapped ? matches.count
                                       : matches.up_to_selected - (selected_matches ? 1 : 0);
    }
    found.count = matches.count;
    s_select (self, pane, index, rows);
    if (result)
        *result = found;
    return true;
}

// ---------------------------------------------------------------- marks

bool
wbc_model_is_marked (const wbc_pane_t *pane, const char *interaction_id)
{
    return pane && pane->marks && interaction_id && zhashx_lookup (pane->marks, interaction_id);
}

static void
s_set_mark (wbc_pane_t *pane, const char *interaction_id, bool marked)
{
    if (!*interaction_id || marked == wbc_model_is_marked (pane, interaction_id))
        return;
    if (!pane->marks)
        pane->marks = zhashx_new ();
    if (marked)
        zhashx_insert (pane->marks, interaction_id, (void *) 1);
    else
        zhashx_delete (pane->marks, interaction_id);
    pane->mark_count = zhashx_size (pane->marks);
}

size_t
wbc_model_marked (wbc_pane_t *pane, const char **ids, size_t max)
{
    if (!pane || pane->mark_count == 0)
        return 0;
    //  in the pane's order, and the marks of interactions that left forgotten
    zhashx_t *present = zhashx_new ();
    size_t count = 0, size = wb_replica_size (pane->replica);
    for (size_t position = 0; position < size; position++) {
        const char *id = s_id_of (wb_replica_at (pane->replica, position));
        if (!wbc_model_is_marked (pane, id))
            continue;
        zhashx_insert (present, id, (void *) 1);
        if (ids && count < max)
            ids [count] = id;
        count++;
    }
    if (count < pane->mark_count) {
        zhashx_destroy (&pane->marks);
        pane->marks = present;
        pane->mark_count = count;
    }
    else
        zhashx_destroy (&present);
    return count;
}

size_t
wbc_model_toggle_mark (wbc_model_t *self)
{
    wbc_pane_t *pane = wbc_model_pane (self, self->focus);
    const char *id = s_id_of (wbc_model_selected_interaction (self));
    if (!pane || !*id)
        return pane ? wbc_model_marked (pane, NULL, 0) : 0;
    s_set_mark (pane, id, !wbc_model_is_marked (pane, id));
    snprintf (pane->mark_anchor, sizeof (pane->mark_anchor), "%s", id);
    self->dirty |= WBC_DIRTY_PANES;
    return wbc_model_marked (pane, NULL, 0);
}

size_t
wbc_model_mark_range (wbc_model_t *self)
{
    wbc_pane_t *pane = wbc_model_pane (self, self->focus);
    if (!pane)
        return 0;
    long anchor = wbc_rows_index_of (pane->rows, pane->replica, pane->mark_anchor);
    size_t from = anchor >= 0 ? (size_t) anchor : pane->selected;
    size_t first = from < pane->selected ? from : pane->selected;
    size_t last = from < pane->selected ? pane->selected : from;
    for (size_t row = first; row <= last && row < wbc_rows_size (pane->rows, pane->replica); row++)
        s_set_mark (pane, s_id_of (wbc_rows_at (pane->rows, pane->replica, row)), true);
    self->dirty |= WBC_DIRTY_PANES;
    return wbc_model_marked (pane, NULL, 0);
}

size_t
wbc_model_mark_all (wbc_model_t *self)
{
    wbc_pane_t *pane = wbc_model_pane (self, self->focus);
    if (!pane)
        return 0;
    size_t size = wbc_rows_size (pane->rows, pane->replica);
    bool all = size > 0;
    for (size_t row = 0; row < size && all; row++)
        all = wbc_model_is_marked (pane, s_id_of (wbc_rows_at (pane->rows, pane->replica, row)));
    for (size_t row = 0; row < size; row++)
        s_set_mark (pane, s_id_of (wbc_rows_at (pane->rows, pane->replica, row)), !all);
    self->dirty |= WBC_DIRTY_PANES;
    return wbc_model_marked (pane, NULL, 0);
}

void
wbc_model_clear_marks (wbc_model_t *self, size_t pane_index)
{
    wbc_pane_t *pane = wbc_model_pane (self, pane_index);
    if (!pane)
        return;
    zhashx_destroy (&pane->marks);
    pane->mark_count = 0;
    pane->mark_anchor [0] = 0;
    self->dirty |= WBC_DIRTY_PANES;
}
