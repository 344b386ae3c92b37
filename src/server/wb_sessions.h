/*  wb_sessions: the server's registry of client sessions and subscriptions.

    A session is one connected, registered client, known by its ROUTER
    routing id. It may be logged in as an agent at a place, and it holds
    subscriptions to workbins. The registry answers the lookups the engine
    needs per request: session by routing id, session by agent, by place,
    and the subscribers of a workbin. It sends nothing; wb_engine does.
*/
#ifndef WB_SESSIONS_H_INCLUDED
#define WB_SESSIONS_H_INCLUDED

#include <czmq.h>
#include <stdbool.h>
#include "wb_protocol.h"        /* WB_CLIENT_... */

typedef struct _wb_session_t wb_session_t;

typedef struct {
    wb_session_t *session;
    char *workbin_key;       /* wb_sessions_workbin_key () form */
    bool notify_property_changes;
} wb_subscription_t;

struct _wb_session_t {
    char *key;               /* routing id in hex */
    zframe_t *routing_id;
    int client_type;         /* WB_CLIENT_... */
    char *client_name;
    char *bound_agent_id;    /* the only agent its key may log in as, or NULL */
    char *peer_key;          /* the CURVE key that registered it, or NULL (plain) */
    char *agent_id;          /* NULL until logged in */
    char *place_id;
    int64_t event_sequence;  /* last EventSequence sent */
    int64_t last_seen;       /* monotonic ms of the last message */
    bool subscriptions_dropped;  /* tell the client at its next request */
    zlistx_t *subscriptions; /* of wb_subscription_t *, owned */
    bool statistic_watcher;  /* told of every change of the counts it may see */
    size_t holds;            /* wb_sessions_hold calls not yet released */
    bool removed;            /* removed while held: no longer in the registry */
};

typedef struct _wb_sessions_t wb_sessions_t;

wb_sessions_t *wb_sessions_new (void);
void wb_sessions_destroy (wb_sessions_t **self_p);
size_t wb_sessions_size (const wb_sessions_t *self);

/* The key of a workbin for subscription lookups: "type@owner". Caller frees. */
char *wb_sessions_workbin_key (const char *type_id, const char *owner_id);

wb_session_t *wb_sessions_find (wb_sessions_t *self, zframe_t *routing_id);
/* Create a session for a routing id (or return the existing one). */
wb_session_t *wb_sessions_create (wb_sessions_t *self, zframe_t *routing_id);
/* Log out, drop subscriptions and forget the session; *session_p nulled.
   A held session is then marked removed, and freed at its last release. */
void wb_sessions_remove (wb_sessions_t *self, wb_session_t **session_p);
/* Keep a session's memory (not its place in the registry) until as many
   releases: what holds it for later (an event held for a group commit)
   keeps the pointer, not a copy of its routing id to look up again. */
void wb_sessions_hold (wb_session_t *session);
/* Let go of one hold; *session_p nulled. Frees a removed session at its
   last hold. */
void wb_sessions_release (wb_session_t **session_p);
/* The session a held one stands for now: itself, or, if it was removed,
   the session its routing id has now (NULL if none). */
wb_session_t *wb_sessions_current (wb_sessions_t *self, wb_session_t *held);

wb_session_t *wb_sessions_by_agent (wb_sessions_t *self, const char *agent_id);
wb_session_t *wb_sessions_by_place (wb_sessions_t *self, const char *place_id);
/* Record a login; the caller has checked agent and place are free. */
int wb_sessions_login (wb_sessions_t *self, wb_session_t *session,
                       const char *agent_id, const char *place_id);
/* Called with each agent id whose login ends (logout, removal, expiry):
   the site-wide registry of logins (wb_node) lets it go. */
typedef void (wb_sessions_logout_fn) (void *context, const char *agent_id);
void wb_sessions_on_logout (wb_sessions_t *self, wb_sessions_logout_fn *logout, void *context);
/* Forget the login and drop the subscriptions. */
void wb_sessions_logout (wb_sessions_t *self, wb_session_t *session);

/* Subscribe (or update the flag of an existing subscription). Return 0. */
int wb_sessions_subscribe (wb_sessions_t *self, wb_session_t *session,
                           const char *workbin_key, bool notify_property_changes);
/* Cancel; return -1 if the session was not subscribed to that workbin. */
int wb_sessions_unsubscribe (wb_sessions_t *self, wb_session_t *session,
                             const char *workbin_key);
bool wb_sessions_is_subscribed (wb_sessions_t *self, wb_session_t *session,
                                const char *workbin_key);
/* Drop every subscription, the statistic notifications too. */
void wb_sessions_drop_subscriptions (wb_sessions_t *self, wb_session_t *session);
/* Statistic notifications for a session on or off (RequestStatistic-
   Notifications): 0, or -1 to turn off what was not on. */
int wb_sessions_watch_statistics (wb_sessions_t *self, wb_session_t *session, bool on);
/* The sessions that asked for them (wb_session_t *, not owned); do not
   change the list while iterating. */
zlistx_t *wb_sessions_statistic_watchers (wb_sessions_t *self);
/* The subscriptions to a workbin (wb_subscription_t *), or NULL if none.
   The list belongs to the registry: do not change it while iterating. */
zlistx_t *wb_sessions_subscribers (wb_sessions_t *self, const char *workbin_key);

/* The agent the sender of the message being handled is bound to by its
   key, or NULL (copied; wb_engine_set_sender_agent). Registration keeps
   it in the session as bound_agent_id. */
void wb_sessions_set_sender_agent (wb_sessions_t *self, const char *agent_id);
const char *wb_sessions_sender_agent (const wb_sessions_t *self);

/* The CURVE public key (Z85) of the sender of the message being handled,
   or NULL on a plain endpoint (copied; wb_engine_set_sender_key), and
   whether it is still in the authorised-keys folder (checked for the
   requests that open a session: register and login). */
void wb_sessions_set_sender_key (wb_sessions_t *self, const char *key, bool authorised);
const char *wb_sessions_sender_key (const wb_sessions_t *self);
bool wb_sessions_sender_authorised (const wb_sessions_t *self);

/* First and next session, for sweeps; do not remove while iterating
   except through wb_sessions_expire. */
wb_session_t *wb_sessions_first (wb_sessions_t *self);
wb_session_t *wb_sessions_next (wb_sessions_t *self);

/* Remove every session not seen since before deadline (monotonic ms);
   return how many were removed. */
size_t wb_sessions_expire (wb_sessions_t *self, int64_t deadline);

#endif
