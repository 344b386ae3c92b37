/*  Tests of wb_prelude: allocators, the growable array, monotonic time. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "wb_prelude.h"

static void
test_degenerate_calls (void **state)
{
    (void) state;
    assert_null (wb_strdup (NULL));
    size_t capacity = 0;
    int *items = NULL;
    assert_int_equal (wb_grow (NULL, &capacity, 1, sizeof (int), 10), -1);
    assert_int_equal (wb_grow (&items, NULL, 1, sizeof (int), 10), -1);
    assert_int_equal (wb_grow (&items, &capacity, 1, 0, 10), -1);
    assert_int_equal (wb_grow (&items, &capacity, 11, sizeof (int), 10), -1);
    assert_int_equal (wb_grow (&items, &capacity, 1, sizeof (int), SIZE_MAX), -1);
    assert_null (items);
    assert_int_equal (capacity, 0);
    //  size 0 still gives memory that can be freed
    void *memory = wb_malloc (0);
    assert_non_null (memory);
    free (memory);
    memory = wb_calloc (0, 0);
    assert_non_null (memory);
    free (memory);
}

static void
test_allocators_give_usable_memory (void **state)
{
    (void) state;
    unsigned char *zeroes = wb_calloc (64, 2);
    for (size_t index = 0; index < 128; index++)
        assert_int_equal (zeroes [index], 0);
    zeroes = wb_realloc (zeroes, 4096);
    zeroes [4095] = 7;
    free (zeroes);
    char *copy = wb_strdup ("café 日本");
    assert_string_equal (copy, "café 日本");
    free (copy);
    int counts [5];
    assert_int_equal (WB_COUNT_OF (counts), 5);
}

//  The room doubles from 8, never past the limit, keeps what it held.
static void
test_grow_doubles_up_to_the_limit (void **state)
{
    (void) state;
    size_t capacity = 0;
    int *items = NULL;
    assert_int_equal (wb_grow (&items, &capacity, 0, sizeof (int), 100), 0);
    assert_int_equal (capacity, 0);
    assert_int_equal (wb_grow (&items, &capacity, 1, sizeof (int), 100), 0);
    assert_int_equal (capacity, 8);
    for (int index = 0; index < 8; index++)
        items [index] = index;
    assert_int_equal (wb_grow (&items, &capacity, 9, sizeof (int), 100), 0);
    assert_int_equal (capacity, 16);
    assert_int_equal (wb_grow (&items, &capacity, 70, sizeof (int), 100), 0);
    assert_int_equal (capacity, 100);
    for (int index = 0; index < 8; index++)
        assert_int_equal (items [index], index);
    assert_int_equal (wb_grow (&items, &capacity, 101, sizeof (int), 100), -1);
    assert_int_equal (capacity, 100);
    free (items);
}

static void
test_monotonic_clock_does_not_go_back (void **state)
{
    (void) state;
    int64_t before = wb_mono_ms ();
    int64_t after = wb_mono_ms ();
    assert_true (before >= 0);
    assert_true (after >= before);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_degenerate_calls),
        cmocka_unit_test (test_allocators_give_usable_memory),
        cmocka_unit_test (test_grow_doubles_up_to_the_limit),
        cmocka_unit_test (test_monotonic_clock_does_not_go_back),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
