/*  wbc_view_overlay: boxes drawn over the panes: help (generated from the
    key table and the command table), details of an interaction, the status
    history, and the workbin picker of a move. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "wbc_view_internal.h"

#define OVERLAY_LINES_MAX 400

typedef struct {
    char text [OVERLAY_LINES_MAX][256];
    bool heading [OVERLAY_LINES_MAX];
    size_t count;
} s_lines_t;

static void
s_add (s_lines_t *lines, bool heading, const char *format, ...) __attribute__ ((format (printf, 3, 4)));

static void
s_add (s_lines_t *lines, bool heading, const char *format, ...)
{
    if (lines->count == OVERLAY_LINES_MAX)
        return;
    va_list args;
    va_start (args, format);
    vsnprintf (lines->text [lines->count], sizeof (lines->text [0]), format, args);
    va_end (args);
    lines->heading [lines->count++] = heading;
}

static void
s_help_line (const char *line, bool heading, void *context)
{
    s_add (context, heading, "%s", line);
}

static void
s_help (wbc_draw_t *draw, s_lines_t *lines)
{
    wbc_keys_help_lines (draw->keys, s_help_line, lines);
    s_add (lines, true, "Commands (type : first)");
    for (size_t index = 0; index < wbc_app_command_count (); index++) {
        const wbc_command_info_t *command = wbc_app_command_at (index);
        char usage [64];
        snprintf (usage, sizeof (usage), "%s %s", command->name, command->arguments);
        s_add (lines, false, "  :%-26s %s", usage, command->help);
    }
}

//  One property per line; nested lists (UserData) indented below.
static void
s_properties (s_lines_t *lines, const wb_kvlist_t *list, int depth)
{
    for (size_t index = 0; index < wb_kvlist_size (list); index++) {
        const char *key = wb_kvlist_key_at (list, index);
        switch (wb_kvlist_type_at (list, index)) {
            case WB_TYPE_STRING:
                s_add (lines, false, "%*s%-22s %s", depth * 2, "", key, wb_kvlist_string_at (list, index));
                break;
            case WB_TYPE_INT:
                s_add (lines, false, "%*s%-22s %" PRId64, depth * 2, "", key, wb_kvlist_int_at (list, index));
                break;
            case WB_TYPE_BINARY:
                s_add (lines, false, "%*s%-22s (binary)", depth * 2, "", key);
                break;
            case WB_TYPE_LIST:
                s_add (lines, true, "%*s%s", depth * 2, "", key);
                s_properties (lines, wb_kvlist_list_at (list, index), depth + 1);
                break;
        }
    }
}

static void
s_messages (wbc_draw_t *draw, s_lines_t *lines)
{
    static const char *levels [] = { "info ", "ack  ", "ERROR" };
    size_t size = wbc_model_history_size (draw->model);
    for (size_t index = size; index > 0; index--) {      //  newest first
        const wbc_status_t *status = wbc_model_history_at (draw->model, index - 1);
        time_t seconds = (time_t) (status->time_ms / 1000);
        struct tm local;
        localtime_r (&seconds, &local);
        char clock [16];
        strftime (clock, sizeof (clock), "%H:%M:%S", &local);
        s_add (lines, status->level == WBC_LEVEL_ERROR, "%s %s %s", clock, levels [status->level], status->text);
    }
    if (size == 0)
        s_add (lines, false, "(no message yet)");
}

static void
s_picker (wbc_draw_t *draw, s_lines_t *lines)
{
    for (size_t index = 0; index < wbc_model_sidebar_size (draw->model); index++) {
        const wbc_sidebar_entry_t *entry = wbc_model_sidebar_at (draw->model, index);
        s_add (lines, index == draw->ui->picker_selected, "%s %s@%s  (%s, %s)",
               index == draw->ui->picker_selected ? ">" : " ", entry->type_id, entry->owner_id,
               entry->type_name, entry->owner_name);
    }
}

//  Fill the lines and the title of the open overlay; false if none.
static bool
s_content (wbc_draw_t *draw, s_lines_t *lines, char *title, size_t size)
{
    switch (draw->ui->overlay) {
        case WBC_OVERLAY_HELP:
            snprintf (title, size, " Help: keys and commands (j/k scroll, any other key closes) ");
            s_help (draw, lines);
            return true;
        case WBC_OVERLAY_DETAILS:
            snprintf (title, size, " Interaction %s ", draw->ui->subject_id [0] ? draw->ui->subject_id : "");
            s_properties (lines, wbc_model_selected_interaction (draw->model), 0);
            return true;
        case WBC_OVERLAY_MESSAGES:
            snprintf (title, size, " Messages, newest first ");
            s_messages (draw, lines);
            return true;
        case WBC_OVERLAY_PICKER:
            snprintf (title, size, " Move %s to which workbin? (j/k, Enter, Esc) ", draw->ui->subject_id);
            s_picker (draw, lines);
            return true;
        default:
            return false;
    }
}

void
wbc_view_draw_overlay (wbc_draw_t *draw)
{
    static s_lines_t lines;
    lines.count = 0;
    char title [256];
    if (!s_content (draw, &lines, title, sizeof (title)))
        return;
    int width = COLS - 8 > 100 ? 100 : COLS - 8;
    int height = LINES - 6;
    wbc_rect_t box = { (COLS - width) / 2, 2, width, height };
    wbc_view_use (draw->view, WBC_THEME_HELP);
    wbc_view_clear (box);
    wbc_view_use (draw->view, WBC_THEME_BORDER);
    mvhline (box.y, box.x, wbc_view_hline (draw->view), box.width);
    mvhline (box.y + box.height - 1, box.x, wbc_view_hline (draw->view), box.width);
    wbc_view_use (draw->view, WBC_THEME_TITLE_FOCUS);
    wbc_view_put (box.y, box.x + 2, (int) strlen (title) < box.width - 4 ? (int) strlen (title) : box.width - 4, title);
    size_t rows = (size_t) box.height - 2;
    size_t scroll = draw->ui->overlay_scroll;
    if (draw->ui->overlay == WBC_OVERLAY_PICKER && draw->ui->picker_selected >= rows)
        scroll = draw->ui->picker_selected - rows + 1;
    if (scroll + rows > lines.count)
        scroll = lines.count > rows ? lines.count - rows : 0;
    draw->ui->overlay_scroll = scroll;
    for (size_t row = 0; row < rows && scroll + row < lines.count; row++) {
        wbc_view_use (draw->view, lines.heading [scroll + row] ? WBC_THEME_HEADER : WBC_THEME_HELP);
        wbc_view_put (box.y + 1 + (int) row, box.x + 2, box.width - 4, lines.text [scroll + row]);
    }
}
