/*  wbc_keys: the console's key-action table and the current key bindings.

    One X-macro, WBC_ACTIONS, lists every action the console knows: its id,
    its name as written in a config file, its help group, a one-line help
    text and its default keys. The action enum, the default bindings and the
    help screen are all generated from it (tig's habit).

    Pure data: no curses. A key is an int of our own:
      - a printable key is its Unicode code point ('j', 'G', '/', 0xE9 for 'é',
        ' ' for Space);
      - a control key is WBC_KEY_CTRL ('l') == 12;
      - a special key is one of the WBC_KEY_ values below, all above the
        Unicode range. The view maps curses codes onto these.
    The control codes that terminals send for Tab, Enter, Esc and Backspace
    (9, 10, 13, 27, 127) are the same keys as WBC_KEY_TAB, WBC_KEY_ENTER,
    WBC_KEY_ESCAPE and WBC_KEY_BACKSPACE: see wbc_key_canonical.

    Key names (wbc_key_parse / wbc_key_name), in config files and on screen:
      "j", "é", "/"              one UTF-8 character (case matters)
      "C-l", "^L", "Ctrl-L"      a control key (shown as "C-l")
      "Up" "Down" "Left" "Right" "PgUp"/"PageUp" "PgDn"/"PageDown" "Home"
      "End" "Enter" "Tab" "BackTab"/"S-Tab" "Esc" "Backspace" "Del" "Ins"
      "Space" "F1".."F12" "Resize"  (these names ignore case)

    Config lines (wbc_keys_parse_line):
      bind KEY ACTION      e.g. "bind C-r refresh"
      unbind KEY           e.g. "unbind q"
    Blank lines and lines starting with '#' are ignored.
*/
#ifndef WBC_KEYS_H_INCLUDED
#define WBC_KEYS_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>

/* "No key": never a valid key. */
#define WBC_KEY_NONE (-1)
/* The control key made with a letter or one of @ [ \ ] ^ _ */
#define WBC_KEY_CTRL(c) ((int) ((c) & 0x1f))
/* Room for any key name, with its terminating NUL. */
#define WBC_KEY_NAME_MAX 16

enum {
    WBC_KEY_UP = 0x110001,          /* above every Unicode code point */
    WBC_KEY_DOWN,
    WBC_KEY_LEFT,
    WBC_KEY_RIGHT,
    WBC_KEY_PAGE_UP,
    WBC_KEY_PAGE_DOWN,
    WBC_KEY_HOME,
    WBC_KEY_END,
    WBC_KEY_ENTER,
    WBC_KEY_TAB,
    WBC_KEY_BACKTAB,
    WBC_KEY_ESCAPE,
    WBC_KEY_BACKSPACE,
    WBC_KEY_DELETE,
    WBC_KEY_INSERT,
    WBC_KEY_F1, WBC_KEY_F2, WBC_KEY_F3, WBC_KEY_F4, WBC_KEY_F5, WBC_KEY_F6,
    WBC_KEY_F7, WBC_KEY_F8, WBC_KEY_F9, WBC_KEY_F10, WBC_KEY_F11, WBC_KEY_F12,
    WBC_KEY_RESIZE,
    WBC_KEY_MOUSE,                  /* a mouse event: wbc_view_mouse says which */
    WBC_KEY_SPECIAL_END             /* one past the last special key */
};

/* What the mouse did, where (screen cells from the top left, from 0). */
typedef enum { WBC_MOUSE_CLICK = 0, WBC_MOUSE_WHEEL_UP, WBC_MOUSE_WHEEL_DOWN } wbc_mouse_kind_t;
typedef struct {
    wbc_mouse_kind_t kind;
    int x, y;
} wbc_mouse_t;
/* Function key n, 1..12. */
#define WBC_KEY_F(n) (WBC_KEY_F1 + (n) - 1)

/* The action table. Each row:
   ACTION (ID, "config-name", HELP_GROUP, "help text", default keys...)
   Help groups, in help order: MOVING PANES WORKBINS INTERACTIONS TRAINER
   GENERAL. At most three default keys per action. */
#define WBC_ACTIONS(ACTION) \
    ACTION (MOVE_DOWN, "move-down", MOVING, "move the selection down", \
            'j', WBC_KEY_DOWN) \
    ACTION (MOVE_UP, "move-up", MOVING, "move the selection up", \
            'k', WBC_KEY_UP) \
    ACTION (PAGE_DOWN, "page-down", MOVING, "move the selection down one page", \
            WBC_KEY_PAGE_DOWN, WBC_KEY_CTRL ('f')) \
    ACTION (PAGE_UP, "page-up", MOVING, "move the selection up one page", \
            WBC_KEY_PAGE_UP, WBC_KEY_CTRL ('b')) \
    ACTION (FIRST, "first", MOVING, "move to the first interaction", \
            'g', WBC_KEY_HOME) \
    ACTION (LAST, "last", MOVING, "move to the last interaction", \
            'G', WBC_KEY_END) \
    ACTION (SEARCH, "search", MOVING, "search the focused pane", '/') \
    ACTION (SEARCH_NEXT, "search-next", MOVING, "go to the next match", 'n') \
    ACTION (SEARCH_PREV, "search-prev", MOVING, "go to the previous match", 'N') \
    ACTION (JUMP_NEW, "jump-new", MOVING, \
            "go to the newest interaction placed in live (the title's N new)", 'u') \
    ACTION (SORT_NEXT, "sort-next", MOVING, "sort the pane by its next column (then its own order)", \
            '>') \
    ACTION (SORT_PREV, "sort-prev", MOVING, "sort the pane by its previous column", '<') \
    ACTION (SORT_REVERSE, "sort-reverse", MOVING, "reverse the order of the sort", 'r') \
    ACTION (FILTER, "filter", MOVING, "filter the pane: words, or COLUMN:TEXT (:filter)", 'f') \
    ACTION (FILTER_CLEAR, "filter-clear", MOVING, "show every interaction again", 'F') \
    ACTION (FOCUS_NEXT, "focus-next", PANES, "focus the next pane", \
            WBC_KEY_TAB, 'l', WBC_KEY_RIGHT) \
    ACTION (FOCUS_PREV, "focus-prev", PANES, "focus the previous pane", \
            WBC_KEY_BACKTAB, 'h', WBC_KEY_LEFT) \
    ACTION (MAXIMISE, "maximise", PANES, "show only the focused pane, or all panes again", \
            'O') \
    ACTION (CLOSE_PANE, "close-pane", PANES, "close the focused pane", 'q') \
    ACTION (SIDEBAR, "sidebar", PANES, "show/hide or focus the sidebar", 's') \
    ACTION (OPEN, "open", WORKBINS, "open the workbin selected in the sidebar", 'o') \
    ACTION (REFRESH, "refresh", WORKBINS, "fetch the focused workbin again", 'R') \
    ACTION (WATCH, "watch", WORKBINS, "toggle live notifications for the focused workbin", \
            'w') \
    ACTION (PAUSE, "pause", WORKBINS, "pause/resume live updates", 'P') \
    ACTION (BOARD, "board", WORKBINS, \
            "show/hide the board: every workbin you see, by owner and type, live", 'b') \
    ACTION (IN_HAND, "in-hand", WORKBINS, \
            "open the interactions in your hands (pulled, not yet placed or stopped)", 'i') \
    ACTION (DETAILS, "details", INTERACTIONS, "show the selected interaction's details", \
            WBC_KEY_ENTER) \
    ACTION (MARK, "mark", INTERACTIONS, \
            "mark or unmark the selected interaction (m, d and p act on all marked)", ' ') \
    ACTION (MARK_RANGE, "mark-range", INTERACTIONS, \
            "mark every row from the last one marked to the selection", 'V') \
    ACTION (MARK_ALL, "mark-all", INTERACTIONS, \
            "mark every row shown (what the filter keeps), or unmark them all", '*') \
    ACTION (MOVE_ITEM, "move-item", INTERACTIONS, \
            "move the selected interaction to another workbin", 'm') \
    ACTION (PULL, "pull", INTERACTIONS, "pull the selected interaction to process it", 'p') \
    ACTION (STOP_PROCESSING, "stop-processing", INTERACTIONS, \
            "stop processing the selected interaction", 'd') \
    ACTION (TRACE, "trace", TRAINER, "show/hide the trace pane", 't') \
    ACTION (TRACE_OLDER, "trace-older", TRAINER, "scroll the trace back to older messages", '[') \
    ACTION (TRACE_NEWER, "trace-newer", TRAINER, "scroll the trace on to newer messages", ']') \
    ACTION (TRACE_FOCUS, "trace-focus", TRAINER, \
            "the trace over the whole screen: j/k move, Enter reads a message whole, / and f", 'T') \
    ACTION (STEP, "step", TRAINER, "apply one held change while paused", '.') \
    ACTION (PROMPT, "prompt", GENERAL, "open the command prompt", ':') \
    ACTION (HELP, "help", GENERAL, "show the key bindings", '?') \
    ACTION (MESSAGES, "messages", GENERAL, "show the status history", 'M') \
    ACTION (REDRAW, "redraw", GENERAL, "redraw the screen", WBC_KEY_CTRL ('l')) \
    ACTION (QUIT, "quit", GENERAL, "quit the console", 'Q')

#define WBC_ACTION_ENUM_(id, ...) WBC_ACTION_##id,
typedef enum {
    WBC_ACTION_NONE = 0,            /* no action: an unbound key */
    WBC_ACTIONS (WBC_ACTION_ENUM_)
    WBC_ACTION_END                  /* one past the last action */
} wbc_action_t;
#undef WBC_ACTION_ENUM_

typedef struct _wbc_keys_t wbc_keys_t;

/* Called once per help line; heading is true for a group's heading. */
typedef void (wbc_keys_line_fn) (const char *line, bool heading, void *context);

/* --- Actions: ids run from 1 to wbc_action_count (). --- */

size_t wbc_action_count (void);
/* The action with this config name, or WBC_ACTION_NONE. */
wbc_action_t wbc_action_by_name (const char *name);
/* Config name, help text, help group name; NULL for no valid action. */
const char *wbc_action_name (wbc_action_t action);
const char *wbc_action_help (wbc_action_t action);
const char *wbc_action_group (wbc_action_t action);
/* Copy up to max default keys of an action; returns how many it has. */
size_t wbc_action_default_keys (wbc_action_t action, int *keys, size_t max);

/* --- Keys --- */

/* The key with this name, or WBC_KEY_NONE. */
int wbc_key_parse (const char *name);
/* Write a key's display name ("j", "Up", "C-l", "Space"); 0, or -1 if the
   key is not valid or the buffer is too small (buffer then holds ""). */
int wbc_key_name (int key, char *buffer, size_t size);
/* The key itself, except for the control codes that stand for special keys:
   9 -> Tab, 10 and 13 -> Enter, 27 -> Esc, 127 -> Backspace. */
int wbc_key_canonical (int key);
/* True for a control key, a printable code point or a special key. */
bool wbc_key_valid (int key);

/* --- Bindings --- */

/* Most keys bound at once: a config file cannot grow the table past it. */
#define WBC_KEYS_BINDINGS_MAX 4096

/* New bindings, set to the defaults. */
wbc_keys_t *wbc_keys_new (void);
void wbc_keys_destroy (wbc_keys_t **self_p);
/* Back to the default bindings; 0 or -1. */
int wbc_keys_reset (wbc_keys_t *self);
/* The action bound to a key, or WBC_ACTION_NONE. */
wbc_action_t wbc_keys_action (const wbc_keys_t *self, int key);
/* Bind a key to an action (WBC_ACTION_NONE unbinds it); a key has at most
   one action, so this replaces an earlier binding. 0 or -1. */
int wbc_keys_set (wbc_keys_t *self, int key, wbc_action_t action);
/* Bind by names, e.g. ("C-r", "refresh"); on -1 an error like
   "unknown key 'x'" or "unknown action 'x'" is written to error (may be NULL). */
int wbc_keys_bind (wbc_keys_t *self, const char *key_name, const char *action_name,
                   char *error, size_t size);
/* Unbind a key by name; unbinding a key that is not bound is not an error. */
int wbc_keys_unbind (wbc_keys_t *self, const char *key_name, char *error, size_t size);
/* Apply one config line ("bind KEY ACTION", "unbind KEY", blank, "# ...");
   0, or -1 with an error written to error. */
int wbc_keys_parse_line (wbc_keys_t *self, const char *line, char *error, size_t size);
/* Copy up to max keys bound to an action, oldest binding first; returns how
   many keys are bound to it. */
size_t wbc_keys_of_action (const wbc_keys_t *self, wbc_action_t action,
                           int *keys, size_t max);
/* Write the names of an action's keys ("j, Down"; "" if none); 0, or -1 if
   not all of them fit (the buffer then holds those that do). */
int wbc_keys_names (const wbc_keys_t *self, wbc_action_t action, char *buffer, size_t size);
/* One line for an action: keys, name, help in columns, e.g.
   "j, Down          move-down       move the selection down". The string
   belongs to self and lasts until the next call; NULL for no valid action. */
const char *wbc_keys_describe (wbc_keys_t *self, wbc_action_t action);
/* The help screen, one callback per line: for each help group a heading
   line (its name), then one line per action: "  " and the action's
   wbc_keys_describe line, with the keys as currently bound. 0 or -1. */
int wbc_keys_help_lines (const wbc_keys_t *self, wbc_keys_line_fn *callback, void *context);

#endif
