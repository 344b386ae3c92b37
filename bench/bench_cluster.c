/*  bench_cluster: cross-node delivery on a site of several nodes (issue 19).

        bench_cluster ENDPOINT_1 ENDPOINT_2

    Against two wbserver nodes on one PostgreSQL (run-bench.sh starts a
    private one): a watcher on node 1 subscribed to email-draft@agent01; a
    writer makes BENCH_CHANGES submits into that workbin one after the
    other, each timed from its send to the watcher's receipt of its
    EventWorkbinContentChanged. First the writer on node 1 (the baseline:
    the same change on one node), then on node 2 (the change reaches node 1
    through the database's change log and its notification).

    Rows: delivery p50 and p99, node 2 to node 1 against node 1 to node 1.
*/
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include "bench_util.h"
#include "wb_client.h"
#include "wb_events.h"
#include "wb_requests.h"

#define BENCH_CHANGES 300
#define BENCH_TIMEOUT_MS 5000

static wb_client_t *
s_session (const char *endpoint, const char *name)
{
    wb_client_t *client = wb_client_new (endpoint);
    if (client && wb_client_open_session (client, WB_CLIENT_MEDIA_SERVER, name, 101, NULL, NULL,
                                          BENCH_TIMEOUT_MS, NULL) == 0)
        return client;
    wb_client_destroy (&client);
    return NULL;
}

//  Wait for the reply of the writer's last request; 0, or -1 on timeout.
static int
s_reply (wb_client_t *client)
{
    int64_t deadline = bench_now_ns () + (int64_t) BENCH_TIMEOUT_MS * 1000000;
    while (bench_now_ns () < deadline) {
        wb_msg_t *msg = wb_client_receive (client);
        bool reply = msg && wb_msg_reference_id (msg) > 0;
        wb_msg_destroy (&msg);
        if (reply)
            return 0;
        zpoller_t *poller = zpoller_new (wb_client_socket (client), NULL);
        zpoller_wait (poller, 10);
        zpoller_destroy (&poller);
    }
    return -1;
}

//  The watcher's event of the change that makes version; its receipt
//  time, or -1 if it did not come.
static int64_t
s_event (wb_client_t *watcher, int64_t version)
{
    int64_t deadline = bench_now_ns () + (int64_t) BENCH_TIMEOUT_MS * 1000000;
    while (bench_now_ns () < deadline) {
        wb_msg_t *event = wb_client_next_event (watcher, 100);
        int64_t at = bench_now_ns ();
        wb_event_change_t change;
        bool found = event && wb_event_read_change (event, &change) == 0
                  && change.version >= version;
        wb_msg_destroy (&event);
        if (found)
            return at;
    }
    return -1;
}

//  BENCH_CHANGES submits through writer, each timed to the watcher's event
//  (ms); the workbin's version grows from *version. 0 or -1.
static int
s_run (wb_client_t *writer, wb_client_t *watcher, int64_t *version, bench_samples_t *samples)
{
    wb_workbin_t drafts = { "email-draft", WB_OWNER_AGENT, NULL, "agent01" };
    for (int index = 0; index < BENCH_CHANGES; index++) {
        wb_submission_t submission = {
            .workbin = drafts, .media_type = "email", .interaction_type = "Inbound",
            .subject = "bench-cluster",
        };
        wb_msg_t *request = wb_request_submit (&submission);
        int64_t sent = bench_now_ns ();
        if (wb_client_send (writer, &request) < 0)
            return -1;
        int64_t received = s_event (watcher, ++*version);
        if (received < 0 || s_reply (writer))
            return -1;
        bench_samples_add (samples, (double) (received - sent) / 1e6);
    }
    return 0;
}

int
main (int argc, char *argv [])
{
    if (argc != 3) {
        fprintf (stderr, "usage: bench_cluster ENDPOINT_1 ENDPOINT_2\n");
        return 2;
    }
    wb_client_t *watcher = s_session (argv [1], "bench-watcher");
    wb_client_t *local = s_session (argv [1], "bench-local");
    wb_client_t *remote = s_session (argv [2], "bench-remote");
    wb_workbin_t drafts = { "email-draft", WB_OWNER_AGENT, NULL, "agent01" };
    wb_msg_t *subscribe = wb_request_workbin_notifications (&drafts, false);
    wb_msg_t *ack = watcher ? wb_client_request (watcher, &subscribe, BENCH_TIMEOUT_MS) : NULL;
    wb_msg_destroy (&subscribe);
    wb_event_ack_t acked = { 0 };
    int rc = ack && local && remote && wb_event_read_ack (ack, &acked) == 0 ? 0 : -1;
    wb_msg_destroy (&ack);
    int64_t version = acked.workbin_version > 0 ? acked.workbin_version : 0;
    bench_samples_t same = { 0 }, cross = { 0 };
    if (rc == 0)
        rc = s_run (local, watcher, &version, &same);
    if (rc == 0)
        rc = s_run (remote, watcher, &version, &cross);
    if (rc == 0) {
        const char *names [2] = { "cluster delivery p50", "cluster delivery p99" };
        double fractions [2] = { 0.5, 0.99 };
        for (int row = 0; row < 2; row++) {
            char ours [32], baseline [48];
            double cross_ms = bench_samples_quantile (&cross, fractions [row]);
            double same_ms = bench_samples_quantile (&same, fractions [row]);
            snprintf (ours, sizeof (ours), "%.2f ms", cross_ms);
            snprintf (baseline, sizeof (baseline), "%.2f ms (same node)", same_ms);
            bench_row (names [row], ours, baseline, same_ms > 0 ? cross_ms / same_ms : -1,
                       "-", -1);
        }
    }
    else
        bench_note ("a session, the subscription or a change failed");
    bench_samples_free (&same);
    bench_samples_free (&cross);
    wb_client_destroy (&watcher);
    wb_client_destroy (&local);
    wb_client_destroy (&remote);
    return rc ? 1 : 0;
}
