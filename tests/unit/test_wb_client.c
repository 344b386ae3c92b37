/*  Tests of wb_client's list of endpoints: how a list is read and checked,
    and a client that moves from a silent node to the next one, round
    robin, talking to one node at a time, and a closed connection known
    from the connection itself. The nodes are ROUTER sockets in
    this process (inproc); the one that answers sends each request back,
    so its reply carries the request's ReferenceId. No sleeps: every wait
    is a request's deadline or a poll with one.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "wb_client.h"
#include "wb_prelude.h"
#include "wb_requests.h"

#define SILENCE_MS 100       /* a request's deadline at a silent node */
#define WAIT_MS 5000         /* what may not fail on a loaded machine */

static void
test_degenerate_calls (void **state)
{
    (void) state;
    char problem [256] = "";
    assert_null (wb_client_new (NULL));
    assert_null (wb_client_new (""));
    assert_null (wb_client_new (","));
    assert_int_equal (wb_client_move (NULL), -1);
    assert_int_equal (wb_client_endpoint_count (NULL), 0);
    assert_null (wb_client_endpoint (NULL));
    assert_int_equal (wb_client_check_endpoints (NULL, problem, sizeof (problem)), -1);
    assert_string_equal (problem, "no endpoint given");
    assert_int_equal (wb_client_check_endpoints ("", problem, sizeof (problem)), -1);
    assert_string_equal (problem, "an empty endpoint in the list ");
}

static void
test_a_bad_endpoint_is_named (void **state)
{
    (void) state;
    char problem [256] = "";
    assert_int_equal (wb_client_check_endpoints ("inproc://a,nowhere,inproc://b", problem,
                                                 sizeof (problem)), -1);
    assert_string_equal (problem, "not a valid endpoint: nowhere");
    assert_int_equal (wb_client_check_endpoints ("bogus://x", problem, sizeof (problem)), -1);
    assert_string_equal (problem, "not a valid endpoint: bogus://x");
    assert_int_equal (wb_client_check_endpoints ("inproc://a,,inproc://b", problem, sizeof (problem)), -1);
    assert_string_equal (problem, "an empty endpoint in the list inproc://a,,inproc://b");
    //  a bad endpoint after the first: no client, not one on the good ones
    assert_null (wb_client_new ("inproc://a,nowhere"));
    //  too many: a bound that input cannot pass
    char list [33 * 16] = "";
    for (int index = 0; index < 33; index++)
        snprintf (list + strlen (list), sizeof (list) - strlen (list), "%sinproc://n%d",
                  index ? "," : "", index);
    assert_int_equal (wb_client_check_endpoints (list, problem, sizeof (problem)), -1);
    assert_string_equal (problem, "more than 32 endpoints");
}

static void
test_a_list_is_read_in_order_and_trimmed (void **state)
{
    (void) state;
    char problem [256] = "";
    assert_int_equal (wb_client_check_endpoints ("inproc://a, inproc://b ,inproc://c",
                                                 problem, sizeof (problem)), 0);
    wb_client_t *client = wb_client_new ("inproc://a, inproc://b ,inproc://c");
    assert_non_null (client);
    assert_int_equal (wb_client_endpoint_count (client), 3);
    assert_string_equal (wb_client_endpoint (client), "inproc://a");
    assert_int_equal (wb_client_move (client), 0);
    assert_string_equal (wb_client_endpoint (client), "inproc://b");
    assert_int_equal (wb_client_move (client), 0);
    assert_string_equal (wb_client_endpoint (client), "inproc://c");
    assert_int_equal (wb_client_move (client), 0);
    assert_string_equal (wb_client_endpoint (client), "inproc://a");
    wb_client_destroy (&client);
    //  one endpoint: a move is a reconnect to it
    client = wb_client_new ("inproc://alone");
    assert_int_equal (wb_client_endpoint_count (client), 1);
    assert_int_equal (wb_client_move (client), 0);
    assert_string_equal (wb_client_endpoint (client), "inproc://alone");
    wb_client_destroy (&client);
}

//  Send every message waiting on router back where it came from; how many.
static int
s_echo (zsock_t *router, int timeout_ms)
{
    int echoed = 0;
    zpoller_t *poller = zpoller_new (router, NULL);
    while (zpoller_wait (poller, echoed ? 0 : timeout_ms)) {
        zmsg_t *msg = zmsg_recv (router);
        zmsg_send (&msg, router);
        echoed++;
    }
    zpoller_destroy (&poller);
    return echoed;
}

//  How many messages wait on router (read and dropped).
static int
s_drain (zsock_t *router)
{
    int count = 0;
    while (zsock_events (router) & ZMQ_POLLIN) {
        zmsg_t *msg = zmsg_recv (router);
        zmsg_destroy (&msg);
        count++;
    }
    return count;
}

static void
test_a_silent_node_is_left_for_the_next (void **state)
{
    (void) state;
    zsock_t *silent = zsock_new_router ("inproc://node-silent");
    zsock_t *answering = zsock_new_router ("inproc://node-answering");
    assert_non_null (silent);
    assert_non_null (answering);
    wb_client_t *client = wb_client_new ("inproc://node-silent,inproc://node-answering");
    assert_non_null (client);
    //  the first node holds the request and says nothing: the deadline
    wb_msg_t *request = wb_request_ping ();
    errno = 0;
    assert_null (wb_client_request (client, &request, SILENCE_MS));
    assert_int_equal (errno, ETIMEDOUT);
    assert_int_equal (s_drain (silent), 1);
    //  moved: the next request goes to the next node only, which answers
    assert_int_equal (wb_client_move (client), 0);
    assert_string_equal (wb_client_endpoint (client), "inproc://node-answering");
    request = wb_request_ping ();
    int64_t reference_id = wb_client_send (client, &request);
    assert_true (reference_id > 0);
    assert_int_equal (s_echo (answering, WAIT_MS), 1);
    wb_msg_t *reply = NULL;
    int64_t deadline = wb_mono_ms () + WAIT_MS;
    while (!reply && wb_mono_ms () < deadline) {
        zpoller_t *poller = zpoller_new (wb_client_socket (client), NULL);
        zpoller_wait (poller, 100);
        zpoller_destroy (&poller);
        reply = wb_client_receive (client);
    }
    assert_non_null (reply);
    assert_int_equal (wb_msg_reference_id (reply), reference_id);
    wb_msg_destroy (&reply);
    assert_int_equal (s_drain (silent), 0);
    //  round robin: back to the first
    assert_int_equal (wb_client_move (client), 0);
    assert_string_equal (wb_client_endpoint (client), "inproc://node-silent");
    wb_client_destroy (&client);
    zsock_destroy (&silent);
    zsock_destroy (&answering);
}

//  What waits is read without blocking: a malformed message is dropped and
//  counted, the good one after it returned, and then NULL at once (the
//  DEALER's receive timeout is not waited for).
static void
test_receive_drops_the_malformed_and_returns_what_waits (void **state)
{
    (void) state;
    zsock_t *node = zsock_new_router ("inproc://node-receive");
    assert_non_null (node);
    wb_client_t *client = wb_client_new ("inproc://node-receive");
    assert_non_null (client);
    assert_null (wb_client_receive (client));
    wb_msg_t *request = wb_request_ping ();
    int64_t reference_id = wb_client_send (client, &request);
    assert_true (reference_id > 0);
    zpoller_t *poller = zpoller_new (node, NULL);
    assert_non_null (zpoller_wait (poller, WAIT_MS));
    zpoller_destroy (&poller);
    zmsg_t *echo = zmsg_recv (node);
    //  first a message of the wrong frames, to the same peer, then the echo
    zmsg_t *malformed = zmsg_new ();
    zframe_t *peer = zframe_dup (zmsg_first (echo));
    zmsg_append (malformed, &peer);
    zmsg_addstr (malformed, "not the protocol");
    assert_int_equal (zmsg_send (&malformed, node), 0);
    assert_int_equal (zmsg_send (&echo, node), 0);
    wb_msg_t *reply = NULL;
    int64_t deadline = wb_mono_ms () + WAIT_MS;
    while (!reply && wb_mono_ms () < deadline) {
        poller = zpoller_new (wb_client_socket (client), NULL);
        zpoller_wait (poller, 100);
        zpoller_destroy (&poller);
        reply = wb_client_receive (client);
    }
    assert_non_null (reply);
    assert_int_equal (wb_msg_reference_id (reply), reference_id);
    assert_int_equal (wb_client_malformed_count (client), 1);
    wb_msg_destroy (&reply);
    int64_t start = wb_mono_ms ();
    assert_null (wb_client_receive (client));
    assert_true (wb_mono_ms () - start < WAIT_MS);
    wb_client_destroy (&client);
    zsock_destroy (&node);
}

//  Wait (WAIT_MS at most) until the client says its connection closed.
static bool
s_dropped_within_deadline (wb_client_t *client)
{
    int64_t deadline = wb_mono_ms () + WAIT_MS;
    while (wb_mono_ms () < deadline) {
        if (wb_client_dropped (client))
            return true;
        zpoller_t *poller = zpoller_new (wb_client_monitor_socket (client), NULL);
        zpoller_wait (poller, 100);
        zpoller_destroy (&poller);
    }
    return false;
}

//  A connection that closes (the node's socket gone, as when its process
//  ends) is known from the connection itself when connections are watched,
//  not from a request's deadline: said once, and not while it stands.
static void
test_a_closed_connection_is_known (void **state)
{
    (void) state;
    char endpoint [64];
    snprintf (endpoint, sizeof (endpoint), "ipc:///tmp/wb-test-client-%d.ipc", (int) getpid ());
    zsock_t *node = zsock_new_router (endpoint);
    assert_non_null (node);
    wb_client_set_watch_connections (true);
    wb_client_t *client = wb_client_new (endpoint);
    wb_client_set_watch_connections (false);
    assert_non_null (client);
    assert_non_null (wb_client_monitor_socket (client));
    //  connected: a request reaches the node
    wb_msg_t *request = wb_request_ping ();
    assert_true (wb_client_send (client, &request) > 0);
    assert_int_equal (s_echo (node, WAIT_MS), 1);
    assert_false (wb_client_dropped (client));
    zsock_destroy (&node);
    assert_true (s_dropped_within_deadline (client));
    assert_false (wb_client_dropped (client));
    wb_client_destroy (&client);
    //  not watched: no monitor, nothing said
    client = wb_client_new (endpoint);
    assert_null (wb_client_monitor_socket (client));
    assert_false (wb_client_dropped (client));
    wb_client_destroy (&client);
    assert_false (wb_client_dropped (NULL));
}

int
main (void)
{
    zsys_init ();
    zsys_set_logstream (NULL);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_degenerate_calls),
        cmocka_unit_test (test_a_bad_endpoint_is_named),
        cmocka_unit_test (test_a_list_is_read_in_order_and_trimmed),
        cmocka_unit_test (test_a_silent_node_is_left_for_the_next),
        cmocka_unit_test (test_a_closed_connection_is_known),
        cmocka_unit_test (test_receive_drops_the_malformed_and_returns_what_waits),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
