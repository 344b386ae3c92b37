/*  Tests of wb_requests: one builder per request. Each request is checked
    whole: its name, every attribute in order with its type and value, its
    validity against the catalogue, and an encode/decode round trip. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "wb_requests.h"

static const wb_workbin_t s_drafts = { "email-draft", WB_OWNER_AGENT, NULL, "agent01" };

//  A string over the codec's limit (caller frees).
static char *
s_huge (void)
{
    char *huge = malloc (WB_VALUE_MAX + 2);
    memset (huge, 'x', WB_VALUE_MAX + 1);
    huge [WB_VALUE_MAX + 1] = 0;
    return huge;
}

//  The body a request should have: key, type, value triples, NULL-ended;
//  "i" takes an int64_t, "s" a string, "l" a wb_kvlist_t * (copied).
static wb_kvlist_t *
s_body (const char *key, ...)
{
    wb_kvlist_t *body = wb_kvlist_new ();
    va_list args;
    va_start (args, key);
    for (; key; key = va_arg (args, const char *)) {
        const char *type = va_arg (args, const char *);
        if (*type == 'i')
            wb_kvlist_add_int (body, key, va_arg (args, int64_t));
        else
        if (*type == 's')
            wb_kvlist_add_string (body, key, va_arg (args, const char *));
        else {
            wb_kvlist_t *list = wb_kvlist_dup (va_arg (args, const wb_kvlist_t *));
            wb_kvlist_add_list (body, key, &list);
        }
    }
    va_end (args);
    return body;
}

//  Check a built request against its name and expected body, and destroy
//  both.
static void
s_check (wb_msg_t *request, const char *name, wb_kvlist_t *expected)
{
    assert_non_null (request);
    assert_string_equal (wb_msg_name (request), name);
    assert_int_equal (wb_msg_reference_id (request), 0);
    if (!wb_kvlist_equal (wb_msg_body_const (request), expected)) {
        char got [1024], wanted [1024];
        wb_kvlist_print (wb_msg_body_const (request), got, sizeof (got));
        wb_kvlist_print (expected, wanted, sizeof (wanted));
        fail_msg ("%s: got %s, expected %s", name, got, wanted);
    }
    assert_int_equal (wb_catalog_validate (wb_msg_spec (request), wb_msg_body_const (request),
                                           NULL), 0);
    zmsg_t *zmsg = wb_msg_encode (request);
    wb_msg_t *decoded = wb_msg_decode (zmsg, NULL, NULL);
    assert_non_null (decoded);
    assert_true (wb_kvlist_equal (wb_msg_body_const (decoded), expected));
    zmsg_destroy (&zmsg);
    wb_msg_destroy (&decoded);
    wb_msg_destroy (&request);
    wb_kvlist_destroy (&expected);
}

static void
test_degenerate_calls (void **state)
{
    (void) state;
    wb_workbin_t no_type = { NULL, WB_OWNER_AGENT, NULL, "agent01" };
    wb_workbin_t no_attribute = { "email-draft", 0, NULL, "agent01" };
    //  NULL: a required value is missing
    assert_null (wb_request_agent_login (101, NULL, NULL));
    assert_null (wb_request_workbin_statistic (NULL));
    assert_null (wb_request_get_workbin_content (NULL, WB_ABSENT, WB_ABSENT));
    assert_null (wb_request_workbin_notifications (NULL, true));
    assert_null (wb_request_cancel_workbin_notifications (&no_type));
    assert_null (wb_request_cancel_workbin_notifications (&no_attribute));
    assert_null (wb_request_place_in_workbin (NULL, &s_drafts, NULL));
    assert_null (wb_request_place_in_workbin ("0001", NULL, NULL));
    assert_null (wb_request_pull (NULL));
    assert_null (wb_request_change_properties (NULL, NULL));
    assert_null (wb_request_stop_processing (NULL));
    assert_null (wb_request_submit (NULL));
    //  empty: a submission without its media and interaction types; a
    //  login without a tenant
    wb_submission_t empty = { .workbin = s_drafts };
    assert_null (wb_request_submit (&empty));
    empty.media_type = "email";
    assert_null (wb_request_submit (&empty));
    assert_null (wb_request_agent_login (WB_ABSENT, "agent01", NULL));
    //  too big: a value over WB_VALUE_MAX
    char *huge = s_huge ();
    assert_null (wb_request_agent_login (101, huge, NULL));
    assert_null (wb_request_register_client (WB_CLIENT_MEDIA_SERVER, huge));
    assert_null (wb_request_pull (huge));
    assert_null (wb_request_stop_processing (huge));
    wb_submission_t big = { .workbin = s_drafts, .media_type = "email",
                            .interaction_type = "Inbound", .subject = huge };
    assert_null (wb_request_submit (&big));
    wb_workbin_t big_owner = { "email-draft", WB_OWNER_AGENT, NULL, huge };
    assert_null (wb_request_workbin_statistic (&big_owner));
    free (huge);
}

static void
test_session_requests (void **state)
{
    (void) state;
    s_check (wb_request_register_client (WB_CLIENT_AGENT_APPLICATION, "wbconsole"),
             WB_MSG_REQUEST_REGISTER_CLIENT,
             s_body (WB_ATTR_CLIENT_TYPE, "i", (int64_t) 2, WB_ATTR_CLIENT_NAME, "s", "wbconsole",
                     NULL));
    s_check (wb_request_register_client (WB_CLIENT_MEDIA_SERVER, NULL),
             WB_MSG_REQUEST_REGISTER_CLIENT, s_body (WB_ATTR_CLIENT_TYPE, "i", (int64_t) 3, NULL));
    s_check (wb_request_unregister_client (), WB_MSG_REQUEST_UNREGISTER_CLIENT, s_body (NULL));
    s_check (wb_request_agent_login (101, "agent01", NULL), WB_MSG_REQUEST_AGENT_LOGIN,
             s_body (WB_ATTR_TENANT_ID, "i", (int64_t) 101, WB_ATTR_AGENT_ID, "s", "agent01",
                     NULL));
    s_check (wb_request_agent_login (101, "agent01", "place01"), WB_MSG_REQUEST_AGENT_LOGIN,
             s_body (WB_ATTR_TENANT_ID, "i", (int64_t) 101, WB_ATTR_AGENT_ID, "s", "agent01",
                     WB_ATTR_PLACE_ID, "s", "place01", NULL));
    s_check (wb_request_agent_logout (), WB_MSG_REQUEST_AGENT_LOGOUT, s_body (NULL));
    s_check (wb_request_ping (), WB_MSG_REQUEST_PING, s_body (NULL));
    s_check (wb_request_workbin_types_info (WB_ABSENT), WB_MSG_REQUEST_WORKBIN_TYPES_INFO,
             s_body (NULL));
    s_check (wb_request_workbin_types_info (101), WB_MSG_REQUEST_WORKBIN_TYPES_INFO,
             s_body (WB_ATTR_TENANT_ID, "i", (int64_t) 101, NULL));
}

static void
test_workbin_requests (void **state)
{
    (void) state;
    s_check (wb_request_workbin_statistic (&s_drafts), WB_MSG_REQUEST_WORKBIN_STATISTIC,
             s_body (WB_ATTR_WORKBIN_TYPE_ID, "s", "email-draft",
                     WB_ATTR_WORKBIN_AGENT_ID, "s", "agent01", NULL));
    s_check (wb_request_get_workbin_content (&s_drafts, WB_ABSENT, WB_ABSENT),
             WB_MSG_REQUEST_GET_WORKBIN_CONTENT,
             s_body (WB_ATTR_WORKBIN_TYPE_ID, "s", "email-draft",
                     WB_ATTR_WORKBIN_AGENT_ID, "s", "agent01", NULL));
    //  From and Count as given, even 0 and below: the server judges them
    s_check (wb_request_get_workbin_content (&s_drafts, 0, -1), WB_MSG_REQUEST_GET_WORKBIN_CONTENT,
             s_body (WB_ATTR_WORKBIN_TYPE_ID, "s", "email-draft",
                     WB_ATTR_WORKBIN_AGENT_ID, "s", "agent01", WB_ATTR_FROM, "i", (int64_t) 0,
                     WB_ATTR_COUNT, "i", (int64_t) -1, NULL));
    wb_workbin_t team = { "team-queue", 0, WB_ATTR_WORKBIN_GROUP_ID, "sales" };
    s_check (wb_request_workbin_notifications (&team, true),
             WB_MSG_REQUEST_WORKBIN_NOTIFICATIONS,
             s_body (WB_ATTR_WORKBIN_TYPE_ID, "s", "team-queue",
                     WB_ATTR_WORKBIN_GROUP_ID, "s", "sales",
                     WB_ATTR_NOTIFY_PROPERTY_CHANGES, "i", (int64_t) 1, NULL));
    s_check (wb_request_workbin_notifications (&s_drafts, false),
             WB_MSG_REQUEST_WORKBIN_NOTIFICATIONS,
             s_body (WB_ATTR_WORKBIN_TYPE_ID, "s", "email-draft",
                     WB_ATTR_WORKBIN_AGENT_ID, "s", "agent01",
                     WB_ATTR_NOTIFY_PROPERTY_CHANGES, "i", (int64_t) 0, NULL));
    //  a type without an owner is sent as it is: the server says why not
    wb_workbin_t type_only = { "nosuch", WB_OWNER_AGENT, NULL, NULL };
    s_check (wb_request_cancel_workbin_notifications (&type_only),
             WB_MSG_REQUEST_CANCEL_WORKBIN_NOTIFICATIONS,
             s_body (WB_ATTR_WORKBIN_TYPE_ID, "s", "nosuch", NULL));
}

static void
test_submit (void **state)
{
    (void) state;
    wb_kvlist_t *user_data = wb_kvlist_new ();
    wb_kvlist_add_string (user_data, "Channel", "web");
    wb_kvlist_add_int (user_data, "Order", 1234);
    wb_submission_t full = {
        .workbin = s_drafts, .media_type = "email", .interaction_type = "Inbound",
        .interaction_subtype = "InboundNew", .subject = "Order 1234", .from_address = "a@x",
        .from_personal = "Anna", .mailbox = "sales@x", .received_at = "2026-11-25T10:00:00Z",
        .has_priority = true, .priority = 0, .has_tenant_id = true, .tenant_id = 101,
        .user_data = user_data,
    };
    s_check (wb_request_submit (&full), WB_MSG_REQUEST_SUBMIT,
             s_body (WB_ATTR_WORKBIN_TYPE_ID, "s", "email-draft",
                     WB_ATTR_WORKBIN_AGENT_ID, "s", "agent01", WB_ATTR_MEDIA_TYPE, "s", "email",
                     WB_ATTR_INTERACTION_TYPE, "s", "Inbound",
                     WB_ATTR_INTERACTION_SUBTYPE, "s", "InboundNew",
                     WB_ATTR_SUBJECT, "s", "Order 1234", WB_ATTR_FROM_ADDRESS, "s", "a@x",
                     WB_ATTR_FROM_PERSONAL, "s", "Anna", WB_ATTR_MAILBOX, "s", "sales@x",
                     WB_ATTR_RECEIVED_AT, "s", "2026-11-25T10:00:00Z",
                     WB_ATTR_PRIORITY, "i", (int64_t) 0, WB_ATTR_TENANT_ID, "i", (int64_t) 101,
                     WB_ATTR_USER_DATA, "l", user_data, NULL));
    //  fields left zero are left out, an empty UserData too
    wb_kvlist_t *empty = wb_kvlist_new ();
    wb_submission_t least = { .workbin = s_drafts, .media_type = "chat",
                              .interaction_type = "Outbound", .user_data = empty };
    s_check (wb_request_submit (&least), WB_MSG_REQUEST_SUBMIT,
             s_body (WB_ATTR_WORKBIN_TYPE_ID, "s", "email-draft",
                     WB_ATTR_WORKBIN_AGENT_ID, "s", "agent01", WB_ATTR_MEDIA_TYPE, "s", "chat",
                     WB_ATTR_INTERACTION_TYPE, "s", "Outbound", NULL));
    wb_kvlist_destroy (&empty);
    wb_kvlist_destroy (&user_data);
}

static void
test_interaction_requests (void **state)
{
    (void) state;
    wb_kvlist_t *changed = wb_kvlist_new ();
    wb_kvlist_add_int (changed, "Priority", 7);
    wb_kvlist_t *deleted = wb_kvlist_new ();
    wb_kvlist_add_string (deleted, "Note", "");
    wb_kvlist_t *empty = wb_kvlist_new ();
    wb_property_changes_t changes = { .added = empty, .changed = changed, .deleted = deleted };
    s_check (wb_request_place_in_workbin ("0001", &s_drafts, &changes),
             WB_MSG_REQUEST_PLACE_IN_WORKBIN,
             s_body (WB_ATTR_INTERACTION_ID, "s", "0001",
                     WB_ATTR_WORKBIN_TYPE_ID, "s", "email-draft",
                     WB_ATTR_WORKBIN_AGENT_ID, "s", "agent01",
                     WB_ATTR_CHANGED_PROPERTIES, "l", changed,
                     WB_ATTR_DELETED_PROPERTIES, "l", deleted, NULL));
    s_check (wb_request_place_in_workbin ("0001", &s_drafts, NULL),
             WB_MSG_REQUEST_PLACE_IN_WORKBIN,
             s_body (WB_ATTR_INTERACTION_ID, "s", "0001",
                     WB_ATTR_WORKBIN_TYPE_ID, "s", "email-draft",
                     WB_ATTR_WORKBIN_AGENT_ID, "s", "agent01", NULL));
    wb_property_changes_t added = { .added = changed };
    s_check (wb_request_change_properties ("0001", &added), WB_MSG_REQUEST_CHANGE_PROPERTIES,
             s_body (WB_ATTR_INTERACTION_ID, "s", "0001",
                     WB_ATTR_ADDED_PROPERTIES, "l", changed, NULL));
    wb_kvlist_t *parameters = s_body (WB_ATTR_INTERACTION_ID, "s", "0001", NULL);
    s_check (wb_request_pull ("0001"), WB_MSG_REQUEST_PULL,
             s_body (WB_ATTR_PULL_PARAMETERS, "l", parameters, NULL));
    s_check (wb_request_stop_processing ("0001"), WB_MSG_REQUEST_STOP_PROCESSING,
             s_body (WB_ATTR_INTERACTION_ID, "s", "0001", NULL));
    wb_kvlist_destroy (&parameters);
    wb_kvlist_destroy (&empty);
    wb_kvlist_destroy (&deleted);
    wb_kvlist_destroy (&changed);
}

//  Every request row of the catalogue has its builder here.
static void
test_every_request_has_a_builder (void **state)
{
    (void) state;
    wb_submission_t submission = { .workbin = s_drafts, .media_type = "email",
                                   .interaction_type = "Inbound" };
    wb_msg_t *built [] = {
        wb_request_register_client (WB_CLIENT_MEDIA_SERVER, NULL),
        wb_request_unregister_client (), wb_request_agent_login (101, "a", NULL),
        wb_request_agent_logout (), wb_request_ping (), wb_request_workbin_types_info (101),
        wb_request_workbin_statistic (&s_drafts),
        wb_request_get_workbin_content (&s_drafts, WB_ABSENT, WB_ABSENT),
        wb_request_workbin_notifications (&s_drafts, false),
        wb_request_cancel_workbin_notifications (&s_drafts), wb_request_submit (&submission),
        wb_request_place_in_workbin ("1", &s_drafts, NULL), wb_request_pull ("1"),
        wb_request_get_pulled_interactions (), wb_request_statistic_notifications (true),
        wb_request_statistic_notifications (false),
        wb_request_change_properties ("1", NULL), wb_request_stop_processing ("1"),
    };
    size_t count = sizeof (built) / sizeof (built [0]);
    for (size_t index = 0; index < wb_catalog_size (); index++) {
        const wb_message_spec_t *spec = wb_catalog_at (index);
        bool found = false;
        for (size_t made = 0; made < count; made++)
            found = found || wb_msg_spec (built [made]) == spec;
        if (found != (spec->kind == WB_KIND_REQUEST))
            fail_msg ("%s: %s", spec->name, found ? "an event built" : "no builder");
    }
    for (size_t made = 0; made < count; made++)
        wb_msg_destroy (&built [made]);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_degenerate_calls),
        cmocka_unit_test (test_session_requests),
        cmocka_unit_test (test_workbin_requests),
        cmocka_unit_test (test_submit),
        cmocka_unit_test (test_interaction_requests),
        cmocka_unit_test (test_every_request_has_a_builder),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
