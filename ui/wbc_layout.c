/*  wbc_layout: the screen arithmetic of the console. See wbc_layout.h. */
#include <string.h>
#include "wbc_layout.h"

/* Lines under the panes: the prompt line, then the status line. */
#define FOOTER_LINES 2

_Static_assert (WBC_LAYOUT_MIN_SIDEBAR_WIDTH + WBC_LAYOUT_MIN_TRACE_WIDTH
                + WBC_LAYOUT_MIN_PANE_WIDTH <= WBC_LAYOUT_MIN_COLUMNS,
                "the smallest screen must hold sidebar, trace and a pane");
_Static_assert (WBC_LAYOUT_MIN_LINES > FOOTER_LINES, "panes need a line");

//  Value held between low and high (high wins if they cross).
static int
s_clamp (int value, int low, int high)
{
    if (value < low)
        value = low;
    return value > high ? high : value;
}

//  A rectangle, in one expression.
static wbc_rect_t
s_rect (int x, int y, int width, int height)
{
    wbc_rect_t rect = { x, y, width, height };
    return rect;
}

//  Width of the sidebar: as asked, within its minimum and what leaves room
//  for the trace's minimum and one pane. 0 when not shown.
static int
s_sidebar_width (const wbc_layout_input_t *input)
{
    if (!input->sidebar)
        return 0;
    int asked = input->sidebar_width > 0 ? input->sidebar_width : WBC_LAYOUT_SIDEBAR_WIDTH;
    int others = WBC_LAYOUT_MIN_PANE_WIDTH + (input->trace ? WBC_LAYOUT_MIN_TRACE_WIDTH : 0);
    return s_clamp (asked, WBC_LAYOUT_MIN_SIDEBAR_WIDTH, input->columns - others);
}

//  Width of the trace pane: its share of the columns, within its minimum
//  and what the sidebar and one pane leave. 0 when not shown.
static int
s_trace_width (const wbc_layout_input_t *input, int sidebar_width)
{
    if (!input->trace)
        return 0;
    int percent = input->trace_percent > 0 ? input->trace_percent : WBC_LAYOUT_TRACE_PERCENT;
    percent = s_clamp (percent, 1, 100);
    int asked = (int) ((long long) input->columns * percent / 100);
    int room = input->columns - sidebar_width - WBC_LAYOUT_MIN_PANE_WIDTH;
    return s_clamp (asked, WBC_LAYOUT_MIN_TRACE_WIDTH, room);
}

//  Place what does not depend on the panes: sidebar, area, trace, and the
//  two footer lines across the whole screen.
static void
s_place_frame (const wbc_layout_input_t *input, wbc_layout_t *out)
{
    int height = input->lines - FOOTER_LINES;
    int sidebar_width = s_sidebar_width (input);
    int trace_width = s_trace_width (input, sidebar_width);
    int area_width = input->columns - sidebar_width - trace_width;
    if (sidebar_width > 0)
        out->sidebar = s_rect (0, 0, sidebar_width, height);
    out->area = s_rect (sidebar_width, 0, area_width, height);
    if (trace_width > 0)
        out->trace = s_rect (sidebar_width + area_width, 0, trace_width, height);
    out->prompt = s_rect (0, input->lines - 2, input->columns, 1);
    out->status = s_rect (0, input->lines - 1, input->columns, 1);
    int overlay_width = input->wide_overlay ? input->columns - 4
                      : input->columns - 8 > WBC_LAYOUT_OVERLAY_WIDTH
                      ? WBC_LAYOUT_OVERLAY_WIDTH : input->columns - 8;
    out->overlay = s_rect ((input->columns - overlay_width) / 2, 2, overlay_width, input->lines - 6);
}

//  The window of adjacent panes to show: all that fit at the minimum
//  width, starting where it did last time, moved just enough to hold the
//  focus. A maximised pane is shown alone.
static void
s_choose_window (const wbc_layout_input_t *input, int area_width, int *first, int *count)
{
    int panes = input->pane_count;
    if (input->maximised >= 0 && input->maximised < panes) {
        *first = input->maximised;
        *count = 1;
        return;
    }
    int fit = area_width / WBC_LAYOUT_MIN_PANE_WIDTH;
    *count = s_clamp (fit, 1, panes);
    int focus = input->focus >= 0 && input->focus < panes ? input->focus : 0;
    int start = s_clamp (input->first_pane, 0, panes - *count);
    if (focus < start)
        start = focus;
    else
    if (focus >= start + *count)
        start = focus - *count + 1;
    *first = start;
}

//  Share the area among the visible panes, evenly, side by side: the
//  leftover columns go to the leftmost panes, one each.
static void
s_place_panes (wbc_layout_t *out, int first, int count)
{
    int share = out->area.width / count;
    int leftover = out->area.width % count;
    int x = out->area.x;
    for (int index = 0; index < count; index++) {
        int width = share + (index < leftover ? 1 : 0);
        out->panes [first + index] = s_rect (x, out->area.y, width, out->area.height);
        out->visible [first + index] = true;
        x += width;
    }
    out->first_visible = first;
    out->visible_count = count;
}

//  Compute the whole layout: frame first, then the window of panes.
int
wbc_layout_compute (const wbc_layout_input_t *input, wbc_layout_t *out)
{
    if (!out)
        return -1;
    memset (out, 0, sizeof (*out));
    if (!input || input->pane_count < 0 || input->pane_count > WBC_LAYOUT_MAX_PANES) {
        out->too_small = true;
        return -1;
    }
    out->columns = input->columns;
    out->lines = input->lines;
    out->pane_count = input->pane_count;
    if (input->columns < WBC_LAYOUT_MIN_COLUMNS || input->lines < WBC_LAYOUT_MIN_LINES) {
        out->too_small = true;
        return 0;
    }
    s_place_frame (input, out);
    if (input->pane_count == 0) {
        out->hint = out->area;
        return 0;
    }
    int first, count;
    s_choose_window (input, out->area.width, &first, &count);
    s_place_panes (out, first, count);
    return 0;
}

//  Rows of a visible pane: all but its title and header lines.
size_t
wbc_layout_pane_rows (const wbc_layout_t *layout, int index)
{
    if (!layout || layout->too_small || index < 0 || index >= layout->pane_count
    ||  !layout->visible [index])
        return 1;
    int height = layout->panes [index].height;
    return height > 2 ? (size_t) (height - 2) : 1;
}

//  Lines inside the overlay box, between its borders.
size_t
wbc_layout_overlay_rows (const wbc_layout_t *layout)
{
    if (!layout || layout->too_small || layout->overlay.height < 2)
        return 0;
    return (size_t) layout->overlay.height - 2;
}

size_t
wbc_layout_overlay_columns (const wbc_layout_t *layout)
{
    if (!layout || layout->too_small || layout->overlay.width < 5)
        return 0;
    return (size_t) layout->overlay.width - 4;
}

size_t
wbc_layout_sidebar_top (size_t selected_line, size_t height)
{
    return height && selected_line >= height ? selected_line - height + 1 : 0;
}
