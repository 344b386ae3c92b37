/*  wb_engine_batch: group commit. See wb_engine.h.

    While a batch is open, the engine's replies and events wait in an
    outbox, in the order they were made, each tagged with when it may go:
    always (a request that changed nothing), only if the batch commits (the
    reply and events of a change), or only if the commit fails (the
    EventError 28 that then replaces them). Events get their EventSequence
    when they are sent, so a dropped one leaves no gap.
*/
#include <stdlib.h>
#include "wb_engine_internal.h"
#include "wb_page_cache.h"
#include "wb_prelude.h"

typedef enum { S_ALWAYS, S_ON_COMMIT, S_ON_FAILURE } s_when_t;

/* One event for several sessions, held once for all of them. */
typedef struct {
    wb_msg_t *msg;
    size_t refs;
} s_shared_t;

typedef struct {
    wb_msg_t *msg;              /* NULL for a shared event */
    s_shared_t *shared;         /* a shared event, or NULL */
    wb_session_t *session;      /* its recipient, for a shared event (held) */
    wb_held_kind_t kind;
    s_when_t when;
} s_held_t;

struct _wb_outbox_t {
    bool open;                  /* a batch is open: messages are held */
    s_held_t *items;
    size_t size;
    size_t capacity;
    size_t bytes;               /* what the held messages encode to */
    size_t sends;               /* what they encode to, once per recipient */
    size_t flushes;             /* batches ended so far */
};

//  Let go of one recipient's share of an event.
static void
s_shared_release (s_shared_t **shared_p)
{
    s_shared_t *shared = *shared_p;
    if (shared && --shared->refs == 0) {
        wb_msg_destroy (&shared->msg);
        free (shared);
    }
    *shared_p = NULL;
}

//  Drop a held message unsent.
static void
s_held_clear (s_held_t *held)
{
    wb_msg_destroy (&held->msg);
    s_shared_release (&held->shared);
    wb_sessions_release (&held->session);
}

//  The recipient of a held message.
static zframe_t *
s_held_recipient (const s_held_t *held)
{
    return held->shared ? held->session->routing_id : wb_msg_routing_id (held->msg);
}

//  Make room for one more message; 0 or -1.
static int
s_reserve (struct _wb_outbox_t *outbox)
{
    return wb_grow (&outbox->items, &outbox->capacity, outbox->size + 1, sizeof (s_held_t),
                    SIZE_MAX / sizeof (s_held_t));
}

//  Append a message to the outbox; it is destroyed if memory runs out.
static void
s_append (struct _wb_outbox_t *outbox, wb_msg_t **msg_p, wb_held_kind_t kind, s_when_t when)
{
    if (s_reserve (outbox)) {
        wb_msg_destroy (msg_p);
        return;
    }
    size_t size = wb_kvlist_encoded_size (wb_msg_body_const (*msg_p));
    outbox->bytes += size;
    outbox->sends += size;
    s_held_t held = { *msg_p, NULL, NULL, kind, when };
    outbox->items [outbox->size++] = held;
    *msg_p = NULL;
}

//  Open a batch: hold every message, and group the changes in one
//  store transaction.
int
wb_engine_batch_begin (wb_engine_t *self)
{
    if (!self || (self->outbox && self->outbox->open))
        return -1;
    if (!self->outbox)
        self->outbox = wb_calloc (1, sizeof (struct _wb_outbox_t));
    if (wb_store_batch_begin (self->store))
        return -1;
    self->outbox->open = true;
    return 0;
}

//  Send one held message, as it would have gone without the batch.
static void
s_send_held (wb_engine_t *self, s_held_t *held)
{
    if (held->kind == WB_HELD_REPLY) {
        wb_engine_send_reply (self, &held->msg);
        return;
    }
    //  an event goes to the session its routing id has now, if any
    wb_session_t *session = held->shared
                          ? wb_sessions_current (self->sessions, held->session)
                          : wb_sessions_find (self->sessions, s_held_recipient (held));
    if (session && held->shared)
        held->msg = wb_msg_dup (held->shared->msg);     //  one copy at a time
    s_shared_release (&held->shared);
    wb_sessions_release (&held->session);
    if (!session || !held->msg) {
        wb_msg_destroy (&held->msg);
        return;
    }
    if (wb_engine_deliver_event (self, session, &held->msg)
    &&  held->kind == WB_HELD_DROP_REPORT)
        session->subscriptions_dropped = true;     //  try again at the next request
}

//  Send the run of held items from start that share one event to their
//  recipients still there, at once; return the index after the run.
static size_t
s_send_shared_run (wb_engine_t *self, struct _wb_outbox_t *outbox, size_t start)
{
    s_shared_t *shared = outbox->items [start].shared;
    size_t end = start;
    while (end < outbox->size && outbox->items [end].shared == shared
    &&     outbox->items [end].when == outbox->items [start].when)
        end++;
    wb_session_t **sessions = wb_calloc (end - start, sizeof (wb_session_t *));
    size_t count = 0;
    for (size_t index = start; index < end; index++) {
        wb_session_t *session = wb_sessions_current (self->sessions,
                                                     outbox->items [index].session);
        if (session)
            sessions [count++] = session;
    }
    wb_engine_deliver_shared (self, shared->msg, sessions, count);
    free (sessions);
    for (size_t index = start; index < end; index++)
        s_held_clear (&outbox->items [index]);
    return end;
}

//  Commit the batch, then send what it held that the outcome allows.
int
wb_engine_batch_end (wb_engine_t *self)
{
    if (!self || !self->outbox || !self->outbox->open)
        return -1;
    int rc = wb_store_batch_commit (self->store);
    //  the batch's changes were patched into the page cache's images
    if (rc)
        wb_page_cache_clear (self->page_cache);
    if (self->feed)
        wb_feed_settle (self->feed, rc == 0);
    struct _wb_outbox_t *outbox = self->outbox;
    outbox->open = false;
    s_when_t skipped = rc == 0 ? S_ON_FAILURE : S_ON_COMMIT;
    size_t failed = 0;
    for (size_t index = 0; index < outbox->size; ) {
        s_held_t *held = &outbox->items [index];
        failed += held->when == S_ON_FAILURE;
        if (held->shared && held->when != skipped)
            index = s_send_shared_run (self, outbox, index);
        else {
            if (held->when == skipped)
                s_held_clear (held);
            else
                s_send_held (self, held);
            index++;
        }
    }
    outbox->size = 0;
    outbox->bytes = 0;
    outbox->sends = 0;
    outbox->flushes++;
    if (rc)
        zsys_error ("group commit failed: %zu change(s) answered with EventError %d",
                    failed, WB_ERR_DATABASE);
    return rc;
}

//  Keep a message until the batch ends; -1 when no batch is open.
int
wb_engine_hold (wb_engine_t *self, wb_msg_t **msg_p, wb_held_kind_t kind)
{
    if (!self->outbox || !self->outbox->open)
        return -1;
    s_append (self->outbox, msg_p, kind, S_ALWAYS);
    return 0;
}

int
wb_engine_hold_shared (wb_engine_t *self, wb_session_t **sessions, size_t count,
                       wb_msg_t **event_p)
{
    struct _wb_outbox_t *outbox = self->outbox;
    if (!outbox || !outbox->open)
        return -1;
    s_shared_t *shared = wb_calloc (1, sizeof (s_shared_t));
    shared->msg = *event_p;
    shared->refs = 1;           //  ours, until every recipient holds one
    *event_p = NULL;
    size_t size = wb_kvlist_encoded_size (wb_msg_body_const (shared->msg));
    outbox->bytes += size;
    outbox->sends += size * count;
    for (size_t index = 0; index < count; index++) {
        if (s_reserve (outbox))
            break;
        shared->refs++;
        //  the session itself, held: no copy of its routing id to look up
        //  again at the end (it may be removed meanwhile: see s_send_held)
        wb_sessions_hold (sessions [index]);
        s_held_t held = { NULL, shared, sessions [index], WB_HELD_EVENT, S_ALWAYS };
        outbox->items [outbox->size++] = held;
    }
    s_shared_release (&shared);
    return 0;
}

bool
wb_engine_batch_full (wb_engine_t *self)
{
    return self && self->outbox && self->outbox->open
        && (self->outbox->bytes >= WB_GROUP_BYTES_MAX
        ||  self->outbox->sends >= WB_GROUP_SENDS_MAX);
}

//  The outbox position where the next request's messages start.
size_t
wb_engine_held_mark (wb_engine_t *self)
{
    return self->outbox && self->outbox->open ? self->outbox->size : 0;
}

size_t
wb_engine_held_flushes (wb_engine_t *self)
{
    return self->outbox ? self->outbox->flushes : 0;
}

//  True if a message held before mark goes to this recipient.
static bool
s_holds_for (struct _wb_outbox_t *outbox, size_t mark, zframe_t *routing_id)
{
    for (size_t index = 0; index < mark; index++)
        if (zframe_eq (s_held_recipient (&outbox->items [index]), routing_id))
            return true;
    return false;
}

void
wb_engine_held_release (wb_engine_t *self, size_t mark, size_t flushes, zframe_t *routing_id)
{
    struct _wb_outbox_t *outbox = self->outbox;
    if (!outbox || !outbox->open)
        return;
    //  a batch that ended since the mark sent everything before it
    if (outbox->flushes != flushes)
        mark = 0;
    if (mark >= outbox->size || s_holds_for (outbox, mark, routing_id))
        return;
    for (size_t index = mark; index < outbox->size; index++)
        s_send_held (self, &outbox->items [index]);
    outbox->size = mark;
}

//  Tie the messages since mark to the commit, and add the EventError
//  that replaces them if the commit fails.
void
wb_engine_held_seal (wb_engine_t *self, size_t mark, wb_request_t *request)
{
    struct _wb_outbox_t *outbox = self->outbox;
    if (!outbox || !outbox->open)
        return;
    for (size_t index = mark; index < outbox->size; index++)
        outbox->items [index].when = S_ON_COMMIT;
    request->detail = NULL;
    wb_msg_t *error = wb_engine_error_new (request, WB_ERR_DATABASE);
    if (error)
        s_append (outbox, &error, WB_HELD_REPLY, S_ON_FAILURE);
}

//  Commit the batch's changes so far and go on in a new batch.
void
wb_engine_batch_sync (wb_engine_t *self)
{
    if (wb_store_batch_writes (self->store) == 0)
        return;
    wb_engine_batch_end (self);
    wb_engine_batch_begin (self);
}

//  End an open batch and free the outbox.
void
wb_engine_batch_destroy (wb_engine_t *self)
{
    if (!self->outbox)
        return;
    if (self->outbox->open)
        wb_engine_batch_end (self);
    free (self->outbox->items);
    free (self->outbox);
    self->outbox = NULL;
}
