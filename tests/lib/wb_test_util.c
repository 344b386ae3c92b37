/*  wb_test_util: helpers shared by the unit tests. See wb_test_util.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wb_test_util.h"
#include "wb_store.h"

wb_bytes_t *
wb_bytes_new (void)
{
    wb_bytes_t *self = calloc (1, sizeof (wb_bytes_t));
    if (!self)
        abort ();
    return self;
}

void
wb_bytes_destroy (wb_bytes_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free ((*self_p)->data);
    free (*self_p);
    *self_p = NULL;
}

//  Make room for size more bytes.
static void
s_reserve (wb_bytes_t *self, size_t size)
{
    if (self->size + size <= self->capacity)
        return;
    size_t capacity = self->capacity ? self->capacity : 64;
    while (capacity < self->size + size)
        capacity *= 2;
    uint8_t *data = realloc (self->data, capacity);
    if (!data)
        abort ();
    self->data = data;
    self->capacity = capacity;
}

void
wb_bytes_raw (wb_bytes_t *self, const void *data, size_t size)
{
    s_reserve (self, size);
    if (size)
        memcpy (self->data + self->size, data, size);
    self->size += size;
}

void
wb_bytes_repeat (wb_bytes_t *self, uint8_t byte, size_t count)
{
    s_reserve (self, count);
    memset (self->data + self->size, byte, count);
    self->size += count;
}

uint8_t *
wb_bytes_marker (uint8_t *bytes, size_t size, const char *marker)
{
    size_t length = strlen (marker);
    for (size_t offset = 0; offset + length <= size; offset++)
        if (memcmp (bytes + offset, marker, length) == 0)
            return bytes + offset;
    fprintf (stderr, "wb_bytes_marker: %s is not in the bytes\n", marker);
    abort ();
}

void
wb_bytes_u8 (wb_bytes_t *self, uint8_t value)
{
    wb_bytes_raw (self, &value, 1);
}

void
wb_bytes_u32 (wb_bytes_t *self, uint32_t value)
{
    const uint8_t bytes [4] = {
        (uint8_t) (value >> 24), (uint8_t) (value >> 16),
        (uint8_t) (value >> 8), (uint8_t) value
    };
    wb_bytes_raw (self, bytes, sizeof (bytes));
}

void
wb_bytes_i64 (wb_bytes_t *self, int64_t value)
{
    uint64_t bits = (uint64_t) value;
    wb_bytes_u32 (self, (uint32_t) (bits >> 32));
    wb_bytes_u32 (self, (uint32_t) bits);
}

void
wb_bytes_key (wb_bytes_t *self, const char *key)
{
    size_t length = strlen (key);
    wb_bytes_u8 (self, (uint8_t) length);
    wb_bytes_raw (self, key, length);
}

void
wb_bytes_key_type (wb_bytes_t *self, const char *key, uint8_t type)
{
    wb_bytes_key (self, key);
    wb_bytes_u8 (self, type);
}

void
wb_bytes_sized (wb_bytes_t *self, const void *data, size_t size)
{
    wb_bytes_u32 (self, (uint32_t) size);
    wb_bytes_raw (self, data, size);
}

void
wb_bytes_string (wb_bytes_t *self, const char *key, const char *value)
{
    wb_bytes_key_type (self, key, 1);
    wb_bytes_sized (self, value, strlen (value));
}

void
wb_bytes_int (wb_bytes_t *self, const char *key, int64_t value)
{
    wb_bytes_key_type (self, key, 2);
    wb_bytes_i64 (self, value);
}

void
wb_bytes_binary (wb_bytes_t *self, const char *key, const void *data, size_t size)
{
    wb_bytes_key_type (self, key, 3);
    wb_bytes_sized (self, data, size);
}

void
wb_bytes_list (wb_bytes_t *self, const char *key, uint32_t count)
{
    wb_bytes_key_type (self, key, 4);
    wb_bytes_u32 (self, count);
}

wb_bytes_t *
wb_bytes_body (uint32_t count, int64_t reference_id)
{
    wb_bytes_t *self = wb_bytes_new ();
    wb_bytes_u32 (self, count);
    wb_bytes_int (self, "ReferenceId", reference_id);
    return self;
}

wb_test_frame_t
wb_test_frame_str (const char *text)
{
    return (wb_test_frame_t) { text, strlen (text) };
}

zmsg_t *
wb_test_zmsg (const wb_test_frame_t *frames, size_t count)
{
    zmsg_t *zmsg = zmsg_new ();
    if (!zmsg)
        abort ();
    for (size_t index = 0; index < count; index++)
        if (zmsg_addmem (zmsg, frames [index].data, frames [index].size))
            abort ();
    return zmsg;
}

zmsg_t *
wb_test_message (const char *protocol, const char *name, const wb_bytes_t *body)
{
    const wb_test_frame_t frames [] = {
        wb_test_frame_str (protocol),
        wb_test_frame_str (name),
        { body->data, body->size },
    };
    return wb_test_zmsg (frames, 3);
}

int
wb_test_server_init (wb_test_server_t *self, const char *name)
{
    memset (self, 0, sizeof (*self));
    const char *srcdir = getenv ("WB_SRCDIR") ? getenv ("WB_SRCDIR") : ".";
    snprintf (self->directory, sizeof (self->directory), "%s/tests/data/engine.cfg", srcdir);
    snprintf (self->folder, sizeof (self->folder), "/tmp/wb-%.32s-XXXXXX", name);
    if (!mkdtemp (self->folder))
        return -1;
    snprintf (self->database, sizeof (self->database), "%s/store.db", self->folder);
    self->options.directory_path = self->directory;
    if (wb_store_sqlite_uri (self->database, self->store_uri, sizeof (self->store_uri)))
        return -1;
    self->options.store_uri = self->store_uri;
    self->options.endpoints [0] = "tcp://127.0.0.1:*";
    return 0;
}

int
wb_test_server_start (wb_test_server_t *self, char *error, size_t error_size)
{
    self->actor = zactor_new (wb_server_actor, &self->options);
    char *endpoint = self->actor ? zstr_recv (self->actor) : NULL;
    if (!endpoint || strncmp (endpoint, "error:", 6) == 0) {
        snprintf (error, error_size, "%s", endpoint ? endpoint : "no answer from the actor");
        zstr_free (&endpoint);
        zactor_destroy (&self->actor);
        return -1;
    }
    snprintf (self->endpoint, sizeof (self->endpoint), "%s", endpoint);
    zstr_free (&endpoint);
    return 0;
}

void
wb_test_server_stop (wb_test_server_t *self)
{
    zactor_destroy (&self->actor);
}

int
wb_test_server_cleanup (wb_test_server_t *self)
{
    wb_test_server_stop (self);
    char command [128];
    snprintf (command, sizeof (command), "rm -rf '%s'", self->folder);
    return self->folder [0] && system (command) == 0 ? 0 : -1;
}
