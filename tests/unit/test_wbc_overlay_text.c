/*  Tests of wbc_overlay_text, the text of the boxes over the panes, and of
    the first line they show, without a terminal. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdbool.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "wbc_overlay_text.h"
#include "wbc_text.h"
#include "wb_protocol.h"

static wbc_overlay_text_t s_text;

//  True if some line of the text holds needle.
static bool
s_has_line (const char *needle)
{
    for (size_t index = 0; index < s_text.count; index++)
        if (strstr (s_text.text [index], needle))
            return true;
    return false;
}

static void
test_degenerate_calls (void **state)
{
    (void) state;
    wbc_model_t *model = wbc_model_new ();
    wbc_ui_t ui = { .overlay = WBC_OVERLAY_HELP };
    assert_int_equal (wbc_overlay_text_build (NULL, model, &ui, NULL), -1);
    assert_int_equal (wbc_overlay_text_build (&s_text, NULL, &ui, NULL), -1);
    assert_int_equal (s_text.count, 0);
    assert_int_equal (wbc_overlay_text_build (&s_text, model, NULL, NULL), -1);
    const wbc_overlay_t none [] = { WBC_OVERLAY_NONE, WBC_OVERLAY_PROMPT, WBC_OVERLAY_CONFIRM };
    for (size_t index = 0; index < sizeof (none) / sizeof (none [0]); index++) {
        ui.overlay = none [index];
        assert_int_equal (wbc_overlay_text_build (&s_text, model, &ui, NULL), -1);
        assert_int_equal (s_text.count, 0);
        assert_string_equal (s_text.title, "");
    }
    //  details with nothing selected: a title, no line
    ui.overlay = WBC_OVERLAY_DETAILS;
    assert_int_equal (wbc_overlay_text_build (&s_text, model, &ui, NULL), 0);
    assert_int_equal (s_text.count, 0);
    assert_int_equal (wbc_overlay_text_first_line (NULL, 0, 10), 0);
    wbc_model_destroy (&model);
}

//  Help: the key table's groups, then every command; without keys only
//  the commands.
static void
test_help_lists_keys_and_commands (void **state)
{
    (void) state;
    wbc_model_t *model = wbc_model_new ();
    wbc_keys_t *keys = wbc_keys_new ();
    wbc_ui_t ui = { .overlay = WBC_OVERLAY_HELP };
    assert_int_equal (wbc_overlay_text_build (&s_text, model, &ui, NULL), 0);
    assert_int_equal (s_text.count, 1 + wbc_app_command_count ());
    assert_true (s_text.heading [0]);
    assert_true (s_has_line (":open TYPE[@OWNER]"));
    assert_int_equal (wbc_overlay_text_build (&s_text, model, &ui, keys), 0);
    assert_true (s_text.count > 1 + wbc_app_command_count ());
    assert_true (s_has_line ("move the selection down"));
    assert_non_null (strstr (s_text.title, "Help"));
    wbc_keys_destroy (&keys);
    wbc_model_destroy (&model);
}

//  Messages: newest first, errors as headings; a word when there is none.
static void
test_messages_newest_first (void **state)
{
    (void) state;
    wbc_model_t *model = wbc_model_new ();
    wbc_ui_t ui = { .overlay = WBC_OVERLAY_MESSAGES };
    assert_int_equal (wbc_overlay_text_build (&s_text, model, &ui, NULL), 0);
    assert_int_equal (s_text.count, 1);
    assert_string_equal (s_text.text [0], "(no message yet)");
    wbc_model_status (model, WBC_LEVEL_INFO, 0, "first");
    wbc_model_status (model, WBC_LEVEL_ERROR, 0, "second");
    assert_int_equal (wbc_overlay_text_build (&s_text, model, &ui, NULL), 0);
    assert_int_equal (s_text.count, 2);
    assert_non_null (strstr (s_text.text [0], "ERROR second"));
    assert_true (s_text.heading [0]);
    assert_non_null (strstr (s_text.text [1], "info  first"));
    assert_false (s_text.heading [1]);
    wbc_model_destroy (&model);
}

//  A message received whose Interaction cannot be read (its keys or UTF-8
//  failed the check of its first read): its line names why, the other
//  attributes are shown as ever, no raw byte.
static void
test_message_with_a_list_that_cannot_be_read (void **state)
{
    (void) state;
    wb_kvlist_t *sent = wb_kvlist_new ();
    wb_kvlist_add_int (sent, WB_ATTR_WORKBIN_CONTENT_OPERATION, 2);
    wb_kvlist_t *interaction = wb_kvlist_new ();
    wb_kvlist_add_string (interaction, WB_ATTR_INTERACTION_ID, "I001");
    wb_kvlist_add_string (interaction, WB_ATTR_SUBJECT, "Bad one");
    wb_kvlist_add_list (sent, WB_ATTR_INTERACTION, &interaction);
    wb_kvlist_add_int (sent, WB_ATTR_WORKBIN_VERSION, 8);
    size_t size = 0;
    uint8_t *bytes = wb_kvlist_encode (sent, &size);
    wb_kvlist_destroy (&sent);
    for (size_t offset = 0; offset + 7 <= size; offset++)
        if (memcmp (bytes + offset, "Bad one", 7) == 0)
            bytes [offset + 3] = 0xff;
    wb_kvlist_t *body = wb_kvlist_decode_lazy (bytes, size, NULL);
    free (bytes);
    assert_non_null (body);
    wbc_model_t *model = wbc_model_new ();
    wbc_model_trace (model, false, "EventWorkbinContentChanged", 0, body, 0);
    wb_kvlist_destroy (&body);
    const wb_trace_t *trace = wbc_model_trace_log (model);
    wbc_ui_t ui = { .overlay = WBC_OVERLAY_MESSAGE,
                    .message_number = wb_trace_at (trace, wbc_model_trace_size (model) - 1)->number };
    assert_int_equal (wbc_overlay_text_build (&s_text, model, &ui, NULL), 0);
    assert_true (s_has_line ("Interaction"));
    assert_true (s_has_line ("(cannot be read: string is not valid UTF-8)"));
    assert_true (s_has_line ("WorkbinVersion"));
    for (size_t index = 0; index < s_text.count; index++)
        assert_null (strchr (s_text.text [index], 0xff));
    wbc_model_destroy (&model);
}

//  The first line shown: within the text, and the picker's choice in view.
static void
test_first_line_is_bounded (void **state)
{
    (void) state;
    wbc_ui_t ui = { .overlay = WBC_OVERLAY_HELP, .overlay_scroll = 1000 };
    assert_int_equal (wbc_overlay_text_first_line (&ui, 50, 20), 30);
    assert_int_equal (wbc_overlay_text_first_line (&ui, 10, 20), 0);
    ui.overlay_scroll = 5;
    assert_int_equal (wbc_overlay_text_first_line (&ui, 50, 20), 5);
    ui = (wbc_ui_t) { .overlay = WBC_OVERLAY_PICKER, .picker_selected = 25 };
    assert_int_equal (wbc_overlay_text_first_line (&ui, 50, 20), 6);
    ui.picker_selected = 3;
    assert_int_equal (wbc_overlay_text_first_line (&ui, 50, 20), 0);
}

//  The question before a stop names the subject and the sender, cut in
//  display columns so that "? (y/n)" always shows.
static void
test_question_names_subject_and_sender (void **state)
{
    (void) state;
    char text [512];
    wbc_ui_t ui = { .overlay = WBC_OVERLAY_CONFIRM, .subject_id = "000661FF0C7EAAEF",
                    .subject_text = "Order 3 \u2014 caf\u00e9 \u65e5\u672c",
                    .subject_from = "client3@example.com" };
    wbc_overlay_text_question (&ui, 120, text, sizeof (text));
    assert_string_equal (text, "Stop processing \"Order 3 \u2014 caf\u00e9 \u65e5\u672c\" "
                               "from client3@example.com? (y/n)");
    //  50 columns: the subject and the sender share what is left, cut
    wbc_overlay_text_question (&ui, 50, text, sizeof (text));
    assert_string_equal (text, "Stop processing \"Order 3 \u2014\u2026\" from client3@\u2026? (y/n)");
    assert_int_equal (wbc_text_width (text), 50);
    //  a wide character that would straddle the cut is left out
    wbc_overlay_text_question (&ui, 48, text, sizeof (text));
    assert_int_equal (wbc_text_width (text), 48);
    wbc_overlay_text_question (&ui, 44, text, sizeof (text));
    assert_string_equal (text, "Stop processing \"Order \u2026\" from clien\u2026? (y/n)");
    //  a short subject leaves the rest to the sender
    snprintf (ui.subject_text, sizeof (ui.subject_text), "Hi");
    snprintf (ui.subject_from, sizeof (ui.subject_from), "someone.with.a.very.long.address@example.com");
    wbc_overlay_text_question (&ui, 60, text, sizeof (text));
    assert_string_equal (text, "Stop processing \"Hi\" from someone.with.a.very.long.a\u2026? (y/n)");
    assert_int_equal (wbc_text_width (text), 60);
    //  no subject: the id; no sender: no "from"; control characters shown as ?
    ui.subject_text [0] = 0;
    wbc_overlay_text_question (&ui, 120, text, sizeof (text));
    assert_string_equal (text, "Stop processing interaction 000661FF0C7EAAEF from "
                               "someone.with.a.very.long.address@example.com? (y/n)");
    ui.subject_from [0] = 0;
    snprintf (ui.subject_text, sizeof (ui.subject_text), "two\nlines");
    wbc_overlay_text_question (&ui, 120, text, sizeof (text));
    assert_string_equal (text, "Stop processing \"two?lines\"? (y/n)");
    //  too narrow for any of it: still the question's end
    wbc_overlay_text_question (&ui, 10, text, sizeof (text));
    assert_string_equal (text, "Stop processing \"\"? (y/n)");
    wbc_overlay_text_question (NULL, 80, text, sizeof (text));
    assert_string_equal (text, "");
    wbc_overlay_text_question (&ui, 80, NULL, 0);
}

//  The picker chooses nothing at first: no line is marked; its title
//  names the subject, cut.
static void
test_picker_marks_only_a_choice (void **state)
{
    (void) state;
    wbc_model_t *model = wbc_model_new ();
    wb_event_types_t types = { 0 };
    wb_kvlist_t *info = wb_kvlist_new ();
    wb_kvlist_add_string (info, WB_ATTR_WORKBIN_TYPE_ID, "draft");
    wb_kvlist_add_int (info, WB_ATTR_WORKBIN_TYPE, WB_OWNER_AGENT);
    wb_kvlist_t *owners = wb_kvlist_new ();
    for (int number = 1; number <= 3; number++) {
        wb_kvlist_t *owner = wb_kvlist_new ();
        char id [8];
        snprintf (id, sizeof (id), "a%d", number);
        wb_kvlist_add_string (owner, WB_ATTR_OWNER_ID, id);
        wb_kvlist_add_list (owners, "Owner", &owner);
    }
    wb_kvlist_add_list (info, WB_ATTR_OWNERS, &owners);
    wb_kvlist_t *list = wb_kvlist_new ();
    wb_kvlist_add_list (list, "WorkbinTypeInfo", &info);
    types.types = list;
    wbc_model_set_workbin_types (model, &types);
    assert_int_equal (wbc_model_sidebar_size (model), 3);
    wbc_ui_t ui = { .overlay = WBC_OVERLAY_PICKER, .picker_selected = WBC_PICKER_NONE,
                    .subject_id = "I1",
                    .subject_text = "A subject far too long to be shown whole in a title" };
    assert_int_equal (wbc_overlay_text_build (&s_text, model, &ui, NULL), 0);
    assert_int_equal (s_text.count, 3);
    for (size_t index = 0; index < 3; index++) {
        assert_false (s_text.heading [index]);
        assert_int_equal (s_text.text [index][0], ' ');
    }
    assert_string_equal (s_text.title, " Move \"A subject far too long to be shown whol\u2026\" to which "
                                       "workbin? (j/k, Enter, Esc) ");
    assert_int_equal (wbc_overlay_text_first_line (&ui, 50, 20), 0);
    ui.picker_selected = 1;
    assert_int_equal (wbc_overlay_text_build (&s_text, model, &ui, NULL), 0);
    assert_true (s_text.heading [1]);
    assert_non_null (strstr (s_text.text [1], "> draft@a2"));
    ui.subject_text [0] = 0;
    assert_int_equal (wbc_overlay_text_build (&s_text, model, &ui, NULL), 0);
    assert_string_equal (s_text.title, " Move interaction I1 to which workbin? (j/k, Enter, Esc) ");
    wb_kvlist_destroy (&list);
    wbc_model_destroy (&model);
}

int
main (void)
{
    setlocale (LC_ALL, "C.UTF-8");
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_degenerate_calls),
        cmocka_unit_test (test_help_lists_keys_and_commands),
        cmocka_unit_test (test_messages_newest_first),
        cmocka_unit_test (test_message_with_a_list_that_cannot_be_read),
        cmocka_unit_test (test_first_line_is_bounded),
        cmocka_unit_test (test_question_names_subject_and_sender),
        cmocka_unit_test (test_picker_marks_only_a_choice),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
