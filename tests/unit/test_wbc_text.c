/*  Tests of wbc_text, text measured in display columns. */
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stdint.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "wbc_text.h"

#define COUNT_OF(array) (sizeof (array) / sizeof ((array) [0]))
#define CANARY '#'
#define OUT_SIZE 64

//  A buffer with canary bytes after the part the function may use.
typedef struct {
    char bytes [OUT_SIZE + 16];
} guarded_t;

//  Fill the whole buffer with the canary.
static void
s_guard (guarded_t *buffer)
{
    memset (buffer->bytes, CANARY, sizeof (buffer->bytes));
}

//  Assert nothing was written at or after `size`, and there is a NUL before.
static void
s_assert_within (const guarded_t *buffer, size_t size)
{
    for (size_t index = size; index < sizeof (buffer->bytes); index++)
        assert_int_equal (buffer->bytes [index], CANARY);
    if (size > 0)
        assert_non_null (memchr (buffer->bytes, '\0', size));
}

typedef int (fit_fn) (const char *text, size_t columns, char *out, size_t out_size);

//  Fit into a buffer of `size` bytes, check the canaries, compare with want
//  (NULL: expect -1 and an empty string).
static void
s_check_fit (fit_fn *fit, const char *text, size_t columns, size_t size, const char *want)
{
    guarded_t buffer;
    s_guard (&buffer);
    int rc = fit (text, columns, buffer.bytes, size);
    s_assert_within (&buffer, size);
    if (!want) {
        assert_int_equal (rc, -1);
        if (size > 0)
            assert_string_equal (buffer.bytes, "");
        return;
    }
    assert_int_equal (rc, 0);
    assert_string_equal (buffer.bytes, want);
    if (fit != wbc_text_clip)
        assert_int_equal (wbc_text_width (buffer.bytes), columns);
    else
        assert_true (wbc_text_width (buffer.bytes) <= columns);
}

static void
test_degenerate_calls (void **state)
{
    (void) state;
    assert_int_equal (wbc_text_width (NULL), 0);
    assert_int_equal (wbc_text_width (""), 0);
    assert_int_equal (wbc_text_fit ("abc", 3, NULL, 10), -1);
    assert_int_equal (wbc_text_fit_right ("abc", 3, NULL, 10), -1);
    assert_int_equal (wbc_text_clip ("abc", 3, NULL, 10), -1);
    //  Size 0: nothing written at all
    s_check_fit (wbc_text_fit, "abc", 3, 0, NULL);
    s_check_fit (wbc_text_clip, "abc", 0, 0, NULL);
    guarded_t buffer;
    s_guard (&buffer);
    assert_int_equal (wbc_text_fit ("abc", 3, buffer.bytes, 0), -1);
    s_assert_within (&buffer, 0);
    //  NULL and empty text are blanks
    s_check_fit (wbc_text_fit, NULL, 3, OUT_SIZE, "   ");
    s_check_fit (wbc_text_fit, "", 3, OUT_SIZE, "   ");
    s_check_fit (wbc_text_fit_right, NULL, 2, OUT_SIZE, "  ");
    s_check_fit (wbc_text_clip, NULL, 5, OUT_SIZE, "");
    //  Zero columns: an empty string
    s_check_fit (wbc_text_fit, "abc", 0, OUT_SIZE, "");
    s_check_fit (wbc_text_clip, "abc", 0, 1, "");
    assert_int_equal (wbc_text_sanitise (NULL), 0);
    char empty [] = "";
    assert_int_equal (wbc_text_sanitise (empty), 0);
    assert_false (wbc_text_contains_casefold (NULL, "a"));
    assert_false (wbc_text_contains_casefold ("a", NULL));
    assert_int_equal (wbc_text_age (0, 10, NULL, 8), -1);
    assert_int_equal (wbc_text_age (0, 10, buffer.bytes, 0), -1);
}

static void
test_tiny_buffers_never_overflow (void **state)
{
    (void) state;
    //  One byte holds only the NUL: no column fits
    s_check_fit (wbc_text_fit, "a", 1, 1, NULL);
    s_check_fit (wbc_text_fit, "a", 1, 2, "a");
    //  A cut needs the three bytes of the ellipsis
    s_check_fit (wbc_text_fit, "ab", 1, 3, NULL);
    s_check_fit (wbc_text_fit, "ab", 1, 4, "\u2026");
    s_check_fit (wbc_text_clip, "ab", 1, 3, NULL);
    //  The padding must fit too
    s_check_fit (wbc_text_fit, "", 10, 10, NULL);
    s_check_fit (wbc_text_fit, "", 10, 11, "          ");
    //  Short of bytes, the text is cut even though the columns would do:
    //  "中文字" is 9 bytes, 6 columns
    s_check_fit (wbc_text_fit, "中文字", 6, 10, "中文字");
    s_check_fit (wbc_text_fit, "中文字", 6, 9, "\u2026     ");
    s_check_fit (wbc_text_fit, "中文字", 6, 8, NULL);
    s_check_fit (wbc_text_fit, "中文字", 6, 11, "中文字");
    s_check_fit (wbc_text_clip, "hello world", 20, 6, "he\u2026");
    s_check_fit (wbc_text_clip, "hello world", 20, 12, "hello world");
    s_check_fit (wbc_text_fit_right, "12345", 5, 5, NULL);
    //  Each size from 0 up stays inside the buffer
    for (size_t size = 0; size < 24; size++) {
        guarded_t buffer;
        s_guard (&buffer);
        wbc_text_fit ("añ中😀e\u0301\x01", 8, buffer.bytes, size);
        s_assert_within (&buffer, size);
        s_guard (&buffer);
        wbc_text_clip ("añ中😀e\u0301\x01", 8, buffer.bytes, size);
        s_assert_within (&buffer, size);
        s_guard (&buffer);
        wbc_text_age (0, 1000000000, buffer.bytes, size);
        s_assert_within (&buffer, size);
    }
}

static void
test_width_of_each_kind (void **state)
{
    (void) state;
    const struct {
        const char *text;
        size_t columns;
    } cases [] = {
        { "hello", 5 },
        { "caf\u00e9", 4 },             /* precomposed é */
        { "cafe\u0301", 4 },            /* e + combining acute */
        { "\u0301", 0 },                /* a lone combining mark */
        { "中文", 4 },
        { "日本語のテキスト", 16 },
        { "😀", 2 },
        { "ok 👍 done", 10 },
        { "a\tb", 3 },                  /* controls: one column each */
        { "\x1b[31mred", 8 },
        { "\x7f", 1 },                  /* DEL */
        { "\xc2\x85", 1 },              /* C1 NEL */
        { "\xe2\x80\xae", 1 },          /* RLO: replaced */
        { "\xff", 1 },                  /* invalid bytes: one each */
        { "\xc0\xaf", 2 },              /* overlong '/' */
        { "\xe4\xb8", 2 },              /* truncated 中 */
        { "\xed\xa0\x80", 3 },          /* a surrogate */
    };
    for (size_t index = 0; index < COUNT_OF (cases); index++) {
        size_t columns = wbc_text_width (cases [index].text);
        if (columns != cases [index].columns)
            fail_msg ("case %zu: width %zu, want %zu", index, columns, cases [index].columns);
    }
}

static void
test_fit_ascii (void **state)
{
    (void) state;
    s_check_fit (wbc_text_fit, "hello", 10, OUT_SIZE, "hello     ");
    s_check_fit (wbc_text_fit, "hello", 5, OUT_SIZE, "hello");
    s_check_fit (wbc_text_fit, "hello!", 5, OUT_SIZE, "hell\u2026");
    s_check_fit (wbc_text_fit, "hello world", 8, OUT_SIZE, "hello w\u2026");
    s_check_fit (wbc_text_fit, "hello", 1, OUT_SIZE, "\u2026");
    s_check_fit (wbc_text_fit, "h", 1, OUT_SIZE, "h");
}

static void
test_fit_accents (void **state)
{
    (void) state;
    s_check_fit (wbc_text_fit, "caf\u00e9 cr\u00e8me", 6, OUT_SIZE, "caf\u00e9 \u2026");
    s_check_fit (wbc_text_fit, "caf\u00e9", 6, OUT_SIZE, "caf\u00e9  ");
    //  The combining accent stays with its letter, inside the cut
    s_check_fit (wbc_text_fit, "cafe\u0301 cre\u0300me", 6, OUT_SIZE, "cafe\u0301 \u2026");
    s_check_fit (wbc_text_fit, "e\u0301e\u0301e\u0301", 2, OUT_SIZE, "e\u0301\u2026");
    s_check_fit (wbc_text_fit, "e\u0301e\u0301", 2, OUT_SIZE, "e\u0301e\u0301");
}

static void
test_fit_wide_characters (void **state)
{
    (void) state;
    s_check_fit (wbc_text_fit, "中文字", 6, OUT_SIZE, "中文字");
    s_check_fit (wbc_text_fit, "中文字", 7, OUT_SIZE, "中文字 ");
    s_check_fit (wbc_text_fit, "中文字", 5, OUT_SIZE, "中文\u2026");
    //  文 would straddle the edge: padding takes its place
    s_check_fit (wbc_text_fit, "中文字", 4, OUT_SIZE, "中\u2026 ");
    s_check_fit (wbc_text_fit, "a中中", 3, OUT_SIZE, "a\u2026 ");
    s_check_fit (wbc_text_fit, "中", 1, OUT_SIZE, "\u2026");
    s_check_fit (wbc_text_fit, "中", 2, OUT_SIZE, "中");
    s_check_fit (wbc_text_fit, "😀😀", 4, OUT_SIZE, "😀😀");
    s_check_fit (wbc_text_fit, "😀😀", 3, OUT_SIZE, "😀\u2026");
    s_check_fit (wbc_text_fit, "ok 😀 done", 5, OUT_SIZE, "ok \u2026 ");
    s_check_fit (wbc_text_fit, "ok 😀 done", 6, OUT_SIZE, "ok 😀\u2026");
}

static void
test_fit_control_and_invalid (void **state)
{
    (void) state;
    s_check_fit (wbc_text_fit, "a\x1b[2Jb", 6, OUT_SIZE, "a?[2Jb");
    s_check_fit (wbc_text_fit, "\abell", 3, OUT_SIZE, "?b\u2026");
    s_check_fit (wbc_text_fit, "line\nbreak", 12, OUT_SIZE, "line?break  ");
    s_check_fit (wbc_text_fit, "x\xc2\x85y", 3, OUT_SIZE, "x?y");
    s_check_fit (wbc_text_fit, "\xff\xfe", 3, OUT_SIZE, "?? ");
    s_check_fit (wbc_text_fit, "ab\xe4\xb8", 4, OUT_SIZE, "ab??");
    s_check_fit (wbc_text_fit, "\xe2\x80\xae" "evil", 5, OUT_SIZE, "?evil");
}

static void
test_fit_right_and_clip (void **state)
{
    (void) state;
    s_check_fit (wbc_text_fit_right, "42", 5, OUT_SIZE, "   42");
    s_check_fit (wbc_text_fit_right, "12345", 5, OUT_SIZE, "12345");
    s_check_fit (wbc_text_fit_right, "123456", 4, OUT_SIZE, "123\u2026");
    s_check_fit (wbc_text_fit_right, "中", 3, OUT_SIZE, " 中");
    s_check_fit (wbc_text_fit_right, "中文", 3, OUT_SIZE, "中\u2026");
    s_check_fit (wbc_text_fit_right, "中中中", 4, OUT_SIZE, " 中\u2026");
    s_check_fit (wbc_text_clip, "hello", 10, OUT_SIZE, "hello");
    s_check_fit (wbc_text_clip, "hello world", 8, OUT_SIZE, "hello w\u2026");
    s_check_fit (wbc_text_clip, "中文字", 5, OUT_SIZE, "中文\u2026");
    s_check_fit (wbc_text_clip, "中文字", 4, OUT_SIZE, "中\u2026");
    s_check_fit (wbc_text_clip, "a\tb", 3, OUT_SIZE, "a?b");
}

static void
test_fit_exact_columns_for_every_width (void **state)
{
    (void) state;
    const char *texts [] = {
        "", "x", "hello world", "caf\u00e9 cr\u00e8me", "cafe\u0301", "中文字テスト",
        "a中b文c", "😀👍🎉", "\x01\x02\x03", "\xff\xfe\xfd", "mixed é 中 😀 \t end",
    };
    for (size_t index = 0; index < COUNT_OF (texts); index++)
        for (size_t columns = 0; columns < 24; columns++) {
            char out [OUT_SIZE];
            assert_int_equal (wbc_text_fit (texts [index], columns, out, sizeof (out)), 0);
            assert_int_equal (wbc_text_width (out), columns);
            assert_int_equal (wbc_text_fit_right (texts [index], columns, out, sizeof (out)), 0);
            assert_int_equal (wbc_text_width (out), columns);
            assert_int_equal (wbc_text_clip (texts [index], columns, out, sizeof (out)), 0);
            assert_true (wbc_text_width (out) <= columns);
            //  What the terminal gets is clean
            assert_int_equal (wbc_text_sanitise (out), 0);
        }
}

static void
test_sanitise (void **state)
{
    (void) state;
    const struct {
        const char *text;
        const char *want;
        size_t replaced;
    } cases [] = {
        { "plain", "plain", 0 },
        { "caf\u00e9 中 😀 e\u0301", "caf\u00e9 中 😀 e\u0301", 0 },
        { "a\tb\nc", "a?b?c", 2 },
        { "\x1b[31m", "?[31m", 1 },
        { "\xff\xfe", "??", 2 },
        { "x\xc2\x85y", "x?y", 1 },             /* C1 control: two bytes to one */
        { "\xe4\xb8", "??", 2 },
        { "\xe2\x80\xae" "abc\xe2\x81\xa9", "?abc?", 2 },
        { "\x7f", "?", 1 },
    };
    for (size_t index = 0; index < COUNT_OF (cases); index++) {
        char text [OUT_SIZE];
        snprintf (text, sizeof (text), "%s", cases [index].text);
        size_t width = wbc_text_width (text);
        assert_int_equal (wbc_text_sanitise (text), cases [index].replaced);
        assert_string_equal (text, cases [index].want);
        assert_int_equal (wbc_text_width (text), width);
    }
}

static void
test_age_boundaries (void **state)
{
    (void) state;
    const struct {
        long long seconds;
        const char *want;
    } cases [] = {
        { -100, "now" }, { -1, "now" }, { 0, "now" }, { 1, "1s" }, { 45, "45s" },
        { 59, "59s" }, { 60, "1m" }, { 61, "1m" }, { 719, "11m" }, { 720, "12m" },
        { 3599, "59m" }, { 3600, "1h" }, { 86399, "23h" }, { 86400, "1d" },
        { 604799, "6d" }, { 604800, "1w" }, { 1209600, "2w" },
        { 31535999, "52w" }, { 31536000, "1y" }, { 315360000LL * 3, "30y" },
    };
    const time_t now = 1795532645;
    for (size_t index = 0; index < COUNT_OF (cases); index++) {
        char out [WBC_TEXT_AGE_SIZE];
        assert_int_equal (wbc_text_age (now - (time_t) cases [index].seconds, now, out, sizeof (out)), 0);
        assert_string_equal (out, cases [index].want);
    }
}

static void
test_age_extremes_and_small_buffers (void **state)
{
    (void) state;
    char out [WBC_TEXT_AGE_SIZE];
    const time_t oldest = (time_t) INT64_MIN;
    const time_t newest = (time_t) INT64_MAX;
    assert_int_equal (wbc_text_age (oldest, newest, out, sizeof (out)), 0);
    assert_string_equal (out, "584942417355y");
    assert_int_equal (wbc_text_age (newest, oldest, out, sizeof (out)), 0);
    assert_string_equal (out, "now");
    //  "now" needs four bytes, "1m" three
    assert_int_equal (wbc_text_age (5, 5, out, 4), 0);
    assert_int_equal (wbc_text_age (5, 5, out, 3), -1);
    assert_string_equal (out, "");
    assert_int_equal (wbc_text_age (0, 60, out, 3), 0);
    assert_string_equal (out, "1m");
    assert_int_equal (wbc_text_age (0, 600, out, 3), -1);
    assert_string_equal (out, "");
}

static void
test_contains_casefold (void **state)
{
    (void) state;
    const struct {
        const char *haystack;
        const char *needle;
        bool found;
    } cases [] = {
        { "", "", true }, { "abc", "", true }, { "", "a", false },
        { "Hello World", "world", true }, { "Hello", "HELLO", true },
        { "Hello", "xyz", false }, { "abc", "abcd", false }, { "abc", "C", true },
        { "aab", "ab", true }, { "ababac", "abac", true },
        { "\u00c9lan vital", "\u00e9lan", true },      /* É finds é */
        { "CAF\u00c9", "caf\u00e9", true },
        { "\u041c\u043e\u0441\u043a\u0432\u0430", "\u041c\u041e\u0421", true },  /* Москва, МОС */
        { "中文字", "文", true }, { "中文字", "字中", false },
        { "caf\u00e9", "cafe\u0301", false },          /* no normalisation */
        { "Re: 😀 Party", "😀 party", true },
        { "a\xff" "b", "\xff", true }, { "a\xff" "b", "\xfe", false },
        { "a\xff" "b", "?", false },
    };
    for (size_t index = 0; index < COUNT_OF (cases); index++) {
        bool found = wbc_text_contains_casefold (cases [index].haystack, cases [index].needle);
        if (found != cases [index].found)
            fail_msg ("case %zu: \"%s\" in \"%s\"", index, cases [index].needle,
                      cases [index].haystack);
    }
}

//  In a locale that is not UTF-8 (LANG=C) the text is still read as
//  UTF-8, but only ASCII is shown: one '?' per other character (not one
//  per byte), '~' where a text is cut; the console's symbols are ASCII.
static void
test_ascii_locale (void **state)
{
    (void) state;
    assert_true (wbc_text_utf8 ());
    assert_string_equal (wbc_text_symbol (WBC_SYMBOL_LIVE), "\u25CF");
    assert_non_null (setlocale (LC_ALL, "C"));
    assert_false (wbc_text_utf8 ());
    const char *subject = "Order 3 \u2014 caf\u00e9 \u65e5\u672c";
    assert_int_equal (wbc_text_width (subject), 17);
    s_check_fit (wbc_text_fit, subject, 20, OUT_SIZE, "Order 3 ? caf? ??   ");
    s_check_fit (wbc_text_fit, subject, 10, OUT_SIZE, "Order 3 ?~");
    s_check_fit (wbc_text_fit_right, "\u65e5\u672c", 4, OUT_SIZE, "  ??");
    s_check_fit (wbc_text_clip, "\U0001F600!", 5, OUT_SIZE, "?!");
    //  invalid bytes are still one '?' each, control characters too
    s_check_fit (wbc_text_fit, "\xff\xfe\x01" "a", 4, OUT_SIZE, "???a");
    char text [32];
    snprintf (text, sizeof (text), "caf\u00e9 \u65e5");
    assert_int_equal (wbc_text_sanitise (text), 2);
    assert_string_equal (text, "caf? ?");
    const struct { wbc_symbol_t symbol; const char *ascii; } symbols [] = {
        { WBC_SYMBOL_LIVE, "*" }, { WBC_SYMBOL_NOT_LIVE, "-" },
        { WBC_SYMBOL_HLINE, "-" }, { WBC_SYMBOL_ELLIPSIS, "..." }, { WBC_SYMBOL_EXCHANGE, "<->" },
        { WBC_SYMBOL_ARROW_RIGHT, ">" }, { WBC_SYMBOL_ARROW_LEFT, "<" },
        { WBC_SYMBOL_ARROW_UP, "^" }, { WBC_SYMBOL_ARROW_DOWN, "v" }, { WBC_SYMBOL_MARK, "+" },
        { WBC_SYMBOL_LIFELINE, "|" }, { WBC_SYMBOL_DASH, "." }, { WBC_SYMBOL_DIVIDER, "=" },
    };
    assert_int_equal (COUNT_OF (symbols), WBC_SYMBOL_COUNT);
    for (size_t index = 0; index < COUNT_OF (symbols); index++)
        assert_string_equal (wbc_text_symbol (symbols [index].symbol), symbols [index].ascii);
    assert_string_equal (wbc_text_symbol (WBC_SYMBOL_COUNT), "");
    assert_non_null (setlocale (LC_ALL, "C.UTF-8"));
    //  back in UTF-8: every symbol is one character outside ASCII
    for (size_t index = 0; index < COUNT_OF (symbols); index++) {
        const char *symbol = wbc_text_symbol (symbols [index].symbol);
        assert_true ((unsigned char) symbol [0] >= 0x80);
        assert_int_equal (wbc_text_width (symbol), 1);
    }
    s_check_fit (wbc_text_fit, subject, 10, OUT_SIZE, "Order 3 \u2014\u2026");
}

//  Text is decoded as UTF-8 by the rules: overlong forms, surrogates and
//  values past U+10FFFF are invalid bytes, one '?' each.
static void
test_utf8_decoding (void **state)
{
    (void) state;
    s_check_fit (wbc_text_clip, "\xc0\xaf", 4, OUT_SIZE, "??");           //  overlong '/'
    s_check_fit (wbc_text_clip, "\xed\xa0\x80", 4, OUT_SIZE, "???");      //  U+D800
    s_check_fit (wbc_text_clip, "\xf4\x90\x80\x80", 4, OUT_SIZE, "????"); //  U+110000
    s_check_fit (wbc_text_clip, "\xe6\x97", 4, OUT_SIZE, "??");            //  cut short
    s_check_fit (wbc_text_clip, "\xe6\x97" "A", 4, OUT_SIZE, "??A");
    s_check_fit (wbc_text_clip, "\xf0\x9f\x98\x80", 4, OUT_SIZE, "\U0001F600");
    assert_int_equal (wbc_text_width ("\xf0\x9f\x98\x80"), 2);
}

int
main (void)
{
    if (!setlocale (LC_ALL, "C.UTF-8")) {
        fprintf (stderr, "test_wbc_text: no C.UTF-8 locale\n");
        return 1;
    }
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_degenerate_calls),
        cmocka_unit_test (test_tiny_buffers_never_overflow),
        cmocka_unit_test (test_width_of_each_kind),
        cmocka_unit_test (test_fit_ascii),
        cmocka_unit_test (test_fit_accents),
        cmocka_unit_test (test_fit_wide_characters),
        cmocka_unit_test (test_fit_control_and_invalid),
        cmocka_unit_test (test_fit_right_and_clip),
        cmocka_unit_test (test_fit_exact_columns_for_every_width),
        cmocka_unit_test (test_sanitise),
        cmocka_unit_test (test_ascii_locale),
        cmocka_unit_test (test_utf8_decoding),
        cmocka_unit_test (test_age_boundaries),
        cmocka_unit_test (test_age_extremes_and_small_buffers),
        cmocka_unit_test (test_contains_casefold),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
