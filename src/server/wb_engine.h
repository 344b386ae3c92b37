/*  wb_engine: the server's protocol logic, without sockets.

    The engine takes decoded requests with the routing id of their sender,
    checks them against the session rules, the directory and the access
    rules, changes the store, and hands every reply and event to a send
    function. It owns all protocol state (sessions, subscriptions); one
    thread drives it (wb_server's reactor, or a test). Being socket-free, it
    is tested and fuzzed directly.
*/
#ifndef WB_ENGINE_H_INCLUDED
#define WB_ENGINE_H_INCLUDED

#include "wb_directory.h"
#include "wb_msg.h"
#include "wb_store.h"

/* Deliver one message to the peer named by its routing id. Destroys
   *msg_p. Return 0, or -1 with errno EAGAIN (the peer's queue is full),
   EHOSTUNREACH (the peer is gone) or EMSGSIZE (the message is over a
   codec limit: it is not the peer's fault). */
typedef int (wb_engine_send_fn) (void *context, wb_msg_t **msg_p);

/* Optional: deliver one event to count peers at once, the one of
   routing_ids [index] with EventSequence sequences [index], so that it is
   encoded once for all; errors [index] gets 0, or the errno of its
   failure as wb_engine_send_fn sets it. The event stays the caller's. */
typedef void (wb_engine_send_many_fn) (void *context, wb_msg_t *event, zframe_t **routing_ids,
                                       const int64_t *sequences, int *errors, size_t count);

#define WB_PAGE_CAP_DEFAULT 500
#define WB_PAGE_CAP_MIN 100
#define WB_PAGE_CAP_MAX 10000
#define WB_SESSION_TIMEOUT_DEFAULT 30000   /* ms */

typedef struct _wb_engine_t wb_engine_t;

/* The engine uses, but does not own, the directory and the store. */
wb_engine_t *wb_engine_new (wb_directory_t *directory, wb_store_t *store,
                            wb_engine_send_fn *send, void *context);
void wb_engine_destroy (wb_engine_t **self_p);

/* Fan-out through send_many (else: each copy through send). */
void wb_engine_set_send_many (wb_engine_t *self, wb_engine_send_many_fn *send_many);
/* The most interactions one content page holds (100..10,000). */
int wb_engine_set_page_cap (wb_engine_t *self, int64_t cap);
/* Keep the content pages served last, up to bytes (0: none; at most
   WB_PAGE_CACHE_MAX; default WB_PAGE_CACHE_DEFAULT): see wb_page_cache.h. */
int wb_engine_set_page_cache (wb_engine_t *self, size_t bytes);
/* The engine's page cache, for its figures (wb_page_cache_stats). */
const struct _wb_page_cache_t *wb_engine_page_cache (const wb_engine_t *self);
/* A session silent for longer than this (ms) is expired by wb_engine_expire. */
void wb_engine_set_session_timeout (wb_engine_t *self, int64_t timeout_ms);

/* The agent that the sender of the messages handled next is bound to by
   its key (the "agent-id" of its CURVE certificate, which the ZAP handler
   puts on its messages), or NULL for none. The server sets it before each
   wb_engine_handle. A bound sender registers as an agent application only
   and logs in as that agent only; anything else is EventError 1003. */
void wb_engine_set_sender_agent (wb_engine_t *self, const char *agent_id);

/* True if a request of this row may notify subscribers (a change): the
   server holds such requests back while its clients' queues are full. */
bool wb_engine_may_notify (const wb_message_spec_t *spec);
/* The CURVE public key (Z85) of the sender of the message handled next,
   or NULL on a plain endpoint; authorised: whether the key is still in
   the authorised-keys folder (the server checks it for register and
   login). A session belongs to the key that registered it: a message on
   its routing id with another key (a new connection that reused the
   routing id of one that is gone) ends that session, as an expiry would,
   so the sender has none (EventError 1). A key no longer authorised
   cannot register or log in (EventError 1003). */
void wb_engine_set_sender_key (wb_engine_t *self, zframe_t *routing_id, const char *key,
                               bool authorised);

/* True if spec is a request row of the catalogue that the engine has a
   handler for: every request row, by construction (wb_catalog_rows.h). */
bool wb_engine_handles (const wb_message_spec_t *spec);

/* Handle one request. now_ms is a monotonic clock reading. Takes *msg_p. */
void wb_engine_handle (wb_engine_t *self, zframe_t *routing_id, wb_msg_t **msg_p,
                       int64_t now_ms);
/* Answer a message that could not be decoded: EventError 79 (or 4 for an
   unknown message name), echoing the ReferenceId when it was read. */
void wb_engine_handle_malformed (wb_engine_t *self, zframe_t *routing_id,
                                 wb_codec_status_t status, int64_t reference_id,
                                 int64_t now_ms);
/* Group commit. Between wb_engine_batch_begin and wb_engine_batch_end, the
   changes of the requests handled share one store transaction (each in its
   own savepoint, so a change that fails undoes only itself), and every
   reply and event is held. wb_engine_batch_end commits, then sends the
   held messages in the order they were made, so nothing is acknowledged
   or notified before it is durable. If the commit fails, each request that
   changed the store gets EventError 28 (as a single failed commit gives)
   instead of its reply, its events are dropped, and the other requests'
   replies go out unchanged. A request that reads the store (statistic,
   content, notifications) first commits what the batch holds, so that its
   reply shows only durable data. Both return 0 or -1 (begin: a batch is
   already open; end: none is open, or the commit failed). */
int wb_engine_batch_begin (wb_engine_t *self);
int wb_engine_batch_end (wb_engine_t *self);
/* True once the open batch holds WB_GROUP_BYTES_MAX bytes of replies and
   events (each event once, whatever its number of recipients), or will
   hand WB_GROUP_SENDS_MAX bytes to its recipients (each event once per
   recipient): the server then ends it, so that a group never holds more,
   and the sends after its commit never keep other clients waiting long.
   A reply of a request that changed nothing is not held at all, unless an
   earlier message to the same client is. */
bool wb_engine_batch_full (wb_engine_t *self);
#define WB_GROUP_BYTES_MAX (16u << 20)
#define WB_GROUP_SENDS_MAX (32u << 20)

/* Several nodes on one database: the change feed that brings the other
   nodes' changes (wb_feed; the engine uses, but does not own, it). The
   engine tells it the workbins subscribed to and the changes made here,
   so that each subscriber sees every version once, in order. */
struct _wb_feed_t;
void wb_engine_set_feed (wb_engine_t *self, struct _wb_feed_t *feed);
/* Several nodes: logins are site-wide (wb_node; used, not owned): an
   agent logged in on another live node is refused with EventError 14. */
struct _wb_node_t;
void wb_engine_set_node (wb_engine_t *self, struct _wb_node_t *node);
/* The feed's side (see wb_feed_callbacks_t): a change made on another
   node, delivered as if made here (body: its event without the version;
   NULL: only that the workbin changed, for statistics); changes of a
   workbin lost from the log before they were read (its subscribers here
   lose their subscriptions: EventError 1001); whether a workbin has
   subscribers here. */
void wb_engine_remote_change (wb_engine_t *self, const char *type_id, const char *owner_id,
                              int64_t version, const wb_kvlist_t *body);
void wb_engine_remote_lost (wb_engine_t *self, const char *type_id, const char *owner_id);
bool wb_engine_remote_wanted (wb_engine_t *self, const char *type_id, const char *owner_id);

/* Expire sessions silent for longer than the timeout; return how many. */
size_t wb_engine_expire (wb_engine_t *self, int64_t now_ms);

size_t wb_engine_session_count (const wb_engine_t *self);

#endif
