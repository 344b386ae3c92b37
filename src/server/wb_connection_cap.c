/*  wb_connection_cap: bound a ROUTER's connections. See wb_connection_cap.h. */
#include <inttypes.h>
#include <limits.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include "wb_connection_cap.h"

/* At most one log line about refused connections this often (ms). */
#define S_REFUSAL_LOG_MS 10000

struct _wb_connection_cap_t {
    zsock_t *router;            /* watched, not owned */
    zactor_t *watcher;
    int cap;
};

/* What the watcher thread is told, and keeps. */
typedef struct {
    char endpoint [64];         /* the monitor's inproc endpoint */
    int cap;
    int open;                   /* connections now: accepted less disconnected */
    size_t refused;             /* shut down over the cap, since the last log */
    int64_t logged;             /* monotonic ms of that log; 0: none yet */
} s_watch_t;

int
wb_connection_cap_most (void)
{
    struct rlimit limit;
    if (getrlimit (RLIMIT_NOFILE, &limit) == -1 || limit.rlim_cur == RLIM_INFINITY
    ||  limit.rlim_cur > (rlim_t) INT_MAX)
        return INT_MAX / 2;
    int usable = (int) limit.rlim_cur - WB_CONNECTION_FD_RESERVE;
    return usable > 2 ? usable / 2 : 1;
}

//  Say that connections were refused: at once the first time, then at
//  most every S_REFUSAL_LOG_MS with how many since.
static void
s_log_refusals (s_watch_t *watch)
{
    int64_t now = zclock_mono ();
    if (!watch->refused || (watch->logged && now - watch->logged < S_REFUSAL_LOG_MS))
        return;
    zsys_warning ("refused %zu connection(s): %d are served at most (--max-connections); "
                  "those connected are served on", watch->refused, watch->cap);
    watch->refused = 0;
    watch->logged = now;
}

//  One monitor event: count it; shut down a connection over the cap (its
//  descriptor is libzmq's to close, once it sees the end).
static void
s_count (s_watch_t *watch, zmsg_t *event)
{
    zframe_t *head = event ? zmsg_first (event) : NULL;
    if (!head || zframe_size (head) < 6)
        return;
    uint16_t kind;
    uint32_t fd;
    memcpy (&kind, zframe_data (head), 2);
    memcpy (&fd, zframe_data (head) + 2, 4);
    if (kind == ZMQ_EVENT_ACCEPTED && ++watch->open > watch->cap) {
        shutdown ((int) fd, SHUT_RDWR);
        watch->refused++;
    }
    else
    if (kind == ZMQ_EVENT_DISCONNECTED && watch->open > 0)
        watch->open--;
}

//  The watcher thread: reads the monitor until $TERM.
static void
s_watcher (zsock_t *pipe, void *args)
{
    s_watch_t *watch = args;
    //  libzmq's I/O thread sends the events holding the monitor's lock,
    //  and would block on a full queue: the ROUTER would serve no one, and
    //  the owner's destroy would wait for that lock for ever. So the queue
    //  has no bound (events are 6 bytes and an address, read at once), and
    //  the watcher reads until its owner says $TERM, SIGTERM or not.
    zsock_t *monitor = zsock_new (ZMQ_PAIR);
    if (monitor) {
        zsock_set_rcvhwm (monitor, 0);
        if (zsock_connect (monitor, "%s", watch->endpoint))
            zsock_destroy (&monitor);
    }
    zsock_signal (pipe, monitor ? 0 : 1);
    zpoller_t *poller = monitor ? zpoller_new (pipe, monitor, NULL) : NULL;
    if (poller)
        zpoller_set_nonstop (poller, true);
    while (poller) {
        void *which = zpoller_wait (poller, S_REFUSAL_LOG_MS);
        if (which == pipe)
            break;
        //  all that waits, at once: each is a descriptor held until then
        while (which == monitor && (zsock_events (monitor) & ZMQ_POLLIN)) {
            zmsg_t *event = zmsg_recv (monitor);
            s_count (watch, event);
            zmsg_destroy (&event);
        }
        s_log_refusals (watch);
    }
    zpoller_destroy (&poller);
    zsock_destroy (&monitor);
    free (watch);
}

wb_connection_cap_t *
wb_connection_cap_new (zsock_t *router, int cap, char *error, size_t error_size)
{
    int most = wb_connection_cap_most ();
    if (!router || cap > most) {
        snprintf (error, error_size, "%d connections need more descriptors than the limit "
                  "allows: at most %d (raise ulimit -n)", cap, most);
        return NULL;
    }
    wb_connection_cap_t *self = zmalloc (sizeof (wb_connection_cap_t));
    s_watch_t *watch = zmalloc (sizeof (s_watch_t));
    self->router = router;
    self->cap = watch->cap = cap > 0 ? cap : most;
    snprintf (watch->endpoint, sizeof (watch->endpoint), "inproc://wb-connections-%p",
              (void *) self);
    if (zmq_socket_monitor (zsock_resolve (router), watch->endpoint,
                            ZMQ_EVENT_ACCEPTED | ZMQ_EVENT_DISCONNECTED) == 0)
        self->watcher = zactor_new (s_watcher, watch);
    else
        free (watch);
    if (!self->watcher) {
        snprintf (error, error_size, "cannot watch connections: %s", zmq_strerror (zmq_errno ()));
        wb_connection_cap_destroy (&self);
    }
    return self;
}

void
wb_connection_cap_destroy (wb_connection_cap_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    wb_connection_cap_t *self = *self_p;
    //  the monitor first: libzmq's thread blocks sending an event to a
    //  monitor socket that no watcher reads any more
    zmq_socket_monitor (zsock_resolve (self->router), NULL, 0);
    zactor_destroy (&self->watcher);
    free (self);
    *self_p = NULL;
}

int
wb_connection_cap_value (const wb_connection_cap_t *self)
{
    return self ? self->cap : 0;
}
