/*  Tests of wbc_layout, the screen arithmetic of the console. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdbool.h>
#include <string.h>
#include <cmocka.h>
#include "wbc_layout.h"

#define COUNT_OF(array) (sizeof (array) / sizeof ((array) [0]))

//  An input with the defaults the console starts with.
static wbc_layout_input_t
s_input (int columns, int lines, bool sidebar, bool trace, int panes)
{
    wbc_layout_input_t input = {
        .columns = columns, .lines = lines, .sidebar = sidebar, .trace = trace,
        .pane_count = panes, .focus = 0, .maximised = -1, .first_pane = 0,
    };
    return input;
}

//  True if a rectangle is the empty one (not shown).
static bool
s_empty (wbc_rect_t rect)
{
    return rect.x == 0 && rect.y == 0 && rect.width == 0 && rect.height == 0;
}

//  Assert a rectangle is exactly this one.
static void
s_assert_rect (wbc_rect_t rect, int x, int y, int width, int height)
{
    assert_int_equal (rect.x, x);
    assert_int_equal (rect.y, y);
    assert_int_equal (rect.width, width);
    assert_int_equal (rect.height, height);
}

//  Assert a rectangle that is shown lies wholly inside the screen.
static void
s_assert_inside (wbc_rect_t rect, const wbc_layout_t *layout)
{
    assert_true (rect.width > 0 && rect.height > 0);
    assert_true (rect.x >= 0 && rect.y >= 0);
    assert_true (rect.x + rect.width <= layout->columns);
    assert_true (rect.y + rect.height <= layout->lines);
}

//  True if two rectangles share a cell.
static bool
s_overlap (wbc_rect_t one, wbc_rect_t two)
{
    return one.x < two.x + two.width && two.x < one.x + one.width
        && one.y < two.y + two.height && two.y < one.y + one.height;
}

//  Everything shown is inside the screen and nothing overlaps.
static void
s_assert_no_overlap (const wbc_layout_t *layout)
{
    wbc_rect_t shown [WBC_LAYOUT_MAX_PANES + 5];
    size_t count = 0;
    const wbc_rect_t frame [] = {
        layout->sidebar, layout->trace, layout->prompt, layout->status, layout->hint
    };
    for (size_t index = 0; index < COUNT_OF (frame); index++)
        if (!s_empty (frame [index]))
            shown [count++] = frame [index];
    for (int pane = 0; pane < layout->pane_count; pane++)
        if (layout->visible [pane])
            shown [count++] = layout->panes [pane];
    for (size_t one = 0; one < count; one++) {
        s_assert_inside (shown [one], layout);
        for (size_t two = one + 1; two < count; two++)
            assert_false (s_overlap (shown [one], shown [two]));
    }
}

//  The frame: footer lines, side panels and the area between them.
static void
s_assert_frame (const wbc_layout_input_t *input, const wbc_layout_t *layout)
{
    int height = input->lines - 2;
    s_assert_rect (layout->status, 0, input->lines - 1, input->columns, 1);
    s_assert_rect (layout->prompt, 0, input->lines - 2, input->columns, 1);
    assert_int_equal (s_empty (layout->sidebar), !input->sidebar);
    assert_int_equal (s_empty (layout->trace), !input->trace);
    if (input->sidebar) {
        s_assert_rect (layout->sidebar, 0, 0, layout->sidebar.width, height);
        assert_true (layout->sidebar.width >= WBC_LAYOUT_MIN_SIDEBAR_WIDTH);
    }
    if (input->trace) {
        assert_int_equal (layout->trace.x + layout->trace.width, input->columns);
        assert_int_equal (layout->trace.height, height);
        assert_true (layout->trace.width >= WBC_LAYOUT_MIN_TRACE_WIDTH);
    }
    s_assert_rect (layout->area, layout->sidebar.width, 0, layout->area.width, height);
    assert_true (layout->area.width >= WBC_LAYOUT_MIN_PANE_WIDTH);
    assert_int_equal (layout->sidebar.width + layout->area.width + layout->trace.width,
                      input->columns);
    //  the overlay box: centred, at most 100 wide, above the footer
    s_assert_inside (layout->overlay, layout);
    assert_true (layout->overlay.width <= WBC_LAYOUT_OVERLAY_WIDTH);
    assert_true (layout->overlay.x * 2 + layout->overlay.width >= input->columns - 1);
    assert_true (layout->overlay.y + layout->overlay.height <= layout->prompt.y);
    assert_int_equal (wbc_layout_overlay_rows (layout), (size_t) layout->overlay.height - 2);
}

//  The visible panes: adjacent, even, filling the area exactly.
static void
s_assert_panes (const wbc_layout_input_t *input, const wbc_layout_t *layout)
{
    int x = layout->area.x;
    int narrowest = layout->area.width, widest = 0;
    for (int pane = 0; pane < input->pane_count; pane++) {
        bool inside = pane >= layout->first_visible
                   && pane < layout->first_visible + layout->visible_count;
        assert_int_equal (layout->visible [pane], inside);
        if (!inside) {
            assert_true (s_empty (layout->panes [pane]));
            continue;
        }
        wbc_rect_t rect = layout->panes [pane];
        s_assert_rect (rect, x, layout->area.y, rect.width, layout->area.height);
        assert_true (rect.width >= WBC_LAYOUT_MIN_PANE_WIDTH);
        assert_true (rect.width <= narrowest);          /* the leftmost are wider */
        narrowest = rect.width;
        widest = rect.width > widest ? rect.width : widest;
        x += rect.width;
    }
    assert_int_equal (x, layout->area.x + layout->area.width);
    assert_true (widest - narrowest <= 1);
}

//  Everything a sound layout of this input must satisfy.
static void
s_assert_sound (const wbc_layout_input_t *input, const wbc_layout_t *layout)
{
    assert_false (layout->too_small);
    assert_int_equal (layout->pane_count, input->pane_count);
    s_assert_frame (input, layout);
    s_assert_no_overlap (layout);
    if (input->pane_count == 0) {
        assert_memory_equal (&layout->hint, &layout->area, sizeof (wbc_rect_t));
        assert_int_equal (layout->visible_count, 0);
        return;
    }
    assert_true (s_empty (layout->hint));
    assert_true (layout->visible_count >= 1);
    s_assert_panes (input, layout);
    bool maximised = input->maximised >= 0 && input->maximised < input->pane_count;
    int focus = input->focus >= 0 && input->focus < input->pane_count ? input->focus : 0;
    assert_true (layout->visible [maximised ? input->maximised : focus]);
}

static void
test_degenerate_calls (void **state)
{
    (void) state;
    wbc_layout_input_t input = s_input (80, 24, true, true, 1);
    wbc_layout_t layout;
    assert_int_equal (wbc_layout_compute (&input, NULL), -1);
    assert_int_equal (wbc_layout_compute (NULL, &layout), -1);
    assert_int_equal (wbc_layout_pane_rows (NULL, 0), 1);
    assert_int_equal (wbc_layout_overlay_rows (NULL), 0);
    assert_true (layout.too_small);
    const int bad_counts [] = { -1, WBC_LAYOUT_MAX_PANES + 1, 1000 };
    for (size_t index = 0; index < COUNT_OF (bad_counts); index++) {
        input.pane_count = bad_counts [index];
        assert_int_equal (wbc_layout_compute (&input, &layout), -1);
        assert_true (layout.too_small);
        assert_int_equal (layout.visible_count, 0);
    }
    //  Sizes that make no sense are only too small
    const int sizes [][2] = { { 0, 0 }, { -1, 24 }, { 80, -5 }, { 1, 1 } };
    input.pane_count = 3;
    for (size_t index = 0; index < COUNT_OF (sizes); index++) {
        input.columns = sizes [index][0];
        input.lines = sizes [index][1];
        assert_int_equal (wbc_layout_compute (&input, &layout), 0);
        assert_true (layout.too_small);
    }
}

static void
test_too_small (void **state)
{
    (void) state;
    const int sizes [][2] = { { 79, 24 }, { 80, 23 }, { 79, 23 }, { 200, 10 }, { 40, 50 } };
    for (size_t index = 0; index < COUNT_OF (sizes); index++) {
        wbc_layout_input_t input = s_input (sizes [index][0], sizes [index][1], true, true, 3);
        wbc_layout_t layout;
        assert_int_equal (wbc_layout_compute (&input, &layout), 0);
        assert_true (layout.too_small);
        assert_int_equal (layout.columns, sizes [index][0]);
        assert_int_equal (layout.lines, sizes [index][1]);
        assert_true (s_empty (layout.sidebar) && s_empty (layout.trace));
        assert_true (s_empty (layout.status) && s_empty (layout.prompt));
        assert_true (s_empty (layout.area) && s_empty (layout.hint));
        assert_true (s_empty (layout.overlay));
        assert_int_equal (wbc_layout_overlay_rows (&layout), 0);
        assert_int_equal (wbc_layout_pane_rows (&layout, 0), 1);
        assert_int_equal (layout.visible_count, 0);
        for (int pane = 0; pane < WBC_LAYOUT_MAX_PANES; pane++)
            assert_false (layout.visible [pane]);
    }
    wbc_layout_input_t input = s_input (80, 24, true, true, 3);
    wbc_layout_t layout;
    assert_int_equal (wbc_layout_compute (&input, &layout), 0);
    assert_false (layout.too_small);
}

static void
test_every_combination_is_sound (void **state)
{
    (void) state;
    const int sizes [][2] = { { 80, 24 }, { 81, 25 }, { 120, 40 }, { 200, 50 }, { 1000, 300 } };
    const int panes [] = { 0, 1, 2, 3, 7, WBC_LAYOUT_MAX_PANES };
    for (size_t size = 0; size < COUNT_OF (sizes); size++)
    for (size_t count = 0; count < COUNT_OF (panes); count++)
    for (int sides = 0; sides < 4; sides++)
    for (int focus = -1; focus <= panes [count]; focus++) {
        wbc_layout_input_t input = s_input (sizes [size][0], sizes [size][1],
                                            sides & 1, sides & 2, panes [count]);
        input.focus = focus;
        wbc_layout_t layout;
        assert_int_equal (wbc_layout_compute (&input, &layout), 0);
        s_assert_sound (&input, &layout);
    }
}

static void
test_known_layouts (void **state)
{
    (void) state;
    wbc_layout_t layout;
    //  80x24, sidebar and trace: 26 + 22 + 32 (40% of 80)
    wbc_layout_input_t input = s_input (80, 24, true, true, 1);
    assert_int_equal (wbc_layout_compute (&input, &layout), 0);
    s_assert_rect (layout.sidebar, 0, 0, 26, 22);
    s_assert_rect (layout.panes [0], 26, 0, 22, 22);
    s_assert_rect (layout.trace, 48, 0, 32, 22);
    s_assert_rect (layout.prompt, 0, 22, 80, 1);
    s_assert_rect (layout.status, 0, 23, 80, 1);
    s_assert_rect (layout.overlay, 4, 2, 72, 18);
    assert_int_equal (wbc_layout_pane_rows (&layout, 0), 20);     /* 22 less title and header */
    assert_int_equal (wbc_layout_pane_rows (&layout, -1), 1);
    assert_int_equal (wbc_layout_pane_rows (&layout, 1), 1);      /* no such pane */
    assert_int_equal (wbc_layout_overlay_rows (&layout), 16);
    //  80x24, nothing else: 3 panes of 27, 27, 26
    input = s_input (80, 24, false, false, 3);
    assert_int_equal (wbc_layout_compute (&input, &layout), 0);
    s_assert_rect (layout.panes [0], 0, 0, 27, 22);
    s_assert_rect (layout.panes [1], 27, 0, 27, 22);
    s_assert_rect (layout.panes [2], 54, 0, 26, 22);
    //  200x50, sidebar and trace: 26 + 94 + 80; 94 = 32 + 31 + 31
    input = s_input (200, 50, true, true, 3);
    assert_int_equal (wbc_layout_compute (&input, &layout), 0);
    s_assert_rect (layout.panes [0], 26, 0, 32, 48);
    s_assert_rect (layout.panes [1], 58, 0, 31, 48);
    s_assert_rect (layout.panes [2], 89, 0, 31, 48);
    s_assert_rect (layout.trace, 120, 0, 80, 48);
    //  200x50, 7 panes: 200 = 4 x 29 + 3 x 28
    input = s_input (200, 50, false, false, 7);
    assert_int_equal (wbc_layout_compute (&input, &layout), 0);
    const int widths [7] = { 29, 29, 29, 29, 28, 28, 28 };
    for (int pane = 0, x = 0; pane < 7; x += widths [pane], pane++)
        s_assert_rect (layout.panes [pane], x, 0, widths [pane], 48);
    //  No pane: the area is the hint
    input = s_input (200, 50, true, false, 0);
    assert_int_equal (wbc_layout_compute (&input, &layout), 0);
    s_assert_rect (layout.hint, 26, 0, 174, 48);
}

static void
test_maximised (void **state)
{
    (void) state;
    wbc_layout_input_t input = s_input (200, 50, true, true, 7);
    input.maximised = 3;
    input.focus = 3;
    wbc_layout_t layout;
    assert_int_equal (wbc_layout_compute (&input, &layout), 0);
    s_assert_sound (&input, &layout);
    assert_int_equal (layout.first_visible, 3);
    assert_int_equal (layout.visible_count, 1);
    assert_memory_equal (&layout.panes [3], &layout.area, sizeof (wbc_rect_t));
    for (int pane = 0; pane < 7; pane++)
        assert_int_equal (layout.visible [pane], pane == 3);
    //  Maximised wins over a focus elsewhere, even when many panes would fit
    input.focus = 0;
    assert_int_equal (wbc_layout_compute (&input, &layout), 0);
    assert_true (layout.visible [3] && !layout.visible [0]);
    //  Out of range: as if nothing were maximised
    const int none [] = { -1, 7, 99, -5 };
    for (size_t index = 0; index < COUNT_OF (none); index++) {
        input.maximised = none [index];
        assert_int_equal (wbc_layout_compute (&input, &layout), 0);
        s_assert_sound (&input, &layout);
        assert_int_equal (layout.visible_count, 4);     /* 94 columns: 4 of 20 */
    }
}

static void
test_too_many_panes_window_follows_focus (void **state)
{
    (void) state;
    //  80x24 with both side panels leaves 22 columns: one pane at a time
    wbc_layout_input_t input = s_input (80, 24, true, true, 7);
    input.focus = 5;
    wbc_layout_t layout;
    assert_int_equal (wbc_layout_compute (&input, &layout), 0);
    s_assert_sound (&input, &layout);
    assert_int_equal (layout.first_visible, 5);
    assert_int_equal (layout.visible_count, 1);
    s_assert_rect (layout.panes [5], 26, 0, 22, 22);
    //  200 columns hold 10 panes of 20
    input = s_input (200, 50, false, false, 16);
    const struct {
        int first_pane;
        int focus;
        int first_visible;
    } cases [] = {
        { 0, 0, 0 }, { 0, 9, 0 }, { 0, 10, 1 }, { 0, 15, 6 }, { 3, 5, 3 },
        { 3, 14, 5 }, { 12, 0, 0 }, { 12, 15, 6 }, { -4, 2, 0 }, { 8, 7, 6 },
    };
    for (size_t index = 0; index < COUNT_OF (cases); index++) {
        input.first_pane = cases [index].first_pane;
        input.focus = cases [index].focus;
        assert_int_equal (wbc_layout_compute (&input, &layout), 0);
        s_assert_sound (&input, &layout);
        assert_int_equal (layout.visible_count, 10);
        assert_int_equal (layout.first_visible, cases [index].first_visible);
    }
}

static void
test_window_scrolls_one_pane_at_a_time (void **state)
{
    (void) state;
    //  120x40 with the sidebar: 94 columns, 4 panes of 24, 24, 23, 23
    wbc_layout_input_t input = s_input (120, 40, true, false, 9);
    wbc_layout_t layout;
    int last_first = 0;
    for (int step = 0; step < 2 * 9; step++) {
        input.focus = step < 9 ? step : 2 * 9 - 1 - step;     /* right, then back */
        assert_int_equal (wbc_layout_compute (&input, &layout), 0);
        s_assert_sound (&input, &layout);
        assert_int_equal (layout.visible_count, 4);
        assert_true (layout.first_visible - last_first <= 1);
        assert_true (last_first - layout.first_visible <= 1);
        last_first = layout.first_visible;
        input.first_pane = layout.first_visible;
    }
    assert_int_equal (last_first, 0);
}

static void
test_side_panel_preferences (void **state)
{
    (void) state;
    const struct {
        int columns;
        bool sidebar;
        int sidebar_width;
        bool trace;
        int trace_percent;
        int want_sidebar;
        int want_trace;
    } cases [] = {
        { 80, true, 5, false, 0, 12, 0 },          /* below the minimum */
        { 80, true, 200, true, 0, 30, 30 },        /* leaves trace and one pane */
        { 80, true, 200, false, 0, 60, 0 },
        { 200, false, 0, true, 90, 0, 180 },
        { 200, false, 0, true, 150, 0, 180 },
        { 200, false, 0, true, 10, 0, 30 },        /* 20 is below the minimum */
        { 200, true, 40, true, 50, 40, 100 },
        { 200, true, 0, true, -3, 26, 80 },        /* defaults */
        { 99, false, 0, true, 0, 0, 39 },          /* 40% rounded down */
    };
    for (size_t index = 0; index < COUNT_OF (cases); index++) {
        wbc_layout_input_t input = s_input (cases [index].columns, 30, cases [index].sidebar,
                                            cases [index].trace, 2);
        input.sidebar_width = cases [index].sidebar_width;
        input.trace_percent = cases [index].trace_percent;
        wbc_layout_t layout;
        assert_int_equal (wbc_layout_compute (&input, &layout), 0);
        s_assert_sound (&input, &layout);
        assert_int_equal (layout.sidebar.width, cases [index].want_sidebar);
        assert_int_equal (layout.trace.width, cases [index].want_trace);
    }
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_degenerate_calls),
        cmocka_unit_test (test_too_small),
        cmocka_unit_test (test_every_combination_is_sound),
        cmocka_unit_test (test_known_layouts),
        cmocka_unit_test (test_maximised),
        cmocka_unit_test (test_too_many_panes_window_follows_focus),
        cmocka_unit_test (test_window_scrolls_one_pane_at_a_time),
        cmocka_unit_test (test_side_panel_preferences),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
