/*  wb_kvlist: an ordered, typed key/value list, the body of every message.

    Values are strings, 64-bit integers, binary blobs or nested lists. Keys are
    short ASCII names; the list keeps insertion order and allows a key twice
    (the vendor's KVList does too), lookups return the first match.

    The byte encoding is specified in doc/PROTOCOL.md, section "Body encoding".
    Decoding never trusts its input: every length is checked against the bytes
    that remain, counts and depth are bounded, and a failure is reported as a
    wb_codec_status_t, never an abort.
*/
#ifndef WB_KVLIST_H_INCLUDED
#define WB_KVLIST_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits of the body encoding; PROTOCOL.md repeats them. */
#define WB_KEY_MAX          64          /* bytes in a key */
#define WB_VALUE_MAX        (1u << 20)  /* bytes in one string or binary */
#define WB_ENTRIES_MAX      20000       /* entries in one list */
#define WB_DEPTH_MAX        8           /* nesting: the body is depth 1 */
#define WB_BODY_MAX         (32u << 20) /* bytes in a whole body */

typedef enum {
    WB_TYPE_STRING = 1,
    WB_TYPE_INT = 2,
    WB_TYPE_BINARY = 3,
    WB_TYPE_LIST = 4,
} wb_type_t;

/* Why a decode failed; WB_CODEC_OK is success. */
typedef enum {
    WB_CODEC_OK = 0,
    WB_CODEC_TRUNCATED,       /* a field runs past the end of the bytes */
    WB_CODEC_TRAILING,        /* bytes are left after the top-level list */
    WB_CODEC_BAD_TYPE,        /* unknown value type tag */
    WB_CODEC_BAD_KEY,         /* empty, too long or non-printable key */
    WB_CODEC_TOO_BIG,         /* a value or the body exceeds its limit */
    WB_CODEC_TOO_MANY,        /* an entry count over the limit or the bytes */
    WB_CODEC_TOO_DEEP,        /* nesting over WB_DEPTH_MAX */
    WB_CODEC_BAD_UTF8,        /* a string is not valid UTF-8 */
    WB_CODEC_FRAMES,          /* the message does not have its three frames */
    WB_CODEC_BAD_PROTOCOL,    /* unknown protocol id or version */
    WB_CODEC_BAD_NAME,        /* a message name that is not in the catalogue */
    WB_CODEC_NO_REFERENCE,    /* ReferenceId absent or not an int */
    WB_CODEC_STATUS_COUNT
} wb_codec_status_t;

/* A short English text for a codec status ("a field runs past the end"). */
const char *wb_codec_status_text (wb_codec_status_t status);

typedef struct _wb_kvlist_t wb_kvlist_t;

wb_kvlist_t *wb_kvlist_new (void);
void wb_kvlist_destroy (wb_kvlist_t **self_p);
wb_kvlist_t *wb_kvlist_dup (const wb_kvlist_t *self);

/* Number of entries at this level. */
size_t wb_kvlist_size (const wb_kvlist_t *self);

/* Append an entry. Return 0, or -1 if the key is invalid or a limit is hit.
   add_list takes ownership of *list_p (also on failure) and nulls it. */
int wb_kvlist_add_string (wb_kvlist_t *self, const char *key, const char *value);
int wb_kvlist_add_int (wb_kvlist_t *self, const char *key, int64_t value);
int wb_kvlist_add_binary (wb_kvlist_t *self, const char *key,
                          const void *data, size_t size);
int wb_kvlist_add_list (wb_kvlist_t *self, const char *key, wb_kvlist_t **list_p);
/* Append a list entry given as its encoding (what wb_kvlist_encode made),
   for bytes that are sent again as they are: the store's. The bytes are
   checked as the decoder checks a peer's (wb_kvlist_check) and copied; the
   encoder copies them out unchanged, and the first reader of the entry's
   list decodes them. -1, with *status (optional) saying why if the bytes
   are at fault, if they do not check or the key is invalid. */
int wb_kvlist_add_encoded (wb_kvlist_t *self, const char *key, const uint8_t *data,
                           size_t size, wb_codec_status_t *status);
/* The same for bytes that passed wb_kvlist_add_encoded or wb_kvlist_check
   before and have not changed since, with the nesting depth found then:
   not walked again, only bounded (at least a count, depth 1 to
   WB_DEPTH_MAX). For a holder that knows its bytes are unchanged (the
   store's own rows); any other bytes go through wb_kvlist_add_encoded.
   -1 if the key is invalid or the bounds do not hold. */
int wb_kvlist_add_encoded_checked (wb_kvlist_t *self, const char *key, const uint8_t *data,
                                   size_t size, size_t depth);

/* Replace the first entry with this key, or append one. Same returns. */
int wb_kvlist_set_string (wb_kvlist_t *self, const char *key, const char *value);
int wb_kvlist_set_int (wb_kvlist_t *self, const char *key, int64_t value);
int wb_kvlist_set_list (wb_kvlist_t *self, const char *key, wb_kvlist_t **list_p);

/* Remove every entry with this key; return how many were removed. */
size_t wb_kvlist_remove (wb_kvlist_t *self, const char *key);

/* Lookups by key look at the first entry with that key: NULL (or -1) if
   there is none or if its type is not the one asked for. */
bool wb_kvlist_has (const wb_kvlist_t *self, const char *key);
const char *wb_kvlist_string (const wb_kvlist_t *self, const char *key);
int wb_kvlist_int (const wb_kvlist_t *self, const char *key, int64_t *value);
int64_t wb_kvlist_int_or (const wb_kvlist_t *self, const char *key, int64_t fallback);
const void *wb_kvlist_binary (const wb_kvlist_t *self, const char *key, size_t *size);
wb_kvlist_t *wb_kvlist_list (const wb_kvlist_t *self, const char *key);
/* Type of the first entry with this key; 0 if absent. */
wb_type_t wb_kvlist_type (const wb_kvlist_t *self, const char *key);

/* Positional access, for iterating in order. index < size. */
const char *wb_kvlist_key_at (const wb_kvlist_t *self, size_t index);
wb_type_t wb_kvlist_type_at (const wb_kvlist_t *self, size_t index);
const char *wb_kvlist_string_at (const wb_kvlist_t *self, size_t index);
int64_t wb_kvlist_int_at (const wb_kvlist_t *self, size_t index);
const void *wb_kvlist_binary_at (const wb_kvlist_t *self, size_t index, size_t *size);
wb_kvlist_t *wb_kvlist_list_at (const wb_kvlist_t *self, size_t index);

/* True if the entry at index is a list still held as bytes whose
   structure only was checked (wb_kvlist_decode_lazy): its keys and UTF-8
   are checked by its first reader, or by an encoder sending it on. */
bool wb_kvlist_unchecked_at (const wb_kvlist_t *self, size_t index);
/* Whether the list entry at index can be read: WB_CODEC_OK if it can
   (decoding it, checked, if still bytes), else why not (the fault of bytes
   received whose keys or UTF-8 failed their deferred check, WB_CODEC_TOO_BIG
   without memory, WB_CODEC_BAD_TYPE for an entry that is not a list or
   no entry). wb_kvlist_list and wb_kvlist_list_at give NULL for such an
   entry; it stays as it is, and its bytes are never encoded again. */
wb_codec_status_t wb_kvlist_status_at (const wb_kvlist_t *self, size_t index);
/* The encoding a list entry still holds (wb_kvlist_add_encoded, or left
   so by wb_kvlist_decode), with its size and nesting depth; NULL for any
   other entry: one already decoded, or not a list. Bytes kept by
   wb_kvlist_decode_lazy may be unchecked (wb_kvlist_unchecked_at): their
   keys and UTF-8 must be checked before they are trusted
   (wb_kvlist_decode_deferred, wb_kvlist_check); the encoders check them. */
const uint8_t *wb_kvlist_encoded_at (const wb_kvlist_t *self, size_t index,
                                     size_t *size, size_t *depth);
/* Remove the entry at index and hand over its list: the caller destroys
   it. NULL, removing nothing, if that entry is not a list. Taking the
   last entry costs nothing; an earlier one moves the entries after it. */
wb_kvlist_t *wb_kvlist_take_list_at (wb_kvlist_t *self, size_t index);
/* Drop the entries from index size on (nothing if there are fewer). */
void wb_kvlist_truncate (wb_kvlist_t *self, size_t size);
/* Make room for count entries in all, so that adding them does not grow
   the list again. 0, or -1 if count is over WB_ENTRIES_MAX or no memory. */
int wb_kvlist_reserve (wb_kvlist_t *self, size_t count);

/* Copy every entry of source to the end of self. Return 0 or -1. */
int wb_kvlist_append (wb_kvlist_t *self, const wb_kvlist_t *source);
/* The same for the first count entries of source (all if it has fewer).
   A list entry still held as bytes is copied as its bytes, unchecked or
   unreadable as it was. */
int wb_kvlist_append_first (wb_kvlist_t *self, const wb_kvlist_t *source, size_t count);

/* Structural equality: same keys, types and values in the same order.
   Lists are read (so decoded, and checked if they were received
   unchecked); two that cannot be read are equal if their bytes are. */
bool wb_kvlist_equal (const wb_kvlist_t *a, const wb_kvlist_t *b);

/* True if size bytes of text are valid UTF-8 as the wire demands of every
   string (no NUL, no overlong form, no surrogate, nothing past U+10FFFF).
   The encoders refuse (NULL, 0) a list holding a string that is not. */
bool wb_utf8_valid (const char *text, size_t size);

/* Bytes the encoding of this list takes. */
size_t wb_kvlist_encoded_size (const wb_kvlist_t *self);
/* Encode into a new buffer of *size bytes (caller frees); NULL on failure. */
uint8_t *wb_kvlist_encode (const wb_kvlist_t *self, size_t *size);
/* Decode exactly size bytes. Return the list, or NULL with *status set.
   Every byte is checked here, but a list nested in a nested list (depth 3
   on: each interaction of a page) keeps its bytes until it is first read,
   as an entry of wb_kvlist_add_encoded does; encoding copies them out. */
wb_kvlist_t *wb_kvlist_decode (const uint8_t *data, size_t size,
                               wb_codec_status_t *status);
/* The same, but every nested list (depth 2 on) keeps its bytes until it
   is first read, except at depth 2 a list whose first entry is a list (a
   page's Interactions: built, its items each kept as bytes): for a
   client, which often reads only a message's top level (an event's
   Interaction may never be read). What is built is checked in full; what
   is kept as bytes only by its structure (sizes, bounds, counts, depth,
   type tags: all that skipping it safely needs), its keys and UTF-8 when
   it is first read (wb_kvlist_list, _list_at: NULL if they fail, and
   wb_kvlist_status_at says why) or encoded (refused if they fail). So a
   status here is OK for some bytes wb_kvlist_decode refuses with
   WB_CODEC_BAD_KEY or WB_CODEC_BAD_UTF8, and every other status is the
   same. */
wb_kvlist_t *wb_kvlist_decode_lazy (const uint8_t *data, size_t size,
                                    wb_codec_status_t *status);
/* Decode bytes that passed wb_kvlist_decode, _check or
   wb_kvlist_add_encoded before and have not changed since (what
   wb_kvlist_encoded_at gives, or a copy of it, for an entry that is not
   wb_kvlist_unchecked_at: those go through wb_kvlist_decode_deferred):
   sizes, counts and depth are bounded again, keys and UTF-8 are not;
   nested lists stay bytes until read as wb_kvlist_decode_lazy keeps them. A list entry's first
   read decodes this way. NULL if the
   bounds do not hold or there is no memory. Any other bytes go through
   wb_kvlist_decode. */
wb_kvlist_t *wb_kvlist_decode_checked (const uint8_t *data, size_t size);
/* Decode, checking keys and UTF-8 in full, bytes whose structure was
   checked before (an entry wb_kvlist_unchecked_at): nested lists stay
   bytes, checked in full, until read. NULL with *status (optional) set
   on failure, as wb_kvlist_decode. */
wb_kvlist_t *wb_kvlist_decode_deferred (const uint8_t *data, size_t size,
                                        wb_codec_status_t *status);
/* Check that size bytes are one list, by the rules of wb_kvlist_decode
   and with the same status, without building it; *depth (optional) gets
   its nesting depth (1: no nested list). */
wb_codec_status_t wb_kvlist_check (const uint8_t *data, size_t size, size_t *depth);
/* One entry of an encoded list's head (wb_kvlist_encoded_head): its key
   (key_size bytes, no NUL), its type, and an int's value or a list's
   number of entries (0 for the other types). */
typedef struct {
    const uint8_t *key;
    size_t key_size;
    wb_type_t type;
    int64_t value;
    uint32_t count;
} wb_kvlist_head_entry_t;
typedef bool (wb_kvlist_head_fn) (void *arg, const wb_kvlist_head_entry_t *entry);
/* Read the entries of an encoded list (bytes as received) one by one, as
   far as its first list entry, without decoding or walking that list:
   fn gets each one (that list's too) and ends the reading by returning
   false. Each entry read is checked as the decoder checks it, but the
   bytes after the last one are not: they may still be at fault. 0 if fn
   ended it, -1 if the bytes fault or end first or the list ends. */
int wb_kvlist_encoded_head (const uint8_t *data, size_t size, wb_kvlist_head_fn *fn, void *arg);
/* In the encoding of one list (as wb_kvlist_encode wrote it), the text of
   its first entry with this key if that is a string, without decoding the
   list: a pointer into data (no NUL at its end) and its *length; NULL if
   there is none, it is not a string or the bytes end first. Its UTF-8 is not checked here. */
const char *wb_kvlist_encoded_string (const uint8_t *data, size_t size, const char *key,
                                      size_t *length);
/* Encode with one int entry (key, value) put before the list's own, as a
   message body carries its ReferenceId, into buffer (capacity bytes).
   Return the size of that encoding, writing nothing if buffer is NULL or
   too small; 0 if it cannot be encoded (key invalid, over a limit). */
size_t wb_kvlist_encode_int_first (const wb_kvlist_t *self, const char *key, int64_t value,
                                   uint8_t *buffer, size_t capacity);
/* Write that encoding without measuring the list again: buffer holds the
   size wb_kvlist_encode_int_first returned (not 0) for the same key and
   the list unchanged since. A sender measures a message once, for its
   bounds and its buffer, then writes it here (the walk costs as much as
   the writing). */
void wb_kvlist_put_int_first (const wb_kvlist_t *self, const char *key, int64_t value,
                              uint8_t *buffer);

/* Append a one-line readable form, {Key='text' N=5 L={...} B=<3 bytes>},
   to buffer (NUL-terminated, truncated with "..." to fit capacity). */
void wb_kvlist_print (const wb_kvlist_t *self, char *buffer, size_t capacity);

/* A run: a list entry written as its encoding, one item at a time, for a
   sender that has each item's encoding already (the store's rows): every
   item is copied once, into the entry's one block, and the encoder copies
   the whole run out as it does any encoded list; no entry per item.
   The run is the list KEY = {ITEM_KEY = item, ITEM_KEY = item, ...}. */
typedef struct _wb_kvlist_run_t wb_kvlist_run_t;

/* A run for the list entry key whose items are all named item_key; NULL
   if a key is invalid. */
wb_kvlist_run_t *wb_kvlist_run_new (const char *key, const char *item_key);
void wb_kvlist_run_destroy (wb_kvlist_run_t **self_p);
/* Append an item: size bytes that are the encoding of one list and
   passed wb_kvlist_check (or wb_kvlist_add_encoded) before, unchanged
   since, with the depth found then; bounded only, as by
   wb_kvlist_add_encoded_checked. -1 if the bounds do not hold or the run
   holds WB_ENTRIES_MAX items or would pass WB_BODY_MAX bytes. */
int wb_kvlist_run_add (wb_kvlist_run_t *self, const uint8_t *data, size_t size, size_t depth);
/* Make room for count more items of about size bytes each (one
   allocation instead of several as the run grows), at most WB_BODY_MAX
   bytes in all. 0, or -1 for a NULL run. */
int wb_kvlist_run_reserve (wb_kvlist_run_t *self, size_t count, size_t size);
/* Items in the run. */
size_t wb_kvlist_run_count (const wb_kvlist_run_t *self);
/* The encoding of the item at index (as added, *size bytes) and, if depth
   is not NULL, its depth; NULL if there is no such item. */
const uint8_t *wb_kvlist_run_item (const wb_kvlist_run_t *self, size_t index, size_t *size,
                                   size_t *depth);
/* A copy of the run (its items so far); NULL for NULL. */
wb_kvlist_run_t *wb_kvlist_run_dup (const wb_kvlist_run_t *self);
/* The bytes the run holds in memory. */
size_t wb_kvlist_run_bytes (const wb_kvlist_run_t *self);
/* Append the run to self as its list entry (an encoded list, decoded by
   its first reader): takes *run_p, also on failure, and nulls it. 0, or
   -1 if self is NULL or full. */
int wb_kvlist_add_run (wb_kvlist_t *self, wb_kvlist_run_t **run_p);

#endif
