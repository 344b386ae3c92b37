/*  Tests of wbc_theme, the console's colours as data.

    Shipped themes and bad fixtures are found under WB_SRCDIR (the source
    tree; "." when unset): themes/ and tests/data/themes/. Files made for
    a test go into a fresh directory under /tmp, removed afterwards.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "wbc_theme.h"

#define PATH_SIZE 1024
#define ERROR_SIZE 1024
#define TREE_MAX 32
#define DIR_SIZE 256

/* What an element looks like: through wbc_theme_get, or expected. */
typedef struct {
    int fg;
    int bg;
    unsigned attrs;
} style_t;

/* The header's table, expanded here to say what the module must return. */
static const style_t s_colour_defaults [] = {
#define EXPECT_COLOUR(id, name, description, mono, fg, bg, attrs) { fg, bg, attrs },
    WBC_THEME_ELEMENTS (EXPECT_COLOUR)
#undef EXPECT_COLOUR
};
static const unsigned s_mono_defaults [] = {
#define EXPECT_MONO(id, name, description, mono, fg, bg, attrs) mono,
    WBC_THEME_ELEMENTS (EXPECT_MONO)
#undef EXPECT_MONO
};

/* Files and directories made by a test, removed in reverse order. */
typedef struct {
    char root [64];
    char paths [TREE_MAX][PATH_SIZE];
    size_t count;
} tree_t;

/* The source tree. */
static const char *
s_srcdir (void)
{
    const char *srcdir = getenv ("WB_SRCDIR");
    return srcdir && srcdir [0] ? srcdir : ".";
}

/* How an element is drawn now. */
static style_t
s_get (const wbc_theme_t *theme, wbc_theme_element_t element)
{
    style_t style;
    assert_int_equal (wbc_theme_get (theme, element, &style.fg, &style.bg, &style.attrs), 0);
    return style;
}

/* Assert that an element is drawn with fg, bg and attrs. */
static void
s_assert_style (const wbc_theme_t *theme, wbc_theme_element_t element,
                int fg, int bg, unsigned attrs)
{
    style_t style = s_get (theme, element);
    assert_int_equal (style.fg, fg);
    assert_int_equal (style.bg, bg);
    assert_int_equal (style.attrs, attrs);
}

/* Assert that every element of theme holds the built-in defaults. */
static void
s_assert_defaults (const wbc_theme_t *theme)
{
    for (size_t index = 0; index < WBC_THEME_ELEMENT_COUNT; index++)
        s_assert_style (theme, (wbc_theme_element_t) index, s_colour_defaults [index].fg,
                        s_colour_defaults [index].bg, s_colour_defaults [index].attrs);
}

/* Make a fresh directory under /tmp to hold a test's files. */
static void
s_tree_start (tree_t *tree)
{
    memset (tree, 0, sizeof (*tree));
    snprintf (tree->root, sizeof (tree->root), "/tmp/test_wbc_theme_XXXXXX");
    assert_non_null (mkdtemp (tree->root));
}

/* Make a file (text not NULL) or directory (text NULL) in the tree;
   returns its full path, valid until the tree is removed. */
static const char *
s_tree_add (tree_t *tree, const char *relative, const char *text)
{
    assert_true (tree->count < TREE_MAX);
    char joined [PATH_SIZE];
    snprintf (joined, sizeof (joined), "%s/%s", tree->root, relative);
    char *path = tree->paths [tree->count++];
    memcpy (path, joined, sizeof (joined));
    if (text) {
        FILE *file = fopen (path, "w");
        assert_non_null (file);
        fputs (text, file);
        assert_int_equal (fclose (file), 0);
    }
    else
        assert_int_equal (mkdir (path, 0700), 0);
    return path;
}

/* Remove everything the tree holds, then its root. */
static void
s_tree_remove (tree_t *tree)
{
    while (tree->count > 0)
        assert_int_equal (remove (tree->paths [--tree->count]), 0);
    assert_int_equal (rmdir (tree->root), 0);
}

/* Load text as a theme file; returns wbc_theme_load's result. */
static int
s_load_text (wbc_theme_t *theme, const char *text, char *error, size_t error_size)
{
    tree_t tree;
    s_tree_start (&tree);
    const char *path = s_tree_add (&tree, "test.theme", text);
    int rc = wbc_theme_load (theme, path, error, error_size);
    s_tree_remove (&tree);
    return rc;
}

static void
test_degenerate_calls (void **state)
{
    (void) state;
    wbc_theme_t *theme = NULL;
    wbc_theme_destroy (&theme);
    wbc_theme_destroy (NULL);
    char error [ERROR_SIZE] = "";
    assert_int_equal (wbc_theme_load (NULL, "themes/default.theme", error, sizeof (error)), -1);
    assert_string_equal (error, "no theme to load");
    theme = wbc_theme_new ();
    assert_non_null (theme);
    assert_int_equal (wbc_theme_load (theme, NULL, error, sizeof (error)), -1);
    assert_string_equal (error, "no theme file to load");
    assert_int_equal (wbc_theme_load (theme, NULL, NULL, 0), -1);

    //  Lookups of nothing return "default, no attributes" and -1
    int fg = 0, bg = 0;
    unsigned attrs = 1;
    assert_int_equal (wbc_theme_get (NULL, WBC_THEME_DEFAULT, &fg, &bg, &attrs), -1);
    assert_int_equal (fg, -1);
    assert_int_equal (bg, -1);
    assert_int_equal (attrs, 0);
    assert_int_equal (wbc_theme_get (theme, WBC_THEME_ELEMENT_COUNT, &fg, &bg, &attrs), -1);
    assert_int_equal (wbc_theme_get (theme, (wbc_theme_element_t) -1, NULL, NULL, NULL), -1);
    assert_int_equal (wbc_theme_get (theme, WBC_THEME_TITLE, NULL, NULL, NULL), 0);

    //  Setters refuse what is out of range
    assert_int_equal (wbc_theme_set (NULL, WBC_THEME_DEFAULT, 1, 1, 0), -1);
    assert_int_equal (wbc_theme_set (theme, WBC_THEME_ELEMENT_COUNT, 1, 1, 0), -1);
    assert_int_equal (wbc_theme_set (theme, WBC_THEME_DEFAULT, -2, 1, 0), -1);
    assert_int_equal (wbc_theme_set (theme, WBC_THEME_DEFAULT, 1, 256, 0), -1);
    assert_int_equal (wbc_theme_set (theme, WBC_THEME_DEFAULT, 1, 1, WBC_ATTR_ALL + 1), -1);
    assert_int_equal (wbc_theme_set_colour_count (NULL, 8), -1);
    assert_int_equal (wbc_theme_set_colour_count (theme, -1), -1);
    wbc_theme_use_colour (NULL, false);
    assert_false (wbc_theme_uses_colour (NULL));
    s_assert_defaults (theme);
    wbc_theme_destroy (&theme);
    assert_null (theme);
}

static void
test_degenerate_table_and_find (void **state)
{
    (void) state;
    char error [ERROR_SIZE] = "";
    //  The element table answers nothing for what it does not hold
    assert_null (wbc_theme_element_name (WBC_THEME_ELEMENT_COUNT));
    assert_null (wbc_theme_element_description (WBC_THEME_ELEMENT_COUNT));
    assert_int_equal (wbc_theme_element_lookup (NULL), -1);
    assert_int_equal (wbc_theme_element_lookup (""), -1);
    assert_int_equal (wbc_theme_element_lookup ("nosuch"), -1);

    assert_null (wbc_theme_find_file (NULL, NULL, error, sizeof (error)));
    assert_string_equal (error, "no theme name");
    assert_null (wbc_theme_find_file ("", NULL, NULL, 0));
}

static void
test_missing_file_and_directory (void **state)
{
    (void) state;
    wbc_theme_t *theme = wbc_theme_new ();
    char path [PATH_SIZE], expected [ERROR_SIZE + PATH_SIZE], error [ERROR_SIZE];
    snprintf (path, sizeof (path), "%s/themes/no-such.theme", s_srcdir ());
    assert_int_equal (wbc_theme_load (theme, path, error, sizeof (error)), -1);
    snprintf (expected, sizeof (expected), "%s: No such file or directory", path);
    assert_string_equal (error, expected);

    //  A directory opens but cannot be read
    snprintf (path, sizeof (path), "%s/themes", s_srcdir ());
    assert_int_equal (wbc_theme_load (theme, path, error, sizeof (error)), -1);
    snprintf (expected, sizeof (expected), "%s: Is a directory", path);
    assert_string_equal (error, expected);
    s_assert_defaults (theme);
    wbc_theme_destroy (&theme);
}

static void
test_empty_file_changes_nothing (void **state)
{
    (void) state;
    wbc_theme_t *theme = wbc_theme_new ();
    char path [PATH_SIZE], error [ERROR_SIZE] = "";
    snprintf (path, sizeof (path), "%s/tests/data/themes/empty.theme", s_srcdir ());
    assert_int_equal (wbc_theme_load (theme, path, error, sizeof (error)), 0);
    assert_string_equal (error, "");
    assert_int_equal (s_load_text (theme, "\n   \n# only a comment\n\t# another\n", NULL, 0), 0);
    s_assert_defaults (theme);
    wbc_theme_destroy (&theme);
}

static void
test_defaults (void **state)
{
    (void) state;
    wbc_theme_t *theme = wbc_theme_new ();
    assert_true (wbc_theme_uses_colour (theme));
    s_assert_defaults (theme);
    s_assert_style (theme, WBC_THEME_DEFAULT, WBC_COLOUR_DEFAULT, WBC_COLOUR_DEFAULT, 0);
    s_assert_style (theme, WBC_THEME_SELECTION, WBC_COLOUR_BLACK, WBC_COLOUR_CYAN, 0);
    s_assert_style (theme, WBC_THEME_STATUS_ERROR, WBC_COLOUR_BRIGHTWHITE, WBC_COLOUR_RED,
                    WBC_ATTR_BOLD);
    wbc_theme_destroy (&theme);
}

static void
test_element_table (void **state)
{
    (void) state;
    assert_int_equal (wbc_theme_element_count (), WBC_THEME_ELEMENT_COUNT);
    assert_int_equal (wbc_theme_element_count (), 26);
    for (size_t index = 0; index < wbc_theme_element_count (); index++) {
        wbc_theme_element_t element = (wbc_theme_element_t) index;
        const char *name = wbc_theme_element_name (element);
        assert_non_null (name);
        assert_true (strlen (wbc_theme_element_description (element)) > 0);
        assert_int_equal (wbc_theme_element_lookup (name), (int) index);
        assert_null (strpbrk (name, " \t#_ABCDEFGHIJKLMNOPQRSTUVWXYZ"));
    }
    assert_string_equal (wbc_theme_element_name (WBC_THEME_DEFAULT), "default");
    assert_string_equal (wbc_theme_element_name (WBC_THEME_TITLE_FOCUS), "title-focus");
    assert_string_equal (wbc_theme_element_name (WBC_THEME_DIM), "dim");
    assert_int_equal (wbc_theme_element_lookup ("Status-Connection-BAD"),
                      WBC_THEME_STATUS_CONNECTION_BAD);
}

/* Load one shipped theme over sentinel values; every element must change,
   and the file must start with a comment saying what it is for. */
static void
s_check_shipped_theme (const char *path)
{
    FILE *file = fopen (path, "r");
    assert_non_null (file);
    char first [256] = "";
    assert_non_null (fgets (first, sizeof (first), file));
    fclose (file);
    assert_true (strncmp (first, "# ", 2) == 0 && strlen (first) > 10);

    wbc_theme_t *theme = wbc_theme_new ();
    for (size_t index = 0; index < WBC_THEME_ELEMENT_COUNT; index++)
        assert_int_equal (wbc_theme_set (theme, (wbc_theme_element_t) index,
                                         254, 253, WBC_ATTR_ALL), 0);
    char error [ERROR_SIZE] = "";
    assert_int_equal (wbc_theme_load (theme, path, error, sizeof (error)), 0);
    assert_string_equal (error, "");
    for (size_t index = 0; index < WBC_THEME_ELEMENT_COUNT; index++) {
        style_t style = s_get (theme, (wbc_theme_element_t) index);
        if (style.fg == 254 || style.bg == 253 || style.attrs == WBC_ATTR_ALL)
            fail_msg ("%s does not set %s", path,
                      wbc_theme_element_name ((wbc_theme_element_t) index));
    }
    wbc_theme_destroy (&theme);
}

static void
test_every_shipped_theme_sets_every_element (void **state)
{
    (void) state;
    const char *required [] = { "default", "light", "dark", "mono", "high-contrast" };
    char dir_path [PATH_SIZE], path [PATH_SIZE + 256];
    snprintf (dir_path, sizeof (dir_path), "%s/themes", s_srcdir ());
    for (size_t index = 0; index < sizeof (required) / sizeof (required [0]); index++) {
        snprintf (path, sizeof (path), "%s/%s.theme", dir_path, required [index]);
        assert_int_equal (access (path, R_OK), 0);
    }
    //  Every *.theme shipped, not only the required ones
    DIR *dir = opendir (dir_path);
    assert_non_null (dir);
    size_t checked = 0;
    struct dirent *entry;
    while ((entry = readdir (dir))) {
        size_t length = strlen (entry->d_name);
        if (length > 6 && strcmp (entry->d_name + length - 6, ".theme") == 0) {
            snprintf (path, sizeof (path), "%s/%s", dir_path, entry->d_name);
            s_check_shipped_theme (path);
            checked++;
        }
    }
    closedir (dir);
    assert_true (checked >= 5);
}

static void
test_default_theme_file_is_the_built_in_theme (void **state)
{
    (void) state;
    wbc_theme_t *theme = wbc_theme_new ();
    char path [PATH_SIZE];
    snprintf (path, sizeof (path), "%s/themes/light.theme", s_srcdir ());
    assert_int_equal (wbc_theme_load (theme, path, NULL, 0), 0);
    snprintf (path, sizeof (path), "%s/themes/default.theme", s_srcdir ());
    assert_int_equal (wbc_theme_load (theme, path, NULL, 0), 0);
    s_assert_defaults (theme);
    wbc_theme_destroy (&theme);
}

static void
test_mono_theme_file_is_monochrome_mode (void **state)
{
    (void) state;
    wbc_theme_t *theme = wbc_theme_new ();
    char path [PATH_SIZE];
    snprintf (path, sizeof (path), "%s/themes/mono.theme", s_srcdir ());
    assert_int_equal (wbc_theme_load (theme, path, NULL, 0), 0);
    for (size_t index = 0; index < WBC_THEME_ELEMENT_COUNT; index++)
        s_assert_style (theme, (wbc_theme_element_t) index, -1, -1, s_mono_defaults [index]);
    wbc_theme_destroy (&theme);
}

static void
test_colour_names_numbers_and_bright (void **state)
{
    (void) state;
    wbc_theme_t *theme = wbc_theme_new ();
    const char *text =
        "color default red blue\n"
        "color border 0 255\n"
        "  color\ttitle brightblack   brightwhite  # trailing comment\n"
        "color header -1 default\n"
        "COLOR Selection BrightRed 007\n"
        "color help yellow black\r\n"
        "color dim magenta cyan\n"
        "color prompt green white\n"
        "color sidebar 16 100";
    assert_int_equal (s_load_text (theme, text, NULL, 0), 0);
    s_assert_style (theme, WBC_THEME_DEFAULT, WBC_COLOUR_RED, WBC_COLOUR_BLUE, 0);
    s_assert_style (theme, WBC_THEME_BORDER, 0, 255, 0);
    s_assert_style (theme, WBC_THEME_TITLE, 8, 15, 0);
    s_assert_style (theme, WBC_THEME_HEADER, -1, -1, 0);
    s_assert_style (theme, WBC_THEME_SELECTION, 9, 7, 0);
    s_assert_style (theme, WBC_THEME_HELP, 3, 0, 0);
    s_assert_style (theme, WBC_THEME_DIM, 5, 6, 0);
    s_assert_style (theme, WBC_THEME_PROMPT, 2, 7, 0);
    s_assert_style (theme, WBC_THEME_SIDEBAR, 16, 100, 0);
    //  Untouched elements keep their defaults
    s_assert_style (theme, WBC_THEME_TRACE_REPLY, s_colour_defaults [WBC_THEME_TRACE_REPLY].fg,
                    s_colour_defaults [WBC_THEME_TRACE_REPLY].bg,
                    s_colour_defaults [WBC_THEME_TRACE_REPLY].attrs);
    //  A later line for the same element wins
    assert_int_equal (s_load_text (theme, "color dim red default\ncolor dim green default\n",
                                   NULL, 0), 0);
    s_assert_style (theme, WBC_THEME_DIM, WBC_COLOUR_GREEN, -1, 0);
    wbc_theme_destroy (&theme);
}

static void
test_colour_count_folds_what_the_terminal_lacks (void **state)
{
    (void) state;
    wbc_theme_t *theme = wbc_theme_new ();
    assert_int_equal (s_load_text (theme, "color title brightred brightblue underline\n"
                                          "color border 200 16\n"
                                          "color header red 15\n", NULL, 0), 0);
    s_assert_style (theme, WBC_THEME_TITLE, 9, 12, WBC_ATTR_UNDERLINE);
    assert_int_equal (wbc_theme_set_colour_count (theme, 16), 0);
    s_assert_style (theme, WBC_THEME_TITLE, 9, 12, WBC_ATTR_UNDERLINE);
    s_assert_style (theme, WBC_THEME_BORDER, -1, -1, 0);
    //  Eight colours: bright foreground becomes plain and bold
    assert_int_equal (wbc_theme_set_colour_count (theme, 8), 0);
    s_assert_style (theme, WBC_THEME_TITLE, 1, 4, WBC_ATTR_UNDERLINE | WBC_ATTR_BOLD);
    s_assert_style (theme, WBC_THEME_HEADER, 1, 7, 0);
    s_assert_style (theme, WBC_THEME_BORDER, -1, -1, 0);
    //  No colours at all: everything on the terminal's default
    assert_int_equal (wbc_theme_set_colour_count (theme, 0), 0);
    s_assert_style (theme, WBC_THEME_TITLE, -1, -1, WBC_ATTR_UNDERLINE);
    wbc_theme_destroy (&theme);
}

static void
test_attributes_combine (void **state)
{
    (void) state;
    wbc_theme_t *theme = wbc_theme_new ();
    const char *text =
        "color title default default bold underline reverse\n"
        "color header default default none\n"
        "color border default default bold none\n"
        "color dim default default dim dim\n"
        "color help default default Bold STANDOUT italic blink dim underline reverse\n"
        "color prompt default default\n";
    assert_int_equal (s_load_text (theme, text, NULL, 0), 0);
    s_assert_style (theme, WBC_THEME_TITLE, -1, -1,
                    WBC_ATTR_BOLD | WBC_ATTR_UNDERLINE | WBC_ATTR_REVERSE);
    s_assert_style (theme, WBC_THEME_HEADER, -1, -1, WBC_ATTR_NONE);
    s_assert_style (theme, WBC_THEME_BORDER, -1, -1, WBC_ATTR_BOLD);
    s_assert_style (theme, WBC_THEME_DIM, -1, -1, WBC_ATTR_DIM);
    s_assert_style (theme, WBC_THEME_HELP, -1, -1, WBC_ATTR_ALL);
    //  A line without attributes clears the default's
    s_assert_style (theme, WBC_THEME_PROMPT, -1, -1, WBC_ATTR_NONE);
    wbc_theme_destroy (&theme);
}

/* Assert that two elements look different in monochrome. */
static void
s_assert_mono_differ (wbc_theme_element_t first, wbc_theme_element_t second)
{
    if (s_mono_defaults [first] == s_mono_defaults [second])
        fail_msg ("%s and %s look the same without colour",
                  wbc_theme_element_name (first), wbc_theme_element_name (second));
}

static void
test_monochrome_returns_mono_attributes (void **state)
{
    (void) state;
    wbc_theme_t *theme = wbc_theme_new ();
    assert_int_equal (s_load_text (theme, "color selection red blue blink\n", NULL, 0), 0);
    wbc_theme_use_colour (theme, false);
    assert_false (wbc_theme_uses_colour (theme));
    for (size_t index = 0; index < WBC_THEME_ELEMENT_COUNT; index++)
        s_assert_style (theme, (wbc_theme_element_t) index, -1, -1, s_mono_defaults [index]);
    s_assert_style (theme, WBC_THEME_SELECTION, -1, -1, WBC_ATTR_REVERSE);
    s_assert_style (theme, WBC_THEME_TITLE_FOCUS, -1, -1, WBC_ATTR_BOLD | WBC_ATTR_REVERSE);
    s_assert_style (theme, WBC_THEME_STATUS_ERROR, -1, -1, WBC_ATTR_BOLD | WBC_ATTR_UNDERLINE);
    s_assert_style (theme, WBC_THEME_ROW_NEW, -1, -1, WBC_ATTR_BOLD);
    s_assert_style (theme, WBC_THEME_HEADER, -1, -1, WBC_ATTR_UNDERLINE);
    //  What must be told apart stays apart with attributes alone
    s_assert_mono_differ (WBC_THEME_SELECTION, WBC_THEME_DEFAULT);
    s_assert_mono_differ (WBC_THEME_SELECTION, WBC_THEME_SELECTION_UNFOCUSED);
    s_assert_mono_differ (WBC_THEME_TITLE, WBC_THEME_TITLE_FOCUS);
    s_assert_mono_differ (WBC_THEME_ROW_NEW, WBC_THEME_DEFAULT);
    s_assert_mono_differ (WBC_THEME_ROW_CHANGED, WBC_THEME_DEFAULT);
    s_assert_mono_differ (WBC_THEME_STATUS_ACK, WBC_THEME_STATUS_ERROR);
    s_assert_mono_differ (WBC_THEME_STATUS_CONNECTION_OK, WBC_THEME_STATUS_CONNECTION_BAD);
    s_assert_mono_differ (WBC_THEME_SIDEBAR_SELECTION, WBC_THEME_SIDEBAR);
    s_assert_mono_differ (WBC_THEME_TRACE_REQUEST, WBC_THEME_TRACE_REPLY);
    s_assert_mono_differ (WBC_THEME_TRACE_EVENT, WBC_THEME_TRACE_ERROR);
    //  Colour back on: the loaded colours are still there
    wbc_theme_use_colour (theme, true);
    s_assert_style (theme, WBC_THEME_SELECTION, WBC_COLOUR_RED, WBC_COLOUR_BLUE, WBC_ATTR_BLINK);
    wbc_theme_destroy (&theme);
}

/* A bad fixture and the complaint it must give, after "PATH:". */
typedef struct {
    const char *file;
    const char *message;
} bad_case_t;

static const bad_case_t s_bad_cases [] = {
    { "bad-element.theme", "4: unknown element 'nosuch'" },
    { "bad-colour.theme", "3: unknown colour 'purple'" },
    { "bad-colour-number.theme", "3: unknown colour '256'" },
    { "bad-attribute.theme", "3: unknown attribute 'sparkly'" },
    { "bad-missing-bg.theme", "2: expected: color ELEMENT FG BG [ATTR...]" },
    { "bad-keyword.theme", "3: expected: color ELEMENT FG BG [ATTR...]" },
};

static void
test_bad_lines_give_path_line_and_change_nothing (void **state)
{
    (void) state;
    wbc_theme_t *theme = wbc_theme_new ();
    for (size_t index = 0; index < sizeof (s_bad_cases) / sizeof (s_bad_cases [0]); index++) {
        char path [PATH_SIZE], expected [ERROR_SIZE + PATH_SIZE], error [ERROR_SIZE] = "";
        snprintf (path, sizeof (path), "%s/tests/data/themes/%s",
                  s_srcdir (), s_bad_cases [index].file);
        snprintf (expected, sizeof (expected), "%s:%s", path, s_bad_cases [index].message);
        assert_int_equal (wbc_theme_load (theme, path, error, sizeof (error)), -1);
        assert_string_equal (error, expected);
        s_assert_defaults (theme);
        //  Without an error buffer, or with a tiny one, it still fails cleanly
        assert_int_equal (wbc_theme_load (theme, path, NULL, 0), -1);
        char tiny [6];
        assert_int_equal (wbc_theme_load (theme, path, tiny, sizeof (tiny)), -1);
        assert_int_equal (strlen (tiny), sizeof (tiny) - 1);
    }
    s_assert_defaults (theme);
    wbc_theme_destroy (&theme);
}

static void
test_other_bad_colours (void **state)
{
    (void) state;
    const char *lines [] = {
        "color default 1000 default\n", "color default -2 default\n",
        "color default 0x10 default\n", "color default +1 default\n",
        "color default bright default\n", "color default default 12a\n",
    };
    wbc_theme_t *theme = wbc_theme_new ();
    char error [ERROR_SIZE];
    for (size_t index = 0; index < sizeof (lines) / sizeof (lines [0]); index++) {
        assert_int_equal (s_load_text (theme, lines [index], error, sizeof (error)), -1);
        assert_non_null (strstr (error, ":1: unknown colour '"));
    }
    s_assert_defaults (theme);
    wbc_theme_destroy (&theme);
}

static void
test_find_file_search_order (void **state)
{
    (void) state;
    tree_t tree;
    s_tree_start (&tree);
    char xdg [DIR_SIZE], user [DIR_SIZE], installed [DIR_SIZE], source [DIR_SIZE];
    snprintf (xdg, sizeof (xdg), "%s", s_tree_add (&tree, "xdg", NULL));
    s_tree_add (&tree, "xdg/wbconsole", NULL);
    snprintf (user, sizeof (user), "%s", s_tree_add (&tree, "xdg/wbconsole/themes", NULL));
    snprintf (installed, sizeof (installed), "%s", s_tree_add (&tree, "installed", NULL));
    snprintf (source, sizeof (source), "%s", s_tree_add (&tree, "source", NULL));
    const char *both_user = s_tree_add (&tree, "xdg/wbconsole/themes/both.theme", "");
    const char *plain_user = s_tree_add (&tree, "xdg/wbconsole/themes/plain", "");
    s_tree_add (&tree, "installed/both.theme", "");
    const char *inst = s_tree_add (&tree, "installed/inst.theme", "");
    const char *suffixed = s_tree_add (&tree, "installed/pref.theme", "");
    s_tree_add (&tree, "installed/pref", "");
    s_tree_add (&tree, "installed/sub.theme", NULL);
    s_tree_add (&tree, "source/inst.theme", "");
    const char *src = s_tree_add (&tree, "source/src.theme", "");
    const char *sub = s_tree_add (&tree, "source/sub.theme", "");
    assert_int_equal (setenv ("XDG_CONFIG_HOME", xdg, 1), 0);

    const char *dirs [] = { installed, source, NULL };
    const struct { const char *name; const char *found; } cases [] = {
        { "both", both_user }, { "plain", plain_user }, { "inst", inst },
        { "src", src }, { "pref", suffixed }, { "sub", sub }, { "inst.theme", inst },
    };
    char error [ERROR_SIZE], expected [ERROR_SIZE];
    for (size_t index = 0; index < sizeof (cases) / sizeof (cases [0]); index++) {
        char *path = wbc_theme_find_file (cases [index].name, dirs, error, sizeof (error));
        assert_non_null (path);
        assert_string_equal (path, cases [index].found);
        assert_string_equal (error, "");
        free (path);
    }
    assert_null (wbc_theme_find_file ("nope", dirs, error, sizeof (error)));
    snprintf (expected, sizeof (expected), "theme 'nope' not found: looked for nope.theme "
              "and nope in %s, %s, %s", user, installed, source);
    assert_string_equal (error, expected);
    s_tree_remove (&tree);
    unsetenv ("XDG_CONFIG_HOME");
}

static void
test_find_file_paths_and_home (void **state)
{
    (void) state;
    char *saved_home = getenv ("HOME") ? strdup (getenv ("HOME")) : NULL;
    tree_t tree;
    s_tree_start (&tree);
    s_tree_add (&tree, ".config", NULL);
    s_tree_add (&tree, ".config/wbconsole", NULL);
    s_tree_add (&tree, ".config/wbconsole/themes", NULL);
    const char *home_theme = s_tree_add (&tree, ".config/wbconsole/themes/mine.theme", "");
    char error [ERROR_SIZE], expected [ERROR_SIZE + PATH_SIZE];

    //  No XDG_CONFIG_HOME, or a relative one: $HOME/.config
    assert_int_equal (setenv ("HOME", tree.root, 1), 0);
    unsetenv ("XDG_CONFIG_HOME");
    char *path = wbc_theme_find_file ("mine", NULL, error, sizeof (error));
    assert_string_equal (path, home_theme);
    free (path);
    assert_int_equal (setenv ("XDG_CONFIG_HOME", "relative/dir", 1), 0);
    path = wbc_theme_find_file ("mine", NULL, error, sizeof (error));
    assert_string_equal (path, home_theme);
    free (path);
    unsetenv ("XDG_CONFIG_HOME");

    //  A name with a '/' is a path, used as it is
    path = wbc_theme_find_file (home_theme, NULL, error, sizeof (error));
    assert_string_equal (path, home_theme);
    free (path);
    snprintf (expected, sizeof (expected), "%s/none.theme", tree.root);
    assert_null (wbc_theme_find_file (expected, NULL, error, sizeof (error)));
    assert_non_null (strstr (error, "none.theme': No such file or directory"));
    assert_null (wbc_theme_find_file ("./", NULL, error, sizeof (error)));
    assert_string_equal (error, "theme file './': not a regular file");

    //  Nowhere to look at all
    unsetenv ("HOME");
    assert_null (wbc_theme_find_file ("mine", NULL, error, sizeof (error)));
    assert_string_equal (error, "theme 'mine' not found: no theme directory "
                                "(XDG_CONFIG_HOME and HOME unset, none given)");
    s_tree_remove (&tree);
    if (saved_home)
        setenv ("HOME", saved_home, 1);
    free (saved_home);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_degenerate_calls),
        cmocka_unit_test (test_degenerate_table_and_find),
        cmocka_unit_test (test_missing_file_and_directory),
        cmocka_unit_test (test_empty_file_changes_nothing),
        cmocka_unit_test (test_defaults),
        cmocka_unit_test (test_element_table),
        cmocka_unit_test (test_every_shipped_theme_sets_every_element),
        cmocka_unit_test (test_default_theme_file_is_the_built_in_theme),
        cmocka_unit_test (test_mono_theme_file_is_monochrome_mode),
        cmocka_unit_test (test_colour_names_numbers_and_bright),
        cmocka_unit_test (test_colour_count_folds_what_the_terminal_lacks),
        cmocka_unit_test (test_attributes_combine),
        cmocka_unit_test (test_monochrome_returns_mono_attributes),
        cmocka_unit_test (test_bad_lines_give_path_line_and_change_nothing),
        cmocka_unit_test (test_other_bad_colours),
        cmocka_unit_test (test_find_file_search_order),
        cmocka_unit_test (test_find_file_paths_and_home),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
