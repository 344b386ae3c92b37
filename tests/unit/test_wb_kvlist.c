/*  Tests of wb_kvlist: the typed key/value list, its byte encoding and its
    printable form. Malformed encodings are covered by test_wb_msg.c, which
    builds them field by field with wb_test_util.

    This file is self-contained (Makefile.am links it alone with the library).
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "wb_kvlist.h"
#include "wb_test_util.h"

#define UTF8_LATIN  "Ol\xc3\xa1 \xc3\xa7\xc3\xa3o \xc3\xa9t\xc3\xa9"    /* Olá ção été */
#define UTF8_CJK    "\xe4\xbd\xa0\xe5\xa5\xbd\xe4\xb8\x96\xe7\x95\x8c"  /* 你好世界 */
#define UTF8_EMOJI  "\xf0\x9f\x98\x80\xf0\x9f\x93\xa7"                  /* 😀📧 */
#define UTF8_LAST   "\xf4\x8f\xbf\xbf"                                  /* U+10FFFF */

// ---------------------------------------------------------------- helpers

//  A list with one entry of each type, the last one nested.
static wb_kvlist_t *
s_sample (void)
{
    wb_kvlist_t *list = wb_kvlist_new ();
    assert_non_null (list);
    assert_int_equal (wb_kvlist_add_string (list, "Subject", "hello"), 0);
    assert_int_equal (wb_kvlist_add_int (list, "Priority", 5), 0);
    assert_int_equal (wb_kvlist_add_binary (list, "Blob", "\x00\x01", 2), 0);
    wb_kvlist_t *inner = wb_kvlist_new ();
    assert_int_equal (wb_kvlist_add_int (inner, "A", -1), 0);
    assert_int_equal (wb_kvlist_add_string (inner, "B", ""), 0);
    assert_int_equal (wb_kvlist_add_list (list, "Inner", &inner), 0);
    return list;
}

//  Printed form of s_sample.
#define SAMPLE_TEXT "{Subject='hello' Priority=5 Blob=<2 bytes> Inner={A=-1 B=''}}"

//  Encode, decode, and check the decoded list equals the original.
static void
s_assert_round_trip (const wb_kvlist_t *list)
{
    size_t size = 0;
    uint8_t *bytes = wb_kvlist_encode (list, &size);
    assert_non_null (bytes);
    assert_int_equal (size, wb_kvlist_encoded_size (list));
    wb_codec_status_t status = WB_CODEC_STATUS_COUNT;
    wb_kvlist_t *decoded = wb_kvlist_decode (bytes, size, &status);
    free (bytes);
    assert_int_equal (status, WB_CODEC_OK);
    assert_non_null (decoded);
    assert_true (wb_kvlist_equal (decoded, list));
    wb_kvlist_destroy (&decoded);
}

//  A list nested to depth levels in all (the list itself is depth 1).
static wb_kvlist_t *
s_nested (size_t depth)
{
    wb_kvlist_t *list = wb_kvlist_new ();
    assert_int_equal (wb_kvlist_add_int (list, "Level", (int64_t) depth), 0);
    for (size_t level = depth - 1; level > 0; level--) {
        wb_kvlist_t *outer = wb_kvlist_new ();
        assert_int_equal (wb_kvlist_add_int (outer, "Level", (int64_t) level), 0);
        assert_int_equal (wb_kvlist_add_list (outer, "Child", &list), 0);
        list = outer;
    }
    return list;
}

//  A list of count int entries with distinct keys k00000, k00001...
static wb_kvlist_t *
s_many (size_t count)
{
    wb_kvlist_t *list = wb_kvlist_new ();
    for (size_t index = 0; index < count; index++) {
        char key [32];
        snprintf (key, sizeof (key), "k%05zu", index);
        assert_int_equal (wb_kvlist_add_int (list, key, (int64_t) index), 0);
    }
    return list;
}

//  A NUL-terminated string of size copies of 'a'.
static char *
s_string_of (size_t size)
{
    char *text = malloc (size + 1);
    assert_non_null (text);
    memset (text, 'a', size);
    text [size] = 0;
    return text;
}

// ---------------------------------------------------------------- degenerate

static void
test_null_list_is_safe_everywhere (void **state)
{
    (void) state;
    wb_kvlist_t *null = NULL;
    wb_kvlist_destroy (NULL);
    wb_kvlist_destroy (&null);
    assert_null (wb_kvlist_dup (NULL));
    assert_int_equal (wb_kvlist_size (NULL), 0);
    assert_int_equal (wb_kvlist_add_string (NULL, "K", "v"), -1);
    assert_int_equal (wb_kvlist_add_int (NULL, "K", 1), -1);
    assert_int_equal (wb_kvlist_add_binary (NULL, "K", "v", 1), -1);
    assert_int_equal (wb_kvlist_set_string (NULL, "K", "v"), -1);
    assert_int_equal (wb_kvlist_set_int (NULL, "K", 1), -1);
    assert_int_equal (wb_kvlist_remove (NULL, "K"), 0);
    assert_false (wb_kvlist_has (NULL, "K"));
    assert_null (wb_kvlist_string (NULL, "K"));
    assert_int_equal (wb_kvlist_int (NULL, "K", NULL), -1);
    assert_int_equal (wb_kvlist_int_or (NULL, "K", 42), 42);
    assert_null (wb_kvlist_binary (NULL, "K", NULL));
    assert_null (wb_kvlist_list (NULL, "K"));
    assert_int_equal (wb_kvlist_type (NULL, "K"), 0);
    assert_null (wb_kvlist_key_at (NULL, 0));
    assert_int_equal (wb_kvlist_type_at (NULL, 0), 0);
    assert_int_equal (wb_kvlist_encoded_size (NULL), 0);
    size_t size = 0;
    assert_null (wb_kvlist_encode (NULL, &size));
}

static void
test_null_list_add_list_frees_the_child (void **state)
{
    (void) state;
    wb_kvlist_t *child = s_sample ();
    assert_int_equal (wb_kvlist_add_list (NULL, "K", &child), -1);
    assert_null (child);         //  ownership taken: freed, or valgrind says
    child = s_sample ();
    assert_int_equal (wb_kvlist_set_list (NULL, "K", &child), -1);
    assert_null (child);
}

static void
test_null_key_or_value_is_refused (void **state)
{
    (void) state;
    wb_kvlist_t *list = wb_kvlist_new ();
    wb_kvlist_t *null = NULL;
    assert_int_equal (wb_kvlist_add_string (list, NULL, "v"), -1);
    assert_int_equal (wb_kvlist_add_string (list, "K", NULL), -1);
    assert_int_equal (wb_kvlist_add_int (list, NULL, 1), -1);
    assert_int_equal (wb_kvlist_add_binary (list, "K", NULL, 1), -1);
    assert_int_equal (wb_kvlist_add_list (list, "K", NULL), -1);
    assert_int_equal (wb_kvlist_add_list (list, "K", &null), -1);
    assert_int_equal (wb_kvlist_size (list), 0);
    assert_false (wb_kvlist_has (list, NULL));
    assert_int_equal (wb_kvlist_remove (list, NULL), 0);
    wb_kvlist_destroy (&list);
    assert_null (list);
}

static void
test_empty_list_has_no_entries (void **state)
{
    (void) state;
    wb_kvlist_t *list = wb_kvlist_new ();
    assert_non_null (list);
    assert_int_equal (wb_kvlist_size (list), 0);
    assert_false (wb_kvlist_has (list, "K"));
    assert_int_equal (wb_kvlist_type (list, "K"), 0);
    assert_null (wb_kvlist_key_at (list, 0));
    assert_int_equal (wb_kvlist_remove (list, "K"), 0);
    assert_int_equal (wb_kvlist_encoded_size (list), 4);
    wb_kvlist_destroy (&list);
}

static void
test_index_past_the_end_finds_nothing (void **state)
{
    (void) state;
    wb_kvlist_t *list = s_sample ();
    size_t size = 99;
    size_t end = wb_kvlist_size (list);
    assert_null (wb_kvlist_key_at (list, end));
    assert_int_equal (wb_kvlist_type_at (list, end), 0);
    assert_null (wb_kvlist_string_at (list, end));
    assert_int_equal (wb_kvlist_int_at (list, end), 0);
    assert_null (wb_kvlist_binary_at (list, end, &size));
    assert_int_equal (size, 99);
    assert_null (wb_kvlist_list_at (list, end));
    assert_null (wb_kvlist_key_at (list, SIZE_MAX));
    wb_kvlist_destroy (&list);
}

static void
test_add_refuses_bad_keys (void **state)
{
    (void) state;
    wb_kvlist_t *list = wb_kvlist_new ();
    char too_long [WB_KEY_MAX + 2];
    memset (too_long, 'K', WB_KEY_MAX + 1);
    too_long [WB_KEY_MAX + 1] = 0;
    const char *bad [] = {
        "", too_long, "Two words", " Lead", "Tab\there", "Ctrl\x01",
        "Del\x7f", "Cl\xc3\xa9", "New\nline"
    };
    for (size_t index = 0; index < sizeof (bad) / sizeof (bad [0]); index++) {
        assert_int_equal (wb_kvlist_add_string (list, bad [index], "v"), -1);
        assert_int_equal (wb_kvlist_add_int (list, bad [index], 1), -1);
        assert_int_equal (wb_kvlist_add_binary (list, bad [index], "v", 1), -1);
        assert_int_equal (wb_kvlist_set_int (list, bad [index], 1), -1);
    }
    assert_int_equal (wb_kvlist_size (list), 0);
    wb_kvlist_destroy (&list);
}

static void
test_add_list_with_bad_key_frees_the_child (void **state)
{
    (void) state;
    wb_kvlist_t *list = wb_kvlist_new ();
    wb_kvlist_t *child = s_sample ();
    assert_int_equal (wb_kvlist_add_list (list, "bad key", &child), -1);
    assert_null (child);
    child = s_sample ();
    assert_int_equal (wb_kvlist_set_list (list, "", &child), -1);
    assert_null (child);
    assert_int_equal (wb_kvlist_size (list), 0);
    wb_kvlist_destroy (&list);
}

static void
test_add_refuses_value_too_big (void **state)
{
    (void) state;
    wb_kvlist_t *list = wb_kvlist_new ();
    char *text = s_string_of (WB_VALUE_MAX + 1);
    assert_int_equal (wb_kvlist_add_string (list, "Text", text), -1);
    assert_int_equal (wb_kvlist_set_string (list, "Text", text), -1);
    assert_int_equal (wb_kvlist_add_binary (list, "Data", text, WB_VALUE_MAX + 1), -1);
    assert_int_equal (wb_kvlist_size (list), 0);
    free (text);
    wb_kvlist_destroy (&list);
}

static void
test_add_refuses_entry_past_entries_max (void **state)
{
    (void) state;
    wb_kvlist_t *list = s_many (WB_ENTRIES_MAX);
    wb_kvlist_t *child = wb_kvlist_new ();
    assert_int_equal (wb_kvlist_add_int (list, "One", 1), -1);
    assert_int_equal (wb_kvlist_add_string (list, "One", "more"), -1);
    assert_int_equal (wb_kvlist_add_binary (list, "One", "", 0), -1);
    assert_int_equal (wb_kvlist_add_list (list, "One", &child), -1);
    assert_null (child);
    assert_int_equal (wb_kvlist_size (list), WB_ENTRIES_MAX);
    wb_kvlist_destroy (&list);
}

static void
test_encode_refuses_nesting_past_depth_max (void **state)
{
    (void) state;
    wb_kvlist_t *list = s_nested (WB_DEPTH_MAX + 1);
    size_t size = 0;
    assert_null (wb_kvlist_encode (list, &size));
    wb_kvlist_destroy (&list);
}

static void
test_encode_refuses_body_over_body_max (void **state)
{
    (void) state;
    //  32 values of WB_VALUE_MAX plus their framing exceed WB_BODY_MAX
    wb_kvlist_t *list = wb_kvlist_new ();
    char *text = s_string_of (WB_VALUE_MAX);
    for (size_t index = 0; index < WB_BODY_MAX / WB_VALUE_MAX; index++)
        assert_int_equal (wb_kvlist_add_string (list, "Text", text), 0);
    free (text);
    assert_true (wb_kvlist_encoded_size (list) > WB_BODY_MAX);
    size_t size = 0;
    assert_null (wb_kvlist_encode (list, &size));
    assert_null (wb_kvlist_encode (list, NULL));
    wb_kvlist_destroy (&list);
}

//  A string the decoder would refuse (not UTF-8) is not encoded either:
//  not at the top, not in a nested list, not with a ReferenceId first.
static void
test_encode_refuses_strings_that_are_not_utf8 (void **state)
{
    (void) state;
    const char *bad [] = { "Alice \xe9", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe4\xbd" };
    for (size_t index = 0; index < sizeof (bad) / sizeof (bad [0]); index++) {
        assert_false (wb_utf8_valid (bad [index], strlen (bad [index])));
        wb_kvlist_t *list = wb_kvlist_new ();
        wb_kvlist_t *child = wb_kvlist_new ();
        assert_int_equal (wb_kvlist_add_string (child, "Name", bad [index]), 0);
        assert_int_equal (wb_kvlist_add_list (list, "Owner", &child), 0);
        size_t size = 0;
        assert_null (wb_kvlist_encode (list, &size));
        assert_int_equal (wb_kvlist_encode_int_first (list, "ReferenceId", 1, NULL, 0), 0);
        uint8_t buffer [64];
        assert_int_equal (wb_kvlist_encode_int_first (list, "ReferenceId", 1, buffer,
                                                      sizeof (buffer)), 0);
        wb_kvlist_destroy (&list);
    }
    assert_true (wb_utf8_valid ("", 0));
    assert_true (wb_utf8_valid (UTF8_EMOJI, strlen (UTF8_EMOJI)));
    assert_false (wb_utf8_valid (NULL, 0));
}

static void
test_decode_refuses_null_empty_and_oversized_input (void **state)
{
    (void) state;
    wb_codec_status_t status = WB_CODEC_OK;
    assert_null (wb_kvlist_decode (NULL, 4, &status));
    assert_int_equal (status, WB_CODEC_TRUNCATED);
    const uint8_t empty [4] = { 0 };
    assert_null (wb_kvlist_decode (empty, 0, &status));
    assert_int_equal (status, WB_CODEC_TRUNCATED);
    assert_null (wb_kvlist_decode (empty, 3, NULL));
    //  Too big is refused on the size alone: the bytes are never read
    assert_null (wb_kvlist_decode (empty, (size_t) WB_BODY_MAX + 1, &status));
    assert_int_equal (status, WB_CODEC_TOO_BIG);
}

static void
test_status_texts_cover_every_status (void **state)
{
    (void) state;
    for (int status = 0; status < WB_CODEC_STATUS_COUNT; status++) {
        const char *text = wb_codec_status_text ((wb_codec_status_t) status);
        assert_non_null (text);
        assert_string_not_equal (text, "unknown codec status");
    }
    assert_string_equal (wb_codec_status_text (WB_CODEC_STATUS_COUNT),
                         "unknown codec status");
    assert_string_equal (wb_codec_status_text ((wb_codec_status_t) -1),
                         "unknown codec status");
}

// ---------------------------------------------------------------- entries

static void
test_add_keeps_order_and_types (void **state)
{
    (void) state;
    wb_kvlist_t *list = s_sample ();
    assert_int_equal (wb_kvlist_size (list), 4);
    const char *keys [] = { "Subject", "Priority", "Blob", "Inner" };
    const wb_type_t types [] = {
        WB_TYPE_STRING, WB_TYPE_INT, WB_TYPE_BINARY, WB_TYPE_LIST
    };
    for (size_t index = 0; index < 4; index++) {
        assert_string_equal (wb_kvlist_key_at (list, index), keys [index]);
        assert_int_equal (wb_kvlist_type_at (list, index), types [index]);
        assert_int_equal (wb_kvlist_type (list, keys [index]), types [index]);
        assert_true (wb_kvlist_has (list, keys [index]));
    }
    wb_kvlist_destroy (&list);
}

static void
test_lookup_by_key_returns_values (void **state)
{
    (void) state;
    wb_kvlist_t *list = s_sample ();
    assert_string_equal (wb_kvlist_string (list, "Subject"), "hello");
    int64_t value = 0;
    assert_int_equal (wb_kvlist_int (list, "Priority", &value), 0);
    assert_int_equal (value, 5);
    assert_int_equal (wb_kvlist_int (list, "Priority", NULL), 0);
    assert_int_equal (wb_kvlist_int_or (list, "Priority", 9), 5);
    size_t size = 0;
    const uint8_t *data = wb_kvlist_binary (list, "Blob", &size);
    assert_non_null (data);
    assert_int_equal (size, 2);
    assert_memory_equal (data, "\x00\x01", 2);
    assert_non_null (wb_kvlist_binary (list, "Blob", NULL));
    wb_kvlist_t *inner = wb_kvlist_list (list, "Inner");
    assert_non_null (inner);
    assert_int_equal (wb_kvlist_int_or (inner, "A", 0), -1);
    wb_kvlist_destroy (&list);
}

static void
test_lookup_of_other_type_or_absent_key_fails (void **state)
{
    (void) state;
    wb_kvlist_t *list = s_sample ();
    int64_t value = 77;
    assert_null (wb_kvlist_string (list, "Priority"));
    assert_int_equal (wb_kvlist_int (list, "Subject", &value), -1);
    assert_int_equal (value, 77);
    assert_int_equal (wb_kvlist_int_or (list, "Subject", 9), 9);
    assert_null (wb_kvlist_binary (list, "Subject", NULL));
    assert_null (wb_kvlist_list (list, "Blob"));
    assert_false (wb_kvlist_has (list, "Absent"));
    assert_false (wb_kvlist_has (list, "subject"));    //  case matters
    assert_int_equal (wb_kvlist_int_or (list, "Absent", -5), -5);
    assert_int_equal (wb_kvlist_type (list, "Absent"), 0);
    wb_kvlist_destroy (&list);
}

static void
test_lookup_by_index_returns_values (void **state)
{
    (void) state;
    wb_kvlist_t *list = s_sample ();
    assert_string_equal (wb_kvlist_string_at (list, 0), "hello");
    assert_int_equal (wb_kvlist_int_at (list, 1), 5);
    size_t size = 0;
    const uint8_t *data = wb_kvlist_binary_at (list, 2, &size);
    assert_int_equal (size, 2);
    assert_memory_equal (data, "\x00\x01", 2);
    assert_ptr_equal (wb_kvlist_list_at (list, 3), wb_kvlist_list (list, "Inner"));
    //  Wrong type at an index gives nothing
    assert_null (wb_kvlist_string_at (list, 1));
    assert_int_equal (wb_kvlist_int_at (list, 0), 0);
    assert_null (wb_kvlist_binary_at (list, 0, NULL));
    assert_null (wb_kvlist_list_at (list, 0));
    wb_kvlist_destroy (&list);
}

static void
test_duplicate_keys_are_kept_and_first_wins (void **state)
{
    (void) state;
    wb_kvlist_t *list = wb_kvlist_new ();
    assert_int_equal (wb_kvlist_add_string (list, "Tag", "first"), 0);
    assert_int_equal (wb_kvlist_add_int (list, "Other", 0), 0);
    assert_int_equal (wb_kvlist_add_string (list, "Tag", "second"), 0);
    assert_int_equal (wb_kvlist_add_int (list, "Count", 1), 0);
    assert_int_equal (wb_kvlist_add_int (list, "Count", 2), 0);
    assert_int_equal (wb_kvlist_size (list), 5);
    assert_string_equal (wb_kvlist_string (list, "Tag"), "first");
    assert_string_equal (wb_kvlist_string_at (list, 2), "second");
    assert_int_equal (wb_kvlist_int_or (list, "Count", 0), 1);
    wb_kvlist_destroy (&list);
}

static void
test_type_by_key_is_the_first_entry_type (void **state)
{
    (void) state;
    wb_kvlist_t *list = wb_kvlist_new ();
    assert_int_equal (wb_kvlist_add_int (list, "Mixed", 1), 0);
    assert_int_equal (wb_kvlist_add_string (list, "Mixed", "two"), 0);
    assert_int_equal (wb_kvlist_type (list, "Mixed"), WB_TYPE_INT);
    wb_kvlist_destroy (&list);
}

static void
test_set_replaces_first_entry_in_place (void **state)
{
    (void) state;
    wb_kvlist_t *list = wb_kvlist_new ();
    assert_int_equal (wb_kvlist_add_string (list, "Tag", "first"), 0);
    assert_int_equal (wb_kvlist_add_int (list, "Other", 0), 0);
    assert_int_equal (wb_kvlist_add_string (list, "Tag", "second"), 0);
    assert_int_equal (wb_kvlist_set_int (list, "Tag", 7), 0);
    assert_int_equal (wb_kvlist_size (list), 3);
    assert_string_equal (wb_kvlist_key_at (list, 0), "Tag");
    assert_int_equal (wb_kvlist_int_at (list, 0), 7);
    assert_string_equal (wb_kvlist_key_at (list, 1), "Other");
    assert_string_equal (wb_kvlist_string_at (list, 2), "second");
    assert_int_equal (wb_kvlist_set_string (list, "Other", "now text"), 0);
    assert_string_equal (wb_kvlist_string_at (list, 1), "now text");
    assert_int_equal (wb_kvlist_size (list), 3);
    wb_kvlist_destroy (&list);
}

static void
test_set_appends_an_absent_key (void **state)
{
    (void) state;
    wb_kvlist_t *list = s_sample ();
    assert_int_equal (wb_kvlist_set_string (list, "New", "value"), 0);
    assert_int_equal (wb_kvlist_set_int (list, "Number", 3), 0);
    assert_int_equal (wb_kvlist_size (list), 6);
    assert_string_equal (wb_kvlist_key_at (list, 4), "New");
    assert_string_equal (wb_kvlist_key_at (list, 5), "Number");
    wb_kvlist_destroy (&list);
}

static void
test_set_list_replaces_and_frees_the_old_list (void **state)
{
    (void) state;
    wb_kvlist_t *list = s_sample ();
    wb_kvlist_t *replacement = wb_kvlist_new ();
    assert_int_equal (wb_kvlist_add_string (replacement, "Only", "one"), 0);
    assert_int_equal (wb_kvlist_set_list (list, "Inner", &replacement), 0);
    assert_null (replacement);
    assert_int_equal (wb_kvlist_size (list), 4);
    wb_kvlist_t *inner = wb_kvlist_list_at (list, 3);
    assert_int_equal (wb_kvlist_size (inner), 1);
    assert_string_equal (wb_kvlist_string (inner, "Only"), "one");
    wb_kvlist_destroy (&list);
}

//  Replacing needs no new slot, so a full list must still accept it.
static void
test_set_replaces_even_when_list_is_full (void **state)
{
    (void) state;
    wb_kvlist_t *list = s_many (WB_ENTRIES_MAX);
    int rc = wb_kvlist_set_int (list, "k00003", -3);
    int64_t value = wb_kvlist_int_or (list, "k00003", 0);
    size_t size = wb_kvlist_size (list);
    wb_kvlist_destroy (&list);
    assert_int_equal (rc, 0);
    assert_int_equal (value, -3);
    assert_int_equal (size, WB_ENTRIES_MAX);
}

static void
test_remove_drops_every_entry_with_key (void **state)
{
    (void) state;
    wb_kvlist_t *list = wb_kvlist_new ();
    assert_int_equal (wb_kvlist_add_string (list, "Tag", "a"), 0);
    assert_int_equal (wb_kvlist_add_int (list, "Keep", 1), 0);
    assert_int_equal (wb_kvlist_add_binary (list, "Tag", "b", 1), 0);
    assert_int_equal (wb_kvlist_add_int (list, "Also", 2), 0);
    wb_kvlist_t *child = s_sample ();
    assert_int_equal (wb_kvlist_add_list (list, "Tag", &child), 0);
    assert_int_equal (wb_kvlist_remove (list, "Tag"), 3);
    assert_int_equal (wb_kvlist_size (list), 2);
    assert_string_equal (wb_kvlist_key_at (list, 0), "Keep");
    assert_string_equal (wb_kvlist_key_at (list, 1), "Also");
    assert_false (wb_kvlist_has (list, "Tag"));
    assert_int_equal (wb_kvlist_remove (list, "Tag"), 0);
    wb_kvlist_destroy (&list);
}

// ---------------------------------------------------------------- dup, equal, append

static void
test_dup_is_a_deep_copy (void **state)
{
    (void) state;
    wb_kvlist_t *list = s_sample ();
    wb_kvlist_t *copy = wb_kvlist_dup (list);
    assert_non_null (copy);
    assert_true (wb_kvlist_equal (copy, list));
    assert_ptr_not_equal (wb_kvlist_list (copy, "Inner"), wb_kvlist_list (list, "Inner"));
    assert_ptr_not_equal (wb_kvlist_string (copy, "Subject"), wb_kvlist_string (list, "Subject"));
    //  A change deep in the original leaves the copy as it was
    assert_int_equal (wb_kvlist_set_int (wb_kvlist_list (list, "Inner"), "A", 100), 0);
    assert_false (wb_kvlist_equal (copy, list));
    assert_int_equal (wb_kvlist_int_or (wb_kvlist_list (copy, "Inner"), "A", 0), -1);
    wb_kvlist_destroy (&list);
    wb_kvlist_destroy (&copy);
}

static void
test_dup_of_empty_list_is_empty (void **state)
{
    (void) state;
    wb_kvlist_t *list = wb_kvlist_new ();
    wb_kvlist_t *copy = wb_kvlist_dup (list);
    assert_non_null (copy);
    assert_int_equal (wb_kvlist_size (copy), 0);
    assert_true (wb_kvlist_equal (copy, list));
    wb_kvlist_destroy (&list);
    wb_kvlist_destroy (&copy);
}

static void
test_equal_handles_null_and_empty (void **state)
{
    (void) state;
    wb_kvlist_t *empty = wb_kvlist_new ();
    wb_kvlist_t *other = wb_kvlist_new ();
    assert_true (wb_kvlist_equal (NULL, NULL));
    assert_false (wb_kvlist_equal (empty, NULL));
    assert_false (wb_kvlist_equal (NULL, empty));
    assert_true (wb_kvlist_equal (empty, other));
    assert_true (wb_kvlist_equal (empty, empty));
    wb_kvlist_destroy (&empty);
    wb_kvlist_destroy (&other);
}

//  Build s_sample, change it with one edit, and check it no longer equals.
static void
s_assert_edit_breaks_equality (void (*edit) (wb_kvlist_t *list))
{
    wb_kvlist_t *list = s_sample ();
    wb_kvlist_t *edited = s_sample ();
    assert_true (wb_kvlist_equal (list, edited));
    edit (edited);
    assert_false (wb_kvlist_equal (list, edited));
    assert_false (wb_kvlist_equal (edited, list));
    wb_kvlist_destroy (&list);
    wb_kvlist_destroy (&edited);
}

static void
s_edit_string (wb_kvlist_t *list)
{
    wb_kvlist_set_string (list, "Subject", "hellO");
}

static void
s_edit_int (wb_kvlist_t *list)
{
    wb_kvlist_set_int (list, "Priority", 6);
}

static void
s_edit_type (wb_kvlist_t *list)
{
    wb_kvlist_set_string (list, "Priority", "5");
}

static void
s_edit_binary_byte (wb_kvlist_t *list)
{
    uint8_t *data = (uint8_t *) wb_kvlist_binary (list, "Blob", NULL);
    data [1] = 2;
}

static void
s_edit_binary_size (wb_kvlist_t *list)
{
    wb_kvlist_remove (list, "Blob");
    wb_kvlist_add_binary (list, "Blob", "\x00\x01\x00", 3);
}

static void
s_edit_nested (wb_kvlist_t *list)
{
    wb_kvlist_set_string (wb_kvlist_list (list, "Inner"), "B", " ");
}

static void
s_edit_order (wb_kvlist_t *list)
{
    wb_kvlist_remove (list, "Subject");
    wb_kvlist_add_string (list, "Subject", "hello");
}

static void
s_edit_key (wb_kvlist_t *list)
{
    wb_kvlist_remove (list, "Subject");
    wb_kvlist_add_string (list, "subject", "hello");
}

static void
s_edit_extra (wb_kvlist_t *list)
{
    wb_kvlist_add_int (wb_kvlist_list (list, "Inner"), "C", 0);
}

static void
test_equal_is_deep_and_ordered (void **state)
{
    (void) state;
    s_assert_edit_breaks_equality (s_edit_string);
    s_assert_edit_breaks_equality (s_edit_int);
    s_assert_edit_breaks_equality (s_edit_type);
    s_assert_edit_breaks_equality (s_edit_binary_byte);
    s_assert_edit_breaks_equality (s_edit_binary_size);
    s_assert_edit_breaks_equality (s_edit_nested);
    s_assert_edit_breaks_equality (s_edit_order);
    s_assert_edit_breaks_equality (s_edit_key);
    s_assert_edit_breaks_equality (s_edit_extra);
}

static void
test_append_copies_every_entry_deeply (void **state)
{
    (void) state;
    wb_kvlist_t *list = wb_kvlist_new ();
    assert_int_equal (wb_kvlist_add_int (list, "First", 1), 0);
    wb_kvlist_t *source = s_sample ();
    assert_int_equal (wb_kvlist_append (list, source), 0);
    assert_int_equal (wb_kvlist_size (list), 5);
    assert_string_equal (wb_kvlist_key_at (list, 0), "First");
    assert_string_equal (wb_kvlist_key_at (list, 1), "Subject");
    assert_true (wb_kvlist_equal (wb_kvlist_list (list, "Inner"),
                                  wb_kvlist_list (source, "Inner")));
    assert_ptr_not_equal (wb_kvlist_list (list, "Inner"), wb_kvlist_list (source, "Inner"));
    wb_kvlist_destroy (&source);      //  the copy must outlive its source
    assert_int_equal (wb_kvlist_int_or (wb_kvlist_list (list, "Inner"), "A", 0), -1);
    wb_kvlist_destroy (&list);
}

static void
test_append_of_empty_or_null_list (void **state)
{
    (void) state;
    wb_kvlist_t *list = s_sample ();
    wb_kvlist_t *empty = wb_kvlist_new ();
    assert_int_equal (wb_kvlist_append (list, empty), 0);
    assert_int_equal (wb_kvlist_size (list), 4);
    assert_int_equal (wb_kvlist_append (list, NULL), -1);
    assert_int_equal (wb_kvlist_append (NULL, list), -1);
    assert_int_equal (wb_kvlist_size (list), 4);
    wb_kvlist_destroy (&list);
    wb_kvlist_destroy (&empty);
}

//  Appending a list to itself copies the entries it had when called.
static void
test_append_of_a_list_to_itself_doubles_it (void **state)
{
    (void) state;
    wb_kvlist_t *list = s_sample ();
    wb_kvlist_t *expected = s_sample ();
    assert_int_equal (wb_kvlist_append (expected, list), 0);
    int rc = wb_kvlist_append (list, list);
    size_t size = wb_kvlist_size (list);
    bool equal = wb_kvlist_equal (list, expected);
    wb_kvlist_destroy (&list);
    wb_kvlist_destroy (&expected);
    assert_int_equal (rc, 0);
    assert_int_equal (size, 8);
    assert_true (equal);
}

static void
test_append_refuses_past_entries_max (void **state)
{
    (void) state;
    wb_kvlist_t *list = s_many (WB_ENTRIES_MAX - 1);
    wb_kvlist_t *source = s_many (2);
    assert_int_equal (wb_kvlist_append (list, source), -1);
    assert_int_equal (wb_kvlist_size (list), WB_ENTRIES_MAX);
    wb_kvlist_destroy (&list);
    wb_kvlist_destroy (&source);
}

// ---------------------------------------------------------------- encoding

static void
test_encode_writes_the_big_endian_layout (void **state)
{
    (void) state;
    wb_kvlist_t *list = wb_kvlist_new ();
    wb_kvlist_add_string (list, "A", "xy");
    wb_kvlist_add_int (list, "N", -2);
    wb_kvlist_add_binary (list, "B", "\xff", 1);
    wb_kvlist_t *empty = wb_kvlist_new ();
    wb_kvlist_add_list (list, "L", &empty);
    const uint8_t expected [] = {
        0, 0, 0, 4,                                         //  count
        1, 'A', 1, 0, 0, 0, 2, 'x', 'y',                    //  string
        1, 'N', 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,   //  int
        1, 'B', 3, 0, 0, 0, 1, 0xff,                        //  binary
        1, 'L', 4, 0, 0, 0, 0                               //  empty list
    };
    size_t size = 0;
    uint8_t *bytes = wb_kvlist_encode (list, &size);
    assert_int_equal (size, sizeof (expected));
    assert_int_equal (wb_kvlist_encoded_size (list), sizeof (expected));
    assert_memory_equal (bytes, expected, sizeof (expected));
    free (bytes);
    wb_kvlist_destroy (&list);
}

static void
test_empty_list_round_trips_as_four_zero_bytes (void **state)
{
    (void) state;
    wb_kvlist_t *list = wb_kvlist_new ();
    size_t size = 0;
    uint8_t *bytes = wb_kvlist_encode (list, &size);
    assert_int_equal (size, 4);
    assert_memory_equal (bytes, "\0\0\0\0", 4);
    free (bytes);
    s_assert_round_trip (list);
    wb_kvlist_destroy (&list);
}

static void
test_sample_round_trips (void **state)
{
    (void) state;
    wb_kvlist_t *list = s_sample ();
    s_assert_round_trip (list);
    wb_kvlist_destroy (&list);
}

static void
test_nesting_to_depth_max_round_trips (void **state)
{
    (void) state;
    for (size_t depth = 1; depth <= WB_DEPTH_MAX; depth++) {
        wb_kvlist_t *list = s_nested (depth);
        s_assert_round_trip (list);
        wb_kvlist_destroy (&list);
    }
}

static void
test_empty_strings_and_binaries_round_trip (void **state)
{
    (void) state;
    wb_kvlist_t *list = wb_kvlist_new ();
    assert_int_equal (wb_kvlist_add_string (list, "Text", ""), 0);
    assert_int_equal (wb_kvlist_add_binary (list, "Data", NULL, 0), 0);
    assert_int_equal (wb_kvlist_add_binary (list, "More", "x", 0), 0);
    wb_kvlist_t *empty = wb_kvlist_new ();
    assert_int_equal (wb_kvlist_add_list (list, "None", &empty), 0);
    s_assert_round_trip (list);
    size_t size = 99;
    assert_non_null (wb_kvlist_binary (list, "Data", &size));
    assert_int_equal (size, 0);
    assert_string_equal (wb_kvlist_string (list, "Text"), "");
    wb_kvlist_destroy (&list);
}

static void
test_maximal_values_round_trip (void **state)
{
    (void) state;
    wb_kvlist_t *list = wb_kvlist_new ();
    char *text = s_string_of (WB_VALUE_MAX);
    char *key = s_string_of (WB_KEY_MAX);
    assert_int_equal (wb_kvlist_add_string (list, "Text", text), 0);
    assert_int_equal (wb_kvlist_add_binary (list, "Data", text, WB_VALUE_MAX), 0);
    assert_int_equal (wb_kvlist_add_int (list, key, 1), 0);
    assert_int_equal (wb_kvlist_add_int (list, "Min", INT64_MIN), 0);
    assert_int_equal (wb_kvlist_add_int (list, "Max", INT64_MAX), 0);
    assert_int_equal (wb_kvlist_add_int (list, "MinusOne", -1), 0);
    s_assert_round_trip (list);
    free (text);
    free (key);
    wb_kvlist_destroy (&list);
}

static void
test_every_byte_value_round_trips_in_a_binary (void **state)
{
    (void) state;
    uint8_t data [256];
    for (size_t index = 0; index < sizeof (data); index++)
        data [index] = (uint8_t) index;
    wb_kvlist_t *list = wb_kvlist_new ();
    assert_int_equal (wb_kvlist_add_binary (list, "Bytes", data, sizeof (data)), 0);
    s_assert_round_trip (list);
    wb_kvlist_destroy (&list);
}

static void
test_entries_max_round_trips (void **state)
{
    (void) state;
    wb_kvlist_t *list = s_many (WB_ENTRIES_MAX);
    s_assert_round_trip (list);
    wb_kvlist_destroy (&list);
}

static void
test_utf8_strings_round_trip (void **state)
{
    (void) state;
    wb_kvlist_t *list = wb_kvlist_new ();
    assert_int_equal (wb_kvlist_add_string (list, "Latin", UTF8_LATIN), 0);
    assert_int_equal (wb_kvlist_add_string (list, "Cjk", UTF8_CJK), 0);
    assert_int_equal (wb_kvlist_add_string (list, "Emoji", UTF8_EMOJI), 0);
    assert_int_equal (wb_kvlist_add_string (list, "Last", UTF8_LAST), 0);
    assert_int_equal (wb_kvlist_add_string (list, "Mixed",
        "Re: " UTF8_LATIN " / " UTF8_CJK " " UTF8_EMOJI), 0);
    s_assert_round_trip (list);
    wb_kvlist_destroy (&list);
}

// ---------------------------------------------------------------- printing

static void
test_print_ignores_null_buffer_and_zero_capacity (void **state)
{
    (void) state;
    wb_kvlist_t *list = s_sample ();
    char buffer [8] = "xxxxxxx";
    wb_kvlist_print (list, NULL, 100);
    wb_kvlist_print (list, buffer, 0);
    assert_string_equal (buffer, "xxxxxxx");
    wb_kvlist_print (NULL, buffer, sizeof (buffer));
    assert_string_equal (buffer, "");
    wb_kvlist_destroy (&list);
}

static void
test_print_shows_every_type (void **state)
{
    (void) state;
    wb_kvlist_t *list = s_sample ();
    char buffer [256];
    wb_kvlist_print (list, buffer, sizeof (buffer));
    assert_string_equal (buffer, SAMPLE_TEXT);
    wb_kvlist_destroy (&list);

    list = wb_kvlist_new ();
    wb_kvlist_print (list, buffer, sizeof (buffer));
    assert_string_equal (buffer, "{}");
    wb_kvlist_add_int (list, "Min", INT64_MIN);
    wb_kvlist_add_string (list, "Cjk", UTF8_CJK);
    wb_kvlist_print (list, buffer, sizeof (buffer));
    assert_string_equal (buffer, "{Min=-9223372036854775808 Cjk='" UTF8_CJK "'}");
    wb_kvlist_destroy (&list);
}

//  What a peer sends cannot forge a log line: control characters (C0,
//  DEL, C1 such as CSI) are escaped, and the backslash that escapes them.
static void
test_print_escapes_control_characters (void **state)
{
    (void) state;
    wb_kvlist_t *list = wb_kvlist_new ();
    wb_kvlist_add_string (list, "ClientName",
                          "x\nI: 24-01-01 forged\r\t\x1b[2J\x7f\xc2\x9b\\n " UTF8_LATIN "'");
    char buffer [256];
    wb_kvlist_print (list, buffer, sizeof (buffer));
    assert_string_equal (buffer, "{ClientName='x\\nI: 24-01-01 forged\\r\\t\\x1b[2J\\x7f"
                                 "\\xc2\\x9b\\\\n " UTF8_LATIN "''}");
    for (const char *cursor = buffer; *cursor; cursor++)
        assert_false ((unsigned char) *cursor < 0x20 || *cursor == 0x7f);
    //  cut short, the escapes still end with the dots
    char small [16];
    wb_kvlist_print (list, small, sizeof (small));
    assert_string_equal (small, "{ClientName=...");
    wb_kvlist_destroy (&list);
}

static void
test_print_fits_exactly_without_dots (void **state)
{
    (void) state;
    wb_kvlist_t *list = s_sample ();
    char buffer [sizeof (SAMPLE_TEXT)];
    wb_kvlist_print (list, buffer, sizeof (buffer));
    assert_string_equal (buffer, SAMPLE_TEXT);
    wb_kvlist_destroy (&list);
}

//  Print into capacity bytes of a larger buffer; check the text is the
//  start of the full form ended with "...", and nothing past capacity moved.
static void
s_assert_truncated (const wb_kvlist_t *list, size_t capacity)
{
    char buffer [sizeof (SAMPLE_TEXT) + 16];
    memset (buffer, '#', sizeof (buffer));
    wb_kvlist_print (list, buffer, capacity);
    assert_int_equal (strlen (buffer), capacity - 1);
    assert_memory_equal (buffer, SAMPLE_TEXT, capacity - 4);
    assert_string_equal (buffer + capacity - 4, "...");
    for (size_t index = capacity; index < sizeof (buffer); index++)
        assert_int_equal (buffer [index], '#');
}

static void
test_print_truncates_with_dots (void **state)
{
    (void) state;
    wb_kvlist_t *list = s_sample ();
    s_assert_truncated (list, sizeof (SAMPLE_TEXT) - 1);
    s_assert_truncated (list, 20);
    s_assert_truncated (list, 16);
    s_assert_truncated (list, 4);
    wb_kvlist_destroy (&list);
}

static void
test_print_in_tiny_buffer_stays_terminated (void **state)
{
    (void) state;
    wb_kvlist_t *list = s_sample ();
    char buffer [8];
    for (size_t capacity = 1; capacity < 4; capacity++) {
        memset (buffer, '#', sizeof (buffer));
        wb_kvlist_print (list, buffer, capacity);
        assert_int_equal (strlen (buffer), capacity - 1);
        assert_memory_equal (buffer, SAMPLE_TEXT, capacity - 1);
        assert_int_equal (buffer [capacity], '#');
    }
    wb_kvlist_destroy (&list);
}

// ---------------------------------------------------------------- fast paths

static void
test_fast_path_calls_refuse_degenerate_input (void **state)
{
    (void) state;
    const uint8_t empty_list [4] = { 0 };
    wb_codec_status_t status = WB_CODEC_OK;
    //  check: NULL, empty, too big, as decode
    assert_int_equal (wb_kvlist_check (NULL, 4, NULL), WB_CODEC_TRUNCATED);
    assert_int_equal (wb_kvlist_check (empty_list, 0, NULL), WB_CODEC_TRUNCATED);
    assert_int_equal (wb_kvlist_check (empty_list, (size_t) WB_BODY_MAX + 1, NULL),
                      WB_CODEC_TOO_BIG);
    //  add_encoded: NULL list, NULL or bad bytes, bad key
    assert_int_equal (wb_kvlist_add_encoded (NULL, "K", empty_list, 4, NULL), -1);
    wb_kvlist_t *list = wb_kvlist_new ();
    assert_int_equal (wb_kvlist_add_encoded (list, "K", NULL, 4, &status), -1);
    assert_int_equal (status, WB_CODEC_TRUNCATED);
    assert_int_equal (wb_kvlist_add_encoded (list, "K", empty_list, 3, &status), -1);
    assert_int_equal (status, WB_CODEC_TRUNCATED);
    assert_int_equal (wb_kvlist_add_encoded (list, "bad key", empty_list, 4, &status), -1);
    assert_int_equal (status, WB_CODEC_OK);
    assert_int_equal (wb_kvlist_size (list), 0);
    //  take, reserve, truncate
    assert_null (wb_kvlist_take_list_at (NULL, 0));
    assert_null (wb_kvlist_take_list_at (list, 0));
    assert_int_equal (wb_kvlist_reserve (NULL, 1), -1);
    assert_int_equal (wb_kvlist_reserve (list, (size_t) WB_ENTRIES_MAX + 1), -1);
    assert_int_equal (wb_kvlist_reserve (list, 0), 0);
    wb_kvlist_truncate (NULL, 0);
    wb_kvlist_truncate (list, 5);
    assert_int_equal (wb_kvlist_size (list), 0);
    //  encode_int_first: NULL list, bad key, a full list
    uint8_t buffer [64];
    assert_int_equal (wb_kvlist_encode_int_first (NULL, "R", 1, buffer, sizeof (buffer)), 0);
    assert_int_equal (wb_kvlist_encode_int_first (list, NULL, 1, buffer, sizeof (buffer)), 0);
    assert_int_equal (wb_kvlist_encode_int_first (list, "", 1, buffer, sizeof (buffer)), 0);
    assert_int_equal (wb_kvlist_encode_int_first (list, "a b", 1, buffer, sizeof (buffer)), 0);
    wb_kvlist_t *full = s_many (WB_ENTRIES_MAX);
    assert_int_equal (wb_kvlist_encode_int_first (full, "R", 1, NULL, 0), 0);
    wb_kvlist_destroy (&full);
    wb_kvlist_destroy (&list);
}

static void
test_check_agrees_with_decode_and_gives_depth (void **state)
{
    (void) state;
    wb_kvlist_t *list = s_nested (WB_DEPTH_MAX);
    size_t size = 0, depth = 0;
    uint8_t *bytes = wb_kvlist_encode (list, &size);
    assert_int_equal (wb_kvlist_check (bytes, size, &depth), WB_CODEC_OK);
    assert_int_equal (depth, WB_DEPTH_MAX);
    //  every shorter prefix fails, as decoding it does, with the same status
    for (size_t cut = 0; cut < size; cut++) {
        wb_codec_status_t status = WB_CODEC_OK;
        assert_null (wb_kvlist_decode (bytes, cut, &status));
        assert_int_equal (wb_kvlist_check (bytes, cut, &depth), status);
        assert_int_equal (depth, 0);
    }
    free (bytes);
    wb_kvlist_destroy (&list);
    //  a bad UTF-8 string after a long ASCII run is still found
    wb_kvlist_t *text = wb_kvlist_new ();
    assert_int_equal (wb_kvlist_add_string (text, "T", "0123456789abcdefXY"), 0);
    bytes = wb_kvlist_encode (text, &size);
    bytes [size - 1] = 0xff;
    assert_int_equal (wb_kvlist_check (bytes, size, NULL), WB_CODEC_BAD_UTF8);
    bytes [size - 1] = 0;
    assert_int_equal (wb_kvlist_check (bytes, size, NULL), WB_CODEC_BAD_UTF8);
    bytes [size - 1] = 'Y';
    assert_int_equal (wb_kvlist_check (bytes, size, NULL), WB_CODEC_OK);
    bytes [size - 10] = 0;              //  a NUL inside the ASCII run
    assert_int_equal (wb_kvlist_check (bytes, size, NULL), WB_CODEC_BAD_UTF8);
    free (bytes);
    wb_kvlist_destroy (&text);
}

static void
test_encoded_entry_is_sent_as_is_and_read_as_a_list (void **state)
{
    (void) state;
    wb_kvlist_t *sample = s_sample ();
    size_t size = 0;
    uint8_t *bytes = wb_kvlist_encode (sample, &size);
    wb_kvlist_t *plain = wb_kvlist_new ();
    wb_kvlist_t *encoded = wb_kvlist_new ();
    wb_kvlist_t *copy = wb_kvlist_dup (sample);
    assert_int_equal (wb_kvlist_add_list (plain, "Item", &copy), 0);
    assert_int_equal (wb_kvlist_add_encoded (encoded, "Item", bytes, size, NULL), 0);
    assert_int_equal (wb_kvlist_type_at (encoded, 0), WB_TYPE_LIST);
    assert_int_equal (wb_kvlist_encoded_size (encoded), wb_kvlist_encoded_size (plain));
    //  the encoding is the same byte for byte, also for a copy
    size_t plain_size = 0, encoded_size = 0;
    uint8_t *plain_bytes = wb_kvlist_encode (plain, &plain_size);
    wb_kvlist_t *dup = wb_kvlist_dup (encoded);
    uint8_t *encoded_bytes = wb_kvlist_encode (dup, &encoded_size);
    assert_int_equal (plain_size, encoded_size);
    assert_memory_equal (plain_bytes, encoded_bytes, plain_size);
    //  reading it decodes it
    assert_true (wb_kvlist_equal (dup, plain));
    assert_true (wb_kvlist_equal (wb_kvlist_list_at (encoded, 0), sample));
    assert_string_equal (wb_kvlist_string (wb_kvlist_list (dup, "Item"), "Subject"), "hello");
    char text [128];
    wb_kvlist_print (encoded, text, sizeof (text));
    assert_string_equal (text, "{Item=" SAMPLE_TEXT "}");
    free (plain_bytes);
    free (encoded_bytes);
    free (bytes);
    wb_kvlist_destroy (&dup);
    wb_kvlist_destroy (&encoded);
    wb_kvlist_destroy (&plain);
    wb_kvlist_destroy (&sample);
}

//  Bytes checked before go in again unwalked, only bounded; the depth
//  given is the one the encoder counts.
static void
test_encoded_checked_entry_takes_its_depth_as_given (void **state)
{
    (void) state;
    const uint8_t empty_list [4] = { 0 };
    wb_kvlist_t *list = wb_kvlist_new ();
    assert_int_equal (wb_kvlist_add_encoded_checked (NULL, "K", empty_list, 4, 1), -1);
    assert_int_equal (wb_kvlist_add_encoded_checked (list, "K", NULL, 4, 1), -1);
    assert_int_equal (wb_kvlist_add_encoded_checked (list, "K", empty_list, 3, 1), -1);
    assert_int_equal (wb_kvlist_add_encoded_checked (list, "K", empty_list, 4, 0), -1);
    assert_int_equal (wb_kvlist_add_encoded_checked (list, "K", empty_list, 4,
                                                     WB_DEPTH_MAX + 1), -1);
    assert_int_equal (wb_kvlist_add_encoded_checked (list, "bad key", empty_list, 4, 1), -1);
    assert_int_equal (wb_kvlist_size (list), 0);

    wb_kvlist_t *sample = s_sample ();
    size_t size = 0, kept_size = 0, depth = 0;
    uint8_t *bytes = wb_kvlist_encode (sample, &size);
    assert_int_equal (wb_kvlist_add_encoded_checked (list, "Item", bytes, size, 1), 0);
    assert_ptr_not_equal (wb_kvlist_encoded_at (list, 0, &kept_size, &depth), bytes);
    assert_int_equal (kept_size, size);
    assert_int_equal (depth, 1);
    assert_true (wb_kvlist_equal (wb_kvlist_list_at (list, 0), sample));
    //  a depth of WB_DEPTH_MAX under the body is one level too many to send
    assert_int_equal (wb_kvlist_add_encoded_checked (list, "Deep", bytes, size,
                                                     WB_DEPTH_MAX), 0);
    assert_null (wb_kvlist_encode (list, &size));
    free (bytes);
    wb_kvlist_destroy (&sample);
    wb_kvlist_destroy (&list);
}

static void
test_encoded_entry_counts_toward_depth (void **state)
{
    (void) state;
    wb_kvlist_t *deepest = s_nested (WB_DEPTH_MAX);
    size_t size = 0;
    uint8_t *bytes = wb_kvlist_encode (deepest, &size);
    wb_kvlist_t *outer = wb_kvlist_new ();
    assert_int_equal (wb_kvlist_add_encoded (outer, "Deep", bytes, size, NULL), 0);
    //  one level more than a peer reads: not encoded
    assert_null (wb_kvlist_encode (outer, &size));
    assert_int_equal (wb_kvlist_encode_int_first (outer, "R", 1, NULL, 0), 0);
    free (bytes);
    wb_kvlist_destroy (&outer);
    wb_kvlist_destroy (&deepest);
}

//  A body {Page={Item=<sample> Item=<sample>}}: its items are at depth 3.
static uint8_t *
s_page_bytes (size_t *size)
{
    wb_kvlist_t *page = wb_kvlist_new ();
    for (int count = 0; count < 2; count++) {
        wb_kvlist_t *item = s_sample ();
        assert_int_equal (wb_kvlist_add_list (page, "Item", &item), 0);
    }
    wb_kvlist_t *body = wb_kvlist_new ();
    assert_int_equal (wb_kvlist_add_list (body, "Page", &page), 0);
    uint8_t *bytes = wb_kvlist_encode (body, size);
    assert_non_null (bytes);
    wb_kvlist_destroy (&body);
    return bytes;
}

//  UTF-8 is checked in blocks (16 bytes with SSE2, 8 without; this file
//  runs against both, test_wb_kvlist_scalar): a bad byte at any place of a
//  string of any length is found, a good one is not refused, and a string
//  at the very end of its bytes is not read past (ASan: exact buffers).
static void
test_utf8_check_finds_a_bad_byte_at_every_place (void **state)
{
    (void) state;
    for (size_t length = 0; length <= 48; length++) {
        char *text = malloc (length ? length : 1);
        memset (text, 'a', length);
        assert_true (wb_utf8_valid (text, length));
        for (size_t place = 0; place < length; place++) {
            const char bad [] = { 0x00, (char) 0x80, (char) 0xc3, (char) 0xff, 0x00 };
            for (size_t index = 0; index < 4; index++) {
                text [place] = bad [index];
                assert_false (wb_utf8_valid (text, length));
            }
            if (place + 1 < length) {
                memcpy (text + place, "\xc3\xa9", 2);        /* é */
                assert_true (wb_utf8_valid (text, length));
                text [place + 1] = 'a';
            }
            if (place + 4 <= length) {
                memcpy (text + place, UTF8_LAST, 4);
                assert_true (wb_utf8_valid (text, length));
                memcpy (text + place, "\xf4\x90\x80\x80", 4); /* past U+10FFFF */
                assert_false (wb_utf8_valid (text, length));
                memset (text + place, 'a', 4);
            }
            text [place] = 'a';
        }
        free (text);
    }
}

//  In a body, a string's last block may read on into the bytes after it:
//  what lies there (another entry) must not decide, whatever the length.
static void
test_decode_finds_a_bad_string_byte_at_every_place (void **state)
{
    (void) state;
    for (size_t length = 1; length <= 40; length++) {
        char *value = s_string_of (length);
        wb_kvlist_t *list = wb_kvlist_new ();
        assert_int_equal (wb_kvlist_add_string (list, "S", value), 0);
        //  after the string: bytes that are not UTF-8 at all
        assert_int_equal (wb_kvlist_add_binary (list, "B", "\xff\xff\x80\x00", 4), 0);
        size_t size = 0;
        uint8_t *bytes = wb_kvlist_encode (list, &size);
        uint8_t *text = bytes + 4 + 1 + 1 + 1 + 4;
        s_assert_round_trip (list);
        for (size_t place = 0; place < length; place++) {
            text [place] = 0x80;
            wb_codec_status_t status = WB_CODEC_OK;
            assert_null (wb_kvlist_decode (bytes, size, &status));
            assert_int_equal (status, WB_CODEC_BAD_UTF8);
            assert_int_equal (wb_kvlist_check (bytes, size, NULL), WB_CODEC_BAD_UTF8);
            text [place] = 'a';
        }
        free (bytes);
        free (value);
        wb_kvlist_destroy (&list);
    }
}

//  Keys are checked in blocks too: a key of any length 1..WB_KEY_MAX with
//  a bad byte at any place is refused, at the end of the bytes or not.
static void
test_decode_finds_a_bad_key_byte_at_every_place (void **state)
{
    (void) state;
    for (size_t length = 1; length <= WB_KEY_MAX; length++) {
        char *key = s_string_of (length);
        for (int followed = 0; followed < 2; followed++) {
            //  {KEY={}}: the key is 5 bytes from the end; or {KEY={} Z=...}
            wb_kvlist_t *list = wb_kvlist_new ();
            wb_kvlist_t *empty = wb_kvlist_new ();
            assert_int_equal (wb_kvlist_add_list (list, key, &empty), 0);
            if (followed)
                assert_int_equal (wb_kvlist_add_string (list, "Z", "zzzzzzzzzzzzzzzzzzzz"), 0);
            size_t size = 0;
            uint8_t *encoded = wb_kvlist_encode (list, &size);
            uint8_t *bytes = malloc (size);
            memcpy (bytes, encoded, size);
            free (encoded);
            s_assert_round_trip (list);
            for (size_t place = 0; place < length; place++) {
                const uint8_t bad [] = { ' ', 0x7f, 0x80, 0x00, 0x1f, 0xff };
                for (size_t index = 0; index < sizeof (bad); index++) {
                    bytes [4 + 1 + place] = bad [index];
                    wb_codec_status_t status = WB_CODEC_OK;
                    assert_null (wb_kvlist_decode (bytes, size, &status));
                    assert_int_equal (status, WB_CODEC_BAD_KEY);
                    assert_null (wb_kvlist_decode_lazy (bytes, size, &status));
                    assert_int_equal (status, WB_CODEC_BAD_KEY);
                }
                bytes [4 + 1 + place] = 'a';
            }
            free (bytes);
            wb_kvlist_destroy (&list);
        }
        free (key);
    }
}

//  A list depth levels deep in all, each level {KeyN='TextN' ChildN={...}}:
//  the markers name each level's key and string, so a test can spoil one.
static wb_kvlist_t *
s_marked (size_t depth)
{
    wb_kvlist_t *list = NULL;
    for (size_t level = depth; level > 0; level--) {
        char key [16], text [16];
        snprintf (key, sizeof (key), "Key%zu", level);
        snprintf (text, sizeof (text), "Text%zu", level);
        wb_kvlist_t *outer = wb_kvlist_new ();
        assert_int_equal (wb_kvlist_add_string (outer, key, text), 0);
        assert_int_equal (wb_kvlist_add_int (outer, "N", (int64_t) level), 0);
        snprintf (key, sizeof (key), "Child%zu", level);
        if (list)
            assert_int_equal (wb_kvlist_add_list (outer, key, &list), 0);
        list = outer;
    }
    return list;
}

//  A decoded list's entries lie in its arena (chunks freed with the list):
//  entries set, removed, taken, truncated and read lazily all stay sound
//  (ASan sees a block freed twice or read after its chunk went), over many
//  chunks and a value bigger than any chunk.
static void
test_decoded_list_changes_every_way (void **state)
{
    (void) state;
    wb_kvlist_t *sent = wb_kvlist_new ();
    char key [32], value [64];
    for (int index = 0; index < 3000; index++) {
        snprintf (key, sizeof (key), "k%d", index);
        snprintf (value, sizeof (value), "value %d %.*s", index, index % 40, SAMPLE_TEXT);
        assert_int_equal (wb_kvlist_add_string (sent, key, value), 0);
    }
    char *big = s_string_of (200000);
    assert_int_equal (wb_kvlist_add_string (sent, "Big", big), 0);
    wb_kvlist_t *inner = s_sample ();
    assert_int_equal (wb_kvlist_add_list (sent, "Inner", &inner), 0);
    wb_kvlist_t *deep = s_marked (4);
    assert_int_equal (wb_kvlist_add_list (sent, "Deep", &deep), 0);
    size_t size = 0;
    uint8_t *bytes = wb_kvlist_encode (sent, &size);
    for (int lazily = 0; lazily < 2; lazily++) {
        wb_kvlist_t *list = lazily ? wb_kvlist_decode_lazy (bytes, size, NULL)
                                   : wb_kvlist_decode (bytes, size, NULL);
        assert_true (wb_kvlist_equal (list, sent));
        assert_string_equal (wb_kvlist_string (list, "Big"), big);
        //  read deep down: kept lists decoded in turn, their blocks kept
        assert_string_equal (wb_kvlist_string (wb_kvlist_list (wb_kvlist_list (
                             wb_kvlist_list (list, "Deep"), "Child1"), "Child2"), "Key3"),
                             "Text3");
        wb_kvlist_t *copy = wb_kvlist_dup (list);
        assert_true (wb_kvlist_equal (copy, list));
        assert_int_equal (wb_kvlist_set_string (list, "k7", "seven"), 0);
        assert_int_equal (wb_kvlist_set_int (list, "k8", 8), 0);
        wb_kvlist_t *replacement = s_sample ();
        assert_int_equal (wb_kvlist_set_list (list, "Deep", &replacement), 0);
        assert_int_equal (wb_kvlist_remove (list, "k9"), 1);
        wb_kvlist_t *taken = wb_kvlist_take_list_at (list, wb_kvlist_size (list) - 2);
        wb_kvlist_t *sample = s_sample ();
        assert_true (wb_kvlist_equal (taken, sample));
        wb_kvlist_destroy (&sample);
        wb_kvlist_destroy (&taken);
        assert_string_equal (wb_kvlist_string (list, "k7"), "seven");
        assert_int_equal (wb_kvlist_int_or (list, "k8", 0), 8);
        assert_false (wb_kvlist_has (list, "k9"));
        wb_kvlist_truncate (list, 100);
        assert_int_equal (wb_kvlist_append (list, copy), 0);
        assert_int_equal (wb_kvlist_size (list), 100 + wb_kvlist_size (copy));
        wb_kvlist_destroy (&list);
        //  the copy lives on, its own
        assert_true (wb_kvlist_equal (copy, sent));
        wb_kvlist_destroy (&copy);
    }
    free (bytes);
    free (big);
    wb_kvlist_destroy (&sent);
}

//  Decoded lazily, every nested list keeps its bytes until read; read, it
//  is the list a full decode gives, and its own nested list waits in turn.
static void
test_decode_lazy_keeps_every_nested_list_until_read (void **state)
{
    (void) state;
    wb_kvlist_t *sent = s_marked (5);
    size_t size = 0, kept_size = 0, depth = 0;
    uint8_t *bytes = wb_kvlist_encode (sent, &size);
    wb_codec_status_t status = WB_CODEC_STATUS_COUNT;
    wb_kvlist_t *lazy = wb_kvlist_decode_lazy (bytes, size, &status);
    assert_int_equal (status, WB_CODEC_OK);
    assert_non_null (lazy);
    //  {Key1 N Child1}: Child1 is lists 2 to 5, four deep
    assert_non_null (wb_kvlist_encoded_at (lazy, 2, &kept_size, &depth));
    assert_int_equal (depth, 4);
    assert_string_equal (wb_kvlist_string (lazy, "Key1"), "Text1");
    //  sent again as it came, byte for byte, before any read
    size_t again_size = 0;
    uint8_t *again = wb_kvlist_encode (lazy, &again_size);
    assert_int_equal (again_size, size);
    assert_memory_equal (again, bytes, size);
    //  read: level 2 is decoded, level 3 still bytes
    wb_kvlist_t *child = wb_kvlist_list (lazy, "Child1");
    assert_non_null (child);
    assert_null (wb_kvlist_encoded_at (lazy, 2, &kept_size, &depth));
    assert_string_equal (wb_kvlist_string (child, "Key2"), "Text2");
    assert_non_null (wb_kvlist_encoded_at (child, 2, &kept_size, &depth));
    assert_int_equal (depth, 3);
    //  equal to the full decode and to what was sent, at every level
    wb_kvlist_t *full = wb_kvlist_decode (bytes, size, NULL);
    assert_true (wb_kvlist_equal (lazy, full));
    assert_true (wb_kvlist_equal (lazy, sent));
    wb_kvlist_t *deepest = wb_kvlist_list (wb_kvlist_list (wb_kvlist_list (
                           wb_kvlist_list (lazy, "Child1"), "Child2"), "Child3"), "Child4");
    assert_string_equal (wb_kvlist_string (deepest, "Key5"), "Text5");
    char text [256];
    wb_kvlist_print (lazy, text, sizeof (text));
    assert_string_equal (text, "{Key1='Text1' N=1 Child1={Key2='Text2' N=2 Child2="
                         "{Key3='Text3' N=3 Child3={Key4='Text4' N=4 Child4="
                         "{Key5='Text5' N=5}}}}}");
    free (again);
    free (bytes);
    wb_kvlist_destroy (&full);
    wb_kvlist_destroy (&lazy);
    wb_kvlist_destroy (&sent);
}

//  A list of lists at depth 2 (a page's Interactions) is built at once, its
//  items kept one by one: kept whole, it would be walked again when read.
static void
test_decode_lazy_builds_a_list_of_lists_and_keeps_its_items (void **state)
{
    (void) state;
    size_t size = 0, item_size = 0, depth = 0;
    uint8_t *bytes = s_page_bytes (&size);
    wb_kvlist_t *body = wb_kvlist_decode_lazy (bytes, size, NULL);
    assert_non_null (body);
    assert_null (wb_kvlist_encoded_at (body, 0, &item_size, &depth));
    wb_kvlist_t *page = wb_kvlist_list (body, "Page");
    assert_non_null (wb_kvlist_encoded_at (page, 0, &item_size, &depth));
    assert_non_null (wb_kvlist_encoded_at (page, 1, &item_size, &depth));
    //  an item read: its own nested list waits in turn
    wb_kvlist_t *item = wb_kvlist_list_at (page, 1);
    assert_non_null (wb_kvlist_encoded_at (item, 3, &item_size, &depth));
    assert_int_equal (depth, 1);
    wb_kvlist_t *sample = s_sample ();
    assert_true (wb_kvlist_equal (item, sample));
    wb_kvlist_t *full = wb_kvlist_decode (bytes, size, NULL);
    assert_true (wb_kvlist_equal (body, full));
    wb_kvlist_destroy (&full);
    wb_kvlist_destroy (&sample);
    wb_kvlist_destroy (&body);
    free (bytes);
}

//  The first fault met reading every level of a list (each nested list
//  read, so checked): OK if there is none.
static wb_codec_status_t
s_first_fault (const wb_kvlist_t *list)
{
    for (size_t index = 0; index < wb_kvlist_size (list); index++) {
        if (wb_kvlist_type_at (list, index) != WB_TYPE_LIST)
            continue;
        wb_codec_status_t status = wb_kvlist_status_at (list, index);
        if (status == WB_CODEC_OK)
            status = s_first_fault (wb_kvlist_list_at (list, index));
        if (status != WB_CODEC_OK)
            return status;
    }
    return WB_CODEC_OK;
}

//  A bad string or a bad key refuses the whole body at its top level,
//  lazily decoded or not; deeper, in a list the lazy decode keeps as
//  bytes (their structure checked only), it passes the decode and fails,
//  with the same status, the first read of the list that holds it.
static void
test_decode_lazy_refuses_a_fault_at_every_depth (void **state)
{
    (void) state;
    wb_kvlist_t *sent = s_marked (WB_DEPTH_MAX);
    size_t size = 0;
    uint8_t *bytes = wb_kvlist_encode (sent, &size);
    assert_non_null (bytes);
    for (size_t level = 1; level <= WB_DEPTH_MAX; level++) {
        char marker [16];
        snprintf (marker, sizeof (marker), "Text%zu", level);
        uint8_t *text = wb_bytes_marker (bytes, size, marker);
        snprintf (marker, sizeof (marker), "Key%zu", level);
        uint8_t *key = wb_bytes_marker (bytes, size, marker);
        //  a lone continuation byte; then a space in a key
        const struct { uint8_t *at; uint8_t bad; wb_codec_status_t status; } faults [] = {
            { text + 1, 0x80, WB_CODEC_BAD_UTF8 },
            { text + 4, 0xc0, WB_CODEC_BAD_UTF8 },
            { text + 2, 0x00, WB_CODEC_BAD_UTF8 },
            { key + 1, ' ', WB_CODEC_BAD_KEY },
            { key, 0x7f, WB_CODEC_BAD_KEY },
        };
        for (size_t index = 0; index < sizeof (faults) / sizeof (faults [0]); index++) {
            uint8_t good = *faults [index].at;
            *faults [index].at = faults [index].bad;
            wb_codec_status_t status = WB_CODEC_OK;
            wb_kvlist_t *lazy = wb_kvlist_decode_lazy (bytes, size, &status);
            if (level == 1) {
                assert_null (lazy);
                assert_int_equal (status, faults [index].status);
            }
            else {
                assert_non_null (lazy);
                assert_int_equal (status, WB_CODEC_OK);
                assert_true (wb_kvlist_unchecked_at (lazy, 2));
                assert_int_equal (s_first_fault (lazy), faults [index].status);
                //  what holds the fault is never sent on
                size_t encoded_size = 0;
                assert_null (wb_kvlist_encode (lazy, &encoded_size));
                wb_kvlist_destroy (&lazy);
            }
            assert_null (wb_kvlist_decode (bytes, size, &status));
            assert_int_equal (status, faults [index].status);
            assert_int_equal (wb_kvlist_check (bytes, size, NULL), faults [index].status);
            *faults [index].at = good;
        }
    }
    wb_kvlist_t *lazy = wb_kvlist_decode_lazy (bytes, size, NULL);
    assert_true (wb_kvlist_equal (lazy, sent));
    wb_kvlist_destroy (&lazy);
    free (bytes);
    wb_kvlist_destroy (&sent);
}

//  The structure the lazy decode checks of what it keeps (sizes, counts,
//  depth, types, bounds) is the decoder's: a page with any one byte
//  changed, or cut anywhere, is refused by both with the same status, or
//  has a fault in a key or a string, which the decoder names and the lazy
//  decode either names too or leaves to the first read of the list that
//  holds it, which names it so. Never a read past the bytes (ASan,
//  valgrind), with SSE2 and scalar.
static void
test_decode_lazy_bounds_what_it_keeps_as_the_decoder_does (void **state)
{
    (void) state;
    wb_kvlist_t *page = wb_kvlist_new ();
    for (int item = 0; item < 3; item++) {
        wb_kvlist_t *interaction = wb_kvlist_new ();
        wb_kvlist_add_string (interaction, "InteractionId", "i-1");
        wb_kvlist_add_int (interaction, "Priority", item);
        wb_kvlist_add_binary (interaction, "Blob", "\x00\x01", 2);
        wb_kvlist_add_string (interaction, "Subject", "h\xc3\xa9llo");
        wb_kvlist_t *user_data = wb_kvlist_new ();
        wb_kvlist_add_string (user_data, "Tag", "x");
        wb_kvlist_add_list (interaction, "UserData", &user_data);
        wb_kvlist_add_list (page, "Interaction", &interaction);
    }
    wb_kvlist_t *sent = wb_kvlist_new ();
    wb_kvlist_add_int (sent, "Total", 3);
    wb_kvlist_add_list (sent, "Interactions", &page);
    size_t size = 0;
    uint8_t *bytes = wb_kvlist_encode (sent, &size);
    const uint8_t changes [] = { 0x00, 0x01, 0x04, 0x7f, 0xc3, 0xff };
    for (size_t at = 0; at < size; at++)
        for (size_t change = 0; change <= sizeof (changes); change++) {
            //  the last "change" is a cut at this byte
            bool cut = change == sizeof (changes);
            uint8_t good = cut ? 0 : bytes [at];
            if (!cut)
                bytes [at] = changes [change];
            size_t used = cut ? at : size;
            wb_codec_status_t eager = WB_CODEC_OK, lazily = WB_CODEC_OK;
            wb_kvlist_t *decoded = wb_kvlist_decode (bytes, used, &eager);
            wb_kvlist_t *lazy = wb_kvlist_decode_lazy (bytes, used, &lazily);
            bool content = eager == WB_CODEC_BAD_KEY || eager == WB_CODEC_BAD_UTF8;
            if (lazily != WB_CODEC_OK)
                assert_true (lazily == eager || content);
            else
            if (eager != WB_CODEC_OK) {
                assert_true (content);
                assert_int_equal (s_first_fault (lazy), eager);
            }
            else
                assert_true (wb_kvlist_equal (lazy, decoded));
            wb_kvlist_destroy (&lazy);
            wb_kvlist_destroy (&decoded);
            if (!cut)
                bytes [at] = good;
        }
    free (bytes);
    wb_kvlist_destroy (&sent);
}

//  A small decoded list lies in one block with its entries and its
//  arena's first chunk: it grows out of it (more entries than it was
//  decoded with, more bytes than its chunk holds), is changed, read,
//  copied and destroyed soundly (ASan and valgrind see the rest), and a
//  list too big for the block has its own chunks as before.
static void
test_a_small_decoded_list_grows_out_of_its_block (void **state)
{
    (void) state;
    for (int big = 0; big < 2; big++) {
        wb_kvlist_t *sent = wb_kvlist_new ();
        assert_int_equal (wb_kvlist_add_int (sent, "A", 1), 0);
        assert_int_equal (wb_kvlist_add_string (sent, "B", big ? SAMPLE_TEXT SAMPLE_TEXT : "x"), 0);
        wb_kvlist_t *child = wb_kvlist_new ();
        assert_int_equal (wb_kvlist_add_int (child, "C", 2), 0);
        assert_int_equal (wb_kvlist_add_list (sent, "L", &child), 0);
        size_t size = 0;
        uint8_t *bytes = wb_kvlist_encode (sent, &size);
        for (int lazily = 0; lazily < 2; lazily++) {
            wb_kvlist_t *list = lazily ? wb_kvlist_decode_lazy (bytes, size, NULL)
                                       : wb_kvlist_decode (bytes, size, NULL);
            assert_true (wb_kvlist_equal (list, sent));
            char key [16], value [64];
            for (int index = 0; index < 100; index++) {
                snprintf (key, sizeof (key), "k%d", index);
                snprintf (value, sizeof (value), "value %d", index);
                assert_int_equal (wb_kvlist_add_string (list, key, value), 0);
            }
            assert_int_equal (wb_kvlist_set_string (list, "A", "now text"), 0);
            assert_int_equal (wb_kvlist_remove (list, "B"), 1);
            assert_int_equal (wb_kvlist_int_or (wb_kvlist_list (list, "L"), "C", 0), 2);
            wb_kvlist_t *copy = wb_kvlist_dup (list);
            assert_true (wb_kvlist_equal (copy, list));
            assert_int_equal (wb_kvlist_size (list), 102);
            assert_string_equal (wb_kvlist_string (list, "k99"), "value 99");
            assert_string_equal (wb_kvlist_string (list, "A"), "now text");
            wb_kvlist_destroy (&copy);
            wb_kvlist_destroy (&list);
        }
        free (bytes);
        wb_kvlist_destroy (&sent);
    }
}

//  A top level of up to 4 KB is decoded into one copy of its bytes, each
//  key and value ending in a NUL written over the byte after it: in the
//  list's own block or, past the allocator's small blocks, a second one.
//  Every kind of entry reads back, a list kept as bytes is encoded again
//  as it came (no NUL inside it), and changes stay sound, for bodies
//  that end with each kind of entry.
static void
test_a_small_decoded_list_lies_in_a_copy_of_its_bytes (void **state)
{
    (void) state;
    for (int last = 0; last < 5; last++)
    for (size_t filler = 0; filler <= 3000; filler += 1500) {
        wb_kvlist_t *sent = wb_kvlist_new ();
        char *text = s_string_of (filler);
        assert_int_equal (wb_kvlist_add_int (sent, "Number", -2), 0);
        assert_int_equal (wb_kvlist_add_string (sent, "Text", text), 0);
        assert_int_equal (wb_kvlist_add_binary (sent, "Blob", "a\0b", 3), 0);
        wb_kvlist_t *inner = s_sample ();
        assert_int_equal (wb_kvlist_add_list (sent, "Inner", &inner), 0);
        assert_int_equal (wb_kvlist_add_string (sent, "Empty", ""), 0);
        //  the last entry, whose value's NUL goes past the bytes decoded
        if (last == 0)
            assert_int_equal (wb_kvlist_add_string (sent, "Last", ""), 0);
        if (last == 1)
            assert_int_equal (wb_kvlist_add_binary (sent, "Last", "z", 1), 0);
        if (last == 2)
            assert_int_equal (wb_kvlist_add_int (sent, "Last", 7), 0);
        if (last == 3) {
            wb_kvlist_t *kept = s_sample ();
            assert_int_equal (wb_kvlist_add_list (sent, "Last", &kept), 0);
        }
        size_t size = 0;
        uint8_t *bytes = wb_kvlist_encode (sent, &size);
        assert_true (size <= 4096);
        for (int lazily = 0; lazily < 3; lazily++) {
            wb_kvlist_t *list = lazily == 0 ? wb_kvlist_decode (bytes, size, NULL)
                              : lazily == 1 ? wb_kvlist_decode_lazy (bytes, size, NULL)
                                            : wb_kvlist_decode_checked (bytes, size);
            //  encoded again before anything is read: the same bytes
            size_t again_size = 0;
            uint8_t *again = wb_kvlist_encode (list, &again_size);
            assert_int_equal (again_size, size);
            assert_memory_equal (again, bytes, size);
            free (again);
            assert_true (wb_kvlist_equal (list, sent));
            assert_int_equal (wb_kvlist_int_or (list, "Number", 0), -2);
            assert_string_equal (wb_kvlist_string (list, "Text"), text);
            size_t blob_size = 0;
            const void *blob = wb_kvlist_binary (list, "Blob", &blob_size);
            assert_int_equal (blob_size, 3);
            assert_memory_equal (blob, "a\0b", 3);
            assert_string_equal (wb_kvlist_string (list, "Empty"), "");
            assert_string_equal (wb_kvlist_key_at (list, 4), "Empty");
            wb_kvlist_t *copy = wb_kvlist_dup (list);
            assert_int_equal (wb_kvlist_set_string (list, "Text", "short"), 0);
            assert_int_equal (wb_kvlist_remove (list, "Number"), 1);
            wb_kvlist_t *taken = wb_kvlist_take_list_at (list, 2);
            wb_kvlist_t *sample = s_sample ();
            assert_true (wb_kvlist_equal (taken, sample));
            wb_kvlist_destroy (&sample);
            wb_kvlist_destroy (&taken);
            assert_string_equal (wb_kvlist_string (list, "Text"), "short");
            assert_int_equal (wb_kvlist_append (list, copy), 0);
            wb_kvlist_truncate (list, 5);
            assert_string_equal (wb_kvlist_string (list, "Empty"), "");
            wb_kvlist_destroy (&list);
            assert_true (wb_kvlist_equal (copy, sent));
            wb_kvlist_destroy (&copy);
        }
        free (bytes);
        free (text);
        wb_kvlist_destroy (&sent);
    }
}

//  A page as a client receives it: each Interaction is kept as bytes
//  whose structure only was checked. One with a bad key, bad UTF-8 or a
//  NUL in a string passes; its first read fails and names why, and so do
//  its copy, its print and its encoding; the others read as the eager
//  decode reads them. One that reads is checked from then on.
static void
test_decode_lazy_defers_the_checks_of_what_it_keeps (void **state)
{
    (void) state;
    wb_kvlist_t *page = wb_kvlist_new ();
    for (int item = 0; item < 3; item++) {
        char id [16];
        snprintf (id, sizeof (id), "i-%d", item);
        wb_kvlist_t *interaction = wb_kvlist_new ();
        assert_int_equal (wb_kvlist_add_string (interaction, "InteractionId", id), 0);
        assert_int_equal (wb_kvlist_add_string (interaction, item == 1 ? "Subjekt" : "Subject",
                                                item == 1 ? "bad here" : "fine"), 0);
        assert_int_equal (wb_kvlist_add_list (page, "Interaction", &interaction), 0);
    }
    wb_kvlist_t *sent = wb_kvlist_new ();
    assert_int_equal (wb_kvlist_add_int (sent, "Total", 3), 0);
    assert_int_equal (wb_kvlist_add_list (sent, "Interactions", &page), 0);
    size_t size = 0;
    uint8_t *bytes = wb_kvlist_encode (sent, &size);
    assert_non_null (bytes);
    const struct { const char *marker; size_t at; uint8_t bad; wb_codec_status_t status; } faults [] = {
        { "Subjekt", 3, 0x01, WB_CODEC_BAD_KEY },
        { "bad here", 3, 0xff, WB_CODEC_BAD_UTF8 },
        { "bad here", 3, 0x00, WB_CODEC_BAD_UTF8 },
    };
    for (size_t index = 0; index < sizeof (faults) / sizeof (faults [0]); index++) {
        uint8_t *at = wb_bytes_marker (bytes, size, faults [index].marker) + faults [index].at;
        uint8_t good = *at;
        *at = faults [index].bad;
        wb_codec_status_t status = WB_CODEC_OK;
        assert_null (wb_kvlist_decode (bytes, size, &status));
        assert_int_equal (status, faults [index].status);
        wb_kvlist_t *lazy = wb_kvlist_decode_lazy (bytes, size, &status);
        assert_int_equal (status, WB_CODEC_OK);
        const wb_kvlist_t *items = wb_kvlist_list (lazy, "Interactions");
        assert_int_equal (wb_kvlist_size (items), 3);
        for (size_t item = 0; item < 3; item++)
            assert_true (wb_kvlist_unchecked_at (items, item));
        //  a copy keeps the bytes unchecked, and fails its own first read
        wb_kvlist_t *copy = wb_kvlist_dup (lazy);
        //  the bad one: NULL and why, each time; its bytes are kept
        assert_null (wb_kvlist_list_at (items, 1));
        assert_int_equal (wb_kvlist_status_at (items, 1), faults [index].status);
        assert_null (wb_kvlist_list_at (items, 1));
        size_t kept_size = 0, depth = 0;
        assert_non_null (wb_kvlist_encoded_at (items, 1, &kept_size, &depth));
        assert_null (wb_kvlist_encode (lazy, &kept_size));
        char line [512];
        wb_kvlist_print (lazy, line, sizeof (line));
        char named [128];
        snprintf (named, sizeof (named), "Interaction=<cannot be read: %s>",
                  wb_codec_status_text (faults [index].status));
        assert_non_null (strstr (line, named));
        assert_null (strchr (line, faults [index].bad ? faults [index].bad : 0x01));
        //  the others read, equal to what was sent
        for (size_t item = 0; item < 3; item += 2) {
            assert_int_equal (wb_kvlist_status_at (items, item), WB_CODEC_OK);
            assert_true (wb_kvlist_equal (wb_kvlist_list_at (items, item),
                                          wb_kvlist_list_at (wb_kvlist_list (sent, "Interactions"),
                                                             item)));
        }
        const wb_kvlist_t *copied = wb_kvlist_list (copy, "Interactions");
        assert_true (wb_kvlist_unchecked_at (copied, 1));
        assert_null (wb_kvlist_list_at (copied, 1));
        assert_int_equal (wb_kvlist_status_at (copied, 1), faults [index].status);
        //  a copy of the bad one after its failed read keeps the fault
        wb_kvlist_t *later = wb_kvlist_dup (lazy);
        assert_int_equal (wb_kvlist_status_at (wb_kvlist_list (later, "Interactions"), 1),
                          faults [index].status);
        //  what cannot be read equals the same bytes only
        assert_true (wb_kvlist_equal (later, lazy));
        assert_true (wb_kvlist_equal (copy, lazy));
        assert_false (wb_kvlist_equal (lazy, sent));
        assert_false (wb_kvlist_equal (sent, lazy));
        wb_kvlist_destroy (&later);
        wb_kvlist_destroy (&copy);
        wb_kvlist_destroy (&lazy);
        *at = good;
    }
    //  all good: the items are checked by their encoder and sent as they came
    wb_kvlist_t *lazy = wb_kvlist_decode_lazy (bytes, size, NULL);
    const wb_kvlist_t *items = wb_kvlist_list (lazy, "Interactions");
    size_t again_size = 0;
    uint8_t *again = wb_kvlist_encode (lazy, &again_size);
    assert_non_null (again);
    assert_int_equal (again_size, size);
    assert_memory_equal (again, bytes, size);
    assert_false (wb_kvlist_unchecked_at (items, 0));
    size_t kept_size = 0, depth = 0;
    assert_non_null (wb_kvlist_encoded_at (items, 0, &kept_size, &depth));
    assert_true (wb_kvlist_equal (lazy, sent));
    free (again);
    wb_kvlist_destroy (&lazy);
    free (bytes);
    wb_kvlist_destroy (&sent);
}

//  Bytes checked before decode without their text checked again, but
//  every size and count is still bounded: no read past the bytes.
static void
test_decode_checked_bounds_every_size (void **state)
{
    (void) state;
    wb_kvlist_t *sent = s_marked (4);
    size_t size = 0;
    uint8_t *bytes = wb_kvlist_encode (sent, &size);
    wb_kvlist_t *decoded = wb_kvlist_decode_checked (bytes, size);
    assert_true (wb_kvlist_equal (decoded, sent));
    wb_kvlist_destroy (&decoded);
    assert_null (wb_kvlist_decode_checked (NULL, 4));
    for (size_t cut = 0; cut < size; cut++) {
        //  a copy of just the first cut bytes, for ASan to see an overread
        uint8_t *prefix = malloc (cut ? cut : 1);
        memcpy (prefix, bytes, cut);
        assert_null (wb_kvlist_decode_checked (prefix, cut));
        free (prefix);
    }
    //  a forged count or a forged string length
    uint8_t *count = bytes;
    count [3] = 200;
    assert_null (wb_kvlist_decode_checked (bytes, size));
    count [3] = 3;
    uint8_t *length = wb_bytes_marker (bytes, size, "Text2") - 4;
    length [0] = 0x7f;
    assert_null (wb_kvlist_decode_checked (bytes, size));
    free (bytes);
    wb_kvlist_destroy (&sent);
}

static void
test_decode_keeps_deep_lists_encoded_until_read (void **state)
{
    (void) state;
    size_t size = 0;
    uint8_t *bytes = s_page_bytes (&size);
    wb_kvlist_t *body = wb_kvlist_decode (bytes, size, NULL);
    assert_non_null (body);
    //  depth 2 is decoded; depth 3 stays as the bytes of one sample
    size_t item_size = 0, depth = 0;
    assert_null (wb_kvlist_encoded_at (body, 0, &item_size, &depth));
    wb_kvlist_t *page = wb_kvlist_list (body, "Page");
    assert_non_null (wb_kvlist_encoded_at (page, 1, &item_size, &depth));
    wb_kvlist_t *sample = s_sample ();
    assert_int_equal (item_size, wb_kvlist_encoded_size (sample));
    assert_int_equal (depth, 2);
    //  sent again as they came, byte for byte
    size_t again_size = 0;
    uint8_t *again = wb_kvlist_encode (body, &again_size);
    assert_int_equal (again_size, size);
    assert_memory_equal (again, bytes, size);
    //  read, it is the list that was sent, and stays decoded
    assert_true (wb_kvlist_equal (wb_kvlist_list_at (page, 1), sample));
    assert_null (wb_kvlist_encoded_at (page, 1, &item_size, &depth));
    assert_non_null (wb_kvlist_encoded_at (page, 0, &item_size, &depth));
    free (again);
    free (bytes);
    wb_kvlist_destroy (&sample);
    wb_kvlist_destroy (&body);
}

static void
test_decode_still_checks_deep_lists (void **state)
{
    (void) state;
    size_t size = 0;
    uint8_t *bytes = s_page_bytes (&size);
    //  "hello" of the second item, made invalid UTF-8 and then a bad key
    uint8_t *hello = NULL;
    for (size_t offset = size - 5; offset > 0 && !hello; offset--)
        if (memcmp (bytes + offset, "hello", 5) == 0)
            hello = bytes + offset;
    assert_non_null (hello);
    wb_codec_status_t status = WB_CODEC_OK;
    hello [1] = 0xc0;
    assert_null (wb_kvlist_decode (bytes, size, &status));
    assert_int_equal (status, WB_CODEC_BAD_UTF8);
    hello [1] = 'e';
    uint8_t *key = hello - 4 - 1 - 7;       /* "Subject", before type and length */
    assert_memory_equal (key, "Subject", 7);
    key [3] = ' ';
    assert_null (wb_kvlist_decode (bytes, size, &status));
    assert_int_equal (status, WB_CODEC_BAD_KEY);
    free (bytes);
}

//  Every byte at every place of keys of 1 to 20 bytes: a key is printable
//  ASCII without space, whichever of the eight-byte words it falls in.
static void
test_decode_checks_every_byte_of_a_key (void **state)
{
    (void) state;
    uint8_t bytes [4 + 1 + 20 + 1 + 8];
    for (size_t length = 1; length <= 20; length++)
        for (size_t place = 0; place < length; place++)
            for (int value = 0; value < 256; value++) {
                memset (bytes, 0, sizeof (bytes));
                bytes [3] = 1;
                bytes [4] = (uint8_t) length;
                memset (bytes + 5, 'K', length);
                bytes [5 + place] = (uint8_t) value;
                bytes [5 + length] = WB_TYPE_INT;
                wb_codec_status_t status = WB_CODEC_OK;
                wb_kvlist_t *list = wb_kvlist_decode (bytes, 5 + length + 1 + 8, &status);
                bool printable = value >= 0x21 && value <= 0x7e;
                assert_int_equal (status, printable ? WB_CODEC_OK : WB_CODEC_BAD_KEY);
                assert_int_equal (list != NULL, printable);
                wb_kvlist_destroy (&list);
            }
}

//  What a reading of an encoded head saw: each entry in turn, as "key:type=value".
typedef struct {
    char seen [256];
    size_t stop_after;          //  entries to take before ending it; 0: never
    size_t taken;
} s_head_t;

static bool
s_head_entry (void *arg, const wb_kvlist_head_entry_t *entry)
{
    s_head_t *head = arg;
    size_t length = strlen (head->seen);
    snprintf (head->seen + length, sizeof (head->seen) - length, "%s%.*s:%d=%lld",
              length ? " " : "", (int) entry->key_size, (const char *) entry->key,
              (int) entry->type, entry->type == WB_TYPE_LIST ? (long long) entry->count
                                                            : (long long) entry->value);
    return ++head->taken != head->stop_after;
}

//  A head is read entry by entry up to the first list, whose count is read
//  but not its entries; the reader ends it when it has what it wants.
static void
test_encoded_head_reads_up_to_a_list (void **state)
{
    (void) state;
    wb_kvlist_t *sample = s_sample ();
    size_t size = 0;
    uint8_t *bytes = wb_kvlist_encode (sample, &size);
    s_head_t head = { "", 0, 0 };
    //  past the list its reader did not end: the rest cannot be read
    assert_int_equal (wb_kvlist_encoded_head (bytes, size, s_head_entry, &head), -1);
    assert_string_equal (head.seen, "Subject:1=0 Priority:2=5 Blob:3=0 Inner:4=2");
    head = (s_head_t) { "", 4, 0 };
    assert_int_equal (wb_kvlist_encoded_head (bytes, size, s_head_entry, &head), 0);
    head = (s_head_t) { "", 2, 0 };
    assert_int_equal (wb_kvlist_encoded_head (bytes, size, s_head_entry, &head), 0);
    assert_string_equal (head.seen, "Subject:1=0 Priority:2=5");
    //  the list's entries need not be there: only its count is read
    size_t inner_count_end = size - (1 + 1 + 1 + 8) - (1 + 1 + 1 + 4);
    head = (s_head_t) { "", 4, 0 };
    assert_int_equal (wb_kvlist_encoded_head (bytes, inner_count_end, s_head_entry, &head), 0);
    //  cut short before it, a bad key, bad UTF-8, a bad type: -1, and
    //  nothing after the fault is seen
    head = (s_head_t) { "", 4, 0 };
    assert_int_equal (wb_kvlist_encoded_head (bytes, inner_count_end - 1, s_head_entry, &head), -1);
    assert_string_equal (head.seen, "Subject:1=0 Priority:2=5 Blob:3=0");
    uint8_t *priority = wb_bytes_marker (bytes, size, "Priority");
    priority [0] = ' ';
    head = (s_head_t) { "", 0, 0 };
    assert_int_equal (wb_kvlist_encoded_head (bytes, size, s_head_entry, &head), -1);
    assert_string_equal (head.seen, "Subject:1=0");
    priority [0] = 'P';
    uint8_t *hello = wb_bytes_marker (bytes, size, "hello");
    hello [1] = 0xc0;
    head = (s_head_t) { "", 0, 0 };
    assert_int_equal (wb_kvlist_encoded_head (bytes, size, s_head_entry, &head), -1);
    assert_string_equal (head.seen, "");
    hello [1] = 'e';
    priority [8] = 9;               //  Priority's type tag
    head = (s_head_t) { "", 0, 0 };
    assert_int_equal (wb_kvlist_encoded_head (bytes, size, s_head_entry, &head), -1);
    assert_string_equal (head.seen, "Subject:1=0");
    assert_int_equal (wb_kvlist_encoded_head (NULL, 0, s_head_entry, &head), -1);
    //  a list with no list: read to its end, -1
    wb_kvlist_t *flat = wb_kvlist_new ();
    wb_kvlist_add_int (flat, "A", 1);
    uint8_t *flat_bytes = wb_kvlist_encode (flat, &size);
    head = (s_head_t) { "", 0, 0 };
    assert_int_equal (wb_kvlist_encoded_head (flat_bytes, size, s_head_entry, &head), -1);
    assert_string_equal (head.seen, "A:2=1");
    free (flat_bytes);
    wb_kvlist_destroy (&flat);
    free (bytes);
    wb_kvlist_destroy (&sample);
}

static void
test_encoded_string_reads_one_entry (void **state)
{
    (void) state;
    wb_kvlist_t *sample = s_sample ();
    assert_int_equal (wb_kvlist_add_string (sample, "Last", UTF8_CJK), 0);
    size_t size = 0, length = 0;
    uint8_t *bytes = wb_kvlist_encode (sample, &size);
    const char *text = wb_kvlist_encoded_string (bytes, size, "Subject", &length);
    assert_non_null (text);
    assert_int_equal (length, 5);
    assert_memory_equal (text, "hello", 5);
    //  past an int, a binary and a list
    text = wb_kvlist_encoded_string (bytes, size, "Last", &length);
    assert_int_equal (length, strlen (UTF8_CJK));
    assert_memory_equal (text, UTF8_CJK, length);
    //  none, not a string, not a top-level entry, or the bytes cut short
    assert_null (wb_kvlist_encoded_string (bytes, size, "Nope", &length));
    assert_null (wb_kvlist_encoded_string (bytes, size, "Priority", &length));
    assert_null (wb_kvlist_encoded_string (bytes, size, "B", &length));
    assert_null (wb_kvlist_encoded_string (bytes, size - 1, "Last", &length));
    assert_null (wb_kvlist_encoded_string (NULL, 0, "Last", &length));
    //  the first entry (read at once) cut in its text, or its size forged
    assert_null (wb_kvlist_encoded_string (bytes, 4 + 1 + 7 + 1 + 4 + 4, "Subject", &length));
    bytes [4 + 1 + 7 + 1] = 0x7f;
    assert_null (wb_kvlist_encoded_string (bytes, size, "Subject", &length));
    free (bytes);
    wb_kvlist_destroy (&sample);
}

static void
test_take_list_at_hands_over_the_list (void **state)
{
    (void) state;
    wb_kvlist_t *list = s_sample ();
    assert_null (wb_kvlist_take_list_at (list, 0));          //  a string
    assert_null (wb_kvlist_take_list_at (list, 4));          //  past the end
    assert_int_equal (wb_kvlist_size (list), 4);
    wb_kvlist_t *inner = wb_kvlist_take_list_at (list, 3);
    assert_non_null (inner);
    assert_int_equal (wb_kvlist_int_or (inner, "A", 0), -1);
    assert_int_equal (wb_kvlist_size (list), 3);
    assert_int_equal (wb_kvlist_add_list (list, "Z", &inner), 0);
    assert_int_equal (wb_kvlist_add_int (list, "Last", 9), 0);
    //  an earlier one: the entries after it move up
    inner = wb_kvlist_take_list_at (list, 3);
    assert_non_null (inner);
    assert_string_equal (wb_kvlist_key_at (list, 3), "Last");
    wb_kvlist_destroy (&inner);
    wb_kvlist_destroy (&list);
}

static void
test_reserve_and_truncate (void **state)
{
    (void) state;
    wb_kvlist_t *list = wb_kvlist_new ();
    assert_int_equal (wb_kvlist_reserve (list, WB_ENTRIES_MAX), 0);
    assert_int_equal (wb_kvlist_reserve (list, 3), 0);          //  never shrinks
    wb_kvlist_t *sample = s_sample ();
    assert_int_equal (wb_kvlist_append (list, sample), 0);
    wb_kvlist_truncate (list, 2);
    assert_int_equal (wb_kvlist_size (list), 2);
    assert_string_equal (wb_kvlist_key_at (list, 1), "Priority");
    wb_kvlist_truncate (list, 0);
    assert_int_equal (wb_kvlist_size (list), 0);
    wb_kvlist_destroy (&sample);
    wb_kvlist_destroy (&list);
}

static void
test_encode_int_first_puts_the_entry_first (void **state)
{
    (void) state;
    wb_kvlist_t *sample = s_sample ();
    wb_kvlist_t *expected = wb_kvlist_new ();
    assert_int_equal (wb_kvlist_add_int (expected, "ReferenceId", -7), 0);
    assert_int_equal (wb_kvlist_append (expected, sample), 0);
    size_t size = 0;
    uint8_t *bytes = wb_kvlist_encode (expected, &size);
    assert_int_equal (wb_kvlist_encode_int_first (sample, "ReferenceId", -7, NULL, 0), size);
    uint8_t *buffer = malloc (size);
    memset (buffer, 0xaa, size);
    //  too small: the size, and nothing written
    assert_int_equal (wb_kvlist_encode_int_first (sample, "ReferenceId", -7, buffer,
                                                  size - 1), size);
    assert_int_equal (buffer [0], 0xaa);
    assert_int_equal (wb_kvlist_encode_int_first (sample, "ReferenceId", -7, buffer, size),
                      size);
    assert_memory_equal (buffer, bytes, size);
    free (buffer);
    free (bytes);
    wb_kvlist_destroy (&expected);
    wb_kvlist_destroy (&sample);
}

//  Writing without measuring again gives the bytes encode_int_first
//  writes, for every kind of entry: a string, an int, a binary, a decoded
//  list and one still encoded.
static void
test_put_int_first_writes_what_encode_measured (void **state)
{
    (void) state;
    wb_kvlist_t *child = wb_kvlist_new ();
    wb_kvlist_add_string (child, "Subject", "caf\xc3\xa9 order");
    wb_kvlist_add_int (child, "Priority", -3);
    size_t child_size = 0;
    uint8_t *child_bytes = wb_kvlist_encode (child, &child_size);
    assert_non_null (child_bytes);
    wb_kvlist_t *list = wb_kvlist_new ();
    wb_kvlist_add_string (list, "Name", "draft");
    wb_kvlist_add_int (list, "Count", 123456789012);
    wb_kvlist_add_binary (list, "Blob", "\x00\x01\x02", 3);
    wb_kvlist_add_list (list, "Decoded", &child);
    assert_int_equal (wb_kvlist_add_encoded (list, "Encoded", child_bytes, child_size, NULL), 0);
    size_t size = wb_kvlist_encode_int_first (list, "ReferenceId", 77, NULL, 0);
    assert_true (size > 0);
    uint8_t *expected = calloc (1, size), *written = calloc (1, size);
    assert_int_equal (wb_kvlist_encode_int_first (list, "ReferenceId", 77, expected, size), size);
    wb_kvlist_put_int_first (list, "ReferenceId", 77, written);
    assert_memory_equal (written, expected, size);
    free (expected);
    free (written);
    free (child_bytes);
    wb_kvlist_destroy (&list);
}

//  A run (the store's page of encoded rows, sent as one list entry) is the
//  same list, byte for byte, as its items added one entry each; it reads
//  back as that list, counts toward depth, and refuses what is out of
//  bounds; its items read back one by one; room reserved ahead is only
//  room (capped at the body's limit); a run not added is freed by destroy,
//  one added by its list.
static void
test_run_is_the_list_of_its_items (void **state)
{
    (void) state;
    assert_null (wb_kvlist_run_new (NULL, "Item"));
    assert_null (wb_kvlist_run_new ("Items", "bad key"));
    wb_kvlist_run_destroy (NULL);
    assert_int_equal (wb_kvlist_run_add (NULL, (const uint8_t *) "\0\0\0\0", 4, 1), -1);
    assert_int_equal (wb_kvlist_add_run (NULL, NULL), -1);
    wb_kvlist_t *child = wb_kvlist_new ();
    wb_kvlist_add_string (child, "Subject", "caf\xc3\xa9");
    wb_kvlist_t *user_data = wb_kvlist_new ();
    wb_kvlist_add_int (user_data, "Score", 7);
    wb_kvlist_add_list (child, "UserData", &user_data);
    size_t size = 0, depth = 0;
    uint8_t *bytes = wb_kvlist_encode (child, &size);
    assert_int_equal (wb_kvlist_check (bytes, size, &depth), WB_CODEC_OK);
    assert_int_equal (depth, 2);

    wb_kvlist_t *expected = wb_kvlist_new (), *items = wb_kvlist_new ();
    wb_kvlist_run_t *run = wb_kvlist_run_new ("Items", "Item");
    assert_int_equal (wb_kvlist_run_count (run), 0);
    assert_int_equal (wb_kvlist_run_reserve (NULL, 1, 1), -1);
    assert_int_equal (wb_kvlist_run_reserve (run, 100, size), 0);     //  then grown past it
    for (int index = 0; index < 300; index++) {
        assert_int_equal (wb_kvlist_run_add (run, bytes, size, depth), 0);
        assert_int_equal (wb_kvlist_add_encoded (items, "Item", bytes, size, NULL), 0);
    }
    assert_int_equal (wb_kvlist_run_count (run), 300);
    //  each item reads back as added, with its depth (a copy too)
    wb_kvlist_run_t *copy = wb_kvlist_run_dup (run);
    for (size_t index = 0; index < 300; index += 299) {
        size_t item_size = 0, item_depth = 0;
        const uint8_t *item = wb_kvlist_run_item (copy, index, &item_size, &item_depth);
        assert_non_null (item);
        assert_int_equal (item_size, size);
        assert_int_equal (item_depth, depth);
        assert_memory_equal (item, bytes, size);
    }
    assert_null (wb_kvlist_run_item (copy, 300, &size, NULL));
    assert_null (wb_kvlist_run_item (NULL, 0, &size, NULL));
    wb_kvlist_run_destroy (&copy);
    assert_int_equal (wb_kvlist_run_add (run, bytes, 3, depth), -1);
    assert_int_equal (wb_kvlist_run_add (run, bytes, size, 0), -1);
    assert_int_equal (wb_kvlist_run_add (run, bytes, size, WB_DEPTH_MAX + 1), -1);
    wb_kvlist_add_int (expected, "Before", 1);
    wb_kvlist_add_list (expected, "Items", &items);
    wb_kvlist_t *sent = wb_kvlist_new ();
    wb_kvlist_add_int (sent, "Before", 1);
    assert_int_equal (wb_kvlist_add_run (sent, &run), 0);
    assert_null (run);
    size_t sent_size = 0, expected_size = 0, entry_size = 0, entry_depth = 0;
    assert_non_null (wb_kvlist_encoded_at (sent, 1, &entry_size, &entry_depth));
    assert_int_equal (entry_depth, 3);
    uint8_t *sent_bytes = wb_kvlist_encode (sent, &sent_size);
    uint8_t *expected_bytes = wb_kvlist_encode (expected, &expected_size);
    assert_int_equal (sent_size, expected_size);
    assert_memory_equal (sent_bytes, expected_bytes, sent_size);
    assert_true (wb_kvlist_equal (sent, expected));
    assert_int_equal (wb_kvlist_size (wb_kvlist_list (sent, "Items")), 300);
    free (sent_bytes);
    free (expected_bytes);

    //  an empty run is an empty list; one left over is destroyed
    run = wb_kvlist_run_new ("Empty", "Item");
    assert_int_equal (wb_kvlist_add_run (sent, &run), 0);
    assert_int_equal (wb_kvlist_size (wb_kvlist_list (sent, "Empty")), 0);
    run = wb_kvlist_run_new ("Items", "Item");
    assert_int_equal (wb_kvlist_run_reserve (run, SIZE_MAX / 2, SIZE_MAX / 2), 0);  //  capped
    assert_int_equal (wb_kvlist_run_add (run, bytes, size, depth), 0);
    wb_kvlist_run_destroy (&run);
    assert_null (run);
    free (bytes);
    wb_kvlist_destroy (&child);
    wb_kvlist_destroy (&sent);
    wb_kvlist_destroy (&expected);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        //  Degenerate calls
        cmocka_unit_test (test_null_list_is_safe_everywhere),
        cmocka_unit_test (test_put_int_first_writes_what_encode_measured),
        cmocka_unit_test (test_null_list_add_list_frees_the_child),
        cmocka_unit_test (test_null_key_or_value_is_refused),
        cmocka_unit_test (test_empty_list_has_no_entries),
        cmocka_unit_test (test_index_past_the_end_finds_nothing),
        cmocka_unit_test (test_add_refuses_bad_keys),
        cmocka_unit_test (test_add_list_with_bad_key_frees_the_child),
        cmocka_unit_test (test_add_refuses_value_too_big),
        cmocka_unit_test (test_add_refuses_entry_past_entries_max),
        cmocka_unit_test (test_encode_refuses_nesting_past_depth_max),
        cmocka_unit_test (test_encode_refuses_body_over_body_max),
        cmocka_unit_test (test_encode_refuses_strings_that_are_not_utf8),
        cmocka_unit_test (test_decode_refuses_null_empty_and_oversized_input),
        cmocka_unit_test (test_status_texts_cover_every_status),
        //  Entries
        cmocka_unit_test (test_add_keeps_order_and_types),
        cmocka_unit_test (test_lookup_by_key_returns_values),
        cmocka_unit_test (test_lookup_of_other_type_or_absent_key_fails),
        cmocka_unit_test (test_lookup_by_index_returns_values),
        cmocka_unit_test (test_duplicate_keys_are_kept_and_first_wins),
        cmocka_unit_test (test_type_by_key_is_the_first_entry_type),
        cmocka_unit_test (test_set_replaces_first_entry_in_place),
        cmocka_unit_test (test_set_appends_an_absent_key),
        cmocka_unit_test (test_set_list_replaces_and_frees_the_old_list),
        cmocka_unit_test (test_set_replaces_even_when_list_is_full),
        cmocka_unit_test (test_remove_drops_every_entry_with_key),
        //  Dup, equal, append
        cmocka_unit_test (test_dup_is_a_deep_copy),
        cmocka_unit_test (test_dup_of_empty_list_is_empty),
        cmocka_unit_test (test_equal_handles_null_and_empty),
        cmocka_unit_test (test_equal_is_deep_and_ordered),
        cmocka_unit_test (test_append_copies_every_entry_deeply),
        cmocka_unit_test (test_append_of_empty_or_null_list),
        cmocka_unit_test (test_append_of_a_list_to_itself_doubles_it),
        cmocka_unit_test (test_append_refuses_past_entries_max),
        //  Encoding
        cmocka_unit_test (test_encode_writes_the_big_endian_layout),
        cmocka_unit_test (test_empty_list_round_trips_as_four_zero_bytes),
        cmocka_unit_test (test_sample_round_trips),
        cmocka_unit_test (test_nesting_to_depth_max_round_trips),
        cmocka_unit_test (test_empty_strings_and_binaries_round_trip),
        cmocka_unit_test (test_maximal_values_round_trip),
        cmocka_unit_test (test_every_byte_value_round_trips_in_a_binary),
        cmocka_unit_test (test_entries_max_round_trips),
        cmocka_unit_test (test_utf8_strings_round_trip),
        //  Printing
        cmocka_unit_test (test_print_ignores_null_buffer_and_zero_capacity),
        cmocka_unit_test (test_print_shows_every_type),
        cmocka_unit_test (test_print_escapes_control_characters),
        cmocka_unit_test (test_print_fits_exactly_without_dots),
        cmocka_unit_test (test_print_truncates_with_dots),
        cmocka_unit_test (test_print_in_tiny_buffer_stays_terminated),
        //  Fast paths
        cmocka_unit_test (test_fast_path_calls_refuse_degenerate_input),
        cmocka_unit_test (test_check_agrees_with_decode_and_gives_depth),
        cmocka_unit_test (test_encoded_entry_is_sent_as_is_and_read_as_a_list),
        cmocka_unit_test (test_encoded_entry_counts_toward_depth),
        cmocka_unit_test (test_encoded_checked_entry_takes_its_depth_as_given),
        cmocka_unit_test (test_decode_keeps_deep_lists_encoded_until_read),
        cmocka_unit_test (test_decode_still_checks_deep_lists),
        cmocka_unit_test (test_decode_checks_every_byte_of_a_key),
        cmocka_unit_test (test_utf8_check_finds_a_bad_byte_at_every_place),
        cmocka_unit_test (test_decode_finds_a_bad_string_byte_at_every_place),
        cmocka_unit_test (test_decode_finds_a_bad_key_byte_at_every_place),
        cmocka_unit_test (test_decoded_list_changes_every_way),
        cmocka_unit_test (test_decode_lazy_keeps_every_nested_list_until_read),
        cmocka_unit_test (test_decode_lazy_builds_a_list_of_lists_and_keeps_its_items),
        cmocka_unit_test (test_decode_lazy_refuses_a_fault_at_every_depth),
        cmocka_unit_test (test_decode_lazy_defers_the_checks_of_what_it_keeps),
        cmocka_unit_test (test_a_small_decoded_list_grows_out_of_its_block),
        cmocka_unit_test (test_a_small_decoded_list_lies_in_a_copy_of_its_bytes),
        cmocka_unit_test (test_decode_lazy_bounds_what_it_keeps_as_the_decoder_does),
        cmocka_unit_test (test_decode_checked_bounds_every_size),
        cmocka_unit_test (test_encoded_string_reads_one_entry),
        cmocka_unit_test (test_encoded_head_reads_up_to_a_list),
        cmocka_unit_test (test_take_list_at_hands_over_the_list),
        cmocka_unit_test (test_reserve_and_truncate),
        cmocka_unit_test (test_encode_int_first_puts_the_entry_first),
        cmocka_unit_test (test_run_is_the_list_of_its_items),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
