/*  Tests of wb_page_cache: workbins' images built from pages read in
    order, served by window at their version, changes patched in, the
    least recently served going first, bounded in bytes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "wb_page_cache.h"

//  An interaction {"InteractionId" = "<tag>-<index>", "Subject" = "<tag>
//  <index>"}.
static wb_kvlist_t *
s_interaction (const char *tag, size_t index)
{
    wb_kvlist_t *item = wb_kvlist_new ();
    char text [64];
    snprintf (text, sizeof (text), "%s-%zu", tag, index);
    wb_kvlist_add_string (item, "InteractionId", text);
    snprintf (text, sizeof (text), "%s %zu", tag, index);
    wb_kvlist_add_string (item, "Subject", text);
    return item;
}

//  A run of count interactions, tag-first .. tag-(first + count - 1).
static wb_kvlist_run_t *
s_run_from (const char *tag, size_t first, size_t count)
{
    wb_kvlist_run_t *run = wb_kvlist_run_new ("Interactions", "Interaction");
    for (size_t index = first; index < first + count; index++) {
        wb_kvlist_t *item = s_interaction (tag, index);
        size_t size = 0;
        uint8_t *encoded = wb_kvlist_encode (item, &size);
        assert_int_equal (wb_kvlist_run_add (run, encoded, size, 1), 0);
        free (encoded);
        wb_kvlist_destroy (&item);
    }
    return run;
}

static wb_kvlist_run_t *
s_run (const char *tag, size_t count)
{
    return s_run_from (tag, 0, count);
}

//  The Subjects of a run joined by commas, once it is a list entry
//  (static buffer); takes the run.
static const char *
s_subjects (wb_kvlist_run_t *run)
{
    static char text [4096];
    wb_kvlist_t *list = wb_kvlist_new ();
    assert_int_equal (wb_kvlist_add_run (list, &run), 0);
    wb_kvlist_t *items = wb_kvlist_list (list, "Interactions");
    size_t used = 0;
    text [0] = 0;
    for (size_t index = 0; index < wb_kvlist_size (items) && used < sizeof (text); index++)
        used += (size_t) snprintf (text + used, sizeof (text) - used, "%s%s", index ? "," : "",
                                   wb_kvlist_string (wb_kvlist_list_at (items, index),
                                                     "Subject"));
    wb_kvlist_destroy (&list);
    return text;
}

//  The first Subject of a run, once it is a list entry (static buffer).
static const char *
s_first_subject (wb_kvlist_run_t *run)
{
    static char text [64];
    snprintf (text, sizeof (text), "%s", s_subjects (run));
    char *comma = strchr (text, ',');
    if (comma)
        *comma = 0;
    return *text ? text : "(none)";
}

//  A page of the image at version, as its Subjects ("(not held)" if the
//  cache does not serve it).
static const char *
s_page_text (wb_page_cache_t *cache, wb_page_ref_t page, int64_t version)
{
    int64_t total = 0;
    wb_kvlist_run_t *run = wb_page_cache_get (cache, page, version, NULL, &total);
    return run ? s_subjects (run) : "(not held)";
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
    //  another workbin is not it; the whole workbin is known, so any window is
    wb_page_ref_t other = { "draft@a10", 0, 500 };
    wb_page_ref_t later = { "draft@a1", 500, 500 };
    wb_page_ref_t fewer = { "draft@a1", 1, 1 };
    assert_false (wb_page_cache_holds (cache, other));
    assert_true (wb_page_cache_holds (cache, later));
    assert_string_equal (s_page_text (cache, fewer, 7), "seven 1");
    assert_string_equal (s_page_text (cache, later, 7), "");
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
    assert_int_equal (stats.hits, 3);
    assert_int_equal (stats.misses, 3);
    assert_int_equal (stats.images, 0);
    assert_int_equal (stats.bytes, 0);
    wb_page_cache_destroy (&cache);
    assert_null (cache);
}

//  Pages read in order from the first make the image; any other does not.
static void
test_pages_in_order_make_the_image (void **state)
{
    (void) state;
    wb_page_cache_t *cache = wb_page_cache_new (1 << 20);
    wb_page_ref_t first = { "team@sales", 0, 2 }, second = { "team@sales", 2, 2 };
    wb_page_ref_t third = { "team@sales", 4, 2 }, skipped = { "team@sales", 3, 2 };
    wb_kvlist_run_t *run = s_run_from ("t", 3, 2);
    wb_page_cache_put (cache, skipped, 1, 5, NULL, run);     //  not the first: nothing
    wb_kvlist_run_destroy (&run);
    assert_int_equal (wb_page_cache_stats (cache).images, 0);
    run = s_run_from ("t", 0, 2);
    wb_page_cache_put (cache, first, 1, 5, NULL, run);
    wb_kvlist_run_destroy (&run);
    assert_true (wb_page_cache_holds (cache, first));
    assert_false (wb_page_cache_holds (cache, second));
    //  the next page at another version does not extend it
    run = s_run_from ("t", 2, 2);
    wb_page_cache_put (cache, second, 2, 5, NULL, run);
    assert_false (wb_page_cache_holds (cache, second));
    wb_page_cache_put (cache, second, 1, 5, NULL, run);
    wb_kvlist_run_destroy (&run);
    assert_true (wb_page_cache_holds (cache, second));
    assert_false (wb_page_cache_holds (cache, third));
    run = s_run_from ("t", 4, 1);
    wb_page_cache_put (cache, third, 1, 5, NULL, run);
    wb_kvlist_run_destroy (&run);
    assert_true (wb_page_cache_holds (cache, third));
    wb_page_ref_t across = { "team@sales", 1, 3 };
    assert_string_equal (s_page_text (cache, across, 1), "t 1,t 2,t 3");
    assert_string_equal (s_page_text (cache, third, 1), "t 4");
    //  a page may end before the workbin does (a store bounds a page's
    //  bytes): the next one follows it
    run = s_run_from ("u", 0, 1);
    wb_page_cache_put (cache, first, 3, 3, NULL, run);
    wb_kvlist_run_destroy (&run);
    wb_page_ref_t one = { "team@sales", 0, 1 }, after = { "team@sales", 1, 2 };
    assert_true (wb_page_cache_holds (cache, one));
    assert_false (wb_page_cache_holds (cache, first));
    run = s_run_from ("u", 1, 2);
    wb_page_cache_put (cache, after, 3, 3, NULL, run);
    wb_kvlist_run_destroy (&run);
    assert_string_equal (s_page_text (cache, first, 3), "u 0,u 1");
    //  rows past the total, or none before it, are of another snapshot
    run = s_run_from ("v", 0, 2);
    wb_page_cache_put (cache, first, 4, 1, NULL, run);
    wb_kvlist_run_destroy (&run);
    assert_false (wb_page_cache_holds (cache, one));
    run = s_run_from ("v", 0, 0);
    wb_page_cache_put (cache, first, 5, 2, NULL, run);
    wb_kvlist_run_destroy (&run);
    assert_false (wb_page_cache_holds (cache, one));
    assert_int_equal (wb_page_cache_stats (cache).images, 0);
    wb_page_cache_destroy (&cache);
}

//  Changes made here move the image to their version: placed in goes
//  last, taken out leaves (the rest close up), properties replace; a
//  change to another version than the image's drops it.
static void
test_changes_are_patched_in (void **state)
{
    (void) state;
    wb_page_cache_t *cache = wb_page_cache_new (1 << 20);
    wb_page_ref_t all = { "team@sales", 0, 10 };
    wb_kvlist_run_t *run = s_run ("t", 3);
    wb_page_cache_put (cache, all, 4, 3, NULL, run);
    wb_kvlist_run_destroy (&run);
    wb_kvlist_t *placed = s_interaction ("t", 3);
    wb_page_cache_patch (cache, "team@sales", 5, WB_PAGE_PLACED_IN, placed);
    wb_kvlist_destroy (&placed);
    assert_string_equal (s_page_text (cache, all, 5), "t 0,t 1,t 2,t 3");
    wb_kvlist_t *first = s_interaction ("t", 0);
    wb_page_cache_patch (cache, "team@sales", 6, WB_PAGE_TAKEN_OUT, first);
    wb_kvlist_destroy (&first);
    wb_kvlist_t *renamed = s_interaction ("t", 2);
    wb_kvlist_set_string (renamed, "Subject", "renamed");
    wb_page_cache_patch (cache, "team@sales", 7, WB_PAGE_PROPERTIES_CHANGED, renamed);
    int64_t total = 0;
    wb_page_ref_t second = { "team@sales", 1, 1 };
    wb_kvlist_run_t *served = wb_page_cache_get (cache, second, 7, NULL, &total);
    assert_int_equal (total, 3);
    assert_string_equal (s_subjects (served), "renamed");
    assert_string_equal (s_page_text (cache, all, 7), "t 1,renamed,t 3");
    assert_int_equal (wb_page_cache_stats (cache).patches, 3);
    //  a change the image missed (version 8): the next drops it
    wb_page_cache_patch (cache, "team@sales", 9, WB_PAGE_PROPERTIES_CHANGED, renamed);
    assert_false (wb_page_cache_holds (cache, all));
    //  a change to a workbin without an image changes nothing
    wb_page_cache_patch (cache, "team@sales", 10, WB_PAGE_PROPERTIES_CHANGED, renamed);
    wb_kvlist_destroy (&renamed);
    assert_int_equal (wb_page_cache_stats (cache).images, 0);
    wb_page_cache_destroy (&cache);
}

//  An image of the first interactions only: what is placed in lies beyond
//  it, what leaves from beyond it leaves it as it is; the total follows.
static void
test_a_partial_image_keeps_its_part (void **state)
{
    (void) state;
    wb_page_cache_t *cache = wb_page_cache_new (1 << 20);
    wb_page_ref_t first = { "team@sales", 0, 2 }, rest = { "team@sales", 2, 10 };
    wb_kvlist_run_t *run = s_run ("t", 2);
    wb_page_cache_put (cache, first, 1, 4, NULL, run);
    wb_kvlist_run_destroy (&run);
    wb_kvlist_t *placed = s_interaction ("t", 4);
    wb_page_cache_patch (cache, "team@sales", 2, WB_PAGE_PLACED_IN, placed);
    wb_kvlist_destroy (&placed);
    wb_kvlist_t *beyond = s_interaction ("t", 2);
    wb_page_cache_patch (cache, "team@sales", 3, WB_PAGE_TAKEN_OUT, beyond);
    wb_kvlist_destroy (&beyond);
    int64_t total = 0;
    wb_kvlist_run_t *served = wb_page_cache_get (cache, first, 3, NULL, &total);
    assert_int_equal (total, 4);
    assert_string_equal (s_subjects (served), "t 0,t 1");
    assert_false (wb_page_cache_holds (cache, rest));
    //  the rest, read now, completes it
    run = s_run_from ("t", 3, 2);
    wb_page_cache_put (cache, rest, 3, 4, NULL, run);
    wb_kvlist_run_destroy (&run);
    assert_string_equal (s_page_text (cache, rest, 3), "t 3,t 4");
    //  an interaction the whole workbin does not hold cannot leave it
    wb_kvlist_t *stranger = s_interaction ("x", 0);
    wb_page_cache_patch (cache, "team@sales", 4, WB_PAGE_TAKEN_OUT, stranger);
    wb_kvlist_destroy (&stranger);
    assert_false (wb_page_cache_holds (cache, first));
    //  a batch that failed: every image goes
    run = s_run ("t", 2);
    wb_page_cache_put (cache, first, 5, 2, NULL, run);
    wb_kvlist_run_destroy (&run);
    assert_true (wb_page_cache_holds (cache, first));
    wb_page_cache_clear (cache);
    assert_false (wb_page_cache_holds (cache, first));
    assert_int_equal (wb_page_cache_stats (cache).bytes, 0);
    wb_page_cache_destroy (&cache);
}

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

//  Workbins are told apart by their whole key: "t@1" is not "t@12".
static void
test_workbins_do_not_collide (void **state)
{
    (void) state;
    wb_page_cache_t *cache = wb_page_cache_new (1 << 20);
    wb_page_ref_t one = { "t@1", 0, 4 }, two = { "t@12", 0, 4 };
    wb_kvlist_run_t *run = s_run ("one", 1);
    wb_page_cache_put (cache, one, 1, 1, NULL, run);
    wb_kvlist_run_destroy (&run);
    assert_true (wb_page_cache_holds (cache, one));
    assert_false (wb_page_cache_holds (cache, two));
    wb_page_cache_destroy (&cache);
}

//  A put of a first page replaces the image held; the least recently
//  served go first when the bytes would pass the capacity; an image over
//  a quarter is not kept, nor one that grows past it.
static void
test_bounded_in_bytes_least_recent_first (void **state)
{
    (void) state;
    wb_kvlist_run_t *run = s_run ("big", 100);
    wb_page_cache_t *cache = wb_page_cache_new (1 << 30);
    wb_page_ref_t probe = { "team@probe", 0, 100 };
    wb_page_cache_put (cache, probe, 1, 100, NULL, run);
    size_t image_bytes = wb_page_cache_stats (cache).bytes;
    assert_true (image_bytes > wb_kvlist_run_bytes (run) / 2);
    wb_page_cache_destroy (&cache);
    //  room for four images and a half
    cache = wb_page_cache_new (image_bytes * 9 / 2);
    wb_page_ref_t pages [6];
    char keys [6][16];
    for (int index = 0; index < 6; index++) {
        snprintf (keys [index], sizeof (keys [index]), "team@g%d", index);
        pages [index] = (wb_page_ref_t) { keys [index], 0, 100 };
    }
    for (int index = 0; index < 4; index++)
        wb_page_cache_put (cache, pages [index], 1, 100, NULL, run);
    assert_int_equal (wb_page_cache_stats (cache).images, 4);
    //  image 0 served: image 1 is now the least recent
    int64_t total = 0;
    wb_kvlist_run_t *served = wb_page_cache_get (cache, pages [0], 1, NULL, &total);
    wb_kvlist_run_destroy (&served);
    wb_page_cache_put (cache, pages [4], 1, 100, NULL, run);
    assert_true (wb_page_cache_holds (cache, pages [0]));
    assert_false (wb_page_cache_holds (cache, pages [1]));
    assert_true (wb_page_cache_holds (cache, pages [4]));
    //  a first page put again replaces the image: no second copy
    wb_page_cache_put (cache, pages [4], 2, 100, NULL, run);
    wb_page_cache_stats_t stats = wb_page_cache_stats (cache);
    assert_int_equal (stats.images, 4);
    assert_true (stats.bytes <= image_bytes * 9 / 2);
    assert_null (wb_page_cache_get (cache, pages [4], 1, NULL, &total));
    wb_page_cache_destroy (&cache);
    //  an image over a quarter of the capacity, or any of a cache of
    //  nothing, is not kept; one that grows past it goes
    cache = wb_page_cache_new (image_bytes * 3);
    wb_page_cache_put (cache, pages [0], 1, 100, NULL, run);
    assert_false (wb_page_cache_holds (cache, pages [0]));
    wb_page_ref_t some = { "team@g0", 0, 50 };
    wb_kvlist_run_t *half = s_run ("big", 50);
    wb_page_cache_put (cache, some, 1, 50, NULL, half);
    wb_kvlist_run_destroy (&half);
    assert_true (wb_page_cache_holds (cache, some));
    int index = 0;
    for (; index < 50 && wb_page_cache_holds (cache, some); index++) {
        wb_kvlist_t *placed = s_interaction ("more", (size_t) index);
        wb_page_cache_patch (cache, "team@g0", 2 + index, WB_PAGE_PLACED_IN, placed);
        wb_kvlist_destroy (&placed);
    }
    //  a quarter holds about 75 of them: gone after about 25 more
    assert_false (wb_page_cache_holds (cache, some));
    assert_true (index > 10 && index < 40);
    assert_int_equal (wb_page_cache_stats (cache).bytes, 0);
    //  nor begun when the first page tells the whole would not fit
    wb_kvlist_run_t *ten = s_run ("big", 10);
    wb_page_ref_t head = { "team@g1", 0, 10 };
    wb_page_cache_put (cache, head, 1, 1000, NULL, ten);
    assert_false (wb_page_cache_holds (cache, head));
    wb_page_cache_put (cache, head, 1, 60, NULL, ten);
    assert_true (wb_page_cache_holds (cache, head));
    wb_kvlist_run_destroy (&ten);
    wb_page_cache_destroy (&cache);
    cache = wb_page_cache_new (0);
    wb_page_cache_put (cache, pages [0], 1, 100, NULL, run);
    assert_false (wb_page_cache_holds (cache, pages [0]));
    assert_int_equal (wb_page_cache_stats (cache).bytes, 0);
    wb_page_cache_destroy (&cache);
    wb_kvlist_run_destroy (&run);
}

//  The bench's and a team's big workbin: 10,000 interactions of about
//  560 bytes, read by pages of 500, fit the default room's quarter and
//  are kept whole (the first page's estimate of the whole is not fooled by
//  the room a run reserves as it grows).
static void
test_a_big_workbin_within_a_quarter_is_kept (void **state)
{
    (void) state;
    wb_page_cache_t *cache = wb_page_cache_new (WB_PAGE_CACHE_DEFAULT);
    char padding [520];
    memset (padding, 'x', sizeof (padding) - 1);
    padding [sizeof (padding) - 1] = 0;
    for (size_t from = 0; from < 10000; from += 500) {
        wb_kvlist_run_t *run = wb_kvlist_run_new ("Interactions", "Interaction");
        //  room for twice the rows, as a store that sizes a page by bytes
        assert_int_equal (wb_kvlist_run_reserve (run, 1000, 600), 0);
        for (size_t index = from; index < from + 500; index++) {
            wb_kvlist_t *item = s_interaction ("big", index);
            wb_kvlist_add_string (item, "Notes", padding);
            size_t size = 0;
            uint8_t *encoded = wb_kvlist_encode (item, &size);
            assert_int_equal (wb_kvlist_run_add (run, encoded, size, 1), 0);
            free (encoded);
            wb_kvlist_destroy (&item);
        }
        wb_page_ref_t page = { "team@sales", (int64_t) from, 500 };
        wb_page_cache_put (cache, page, 1, 10000, NULL, run);
        wb_kvlist_run_destroy (&run);
        assert_true (wb_page_cache_holds (cache, page));
    }
    wb_page_ref_t last = { "team@sales", 9500, 500 };
    assert_string_equal (s_first_subject (wb_page_cache_get (cache, last, 1, NULL, NULL)),
                         "big 9500");
    assert_true (wb_page_cache_stats (cache).bytes < WB_PAGE_CACHE_DEFAULT / 4);
    wb_page_cache_destroy (&cache);
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
    assert_int_equal (wb_page_cache_stats (NULL).images, 0);
    wb_page_cache_destroy (NULL);
    wb_page_cache_t *cache = wb_page_cache_new (1 << 20);
    wb_page_ref_t nameless = { NULL, 0, 500 };
    wb_kvlist_run_t *run = s_run ("x", 1);
    wb_page_cache_put (cache, nameless, 1, 1, NULL, run);
    wb_page_cache_put (cache, page, 1, 1, NULL, NULL);
    assert_int_equal (wb_page_cache_stats (cache).images, 0);
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
        cmocka_unit_test (test_pages_in_order_make_the_image),
        cmocka_unit_test (test_changes_are_patched_in),
        cmocka_unit_test (test_a_partial_image_keeps_its_part),
        cmocka_unit_test (test_a_page_is_current_while_nothing_is_written),
        cmocka_unit_test (test_workbins_do_not_collide),
        cmocka_unit_test (test_bounded_in_bytes_least_recent_first),
        cmocka_unit_test (test_a_big_workbin_within_a_quarter_is_kept),
        cmocka_unit_test (test_degenerate_calls),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
