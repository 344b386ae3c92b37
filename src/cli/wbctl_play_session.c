/*  wbctl_play_session: the sessions of a play, one per agent (and one for
    the media server), each opened as wbctl opens its own, kept open until
    the play ends, and kept alive while the play waits; with --trace,
    every message each one sends or receives goes into the play's trace.
    See wbctl_play_internal.h.
*/
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "wbctl_play_internal.h"
#include "wb_clock.h"

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

//  A message a session sent or received, into the play's trace as that
//  session's: its lifeline is its agent, or "media".
static void
s_observe (void *arg, bool sent, const wb_msg_t *msg)
{
    wbctl_play_session_t *self = arg;
    const char *name = wb_msg_name (msg);
    int64_t reference_id = wb_msg_reference_id (msg);
    const wb_kvlist_t *body = wb_msg_body_const (msg);
    if (sent)
        wb_trace_request (self->play->trace, self->who, name, reference_id, body,
                          wb_clock_wall_ms ());
    else
        wb_trace_received (self->play->trace, self->who, name, reference_id, body,
                           wb_clock_wall_ms ());
}

//  Trace a new session: the media session's changes carry its ClientName
//  as their Actor.
static void
s_trace_session (wbctl_play_session_t *self)
{
    wbctl_play_t *play = self->play;
    if (streq (self->who, PLAY_MEDIA))
        wb_trace_actor (play->trace, PLAY_MEDIA, self->ctl.client_name);
    self->ctl.observer = s_observe;
    self->ctl.observer_arg = self;
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
    self->play = play;
    if (play->trace)
        s_trace_session (self);
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

int
wbctl_play_settle (wbctl_play_t *self)
{
    wbctl_play_session_t *session = zhashx_first (self->sessions);
    for (; session; session = zhashx_next (self->sessions)) {
        //  the server answers in order on each connection: once the ping's
        //  reply is read, so is every event it sent that session before
        int status = wbctl_keep_alive (&session->ctl);
        if (status != WBCTL_OK)
            return status;
        session->last_active = wb_mono_ms ();
    }
    return WBCTL_OK;
}

//  The title of a play's drawing: its file's name, without folder or
//  extension ("phase1-get-content").
static void
s_trace_title (const char *file, char *title, size_t size)
{
    const char *base = strrchr (file, '/') ? strrchr (file, '/') + 1 : file;
    snprintf (title, size, "%s", streq (file, "-") ? "scenario" : base);
    char *dot = strrchr (title, '.');
    if (dot && dot != title)
        *dot = 0;
}

int
wbctl_play_write_trace (wbctl_play_t *self)
{
    if (!self->trace)
        return WBCTL_OK;
    int status = wbctl_play_tend (self);
    char title [WBCTL_TEXT_MAX];
    s_trace_title (self->file, title, sizeof (title));
    wb_trace_filter_t filter = { .hide_chatter = true };
    if (wb_trace_export (self->trace, &filter, title, self->trace_path)) {
        fprintf (stderr, "wbctl play: cannot write %s: %s\n", self->trace_path, strerror (errno));
        return WBCTL_USAGE;
    }
    return status;
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
