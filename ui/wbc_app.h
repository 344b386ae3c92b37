/*  wbc_app: the console's controller: keys and ':' commands become model
    changes and session requests. Also holds the small UI state the view
    draws over the panes: the prompt, help, details, message history, the
    workbin picker of a move, and the question before stopping an
    interaction.

    The app owns the layout: it computes it from the terminal size it is
    told (wbc_app_resize) and what the model shows, whenever either
    changed, before it handles a key and before each draw
    (wbc_app_settle). From that layout it keeps each visible pane's
    selection in view, bounds the overlay's scroll, and knows how many
    rows a page is, whether anything was drawn yet or not. The view only
    reads all this. No curses here.
*/
#ifndef WBC_APP_H_INCLUDED
#define WBC_APP_H_INCLUDED

#include <stdbool.h>
#include "wbc_board.h"
#include "wbc_keys.h"
#include "wbc_layout.h"
#include "wbc_model.h"
#include "wbc_session.h"

typedef enum {
    WBC_OVERLAY_NONE = 0,
    WBC_OVERLAY_PROMPT,       /* ':' command or '/' search being typed */
    WBC_OVERLAY_HELP,
    WBC_OVERLAY_DETAILS,      /* properties of the selected interaction */
    WBC_OVERLAY_MESSAGES,     /* status history */
    WBC_OVERLAY_PICKER,       /* choose the workbin to move an interaction to */
    WBC_OVERLAY_CONFIRM,      /* y/n before stopping an interaction */
    WBC_OVERLAY_MESSAGE,      /* a traced message whole: every attribute */
} wbc_overlay_t;

/* The board's ages that colour a cell by default (config: board-age). */
#define WBC_APP_BOARD_WARN_S 3600
#define WBC_APP_BOARD_ALERT_S (4 * 3600)

/* No workbin chosen yet in the picker of a move. */
#define WBC_PICKER_NONE ((size_t) -1)

typedef struct {
    wbc_overlay_t overlay;
    char prompt_kind;                 /* ':' or '/' */
    char prompt [256];                /* what is typed so far (UTF-8) */
    char search [256];                /* the last search */
    size_t overlay_scroll;            /* first line shown in help, details, messages,
                                         the picker: kept within the text by the app */
    size_t picker_selected;           /* sidebar index in the picker; WBC_PICKER_NONE at
                                         first, unless the last target of a move is there */
    char subject_id [WBC_ID_MAX];     /* interaction a picker or question is about ... */
    char subject_text [WBC_TEXT_MAX]; /* ... its Subject ("" if none) ... */
    char subject_from [WBC_TEXT_MAX]; /* ... and its sender, as the From column shows it */
    size_t marked;                    /* or the marked interactions it is about: how many
                                         (0: the one selected) */
    uint64_t message_number;          /* the trace entry WBC_OVERLAY_MESSAGE shows */
    bool board;                       /* the team board shows instead of the panes */
    wbc_board_sort_t board_sort;
    size_t board_row, board_column;   /* the selected cell */
    size_t board_top;                 /* first row shown: kept by the app */
    int64_t board_warn_s, board_alert_s;  /* ages that colour a cell (0: none) */
    const wbc_board_t *board_table;   /* the board as last built by the app */
    bool quit;                        /* leave the main loop */
    char theme_request [64];          /* ':theme NAME' asked for, handled by main */
} wbc_ui_t;

typedef struct _wbc_app_t wbc_app_t;

wbc_app_t *wbc_app_new (wbc_model_t *model, wbc_session_t *session, wbc_keys_t *keys);
void wbc_app_destroy (wbc_app_t **self_p);

wbc_ui_t *wbc_app_ui (wbc_app_t *self);

/* The terminal is columns x lines (at start, and after each resize).
   A new size marks the layout dirty. */
void wbc_app_resize (wbc_app_t *self, int columns, int lines);
/* Bring what follows from the layout up to date: the layout itself
   (computed again when the size or what is shown changed), each visible
   pane's scroll, the overlay's scroll. wbc_app_key does it first; the
   loop does it before each draw. */
void wbc_app_settle (wbc_app_t *self);
/* The layout as last settled. */
const wbc_layout_t *wbc_app_layout (const wbc_app_t *self);

/* One key from the terminal (a wbc_keys code). While the layout is too
   small to show anything (wbc_layout_t.too_small), only the keys of quit
   and redraw act: any other key is ignored, so that nothing changes unseen. */
void wbc_app_key (wbc_app_t *self, int key, int64_t now_ms);
/* One mouse event. A click on a pane focuses it: on its header it sorts by
   that column (again: the other way), on a row it selects the row; on a
   sidebar entry it opens that workbin. The wheel moves the selection of
   what is under it (three rows), the trace, or an open help, details or
   history; a click closes those. Ignored while too small, and while a
   prompt, the picker or a question is open. */
void wbc_app_mouse (wbc_app_t *self, const wbc_mouse_t *event, int64_t now_ms);
/* The longest ':' command line, with its NUL. */
#define WBC_APP_COMMAND_MAX 1024
/* Run a ':' command line without the colon ("open email-draft@agent01").
   A command given more or fewer words than it takes is not run: the status
   line says how it is used ("usage: open TYPE[@OWNER]"). */
void wbc_app_command (wbc_app_t *self, const char *line, int64_t now_ms);

/* The ':' commands, for help: name, arguments, one line. */
typedef struct {
    const char *name;
    const char *arguments;
    const char *help;
} wbc_command_info_t;
size_t wbc_app_command_count (void);
const wbc_command_info_t *wbc_app_command_at (size_t index);

#endif
