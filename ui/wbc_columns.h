/*  wbc_columns: the columns a workbin pane can show, in one table.

    One row per column (htop's Process_fields[]): the name a "columns"
    setting uses, the title of the header, a one-line description, how its
    width is decided, its alignment, and the function that takes its value
    out of an interaction. Adding a column is adding a row.

    A pane's columns come from a comma-separated list of names: the
    console's config file for the type, else the server's Columns for it
    (which the server passes on without reading it), else
    WBC_COLUMNS_DEFAULT. The console alone decides which names it knows:
    unknown ones are left out, and wbc_columns_unknown lists them so that
    the user is told.

    Planning shares a pane's width among its columns: fixed ones take
    their width, the others (text) share the rest by weight up to their
    cap; when the pane is too narrow, fixed columns are dropped from the
    right until each text column keeps about 10 columns.

    No curses here: tested without a terminal.
*/
#ifndef WBC_COLUMNS_H_INCLUDED
#define WBC_COLUMNS_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "wb_kvlist.h"

/* The columns of a workbin type that neither the config file nor the
   server names. */
#define WBC_COLUMNS_DEFAULT "From,Subject,Received"
/* Most columns a pane shows (the first known ones of its list). */
#define WBC_COLUMNS_MAX 8

typedef enum {
    WBC_WIDTH_FIXED = 0,      /* always `width` columns */
    WBC_WIDTH_SHARE,          /* a share of what fixed columns leave, by `weight`, at most `width` */
} wbc_width_rule_t;

typedef enum { WBC_ALIGN_LEFT = 0, WBC_ALIGN_RIGHT } wbc_align_t;

/* Write the text of a column for one interaction into out (size bytes);
   wall_ms is the wall clock (for ages). Never NULL text: "" if absent. */
typedef void (wbc_column_value_fn) (const wb_kvlist_t *interaction, int64_t wall_ms,
                                    char *out, size_t size);

typedef struct {
    const char *name;             /* in a columns list: "Subject" */
    const char *title;            /* the header */
    const char *description;      /* one line: where the value comes from */
    wbc_width_rule_t width_rule;
    int width;                    /* fixed: the width; share: the most it takes */
    int weight;                   /* share: its part of the width left (0 if fixed) */
    wbc_align_t align;
    wbc_column_value_fn *value;
    /* Sorting: by this property (an int or ISO-8601 text, compared as it
       is), reversed if sort_reversed (Age: the newest first); NULL: by
       the column's text, ignoring case. */
    const char *sort_property;
    bool sort_reversed;
} wbc_column_t;

/* The columns of one pane and where they go. Offsets and widths are in
   display columns from the left edge of the planned width; a column cut
   by the right edge has its width cut too, one that would start past it
   is not counted. */
typedef struct {
    const wbc_column_t *column [WBC_COLUMNS_MAX];
    int x [WBC_COLUMNS_MAX];
    int width [WBC_COLUMNS_MAX];
    size_t count;
} wbc_columns_plan_t;

/* How the Received column writes a date by default (strftime, local time):
   ISO 8601's order, unambiguous; the config's date-format changes it. */
#define WBC_COLUMNS_DATE_FORMAT "%Y-%m-%d %H:%M"
#define WBC_COLUMNS_DATE_FORMAT_MAX 64
/* Write dates with this strftime format from now on; its column is as wide
   as the format writes. 0, or -1 with error filled (the format unchanged)
   for one that writes nothing, a control character or more than 24
   columns. */
int wbc_columns_set_date_format (const char *format, char *error, size_t error_size);

/* The table: how many rows, and each (NULL past the end). */
size_t wbc_columns_count (void);
const wbc_column_t *wbc_columns_at (size_t index);
/* The column of this exact (case-sensitive) name, or NULL. */
const wbc_column_t *wbc_columns_find (const char *name);

/* Plan the columns of a comma-separated list of names (spaces around a
   name do not count; unknown names and empty items are left out; at most
   WBC_COLUMNS_MAX) in `width` display columns, each followed by one
   column of space. Returns 0; -1 when names or plan is NULL (then plan,
   if any, is empty). Too narrow (width < 1): no column. */
int wbc_columns_plan (const char *names, int width, wbc_columns_plan_t *plan);

/* Write into out the names of a list that no column has, quoted and
   separated by ", " ("'Sender', 'Colour'"); "" when all are known.
   Returns how many there are (0 for NULL names). out may be NULL. */
size_t wbc_columns_unknown (const char *names, char *out, size_t size);

/* Write into out the names of every column, separated by ", ". */
void wbc_columns_known (char *out, size_t size);

/* The text of planned column `index` for an interaction, fitted (and
   aligned) to exactly its planned width. 0, or -1 (out "" if it can
   hold it) when plan or out is NULL or index is out of range. */
int wbc_columns_cell (const wbc_columns_plan_t *plan, size_t index, const wb_kvlist_t *interaction,
                      int64_t wall_ms, char *out, size_t size);

/* The header of planned column `index`: its title, fitted as a cell. */
int wbc_columns_header (const wbc_columns_plan_t *plan, size_t index, char *out, size_t size);

#endif
