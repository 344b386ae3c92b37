/*  wb_sessions: the registry of sessions and subscriptions. See wb_sessions.h. */
#include <stdlib.h>
#include <string.h>
#include "wb_sessions.h"
#include "wb_prelude.h"

struct _wb_sessions_t {
    zhashx_t *sessions;       /* routing id hex -> wb_session_t *, owned */
    zhashx_t *by_agent;       /* agent id -> wb_session_t * */
    zhashx_t *by_place;       /* place id -> wb_session_t * */
    zhashx_t *subscribers;    /* workbin key -> zlistx of wb_subscription_t * */
    zlistx_t *statistic_watchers;   /* wb_session_t * with statistic notifications */
    char *sender_agent;       /* the current sender's bound agent, or NULL */
    char *sender_key;         /* the current sender's CURVE key, or NULL */
    bool sender_authorised;   /* that key is still authorised */
    wb_sessions_logout_fn *logout;  /* told of each login that ends, or NULL */
    void *logout_context;
};

//  Sessions in a list are the same when they are the same object.
static int
s_same_session (const void *one, const void *two)
{
    return (one > two) - (one < two);
}

static void
s_subscription_destroy (wb_subscription_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free ((*self_p)->workbin_key);
    free (*self_p);
    *self_p = NULL;
}

static void
s_session_destroy (wb_session_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    wb_session_t *self = *self_p;
    zlistx_destroy (&self->subscriptions);
    zframe_destroy (&self->routing_id);
    free (self->key);
    free (self->client_name);
    free (self->bound_agent_id);
    free (self->peer_key);
    free (self->agent_id);
    free (self->place_id);
    free (self);
    *self_p = NULL;
}

//  The registry lets go of a session: freed now, or, while something
//  holds it, at its last release.
static void
s_session_destructor (void **item)
{
    wb_session_t *session = *item;
    if (session && session->holds > 0) {
        session->removed = true;
        *item = NULL;
    }
    else
        s_session_destroy ((wb_session_t **) item);
}

static void
s_list_destructor (void **item)
{
    zlistx_destroy ((zlistx_t **) item);
}

wb_sessions_t *
wb_sessions_new (void)
{
    wb_sessions_t *self = wb_calloc (1, sizeof (wb_sessions_t));
    self->sender_authorised = true;     //  until a server says otherwise
    self->sessions = zhashx_new ();
    self->by_agent = zhashx_new ();
    self->by_place = zhashx_new ();
    self->subscribers = zhashx_new ();
    self->statistic_watchers = zlistx_new ();
    zlistx_set_comparator (self->statistic_watchers, s_same_session);
    if (!self->sessions || !self->by_agent || !self->by_place || !self->subscribers) {
        wb_sessions_destroy (&self);
        return NULL;
    }
    zhashx_set_destructor (self->sessions, s_session_destructor);
    zhashx_set_destructor (self->subscribers, s_list_destructor);
    return self;
}

void
wb_sessions_destroy (wb_sessions_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    wb_sessions_t *self = *self_p;
    //  Subscriber lists only point at subscriptions; sessions own them
    zhashx_destroy (&self->subscribers);
    zlistx_destroy (&self->statistic_watchers);
    zhashx_destroy (&self->by_agent);
    zhashx_destroy (&self->by_place);
    zhashx_destroy (&self->sessions);
    free (self->sender_agent);
    free (self->sender_key);
    free (self);
    *self_p = NULL;
}

size_t
wb_sessions_size (const wb_sessions_t *self)
{
    return self ? zhashx_size (self->sessions) : 0;
}

char *
wb_sessions_workbin_key (const char *type_id, const char *owner_id)
{
    if (!type_id || !owner_id)
        return NULL;
    size_t size = strlen (type_id) + strlen (owner_id) + 2;
    char *key = wb_malloc (size);
    snprintf (key, size, "%s@%s", type_id, owner_id);
    return key;
}

/* A routing id is at most 255 bytes (ZMTP): its hex key fits here. */
#define ROUTING_KEY_MAX (2 * 255 + 1)

//  The hex key of a routing id (as zframe_strhex writes it) into buffer,
//  without allocating; NULL if it does not fit.
static const char *
s_routing_key (zframe_t *routing_id, char buffer [ROUTING_KEY_MAX])
{
    static const char hex [] = "0123456789ABCDEF";
    size_t size = zframe_size (routing_id);
    const uint8_t *data = zframe_data (routing_id);
    if (2 * size >= ROUTING_KEY_MAX)
        return NULL;
    for (size_t index = 0; index < size; index++) {
        buffer [2 * index] = hex [data [index] >> 4];
        buffer [2 * index + 1] = hex [data [index] & 15];
    }
    buffer [2 * size] = 0;
    return buffer;
}

wb_session_t *
wb_sessions_find (wb_sessions_t *self, zframe_t *routing_id)
{
    if (!self || !routing_id)
        return NULL;
    char buffer [ROUTING_KEY_MAX];
    const char *key = s_routing_key (routing_id, buffer);
    return key ? zhashx_lookup (self->sessions, key) : NULL;
}

static void
s_subscription_destructor (void **item)
{
    s_subscription_destroy ((wb_subscription_t **) item);
}

wb_session_t *
wb_sessions_create (wb_sessions_t *self, zframe_t *routing_id)
{
    wb_session_t *existing = wb_sessions_find (self, routing_id);
    if (existing || !self || !routing_id)
        return existing;
    wb_session_t *session = wb_calloc (1, sizeof (wb_session_t));
    session->key = zframe_strhex (routing_id);
    session->routing_id = zframe_dup (routing_id);
    session->subscriptions = zlistx_new ();
    if (!session->key || !session->routing_id || !session->subscriptions) {
        s_session_destroy (&session);
        return NULL;
    }
    zlistx_set_destructor (session->subscriptions, s_subscription_destructor);
    zhashx_insert (self->sessions, session->key, session);
    return session;
}

void
wb_sessions_remove (wb_sessions_t *self, wb_session_t **session_p)
{
    if (!self || !session_p || !*session_p)
        return;
    wb_sessions_logout (self, *session_p);
    zhashx_delete (self->sessions, (*session_p)->key);
    *session_p = NULL;
}

void
wb_sessions_hold (wb_session_t *session)
{
    if (session)
        session->holds++;
}

void
wb_sessions_release (wb_session_t **session_p)
{
    if (!session_p || !*session_p)
        return;
    wb_session_t *session = *session_p;
    if (--session->holds == 0 && session->removed)
        s_session_destroy (&session);
    *session_p = NULL;
}

wb_session_t *
wb_sessions_current (wb_sessions_t *self, wb_session_t *held)
{
    if (!held || !held->removed)
        return held;
    return wb_sessions_find (self, held->routing_id);
}

wb_session_t *
wb_sessions_by_agent (wb_sessions_t *self, const char *agent_id)
{
    return self && agent_id ? zhashx_lookup (self->by_agent, agent_id) : NULL;
}

wb_session_t *
wb_sessions_by_place (wb_sessions_t *self, const char *place_id)
{
    return self && place_id ? zhashx_lookup (self->by_place, place_id) : NULL;
}

int
wb_sessions_login (wb_sessions_t *self, wb_session_t *session,
                   const char *agent_id, const char *place_id)
{
    if (!self || !session || !agent_id || !place_id || session->agent_id)
        return -1;
    session->agent_id = wb_strdup (agent_id);
    session->place_id = wb_strdup (place_id);
    zhashx_insert (self->by_agent, session->agent_id, session);
    zhashx_insert (self->by_place, session->place_id, session);
    return 0;
}

void
wb_sessions_on_logout (wb_sessions_t *self, wb_sessions_logout_fn *logout, void *context)
{
    if (!self)
        return;
    self->logout = logout;
    self->logout_context = context;
}

void
wb_sessions_logout (wb_sessions_t *self, wb_session_t *session)
{
    if (!self || !session)
        return;
    if (session->agent_id && self->logout
    &&  zhashx_lookup (self->by_agent, session->agent_id) == session)
        self->logout (self->logout_context, session->agent_id);
    wb_sessions_drop_subscriptions (self, session);
    if (session->agent_id && zhashx_lookup (self->by_agent, session->agent_id) == session)
        zhashx_delete (self->by_agent, session->agent_id);
    if (session->place_id && zhashx_lookup (self->by_place, session->place_id) == session)
        zhashx_delete (self->by_place, session->place_id);
    free (session->agent_id);
    free (session->place_id);
    session->agent_id = NULL;
    session->place_id = NULL;
}

static wb_subscription_t *
s_find_subscription (wb_session_t *session, const char *workbin_key)
{
    wb_subscription_t *subscription = zlistx_first (session->subscriptions);
    while (subscription && strcmp (subscription->workbin_key, workbin_key) != 0)
        subscription = zlistx_next (session->subscriptions);
    return subscription;
}

int
wb_sessions_subscribe (wb_sessions_t *self, wb_session_t *session,
                       const char *workbin_key, bool notify_property_changes)
{
    if (!self || !session || !workbin_key)
        return -1;
    wb_subscription_t *subscription = s_find_subscription (session, workbin_key);
    if (subscription) {
        subscription->notify_property_changes = notify_property_changes;
        return 0;
    }
    zlistx_t *subscribers = zhashx_lookup (self->subscribers, workbin_key);
    if (!subscribers) {
        subscribers = zlistx_new ();
        if (!subscribers)
            return -1;
        zhashx_insert (self->subscribers, workbin_key, subscribers);
    }
    subscription = wb_calloc (1, sizeof (wb_subscription_t));
    subscription->session = session;
    subscription->workbin_key = wb_strdup (workbin_key);
    subscription->notify_property_changes = notify_property_changes;
    zlistx_add_end (session->subscriptions, subscription);
    zlistx_add_end (subscribers, subscription);
    return 0;
}

//  Take one subscription out of its workbin's subscriber list.
static void
s_unlink_subscriber (wb_sessions_t *self, wb_subscription_t *subscription)
{
    zlistx_t *subscribers = zhashx_lookup (self->subscribers, subscription->workbin_key);
    if (!subscribers)
        return;
    void *handle = zlistx_find (subscribers, subscription);
    if (handle)
        zlistx_detach (subscribers, handle);
    if (zlistx_size (subscribers) == 0)
        zhashx_delete (self->subscribers, subscription->workbin_key);
}

int
wb_sessions_unsubscribe (wb_sessions_t *self, wb_session_t *session,
                         const char *workbin_key)
{
    if (!self || !session || !workbin_key)
        return -1;
    wb_subscription_t *subscription = s_find_subscription (session, workbin_key);
    if (!subscription)
        return -1;
    s_unlink_subscriber (self, subscription);
    zlistx_delete (session->subscriptions, zlistx_cursor (session->subscriptions));
    return 0;
}

bool
wb_sessions_is_subscribed (wb_sessions_t *self, wb_session_t *session,
                           const char *workbin_key)
{
    return self && session && workbin_key && s_find_subscription (session, workbin_key);
}

void
wb_sessions_drop_subscriptions (wb_sessions_t *self, wb_session_t *session)
{
    if (!self || !session)
        return;
    wb_subscription_t *subscription = zlistx_first (session->subscriptions);
    while (subscription) {
        s_unlink_subscriber (self, subscription);
        subscription = zlistx_next (session->subscriptions);
    }
    zlistx_purge (session->subscriptions);
    wb_sessions_watch_statistics (self, session, false);
}

int
wb_sessions_watch_statistics (wb_sessions_t *self, wb_session_t *session, bool on)
{
    if (!self || !session)
        return -1;
    if (on == session->statistic_watcher)
        return on ? 0 : -1;
    session->statistic_watcher = on;
    if (on)
        zlistx_add_end (self->statistic_watchers, session);
    else {
        void *handle = zlistx_find (self->statistic_watchers, session);
        if (handle)
            zlistx_delete (self->statistic_watchers, handle);
    }
    return 0;
}

zlistx_t *
wb_sessions_statistic_watchers (wb_sessions_t *self)
{
    return self ? self->statistic_watchers : NULL;
}

zlistx_t *
wb_sessions_subscribers (wb_sessions_t *self, const char *workbin_key)
{
    return self && workbin_key ? zhashx_lookup (self->subscribers, workbin_key) : NULL;
}

void
wb_sessions_set_sender_agent (wb_sessions_t *self, const char *agent_id)
{
    if (!self)
        return;
    //  the same agent message after message: nothing to copy
    if (agent_id && self->sender_agent && strcmp (agent_id, self->sender_agent) == 0)
        return;
    free (self->sender_agent);
    self->sender_agent = wb_strdup (agent_id);
}

const char *
wb_sessions_sender_agent (const wb_sessions_t *self)
{
    return self ? self->sender_agent : NULL;
}

void
wb_sessions_set_sender_key (wb_sessions_t *self, const char *key, bool authorised)
{
    if (!self)
        return;
    self->sender_authorised = authorised;
    if (key && self->sender_key && strcmp (key, self->sender_key) == 0)
        return;
    free (self->sender_key);
    self->sender_key = wb_strdup (key);
}

const char *
wb_sessions_sender_key (const wb_sessions_t *self)
{
    return self ? self->sender_key : NULL;
}

bool
wb_sessions_sender_authorised (const wb_sessions_t *self)
{
    return self && self->sender_authorised;
}

wb_session_t *
wb_sessions_first (wb_sessions_t *self)
{
    return self ? zhashx_first (self->sessions) : NULL;
}

wb_session_t *
wb_sessions_next (wb_sessions_t *self)
{
    return self ? zhashx_next (self->sessions) : NULL;
}

size_t
wb_sessions_expire (wb_sessions_t *self, int64_t deadline)
{
    if (!self)
        return 0;
    zlistx_t *expired = zlistx_new ();
    for (wb_session_t *session = zhashx_first (self->sessions); session;
         session = zhashx_next (self->sessions))
        if (session->last_seen < deadline)
            zlistx_add_end (expired, session);
    size_t count = zlistx_size (expired);
    for (wb_session_t *session = zlistx_first (expired); session;
         session = zlistx_next (expired))
        wb_sessions_remove (self, &session);
    zlistx_destroy (&expired);
    return count;
}
