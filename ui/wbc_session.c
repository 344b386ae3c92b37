/*  wbc_session: the console's conversation with wbserver. See wbc_session.h.
    Requests are recorded with what they were for and their deadline; the
    reply is matched by ReferenceId and handled by a table of kinds. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "wbc_session.h"
#include "wb_client.h"
#include "wb_clock.h"
#include "wb_error.h"
#include "wb_events.h"
#include "wb_requests.h"

#define WBC_CLIENT_NAME "wbconsole"

typedef enum {
    KIND_REGISTER, KIND_LOGIN, KIND_TYPES, KIND_CONTENT, KIND_SUBSCRIBE, KIND_CANCEL,
    KIND_PLACE, KIND_PULL, KIND_STOP, KIND_PING, KIND_PROBE, KIND_IN_HAND, KIND_STATISTIC,
} s_kind_t;

/* How many pages of a fetch are asked for ahead of the one being read:
   the server reads the next while the client reads this one, and while
   libzmq sends it. Two: with one, the server's read of a page from the
   store and the page's way to the client took turns. */
#define S_PAGES_AHEAD 2

/* What the pages asked for ahead of those of every fetch may come to, each
   guessed to be as big as the page it was asked for at: the least a server
   lets wait for one client (wbserver --send-bytes 1), so that asking ahead
   never makes it refuse a page (EventError 1005). The next page is always
   asked for; the one after it only within this. */
#define S_AHEAD_BYTES_MAX ((size_t) 1 << 20)

/* A fetch whose pages did not follow on from one another this many times
   in a row, the workbin unchanged, is given up: a page lost or malformed
   each time, or one holding what a pane cannot take (an interaction twice,
   or one without InteractionId), would start it again for ever. */
#define S_MISFITS_MAX 3

typedef struct {
    int64_t reference_id;
    s_kind_t kind;
    char type_id [WBC_ID_MAX];       /* the workbin it is about, if any */
    char owner_id [WBC_ID_MAX];
    char what [WBC_TEXT_MAX];        /* "RequestX email-draft@agent01" for the status line */
    int64_t deadline_ms;
    bool quiet;                      /* a success needs no status line (an automatic refresh) */
    bool at_login;                   /* KIND_IN_HAND at login: open the pane if the agent holds any */
    uint64_t fetch_serial;           /* KIND_CONTENT: the fetch of its pane it is a page of
                                        (0: given up, its reply changes nothing) */
    int64_t from;                    /* KIND_CONTENT: the From asked for */
    size_t ahead_bytes;              /* KIND_CONTENT asked for ahead: its guessed size, until
                                        it arrives; 0: not asked ahead */
    int bulk;                        /* the bulk action it is part of (s_bulk_t id); 0: none */
} s_pending_t;

/* One action on several marked interactions: its outcomes are counted,
   and said once all are in (each failure on its own line too). */
#define S_BULKS_MAX 8
typedef struct {
    int id;                          /* 0: a free slot */
    char what [64];                  /* "RequestStopProcessing" */
    size_t total, done, failed;
} s_bulk_t;

struct _wbc_session_t {
    wbc_model_t *model;
    wb_client_t *client;
    char agent_id [WBC_ID_MAX];
    char place_id [WBC_ID_MAX];
    int64_t tenant_id;
    zlistx_t *pending;               /* s_pending_t *, owned */
    zlistx_t *held;                  /* change events held while paused */
    zlistx_t *to_open;               /* workbin names to open once connected */
    bool watch;
    int64_t last_sent_ms;
    int64_t retry_at_ms;             /* when to try to connect again; 0: not waiting */
    int64_t event_sequence;          /* last EventSequence seen */
    bool ever_connected;
    int attempts;                    /* connections lost since the last success */
    bool held_elsewhere;             /* the last login got 14: the agent is logged in elsewhere */
    char went_live [WBC_TEXT_MAX];   /* the subscription just acknowledged, whose fetch is due */
    bool take_over;                  /* the next login takes the agent over (asked by the user) */
    size_t malformed_seen;           /* malformed messages already reported */
    char refusal [2 * WBC_TEXT_MAX];  /* why the server refused the session for good; "" if not */
    s_bulk_t bulks [S_BULKS_MAX];
    int bulk_sending;                /* the bulk the next actions belong to; 0: none */
    int last_bulk;                   /* the last bulk id handed out */
    int64_t now_ms;                  /* of the messages being received (for s_glance) */
    bool trace_later;                /* requests sent now are traced after the reply */
    struct {                         /* the requests to trace after the reply */
        char name [48];
        int64_t reference_id;
        wb_kvlist_t *body;
    } later [S_PAGES_AHEAD];
    size_t later_count;
};

static void s_handle (wbc_session_t *self, wb_msg_t *msg, int64_t now_ms);
static void s_start_fetch (wbc_session_t *self, size_t pane_index, int64_t now_ms);
static void s_fetch_again (wbc_session_t *self, size_t pane_index, int64_t now_ms);

// ---------------------------------------------------------------- sending

//  Trace the requests asked for at a glance at a reply, once that reply is
//  traced (or found malformed).
static void
s_trace_later (wbc_session_t *self)
{
    for (size_t index = 0; index < self->later_count; index++) {
        wbc_model_trace (self->model, true, self->later [index].name,
                         self->later [index].reference_id, self->later [index].body,
                         wb_clock_wall_ms ());
        wb_kvlist_destroy (&self->later [index].body);
    }
    self->later_count = 0;
}

//  Send a request, trace it, and remember what to do with its reply.
static void
s_send (wbc_session_t *self, wb_msg_t *request, s_kind_t kind, const char *type_id,
        const char *owner_id, int64_t now_ms)
{
    if (!request) {
        wbc_model_status (self->model, WBC_LEVEL_ERROR, wb_clock_wall_ms (),
                          "a request could not be made: a value is over the protocol's limits");
        return;
    }
    s_pending_t *pending = zmalloc (sizeof (s_pending_t));
    pending->kind = kind;
    snprintf (pending->type_id, sizeof (pending->type_id), "%s", type_id ? type_id : "");
    snprintf (pending->owner_id, sizeof (pending->owner_id), "%s", owner_id ? owner_id : "");
    snprintf (pending->what, sizeof (pending->what), "%s%s%s%s%s", wb_msg_name (request),
              type_id ? " " : "", type_id ? type_id : "", owner_id ? "@" : "", owner_id ? owner_id : "");
    pending->deadline_ms = now_ms + WBC_REQUEST_TIMEOUT_MS;
    pending->bulk = kind == KIND_PLACE || kind == KIND_PULL || kind == KIND_STOP ? self->bulk_sending : 0;
    char name [48];
    snprintf (name, sizeof (name), "%s", wb_msg_name (request));
    wb_kvlist_t *body = wb_kvlist_dup (wb_msg_body (request));
    pending->reference_id = wb_client_send (self->client, &request);
    //  keep-alives would drown the trainer's view: they are not traced
    if (kind != KIND_PING && self->trace_later) {
        //  asked for at a glance at a reply: shown after it, as it follows
        //  from it (those kept from a reply that did not decode go first)
        if (self->later_count == S_PAGES_AHEAD)
            s_trace_later (self);
        snprintf (self->later [self->later_count].name, sizeof (self->later [0].name), "%s", name);
        self->later [self->later_count].reference_id = pending->reference_id;
        self->later [self->later_count++].body = body;
        body = NULL;
    }
    else
    if (kind != KIND_PING)
        wbc_model_trace (self->model, true, name, pending->reference_id, body, wb_clock_wall_ms ());
    wb_kvlist_destroy (&body);
    self->last_sent_ms = now_ms;
    zlistx_add_end (self->pending, pending);
}

//  The workbin a pane (or a sidebar entry) shows, as requests name it.
static wb_workbin_t
s_workbin (const char *type_id, const char *owner_attribute, const char *owner_id)
{
    wb_workbin_t workbin = { type_id, 0, owner_attribute, owner_id };
    return workbin;
}

static void
s_send_register (wbc_session_t *self, int64_t now_ms)
{
    wb_msg_t *request = wb_request_register_client (WB_CLIENT_AGENT_APPLICATION, WBC_CLIENT_NAME);
    s_send (self, request, KIND_REGISTER, NULL, NULL, now_ms);
}

static void
s_send_content (wbc_session_t *self, const wbc_pane_t *pane, int64_t from, int64_t now_ms)
{
    wb_workbin_t workbin = s_workbin (pane->type_id, pane->owner_attribute, pane->owner_id);
    wb_msg_t *request = wb_request_get_workbin_content (&workbin, from, WB_ABSENT);
    s_send (self, request, KIND_CONTENT, pane->type_id, pane->owner_id, now_ms);
    s_pending_t *pending = zlistx_last (self->pending);
    if (pending && pending->kind == KIND_CONTENT) {
        pending->fetch_serial = pane->fetch_serial;
        pending->from = from;
    }
}

//  Where a page of a fetch stands: its From, its number of interactions,
//  the workbin's TotalCount, and its size in bytes.
typedef struct {
    int64_t from, count, total;
    size_t bytes;
} s_page_at_t;

//  The pages of a pane's fetch still asked for change nothing when they come.
static void
s_give_up_pages (wbc_session_t *self, const wbc_pane_t *pane)
{
    s_pending_t *pending = zlistx_first (self->pending);
    for (; pending; pending = zlistx_next (self->pending))
        if (pending->kind == KIND_CONTENT && pending->fetch_serial == pane->fetch_serial)
            pending->fetch_serial = 0;
}

//  Keep the pages after this one asked for, S_PAGES_AHEAD of them: the
//  next is at from + count, those after it are guessed to hold count too
//  (the server may cut a page short, PROTOCOL.md 9), and to be as big. A
//  page of the fetch asked for before that is not among them now (a guess
//  that missed) is given up.
static void
s_ask_ahead (wbc_session_t *self, const wbc_pane_t *pane, const s_page_at_t *page,
             int64_t now_ms)
{
    int64_t wanted [S_PAGES_AHEAD];
    bool asked [S_PAGES_AHEAD] = { false };
    size_t wanted_count = 0, ahead_bytes = 0;
    for (int64_t next = page->from + page->count;
         page->count > 0 && next < page->total && wanted_count < S_PAGES_AHEAD;
         next += page->count)
        wanted [wanted_count++] = next;
    s_pending_t *pending = zlistx_first (self->pending);
    for (; pending; pending = zlistx_next (self->pending)) {
        if (pending->kind != KIND_CONTENT)
            continue;
        ahead_bytes += pending->ahead_bytes;
        if (pending->fetch_serial != pane->fetch_serial || pending->from <= page->from)
            continue;
        size_t index = 0;
        while (index < wanted_count && wanted [index] != pending->from)
            index++;
        if (index < wanted_count)
            asked [index] = true;
        else
            pending->fetch_serial = 0;
    }
    for (size_t index = 0; index < wanted_count; index++) {
        if (asked [index])
            continue;
        if (index > 0 && ahead_bytes + page->bytes > S_AHEAD_BYTES_MAX)
            break;
        s_send_content (self, pane, wanted [index], now_ms);
        pending = zlistx_last (self->pending);
        if (pending && pending->kind == KIND_CONTENT) {
            pending->ahead_bytes = page->bytes;
            ahead_bytes += page->bytes;
        }
    }
}

//  Ask for the interactions in the agent's hands. quiet: a refresh that
//  follows an action, whose own outcome must stay on the status line.
static s_pending_t *
s_send_in_hand (wbc_session_t *self, bool quiet, int64_t now_ms)
{
    s_send (self, wb_request_get_pulled_interactions (), KIND_IN_HAND, NULL, NULL, now_ms);
    s_pending_t *pending = zlistx_last (self->pending);
    if (!pending || pending->kind != KIND_IN_HAND)
        return NULL;
    pending->quiet = quiet;
    return pending;
}

//  Fetch the in-hand pane again, if it is open, after something may have
//  changed what the agent holds.
static void
s_refresh_in_hand (wbc_session_t *self, int64_t now_ms)
{
    int index = wbc_model_find_in_hand (self->model);
    if (index < 0 || wbc_model_connection (self->model) != WBC_CONNECTED)
        return;
    wbc_model_begin_fetch (self->model, (size_t) index);
    s_send_in_hand (self, true, now_ms);
}

static void
s_send_subscribe (wbc_session_t *self, wbc_pane_t *pane, int64_t now_ms)
{
    wb_workbin_t workbin = s_workbin (pane->type_id, pane->owner_attribute, pane->owner_id);
    wb_msg_t *request = wb_request_workbin_notifications (&workbin, true);
    s_send (self, request, KIND_SUBSCRIBE, pane->type_id, pane->owner_id, now_ms);
}

// ---------------------------------------------------------------- connection

//  Forget the connection and try again at retry_ms from now.
//  Say which actions were sent but not answered when the connection went:
//  each may or may not have happened.
static void
s_report_unanswered_actions (wbc_session_t *self)
{
    for (s_pending_t *pending = zlistx_first (self->pending); pending;
         pending = zlistx_next (self->pending))
        if (pending->kind == KIND_PLACE || pending->kind == KIND_PULL || pending->kind == KIND_STOP)
            wbc_model_status (self->model, WBC_LEVEL_ERROR, wb_clock_wall_ms (),
                              "%s: no answer before the connection was lost; it may or may not "
                              "have been done: look again once connected", pending->what);
}

//  Say that the connection was lost, or moved: the first loss in a row
//  what happened, the next ones that it goes on.
static void
s_say_lost (wbc_session_t *self, const char *said, bool move)
{
    if (++self->attempts == 1)
        wbc_model_status (self->model, WBC_LEVEL_ERROR, wb_clock_wall_ms (), "%s%s", said,
                          move ? "" : "; retrying");
    else
        wbc_model_status (self->model, WBC_LEVEL_ERROR, wb_clock_wall_ms (), "%s; still retrying (attempt %d)",
                          said, self->attempts);
    //  the trainer sees in the trace where the server changed
    if (move)
        wbc_model_mark_trace (self->model, said, wb_clock_wall_ms ());
}

//  Forget the session and try again at retry_ms from now, on a new
//  connection: to the next node of the list when move (the node was
//  silent), else to the same one. why: what happened.
static void
s_connection_lost (wbc_session_t *self, const char *why, int64_t now_ms, int64_t retry_ms, bool move)
{
    s_report_unanswered_actions (self);
    zlistx_purge (self->pending);
    for (size_t index = 0; index < wbc_model_pane_count (self->model); index++) {
        wbc_pane_t *pane = wbc_model_pane (self->model, index);
        wbc_model_set_live (self->model, index, false);
        pane->loading = false;
    }
    wbc_model_set_connection (self->model, self->ever_connected ? WBC_RECONNECTING : WBC_CONNECTING);
    //  the bulks under way end here: their unanswered items were just said
    for (size_t index = 0; index < S_BULKS_MAX; index++)
        self->bulks [index].id = 0;
    if (move)
        wb_client_move (self->client);
    else
        wb_client_reconnect (self->client);
    char said [2 * WBC_TEXT_MAX + 400];
    if (move)
        snprintf (said, sizeof (said), "moved to %s (%s)", wb_client_endpoint (self->client), why);
    else
        snprintf (said, sizeof (said), "%s", why);
    s_say_lost (self, said, move);
    self->event_sequence = 0;
    self->retry_at_ms = now_ms + retry_ms;
}

//  A request's deadline passed: the node is silent (a keep-alive's
//  deadline is the heartbeat). With several nodes, the session starts over
//  on the next one.
static void
s_node_silent (wbc_session_t *self, int64_t now_ms)
{
    const char *problem = wb_client_problem (self->client);   //  a refused key...
    bool move = wb_client_endpoint_count (self->client) > 1;
    char why [WBC_TEXT_MAX + 320];
    snprintf (why, sizeof (why), "%s%s%s%s%s", move ? "" : "no answer from ",
              wb_client_endpoint (self->client), move ? " did not answer" : "",
              problem ? ": " : "", problem ? problem : "");
    s_connection_lost (self, why, now_ms, WBC_RETRY_MS, move);
}

//  The connection closed (the server's process ended, or its node went):
//  what the server held for this session is gone or going. Start over at
//  once, on the next node when there are several, rather than show the
//  panes live until a request's deadline passes.
static void
s_connection_closed (wbc_session_t *self, int64_t now_ms)
{
    const char *problem = wb_client_problem (self->client);   //  a refused key...
    bool move = wb_client_endpoint_count (self->client) > 1;
    char why [WBC_TEXT_MAX + 320];
    snprintf (why, sizeof (why), "the connection to %s closed%s%s", wb_client_endpoint (self->client),
              problem ? ": " : "", problem ? problem : "");
    s_connection_lost (self, why, now_ms, WBC_RETRY_MS, move);
}

//  Tell the model which workbins wait for the session, for the screen.
static void
s_show_waiting (wbc_session_t *self)
{
    char names [WBC_TEXT_MAX] = "";
    for (char *name = zlistx_first (self->to_open); name; name = zlistx_next (self->to_open))
        snprintf (names + strlen (names), sizeof (names) - strlen (names), "%s%s",
                  *names ? ", " : "", name);
    wbc_model_set_waiting (self->model, names);
}

//  The session is open: load the panes again, and open the ones asked for;
//  if the agent holds interactions (pulled before a restart of this console
//  or of the server), the in-hand pane opens to show them.
static void
s_resynchronise (wbc_session_t *self, int64_t now_ms)
{
    if (wbc_model_find_in_hand (self->model) < 0) {
        s_pending_t *pending = s_send_in_hand (self, true, now_ms);
        if (pending)
            pending->at_login = true;
    }
    for (size_t index = 0; index < wbc_model_pane_count (self->model); index++) {
        wbc_pane_t *pane = wbc_model_pane (self->model, index);
        if (pane->want_live)
            s_send_subscribe (self, pane, now_ms);
        s_start_fetch (self, index, now_ms);
    }
    for (char *name = zlistx_first (self->to_open); name; name = zlistx_next (self->to_open))
        wbc_session_open (self, name, now_ms);
    zlistx_purge (self->to_open);
    s_show_waiting (self);
}

// ---------------------------------------------------------------- replies

static wbc_pane_t *
s_pane_of (wbc_session_t *self, const s_pending_t *pending, int *index)
{
    *index = wbc_model_find_pane (self->model, pending->type_id, pending->owner_id);
    return *index >= 0 ? wbc_model_pane (self->model, (size_t) *index) : NULL;
}

static void
s_status_error (wbc_session_t *self, const s_pending_t *pending, wb_msg_t *reply)
{
    wb_event_error_t error;
    wb_event_read_error (reply, &error);
    wbc_model_status (self->model, WBC_LEVEL_ERROR, wb_clock_wall_ms (),
                      WB_MSG_EVENT_ERROR " %" PRId64 " %s  (%s)", error.code, error.description,
                      pending->what);
}

static void
s_status_ack (wbc_session_t *self, const s_pending_t *pending, const char *event)
{
    wbc_model_status (self->model, WBC_LEVEL_ACK, wb_clock_wall_ms (), "%s  (%s)", event, pending->what);
}

//  Session steps: register, then log in, then the workbin types.
static void
s_on_session_reply (wbc_session_t *self, const s_pending_t *pending, wb_msg_t *reply, int64_t now_ms)
{
    if (wb_msg_is (reply, WB_ROW_EVENT_ERROR)) {
        wb_event_error_t error;
        wb_event_read_error (reply, &error);
        s_status_error (self, pending, reply);
        //  still logged in on an old connection (a console that was killed):
        //  retry until it expires, or take it over when the user says so
        self->held_elsewhere = error.code == WB_ERR_AGENT_ALREADY_LOGGED_IN;
        if (self->held_elsewhere)
            s_connection_lost (self, "agent still logged in on another connection "
                               "(:take-over ends that session)", now_ms, 5000, false);
        else {
            snprintf (self->refusal, sizeof (self->refusal), WB_MSG_EVENT_ERROR " %" PRId64 " %s (%s)",
                      error.code, error.description, pending->what);
            wbc_model_set_connection (self->model, WBC_OFFLINE);
        }
        return;
    }
    if (pending->kind == KIND_REGISTER) {
        wb_msg_t *request = wb_request_agent_login (self->tenant_id, self->agent_id,
                                                    *self->place_id ? self->place_id : NULL);
        if (self->take_over)
            wb_request_set_take_over (request);
        self->take_over = false;
        s_send (self, request, KIND_LOGIN, NULL, NULL, now_ms);
    }
    else
    if (pending->kind == KIND_LOGIN) {
        //  the counts of the sidebar stay live: subscribe, then fetch them
        //  (a statistic older than what the types say is dropped by version)
        s_send (self, wb_request_statistic_notifications (true), KIND_STATISTIC, NULL, NULL, now_ms);
        s_send (self, wb_request_workbin_types_info (WB_ABSENT), KIND_TYPES, NULL, NULL, now_ms);
    }
    else {
        wb_event_types_t types;
        wb_event_read_types (reply, &types);
        wbc_model_set_workbin_types (self->model, &types);
        wbc_model_set_connection (self->model, WBC_CONNECTED);
        wbc_model_status (self->model, WBC_LEVEL_INFO, wb_clock_wall_ms (), "connected to %s as %s",
                          wb_client_endpoint (self->client), self->agent_id);
        self->ever_connected = true;
        self->held_elsewhere = false;
        self->refusal [0] = 0;
        self->attempts = 0;
        s_resynchronise (self, now_ms);
    }
}

//  A fetch ended: EventWorkbinContent on the status line, or, right after
//  the pane's subscription was acknowledged, both outcomes in one line,
//  "EventAck  live on WB, EventWorkbinContent  N items, version V", so that
//  the fetch does not hide the EventAck of the subscription.
static void
s_status_fetched (wbc_session_t *self, const s_pending_t *pending, const wbc_pane_t *pane)
{
    const char *workbin = pending->what + strcspn (pending->what, " ");
    bool both = *self->went_live && pane->live && streq (self->went_live + strcspn (self->went_live, " "),
                                                          workbin);
    if (!both) {
        s_status_ack (self, pending, WB_MSG_EVENT_WORKBIN_CONTENT);
        return;
    }
    size_t items = wb_replica_size (pane->replica);
    wbc_model_status (self->model, WBC_LEVEL_ACK, wb_clock_wall_ms (),
                      WB_MSG_EVENT_ACK "  live on%s, " WB_MSG_EVENT_WORKBIN_CONTENT "  %zu item%s, "
                      "version %" PRId64, workbin, items, items == 1 ? "" : "s",
                      wb_replica_version (pane->replica));
    self->went_live [0] = 0;
}

static void
s_on_content (wbc_session_t *self, const s_pending_t *pending, wb_msg_t *reply, int64_t now_ms)
{
    int index;
    wbc_pane_t *pane = s_pane_of (self, pending, &index);
    //  a page of a fetch given up (started again, or the pane reopened)
    //  changes nothing
    if (pane && pending->fetch_serial != pane->fetch_serial)
        pane = NULL;
    if (wb_msg_is (reply, WB_ROW_EVENT_ERROR)) {
        s_status_error (self, pending, reply);
        if (pane)
            pane->loading = false;
        return;
    }
    if (!pane)
        return;
    wb_event_content_t page;
    wb_event_read_content (reply, &page);
    //  the pages ahead are asked for before this one is applied (if they
    //  were not at a glance, before this one was decoded): the server reads
    //  them meanwhile (a big workbin opens in about half the time)
    int64_t asked = wbc_model_page_after (self->model, (size_t) index, &page);
    if (asked > 0) {
        s_page_at_t at = { page.from, asked - page.from, page.total_count,
                           wb_kvlist_encoded_size (page.interactions) };
        s_ask_ahead (self, pane, &at, now_ms);
    }
    //  a page of another version than the first: the workbin changed meanwhile
    bool changed = page.from > 0 && (page.has_version ? page.version : -1) != pane->fetch_version;
    int64_t next = wbc_model_apply_page (self->model, (size_t) index, &page, now_ms, wb_clock_wall_ms ());
    //  it did not follow on (next 0), or the pane did not take all of it
    bool misfit = next == 0 || (next > 0 && asked > 0 && next != asked);
    if (misfit && !changed && ++pane->misfits >= S_MISFITS_MAX) {
        pane->loading = false;
        s_give_up_pages (self, pane);
        wbc_model_status (self->model, WBC_LEVEL_ERROR, wb_clock_wall_ms (),
                          "%s: its pages did not follow on from one another %d times in a row "
                          "(one lost or malformed, or holding an interaction twice or one "
                          "without InteractionId): R reads it again", pending->what,
                          S_MISFITS_MAX);
    }
    else
    if (misfit)
        s_fetch_again (self, (size_t) index, now_ms);
    else
    if (next > 0 && asked < 0)
        s_send_content (self, pane, next, now_ms);
    else
    if (next < 0) {
        pane->misfits = 0;
        s_status_fetched (self, pending, pane);
    }
}

static void
s_on_subscription (wbc_session_t *self, const s_pending_t *pending, wb_msg_t *reply, int64_t now_ms)
{
    (void) now_ms;
    int index;
    wbc_pane_t *pane = s_pane_of (self, pending, &index);
    if (wb_msg_is (reply, WB_ROW_EVENT_ERROR)) {
        s_status_error (self, pending, reply);
        if (pane && pending->kind == KIND_SUBSCRIBE)
            wbc_model_set_want_live (self->model, (size_t) index, false);
        if (pane && pending->kind == KIND_CANCEL)
            wbc_model_set_live (self->model, (size_t) index, false);   //  the server says we were not subscribed
    }
    else {
        s_status_ack (self, pending, WB_MSG_EVENT_ACK);
        if (pane)
            wbc_model_set_live (self->model, (size_t) index, pending->kind == KIND_SUBSCRIBE);
        //  the fetch that follows would replace this EventAck on the status
        //  line at once: it says both when it ends
        snprintf (self->went_live, sizeof (self->went_live), "%s",
                  pane && pending->kind == KIND_SUBSCRIBE ? pending->what : "");
    }
    wbc_model_mark (self->model, WBC_DIRTY_PANES);
}

//  The bulk of this id, or NULL.
static s_bulk_t *
s_bulk (wbc_session_t *self, int id)
{
    for (size_t index = 0; id && index < S_BULKS_MAX; index++)
        if (self->bulks [index].id == id)
            return &self->bulks [index];
    return NULL;
}

//  One outcome of a bulk action: a failure is said at once; once all are
//  in, the count, and the in-hand pane is fetched again.
static void
s_on_bulk_outcome (wbc_session_t *self, const s_pending_t *pending, wb_msg_t *reply, int64_t now_ms)
{
    s_bulk_t *bulk = s_bulk (self, pending->bulk);
    if (!bulk)
        return;
    if (wb_msg_is (reply, WB_ROW_EVENT_ERROR)) {
        bulk->failed++;
        s_status_error (self, pending, reply);
    }
    else
        bulk->done++;
    if (bulk->done + bulk->failed < bulk->total)
        return;
    wbc_model_status (self->model, bulk->failed ? WBC_LEVEL_ERROR : WBC_LEVEL_ACK, wb_clock_wall_ms (),
                      "%s on %zu marked: %zu done, %zu failed%s", bulk->what, bulk->total, bulk->done,
                      bulk->failed, bulk->failed ? " (M lists each EventError)" : "");
    bulk->id = 0;
    if (strcmp (bulk->what, WB_MSG_REQUEST_PULL) == 0)
        wbc_model_open_in_hand (self->model, false);    //  the pane, if not open yet
    s_refresh_in_hand (self, now_ms);
}

//  An action's outcome. What the agent holds may have changed: a pull puts
//  the interaction in its hands (the in-hand pane opens, without taking
//  the focus), a place or a stop may take one out of them.
static void
s_on_action (wbc_session_t *self, const s_pending_t *pending, wb_msg_t *reply, int64_t now_ms)
{
    if (pending->bulk) {
        s_on_bulk_outcome (self, pending, reply, now_ms);
        return;
    }
    if (wb_msg_is (reply, WB_ROW_EVENT_ERROR)) {
        s_status_error (self, pending, reply);
        return;
    }
    if (pending->kind == KIND_PULL) {
        wb_event_pulled_t pulled;
        wb_event_read_pulled (reply, &pulled);
        const char *subject = wb_kvlist_string (wb_kvlist_list_at (pulled.interactions, 0),
                                                WB_ATTR_SUBJECT);
        wbc_model_status (self->model, WBC_LEVEL_ACK, wb_clock_wall_ms (),
                          "%s  \"%s\" is in your hands: the in-hand pane (i)  (%s)",
                          wb_msg_name (reply), subject ? subject : "", pending->what);
        wbc_model_open_in_hand (self->model, false);     //  the pane, if not open yet
    }
    else
        s_status_ack (self, pending, wb_msg_name (reply));
    if (pending->kind != KIND_PROBE)
        s_refresh_in_hand (self, now_ms);
}

//  The interactions in the agent's hands.
static void
s_on_in_hand (wbc_session_t *self, const s_pending_t *pending, wb_msg_t *reply)
{
    int index = wbc_model_find_in_hand (self->model);
    wbc_pane_t *pane = index >= 0 ? wbc_model_pane (self->model, (size_t) index) : NULL;
    if (wb_msg_is (reply, WB_ROW_EVENT_ERROR)) {
        s_status_error (self, pending, reply);
        if (pane)
            pane->loading = false;
        return;
    }
    wb_event_pulled_t pulled;
    wb_event_read_pulled (reply, &pulled);
    if (!pane && pending->at_login && pulled.total_count > 0) {
        index = wbc_model_open_in_hand (self->model, false);
        pane = index >= 0 ? wbc_model_pane (self->model, (size_t) index) : NULL;
        wbc_model_status (self->model, WBC_LEVEL_INFO, wb_clock_wall_ms (),
                          "%" PRId64 " interaction%s in your hands (pulled earlier): see the "
                          "in-hand pane", pulled.total_count, pulled.total_count == 1 ? "" : "s");
    }
    if (pane)
        wbc_model_apply_in_hand (self->model, (size_t) index, &pulled, wb_clock_wall_ms ());
    if (!pending->quiet)
        wbc_model_status (self->model, WBC_LEVEL_ACK, wb_clock_wall_ms (),
                          WB_MSG_EVENT_PULLED_INTERACTIONS "  %" PRId64 " in hand  (%s)",
                          pulled.total_count, pending->what);
}

//  The reply to the request of a pending entry.
static void
s_on_reply (wbc_session_t *self, const s_pending_t *pending, wb_msg_t *reply, int64_t now_ms)
{
    wb_event_error_t error;
    wb_event_read_error (reply, &error);
    if (wb_msg_is (reply, WB_ROW_EVENT_ERROR) && error.code == WB_ERR_NOT_REGISTERED
    &&  pending->kind != KIND_REGISTER) {
        //  the server restarted or expired us: open the session again
        s_connection_lost (self, "the server no longer knows this session", now_ms, 0, false);
        return;
    }
    switch (pending->kind) {
        case KIND_REGISTER: case KIND_LOGIN: case KIND_TYPES:
            s_on_session_reply (self, pending, reply, now_ms); break;
        case KIND_CONTENT:
            s_on_content (self, pending, reply, now_ms); break;
        case KIND_SUBSCRIBE: case KIND_CANCEL:
            s_on_subscription (self, pending, reply, now_ms); break;
        case KIND_PLACE: case KIND_PULL: case KIND_STOP: case KIND_PROBE:
            s_on_action (self, pending, reply, now_ms); break;
        case KIND_IN_HAND:
            s_on_in_hand (self, pending, reply); break;
        case KIND_STATISTIC:
            //  a server without them: the sidebar's counts are then those of
            //  the last fetch of the types
            if (wb_msg_is (reply, WB_ROW_EVENT_ERROR))
                s_status_error (self, pending, reply);
            break;
        case KIND_PING:
            break;
    }
}

// ---------------------------------------------------------------- events

static void
s_apply_change (wbc_session_t *self, wb_msg_t *event, int64_t now_ms)
{
    int refetch = wbc_model_apply_change (self->model, wb_msg_body (event), now_ms);
    if (refetch >= 0) {
        wbc_model_status (self->model, WBC_LEVEL_INFO, wb_clock_wall_ms (),
                          "missed a change: fetching the workbin again");
        s_start_fetch (self, (size_t) refetch, now_ms);
    }
}

//  Re-subscribe and re-fetch every live pane (after lost events).
static void
s_resubscribe_all (wbc_session_t *self, int64_t now_ms)
{
    for (size_t index = 0; index < wbc_model_pane_count (self->model); index++) {
        wbc_pane_t *pane = wbc_model_pane (self->model, index);
        if (!pane->want_live)
            continue;
        s_send_subscribe (self, pane, now_ms);
        s_start_fetch (self, index, now_ms);
    }
}

//  An unsolicited EventError: say it; dropped subscriptions are renewed.
static void
s_on_event_error (wbc_session_t *self, wb_msg_t *event, int64_t now_ms)
{
    wb_event_error_t error;
    wb_event_read_error (event, &error);
    wbc_model_status (self->model, WBC_LEVEL_ERROR, wb_clock_wall_ms (),
                      WB_MSG_EVENT_ERROR " %" PRId64 " %s", error.code, error.description);
    if (error.code == WB_ERR_SUBSCRIPTIONS_DROPPED)
        s_resubscribe_all (self, now_ms);
}

static void
s_on_event (wbc_session_t *self, wb_msg_t *event, int64_t now_ms)
{
    int64_t sequence = wb_event_sequence (event);
    bool gap = sequence && self->event_sequence && sequence != self->event_sequence + 1;
    if (sequence)
        self->event_sequence = sequence;
    if (wb_msg_is (event, WB_ROW_EVENT_ERROR)) {
        s_on_event_error (self, event, now_ms);
        return;
    }
    if (gap) {
        wbc_model_status (self->model, WBC_LEVEL_INFO, wb_clock_wall_ms (), "events were lost: fetching again");
        s_resubscribe_all (self, now_ms);
    }
    if (wb_msg_is (event, WB_ROW_EVENT_PROPERTIES_CHANGED)) {
        //  about an interaction in our hands: the in-hand pane shows it
        s_refresh_in_hand (self, now_ms);
        return;
    }
    if (wb_msg_is (event, WB_ROW_EVENT_WORKBIN_STATISTIC)) {
        wb_event_statistic_t statistic;
        if (wb_event_read_statistic (event, &statistic) == 0)
            wbc_model_apply_statistic (self->model, &statistic);
        return;
    }
    if (!wb_msg_is (event, WB_ROW_EVENT_WORKBIN_CONTENT_CHANGED)) {
        wbc_model_status (self->model, WBC_LEVEL_ERROR, wb_clock_wall_ms (),
                          "ignored an unsolicited %s from the server", wb_msg_name (event));
        return;
    }
    if (wbc_model_paused (self->model)) {
        zlistx_add_end (self->held, wb_msg_dup (event));
        //  a console left paused does not grow without end: past the
        //  bound the oldest held change is applied (a change is never dropped)
        if (zlistx_size (self->held) > WBC_HELD_MAX)
            wbc_session_step (self, now_ms);
        wbc_model_set_held (self->model, zlistx_size (self->held));
    }
    else
        s_apply_change (self, event, now_ms);
}

//  The request waiting for this reply, the list's cursor on it; NULL if none.
static s_pending_t *
s_pending_find (wbc_session_t *self, int64_t reference_id)
{
    s_pending_t *pending = zlistx_first (self->pending);
    while (pending && pending->reference_id != reference_id)
        pending = zlistx_next (self->pending);
    return pending;
}

//  A reply looked at before it is decoded (wb_client_set_glance): if it is
//  a page of a fetch under way and more are left, the pages ahead are
//  asked for now, so that the server reads them while this one is decoded
//  and applied. The page itself, decoded, still decides (s_on_content).
static void
s_glance (void *arg, const uint8_t *name, size_t name_size, const uint8_t *body,
          size_t body_size)
{
    wbc_session_t *self = arg;
    wb_content_glance_t glance;
    if (wb_event_glance_content (name, name_size, body, body_size, &glance))
        return;
    s_pending_t *pending = s_pending_find (self, glance.reference_id);
    int index = -1;
    wbc_pane_t *pane = pending && pending->kind == KIND_CONTENT
                     ? s_pane_of (self, pending, &index) : NULL;
    if (!pane || pending->fetch_serial != pane->fetch_serial)
        return;
    pending->ahead_bytes = 0;       //  it has come: it waits at the server no more
    int64_t after = wbc_model_page_after_glance (self->model, (size_t) index, &glance);
    if (after <= 0)
        return;
    s_page_at_t at = { glance.from, after - glance.from, glance.total_count, body_size };
    self->trace_later = true;
    s_ask_ahead (self, pane, &at, self->now_ms);
    self->trace_later = false;
}

static void
s_handle (wbc_session_t *self, wb_msg_t *msg, int64_t now_ms)
{
    int64_t reference_id = wb_msg_reference_id (msg);
    s_pending_t *pending = s_pending_find (self, reference_id);
    bool ping = pending && pending->kind == KIND_PING;
    if (!ping)
        wbc_model_trace (self->model, false, wb_msg_name (msg), reference_id,
                         wb_msg_body (msg), wb_clock_wall_ms ());
    s_trace_later (self);
    if (reference_id == 0)
        s_on_event (self, msg, now_ms);
    else
    if (pending) {
        s_pending_t copy = *pending;
        zlistx_delete (self->pending, zlistx_cursor (self->pending));
        s_on_reply (self, &copy, msg, now_ms);
    }
    else
        wbc_model_status (self->model, WBC_LEVEL_ERROR, wb_clock_wall_ms (),
                          "ignored %s ref=%" PRId64 " from the server: it answers no request",
                          wb_msg_name (msg), reference_id);
}

//  Tell the user when messages that could not be decoded were dropped.
static void
s_report_malformed (wbc_session_t *self)
{
    size_t malformed = wb_client_malformed_count (self->client);
    if (malformed == self->malformed_seen)
        return;
    self->malformed_seen = malformed;
    wbc_model_status (self->model, WBC_LEVEL_ERROR, wb_clock_wall_ms (),
                      "ignored %zu malformed message%s from the server", malformed,
                      malformed == 1 ? "" : "s");
}

// ---------------------------------------------------------------- public

static void
s_pending_destructor (void **item)
{
    free (*item);
    *item = NULL;
}

static void
s_msg_destructor (void **item)
{
    wb_msg_destroy ((wb_msg_t **) item);
}

wbc_session_t *
wbc_session_new (wbc_model_t *model, const wbc_session_options_t *options)
{
    wbc_session_t *self = zmalloc (sizeof (wbc_session_t));
    self->model = model;
    self->client = wb_client_new (options->endpoint);
    if (!self->client) {
        free (self);
        return NULL;
    }
    wb_client_set_glance (self->client, s_glance, self);
    snprintf (self->agent_id, sizeof (self->agent_id), "%s", options->agent_id);
    snprintf (self->place_id, sizeof (self->place_id), "%s", options->place_id ? options->place_id : "");
    self->tenant_id = options->tenant_id;
    self->watch = options->watch;
    self->pending = zlistx_new ();
    zlistx_set_destructor (self->pending, s_pending_destructor);
    self->held = zlistx_new ();
    zlistx_set_destructor (self->held, s_msg_destructor);
    self->to_open = zlistx_new ();
    zlistx_set_duplicator (self->to_open, (czmq_duplicator *) strdup);
    zlistx_set_destructor (self->to_open, (czmq_destructor *) zstr_free);
    for (const char **name = options->open; name && *name; name++)
        zlistx_add_end (self->to_open, (void *) *name);
    s_show_waiting (self);
    wbc_model_set_identity (model, options->agent_id, options->endpoint);
    wbc_model_set_connection (model, WBC_CONNECTING);
    self->retry_at_ms = 1;          //  connect at the first tick
    return self;
}

void
wbc_session_destroy (wbc_session_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    wbc_session_t *self = *self_p;
    wb_client_destroy (&self->client);
    for (size_t index = 0; index < self->later_count; index++)
        wb_kvlist_destroy (&self->later [index].body);
    zlistx_destroy (&self->pending);
    zlistx_destroy (&self->held);
    zlistx_destroy (&self->to_open);
    free (self);
    *self_p = NULL;
}

void
wbc_session_close (wbc_session_t *self, int timeout_ms)
{
    if (!self || wbc_model_connection (self->model) != WBC_CONNECTED)
        return;
    //  no page is asked for on the way out
    wb_client_set_glance (self->client, NULL, NULL);
    wb_msg_t *request = wb_request_unregister_client ();
    wb_msg_t *reply = wb_client_request (self->client, &request, timeout_ms);
    wb_msg_destroy (&reply);
}

zsock_t *
wbc_session_socket (wbc_session_t *self)
{
    return wb_client_socket (self->client);
}

zsock_t *
wbc_session_monitor_socket (wbc_session_t *self)
{
    return wb_client_monitor_socket (self->client);
}

const char *
wbc_session_endpoint (const wbc_session_t *self)
{
    return wb_client_endpoint (self->client);
}

size_t
wbc_session_endpoint_count (const wbc_session_t *self)
{
    return wb_client_endpoint_count (self->client);
}

void
wbc_session_receive (wbc_session_t *self, int64_t now_ms)
{
    wb_msg_t *msg;
    self->now_ms = now_ms;
    while ((msg = wb_client_receive (self->client))) {
        s_report_malformed (self);
        s_handle (self, msg, now_ms);
        wb_msg_destroy (&msg);
    }
    s_trace_later (self);       //  its reply did not decode
    s_report_malformed (self);
}

void
wbc_session_tick (wbc_session_t *self, int64_t now_ms)
{
    if (wb_client_dropped (self->client)
    &&  wbc_model_connection (self->model) == WBC_CONNECTED) {
        s_connection_closed (self, now_ms);
        return;
    }
    if (self->retry_at_ms && now_ms >= self->retry_at_ms) {
        self->retry_at_ms = 0;
        s_send_register (self, now_ms);
        return;
    }
    for (s_pending_t *pending = zlistx_first (self->pending); pending;
         pending = zlistx_next (self->pending))
        if (now_ms > pending->deadline_ms) {
            s_node_silent (self, now_ms);
            return;
        }
    if (wbc_model_connection (self->model) == WBC_CONNECTED
    &&  now_ms - self->last_sent_ms >= WBC_KEEPALIVE_MS)
        s_send (self, wb_request_ping (), KIND_PING, NULL, NULL, now_ms);
}

int
wbc_session_wait_ms (const wbc_session_t *self, int64_t now_ms)
{
    int64_t due = now_ms + WBC_KEEPALIVE_MS;
    if (self->retry_at_ms && self->retry_at_ms < due)
        due = self->retry_at_ms;
    for (s_pending_t *pending = zlistx_first (self->pending); pending;
         pending = zlistx_next (self->pending))
        if (pending->deadline_ms + 1 < due)
            due = pending->deadline_ms + 1;
    return due <= now_ms ? 0 : (int) (due - now_ms);
}

//  Start a pane's fetch, keeping its count of misfits (s_start_fetch
//  clears it: a fetch asked for, not one started again).
static void
s_fetch_again (wbc_session_t *self, size_t pane_index, int64_t now_ms)
{
    wbc_pane_t *pane = wbc_model_pane (self->model, pane_index);
    if (!pane)
        return;
    wbc_model_begin_fetch (self->model, pane_index);
    if (pane->in_hand)
        s_send_in_hand (self, false, now_ms);
    else
        s_send_content (self, pane, 0, now_ms);
}

static void
s_start_fetch (wbc_session_t *self, size_t pane_index, int64_t now_ms)
{
    wbc_pane_t *pane = wbc_model_pane (self->model, pane_index);
    if (pane)
        pane->misfits = 0;
    s_fetch_again (self, pane_index, now_ms);
}

void
wbc_session_open_in_hand (wbc_session_t *self, int64_t now_ms)
{
    bool open = wbc_model_find_in_hand (self->model) >= 0;
    int index = wbc_model_open_in_hand (self->model, true);
    if (index < 0)
        wbc_model_status (self->model, WBC_LEVEL_ERROR, wb_clock_wall_ms (), "too many panes open");
    else
    if (!open && wbc_model_connection (self->model) == WBC_CONNECTED)
        s_start_fetch (self, (size_t) index, now_ms);
}

void
wbc_session_open (wbc_session_t *self, const char *name, int64_t now_ms)
{
    if (wbc_model_connection (self->model) != WBC_CONNECTED) {
        zlistx_add_end (self->to_open, (void *) name);
        s_show_waiting (self);
        return;
    }
    const wbc_sidebar_entry_t *entry = wbc_model_sidebar_find (self->model, name);
    if (!entry) {
        //  not one we may see: ask anyway, so the server's EventError shows
        char type_id [WBC_ID_MAX];
        snprintf (type_id, sizeof (type_id), "%.*s", (int) strcspn (name, "@"), name);
        const char *owner = strchr (name, '@') ? strchr (name, '@') + 1 : self->agent_id;
        wb_workbin_t workbin = { type_id, WB_OWNER_AGENT, NULL, owner };
        s_send (self, wb_request_get_workbin_content (&workbin, WB_ABSENT, WB_ABSENT),
                KIND_PROBE, type_id, owner, now_ms);
        return;
    }
    int existing = wbc_model_find_pane (self->model, entry->type_id, entry->owner_id);
    int index = wbc_model_open_pane (self->model, entry);
    if (index < 0) {
        wbc_model_status (self->model, WBC_LEVEL_ERROR, wb_clock_wall_ms (), "too many panes open");
        return;
    }
    wbc_model_set_focus (self->model, (size_t) index);
    if (existing >= 0)
        return;
    wbc_pane_t *pane = wbc_model_pane (self->model, (size_t) index);
    if (self->watch) {
        wbc_model_set_want_live (self->model, (size_t) index, true);
        s_send_subscribe (self, pane, now_ms);
    }
    s_start_fetch (self, (size_t) index, now_ms);
}

void
wbc_session_refresh (wbc_session_t *self, size_t pane_index, int64_t now_ms)
{
    if (wbc_model_connection (self->model) == WBC_CONNECTED)
        s_start_fetch (self, pane_index, now_ms);
}

void
wbc_session_toggle_watch (wbc_session_t *self, size_t pane_index, int64_t now_ms)
{
    wbc_pane_t *pane = wbc_model_pane (self->model, pane_index);
    if (!pane || wbc_model_connection (self->model) != WBC_CONNECTED)
        return;
    if (pane->in_hand) {
        wbc_model_status (self->model, WBC_LEVEL_INFO, wb_clock_wall_ms (),
                          "the in-hand pane is not a workbin: it has no notifications, and is "
                          "fetched again after each of your actions (R: now)");
        return;
    }
    if (pane->want_live || pane->live) {
        wbc_session_cancel (self, pane_index, now_ms);
        return;
    }
    wbc_model_set_want_live (self->model, pane_index, true);
    s_send_subscribe (self, pane, now_ms);
    //  fetch again so that the copy and the events line up (Clone pattern)
    s_start_fetch (self, pane_index, now_ms);
}

void
wbc_session_cancel (wbc_session_t *self, size_t pane_index, int64_t now_ms)
{
    wbc_pane_t *pane = wbc_model_pane (self->model, pane_index);
    if (!pane || pane->in_hand)
        return;
    wbc_model_set_want_live (self->model, pane_index, false);
    wb_workbin_t workbin = s_workbin (pane->type_id, pane->owner_attribute, pane->owner_id);
    s_send (self, wb_request_cancel_workbin_notifications (&workbin),
            KIND_CANCEL, pane->type_id, pane->owner_id, now_ms);
}

bool
wbc_session_take_over (wbc_session_t *self, int64_t now_ms)
{
    if (!self || !self->held_elsewhere || wbc_model_connection (self->model) == WBC_CONNECTED)
        return false;
    self->take_over = true;
    self->held_elsewhere = false;
    self->retry_at_ms = now_ms;         //  at once, not at the next retry
    return true;
}

//  True if an action on an interaction can be sent now; else it is refused
//  on the status line, never accepted and forgotten.
static bool
s_can_act (wbc_session_t *self, const char *action, const char *interaction_id)
{
    if (wbc_model_connection (self->model) == WBC_CONNECTED)
        return true;
    wbc_model_status (self->model, WBC_LEVEL_ERROR, wb_clock_wall_ms (),
                      "not connected to the server: %s %s not sent; try again once connected",
                      action, interaction_id ? interaction_id : "");
    return false;
}

void
wbc_session_place (wbc_session_t *self, const char *interaction_id,
                   const wbc_sidebar_entry_t *target, int64_t now_ms)
{
    if (!s_can_act (self, WB_MSG_REQUEST_PLACE_IN_WORKBIN, interaction_id))
        return;
    wb_workbin_t workbin = s_workbin (target->type_id, target->owner_attribute, target->owner_id);
    wb_msg_t *request = wb_request_place_in_workbin (interaction_id, &workbin, NULL);
    s_send (self, request, KIND_PLACE, target->type_id, target->owner_id, now_ms);
}

void
wbc_session_pull (wbc_session_t *self, const char *interaction_id, int64_t now_ms)
{
    if (s_can_act (self, WB_MSG_REQUEST_PULL, interaction_id))
        s_send (self, wb_request_pull (interaction_id), KIND_PULL, NULL, NULL, now_ms);
}

void
wbc_session_stop (wbc_session_t *self, const char *interaction_id, int64_t now_ms)
{
    if (s_can_act (self, WB_MSG_REQUEST_STOP_PROCESSING, interaction_id))
        s_send (self, wb_request_stop_processing (interaction_id), KIND_STOP, NULL, NULL, now_ms);
}

void
wbc_session_set_paused (wbc_session_t *self, bool paused, int64_t now_ms)
{
    wbc_model_set_paused (self->model, paused);
    if (!paused)
        while (wbc_session_step (self, now_ms))
            ;
}

bool
wbc_session_step (wbc_session_t *self, int64_t now_ms)
{
    wb_msg_t *event = zlistx_detach (self->held, NULL);
    if (!event)
        return false;
    s_apply_change (self, event, now_ms);
    wb_msg_destroy (&event);
    wbc_model_set_held (self->model, zlistx_size (self->held));
    wbc_model_mark (self->model, WBC_DIRTY_STATUS);
    return true;
}

int
wbc_session_bulk_begin (wbc_session_t *self, const char *what, size_t total)
{
    if (!self || total == 0 || wbc_model_connection (self->model) != WBC_CONNECTED)
        return 0;
    for (size_t index = 0; index < S_BULKS_MAX; index++)
        if (self->bulks [index].id == 0) {
            s_bulk_t *bulk = &self->bulks [index];
            *bulk = (s_bulk_t) { .id = ++self->last_bulk, .total = total };
            snprintf (bulk->what, sizeof (bulk->what), "%s", what);
            self->bulk_sending = bulk->id;
            return bulk->id;
        }
    wbc_model_status (self->model, WBC_LEVEL_ERROR, wb_clock_wall_ms (),
                      "%d bulk actions are still waiting for answers: try again in a moment",
                      S_BULKS_MAX);
    return 0;
}

void
wbc_session_bulk_end (wbc_session_t *self)
{
    if (self)
        self->bulk_sending = 0;
}

const char *
wbc_session_refusal (const wbc_session_t *self)
{
    return self && *self->refusal ? self->refusal : NULL;
}

bool
wbc_session_ever_connected (const wbc_session_t *self)
{
    return self && self->ever_connected;
}

size_t
wbc_session_held (const wbc_session_t *self)
{
    return zlistx_size (self->held);
}
