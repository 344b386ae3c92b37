/*  bench_mem: the server's memory and fairness under hostile loads (issue
    15, items 3, 4, 6 and 9), against a real wbserver process whose memory
    is read from /proc/PID/status (VmRSS now, VmHWM its peak). Every client
    is a media server (ClientType 3), on the workbins of doc/examples/
    sample.cfg. Each mode prints "# ..." figures and exits 0 if it held.
    tests/e2e/test_hardening_mem.sh runs the first three with small loads;
    `make bench` runs `combined`.

    bench_mem limits ENDPOINT
        An interaction over WB_INTERACTION_MAX is refused with EventError
        1004, submitted or grown by a change, and a subscriber of its
        workbin gets no EventError 1001 for it; 33 interactions of 1 MiB
        are read with the default page, in pages filled by size, each
        request answered (33 subjects of 1 MiB pass WB_BODY_MAX).

    bench_mem hoard ENDPOINT PID LOG BOUND_MIB REQUESTS
        A client asks REQUESTS times for a page of 12 MB of interactions
        and reads nothing until the server has answered the last (its -v
        log says so): the server's peak RSS stays under BOUND_MIB, and then
        every request has exactly one reply (the page, or EventError 1005).

    bench_mem fanout ENDPOINT PID BOUND_MIB SUBSCRIBERS CHANGES SIZE
        SUBSCRIBERS clients that read follow one workbin while CHANGES
        pipelined changes of SIZE bytes are made to one interaction in it:
        the server's peak RSS stays under BOUND_MIB and each subscriber
        gets every change (or, if it fell behind, EventError 1001).

    bench_mem combined ENDPOINT PID [BOUND_MIB SUBSCRIBERS CHANGES SIZE]
        All at once, with 300 bare connections, a client flooding statistic
        requests, the hoard (240 unread pages) and the fan-out (100 x 48
        changes of 1 MB unless given): prints the server's RSS and peak,
        and the p50/p99 latency of a well-behaved client doing one request
        at a time, in a process of its own (bench table rows; the target
        is p99 under 50 ms). With BOUND_MIB (a test) it exits 0 if the
        peak stayed under it and the loads held, whatever the latency.
*/
#include <poll.h>
#include <signal.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <string.h>
#include "wb_client.h"
#include "wb_error.h"
#include "wb_events.h"
#include "wb_requests.h"

#define S_DEADLINE_MS 20000
#define S_MB 1000000
/* The longest string value (WB_VALUE_MAX): 33 of them pass WB_BODY_MAX. */
#define S_MIB (1 << 20)
/* Pages of the hoard: 12 interactions of 1 MB (a 12 MB page before
   pages were filled by size). */
#define S_HOARD_ITEMS 12
/* The combined load. */
#define S_IDLE 300
#define S_LATENCY_SAMPLES 400
#define S_P99_TARGET_MS 50

//  A field of /proc/PID/status in KiB ("VmRSS:", "VmHWM:"); -1 if none.
static long
s_status_kb (int pid, const char *field)
{
    char path [64], line [256];
    snprintf (path, sizeof (path), "/proc/%d/status", pid);
    FILE *file = fopen (path, "r");
    long value = -1;
    while (file && fgets (line, sizeof (line), file))
        if (strncmp (line, field, strlen (field)) == 0)
            value = atol (line + strlen (field));
    if (file)
        fclose (file);
    return value;
}

static wb_workbin_t
s_drafts (const char *agent)
{
    wb_workbin_t drafts = { "email-draft", WB_OWNER_AGENT, NULL, agent };
    return drafts;
}

//  A registered media server; NULL after saying why.
static wb_client_t *
s_media (const char *endpoint)
{
    wb_client_t *client = wb_client_new (endpoint);
    wb_msg_t *error = NULL;
    if (client && wb_client_open_session (client, WB_CLIENT_MEDIA_SERVER, "bench-mem",
                                          WB_DEFAULT_TENANT, NULL, NULL, S_DEADLINE_MS,
                                          &error) == 0)
        return client;
    printf ("# could not register a media server on %s\n", endpoint);
    wb_msg_destroy (&error);
    wb_client_destroy (&client);
    return NULL;
}

//  The ErrorCode of a reply; 0 if it is not an EventError, -1 if none.
static int64_t
s_error_code (const wb_msg_t *reply)
{
    if (!reply)
        return -1;
    if (!wb_msg_is (reply, WB_ROW_EVENT_ERROR))
        return 0;
    return wb_kvlist_int_or (wb_msg_body_const (reply), WB_ATTR_ERROR_CODE, -1);
}

//  The next message of any kind within timeout_ms; NULL if none came.
static wb_msg_t *
s_next (wb_client_t *client, int timeout_ms)
{
    int64_t deadline = zclock_mono () + timeout_ms;
    zpoller_t *poller = zpoller_new (wb_client_socket (client), NULL);
    wb_msg_t *msg = wb_client_receive (client);
    while (!msg && zclock_mono () < deadline) {
        zpoller_wait (poller, (int) (deadline - zclock_mono ()));
        msg = wb_client_receive (client);
    }
    zpoller_destroy (&poller);
    return msg;
}

//  A string of size bytes, all one letter.
static char *
s_text (size_t size, char letter)
{
    char *text = malloc (size + 1);
    memset (text, letter, size);
    text [size] = 0;
    return text;
}

//  Submit an interaction with a subject of size bytes; its id (caller
//  frees), or NULL.
static char *
s_submit (wb_client_t *client, const char *agent, size_t size)
{
    char *subject = s_text (size, 's');
    wb_submission_t submission = { .workbin = s_drafts (agent), .media_type = "email",
                                   .interaction_type = "Inbound", .subject = subject };
    wb_msg_t *request = wb_request_submit (&submission);
    wb_msg_t *reply = wb_client_request (client, &request, S_DEADLINE_MS);
    free (subject);
    const char *id = wb_msg_is (reply, WB_ROW_EVENT_ACK)
                   ? wb_kvlist_string (wb_msg_body_const (reply), WB_ATTR_INTERACTION_ID) : NULL;
    char *copy = id ? strdup (id) : NULL;
    if (!copy)
        printf ("# a submit of %zu bytes was not acknowledged (error %" PRId64 ")\n", size,
                s_error_code (reply));
    wb_msg_destroy (&reply);
    return copy;
}

//  A RequestChangeProperties that sets Subject to size bytes of letter.
static wb_msg_t *
s_change_subject (const char *id, size_t size, char letter)
{
    wb_kvlist_t *changed = wb_kvlist_new ();
    char *subject = s_text (size, letter);
    wb_kvlist_add_string (changed, WB_ATTR_SUBJECT, subject);
    free (subject);
    wb_property_changes_t changes = { .changed = changed };
    wb_msg_t *request = wb_request_change_properties (id, &changes);
    wb_kvlist_destroy (&changed);
    return request;
}

static bool
s_subscribe (wb_client_t *client, const char *agent)
{
    wb_workbin_t drafts = s_drafts (agent);
    wb_msg_t *request = wb_request_workbin_notifications (&drafts, true);
    wb_msg_t *reply = wb_client_request (client, &request, S_DEADLINE_MS);
    bool ok = wb_msg_is (reply, WB_ROW_EVENT_ACK);
    wb_msg_destroy (&reply);
    return ok;
}

// ---------------------------------------------------------------- limits

//  A submit whose UserData takes 3 MB, over WB_INTERACTION_MAX: 1004.
static bool
s_oversize_submit_refused (wb_client_t *media)
{
    wb_kvlist_t *user_data = wb_kvlist_new ();
    char *value = s_text (S_MB, 'u');
    wb_kvlist_add_string (user_data, "Part1", value);
    wb_kvlist_add_string (user_data, "Part2", value);
    wb_kvlist_add_string (user_data, "Part3", value);
    free (value);
    wb_submission_t submission = { .workbin = s_drafts ("agent01"), .media_type = "email",
                                   .interaction_type = "Inbound", .subject = "big",
                                   .user_data = user_data };
    wb_msg_t *request = wb_request_submit (&submission);
    wb_kvlist_destroy (&user_data);
    wb_msg_t *reply = wb_client_request (media, &request, S_DEADLINE_MS);
    int64_t code = s_error_code (reply);
    wb_msg_destroy (&reply);
    printf ("# a submit of 3 MB of UserData: %s %" PRId64 "\n",
            code > 0 ? "EventError" : code == 0 ? "acknowledged" : "no reply", code);
    return code == WB_ERR_INTERACTION_TOO_LARGE;
}

//  A change that adds 3 MB to an interaction: 1004, and it is unchanged.
static bool
s_oversize_change_refused (wb_client_t *media, const char *id)
{
    wb_kvlist_t *added = wb_kvlist_new ();
    char *value = s_text (S_MB, 'a');
    wb_kvlist_add_string (added, "Extra1", value);
    wb_kvlist_add_string (added, "Extra2", value);
    wb_kvlist_add_string (added, "Extra3", value);
    free (value);
    wb_property_changes_t changes = { .added = added };
    wb_msg_t *request = wb_request_change_properties (id, &changes);
    wb_kvlist_destroy (&added);
    wb_msg_t *reply = wb_client_request (media, &request, S_DEADLINE_MS);
    int64_t code = s_error_code (reply);
    wb_msg_destroy (&reply);
    printf ("# a change adding 3 MB: %s %" PRId64 "\n",
            code > 0 ? "EventError" : code == 0 ? "acknowledged" : "no reply", code);
    return code == WB_ERR_INTERACTION_TOO_LARGE;
}

//  What a subscriber got: events of each kind, and any 1001.
static void
s_drain (wb_client_t *client, size_t *changes, size_t *dropped)
{
    wb_msg_t *msg;
    while ((msg = wb_client_receive (client))) {
        if (wb_msg_is (msg, WB_ROW_EVENT_WORKBIN_CONTENT_CHANGED))
            (*changes)++;
        if (s_error_code (msg) == WB_ERR_SUBSCRIPTIONS_DROPPED)
            (*dropped)++;
        wb_msg_destroy (&msg);
    }
}

//  Read a whole workbin of total interactions with the default page; true
//  if every page came, and each held fewer than the default Count.
static bool
s_read_by_pages (wb_client_t *client, const char *agent, int64_t total)
{
    wb_workbin_t drafts = s_drafts (agent);
    int64_t from = 0, pages = 0;
    while (from < total) {
        wb_msg_t *request = wb_request_get_workbin_content (&drafts, from, WB_ABSENT);
        wb_msg_t *reply = wb_client_request (client, &request, S_DEADLINE_MS);
        const wb_kvlist_t *body = wb_msg_body_const (reply);
        wb_kvlist_t *items = wb_kvlist_list (body, WB_ATTR_INTERACTIONS);
        int64_t got = items ? (int64_t) wb_kvlist_size (items) : 0;
        int64_t code = s_error_code (reply);
        wb_msg_destroy (&reply);
        if (code != 0 || got == 0) {
            printf ("# page %" PRId64 " from %" PRId64 ": %s %" PRId64 "\n", pages + 1, from,
                    code < 0 ? "no reply within the deadline" : "EventError", code);
            return false;
        }
        from += got;
        pages++;
    }
    printf ("# %" PRId64 " interactions of 1 MiB read in %" PRId64 " pages\n", total, pages);
    return pages > 1;
}

static int
s_limits (const char *endpoint)
{
    wb_client_t *media = s_media (endpoint);
    wb_client_t *watcher = s_media (endpoint);
    if (!media || !watcher || !s_subscribe (watcher, "agent01"))
        return 1;
    bool ok = s_oversize_submit_refused (media);
    char *id = s_submit (media, "agent01", S_MB);
    ok = id && s_oversize_change_refused (media, id) && ok;
    free (id);
    //  the watcher saw the one that fitted, and no 1001
    size_t changes = 0, dropped = 0;
    int64_t deadline = zclock_mono () + S_DEADLINE_MS;
    while (changes < 1 && !dropped && zclock_mono () < deadline) {
        wb_msg_t *event = wb_client_next_event (watcher, 100);
        changes += wb_msg_is (event, WB_ROW_EVENT_WORKBIN_CONTENT_CHANGED);
        dropped += s_error_code (event) == WB_ERR_SUBSCRIPTIONS_DROPPED;
        wb_msg_destroy (&event);
    }
    s_drain (watcher, &changes, &dropped);
    printf ("# the subscriber got %zu change(s), %zu EventError 1001\n", changes, dropped);
    ok = ok && changes == 1 && dropped == 0;
    //  33 interactions of 1 MB: no page may go unanswered
    bool paged = true;
    for (int index = 0; index < 33 && paged; index++) {
        char *other = s_submit (media, "agent02", S_MIB);
        paged = other != NULL;
        free (other);
    }
    ok = paged && s_read_by_pages (media, "agent02", 33) && ok;
    wb_client_destroy (&watcher);
    wb_client_destroy (&media);
    return ok ? 0 : 1;
}

// ---------------------------------------------------------------- hoard

//  True once the server's log has a line saying it sent the reply to
//  reference (wbserver -v: "send NAME ref=N ...").
static bool
s_log_says_sent (const char *log_path, int64_t reference)
{
    char wanted [64], line [1024];
    snprintf (wanted, sizeof (wanted), " ref=%" PRId64 " ", reference);
    FILE *file = fopen (log_path, "r");
    bool found = false;
    while (file && !found && fgets (line, sizeof (line), file))
        found = strstr (line, "send ") && strstr (line, wanted);
    if (file)
        fclose (file);
    return found;
}

//  A media server on a bare DEALER that takes in at most two messages
//  ahead of its reads (RCVHWM, small kernel buffer), so that what it does
//  not read stays on the server, as with a client that stops reading its
//  socket; NULL if it could not register.
static zsock_t *
s_hoarder_new (const char *endpoint)
{
    zsock_t *dealer = zsock_new (ZMQ_DEALER);
    zsock_set_rcvhwm (dealer, 2);
    zsock_set_rcvbuf (dealer, 65536);
    zsock_set_rcvtimeo (dealer, S_DEADLINE_MS);
    if (zsock_connect (dealer, "%s", endpoint) == -1) {
        zsock_destroy (&dealer);
        return NULL;
    }
    wb_msg_t *request = wb_request_register_client (WB_CLIENT_MEDIA_SERVER, "hoarder");
    wb_msg_set_reference_id (request, 1);
    wb_msg_send (&request, dealer);
    wb_msg_t *reply = wb_msg_recv (dealer, NULL, NULL, NULL);
    bool ok = wb_msg_is (reply, WB_ROW_EVENT_ACK);
    wb_msg_destroy (&reply);
    if (!ok)
        zsock_destroy (&dealer);
    return dealer;
}

static int
s_hoard (const char *endpoint, int pid, const char *log_path, long bound_mib, int requests)
{
    wb_client_t *media = s_media (endpoint);
    zsock_t *hoarder = s_hoarder_new (endpoint);
    if (!media || !hoarder)
        return 1;
    for (int index = 0; index < S_HOARD_ITEMS; index++) {
        char *id = s_submit (media, "agent03", S_MB);
        if (!id)
            return 1;
        free (id);
    }
    wb_workbin_t drafts = s_drafts ("agent03");
    int64_t last = 0;
    for (int index = 0; index < requests; index++) {
        wb_msg_t *request = wb_request_get_workbin_content (&drafts, 0, WB_ABSENT);
        wb_msg_set_reference_id (request, last = 100 + index);
        wb_msg_send (&request, hoarder);
    }
    int64_t deadline = zclock_mono () + 60000;
    while (!s_log_says_sent (log_path, last) && zclock_mono () < deadline)
        zclock_sleep (20);      //  pacing of the poll of the log, not a wait
    long peak = s_status_kb (pid, "VmHWM:");
    long held = s_status_kb (pid, "VmRSS:");
    size_t pages = 0, full = 0, other = 0;
    for (int index = 0; index < requests; index++) {
        wb_msg_t *reply = wb_msg_recv (hoarder, NULL, NULL, NULL);
        if (!reply)
            break;
        int64_t code = s_error_code (reply);
        pages += wb_msg_is (reply, WB_ROW_EVENT_WORKBIN_CONTENT);
        full += code == WB_ERR_SEND_QUEUE_FULL;
        other += code != 0 && code != WB_ERR_SEND_QUEUE_FULL;
        wb_msg_destroy (&reply);
    }
    printf ("# %d unread page requests: server peak RSS %ld MiB (bound %ld), RSS %ld MiB once "
            "all were answered; replies: %zu pages, %zu EventError 1005, %zu other\n",
            requests, peak / 1024, bound_mib, held / 1024, pages, full, other);
    zsock_destroy (&hoarder);
    wb_client_destroy (&media);
    return peak >= 0 && peak / 1024 < bound_mib && pages + full == (size_t) requests
        && other == 0 ? 0 : 1;
}

// ---------------------------------------------------------------- fan-out

typedef struct {
    wb_client_t **clients;
    size_t count;
    size_t *changes;
    size_t *dropped;
} s_crowd_t;

//  Read every subscriber until each has wanted changes or a 1001.
static bool
s_crowd_read (s_crowd_t *crowd, size_t wanted, int64_t deadline)
{
    zpoller_t *poller = zpoller_new (NULL);
    for (size_t index = 0; index < crowd->count; index++)
        zpoller_add (poller, wb_client_socket (crowd->clients [index]));
    size_t done = 0, before = 0;
    int64_t quiet_since = zclock_mono ();
    while (done < crowd->count && zclock_mono () < deadline) {
        zpoller_wait (poller, 100);
        done = 0;
        size_t events = 0;
        for (size_t index = 0; index < crowd->count; index++) {
            s_drain (crowd->clients [index], &crowd->changes [index], &crowd->dropped [index]);
            done += crowd->changes [index] >= wanted || crowd->dropped [index];
            events += crowd->changes [index];
        }
        if (events != before) {
            before = events;
            quiet_since = zclock_mono ();
        }
        else
        if (zclock_mono () - quiet_since > 2000) {
            //  nothing came for a while: a subscriber that was dropped
            //  learns it at its next request (EventError 1001 first)
            for (size_t index = 0; index < crowd->count; index++)
                if (crowd->changes [index] < wanted && !crowd->dropped [index]) {
                    wb_msg_t *ping = wb_request_ping ();
                    wb_client_send (crowd->clients [index], &ping);
                }
            quiet_since = zclock_mono ();
        }
    }
    zpoller_destroy (&poller);
    return done == crowd->count;
}

static int
s_fanout (const char *endpoint, int pid, long bound_mib, size_t subscribers, size_t changes,
          size_t size)
{
    wb_client_t *media = s_media (endpoint);
    char *id = media ? s_submit (media, "agent04", 100) : NULL;
    if (!id)
        return 1;
    s_crowd_t crowd = { calloc (subscribers, sizeof (wb_client_t *)), subscribers,
                        calloc (subscribers, sizeof (size_t)),
                        calloc (subscribers, sizeof (size_t)) };
    for (size_t index = 0; index < subscribers; index++) {
        crowd.clients [index] = s_media (endpoint);
        if (!crowd.clients [index] || !s_subscribe (crowd.clients [index], "agent04"))
            return 1;
    }
    long before = s_status_kb (pid, "VmRSS:");
    for (size_t index = 0; index < changes; index++) {
        wb_msg_t *request = s_change_subject (id, size, (char) ('a' + index % 26));
        wb_client_send (media, &request);
    }
    bool all = s_crowd_read (&crowd, changes, zclock_mono () + 60000);
    size_t acks = 0;
    for (size_t index = 0; index < changes; index++) {
        wb_msg_t *reply = s_next (media, S_DEADLINE_MS);
        acks += wb_msg_is (reply, WB_ROW_EVENT_ACK);
        wb_msg_destroy (&reply);
    }
    size_t dropped = 0, events = 0;
    for (size_t index = 0; index < subscribers; index++) {
        dropped += crowd.dropped [index] > 0;
        events += crowd.changes [index];
    }
    long peak = s_status_kb (pid, "VmHWM:");
    printf ("# %zu subscribers, %zu pipelined changes of %zu bytes: server RSS before %ld MiB, "
            "peak %ld MiB (bound %ld); %zu acks, %zu events, %zu subscriber(s) told 1001\n",
            subscribers, changes, size, before / 1024, peak / 1024, bound_mib, acks, events,
            dropped);
    for (size_t index = 0; index < subscribers; index++)
        wb_client_destroy (&crowd.clients [index]);
    free (crowd.clients);
    free (crowd.changes);
    free (crowd.dropped);
    free (id);
    wb_client_destroy (&media);
    return all && acks == changes && peak >= 0 && peak / 1024 < bound_mib ? 0 : 1;
}

// ---------------------------------------------------------------- combined

typedef struct {
    const char *endpoint;
    int pid;
    size_t subscribers;         /* the fan-out: how many, */
    size_t changes;             /* how many changes, */
    size_t size;                /* of how many bytes */
    volatile bool stop;
    int rc;
} s_load_t;

//  Floods statistic requests on agent05's drafts, reading the replies.
static void *
s_flooder (void *args)
{
    s_load_t *load = args;
    wb_client_t *client = s_media (load->endpoint);
    wb_workbin_t drafts = s_drafts ("agent05");
    while (client && !load->stop) {
        for (int index = 0; index < 50; index++) {
            wb_msg_t *request = wb_request_workbin_statistic (&drafts);
            wb_client_send (client, &request);
        }
        for (int index = 0; index < 50; index++) {
            wb_msg_t *reply = s_next (client, S_DEADLINE_MS);
            wb_msg_destroy (&reply);
        }
    }
    wb_client_destroy (&client);
    return NULL;
}

static void *
s_hoarder (void *args)
{
    s_load_t *load = args;
    zsock_t *client = s_hoarder_new (load->endpoint);
    wb_workbin_t drafts = s_drafts ("agent03");
    for (int index = 0; client && index < 240; index++) {
        wb_msg_t *request = wb_request_get_workbin_content (&drafts, 0, WB_ABSENT);
        wb_msg_set_reference_id (request, 100 + index);
        wb_msg_send (&request, client);
    }
    while (!load->stop)
        zclock_sleep (50);      //  holds its connection, reading nothing
    zsock_destroy (&client);
    return NULL;
}

static void *
s_fanner (void *args)
{
    s_load_t *load = args;
    load->rc = s_fanout (load->endpoint, load->pid, 1 << 20, load->subscribers, load->changes,
                         load->size);
    load->stop = true;
    return NULL;
}

static int
s_percentile_compare (const void *a, const void *b)
{
    int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
    return (x > y) - (x < y);
}

//  The well-behaved client, in a process of its own (its own libzmq I/O
//  thread: in the process of the subscribers, its replies would queue
//  behind their events on the client side): one statistic request at a
//  time, every 10 ms, from "go" on its pipe until anything else comes.
//  Prints its figures; exits 0 if its p99 is under the target.
static int
s_latency_child (const char *endpoint, int control)
{
    wb_client_t *client = s_media (endpoint);
    char byte;
    if (!client || read (control, &byte, 1) != 1)
        return 1;
    int64_t *samples = calloc (S_LATENCY_SAMPLES, sizeof (int64_t));
    wb_workbin_t drafts = s_drafts ("agent06");
    size_t count = 0, lost = 0;
    struct pollfd stop = { control, POLLIN, 0 };
    while (count < S_LATENCY_SAMPLES && poll (&stop, 1, 0) == 0) {
        int64_t start = zclock_usecs ();
        wb_msg_t *request = wb_request_workbin_statistic (&drafts);
        wb_msg_t *reply = wb_client_request (client, &request, 5000);
        lost += reply == NULL;
        if (reply)
            samples [count++] = zclock_usecs () - start;
        wb_msg_destroy (&reply);
        zclock_sleep (10);      //  a well-behaved client's pace
    }
    qsort (samples, count, sizeof (int64_t), s_percentile_compare);
    double p50 = count ? samples [count / 2] / 1000.0 : -1;
    double p99 = count ? samples [count * 99 / 100] / 1000.0 : -1;
    printf ("# well-behaved client: %zu samples, %zu lost, p50 %.2f ms, p99 %.2f ms\n",
            count, lost, p50, p99);
    printf ("| combined-load p99 | %.1f ms | - | - | < %d ms | %s |\n", p99, S_P99_TARGET_MS,
            count && !lost && p99 < S_P99_TARGET_MS ? "yes" : "**no**");
    fflush (stdout);
    free (samples);
    wb_client_destroy (&client);
    return count && !lost && p99 < S_P99_TARGET_MS ? 0 : 1;
}

static int
s_combined (const char *endpoint, int pid, long bound_mib, size_t subscribers, size_t changes,
            size_t size)
{
    int control [2];
    if (pipe (control))
        return 1;
    fflush (stdout);
    pid_t child = fork ();
    if (child == 0) {
        close (control [1]);
        _exit (s_latency_child (endpoint, control [0]));
    }
    close (control [0]);
    signal (SIGPIPE, SIG_IGN);          //  the child may be done first
    wb_client_t *media = s_media (endpoint);
    if (!media)
        return 1;
    for (int index = 0; index < S_HOARD_ITEMS; index++)
        free (s_submit (media, "agent03", S_MB));
    for (int index = 0; index < 2000; index++)
        free (s_submit (media, "agent05", 200));
    zsock_t **idle = calloc (S_IDLE, sizeof (zsock_t *));
    for (size_t index = 0; index < S_IDLE; index++)
        idle [index] = zsock_new_dealer (endpoint);
    s_load_t load = { endpoint, pid, subscribers, changes, size, false, 0 };
    //  BENCH_MEM_LOADS (default "flood hoard fan") picks the loads
    const char *loads = getenv ("BENCH_MEM_LOADS") ? getenv ("BENCH_MEM_LOADS")
                                                   : "flood hoard fan";
    void *(*starts [3]) (void *) = { s_flooder, s_hoarder, s_fanner };
    const char *names [3] = { "flood", "hoard", "fan" };
    pthread_t threads [3];
    bool started [3] = { false, false, false };
    for (int index = 0; index < 3; index++)
        if (strstr (loads, names [index]))
            started [index] = pthread_create (&threads [index], NULL, starts [index], &load) == 0;
    if (write (control [1], "g", 1) != 1)
        load.stop = true;
    if (started [2])
        pthread_join (threads [2], NULL);
    else
        zclock_sleep (5000);    //  the other loads alone: for five seconds
    if (write (control [1], "s", 1) != 1)
        load.stop = true;
    int status = 1;
    waitpid (child, &status, 0);
    bool fast = WIFEXITED (status) && WEXITSTATUS (status) == 0;
    load.stop = true;
    for (int index = 0; index < 2; index++)
        if (started [index])
            pthread_join (threads [index], NULL);
    long rss = s_status_kb (pid, "VmRSS:"), peak = s_status_kb (pid, "VmHWM:");
    zclock_sleep (2500);        //  the server gives memory back once a second
    long later = s_status_kb (pid, "VmRSS:");
    printf ("# combined: %d idle connections, loads '%s' (flood: statistic requests "
            "pipelined 50 at a time; hoard: 240 unread pages of 12 MB; fan: %zu subscribers "
            "x %zu pipelined changes of %zu bytes); server RSS %ld MiB after, %ld MiB 2.5 s "
            "later, peak %ld MiB%s\n", S_IDLE, loads, subscribers, changes, size, rss / 1024,
            later / 1024, peak / 1024, bound_mib ? "" : " (no bound given)");
    if (!bound_mib)
        printf ("| combined-load peak RSS | %ld MiB | - | - | - | - |\n", peak / 1024);
    for (size_t index = 0; index < S_IDLE; index++)
        zsock_destroy (&idle [index]);
    free (idle);
    wb_client_destroy (&media);
    //  with a bound (a test): the memory and the loads, not the latency
    if (bound_mib)
        return peak >= 0 && peak / 1024 < bound_mib && load.rc == 0 ? 0 : 1;
    return fast && load.rc == 0 ? 0 : 1;
}

int
main (int argc, char *argv [])
{
    const char *mode = argc > 2 ? argv [1] : "";
    //  combined forks first: a child must not inherit a libzmq context
    if (!streq (mode, "combined")) {
        zsys_init ();
        zsys_set_logstream (stderr);
    }
    if (streq (mode, "limits"))
        return s_limits (argv [2]);
    if (streq (mode, "hoard") && argc == 7)
        return s_hoard (argv [2], atoi (argv [3]), argv [4], atol (argv [5]), atoi (argv [6]));
    if (streq (mode, "fanout") && argc == 8)
        return s_fanout (argv [2], atoi (argv [3]), atol (argv [4]),
                         (size_t) atol (argv [5]), (size_t) atol (argv [6]),
                         (size_t) atol (argv [7]));
    if (streq (mode, "combined") && argc == 4)
        return s_combined (argv [2], atoi (argv [3]), 0, 100, 48, S_MB);
    if (streq (mode, "combined") && argc == 8)
        return s_combined (argv [2], atoi (argv [3]), atol (argv [4]), (size_t) atol (argv [5]),
                           (size_t) atol (argv [6]), (size_t) atol (argv [7]));
    fprintf (stderr, "usage: bench_mem limits ENDPOINT | hoard ENDPOINT PID LOG BOUND_MIB N"
             " | fanout ENDPOINT PID BOUND_MIB SUBSCRIBERS CHANGES SIZE"
             " | combined ENDPOINT PID [BOUND_MIB SUBSCRIBERS CHANGES SIZE]\n");
    return 2;
}
