/*  wb_engine: dispatch, replies, events and workbin addressing.
    See wb_engine.h; the handlers live in wb_engine_*.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "wb_engine_internal.h"
#include "wb_prelude.h"
#include "wb_clock.h"
#include "wb_catalog.h"
#include "wb_page_cache.h"

/* The handler of each request row of the catalogue, from the same list
   the catalogue is made of: a request row without its wb_engine_ handler
   does not build (undeclared, or not linked), and no handler is reached
   without a row. Events have none. */
#define S_ROUTE(symbol, vendor_id, needs, reads, handler, ...) \
    [WB_ROW_REQUEST_##symbol] = handler,
#define S_NO_ROUTE(...)
static wb_handler_fn *const s_routes [WB_ROW_COUNT] = {
    WB_CATALOG_ROWS (S_ROUTE, S_NO_ROUTE)
};

/* The code when the attribute naming a workbin's owner is absent. */
static const struct {
    wb_owner_type_t type;
    int missing_error;
} s_owner_missing_errors [] = {
    { WB_OWNER_AGENT,       WB_ERR_AGENT_OWNER_NOT_SPECIFIED },
    { WB_OWNER_PLACE,       WB_ERR_PLACE_NOT_SPECIFIED },
    { WB_OWNER_PLACE_GROUP, WB_ERR_PLACE_GROUP_OWNER_NOT_SPECIFIED },
    { WB_OWNER_AGENT_GROUP, WB_ERR_AGENT_GROUP_OWNER_NOT_SPECIFIED },
};

wb_engine_t *
wb_engine_new (wb_directory_t *directory, wb_store_t *store,
               wb_engine_send_fn *send, void *context)
{
    if (!directory || !store || !send)
        return NULL;
    wb_engine_t *self = wb_calloc (1, sizeof (wb_engine_t));
    self->directory = directory;
    self->store = store;
    self->send = send;
    self->context = context;
    self->page_cap = WB_PAGE_CAP_DEFAULT;
    self->session_timeout = WB_SESSION_TIMEOUT_DEFAULT;
    //  Ids start from the wall clock in microseconds (they read as the
    //  order of submission); the store makes each one greater than every
    //  id it gave before, so a restart on a clock that stood still or went
    //  back still gives new ids.
    self->first_interaction_id = (uint64_t) wb_clock_wall_ms () * 1000u;
    self->sessions = wb_sessions_new ();
    self->page_cache = wb_page_cache_new (WB_PAGE_CACHE_DEFAULT);
    if (!self->sessions)
        wb_engine_destroy (&self);
    return self;
}

void
wb_engine_destroy (wb_engine_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    wb_engine_batch_destroy (*self_p);
    wb_sessions_destroy (&(*self_p)->sessions);
    wb_page_cache_destroy (&(*self_p)->page_cache);
    free (*self_p);
    *self_p = NULL;
}

void
wb_engine_set_feed (wb_engine_t *self, struct _wb_feed_t *feed)
{
    if (self)
        self->feed = feed;
}

//  A login that ends here lets the site's registry go.
static void
s_release_login (void *context, const char *agent_id)
{
    wb_node_release (((wb_engine_t *) context)->node, agent_id);
}

void
wb_engine_set_node (wb_engine_t *self, struct _wb_node_t *node)
{
    if (!self)
        return;
    self->node = node;
    wb_sessions_on_logout (self->sessions, node ? s_release_login : NULL, self);
}

void
wb_engine_set_send_many (wb_engine_t *self, wb_engine_send_many_fn *send_many)
{
    if (self)
        self->send_many = send_many;
}

int
wb_engine_set_page_cap (wb_engine_t *self, int64_t cap)
{
    if (!self || cap < WB_PAGE_CAP_MIN || cap > WB_PAGE_CAP_MAX)
        return -1;
    self->page_cap = cap;
    return 0;
}

int
wb_engine_set_page_cache (wb_engine_t *self, size_t bytes)
{
    if (!self || bytes > WB_PAGE_CACHE_MAX)
        return -1;
    wb_page_cache_destroy (&self->page_cache);
    self->page_cache = wb_page_cache_new (bytes);
    return 0;
}

const struct _wb_page_cache_t *
wb_engine_page_cache (const wb_engine_t *self)
{
    return self ? self->page_cache : NULL;
}

void
wb_engine_set_session_timeout (wb_engine_t *self, int64_t timeout_ms)
{
    if (self && timeout_ms > 0)
        self->session_timeout = timeout_ms;
}

size_t
wb_engine_session_count (const wb_engine_t *self)
{
    return self ? wb_sessions_size (self->sessions) : 0;
}

size_t
wb_engine_expire (wb_engine_t *self, int64_t now_ms)
{
    return self ? wb_sessions_expire (self->sessions, now_ms - self->session_timeout) : 0;
}

// ---------------------------------------------------------------- replies

wb_msg_t *
wb_engine_reply_new (wb_request_t *request, wb_catalog_row_t row)
{
    wb_msg_t *reply = wb_msg_new_row (row);
    if (reply) {
        wb_msg_set_reference_id (reply, request->reference_id);
        wb_msg_set_routing_id (reply, request->routing_id);
    }
    return reply;
}

//  The EventError that replaces a reply that could not go: the client's
//  queue is over its bytes (1005), or the reply is over a codec limit
//  (1004); 0 when the reply is simply lost (the client is gone, or over
//  its queue's count: its deadline covers that).
static int
s_reply_failure_code (int error)
{
    return error == EAGAIN ? WB_ERR_SEND_QUEUE_FULL
         : error == EMSGSIZE ? WB_ERR_INTERACTION_TOO_LARGE : 0;
}

void
wb_engine_send_reply (wb_engine_t *self, wb_msg_t **reply_p)
{
    if (!reply_p || !*reply_p)
        return;
    bool is_error = wb_msg_is (*reply_p, WB_ROW_EVENT_ERROR);
    wb_request_t request = {
        .engine = self,
        .routing_id = zframe_dup (wb_msg_routing_id (*reply_p)),
        .reference_id = wb_msg_reference_id (*reply_p),
    };
    errno = 0;
    int code = self->send (self->context, reply_p) == 0 || is_error
             ? 0 : s_reply_failure_code (errno);
    if (code) {
        //  one small EventError instead: every request gets one reply
        request.detail = code == WB_ERR_INTERACTION_TOO_LARGE ? "reply over WB_BODY_MAX" : NULL;
        wb_msg_t *error = wb_engine_error_new (&request, code);
        if (error)
            self->send (self->context, &error);
        wb_msg_destroy (&error);
    }
    zframe_destroy (&request.routing_id);
    wb_msg_destroy (reply_p);
}

void
wb_engine_reply (wb_request_t *request, wb_msg_t **reply_p)
{
    if (reply_p && *reply_p
    &&  wb_engine_hold (request->engine, reply_p, WB_HELD_REPLY) != 0)
        wb_engine_send_reply (request->engine, reply_p);
    wb_msg_destroy (reply_p);
}

void
wb_engine_reply_ack (wb_request_t *request, const wb_kvlist_t *extra)
{
    wb_msg_t *reply = wb_engine_reply_new (request, WB_ROW_EVENT_ACK);
    if (reply && extra)
        wb_kvlist_append (wb_msg_body (reply), extra);
    wb_engine_reply (request, &reply);
}

wb_msg_t *
wb_engine_error_new (wb_request_t *request, int code)
{
    wb_msg_t *reply = wb_engine_reply_new (request, WB_ROW_EVENT_ERROR);
    if (!reply)
        return NULL;
    char description [300];
    if (request->detail)
        snprintf (description, sizeof (description), "%s: %s",
                  wb_error_text (code), request->detail);
    else
        snprintf (description, sizeof (description), "%s", wb_error_text (code));
    wb_kvlist_add_int (wb_msg_body (reply), WB_ATTR_ERROR_CODE, code);
    wb_kvlist_add_string (wb_msg_body (reply), WB_ATTR_ERROR_DESCRIPTION, description);
    return reply;
}

void
wb_engine_reply_error (wb_request_t *request, int code)
{
    wb_msg_t *reply = wb_engine_error_new (request, code);
    wb_engine_reply (request, &reply);
}

int
wb_engine_send_event (wb_engine_t *self, wb_session_t *session, wb_msg_t **event_p)
{
    if (!event_p || !*event_p)
        return -1;
    wb_msg_set_routing_id (*event_p, session->routing_id);
    if (wb_engine_hold (self, event_p, WB_HELD_EVENT) == 0)
        return 0;
    return wb_engine_deliver_event (self, session, event_p);
}

//  An event could not go to a session (errno error); 0 if that is no
//  fault of its client, else -1.
static int
s_event_lost (wb_engine_t *self, wb_session_t *session, int error)
{
    //  An event over a codec limit is not the client's fault: it is logged
    //  by the send function, and its EventSequence stays used, so that the
    //  client sees the gap and re-fetches (PROTOCOL.md 8.2)
    if (error == EMSGSIZE)
        return 0;
    //  The client cannot keep up (or is gone): it loses its subscriptions
    //  and is told at its next request, so the others never wait for it.
    if (zlistx_size (session->subscriptions) > 0) {
        wb_sessions_drop_subscriptions (self->sessions, session);
        session->subscriptions_dropped = true;
    }
    return -1;
}

int
wb_engine_deliver_event (wb_engine_t *self, wb_session_t *session, wb_msg_t **event_p)
{
    wb_msg_set_routing_id (*event_p, session->routing_id);
    wb_kvlist_set_int (wb_msg_body (*event_p), WB_ATTR_EVENT_SEQUENCE, ++session->event_sequence);
    errno = 0;
    if (self->send (self->context, event_p) == 0)
        return 0;
    return s_event_lost (self, session, errno);
}

void
wb_engine_deliver_shared (wb_engine_t *self, wb_msg_t *event, wb_session_t **sessions,
                          size_t count)
{
    if (!self->send_many) {
        for (size_t index = 0; index < count; index++) {
            wb_msg_t *copy = wb_msg_dup (event);     //  one copy at a time
            if (copy)
                wb_engine_deliver_event (self, sessions [index], &copy);
            wb_msg_destroy (&copy);
        }
        return;
    }
    //  each recipient's routing id, sequence and error, in one allocation
    //  (every entry is written before it is read)
    size_t entry = sizeof (zframe_t *) + sizeof (int64_t) + sizeof (int);
    void *arrays = wb_malloc (count ? count * entry : entry);
    int64_t *sequences = arrays;
    zframe_t **routing_ids = (zframe_t **) (sequences + count);
    int *errors = (int *) (routing_ids + count);
    for (size_t index = 0; index < count; index++) {
        routing_ids [index] = sessions [index]->routing_id;
        sequences [index] = ++sessions [index]->event_sequence;
    }
    self->send_many (self->context, event, routing_ids, sequences, errors, count);
    for (size_t index = 0; index < count; index++)
        if (errors [index])
            s_event_lost (self, sessions [index], errors [index]);
    free (arrays);
}

void
wb_engine_fan_out (wb_engine_t *self, wb_session_t **sessions, size_t count,
                   wb_msg_t **event_p)
{
    if (!event_p || !*event_p || wb_engine_hold_shared (self, sessions, count, event_p) == 0)
        return;
    wb_engine_deliver_shared (self, *event_p, sessions, count);
    wb_msg_destroy (event_p);
}

//  Tell a client whose subscriptions were dropped, before its reply.
static void
s_report_dropped_subscriptions (wb_engine_t *self, wb_session_t *session)
{
    if (!session || !session->subscriptions_dropped)
        return;
    session->subscriptions_dropped = false;
    wb_msg_t *event = wb_msg_new_row (WB_ROW_EVENT_ERROR);
    wb_kvlist_add_int (wb_msg_body (event), WB_ATTR_ERROR_CODE, WB_ERR_SUBSCRIPTIONS_DROPPED);
    wb_kvlist_add_string (wb_msg_body (event), WB_ATTR_ERROR_DESCRIPTION,
                          wb_error_text (WB_ERR_SUBSCRIPTIONS_DROPPED));
    wb_msg_set_routing_id (event, session->routing_id);
    if (wb_engine_hold (self, &event, WB_HELD_DROP_REPORT) == 0)
        return;
    //  still full: try again at the next request
    if (wb_engine_deliver_event (self, session, &event))
        session->subscriptions_dropped = true;
}

int
wb_engine_check_size (wb_request_t *request, const wb_kvlist_t *properties)
{
    if (wb_kvlist_encoded_size (properties) <= WB_INTERACTION_MAX)
        return 0;
    request->detail = "its properties would take over 2 MiB";
    return WB_ERR_INTERACTION_TOO_LARGE;
}

// ---------------------------------------------------------------- dispatch

bool
wb_engine_may_notify (const wb_message_spec_t *spec)
{
    //  the handlers of wb_engine_change.c: the requests that change the store
    wb_handler_fn *handler = wb_engine_handles (spec) ? s_routes [spec->row] : NULL;
    return handler == wb_engine_submit || handler == wb_engine_place
        || handler == wb_engine_pull || handler == wb_engine_change_properties
        || handler == wb_engine_stop;
}

bool
wb_engine_handles (const wb_message_spec_t *spec)
{
    return spec && spec->kind == WB_KIND_REQUEST && (size_t) spec->row < WB_ROW_COUNT
        && s_routes [spec->row] != NULL;
}

//  The error a request gets before its handler runs, or 0.
static int
s_precondition (const wb_request_t *request)
{
    if (request->spec->needs == WB_NEEDS_NOTHING)
        return 0;
    if (!request->session)
        return WB_ERR_NOT_REGISTERED;
    if (request->spec->needs == WB_NEEDS_WORKBIN_ACCESS && !request->session->agent_id
    &&  request->session->client_type != WB_CLIENT_MEDIA_SERVER)
        return WB_ERR_NOT_LOGGED_IN;
    return 0;
}

//  Check the message against its catalogue row: a request the engine
//  handles, its session rules, its attributes.
static int
s_check_request (wb_request_t *request)
{
    if (!wb_engine_handles (request->spec)) {
        request->detail = request->name;
        return WB_ERR_UNSUPPORTED_ELEMENT;
    }
    int code = s_precondition (request);
    if (code)
        return code;
    return wb_catalog_validate (request->spec, request->body, &request->detail);
}

//  Run a checked request's handler. In a batch, a request that reads the
//  store sees only committed changes, and one that changes the store has
//  its messages tied to the batch's commit.
static int
s_run_handler (wb_request_t *request, int64_t now_ms)
{
    wb_engine_t *self = request->engine;
    if (request->spec->reads == WB_READS_STORE)
        wb_engine_batch_sync (self);
    size_t mark = wb_engine_held_mark (self);
    size_t writes = wb_store_batch_writes (self->store);
    int code = s_routes [request->spec->row] (request);
    //  a conflict with another node's change (a deadlock, or a lock this
    //  batch did not wait for): this one was rolled back to its savepoint.
    //  The batch's earlier changes are committed first, so that their locks
    //  no longer hold up the other node, then it is tried once more, alone
    if (code == WB_ERR_DATABASE && wb_store_may_retry (self->store)) {
        zsys_info ("%s lost a conflict with another node's change: tried again%s",
                   request->name, writes ? ", after a commit of the batch before it" : "");
        wb_engine_batch_sync (self);
        mark = wb_engine_held_mark (self);
        writes = wb_store_batch_writes (self->store);
        request->detail = NULL;
        code = s_routes [request->spec->row] (request);
    }
    //  register makes the session, unregister removes it: the handler
    //  leaves request->session as it now is
    if (request->session)
        request->session->last_seen = now_ms;
    if (code == 0 && wb_store_batch_writes (self->store) > writes)
        wb_engine_held_seal (self, mark, request);
    return code;
}

void
wb_engine_handle (wb_engine_t *self, zframe_t *routing_id, wb_msg_t **msg_p, int64_t now_ms)
{
    if (!self || !routing_id || !msg_p || !*msg_p)
        return;
    wb_msg_t *msg = *msg_p;
    wb_request_t request = {
        .engine = self,
        .session = wb_sessions_find (self->sessions, routing_id),
        .routing_id = routing_id,
        .spec = wb_msg_spec (msg),
        .name = wb_msg_name (msg),
        .reference_id = wb_msg_reference_id (msg),
        .body = wb_msg_body_const (msg),
    };
    size_t mark = wb_engine_held_mark (self);
    size_t flushes = wb_engine_held_flushes (self);
    if (request.session) {
        request.session->last_seen = now_ms;
        s_report_dropped_subscriptions (self, request.session);
    }
    int code = s_check_request (&request);
    if (code == 0)
        code = s_run_handler (&request, now_ms);
    if (code)
        wb_engine_reply_error (&request, code);
    //  While the batch holds no change, a request's reply (which then
    //  changed nothing, and saw nothing uncommitted) need not wait for the
    //  group's commit
    if (wb_store_batch_writes (self->store) == 0)
        wb_engine_held_release (self, mark, flushes, routing_id);
    wb_msg_destroy (msg_p);
}

void
wb_engine_handle_malformed (wb_engine_t *self, zframe_t *routing_id,
                            wb_codec_status_t status, int64_t reference_id, int64_t now_ms)
{
    if (!self || !routing_id)
        return;
    wb_request_t request = {
        .engine = self,
        .session = wb_sessions_find (self->sessions, routing_id),
        .routing_id = routing_id,
        .name = "?",
        .reference_id = reference_id,
        .detail = wb_codec_status_text (status),
    };
    if (request.session)
        request.session->last_seen = now_ms;
    wb_engine_reply_error (&request, status == WB_CODEC_BAD_NAME
                           ? WB_ERR_UNSUPPORTED_ELEMENT : WB_ERR_INVALID_MESSAGE);
}

// ---------------------------------------------------------------- workbins

//  The code when the attribute naming an owner of this type is absent.
static int
s_owner_missing_error (wb_owner_type_t owner_type)
{
    size_t count = WB_COUNT_OF (s_owner_missing_errors);
    for (size_t index = 0; index < count; index++)
        if (s_owner_missing_errors [index].type == owner_type)
            return s_owner_missing_errors [index].missing_error;
    return WB_ERR_WORKBIN_INACCESSIBLE;
}

int
wb_engine_check_access (wb_request_t *request, const wb_workbin_type_t *type,
                        const char *owner_id)
{
    return wb_engine_session_access (request->engine, request->session, type, owner_id);
}

int
wb_engine_session_access (wb_engine_t *self, const wb_session_t *session,
                          const wb_workbin_type_t *type, const char *owner_id)
{
    if (!wb_directory_has_owner (self->directory, type->owner_type, owner_id))
        return WB_ERR_WORKBIN_INACCESSIBLE;
    //  A media server is a trusted component: it reaches every workbin
    if (!session->agent_id && session->client_type == WB_CLIENT_MEDIA_SERVER)
        return 0;
    wb_relation_t relation = wb_directory_relation (self->directory, session->agent_id,
                                                    session->place_id, type->owner_type,
                                                    owner_id);
    return relation == WB_RELATION_NONE ? WB_ERR_WORKBIN_INACCESSIBLE : 0;
}

int
wb_engine_resolve_workbin (wb_request_t *request, const wb_kvlist_t *attributes,
                           wb_target_t *target)
{
    memset (target, 0, sizeof (*target));
    const char *type_id = wb_kvlist_string (attributes, WB_ATTR_WORKBIN_TYPE_ID);
    if (!type_id)
        return WB_ERR_WORKBIN_TYPE_NOT_SPECIFIED;
    target->type = wb_directory_workbin_type (request->engine->directory, type_id);
    if (!target->type) {
        request->detail = type_id;
        return WB_ERR_WORKBIN_INACCESSIBLE;
    }
    target->owner_id = wb_kvlist_string (attributes,
                                         wb_workbin_owner_attribute (target->type->owner_type));
    if (!target->owner_id)
        return s_owner_missing_error (target->type->owner_type);
    int code = wb_engine_check_access (request, target->type, target->owner_id);
    if (code) {
        request->detail = type_id;
        return code;
    }
    target->key = wb_sessions_workbin_key (type_id, target->owner_id);
    return target->key ? 0 : WB_ERR_DATABASE_MANAGER;
}

void
wb_target_clear (wb_target_t *target)
{
    free (target->key);
    memset (target, 0, sizeof (*target));
}

wb_workbin_ref_t
wb_target_ref (const wb_target_t *target)
{
    wb_workbin_ref_t ref = { target->type ? target->type->id : NULL, target->owner_id };
    return ref;
}

const char *
wb_engine_actor_name (const wb_request_t *request)
{
    const wb_session_t *session = request->session;
    if (session->agent_id)
        return session->agent_id;
    return session->client_name ? session->client_name : "media-server";
}
