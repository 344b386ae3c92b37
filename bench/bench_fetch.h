/*  bench_fetch: a workbin fetched into a new pane of the console's model as
    wbc_session does it: the pages ahead of each one (BENCH_PAGES_AHEAD)
    asked for at a glance at its reply, before it is decoded
    (wbc_model_page_after_glance), so that the server reads them while this
    one is decoded and applied; each page applied as it comes. And the
    same pages asked for in the same turns over raw ZeroMQ. */
#ifndef BENCH_FETCH_H_INCLUDED
#define BENCH_FETCH_H_INCLUDED

#include "wb_client.h"
#include "wbc_model.h"

/* As wbc_session's S_PAGES_AHEAD. */
#define BENCH_PAGES_AHEAD 2

/* Told of each request before it is sent, and of each reply once it is
   applied (request NULL then); page counts from 0. */
typedef void (bench_fetch_fn) (void *arg, size_t page, const wb_msg_t *request,
                               const wb_msg_t *reply);

/* Fetch agent_id's drafts into a new pane of model, at most pages_max
   pages, each reply awaited timeout_ms at most; *pages: how many came.
   0 when the pane holds the whole workbin, else -1. */
int bench_fetch (wb_client_t *client, wbc_model_t *model, const char *agent_id, size_t pages_max,
                 int timeout_ms, bench_fetch_fn *told, void *arg, size_t *pages);

/* Send the raw request of page (from 0); 0 or -1. */
typedef int (bench_raw_ask_fn) (void *arg, size_t page);

/* Fetch pages raw replies on dealer, each asked for by ask as bench_fetch
   asks: the first, then, as each reply comes, those up to
   BENCH_PAGES_AHEAD after it. The bytes received, or -1 if a reply took
   over timeout_ms; *first_seconds (optional): until the first reply. */
long bench_fetch_raw (zsock_t *dealer, size_t pages, bench_raw_ask_fn *ask, void *arg,
                      int timeout_ms, double *first_seconds);

#endif
