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

int
main (void)
{
    setlocale (LC_ALL, "C.UTF-8");
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_degenerate_calls),
        cmocka_unit_test (test_help_lists_keys_and_commands),
        cmocka_unit_test (test_messages_newest_first),
        cmocka_unit_test (test_first_line_is_bounded),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
