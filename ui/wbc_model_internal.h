/*  wbc_model_internal: the model's fields, shared by its three files:
    wbc_model.c (panes, sidebar), wbc_model_content.c (pages, changes,
    selection, search) and wbc_model_log.c (status history, trace). */
#ifndef WBC_MODEL_INTERNAL_H_INCLUDED
#define WBC_MODEL_INTERNAL_H_INCLUDED

#include "wbc_model.h"

struct _wbc_model_t {
    unsigned dirty;
    char agent [WBC_ID_MAX];
    char endpoint [WBC_TEXT_MAX];
    wbc_connection_t connection;
    char waiting [WBC_TEXT_MAX];   /* workbins that open once connected, "a, b" */
    wbc_sidebar_entry_t *sidebar;
    size_t sidebar_size;
    long *sidebar_lines;           /* per line: its entry, or -1 for a type's heading */
    size_t sidebar_line_count;
    size_t *sidebar_entry_line;    /* per entry: its line */
    size_t sidebar_selected;
    bool sidebar_visible;
    bool sidebar_focused;
    wbc_pane_t panes [WBC_PANES_MAX];
    size_t pane_count;
    uint64_t fetches;              /* fetches begun: the last one's fetch_serial */
    size_t focus;
    int maximised;
    wbc_status_t *history;         /* ring of WBC_HISTORY_MAX */
    size_t history_start;
    size_t history_size;
    wb_trace_t *trace;             /* every message, at most WBC_TRACE_MAX */
    wbc_trace_view_t trace_view;   /* what the trace pane shows of it */
    bool trace_visible;
    size_t trace_page;             /* rows the unfocused trace pane shows at once (0: unknown) */
    bool paused;
    size_t held;                   /* changes held while paused */
    char column_types [WBC_PANES_MAX][WBC_ID_MAX];   /* configured columns, by type */
    char column_lists [WBC_PANES_MAX][WBC_TEXT_MAX];
    size_t column_count;
};

#endif
