/*  wb_page_cache: the content pages read last. See wb_page_cache.h.

    Pages are found by a hash of their ref, written as text without
    ambiguity (lengths before the ids), and kept in an order of use: the
    front was served last, the back goes first.
*/
#include <stdlib.h>
#include <string.h>
#include <czmq.h>
#include "wb_page_cache.h"
#include "wb_prelude.h"

//  What a page costs besides its run, its record and its key's two copies
//  (ours and the hash's): the hash's item and the order's node, and the
//  allocator's header of each of the six blocks, counted so that many
//  small pages (of empty workbins) stay within the capacity too.
#define S_PAGE_OVERHEAD 192

typedef struct {
    char *key;                  /* its key in the hash (a copy) */
    int64_t version;
    int64_t total;
    bool stamped;               /* known current at writes (the store's count) */
    uint64_t writes;
    wb_kvlist_run_t *run;
    size_t bytes;
    void *handle;               /* in the order of use */
} s_page_t;

struct _wb_page_cache_t {
    size_t capacity;
    zhashx_t *pages;            /* key text -> s_page_t, owned */
    zlistx_t *order;            /* s_page_t, last served first */
    wb_page_cache_stats_t stats;
};

static void
s_page_destroy (void **item)
{
    s_page_t *page = *item;
    if (page) {
        wb_kvlist_run_destroy (&page->run);
        free (page->key);
        free (page);
        *item = NULL;
    }
}

wb_page_cache_t *
wb_page_cache_new (size_t capacity)
{
    wb_page_cache_t *self = wb_calloc (1, sizeof (wb_page_cache_t));
    self->capacity = capacity < WB_PAGE_CACHE_MAX ? capacity : WB_PAGE_CACHE_MAX;
    self->pages = zhashx_new ();
    self->order = zlistx_new ();
    zhashx_set_destructor (self->pages, s_page_destroy);
    return self;
}

void
wb_page_cache_destroy (wb_page_cache_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    zlistx_destroy (&(*self_p)->order);
    zhashx_destroy (&(*self_p)->pages);
    free (*self_p);
    *self_p = NULL;
}

//  Write value in decimal at cursor; the end of what was written.
static char *
s_put_decimal (char *cursor, uint64_t value)
{
    char digits [20];
    size_t count = 0;
    do
        digits [count++] = (char) ('0' + value % 10);
    while ((value /= 10) > 0);
    while (count > 0)
        *cursor++ = digits [--count];
    return cursor;
}

//  The text a page is found by, "<length>:<workbin key><from>:<count>",
//  written by hand (snprintf cost two thousand instructions a request);
//  false if it does not fit in size bytes.
static bool
s_key (wb_page_ref_t page, char *key, size_t size)
{
    size_t length = page.workbin_key ? strlen (page.workbin_key) : 0;
    if (!page.workbin_key || page.from < 0 || page.count < 0 || length + 64 > size)
        return false;
    char *cursor = s_put_decimal (key, length);
    *cursor++ = ':';
    memcpy (cursor, page.workbin_key, length);
    cursor = s_put_decimal (cursor + length, (uint64_t) page.from);
    *cursor++ = ':';
    cursor = s_put_decimal (cursor, (uint64_t) page.count);
    *cursor = 0;
    return true;
}

//  The page held under key (written there; "" for a ref that cannot be a
//  key or no cache), or NULL.
static s_page_t *
s_lookup (wb_page_cache_t *self, wb_page_ref_t page, char *key, size_t size)
{
    *key = 0;
    return self && s_key (page, key, size) ? zhashx_lookup (self->pages, key) : NULL;
}

//  Forget a page.
static void
s_drop (wb_page_cache_t *self, s_page_t *page)
{
    self->stats.bytes -= page->bytes;
    self->stats.pages--;
    zlistx_delete (self->order, page->handle);
    zhashx_delete (self->pages, page->key);
}

bool
wb_page_cache_holds (wb_page_cache_t *self, wb_page_ref_t page)
{
    char key [512];
    return s_lookup (self, page, key, sizeof (key)) != NULL;
}

//  A copy of a held page, served now.
static wb_kvlist_run_t *
s_serve (wb_page_cache_t *self, s_page_t *held, int64_t *total)
{
    self->stats.hits++;
    zlistx_move_start (self->order, held->handle);
    if (total)
        *total = held->total;
    return wb_kvlist_run_dup (held->run);
}

wb_kvlist_run_t *
wb_page_cache_get (wb_page_cache_t *self, wb_page_ref_t page, int64_t version,
                   const uint64_t *writes, int64_t *total)
{
    char key [512];
    s_page_t *held = s_lookup (self, page, key, sizeof (key));
    if (held && held->version != version)
        s_drop (self, held);
    else
    if (held) {
        held->stamped = writes != NULL;
        held->writes = writes ? *writes : 0;
        return s_serve (self, held, total);
    }
    if (self)
        self->stats.misses++;
    return NULL;
}

wb_kvlist_run_t *
wb_page_cache_get_unwritten (wb_page_cache_t *self, wb_page_ref_t page, uint64_t writes,
                             int64_t *version, int64_t *total)
{
    char key [512];
    s_page_t *held = s_lookup (self, page, key, sizeof (key));
    if (!held || !held->stamped || held->writes != writes)
        return NULL;
    if (version)
        *version = held->version;
    return s_serve (self, held, total);
}

void
wb_page_cache_put (wb_page_cache_t *self, wb_page_ref_t page, int64_t version,
                   int64_t total, const uint64_t *writes, const wb_kvlist_run_t *run)
{
    char key [512];
    s_page_t *held = s_lookup (self, page, key, sizeof (key));
    if (held)
        s_drop (self, held);
    if (!self || !run || !*key)
        return;
    size_t bytes = wb_kvlist_run_bytes (run) + sizeof (s_page_t) + 2 * (strlen (key) + 1)
                 + S_PAGE_OVERHEAD;
    if (bytes > self->capacity / 4)
        return;
    while (self->stats.bytes + bytes > self->capacity && zlistx_last (self->order))
        s_drop (self, zlistx_last (self->order));
    s_page_t *kept = wb_calloc (1, sizeof (s_page_t));
    kept->version = version;
    kept->total = total;
    kept->stamped = writes != NULL;
    kept->writes = writes ? *writes : 0;
    kept->run = wb_kvlist_run_dup (run);
    kept->bytes = bytes;
    kept->key = wb_strdup (key);
    zhashx_insert (self->pages, key, kept);
    kept->handle = zlistx_add_start (self->order, kept);
    self->stats.bytes += bytes;
    self->stats.pages++;
}

wb_page_cache_stats_t
wb_page_cache_stats (const wb_page_cache_t *self)
{
    wb_page_cache_stats_t none = { 0 };
    return self ? self->stats : none;
}
