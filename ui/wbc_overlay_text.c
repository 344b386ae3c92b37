/*  wbc_overlay_text: the text of help, details, messages and the picker.
    See wbc_overlay_text.h. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "wbc_overlay_text.h"
#include "wbc_text.h"
#include "wb_prelude.h"

#define PICKER_SUBJECT_COLUMNS 40      /* the most of a subject a picker's title shows, */
#define PICKER_SUBJECT_SIZE 192        /* in at most this many bytes (4 per column, and "…") */
#define PICKER_ABOUT_SIZE (PICKER_SUBJECT_SIZE + 8)

static void
s_add (wbc_overlay_text_t *lines, bool heading, const char *format, ...) WB_PRINTF (3, 4);

//  Append one line (cut at WBC_OVERLAY_LINE_SIZE); none past the last.
static void
s_add (wbc_overlay_text_t *lines, bool heading, const char *format, ...)
{
    if (lines->count == WBC_OVERLAY_LINES_MAX)
        return;
    if (lines->count == WBC_OVERLAY_LINES_MAX - 1) {
        snprintf (lines->text [lines->count], sizeof (lines->text [0]),
                  "(more lines than the %d shown)", WBC_OVERLAY_LINES_MAX - 1);
        lines->heading [lines->count++] = true;
        return;
    }
    va_list args;
    va_start (args, format);
    vsnprintf (lines->text [lines->count], sizeof (lines->text [0]), format, args);
    va_end (args);
    lines->heading [lines->count++] = heading;
}

//  One property "KEY  value", the value wrapped under itself when it is
//  longer than a line (at lines->wrap columns; not at all if 0).
static void
s_add_value (wbc_overlay_text_t *lines, int depth, const char *key, const char *value)
{
    size_t indent = (size_t) depth * 2 + 23;        //  "  " per level, the key, a space
    size_t room = lines->wrap > indent + 10 ? lines->wrap - indent : 0;
    size_t first = room ? wbc_text_wrap_length (value, room) : strlen (value);
    s_add (lines, false, "%*s%-22s %.*s", depth * 2, "", key, (int) first, value);
    for (value += first; *value && lines->count < WBC_OVERLAY_LINES_MAX; value += first) {
        first = wbc_text_wrap_length (value, room);
        s_add (lines, false, "%*s%.*s", (int) indent, "", (int) first, value);
    }
}

//  A line of the key table's help.
static void
s_help_line (const char *line, bool heading, void *context)
{
    s_add (context, heading, "%s", line);
}

//  Every key by group, then every ':' command.
static void
s_help (wbc_overlay_text_t *lines, const wbc_keys_t *keys)
{
    wbc_keys_help_lines (keys, s_help_line, lines);
    s_add (lines, true, "Commands (type : first)");
    for (size_t index = 0; index < wbc_app_command_count (); index++) {
        const wbc_command_info_t *command = wbc_app_command_at (index);
        char usage [64];
        snprintf (usage, sizeof (usage), "%s %s", command->name, command->arguments);
        s_add (lines, false, "  :%-26s %s", usage, command->help);
    }
}

//  A list entry received that cannot be read (its keys or UTF-8 failed
//  the check of its first read): one line naming why; true if so.
static bool
s_unreadable (wbc_overlay_text_t *lines, const wb_kvlist_t *list, size_t index, int depth)
{
    wb_codec_status_t status = wb_kvlist_status_at (list, index);
    if (status == WB_CODEC_OK)
        return false;
    s_add (lines, false, "%*s%-22s (cannot be read: %s)", depth * 2, "",
           wb_kvlist_key_at (list, index), wb_codec_status_text (status));
    return true;
}

//  One property per line; nested lists (UserData) indented below.
static void
s_properties (wbc_overlay_text_t *lines, const wb_kvlist_t *list, int depth)
{
    for (size_t index = 0; index < wb_kvlist_size (list); index++) {
        const char *key = wb_kvlist_key_at (list, index);
        switch (wb_kvlist_type_at (list, index)) {
            case WB_TYPE_STRING:
                s_add_value (lines, depth, key, wb_kvlist_string_at (list, index));
                break;
            case WB_TYPE_INT:
                s_add (lines, false, "%*s%-22s %" PRId64, depth * 2, "", key, wb_kvlist_int_at (list, index));
                break;
            case WB_TYPE_BINARY:
                s_add (lines, false, "%*s%-22s (binary)", depth * 2, "", key);
                break;
            case WB_TYPE_LIST:
                if (s_unreadable (lines, list, index, depth))
                    break;
                s_add (lines, true, "%*s%s", depth * 2, "", key);
                s_properties (lines, wb_kvlist_list_at (list, index), depth + 1);
                break;
        }
    }
}

//  A traced message whole: where it went, then every attribute, codes
//  followed by their names.
static void
s_message (wbc_overlay_text_t *lines, const wbc_model_t *model, const wb_trace_entry_t *entry,
           int depth, const wb_kvlist_t *list)
{
    if (depth == 0) {
        const wb_trace_t *trace = wbc_model_trace_log (model);
        static const char *kinds [] = { "request", "reply", "event", "cause", "mark" };
        s_add (lines, false, "%-22s %s, %s %s %s", "Sent as", kinds [entry->kind],
               wb_trace_party (trace, entry->from), wbc_text_symbol (WBC_SYMBOL_ARROW_RIGHT),
               wb_trace_party (trace, entry->to));
        if (entry->reference_id)
            s_add (lines, false, "%-22s %" PRId64, "ReferenceId", entry->reference_id);
        if (*entry->workbin)
            s_add_value (lines, 0, "Workbin", entry->workbin);
        if (*entry->headline)
            s_add_value (lines, 0, "In short", entry->headline);
        if (!list) {
            s_add (lines, false, entry->kind == WB_TRACE_CAUSE
                   ? "(what the Actor of the change below did: its attributes are the change's)"
                   : "(no attributes kept: the trace keeps the newest messages' whole)");
            return;
        }
        s_add (lines, true, "Attributes");
    }
    for (size_t index = 0; index < wb_kvlist_size (list); index++) {
        const char *key = wb_kvlist_key_at (list, index);
        int64_t value = 0;
        const char *name = NULL;
        size_t bytes = 0;
        switch (wb_kvlist_type_at (list, index)) {
            case WB_TYPE_STRING:
                s_add_value (lines, depth, key, wb_kvlist_string_at (list, index));
                break;
            case WB_TYPE_INT:
                value = wb_kvlist_int_at (list, index);
                name = wb_trace_code_name (key, value);
                s_add (lines, false, "%*s%-22s %" PRId64 "%s%s%s", depth * 2, "", key, value,
                       name ? " (" : "", name ? name : "", name ? ")" : "");
                break;
            case WB_TYPE_BINARY:
                wb_kvlist_binary_at (list, index, &bytes);
                s_add (lines, false, "%*s%-22s (binary, %zu bytes)", depth * 2, "", key, bytes);
                break;
            case WB_TYPE_LIST:
                if (s_unreadable (lines, list, index, depth))
                    break;
                s_add (lines, true, "%*s%s", depth * 2, "", key);
                s_message (lines, model, entry, depth + 1, wb_kvlist_list_at (list, index));
                break;
        }
    }
}

//  The status history, newest first, errors as headings.
static void
s_messages (wbc_overlay_text_t *lines, const wbc_model_t *model)
{
    static const char *levels [] = { "info ", "ack  ", "ERROR" };
    size_t size = wbc_model_history_size (model);
    for (size_t index = size; index > 0; index--) {      //  newest first
        const wbc_status_t *status = wbc_model_history_at (model, index - 1);
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

//  What a picker is about: the subject in quotes, cut to columns, or
//  "interaction ID" when there is no subject.
static void
s_about (const wbc_ui_t *ui, size_t columns, char *out, size_t size)
{
    char subject [PICKER_SUBJECT_SIZE];
    if (ui->marked)
        snprintf (out, size, "%zu marked interaction%s", ui->marked, ui->marked == 1 ? "" : "s");
    else
    if (!*ui->subject_text || wbc_text_clip (ui->subject_text, columns, subject, sizeof (subject)))
        snprintf (out, size, "interaction %s", ui->subject_id);
    else
        snprintf (out, size, "\"%s\"", subject);
}

//  Every workbin of the sidebar, the chosen one (if any) marked.
static void
s_picker (wbc_overlay_text_t *lines, const wbc_model_t *model, const wbc_ui_t *ui)
{
    for (size_t index = 0; index < wbc_model_sidebar_size (model); index++) {
        const wbc_sidebar_entry_t *entry = wbc_model_sidebar_at (model, index);
        s_add (lines, index == ui->picker_selected, "%s %s@%s  (%s, %s)",
               index == ui->picker_selected ? ">" : " ", entry->type_id, entry->owner_id,
               entry->type_name, entry->owner_name);
    }
}

int
wbc_overlay_text_build (wbc_overlay_text_t *out, wbc_model_t *model, const wbc_ui_t *ui,
                        const wbc_keys_t *keys)
{
    if (!out)
        return -1;
    out->count = 0;
    out->title [0] = 0;
    if (!model || !ui)
        return -1;
    size_t size = sizeof (out->title);
    char about [PICKER_ABOUT_SIZE];
    switch (ui->overlay) {
        case WBC_OVERLAY_HELP:
            snprintf (out->title, size, " Help: keys and commands (j/k scroll, any other key closes) ");
            s_help (out, keys);
            return 0;
        case WBC_OVERLAY_DETAILS:
            snprintf (out->title, size, " Interaction %s ", ui->subject_id);
            s_properties (out, wbc_model_selected_interaction (model), 0);
            return 0;
        case WBC_OVERLAY_MESSAGE: {
            const wb_trace_t *trace = wbc_model_trace_log (model);
            long index = wb_trace_index_of (trace, ui->message_number);
            const wb_trace_entry_t *entry = index < 0 ? NULL : wb_trace_at (trace, (size_t) index);
            if (!entry) {
                snprintf (out->title, size, " Message %" PRIu64 " ", ui->message_number);
                s_add (out, false, "(no longer in the trace)");
                return 0;
            }
            snprintf (out->title, size, " Message %" PRIu64 ": %s (j/k scroll, any other key closes) ",
                      entry->number, entry->kind == WB_TRACE_MARK ? "mark" : entry->name);
            s_message (out, model, entry, 0, entry->body);
            return 0;
        }
        case WBC_OVERLAY_MESSAGES:
            snprintf (out->title, size, " Messages, newest first ");
            s_messages (out, model);
            return 0;
        case WBC_OVERLAY_PICKER:
            s_about (ui, PICKER_SUBJECT_COLUMNS, about, sizeof (about));
            snprintf (out->title, size, " Move %s to which workbin? (j/k, Enter, Esc) ", about);
            s_picker (out, model, ui);
            return 0;
        default:
            return -1;
    }
}

size_t
wbc_overlay_text_first_line (const wbc_ui_t *ui, size_t count, size_t rows)
{
    size_t first = ui ? ui->overlay_scroll : 0;
    if (ui && ui->overlay == WBC_OVERLAY_PICKER && ui->picker_selected != WBC_PICKER_NONE
    &&  ui->picker_selected >= rows)
        first = ui->picker_selected - rows + 1;
    if (first + rows > count)
        first = count > rows ? count - rows : 0;
    return first;
}

//  The parts of the question around the subject and the sender.
#define QUESTION_HEAD "Stop processing "
#define QUESTION_FROM " from "
#define QUESTION_TAIL "? (y/n)"

void
wbc_overlay_text_question (const wbc_ui_t *ui, size_t columns, char *out, size_t size)
{
    if (!out || size == 0)
        return;
    *out = 0;
    if (!ui)
        return;
    if (ui->marked) {
        snprintf (out, size, QUESTION_HEAD "%zu marked interaction%s" QUESTION_TAIL, ui->marked,
                  ui->marked == 1 ? "" : "s");
        return;
    }
    bool quoted = *ui->subject_text != 0;
    bool from = *ui->subject_from != 0;
    const char *subject = quoted ? ui->subject_text : ui->subject_id;
    size_t fixed = wbc_text_width (QUESTION_HEAD QUESTION_TAIL) + (quoted ? 2 : 0)
                 + (quoted ? 0 : wbc_text_width ("interaction "))
                 + (from ? wbc_text_width (QUESTION_FROM) : 0);
    size_t room = columns > fixed ? columns - fixed : 0;
    size_t subject_width = wbc_text_width (subject);
    size_t from_width = from ? wbc_text_width (ui->subject_from) : 0;
    if (subject_width + from_width > room) {
        //  the sender keeps half the room, or what a short subject leaves
        size_t keep = room > subject_width && room - subject_width > room / 2
                    ? room - subject_width : room / 2;
        from_width = from_width < keep ? from_width : keep;
        subject_width = room - from_width;
    }
    char subject_cut [WBC_TEXT_MAX * 2], from_cut [WBC_TEXT_MAX * 2];
    if (wbc_text_clip (subject, subject_width, subject_cut, sizeof (subject_cut)))
        *subject_cut = 0;
    if (wbc_text_clip (from ? ui->subject_from : "", from_width, from_cut, sizeof (from_cut)))
        *from_cut = 0;
    snprintf (out, size, "%s%s%s%s%s%s%s", QUESTION_HEAD, quoted ? "\"" : "interaction ",
              subject_cut, quoted ? "\"" : "", from ? QUESTION_FROM : "", from_cut, QUESTION_TAIL);
}
