/*  wb_engine_session: register, unregister, login, logout and ping.
    Session rules: PROTOCOL.md, "Session rules"; a key bound to an agent:
    PROTOCOL.md, "Security". */
#include <string.h>
#include "wb_engine_internal.h"
#include "wb_prelude.h"

//  Kept by the session registry until the next message says otherwise.
void
wb_engine_set_sender_agent (wb_engine_t *self, const char *agent_id)
{
    if (self)
        wb_sessions_set_sender_agent (self->sessions, agent_id && *agent_id ? agent_id : NULL);
}

//  True if two keys (NULL: none) are the same.
static bool
s_same_key (const char *one, const char *other)
{
    return one == other || (one && other && strcmp (one, other) == 0);
}

void
wb_engine_set_sender_key (wb_engine_t *self, zframe_t *routing_id, const char *key,
                          bool authorised)
{
    if (!self)
        return;
    key = key && *key ? key : NULL;
    wb_sessions_set_sender_key (self->sessions, key, authorised);
    wb_session_t *session = wb_sessions_find (self->sessions, routing_id);
    if (session && !s_same_key (session->peer_key, key)) {
        zsys_warning ("a connection with another key took the routing id %s: "
                      "the session of %s ends", session->key,
                      session->agent_id ? session->agent_id : "a client");
        wb_sessions_remove (self->sessions, &session);
    }
}

//  EventError 1003 for a key taken out of the authorised-keys folder
//  since its connection was let in; 0 if it is still there (or plain).
static int
s_key_still_authorised (wb_request_t *request)
{
    if (wb_sessions_sender_authorised (request->engine->sessions))
        return 0;
    request->detail = "the client's key is no longer authorised";
    zsys_warning ("refused a %s: the key %s is no longer authorised", request->name,
                  wb_sessions_sender_key (request->engine->sessions));
    return WB_ERR_IDENTITY_MISMATCH;
}

int
wb_engine_register (wb_request_t *request)
{
    int64_t client_type = wb_kvlist_int_or (request->body, WB_ATTR_CLIENT_TYPE, 0);
    if (client_type != WB_CLIENT_AGENT_APPLICATION && client_type != WB_CLIENT_MEDIA_SERVER)
        return WB_ERR_UNKNOWN_CLIENT_TYPE;
    int refused = s_key_still_authorised (request);
    if (refused)
        return refused;
    //  a media server reaches every workbin: not with an agent's key
    const char *bound = wb_sessions_sender_agent (request->engine->sessions);
    if (bound && client_type == WB_CLIENT_MEDIA_SERVER) {
        request->detail = "a key bound to an agent cannot register a media server";
        return WB_ERR_IDENTITY_MISMATCH;
    }
    wb_session_t *session = wb_sessions_create (request->engine->sessions, request->routing_id);
    if (!session)
        return WB_ERR_DATABASE_MANAGER;
    request->session = session;
    if (bound && !session->bound_agent_id)
        session->bound_agent_id = wb_strdup (bound);
    const char *key = wb_sessions_sender_key (request->engine->sessions);
    if (key && !session->peer_key)
        session->peer_key = wb_strdup (key);
    //  Registering again keeps the session: its login and subscriptions
    if (!session->client_type)
        session->client_type = (int) client_type;
    const char *name = wb_kvlist_string (request->body, WB_ATTR_CLIENT_NAME);
    if (name) {
        free (session->client_name);
        session->client_name = wb_strdup (name);
    }
    wb_engine_reply_ack (request, NULL);
    return 0;
}

int
wb_engine_unregister (wb_request_t *request)
{
    wb_engine_reply_ack (request, NULL);
    wb_sessions_remove (request->engine->sessions, &request->session);
    return 0;
}

//  The place an agent logs in at: the one asked for, or its own; free but
//  for the session being taken over (leaving), if any.
static int
s_login_place (wb_request_t *request, const char *agent_id, const wb_session_t *leaving,
               const char **place_id)
{
    wb_directory_t *directory = request->engine->directory;
    *place_id = wb_kvlist_string (request->body, WB_ATTR_PLACE_ID);
    if (!*place_id || !**place_id)
        *place_id = wb_directory_agent_place (directory, agent_id);
    if (!*place_id)
        return WB_ERR_PLACE_NOT_SPECIFIED;
    if (!wb_directory_has_place (directory, *place_id)) {
        request->detail = *place_id;
        return WB_ERR_UNKNOWN_PLACE;
    }
    wb_session_t *occupant = wb_sessions_by_place (request->engine->sessions, *place_id);
    if (occupant && occupant != request->session && occupant != leaving) {
        request->detail = *place_id;
        return WB_ERR_PLACE_OCCUPIED;
    }
    return 0;
}

//  The session that holds the agent on another connection (a console that
//  was killed, whose session has not expired yet), to be taken over; NULL
//  if none. 14 unless the login asks for it with TakeOver 1.
static int
s_holder_to_take_over (wb_request_t *request, const char *agent_id, wb_session_t **holder)
{
    *holder = wb_sessions_by_agent (request->engine->sessions, agent_id);
    if (*holder && wb_kvlist_int_or (request->body, WB_ATTR_TAKE_OVER, 0) != 1) {
        request->detail = agent_id;
        return WB_ERR_AGENT_ALREADY_LOGGED_IN;
    }
    return 0;
}

//  With several nodes, an agent logs in once across the site: 0, 14 if
//  another live node holds it, 28 if the database cannot tell.
static int
s_claim_site_wide (wb_request_t *request, const char *agent_id)
{
    int claimed = request->engine->node ? wb_node_claim (request->engine->node, agent_id) : 1;
    if (claimed == 0) {
        request->detail = "logged in on another server node";
        return WB_ERR_AGENT_ALREADY_LOGGED_IN;
    }
    return claimed < 0 ? WB_ERR_DATABASE : 0;
}

int
wb_engine_login (wb_request_t *request)
{
    wb_engine_t *self = request->engine;
    int refused = s_key_still_authorised (request);
    if (refused)
        return refused;
    int64_t tenant_id = wb_kvlist_int_or (request->body, WB_ATTR_TENANT_ID, 0);
    if (tenant_id != wb_directory_tenant_id (self->directory))
        return WB_ERR_UNKNOWN_TENANT;
    const char *agent_id = wb_kvlist_string (request->body, WB_ATTR_AGENT_ID);
    const char *bound = request->session->bound_agent_id;
    if (bound && (!agent_id || strcmp (bound, agent_id) != 0)) {
        request->detail = agent_id;
        return WB_ERR_IDENTITY_MISMATCH;
    }
    if (!wb_directory_has_agent (self->directory, agent_id)) {
        request->detail = agent_id;
        return WB_ERR_UNKNOWN_AGENT;
    }
    if (request->session->agent_id) {
        request->detail = agent_id;
        return WB_ERR_AGENT_ALREADY_LOGGED_IN;
    }
    wb_session_t *holder = NULL;
    int code = s_holder_to_take_over (request, agent_id, &holder);
    const char *place_id = NULL;
    if (!code)
        code = s_login_place (request, agent_id, holder, &place_id);
    if (code)
        return code;
    //  ended as an expiry would end it: its connection's next request gets 1
    if (holder) {
        zsys_info ("agent %s taken over from another connection", agent_id);
        wb_sessions_remove (request->engine->sessions, &holder);
    }
    code = s_claim_site_wide (request, agent_id);
    if (code)
        return code;
    if (wb_sessions_login (self->sessions, request->session, agent_id, place_id))
        return WB_ERR_DATABASE_MANAGER;
    wb_engine_reply_ack (request, NULL);
    return 0;
}

int
wb_engine_logout (wb_request_t *request)
{
    if (!request->session->agent_id)
        return WB_ERR_NOT_LOGGED_IN;
    wb_sessions_logout (request->engine->sessions, request->session);
    wb_engine_reply_ack (request, NULL);
    return 0;
}

int
wb_engine_ping (wb_request_t *request)
{
    //  Only a registered session gets here (the catalogue row needs it): a
    //  client whose session the server lost, by a restart or an expiry,
    //  gets EventError 1 and learns it at its next keep-alive
    wb_engine_reply_ack (request, NULL);
    return 0;
}
