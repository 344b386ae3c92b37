/*  wb_connection_cap: bound the connections a server's ROUTER holds.

    libzmq accepts every connection that reaches a bound endpoint and has
    no option to stop at a number. Each connection takes a descriptor, and
    when accept() fails for want of one, libzmq aborts (an ipc endpoint) or
    retries at once forever (tcp: a busy loop). So a thread of its own
    watches the ROUTER's socket monitor, counts the connections (accepted
    less disconnected) and shuts down, at once, each one accepted beyond
    the cap; libzmq then closes it. The cap is half of what the descriptor
    limit leaves, so that connections accepted before the thread shuts them
    down cannot exhaust the descriptors. Those connected are served on.
    Refusals are logged at once, then summed at most every 10 s.
*/
#ifndef WB_CONNECTION_CAP_H_INCLUDED
#define WB_CONNECTION_CAP_H_INCLUDED

#include <czmq.h>

/* Descriptors kept for everything but client connections: the store's
   files, the log, libzmq's and CZMQ's own (mailboxes, poller, zauth). */
#define WB_CONNECTION_FD_RESERVE 64

typedef struct _wb_connection_cap_t wb_connection_cap_t;

/* The most connections a server may hold with the process's descriptor
   limit (RLIMIT_NOFILE): (limit - WB_CONNECTION_FD_RESERVE) / 2, at least 1. */
int wb_connection_cap_most (void);

/* Watch router (before it binds, from the thread that owns it) and hold
   its connections to cap (0: wb_connection_cap_most ()). NULL with a
   sentence in error if cap is more than the limit allows. */
wb_connection_cap_t *wb_connection_cap_new (zsock_t *router, int cap, char *error,
                                            size_t error_size);
/* Stop watching; from the thread that owns the router, before it closes. */
void wb_connection_cap_destroy (wb_connection_cap_t **self_p);

/* The cap in force. */
int wb_connection_cap_value (const wb_connection_cap_t *self);

#endif
