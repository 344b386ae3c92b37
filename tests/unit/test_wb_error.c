/*  Tests of wb_error, the error table. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "wb_error.h"

static void
test_unknown_code_has_no_row_but_a_text (void **state)
{
    (void) state;
    assert_null (wb_error_lookup (0));
    assert_null (wb_error_lookup (-1));
    assert_null (wb_error_lookup (999));
    assert_string_equal (wb_error_text (999), "unknown error");
    assert_null (wb_error_at (wb_error_count ()));
}

static void
test_four_phase_codes_are_present (void **state)
{
    (void) state;
    const int codes [] = { 1, 4, 10, 33, 34, 41, 79, 1000 };
    for (size_t index = 0; index < sizeof (codes) / sizeof (codes [0]); index++) {
        const wb_error_spec_t *spec = wb_error_lookup (codes [index]);
        assert_non_null (spec);
        assert_int_equal (spec->code, codes [index]);
        assert_true (strlen (spec->text) > 0);
    }
    assert_string_equal (wb_error_lookup (WB_ERR_NOT_SUBSCRIBED)->symbol, "not-subscribed");
}

static void
test_codes_and_symbols_are_unique (void **state)
{
    (void) state;
    for (size_t first = 0; first < wb_error_count (); first++)
        for (size_t second = first + 1; second < wb_error_count (); second++) {
            assert_int_not_equal (wb_error_at (first)->code, wb_error_at (second)->code);
            assert_string_not_equal (wb_error_at (first)->symbol, wb_error_at (second)->symbol);
        }
}

static void
test_extensions_start_at_1000 (void **state)
{
    (void) state;
    //  Every code is either the vendor's (under 100) or ours (1000 up)
    for (size_t index = 0; index < wb_error_count (); index++) {
        int code = wb_error_at (index)->code;
        assert_true ((code > 0 && code < 100) || code >= 1000);
    }
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_unknown_code_has_no_row_but_a_text),
        cmocka_unit_test (test_four_phase_codes_are_present),
        cmocka_unit_test (test_codes_and_symbols_are_unique),
        cmocka_unit_test (test_extensions_start_at_1000),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
