/*  wbc_board: the board built from a model's sidebar: rows by owner,
    columns by type, totals and oldest, the three orders, the geometry
    and the age levels. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "wbc_board.h"
#include "wb_msg.h"
#include "wb_protocol.h"
#include "wb_clock.h"

//  An owner entry of a type's info.
static void
s_owner (wb_kvlist_t *owners, const char *id, const char *name, int64_t count, const char *oldest,
         int64_t version)
{
    wb_kvlist_t *owner = wb_kvlist_new ();
    wb_kvlist_add_string (owner, WB_ATTR_OWNER_ID, id);
    wb_kvlist_add_string (owner, WB_ATTR_OWNER_NAME, name);
    wb_kvlist_add_string (owner, WB_ATTR_RELATION, "team");
    wb_kvlist_add_int (owner, WB_ATTR_NUMBER_OF_INTERACTIONS, count);
    wb_kvlist_add_int (owner, WB_ATTR_WORKBIN_VERSION, version);
    if (oldest)
        wb_kvlist_add_string (owner, WB_ATTR_MIN_MOVED_TO_QUEUE_AT, oldest);
    wb_kvlist_add_list (owners, WB_ATTR_OWNER, &owner);
}

static void
s_type (wb_kvlist_t *types, const char *type_id, int owner_type, wb_kvlist_t **owners_p)
{
    wb_kvlist_t *info = wb_kvlist_new ();
    wb_kvlist_add_string (info, WB_ATTR_WORKBIN_TYPE_ID, type_id);
    wb_kvlist_add_string (info, WB_ATTR_DISPLAY_NAME, type_id);
    wb_kvlist_add_int (info, WB_ATTR_WORKBIN_TYPE, owner_type);
    wb_kvlist_add_list (info, WB_ATTR_OWNERS, owners_p);
    wb_kvlist_add_list (types, WB_ATTR_WORKBIN_TYPE_INFO, &info);
}

//  Three agents with drafts and work, and one group queue.
static wbc_model_t *
s_model (void)
{
    wb_kvlist_t *types = wb_kvlist_new ();
    wb_kvlist_t *owners = wb_kvlist_new ();
    s_owner (owners, "a2", "Zed", 3, "2026-11-25T09:00:00Z", 5);
    s_owner (owners, "a1", "Amy", 1, "2026-11-25T11:00:00Z", 2);
    s_owner (owners, "a3", "Bob", 0, NULL, 0);
    s_type (types, "draft", WB_OWNER_AGENT, &owners);
    owners = wb_kvlist_new ();
    s_owner (owners, "a1", "Amy", 2, "2026-11-25T07:00:00Z", 4);
    s_owner (owners, "a3", "Bob", 1, "2026-11-25T11:30:00Z", 1);
    s_type (types, "work", WB_OWNER_AGENT, &owners);
    owners = wb_kvlist_new ();
    s_owner (owners, "sales", "Sales", 4, "2026-11-24T12:00:00Z", 9);
    s_type (types, "queue", WB_OWNER_AGENT_GROUP, &owners);
    wb_msg_t *event = wb_msg_new_row (WB_ROW_EVENT_WORKBIN_TYPES_INFO);
    wb_kvlist_add_list (wb_msg_body (event), WB_ATTR_WORKBIN_TYPES, &types);
    wb_event_types_t info;
    assert_int_equal (wb_event_read_types (event, &info), 0);
    wbc_model_t *model = wbc_model_new ();
    wbc_model_set_workbin_types (model, &info);
    wb_msg_destroy (&event);
    return model;
}

static const char *
s_order (const wbc_board_t *board)
{
    static char names [4 * WBC_TEXT_MAX + 8];
    names [0] = 0;
    for (size_t index = 0; index < board->row_count; index++)
        snprintf (names + strlen (names), sizeof (names) - strlen (names), "%s%s",
                  index ? " " : "", board->rows [index].owner_name);
    return names;
}

static void
test_board_rows_columns_totals (void **state)
{
    (void) state;
    wbc_model_t *model = s_model ();
    wbc_board_t board = { 0 };
    wbc_board_build (&board, model, WBC_BOARD_BY_NAME);
    assert_int_equal (board.type_count, 3);
    assert_string_equal (board.type_ids [0], "draft");
    assert_string_equal (board.type_ids [2], "queue");
    assert_int_equal (board.row_count, 4);
    assert_string_equal (s_order (&board), "Amy Bob Sales Zed");
    const wbc_board_row_t *amy = &board.rows [0];
    assert_true (amy->cells [0] >= 0 && amy->cells [1] >= 0);
    assert_int_equal (amy->cells [2], -1);
    assert_int_equal (amy->total, 3);
    int64_t seven = 0;
    wb_clock_parse ("2026-11-25T07:00:00Z", &seven);
    assert_int_equal (amy->oldest_s, seven);
    assert_int_equal (board.type_totals [0], 4);
    assert_int_equal (board.type_totals [1], 3);
    assert_int_equal (board.total, 11);
    int64_t oldest = 0;
    wb_clock_parse ("2026-11-24T12:00:00Z", &oldest);
    assert_int_equal (board.oldest_s, oldest);
    //  Bob's empty draft has no oldest: his row's is his work's
    assert_int_equal (board.rows [1].total, 1);
    wbc_board_build (&board, model, WBC_BOARD_BY_TOTAL);
    assert_string_equal (s_order (&board), "Sales Amy Zed Bob");     //  a tie: by name
    wbc_board_build (&board, model, WBC_BOARD_BY_OLDEST);
    assert_string_equal (s_order (&board), "Sales Amy Zed Bob");
    assert_string_equal (wbc_board_sort_name (WBC_BOARD_BY_OLDEST), "oldest");
    //  a live statistic changes the board built next
    wb_event_statistic_t statistic = { .workbin = { "draft", WB_OWNER_AGENT, NULL, "a3" },
                                       .count = 9, .version = 1, .oldest = "2026-11-20T00:00:00Z" };
    assert_int_equal (wbc_model_apply_statistic (model, &statistic), 0);
    wbc_board_build (&board, model, WBC_BOARD_BY_TOTAL);
    assert_string_equal (s_order (&board), "Bob Sales Amy Zed");
    assert_int_equal (board.total, 20);
    //  an older one is dropped
    statistic.count = 1;
    statistic.version = 1;
    assert_int_equal (wbc_model_apply_statistic (model, &statistic), 0);
    wbc_board_build (&board, model, WBC_BOARD_BY_TOTAL);
    assert_int_equal (board.total, 20);
    statistic.workbin.owner_id = "nobody";
    assert_int_equal (wbc_model_apply_statistic (model, &statistic), -1);
    wbc_board_clear (&board);
    wbc_board_clear (&board);
    wbc_model_destroy (&model);
}

static void
test_geometry_and_ages (void **state)
{
    (void) state;
    wbc_model_t *model = s_model ();
    wbc_board_t board = { 0 };
    wbc_board_build (&board, model, WBC_BOARD_BY_NAME);
    wbc_board_geometry_t geometry = wbc_board_geometry (&board, 100);
    assert_int_equal (geometry.name_width, 24);
    assert_true (geometry.cell_width >= 6 && geometry.cell_width <= 16);
    assert_int_equal (wbc_board_column_at (&board, 100, 3), -1);
    assert_int_equal (wbc_board_column_at (&board, 100, geometry.name_width + 1), 0);
    assert_int_equal (wbc_board_column_at (&board, 100, geometry.name_width + 1
                                                     + 2 * (geometry.cell_width + 1)), 2);
    assert_int_equal (wbc_board_column_at (&board, 100, geometry.name_width + 1
                                                     + 3 * (geometry.cell_width + 1)), -1);
    assert_int_equal (wbc_board_geometry (&board, 40).name_width, 10);
    assert_int_equal (wbc_board_age (0, 1000, 60, 120), WBC_BOARD_AGE_OK);
    assert_int_equal (wbc_board_age (1000, 1059, 60, 120), WBC_BOARD_AGE_OK);
    assert_int_equal (wbc_board_age (1000, 1060, 60, 120), WBC_BOARD_AGE_WARN);
    assert_int_equal (wbc_board_age (1000, 1120, 60, 120), WBC_BOARD_AGE_ALERT);
    assert_int_equal (wbc_board_age (1000, 99999, 0, 0), WBC_BOARD_AGE_OK);
    wbc_board_clear (&board);
    wbc_model_destroy (&model);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_board_rows_columns_totals),
        cmocka_unit_test (test_geometry_and_ages),
    };
    return cmocka_run_group_tests_name ("wbc_board", tests, NULL, NULL);
}
