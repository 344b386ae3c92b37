/*  Tests of wb_log_limit: lines per peer and interval, then one summary.
    Time is given as numbers: nothing here reads a clock. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "wb_log_limit.h"

/* The summaries reported, as "peer:count" words. */
typedef struct {
    char text [512];
    size_t count;
} reports_t;

static void
s_record (void *context, const char *peer, size_t suppressed)
{
    reports_t *reports = context;
    size_t used = strlen (reports->text);
    snprintf (reports->text + used, sizeof (reports->text) - used, "%s%s:%zu",
              used ? " " : "", peer, suppressed);
    reports->count++;
}

/* How many of count lines from peer at now are allowed. */
static size_t
s_allowed (wb_log_limit_t *limit, const char *peer, size_t count, int64_t now)
{
    size_t allowed = 0;
    for (size_t index = 0; index < count; index++)
        allowed += wb_log_limit_allow (limit, peer, now);
    return allowed;
}

static void
test_degenerate_calls (void **state)
{
    (void) state;
    assert_null (wb_log_limit_new (0, 1000, NULL, NULL));
    assert_null (wb_log_limit_new (5, 0, NULL, NULL));
    wb_log_limit_destroy (NULL);
    wb_log_limit_t *limit = NULL;
    wb_log_limit_destroy (&limit);
    assert_false (wb_log_limit_allow (NULL, "peer", 0));
    wb_log_limit_flush (NULL, 0);
    assert_int_equal (wb_log_limit_size (NULL), 0);
    limit = wb_log_limit_new (5, 1000, NULL, NULL);
    assert_false (wb_log_limit_allow (limit, NULL, 0));
    //  no report function: suppressed lines are only counted
    assert_int_equal (s_allowed (limit, "a", 10, 0), 5);
    wb_log_limit_flush (limit, 5000);
    wb_log_limit_destroy (&limit);
    assert_null (limit);
}

/* A flood of 100,000 lines in one interval writes 5, then one summary. */
static void
test_flood_is_cut_and_summarised_once (void **state)
{
    (void) state;
    reports_t reports = { "", 0 };
    wb_log_limit_t *limit = wb_log_limit_new (5, 1000, s_record, &reports);
    assert_int_equal (s_allowed (limit, "0a0b0c", 100000, 100), 5);
    assert_int_equal (s_allowed (limit, "0a0b0c", 1, 1099), 0);
    wb_log_limit_flush (limit, 1099);      //  not over yet
    assert_int_equal (reports.count, 0);
    wb_log_limit_flush (limit, 1100);
    assert_string_equal (reports.text, "0a0b0c:99996");
    assert_int_equal (wb_log_limit_size (limit), 0);
    wb_log_limit_flush (limit, 5000);      //  reported once only
    assert_int_equal (reports.count, 1);
    //  a new interval allows lines again
    assert_int_equal (s_allowed (limit, "0a0b0c", 7, 6000), 5);
    wb_log_limit_destroy (&limit);
}

/* Each peer has its own allowance; a later line after the interval reports
   the earlier one's suppressed lines before starting anew. */
static void
test_peers_are_limited_apart (void **state)
{
    (void) state;
    reports_t reports = { "", 0 };
    wb_log_limit_t *limit = wb_log_limit_new (2, 1000, s_record, &reports);
    assert_int_equal (s_allowed (limit, "a", 3, 0), 2);
    assert_int_equal (s_allowed (limit, "b", 2, 500), 2);
    assert_int_equal (reports.count, 0);
    assert_int_equal (s_allowed (limit, "a", 1, 1000), 1);
    assert_string_equal (reports.text, "a:1");
    wb_log_limit_flush (limit, 1500);      //  b had nothing suppressed
    assert_string_equal (reports.text, "a:1");
    assert_int_equal (wb_log_limit_size (limit), 1);
    //  a clock that goes back starts a new interval rather than block
    assert_int_equal (s_allowed (limit, "a", 1, 10), 1);
    wb_log_limit_destroy (&limit);
}

/* Past WB_LOG_LIMIT_PEERS peers, the others share one allowance: a flood
   from ever new peers (each a new connection) is bounded too. */
static void
test_table_is_bounded (void **state)
{
    (void) state;
    reports_t reports = { "", 0 };
    wb_log_limit_t *limit = wb_log_limit_new (1, 1000, s_record, &reports);
    size_t allowed = 0;
    for (int index = 0; index < WB_LOG_LIMIT_PEERS + 1000; index++) {
        char peer [16];
        snprintf (peer, sizeof (peer), "p%d", index);
        allowed += s_allowed (limit, peer, 1, 0);
    }
    assert_int_equal (allowed, WB_LOG_LIMIT_PEERS + 1);
    assert_int_equal (wb_log_limit_size (limit), WB_LOG_LIMIT_PEERS + 1);
    wb_log_limit_flush (limit, 1000);
    assert_string_equal (reports.text, WB_LOG_LIMIT_OTHERS ":999");
    assert_int_equal (wb_log_limit_size (limit), 0);
    wb_log_limit_destroy (&limit);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_degenerate_calls),
        cmocka_unit_test (test_flood_is_cut_and_summarised_once),
        cmocka_unit_test (test_peers_are_limited_apart),
        cmocka_unit_test (test_table_is_bounded),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
