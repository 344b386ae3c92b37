/*  wbc_board: the team board, the workbins of the sidebar as one table.

    One row per owner (an agent, a place, a group...), one column per
    workbin type; a cell is the workbin of that owner and type, if the
    sidebar lists it: its count and the age of its oldest interaction.
    Each row and each column has its total and its oldest. The sidebar's
    counts are live (statistic notifications), so the board is too: it is
    built again from them whenever it is drawn.

    Rows are sorted by name, by total (most first) or by oldest (the
    longest waiting first). No curses here: tested without a terminal.
*/
#ifndef WBC_BOARD_H_INCLUDED
#define WBC_BOARD_H_INCLUDED

#include <stddef.h>
#include <stdint.h>
#include "wbc_model.h"

#define WBC_BOARD_TYPES_MAX 12      /* columns past these are left out */

typedef enum {
    WBC_BOARD_BY_NAME = 0,
    WBC_BOARD_BY_TOTAL,
    WBC_BOARD_BY_OLDEST,
    WBC_BOARD_SORTS
} wbc_board_sort_t;

typedef struct {
    char owner_id [WBC_ID_MAX];
    char owner_attribute [32];
    char owner_name [WBC_TEXT_MAX];
    long cells [WBC_BOARD_TYPES_MAX];   /* sidebar index of each type's workbin; -1: none */
    int64_t total;
    int64_t oldest_s;                   /* the oldest of its workbins, seconds; 0: none */
} wbc_board_row_t;

typedef struct {
    size_t type_count;
    char type_ids [WBC_BOARD_TYPES_MAX][WBC_ID_MAX];
    char type_names [WBC_BOARD_TYPES_MAX][WBC_TEXT_MAX];
    int64_t type_totals [WBC_BOARD_TYPES_MAX];
    int64_t type_oldest_s [WBC_BOARD_TYPES_MAX];
    wbc_board_row_t *rows;
    size_t row_count;
    int64_t total;
    int64_t oldest_s;
} wbc_board_t;

/* Build the board of a model's sidebar, rows in this order (the board's
   earlier rows are freed). */
void wbc_board_build (wbc_board_t *self, const wbc_model_t *model, wbc_board_sort_t sort);
void wbc_board_clear (wbc_board_t *self);
/* The name of a sort, for the title: "name", "total", "oldest". */
const char *wbc_board_sort_name (wbc_board_sort_t sort);

/* Where the board's columns go in `width` display columns: the owner's
   name, then each type's cells, then the total; every column is followed
   by one space. A cell is "COUNT AGE" ("  12 3h"). */
typedef struct {
    int name_width;
    int cell_width;
    int total_width;
} wbc_board_geometry_t;
wbc_board_geometry_t wbc_board_geometry (const wbc_board_t *self, int width);
/* The type column under x (from the board's left edge); -1 for the name
   and the total. */
int wbc_board_column_at (const wbc_board_t *self, int width, int x);

/* How a cell's age compares with the thresholds (seconds; 0: none). */
typedef enum { WBC_BOARD_AGE_OK = 0, WBC_BOARD_AGE_WARN, WBC_BOARD_AGE_ALERT } wbc_board_age_t;
wbc_board_age_t wbc_board_age (int64_t oldest_s, int64_t now_s, int64_t warn_s, int64_t alert_s);

#endif
