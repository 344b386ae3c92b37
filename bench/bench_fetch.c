/*  bench_fetch: a workbin fetched as the console does. See bench_fetch.h. */
#include "bench_fetch.h"
#include "bench_data.h"
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

//  A fetch under way: what a glance at a reply needs to ask for the next page.
typedef struct {
    wb_client_t *client;
    wbc_model_t *model;
    size_t pane;
    const char *agent_id;
    int64_t awaited;              /* the ReferenceId of the page awaited */
    int64_t asked_ahead;          /* the From asked for at a glance at it; 0: none */
    int64_t ahead_reference_id;
    size_t pages;
    bench_fetch_fn *told;
    void *arg;
} s_fetch_t;

//  As wbc_session's glance: the next page asked for before this one is decoded.
static void
s_glance (void *arg, const uint8_t *name, size_t name_size, const uint8_t *body,
          size_t body_size)
{
    s_fetch_t *fetch = arg;
    wb_content_glance_t glance;
    if (wb_event_glance_content (name, name_size, body, body_size, &glance)
    ||  glance.reference_id != fetch->awaited)
        return;
    int64_t after = wbc_model_page_after_glance (fetch->model, fetch->pane, &glance);
    if (after > 0) {
        fetch->ahead_reference_id = s_ask (fetch->client, fetch->agent_id, after,
                                           fetch->pages + 1, fetch->told, fetch->arg);
        fetch->asked_ahead = after;
    }
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
    s_fetch_t fetch = { client, model, wbc_model_pane_count (model) - 1, agent_id, -1, 0, -1, 0,
                        told, arg };
    wbc_model_begin_fetch (model, fetch.pane);
    wb_client_set_glance (client, s_glance, &fetch);
    fetch.awaited = s_ask (client, agent_id, 0, 0, told, arg);
    int64_t next = 0;
    int rc = 0;
    while (rc == 0 && fetch.awaited >= 0 && next >= 0 && fetch.pages < pages_max) {
        fetch.asked_ahead = 0;
        wb_msg_t *reply = s_reply (client, fetch.awaited, timeout_ms);
        if (!reply) {
            rc = -1;
            break;
        }
        wb_event_content_t page;
        wb_event_read_content (reply, &page);
        int64_t asked = wbc_model_page_after (model, fetch.pane, &page);
        if (asked > 0 && asked == fetch.asked_ahead)
            fetch.awaited = fetch.ahead_reference_id;
        else
        if (asked > 0)
            fetch.awaited = s_ask (client, agent_id, asked, fetch.pages + 1, told, arg);
        next = wbc_model_apply_page (model, fetch.pane, &page, 0, 0);
        if (told)
            told (arg, fetch.pages, NULL, reply);
        wb_msg_destroy (&reply);
        fetch.pages++;
        if (next > 0 && next != asked)
            rc = -1;        //  the workbin changed under the benchmark
    }
    wb_client_set_glance (client, NULL, NULL);
    *pages = fetch.pages;
    wbc_pane_t *filled = wbc_model_pane (model, fetch.pane);
    return rc == 0 && next < 0 && !filled->loading
        && (int64_t) wb_replica_size (filled->replica) == filled->total ? 0 : -1;
}
