/*  Tests of wb_page_cache: pages found by workbin, window and version,
    the least recently served going first, bounded in bytes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "wb_page_cache.h"

//  A run of count interactions, each {"Subject" = "<tag> <index>"}.
static wb_kvlist_run_t *
s_run (const char *tag, size_t count)
{
    wb_kvlist_run_t *run = wb_kvlist_run_new ("Interactions", "Interaction");
    for (size_t index = 0; index < count; index++) {
        wb_kvlist_t *item = wb_kvlist_new ();
        char subject [64];
        snprintf (subject, sizeof (subject), "%s %zu", tag, index);
        wb_kvlist_add_string (item, "Subject", subject);
        size_t size = 0;
        uint8_t *encoded = wb_kvlist_encode (item, &size);
        assert_int_equal (wb_kvlist_run_add (run, encoded, size, 1), 0);
        free (encoded);
        wb_kvlist_destroy (&item);
    }
    return run;
}

//  The first Subject of a run, once it is a list entry (static buffer).
static const char *
s_first_subject (wb_kvlist_run_t *run)
{
    static char text [64];
    wb_kvlist_t *list = wb_kvlist_new ();
    assert_int_equal (wb_kvlist_add_run (list, &run), 0);
    wb_kvlist_t *items = wb_kvlist_list (list, "Interactions");
    const char *subject = wb_kvlist_size (items)
                        ? wb_kvlist_string (wb_kvlist_list_at (items, 0), "Subject") : NULL;
    snprintf (text, sizeof (text), "%s", subject ? subject : "(none)");
    wb_kvlist_destroy (&list);
    return text;
}

static void
test_a_page_is_served_at_its_version_only (void **state)
{
    (void) state;
    wb_page_cache_t *cache = wb_page_cache_new (1 << 20);
    wb_page_ref_t page = { "draft@a1", 0, 500 };
    int64_t total = 0;
    assert_false (wb_page_cache_holds (cache, page));
    assert_null (wb_page_cache_get (cache, page, 7, NULL, &total));
    wb_kvlist_run_t *run = s_run ("seven", 3);
    wb_page_cache_put (cache, page, 7, 3, NULL, run);
    wb_kvlist_run_destroy (&run);
    assert_true (wb_page_cache_holds (cache, page));
    //  the same window of another workbin, or another window, is not it
    wb_page_ref_t other = { "draft@a10", 0, 500 };
    wb_page_ref_t later = { "draft@a1", 500, 500 };
    wb_page_ref_t fewer = { "draft@a1", 0, 100 };
    assert_false (wb_page_cache_holds (cache, other));
    assert_false (wb_page_cache_holds (cache, later));
    assert_false (wb_page_cache_holds (cache, fewer));
    run = wb_page_cache_get (cache, page, 7, NULL, &total);
    assert_non_null (run);
    assert_int_equal (total, 3);
    assert_int_equal (wb_kvlist_run_count (run), 3);
    assert_string_equal (s_first_subject (run), "seven 0");
    //  another version drops it
    assert_null (wb_page_cache_get (cache, page, 8, NULL, &total));
    assert_false (wb_page_cache_holds (cache, page));
    assert_null (wb_page_cache_get (cache, page, 7, NULL, &total));
    wb_page_cache_stats_t stats = wb_page_cache_stats (cache);
    assert_int_equal (stats.hits, 1);
    assert_int_equal (stats.misses, 3);
    assert_int_equal (stats.pages, 0);
    assert_int_equal (stats.bytes, 0);
    wb_page_cache_destroy (&cache);
    assert_null (cache);
}

//  A page read at a count of the store's writes is served at that count
//  without its version; at another count only by its version, which then
//  stamps it again; a page put without a count is never served so.
static void
test_a_page_is_current_while_nothing_is_written (void **state)
{
    (void) state;
    wb_page_cache_t *cache = wb_page_cache_new (1 << 20);
    wb_page_ref_t page = { "team@sales", 0, 500 };
    wb_kvlist_run_t *run = s_run ("stamped", 2);
    uint64_t writes = 40;
    wb_page_cache_put (cache, page, 9, 2, &writes, run);
    int64_t version = 0, total = 0;
    wb_kvlist_run_t *served = wb_page_cache_get_unwritten (cache, page, 40, &version, &total);
    assert_non_null (served);
    assert_int_equal (version, 9);
    assert_int_equal (total, 2);
    wb_kvlist_run_destroy (&served);
    //  a write since: not without the version, and the page stays
    assert_null (wb_page_cache_get_unwritten (cache, page, 41, &version, &total));
    assert_true (wb_page_cache_holds (cache, page));
    writes = 41;
    served = wb_page_cache_get (cache, page, 9, &writes, &total);
    assert_non_null (served);
    wb_kvlist_run_destroy (&served);
    served = wb_page_cache_get_unwritten (cache, page, 41, &version, &total);
    assert_non_null (served);
    wb_kvlist_run_destroy (&served);
    //  known current by its version alone: no count to serve it by
    served = wb_page_cache_get (cache, page, 9, NULL, &total);
    wb_kvlist_run_destroy (&served);
    assert_null (wb_page_cache_get_unwritten (cache, page, 41, &version, &total));
    wb_page_cache_put (cache, page, 9, 2, NULL, run);
    assert_null (wb_page_cache_get_unwritten (cache, page, 0, &version, &total));
    assert_int_equal (wb_page_cache_stats (cache).hits, 4);
    wb_kvlist_run_destroy (&run);
    wb_page_cache_destroy (&cache);
}

//  Keys cannot be confused: "a@b" + "c" is not "a" + "b@c".
static void
test_refs_do_not_collide (void **state)
{
    (void) state;
    wb_page_cache_t *cache = wb_page_cache_new (1 << 20);
    wb_page_ref_t one = { "t@1", 23, 4 }, two = { "t@12", 3, 4 }, three = { "t@1", 2, 34 };
    wb_kvlist_run_t *run = s_run ("one", 1);
    wb_page_cache_put (cache, one, 1, 1, NULL, run);
    wb_kvlist_run_destroy (&run);
    assert_true (wb_page_cache_holds (cache, one));
    assert_false (wb_page_cache_holds (cache, two));
    assert_false (wb_page_cache_holds (cache, three));
    wb_page_cache_destroy (&cache);
}

//  A put replaces the page held; the least recently served go first when
//  the bytes would pass the capacity; a page over a quarter is not kept.
static void
test_bounded_in_bytes_least_recent_first (void **state)
{
    (void) state;
    wb_kvlist_run_t *run = s_run ("big", 100);
    size_t page_bytes = wb_kvlist_run_bytes (run);
    //  room for four pages and a half
    wb_page_cache_t *cache = wb_page_cache_new (page_bytes * 9 / 2 + 4 * 128);
    wb_page_ref_t pages [6];
    char keys [6][16];
    for (int index = 0; index < 6; index++) {
        snprintf (keys [index], sizeof (keys [index]), "team@g%d", index);
        pages [index] = (wb_page_ref_t) { keys [index], 0, 100 };
    }
    for (int index = 0; index < 4; index++)
        wb_page_cache_put (cache, pages [index], 1, 100, NULL, run);
    assert_int_equal (wb_page_cache_stats (cache).pages, 4);
    //  page 0 served: page 1 is now the least recent
    int64_t total = 0;
    wb_kvlist_run_t *served = wb_page_cache_get (cache, pages [0], 1, NULL, &total);
    wb_kvlist_run_destroy (&served);
    wb_page_cache_put (cache, pages [4], 1, 100, NULL, run);
    assert_true (wb_page_cache_holds (cache, pages [0]));
    assert_false (wb_page_cache_holds (cache, pages [1]));
    assert_true (wb_page_cache_holds (cache, pages [4]));
    //  a put of a held page replaces it: no second copy
    wb_page_cache_put (cache, pages [4], 2, 100, NULL, run);
    wb_page_cache_stats_t stats = wb_page_cache_stats (cache);
    assert_int_equal (stats.pages, 4);
    assert_true (stats.bytes <= page_bytes * 9 / 2 + 4 * 128);
    assert_null (wb_page_cache_get (cache, pages [4], 1, NULL, &total));
    wb_page_cache_destroy (&cache);
    //  pages over a quarter of the capacity, or any page of a cache of
    //  nothing, are not kept
    cache = wb_page_cache_new (page_bytes * 3);
    wb_page_cache_put (cache, pages [0], 1, 100, NULL, run);
    assert_false (wb_page_cache_holds (cache, pages [0]));
    wb_page_cache_destroy (&cache);
    cache = wb_page_cache_new (0);
    wb_page_cache_put (cache, pages [0], 1, 100, NULL, run);
    assert_false (wb_page_cache_holds (cache, pages [0]));
    assert_int_equal (wb_page_cache_stats (cache).bytes, 0);
    wb_page_cache_destroy (&cache);
    wb_kvlist_run_destroy (&run);
}

static void
test_degenerate_calls (void **state)
{
    (void) state;
    wb_page_ref_t page = { "draft@a1", 0, 500 };
    int64_t total = 0;
    assert_false (wb_page_cache_holds (NULL, page));
    assert_null (wb_page_cache_get (NULL, page, 1, NULL, &total));
    wb_page_cache_put (NULL, page, 1, 1, NULL, NULL);
    assert_int_equal (wb_page_cache_stats (NULL).pages, 0);
    wb_page_cache_destroy (NULL);
    wb_page_cache_t *cache = wb_page_cache_new (1 << 20);
    wb_page_ref_t nameless = { NULL, 0, 500 };
    wb_kvlist_run_t *run = s_run ("x", 1);
    wb_page_cache_put (cache, nameless, 1, 1, NULL, run);
    wb_page_cache_put (cache, page, 1, 1, NULL, NULL);
    assert_int_equal (wb_page_cache_stats (cache).pages, 0);
    assert_null (wb_kvlist_run_dup (NULL));
    assert_int_equal (wb_kvlist_run_bytes (NULL), 0);
    wb_kvlist_run_destroy (&run);
    wb_page_cache_destroy (&cache);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_a_page_is_served_at_its_version_only),
        cmocka_unit_test (test_a_page_is_current_while_nothing_is_written),
        cmocka_unit_test (test_refs_do_not_collide),
        cmocka_unit_test (test_bounded_in_bytes_least_recent_first),
        cmocka_unit_test (test_degenerate_calls),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
