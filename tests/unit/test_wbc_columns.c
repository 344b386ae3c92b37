/*  Tests of wbc_columns, the console's column table, without a terminal:
    degenerate calls, the table's rows, width planning (shares, caps, too
    narrow), names the console does not know, values and fitted cells. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdbool.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include "wbc_columns.h"
#include "wbc_text.h"
#include "wb_clock.h"
#include "wb_protocol.h"

//  Assert a plan holds exactly these columns at these offsets and widths.
typedef struct {
    const char *name;
    int x;
    int width;
} expected_column_t;

static void
s_assert_plan (const wbc_columns_plan_t *plan, const expected_column_t *expected, size_t count)
{
    assert_int_equal (plan->count, count);
    for (size_t index = 0; index < count; index++) {
        assert_string_equal (plan->column [index]->name, expected [index].name);
        assert_int_equal (plan->x [index], expected [index].x);
        assert_int_equal (plan->width [index], expected [index].width);
    }
}

//  The text of one column for an interaction, unfitted.
static const char *
s_value (const char *name, const wb_kvlist_t *interaction, int64_t wall_ms, char *out, size_t size)
{
    const wbc_column_t *column = wbc_columns_find (name);
    assert_non_null (column);
    column->value (interaction, wall_ms, out, size);
    return out;
}

static void
test_degenerate_calls (void **state)
{
    (void) state;
    wbc_columns_plan_t plan;
    char out [64] = "stale";
    assert_int_equal (wbc_columns_plan ("From", 80, NULL), -1);
    assert_int_equal (wbc_columns_plan (NULL, 80, &plan), -1);
    assert_int_equal (plan.count, 0);
    assert_int_equal (wbc_columns_plan ("", 80, &plan), 0);
    assert_int_equal (plan.count, 0);
    assert_int_equal (wbc_columns_plan (",, ,", 80, &plan), 0);
    assert_int_equal (plan.count, 0);
    //  unknown names only: nothing to show
    assert_int_equal (wbc_columns_plan ("Sender,from,SUBJECT", 80, &plan), 0);
    assert_int_equal (plan.count, 0);
    //  too narrow: nothing fits
    assert_int_equal (wbc_columns_plan ("From,Subject", 0, &plan), 0);
    assert_int_equal (plan.count, 0);
    assert_int_equal (wbc_columns_plan ("From,Subject", -5, &plan), 0);
    assert_int_equal (plan.count, 0);
    assert_null (wbc_columns_find (NULL));
    assert_null (wbc_columns_find (""));
    assert_null (wbc_columns_find ("from"));
    assert_null (wbc_columns_find ("Subject "));
    assert_null (wbc_columns_at (wbc_columns_count ()));
    assert_int_equal (wbc_columns_unknown (NULL, out, sizeof (out)), 0);
    assert_string_equal (out, "");
    assert_int_equal (wbc_columns_unknown ("A,B", NULL, 0), 2);
    assert_int_equal (wbc_columns_cell (NULL, 0, NULL, 0, out, sizeof (out)), -1);
    assert_int_equal (wbc_columns_plan ("From", 40, &plan), 0);
    assert_int_equal (wbc_columns_cell (&plan, 0, NULL, 0, NULL, 0), -1);
    strcpy (out, "stale");
    assert_int_equal (wbc_columns_cell (&plan, 1, NULL, 0, out, sizeof (out)), -1);
    assert_string_equal (out, "");
    assert_int_equal (wbc_columns_header (&plan, 1, out, sizeof (out)), -1);
    assert_int_equal (wbc_columns_header (NULL, 0, out, sizeof (out)), -1);
    //  no interaction: an empty cell of the column's width
    assert_int_equal (wbc_columns_cell (&plan, 0, NULL, 0, out, sizeof (out)), 0);
    assert_int_equal (wbc_text_width (out), (size_t) plan.width [0]);
    wbc_columns_known (NULL, 0);
}

//  Every row is complete, names are unique and find their row, and the
//  default list is known.
static void
test_table_rows_are_complete (void **state)
{
    (void) state;
    assert_true (wbc_columns_count () >= 8);
    for (size_t index = 0; index < wbc_columns_count (); index++) {
        const wbc_column_t *column = wbc_columns_at (index);
        assert_non_null (column);
        assert_true (column->name && *column->name && column->title && *column->title);
        assert_true (column->description && *column->description);
        assert_true (column->width > 0);
        assert_non_null (column->value);
        if (column->width_rule == WBC_WIDTH_FIXED)
            assert_int_equal (column->weight, 0);
        else
            assert_true (column->weight > 0);
        assert_ptr_equal (wbc_columns_find (column->name), column);
        assert_null (strchr (column->name, ','));
        assert_null (strchr (column->name, ' '));
    }
    char unknown [64];
    assert_int_equal (wbc_columns_unknown (WBC_COLUMNS_DEFAULT, unknown, sizeof (unknown)), 0);
    char known [256];
    wbc_columns_known (known, sizeof (known));
    assert_string_equal (known, "From, To, Subject, Received, Age, State, Priority, Owner");
}

//  Fixed columns take their width; shared ones split the rest by weight
//  (Subject twice the others), each followed by a space.
//  The plans below were drawn with dates as MM-DD HH:MM, 11 columns wide.
static void
s_short_dates (void)
{
    char error [160];
    assert_int_equal (wbc_columns_set_date_format ("%m-%d %H:%M", error, sizeof (error)), 0);
}

//  Dates: ISO 8601's order by default, 16 columns; another strftime format
//  takes its own width; one that writes nothing, a control character or
//  more than 24 columns is refused and changes nothing.
static void
test_date_format (void **state)
{
    (void) state;
    char error [160] = "", out [64];
    wb_kvlist_t *interaction = wb_kvlist_new ();
    wb_kvlist_add_string (interaction, WB_ATTR_RECEIVED_AT, "2026-11-21T09:05:00Z");
    wbc_columns_plan_t plan;
    assert_int_equal (wbc_columns_plan ("Received", 80, &plan), 0);
    assert_int_equal (plan.width [0], 16);
    assert_string_equal (s_value ("Received", interaction, 0, out, sizeof (out)), "2026-11-21 09:05");
    assert_int_equal (wbc_columns_set_date_format ("%d/%m %H:%M", error, sizeof (error)), 0);
    assert_string_equal (s_value ("Received", interaction, 0, out, sizeof (out)), "21/11 09:05");
    assert_int_equal (wbc_columns_plan ("Received", 80, &plan), 0);
    assert_int_equal (plan.width [0], 11);
    const char *bad [] = { "", "%Y%Y%Y%Y%Y%Y%Y", "a\tb", "%p%p%p%p%p%p%p%p%p%p%p%p%p" };
    for (size_t index = 0; index < sizeof (bad) / sizeof (bad [0]); index++) {
        error [0] = 0;
        assert_int_equal (wbc_columns_set_date_format (bad [index], error, sizeof (error)), -1);
        assert_non_null (strstr (error, "date format"));
    }
    assert_int_equal (wbc_columns_set_date_format (NULL, error, sizeof (error)), -1);
    assert_string_equal (s_value ("Received", interaction, 0, out, sizeof (out)), "21/11 09:05");
    assert_int_equal (wbc_columns_set_date_format (WBC_COLUMNS_DATE_FORMAT, error, sizeof (error)), 0);
    wb_kvlist_destroy (&interaction);
}

static void
test_plan_shares_the_width (void **state)
{
    (void) state;
    s_short_dates ();
    wbc_columns_plan_t plan;
    assert_int_equal (wbc_columns_plan ("From,Subject,Received", 60, &plan), 0);
    expected_column_t narrow [] = { { "From", 0, 15 }, { "Subject", 16, 31 }, { "Received", 48, 11 } };
    s_assert_plan (&plan, narrow, 3);
    //  wide: From stops at its cap, Subject at its own
    assert_int_equal (wbc_columns_plan ("From,Subject,Received", 300, &plan), 0);
    expected_column_t wide [] = { { "From", 0, 26 }, { "Subject", 27, 200 }, { "Received", 228, 11 } };
    s_assert_plan (&plan, wide, 3);
    //  spaces around names do not count
    assert_int_equal (wbc_columns_plan (" From , Subject ,Received", 60, &plan), 0);
    s_assert_plan (&plan, narrow, 3);
}

//  A narrow pane drops fixed columns from the right; fixed columns alone
//  are cut at the edge.
static void
test_plan_too_narrow (void **state)
{
    (void) state;
    s_short_dates ();
    wbc_columns_plan_t plan;
    assert_int_equal (wbc_columns_plan ("From,Subject,Received,Age,State", 40, &plan), 0);
    expected_column_t dropped [] = {
        { "From", 0, 6 }, { "Subject", 7, 15 }, { "Received", 23, 11 }, { "Age", 35, 4 },
    };
    s_assert_plan (&plan, dropped, 4);
    assert_int_equal (wbc_columns_plan ("Received,Age,State,Priority,Owner", 19, &plan), 0);
    expected_column_t cut [] = { { "Received", 0, 11 }, { "Age", 12, 4 }, { "State", 17, 2 } };
    s_assert_plan (&plan, cut, 3);
    //  one column of one: still shown
    assert_int_equal (wbc_columns_plan ("Subject", 1, &plan), 0);
    expected_column_t one [] = { { "Subject", 0, 1 } };
    s_assert_plan (&plan, one, 1);
}

//  Unknown names are skipped; at most WBC_COLUMNS_MAX are kept.
static void
test_plan_keeps_the_first_known (void **state)
{
    (void) state;
    wbc_columns_plan_t plan;
    assert_int_equal (wbc_columns_plan ("Sender,From,To,Subject,Received,Age,State,Priority,Colour,Owner,From",
                                        400, &plan), 0);
    const char *names [] = { "From", "To", "Subject", "Received", "Age", "State", "Priority", "Owner" };
    assert_int_equal (plan.count, WBC_COLUMNS_MAX);
    for (size_t index = 0; index < WBC_COLUMNS_MAX; index++)
        assert_string_equal (plan.column [index]->name, names [index]);
}

static void
test_unknown_names_are_listed (void **state)
{
    (void) state;
    char out [128];
    assert_int_equal (wbc_columns_unknown ("From,Sender, Colour ,Subject,,from", out, sizeof (out)), 3);
    assert_string_equal (out, "'Sender', 'Colour', 'from'");
    assert_int_equal (wbc_columns_unknown ("From, Subject", out, sizeof (out)), 0);
    assert_string_equal (out, "");
    //  a short buffer is cut, never overrun
    char small [8];
    assert_int_equal (wbc_columns_unknown ("Sender,Colour", small, sizeof (small)), 2);
    assert_true (strlen (small) < sizeof (small));
}

//  Each column takes its value from the right property.
static void
test_values_come_from_their_properties (void **state)
{
    (void) state;
    int64_t noon;
    assert_int_equal (wb_clock_parse ("2026-11-21T12:00:00Z", &noon), 0);
    int64_t wall_ms = noon * 1000;
    wb_kvlist_t *interaction = wb_kvlist_new ();
    char out [64];
    //  nothing there: every value is empty
    for (size_t index = 0; index < wbc_columns_count (); index++) {
        wbc_columns_at (index)->value (interaction, wall_ms, out, sizeof (out));
        assert_string_equal (out, "");
    }
    wb_kvlist_add_string (interaction, WB_ATTR_FROM_PERSONAL, "Anna");
    wb_kvlist_add_string (interaction, WB_ATTR_SUBMITTED_BY, "media01");
    wb_kvlist_add_int (interaction, WB_ATTR_INTERACTION_STATE, 7);
    wb_kvlist_add_string (interaction, WB_ATTR_RECEIVED_AT, "2026-11-21 09:00");
    assert_string_equal (s_value ("From", interaction, wall_ms, out, sizeof (out)), "Anna");
    assert_string_equal (s_value ("Owner", interaction, wall_ms, out, sizeof (out)), "media01");
    assert_string_equal (s_value ("State", interaction, wall_ms, out, sizeof (out)), "");
    assert_string_equal (s_value ("Received", interaction, wall_ms, out, sizeof (out)), "");
    assert_string_equal (s_value ("Age", interaction, wall_ms, out, sizeof (out)), "");
    wb_kvlist_add_string (interaction, WB_ATTR_FROM_ADDRESS, "anna@example.com");
    wb_kvlist_add_string (interaction, WB_ATTR_ASSIGNED_TO, "agent01");
    wb_kvlist_set_int (interaction, WB_ATTR_INTERACTION_STATE, WB_STATE_HANDLING);
    wb_kvlist_set_string (interaction, WB_ATTR_RECEIVED_AT, "2026-11-21T09:00:00Z");
    wb_kvlist_add_string (interaction, WB_ATTR_MAILBOX, "sales@example.com");
    wb_kvlist_add_string (interaction, WB_ATTR_SUBJECT, "Order 1");
    wb_kvlist_add_int (interaction, WB_ATTR_PRIORITY, 5);
    //  the name first, when there is one
    assert_string_equal (s_value ("From", interaction, wall_ms, out, sizeof (out)), "Anna");
    assert_string_equal (s_value ("Owner", interaction, wall_ms, out, sizeof (out)), "agent01");
    assert_string_equal (s_value ("State", interaction, wall_ms, out, sizeof (out)), "Handling");
    char error [160];
    assert_int_equal (wbc_columns_set_date_format (WBC_COLUMNS_DATE_FORMAT, error, sizeof (error)), 0);
    assert_string_equal (s_value ("Received", interaction, wall_ms, out, sizeof (out)), "2026-11-21 09:00");
    assert_string_equal (s_value ("Age", interaction, wall_ms, out, sizeof (out)), "3h");
    assert_string_equal (s_value ("To", interaction, wall_ms, out, sizeof (out)), "sales@example.com");
    assert_string_equal (s_value ("Subject", interaction, wall_ms, out, sizeof (out)), "Order 1");
    assert_string_equal (s_value ("Priority", interaction, wall_ms, out, sizeof (out)), "5");
    wb_kvlist_destroy (&interaction);
}

//  Cells and headers take exactly their column's width, wide characters too.
static void
test_cells_fit_their_width (void **state)
{
    (void) state;
    wbc_columns_plan_t plan;
    assert_int_equal (wbc_columns_plan ("From,Subject", 30, &plan), 0);
    wb_kvlist_t *interaction = wb_kvlist_new ();
    wb_kvlist_add_string (interaction, WB_ATTR_SUBJECT, "Order 1 — café 日本 and a great deal more");
    wb_kvlist_add_string (interaction, WB_ATTR_FROM_ADDRESS, "a@b.c");
    char cell [256];
    for (size_t index = 0; index < plan.count; index++) {
        assert_int_equal (wbc_columns_cell (&plan, index, interaction, 0, cell, sizeof (cell)), 0);
        assert_int_equal (wbc_text_width (cell), (size_t) plan.width [index]);
        assert_int_equal (wbc_columns_header (&plan, index, cell, sizeof (cell)), 0);
        assert_int_equal (wbc_text_width (cell), (size_t) plan.width [index]);
    }
    assert_int_equal (wbc_columns_cell (&plan, 1, interaction, 0, cell, sizeof (cell)), 0);
    assert_non_null (strstr (cell, "…"));
    assert_int_equal (wbc_columns_header (&plan, 1, cell, sizeof (cell)), 0);
    assert_int_equal (strncmp (cell, "Subject ", 8), 0);
    wb_kvlist_destroy (&interaction);
}

int
main (void)
{
    setlocale (LC_ALL, "C.UTF-8");
    setenv ("TZ", "UTC", 1);
    tzset ();
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_degenerate_calls),
        cmocka_unit_test (test_date_format),
        cmocka_unit_test (test_table_rows_are_complete),
        cmocka_unit_test (test_plan_shares_the_width),
        cmocka_unit_test (test_plan_too_narrow),
        cmocka_unit_test (test_plan_keeps_the_first_known),
        cmocka_unit_test (test_unknown_names_are_listed),
        cmocka_unit_test (test_values_come_from_their_properties),
        cmocka_unit_test (test_cells_fit_their_width),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
