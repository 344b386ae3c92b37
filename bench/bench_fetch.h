/*  bench_fetch: a workbin fetched into a new pane of the console's model as
    wbc_session does it: the page after each one asked for at a glance at
    its reply, before it is decoded (wbc_model_page_after_glance), so that
    the server reads it while this one is decoded and applied; each page
    applied as it comes. */
#ifndef BENCH_FETCH_H_INCLUDED
#define BENCH_FETCH_H_INCLUDED

#include "wb_client.h"
#include "wbc_model.h"

/* Told of each request before it is sent, and of each reply once it is
   applied (request NULL then); page counts from 0. */
typedef void (bench_fetch_fn) (void *arg, size_t page, const wb_msg_t *request,
                               const wb_msg_t *reply);

/* Fetch agent_id's drafts into a new pane of model, at most pages_max
   pages, each reply awaited timeout_ms at most; *pages: how many came.
   0 when the pane holds the whole workbin, else -1. */
int bench_fetch (wb_client_t *client, wbc_model_t *model, const char *agent_id, size_t pages_max,
                 int timeout_ms, bench_fetch_fn *told, void *arg, size_t *pages);

#endif
