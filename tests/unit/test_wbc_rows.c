/*  wbc_rows: sorting and filtering a pane's rows, built again when the
    replica changes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wbc_rows.h"
#include "wb_msg.h"
#include "wb_protocol.h"

//  An interaction: id, subject, sender, received, priority (-1: none).
static wb_kvlist_t *
s_interaction (const char *id, const char *subject, const char *from, const char *received,
               int64_t priority)
{
    wb_kvlist_t *interaction = wb_kvlist_new ();
    wb_kvlist_add_string (interaction, WB_ATTR_INTERACTION_ID, id);
    wb_kvlist_add_string (interaction, WB_ATTR_SUBJECT, subject);
    wb_kvlist_add_string (interaction, WB_ATTR_FROM_ADDRESS, from);
    wb_kvlist_add_string (interaction, WB_ATTR_RECEIVED_AT, received);
    if (priority >= 0)
        wb_kvlist_add_int (interaction, WB_ATTR_PRIORITY, priority);
    return interaction;
}

//  A replica loaded with five interactions, in this (the workbin's) order.
static wb_replica_t *
s_replica (void)
{
    wb_kvlist_t *list = wb_kvlist_new ();
    wb_kvlist_t *items [] = {
        s_interaction ("A", "Order late", "zoe@example.com", "2026-11-21T09:00:00Z", 2),
        s_interaction ("B", "invoice copy", "anna@sales.example.com", "2026-11-23T09:00:00Z", 5),
        s_interaction ("C", "Refund", "bob@example.com", "2026-11-20T09:00:00Z", -1),
        s_interaction ("D", "order status", "anna@example.com", "2026-11-22T09:00:00Z", 5),
        s_interaction ("E", "Hello", "carl@example.com", "2026-11-24T09:00:00Z", 1),
    };
    for (size_t index = 0; index < 5; index++)
        wb_kvlist_add_list (list, WB_ATTR_INTERACTION, &items [index]);
    wb_replica_t *replica = wb_replica_new ();
    assert_int_equal (wb_replica_load (replica, list, 10), WB_REPLICA_APPLIED);
    wb_kvlist_destroy (&list);
    return replica;
}

//  The ids shown, in order: "ABCDE".
static const char *
s_shown (wbc_rows_t *rows, const wb_replica_t *replica)
{
    static char ids [64];
    size_t size = wbc_rows_size (rows, replica);
    for (size_t row = 0; row < size && row < sizeof (ids) - 1; row++)
        ids [row] = *wb_kvlist_string (wbc_rows_at (rows, replica, row), WB_ATTR_INTERACTION_ID);
    ids [size < sizeof (ids) - 1 ? size : sizeof (ids) - 1] = 0;
    assert_null (wbc_rows_at (rows, replica, size));
    return ids;
}

static void
test_no_sort_no_filter_is_the_workbins_order (void **state)
{
    (void) state;
    wb_replica_t *replica = s_replica ();
    wbc_rows_t *rows = wbc_rows_new ();
    assert_false (wbc_rows_active (rows));
    assert_string_equal (s_shown (rows, replica), "ABCDE");
    assert_string_equal (s_shown (NULL, replica), "ABCDE");
    assert_int_equal (wbc_rows_index_of (rows, replica, "D"), 3);
    assert_int_equal (wbc_rows_index_of (rows, replica, "Z"), -1);
    assert_string_equal (wbc_rows_sort (rows), "");
    assert_string_equal (wbc_rows_filter (rows), "");
    wbc_rows_destroy (&rows);
    wbc_rows_destroy (&rows);
    assert_null (rows);
    wb_replica_destroy (&replica);
}

//  By text (case ignored), by date, by number; ties keep the workbin's
//  order in both directions; absent values last; Age is Received reversed.
static void
test_sort_by_columns (void **state)
{
    (void) state;
    wb_replica_t *replica = s_replica ();
    wbc_rows_t *rows = wbc_rows_new ();
    assert_int_equal (wbc_rows_set_sort (rows, "Subject", false), 0);
    assert_string_equal (s_shown (rows, replica), "EBADC");
    assert_int_equal (wbc_rows_set_sort (rows, "Subject", true), 0);
    assert_string_equal (s_shown (rows, replica), "CDABE");
    assert_int_equal (wbc_rows_set_sort (rows, "Received", false), 0);
    assert_string_equal (s_shown (rows, replica), "CADBE");
    assert_int_equal (wbc_rows_set_sort (rows, "Age", false), 0);
    assert_string_equal (s_shown (rows, replica), "EBDAC");
    assert_int_equal (wbc_rows_set_sort (rows, "Priority", false), 0);
    assert_string_equal (s_shown (rows, replica), "EABDC");
    assert_int_equal (wbc_rows_set_sort (rows, "Priority", true), 0);
    assert_string_equal (s_shown (rows, replica), "BDAEC");
    assert_true (wbc_rows_descending (rows));
    assert_string_equal (wbc_rows_sort (rows), "Priority");
    assert_int_equal (wbc_rows_index_of (rows, replica, "A"), 2);
    //  an unknown column changes nothing
    assert_int_equal (wbc_rows_set_sort (rows, "Colour", false), -1);
    assert_string_equal (wbc_rows_sort (rows), "Priority");
    assert_int_equal (wbc_rows_set_sort (rows, "", true), 0);
    assert_false (wbc_rows_descending (rows));
    assert_string_equal (s_shown (rows, replica), "ABCDE");
    wbc_rows_destroy (&rows);
    wb_replica_destroy (&replica);
}

//  Words must all match: any text property, or COLUMN:TEXT in that
//  column's text; case ignored; bad filters are refused and change nothing.
static void
test_filter_words (void **state)
{
    (void) state;
    wb_replica_t *replica = s_replica ();
    wbc_rows_t *rows = wbc_rows_new ();
    char error [128];
    assert_int_equal (wbc_rows_set_filter (rows, "order", error, sizeof (error)), 0);
    assert_string_equal (s_shown (rows, replica), "AD");
    assert_int_equal (wbc_rows_set_filter (rows, "  ORDER  anna ", error, sizeof (error)), 0);
    assert_string_equal (s_shown (rows, replica), "D");
    assert_string_equal (wbc_rows_filter (rows), "ORDER  anna ");
    assert_int_equal (wbc_rows_set_filter (rows, "from:sales", error, sizeof (error)), 0);
    assert_string_equal (s_shown (rows, replica), "B");
    assert_int_equal (wbc_rows_set_filter (rows, "subject:example", error, sizeof (error)), 0);
    assert_string_equal (s_shown (rows, replica), "");
    assert_int_equal (wbc_rows_index_of (rows, replica, "B"), -1);
    //  a word with a colon that names no column is plain text
    assert_int_equal (wbc_rows_set_filter (rows, "colour:red", error, sizeof (error)), 0);
    assert_string_equal (s_shown (rows, replica), "");
    assert_int_equal (wbc_rows_set_filter (rows, "Received:11-2", error, sizeof (error)), 0);
    assert_string_equal (s_shown (rows, replica), "ABCDE");
    //  refused: the filter stays as it was
    assert_int_equal (wbc_rows_set_filter (rows, "order Subject:", error, sizeof (error)), -1);
    assert_string_equal (error, "Subject: needs text to look for");
    assert_int_equal (wbc_rows_set_filter (rows, "a b c d e f g h i", error, sizeof (error)), -1);
    assert_string_equal (error, "a filter has at most 8 words");
    char long_filter [WBC_ROWS_FILTER_MAX + 1];
    memset (long_filter, 'x', WBC_ROWS_FILTER_MAX);
    long_filter [WBC_ROWS_FILTER_MAX] = 0;
    assert_int_equal (wbc_rows_set_filter (rows, long_filter, NULL, 0), -1);
    assert_string_equal (wbc_rows_filter (rows), "Received:11-2");
    //  with a sort
    assert_int_equal (wbc_rows_set_filter (rows, "example.com", error, sizeof (error)), 0);
    assert_int_equal (wbc_rows_set_sort (rows, "From", false), 0);
    assert_string_equal (s_shown (rows, replica), "DBCEA");
    assert_int_equal (wbc_rows_set_filter (rows, "", error, sizeof (error)), 0);
    assert_int_equal (wbc_rows_set_filter (rows, NULL, error, sizeof (error)), 0);
    assert_string_equal (wbc_rows_filter (rows), "");
    assert_int_equal (wbc_rows_set_filter (NULL, "x", error, sizeof (error)), -1);
    wbc_rows_destroy (&rows);
    wb_replica_destroy (&replica);
}

//  A live change to the replica is in the rows the next time they are
//  read: a new one sorted into its place, a changed one moved, one gone.
static void
test_rows_follow_the_replica (void **state)
{
    (void) state;
    wb_replica_t *replica = s_replica ();
    wbc_rows_t *rows = wbc_rows_new ();
    assert_int_equal (wbc_rows_set_sort (rows, "Priority", true), 0);
    assert_string_equal (s_shown (rows, replica), "BDAEC");
    struct { int operation; const char *id; int64_t priority; const char *shown; } steps [] = {
        { WB_CONTENT_PLACED_IN, "F", 9, "FBDAEC" },
        { WB_CONTENT_PROPERTIES_CHANGED, "C", 3, "FBDCAE" },
        { WB_CONTENT_TAKEN_OUT, "B", 5, "FDCAE" },
    };
    for (size_t index = 0; index < 3; index++) {
        wb_kvlist_t *event = wb_kvlist_new ();
        wb_kvlist_add_int (event, WB_ATTR_WORKBIN_CONTENT_OPERATION, steps [index].operation);
        wb_kvlist_t *interaction = s_interaction (steps [index].id, "x", "x@example.com",
                                                  "2026-11-25T09:00:00Z", steps [index].priority);
        wb_kvlist_add_list (event, WB_ATTR_INTERACTION, &interaction);
        wb_kvlist_add_int (event, WB_ATTR_WORKBIN_VERSION, 11 + (int64_t) index);
        assert_int_equal (wb_replica_apply_event (replica, event), WB_REPLICA_APPLIED);
        wb_kvlist_destroy (&event);
        assert_string_equal (s_shown (rows, replica), steps [index].shown);
    }
    //  another replica: built for it
    wb_replica_t *other = s_replica ();
    assert_string_equal (s_shown (rows, other), "BDAEC");
    wb_replica_destroy (&other);
    wbc_rows_destroy (&rows);
    wb_replica_destroy (&replica);
}

//  A replica loaded from the five interactions received as a client
//  receives them (kept with their structure checked only), the subject
//  of "C" no longer UTF-8 on the way.
static wb_replica_t *
s_replica_with_a_fault (void)
{
    wb_replica_t *sent = s_replica ();
    wb_kvlist_t *page = wb_kvlist_new ();
    for (size_t index = 0; index < wb_replica_size (sent); index++) {
        wb_kvlist_t *copy = wb_kvlist_dup (wb_replica_at (sent, index));
        wb_kvlist_add_list (page, WB_ATTR_INTERACTION, &copy);
    }
    wb_replica_destroy (&sent);
    wb_kvlist_t *body = wb_kvlist_new ();
    wb_kvlist_add_list (body, WB_ATTR_INTERACTIONS, &page);
    size_t size = 0;
    uint8_t *bytes = wb_kvlist_encode (body, &size);
    wb_kvlist_destroy (&body);
    for (size_t offset = 0; offset + 6 <= size; offset++)
        if (memcmp (bytes + offset, "Refund", 6) == 0)
            bytes [offset + 2] = 0xff;
    wb_kvlist_t *received = wb_kvlist_decode_lazy (bytes, size, NULL);
    free (bytes);
    assert_non_null (received);
    wb_replica_t *replica = wb_replica_new ();
    assert_int_equal (wb_replica_load (replica, wb_kvlist_list (received, WB_ATTR_INTERACTIONS),
                                       10), WB_REPLICA_APPLIED);
    wb_kvlist_destroy (&received);
    return replica;
}

//  The row of an interaction that cannot be read says so, in the
//  workbin's order and sorted (last: it has no value); a filter passes
//  it by; the other rows read as ever.
static void
test_a_row_that_cannot_be_read_says_so (void **state)
{
    (void) state;
    wb_replica_t *replica = s_replica_with_a_fault ();
    wbc_rows_t *rows = wbc_rows_new ();
    char text [128] = "";
    assert_int_equal (wbc_rows_size (rows, replica), 5);
    assert_null (wbc_rows_at (rows, replica, 2));
    assert_true (wbc_rows_unreadable (rows, replica, 2, text, sizeof (text)));
    assert_string_equal (text, "this interaction cannot be read: string is not valid UTF-8");
    assert_false (wbc_rows_unreadable (rows, replica, 1, text, sizeof (text)));
    assert_false (wbc_rows_unreadable (rows, replica, 5, text, sizeof (text)));
    assert_false (wbc_rows_unreadable (NULL, replica, 0, text, sizeof (text)));
    assert_true (wbc_rows_unreadable (NULL, replica, 2, NULL, 0));
    assert_int_equal (wbc_rows_set_sort (rows, "Priority", true), 0);
    assert_int_equal (wbc_rows_size (rows, replica), 5);
    assert_true (wbc_rows_unreadable (rows, replica, 4, text, sizeof (text)));
    assert_string_equal (wb_kvlist_string (wbc_rows_at (rows, replica, 0),
                                           WB_ATTR_INTERACTION_ID), "B");
    assert_int_equal (wbc_rows_set_filter (rows, "order", NULL, 0), 0);
    assert_int_equal (wbc_rows_size (rows, replica), 2);
    assert_false (wbc_rows_unreadable (rows, replica, 0, text, sizeof (text)));
    assert_false (wbc_rows_unreadable (rows, replica, 1, text, sizeof (text)));
    wbc_rows_destroy (&rows);
    wb_replica_destroy (&replica);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_no_sort_no_filter_is_the_workbins_order),
        cmocka_unit_test (test_sort_by_columns),
        cmocka_unit_test (test_filter_words),
        cmocka_unit_test (test_rows_follow_the_replica),
        cmocka_unit_test (test_a_row_that_cannot_be_read_says_so),
    };
    return cmocka_run_group_tests_name ("wbc_rows", tests, NULL, NULL);
}
