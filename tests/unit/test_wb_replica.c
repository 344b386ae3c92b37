/*  Tests of wb_replica: snapshot plus versioned changes, gaps, duplicates;
    and the Clone pattern against a model workbin under random changes
    (seeded: WB_SEED=N repeats a run, the seed is printed). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "wb_replica.h"
#include "wb_test_util.h"

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

//  A snapshot that names an interaction twice, or one without an id,
//  keeps the first of the two and leaves the other out, whether its
//  interactions come decoded or still encoded.
static void
test_snapshot_keeps_one_of_a_repeated_id (void **state)
{
    (void) state;
    wb_kvlist_t *snapshot = s_snapshot (3);
    wb_kvlist_t *again = s_interaction ("2", "second");
    wb_kvlist_add_list (snapshot, "Interaction", &again);
    wb_kvlist_t *nameless = wb_kvlist_new ();
    wb_kvlist_add_string (nameless, "Subject", "no id");
    wb_kvlist_add_list (snapshot, "Interaction", &nameless);
    wb_kvlist_t *body = wb_kvlist_new ();
    wb_kvlist_t *copy = wb_kvlist_dup (snapshot);
    wb_kvlist_add_list (body, "Interactions", &copy);
    size_t size = 0;
    uint8_t *bytes = wb_kvlist_encode (body, &size);
    wb_kvlist_t *received = wb_kvlist_decode (bytes, size, NULL);
    const wb_kvlist_t *pages [2] = { snapshot, wb_kvlist_list (received, "Interactions") };
    for (int index = 0; index < 2; index++) {
        wb_replica_t *replica = wb_replica_new ();
        assert_int_equal (wb_replica_load (replica, pages [index], 1), WB_REPLICA_APPLIED);
        assert_int_equal (wb_replica_size (replica), 3);
        assert_string_equal (wb_kvlist_string (wb_replica_at (replica, 1), "Subject"), "s2");
        assert_int_equal (wb_replica_index_of (replica, "3"), 2);
        wb_replica_destroy (&replica);
    }
    free (bytes);
    wb_kvlist_destroy (&received);
    wb_kvlist_destroy (&body);
    wb_kvlist_destroy (&snapshot);
}

//  A big copy, loaded encoded, half of it read (decoded, so its items
//  shrink), then turned over many times by events: every id is found at
//  its place, none that left, and a placed id that is there is refused.
static void
test_lookup_follows_a_big_copy_through_changes (void **state)
{
    (void) state;
    enum { COUNT = 5000, ROUNDS = 4 };
    wb_kvlist_t *snapshot = s_snapshot (COUNT);
    wb_kvlist_t *body = wb_kvlist_new ();
    wb_kvlist_add_list (body, "Interactions", &snapshot);
    size_t size = 0;
    uint8_t *bytes = wb_kvlist_encode (body, &size);
    wb_kvlist_t *received = wb_kvlist_decode (bytes, size, NULL);
    wb_replica_t *replica = wb_replica_new ();
    assert_int_equal (wb_replica_load (replica, wb_kvlist_list (received, "Interactions"), 1),
                      WB_REPLICA_APPLIED);
    for (size_t index = 0; index < COUNT; index += 2)
        assert_non_null (wb_replica_at (replica, index));
    int64_t version = 1;
    char id [16], subject [16];
    //  each round takes the first COUNT out and places as many new ones
    for (int round = 1; round <= ROUNDS; round++) {
        for (int number = 1; number <= COUNT; number++) {
            snprintf (id, sizeof (id), "%d", (round - 1) * COUNT + number);
            assert_int_equal (s_feed (replica, 1, ++version, id, "gone"), WB_REPLICA_APPLIED);
            snprintf (id, sizeof (id), "%d", round * COUNT + number);
            snprintf (subject, sizeof (subject), "r%d", round);
            assert_int_equal (s_feed (replica, 2, ++version, id, subject), WB_REPLICA_APPLIED);
        }
        assert_int_equal (wb_replica_size (replica), COUNT);
        for (int number = 1; number <= COUNT; number++) {
            snprintf (id, sizeof (id), "%d", round * COUNT + number);
            assert_int_equal (wb_replica_index_of (replica, id), number - 1);
            snprintf (id, sizeof (id), "%d", (round - 1) * COUNT + number);
            assert_int_equal (wb_replica_index_of (replica, id), -1);
        }
    }
    //  a change keeps its place and stays found; a placed id already there is a gap
    snprintf (id, sizeof (id), "%d", ROUNDS * COUNT + 7);
    assert_int_equal (s_feed (replica, 3, ++version, id, "changed"), WB_REPLICA_APPLIED);
    assert_int_equal (wb_replica_index_of (replica, id), 6);
    assert_string_equal (wb_kvlist_string (wb_replica_at (replica, 6), "Subject"), "changed");
    assert_int_equal (s_feed (replica, 2, ++version, id, "again"), WB_REPLICA_GAP);
    //  after a fetch, an id that left long ago comes back: placed at the end
    wb_replica_reset (replica);
    assert_int_equal (wb_replica_load (replica, wb_kvlist_list (received, "Interactions"), 1),
                      WB_REPLICA_APPLIED);
    assert_int_equal (s_feed (replica, 1, 2, "1", "gone"), WB_REPLICA_APPLIED);
    assert_int_equal (wb_replica_index_of (replica, "1"), -1);
    assert_int_equal (s_feed (replica, 2, 3, "1", "back"), WB_REPLICA_APPLIED);
    assert_int_equal (wb_replica_index_of (replica, "1"), COUNT - 1);
    assert_int_equal (wb_replica_index_of (replica, "2"), 0);
    wb_replica_destroy (&replica);
    wb_kvlist_destroy (&received);
    wb_kvlist_destroy (&body);
    free (bytes);
}

//  Room made at once for what the first page says (a count past the bound
//  makes no more room than the bound, and a count a load already passed
//  none): the pages load the same, every id found at its place, and the
//  copy then changes as any other.
static void
test_room_made_for_a_snapshot_loads_the_same (void **state)
{
    (void) state;
    enum { COUNT = 3000, PAGE = 700 };
    wb_kvlist_t *all = s_snapshot (COUNT);
    size_t counts [] = { COUNT, 10, SIZE_MAX };
    for (size_t test = 0; test < 3; test++) {
        wb_replica_t *replica = wb_replica_new ();
        wb_replica_load_begin (replica);
        wb_replica_load_reserve (replica, counts [test]);
        for (size_t from = 0; from < COUNT; from += PAGE) {
            wb_kvlist_t *page = wb_kvlist_new ();
            for (size_t index = from; index < from + PAGE && index < COUNT; index++) {
                wb_kvlist_t *interaction = wb_kvlist_dup (wb_kvlist_list_at (all, index));
                wb_kvlist_add_list (page, "Interaction", &interaction);
            }
            assert_int_equal (wb_replica_load_add (replica, page), 0);
            wb_replica_load_reserve (replica, PAGE);     //  held already: nothing
            wb_kvlist_destroy (&page);
        }
        assert_int_equal (wb_replica_load_end (replica, 1), WB_REPLICA_APPLIED);
        assert_int_equal (wb_replica_size (replica), COUNT);
        char id [16];
        for (int number = 1; number <= COUNT; number += 7) {
            snprintf (id, sizeof (id), "%d", number);
            assert_int_equal (wb_replica_index_of (replica, id), number - 1);
        }
        assert_int_equal (s_feed (replica, 1, 2, "1", "gone"), WB_REPLICA_APPLIED);
        assert_int_equal (s_feed (replica, 2, 3, "new", "here"), WB_REPLICA_APPLIED);
        assert_int_equal (wb_replica_index_of (replica, "1"), -1);
        assert_int_equal (wb_replica_index_of (replica, "new"), COUNT - 1);
        assert_string_equal (s_id_at (replica, 0), "2");
        wb_replica_destroy (&replica);
    }
    wb_replica_load_reserve (NULL, 5);
    wb_kvlist_destroy (&all);
}

//  A page as the client receives it (wb_kvlist_decode_lazy): interactions
//  kept with their structure checked only. One whose subject, id or a key
//  is at fault is loaded in its place, and fails its first read naming
//  why; the others are loaded and read as sent, found by id. An id at
//  fault, or hidden by a key at fault before it, is not in the index.
static void
test_an_interaction_at_fault_fails_its_first_read_alone (void **state)
{
    (void) state;
    wb_kvlist_t *page = wb_kvlist_new ();
    const char *ids [] = { "i-0", "i-1", "i-2" };
    const char *subjects [] = { "s-0", "bad-subject", "s-2" };
    for (size_t item = 0; item < 3; item++) {
        wb_kvlist_t *interaction = wb_kvlist_new ();
        if (item == 1)
            wb_kvlist_add_string (interaction, "BadKey", "x");
        wb_kvlist_add_string (interaction, "InteractionId", ids [item]);
        wb_kvlist_add_string (interaction, "Subject", subjects [item]);
        wb_kvlist_add_list (page, "Interaction", &interaction);
    }
    wb_kvlist_t *body = wb_kvlist_new ();
    wb_kvlist_add_list (body, "Interactions", &page);
    size_t size = 0;
    uint8_t *bytes = wb_kvlist_encode (body, &size);
    assert_non_null (bytes);
    const struct {
        const char *marker; size_t at; uint8_t bad; wb_codec_status_t status; bool found;
    } faults [] = {
        { "bad-subject", 3, 0xff, WB_CODEC_BAD_UTF8, true },
        { "bad-subject", 3, 0x00, WB_CODEC_BAD_UTF8, true },
        { "bad-subject", 3, 0x1b, WB_CODEC_OK, true },      //  ESC is UTF-8: it reads
        { "i-1", 1, 0xc0, WB_CODEC_BAD_UTF8, false },
        { "i-1", 1, 0x00, WB_CODEC_BAD_UTF8, false },
        { "BadKey", 3, 0x01, WB_CODEC_BAD_KEY, false },
    };
    for (size_t index = 0; index < sizeof (faults) / sizeof (faults [0]); index++) {
        uint8_t *at = wb_bytes_marker (bytes, size, faults [index].marker) + faults [index].at;
        uint8_t good = *at;
        *at = faults [index].bad;
        wb_codec_status_t status = WB_CODEC_TRUNCATED;
        wb_kvlist_t *received = wb_kvlist_decode_lazy (bytes, size, &status);
        assert_int_equal (status, WB_CODEC_OK);
        wb_replica_t *replica = wb_replica_new ();
        assert_int_equal (wb_replica_load (replica, wb_kvlist_list (received, "Interactions"), 1),
                          WB_REPLICA_APPLIED);
        wb_kvlist_destroy (&received);
        assert_int_equal (wb_replica_size (replica), 3);
        assert_int_equal (wb_replica_index_of (replica, "i-1"), faults [index].found ? 1 : -1);
        for (int pass = 0; pass < 2; pass++) {      //  the fault stays
            assert_int_equal (wb_replica_status_at (replica, 1), faults [index].status);
            if (faults [index].status == WB_CODEC_OK)
                assert_non_null (wb_replica_at (replica, 1));
            else
                assert_null (wb_replica_at (replica, 1));
        }
        for (size_t item = 0; item < 3; item += 2) {
            assert_int_equal (wb_replica_index_of (replica, ids [item]), (long) item);
            assert_int_equal (wb_replica_status_at (replica, item), WB_CODEC_OK);
            assert_string_equal (wb_kvlist_string (wb_replica_at (replica, item), "Subject"),
                                 subjects [item]);
        }
        assert_int_equal (wb_replica_status_at (replica, 3), WB_CODEC_TRUNCATED);
        //  a change to a good one still applies; the copy is whole
        assert_int_equal (s_feed (replica, 3, 2, "i-2", "changed"), WB_REPLICA_APPLIED);
        assert_string_equal (wb_kvlist_string (wb_replica_at (replica, 2), "Subject"), "changed");
        //  a change whose Interaction cannot be read: a gap, fetch again
        wb_kvlist_t *event = s_event (3, 3, "i-0", "bad-subject");
        size_t event_size = 0;
        uint8_t *event_bytes = wb_kvlist_encode (event, &event_size);
        wb_kvlist_destroy (&event);
        *(wb_bytes_marker (event_bytes, event_size, "bad-subject") + 3) = 0xff;
        event = wb_kvlist_decode_lazy (event_bytes, event_size, NULL);
        free (event_bytes);
        assert_non_null (event);
        assert_false (wb_replica_needs_fetch (replica));
        assert_int_equal (wb_replica_apply_event (replica, event), WB_REPLICA_GAP);
        assert_true (wb_replica_needs_fetch (replica));
        assert_string_equal (wb_kvlist_string (wb_replica_at (replica, 0), "Subject"), "s-0");
        wb_kvlist_destroy (&event);
        wb_replica_destroy (&replica);
        *at = good;
    }
    wb_kvlist_destroy (&body);
    free (bytes);
}

//  The items of a page loaded encoded share one allocation: whatever
//  order they leave it in (read, taken out, changed, the copy reset or
//  destroyed), each stays whole until it goes and none is freed twice
//  (ASan sees the rest); two pages make two blocks.
static void
test_items_of_a_page_leave_it_in_any_order (void **state)
{
    (void) state;
    enum { COUNT = 40 };
    wb_kvlist_t *snapshot = s_snapshot (COUNT);
    wb_kvlist_t *body = wb_kvlist_new ();
    wb_kvlist_add_list (body, "Interactions", &snapshot);
    size_t size = 0;
    uint8_t *bytes = wb_kvlist_encode (body, &size);
    wb_kvlist_t *received = wb_kvlist_decode (bytes, size, NULL);
    const wb_kvlist_t *page = wb_kvlist_list (received, "Interactions");
    size_t item_size = 0, depth = 0;
    assert_non_null (wb_kvlist_encoded_at (page, 0, &item_size, &depth));
    for (int ending = 0; ending < 3; ending++) {
        wb_replica_t *replica = wb_replica_new ();
        wb_replica_load_begin (replica);
        assert_int_equal (wb_replica_load_add (replica, page), 0);
        //  the same page again: every id is there already, every item refused
        assert_int_equal (wb_replica_load_add (replica, page), 0);
        assert_int_equal (wb_replica_load_end (replica, 1), WB_REPLICA_APPLIED);
        assert_int_equal (wb_replica_size (replica), COUNT);
        //  read every third, take every fourth out, change every fifth
        int64_t version = 1;
        char id [16], subject [16];
        for (int number = 1; number <= COUNT; number++) {
            snprintf (id, sizeof (id), "%d", number);
            if (number % 3 == 0)
                assert_string_equal (s_id_at (replica, (size_t) wb_replica_index_of (replica, id)),
                                     id);
            if (number % 4 == 0)
                assert_int_equal (s_feed (replica, 1, ++version, id, "gone"), WB_REPLICA_APPLIED);
            else
            if (number % 5 == 0)
                assert_int_equal (s_feed (replica, 3, ++version, id, "changed"),
                                  WB_REPLICA_APPLIED);
        }
        //  what is left reads as it was sent, or as changed
        assert_int_equal (wb_replica_size (replica), COUNT - COUNT / 4);
        for (size_t index = 0; index < wb_replica_size (replica); index++) {
            const wb_kvlist_t *item = wb_replica_at (replica, index);
            int number = atoi (wb_kvlist_string (item, "InteractionId"));
            snprintf (subject, sizeof (subject), "s%d", number);
            assert_string_equal (wb_kvlist_string (item, "Subject"),
                                 number % 5 == 0 ? "changed" : subject);
        }
        if (ending == 1)
            wb_replica_reset (replica);
        if (ending == 2) {
            //  a second load: the first page's items leave, a new block comes
            assert_int_equal (wb_replica_load (replica, page, 1), WB_REPLICA_APPLIED);
            assert_int_equal (wb_replica_size (replica), COUNT);
            assert_string_equal (s_id_at (replica, COUNT - 1), "40");
        }
        wb_replica_destroy (&replica);
    }
    wb_kvlist_destroy (&received);
    wb_kvlist_destroy (&body);
    free (bytes);
}

// ---------------------------------------------------------------- randomized

#define MODEL_MAX 48                /* interactions in the model workbin */
#define EVENTS_MAX 20000            /* changes in one run */
#define FETCHES 250                 /* snapshot loads in one run */
#define DEFAULT_SEED 20261207

//  The workbin as the server has it, and every change it went through:
//  events [v] is the EventWorkbinContentChanged body that made version v.
typedef struct {
    wb_kvlist_t *items [MODEL_MAX];
    size_t size;
    int64_t version;
    int next_number;
    wb_kvlist_t **events;
    uint64_t random;
    int gaps, duplicates, kept, pages;   /* what the run went through */
} s_model_t;

//  xorshift64*: the same numbers from a seed on every machine.
static uint32_t
s_random (s_model_t *model, uint32_t bound)
{
    model->random ^= model->random >> 12;
    model->random ^= model->random << 25;
    model->random ^= model->random >> 27;
    return (uint32_t) ((model->random * 0x2545F4914F6CDD1Du) >> 33) % bound;
}

static wb_kvlist_t *
s_model_interaction (s_model_t *model, const char *id)
{
    char subject [32];
    snprintf (subject, sizeof (subject), "at version %d", (int) model->version + 1);
    wb_kvlist_t *interaction = s_interaction (id, subject);
    wb_kvlist_add_int (interaction, "Number", s_random (model, 1000));
    return interaction;
}

//  One change to the model, kept as its event: a new interaction placed
//  (sometimes one placed before, again), one taken out, or one changed.
static void
s_model_change (s_model_t *model)
{
    assert_true (model->version + 1 < EVENTS_MAX);
    uint32_t choice = s_random (model, 100);
    int operation = model->size == 0 || (choice < 45 && model->size < MODEL_MAX) ? 2
                  : choice < 75 ? 1 : 3;
    size_t index = model->size ? s_random (model, (uint32_t) model->size) : 0;
    wb_kvlist_t *interaction = NULL;
    if (operation == 2) {
        int number = s_random (model, 4) == 0 && model->next_number > 0
                   ? (int) s_random (model, (uint32_t) model->next_number) : model->next_number;
        char id [16];
        snprintf (id, sizeof (id), "i%d", number);
        for (size_t at = 0; at < model->size; at++)
            if (strcmp (wb_kvlist_string (model->items [at], "InteractionId"), id) == 0)
                number = model->next_number;        //  in the workbin: a new one instead
        if (number == model->next_number)
            model->next_number++;
        snprintf (id, sizeof (id), "i%d", number);
        interaction = s_model_interaction (model, id);
        model->items [model->size++] = wb_kvlist_dup (interaction);
    }
    else
    if (operation == 1) {
        interaction = model->items [index];
        memmove (model->items + index, model->items + index + 1,
                 (model->size - index - 1) * sizeof (wb_kvlist_t *));
        model->size--;
    }
    else {
        interaction = s_model_interaction (model,
                                           wb_kvlist_string (model->items [index], "InteractionId"));
        wb_kvlist_destroy (&model->items [index]);
        model->items [index] = wb_kvlist_dup (interaction);
    }
    model->version++;
    wb_kvlist_t *event = wb_kvlist_new ();
    wb_kvlist_add_int (event, "WorkbinContentOperation", operation);
    wb_kvlist_add_list (event, "Interaction", &interaction);
    wb_kvlist_add_int (event, "WorkbinVersion", model->version);
    model->events [model->version] = event;
}

//  The replica holds what the model does, in its order, at its version.
static void
s_assert_same (wb_replica_t *replica, s_model_t *model)
{
    assert_int_equal (wb_replica_version (replica), model->version);
    assert_int_equal (wb_replica_size (replica), model->size);
    for (size_t index = 0; index < model->size; index++) {
        assert_true (wb_kvlist_equal (wb_replica_at (replica, index), model->items [index]));
        const char *id = wb_kvlist_string (model->items [index], "InteractionId");
        assert_int_equal (wb_replica_index_of (replica, id), (long) index);
    }
    assert_null (wb_replica_at (replica, model->size));
}

//  One page of the snapshot as a client receives it: encoded by the
//  server, decoded here, so that its interactions come still encoded.
static wb_kvlist_t *
s_received_page (wb_kvlist_t *const *items, size_t count)
{
    wb_kvlist_t *interactions = wb_kvlist_new ();
    for (size_t index = 0; index < count; index++) {
        wb_kvlist_t *copy = wb_kvlist_dup (items [index]);
        wb_kvlist_add_list (interactions, "Interaction", &copy);
    }
    wb_kvlist_t *body = wb_kvlist_new ();
    wb_kvlist_add_list (body, "Interactions", &interactions);
    size_t size = 0;
    uint8_t *bytes = wb_kvlist_encode (body, &size);
    wb_kvlist_destroy (&body);
    body = wb_kvlist_decode (bytes, size, NULL);
    free (bytes);
    assert_non_null (body);
    return body;
}

//  A change made and delivered while no snapshot is loaded: kept.
static void
s_change_kept (wb_replica_t *replica, s_model_t *model)
{
    s_model_change (model);
    assert_int_equal (wb_replica_apply_event (replica, model->events [model->version]),
                      WB_REPLICA_KEPT);
    model->kept++;
}

//  Subscribed (replica empty, waiting): changes arrive and are kept, the
//  snapshot is read at one version in pages while more arrive, then
//  loaded; the kept events newer than it apply on top.
static void
s_fetch (wb_replica_t *replica, s_model_t *model)
{
    for (uint32_t count = s_random (model, 4); count > 0; count--)
        s_change_kept (replica, model);
    if (s_random (model, 4) == 0 && model->version > 0)   //  an old one again: kept too
        assert_int_equal (wb_replica_apply_event (replica, model->events [model->version]),
                          WB_REPLICA_KEPT);
    //  the snapshot: the workbin at this version
    int64_t snapshot_version = model->version;
    size_t size = model->size;
    wb_kvlist_t *items [MODEL_MAX];
    for (size_t index = 0; index < size; index++)
        items [index] = wb_kvlist_dup (model->items [index]);
    if (s_random (model, 5) == 0) {
        wb_kvlist_t *page = s_received_page (items, size);
        for (uint32_t count = s_random (model, 3); count > 0; count--)
            s_change_kept (replica, model);
        assert_int_equal (wb_replica_load (replica, wb_kvlist_list (page, "Interactions"),
                                           snapshot_version), WB_REPLICA_APPLIED);
        wb_kvlist_destroy (&page);
        model->pages++;
    }
    else {
        wb_replica_load_begin (replica);
        size_t from = 0;
        do {    //  one page at least: an empty workbin has one, empty
            size_t count = 1 + s_random (model, 6);
            count = from + count > size ? size - from : count;
            wb_kvlist_t *page = s_received_page (items + from, count);
            assert_int_equal (wb_replica_load_add (replica, wb_kvlist_list (page, "Interactions")),
                              0);
            wb_kvlist_destroy (&page);
            model->pages++;
            if (s_random (model, 3) == 0)
                s_change_kept (replica, model);
            from += count;
        } while (from < size);
        assert_int_equal (wb_replica_load_end (replica, snapshot_version), WB_REPLICA_APPLIED);
    }
    for (size_t index = 0; index < size; index++)
        wb_kvlist_destroy (&items [index]);
    assert_true (wb_replica_has_snapshot (replica));
    assert_false (wb_replica_needs_fetch (replica));
    //  read now or only later: events also change interactions never read
    if (s_random (model, 2) == 0)
        s_assert_same (replica, model);
}

//  Live: every change applies in turn, a duplicate is ignored; one lost
//  makes the next a gap, and the copy is reset for a new fetch.
static void
s_live (wb_replica_t *replica, s_model_t *model)
{
    for (uint32_t count = 3 + s_random (model, 30); count > 0; count--) {
        s_model_change (model);
        uint32_t choice = s_random (model, 100);
        if (choice < 6) {                   //  lost: the next one is a gap
            s_model_change (model);
            assert_int_equal (wb_replica_apply_event (replica, model->events [model->version]),
                              WB_REPLICA_GAP);
            assert_true (wb_replica_needs_fetch (replica));
            assert_int_equal (wb_replica_apply_event (replica, model->events [model->version]),
                              WB_REPLICA_GAP);
            wb_replica_reset (replica);
            model->gaps++;
            return;
        }
        assert_int_equal (wb_replica_apply_event (replica, model->events [model->version]),
                          WB_REPLICA_APPLIED);
        if (choice < 20) {                  //  any older one, again
            int64_t version = 1 + (int64_t) s_random (model, (uint32_t) model->version);
            assert_int_equal (wb_replica_apply_event (replica, model->events [version]),
                              WB_REPLICA_DUPLICATE);
            model->duplicates++;
        }
    }
    s_assert_same (replica, model);
}

static void
test_clone_pattern_keeps_a_random_workbin (void **state)
{
    (void) state;
    const char *text = getenv ("WB_SEED");
    uint64_t seed = text && *text ? strtoull (text, NULL, 10) : DEFAULT_SEED;
    print_message ("# seed %llu (WB_SEED=%llu repeats this run)\n", (unsigned long long) seed,
                   (unsigned long long) seed);
    s_model_t model = { .random = seed ? seed : 1 };
    model.events = calloc (EVENTS_MAX, sizeof (wb_kvlist_t *));
    //  the workbin had a life before the client came
    for (int count = 0; count < 20; count++)
        s_model_change (&model);
    wb_replica_t *replica = wb_replica_new ();
    for (int fetches = 0; fetches < FETCHES; ) {
        if (!wb_replica_has_snapshot (replica)) {
            s_fetch (replica, &model);
            fetches++;
        }
        s_live (replica, &model);
        //  a client may start over without a gap too (a reconnection)
        if (wb_replica_has_snapshot (replica) && s_random (&model, 3) == 0)
            wb_replica_reset (replica);
    }
    if (wb_replica_has_snapshot (replica))
        s_assert_same (replica, &model);
    print_message ("# %d changes, %d pages, %d kept, %d duplicates, %d gaps\n",
                   (int) model.version, model.pages, model.kept, model.duplicates, model.gaps);
    //  the run went through every case
    assert_true (model.gaps > 0 && model.duplicates > 0 && model.kept > 0);
    wb_replica_destroy (&replica);
    for (size_t index = 0; index < model.size; index++)
        wb_kvlist_destroy (&model.items [index]);
    for (int64_t version = 0; version <= model.version; version++)
        wb_kvlist_destroy (&model.events [version]);
    free (model.events);
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
        cmocka_unit_test (test_snapshot_keeps_one_of_a_repeated_id),
        cmocka_unit_test (test_lookup_follows_a_big_copy_through_changes),
        cmocka_unit_test (test_room_made_for_a_snapshot_loads_the_same),
        cmocka_unit_test (test_items_of_a_page_leave_it_in_any_order),
        cmocka_unit_test (test_an_interaction_at_fault_fails_its_first_read_alone),
        cmocka_unit_test (test_clone_pattern_keeps_a_random_workbin),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
