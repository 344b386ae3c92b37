/*  wbc_model: panes, sidebar, selection. See wbc_model.h. The status
    history and the trace are in wbc_model_log.c. */
#include <stdint.h>
#include <stdio.h>
#include <czmq.h>
#include <stdlib.h>
#include <string.h>
#include "wbc_model_internal.h"
#include "wbc_columns.h"
#include "wb_clock.h"
#include "wb_events.h"
#include "wb_prelude.h"
#include "wb_workbin.h"

wbc_model_t *
wbc_model_new (void)
{
    wbc_model_t *self = wb_calloc (1, sizeof (wbc_model_t));
    self->maximised = -1;
    self->sidebar_visible = true;
    self->dirty = WBC_DIRTY_LAYOUT;
    self->trace = wb_trace_new ("console", WBC_TRACE_MAX, WBC_TRACE_BODY_BYTES);
    wbc_trace_view_init (&self->trace_view);
    self->history = wb_calloc (WBC_HISTORY_MAX, sizeof (wbc_status_t));
    return self;
}

static void
s_pane_clear (wbc_pane_t *pane)
{
    wb_replica_destroy (&pane->replica);
    wbc_rows_destroy (&pane->rows);
    zhashx_destroy (&pane->marks);
    memset (pane, 0, sizeof (*pane));
}

void
wbc_model_destroy (wbc_model_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    wbc_model_t *self = *self_p;
    for (size_t index = 0; index < self->pane_count; index++)
        s_pane_clear (&self->panes [index]);
    free (self->sidebar);
    free (self->sidebar_lines);
    free (self->sidebar_entry_line);
    wb_trace_destroy (&self->trace);
    wbc_trace_view_clear (&self->trace_view);
    free (self->history);
    free (self);
    *self_p = NULL;
}

unsigned
wbc_model_dirty (const wbc_model_t *self)
{
    return self ? self->dirty : 0;
}

void
wbc_model_mark (wbc_model_t *self, unsigned parts)
{
    if (self)
        self->dirty |= parts;
}

void
wbc_model_clear_dirty (wbc_model_t *self)
{
    if (self)
        self->dirty = 0;
}

// ---------------------------------------------------------------- session

void
wbc_model_set_identity (wbc_model_t *self, const char *agent_id, const char *endpoint)
{
    snprintf (self->agent, sizeof (self->agent), "%s", agent_id ? agent_id : "");
    snprintf (self->endpoint, sizeof (self->endpoint), "%s", endpoint ? endpoint : "");
    //  the agent is the trace's first lifeline: a new trace, named after it
    wb_trace_destroy (&self->trace);
    self->trace = wb_trace_new (*self->agent ? self->agent : "console", WBC_TRACE_MAX,
                                WBC_TRACE_BODY_BYTES);
    self->trace_view.built = false;
    self->dirty |= WBC_DIRTY_STATUS | WBC_DIRTY_TRACE;
}

const char *
wbc_model_agent (const wbc_model_t *self)
{
    return self->agent;
}

const char *
wbc_model_endpoint (const wbc_model_t *self)
{
    return self->endpoint;
}

void
wbc_model_set_connection (wbc_model_t *self, wbc_connection_t state)
{
    if (self->connection != state)
        self->dirty |= WBC_DIRTY_STATUS | WBC_DIRTY_PANES;
    self->connection = state;
}

wbc_connection_t
wbc_model_connection (const wbc_model_t *self)
{
    return self->connection;
}

void
wbc_model_set_waiting (wbc_model_t *self, const char *names)
{
    snprintf (self->waiting, sizeof (self->waiting), "%s", names ? names : "");
    self->dirty |= WBC_DIRTY_LAYOUT;
}

const char *
wbc_model_waiting (const wbc_model_t *self)
{
    return self->waiting;
}

const char *
wbc_connection_text (wbc_connection_t state)
{
    static const char *texts [] = { "connecting", "connected", "reconnecting", "offline" };
    return state <= WBC_OFFLINE ? texts [state] : "?";
}

// ---------------------------------------------------------------- sidebar

int
wbc_model_set_columns (wbc_model_t *self, const char *type_id, const char *columns)
{
    if (!type_id || !columns || self->column_count == WBC_PANES_MAX)
        return -1;
    snprintf (self->column_types [self->column_count], WBC_ID_MAX, "%s", type_id);
    snprintf (self->column_lists [self->column_count], WBC_TEXT_MAX, "%s", columns);
    self->column_count++;
    return 0;
}

//  The columns of a type: the config file's, else the server's, else the
//  console's default.
static const char *
s_columns_of (const wbc_model_t *self, const char *type_id, const char *server_columns)
{
    for (size_t index = 0; index < self->column_count; index++)
        if (strcmp (self->column_types [index], type_id) == 0)
            return self->column_lists [index];
    return server_columns && *server_columns ? server_columns : WBC_COLUMNS_DEFAULT;
}

//  Say on the status line which columns of a type the console does not
//  know (they are left out of its panes).
static void
s_report_unknown_columns (wbc_model_t *self, const char *type_id, const char *columns)
{
    char unknown [WBC_TEXT_MAX], known [WBC_TEXT_MAX];
    size_t count = wbc_columns_unknown (columns, unknown, sizeof (unknown));
    if (count == 0)
        return;
    wbc_columns_known (known, sizeof (known));
    wbc_model_status (self, WBC_LEVEL_ERROR, wb_clock_wall_ms (),
                      "workbin type %s: unknown column%s %s ignored (known: %s)",
                      type_id, count == 1 ? "" : "s", unknown, known);
}

//  Fill a sidebar entry for one owner of a type.
static void
s_fill_entry (wbc_sidebar_entry_t *entry, const wb_event_type_info_t *info, const char *attribute,
              const char *columns, const wb_event_owner_t *owner)
{
    snprintf (entry->type_id, sizeof (entry->type_id), "%s", info->type_id);
    snprintf (entry->owner_id, sizeof (entry->owner_id), "%s", owner->owner_id);
    snprintf (entry->owner_attribute, sizeof (entry->owner_attribute), "%s", attribute);
    snprintf (entry->type_name, sizeof (entry->type_name), "%s",
              info->display_name ? info->display_name : entry->type_id);
    snprintf (entry->owner_name, sizeof (entry->owner_name), "%s",
              owner->owner_name ? owner->owner_name : entry->owner_id);
    snprintf (entry->relation, sizeof (entry->relation), "%s", owner->relation ? owner->relation : "");
    snprintf (entry->columns, sizeof (entry->columns), "%s", columns);
    entry->count = owner->count;
    entry->version = owner->version;
    entry->oldest_s = 0;
    if (owner->oldest)
        wb_clock_parse (owner->oldest, &entry->oldest_s);
}

//  Add one sidebar entry per owner of one WorkbinTypeInfo, and say which
//  of the type's columns the console does not know.
static void
s_add_sidebar_type (wbc_model_t *self, const wb_kvlist_t *entry)
{
    wb_event_type_info_t info;
    wb_event_read_type_info (entry, &info);
    const char *attribute = wb_workbin_owner_attribute (info.owner_type);
    if (!info.type_id || !attribute)
        return;             //  a server's nonsense: nothing to name the workbin by
    const char *columns = s_columns_of (self, info.type_id, info.columns);
    size_t added = 0;
    for (size_t index = 0; index < wb_kvlist_size (info.owners); index++) {
        wb_event_owner_t owner;
        wb_event_read_owner (wb_kvlist_list_at (info.owners, index), &owner);
        if (!owner.owner_id)
            continue;
        s_fill_entry (&self->sidebar [self->sidebar_size++], &info, attribute, columns, &owner);
        added++;
    }
    if (added)
        s_report_unknown_columns (self, info.type_id, columns);
}

//  How many owners the types list altogether: the most sidebar entries.
static size_t
s_owners_listed (const wb_kvlist_t *types)
{
    size_t total = 0;
    for (size_t index = 0; index < wb_kvlist_size (types); index++) {
        wb_event_type_info_t info;
        wb_event_read_type_info (wb_kvlist_list_at (types, index), &info);
        total += wb_kvlist_size (info.owners);
    }
    return total;
}

//  The sidebar's lines: a heading before each type's entries (they come
//  together, type by type); and the labels, the owner's name, with its id
//  where two owners of one type have the same name (counted by name, type
//  by type, so that a big directory stays linear).
static void
s_lay_out_sidebar (wbc_model_t *self)
{
    free (self->sidebar_lines);
    free (self->sidebar_entry_line);
    self->sidebar_lines = wb_calloc (2 * self->sidebar_size + 1, sizeof (long));
    self->sidebar_entry_line = wb_calloc (self->sidebar_size + 1, sizeof (size_t));
    self->sidebar_line_count = 0;
    zhashx_t *names = zhashx_new ();        //  owner name -> how many, in one type
    for (size_t first = 0, end; first < self->sidebar_size; first = end) {
        for (end = first; end < self->sidebar_size
                       && strcmp (self->sidebar [end].type_id, self->sidebar [first].type_id) == 0; end++)
            zhashx_update (names, self->sidebar [end].owner_name,
                           (void *) ((uintptr_t) zhashx_lookup (names, self->sidebar [end].owner_name) + 1));
        self->sidebar_lines [self->sidebar_line_count++] = -1;
        for (size_t index = first; index < end; index++) {
            wbc_sidebar_entry_t *entry = &self->sidebar [index];
            self->sidebar_entry_line [index] = self->sidebar_line_count;
            self->sidebar_lines [self->sidebar_line_count++] = (long) index;
            bool twice = (uintptr_t) zhashx_lookup (names, entry->owner_name) > 1;
            //  cut the name, never the id that tells two of the same name apart
            int keep = (int) (sizeof (entry->label) - strlen (entry->owner_id) - 4);
            snprintf (entry->label, sizeof (entry->label), "%.*s%s%s%s", keep, entry->owner_name,
                      twice ? " (" : "", twice ? entry->owner_id : "", twice ? ")" : "");
        }
        zhashx_purge (names);
    }
    zhashx_destroy (&names);
}

size_t
wbc_model_sidebar_lines (const wbc_model_t *self)
{
    return self->sidebar_line_count;
}

long
wbc_model_sidebar_entry_at_line (const wbc_model_t *self, size_t line)
{
    return line < self->sidebar_line_count ? self->sidebar_lines [line] : -1;
}

size_t
wbc_model_sidebar_line_of (const wbc_model_t *self, size_t entry)
{
    return entry < self->sidebar_size ? self->sidebar_entry_line [entry] : 0;
}

void
wbc_model_set_workbin_types (wbc_model_t *self, const wb_event_types_t *types_info)
{
    const wb_kvlist_t *types = types_info ? types_info->types : NULL;
    free (self->sidebar);
    self->sidebar = wb_calloc (s_owners_listed (types), sizeof (wbc_sidebar_entry_t));
    self->sidebar_size = 0;
    for (size_t index = 0; index < wb_kvlist_size (types); index++)
        s_add_sidebar_type (self, wb_kvlist_list_at (types, index));
    if (self->sidebar_selected >= self->sidebar_size)
        self->sidebar_selected = 0;
    s_lay_out_sidebar (self);
    self->dirty |= WBC_DIRTY_SIDEBAR;
}

int
wbc_model_apply_statistic (wbc_model_t *self, const wb_event_statistic_t *statistic)
{
    const wb_workbin_t *workbin = statistic ? &statistic->workbin : NULL;
    const char *attribute = workbin ? wb_workbin_attribute (workbin) : NULL;
    for (size_t index = 0; attribute && workbin->type_id && workbin->owner_id
                           && index < self->sidebar_size; index++) {
        wbc_sidebar_entry_t *entry = &self->sidebar [index];
        if (strcmp (entry->type_id, workbin->type_id) || strcmp (entry->owner_id, workbin->owner_id)
        ||  strcmp (entry->owner_attribute, attribute))
            continue;
        if (statistic->version <= entry->version)
            return 0;           //  an older word than the one we have
        entry->count = statistic->count;
        entry->version = statistic->version;
        entry->oldest_s = 0;
        if (statistic->oldest)
            wb_clock_parse (statistic->oldest, &entry->oldest_s);
        self->dirty |= WBC_DIRTY_SIDEBAR | WBC_DIRTY_PANES;
        return 0;
    }
    return -1;
}

size_t
wbc_model_sidebar_size (const wbc_model_t *self)
{
    return self->sidebar_size;
}

const wbc_sidebar_entry_t *
wbc_model_sidebar_at (const wbc_model_t *self, size_t index)
{
    return index < self->sidebar_size ? &self->sidebar [index] : NULL;
}

const wbc_sidebar_entry_t *
wbc_model_sidebar_find (const wbc_model_t *self, const char *name)
{
    const char *at = name ? strchr (name, '@') : NULL;
    size_t type_length = at ? (size_t) (at - name) : (name ? strlen (name) : 0);
    const wbc_sidebar_entry_t *only = NULL;
    size_t matches = 0;
    for (size_t index = 0; index < self->sidebar_size; index++) {
        const wbc_sidebar_entry_t *entry = &self->sidebar [index];
        if (strlen (entry->type_id) != type_length || strncmp (entry->type_id, name, type_length))
            continue;
        if (at && strcmp (entry->owner_id, at + 1) == 0)
            return entry;
        if (!at && strcmp (entry->relation, "own") == 0)
            return entry;
        only = entry;
        matches++;
    }
    return !at && matches == 1 ? only : NULL;
}

size_t
wbc_model_sidebar_selected (const wbc_model_t *self)
{
    return self->sidebar_selected;
}

void
wbc_model_sidebar_select (wbc_model_t *self, size_t index)
{
    if (index < self->sidebar_size && index != self->sidebar_selected) {
        self->sidebar_selected = index;
        self->dirty |= WBC_DIRTY_SIDEBAR;
    }
}

bool
wbc_model_sidebar_visible (const wbc_model_t *self)
{
    return self->sidebar_visible;
}

void
wbc_model_set_sidebar_visible (wbc_model_t *self, bool visible)
{
    self->sidebar_visible = visible;
    if (!visible)
        self->sidebar_focused = false;
    self->dirty |= WBC_DIRTY_LAYOUT;
}

bool
wbc_model_sidebar_focused (const wbc_model_t *self)
{
    return self->sidebar_focused;
}

void
wbc_model_set_sidebar_focused (wbc_model_t *self, bool focused)
{
    self->sidebar_focused = focused && self->sidebar_visible;
    self->dirty |= WBC_DIRTY_SIDEBAR | WBC_DIRTY_PANES;
}

// ---------------------------------------------------------------- panes

int
wbc_model_find_pane (const wbc_model_t *self, const char *type_id, const char *owner_id)
{
    for (size_t index = 0; index < self->pane_count; index++)
        if (!self->panes [index].in_hand
        &&  strcmp (self->panes [index].type_id, type_id) == 0
        &&  strcmp (self->panes [index].owner_id, owner_id) == 0)
            return (int) index;
    return -1;
}

int
wbc_model_open_pane (wbc_model_t *self, const wbc_sidebar_entry_t *entry)
{
    if (!entry)
        return -1;
    int existing = wbc_model_find_pane (self, entry->type_id, entry->owner_id);
    if (existing >= 0 || self->pane_count == WBC_PANES_MAX)
        return existing;
    wbc_pane_t *pane = &self->panes [self->pane_count];
    memset (pane, 0, sizeof (*pane));
    snprintf (pane->type_id, sizeof (pane->type_id), "%s", entry->type_id);
    snprintf (pane->owner_id, sizeof (pane->owner_id), "%s", entry->owner_id);
    snprintf (pane->owner_attribute, sizeof (pane->owner_attribute), "%s", entry->owner_attribute);
    snprintf (pane->title, sizeof (pane->title), "%s", entry->type_name);
    snprintf (pane->owner_name, sizeof (pane->owner_name), "%s", entry->owner_name);
    snprintf (pane->columns, sizeof (pane->columns), "%s", entry->columns);
    pane->replica = wb_replica_new ();
    pane->rows = wbc_rows_new ();
    self->focus = self->pane_count++;
    self->sidebar_focused = false;
    self->dirty |= WBC_DIRTY_LAYOUT;
    return (int) self->focus;
}

int
wbc_model_find_in_hand (const wbc_model_t *self)
{
    for (size_t index = 0; index < self->pane_count; index++)
        if (self->panes [index].in_hand)
            return (int) index;
    return -1;
}

int
wbc_model_open_in_hand (wbc_model_t *self, bool focus)
{
    int existing = wbc_model_find_in_hand (self);
    if (existing < 0 && self->pane_count == WBC_PANES_MAX)
        return -1;
    if (existing < 0) {
        wbc_pane_t *pane = &self->panes [self->pane_count];
        memset (pane, 0, sizeof (*pane));
        //  no type: wbc_model_find_pane never mistakes it for a workbin
        snprintf (pane->owner_id, sizeof (pane->owner_id), "%s", self->agent);
        snprintf (pane->title, sizeof (pane->title), "interactions you pulled");
        snprintf (pane->owner_name, sizeof (pane->owner_name), "%s", self->agent);
        snprintf (pane->columns, sizeof (pane->columns), WBC_IN_HAND_COLUMNS);
        pane->in_hand = true;
        pane->replica = wb_replica_new ();
        pane->rows = wbc_rows_new ();
        existing = (int) self->pane_count++;
        self->dirty |= WBC_DIRTY_LAYOUT;
    }
    if (focus) {
        self->focus = (size_t) existing;
        self->sidebar_focused = false;
        self->dirty |= WBC_DIRTY_PANES;
    }
    return existing;
}

void
wbc_model_close_pane (wbc_model_t *self, size_t index)
{
    if (index >= self->pane_count)
        return;
    s_pane_clear (&self->panes [index]);
    memmove (&self->panes [index], &self->panes [index + 1],
             (self->pane_count - index - 1) * sizeof (wbc_pane_t));
    self->pane_count--;
    memset (&self->panes [self->pane_count], 0, sizeof (wbc_pane_t));
    if (self->focus >= self->pane_count && self->focus > 0)
        self->focus = self->pane_count - 1;
    self->maximised = -1;
    self->dirty |= WBC_DIRTY_LAYOUT;
}

size_t
wbc_model_pane_count (const wbc_model_t *self)
{
    return self->pane_count;
}

wbc_pane_t *
wbc_model_pane (wbc_model_t *self, size_t index)
{
    return index < self->pane_count ? &self->panes [index] : NULL;
}

void
wbc_model_set_live (wbc_model_t *self, size_t pane_index, bool live)
{
    wbc_pane_t *pane = wbc_model_pane (self, pane_index);
    if (!pane || pane->live == live)
        return;
    pane->live = live;
    self->dirty |= WBC_DIRTY_PANES;
}

void
wbc_model_set_want_live (wbc_model_t *self, size_t pane_index, bool want_live)
{
    wbc_pane_t *pane = wbc_model_pane (self, pane_index);
    if (pane)
        pane->want_live = want_live;
}

size_t
wbc_model_focus (const wbc_model_t *self)
{
    return self->focus;
}

void
wbc_model_set_focus (wbc_model_t *self, size_t index)
{
    if (index < self->pane_count) {
        self->focus = index;
        self->sidebar_focused = false;
        if (self->maximised >= 0)
            self->maximised = (int) index;
        self->dirty |= WBC_DIRTY_PANES | WBC_DIRTY_SIDEBAR | WBC_DIRTY_LAYOUT;
    }
}

int
wbc_model_maximised (const wbc_model_t *self)
{
    return self->maximised;
}

void
wbc_model_toggle_maximised (wbc_model_t *self)
{
    if (self->pane_count == 0)
        return;
    self->maximised = self->maximised >= 0 ? -1 : (int) self->focus;
    self->dirty |= WBC_DIRTY_LAYOUT;
}

// ---------------------------------------------------------------- paused

bool
wbc_model_paused (const wbc_model_t *self)
{
    return self->paused;
}

void
wbc_model_set_paused (wbc_model_t *self, bool paused)
{
    self->paused = paused;
    self->dirty |= WBC_DIRTY_STATUS | WBC_DIRTY_PANES | WBC_DIRTY_TRACE;
}

size_t
wbc_model_held (const wbc_model_t *self)
{
    return self->held;
}

void
wbc_model_set_held (wbc_model_t *self, size_t held)
{
    if (held != self->held)
        self->dirty |= WBC_DIRTY_STATUS | WBC_DIRTY_TRACE;
    self->held = held;
}
