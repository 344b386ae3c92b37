/*  wb_page_cache: each workbin's content as last read, kept current across
    this server's own changes. See wb_page_cache.h.

    An image is found by its workbin's key, and its interactions by their
    InteractionId; images are kept in an order of use: the front was
    served last, the back goes first. Each interaction is one block (its
    id, then its encoding), so that a change moves pointers, not bytes.
*/
#include <stdlib.h>
#include <string.h>
#include <czmq.h>
#include "wb_page_cache.h"
#include "wb_prelude.h"
#include "wb_protocol.h"

//  What an image costs besides its interactions and its key's two copies
//  (ours and the hash's): its record, the hashes, the order's node, and
//  the allocator's headers, counted so that many small images (of empty
//  workbins) stay within the capacity too.
#define S_IMAGE_OVERHEAD 512
//  What each interaction costs besides its id and encoding: its pointer,
//  its item in the hash by id, the allocator's header.
#define S_ITEM_OVERHEAD 96

/* One interaction: its id (NUL-terminated) and encoding follow the record. */
typedef struct {
    size_t size;                /* of the encoding */
    size_t depth;
    size_t id_size;
} s_item_t;

typedef struct {
    char *key;                  /* the workbin's, a copy */
    int64_t version;
    int64_t total;              /* the workbin's, at version */
    bool stamped;               /* known current at writes (the store's count) */
    uint64_t writes;
    s_item_t **items;           /* the first known of the workbin, in order */
    size_t known;
    size_t capacity;
    zhashx_t *by_id;            /* id -> s_item_t, not owned */
    size_t bytes;
    void *handle;               /* in the order of use */
} s_image_t;

struct _wb_page_cache_t {
    size_t capacity;
    zhashx_t *images;           /* workbin key -> s_image_t, owned */
    zlistx_t *order;            /* s_image_t, last served first */
    wb_page_cache_stats_t stats;
};

static const char *
s_item_id (const s_item_t *item)
{
    return (const char *) (item + 1);
}

static const uint8_t *
s_item_data (const s_item_t *item)
{
    return (const uint8_t *) (item + 1) + item->id_size + 1;
}

static size_t
s_item_bytes (const s_item_t *item)
{
    return sizeof (s_item_t) + item->id_size + 1 + item->size + S_ITEM_OVERHEAD;
}

//  An item of size bytes of encoding, named by its InteractionId; NULL if
//  it has none (the image cannot be patched then).
static s_item_t *
s_item_new (const uint8_t *data, size_t size, size_t depth)
{
    size_t id_size = 0;
    const char *id = wb_kvlist_encoded_string (data, size, WB_ATTR_INTERACTION_ID, &id_size);
    if (!id || id_size == 0 || id_size > WB_VALUE_MAX || memchr (id, 0, id_size))
        return NULL;
    s_item_t *item = wb_malloc (sizeof (s_item_t) + id_size + 1 + size);
    *item = (s_item_t) { size, depth, id_size };
    char *text = (char *) (item + 1);
    memcpy (text, id, id_size);
    text [id_size] = 0;
    memcpy (text + id_size + 1, data, size);
    return item;
}

static void
s_image_destroy (void **item)
{
    s_image_t *image = *item;
    if (image) {
        for (size_t index = 0; index < image->known; index++)
            free (image->items [index]);
        free (image->items);
        zhashx_destroy (&image->by_id);
        free (image->key);
        free (image);
        *item = NULL;
    }
}

wb_page_cache_t *
wb_page_cache_new (size_t capacity)
{
    wb_page_cache_t *self = wb_calloc (1, sizeof (wb_page_cache_t));
    self->capacity = capacity < WB_PAGE_CACHE_MAX ? capacity : WB_PAGE_CACHE_MAX;
    self->images = zhashx_new ();
    self->order = zlistx_new ();
    zhashx_set_destructor (self->images, s_image_destroy);
    return self;
}

void
wb_page_cache_destroy (wb_page_cache_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    zlistx_destroy (&(*self_p)->order);
    zhashx_destroy (&(*self_p)->images);
    free (*self_p);
    *self_p = NULL;
}

static s_image_t *
s_lookup (wb_page_cache_t *self, const char *workbin_key)
{
    return self && workbin_key ? zhashx_lookup (self->images, workbin_key) : NULL;
}

//  Forget an image.
static void
s_drop (wb_page_cache_t *self, s_image_t *image)
{
    self->stats.bytes -= image->bytes;
    self->stats.images--;
    zlistx_delete (self->order, image->handle);
    zhashx_delete (self->images, image->key);
}

//  Count the bytes of items an image took (added) and let go (removed),
//  in the image and in the cache.
static void
s_account (wb_page_cache_t *self, s_image_t *image, size_t added, size_t removed)
{
    image->bytes = image->bytes + added - removed;
    self->stats.bytes = self->stats.bytes + added - removed;
}

//  Keep the bytes within the capacity: an image over a quarter of it
//  (kept) goes; else the least recently served others go until the bytes
//  fit. False if kept went.
static bool
s_bound (wb_page_cache_t *self, s_image_t *kept)
{
    if (kept->bytes > self->capacity / 4) {
        s_drop (self, kept);
        return false;
    }
    while (self->stats.bytes > self->capacity) {
        s_image_t *last = zlistx_last (self->order);
        if (!last || last == kept)
            break;
        s_drop (self, last);
    }
    return true;
}

//  True if the image holds the page: all of it, or up to the workbin's end.
static bool
s_covers (const s_image_t *image, wb_page_ref_t page)
{
    if (page.from < 0 || page.count < 1)
        return false;
    bool complete = (int64_t) image->known == image->total;
    return complete || page.from + page.count <= (int64_t) image->known;
}

bool
wb_page_cache_holds (wb_page_cache_t *self, wb_page_ref_t page)
{
    s_image_t *image = s_lookup (self, page.workbin_key);
    return image && s_covers (image, page);
}

//  The page sliced from an image, served now.
static wb_kvlist_run_t *
s_serve (wb_page_cache_t *self, s_image_t *image, wb_page_ref_t page, int64_t *total)
{
    self->stats.hits++;
    zlistx_move_start (self->order, image->handle);
    if (total)
        *total = image->total;
    wb_kvlist_run_t *run = wb_kvlist_run_new (WB_ATTR_INTERACTIONS, WB_ATTR_INTERACTION);
    size_t from = (size_t) page.from < image->known ? (size_t) page.from : image->known;
    size_t end = page.count < (int64_t) (image->known - from) ? from + (size_t) page.count
                                                              : image->known;
    wb_kvlist_run_reserve (run, end - from, end > from ? image->items [from]->size : 0);
    for (size_t index = from; index < end; index++) {
        const s_item_t *item = image->items [index];
        if (wb_kvlist_run_add (run, s_item_data (item), item->size, item->depth)) {
            wb_kvlist_run_destroy (&run);
            break;
        }
    }
    return run;
}

wb_kvlist_run_t *
wb_page_cache_get (wb_page_cache_t *self, wb_page_ref_t page, int64_t version,
                   const uint64_t *writes, int64_t *total)
{
    s_image_t *image = s_lookup (self, page.workbin_key);
    if (image && image->version != version)
        s_drop (self, image);
    else
    if (image && s_covers (image, page)) {
        image->stamped = writes != NULL;
        image->writes = writes ? *writes : 0;
        return s_serve (self, image, page, total);
    }
    if (self)
        self->stats.misses++;
    return NULL;
}

wb_kvlist_run_t *
wb_page_cache_get_unwritten (wb_page_cache_t *self, wb_page_ref_t page, uint64_t writes,
                             int64_t *version, int64_t *total)
{
    s_image_t *image = s_lookup (self, page.workbin_key);
    if (!image || !image->stamped || image->writes != writes || !s_covers (image, page))
        return NULL;
    if (version)
        *version = image->version;
    return s_serve (self, image, page, total);
}

//  Append an item to an image; false if the image cannot take it (no id,
//  or an id it holds already).
static bool
s_append (wb_page_cache_t *self, s_image_t *image, s_item_t *item)
{
    if (!item || zhashx_lookup (image->by_id, s_item_id (item))) {
        free (item);
        return false;
    }
    if (image->known == image->capacity)
        wb_grow (&image->items, &image->capacity, image->known + 1, sizeof (s_item_t *),
                 SIZE_MAX / sizeof (s_item_t *));
    image->items [image->known++] = item;
    zhashx_insert (image->by_id, s_item_id (item), item);
    s_account (self, image, s_item_bytes (item), 0);
    return true;
}

//  A new, empty image of a workbin at version, in front of the order.
static s_image_t *
s_image_new (wb_page_cache_t *self, const char *workbin_key, int64_t version, int64_t total)
{
    s_image_t *image = wb_calloc (1, sizeof (s_image_t));
    image->key = wb_strdup (workbin_key);
    image->version = version;
    image->total = total;
    image->by_id = zhashx_new ();
    //  its keys are the items' own ids
    zhashx_set_key_duplicator (image->by_id, NULL);
    zhashx_set_key_destructor (image->by_id, NULL);
    image->bytes = S_IMAGE_OVERHEAD + 2 * (strlen (workbin_key) + 1);
    zhashx_insert (self->images, workbin_key, image);
    image->handle = zlistx_add_start (self->order, image);
    self->stats.bytes += image->bytes;
    self->stats.images++;
    return image;
}

void
wb_page_cache_put (wb_page_cache_t *self, wb_page_ref_t page, int64_t version,
                   int64_t total, const uint64_t *writes, const wb_kvlist_run_t *run)
{
    if (!self || !run || !page.workbin_key || self->capacity == 0)
        return;
    s_image_t *image = s_lookup (self, page.workbin_key);
    bool follows = image && image->version == version && image->total == total
                && page.from == (int64_t) image->known && !s_covers (image, page);
    if (!follows && page.from != 0)
        return;
    if (!follows) {
        if (image)
            s_drop (self, image);
        image = s_image_new (self, page.workbin_key, version, total);
    }
    image->stamped = writes != NULL;
    image->writes = writes ? *writes : 0;
    for (size_t index = 0; index < wb_kvlist_run_count (run); index++) {
        size_t size = 0, depth = 0;
        const uint8_t *data = wb_kvlist_run_item (run, index, &size, &depth);
        if (!s_append (self, image, s_item_new (data, size, depth))) {
            s_drop (self, image);
            return;
        }
    }
    //  more interactions than the total, or none before it, would be rows
    //  of another snapshot than the total's, which a store never gives; a
    //  page may end before the workbin does (the store bounds a page's
    //  bytes), and the next page then follows it
    if ((int64_t) image->known > image->total
    ||  (wb_kvlist_run_count (run) == 0 && (int64_t) image->known < image->total)) {
        s_drop (self, image);
        return;
    }
    //  a workbin whose whole image would pass a quarter of the room, as
    //  its first page tells, goes now: the rest would only be copied
    if (image->known > 0
    &&  (double) image->bytes / (double) image->known * (double) image->total
        > (double) (self->capacity / 4)) {
        s_drop (self, image);
        return;
    }
    s_bound (self, image);
}

//  The index of an item in an image (it is there).
static size_t
s_index_of (const s_image_t *image, const s_item_t *item)
{
    size_t index = 0;
    while (image->items [index] != item)
        index++;
    return index;
}

//  Apply one change to an image at the version before it; false if it
//  cannot be (the image then goes).
static bool
s_apply (wb_page_cache_t *self, s_image_t *image, wb_page_change_t change,
         const wb_kvlist_t *interaction)
{
    const char *id = wb_kvlist_string (interaction, WB_ATTR_INTERACTION_ID);
    s_item_t *held = id ? zhashx_lookup (image->by_id, id) : NULL;
    bool complete = (int64_t) image->known == image->total;
    if (!id)
        return false;
    if (change == WB_PAGE_TAKEN_OUT) {
        image->total--;
        if (!held)
            return !complete;       //  beyond what is known, or not there at all
        size_t index = s_index_of (image, held);
        memmove (image->items + index, image->items + index + 1,
                 (image->known - index - 1) * sizeof (s_item_t *));
        image->known--;
        zhashx_delete (image->by_id, id);
        s_account (self, image, 0, s_item_bytes (held));
        free (held);
        return true;
    }
    size_t size = 0, depth = 0;
    uint8_t *data = wb_kvlist_encode (interaction, &size);
    s_item_t *item = data && wb_kvlist_check (data, size, &depth) == WB_CODEC_OK
                   ? s_item_new (data, size, depth) : NULL;
    free (data);
    if (!item)
        return false;
    if (change == WB_PAGE_PROPERTIES_CHANGED) {
        if (!held) {
            free (item);
            return !complete;
        }
        image->items [s_index_of (image, held)] = item;
        zhashx_delete (image->by_id, id);
        zhashx_insert (image->by_id, s_item_id (item), item);
        s_account (self, image, s_item_bytes (item), s_item_bytes (held));
        free (held);
        return true;
    }
    //  placed in: the workbin's last, known only to an image that is whole
    image->total++;
    if (held) {
        free (item);
        return false;
    }
    if (!complete) {
        free (item);
        return true;
    }
    return s_append (self, image, item);
}

void
wb_page_cache_patch (wb_page_cache_t *self, const char *workbin_key, int64_t version,
                     wb_page_change_t change, const wb_kvlist_t *interaction)
{
    s_image_t *image = s_lookup (self, workbin_key);
    if (!image)
        return;
    if (image->version != version - 1 || !s_apply (self, image, change, interaction)) {
        s_drop (self, image);
        return;
    }
    image->version = version;
    image->stamped = false;
    self->stats.patches++;
    s_bound (self, image);
}

void
wb_page_cache_clear (wb_page_cache_t *self)
{
    if (!self)
        return;
    zlistx_purge (self->order);
    zhashx_purge (self->images);
    self->stats.bytes = 0;
    self->stats.images = 0;
}

wb_page_cache_stats_t
wb_page_cache_stats (const wb_page_cache_t *self)
{
    wb_page_cache_stats_t none = { 0 };
    return self ? self->stats : none;
}
