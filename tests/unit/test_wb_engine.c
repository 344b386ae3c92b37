/*  Tests of wb_engine: the protocol logic, driven directly (no sockets).

    Each test gets a fresh engine on tests/data/engine.cfg and an empty
    SQLite store in a temporary folder. The send function captures every
    message, so a test sees the reply and the events each peer received.
    Directory: a1, a2 in group sales (places p1, p2, place group floor);
    a3 in support (p3); lead supervises sales (p4). Types: draft (agent),
    desk (place), backlog (place group), team (agent group).
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <inttypes.h>
#include <cmocka.h>
#include "wb_engine.h"
#include "wb_error.h"
#include "wb_events.h"
#include "wb_requests.h"
#include "wb_page_cache.h"

typedef struct {
    char folder [64];
    wb_directory_t *directory;
    wb_store_t *store;
    wb_store_t *spy;           /* the store seen through s_spy, or NULL */
    wb_engine_t *engine;
    zlistx_t *sent;            /* every wb_msg_t sent, in order */
    int refuse_sends_to;       /* peer number whose sends fail (EAGAIN), 0: none */
    int full_bytes_to;         /* peer whose queue is over its bytes: all but
                                  an EventError fail (EAGAIN), 0: none */
    int oversize_events_to;    /* peer whose events are over a codec limit
                                  (EMSGSIZE), 0: none */
    int64_t now;
    int64_t next_reference;
} s_fixture_t;

static void
s_msg_destructor (void **item)
{
    wb_msg_destroy ((wb_msg_t **) item);
}

//  Peers are named by a small number; their routing id is that byte.
static zframe_t *
s_peer (int number)
{
    uint8_t byte = (uint8_t) number;
    return zframe_new (&byte, 1);
}

static int
s_peer_of (wb_msg_t *msg)
{
    zframe_t *routing_id = wb_msg_routing_id (msg);
    return routing_id ? zframe_data (routing_id) [0] : -1;
}

static int
s_capture (void *context, wb_msg_t **msg_p)
{
    s_fixture_t *fixture = context;
    if (fixture->refuse_sends_to && s_peer_of (*msg_p) == fixture->refuse_sends_to) {
        wb_msg_destroy (msg_p);
        errno = EAGAIN;
        return -1;
    }
    if (fixture->full_bytes_to && s_peer_of (*msg_p) == fixture->full_bytes_to
    &&  !wb_msg_is (*msg_p, WB_ROW_EVENT_ERROR)) {
        wb_msg_destroy (msg_p);
        errno = EAGAIN;
        return -1;
    }
    if (fixture->oversize_events_to && s_peer_of (*msg_p) == fixture->oversize_events_to
    &&  wb_msg_reference_id (*msg_p) == 0) {
        wb_msg_destroy (msg_p);
        errno = EMSGSIZE;
        return -1;
    }
    zlistx_add_end (fixture->sent, *msg_p);
    *msg_p = NULL;
    return 0;
}

// ---------------------------------------------------------------- a spy store

/* The fixture's SQLite backend seen through a spy: it counts commits and
   can fail the next commit, or the Nth version bump from now. */
static struct {
    const wb_store_ops_t *real;
    wb_store_ops_t ops;
    int commits;
    bool fail_commit;
    int fail_bump_in;          /* 1: the next bump fails; 0: none */
    int version_reads;         /* workbin_version calls */
    bool conflict;             /* that failure is a conflict with another node */
    bool told_conflict;
} s_spy;

static bool
s_spy_may_retry (void *backend)
{
    (void) backend;
    bool conflict = s_spy.told_conflict;
    s_spy.told_conflict = false;
    return conflict;
}

static int
s_spy_commit (void *backend)
{
    if (s_spy.fail_commit) {
        s_spy.fail_commit = false;
        return -1;
    }
    int rc = s_spy.real->commit (backend);
    s_spy.commits += rc == 0;
    return rc;
}

static int
s_spy_version (void *backend, wb_workbin_ref_t workbin, int64_t *version)
{
    s_spy.version_reads++;
    return s_spy.real->workbin_version (backend, workbin, version);
}

static int
s_spy_bump (void *backend, wb_workbin_ref_t workbin, int64_t *version)
{
    if (s_spy.fail_bump_in > 0 && --s_spy.fail_bump_in == 0) {
        s_spy.told_conflict = s_spy.conflict;
        return -1;
    }
    return s_spy.real->bump_version (backend, workbin, version);
}

//  Give the fixture an engine on a spy over its store (fixture->spy).
static void
s_use_spy (s_fixture_t *fixture)
{
    memset (&s_spy, 0, sizeof (s_spy));
    s_spy.real = wb_store_ops (fixture->store);
    s_spy.ops = *s_spy.real;
    s_spy.ops.close = NULL;             //  the real store closes the backend
    s_spy.ops.commit = s_spy_commit;
    s_spy.ops.bump_version = s_spy_bump;
    s_spy.ops.workbin_version = s_spy_version;
    s_spy.ops.may_retry = s_spy_may_retry;
    fixture->spy = wb_store_new (&s_spy.ops, wb_store_backend (fixture->store));
    assert_non_null (fixture->spy);
    wb_engine_destroy (&fixture->engine);
    fixture->engine = wb_engine_new (fixture->directory, fixture->spy, s_capture, fixture);
    assert_non_null (fixture->engine);
}

static int
s_setup (void **state)
{
    s_fixture_t *fixture = zmalloc (sizeof (s_fixture_t));
    char error [256] = "";
    char path [512];
    const char *srcdir = getenv ("WB_SRCDIR") ? getenv ("WB_SRCDIR") : ".";
    snprintf (path, sizeof (path), "%s/tests/data/engine.cfg", srcdir);
    fixture->directory = wb_directory_load (path, error, sizeof (error));
    if (!fixture->directory)
        fail_msg ("%s", error);
    strcpy (fixture->folder, "/tmp/wb-engine-XXXXXX");
    assert_non_null (mkdtemp (fixture->folder));
    snprintf (path, sizeof (path), "sqlite:%s/store.db", fixture->folder);
    fixture->store = wb_store_open (path, error, sizeof (error));
    assert_non_null (fixture->store);
    fixture->sent = zlistx_new ();
    zlistx_set_destructor (fixture->sent, s_msg_destructor);
    fixture->engine = wb_engine_new (fixture->directory, fixture->store, s_capture, fixture);
    assert_non_null (fixture->engine);
    fixture->now = 1000;
    *state = fixture;
    return 0;
}

static int
s_teardown (void **state)
{
    s_fixture_t *fixture = *state;
    wb_engine_destroy (&fixture->engine);
    wb_store_destroy (&fixture->spy);
    wb_store_destroy (&fixture->store);
    wb_directory_destroy (&fixture->directory);
    zlistx_destroy (&fixture->sent);
    char command [128];
    snprintf (command, sizeof (command), "rm -rf %s", fixture->folder);
    assert_int_equal (system (command), 0);
    free (fixture);
    return 0;
}

//  Send a request from a peer; return its reply (caller destroys) and
//  leave every other message sent in the fixture for s_next_event.
static wb_msg_t *
s_call (s_fixture_t *fixture, int peer, wb_msg_t *request)
{
    int64_t reference = ++fixture->next_reference;
    wb_msg_set_reference_id (request, reference);
    zframe_t *routing_id = s_peer (peer);
    wb_engine_handle (fixture->engine, routing_id, &request, fixture->now);
    zframe_destroy (&routing_id);
    for (wb_msg_t *msg = zlistx_first (fixture->sent); msg; msg = zlistx_next (fixture->sent))
        if (wb_msg_reference_id (msg) == reference && s_peer_of (msg) == peer)
            return zlistx_detach_cur (fixture->sent);
    return NULL;
}

//  The next unsolicited event a peer received, or NULL.
static wb_msg_t *
s_next_event (s_fixture_t *fixture, int peer)
{
    for (wb_msg_t *msg = zlistx_first (fixture->sent); msg; msg = zlistx_next (fixture->sent))
        if (wb_msg_reference_id (msg) == 0 && s_peer_of (msg) == peer)
            return zlistx_detach_cur (fixture->sent);
    return NULL;
}

//  A request with string attributes given as name, value pairs, NULL-ended.
static wb_msg_t *
s_request (const char *name, ...)
{
    wb_msg_t *msg = wb_msg_new (name);
    va_list args;
    va_start (args, name);
    for (const char *key = va_arg (args, const char *); key; key = va_arg (args, const char *))
        wb_kvlist_add_string (wb_msg_body (msg), key, va_arg (args, const char *));
    va_end (args);
    return msg;
}

//  Call and check the reply is an EventError with this code (0: EventAck
//  or the request's own event); return nothing, destroy the reply.
static void
s_expect (s_fixture_t *fixture, int peer, wb_msg_t *request, int code)
{
    char line [512];
    wb_msg_t *reply = s_call (fixture, peer, request);
    assert_non_null (reply);
    wb_msg_print (reply, line, sizeof (line));
    wb_event_error_t error;
    bool failed = wb_event_read_error (reply, &error) == 0;
    if (code && (!failed || error.code != code))
        fail_msg ("expected EventError %d, got %s", code, line);
    if (!code && wb_msg_is (reply, WB_ROW_EVENT_ERROR))
        fail_msg ("expected success, got %s", line);
    wb_msg_destroy (&reply);
}

//  The test directory's workbin of a type (draft, desk, backlog, team; any
//  other type as an agent's) owned by owner_id (NULL: no owner named).
static wb_workbin_t
s_workbin (const char *type_id, const char *owner_id)
{
    const struct { const char *type_id; wb_owner_type_t owner_type; } types [] = {
        { "desk", WB_OWNER_PLACE }, { "backlog", WB_OWNER_PLACE_GROUP },
        { "team", WB_OWNER_AGENT_GROUP },
    };
    wb_workbin_t workbin = { type_id, WB_OWNER_AGENT, NULL, owner_id };
    for (size_t index = 0; index < sizeof (types) / sizeof (types [0]); index++)
        if (streq (types [index].type_id, type_id))
            workbin.owner_type = types [index].owner_type;
    return workbin;
}

//  RequestGetWorkbinContent of a workbin, from its start.
static wb_msg_t *
s_content (const char *type_id, const char *owner_id)
{
    wb_workbin_t workbin = s_workbin (type_id, owner_id);
    return wb_request_get_workbin_content (&workbin, WB_ABSENT, WB_ABSENT);
}

//  RequestWorkbinNotifications of a workbin, without property changes.
static wb_msg_t *
s_subscription (const char *type_id, const char *owner_id)
{
    wb_workbin_t workbin = s_workbin (type_id, owner_id);
    return wb_request_workbin_notifications (&workbin, false);
}

static wb_msg_t *
s_cancellation (const char *type_id, const char *owner_id)
{
    wb_workbin_t workbin = s_workbin (type_id, owner_id);
    return wb_request_cancel_workbin_notifications (&workbin);
}

static void
s_register (s_fixture_t *fixture, int peer, wb_client_type_t client_type)
{
    s_expect (fixture, peer, wb_request_register_client (client_type, NULL), 0);
}

static wb_msg_t *
s_login_request (const char *agent_id)
{
    return wb_request_agent_login (101, agent_id, NULL);
}

//  Register peer as an agent application and log agent_id in.
static void
s_agent (s_fixture_t *fixture, int peer, const char *agent_id)
{
    s_register (fixture, peer, WB_CLIENT_AGENT_APPLICATION);
    s_expect (fixture, peer, s_login_request (agent_id), 0);
}

//  Submit into a workbin as peer; return the new InteractionId (static buffer).
static const char *
s_submit (s_fixture_t *fixture, int peer, const char *type_id, const char *owner_id,
          const char *subject)
{
    static char id [64];
    wb_submission_t submission = { .workbin = s_workbin (type_id, owner_id),
                                   .media_type = "email", .interaction_type = "Inbound",
                                   .subject = subject };
    wb_msg_t *reply = s_call (fixture, peer, wb_request_submit (&submission));
    wb_event_ack_t ack;
    assert_int_equal (wb_event_read_ack (reply, &ack), 0);
    snprintf (id, sizeof (id), "%s", ack.interaction_id);
    wb_msg_destroy (&reply);
    return id;
}

static wb_msg_t *
s_content_request (const char *agent_id)
{
    return s_content ("draft", agent_id);
}

// ---------------------------------------------------------------- tests

static void
test_degenerate_calls (void **state)
{
    s_fixture_t *fixture = *state;
    assert_null (wb_engine_new (NULL, NULL, NULL, NULL));
    wb_engine_t *none = NULL;
    wb_engine_destroy (&none);
    wb_engine_destroy (NULL);
    wb_engine_handle (NULL, NULL, NULL, 0);
    wb_engine_handle (fixture->engine, NULL, NULL, 0);
    assert_int_equal (wb_engine_set_page_cap (fixture->engine, 99), -1);
    assert_int_equal (wb_engine_set_page_cap (fixture->engine, 10001), -1);
    assert_int_equal (wb_engine_session_count (NULL), 0);
    assert_int_equal (zlistx_size (fixture->sent), 0);
}

//  One row per message: every request row of the catalogue has its
//  handler, and no event row has one.
static void
test_every_request_row_has_a_route (void **state)
{
    (void) state;
    assert_false (wb_engine_handles (NULL));
    assert_int_equal (wb_catalog_size (), WB_ROW_COUNT);
    for (size_t index = 0; index < wb_catalog_size (); index++) {
        const wb_message_spec_t *spec = wb_catalog_at (index);
        assert_int_equal (spec->row, index);
        assert_ptr_equal (wb_catalog_row (spec->row), spec);
        if (wb_engine_handles (spec) != (spec->kind == WB_KIND_REQUEST))
            fail_msg ("%s: %s", spec->name, spec->kind == WB_KIND_REQUEST
                      ? "a request without a handler" : "an event with a handler");
    }
}

static void
test_register_first (void **state)
{
    s_fixture_t *fixture = *state;
    s_expect (fixture, 1, s_content_request ("a1"), WB_ERR_NOT_REGISTERED);
    s_expect (fixture, 1, s_login_request ("a1"), WB_ERR_NOT_REGISTERED);
    //  the keep-alive needs the session: a client the server lost learns it
    s_expect (fixture, 1, wb_request_ping (), WB_ERR_NOT_REGISTERED);
    s_expect (fixture, 1, wb_request_register_client ((wb_client_type_t) 7, NULL),
              WB_ERR_UNKNOWN_CLIENT_TYPE);
    assert_int_equal (wb_engine_session_count (fixture->engine), 0);
    s_register (fixture, 1, WB_CLIENT_AGENT_APPLICATION);
    assert_int_equal (wb_engine_session_count (fixture->engine), 1);
    s_expect (fixture, 1, wb_request_ping (), 0);
    s_expect (fixture, 1, s_content_request ("a1"), WB_ERR_NOT_LOGGED_IN);
}

static void
test_login_rules (void **state)
{
    s_fixture_t *fixture = *state;
    s_register (fixture, 1, WB_CLIENT_AGENT_APPLICATION);
    s_register (fixture, 2, WB_CLIENT_AGENT_APPLICATION);
    s_expect (fixture, 1, s_login_request ("nobody"), WB_ERR_UNKNOWN_AGENT);
    s_expect (fixture, 1, wb_request_agent_login (999, "a1", NULL), WB_ERR_UNKNOWN_TENANT);
    //  no TenantId: no builder makes that
    wb_msg_t *request = s_request ("RequestAgentLogin", "AgentId", "a1", NULL);
    s_expect (fixture, 1, request, WB_ERR_TENANT_NOT_SPECIFIED);
    s_expect (fixture, 1, wb_request_agent_login (101, "a1", "p99"), WB_ERR_UNKNOWN_PLACE);
    s_expect (fixture, 1, s_login_request ("a1"), 0);
    s_expect (fixture, 2, s_login_request ("a1"), WB_ERR_AGENT_ALREADY_LOGGED_IN);
    s_expect (fixture, 2, wb_request_agent_login (101, "a2", "p1"), WB_ERR_PLACE_OCCUPIED);
    s_expect (fixture, 1, wb_request_agent_logout (), 0);
    s_expect (fixture, 1, wb_request_agent_logout (), WB_ERR_NOT_LOGGED_IN);
    s_expect (fixture, 2, s_login_request ("a1"), 0);
}

//  A login that takes the agent over (TakeOver 1) ends the session that
//  held it (a console that was killed): that connection must start over,
//  and the place is free again. Without it, 14 as before.
static void
test_login_take_over (void **state)
{
    s_fixture_t *fixture = *state;
    s_agent (fixture, 1, "a1");
    s_expect (fixture, 1, wb_request_workbin_notifications (&(wb_workbin_t) { "draft", WB_OWNER_AGENT,
                                                                             NULL, "a1" }, false), 0);
    s_register (fixture, 2, WB_CLIENT_AGENT_APPLICATION);
    s_expect (fixture, 2, s_login_request ("a1"), WB_ERR_AGENT_ALREADY_LOGGED_IN);
    //  a take-over that fails (an unknown place) changes nothing
    wb_msg_t *take_over = wb_request_agent_login (101, "a1", "p99");
    assert_int_equal (wb_request_set_take_over (take_over), 0);
    s_expect (fixture, 2, take_over, WB_ERR_UNKNOWN_PLACE);
    s_expect (fixture, 1, wb_request_ping (), 0);
    take_over = s_login_request ("a1");
    assert_int_equal (wb_request_set_take_over (take_over), 0);
    s_expect (fixture, 2, take_over, 0);
    assert_int_equal (wb_engine_session_count (fixture->engine), 1);
    //  the old connection's session is gone, subscriptions and all
    s_expect (fixture, 1, wb_request_ping (), WB_ERR_NOT_REGISTERED);
    s_expect (fixture, 2, s_content_request ("a1"), 0);
    //  only a login can be a take-over; a take-over of a free agent is a login
    wb_msg_t *ping = wb_request_ping ();
    assert_int_equal (wb_request_set_take_over (ping), -1);
    assert_int_equal (wb_request_set_take_over (NULL), -1);
    wb_msg_destroy (&ping);
    s_register (fixture, 3, WB_CLIENT_AGENT_APPLICATION);
    take_over = s_login_request ("a2");
    assert_int_equal (wb_request_set_take_over (take_over), 0);
    s_expect (fixture, 3, take_over, 0);
}

static void
test_phase_get_content (void **state)
{
    s_fixture_t *fixture = *state;
    s_agent (fixture, 1, "a1");
    s_submit (fixture, 1, "draft", "a1", "first");
    const char *second = s_submit (fixture, 1, "draft", "a1", "second");
    wb_msg_t *reply = s_call (fixture, 1, s_content_request ("a1"));
    wb_event_content_t page;
    assert_int_equal (wb_event_read_content (reply, &page), 0);
    assert_int_equal (page.total_count, 2);
    assert_int_equal (page.version, 2);
    assert_string_equal (page.workbin.type_id, "draft");
    assert_string_equal (page.workbin.owner_id, "a1");
    assert_int_equal (wb_kvlist_size (page.interactions), 2);
    wb_kvlist_t *last = wb_kvlist_list_at (page.interactions, 1);
    assert_string_equal (wb_kvlist_string (last, "InteractionId"), second);
    assert_string_equal (wb_kvlist_string (last, "Subject"), "second");
    assert_string_equal (wb_kvlist_string (last, "Queue"), "draft/PrivateQueue");
    assert_string_equal (wb_kvlist_string (last, "WorkbinAgentId"), "a1");
    wb_msg_destroy (&reply);
}

static void
test_phase_fail_to_get_content (void **state)
{
    s_fixture_t *fixture = *state;
    s_agent (fixture, 1, "a1");
    s_expect (fixture, 1, s_content ("nosuch", "a1"), WB_ERR_WORKBIN_INACCESSIBLE);
    s_expect (fixture, 1, s_content_request ("nobody"), WB_ERR_WORKBIN_INACCESSIBLE);
    s_expect (fixture, 1, s_request ("RequestGetWorkbinContent", NULL), WB_ERR_WORKBIN_TYPE_NOT_SPECIFIED);
    s_expect (fixture, 1, s_content ("draft", NULL),
              WB_ERR_AGENT_OWNER_NOT_SPECIFIED);
    s_expect (fixture, 1, s_content ("desk", NULL),
              WB_ERR_PLACE_NOT_SPECIFIED);
    s_expect (fixture, 1, s_content ("backlog", NULL),
              WB_ERR_PLACE_GROUP_OWNER_NOT_SPECIFIED);
    s_expect (fixture, 1, s_content ("team", NULL),
              WB_ERR_AGENT_GROUP_OWNER_NOT_SPECIFIED);
}

static void
test_access_rules (void **state)
{
    s_fixture_t *fixture = *state;
    s_agent (fixture, 1, "a1");
    s_agent (fixture, 3, "a3");
    s_agent (fixture, 4, "lead");
    //  all four owner types for a1: own, place, place group, group
    s_expect (fixture, 1, s_content_request ("a1"), 0);
    s_expect (fixture, 1, s_content ("desk", "p1"), 0);
    s_expect (fixture, 1, s_content ("backlog", "floor"), 0);
    s_expect (fixture, 1, s_content ("team", "sales"), 0);
    //  another agent's, another place's, another group's: 41
    s_expect (fixture, 1, s_content_request ("a2"), WB_ERR_WORKBIN_INACCESSIBLE);
    s_expect (fixture, 1, s_content ("desk", "p3"), WB_ERR_WORKBIN_INACCESSIBLE);
    s_expect (fixture, 1, s_content ("team", "support"), WB_ERR_WORKBIN_INACCESSIBLE);
    s_expect (fixture, 3, s_content_request ("a1"), WB_ERR_WORKBIN_INACCESSIBLE);
    //  the supervisor sees its team (sales) but not support
    s_expect (fixture, 4, s_content_request ("a1"), 0);
    s_expect (fixture, 4, s_content_request ("a2"), 0);
    s_expect (fixture, 4, s_content_request ("a3"), WB_ERR_WORKBIN_INACCESSIBLE);
    s_expect (fixture, 4, s_content ("team", "sales"), 0);
    //  a media server sees everything without logging in
    s_register (fixture, 5, WB_CLIENT_MEDIA_SERVER);
    s_expect (fixture, 5, s_content_request ("a3"), 0);
}

static void
test_phase_notifications (void **state)
{
    s_fixture_t *fixture = *state;
    s_agent (fixture, 1, "a1");
    s_agent (fixture, 2, "a2");
    wb_msg_t *reply = s_call (fixture, 1, s_subscription ("team", "sales"));
    wb_event_ack_t ack;
    assert_int_equal (wb_event_read_ack (reply, &ack), 0);
    assert_int_equal (ack.workbin_version, 0);
    wb_msg_destroy (&reply);
    const char *id = s_submit (fixture, 2, "team", "sales", "hello");
    wb_msg_t *event = s_next_event (fixture, 1);
    wb_event_change_t change;
    assert_int_equal (wb_event_read_change (event, &change), 0);
    assert_int_equal (change.content_operation, WB_CONTENT_PLACED_IN);
    assert_int_equal (change.operation, WB_OPERATION_CREATE);
    assert_int_equal (change.version, 1);
    assert_int_equal (change.sequence, 1);
    assert_int_equal (change.workbin.owner_type, WB_OWNER_AGENT_GROUP);
    assert_string_equal (change.interaction_id, id);
    assert_string_equal (change.actor, "a2");
    wb_msg_destroy (&event);
    assert_null (s_next_event (fixture, 2));   //  a2 did not subscribe
}

static void
test_phase_cancel_notifications (void **state)
{
    s_fixture_t *fixture = *state;
    s_agent (fixture, 1, "a1");
    wb_msg_t *subscribe = s_subscription ("draft", "a1");
    wb_msg_t *cancel = s_cancellation ("draft", "a1");
    s_expect (fixture, 1, wb_msg_dup (cancel), WB_ERR_NOT_SUBSCRIBED);
    s_expect (fixture, 1, subscribe, 0);
    s_expect (fixture, 1, wb_msg_dup (cancel), 0);
    s_expect (fixture, 1, cancel, WB_ERR_NOT_SUBSCRIBED);
    s_expect (fixture, 1, s_cancellation ("nosuch", "a1"), WB_ERR_WORKBIN_INACCESSIBLE);
    //  no event after cancelling
    s_submit (fixture, 1, "draft", "a1", "quiet");
    assert_null (s_next_event (fixture, 1));
}

static void
test_move_pull_change_stop (void **state)
{
    s_fixture_t *fixture = *state;
    s_agent (fixture, 1, "a1");
    s_agent (fixture, 2, "a2");
    s_expect (fixture, 1, s_subscription ("draft", "a1"), 0);
    wb_workbin_t team = s_workbin ("team", "sales");
    s_expect (fixture, 2, wb_request_workbin_notifications (&team, true), 0);
    char id [64];
    snprintf (id, sizeof (id), "%s", s_submit (fixture, 1, "draft", "a1", "move me"));
    wb_msg_t *created = s_next_event (fixture, 1);
    assert_non_null (created);
    wb_msg_destroy (&created);
    //  move draft@a1 -> team@sales: TakenOut for a1, PlacedIn for a2
    s_expect (fixture, 1, wb_request_place_in_workbin (id, &team, NULL), 0);
    wb_msg_t *out = s_next_event (fixture, 1), *in = s_next_event (fixture, 2);
    wb_event_change_t change;
    assert_int_equal (wb_event_read_change (out, &change), 0);
    assert_int_equal (change.content_operation, WB_CONTENT_TAKEN_OUT);
    assert_int_equal (change.operation, WB_OPERATION_PLACE_IN_WORKBIN);
    assert_int_equal (change.version, 2);
    assert_int_equal (wb_event_read_change (in, &change), 0);
    assert_int_equal (change.content_operation, WB_CONTENT_PLACED_IN);
    wb_msg_destroy (&out);
    wb_msg_destroy (&in);
    //  a property change reaches a2, who asked for property changes
    wb_kvlist_t *changed = wb_kvlist_new ();
    wb_kvlist_add_string (changed, "Subject", "renamed");
    wb_property_changes_t changes = { .changed = changed };
    s_expect (fixture, 1, wb_request_change_properties (id, &changes), 0);
    wb_kvlist_destroy (&changed);
    wb_msg_t *event = s_next_event (fixture, 2);
    assert_int_equal (wb_event_read_change (event, &change), 0);
    assert_int_equal (change.content_operation, WB_CONTENT_PROPERTIES_CHANGED);
    assert_string_equal (wb_kvlist_string (change.interaction, "Subject"), "renamed");
    wb_msg_destroy (&event);
    //  a2 pulls it: it leaves the workbin; a1 may not stop it now, and is
    //  told what an unknown id gets (43), not that it is someone else's
    wb_msg_t *reply = s_call (fixture, 2, wb_request_pull (id));
    wb_event_pulled_t pulled_event;
    assert_int_equal (wb_event_read_pulled (reply, &pulled_event), 0);
    wb_kvlist_t *pulled = wb_kvlist_list_at (pulled_event.interactions, 0);
    assert_int_equal (wb_kvlist_int_or (pulled, "InteractionState", -1), 3);
    assert_string_equal (wb_kvlist_string (pulled, "AssignedTo"), "a2");
    wb_msg_destroy (&reply);
    s_expect (fixture, 1, wb_request_stop_processing (id), WB_ERR_UNKNOWN_INTERACTION);
    s_expect (fixture, 2, wb_request_stop_processing (id), 0);
    s_expect (fixture, 2, wb_request_stop_processing (id), WB_ERR_UNKNOWN_INTERACTION);
}

static void
test_property_change_rules (void **state)
{
    s_fixture_t *fixture = *state;
    s_agent (fixture, 1, "a1");
    const char *id = s_submit (fixture, 1, "draft", "a1", "x");
    wb_kvlist_t *queue = wb_kvlist_new ();
    wb_kvlist_add_string (queue, "Queue", "elsewhere");
    wb_property_changes_t changes = { .changed = queue };
    s_expect (fixture, 1, wb_request_change_properties (id, &changes), WB_ERR_READ_ONLY_PROPERTY);
    wb_kvlist_t *list_valued = wb_kvlist_new ();
    wb_kvlist_t *nested = wb_kvlist_new ();
    wb_kvlist_add_list (list_valued, "Subject", &nested);
    changes = (wb_property_changes_t) { .added = list_valued };
    s_expect (fixture, 1, wb_request_change_properties (id, &changes),
              WB_ERR_INVALID_PROPERTY_TYPE);
    wb_kvlist_destroy (&list_valued);
    wb_kvlist_destroy (&queue);
    //  no InteractionId: no builder makes that
    s_expect (fixture, 1, wb_msg_new ("RequestChangeProperties"), WB_ERR_INTERACTION_ID_NOT_SPECIFIED);
    s_expect (fixture, 1, wb_request_change_properties ("nope", NULL), WB_ERR_UNKNOWN_INTERACTION);
}

static void
test_submit_and_pull_errors (void **state)
{
    s_fixture_t *fixture = *state;
    s_agent (fixture, 1, "a1");
    s_expect (fixture, 1, s_request ("RequestSubmit", "MediaType", "email", "InteractionType", "Inbound", NULL),
              WB_ERR_QUEUE_NOT_SPECIFIED);
    s_expect (fixture, 1, s_request ("RequestSubmit", "MediaType", "email", "InteractionType", "Inbound",
                                     "Queue", "somewhere", NULL), WB_ERR_UNKNOWN_QUEUE);
    s_expect (fixture, 1, s_request ("RequestSubmit", "InteractionType", "Inbound", NULL),
              WB_ERR_MEDIA_TYPE_NOT_SPECIFIED);
    s_expect (fixture, 1, s_request ("RequestSubmit", "MediaType", "email", NULL),
              WB_ERR_INTERACTION_TYPE_NOT_SPECIFIED);
    s_expect (fixture, 1, wb_msg_new ("RequestPull"), WB_ERR_PULL_PARAMETERS_ABSENT);
    wb_msg_t *request = wb_msg_new ("RequestPull");
    wb_kvlist_t *parameters = wb_kvlist_new ();
    wb_kvlist_add_int (parameters, "InteractionId", 5);
    wb_kvlist_add_list (wb_msg_body (request), "PullParameters", &parameters);
    s_expect (fixture, 1, request, WB_ERR_PULL_PARAMETERS_INVALID);
    //  an event sent as a request, and a wrong attribute type
    s_expect (fixture, 1, wb_msg_new ("EventAck"), WB_ERR_UNSUPPORTED_ELEMENT);
    request = s_content ("draft", "a1");
    wb_kvlist_add_string (wb_msg_body (request), "Count", "ten");
    s_expect (fixture, 1, request, WB_ERR_INVALID_MESSAGE);
}

static void
test_paging (void **state)
{
    s_fixture_t *fixture = *state;
    s_register (fixture, 5, WB_CLIENT_MEDIA_SERVER);
    for (int index = 0; index < 250; index++)
        s_submit (fixture, 5, "draft", "a1", "page");
    assert_int_equal (wb_engine_set_page_cap (fixture->engine, 100), 0);
    wb_workbin_t drafts = s_workbin ("draft", "a1");
    wb_msg_t *reply = s_call (fixture, 5, wb_request_get_workbin_content (&drafts, 200, 1000));
    wb_event_content_t page;
    assert_int_equal (wb_event_read_content (reply, &page), 0);
    assert_int_equal (wb_kvlist_size (page.interactions), 50);
    assert_int_equal (page.total_count, 250);
    assert_int_equal (page.from, 200);
    wb_msg_destroy (&reply);
    reply = s_call (fixture, 5, s_content_request ("a1"));
    assert_int_equal (wb_event_read_content (reply, &page), 0);
    assert_int_equal (wb_kvlist_size (page.interactions), 100);
    wb_msg_destroy (&reply);
    s_expect (fixture, 5, wb_request_get_workbin_content (&drafts, WB_ABSENT, 0),
              WB_ERR_INVALID_PAGE);
    s_expect (fixture, 5, wb_request_get_workbin_content (&drafts, -1, WB_ABSENT),
              WB_ERR_INVALID_PAGE);
}

static void
test_slow_subscriber_is_dropped_and_told (void **state)
{
    s_fixture_t *fixture = *state;
    s_agent (fixture, 1, "a1");
    s_agent (fixture, 2, "a2");
    for (int peer = 1; peer <= 2; peer++)
        s_expect (fixture, peer, s_subscription ("team", "sales"), 0);
    fixture->refuse_sends_to = 2;       //  a2's queue is full
    s_submit (fixture, 1, "team", "sales", "one");
    fixture->refuse_sends_to = 0;
    s_submit (fixture, 1, "team", "sales", "two");
    //  a1 got both; a2 got nothing more, and hears of it at its next request
    wb_msg_t *event = s_next_event (fixture, 1);
    wb_msg_destroy (&event);
    event = s_next_event (fixture, 1);
    assert_int_equal (wb_event_sequence (event), 2);
    wb_msg_destroy (&event);
    assert_null (s_next_event (fixture, 2));
    s_expect (fixture, 2, wb_request_ping (), 0);
    event = s_next_event (fixture, 2);
    wb_event_error_t error;
    assert_int_equal (wb_event_read_error (event, &error), 0);
    assert_int_equal (error.code, WB_ERR_SUBSCRIPTIONS_DROPPED);
    //  the lost event still used a sequence number: the gap shows
    assert_int_equal (wb_event_sequence (event), 2);
    wb_msg_destroy (&event);
}

static void
test_silent_session_expires (void **state)
{
    s_fixture_t *fixture = *state;
    wb_engine_set_session_timeout (fixture->engine, 30000);
    s_agent (fixture, 1, "a1");
    s_agent (fixture, 2, "a2");
    fixture->now += 20000;
    s_expect (fixture, 2, wb_request_ping (), 0);
    fixture->now += 15000;
    assert_int_equal (wb_engine_expire (fixture->engine, fixture->now), 1);
    assert_int_equal (wb_engine_session_count (fixture->engine), 1);
    //  a1's login was freed: it must register again, and may log in again
    s_expect (fixture, 1, s_content_request ("a1"), WB_ERR_NOT_REGISTERED);
    s_agent (fixture, 1, "a1");
}

static void
test_types_info_lists_visible_owners (void **state)
{
    s_fixture_t *fixture = *state;
    s_agent (fixture, 4, "lead");
    s_register (fixture, 5, WB_CLIENT_MEDIA_SERVER);
    s_submit (fixture, 5, "draft", "a2", "for a2");
    wb_msg_t *reply = s_call (fixture, 4, wb_request_workbin_types_info (WB_ABSENT));
    wb_event_types_t types;
    assert_int_equal (wb_event_read_types (reply, &types), 0);
    assert_int_equal (wb_kvlist_size (types.types), 4);
    wb_kvlist_t *draft = wb_kvlist_list_at (types.types, 0);
    wb_event_type_info_t info;
    assert_int_equal (wb_event_read_type_info (draft, &info), 0);
    assert_string_equal (info.type_id, "draft");
    assert_int_equal (info.owner_type, WB_OWNER_AGENT);
    assert_string_equal (wb_kvlist_string (draft, WB_ATTR_VIEW), "draft/PrivateView");
    //  lead's own, then the team: a1 and a2
    assert_int_equal (wb_kvlist_size (info.owners), 3);
    wb_event_owner_t owner;
    wb_event_read_owner (wb_kvlist_list_at (info.owners, 0), &owner);
    assert_string_equal (owner.relation, "own");
    wb_event_read_owner (wb_kvlist_list_at (info.owners, 2), &owner);
    assert_string_equal (owner.owner_id, "a2");
    assert_string_equal (owner.relation, "team");
    assert_int_equal (owner.count, 1);
    wb_msg_destroy (&reply);
}

//  The interaction as stored (caller destroys).
static wb_kvlist_t *
s_stored (s_fixture_t *fixture, const char *id)
{
    char type_id [WB_KEY_MAX + 1], owner_id [WB_KEY_MAX + 1];
    int found = 0;
    wb_kvlist_t *stored = wb_store_interaction_get (fixture->store, id, type_id, owner_id,
                                                    sizeof (type_id), &found);
    assert_int_equal (found, 1);
    return stored;
}

//  A change that would take the interaction past WB_ENTRIES_MAX properties
//  is refused whole with 1006, before any EventAck: it used to be
//  acknowledged with its last keys silently left out.
static void
test_property_changes_past_entries_max_are_refused (void **state)
{
    s_fixture_t *fixture = *state;
    s_agent (fixture, 1, "a1");
    wb_workbin_t drafts = s_workbin ("draft", "a1");
    s_expect (fixture, 1, wb_request_workbin_notifications (&drafts, true), 0);
    char id [64];
    snprintf (id, sizeof (id), "%s", s_submit (fixture, 1, "draft", "a1", "full"));
    wb_msg_t *event = s_next_event (fixture, 1);
    wb_msg_destroy (&event);
    wb_kvlist_t *added = wb_kvlist_new ();
    for (int index = 0; index < WB_ENTRIES_MAX; index++) {
        char key [16];
        snprintf (key, sizeof (key), "P%05d", index);
        assert_int_equal (wb_kvlist_add_string (added, key, "v"), 0);
    }
    wb_property_changes_t changes = { .added = added };
    s_expect (fixture, 1, wb_request_change_properties (id, &changes),
              WB_ERR_TOO_MANY_PROPERTIES);
    s_expect (fixture, 1, wb_request_place_in_workbin (id, &drafts, &changes),
              WB_ERR_TOO_MANY_PROPERTIES);
    wb_kvlist_destroy (&added);
    assert_null (s_next_event (fixture, 1));
    wb_kvlist_t *stored = s_stored (fixture, id);
    assert_false (wb_kvlist_has (stored, "P00000"));
    wb_kvlist_destroy (&stored);
    //  a change that fits is still applied and stored
    wb_kvlist_t *changed = wb_kvlist_new ();
    wb_kvlist_add_string (changed, "Subject", "fits");
    changes = (wb_property_changes_t) { .changed = changed };
    s_expect (fixture, 1, wb_request_change_properties (id, &changes), 0);
    wb_kvlist_destroy (&changed);
    stored = s_stored (fixture, id);
    assert_string_equal (wb_kvlist_string (stored, "Subject"), "fits");
    wb_kvlist_destroy (&stored);
}

//  UserData stays a list (PROTOCOL.md 11): a change naming it gets 66; it
//  used to become the string given.
static void
test_user_data_cannot_be_changed (void **state)
{
    s_fixture_t *fixture = *state;
    s_agent (fixture, 1, "a1");
    wb_kvlist_t *user_data = wb_kvlist_new ();
    wb_kvlist_add_string (user_data, "Customer", "C-17");
    wb_submission_t submission = { .workbin = s_workbin ("draft", "a1"), .media_type = "email",
                                   .interaction_type = "Inbound", .subject = "ud",
                                   .user_data = user_data };
    wb_msg_t *reply = s_call (fixture, 1, wb_request_submit (&submission));
    wb_event_ack_t ack;
    assert_int_equal (wb_event_read_ack (reply, &ack), 0);
    char id [64];
    snprintf (id, sizeof (id), "%s", ack.interaction_id);
    wb_msg_destroy (&reply);
    wb_kvlist_t *flat = wb_kvlist_new ();
    wb_kvlist_add_string (flat, "UserData", "flat");
    wb_property_changes_t lists [3] = { { .added = flat }, { .changed = flat },
                                        { .deleted = flat } };
    for (int index = 0; index < 3; index++)
        s_expect (fixture, 1, wb_request_change_properties (id, &lists [index]),
                  WB_ERR_READ_ONLY_PROPERTY);
    wb_kvlist_destroy (&flat);
    wb_kvlist_t *stored = s_stored (fixture, id);
    assert_int_equal (wb_kvlist_type (stored, "UserData"), WB_TYPE_LIST);
    assert_true (wb_kvlist_equal (wb_kvlist_list (stored, "UserData"), user_data));
    wb_kvlist_destroy (&stored);
    wb_kvlist_destroy (&user_data);
}

//  A change that changes nothing is a no-op for both requests: EventAck
//  without WorkbinVersion, no version bump, no event (RequestChangeProperties
//  used to bump the version and send an empty PropertiesChanged). A place
//  in the same workbin that does change something is a property change:
//  PropertiesChanged with Operation 0, as 5.14 says (it was 11).
static void
test_no_op_changes_send_nothing (void **state)
{
    s_fixture_t *fixture = *state;
    s_agent (fixture, 1, "a1");
    wb_workbin_t drafts = s_workbin ("draft", "a1");
    s_expect (fixture, 1, wb_request_workbin_notifications (&drafts, true), 0);
    char id [64];
    snprintf (id, sizeof (id), "%s", s_submit (fixture, 1, "draft", "a1", "same"));
    wb_msg_t *event = s_next_event (fixture, 1);
    wb_msg_destroy (&event);
    wb_kvlist_t *changed = wb_kvlist_new ();
    wb_kvlist_add_string (changed, "Subject", "same");
    wb_kvlist_t *deleted = wb_kvlist_new ();
    wb_kvlist_add_string (deleted, "NoSuchKey", "");
    wb_property_changes_t changes = { .changed = changed, .deleted = deleted };
    wb_msg_t *requests [3] = { wb_request_change_properties (id, &changes),
                               wb_request_change_properties (id, NULL),
                               wb_request_place_in_workbin (id, &drafts, &changes) };
    for (int index = 0; index < 3; index++) {
        wb_msg_t *reply = s_call (fixture, 1, requests [index]);
        wb_event_ack_t ack;
        assert_int_equal (wb_event_read_ack (reply, &ack), 0);
        assert_int_equal (ack.workbin_version, WB_ABSENT);
        wb_msg_destroy (&reply);
        assert_null (s_next_event (fixture, 1));
    }
    wb_kvlist_set_string (changed, "Subject", "other");
    s_expect (fixture, 1, wb_request_place_in_workbin (id, &drafts, &changes), 0);
    event = s_next_event (fixture, 1);
    wb_event_change_t change;
    assert_int_equal (wb_event_read_change (event, &change), 0);
    assert_int_equal (change.content_operation, WB_CONTENT_PROPERTIES_CHANGED);
    assert_int_equal (change.operation, WB_OPERATION_UNKNOWN);
    assert_int_equal (change.version, 2);
    wb_msg_destroy (&event);
    wb_kvlist_destroy (&changed);
    wb_kvlist_destroy (&deleted);
}

//  A submit with an IdempotencyKey, as peer; return its EventAck's id
//  (static buffer) and version.
static const char *
s_keyed_submit (s_fixture_t *fixture, int peer, const char *owner_id, const char *key,
                int64_t *version)
{
    static char id [64];
    wb_submission_t submission = { .workbin = s_workbin ("draft", owner_id),
                                   .media_type = "email", .interaction_type = "Inbound",
                                   .subject = "once", .idempotency_key = key };
    wb_msg_t *reply = s_call (fixture, peer, wb_request_submit (&submission));
    wb_event_ack_t ack;
    assert_int_equal (wb_event_read_ack (reply, &ack), 0);
    snprintf (id, sizeof (id), "%s", ack.interaction_id);
    *version = ack.workbin_version;
    wb_msg_destroy (&reply);
    return id;
}

//  A retried submit with the same IdempotencyKey gets the first one's
//  EventAck (its id and version) and creates nothing: it used to create a
//  second copy. Keys are the submitter's own; a bad key is 79.
static void
test_submit_retry_with_its_key_creates_nothing (void **state)
{
    s_fixture_t *fixture = *state;
    s_agent (fixture, 1, "a1");
    s_agent (fixture, 2, "a2");
    wb_workbin_t drafts = s_workbin ("draft", "a1");
    s_expect (fixture, 1, wb_request_workbin_notifications (&drafts, false), 0);
    char first [64];
    int64_t version = 0, again = 0;
    snprintf (first, sizeof (first), "%s", s_keyed_submit (fixture, 1, "a1", "k-1", &version));
    assert_int_equal (version, 1);
    wb_msg_t *event = s_next_event (fixture, 1);
    wb_msg_destroy (&event);
    s_submit (fixture, 1, "draft", "a1", "between");
    event = s_next_event (fixture, 1);
    wb_msg_destroy (&event);
    for (int retry = 0; retry < 3; retry++) {
        assert_string_equal (s_keyed_submit (fixture, 1, "a1", "k-1", &again), first);
        assert_int_equal (again, 1);
    }
    assert_null (s_next_event (fixture, 1));
    wb_msg_t *reply = s_call (fixture, 1, s_content_request ("a1"));
    wb_event_content_t page;
    assert_int_equal (wb_event_read_content (reply, &page), 0);
    assert_int_equal (page.total_count, 2);
    wb_msg_destroy (&reply);
    //  the same key from another submitter is another key
    assert_string_not_equal (s_keyed_submit (fixture, 2, "a2", "k-1", &again), first);
    wb_submission_t bad = { .workbin = s_workbin ("draft", "a1"), .media_type = "email",
                            .interaction_type = "Inbound", .idempotency_key = "has space" };
    s_expect (fixture, 1, wb_request_submit (&bad), WB_ERR_INVALID_MESSAGE);
    bad.idempotency_key = "";
    s_expect (fixture, 1, wb_request_submit (&bad), WB_ERR_INVALID_MESSAGE);
    //  kept by the store: a new engine (a restart) still knows the key
    wb_engine_destroy (&fixture->engine);
    fixture->engine = wb_engine_new (fixture->directory, fixture->store, s_capture, fixture);
    s_agent (fixture, 1, "a1");
    assert_string_equal (s_keyed_submit (fixture, 1, "a1", "k-1", &again), first);
}

//  The reply's ErrorDescription with the interaction id cut out.
static void
s_error_without_id (s_fixture_t *fixture, int peer, wb_msg_t *request, const char *id,
                    char *text, size_t size)
{
    wb_msg_t *reply = s_call (fixture, peer, request);
    wb_event_error_t error;
    assert_int_equal (wb_event_read_error (reply, &error), 0);
    assert_int_equal (error.code, WB_ERR_UNKNOWN_INTERACTION);
    const char *found = strstr (error.description, id);
    assert_non_null (found);
    snprintf (text, size, "%.*s|%s", (int) (found - error.description), error.description,
              found + strlen (id));
    wb_msg_destroy (&reply);
}

//  An interaction in a workbin the agent cannot see gets the same answer
//  as an id that does not exist (it got 41 while unknown ids got 43).
static void
test_other_workbins_ids_look_unknown (void **state)
{
    s_fixture_t *fixture = *state;
    s_agent (fixture, 1, "a1");
    s_agent (fixture, 3, "a3");
    char id [64], unknown [64], hidden [256], missing [256];
    snprintf (id, sizeof (id), "%s", s_submit (fixture, 3, "draft", "a3", "mine"));
    snprintf (unknown, sizeof (unknown), "%016X", 0x7fffffff);
    const char *ids [2] = { id, unknown };
    for (int index = 0; index < 2; index++) {
        char *text = index ? missing : hidden;
        s_error_without_id (fixture, 1, wb_request_stop_processing (ids [index]), ids [index],
                            text, sizeof (hidden));
    }
    assert_string_equal (hidden, missing);
    wb_workbin_t mine = s_workbin ("draft", "a1");
    s_expect (fixture, 1, wb_request_place_in_workbin (id, &mine, NULL), WB_ERR_UNKNOWN_INTERACTION);
    s_expect (fixture, 1, wb_request_pull (id), WB_ERR_UNKNOWN_INTERACTION);
    s_expect (fixture, 1, wb_request_change_properties (id, NULL), WB_ERR_UNKNOWN_INTERACTION);
    s_expect (fixture, 3, wb_request_stop_processing (id), 0);
}

//  Restart the fixture's engine on a directory without the workbin type
//  "draft" (engine.cfg less its lines), on the same store.
static void
s_remove_draft_type (s_fixture_t *fixture)
{
    char path [600], error [256];
    const char *srcdir = getenv ("WB_SRCDIR") ? getenv ("WB_SRCDIR") : ".";
    snprintf (path, sizeof (path), "%s/tests/data/engine.cfg", srcdir);
    FILE *source = fopen (path, "r");
    snprintf (path, sizeof (path), "%s/no-draft.cfg", fixture->folder);
    FILE *target = fopen (path, "w");
    assert_true (source && target);
    char line [256];
    int skip = 0;
    while (fgets (line, sizeof (line), source)) {
        if (streq (line, "    draft\n"))
            skip = 4;           //  the type and its three keys
        if (skip ? skip-- == 0 : true)
            fputs (line, target);
    }
    fclose (source);
    fclose (target);
    wb_engine_destroy (&fixture->engine);
    wb_directory_destroy (&fixture->directory);
    fixture->directory = wb_directory_load (path, error, sizeof (error));
    if (!fixture->directory)
        fail_msg ("%s", error);
    assert_null (wb_directory_workbin_type (fixture->directory, "draft"));
    fixture->engine = wb_engine_new (fixture->directory, fixture->store, s_capture, fixture);
}

//  Interactions left in a workbin of a type the directory no longer has
//  are a media server's alone: any agent could move, change or stop them.
static void
test_removed_type_is_a_media_servers_alone (void **state)
{
    s_fixture_t *fixture = *state;
    s_register (fixture, 5, WB_CLIENT_MEDIA_SERVER);
    char id [64];
    snprintf (id, sizeof (id), "%s", s_submit (fixture, 5, "draft", "a1", "orphan"));
    s_remove_draft_type (fixture);
    s_register (fixture, 5, WB_CLIENT_MEDIA_SERVER);
    s_agent (fixture, 1, "a1");
    s_agent (fixture, 3, "a3");
    wb_workbin_t desk = s_workbin ("desk", "p3");
    wb_kvlist_t *changed = wb_kvlist_new ();
    wb_kvlist_add_string (changed, "Subject", "taken");
    wb_property_changes_t changes = { .changed = changed };
    for (int peer = 1; peer <= 3; peer += 2) {
        s_expect (fixture, peer, wb_request_place_in_workbin (id, &desk, NULL),
                  WB_ERR_UNKNOWN_INTERACTION);
        s_expect (fixture, peer, wb_request_change_properties (id, &changes),
                  WB_ERR_UNKNOWN_INTERACTION);
        s_expect (fixture, peer, wb_request_pull (id), WB_ERR_UNKNOWN_INTERACTION);
        s_expect (fixture, peer, wb_request_stop_processing (id), WB_ERR_UNKNOWN_INTERACTION);
    }
    //  the media server may change it (it stays where it is) and stop it
    s_expect (fixture, 5, wb_request_change_properties (id, &changes), 0);
    wb_kvlist_destroy (&changed);
    char type_id [WB_KEY_MAX + 1], owner_id [WB_KEY_MAX + 1];
    int found = 0;
    wb_kvlist_t *stored = wb_store_interaction_get (fixture->store, id, type_id, owner_id,
                                                    sizeof (type_id), &found);
    assert_int_equal (found, 1);
    assert_string_equal (type_id, "draft");
    assert_string_equal (wb_kvlist_string (stored, "Subject"), "taken");
    wb_kvlist_destroy (&stored);
    //  each change moves its workbin's version, whose content then differs
    //  (a version's content never changes: pages are kept by version)
    wb_workbin_ref_t drafts = { "draft", "a1" };
    int64_t before = 0, after = 0;
    assert_int_equal (wb_store_workbin_version (fixture->store, drafts, &before), 0);
    s_expect (fixture, 5, wb_request_stop_processing (id), 0);
    assert_int_equal (wb_store_workbin_version (fixture->store, drafts, &after), 0);
    assert_int_equal (after, before + 1);
}

//  RequestWorkbinTypesInfo with OwnersFrom and OwnersCount (WB_ABSENT: not sent).
static wb_msg_t *
s_types_page (int64_t from, int64_t count)
{
    wb_msg_t *request = wb_request_workbin_types_info (WB_ABSENT);
    if (from != WB_ABSENT)
        wb_kvlist_add_int (wb_msg_body (request), WB_ATTR_OWNERS_FROM, from);
    if (count != WB_ABSENT)
        wb_kvlist_add_int (wb_msg_body (request), WB_ATTR_OWNERS_COUNT, count);
    return request;
}

//  The owners of the first type in a types info reply, and how many there are in all.
static size_t
s_first_type_owners (wb_msg_t *reply, int64_t *total, wb_event_owner_t *first)
{
    wb_event_types_t types;
    assert_int_equal (wb_event_read_types (reply, &types), 0);
    wb_kvlist_t *draft = wb_kvlist_list_at (types.types, 0);
    wb_event_type_info_t info;
    assert_int_equal (wb_event_read_type_info (draft, &info), 0);
    assert_int_equal (wb_kvlist_int (draft, WB_ATTR_NUMBER_OF_OWNERS, total), 0);
    if (first && wb_kvlist_size (info.owners))
        wb_event_read_owner (wb_kvlist_list_at (info.owners, 0), first);
    return wb_kvlist_size (info.owners);
}

static void
test_types_info_pages_owners (void **state)
{
    s_fixture_t *fixture = *state;
    s_agent (fixture, 4, "lead");
    int64_t total = 0;
    wb_event_owner_t owner;
    wb_msg_t *reply = s_call (fixture, 4, s_types_page (1, 1));
    assert_int_equal (s_first_type_owners (reply, &total, &owner), 1);
    assert_int_equal (total, 3);
    assert_string_equal (owner.owner_id, "a1");
    wb_msg_destroy (&reply);
    reply = s_call (fixture, 4, s_types_page (3, WB_ABSENT));
    assert_int_equal (s_first_type_owners (reply, &total, NULL), 0);
    assert_int_equal (total, 3);
    wb_msg_destroy (&reply);
    s_expect (fixture, 4, s_types_page (-1, WB_ABSENT), WB_ERR_INVALID_PAGE);
    s_expect (fixture, 4, s_types_page (WB_ABSENT, 0), WB_ERR_INVALID_PAGE);
}

//  Past WB_ENTRIES_MAX owners, nothing is cut silently: a media server
//  sees 25,000 agents as pages of WB_OWNERS_PAGE_MAX and NumberOfOwners.
static void
test_types_info_past_entries_max (void **state)
{
    s_fixture_t *fixture = *state;
    char path [600], error [256];
    snprintf (path, sizeof (path), "%s/big.cfg", fixture->folder);
    FILE *file = fopen (path, "w");
    assert_non_null (file);
    fprintf (file, "tenant\n    id = 101\nplace\n    p1\nagent\n");
    for (int index = 0; index < 25000; index++)
        fprintf (file, "    agent%05d\n        place = p1\n", index);
    fprintf (file, "workbintype\n    draft\n        owner = agent\n");
    fclose (file);
    wb_engine_destroy (&fixture->engine);
    wb_directory_destroy (&fixture->directory);
    fixture->directory = wb_directory_load (path, error, sizeof (error));
    assert_non_null (fixture->directory);
    fixture->engine = wb_engine_new (fixture->directory, fixture->store, s_capture, fixture);
    s_register (fixture, 5, WB_CLIENT_MEDIA_SERVER);
    int64_t total = 0;
    wb_event_owner_t owner;
    wb_msg_t *reply = s_call (fixture, 5, s_types_page (WB_ABSENT, WB_ABSENT));
    assert_int_equal (s_first_type_owners (reply, &total, &owner), WB_OWNERS_PAGE_MAX);
    assert_int_equal (total, 25000);
    wb_msg_destroy (&reply);
    reply = s_call (fixture, 5, s_types_page (20000, 50000));
    assert_int_equal (s_first_type_owners (reply, &total, &owner), 5000);
    assert_string_equal (owner.owner_id, "agent20000");
    wb_msg_destroy (&reply);
}

static void
test_malformed_gets_79_and_unknown_name_4 (void **state)
{
    s_fixture_t *fixture = *state;
    zframe_t *peer = s_peer (9);
    wb_engine_handle_malformed (fixture->engine, peer, WB_CODEC_TRUNCATED, 42, fixture->now);
    wb_engine_handle_malformed (fixture->engine, peer, WB_CODEC_BAD_NAME, 43, fixture->now);
    zframe_destroy (&peer);
    wb_msg_t *first = zlistx_first (fixture->sent), *second = zlistx_next (fixture->sent);
    wb_event_error_t error;
    assert_int_equal (wb_msg_reference_id (first), 42);
    assert_int_equal (wb_event_read_error (first, &error), 0);
    assert_int_equal (error.code, 79);
    assert_int_equal (wb_msg_reference_id (second), 43);
    assert_int_equal (wb_event_read_error (second, &error), 0);
    assert_int_equal (error.code, 4);
}

// ---------------------------------------------------------------- group commit

//  Hand a request from a peer to the engine without looking for a reply;
//  return its ReferenceId.
static int64_t
s_pipeline (s_fixture_t *fixture, int peer, wb_msg_t *request)
{
    int64_t reference = ++fixture->next_reference;
    wb_msg_set_reference_id (request, reference);
    zframe_t *routing_id = s_peer (peer);
    wb_engine_handle (fixture->engine, routing_id, &request, fixture->now);
    zframe_destroy (&routing_id);
    return reference;
}

//  The oldest message sent (caller destroys), or NULL.
static wb_msg_t *
s_oldest (s_fixture_t *fixture)
{
    return zlistx_first (fixture->sent) ? zlistx_detach_cur (fixture->sent) : NULL;
}

//  Check the oldest message sent: its name, ReferenceId and, for an event,
//  EventSequence; for an EventError also its code.
static void
s_expect_oldest (s_fixture_t *fixture, const char *name, int64_t reference, int64_t sequence,
                 int code)
{
    wb_msg_t *msg = s_oldest (fixture);
    assert_non_null (msg);
    assert_string_equal (wb_msg_name (msg), name);
    assert_int_equal (wb_msg_reference_id (msg), reference);
    wb_event_error_t error;
    wb_event_read_error (msg, &error);
    if (sequence)
        assert_int_equal (wb_event_sequence (msg), sequence);
    if (code)
        assert_int_equal (error.code, code);
    wb_msg_destroy (&msg);
}

static wb_msg_t *
s_place_request (const char *id, const char *type_id, const char *owner_id)
{
    wb_workbin_t workbin = s_workbin (type_id, owner_id);
    return wb_request_place_in_workbin (id, &workbin, NULL);
}

//  a1 subscribed to draft@a1 holding three interactions; ids get them.
static void
s_three_drafts (s_fixture_t *fixture, char ids [3][64])
{
    s_use_spy (fixture);
    s_agent (fixture, 1, "a1");
    s_agent (fixture, 2, "a2");
    s_expect (fixture, 1, s_subscription ("draft", "a1"), 0);
    for (int index = 0; index < 3; index++)
        snprintf (ids [index], 64, "%s", s_submit (fixture, 1, "draft", "a1",
                                                   "grouped"));
    zlistx_purge (fixture->sent);       //  their events: EventSequence 1 to 3
    s_spy.commits = 0;
}

//  Where an interaction sits after reopening the store: its owner id, or
//  "" in no workbin, or "unknown".
static const char *
s_reopened_owner (s_fixture_t *fixture, const char *id)
{
    static char owner [64];
    char error [256], path [512], type [64];
    wb_engine_destroy (&fixture->engine);
    wb_store_destroy (&fixture->spy);
    wb_store_destroy (&fixture->store);
    snprintf (path, sizeof (path), "sqlite:%s/store.db", fixture->folder);
    fixture->store = wb_store_open (path, error, sizeof (error));
    assert_non_null (fixture->store);
    int found = 0;
    wb_kvlist_t *properties = wb_store_interaction_get (fixture->store, id, type, owner,
                                                        sizeof (owner), &found);
    wb_kvlist_destroy (&properties);
    return found == 1 ? owner : "unknown";
}

static void
test_group_commit_replies_after_one_commit (void **state)
{
    s_fixture_t *fixture = *state;
    char ids [3][64];
    s_three_drafts (fixture, ids);
    assert_int_equal (wb_engine_batch_begin (NULL), -1);
    assert_int_equal (wb_engine_batch_end (fixture->engine), -1);
    assert_int_equal (wb_engine_batch_begin (fixture->engine), 0);
    assert_int_equal (wb_engine_batch_begin (fixture->engine), -1);
    int64_t first = 0;
    for (int index = 0; index < 3; index++) {
        int64_t reference = s_pipeline (fixture, 1, s_place_request (ids [index], "team", "sales"));
        first = first ? first : reference;
    }
    //  nothing leaves, and nothing is committed, before the end
    assert_int_equal (zlistx_size (fixture->sent), 0);
    assert_int_equal (s_spy.commits, 0);
    assert_int_equal (wb_engine_batch_end (fixture->engine), 0);
    assert_int_equal (s_spy.commits, 1);
    //  then each change's event and its reply, in order, with no gap
    for (int index = 0; index < 3; index++) {
        s_expect_oldest (fixture, "EventWorkbinContentChanged", 0, 4 + index, 0);
        s_expect_oldest (fixture, "EventAck", first + index, 0, 0);
    }
    assert_int_equal (zlistx_size (fixture->sent), 0);
    //  a read in a batch first commits the changes before it, and sees them
    assert_int_equal (wb_engine_batch_begin (fixture->engine), 0);
    s_pipeline (fixture, 1, s_place_request (ids [1], "draft", "a1"));
    int64_t read = s_pipeline (fixture, 1, s_content_request ("a1"));
    assert_int_equal (s_spy.commits, 2);
    assert_int_equal (wb_engine_batch_end (fixture->engine), 0);
    s_expect_oldest (fixture, "EventWorkbinContentChanged", 0, 7, 0);
    s_expect_oldest (fixture, "EventAck", read - 1, 0, 0);
    wb_msg_t *content = s_oldest (fixture);
    wb_event_content_t page;
    assert_int_equal (wb_event_read_content (content, &page), 0);
    assert_int_equal (page.total_count, 1);
    wb_msg_destroy (&content);
}

static void
test_group_commit_failed_change_undoes_only_itself (void **state)
{
    s_fixture_t *fixture = *state;
    char ids [3][64];
    s_three_drafts (fixture, ids);
    assert_int_equal (wb_engine_batch_begin (fixture->engine), 0);
    int64_t first = s_pipeline (fixture, 1, s_place_request (ids [0], "team", "sales"));
    //  the second move stores the interaction and bumps draft@a1, then
    //  fails to bump team@sales: its savepoint undoes its part only
    s_spy.fail_bump_in = 2;
    s_pipeline (fixture, 1, s_place_request (ids [1], "team", "sales"));
    s_pipeline (fixture, 1, s_place_request (ids [2], "team", "sales"));
    assert_int_equal (zlistx_size (fixture->sent), 0);
    assert_int_equal (wb_engine_batch_end (fixture->engine), 0);
    assert_int_equal (s_spy.commits, 1);
    s_expect_oldest (fixture, "EventWorkbinContentChanged", 0, 4, 0);
    s_expect_oldest (fixture, "EventAck", first, 0, 0);
    s_expect_oldest (fixture, "EventError", first + 1, 0, WB_ERR_DATABASE);
    //  the third change saw draft@a1 at version 5, not 6: the bump was undone
    wb_msg_t *event = s_oldest (fixture);
    wb_event_change_t change;
    assert_int_equal (wb_event_read_change (event, &change), 0);
    assert_int_equal (change.sequence, 5);
    assert_int_equal (change.version, 5);
    wb_msg_destroy (&event);
    s_expect_oldest (fixture, "EventAck", first + 2, 0, 0);
    assert_string_equal (s_reopened_owner (fixture, ids [0]), "sales");
    assert_string_equal (s_reopened_owner (fixture, ids [1]), "a1");
    assert_string_equal (s_reopened_owner (fixture, ids [2]), "sales");
}

//  A change that lost a deadlock with another node's change is tried once
//  more, alone or in a group commit; a second loss is EventError 28.
static void
test_a_change_that_lost_a_conflict_is_tried_again (void **state)
{
    s_fixture_t *fixture = *state;
    char ids [3][64];
    s_three_drafts (fixture, ids);
    s_spy.conflict = true;
    s_spy.fail_bump_in = 2;             //  the move's second bump (team@sales)
    s_expect (fixture, 1, s_place_request (ids [0], "team", "sales"), 0);
    zlistx_purge (fixture->sent);
    assert_int_equal (wb_engine_batch_begin (fixture->engine), 0);
    s_spy.fail_bump_in = 1;
    int64_t first = s_pipeline (fixture, 1, s_place_request (ids [1], "team", "sales"));
    assert_int_equal (wb_engine_batch_end (fixture->engine), 0);
    //  one TakenOut from draft@a1 (version 5, not 6: the first try was undone)
    wb_msg_t *event = s_oldest (fixture);
    wb_event_change_t change;
    assert_int_equal (wb_event_read_change (event, &change), 0);
    assert_int_equal (change.version, 5);
    wb_msg_destroy (&event);
    s_expect_oldest (fixture, "EventAck", first, 0, 0);
    //  not a conflict: no second try
    s_spy.conflict = false;
    s_spy.fail_bump_in = 1;
    s_expect (fixture, 1, s_place_request (ids [2], "team", "sales"), WB_ERR_DATABASE);
    assert_string_equal (s_reopened_owner (fixture, ids [0]), "sales");
    assert_string_equal (s_reopened_owner (fixture, ids [1]), "sales");
    assert_string_equal (s_reopened_owner (fixture, ids [2]), "a1");
}

//  In a group commit, a change that lost a conflict is tried again only
//  after the batch's earlier changes are committed (their locks may be
//  what the other node waits for): their messages go at once, and the
//  change tried again commits with the rest of the batch.
static void
test_a_conflict_in_a_batch_commits_the_changes_before_it (void **state)
{
    s_fixture_t *fixture = *state;
    char ids [3][64];
    s_three_drafts (fixture, ids);
    s_spy.conflict = true;
    assert_int_equal (wb_engine_batch_begin (fixture->engine), 0);
    int64_t first = s_pipeline (fixture, 1, s_place_request (ids [0], "team", "sales"));
    assert_int_equal (zlistx_size (fixture->sent), 0);
    s_spy.fail_bump_in = 1;
    s_pipeline (fixture, 1, s_place_request (ids [1], "team", "sales"));
    assert_int_equal (s_spy.commits, 1);
    wb_msg_t *event = s_oldest (fixture);
    wb_event_change_t change;
    assert_int_equal (wb_event_read_change (event, &change), 0);
    assert_int_equal (change.version, 4);
    wb_msg_destroy (&event);
    s_expect_oldest (fixture, "EventAck", first, 0, 0);
    assert_int_equal (zlistx_size (fixture->sent), 0);
    assert_int_equal (wb_engine_batch_end (fixture->engine), 0);
    assert_int_equal (s_spy.commits, 2);
    event = s_oldest (fixture);
    assert_int_equal (wb_event_read_change (event, &change), 0);
    assert_int_equal (change.version, 5);
    wb_msg_destroy (&event);
    s_expect_oldest (fixture, "EventAck", first + 1, 0, 0);
    assert_string_equal (s_reopened_owner (fixture, ids [0]), "sales");
    assert_string_equal (s_reopened_owner (fixture, ids [1]), "sales");
    assert_string_equal (s_reopened_owner (fixture, ids [2]), "a1");
}

static void
test_group_commit_failure_acknowledges_nothing (void **state)
{
    s_fixture_t *fixture = *state;
    char ids [3][64];
    s_three_drafts (fixture, ids);
    assert_int_equal (wb_engine_batch_begin (fixture->engine), 0);
    int64_t first = s_pipeline (fixture, 1, s_place_request (ids [0], "team", "sales"));
    s_pipeline (fixture, 2, wb_request_ping ());
    s_pipeline (fixture, 1, s_place_request (ids [1], "team", "sales"));
    s_spy.fail_commit = true;
    assert_int_equal (wb_engine_batch_end (fixture->engine), -1);
    assert_int_equal (s_spy.commits, 0);
    //  the changes are answered with EventError 28 and notify nobody; the
    //  ping, which changed nothing, is answered as usual
    s_expect_oldest (fixture, "EventError", first, 0, WB_ERR_DATABASE);
    s_expect_oldest (fixture, "EventAck", first + 1, 0, 0);
    s_expect_oldest (fixture, "EventError", first + 2, 0, WB_ERR_DATABASE);
    assert_int_equal (zlistx_size (fixture->sent), 0);
    //  the next change is numbered as if the failed ones never were
    s_expect (fixture, 1, s_place_request (ids [2], "team", "sales"), 0);
    wb_msg_t *event = s_next_event (fixture, 1);
    wb_event_change_t change;
    assert_int_equal (wb_event_read_change (event, &change), 0);
    assert_int_equal (change.sequence, 4);
    assert_int_equal (change.version, 4);
    wb_msg_destroy (&event);
    assert_string_equal (s_reopened_owner (fixture, ids [0]), "a1");
    assert_string_equal (s_reopened_owner (fixture, ids [1]), "a1");
    assert_string_equal (s_reopened_owner (fixture, ids [2]), "sales");
}

//  In one group, the retry of a submit still waiting for the group's commit
//  is answered once the first is durable, with the first's id.
static void
test_submit_retry_in_the_same_group (void **state)
{
    s_fixture_t *fixture = *state;
    s_agent (fixture, 1, "a1");
    wb_submission_t submission = { .workbin = s_workbin ("draft", "a1"), .media_type = "email",
                                   .interaction_type = "Inbound", .idempotency_key = "k-2" };
    assert_int_equal (wb_engine_batch_begin (fixture->engine), 0);
    int64_t one = s_pipeline (fixture, 1, wb_request_submit (&submission));
    int64_t two = s_pipeline (fixture, 1, wb_request_submit (&submission));
    assert_int_equal (wb_engine_batch_end (fixture->engine), 0);
    wb_event_ack_t acks [2];
    char ids [2][64];
    for (int index = 0; index < 2; index++) {
        wb_msg_t *reply = s_oldest (fixture);
        assert_int_equal (wb_msg_reference_id (reply), index ? two : one);
        assert_int_equal (wb_event_read_ack (reply, &acks [index]), 0);
        snprintf (ids [index], sizeof (ids [index]), "%s", acks [index].interaction_id);
        wb_msg_destroy (&reply);
    }
    assert_string_equal (ids [0], ids [1]);
    assert_int_equal (acks [0].workbin_version, acks [1].workbin_version);
    wb_msg_t *reply = s_call (fixture, 1, s_content_request ("a1"));
    wb_event_content_t page;
    assert_int_equal (wb_event_read_content (reply, &page), 0);
    assert_int_equal (page.total_count, 1);
    wb_msg_destroy (&reply);
}

// ---------------------------------------------------------------- sizes (issue 15)

//  A RequestSubmit into draft@a1 whose UserData holds three values of 1 MB.
static wb_msg_t *
s_big_submit (void)
{
    wb_kvlist_t *user_data = wb_kvlist_new ();
    char *value = malloc (1000001);
    memset (value, 'u', 1000000);
    value [1000000] = 0;
    for (int index = 0; index < 3; index++)
        wb_kvlist_add_string (user_data, index ? "More" : "First", value);
    free (value);
    wb_submission_t submission = { .workbin = s_workbin ("draft", "a1"), .media_type = "email",
                                   .interaction_type = "Inbound", .user_data = user_data };
    wb_msg_t *request = wb_request_submit (&submission);
    wb_kvlist_destroy (&user_data);
    return request;
}

//  Item 6: an interaction over WB_INTERACTION_MAX is refused, and nothing
//  of it is stored or notified.
static void
test_interaction_over_the_maximum_is_refused (void **state)
{
    s_fixture_t *fixture = *state;
    s_agent (fixture, 1, "a1");
    s_expect (fixture, 1, s_subscription ("draft", "a1"), 0);
    s_expect (fixture, 1, s_big_submit (), WB_ERR_INTERACTION_TOO_LARGE);
    assert_null (s_next_event (fixture, 1));
    wb_msg_t *reply = s_call (fixture, 1, s_content_request ("a1"));
    wb_event_content_t page;
    assert_int_equal (wb_event_read_content (reply, &page), 0);
    assert_int_equal (page.total_count, 0);
    wb_msg_destroy (&reply);
}

//  Item 6: an event that cannot be encoded is not the subscriber's fault:
//  it keeps its subscriptions (no 1001), and the gap in EventSequence
//  tells it to re-fetch.
static void
test_event_over_a_codec_limit_is_no_false_1001 (void **state)
{
    s_fixture_t *fixture = *state;
    s_agent (fixture, 1, "a1");
    s_agent (fixture, 2, "a2");
    s_expect (fixture, 2, s_subscription ("team", "sales"), 0);
    fixture->oversize_events_to = 2;
    s_submit (fixture, 1, "team", "sales", "one");
    fixture->oversize_events_to = 0;
    s_submit (fixture, 1, "team", "sales", "two");
    s_expect (fixture, 2, wb_request_ping (), 0);
    wb_msg_t *event = s_next_event (fixture, 2);
    assert_true (wb_msg_is (event, WB_ROW_EVENT_WORKBIN_CONTENT_CHANGED));
    assert_int_equal (wb_event_sequence (event), 2);
    wb_msg_destroy (&event);
    assert_null (s_next_event (fixture, 2));
}

//  Item 3: a reply that does not fit the client's queue in bytes becomes
//  a small EventError 1005: every request gets one reply.
static void
test_reply_over_the_queue_bytes_becomes_1005 (void **state)
{
    s_fixture_t *fixture = *state;
    s_agent (fixture, 1, "a1");
    fixture->full_bytes_to = 1;
    s_expect (fixture, 1, s_content_request ("a1"), WB_ERR_SEND_QUEUE_FULL);
    //  and in a group commit too
    assert_int_equal (wb_engine_batch_begin (fixture->engine), 0);
    int64_t reference = s_pipeline (fixture, 1, s_content_request ("a1"));
    assert_int_equal (wb_engine_batch_end (fixture->engine), 0);
    s_expect_oldest (fixture, "EventError", reference, 0, WB_ERR_SEND_QUEUE_FULL);
    fixture->full_bytes_to = 0;
}

//  Item 9: in a group commit, the reply of a request that changes nothing
//  leaves at once while the group holds no change, and waits behind an
//  earlier message to the same client, or behind a change in the group.
static void
test_read_reply_does_not_wait_for_the_group (void **state)
{
    s_fixture_t *fixture = *state;
    char ids [3][64];
    s_three_drafts (fixture, ids);
    assert_int_equal (wb_engine_batch_begin (fixture->engine), 0);
    int64_t ping = s_pipeline (fixture, 2, wb_request_ping ());
    int64_t read = s_pipeline (fixture, 2, s_content_request ("a2"));
    s_expect_oldest (fixture, "EventAck", ping, 0, 0);
    s_expect_oldest (fixture, "EventWorkbinContent", read, 0, 0);
    int64_t place = s_pipeline (fixture, 1, s_place_request (ids [0], "team", "sales"));
    int64_t after = s_pipeline (fixture, 2, wb_request_ping ());
    assert_int_equal (zlistx_size (fixture->sent), 0);
    assert_int_equal (wb_engine_batch_end (fixture->engine), 0);
    s_expect_oldest (fixture, "EventWorkbinContentChanged", 0, 4, 0);
    s_expect_oldest (fixture, "EventAck", place, 0, 0);
    s_expect_oldest (fixture, "EventAck", after, 0, 0);
}

//  The subjects of draft@a1's first page as peer reads it, joined by
//  spaces, then "total N version V" (static buffer).
static const char *
s_drafts_read (s_fixture_t *fixture, int peer)
{
    static char text [512];
    wb_msg_t *reply = s_call (fixture, peer, s_content_request ("a1"));
    wb_event_content_t page;
    assert_int_equal (wb_event_read_content (reply, &page), 0);
    size_t used = 0;
    text [0] = 0;
    for (size_t index = 0; index < wb_kvlist_size (page.interactions); index++) {
        const char *subject = wb_kvlist_string (wb_kvlist_list_at (page.interactions, index),
                                                "Subject");
        used += (size_t) snprintf (text + used, sizeof (text) - used, "%s ", subject);
    }
    snprintf (text + used, sizeof (text) - used, "total %" PRId64 " version %" PRId64,
              page.total_count, page.version);
    wb_msg_destroy (&reply);
    return text;
}

static uint64_t
s_page_hits (s_fixture_t *fixture)
{
    return wb_page_cache_stats (wb_engine_page_cache (fixture->engine)).hits;
}

//  A page read again is served from the page cache until its workbin
//  changes in any way (placed out, properties changed, stopped); each
//  change shows at the next read.
static void
test_content_pages_are_kept_until_their_workbin_changes (void **state)
{
    s_fixture_t *fixture = *state;
    char ids [3][64];
    s_three_drafts (fixture, ids);
    char first [512];
    snprintf (first, sizeof (first), "%s", s_drafts_read (fixture, 1));
    assert_string_equal (first, "grouped grouped grouped total 3 version 3");
    assert_int_equal (s_page_hits (fixture), 0);
    //  nothing written since (the store alone writes): no version read
    s_spy.version_reads = 0;
    assert_string_equal (s_drafts_read (fixture, 1), first);
    assert_int_equal (s_page_hits (fixture), 1);
    assert_int_equal (s_spy.version_reads, 0);
    //  a write elsewhere: served again once its version is read
    s_submit (fixture, 1, "team", "sales", "elsewhere");
    assert_string_equal (s_drafts_read (fixture, 1), first);
    assert_int_equal (s_page_hits (fixture), 2);
    assert_int_equal (s_spy.version_reads, 1);
    //  each change made here is patched into the workbin's image, which
    //  is served at the change's version without reading the page again
    s_expect (fixture, 1, s_place_request (ids [0], "team", "sales"), 0);
    assert_string_equal (s_drafts_read (fixture, 1), "grouped grouped total 2 version 4");
    assert_string_equal (s_drafts_read (fixture, 1), "grouped grouped total 2 version 4");
    assert_int_equal (s_page_hits (fixture), 4);
    wb_kvlist_t *changed = wb_kvlist_new ();
    wb_kvlist_add_string (changed, "Subject", "renamed");
    wb_property_changes_t changes = { .changed = changed };
    s_expect (fixture, 1, wb_request_change_properties (ids [1], &changes), 0);
    wb_kvlist_destroy (&changed);
    assert_string_equal (s_drafts_read (fixture, 1), "renamed grouped total 2 version 5");
    s_expect (fixture, 1, wb_request_stop_processing (ids [2]), 0);
    assert_string_equal (s_drafts_read (fixture, 1), "renamed total 1 version 6");
    s_expect (fixture, 1, s_place_request (ids [0], "draft", "a1"), 0);
    assert_string_equal (s_drafts_read (fixture, 1), "renamed grouped total 2 version 7");
    assert_int_equal (s_page_hits (fixture), 7);
    assert_int_equal (wb_page_cache_stats (wb_engine_page_cache (fixture->engine)).patches, 4);
    //  with no cache, every read goes to the store and reads the same
    assert_int_equal (wb_engine_set_page_cache (fixture->engine, 0), 0);
    assert_string_equal (s_drafts_read (fixture, 1), "renamed grouped total 2 version 7");
    assert_int_equal (s_page_hits (fixture), 0);
}

//  A page as the client reads it, or as the store reads it now: the
//  encoding of its Interactions, and its total and version.
typedef struct {
    uint8_t *interactions;
    size_t size;
    int64_t total;
    int64_t version;
} s_page_seen_t;

static s_page_seen_t
s_page_served (s_fixture_t *fixture, int64_t from, int64_t count)
{
    wb_workbin_t workbin = s_workbin ("draft", "a1");
    wb_msg_t *reply = s_call (fixture, 1, wb_request_get_workbin_content (&workbin, from, count));
    wb_event_content_t content;
    assert_int_equal (wb_event_read_content (reply, &content), 0);
    s_page_seen_t seen = { NULL, 0, content.total_count, content.version };
    seen.interactions = wb_kvlist_encode (content.interactions, &seen.size);
    wb_msg_destroy (&reply);
    return seen;
}

static s_page_seen_t
s_page_stored (s_fixture_t *fixture, int64_t from, int64_t count)
{
    wb_workbin_ref_t drafts = { "draft", "a1" };
    wb_kvlist_run_t *run = wb_kvlist_run_new ("Interactions", "Interaction");
    s_page_seen_t seen = { NULL, 0, 0, 0 };
    assert_int_equal (wb_store_workbin_content (fixture->store, drafts, from, count, run,
                                                &seen.total, &seen.version), 0);
    wb_kvlist_t *holder = wb_kvlist_new ();
    assert_int_equal (wb_kvlist_add_run (holder, &run), 0);
    seen.interactions = wb_kvlist_encode (wb_kvlist_list (holder, "Interactions"), &seen.size);
    wb_kvlist_destroy (&holder);
    return seen;
}

//  Read draft@a1 page by page (count a page) and each page from the store
//  too: the same bytes, total and version. How many pages.
static int
s_pages_match_the_store (s_fixture_t *fixture, int64_t count, int step)
{
    int pages = 0;
    for (int64_t from = 0; ; from += count, pages++) {
        s_page_seen_t served = s_page_served (fixture, from, count);
        s_page_seen_t stored = s_page_stored (fixture, from, count);
        if (served.size != stored.size || served.total != stored.total
        ||  served.version != stored.version
        ||  memcmp (served.interactions, stored.interactions, served.size) != 0)
            fail_msg ("step %d, page at %" PRId64 " of %" PRId64 ": served %zu bytes, total %"
                      PRId64 ", version %" PRId64 "; stored %zu bytes, total %" PRId64
                      ", version %" PRId64, step, from, count, served.size, served.total,
                      served.version, stored.size, stored.total, stored.version);
        free (served.interactions);
        free (stored.interactions);
        if (from + count >= stored.total)
            return pages + 1;
    }
}

//  Random changes to a workbin (placed in new or from elsewhere, placed
//  out, properties changed, stopped), each patched into its image, and
//  reads of it by pages of random sizes between them: every page served
//  is what the store reads at that moment, byte for byte. A fixed seed.
static void
test_patched_images_read_as_the_store_does (void **state)
{
    s_fixture_t *fixture = *state;
    s_agent (fixture, 1, "a1");
    char in_drafts [64][24], in_team [64][24];
    size_t drafts = 0, team = 0;
    uint32_t seed = 20261207;
    int reads = 0;
    for (int step = 0; step < 600; step++) {
        seed = seed * 1103515245u + 12345u;
        uint32_t roll = (seed >> 8) % 10;
        if (roll < 3 && drafts < 64) {
            snprintf (in_drafts [drafts++], 24, "%s",
                      s_submit (fixture, 1, "draft", "a1", roll ? "new" : "new in a batch"));
        }
        else
        if (roll == 3 && drafts > 0 && team < 64) {
            size_t pick = (seed >> 16) % drafts;
            s_expect (fixture, 1, s_place_request (in_drafts [pick], "team", "sales"), 0);
            memcpy (in_team [team++], in_drafts [pick], 24);
            memmove (in_drafts [pick], in_drafts [pick + 1], (drafts - pick - 1) * 24);
            drafts--;
        }
        else
        if (roll == 4 && team > 0 && drafts < 64) {
            size_t pick = (seed >> 16) % team;
            s_expect (fixture, 1, s_place_request (in_team [pick], "draft", "a1"), 0);
            memcpy (in_drafts [drafts++], in_team [pick], 24);
            memmove (in_team [pick], in_team [pick + 1], (team - pick - 1) * 24);
            team--;
        }
        else
        if (roll == 5 && drafts > 0) {
            char subject [32];
            snprintf (subject, sizeof (subject), "changed at %d", step);
            wb_kvlist_t *changed = wb_kvlist_new ();
            wb_kvlist_add_string (changed, "Subject", subject);
            wb_property_changes_t changes = { .changed = changed };
            s_expect (fixture, 1, wb_request_change_properties (in_drafts [(seed >> 16) % drafts],
                                                                &changes), 0);
            wb_kvlist_destroy (&changed);
        }
        else
        if (roll == 6 && drafts > 0) {
            size_t pick = (seed >> 16) % drafts;
            s_expect (fixture, 1, wb_request_stop_processing (in_drafts [pick]), 0);
            memmove (in_drafts [pick], in_drafts [pick + 1], (drafts - pick - 1) * 24);
            drafts--;
        }
        else
        if (roll >= 7)
            reads += s_pages_match_the_store (fixture, 1 + (seed >> 16) % 7, step);
    }
    wb_page_cache_stats_t stats = wb_page_cache_stats (wb_engine_page_cache (fixture->engine));
    assert_true (reads > 300);
    //  the images were used: most pages served from them, changes patched
    assert_true (stats.hits > stats.misses);
    assert_true (stats.patches > 100);
}

//  A store ends a page early when its bytes would pass WB_PAGE_BYTES_MAX:
//  the next page, from where it ended, extends the image all the same,
//  and the pages then served from it are the store's, byte for byte.
static void
test_pages_cut_by_bytes_make_the_image (void **state)
{
    s_fixture_t *fixture = *state;
    s_agent (fixture, 1, "a1");
    char *subject = malloc (900001);
    memset (subject, 's', 900000);
    subject [900000] = 0;
    for (int index = 0; index < 6; index++)
        s_submit (fixture, 1, "draft", "a1", subject);
    free (subject);
    uint64_t hits = s_page_hits (fixture);
    int64_t from = 0;
    for (int pages = 0; from < 6; pages++) {
        assert_true (pages < 6);
        s_page_seen_t served = s_page_served (fixture, from, 500);
        wb_kvlist_t *list = wb_kvlist_decode (served.interactions, served.size, NULL);
        assert_true (wb_kvlist_size (list) > 0 && wb_kvlist_size (list) < 6);
        from += (int64_t) wb_kvlist_size (list);
        wb_kvlist_destroy (&list);
        free (served.interactions);
    }
    assert_int_equal (s_page_hits (fixture), hits);
    //  read again, at every window: from the image, as the store reads
    for (from = 0; from < 7; from++) {
        s_page_seen_t served = s_page_served (fixture, from, 3);
        s_page_seen_t stored = s_page_stored (fixture, from, 3);
        assert_int_equal (served.size, stored.size);
        assert_memory_equal (served.interactions, stored.interactions, served.size);
        free (served.interactions);
        free (stored.interactions);
    }
    assert_int_equal (s_page_hits (fixture), hits + 7);
}

//  The same with a store others may write too (a site's PostgreSQL): a
//  held page is served only once its workbin's version is read, every time.
static void
test_content_pages_of_a_shared_store_are_served_by_version (void **state)
{
    s_fixture_t *fixture = *state;
    char ids [3][64];
    s_three_drafts (fixture, ids);
    s_spy.ops.sole_writer = NULL;
    uint64_t writes = 0;
    assert_int_equal (wb_store_own_writes (fixture->spy, &writes), -1);
    assert_string_equal (s_drafts_read (fixture, 1), "grouped grouped grouped total 3 version 3");
    s_spy.version_reads = 0;
    assert_string_equal (s_drafts_read (fixture, 1), "grouped grouped grouped total 3 version 3");
    assert_int_equal (s_page_hits (fixture), 1);
    assert_int_equal (s_spy.version_reads, 1);
    //  changed under the engine, as another node would: the version moves
    wb_workbin_ref_t drafts = { "draft", "a1" };
    int64_t version = 0;
    assert_int_equal (wb_store_begin (fixture->store), 0);
    assert_int_equal (wb_store_interaction_delete (fixture->store, ids [2]), 0);
    assert_int_equal (wb_store_bump_version (fixture->store, drafts, &version), 0);
    assert_int_equal (wb_store_commit (fixture->store), 0);
    assert_string_equal (s_drafts_read (fixture, 1), "grouped grouped total 2 version 4");
    assert_int_equal (s_page_hits (fixture), 1);
}

//  A read in a group commits the group's changes first (it sees only
//  committed ones): when that commit fails, the read is of the version
//  before, and a later change that takes the failed change's version
//  shows at the next read, not the page of the failed one.
static void
test_content_after_a_failed_group_commit (void **state)
{
    s_fixture_t *fixture = *state;
    char ids [3][64];
    s_three_drafts (fixture, ids);
    assert_string_equal (s_drafts_read (fixture, 1), "grouped grouped grouped total 3 version 3");
    assert_int_equal (wb_engine_batch_begin (fixture->engine), 0);
    int64_t place = s_pipeline (fixture, 1, s_place_request (ids [0], "team", "sales"));
    s_spy.fail_commit = true;
    int64_t read = s_pipeline (fixture, 1, s_content_request ("a1"));
    assert_int_equal (wb_engine_batch_end (fixture->engine), 0);
    s_expect_oldest (fixture, "EventError", place, 0, WB_ERR_DATABASE);
    wb_msg_t *page = zlistx_first (fixture->sent);
    assert_int_equal (wb_msg_reference_id (page), read);
    wb_event_content_t content;
    assert_int_equal (wb_event_read_content (page, &content), 0);
    assert_int_equal (content.version, 3);
    assert_int_equal (wb_kvlist_size (content.interactions), 3);
    zlistx_purge (fixture->sent);
    //  the failed change's version 4 is now another change's
    wb_kvlist_t *changed = wb_kvlist_new ();
    wb_kvlist_add_string (changed, "Subject", "renamed");
    wb_property_changes_t changes = { .changed = changed };
    s_expect (fixture, 1, wb_request_change_properties (ids [1], &changes), 0);
    wb_kvlist_destroy (&changed);
    assert_string_equal (s_drafts_read (fixture, 1),
                         "grouped renamed grouped total 3 version 4");
    //  a failed group whose change was patched into the image, and no
    //  read before the next version: the image went with the group (else
    //  version 5, given without a change here, would serve that change)
    assert_int_equal (wb_engine_batch_begin (fixture->engine), 0);
    place = s_pipeline (fixture, 1, s_place_request (ids [0], "team", "sales"));
    s_spy.fail_commit = true;
    assert_int_equal (wb_engine_batch_end (fixture->engine), -1);
    s_expect_oldest (fixture, "EventError", place, 0, WB_ERR_DATABASE);
    wb_workbin_ref_t drafts = { "draft", "a1" };
    int64_t version = 0;
    assert_int_equal (wb_store_begin (fixture->store), 0);
    assert_int_equal (wb_store_bump_version (fixture->store, drafts, &version), 0);
    assert_int_equal (wb_store_commit (fixture->store), 0);
    assert_string_equal (s_drafts_read (fixture, 1),
                         "grouped renamed grouped total 3 version 5");
}

//  Item 4: a change's event is held once in a group, whatever the number
//  of its subscribers, and each subscriber still gets its own numbered copy.
static void
test_group_holds_one_event_for_all_subscribers (void **state)
{
    s_fixture_t *fixture = *state;
    s_agent (fixture, 1, "a1");
    s_agent (fixture, 2, "a2");
    s_register (fixture, 3, WB_CLIENT_MEDIA_SERVER);
    for (int peer = 1; peer <= 3; peer++)
        s_expect (fixture, peer, s_subscription ("team", "sales"), 0);
    assert_int_equal (wb_engine_batch_begin (fixture->engine), 0);
    //  subjects of 1 MB: 6 changes x 3 subscribers held per copy would be
    //  18 MB, past WB_GROUP_BYTES_MAX; held once, 6 MB is not
    char *subject = malloc (1000001);
    memset (subject, 's', 1000000);
    subject [1000000] = 0;
    wb_submission_t submission = { .workbin = s_workbin ("team", "sales"),
                                   .media_type = "email", .interaction_type = "Inbound",
                                   .subject = subject };
    for (int index = 0; index < 6; index++)
        s_pipeline (fixture, 1, wb_request_submit (&submission));
    free (subject);
    assert_false (wb_engine_batch_full (fixture->engine));
    assert_int_equal (wb_engine_batch_end (fixture->engine), 0);
    for (int peer = 1; peer <= 3; peer++)
        for (int64_t sequence = 1; sequence <= 6; sequence++) {
            wb_msg_t *event = s_next_event (fixture, peer);
            assert_int_equal (wb_event_sequence (event), sequence);
            wb_msg_destroy (&event);
        }
}

//  An event held for a group keeps its recipients' sessions: one that
//  ends before the commit gets nothing; one whose client registers again
//  meanwhile goes to the session its routing id has then (a new one: its
//  first EventSequence); the others get it as usual.
static void
test_group_event_for_a_session_that_ended_meanwhile (void **state)
{
    s_fixture_t *fixture = *state;
    s_agent (fixture, 1, "a1");
    for (int peer = 2; peer <= 4; peer++) {
        s_register (fixture, peer, WB_CLIENT_MEDIA_SERVER);
        s_expect (fixture, peer, s_subscription ("team", "sales"), 0);
    }
    s_submit (fixture, 1, "team", "sales", "before");
    for (int peer = 2; peer <= 4; peer++) {
        wb_msg_t *event = s_next_event (fixture, peer);
        assert_int_equal (wb_event_sequence (event), 1);
        wb_msg_destroy (&event);
    }
    assert_int_equal (wb_engine_batch_begin (fixture->engine), 0);
    wb_submission_t submission = { .workbin = s_workbin ("team", "sales"),
                                   .media_type = "email", .interaction_type = "Inbound" };
    s_pipeline (fixture, 1, wb_request_submit (&submission));
    s_pipeline (fixture, 2, wb_request_unregister_client ());
    s_pipeline (fixture, 3, wb_request_unregister_client ());
    s_pipeline (fixture, 3, wb_request_register_client (WB_CLIENT_MEDIA_SERVER, NULL));
    assert_int_equal (zlistx_size (fixture->sent), 0);
    assert_int_equal (wb_engine_batch_end (fixture->engine), 0);
    assert_null (s_next_event (fixture, 2));
    wb_msg_t *event = s_next_event (fixture, 3);
    assert_non_null (event);
    assert_int_equal (wb_event_sequence (event), 1);
    wb_msg_destroy (&event);
    event = s_next_event (fixture, 4);
    assert_non_null (event);
    assert_int_equal (wb_event_sequence (event), 2);
    wb_msg_destroy (&event);
    assert_null (s_next_event (fixture, 3));
    assert_null (s_next_event (fixture, 4));
}

//  Statistic notifications: the lead, who supervises sales, is told the
//  count, version and oldest of every workbin it may see after each
//  change of content (a1's drafts, the sales queue), not of others (a3's
//  drafts), nor of property changes; a3 sees its own; cancelled, nothing
//  more; cancelling twice is 1000; they go with the other subscriptions.
static void
test_statistic_notifications (void **state)
{
    s_fixture_t *fixture = *state;
    s_agent (fixture, 1, "lead");
    s_agent (fixture, 2, "a3");
    s_register (fixture, 3, WB_CLIENT_MEDIA_SERVER);
    s_expect (fixture, 1, wb_request_statistic_notifications (true), 0);
    s_expect (fixture, 1, wb_request_statistic_notifications (true), 0);    //  once is enough
    s_expect (fixture, 2, wb_request_statistic_notifications (true), 0);
    const char *id = s_submit (fixture, 3, "draft", "a1", "One");
    char first [64];
    snprintf (first, sizeof (first), "%s", id);
    s_submit (fixture, 3, "draft", "a1", "Two");
    s_submit (fixture, 3, "draft", "a3", "Other's");
    for (int64_t count = 1; count <= 2; count++) {
        wb_msg_t *event = s_next_event (fixture, 1);
        assert_non_null (event);
        wb_event_statistic_t statistic;
        assert_int_equal (wb_event_read_statistic (event, &statistic), 0);
        assert_string_equal (statistic.workbin.type_id, "draft");
        assert_string_equal (statistic.workbin.owner_id, "a1");
        assert_int_equal (statistic.count, count);
        assert_int_equal (statistic.version, count);
        assert_non_null (statistic.oldest);
        assert_int_equal (wb_event_sequence (event), count);
        wb_msg_destroy (&event);
    }
    assert_null (s_next_event (fixture, 1));            //  not a3's drafts
    wb_msg_t *event = s_next_event (fixture, 2);
    assert_non_null (event);
    wb_event_statistic_t statistic;
    assert_int_equal (wb_event_read_statistic (event, &statistic), 0);
    assert_string_equal (statistic.workbin.owner_id, "a3");
    wb_msg_destroy (&event);
    //  a property change moves no count: no statistic
    wb_property_changes_t changes = { 0 };
    wb_kvlist_t *changed = wb_kvlist_new ();
    wb_kvlist_add_string (changed, "Note", "x");
    changes.changed = changed;
    s_expect (fixture, 3, wb_request_change_properties (first, &changes), 0);
    wb_kvlist_destroy (&changed);
    assert_null (s_next_event (fixture, 1));
    //  a stop does
    s_expect (fixture, 3, wb_request_stop_processing (first), 0);
    event = s_next_event (fixture, 1);
    assert_non_null (event);
    assert_int_equal (wb_event_read_statistic (event, &statistic), 0);
    assert_int_equal (statistic.count, 1);
    assert_int_equal (statistic.version, 4);
    wb_msg_destroy (&event);
    s_expect (fixture, 1, wb_request_statistic_notifications (false), 0);
    s_expect (fixture, 1, wb_request_statistic_notifications (false), WB_ERR_NOT_SUBSCRIBED);
    s_submit (fixture, 3, "draft", "a1", "Three");
    assert_null (s_next_event (fixture, 1));
    //  a logout drops them with the other subscriptions
    s_expect (fixture, 2, wb_request_agent_logout (), 0);
    s_expect (fixture, 2, s_login_request ("a3"), 0);
    s_submit (fixture, 3, "draft", "a3", "Again");
    assert_null (s_next_event (fixture, 2));
}

int
main (void)
{
    zsys_init ();
    zsys_set_logstream (NULL);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test_setup_teardown (test_degenerate_calls, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_statistic_notifications, s_setup, s_teardown),
        cmocka_unit_test (test_every_request_row_has_a_route),
        cmocka_unit_test_setup_teardown (test_register_first, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_login_rules, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_login_take_over, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_phase_get_content, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_phase_fail_to_get_content, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_access_rules, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_phase_notifications, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_phase_cancel_notifications, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_move_pull_change_stop, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_property_change_rules, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_submit_and_pull_errors, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_paging, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_slow_subscriber_is_dropped_and_told, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_silent_session_expires, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_types_info_lists_visible_owners, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_types_info_pages_owners, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_property_changes_past_entries_max_are_refused, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_user_data_cannot_be_changed, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_no_op_changes_send_nothing, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_submit_retry_with_its_key_creates_nothing, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_submit_retry_in_the_same_group, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_other_workbins_ids_look_unknown, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_removed_type_is_a_media_servers_alone, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_types_info_past_entries_max, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_malformed_gets_79_and_unknown_name_4, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_group_commit_replies_after_one_commit, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_group_commit_failed_change_undoes_only_itself, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_a_change_that_lost_a_conflict_is_tried_again, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_a_conflict_in_a_batch_commits_the_changes_before_it, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_group_commit_failure_acknowledges_nothing, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_interaction_over_the_maximum_is_refused, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_event_over_a_codec_limit_is_no_false_1001, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_reply_over_the_queue_bytes_becomes_1005, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_read_reply_does_not_wait_for_the_group, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_content_pages_are_kept_until_their_workbin_changes, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_content_after_a_failed_group_commit, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_content_pages_of_a_shared_store_are_served_by_version, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_patched_images_read_as_the_store_does, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_pages_cut_by_bytes_make_the_image, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_group_holds_one_event_for_all_subscribers, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_group_event_for_a_session_that_ended_meanwhile,
                                         s_setup, s_teardown),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
