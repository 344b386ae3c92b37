/*  wb_page_cache: the content pages read last, as encoded, bounded in bytes.

    Opening a big workbin reads every page of it from the store, and a
    team's workbin is opened by each of its supervisors and agents: the
    same pages, unchanged in between. The cache keeps each page served as
    the run of its interactions' encodings, with the workbin's total, under
    the workbin's version it was read at. A workbin's version changes with
    every change to its content (in the transaction of the change), so a
    page held at the version the store reads now is that page now; one held
    at another version is dropped when it is next asked for.

    The engine serves a held page only once it knows the page's version is
    the workbin's now: it reads the version from the store, or, from a store
    that alone writes its data and counts its writes (wb_store_own_writes),
    sees that nothing was written since the page was known current. It keeps
    pages of committed versions only: its requests that read the store never
    see a change not yet committed (a batch is committed before them), which
    could still be rolled back.

    The least recently served pages go first when the bytes held would
    pass the capacity; a page over a quarter of it is not kept.
*/
#ifndef WB_PAGE_CACHE_H_INCLUDED
#define WB_PAGE_CACHE_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "wb_kvlist.h"

#define WB_PAGE_CACHE_DEFAULT (32u << 20)   /* bytes */
#define WB_PAGE_CACHE_MAX ((size_t) 4096 << 20)

typedef struct _wb_page_cache_t wb_page_cache_t;

/* Which page: a workbin's key ("type@owner" as the engine writes it) and
   the page's first position and most interactions. */
typedef struct {
    const char *workbin_key;
    int64_t from;
    int64_t count;
} wb_page_ref_t;

/* A cache of at most capacity bytes of pages; 0 keeps nothing. */
wb_page_cache_t *wb_page_cache_new (size_t capacity);
void wb_page_cache_destroy (wb_page_cache_t **self_p);

/* True if a page of this ref is held, at whatever version: only then is
   the workbin's version worth reading before the page. */
bool wb_page_cache_holds (wb_page_cache_t *self, wb_page_ref_t page);

/* A copy of the page held at version, and *total the workbin's total of
   that version; NULL if none is (a page held at another version is
   dropped). writes, if not NULL: the store's count of writes when version
   was read, which the page then carries (as wb_page_cache_put). */
wb_kvlist_run_t *wb_page_cache_get (wb_page_cache_t *self, wb_page_ref_t page,
                                    int64_t version, const uint64_t *writes, int64_t *total);

/* A copy of the page if it carries this count of the store's writes
   (nothing was written since it was known current), with its version and
   total; NULL if not (the page stays: its version may still be current). */
wb_kvlist_run_t *wb_page_cache_get_unwritten (wb_page_cache_t *self, wb_page_ref_t page,
                                              uint64_t writes, int64_t *version,
                                              int64_t *total);

/* Keep a copy of run as the page at version with its workbin's total,
   in place of the one held before; the least recently served go if the
   bytes pass the capacity. writes: the store's count of writes when the
   page was read, or NULL if the store cannot tell. */
void wb_page_cache_put (wb_page_cache_t *self, wb_page_ref_t page, int64_t version,
                        int64_t total, const uint64_t *writes, const wb_kvlist_run_t *run);

/* Bytes held, pages held, and the gets that found their page (hits) or
   not (misses) since the cache was made. */
typedef struct {
    size_t bytes;
    size_t pages;
    uint64_t hits;
    uint64_t misses;
} wb_page_cache_stats_t;

wb_page_cache_stats_t wb_page_cache_stats (const wb_page_cache_t *self);

#endif
