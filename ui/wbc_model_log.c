/*  wbc_model_log: the status line with its history, and the message trace.
    See wbc_model.h. Both are rings: the oldest entries make room. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "wbc_model_internal.h"
#include "wb_prelude.h"
#include "wb_protocol.h"

void
wbc_model_status (wbc_model_t *self, wbc_level_t level, int64_t wall_ms, const char *format, ...)
{
    size_t slot = (self->history_start + self->history_size) % WBC_HISTORY_MAX;
    if (self->history_size == WBC_HISTORY_MAX)
        self->history_start = (self->history_start + 1) % WBC_HISTORY_MAX;
    else
        self->history_size++;
    wbc_status_t *status = &self->history [slot];
    status->time_ms = wall_ms;
    status->level = level;
    va_list args;
    va_start (args, format);
    vsnprintf (status->text, sizeof (status->text), format, args);
    va_end (args);
    self->dirty |= WBC_DIRTY_STATUS | WBC_DIRTY_OVERLAY;
}

const wbc_status_t *
wbc_model_last_status (const wbc_model_t *self)
{
    return self->history_size ? wbc_model_history_at (self, self->history_size - 1) : NULL;
}

size_t
wbc_model_history_size (const wbc_model_t *self)
{
    return self->history_size;
}

const wbc_status_t *
wbc_model_history_at (const wbc_model_t *self, size_t index)
{
    if (index >= self->history_size)
        return NULL;
    return &self->history [(self->history_start + index) % WBC_HISTORY_MAX];
}

void
wbc_model_trace (wbc_model_t *self, bool outgoing, const char *name, int64_t reference_id,
                 const wb_kvlist_t *body, int64_t wall_ms)
{
    if (outgoing)
        wb_trace_request (self->trace, self->agent, name, reference_id, body, wall_ms);
    else
        wb_trace_received (self->trace, self->agent, name, reference_id, body, wall_ms);
    self->dirty |= WBC_DIRTY_TRACE;
}

size_t
wbc_model_trace_size (const wbc_model_t *self)
{
    return wb_trace_size (self->trace);
}

const wb_trace_t *
wbc_model_trace_log (const wbc_model_t *self)
{
    return self->trace;
}

wbc_trace_view_t *
wbc_model_trace_view (wbc_model_t *self)
{
    wbc_trace_view_update (&self->trace_view, self->trace);
    return &self->trace_view;
}

bool
wbc_model_trace_visible (const wbc_model_t *self)
{
    return self->trace_visible || self->trace_view.focused;
}

void
wbc_model_set_trace_visible (wbc_model_t *self, bool visible)
{
    self->trace_visible = visible;
    if (!visible)
        self->trace_view.focused = false;
    self->dirty |= WBC_DIRTY_LAYOUT;
}

bool
wbc_model_trace_focused (const wbc_model_t *self)
{
    return self->trace_view.focused;
}

void
wbc_model_set_trace_focused (wbc_model_t *self, bool focused)
{
    self->trace_view.focused = focused;
    self->dirty |= WBC_DIRTY_LAYOUT;
}

void
wbc_model_scroll_trace (wbc_model_t *self, long delta)
{
    wbc_trace_view_t *view = wbc_model_trace_view (self);
    size_t before = view->back;
    wbc_trace_view_scroll (view, delta, self->trace_page ? self->trace_page : 1);
    if (view->back != before)
        self->dirty |= WBC_DIRTY_TRACE;
}

void
wbc_model_set_trace_page (wbc_model_t *self, size_t page)
{
    if (page == self->trace_page)
        return;
    self->trace_page = page;
    wbc_model_scroll_trace (self, 0);
}

void
wbc_model_clear_trace (wbc_model_t *self)
{
    wb_trace_clear (self->trace);
    wbc_trace_view_follow (&self->trace_view);
    self->dirty |= WBC_DIRTY_TRACE;
}

void
wbc_model_mark_trace (wbc_model_t *self, const char *text, int64_t wall_ms)
{
    wb_trace_mark (self->trace, text, wall_ms);
    self->dirty |= WBC_DIRTY_TRACE;
}

int
wbc_model_save_trace (const wbc_model_t *self, const char *path)
{
    char title [2 * WBC_TEXT_MAX + 64];
    snprintf (title, sizeof (title), "message flow of %s with the server at %s", self->agent,
              self->endpoint);
    wb_trace_filter_t filter = wbc_trace_view_filter (&self->trace_view);
    return wb_trace_export (self->trace, &filter, title, path);
}
