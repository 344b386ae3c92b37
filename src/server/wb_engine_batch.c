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
#include "wb_prelude.h"

typedef enum { S_ALWAYS, S_ON_COMMIT, S_ON_FAILURE } s_when_t;

typedef struct {
    wb_msg_t *msg;
    wb_held_kind_t kind;
    s_when_t when;
} s_held_t;

struct _wb_outbox_t {
    bool open;                  /* a batch is open: messages are held */
    s_held_t *items;
    size_t size;
    size_t capacity;
};

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
    s_held_t held = { *msg_p, kind, when };
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
        self->send (self->context, &held->msg);
        wb_msg_destroy (&held->msg);
        return;
    }
    //  an event goes to the session its routing id has now, if any
    wb_session_t *session = wb_sessions_find (self->sessions, wb_msg_routing_id (held->msg));
    if (!session) {
        wb_msg_destroy (&held->msg);
        return;
    }
    if (wb_engine_deliver_event (self, session, &held->msg)
    &&  held->kind == WB_HELD_DROP_REPORT)
        session->subscriptions_dropped = true;     //  try again at the next request
}

//  Commit the batch, then send what it held that the outcome allows.
int
wb_engine_batch_end (wb_engine_t *self)
{
    if (!self || !self->outbox || !self->outbox->open)
        return -1;
    int rc = wb_store_batch_commit (self->store);
    struct _wb_outbox_t *outbox = self->outbox;
    outbox->open = false;
    s_when_t skipped = rc == 0 ? S_ON_FAILURE : S_ON_COMMIT;
    size_t failed = 0;
    for (size_t index = 0; index < outbox->size; index++) {
        s_held_t *held = &outbox->items [index];
        failed += held->when == S_ON_FAILURE;
        if (held->when == skipped)
            wb_msg_destroy (&held->msg);
        else
            s_send_held (self, held);
    }
    outbox->size = 0;
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

//  The outbox position where the next request's messages start.
size_t
wb_engine_held_mark (wb_engine_t *self)
{
    return self->outbox && self->outbox->open ? self->outbox->size : 0;
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
