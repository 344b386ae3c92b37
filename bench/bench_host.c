/*  bench_host: figures that belong to real processes, read from /proc:
    a wbserver holding 1,000,000 interactions (its RSS, the time from exec
    to its first content reply), then its CPU and that of a real wbconsole
    (in a tmux terminal) while 1,000 clients sit connected and idle.

    The programs come from $WBSERVER and $WBCONSOLE (bench/run-bench.sh
    sets them to the build's); tmux from $PATH.
*/
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include "bench_util.h"
#include "bench_cases.h"

#define STORED_PER_AGENT 1000     /* x BENCH_CLIENTS agents: 1,000,000 */
#define RESTARTS 3
#define IDLE_SECONDS 10
#define TIMEOUT_MS 10000
#define STOP_MS 10000             /* from SIGTERM to a server ended */

typedef struct {
    bench_site_t *site;
    char endpoint [256];
    pid_t server;
    char tmux_socket [256];
    pid_t console;
} s_host_t;

// ---------------------------------------------------------------- /proc

//  A line "Key:   N kB" of /proc/PID/status, in kB; -1 if absent.
static long
s_status_kb (pid_t pid, const char *key)
{
    char path [64], line [256];
    snprintf (path, sizeof (path), "/proc/%d/status", (int) pid);
    FILE *file = fopen (path, "r");
    long value = -1;
    size_t length = strlen (key);
    while (file && fgets (line, sizeof (line), file))
        if (strncmp (line, key, length) == 0 && line [length] == ':')
            value = atol (line + length + 1);
    if (file)
        fclose (file);
    return value;
}

//  User + system CPU of a process in clock ticks; -1 if unreadable.
static long long
s_cpu_ticks (pid_t pid)
{
    char path [64], text [1024];
    snprintf (path, sizeof (path), "/proc/%d/stat", (int) pid);
    FILE *file = fopen (path, "r");
    size_t size = file ? fread (text, 1, sizeof (text) - 1, file) : 0;
    if (file)
        fclose (file);
    text [size] = 0;
    char *after_name = strrchr (text, ')');
    unsigned long long utime = 0, stime = 0;
    //  after the name: state, then fields 4..13, then utime (14), stime (15)
    if (!after_name || sscanf (after_name + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
                               &utime, &stime) != 2)
        return -1;
    return (long long) (utime + stime);
}

// ---------------------------------------------------------------- server

static pid_t
s_spawn_server (s_host_t *host)
{
    const char *program = getenv ("WBSERVER") ? getenv ("WBSERVER") : "src/wbserver";
    char log [256];
    snprintf (log, sizeof (log), "%s/wbserver.log", host->site->folder);
    pid_t pid = fork ();
    if (pid == 0) {
        //  a bench stopped by its time limit takes its server with it
        prctl (PR_SET_PDEATHSIG, SIGKILL);
        execl (program, program, "-c", host->site->directory, "-d", host->site->database,
               "-e", host->endpoint, "-l", log, (char *) NULL);
        _exit (127);
    }
    return pid;
}

//  SIGTERM, and the server must end within STOP_MS; -1 (said, and the
//  server killed) if it does not.
static int
s_stop_server (s_host_t *host)
{
    if (host->server <= 0)
        return 0;
    kill (host->server, SIGTERM);
    int64_t deadline = bench_now_ns () + (int64_t) STOP_MS * 1000000;
    pid_t ended = 0;
    while (ended == 0 && bench_now_ns () < deadline) {
        ended = waitpid (host->server, NULL, WNOHANG);
        if (ended == 0)
            usleep (10000);     //  pacing of the poll of a child's end
    }
    if (ended == 0) {
        bench_note ("wbserver did not end within %d ms of SIGTERM: killed", STOP_MS);
        kill (host->server, SIGKILL);
        waitpid (host->server, NULL, 0);
    }
    host->server = 0;
    return ended == 0 ? -1 : 0;
}

//  Seconds from exec to the first content page of a0001's 1,000 drafts,
//  asked on a DEALER that retries its connection every 10 ms.
static double
s_time_to_serving (s_host_t *host)
{
    zsock_t *probe = zsock_new (ZMQ_DEALER);
    zsock_set_reconnect_ivl (probe, 10);
    zsock_set_linger (probe, 0);
    zsock_set_rcvtimeo (probe, TIMEOUT_MS);
    int64_t start = bench_now_ns ();
    host->server = s_spawn_server (host);
    zsock_connect (probe, "%s", host->endpoint);
    wb_msg_t *hello = wb_request_register_client (WB_CLIENT_MEDIA_SERVER, NULL);
    wb_msg_set_reference_id (hello, 1);
    wb_msg_t *content = bench_content_request ("a0001", 0);
    wb_msg_set_reference_id (content, 2);
    wb_msg_send (&hello, probe);
    wb_msg_send (&content, probe);
    double seconds = -1;
    wb_msg_t *reply;
    while ((reply = wb_msg_recv (probe, NULL, NULL, NULL))) {
        bool done = wb_msg_reference_id (reply) == 2;
        if (done && wb_msg_is (reply, WB_ROW_EVENT_WORKBIN_CONTENT))
            seconds = bench_seconds_since (start);
        wb_msg_destroy (&reply);
        if (done)
            break;
    }
    zsock_destroy (&probe);
    return seconds;
}

//  Start the server RESTARTS + 1 times (the first warms up); the last
//  start is kept running. Median seconds to serving, or -1.
static double
s_restarts (s_host_t *host)
{
    bench_samples_t samples = { 0 };
    double median = -1;
    for (int start = 0; start <= RESTARTS; start++) {
        if (s_stop_server (host))
            break;
        double seconds = s_time_to_serving (host);
        bench_note ("start %d: serving after %.2f s", start, seconds);
        if (seconds < 0)
            break;
        if (start > 0)
            bench_samples_add (&samples, seconds);
    }
    if (samples.size == RESTARTS)
        median = bench_samples_quantile (&samples, 0.5);
    bench_samples_free (&samples);
    return median;
}

static void
s_memory_report (double restart_seconds, long rss_kb, long hwm_kb, int64_t stored)
{
    double per_item = (double) rss_kb * 1024.0 / (double) stored;
    char ours [128];
    snprintf (ours, sizeof (ours), "%.0f bytes (RSS %.1f MiB, peak %.1f MiB)", per_item,
              rss_kb / 1024.0, hwm_kb / 1024.0);
    bench_row ("memory: server RSS per stored interaction, 1,000,000 stored", ours, NULL, -1,
               "≤ 1 KiB", per_item <= 1024);
    snprintf (ours, sizeof (ours), "%.2f s (median of %d restarts)", restart_seconds, RESTARTS);
    bench_row ("memory: restart to serving, 1,000,000 stored", ours, NULL, -1, "≤ 3 s",
               restart_seconds <= 3.0);
}

// ---------------------------------------------------------------- idle

//  Agents a0002..a1001, logged in and subscribed to their drafts.
static int
s_idle_clients (s_host_t *host, wb_client_t **clients)
{
    for (int index = 0; index < BENCH_CLIENTS; index++) {
        char agent_id [16];
        bench_agent_id (agent_id, sizeof (agent_id), index + 2);
        clients [index] = bench_client (host->endpoint, agent_id);
        if (!clients [index])
            return -1;
        wb_workbin_t drafts = bench_drafts (agent_id);
        wb_msg_t *request = wb_request_workbin_notifications (&drafts, false);
        wb_msg_t *reply = wb_client_request (clients [index], &request, TIMEOUT_MS);
        bool acked = wb_msg_is (reply, WB_ROW_EVENT_ACK);
        wb_msg_destroy (&reply);
        if (!acked)
            return -1;
    }
    return 0;
}

//  Run a shell command, return the first line of its output as a number.
static long
s_command_number (const char *command)
{
    FILE *pipe = popen (command, "r");
    char line [64] = "";
    if (pipe && !fgets (line, sizeof (line), pipe))
        line [0] = 0;
    if (pipe)
        pclose (pipe);
    return line [0] ? atol (line) : -1;
}

//  wbconsole as a0001 on its 1,000 drafts in a 160x45 tmux terminal; wait
//  until the pane is live. Its pid, or -1.
static pid_t
s_start_console (s_host_t *host)
{
    const char *program = getenv ("WBCONSOLE") ? getenv ("WBCONSOLE") : "ui/wbconsole";
    char command [1024];
    snprintf (host->tmux_socket, sizeof (host->tmux_socket), "%s/tmux.sock", host->site->folder);
    snprintf (command, sizeof (command), "tmux -S '%s' new-session -d -s bench -x 160 -y 45 "
              "\"exec env LC_ALL=C.UTF-8 TERM=screen-256color '%s' -e '%s' -a a0001 --open draft\"",
              host->tmux_socket, program, host->endpoint);
    if (system (command) != 0)
        return -1;
    snprintf (command, sizeof (command), "tmux -S '%s' capture-pane -p -t bench | grep -c 'live'",
              host->tmux_socket);
    for (int tries = 0; tries < 100; tries++) {
        if (s_command_number (command) > 0)
            break;
        usleep (100000);
    }
    snprintf (command, sizeof (command), "tmux -S '%s' display-message -p -t bench '#{pane_pid}'",
              host->tmux_socket);
    return (pid_t) s_command_number (command);
}

static void
s_stop_console (s_host_t *host)
{
    if (!*host->tmux_socket)
        return;
    char command [512];
    snprintf (command, sizeof (command), "tmux -S '%s' kill-server 2>/dev/null", host->tmux_socket);
    if (system (command) != 0)
        bench_note ("tmux did not stop cleanly");
}

static void
s_idle_row (const char *name, long long ticks, double seconds)
{
    double percent = ticks < 0 ? -1 : 100.0 * (double) ticks / (double) sysconf (_SC_CLK_TCK)
                                      / seconds;
    char ours [96];
    snprintf (ours, sizeof (ours), "%.2f %% of a core over %d s", percent, IDLE_SECONDS);
    bench_row (name, ours, NULL, -1, "≤ 1 % (no busy polling)", percent >= 0 && percent <= 1.0);
}

//  CPU of the server and the console over IDLE_SECONDS of idleness.
static int
s_idle (s_host_t *host)
{
    wb_client_t **clients = calloc (BENCH_CLIENTS, sizeof (wb_client_t *));
    int rc = s_idle_clients (host, clients);
    host->console = rc == 0 ? s_start_console (host) : -1;
    if (host->console <= 0)
        rc = -1;
    if (rc == 0) {
        sleep (1);              //  let the console finish its first draws
        long long server_before = s_cpu_ticks (host->server);
        long long console_before = s_cpu_ticks (host->console);
        int64_t start = bench_now_ns ();
        sleep (IDLE_SECONDS);
        double seconds = bench_seconds_since (start);
        long long server_ticks = s_cpu_ticks (host->server) - server_before;
        long long console_ticks = s_cpu_ticks (host->console) - console_before;
        bench_note ("idle: server RSS with %d clients: %.1f MiB", BENCH_CLIENTS,
                    s_status_kb (host->server, "VmRSS") / 1024.0);
        s_idle_row ("idle: server CPU, 1,000 connected idle clients", server_ticks, seconds);
        s_idle_row ("idle: console CPU, 1,000 connected idle clients", console_ticks, seconds);
    }
    s_stop_console (host);
    for (size_t index = 0; index < BENCH_CLIENTS; index++)
        wb_client_destroy (&clients [index]);
    free (clients);
    return rc;
}

int
bench_case_memory_idle (bench_site_t *site)
{
    s_host_t host = { .site = site };
    snprintf (host.endpoint, sizeof (host.endpoint), "ipc://%s/server.ipc", site->folder);
    int64_t start = bench_now_ns ();
    if (bench_fill_store (site->database, 1, BENCH_CLIENTS, STORED_PER_AGENT, 1))
        return -1;
    bench_note ("stored %d interactions in %.1f s", BENCH_CLIENTS * STORED_PER_AGENT,
                bench_seconds_since (start));
    double restart = s_restarts (&host);
    int rc = restart < 0 ? -1 : 0;
    if (rc == 0)
        s_memory_report (restart, s_status_kb (host.server, "VmRSS"),
                         s_status_kb (host.server, "VmHWM"),
                         (int64_t) BENCH_CLIENTS * STORED_PER_AGENT);
    if (rc == 0)
        rc = s_idle (&host);
    if (s_stop_server (&host))
        rc = -1;
    return rc;
}
