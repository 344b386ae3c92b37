/*  Tests of wb_events: one reader per event. Events are written here as
    PROTOCOL.md shows them, and read back. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <stdlib.h>
#include "wb_events.h"
#include "wb_test_util.h"

//  An interaction with an id and a subject.
static wb_kvlist_t *
s_interaction (const char *id, const char *subject)
{
    wb_kvlist_t *interaction = wb_kvlist_new ();
    wb_kvlist_add_string (interaction, WB_ATTR_INTERACTION_ID, id);
    wb_kvlist_add_string (interaction, WB_ATTR_SUBJECT, subject);
    return interaction;
}

//  A list of count interactions, "1".."count".
static wb_kvlist_t *
s_interactions (size_t count)
{
    wb_kvlist_t *interactions = wb_kvlist_new ();
    for (size_t index = 1; index <= count; index++) {
        char id [32];
        snprintf (id, sizeof (id), "%zu", index);
        wb_kvlist_t *interaction = s_interaction (id, "s");
        wb_kvlist_add_list (interactions, WB_ATTR_INTERACTION, &interaction);
    }
    return interactions;
}

static void
test_degenerate_calls (void **state)
{
    (void) state;
    wb_event_ack_t ack;
    wb_event_error_t error;
    wb_event_content_t content;
    wb_event_change_t change;
    wb_event_statistic_t statistic;
    wb_event_types_t types;
    wb_event_type_info_t info;
    wb_event_owner_t owner;
    wb_event_pulled_t pulled;
    wb_event_properties_t properties;
    //  NULL: no message; every field at its default
    assert_int_equal (wb_event_read_ack (NULL, &ack), -1);
    assert_null (ack.interaction_id);
    assert_true (ack.workbin_version == WB_ABSENT);
    assert_int_equal (wb_event_read_error (NULL, &error), -1);
    assert_int_equal (error.code, 0);
    assert_string_equal (error.description, "");
    assert_int_equal (wb_event_read_content (NULL, &content), -1);
    assert_null (content.interactions);
    assert_int_equal (wb_event_read_change (NULL, &change), -1);
    assert_int_equal (wb_event_read_change_body (NULL, &change), -1);
    assert_null (change.interaction);
    assert_int_equal (wb_event_read_statistic (NULL, &statistic), -1);
    assert_int_equal (wb_event_read_types (NULL, &types), -1);
    assert_int_equal (wb_event_read_types_body (NULL, &types), -1);
    assert_null (types.types);
    assert_int_equal (wb_event_read_type_info (NULL, &info), -1);
    assert_int_equal (wb_event_read_owner (NULL, &owner), -1);
    assert_int_equal (wb_event_read_pulled (NULL, &pulled), -1);
    assert_int_equal (wb_event_read_properties (NULL, &properties), -1);
    assert_int_equal (wb_event_sequence (NULL), 0);
}

//  Nowhere to read into; an empty event; another event than the reader's.
static void
test_degenerate_targets (void **state)
{
    (void) state;
    wb_event_ack_t ack;
    wb_event_content_t content;
    wb_msg_t *msg = wb_msg_new_row (WB_ROW_EVENT_ACK);
    assert_int_equal (wb_event_read_ack (msg, NULL), -1);
    assert_int_equal (wb_event_read_error (msg, NULL), -1);
    assert_int_equal (wb_event_read_content (msg, NULL), -1);
    assert_int_equal (wb_event_read_change (msg, NULL), -1);
    assert_int_equal (wb_event_read_statistic (msg, NULL), -1);
    assert_int_equal (wb_event_read_types (msg, NULL), -1);
    assert_int_equal (wb_event_read_types_body (wb_msg_body_const (msg), NULL), -1);
    assert_int_equal (wb_event_read_type_info (NULL, NULL), -1);
    assert_int_equal (wb_event_read_owner (NULL, NULL), -1);
    assert_int_equal (wb_event_read_pulled (msg, NULL), -1);
    assert_int_equal (wb_event_read_properties (msg, NULL), -1);
    //  empty: an EventAck with nothing in it is still an EventAck
    assert_int_equal (wb_event_read_ack (msg, &ack), 0);
    assert_null (ack.interaction_id);
    assert_true (ack.workbin_version == WB_ABSENT);
    //  another event: not read, the fields at their defaults
    assert_int_equal (wb_event_read_content (msg, &content), -1);
    assert_int_equal (content.total_count, 0);
    wb_msg_destroy (&msg);
}

static void
test_too_big_a_page_reads_whole (void **state)
{
    (void) state;
    wb_msg_t *msg = wb_msg_new_row (WB_ROW_EVENT_WORKBIN_CONTENT);
    wb_kvlist_t *interactions = s_interactions (WB_ENTRIES_MAX);
    wb_kvlist_add_list (wb_msg_body (msg), WB_ATTR_INTERACTIONS, &interactions);
    wb_kvlist_add_int (wb_msg_body (msg), WB_ATTR_WORKBIN_VERSION, INT64_MAX);
    wb_event_content_t content;
    assert_int_equal (wb_event_read_content (msg, &content), 0);
    assert_int_equal (wb_kvlist_size (content.interactions), WB_ENTRIES_MAX);
    assert_true (content.version == INT64_MAX);
    wb_msg_destroy (&msg);
}

static void
test_ack_and_error (void **state)
{
    (void) state;
    wb_msg_t *msg = wb_msg_new_row (WB_ROW_EVENT_ACK);
    wb_kvlist_add_string (wb_msg_body (msg), WB_ATTR_INTERACTION_ID, "0001");
    wb_kvlist_add_int (wb_msg_body (msg), WB_ATTR_WORKBIN_VERSION, 0);
    wb_event_ack_t ack;
    assert_int_equal (wb_event_read_ack (msg, &ack), 0);
    assert_string_equal (ack.interaction_id, "0001");
    assert_int_equal (ack.workbin_version, 0);
    wb_event_error_t error;
    assert_int_equal (wb_event_read_error (msg, &error), -1);
    wb_msg_destroy (&msg);

    msg = wb_msg_new_row (WB_ROW_EVENT_ERROR);
    wb_kvlist_add_int (wb_msg_body (msg), WB_ATTR_ERROR_CODE, 41);
    wb_kvlist_add_string (wb_msg_body (msg), WB_ATTR_ERROR_DESCRIPTION, "workbin unknown");
    assert_int_equal (wb_event_read_error (msg, &error), 0);
    assert_int_equal (error.code, 41);
    assert_string_equal (error.description, "workbin unknown");
    assert_int_equal (wb_event_read_ack (msg, &ack), -1);
    //  an EventError without its code: -1, code 0, the description kept
    wb_kvlist_set_string (wb_msg_body (msg), WB_ATTR_ERROR_CODE, "41");
    assert_int_equal (wb_event_read_error (msg, &error), -1);
    assert_int_equal (error.code, 0);
    assert_string_equal (error.description, "workbin unknown");
    wb_msg_destroy (&msg);
}

static void
test_content_page (void **state)
{
    (void) state;
    wb_msg_t *msg = wb_msg_new_row (WB_ROW_EVENT_WORKBIN_CONTENT);
    wb_kvlist_t *body = wb_msg_body (msg);
    wb_kvlist_t *interactions = s_interactions (3);
    wb_kvlist_add_list (body, WB_ATTR_INTERACTIONS, &interactions);
    wb_kvlist_add_int (body, WB_ATTR_WORKBIN_VERSION, 7);
    wb_kvlist_add_int (body, WB_ATTR_TOTAL_COUNT, 12);
    wb_kvlist_add_int (body, WB_ATTR_FROM, 9);
    wb_kvlist_add_string (body, WB_ATTR_WORKBIN_TYPE_ID, "desk");
    wb_kvlist_add_string (body, WB_ATTR_WORKBIN_PLACE_ID, "p1");
    wb_event_content_t content;
    assert_int_equal (wb_event_read_content (msg, &content), 0);
    assert_int_equal (wb_kvlist_size (content.interactions), 3);
    assert_int_equal (content.version, 7);
    assert_int_equal (content.total_count, 12);
    assert_int_equal (content.from, 9);
    assert_string_equal (content.workbin.type_id, "desk");
    assert_int_equal (content.workbin.owner_type, WB_OWNER_PLACE);
    assert_string_equal (content.workbin.owner_id, "p1");
    assert_true (content.has_version);
    assert_true (content.has_total_count);
    wb_msg_destroy (&msg);
}

//  The bytes of a content page's body as the server sends it: ReferenceId
//  first, then WorkbinVersion, TotalCount and From, then its Interactions
//  (count of them); or Interactions first.
static uint8_t *
s_page_bytes (size_t count, bool interactions_first, size_t *size)
{
    wb_kvlist_t *body = wb_kvlist_new ();
    wb_kvlist_t *interactions = s_interactions (count);
    if (interactions_first)
        wb_kvlist_add_list (body, WB_ATTR_INTERACTIONS, &interactions);
    wb_kvlist_add_int (body, WB_ATTR_WORKBIN_VERSION, 7);
    wb_kvlist_add_int (body, WB_ATTR_TOTAL_COUNT, 1200);
    wb_kvlist_add_int (body, WB_ATTR_FROM, 500);
    if (!interactions_first)
        wb_kvlist_add_list (body, WB_ATTR_INTERACTIONS, &interactions);
    wb_kvlist_add_string (body, WB_ATTR_WORKBIN_TYPE_ID, "draft");
    size_t needed = wb_kvlist_encode_int_first (body, WB_ATTR_REFERENCE_ID, 42, NULL, 0);
    uint8_t *bytes = malloc (needed);
    *size = wb_kvlist_encode_int_first (body, WB_ATTR_REFERENCE_ID, 42, bytes, needed);
    wb_kvlist_destroy (&body);
    return bytes;
}

//  A glance at a content page's body, named as it comes.
static int
s_glance (const uint8_t *body, size_t size, wb_content_glance_t *glance)
{
    const char *name = WB_MSG_EVENT_WORKBIN_CONTENT;
    return wb_event_glance_content ((const uint8_t *) name, strlen (name), body, size, glance);
}

//  A page glanced at before it is decoded: where it stands and how many it
//  holds, read from its head; only when all of it comes before Interactions.
static void
test_content_glance (void **state)
{
    (void) state;
    size_t size = 0;
    uint8_t *bytes = s_page_bytes (3, false, &size);
    wb_content_glance_t glance;
    assert_int_equal (s_glance (bytes, size, &glance), 0);
    assert_int_equal (glance.reference_id, 42);
    assert_int_equal (glance.version, 7);
    assert_int_equal (glance.total_count, 1200);
    assert_int_equal (glance.from, 500);
    assert_int_equal (glance.count, 3);
    //  the interactions need not have come: the head is enough
    uint8_t *interactions = wb_bytes_marker (bytes, size, WB_ATTR_INTERACTIONS);
    size_t head = (size_t) (interactions - bytes) + strlen (WB_ATTR_INTERACTIONS) + 1 + 4;
    assert_int_equal (s_glance (bytes, head, &glance), 0);
    assert_int_equal (glance.count, 3);
    assert_int_equal (s_glance (bytes, head - 1, &glance), -1);
    //  the first From decides, as the decoded page reads it: a text one
    //  makes the page's From unknown at a glance
    uint8_t *from = wb_bytes_marker (bytes, size, "\x04" "From");
    from [5] = WB_TYPE_STRING;
    assert_int_equal (s_glance (bytes, size, &glance), -1);
    free (bytes);
    //  Interactions first (another server): not known at a glance
    bytes = s_page_bytes (3, true, &size);
    assert_int_equal (s_glance (bytes, size, &glance), -1);
    free (bytes);
    //  an empty page, and the degenerate calls
    bytes = s_page_bytes (0, false, &size);
    assert_int_equal (s_glance (bytes, size, &glance), 0);
    assert_int_equal (glance.count, 0);
    assert_int_equal (s_glance (bytes, size, NULL), -1);
    assert_int_equal (s_glance (NULL, 0, &glance), -1);
    free (bytes);
    //  another message's body, however alike, is not glanced at
    bytes = s_page_bytes (3, false, &size);
    const char *ack = WB_MSG_EVENT_ACK;
    assert_int_equal (wb_event_glance_content ((const uint8_t *) ack, strlen (ack), bytes, size,
                                               &glance), -1);
    assert_int_equal (wb_event_glance_content (NULL, 0, bytes, size, &glance), -1);
    free (bytes);
}

//  A page without its counts, or with them as text, says so: 0 then is
//  no count at all.
static void
test_content_page_without_counts (void **state)
{
    (void) state;
    wb_msg_t *msg = wb_msg_new_row (WB_ROW_EVENT_WORKBIN_CONTENT);
    wb_event_content_t content;
    assert_int_equal (wb_event_read_content (msg, &content), 0);
    assert_false (content.has_version);
    assert_false (content.has_total_count);
    assert_int_equal (content.version, 0);
    assert_int_equal (content.total_count, 0);
    wb_kvlist_add_string (wb_msg_body (msg), WB_ATTR_WORKBIN_VERSION, "7");
    wb_kvlist_add_int (wb_msg_body (msg), WB_ATTR_TOTAL_COUNT, 0);
    assert_int_equal (wb_event_read_content (msg, &content), 0);
    assert_false (content.has_version);
    assert_int_equal (content.version, 0);
    assert_true (content.has_total_count);
    assert_int_equal (content.total_count, 0);
    wb_msg_destroy (&msg);
    //  not the event, or no message: nothing is there
    msg = wb_msg_new_row (WB_ROW_EVENT_ACK);
    wb_kvlist_add_int (wb_msg_body (msg), WB_ATTR_WORKBIN_VERSION, 3);
    assert_int_equal (wb_event_read_content (msg, &content), -1);
    assert_false (content.has_version);
    assert_int_equal (wb_event_read_content (NULL, &content), -1);
    assert_false (content.has_total_count);
    wb_msg_destroy (&msg);
}

//  EventWorkbinContentChanged as PROTOCOL.md shows it.
static wb_msg_t *
s_change_event (void)
{
    wb_msg_t *msg = wb_msg_new_row (WB_ROW_EVENT_WORKBIN_CONTENT_CHANGED);
    wb_kvlist_t *body = wb_msg_body (msg);
    wb_kvlist_add_int (body, WB_ATTR_WORKBIN_CONTENT_OPERATION, WB_CONTENT_PLACED_IN);
    wb_kvlist_add_int (body, WB_ATTR_OPERATION, WB_OPERATION_PLACE_IN_WORKBIN);
    wb_kvlist_add_string (body, WB_ATTR_WORKBIN_TYPE_ID, "email-draft");
    wb_kvlist_add_string (body, WB_ATTR_WORKBIN_AGENT_ID, "agent01");
    wb_kvlist_t *interaction = s_interaction ("0001", "Order 1");
    wb_kvlist_add_list (body, WB_ATTR_INTERACTION, &interaction);
    wb_kvlist_t *actor = wb_kvlist_new ();
    wb_kvlist_add_string (actor, WB_ATTR_AGENT_ID, "sup01");
    wb_kvlist_add_list (body, WB_ATTR_ACTOR, &actor);
    wb_kvlist_add_int (body, WB_ATTR_WORKBIN_VERSION, 5);
    wb_kvlist_add_int (body, WB_ATTR_EVENT_SEQUENCE, 42);
    return msg;
}

static void
test_content_changed (void **state)
{
    (void) state;
    wb_msg_t *msg = s_change_event ();
    wb_event_change_t change;
    assert_int_equal (wb_event_read_change (msg, &change), 0);
    assert_int_equal (change.content_operation, WB_CONTENT_PLACED_IN);
    assert_int_equal (change.operation, WB_OPERATION_PLACE_IN_WORKBIN);
    assert_string_equal (change.workbin.type_id, "email-draft");
    assert_int_equal (change.workbin.owner_type, WB_OWNER_AGENT);
    assert_string_equal (change.workbin.owner_id, "agent01");
    assert_string_equal (wb_kvlist_string (change.interaction, WB_ATTR_SUBJECT), "Order 1");
    assert_string_equal (change.interaction_id, "0001");
    assert_string_equal (change.actor, "sup01");
    assert_int_equal (change.version, 5);
    assert_int_equal (change.sequence, 42);
    assert_int_equal (wb_event_sequence (msg), 42);
    //  the body alone reads the same
    wb_event_change_t from_body;
    assert_int_equal (wb_event_read_change_body (wb_msg_body_const (msg), &from_body), 0);
    assert_int_equal (from_body.content_operation, change.content_operation);
    assert_ptr_equal (from_body.interaction, change.interaction);
    assert_ptr_equal (from_body.workbin.owner_id, change.workbin.owner_id);
    assert_ptr_equal (from_body.actor, change.actor);
    assert_int_equal (from_body.sequence, change.sequence);
    //  a newer server's numbers are kept as they are; what is absent reads 0
    wb_kvlist_set_int (wb_msg_body (msg), WB_ATTR_OPERATION, 99);
    wb_kvlist_remove (wb_msg_body (msg), WB_ATTR_ACTOR);
    wb_kvlist_remove (wb_msg_body (msg), WB_ATTR_WORKBIN_VERSION);
    assert_int_equal (wb_event_read_change (msg, &change), 0);
    assert_int_equal (change.operation, 99);
    assert_null (change.actor);
    assert_int_equal (change.version, 0);
    wb_msg_destroy (&msg);
}

static void
test_statistic_and_pulled (void **state)
{
    (void) state;
    wb_msg_t *msg = wb_msg_new_row (WB_ROW_EVENT_WORKBIN_STATISTIC);
    wb_kvlist_t *body = wb_msg_body (msg);
    wb_kvlist_add_int (body, WB_ATTR_NUMBER_OF_INTERACTIONS, 2);
    wb_kvlist_add_int (body, WB_ATTR_WORKBIN_VERSION, 4);
    wb_kvlist_add_string (body, WB_ATTR_MIN_MOVED_TO_QUEUE_AT, "2026-11-20T10:00:00Z");
    wb_kvlist_add_string (body, WB_ATTR_MAX_MOVED_TO_QUEUE_AT, "2026-11-21T10:00:00Z");
    wb_kvlist_add_string (body, WB_ATTR_WORKBIN_TYPE_ID, "team");
    wb_kvlist_add_string (body, WB_ATTR_WORKBIN_GROUP_ID, "sales");
    wb_event_statistic_t statistic;
    assert_int_equal (wb_event_read_statistic (msg, &statistic), 0);
    assert_int_equal (statistic.count, 2);
    assert_int_equal (statistic.version, 4);
    assert_string_equal (statistic.oldest, "2026-11-20T10:00:00Z");
    assert_string_equal (statistic.newest, "2026-11-21T10:00:00Z");
    assert_int_equal (statistic.workbin.owner_type, WB_OWNER_AGENT_GROUP);
    wb_msg_destroy (&msg);

    msg = wb_msg_new_row (WB_ROW_EVENT_PULLED_INTERACTIONS);
    wb_kvlist_t *interactions = s_interactions (1);
    wb_kvlist_add_list (wb_msg_body (msg), WB_ATTR_INTERACTIONS, &interactions);
    wb_event_pulled_t pulled;
    assert_int_equal (wb_event_read_pulled (msg, &pulled), 0);
    assert_string_equal (wb_kvlist_string (wb_kvlist_list_at (pulled.interactions, 0),
                                           WB_ATTR_INTERACTION_ID), "1");
    wb_msg_destroy (&msg);
}

static void
test_types_info (void **state)
{
    (void) state;
    wb_kvlist_t *owner = wb_kvlist_new ();
    wb_kvlist_add_string (owner, WB_ATTR_OWNER_ID, "agent01");
    wb_kvlist_add_string (owner, WB_ATTR_OWNER_NAME, "Anna");
    wb_kvlist_add_string (owner, WB_ATTR_RELATION, WB_RELATION_TEXT_OWN);
    wb_kvlist_add_int (owner, WB_ATTR_NUMBER_OF_INTERACTIONS, 3);
    wb_kvlist_t *owners = wb_kvlist_new ();
    wb_kvlist_add_list (owners, WB_ATTR_OWNER, &owner);
    wb_kvlist_t *info = wb_kvlist_new ();
    wb_kvlist_add_string (info, WB_ATTR_WORKBIN_TYPE_ID, "email-draft");
    wb_kvlist_add_string (info, WB_ATTR_DISPLAY_NAME, "Drafts");
    wb_kvlist_add_int (info, WB_ATTR_WORKBIN_TYPE, WB_OWNER_AGENT);
    wb_kvlist_add_string (info, WB_ATTR_COLUMNS, "From,Subject");
    wb_kvlist_add_list (info, WB_ATTR_OWNERS, &owners);
    wb_kvlist_t *list = wb_kvlist_new ();
    wb_kvlist_add_list (list, WB_ATTR_WORKBIN_TYPE_INFO, &info);
    wb_msg_t *msg = wb_msg_new_row (WB_ROW_EVENT_WORKBIN_TYPES_INFO);
    wb_kvlist_add_list (wb_msg_body (msg), WB_ATTR_WORKBIN_TYPES, &list);

    wb_event_types_t types;
    assert_int_equal (wb_event_read_types (msg, &types), 0);
    assert_int_equal (wb_kvlist_size (types.types), 1);
    wb_event_type_info_t type_info;
    assert_int_equal (wb_event_read_type_info (wb_kvlist_list_at (types.types, 0), &type_info), 0);
    assert_string_equal (type_info.type_id, "email-draft");
    assert_string_equal (type_info.display_name, "Drafts");
    assert_int_equal (type_info.owner_type, WB_OWNER_AGENT);
    assert_string_equal (type_info.columns, "From,Subject");
    wb_event_owner_t read_owner;
    assert_int_equal (wb_event_read_owner (wb_kvlist_list_at (type_info.owners, 0), &read_owner), 0);
    assert_string_equal (read_owner.owner_id, "agent01");
    assert_string_equal (read_owner.owner_name, "Anna");
    assert_string_equal (read_owner.relation, WB_RELATION_TEXT_OWN);
    assert_int_equal (read_owner.count, 3);
    //  the body alone reads the same; another event's body has no types
    wb_event_types_t from_body;
    assert_int_equal (wb_event_read_types_body (wb_msg_body_const (msg), &from_body), 0);
    assert_ptr_equal (from_body.types, types.types);
    wb_msg_destroy (&msg);
    msg = wb_msg_new_row (WB_ROW_EVENT_ACK);
    assert_int_equal (wb_event_read_types (msg, &types), -1);
    assert_null (types.types);
    assert_int_equal (wb_event_read_types_body (wb_msg_body_const (msg), &from_body), 0);
    assert_null (from_body.types);
    wb_msg_destroy (&msg);
}

static void
test_properties_changed (void **state)
{
    (void) state;
    wb_msg_t *msg = wb_msg_new_row (WB_ROW_EVENT_PROPERTIES_CHANGED);
    wb_kvlist_t *body = wb_msg_body (msg);
    wb_kvlist_add_string (body, WB_ATTR_INTERACTION_ID, "0001");
    wb_kvlist_t *changed = wb_kvlist_new ();
    wb_kvlist_add_int (changed, "Priority", 5);
    wb_kvlist_add_list (body, WB_ATTR_CHANGED_PROPERTIES, &changed);
    wb_kvlist_add_int (body, WB_ATTR_EVENT_SEQUENCE, 8);
    wb_event_properties_t properties;
    assert_int_equal (wb_event_read_properties (msg, &properties), 0);
    assert_string_equal (properties.interaction_id, "0001");
    assert_null (properties.added);
    assert_int_equal (wb_kvlist_int_or (properties.changed, "Priority", 0), 5);
    assert_null (properties.deleted);
    assert_int_equal (properties.sequence, 8);
    wb_msg_destroy (&msg);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_degenerate_calls),
        cmocka_unit_test (test_degenerate_targets),
        cmocka_unit_test (test_too_big_a_page_reads_whole),
        cmocka_unit_test (test_ack_and_error),
        cmocka_unit_test (test_content_page),
        cmocka_unit_test (test_content_page_without_counts),
        cmocka_unit_test (test_content_glance),
        cmocka_unit_test (test_content_changed),
        cmocka_unit_test (test_statistic_and_pulled),
        cmocka_unit_test (test_types_info),
        cmocka_unit_test (test_properties_changed),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
