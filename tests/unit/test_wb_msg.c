/*  Tests of wb_msg: the three-frame message, its encoding and decoding,
    and its transport over a DEALER-ROUTER pair.

    Malformed inputs are built field by field with wb_test_util and checked
    in tables of {description, builder, expected status, expected ReferenceId}.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "wb_msg.h"
#include "wb_catalog.h"
#include "wb_test_util.h"

//  The ReferenceId of every hand-made body.
#define REF 7

#define UTF8_TEXT "Ol\xc3\xa1 \xe4\xbd\xa0\xe5\xa5\xbd \xf0\x9f\x98\x80"   /* Olá 你好 😀 */

// ---------------------------------------------------------------- helpers

static const char *
s_status_name (wb_codec_status_t status)
{
    static const char *names [WB_CODEC_STATUS_COUNT] = {
        "OK", "TRUNCATED", "TRAILING", "BAD_TYPE", "BAD_KEY", "TOO_BIG",
        "TOO_MANY", "TOO_DEEP", "BAD_UTF8", "FRAMES", "BAD_PROTOCOL",
        "BAD_NAME", "NO_REFERENCE"
    };
    return status < WB_CODEC_STATUS_COUNT ? names [status] : "?";
}

//  A list value: every type, and a list nested in it.
static wb_kvlist_t *
s_list_value (int64_t seed)
{
    wb_kvlist_t *list = wb_kvlist_new ();
    assert_int_equal (wb_kvlist_add_string (list, "Subject", UTF8_TEXT), 0);
    assert_int_equal (wb_kvlist_add_int (list, "Priority", seed), 0);
    assert_int_equal (wb_kvlist_add_binary (list, "Blob", "\x00\x01\xff", 3), 0);
    wb_kvlist_t *inner = wb_kvlist_new ();
    assert_int_equal (wb_kvlist_add_string (inner, "Key", "value"), 0);
    assert_int_equal (wb_kvlist_add_int (inner, "Deep", INT64_MIN), 0);
    assert_int_equal (wb_kvlist_add_list (list, "Properties", &inner), 0);
    return list;
}

//  Add one attribute with a value of its spec'd type.
static void
s_fill (wb_kvlist_t *body, const wb_attr_spec_t *attr, int64_t seed)
{
    if (attr->type == WB_TYPE_STRING)
        assert_int_equal (wb_kvlist_add_string (body, attr->name, UTF8_TEXT), 0);
    else
    if (attr->type == WB_TYPE_INT)
        assert_int_equal (wb_kvlist_add_int (body, attr->name, seed), 0);
    else
    if (attr->type == WB_TYPE_BINARY)
        assert_int_equal (wb_kvlist_add_binary (body, attr->name, "\x00\x7f", 2), 0);
    else {
        wb_kvlist_t *list = s_list_value (seed);
        assert_int_equal (wb_kvlist_add_list (body, attr->name, &list), 0);
    }
}

static size_t
s_attr_count (const wb_message_spec_t *spec)
{
    size_t count = 0;
    while (count < WB_ATTRS_MAX && spec->attrs [count].name)
        count++;
    return count;
}

//  A message of this spec with every attribute filled.
static wb_msg_t *
s_filled (const wb_message_spec_t *spec, int64_t reference_id)
{
    wb_msg_t *msg = wb_msg_new (spec->name);
    assert_non_null (msg);
    wb_msg_set_reference_id (msg, reference_id);
    for (size_t index = 0; index < s_attr_count (spec); index++)
        s_fill (wb_msg_body (msg), &spec->attrs [index], reference_id ^ (int64_t) index);
    assert_int_equal (wb_kvlist_size (wb_msg_body (msg)), s_attr_count (spec));
    return msg;
}

//  Varied ReferenceIds: extremes, zero, negative, past 32 bits.
static int64_t
s_reference_for (size_t index)
{
    const int64_t references [] = {
        1, INT64_MAX, INT64_MIN, 0, -1, INT64_C (4294967296), 123456789
    };
    return references [index % (sizeof (references) / sizeof (references [0]))];
}

//  Check two messages have the same name, ReferenceId and body.
static void
s_assert_same_message (const wb_msg_t *actual, const wb_msg_t *expected)
{
    assert_non_null (actual);
    assert_string_equal (wb_msg_name (actual), wb_msg_name (expected));
    assert_int_equal (wb_msg_reference_id (actual), wb_msg_reference_id (expected));
    assert_true (wb_kvlist_equal (wb_msg_body_const (actual), wb_msg_body_const (expected)));
}

//  Wrap a body as a RequestPing and destroy the body.
static zmsg_t *
s_ping (wb_bytes_t **body_p)
{
    zmsg_t *zmsg = wb_test_message (WB_PROTOCOL_ID, "RequestPing", *body_p);
    wb_bytes_destroy (body_p);
    return zmsg;
}

// ---------------------------------------------------------------- tables

typedef struct {
    const char *description;
    zmsg_t *(*build) (void);
    wb_codec_status_t status;
    int64_t reference_id;       //  what the out-parameter must report
} s_case_t;

#define CASE_COUNT(table) (sizeof (table) / sizeof ((table) [0]))

//  Decode one malformed input; return true if rejected as expected.
static bool
s_case_passes (const s_case_t *test)
{
    zmsg_t *zmsg = test->build ();
    wb_codec_status_t status = WB_CODEC_OK;
    int64_t reference_id = -99;
    wb_msg_t *msg = wb_msg_decode (zmsg, &status, &reference_id);
    bool passes = !msg && status == test->status && reference_id == test->reference_id;
    if (!passes)
        print_error ("%s: got %s%s, reference %" PRId64 "; expected %s, reference %"
                     PRId64 "\n", test->description, s_status_name (status),
                     msg ? " and a message" : "", reference_id,
                     s_status_name (test->status), test->reference_id);
    wb_msg_destroy (&msg);
    zmsg_destroy (&zmsg);
    return passes;
}

//  Run every case of a table, report each that fails, then fail once.
static void
s_check_cases (const s_case_t *cases, size_t count)
{
    size_t failures = 0;
    for (size_t index = 0; index < count; index++)
        if (!s_case_passes (&cases [index]))
            failures++;
    assert_int_equal (failures, 0);
}

// ---------------------------------------------------------------- builders: frames

static zmsg_t *
s_no_frames (void)
{
    return wb_test_zmsg (NULL, 0);
}

static zmsg_t *
s_one_frame (void)
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
    wb_bytes_t *body = wb_bytes_body (1, REF);
    zmsg_t *zmsg = s_ping (&body);
    zmsg_addstr (zmsg, "extra");
    return zmsg;
}

//  A valid RequestPing body under another protocol id.
static zmsg_t *
s_with_protocol (const void *protocol, size_t size)
{
    wb_bytes_t *body = wb_bytes_body (1, REF);
    const wb_test_frame_t frames [] = {
        { protocol, size }, wb_test_frame_str ("RequestPing"), { body->data, body->size }
    };
    zmsg_t *zmsg = wb_test_zmsg (frames, 3);
    wb_bytes_destroy (&body);
    return zmsg;
}

static zmsg_t *
s_protocol_version_2 (void)
{
    return s_with_protocol ("WBP/2", 5);
}

static zmsg_t *
s_protocol_other (void)
{
    return s_with_protocol ("ZWS/1", 5);
}

static zmsg_t *
s_protocol_lower_case (void)
{
    return s_with_protocol ("wbp/1", 5);
}

static zmsg_t *
s_protocol_with_nul (void)
{
    return s_with_protocol ("WBP/1\0", 6);
}

static zmsg_t *
s_protocol_prefix (void)
{
    return s_with_protocol ("WBP/", 4);
}

static zmsg_t *
s_protocol_empty (void)
{
    return s_with_protocol ("", 0);
}

//  A valid body (ReferenceId REF) under another name.
static zmsg_t *
s_with_name (const void *name, size_t size)
{
    wb_bytes_t *body = wb_bytes_body (1, REF);
    const wb_test_frame_t frames [] = {
        wb_test_frame_str (WB_PROTOCOL_ID), { name, size }, { body->data, body->size }
    };
    zmsg_t *zmsg = wb_test_zmsg (frames, 3);
    wb_bytes_destroy (&body);
    return zmsg;
}

static zmsg_t *
s_name_unknown (void)
{
    return s_with_name ("RequestNothing", 14);
}

static zmsg_t *
s_name_lower_case (void)
{
    return s_with_name ("requestping", 11);
}

static zmsg_t *
s_name_with_nul (void)
{
    return s_with_name ("RequestPing\0", 12);
}

static zmsg_t *
s_name_with_nul_inside (void)
{
    return s_with_name ("Request\0Ping", 12);
}

static zmsg_t *
s_name_empty (void)
{
    return s_with_name ("", 0);
}

static zmsg_t *
s_name_of_64_bytes (void)
{
    char name [64];
    memset (name, 'R', sizeof (name));
    memcpy (name, "RequestPing", 11);
    return s_with_name (name, sizeof (name));
}

static zmsg_t *
s_name_of_1000_bytes (void)
{
    char name [1000];
    memset (name, 'x', sizeof (name));
    return s_with_name (name, sizeof (name));
}

// ---------------------------------------------------------------- builders: truncation

static zmsg_t *
s_cut_in_count (void)
{
    wb_bytes_t *body = wb_bytes_new ();
    wb_bytes_raw (body, "\0\0\0", 3);
    return s_ping (&body);
}

static zmsg_t *
s_cut_empty_body (void)
{
    wb_bytes_t *body = wb_bytes_new ();
    return s_ping (&body);
}

//  Count 2, ReferenceId, and nothing where the second entry's keylen goes.
static zmsg_t *
s_cut_before_keylen (void)
{
    wb_bytes_t *body = wb_bytes_body (2, REF);
    return s_ping (&body);
}

static zmsg_t *
s_cut_in_key (void)
{
    wb_bytes_t *body = wb_bytes_body (2, REF);
    wb_bytes_u8 (body, 7);
    wb_bytes_raw (body, "Sub", 3);
    return s_ping (&body);
}

static zmsg_t *
s_cut_before_type (void)
{
    wb_bytes_t *body = wb_bytes_body (2, REF);
    wb_bytes_key (body, "Subject");
    return s_ping (&body);
}

static zmsg_t *
s_cut_in_string_length (void)
{
    wb_bytes_t *body = wb_bytes_body (2, REF);
    wb_bytes_key_type (body, "Subject", WB_TYPE_STRING);
    wb_bytes_raw (body, "\0\0", 2);
    return s_ping (&body);
}

static zmsg_t *
s_cut_in_string_bytes (void)
{
    wb_bytes_t *body = wb_bytes_body (2, REF);
    wb_bytes_key_type (body, "Subject", WB_TYPE_STRING);
    wb_bytes_u32 (body, 5);
    wb_bytes_raw (body, "ab", 2);
    return s_ping (&body);
}

static zmsg_t *
s_cut_in_int (void)
{
    wb_bytes_t *body = wb_bytes_body (2, REF);
    wb_bytes_key_type (body, "Priority", WB_TYPE_INT);
    wb_bytes_u32 (body, 0);
    return s_ping (&body);
}

static zmsg_t *
s_cut_in_binary_length (void)
{
    wb_bytes_t *body = wb_bytes_body (2, REF);
    wb_bytes_key_type (body, "Blob", WB_TYPE_BINARY);
    wb_bytes_u8 (body, 0);
    return s_ping (&body);
}

static zmsg_t *
s_cut_in_binary_bytes (void)
{
    wb_bytes_t *body = wb_bytes_body (2, REF);
    wb_bytes_key_type (body, "Blob", WB_TYPE_BINARY);
    wb_bytes_u32 (body, 16);
    wb_bytes_repeat (body, 0xab, 15);
    return s_ping (&body);
}

static zmsg_t *
s_cut_in_nested_count (void)
{
    wb_bytes_t *body = wb_bytes_body (2, REF);
    wb_bytes_key_type (body, "Inner", WB_TYPE_LIST);
    wb_bytes_raw (body, "\0\0", 2);
    return s_ping (&body);
}

static zmsg_t *
s_cut_in_nested_int (void)
{
    wb_bytes_t *body = wb_bytes_body (2, REF);
    wb_bytes_list (body, "Inner", 1);
    wb_bytes_key_type (body, "A", WB_TYPE_INT);
    wb_bytes_u32 (body, 0);
    return s_ping (&body);
}

//  A string length within WB_VALUE_MAX but far past the last byte.
static zmsg_t *
s_string_length_past_end (void)
{
    wb_bytes_t *body = wb_bytes_body (2, REF);
    wb_bytes_key_type (body, "Subject", WB_TYPE_STRING);
    wb_bytes_u32 (body, WB_VALUE_MAX);
    wb_bytes_raw (body, "abc", 3);
    return s_ping (&body);
}

//  Count 3 over 21 bytes passes the count bound (21 / 7), then runs out.
static zmsg_t *
s_count_at_bound_then_cut (void)
{
    wb_bytes_t *body = wb_bytes_body (3, REF);
    return s_ping (&body);
}

// ---------------------------------------------------------------- builders: structure

//  A second entry with this type tag, followed by 8 bytes of value.
static zmsg_t *
s_with_type (uint8_t type)
{
    wb_bytes_t *body = wb_bytes_body (2, REF);
    wb_bytes_key_type (body, "Odd", type);
    wb_bytes_i64 (body, 0);
    return s_ping (&body);
}

static zmsg_t *
s_type_0 (void)
{
    return s_with_type (0);
}

static zmsg_t *
s_type_5 (void)
{
    return s_with_type (5);
}

static zmsg_t *
s_type_255 (void)
{
    return s_with_type (255);
}

static zmsg_t *
s_bad_type_in_nested_list (void)
{
    wb_bytes_t *body = wb_bytes_body (2, REF);
    wb_bytes_list (body, "Inner", 1);
    wb_bytes_key_type (body, "Odd", 9);
    wb_bytes_i64 (body, 0);
    return s_ping (&body);
}

//  ReferenceId then a chain of lists, levels deep in all (body = 1).
static zmsg_t *
s_nested_to (size_t levels)
{
    wb_bytes_t *body = wb_bytes_body (2, REF);
    for (size_t level = 2; level <= levels; level++)
        wb_bytes_list (body, "L", level < levels ? 1 : 0);
    return s_ping (&body);
}

static zmsg_t *
s_nested_past_depth_max (void)
{
    return s_nested_to (WB_DEPTH_MAX + 1);
}

static zmsg_t *
s_count_all_ones (void)
{
    wb_bytes_t *body = wb_bytes_new ();
    wb_bytes_u32 (body, 0xFFFFFFFF);
    wb_bytes_int (body, "ReferenceId", REF);
    return s_ping (&body);
}

//  A count within WB_ENTRIES_MAX that 21 bytes cannot hold.
static zmsg_t *
s_count_past_remaining (void)
{
    wb_bytes_t *body = wb_bytes_body (WB_ENTRIES_MAX, REF);
    return s_ping (&body);
}

static zmsg_t *
s_count_one_past_remaining (void)
{
    wb_bytes_t *body = wb_bytes_body (4, REF);
    return s_ping (&body);
}

//  WB_ENTRIES_MAX + 1 entries, every one of them present.
static zmsg_t *
s_count_past_entries_max (void)
{
    wb_bytes_t *body = wb_bytes_body (WB_ENTRIES_MAX + 1, REF);
    for (size_t index = 0; index < WB_ENTRIES_MAX; index++)
        wb_bytes_string (body, "k", "");
    return s_ping (&body);
}

static zmsg_t *
s_nested_count_all_ones (void)
{
    wb_bytes_t *body = wb_bytes_body (2, REF);
    wb_bytes_list (body, "Inner", 0xFFFFFFFF);
    wb_bytes_int (body, "A", 1);
    return s_ping (&body);
}

static zmsg_t *
s_nested_count_past_remaining (void)
{
    wb_bytes_t *body = wb_bytes_body (2, REF);
    wb_bytes_list (body, "Inner", 1000);
    wb_bytes_int (body, "A", 1);
    return s_ping (&body);
}

//  An entry whose length field is length, with no bytes after it.
static zmsg_t *
s_with_length (uint8_t type, uint32_t length)
{
    wb_bytes_t *body = wb_bytes_body (2, REF);
    wb_bytes_key_type (body, "Value", type);
    wb_bytes_u32 (body, length);
    return s_ping (&body);
}

static zmsg_t *
s_string_over_value_max (void)
{
    return s_with_length (WB_TYPE_STRING, WB_VALUE_MAX + 1);
}

static zmsg_t *
s_binary_over_value_max (void)
{
    return s_with_length (WB_TYPE_BINARY, WB_VALUE_MAX + 1);
}

static zmsg_t *
s_binary_length_all_ones (void)
{
    return s_with_length (WB_TYPE_BINARY, 0xFFFFFFFF);
}

static zmsg_t *
s_trailing_byte (void)
{
    wb_bytes_t *body = wb_bytes_body (1, REF);
    wb_bytes_u8 (body, 0);
    return s_ping (&body);
}

static zmsg_t *
s_trailing_list (void)
{
    wb_bytes_t *body = wb_bytes_body (1, REF);
    wb_bytes_u32 (body, 0);
    return s_ping (&body);
}

// ---------------------------------------------------------------- builders: keys

//  A second entry with a raw key of size bytes and the given type.
static zmsg_t *
s_with_key (const void *key, size_t size, uint8_t type)
{
    wb_bytes_t *body = wb_bytes_body (2, REF);
    wb_bytes_u8 (body, (uint8_t) size);
    wb_bytes_raw (body, key, size);
    wb_bytes_u8 (body, type);
    if (type == WB_TYPE_INT)
        wb_bytes_i64 (body, 1);
    else
    if (type == WB_TYPE_LIST)
        wb_bytes_u32 (body, 0);
    else
        wb_bytes_sized (body, "value", 5);
    return s_ping (&body);
}

static zmsg_t *
s_key_empty (void)
{
    return s_with_key ("", 0, WB_TYPE_INT);
}

static zmsg_t *
s_key_of_65_bytes (void)
{
    char key [WB_KEY_MAX + 1];
    memset (key, 'K', sizeof (key));
    return s_with_key (key, sizeof (key), WB_TYPE_INT);
}

static zmsg_t *
s_key_of_255_bytes (void)
{
    char key [255];
    memset (key, 'K', sizeof (key));
    return s_with_key (key, sizeof (key), WB_TYPE_INT);
}

static zmsg_t *
s_key_control_int (void)
{
    return s_with_key ("Ke\x01y", 4, WB_TYPE_INT);
}

static zmsg_t *
s_key_control_string (void)
{
    return s_with_key ("Ke\x01y", 4, WB_TYPE_STRING);
}

static zmsg_t *
s_key_space_binary (void)
{
    return s_with_key ("Ke y", 4, WB_TYPE_BINARY);
}

static zmsg_t *
s_key_del_list (void)
{
    return s_with_key ("Ke\x7fy", 4, WB_TYPE_LIST);
}

static zmsg_t *
s_key_non_ascii (void)
{
    return s_with_key ("Cl\xc3\xa9", 4, WB_TYPE_INT);
}

static zmsg_t *
s_key_with_nul (void)
{
    return s_with_key ("Ke\0y", 4, WB_TYPE_INT);
}

static zmsg_t *
s_key_only_nul (void)
{
    return s_with_key ("\0", 1, WB_TYPE_INT);
}

// ---------------------------------------------------------------- builders: ReferenceId

static zmsg_t *
s_reference_missing (void)
{
    wb_bytes_t *body = wb_bytes_new ();
    wb_bytes_u32 (body, 1);
    wb_bytes_string (body, "Subject", "hello");
    return s_ping (&body);
}

static zmsg_t *
s_reference_not_first (void)
{
    wb_bytes_t *body = wb_bytes_new ();
    wb_bytes_u32 (body, 2);
    wb_bytes_string (body, "Subject", "hello");
    wb_bytes_int (body, "ReferenceId", REF);
    return s_ping (&body);
}

static zmsg_t *
s_reference_string (void)
{
    wb_bytes_t *body = wb_bytes_new ();
    wb_bytes_u32 (body, 1);
    wb_bytes_string (body, "ReferenceId", "7");
    return s_ping (&body);
}

static zmsg_t *
s_reference_binary (void)
{
    wb_bytes_t *body = wb_bytes_new ();
    wb_bytes_u32 (body, 1);
    wb_bytes_binary (body, "ReferenceId", "\0\0\0\0\0\0\0\7", 8);
    return s_ping (&body);
}

static zmsg_t *
s_reference_lower_case (void)
{
    wb_bytes_t *body = wb_bytes_new ();
    wb_bytes_u32 (body, 1);
    wb_bytes_int (body, "referenceid", REF);
    return s_ping (&body);
}

static zmsg_t *
s_reference_in_empty_body (void)
{
    wb_bytes_t *body = wb_bytes_new ();
    wb_bytes_u32 (body, 0);
    return s_ping (&body);
}

// ---------------------------------------------------------------- degenerate

static void
test_new_refuses_unknown_names (void **state)
{
    (void) state;
    assert_null (wb_msg_new (NULL));
    assert_null (wb_msg_new (""));
    assert_null (wb_msg_new ("RequestNothing"));
    assert_null (wb_msg_new ("requestping"));
    assert_null (wb_msg_new ("RequestPing "));
}

static void
test_destroy_is_safe_on_null_and_nulls_pointer (void **state)
{
    (void) state;
    wb_msg_t *msg = NULL;
    wb_msg_destroy (NULL);
    wb_msg_destroy (&msg);
    assert_null (msg);
    msg = wb_msg_new ("RequestPing");
    assert_non_null (msg);
    wb_msg_destroy (&msg);
    assert_null (msg);
}

static void
test_null_message_is_safe_everywhere (void **state)
{
    (void) state;
    wb_msg_t *null = NULL;
    zframe_t *frame = zframe_new ("id", 2);
    assert_null (wb_msg_dup (NULL));
    assert_null (wb_msg_name (NULL));
    assert_int_equal (wb_msg_reference_id (NULL), 0);
    assert_null (wb_msg_body (NULL));
    assert_null (wb_msg_body_const (NULL));
    assert_null (wb_msg_routing_id (NULL));
    wb_msg_set_reference_id (NULL, 1);
    wb_msg_set_routing_id (NULL, frame);
    assert_null (wb_msg_encode (NULL));
    assert_int_equal (wb_msg_send (NULL, NULL), -1);
    assert_int_equal (wb_msg_send (&null, NULL), -1);
    char buffer [16] = "unchanged";
    wb_msg_print (NULL, buffer, sizeof (buffer));
    assert_string_equal (buffer, "");
    zframe_destroy (&frame);
}

static void
test_decode_of_null_zmsg_reports_frames (void **state)
{
    (void) state;
    wb_codec_status_t status = WB_CODEC_OK;
    int64_t reference_id = 99;
    assert_null (wb_msg_decode (NULL, &status, &reference_id));
    assert_int_equal (status, WB_CODEC_FRAMES);
    assert_int_equal (reference_id, 0);
    assert_null (wb_msg_decode (NULL, NULL, NULL));
}

static void
test_decode_accepts_null_out_parameters (void **state)
{
    (void) state;
    wb_bytes_t *body = wb_bytes_body (1, REF);
    zmsg_t *zmsg = s_ping (&body);
    wb_msg_t *msg = wb_msg_decode (zmsg, NULL, NULL);
    assert_non_null (msg);
    assert_int_equal (wb_msg_reference_id (msg), REF);
    wb_msg_destroy (&msg);
    zmsg_destroy (&zmsg);
    zmsg = s_no_frames ();
    assert_null (wb_msg_decode (zmsg, NULL, NULL));
    zmsg_destroy (&zmsg);
}

static void
test_encode_refuses_body_nested_past_depth_max (void **state)
{
    (void) state;
    wb_msg_t *msg = wb_msg_new ("RequestSubmit");
    wb_kvlist_t *chain = wb_kvlist_new ();
    for (size_t level = 2; level <= WB_DEPTH_MAX; level++) {
        wb_kvlist_t *outer = wb_kvlist_new ();
        assert_int_equal (wb_kvlist_add_list (outer, "L", &chain), 0);
        chain = outer;
    }
    //  The body itself is depth 1: this makes it WB_DEPTH_MAX + 1 deep
    assert_int_equal (wb_kvlist_add_list (wb_msg_body (msg), "UserData", &chain), 0);
    assert_null (wb_msg_encode (msg));
    wb_msg_destroy (&msg);
}

static void
test_encode_refuses_body_with_no_room_for_reference (void **state)
{
    (void) state;
    wb_msg_t *msg = wb_msg_new ("RequestPing");
    for (size_t index = 0; index < WB_ENTRIES_MAX; index++)
        assert_int_equal (wb_kvlist_add_int (wb_msg_body (msg), "N", 0), 0);
    assert_null (wb_msg_encode (msg));
    wb_msg_destroy (&msg);
}

// ---------------------------------------------------------------- malformed input

static void
test_decode_rejects_wrong_frame_count (void **state)
{
    (void) state;
    const s_case_t cases [] = {
        { "no frames", s_no_frames, WB_CODEC_FRAMES, 0 },
        { "protocol id only", s_one_frame, WB_CODEC_FRAMES, 0 },
        { "protocol id and name, no body", s_two_frames, WB_CODEC_FRAMES, 0 },
        { "a fourth frame after the body", s_four_frames, WB_CODEC_FRAMES, 0 },
    };
    s_check_cases (cases, CASE_COUNT (cases));
}

static void
test_decode_rejects_bad_protocol (void **state)
{
    (void) state;
    const s_case_t cases [] = {
        { "version WBP/2", s_protocol_version_2, WB_CODEC_BAD_PROTOCOL, 0 },
        { "another protocol", s_protocol_other, WB_CODEC_BAD_PROTOCOL, 0 },
        { "protocol id in lower case", s_protocol_lower_case, WB_CODEC_BAD_PROTOCOL, 0 },
        { "protocol id with a NUL after it", s_protocol_with_nul, WB_CODEC_BAD_PROTOCOL, 0 },
        { "protocol id cut short", s_protocol_prefix, WB_CODEC_BAD_PROTOCOL, 0 },
        { "empty protocol id", s_protocol_empty, WB_CODEC_BAD_PROTOCOL, 0 },
    };
    s_check_cases (cases, CASE_COUNT (cases));
}

static void
test_decode_rejects_bad_name_and_reports_reference (void **state)
{
    (void) state;
    const s_case_t cases [] = {
        { "unknown name", s_name_unknown, WB_CODEC_BAD_NAME, REF },
        { "name in lower case", s_name_lower_case, WB_CODEC_BAD_NAME, REF },
        { "known name then a NUL", s_name_with_nul, WB_CODEC_BAD_NAME, REF },
        { "name with a NUL inside", s_name_with_nul_inside, WB_CODEC_BAD_NAME, REF },
        { "empty name", s_name_empty, WB_CODEC_BAD_NAME, REF },
        { "name of 64 bytes", s_name_of_64_bytes, WB_CODEC_BAD_NAME, REF },
        { "name of 1000 bytes", s_name_of_1000_bytes, WB_CODEC_BAD_NAME, REF },
    };
    s_check_cases (cases, CASE_COUNT (cases));
}

static void
test_decode_rejects_body_truncated_at_each_field (void **state)
{
    (void) state;
    const s_case_t cases [] = {
        { "empty body", s_cut_empty_body, WB_CODEC_TRUNCATED, 0 },
        { "cut in the count", s_cut_in_count, WB_CODEC_TRUNCATED, 0 },
        { "cut before a keylen", s_cut_before_keylen, WB_CODEC_TRUNCATED, 0 },
        { "cut in a key", s_cut_in_key, WB_CODEC_TRUNCATED, 0 },
        { "cut before a type", s_cut_before_type, WB_CODEC_TRUNCATED, 0 },
        { "cut in a string length", s_cut_in_string_length, WB_CODEC_TRUNCATED, 0 },
        { "cut in string bytes", s_cut_in_string_bytes, WB_CODEC_TRUNCATED, 0 },
        { "cut in an int", s_cut_in_int, WB_CODEC_TRUNCATED, 0 },
        { "cut in a binary length", s_cut_in_binary_length, WB_CODEC_TRUNCATED, 0 },
        { "cut in binary bytes", s_cut_in_binary_bytes, WB_CODEC_TRUNCATED, 0 },
        { "cut in a nested count", s_cut_in_nested_count, WB_CODEC_TRUNCATED, 0 },
        { "cut in an int of a nested list", s_cut_in_nested_int, WB_CODEC_TRUNCATED, 0 },
        { "string length past the end", s_string_length_past_end, WB_CODEC_TRUNCATED, 0 },
        { "count at the bound, entries missing", s_count_at_bound_then_cut,
          WB_CODEC_TRUNCATED, 0 },
    };
    s_check_cases (cases, CASE_COUNT (cases));
}

static void
test_decode_rejects_bad_structure (void **state)
{
    (void) state;
    const s_case_t cases [] = {
        { "type tag 0", s_type_0, WB_CODEC_BAD_TYPE, 0 },
        { "type tag 5", s_type_5, WB_CODEC_BAD_TYPE, 0 },
        { "type tag 255", s_type_255, WB_CODEC_BAD_TYPE, 0 },
        { "bad type inside a nested list", s_bad_type_in_nested_list, WB_CODEC_BAD_TYPE, 0 },
        { "nesting one past WB_DEPTH_MAX", s_nested_past_depth_max, WB_CODEC_TOO_DEEP, 0 },
        { "string length over WB_VALUE_MAX", s_string_over_value_max, WB_CODEC_TOO_BIG, 0 },
        { "binary length over WB_VALUE_MAX", s_binary_over_value_max, WB_CODEC_TOO_BIG, 0 },
        { "binary length 0xFFFFFFFF", s_binary_length_all_ones, WB_CODEC_TOO_BIG, 0 },
        { "a byte after the list", s_trailing_byte, WB_CODEC_TRAILING, 0 },
        { "a second list after the list", s_trailing_list, WB_CODEC_TRAILING, 0 },
    };
    s_check_cases (cases, CASE_COUNT (cases));
}

//  A forged count must fail on the count alone, before any entry is read
//  (reading them would report TRUNCATED) or any room is allocated.
static void
test_decode_rejects_forged_counts_fast (void **state)
{
    (void) state;
    const s_case_t cases [] = {
        { "count 0xFFFFFFFF", s_count_all_ones, WB_CODEC_TOO_MANY, 0 },
        { "count WB_ENTRIES_MAX over 21 bytes", s_count_past_remaining, WB_CODEC_TOO_MANY, 0 },
        { "count one past remaining / 7", s_count_one_past_remaining, WB_CODEC_TOO_MANY, 0 },
        { "count WB_ENTRIES_MAX + 1, all present", s_count_past_entries_max,
          WB_CODEC_TOO_MANY, 0 },
        { "nested count 0xFFFFFFFF", s_nested_count_all_ones, WB_CODEC_TOO_MANY, 0 },
        { "nested count past remaining", s_nested_count_past_remaining, WB_CODEC_TOO_MANY, 0 },
    };
    s_check_cases (cases, CASE_COUNT (cases));
}

static void
test_decode_rejects_bad_keys (void **state)
{
    (void) state;
    const s_case_t cases [] = {
        { "key of length 0", s_key_empty, WB_CODEC_BAD_KEY, 0 },
        { "key of 65 bytes", s_key_of_65_bytes, WB_CODEC_BAD_KEY, 0 },
        { "key of 255 bytes", s_key_of_255_bytes, WB_CODEC_BAD_KEY, 0 },
        { "key with a control byte, int value", s_key_control_int, WB_CODEC_BAD_KEY, 0 },
        { "key with a control byte, string value", s_key_control_string, WB_CODEC_BAD_KEY, 0 },
        { "key with a space, binary value", s_key_space_binary, WB_CODEC_BAD_KEY, 0 },
        { "key with DEL, list value", s_key_del_list, WB_CODEC_BAD_KEY, 0 },
        { "key with a non-ASCII byte", s_key_non_ascii, WB_CODEC_BAD_KEY, 0 },
        { "key with a NUL inside", s_key_with_nul, WB_CODEC_BAD_KEY, 0 },
        { "key of a single NUL", s_key_only_nul, WB_CODEC_BAD_KEY, 0 },
    };
    s_check_cases (cases, CASE_COUNT (cases));
}

static void
test_decode_rejects_missing_or_misplaced_reference (void **state)
{
    (void) state;
    const s_case_t cases [] = {
        { "ReferenceId missing", s_reference_missing, WB_CODEC_NO_REFERENCE, 0 },
        { "ReferenceId not first", s_reference_not_first, WB_CODEC_NO_REFERENCE, REF },
        { "ReferenceId a string", s_reference_string, WB_CODEC_NO_REFERENCE, 0 },
        { "ReferenceId a binary", s_reference_binary, WB_CODEC_NO_REFERENCE, 0 },
        { "referenceid in lower case", s_reference_lower_case, WB_CODEC_NO_REFERENCE, 0 },
        { "empty list", s_reference_in_empty_body, WB_CODEC_NO_REFERENCE, 0 },
    };
    s_check_cases (cases, CASE_COUNT (cases));
}

static void
test_decode_rejects_invalid_utf8 (void **state)
{
    (void) state;
    const struct {
        const char *description;
        const char *bytes;
        size_t size;
    } cases [] = {
        { "overlong 2-byte slash", "\xc0\xaf", 2 },
        { "overlong 2-byte, lead C1", "\xc1\xbf", 2 },
        { "overlong 3-byte", "\xe0\x80\xaf", 3 },
        { "overlong 4-byte", "\xf0\x80\x80\xaf", 4 },
        { "high surrogate", "\xed\xa0\x80", 3 },
        { "low surrogate", "\xed\xbf\xbf", 3 },
        { "bare continuation byte", "a\x80z", 3 },
        { "embedded NUL", "a\0b", 3 },
        { "sequence cut at the end", "ok\xe4\xbd", 4 },
        { "lead byte then ASCII", "\xc3" "a", 2 },
        { "past U+10FFFF", "\xf4\x90\x80\x80", 4 },
        { "lead byte F5", "\xf5\x80\x80\x80", 4 },
        { "byte FF", "\xff", 1 },
    };
    size_t failures = 0;
    for (size_t index = 0; index < CASE_COUNT (cases); index++) {
        wb_bytes_t *body = wb_bytes_body (2, REF);
        wb_bytes_key_type (body, "Subject", WB_TYPE_STRING);
        wb_bytes_sized (body, cases [index].bytes, cases [index].size);
        wb_codec_status_t status = WB_CODEC_OK;
        wb_kvlist_t *list = wb_kvlist_decode (body->data, body->size, &status);
        if (list || status != WB_CODEC_BAD_UTF8) {
            print_error ("%s: got %s\n", cases [index].description, s_status_name (status));
            failures++;
        }
        wb_kvlist_destroy (&list);
        wb_bytes_destroy (&body);
    }
    assert_int_equal (failures, 0);
}

// ---------------------------------------------------------------- normal behaviour

static void
test_new_message_is_empty (void **state)
{
    (void) state;
    wb_msg_t *msg = wb_msg_new ("RequestGetWorkbinContent");
    assert_string_equal (wb_msg_name (msg), "RequestGetWorkbinContent");
    assert_int_equal (wb_msg_reference_id (msg), 0);
    assert_non_null (wb_msg_body (msg));
    assert_ptr_equal (wb_msg_body_const (msg), wb_msg_body (msg));
    assert_int_equal (wb_kvlist_size (wb_msg_body (msg)), 0);
    assert_null (wb_msg_routing_id (msg));
    wb_msg_set_reference_id (msg, INT64_MIN);
    assert_int_equal (wb_msg_reference_id (msg), INT64_MIN);
    wb_msg_destroy (&msg);
}

static void
test_set_routing_id_keeps_a_copy (void **state)
{
    (void) state;
    wb_msg_t *msg = wb_msg_new ("EventAck");
    zframe_t *frame = zframe_new ("peer-1", 6);
    wb_msg_set_routing_id (msg, frame);
    zframe_destroy (&frame);          //  the caller still owns its frame
    assert_non_null (wb_msg_routing_id (msg));
    assert_true (zframe_streq (wb_msg_routing_id (msg), "peer-1"));
    frame = zframe_new ("peer-2", 6);
    wb_msg_set_routing_id (msg, frame);
    assert_true (zframe_streq (wb_msg_routing_id (msg), "peer-2"));
    zframe_destroy (&frame);
    wb_msg_set_routing_id (msg, NULL);
    assert_null (wb_msg_routing_id (msg));
    wb_msg_destroy (&msg);
}

static void
test_dup_copies_reference_body_and_routing_id (void **state)
{
    (void) state;
    wb_msg_t *msg = s_filled (wb_catalog_by_name ("RequestSubmit"), 42);
    zframe_t *frame = zframe_new ("peer", 4);
    wb_msg_set_routing_id (msg, frame);
    zframe_destroy (&frame);
    wb_msg_t *copy = wb_msg_dup (msg);
    s_assert_same_message (copy, msg);
    assert_ptr_not_equal (wb_msg_body (copy), wb_msg_body (msg));
    assert_true (zframe_eq (wb_msg_routing_id (copy), wb_msg_routing_id (msg)));
    wb_kvlist_set_string (wb_msg_body (msg), "Subject", "changed");
    assert_false (wb_kvlist_equal (wb_msg_body (copy), wb_msg_body (msg)));
    wb_msg_destroy (&msg);
    wb_msg_destroy (&copy);
}

static void
test_encode_writes_three_frames (void **state)
{
    (void) state;
    wb_msg_t *msg = wb_msg_new ("RequestPing");
    wb_msg_set_reference_id (msg, REF);
    zmsg_t *zmsg = wb_msg_encode (msg);
    assert_non_null (zmsg);
    assert_int_equal (zmsg_size (zmsg), 3);
    assert_true (zframe_streq (zmsg_first (zmsg), "WBP/1"));
    assert_true (zframe_streq (zmsg_next (zmsg), "RequestPing"));
    zframe_t *body_frame = zmsg_next (zmsg);
    wb_bytes_t *expected = wb_bytes_body (1, REF);
    assert_int_equal (zframe_size (body_frame), expected->size);
    assert_memory_equal (zframe_data (body_frame), expected->data, expected->size);
    wb_bytes_destroy (&expected);
    zmsg_destroy (&zmsg);
    wb_msg_destroy (&msg);
}

static void
test_encode_puts_reference_first_in_body (void **state)
{
    (void) state;
    wb_msg_t *msg = s_filled (wb_catalog_by_name ("EventWorkbinContent"), -5);
    zmsg_t *zmsg = wb_msg_encode (msg);
    zframe_t *body_frame = zmsg_last (zmsg);
    wb_codec_status_t status;
    wb_kvlist_t *wire = wb_kvlist_decode (zframe_data (body_frame), zframe_size (body_frame), &status);
    assert_int_equal (status, WB_CODEC_OK);
    assert_string_equal (wb_kvlist_key_at (wire, 0), "ReferenceId");
    assert_int_equal (wb_kvlist_int_at (wire, 0), -5);
    assert_int_equal (wb_kvlist_remove (wire, "ReferenceId"), 1);
    assert_true (wb_kvlist_equal (wire, wb_msg_body (msg)));
    wb_kvlist_destroy (&wire);
    zmsg_destroy (&zmsg);
    wb_msg_destroy (&msg);
}

static void
test_every_catalogue_message_round_trips (void **state)
{
    (void) state;
    assert_true (wb_catalog_size () > 0);
    for (size_t index = 0; index < wb_catalog_size (); index++) {
        const wb_message_spec_t *spec = wb_catalog_at (index);
        wb_msg_t *msg = s_filled (spec, s_reference_for (index));
        zmsg_t *zmsg = wb_msg_encode (msg);
        assert_non_null (zmsg);
        wb_codec_status_t status = WB_CODEC_STATUS_COUNT;
        int64_t reference_id = -99;
        wb_msg_t *decoded = wb_msg_decode (zmsg, &status, &reference_id);
        assert_int_equal (status, WB_CODEC_OK);
        assert_int_equal (reference_id, s_reference_for (index));
        s_assert_same_message (decoded, msg);
        assert_int_equal (wb_catalog_validate (spec, wb_msg_body (decoded), NULL), 0);
        wb_msg_destroy (&decoded);
        zmsg_destroy (&zmsg);
        wb_msg_destroy (&msg);
    }
}

static void
test_decode_accepts_nesting_at_depth_max (void **state)
{
    (void) state;
    zmsg_t *zmsg = s_nested_to (WB_DEPTH_MAX);
    wb_codec_status_t status = WB_CODEC_STATUS_COUNT;
    wb_msg_t *msg = wb_msg_decode (zmsg, &status, NULL);
    assert_int_equal (status, WB_CODEC_OK);
    assert_non_null (msg);
    wb_kvlist_t *list = wb_msg_body (msg);
    for (size_t level = 2; level <= WB_DEPTH_MAX; level++) {
        list = wb_kvlist_list (list, "L");
        assert_non_null (list);
    }
    assert_int_equal (wb_kvlist_size (list), 0);
    wb_msg_destroy (&msg);
    zmsg_destroy (&zmsg);
}

static void
test_print_shows_name_reference_and_body (void **state)
{
    (void) state;
    wb_msg_t *msg = wb_msg_new ("RequestGetWorkbinContent");
    wb_msg_set_reference_id (msg, REF);
    wb_kvlist_add_string (wb_msg_body (msg), "WorkbinTypeId", "email-draft");
    wb_kvlist_add_int (wb_msg_body (msg), "From", 0);
    wb_kvlist_add_int (wb_msg_body (msg), "Count", 20);
    char buffer [128];
    wb_msg_print (msg, buffer, sizeof (buffer));
    assert_string_equal (buffer,
        "RequestGetWorkbinContent ref=7 {WorkbinTypeId='email-draft' From=0 Count=20}");
    wb_msg_destroy (&msg);
}

static void
test_print_in_small_buffer_is_a_terminated_prefix (void **state)
{
    (void) state;
    wb_msg_t *msg = wb_msg_new ("EventError");
    wb_msg_set_reference_id (msg, -1);
    wb_kvlist_add_int (wb_msg_body (msg), "ErrorCode", 41);
    char full [128];
    wb_msg_print (msg, full, sizeof (full));
    assert_string_equal (full, "EventError ref=-1 {ErrorCode=41}");
    for (size_t capacity = 1; capacity < strlen (full); capacity++) {
        char buffer [128];
        memset (buffer, '#', sizeof (buffer));
        wb_msg_print (msg, buffer, capacity);
        assert_true (strlen (buffer) < capacity);
        assert_int_equal (buffer [capacity], '#');
    }
    wb_msg_destroy (&msg);
}

// ---------------------------------------------------------------- DEALER-ROUTER

typedef struct {
    char endpoint [64];
    zsock_t *router;
    zsock_t *dealer;
} s_pair_t;

//  A DEALER with this identity, connected to the pair's ROUTER.
static zsock_t *
s_dealer_new (const s_pair_t *pair, const char *identity)
{
    zsock_t *dealer = zsock_new_dealer (NULL);
    assert_non_null (dealer);
    zsock_set_identity (dealer, identity);
    zsock_set_rcvtimeo (dealer, 2000);
    zsock_set_linger (dealer, 0);
    assert_int_equal (zsock_connect (dealer, "%s", pair->endpoint), 0);
    return dealer;
}

//  A non-NULL value for a frame out-parameter, never dereferenced: shows
//  that wb_msg_recv overwrote it.
static zframe_t *
s_not_null_frame (void)
{
    static char sentinel;
    return (zframe_t *) (void *) &sentinel;
}

static int
s_pair_setup (void **state)
{
    static int sequence = 0;
    s_pair_t *pair = calloc (1, sizeof (s_pair_t));
    assert_non_null (pair);
    snprintf (pair->endpoint, sizeof (pair->endpoint), "inproc://test-wb-msg-%d", ++sequence);
    char bind [80];
    snprintf (bind, sizeof (bind), "@%s", pair->endpoint);
    pair->router = zsock_new_router (bind);
    assert_non_null (pair->router);
    zsock_set_rcvtimeo (pair->router, 2000);
    zsock_set_linger (pair->router, 0);
    pair->dealer = s_dealer_new (pair, "agent-7");
    *state = pair;
    return 0;
}

static int
s_pair_teardown (void **state)
{
    s_pair_t *pair = *state;
    zsock_destroy (&pair->dealer);
    zsock_destroy (&pair->router);
    free (pair);
    return 0;
}

//  Send from the DEALER; receive on the ROUTER and check it arrived whole.
static wb_msg_t *
s_dealer_to_router (s_pair_t *pair, const wb_msg_t *sent)
{
    wb_msg_t *copy = wb_msg_dup (sent);
    assert_int_equal (wb_msg_send (&copy, pair->dealer), 0);
    assert_null (copy);
    wb_codec_status_t status = WB_CODEC_STATUS_COUNT;
    int64_t reference_id = -99;
    zframe_t *routing_id = NULL;
    wb_msg_t *received = wb_msg_recv (pair->router, &status, &reference_id, &routing_id);
    assert_int_equal (status, WB_CODEC_OK);
    assert_int_equal (reference_id, wb_msg_reference_id (sent));
    s_assert_same_message (received, sent);
    assert_non_null (routing_id);
    assert_true (zframe_streq (routing_id, "agent-7"));
    assert_true (zframe_eq (wb_msg_routing_id (received), routing_id));
    zframe_destroy (&routing_id);
    return received;
}

static void
test_every_catalogue_message_crosses_dealer_router (void **state)
{
    s_pair_t *pair = *state;
    for (size_t index = 0; index < wb_catalog_size (); index++) {
        const wb_message_spec_t *spec = wb_catalog_at (index);
        wb_msg_t *sent = s_filled (spec, s_reference_for (index + 3));
        wb_msg_t *received = s_dealer_to_router (pair, sent);
        //  Echo it back: its routing id must bring it to the DEALER
        assert_int_equal (wb_msg_send (&received, pair->router), 0);
        assert_null (received);
        wb_codec_status_t status = WB_CODEC_STATUS_COUNT;
        zframe_t *routing_id = s_not_null_frame ();
        wb_msg_t *echo = wb_msg_recv (pair->dealer, &status, NULL, &routing_id);
        assert_int_equal (status, WB_CODEC_OK);
        assert_null (routing_id);            //  a DEALER has no routing id
        s_assert_same_message (echo, sent);
        assert_null (wb_msg_routing_id (echo));
        wb_msg_destroy (&echo);
        wb_msg_destroy (&sent);
    }
}

//  Answer a request with an EventAck routed like the request.
static void
s_reply_ack (zsock_t *router, const wb_msg_t *request)
{
    wb_msg_t *reply = wb_msg_new ("EventAck");
    wb_msg_set_reference_id (reply, wb_msg_reference_id (request));
    wb_msg_set_routing_id (reply, wb_msg_routing_id (request));
    assert_int_equal (wb_msg_send (&reply, router), 0);
}

static void
s_assert_ack (zsock_t *dealer, int64_t reference_id)
{
    wb_codec_status_t status = WB_CODEC_STATUS_COUNT;
    wb_msg_t *reply = wb_msg_recv (dealer, &status, NULL, NULL);
    assert_int_equal (status, WB_CODEC_OK);
    assert_non_null (reply);
    assert_string_equal (wb_msg_name (reply), "EventAck");
    assert_int_equal (wb_msg_reference_id (reply), reference_id);
    wb_msg_destroy (&reply);
}

static void
test_router_reply_reaches_the_right_dealer (void **state)
{
    s_pair_t *pair = *state;
    zsock_t *other = s_dealer_new (pair, "agent-8");
    wb_msg_t *ping = wb_msg_new ("RequestPing");
    wb_msg_set_reference_id (ping, 71);
    assert_int_equal (wb_msg_send (&ping, pair->dealer), 0);
    ping = wb_msg_new ("RequestPing");
    wb_msg_set_reference_id (ping, 81);
    assert_int_equal (wb_msg_send (&ping, other), 0);
    for (int count = 0; count < 2; count++) {
        wb_msg_t *request = wb_msg_recv (pair->router, NULL, NULL, NULL);
        assert_non_null (request);
        const char *expected = wb_msg_reference_id (request) == 71 ? "agent-7" : "agent-8";
        assert_true (zframe_streq (wb_msg_routing_id (request), expected));
        s_reply_ack (pair->router, request);
        wb_msg_destroy (&request);
    }
    s_assert_ack (pair->dealer, 71);
    s_assert_ack (other, 81);
    zsock_destroy (&other);
}

static void
test_router_reports_sender_of_malformed_message (void **state)
{
    s_pair_t *pair = *state;
    zmsg_t *zmsg = s_name_unknown ();
    assert_int_equal (zmsg_send (&zmsg, pair->dealer), 0);
    wb_codec_status_t status = WB_CODEC_OK;
    int64_t reference_id = 0;
    zframe_t *routing_id = NULL;
    assert_null (wb_msg_recv (pair->router, &status, &reference_id, &routing_id));
    assert_int_equal (status, WB_CODEC_BAD_NAME);
    assert_int_equal (reference_id, REF);
    assert_non_null (routing_id);
    assert_true (zframe_streq (routing_id, "agent-7"));
    //  The server can still answer with an error that reaches the sender
    wb_msg_t *error = wb_msg_new ("EventError");
    wb_msg_set_reference_id (error, reference_id);
    wb_msg_set_routing_id (error, routing_id);
    zframe_destroy (&routing_id);
    assert_int_equal (wb_msg_send (&error, pair->router), 0);
    wb_msg_t *reply = wb_msg_recv (pair->dealer, &status, NULL, NULL);
    assert_non_null (reply);
    assert_string_equal (wb_msg_name (reply), "EventError");
    assert_int_equal (wb_msg_reference_id (reply), REF);
    wb_msg_destroy (&reply);
}

static void
test_router_refuses_to_send_without_routing_id (void **state)
{
    s_pair_t *pair = *state;
    wb_msg_t *msg = wb_msg_new ("EventAck");
    assert_int_equal (wb_msg_send (&msg, pair->router), -1);
    assert_null (msg);
}

static void
test_recv_timeout_reports_frames (void **state)
{
    s_pair_t *pair = *state;
    zsock_set_rcvtimeo (pair->dealer, 10);
    wb_codec_status_t status = WB_CODEC_OK;
    zframe_t *routing_id = s_not_null_frame ();
    assert_null (wb_msg_recv (pair->dealer, &status, NULL, &routing_id));
    assert_int_equal (status, WB_CODEC_FRAMES);
    assert_null (routing_id);
}

//  A message of too few or too many frames, over the wire: refused as
//  FRAMES with its sender, read whole (its extra frames too), so that the
//  message after it arrives intact.
static void
test_recv_reads_a_message_of_any_frame_count_whole (void **state)
{
    s_pair_t *pair = *state;
    size_t counts [] = { 1, 2, 4, WB_MSG_FRAMES_MAX + 3 };
    for (size_t round = 0; round < sizeof (counts) / sizeof (counts [0]); round++) {
        zmsg_t *zmsg = zmsg_new ();
        zmsg_addstr (zmsg, WB_PROTOCOL_ID);
        for (size_t frame = 1; frame < counts [round]; frame++)
            zmsg_addstr (zmsg, "EventAck");
        assert_int_equal (zmsg_send (&zmsg, pair->dealer), 0);
        wb_msg_t *ping = wb_msg_new ("RequestPing");
        wb_msg_set_reference_id (ping, 90 + (int64_t) round);
        assert_int_equal (wb_msg_send (&ping, pair->dealer), 0);
        wb_codec_status_t status = WB_CODEC_OK;
        zframe_t *routing_id = NULL;
        assert_null (wb_msg_recv (pair->router, &status, NULL, &routing_id));
        assert_int_equal (status, WB_CODEC_FRAMES);
        assert_true (zframe_streq (routing_id, "agent-7"));
        zframe_destroy (&routing_id);
        wb_msg_t *next = wb_msg_recv (pair->router, &status, NULL, NULL);
        assert_non_null (next);
        assert_string_equal (wb_msg_name (next), "RequestPing");
        assert_int_equal (wb_msg_reference_id (next), 90 + (int64_t) round);
        wb_msg_destroy (&next);
    }
}

//  What the server reads of a received message besides the message: its
//  sender, the bytes after the routing id (all frames counted), and the
//  first of those frames (where libzmq puts the connection's metadata).
static void
test_frames_give_sender_size_and_first_frame (void **state)
{
    s_pair_t *pair = *state;
    wb_msg_t *ping = wb_msg_new ("RequestPing");
    wb_msg_set_reference_id (ping, 5);
    zmsg_t *sent = wb_msg_encode (ping);
    size_t size = zmsg_content_size (sent);
    zmsg_destroy (&sent);
    assert_int_equal (wb_msg_send (&ping, pair->dealer), 0);
    wb_msg_frames_t frames;
    assert_int_equal (wb_msg_frames_recv (&frames, pair->router), 0);
    assert_int_equal (frames.count, 4);
    assert_int_equal (frames.content_size, size);
    zframe_t *routing_id = wb_msg_frames_routing_id (&frames);
    assert_true (zframe_streq (routing_id, "agent-7"));
    zframe_destroy (&routing_id);
    zmq_msg_t *first = wb_msg_frames_first (&frames);
    assert_non_null (first);
    assert_memory_equal (zmq_msg_data (first), WB_PROTOCOL_ID, strlen (WB_PROTOCOL_ID));
    int64_t reference_id = 0;
    wb_msg_t *msg = wb_msg_frames_decode (&frames, NULL, &reference_id);
    assert_non_null (msg);
    assert_int_equal (reference_id, 5);
    wb_msg_destroy (&msg);
    wb_msg_frames_close (&frames);
    //  a DEALER's message has no routing id: its first frame is the protocol id
    wb_msg_t *ack = wb_msg_new ("EventAck");
    routing_id = zframe_from ("agent-7");
    wb_msg_set_routing_id (ack, routing_id);
    zframe_destroy (&routing_id);
    assert_int_equal (wb_msg_send (&ack, pair->router), 0);
    assert_int_equal (wb_msg_frames_recv (&frames, pair->dealer), 0);
    assert_int_equal (frames.count, 3);
    assert_null (wb_msg_frames_routing_id (&frames));
    assert_memory_equal (zmq_msg_data (wb_msg_frames_first (&frames)), WB_PROTOCOL_ID,
                         strlen (WB_PROTOCOL_ID));
    wb_msg_frames_close (&frames);
}

//  An EventWorkbinContentChanged whose Interaction holds a list of its own.
static wb_msg_t *
s_change_event (const char *subject)
{
    wb_msg_t *event = wb_msg_new_row (WB_ROW_EVENT_WORKBIN_CONTENT_CHANGED);
    wb_kvlist_t *properties = wb_kvlist_new ();
    assert_int_equal (wb_kvlist_add_string (properties, "Tag", "urgent"), 0);
    wb_kvlist_t *interaction = wb_kvlist_new ();
    assert_int_equal (wb_kvlist_add_string (interaction, WB_ATTR_INTERACTION_ID, "i-1"), 0);
    assert_int_equal (wb_kvlist_add_string (interaction, "Subject", subject), 0);
    assert_int_equal (wb_kvlist_add_list (interaction, "Properties", &properties), 0);
    wb_kvlist_t *body = wb_msg_body (event);
    assert_int_equal (wb_kvlist_add_int (body, WB_ATTR_EVENT_SEQUENCE, 4), 0);
    assert_int_equal (wb_kvlist_add_list (body, WB_ATTR_INTERACTION, &interaction), 0);
    return event;
}

//  The client's receive keeps an event's Interaction as its bytes, their
//  structure checked, until it is read, and then reads what was sent (its
//  keys and UTF-8 checked then); the server's decode of
//  the same message builds it at once.
static void
test_recv_keeps_nested_lists_until_read (void **state)
{
    s_pair_t *pair = *state;
    wb_msg_t *sent = s_change_event ("hello");
    wb_msg_t *copy = wb_msg_dup (sent);
    zframe_t *routing_id = zframe_from ("agent-7");
    wb_msg_set_routing_id (copy, routing_id);
    zframe_destroy (&routing_id);
    assert_int_equal (wb_msg_send (&copy, pair->router), 0);
    wb_codec_status_t status = WB_CODEC_STATUS_COUNT;
    wb_msg_t *received = wb_msg_recv (pair->dealer, &status, NULL, NULL);
    assert_int_equal (status, WB_CODEC_OK);
    const wb_kvlist_t *body = wb_msg_body_const (received);
    size_t size = 0, depth = 0;
    assert_non_null (wb_kvlist_encoded_at (body, 1, &size, &depth));
    assert_int_equal (depth, 2);
    s_assert_same_message (received, sent);
    const wb_kvlist_t *interaction = wb_kvlist_list (body, WB_ATTR_INTERACTION);
    assert_string_equal (wb_kvlist_string (interaction, "Subject"), "hello");
    assert_string_equal (wb_kvlist_string (wb_kvlist_list (interaction, "Properties"), "Tag"),
                         "urgent");
    wb_msg_destroy (&received);

    //  the server's side: built as it is received
    copy = wb_msg_dup (sent);
    assert_int_equal (wb_msg_send (&copy, pair->dealer), 0);
    wb_msg_frames_t frames;
    assert_int_equal (wb_msg_frames_recv (&frames, pair->router), 0);
    received = wb_msg_frames_decode (&frames, &status, NULL);
    wb_msg_frames_close (&frames);
    assert_int_equal (status, WB_CODEC_OK);
    assert_null (wb_kvlist_encoded_at (wb_msg_body_const (received), 1, &size, &depth));
    s_assert_same_message (received, sent);
    wb_msg_destroy (&received);
    wb_msg_destroy (&sent);
}

//  A bad byte deep in an event's Interaction passes the client's receive,
//  whose walk checks only the structure of what it keeps as bytes; the
//  first read of the Interaction checks the rest and fails, naming why;
//  printed, it is named, not shown; sent on, it is refused. A bad byte at
//  the top level is still refused at receipt.
static void
test_recv_defers_a_bad_byte_in_a_nested_list_to_its_first_read (void **state)
{
    s_pair_t *pair = *state;
    for (int top = 0; top < 2; top++) {
        wb_msg_t *event = s_change_event ("hel\x01o");
        if (top)
            assert_int_equal (wb_kvlist_add_string (wb_msg_body (event), "Note",
                                                    "top\x01"), 0);
        zmsg_t *zmsg = wb_msg_encode (event);
        wb_msg_destroy (&event);
        zframe_t *body = zmsg_last (zmsg);
        uint8_t *data = zframe_data (body);
        for (size_t offset = 0; offset + 4 <= zframe_size (body); offset++)
            if (memcmp (data + offset, "hel\x01", 4) == 0
            ||  (top && memcmp (data + offset, "top\x01", 4) == 0))
                data [offset + 3] = 0xff;
        zmsg_pushstr (zmsg, "agent-7");
        assert_int_equal (zmsg_send (&zmsg, pair->router), 0);
        wb_codec_status_t status = WB_CODEC_OK;
        wb_msg_t *received = wb_msg_recv (pair->dealer, &status, NULL, NULL);
        if (top) {
            assert_null (received);
            assert_int_equal (status, WB_CODEC_BAD_UTF8);
            continue;
        }
        assert_non_null (received);
        assert_int_equal (status, WB_CODEC_OK);
        const wb_kvlist_t *kept = wb_msg_body_const (received);
        assert_int_equal (wb_kvlist_int_or (kept, WB_ATTR_EVENT_SEQUENCE, 0), 4);
        assert_true (wb_kvlist_unchecked_at (kept, 1));
        assert_null (wb_kvlist_list (kept, WB_ATTR_INTERACTION));
        assert_int_equal (wb_kvlist_status_at (kept, 1), WB_CODEC_BAD_UTF8);
        assert_null (wb_kvlist_list_at (kept, 1));     //  the fault is kept
        char line [512];
        wb_msg_print (received, line, sizeof (line));
        assert_non_null (strstr (line, "Interaction=<cannot be read: string is not valid UTF-8>"));
        assert_null (strchr (line, 0xff));
        assert_null (wb_msg_encode (received));
        wb_msg_destroy (&received);
    }
}

//  A receive that does not wait: -1 when nothing is there (at once, not
//  after the socket's timeout), else 0 with the message or why it is none.
//  A body whose ReferenceId comes first, then the entries built in.
typedef void (s_body_fn) (wb_bytes_t *body);

static void
s_later_reference_string (wb_bytes_t *body)
{
    wb_bytes_string (body, "Subject", "hello");
    wb_bytes_string (body, "ReferenceId", "7");
    wb_bytes_int (body, "Version", 3);
}

static void
s_later_reference_bad_utf8 (wb_bytes_t *body)
{
    wb_bytes_string (body, "Subject", "hello");
    wb_bytes_key_type (body, "ReferenceId", WB_TYPE_STRING);
    wb_bytes_sized (body, "\xc0\xaf", 2);
}

static void
s_later_reference_cut (wb_bytes_t *body)
{
    wb_bytes_string (body, "Subject", "hello");
    wb_bytes_key_type (body, "ReferenceId", WB_TYPE_INT);
    wb_bytes_u32 (body, 0);
}

static void
s_nothing_more (wb_bytes_t *body)
{
    (void) body;
}

//  The ReferenceId a decoder reads first, both ways a message is read
//  (wb_msg_decode in full; wb_msg_recv lazily, as a client does): the
//  same status and reference, and the body without any entry of its key,
//  as when it was removed after decoding.
static void
test_reference_reads_the_same_both_ways (void **state)
{
    s_pair_t *pair = *state;
    const struct {
        const char *description;
        uint32_t count;             //  entries after ReferenceId
        s_body_fn *build;
        wb_codec_status_t status;
        int64_t reference_id;
        size_t size;                //  entries of the body decoded
    } cases [] = {
        { "ReferenceId alone", 0, s_nothing_more, WB_CODEC_OK, REF, 0 },
        { "a later ReferenceId, a string", 3, s_later_reference_string, WB_CODEC_OK, REF, 2 },
        { "a later ReferenceId, bad UTF-8", 2, s_later_reference_bad_utf8,
          WB_CODEC_BAD_UTF8, 0, 0 },
        { "a later ReferenceId, cut", 2, s_later_reference_cut, WB_CODEC_TRUNCATED, 0, 0 },
        { "one entry more than there is", 1, s_nothing_more, WB_CODEC_TRUNCATED, 0, 0 },
    };
    for (size_t index = 0; index < CASE_COUNT (cases); index++) {
        wb_bytes_t *body = wb_bytes_body (cases [index].count + 1, REF);
        cases [index].build (body);
        for (int lazy = 0; lazy < 2; lazy++) {
            zmsg_t *zmsg = wb_test_message (WB_PROTOCOL_ID, "EventAck", body);
            wb_codec_status_t status = WB_CODEC_STATUS_COUNT;
            int64_t reference_id = -99;
            wb_msg_t *msg = NULL;
            if (lazy) {
                assert_int_equal (zmsg_send (&zmsg, pair->dealer), 0);
                msg = wb_msg_recv (pair->router, &status, &reference_id, NULL);
            }
            else
                msg = wb_msg_decode (zmsg, &status, &reference_id);
            print_message ("%s, %s\n", cases [index].description, lazy ? "lazy" : "in full");
            assert_int_equal (status, cases [index].status);
            assert_int_equal (reference_id, cases [index].reference_id);
            assert_true (!msg == (status != WB_CODEC_OK));
            if (msg) {
                const wb_kvlist_t *decoded = wb_msg_body_const (msg);
                assert_int_equal (wb_msg_reference_id (msg), REF);
                assert_int_equal (wb_kvlist_size (decoded), cases [index].size);
                assert_false (wb_kvlist_has (decoded, "ReferenceId"));
            }
            if (msg && cases [index].size) {
                const wb_kvlist_t *decoded = wb_msg_body_const (msg);
                assert_string_equal (wb_kvlist_string (decoded, "Subject"), "hello");
                assert_int_equal (wb_kvlist_int_or (decoded, "Version", 0), 3);
                assert_string_equal (wb_kvlist_key_at (decoded, 1), "Version");
            }
            wb_msg_destroy (&msg);
            zmsg_destroy (&zmsg);
        }
        wb_bytes_destroy (&body);
    }
}

static void
test_try_recv_takes_only_what_waits (void **state)
{
    s_pair_t *pair = *state;
    static char sentinel;
    wb_msg_t *msg = (wb_msg_t *) (void *) &sentinel;     //  shows that it is set
    wb_codec_status_t status = WB_CODEC_OK;
    assert_int_equal (wb_msg_try_recv (pair->router, &msg, &status), -1);
    assert_null (msg);
    assert_int_equal (zmq_errno (), EAGAIN);
    wb_msg_t *ping = wb_msg_new ("RequestPing");
    wb_msg_set_reference_id (ping, 12);
    assert_int_equal (wb_msg_send (&ping, pair->dealer), 0);
    zpoller_t *poller = zpoller_new (pair->router, NULL);
    assert_non_null (zpoller_wait (poller, 2000));
    assert_int_equal (wb_msg_try_recv (pair->router, &msg, &status), 0);
    assert_int_equal (status, WB_CODEC_OK);
    assert_int_equal (wb_msg_reference_id (msg), 12);
    assert_true (zframe_streq (wb_msg_routing_id (msg), "agent-7"));
    wb_msg_destroy (&msg);
    //  a message with a bad protocol id: read, and refused
    assert_int_equal (zstr_sendm (pair->dealer, "nope"), 0);
    assert_int_equal (zstr_sendm (pair->dealer, "RequestPing"), 0);
    assert_int_equal (zstr_send (pair->dealer, "x"), 0);
    assert_non_null (zpoller_wait (poller, 2000));
    assert_int_equal (wb_msg_try_recv (pair->router, &msg, &status), 0);
    assert_null (msg);
    assert_int_equal (status, WB_CODEC_BAD_PROTOCOL);
    assert_int_equal (wb_msg_try_recv (pair->router, &msg, NULL), -1);
    zpoller_destroy (&poller);

    //  the client's receive on its DEALER, whose kind it knows: the same
    //  message, no routing id; -1 at once when nothing waits
    assert_int_equal (wb_msg_try_recv_dealer (pair->dealer, &msg, &status, NULL), -1);
    assert_null (msg);
    ping = wb_msg_new ("RequestPing");
    wb_msg_set_reference_id (ping, 13);
    zframe_t *routing_id = zframe_from ("agent-7");
    wb_msg_set_routing_id (ping, routing_id);
    zframe_destroy (&routing_id);
    assert_int_equal (wb_msg_send (&ping, pair->router), 0);
    poller = zpoller_new (pair->dealer, NULL);
    assert_non_null (zpoller_wait (poller, 2000));
    assert_int_equal (wb_msg_try_recv_dealer (pair->dealer, &msg, &status, NULL), 0);
    assert_int_equal (status, WB_CODEC_OK);
    assert_int_equal (wb_msg_reference_id (msg), 13);
    assert_null (wb_msg_routing_id (msg));
    assert_string_equal (wb_msg_name (msg), "RequestPing");
    wb_msg_destroy (&msg);
    assert_int_equal (wb_msg_try_recv_dealer (pair->dealer, &msg, &status, NULL), -1);
    zpoller_destroy (&poller);
}

//  What a glance saw: the name and body of each message, in turn.
typedef struct {
    char names [128];
    size_t body_sizes [4];
    uint8_t last_body [64];     //  the start of the last body seen
    size_t count;
} s_glanced_t;

static void
s_glance (void *arg, const uint8_t *name, size_t name_size, const uint8_t *body,
          size_t body_size)
{
    s_glanced_t *glanced = arg;
    size_t length = strlen (glanced->names);
    snprintf (glanced->names + length, sizeof (glanced->names) - length, "%s%.*s",
              length ? " " : "", (int) name_size, (const char *) name);
    if (glanced->count < 4)
        glanced->body_sizes [glanced->count] = body_size;
    memcpy (glanced->last_body, body, body_size < 64 ? body_size : 64);
    glanced->count++;
}

//  A client's receive lets a glance see each message of ours (protocol id
//  checked) before it is decoded: also one whose body then fails.
static void
test_glance_sees_what_comes_before_the_decode (void **state)
{
    s_pair_t *pair = *state;
    s_glanced_t glanced = { "", { 0 }, { 0 }, 0 };
    wb_msg_glance_t glance = { s_glance, &glanced };
    zframe_t *routing_id = zframe_from ("agent-7");
    wb_msg_t *ack = wb_msg_new ("EventAck");
    wb_msg_set_reference_id (ack, 5);
    wb_msg_set_routing_id (ack, routing_id);
    assert_int_equal (wb_msg_send (&ack, pair->router), 0);
    //  a body cut short, another protocol id, a message of two frames
    wb_bytes_t *short_body = wb_bytes_body (3, 6);
    zframe_t *frames [] = { zframe_dup (routing_id), zframe_dup (routing_id),
                            zframe_dup (routing_id) };
    zmsg_t *sent [] = {
        wb_test_message (WB_PROTOCOL_ID, "EventError", short_body),
        wb_test_message ("WBP/9", "EventAck", short_body),
        wb_test_message (WB_PROTOCOL_ID, "EventAck", short_body),
    };
    zframe_t *third = zmsg_last (sent [2]);
    zmsg_remove (sent [2], third);
    zframe_destroy (&third);
    for (size_t index = 0; index < 3; index++) {
        zmsg_prepend (sent [index], &frames [index]);
        assert_int_equal (zmsg_send (&sent [index], pair->router), 0);
    }
    zpoller_t *poller = zpoller_new (pair->dealer, NULL);
    wb_msg_t *msg = NULL;
    size_t received = 0;
    while (received < 4 && zpoller_wait (poller, 2000)) {
        while (wb_msg_try_recv_dealer (pair->dealer, &msg, NULL, &glance) == 0) {
            //  seen before it was decoded (or dropped)
            assert_int_equal (glanced.count, received == 0 ? 1 : 2);
            wb_msg_destroy (&msg);
            received++;
        }
    }
    assert_int_equal (received, 4);
    assert_string_equal (glanced.names, "EventAck EventError");
    assert_int_equal (glanced.body_sizes [1], short_body->size);
    assert_memory_equal (glanced.last_body, short_body->data, short_body->size);
    zpoller_destroy (&poller);
    zframe_destroy (&routing_id);
    wb_bytes_destroy (&short_body);
}

#define PAIR_TEST(test) cmocka_unit_test_setup_teardown (test, s_pair_setup, s_pair_teardown)

int
main (void)
{
    const struct CMUnitTest tests [] = {
        //  Degenerate calls
        cmocka_unit_test (test_new_refuses_unknown_names),
        cmocka_unit_test (test_destroy_is_safe_on_null_and_nulls_pointer),
        cmocka_unit_test (test_null_message_is_safe_everywhere),
        cmocka_unit_test (test_decode_of_null_zmsg_reports_frames),
        cmocka_unit_test (test_decode_accepts_null_out_parameters),
        cmocka_unit_test (test_encode_refuses_body_nested_past_depth_max),
        cmocka_unit_test (test_encode_refuses_body_with_no_room_for_reference),
        //  Malformed input
        cmocka_unit_test (test_decode_rejects_wrong_frame_count),
        cmocka_unit_test (test_decode_rejects_bad_protocol),
        cmocka_unit_test (test_decode_rejects_bad_name_and_reports_reference),
        cmocka_unit_test (test_decode_rejects_body_truncated_at_each_field),
        cmocka_unit_test (test_decode_rejects_bad_structure),
        cmocka_unit_test (test_decode_rejects_forged_counts_fast),
        cmocka_unit_test (test_decode_rejects_bad_keys),
        cmocka_unit_test (test_decode_rejects_missing_or_misplaced_reference),
        cmocka_unit_test (test_decode_rejects_invalid_utf8),
        //  Normal behaviour
        cmocka_unit_test (test_new_message_is_empty),
        cmocka_unit_test (test_set_routing_id_keeps_a_copy),
        cmocka_unit_test (test_dup_copies_reference_body_and_routing_id),
        cmocka_unit_test (test_encode_writes_three_frames),
        cmocka_unit_test (test_encode_puts_reference_first_in_body),
        cmocka_unit_test (test_every_catalogue_message_round_trips),
        cmocka_unit_test (test_decode_accepts_nesting_at_depth_max),
        cmocka_unit_test (test_print_shows_name_reference_and_body),
        cmocka_unit_test (test_print_in_small_buffer_is_a_terminated_prefix),
        //  Over a real DEALER-ROUTER pair
        PAIR_TEST (test_every_catalogue_message_crosses_dealer_router),
        PAIR_TEST (test_router_reply_reaches_the_right_dealer),
        PAIR_TEST (test_router_reports_sender_of_malformed_message),
        PAIR_TEST (test_router_refuses_to_send_without_routing_id),
        PAIR_TEST (test_recv_timeout_reports_frames),
        PAIR_TEST (test_recv_reads_a_message_of_any_frame_count_whole),
        PAIR_TEST (test_frames_give_sender_size_and_first_frame),
        PAIR_TEST (test_recv_keeps_nested_lists_until_read),
        PAIR_TEST (test_recv_defers_a_bad_byte_in_a_nested_list_to_its_first_read),
        PAIR_TEST (test_try_recv_takes_only_what_waits),
        PAIR_TEST (test_glance_sees_what_comes_before_the_decode),
        PAIR_TEST (test_reference_reads_the_same_both_ways),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
