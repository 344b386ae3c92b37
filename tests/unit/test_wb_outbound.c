/*  Tests of wb_outbound: each client's outgoing queue, bounded in bytes,
    over a real ROUTER and DEALERs on inproc (a message stays counted until
    the DEALER has read it: libzmq frees it then).
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <cmocka.h>
#include "wb_outbound.h"
#include "wb_events.h"
#include "wb_protocol.h"

#define S_TIMEOUT_MS 5000

typedef struct {
    zsock_t *router;
    zsock_t *peers [2];
    zframe_t *ids [2];
    wb_outbound_t *outbound;
} s_fixture_t;

static int
s_setup (void **state)
{
    static int serial = 0;
    s_fixture_t *fixture = zmalloc (sizeof (s_fixture_t));
    char endpoint [64];
    snprintf (endpoint, sizeof (endpoint), "inproc://outbound-%d", ++serial);
    fixture->router = zsock_new (ZMQ_ROUTER);
    zsock_set_router_mandatory (fixture->router, 1);
    zsock_set_sndtimeo (fixture->router, 0);
    assert_int_equal (zsock_bind (fixture->router, "%s", endpoint), 0);
    for (int index = 0; index < 2; index++) {
        char id [8];
        snprintf (id, sizeof (id), "peer%d", index);
        fixture->peers [index] = zsock_new (ZMQ_DEALER);
        zsock_set_identity (fixture->peers [index], id);
        zsock_set_rcvtimeo (fixture->peers [index], S_TIMEOUT_MS);
        assert_int_equal (zsock_connect (fixture->peers [index], "%s", endpoint), 0);
        fixture->ids [index] = zframe_new (id, strlen (id));
    }
    //  1 MiB a client, 100 messages
    fixture->outbound = wb_outbound_new (fixture->router, 1 << 20, 100);
    assert_non_null (fixture->outbound);
    *state = fixture;
    return 0;
}

static int
s_teardown (void **state)
{
    s_fixture_t *fixture = *state;
    wb_outbound_destroy (&fixture->outbound);
    for (int index = 0; index < 2; index++) {
        zsock_destroy (&fixture->peers [index]);
        zframe_destroy (&fixture->ids [index]);
    }
    zsock_destroy (&fixture->router);
    free (fixture);
    return 0;
}

//  A reply to peer with this ReferenceId and a Subject of size bytes.
static wb_msg_t *
s_reply (zframe_t *peer, int64_t reference_id, size_t size)
{
    wb_msg_t *msg = wb_msg_new_row (WB_ROW_EVENT_ACK);
    char *subject = malloc (size + 1);
    memset (subject, 's', size);
    subject [size] = 0;
    wb_kvlist_add_string (wb_msg_body (msg), WB_ATTR_SUBJECT, subject);
    free (subject);
    wb_msg_set_reference_id (msg, reference_id);
    wb_msg_set_routing_id (msg, peer);
    return msg;
}

//  The next message a peer gets (caller destroys); fails the test if none.
static wb_msg_t *
s_receive (zsock_t *peer)
{
    wb_msg_t *msg = wb_msg_recv (peer, NULL, NULL, NULL);
    assert_non_null (msg);
    return msg;
}

static void
s_send_ok (s_fixture_t *fixture, int peer, int64_t reference_id, size_t size)
{
    wb_msg_t *msg = s_reply (fixture->ids [peer], reference_id, size);
    assert_int_equal (wb_outbound_send (fixture->outbound, msg), 0);
    wb_msg_destroy (&msg);
}

//  One event for two peers is encoded once; each gets its own EventSequence.
static void
test_one_event_each_its_sequence (void **state)
{
    s_fixture_t *fixture = *state;
    wb_msg_t *event = wb_msg_new_row (WB_ROW_EVENT_WORKBIN_CONTENT_CHANGED);
    wb_kvlist_add_int (wb_msg_body (event), WB_ATTR_WORKBIN_VERSION, 7);
    int64_t sequences [2] = { 5, 123456789012 };
    int errors [2] = { -1, -1 };
    wb_outbound_send_many (fixture->outbound, event, fixture->ids, sequences, errors, 2);
    wb_msg_destroy (&event);
    for (int index = 0; index < 2; index++) {
        assert_int_equal (errors [index], 0);
        wb_msg_t *got = s_receive (fixture->peers [index]);
        assert_true (wb_msg_is (got, WB_ROW_EVENT_WORKBIN_CONTENT_CHANGED));
        assert_int_equal (wb_event_sequence (got), sequences [index]);
        assert_int_equal (wb_kvlist_int_or (wb_msg_body_const (got), WB_ATTR_WORKBIN_VERSION, 0), 7);
        wb_msg_destroy (&got);
    }
}

//  A client that reads nothing is refused past its bytes (EAGAIN), but
//  an EventError still goes; once it reads, what waited comes in order.
static void
test_bytes_bound_and_order (void **state)
{
    s_fixture_t *fixture = *state;
    wb_outbound_pump (fixture->outbound, 8 << 20);     //  a budget for large sends
    for (int64_t reference = 1; reference <= 3; reference++)
        s_send_ok (fixture, 0, reference, 300000);
    wb_msg_t *msg = s_reply (fixture->ids [0], 4, 300000);
    assert_int_equal (wb_outbound_send (fixture->outbound, msg), -1);
    assert_int_equal (errno, EAGAIN);
    wb_msg_destroy (&msg);
    msg = wb_msg_new_row (WB_ROW_EVENT_ERROR);
    wb_kvlist_add_int (wb_msg_body (msg), WB_ATTR_ERROR_CODE, 1005);
    wb_msg_set_reference_id (msg, 4);
    wb_msg_set_routing_id (msg, fixture->ids [0]);
    assert_int_equal (wb_outbound_send (fixture->outbound, msg), 0);
    wb_msg_destroy (&msg);
    //  the other client is not affected
    s_send_ok (fixture, 1, 1, 300000);
    wb_msg_t *other = s_receive (fixture->peers [1]);
    wb_msg_destroy (&other);
    //  everything comes, in order, as the reader reads and the server pumps
    for (int64_t reference = 1; reference <= 4; reference++) {
        wb_outbound_pump (fixture->outbound, 8 << 20);
        wb_msg_t *got = s_receive (fixture->peers [0]);
        assert_int_equal (wb_msg_reference_id (got), reference);
        assert_true (wb_msg_is (got, reference < 4 ? WB_ROW_EVENT_ACK : WB_ROW_EVENT_ERROR));
        wb_msg_destroy (&got);
    }
    assert_false (wb_outbound_waiting (fixture->outbound));
}

//  A large message waits for the pump's budget (the copies of a fan-out
//  are spread between requests); a small one goes at once.
static void
test_large_waits_for_budget (void **state)
{
    s_fixture_t *fixture = *state;
    s_send_ok (fixture, 0, 1, 200000);
    s_send_ok (fixture, 0, 2, 100);
    assert_true (wb_outbound_waiting (fixture->outbound));
    s_send_ok (fixture, 1, 3, 100);
    wb_msg_t *got = s_receive (fixture->peers [1]);
    assert_int_equal (wb_msg_reference_id (got), 3);
    wb_msg_destroy (&got);
    assert_true (wb_outbound_pump (fixture->outbound, 1 << 20) > 0);
    for (int64_t reference = 1; reference <= 2; reference++) {
        wb_outbound_pump (fixture->outbound, 1 << 20);
        got = s_receive (fixture->peers [0]);
        assert_int_equal (wb_msg_reference_id (got), reference);
        wb_msg_destroy (&got);
    }
    //  a peer that is gone: EHOSTUNREACH
    zframe_t *nobody = zframe_new ("nobody", 6);
    wb_msg_t *msg = s_reply (nobody, 9, 10);
    assert_int_equal (wb_outbound_send (fixture->outbound, msg), -1);
    assert_int_equal (errno, EHOSTUNREACH);
    wb_msg_destroy (&msg);
    zframe_destroy (&nobody);
    wb_outbound_sweep (fixture->outbound);
}

//  Peers are kept by the hex of their routing id, written without an
//  allocation; a frame too long to be a routing id reaches nobody.
static void
test_routing_key_and_a_frame_that_is_no_routing_id (void **state)
{
    s_fixture_t *fixture = *state;
    char buffer [WB_ROUTING_KEY_MAX];
    const uint8_t bytes [] = { 0x00, 0x7f, 0x80, 0xab, 0xff };
    zframe_t *frame = zframe_new (bytes, sizeof (bytes));
    char *expected = zframe_strhex (frame);
    assert_string_equal (wb_outbound_routing_key (frame, buffer), expected);
    assert_string_equal (buffer, "007F80ABFF");
    zstr_free (&expected);
    zframe_destroy (&frame);
    assert_null (wb_outbound_routing_key (NULL, buffer));
    uint8_t longest [255] = { 0 };
    frame = zframe_new (longest, sizeof (longest));
    assert_non_null (wb_outbound_routing_key (frame, buffer));
    assert_int_equal (strlen (buffer), 510);
    zframe_destroy (&frame);

    uint8_t too_long [256] = { 0 };
    zframe_t *nobody = zframe_new (too_long, sizeof (too_long));
    wb_msg_t *msg = s_reply (nobody, 9, 10);
    assert_null (wb_outbound_routing_key (nobody, buffer));
    assert_int_equal (wb_outbound_send (fixture->outbound, msg), -1);
    assert_int_equal (errno, EHOSTUNREACH);
    wb_msg_destroy (&msg);
    wb_msg_t *event = wb_msg_new_row (WB_ROW_EVENT_WORKBIN_CONTENT_CHANGED);
    zframe_t *routing_ids [2] = { nobody, fixture->ids [1] };
    int64_t sequences [2] = { 1, 2 };
    int errors [2] = { -1, -1 };
    wb_outbound_send_many (fixture->outbound, event, routing_ids, sequences, errors, 2);
    assert_int_equal (errors [0], EHOSTUNREACH);
    assert_int_equal (errors [1], 0);
    wb_msg_t *got = s_receive (fixture->peers [1]);
    assert_int_equal (wb_event_sequence (got), 2);
    wb_msg_destroy (&got);
    wb_msg_destroy (&event);
    zframe_destroy (&nobody);
}

//  A peer with nothing queued is kept for WB_OUTBOUND_IDLE_SWEEPS sweeps
//  after its last message (a subscriber's next event finds it), then
//  forgotten; one that has a message unread is never forgotten.
static void
test_idle_peers_kept_for_a_while_then_forgotten (void **state)
{
    s_fixture_t *fixture = *state;
    for (int peer = 0; peer < 2; peer++) {
        s_send_ok (fixture, peer, 1, 10);
        wb_msg_t *got = s_receive (fixture->peers [peer]);
        wb_msg_destroy (&got);
    }
    for (int sweep = 0; sweep < WB_OUTBOUND_IDLE_SWEEPS; sweep++)
        wb_outbound_sweep (fixture->outbound);
    assert_int_equal (wb_outbound_peers (fixture->outbound), 2);
    //  peer 1 gets a message, not read yet: it stays, peer 0 goes
    s_send_ok (fixture, 1, 2, 10);
    wb_outbound_sweep (fixture->outbound);
    assert_int_equal (wb_outbound_peers (fixture->outbound), 1);
    for (int sweep = 0; sweep <= WB_OUTBOUND_IDLE_SWEEPS; sweep++)
        wb_outbound_sweep (fixture->outbound);
    assert_int_equal (wb_outbound_peers (fixture->outbound), 1);
    wb_msg_t *got = s_receive (fixture->peers [1]);
    assert_int_equal (wb_msg_reference_id (got), 2);
    wb_msg_destroy (&got);
    wb_outbound_sweep (fixture->outbound);
    assert_int_equal (wb_outbound_peers (fixture->outbound), 0);
    //  a forgotten peer is made again by its next message
    s_send_ok (fixture, 0, 3, 10);
    got = s_receive (fixture->peers [0]);
    assert_int_equal (wb_msg_reference_id (got), 3);
    wb_msg_destroy (&got);
    assert_int_equal (wb_outbound_peers (fixture->outbound), 1);
}

int
main (void)
{
    zsys_init ();
    zsys_set_logstream (NULL);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test_setup_teardown (test_one_event_each_its_sequence, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_bytes_bound_and_order, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_large_waits_for_budget, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_routing_key_and_a_frame_that_is_no_routing_id,
                                         s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_idle_peers_kept_for_a_while_then_forgotten,
                                         s_setup, s_teardown),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
