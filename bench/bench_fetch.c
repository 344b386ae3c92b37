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

int
bench_fetch (wb_client_t *client, wbc_model_t *model, const char *agent_id, size_t pages_max,
             int timeout_ms, bench_fetch_fn *told, void *arg, size_t *pages)
{
    wbc_sidebar_entry_t entry = { .type_id = "draft", .owner_attribute = "WorkbinAgentId",
                                  .columns = "From,Subject,Received,State" };
    snprintf (entry.owner_id, sizeof (entry.owner_id), "%s", agent_id);
    if (wbc_model_open_pane (model, &entry) < 0)
        return -1;
    size_t pane = wbc_model_pane_count (model) - 1;
    wbc_model_begin_fetch (model, pane);
    *pages = 0;
    int64_t reference_id = s_ask (client, agent_id, 0, 0, told, arg);
    int64_t next = 0;
    while (reference_id >= 0 && next >= 0 && *pages < pages_max) {
        wb_msg_t *reply = s_reply (client, reference_id, timeout_ms);
        if (!reply)
            return -1;
        wb_event_content_t page;
        wb_event_read_content (reply, &page);
        int64_t asked = wbc_model_page_after (model, pane, &page);
        if (asked > 0)
            reference_id = s_ask (client, agent_id, asked, *pages + 1, told, arg);
        next = wbc_model_apply_page (model, pane, &page, 0, 0);
        if (told)
            told (arg, *pages, NULL, reply);
        wb_msg_destroy (&reply);
        (*pages)++;
        if (next > 0 && next != asked)
            return -1;      //  the workbin changed under the benchmark
    }
    wbc_pane_t *filled = wbc_model_pane (model, pane);
    return next < 0 && !filled->loading && (int64_t) wb_replica_size (filled->replica) == filled->total
         ? 0 : -1;
}
