/*  wbc_session: the console's conversation with wbserver.

    Turns what the user asks for into requests, and replies and events
    into model changes, status lines and trace entries. Nothing here waits:
    every request has a deadline that wbc_session_tick checks; a missed
    deadline means the server is gone, and the session reconnects, logs in
    again, re-subscribes and re-fetches its panes by itself. Given several
    endpoints (the nodes of a site, "ipc://a,ipc://b"), it talks to one at
    a time, and a missed deadline moves it to the next, round robin, where
    it starts over the same way; the status line says so.
*/
#ifndef WBC_SESSION_H_INCLUDED
#define WBC_SESSION_H_INCLUDED

#include <czmq.h>
#include "wbc_model.h"

#define WBC_REQUEST_TIMEOUT_MS 5000
#define WBC_KEEPALIVE_MS 2000
#define WBC_RETRY_MS 1000
#define WBC_HELD_MAX 10000         /* changes held while paused, at most */

typedef struct {
    const char *endpoint;         /* one, or a list: "ipc://a,ipc://b" */
    const char *agent_id;
    const char *place_id;         /* NULL: the agent's own */
    int64_t tenant_id;
    const char **open;            /* workbins to open at start, NULL-ended */
    bool watch;                   /* subscribe to each pane opened */
} wbc_session_options_t;

typedef struct _wbc_session_t wbc_session_t;

wbc_session_t *wbc_session_new (wbc_model_t *model, const wbc_session_options_t *options);
void wbc_session_destroy (wbc_session_t **self_p);
/* Say goodbye (RequestUnregisterClient, waiting at most timeout_ms), so the
   agent can log in again at once from another console. */
void wbc_session_close (wbc_session_t *self, int timeout_ms);

/* The socket to poll for input. It changes when the session reconnects. */
zsock_t *wbc_session_socket (wbc_session_t *self);
/* The socket that says the connection closed (poll it too), or NULL. */
zsock_t *wbc_session_monitor_socket (wbc_session_t *self);
/* The endpoint (node) the session talks to now, and how many it has. */
const char *wbc_session_endpoint (const wbc_session_t *self);
size_t wbc_session_endpoint_count (const wbc_session_t *self);

/* Read and apply everything that has arrived. */
void wbc_session_receive (wbc_session_t *self, int64_t now_ms);
/* Check deadlines, send keep-alives, retry; call at least every
   wbc_session_wait_ms. */
void wbc_session_tick (wbc_session_t *self, int64_t now_ms);
/* How long the loop may wait before the next tick is due. */
int wbc_session_wait_ms (const wbc_session_t *self, int64_t now_ms);

/* What the user asks for. Workbins are "TYPE" or "TYPE@OWNER". */
void wbc_session_open (wbc_session_t *self, const char *name, int64_t now_ms);
/* Open (and fetch) the in-hand pane: the interactions the agent pulled. */
void wbc_session_open_in_hand (wbc_session_t *self, int64_t now_ms);
void wbc_session_refresh (wbc_session_t *self, size_t pane_index, int64_t now_ms);
void wbc_session_toggle_watch (wbc_session_t *self, size_t pane_index, int64_t now_ms);
void wbc_session_cancel (wbc_session_t *self, size_t pane_index, int64_t now_ms);
void wbc_session_place (wbc_session_t *self, const char *interaction_id,
                        const wbc_sidebar_entry_t *target, int64_t now_ms);
void wbc_session_pull (wbc_session_t *self, const char *interaction_id, int64_t now_ms);
void wbc_session_stop (wbc_session_t *self, const char *interaction_id, int64_t now_ms);
/* A bulk action: the place, pull or stop calls until wbc_session_bulk_end
   are total items of one action (what: its request's name), whose
   outcomes are counted and said once all are in, each failure on its own
   line. 0 (nothing to send) when not connected or too many bulks wait;
   else its id. */
int wbc_session_bulk_begin (wbc_session_t *self, const char *what, size_t total);
void wbc_session_bulk_end (wbc_session_t *self);
/* The last login was refused because the agent is logged in on another
   connection (a console that was killed): log in again at once, ending
   that session (TakeOver). False, doing nothing, when that is not the
   case. Only on the user's word: the other console may be in use. */
bool wbc_session_take_over (wbc_session_t *self, int64_t now_ms);

/* Why the server refused the session for good (an unknown agent, a bad
   place...: it is not retried), as "EventError N text (RequestX)"; NULL
   while it is not refused. */
const char *wbc_session_refusal (const wbc_session_t *self);
/* True once a session was open (logged in), even if it was lost since. */
bool wbc_session_ever_connected (const wbc_session_t *self);

/* Trainer: while paused, change events are held; resuming applies them. */
void wbc_session_set_paused (wbc_session_t *self, bool paused, int64_t now_ms);
/* Apply one held event (a trainer's single step); false if none. */
bool wbc_session_step (wbc_session_t *self, int64_t now_ms);
size_t wbc_session_held (const wbc_session_t *self);

#endif
