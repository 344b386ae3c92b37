/*  Hostile peers: a real wb_server (an actor in this process) faces raw
    DEALER sockets that send what no honest client sends: wrong frame
    counts, unknown messages, huge lengths, deep nesting, attributes of the
    wrong type, and floods. Each case gets the answer doc/PROTOCOL.md gives
    it (an EventError with its code and ReferenceId, or the connection
    dropped), and after each one a well-behaved client is still served
    promptly. No sleeps: every wait is for a message or an event, with a
    deadline.

    Directory: tests/data/engine.cfg (agent a1, workbin type draft).
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <inttypes.h>
#include <cmocka.h>
#include "wb_server.h"
#include "wb_client.h"
#include "wb_error.h"
#include "wb_events.h"
#include "wb_requests.h"
#include "wb_test_util.h"

/* The most a well-behaved client may wait for any answer (ms). Generous,
   because the sanitizer and valgrind builds share a small machine. */
#define PROMPT_MS 3000

/* Requests the flooder pipelines without reading a single reply. */
#define FLOOD_REQUESTS 100000
/* The server's send queue per client during the flood, and the flooder's
   receive queue: together, all the replies that may wait for it. */
#define FLOOD_SEND_QUEUE 100
#define FLOOD_RECEIVE_QUEUE 100

typedef struct {
    wb_test_server_t server;
    wb_client_t *witness;        /* the well-behaved client, logged in as a1 */
} s_fixture_t;

static int
s_setup (void **state)
{
    s_fixture_t *fixture = zmalloc (sizeof (s_fixture_t));
    assert_int_equal (wb_test_server_init (&fixture->server, "hostile"), 0);
    *state = fixture;
    return 0;
}

static int
s_teardown (void **state)
{
    s_fixture_t *fixture = *state;
    wb_client_destroy (&fixture->witness);
    assert_int_equal (wb_test_server_cleanup (&fixture->server), 0);
    free (fixture);
    return 0;
}

//  Start the server actor, learn its endpoint, and log the witness in.
static void
s_start_server (s_fixture_t *fixture)
{
    char error [256];
    if (wb_test_server_start (&fixture->server, error, sizeof (error)))
        fail_msg ("server did not start: %s", error);
    fixture->witness = wb_client_new (fixture->server.endpoint);
    assert_non_null (fixture->witness);
    assert_int_equal (wb_client_open_session (fixture->witness, WB_CLIENT_AGENT_APPLICATION,
                                              "witness", 101, "a1", NULL, PROMPT_MS, NULL), 0);
}

//  The witness asks for a ping and its drafts and gets both, each within
//  its deadline: the server still serves everyone else.
static void
s_witness_is_served (s_fixture_t *fixture, const char *after)
{
    wb_msg_t *request = wb_request_ping ();
    wb_msg_t *reply = wb_client_request (fixture->witness, &request, PROMPT_MS);
    if (!wb_msg_is (reply, WB_ROW_EVENT_ACK))
        fail_msg ("after %s: the witness's ping was not answered", after);
    wb_msg_destroy (&reply);
    wb_workbin_t drafts = { "draft", WB_OWNER_AGENT, NULL, "a1" };
    request = wb_request_get_workbin_content (&drafts, WB_ABSENT, WB_ABSENT);
    reply = wb_client_request (fixture->witness, &request, PROMPT_MS);
    if (!wb_msg_is (reply, WB_ROW_EVENT_WORKBIN_CONTENT))
        fail_msg ("after %s: the witness's content request failed", after);
    wb_msg_destroy (&reply);
}

// ------------------------------------------------------------ raw bodies

//  The frames of a message with this name and a body; frees the body.
static zmsg_t *
s_message (const char *name, wb_bytes_t *body)
{
    zmsg_t *zmsg = wb_test_message (WB_PROTOCOL_ID, name, body);
    wb_bytes_destroy (&body);
    return zmsg;
}

//  A RequestPing body of one entry, ReferenceId.
static wb_bytes_t *
s_ping_body (int64_t reference_id)
{
    return wb_bytes_body (1, reference_id);
}

//  A body of ReferenceId and one nested list entry per level, depth levels
//  deep in all (the body itself is depth 1).
static wb_bytes_t *
s_nested_body (int64_t reference_id, int depth)
{
    wb_bytes_t *body = wb_bytes_body (2, reference_id);
    for (int level = 2; level <= depth; level++)
        wb_bytes_list (body, "Nest", level < depth ? 1 : 0);
    return body;
}

// ------------------------------------------------------------ the cases
//  Each builds the frames of one hostile message.

static zmsg_t *
s_one_empty_frame (void)
{
    const wb_test_frame_t frames [] = { { "", 0 } };
    return wb_test_zmsg (frames, 1);
}

static zmsg_t *
s_protocol_frame_only (void)
{
    const wb_test_frame_t frames [] = { wb_test_frame_str (WB_PROTOCOL_ID) };
    return wb_test_zmsg (frames, 1);
}

static zmsg_t *
s_two_frames (void)
{
    const wb_test_frame_t frames [] = {
        wb_test_frame_str (WB_PROTOCOL_ID), wb_test_frame_str ("RequestPing")
    };
    return wb_test_zmsg (frames, 2);
}

static zmsg_t *
s_four_frames (void)
{
    zmsg_t *zmsg = s_message ("RequestPing", s_ping_body (3));
    zmsg_addstr (zmsg, "extra");
    return zmsg;
}

static zmsg_t *
s_ten_thousand_frames (void)
{
    zmsg_t *zmsg = s_message ("RequestPing", s_ping_body (4));
    for (int index = 3; index < 10000; index++)
        zmsg_addmem (zmsg, "", 0);
    return zmsg;
}

static zmsg_t *
s_next_version (void)
{
    wb_bytes_t *body = s_ping_body (5);
    zmsg_t *zmsg = wb_test_message ("WBP/2", "RequestPing", body);
    wb_bytes_destroy (&body);
    return zmsg;
}

static zmsg_t *
s_protocol_with_nul (void)
{
    wb_bytes_t *body = s_ping_body (6);
    const wb_test_frame_t frames [] = {
        { "WBP/1\0", 6 }, wb_test_frame_str ("RequestPing"), { body->data, body->size }
    };
    zmsg_t *zmsg = wb_test_zmsg (frames, 3);
    wb_bytes_destroy (&body);
    return zmsg;
}

static zmsg_t *
s_unknown_name (void)
{
    return s_message ("RequestTeleport", s_ping_body (11));
}

static zmsg_t *
s_event_as_request (void)
{
    return s_message ("EventAck", s_ping_body (12));
}

static zmsg_t *
s_empty_name (void)
{
    return s_message ("", s_ping_body (13));
}

static zmsg_t *
s_name_of_64_bytes (void)
{
    char name [65];
    memset (name, 'R', 64);
    name [64] = 0;
    return s_message (name, s_ping_body (14));
}

static zmsg_t *
s_name_with_nul (void)
{
    wb_bytes_t *body = s_ping_body (15);
    const wb_test_frame_t frames [] = {
        wb_test_frame_str (WB_PROTOCOL_ID), { "RequestPing\0", 12 }, { body->data, body->size }
    };
    zmsg_t *zmsg = wb_test_zmsg (frames, 3);
    wb_bytes_destroy (&body);
    return zmsg;
}

static zmsg_t *
s_unknown_name_bad_body (void)
{
    wb_bytes_t *body = s_ping_body (16);
    wb_bytes_u8 (body, 0);              //  one byte after the list
    return s_message ("RequestTeleport", body);
}

static zmsg_t *
s_count_of_four_billion (void)
{
    wb_bytes_t *body = wb_bytes_new ();
    wb_bytes_u32 (body, 0xffffffffu);
    return s_message ("RequestPing", body);
}

//  A list one entry over WB_ENTRIES_MAX, every entry real (7 bytes each).
static zmsg_t *
s_too_many_entries (void)
{
    wb_bytes_t *body = wb_bytes_body (WB_ENTRIES_MAX + 1, 21);
    for (int index = 1; index <= WB_ENTRIES_MAX; index++)
        wb_bytes_string (body, "k", "");
    return s_message ("RequestPing", body);
}

static zmsg_t *
s_length_of_four_billion (void)
{
    wb_bytes_t *body = wb_bytes_body (2, 22);
    wb_bytes_key_type (body, "Subject", 1);
    wb_bytes_u32 (body, 0xffffffffu);
    wb_bytes_repeat (body, 'x', 100);
    return s_message ("RequestPing", body);
}

static zmsg_t *
s_value_over_limit (void)
{
    wb_bytes_t *body = wb_bytes_body (2, 23);
    wb_bytes_key_type (body, "Blob", 3);
    wb_bytes_u32 (body, WB_VALUE_MAX + 1);
    wb_bytes_repeat (body, 'x', WB_VALUE_MAX + 1);
    return s_message ("RequestPing", body);
}

//  A body over WB_BODY_MAX, yet within the socket's frame limit.
static zmsg_t *
s_body_over_limit (void)
{
    wb_bytes_t *body = s_ping_body (24);
    wb_bytes_repeat (body, 0, WB_BODY_MAX + 1024 - body->size);
    return s_message ("RequestPing", body);
}

//  A frame over ZMQ_MAXMSGSIZE: libzmq closes the connection.
static zmsg_t *
s_frame_over_socket_limit (void)
{
    wb_bytes_t *body = s_ping_body (25);
    wb_bytes_repeat (body, 0, WB_BODY_MAX + 8192);
    return s_message ("RequestPing", body);
}

static zmsg_t *
s_nested_nine_deep (void)
{
    return s_message ("RequestPing", s_nested_body (26, WB_DEPTH_MAX + 1));
}

static zmsg_t *
s_nested_eight_deep (void)
{
    return s_message ("RequestPing", s_nested_body (27, WB_DEPTH_MAX));
}

static zmsg_t *
s_unknown_type_tag (void)
{
    wb_bytes_t *body = wb_bytes_body (2, 28);
    wb_bytes_key_type (body, "Odd", 9);
    wb_bytes_i64 (body, 0);
    return s_message ("RequestPing", body);
}

static zmsg_t *
s_key_with_space (void)
{
    wb_bytes_t *body = wb_bytes_body (2, 29);
    wb_bytes_string (body, "Client Name", "x");
    return s_message ("RequestPing", body);
}

static zmsg_t *
s_key_of_65_bytes (void)
{
    char key [66];
    memset (key, 'K', 65);
    key [65] = 0;
    wb_bytes_t *body = wb_bytes_body (2, 30);
    wb_bytes_string (body, key, "x");
    return s_message ("RequestPing", body);
}

static zmsg_t *
s_overlong_utf8 (void)
{
    wb_bytes_t *body = wb_bytes_body (2, 31);
    wb_bytes_string (body, "Subject", "\xc0\xaf");
    return s_message ("RequestPing", body);
}

static zmsg_t *
s_no_reference_id (void)
{
    wb_bytes_t *body = wb_bytes_new ();
    wb_bytes_u32 (body, 1);
    wb_bytes_int (body, "ClientType", 3);
    return s_message ("RequestRegisterClient", body);
}

static zmsg_t *
s_reference_id_second (void)
{
    wb_bytes_t *body = wb_bytes_new ();
    wb_bytes_u32 (body, 2);
    wb_bytes_int (body, "ClientType", 3);
    wb_bytes_int (body, "ReferenceId", 33);
    return s_message ("RequestRegisterClient", body);
}

static zmsg_t *
s_reference_id_string (void)
{
    wb_bytes_t *body = wb_bytes_new ();
    wb_bytes_u32 (body, 1);
    wb_bytes_string (body, "ReferenceId", "34");
    return s_message ("RequestPing", body);
}

static zmsg_t *
s_reference_id_minimum (void)
{
    return s_message ("RequestPing", s_ping_body (INT64_MIN));
}

static zmsg_t *
s_client_type_string (void)
{
    wb_bytes_t *body = wb_bytes_body (2, 36);
    wb_bytes_string (body, "ClientType", "3");
    return s_message ("RequestRegisterClient", body);
}

static zmsg_t *
s_client_type_missing (void)
{
    wb_bytes_t *body = wb_bytes_body (2, 37);
    wb_bytes_string (body, "ClientName", "nameless");
    return s_message ("RequestRegisterClient", body);
}

static zmsg_t *
s_content_unregistered (void)
{
    wb_bytes_t *body = wb_bytes_body (3, 38);
    wb_bytes_string (body, "WorkbinTypeId", "draft");
    wb_bytes_string (body, "WorkbinAgentId", "a1");
    return s_message ("RequestGetWorkbinContent", body);
}

static zmsg_t *
s_workbin_type_int (void)
{
    wb_bytes_t *body = wb_bytes_body (3, 39);
    wb_bytes_int (body, "WorkbinTypeId", 1);
    wb_bytes_string (body, "WorkbinAgentId", "a1");
    return s_message ("RequestGetWorkbinContent", body);
}

static zmsg_t *
s_from_string (void)
{
    wb_bytes_t *body = wb_bytes_body (4, 40);
    wb_bytes_string (body, "WorkbinTypeId", "draft");
    wb_bytes_string (body, "WorkbinAgentId", "a1");
    wb_bytes_string (body, "From", "0");
    return s_message ("RequestGetWorkbinContent", body);
}

static zmsg_t *
s_user_data_string (void)
{
    wb_bytes_t *body = wb_bytes_body (6, 41);
    wb_bytes_string (body, "MediaType", "email");
    wb_bytes_string (body, "InteractionType", "Inbound");
    wb_bytes_string (body, "WorkbinTypeId", "draft");
    wb_bytes_string (body, "WorkbinAgentId", "a1");
    wb_bytes_string (body, "UserData", "not a list");
    return s_message ("RequestSubmit", body);
}

static zmsg_t *
s_pull_parameters_binary (void)
{
    wb_bytes_t *body = wb_bytes_body (2, 42);
    wb_bytes_binary (body, "PullParameters", "\x01\x02", 2);
    return s_message ("RequestPull", body);
}

static zmsg_t *
s_changed_properties_int (void)
{
    wb_bytes_t *body = wb_bytes_body (3, 43);
    wb_bytes_string (body, "InteractionId", "nosuch");
    wb_bytes_int (body, "ChangedProperties", 5);
    return s_message ("RequestChangeProperties", body);
}

// ------------------------------------------------------------ the table

typedef enum {
    ANY,                 /* answered the same with or without a session */
    MEDIA,               /* the peer registers as a media server first */
    NONE,                /* only without a session */
} s_session_t;

typedef enum {
    EXPECT_ERROR,        /* EventError code, ReferenceId reference */
    EXPECT_ACK,          /* EventAck, ReferenceId reference */
    EXPECT_DROPPED,      /* no answer: the server closes the connection */
} s_expect_t;

typedef struct {
    const char *name;
    zmsg_t *(*build) (void);
    s_session_t session; /* what the peer has done before the case */
    s_expect_t expect;
    int64_t code;
    int64_t reference;
} s_case_t;

static const s_case_t s_cases [] = {
    //  frames (PROTOCOL.md 3.2, steps 1 and 2): 79, ReferenceId 0
    { "one empty frame",            s_one_empty_frame,          ANY,   EXPECT_ERROR, 79, 0 },
    { "protocol frame only",        s_protocol_frame_only,      ANY,   EXPECT_ERROR, 79, 0 },
    { "two frames",                 s_two_frames,               ANY,   EXPECT_ERROR, 79, 0 },
    { "four frames",                s_four_frames,              ANY,   EXPECT_ERROR, 79, 0 },
    { "ten thousand frames",        s_ten_thousand_frames,      ANY,   EXPECT_ERROR, 79, 0 },
    { "protocol WBP/2",             s_next_version,             MEDIA, EXPECT_ERROR, 79, 0 },
    { "protocol with a NUL",        s_protocol_with_nul,        ANY,   EXPECT_ERROR, 79, 0 },
    //  names (step 5 and 6): 4, ReferenceId echoed; a bad body first: 79
    { "unknown message name",       s_unknown_name,             ANY,   EXPECT_ERROR, 4, 11 },
    { "event sent as a request",    s_event_as_request,         MEDIA, EXPECT_ERROR, 4, 12 },
    { "empty name",                 s_empty_name,               ANY,   EXPECT_ERROR, 4, 13 },
    { "name of 64 bytes",           s_name_of_64_bytes,         ANY,   EXPECT_ERROR, 4, 14 },
    { "name with a NUL",            s_name_with_nul,            ANY,   EXPECT_ERROR, 4, 15 },
    { "unknown name, bad body",     s_unknown_name_bad_body,    ANY,   EXPECT_ERROR, 79, 0 },
    //  lengths and counts (4.6): 79, ReferenceId 0
    { "count of 4 billion",         s_count_of_four_billion,    ANY,   EXPECT_ERROR, 79, 0 },
    { "20,001 real entries",        s_too_many_entries,         ANY,   EXPECT_ERROR, 79, 0 },
    { "length of 4 billion",        s_length_of_four_billion,   ANY,   EXPECT_ERROR, 79, 0 },
    { "value of 1 MiB + 1",         s_value_over_limit,         ANY,   EXPECT_ERROR, 79, 0 },
    { "body of 32 MiB + 1 KiB",     s_body_over_limit,          ANY,   EXPECT_ERROR, 79, 0 },
    { "frame over the socket limit", s_frame_over_socket_limit, ANY,   EXPECT_DROPPED, 0, 0 },
    //  nesting: 8 levels are allowed (and ignored), 9 are not
    { "lists nested 9 deep",        s_nested_nine_deep,         ANY,   EXPECT_ERROR, 79, 0 },
    { "lists nested 8 deep",        s_nested_eight_deep,        MEDIA, EXPECT_ACK, 0, 27 },
    //  entries
    { "unknown type tag",           s_unknown_type_tag,         ANY,   EXPECT_ERROR, 79, 0 },
    { "key with a space",           s_key_with_space,           ANY,   EXPECT_ERROR, 79, 0 },
    { "key of 65 bytes",            s_key_of_65_bytes,          ANY,   EXPECT_ERROR, 79, 0 },
    { "overlong UTF-8",             s_overlong_utf8,            ANY,   EXPECT_ERROR, 79, 0 },
    //  ReferenceId (step 4)
    { "no ReferenceId",             s_no_reference_id,          ANY,   EXPECT_ERROR, 79, 0 },
    { "ReferenceId second",         s_reference_id_second,      ANY,   EXPECT_ERROR, 79, 33 },
    { "ReferenceId a string",       s_reference_id_string,      ANY,   EXPECT_ERROR, 79, 0 },
    { "ReferenceId INT64_MIN",      s_reference_id_minimum,     MEDIA, EXPECT_ACK, 0, INT64_MIN },
    //  a keep-alive needs the session: one the server does not know is told so
    { "ping without a session",     s_reference_id_minimum,     NONE,  EXPECT_ERROR, 1, INT64_MIN },
    //  attributes (steps 7 and 9): the code of the table, or 79 for a type
    { "ClientType a string",        s_client_type_string,       ANY,   EXPECT_ERROR, 79, 36 },
    { "ClientType missing",         s_client_type_missing,      ANY,   EXPECT_ERROR, 2, 37 },
    { "workbin request, no session", s_content_unregistered,    NONE,  EXPECT_ERROR, 1, 38 },
    { "WorkbinTypeId an int",       s_workbin_type_int,         MEDIA, EXPECT_ERROR, 79, 39 },
    { "From a string",              s_from_string,              MEDIA, EXPECT_ERROR, 79, 40 },
    { "UserData a string",          s_user_data_string,         MEDIA, EXPECT_ERROR, 79, 41 },
    { "PullParameters binary",      s_pull_parameters_binary,   MEDIA, EXPECT_ERROR, 79, 42 },
    { "ChangedProperties an int",   s_changed_properties_int,   MEDIA, EXPECT_ERROR, 79, 43 },
};

// ------------------------------------------------------------ running a case

//  Register the raw peer as a media server, as an honest client would.
static void
s_register_raw (zsock_t *dealer)
{
    wb_bytes_t *body = wb_bytes_body (2, 1);
    wb_bytes_int (body, "ClientType", 3);
    zmsg_t *zmsg = s_message ("RequestRegisterClient", body);
    assert_int_equal (zmsg_send (&zmsg, dealer), 0);
    wb_msg_t *reply = wb_msg_recv (dealer, NULL, NULL, NULL);
    assert_non_null (reply);
    assert_string_equal (wb_msg_name (reply), "EventAck");
    wb_msg_destroy (&reply);
}

//  The one answer a case expects, within the deadline.
static void
s_expect_answer (const s_case_t *test, zsock_t *dealer)
{
    wb_msg_t *reply = wb_msg_recv (dealer, NULL, NULL, NULL);
    if (!reply)
        fail_msg ("%s: no answer within %d ms", test->name, PROMPT_MS);
    const char *wanted = test->expect == EXPECT_ACK ? "EventAck" : "EventError";
    if (!streq (wb_msg_name (reply), wanted))
        fail_msg ("%s: %s instead of %s", test->name, wb_msg_name (reply), wanted);
    int64_t code = wb_kvlist_int_or (wb_msg_body (reply), "ErrorCode", 0);
    if (code != test->code || wb_msg_reference_id (reply) != test->reference)
        fail_msg ("%s: code %" PRId64 " ref %" PRId64 ", expected %" PRId64 " ref %" PRId64,
                  test->name, code, wb_msg_reference_id (reply), test->code, test->reference);
    wb_msg_destroy (&reply);
    //  exactly one answer: a ping behind it is answered next
    zmsg_t *zmsg = s_message ("RequestPing", s_ping_body (99));
    assert_int_equal (zmsg_send (&zmsg, dealer), 0);
    reply = wb_msg_recv (dealer, NULL, NULL, NULL);
    assert_non_null (reply);
    assert_int_equal (wb_msg_reference_id (reply), 99);
    wb_msg_destroy (&reply);
}

//  The server closes the connection (the monitor sees it) and answers
//  nothing before doing so.
static void
s_expect_dropped (const s_case_t *test, zsock_t *dealer, zactor_t *monitor)
{
    zsock_set_rcvtimeo (monitor, PROMPT_MS * 3);
    bool closed = false;
    while (!closed) {
        zmsg_t *event = zmsg_recv (monitor);
        if (!event)
            break;
        char *name = zmsg_popstr (event);
        closed = name && streq (name, "DISCONNECTED");
        zstr_free (&name);
        zmsg_destroy (&event);
    }
    if (!closed)
        fail_msg ("%s: the server did not close the connection", test->name);
    if (zsock_events (dealer) & ZMQ_POLLIN)
        fail_msg ("%s: answered, though the frame is over the limit", test->name);
}

static void
s_run_case (s_fixture_t *fixture, const s_case_t *test)
{
    zsock_t *dealer = zsock_new (ZMQ_DEALER);
    zsock_set_rcvtimeo (dealer, PROMPT_MS);
    zactor_t *monitor = zactor_new (zmonitor, dealer);
    zstr_sendx (monitor, "LISTEN", "DISCONNECTED", NULL);
    zstr_sendx (monitor, "START", NULL);
    zsock_wait (monitor);
    assert_int_equal (zsock_connect (dealer, "%s", fixture->server.endpoint), 0);
    if (test->session == MEDIA)
        s_register_raw (dealer);
    zmsg_t *zmsg = test->build ();
    assert_int_equal (zmsg_send (&zmsg, dealer), 0);
    if (test->expect == EXPECT_DROPPED)
        s_expect_dropped (test, dealer, monitor);
    else
        s_expect_answer (test, dealer);
    zactor_destroy (&monitor);
    zsock_destroy (&dealer);
    s_witness_is_served (fixture, test->name);
}

// ------------------------------------------------------------ tests

static void
test_each_hostile_message_gets_its_answer (void **state)
{
    s_fixture_t *fixture = *state;
    s_start_server (fixture);
    for (size_t index = 0; index < sizeof (s_cases) / sizeof (s_cases [0]); index++)
        s_run_case (fixture, &s_cases [index]);
}

//  The table's cases again, all from one connection, back to back without
//  waiting: the answers come in order, one per message.
static void
test_hostile_messages_pipelined_on_one_connection (void **state)
{
    s_fixture_t *fixture = *state;
    s_start_server (fixture);
    zsock_t *dealer = zsock_new_dealer (fixture->server.endpoint);
    zsock_set_rcvtimeo (dealer, PROMPT_MS);
    s_register_raw (dealer);
    size_t sent = 0;
    for (size_t index = 0; index < sizeof (s_cases) / sizeof (s_cases [0]); index++)
        if (s_cases [index].expect != EXPECT_DROPPED && s_cases [index].session != NONE) {
            zmsg_t *zmsg = s_cases [index].build ();
            assert_int_equal (zmsg_send (&zmsg, dealer), 0);
            sent++;
        }
    for (size_t index = 0; index < sizeof (s_cases) / sizeof (s_cases [0]); index++) {
        const s_case_t *test = &s_cases [index];
        if (test->expect == EXPECT_DROPPED || test->session == NONE)
            continue;
        wb_msg_t *reply = wb_msg_recv (dealer, NULL, NULL, NULL);
        if (!reply || wb_msg_reference_id (reply) != test->reference
        ||  wb_kvlist_int_or (wb_msg_body (reply), "ErrorCode", 0) != test->code)
            fail_msg ("pipelined %s: wrong or missing answer", test->name);
        wb_msg_destroy (&reply);
    }
    assert_true (sent > 30);
    zsock_destroy (&dealer);
    s_witness_is_served (fixture, "the pipelined cases");
}

// ------------------------------------------------------------ floods

typedef struct {
    const char *endpoint;
    size_t replies;          /* flood replies received, in order */
    int64_t last_reference;  /* the highest flood ReferenceId answered */
    bool in_order;
} s_flood_t;

//  Read replies until the answer to a marker ping (ReferenceId above the
//  flood's) arrives, re-sending the marker while replies are still lost
//  to a full queue; count and check the flood's replies on the way.
static bool
s_flood_drain (zsock_t *dealer, s_flood_t *flood)
{
    int64_t deadline = zclock_mono () + PROMPT_MS * 5;
    int64_t marker = FLOOD_REQUESTS;
    zsock_set_rcvtimeo (dealer, 100);
    while (zclock_mono () < deadline) {
        zmsg_t *zmsg = s_message ("RequestPing", s_ping_body (++marker));
        zmsg_send (&zmsg, dealer);
        for (wb_msg_t *reply = wb_msg_recv (dealer, NULL, NULL, NULL); reply;
             reply = wb_msg_recv (dealer, NULL, NULL, NULL)) {
            int64_t reference = wb_msg_reference_id (reply);
            wb_msg_destroy (&reply);
            if (reference > FLOOD_REQUESTS)
                return true;
            flood->in_order = flood->in_order && reference > flood->last_reference;
            flood->last_reference = reference;
            flood->replies++;
        }
    }
    return false;
}

//  The flooder: pipelines FLOOD_REQUESTS pings without reading, says
//  "SENT", then on "DRAIN" reads what reached it and says "DRAINED" (or
//  "STUCK" if its marker was never answered).
static void
s_flooder (zsock_t *pipe, void *args)
{
    s_flood_t *flood = args;
    zsock_t *dealer = zsock_new (ZMQ_DEALER);
    zsock_set_rcvhwm (dealer, FLOOD_RECEIVE_QUEUE);
    zsock_connect (dealer, "%s", flood->endpoint);
    zsock_signal (pipe, 0);
    for (int64_t reference = 1; reference <= FLOOD_REQUESTS; reference++) {
        zmsg_t *zmsg = s_message ("RequestPing", s_ping_body (reference));
        zmsg_send (&zmsg, dealer);
    }
    zstr_send (pipe, "SENT");
    char *command = zstr_recv (pipe);
    if (command && streq (command, "DRAIN"))
        zstr_send (pipe, s_flood_drain (dealer, flood) ? "DRAINED" : "STUCK");
    zstr_free (&command);
    zsock_destroy (&dealer);
    command = zstr_recv (pipe);     //  $TERM
    zstr_free (&command);
}

static void
test_a_flood_does_not_starve_others (void **state)
{
    s_fixture_t *fixture = *state;
    fixture->server.options.endpoints [0] = "inproc://hostile-flood";
    fixture->server.options.send_queue = FLOOD_SEND_QUEUE;
    s_start_server (fixture);
    s_flood_t flood = { fixture->server.endpoint, 0, 0, true };
    zactor_t *flooder = zactor_new (s_flooder, &flood);
    //  while the flood lasts, the witness is served, each time in time
    size_t served = 0;
    int64_t slowest = 0;
    while (!(zsock_events (zactor_sock (flooder)) & ZMQ_POLLIN)) {
        int64_t start = zclock_mono ();
        s_witness_is_served (fixture, "a flood");
        slowest = zclock_mono () - start > slowest ? zclock_mono () - start : slowest;
        served++;
    }
    char *said = zstr_recv (flooder);
    assert_string_equal (said, "SENT");
    zstr_free (&said);
    zstr_send (flooder, "DRAIN");
    said = zstr_recv (flooder);
    assert_string_equal (said, "DRAINED");
    zstr_free (&said);
    print_message ("# flood: witness served %zu times (slowest %" PRId64 " ms); flooder got "
                   "%zu of %d replies\n", served, slowest, flood.replies, FLOOD_REQUESTS);
    assert_true (served >= 1);
    //  the flooder's replies came in order; those that found its queue
    //  full were lost, so the server held at most a queue's worth for it
    assert_true (flood.in_order);
    assert_true (flood.replies >= FLOOD_SEND_QUEUE);
    assert_true (flood.replies < FLOOD_REQUESTS / 10);
    zactor_destroy (&flooder);
    s_witness_is_served (fixture, "the flood ended");
}

int
main (void)
{
    zsys_init ();
    zsys_set_logstream (NULL);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test_setup_teardown (test_each_hostile_message_gets_its_answer, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_hostile_messages_pipelined_on_one_connection, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_a_flood_does_not_starve_others, s_setup, s_teardown),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
