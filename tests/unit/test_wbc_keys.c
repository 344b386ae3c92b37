/*  Tests of wbc_keys, the key-action table and the key bindings. */
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "wbc_keys.h"

#define COUNT_OF(table) (sizeof (table) / sizeof ((table) [0]))

/* The default bindings, as the console's design lists them. */
static const struct {
    int key;
    const char *action;
} s_defaults [] = {
    { 'j', "move-down" }, { WBC_KEY_DOWN, "move-down" },
    { 'k', "move-up" }, { WBC_KEY_UP, "move-up" },
    { WBC_KEY_PAGE_DOWN, "page-down" }, { WBC_KEY_CTRL ('f'), "page-down" },
    { ' ', "mark" }, { 'V', "mark-range" }, { '*', "mark-all" },
    { WBC_KEY_PAGE_UP, "page-up" }, { WBC_KEY_CTRL ('b'), "page-up" },
    { 'g', "first" }, { WBC_KEY_HOME, "first" },
    { 'G', "last" }, { WBC_KEY_END, "last" },
    { '/', "search" }, { 'n', "search-next" }, { 'N', "search-prev" },
    { ':', "prompt" }, { '?', "help" },
    { WBC_KEY_TAB, "focus-next" }, { 'l', "focus-next" }, { WBC_KEY_RIGHT, "focus-next" },
    { WBC_KEY_BACKTAB, "focus-prev" }, { 'h', "focus-prev" }, { WBC_KEY_LEFT, "focus-prev" },
    { 'O', "maximise" }, { 'q', "close-pane" }, { 'Q', "quit" }, { 'R', "refresh" },
    { 'w', "watch" }, { 't', "trace" }, { '[', "trace-older" }, { ']', "trace-newer" }, { 'T', "trace-focus" }, { '.', "step" }, { WBC_KEY_ENTER, "details" },
    { 'm', "move-item" }, { 'p', "pull" }, { 'd', "stop-processing" },
    { WBC_KEY_CTRL ('l'), "redraw" }, { 's', "sidebar" }, { 'o', "open" },
    { 'P', "pause" }, { 'i', "in-hand" }, { 'b', "board" }, { 'u', "jump-new" }, { '>', "sort-next" },
    { '<', "sort-prev" }, { 'r', "sort-reverse" }, { 'f', "filter" }, { 'F', "filter-clear" }, { 'M', "messages" },
};

static const char *s_groups [] = {
    "Moving", "Panes", "Workbins", "Interactions", "Trainer", "General"
};

/* Help lines as collected by s_collect. */
typedef struct {
    char *lines [100];
    int heading [100];
    size_t count;
} s_help_t;

static void
s_collect (const char *line, bool heading, void *context)
{
    s_help_t *help = (s_help_t *) context;
    assert_true (help->count < COUNT_OF (help->lines));
    help->heading [help->count] = heading;
    help->lines [help->count++] = strdup (line);
}

static void
s_help_free (s_help_t *help)
{
    for (size_t index = 0; index < help->count; index++)
        free (help->lines [index]);
    help->count = 0;
}

/* The text after the first columns of a UTF-8 line (one per code point). */
static const char *
s_after_columns (const char *line, size_t columns)
{
    for (; *line && columns > 0; line++)
        if ((line [1] & 0xC0) != 0x80)
            columns--;
    return line;
}

/* True if a help line is the line of this action. */
static bool
s_is_line_of (const s_help_t *help, size_t index, const char *action)
{
    const char *name = s_after_columns (help->lines [index], 19);
    return !help->heading [index] && strncmp (name, action, strlen (action)) == 0
        && name [strlen (action)] == ' ';
}

/* The help line of an action (by name): its name starts at column 19. */
static const char *
s_help_line_of (const s_help_t *help, const char *action)
{
    for (size_t index = 0; index < help->count; index++)
        if (s_is_line_of (help, index, action))
            return help->lines [index];
    return NULL;
}

/* Check headings come in order, no group is empty, and each action has
   exactly one line, under its own group's heading. */
static void
s_check_grouping (const s_help_t *help)
{
    size_t heading = 0;
    for (size_t index = 0; index < help->count; index++)
        if (help->heading [index]) {
            assert_true (heading < COUNT_OF (s_groups));
            assert_string_equal (help->lines [index], s_groups [heading++]);
            assert_true (index + 1 < help->count && !help->heading [index + 1]);
        }
        else {
            assert_true (heading > 0);
            assert_memory_equal (help->lines [index], "  ", 2);
        }
    assert_int_equal (heading, COUNT_OF (s_groups));
    for (int action = 1; action <= (int) wbc_action_count (); action++) {
        const char *name = wbc_action_name ((wbc_action_t) action);
        size_t found = 0, at = 0;
        for (size_t index = 0; index < help->count; index++)
            if (s_is_line_of (help, index, name)) {
                found++;
                at = index;
            }
        assert_int_equal (found, 1);
        while (!help->heading [at])
            at--;
        assert_string_equal (help->lines [at], wbc_action_group ((wbc_action_t) action));
    }
}

static void
test_degenerate_bindings (void **state)
{
    (void) state;
    char error [80] = "untouched";
    char name [WBC_KEY_NAME_MAX] = "x";
    int keys [4];

    //  NULL bindings
    wbc_keys_t *null_keys = NULL;
    wbc_keys_destroy (&null_keys);
    wbc_keys_destroy (NULL);
    assert_int_equal (wbc_keys_reset (NULL), -1);
    assert_int_equal (wbc_keys_action (NULL, 'j'), WBC_ACTION_NONE);
    assert_int_equal (wbc_keys_set (NULL, 'j', WBC_ACTION_QUIT), -1);
    assert_int_equal (wbc_keys_bind (NULL, "j", "quit", error, sizeof (error)), -1);
    assert_string_equal (error, "bind needs a key and an action");
    assert_int_equal (wbc_keys_unbind (NULL, "j", error, sizeof (error)), -1);
    assert_string_equal (error, "unbind needs a key");
    assert_int_equal (wbc_keys_parse_line (NULL, "bind j quit", NULL, 0), -1);
    assert_int_equal (wbc_keys_of_action (NULL, WBC_ACTION_QUIT, keys, 4), 0);
    assert_int_equal (wbc_keys_names (NULL, WBC_ACTION_QUIT, name, sizeof (name)), -1);
    assert_string_equal (name, "");
    assert_null (wbc_keys_describe (NULL, WBC_ACTION_QUIT));
    assert_int_equal (wbc_keys_help_lines (NULL, s_collect, NULL), -1);
}

static void
test_degenerate_actions (void **state)
{
    (void) state;
    int keys [4];
    assert_int_equal (wbc_action_by_name (NULL), WBC_ACTION_NONE);
    assert_int_equal (wbc_action_by_name (""), WBC_ACTION_NONE);
    assert_int_equal (wbc_action_by_name ("Move-Down"), WBC_ACTION_NONE);
    assert_int_equal (wbc_action_by_name ("none"), WBC_ACTION_NONE);
    assert_null (wbc_action_name (WBC_ACTION_NONE));
    assert_null (wbc_action_name (WBC_ACTION_END));
    assert_null (wbc_action_name ((wbc_action_t) -3));
    assert_null (wbc_action_help (WBC_ACTION_NONE));
    assert_null (wbc_action_group (WBC_ACTION_END));
    assert_int_equal (wbc_action_default_keys (WBC_ACTION_NONE, keys, 4), 0);
    assert_int_equal (wbc_action_default_keys (WBC_ACTION_END, NULL, 0), 0);
}

static void
test_degenerate_key_names (void **state)
{
    (void) state;
    char name [WBC_KEY_NAME_MAX] = "x";
    const char *bad_names [] = {
        "", "jj", "nope", "C-", "C-1", "C-ab", "Ctrl-", "F0", "F13", "Up ",
        "\x01", "\t", "\x7f", "\xc2\x85",          //  raw controls, C1
        "\xc3", "\xc0\xaf", "\xed\xa0\x80",         //  truncated, overlong, surrogate
        "\xf4\x90\x80\x80", "\xff", "\xc3\xa9x",    //  too big, bad byte, two chars
    };
    assert_int_equal (wbc_key_parse (NULL), WBC_KEY_NONE);
    for (size_t index = 0; index < COUNT_OF (bad_names); index++)
        assert_int_equal (wbc_key_parse (bad_names [index]), WBC_KEY_NONE);

    //  Keys that are not, and buffers too small
    const int bad_keys [] = {
        WBC_KEY_NONE, -100, 0x80, 0x9F, 0xD800, 0xDFFF, 0x110000, WBC_KEY_SPECIAL_END
    };
    for (size_t index = 0; index < COUNT_OF (bad_keys); index++) {
        assert_false (wbc_key_valid (bad_keys [index]));
        strcpy (name, "x");
        assert_int_equal (wbc_key_name (bad_keys [index], name, sizeof (name)), -1);
        assert_string_equal (name, "");
    }
    assert_int_equal (wbc_key_name ('j', NULL, 10), -1);
    assert_int_equal (wbc_key_name ('j', name, 0), -1);
    assert_int_equal (wbc_key_name ('j', name, 1), -1);
    assert_int_equal (wbc_key_name (WBC_KEY_UP, name, 2), -1);
    assert_string_equal (name, "");
    assert_int_equal (wbc_key_name (0xE9, name, 2), -1);     //  two bytes and a NUL
}

static void
test_degenerate_arguments_on_real_keys (void **state)
{
    (void) state;
    wbc_keys_t *keys = wbc_keys_new ();
    assert_non_null (keys);
    char error [80] = "";
    char name [4];

    assert_int_equal (wbc_keys_set (keys, WBC_KEY_NONE, WBC_ACTION_QUIT), -1);
    assert_int_equal (wbc_keys_set (keys, 'z', WBC_ACTION_END), -1);
    assert_int_equal (wbc_keys_set (keys, 'z', (wbc_action_t) -1), -1);
    assert_int_equal (wbc_keys_action (keys, WBC_KEY_NONE), WBC_ACTION_NONE);
    assert_int_equal (wbc_keys_action (keys, 'z'), WBC_ACTION_NONE);
    assert_int_equal (wbc_keys_bind (keys, NULL, "quit", error, sizeof (error)), -1);
    assert_int_equal (wbc_keys_bind (keys, "", "quit", error, sizeof (error)), -1);
    assert_string_equal (error, "unknown key ''");
    assert_int_equal (wbc_keys_bind (keys, "z", "", error, sizeof (error)), -1);
    assert_string_equal (error, "unknown action ''");
    assert_int_equal (wbc_keys_unbind (keys, "", error, sizeof (error)), -1);
    assert_string_equal (error, "unknown key ''");
    assert_int_equal (wbc_keys_parse_line (keys, NULL, error, sizeof (error)), -1);
    assert_int_equal (wbc_keys_help_lines (keys, NULL, NULL), -1);
    assert_null (wbc_keys_describe (keys, WBC_ACTION_NONE));
    assert_int_equal (wbc_keys_names (keys, WBC_ACTION_END, name, sizeof (name)), -1);
    assert_int_equal (wbc_keys_names (keys, WBC_ACTION_QUIT, NULL, 0), -1);

    //  Empty and blank lines, comments: nothing to do
    assert_int_equal (wbc_keys_parse_line (keys, "", error, sizeof (error)), 0);
    assert_int_equal (wbc_keys_parse_line (keys, " \t \r\n", error, sizeof (error)), 0);
    assert_int_equal (wbc_keys_parse_line (keys, "# bind j quit", error, sizeof (error)), 0);
    assert_int_equal (wbc_keys_action (keys, 'j'), WBC_ACTION_MOVE_DOWN);

    //  A line that is too long
    char line [2000];
    memset (line, 'x', sizeof (line) - 1);
    line [sizeof (line) - 1] = '\0';
    assert_int_equal (wbc_keys_parse_line (keys, line, error, sizeof (error)), -1);
    assert_string_equal (error, "line too long");

    //  No error buffer, or a tiny one: still -1, never an overflow
    assert_int_equal (wbc_keys_bind (keys, "C-1", "quit", NULL, 0), -1);
    char tiny [8];
    assert_int_equal (wbc_keys_bind (keys, "C-1", "quit", tiny, sizeof (tiny)), -1);
    assert_string_equal (tiny, "unknown");
    wbc_keys_destroy (&keys);
    assert_null (keys);
}

static void
test_every_default_binding (void **state)
{
    (void) state;
    wbc_keys_t *keys = wbc_keys_new ();
    assert_non_null (keys);
    for (size_t index = 0; index < COUNT_OF (s_defaults); index++) {
        wbc_action_t action = wbc_keys_action (keys, s_defaults [index].key);
        assert_non_null (wbc_action_name (action));
        assert_string_equal (wbc_action_name (action), s_defaults [index].action);
    }
    //  Nothing else is bound
    size_t bound = 0;
    for (int action = 1; action <= (int) wbc_action_count (); action++)
        bound += wbc_keys_of_action (keys, (wbc_action_t) action, NULL, 0);
    assert_int_equal (bound, COUNT_OF (s_defaults));

    //  Terminals' control codes reach the special keys' actions
    assert_int_equal (wbc_keys_action (keys, '\t'), WBC_ACTION_FOCUS_NEXT);
    assert_int_equal (wbc_keys_action (keys, '\r'), WBC_ACTION_DETAILS);
    assert_int_equal (wbc_keys_action (keys, '\n'), WBC_ACTION_DETAILS);
    assert_int_equal (wbc_keys_action (keys, 12), WBC_ACTION_REDRAW);

    //  Keys of one action, in table order
    int found [3] = { 0 };
    assert_int_equal (wbc_keys_of_action (keys, WBC_ACTION_FOCUS_NEXT, found, 3), 3);
    assert_int_equal (found [0], WBC_KEY_TAB);
    assert_int_equal (found [1], 'l');
    assert_int_equal (found [2], WBC_KEY_RIGHT);
    assert_int_equal (wbc_keys_of_action (keys, WBC_ACTION_FOCUS_NEXT, found, 1), 3);
    wbc_keys_destroy (&keys);
}

static void
test_action_table_is_complete (void **state)
{
    (void) state;
    assert_int_equal (wbc_action_count (), 43);
    assert_int_equal (wbc_action_count (), WBC_ACTION_END - 1);
    for (int action = 1; action <= (int) wbc_action_count (); action++) {
        const char *name = wbc_action_name ((wbc_action_t) action);
        assert_non_null (name);
        assert_true (strlen (name) > 0);
        assert_null (strchr (name, ' '));
        assert_int_equal (wbc_action_by_name (name), action);
        const char *help = wbc_action_help ((wbc_action_t) action);
        assert_non_null (help);
        assert_true (strlen (help) > 0);
        const char *group = wbc_action_group ((wbc_action_t) action);
        assert_non_null (group);
        size_t known = 0;
        for (size_t index = 0; index < COUNT_OF (s_groups); index++)
            known += strcmp (group, s_groups [index]) == 0;
        assert_int_equal (known, 1);
        assert_true (wbc_action_default_keys ((wbc_action_t) action, NULL, 0) >= 1);
        for (int other = action + 1; other <= (int) wbc_action_count (); other++)
            assert_string_not_equal (name, wbc_action_name ((wbc_action_t) other));
    }
    //  Every action in the design list is there
    for (size_t index = 0; index < COUNT_OF (s_defaults); index++)
        assert_int_not_equal (wbc_action_by_name (s_defaults [index].action), WBC_ACTION_NONE);
    assert_string_equal (wbc_action_name (WBC_ACTION_MOVE_DOWN), "move-down");
    assert_string_equal (wbc_action_group (WBC_ACTION_TRACE), "Trainer");
}

static void
test_no_default_key_is_bound_twice (void **state)
{
    (void) state;
    int all [100];
    size_t count = 0;
    for (int action = 1; action <= (int) wbc_action_count (); action++) {
        int keys [8];
        size_t some = wbc_action_default_keys ((wbc_action_t) action, keys, 8);
        assert_true (some <= 3);
        for (size_t index = 0; index < some; index++) {
            assert_true (wbc_key_valid (keys [index]));
            assert_int_equal (wbc_key_canonical (keys [index]), keys [index]);
            for (size_t seen = 0; seen < count; seen++)
                assert_int_not_equal (all [seen], keys [index]);
            all [count++] = keys [index];
        }
    }
    assert_int_equal (count, COUNT_OF (s_defaults));
}

static void
test_key_names_round_trip (void **state)
{
    (void) state;
    char name [WBC_KEY_NAME_MAX];
    //  Every special key
    for (int key = WBC_KEY_UP; key < WBC_KEY_SPECIAL_END; key++) {
        assert_true (wbc_key_valid (key));
        assert_int_equal (wbc_key_name (key, name, sizeof (name)), 0);
        assert_int_equal (wbc_key_parse (name), key);
    }
    //  Display names
    const struct { int key; const char *name; } shown [] = {
        { 'j', "j" }, { 'G', "G" }, { '/', "/" }, { '#', "#" }, { '^', "^" }, { '-', "-" },
        { ' ', "Space" }, { 0xE9, "\xc3\xa9" }, { 0x20AC, "\xe2\x82\xac" },
        { 0x1F600, "\xf0\x9f\x98\x80" }, { 0x10FFFF, "\xf4\x8f\xbf\xbf" },
        { WBC_KEY_CTRL ('l'), "C-l" }, { WBC_KEY_CTRL ('a'), "C-a" }, { 0, "C-Space" },
        { WBC_KEY_CTRL ('_'), "C-_" }, { WBC_KEY_CTRL ('\\'), "C-\\" },
        { WBC_KEY_UP, "Up" }, { WBC_KEY_DOWN, "Down" }, { WBC_KEY_LEFT, "Left" },
        { WBC_KEY_RIGHT, "Right" }, { WBC_KEY_PAGE_UP, "PgUp" }, { WBC_KEY_PAGE_DOWN, "PgDn" },
        { WBC_KEY_HOME, "Home" }, { WBC_KEY_END, "End" }, { WBC_KEY_ENTER, "Enter" },
        { WBC_KEY_TAB, "Tab" }, { WBC_KEY_BACKTAB, "BackTab" }, { WBC_KEY_ESCAPE, "Esc" },
        { WBC_KEY_BACKSPACE, "Backspace" }, { WBC_KEY_DELETE, "Del" },
        { WBC_KEY_INSERT, "Ins" }, { WBC_KEY_F1, "F1" }, { WBC_KEY_F (12), "F12" },
        { WBC_KEY_RESIZE, "Resize" }, { '\t', "Tab" }, { 127, "Backspace" },
    };
    for (size_t index = 0; index < COUNT_OF (shown); index++) {
        assert_int_equal (wbc_key_name (shown [index].key, name, sizeof (name)), 0);
        assert_string_equal (name, shown [index].name);
        assert_int_equal (wbc_key_parse (name), wbc_key_canonical (shown [index].key));
    }
    //  Every control key
    for (int key = 0; key < 0x20; key++) {
        assert_int_equal (wbc_key_name (key, name, sizeof (name)), 0);
        assert_int_equal (wbc_key_parse (name), wbc_key_canonical (key));
    }
}

static void
test_key_aliases (void **state)
{
    (void) state;
    const struct { const char *name; int key; } aliases [] = {
        { "C-l", 12 }, { "C-L", 12 }, { "^L", 12 }, { "^l", 12 }, { "Ctrl-L", 12 },
        { "ctrl-l", 12 }, { "Ctrl+L", 12 }, { "C-@", 0 }, { "C-space", 0 },
        { "C-i", WBC_KEY_TAB }, { "C-m", WBC_KEY_ENTER }, { "^[", WBC_KEY_ESCAPE },
        { "C-?", WBC_KEY_BACKSPACE }, { "^", '^' }, { "C", 'C' }, { "#", '#' },
        { "PgDn", WBC_KEY_PAGE_DOWN }, { "PageDown", WBC_KEY_PAGE_DOWN },
        { "pgdn", WBC_KEY_PAGE_DOWN }, { "PageUp", WBC_KEY_PAGE_UP },
        { "BackTab", WBC_KEY_BACKTAB }, { "S-Tab", WBC_KEY_BACKTAB },
        { "Escape", WBC_KEY_ESCAPE }, { "ESC", WBC_KEY_ESCAPE }, { "Return", WBC_KEY_ENTER },
        { "Delete", WBC_KEY_DELETE }, { "Insert", WBC_KEY_INSERT }, { "f5", WBC_KEY_F5 },
        { "Space", ' ' }, { " ", ' ' }, { "up", WBC_KEY_UP },
    };
    for (size_t index = 0; index < COUNT_OF (aliases); index++)
        assert_int_equal (wbc_key_parse (aliases [index].name), aliases [index].key);
    //  Single characters keep their case
    assert_int_equal (wbc_key_parse ("g"), 'g');
    assert_int_equal (wbc_key_parse ("G"), 'G');
    assert_int_equal (wbc_key_canonical ('j'), 'j');
    assert_int_equal (wbc_key_canonical (27), WBC_KEY_ESCAPE);
}

static void
test_bind_and_unbind (void **state)
{
    (void) state;
    wbc_keys_t *keys = wbc_keys_new ();
    char error [80] = "";

    assert_int_equal (wbc_keys_bind (keys, "C-r", "refresh", error, sizeof (error)), 0);
    assert_int_equal (wbc_keys_action (keys, WBC_KEY_CTRL ('r')), WBC_ACTION_REFRESH);
    assert_int_equal (wbc_keys_action (keys, 'R'), WBC_ACTION_REFRESH);

    //  Rebinding a key takes it from its old action
    assert_int_equal (wbc_keys_bind (keys, "j", "refresh", error, sizeof (error)), 0);
    assert_int_equal (wbc_keys_action (keys, 'j'), WBC_ACTION_REFRESH);
    assert_int_equal (wbc_keys_of_action (keys, WBC_ACTION_MOVE_DOWN, NULL, 0), 1);
    assert_int_equal (wbc_keys_of_action (keys, WBC_ACTION_REFRESH, NULL, 0), 3);
    assert_int_equal (wbc_keys_bind (keys, "j", "refresh", error, sizeof (error)), 0);
    assert_int_equal (wbc_keys_of_action (keys, WBC_ACTION_REFRESH, NULL, 0), 3);

    assert_int_equal (wbc_keys_unbind (keys, "q", error, sizeof (error)), 0);
    assert_int_equal (wbc_keys_action (keys, 'q'), WBC_ACTION_NONE);
    assert_int_equal (wbc_keys_of_action (keys, WBC_ACTION_CLOSE_PANE, NULL, 0), 0);
    assert_int_equal (wbc_keys_unbind (keys, "q", error, sizeof (error)), 0);
    assert_int_equal (wbc_keys_unbind (keys, "Tab", error, sizeof (error)), 0);
    assert_int_equal (wbc_keys_action (keys, '\t'), WBC_ACTION_NONE);

    //  A multi-byte key
    assert_int_equal (wbc_keys_bind (keys, "\xc3\xa9", "search", error, sizeof (error)), 0);
    assert_int_equal (wbc_keys_action (keys, 0xE9), WBC_ACTION_SEARCH);
    wbc_keys_destroy (&keys);
}

static void
test_bind_errors_and_reset (void **state)
{
    (void) state;
    wbc_keys_t *keys = wbc_keys_new ();
    char error [80] = "";
    assert_int_equal (wbc_keys_parse_line (keys, "bind C-r refresh", error, sizeof (error)), 0);
    assert_int_equal (wbc_keys_parse_line (keys, "bind \xc3\xa9 search", error, sizeof (error)), 0);
    assert_int_equal (wbc_keys_parse_line (keys, "bind j quit", error, sizeof (error)), 0);
    assert_int_equal (wbc_keys_parse_line (keys, "unbind q", error, sizeof (error)), 0);

    //  Errors name what was wrong
    assert_int_equal (wbc_keys_bind (keys, "C-1", "quit", error, sizeof (error)), -1);
    assert_string_equal (error, "unknown key 'C-1'");
    assert_int_equal (wbc_keys_bind (keys, "x", "nope", error, sizeof (error)), -1);
    assert_string_equal (error, "unknown action 'nope'");
    assert_int_equal (wbc_keys_bind (keys, "bad", "nope", error, sizeof (error)), -1);
    assert_string_equal (error, "unknown key 'bad'");
    assert_int_equal (wbc_keys_unbind (keys, "Hyper-x", error, sizeof (error)), -1);
    assert_string_equal (error, "unknown key 'Hyper-x'");
    assert_int_equal (wbc_keys_action (keys, 'x'), WBC_ACTION_NONE);

    //  By key code; NONE unbinds
    assert_int_equal (wbc_keys_set (keys, WBC_KEY_F (5), WBC_ACTION_REFRESH), 0);
    assert_int_equal (wbc_keys_action (keys, WBC_KEY_F5), WBC_ACTION_REFRESH);
    assert_int_equal (wbc_keys_set (keys, WBC_KEY_F5, WBC_ACTION_NONE), 0);
    assert_int_equal (wbc_keys_action (keys, WBC_KEY_F5), WBC_ACTION_NONE);

    //  Reset: the defaults again
    assert_int_equal (wbc_keys_reset (keys), 0);
    assert_int_equal (wbc_keys_action (keys, 'j'), WBC_ACTION_MOVE_DOWN);
    assert_int_equal (wbc_keys_action (keys, 'q'), WBC_ACTION_CLOSE_PANE);
    assert_int_equal (wbc_keys_action (keys, WBC_KEY_CTRL ('r')), WBC_ACTION_NONE);
    assert_int_equal (wbc_keys_action (keys, 0xE9), WBC_ACTION_NONE);
    wbc_keys_destroy (&keys);
}

static void
test_parse_line (void **state)
{
    (void) state;
    wbc_keys_t *keys = wbc_keys_new ();
    char error [80] = "";
    const struct { const char *line; const char *error; } bad [] = {
        { "bind", "usage: bind KEY ACTION" },
        { "bind x", "usage: bind KEY ACTION" },
        { "bind x quit now", "usage: bind KEY ACTION" },
        { "unbind", "usage: unbind KEY" },
        { "unbind x y", "usage: unbind KEY" },
        { "rebind x quit", "unknown command 'rebind'" },
        { "Bind x quit", "unknown command 'Bind'" },
        { "bind ZZ quit", "unknown key 'ZZ'" },
        { "bind z nope", "unknown action 'nope'" },
        { "unbind C-", "unknown key 'C-'" },
    };
    for (size_t index = 0; index < COUNT_OF (bad); index++) {
        strcpy (error, "");
        assert_int_equal (wbc_keys_parse_line (keys, bad [index].line, error, sizeof (error)), -1);
        assert_string_equal (error, bad [index].error);
    }
    assert_int_equal (wbc_keys_action (keys, 'z'), WBC_ACTION_NONE);

    assert_int_equal (wbc_keys_parse_line (keys, "bind C-r refresh", error, sizeof (error)), 0);
    assert_int_equal (wbc_keys_action (keys, WBC_KEY_CTRL ('r')), WBC_ACTION_REFRESH);
    assert_int_equal (wbc_keys_parse_line (keys, "  unbind\tq  \r\n", error, sizeof (error)), 0);
    assert_int_equal (wbc_keys_action (keys, 'q'), WBC_ACTION_NONE);
    assert_int_equal (wbc_keys_parse_line (keys, "bind # search", error, sizeof (error)), 0);
    assert_int_equal (wbc_keys_action (keys, '#'), WBC_ACTION_SEARCH);
    assert_int_equal (wbc_keys_parse_line (keys, "bind Space pause", error, sizeof (error)), 0);
    assert_int_equal (wbc_keys_action (keys, ' '), WBC_ACTION_PAUSE);
    assert_int_equal (wbc_keys_parse_line (keys, "bind ^Q quit", error, sizeof (error)), 0);
    assert_int_equal (wbc_keys_action (keys, 17), WBC_ACTION_QUIT);
    wbc_keys_destroy (&keys);
}

static void
test_help_lines_from_the_table (void **state)
{
    (void) state;
    wbc_keys_t *keys = wbc_keys_new ();
    s_help_t help = { .count = 0 };
    assert_int_equal (wbc_keys_help_lines (keys, s_collect, &help), 0);
    assert_int_equal (help.count, COUNT_OF (s_groups) + wbc_action_count ());
    s_check_grouping (&help);
    assert_string_equal (s_help_line_of (&help, "move-down"),
        "  j, Down          move-down       move the selection down");
    assert_string_equal (s_help_line_of (&help, "page-down"),
        "  PgDn, C-f        page-down       move the selection down one page");
    assert_string_equal (s_help_line_of (&help, "redraw"),
        "  C-l              redraw          redraw the screen");
    assert_string_equal (wbc_keys_describe (keys, WBC_ACTION_MOVE_DOWN),
        s_help_line_of (&help, "move-down") + 2);
    s_help_free (&help);
    wbc_keys_destroy (&keys);
}

static void
test_help_lines_follow_rebinding (void **state)
{
    (void) state;
    wbc_keys_t *keys = wbc_keys_new ();
    char error [80] = "";
    assert_int_equal (wbc_keys_parse_line (keys, "bind j refresh", error, sizeof (error)), 0);
    assert_int_equal (wbc_keys_parse_line (keys, "bind \xc3\xa9 move-down", error, sizeof (error)), 0);
    assert_int_equal (wbc_keys_parse_line (keys, "unbind /", error, sizeof (error)), 0);

    s_help_t help = { .count = 0 };
    assert_int_equal (wbc_keys_help_lines (keys, s_collect, &help), 0);
    assert_int_equal (help.count, COUNT_OF (s_groups) + wbc_action_count ());
    s_check_grouping (&help);
    //  The multi-byte key takes one column: the columns stay aligned
    assert_string_equal (s_help_line_of (&help, "move-down"),
        "  Down, \xc3\xa9          move-down       move the selection down");
    assert_string_equal (s_help_line_of (&help, "refresh"),
        "  R, j             refresh         fetch the focused workbin again");
    assert_string_equal (s_help_line_of (&help, "search"),
        "                   search          search the focused pane");
    assert_string_equal (wbc_keys_describe (keys, WBC_ACTION_REFRESH),
        "R, j             refresh         fetch the focused workbin again");

    char names [8];
    assert_int_equal (wbc_keys_names (keys, WBC_ACTION_REFRESH, names, sizeof (names)), 0);
    assert_string_equal (names, "R, j");
    assert_int_equal (wbc_keys_names (keys, WBC_ACTION_PAGE_DOWN, names, sizeof (names)), -1);
    assert_string_equal (names, "PgDn");
    assert_int_equal (wbc_keys_names (keys, WBC_ACTION_SEARCH, names, sizeof (names)), 0);
    assert_string_equal (names, "");
    s_help_free (&help);
    wbc_keys_destroy (&keys);
}

/* The source tree (make check sets WB_SRCDIR). */
static const char *
s_srcdir (void)
{
    const char *srcdir = getenv ("WB_SRCDIR");
    return srcdir && srcdir [0] ? srcdir : ".";
}

/* The next `quoted` token of text into token; the text after it, or NULL. */
static const char *
s_next_quoted (const char *text, char *token, size_t size)
{
    const char *start = strchr (text, '`');
    const char *end = start ? strchr (start + 1, '`') : NULL;
    if (!end)
        return NULL;
    snprintf (token, size, "%.*s", (int) (end - start - 1), start + 1);
    return end + 1;
}

/* One row of the README's key table: every key it names is bound by
   default, and where its text says "next / previous", each pair of keys
   written `A` `B` has the next action's key first. */
static void
s_check_readme_row (const wbc_keys_t *keys, const char *row)
{
    char key_column [256];
    const char *text = strstr (row + 1, " | ");
    assert_non_null (text);
    snprintf (key_column, sizeof (key_column), "%.*s", (int) (text - row), row);
    bool next_previous = strstr (text, "next / previous") != NULL;
    char token [64], second [64];
    for (const char *at = s_next_quoted (key_column, token, sizeof (token)); at;
         at = s_next_quoted (at, token, sizeof (token))) {
        int key = wbc_key_parse (token);
        if (key == WBC_KEY_NONE || wbc_keys_action (keys, key) == WBC_ACTION_NONE)
            fail_msg ("README.md: key `%s` is not bound by default: %s", token, row);
        if (!next_previous || at [0] != ' ' || at [1] != '`')
            continue;
        at = s_next_quoted (at, second, sizeof (second));
        const char *first_action = wbc_action_name (wbc_keys_action (keys, key));
        const char *second_action = wbc_action_name (wbc_keys_action (keys, wbc_key_parse (second)));
        if (!first_action || !second_action
        ||  !strstr (first_action, "-next") || !strstr (second_action, "-prev"))
            fail_msg ("README.md: `%s` `%s` should read next / previous, but they run %s and %s: %s",
                      token, second, first_action ? first_action : "nothing",
                      second_action ? second_action : "nothing", row);
    }
}

/* The README's key table agrees with the default bindings. */
static void
test_readme_key_table (void **state)
{
    (void) state;
    char path [1024], line [1024];
    snprintf (path, sizeof (path), "%s/README.md", s_srcdir ());
    FILE *file = fopen (path, "r");
    assert_non_null (file);
    wbc_keys_t *keys = wbc_keys_new ();
    bool in_table = false;
    int rows = 0;
    while (fgets (line, sizeof (line), file)) {
        line [strcspn (line, "\n")] = 0;
        if (strcmp (line, "| key | what it does |") == 0)
            in_table = true;
        else
        if (in_table && line [0] != '|')
            break;
        else
        if (in_table && strncmp (line, "| ---", 5) != 0) {
            s_check_readme_row (keys, line);
            rows++;
        }
    }
    fclose (file);
    assert_true (rows > 5);
    wbc_keys_destroy (&keys);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_degenerate_bindings),
        cmocka_unit_test (test_degenerate_actions),
        cmocka_unit_test (test_degenerate_key_names),
        cmocka_unit_test (test_degenerate_arguments_on_real_keys),
        cmocka_unit_test (test_every_default_binding),
        cmocka_unit_test (test_action_table_is_complete),
        cmocka_unit_test (test_no_default_key_is_bound_twice),
        cmocka_unit_test (test_key_names_round_trip),
        cmocka_unit_test (test_key_aliases),
        cmocka_unit_test (test_bind_and_unbind),
        cmocka_unit_test (test_bind_errors_and_reset),
        cmocka_unit_test (test_parse_line),
        cmocka_unit_test (test_help_lines_from_the_table),
        cmocka_unit_test (test_help_lines_follow_rebinding),
        cmocka_unit_test (test_readme_key_table),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
