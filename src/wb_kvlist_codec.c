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

/* The smallest encoded entry: 1-byte key, type, an empty string. */
#define MIN_ENTRY_BYTES (1 + 1 + 1 + 4)

// ---------------------------------------------------------------- encoding

static size_t
s_list_size (const wb_kvlist_t *self)
{
    size_t size = 4;
    for (size_t index = 0; index < wb_kvlist_size (self); index++) {
        size += 1 + strlen (wb_kvlist_key_at (self, index)) + 1;
        size_t value_size = 0;
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

static uint8_t *
s_put_list (uint8_t *cursor, const wb_kvlist_t *self)
{
    cursor = s_put_u32 (cursor, (uint32_t) wb_kvlist_size (self));
    for (size_t index = 0; index < wb_kvlist_size (self); index++) {
        const char *key = wb_kvlist_key_at (self, index);
        wb_type_t type = wb_kvlist_type_at (self, index);
        *cursor++ = (uint8_t) strlen (key);
        memcpy (cursor, key, strlen (key));
        cursor += strlen (key);
        *cursor++ = (uint8_t) type;
        if (type == WB_TYPE_STRING) {
            const char *string = wb_kvlist_string_at (self, index);
            cursor = s_put_bytes (cursor, string, strlen (string));
        }
        else
        if (type == WB_TYPE_INT) {
            uint64_t value = (uint64_t) wb_kvlist_int_at (self, index);
            cursor = s_put_u32 (cursor, (uint32_t) (value >> 32));
            cursor = s_put_u32 (cursor, (uint32_t) value);
        }
        else
        if (type == WB_TYPE_BINARY) {
            size_t size = 0;
            const void *data = wb_kvlist_binary_at (self, index, &size);
            cursor = s_put_bytes (cursor, data, size);
        }
        else
            cursor = s_put_list (cursor, wb_kvlist_list_at (self, index));
    }
    return cursor;
}

static size_t
s_depth (const wb_kvlist_t *self)
{
    size_t deepest = 0;
    for (size_t index = 0; index < wb_kvlist_size (self); index++) {
        wb_kvlist_t *child = wb_kvlist_list_at (self, index);
        if (child) {
            size_t depth = s_depth (child);
            if (depth > deepest)
                deepest = depth;
        }
    }
    return deepest + 1;
}

uint8_t *
wb_kvlist_encode (const wb_kvlist_t *self, size_t *size)
{
    if (!self || !size)
        return NULL;
    //  Refuse to write what a peer would refuse to read
    *size = s_list_size (self);
    if (*size > WB_BODY_MAX || s_depth (self) > WB_DEPTH_MAX)
        return NULL;
    uint8_t *buffer = malloc (*size);
    if (buffer)
        s_put_list (buffer, self);
    return buffer;
}

// ---------------------------------------------------------------- decoding

typedef struct {
    const uint8_t *cursor;
    size_t remaining;
    wb_codec_status_t status;
} s_reader_t;

//  Take size bytes from the reader; NULL (and TRUNCATED) if fewer remain.
static const uint8_t *
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

static uint32_t
s_get_u32 (s_reader_t *reader)
{
    const uint8_t *bytes = s_take (reader, 4);
    if (!bytes)
        return 0;
    return (uint32_t) bytes [0] << 24 | (uint32_t) bytes [1] << 16
         | (uint32_t) bytes [2] << 8 | bytes [3];
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

static bool
s_utf8_valid (const uint8_t *text, size_t size)
{
    size_t offset = 0;
    while (offset < size) {
        size_t length = s_utf8_sequence (text + offset, size - offset);
        if (length == 0)
            return false;
        offset += length;
    }
    return true;
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

static int
s_get_string (s_reader_t *reader, wb_kvlist_t *list, const char *key)
{
    size_t size;
    const uint8_t *bytes = s_get_sized (reader, &size);
    if (!bytes)
        return -1;
    if (!s_utf8_valid (bytes, size))
        return s_fail (reader, WB_CODEC_BAD_UTF8);
    char *string = malloc (size + 1);
    if (!string)
        return s_fail (reader, WB_CODEC_TOO_BIG);
    memcpy (string, bytes, size);
    string [size] = 0;
    int rc = wb_kvlist_add_string (list, key, string);
    free (string);
    return rc ? s_fail (reader, WB_CODEC_TOO_BIG) : 0;
}

static int
s_get_int (s_reader_t *reader, wb_kvlist_t *list, const char *key)
{
    uint64_t high = s_get_u32 (reader);
    uint64_t low = s_get_u32 (reader);
    if (reader->status != WB_CODEC_OK)
        return -1;
    return wb_kvlist_add_int (list, key, (int64_t) (high << 32 | low));
}

static int
s_get_binary (s_reader_t *reader, wb_kvlist_t *list, const char *key)
{
    size_t size;
    const uint8_t *bytes = s_get_sized (reader, &size);
    if (!bytes)
        return -1;
    return wb_kvlist_add_binary (list, key, bytes, size)
         ? s_fail (reader, WB_CODEC_TOO_BIG) : 0;
}

static wb_kvlist_t *s_get_list (s_reader_t *reader, size_t depth);

static int
s_get_entry (s_reader_t *reader, wb_kvlist_t *list, size_t depth)
{
    const uint8_t *key_length = s_take (reader, 1);
    if (!key_length)
        return -1;
    const uint8_t *key_bytes = s_take (reader, *key_length);
    if (!key_bytes)
        return -1;
    char key [WB_KEY_MAX + 1];
    if (*key_length == 0 || *key_length > WB_KEY_MAX)
        return s_fail (reader, WB_CODEC_BAD_KEY);
    //  printable ASCII only: no NUL to cut the key short, no space
    for (size_t index = 0; index < *key_length; index++)
        if (key_bytes [index] < 0x21 || key_bytes [index] > 0x7e)
            return s_fail (reader, WB_CODEC_BAD_KEY);
    memcpy (key, key_bytes, *key_length);
    key [*key_length] = 0;
    const uint8_t *type = s_take (reader, 1);
    if (!type)
        return -1;
    switch (*type) {
        case WB_TYPE_STRING: return s_get_string (reader, list, key);
        case WB_TYPE_INT:    return s_get_int (reader, list, key);
        case WB_TYPE_BINARY: return s_get_binary (reader, list, key);
        case WB_TYPE_LIST: {
            wb_kvlist_t *child = s_get_list (reader, depth + 1);
            if (!child)
                return -1;
            return wb_kvlist_add_list (list, key, &child);
        }
    }
    return s_fail (reader, WB_CODEC_BAD_TYPE);
}

static wb_kvlist_t *
s_get_list (s_reader_t *reader, size_t depth)
{
    if (depth > WB_DEPTH_MAX) {
        s_fail (reader, WB_CODEC_TOO_DEEP);
        return NULL;
    }
    uint32_t count = s_get_u32 (reader);
    if (reader->status != WB_CODEC_OK)
        return NULL;
    //  A count the remaining bytes cannot hold is refused before any
    //  allocation, so a forged count cannot exhaust memory.
    if (count > WB_ENTRIES_MAX || count > reader->remaining / MIN_ENTRY_BYTES) {
        s_fail (reader, WB_CODEC_TOO_MANY);
        return NULL;
    }
    wb_kvlist_t *list = wb_kvlist_new ();
    if (!list) {
        s_fail (reader, WB_CODEC_TOO_BIG);
        return NULL;
    }
    for (uint32_t index = 0; index < count; index++)
        if (s_get_entry (reader, list, depth)) {
            //  add_ fails only on a key it refuses: report that
            s_fail (reader, WB_CODEC_BAD_KEY);
            wb_kvlist_destroy (&list);
            return NULL;
        }
    return list;
}

wb_kvlist_t *
wb_kvlist_decode (const uint8_t *data, size_t size, wb_codec_status_t *status)
{
    wb_codec_status_t ignored;
    if (!status)
        status = &ignored;
    if (!data || size > WB_BODY_MAX) {
        *status = data ? WB_CODEC_TOO_BIG : WB_CODEC_TRUNCATED;
        return NULL;
    }
    s_reader_t reader = { data, size, WB_CODEC_OK };
    wb_kvlist_t *list = s_get_list (&reader, 1);
    if (list && reader.remaining > 0) {
        reader.status = WB_CODEC_TRAILING;
        wb_kvlist_destroy (&list);
    }
    *status = reader.status;
    return list;
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
    __attribute__ ((format (printf, 2, 3)));

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
                s_write (writer, "'%s'", wb_kvlist_string_at (self, index));
                break;
            case WB_TYPE_INT:
                s_write (writer, "%" PRId64, wb_kvlist_int_at (self, index));
                break;
            case WB_TYPE_BINARY:
                wb_kvlist_binary_at (self, index, &size);
                s_write (writer, "<%zu bytes>", size);
                break;
            case WB_TYPE_LIST:
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
