/*  wbc_board: the team board. See wbc_board.h. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <czmq.h>
#include <string.h>
#include <strings.h>
#include "wbc_board.h"
#include "wb_prelude.h"

void
wbc_board_clear (wbc_board_t *self)
{
    if (!self)
        return;
    free (self->rows);
    memset (self, 0, sizeof (*self));
}

//  The column of a type, added if new; -1 past WBC_BOARD_TYPES_MAX.
static long
s_column (wbc_board_t *self, const wbc_sidebar_entry_t *entry)
{
    for (size_t index = 0; index < self->type_count; index++)
        if (strcmp (self->type_ids [index], entry->type_id) == 0)
            return (long) index;
    if (self->type_count == WBC_BOARD_TYPES_MAX)
        return -1;
    size_t index = self->type_count++;
    snprintf (self->type_ids [index], WBC_ID_MAX, "%s", entry->type_id);
    snprintf (self->type_names [index], WBC_TEXT_MAX, "%s", entry->type_name);
    return (long) index;
}

//  The row of an owner, added if new; rows: its index by "attribute owner"
//  (rows grow with the sidebar: a lookup must not scan them).
static wbc_board_row_t *
s_row (wbc_board_t *self, zhashx_t *rows, const wbc_sidebar_entry_t *entry)
{
    char key [sizeof (entry->owner_attribute) + WBC_ID_MAX + 2];
    snprintf (key, sizeof (key), "%s %s", entry->owner_attribute, entry->owner_id);
    uintptr_t known = (uintptr_t) zhashx_lookup (rows, key);
    if (known)
        return &self->rows [known - 1];
    zhashx_insert (rows, key, (void *) (uintptr_t) (self->row_count + 1));
    wbc_board_row_t *row = &self->rows [self->row_count++];
    memset (row, 0, sizeof (*row));
    snprintf (row->owner_id, sizeof (row->owner_id), "%s", entry->owner_id);
    snprintf (row->owner_attribute, sizeof (row->owner_attribute), "%s", entry->owner_attribute);
    snprintf (row->owner_name, sizeof (row->owner_name), "%s", entry->owner_name);
    for (size_t column = 0; column < WBC_BOARD_TYPES_MAX; column++)
        row->cells [column] = -1;
    return row;
}

//  The older of two times (0: none).
static int64_t
s_older (int64_t one, int64_t two)
{
    return !one ? two : !two ? one : one < two ? one : two;
}

static wbc_board_sort_t s_sort;        //  qsort has no context (one thread)

static int
s_compare_rows (const void *left, const void *right)
{
    const wbc_board_row_t *one = left, *two = right;
    int order = 0;
    if (s_sort == WBC_BOARD_BY_TOTAL)
        order = (one->total < two->total) - (one->total > two->total);
    else
    if (s_sort == WBC_BOARD_BY_OLDEST)      //  the longest waiting first, none last
        order = !one->oldest_s != !two->oldest_s ? (one->oldest_s ? -1 : 1)
              : (one->oldest_s > two->oldest_s) - (one->oldest_s < two->oldest_s);
    if (order == 0)
        order = strcasecmp (one->owner_name, two->owner_name);
    if (order == 0)
        order = strcmp (one->owner_id, two->owner_id);
    return order;
}

void
wbc_board_build (wbc_board_t *self, const wbc_model_t *model, wbc_board_sort_t sort)
{
    wbc_board_clear (self);
    size_t size = wbc_model_sidebar_size (model);
    self->rows = wb_calloc (size ? size : 1, sizeof (wbc_board_row_t));
    zhashx_t *rows = zhashx_new ();
    for (size_t index = 0; index < size; index++) {
        const wbc_sidebar_entry_t *entry = wbc_model_sidebar_at (model, index);
        long column = s_column (self, entry);
        if (column < 0)
            continue;
        wbc_board_row_t *row = s_row (self, rows, entry);
        row->cells [column] = (long) index;
        row->total += entry->count;
        row->oldest_s = s_older (row->oldest_s, entry->count ? entry->oldest_s : 0);
        self->type_totals [column] += entry->count;
        self->type_oldest_s [column] = s_older (self->type_oldest_s [column],
                                                entry->count ? entry->oldest_s : 0);
        self->total += entry->count;
        self->oldest_s = s_older (self->oldest_s, entry->count ? entry->oldest_s : 0);
    }
    zhashx_destroy (&rows);
    s_sort = sort < WBC_BOARD_SORTS ? sort : WBC_BOARD_BY_NAME;
    qsort (self->rows, self->row_count, sizeof (wbc_board_row_t), s_compare_rows);
}

const char *
wbc_board_sort_name (wbc_board_sort_t sort)
{
    static const char *names [] = { "name", "total", "oldest" };
    return sort < WBC_BOARD_SORTS ? names [sort] : "name";
}

wbc_board_age_t
wbc_board_age (int64_t oldest_s, int64_t now_s, int64_t warn_s, int64_t alert_s)
{
    if (!oldest_s)
        return WBC_BOARD_AGE_OK;
    int64_t age = now_s - oldest_s;
    if (alert_s && age >= alert_s)
        return WBC_BOARD_AGE_ALERT;
    if (warn_s && age >= warn_s)
        return WBC_BOARD_AGE_WARN;
    return WBC_BOARD_AGE_OK;
}

wbc_board_geometry_t
wbc_board_geometry (const wbc_board_t *self, int width)
{
    wbc_board_geometry_t geometry = { 24, 10, 10 };
    int types = self && self->type_count ? (int) self->type_count : 1;
    if (width / 4 < geometry.name_width)
        geometry.name_width = width / 4 > 8 ? width / 4 : 8;
    int left = width - geometry.name_width - geometry.total_width - 2;
    int cell = left / types - 1;
    geometry.cell_width = cell > 16 ? 16 : cell < 6 ? 6 : cell;
    return geometry;
}

int
wbc_board_column_at (const wbc_board_t *self, int width, int x)
{
    wbc_board_geometry_t geometry = wbc_board_geometry (self, width);
    int offset = x - geometry.name_width - 1;
    if (!self || offset < 0)
        return -1;
    int column = offset / (geometry.cell_width + 1);
    return column < (int) self->type_count ? column : -1;
}
