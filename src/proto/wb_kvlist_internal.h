/*  wb_kvlist_internal: what wb_kvlist.c offers wb_kvlist_codec.c alone.

    The decoder checks keys, sizes and UTF-8 before it adds an entry; these
    functions add without checking again (the public wb_kvlist_add_* check
    everything). The encoder copies an entry's encoded list as it is.
*/
#ifndef WB_KVLIST_INTERNAL_H_INCLUDED
#define WB_KVLIST_INTERNAL_H_INCLUDED

#include "wb_kvlist.h"

/* Append a string (value without NUL) or a binary entry whose key (key_size
   bytes, no NUL) and value the decoder has checked. 0, or -1 if there is
   no memory or the list is full. */
int wb_kvlist_add_checked_bytes (wb_kvlist_t *self, const uint8_t *key, size_t key_size,
                                 wb_type_t type, const uint8_t *value, size_t value_size);
/* The same for an int entry. */
int wb_kvlist_add_checked_int (wb_kvlist_t *self, const uint8_t *key, size_t key_size,
                               int64_t value);
/* The same for a list entry: takes *list_p (also on failure), nulls it. */
int wb_kvlist_add_checked_list (wb_kvlist_t *self, const uint8_t *key, size_t key_size,
                                wb_kvlist_t **list_p);
/* The same for a list entry kept as its encoding (size bytes the decoder
   has checked, nesting depth as wb_kvlist_check says): decoded when read.
   unchecked: only their structure was checked (sizes, bounds, counts,
   depth), their keys and UTF-8 are checked when first read or encoded. */
int wb_kvlist_add_checked_encoded (wb_kvlist_t *self, const uint8_t *key, size_t key_size,
                                   const uint8_t *data, size_t size, size_t depth,
                                   bool unchecked);
/* A new list with room for count entries, for the decoder: the list and
   its entries lie in one allocation, and so does its arena's first chunk
   if the block stays small with room for bytes (what its entries' keys
   and values take at most: the bytes they are decoded from). NULL if
   count is over WB_ENTRIES_MAX. */
wb_kvlist_t *wb_kvlist_new_sized (size_t count, size_t bytes);
/* A new list with room for count entries and a copy of size bytes of
   data, the encoding it is decoded from, in one allocation: the decoder
   then adds entries whose keys and values lie in that copy (their NULs
   written over the tags and lengths that follow them, read by then), not
   copied one by one. NULL if count or size is over its limit. */
wb_kvlist_t *wb_kvlist_new_copy (size_t count, const uint8_t *data, size_t size);
/* Append to such a list an entry whose key is key_size bytes at
   key_offset in the copy and whose value (a string's or binary's) is
   value_size bytes at value_offset; checked by the decoder, as for
   wb_kvlist_add_checked_bytes. 0, or -1 if the list is full. */
int wb_kvlist_add_copied_bytes (wb_kvlist_t *self, size_t key_offset, size_t key_size,
                                wb_type_t type, size_t value_offset, size_t value_size);
/* The same for an int entry. */
int wb_kvlist_add_copied_int (wb_kvlist_t *self, size_t key_offset, size_t key_size,
                              int64_t value);
/* The same for a list entry: takes *list_p (also on failure), nulls it. */
int wb_kvlist_add_copied_list (wb_kvlist_t *self, size_t key_offset, size_t key_size,
                               wb_kvlist_t **list_p);
/* The same for a list kept as its encoding, size bytes at value_offset,
   as wb_kvlist_add_checked_encoded. */
int wb_kvlist_add_copied_encoded (wb_kvlist_t *self, size_t key_offset, size_t key_size,
                                  size_t value_offset, size_t size, size_t depth,
                                  bool unchecked);
/* Decode a message body as wb_kvlist_decode (lazy: wb_kvlist_decode_lazy)
   does, with the same checks and status, but if its first entry is an int
   of this key (a ReferenceId) the list leaves out every entry of the key,
   as wb_kvlist_remove would take them out (a later one is still checked),
   *omitted is true and *value that first entry's: then no entry is made
   only to be removed. Else the list is whole, *omitted false, *value 0. */
wb_kvlist_t *wb_kvlist_decode_omit_int (const uint8_t *data, size_t size, bool lazy,
                                        const char *key, int64_t *value, bool *omitted,
                                        wb_codec_status_t *status);
/* Mark the encoded list entry at index as checked in full (the encoder
   checked its bytes). 0, or -1 if that entry is not an encoded list. */
int wb_kvlist_vouch_at (const wb_kvlist_t *self, size_t index);

#endif
