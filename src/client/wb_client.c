/*  wb_client: one client connection to wbserver. See wb_client.h. */
#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <string.h>
#include "wb_client.h"
#include "wb_prelude.h"
#include "wb_requests.h"
#include "wb_security.h"

#define PROBLEM_MAX 256
#define ENDPOINTS_MAX 32          /* nodes in one list, at most */

struct _wb_client_t {
    char **endpoints;             /* the nodes, in the order given; at least one */
    size_t endpoint_count;
    size_t current;               /* the one the DEALER talks to */
    zsock_t *dealer;
    zsock_t *monitor;             /* handshake events of dealer (PAIR) */
    zcert_t *cert;                /* our CURVE certificate, or NULL */
    char *server_key;             /* the server's public key (Z85), or NULL */
    char problem [PROBLEM_MAX];   /* why the handshake failed; "" if it did not */
    bool refused;                 /* the handshake failed for good */
    bool dropped;                 /* the connection closed since last asked */
    int64_t next_reference_id;
    zlistx_t *events;             /* unsolicited events kept by request () */
    size_t malformed;
    bool take_over;               /* logins take the agent over (wb_client_set_take_over) */
    wb_client_observer_fn *observer;  /* told of every message (wb_client_set_observer) */
    void *observer_arg;
    wb_msg_glance_t glance;           /* looks at what comes before it is decoded */
};

/* The keys wb_client_new uses (wb_client_set_default_keys). */
static zcert_t *s_default_cert = NULL;
static char *s_default_server_key = NULL;
/* Watch the handshakes of clients without keys too (wb_client_set_watch_handshakes). */
static bool s_watch_handshakes = false;
/* Watch every client's connection, on every transport (wb_client_set_watch_connections). */
static bool s_watch_connections = false;
/* Names the inproc endpoint of each client's monitor. */
static atomic_uint s_monitor_count;

#define MONITORED_EVENTS (ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH \
                          | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL)

static void
s_msg_destructor (void **item)
{
    wb_msg_destroy ((wb_msg_t **) item);
}

//  Watch the handshakes of dealer on a PAIR socket; NULL if that fails
//  (the client still works, it only explains less).
static zsock_t *
s_monitor (zsock_t *dealer, int events)
{
    char address [64];
    snprintf (address, sizeof (address), "inproc://wb-client-monitor-%u",
              atomic_fetch_add (&s_monitor_count, 1));
    if (zmq_socket_monitor (zsock_resolve (dealer), address, events) == -1)
        return NULL;
    //  no bound on the events waiting: libzmq's I/O thread would block
    //  on a full queue (a client that has not looked for hours)
    zsock_t *monitor = zsock_new (ZMQ_PAIR);
    if (monitor)
        zsock_set_rcvhwm (monitor, 0);
    if (monitor && zsock_connect (monitor, "%s", address) == -1)
        zsock_destroy (&monitor);
    if (monitor)
        zsock_set_linger (monitor, 0);
    return monitor;
}

//  Open the DEALER (with CURVE keys on tcp://) and its monitor, to the
//  current endpoint.
static int
s_connect (wb_client_t *self)
{
    const char *endpoint = self->endpoints [self->current];
    zsock_t *dealer = zsock_new (ZMQ_DEALER);
    if (!dealer)
        return -1;
    zsock_set_linger (dealer, 0);
    zsock_set_sndtimeo (dealer, 0);
    zsock_set_maxmsgsize (dealer, (int64_t) WB_BODY_MAX + 4096);
    //  no ZMTP heartbeat: a client that stops reading for a while (its queue
    //  full) reads no answer to its pings, and libzmq would drop the
    //  connection, then abort the process at its next read of the old queue
    //  (libzmq issue 3937). A dead server shows in a request's deadline
    //  (the keep-alive ping, PROTOCOL.md 2.5) instead.
    zsock_set_reconnect_ivl (dealer, 200);
    zsock_set_reconnect_ivl_max (dealer, 2000);
    if (self->cert && wb_security_endpoint_is_network (endpoint)) {
        zcert_apply (self->cert, dealer);
        zsock_set_curve_serverkey (dealer, self->server_key);
    }
    //  a monitor costs two sockets: only where a handshake can fail, or
    //  where the program wants to know at once that a connection closed
    bool watch = (self->cert || s_watch_handshakes) && wb_security_endpoint_is_network (endpoint);
    if (s_watch_connections)
        self->monitor = s_monitor (dealer, MONITORED_EVENTS | ZMQ_EVENT_DISCONNECTED);
    else
        self->monitor = watch ? s_monitor (dealer, MONITORED_EVENTS) : NULL;
    self->problem [0] = 0;
    self->refused = false;
    self->dropped = false;
    if (zsock_connect (dealer, "%s", endpoint) == -1) {
        zsock_destroy (&self->monitor);
        zsock_destroy (&dealer);
    }
    self->dealer = dealer;
    return dealer ? 0 : -1;
}

//  Close the DEALER and its monitor: the monitor stopped first, so that
//  libzmq sends no event of the closing to a monitor socket already gone
//  (an event it cannot send, it leaks).
static void
s_disconnect (wb_client_t *self)
{
    if (self->dealer && self->monitor)
        zmq_socket_monitor (zsock_resolve (self->dealer), NULL, 0);
    zsock_destroy (&self->monitor);
    zsock_destroy (&self->dealer);
}

// ---------------------------------------------------------------- endpoints

static void
s_free_endpoints (char ***endpoints_p, size_t count)
{
    for (size_t index = 0; *endpoints_p && index < count; index++)
        free ((*endpoints_p) [index]);
    free (*endpoints_p);
    *endpoints_p = NULL;
}

//  Split a list "a,b" into its endpoints, each trimmed of blanks (an empty
//  one stays, for the check to name); NULL past ENDPOINTS_MAX.
static char **
s_split (const char *list, size_t *count)
{
    char **endpoints = wb_calloc (ENDPOINTS_MAX, sizeof (char *));
    *count = 0;
    for (const char *item = list; ; item++) {
        if (*count == ENDPOINTS_MAX) {
            s_free_endpoints (&endpoints, *count);
            return NULL;
        }
        item += strspn (item, " \t");
        size_t length = strcspn (item, ",");
        size_t kept = length;
        while (kept > 0 && (item [kept - 1] == ' ' || item [kept - 1] == '\t'))
            kept--;
        char *endpoint = wb_malloc (kept + 1);
        memcpy (endpoint, item, kept);
        endpoint [kept] = 0;
        endpoints [(*count)++] = endpoint;
        item += length;
        if (!*item)
            return endpoints;
    }
}

//  True if ZeroMQ takes endpoint for a connect: tried on a DEALER of its
//  own, closed at once (ZeroMQ has no other way to parse an endpoint).
static bool
s_endpoint_valid (const char *endpoint)
{
    if (!*endpoint)
        return false;
    zsock_t *probe = zsock_new (ZMQ_DEALER);
    if (!probe)
        return false;
    zsock_set_linger (probe, 0);
    bool valid = zsock_connect (probe, "%s", endpoint) == 0;
    zsock_destroy (&probe);
    return valid;
}

//  Split and check a list; from is the first endpoint to try on a probe
//  (the client's own connect tries the first one). The endpoints, or NULL
//  with problem saying why.
static char **
s_endpoints (const char *list, size_t from, size_t *count, char *problem, size_t size)
{
    char **endpoints = list ? s_split (list, count) : NULL;
    if (!endpoints) {
        if (list)
            snprintf (problem, size, "more than %d endpoints", ENDPOINTS_MAX);
        else
            snprintf (problem, size, "no endpoint given");
        return NULL;
    }
    for (size_t index = 0; index < *count; index++)
        if (!*endpoints [index] || (index >= from && !s_endpoint_valid (endpoints [index]))) {
            if (*endpoints [index])
                snprintf (problem, size, "not a valid endpoint: %s", endpoints [index]);
            else
                snprintf (problem, size, "an empty endpoint in the list %s", list);
            s_free_endpoints (&endpoints, *count);
            return NULL;
        }
    return endpoints;
}

int
wb_client_check_endpoints (const char *endpoints, char *problem, size_t size)
{
    size_t count = 0;
    char **checked = s_endpoints (endpoints, 0, &count, problem, size);
    if (!checked)
        return -1;
    s_free_endpoints (&checked, count);
    return 0;
}

// ---------------------------------------------------------------- the client

wb_client_t *
wb_client_new_secure (const char *endpoints, zcert_t *cert, const char *server_key)
{
    if (!endpoints || (cert && !server_key))
        return NULL;
    char problem [PROBLEM_MAX];
    size_t count = 0;
    char **checked = s_endpoints (endpoints, 1, &count, problem, sizeof (problem));
    if (!checked)
        return NULL;
    wb_client_t *self = zmalloc (sizeof (wb_client_t));
    self->endpoints = checked;
    self->endpoint_count = count;
    self->cert = cert ? zcert_dup (cert) : NULL;
    self->server_key = cert ? wb_strdup (server_key) : NULL;
    self->events = zlistx_new ();
    self->next_reference_id = 1;
    zlistx_set_destructor (self->events, s_msg_destructor);
    if (s_connect (self) == -1)
        wb_client_destroy (&self);
    return self;
}

wb_client_t *
wb_client_new (const char *endpoints)
{
    return wb_client_new_secure (endpoints, s_default_cert, s_default_server_key);
}

int
wb_client_set_default_keys (zcert_t *cert, const char *server_key)
{
    if (cert && !server_key)
        return -1;
    zcert_destroy (&s_default_cert);
    zstr_free (&s_default_server_key);
    if (cert) {
        s_default_cert = zcert_dup (cert);
        s_default_server_key = wb_strdup (server_key);
    }
    return 0;
}

void
wb_client_set_watch_handshakes (bool watch)
{
    s_watch_handshakes = watch;
}

void
wb_client_set_watch_connections (bool watch)
{
    s_watch_connections = watch;
}

void
wb_client_destroy (wb_client_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    wb_client_t *self = *self_p;
    s_disconnect (self);
    zlistx_destroy (&self->events);
    zcert_destroy (&self->cert);
    free (self->server_key);
    s_free_endpoints (&self->endpoints, self->endpoint_count);
    free (self);
    *self_p = NULL;
}

int
wb_client_reconnect (wb_client_t *self)
{
    if (!self)
        return -1;
    s_disconnect (self);
    zlistx_purge (self->events);
    return s_connect (self);
}

int
wb_client_move (wb_client_t *self)
{
    if (!self)
        return -1;
    self->current = (self->current + 1) % self->endpoint_count;
    return wb_client_reconnect (self);
}

size_t
wb_client_endpoint_count (const wb_client_t *self)
{
    return self ? self->endpoint_count : 0;
}

// ---------------------------------------------------------------- handshake

/* What a handshake event means: the sentence, and whether it is final. */
typedef struct {
    int event;
    uint32_t value;           /* 0: any value */
    int keys;                 /* 1: when we have keys, 0: when we have none, -1: either */
    bool final;
    const char *text;
} s_verdict_t;

static const s_verdict_t s_verdicts [] = {
    { ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, 0, -1, true,
      "the server refused our key: its authorised-keys folder does not hold our public certificate" },
    { ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH, 0, true,
      "the server requires CURVE security: this client needs its own certificate and the server's public key" },
    { ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH, 1, true,
      "the server does not use CURVE on this endpoint: connect without keys" },
    { ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, 0, 1, true,
      "the CURVE handshake failed: is the server key the server's public certificate?" },
    { ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL, 0, 1, false,
      "the server closed the connection during the CURVE handshake: is the server key the server's public certificate?" },
};

//  Record what one monitor event says about the connection.
static void
s_apply_event (wb_client_t *self, uint16_t event, uint32_t value)
{
    if (event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED) {
        self->problem [0] = 0;
        self->refused = false;
        return;
    }
    if (event == ZMQ_EVENT_DISCONNECTED) {
        self->dropped = true;
        return;
    }
    int keys = self->cert && wb_security_endpoint_is_network (wb_client_endpoint (self));
    for (size_t index = 0; index < WB_COUNT_OF (s_verdicts); index++) {
        const s_verdict_t *verdict = &s_verdicts [index];
        if (verdict->event == event && (!verdict->value || verdict->value == value)
        &&  (verdict->keys == -1 || verdict->keys == keys)) {
            snprintf (self->problem, sizeof (self->problem), "%s", verdict->text);
            self->refused = verdict->final;
            return;
        }
    }
}

//  Read every event the monitor holds.
static void
s_drain_monitor (wb_client_t *self)
{
    while (self->monitor && (zsock_events (self->monitor) & ZMQ_POLLIN)) {
        zmsg_t *event = zmsg_recv (self->monitor);
        zframe_t *head = event ? zmsg_first (event) : NULL;
        if (head && zframe_size (head) == 6) {
            uint16_t number;
            uint32_t value;
            memcpy (&number, zframe_data (head), 2);
            memcpy (&value, zframe_data (head) + 2, 4);
            s_apply_event (self, number, value);
        }
        zmsg_destroy (&event);
    }
}

const char *
wb_client_problem (wb_client_t *self)
{
    if (!self)
        return NULL;
    s_drain_monitor (self);
    return self->problem [0] ? self->problem : NULL;
}

bool
wb_client_dropped (wb_client_t *self)
{
    if (!self)
        return false;
    s_drain_monitor (self);
    bool dropped = self->dropped;
    self->dropped = false;
    return dropped;
}

zsock_t *
wb_client_monitor_socket (wb_client_t *self)
{
    return self ? self->monitor : NULL;
}

zsock_t *
wb_client_socket (wb_client_t *self)
{
    return self ? self->dealer : NULL;
}

const char *
wb_client_endpoint (const wb_client_t *self)
{
    return self ? self->endpoints [self->current] : NULL;
}

void
wb_client_set_observer (wb_client_t *self, wb_client_observer_fn *fn, void *arg)
{
    if (!self)
        return;
    self->observer = fn;
    self->observer_arg = arg;
}

void
wb_client_set_glance (wb_client_t *self, wb_msg_glance_fn *fn, void *arg)
{
    if (self)
        self->glance = (wb_msg_glance_t) { fn, arg };
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
    if (self->observer)
        self->observer (self->observer_arg, true, *request_p);
    return wb_msg_send (request_p, self->dealer) == 0 ? reference_id : -1;
}

//  A message just received, shown to the observer; NULL (one that did not
//  decode, dropped) is counted as malformed.
static wb_msg_t *
s_received (wb_client_t *self, wb_msg_t *msg)
{
    if (!msg)
        self->malformed++;
    else
    if (self->observer)
        self->observer (self->observer_arg, false, msg);
    return msg;
}

wb_msg_t *
wb_client_receive (wb_client_t *self)
{
    if (!self)
        return NULL;
    //  each malformed message is dropped and counted; NULL once none waits
    wb_msg_t *msg = NULL;
    while (wb_msg_try_recv_dealer (self->dealer, &msg, NULL, &self->glance) == 0)
        if (s_received (self, msg))
            return msg;
    return NULL;
}

size_t
wb_client_malformed_count (const wb_client_t *self)
{
    return self ? self->malformed : 0;
}

//  Wait until something can be read or the deadline passes; false if not,
//  as soon as the handshake failed for good (errno ECONNREFUSED), or, when
//  connections are watched, as soon as the connection closed (ECONNRESET:
//  no answer will come; wb_client_dropped then says so once).
static bool
s_wait_readable (wb_client_t *self, int64_t deadline)
{
    while (!(zsock_events (self->dealer) & ZMQ_POLLIN)) {
        s_drain_monitor (self);
        if (self->refused) {
            errno = ECONNREFUSED;
            return false;
        }
        if (self->dropped) {
            errno = ECONNRESET;
            return false;
        }
        int64_t left = deadline - wb_mono_ms ();
        if (left <= 0 || zsys_interrupted)
            return false;
        zmq_pollitem_t items [2] = {
            { zsock_resolve (self->dealer), 0, ZMQ_POLLIN, 0 },
            { self->monitor ? zsock_resolve (self->monitor) : NULL, 0, ZMQ_POLLIN, 0 },
        };
        if (zmq_poll (items, self->monitor ? 2 : 1, (long) left) == -1 && errno != EINTR)
            return false;
    }
    return true;
}

//  The next message that decodes, once one comes before the deadline (one
//  try at least), or NULL. Without a monitor to watch alongside, libzmq
//  waits for it itself: one wait, where zmq_poll and the socket's events
//  asked before and after it cost a getpid and a poll each.
static wb_msg_t *
s_receive_until (wb_client_t *self, int64_t deadline)
{
    while (self->monitor) {
        wb_msg_t *msg = wb_client_receive (self);
        if (msg || !s_wait_readable (self, deadline))
            return msg;
    }
    while (!zsys_interrupted) {
        int64_t left = deadline - wb_mono_ms ();
        left = left < 0 ? 0 : left < INT_MAX ? left : INT_MAX;
        wb_msg_t *msg = NULL;
        if (wb_msg_wait_recv_dealer (self->dealer, (int) left, &msg, NULL, &self->glance) == -1) {
            if (errno == EINTR && left > 0)
                continue;
            return NULL;
        }
        if (s_received (self, msg))
            return msg;
    }
    return NULL;
}

wb_msg_t *
wb_client_request (wb_client_t *self, wb_msg_t **request_p, int timeout_ms)
{
    int64_t reference_id = wb_client_send (self, request_p);
    if (reference_id < 0)
        return NULL;
    int64_t deadline = wb_mono_ms () + timeout_ms;
    wb_msg_t *msg;
    while ((msg = s_receive_until (self, deadline))) {
        if (wb_msg_reference_id (msg) == reference_id)
            return msg;
        if (wb_msg_reference_id (msg) == 0)
            zlistx_add_end (self->events, msg);
        else
            wb_msg_destroy (&msg);  //  a late reply to an abandoned request
    }
    if (!self->refused)
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
    int64_t deadline = wb_mono_ms () + timeout_ms;
    wb_msg_t *msg;
    while ((msg = s_receive_until (self, deadline))) {
        if (wb_msg_reference_id (msg) == 0)
            return msg;
        wb_msg_destroy (&msg);
    }
    return NULL;
}

//  Send one session request and sort its answer: 0, 1 (error) or -1.
static int
s_session_step (wb_client_t *self, wb_msg_t **request_p, int timeout_ms, wb_msg_t **error_reply)
{
    wb_msg_t *reply = wb_client_request (self, request_p, timeout_ms);
    if (!reply)
        return -1;
    if (wb_msg_is (reply, WB_ROW_EVENT_ACK)) {
        wb_msg_destroy (&reply);
        return 0;
    }
    if (error_reply)
        *error_reply = reply;
    else
        wb_msg_destroy (&reply);
    return 1;
}

void
wb_client_set_take_over (wb_client_t *self, bool take_over)
{
    if (self)
        self->take_over = take_over;
}

int
wb_client_open_session (wb_client_t *self, wb_client_type_t client_type, const char *client_name,
                        int64_t tenant_id, const char *agent_id, const char *place_id,
                        int timeout_ms, wb_msg_t **error_reply)
{
    if (error_reply)
        *error_reply = NULL;
    wb_msg_t *request = wb_request_register_client (client_type, client_name);
    int rc = s_session_step (self, &request, timeout_ms, error_reply);
    if (rc != 0 || !agent_id)
        return rc;
    request = wb_request_agent_login (tenant_id, agent_id, place_id);
    if (self->take_over)
        wb_request_set_take_over (request);
    return s_session_step (self, &request, timeout_ms, error_reply);
}
