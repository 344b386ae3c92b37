/*  wbc_text: text measured in display columns, for the console's cells.

    Input strings are UTF-8 (subjects, names, error texts from the server),
    whatever the locale: they are decoded here. Widths come from wcwidth,
    the rule ncursesw uses, so a string fitted here takes exactly the
    columns curses gives it. The caller has called setlocale (LC_ALL, "").

    A byte that is not part of valid UTF-8, and a character that wcwidth
    calls unprintable (C0 and C1 controls, DEL, ...), and a bidi override
    or isolate (U+202A-202E, U+2066-2069, which could reorder the line),
    counts as one column and is shown as '?': no control character ever
    reaches the terminal.
    Combining characters take no column and stay with the character before.

    When the locale is not UTF-8 (LANG=C), only ASCII reaches the terminal:
    each other character is shown as one '?' (one column, one per
    character, not one per byte), a cut text ends with '~' instead of "…",
    and the console's own symbols (wbc_text_symbol) are ASCII.

    No curses here: pure functions, tested without a terminal.
*/
#ifndef WBC_TEXT_H_INCLUDED
#define WBC_TEXT_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* Enough for any text wbc_text_age writes. */
#define WBC_TEXT_AGE_SIZE 24

/* The console's own symbols: SYMBOL (ID, UTF-8, ASCII), the ASCII form
   for a locale that is not UTF-8. */
#define WBC_TEXT_SYMBOLS(SYMBOL) \
    SYMBOL (LIVE, "\u25CF", "*")               /* ● live, connected */ \
    SYMBOL (NOT_LIVE, "\u25CB", "-")           /* ○ not live, not connected */ \
    SYMBOL (HLINE, "\u2500", "-")              /* ─ of the trace's arrows (borders: wbc_view_hline) */ \
    SYMBOL (ELLIPSIS, "\u2026", "...")         /* … as in "loading…" */ \
    SYMBOL (EXCHANGE, "\u21C4", "<->")         /* ⇄ */ \
    SYMBOL (ARROW_RIGHT, "\u25B6", ">")        /* ▶ a request's arrow */ \
    SYMBOL (ARROW_LEFT, "\u25C0", "<")         /* ◀ a reply's */ \
    SYMBOL (ARROW_UP, "\u2191", "^")           /* ↑ sorted ascending */ \
    SYMBOL (ARROW_DOWN, "\u2193", "v")         /* ↓ sorted descending */ \
    SYMBOL (MARK, "\u2022", "+")               /* • a marked row */ \
    SYMBOL (LIFELINE, "\u2502", "|")           /* │ a party's lifeline in the trace */ \
    SYMBOL (DASH, "\u254C", ".")               /* ╌ the line of a reply or an event */ \
    SYMBOL (DIVIDER, "\u2550", "=")            /* ═ a trainer's mark between phases */

#define WBC_SYMBOL_ENUM(id, utf8, ascii) WBC_SYMBOL_##id,
typedef enum { WBC_TEXT_SYMBOLS (WBC_SYMBOL_ENUM) WBC_SYMBOL_COUNT } wbc_symbol_t;
#undef WBC_SYMBOL_ENUM

/* True if the locale's character set is UTF-8. */
bool wbc_text_utf8 (void);
/* A symbol in the locale's form: UTF-8, else ASCII; "" for no symbol. */
const char *wbc_text_symbol (wbc_symbol_t symbol);

/* Display columns of text, as the fit functions would show it. NULL: 0. */
size_t wbc_text_width (const char *text);

/* Copy into out the longest prefix of text that fits in `columns` columns,
   ending with "…" (U+2026, one column; '~' when the locale is not UTF-8)
   when the text is cut, then pad
   with spaces to exactly `columns` columns. A wide character that would
   straddle the edge is left out and its place padded. The prefix is also
   shortened when out_size would not hold it, so out never overflows.
   NULL text is the empty string. Returns 0; -1 (out set to "" if it can
   hold that) when out is NULL, out_size is 0, or out_size cannot hold
   `columns` columns of padding plus the ellipsis. */
int wbc_text_fit (const char *text, size_t columns, char *out, size_t out_size);

/* As wbc_text_fit, but aligned right: the padding goes before the text
   (for counts and other numbers in columns). */
int wbc_text_fit_right (const char *text, size_t columns, char *out, size_t out_size);

/* As wbc_text_fit without padding: out takes at most `columns` columns
   (fewer when the text is shorter). */
int wbc_text_clip (const char *text, size_t columns, char *out, size_t out_size);

/* Where to break text to wrap it in lines of `columns` columns: the bytes
   of its first line, the longest prefix that fits, ending after its last
   space when it has one in its second half (words stay whole); at least
   one character, even a wide one in one column. 0 only for "" or NULL. */
size_t wbc_text_wrap_length (const char *text, size_t columns);

/* Replace, in place, every invalid UTF-8 byte and every unprintable
   character with '?'. The text can only get shorter. Returns how many
   replacements were made (0 for NULL). */
size_t wbc_text_sanitise (char *text);

/* Write how long ago `then` was, seen from `now`, in the console's short
   form: "now" (no time or a time in the future), "45s", "12m", "3h",
   "5d", "2w", "1y" (units: 60s, 60m, 24h, 7d, 365d; always rounded down).
   Returns 0; -1 (out set to "" if size > 0) when out is NULL or too small. */
int wbc_text_age (time_t then, time_t now, char *out, size_t size);

/* True when needle occurs in haystack ignoring case: ASCII, and other
   letters where towlower maps them (É finds é). No normalisation: a
   precomposed é does not find e + combining accent. An empty needle is
   found in any haystack; NULL in either is never found. */
bool wbc_text_contains_casefold (const char *haystack, const char *needle);

#endif
