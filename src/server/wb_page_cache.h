/*  wb_page_cache: each workbin's content as last read, kept current across
    this server's own changes, bounded in bytes.

    Opening a big workbin reads every page of it from the store, and a
    team's workbin is opened by each of its supervisors and agents, while
    it changes all day. The cache keeps, per workbin, its image: the
    encodings of its interactions in their order, from the first on (those
    read so far: the image is complete once a page reached the end), under
    the workbin's version and total they were read at. A page is served by
    slicing the image. A workbin's version changes with every change to
    its content (in the transaction of the change), so an image held at
    the version the store reads now is the workbin now; one held at another
    version is dropped when it is next asked for.

    Pages read in order from the first extend the image. A change this
    server made is applied to the image held at the version before it
    (wb_page_cache_patch): placed in goes last (the order of placement),
    taken out leaves, properties changed replaces; the image moves to the
    change's version. So an image stays served while its workbin changes,
    as long as every change to it is patched in; a change not patched in
    leaves the image at an older version, and it is dropped.

    The engine serves an image only once it knows the image's version is
    the workbin's now: it reads the version from the store, or, from a
    store that alone writes its data and counts its writes
    (wb_store_own_writes), sees that nothing was written since the image
    was known current. Changes are patched in as they are made, inside a
    batch before its commit: a read commits the batch first, and a batch
    that fails to commit clears the cache (wb_page_cache_clear), so that
    no image shows a change that was rolled back.

    The least recently served images go first when the bytes held would
    pass the capacity; an image over a quarter of it is not kept.
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

/* A cache of at most capacity bytes of images; 0 keeps nothing. */
wb_page_cache_t *wb_page_cache_new (size_t capacity);
void wb_page_cache_destroy (wb_page_cache_t **self_p);

/* True if the workbin's image, at whatever version, holds the page (all
   of it, or up to the workbin's end): only then is the workbin's version
   worth reading before the page. */
bool wb_page_cache_holds (wb_page_cache_t *self, wb_page_ref_t page);

/* A copy of the page from the image held at version, and *total the
   workbin's total of that version; NULL if the image does not hold it
   (an image held at another version is dropped). writes, if not NULL:
   the store's count of writes when version was read, which the image
   then carries (as wb_page_cache_put). */
wb_kvlist_run_t *wb_page_cache_get (wb_page_cache_t *self, wb_page_ref_t page,
                                    int64_t version, const uint64_t *writes, int64_t *total);

/* A copy of the page if the image holds it and carries this count of the
   store's writes (nothing was written since it was known current), with
   its version and total; NULL if not (the image stays: its version may
   still be current). */
wb_kvlist_run_t *wb_page_cache_get_unwritten (wb_page_cache_t *self, wb_page_ref_t page,
                                              uint64_t writes, int64_t *version,
                                              int64_t *total);

/* A page just read from the store, at version with its workbin's total:
   the first page starts the workbin's image anew; the page that follows
   the image at its version extends it; any other changes nothing. The
   least recently served images go if the bytes pass the capacity.
   writes: the store's count of writes when the page was read, or NULL if
   the store cannot tell. */
void wb_page_cache_put (wb_page_cache_t *self, wb_page_ref_t page, int64_t version,
                        int64_t total, const uint64_t *writes, const wb_kvlist_run_t *run);

/* What a change did to a workbin's content, as its event says. */
typedef enum {
    WB_PAGE_PLACED_IN,              /* the interaction is the workbin's last */
    WB_PAGE_TAKEN_OUT,              /* it left the workbin */
    WB_PAGE_PROPERTIES_CHANGED,     /* it stays in its place, with these properties */
} wb_page_change_t;

/* Apply a committed or batched change of this server to the image of the
   workbin (workbin_key), which it moved to version: interaction is the
   interaction's properties after the change (its InteractionId before,
   when taken out). An image held at the version before is changed and
   moves to version; any other is dropped. */
void wb_page_cache_patch (wb_page_cache_t *self, const char *workbin_key, int64_t version,
                          wb_page_change_t change, const wb_kvlist_t *interaction);

/* Forget every image (a batch whose changes were patched in failed). */
void wb_page_cache_clear (wb_page_cache_t *self);

/* Bytes held, images held, and the gets that found their page (hits) or
   not (misses) since the cache was made, and the changes patched in. */
typedef struct {
    size_t bytes;
    size_t images;
    uint64_t hits;
    uint64_t misses;
    uint64_t patches;
} wb_page_cache_stats_t;

wb_page_cache_stats_t wb_page_cache_stats (const wb_page_cache_t *self);

#endif
