/*  bench_many: cases with a thousand clients in this process, all polled
    by one loop: the fan-out of one change, and the reconnect storm after a
    server restart. See bench_server.c for what each measures. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench_util.h"
#include "bench_cases.h"
#include "bench_raw.h"
#include "wb_events.h"

/* The workbin of the fan-out: the sales group's team queue. */
static const wb_workbin_t s_team = { "team", WB_OWNER_AGENT_GROUP, NULL, "sales" };

#define TIMEOUT_MS 10000
#define FAN_OUT_ROUNDS 40
#define STORM_RUNS 3
#define STORM_LIMIT_S 60

/* Reads what waits on one client; returns how many deliveries it was. */
typedef size_t (s_reader_fn) (void *client);

/* The frame sizes of the first event our subscribers got. */
static size_t s_event_sizes [3];

//  Our client: an EventWorkbinContentChanged, decoded, is a delivery.
static size_t
s_read_ours (void *client)
{
    size_t deliveries = 0;
    wb_msg_t *msg;
    while ((msg = wb_client_receive (client))) {
        if (wb_msg_is (msg, WB_ROW_EVENT_WORKBIN_CONTENT_CHANGED)) {
            if (deliveries++ == 0 && s_event_sizes [2] == 0)
                bench_msg_frame_sizes (msg, s_event_sizes);
        }
        wb_msg_destroy (&msg);
    }
    return deliveries;
}

//  A raw DEALER: any message is a delivery.
static size_t
s_read_raw (void *dealer)
{
    size_t deliveries = 0;
    while (bench_raw_receive (dealer) > 0)
        deliveries++;
    return deliveries;
}

typedef struct {
    zmq_pollitem_t *items;        /* one per client */
    void **clients;
    size_t count;
    s_reader_fn *reader;
    size_t *waiting;              /* clients still without a delivery */
    zmq_pollitem_t *polled;       /* their items */
} s_crowd_t;

static void
s_crowd_init (s_crowd_t *crowd, size_t count, s_reader_fn *reader)
{
    crowd->items = calloc (count, sizeof (zmq_pollitem_t));
    crowd->clients = calloc (count, sizeof (void *));
    crowd->waiting = calloc (count, sizeof (size_t));
    crowd->polled = calloc (count, sizeof (zmq_pollitem_t));
    crowd->count = count;
    crowd->reader = reader;
}

static void
s_crowd_free (s_crowd_t *crowd)
{
    free (crowd->items);
    free (crowd->clients);
    free (crowd->waiting);
    free (crowd->polled);
}

//  Poll the clients still waiting, once; keep those that got nothing.
//  Latencies (ms since start) of the others into samples. Returns how many
//  wait still; *last gets the time of the latest delivery.
static size_t
s_crowd_poll (s_crowd_t *crowd, size_t waiting, int64_t start, int64_t *last,
              bench_samples_t *samples)
{
    for (size_t slot = 0; slot < waiting; slot++)
        crowd->polled [slot] = crowd->items [crowd->waiting [slot]];
    if (zmq_poll (crowd->polled, (int) waiting, 100) <= 0)
        return waiting;
    size_t kept = 0;
    for (size_t slot = 0; slot < waiting; slot++) {
        size_t index = crowd->waiting [slot];
        if (!(crowd->polled [slot].revents & ZMQ_POLLIN)
        ||  crowd->reader (crowd->clients [index]) == 0) {
            crowd->waiting [kept++] = index;
            continue;
        }
        *last = bench_now_ns ();
        if (samples)
            bench_samples_add (samples, (double) (*last - start) / 1e6);
    }
    return kept;
}

//  Wait until every client has had a delivery since start, polling only
//  those still waiting. Seconds from start to the last delivery, or -1.
static double
s_crowd_collect (s_crowd_t *crowd, int64_t start, bench_samples_t *samples)
{
    for (size_t index = 0; index < crowd->count; index++)
        crowd->waiting [index] = index;
    size_t waiting = crowd->count;
    int64_t last = start, deadline = start + (int64_t) TIMEOUT_MS * 1000000;
    while (waiting > 0 && bench_now_ns () < deadline)
        waiting = s_crowd_poll (crowd, waiting, start, &last, samples);
    return waiting == 0 ? (double) (last - start) / 1e9 : -1;
}

// ---------------------------------------------------------------- fan-out

typedef struct {
    s_crowd_t ours;
    s_crowd_t raw;
    wb_client_t *sender;
    zsock_t *control;
    size_t submit_sizes [3];
    size_t event_sizes [3];
} s_fan_out_t;

//  Media servers subscribed to team@sales, and raw DEALERs that said hello.
static int
s_fan_out_connect (s_fan_out_t *fan, const char *endpoint, const char *raw_endpoint)
{
    for (size_t index = 0; index < BENCH_CLIENTS; index++) {
        wb_client_t *client = bench_client (endpoint, NULL);
        if (!client)
            return -1;
        wb_msg_t *request = wb_request_workbin_notifications (&s_team, false);
        wb_msg_t *reply = wb_client_request (client, &request, TIMEOUT_MS);
        bool acked = wb_msg_is (reply, WB_ROW_EVENT_ACK);
        wb_msg_destroy (&reply);
        fan->ours.clients [index] = client;
        fan->ours.items [index] = (zmq_pollitem_t) { zsock_resolve (wb_client_socket (client)),
                                                     0, ZMQ_POLLIN, 0 };
        zsock_t *dealer = bench_raw_dealer (raw_endpoint);
        fan->raw.clients [index] = dealer;
        fan->raw.items [index] = (zmq_pollitem_t) { zsock_resolve (dealer), 0, ZMQ_POLLIN, 0 };
        if (!acked || !dealer || bench_raw_hello (dealer))
            return -1;
    }
    return 0;
}

//  Submit one interaction to team@sales; wait for every subscriber to get
//  its event, then for the submitter's EventAck. Seconds, or -1.
static double
s_fan_out_ours (s_fan_out_t *fan, bench_samples_t *samples)
{
    wb_submission_t submission = { .workbin = s_team, .media_type = "email",
                                   .interaction_type = "Inbound",
                                   .subject = "Re: order 123456 delivery date",
                                   .from_address = "customer123@example.com" };
    wb_msg_t *request = wb_request_submit (&submission);
    wb_msg_set_reference_id (request, 1000000);
    bench_msg_frame_sizes (request, fan->submit_sizes);
    int64_t start = bench_now_ns ();
    if (wb_client_send (fan->sender, &request) < 0)
        return -1;
    double seconds = s_crowd_collect (&fan->ours, start, samples);
    zsock_set_rcvtimeo (wb_client_socket (fan->sender), TIMEOUT_MS);
    wb_codec_status_t status;
    wb_msg_t *reply = wb_msg_recv (wb_client_socket (fan->sender), &status, NULL, NULL);
    bool acked = wb_msg_is (reply, WB_ROW_EVENT_ACK);
    wb_msg_destroy (&reply);
    return acked ? seconds : -1;
}

static double
s_fan_out_raw (s_fan_out_t *fan, bench_samples_t *samples)
{
    int64_t start = bench_now_ns ();
    if (bench_raw_fan_out (fan->control, fan->submit_sizes, fan->event_sizes))
        return -1;
    return s_crowd_collect (&fan->raw, start, samples);
}

//  The size of the event our subscribers get: one round, its event kept.
static int
s_fan_out_event_size (s_fan_out_t *fan)
{
    if (s_fan_out_ours (fan, NULL) < 0 || s_event_sizes [2] == 0)
        return -1;
    memcpy (fan->event_sizes, s_event_sizes, sizeof (s_event_sizes));
    return 0;
}

//  The raw server learns its peers from their hellos: fan out until one
//  round reaches every DEALER.
static int
s_fan_out_raw_ready (s_fan_out_t *fan)
{
    for (int attempt = 0; attempt < 20; attempt++)
        if (s_fan_out_raw (fan, NULL) >= 0)
            return 0;
    return -1;
}

static void
s_fan_out_report (bench_samples_t *rates_ours, bench_samples_t *rates_raw,
                  bench_samples_t *ours, bench_samples_t *raw, const size_t event_sizes [3])
{
    double rate_ours = bench_samples_quantile (rates_ours, 0.5);
    double rate_raw = bench_samples_quantile (rates_raw, 0.5);
    double p99 = bench_samples_quantile (ours, 0.99);
    char ours_text [128], raw_text [128], rate [32], rate_base [32];
    snprintf (ours_text, sizeof (ours_text), "%s deliveries/s, p99 %.1f ms",
              bench_format (rate, sizeof (rate), rate_ours, 0, ""), p99);
    snprintf (raw_text, sizeof (raw_text), "%s deliveries/s, p99 %.1f ms",
              bench_format (rate_base, sizeof (rate_base), rate_raw, 0, ""),
              bench_samples_quantile (raw, 0.99));
    bench_note ("event of %zu bytes to %d clients, %zu rounds; median latency ours %.1f ms, "
                "raw %.1f ms", event_sizes [0] + event_sizes [1] + event_sizes [2],
                BENCH_CLIENTS, rates_ours->size, bench_samples_quantile (ours, 0.5),
                bench_samples_quantile (raw, 0.5));
    double ratio = rate_ours / rate_raw;
    bench_row ("fan-out: one change to 1,000 subscribers", ours_text, raw_text, ratio,
               "ratio ≥ 0.95; p99 < 50 ms", ratio >= 0.95 && p99 < 50);
}

static int
s_fan_out_measure (s_fan_out_t *fan)
{
    bench_samples_t ours = { 0 }, raw = { 0 }, rates_ours = { 0 }, rates_raw = { 0 };
    int rc = s_fan_out_event_size (fan) || s_fan_out_raw_ready (fan);
    for (int round = -2; rc == 0 && round < FAN_OUT_ROUNDS; round++) {
        bool keep = round >= 0;
        double seconds_ours = s_fan_out_ours (fan, keep ? &ours : NULL);
        double seconds_raw = s_fan_out_raw (fan, keep ? &raw : NULL);
        rc = seconds_ours <= 0 || seconds_raw <= 0 ? -1 : 0;
        if (rc == 0 && keep) {
            bench_samples_add (&rates_ours, BENCH_CLIENTS / seconds_ours);
            bench_samples_add (&rates_raw, BENCH_CLIENTS / seconds_raw);
        }
    }
    if (rc == 0)
        s_fan_out_report (&rates_ours, &rates_raw, &ours, &raw, fan->event_sizes);
    bench_samples_free (&ours);
    bench_samples_free (&raw);
    bench_samples_free (&rates_ours);
    bench_samples_free (&rates_raw);
    return rc;
}

int
bench_case_fan_out (bench_site_t *site)
{
    s_fan_out_t fan = { 0 };
    s_crowd_init (&fan.ours, BENCH_CLIENTS, s_read_ours);
    s_crowd_init (&fan.raw, BENCH_CLIENTS, s_read_raw);
    zactor_t *server = bench_site_start (site);
    char raw_endpoint [256];
    zactor_t *raw_server = bench_raw_server_start (raw_endpoint, sizeof (raw_endpoint));
    fan.sender = server ? bench_client (site->endpoint, NULL) : NULL;
    fan.control = raw_server ? bench_raw_dealer (raw_endpoint) : NULL;
    int rc = fan.sender && fan.control ? 0 : -1;
    rc = rc || s_fan_out_connect (&fan, site->endpoint, raw_endpoint);
    rc = rc || s_fan_out_measure (&fan);
    for (size_t index = 0; index < BENCH_CLIENTS; index++) {
        wb_client_destroy ((wb_client_t **) &fan.ours.clients [index]);
        zsock_destroy ((zsock_t **) &fan.raw.clients [index]);
    }
    s_crowd_free (&fan.ours);
    s_crowd_free (&fan.raw);
    zsock_destroy (&fan.control);
    wb_client_destroy (&fan.sender);
    zactor_destroy (&raw_server);
    zactor_destroy (&server);
    return rc;
}

// ---------------------------------------------------------------- storm

enum { STEP_REGISTER, STEP_LOGIN, STEP_SUBSCRIBE, STEP_FETCH, STEP_DONE };

typedef struct {
    wb_client_t *client;
    char agent_id [16];
    int step;
    int64_t from;                 /* next page */
    int64_t done_ns;
} s_storm_client_t;

//  Send the request of the client's current step.
static int
s_storm_send (s_storm_client_t *self)
{
    wb_msg_t *request = NULL;
    wb_workbin_t drafts = bench_drafts (self->agent_id);
    if (self->step == STEP_REGISTER)
        request = wb_request_register_client (WB_CLIENT_AGENT_APPLICATION, "bench");
    else
    if (self->step == STEP_LOGIN)
        request = wb_request_agent_login (BENCH_TENANT, self->agent_id, NULL);
    else
    if (self->step == STEP_SUBSCRIBE)
        request = wb_request_workbin_notifications (&drafts, false);
    else
        request = bench_content_request (self->agent_id, self->from);
    return wb_client_send (self->client, &request) < 0 ? -1 : 0;
}

//  A reply arrived: next step (or next page). -1 on an EventError.
static int
s_storm_advance (s_storm_client_t *self, wb_msg_t *reply)
{
    if (wb_msg_is (reply, WB_ROW_EVENT_ERROR)) {
        char line [256];
        wb_msg_print (reply, line, sizeof (line));
        bench_note ("storm: %s step %d: %s", self->agent_id, self->step, line);
        return -1;
    }
    if (self->step == STEP_FETCH) {
        wb_event_content_t page;
        wb_event_read_content (reply, &page);
        self->from += (int64_t) wb_kvlist_size (page.interactions);
        if (self->from >= page.total_count) {
            self->step = STEP_DONE;
            self->done_ns = bench_now_ns ();
            return 0;
        }
    }
    else
        self->step++;
    return s_storm_send (self);
}

//  Take every reply waiting for one client; -1 on an error.
static int
s_storm_read (s_storm_client_t *self, size_t *done)
{
    wb_msg_t *msg;
    int rc = 0;
    while (rc == 0 && (msg = wb_client_receive (self->client))) {
        if (wb_msg_reference_id (msg) > 0 && self->step != STEP_DONE) {
            rc = s_storm_advance (self, msg);
            *done += self->step == STEP_DONE;
        }
        wb_msg_destroy (&msg);
    }
    return rc;
}

//  Start every client from a fresh connection; -1 if one cannot send.
static int
s_storm_begin (s_storm_client_t *clients, zmq_pollitem_t *items)
{
    for (size_t index = 0; index < BENCH_CLIENTS; index++) {
        s_storm_client_t *client = &clients [index];
        client->step = STEP_REGISTER;
        client->from = 0;
        client->done_ns = 0;
        if (wb_client_reconnect (client->client) || s_storm_send (client))
            return -1;
        items [index] = (zmq_pollitem_t) { zsock_resolve (wb_client_socket (client->client)),
                                           0, ZMQ_POLLIN, 0 };
    }
    return 0;
}

//  Say where the clients that did not finish are waiting.
static void
s_storm_note_stuck (const s_storm_client_t *clients, size_t done)
{
    size_t at_step [STEP_DONE] = { 0 };
    for (size_t index = 0; index < BENCH_CLIENTS; index++)
        if (clients [index].step < STEP_DONE)
            at_step [clients [index].step]++;
    bench_note ("storm: %zu of %d clients done after %d s; waiting for the reply to "
                "register %zu, login %zu, subscribe %zu, fetch %zu", done, BENCH_CLIENTS,
                STORM_LIMIT_S, at_step [STEP_REGISTER], at_step [STEP_LOGIN],
                at_step [STEP_SUBSCRIBE], at_step [STEP_FETCH]);
}

//  Every client from a fresh connection to done, or STORM_LIMIT_S passed.
//  Seconds until the last was done (the limit if some were not), -1 on an
//  error; each done client's time into samples.
static double
s_storm_run (s_storm_client_t *clients, zmq_pollitem_t *items, int64_t start,
             bench_samples_t *samples)
{
    if (s_storm_begin (clients, items))
        return -1;
    size_t done = 0;
    int64_t deadline = start + (int64_t) STORM_LIMIT_S * 1000000000;
    while (done < BENCH_CLIENTS && bench_now_ns () < deadline) {
        if (zmq_poll (items, BENCH_CLIENTS, 100) <= 0)
            continue;
        for (size_t index = 0; index < BENCH_CLIENTS; index++)
            if ((items [index].revents & ZMQ_POLLIN) && s_storm_read (&clients [index], &done))
                return -1;
    }
    if (done < BENCH_CLIENTS)
        s_storm_note_stuck (clients, done);
    int64_t last = start;
    for (size_t index = 0; index < BENCH_CLIENTS; index++) {
        if (!clients [index].done_ns)
            continue;
        last = clients [index].done_ns > last ? clients [index].done_ns : last;
        if (samples)
            bench_samples_add (samples, (double) (clients [index].done_ns - start) / 1e9);
    }
    return done == BENCH_CLIENTS ? (double) (last - start) / 1e9 : STORM_LIMIT_S;
}

static void
s_storm_report (bench_samples_t *totals, bench_samples_t *clients)
{
    double total = bench_samples_quantile (totals, 0.5);
    char ours [128];
    if (total >= STORM_LIMIT_S)
        snprintf (ours, sizeof (ours), "not all done within %d s (see bench.log)",
                  STORM_LIMIT_S);
    else
        snprintf (ours, sizeof (ours), "all done in %.2f s (median of %zu restarts); "
                  "per client median %.2f s, p99 %.2f s", total, totals->size,
                  bench_samples_quantile (clients, 0.5), bench_samples_quantile (clients, 0.99));
    bench_row ("reconnect storm: 1,000 clients register, log in, subscribe, fetch", ours,
               NULL, -1, "≤ 5 s", total <= 5.0);
}

//  The kernel's count of connections refused because a listen queue was
//  full (TcpExt ListenOverflows in /proc/net/netstat); -1 if unknown.
static long
s_listen_overflows (void)
{
    FILE *file = fopen ("/proc/net/netstat", "r");
    char names [4096], values [4096];
    long result = -1;
    while (file && fgets (names, sizeof (names), file) && fgets (values, sizeof (values), file)) {
        if (strncmp (names, "TcpExt:", 7) != 0)
            continue;
        char *name_save = NULL, *value_save = NULL;
        char *name = strtok_r (names, " \n", &name_save);
        char *value = strtok_r (values, " \n", &value_save);
        for (; name && value; name = strtok_r (NULL, " \n", &name_save),
                              value = strtok_r (NULL, " \n", &value_save))
            if (strcmp (name, "ListenOverflows") == 0)
                result = atol (value);
    }
    if (file)
        fclose (file);
    return result;
}

//  Restart the server, time the storm; the first run is the warm-up.
static int
s_storm_measure (bench_site_t *site, zactor_t **server, s_storm_client_t *clients,
                 zmq_pollitem_t *items)
{
    bench_samples_t totals = { 0 }, per_client = { 0 };
    int rc = 0;
    for (int run = -1; rc == 0 && run < STORM_RUNS; run++) {
        zactor_destroy (server);
        *server = bench_site_start (site);
        long overflows = s_listen_overflows ();
        double seconds = *server ? s_storm_run (clients, items, bench_now_ns (),
                                                run >= 0 ? &per_client : NULL) : -1;
        rc = seconds < 0 ? -1 : 0;
        if (rc == 0 && (run >= 0 || seconds >= STORM_LIMIT_S))
            bench_samples_add (&totals, seconds);
        bench_note ("storm %s: %.2f s; connections refused by a full listen queue: %ld",
                    run < 0 ? "warm-up" : "after a restart", seconds,
                    s_listen_overflows () - overflows);
        if (seconds >= STORM_LIMIT_S)
            break;              //  one run that does not finish says enough
    }
    if (rc == 0)
        s_storm_report (&totals, &per_client);
    bench_samples_free (&totals);
    bench_samples_free (&per_client);
    return rc;
}

int
bench_case_storm (bench_site_t *site)
{
    if (bench_fill_store (site->database, 1, BENCH_CLIENTS, 10, 1))
        return -1;
    zactor_t *server = bench_site_start (site);
    s_storm_client_t *clients = calloc (BENCH_CLIENTS, sizeof (s_storm_client_t));
    zmq_pollitem_t *items = calloc (BENCH_CLIENTS, sizeof (zmq_pollitem_t));
    int rc = server ? 0 : -1;
    for (size_t index = 0; rc == 0 && index < BENCH_CLIENTS; index++) {
        bench_agent_id (clients [index].agent_id, sizeof (clients [index].agent_id),
                        (int) index + 1);
        clients [index].client = wb_client_new (site->endpoint);
        rc = clients [index].client ? 0 : -1;
    }
    rc = rc || s_storm_measure (site, &server, clients, items);
    for (size_t index = 0; index < BENCH_CLIENTS; index++)
        wb_client_destroy (&clients [index].client);
    free (clients);
    free (items);
    zactor_destroy (&server);
    return rc;
}
