/*  bench_cluster_failover: a failover storm. AGENTS agent applications,
    all in this process and polled by one loop, each given the site's
    three endpoints ("1,2,3", as wbctl -e takes them), as the console
    behaves: register, log in, subscribe to team@sales, and count as
    working once an event of a change newer than the subscription came;
    then ping every PING_MS; a connection that closes (its monitor says
    so: the node's process ended), or a request without answer within its
    deadline (a node that went without closing), means the node is gone:
    move to the next endpoint and start over. A media server on node 3 submits into team@sales every CHANGE_MS
    while an agent waits for a change.

    Baseline: the agents' first connection to the running node 1, from
    nothing to all working. Ours: node 1 killed (SIGKILL) under them, from
    the kill to all working again on the survivors (noticing the silence
    included). p50, p99 and max of each agent's time; the ratio compares
    the max (all working). */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench_util.h"
#include "bench_data.h"
#include "bench_cluster_site.h"
#include "wb_events.h"

#define AGENTS 1000
#define LIMIT_S 60                      /* a phase that takes longer failed */
#define HOLD_MS 2000                    /* all working, before the kill */
#define PING_MS 1000                    /* keep-alive once working */
#define PING_DEADLINE_MS 1000           /* a ping without answer: the node is gone */
#define REQUEST_DEADLINE_MS 3000        /* the same for a session's requests, */
#define CHANGE_DEADLINE_MS 3000         /* and for the first change after subscribing */
#define RETRY_MS 100                    /* after an EventError (a login still held) */
#define CHANGE_MS 25
#define WRITER_DEADLINE_MS 10000

static const wb_workbin_t s_team = { "team", WB_OWNER_AGENT_GROUP, NULL, "sales" };

enum { STEP_REGISTER, STEP_LOGIN, STEP_SUBSCRIBE, STEP_CHANGE, STEP_WORKING };

typedef struct {
    wb_client_t *client;
    char agent_id [16];
    int step;
    int64_t waiting;                    /* ReferenceId awaiting its reply; 0: none */
    int64_t since_ns;                   /* when it went (or the subscription's ack) */
    int64_t next_ns;                    /* when to send the next request */
    int64_t version;                    /* WorkbinVersion of the subscription */
    int64_t done_ns;                    /* working, in this phase; 0: not yet */
    int64_t moved_ns;                   /* first move in this phase; 0: none */
} s_agent_t;

typedef struct {
    s_agent_t agents [AGENTS];
    zmq_pollitem_t items [AGENTS + 1];  /* the last: the writer */
    wb_client_t *writer;
    int64_t writer_waiting, writer_since_ns, writer_next_ns;
    size_t done, waiting_change;
    int64_t moves, retries;
    char first_error [256];
} s_storm_t;

static void
s_agent_socket (s_storm_t *storm, size_t index)
{
    storm->items [index] = (zmq_pollitem_t) {
        zsock_resolve (wb_client_socket (storm->agents [index].client)), 0, ZMQ_POLLIN, 0 };
}

//  The request of the agent's step, now; -1 if it could not go.
static int
s_agent_send (s_agent_t *self, int64_t now)
{
    wb_msg_t *request;
    if (self->step == STEP_REGISTER)
        request = wb_request_register_client (WB_CLIENT_AGENT_APPLICATION, "bench-failover");
    else
    if (self->step == STEP_LOGIN)
        request = wb_request_agent_login (BENCH_TENANT, self->agent_id, NULL);
    else
    if (self->step == STEP_SUBSCRIBE)
        request = wb_request_workbin_notifications (&s_team, false);
    else
        request = wb_request_ping ();
    int64_t reference = wb_client_send (self->client, &request);
    self->waiting = reference > 0 ? reference : 0;
    self->since_ns = now;
    return reference > 0 ? 0 : -1;
}

//  The node is silent: a new connection to the next one, from the start.
static int
s_agent_move (s_storm_t *storm, size_t index, int64_t now)
{
    s_agent_t *self = &storm->agents [index];
    if (self->step == STEP_CHANGE)
        storm->waiting_change--;
    if (!self->moved_ns)
        self->moved_ns = now;
    storm->moves++;
    self->step = STEP_REGISTER;
    self->waiting = 0;
    self->next_ns = now;
    if (wb_client_move (self->client))
        return -1;
    s_agent_socket (storm, index);
    return 0;
}

static void
s_agent_working (s_storm_t *storm, s_agent_t *self, int64_t now)
{
    storm->waiting_change--;
    self->step = STEP_WORKING;
    self->next_ns = now + (int64_t) PING_MS * 1000000;
    if (!self->done_ns) {
        self->done_ns = now;
        storm->done++;
    }
}

//  The reply to the request the agent waits for: its next step.
static void
s_agent_reply (s_storm_t *storm, s_agent_t *self, wb_msg_t *reply, int64_t now)
{
    self->waiting = 0;
    if (!wb_msg_is (reply, WB_ROW_EVENT_ACK)) {
        //  a login the dead node still holds, until PostgreSQL frees its lock
        if (!storm->first_error [0])
            wb_msg_print (reply, storm->first_error, sizeof (storm->first_error));
        storm->retries++;
        self->next_ns = now + (int64_t) RETRY_MS * 1000000;
        return;
    }
    if (self->step == STEP_SUBSCRIBE) {
        wb_event_ack_t ack = { 0 };
        wb_event_read_ack (reply, &ack);
        self->version = ack.workbin_version > 0 ? ack.workbin_version : 0;
        self->since_ns = now;
        self->step = STEP_CHANGE;
        storm->waiting_change++;
    }
    else
    if (self->step == STEP_WORKING)
        self->next_ns = now + (int64_t) PING_MS * 1000000;
    else {
        self->step++;
        self->next_ns = now;
    }
}

//  Everything waiting for one agent: replies, and the change it waits for.
static void
s_agent_read (s_storm_t *storm, s_agent_t *self, int64_t now)
{
    wb_msg_t *msg;
    while ((msg = wb_client_receive (self->client))) {
        int64_t reference = wb_msg_reference_id (msg);
        wb_event_change_t change;
        if (reference > 0 && reference == self->waiting)
            s_agent_reply (storm, self, msg, now);
        else
        if (reference <= 0 && self->step == STEP_CHANGE
        &&  wb_event_read_change (msg, &change) == 0 && change.version > self->version)
            s_agent_working (storm, self, now);
        wb_msg_destroy (&msg);
    }
}

//  The agent's clock: a request due, or a silence too long. -1 on failure.
static int
s_agent_tick (s_storm_t *storm, size_t index, int64_t now)
{
    s_agent_t *self = &storm->agents [index];
    if (wb_client_dropped (self->client))
        return s_agent_move (storm, index, now);
    int64_t silence_ms = (now - self->since_ns) / 1000000;
    if (self->step == STEP_CHANGE)
        return silence_ms > CHANGE_DEADLINE_MS ? s_agent_move (storm, index, now) : 0;
    if (self->waiting) {
        int deadline = self->step == STEP_WORKING ? PING_DEADLINE_MS : REQUEST_DEADLINE_MS;
        return silence_ms > deadline ? s_agent_move (storm, index, now) : 0;
    }
    if (now < self->next_ns)
        return 0;
    //  a send refused (no connection to queue on) is silence as well
    return s_agent_send (self, now) ? s_agent_move (storm, index, now) : 0;
}

//  The writer: a change into team@sales while an agent waits for one.
static int
s_writer_tick (s_storm_t *storm, int64_t now)
{
    wb_msg_t *reply;
    while ((reply = wb_client_receive (storm->writer))) {
        if (wb_msg_reference_id (reply) == storm->writer_waiting) {
            if (!wb_msg_is (reply, WB_ROW_EVENT_ACK)) {
                char line [256];
                wb_msg_print (reply, line, sizeof (line));
                bench_note ("failover: the writer's submit: %s", line);
                wb_msg_destroy (&reply);
                return -1;
            }
            storm->writer_waiting = 0;
            storm->writer_next_ns = now + (int64_t) CHANGE_MS * 1000000;
        }
        wb_msg_destroy (&reply);
    }
    if (storm->writer_waiting)
        return (now - storm->writer_since_ns) / 1000000 > WRITER_DEADLINE_MS ? -1 : 0;
    if (storm->waiting_change == 0 || now < storm->writer_next_ns)
        return 0;
    wb_submission_t submission = { .workbin = s_team, .media_type = "email",
                                   .interaction_type = "Inbound",
                                   .subject = "Re: order 123456 delivery date",
                                   .from_address = "customer123@example.com" };
    wb_msg_t *request = wb_request_submit (&submission);
    storm->writer_waiting = wb_client_send (storm->writer, &request);
    storm->writer_since_ns = now;
    return storm->writer_waiting > 0 ? 0 : -1;
}

//  Poll and tick until every agent is working (all) or until until_ns
//  (!all); -1 on a failure or past the phase's limit.
static int
s_storm_loop (s_storm_t *storm, bool all, int64_t until_ns)
{
    while (all ? storm->done < AGENTS : bench_now_ns () < until_ns) {
        int64_t now = bench_now_ns ();
        if (all && now > until_ns) {
            size_t at_step [STEP_WORKING + 1] = { 0 };
            for (size_t index = 0; index < AGENTS; index++)
                if (!storm->agents [index].done_ns)
                    at_step [storm->agents [index].step]++;
            bench_note ("failover: %zu of %d agents working after %d s; the others at "
                        "register %zu, login %zu, subscribe %zu, change %zu", storm->done,
                        AGENTS, LIMIT_S, at_step [STEP_REGISTER], at_step [STEP_LOGIN],
                        at_step [STEP_SUBSCRIBE], at_step [STEP_CHANGE]);
            return -1;
        }
        zmq_poll (storm->items, AGENTS + 1, 10);
        now = bench_now_ns ();
        for (size_t index = 0; index < AGENTS; index++) {
            if (storm->items [index].revents & ZMQ_POLLIN)
                s_agent_read (storm, &storm->agents [index], now);
            if (s_agent_tick (storm, index, now))
                return -1;
        }
        if (s_writer_tick (storm, now)) {
            bench_note ("failover: the writer on node 3 got no answer");
            return -1;
        }
    }
    return 0;
}

//  Each agent's time from start to working (s), into samples.
static void
s_storm_times (const s_storm_t *storm, int64_t start, bench_samples_t *samples,
               bench_samples_t *moved)
{
    for (size_t index = 0; index < AGENTS; index++) {
        const s_agent_t *agent = &storm->agents [index];
        bench_samples_add (samples, (double) (agent->done_ns - start) / 1e9);
        if (moved && agent->moved_ns)
            bench_samples_add (moved, (double) (agent->moved_ns - start) / 1e9);
    }
}

//  The agents' first connection to the running node 1.
static int
s_storm_first (s_storm_t *storm, const char *list, bench_samples_t *samples)
{
    int64_t start = bench_now_ns ();
    wb_client_set_watch_connections (true);     //  as the console does
    for (size_t index = 0; index < AGENTS; index++) {
        s_agent_t *agent = &storm->agents [index];
        bench_agent_id (agent->agent_id, sizeof (agent->agent_id), (int) index + 1);
        agent->client = wb_client_new (list);
        if (!agent->client)
            return -1;
        agent->next_ns = start;
        s_agent_socket (storm, index);
    }
    int rc = s_storm_loop (storm, true, start + (int64_t) LIMIT_S * 1000000000);
    if (rc == 0)
        s_storm_times (storm, start, samples, NULL);
    return rc;
}

//  Node 1 killed under the working agents: all working again.
static int
s_storm_failover (s_storm_t *storm, const bench_site_nodes_t *site, bench_samples_t *samples,
                  bench_samples_t *moved)
{
    int rc = s_storm_loop (storm, false, bench_now_ns () + (int64_t) HOLD_MS * 1000000);
    size_t elsewhere = 0;
    storm->done = 0;
    storm->moves = storm->retries = 0;
    storm->first_error [0] = 0;
    int64_t start = bench_now_ns ();
    for (size_t index = 0; index < AGENTS; index++) {
        s_agent_t *agent = &storm->agents [index];
        agent->moved_ns = 0;
        agent->done_ns = 0;
        //  moved off node 1 before the kill: working there already
        if (strcmp (wb_client_endpoint (agent->client), site->endpoints [0])
        &&  agent->step == STEP_WORKING) {
            agent->done_ns = start;
            storm->done++;
            elsewhere++;
        }
    }
    if (elsewhere)
        bench_note ("failover: %zu agents were off node 1 before the kill", elsewhere);
    if (rc || kill (site->node_1, SIGKILL)) {
        bench_note ("failover: node 1 (process %d) could not be killed", (int) site->node_1);
        return -1;
    }
    rc = s_storm_loop (storm, true, start + (int64_t) LIMIT_S * 1000000000);
    if (rc == 0)
        s_storm_times (storm, start, samples, moved);
    bench_note ("failover: %" PRId64 " moves, %" PRId64 " retries after an EventError%s%s",
                storm->moves, storm->retries, storm->first_error [0] ? ", the first: " : "",
                storm->first_error);
    return rc;
}

static void
s_storm_text (char *text, size_t size, bench_samples_t *samples)
{
    snprintf (text, size, "p50 %.2f s, p99 %.2f s, all %.2f s",
              bench_samples_quantile (samples, 0.5), bench_samples_quantile (samples, 0.99),
              bench_samples_quantile (samples, 1.0));
}

static void
s_storm_report (bench_samples_t *failover, bench_samples_t *first, bench_samples_t *moved)
{
    char name [160], ours [160], baseline [128], agents [32], noticed [64];
    snprintf (name, sizeof (name), "failover storm: %s agents of a killed node working again "
              "(ping %d s, deadline %d s)", bench_format (agents, sizeof (agents), AGENTS, 0, ""),
              PING_MS / 1000, PING_DEADLINE_MS / 1000);
    s_storm_text (ours, sizeof (ours), failover);
    s_storm_text (baseline, sizeof (baseline), first);
    snprintf (noticed, sizeof (noticed), "; the silence noticed: p50 %.2f s",
              bench_samples_quantile (moved, 0.5));
    strncat (ours, noticed, sizeof (ours) - strlen (ours) - 1);
    bench_note ("failover: %s; first connection: %s; %zu agents moved, the last noticed at "
                "%.2f s", ours, baseline, moved->size, bench_samples_quantile (moved, 1.0));
    strncat (baseline, " (first connection, running node)", sizeof (baseline) - strlen (baseline) - 1);
    double all = bench_samples_quantile (failover, 1.0);
    double all_first = bench_samples_quantile (first, 1.0);
    bench_row (name, ours, baseline, all_first > 0 ? all / all_first : -1, "reported", -1);
}

int
bench_cluster_failover (const bench_site_nodes_t *site)
{
    char list [1024];
    snprintf (list, sizeof (list), "%s,%s,%s", site->endpoints [0], site->endpoints [1],
              site->endpoints [2]);
    s_storm_t *storm = calloc (1, sizeof (s_storm_t));
    storm->writer = bench_client (site->endpoints [2], NULL);
    int rc = storm->writer ? 0 : -1;
    if (rc == 0)
        storm->items [AGENTS] = (zmq_pollitem_t) {
            zsock_resolve (wb_client_socket (storm->writer)), 0, ZMQ_POLLIN, 0 };
    bench_samples_t first = { 0 }, failover = { 0 }, moved = { 0 };
    rc = rc || s_storm_first (storm, list, &first);
    rc = rc || s_storm_failover (storm, site, &failover, &moved);
    if (rc == 0)
        s_storm_report (&failover, &first, &moved);
    bench_samples_free (&first);
    bench_samples_free (&failover);
    bench_samples_free (&moved);
    for (size_t index = 0; index < AGENTS; index++)
        wb_client_destroy (&storm->agents [index].client);
    wb_client_destroy (&storm->writer);
    free (storm);
    return rc;
}
