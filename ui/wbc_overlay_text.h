/*  wbc_overlay_text: the text of the boxes drawn over the panes.

    Help (generated from the key table and the command table), the
    properties of the selected interaction, the status history (newest
    first) and the workbin picker of a move: a title and lines, some of
    them headings. The app counts these lines to bound the overlay's
    scroll; the view draws them. No curses here.
*/
#ifndef WBC_OVERLAY_TEXT_H_INCLUDED
#define WBC_OVERLAY_TEXT_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include "wbc_app.h"
#include "wbc_keys.h"
#include "wbc_model.h"

#define WBC_OVERLAY_LINES_MAX 400      /* lines past this are left out, the last says so */
#define WBC_OVERLAY_LINE_SIZE 1024

typedef struct {
    size_t wrap;                   /* set by the caller: columns of a line; long values
                                      of the details wrap to it (0: they do not) */
    char title [WBC_OVERLAY_LINE_SIZE];
    char text [WBC_OVERLAY_LINES_MAX][WBC_OVERLAY_LINE_SIZE];
    bool heading [WBC_OVERLAY_LINES_MAX];
    size_t count;
} wbc_overlay_text_t;

/* Fill out with the title and lines of the overlay ui shows (keys: for
   the help; NULL gives only the commands), values wrapped at out->wrap. Returns 0; -1 when out, model
   or ui is NULL or the overlay shows no box (none, the prompt, the
   question): then out, if any, is empty. */
int wbc_overlay_text_build (wbc_overlay_text_t *out, wbc_model_t *model, const wbc_ui_t *ui,
                            const wbc_keys_t *keys);

/* The question on the prompt line before stopping an interaction
   (WBC_OVERLAY_CONFIRM), fitted to columns display columns (wbc_text):
       Stop processing "Order 3 — café 日本" from client3@example.com? (y/n)
   The subject and the sender are cut, with "…", so that the question
   always ends whole: the sender keeps at least half the room they share
   (all of it if the subject is short). Without a subject the interaction
   is named by its id; without a sender there is no " from". out holds ""
   when ui or out is NULL. */
void wbc_overlay_text_question (const wbc_ui_t *ui, size_t columns, char *out, size_t size);

/* The first line to show of count lines in a box of rows lines: ui's
   overlay_scroll, moved so that the picker's selection (if any) shows, and held
   so that the box is as full as it can be. */
size_t wbc_overlay_text_first_line (const wbc_ui_t *ui, size_t count, size_t rows);

#endif
