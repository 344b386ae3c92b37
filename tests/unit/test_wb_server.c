/*  Integration tests: a real wb_server (as an actor in this process) and
    real DEALER clients over tcp, ipc and inproc. No sleeps: every wait is
    on a reply or an event, with a deadline.

    Directory: tests/data/engine.cfg (a1, a2 in sales; lead supervises sales).
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "wb_server.h"
#include "wb_test_util.h"
#include "wb_client.h"
#include "wb_replica.h"
#include "wb_error.h"
#include "wb_events.h"
#include "wb_requests.h"

#define TIMEOUT 5000

typedef struct {
    wb_test_server_t server;
} s_fixture_t;

static int
s_setup (void **state)
{
    s_fixture_t *fixture = zmalloc (sizeof (s_fixture_t));
    assert_int_equal (wb_test_server_init (&fixture->server, "server"), 0);
    *state = fixture;
    return 0;
}

static void
s_stop_server (s_fixture_t *fixture)
{
    wb_test_server_stop (&fixture->server);
}

//  Start the server actor and learn the endpoint it bound.
static void
s_start_server (s_fixture_t *fixture)
{
    char error [256];
    if (wb_test_server_start (&fixture->server, error, sizeof (error)))
        fail_msg ("server did not start: %s", error);
}

static int
s_teardown (void **state)
{
    s_fixture_t *fixture = *state;
    assert_int_equal (wb_test_server_cleanup (&fixture->server), 0);
    free (fixture);
    return 0;
}

//  A client with an open session: agent application logged in as agent_id,
//  or a media server when agent_id is NULL.
static wb_client_t *
s_client (s_fixture_t *fixture, const char *agent_id)
{
    wb_client_t *client = wb_client_new (fixture->server.endpoint);
    assert_non_null (client);
    wb_msg_t *error = NULL;
    wb_client_type_t type = agent_id ? WB_CLIENT_AGENT_APPLICATION : WB_CLIENT_MEDIA_SERVER;
    int rc = wb_client_open_session (client, type, "test", 101, agent_id, NULL, TIMEOUT, &error);
    if (rc != 0) {
        char line [256] = "no answer";
        wb_msg_print (error, line, sizeof (line));
        fail_msg ("session for %s: %s", agent_id ? agent_id : "media server", line);
    }
    return client;
}

//  A workbin, its owner named by attribute as the tests below give it.
static wb_workbin_t
s_workbin (const char *type_id, const char *owner_attr, const char *owner_id)
{
    wb_workbin_t workbin = { type_id, 0, owner_attr, owner_id };
    return workbin;
}

static wb_msg_t *
s_content (const char *type_id, const char *owner_attr, const char *owner_id)
{
    wb_workbin_t workbin = s_workbin (type_id, owner_attr, owner_id);
    return wb_request_get_workbin_content (&workbin, WB_ABSENT, WB_ABSENT);
}

static wb_msg_t *
s_subscription (const char *type_id, const char *owner_attr, const char *owner_id,
                bool property_changes)
{
    wb_workbin_t workbin = s_workbin (type_id, owner_attr, owner_id);
    return wb_request_workbin_notifications (&workbin, property_changes);
}

//  Send and return the reply's ErrorCode, or 0 for a success reply.
static int64_t
s_call_code (wb_client_t *client, wb_msg_t *request)
{
    wb_msg_t *reply = wb_client_request (client, &request, TIMEOUT);
    assert_non_null (reply);
    wb_event_error_t error;
    int64_t code = wb_event_read_error (reply, &error) == 0 ? error.code : 0;
    wb_msg_destroy (&reply);
    return code;
}

static char *
s_submit (wb_client_t *client, const char *type_id, const char *owner_attr,
          const char *owner_id, const char *subject)
{
    wb_submission_t submission = { .workbin = s_workbin (type_id, owner_attr, owner_id),
                                   .media_type = "email", .interaction_type = "Inbound",
                                   .subject = subject };
    wb_msg_t *request = wb_request_submit (&submission);
    wb_msg_t *reply = wb_client_request (client, &request, TIMEOUT);
    wb_event_ack_t ack;
    assert_int_equal (wb_event_read_ack (reply, &ack), 0);
    char *id = strdup (ack.interaction_id);
    wb_msg_destroy (&reply);
    return id;
}

//  Fetch every page of a workbin at one version into a list of
//  "Interaction" entries; *version gets that version.
static wb_kvlist_t *
s_fetch_all (wb_client_t *client, const char *type_id, const char *owner_attr,
             const char *owner_id, int64_t *version)
{
    while (true) {
        wb_kvlist_t *all = wb_kvlist_new ();
        int64_t first_version = -1, total = 0, from = 0;
        bool consistent = true;
        do {
            wb_workbin_t workbin = s_workbin (type_id, owner_attr, owner_id);
            wb_msg_t *request = wb_request_get_workbin_content (&workbin, from, WB_ABSENT);
            wb_msg_t *reply = wb_client_request (client, &request, TIMEOUT);
            wb_event_content_t page;
            assert_int_equal (wb_event_read_content (reply, &page), 0);
            consistent = first_version < 0 || page.version == first_version;
            first_version = page.version;
            total = page.total_count;
            wb_kvlist_append (all, page.interactions);
            from += (int64_t) wb_kvlist_size (page.interactions);
            wb_msg_destroy (&reply);
        } while (consistent && from < total);
        if (consistent) {
            *version = first_version;
            return all;
        }
        wb_kvlist_destroy (&all);   //  the workbin changed between pages: again
    }
}

// ---------------------------------------------------------------- tests

static void
test_server_refuses_a_bad_start (void **state)
{
    s_fixture_t *fixture = *state;
    fixture->server.options.directory_path = "/nonexistent/directory.cfg";
    zactor_t *server = zactor_new (wb_server_actor, &fixture->server.options);
    char *reply = zstr_recv (server);
    assert_non_null (strstr (reply, "error: /nonexistent/directory.cfg"));
    zstr_free (&reply);
    zactor_destroy (&server);
    fixture->server.options.directory_path = fixture->server.directory;
    fixture->server.options.endpoints [0] = "bogus://nowhere";
    server = zactor_new (wb_server_actor, &fixture->server.options);
    reply = zstr_recv (server);
    assert_non_null (strstr (reply, "cannot bind bogus://nowhere"));
    zstr_free (&reply);
    zactor_destroy (&server);
}

static void
test_four_phases_over_tcp (void **state)
{
    s_fixture_t *fixture = *state;
    s_start_server (fixture);
    wb_client_t *agent = s_client (fixture, "a1");
    wb_client_t *media = s_client (fixture, NULL);
    //  1. content; 2. content of an unknown workbin fails
    assert_int_equal (s_call_code (agent, s_content ("draft", WB_ATTR_WORKBIN_AGENT_ID, "a1")), 0);
    assert_int_equal (s_call_code (agent, s_content ("nosuch", WB_ATTR_WORKBIN_AGENT_ID, "a1")),
                      WB_ERR_WORKBIN_INACCESSIBLE);
    //  3. subscribe, then a change arrives
    assert_int_equal (s_call_code (agent, s_subscription ("draft", WB_ATTR_WORKBIN_AGENT_ID, "a1",
                                                          false)), 0);
    char *id = s_submit (media, "draft", WB_ATTR_WORKBIN_AGENT_ID, "a1", "over the wire");
    wb_msg_t *event = wb_client_next_event (agent, TIMEOUT);
    wb_event_change_t change;
    assert_int_equal (wb_event_read_change (event, &change), 0);
    assert_string_equal (change.interaction_id, id);
    assert_int_equal (change.sequence, 1);
    wb_msg_destroy (&event);
    //  4. cancel, then cancel again: not subscribed
    wb_workbin_t drafts = s_workbin ("draft", WB_ATTR_WORKBIN_AGENT_ID, "a1");
    wb_msg_t *cancel = wb_request_cancel_workbin_notifications (&drafts);
    assert_int_equal (s_call_code (agent, wb_msg_dup (cancel)), 0);
    assert_int_equal (s_call_code (agent, cancel), WB_ERR_NOT_SUBSCRIBED);
    free (id);
    wb_client_destroy (&agent);
    wb_client_destroy (&media);
}

//  Send raw frames on a DEALER and return the EventError code received.
static int64_t
s_raw_exchange (zsock_t *dealer, zmsg_t *zmsg, int64_t *reference_id)
{
    assert_int_equal (zmsg_send (&zmsg, dealer), 0);
    zsock_set_rcvtimeo (dealer, TIMEOUT);
    wb_msg_t *reply = wb_msg_recv (dealer, NULL, NULL, NULL);
    wb_event_error_t error;
    assert_int_equal (wb_event_read_error (reply, &error), 0);
    *reference_id = wb_msg_reference_id (reply);
    int64_t code = error.code;
    wb_msg_destroy (&reply);
    return code;
}

static void
test_malformed_input_is_answered_and_survived (void **state)
{
    s_fixture_t *fixture = *state;
    s_start_server (fixture);
    zsock_t *dealer = zsock_new_dealer (fixture->server.endpoint);
    int64_t reference = -1;
    zmsg_t *zmsg = zmsg_new ();
    zmsg_addstr (zmsg, "WBP/1");
    assert_int_equal (s_raw_exchange (dealer, zmsg, &reference), 79);
    //  a valid body under an unknown name: 4, with the ReferenceId echoed
    wb_msg_t *ping = wb_request_ping ();
    wb_msg_set_reference_id (ping, 77);
    zmsg = wb_msg_encode (ping);
    wb_msg_destroy (&ping);
    zmsg_first (zmsg);
    zframe_t *name = zmsg_next (zmsg);
    zframe_reset (name, "RequestTeleport", 15);
    assert_int_equal (s_raw_exchange (dealer, zmsg, &reference), 4);
    assert_int_equal (reference, 77);
    //  a body whose count claims more than it holds
    zmsg = zmsg_new ();
    zmsg_addstr (zmsg, "WBP/1");
    zmsg_addstr (zmsg, "RequestPing");
    zmsg_addmem (zmsg, "\xff\xff\xff\xff", 4);
    assert_int_equal (s_raw_exchange (dealer, zmsg, &reference), 79);
    zsock_destroy (&dealer);
    //  and the server still serves
    wb_client_t *agent = s_client (fixture, "a1");
    assert_int_equal (s_call_code (agent, wb_request_ping ()), 0);
    wb_client_destroy (&agent);
}

static void
test_restart_keeps_acknowledged_changes (void **state)
{
    s_fixture_t *fixture = *state;
    char endpoint [600];
    snprintf (endpoint, sizeof (endpoint), "ipc://%s/server.ipc", fixture->server.folder);
    fixture->server.options.endpoints [0] = endpoint;
    s_start_server (fixture);
    wb_client_t *media = s_client (fixture, NULL);
    for (int index = 0; index < 50; index++)
        free (s_submit (media, "team", WB_ATTR_WORKBIN_GROUP_ID, "sales", "kept"));
    wb_client_destroy (&media);
    s_stop_server (fixture);
    //  a clean stop takes the socket file away with the endpoint
    assert_int_equal (access (endpoint + 6, F_OK), -1);
    s_start_server (fixture);
    wb_client_t *agent = s_client (fixture, "a2");
    int64_t version = 0;
    wb_kvlist_t *all = s_fetch_all (agent, "team", WB_ATTR_WORKBIN_GROUP_ID, "sales", &version);
    assert_int_equal (wb_kvlist_size (all), 50);
    assert_int_equal (version, 50);
    wb_kvlist_destroy (&all);
    wb_client_destroy (&agent);
}

static void
test_slow_reader_does_not_stall_others (void **state)
{
    s_fixture_t *fixture = *state;
    fixture->server.options.endpoints [0] = "inproc://slow-reader";
    fixture->server.options.send_queue = 10;
    s_start_server (fixture);
    wb_client_t *slow = s_client (fixture, "a1");
    wb_client_t *fast = s_client (fixture, "a2");
    wb_client_t *media = s_client (fixture, NULL);
    for (wb_client_t **client = (wb_client_t *[]) { slow, fast, NULL }; *client; client++)
        assert_int_equal (s_call_code (*client, s_subscription ("team", WB_ATTR_WORKBIN_GROUP_ID,
                                                                "sales", false)), 0);
    //  inproc queues hold the server's send queue (10) plus the client's
    //  receive queue (1,000 by default): more changes than that overflow
    const int changes = 1100;
    //  the fast reader, reading as changes come, gets every one in order
    int seen = 0;
    for (int index = 0; index < changes || seen < changes; index++) {
        if (index < changes)
            free (s_submit (media, "team", WB_ATTR_WORKBIN_GROUP_ID, "sales", "flood"));
        for (wb_msg_t *event = wb_client_next_event (fast, index < changes ? 0 : TIMEOUT);
             event; event = wb_client_next_event (fast, 0)) {
            seen++;
            wb_event_change_t change;
            assert_int_equal (wb_event_read_change (event, &change), 0);
            assert_int_equal (change.sequence, seen);
            assert_int_equal (change.version, seen);
            wb_msg_destroy (&event);
        }
        assert_true (index < changes + 1);
    }
    //  the slow reader catches up: it got only what its queue held, and at
    //  its next request it is told that its subscription was dropped
    size_t received = 0;
    for (wb_msg_t *event = wb_client_next_event (slow, 0); event;
         event = wb_client_next_event (slow, 0), received++)
        wb_msg_destroy (&event);
    assert_int_equal (s_call_code (slow, wb_request_ping ()), 0);
    wb_msg_t *told = wb_client_next_event (slow, 0);
    wb_event_error_t error;
    assert_int_equal (wb_event_read_error (told, &error), 0);
    assert_int_equal (error.code, WB_ERR_SUBSCRIPTIONS_DROPPED);
    //  its sequence shows the gap: more events were numbered than it got
    assert_true (wb_event_sequence (told) > (int64_t) received + 1);
    wb_msg_destroy (&told);
    assert_true (received < (size_t) changes);
    wb_client_destroy (&slow);
    wb_client_destroy (&fast);
    wb_client_destroy (&media);
}

static void
test_silent_client_expires (void **state)
{
    s_fixture_t *fixture = *state;
    fixture->server.options.session_timeout_ms = 200;
    s_start_server (fixture);
    wb_client_t *silent = s_client (fixture, "a1");
    wb_client_t *other = wb_client_new (fixture->server.endpoint);
    //  a1 stays logged in until the server expires the silent session
    int64_t deadline = zclock_mono () + 10000;
    int rc = 1;
    while (rc != 0 && zclock_mono () < deadline) {
        wb_msg_t *error = NULL;
        rc = wb_client_open_session (other, WB_CLIENT_AGENT_APPLICATION, "other", 101, "a1",
                                     NULL, TIMEOUT, &error);
        wb_event_error_t refusal;
        if (rc == 1 && wb_event_read_error (error, &refusal) == 0)
            assert_int_equal (refusal.code, WB_ERR_AGENT_ALREADY_LOGGED_IN);
        wb_msg_destroy (&error);
        if (rc != 0)    //  pace the retries on the server's sweep, not a sleep
            wb_client_next_event (other, 100);
    }
    assert_int_equal (rc, 0);
    //  the expired client must register again
    assert_int_equal (s_call_code (silent, s_content ("draft", WB_ATTR_WORKBIN_AGENT_ID, "a1")),
                      WB_ERR_NOT_REGISTERED);
    wb_client_destroy (&silent);
    wb_client_destroy (&other);
}

// ---------------------------------------------------------------- clone

typedef struct {
    const char *endpoint;
    unsigned seed;
    int operations;
} s_writer_args_t;

//  One random change: submit into, move between or stop in two workbins.
static void
s_random_change (wb_client_t *media, zlistx_t *ids, unsigned *seed)
{
    const char *owners [] = { "a1", "a2" };
    int choice = rand_r (seed) % 4;
    if (choice == 0 || zlistx_size (ids) == 0) {
        zlistx_add_end (ids, s_submit (media, "draft", WB_ATTR_WORKBIN_AGENT_ID,
                                       owners [rand_r (seed) % 2], "random"));
        return;
    }
    size_t pick = (size_t) rand_r (seed) % zlistx_size (ids);
    char *id = zlistx_first (ids);
    while (pick--)
        id = zlistx_next (ids);
    wb_msg_t *request = NULL;
    if (choice == 1)
        request = wb_request_stop_processing (id);
    if (choice == 2) {
        wb_workbin_t target = s_workbin ("draft", WB_ATTR_WORKBIN_AGENT_ID,
                                         owners [rand_r (seed) % 2]);
        request = wb_request_place_in_workbin (id, &target, NULL);
    }
    if (choice == 3) {
        wb_kvlist_t *changed = wb_kvlist_new ();
        wb_kvlist_add_int (changed, "Priority", rand_r (seed) % 100);
        wb_property_changes_t changes = { .changed = changed };
        request = wb_request_change_properties (id, &changes);
        wb_kvlist_destroy (&changed);
    }
    assert_int_equal (s_call_code (media, request), 0);
    if (choice == 1)
        zlistx_delete (ids, zlistx_cursor (ids));
}

static void
s_writer (zsock_t *pipe, void *args)
{
    s_writer_args_t *writer = args;
    zsock_signal (pipe, 0);
    wb_client_t *media = wb_client_new (writer->endpoint);
    wb_client_open_session (media, WB_CLIENT_MEDIA_SERVER, "writer", 101, NULL, NULL, TIMEOUT,
                            NULL);
    zlistx_t *ids = zlistx_new ();
    zlistx_set_destructor (ids, (czmq_destructor *) zstr_free);
    for (int index = 0; index < writer->operations; index++)
        s_random_change (media, ids, &writer->seed);
    zlistx_destroy (&ids);
    wb_client_destroy (&media);
    zstr_send (pipe, "DONE");
    char *command = zstr_recv (pipe);
    zstr_free (&command);
}

//  Apply events to the replica until it reaches a version (or, with
//  target 0, until none is waiting); refetch on a gap.
static void
s_drain (wb_client_t *reader, wb_replica_t *replica, int64_t target)
{
    int timeout_ms = target ? TIMEOUT : 0;
    while (!target || wb_replica_version (replica) < target) {
        wb_msg_t *event = wb_client_next_event (reader, timeout_ms);
        if (!event)
            break;
        if (wb_replica_apply_event (replica, wb_msg_body (event)) == WB_REPLICA_GAP) {
            wb_replica_reset (replica);
            int64_t version = 0;
            wb_kvlist_t *all = s_fetch_all (reader, "draft", WB_ATTR_WORKBIN_AGENT_ID, "a1",
                                            &version);
            wb_replica_load (replica, all, version);
            wb_kvlist_destroy (&all);
        }
        wb_msg_destroy (&event);
    }
}

static void
test_clone_pattern_converges_under_concurrent_changes (void **state)
{
    s_fixture_t *fixture = *state;
    fixture->server.options.endpoints [0] = "inproc://clone";
    fixture->server.options.page_cap = 100;
    s_start_server (fixture);
    for (unsigned round = 1; round <= 5; round++) {
        wb_client_t *reader = s_client (fixture, "a1");
        s_writer_args_t args = { fixture->server.endpoint, round * 7919u, 400 };
        zactor_t *writer = zactor_new (s_writer, &args);
        //  subscribe, then fetch while changes keep coming, then follow
        wb_msg_t *subscribe = s_subscription ("draft", WB_ATTR_WORKBIN_AGENT_ID, "a1", true);
        assert_int_equal (s_call_code (reader, subscribe), 0);
        wb_replica_t *replica = wb_replica_new ();
        int64_t version = 0;
        wb_kvlist_t *all = s_fetch_all (reader, "draft", WB_ATTR_WORKBIN_AGENT_ID, "a1", &version);
        s_drain (reader, replica, 0);
        wb_replica_load (replica, all, version);
        wb_kvlist_destroy (&all);
        char *done = zstr_recv (writer);
        zstr_free (&done);
        //  the writer's last change is acknowledged: its events are on the way
        all = s_fetch_all (reader, "draft", WB_ATTR_WORKBIN_AGENT_ID, "a1", &version);
        s_drain (reader, replica, version);
        assert_int_equal (wb_replica_version (replica), version);
        assert_int_equal (wb_replica_size (replica), wb_kvlist_size (all));
        for (size_t index = 0; index < wb_kvlist_size (all); index++)
            assert_true (wb_kvlist_equal (wb_replica_at (replica, index),
                                          wb_kvlist_list_at (all, index)));
        wb_kvlist_destroy (&all);
        wb_replica_destroy (&replica);
        zactor_destroy (&writer);
        assert_int_equal (s_call_code (reader, wb_request_unregister_client ()), 0);
        wb_client_destroy (&reader);
    }
}

int
main (void)
{
    zsys_init ();
    zsys_set_logstream (NULL);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test_setup_teardown (test_server_refuses_a_bad_start, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_four_phases_over_tcp, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_malformed_input_is_answered_and_survived, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_restart_keeps_acknowledged_changes, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_slow_reader_does_not_stall_others, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_silent_client_expires, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_clone_pattern_converges_under_concurrent_changes, s_setup, s_teardown),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
