/*  bench_cluster_writes: durable writes across three nodes of one
    PostgreSQL. WRITERS_PER_NODE media-server clients on each node keep
    WINDOW RequestSubmit each in flight into a draft workbin of their own;
    an EventAck means committed (the node's group commit). Against raw
    libpq on one connection per node, each doing one transaction per
    change that writes the same rows as the store (wb_store_pg.c): the
    interaction, the workbin's version and count, the change log's row,
    pg_notify; in a schema of its own in the same database. Runs
    alternate, ours then raw; the medians are reported. */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>
#include "bench_util.h"
#include "bench_data.h"
#include "bench_cluster_site.h"

#define WRITERS_PER_NODE 4
#define WRITERS (WRITERS_PER_NODE * BENCH_SITE_NODES)
#define WINDOW 4
#define RUNS 3
#define WARM_UP_S 0.5
#define RUN_S 3.0
#define TIMEOUT_MS 10000
#define SLOTS 64                        /* send times kept by ReferenceId; > WINDOW */

typedef struct {
    wb_client_t *client;
    char agent_id [16];                 /* its workbin: draft@agent_id */
    int64_t sent_ns [SLOTS];
    long in_flight;
} s_writer_t;

typedef struct {
    s_writer_t writers [WRITERS];
    zmq_pollitem_t items [WRITERS];
    int64_t from_ns, to_ns;             /* the measured part */
    int64_t acks;                       /* acknowledged in it */
    bench_samples_t *latencies;         /* ms, of those */
} s_ours_t;

// ---------------------------------------------------------------- ours

static int
s_writer_send (s_writer_t *self)
{
    wb_submission_t submission = {
        .workbin = bench_drafts (self->agent_id), .media_type = "email",
        .interaction_type = "Inbound", .subject = "Re: order 123456 delivery date and invoice",
        .from_address = "customer123@example.com",
    };
    wb_msg_t *request = wb_request_submit (&submission);
    int64_t reference = wb_client_send (self->client, &request);
    if (reference < 0)
        return -1;
    self->sent_ns [reference % SLOTS] = bench_now_ns ();
    self->in_flight++;
    return 0;
}

//  Take a writer's replies; while sending, each EventAck sends the next
//  submit. Acks in the measured part counted, with their latency.
static int
s_writer_read (s_ours_t *ours, s_writer_t *self, bool sending)
{
    wb_msg_t *reply;
    while ((reply = wb_client_receive (self->client))) {
        int64_t reference = wb_msg_reference_id (reply);
        bool acked = wb_msg_is (reply, WB_ROW_EVENT_ACK);
        if (reference > 0 && !acked) {
            char line [256];
            wb_msg_print (reply, line, sizeof (line));
            bench_note ("writes: %s", line);
        }
        wb_msg_destroy (&reply);
        if (reference <= 0)
            continue;                   //  an event: nobody subscribed, but harmless
        if (!acked)
            return -1;
        int64_t now = bench_now_ns ();
        self->in_flight--;
        if (ours->from_ns && !ours->to_ns) {
            ours->acks++;
            bench_samples_add (ours->latencies,
                               (double) (now - self->sent_ns [reference % SLOTS]) / 1e6);
        }
        if (sending && s_writer_send (self))
            return -1;
    }
    return 0;
}

//  A warm-up, RUN_S seconds measured, then drain: acks per second, or -1.
static double
s_ours_run (s_ours_t *ours, bench_samples_t *latencies)
{
    ours->from_ns = ours->to_ns = 0;
    ours->acks = 0;
    ours->latencies = latencies;
    for (size_t index = 0; index < WRITERS; index++)
        for (int slot = 0; slot < WINDOW; slot++)
            if (s_writer_send (&ours->writers [index]))
                return -1;
    int64_t start = bench_now_ns ();
    long pending = WRITERS * WINDOW;
    while (pending > 0) {
        double elapsed = bench_seconds_since (start);
        if (!ours->from_ns && elapsed >= WARM_UP_S)
            ours->from_ns = bench_now_ns ();
        if (ours->from_ns && !ours->to_ns && elapsed >= WARM_UP_S + RUN_S)
            ours->to_ns = bench_now_ns ();
        if (elapsed > WARM_UP_S + RUN_S + TIMEOUT_MS / 1000.0) {
            bench_note ("writes: %ld submits unanswered after %d s", pending, TIMEOUT_MS / 1000);
            return -1;
        }
        zmq_poll (ours->items, WRITERS, 100);
        pending = 0;
        for (size_t index = 0; index < WRITERS; index++) {
            if ((ours->items [index].revents & ZMQ_POLLIN)
            &&  s_writer_read (ours, &ours->writers [index], ours->to_ns == 0))
                return -1;
            pending += ours->writers [index].in_flight;
        }
    }
    return (double) ours->acks * 1e9 / (double) (ours->to_ns - ours->from_ns);
}

//  Writer k on node k % 3, into draft@a000(k+1); -1 if a session fails.
static int
s_ours_open (s_ours_t *ours, const bench_site_nodes_t *site)
{
    for (int index = 0; index < WRITERS; index++) {
        s_writer_t *writer = &ours->writers [index];
        bench_agent_id (writer->agent_id, sizeof (writer->agent_id), index + 1);
        writer->client = bench_client (site->endpoints [index % BENCH_SITE_NODES], NULL);
        if (!writer->client)
            return -1;
        ours->items [index] = (zmq_pollitem_t) {
            zsock_resolve (wb_client_socket (writer->client)), 0, ZMQ_POLLIN, 0 };
    }
    return 0;
}

// ---------------------------------------------------------------- raw libpq

//  The store's tables, as wb_store_pg.c makes them, without its trigger:
//  here the bump updates version and count in one statement.
static const char *s_raw_schema =
    "SET client_min_messages TO warning;"
    "DROP SCHEMA IF EXISTS bench_raw CASCADE;"
    "CREATE SCHEMA bench_raw;"
    "SET search_path TO bench_raw;"
    "CREATE TABLE workbin (type_id text NOT NULL, owner_id text NOT NULL,"
    "    version bigint NOT NULL DEFAULT 0, size bigint NOT NULL DEFAULT 0,"
    "    PRIMARY KEY (type_id, owner_id));"
    "CREATE TABLE interaction (id text NOT NULL PRIMARY KEY, type_id text, owner_id text,"
    "    position bigint NOT NULL, moved_at text COLLATE \"C\", properties bytea NOT NULL);"
    "CREATE INDEX interaction_by_position ON interaction (type_id, owner_id, position);"
    "CREATE INDEX interaction_by_moved_at ON interaction (type_id, owner_id, moved_at);"
    "CREATE SEQUENCE interaction_position;"
    "CREATE SEQUENCE interaction_id;"
    "CREATE TABLE change_log (id bigint GENERATED ALWAYS AS IDENTITY,"
    "    type_id text NOT NULL, owner_id text NOT NULL, version bigint NOT NULL,"
    "    interaction_id text, operation smallint NOT NULL, properties bytea,"
    "    made_at timestamptz NOT NULL DEFAULT now (), event bytea,"
    "    PRIMARY KEY (type_id, owner_id, version));"
    "CREATE INDEX change_log_by_age ON change_log (made_at);"
    //  the workbins of the WRITERS (12) writers
    "INSERT INTO workbin (type_id, owner_id)"
    "    SELECT 'draft', 'a' || lpad (n::text, 4, '0') FROM generate_series (1, 12) AS n;";

typedef struct {
    const char *name;
    const char *sql;
} s_raw_statement_t;

enum { RAW_BUMP, RAW_INSERT, RAW_LOG, RAW_NOTIFY, RAW_COUNT };

static const s_raw_statement_t s_raw_statements [RAW_COUNT] = {
    [RAW_BUMP] = { "bump", "UPDATE workbin SET version = version + 1, size = size + 1"
                           " WHERE type_id = $1 AND owner_id = $2 RETURNING version" },
    [RAW_INSERT] = { "insert",
        "INSERT INTO interaction (id, type_id, owner_id, position, moved_at, properties)"
        " VALUES (nextval ('interaction_id')::text, $1, $2, nextval ('interaction_position'),"
        " $3, $4) RETURNING id" },
    [RAW_LOG] = { "log",
        "INSERT INTO change_log (type_id, owner_id, version, interaction_id, operation,"
        " properties, event) VALUES ($1, $2, $3, $4, 1, $5, $6)" },
    [RAW_NOTIFY] = { "notify", "SELECT pg_notify ('bench_raw', $1), txid_current ()" },
};

typedef struct {
    const char *conninfo;
    int connection;                     /* 0..2: its workbins are its node's writers' */
    const char *bytes;                  /* properties and event, of row_bytes */
    int row_bytes;
    double *rate;                       /* commits per second of the measured part */
    bench_samples_t *latencies;         /* ms per transaction, of that part */
    int rc;
} s_raw_t;

//  One statement: its result if it went well (caller clears), else NULL.
static PGresult *
s_raw_exec (PGconn *conn, int id, int count, const char *const *values, const int *lengths,
            const int *formats)
{
    PGresult *result = PQexecPrepared (conn, s_raw_statements [id].name, count, values,
                                       lengths, formats, 0);
    ExecStatusType status = PQresultStatus (result);
    if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK)
        return result;
    bench_note ("raw %s: %s", s_raw_statements [id].name, PQresultErrorMessage (result));
    PQclear (result);
    return NULL;
}

static int
s_raw_command (PGconn *conn, const char *sql)
{
    PGresult *result = PQexec (conn, sql);
    int rc = PQresultStatus (result) == PGRES_COMMAND_OK ? 0 : -1;
    if (rc)
        bench_note ("raw %.40s: %s", sql, PQresultErrorMessage (result));
    PQclear (result);
    return rc;
}

//  One change in its own transaction, into draft@owner: the store's rows.
static int
s_raw_change (PGconn *conn, const s_raw_t *self, const char *owner)
{
    if (s_raw_command (conn, "BEGIN"))
        return -1;
    const char *keys [2] = { "draft", owner };
    PGresult *bumped = s_raw_exec (conn, RAW_BUMP, 2, keys, NULL, NULL);
    const char *insert [4] = { "draft", owner, "2026-03-02T09:15:27Z", self->bytes };
    int lengths [6] = { 0, 0, 0, self->row_bytes, 0, 0 };
    int formats [6] = { 0, 0, 0, 1, 0, 0 };
    PGresult *inserted = bumped ? s_raw_exec (conn, RAW_INSERT, 4, insert, lengths, formats)
                                : NULL;
    PGresult *logged = NULL, *notified = NULL;
    if (inserted) {
        const char *log [6] = { "draft", owner, PQgetvalue (bumped, 0, 0),
                                PQgetvalue (inserted, 0, 0), self->bytes, self->bytes };
        int log_lengths [6] = { 0, 0, 0, 0, self->row_bytes, self->row_bytes };
        int log_formats [6] = { 0, 0, 0, 0, 1, 1 };
        logged = s_raw_exec (conn, RAW_LOG, 6, log, log_lengths, log_formats);
        char payload [128];
        snprintf (payload, sizeof (payload), "draft/%s/%s/%s", owner, PQgetvalue (bumped, 0, 0),
                  PQgetvalue (inserted, 0, 0));
        const char *notify [1] = { payload };
        notified = logged ? s_raw_exec (conn, RAW_NOTIFY, 1, notify, NULL, NULL) : NULL;
    }
    int rc = notified ? 0 : -1;
    PQclear (bumped);
    PQclear (inserted);
    PQclear (logged);
    PQclear (notified);
    return s_raw_command (conn, rc ? "ROLLBACK" : "COMMIT") || rc ? -1 : 0;
}

static PGconn *
s_raw_connect (const char *conninfo)
{
    PGconn *conn = PQconnectdb (conninfo);
    if (PQstatus (conn) != CONNECTION_OK) {
        bench_note ("raw: %s", PQerrorMessage (conn));
        PQfinish (conn);
        return NULL;
    }
    return conn;
}

//  A connection's thread: changes one after the other, round robin over
//  its node's writers' workbins, for a warm-up and RUN_S seconds.
static void *
s_raw_thread (void *arg)
{
    s_raw_t *self = arg;
    self->rc = -1;
    PGconn *conn = s_raw_connect (self->conninfo);
    int rc = conn ? s_raw_command (conn, "SET search_path TO bench_raw") : -1;
    for (int id = 0; rc == 0 && id < RAW_COUNT; id++) {
        PGresult *result = PQprepare (conn, s_raw_statements [id].name,
                                      s_raw_statements [id].sql, 0, NULL);
        rc = PQresultStatus (result) == PGRES_COMMAND_OK ? 0 : -1;
        PQclear (result);
    }
    int64_t start = bench_now_ns (), from_ns = 0, to_ns = 0, commits = 0;
    for (int turn = 0; rc == 0 && !to_ns; turn++) {
        double elapsed = bench_seconds_since (start);
        if (!from_ns && elapsed >= WARM_UP_S)
            from_ns = bench_now_ns ();
        if (elapsed >= WARM_UP_S + RUN_S) {
            to_ns = bench_now_ns ();
            break;
        }
        char owner [16];
        int writer = self->connection + BENCH_SITE_NODES * (turn % WRITERS_PER_NODE);
        bench_agent_id (owner, sizeof (owner), writer + 1);
        int64_t began = bench_now_ns ();
        rc = s_raw_change (conn, self, owner);
        if (rc == 0 && from_ns) {
            commits++;
            bench_samples_add (self->latencies, (double) (bench_now_ns () - began) / 1e6);
        }
    }
    PQfinish (conn);
    if (rc == 0 && to_ns > from_ns) {
        *self->rate = (double) commits * 1e9 / (double) (to_ns - from_ns);
        self->rc = 0;
    }
    return NULL;
}

//  One run of the raw connections at once: commits per second, or -1.
static double
s_raw_run (const bench_site_nodes_t *site, const char *bytes, int row_bytes,
           bench_samples_t *latencies)
{
    s_raw_t raw [BENCH_SITE_NODES];
    double rates [BENCH_SITE_NODES] = { 0 };
    bench_samples_t samples [BENCH_SITE_NODES];
    pthread_t threads [BENCH_SITE_NODES];
    memset (samples, 0, sizeof (samples));
    int started = 0;
    for (int index = 0; index < BENCH_SITE_NODES; index++, started++) {
        raw [index] = (s_raw_t) { site->conninfo, index, bytes, row_bytes, &rates [index],
                                  &samples [index], -1 };
        if (pthread_create (&threads [index], NULL, s_raw_thread, &raw [index]))
            break;
    }
    double rate = started == BENCH_SITE_NODES ? 0 : -1;
    for (int index = 0; index < started; index++) {
        pthread_join (threads [index], NULL);
        if (raw [index].rc)
            rate = -1;
        else
        if (rate >= 0)
            rate += rates [index];
        for (size_t sample = 0; sample < samples [index].size; sample++)
            bench_samples_add (latencies, samples [index].values [sample]);
        bench_samples_free (&samples [index]);
    }
    return rate;
}

static int
s_raw_setup (const char *conninfo)
{
    PGconn *conn = s_raw_connect (conninfo);
    if (!conn)
        return -1;
    PGresult *result = PQexec (conn, s_raw_schema);
    int rc = PQresultStatus (result) == PGRES_COMMAND_OK ? 0 : -1;
    if (rc)
        bench_note ("raw schema: %s", PQresultErrorMessage (result));
    PQclear (result);
    PQfinish (conn);
    return rc;
}

// ---------------------------------------------------------------- the case

static void
s_writes_report (bench_samples_t *rates, bench_samples_t *rates_raw, bench_samples_t *latencies,
                 bench_samples_t *latencies_raw)
{
    double rate = bench_samples_quantile (rates, 0.5);
    double rate_raw = bench_samples_quantile (rates_raw, 0.5);
    char name [160], ours_text [96], raw_text [128], figure [32];
    snprintf (name, sizeof (name), "cluster durable writes: RequestSubmit on 3 nodes, "
              "%d clients × %d in flight", WRITERS, WINDOW);
    snprintf (ours_text, sizeof (ours_text), "%s/s, p99 %.1f ms",
              bench_format (figure, sizeof (figure), rate, 0, ""),
              bench_samples_quantile (latencies, 0.99));
    snprintf (raw_text, sizeof (raw_text), "%s/s, p99 %.1f ms (raw libpq, %d connections, "
              "a transaction per change)", bench_format (figure, sizeof (figure), rate_raw, 0, ""),
              bench_samples_quantile (latencies_raw, 0.99), BENCH_SITE_NODES);
    bench_note ("writes: median latency ours %.2f ms, raw %.2f ms",
                bench_samples_quantile (latencies, 0.5),
                bench_samples_quantile (latencies_raw, 0.5));
    bench_row (name, ours_text, raw_text, rate / rate_raw, "reported", -1);
}

int
bench_cluster_writes (const bench_site_nodes_t *site)
{
    s_ours_t *ours = calloc (1, sizeof (s_ours_t));
    wb_kvlist_t *row = bench_interaction (1, "draft", "WorkbinAgentId", "a0001");
    int row_bytes = (int) wb_kvlist_encoded_size (row);
    wb_kvlist_destroy (&row);
    char *bytes = malloc ((size_t) row_bytes);
    memset (bytes, 'x', (size_t) row_bytes);
    int rc = s_raw_setup (site->conninfo) || s_ours_open (ours, site) ? -1 : 0;
    bench_samples_t rates = { 0 }, rates_raw = { 0 }, latencies = { 0 }, latencies_raw = { 0 };
    for (int run = 0; rc == 0 && run < RUNS; run++) {
        double rate = s_ours_run (ours, &latencies);
        double rate_raw = rate > 0 ? s_raw_run (site, bytes, row_bytes, &latencies_raw) : -1;
        bench_note ("writes run %d: ours %.0f/s, raw %.0f/s", run + 1, rate, rate_raw);
        rc = rate > 0 && rate_raw > 0 ? 0 : -1;
        bench_samples_add (&rates, rate);
        bench_samples_add (&rates_raw, rate_raw);
    }
    if (rc == 0)
        s_writes_report (&rates, &rates_raw, &latencies, &latencies_raw);
    bench_samples_free (&rates);
    bench_samples_free (&rates_raw);
    bench_samples_free (&latencies);
    bench_samples_free (&latencies_raw);
    for (size_t index = 0; index < WRITERS; index++)
        wb_client_destroy (&ours->writers [index].client);
    free (ours);
    free (bytes);
    return rc;
}
