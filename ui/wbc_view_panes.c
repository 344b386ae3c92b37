/*  wbc_view_panes: the sidebar, the workbin panes and the board.
    Only visible rows are drawn. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "wbc_view_internal.h"
#include "wb_protocol.h"
#include "wbc_columns.h"
#include "wbc_text.h"
#include "wbc_board.h"

//  What a pane's rows are, after its count: "  3 new", "  sorted by Age ↓",
//  "  filter: sales From:anna" (only what applies).
static void
s_rows_title (const wbc_pane_t *pane, char *out, size_t size)
{
    out [0] = 0;
    if (pane->mark_count)
        snprintf (out, size, "  %zu marked", pane->mark_count);
    if (pane->unseen)
        snprintf (out + strlen (out), size - strlen (out), "  %zu new", pane->unseen);
    const char *sort = wbc_rows_sort (pane->rows);
    if (*sort)
        snprintf (out + strlen (out), size - strlen (out), "  sorted by %s %s", sort,
                  wbc_text_symbol (wbc_rows_descending (pane->rows) ? WBC_SYMBOL_ARROW_DOWN
                                                                    : WBC_SYMBOL_ARROW_UP));
    const char *filter = wbc_rows_filter (pane->rows);
    if (*filter)
        snprintf (out + strlen (out), size - strlen (out), "  filter: %s", filter);
}

//  "email-draft@agent01  12 items  ● live  fetched 5s  Email drafts (Alice Martin)"
static void
s_pane_title (wbc_draw_t *draw, wbc_pane_t *pane, char *out, size_t size)
{
    char age [WBC_TEXT_AGE_SIZE] = "never";
    if (pane->fetched_at_ms)
        wbc_text_age ((time_t) (pane->fetched_at_ms / 1000), (time_t) (draw->wall_ms / 1000), age, sizeof (age));
    char progress [64] = "";
    if (pane->loading)
        snprintf (progress, sizeof (progress), "  loading %" PRId64 "/%" PRId64 "%s", pane->loaded,
                  pane->total, wbc_text_symbol (WBC_SYMBOL_ELLIPSIS));
    //  the age keeps one width, so the title does not shift as it grows
    char fixed_age [16];
    wbc_text_fit (age, 5, fixed_age, sizeof (fixed_age));
    size_t items = wb_replica_size (pane->replica), shown = wbc_model_pane_rows (pane);
    char count [64 + WBC_ROWS_FILTER_MAX];
    if (pane->in_hand && !pane->loading && pane->total > (int64_t) items)
        snprintf (count, sizeof (count), "%zu of %" PRId64 " items", items, pane->total);
    else
    if (shown < items)
        snprintf (count, sizeof (count), "%zu of %zu items", shown, items);
    else
        snprintf (count, sizeof (count), "%zu item%s", items, items == 1 ? "" : "s");
    //  what the rows are (new, sorted, filtered) after the count and the
    //  live mark, which a narrow title must keep
    char rows [64 + WBC_ROWS_FILTER_MAX];
    s_rows_title (pane, rows, sizeof (rows));
    if (pane->in_hand) {
        //  "in hand  2 items  fetched 5s  interactions you pulled (agent01)"
        snprintf (out, size, " in hand  %s%s  fetched %s%s  %s (%s)", count, rows, fixed_age,
                  progress, pane->title, pane->owner_name);
        return;
    }
    snprintf (out, size, " %s@%s  %s  %s %s%s  fetched %s%s  %s (%s)", pane->type_id,
              pane->owner_id, count,
              wbc_text_symbol (pane->live ? WBC_SYMBOL_LIVE : WBC_SYMBOL_NOT_LIVE),
              pane->live ? "live" : "not live", rows, fixed_age, progress, pane->title,
              pane->owner_name);
}

//  One row of a pane: the interaction's cells, in the selection's or a
//  highlight's colours.
static void
s_draw_row (wbc_draw_t *draw, wbc_pane_t *pane, const wbc_columns_plan_t *plan,
            wbc_rect_t rect, int y, size_t row, bool focused)
{
    const wb_kvlist_t *interaction = wbc_rows_at (pane->rows, pane->replica, row);
    const char *id = wb_kvlist_string (interaction, WB_ATTR_INTERACTION_ID);
    wbc_theme_element_t element = WBC_THEME_DEFAULT;
    if (row == pane->selected)
        element = focused ? WBC_THEME_SELECTION : WBC_THEME_SELECTION_UNFOCUSED;
    else
    if (id && wbc_model_is_highlighted (pane, id, draw->now_ms))
        element = WBC_THEME_ROW_NEW;
    wbc_view_use (draw->view, element);
    mvhline (y, rect.x, ' ', rect.width);
    //  a marked row says so in the margin before its first cell
    if (id && wbc_model_is_marked (pane, id))
        wbc_view_put (y, rect.x, 1, wbc_text_symbol (WBC_SYMBOL_MARK));
    //  an interaction whose bytes fail their check says so across the row
    char unreadable [256];
    if (wbc_rows_unreadable (pane->rows, pane->replica, row, unreadable, sizeof (unreadable))) {
        wbc_view_put (y, rect.x + 1, rect.width - 1, unreadable);
        return;
    }
    for (size_t index = 0; index < plan->count; index++) {
        char cell [1024];
        wbc_columns_cell (plan, index, interaction, draw->wall_ms, cell, sizeof (cell));
        wbc_view_put (y, rect.x + 1 + plan->x [index], plan->width [index], cell);
    }
}

//  The header line: each column's title.
static void
s_draw_header (wbc_draw_t *draw, const wbc_columns_plan_t *plan, wbc_rect_t rect)
{
    wbc_view_use (draw->view, WBC_THEME_HEADER);
    mvhline (rect.y + 1, rect.x, ' ', rect.width);
    for (size_t index = 0; index < plan->count; index++) {
        char title [256];
        wbc_columns_header (plan, index, title, sizeof (title));
        wbc_view_put (rect.y + 1, rect.x + 1 + plan->x [index], plan->width [index], title);
    }
}

void
wbc_view_draw_pane (wbc_draw_t *draw, size_t index)
{
    if ((int) index >= draw->layout->pane_count || !draw->layout->visible [index])
        return;
    wbc_rect_t rect = draw->layout->panes [index];
    wbc_pane_t *pane = wbc_model_pane (draw->model, index);
    bool focused = index == wbc_model_focus (draw->model) && !wbc_model_sidebar_focused (draw->model);
    char title [1200];
    s_pane_title (draw, pane, title, sizeof (title));
    wbc_view_use (draw->view, focused ? WBC_THEME_TITLE_FOCUS : WBC_THEME_TITLE);
    //  a pane but the last ends in a separator: the title stops before it,
    //  so that its ellipsis shows when it is cut
    bool separated = rect.x + rect.width < draw->layout->area.x + draw->layout->area.width;
    wbc_view_put (rect.y, rect.x, rect.width - (separated ? 1 : 0), title);
    wbc_columns_plan_t plan;
    wbc_columns_plan (pane->columns, rect.width - 1, &plan);
    s_draw_header (draw, &plan, rect);
    size_t rows = wbc_layout_pane_rows (draw->layout, (int) index);
    size_t size = wbc_model_pane_rows (pane);
    wbc_rect_t body = { rect.x, rect.y + 2, rect.width, (int) rows };
    wbc_view_use (draw->view, WBC_THEME_DEFAULT);
    wbc_view_clear (body);
    for (size_t line = 0; line < rows && pane->top + line < size; line++)
        s_draw_row (draw, pane, &plan, rect, body.y + (int) line, pane->top + line, focused);
    if (size == 0) {
        wbc_view_use (draw->view, WBC_THEME_DIM);
        char loading [16];
        snprintf (loading, sizeof (loading), "loading%s", wbc_text_symbol (WBC_SYMBOL_ELLIPSIS));
        const char *empty = wb_replica_size (pane->replica) ? "(none match the filter: F clears it)"
                                                            : "(empty)";
        wbc_view_put (body.y, rect.x + 1, rect.width - 1, pane->loading ? loading : empty);
    }
    //  a separator on the right edge of every pane but the last
    wbc_view_use (draw->view, WBC_THEME_BORDER);
    if (separated)
        mvvline (rect.y, rect.x + rect.width - 1, wbc_view_vline (draw->view), rect.height);
}

void
wbc_view_draw_hint (wbc_draw_t *draw)
{
    wbc_rect_t rect = draw->layout->hint;
    if (rect.width <= 0)
        return;
    wbc_view_use (draw->view, WBC_THEME_DEFAULT);
    wbc_view_clear (rect);
    wbc_view_use (draw->view, WBC_THEME_DIM);
    //  before the session is open, what is under way, not what to do
    wbc_connection_t connection = wbc_model_connection (draw->model);
    const char *waiting = wbc_model_waiting (draw->model);
    char first [WBC_TEXT_MAX * 2], second [WBC_TEXT_MAX * 2];
    snprintf (first, sizeof (first), "%s %s as %s%s",
              connection == WBC_RECONNECTING ? "Connecting again to" : "Connecting to",
              wbc_view_node (draw), wbc_model_agent (draw->model),
              wbc_text_symbol (WBC_SYMBOL_ELLIPSIS));
    snprintf (second, sizeof (second), "Opening once connected: %s.", waiting);
    const char *lines [3] = {
        "No workbin open.",
        "Pick one in the sidebar (s to focus it, j/k to move, Enter or o to open),",
        "or type :open TYPE[@OWNER].  ? lists every key.",
    };
    if (connection == WBC_CONNECTING || connection == WBC_RECONNECTING) {
        lines [0] = first;
        lines [1] = *waiting ? second : "";
        lines [2] = "";
    }
    else
    if (connection == WBC_OFFLINE) {
        lines [0] = "Not connected: the server refused the session (the status line says why).";
        lines [1] = "Q quits.";
        lines [2] = "";
    }
    for (int line = 0; line < 3 && line < rect.height; line++)
        wbc_view_put (rect.y + 1 + line, rect.x + 2, rect.width - 2, lines [line]);
}

void
wbc_view_draw_sidebar (wbc_draw_t *draw)
{
    wbc_rect_t rect = draw->layout->sidebar;
    if (rect.width <= 0)
        return;
    bool focused = wbc_model_sidebar_focused (draw->model);
    wbc_view_use (draw->view, focused ? WBC_THEME_TITLE_FOCUS : WBC_THEME_TITLE);
    wbc_view_put (rect.y, rect.x, rect.width - 1, " Workbins");
    wbc_view_use (draw->view, WBC_THEME_SIDEBAR);
    wbc_rect_t body = { rect.x, rect.y + 1, rect.width - 1, rect.height - 1 };
    wbc_view_clear (body);
    //  lines: each type's name, then its owners; the selection in view
    size_t lines = wbc_model_sidebar_lines (draw->model);
    size_t selected = wbc_model_sidebar_selected (draw->model);
    size_t selected_line = wbc_model_sidebar_line_of (draw->model, selected);
    size_t top = wbc_layout_sidebar_top (selected_line, (size_t) body.height);
    for (size_t line = 0; line < (size_t) body.height && top + line < lines; line++) {
        long index = wbc_model_sidebar_entry_at_line (draw->model, top + line);
        int y = body.y + (int) line;
        if (index < 0) {
            long next = wbc_model_sidebar_entry_at_line (draw->model, top + line + 1);
            const wbc_sidebar_entry_t *first = next >= 0 ? wbc_model_sidebar_at (draw->model, (size_t) next) : NULL;
            wbc_view_use (draw->view, WBC_THEME_HEADER);
            wbc_view_put (y, body.x, body.width, first ? first->type_name : "");
            continue;
        }
        const wbc_sidebar_entry_t *entry = wbc_model_sidebar_at (draw->model, (size_t) index);
        int pane_index = wbc_model_find_pane (draw->model, entry->type_id, entry->owner_id);
        bool open = pane_index >= 0;
        //  an open pane knows the count better than the sidebar's snapshot
        int64_t items = open ? (int64_t) wb_replica_size (wbc_model_pane (draw->model, (size_t) pane_index)->replica)
                             : entry->count;
        char text [WBC_TEXT_MAX * 2];
        snprintf (text, sizeof (text), "%c %s", open ? '*' : ' ', entry->label);
        char count [24];
        snprintf (count, sizeof (count), " %" PRId64 " ", items);
        int count_width = (int) strlen (count);
        wbc_view_use (draw->view, (size_t) index == selected && focused ? WBC_THEME_SIDEBAR_SELECTION
                                                                        : WBC_THEME_SIDEBAR);
        wbc_view_put (y, body.x, body.width - count_width, text);
        wbc_view_put (y, body.x + body.width - count_width, count_width, count);
    }
    wbc_view_use (draw->view, WBC_THEME_BORDER);
    mvvline (rect.y, rect.x + rect.width - 1, wbc_view_vline (draw->view), rect.height);
}

// ---------------------------------------------------------------- the board

//  One cell: the count and the age of the oldest ("  12 3h"), in the
//  colour of its age.
static void
s_board_cell (wbc_draw_t *draw, int y, int x, int width, int64_t count, int64_t oldest_s,
              bool selected)
{
    char age [WBC_TEXT_AGE_SIZE] = "", text [64];
    if (count && oldest_s)
        wbc_text_age ((time_t) oldest_s, (time_t) (draw->wall_ms / 1000), age, sizeof (age));
    snprintf (text, sizeof (text), "%*" PRId64 " %-4s", width > 6 ? width - 5 : 1, count, age);
    static const wbc_theme_element_t ages [] = {
        [WBC_BOARD_AGE_OK] = WBC_THEME_DEFAULT, [WBC_BOARD_AGE_WARN] = WBC_THEME_BOARD_WARN,
        [WBC_BOARD_AGE_ALERT] = WBC_THEME_BOARD_ALERT,
    };
    wbc_board_age_t level = wbc_board_age (count ? oldest_s : 0, draw->wall_ms / 1000,
                                           draw->ui->board_warn_s, draw->ui->board_alert_s);
    wbc_view_use (draw->view, selected ? WBC_THEME_SELECTION : ages [level]);
    wbc_view_put (y, x, width, text);
}

//  One line of the board: a name, its cells (-1 entries: no such
//  workbin), its total.
static void
s_board_line (wbc_draw_t *draw, int y, const wbc_board_geometry_t *geometry, const char *name,
              const int64_t *counts, const int64_t *oldest, const bool *present, size_t columns,
              int64_t total, int64_t total_oldest, long selected_column)
{
    wbc_rect_t area = draw->layout->area;
    wbc_view_use (draw->view, WBC_THEME_DEFAULT);
    mvhline (y, area.x, ' ', area.width);
    wbc_view_put (y, area.x + 1, geometry->name_width - 1, name);
    int x = area.x + geometry->name_width + 1;
    for (size_t column = 0; column < columns; column++, x += geometry->cell_width + 1) {
        if (x + geometry->cell_width > area.x + area.width)
            return;
        if (present [column])
            s_board_cell (draw, y, x, geometry->cell_width, counts [column], oldest [column],
                          (long) column == selected_column);
        else {
            wbc_view_use (draw->view, WBC_THEME_DIM);
            wbc_view_put (y, x + geometry->cell_width - 2, 1, "-");
        }
    }
    if (x + geometry->total_width <= area.x + area.width)
        s_board_cell (draw, y, x, geometry->total_width, total, total_oldest, false);
}

void
wbc_view_draw_board (wbc_draw_t *draw)
{
    const wbc_board_t *board = draw->ui->board_table;
    wbc_rect_t area = draw->layout->area;
    if (!board || area.width <= 0 || area.height < 4)
        return;
    wbc_view_use (draw->view, WBC_THEME_DEFAULT);
    wbc_view_clear (area);
    char title [WBC_TEXT_MAX], oldest [WBC_TEXT_AGE_SIZE] = "-";
    if (board->oldest_s)
        wbc_text_age ((time_t) board->oldest_s, (time_t) (draw->wall_ms / 1000), oldest, sizeof (oldest));
    snprintf (title, sizeof (title), " Board: %zu owners, %zu types, %" PRId64 " interactions, "
              "oldest %s  rows by %s (> <)  Enter opens, b back to the panes", board->row_count,
              board->type_count, board->total, oldest, wbc_board_sort_name (draw->ui->board_sort));
    wbc_view_use (draw->view, WBC_THEME_TITLE_FOCUS);
    wbc_view_put (area.y, area.x, area.width, title);
    wbc_board_geometry_t geometry = wbc_board_geometry (board, area.width);
    wbc_view_use (draw->view, WBC_THEME_HEADER);
    mvhline (area.y + 1, area.x, ' ', area.width);
    wbc_view_put (area.y + 1, area.x + 1, geometry.name_width - 1, "Owner");
    int x = area.x + geometry.name_width + 1;
    for (size_t column = 0; column < board->type_count; column++, x += geometry.cell_width + 1)
        if (x + geometry.cell_width <= area.x + area.width)
            wbc_view_put (area.y + 1, x, geometry.cell_width, board->type_ids [column]);
    if (x + geometry.total_width <= area.x + area.width)
        wbc_view_put (area.y + 1, x, geometry.total_width, "Total");
    //  the rows, then the totals on the last line
    int rows = area.height - 3;
    bool present [WBC_BOARD_TYPES_MAX];
    int64_t counts [WBC_BOARD_TYPES_MAX], ages [WBC_BOARD_TYPES_MAX];
    for (int line = 0; line < rows && draw->ui->board_top + (size_t) line < board->row_count; line++) {
        size_t index = draw->ui->board_top + (size_t) line;
        const wbc_board_row_t *row = &board->rows [index];
        for (size_t column = 0; column < board->type_count; column++) {
            const wbc_sidebar_entry_t *entry = row->cells [column] >= 0
                ? wbc_model_sidebar_at (draw->model, (size_t) row->cells [column]) : NULL;
            present [column] = entry != NULL;
            counts [column] = entry ? entry->count : 0;
            ages [column] = entry ? entry->oldest_s : 0;
        }
        s_board_line (draw, area.y + 2 + line, &geometry, row->owner_name, counts, ages, present,
                      board->type_count, row->total, row->oldest_s,
                      index == draw->ui->board_row ? (long) draw->ui->board_column : -1);
    }
    for (size_t column = 0; column < board->type_count; column++)
        present [column] = true;
    s_board_line (draw, area.y + area.height - 1, &geometry, "Total", board->type_totals,
                  board->type_oldest_s, present, board->type_count, board->total,
                  board->oldest_s, -1);
}
