/*  wb_replica: a client's copy of one workbin, kept exact by version.

    The zguide's Clone pattern (PROTOCOL.md, "Missing nothing"): subscribe,
    keep change events while fetching the content, load the content (a
    snapshot at version V), drop kept events at or below V, apply the rest;
    after that every event must carry exactly the next version. A duplicate
    is ignored; a gap means the copy can no longer be trusted: the client
    calls wb_replica_reset, fetches the content again and loads it.

    Interactions keep the server's order: the order they were placed in the
    workbin. A property change keeps an interaction where it is.

    An interaction that comes in a page still encoded (wb_kvlist_decode
    leaves each one so) is kept as its bytes and decoded when it is first
    read (wb_replica_at), once: loading a big workbin costs a copy of its
    bytes, and only what is drawn, sorted or filtered is decoded.
*/
#ifndef WB_REPLICA_H_INCLUDED
#define WB_REPLICA_H_INCLUDED

/* Most interactions one replica holds: past it, an add fails (-1), as a
   workbin that big is more than a client can keep in memory. */
#define WB_REPLICA_MAX 10000000
/* Most interactions wb_replica_load_reserve makes room for at once: a
   count a server gives is not trusted with more memory than this takes
   (4 MiB of index and 0.5 MiB of order). */
#define WB_REPLICA_RESERVE_MAX 65536

#include <stdbool.h>
#include <stdint.h>
#include "wb_kvlist.h"

typedef enum {
    WB_REPLICA_APPLIED = 0,   /* the event changed the copy */
    WB_REPLICA_KEPT,          /* no snapshot yet: kept until one is loaded */
    WB_REPLICA_DUPLICATE,     /* at or below the current version: ignored */
    WB_REPLICA_GAP,           /* a version was skipped: fetch again */
    WB_REPLICA_INVALID,       /* not a change event this copy understands */
} wb_replica_result_t;

typedef struct _wb_replica_t wb_replica_t;

wb_replica_t *wb_replica_new (void);
void wb_replica_destroy (wb_replica_t **self_p);

/* Take one EventWorkbinContentChanged body. One whose Interaction cannot
   be read (received bytes whose keys or UTF-8 fail their check) is a
   gap once a snapshot is loaded: the copy cannot follow it. */
wb_replica_result_t wb_replica_apply_event (wb_replica_t *self, const wb_kvlist_t *event);

/* Load a whole snapshot: interactions is a list of "Interaction" entries
   (all pages of one version, in order), at this version. Kept events newer
   than the snapshot are applied; returns WB_REPLICA_GAP if they do not
   follow on from it, else WB_REPLICA_APPLIED. */
wb_replica_result_t wb_replica_load (wb_replica_t *self, const wb_kvlist_t *interactions,
                                     int64_t version);

/* The same in steps, for a snapshot that comes page by page (it may hold
   more interactions than one list can): begin, add each page, end. */
void wb_replica_load_begin (wb_replica_t *self);
/* Make room at once for count interactions in all (what the first page
   says the workbin holds), rather than grow page after page; at most
   WB_REPLICA_RESERVE_MAX: more is grown as it comes. */
void wb_replica_load_reserve (wb_replica_t *self, size_t count);
int wb_replica_load_add (wb_replica_t *self, const wb_kvlist_t *interactions);
wb_replica_result_t wb_replica_load_end (wb_replica_t *self, int64_t version);

/* Forget the content (keep nothing) and wait for a new snapshot; events
   that arrive meanwhile are kept. */
void wb_replica_reset (wb_replica_t *self);

bool wb_replica_has_snapshot (const wb_replica_t *self);
bool wb_replica_needs_fetch (const wb_replica_t *self);
int64_t wb_replica_version (const wb_replica_t *self);
size_t wb_replica_size (const wb_replica_t *self);
/* The interaction at a position (0 = placed first); NULL past the end,
   or if it cannot be read (wb_replica_status_at). The first read of one
   kept encoded decodes it. */
const wb_kvlist_t *wb_replica_at (const wb_replica_t *self, size_t index);
/* Whether the interaction at a position can be read: WB_CODEC_OK, or why
   wb_replica_at gives NULL for it. An interaction received is kept with
   its structure checked only (sizes, bounds, depth), its keys and UTF-8
   are checked at its first read: one that fails them stays in its place
   (with no id if its id was at fault: it is not found by id), and this
   names its fault (WB_CODEC_BAD_KEY, WB_CODEC_BAD_UTF8); the others read
   as before. WB_CODEC_TRUNCATED past the end. */
wb_codec_status_t wb_replica_status_at (const wb_replica_t *self, size_t index);
/* Position of an interaction, or -1. */
long wb_replica_index_of (const wb_replica_t *self, const char *interaction_id);
/* Number of changes applied since the copy was created. */
size_t wb_replica_changes_applied (const wb_replica_t *self);
/* A number that changes whenever the interactions do (one added, removed
   or changed, or all of them replaced): a view built on them is stale when
   it differs from the one it was built at. */
uint64_t wb_replica_generation (const wb_replica_t *self);

#endif
