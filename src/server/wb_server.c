/*  wb_server: the reactor around wb_engine. See wb_server.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <sys/stat.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <poll.h>
#include <sys/un.h>
#include <unistd.h>
#include "wb_server.h"
#include "wb_connection_cap.h"
#include "wb_prelude.h"
#include "wb_engine.h"
#include "wb_security.h"
#include "wb_log_limit.h"
#include "wb_outbound.h"
#include "wb_feed.h"
#include "wb_node.h"

/* How often silent sessions are swept (ms). */
#define EXPIRY_SWEEP_MS 1000
/* Malformed messages logged per peer a second; the rest are summed up. */
#define MALFORMED_LOG_LINES 5
#define MALFORMED_LOG_INTERVAL_MS 1000
/* A peer's name in the log: its routing id's first 32 bytes in hex. */
#define PEER_TEXT_MAX 65
/* A wait longer than the poll's timeout by this much (ms) means the
   reactor did not run (the process was stopped, the machine suspended, a
   commit stalled): that time is not counted as anyone's silence. */
#define STALL_SLACK_MS 1000
/* Messages handled per wake before the pipe and the clock are looked at. */
#define BURST_MAX 1000
/* The most requests whose changes share one store transaction (group
   commit), while more requests are waiting. */
#define GROUP_MAX 64
/* Bytes of waiting messages handed to libzmq between two requests read:
   the sends of a big fan-out are spread over many passes, so that the
   other clients' requests are read (and answered) in between. */
#define PUMP_BUDGET (2u << 20)
/* How soon the reactor looks again at messages waiting for clients whose
   libzmq queues were full (ms): for clients that read, and for clients
   that have read nothing lately. */
#define PUMP_RETRY_MS 1
#define PUMP_STALLED_MS 50
/* While more than this waits for clients that read, a request that may
   notify subscribers (a change) is held back, and so is every later
   request of its client: a big fan-out goes out at the pace its readers
   take it (rather than pile up until they are dropped as too slow), while
   the other clients' requests are answered at once. */
#define PRESSURE_MAX (32u << 20)
/* Requests held back, in bytes: past this, the reactor reads nothing
   until the pressure is off. */
#define HELD_BACK_MAX (64u << 20)
/* Allocations from this size on get their own mapping. Fixed, so that
   glibc does not raise it after each big free; above the largest event
   and page, so that their copies (allocated here, freed by libzmq's I/O
   thread) reuse the heap instead of paying a mapping and its page faults
   each: wb_outbound's sweep gives the heap back (malloc_trim). */
#define MMAP_THRESHOLD (8 << 20)
/* Free memory at the top of the heap kept after a free, rather than given
   back at once (glibc's 128 KiB): a page's reply and its copy, freed each
   request, would otherwise be given back and faulted in again every time.
   The sweep gives back what is left (malloc_trim). */
#define TRIM_THRESHOLD (16 << 20)
/* Pending connections the kernel queues for us: a reconnect storm of a
   thousand clients fits, instead of being refused and retried later. */
#define LISTEN_BACKLOG 1024
/* ZMTP heartbeats (ms): only to find dead connections, so rare; the
   application's ping and the session timeout are the liveness rule. No
   TTL is sent: a client's libzmq would drop a connection it had heard
   nothing on for that long, and one that stops reading (its queue full)
   hears nothing; after such a drop, libzmq aborts the client at its next
   read of the old queue (libzmq issue 3937). */
#define HEARTBEAT_IVL 30000
#define HEARTBEAT_TIMEOUT 90000
/* A connection that has not finished its ZMTP handshake after this long
   (ms) is closed: a silent one holds a descriptor and a place under the
   connection cap, and must give both back soon (libzmq's default: 30 s). */
#define HANDSHAKE_IVL 5000

/* The file of an ipc:// endpoint as bound, to remove it at the end only
   if it is still ours (a later server may have bound the same path). */
typedef struct {
    bool bound;
    dev_t device;
    ino_t inode;
} s_socket_file_t;

struct _wb_server_t {
    zsock_t *router;
    wb_directory_t *directory;
    wb_store_t *store;
    wb_engine_t *engine;
    wb_feed_t *feed;            /* other nodes' changes; NULL on one node */
    wb_node_t *node;            /* this node in the site; NULL on one node */
    zlistx_t *endpoints;        /* resolved endpoint strings */
    s_socket_file_t files [WB_ENDPOINTS_MAX];   /* by endpoint, for ipc:// */
    zcert_t *cert;              /* CURVE on network endpoints; NULL: none */
    char *authorized_keys;      /* their folder, to re-check a key; NULL: none */
    zactor_t *auth;             /* zauth, checking client keys */
    size_t grouped;             /* requests in the open group commit; 0: none */
    wb_log_limit_t *malformed_log;  /* lines about malformed messages */
    wb_outbound_t *outbound;    /* each client's queue, bounded in bytes */
    zlistx_t *held_back;        /* s_received_t held back, in order */
    zhashx_t *held_peers;       /* how many each client has held back, by routing id (hex) */
    size_t held_bytes;
    struct s_received_t *ahead; /* read to know that one more waits, not yet handled */
    size_t send_bytes;          /* the most bytes queued per client */
    wb_connection_cap_t *connection_cap;    /* closes connections over the cap */
    int64_t last_tick;          /* monotonic ms the reactor last ran */
    int64_t stalled_ms;         /* time it did not run, taken off its clock */
    bool verbose;
};

/* A message as received: its sender, and what decoding made of it. */
typedef struct s_received_t {
    zframe_t *routing_id;
    wb_msg_t *msg;              /* NULL if it could not be decoded */
    wb_codec_status_t status;
    int64_t reference_id;
    char *sender_agent;         /* the agent its sender's key is bound to */
    char *sender_key;           /* its CURVE public key (Z85), or NULL on a plain endpoint */
    bool authorised;            /* the key is still in the authorised-keys folder */
    size_t size;
} s_received_t;

static void
s_received_destroy (s_received_t **received_p)
{
    s_received_t *received = *received_p;
    if (!received)
        return;
    zframe_destroy (&received->routing_id);
    wb_msg_destroy (&received->msg);
    zstr_free (&received->sender_agent);
    zstr_free (&received->sender_key);
    free (received);
    *received_p = NULL;
}

/* zauth serves the whole process (one ZAP handler a context): at most one
   secured server at a time. */
static atomic_flag s_auth_taken = ATOMIC_FLAG_INIT;

//  The engine's send function: never blocks (ROUTER_MANDATORY, SNDTIMEO 0),
//  and keeps each client's queue within its bytes (wb_outbound).
static int
s_send (void *context, wb_msg_t **msg_p)
{
    wb_server_t *self = context;
    if (!msg_p || !*msg_p)
        return -1;
    if (self->verbose) {
        char line [512];
        wb_msg_print (*msg_p, line, sizeof (line));
        zsys_debug ("send %s", line);
    }
    int rc = wb_outbound_send (self->outbound, *msg_p);
    int error = errno;
    wb_msg_destroy (msg_p);
    errno = error;
    return rc;
}

//  The engine's fan-out: one event encoded once for all its recipients.
static void
s_send_many (void *context, wb_msg_t *event, zframe_t **routing_ids, const int64_t *sequences,
             int *errors, size_t count)
{
    wb_server_t *self = context;
    if (self->verbose) {
        char line [512];
        wb_msg_print (event, line, sizeof (line));
        zsys_debug ("send to %zu peer(s) %s", count, line);
    }
    wb_outbound_send_many (self->outbound, event, routing_ids, sequences, errors, count);
}

//  The messages queued per client (ZMQ_SNDHWM, and as many waiting in
//  wb_outbound).
static int
s_send_queue (const wb_server_options_t *options)
{
    return options->send_queue > 0 ? options->send_queue : 10000;
}

//  A peer in the log: its routing id in hex, the first 32 bytes of it.
static void
s_peer_text (zframe_t *routing_id, char peer [PEER_TEXT_MAX])
{
    const byte *data = zframe_data (routing_id);
    size_t size = zframe_size (routing_id) < 32 ? zframe_size (routing_id) : 32;
    for (size_t index = 0; index < size; index++)
        snprintf (peer + index * 2, 3, "%02x", data [index]);
    peer [size * 2] = 0;
}

//  Sums up the malformed messages of a peer not logged one by one.
static void
s_report_malformed (void *context, const char *peer, size_t suppressed)
{
    (void) context;
    zsys_warning ("%zu more malformed message(s) from %s suppressed", suppressed, peer);
}

//  Set the ROUTER's options; before binding, as the backlog needs.
static void
s_configure_router (zsock_t *router, const wb_server_options_t *options)
{
    zsock_set_router_mandatory (router, 1);
    zsock_set_sndhwm (router, s_send_queue (options));
    zsock_set_sndtimeo (router, 0);
    zsock_set_linger (router, 0);
    zsock_set_maxmsgsize (router, (int64_t) WB_BODY_MAX + 4096);
    zsock_set_backlog (router, LISTEN_BACKLOG);
    zsock_set_heartbeat_ivl (router, HEARTBEAT_IVL);
    zsock_set_heartbeat_timeout (router, HEARTBEAT_TIMEOUT);
    zsock_set_handshake_ivl (router, HANDSHAKE_IVL);
}

//  The socket file of an ipc:// endpoint; NULL for other transports and
//  for Linux's abstract names (ipc://@name), which have none.
static const char *
s_socket_path (const char *endpoint)
{
    if (strncmp (endpoint, "ipc://", 6) != 0 || endpoint [6] == '@' || !endpoint [6])
        return NULL;
    return endpoint + 6;
}

//  Note which file an endpoint just bound, if it has one.
static void
s_remember_file (s_socket_file_t *file, const char *endpoint)
{
    struct stat status;
    const char *path = s_socket_path (endpoint);
    file->bound = path && stat (path, &status) == 0;
    if (file->bound) {
        file->device = status.st_dev;
        file->inode = status.st_ino;
    }
}

//  True if a live server listens on the socket file of an ipc:// endpoint:
//  binding would unlink its file and take the endpoint from it silently
//  (libzmq does), whereas a stale file left by a killed server refuses
//  the connection and may be replaced.
static bool
s_socket_file_live (const char *endpoint)
{
    const char *path = s_socket_path (endpoint);
    struct sockaddr_un address = { .sun_family = AF_UNIX };
    struct stat status;
    if (!path || strlen (path) >= sizeof (address.sun_path)
    ||  stat (path, &status) == -1 || !S_ISSOCK (status.st_mode))
        return false;
    strcpy (address.sun_path, path);
    int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    bool live = fd >= 0 && connect (fd, (struct sockaddr *) &address, sizeof (address)) == 0;
    if (fd >= 0)
        close (fd);
    return live;
}

//  Bind every endpoint and remember what was really bound.
static int
s_bind (wb_server_t *self, const wb_server_options_t *options, char *error, size_t error_size)
{
    const char *fallback [] = { WB_DEFAULT_ENDPOINT, NULL };
    const char *const *endpoints = options->endpoints [0] ? options->endpoints : fallback;
    for (size_t index = 0; index < WB_ENDPOINTS_MAX && endpoints [index]; index++) {
        //  a listener takes the socket's security as it is at bind time;
        //  the keys set the mechanism, so curve_server comes last
        bool curve = self->cert && wb_security_endpoint_is_network (endpoints [index]);
        if (curve)
            zcert_apply (self->cert, self->router);
        zsock_set_curve_server (self->router, curve);
        if (s_socket_file_live (endpoints [index])) {
            snprintf (error, error_size, "cannot bind %s: another server is serving on it",
                      endpoints [index]);
            return -1;
        }
        if (zsock_bind (self->router, "%s", endpoints [index]) == -1) {
            snprintf (error, error_size, "cannot bind %s: %s", endpoints [index],
                      zmq_strerror (zmq_errno ()));
            return -1;
        }
        char *last = zsock_last_endpoint (self->router);
        zlistx_add_end (self->endpoints, last ? last : (char *) endpoints [index]);
        s_remember_file (&self->files [index], zlistx_last (self->endpoints));
        zstr_free (&last);
    }
    return 0;
}

//  Unbind every endpoint, and remove the socket file of each ipc://
//  endpoint that is still the one we bound: libzmq 4.3 leaves it behind.
static void
s_unbind (wb_server_t *self)
{
    if (!self->router)
        return;
    size_t index = 0;
    for (const char *endpoint = zlistx_first (self->endpoints); endpoint;
         endpoint = zlistx_next (self->endpoints), index++) {
        zsock_unbind (self->router, "%s", endpoint);
        struct stat status;
        const s_socket_file_t *file = &self->files [index];
        const char *path = s_socket_path (endpoint);
        if (file->bound && stat (path, &status) == 0
        &&  status.st_dev == file->device && status.st_ino == file->inode)
            unlink (path);
    }
}

//  Load the server's certificate and start zauth on the authorised keys.
static int
s_secure (wb_server_t *self, const wb_server_options_t *options, char *error, size_t error_size)
{
    if (!options->cert_path && !options->authorized_keys)
        return 0;
    if (!options->cert_path || !options->authorized_keys) {
        snprintf (error, error_size, "CURVE needs both the server's certificate and "
                  "the authorised-keys folder");
        return -1;
    }
    int keys = wb_security_count_keys (options->authorized_keys, error, error_size);
    if (keys < 0)
        return -1;
    self->cert = wb_security_load_secret (options->cert_path, error, error_size);
    if (!self->cert)
        return -1;
    if (atomic_flag_test_and_set (&s_auth_taken)) {
        snprintf (error, error_size, "only one CURVE-secured server can run in a process");
        zcert_destroy (&self->cert);
        return -1;
    }
    self->authorized_keys = strdup (options->authorized_keys);
    self->auth = zactor_new (zauth, NULL);
    if (options->verbose) {
        zstr_sendx (self->auth, "VERBOSE", NULL);
        zsock_wait (self->auth);
    }
    zstr_sendx (self->auth, "CURVE", options->authorized_keys, NULL);
    zsock_wait (self->auth);
    zsys_info ("CURVE on network endpoints: server key %s, %d authorised key(s) in %s",
               zcert_public_txt (self->cert), keys, options->authorized_keys);
    return 0;
}

// ---------------------------------------------------------------- the change feed

static void
s_feed_change (void *context, const char *type_id, const char *owner_id, int64_t version,
               const wb_kvlist_t *body)
{
    wb_engine_remote_change (((wb_server_t *) context)->engine, type_id, owner_id, version, body);
}

static void
s_feed_lost (void *context, const char *type_id, const char *owner_id)
{
    wb_engine_remote_lost (((wb_server_t *) context)->engine, type_id, owner_id);
}

static bool
s_feed_wanted (void *context, const char *type_id, const char *owner_id)
{
    return wb_engine_remote_wanted (((wb_server_t *) context)->engine, type_id, owner_id);
}

//  On a store shared by several nodes, read the others' changes; 0, or
//  -1 with error filled.
static int
s_feed_open (wb_server_t *self, const wb_server_options_t *options, char *error,
             size_t error_size)
{
    static const wb_feed_callbacks_t callbacks = { s_feed_change, s_feed_lost, s_feed_wanted };
    if (!wb_store_logs_changes (self->store))
        return 0;
    self->node = wb_node_new (options->store_uri, options->directory_path, error, error_size);
    if (!self->node)
        return -1;
    wb_engine_set_node (self->engine, self->node);
    self->feed = wb_feed_new (self->store, options->store_uri, &callbacks, self,
                              error, error_size);
    wb_engine_set_feed (self->engine, self->feed);
    return self->feed ? 0 : -1;
}

wb_server_t *
wb_server_new (const wb_server_options_t *options, char *error, size_t error_size)
{
    wb_server_t *self = zmalloc (sizeof (wb_server_t));
    self->verbose = options->verbose;
    self->send_bytes = options->send_bytes > 0 ? (size_t) options->send_bytes
                                               : WB_SEND_BYTES_DEFAULT;
#ifdef __GLIBC__
    mallopt (M_MMAP_THRESHOLD, MMAP_THRESHOLD);
    mallopt (M_TRIM_THRESHOLD, TRIM_THRESHOLD);
#endif
    self->endpoints = zlistx_new ();
    zlistx_set_duplicator (self->endpoints, (czmq_duplicator *) strdup);
    zlistx_set_destructor (self->endpoints, (czmq_destructor *) zstr_free);
    if (s_secure (self, options, error, error_size) == 0)
        self->directory = wb_directory_load (options->directory_path, error, error_size);
    if (self->directory)
        self->store = wb_store_open (options->store_uri, error, error_size);
    if (self->store)
        self->engine = wb_engine_new (self->directory, self->store, s_send, self);
    if (self->engine)
        wb_engine_set_send_many (self->engine, s_send_many);
    if (self->engine && s_feed_open (self, options, error, error_size))
        wb_engine_destroy (&self->engine);
    if (self->engine && options->page_cap
    &&  wb_engine_set_page_cap (self->engine, options->page_cap)) {
        snprintf (error, error_size, "page cap %" PRId64 " is outside %d..%d",
                  options->page_cap, WB_PAGE_CAP_MIN, WB_PAGE_CAP_MAX);
        wb_engine_destroy (&self->engine);
    }
    if (self->engine && options->page_cache_bytes)
        wb_engine_set_page_cache (self->engine, options->page_cache_bytes > 0
                                                ? (size_t) options->page_cache_bytes : 0);
    if (self->engine) {
        self->malformed_log = wb_log_limit_new (MALFORMED_LOG_LINES, MALFORMED_LOG_INTERVAL_MS,
                                                s_report_malformed, NULL);
        wb_engine_set_session_timeout (self->engine, options->session_timeout_ms);
        self->router = zsock_new (ZMQ_ROUTER);
        s_configure_router (self->router, options);
        self->outbound = wb_outbound_new (self->router, self->send_bytes,
                                          (size_t) s_send_queue (options));
        self->held_back = zlistx_new ();
        self->held_peers = zhashx_new ();
        self->connection_cap = wb_connection_cap_new (self->router, options->max_connections,
                                                      error, error_size);
        if (self->connection_cap && s_bind (self, options, error, error_size) == 0)
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
    wb_feed_destroy (&self->feed);
    wb_node_destroy (&self->node);
    wb_log_limit_destroy (&self->malformed_log);
    wb_outbound_destroy (&self->outbound);
    for (s_received_t *held = self->held_back ? zlistx_first (self->held_back) : NULL; held;
         held = zlistx_next (self->held_back))
        s_received_destroy (&held);
    zlistx_destroy (&self->held_back);
    s_received_destroy (&self->ahead);
    zhashx_destroy (&self->held_peers);
    s_unbind (self);
    wb_connection_cap_destroy (&self->connection_cap);
    zsock_destroy (&self->router);
    wb_store_destroy (&self->store);
    wb_directory_destroy (&self->directory);
    zlistx_destroy (&self->endpoints);
    if (self->auth) {
        zactor_destroy (&self->auth);
        atomic_flag_clear (&s_auth_taken);
    }
    zcert_destroy (&self->cert);
    free (self->authorized_keys);
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

//  The reactor's clock for session expiry: monotonic time less the time
//  the reactor did not run. Silence is measured only while it could read,
//  so that after a pause it reads what arrived before judging anyone.
static int64_t
s_now (wb_server_t *self)
{
    int64_t now = wb_mono_ms ();
    int64_t gap = now - self->last_tick;
    if (self->last_tick && gap > EXPIRY_SWEEP_MS + STALL_SLACK_MS) {
        self->stalled_ms += gap - EXPIRY_SWEEP_MS;
        zsys_warning ("the server did not run for %" PRId64 " ms (stopped or suspended?): "
                      "not counted as the clients' silence", gap);
    }
    self->last_tick = now;
    return now - self->stalled_ms;
}

int
wb_server_connections_served (const wb_server_t *self)
{
    return self ? wb_connection_cap_value (self->connection_cap) : 0;
}

//  False if msg opens a session (register, login) with a CURVE key that
//  is no longer in the authorised-keys folder: zauth checks a key only
//  when its connection is made, so a key removed since is caught here.
static bool
s_still_authorised (wb_server_t *self, const wb_msg_t *msg, const char *key)
{
    if (!key || !*key || !self->authorized_keys || !msg
    ||  !(wb_msg_is (msg, WB_ROW_REQUEST_REGISTER_CLIENT)
          || wb_msg_is (msg, WB_ROW_REQUEST_AGENT_LOGIN)))
        return true;
    return wb_security_key_authorised (self->authorized_keys, key);
}

//  Take a message off the socket if one waits now: false if none does,
//  else true with *received_p the message (NULL if it came without a
//  routing id) as wb_msg_recv decodes it, with the agent its sender's key
//  is bound to: libzmq puts the ZAP metadata on the message's frames, but
//  not on the routing id of a message that a poll prefetched, so it is
//  read from the first frame after the routing id. One receive, which
//  may find nothing, where asking ZMQ_EVENTS first would cost a getpid
//  and a poll each time.
static bool
s_recv (wb_server_t *self, s_received_t **received_p)
{
    wb_msg_frames_t frames;
    *received_p = NULL;
    if (wb_msg_frames_try_recv (&frames, self->router))
        return false;
    s_received_t *received = wb_calloc (1, sizeof (s_received_t));
    received->routing_id = wb_msg_frames_routing_id (&frames);
    received->size = frames.content_size;
    zmq_msg_t *first = wb_msg_frames_first (&frames);
    const char *agent = first ? zmq_msg_gets (first, WB_SECURITY_AGENT_ID) : NULL;
    received->sender_agent = agent ? strdup (agent) : NULL;
    const char *key = first ? zmq_msg_gets (first, WB_SECURITY_USER_ID) : NULL;
    received->sender_key = key ? strdup (key) : NULL;
    received->msg = wb_msg_frames_decode (&frames, &received->status, &received->reference_id);
    received->authorised = s_still_authorised (self, received->msg, key);
    if (received->msg)
        wb_msg_set_routing_id (received->msg, received->routing_id);
    wb_msg_frames_close (&frames);
    if (!received->routing_id)
        s_received_destroy (&received);
    *received_p = received;
    return true;
}

//  How many requests a client has held back.
static size_t
s_held_count (wb_server_t *self, zframe_t *routing_id)
{
    char buffer [WB_ROUTING_KEY_MAX];
    const char *key = wb_outbound_routing_key (routing_id, buffer);
    return key ? (size_t) (uintptr_t) zhashx_lookup (self->held_peers, key) : 0;
}

//  Count one more or one fewer request held back for a client.
static void
s_held_count_add (wb_server_t *self, zframe_t *routing_id, int delta)
{
    char buffer [WB_ROUTING_KEY_MAX];
    const char *key = wb_outbound_routing_key (routing_id, buffer);
    if (!key)
        return;
    size_t count = (size_t) (uintptr_t) zhashx_lookup (self->held_peers, key) + (size_t) delta;
    if (count)
        zhashx_update (self->held_peers, key, (void *) (uintptr_t) count);
    else
        zhashx_delete (self->held_peers, key);
}

//  True if the clients' queues are under pressure.
static bool
s_pressed (wb_server_t *self)
{
    return wb_outbound_pressed (self->outbound, PRESSURE_MAX);
}

//  Hold a request back if it may notify subscribers while the queues are
//  under pressure, or if its client already has one held back (its
//  requests are answered in order); true if it was.
static bool
s_hold_back (wb_server_t *self, s_received_t **received_p)
{
    s_received_t *received = *received_p;
    if (!s_held_count (self, received->routing_id)
    &&  !(received->msg && wb_engine_may_notify (wb_msg_spec (received->msg)) && s_pressed (self)))
        return false;
    zlistx_add_end (self->held_back, received);
    s_held_count_add (self, received->routing_id, 1);
    self->held_bytes += received->size;
    *received_p = NULL;
    return true;
}

//  The message read ahead (s_more_waiting), else one off the socket, as
//  s_recv.
static bool
s_take (wb_server_t *self, s_received_t **received_p)
{
    if (!self->ahead)
        return s_recv (self, received_p);
    *received_p = self->ahead;
    self->ahead = NULL;
    return true;
}

//  The next message to handle: the oldest held back once the pressure is
//  off, else one from the socket (unless too much is held back already);
//  NULL if none may be handled now.
static s_received_t *
s_next_message (wb_server_t *self)
{
    while (true) {
        if (zlistx_size (self->held_back) && !s_pressed (self)) {
            s_received_t *received = zlistx_first (self->held_back);
            zlistx_detach_cur (self->held_back);
            s_held_count_add (self, received->routing_id, -1);
            self->held_bytes -= received->size;
            return received;
        }
        s_received_t *received = NULL;
        if (self->held_bytes >= HELD_BACK_MAX || !s_take (self, &received))
            return NULL;
        if (received && !s_hold_back (self, &received))
            return received;
    }
}

//  True if another message could be handled right after this one: one
//  held back that may go, or one on the socket, read ahead to know.
static bool
s_more_waiting (wb_server_t *self)
{
    if (zlistx_size (self->held_back) && !s_pressed (self))
        return true;
    while (!self->ahead)
        if (!s_recv (self, &self->ahead))
            return false;
    return true;
}

//  Group commit: when another message waits behind the one just received,
//  open a batch (if none is open) so that their changes share a commit.
static void
s_group_open (wb_server_t *self, bool more)
{
    if (more && !self->grouped && wb_engine_batch_begin (self->engine) == 0)
        self->grouped = 1;
    else
    if (self->grouped)
        self->grouped++;
}

//  Close the open batch, if any: one commit, then its replies and events.
static void
s_group_close (wb_server_t *self)
{
    if (!self->grouped)
        return;
    self->grouped = 0;
    wb_engine_batch_end (self->engine);
}

//  Handle one message; false when none may be handled now. A batch ends
//  once GROUP_MAX requests are in it or no other message waits.
static bool
s_handle_one (wb_server_t *self)
{
    s_received_t *received = s_next_message (self);
    if (!received)
        return false;
    bool more = s_more_waiting (self);
    s_group_open (self, more);
    int64_t now = s_now (self);
    wb_engine_set_sender_agent (self->engine, received->sender_agent);
    wb_engine_set_sender_key (self->engine, received->routing_id, received->sender_key,
                              received->authorised);
    if (received->msg) {
        if (self->verbose) {
            char line [512];
            wb_msg_print (received->msg, line, sizeof (line));
            zsys_debug ("recv %s", line);
        }
        wb_engine_handle (self->engine, received->routing_id, &received->msg, now);
    }
    else
    if (received->routing_id) {
        char peer [PEER_TEXT_MAX];
        s_peer_text (received->routing_id, peer);
        if (wb_log_limit_allow (self->malformed_log, peer, now))
            zsys_warning ("malformed message from %s: %s", peer,
                          wb_codec_status_text (received->status));
        wb_engine_handle_malformed (self->engine, received->routing_id, received->status,
                                    received->reference_id, now);
    }
    s_received_destroy (&received);
    if (!more || self->grouped >= GROUP_MAX || wb_engine_batch_full (self->engine))
        s_group_close (self);
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

//  True if a message waits on a socket: asking processes the commands
//  libzmq's threads sent it, which also clears its ZMQ_FD until the next.
static bool
s_readable (zsock_t *socket)
{
    return (zsock_events (socket) & ZMQ_POLLIN) != 0;
}

//  Wait for the router, the pipe (if any) and the change feed's
//  connection (if any); false when interrupted (the process is asked to
//  stop), else *stop says whether the pipe asked to. The sockets are
//  asked once whether a message waits; then poll(2) waits on their
//  ZMQ_FD, which becomes readable at what comes after that (zmq_poll
//  would ask each socket again before and after, and poll twice).
static bool
s_wait (wb_server_t *self, zsock_t *pipe, int timeout, bool *stop)
{
    *stop = false;
    bool pipe_readable = pipe && s_readable (pipe);
    if (self->ahead || pipe_readable || s_readable (self->router))
        timeout = 0;
    struct pollfd fds [3] = { { zsock_fd (self->router), POLLIN, 0 } };
    nfds_t count = 1, pipe_index = 0;
    if (pipe) {
        fds [count] = (struct pollfd) { zsock_fd (pipe), POLLIN, 0 };
        pipe_index = count++;
    }
    if (wb_feed_socket (self->feed) >= 0)
        fds [count++] = (struct pollfd) { wb_feed_socket (self->feed), POLLIN, 0 };
    if (timeout > 0 && poll (fds, count, timeout) == -1)
        return errno == EINTR && !zsys_interrupted;
    if (pipe_readable || (pipe_index && (fds [pipe_index].revents & POLLIN) && s_readable (pipe)))
        *stop = s_pipe_says_stop (pipe);
    return true;
}

int
wb_server_run (wb_server_t *self, zsock_t *pipe)
{
    int64_t next_sweep = s_now (self) + EXPIRY_SWEEP_MS;
    int timeout = EXPIRY_SWEEP_MS;
    while (true) {
        bool stop = false;
        if (!s_wait (self, pipe, timeout, &stop) || stop || zsys_interrupted)
            break;
        s_now (self);
        //  each request read, then a share of what waits to be sent
        for (int count = 0; count < BURST_MAX && s_handle_one (self); count++)
            wb_outbound_pump (self->outbound, PUMP_BUDGET);
        s_group_close (self);
        //  the other nodes' changes, outside any group commit
        wb_feed_ready (self->feed);
        wb_outbound_pump (self->outbound, PUMP_BUDGET);
        //  while messages wait for clients that read, or requests are held
        //  back, look again soon: libzmq writes meanwhile
        timeout = zlistx_size (self->held_back) || wb_outbound_pressed (self->outbound, 0)
                ? PUMP_RETRY_MS
                : wb_outbound_waiting (self->outbound) ? PUMP_STALLED_MS : EXPIRY_SWEEP_MS;
        if (s_now (self) >= next_sweep) {
            wb_log_limit_flush (self->malformed_log, wb_mono_ms ());
            size_t expired = wb_engine_expire (self->engine, s_now (self));
            if (expired)
                zsys_info ("expired %zu silent session(s)", expired);
            wb_outbound_sweep (self->outbound);
            wb_feed_tick (self->feed, wb_mono_ms ());
            wb_node_tick (self->node, wb_mono_ms ());
            next_sweep = s_now (self) + EXPIRY_SWEEP_MS;
        }
    }
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
