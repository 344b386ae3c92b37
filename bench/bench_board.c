/*  bench_board: the cost of a supervisor's live board (issue 16).

        bench_board ENDPOINT SERVER_PID

    Against a wbserver process whose directory gives the supervisor
    "boss" 400 workbins (run-bench.sh writes it: 200 agents of one team,
    two agent workbin types): a writer (a media server) makes 1,000
    changes a second, each a RequestSubmit into the next of those 400
    workbins, for BENCH_SECONDS. First with no supervisor (the baseline),
    then with one that works as the console does: it logs in, asks for
    statistic notifications, reads the types (the sidebar), and for each
    EventWorkbinStatistic that arrives applies it to the console's model
    and builds the board again (wbc_model_apply_statistic, wbc_board_build).

    Rows: the supervisor's CPU per second of load; the lag from a change's
    request (before its commit) to the board holding it, p50 and p99
    (matched by workbin and version, both on one monotonic clock); the
    server's CPU per second with the board against without it (ratio), and
    the statistic events sent per change.
*/
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "bench_util.h"
#include "wb_client.h"
#include "wb_events.h"
#include "wb_requests.h"
#include "wbc_board.h"
#include "wbc_model.h"

#define BENCH_WORKBINS 400          /* the agents a000..a199, types draft and work */
#define BENCH_RATE 1000             /* changes a second */
#define BENCH_SECONDS 5
#define BENCH_CHANGES (BENCH_RATE * BENCH_SECONDS)
#define BENCH_TIMEOUT_MS 10000

/* When each change was sent, and when the board held it: by the workbin's
   index and its version (versions of a workbin count from 1, across the
   two runs). The send is before the commit: the lag measured is an upper
   bound of the one from the commit. */
#define BENCH_VERSIONS (2 * (BENCH_CHANGES / BENCH_WORKBINS) + 4)     /* both runs */
static int64_t s_sent_ns [BENCH_WORKBINS][BENCH_VERSIONS];
static int64_t s_shown_ns [BENCH_WORKBINS][BENCH_VERSIONS];

typedef struct {
    const char *endpoint;
    volatile bool stop;
    volatile bool ready;
    int64_t cpu_ns;                  /* the supervisor thread's CPU time */
    size_t events;                   /* statistic events received */
} s_supervisor_t;

//  The workbin of index: agent a%03d's "draft" (even) or "work" (odd).
static void
s_workbin_of (int index, char *type, char *owner)
{
    sprintf (type, "%s", index % 2 ? "work" : "draft");
    sprintf (owner, "a%03d", index / 2);
}

static int
s_index_of (const char *type, const char *owner)
{
    if (!type || !owner || owner [0] != 'a')
        return -1;
    int agent = atoi (owner + 1);
    int index = agent * 2 + (strcmp (type, "work") == 0);
    return agent >= 0 && index < BENCH_WORKBINS ? index : -1;
}

static int64_t
s_thread_cpu_ns (void)
{
    struct timespec now;
    clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
    return (int64_t) now.tv_sec * 1000000000 + now.tv_nsec;
}

//  The server's CPU time (user + system), from /proc/PID/stat, in ns.
static int64_t
s_process_cpu_ns (int pid)
{
    char path [64], line [1024];
    snprintf (path, sizeof (path), "/proc/%d/stat", pid);
    FILE *file = fopen (path, "r");
    if (!file || !fgets (line, sizeof (line), file)) {
        if (file)
            fclose (file);
        return -1;
    }
    fclose (file);
    const char *after = strrchr (line, ')');
    unsigned long long user = 0, system = 0;
    if (!after || sscanf (after + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
                          &user, &system) != 2)
        return -1;
    return (int64_t) ((user + system) * (1000000000ULL / (unsigned long long) sysconf (_SC_CLK_TCK)));
}

//  The supervisor: the console's model and board, fed by the server.
static void *
s_supervisor (void *argument)
{
    s_supervisor_t *self = argument;
    wb_client_t *client = wb_client_new (self->endpoint);
    wb_msg_t *error = NULL;
    if (!client || wb_client_open_session (client, WB_CLIENT_AGENT_APPLICATION, "bench-board", 101,
                                           "boss", NULL, BENCH_TIMEOUT_MS, &error)) {
        bench_note ("the supervisor could not log in");
        wb_msg_destroy (&error);
        wb_client_destroy (&client);
        self->ready = true;
        return NULL;
    }
    wb_msg_t *request = wb_request_statistic_notifications (true);
    wb_msg_t *reply = wb_client_request (client, &request, BENCH_TIMEOUT_MS);
    wb_msg_destroy (&reply);
    request = wb_request_workbin_types_info (WB_ABSENT);
    reply = wb_client_request (client, &request, BENCH_TIMEOUT_MS);
    wbc_model_t *model = wbc_model_new ();
    wb_event_types_t types;
    if (wb_event_read_types (reply, &types) == 0)
        wbc_model_set_workbin_types (model, &types);
    wb_msg_destroy (&reply);
    bench_note ("the supervisor sees %zu workbins", wbc_model_sidebar_size (model));
    wbc_board_t board = { 0 };
    int64_t cpu_start = s_thread_cpu_ns ();
    self->ready = true;
    //  as the console's loop: every event that has arrived, then the board
    //  built once for the next draw
    int applied [BENCH_WORKBINS * 4][2];
    while (!self->stop) {
        size_t count = 0;
        for (wb_msg_t *event = wb_client_next_event (client, 50); event;
             event = wb_client_next_event (client, 0)) {
            wb_event_statistic_t statistic;
            if (wb_msg_is (event, WB_ROW_EVENT_WORKBIN_STATISTIC)
            &&  wb_event_read_statistic (event, &statistic) == 0
            &&  wbc_model_apply_statistic (model, &statistic) == 0) {
                int index = s_index_of (statistic.workbin.type_id, statistic.workbin.owner_id);
                if (index >= 0 && statistic.version > 0 && statistic.version < BENCH_VERSIONS
                &&  count < BENCH_WORKBINS * 4) {
                    applied [count] [0] = index;
                    applied [count++] [1] = (int) statistic.version;
                }
                self->events++;
            }
            wb_msg_destroy (&event);
            if (count == BENCH_WORKBINS * 4)
                break;
        }
        if (count == 0)
            continue;
        wbc_board_build (&board, model, WBC_BOARD_BY_NAME);
        int64_t now = bench_now_ns ();
        for (size_t index = 0; index < count; index++)
            s_shown_ns [applied [index][0]][applied [index][1]] = now;
    }
    self->cpu_ns = s_thread_cpu_ns () - cpu_start;
    wbc_board_clear (&board);
    wbc_model_destroy (&model);
    wb_client_destroy (&client);
    return NULL;
}

//  The writer: BENCH_CHANGES submits, paced at BENCH_RATE, the acks read as
//  they come; each ack's time kept by workbin and version. Returns how
//  many were acknowledged.
static size_t
s_write (const char *endpoint, bool record)
{
    wb_client_t *client = wb_client_new (endpoint);
    if (!client || wb_client_open_session (client, WB_CLIENT_MEDIA_SERVER, "bench-writer", 101,
                                           NULL, NULL, BENCH_TIMEOUT_MS, NULL)) {
        wb_client_destroy (&client);
        return 0;
    }
    //  by ReferenceId less the first one's (the session took a few)
    bool *waiting = calloc (BENCH_CHANGES, sizeof (bool));
    int *indexes = calloc (BENCH_CHANGES, sizeof (int));
    int64_t *sent_ns = calloc (BENCH_CHANGES, sizeof (int64_t));
    int64_t first_reference = -1;
    size_t sent = 0, acked = 0;
    int64_t start = bench_now_ns (), deadline = start + (int64_t) (BENCH_SECONDS + 10) * 1000000000;
    while (acked < BENCH_CHANGES && bench_now_ns () < deadline) {
        int64_t due = start + (int64_t) sent * (1000000000 / BENCH_RATE);
        while (sent < BENCH_CHANGES && bench_now_ns () >= due) {
            char type [16], owner [16];
            int index = (int) (sent % BENCH_WORKBINS);
            s_workbin_of (index, type, owner);
            wb_submission_t submission = {
                .workbin = { type, WB_OWNER_AGENT, NULL, owner }, .media_type = "email",
                .interaction_type = "Inbound", .subject = "bench",
            };
            wb_msg_t *request = wb_request_submit (&submission);
            int64_t sent_at = bench_now_ns ();
            int64_t reference = wb_client_send (client, &request);
            if (first_reference < 0)
                first_reference = reference;
            int64_t slot = reference - first_reference;
            if (reference > 0 && slot >= 0 && slot < BENCH_CHANGES) {
                waiting [slot] = true;
                indexes [slot] = index;
                sent_ns [slot] = sent_at;
            }
            sent++;
            due += 1000000000 / BENCH_RATE;
        }
        zsock_t *socket = wb_client_socket (client);
        zpoller_t *poller = zpoller_new (socket, NULL);
        zpoller_wait (poller, 1);
        zpoller_destroy (&poller);
        for (wb_msg_t *reply = wb_client_receive (client); reply; reply = wb_client_receive (client)) {
            int64_t slot = wb_msg_reference_id (reply) - first_reference;
            wb_event_ack_t ack;
            if (first_reference > 0 && slot >= 0 && slot < BENCH_CHANGES && waiting [slot]
            &&  wb_event_read_ack (reply, &ack) == 0) {
                waiting [slot] = false;
                acked++;
                int64_t version = ack.workbin_version;
                if (record && version > 0 && version < BENCH_VERSIONS)
                    s_sent_ns [indexes [slot]][version] = sent_ns [slot];
            }
            wb_msg_destroy (&reply);
        }
    }
    free (waiting);
    free (indexes);
    free (sent_ns);
    wb_client_destroy (&client);
    return acked;
}

int
main (int argc, char *argv [])
{
    if (argc != 3) {
        fprintf (stderr, "usage: bench_board ENDPOINT SERVER_PID\n");
        return 2;
    }
    const char *endpoint = argv [1];
    int pid = atoi (argv [2]);
    bench_prepare_process (64, 1);

    //  the baseline: the load with nobody watching
    int64_t cpu_before = s_process_cpu_ns (pid);
    int64_t started = bench_now_ns ();
    size_t acked = s_write (endpoint, false);
    double base_seconds = bench_seconds_since (started);
    double base_cpu = (double) (s_process_cpu_ns (pid) - cpu_before) / 1e9;
    if (acked != BENCH_CHANGES || cpu_before < 0) {
        bench_note ("baseline: %zu of %d changes acknowledged", acked, BENCH_CHANGES);
        return 1;
    }

    //  the same load under a supervisor's board
    s_supervisor_t supervisor = { .endpoint = endpoint };
    pthread_t thread;
    pthread_create (&thread, NULL, s_supervisor, &supervisor);
    while (!supervisor.ready)
        zclock_sleep (10);        //  pacing of a poll for the thread's start, not a wait on the load
    cpu_before = s_process_cpu_ns (pid);
    started = bench_now_ns ();
    acked = s_write (endpoint, true);
    double seconds = bench_seconds_since (started);
    double server_cpu = (double) (s_process_cpu_ns (pid) - cpu_before) / 1e9;
    //  the last events may still be on their way: a moment for them
    int64_t settle = bench_now_ns () + 2000000000;
    while (bench_now_ns () < settle && supervisor.events < acked)
        zclock_sleep (10);
    supervisor.stop = true;
    pthread_join (thread, NULL);

    bench_samples_t lags = { 0 };
    size_t matched = 0;
    for (int index = 0; index < BENCH_WORKBINS; index++)
        for (int version = 1; version < BENCH_VERSIONS; version++)
            if (s_sent_ns [index][version] && s_shown_ns [index][version]) {
                bench_samples_add (&lags, (double) (s_shown_ns [index][version]
                                                    - s_sent_ns [index][version]) / 1e6);
                matched++;
            }
    char ours [64], base [64];
    bench_note ("%zu changes in %.1f s (baseline %.1f s), %zu statistic events, %zu matched",
                acked, seconds, base_seconds, supervisor.events, matched);
    double console_cpu = (double) supervisor.cpu_ns / 1e9 / seconds;
    snprintf (ours, sizeof (ours), "%.1f %%", console_cpu * 100);
    bench_row ("board console CPU (400 workbins, 1,000 changes/s)", ours, "-", -1, "-", -1);
    double p50 = bench_samples_quantile (&lags, 0.5), p99 = bench_samples_quantile (&lags, 0.99);
    snprintf (ours, sizeof (ours), "%.2f ms", p50);
    bench_row ("board lag, change sent to cell built, p50", ours, "-", -1, "-", -1);
    snprintf (ours, sizeof (ours), "%.2f ms", p99);
    bench_row ("board lag, change sent to cell built, p99", ours, "-", -1, "< 1000 ms", p99 < 1000);
    snprintf (ours, sizeof (ours), "%.1f %%", server_cpu / seconds * 100);
    snprintf (base, sizeof (base), "%.1f %%", base_cpu / base_seconds * 100);
    bench_row ("server CPU, with the board / without", ours, base,
               base_cpu > 0 ? (server_cpu / seconds) / (base_cpu / base_seconds) : -1, "-", -1);
    snprintf (ours, sizeof (ours), "%.2f", acked ? (double) supervisor.events / (double) acked : 0);
    bench_row ("statistic events per change (one watcher)", ours, "-", -1, "1", -1);
    bench_samples_free (&lags);
    return matched > acked / 2 ? 0 : 1;
}
