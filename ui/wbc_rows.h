/*  wbc_rows: the rows a pane shows, in the order it shows them.

    A pane's replica keeps the workbin's order; its rows are that order, or
    the interactions sorted by one column (wbc_columns; ties keep the
    workbin's order), kept by a filter: words that must all match, each
    either text found in any text property, or COLUMN:TEXT found in that
    column's text (case ignored both ways; a column named by its name,
    case ignored too). The order is built again when it is asked for after
    the replica changed (wb_replica_generation) or the sort or the filter
    did, so that many live changes between two draws cost one sort.

    The selection, search and actions of a pane work on rows: they follow
    what the user sees. No curses here: tested without a terminal.
*/
#ifndef WBC_ROWS_H_INCLUDED
#define WBC_ROWS_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include "wb_kvlist.h"
#include "wb_replica.h"

/* The longest filter, its terminating zero included; most words in one. */
#define WBC_ROWS_FILTER_MAX 256
#define WBC_ROWS_WORDS_MAX 8

typedef struct _wbc_rows_t wbc_rows_t;

wbc_rows_t *wbc_rows_new (void);
void wbc_rows_destroy (wbc_rows_t **self_p);

/* Sort by the column of this name (wbc_columns_find), descending or not;
   NULL or "" for the workbin's order. 0, or -1 (nothing changed) for a
   name no column has. */
int wbc_rows_set_sort (wbc_rows_t *self, const char *column, bool descending);
/* The sort column's name ("" for the workbin's order), and its direction. */
const char *wbc_rows_sort (const wbc_rows_t *self);
bool wbc_rows_descending (const wbc_rows_t *self);

/* Keep only the interactions that match a filter (NULL or "": all). 0, or
   -1 with error filled (and the filter as it was) for a bad one: too
   long, too many words, a COLUMN: without text. */
int wbc_rows_set_filter (wbc_rows_t *self, const char *filter, char *error, size_t error_size);
/* The filter as set ("" for none). */
const char *wbc_rows_filter (const wbc_rows_t *self);
/* True when some order or filter applies (not the workbin's every row). */
bool wbc_rows_active (const wbc_rows_t *self);

/* How many rows there are of this replica's interactions, the one shown
   at row (NULL past the end), and the row of an interaction (-1: not
   shown). A NULL self shows the replica as it is. */
size_t wbc_rows_size (wbc_rows_t *self, const wb_replica_t *replica);
const wb_kvlist_t *wbc_rows_at (wbc_rows_t *self, const wb_replica_t *replica, size_t row);
/* True if row shows an interaction received that cannot be read (its
   keys or UTF-8 failed the check of its first read: wb_replica_status_at),
   with the text its row shows instead ("this interaction cannot be read:
   string is not valid UTF-8") in text; false for a row that reads, or
   past the end. */
bool wbc_rows_unreadable (wbc_rows_t *self, const wb_replica_t *replica, size_t row,
                          char *text, size_t size);
long wbc_rows_index_of (wbc_rows_t *self, const wb_replica_t *replica, const char *interaction_id);

#endif
