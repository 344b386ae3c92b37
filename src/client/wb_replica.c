/*  wb_replica: a client's copy of one workbin. See wb_replica.h. */
#include <czmq.h>
#include "wb_events.h"
#include "wb_prelude.h"
#include "wb_replica.h"

//  One interaction of the copy. A page's interactions arrive still encoded
//  (wb_kvlist_decode leaves lists that deep as bytes) and stay so until one
//  is read: opening a big workbin then costs a copy of its bytes, and only
//  what is drawn, sorted or filtered is ever decoded (once, kept). The
//  item, its id and those bytes lie together; the items of one page share
//  one allocation, a block (s_block_t). Once decoded, an item moves to an
//  allocation of its own holding the item and its id.
//  Bytes received are kept with only their structure checked (sizes,
//  bounds, depth: wb_kvlist_decode_lazy): the id is checked as it is read
//  out of them, and the rest, keys and UTF-8, at the first read. Bytes
//  that fail it stay as they are, with why (fault): the item reads as
//  NULL and wb_replica_status_at names the fault; the others are kept.
typedef struct {
    size_t holders;            /* its items, and the load while it lasts */
} s_block_t;

typedef struct {
    wb_kvlist_t *list;         /* decoded; NULL while still encoded */
    const uint8_t *encoded;    /* its bytes, after the id, until decoded */
    size_t size;
    bool unchecked;            /* their keys and UTF-8 still to be checked */
    uint8_t fault;             /* why they cannot be read (wb_codec_status_t);
                                  not in by_id then if its id was at fault */
    s_block_t *block;          /* the page's block it lies in; NULL: its own */
    uint64_t hash;             /* of the id, for by_id */
    char id [];                /* InteractionId: its key in by_id */
} s_item_t;

//  The items by id: open addressing, linear probing, a slot holding an
//  item, NULL (free) or S_REMOVED (a removed item's: probes go on past
//  it). Made for this copy rather than a zhashx: a snapshot's load makes
//  one insert per interaction, and zhashx allocates each and regrows
//  many times on the way to a big workbin. A slot keeps its item's hash:
//  a probe or a regrowth then reads no item but the one it looks for
//  (each item read was a cache miss: 4.8 % of a 10,000-interaction
//  fetch's samples went to them).
typedef struct {
    uint64_t hash;
    s_item_t *item;
} s_slot_t;

typedef struct {
    s_slot_t *slots;
    size_t capacity;           /* 0, or a power of two */
    size_t used;               /* slots not NULL: items and S_REMOVED */
    size_t live;               /* items */
} s_index_t;

static s_item_t s_removed_slot;
#define S_REMOVED (&s_removed_slot)

struct _wb_replica_t {
    s_item_t **items;          /* interactions in placement order, owned */
    size_t size;
    size_t capacity;
    s_index_t by_id;           /* InteractionId -> its item */
    zlistx_t *kept;            /* events before the snapshot, owned */
    int64_t version;
    bool has_snapshot;
    bool needs_fetch;
    size_t applied;
    uint64_t generation;       /* grows with every change to items */
};

static void
s_list_destructor (void **item)
{
    wb_kvlist_destroy ((wb_kvlist_t **) item);
}

//  A hash of an id, eight bytes at a time (ids are a few words long: a
//  byte at a time cost about 100 instructions an id, loading a page),
//  each word mixed in by a multiply, then every bit spread down to the
//  low ones the table uses (MurmurHash3's finalizer).
static uint64_t
s_hash (const char *id, size_t length)
{
    uint64_t hash = 0xcbf29ce484222325u ^ length;
    size_t offset = 0;
    for (; offset + 8 <= length; offset += 8) {
        uint64_t word;
        memcpy (&word, id + offset, 8);
        hash = (hash ^ word) * 0x9e3779b97f4a7c15u;
        hash ^= hash >> 32;
    }
    uint64_t tail = 0;
    for (size_t index = offset; index < length; index++)
        tail |= (uint64_t) (uint8_t) id [index] << (8 * (index - offset));
    hash = (hash ^ tail) * 0x9e3779b97f4a7c15u;
    hash ^= hash >> 33;
    hash *= 0xff51afd7ed558ccdu;
    hash ^= hash >> 33;
    hash *= 0xc4ceb9fe1a85ec53u;
    return hash ^ (hash >> 33);
}

//  Bytes an item of an id of this length (no NUL counted) takes with size
//  bytes of encoding after it, rounded up so that the next item of a
//  block is aligned.
static size_t
s_item_room (size_t length, size_t size)
{
    size_t room = sizeof (s_item_t) + length + 1 + size;
    return (room + _Alignof (s_item_t) - 1) / _Alignof (s_item_t) * _Alignof (s_item_t);
}

//  Make an item of that id at place (room for it as s_item_room says).
static s_item_t *
s_item_init (void *place, const char *id, size_t length)
{
    s_item_t *item = place;
    memset (item, 0, sizeof (s_item_t));
    memcpy (item->id, id, length);
    item->id [length] = 0;
    item->hash = s_hash (id, length);
    return item;
}

//  An item of its own, with room for size bytes of encoding.
static s_item_t *
s_item_new (const char *id, size_t length, size_t size)
{
    return s_item_init (wb_malloc (s_item_room (length, size)), id, length);
}

//  Where the first item of a block lies, after the block's count.
#define S_BLOCK_HEAD \
    ((sizeof (s_block_t) + _Alignof (s_item_t) - 1) / _Alignof (s_item_t) * _Alignof (s_item_t))

//  Let go of a block: the last holder frees it.
static void
s_block_release (s_block_t *block)
{
    if (block && --block->holders == 0)
        free (block);
}

//  An item of a decoded interaction, taken; NULL (the list destroyed) when
//  it has no InteractionId.
static s_item_t *
s_item_of_list (wb_kvlist_t *list)
{
    const char *id = wb_kvlist_string (list, WB_ATTR_INTERACTION_ID);
    if (!id) {
        wb_kvlist_destroy (&list);
        return NULL;
    }
    s_item_t *item = s_item_new (id, strlen (id), 0);
    item->list = list;
    return item;
}

//  An encoded interaction of a page and its id, found in them (NULL if it
//  has none); fault: why bytes whose keys and UTF-8 were left unchecked
//  cannot be read, found looking for their id (their id then is "").
typedef struct {
    const uint8_t *bytes;
    size_t size;
    bool unchecked;
    wb_codec_status_t fault;
    const char *id;
    size_t length;
} s_found_t;

//  The item of a found interaction at place in block (room for it as
//  s_item_room says), its bytes copied; the block gets a holder.
static s_item_t *
s_item_in_block (s_block_t *block, void *place, const s_found_t *found)
{
    s_item_t *item = s_item_init (place, found->id, found->length);
    uint8_t *encoded = (uint8_t *) item->id + found->length + 1;
    memcpy (encoded, found->bytes, found->size);
    item->encoded = encoded;
    item->size = found->size;
    item->unchecked = found->unchecked;
    item->fault = (uint8_t) found->fault;
    item->block = block;
    block->holders++;
    return item;
}

static void
s_item_destroy (s_item_t **item_p)
{
    if (!*item_p)
        return;
    wb_kvlist_destroy (&(*item_p)->list);
    if ((*item_p)->block)
        s_block_release ((*item_p)->block);
    else
        free (*item_p);
    *item_p = NULL;
}

// ---------------------------------------------------------------- the index

//  The slot of the item with this id and hash, or the free slot where it
//  would go. The table always has a free slot (s_index_make_room).
static s_slot_t *
s_index_slot (const s_index_t *index, const char *id, uint64_t hash)
{
    size_t mask = index->capacity - 1;
    for (size_t slot = (size_t) hash & mask; ; slot = (slot + 1) & mask) {
        s_slot_t *found = &index->slots [slot];
        if (!found->item || (found->item != S_REMOVED && found->hash == hash
                             && strcmp (found->item->id, id) == 0))
            return found;
    }
}

//  The item with this id, or NULL.
static s_item_t *
s_index_find (const s_index_t *index, const char *id)
{
    if (index->capacity == 0)
        return NULL;
    return s_index_slot (index, id, s_hash (id, strlen (id)))->item;
}

//  Room for wanted more: the table is kept at most half full (removed
//  slots count). When it would not be, it is made again without removed
//  slots, at most a quarter full: a copy whose interactions come and go
//  keeps its size, one that grows doubles.
static void
s_index_make_room (s_index_t *index, size_t wanted)
{
    if ((index->used + wanted) * 2 <= index->capacity)
        return;
    s_index_t made = { NULL, 64, 0, 0 };
    while (made.capacity < (index->live + wanted) * 4)
        made.capacity *= 2;
    made.slots = wb_calloc (made.capacity, sizeof (s_slot_t));
    size_t mask = made.capacity - 1;
    for (size_t slot = 0; slot < index->capacity; slot++) {
        s_slot_t kept = index->slots [slot];
        if (!kept.item || kept.item == S_REMOVED)
            continue;
        //  ids are unique: the first free slot of its probe is its own
        size_t place = (size_t) kept.hash & mask;
        while (made.slots [place].item)
            place = (place + 1) & mask;
        made.slots [place] = kept;
    }
    made.used = made.live = index->live;
    free (index->slots);
    *index = made;
}

//  Add an item; -1 if one with its id is there already.
static int
s_index_insert (s_index_t *index, s_item_t *item)
{
    s_index_make_room (index, 1);
    s_slot_t *slot = s_index_slot (index, item->id, item->hash);
    if (slot->item)
        return -1;
    *slot = (s_slot_t) { item->hash, item };
    index->used++;
    index->live++;
    return 0;
}

//  Take an item (there) out of the table.
static void
s_index_remove (s_index_t *index, const s_item_t *item)
{
    s_slot_t *slot = s_index_slot (index, item->id, item->hash);
    if (slot->item == item) {
        slot->item = S_REMOVED;
        index->live--;
    }
}

//  Empty the table, keeping its room for the next load.
static void
s_index_clear (s_index_t *index)
{
    if (index->slots)
        memset (index->slots, 0, index->capacity * sizeof (s_slot_t));
    index->used = index->live = 0;
}

// ---------------------------------------------------------------- items

//  The interaction of the item at index, decoded on its first read, the
//  item then shrunk to drop its bytes (one in a block moves out of it).
//  Bytes checked in full when received are not checked again; unchecked
//  ones have their keys and UTF-8 checked now: NULL, the fault noted and
//  the bytes kept, if they fail.
static const wb_kvlist_t *
s_item_list (const wb_replica_t *self, size_t index)
{
    s_item_t *item = self->items [index];
    if (item->list || !item->encoded || item->fault)
        return item->list;
    wb_codec_status_t status = WB_CODEC_TOO_BIG;
    item->list = item->unchecked
               ? wb_kvlist_decode_deferred (item->encoded, item->size, &status)
               : wb_kvlist_decode_checked (item->encoded, item->size);
    if (!item->list) {
        item->fault = (uint8_t) status;
        return NULL;
    }
    item->encoded = NULL;
    item->size = 0;
    item->unchecked = false;
    //  the table and the order hold the item: they follow if it moves
    s_slot_t *slot = s_index_slot (&self->by_id, item->id, item->hash);
    size_t room = sizeof (s_item_t) + strlen (item->id) + 1;
    s_block_t *block = item->block;
    s_item_t *shrunk = block ? malloc (room) : realloc (item, room);
    if (shrunk && block) {
        memcpy (shrunk, item, room);
        shrunk->block = NULL;
        s_block_release (block);
    }
    if (shrunk && shrunk != item) {
        self->items [index] = shrunk;
        if (slot->item == item)
            slot->item = shrunk;
    }
    return self->items [index]->list;
}

wb_replica_t *
wb_replica_new (void)
{
    wb_replica_t *self = zmalloc (sizeof (wb_replica_t));
    self->kept = zlistx_new ();
    zlistx_set_destructor (self->kept, s_list_destructor);
    self->needs_fetch = true;
    return self;
}

static void
s_clear_items (wb_replica_t *self)
{
    s_index_clear (&self->by_id);
    for (size_t index = 0; index < self->size; index++)
        s_item_destroy (&self->items [index]);
    self->size = 0;
    self->generation++;
}

void
wb_replica_destroy (wb_replica_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    wb_replica_t *self = *self_p;
    s_clear_items (self);
    free (self->items);
    free (self->by_id.slots);
    zlistx_destroy (&self->kept);
    free (self);
    *self_p = NULL;
}

//  Add an item at the end, taken; -1 (the item destroyed) if there is
//  none, its id is there already or the copy is full.
static int
s_append (wb_replica_t *self, s_item_t *item)
{
    //  the table refuses an id it holds: one look-up, not two; an item
    //  whose id could not be read is in the order only
    if (!item || (self->size == self->capacity
                  && wb_grow (&self->items, &self->capacity, self->size + 1, sizeof (s_item_t *),
                              WB_REPLICA_MAX))
    ||  (!(item->fault && !*item->id) && s_index_insert (&self->by_id, item))) {
        s_item_destroy (&item);
        return -1;
    }
    self->items [self->size++] = item;
    self->generation++;
    return 0;
}

long
wb_replica_index_of (const wb_replica_t *self, const char *interaction_id)
{
    if (!self || !interaction_id)
        return -1;
    s_item_t *wanted = s_index_find (&self->by_id, interaction_id);
    for (size_t index = 0; wanted && index < self->size; index++)
        if (self->items [index] == wanted)
            return (long) index;
    return -1;
}

static void
s_remove_at (wb_replica_t *self, size_t index)
{
    s_index_remove (&self->by_id, self->items [index]);
    s_item_destroy (&self->items [index]);
    memmove (self->items + index, self->items + index + 1,
             (self->size - index - 1) * sizeof (s_item_t *));
    self->size--;
    self->generation++;
}

//  Put a changed interaction in place of the one at index, taken; -1 (the
//  copy as it was) if there is none or its id is not the one it replaces.
static int
s_replace_at (wb_replica_t *self, size_t index, s_item_t *item)
{
    s_item_t *old = self->items [index];
    if (!item || strcmp (item->id, old->id) != 0) {
        s_item_destroy (&item);
        return -1;
    }
    //  same id, so the same slot: the new item takes it
    s_index_slot (&self->by_id, old->id, old->hash)->item = item;
    s_item_destroy (&self->items [index]);
    self->items [index] = item;
    self->generation++;
    return 0;
}

//  Change the copy as one event says; -1 if the event makes no sense here.
static int
s_change (wb_replica_t *self, const wb_event_change_t *change)
{
    long index = wb_replica_index_of (self, change->interaction_id);
    if (change->content_operation == WB_CONTENT_PLACED_IN)
        return index < 0 ? s_append (self, s_item_of_list (wb_kvlist_dup (change->interaction)))
                         : -1;
    if (index < 0)
        return -1;
    if (change->content_operation == WB_CONTENT_TAKEN_OUT) {
        s_remove_at (self, (size_t) index);
        return 0;
    }
    return s_replace_at (self, (size_t) index,
                         s_item_of_list (wb_kvlist_dup (change->interaction)));
}

//  Apply an event to a loaded copy, by the version rule.
static wb_replica_result_t
s_apply (wb_replica_t *self, const wb_kvlist_t *event)
{
    wb_event_change_t change;
    wb_event_read_change_body (event, &change);
    if (change.version <= self->version)
        return WB_REPLICA_DUPLICATE;
    if (change.version != self->version + 1 || s_change (self, &change)) {
        self->needs_fetch = true;
        return WB_REPLICA_GAP;
    }
    self->version = change.version;
    self->applied++;
    return WB_REPLICA_APPLIED;
}

//  True if the event's Interaction is there but cannot be read: received
//  bytes whose keys or UTF-8 failed the check of its first read.
static bool
s_interaction_unreadable (const wb_kvlist_t *event)
{
    for (size_t index = 0; index < wb_kvlist_size (event); index++)
        if (streq (wb_kvlist_key_at (event, index), WB_ATTR_INTERACTION))
            return wb_kvlist_type_at (event, index) == WB_TYPE_LIST
                && wb_kvlist_status_at (event, index) != WB_CODEC_OK;
    return false;
}

wb_replica_result_t
wb_replica_apply_event (wb_replica_t *self, const wb_kvlist_t *event)
{
    wb_event_change_t change;
    wb_event_read_change_body (event, &change);
    //  a change the copy cannot read leaves it behind: fetched again, the
    //  page shows the interaction (as one that cannot be read, if so)
    if (self && self->has_snapshot && !change.interaction && s_interaction_unreadable (event)) {
        self->needs_fetch = true;
        return WB_REPLICA_GAP;
    }
    if (!self || !change.interaction || change.version < 1
    ||  change.content_operation < WB_CONTENT_TAKEN_OUT
    ||  change.content_operation > WB_CONTENT_PROPERTIES_CHANGED)
        return WB_REPLICA_INVALID;
    if (!self->has_snapshot) {
        zlistx_add_end (self->kept, wb_kvlist_dup (event));
        return WB_REPLICA_KEPT;
    }
    if (self->needs_fetch)
        return WB_REPLICA_GAP;
    return s_apply (self, event);
}

void
wb_replica_load_begin (wb_replica_t *self)
{
    if (self)
        s_clear_items (self);
}

//  The id of unchecked bytes is checked before the index holds it. An id
//  at fault, or none found (a key before it at fault hides it): the bytes
//  are checked in full, and kept, with an empty id and their fault, if
//  they fail; if they pass they have no id, and are left out as a checked
//  interaction without one is.
static void
s_check_id (s_found_t *found)
{
    if (found->id && wb_utf8_valid (found->id, found->length))
        return;
    found->fault = wb_kvlist_check (found->bytes, found->size, NULL);
    if (found->fault == WB_CODEC_OK && found->id)
        found->fault = WB_CODEC_BAD_UTF8;
    found->id = found->fault == WB_CODEC_OK ? NULL : "";
    found->length = 0;
}

//  Find the interactions of a page still encoded, and their ids, into
//  found (one per entry); the room their items take in a block.
static size_t
s_find_encoded (const wb_kvlist_t *interactions, s_found_t *found)
{
    size_t room = S_BLOCK_HEAD;
    for (size_t index = 0; index < wb_kvlist_size (interactions); index++) {
        size_t depth = 0;
        s_found_t *entry = &found [index];
        entry->bytes = wb_kvlist_encoded_at (interactions, index, &entry->size, &depth);
        entry->unchecked = wb_kvlist_unchecked_at (interactions, index);
        entry->fault = WB_CODEC_OK;
        entry->id = entry->bytes ? wb_kvlist_encoded_string (entry->bytes, entry->size,
                                                              WB_ATTR_INTERACTION_ID,
                                                              &entry->length) : NULL;
        if (entry->unchecked)
            s_check_id (entry);
        if (entry->id)
            room += s_item_room (entry->length, entry->size);
    }
    return room;
}

void
wb_replica_load_reserve (wb_replica_t *self, size_t count)
{
    count = count < WB_REPLICA_RESERVE_MAX ? count : WB_REPLICA_RESERVE_MAX;
    if (!self || count <= self->size)
        return;
    s_index_make_room (&self->by_id, count - self->size);
    wb_grow (&self->items, &self->capacity, count, sizeof (s_item_t *), WB_REPLICA_MAX);
}

int
wb_replica_load_add (wb_replica_t *self, const wb_kvlist_t *interactions)
{
    size_t count = wb_kvlist_size (interactions);
    if (!self || count == 0)
        return self ? 0 : -1;
    //  those still encoded are copied as their bytes, not decoded, into
    //  one block: one allocation for the page rather than one each
    s_found_t *found = wb_malloc (count * sizeof (s_found_t));
    s_block_t *block = wb_malloc (s_find_encoded (interactions, found));
    block->holders = 1;         //  the load's, so that a refused item cannot free it
    uint8_t *place = (uint8_t *) block + S_BLOCK_HEAD;
    for (size_t index = 0; index < count; index++) {
        if (found [index].id) {
            s_append (self, s_item_in_block (block, place, &found [index]));
            place += s_item_room (found [index].length, found [index].size);
        }
        else
        if (!found [index].bytes) {
            wb_kvlist_t *interaction = wb_kvlist_list_at (interactions, index);
            if (interaction)
                s_append (self, s_item_of_list (wb_kvlist_dup (interaction)));
        }
    }
    s_block_release (block);
    free (found);
    return 0;
}

wb_replica_result_t
wb_replica_load_end (wb_replica_t *self, int64_t version)
{
    if (!self || version < 0)
        return WB_REPLICA_INVALID;
    self->version = version;
    self->has_snapshot = true;
    self->needs_fetch = false;
    wb_replica_result_t result = WB_REPLICA_APPLIED;
    for (wb_kvlist_t *event = zlistx_first (self->kept); event; event = zlistx_next (self->kept))
        if (s_apply (self, event) == WB_REPLICA_GAP)
            result = WB_REPLICA_GAP;
    zlistx_purge (self->kept);
    return result;
}

wb_replica_result_t
wb_replica_load (wb_replica_t *self, const wb_kvlist_t *interactions, int64_t version)
{
    if (!self || version < 0)
        return WB_REPLICA_INVALID;
    wb_replica_load_begin (self);
    wb_replica_load_add (self, interactions);
    return wb_replica_load_end (self, version);
}

void
wb_replica_reset (wb_replica_t *self)
{
    if (!self)
        return;
    s_clear_items (self);
    zlistx_purge (self->kept);
    self->has_snapshot = false;
    self->needs_fetch = true;
    self->version = 0;
}

bool
wb_replica_has_snapshot (const wb_replica_t *self)
{
    return self && self->has_snapshot;
}

bool
wb_replica_needs_fetch (const wb_replica_t *self)
{
    return !self || self->needs_fetch;
}

int64_t
wb_replica_version (const wb_replica_t *self)
{
    return self ? self->version : 0;
}

size_t
wb_replica_size (const wb_replica_t *self)
{
    return self ? self->size : 0;
}

const wb_kvlist_t *
wb_replica_at (const wb_replica_t *self, size_t index)
{
    //  a first read decodes the item: its cache, not the workbin, changes
    return self && index < self->size ? s_item_list (self, index) : NULL;
}

wb_codec_status_t
wb_replica_status_at (const wb_replica_t *self, size_t index)
{
    if (!self || index >= self->size)
        return WB_CODEC_TRUNCATED;
    if (s_item_list (self, index))
        return WB_CODEC_OK;
    //  no fault noted: the decode found no memory
    return self->items [index]->fault ? (wb_codec_status_t) self->items [index]->fault
                                      : WB_CODEC_TOO_BIG;
}

size_t
wb_replica_changes_applied (const wb_replica_t *self)
{
    return self ? self->applied : 0;
}

uint64_t
wb_replica_generation (const wb_replica_t *self)
{
    return self ? self->generation : 0;
}
