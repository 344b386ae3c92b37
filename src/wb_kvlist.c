/*  wb_kvlist: an ordered, typed key/value list. See wb_kvlist.h.

    Encoding (doc/PROTOCOL.md, "Body encoding"), all integers big-endian:
        list  = count:u32 entry{count}
        entry = keylen:u8 key:keylen type:u8 value
        value = string: len:u32 utf8 | int: i64 | binary: len:u32 bytes | list
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wb_kvlist.h"

typedef struct {
    char *key;
    wb_type_t type;
    union {
        char *string;
        int64_t integer;
        struct { uint8_t *data; size_t size; } binary;
        wb_kvlist_t *list;
    } value;
} s_entry_t;

struct _wb_kvlist_t {
    s_entry_t *entries;
    size_t size;
    size_t capacity;
};

static const char *s_status_texts [WB_CODEC_STATUS_COUNT] = {
    [WB_CODEC_OK] = "ok",
    [WB_CODEC_TRUNCATED] = "a field runs past the end of the message",
    [WB_CODEC_TRAILING] = "bytes left after the body",
    [WB_CODEC_BAD_TYPE] = "unknown value type",
    [WB_CODEC_BAD_KEY] = "empty, too long or non-printable key",
    [WB_CODEC_TOO_BIG] = "value or body over its size limit",
    [WB_CODEC_TOO_MANY] = "entry count over the limit",
    [WB_CODEC_TOO_DEEP] = "lists nested too deep",
    [WB_CODEC_BAD_UTF8] = "string is not valid UTF-8",
    [WB_CODEC_FRAMES] = "wrong number of frames",
    [WB_CODEC_BAD_PROTOCOL] = "unknown protocol id or version",
    [WB_CODEC_BAD_NAME] = "unknown message name",
    [WB_CODEC_NO_REFERENCE] = "ReferenceId absent or not an int",
};

const char *
wb_codec_status_text (wb_codec_status_t status)
{
    if ((int) status < 0 || status >= WB_CODEC_STATUS_COUNT)
        return "unknown codec status";
    return s_status_texts [status];
}

wb_kvlist_t *
wb_kvlist_new (void)
{
    return calloc (1, sizeof (wb_kvlist_t));
}

static void
s_entry_free (s_entry_t *entry)
{
    free (entry->key);
    if (entry->type == WB_TYPE_STRING)
        free (entry->value.string);
    else
    if (entry->type == WB_TYPE_BINARY)
        free (entry->value.binary.data);
    else
    if (entry->type == WB_TYPE_LIST)
        wb_kvlist_destroy (&entry->value.list);
    memset (entry, 0, sizeof (*entry));
}

void
wb_kvlist_destroy (wb_kvlist_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    wb_kvlist_t *self = *self_p;
    for (size_t index = 0; index < self->size; index++)
        s_entry_free (&self->entries [index]);
    free (self->entries);
    free (self);
    *self_p = NULL;
}

size_t
wb_kvlist_size (const wb_kvlist_t *self)
{
    return self ? self->size : 0;
}

//  A key is 1..WB_KEY_MAX printable ASCII characters, no space.
static bool
s_key_valid (const char *key, size_t length)
{
    if (!key || length == 0 || length > WB_KEY_MAX)
        return false;
    for (size_t index = 0; index < length; index++)
        if (key [index] <= 0x20 || key [index] >= 0x7f)
            return false;
    return true;
}

//  Make room for one more entry and return it with its key set, or NULL.
static s_entry_t *
s_append_entry (wb_kvlist_t *self, const char *key, wb_type_t type)
{
    if (!self || !key || !s_key_valid (key, strlen (key))
    ||  self->size >= WB_ENTRIES_MAX)
        return NULL;
    if (self->size == self->capacity) {
        size_t capacity = self->capacity ? self->capacity * 2 : 8;
        s_entry_t *entries = realloc (self->entries, capacity * sizeof (s_entry_t));
        if (!entries)
            return NULL;
        self->entries = entries;
        self->capacity = capacity;
    }
    s_entry_t *entry = &self->entries [self->size];
    memset (entry, 0, sizeof (*entry));
    entry->key = strdup (key);
    if (!entry->key)
        return NULL;
    entry->type = type;
    self->size++;
    return entry;
}

//  Undo the last s_append_entry, when its value could not be stored.
static int
s_drop_last (wb_kvlist_t *self)
{
    s_entry_free (&self->entries [--self->size]);
    return -1;
}

int
wb_kvlist_add_string (wb_kvlist_t *self, const char *key, const char *value)
{
    if (!value || strlen (value) > WB_VALUE_MAX)
        return -1;
    s_entry_t *entry = s_append_entry (self, key, WB_TYPE_STRING);
    if (!entry)
        return -1;
    entry->value.string = strdup (value);
    return entry->value.string ? 0 : s_drop_last (self);
}

int
wb_kvlist_add_int (wb_kvlist_t *self, const char *key, int64_t value)
{
    s_entry_t *entry = s_append_entry (self, key, WB_TYPE_INT);
    if (!entry)
        return -1;
    entry->value.integer = value;
    return 0;
}

int
wb_kvlist_add_binary (wb_kvlist_t *self, const char *key, const void *data, size_t size)
{
    if ((!data && size) || size > WB_VALUE_MAX)
        return -1;
    s_entry_t *entry = s_append_entry (self, key, WB_TYPE_BINARY);
    if (!entry)
        return -1;
    //  malloc (0) may return NULL; keep one byte so NULL always means failure
    entry->value.binary.data = malloc (size ? size : 1);
    if (!entry->value.binary.data)
        return s_drop_last (self);
    if (size)
        memcpy (entry->value.binary.data, data, size);
    entry->value.binary.size = size;
    return 0;
}

int
wb_kvlist_add_list (wb_kvlist_t *self, const char *key, wb_kvlist_t **list_p)
{
    if (!list_p || !*list_p)
        return -1;
    s_entry_t *entry = s_append_entry (self, key, WB_TYPE_LIST);
    if (!entry) {
        wb_kvlist_destroy (list_p);
        return -1;
    }
    entry->value.list = *list_p;
    *list_p = NULL;
    return 0;
}

static s_entry_t *
s_find (const wb_kvlist_t *self, const char *key)
{
    if (!self || !key)
        return NULL;
    for (size_t index = 0; index < self->size; index++)
        if (strcmp (self->entries [index].key, key) == 0)
            return &self->entries [index];
    return NULL;
}

//  Give an entry a new value of any type, freeing the old one. The new
//  value is made before this call, so failure leaves the entry as it was.
static void
s_replace_value (s_entry_t *entry, const s_entry_t *value)
{
    char *key = entry->key;
    entry->key = NULL;
    s_entry_free (entry);
    *entry = *value;
    entry->key = key;
}

int
wb_kvlist_set_string (wb_kvlist_t *self, const char *key, const char *value)
{
    s_entry_t *entry = s_find (self, key);
    if (!entry)
        return wb_kvlist_add_string (self, key, value);
    if (!value || strlen (value) > WB_VALUE_MAX)
        return -1;
    s_entry_t replacement = { .type = WB_TYPE_STRING, .value.string = strdup (value) };
    if (!replacement.value.string)
        return -1;
    s_replace_value (entry, &replacement);
    return 0;
}

int
wb_kvlist_set_int (wb_kvlist_t *self, const char *key, int64_t value)
{
    s_entry_t *entry = s_find (self, key);
    if (!entry)
        return wb_kvlist_add_int (self, key, value);
    s_entry_t replacement = { .type = WB_TYPE_INT, .value.integer = value };
    s_replace_value (entry, &replacement);
    return 0;
}

int
wb_kvlist_set_list (wb_kvlist_t *self, const char *key, wb_kvlist_t **list_p)
{
    s_entry_t *entry = s_find (self, key);
    if (!entry || !list_p || !*list_p)
        return wb_kvlist_add_list (self, key, list_p);
    s_entry_t replacement = { .type = WB_TYPE_LIST, .value.list = *list_p };
    *list_p = NULL;
    s_replace_value (entry, &replacement);
    return 0;
}

size_t
wb_kvlist_remove (wb_kvlist_t *self, const char *key)
{
    if (!self || !key)
        return 0;
    size_t kept = 0;
    for (size_t index = 0; index < self->size; index++) {
        if (strcmp (self->entries [index].key, key) == 0)
            s_entry_free (&self->entries [index]);
        else
            self->entries [kept++] = self->entries [index];
    }
    size_t removed = self->size - kept;
    self->size = kept;
    return removed;
}

bool
wb_kvlist_has (const wb_kvlist_t *self, const char *key)
{
    return s_find (self, key) != NULL;
}

wb_type_t
wb_kvlist_type (const wb_kvlist_t *self, const char *key)
{
    s_entry_t *entry = s_find (self, key);
    return entry ? entry->type : 0;
}

const char *
wb_kvlist_string (const wb_kvlist_t *self, const char *key)
{
    s_entry_t *entry = s_find (self, key);
    return entry && entry->type == WB_TYPE_STRING ? entry->value.string : NULL;
}

int
wb_kvlist_int (const wb_kvlist_t *self, const char *key, int64_t *value)
{
    s_entry_t *entry = s_find (self, key);
    if (!entry || entry->type != WB_TYPE_INT)
        return -1;
    if (value)
        *value = entry->value.integer;
    return 0;
}

int64_t
wb_kvlist_int_or (const wb_kvlist_t *self, const char *key, int64_t fallback)
{
    int64_t value;
    return wb_kvlist_int (self, key, &value) == 0 ? value : fallback;
}

const void *
wb_kvlist_binary (const wb_kvlist_t *self, const char *key, size_t *size)
{
    s_entry_t *entry = s_find (self, key);
    if (!entry || entry->type != WB_TYPE_BINARY)
        return NULL;
    if (size)
        *size = entry->value.binary.size;
    return entry->value.binary.data;
}

wb_kvlist_t *
wb_kvlist_list (const wb_kvlist_t *self, const char *key)
{
    s_entry_t *entry = s_find (self, key);
    return entry && entry->type == WB_TYPE_LIST ? entry->value.list : NULL;
}

static const s_entry_t *
s_at (const wb_kvlist_t *self, size_t index)
{
    return self && index < self->size ? &self->entries [index] : NULL;
}

const char *
wb_kvlist_key_at (const wb_kvlist_t *self, size_t index)
{
    const s_entry_t *entry = s_at (self, index);
    return entry ? entry->key : NULL;
}

wb_type_t
wb_kvlist_type_at (const wb_kvlist_t *self, size_t index)
{
    const s_entry_t *entry = s_at (self, index);
    return entry ? entry->type : 0;
}

const char *
wb_kvlist_string_at (const wb_kvlist_t *self, size_t index)
{
    const s_entry_t *entry = s_at (self, index);
    return entry && entry->type == WB_TYPE_STRING ? entry->value.string : NULL;
}

int64_t
wb_kvlist_int_at (const wb_kvlist_t *self, size_t index)
{
    const s_entry_t *entry = s_at (self, index);
    return entry && entry->type == WB_TYPE_INT ? entry->value.integer : 0;
}

const void *
wb_kvlist_binary_at (const wb_kvlist_t *self, size_t index, size_t *size)
{
    const s_entry_t *entry = s_at (self, index);
    if (!entry || entry->type != WB_TYPE_BINARY)
        return NULL;
    if (size)
        *size = entry->value.binary.size;
    return entry->value.binary.data;
}

wb_kvlist_t *
wb_kvlist_list_at (const wb_kvlist_t *self, size_t index)
{
    const s_entry_t *entry = s_at (self, index);
    return entry && entry->type == WB_TYPE_LIST ? entry->value.list : NULL;
}

//  Append a copy of one entry of another list.
static int
s_copy_entry (wb_kvlist_t *self, const s_entry_t *entry)
{
    if (entry->type == WB_TYPE_STRING)
        return wb_kvlist_add_string (self, entry->key, entry->value.string);
    if (entry->type == WB_TYPE_INT)
        return wb_kvlist_add_int (self, entry->key, entry->value.integer);
    if (entry->type == WB_TYPE_BINARY)
        return wb_kvlist_add_binary (self, entry->key, entry->value.binary.data,
                                     entry->value.binary.size);
    wb_kvlist_t *copy = wb_kvlist_dup (entry->value.list);
    return copy ? wb_kvlist_add_list (self, entry->key, &copy) : -1;
}

int
wb_kvlist_append (wb_kvlist_t *self, const wb_kvlist_t *source)
{
    if (!self || !source)
        return -1;
    //  read the size once: appending a list to itself must not run away
    size_t size = source->size;
    for (size_t index = 0; index < size; index++)
        if (s_copy_entry (self, &source->entries [index]))
            return -1;
    return 0;
}

wb_kvlist_t *
wb_kvlist_dup (const wb_kvlist_t *self)
{
    if (!self)
        return NULL;
    wb_kvlist_t *copy = wb_kvlist_new ();
    if (copy && wb_kvlist_append (copy, self))
        wb_kvlist_destroy (&copy);
    return copy;
}

static bool
s_entry_equal (const s_entry_t *a, const s_entry_t *b)
{
    if (a->type != b->type || strcmp (a->key, b->key) != 0)
        return false;
    switch (a->type) {
        case WB_TYPE_STRING:
            return strcmp (a->value.string, b->value.string) == 0;
        case WB_TYPE_INT:
            return a->value.integer == b->value.integer;
        case WB_TYPE_BINARY:
            return a->value.binary.size == b->value.binary.size
                && memcmp (a->value.binary.data, b->value.binary.data,
                           a->value.binary.size) == 0;
        case WB_TYPE_LIST:
            return wb_kvlist_equal (a->value.list, b->value.list);
    }
    return false;
}

bool
wb_kvlist_equal (const wb_kvlist_t *a, const wb_kvlist_t *b)
{
    if (!a || !b)
        return a == b;
    if (a->size != b->size)
        return false;
    for (size_t index = 0; index < a->size; index++)
        if (!s_entry_equal (&a->entries [index], &b->entries [index]))
            return false;
    return true;
}
