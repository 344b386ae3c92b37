/*  wbc_rows: the rows of a pane, sorted and filtered. See wbc_rows.h. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "wbc_rows.h"
#include "wbc_columns.h"
#include "wbc_text.h"
#include "wb_prelude.h"
#include "wb_protocol.h"

/* The text of a cell, for sorting and filtering (as the view reads it). */
#define S_CELL_SIZE 512

/* One word of a filter: its text, and the column it looks in (NULL: any
   text property). */
typedef struct {
    const wbc_column_t *column;
    char text [WBC_ROWS_FILTER_MAX];
} s_word_t;

struct _wbc_rows_t {
    const wbc_column_t *sort;       /* NULL: the workbin's order */
    bool descending;
    char filter [WBC_ROWS_FILTER_MAX];
    s_word_t words [WBC_ROWS_WORDS_MAX];
    size_t word_count;
    size_t *order;                  /* replica positions, in the order shown */
    size_t size;
    size_t capacity;
    const wb_replica_t *built_for;  /* what order was built from, and when */
    uint64_t built_at;
    bool stale;                     /* the sort or filter changed since */
};

wbc_rows_t *
wbc_rows_new (void)
{
    wbc_rows_t *self = wb_calloc (1, sizeof (wbc_rows_t));
    self->stale = true;
    return self;
}

void
wbc_rows_destroy (wbc_rows_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free ((*self_p)->order);
    free (*self_p);
    *self_p = NULL;
}

// ---------------------------------------------------------------- settings

int
wbc_rows_set_sort (wbc_rows_t *self, const char *column, bool descending)
{
    const wbc_column_t *found = column && *column ? wbc_columns_find (column) : NULL;
    if (!self || (column && *column && !found))
        return -1;
    self->sort = found;
    self->descending = found && descending;
    self->stale = true;
    return 0;
}

const char *
wbc_rows_sort (const wbc_rows_t *self)
{
    return self && self->sort ? self->sort->name : "";
}

bool
wbc_rows_descending (const wbc_rows_t *self)
{
    return self && self->descending;
}

//  The column whose name is length bytes of name, case ignored; NULL if none.
static const wbc_column_t *
s_column_named (const char *name, size_t length)
{
    for (size_t index = 0; index < wbc_columns_count (); index++) {
        const wbc_column_t *column = wbc_columns_at (index);
        if (strlen (column->name) == length && strncasecmp (column->name, name, length) == 0)
            return column;
    }
    return NULL;
}

//  Read a filter into words; 0, or -1 with error filled.
static int
s_parse_filter (const char *filter, s_word_t *words, size_t *count, char *error, size_t error_size)
{
    *count = 0;
    for (const char *cursor = filter; *cursor; ) {
        cursor += strspn (cursor, " ");
        size_t length = strcspn (cursor, " ");
        if (length == 0)
            break;
        if (*count == WBC_ROWS_WORDS_MAX) {
            snprintf (error, error_size, "a filter has at most %d words", WBC_ROWS_WORDS_MAX);
            return -1;
        }
        s_word_t *word = &words [(*count)++];
        const char *colon = memchr (cursor, ':', length);
        word->column = colon ? s_column_named (cursor, (size_t) (colon - cursor)) : NULL;
        const char *text = word->column ? colon + 1 : cursor;
        size_t text_length = length - (size_t) (text - cursor);
        if (word->column && text_length == 0) {
            snprintf (error, error_size, "%s: needs text to look for", word->column->name);
            return -1;
        }
        snprintf (word->text, sizeof (word->text), "%.*s", (int) text_length, text);
        cursor += length;
    }
    return 0;
}

int
wbc_rows_set_filter (wbc_rows_t *self, const char *filter, char *error, size_t error_size)
{
    char ignored [8];
    if (!error || !error_size) {
        error = ignored;
        error_size = sizeof (ignored);
    }
    *error = 0;
    if (!self)
        return -1;
    filter = filter ? filter : "";
    if (strlen (filter) >= WBC_ROWS_FILTER_MAX) {
        snprintf (error, error_size, "a filter is at most %d bytes", WBC_ROWS_FILTER_MAX - 1);
        return -1;
    }
    s_word_t words [WBC_ROWS_WORDS_MAX];
    size_t count = 0;
    if (s_parse_filter (filter, words, &count, error, error_size))
        return -1;
    memcpy (self->words, words, sizeof (words));
    self->word_count = count;
    snprintf (self->filter, sizeof (self->filter), "%s", count ? filter + strspn (filter, " ") : "");
    self->stale = true;
    return 0;
}

const char *
wbc_rows_filter (const wbc_rows_t *self)
{
    return self ? self->filter : "";
}

bool
wbc_rows_active (const wbc_rows_t *self)
{
    return self && (self->sort || self->word_count);
}

// ---------------------------------------------------------------- building

//  True if any text property of an interaction holds the text.
static bool
s_any_property_holds (const wb_kvlist_t *interaction, const char *text)
{
    for (size_t index = 0; index < wb_kvlist_size (interaction); index++) {
        const char *value = wb_kvlist_string_at (interaction, index);
        if (value && wbc_text_contains_casefold (value, text))
            return true;
    }
    return false;
}

static bool
s_kept (const wbc_rows_t *self, const wb_kvlist_t *interaction)
{
    for (size_t index = 0; index < self->word_count; index++) {
        const s_word_t *word = &self->words [index];
        if (!word->column) {
            if (!s_any_property_holds (interaction, word->text))
                return false;
            continue;
        }
        char cell [S_CELL_SIZE];
        word->column->value (interaction, 0, cell, sizeof (cell));
        if (!wbc_text_contains_casefold (cell, word->text))
            return false;
    }
    return true;
}

//  What a row is sorted by: a number, or text (owned), then its position.
typedef struct {
    bool has_number;
    int64_t number;
    char *text;
    size_t position;
} s_key_t;

static s_key_t
s_key_of (const wbc_column_t *column, const wb_kvlist_t *interaction, size_t position)
{
    s_key_t key = { .position = position };
    char cell [S_CELL_SIZE] = "";
    if (column->sort_property
    &&  wb_kvlist_int (interaction, column->sort_property, &key.number) == 0)
        key.has_number = true;
    else
    if (column->sort_property)
        snprintf (cell, sizeof (cell), "%s", wb_kvlist_string (interaction, column->sort_property)
                                             ? wb_kvlist_string (interaction, column->sort_property) : "");
    else
        column->value (interaction, 0, cell, sizeof (cell));
    key.text = key.has_number ? NULL : wb_strdup (cell);
    return key;
}

//  Numbers first, then text, then absent (empty) values, whatever the
//  direction: what a row lacks never comes first.
static int
s_rank (const s_key_t *key)
{
    return key->has_number ? 0 : *key->text ? 1 : 2;
}

//  Values of one rank, ascending.
static int
s_compare_values (const s_key_t *one, const s_key_t *two)
{
    if (one->has_number)
        return (one->number > two->number) - (one->number < two->number);
    return strcasecmp (one->text, two->text);
}

//  qsort has no context: the direction is kept here, for one sort at a
//  time (the console has one thread).
static int s_direction = 1;

static int
s_compare_keys (const void *left, const void *right)
{
    const s_key_t *one = left, *two = right;
    int order = s_rank (one) - s_rank (two);
    if (order == 0 && s_rank (one) < 2)
        order = s_compare_values (one, two) * s_direction;
    if (order == 0)        //  ties keep the workbin's order, whatever the direction
        order = (one->position > two->position) - (one->position < two->position);
    return order;
}

//  Build the order: the positions kept by the filter, sorted.
static void
s_build (wbc_rows_t *self, const wb_replica_t *replica)
{
    size_t size = wb_replica_size (replica);
    self->size = 0;
    if (wb_grow (&self->order, &self->capacity, size ? size : 1, sizeof (size_t), WB_REPLICA_MAX))
        size = 0;       //  cannot happen below WB_REPLICA_MAX; shows nothing rather than garbage
    for (size_t position = 0; position < size; position++)
        if (s_kept (self, wb_replica_at (replica, position)))
            self->order [self->size++] = position;
    if (self->sort && self->size > 1) {
        s_key_t *keys = wb_calloc (self->size, sizeof (s_key_t));
        for (size_t row = 0; row < self->size; row++)
            keys [row] = s_key_of (self->sort, wb_replica_at (replica, self->order [row]),
                                   self->order [row]);
        s_direction = (self->descending != self->sort->sort_reversed) ? -1 : 1;
        qsort (keys, self->size, sizeof (s_key_t), s_compare_keys);
        for (size_t row = 0; row < self->size; row++) {
            self->order [row] = keys [row].position;
            free (keys [row].text);
        }
        free (keys);
    }
    self->built_for = replica;
    self->built_at = wb_replica_generation (replica);
    self->stale = false;
}

//  The order, built again if it no longer fits the replica; false when
//  the replica is shown as it is.
static bool
s_ready (wbc_rows_t *self, const wb_replica_t *replica)
{
    if (!wbc_rows_active (self))
        return false;
    if (self->stale || self->built_for != replica || self->built_at != wb_replica_generation (replica))
        s_build (self, replica);
    return true;
}

size_t
wbc_rows_size (wbc_rows_t *self, const wb_replica_t *replica)
{
    return s_ready (self, replica) ? self->size : wb_replica_size (replica);
}

const wb_kvlist_t *
wbc_rows_at (wbc_rows_t *self, const wb_replica_t *replica, size_t row)
{
    if (!s_ready (self, replica))
        return wb_replica_at (replica, row);
    return row < self->size ? wb_replica_at (replica, self->order [row]) : NULL;
}

bool
wbc_rows_unreadable (wbc_rows_t *self, const wb_replica_t *replica, size_t row,
                     char *text, size_t size)
{
    if (wbc_rows_at (self, replica, row))
        return false;
    size_t position = s_ready (self, replica) ? (row < self->size ? self->order [row] : SIZE_MAX)
                                              : row;
    if (position >= wb_replica_size (replica))
        return false;
    if (text && size)
        snprintf (text, size, "this interaction cannot be read: %s",
                  wb_codec_status_text (wb_replica_status_at (replica, position)));
    return true;
}

long
wbc_rows_index_of (wbc_rows_t *self, const wb_replica_t *replica, const char *interaction_id)
{
    long position = wb_replica_index_of (replica, interaction_id);
    if (position < 0 || !s_ready (self, replica))
        return position;
    for (size_t row = 0; row < self->size; row++)
        if (self->order [row] == (size_t) position)
            return (long) row;
    return -1;
}
