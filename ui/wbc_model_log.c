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

/* Attributes worth showing in a trace line, in this order. */
static const char *s_trace_keys [] = {
    WB_ATTR_ERROR_CODE, WB_ATTR_ERROR_DESCRIPTION, WB_ATTR_WORKBIN_TYPE_ID, WB_ATTR_WORKBIN_AGENT_ID,
    WB_ATTR_WORKBIN_PLACE_ID, WB_ATTR_WORKBIN_GROUP_ID, WB_ATTR_WORKBIN_PLACE_GROUP_ID, WB_ATTR_AGENT_ID,
    WB_ATTR_INTERACTION_ID, WB_ATTR_WORKBIN_CONTENT_OPERATION, WB_ATTR_OPERATION, WB_ATTR_WORKBIN_VERSION,
    WB_ATTR_TOTAL_COUNT, WB_ATTR_FROM, WB_ATTR_COUNT, WB_ATTR_EVENT_SEQUENCE,
    WB_ATTR_NOTIFY_PROPERTY_CHANGES, WB_ATTR_CLIENT_TYPE,
};

/* WorkbinContentOperation values, by number. */
static const char *s_operations [] = {
    "?", [WB_CONTENT_TAKEN_OUT] = "TakenOut", [WB_CONTENT_PLACED_IN] = "PlacedIn",
    [WB_CONTENT_PROPERTIES_CHANGED] = "PropertiesChanged",
};
#define S_OPERATION_COUNT (WB_COUNT_OF (s_operations))

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

//  Append "Key=value" for one attribute of a body to a summary.
static void
s_summarise (const wb_kvlist_t *body, const char *key, char *summary, size_t size)
{
    size_t length = strlen (summary);
    if (length + 2 >= size)
        return;
    wb_type_t type = wb_kvlist_type (body, key);
    const char *space = length ? " " : "";
    if (type == WB_TYPE_STRING)
        snprintf (summary + length, size - length, "%s%s=%s", space, key, wb_kvlist_string (body, key));
    else
    if (type == WB_TYPE_INT && strcmp (key, WB_ATTR_WORKBIN_CONTENT_OPERATION) == 0) {
        int64_t operation = wb_kvlist_int_or (body, key, 0);
        snprintf (summary + length, size - length, "%s%s", space,
                  s_operations [operation >= 1 && operation < (int64_t) S_OPERATION_COUNT ? operation : 0]);
    }
    else
    if (type == WB_TYPE_INT)
        snprintf (summary + length, size - length, "%s%s=%" PRId64, space, key,
                  wb_kvlist_int_or (body, key, 0));
}

void
wbc_model_trace (wbc_model_t *self, bool outgoing, const char *name, int64_t reference_id,
                 const wb_kvlist_t *body, int64_t wall_ms)
{
    size_t slot = (self->trace_start + self->trace_size) % WBC_TRACE_MAX;
    if (self->trace_size == WBC_TRACE_MAX)
        self->trace_start = (self->trace_start + 1) % WBC_TRACE_MAX;
    else
        self->trace_size++;
    wbc_trace_entry_t *entry = &self->trace [slot];
    memset (entry, 0, sizeof (*entry));
    entry->time_ms = wall_ms;
    entry->outgoing = outgoing;
    entry->error = name && strcmp (name, WB_MSG_EVENT_ERROR) == 0;
    entry->reference_id = reference_id;
    snprintf (entry->name, sizeof (entry->name), "%s", name ? name : "?");
    //  the Interaction of a change carries its id: show that too
    const wb_kvlist_t *interaction = wb_kvlist_list (body, WB_ATTR_INTERACTION);
    for (size_t index = 0; index < WB_COUNT_OF (s_trace_keys); index++)
        s_summarise (body, s_trace_keys [index], entry->summary, sizeof (entry->summary));
    if (interaction)
        s_summarise (interaction, WB_ATTR_INTERACTION_ID, entry->summary, sizeof (entry->summary));
    self->dirty |= WBC_DIRTY_TRACE;
}

size_t
wbc_model_trace_size (const wbc_model_t *self)
{
    return self->trace_size;
}

const wbc_trace_entry_t *
wbc_model_trace_at (const wbc_model_t *self, size_t index)
{
    if (index >= self->trace_size)
        return NULL;
    return &self->trace [(self->trace_start + index) % WBC_TRACE_MAX];
}

bool
wbc_model_trace_visible (const wbc_model_t *self)
{
    return self->trace_visible;
}

size_t
wbc_model_trace_scroll (const wbc_model_t *self)
{
    return self->trace_scroll;
}

void
wbc_model_scroll_trace (wbc_model_t *self, long delta)
{
    long scroll = (long) self->trace_scroll + delta;
    long page = self->trace_page ? (long) self->trace_page : 1;
    long most = (long) self->trace_size > page ? (long) self->trace_size - page : 0;
    size_t bounded = (size_t) (scroll < 0 ? 0 : scroll > most ? most : scroll);
    if (bounded != self->trace_scroll)
        self->dirty |= WBC_DIRTY_TRACE;
    self->trace_scroll = bounded;
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
wbc_model_set_trace_visible (wbc_model_t *self, bool visible)
{
    self->trace_visible = visible;
    self->dirty |= WBC_DIRTY_LAYOUT;
}

void
wbc_trace_format (const wbc_trace_entry_t *entry, const char *agent, char *out, size_t size)
{
    time_t seconds = (time_t) (entry->time_ms / 1000);
    struct tm local;
    localtime_r (&seconds, &local);
    char clock [16];
    strftime (clock, sizeof (clock), "%H:%M:%S", &local);
    char arrow [96];
    if (entry->outgoing)
        snprintf (arrow, sizeof (arrow), "--%s ref=%" PRId64 "-->", entry->name, entry->reference_id);
    else
        snprintf (arrow, sizeof (arrow), "<--%s ref=%" PRId64 "--", entry->name, entry->reference_id);
    snprintf (out, size, "%s.%03d  %-10.10s %-52s server  %s", clock,
              (int) (entry->time_ms % 1000), agent && *agent ? agent : "console", arrow,
              entry->summary);
}

int
wbc_model_save_trace (const wbc_model_t *self, const char *path)
{
    FILE *file = fopen (path, "w");
    if (!file)
        return -1;
    fprintf (file, "# message flow of %s with the server at %s\n", self->agent, self->endpoint);
    fprintf (file, "# time          %-10s %-52s %s\n", "agent", "message (--> request, <-- reply or event)", "server");
    for (size_t index = 0; index < self->trace_size; index++) {
        char line [512];
        wbc_trace_format (wbc_model_trace_at (self, index), self->agent, line, sizeof (line));
        fprintf (file, "%s\n", line);
    }
    int rc = ferror (file) ? -1 : 0;
    int saved = errno;
    if (fclose (file) || rc) {
        errno = saved ? saved : errno;
        return -1;
    }
    return 0;
}
