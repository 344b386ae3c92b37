/*  Tests of wb_replica: snapshot plus versioned changes, gaps, duplicates. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>
#include "wb_replica.h"

static wb_kvlist_t *
s_interaction (const char *id, const char *subject)
{
    wb_kvlist_t *interaction = wb_kvlist_new ();
    wb_kvlist_add_string (interaction, "InteractionId", id);
    wb_kvlist_add_string (interaction, "Subject", subject);
    return interaction;
}

//  An EventWorkbinContentChanged body.
static wb_kvlist_t *
s_event (int operation, int64_t version, const char *id, const char *subject)
{
    wb_kvlist_t *event = wb_kvlist_new ();
    wb_kvlist_add_int (event, "WorkbinContentOperation", operation);
    wb_kvlist_t *interaction = s_interaction (id, subject);
    wb_kvlist_add_list (event, "Interaction", &interaction);
    wb_kvlist_add_int (event, "WorkbinVersion", version);
    return event;
}

static wb_replica_result_t
s_feed (wb_replica_t *replica, int operation, int64_t version, const char *id, const char *subject)
{
    wb_kvlist_t *event = s_event (operation, version, id, subject);
    wb_replica_result_t result = wb_replica_apply_event (replica, event);
    wb_kvlist_destroy (&event);
    return result;
}

//  A snapshot of ids "1".."count", subjects "s1"...
static wb_kvlist_t *
s_snapshot (int count)
{
    wb_kvlist_t *interactions = wb_kvlist_new ();
    for (int index = 1; index <= count; index++) {
        char id [16], subject [16];
        snprintf (id, sizeof (id), "%d", index);
        snprintf (subject, sizeof (subject), "s%d", index);
        wb_kvlist_t *interaction = s_interaction (id, subject);
        wb_kvlist_add_list (interactions, "Interaction", &interaction);
    }
    return interactions;
}

static const char *
s_id_at (wb_replica_t *replica, size_t index)
{
    return wb_kvlist_string (wb_replica_at (replica, index), "InteractionId");
}

static void
test_degenerate_calls (void **state)
{
    (void) state;
    wb_replica_t *replica = NULL;
    wb_replica_destroy (&replica);
    wb_replica_destroy (NULL);
    assert_int_equal (wb_replica_apply_event (NULL, NULL), WB_REPLICA_INVALID);
    assert_int_equal (wb_replica_load (NULL, NULL, 0), WB_REPLICA_INVALID);
    assert_true (wb_replica_needs_fetch (NULL));
    assert_null (wb_replica_at (NULL, 0));
    replica = wb_replica_new ();
    assert_false (wb_replica_has_snapshot (replica));
    assert_int_equal (wb_replica_size (replica), 0);
    assert_int_equal (wb_replica_index_of (replica, "x"), -1);
    wb_kvlist_t *empty = wb_kvlist_new ();
    assert_int_equal (wb_replica_apply_event (replica, empty), WB_REPLICA_INVALID);
    assert_int_equal (s_feed (replica, 9, 1, "1", "x"), WB_REPLICA_INVALID);
    assert_int_equal (wb_replica_load (replica, empty, 0), WB_REPLICA_APPLIED);
    assert_int_equal (wb_replica_size (replica), 0);
    wb_kvlist_destroy (&empty);
    wb_replica_destroy (&replica);
    assert_null (replica);
}

static void
test_events_apply_in_order (void **state)
{
    (void) state;
    wb_replica_t *replica = wb_replica_new ();
    wb_kvlist_t *snapshot = s_snapshot (3);
    assert_int_equal (wb_replica_load (replica, snapshot, 10), WB_REPLICA_APPLIED);
    assert_int_equal (s_feed (replica, 2, 11, "4", "s4"), WB_REPLICA_APPLIED);
    assert_int_equal (s_feed (replica, 1, 12, "2", "s2"), WB_REPLICA_APPLIED);
    assert_int_equal (s_feed (replica, 3, 13, "1", "renamed"), WB_REPLICA_APPLIED);
    assert_int_equal (wb_replica_size (replica), 3);
    assert_string_equal (s_id_at (replica, 0), "1");
    assert_string_equal (s_id_at (replica, 1), "3");
    assert_string_equal (s_id_at (replica, 2), "4");
    assert_string_equal (wb_kvlist_string (wb_replica_at (replica, 0), "Subject"), "renamed");
    assert_int_equal (wb_replica_version (replica), 13);
    assert_int_equal (wb_replica_changes_applied (replica), 3);
    wb_kvlist_destroy (&snapshot);
    wb_replica_destroy (&replica);
}

static void
test_duplicates_are_ignored (void **state)
{
    (void) state;
    wb_replica_t *replica = wb_replica_new ();
    wb_kvlist_t *snapshot = s_snapshot (1);
    wb_replica_load (replica, snapshot, 5);
    assert_int_equal (s_feed (replica, 2, 6, "2", "s2"), WB_REPLICA_APPLIED);
    assert_int_equal (s_feed (replica, 2, 6, "2", "s2"), WB_REPLICA_DUPLICATE);
    assert_int_equal (s_feed (replica, 1, 4, "1", "s1"), WB_REPLICA_DUPLICATE);
    assert_int_equal (wb_replica_size (replica), 2);
    wb_kvlist_destroy (&snapshot);
    wb_replica_destroy (&replica);
}

static void
test_gap_asks_for_a_fetch (void **state)
{
    (void) state;
    wb_replica_t *replica = wb_replica_new ();
    wb_kvlist_t *snapshot = s_snapshot (2);
    wb_replica_load (replica, snapshot, 1);
    assert_false (wb_replica_needs_fetch (replica));
    assert_int_equal (s_feed (replica, 2, 3, "9", "s9"), WB_REPLICA_GAP);
    assert_true (wb_replica_needs_fetch (replica));
    //  later events are refused until the copy is fetched again
    assert_int_equal (s_feed (replica, 2, 2, "8", "s8"), WB_REPLICA_GAP);
    wb_replica_reset (replica);
    assert_int_equal (s_feed (replica, 2, 4, "7", "s7"), WB_REPLICA_KEPT);
    assert_int_equal (wb_replica_load (replica, snapshot, 3), WB_REPLICA_APPLIED);
    assert_int_equal (wb_replica_size (replica), 3);
    assert_false (wb_replica_needs_fetch (replica));
    wb_kvlist_destroy (&snapshot);
    wb_replica_destroy (&replica);
}

static void
test_kept_events_older_than_snapshot_are_dropped (void **state)
{
    (void) state;
    wb_replica_t *replica = wb_replica_new ();
    //  subscribed at 4; events 5 and 6 arrive before the snapshot at 5
    assert_int_equal (s_feed (replica, 2, 5, "5", "s5"), WB_REPLICA_KEPT);
    assert_int_equal (s_feed (replica, 2, 6, "6", "s6"), WB_REPLICA_KEPT);
    wb_kvlist_t *snapshot = s_snapshot (5);     //  already holds "5"
    assert_int_equal (wb_replica_load (replica, snapshot, 5), WB_REPLICA_APPLIED);
    assert_int_equal (wb_replica_size (replica), 6);
    assert_int_equal (wb_replica_version (replica), 6);
    assert_int_equal (wb_replica_index_of (replica, "6"), 5);
    wb_kvlist_destroy (&snapshot);
    wb_replica_destroy (&replica);
}

static void
test_kept_events_with_a_gap_report_it (void **state)
{
    (void) state;
    wb_replica_t *replica = wb_replica_new ();
    s_feed (replica, 2, 9, "9", "s9");
    wb_kvlist_t *snapshot = s_snapshot (1);
    assert_int_equal (wb_replica_load (replica, snapshot, 5), WB_REPLICA_GAP);
    assert_true (wb_replica_needs_fetch (replica));
    wb_kvlist_destroy (&snapshot);
    wb_replica_destroy (&replica);
}

static void
test_inconsistent_event_is_a_gap (void **state)
{
    (void) state;
    wb_replica_t *replica = wb_replica_new ();
    wb_kvlist_t *snapshot = s_snapshot (1);
    wb_replica_load (replica, snapshot, 1);
    //  taking out what is not there, or placing what is: the copy is wrong
    assert_int_equal (s_feed (replica, 1, 2, "42", "x"), WB_REPLICA_GAP);
    wb_replica_reset (replica);
    wb_replica_load (replica, snapshot, 1);
    assert_int_equal (s_feed (replica, 2, 2, "1", "again"), WB_REPLICA_GAP);
    wb_kvlist_destroy (&snapshot);
    wb_replica_destroy (&replica);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_degenerate_calls),
        cmocka_unit_test (test_events_apply_in_order),
        cmocka_unit_test (test_duplicates_are_ignored),
        cmocka_unit_test (test_gap_asks_for_a_fetch),
        cmocka_unit_test (test_kept_events_older_than_snapshot_are_dropped),
        cmocka_unit_test (test_kept_events_with_a_gap_report_it),
        cmocka_unit_test (test_inconsistent_event_is_a_gap),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
