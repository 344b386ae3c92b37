/*  wb_engine_internal: what the parts of wb_engine share.

    The engine is one class spread over five files by purpose:
    wb_engine.c (dispatch, replies, events, workbin addressing),
    wb_engine_batch.c (group commit: the batch and its outbox),
    wb_engine_session.c (register, login, logout, ping),
    wb_engine_workbin.c (types, statistic, content, notifications),
    wb_engine_change.c (submit, place, pull, change properties, stop).
*/
#ifndef WB_ENGINE_INTERNAL_H_INCLUDED
#define WB_ENGINE_INTERNAL_H_INCLUDED

#include "wb_engine.h"
#include "wb_error.h"
#include "wb_feed.h"
#include "wb_node.h"
#include "wb_protocol.h"
#include "wb_sessions.h"
#include "wb_workbin.h"

struct _wb_engine_t {
    wb_directory_t *directory;
    wb_store_t *store;
    wb_sessions_t *sessions;
    wb_engine_send_fn *send;
    wb_engine_send_many_fn *send_many;  /* NULL: fan-out through send */
    void *context;
    int64_t page_cap;
    int64_t session_timeout;
    uint64_t first_interaction_id;  /* the wall clock at start, in microseconds */
    struct _wb_outbox_t *outbox;  /* held messages while batching, else NULL */
    wb_feed_t *feed;             /* the changes of other nodes; NULL: one node */
    wb_node_t *node;             /* the site's logins; NULL: one node */
    struct _wb_page_cache_t *page_cache;  /* content pages served last, owned */
};

/* The request being handled. */
typedef struct {
    wb_engine_t *engine;
    wb_session_t *session;       /* NULL when the sender is not registered */
    zframe_t *routing_id;
    const wb_message_spec_t *spec;  /* its catalogue row; NULL if it could not be read */
    const char *name;
    int64_t reference_id;
    const wb_kvlist_t *body;
    const char *detail;          /* extra text for the EventError, or NULL */
} wb_request_t;

/* A workbin named by a request, once checked against the directory. */
typedef struct {
    const wb_workbin_type_t *type;
    const char *owner_id;        /* points into the request's body */
    char *key;                   /* "type@owner", owned: wb_target_clear */
} wb_target_t;

/* A handler answers its request itself and returns 0, or returns the
   error code that the dispatcher answers with EventError. */
typedef int (wb_handler_fn) (wb_request_t *request);

int wb_engine_register (wb_request_t *request);
int wb_engine_unregister (wb_request_t *request);
int wb_engine_login (wb_request_t *request);
int wb_engine_logout (wb_request_t *request);
int wb_engine_ping (wb_request_t *request);
int wb_engine_types_info (wb_request_t *request);
int wb_engine_statistic (wb_request_t *request);
int wb_engine_content (wb_request_t *request);
int wb_engine_notifications (wb_request_t *request);
int wb_engine_cancel_notifications (wb_request_t *request);
int wb_engine_submit (wb_request_t *request);
int wb_engine_place (wb_request_t *request);
int wb_engine_pull (wb_request_t *request);
int wb_engine_pulled_list (wb_request_t *request);
int wb_engine_statistic_notifications (wb_request_t *request);
int wb_engine_cancel_statistic_notifications (wb_request_t *request);
/* After a change to a workbin's content (committed with its batch): its
   statistic to every session that asked for them and may see it. */
void wb_engine_notify_statistic (wb_engine_t *self, const wb_workbin_type_t *type,
                                 const char *owner_id, int64_t version);
int wb_engine_change_properties (wb_request_t *request);
int wb_engine_stop (wb_request_t *request);

/* A reply to the request: the event of this row with its ReferenceId. */
wb_msg_t *wb_engine_reply_new (wb_request_t *request, wb_catalog_row_t row);
void wb_engine_reply (wb_request_t *request, wb_msg_t **reply_p);
/* Send a reply now; one that cannot be queued for want of bytes (or is
   over a codec limit) is replaced by a small EventError 1005 (1004). */
void wb_engine_send_reply (wb_engine_t *self, wb_msg_t **reply_p);
/* EventAck, with the attributes of extra appended if not NULL. */
void wb_engine_reply_ack (wb_request_t *request, const wb_kvlist_t *extra);
void wb_engine_reply_error (wb_request_t *request, int code);
/* EventError with its code and text (and the request's detail). */
wb_msg_t *wb_engine_error_new (wb_request_t *request, int code);
/* An unsolicited event to a session: EventSequence is added here.
   Return 0, or -1 if it could not be queued (subscriptions dropped). In a
   batch it is held, and numbered and sent after the commit. */
int wb_engine_send_event (wb_engine_t *self, wb_session_t *session, wb_msg_t **event_p);
/* Number an event for its session and send it; on failure the session
   loses its subscriptions. 0 or -1. */
int wb_engine_deliver_event (wb_engine_t *self, wb_session_t *session, wb_msg_t **event_p);

/* What a held message is. */
typedef enum {
    WB_HELD_REPLY,           /* a reply: a lost one is covered by the deadline */
    WB_HELD_EVENT,           /* an event: numbered when it is sent */
    WB_HELD_DROP_REPORT,     /* the "subscriptions dropped" event */
} wb_held_kind_t;

/* While batching, keep a message to send after the commit; 0, or -1 if
   not batching (the message is left alone). */
int wb_engine_hold (wb_engine_t *self, wb_msg_t **msg_p, wb_held_kind_t kind);
/* While batching, keep one event for several sessions: held once, and
   copied for each recipient only as it is sent. 0, or -1 if not batching
   (the event is left alone). */
int wb_engine_hold_shared (wb_engine_t *self, wb_session_t **sessions, size_t count,
                           wb_msg_t **event_p);
/* Number one event for each of several sessions and send it to them
   (through send_many if set); those that could not take it lose their
   subscriptions. The event stays the caller's. */
void wb_engine_deliver_shared (wb_engine_t *self, wb_msg_t *event, wb_session_t **sessions,
                               size_t count);
/* Send one event to several sessions (each gets its own EventSequence).
   Takes *event_p. */
void wb_engine_fan_out (wb_engine_t *self, wb_session_t **sessions, size_t count,
                        wb_msg_t **event_p);
/* Where the messages of the next request start in the outbox. */
size_t wb_engine_held_mark (wb_engine_t *self);
/* How many batches have ended: a mark is stale once this changes. */
size_t wb_engine_held_flushes (wb_engine_t *self);
/* A request that changed nothing: send what it held since mark now,
   without waiting for the commit, unless an earlier held message goes to
   the same client (its replies and events stay in order). */
void wb_engine_held_release (wb_engine_t *self, size_t mark, size_t flushes,
                             zframe_t *routing_id);
/* The request that held the messages since mark changed the store: they
   go out only if the batch commits; if it fails, EventError 28 does. */
void wb_engine_held_seal (wb_engine_t *self, size_t mark, wb_request_t *request);
/* Inside a batch, commit what it holds and start a new one, so that a
   request that reads the store sees only durable data. */
void wb_engine_batch_sync (wb_engine_t *self);
/* End a batch still open and free the outbox (wb_engine_destroy). */
void wb_engine_batch_destroy (wb_engine_t *self);

/* Check the workbin named by attributes (WorkbinTypeId and owner id) and
   the sender's right to it. Return 0 and fill target, or an error code. */
int wb_engine_resolve_workbin (wb_request_t *request, const wb_kvlist_t *attributes,
                               wb_target_t *target);
/* The sender's right to a workbin given by type and owner: 0 or 41. */
int wb_engine_check_access (wb_request_t *request, const wb_workbin_type_t *type,
                            const char *owner_id);
/* The same for any session. */
int wb_engine_session_access (wb_engine_t *self, const wb_session_t *session,
                              const wb_workbin_type_t *type, const char *owner_id);
void wb_target_clear (wb_target_t *target);
/* A store reference for a target. */
wb_workbin_ref_t wb_target_ref (const wb_target_t *target);

/* 0 if an interaction with these properties fits WB_INTERACTION_MAX; else
   WB_ERR_INTERACTION_TOO_LARGE, with the request's detail set. */
int wb_engine_check_size (wb_request_t *request, const wb_kvlist_t *properties);
/* The current time as ISO-8601 UTC text, into a 21-byte buffer. */
/* The sender's name for Actor and SubmittedBy: agent id or client name. */
const char *wb_engine_actor_name (const wb_request_t *request);

#endif
