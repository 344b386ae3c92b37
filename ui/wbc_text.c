/*  wbc_text: text measured in display columns. See wbc_text.h. */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700       /* wcwidth */
#endif
#include <langinfo.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>
#include "wbc_text.h"
#include "wb_prelude.h"

#define REPLACEMENT '?'
#define COUNT_OF(array) (WB_COUNT_OF (array))

//  The console's symbols: UTF-8, and ASCII for another locale.
#define WBC_SYMBOL_ROW(id, utf8, ascii) { utf8, ascii },
static const struct {
    const char *utf8;
    const char *ascii;
} s_symbols [] = { WBC_TEXT_SYMBOLS (WBC_SYMBOL_ROW) };
#undef WBC_SYMBOL_ROW

//  The mark of a cut text: one column, in UTF-8 or in ASCII.
static const char *s_cut_marks [2] = { "~", "\xe2\x80\xa6" };     /* ~ and U+2026 */
#define CUT_MARK(utf8) (s_cut_marks [(utf8) ? 1 : 0])
#define CUT_MARK_LENGTH(utf8) (strlen (CUT_MARK (utf8)))

//  One character of the input as the screen shows it.
typedef struct {
    size_t length;          /* bytes it takes in the input */
    size_t columns;         /* columns it takes on the screen: 0, 1 or 2 */
    bool replaced;          /* shown as REPLACEMENT, one byte, one column */
} s_glyph_t;

//  A prefix of the input chosen to be shown.
typedef struct {
    size_t length;          /* bytes of input */
    size_t bytes;           /* bytes once rendered (replacements are 1) */
    size_t columns;         /* columns once rendered */
    bool cut;               /* shorter than the text: ends with the cut mark */
} s_prefix_t;

typedef enum { S_CLIP, S_PAD_RIGHT, S_PAD_LEFT } s_align_t;

//  Characters wcwidth calls printable (zero columns) that we still replace:
//  the bidirectional embeddings, overrides and isolates, which can reorder
//  what follows them on terminals that implement bidi ("Trojan Source").
static const struct {
    wchar_t first;
    wchar_t last;
} s_unsafe [] = {
    { 0x202A, 0x202E },         /* LRE, RLE, PDF, LRO, RLO */
    { 0x2066, 0x2069 },         /* LRI, RLI, FSI, PDI */
};

//  True if the character must not reach the terminal as it is.
static bool
s_unsafe_char (wchar_t wide)
{
    for (size_t index = 0; index < WB_COUNT_OF (s_unsafe); index++)
        if (wide >= s_unsafe [index].first && wide <= s_unsafe [index].last)
            return true;
    return false;
}

//  UTF-8 forms by length - 1: the lead byte's mask and value, and the
//  smallest code point the form may carry (smaller ones are overlong).
static const struct {
    unsigned char mask;
    unsigned char lead;
    uint32_t minimum;
} s_utf8_forms [] = {
    { 0x80, 0x00, 0 }, { 0xE0, 0xC0, 0x80 }, { 0xF0, 0xE0, 0x800 }, { 0xF8, 0xF0, 0x10000 },
};

//  Decode one UTF-8 character of text (available > 0 bytes), whatever
//  the locale: the protocol's text is UTF-8. Its length, or 0 for an
//  invalid or incomplete sequence, an overlong form, a surrogate or a
//  value past U+10FFFF.
static size_t
s_utf8_decode (const char *text, size_t available, uint32_t *code_point)
{
    const unsigned char *bytes = (const unsigned char *) text;
    for (size_t length = 1; length <= COUNT_OF (s_utf8_forms); length++) {
        unsigned char mask = s_utf8_forms [length - 1].mask;
        if ((bytes [0] & mask) != s_utf8_forms [length - 1].lead)
            continue;
        if (length > available)
            return 0;
        uint32_t value = bytes [0] & (unsigned char) ~mask;
        for (size_t index = 1; index < length; index++) {
            if ((bytes [index] & 0xC0) != 0x80)
                return 0;
            value = value << 6 | (bytes [index] & 0x3F);
        }
        if (value < s_utf8_forms [length - 1].minimum || value > 0x10FFFF
        ||  (value >= 0xD800 && value <= 0xDFFF))
            return 0;
        *code_point = value;
        return length;
    }
    return 0;
}

//  The character at text, which has `available` bytes (> 0) before its
//  NUL. An invalid or incomplete sequence is one replaced byte; an
//  unprintable or unsafe character is replaced whole, and so is any
//  character outside ASCII when the locale is not UTF-8 (utf8 false): one
//  '?' per character, not per byte.
static s_glyph_t
s_glyph_at (const char *text, size_t available, bool utf8)
{
    s_glyph_t glyph = { 1, 1, true };
    uint32_t code_point = 0;
    size_t length = s_utf8_decode (text, available, &code_point);
    if (length == 0 || code_point == 0)
        return glyph;
    glyph.length = length;
    if (!utf8 && code_point >= 0x80)
        return glyph;
    int columns = s_unsafe_char ((wchar_t) code_point) ? -1 : wcwidth ((wchar_t) code_point);
    if (columns >= 0) {
        glyph.columns = (size_t) columns;
        glyph.replaced = false;
    }
    return glyph;
}

bool
wbc_text_utf8 (void)
{
    return strcmp (nl_langinfo (CODESET), "UTF-8") == 0;
}

const char *
wbc_text_symbol (wbc_symbol_t symbol)
{
    if ((size_t) symbol >= COUNT_OF (s_symbols))
        return "";
    return wbc_text_utf8 () ? s_symbols [symbol].utf8 : s_symbols [symbol].ascii;
}

//  Display columns of text, as the fit functions show it.
size_t
wbc_text_width (const char *text)
{
    if (!text)
        return 0;
    size_t available = strlen (text);
    size_t columns = 0;
    bool utf8 = wbc_text_utf8 ();
    while (available > 0) {
        s_glyph_t glyph = s_glyph_at (text, available, utf8);
        columns += glyph.columns;
        text += glyph.length;
        available -= glyph.length;
    }
    return columns;
}

size_t
wbc_text_wrap_length (const char *text, size_t columns)
{
    size_t available = text ? strlen (text) : 0;
    size_t length = 0, used = 0, after_space = 0;
    bool utf8 = wbc_text_utf8 ();
    while (length < available) {
        s_glyph_t glyph = s_glyph_at (text + length, available - length, utf8);
        if (length > 0 && used + glyph.columns > columns)
            break;
        used += glyph.columns;
        length += glyph.length;
        if (text [length - 1] == ' ')
            after_space = length;
    }
    if (length < available && after_space * 2 > length)
        return after_space;
    return length;
}

//  True if the prefix, its ellipsis and its padding fit both the columns
//  and the buffer (with its NUL).
static bool
s_fits (const s_prefix_t *prefix, size_t columns, s_align_t align, size_t out_size, bool utf8)
{
    size_t shown = prefix->columns + (prefix->cut ? 1 : 0);
    if (shown > columns)
        return false;
    size_t padding = align == S_CLIP ? 0 : columns - shown;
    size_t bytes = prefix->bytes + (prefix->cut ? CUT_MARK_LENGTH (utf8) : 0) + padding;
    return bytes < out_size;
}

//  The longest prefix of text that fits, cut (with the ellipsis) or not.
//  Columns and bytes only grow with the prefix, so the first character
//  that does not fit ends it.
static s_prefix_t
s_longest_prefix (const char *text, size_t available, bool cut,
                  size_t columns, s_align_t align, size_t out_size, bool utf8)
{
    s_prefix_t prefix = { 0, 0, 0, cut };
    while (prefix.length < available) {
        s_glyph_t glyph = s_glyph_at (text + prefix.length, available - prefix.length, utf8);
        s_prefix_t longer = prefix;
        longer.length += glyph.length;
        longer.bytes += glyph.replaced ? 1 : glyph.length;
        longer.columns += glyph.columns;
        if (!s_fits (&longer, columns, align, out_size, utf8))
            break;
        prefix = longer;
    }
    return prefix;
}

//  Write `count` spaces at out; return the position after them.
static char *
s_spaces (char *out, size_t count)
{
    memset (out, ' ', count);
    return out + count;
}

//  Write the chosen prefix of text at out, replacing what must be
//  replaced; return the position after it.
static char *
s_copy_prefix (char *out, const char *text, const s_prefix_t *prefix, bool utf8)
{
    size_t done = 0;
    while (done < prefix->length) {
        s_glyph_t glyph = s_glyph_at (text + done, prefix->length - done, utf8);
        if (glyph.replaced)
            *out++ = REPLACEMENT;
        else {
            memcpy (out, text + done, glyph.length);
            out += glyph.length;
        }
        done += glyph.length;
    }
    return out;
}

//  Write the prefix with its ellipsis and padding; s_fits said it fits.
static void
s_render (char *out, const char *text, const s_prefix_t *prefix,
          size_t columns, s_align_t align, bool utf8)
{
    size_t shown = prefix->columns + (prefix->cut ? 1 : 0);
    size_t padding = align == S_CLIP ? 0 : columns - shown;
    if (align == S_PAD_LEFT)
        out = s_spaces (out, padding);
    out = s_copy_prefix (out, text, prefix, utf8);
    if (prefix->cut) {
        memcpy (out, CUT_MARK (utf8), CUT_MARK_LENGTH (utf8));
        out += CUT_MARK_LENGTH (utf8);
    }
    if (align == S_PAD_RIGHT)
        out = s_spaces (out, padding);
    *out = '\0';
}

//  The work of the three fit functions: the whole text if it fits, else
//  the longest prefix that fits with the ellipsis.
static int
s_fit (const char *text, size_t columns, s_align_t align, char *out, size_t out_size)
{
    if (!out || out_size == 0)
        return -1;
    *out = '\0';
    if (!text)
        text = "";
    size_t available = strlen (text);
    if (columns == 0)
        return 0;
    bool utf8 = wbc_text_utf8 ();
    s_prefix_t prefix = s_longest_prefix (text, available, false, columns, align, out_size, utf8);
    if (prefix.length < available || !s_fits (&prefix, columns, align, out_size, utf8))
        prefix = s_longest_prefix (text, available, true, columns, align, out_size, utf8);
    if (!s_fits (&prefix, columns, align, out_size, utf8))
        return -1;
    s_render (out, text, &prefix, columns, align, utf8);
    return 0;
}

//  Fit text in exactly `columns` columns, padded on the right.
int
wbc_text_fit (const char *text, size_t columns, char *out, size_t out_size)
{
    return s_fit (text, columns, S_PAD_RIGHT, out, out_size);
}

//  Fit text in exactly `columns` columns, padded on the left.
int
wbc_text_fit_right (const char *text, size_t columns, char *out, size_t out_size)
{
    return s_fit (text, columns, S_PAD_LEFT, out, out_size);
}

//  Fit text in at most `columns` columns, without padding.
int
wbc_text_clip (const char *text, size_t columns, char *out, size_t out_size)
{
    return s_fit (text, columns, S_CLIP, out, out_size);
}

//  Replace, in place, what must not reach the terminal with '?'.
size_t
wbc_text_sanitise (char *text)
{
    if (!text)
        return 0;
    size_t available = strlen (text);
    size_t replaced = 0;
    const char *read = text;
    char *write = text;
    bool utf8 = wbc_text_utf8 ();
    while (available > 0) {
        s_glyph_t glyph = s_glyph_at (read, available, utf8);
        if (glyph.replaced) {
            *write++ = REPLACEMENT;
            replaced++;
        }
        else {
            memmove (write, read, glyph.length);
            write += glyph.length;
        }
        read += glyph.length;
        available -= glyph.length;
    }
    *write = '\0';
    return replaced;
}

//  The units of an age: below `below` seconds, count in `unit` seconds.
typedef struct {
    uintmax_t below;
    uintmax_t unit;
    const char *suffix;
} s_age_unit_t;

static const s_age_unit_t s_age_units [] = {
    { 60, 1, "s" },
    { 60 * 60, 60, "m" },
    { 24 * 60 * 60, 60 * 60, "h" },
    { 7 * 24 * 60 * 60, 24 * 60 * 60, "d" },
    { 365 * 24 * 60 * 60, 7 * 24 * 60 * 60, "w" },
    { 0, 365 * 24 * 60 * 60, "y" },    /* the last unit has no limit */
};

//  Write how long ago `then` was, in the largest unit that fits.
int
wbc_text_age (time_t then, time_t now, char *out, size_t size)
{
    if (!out || size == 0)
        return -1;
    int written;
    if (then >= now)
        written = snprintf (out, size, "now");
    else {
        //  In unsigned arithmetic the difference of any two times is exact
        uintmax_t seconds = (uintmax_t) now - (uintmax_t) then;
        size_t index = 0;
        while (index < WB_COUNT_OF (s_age_units) - 1 && seconds >= s_age_units [index].below)
            index++;
        const s_age_unit_t *unit = &s_age_units [index];
        written = snprintf (out, size, "%ju%s", seconds / unit->unit, unit->suffix);
    }
    if (written < 0 || (size_t) written >= size) {
        *out = '\0';
        return -1;
    }
    return 0;
}

//  The character at text lowered for comparison, and its length in bytes.
//  An invalid byte becomes a value above Unicode, so it only matches the
//  same byte.
static wint_t
s_folded_at (const char *text, size_t available, size_t *length)
{
    mbstate_t state;
    memset (&state, 0, sizeof (state));
    wchar_t wide;
    size_t decoded = mbrtowc (&wide, text, available, &state);
    if (decoded == (size_t) -1 || decoded == (size_t) -2 || decoded == 0) {
        *length = 1;
        return (wint_t) 0x110000 + (unsigned char) *text;
    }
    *length = decoded;
    return towlower ((wint_t) wide);
}

//  True if the whole needle matches at the start of haystack.
static bool
s_matches_at (const char *haystack, size_t haystack_size,
              const char *needle, size_t needle_size)
{
    while (needle_size > 0) {
        if (haystack_size == 0)
            return false;
        size_t haystack_length, needle_length;
        wint_t haystack_char = s_folded_at (haystack, haystack_size, &haystack_length);
        wint_t needle_char = s_folded_at (needle, needle_size, &needle_length);
        if (haystack_char != needle_char)
            return false;
        haystack += haystack_length;
        haystack_size -= haystack_length;
        needle += needle_length;
        needle_size -= needle_length;
    }
    return true;
}

//  True if needle occurs in haystack ignoring case; tries each start.
bool
wbc_text_contains_casefold (const char *haystack, const char *needle)
{
    if (!haystack || !needle)
        return false;
    size_t haystack_size = strlen (haystack);
    size_t needle_size = strlen (needle);
    for (;;) {
        if (s_matches_at (haystack, haystack_size, needle, needle_size))
            return true;
        if (haystack_size == 0)
            return false;
        size_t length;
        s_folded_at (haystack, haystack_size, &length);
        haystack += length;
        haystack_size -= length;
    }
}
