/*  Tests of wb_workbin: a workbin as messages name it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "wb_workbin.h"

static void
test_degenerate_calls (void **state)
{
    (void) state;
    char buffer [64];
    wb_kvlist_t *body = wb_kvlist_new ();
    wb_workbin_t empty = { 0 };
    //  NULL
    assert_null (wb_workbin_attribute (NULL));
    assert_int_equal (wb_workbin_add (NULL, body), -1);
    assert_int_equal (wb_workbin_read (NULL, body), -1);
    assert_string_equal (wb_workbin_label (NULL, buffer, sizeof (buffer)), "?");
    assert_null (wb_workbin_label (&empty, NULL, 10));
    assert_null (wb_workbin_owner_attribute (0));
    assert_null (wb_workbin_owner_attribute (5));
    assert_int_equal (wb_workbin_owner_type (NULL), 0);
    //  empty: no type, no owner
    assert_int_equal (wb_workbin_add (&empty, body), -1);
    assert_int_equal (wb_kvlist_size (body), 0);
    assert_int_equal (wb_workbin_read (&empty, body), -1);
    assert_null (empty.type_id);
    assert_null (empty.owner_id);
    assert_int_equal (wb_workbin_owner_type (""), 0);
    assert_int_equal (wb_workbin_owner_type (WB_ATTR_WORKBIN_TYPE_ID), 0);
    //  too big: a type id over the codec's limit
    char *huge = malloc (WB_VALUE_MAX + 2);
    memset (huge, 'x', WB_VALUE_MAX + 1);
    huge [WB_VALUE_MAX + 1] = 0;
    wb_workbin_t big = { huge, WB_OWNER_AGENT, NULL, "a1" };
    assert_int_equal (wb_workbin_add (&big, body), -1);
    free (huge);
    wb_kvlist_destroy (&body);
}

static void
test_owner_attributes_follow_owner_types (void **state)
{
    (void) state;
    const struct { wb_owner_type_t type; const char *attribute; } expected [] = {
        { WB_OWNER_AGENT, WB_ATTR_WORKBIN_AGENT_ID },
        { WB_OWNER_PLACE, WB_ATTR_WORKBIN_PLACE_ID },
        { WB_OWNER_PLACE_GROUP, WB_ATTR_WORKBIN_PLACE_GROUP_ID },
        { WB_OWNER_AGENT_GROUP, WB_ATTR_WORKBIN_GROUP_ID },
    };
    for (size_t index = 0; index < sizeof (expected) / sizeof (expected [0]); index++) {
        assert_string_equal (wb_workbin_owner_attribute (expected [index].type),
                             expected [index].attribute);
        assert_int_equal (wb_workbin_owner_type (expected [index].attribute),
                          expected [index].type);
    }
}

static void
test_add_puts_the_owner_under_its_attribute (void **state)
{
    (void) state;
    wb_kvlist_t *body = wb_kvlist_new ();
    wb_workbin_t by_type = { "team", WB_OWNER_AGENT_GROUP, NULL, "sales" };
    assert_int_equal (wb_workbin_add (&by_type, body), 0);
    assert_int_equal (wb_kvlist_size (body), 2);
    assert_string_equal (wb_kvlist_key_at (body, 0), WB_ATTR_WORKBIN_TYPE_ID);
    assert_string_equal (wb_kvlist_string (body, WB_ATTR_WORKBIN_GROUP_ID), "sales");
    wb_kvlist_destroy (&body);

    body = wb_kvlist_new ();
    wb_workbin_t by_attribute = { "desk", 0, WB_ATTR_WORKBIN_PLACE_ID, "p1" };
    assert_string_equal (wb_workbin_attribute (&by_attribute), WB_ATTR_WORKBIN_PLACE_ID);
    assert_int_equal (wb_workbin_add (&by_attribute, body), 0);
    assert_string_equal (wb_kvlist_string (body, WB_ATTR_WORKBIN_PLACE_ID), "p1");
    wb_kvlist_destroy (&body);

    //  no owner: the type alone (the server says what is missing)
    body = wb_kvlist_new ();
    wb_workbin_t type_only = { "nosuch", WB_OWNER_AGENT, NULL, NULL };
    assert_int_equal (wb_workbin_add (&type_only, body), 0);
    assert_int_equal (wb_kvlist_size (body), 1);
    //  an owner without a valid attribute cannot be named
    wb_workbin_t nameless = { "desk", 0, "Desk", "p1" };
    assert_null (wb_workbin_attribute (&nameless));
    assert_int_equal (wb_workbin_add (&nameless, body), -1);
    wb_workbin_t bad_type = { "desk", 9, NULL, "p1" };
    assert_int_equal (wb_workbin_add (&bad_type, body), -1);
    wb_kvlist_destroy (&body);
}

static void
test_read_finds_the_owner_attribute (void **state)
{
    (void) state;
    wb_kvlist_t *body = wb_kvlist_new ();
    wb_kvlist_add_int (body, WB_ATTR_WORKBIN_VERSION, 3);
    wb_kvlist_add_string (body, WB_ATTR_WORKBIN_PLACE_GROUP_ID, "floor");
    wb_kvlist_add_string (body, WB_ATTR_WORKBIN_TYPE_ID, "backlog");
    wb_workbin_t workbin;
    assert_int_equal (wb_workbin_read (&workbin, body), 0);
    assert_string_equal (workbin.type_id, "backlog");
    assert_int_equal (workbin.owner_type, WB_OWNER_PLACE_GROUP);
    assert_string_equal (workbin.owner_attribute, WB_ATTR_WORKBIN_PLACE_GROUP_ID);
    assert_string_equal (workbin.owner_id, "floor");
    char label [64];
    assert_string_equal (wb_workbin_label (&workbin, label, sizeof (label)), "backlog@floor");
    //  an owner without a type is still read; the label says what is missing
    wb_kvlist_remove (body, WB_ATTR_WORKBIN_TYPE_ID);
    assert_int_equal (wb_workbin_read (&workbin, body), -1);
    assert_string_equal (wb_workbin_label (&workbin, label, sizeof (label)), "?@floor");
    wb_kvlist_destroy (&body);
    //  a label cut to its buffer stays a string
    wb_workbin_t long_one = { "email-draft", WB_OWNER_AGENT, NULL, "agent01" };
    assert_string_equal (wb_workbin_label (&long_one, label, 8), "email-d");
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_degenerate_calls),
        cmocka_unit_test (test_owner_attributes_follow_owner_types),
        cmocka_unit_test (test_add_puts_the_owner_under_its_attribute),
        cmocka_unit_test (test_read_finds_the_owner_attribute),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
