/*  Tests of wb_json: messages and key/value lists as JSON (wbctl --json).
    Each result is compared as compact JSON text, so that the order of the
    keys (the order received) is checked too. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "wb_json.h"

#define UTF8_MIXED "H\xc3\xa9llo \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x8e\x89"   /* Héllo 日本 🎉 */

// ---------------------------------------------------------------- helpers

//  Compact text of a JSON value, compared then freed with it.
static void
s_assert_json (json_t *value, const char *expected)
{
    assert_non_null (value);
    char *text = json_dumps (value, JSON_COMPACT | JSON_ENCODE_ANY);
    assert_non_null (text);
    assert_string_equal (text, expected);
    free (text);
    json_decref (value);
}

//  A list of count entries, all keyed key, each a list {InteractionId=ID<n>}.
static wb_kvlist_t *
s_records (const char *key, size_t count)
{
    wb_kvlist_t *list = wb_kvlist_new ();
    for (size_t index = 0; index < count; index++) {
        char id [32];
        snprintf (id, sizeof (id), "ID%zu", index + 1);
        wb_kvlist_t *record = wb_kvlist_new ();
        assert_int_equal (wb_kvlist_add_string (record, "InteractionId", id), 0);
        assert_int_equal (wb_kvlist_add_list (list, key, &record), 0);
    }
    return list;
}

// ---------------------------------------------------------------- degenerate

static void
test_null_and_empty (void **state)
{
    (void) state;
    assert_null (wb_json_from_kvlist (NULL));
    assert_null (wb_json_from_list ("Interactions", NULL));
    assert_null (wb_json_from_msg (NULL));
    assert_null (wb_json_line (NULL));
    assert_int_equal (wb_json_print (NULL, stdout), -1);
    wb_kvlist_t *empty = wb_kvlist_new ();
    s_assert_json (wb_json_from_kvlist (empty), "{}");
    s_assert_json (wb_json_from_list (NULL, empty), "{}");
    s_assert_json (wb_json_from_list ("UserData", empty), "{}");
    wb_kvlist_destroy (&empty);
}

// ---------------------------------------------------------------- values

static void
test_scalar_types (void **state)
{
    (void) state;
    wb_kvlist_t *list = wb_kvlist_new ();
    wb_kvlist_add_string (list, "Subject", UTF8_MIXED);
    wb_kvlist_add_string (list, "Empty", "");
    wb_kvlist_add_string (list, "Quote", "a \"b\"\n\\c");
    wb_kvlist_add_int (list, "Big", INT64_MAX);
    wb_kvlist_add_int (list, "Small", INT64_MIN);
    wb_kvlist_add_binary (list, "Blob", "\x00\x0a\xff", 3);
    wb_kvlist_add_binary (list, "None", "", 0);
    s_assert_json (wb_json_from_kvlist (list),
                   "{\"Subject\":\"" UTF8_MIXED "\",\"Empty\":\"\",\"Quote\":\"a \\\"b\\\"\\n\\\\c\","
                   "\"Big\":9223372036854775807,\"Small\":-9223372036854775808,"
                   "\"Blob\":{\"hex\":\"000aff\"},\"None\":{\"hex\":\"\"}}");
    wb_kvlist_destroy (&list);
}

static void
test_invalid_utf8_becomes_hex (void **state)
{
    (void) state;
    //  The codec refuses such strings; a list built in memory can hold one
    wb_kvlist_t *list = wb_kvlist_new ();
    wb_kvlist_add_string (list, "Bad", "a\xc3(");
    s_assert_json (wb_json_from_kvlist (list), "{\"Bad\":{\"hex\":\"61c328\"}}");
    wb_kvlist_destroy (&list);
}

//  A list received whose bytes fail the check of their first read (its
//  keys and UTF-8 are checked then, on the client's side) is named in its
//  place; the rest is as ever.
static void
test_a_list_that_cannot_be_read_is_named (void **state)
{
    (void) state;
    wb_kvlist_t *sent = wb_kvlist_new ();
    wb_kvlist_t *interactions = s_records ("Interaction", 2);
    wb_kvlist_add_list (sent, "Interactions", &interactions);
    size_t size = 0;
    uint8_t *bytes = wb_kvlist_encode (sent, &size);
    wb_kvlist_destroy (&sent);
    for (size_t offset = 0; offset + 3 <= size; offset++)
        if (memcmp (bytes + offset, "ID2", 3) == 0)
            bytes [offset + 1] = 0xff;
    wb_kvlist_t *received = wb_kvlist_decode_lazy (bytes, size, NULL);
    free (bytes);
    assert_non_null (received);
    s_assert_json (wb_json_from_kvlist (received),
                   "{\"Interactions\":[{\"InteractionId\":\"ID1\"},"
                   "{\"unreadable\":\"string is not valid UTF-8\"}]}");
    wb_kvlist_destroy (&received);
}

// ---------------------------------------------------------------- lists

static void
test_collections_are_arrays_at_any_size (void **state)
{
    (void) state;
    const char *expected [] = { "[]", "[{\"InteractionId\":\"ID1\"}]",
                                "[{\"InteractionId\":\"ID1\"},{\"InteractionId\":\"ID2\"}]" };
    for (size_t count = 0; count < 3; count++) {
        wb_kvlist_t *interactions = s_records ("Interaction", count);
        s_assert_json (wb_json_from_list ("Interactions", interactions), expected [count]);
        wb_kvlist_destroy (&interactions);
    }
    wb_kvlist_t *owners = s_records ("Owner", 1);
    s_assert_json (wb_json_from_list ("Owners", owners), "[{\"InteractionId\":\"ID1\"}]");
    wb_kvlist_destroy (&owners);
    wb_kvlist_t *types = s_records ("WorkbinTypeInfo", 1);
    s_assert_json (wb_json_from_list ("WorkbinTypes", types), "[{\"InteractionId\":\"ID1\"}]");
    wb_kvlist_destroy (&types);
}

static void
test_collection_with_other_keys_is_an_object (void **state)
{
    (void) state;
    wb_kvlist_t *interactions = s_records ("Interaction", 1);
    wb_kvlist_add_int (interactions, "Extra", 1);
    s_assert_json (wb_json_from_list ("Interactions", interactions),
                   "{\"Interaction\":{\"InteractionId\":\"ID1\"},\"Extra\":1}");
    wb_kvlist_destroy (&interactions);
    //  Entries under another key than the collection's item key
    wb_kvlist_t *wrong = s_records ("Owner", 1);
    s_assert_json (wb_json_from_list ("Interactions", wrong),
                   "{\"Owner\":{\"InteractionId\":\"ID1\"}}");
    wb_kvlist_destroy (&wrong);
}

static void
test_any_list_of_one_shared_key_is_an_array (void **state)
{
    (void) state;
    wb_kvlist_t *tags = wb_kvlist_new ();
    wb_kvlist_add_string (tags, "Tag", "a");
    wb_kvlist_add_int (tags, "Tag", 2);
    s_assert_json (wb_json_from_list ("Tags", tags), "[\"a\",2]");
    s_assert_json (wb_json_from_list (NULL, tags), "[\"a\",2]");
    wb_kvlist_destroy (&tags);
    //  One entry is not enough: Actor={AgentId='agent02'} stays an object
    wb_kvlist_t *actor = wb_kvlist_new ();
    wb_kvlist_add_string (actor, "AgentId", "agent02");
    s_assert_json (wb_json_from_list ("Actor", actor), "{\"AgentId\":\"agent02\"}");
    wb_kvlist_destroy (&actor);
}

static void
test_repeated_keys_gather_into_arrays (void **state)
{
    (void) state;
    wb_kvlist_t *list = wb_kvlist_new ();
    wb_kvlist_add_string (list, "Tag", "a");
    wb_kvlist_add_int (list, "Other", 1);
    wb_kvlist_add_string (list, "Tag", "b");
    wb_kvlist_t *inner = s_records ("Interaction", 2);
    wb_kvlist_add_list (list, "Tag", &inner);
    s_assert_json (wb_json_from_kvlist (list),
                   "{\"Tag\":[\"a\",\"b\",[{\"InteractionId\":\"ID1\"},"
                   "{\"InteractionId\":\"ID2\"}]],\"Other\":1}");
    wb_kvlist_destroy (&list);
}

static void
test_top_level_is_always_an_object (void **state)
{
    (void) state;
    //  A body whose attributes share one key is still an object
    wb_kvlist_t *body = s_records ("Interaction", 2);
    s_assert_json (wb_json_from_kvlist (body),
                   "{\"Interaction\":[{\"InteractionId\":\"ID1\"},{\"InteractionId\":\"ID2\"}]}");
    wb_kvlist_destroy (&body);
}

// ---------------------------------------------------------------- messages

//  EventWorkbinContent ref=7 {Interactions={Interaction={...}} WorkbinVersion=4 ...}
static wb_msg_t *
s_content_event (void)
{
    wb_msg_t *msg = wb_msg_new ("EventWorkbinContent");
    assert_non_null (msg);
    wb_msg_set_reference_id (msg, 7);
    wb_kvlist_t *body = wb_msg_body (msg);
    wb_kvlist_t *interactions = s_records ("Interaction", 1);
    wb_kvlist_t *user_data = wb_kvlist_new ();
    wb_kvlist_add_string (user_data, "Note", UTF8_MIXED);
    wb_kvlist_add_list (wb_kvlist_list_at (interactions, 0), "UserData", &user_data);
    wb_kvlist_add_list (body, "Interactions", &interactions);
    wb_kvlist_add_int (body, "WorkbinVersion", 4);
    wb_kvlist_add_int (body, "TotalCount", 1);
    wb_kvlist_add_string (body, "WorkbinTypeId", "email-draft");
    return msg;
}

static void
test_message_has_name_and_reference_first (void **state)
{
    (void) state;
    wb_msg_t *msg = s_content_event ();
    s_assert_json (wb_json_from_msg (msg),
                   "{\"message\":\"EventWorkbinContent\",\"ReferenceId\":7,"
                   "\"Interactions\":[{\"InteractionId\":\"ID1\",\"UserData\":{\"Note\":\""
                   UTF8_MIXED "\"}}],\"WorkbinVersion\":4,\"TotalCount\":1,"
                   "\"WorkbinTypeId\":\"email-draft\"}");
    wb_msg_destroy (&msg);
    //  An empty body: the two reserved keys only
    msg = wb_msg_new ("EventAck");
    s_assert_json (wb_json_from_msg (msg), "{\"message\":\"EventAck\",\"ReferenceId\":0}");
    wb_msg_destroy (&msg);
}

static void
test_reserved_names_keep_their_meaning (void **state)
{
    (void) state;
    wb_msg_t *msg = wb_msg_new ("EventAck");
    wb_msg_set_reference_id (msg, 3);
    wb_kvlist_add_string (wb_msg_body (msg), "message", "spoof");
    wb_kvlist_add_int (wb_msg_body (msg), "WorkbinVersion", 2);
    s_assert_json (wb_json_from_msg (msg),
                   "{\"message\":\"EventAck\",\"ReferenceId\":3,\"WorkbinVersion\":2}");
    wb_msg_destroy (&msg);
}

static void
test_line_is_one_line_and_parses_back (void **state)
{
    (void) state;
    wb_msg_t *msg = s_content_event ();
    wb_kvlist_add_string (wb_msg_body (msg), "Subject", "two\nlines");
    char *line = wb_json_line (msg);
    assert_non_null (line);
    assert_null (strchr (line, '\n'));
    json_error_t error;
    json_t *parsed = json_loads (line, 0, &error);
    assert_non_null (parsed);
    assert_string_equal (json_string_value (json_object_get (parsed, "Subject")), "two\nlines");
    assert_int_equal (json_integer_value (json_object_get (parsed, "ReferenceId")), 7);
    assert_true (json_is_array (json_object_get (parsed, "Interactions")));
    json_decref (parsed);
    free (line);
    wb_msg_destroy (&msg);
}

static void
test_print_writes_the_line_and_a_newline (void **state)
{
    (void) state;
    wb_msg_t *msg = wb_msg_new ("EventError");
    wb_msg_set_reference_id (msg, 9);
    wb_kvlist_add_int (wb_msg_body (msg), "ErrorCode", 41);
    wb_kvlist_add_string (wb_msg_body (msg), "ErrorDescription", "workbin unknown");
    assert_int_equal (wb_json_print (msg, NULL), -1);
    FILE *stream = tmpfile ();
    assert_non_null (stream);
    assert_int_equal (wb_json_print (msg, stream), 0);
    assert_int_equal (wb_json_print (msg, stream), 0);
    rewind (stream);
    char buffer [256];
    const char *expected = "{\"message\": \"EventError\", \"ReferenceId\": 9, \"ErrorCode\": 41, "
                           "\"ErrorDescription\": \"workbin unknown\"}\n";
    for (int line = 0; line < 2; line++) {
        assert_non_null (fgets (buffer, sizeof (buffer), stream));
        assert_string_equal (buffer, expected);
    }
    assert_null (fgets (buffer, sizeof (buffer), stream));
    fclose (stream);
    wb_msg_destroy (&msg);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_null_and_empty),
        cmocka_unit_test (test_scalar_types),
        cmocka_unit_test (test_invalid_utf8_becomes_hex),
        cmocka_unit_test (test_a_list_that_cannot_be_read_is_named),
        cmocka_unit_test (test_collections_are_arrays_at_any_size),
        cmocka_unit_test (test_collection_with_other_keys_is_an_object),
        cmocka_unit_test (test_any_list_of_one_shared_key_is_an_array),
        cmocka_unit_test (test_repeated_keys_gather_into_arrays),
        cmocka_unit_test (test_top_level_is_always_an_object),
        cmocka_unit_test (test_message_has_name_and_reference_first),
        cmocka_unit_test (test_reserved_names_keep_their_meaning),
        cmocka_unit_test (test_line_is_one_line_and_parses_back),
        cmocka_unit_test (test_print_writes_the_line_and_a_newline),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
