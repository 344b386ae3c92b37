/*  Tests of wbc_session: the console's session with a server in this
    process, through a proxy that logs what the console asks and can spoil
    a reply on its way. How a workbin of several pages is fetched: the pages
    ahead (two) asked for at a glance at each reply, before it is decoded. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "wb_client.h"
#include "wb_clock.h"
#include "wb_events.h"
#include "wb_requests.h"
#include "wb_test_util.h"
#include "wbc_model.h"
#include "wbc_session.h"

#define TIMEOUT 5000
#define PAGE_CAP 100                    //  the server's least: pages of 100
#define INTERACTIONS 250                //  three pages

typedef struct {
    wb_test_server_t server;
    zsock_t *front;                     //  the console's side: a ROUTER
    zsock_t *back;                      //  the server's side: a DEALER
    zframe_t *console;                  //  the console's routing id, once it spoke
    char endpoint [64];
    char asked [512];                   //  the Froms the console asked for, in turn
    bool spoil;                         //  the first page reaches the console cut short
    bool spoiled;
    bool shorten;                       //  the first page reaches it one interaction short
    bool shortened;
    bool repeat;                        //  every first page holds its first interaction twice
} s_fixture_t;

//  Put INTERACTIONS in a1's drafts, each with a note of note_bytes (none if
//  0), then make the proxy in front of the server.
static int
s_setup_with (void **state, size_t note_bytes)
{
    s_fixture_t *fixture = zmalloc (sizeof (s_fixture_t));
    assert_int_equal (wb_test_server_init (&fixture->server, "session"), 0);
    fixture->server.options.page_cap = PAGE_CAP;
    char error [256];
    if (wb_test_server_start (&fixture->server, error, sizeof (error)))
        fail_msg ("server did not start: %s", error);
    wb_client_t *client = wb_client_new (fixture->server.endpoint);
    assert_non_null (client);
    //  a media server submits them: a1 stays free to log in
    assert_int_equal (wb_client_open_session (client, WB_CLIENT_MEDIA_SERVER, "test", 101, NULL,
                                              NULL, TIMEOUT, NULL), 0);
    char *note = zmalloc (note_bytes + 1);
    memset (note, 'n', note_bytes);
    wb_kvlist_t *user_data = wb_kvlist_new ();
    if (note_bytes)
        assert_int_equal (wb_kvlist_add_string (user_data, "Note", note), 0);
    for (int index = 1; index <= INTERACTIONS; index++) {
        char subject [32];
        snprintf (subject, sizeof (subject), "Page test %03d", index);
        wb_submission_t submission = {
            .workbin = { "draft", 0, "WorkbinAgentId", "a1" },
            .media_type = "email", .interaction_type = "Inbound", .subject = subject,
            .user_data = user_data,
        };
        wb_msg_t *request = wb_request_submit (&submission);
        wb_msg_t *reply = wb_client_request (client, &request, TIMEOUT);
        assert_true (wb_msg_is (reply, WB_ROW_EVENT_ACK));
        wb_msg_destroy (&reply);
    }
    wb_kvlist_destroy (&user_data);
    free (note);
    wb_client_destroy (&client);
    fixture->front = zsock_new_router ("tcp://127.0.0.1:*");
    assert_non_null (fixture->front);
    snprintf (fixture->endpoint, sizeof (fixture->endpoint), "%s", zsock_endpoint (fixture->front));
    fixture->back = zsock_new_dealer (fixture->server.endpoint);
    assert_non_null (fixture->back);
    *state = fixture;
    return 0;
}

static int
s_setup (void **state)
{
    return s_setup_with (state, 0);
}

//  Pages of 100 interactions of about 6 KB: about 600 KB each.
static int
s_setup_big (void **state)
{
    return s_setup_with (state, 6000);
}

static int
s_teardown (void **state)
{
    s_fixture_t *fixture = *state;
    zsock_destroy (&fixture->front);
    zsock_destroy (&fixture->back);
    zframe_destroy (&fixture->console);
    assert_int_equal (wb_test_server_cleanup (&fixture->server), 0);
    free (fixture);
    return 0;
}

//  True if a message's name frame (the second) is name.
static bool
s_named (zmsg_t *msg, size_t name_index, const char *name)
{
    zframe_t *frame = zmsg_first (msg);
    for (size_t index = 0; frame && index < name_index; index++)
        frame = zmsg_next (msg);
    return frame && zframe_streq (frame, name);
}

//  The console to the server: note the From of each content request.
static void
s_forward_request (s_fixture_t *fixture)
{
    zmsg_t *msg = zmsg_recv (fixture->front);
    assert_non_null (msg);
    zframe_destroy (&fixture->console);
    fixture->console = zmsg_pop (msg);
    if (s_named (msg, 1, WB_MSG_REQUEST_GET_WORKBIN_CONTENT)) {
        wb_msg_t *request = wb_msg_decode (msg, NULL, NULL);
        assert_non_null (request);
        size_t length = strlen (fixture->asked);
        snprintf (fixture->asked + length, sizeof (fixture->asked) - length, "%s%" PRId64,
                  length ? " " : "", wb_kvlist_int_or (wb_msg_body (request), WB_ATTR_FROM, 0));
        wb_msg_destroy (&request);
    }
    zmsg_send (&msg, fixture->back);
}

//  A page as the console receives it after change did to its interactions
//  (the page re-encoded whole).
static zmsg_t *
s_page_changed (zmsg_t **msg_p, void (*change) (wb_kvlist_t *interactions))
{
    wb_msg_t *page = wb_msg_decode (*msg_p, NULL, NULL);
    zmsg_destroy (msg_p);
    assert_non_null (page);
    change (wb_kvlist_list (wb_msg_body (page), WB_ATTR_INTERACTIONS));
    zmsg_t *changed = wb_msg_encode (page);
    wb_msg_destroy (&page);
    return changed;
}

//  Its last interaction left out: a page the server cut short
//  (PROTOCOL.md 9 lets it).
static void
s_cut_short (wb_kvlist_t *interactions)
{
    assert_int_equal (wb_kvlist_size (interactions), PAGE_CAP);
    wb_kvlist_truncate (interactions, PAGE_CAP - 1);
}

//  Its first interaction again, at its end.
static void
s_repeat_first (wb_kvlist_t *interactions)
{
    wb_kvlist_t *first = wb_kvlist_dup (wb_kvlist_list_at (interactions, 0));
    assert_int_equal (wb_kvlist_add_list (interactions, WB_ATTR_INTERACTION, &first), 0);
}

//  The From of a reply that is a page (-1 if it is not one).
static int64_t
s_page_from (zmsg_t *msg)
{
    if (!s_named (msg, 1, WB_MSG_EVENT_WORKBIN_CONTENT))
        return -1;
    zmsg_t *copy = zmsg_dup (msg);
    wb_msg_t *page = wb_msg_decode (copy, NULL, NULL);
    zmsg_destroy (&copy);
    int64_t from = page ? wb_kvlist_int_or (wb_msg_body (page), WB_ATTR_FROM, 0) : -1;
    wb_msg_destroy (&page);
    return from;
}

//  The server to the console: the first page, when asked, loses its last
//  byte (its head, where the page stands, is whole), or its last
//  interaction; or every first page holds an interaction twice.
static void
s_forward_reply (s_fixture_t *fixture)
{
    zmsg_t *msg = zmsg_recv (fixture->back);
    assert_non_null (msg);
    if (fixture->shorten && !fixture->shortened
    &&  s_named (msg, 1, WB_MSG_EVENT_WORKBIN_CONTENT)) {
        msg = s_page_changed (&msg, s_cut_short);
        fixture->shortened = true;
    }
    if (fixture->repeat && s_page_from (msg) == 0)
        msg = s_page_changed (&msg, s_repeat_first);
    if (fixture->spoil && !fixture->spoiled
    &&  s_named (msg, 1, WB_MSG_EVENT_WORKBIN_CONTENT)) {
        zframe_t *body = zmsg_last (msg);
        zframe_t *cut = zframe_new (zframe_data (body), zframe_size (body) - 1);
        zmsg_remove (msg, body);
        zframe_destroy (&body);
        zmsg_append (msg, &cut);
        fixture->spoiled = true;
    }
    zmsg_pushmem (msg, zframe_data (fixture->console), zframe_size (fixture->console));
    zmsg_send (&msg, fixture->front);
}

//  True once the pane holds the whole workbin.
static bool
s_pane_whole (const s_fixture_t *fixture, wbc_model_t *model)
{
    (void) fixture;
    const wbc_pane_t *pane = wbc_model_pane_count (model) ? wbc_model_pane (model, 0) : NULL;
    return pane && !pane->loading && pane->total == INTERACTIONS
        && wb_replica_size (pane->replica) == INTERACTIONS;
}

//  A console of a1 opens its drafts; run it until done says so, or fail
//  at the deadline.
static void
s_run_console_until (s_fixture_t *fixture, wbc_model_t *model,
                     bool (*done) (const s_fixture_t *, wbc_model_t *))
{
    const char *open [] = { "draft", NULL };
    wbc_session_options_t options = { .endpoint = fixture->endpoint, .agent_id = "a1",
                                      .tenant_id = 101, .open = open };
    wbc_session_t *session = wbc_session_new (model, &options);
    assert_non_null (session);
    int64_t deadline = wb_mono_ms () + 4 * TIMEOUT;
    while (!done (fixture, model)) {
        int64_t now = wb_mono_ms ();
        if (now > deadline) {
            const wbc_status_t *status = wbc_model_last_status (model);
            fail_msg ("the console never got there; asked for: %s; status: %s",
                      fixture->asked, status ? status->text : "none");
        }
        wbc_session_tick (session, now);
        zmq_pollitem_t items [3] = {
            { zsock_resolve (wbc_session_socket (session)), 0, ZMQ_POLLIN, 0 },
            { zsock_resolve (fixture->front), 0, ZMQ_POLLIN, 0 },
            { zsock_resolve (fixture->back), 0, ZMQ_POLLIN, 0 },
        };
        int wait = wbc_session_wait_ms (session, now);
        assert_true (zmq_poll (items, 3, wait < 50 ? wait : 50) >= 0);
        if (items [0].revents & ZMQ_POLLIN)
            wbc_session_receive (session, wb_mono_ms ());
        if (items [1].revents & ZMQ_POLLIN)
            s_forward_request (fixture);
        if (items [2].revents & ZMQ_POLLIN)
            s_forward_reply (fixture);
    }
    wbc_session_destroy (&session);
}

static void
s_run_console (s_fixture_t *fixture, wbc_model_t *model)
{
    s_run_console_until (fixture, model, s_pane_whole);
}

//  The pane holds the whole workbin, in the order it was placed.
static void
s_assert_whole_in_order (wbc_model_t *model)
{
    const wbc_pane_t *pane = wbc_model_pane (model, 0);
    assert_int_equal (wb_replica_size (pane->replica), INTERACTIONS);
    for (size_t index = 0; index < INTERACTIONS; index++) {
        char subject [32];
        snprintf (subject, sizeof (subject), "Page test %03zu", index + 1);
        assert_string_equal (wb_kvlist_string (wb_replica_at (pane->replica, index),
                                               WB_ATTR_SUBJECT), subject);
    }
}

//  The content requests and replies of the trace, in its order: "> <" ...
static void
s_trace_order (const wbc_model_t *model, char *order, size_t size)
{
    const wb_trace_t *trace = wbc_model_trace_log (model);
    order [0] = 0;
    for (size_t index = 0; index < wb_trace_size (trace); index++) {
        const wb_trace_entry_t *entry = wb_trace_at (trace, index);
        bool request = streq (entry->name, WB_MSG_REQUEST_GET_WORKBIN_CONTENT);
        if (request || streq (entry->name, WB_MSG_EVENT_WORKBIN_CONTENT))
            snprintf (order + strlen (order), size - strlen (order), "%s", request ? ">" : "<");
    }
}

//  Each page is asked for once, the two ahead at a glance at the first
//  reply; the trainer's trace still shows each request after the reply
//  it follows from.
static void
test_each_page_asked_once (void **state)
{
    s_fixture_t *fixture = *state;
    wbc_model_t *model = wbc_model_new ();
    s_run_console (fixture, model);
    assert_string_equal (fixture->asked, "0 100 200");
    const wbc_pane_t *pane = wbc_model_pane (model, 0);
    assert_string_equal (wb_kvlist_string (wb_replica_at (pane->replica, 0), WB_ATTR_SUBJECT),
                         "Page test 001");
    assert_string_equal (wb_kvlist_string (wb_replica_at (pane->replica, INTERACTIONS - 1),
                                           WB_ATTR_SUBJECT), "Page test 250");
    char order [64];
    s_trace_order (model, order, sizeof (order));
    assert_string_equal (order, "><>><<");
    wbc_model_destroy (&model);
}

//  The pages ahead are asked for before this one is decoded: a first page
//  that turns out malformed (dropped, and said) has had its next pages
//  asked for already. The first of them does not follow on from what the
//  pane holds, so the fetch starts again (the second, of the fetch given
//  up, changes nothing), and ends whole and in order.
static void
test_next_page_asked_before_the_decode (void **state)
{
    s_fixture_t *fixture = *state;
    fixture->spoil = true;
    wbc_model_t *model = wbc_model_new ();
    s_run_console (fixture, model);
    assert_true (fixture->spoiled);
    assert_string_equal (fixture->asked, "0 100 200 0 100 200");
    s_assert_whole_in_order (model);
    bool said = false;
    for (size_t index = 0; index < wbc_model_history_size (model); index++)
        said |= strstr (wbc_model_history_at (model, index)->text, "malformed") != NULL;
    assert_true (said);
    wbc_model_destroy (&model);
}

//  The second page ahead is a guess: that the next page holds as many as
//  this one. A first page cut short (99) makes the console ask for 99 and
//  198; the page at 99 holds 100, so the one after it is at 199: 198 is
//  given up (its reply changes nothing) and 199 asked for, without
//  starting again. The pane ends whole and in order.
static void
test_a_page_cut_short_moves_the_pages_ahead (void **state)
{
    s_fixture_t *fixture = *state;
    fixture->shorten = true;
    wbc_model_t *model = wbc_model_new ();
    s_run_console (fixture, model);
    assert_true (fixture->shortened);
    assert_string_equal (fixture->asked, "0 99 198 199");
    s_assert_whole_in_order (model);
    //  the fetch is said done once, and nothing went wrong
    size_t fetched = 0;
    for (size_t index = 0; index < wbc_model_history_size (model); index++) {
        const wbc_status_t *status = wbc_model_history_at (model, index);
        assert_int_not_equal (status->level, WBC_LEVEL_ERROR);
        fetched += strncmp (status->text, WB_MSG_EVENT_WORKBIN_CONTENT " ",
                            strlen (WB_MSG_EVENT_WORKBIN_CONTENT) + 1) == 0;
    }
    assert_int_equal (fetched, 1);
    wbc_model_destroy (&model);
}

//  The page after the next is asked for ahead only while the pages asked
//  for ahead stay within what the least server lets wait for one client
//  (1 MiB): pages of about 600 KB are asked for one ahead, as each comes.
static void
test_big_pages_asked_one_ahead (void **state)
{
    s_fixture_t *fixture = *state;
    wbc_model_t *model = wbc_model_new ();
    s_run_console (fixture, model);
    assert_string_equal (fixture->asked, "0 100 200");
    char order [64];
    s_trace_order (model, order, sizeof (order));
    assert_string_equal (order, "><><><");
    const wbc_pane_t *pane = wbc_model_pane (model, 0);
    assert_string_equal (wb_kvlist_string (wb_replica_at (pane->replica, INTERACTIONS - 1),
                                           WB_ATTR_SUBJECT), "Page test 250");
    wbc_model_destroy (&model);
}

//  True once the fetch is given up and said so, and every page asked for
//  (as the trace shows them) has come.
static bool
s_fetch_given_up (const s_fixture_t *fixture, wbc_model_t *model)
{
    (void) fixture;
    const wbc_pane_t *pane = wbc_model_pane_count (model) ? wbc_model_pane (model, 0) : NULL;
    const wbc_status_t *status = wbc_model_last_status (model);
    char order [256];
    s_trace_order (model, order, sizeof (order));
    size_t asked = 0, came = 0;
    for (const char *turn = order; *turn; turn++)
        *turn == '>' ? asked++ : came++;
    return pane && !pane->loading && status && status->level == WBC_LEVEL_ERROR
        && asked > 0 && came == asked;
}

//  A first page that holds an interaction twice never fits what follows
//  (the pane takes it once): the fetch starts again, and after three
//  tries in a row it is given up and said, not started again for ever.
static void
test_a_page_that_never_fits_is_given_up (void **state)
{
    s_fixture_t *fixture = *state;
    fixture->repeat = true;
    wbc_model_t *model = wbc_model_new ();
    s_run_console_until (fixture, model, s_fetch_given_up);
    assert_string_equal (fixture->asked, "0 101 202 0 101 202 0 101 202");
    const wbc_status_t *status = wbc_model_last_status (model);
    assert_non_null (strstr (status->text, "did not follow on"));
    wbc_model_destroy (&model);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test_setup_teardown (test_each_page_asked_once, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_next_page_asked_before_the_decode, s_setup,
                                         s_teardown),
        cmocka_unit_test_setup_teardown (test_a_page_cut_short_moves_the_pages_ahead, s_setup,
                                         s_teardown),
        cmocka_unit_test_setup_teardown (test_big_pages_asked_one_ahead, s_setup_big,
                                         s_teardown),
        cmocka_unit_test_setup_teardown (test_a_page_that_never_fits_is_given_up, s_setup,
                                         s_teardown),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
