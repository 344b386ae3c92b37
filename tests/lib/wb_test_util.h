/*  wb_test_util: helpers shared by the unit tests.

    wb_bytes_t builds raw bodies field by field, so that a malformed input
    reads as what it is ("a key of 65 bytes") rather than as opaque hex.
    Integers are written big-endian, as on the wire:
        list  = count:u32 entry{count}
        entry = keylen:u8 key type:u8 value
    Allocation failures abort: these helpers are for tests only.
*/
#ifndef WB_TEST_UTIL_H_INCLUDED
#define WB_TEST_UTIL_H_INCLUDED

#include <stddef.h>
#include <stdint.h>
#include <czmq.h>
#include "wb_server.h"

typedef struct {
    uint8_t *data;
    size_t size;
    size_t capacity;
} wb_bytes_t;

wb_bytes_t *wb_bytes_new (void);
void wb_bytes_destroy (wb_bytes_t **self_p);

/* Raw fields. */
void wb_bytes_u8 (wb_bytes_t *self, uint8_t value);
void wb_bytes_u32 (wb_bytes_t *self, uint32_t value);
void wb_bytes_i64 (wb_bytes_t *self, int64_t value);
void wb_bytes_raw (wb_bytes_t *self, const void *data, size_t size);
void wb_bytes_repeat (wb_bytes_t *self, uint8_t byte, size_t count);
/* Where the first marker (its strlen bytes) starts in size bytes, to
   change a byte there; aborts, naming it, if it is not there (the test's
   own mistake). */
uint8_t *wb_bytes_marker (uint8_t *bytes, size_t size, const char *marker);

/* Pieces of an entry. */
/* keylen:u8 then the key's bytes (strlen of key). */
void wb_bytes_key (wb_bytes_t *self, const char *key);
/* A key then its type tag. */
void wb_bytes_key_type (wb_bytes_t *self, const char *key, uint8_t type);
/* A length-prefixed value: len:u32 then size bytes. */
void wb_bytes_sized (wb_bytes_t *self, const void *data, size_t size);

/* Whole, well-formed entries. */
void wb_bytes_string (wb_bytes_t *self, const char *key, const char *value);
void wb_bytes_int (wb_bytes_t *self, const char *key, int64_t value);
void wb_bytes_binary (wb_bytes_t *self, const char *key, const void *data, size_t size);
/* The head of a nested list entry: key, type 4, count; entries follow. */
void wb_bytes_list (wb_bytes_t *self, const char *key, uint32_t count);

/* A body that starts as every body must: count, then ReferenceId. */
wb_bytes_t *wb_bytes_body (uint32_t count, int64_t reference_id);

/* One frame's bytes; frames may hold any bytes, NULs included. */
typedef struct {
    const void *data;
    size_t size;
} wb_test_frame_t;

/* A frame holding a C string, without its terminating NUL. */
wb_test_frame_t wb_test_frame_str (const char *text);

/* A zmsg of the given frames, in order (count may be 0). */
zmsg_t *wb_test_zmsg (const wb_test_frame_t *frames, size_t count);
/* The three frames of a message: protocol id, name and body. */
zmsg_t *wb_test_message (const char *protocol, const char *name,
                         const wb_bytes_t *body);

/* An in-process wbserver for a test (the server actor): a fresh folder
   /tmp/wb-NAME-XXXXXX for its store, the directory tests/data/engine.cfg
   (under $WB_SRCDIR), and options that a test may change before it
   starts the server (endpoint: tcp://127.0.0.1:*). */
typedef struct {
    char folder [64];
    char directory [512];
    char database [600];
    char store_uri [640];         /* the store: sqlite:DATABASE */
    wb_server_options_t options;
    zactor_t *actor;              /* NULL until started */
    char endpoint [256];          /* the first endpoint bound, once started */
} wb_test_server_t;

/* Make the folder and fill in the options; 0, or -1 if the folder cannot
   be made. */
int wb_test_server_init (wb_test_server_t *self, const char *name);
/* Start the actor and learn its endpoint; 0, or -1 with the server's
   sentence in error (the actor is then stopped). */
int wb_test_server_start (wb_test_server_t *self, char *error, size_t error_size);
/* Stop the actor, if it runs. */
void wb_test_server_stop (wb_test_server_t *self);
/* Stop it and remove its folder; 0, or -1 if the folder stays. */
int wb_test_server_cleanup (wb_test_server_t *self);

#endif
