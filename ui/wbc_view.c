/*  wbc_view: curses setup, keys, screen dumps, the status and prompt lines,
    and the one doupdate () per pass. See wbc_view.h. */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "wbc_view_internal.h"
#include "wbc_overlay_text.h"
#include "wb_prelude.h"
#include "wbc_text.h"

/* curses key codes and ours. */
static const struct { int curses; int key; } s_keymap [] = {
    { KEY_UP, WBC_KEY_UP }, { KEY_DOWN, WBC_KEY_DOWN }, { KEY_LEFT, WBC_KEY_LEFT },
    { KEY_RIGHT, WBC_KEY_RIGHT }, { KEY_PPAGE, WBC_KEY_PAGE_UP }, { KEY_NPAGE, WBC_KEY_PAGE_DOWN },
    { KEY_HOME, WBC_KEY_HOME }, { KEY_END, WBC_KEY_END }, { KEY_ENTER, WBC_KEY_ENTER },
    { KEY_BTAB, WBC_KEY_BACKTAB }, { KEY_BACKSPACE, WBC_KEY_BACKSPACE }, { KEY_DC, WBC_KEY_DELETE },
    { KEY_IC, WBC_KEY_INSERT }, { KEY_RESIZE, WBC_KEY_RESIZE },
};

/* Our attribute bits and curses'. */
static const struct { unsigned ours; attr_t curses; } s_attrmap [] = {
    { WBC_ATTR_BOLD, A_BOLD }, { WBC_ATTR_DIM, A_DIM }, { WBC_ATTR_UNDERLINE, A_UNDERLINE },
    { WBC_ATTR_REVERSE, A_REVERSE }, { WBC_ATTR_STANDOUT, A_STANDOUT },
    { WBC_ATTR_ITALIC, A_ITALIC }, { WBC_ATTR_BLINK, A_BLINK },
};

static void
s_setup_terminal (void)
{
    cbreak ();
    noecho ();
    nonl ();
    keypad (stdscr, TRUE);
    nodelay (stdscr, TRUE);
    curs_set (0);
    set_escdelay (25);
    leaveok (stdscr, TRUE);
}

wbc_view_t *
wbc_view_new (bool headless, int columns, int lines, bool colour, bool mouse_wanted)
{
    wbc_view_t *self = wb_calloc (1, sizeof (wbc_view_t));
    if (headless) {
        //  a virtual terminal nobody sees, sized by resizeterm: never by
        //  setenv (LINES, COLUMNS), which races with getenv in the threads
        //  ZeroMQ has started by now (a crash seen under libfaketime)
        self->headless_out = fopen ("/dev/null", "w");
        self->headless_in = fopen ("/dev/null", "r");
        self->screen = newterm ("xterm-256color", self->headless_out, self->headless_in);
        if (self->screen)
            resizeterm (lines, columns);
    }
    else {
        self->screen = newterm (NULL, stdout, stdin);
        //  a terminal type that cannot place the cursor (TERM=dumb): draw as
        //  a plain VT100, which every terminal emulator understands, in
        //  attributes only
        if (self->screen && !wbc_terminal_can_address ()) {
            endwin ();
            delscreen (self->screen);
            self->screen = newterm ("vt100", stdout, stdin);
            colour = false;
            self->fallback = true;
        }
    }
    if (!self->screen) {
        wbc_view_destroy (&self);
        return NULL;
    }
    s_setup_terminal ();
    //  clicks and the wheel (a terminal that has no mouse ignores this)
    if (!headless && mouse_wanted)
        mousemask (BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
    self->can_colour = has_colors ();
    self->colour = colour && self->can_colour;
    if (self->can_colour) {
        start_color ();
        use_default_colors ();
    }
    return self;
}

void
wbc_view_destroy (wbc_view_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    wbc_view_t *self = *self_p;
    if (self->screen) {
        endwin ();
        delscreen (self->screen);
    }
    if (self->headless_out)
        fclose (self->headless_out);
    if (self->headless_in)
        fclose (self->headless_in);
    free (self);
    *self_p = NULL;
}

bool
wbc_view_has_colour (const wbc_view_t *self)
{
    return self->colour;
}

bool
wbc_view_fallback (const wbc_view_t *self)
{
    return self->fallback;
}

void
wbc_view_set_colour (wbc_view_t *self, bool colour)
{
    self->colour = colour && self->can_colour;
    if (self->theme)
        wbc_view_set_theme (self, self->theme);
}

//  One colour pair per theme element, numbered element + 1.
void
wbc_view_set_theme (wbc_view_t *self, wbc_theme_t *theme)
{
    self->theme = theme;
    wbc_theme_use_colour (theme, self->colour);
    if (!self->colour)
        return;
    wbc_theme_set_colour_count (theme, COLORS);
    for (int element = 0; element < WBC_THEME_ELEMENT_COUNT; element++) {
        int fg, bg;
        unsigned attrs;
        wbc_theme_get (theme, (wbc_theme_element_t) element, &fg, &bg, &attrs);
        init_pair ((short) (element + 1), (short) fg, (short) bg);
    }
}

void
wbc_view_use (wbc_view_t *self, wbc_theme_element_t element)
{
    int fg = -1, bg = -1;
    unsigned attrs = 0;
    if (self->theme)
        wbc_theme_get (self->theme, element, &fg, &bg, &attrs);
    attr_t curses_attrs = A_NORMAL;
    for (size_t index = 0; index < WB_COUNT_OF (s_attrmap); index++)
        if (attrs & s_attrmap [index].ours)
            curses_attrs |= s_attrmap [index].curses;
    attr_set (curses_attrs, self->colour ? (short) (element + 1) : 0, NULL);
}

void
wbc_view_put (int y, int x, int columns, const char *text)
{
    if (columns <= 0)
        return;
    char fitted [1024];
    if (wbc_text_fit (text ? text : "", (size_t) columns, fitted, sizeof (fitted)) == 0)
        mvaddstr (y, x, fitted);
}

//  Line drawing as curses does it, or in ASCII: drawn as vt100, or in a
//  locale that is not UTF-8 (whose screen dump could not say │ and ─).
static bool
s_ascii_lines (const wbc_view_t *self)
{
    return self->fallback || !wbc_text_utf8 ();
}

chtype
wbc_view_vline (const wbc_view_t *self)
{
    return s_ascii_lines (self) ? '|' : ACS_VLINE;
}

chtype
wbc_view_hline (const wbc_view_t *self)
{
    return s_ascii_lines (self) ? '-' : ACS_HLINE;
}

void
wbc_view_frame (const wbc_view_t *self, wbc_rect_t rect)
{
    if (rect.width < 2 || rect.height < 2)
        return;
    bool ascii = s_ascii_lines (self);
    int right = rect.x + rect.width - 1, bottom = rect.y + rect.height - 1;
    mvhline (rect.y, rect.x + 1, wbc_view_hline (self), rect.width - 2);
    mvhline (bottom, rect.x + 1, wbc_view_hline (self), rect.width - 2);
    mvvline (rect.y + 1, rect.x, wbc_view_vline (self), rect.height - 2);
    mvvline (rect.y + 1, right, wbc_view_vline (self), rect.height - 2);
    mvaddch (rect.y, rect.x, ascii ? '+' : ACS_ULCORNER);
    mvaddch (rect.y, right, ascii ? '+' : ACS_URCORNER);
    mvaddch (bottom, rect.x, ascii ? '+' : ACS_LLCORNER);
    mvaddch (bottom, right, ascii ? '+' : ACS_LRCORNER);
}

void
wbc_view_clear (wbc_rect_t rect)
{
    for (int row = 0; row < rect.height; row++)
        mvhline (rect.y + row, rect.x, ' ', rect.width);
}

int
wbc_view_read_key (wbc_view_t *self)
{
    wint_t wch;
    int type = get_wch (&wch);
    if (type == ERR)
        return WBC_KEY_NONE;
    if (type == OK)
        return wbc_key_canonical ((int) wch);
    MEVENT event;
    if ((int) wch == KEY_MOUSE && getmouse (&event) == OK) {
        self->mouse.x = event.x;
        self->mouse.y = event.y;
        self->mouse.kind = event.bstate & BUTTON4_PRESSED ? WBC_MOUSE_WHEEL_UP
                         : event.bstate & BUTTON5_PRESSED ? WBC_MOUSE_WHEEL_DOWN : WBC_MOUSE_CLICK;
        return WBC_KEY_MOUSE;
    }
    for (size_t index = 0; index < WB_COUNT_OF (s_keymap); index++)
        if (s_keymap [index].curses == (int) wch)
            return s_keymap [index].key;
    if ((int) wch >= KEY_F (1) && (int) wch <= KEY_F (12))
        return WBC_KEY_F ((int) wch - KEY_F (0));
    return WBC_KEY_NONE;
}

wbc_mouse_t
wbc_view_mouse (const wbc_view_t *self)
{
    return self->mouse;
}

void
wbc_view_resize (wbc_view_t *self, int columns, int lines)
{
    (void) self;
    resizeterm (lines, columns);
}

void
wbc_view_size (const wbc_view_t *self, int *columns, int *lines)
{
    (void) self;
    *columns = COLS;
    *lines = LINES;
}

// ---------------------------------------------------------------- dump

//  One screen row as UTF-8 text without trailing spaces.
static void
s_row_text (int y, char *out, size_t size)
{
    size_t length = 0;
    out [0] = 0;
    for (int x = 0; x < COLS; x++) {
        cchar_t cell;
        wchar_t text [CCHARW_MAX + 1] = { 0 };
        attr_t attrs;
        short pair;
        if (mvin_wch (y, x, &cell) == ERR || getcchar (&cell, text, &attrs, &pair, NULL) == ERR)
            continue;
        //  line-drawing characters are stored as their VT100 letters
        static const wchar_t vt100 [] = L"xqlkmj", drawn [] = L"│─┌┐└┘";
        const wchar_t *letter = (attrs & A_ALTCHARSET) && text [0] ? wcschr (vt100, text [0]) : NULL;
        if (letter)
            text [0] = drawn [letter - vt100];
        int width = wcwidth (text [0]);
        for (size_t index = 0; text [index] && index < CCHARW_MAX; index++) {
            char bytes [MB_LEN_MAX];
            mbstate_t state;
            memset (&state, 0, sizeof (state));
            size_t count = wcrtomb (bytes, text [index], &state);
            if (count != (size_t) -1 && length + count + 1 < size) {
                memcpy (out + length, bytes, count);
                length += count;
            }
        }
        if (width == 2)
            x++;                //  a wide character fills two cells
    }
    while (length > 0 && out [length - 1] == ' ')
        length--;
    out [length] = 0;
}

void
wbc_view_dump (wbc_view_t *self, FILE *file)
{
    (void) self;
    for (int y = 0; y < LINES; y++) {
        char line [4096];
        s_row_text (y, line, sizeof (line));
        fprintf (file, "%s\n", line);
    }
}

bool
wbc_view_contains (wbc_view_t *self, const char *text)
{
    (void) self;
    for (int y = 0; y < LINES; y++) {
        char line [4096];
        s_row_text (y, line, sizeof (line));
        if (strstr (line, text))
            return true;
    }
    return false;
}

// ---------------------------------------------------------------- lines

bool
wbc_view_set_node (wbc_view_t *self, const char *node, size_t nodes)
{
    if (!self || !node || (streq (self->node, node) && self->nodes == nodes))
        return false;
    snprintf (self->node, sizeof (self->node), "%s", node);
    self->nodes = nodes;
    return true;
}

const char *
wbc_view_node (const wbc_draw_t *draw)
{
    return *draw->view->node ? draw->view->node : wbc_model_endpoint (draw->model);
}

//  The last line: connection, the last reply, and whether updates are paused.
static void
s_draw_status (wbc_draw_t *draw)
{
    wbc_rect_t rect = draw->layout->status;
    wbc_connection_t connection = wbc_model_connection (draw->model);
    wbc_view_use (draw->view, WBC_THEME_STATUS);
    wbc_view_clear (rect);
    char left [400];
    //  with several nodes, which one it is on
    bool several = draw->view->nodes > 1;
    snprintf (left, sizeof (left), " %s %s%s%s ",
              wbc_text_symbol (connection == WBC_CONNECTED ? WBC_SYMBOL_LIVE : WBC_SYMBOL_NOT_LIVE),
              wbc_connection_text (connection), several ? ": " : "", several ? wbc_view_node (draw) : "");
    int left_width = (int) wbc_text_width (left);
    wbc_view_use (draw->view, connection == WBC_CONNECTED
                  ? WBC_THEME_STATUS_CONNECTION_OK : WBC_THEME_STATUS_CONNECTION_BAD);
    wbc_view_put (rect.y, rect.x, left_width, left);
    char right [96] = "";
    if (wbc_model_paused (draw->model))
        snprintf (right, sizeof (right), " PAUSED, %zu held ", wbc_model_held (draw->model));
    int right_width = (int) wbc_text_width (right);
    const wbc_status_t *status = wbc_model_last_status (draw->model);
    static const wbc_theme_element_t levels [] = {
        WBC_THEME_STATUS_INFO, WBC_THEME_STATUS_ACK, WBC_THEME_STATUS_ERROR
    };
    wbc_view_use (draw->view, status ? levels [status->level] : WBC_THEME_STATUS);
    wbc_view_put (rect.y, rect.x + left_width, rect.width - left_width - right_width,
                  status ? status->text : "");
    wbc_view_use (draw->view, WBC_THEME_STATUS_ERROR);
    wbc_view_put (rect.y, rect.x + rect.width - right_width, right_width, right);
}

//  "agent@endpoint   ? help  : command ..." with the keys as bound now.
static void
s_key_hint (wbc_draw_t *draw, char *text, size_t size)
{
    static const struct { wbc_action_t action; const char *label; } hints [] = {
        { WBC_ACTION_HELP, "help" }, { WBC_ACTION_PROMPT, "command" },
        { WBC_ACTION_FOCUS_NEXT, "focus" }, { WBC_ACTION_OPEN, "open" },
        { WBC_ACTION_WATCH, "watch" }, { WBC_ACTION_REFRESH, "refresh" },
        { WBC_ACTION_TRACE, "trace" }, { WBC_ACTION_QUIT, "quit" },
    };
    size_t length = (size_t) snprintf (text, size, " %s@%s  ", wbc_model_agent (draw->model),
                                       wbc_view_node (draw));
    for (size_t index = 0; index < WB_COUNT_OF (hints) && length < size; index++) {
        int keys [1];
        char name [WBC_KEY_NAME_MAX] = "";
        if (draw->keys && wbc_keys_of_action (draw->keys, hints [index].action, keys, 1) > 0
        &&  wbc_key_name (keys [0], name, sizeof (name)) == 0)
            length += (size_t) snprintf (text + length, size - length, " %s %s ", name, hints [index].label);
    }
}

//  The line above it: the prompt being typed, a question, or a key hint.
static void
s_draw_prompt (wbc_draw_t *draw)
{
    wbc_rect_t rect = draw->layout->prompt;
    char text [512];
    if (draw->ui->overlay == WBC_OVERLAY_PROMPT) {
        wbc_view_use (draw->view, WBC_THEME_PROMPT);
        snprintf (text, sizeof (text), "%c%s_", draw->ui->prompt_kind, draw->ui->prompt);
    }
    else
    if (draw->ui->overlay == WBC_OVERLAY_CONFIRM) {
        wbc_view_use (draw->view, WBC_THEME_PROMPT);
        wbc_overlay_text_question (draw->ui, (size_t) (rect.width > 0 ? rect.width : 0),
                                   text, sizeof (text));
    }
    else {
        wbc_view_use (draw->view, WBC_THEME_DIM);
        s_key_hint (draw, text, sizeof (text));
    }
    wbc_view_put (rect.y, rect.x, rect.width, text);
}

//  Instead of everything: "terminal too small (60x20): 80x24 needed; Q
//  quits", with the key bound to quit (every other key is ignored meanwhile,
//  but redraw; with quit unbound, Ctrl-C still ends the console).
static void
s_draw_too_small (wbc_draw_t *draw)
{
    wbc_view_use (draw->view, WBC_THEME_DEFAULT);
    erase ();
    int keys [1];
    char quit [WBC_KEY_NAME_MAX] = "";
    if (!draw->keys || wbc_keys_of_action (draw->keys, WBC_ACTION_QUIT, keys, 1) == 0
    ||  wbc_key_name (keys [0], quit, sizeof (quit)))
        snprintf (quit, sizeof (quit), "C-c");
    char text [128];
    snprintf (text, sizeof (text), "terminal too small (%dx%d): %dx%d needed; %s quits",
              draw->layout->columns, draw->layout->lines, WBC_LAYOUT_MIN_COLUMNS,
              WBC_LAYOUT_MIN_LINES, quit);
    wbc_view_put (LINES / 2, 0, COLS, text);
}

//  The dirty parts: sidebar, panes (or the hint), trace, then the lines
//  and the overlay over them.
static void
s_draw_parts (wbc_draw_t *draw, unsigned dirty)
{
    if (dirty & WBC_DIRTY_LAYOUT)
        erase ();
    bool all = dirty & (WBC_DIRTY_LAYOUT | WBC_DIRTY_OVERLAY);
    if (all || (dirty & WBC_DIRTY_SIDEBAR))
        wbc_view_draw_sidebar (draw);
    //  the focused trace takes the place of the panes
    if (wbc_model_trace_focused (draw->model)) {
        if (all || (dirty & WBC_DIRTY_TRACE))
            wbc_view_draw_trace (draw);
    }
    else
    if (draw->ui->board && (all || (dirty & (WBC_DIRTY_PANES | WBC_DIRTY_SIDEBAR))))
        wbc_view_draw_board (draw);
    else
    if (all || (dirty & WBC_DIRTY_PANES)) {
        for (size_t index = 0; index < wbc_model_pane_count (draw->model); index++)
            wbc_view_draw_pane (draw, index);
        wbc_view_draw_hint (draw);
    }
    if (!wbc_model_trace_focused (draw->model) && (all || (dirty & WBC_DIRTY_TRACE)))
        wbc_view_draw_trace (draw);
    s_draw_prompt (draw);
    s_draw_status (draw);
    wbc_view_draw_overlay (draw);
}

void
wbc_view_draw (wbc_view_t *self, wbc_model_t *model, const wbc_ui_t *ui,
               const wbc_layout_t *layout, const wbc_keys_t *keys, int64_t now_ms, int64_t wall_ms)
{
    unsigned dirty = wbc_model_dirty (model);
    if (!dirty || !layout || !ui)
        return;
    wbc_draw_t draw = { self, model, ui, layout, keys, now_ms, wall_ms };
    if (layout->too_small)
        s_draw_too_small (&draw);
    else
        s_draw_parts (&draw, dirty);
    wbc_model_clear_dirty (model);
    wnoutrefresh (stdscr);
    doupdate ();
}
