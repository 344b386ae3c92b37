/*  Tests of wb_trace, the message flow as a sequence diagram. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "wb_trace.h"
#include "wb_error.h"
#include "wb_protocol.h"

#define T0 1000000

// ---------------------------------------------------------------- bodies

static wb_kvlist_t *
s_workbin_body (const char *type_id, const char *owner_attribute, const char *owner)
{
    wb_kvlist_t *body = wb_kvlist_new ();
    wb_kvlist_add_string (body, WB_ATTR_WORKBIN_TYPE_ID, type_id);
    if (owner_attribute)
        wb_kvlist_add_string (body, owner_attribute, owner);
    return body;
}

static wb_kvlist_t *
s_get_content (int64_t from, int64_t count)
{
    wb_kvlist_t *body = s_workbin_body ("email-draft", WB_ATTR_WORKBIN_AGENT_ID, "agent01");
    wb_kvlist_add_int (body, WB_ATTR_FROM, from);
    wb_kvlist_add_int (body, WB_ATTR_COUNT, count);
    return body;
}

static wb_kvlist_t *
s_interaction (const char *id, const char *subject)
{
    wb_kvlist_t *interaction = wb_kvlist_new ();
    wb_kvlist_add_string (interaction, WB_ATTR_INTERACTION_ID, id);
    if (subject)
        wb_kvlist_add_string (interaction, WB_ATTR_SUBJECT, subject);
    return interaction;
}

//  An EventWorkbinContentChanged as the server sends it.
static wb_kvlist_t *
s_changed (int content_operation, int operation, const char *id, const char *subject,
           const char *actor, int64_t version)
{
    wb_kvlist_t *body = wb_kvlist_new ();
    wb_kvlist_add_int (body, WB_ATTR_WORKBIN_CONTENT_OPERATION, content_operation);
    wb_kvlist_add_int (body, WB_ATTR_OPERATION, operation);
    wb_kvlist_add_string (body, WB_ATTR_WORKBIN_TYPE_ID, "email-draft");
    wb_kvlist_add_string (body, WB_ATTR_WORKBIN_AGENT_ID, "agent01");
    wb_kvlist_t *interaction = s_interaction (id, subject);
    wb_kvlist_add_list (body, WB_ATTR_INTERACTION, &interaction);
    wb_kvlist_t *who = wb_kvlist_new ();
    wb_kvlist_add_string (who, WB_ATTR_AGENT_ID, actor);
    wb_kvlist_add_list (body, WB_ATTR_ACTOR, &who);
    wb_kvlist_add_int (body, WB_ATTR_WORKBIN_VERSION, version);
    return body;
}

static wb_kvlist_t *
s_error (int code, const char *description)
{
    wb_kvlist_t *body = wb_kvlist_new ();
    wb_kvlist_add_int (body, WB_ATTR_ERROR_CODE, code);
    if (description)
        wb_kvlist_add_string (body, WB_ATTR_ERROR_DESCRIPTION, description);
    return body;
}

static const wb_trace_entry_t *
s_request (wb_trace_t *trace, const char *party, const char *name, int64_t reference_id,
           wb_kvlist_t *body)
{
    const wb_trace_entry_t *entry = wb_trace_request (trace, party, name, reference_id, body, T0);
    wb_kvlist_destroy (&body);
    return entry;
}

static const wb_trace_entry_t *
s_received (wb_trace_t *trace, const char *party, const char *name, int64_t reference_id,
            wb_kvlist_t *body)
{
    const wb_trace_entry_t *entry = wb_trace_received (trace, party, name, reference_id, body, T0);
    wb_kvlist_destroy (&body);
    return entry;
}

// ---------------------------------------------------------------- degenerate

static void
test_degenerate_calls (void **state)
{
    (void) state;
    assert_null (wb_trace_new (NULL, 0, 0));
    assert_null (wb_trace_new ("", 0, 0));
    wb_trace_t *trace = NULL;
    wb_trace_destroy (&trace);
    wb_trace_destroy (NULL);
    assert_null (wb_trace_request (NULL, "a", "RequestPing", 1, NULL, T0));
    assert_null (wb_trace_received (NULL, "a", "EventAck", 1, NULL, T0));
    assert_null (wb_trace_mark (NULL, "x", T0));
    wb_trace_clear (NULL);
    assert_int_equal (wb_trace_size (NULL), 0);
    assert_null (wb_trace_at (NULL, 0));
    assert_int_equal (wb_trace_index_of (NULL, 1), -1);
    assert_int_equal (wb_trace_party_count (NULL), 0);
    assert_null (wb_trace_party (NULL, 0));
    assert_false (wb_trace_match (NULL, NULL));
    char out [8] = "x";
    assert_int_equal (wb_trace_describe (NULL, out, sizeof (out)), 0);
    assert_string_equal (out, "");
    assert_int_equal (wb_trace_describe (NULL, NULL, 0), 0);
    assert_null (wb_trace_code_name (NULL, 1));
    assert_null (wb_trace_code_name ("Subject", 1));
    assert_null (wb_trace_code_name (WB_ATTR_OPERATION, 99));
    assert_null (wb_trace_code_name (WB_ATTR_ERROR_CODE, -1));

    trace = wb_trace_new ("agent01", 0, 0);
    assert_non_null (trace);
    assert_int_equal (wb_trace_size (trace), 0);
    assert_null (wb_trace_at (trace, 0));
    assert_int_equal (wb_trace_index_of (trace, 0), -1);
    assert_int_equal (wb_trace_index_of (trace, 1), -1);
    assert_int_equal (wb_trace_party_count (trace), 2);
    assert_string_equal (wb_trace_party (trace, 0), "agent01");
    assert_string_equal (wb_trace_party (trace, 1), WB_TRACE_SERVER);
    assert_null (wb_trace_party (trace, 2));
    assert_null (wb_trace_request (trace, "agent01", NULL, 1, NULL, T0));
    //  no body: an empty one; no party: the recorder
    const wb_trace_entry_t *entry = wb_trace_request (trace, NULL, "RequestPing", 1, NULL, T0);
    assert_non_null (entry);
    assert_non_null (entry->body);
    assert_int_equal (entry->from, 0);
    assert_int_equal (entry->to, 1);
    size_t indexes [4];
    assert_int_equal (wb_trace_parties_shown (trace, NULL, NULL, 4), 0);
    assert_int_equal (wb_trace_parties_shown (trace, NULL, indexes, 1), 1);
    wb_trace_destroy (&trace);
    assert_null (trace);
}

// ---------------------------------------------------------------- the ring

static void
test_ring_is_bounded_by_entries_and_numbers_go_on (void **state)
{
    (void) state;
    wb_trace_t *trace = wb_trace_new ("agent01", 3, 0);
    for (int64_t reference = 1; reference <= 5; reference++)
        assert_non_null (s_request (trace, NULL, WB_MSG_REQUEST_PING, reference, NULL));
    assert_int_equal (wb_trace_size (trace), 3);
    assert_int_equal (wb_trace_at (trace, 0)->number, 3);
    assert_int_equal (wb_trace_at (trace, 0)->reference_id, 3);
    assert_int_equal (wb_trace_at (trace, 2)->number, 5);
    assert_null (wb_trace_at (trace, 3));
    assert_int_equal (wb_trace_index_of (trace, 2), -1);
    assert_int_equal (wb_trace_index_of (trace, 3), 0);
    assert_int_equal (wb_trace_index_of (trace, 5), 2);
    assert_int_equal (wb_trace_index_of (trace, 6), -1);

    wb_trace_clear (trace);
    assert_int_equal (wb_trace_size (trace), 0);
    assert_int_equal (wb_trace_index_of (trace, 5), -1);
    assert_int_equal (wb_trace_party_count (trace), 2);
    const wb_trace_entry_t *mark = wb_trace_mark (trace, "phase 2", T0);
    assert_int_equal (mark->number, 6);
    assert_int_equal (wb_trace_index_of (trace, 6), 0);
    wb_trace_destroy (&trace);
}

static void
test_ring_grows_past_its_first_room_in_order (void **state)
{
    (void) state;
    //  more than the first allocation, wrapped several times
    wb_trace_t *trace = wb_trace_new ("agent01", 300, 0);
    for (int64_t reference = 1; reference <= 1000; reference++)
        s_request (trace, NULL, WB_MSG_REQUEST_PING, reference, NULL);
    assert_int_equal (wb_trace_size (trace), 300);
    for (size_t index = 0; index < 300; index++) {
        assert_int_equal (wb_trace_at (trace, index)->number, 701 + index);
        assert_int_equal (wb_trace_index_of (trace, 701 + index), (long) index);
    }
    wb_trace_destroy (&trace);
}

static void
test_ring_is_bounded_by_body_bytes (void **state)
{
    (void) state;
    wb_kvlist_t *body = wb_kvlist_new ();
    char subject [1001];
    memset (subject, 's', 1000);
    subject [1000] = 0;
    wb_kvlist_add_string (body, WB_ATTR_SUBJECT, subject);
    size_t bytes = wb_kvlist_encoded_size (body);
    //  room for two bodies and a half: the third pushes the first out
    wb_trace_t *trace = wb_trace_new ("agent01", 0, bytes * 5 / 2);
    for (int64_t reference = 1; reference <= 4; reference++)
        wb_trace_request (trace, NULL, WB_MSG_REQUEST_SUBMIT, reference, body, T0);
    assert_int_equal (wb_trace_size (trace), 2);
    assert_int_equal (wb_trace_at (trace, 0)->number, 3);
    //  marks take no body bytes
    for (int index = 0; index < 10; index++)
        wb_trace_mark (trace, "m", T0);
    assert_int_equal (wb_trace_size (trace), 12);
    //  one body over the bound alone: it stays, the others go
    wb_trace_t *small = wb_trace_new ("agent01", 0, bytes / 2);
    wb_trace_mark (small, "m", T0);
    assert_non_null (wb_trace_request (small, NULL, WB_MSG_REQUEST_SUBMIT, 1, body, T0));
    assert_int_equal (wb_trace_size (small), 1);
    assert_int_equal (wb_trace_at (small, 0)->kind, WB_TRACE_REQUEST);
    wb_trace_destroy (&small);
    wb_kvlist_destroy (&body);
    wb_trace_destroy (&trace);
}

//  A page of many interactions keeps its first twenty and says how many it
//  left out: tracing a big page costs a few copies, and its headline still
//  counts them all.
static void
test_big_page_keeps_its_first_interactions (void **state)
{
    (void) state;
    wb_kvlist_t *body = wb_kvlist_new ();
    wb_kvlist_t *interactions = wb_kvlist_new ();
    for (int index = 0; index < 500; index++) {
        char id [32];
        snprintf (id, sizeof (id), "%016d", index);
        wb_kvlist_t *interaction = s_interaction (id, "Order");
        wb_kvlist_add_list (interactions, WB_ATTR_INTERACTION, &interaction);
    }
    wb_kvlist_add_list (body, WB_ATTR_INTERACTIONS, &interactions);
    wb_kvlist_add_int (body, WB_ATTR_TOTAL_COUNT, 500);
    wb_kvlist_add_int (body, WB_ATTR_WORKBIN_VERSION, 7);
    wb_trace_t *trace = wb_trace_new ("agent01", 0, 0);
    s_request (trace, NULL, WB_MSG_REQUEST_GET_WORKBIN_CONTENT, 3, NULL);
    const wb_trace_entry_t *entry = s_received (trace, NULL, WB_MSG_EVENT_WORKBIN_CONTENT, 3, body);
    assert_non_null (strstr (entry->headline, "500 of 500"));
    const wb_kvlist_t *kept = wb_kvlist_list (entry->body, WB_ATTR_INTERACTIONS);
    assert_int_equal (wb_kvlist_size (kept), 20);
    assert_string_equal (wb_kvlist_string (wb_kvlist_list_at (kept, 19), WB_ATTR_INTERACTION_ID),
                         "0000000000000019");
    assert_int_equal (wb_kvlist_int_or (entry->body, "InteractionsNotKept", 0), 480);
    assert_int_equal (wb_kvlist_int_or (entry->body, WB_ATTR_WORKBIN_VERSION, 0), 7);
    wb_trace_destroy (&trace);
}

//  A page received as a client receives it (wb_kvlist_decode_lazy keeps
//  each interaction with its structure checked only), one of its subjects
//  no longer UTF-8 on the way: the trace keeps it as it came, among the
//  first 20 of a big page or in a small one, and its description names
//  the fault instead of showing its bytes; the others are described.
static void
test_an_interaction_that_cannot_be_read_is_named (void **state)
{
    (void) state;
    for (int count = 3; count <= 500; count += 497) {
        wb_kvlist_t *sent = wb_kvlist_new ();
        wb_kvlist_t *interactions = wb_kvlist_new ();
        for (int index = 0; index < count; index++) {
            char id [32];
            snprintf (id, sizeof (id), "%016d", index);
            wb_kvlist_t *interaction = s_interaction (id, index == 1 ? "Bad" : "Order");
            wb_kvlist_add_list (interactions, WB_ATTR_INTERACTION, &interaction);
        }
        wb_kvlist_add_list (sent, WB_ATTR_INTERACTIONS, &interactions);
        wb_kvlist_add_int (sent, WB_ATTR_TOTAL_COUNT, count);
        size_t size = 0;
        uint8_t *bytes = wb_kvlist_encode (sent, &size);
        wb_kvlist_destroy (&sent);
        for (size_t offset = 0; offset + 3 <= size; offset++)
            if (memcmp (bytes + offset, "Bad", 3) == 0)
                bytes [offset + 1] = 0xff;
        wb_kvlist_t *body = wb_kvlist_decode_lazy (bytes, size, NULL);
        free (bytes);
        assert_non_null (body);
        wb_trace_t *trace = wb_trace_new ("agent01", 0, 0);
        s_request (trace, NULL, WB_MSG_REQUEST_GET_WORKBIN_CONTENT, 3, NULL);
        const wb_trace_entry_t *entry = s_received (trace, NULL, WB_MSG_EVENT_WORKBIN_CONTENT, 3,
                                                    body);
        const wb_kvlist_t *kept = wb_kvlist_list (entry->body, WB_ATTR_INTERACTIONS);
        assert_int_equal (wb_kvlist_size (kept), count < 20 ? count : 20);
        assert_int_equal (wb_kvlist_status_at (kept, 1), WB_CODEC_BAD_UTF8);
        assert_string_equal (wb_kvlist_string (wb_kvlist_list_at (kept, 2), WB_ATTR_INTERACTION_ID),
                             "0000000000000002");
        char out [8192];
        wb_trace_describe (entry, out, sizeof (out));
        assert_non_null (strstr (out, "    InteractionId=0000000000000000\n    Subject=Order\n"
                                      "  Interaction=<cannot be read: string is not valid UTF-8>\n"
                                      "  Interaction:\n    InteractionId=0000000000000002\n"));
        assert_null (strchr (out, 0xff));
        wb_trace_destroy (&trace);
    }
}

// ---------------------------------------------------------------- parties, replies, causes

static void
test_parties_in_order_of_first_appearance (void **state)
{
    (void) state;
    wb_trace_t *trace = wb_trace_new ("media", 0, 0);
    s_request (trace, "agent01", WB_MSG_REQUEST_PING, 1, NULL);
    s_received (trace, "agent01", WB_MSG_EVENT_WORKBIN_CONTENT_CHANGED, 0,
                s_changed (2, 6, "000A1", "Hi", "agent07", 1));
    s_request (trace, "media", WB_MSG_REQUEST_PING, 1, NULL);
    s_request (trace, "agent02", WB_MSG_REQUEST_PING, 1, NULL);
    s_request (trace, "agent01", WB_MSG_REQUEST_PING, 2, NULL);
    assert_int_equal (wb_trace_party_count (trace), 5);
    assert_string_equal (wb_trace_party (trace, 0), "media");
    assert_string_equal (wb_trace_party (trace, 1), "server");
    assert_string_equal (wb_trace_party (trace, 2), "agent01");
    assert_string_equal (wb_trace_party (trace, 3), "agent07");
    assert_string_equal (wb_trace_party (trace, 4), "agent02");
    assert_int_equal (wb_trace_at (trace, 3)->from, 0);
    assert_int_equal (wb_trace_at (trace, 5)->from, 2);
    wb_trace_destroy (&trace);
}

static void
test_parties_are_bounded (void **state)
{
    (void) state;
    wb_trace_t *trace = wb_trace_new ("agent01", 0, 0);
    char name [32];
    for (int index = 0; index < 100; index++) {
        snprintf (name, sizeof (name), "actor%d", index);
        s_received (trace, NULL, WB_MSG_EVENT_WORKBIN_CONTENT_CHANGED, 0,
                    s_changed (2, 6, "000A1", NULL, name, index + 1));
    }
    size_t count = wb_trace_party_count (trace);
    assert_true (count < 100);
    assert_string_equal (wb_trace_party (trace, count - 1), "others");
    assert_int_equal (wb_trace_at (trace, wb_trace_size (trace) - 2)->from, count - 1);
    wb_trace_destroy (&trace);
}

static void
test_reply_by_reference_of_the_same_party (void **state)
{
    (void) state;
    wb_trace_t *trace = wb_trace_new ("agent01", 0, 0);
    s_request (trace, NULL, WB_MSG_REQUEST_GET_WORKBIN_CONTENT, 7, s_get_content (50, 50));
    s_request (trace, "agent02", WB_MSG_REQUEST_PING, 8, NULL);
    //  another party's reference is not ours: an event
    const wb_trace_entry_t *entry = s_received (trace, "agent02", WB_MSG_EVENT_ACK, 7, NULL);
    assert_int_equal (entry->kind, WB_TRACE_EVENT);
    assert_int_equal (entry->from, 1);
    assert_int_equal (entry->to, 2);
    //  the reply inherits the request's workbin and chatter
    entry = s_received (trace, "agent01", WB_MSG_EVENT_ACK, 7, NULL);
    assert_int_equal (entry->kind, WB_TRACE_REPLY);
    assert_int_equal (entry->from, 1);
    assert_int_equal (entry->to, 0);
    assert_int_equal (entry->reference_id, 7);
    assert_string_equal (entry->workbin, "email-draft@agent01");
    assert_true (entry->chatter);
    //  answered once: a second message with that reference is an event
    entry = s_received (trace, "agent01", WB_MSG_EVENT_ACK, 7, NULL);
    assert_int_equal (entry->kind, WB_TRACE_EVENT);
    assert_string_equal (entry->workbin, "");
    //  reference 0 is never a reply, even to a request sent with 0
    s_request (trace, NULL, WB_MSG_REQUEST_PING, 0, NULL);
    assert_int_equal (s_received (trace, NULL, WB_MSG_EVENT_ACK, 0, NULL)->kind, WB_TRACE_EVENT);
    //  a reply still finds its request after a clear
    s_request (trace, NULL, WB_MSG_REQUEST_CANCEL_WORKBIN_NOTIFICATIONS, 9,
               s_workbin_body ("email-draft", WB_ATTR_WORKBIN_AGENT_ID, "agent01"));
    wb_trace_clear (trace);
    entry = s_received (trace, NULL, WB_MSG_EVENT_ERROR, 9, s_error (1000, NULL));
    assert_int_equal (entry->kind, WB_TRACE_REPLY);
    assert_true (entry->error);
    assert_string_equal (entry->workbin, "email-draft@agent01");
    wb_trace_destroy (&trace);
}

static void
test_change_by_another_party_gets_its_cause_first (void **state)
{
    (void) state;
    wb_trace_t *trace = wb_trace_new ("agent01", 0, 0);
    s_request (trace, NULL, WB_MSG_REQUEST_PING, 1, NULL);
    const wb_trace_entry_t *event = s_received (
        trace, NULL, WB_MSG_EVENT_WORKBIN_CONTENT_CHANGED, 0,
        s_changed (WB_CONTENT_PLACED_IN, WB_OPERATION_CREATE, "000A1", "Re: Order 1234",
                   "mediaserver1", 8));
    assert_int_equal (wb_trace_size (trace), 3);
    const wb_trace_entry_t *cause = wb_trace_at (trace, 1);
    assert_int_equal (cause->kind, WB_TRACE_CAUSE);
    assert_string_equal (wb_trace_party (trace, cause->from), "mediaserver1");
    assert_int_equal (cause->to, 1);
    assert_string_equal (cause->name, "PlacedIn");
    assert_string_equal (cause->headline, "000A1 'Re: Order 1234' (Create)");
    assert_string_equal (cause->workbin, "email-draft@agent01");
    assert_null (cause->body);
    assert_int_equal (cause->number + 1, event->number);
    assert_int_equal (event->kind, WB_TRACE_EVENT);
    assert_int_equal (event->from, 1);
    assert_int_equal (event->to, 0);

    //  the actor is a party that records its own requests: no cause
    s_request (trace, "agent02", WB_MSG_REQUEST_PLACE_IN_WORKBIN, 1, NULL);
    s_received (trace, NULL, WB_MSG_EVENT_WORKBIN_CONTENT_CHANGED, 0,
                s_changed (WB_CONTENT_TAKEN_OUT, WB_OPERATION_PULL, "000A1", NULL, "agent02", 9));
    assert_int_equal (wb_trace_size (trace), 5);
    assert_int_equal (wb_trace_at (trace, 4)->kind, WB_TRACE_EVENT);
    //  nor when the recorder made it
    s_received (trace, NULL, WB_MSG_EVENT_WORKBIN_CONTENT_CHANGED, 0,
                s_changed (WB_CONTENT_TAKEN_OUT, WB_OPERATION_PULL, "000A1", NULL, "agent01", 10));
    assert_int_equal (wb_trace_size (trace), 6);
    //  no Actor: no cause
    s_received (trace, NULL, WB_MSG_EVENT_WORKBIN_CONTENT_CHANGED, 0,
                s_workbin_body ("email-draft", WB_ATTR_WORKBIN_AGENT_ID, "agent01"));
    assert_int_equal (wb_trace_size (trace), 7);
    wb_trace_destroy (&trace);
}

static void
test_actor_of_a_party_that_is_not_its_name (void **state)
{
    (void) state;
    wb_trace_t *trace = wb_trace_new ("agent01", 0, 0);
    wb_trace_actor (NULL, "media", "wbctl");
    wb_trace_actor (trace, "media", NULL);
    wb_trace_actor (trace, "media", "wbctl");
    assert_int_equal (wb_trace_party_count (trace), 3);
    s_request (trace, "media", WB_MSG_REQUEST_SUBMIT, 1, NULL);
    //  the media session made the change: no cause, no party "wbctl"
    s_received (trace, NULL, WB_MSG_EVENT_WORKBIN_CONTENT_CHANGED, 0,
                s_changed (2, 6, "000A1", NULL, "wbctl", 1));
    assert_int_equal (wb_trace_size (trace), 2);
    assert_int_equal (wb_trace_party_count (trace), 3);
    //  before media sends anything, its changes are drawn from media
    wb_trace_t *quiet = wb_trace_new ("agent01", 0, 0);
    wb_trace_actor (quiet, "media", "wbctl");
    s_received (quiet, NULL, WB_MSG_EVENT_WORKBIN_CONTENT_CHANGED, 0,
                s_changed (2, 6, "000A1", NULL, "wbctl", 1));
    assert_int_equal (wb_trace_at (quiet, 0)->kind, WB_TRACE_CAUSE);
    assert_string_equal (wb_trace_party (quiet, wb_trace_at (quiet, 0)->from), "media");
    wb_trace_destroy (&quiet);
    wb_trace_destroy (&trace);
}

// ---------------------------------------------------------------- headlines

static void
test_headlines_say_what_matters_first (void **state)
{
    (void) state;
    wb_trace_t *trace = wb_trace_new ("agent01", 0, 0);
    const wb_trace_entry_t *entry = s_request (trace, NULL, WB_MSG_REQUEST_GET_WORKBIN_CONTENT, 1,
                                               s_get_content (0, 50));
    assert_string_equal (entry->headline, "email-draft@agent01 from 0, up to 50");

    wb_kvlist_t *body = wb_kvlist_new ();
    wb_kvlist_t *interactions = wb_kvlist_new ();
    for (int index = 0; index < 3; index++) {
        wb_kvlist_t *interaction = s_interaction ("000A1", NULL);
        wb_kvlist_add_list (interactions, WB_ATTR_INTERACTION, &interaction);
    }
    wb_kvlist_add_list (body, WB_ATTR_INTERACTIONS, &interactions);
    wb_kvlist_add_int (body, WB_ATTR_WORKBIN_VERSION, 7);
    wb_kvlist_add_int (body, WB_ATTR_TOTAL_COUNT, 3);
    entry = s_received (trace, NULL, WB_MSG_EVENT_WORKBIN_CONTENT, 1, body);
    assert_string_equal (entry->headline, "3 of 3, version 7");

    entry = s_received (trace, NULL, WB_MSG_EVENT_WORKBIN_CONTENT_CHANGED, 0,
                        s_changed (2, 6, "000A1", "Re: Order 1234", "agent01", 8));
    assert_string_equal (entry->headline, "PlacedIn 000A1 'Re: Order 1234' (Create), version 8");

    entry = s_received (trace, NULL, WB_MSG_EVENT_ERROR, 2,
                        s_error (14, "agent01 is logged in at place01"));
    assert_string_equal (entry->headline, "14 agent already logged in: agent01 is logged in at place01");
    assert_true (entry->error);
    //  the description that only repeats the code's text is said once
    entry = s_received (trace, NULL, WB_MSG_EVENT_ERROR, 2, s_error (41, wb_error_text (41)));
    char expected [128];
    snprintf (expected, sizeof (expected), "41 %s", wb_error_text (41));
    assert_string_equal (entry->headline, expected);
    //  and when it starts with it, as the server's do
    snprintf (expected, sizeof (expected), "%s: email-drafts", wb_error_text (41));
    entry = s_received (trace, NULL, WB_MSG_EVENT_ERROR, 2, s_error (41, expected));
    snprintf (expected, sizeof (expected), "41 %s: email-drafts", wb_error_text (41));
    assert_string_equal (entry->headline, expected);

    body = wb_kvlist_new ();
    wb_kvlist_add_int (body, WB_ATTR_WORKBIN_VERSION, 7);
    assert_string_equal (s_received (trace, NULL, WB_MSG_EVENT_ACK, 3, body)->headline, "version 7");
    assert_string_equal (s_received (trace, NULL, WB_MSG_EVENT_ACK, 3, NULL)->headline, "");

    body = s_workbin_body ("email-draft", WB_ATTR_WORKBIN_AGENT_ID, "agent01");
    wb_kvlist_add_string (body, WB_ATTR_INTERACTION_ID, "000A1");
    entry = s_request (trace, NULL, WB_MSG_REQUEST_PLACE_IN_WORKBIN, 4, body);
    assert_string_equal (entry->headline, "000A1 -> email-draft@agent01");
    wb_trace_destroy (&trace);
}

static void
test_headline_of_other_messages_names_codes (void **state)
{
    (void) state;
    wb_trace_t *trace = wb_trace_new ("agent01", 0, 0);
    wb_kvlist_t *body = wb_kvlist_new ();
    wb_kvlist_add_int (body, WB_ATTR_CLIENT_TYPE, WB_CLIENT_AGENT_APPLICATION);
    wb_kvlist_add_string (body, WB_ATTR_CLIENT_NAME, "wbconsole");
    assert_string_equal (s_request (trace, NULL, WB_MSG_REQUEST_REGISTER_CLIENT, 1, body)->headline,
                         "wbconsole (AgentApplication)");
    //  a message without its own headline: plain attributes, codes named,
    //  newlines of a peer's text as spaces
    body = wb_kvlist_new ();
    wb_kvlist_add_string (body, WB_ATTR_REASON, "end\nof day");
    wb_kvlist_add_int (body, WB_ATTR_INTERACTION_STATE, WB_STATE_HANDLING);
    wb_kvlist_add_int (body, WB_ATTR_PRIORITY, 5);
    assert_string_equal (s_request (trace, NULL, WB_MSG_REQUEST_AGENT_LOGOUT, 2, body)->headline,
                         "Reason=end of day InteractionState=Handling Priority=5");
    //  an unknown error code keeps its number
    assert_string_equal (s_received (trace, NULL, WB_MSG_EVENT_ERROR, 0, s_error (777, "odd"))->headline,
                         "777: odd");
    //  a long subject is cut between two UTF-8 characters
    char subject [400] = "";
    for (int index = 0; index < 120; index++)
        strcat (subject, "\xc3\xa9");          //  é, two bytes
    wb_kvlist_t *changed = s_changed (2, 6, "000A1", subject, "agent01", 8);
    const wb_trace_entry_t *entry = s_received (trace, NULL, WB_MSG_EVENT_WORKBIN_CONTENT_CHANGED,
                                                0, changed);
    size_t length = strlen (entry->headline);
    assert_int_equal (length, WB_TRACE_HEADLINE_MAX - 1);
    assert_true (wb_utf8_valid (entry->headline, length));
    wb_trace_destroy (&trace);
}

// ---------------------------------------------------------------- workbins, chatter

static void
test_workbin_from_every_owner_attribute (void **state)
{
    (void) state;
    const char *attributes [] = { WB_ATTR_WORKBIN_AGENT_ID, WB_ATTR_WORKBIN_PLACE_ID,
                                  WB_ATTR_WORKBIN_GROUP_ID, WB_ATTR_WORKBIN_PLACE_GROUP_ID };
    wb_trace_t *trace = wb_trace_new ("agent01", 0, 0);
    for (size_t index = 0; index < 4; index++) {
        const wb_trace_entry_t *entry = s_request (
            trace, NULL, WB_MSG_REQUEST_WORKBIN_NOTIFICATIONS, (int64_t) index + 1,
            s_workbin_body ("email-draft", attributes [index], "owner1"));
        assert_string_equal (entry->workbin, "email-draft@owner1");
        assert_string_equal (entry->headline, "email-draft@owner1");
    }
    assert_string_equal (s_request (trace, NULL, WB_MSG_REQUEST_PING, 9, NULL)->workbin, "");
    //  a reply's own workbin goes first
    s_request (trace, NULL, WB_MSG_REQUEST_WORKBIN_STATISTIC, 10,
               s_workbin_body ("email-draft", WB_ATTR_WORKBIN_AGENT_ID, "agent01"));
    const wb_trace_entry_t *entry = s_received (
        trace, NULL, WB_MSG_EVENT_WORKBIN_STATISTIC, 10,
        s_workbin_body ("chat", WB_ATTR_WORKBIN_PLACE_ID, "place01"));
    assert_string_equal (entry->workbin, "chat@place01");
    wb_trace_destroy (&trace);
}

static void
test_chatter_is_start_up_and_paging (void **state)
{
    (void) state;
    const char *chatter [] = {
        WB_MSG_REQUEST_REGISTER_CLIENT, WB_MSG_REQUEST_AGENT_LOGIN,
        WB_MSG_REQUEST_WORKBIN_TYPES_INFO, WB_MSG_REQUEST_STATISTIC_NOTIFICATIONS,
        WB_MSG_REQUEST_CANCEL_STATISTIC_NOTIFICATIONS, WB_MSG_REQUEST_PING,
    };
    wb_trace_t *trace = wb_trace_new ("agent01", 0, 0);
    for (size_t index = 0; index < sizeof (chatter) / sizeof (chatter [0]); index++) {
        int64_t reference = (int64_t) index + 1;
        assert_true (s_request (trace, NULL, chatter [index], reference, NULL)->chatter);
        assert_true (s_received (trace, NULL, WB_MSG_EVENT_ACK, reference, NULL)->chatter);
    }
    assert_true (s_received (trace, NULL, WB_MSG_EVENT_WORKBIN_STATISTIC, 0, NULL)->chatter);
    //  the first page is not chatter, the pages after it are
    assert_false (s_request (trace, NULL, WB_MSG_REQUEST_GET_WORKBIN_CONTENT, 20,
                             s_get_content (0, 50))->chatter);
    assert_false (s_received (trace, NULL, WB_MSG_EVENT_WORKBIN_CONTENT, 20, NULL)->chatter);
    assert_true (s_request (trace, NULL, WB_MSG_REQUEST_GET_WORKBIN_CONTENT, 21,
                            s_get_content (50, 50))->chatter);
    assert_true (s_received (trace, NULL, WB_MSG_EVENT_WORKBIN_CONTENT, 21, NULL)->chatter);
    //  an error answering chatter still shows
    //  an error always shows, and so does the request it answers
    assert_true (s_request (trace, NULL, WB_MSG_REQUEST_AGENT_LOGIN, 22, NULL)->chatter);
    assert_false (s_received (trace, NULL, WB_MSG_EVENT_ERROR, 22, s_error (14, NULL))->chatter);
    assert_false (wb_trace_at (trace, wb_trace_size (trace) - 2)->chatter);
    //  an error event answers nothing
    s_request (trace, NULL, WB_MSG_REQUEST_PING, 23, NULL);
    assert_false (s_received (trace, NULL, WB_MSG_EVENT_ERROR, 0, s_error (1001, NULL))->chatter);
    assert_true (wb_trace_at (trace, wb_trace_size (trace) - 2)->chatter);
    assert_false (s_request (trace, NULL, WB_MSG_REQUEST_WORKBIN_NOTIFICATIONS, 24, NULL)->chatter);
    assert_false (s_received (trace, NULL, WB_MSG_EVENT_WORKBIN_CONTENT_CHANGED, 0, NULL)->chatter);
    wb_trace_destroy (&trace);
}

// ---------------------------------------------------------------- filters

//  A flow of three parties: agent01 records, agent02 another session,
//  media the actor of a change; a mark, chatter, an error.
static wb_trace_t *
s_flow (void)
{
    wb_trace_t *trace = wb_trace_new ("agent01", 0, 0);
    s_request (trace, NULL, WB_MSG_REQUEST_AGENT_LOGIN, 1, NULL);
    s_received (trace, NULL, WB_MSG_EVENT_ACK, 1, NULL);
    wb_trace_mark (trace, "Phase 1", T0);
    s_request (trace, NULL, WB_MSG_REQUEST_GET_WORKBIN_CONTENT, 2, s_get_content (0, 50));
    s_received (trace, NULL, WB_MSG_EVENT_WORKBIN_CONTENT, 2, NULL);
    s_request (trace, "agent02", WB_MSG_REQUEST_GET_WORKBIN_CONTENT, 1,
               s_workbin_body ("chat", WB_ATTR_WORKBIN_AGENT_ID, "agent02"));
    s_received (trace, "agent02", WB_MSG_EVENT_ERROR, 1, s_error (41, "no such workbin"));
    s_received (trace, NULL, WB_MSG_EVENT_WORKBIN_CONTENT_CHANGED, 0,
                s_changed (2, 6, "000A1", "Hello", "media", 8));
    return trace;
}

static size_t
s_count (const wb_trace_t *trace, const wb_trace_filter_t *filter)
{
    size_t count = 0;
    for (size_t index = 0; index < wb_trace_size (trace); index++)
        count += wb_trace_match (wb_trace_at (trace, index), filter);
    return count;
}

static void
test_filters_keep_what_they_name_and_marks (void **state)
{
    (void) state;
    wb_trace_t *trace = s_flow ();
    assert_int_equal (wb_trace_size (trace), 9);
    assert_int_equal (s_count (trace, NULL), 9);
    wb_trace_filter_t filter = { 0 };
    assert_int_equal (s_count (trace, &filter), 9);
    filter.hide_chatter = true;
    assert_int_equal (s_count (trace, &filter), 7);
    filter = (wb_trace_filter_t) { .errors_only = true };
    assert_int_equal (s_count (trace, &filter), 2);                 //  the error and the mark
    filter = (wb_trace_filter_t) { .workbin = "email-draft@agent01" };
    assert_int_equal (s_count (trace, &filter), 5);                 //  2 + cause + event + mark
    filter = (wb_trace_filter_t) { .name = "content" };              //  either case
    assert_int_equal (s_count (trace, &filter), 5);
    filter = (wb_trace_filter_t) { .text = "hello" };                //  the subject in the body
    assert_int_equal (s_count (trace, &filter), 3);                 //  cause, event, mark
    filter = (wb_trace_filter_t) { .text = "41" };
    assert_int_equal (s_count (trace, &filter), 2);
    filter = (wb_trace_filter_t) { .text = "absent-anywhere" };
    assert_int_equal (s_count (trace, &filter), 1);
    wb_trace_destroy (&trace);
}

static void
test_parties_shown_follow_the_filter (void **state)
{
    (void) state;
    wb_trace_t *trace = s_flow ();
    assert_int_equal (wb_trace_party_count (trace), 4);
    size_t indexes [8];
    assert_int_equal (wb_trace_parties_shown (trace, NULL, indexes, 8), 4);
    assert_int_equal (indexes [2], 2);
    assert_int_equal (indexes [3], 3);
    wb_trace_filter_t filter = { .errors_only = true };
    assert_int_equal (wb_trace_parties_shown (trace, &filter, indexes, 8), 3);
    assert_int_equal (indexes [0], 0);
    assert_int_equal (indexes [1], 1);
    assert_string_equal (wb_trace_party (trace, indexes [2]), "agent02");
    filter = (wb_trace_filter_t) { .workbin = "email-draft@agent01" };
    assert_int_equal (wb_trace_parties_shown (trace, &filter, indexes, 8), 3);
    assert_string_equal (wb_trace_party (trace, indexes [2]), "media");
    filter = (wb_trace_filter_t) { .name = "nothing" };
    assert_int_equal (wb_trace_parties_shown (trace, &filter, indexes, 8), 2);
    assert_int_equal (wb_trace_parties_shown (trace, NULL, indexes, 3), 3);
    wb_trace_destroy (&trace);
}

// ---------------------------------------------------------------- describe

static void
test_describe_every_attribute (void **state)
{
    (void) state;
    wb_trace_t *trace = wb_trace_new ("agent01", 0, 0);
    wb_kvlist_t *body = s_changed (2, 6, "000A1", "Re:\nOrder", "media", 8);
    wb_kvlist_add_binary (body, "Data", "abc", 3);
    wb_kvlist_t *interaction = wb_kvlist_list (body, WB_ATTR_INTERACTION);
    wb_kvlist_t *user_data = wb_kvlist_new ();
    wb_kvlist_add_int (user_data, "Level", 2);
    wb_kvlist_add_list (interaction, WB_ATTR_USER_DATA, &user_data);
    const wb_trace_entry_t *entry = s_received (trace, NULL, WB_MSG_EVENT_WORKBIN_CONTENT_CHANGED,
                                                0, body);
    char out [1024];
    size_t length = wb_trace_describe (entry, out, sizeof (out));
    assert_int_equal (length, strlen (out));
    assert_string_equal (out,
        "WorkbinContentOperation=2 (PlacedIn)\n"
        "Operation=6 (Create)\n"
        "WorkbinTypeId=email-draft\n"
        "WorkbinAgentId=agent01\n"
        "Interaction:\n"
        "  InteractionId=000A1\n"
        "  Subject=Re: Order\n"
        "  UserData:\n"
        "    Level=2\n"
        "Actor:\n"
        "  AgentId=media\n"
        "WorkbinVersion=8\n"
        "Data=<3 bytes>\n");
    //  truncated to the room given
    assert_int_equal (wb_trace_describe (entry, out, 10), 9);
    assert_string_equal (out, "WorkbinCo");

    entry = s_received (trace, NULL, WB_MSG_EVENT_ERROR, 0, s_error (14, "twice"));
    wb_trace_describe (entry, out, sizeof (out));
    assert_string_equal (out, "ErrorCode=14 (agent already logged in)\nErrorDescription=twice\n");
    //  a cause or a mark has no body: its headline
    entry = wb_trace_at (trace, 0);
    assert_int_equal (entry->kind, WB_TRACE_CAUSE);
    wb_trace_describe (entry, out, sizeof (out));
    assert_string_equal (out, "000A1 'Re: Order' (Create)\n");
    entry = wb_trace_mark (trace, "Phase\n2", T0);
    assert_string_equal (entry->headline, "Phase 2");
    assert_int_equal (entry->from, 0);
    assert_int_equal (entry->to, 0);
    assert_string_equal (entry->name, "");
    wb_trace_describe (entry, out, sizeof (out));
    assert_string_equal (out, "Phase 2\n");
    wb_trace_destroy (&trace);
}

static void
test_code_names (void **state)
{
    (void) state;
    assert_string_equal (wb_trace_code_name (WB_ATTR_OPERATION, WB_OPERATION_CREATE), "Create");
    assert_string_equal (wb_trace_code_name (WB_ATTR_OPERATION, WB_OPERATION_UNKNOWN), "Unknown");
    assert_string_equal (wb_trace_code_name (WB_ATTR_WORKBIN_CONTENT_OPERATION, 1), "TakenOut");
    assert_string_equal (wb_trace_code_name (WB_ATTR_WORKBIN_CONTENT_OPERATION, 3),
                         "PropertiesChanged");
    assert_null (wb_trace_code_name (WB_ATTR_WORKBIN_CONTENT_OPERATION, 0));
    assert_string_equal (wb_trace_code_name (WB_ATTR_ERROR_CODE, 14), "agent already logged in");
    assert_string_equal (wb_trace_code_name (WB_ATTR_ERROR_CODE, WB_ERR_NOT_SUBSCRIBED),
                         wb_error_text (WB_ERR_NOT_SUBSCRIBED));
    assert_null (wb_trace_code_name (WB_ATTR_ERROR_CODE, 999));
    assert_null (wb_trace_code_name (WB_ATTR_ERROR_CODE, (int64_t) 1 << 40));
}

static void
test_format_of_by_extension (void **state)
{
    (void) state;
    assert_int_equal (wb_trace_format_of ("a.txt"), WB_TRACE_TEXT);
    assert_int_equal (wb_trace_format_of ("dir/a.mmd"), WB_TRACE_MERMAID);
    assert_int_equal (wb_trace_format_of ("a.b.puml"), WB_TRACE_PLANTUML);
    assert_int_equal (wb_trace_format_of ("A.SVG"), WB_TRACE_SVG);
    assert_int_equal (wb_trace_format_of ("a.png"), -1);
    assert_int_equal (wb_trace_format_of ("a"), -1);
    assert_int_equal (wb_trace_format_of ("dir.svg/a"), -1);
    assert_int_equal (wb_trace_format_of (NULL), -1);
}


// ---------------------------------------------------------------- exports

static char s_dir [64];

static int
s_make_dir (void **state)
{
    (void) state;
    snprintf (s_dir, sizeof (s_dir), "/tmp/test_wb_trace.XXXXXX");
    return mkdtemp (s_dir) ? 0 : -1;
}

static int
s_remove_dir (void **state)
{
    (void) state;
    char command [128];
    snprintf (command, sizeof (command), "rm -rf %s", s_dir);
    return system (command) == 0 ? 0 : -1;
}

//  Export to s_dir/NAME and read the file back (the caller frees it).
static char *
s_export (const wb_trace_t *trace, const wb_trace_filter_t *filter, const char *name)
{
    char path [128];
    snprintf (path, sizeof (path), "%s/%s", s_dir, name);
    assert_int_equal (wb_trace_export (trace, filter, "Phase 1: get content", path), 0);
    FILE *file = fopen (path, "r");
    assert_non_null (file);
    char *text = calloc (1, 65536);
    size_t size = fread (text, 1, 65535, file);
    assert_true (size < 65535);
    fclose (file);
    return text;
}

//  True if the texts appear in text in this order (NULL ends the list).
static bool
s_in_order (const char *text, const char **parts)
{
    for (; *parts; parts++) {
        const char *found = strstr (text, *parts);
        if (!found) {
            print_error ("not found in order: %s\n", *parts);
            return false;
        }
        text = found + strlen (*parts);
    }
    return true;
}

static void
test_export_refuses_what_it_cannot_write (void **state)
{
    (void) state;
    wb_trace_t *trace = s_flow ();
    errno = 0;
    assert_int_equal (wb_trace_export (trace, NULL, "t", "/tmp/flow.png"), -1);
    assert_int_equal (errno, EINVAL);
    errno = 0;
    assert_int_equal (wb_trace_export (NULL, NULL, "t", "/tmp/flow.svg"), -1);
    assert_int_equal (errno, EINVAL);
    assert_int_equal (wb_trace_export (trace, NULL, "t", NULL), -1);
    assert_int_equal (errno, EINVAL);
    errno = 0;
    assert_int_equal (wb_trace_export (trace, NULL, "t", "/nonexistent/dir/flow.txt"), -1);
    assert_int_equal (errno, ENOENT);
    wb_trace_destroy (&trace);
}

static void
test_export_text_names_the_lifelines_in_utc (void **state)
{
    (void) state;
    wb_trace_t *trace = s_flow ();
    char *text = s_export (trace, NULL, "flow.txt");
    assert_string_equal (text,
        "# Phase 1: get content\n"
        "# lifelines: agent01 server agent02 media\n"
        "# time (UTC)    FROM --Name ref=N--> TO  headline (--x an error, ~~> what caused a change)\n"
        "00:16:40.000  agent01 --RequestAgentLogin ref=1-->          server\n"
        "00:16:40.000  server  --EventAck ref=1-->                   agent01\n"
        "00:16:40.000  ==== Phase 1 ====\n"
        "00:16:40.000  agent01 --RequestGetWorkbinContent ref=2-->   server   email-draft@agent01 from 0, up to 50\n"
        "00:16:40.000  server  --EventWorkbinContent ref=2-->        agent01  0 of 0\n"
        "00:16:40.000  agent02 --RequestGetWorkbinContent ref=1-->   server   chat@agent02 from 0\n"
        "00:16:40.000  server  --EventError ref=1--x                 agent02  41 workbin unknown or not accessible: no such workbin\n"
        "00:16:40.000  media   ~~PlacedIn~~>                         server   000A1 'Hello' (Create)\n"
        "00:16:40.000  server  --EventWorkbinContentChanged ref=0--> agent01  PlacedIn 000A1 'Hello' (Create), version 8\n");
    free (text);
    //  a filter leaves out entries and the lifelines no entry kept uses
    wb_trace_filter_t filter = { .errors_only = true };
    text = s_export (trace, &filter, "errors.txt");
    assert_non_null (strstr (text, "# lifelines: agent01 server agent02\n"));
    assert_null (strstr (text, "RequestGetWorkbinContent"));
    assert_non_null (strstr (text, "==== Phase 1 ===="));
    assert_non_null (strstr (text, "--EventError ref=1--x"));
    free (text);
    wb_trace_destroy (&trace);
}

static void
test_export_mermaid_sequence_diagram (void **state)
{
    (void) state;
    wb_trace_t *trace = s_flow ();
    wb_trace_filter_t filter = { .hide_chatter = true };
    char *text = s_export (trace, &filter, "flow.mmd");
    assert_string_equal (text,
        "sequenceDiagram\n"
        "    title Phase 1: get content\n"
        "    participant P0 as agent01\n"
        "    participant P1 as server\n"
        "    participant P2 as agent02\n"
        "    participant P3 as media\n"
        "    Note over P0,P3: Phase 1\n"
        "    P0->>P1: RequestGetWorkbinContent email-draft@agent01 from 0, up to 50\n"
        "    P1-->>P0: EventWorkbinContent 0 of 0\n"
        "    P2->>P1: RequestGetWorkbinContent chat@agent02 from 0\n"
        "    P1--xP2: EventError 41 workbin unknown or not accessible: no such workbin\n"
        "    P3-)P1: PlacedIn 000A1 'Hello' (Create)\n"
        "    P1-->>P0: EventWorkbinContentChanged PlacedIn 000A1 'Hello' (Create), version 8\n");
    free (text);
    wb_trace_destroy (&trace);
}

static void
test_export_mermaid_escapes_what_it_would_read (void **state)
{
    (void) state;
    wb_trace_t *trace = wb_trace_new ("a:1,@\"b\"", 0, 0);
    wb_trace_mark (trace, "wrap: #1; <b> & 50%", T0);
    s_received (trace, NULL, WB_MSG_EVENT_ERROR, 0, s_error (777, "x;y#z\nw"));
    char *text = s_export (trace, NULL, "escape.mmd");
    const char *parts [] = {
        "participant P0 as a#58;1#44;#64;#34;b#34;\n",
        "Note over P0,P1: #119;rap: #35;1#59; #60;b> #38; 50#37;\n",
        "P1--xP0: EventError 777: x#59;y#35;z w\n", NULL };
    assert_true (s_in_order (text, parts));
    free (text);
    wb_trace_destroy (&trace);
}

static void
test_export_plantuml (void **state)
{
    (void) state;
    wb_trace_t *trace = s_flow ();
    s_received (trace, "agent02", WB_MSG_EVENT_ERROR, 0,
                s_error (777, "a \\n b <b>c</b> -- **d** ~ \"e\" & f"));
    wb_trace_filter_t filter = { .hide_chatter = true };
    char *text = s_export (trace, &filter, "flow.puml");
    assert_string_equal (text,
        "@startuml\n"
        "title Phase 1: get content\n"
        "participant \"agent01\" as P0\n"
        "participant \"server\" as P1\n"
        "participant \"agent02\" as P2\n"
        "participant \"media\" as P3\n"
        "== Phase 1 ==\n"
        "P0 -> P1 : RequestGetWorkbinContent email-draft@agent01 from 0, up to 50\n"
        "P1 --> P0 : EventWorkbinContent 0 of 0\n"
        "P2 -> P1 : RequestGetWorkbinContent chat@agent02 from 0\n"
        "P1 -[#red]-> P2 : EventError 41 workbin unknown or not accessible: no such workbin\n"
        "P3 ->> P1 : PlacedIn 000A1 'Hello' (Create)\n"
        "P1 --> P0 : EventWorkbinContentChanged PlacedIn 000A1 'Hello' (Create), version 8\n"
        "P1 -[#red]-> P2 : EventError 777: a <U+005C>n b <U+003C>b<U+003E>c<U+003C>/b<U+003E> "
        "<U+002D>- <U+002A>*d<U+002A>* <U+007E> <U+0022>e<U+0022> <U+0026> f\n"
        "@enduml\n");
    free (text);
    wb_trace_destroy (&trace);
}

static void
test_export_svg (void **state)
{
    (void) state;
    wb_trace_t *trace = s_flow ();
    s_received (trace, "agent02", WB_MSG_EVENT_ERROR, 0, s_error (777, "<b> & \"q\""));
    char *text = s_export (trace, NULL, "flow.svg");
    const char *parts [] = {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\"",
        "<title>Phase 1: get content</title>",
        ">agent01</text>", ">server</text>", ">agent02</text>", ">media</text>",
        "<line class=\"request\"", ">RequestAgentLogin</text>",
        "<line class=\"reply\"", ">EventAck</text>",
        "<line class=\"mark\"", ">Phase 1</text>",
        ">RequestGetWorkbinContent email-draft@agent01 from 0, up to 50</text>",
        ">EventWorkbinContent 0 of 0</text>",
        ">RequestGetWorkbinContent chat@agent02 from 0</text>",
        "<line class=\"reply error\"", "fill=\"#c00\">EventError 41 ",
        "<line class=\"cause\"", ">PlacedIn 000A1 'Hello' (Create)</text>",
        "<line class=\"event\"", ">EventWorkbinContentChanged PlacedIn 000A1 'Hello' (Create), version 8</text>",
        ">EventError 777: &lt;b&gt; &amp; &quot;q&quot;</text>",
        "</svg>\n", NULL };
    assert_true (s_in_order (text, parts));
    //  no external resource: no link, no script, no font to fetch
    assert_null (strstr (text, "href"));
    assert_null (strstr (text, "<script"));
    assert_null (strstr (text, "@import"));
    //  wide enough for the longest label at 8 px a character
    int width = 0, height = 0;
    const char *svg = strstr (text, "<svg ");
    assert_int_equal (sscanf (strstr (svg, "width="), "width=\"%d\" height=\"%d\"", &width, &height), 2);
    size_t longest = strlen ("EventWorkbinContentChanged PlacedIn 000A1 'Hello' (Create), version 8");
    assert_true (width >= (int) longest * 8);
    assert_true (height >= 11 * 30);
    free (text);
    wb_trace_destroy (&trace);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_degenerate_calls),
        cmocka_unit_test (test_ring_is_bounded_by_entries_and_numbers_go_on),
        cmocka_unit_test (test_ring_grows_past_its_first_room_in_order),
        cmocka_unit_test (test_ring_is_bounded_by_body_bytes),
        cmocka_unit_test (test_parties_in_order_of_first_appearance),
        cmocka_unit_test (test_parties_are_bounded),
        cmocka_unit_test (test_reply_by_reference_of_the_same_party),
        cmocka_unit_test (test_change_by_another_party_gets_its_cause_first),
        cmocka_unit_test (test_actor_of_a_party_that_is_not_its_name),
        cmocka_unit_test (test_headlines_say_what_matters_first),
        cmocka_unit_test (test_headline_of_other_messages_names_codes),
        cmocka_unit_test (test_workbin_from_every_owner_attribute),
        cmocka_unit_test (test_chatter_is_start_up_and_paging),
        cmocka_unit_test (test_filters_keep_what_they_name_and_marks),
        cmocka_unit_test (test_parties_shown_follow_the_filter),
        cmocka_unit_test (test_describe_every_attribute),
        cmocka_unit_test (test_code_names),
        cmocka_unit_test (test_format_of_by_extension),
        cmocka_unit_test (test_export_refuses_what_it_cannot_write),
        cmocka_unit_test (test_export_text_names_the_lifelines_in_utc),
        cmocka_unit_test (test_export_mermaid_sequence_diagram),
        cmocka_unit_test (test_export_mermaid_escapes_what_it_would_read),
        cmocka_unit_test (test_export_plantuml),
        cmocka_unit_test (test_export_svg),
        cmocka_unit_test (test_big_page_keeps_its_first_interactions),
        cmocka_unit_test (test_an_interaction_that_cannot_be_read_is_named),
    };
    return cmocka_run_group_tests (tests, s_make_dir, s_remove_dir);
}
