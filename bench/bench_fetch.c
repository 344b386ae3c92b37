/*  bench_fetch: a workbin fetched as the console does. See bench_fetch.h. */
#include <string.h>
#include "bench_fetch.h"
#include "bench_data.h"
#include "bench_raw.h"
#include "bench_util.h"
#include "wb_clock.h"
#include "wb_events.h"

//  Ask for the page at from; its ReferenceId, or -1.
static int64_t
s_ask (wb_client_t *client, const char *agent_id, int64_t from, size_t page,
       bench_fetch_fn *told, void *arg)
{
    wb_msg_t *request = bench_content_request (agent_id, from);
    if (told && request)
        told (arg, page, request, NULL);
    return wb_client_send (client, &request);
}

//  The reply to reference_id, or NULL at the deadline.
static wb_msg_t *
s_reply (wb_client_t *client, int64_t reference_id, int timeout_ms)
{
    int64_t deadline = wb_mono_ms () + timeout_ms;
    while (true) {
        wb_msg_t *msg = wb_client_receive (client);
        if (msg && wb_msg_reference_id (msg) == reference_id)
            return msg;
        wb_msg_destroy (&msg);
        int64_t left = deadline - wb_mono_ms ();
        zmq_pollitem_t item = { zsock_resolve (wb_client_socket (client)), 0, ZMQ_POLLIN, 0 };
        if (left <= 0 || zmq_poll (&item, 1, (long) left) < 0)
            return NULL;
    }
}

//  A fetch under way: the pages asked for and not yet read, the one
//  awaited first (at most the awaited one and those ahead of it).
typedef struct {
    wb_client_t *client;
    wbc_model_t *model;
    size_t pane;
    const char *agent_id;
    struct {
        int64_t from, reference_id;
    } asked [BENCH_PAGES_AHEAD + 1];
    size_t asked_count;
    size_t sent;                  /* requests sent: the page number told */
    bench_fetch_fn *told;
    void *arg;
} s_fetch_t;

static int
s_fetch_ask (s_fetch_t *fetch, int64_t from)
{
    if (fetch->asked_count == BENCH_PAGES_AHEAD + 1)
        return -1;
    int64_t reference_id = s_ask (fetch->client, fetch->agent_id, from, fetch->sent++,
                                  fetch->told, fetch->arg);
    fetch->asked [fetch->asked_count].from = from;
    fetch->asked [fetch->asked_count++].reference_id = reference_id;
    return reference_id < 0 ? -1 : 0;
}

//  As wbc_session's s_ask_ahead: the pages after the one at from (count
//  interactions, of total) asked for, BENCH_PAGES_AHEAD of them, those
//  after the next guessed to hold count too. A guess that missed fails
//  the fetch: the benchmark's pages are all full. (The console asks for
//  the second page ahead only while the pages asked for ahead stay within
//  1 MiB: the benchmark's, about 280 KB each, do.) 0 or -1.
static int
s_ask_ahead (s_fetch_t *fetch, int64_t from, int64_t count, int64_t total)
{
    size_t ahead = 1;           //  asked [0] is the page at from
    int64_t next = from + count;
    for (; count > 0 && next < total && ahead <= BENCH_PAGES_AHEAD; next += count, ahead++) {
        if (ahead < fetch->asked_count && fetch->asked [ahead].from != next)
            return -1;
        if (ahead == fetch->asked_count && s_fetch_ask (fetch, next))
            return -1;
    }
    return 0;
}

//  As wbc_session's glance: the pages ahead asked for before this one is decoded.
static void
s_glance (void *arg, const uint8_t *name, size_t name_size, const uint8_t *body,
          size_t body_size)
{
    s_fetch_t *fetch = arg;
    wb_content_glance_t glance;
    if (wb_event_glance_content (name, name_size, body, body_size, &glance)
    ||  fetch->asked_count == 0 || glance.reference_id != fetch->asked [0].reference_id)
        return;
    int64_t after = wbc_model_page_after_glance (fetch->model, fetch->pane, &glance);
    if (after > 0)
        s_ask_ahead (fetch, glance.from, after - glance.from, glance.total_count);
}

int
bench_fetch (wb_client_t *client, wbc_model_t *model, const char *agent_id, size_t pages_max,
             int timeout_ms, bench_fetch_fn *told, void *arg, size_t *pages)
{
    wbc_sidebar_entry_t entry = { .type_id = "draft", .owner_attribute = "WorkbinAgentId",
                                  .columns = "From,Subject,Received,State" };
    snprintf (entry.owner_id, sizeof (entry.owner_id), "%s", agent_id);
    if (wbc_model_open_pane (model, &entry) < 0)
        return -1;
    s_fetch_t fetch = { .client = client, .model = model, .pane = wbc_model_pane_count (model) - 1,
                        .agent_id = agent_id, .told = told, .arg = arg };
    wbc_model_begin_fetch (model, fetch.pane);
    wb_client_set_glance (client, s_glance, &fetch);
    int rc = s_fetch_ask (&fetch, 0);
    int64_t next = 0;
    size_t read = 0;
    while (rc == 0 && fetch.asked_count > 0 && next >= 0 && read < pages_max) {
        wb_msg_t *reply = s_reply (client, fetch.asked [0].reference_id, timeout_ms);
        if (!reply) {
            rc = -1;
            break;
        }
        wb_event_content_t page;
        wb_event_read_content (reply, &page);
        int64_t after = wbc_model_page_after (model, fetch.pane, &page);
        if (after > 0)
            rc = s_ask_ahead (&fetch, page.from, after - page.from, page.total_count);
        memmove (fetch.asked, fetch.asked + 1, --fetch.asked_count * sizeof (fetch.asked [0]));
        next = wbc_model_apply_page (model, fetch.pane, &page, 0, 0);
        if (told)
            told (arg, read, NULL, reply);
        wb_msg_destroy (&reply);
        read++;
        //  the workbin changed under the benchmark
        if (next > 0 && (fetch.asked_count == 0 || fetch.asked [0].from != next))
            rc = -1;
    }
    wb_client_set_glance (client, NULL, NULL);
    *pages = read;
    wbc_pane_t *filled = wbc_model_pane (model, fetch.pane);
    return rc == 0 && next < 0 && !filled->loading
        && (int64_t) wb_replica_size (filled->replica) == filled->total ? 0 : -1;
}

long
bench_fetch_raw (zsock_t *dealer, size_t pages, bench_raw_ask_fn *ask, void *arg,
                 int timeout_ms, double *first_seconds)
{
    int64_t start = bench_now_ns ();
    if (pages == 0 || ask (arg, 0))
        return -1;
    size_t asked = 1;
    long bytes = 0;
    for (size_t read = 0; read < pages; read++) {
        long got = bench_raw_await (dealer, timeout_ms);
        if (got < 0)
            return -1;
        bytes += got;
        if (read == 0 && first_seconds)
            *first_seconds = bench_seconds_since (start);
        //  the pages ahead of the one read, as a glance at it asks them
        for (; asked < pages && asked <= read + BENCH_PAGES_AHEAD; asked++)
            if (ask (arg, asked))
                return -1;
    }
    return bytes;
}
