/*  bench_writes: durable writes. 50 media-server clients keep WINDOW
    RequestPlaceInWorkbin each in flight, every one moving its own
    interaction between draft@a0001 and draft@a0002; an EventAck means the
    change was committed (WAL, synchronous NORMAL or FULL). Against raw
    SQLite single-row commits with the same settings, alternated run by run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench_util.h"
#include "bench_cases.h"
#include "bench_raw.h"
#include "wb_store.h"

#define WRITERS 50
#define WINDOW 8
#define RUNS 3
#define WARM_UP_S 0.5
#define RUN_S 2.0
#define TIMEOUT_MS 10000

typedef struct {
    wb_client_t *client;
    int64_t first;                /* number of its first interaction */
    int in_second [WINDOW];       /* interaction in draft@a0002, not a0001 */
    size_t queue [WINDOW * 2];    /* slots in flight, oldest first */
    size_t head, tail;
} s_writer_t;

//  Move the interaction of one slot to the other workbin.
static int
s_writer_send (s_writer_t *self, size_t slot)
{
    char id [32];
    bench_interaction_id (id, sizeof (id), self->first + (int64_t) slot);
    self->in_second [slot] = !self->in_second [slot];
    wb_workbin_t target = bench_drafts (self->in_second [slot] ? "a0002" : "a0001");
    wb_msg_t *request = wb_request_place_in_workbin (id, &target, NULL);
    self->queue [self->tail++ % (WINDOW * 2)] = slot;
    return wb_client_send (self->client, &request) < 0 ? -1 : 0;
}

//  Take the replies waiting for a writer (a reply answers its oldest request);
//  while sending, each EventAck sends that slot's next move. Acks counted.
static int
s_writer_read (s_writer_t *self, bool sending, int64_t *acks)
{
    wb_msg_t *reply;
    while ((reply = wb_client_receive (self->client))) {
        bool acked = wb_msg_is (reply, WB_ROW_EVENT_ACK);
        if (!acked) {
            char line [256];
            wb_msg_print (reply, line, sizeof (line));
            bench_note ("writes: %s", line);
        }
        wb_msg_destroy (&reply);
        size_t slot = self->queue [self->head++ % (WINDOW * 2)];
        if (!acked || (sending && s_writer_send (self, slot)))
            return -1;
        (*acks)++;
    }
    return 0;
}

//  Read every writer that has replies; the requests still in flight, or -1.
static long
s_writers_poll (s_writer_t *writers, zmq_pollitem_t *items, bool sending, int64_t *acks)
{
    zmq_poll (items, WRITERS, 100);
    long pending = 0;
    for (size_t index = 0; index < WRITERS; index++) {
        if ((items [index].revents & ZMQ_POLLIN)
        &&  s_writer_read (&writers [index], sending, acks))
            return -1;
        pending += (long) (writers [index].tail - writers [index].head);
    }
    return pending;
}

//  Run the writers for a warm-up, then RUN_S seconds, then drain; acks per
//  second of the measured part, or -1.
static double
s_writes_ours (s_writer_t *writers, zmq_pollitem_t *items)
{
    for (size_t index = 0; index < WRITERS; index++)
        for (size_t slot = 0; slot < WINDOW; slot++)
            if (s_writer_send (&writers [index], slot))
                return -1;
    int64_t start = bench_now_ns (), from_ns = 0, to_ns = 0;
    int64_t acks = 0, acks_before = 0, measured = 0;
    long pending = WRITERS * WINDOW;
    while (pending > 0) {
        double elapsed = bench_seconds_since (start);
        if (!from_ns && elapsed >= WARM_UP_S) {
            from_ns = bench_now_ns ();
            acks_before = acks;
        }
        if (from_ns && !to_ns && elapsed >= WARM_UP_S + RUN_S) {
            to_ns = bench_now_ns ();
            measured = acks - acks_before;
        }
        if (elapsed > WARM_UP_S + RUN_S + TIMEOUT_MS / 1000.0)
            return -1;
        pending = s_writers_poll (writers, items, to_ns == 0, &acks);
        if (pending < 0)
            return -1;
    }
    return to_ns > from_ns ? (double) measured * 1e9 / (double) (to_ns - from_ns) : -1;
}

static void
s_writes_report (bool full, bench_samples_t *ours, bench_samples_t *raw)
{
    double rate = bench_samples_quantile (ours, 0.5);
    double rate_raw = bench_samples_quantile (raw, 0.5);
    char ours_text [64], raw_text [64], name [128];
    snprintf (name, sizeof (name), "durable writes: RequestPlaceInWorkbin, %d pipelining clients, "
              "WAL + synchronous %s", WRITERS, full ? "FULL" : "NORMAL");
    bench_format (ours_text, sizeof (ours_text), rate, 0, "/s");
    bench_format (raw_text, sizeof (raw_text), rate_raw, 0, " commits/s");
    if (full)
        bench_row (name, ours_text, raw_text, rate / rate_raw, "reported", -1);
    else
        bench_row (name, ours_text, raw_text, rate / rate_raw, "ratio ≥ 0.8",
                   rate / rate_raw >= 0.8);
}

//  One mode: a server with this synchronous setting, runs alternated with
//  raw SQLite.
static int
s_writes_mode (bench_site_t *site, bool full, s_writer_t *writers, zmq_pollitem_t *items)
{
    char uri [sizeof (site->store)];
    if (wb_store_sqlite_uri (site->database, uri, sizeof (uri))
    ||  snprintf (site->store, sizeof (site->store), "%s?synchronous=%s", uri,
                  full ? "full" : "normal") >= (int) sizeof (site->store))
        return -1;
    zactor_t *server = bench_site_start (site);
    int rc = server ? 0 : -1;
    for (size_t index = 0; rc == 0 && index < WRITERS; index++) {
        writers [index].client = bench_client (site->endpoint, NULL);
        rc = writers [index].client ? 0 : -1;
        if (rc == 0)
            items [index] = (zmq_pollitem_t) {
                zsock_resolve (wb_client_socket (writers [index].client)), 0, ZMQ_POLLIN, 0 };
    }
    char raw_path [256];
    snprintf (raw_path, sizeof (raw_path), "%s/raw-%s.db", site->folder, full ? "full" : "normal");
    wb_kvlist_t *row = bench_interaction (1, "draft", "WorkbinAgentId", "a0001");
    size_t row_bytes = wb_kvlist_encoded_size (row);
    wb_kvlist_destroy (&row);
    bench_samples_t ours = { 0 }, raw = { 0 };
    for (int run = 0; rc == 0 && run < RUNS; run++) {
        double rate = s_writes_ours (writers, items);
        double rate_raw = bench_raw_sqlite_commits (raw_path, full, row_bytes, RUN_S);
        bench_note ("writes %s run %d: ours %.0f/s, raw %.0f/s", full ? "FULL" : "NORMAL",
                    run + 1, rate, rate_raw);
        rc = rate > 0 && rate_raw > 0 ? 0 : -1;
        bench_samples_add (&ours, rate);
        bench_samples_add (&raw, rate_raw);
    }
    if (rc == 0)
        s_writes_report (full, &ours, &raw);
    bench_samples_free (&ours);
    bench_samples_free (&raw);
    for (size_t index = 0; index < WRITERS; index++)
        wb_client_destroy (&writers [index].client);
    zactor_destroy (&server);
    return rc;
}

int
bench_case_writes (bench_site_t *site)
{
    if (bench_fill_store (site->database, 1, 1, WRITERS * WINDOW, 1))
        return -1;
    s_writer_t *writers = calloc (WRITERS, sizeof (s_writer_t));
    zmq_pollitem_t *items = calloc (WRITERS, sizeof (zmq_pollitem_t));
    for (size_t index = 0; index < WRITERS; index++)
        writers [index].first = 1 + (int64_t) (index * WINDOW);
    int rc = s_writes_mode (site, false, writers, items);
    rc = s_writes_mode (site, true, writers, items) || rc;
    free (writers);
    free (items);
    return rc;
}
