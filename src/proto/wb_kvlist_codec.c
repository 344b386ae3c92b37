/*  wb_kvlist_codec: the byte encoding of wb_kvlist and its printable form.

    Kept apart from wb_kvlist.c so that the code that reads untrusted bytes
    is small enough to review line by line. Layout, big-endian:
        list  = count:u32 entry{count}
        entry = keylen:u8 key:keylen type:u8 value
        value = string: len:u32 utf8 | int: i64 | binary: len:u32 bytes | list
*/
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wb_kvlist.h"
#include "wb_prelude.h"
#include "wb_kvlist_internal.h"

//  The checks of keys and UTF-8 take 16 bytes at a time with SSE2 (every
//  x86-64 has it); WB_CODEC_SCALAR builds the portable path, which the
//  unit tests run as well (test_wb_kvlist_scalar).
#if defined (__SSE2__) && !defined (WB_CODEC_SCALAR)
#   include <emmintrin.h>
#   define S_SSE2 1
#endif

/* The smallest encoded entry: 1-byte key, type, an empty string. */
#define MIN_ENTRY_BYTES (1 + 1 + 1 + 4)

// ---------------------------------------------------------------- encoding

static bool s_utf8_valid (const uint8_t *text, size_t size, size_t readable);

static size_t
s_list_size (const wb_kvlist_t *self)
{
    size_t size = 4;
    for (size_t index = 0; index < wb_kvlist_size (self); index++) {
        size += 1 + strlen (wb_kvlist_key_at (self, index)) + 1;
        size_t value_size = 0, depth = 0;
        switch (wb_kvlist_type_at (self, index)) {
            case WB_TYPE_STRING:
                size += 4 + strlen (wb_kvlist_string_at (self, index));
                break;
            case WB_TYPE_INT:
                size += 8;
                break;
            case WB_TYPE_BINARY:
                wb_kvlist_binary_at (self, index, &value_size);
                size += 4 + value_size;
                break;
            case WB_TYPE_LIST:
                if (wb_kvlist_encoded_at (self, index, &value_size, &depth))
                    size += value_size;
                else
                    size += s_list_size (wb_kvlist_list_at (self, index));
                break;
        }
    }
    return size;
}

size_t
wb_kvlist_encoded_size (const wb_kvlist_t *self)
{
    return self ? s_list_size (self) : 0;
}

static uint8_t *
s_put_u32 (uint8_t *cursor, uint32_t value)
{
    cursor [0] = (uint8_t) (value >> 24);
    cursor [1] = (uint8_t) (value >> 16);
    cursor [2] = (uint8_t) (value >> 8);
    cursor [3] = (uint8_t) value;
    return cursor + 4;
}

static uint8_t *
s_put_bytes (uint8_t *cursor, const void *data, size_t size)
{
    cursor = s_put_u32 (cursor, (uint32_t) size);
    if (size)
        memcpy (cursor, data, size);
    return cursor + size;
}

//  An entry's key and type tag.
static uint8_t *
s_put_key (uint8_t *cursor, const char *key, wb_type_t type)
{
    size_t length = strlen (key);
    *cursor++ = (uint8_t) length;
    memcpy (cursor, key, length);
    cursor += length;
    *cursor++ = (uint8_t) type;
    return cursor;
}

static uint8_t *
s_put_int (uint8_t *cursor, int64_t value)
{
    cursor = s_put_u32 (cursor, (uint32_t) ((uint64_t) value >> 32));
    return s_put_u32 (cursor, (uint32_t) value);
}

static uint8_t *s_put_list (uint8_t *cursor, const wb_kvlist_t *self);

//  The value of the entry at index; an encoded list is copied as it is.
static uint8_t *
s_put_value (uint8_t *cursor, const wb_kvlist_t *self, size_t index)
{
    size_t size = 0, depth = 0;
    switch (wb_kvlist_type_at (self, index)) {
        case WB_TYPE_STRING: {
            const char *string = wb_kvlist_string_at (self, index);
            return s_put_bytes (cursor, string, strlen (string));
        }
        case WB_TYPE_INT:
            return s_put_int (cursor, wb_kvlist_int_at (self, index));
        case WB_TYPE_BINARY: {
            const void *data = wb_kvlist_binary_at (self, index, &size);
            return s_put_bytes (cursor, data, size);
        }
        case WB_TYPE_LIST: {
            const uint8_t *encoded = wb_kvlist_encoded_at (self, index, &size, &depth);
            if (!encoded)
                return s_put_list (cursor, wb_kvlist_list_at (self, index));
            memcpy (cursor, encoded, size);
            return cursor + size;
        }
    }
    return cursor;
}

//  The entries of a list, without their count.
static uint8_t *
s_put_entries (uint8_t *cursor, const wb_kvlist_t *self)
{
    for (size_t index = 0; index < wb_kvlist_size (self); index++) {
        cursor = s_put_key (cursor, wb_kvlist_key_at (self, index),
                            wb_kvlist_type_at (self, index));
        cursor = s_put_value (cursor, self, index);
    }
    return cursor;
}

static uint8_t *
s_put_list (uint8_t *cursor, const wb_kvlist_t *self)
{
    cursor = s_put_u32 (cursor, (uint32_t) wb_kvlist_size (self));
    return s_put_entries (cursor, self);
}

//  What an encoder must know of a list before it writes it.
typedef struct {
    size_t size;                /* bytes of its encoding */
    size_t depth;               /* its nesting: 1 if it holds no list */
    bool valid;                 /* every string UTF-8, as the decoder demands */
} s_measure_t;

//  Measure a list in one walk. The encoders refuse to write what a peer
//  refuses to read: so strings are checked here (a list still held as its
//  encoding was checked when added, and its depth kept then).
static s_measure_t
s_measure (const wb_kvlist_t *self)
{
    s_measure_t measure = { 4, 1, true };
    for (size_t index = 0; measure.valid && index < wb_kvlist_size (self); index++) {
        measure.size += 1 + strlen (wb_kvlist_key_at (self, index)) + 1;
        size_t size = 0, depth = 0;
        switch (wb_kvlist_type_at (self, index)) {
            case WB_TYPE_STRING: {
                const char *string = wb_kvlist_string_at (self, index);
                size = strlen (string);
                measure.valid = s_utf8_valid ((const uint8_t *) string, size, size);
                measure.size += 4 + size;
                break;
            }
            case WB_TYPE_INT:
                measure.size += 8;
                break;
            case WB_TYPE_BINARY:
                wb_kvlist_binary_at (self, index, &size);
                measure.size += 4 + size;
                break;
            case WB_TYPE_LIST: {
                const uint8_t *encoded = wb_kvlist_encoded_at (self, index, &size, &depth);
                if (!encoded) {
                    s_measure_t child = s_measure (wb_kvlist_list_at (self, index));
                    size = child.size;
                    depth = child.depth;
                    measure.valid = child.valid;
                }
                else
                if (wb_kvlist_unchecked_at (self, index)) {
                    //  received bytes whose keys and UTF-8 were left for
                    //  their first reader: checked before they go on
                    measure.valid = wb_kvlist_check (encoded, size, NULL) == WB_CODEC_OK;
                    if (measure.valid)
                        wb_kvlist_vouch_at (self, index);
                }
                measure.size += size;
                measure.depth = depth + 1 > measure.depth ? depth + 1 : measure.depth;
                break;
            }
        }
    }
    return measure;
}

uint8_t *
wb_kvlist_encode (const wb_kvlist_t *self, size_t *size)
{
    if (!self || !size)
        return NULL;
    s_measure_t measure = s_measure (self);
    *size = measure.size;
    if (*size > WB_BODY_MAX || measure.depth > WB_DEPTH_MAX || !measure.valid)
        return NULL;
    uint8_t *buffer = wb_malloc (*size);
    s_put_list (buffer, self);
    return buffer;
}

size_t
wb_kvlist_encode_int_first (const wb_kvlist_t *self, const char *key, int64_t value,
                            uint8_t *buffer, size_t capacity)
{
    size_t key_size = key ? strlen (key) : 0;
    if (!self || key_size == 0 || key_size > WB_KEY_MAX
    ||  wb_kvlist_size (self) >= WB_ENTRIES_MAX)
        return 0;
    for (size_t index = 0; index < key_size; index++)
        if (key [index] < 0x21 || key [index] > 0x7e)
            return 0;
    s_measure_t measure = s_measure (self);
    size_t size = measure.size + 1 + key_size + 1 + 8;
    if (size > WB_BODY_MAX || measure.depth > WB_DEPTH_MAX || !measure.valid)
        return 0;
    if (buffer && capacity >= size)
        wb_kvlist_put_int_first (self, key, value, buffer);
    return size;
}

void
wb_kvlist_put_int_first (const wb_kvlist_t *self, const char *key, int64_t value,
                         uint8_t *buffer)
{
    uint8_t *cursor = s_put_u32 (buffer, (uint32_t) wb_kvlist_size (self) + 1);
    cursor = s_put_key (cursor, key, WB_TYPE_INT);
    cursor = s_put_int (cursor, value);
    s_put_entries (cursor, self);
}

// ---------------------------------------------------------------- decoding

//  The decoder, and the checker (build false: the same walk, nothing made).
typedef struct {
    const uint8_t *cursor;
    size_t remaining;
    wb_codec_status_t status;
    bool build;
    size_t deepest;         /* depth of the deepest list met */
    size_t lazy_depth;      /* a list nested this deep or deeper is kept as bytes */
    bool checked;           /* bytes that passed a check before: keys and UTF-8
                               are not checked again, sizes and bounds are */
    bool defer;             /* a list kept as bytes gets its structure checked
                               only, its keys and UTF-8 when first read */
    const char *omit;       /* a key the top level leaves out, if its first
                               entry is an int of that key (a ReferenceId) */
    size_t omit_size;
    bool omitted;           /* it was: every entry of that key is left out */
    int64_t omitted_value;  /* the value of that first entry */
    wb_kvlist_t *copied;    /* the top level, if it holds a copy of its
                               bytes (wb_kvlist_new_copy) */
    const uint8_t *origin;  /* the byte of the input its copy starts with */
} s_reader_t;

//  Take size bytes from the reader; NULL (and TRUNCATED) if fewer remain.
static inline const uint8_t *
s_take (s_reader_t *reader, size_t size)
{
    if (reader->status != WB_CODEC_OK)
        return NULL;
    if (size > reader->remaining) {
        reader->status = WB_CODEC_TRUNCATED;
        return NULL;
    }
    const uint8_t *bytes = reader->cursor;
    reader->cursor += size;
    reader->remaining -= size;
    return bytes;
}

//  The big-endian u32 at bytes (four of them readable).
static inline uint32_t
s_be32 (const uint8_t *bytes)
{
    return (uint32_t) bytes [0] << 24 | (uint32_t) bytes [1] << 16
         | (uint32_t) bytes [2] << 8 | bytes [3];
}

static inline uint32_t
s_get_u32 (s_reader_t *reader)
{
    const uint8_t *bytes = s_take (reader, 4);
    return bytes ? s_be32 (bytes) : 0;
}

static int
s_fail (s_reader_t *reader, wb_codec_status_t status)
{
    if (reader->status == WB_CODEC_OK)
        reader->status = status;
    return -1;
}

//  Length of the valid UTF-8 sequence at text (no NUL, no overlong form,
//  no surrogate, nothing past U+10FFFF), or 0 if it is not one.
static size_t
s_utf8_sequence (const uint8_t *text, size_t available)
{
    uint8_t lead = text [0];
    if (lead >= 0x01 && lead <= 0x7f)
        return 1;
    size_t length = lead >= 0xc2 && lead <= 0xdf ? 2
                  : lead >= 0xe0 && lead <= 0xef ? 3
                  : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    if (length == 0 || length > available)
        return 0;
    for (size_t index = 1; index < length; index++)
        if ((text [index] & 0xc0) != 0x80)
            return 0;
    if ((lead == 0xe0 && text [1] < 0xa0) || (lead == 0xed && text [1] > 0x9f)
    ||  (lead == 0xf0 && text [1] < 0x90) || (lead == 0xf4 && text [1] > 0x8f))
        return 0;
    return length;
}

#ifdef S_SSE2
//  A bit per byte of the 16 at bytes, set where it is ASCII but NUL
//  (0x01..0x7f: above zero as a signed byte).
static inline unsigned
s_ascii_mask (const uint8_t *bytes)
{
    __m128i block = _mm_loadu_si128 ((const __m128i *) (const void *) bytes);
    return (unsigned) _mm_movemask_epi8 (_mm_cmpgt_epi8 (block, _mm_setzero_si128 ()));
}

//  The same, set where the byte may be in a key (0x21..0x7e: as signed
//  bytes, above a space and below DEL; 0x80 on are below zero).
static inline unsigned
s_key_mask (const uint8_t *bytes)
{
    __m128i block = _mm_loadu_si128 ((const __m128i *) (const void *) bytes);
    __m128i above = _mm_cmpgt_epi8 (block, _mm_set1_epi8 (0x20));
    __m128i below = _mm_cmplt_epi8 (block, _mm_set1_epi8 (0x7f));
    return (unsigned) _mm_movemask_epi8 (_mm_and_si128 (above, below));
}
#endif

//  True if all eight bytes at text are ASCII but NUL (0x01..0x7f).
static inline bool
s_word_ascii (const uint8_t *text)
{
    const uint64_t high = 0x8080808080808080u, low = 0x0101010101010101u;
    uint64_t word;
    memcpy (&word, text, 8);
    //  a byte with its high bit set, or a zero byte, fails
    return !(word & high) && !((word - low) & ~word & high);
}

//  Length of the run of ASCII (0x01..0x7f) at the start of size bytes of
//  text, or at least where a check of the rest byte by byte may begin;
//  readable (at least size) bytes from text may be read. Most text is
//  ASCII: with SSE2 16 bytes are checked at once, the run ending exactly
//  at its first other byte (a string's last block reads on past it, in
//  the bytes that follow it in the message); else eight at once.
static inline size_t
s_ascii_run (const uint8_t *text, size_t size, size_t readable)
{
    size_t offset = 0;
#ifdef S_SSE2
    for (; offset < size && readable - offset >= 16; offset += 16) {
        unsigned other = ~s_ascii_mask (text + offset) & 0xffffu;
        if (other) {
            offset += (size_t) __builtin_ctz (other);
            return offset < size ? offset : size;
        }
    }
    if (offset >= size)
        return size;
#else
    (void) readable;
#endif
    for (; offset + 8 <= size; offset += 8)
        if (!s_word_ascii (text + offset))
            return offset;
    //  a tail shorter than a word: its last eight bytes at once if ASCII
    if (offset < size && size >= 8 && s_word_ascii (text + size - 8))
        return size;
    return offset;
}

//  True if size bytes of text are valid UTF-8; readable as s_ascii_run.
//  After each character that is not ASCII, the next run of ASCII goes by
//  in blocks again.
static bool
s_utf8_valid (const uint8_t *text, size_t size, size_t readable)
{
    size_t offset = 0;
    while (offset < size) {
        offset += s_ascii_run (text + offset, size - offset, readable - offset);
        if (offset >= size)
            break;
        size_t length = s_utf8_sequence (text + offset, size - offset);
        if (length == 0)
            return false;
        offset += length;
    }
    return true;
}

//  s_utf8_valid for a string of ASCII in two blocks at most, as most in a
//  body are (a name, a date, an id), without a call; any other is passed
//  on to s_utf8_valid. Inlined where each string of a body is checked.
static inline bool
s_utf8_quick (const uint8_t *text, size_t size, size_t readable)
{
#ifdef S_SSE2
    if (size <= 32 && readable >= 32) {
        uint32_t wanted = (uint32_t) ((UINT64_C (1) << size) - 1);
        uint32_t ascii = s_ascii_mask (text) | (uint32_t) s_ascii_mask (text + 16) << 16;
        if ((ascii & wanted) == wanted)
            return true;
    }
#endif
    return s_utf8_valid (text, size, readable);
}

bool
wb_utf8_valid (const char *text, size_t size)
{
    return text && s_utf8_valid ((const uint8_t *) text, size, size);
}

//  Read a length-prefixed value; NULL on failure (status set).
static const uint8_t *
s_get_sized (s_reader_t *reader, size_t *size)
{
    *size = s_get_u32 (reader);
    if (reader->status != WB_CODEC_OK)
        return NULL;
    if (*size > WB_VALUE_MAX) {
        s_fail (reader, WB_CODEC_TOO_BIG);
        return NULL;
    }
    return s_take (reader, *size);
}

//  A string or binary value; a string must be UTF-8.
static int
s_get_bytes (s_reader_t *reader, wb_kvlist_t *list, const uint8_t *key,
             size_t key_size, wb_type_t type)
{
    size_t size;
    const uint8_t *bytes = s_get_sized (reader, &size);
    if (!bytes)
        return -1;
    if (type == WB_TYPE_STRING && !reader->checked
    &&  !s_utf8_quick (bytes, size, size + reader->remaining))
        return s_fail (reader, WB_CODEC_BAD_UTF8);
    if (!reader->build)
        return 0;
    int rc = list == reader->copied
           ? wb_kvlist_add_copied_bytes (list, (size_t) (key - reader->origin), key_size, type,
                                         (size_t) (bytes - reader->origin), size)
           : wb_kvlist_add_checked_bytes (list, key, key_size, type, bytes, size);
    return rc ? s_fail (reader, WB_CODEC_TOO_BIG) : 0;
}

static int
s_get_int (s_reader_t *reader, wb_kvlist_t *list, const uint8_t *key, size_t key_size)
{
    uint64_t high = s_get_u32 (reader);
    uint64_t low = s_get_u32 (reader);
    if (reader->status != WB_CODEC_OK)
        return -1;
    if (!reader->build)
        return 0;
    int64_t value = (int64_t) (high << 32 | low);
    int rc = list == reader->copied
           ? wb_kvlist_add_copied_int (list, (size_t) (key - reader->origin), key_size, value)
           : wb_kvlist_add_checked_int (list, key, key_size, value);
    return rc ? s_fail (reader, WB_CODEC_TOO_BIG) : 0;
}

static int s_get_list (s_reader_t *reader, size_t depth, wb_kvlist_t **list_p);

//  A list nested at this depth or deeper is checked like any other but kept
//  as its bytes until someone reads it: a page of 500 interactions is one
//  list of lists (depth 3), and a client often shows only a screenful.
//  wb_kvlist_decode_lazy keeps every nested list (depth 2 on) but a list
//  of lists (s_holds_lists): a client reading an event's top level never
//  builds its Interaction, and a page's items are kept one by one.
#define LAZY_DEPTH 3
#define LAZY_DEPTH_ALL 2

//  True if the list whose encoding starts at bytes (available of them)
//  begins with a list entry: a list of items, such as a page's
//  Interactions. Kept whole, it would be walked again when read, to keep
//  each item; built, its items are kept at once and it costs one entry
//  each. Only peeks: the walk that follows checks every byte.
static bool
s_holds_lists (const uint8_t *bytes, size_t available)
{
    if (available < 4 + 1 || (bytes [0] | bytes [1] | bytes [2] | bytes [3]) == 0)
        return false;
    size_t key_size = bytes [4];
    return available >= 4 + 1 + key_size + 1 && bytes [4 + 1 + key_size] == WB_TYPE_LIST;
}

//  A nested list kept as its checked bytes (reader's lazy_depth): the walk
//  builds nothing, and the entry gets the bytes and the depth the child
//  reached. Deferring, the walk checks only what skipping the list safely
//  needs (sizes, bounds, counts, depth, type tags): the entry is marked
//  unchecked, and its keys and UTF-8 are checked by its first reader.
static int
s_get_lazy_child (s_reader_t *reader, wb_kvlist_t *list, const uint8_t *key,
                  size_t key_size, size_t depth)
{
    const uint8_t *start = reader->cursor;
    size_t outer_deepest = reader->deepest;
    bool was_checked = reader->checked;
    reader->deepest = 0;
    reader->build = false;
    reader->checked = was_checked || reader->defer;
    wb_kvlist_t *unused = NULL;
    int rc = s_get_list (reader, depth + 1, &unused);
    reader->build = true;
    reader->checked = was_checked;
    size_t child_depth = reader->deepest - depth;
    reader->deepest = outer_deepest > reader->deepest ? outer_deepest : reader->deepest;
    if (rc)
        return -1;
    size_t size = (size_t) (reader->cursor - start);
    bool unchecked = reader->defer && !was_checked;
    rc = list == reader->copied
       ? wb_kvlist_add_copied_encoded (list, (size_t) (key - reader->origin), key_size,
                                       (size_t) (start - reader->origin), size, child_depth,
                                       unchecked)
       : wb_kvlist_add_checked_encoded (list, key, key_size, start, size, child_depth,
                                        unchecked);
    return rc ? s_fail (reader, WB_CODEC_TOO_BIG) : 0;
}

static int
s_get_child (s_reader_t *reader, wb_kvlist_t *list, const uint8_t *key, size_t key_size,
             size_t depth)
{
    if (reader->build && depth + 1 >= reader->lazy_depth
    &&  (depth + 1 >= LAZY_DEPTH || !s_holds_lists (reader->cursor, reader->remaining)))
        return s_get_lazy_child (reader, list, key, key_size, depth);
    wb_kvlist_t *child = NULL;
    if (s_get_list (reader, depth + 1, &child))
        return -1;
    if (!reader->build)
        return 0;
    int rc = list == reader->copied
           ? wb_kvlist_add_copied_list (list, (size_t) (key - reader->origin), key_size, &child)
           : wb_kvlist_add_checked_list (list, key, key_size, &child);
    return rc ? s_fail (reader, WB_CODEC_TOO_BIG) : 0;
}

//  True if all eight bytes of a word are printable ASCII other than space
//  (0x21..0x7e): a byte under 0x21, or over 0x7e, sets its high bit in
//  the test. A body is mostly keys, so they are checked this way.
static bool
s_word_printable (uint64_t word)
{
    const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
    uint64_t below = (word - ones * 0x21) & ~word;
    uint64_t above = (word + ones * (0x7f - 0x7e)) | word;
    return ((below | above) & high) == 0;
}

//  True if every byte of a key (1..WB_KEY_MAX bytes) is printable, 16 at
//  a time with SSE2 where readable bytes (at least size) allow, else
//  eight; the last block of a key longer than one overlaps the one before.
static inline bool
s_key_printable (const uint8_t *key, size_t size, size_t readable)
{
#ifdef S_SSE2
    if (size <= 16 && readable >= 16) {
        unsigned wanted = (1u << size) - 1;
        return (s_key_mask (key) & wanted) == wanted;
    }
    if (size > 16) {
        for (size_t offset = 0; offset + 16 < size; offset += 16)
            if (s_key_mask (key + offset) != 0xffffu)
                return false;
        return s_key_mask (key + size - 16) == 0xffffu;
    }
#else
    (void) readable;
#endif
    if (size < 8) {
        for (size_t offset = 0; offset < size; offset++)
            if (key [offset] < 0x21 || key [offset] > 0x7e)
                return false;
        return true;
    }
    uint64_t word;
    for (size_t offset = 0; offset + 8 < size; offset += 8) {
        memcpy (&word, key + offset, 8);
        if (!s_word_printable (word))
            return false;
    }
    memcpy (&word, key + size - 8, 8);
    return s_word_printable (word);
}

//  A key: 1..WB_KEY_MAX printable ASCII characters, no NUL, no space.
static const uint8_t *
s_get_key (s_reader_t *reader, size_t *key_size)
{
    const uint8_t *length = s_take (reader, 1);
    const uint8_t *key = length ? s_take (reader, *length) : NULL;
    if (!key)
        return NULL;
    *key_size = *length;
    if (*key_size == 0 || *key_size > WB_KEY_MAX
    ||  (!reader->checked && !s_key_printable (key, *key_size, *key_size + reader->remaining))) {
        s_fail (reader, WB_CODEC_BAD_KEY);
        return NULL;
    }
    return key;
}

static int
s_get_value (s_reader_t *reader, wb_kvlist_t *list, const uint8_t *key, size_t key_size,
             uint8_t type, size_t depth)
{
    switch (type) {
        case WB_TYPE_STRING:
        case WB_TYPE_BINARY:
            return s_get_bytes (reader, list, key, key_size, type);
        case WB_TYPE_INT:
            return s_get_int (reader, list, key, key_size);
        case WB_TYPE_LIST:
            return s_get_child (reader, list, key, key_size, depth);
    }
    return s_fail (reader, WB_CODEC_BAD_TYPE);
}

static int
s_get_entry (s_reader_t *reader, wb_kvlist_t *list, size_t depth)
{
    size_t key_size = 0;
    const uint8_t *key = s_get_key (reader, &key_size);
    const uint8_t *type = key ? s_take (reader, 1) : NULL;
    if (!type || s_get_value (reader, list, key, key_size, *type, depth))
        return -1;
    //  a later entry of the key left out is decoded, checked, then let go
    if (reader->omitted && depth == 1 && list && key_size == reader->omit_size
    &&  memcmp (key, reader->omit, key_size) == 0)
        wb_kvlist_truncate (list, wb_kvlist_size (list) - 1);
    return 0;
}

//  Before a top level of count entries is built: if its first entry is
//  an int of the key to leave out, read it here (its key equals a valid
//  one, so it passes every test s_get_entry makes) and say so; 1 if it
//  was, else 0, the cursor unmoved.
static uint32_t
s_omit_first (s_reader_t *reader, uint32_t count)
{
    size_t key_size = reader->omit_size;
    const uint8_t *cursor = reader->cursor;
    if (!reader->omit || count == 0 || reader->remaining < 1 + key_size + 1 + 8
    ||  cursor [0] != key_size || memcmp (cursor + 1, reader->omit, key_size) != 0
    ||  cursor [1 + key_size] != WB_TYPE_INT)
        return 0;
    s_take (reader, 1 + key_size + 1);
    uint64_t high = s_get_u32 (reader);
    uint64_t low = s_get_u32 (reader);
    reader->omitted = true;
    reader->omitted_value = (int64_t) (high << 32 | low);
    return 1;
}

//  For the fast lanes: true if an entry of this type is a string or a
//  binary whose size (read into *size) and bytes fit in the left bytes
//  from value on, within WB_VALUE_MAX.
static inline bool
s_sized_value (uint8_t type, const uint8_t *value, size_t left, size_t *size)
{
    if ((type != WB_TYPE_STRING && type != WB_TYPE_BINARY) || left < 4)
        return false;
    *size = s_be32 (value);
    return *size <= WB_VALUE_MAX && *size <= left - 4;
}

//  The fast lane of the checker: go past at most most entries that are
//  strings, ints or binaries and pass every test of s_get_entry (key,
//  sizes, UTF-8), with the cursor in a register; stop before any other
//  (a list, or one at fault), which s_get_entry then reads and, if it is
//  at fault, reports exactly as it always did. The number gone past. Bytes
//  whose keys and UTF-8 are not checked here (the reader's checked) go
//  through s_skip_sizes instead.
static inline uint32_t
s_skip_plain (s_reader_t *reader, uint32_t most)
{
    const uint8_t *cursor = reader->cursor, *end = cursor + reader->remaining;
    uint32_t done = 0;
    for (; done < most; done++) {
        size_t left = (size_t) (end - cursor);
        size_t key_size = left >= 2 ? cursor [0] : 0;
        if (key_size == 0 || key_size > WB_KEY_MAX || left < 2 + key_size
        ||  !s_key_printable (cursor + 1, key_size, left - 1))
            break;
        uint8_t type = cursor [1 + key_size];
        const uint8_t *value = cursor + 2 + key_size;
        left -= 2 + key_size;
        if (type == WB_TYPE_INT && left >= 8) {
            cursor = value + 8;
            continue;
        }
        size_t size = 0;
        if (!s_sized_value (type, value, left, &size)
        ||  (type == WB_TYPE_STRING && !s_utf8_quick (value + 4, size, left - 4)))
            break;
        cursor = value + 4 + size;
    }
    reader->remaining -= (size_t) (cursor - reader->cursor);
    reader->cursor = cursor;
    return done;
}

//  s_skip_plain for bytes whose keys and UTF-8 are not checked here (the
//  reader's checked): a hop per entry, in as few tests as its sizes take.
//  One test bounds the key, its type tag and the four bytes after it (an
//  int's first half, or a size): no entry is smaller. A key's length less
//  one, unsigned, is over WB_KEY_MAX - 1 for 0 as well. Then the value's
//  span (an int's 8 bytes, or a size and its bytes) is bounded by what is
//  left. It stops where s_skip_plain stops, or sooner: the entry it stops
//  at is read by s_get_entry.
static inline uint32_t
s_skip_sizes (s_reader_t *reader, uint32_t most)
{
    const uint8_t *cursor = reader->cursor, *end = cursor + reader->remaining;
    uint32_t done = 0;
    for (; done < most; done++) {
        size_t left = (size_t) (end - cursor);
        if (left < 2 + 1 + 4)
            break;
        size_t key_size = cursor [0];
        if (key_size - 1 >= WB_KEY_MAX || key_size > left - (2 + 4))
            break;
        const uint8_t *value = cursor + 2 + key_size;
        size_t span = 8;
        if (value [-1] != WB_TYPE_INT) {
            if (value [-1] != WB_TYPE_STRING && value [-1] != WB_TYPE_BINARY)
                break;
            span = 4 + (size_t) s_be32 (value);
            if (span > 4 + WB_VALUE_MAX)
                break;
        }
        if (span > left - 2 - key_size)
            break;
        cursor = value + span;
    }
    reader->remaining -= (size_t) (cursor - reader->cursor);
    reader->cursor = cursor;
    return done;
}

//  The fast lane of the decoder, for a top level held as a copy of its
//  bytes (the reader's copied): s_skip_plain's walk (s_skip_sizes' for
//  checked bytes), adding each entry it goes past. It stops before any
//  entry that is not plain, at fault, or may have the key left out (its
//  length alike), which s_get_entry then reads as it always did.
static inline uint32_t
s_build_plain (s_reader_t *reader, wb_kvlist_t *list, uint32_t most)
{
    const uint8_t *cursor = reader->cursor, *end = cursor + reader->remaining;
    uint32_t done = 0;
    for (; done < most; done++) {
        size_t left = (size_t) (end - cursor);
        size_t key_size = left >= 2 ? cursor [0] : 0;
        if (key_size == 0 || key_size > WB_KEY_MAX || left < 2 + key_size
        ||  (reader->omitted && key_size == reader->omit_size)
        ||  (!reader->checked && !s_key_printable (cursor + 1, key_size, left - 1)))
            break;
        uint8_t type = cursor [1 + key_size];
        const uint8_t *value = cursor + 2 + key_size;
        size_t key_offset = (size_t) (cursor + 1 - reader->origin);
        left -= 2 + key_size;
        if (type == WB_TYPE_INT && left >= 8) {
            uint64_t high = s_be32 (value), low = s_be32 (value + 4);
            if (wb_kvlist_add_copied_int (list, key_offset, key_size,
                                          (int64_t) (high << 32 | low)))
                break;
            cursor = value + 8;
            continue;
        }
        size_t size = 0;
        if (!s_sized_value (type, value, left, &size)
        ||  (type == WB_TYPE_STRING && !reader->checked
             && !s_utf8_quick (value + 4, size, left - 4))
        ||  wb_kvlist_add_copied_bytes (list, key_offset, key_size, type,
                                        (size_t) (value + 4 - reader->origin), size))
            break;
        cursor = value + 4 + size;
    }
    reader->remaining -= (size_t) (cursor - reader->cursor);
    reader->cursor = cursor;
    return done;
}

//  A top level of at most this many bytes is decoded into a copy of
//  them (a message's body, most often): its keys and values are not
//  copied one by one. The copy holds what the entries do not need (type
//  tags, lengths, ints, the bytes of a nested list that is built), so a
//  bigger body (a page) is decoded as a nested list is, into an arena.
#define S_COPY_MOST 4096

//  The list about to be built at this depth, with room for count entries.
static wb_kvlist_t *
s_new_list (s_reader_t *reader, size_t depth, size_t count)
{
    //  the top level's bytes are all the reader has left: exactly its own
    if (depth > 1 || reader->remaining > S_COPY_MOST)
        return wb_kvlist_new_sized (count, reader->remaining);
    reader->copied = wb_kvlist_new_copy (count, reader->cursor, reader->remaining);
    reader->origin = reader->cursor;
    return reader->copied;
}

//  A list at this depth: into *list_p when building. 0 or -1.
static int
s_get_list (s_reader_t *reader, size_t depth, wb_kvlist_t **list_p)
{
    if (depth > WB_DEPTH_MAX)
        return s_fail (reader, WB_CODEC_TOO_DEEP);
    uint32_t count = s_get_u32 (reader);
    if (reader->status != WB_CODEC_OK)
        return -1;
    //  A count the remaining bytes cannot hold is refused before any
    //  allocation, so a forged count cannot exhaust memory.
    if (count > WB_ENTRIES_MAX || count > reader->remaining / MIN_ENTRY_BYTES)
        return s_fail (reader, WB_CODEC_TOO_MANY);
    reader->deepest = depth > reader->deepest ? depth : reader->deepest;
    uint32_t index = depth == 1 && reader->build ? s_omit_first (reader, count) : 0;
    wb_kvlist_t *list = NULL;
    if (reader->build) {
        list = s_new_list (reader, depth, count - index);
        if (!list)
            return s_fail (reader, WB_CODEC_TOO_BIG);
    }
    while (index < count) {
        //  checking only: the plain entries that pass go by quickly
        if (!reader->build
        &&  (index += reader->checked ? s_skip_sizes (reader, count - index)
                                      : s_skip_plain (reader, count - index)) == count)
            break;
        //  building a top level held as a copy: so do the plain entries
        if (list && list == reader->copied
        &&  (index += s_build_plain (reader, list, count - index)) == count)
            break;
        if (s_get_entry (reader, list, depth)) {
            wb_kvlist_destroy (&list);
            return -1;
        }
        index++;
    }
    *list_p = list;
    return 0;
}

//  Decode or check exactly size bytes: the reader's status.
static wb_codec_status_t
s_read (s_reader_t *reader, wb_kvlist_t **list_p)
{
    if (!reader->cursor || reader->remaining > WB_BODY_MAX)
        return reader->cursor ? WB_CODEC_TOO_BIG : WB_CODEC_TRUNCATED;
    if (s_get_list (reader, 1, list_p) == 0 && reader->remaining > 0) {
        reader->status = WB_CODEC_TRAILING;
        wb_kvlist_destroy (list_p);
    }
    return reader->status;
}

//  Decode, keeping the lists nested lazy_depth deep or deeper as bytes.
static wb_kvlist_t *
s_decode (const uint8_t *data, size_t size, size_t lazy_depth, bool checked, bool defer,
          wb_codec_status_t *status)
{
    wb_codec_status_t ignored;
    status = status ? status : &ignored;
    s_reader_t reader = { data, size, WB_CODEC_OK, true, 0, lazy_depth, checked, defer,
                          NULL, 0, false, 0, NULL, NULL };
    wb_kvlist_t *list = NULL;
    *status = s_read (&reader, &list);
    return list;
}

wb_kvlist_t *
wb_kvlist_decode_omit_int (const uint8_t *data, size_t size, bool lazy, const char *key,
                           int64_t *value, bool *omitted, wb_codec_status_t *status)
{
    s_reader_t reader = { data, size, WB_CODEC_OK, true, 0, lazy ? LAZY_DEPTH_ALL : LAZY_DEPTH,
                          false, lazy, key, strlen (key), false, 0, NULL, NULL };
    wb_kvlist_t *list = NULL;
    *status = s_read (&reader, &list);
    *omitted = list && reader.omitted;
    *value = *omitted ? reader.omitted_value : 0;
    return list;
}

wb_kvlist_t *
wb_kvlist_decode (const uint8_t *data, size_t size, wb_codec_status_t *status)
{
    return s_decode (data, size, LAZY_DEPTH, false, false, status);
}

wb_kvlist_t *
wb_kvlist_decode_lazy (const uint8_t *data, size_t size, wb_codec_status_t *status)
{
    return s_decode (data, size, LAZY_DEPTH_ALL, false, true, status);
}

wb_kvlist_t *
wb_kvlist_decode_deferred (const uint8_t *data, size_t size, wb_codec_status_t *status)
{
    return s_decode (data, size, LAZY_DEPTH_ALL, false, false, status);
}

wb_kvlist_t *
wb_kvlist_decode_checked (const uint8_t *data, size_t size)
{
    return s_decode (data, size, LAZY_DEPTH_ALL, true, false, NULL);
}

wb_codec_status_t
wb_kvlist_check (const uint8_t *data, size_t size, size_t *depth)
{
    s_reader_t reader = { data, size, WB_CODEC_OK, false, 0, LAZY_DEPTH, false, false,
                          NULL, 0, false, 0, NULL, NULL };
    wb_kvlist_t *unused = NULL;
    wb_codec_status_t status = s_read (&reader, &unused);
    if (depth)
        *depth = status == WB_CODEC_OK ? reader.deepest : 0;
    return status;
}

//  Skip the value of an entry of this type; 0 or -1.
static int
s_skip_value (s_reader_t *reader, uint8_t type)
{
    size_t size = 0;
    wb_kvlist_t *unused = NULL;
    switch (type) {
        case WB_TYPE_STRING:
        case WB_TYPE_BINARY:
            return s_get_sized (reader, &size) ? 0 : -1;
        case WB_TYPE_INT:
            return s_take (reader, 8) ? 0 : -1;
        case WB_TYPE_LIST:
            return s_get_list (reader, 2, &unused);
    }
    return s_fail (reader, WB_CODEC_BAD_TYPE);
}

const char *
wb_kvlist_encoded_string (const uint8_t *data, size_t size, const char *key, size_t *length)
{
    size_t wanted = key ? strlen (key) : 0;
    //  most often it is the first entry (an interaction's InteractionId):
    //  its key matches byte for byte (so it is a key) and is a string
    //  whose size fits, or the walk below decides
    if (data && wanted && wanted <= WB_KEY_MAX && size >= 4 + 1 + wanted + 1 + 4
    &&  (data [0] | data [1] | data [2] | data [3]) && data [4] == wanted
    &&  memcmp (data + 5, key, wanted) == 0
    &&  s_key_printable ((const uint8_t *) key, wanted, wanted)
    &&  data [5 + wanted] == WB_TYPE_STRING) {
        const uint8_t *sized = data + 5 + wanted + 1;
        size_t length_found = s_be32 (sized);
        if (length_found <= WB_VALUE_MAX && length_found <= size - (size_t) (sized + 4 - data)) {
            *length = length_found;
            return (const char *) sized + 4;
        }
    }
    s_reader_t reader = { data, data ? size : 0, WB_CODEC_OK, false, 0, LAZY_DEPTH, false,
                          false, NULL, 0, false, 0, NULL, NULL };
    uint32_t count = s_get_u32 (&reader);
    for (uint32_t index = 0; reader.status == WB_CODEC_OK && index < count; index++) {
        size_t key_size = 0;
        const uint8_t *name = s_get_key (&reader, &key_size);
        const uint8_t *type = name ? s_take (&reader, 1) : NULL;
        if (!type)
            break;
        //  the first entry with the key decides, as wb_kvlist_string
        if (key_size == wanted && memcmp (name, key, wanted) == 0)
            return *type == WB_TYPE_STRING ? (const char *) s_get_sized (&reader, length)
                                           : NULL;
        if (s_skip_value (&reader, *type))
            break;
    }
    return NULL;
}

int
wb_kvlist_encoded_head (const uint8_t *data, size_t size, wb_kvlist_head_fn *fn, void *arg)
{
    s_reader_t reader = { data, data ? size : 0, WB_CODEC_OK, false, 0, LAZY_DEPTH, false,
                          false, NULL, 0, false, 0, NULL, NULL };
    uint32_t count = s_get_u32 (&reader);
    if (size > WB_BODY_MAX || count > WB_ENTRIES_MAX)
        return -1;
    for (uint32_t index = 0; reader.status == WB_CODEC_OK && index < count; index++) {
        wb_kvlist_head_entry_t entry = { NULL, 0, WB_TYPE_INT, 0, 0 };
        entry.key = s_get_key (&reader, &entry.key_size);
        const uint8_t *type = entry.key ? s_take (&reader, 1) : NULL;
        if (!type)
            return -1;
        entry.type = (wb_type_t) *type;
        size_t value_size = 0;
        if (entry.type == WB_TYPE_INT) {
            uint64_t high = s_get_u32 (&reader);
            entry.value = (int64_t) (high << 32 | s_get_u32 (&reader));
        }
        else
        if (entry.type == WB_TYPE_LIST)
            entry.count = s_get_u32 (&reader);
        else
        if (entry.type != WB_TYPE_STRING && entry.type != WB_TYPE_BINARY)
            return -1;
        else {
            const uint8_t *bytes = s_get_sized (&reader, &value_size);
            if (bytes && entry.type == WB_TYPE_STRING
            &&  !s_utf8_valid (bytes, value_size, value_size + reader.remaining))
                return -1;
        }
        if (reader.status != WB_CODEC_OK)
            return -1;
        if (!fn (arg, &entry))
            return 0;
        if (entry.type == WB_TYPE_LIST)
            return -1;
    }
    return -1;
}

// ---------------------------------------------------------------- printing

typedef struct {
    char *buffer;
    size_t capacity;
    size_t length;
    bool full;
} s_writer_t;

//  Append formatted text; once it no longer fits, end the text with "...".
static void
s_write (s_writer_t *writer, const char *format, ...)
    WB_PRINTF (2, 3);

static void
s_write (s_writer_t *writer, const char *format, ...)
{
    if (writer->full)
        return;
    size_t room = writer->capacity - writer->length;
    va_list args;
    va_start (args, format);
    int written = vsnprintf (writer->buffer + writer->length, room, format, args);
    va_end (args);
    if (written >= 0 && (size_t) written < room) {
        writer->length += (size_t) written;
        return;
    }
    writer->full = true;
    if (writer->capacity >= 4)
        strcpy (writer->buffer + writer->capacity - 4, "...");
}

//  Bytes of the character at text that a log line must not hold as they
//  are: C0 controls (a newline would forge a line), DEL, C1 controls
//  (U+0080 to U+009F, two bytes in UTF-8, CSI among them) and the
//  backslash that starts an escape; 0 for a character printed as it is.
static size_t
s_unsafe_length (const uint8_t *text)
{
    if (text [0] < 0x20 || text [0] == 0x7f || text [0] == '\\')
        return 1;
    return text [0] == 0xc2 && text [1] >= 0x80 && text [1] <= 0x9f ? 2 : 0;
}

//  A string in quotes, each unsafe character escaped: \n \r \t \\ or
//  \xHH for each of its bytes. Every other byte goes out as it is.
static void
s_write_quoted (s_writer_t *writer, const char *string)
{
    const uint8_t *cursor = (const uint8_t *) string;
    s_write (writer, "'");
    while (*cursor) {
        size_t run = 0, unsafe = 0;
        while (cursor [run] && (unsafe = s_unsafe_length (cursor + run)) == 0)
            run++;
        if (run)
            s_write (writer, "%.*s", (int) run, (const char *) cursor);
        cursor += run;
        if (!unsafe || !*cursor)
            break;
        const char *named = *cursor == '\n' ? "\\n" : *cursor == '\r' ? "\\r"
                          : *cursor == '\t' ? "\\t" : *cursor == '\\' ? "\\\\" : NULL;
        if (named)
            s_write (writer, "%s", named);
        else
            for (size_t index = 0; index < unsafe; index++)
                s_write (writer, "\\x%02x", cursor [index]);
        cursor += unsafe;
    }
    s_write (writer, "'");
}

static void
s_print_list (s_writer_t *writer, const wb_kvlist_t *self)
{
    s_write (writer, "{");
    for (size_t index = 0; index < wb_kvlist_size (self); index++) {
        const char *key = wb_kvlist_key_at (self, index);
        s_write (writer, "%s%s=", index ? " " : "", key);
        size_t size = 0;
        switch (wb_kvlist_type_at (self, index)) {
            case WB_TYPE_STRING:
                s_write_quoted (writer, wb_kvlist_string_at (self, index));
                break;
            case WB_TYPE_INT:
                s_write (writer, "%" PRId64, wb_kvlist_int_at (self, index));
                break;
            case WB_TYPE_BINARY:
                wb_kvlist_binary_at (self, index, &size);
                s_write (writer, "<%zu bytes>", size);
                break;
            case WB_TYPE_LIST:
                //  received bytes whose first read failed are named, not shown
                if (wb_kvlist_status_at (self, index) != WB_CODEC_OK)
                    s_write (writer, "<cannot be read: %s>",
                             wb_codec_status_text (wb_kvlist_status_at (self, index)));
                else
                    s_print_list (writer, wb_kvlist_list_at (self, index));
                break;
        }
    }
    s_write (writer, "}");
}

void
wb_kvlist_print (const wb_kvlist_t *self, char *buffer, size_t capacity)
{
    if (!buffer || capacity == 0)
        return;
    buffer [0] = 0;
    s_writer_t writer = { buffer, capacity, 0, false };
    if (self)
        s_print_list (&writer, self);
}
