/*  wbc_theme: the console's colours, as data. See wbc_theme.h.

    Pure data and parsing: no curses here. A theme is one style per
    element; loading parses into a copy and commits it only when every
    line is good, so a bad file changes nothing.
*/
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "wbc_theme.h"
#include "wb_prelude.h"

#define S_SEPARATORS " \t\r\n\v\f"
#define S_WHAT_MAX 256              /* one line's complaint, before PATH:LINE */
#define S_EXPECTED "expected: color ELEMENT FG BG [ATTR...]"

/* How to draw one element. */
typedef struct {
    int fg;
    int bg;
    unsigned attrs;
} s_style_t;

/* One row of the element table. */
typedef struct {
    const char *name;
    const char *description;
    unsigned mono;              /* attributes when colour is off */
    s_style_t colour;           /* the built-in default theme */
} s_element_t;

/* A name in theme files and the number it stands for. */
typedef struct {
    const char *name;
    int value;
} s_name_t;

struct _wbc_theme_t {
    s_style_t styles [WBC_THEME_ELEMENT_COUNT];
    bool use_colour;
    int colour_count;
};

static const s_element_t s_elements [] = {
#define S_ELEMENT(id, name, description, mono, fg, bg, attrs) \
    { name, description, mono, { fg, bg, attrs } },
    WBC_THEME_ELEMENTS (S_ELEMENT)
#undef S_ELEMENT
};

static const s_name_t s_colours [] = {
    { "default", WBC_COLOUR_DEFAULT }, { "-1", WBC_COLOUR_DEFAULT },
    { "black", WBC_COLOUR_BLACK }, { "red", WBC_COLOUR_RED },
    { "green", WBC_COLOUR_GREEN }, { "yellow", WBC_COLOUR_YELLOW },
    { "blue", WBC_COLOUR_BLUE }, { "magenta", WBC_COLOUR_MAGENTA },
    { "cyan", WBC_COLOUR_CYAN }, { "white", WBC_COLOUR_WHITE },
    { "brightblack", WBC_COLOUR_BRIGHTBLACK }, { "brightred", WBC_COLOUR_BRIGHTRED },
    { "brightgreen", WBC_COLOUR_BRIGHTGREEN }, { "brightyellow", WBC_COLOUR_BRIGHTYELLOW },
    { "brightblue", WBC_COLOUR_BRIGHTBLUE }, { "brightmagenta", WBC_COLOUR_BRIGHTMAGENTA },
    { "brightcyan", WBC_COLOUR_BRIGHTCYAN }, { "brightwhite", WBC_COLOUR_BRIGHTWHITE },
};

static const s_name_t s_attrs [] = {
    { "none", WBC_ATTR_NONE }, { "bold", WBC_ATTR_BOLD }, { "dim", WBC_ATTR_DIM },
    { "underline", WBC_ATTR_UNDERLINE }, { "reverse", WBC_ATTR_REVERSE },
    { "standout", WBC_ATTR_STANDOUT }, { "italic", WBC_ATTR_ITALIC },
    { "blink", WBC_ATTR_BLINK },
};


_Static_assert (WB_COUNT_OF (s_elements) == WBC_THEME_ELEMENT_COUNT,
                "one table row per element id");

/* Write a message into the caller's error buffer, if it gave one. */
static void WB_PRINTF (3, 4)
s_set_error (char *error, size_t error_size, const char *format, ...)
{
    if (!error || error_size == 0)
        return;
    va_list args;
    va_start (args, format);
    vsnprintf (error, error_size, format, args);
    va_end (args);
}

/* True if element is a row of the element table. */
static bool
s_element_valid (wbc_theme_element_t element)
{
    return (size_t) element < WBC_THEME_ELEMENT_COUNT;
}

/* Create a theme with the built-in defaults, colour on, 256 colours. */
wbc_theme_t *
wbc_theme_new (void)
{
    wbc_theme_t *self = wb_calloc (1, sizeof (wbc_theme_t));
    for (size_t index = 0; index < WBC_THEME_ELEMENT_COUNT; index++)
        self->styles [index] = s_elements [index].colour;
    self->use_colour = true;
    self->colour_count = WBC_COLOUR_MAX + 1;
    return self;
}

/* Destroy a theme; safe on NULL; nulls the caller's pointer. */
void
wbc_theme_destroy (wbc_theme_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free (*self_p);
    *self_p = NULL;
}

/* Turn colour on or off; off means monochrome attributes only. */
void
wbc_theme_use_colour (wbc_theme_t *self, bool use_colour)
{
    if (self)
        self->use_colour = use_colour;
}

/* True if lookups return the theme's colours. */
bool
wbc_theme_uses_colour (const wbc_theme_t *self)
{
    return self && self->use_colour;
}

/* Tell the theme how many colours the terminal has. */
int
wbc_theme_set_colour_count (wbc_theme_t *self, int count)
{
    if (!self || count < 0)
        return -1;
    self->colour_count = count;
    return 0;
}

/* A colour the terminal can show: itself, a bright colour folded to its
   plain one (the foreground made bold instead), or the default. */
static int
s_fit_colour (int colour, int count, unsigned *attrs, bool foreground)
{
    if (colour < count)
        return colour;
    int plain = colour - WBC_COLOUR_BRIGHTBLACK;
    if (colour <= WBC_COLOUR_BRIGHTWHITE && plain < count) {
        if (foreground)
            *attrs |= WBC_ATTR_BOLD;
        return plain;
    }
    return WBC_COLOUR_DEFAULT;
}

/* How to draw an element, after the colour switch and colour count. */
int
wbc_theme_get (const wbc_theme_t *self, wbc_theme_element_t element,
               int *fg, int *bg, unsigned *attrs)
{
    s_style_t style = { WBC_COLOUR_DEFAULT, WBC_COLOUR_DEFAULT, WBC_ATTR_NONE };
    int rc = -1;
    if (self && s_element_valid (element)) {
        rc = 0;
        if (self->use_colour) {
            style = self->styles [element];
            style.fg = s_fit_colour (style.fg, self->colour_count, &style.attrs, true);
            style.bg = s_fit_colour (style.bg, self->colour_count, &style.attrs, false);
        }
        else
            style.attrs = s_elements [element].mono;
    }
    if (fg)
        *fg = style.fg;
    if (bg)
        *bg = style.bg;
    if (attrs)
        *attrs = style.attrs;
    return rc;
}

/* True if colour is -1 (the default) or a colour number. */
static bool
s_colour_valid (int colour)
{
    return colour >= WBC_COLOUR_DEFAULT && colour <= WBC_COLOUR_MAX;
}

/* Set an element's colours and attributes. */
int
wbc_theme_set (wbc_theme_t *self, wbc_theme_element_t element,
               int fg, int bg, unsigned attrs)
{
    if (!self || !s_element_valid (element)
    ||  !s_colour_valid (fg) || !s_colour_valid (bg) || (attrs & ~(unsigned) WBC_ATTR_ALL))
        return -1;
    self->styles [element] = (s_style_t) { fg, bg, attrs };
    return 0;
}

/* Number of elements. */
size_t
wbc_theme_element_count (void)
{
    return WBC_THEME_ELEMENT_COUNT;
}

/* An element's name in theme files. */
const char *
wbc_theme_element_name (wbc_theme_element_t element)
{
    return s_element_valid (element) ? s_elements [element].name : NULL;
}

/* An element's one-line description. */
const char *
wbc_theme_element_description (wbc_theme_element_t element)
{
    return s_element_valid (element) ? s_elements [element].description : NULL;
}

/* The element of that name, or -1. */
int
wbc_theme_element_lookup (const char *name)
{
    for (size_t index = 0; name && index < WBC_THEME_ELEMENT_COUNT; index++)
        if (strcasecmp (s_elements [index].name, name) == 0)
            return (int) index;
    return -1;
}

/* The value of a name in a name table; 0 / -1. */
static int
s_lookup_name (const s_name_t *table, size_t count, const char *name, int *value)
{
    for (size_t index = 0; index < count; index++)
        if (strcasecmp (table [index].name, name) == 0) {
            *value = table [index].value;
            return 0;
        }
    return -1;
}

/* A colour: a name from the table or a decimal number 0-255; 0 / -1. */
static int
s_parse_colour (const char *token, int *colour)
{
    if (s_lookup_name (s_colours, WB_COUNT_OF (s_colours), token, colour) == 0)
        return 0;
    size_t length = strspn (token, "0123456789");
    if (length == 0 || length > 3 || token [length])
        return -1;
    int number = atoi (token);
    if (number > WBC_COLOUR_MAX)
        return -1;
    *colour = number;
    return 0;
}

/* Parse the attributes left on the line (strtok_r state in save) into
   style->attrs; on an unknown one, say so in what. 0 / -1. */
static int
s_parse_attrs (char **save, s_style_t *style, char *what, size_t what_size)
{
    style->attrs = WBC_ATTR_NONE;
    char *token;
    while ((token = strtok_r (NULL, S_SEPARATORS, save))) {
        int attr;
        if (s_lookup_name (s_attrs, WB_COUNT_OF (s_attrs), token, &attr) == -1) {
            snprintf (what, what_size, "unknown attribute '%s'", token);
            return -1;
        }
        style->attrs |= (unsigned) attr;
    }
    return 0;
}

/* Parse one line into styles; blank and comment lines change nothing.
   On a bad line, say what is wrong in what. 0 / -1. */
static int
s_parse_line (char *line, s_style_t *styles, char *what, size_t what_size)
{
    char *comment = strchr (line, '#');
    if (comment)
        *comment = '\0';
    char *save = NULL;
    char *keyword = strtok_r (line, S_SEPARATORS, &save);
    if (!keyword)
        return 0;
    char *name = strtok_r (NULL, S_SEPARATORS, &save);
    char *fg = name ? strtok_r (NULL, S_SEPARATORS, &save) : NULL;
    char *bg = fg ? strtok_r (NULL, S_SEPARATORS, &save) : NULL;
    s_style_t style = { WBC_COLOUR_DEFAULT, WBC_COLOUR_DEFAULT, WBC_ATTR_NONE };
    int element = name ? wbc_theme_element_lookup (name) : -1;
    if (strcasecmp (keyword, "color") != 0 || !bg)
        snprintf (what, what_size, "%s", S_EXPECTED);
    else
    if (element == -1)
        snprintf (what, what_size, "unknown element '%s'", name);
    else
    if (s_parse_colour (fg, &style.fg) == -1)
        snprintf (what, what_size, "unknown colour '%s'", fg);
    else
    if (s_parse_colour (bg, &style.bg) == -1)
        snprintf (what, what_size, "unknown colour '%s'", bg);
    else
    if (s_parse_attrs (&save, &style, what, what_size) == 0) {
        styles [element] = style;
        return 0;
    }
    return -1;
}

/* Parse every line of an open file into styles; 0 / -1 with error. */
static int
s_parse_file (FILE *file, const char *path, s_style_t *styles,
              char *error, size_t error_size)
{
    char *line = NULL;
    size_t capacity = 0;
    size_t line_number = 0;
    char what [S_WHAT_MAX];
    int rc = 0;
    while (rc == 0 && getline (&line, &capacity, file) != -1) {
        line_number++;
        rc = s_parse_line (line, styles, what, sizeof (what));
        if (rc == -1)
            s_set_error (error, error_size, "%s:%zu: %s", path, line_number, what);
    }
    if (rc == 0 && ferror (file)) {
        s_set_error (error, error_size, "%s: %s", path, strerror (errno));
        rc = -1;
    }
    free (line);
    return rc;
}

/* Apply a theme file; on any error the theme is left unchanged. */
int
wbc_theme_load (wbc_theme_t *self, const char *path, char *error, size_t error_size)
{
    if (!self || !path) {
        s_set_error (error, error_size, "no %s to load", self ? "theme file" : "theme");
        return -1;
    }
    FILE *file = fopen (path, "r");
    if (!file) {
        s_set_error (error, error_size, "%s: %s", path, strerror (errno));
        return -1;
    }
    s_style_t styles [WBC_THEME_ELEMENT_COUNT];
    memcpy (styles, self->styles, sizeof (styles));
    int rc = s_parse_file (file, path, styles, error, error_size);
    fclose (file);
    if (rc == 0)
        memcpy (self->styles, styles, sizeof (styles));
    return rc;
}

/* A fresh string: first, second and third joined. */
static char *
s_join (const char *first, const char *second, const char *third)
{
    size_t size = strlen (first) + strlen (second) + strlen (third) + 1;
    char *joined = wb_malloc (size);
    snprintf (joined, size, "%s%s%s", first, second, third);
    return joined;
}

/* Why path is not a readable regular file, or NULL if it is one. */
static const char *
s_file_problem (const char *path)
{
    struct stat status;
    if (stat (path, &status) == -1)
        return strerror (errno);
    if (!S_ISREG (status.st_mode))
        return "not a regular file";
    if (access (path, R_OK) == -1)
        return strerror (errno);
    return NULL;
}

/* The user's theme directory, fresh, or NULL if there is no home. */
static char *
s_user_themes_dir (void)
{
    const char *config = getenv ("XDG_CONFIG_HOME");
    if (config && config [0] == '/')
        return s_join (config, "/wbconsole/themes", "");
    const char *home = getenv ("HOME");
    if (home && home [0])
        return s_join (home, "/.config/wbconsole/themes", "");
    return NULL;
}

/* NAME.theme, else NAME, in dir, fresh, or NULL. */
static char *
s_find_in_dir (const char *dir, const char *name)
{
    const char *suffixes [] = { ".theme", "" };
    for (size_t index = 0; index < WB_COUNT_OF (suffixes); index++) {
        char *base = s_join (dir, "/", name);
        char *path = base ? s_join (base, suffixes [index], "") : NULL;
        free (base);
        if (path && !s_file_problem (path))
            return path;
        free (path);
    }
    return NULL;
}

/* Append text to what the error already holds, as room allows. */
static void
s_append_error (char *error, size_t error_size, const char *first, const char *second)
{
    if (!error || error_size == 0)
        return;
    size_t used = strlen (error);
    snprintf (error + used, error_size - used, "%s%s", first, second);
}

/* Look for name in the user's directory, then in dirs, in order. A fresh
   path, or NULL with an error that lists the directories searched. */
static char *
s_search_dirs (const char *name, const char *const *dirs, char *error, size_t error_size)
{
    s_set_error (error, error_size, "theme '%s' not found: looked for %s.theme and %s in",
                 name, name, name);
    char *user_dir = s_user_themes_dir ();
    char *path = user_dir ? s_find_in_dir (user_dir, name) : NULL;
    size_t searched = 0;
    if (user_dir)
        s_append_error (error, error_size, searched++ ? ", " : " ", user_dir);
    free (user_dir);
    for (size_t index = 0; !path && dirs && dirs [index]; index++) {
        path = s_find_in_dir (dirs [index], name);
        s_append_error (error, error_size, searched++ ? ", " : " ", dirs [index]);
    }
    if (searched == 0)
        s_set_error (error, error_size, "theme '%s' not found: no theme directory "
                     "(XDG_CONFIG_HOME and HOME unset, none given)", name);
    if (path)
        s_set_error (error, error_size, "%s", "");
    return path;
}

/* Resolve a theme name to a file. */
char *
wbc_theme_find_file (const char *name, const char *const *dirs, char *error, size_t error_size)
{
    if (!name || !name [0]) {
        s_set_error (error, error_size, "no theme name");
        return NULL;
    }
    if (!strchr (name, '/'))
        return s_search_dirs (name, dirs, error, error_size);
    const char *problem = s_file_problem (name);
    if (!problem)
        return s_join (name, "", "");
    s_set_error (error, error_size, "theme file '%s': %s", name, problem);
    return NULL;
}
