/*  wb_feed: the change feed between server nodes on one PostgreSQL.

    Each node writes the change log (wb_store_pg.c) in the transaction of
    each change and notifies its keys at commit. The feed is a node's
    reading side, on a connection of its own: it LISTENs on the store's
    channel; on a notification, and on a timer as a safety net, it reads
    the log past its cursor for every workbin that has subscribers here,
    and hands each change to the engine, which delivers it as if made
    here. Per workbin: version = cursor + 1 is delivered; a version at or
    below the cursor is skipped (a duplicate, or a change made here); one
    past cursor + 1 is a gap, filled from the log first. A change made
    here moves the cursor too (wb_feed_local), after the other nodes'
    changes that come before it, so nothing is delivered twice and each
    subscriber sees the versions in order. Changes pruned from the log
    before they were read cost the workbin's subscribers their
    subscriptions (EventError 1001: they re-fetch).

    A lost connection is tried again with a backoff; once back, it
    LISTENs first, then reconciles every cursor against the workbin table
    (what was notified meanwhile is read from the log). The node holding
    the janitor advisory lock prunes the log of changes older than an
    hour.
*/
#ifndef WB_FEED_H_INCLUDED
#define WB_FEED_H_INCLUDED

#include <stdbool.h>
#include <stdint.h>
#include "wb_kvlist.h"
#include "wb_store.h"

typedef struct _wb_feed_t wb_feed_t;

/* What the feed asks of its user (the engine: wb_engine_remote_*). */
typedef struct {
    /* A change to deliver: body is its event without WorkbinVersion, or
       NULL when only its version is known (statistics). */
    void (*change) (void *context, const char *type_id, const char *owner_id,
                    int64_t version, const wb_kvlist_t *body);
    /* Changes of a workbin are gone from the log, unread. */
    void (*lost) (void *context, const char *type_id, const char *owner_id);
    /* True while a workbin has subscribers here (else its cursor goes). */
    bool (*wanted) (void *context, const char *type_id, const char *owner_id);
} wb_feed_callbacks_t;

/* How long the log keeps a change (ms), and how often it is pruned. */
#define WB_FEED_KEEP_MS 3600000
#define WB_FEED_PRUNE_EVERY_MS 60000

/* The feed of a store opened from a postgresql: URI; NULL (nothing to
   read) for another store, or with error filled if the URI does not
   parse. The first connection is made here; if it fails, the feed tries
   again at its ticks. */
wb_feed_t *wb_feed_new (wb_store_t *store, const char *uri,
                        const wb_feed_callbacks_t *callbacks, void *context,
                        char *error, size_t error_size);
void wb_feed_destroy (wb_feed_t **self_p);

/* The descriptor to poll for input (notifications), -1 while there is no
   connection. */
int wb_feed_socket (const wb_feed_t *self);
/* Read what arrived (never waits) and deliver the changes notified. */
void wb_feed_ready (wb_feed_t *self);
/* The timer (now_ms monotonic, about once a second): reconnect when the
   backoff allows, forget the workbins no longer wanted, reconcile every
   cursor against the workbin table, prune when due. */
void wb_feed_tick (wb_feed_t *self, int64_t now_ms);

/* A workbin is about to get a subscriber here, its version being version
   (the subscription's EventAck): its cursor starts there, or one behind
   catches up first (to the subscribers it has), so that the new one gets
   only the changes after version. */
void wb_feed_watch (wb_feed_t *self, const char *type_id, const char *owner_id,
                    int64_t version);
/* A change made here is about to be delivered: the other nodes' changes
   before it are delivered first, then the cursor moves to version.
   tentative: inside a group commit, undone by wb_feed_settle (false). */
void wb_feed_local (wb_feed_t *self, const char *type_id, const char *owner_id,
                    int64_t version, bool tentative);
/* The group commit ended: keep the cursors its changes moved, or put
   them back (it failed: its changes did not happen). */
void wb_feed_settle (wb_feed_t *self, bool committed);

/* Prune the log now, of changes older than keep_ms, if this node holds
   (or takes) the janitor lock: the number of rows removed, -1 if not
   done. For tests and the tick. */
int64_t wb_feed_prune (wb_feed_t *self, int64_t keep_ms);
/* The number of workbins with a cursor (tests). */
size_t wb_feed_cursors (const wb_feed_t *self);

#endif
