/*  wbctl_play_session: the sessions of a play, one per agent (and one for
    the media server), each opened as wbctl opens its own, kept open until
    the play ends, and kept alive while the play waits. See
    wbctl_play_internal.h.
*/
#define _XOPEN_SOURCE 700
#include <stdlib.h>
#include <string.h>
#include "wbctl_play_internal.h"

#define PLAY_SLICE_MS 250         /* longest sleep between looks at Ctrl-C */
#define PLAY_IDLE_MS 5000         /* ping a session silent this long */

static void
s_session_destroy (wbctl_play_session_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    wbctl_play_session_t *self = *self_p;
    wbctl_session_close (&self->ctl);
    free (self->who);
    free (self);
    *self_p = NULL;
}

void
wbctl_play_session_free (void **item)
{
    s_session_destroy ((wbctl_play_session_t **) item);
}

//  The outcome of opening a session: the login's answer, or why there is
//  no session.
static void
s_opened (wbctl_outcome_t *outcome, int status, const wb_msg_t *refusal)
{
    if (status == WBCTL_OK)
        wbctl_outcome_set (outcome, WBCTL_OK, WB_MSG_EVENT_ACK);
    else
    if (status == WBCTL_USAGE)
        wbctl_outcome_problem (outcome, "not a valid endpoint");
    else
    if (refusal)
        wbctl_outcome_refused (outcome, refusal);
    else
    if (status == WBCTL_EVENT_ERROR)        //  said on stderr why
        wbctl_outcome_set (outcome, status, "no workbin types ("
                           WB_MSG_REQUEST_WORKBIN_TYPES_INFO ")");
    else
        wbctl_outcome_silence (outcome, status);
}

wbctl_play_session_t *
wbctl_play_session_new (wbctl_play_t *play, const char *who, wbctl_outcome_t *outcome)
{
    wbctl_play_session_t *self = wb_calloc (1, sizeof (wbctl_play_session_t));
    self->who = wb_strdup (who);
    //  The agent of -a logs in at the place of -p; the others at their own
    bool own = play->ctl->agent_id && streq (who, play->ctl->agent_id);
    self->ctl = *play->ctl;
    self->ctl.agent_id = streq (who, PLAY_MEDIA) ? NULL : self->who;
    self->ctl.place_id = own ? play->ctl->place_id : NULL;
    self->ctl.client = NULL;
    self->ctl.types = NULL;
    self->ctl.registered = false;
    wb_msg_t *refusal = NULL;
    int status = wbctl_session_open (&self->ctl, true, &refusal);
    self->last_active = wb_mono_ms ();
    s_opened (outcome, status, refusal);
    wb_msg_destroy (&refusal);
    if (outcome->status != WBCTL_OK)
        s_session_destroy (&self);
    return self;
}

wbctl_play_session_t *
wbctl_play_current (wbctl_play_t *self, wbctl_outcome_t *outcome)
{
    wbctl_play_session_t *session = zhashx_lookup (self->sessions, self->current);
    if (!session) {
        session = wbctl_play_session_new (self, self->current, outcome);
        if (session)
            zhashx_insert (self->sessions, self->current, session);
    }
    return session;
}

int
wbctl_play_tend (wbctl_play_t *self)
{
    int64_t now = wb_mono_ms ();
    wbctl_play_session_t *session = zhashx_first (self->sessions);
    for (; session; session = zhashx_next (self->sessions)) {
        wb_msg_t *event;
        while ((event = wb_client_next_event (session->ctl.client, 0)))
            wb_msg_destroy (&event);
        if (now - session->last_active < PLAY_IDLE_MS)
            continue;
        session->last_active = now;
        int status = wbctl_keep_alive (&session->ctl);
        if (status != WBCTL_OK)
            return status;
    }
    return WBCTL_OK;
}

//  Sleep until something arrives on a session, a signal, or the time is up.
static void
s_sleep (wbctl_play_t *self, int64_t milliseconds)
{
    size_t count = zhashx_size (self->sessions);
    zmq_pollitem_t items [count + 1];
    size_t index = 0;
    wbctl_play_session_t *session = zhashx_first (self->sessions);
    for (; session; session = zhashx_next (self->sessions)) {
        void *handle = zsock_resolve (wb_client_socket (session->ctl.client));
        items [index++] = (zmq_pollitem_t) { handle, 0, ZMQ_POLLIN, 0 };
    }
    if (!wbctl_interrupted ())
        zmq_poll (items, (int) count, (long) milliseconds);
}

int
wbctl_play_pause (wbctl_play_t *self, int64_t milliseconds)
{
    int64_t deadline = wb_mono_ms () + milliseconds;
    int status = WBCTL_OK;
    while (status == WBCTL_OK) {
        int64_t left = deadline - wb_mono_ms ();
        if (wbctl_interrupted ())
            return WBCTL_INTERRUPTED;
        if (left <= 0)
            break;
        s_sleep (self, left < PLAY_SLICE_MS ? left : PLAY_SLICE_MS);
        status = wbctl_play_tend (self);
    }
    return status;
}
