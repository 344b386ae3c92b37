/*  bench_raw: the baselines, measured in the same run as our figures: plain
    libzmq DEALER/ROUTER traffic of the same frame sizes, and plain SQLite
    commits of rows of the same size with the same settings. No codec, no
    protocol, no store: what the machine can do at best.
*/
#ifndef BENCH_RAW_H_INCLUDED
#define BENCH_RAW_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <czmq.h>

/* A ROUTER in its own thread (like the server's reactor) that answers each
   request with three frames of the sizes the request asks for (see
   bench_raw_request), and, when asked, sends one message to every peer
   that said hello. Once started it sends its endpoint on the pipe. */
void bench_raw_server_actor (zsock_t *pipe, void *args);
/* Start one and copy its endpoint; NULL on failure. */
zactor_t *bench_raw_server_start (char *endpoint, size_t size);
/* The same, which also reads pages of a store's database (args of the
   actor: its path), as bench_raw_store_page asks. */
zactor_t *bench_raw_store_server_start (char *endpoint, size_t size, const char *database);

/* A DEALER for the raw server, with the options our client sets. */
zsock_t *bench_raw_dealer (const char *endpoint);

/* Send a request of three frames of request_sizes bytes (the third at
   least 16) asking for a reply of reply_sizes bytes; wait for it. Return
   the bytes received, or -1 after timeout_ms. */
long bench_raw_request (zsock_t *dealer, const size_t request_sizes [3],
                        const size_t reply_sizes [3], int timeout_ms);

/* The same, in two: send the request (0 or -1), then wait for one reply
   (the bytes received, or -1 after timeout_ms). */
int bench_raw_ask (zsock_t *dealer, const size_t request_sizes [3], const size_t reply_sizes [3]);
long bench_raw_await (zsock_t *dealer, int timeout_ms);

/* Ask a raw store server for at most count rows of agent a<agent>'s draft
   workbin from from, in a request of request_sizes (0 or -1): its reply
   is waited for by bench_raw_await. */
int bench_raw_ask_store_page (zsock_t *dealer, uint32_t agent, uint32_t from, uint32_t count,
                              const size_t request_sizes [3]);
/* The same, and wait for them: the bytes received, or -1 after timeout_ms. */
long bench_raw_store_page (zsock_t *dealer, uint32_t agent, uint32_t from, uint32_t count,
                           const size_t request_sizes [3], int timeout_ms);

/* Fan-out: say hello so the raw server will deliver to this DEALER. */
int bench_raw_hello (zsock_t *dealer);
/* Ask the raw server (on this control DEALER) to send one message of
   event_sizes to every peer that said hello; does not wait. */
int bench_raw_fan_out (zsock_t *dealer, const size_t request_sizes [3],
                       const size_t event_sizes [3]);
/* Receive one message waiting on a DEALER; its bytes, or 0 if none. */
size_t bench_raw_receive (zsock_t *dealer);

/* Single-row commits per second into a table shaped like the store's
   interaction table (same indexes, a blob of row_bytes), WAL and
   synchronous NORMAL or FULL, for about seconds. -1 on failure. */
double bench_raw_sqlite_commits (const char *path, bool synchronous_full, size_t row_bytes,
                                 double seconds);

#endif
