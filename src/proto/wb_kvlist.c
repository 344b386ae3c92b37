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
#include "wb_kvlist_internal.h"
#include "wb_prelude.h"

//  Each entry makes one allocation, block: its key and a NUL, then for a
//  string its text and a NUL, for a binary its bytes, for a list still
//  encoded (wb_kvlist_add_encoded, or nested deep in decoded bytes) those
//  bytes. A decoded list is its own object. Fewer allocations per entry is
//  what makes decoding cheap: the blocks of the entries the decoder adds
//  are not allocated one by one but taken from the list's arena; and a
//  small top level (a message's body) is decoded into one copy of its
//  bytes, which its entries' keys and values point into (no block each).
//  The type is a byte, not a wb_type_t: an entry is 32 bytes, not 40, so
//  that a received body's entries and its copy (wb_kvlist_new_copy) fit
//  in one of the allocator's small blocks more often.
typedef struct {
    char *key;                  /* the entry's block; freed with the entry */
    uint8_t type;               /* a wb_type_t */
    bool encoded;               /* a WB_TYPE_LIST whose value is still bytes */
    bool borrowed;              /* its block is in the list's arena */
    bool unchecked;             /* an encoded list whose sizes and bounds were
                                   checked, its keys and UTF-8 not yet */
    uint8_t depth;              /* of an encoded list */
    uint8_t fault;              /* why its first read failed (wb_codec_status_t) */
    union {
        const char *string;     /* in block */
        int64_t integer;
        struct { const uint8_t *data; size_t size; } bytes;  /* in block */
        wb_kvlist_t *list;
    } value;
} s_entry_t;

//  A list's arena: chunks that blocks are cut from, in turn, and that are
//  freed with the list, not block by block. Only the decoder's entries use
//  it (a received list is read, seldom changed): an entry replaced or
//  removed leaves its block there until the list goes.
typedef struct s_chunk_t {
    struct s_chunk_t *next;     /* the chunk made before */
    size_t size;
    size_t used;
    char data [];
} s_chunk_t;

//  The first chunk: a message's top level fits, most often, and so does
//  the chunk in the allocator's smallest bins (glibc's tcache: 1,032
//  bytes at most), which serve it far faster than a bigger one.
#define S_CHUNK_FIRST (1024 - sizeof (s_chunk_t))
#define S_CHUNK_MOST (64u << 10) /* chunks double up to this; a bigger block
                                    gets a chunk of its own size */

struct _wb_kvlist_t {
    s_entry_t *entries;
    size_t size;
    size_t capacity;
    s_chunk_t *arena;           /* the newest chunk, or NULL */
    char *copy;                 /* the copy of its encoding a decoded list's
                                   entries point into (wb_kvlist_new_copy),
                                   or NULL */
    bool inline_copy;           /* the copy lies in the list's own block */
    bool inline_entries;        /* entries lie in the list's own block */
    bool inline_chunk;          /* so does the arena's first (oldest) chunk */
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
    return wb_calloc (1, sizeof (wb_kvlist_t));
}

//  Free what an entry owns: its block (unless in the arena) and a decoded
//  list.
static void
s_entry_release (s_entry_t *entry)
{
    if (!entry->borrowed)
        free (entry->key);
    if (entry->type == WB_TYPE_LIST && !entry->encoded)
        wb_kvlist_destroy (&entry->value.list);
}

//  The same, the entry then cleared.
static void
s_entry_free (s_entry_t *entry)
{
    s_entry_release (entry);
    memset (entry, 0, sizeof (*entry));
}

void
wb_kvlist_destroy (wb_kvlist_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    wb_kvlist_t *self = *self_p;
    //  the entries go with the list: not cleared one by one
    for (size_t index = 0; index < self->size; index++)
        s_entry_release (&self->entries [index]);
    while (self->arena) {
        s_chunk_t *chunk = self->arena;
        self->arena = chunk->next;
        if (chunk->next || !self->inline_chunk)
            free (chunk);
    }
    if (!self->inline_entries)
        free (self->entries);
    if (!self->inline_copy)
        free (self->copy);
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

int
wb_kvlist_reserve (wb_kvlist_t *self, size_t count)
{
    if (!self || count > WB_ENTRIES_MAX)
        return -1;
    if (count <= self->capacity)
        return 0;
    if (self->inline_entries) {
        //  out of the list's own block: the entries move to one of theirs
        s_entry_t *entries = wb_malloc (count * sizeof (s_entry_t));
        if (self->size)
            memcpy (entries, self->entries, self->size * sizeof (s_entry_t));
        self->entries = entries;
        self->inline_entries = false;
    }
    else
        self->entries = wb_realloc (self->entries, count * sizeof (s_entry_t));
    self->capacity = count;
    return 0;
}

//  The most bytes of a list's own block that keeps it in the allocator's
//  smallest bins (see S_CHUNK_FIRST).
#define S_BLOCK_MOST 1024

wb_kvlist_t *
wb_kvlist_new_sized (size_t count, size_t bytes)
{
    if (count > WB_ENTRIES_MAX)
        return NULL;
    //  one allocation where there were three: the list, room for its
    //  entries and, if all its bytes fit and the block stays small, its
    //  arena's first chunk (a chunk too small for them would cost a
    //  second one, which costs more than it saves)
    size_t head = sizeof (wb_kvlist_t) + count * sizeof (s_entry_t);
    size_t room = head + sizeof (s_chunk_t) + bytes <= S_BLOCK_MOST
                ? S_BLOCK_MOST - head - sizeof (s_chunk_t) : 0;
    wb_kvlist_t *self = wb_malloc (head + (room ? sizeof (s_chunk_t) + room : 0));
    memset (self, 0, sizeof (wb_kvlist_t));
    self->entries = (s_entry_t *) (void *) (self + 1);
    self->capacity = count;
    self->inline_entries = true;
    if (room) {
        s_chunk_t *chunk = (s_chunk_t *) (void *) ((char *) self + head);
        chunk->next = NULL;
        chunk->size = room;
        chunk->used = 0;
        self->arena = chunk;
        self->inline_chunk = true;
    }
    return self;
}

//  Give a new list entry (NULL if none could be made) the list *list_p,
//  which it takes (destroyed if there is no entry), and null *list_p.
static int
s_entry_take_list (s_entry_t *entry, wb_kvlist_t **list_p)
{
    if (!entry) {
        wb_kvlist_destroy (list_p);
        return -1;
    }
    entry->value.list = *list_p;
    *list_p = NULL;
    return 0;
}

wb_kvlist_t *
wb_kvlist_new_copy (size_t count, const uint8_t *data, size_t size)
{
    if (count > WB_ENTRIES_MAX || size > WB_BODY_MAX)
        return NULL;
    //  one allocation: the list, its entries, the copy and a NUL after it
    //  (the last value's terminator); two if one would leave the
    //  allocator's smallest bins, where two small ones cost less
    size_t head = sizeof (wb_kvlist_t) + count * sizeof (s_entry_t);
    bool together = head + size + 1 <= S_BLOCK_MOST;
    wb_kvlist_t *self = wb_malloc (together ? head + size + 1 : head);
    memset (self, 0, sizeof (wb_kvlist_t));
    self->entries = (s_entry_t *) (void *) (self + 1);
    self->capacity = count;
    self->inline_entries = true;
    self->inline_copy = together;
    self->copy = together ? (char *) self + head : wb_malloc (size + 1);
    if (size)
        memcpy (self->copy, data, size);
    self->copy [size] = 0;
    return self;
}

//  The next entry of a list made by wb_kvlist_new_copy, its key at
//  key_offset in the copy: the NUL that ends the key goes over its type
//  tag, which the decoder has read. NULL if the list has no room left.
static s_entry_t *
s_copied_entry (wb_kvlist_t *self, size_t key_offset, size_t key_size, uint8_t type)
{
    if (self->size >= self->capacity)
        return NULL;
    s_entry_t *entry = &self->entries [self->size++];
    char *key = self->copy + key_offset;
    key [key_size] = 0;
    *entry = (s_entry_t) { .key = key, .type = type, .borrowed = true };
    return entry;
}

int
wb_kvlist_add_copied_bytes (wb_kvlist_t *self, size_t key_offset, size_t key_size,
                            wb_type_t type, size_t value_offset, size_t value_size)
{
    s_entry_t *entry = s_copied_entry (self, key_offset, key_size, (uint8_t) type);
    if (!entry)
        return -1;
    //  the NUL after a value goes over the next entry's key length (or
    //  the byte after the copy)
    char *value = self->copy + value_offset;
    value [value_size] = 0;
    if (type == WB_TYPE_STRING)
        entry->value.string = value;
    else {
        entry->value.bytes.data = (const uint8_t *) value;
        entry->value.bytes.size = value_size;
    }
    return 0;
}

int
wb_kvlist_add_copied_int (wb_kvlist_t *self, size_t key_offset, size_t key_size,
                          int64_t value)
{
    s_entry_t *entry = s_copied_entry (self, key_offset, key_size, WB_TYPE_INT);
    if (entry)
        entry->value.integer = value;
    return entry ? 0 : -1;
}

int
wb_kvlist_add_copied_list (wb_kvlist_t *self, size_t key_offset, size_t key_size,
                           wb_kvlist_t **list_p)
{
    return s_entry_take_list (s_copied_entry (self, key_offset, key_size, WB_TYPE_LIST),
                              list_p);
}

int
wb_kvlist_add_copied_encoded (wb_kvlist_t *self, size_t key_offset, size_t key_size,
                              size_t value_offset, size_t size, size_t depth, bool unchecked)
{
    if (wb_kvlist_add_copied_bytes (self, key_offset, key_size, WB_TYPE_LIST, value_offset,
                                    size))
        return -1;
    s_entry_t *entry = &self->entries [self->size - 1];
    entry->encoded = true;
    entry->unchecked = unchecked;
    entry->depth = (uint8_t) depth;
    return 0;
}

//  A block of size bytes cut from the list's arena (bytes: no alignment).
static char *
s_arena_take (wb_kvlist_t *self, size_t size)
{
    s_chunk_t *chunk = self->arena;
    if (!chunk || chunk->size - chunk->used < size) {
        size_t room = chunk ? chunk->size * 2 : S_CHUNK_FIRST;
        room = room < S_CHUNK_MOST ? room : S_CHUNK_MOST;
        room = room > size ? room : size;
        chunk = wb_malloc (sizeof (s_chunk_t) + room);
        chunk->next = self->arena;
        chunk->size = room;
        chunk->used = 0;
        self->arena = chunk;
    }
    char *block = chunk->data + chunk->used;
    chunk->used += size;
    return block;
}

//  Make an entry's block: key, NUL, then value_size bytes of value and a
//  NUL (a string's terminator; harmless after other values). Its value
//  pointer, where one applies, points into the block. The block is cut
//  from arena's arena if one is given, else allocated. 0.
static int
s_entry_make (s_entry_t *entry, const char *key, size_t key_size, wb_type_t type,
              const void *value, size_t value_size, wb_kvlist_t *arena)
{
    size_t size = key_size + 1 + value_size + 1;
    char *block = arena ? s_arena_take (arena, size) : wb_malloc (size);
    memcpy (block, key, key_size);
    block [key_size] = 0;
    char *data = block + key_size + 1;
    if (value_size)
        memcpy (data, value, value_size);
    data [value_size] = 0;
    memset (entry, 0, sizeof (*entry));
    entry->key = block;
    entry->borrowed = arena != NULL;
    entry->type = type;
    if (type == WB_TYPE_STRING)
        entry->value.string = data;
    else
    if (type == WB_TYPE_BINARY || type == WB_TYPE_LIST) {
        entry->value.bytes.data = (const uint8_t *) data;
        entry->value.bytes.size = value_size;
    }
    return 0;
}

//  Append an entry made by s_entry_make, without checking key or sizes;
//  the new entry, or NULL. borrow: its block from the list's arena.
//  The slot of the next entry (the entries grown, doubling, if full), not
//  yet counted; NULL at the limit or without memory.
static s_entry_t *
s_next_slot (wb_kvlist_t *self)
{
    if (self->size >= WB_ENTRIES_MAX)
        return NULL;
    size_t capacity = self->capacity ? self->capacity * 2 : 8;
    if (self->size == self->capacity
    &&  wb_kvlist_reserve (self, capacity < WB_ENTRIES_MAX ? capacity : WB_ENTRIES_MAX))
        return NULL;
    return &self->entries [self->size];
}

static s_entry_t *
s_append_entry (wb_kvlist_t *self, const char *key, size_t key_size, wb_type_t type,
                const void *value, size_t value_size, bool borrow)
{
    s_entry_t *entry = s_next_slot (self);
    if (!entry)
        return NULL;
    if (s_entry_make (entry, key, key_size, type, value, value_size, borrow ? self : NULL))
        return NULL;
    self->size++;
    return entry;
}

//  Append an entry after checking the list and the key.
static s_entry_t *
s_append_checked (wb_kvlist_t *self, const char *key, wb_type_t type,
                  const void *value, size_t value_size)
{
    if (!self || !key)
        return NULL;
    size_t key_size = strlen (key);
    if (!s_key_valid (key, key_size))
        return NULL;
    return s_append_entry (self, key, key_size, type, value, value_size, false);
}

int
wb_kvlist_add_checked_bytes (wb_kvlist_t *self, const uint8_t *key, size_t key_size,
                             wb_type_t type, const uint8_t *value, size_t value_size)
{
    if (type != WB_TYPE_STRING && type != WB_TYPE_BINARY)
        return -1;
    return s_append_entry (self, (const char *) key, key_size, type, value, value_size, true)
         ? 0 : -1;
}

int
wb_kvlist_add_checked_int (wb_kvlist_t *self, const uint8_t *key, size_t key_size,
                           int64_t value)
{
    s_entry_t *entry = s_append_entry (self, (const char *) key, key_size, WB_TYPE_INT,
                                       NULL, 0, true);
    if (entry)
        entry->value.integer = value;
    return entry ? 0 : -1;
}

//  Append a list entry that takes *list_p (also on failure) and nulls it.
static int
s_append_list (wb_kvlist_t *self, const char *key, size_t key_size, wb_kvlist_t **list_p,
               bool borrow)
{
    return s_entry_take_list (s_append_entry (self, key, key_size, WB_TYPE_LIST, NULL, 0,
                                              borrow), list_p);
}

int
wb_kvlist_add_checked_list (wb_kvlist_t *self, const uint8_t *key, size_t key_size,
                            wb_kvlist_t **list_p)
{
    return s_append_list (self, (const char *) key, key_size, list_p, true);
}

int
wb_kvlist_add_string (wb_kvlist_t *self, const char *key, const char *value)
{
    size_t size = value ? strlen (value) : 0;
    if (!value || size > WB_VALUE_MAX)
        return -1;
    return s_append_checked (self, key, WB_TYPE_STRING, value, size) ? 0 : -1;
}

int
wb_kvlist_add_int (wb_kvlist_t *self, const char *key, int64_t value)
{
    s_entry_t *entry = s_append_checked (self, key, WB_TYPE_INT, NULL, 0);
    if (entry)
        entry->value.integer = value;
    return entry ? 0 : -1;
}

int
wb_kvlist_add_binary (wb_kvlist_t *self, const char *key, const void *data, size_t size)
{
    if ((!data && size) || size > WB_VALUE_MAX)
        return -1;
    return s_append_checked (self, key, WB_TYPE_BINARY, data, size) ? 0 : -1;
}

int
wb_kvlist_add_list (wb_kvlist_t *self, const char *key, wb_kvlist_t **list_p)
{
    if (!list_p || !*list_p)
        return -1;
    size_t key_size = key ? strlen (key) : 0;
    if (!self || !s_key_valid (key, key_size)) {
        wb_kvlist_destroy (list_p);
        return -1;
    }
    return s_append_list (self, key, key_size, list_p, false);
}

//  Mark a list entry made from bytes as still encoded.
static int
s_mark_encoded (s_entry_t *entry, size_t depth)
{
    if (!entry)
        return -1;
    entry->encoded = true;
    entry->depth = (uint8_t) depth;
    return 0;
}

int
wb_kvlist_add_encoded (wb_kvlist_t *self, const char *key, const uint8_t *data,
                       size_t size, wb_codec_status_t *status)
{
    wb_codec_status_t ignored;
    status = status ? status : &ignored;
    size_t depth = 0;
    *status = wb_kvlist_check (data, size, &depth);
    if (*status != WB_CODEC_OK)
        return -1;
    return s_mark_encoded (s_append_checked (self, key, WB_TYPE_LIST, data, size), depth);
}

int
wb_kvlist_add_encoded_checked (wb_kvlist_t *self, const char *key, const uint8_t *data,
                               size_t size, size_t depth)
{
    //  Bounds only: the full walk was made once, when the bytes came in
    if (!data || size < 4 || size > WB_BODY_MAX || depth < 1 || depth > WB_DEPTH_MAX)
        return -1;
    return s_mark_encoded (s_append_checked (self, key, WB_TYPE_LIST, data, size), depth);
}

int
wb_kvlist_add_checked_encoded (wb_kvlist_t *self, const uint8_t *key, size_t key_size,
                               const uint8_t *data, size_t size, size_t depth,
                               bool unchecked)
{
    s_entry_t *entry = s_append_entry (self, (const char *) key, key_size, WB_TYPE_LIST,
                                       data, size, true);
    if (entry)
        entry->unchecked = unchecked;
    return s_mark_encoded (entry, depth);
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

//  Replace an entry by a new one with the same key, made from a value
//  (s_entry_make): on failure the entry stays as it was. 0 or -1.
static int
s_replace (s_entry_t *entry, wb_type_t type, const void *value, size_t value_size)
{
    s_entry_t replacement;
    if (s_entry_make (&replacement, entry->key, strlen (entry->key), type,
                      value, value_size, NULL))
        return -1;
    s_entry_free (entry);
    *entry = replacement;
    return 0;
}

int
wb_kvlist_set_string (wb_kvlist_t *self, const char *key, const char *value)
{
    s_entry_t *entry = s_find (self, key);
    if (!entry)
        return wb_kvlist_add_string (self, key, value);
    if (!value || strlen (value) > WB_VALUE_MAX)
        return -1;
    return s_replace (entry, WB_TYPE_STRING, value, strlen (value));
}

int
wb_kvlist_set_int (wb_kvlist_t *self, const char *key, int64_t value)
{
    s_entry_t *entry = s_find (self, key);
    if (!entry)
        return wb_kvlist_add_int (self, key, value);
    if (s_replace (entry, WB_TYPE_INT, NULL, 0))
        return -1;
    entry->value.integer = value;
    return 0;
}

int
wb_kvlist_set_list (wb_kvlist_t *self, const char *key, wb_kvlist_t **list_p)
{
    s_entry_t *entry = s_find (self, key);
    if (!entry || !list_p || !*list_p)
        return wb_kvlist_add_list (self, key, list_p);
    if (s_replace (entry, WB_TYPE_LIST, NULL, 0)) {
        wb_kvlist_destroy (list_p);
        return -1;
    }
    entry->value.list = *list_p;
    *list_p = NULL;
    return 0;
}

size_t
wb_kvlist_remove (wb_kvlist_t *self, const char *key)
{
    if (!self || !key)
        return 0;
    size_t kept = 0;
    for (size_t index = 0; index < self->size; index++) {
        //  the first byte first: a message's ReferenceId is taken out of
        //  every body received, and most keys differ at once
        const char *other = self->entries [index].key;
        if (other [0] == key [0] && strcmp (other, key) == 0)
            s_entry_free (&self->entries [index]);
        else
            self->entries [kept++] = self->entries [index];
    }
    size_t removed = self->size - kept;
    self->size = kept;
    return removed;
}

//  The list of a list entry, decoding one still encoded (once: the entry
//  keeps the decoded list; its own nested lists stay bytes until read).
//  Bytes checked in full when added are not checked again; bytes whose
//  structure only was checked (unchecked: wb_kvlist_decode_lazy's) have
//  their keys and UTF-8 checked now, and if they fail the entry keeps its
//  bytes and why (fault): this is NULL then, and wb_kvlist_status_at says
//  why. The list object is not const (every list is allocated), so
//  changing the entry through a reader is sound.
static wb_kvlist_t *
s_list_of (const s_entry_t *entry)
{
    if (!entry || entry->type != WB_TYPE_LIST || entry->fault)
        return NULL;
    if (!entry->encoded)
        return entry->value.list;
    s_entry_t *changed = (s_entry_t *) entry;
    wb_codec_status_t status = WB_CODEC_OK;
    wb_kvlist_t *list = entry->unchecked
                      ? wb_kvlist_decode_deferred (entry->value.bytes.data,
                                                   entry->value.bytes.size, &status)
                      : wb_kvlist_decode_checked (entry->value.bytes.data,
                                                  entry->value.bytes.size);
    if (!list) {
        changed->fault = (uint8_t) status;
        return NULL;
    }
    //  the block keeps only the key now (one in the arena stays as it is)
    if (!changed->borrowed)
        changed->key = wb_realloc (changed->key, strlen (changed->key) + 1);
    changed->encoded = false;
    changed->unchecked = false;
    changed->depth = 0;
    changed->value.list = list;
    return list;
}

void
wb_kvlist_truncate (wb_kvlist_t *self, size_t size)
{
    while (self && self->size > size)
        s_entry_free (&self->entries [--self->size]);
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
        *size = entry->value.bytes.size;
    return entry->value.bytes.data;
}

wb_kvlist_t *
wb_kvlist_list (const wb_kvlist_t *self, const char *key)
{
    return s_list_of (s_find (self, key));
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
        *size = entry->value.bytes.size;
    return entry->value.bytes.data;
}

wb_kvlist_t *
wb_kvlist_list_at (const wb_kvlist_t *self, size_t index)
{
    return s_list_of (s_at (self, index));
}

int
wb_kvlist_vouch_at (const wb_kvlist_t *self, size_t index)
{
    s_entry_t *entry = (s_entry_t *) s_at (self, index);
    if (!entry || !entry->encoded)
        return -1;
    entry->unchecked = false;
    return 0;
}

bool
wb_kvlist_unchecked_at (const wb_kvlist_t *self, size_t index)
{
    const s_entry_t *entry = s_at (self, index);
    return entry && entry->encoded && entry->unchecked;
}

wb_codec_status_t
wb_kvlist_status_at (const wb_kvlist_t *self, size_t index)
{
    const s_entry_t *entry = s_at (self, index);
    if (!entry || entry->type != WB_TYPE_LIST)
        return WB_CODEC_BAD_TYPE;
    if (!s_list_of (entry))
        return entry->fault ? (wb_codec_status_t) entry->fault : WB_CODEC_TOO_BIG;
    return WB_CODEC_OK;
}

const uint8_t *
wb_kvlist_encoded_at (const wb_kvlist_t *self, size_t index, size_t *size, size_t *depth)
{
    const s_entry_t *entry = s_at (self, index);
    if (!entry || !entry->encoded)
        return NULL;
    *size = entry->value.bytes.size;
    *depth = entry->depth;
    return entry->value.bytes.data;
}

wb_kvlist_t *
wb_kvlist_take_list_at (wb_kvlist_t *self, size_t index)
{
    const s_entry_t *entry = s_at (self, index);
    wb_kvlist_t *list = s_list_of (entry);
    if (!list)
        return NULL;
    self->entries [index].value.list = NULL;
    s_entry_free (&self->entries [index]);
    memmove (self->entries + index, self->entries + index + 1,
             (self->size - index - 1) * sizeof (s_entry_t));
    self->size--;
    return list;
}

//  Append a copy of one entry of another list; an encoded list stays so.
static int
s_copy_entry (wb_kvlist_t *self, const s_entry_t *entry)
{
    size_t key_size = strlen (entry->key);
    if (entry->type == WB_TYPE_LIST && !entry->encoded) {
        wb_kvlist_t *copy = wb_kvlist_dup (entry->value.list);
        return copy ? s_append_list (self, entry->key, key_size, &copy, false) : -1;
    }
    const void *value = entry->type == WB_TYPE_STRING ? (const void *) entry->value.string
                      : entry->type == WB_TYPE_INT ? NULL : entry->value.bytes.data;
    size_t size = entry->type == WB_TYPE_STRING ? strlen (entry->value.string)
                : entry->type == WB_TYPE_INT ? 0 : entry->value.bytes.size;
    s_entry_t *copy = s_append_entry (self, entry->key, key_size, entry->type, value, size,
                                      false);
    if (!copy)
        return -1;
    if (entry->type == WB_TYPE_INT)
        copy->value.integer = entry->value.integer;
    copy->encoded = entry->encoded;
    copy->unchecked = entry->unchecked;
    copy->depth = entry->depth;
    copy->fault = entry->fault;
    return 0;
}

int
wb_kvlist_append (wb_kvlist_t *self, const wb_kvlist_t *source)
{
    return wb_kvlist_append_first (self, source, SIZE_MAX);
}

int
wb_kvlist_append_first (wb_kvlist_t *self, const wb_kvlist_t *source, size_t count)
{
    if (!self || !source)
        return -1;
    //  read the size once: appending a list to itself must not run away
    size_t size = source->size < count ? source->size : count;
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
    if (copy && (wb_kvlist_reserve (copy, self->size) || wb_kvlist_append (copy, self)))
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
            return a->value.bytes.size == b->value.bytes.size
                && memcmp (a->value.bytes.data, b->value.bytes.data,
                           a->value.bytes.size) == 0;
        case WB_TYPE_LIST: {
            //  lists that cannot be read are equal if their bytes are
            wb_kvlist_t *list_a = s_list_of (a), *list_b = s_list_of (b);
            if (!list_a || !list_b)
                return !list_a && !list_b && a->encoded && b->encoded
                    && a->value.bytes.size == b->value.bytes.size
                    && memcmp (a->value.bytes.data, b->value.bytes.data,
                               a->value.bytes.size) == 0;
            return wb_kvlist_equal (list_a, list_b);
        }
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

// ---------------------------------------------------------------- runs

/* One item of a run: the offset of its head in the block, its depth. */
typedef struct {
    uint32_t start;
    uint32_t depth;
} s_run_item_t;

//  A run is an entry's block (see s_entry_make) written in place: its key
//  and a NUL, then the list's encoding: the item count (u32, written when
//  the run is added), the items, each "keylen key type" and its bytes;
//  and the NUL after the value that every block ends with.
struct _wb_kvlist_run_t {
    uint8_t *block;
    size_t used;                /* bytes of block written */
    size_t capacity;
    size_t key_size;            /* the list's encoding starts after key and NUL */
    uint8_t head [2 + WB_KEY_MAX];  /* what each item starts with */
    size_t head_size;
    size_t count;               /* items */
    size_t depth;               /* of the deepest item */
    s_run_item_t *items;        /* where each item starts, for wb_kvlist_run_item */
    size_t items_capacity;
};

wb_kvlist_run_t *
wb_kvlist_run_new (const char *key, const char *item_key)
{
    size_t key_size = key ? strlen (key) : 0;
    size_t item_key_size = item_key ? strlen (item_key) : 0;
    if (!s_key_valid (key, key_size) || !s_key_valid (item_key, item_key_size))
        return NULL;
    wb_kvlist_run_t *self = wb_calloc (1, sizeof (wb_kvlist_run_t));
    //  room for the key, the count and the final NUL: items grow it
    self->capacity = key_size + 1 + 4 + 1;
    self->block = wb_malloc (self->capacity);
    memcpy (self->block, key, key_size + 1);
    self->key_size = key_size;
    self->used = key_size + 1 + 4;
    self->head [0] = (uint8_t) item_key_size;
    memcpy (self->head + 1, item_key, item_key_size);
    self->head [1 + item_key_size] = WB_TYPE_LIST;
    self->head_size = 2 + item_key_size;
    return self;
}

void
wb_kvlist_run_destroy (wb_kvlist_run_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free ((*self_p)->items);
    free ((*self_p)->block);
    free (*self_p);
    *self_p = NULL;
}

//  Grow the block to hold needed bytes: at least twice its size, so that
//  adding item after item reallocates it a few times only.
static void
s_run_grow (wb_kvlist_run_t *self, size_t needed)
{
    if (needed <= self->capacity)
        return;
    size_t capacity = self->capacity * 2 > needed ? self->capacity * 2 : needed;
    self->block = wb_realloc (self->block, capacity);
    self->capacity = capacity;
}

int
wb_kvlist_run_reserve (wb_kvlist_run_t *self, size_t count, size_t size)
{
    if (!self)
        return -1;
    size_t limit = self->key_size + 1 + WB_BODY_MAX + 1;
    size_t item = self->head_size + size;
    size_t wanted = count && item <= (limit - self->used) / count
                  ? self->used + count * item + 1 : limit;
    if (wanted > self->capacity) {
        self->block = wb_realloc (self->block, wanted);
        self->capacity = wanted;
    }
    if (count <= WB_ENTRIES_MAX - self->count)
        wb_grow (&self->items, &self->items_capacity, self->count + count,
                 sizeof (s_run_item_t), WB_ENTRIES_MAX);
    return 0;
}

int
wb_kvlist_run_add (wb_kvlist_run_t *self, const uint8_t *data, size_t size, size_t depth)
{
    if (!self || !data || size < 4 || size > WB_BODY_MAX || depth < 1 || depth > WB_DEPTH_MAX
    ||  self->count >= WB_ENTRIES_MAX
    ||  self->used - self->key_size - 1 + self->head_size + size > WB_BODY_MAX)
        return -1;
    if (self->count == self->items_capacity
    &&  wb_grow (&self->items, &self->items_capacity, self->count + 1, sizeof (s_run_item_t),
                 WB_ENTRIES_MAX))
        return -1;
    self->items [self->count] = (s_run_item_t) { (uint32_t) self->used, (uint32_t) depth };
    //  room for the item and the block's final NUL
    s_run_grow (self, self->used + self->head_size + size + 1);
    memcpy (self->block + self->used, self->head, self->head_size);
    memcpy (self->block + self->used + self->head_size, data, size);
    self->used += self->head_size + size;
    self->count++;
    self->depth = depth > self->depth ? depth : self->depth;
    return 0;
}

size_t
wb_kvlist_run_count (const wb_kvlist_run_t *self)
{
    return self ? self->count : 0;
}

const uint8_t *
wb_kvlist_run_item (const wb_kvlist_run_t *self, size_t index, size_t *size, size_t *depth)
{
    if (!self || index >= self->count)
        return NULL;
    size_t start = self->items [index].start + self->head_size;
    size_t end = index + 1 < self->count ? self->items [index + 1].start : self->used;
    *size = end - start;
    if (depth)
        *depth = self->items [index].depth;
    return self->block + start;
}

int
wb_kvlist_add_run (wb_kvlist_t *self, wb_kvlist_run_t **run_p)
{
    wb_kvlist_run_t *run = run_p ? *run_p : NULL;
    if (!run)
        return -1;
    s_entry_t *entry = self ? s_next_slot (self) : NULL;
    if (!entry) {
        wb_kvlist_run_destroy (run_p);
        return -1;
    }
    self->size++;
    uint8_t *list = run->block + run->key_size + 1;
    uint32_t count = (uint32_t) run->count;
    list [0] = (uint8_t) (count >> 24);
    list [1] = (uint8_t) (count >> 16);
    list [2] = (uint8_t) (count >> 8);
    list [3] = (uint8_t) count;
    run->block [run->used] = 0;
    memset (entry, 0, sizeof (*entry));
    entry->key = (char *) run->block;
    entry->type = WB_TYPE_LIST;
    entry->encoded = true;
    entry->depth = (uint8_t) (run->depth + 1);
    entry->value.bytes.data = list;
    entry->value.bytes.size = run->used - run->key_size - 1;
    run->block = NULL;
    wb_kvlist_run_destroy (run_p);
    return 0;
}

wb_kvlist_run_t *
wb_kvlist_run_dup (const wb_kvlist_run_t *self)
{
    if (!self)
        return NULL;
    wb_kvlist_run_t *copy = wb_malloc (sizeof (wb_kvlist_run_t));
    *copy = *self;
    //  room for the final NUL, as every run has
    copy->capacity = self->used + 1;
    copy->block = wb_malloc (copy->capacity);
    memcpy (copy->block, self->block, self->used);
    copy->items_capacity = self->count;
    copy->items = self->count ? wb_malloc (self->count * sizeof (s_run_item_t)) : NULL;
    if (self->count)
        memcpy (copy->items, self->items, self->count * sizeof (s_run_item_t));
    return copy;
}

size_t
wb_kvlist_run_bytes (const wb_kvlist_run_t *self)
{
    return self ? self->capacity + self->items_capacity * sizeof (s_run_item_t)
                  + sizeof (wb_kvlist_run_t) : 0;
}
