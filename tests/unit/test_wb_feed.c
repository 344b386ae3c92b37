/*  Tests of wb_feed, the change feed between server nodes: the degenerate
    calls first; then, on a PostgreSQL server, a feed on one node's store
    and another node's store writing changes: the other's changes come in
    order with their events, this node's own are skipped, a local change
    after a gap delivers the gap first, a failed group commit puts its
    cursor back, a new subscriber's catch-up goes to the subscribers
    already there, and changes pruned from the log before they were read
    are reported lost (the engine answers that with EventError 1001).

    The server cases need WB_PG_CONNINFO (tests/e2e/test_cluster.sh starts
    a private PostgreSQL and runs this program); without it they are left
    out. Each opens "postgresql:$WB_PG_CONNINFO?schema={name}", a fresh
    schema per case.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <czmq.h>
#include "wb_prelude.h"
#include "wb_feed.h"
#include "wb_protocol.h"
#include "wb_store.h"
#include "wb_test_store.h"

static const wb_workbin_ref_t s_drafts = { "email-draft", "agent01" };

//  What the feed told, one line each: "change VERSION SUBJECT" (or
//  "change VERSION -" without an event), "lost".
typedef struct {
    char lines [64][64];
    size_t count;
} s_told_t;

static void
s_change (void *context, const char *type_id, const char *owner_id, int64_t version,
          const wb_kvlist_t *body)
{
    s_told_t *told = context;
    (void) type_id;
    (void) owner_id;
    wb_kvlist_t *interaction = body ? wb_kvlist_list (body, WB_ATTR_INTERACTION) : NULL;
    const char *subject = interaction ? wb_kvlist_string (interaction, WB_ATTR_SUBJECT) : NULL;
    if (told->count < 64)
        snprintf (told->lines [told->count++], 64, "change %" PRId64 " %s", version,
                  subject ? subject : "-");
}

static void
s_lost (void *context, const char *type_id, const char *owner_id)
{
    s_told_t *told = context;
    (void) type_id;
    (void) owner_id;
    if (told->count < 64)
        snprintf (told->lines [told->count++], 64, "lost");
}

static bool
s_wanted (void *context, const char *type_id, const char *owner_id)
{
    (void) context;
    (void) type_id;
    (void) owner_id;
    return true;
}

static const wb_feed_callbacks_t s_callbacks = { s_change, s_lost, s_wanted };

//  The lines told so far, joined by ", ", and forgotten.
static const char *
s_take (s_told_t *told)
{
    static char text [2048];
    *text = 0;
    for (size_t index = 0; index < told->count; index++)
        snprintf (text + strlen (text), sizeof (text) - strlen (text), "%s%s",
                  index ? ", " : "", told->lines [index]);
    told->count = 0;
    return text;
}

//  A case: this node's store and feed, and another node's store.
typedef struct {
    wb_test_store_t *fixture;          /* this node's store */
    wb_store_t *other;                 /* the other node's */
    wb_feed_t *feed;
    s_told_t told;
} s_case_t;

static char *s_template = NULL;

static int
s_setup (void **state)
{
    if (!s_template) {
        *state = NULL;
        return 0;
    }
    void *fixture = s_template;
    if (wb_test_store_setup (&fixture))
        return -1;
    s_case_t *self = wb_calloc (1, sizeof (s_case_t));
    self->fixture = fixture;
    char error [512] = "";
    self->other = wb_store_open (self->fixture->uri, error, sizeof (error));
    self->feed = wb_feed_new (self->fixture->store, self->fixture->uri, &s_callbacks,
                              &self->told, error, sizeof (error));
    *state = self;
    return self->other && self->feed ? 0 : -1;
}

static int
s_teardown (void **state)
{
    s_case_t *self = *state;
    if (!self)
        return 0;
    wb_feed_destroy (&self->feed);
    wb_store_destroy (&self->other);
    void *fixture = self->fixture;
    free (self);
    return wb_test_store_teardown (&fixture);
}

static s_case_t *
s_case (void **state)
{
    assert_non_null (*state);
    return *state;
}

//  One change on a store, in its own transaction, its event carrying
//  subject: the new version.
static int64_t
s_write (wb_store_t *store, const char *subject)
{
    wb_kvlist_t *body = wb_kvlist_new ();
    wb_kvlist_add_int (body, WB_ATTR_WORKBIN_CONTENT_OPERATION, WB_CONTENT_PLACED_IN);
    wb_kvlist_t *interaction = wb_kvlist_new ();
    wb_kvlist_add_string (interaction, WB_ATTR_SUBJECT, subject);
    wb_kvlist_add_list (body, WB_ATTR_INTERACTION, &interaction);
    int64_t version = 0;
    assert_int_equal (wb_store_begin (store), 0);
    assert_int_equal (wb_store_change_event (store, body), 0);
    assert_int_equal (wb_store_bump_version (store, s_drafts, &version), 0);
    assert_int_equal (wb_store_commit (store), 0);
    wb_kvlist_destroy (&body);
    return version;
}

//  Let the feed read what was notified until it has told count lines, or
//  2 s have passed (notifications come after the commit, asynchronously).
static void
s_read (s_case_t *self, size_t count)
{
    int64_t deadline = wb_mono_ms () + 2000;
    while (self->told.count < count && wb_mono_ms () < deadline) {
        struct pollfd item = { wb_feed_socket (self->feed), POLLIN, 0 };
        poll (&item, 1, (int) (deadline - wb_mono_ms ()));
        wb_feed_ready (self->feed);
    }
}

// ---------------------------------------------------------------- degenerate

static void
test_degenerate_calls (void **state)
{
    (void) state;
    char error [256] = "";
    assert_null (wb_feed_new (NULL, NULL, &s_callbacks, NULL, error, sizeof (error)));
    wb_store_t *sqlite = wb_store_open ("sqlite::memory:", error, sizeof (error));
    assert_non_null (sqlite);
    assert_null (wb_feed_new (sqlite, "sqlite::memory:", &s_callbacks, NULL,
                              error, sizeof (error)));
    assert_false (wb_store_logs_changes (sqlite));
    assert_int_equal (wb_store_session_id (sqlite), 0);
    wb_store_destroy (&sqlite);
    wb_feed_destroy (NULL);
    wb_feed_t *none = NULL;
    wb_feed_destroy (&none);
    assert_int_equal (wb_feed_socket (NULL), -1);
    wb_feed_ready (NULL);
    wb_feed_tick (NULL, 0);
    wb_feed_watch (NULL, "email-draft", "agent01", 0);
    wb_feed_local (NULL, "email-draft", "agent01", 1, false);
    wb_feed_settle (NULL, true);
    assert_int_equal (wb_feed_prune (NULL, 0), -1);
    assert_int_equal (wb_feed_cursors (NULL), 0);
}

// ---------------------------------------------------------------- on a server

//  Changes made on the other node come in order, with their events; the
//  feed's own node's notifications are skipped.
static void
test_other_nodes_changes_come_in_order (void **state)
{
    s_case_t *self = s_case (state);
    wb_feed_watch (self->feed, s_drafts.type_id, s_drafts.owner_id, 0);
    assert_int_equal (wb_feed_cursors (self->feed), 1);
    s_write (self->other, "one");
    s_write (self->other, "two");
    s_write (self->other, "three");
    s_read (self, 3);
    assert_string_equal (s_take (&self->told), "change 1 one, change 2 two, change 3 three");
    //  a change made on this node: told by the engine, not by the feed
    assert_int_equal (s_write (self->fixture->store, "mine"), 4);
    wb_feed_local (self->feed, s_drafts.type_id, s_drafts.owner_id, 4, false);
    s_write (self->other, "five");
    s_read (self, 1);
    assert_string_equal (s_take (&self->told), "change 5 five");
}

//  A change made here after others' changes not yet read: those first.
static void
test_a_local_change_after_a_gap_fills_it_first (void **state)
{
    s_case_t *self = s_case (state);
    wb_feed_watch (self->feed, s_drafts.type_id, s_drafts.owner_id, 0);
    s_write (self->other, "one");
    s_write (self->other, "two");
    assert_int_equal (s_write (self->fixture->store, "mine"), 3);
    wb_feed_local (self->feed, s_drafts.type_id, s_drafts.owner_id, 3, false);
    assert_string_equal (s_take (&self->told), "change 1 one, change 2 two");
    //  their notifications come later, and are duplicates now: the next
    //  change's comes after them (notifications keep the commits' order)
    wb_feed_tick (self->feed, wb_mono_ms ());
    s_write (self->other, "four");
    s_read (self, 1);
    assert_string_equal (s_take (&self->told), "change 4 four");
}

//  A group commit that failed: the cursor its change moved goes back, so
//  the version another node then makes is delivered.
static void
test_a_failed_group_commit_puts_the_cursor_back (void **state)
{
    s_case_t *self = s_case (state);
    wb_feed_watch (self->feed, s_drafts.type_id, s_drafts.owner_id, 0);
    wb_feed_local (self->feed, s_drafts.type_id, s_drafts.owner_id, 1, true);
    wb_feed_settle (self->feed, false);
    s_write (self->other, "real one");
    s_read (self, 1);
    assert_string_equal (s_take (&self->told), "change 1 real one");
    //  a commit that held keeps it
    assert_int_equal (s_write (self->fixture->store, "mine"), 2);
    wb_feed_local (self->feed, s_drafts.type_id, s_drafts.owner_id, 2, true);
    wb_feed_settle (self->feed, true);
    s_write (self->other, "three");
    s_read (self, 1);
    assert_string_equal (s_take (&self->told), "change 3 three");
}

//  A new subscriber at version 2 while the cursor is at 0: the changes up
//  to 2 go to the workbin's subscribers first (the new one is not one yet).
static void
test_a_new_subscription_catches_the_cursor_up_first (void **state)
{
    s_case_t *self = s_case (state);
    wb_feed_watch (self->feed, s_drafts.type_id, s_drafts.owner_id, 0);
    s_write (self->other, "one");
    s_write (self->other, "two");
    wb_feed_watch (self->feed, s_drafts.type_id, s_drafts.owner_id, 2);
    assert_string_equal (s_take (&self->told), "change 1 one, change 2 two");
    s_write (self->other, "three");
    s_read (self, 1);
    assert_string_equal (s_take (&self->told), "change 3 three");
}

//  Changes pruned before they were read: lost (the engine drops the
//  workbin's subscriptions, EventError 1001); the cursor moves past them.
static void
test_changes_pruned_unread_are_lost (void **state)
{
    s_case_t *self = s_case (state);
    wb_feed_watch (self->feed, s_drafts.type_id, s_drafts.owner_id, 0);
    s_write (self->other, "one");
    s_write (self->other, "two");
    assert_true (wb_feed_prune (self->feed, 0) >= 2);
    s_read (self, 1);
    assert_string_equal (s_take (&self->told), "lost");
    s_write (self->other, "three");
    s_read (self, 1);
    assert_string_equal (s_take (&self->told), "change 3 three");
}

int
main (void)
{
    //  the feed logs what it finds (a gap, a lost connection) through CZMQ:
    //  on stderr, out of the way of the test report on stdout
    zsys_set_logstream (stderr);
    if (getenv ("WB_PG_CONNINFO"))
        s_template = zsys_sprintf ("postgresql:%s?schema={name}", getenv ("WB_PG_CONNINFO"));
    const struct CMUnitTest tests [] = {
#define S_PLAIN_CASES 1
        cmocka_unit_test (test_degenerate_calls),
#define SERVER_TEST(name) cmocka_unit_test_setup_teardown (name, s_setup, s_teardown)
        SERVER_TEST (test_other_nodes_changes_come_in_order),
        SERVER_TEST (test_a_local_change_after_a_gap_fills_it_first),
        SERVER_TEST (test_a_failed_group_commit_puts_the_cursor_back),
        SERVER_TEST (test_a_new_subscription_catches_the_cursor_up_first),
        SERVER_TEST (test_changes_pruned_unread_are_lost),
#undef SERVER_TEST
    };
    //  without a server, the cases that need one are left out (a cmocka
    //  skip is a failure to automake's TAP driver)
    size_t count = s_template ? sizeof (tests) / sizeof (tests [0]) : S_PLAIN_CASES;
    int failed = _cmocka_run_group_tests ("wb_feed", tests, count, NULL, NULL);
    zstr_free (&s_template);
    return failed;
}
