/*  Tests of wb_catalog, the message catalogue. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "wb_catalog.h"
#include "wb_error.h"

static void
test_unknown_lookups_return_null (void **state)
{
    (void) state;
    assert_null (wb_catalog_by_name (NULL));
    assert_null (wb_catalog_by_name (""));
    assert_null (wb_catalog_by_name ("RequestNothing"));
    assert_null (wb_catalog_by_name ("requestgetworkbincontent"));
    assert_null (wb_catalog_by_id (0));
    assert_null (wb_catalog_at (wb_catalog_size ()));
    assert_null (wb_catalog_row (WB_ROW_COUNT));
    assert_null (wb_catalog_by_name_bytes (NULL, 11));
    assert_null (wb_catalog_by_name_bytes ("", 0));
    assert_null (wb_catalog_by_name_bytes ("RequestPing\0", 12));
    assert_null (wb_catalog_by_name_bytes ("RequestPin", 10));
    assert_int_equal (wb_catalog_validate (NULL, NULL, NULL), WB_ERR_INVALID_MESSAGE);
}

static void
test_vendor_ids_match_the_reference (void **state)
{
    (void) state;
    const struct { const char *name; int id; } expected [] = {
        { "RequestGetWorkbinContent", 113 }, { "EventWorkbinContent", 116 },
        { "RequestWorkbinNotifications", 114 }, { "RequestCancelWorkbinNotifications", 115 },
        { "EventWorkbinContentChanged", 117 }, { "EventAck", 125 }, { "EventError", 126 },
        { "RequestRegisterClient", 100 }, { "RequestAgentLogin", 135 },
        { "RequestPlaceInWorkbin", 106 }, { "RequestPull", 108 }, { "RequestSubmit", 101 },
    };
    for (size_t index = 0; index < sizeof (expected) / sizeof (expected [0]); index++) {
        const wb_message_spec_t *spec = wb_catalog_by_name (expected [index].name);
        assert_non_null (spec);
        assert_int_equal (spec->id, expected [index].id);
        assert_ptr_equal (wb_catalog_by_id (expected [index].id), spec);
    }
}

//  A name as a frame holds it (not NUL-terminated) finds its row, and
//  every row is found by its name, its id and its row name.
static void
test_every_row_is_found (void **state)
{
    (void) state;
    assert_ptr_equal (wb_catalog_by_name_bytes ("RequestPingX", 11),
                      wb_catalog_by_name ("RequestPing"));
    for (size_t index = 0; index < wb_catalog_size (); index++) {
        const wb_message_spec_t *spec = wb_catalog_at (index);
        assert_int_equal (spec->name_size, strlen (spec->name));
        assert_ptr_equal (wb_catalog_by_name (spec->name), spec);
        assert_ptr_equal (wb_catalog_by_id (spec->id), spec);
        assert_ptr_equal (wb_catalog_row (spec->row), spec);
    }
    assert_ptr_equal (wb_catalog_row (WB_ROW_EVENT_ACK), wb_catalog_by_name (WB_MSG_EVENT_ACK));
    assert_int_equal (wb_catalog_row (WB_ROW_REQUEST_PING)->needs, WB_NEEDS_REGISTERED);
    assert_int_equal (wb_catalog_row (WB_ROW_REQUEST_REGISTER_CLIENT)->needs, WB_NEEDS_NOTHING);
    assert_int_equal (wb_catalog_row (WB_ROW_REQUEST_AGENT_LOGIN)->needs, WB_NEEDS_REGISTERED);
    assert_int_equal (wb_catalog_row (WB_ROW_REQUEST_GET_WORKBIN_CONTENT)->reads, WB_READS_STORE);
}

static void
test_names_and_ids_are_unique (void **state)
{
    (void) state;
    for (size_t first = 0; first < wb_catalog_size (); first++)
        for (size_t second = first + 1; second < wb_catalog_size (); second++) {
            assert_string_not_equal (wb_catalog_at (first)->name, wb_catalog_at (second)->name);
            assert_int_not_equal (wb_catalog_at (first)->id, wb_catalog_at (second)->id);
        }
}

static void
test_every_request_names_known_replies (void **state)
{
    (void) state;
    for (size_t index = 0; index < wb_catalog_size (); index++) {
        const wb_message_spec_t *spec = wb_catalog_at (index);
        if (spec->kind != WB_KIND_REQUEST) {
            assert_null (spec->replies [0]);
            continue;
        }
        assert_non_null (spec->replies [0]);
        const wb_message_spec_t *reply = wb_catalog_by_name (spec->replies [0]);
        assert_non_null (reply);
        assert_int_equal (reply->kind, WB_KIND_EVENT);
    }
}

static void
test_validate_reports_missing_attribute_code (void **state)
{
    (void) state;
    const wb_message_spec_t *spec = wb_catalog_by_name ("RequestGetWorkbinContent");
    wb_kvlist_t *body = wb_kvlist_new ();
    const char *attr = NULL;
    assert_int_equal (wb_catalog_validate (spec, body, &attr), WB_ERR_WORKBIN_TYPE_NOT_SPECIFIED);
    assert_string_equal (attr, "WorkbinTypeId");
    wb_kvlist_add_string (body, "WorkbinTypeId", "email-draft");
    assert_int_equal (wb_catalog_validate (spec, body, NULL), 0);
    wb_kvlist_destroy (&body);

    body = wb_kvlist_new ();
    spec = wb_catalog_by_name ("RequestPull");
    assert_int_equal (wb_catalog_validate (spec, body, NULL), WB_ERR_PULL_PARAMETERS_ABSENT);
    wb_kvlist_destroy (&body);
}

static void
test_validate_rejects_wrong_type (void **state)
{
    (void) state;
    const wb_message_spec_t *spec = wb_catalog_by_name ("RequestWorkbinNotifications");
    wb_kvlist_t *body = wb_kvlist_new ();
    wb_kvlist_add_string (body, "WorkbinTypeId", "email-draft");
    wb_kvlist_add_string (body, "NotifyPropertyChanges", "yes");
    const char *attr = NULL;
    assert_int_equal (wb_catalog_validate (spec, body, &attr), WB_ERR_INVALID_MESSAGE);
    assert_string_equal (attr, "NotifyPropertyChanges");
    wb_kvlist_destroy (&body);
}

static void
test_validate_ignores_unknown_attributes (void **state)
{
    (void) state;
    const wb_message_spec_t *spec = wb_catalog_by_name ("RequestPing");
    wb_kvlist_t *body = wb_kvlist_new ();
    wb_kvlist_add_string (body, "SomethingElse", "kept for newer servers");
    assert_int_equal (wb_catalog_validate (spec, body, NULL), 0);
    wb_kvlist_destroy (&body);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_unknown_lookups_return_null),
        cmocka_unit_test (test_vendor_ids_match_the_reference),
        cmocka_unit_test (test_every_row_is_found),
        cmocka_unit_test (test_names_and_ids_are_unique),
        cmocka_unit_test (test_every_request_names_known_replies),
        cmocka_unit_test (test_validate_reports_missing_attribute_code),
        cmocka_unit_test (test_validate_rejects_wrong_type),
        cmocka_unit_test (test_validate_ignores_unknown_attributes),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
