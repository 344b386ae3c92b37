/*  wbc_trace_view: the rows of the trace a filter keeps, and the
    selection in them. See wbc_trace_view.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wbc_trace_view.h"
#include "wb_prelude.h"

void
wbc_trace_view_init (wbc_trace_view_t *self)
{
    memset (self, 0, sizeof (*self));
    self->show_chatter = true;
}

void
wbc_trace_view_clear (wbc_trace_view_t *self)
{
    free (self->rows);
    wbc_trace_view_init (self);
}

wb_trace_filter_t
wbc_trace_view_filter (const wbc_trace_view_t *self)
{
    wb_trace_filter_t filter = {
        .workbin = *self->workbin ? self->workbin : NULL,
        .name = *self->name ? self->name : NULL,
        .text = *self->text ? self->text : NULL,
        .errors_only = self->errors_only,
        .hide_chatter = !self->show_chatter,
    };
    return filter;
}

static void
s_stale (wbc_trace_view_t *self)
{
    self->built = false;
}

//  Append word to the text condition, blank-separated.
static void
s_add_text (wbc_trace_view_t *self, const char *word)
{
    size_t length = strlen (self->text);
    snprintf (self->text + length, sizeof (self->text) - length, "%s%s", length ? " " : "", word);
}

int
wbc_trace_view_set_filter (wbc_trace_view_t *self, const char *line, char *error, size_t size)
{
    char workbin [WB_TRACE_WORKBIN_MAX] = "", name [WB_TRACE_NAME_MAX] = "";
    char copy [WBC_TRACE_FILTER_MAX];
    snprintf (copy, sizeof (copy), "%s", line ? line : "");
    bool errors_only = false;
    wbc_trace_view_t parsed = *self;
    parsed.text [0] = 0;
    char *saved = NULL;
    for (char *word = strtok_r (copy, " \t", &saved); word; word = strtok_r (NULL, " \t", &saved)) {
        if (strcmp (word, "errors") == 0)
            errors_only = true;
        else
        if (strncmp (word, "wb:", 3) == 0) {
            if (!strchr (word + 3, '@') || word [3] == '@') {
                snprintf (error, size, "wb: takes TYPE@OWNER, as in wb:email-draft@agent01");
                return -1;
            }
            snprintf (workbin, sizeof (workbin), "%s", word + 3);
        }
        else
        if (strncmp (word, "name:", 5) == 0) {
            if (!word [5]) {
                snprintf (error, size, "name: takes part of a message name, as in name:Error");
                return -1;
            }
            snprintf (name, sizeof (name), "%s", word + 5);
        }
        else
            s_add_text (&parsed, word);
    }
    snprintf (self->text, sizeof (self->text), "%s", parsed.text);
    snprintf (self->workbin, sizeof (self->workbin), "%s", workbin);
    snprintf (self->name, sizeof (self->name), "%s", name);
    self->errors_only = errors_only;
    snprintf (self->filter_line, sizeof (self->filter_line), "%s", line ? line : "");
    s_stale (self);
    return 0;
}

void
wbc_trace_view_set_chatter (wbc_trace_view_t *self, bool show)
{
    self->show_chatter = show;
    s_stale (self);
}

bool
wbc_trace_view_update (wbc_trace_view_t *self, const wb_trace_t *trace)
{
    size_t size = wb_trace_size (trace);
    const wb_trace_entry_t *last = size ? wb_trace_at (trace, size - 1) : NULL;
    uint64_t last_number = last ? last->number : 0;
    if (self->built && size == self->built_size && last_number == self->built_last)
        return false;
    if (size > self->row_capacity) {
        size_t capacity = size < 64 ? 64 : size;
        self->rows = wb_realloc (self->rows, capacity * sizeof (size_t));
        self->row_capacity = capacity;
    }
    wb_trace_filter_t filter = wbc_trace_view_filter (self);
    self->row_count = 0;
    for (size_t index = 0; index < size; index++)
        if (wb_trace_match (wb_trace_at (trace, index), &filter))
            self->rows [self->row_count++] = index;
    self->built_size = size;
    self->built_last = last_number;
    self->built = true;
    //  a selected entry the trace no longer keeps (or the filter hides):
    //  follow the newest again
    if (self->selected && wbc_trace_view_selected_row (self, trace) < 0)
        self->selected = 0;
    return true;
}

long
wbc_trace_view_selected_row (const wbc_trace_view_t *self, const wb_trace_t *trace)
{
    if (self->row_count == 0)
        return -1;
    if (self->selected == 0)
        return (long) self->row_count - 1;
    long index = wb_trace_index_of (trace, self->selected);
    if (index < 0)
        return -1;
    //  rows are in trace order: a binary search finds the entry's row
    size_t low = 0, high = self->row_count;
    while (low < high) {
        size_t middle = (low + high) / 2;
        if (self->rows [middle] < (size_t) index)
            low = middle + 1;
        else
            high = middle;
    }
    return low < self->row_count && self->rows [low] == (size_t) index ? (long) low : -1;
}

const wb_trace_entry_t *
wbc_trace_view_selected (const wbc_trace_view_t *self, const wb_trace_t *trace)
{
    long row = wbc_trace_view_selected_row (self, trace);
    return row < 0 ? NULL : wb_trace_at (trace, self->rows [row]);
}

static void
s_select_row (wbc_trace_view_t *self, const wb_trace_t *trace, long row)
{
    const wb_trace_entry_t *entry = wb_trace_at (trace, self->rows [row]);
    self->selected = entry ? entry->number : 0;
}

void
wbc_trace_view_move (wbc_trace_view_t *self, const wb_trace_t *trace, long delta)
{
    long row = wbc_trace_view_selected_row (self, trace);
    if (row < 0)
        return;
    long last = (long) self->row_count - 1;
    long target = row + delta;
    if (target > last && delta > 0) {
        wbc_trace_view_follow (self);
        return;
    }
    s_select_row (self, trace, target < 0 ? 0 : target > last ? last : target);
}

void
wbc_trace_view_select_first (wbc_trace_view_t *self, const wb_trace_t *trace)
{
    if (self->row_count)
        s_select_row (self, trace, 0);
}

void
wbc_trace_view_follow (wbc_trace_view_t *self)
{
    self->selected = 0;
    self->back = 0;
}

bool
wbc_trace_view_search (wbc_trace_view_t *self, const wb_trace_t *trace, const char *text,
                       bool forward)
{
    long row = wbc_trace_view_selected_row (self, trace);
    if (row < 0 || !text || !*text)
        return false;
    wb_trace_filter_t filter = { .text = text };
    long count = (long) self->row_count;
    for (long step = 1; step <= count; step++) {
        long candidate = ((row + (forward ? step : -step)) % count + count) % count;
        const wb_trace_entry_t *entry = wb_trace_at (trace, self->rows [candidate]);
        //  a filter keeps marks whatever it asks; a search finds one by its text
        bool found = entry->kind == WB_TRACE_MARK ? strstr (entry->headline, text) != NULL
                                                  : wb_trace_match (entry, &filter);
        if (found) {
            s_select_row (self, trace, candidate);
            return true;
        }
    }
    return false;
}

void
wbc_trace_view_scroll (wbc_trace_view_t *self, long delta, size_t page)
{
    long most = (long) self->row_count > (long) page ? (long) self->row_count - (long) page : 0;
    long back = (long) self->back + delta;
    self->back = (size_t) (back < 0 ? 0 : back > most ? most : back);
}

size_t
wbc_trace_view_top (wbc_trace_view_t *self, const wb_trace_t *trace, size_t page)
{
    if (page == 0)
        page = 1;
    size_t count = self->row_count;
    size_t fullest = count > page ? count - page : 0;
    if (!self->focused) {
        if (self->back > fullest)
            self->back = fullest;
        return fullest - self->back;
    }
    long row = wbc_trace_view_selected_row (self, trace);
    size_t selected = row < 0 ? 0 : (size_t) row;
    if (self->top > fullest)
        self->top = fullest;
    if (selected < self->top)
        self->top = selected;
    if (selected >= self->top + page)
        self->top = selected - page + 1;
    return self->top;
}
