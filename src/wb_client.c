/*  wb_client: one client connection to wbserver. See wb_client.h. */
#include <errno.h>
#include <string.h>
#include "wb_client.h"

struct _wb_client_t {
    char *endpoint;
    zsock_t *dealer;
    int64_t next_reference_id;
    zlistx_t *events;             /* unsolicited events kept by request () */
    size_t malformed;
};

static void
s_msg_destructor (void **item)
{
    wb_msg_destroy ((wb_msg_t **) item);
}

static zsock_t *
s_connect (const char *endpoint)
{
    zsock_t *dealer = zsock_new (ZMQ_DEALER);
    if (!dealer)
        return NULL;
    zsock_set_linger (dealer, 0);
    zsock_set_sndtimeo (dealer, 0);
    zsock_set_maxmsgsize (dealer, (int64_t) WB_BODY_MAX + 4096);
    zsock_set_heartbeat_ivl (dealer, 5000);
    zsock_set_heartbeat_timeout (dealer, 15000);
    zsock_set_reconnect_ivl (dealer, 200);
    zsock_set_reconnect_ivl_max (dealer, 2000);
    if (zsock_connect (dealer, "%s", endpoint) == -1)
        zsock_destroy (&dealer);
    return dealer;
}

wb_client_t *
wb_client_new (const char *endpoint)
{
    if (!endpoint)
        return NULL;
    wb_client_t *self = zmalloc (sizeof (wb_client_t));
    self->endpoint = strdup (endpoint);
    self->dealer = s_connect (endpoint);
    self->events = zlistx_new ();
    self->next_reference_id = 1;
    if (!self->dealer) {
        wb_client_destroy (&self);
        return NULL;
    }
    zlistx_set_destructor (self->events, s_msg_destructor);
    return self;
}

void
wb_client_destroy (wb_client_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    wb_client_t *self = *self_p;
    zsock_destroy (&self->dealer);
    zlistx_destroy (&self->events);
    free (self->endpoint);
    free (self);
    *self_p = NULL;
}

int
wb_client_reconnect (wb_client_t *self)
{
    if (!self)
        return -1;
    zsock_destroy (&self->dealer);
    zlistx_purge (self->events);
    self->dealer = s_connect (self->endpoint);
    return self->dealer ? 0 : -1;
}

zsock_t *
wb_client_socket (wb_client_t *self)
{
    return self ? self->dealer : NULL;
}

const char *
wb_client_endpoint (const wb_client_t *self)
{
    return self ? self->endpoint : NULL;
}

int64_t
wb_client_send (wb_client_t *self, wb_msg_t **request_p)
{
    if (!self || !request_p || !*request_p) {
        if (request_p)
            wb_msg_destroy (request_p);
        return -1;
    }
    int64_t reference_id = self->next_reference_id++;
    wb_msg_set_reference_id (*request_p, reference_id);
    return wb_msg_send (request_p, self->dealer) == 0 ? reference_id : -1;
}

wb_msg_t *
wb_client_receive (wb_client_t *self)
{
    if (!self)
        return NULL;
    while (zsock_events (self->dealer) & ZMQ_POLLIN) {
        wb_codec_status_t status;
        wb_msg_t *msg = wb_msg_recv (self->dealer, &status, NULL, NULL);
        if (msg)
            return msg;
        self->malformed++;
    }
    return NULL;
}

size_t
wb_client_malformed_count (const wb_client_t *self)
{
    return self ? self->malformed : 0;
}

//  Wait until something can be read or the deadline passes; false if not.
static bool
s_wait_readable (wb_client_t *self, int64_t deadline)
{
    while (!(zsock_events (self->dealer) & ZMQ_POLLIN)) {
        int64_t left = deadline - zclock_mono ();
        if (left <= 0 || zsys_interrupted)
            return false;
        zmq_pollitem_t item = { zsock_resolve (self->dealer), 0, ZMQ_POLLIN, 0 };
        if (zmq_poll (&item, 1, (long) left) == -1 && errno != EINTR)
            return false;
    }
    return true;
}

wb_msg_t *
wb_client_request (wb_client_t *self, wb_msg_t **request_p, int timeout_ms)
{
    int64_t reference_id = wb_client_send (self, request_p);
    if (reference_id < 0)
        return NULL;
    int64_t deadline = zclock_mono () + timeout_ms;
    while (s_wait_readable (self, deadline)) {
        wb_msg_t *msg = wb_client_receive (self);
        if (!msg)
            continue;
        if (wb_msg_reference_id (msg) == reference_id)
            return msg;
        if (wb_msg_reference_id (msg) == 0)
            zlistx_add_end (self->events, msg);
        else
            wb_msg_destroy (&msg);  //  a late reply to an abandoned request
    }
    errno = ETIMEDOUT;
    return NULL;
}

wb_msg_t *
wb_client_next_event (wb_client_t *self, int timeout_ms)
{
    if (!self)
        return NULL;
    if (zlistx_size (self->events) > 0) {
        wb_msg_t *event = zlistx_detach (self->events, NULL);
        return event;
    }
    int64_t deadline = zclock_mono () + timeout_ms;
    do {
        wb_msg_t *msg = wb_client_receive (self);
        if (msg && wb_msg_reference_id (msg) == 0)
            return msg;
        wb_msg_destroy (&msg);
    } while (s_wait_readable (self, deadline));
    return NULL;
}

//  Send one session request and sort its answer: 0, 1 (error) or -1.
static int
s_session_step (wb_client_t *self, wb_msg_t **request_p, int timeout_ms, wb_msg_t **error_reply)
{
    wb_msg_t *reply = wb_client_request (self, request_p, timeout_ms);
    if (!reply)
        return -1;
    if (streq (wb_msg_name (reply), "EventAck")) {
        wb_msg_destroy (&reply);
        return 0;
    }
    if (error_reply)
        *error_reply = reply;
    else
        wb_msg_destroy (&reply);
    return 1;
}

int
wb_client_open_session (wb_client_t *self, int client_type, const char *client_name,
                        int64_t tenant_id, const char *agent_id, const char *place_id,
                        int timeout_ms, wb_msg_t **error_reply)
{
    if (error_reply)
        *error_reply = NULL;
    wb_msg_t *request = wb_msg_new ("RequestRegisterClient");
    wb_kvlist_add_int (wb_msg_body (request), "ClientType", client_type);
    if (client_name)
        wb_kvlist_add_string (wb_msg_body (request), "ClientName", client_name);
    int rc = s_session_step (self, &request, timeout_ms, error_reply);
    if (rc != 0 || !agent_id)
        return rc;
    request = wb_msg_new ("RequestAgentLogin");
    wb_kvlist_add_int (wb_msg_body (request), "TenantId", tenant_id);
    wb_kvlist_add_string (wb_msg_body (request), "AgentId", agent_id);
    if (place_id)
        wb_kvlist_add_string (wb_msg_body (request), "PlaceId", place_id);
    return s_session_step (self, &request, timeout_ms, error_reply);
}
