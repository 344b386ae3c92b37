/*  wbc_keys: the key-action table and the current key bindings. See wbc_keys.h. */
#include "wbc_keys.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wb_prelude.h"

#define DEFAULT_KEYS_MAX 3          /* default keys per action, at most */
#define KEYS_COLUMN 16              /* width of the keys column in help lines */
#define HELP_LINE_MAX 256               /* one help line */
#define CONFIG_LINE_MAX 512         /* one config line */
#define CONFIG_WORDS_MAX 3          /* words in a config command, at most */


/* Help groups, in the order the help screen shows them. */
#define S_GROUPS(GROUP) \
    GROUP (MOVING, "Moving") \
    GROUP (PANES, "Panes") \
    GROUP (WORKBINS, "Workbins") \
    GROUP (INTERACTIONS, "Interactions") \
    GROUP (TRAINER, "Trainer") \
    GROUP (GENERAL, "General")

#define S_GROUP_ENUM(id, name) S_GROUP_##id,
typedef enum { S_GROUPS (S_GROUP_ENUM) S_GROUP_COUNT } s_group_t;
#undef S_GROUP_ENUM

#define S_GROUP_NAME(id, name) name,
static const char *s_group_names [S_GROUP_COUNT] = { S_GROUPS (S_GROUP_NAME) };
#undef S_GROUP_NAME

typedef struct {
    const char *name;
    s_group_t group;
    const char *help;
    int keys [DEFAULT_KEYS_MAX + 1];    /* ends with WBC_KEY_NONE */
} s_action_spec_t;

/* Row n - 1 describes action n. */
#define S_ACTION_SPEC(id, name, group, help, ...) \
    { name, S_GROUP_##group, help, { __VA_ARGS__, WBC_KEY_NONE } },
static const s_action_spec_t s_actions [] = { WBC_ACTIONS (S_ACTION_SPEC) };
#undef S_ACTION_SPEC

#define ACTION_COUNT WB_COUNT_OF (s_actions)

/* Named keys: the first row for a key gives its display name, the others
   are aliases. Names are matched ignoring case. */
static const struct {
    int key;
    const char *name;
} s_key_names [] = {
    { WBC_KEY_UP, "Up" }, { WBC_KEY_DOWN, "Down" },
    { WBC_KEY_LEFT, "Left" }, { WBC_KEY_RIGHT, "Right" },
    { WBC_KEY_PAGE_UP, "PgUp" }, { WBC_KEY_PAGE_UP, "PageUp" },
    { WBC_KEY_PAGE_DOWN, "PgDn" }, { WBC_KEY_PAGE_DOWN, "PageDown" },
    { WBC_KEY_PAGE_DOWN, "PgDown" },
    { WBC_KEY_HOME, "Home" }, { WBC_KEY_END, "End" },
    { WBC_KEY_ENTER, "Enter" }, { WBC_KEY_ENTER, "Return" },
    { WBC_KEY_TAB, "Tab" }, { WBC_KEY_BACKTAB, "BackTab" }, { WBC_KEY_BACKTAB, "S-Tab" },
    { WBC_KEY_ESCAPE, "Esc" }, { WBC_KEY_ESCAPE, "Escape" },
    { WBC_KEY_BACKSPACE, "Backspace" },
    { WBC_KEY_DELETE, "Del" }, { WBC_KEY_DELETE, "Delete" },
    { WBC_KEY_INSERT, "Ins" }, { WBC_KEY_INSERT, "Insert" },
    { WBC_KEY_F1, "F1" }, { WBC_KEY_F2, "F2" }, { WBC_KEY_F3, "F3" },
    { WBC_KEY_F4, "F4" }, { WBC_KEY_F5, "F5" }, { WBC_KEY_F6, "F6" },
    { WBC_KEY_F7, "F7" }, { WBC_KEY_F8, "F8" }, { WBC_KEY_F9, "F9" },
    { WBC_KEY_F10, "F10" }, { WBC_KEY_F11, "F11" }, { WBC_KEY_F12, "F12" },
    { WBC_KEY_RESIZE, "Resize" }, { WBC_KEY_MOUSE, "Mouse" },
    { ' ', "Space" },
    { 0, "C-Space" },
};

/* Control codes that terminals send for special keys. */
static const struct {
    int code;
    int key;
} s_canonical [] = {
    { '\t', WBC_KEY_TAB }, { '\n', WBC_KEY_ENTER }, { '\r', WBC_KEY_ENTER },
    { 27, WBC_KEY_ESCAPE }, { 127, WBC_KEY_BACKSPACE },
};

/* How a control key may be written: "C-l", "Ctrl-L", "Ctrl+L", "^L". */
static const char *s_ctrl_prefixes [] = { "C-", "Ctrl-", "Ctrl+", "^" };

/* UTF-8 forms by length - 1: lead byte mask and value, smallest code point. */
static const struct {
    unsigned char mask;
    unsigned char lead;
    int minimum;
} s_utf8_forms [] = {
    { 0x80, 0x00, 0 }, { 0xE0, 0xC0, 0x80 }, { 0xF0, 0xE0, 0x800 }, { 0xF8, 0xF0, 0x10000 },
};

typedef struct {
    int key;
    wbc_action_t action;
} s_binding_t;

struct _wbc_keys_t {
    s_binding_t *bindings;          /* in the order they were made */
    size_t size;
    size_t capacity;
    char line [HELP_LINE_MAX];          /* the last wbc_keys_describe line */
};


/* --- Actions --- */

/* The table row of a valid action, else NULL. */
static const s_action_spec_t *
s_action_spec (wbc_action_t action)
{
    if (action <= WBC_ACTION_NONE || (size_t) action > ACTION_COUNT)
        return NULL;
    return &s_actions [action - 1];
}

/* Number of actions: ids run from 1 to this. */
size_t
wbc_action_count (void)
{
    return ACTION_COUNT;
}

/* The action with this config name, or WBC_ACTION_NONE. */
wbc_action_t
wbc_action_by_name (const char *name)
{
    if (!name)
        return WBC_ACTION_NONE;
    for (size_t index = 0; index < ACTION_COUNT; index++)
        if (strcmp (s_actions [index].name, name) == 0)
            return (wbc_action_t) (index + 1);
    return WBC_ACTION_NONE;
}

/* The action's config name, or NULL. */
const char *
wbc_action_name (wbc_action_t action)
{
    const s_action_spec_t *spec = s_action_spec (action);
    return spec ? spec->name : NULL;
}

/* The action's one-line help, or NULL. */
const char *
wbc_action_help (wbc_action_t action)
{
    const s_action_spec_t *spec = s_action_spec (action);
    return spec ? spec->help : NULL;
}

/* The name of the action's help group, or NULL. */
const char *
wbc_action_group (wbc_action_t action)
{
    const s_action_spec_t *spec = s_action_spec (action);
    return spec ? s_group_names [spec->group] : NULL;
}

/* Copy up to max default keys of an action; returns how many it has. */
size_t
wbc_action_default_keys (wbc_action_t action, int *keys, size_t max)
{
    const s_action_spec_t *spec = s_action_spec (action);
    size_t count = 0;
    for (; spec && spec->keys [count] != WBC_KEY_NONE; count++)
        if (keys && count < max)
            keys [count] = spec->keys [count];
    return count;
}


/* --- Keys --- */

/* True if two ASCII names are equal, ignoring case. */
static bool
s_same_name (const char *one, const char *two)
{
    for (; *one && *two; one++, two++) {
        char lower_one = (*one >= 'A' && *one <= 'Z') ? (char) (*one - 'A' + 'a') : *one;
        char lower_two = (*two >= 'A' && *two <= 'Z') ? (char) (*two - 'A' + 'a') : *two;
        if (lower_one != lower_two)
            return false;
    }
    return *one == *two;
}

/* Decode one UTF-8 character; returns its length, or 0 if it is malformed. */
static size_t
s_utf8_decode (const char *text, int *code_point)
{
    const unsigned char *bytes = (const unsigned char *) text;
    for (size_t length = 1; length <= WB_COUNT_OF (s_utf8_forms); length++) {
        unsigned char mask = s_utf8_forms [length - 1].mask;
        if ((bytes [0] & mask) != s_utf8_forms [length - 1].lead)
            continue;
        int value = bytes [0] & (unsigned char) ~mask;
        for (size_t index = 1; index < length; index++) {
            if ((bytes [index] & 0xC0) != 0x80)
                return 0;
            value = (value << 6) | (bytes [index] & 0x3F);
        }
        if (value < s_utf8_forms [length - 1].minimum || value > 0x10FFFF
        ||  (value >= 0xD800 && value <= 0xDFFF))
            return 0;
        *code_point = value;
        return length;
    }
    return 0;
}

/* Encode a code point as UTF-8 with a NUL; returns its length (at most 4). */
static size_t
s_utf8_encode (int code_point, char *text)
{
    size_t length = 1;
    while (length < WB_COUNT_OF (s_utf8_forms) && code_point >= s_utf8_forms [length].minimum)
        length++;
    for (size_t index = length - 1; index > 0; index--) {
        text [index] = (char) (0x80 | (code_point & 0x3F));
        code_point >>= 6;
    }
    text [0] = (char) (s_utf8_forms [length - 1].lead | code_point);
    text [length] = '\0';
    return length;
}

/* The key itself, or the special key a terminal's control code stands for. */
int
wbc_key_canonical (int key)
{
    for (size_t index = 0; index < WB_COUNT_OF (s_canonical); index++)
        if (s_canonical [index].code == key)
            return s_canonical [index].key;
    return key;
}

/* True for a control key, a printable code point or a special key. */
bool
wbc_key_valid (int key)
{
    key = wbc_key_canonical (key);
    if (key >= WBC_KEY_UP)
        return key < WBC_KEY_SPECIAL_END;
    if (key < 0 || key > 0x10FFFF || (key >= 0xD800 && key <= 0xDFFF))
        return false;
    return key < 0x7F || key >= 0xA0;       //  No DEL, no C1 controls
}

/* The control key written after a control prefix, or WBC_KEY_NONE. */
static int
s_parse_ctrl_letter (const char *rest)
{
    if (s_same_name (rest, "Space"))
        return 0;
    if (!rest [0] || rest [1])
        return WBC_KEY_NONE;
    if (rest [0] == '?')
        return 127;
    if ((rest [0] >= '@' && rest [0] <= '_') || (rest [0] >= 'a' && rest [0] <= 'z'))
        return WBC_KEY_CTRL (rest [0]);
    return WBC_KEY_NONE;
}

/* A control key written with one of the control prefixes, or WBC_KEY_NONE. */
static int
s_parse_ctrl (const char *name)
{
    for (size_t index = 0; index < WB_COUNT_OF (s_ctrl_prefixes); index++) {
        const char *prefix = s_ctrl_prefixes [index];
        size_t length = strlen (prefix);
        if (strlen (name) <= length)
            continue;
        char head [8];
        memcpy (head, name, length);
        head [length] = '\0';
        if (s_same_name (head, prefix))
            return s_parse_ctrl_letter (name + length);
    }
    return WBC_KEY_NONE;
}

/* The key written as one printable UTF-8 character, or WBC_KEY_NONE. */
static int
s_parse_character (const char *name)
{
    int key = WBC_KEY_NONE;
    size_t length = s_utf8_decode (name, &key);
    if (length == 0 || name [length] != '\0')
        return WBC_KEY_NONE;
    if (key < 0x20 || (key >= 0x7F && key < 0xA0))
        return WBC_KEY_NONE;                //  Controls are written "C-x"
    return key;
}

/* The key with this name, or WBC_KEY_NONE. */
int
wbc_key_parse (const char *name)
{
    if (!name || !*name)
        return WBC_KEY_NONE;
    for (size_t index = 0; index < WB_COUNT_OF (s_key_names); index++)
        if (s_same_name (name, s_key_names [index].name))
            return s_key_names [index].key;
    int key = s_parse_ctrl (name);
    if (key == WBC_KEY_NONE)
        key = s_parse_character (name);
    key = wbc_key_canonical (key);
    return wbc_key_valid (key) ? key : WBC_KEY_NONE;
}

/* Write a key's display name into text (room for WBC_KEY_NAME_MAX bytes). */
static void
s_key_name (int key, char *text)
{
    for (size_t index = 0; index < WB_COUNT_OF (s_key_names); index++)
        if (s_key_names [index].key == key) {
            strcpy (text, s_key_names [index].name);
            return;
        }
    if (key < 0x20) {
        int letter = key + '@';
        if (letter >= 'A' && letter <= 'Z')
            letter = letter - 'A' + 'a';
        snprintf (text, WBC_KEY_NAME_MAX, "C-%c", letter);
    }
    else
        s_utf8_encode (key, text);
}

/* Write a key's display name; 0, or -1 if the key is not valid or the
   buffer is too small. */
int
wbc_key_name (int key, char *buffer, size_t size)
{
    if (!buffer || size == 0)
        return -1;
    buffer [0] = '\0';
    key = wbc_key_canonical (key);
    if (!wbc_key_valid (key))
        return -1;
    char text [WBC_KEY_NAME_MAX];
    s_key_name (key, text);
    if (strlen (text) >= size)
        return -1;
    strcpy (buffer, text);
    return 0;
}


/* --- Bindings --- */

/* Write a formatted error message, if there is room for one. */
static void WB_PRINTF (3, 4)
s_error (char *error, size_t size, const char *format, ...)
{
    if (!error || size == 0)
        return;
    va_list args;
    va_start (args, format);
    vsnprintf (error, size, format, args);
    va_end (args);
}

/* New bindings, set to the defaults. */
wbc_keys_t *
wbc_keys_new (void)
{
    wbc_keys_t *self = wb_calloc (1, sizeof (wbc_keys_t));
    wbc_keys_reset (self);
    return self;
}

/* Free the bindings and set the pointer to NULL; safe on NULL. */
void
wbc_keys_destroy (wbc_keys_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    wbc_keys_t *self = *self_p;
    free (self->bindings);
    free (self);
    *self_p = NULL;
}

/* Position of a key's binding, or -1. */
static long
s_find (const wbc_keys_t *self, int key)
{
    for (size_t index = 0; index < self->size; index++)
        if (self->bindings [index].key == key)
            return (long) index;
    return -1;
}

/* Add a binding at the end; 0, or -1 past WBC_KEYS_BINDINGS_MAX. */
static int
s_append (wbc_keys_t *self, int key, wbc_action_t action)
{
    if (wb_grow (&self->bindings, &self->capacity, self->size + 1, sizeof (s_binding_t),
                 WBC_KEYS_BINDINGS_MAX))
        return -1;
    self->bindings [self->size].key = key;
    self->bindings [self->size].action = action;
    self->size++;
    return 0;
}

/* Back to the default bindings; 0 or -1. */
int
wbc_keys_reset (wbc_keys_t *self)
{
    if (!self)
        return -1;
    self->size = 0;
    for (size_t index = 0; index < ACTION_COUNT; index++)
        for (const int *key = s_actions [index].keys; *key != WBC_KEY_NONE; key++)
            if (wbc_keys_set (self, *key, (wbc_action_t) (index + 1)) != 0)
                return -1;
    return 0;
}

/* The action bound to a key, or WBC_ACTION_NONE. */
wbc_action_t
wbc_keys_action (const wbc_keys_t *self, int key)
{
    if (!self)
        return WBC_ACTION_NONE;
    long index = s_find (self, wbc_key_canonical (key));
    return index < 0 ? WBC_ACTION_NONE : self->bindings [index].action;
}

/* Bind a key to an action, replacing its earlier binding; NONE unbinds.
   A rebound key goes to the end, after the action's other keys. */
int
wbc_keys_set (wbc_keys_t *self, int key, wbc_action_t action)
{
    key = wbc_key_canonical (key);
    if (!self || !wbc_key_valid (key)
    ||  (action != WBC_ACTION_NONE && !s_action_spec (action)))
        return -1;
    long index = s_find (self, key);
    if (index >= 0) {
        if (self->bindings [index].action == action)
            return 0;
        memmove (&self->bindings [index], &self->bindings [index + 1],
                 (self->size - (size_t) index - 1) * sizeof (s_binding_t));
        self->size--;
    }
    return action == WBC_ACTION_NONE ? 0 : s_append (self, key, action);
}

/* Bind by names; on -1 writes "unknown key 'x'" or "unknown action 'x'". */
int
wbc_keys_bind (wbc_keys_t *self, const char *key_name, const char *action_name,
               char *error, size_t size)
{
    if (!self || !key_name || !action_name) {
        s_error (error, size, "bind needs a key and an action");
        return -1;
    }
    int key = wbc_key_parse (key_name);
    if (key == WBC_KEY_NONE) {
        s_error (error, size, "unknown key '%s'", key_name);
        return -1;
    }
    wbc_action_t action = wbc_action_by_name (action_name);
    if (action == WBC_ACTION_NONE) {
        s_error (error, size, "unknown action '%s'", action_name);
        return -1;
    }
    if (wbc_keys_set (self, key, action) != 0) {
        s_error (error, size, "too many key bindings (at most %d)", WBC_KEYS_BINDINGS_MAX);
        return -1;
    }
    return 0;
}

/* Unbind a key by name; on -1 writes "unknown key 'x'". */
int
wbc_keys_unbind (wbc_keys_t *self, const char *key_name, char *error, size_t size)
{
    if (!self || !key_name) {
        s_error (error, size, "unbind needs a key");
        return -1;
    }
    int key = wbc_key_parse (key_name);
    if (key == WBC_KEY_NONE) {
        s_error (error, size, "unknown key '%s'", key_name);
        return -1;
    }
    return wbc_keys_set (self, key, WBC_ACTION_NONE);
}

/* "bind KEY ACTION" */
static int
s_command_bind (wbc_keys_t *self, char **words, char *error, size_t size)
{
    return wbc_keys_bind (self, words [1], words [2], error, size);
}

/* "unbind KEY" */
static int
s_command_unbind (wbc_keys_t *self, char **words, char *error, size_t size)
{
    return wbc_keys_unbind (self, words [1], error, size);
}

/* Config commands: name, number of words with the name, usage. */
static const struct {
    const char *name;
    size_t words;
    const char *usage;
    int (*run) (wbc_keys_t *self, char **words, char *error, size_t size);
} s_commands [] = {
    { "bind", 3, "usage: bind KEY ACTION", s_command_bind },
    { "unbind", 2, "usage: unbind KEY", s_command_unbind },
};

/* True for a byte that separates words. */
static bool
s_is_blank (char byte)
{
    return byte && strchr (" \t\r\n\v\f", byte) != NULL;
}

/* Split a line in place into at most max words; returns the number of
   words, max + 1 if there are more. */
static size_t
s_split_words (char *line, char **words, size_t max)
{
    size_t count = 0;
    while (*line) {
        while (s_is_blank (*line))
            *line++ = '\0';
        if (!*line)
            break;
        if (count == max)
            return max + 1;
        words [count++] = line;
        while (*line && !s_is_blank (*line))
            line++;
    }
    return count;
}

/* Apply one config line; blank lines and '#' comments do nothing. */
int
wbc_keys_parse_line (wbc_keys_t *self, const char *line, char *error, size_t size)
{
    if (!self || !line) {
        s_error (error, size, "no line");
        return -1;
    }
    char copy [CONFIG_LINE_MAX];
    if (strlen (line) >= sizeof (copy)) {
        s_error (error, size, "line too long");
        return -1;
    }
    strcpy (copy, line);
    char *words [CONFIG_WORDS_MAX];
    size_t count = s_split_words (copy, words, CONFIG_WORDS_MAX);
    if (count == 0 || words [0][0] == '#')
        return 0;
    for (size_t index = 0; index < WB_COUNT_OF (s_commands); index++)
        if (strcmp (words [0], s_commands [index].name) == 0) {
            if (count != s_commands [index].words) {
                s_error (error, size, "%s", s_commands [index].usage);
                return -1;
            }
            return s_commands [index].run (self, words, error, size);
        }
    s_error (error, size, "unknown command '%s'", words [0]);
    return -1;
}

/* Copy up to max keys bound to an action; returns how many are bound. */
size_t
wbc_keys_of_action (const wbc_keys_t *self, wbc_action_t action, int *keys, size_t max)
{
    size_t count = 0;
    for (size_t index = 0; self && index < self->size; index++)
        if (self->bindings [index].action == action) {
            if (keys && count < max)
                keys [count] = self->bindings [index].key;
            count++;
        }
    return count;
}

/* Write the names of an action's keys, "j, Down"; -1 if not all fit. */
int
wbc_keys_names (const wbc_keys_t *self, wbc_action_t action, char *buffer, size_t size)
{
    if (!buffer || size == 0)
        return -1;
    buffer [0] = '\0';
    if (!self || !s_action_spec (action))
        return -1;
    size_t used = 0;
    for (size_t index = 0; index < self->size; index++) {
        if (self->bindings [index].action != action)
            continue;
        char name [WBC_KEY_NAME_MAX];
        s_key_name (self->bindings [index].key, name);
        const char *separator = used ? ", " : "";
        if (used + strlen (separator) + strlen (name) >= size)
            return -1;
        used += (size_t) sprintf (buffer + used, "%s%s", separator, name);
    }
    return 0;
}

/* Display columns of a UTF-8 string, counted as code points. */
static size_t
s_columns (const char *text)
{
    size_t columns = 0;
    for (; *text; text++)
        if ((*text & 0xC0) != 0x80)
            columns++;
    return columns;
}

/* Width of the action name column: the longest action name. */
static size_t
s_name_column (void)
{
    size_t width = 0;
    for (size_t index = 0; index < ACTION_COUNT; index++)
        if (strlen (s_actions [index].name) > width)
            width = strlen (s_actions [index].name);
    return width;
}

/* Format an action's line into line: keys, name and help in columns. */
static void
s_format_line (const wbc_keys_t *self, wbc_action_t action, char *line, size_t size)
{
    const s_action_spec_t *spec = s_action_spec (action);
    char names [HELP_LINE_MAX / 2];
    wbc_keys_names (self, action, names, sizeof (names));   //  Those that fit
    size_t columns = s_columns (names);
    int padding = columns < KEYS_COLUMN ? (int) (KEYS_COLUMN - columns) : 0;
    snprintf (line, size, "%s%*s %-*s %s", names, padding, "",
              (int) s_name_column (), spec->name, spec->help);
}

/* One line for an action; belongs to self, lasts until the next call. */
const char *
wbc_keys_describe (wbc_keys_t *self, wbc_action_t action)
{
    if (!self || !s_action_spec (action))
        return NULL;
    s_format_line (self, action, self->line, sizeof (self->line));
    return self->line;
}

/* The help screen: per group a heading, then "  " + each action's line. */
int
wbc_keys_help_lines (const wbc_keys_t *self, wbc_keys_line_fn *callback, void *context)
{
    if (!self || !callback)
        return -1;
    char line [HELP_LINE_MAX + 2] = "  ";
    for (size_t group = 0; group < S_GROUP_COUNT; group++) {
        callback (s_group_names [group], true, context);
        for (size_t index = 0; index < ACTION_COUNT; index++)
            if (s_actions [index].group == (s_group_t) group) {
                s_format_line (self, (wbc_action_t) (index + 1), line + 2, HELP_LINE_MAX);
                callback (line, false, context);
            }
    }
    return 0;
}
