/*  Tests of wbc_app, the console's controller, without a terminal and
    without a server: the app lays the screen out itself, from the size it
    is told and what the model shows, so paging, scrolling and the
    overlay's scroll are right before anything is drawn. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdbool.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "wbc_app.h"
#include "wbc_overlay_text.h"
#include "wb_protocol.h"

#define ROWS 100               /* interactions in the pane */

typedef struct {
    wbc_model_t *model;
    wbc_keys_t *keys;
    wbc_app_t *app;
} fixture_t;

//  An EventWorkbinTypesInfo: draft (own a1) and team (sales).
static wb_msg_t *
s_types_info (void)
{
    wb_kvlist_t *types = wb_kvlist_new ();
    const struct { const char *type, *owner, *relation; int owner_type; } rows [] = {
        { "draft", "a1", "own", WB_OWNER_AGENT }, { "team", "sales", "group", WB_OWNER_AGENT_GROUP },
    };
    for (size_t row = 0; row < 2; row++) {
        wb_kvlist_t *info = wb_kvlist_new ();
        wb_kvlist_add_string (info, WB_ATTR_WORKBIN_TYPE_ID, rows [row].type);
        wb_kvlist_add_int (info, WB_ATTR_WORKBIN_TYPE, rows [row].owner_type);
        wb_kvlist_t *owners = wb_kvlist_new ();
        wb_kvlist_t *owner = wb_kvlist_new ();
        wb_kvlist_add_string (owner, WB_ATTR_OWNER_ID, rows [row].owner);
        wb_kvlist_add_string (owner, WB_ATTR_RELATION, rows [row].relation);
        wb_kvlist_add_list (owners, "Owner", &owner);
        wb_kvlist_add_list (info, WB_ATTR_OWNERS, &owners);
        wb_kvlist_add_list (types, "WorkbinTypeInfo", &info);
    }
    wb_msg_t *event = wb_msg_new_row (WB_ROW_EVENT_WORKBIN_TYPES_INFO);
    wb_kvlist_add_list (wb_msg_body (event), WB_ATTR_WORKBIN_TYPES, &types);
    return event;
}

//  Open a pane on a sidebar workbin and load it with ROWS interactions.
static void
s_open_loaded (wbc_model_t *model, const char *name)
{
    int index = wbc_model_open_pane (model, wbc_model_sidebar_find (model, name));
    assert_true (index >= 0);
    wbc_model_begin_fetch (model, (size_t) index);
    wb_kvlist_t *interactions = wb_kvlist_new ();
    for (int number = 1; number <= ROWS; number++) {
        char id [16];
        snprintf (id, sizeof (id), "I%03d", number);
        wb_kvlist_t *interaction = wb_kvlist_new ();
        wb_kvlist_add_string (interaction, WB_ATTR_INTERACTION_ID, id);
        wb_kvlist_add_list (interactions, WB_ATTR_INTERACTION, &interaction);
    }
    wb_msg_t *content = wb_msg_new_row (WB_ROW_EVENT_WORKBIN_CONTENT);
    wb_kvlist_t *body = wb_msg_body (content);
    wb_kvlist_add_list (body, WB_ATTR_INTERACTIONS, &interactions);
    wb_kvlist_add_int (body, WB_ATTR_WORKBIN_VERSION, 1);
    wb_kvlist_add_int (body, WB_ATTR_TOTAL_COUNT, ROWS);
    wb_kvlist_add_int (body, WB_ATTR_FROM, 0);
    wb_event_content_t page;
    assert_int_equal (wb_event_read_content (content, &page), 0);
    assert_int_equal (wbc_model_apply_page (model, (size_t) index, &page, 0, 0), -1);
    wb_msg_destroy (&content);
}

//  A model with draft@a1 open and loaded, an app on a 120x40 terminal
//  (sidebar shown, no trace: the pane is 38 lines, 36 rows), nothing drawn.
static int
s_setup (void **state)
{
    fixture_t *fixture = calloc (1, sizeof (fixture_t));
    fixture->model = wbc_model_new ();
    wb_msg_t *types_info = s_types_info ();
    wb_event_types_t types;
    wb_event_read_types (types_info, &types);
    wbc_model_set_workbin_types (fixture->model, &types);
    wb_msg_destroy (&types_info);
    s_open_loaded (fixture->model, "draft");
    fixture->keys = wbc_keys_new ();
    fixture->app = wbc_app_new (fixture->model, NULL, fixture->keys);
    wbc_app_resize (fixture->app, 120, 40);
    *state = fixture;
    return fixture->app ? 0 : -1;
}

static int
s_teardown (void **state)
{
    fixture_t *fixture = *state;
    wbc_app_destroy (&fixture->app);
    wbc_keys_destroy (&fixture->keys);
    wbc_model_destroy (&fixture->model);
    free (fixture);
    return 0;
}

static const wbc_pane_t *
s_pane (fixture_t *fixture)
{
    return wbc_model_pane (fixture->model, 0);
}

static void
test_degenerate_calls (void **state)
{
    (void) state;
    assert_null (wbc_app_new (NULL, NULL, NULL));
    wbc_app_t *app = NULL;
    wbc_app_destroy (&app);
    wbc_app_destroy (NULL);
    wbc_app_settle (NULL);
    wbc_app_resize (NULL, 80, 24);
    assert_null (wbc_app_layout (NULL));
    //  told no size yet: too small, pages of one row
    wbc_model_t *model = wbc_model_new ();
    app = wbc_app_new (model, NULL, NULL);
    assert_non_null (app);
    wbc_app_settle (app);
    assert_true (wbc_app_layout (app)->too_small);
    wbc_app_key (app, WBC_KEY_PAGE_DOWN, 0);        //  no keys, no pane: nothing happens
    wbc_app_destroy (&app);
    assert_null (app);
    wbc_model_destroy (&model);
}

//  The first page-down moves by the pane's rows, before any draw (it used
//  to move by 1 until the view had drawn once and told the app).
static void
test_page_down_before_any_draw (void **state)
{
    fixture_t *fixture = *state;
    wbc_app_key (fixture->app, WBC_KEY_PAGE_DOWN, 0);
    assert_int_equal (wbc_layout_pane_rows (wbc_app_layout (fixture->app), 0), 36);
    assert_int_equal (s_pane (fixture)->selected, 36);
    wbc_app_key (fixture->app, WBC_KEY_PAGE_DOWN, 0);
    assert_int_equal (s_pane (fixture)->selected, 72);
    assert_int_equal (s_pane (fixture)->top, 37);
    wbc_app_key (fixture->app, WBC_KEY_PAGE_UP, 0);
    assert_int_equal (s_pane (fixture)->selected, 36);
    assert_int_equal (s_pane (fixture)->top, 36);
}

//  A new terminal size gives a new page size at once.
static void
test_page_size_follows_the_terminal (void **state)
{
    fixture_t *fixture = *state;
    wbc_app_resize (fixture->app, 120, 30);
    assert_true (wbc_model_dirty (fixture->model) & WBC_DIRTY_LAYOUT);
    wbc_app_key (fixture->app, WBC_KEY_PAGE_DOWN, 0);
    assert_int_equal (s_pane (fixture)->selected, 26);
    //  too small: the pane is not shown, a page is one row, and keys that
    //  move do nothing, unseen
    wbc_app_resize (fixture->app, 70, 20);
    wbc_app_key (fixture->app, WBC_KEY_PAGE_DOWN, 0);
    assert_int_equal (wbc_layout_pane_rows (wbc_app_layout (fixture->app), 0), 1);
    assert_int_equal (s_pane (fixture)->selected, 26);
}

//  While the terminal is too small, no key acts but quit and redraw: q
//  does not close the pane, d does not ask to stop, m opens no picker,
//  ':' no prompt; grown again, everything is as it was.
static void
test_too_small_ignores_keys (void **state)
{
    fixture_t *fixture = *state;
    wbc_ui_t *ui = wbc_app_ui (fixture->app);
    wbc_app_resize (fixture->app, 60, 20);
    const int keys [] = { 'q', 'd', 'y', 'm', WBC_KEY_ENTER, 'j', ':', 'O', 's', 't', '?' };
    for (size_t index = 0; index < sizeof (keys) / sizeof (keys [0]); index++)
        wbc_app_key (fixture->app, keys [index], 0);
    assert_int_equal (wbc_model_pane_count (fixture->model), 1);
    assert_int_equal (s_pane (fixture)->selected, 0);
    assert_int_equal (ui->overlay, WBC_OVERLAY_NONE);
    assert_int_equal (wbc_model_maximised (fixture->model), -1);
    assert_false (wbc_model_trace_visible (fixture->model));
    assert_false (wbc_model_sidebar_focused (fixture->model));
    //  redraw still works, and so does quit
    wbc_model_clear_dirty (fixture->model);
    wbc_app_key (fixture->app, WBC_KEY_CTRL ('l'), 0);
    assert_true (wbc_model_dirty (fixture->model) & WBC_DIRTY_LAYOUT);
    assert_false (ui->quit);
    wbc_app_key (fixture->app, 'Q', 0);
    assert_true (ui->quit);
    //  an overlay opened before is left as it was: a key does not reach it
    ui->quit = false;
    wbc_app_resize (fixture->app, 120, 40);
    wbc_app_key (fixture->app, ':', 0);
    assert_int_equal (ui->overlay, WBC_OVERLAY_PROMPT);
    wbc_app_resize (fixture->app, 60, 20);
    wbc_app_key (fixture->app, 'q', 0);
    wbc_app_key (fixture->app, WBC_KEY_ENTER, 0);
    assert_int_equal (ui->overlay, WBC_OVERLAY_PROMPT);
    assert_string_equal (ui->prompt, "");
    assert_int_equal (wbc_model_pane_count (fixture->model), 1);
}

//  The last row is shown at the bottom of the pane; a smaller terminal
//  scrolls the pane so that it still shows.
static void
test_selection_stays_in_view (void **state)
{
    fixture_t *fixture = *state;
    wbc_app_key (fixture->app, 'G', 0);
    assert_int_equal (s_pane (fixture)->selected, ROWS - 1);
    assert_int_equal (s_pane (fixture)->top, ROWS - 36);
    wbc_app_resize (fixture->app, 120, 24);
    wbc_app_settle (fixture->app);
    assert_int_equal (s_pane (fixture)->top, ROWS - 20);
}

//  The layout follows the panes before a key is handled: a pane opened
//  by the session shows at once, side by side with the first.
static void
test_layout_follows_the_panes (void **state)
{
    fixture_t *fixture = *state;
    wbc_app_settle (fixture->app);
    assert_int_equal (wbc_app_layout (fixture->app)->pane_count, 1);
    s_open_loaded (fixture->model, "team");
    wbc_app_settle (fixture->app);
    const wbc_layout_t *layout = wbc_app_layout (fixture->app);
    assert_int_equal (layout->pane_count, 2);
    assert_true (layout->visible [0] && layout->visible [1]);
    //  the trace takes 40% of the width: the panes share what is left
    wbc_app_key (fixture->app, 't', 0);
    wbc_app_settle (fixture->app);
    assert_true (wbc_app_layout (fixture->app)->trace.width >= WBC_LAYOUT_MIN_TRACE_WIDTH);
    assert_true (layout->panes [1].width < 47);
}

//  The overlay's scroll stays within its text, with or without a draw.
static void
test_overlay_scroll_is_bounded (void **state)
{
    fixture_t *fixture = *state;
    wbc_app_key (fixture->app, '?', 0);
    wbc_ui_t *ui = wbc_app_ui (fixture->app);
    assert_int_equal (ui->overlay, WBC_OVERLAY_HELP);
    static wbc_overlay_text_t text;
    assert_int_equal (wbc_overlay_text_build (&text, fixture->model, ui, fixture->keys), 0);
    size_t rows = wbc_layout_overlay_rows (wbc_app_layout (fixture->app));
    assert_true (text.count > rows);
    for (int press = 0; press < 1000; press++)
        wbc_app_key (fixture->app, 'j', 0);
    wbc_app_settle (fixture->app);
    assert_int_equal (ui->overlay_scroll, text.count - rows);
    wbc_app_key (fixture->app, 'k', 0);
    assert_int_equal (ui->overlay_scroll, text.count - rows - 1);
    wbc_app_key (fixture->app, 'x', 0);             //  any other key closes it
    assert_int_equal (ui->overlay, WBC_OVERLAY_NONE);
}

//  The picker of a move chooses nothing at first: Enter then moves
//  nothing, says so and stays; j chooses the first workbin, k the last.
static void
test_picker_chooses_nothing_at_first (void **state)
{
    fixture_t *fixture = *state;
    wbc_ui_t *ui = wbc_app_ui (fixture->app);
    wbc_app_key (fixture->app, 'm', 0);
    assert_int_equal (ui->overlay, WBC_OVERLAY_PICKER);
    assert_int_equal (ui->picker_selected, WBC_PICKER_NONE);
    assert_string_equal (ui->subject_id, "I001");
    wbc_app_key (fixture->app, WBC_KEY_ENTER, 0);
    assert_int_equal (ui->overlay, WBC_OVERLAY_PICKER);
    assert_non_null (strstr (wbc_model_last_status (fixture->model)->text, "no workbin chosen"));
    wbc_app_key (fixture->app, 'j', 0);
    assert_int_equal (ui->picker_selected, 0);
    wbc_app_key (fixture->app, 'k', 0);
    assert_int_equal (ui->picker_selected, 0);
    wbc_app_key (fixture->app, 'j', 0);
    wbc_app_key (fixture->app, 'j', 0);
    assert_int_equal (ui->picker_selected, 1);
    wbc_app_key (fixture->app, WBC_KEY_ESCAPE, 0);
    assert_int_equal (ui->overlay, WBC_OVERLAY_NONE);
    //  no move was made: nothing chosen again; up from nothing is the last
    wbc_app_key (fixture->app, 'm', 0);
    assert_int_equal (ui->picker_selected, WBC_PICKER_NONE);
    wbc_app_key (fixture->app, 'k', 0);
    assert_int_equal (ui->picker_selected, wbc_model_sidebar_size (fixture->model) - 1);
}

//  The status line's text now.
static const char *
s_status (fixture_t *fixture)
{
    const wbc_status_t *status = wbc_model_last_status (fixture->model);
    return status ? status->text : "";
}

//  Type a line at a prompt (':' or '/') and press Enter.
static void
s_type (fixture_t *fixture, int prompt, const char *text)
{
    wbc_app_key (fixture->app, prompt, 0);
    for (; *text; text++)
        wbc_app_key (fixture->app, (unsigned char) *text, 0);
    wbc_app_key (fixture->app, WBC_KEY_ENTER, 0);
}

//  A search says where it landed, and a later match replaces an earlier
//  "not found"; n and N say when they go round the end.
static void
test_search_says_where_it_is (void **state)
{
    fixture_t *fixture = *state;
    s_type (fixture, '/', "zzz");
    assert_string_equal (s_status (fixture), "not found: zzz");
    //  I001 to I009 match; the selection is I001
    s_type (fixture, '/', "I00");
    assert_string_equal (s_status (fixture), "match 2 of 9 for \"I00\"");
    assert_int_equal (s_pane (fixture)->selected, 1);
    for (int press = 0; press < 7; press++)
        wbc_app_key (fixture->app, 'n', 0);
    assert_string_equal (s_status (fixture), "match 9 of 9 for \"I00\"");
    wbc_app_key (fixture->app, 'n', 0);
    assert_string_equal (s_status (fixture), "match 1 of 9 for \"I00\" (wrapped)");
    assert_int_equal (s_pane (fixture)->selected, 0);
    wbc_app_key (fixture->app, 'N', 0);
    assert_string_equal (s_status (fixture), "match 9 of 9 for \"I00\" (wrapped)");
    wbc_app_key (fixture->app, 'N', 0);
    assert_string_equal (s_status (fixture), "match 8 of 9 for \"I00\"");
}

//  A command given words it does not take is refused with its usage, and
//  runs nothing: ":open TYPE@OWNER extra" opens nothing.
static void
test_commands_refuse_extra_words (void **state)
{
    fixture_t *fixture = *state;
    s_type (fixture, ':', "open team@sales extra");
    assert_string_equal (s_status (fixture), "usage: open TYPE[@OWNER]");
    assert_int_equal (wbc_model_pane_count (fixture->model), 1);
    wbc_app_command (fixture->app, "open", 0);
    assert_string_equal (s_status (fixture), "usage: open TYPE[@OWNER]");
    wbc_app_command (fixture->app, "close now", 0);
    assert_string_equal (s_status (fixture), "usage: close (no argument)");
    assert_int_equal (wbc_model_pane_count (fixture->model), 1);
    wbc_app_command (fixture->app, "bind C-r", 0);
    assert_string_equal (s_status (fixture), "usage: bind KEY ACTION");
    wbc_app_command (fixture->app, "theme", 0);
    assert_string_equal (s_status (fixture), "usage: theme NAME");
    wbc_app_command (fixture->app, "nope a b", 0);
    assert_string_equal (s_status (fixture), "unknown command 'nope' (try :help)");
    //  spaces around the words do not count
    wbc_app_command (fixture->app, "  close  ", 0);
    assert_int_equal (wbc_model_pane_count (fixture->model), 0);
}

//  :unbind KEY, as the config file's unbind; :bind binds it again.
static void
test_unbind_command (void **state)
{
    fixture_t *fixture = *state;
    wbc_app_command (fixture->app, "unbind q", 0);
    assert_string_equal (s_status (fixture), "q is not bound now");
    assert_int_equal (wbc_keys_action (fixture->keys, 'q'), WBC_ACTION_NONE);
    wbc_app_key (fixture->app, 'q', 0);
    assert_int_equal (wbc_model_pane_count (fixture->model), 1);
    wbc_app_command (fixture->app, "unbind", 0);
    assert_string_equal (s_status (fixture), "usage: unbind KEY");
    wbc_app_command (fixture->app, "unbind q w", 0);
    assert_string_equal (s_status (fixture), "usage: unbind KEY");
    wbc_app_command (fixture->app, "unbind Nope", 0);
    assert_string_equal (s_status (fixture), "unknown key 'Nope'");
    wbc_app_command (fixture->app, "bind q close-pane", 0);
    assert_string_equal (s_status (fixture), "q now runs close-pane");
    wbc_app_key (fixture->app, 'q', 0);
    assert_int_equal (wbc_model_pane_count (fixture->model), 0);
}

//  A key bound to nothing says so, and where to look.
static void
test_unbound_key_says_so (void **state)
{
    fixture_t *fixture = *state;
    wbc_app_key (fixture->app, 'x', 0);
    assert_string_equal (s_status (fixture), "x is not bound (? lists the keys)");
    wbc_app_key (fixture->app, WBC_KEY_F5, 0);
    assert_string_equal (s_status (fixture), "F5 is not bound (? lists the keys)");
    wbc_app_command (fixture->app, "bind F1 help", 0);
    wbc_app_command (fixture->app, "unbind ?", 0);
    wbc_app_key (fixture->app, 'x', 0);
    assert_string_equal (s_status (fixture), "x is not bound (F1 lists the keys)");
    wbc_app_command (fixture->app, "unbind F1", 0);
    wbc_app_key (fixture->app, '?', 0);
    assert_string_equal (s_status (fixture), "? is not bound (:help lists the keys)");
    //  a bound key says nothing of the kind
    wbc_app_key (fixture->app, 'j', 0);
    assert_string_equal (s_status (fixture), "? is not bound (:help lists the keys)");
}

//  The details of a row that cannot be read (an interaction received whose
//  keys or UTF-8 failed the check of its first read) are not shown: the
//  status line names why, rather than "no interaction selected".
static void
test_details_of_a_row_that_cannot_be_read_say_why (void **state)
{
    fixture_t *fixture = *state;
    wbc_model_begin_fetch (fixture->model, 0);
    wb_kvlist_t *sent = wb_kvlist_new ();
    wb_kvlist_t *interactions = wb_kvlist_new ();
    for (int number = 1; number <= 2; number++) {
        wb_kvlist_t *interaction = wb_kvlist_new ();
        wb_kvlist_add_string (interaction, WB_ATTR_INTERACTION_ID, number == 1 ? "I001" : "I002");
        wb_kvlist_add_string (interaction, WB_ATTR_SUBJECT, number == 1 ? "Bad one" : "fine");
        wb_kvlist_add_list (interactions, WB_ATTR_INTERACTION, &interaction);
    }
    wb_kvlist_add_list (sent, WB_ATTR_INTERACTIONS, &interactions);
    size_t size = 0;
    uint8_t *bytes = wb_kvlist_encode (sent, &size);
    wb_kvlist_destroy (&sent);
    for (size_t offset = 0; offset + 7 <= size; offset++)
        if (memcmp (bytes + offset, "Bad one", 7) == 0)
            bytes [offset + 3] = 0xff;
    wb_kvlist_t *body = wb_kvlist_decode_lazy (bytes, size, NULL);
    free (bytes);
    assert_non_null (body);
    wb_event_content_t page = { .interactions = wb_kvlist_list (body, WB_ATTR_INTERACTIONS),
                                .version = 2, .total_count = 2, .has_version = true,
                                .has_total_count = true };
    assert_int_equal (wbc_model_apply_page (fixture->model, 0, &page, 0, 0), -1);
    wb_kvlist_destroy (&body);
    wbc_app_key (fixture->app, WBC_KEY_ENTER, 0);
    assert_string_equal (s_status (fixture),
                         "this interaction cannot be read: string is not valid UTF-8");
    assert_int_equal (wbc_app_ui (fixture->app)->overlay, WBC_OVERLAY_NONE);
    wbc_app_key (fixture->app, 'j', 0);
    wbc_app_key (fixture->app, WBC_KEY_ENTER, 0);
    assert_int_equal (wbc_app_ui (fixture->app)->overlay, WBC_OVERLAY_DETAILS);
}

int
main (void)
{
    setlocale (LC_ALL, "C.UTF-8");
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_degenerate_calls),
        cmocka_unit_test_setup_teardown (test_page_down_before_any_draw, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_details_of_a_row_that_cannot_be_read_say_why,
                                         s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_page_size_follows_the_terminal, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_too_small_ignores_keys, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_selection_stays_in_view, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_layout_follows_the_panes, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_overlay_scroll_is_bounded, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_picker_chooses_nothing_at_first, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_search_says_where_it_is, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_commands_refuse_extra_words, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_unbind_command, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_unbound_key_says_so, s_setup, s_teardown),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
