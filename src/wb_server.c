/*  wb_server: the reactor around wb_engine. See wb_server.h. */
#include <errno.h>
#include <inttypes.h>
#include "wb_server.h"
#include "wb_engine.h"

/* How often silent sessions are swept (ms). */
#define EXPIRY_SWEEP_MS 1000
/* Messages handled per wake before the pipe and the clock are looked at. */
#define BURST_MAX 1000

struct _wb_server_t {
    zsock_t *router;
    wb_directory_t *directory;
    wb_store_t *store;
    wb_engine_t *engine;
    zlistx_t *endpoints;        /* resolved endpoint strings */
    bool verbose;
};

//  The engine's send function: never blocks (ROUTER_MANDATORY, SNDTIMEO 0).
static int
s_send (void *context, wb_msg_t **msg_p)
{
    wb_server_t *self = context;
    if (self->verbose) {
        char line [512];
        wb_msg_print (*msg_p, line, sizeof (line));
        zsys_debug ("send %s", line);
    }
    return wb_msg_send (msg_p, self->router);
}

static void
s_configure_router (zsock_t *router, const wb_server_options_t *options)
{
    zsock_set_router_mandatory (router, 1);
    zsock_set_sndhwm (router, options->send_queue > 0 ? options->send_queue : 10000);
    zsock_set_sndtimeo (router, 0);
    zsock_set_linger (router, 0);
    zsock_set_maxmsgsize (router, (int64_t) WB_BODY_MAX + 4096);
    zsock_set_heartbeat_ivl (router, 5000);
    zsock_set_heartbeat_timeout (router, 15000);
    zsock_set_heartbeat_ttl (router, 15000);
}

//  Bind every endpoint and remember what was really bound.
static int
s_bind (wb_server_t *self, const wb_server_options_t *options, char *error, size_t error_size)
{
    const char *fallback [] = { WB_DEFAULT_ENDPOINT, NULL };
    const char *const *endpoints = options->endpoints [0] ? options->endpoints : fallback;
    for (size_t index = 0; index < WB_ENDPOINTS_MAX && endpoints [index]; index++) {
        if (zsock_bind (self->router, "%s", endpoints [index]) == -1) {
            snprintf (error, error_size, "cannot bind %s: %s", endpoints [index],
                      zmq_strerror (zmq_errno ()));
            return -1;
        }
        char *last = zsock_last_endpoint (self->router);
        zlistx_add_end (self->endpoints, last ? last : (char *) endpoints [index]);
        zstr_free (&last);
    }
    return 0;
}

wb_server_t *
wb_server_new (const wb_server_options_t *options, char *error, size_t error_size)
{
    wb_server_t *self = zmalloc (sizeof (wb_server_t));
    self->verbose = options->verbose;
    self->endpoints = zlistx_new ();
    zlistx_set_duplicator (self->endpoints, (czmq_duplicator *) strdup);
    zlistx_set_destructor (self->endpoints, (czmq_destructor *) zstr_free);
    self->directory = wb_directory_load (options->directory_path, error, error_size);
    if (self->directory)
        self->store = wb_store_open_sqlite (options->database_path, options->synchronous_full,
                                            error, error_size);
    if (self->store)
        self->engine = wb_engine_new (self->directory, self->store, s_send, self);
    if (self->engine && options->page_cap
    &&  wb_engine_set_page_cap (self->engine, options->page_cap)) {
        snprintf (error, error_size, "page cap %" PRId64 " is outside %d..%d",
                  options->page_cap, WB_PAGE_CAP_MIN, WB_PAGE_CAP_MAX);
        wb_engine_destroy (&self->engine);
    }
    if (self->engine) {
        wb_engine_set_session_timeout (self->engine, options->session_timeout_ms);
        self->router = zsock_new (ZMQ_ROUTER);
        s_configure_router (self->router, options);
        if (s_bind (self, options, error, error_size) == 0)
            return self;
    }
    wb_server_destroy (&self);
    return NULL;
}

void
wb_server_destroy (wb_server_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    wb_server_t *self = *self_p;
    wb_engine_destroy (&self->engine);
    zsock_destroy (&self->router);
    wb_store_destroy (&self->store);
    wb_directory_destroy (&self->directory);
    zlistx_destroy (&self->endpoints);
    free (self);
    *self_p = NULL;
}

const char *
wb_server_endpoint (wb_server_t *self, size_t index)
{
    if (!self)
        return NULL;
    const char *endpoint = zlistx_first (self->endpoints);
    while (endpoint && index--)
        endpoint = zlistx_next (self->endpoints);
    return endpoint;
}

//  Receive and handle one message; false when nothing was waiting.
static bool
s_handle_one (wb_server_t *self)
{
    if (!(zsock_events (self->router) & ZMQ_POLLIN))
        return false;
    wb_codec_status_t status;
    int64_t reference_id = 0;
    zframe_t *routing_id = NULL;
    wb_msg_t *msg = wb_msg_recv (self->router, &status, &reference_id, &routing_id);
    int64_t now = zclock_mono ();
    if (msg) {
        if (self->verbose) {
            char line [512];
            wb_msg_print (msg, line, sizeof (line));
            zsys_debug ("recv %s", line);
        }
        wb_engine_handle (self->engine, routing_id, &msg, now);
    }
    else
    if (routing_id) {
        zsys_warning ("malformed message: %s", wb_codec_status_text (status));
        wb_engine_handle_malformed (self->engine, routing_id, status, reference_id, now);
    }
    zframe_destroy (&routing_id);
    return true;
}

//  True if the pipe asked us to stop.
static bool
s_pipe_says_stop (zsock_t *pipe)
{
    char *command = zstr_recv (pipe);
    bool stop = !command || streq (command, "$TERM");
    zstr_free (&command);
    return stop;
}

int
wb_server_run (wb_server_t *self, zsock_t *pipe)
{
    zpoller_t *poller = zpoller_new (self->router, pipe, NULL);
    int64_t next_sweep = zclock_mono () + EXPIRY_SWEEP_MS;
    while (true) {
        void *which = zpoller_wait (poller, EXPIRY_SWEEP_MS);
        if (zpoller_terminated (poller))
            break;
        if (which == pipe && pipe && s_pipe_says_stop (pipe))
            break;
        for (int count = 0; count < BURST_MAX && s_handle_one (self); count++)
            ;
        if (zclock_mono () >= next_sweep) {
            size_t expired = wb_engine_expire (self->engine, zclock_mono ());
            if (expired)
                zsys_info ("expired %zu silent session(s)", expired);
            next_sweep = zclock_mono () + EXPIRY_SWEEP_MS;
        }
    }
    zpoller_destroy (&poller);
    return 0;
}

void
wb_server_actor (zsock_t *pipe, void *args)
{
    char error [512] = "";
    wb_server_t *self = wb_server_new ((const wb_server_options_t *) args, error, sizeof (error));
    zsock_signal (pipe, 0);
    if (!self) {
        zstr_sendf (pipe, "error: %s", error);
        //  wait for $TERM, as an actor must
        char *command = zstr_recv (pipe);
        zstr_free (&command);
        return;
    }
    zstr_send (pipe, wb_server_endpoint (self, 0));
    wb_server_run (self, pipe);
    wb_server_destroy (&self);
}
