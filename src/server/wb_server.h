/*  wb_server: the server's reactor: the ROUTER socket, the engine, the
    directory and the store, driven by one thread.

    wbserver runs it in its main thread; tests run it as a CZMQ actor
    (wb_server_actor) so that a real server lives inside the test process.
*/
#ifndef WB_SERVER_H_INCLUDED
#define WB_SERVER_H_INCLUDED

#include <czmq.h>
#include <stdbool.h>
#include "wb_protocol.h"        /* WB_DEFAULT_ENDPOINT */
#define WB_ENDPOINTS_MAX 8
/* Bytes of replies and events queued for one client (in libzmq, not yet
   written to its connection) before it is treated as too slow. */
#define WB_SEND_BYTES_DEFAULT (8 << 20)
#define WB_SEND_BYTES_MIN (1 << 20)

typedef struct {
    const char *directory_path;       /* ZPL directory file (required) */
    const char *store_uri;            /* where interactions are kept (required):
                                         a wb_store_open URI, "sqlite:PATH" */
    const char *endpoints [WB_ENDPOINTS_MAX];  /* NULL-terminated; none: default */
    int64_t page_cap;                 /* 0: WB_PAGE_CAP_DEFAULT */
    int64_t page_cache_bytes;         /* content pages kept (wb_page_cache.h); 0:
                                         WB_PAGE_CACHE_DEFAULT, below 0: none */
    int64_t session_timeout_ms;       /* 0: WB_SESSION_TIMEOUT_DEFAULT */
    int send_queue;                   /* messages queued per client; 0: 10,000 */
    int64_t send_bytes;               /* bytes queued per client; 0: WB_SEND_BYTES_DEFAULT */
    int max_connections;              /* connections served at once; 0: from the
                                         descriptor limit (wb_connection_cap.h) */
    bool verbose;                     /* log every message */
    /* CURVE on network endpoints (ipc:// socket files and inproc:// stay plain). Both or
       neither; neither: no security at all. One secured server a process. */
    const char *cert_path;            /* the server's certificate, with its secret key */
    const char *authorized_keys;      /* folder of client public certificates */
} wb_server_options_t;

typedef struct _wb_server_t wb_server_t;

/* Load the directory, open the store and bind. NULL on failure, with a
   sentence in error. */
wb_server_t *wb_server_new (const wb_server_options_t *options, char *error, size_t error_size);
void wb_server_destroy (wb_server_t **self_p);

/* The endpoint actually bound (a tcp port of * resolved), by index. */
const char *wb_server_endpoint (wb_server_t *self, size_t index);

/* How many connections the server serves at once (its cap). */
int wb_server_connections_served (const wb_server_t *self);

/* Serve until interrupted (SIGINT/SIGTERM) or, if pipe is not NULL, until
   "$TERM" arrives on it. Return 0. */
int wb_server_run (wb_server_t *self, zsock_t *pipe);

/* CZMQ actor: args is a wb_server_options_t *. Once started it sends one
   string on the pipe: the first bound endpoint, or "error: <text>" if it
   could not start (then it waits for $TERM). */
void wb_server_actor (zsock_t *pipe, void *args);

#endif
