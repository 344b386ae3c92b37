/*  Tests of wb_clock: the wall clock's seam, and the protocol's timestamps. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include "wb_clock.h"

#define COUNT_OF(array) (sizeof (array) / sizeof ((array) [0]))

static int
s_unpin (void **state)
{
    (void) state;
    wb_clock_unpin ();
    return 0;
}

static void
test_degenerate_calls (void **state)
{
    (void) state;
    int64_t when = 7;
    assert_int_equal (wb_clock_parse (NULL, &when), -1);
    assert_int_equal (wb_clock_parse ("2026-11-24T15:04:05Z", NULL), -1);
    assert_int_equal (wb_clock_parse ("", &when), -1);
    assert_int_equal (when, 7);
    char buffer [WB_CLOCK_TIMESTAMP_SIZE];
    assert_int_equal (wb_clock_format (0, NULL, 32), -1);
    memset (buffer, 'x', sizeof (buffer));
    assert_int_equal (wb_clock_format (0, buffer, sizeof (buffer) - 1), -1);
    assert_string_equal (buffer, "");
    assert_int_equal (wb_clock_format (0, buffer, 0), -1);
    assert_int_equal (wb_clock_format (253402300800LL, buffer, sizeof (buffer)), -1);   /* year 10000 */
    assert_int_equal (wb_clock_pin (-1), -1);
    assert_false (wb_clock_pinned ());
    assert_int_equal (wb_clock_pin_text (NULL), -1);
    assert_int_equal (wb_clock_pin_text ("yesterday"), -1);
    assert_int_equal (wb_clock_pin_text ("1969-12-31T23:59:59Z"), -1);
    assert_false (wb_clock_pinned ());
    assert_int_equal (wb_clock_advance (1000), -1);        /* not pinned */
}

static void
test_parse_valid (void **state)
{
    (void) state;
    const struct {
        const char *text;
        long long seconds;
    } cases [] = {
        { "2026-11-24T15:04:05Z", 1795532645LL },
        { "1970-01-01T00:00:00Z", 0 },
        { "1969-12-31T23:59:59Z", -1 },         /* -1 is a time, not an error */
        { "2024-02-29T12:00:00Z", 1709208000LL },
        { "2000-02-29T00:00:00Z", 951782400LL },
        { "2038-01-19T03:14:08Z", 2147483648LL },
        { "9999-12-31T23:59:59Z", 253402300799LL },
    };
    for (size_t index = 0; index < COUNT_OF (cases); index++) {
        int64_t when = 12345;
        assert_int_equal (wb_clock_parse (cases [index].text, &when), 0);
        assert_int_equal ((long long) when, cases [index].seconds);
    }
}

static void
test_parse_invalid (void **state)
{
    (void) state;
    const char *cases [] = {
        "2026-11-24T15:04:05", "2026-11-24T15:04:05Z ", " 2026-11-24T15:04:05Z",
        "2026-11-24t15:04:05Z", "2026-11-24T15:04:05z", "2026-11-24 15:04:05Z",
        "2026-11-24T15:04:05+00:00", "2026-11-24T15:04:05.5Z", "26-11-24T15:04:05Z",
        "2026-1-24T15:04:05Z", "+026-11-24T15:04:05Z", "2026/11/24T15:04:05Z",
        "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z", "2026-01-00T00:00:00Z",
        "2026-01-32T00:00:00Z", "2026-04-31T00:00:00Z", "2023-02-29T00:00:00Z",
        "1900-02-29T00:00:00Z", "2026-11-24T24:00:00Z", "2026-11-24T23:60:00Z",
        "2026-11-24T23:59:60Z", "2026-11-24T1a:04:05Z", "2026-11-24T15:04",
        "\xff\xfe", "now",
    };
    for (size_t index = 0; index < COUNT_OF (cases); index++) {
        int64_t when = 12345;
        if (wb_clock_parse (cases [index], &when) != -1)
            fail_msg ("accepted \"%s\"", cases [index]);
        assert_int_equal ((long long) when, 12345);
    }
}

static void
test_format_round_trips (void **state)
{
    (void) state;
    const char *cases [] = {
        "1970-01-01T00:00:00Z", "2000-02-29T00:00:00Z", "2028-02-29T23:59:59Z",
        "2028-03-01T00:00:00Z", "2038-01-19T03:14:08Z", "2099-12-31T23:59:59Z",
        "9999-12-31T23:59:59Z",
    };
    for (size_t index = 0; index < COUNT_OF (cases); index++) {
        int64_t seconds = 0;
        char text [WB_CLOCK_TIMESTAMP_SIZE];
        assert_int_equal (wb_clock_parse (cases [index], &seconds), 0);
        assert_int_equal (wb_clock_format (seconds, text, sizeof (text)), 0);
        assert_string_equal (text, cases [index]);
    }
}

//  The system's wall clock in milliseconds, read as wb_clock reads it
//  (time () may read a coarser clock that lags by a tick).
static int64_t
s_realtime_ms (void)
{
    struct timespec now;
    clock_gettime (CLOCK_REALTIME, &now);
    return (int64_t) now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

//  Unpinned, the clock is the system's wall clock (whatever date that is).
static void
test_real_clock_when_not_pinned (void **state)
{
    (void) state;
    int64_t before = s_realtime_ms ();
    int64_t now = wb_clock_wall_ms ();
    int64_t after = s_realtime_ms ();
    assert_true (now >= before && now <= after);
}

//  Pinned, it stands still until advanced, and timestamps follow it.
static void
test_pin_and_advance (void **state)
{
    (void) state;
    assert_int_equal (wb_clock_pin_text ("2028-02-29T23:59:30Z"), 0);
    assert_true (wb_clock_pinned ());
    int64_t pinned = wb_clock_wall_ms ();
    assert_int_equal (pinned, 1835481570000LL);
    assert_int_equal (wb_clock_wall_ms (), pinned);
    char text [WB_CLOCK_TIMESTAMP_SIZE];
    assert_int_equal (wb_clock_now_text (text, sizeof (text)), 0);
    assert_string_equal (text, "2028-02-29T23:59:30Z");
    assert_int_equal (wb_clock_advance (30500), 0);
    assert_int_equal (wb_clock_wall_ms (), pinned + 30500);
    assert_int_equal (wb_clock_now_text (text, sizeof (text)), 0);
    assert_string_equal (text, "2028-03-01T00:00:00Z");
    assert_int_equal (wb_clock_advance (-1), -1);
    assert_int_equal (wb_clock_advance (INT64_MAX), -1);
    assert_int_equal (wb_clock_wall_ms (), pinned + 30500);
    wb_clock_unpin ();
    assert_false (wb_clock_pinned ());
    assert_true (wb_clock_wall_ms () != pinned + 30500);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test_teardown (test_degenerate_calls, s_unpin),
        cmocka_unit_test (test_parse_valid),
        cmocka_unit_test (test_parse_invalid),
        cmocka_unit_test (test_format_round_trips),
        cmocka_unit_test (test_real_clock_when_not_pinned),
        cmocka_unit_test_teardown (test_pin_and_advance, s_unpin),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
