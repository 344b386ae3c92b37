/*  wbc_view_trace: the trace as a sequence diagram. A lifeline per party
    (the agent, the server, every other agent or media server seen), one
    row per message: its arrow between two lifelines, then its name and
    what matters in it. A trainer's mark is a divider across the rows.

        Trace  agent01 ⇄ server  (12 messages)
         agent01    server    agent02
            │─────────▶│         │      RequestGetWorkbinContent  email-draft@agent01 …
            │◀╌╌╌╌╌╌╌╌╌│         │      EventWorkbinContent  3 of 3, version 7
            │          │◀────────│      PlacedIn  000A1 'Refund' (Create)
            │◀╌╌╌╌╌╌╌╌╌│         │      EventWorkbinContentChanged  PlacedIn 000A1 …

    Drawn in the trace pane, or over the whole screen when the trace has
    the focus (T); the rows are those the trace view keeps (filter,
    chatter), the selection in reverse. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "wbc_view_internal.h"
#include "wbc_text.h"
#include "wb_prelude.h"

#define S_LANES_MAX 8          /* lifelines drawn; further parties share the last */
#define S_GAP_MAX 12           /* columns between two lifelines, at most ... */
#define S_GAP_MIN 6            /* ... and at least */
#define S_TIME_COLUMNS 130     /* from this width on, rows start with their time */

typedef struct {
    size_t party [S_LANES_MAX];    /* the trace's party index of each lane */
    size_t count;
    int x [S_LANES_MAX];           /* column of each lifeline, from the rect's left */
    int gap;
    int time_width;                /* "hh:mm:ss " or 0 */
    int label_x;                   /* where a row's name and headline start */
} s_lanes_t;

//  The lanes of the parties the rows show, spaced to fit the width.
static void
s_lanes (const wb_trace_t *trace, const wb_trace_filter_t *filter, int width, s_lanes_t *lanes)
{
    size_t parties [WB_TRACE_PARTY_MAX];
    size_t count = wb_trace_parties_shown (trace, filter, parties, WB_COUNT_OF (parties));
    if (count < 2)
        count = 2, parties [0] = 0, parties [1] = 1;
    lanes->count = count < S_LANES_MAX ? count : S_LANES_MAX;
    memcpy (lanes->party, parties, lanes->count * sizeof (size_t));
    lanes->time_width = width >= S_TIME_COLUMNS ? 9 : 0;
    //  the lifelines take at most a third of the width: the rest is for text
    int room = (width - lanes->time_width) / 3;
    int gap = lanes->count > 1 ? room / (int) (lanes->count - 1) : S_GAP_MAX;
    lanes->gap = gap > S_GAP_MAX ? S_GAP_MAX : gap < S_GAP_MIN ? S_GAP_MIN : gap;
    for (size_t lane = 0; lane < lanes->count; lane++)
        lanes->x [lane] = lanes->time_width + lanes->gap / 2 + (int) lane * lanes->gap;
    lanes->label_x = lanes->x [lanes->count - 1] + lanes->gap / 2 + 1;
}

//  The lane of a party: its own, or the last one for a party past them.
static size_t
s_lane_of (const s_lanes_t *lanes, size_t party)
{
    for (size_t lane = 0; lane < lanes->count; lane++)
        if (lanes->party [lane] == party)
            return lane;
    return lanes->count - 1;
}

static wbc_theme_element_t
s_colour (const wb_trace_entry_t *entry)
{
    if (entry->error)
        return WBC_THEME_TRACE_ERROR;
    switch (entry->kind) {
        case WB_TRACE_REQUEST: return WBC_THEME_TRACE_REQUEST;
        case WB_TRACE_REPLY: return WBC_THEME_TRACE_REPLY;
        case WB_TRACE_MARK: return WBC_THEME_TITLE;
        default: return WBC_THEME_TRACE_EVENT;
    }
}

//  Repeat a symbol count times into out.
static void
s_repeat (wbc_symbol_t symbol, int count, char *out, size_t size)
{
    const char *piece = wbc_text_symbol (symbol);
    size_t length = 0, piece_length = strlen (piece);
    out [0] = 0;
    for (int index = 0; index < count && length + piece_length < size; index++, length += piece_length)
        memcpy (out + length, piece, piece_length + 1);
}

//  The arrow between two lanes: solid for a request or a cause, dashed for
//  what the server sends, its head at the receiver.
static void
s_arrow (const wb_trace_entry_t *entry, const s_lanes_t *lanes, int *x, char *out, size_t size)
{
    int from = lanes->x [s_lane_of (lanes, entry->from)];
    int to = lanes->x [s_lane_of (lanes, entry->to)];
    int length = (from < to ? to - from : from - to) - 1;
    *x = (from < to ? from : to) + 1;
    out [0] = 0;
    if (length < 1)
        return;
    bool dashed = entry->kind == WB_TRACE_REPLY || entry->kind == WB_TRACE_EVENT;
    char line [512];
    s_repeat (dashed ? WBC_SYMBOL_DASH : WBC_SYMBOL_HLINE, length - 1, line, sizeof (line));
    if (from < to)
        snprintf (out, size, "%s%s", line, wbc_text_symbol (WBC_SYMBOL_ARROW_RIGHT));
    else
        snprintf (out, size, "%s%s", wbc_text_symbol (WBC_SYMBOL_ARROW_LEFT), line);
}

static void
s_lifelines (wbc_draw_t *draw, const s_lanes_t *lanes, wbc_rect_t rect, int y)
{
    for (size_t lane = 0; lane < lanes->count; lane++)
        wbc_view_put (y, rect.x + lanes->x [lane], 1, wbc_text_symbol (WBC_SYMBOL_LIFELINE));
    (void) draw;
}

//  A mark: "══ TEXT ══" across the row.
static void
s_draw_mark (wbc_draw_t *draw, const wb_trace_entry_t *entry, wbc_rect_t rect, int y, bool selected)
{
    wbc_view_use (draw->view, selected ? WBC_THEME_SELECTION : WBC_THEME_TITLE);
    char line [1024], text [WB_TRACE_HEADLINE_MAX + 8];
    s_repeat (WBC_SYMBOL_DIVIDER, rect.width, line, sizeof (line));
    wbc_view_put (y, rect.x, rect.width, line);
    snprintf (text, sizeof (text), " %s ", entry->headline);
    int width = (int) wbc_text_width (text);
    int x = width < rect.width ? (rect.width - width) / 2 : 0;
    wbc_view_put (y, rect.x + x, width < rect.width ? width : rect.width, text);
}

static void
s_draw_row (wbc_draw_t *draw, const wb_trace_entry_t *entry, const s_lanes_t *lanes,
            wbc_rect_t rect, int y, bool selected)
{
    if (entry->kind == WB_TRACE_MARK) {
        s_draw_mark (draw, entry, rect, y, selected);
        return;
    }
    wbc_theme_element_t colour = selected ? WBC_THEME_SELECTION : s_colour (entry);
    wbc_view_use (draw->view, selected ? WBC_THEME_SELECTION : WBC_THEME_DEFAULT);
    wbc_view_put (y, rect.x, rect.width, "");
    if (lanes->time_width) {
        time_t seconds = (time_t) (entry->time_ms / 1000);
        struct tm local;
        localtime_r (&seconds, &local);
        char clock [16];
        strftime (clock, sizeof (clock), "%H:%M:%S", &local);
        wbc_view_use (draw->view, selected ? WBC_THEME_SELECTION : WBC_THEME_DIM);
        wbc_view_put (y, rect.x, lanes->time_width, clock);
    }
    wbc_view_use (draw->view, selected ? WBC_THEME_SELECTION : WBC_THEME_DIM);
    s_lifelines (draw, lanes, rect, y);
    char arrow [1024];
    int x = 0;
    s_arrow (entry, lanes, &x, arrow, sizeof (arrow));
    wbc_view_use (draw->view, colour);
    if (*arrow)
        wbc_view_put (y, rect.x + x, (int) wbc_text_width (arrow), arrow);
    int room = rect.width - lanes->label_x;
    if (room <= 0)
        return;
    int name_width = (int) wbc_text_width (entry->name);
    wbc_view_put (y, rect.x + lanes->label_x, room, entry->name);
    if (name_width + 2 < room && *entry->headline) {
        wbc_view_use (draw->view, selected ? WBC_THEME_SELECTION : WBC_THEME_DEFAULT);
        wbc_view_put (y, rect.x + lanes->label_x + name_width + 2, room - name_width - 2,
                      entry->headline);
    }
}

//  The parties' names over their lifelines, each centred on its own and
//  cut to the gap between two.
static void
s_draw_parties (wbc_draw_t *draw, const wb_trace_t *trace, const s_lanes_t *lanes,
                wbc_rect_t rect, int y)
{
    wbc_view_use (draw->view, WBC_THEME_HEADER);
    wbc_view_put (y, rect.x, rect.width, "");
    for (size_t lane = 0; lane < lanes->count; lane++) {
        bool last = lane + 1 == lanes->count && wb_trace_party_count (trace) > lanes->count + 0
                  && lanes->count == S_LANES_MAX;
        const char *name = last ? "others" : wb_trace_party (trace, lanes->party [lane]);
        int width = (int) wbc_text_width (name);
        int room = lanes->gap - 1;
        if (width > room)
            width = room;
        int x = lanes->x [lane] - width / 2;
        if (x < 0)
            x = 0;
        wbc_view_put (y, rect.x + x, width, name);
    }
}

//  The title: what the trace is, how much of it shows, and the keys.
static void
s_draw_title (wbc_draw_t *draw, const wbc_trace_view_t *view, wbc_rect_t rect)
{
    size_t total = wbc_model_trace_size (draw->model);
    char shown [64] = "", filter [WBC_TRACE_FILTER_MAX + 16] = "", held [48] = "", title [640];
    if (view->row_count != total)
        snprintf (shown, sizeof (shown), ", %zu shown", view->row_count);
    if (*view->filter_line)
        snprintf (filter, sizeof (filter), "  filter: %s", view->filter_line);
    if (!view->show_chatter)
        snprintf (filter + strlen (filter), sizeof (filter) - strlen (filter), "  no chatter");
    if (wbc_model_paused (draw->model))
        snprintf (held, sizeof (held), "  PAUSED, %zu held", wbc_model_held (draw->model));
    const char *keys = view->focused ? "  j/k move  Enter read  / search  f filter  T back" : "";
    snprintf (title, sizeof (title), " Trace: %s %s server  (%zu messages%s%s)%s%s%s",
              wbc_model_agent (draw->model), wbc_text_symbol (WBC_SYMBOL_EXCHANGE), total,
              shown, !view->focused && view->back ? ", scrolled back" : "", filter, held, keys);
    wbc_view_use (draw->view, view->focused ? WBC_THEME_TITLE_FOCUS : WBC_THEME_TITLE);
    wbc_view_put (rect.y, rect.x, rect.width, title);
}

void
wbc_view_draw_trace (wbc_draw_t *draw)
{
    wbc_trace_view_t *view = wbc_model_trace_view (draw->model);
    wbc_rect_t rect = view->focused ? draw->layout->area : draw->layout->trace;
    if (rect.width <= 2 || rect.height <= 2)
        return;
    if (!view->focused) {
        //  the pane's left border
        wbc_view_use (draw->view, WBC_THEME_BORDER);
        mvvline (rect.y, rect.x, wbc_view_vline (draw->view), rect.height);
        rect.x++, rect.width--;
    }
    const wb_trace_t *trace = wbc_model_trace_log (draw->model);
    wb_trace_filter_t filter = wbc_trace_view_filter (view);
    s_lanes_t lanes;
    s_lanes (trace, &filter, rect.width, &lanes);
    s_draw_title (draw, view, rect);
    s_draw_parties (draw, trace, &lanes, rect, rect.y + 1);
    wbc_rect_t body = { rect.x, rect.y + 2, rect.width, rect.height - 2 };
    wbc_view_use (draw->view, WBC_THEME_DEFAULT);
    wbc_view_clear (body);
    size_t page = (size_t) body.height;
    size_t top = wbc_trace_view_top (view, trace, page);
    long selected = view->focused ? wbc_trace_view_selected_row (view, trace) : -1;
    for (size_t row = top, y = 0; row < view->row_count && y < page; row++, y++) {
        const wb_trace_entry_t *entry = wb_trace_at (trace, view->rows [row]);
        if (entry)
            s_draw_row (draw, entry, &lanes, body, body.y + (int) y, (long) row == selected);
    }
    if (view->row_count == 0) {
        wbc_view_use (draw->view, WBC_THEME_DIM);
        wbc_view_put (body.y, body.x + 1, body.width - 1, wbc_model_trace_size (draw->model)
                      ? "no message matches the filter (F shows them all)" : "no message yet");
    }
}
