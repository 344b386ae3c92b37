/*  Drives a real wbserver process for tests/e2e/test_hardening_net.sh
    (issue 15). Two modes; each prints "# ..." figures and exits 0 if the
    server held.

    net_driver bare ENDPOINT PID CONNECTIONS
        Opens CONNECTIONS bare connections to ENDPOINT (ipc:// or
        tcp://HOST:PORT): sockets that connect and never say a word, as an
        attacker's would. While they are held, a normal client must still
        register and be answered (within 30 s: the server closes those that
        never finish their handshake), the server must be alive, and it must not
        spin: its CPU time over a one-second window of the hold stays under
        half of it (a server busy-looping on a failed accept takes all of
        it). Whether the server logged its refusals is the caller's check.

    net_driver pause ENDPOINT PID CLIENTS PAUSE_MS
        CLIENTS media-server clients register and ping every 200 ms. The
        server is stopped (SIGSTOP) for PAUSE_MS, longer than its session
        timeout, while they go on pinging, then continued (SIGCONT). Every
        ping sent after that must be answered EventAck: none of the
        sessions may have expired, as all of them kept pinging.
*/
#include <arpa/inet.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "wb_client.h"
#include "wb_error.h"
#include "wb_events.h"
#include "wb_requests.h"

#define S_DEADLINE_MS 5000
/* A client refused over the cap gets in once the bare connections are
   closed for not finishing their handshake (5 s), reconnecting meanwhile;
   on a loaded machine a second batch of them may take the places first. */
#define S_SERVED_DEADLINE_MS 30000
/* How long the client waits for one try's reply before it tries again. */
#define S_TRY_MS 1000
#define S_PING_MS 200
/* After the pause, pings go on this long; all must be acknowledged. */
#define S_AFTER_MS 2000

//  A connected socket that says nothing; -1 if it could not connect.
static int
s_bare_connect (const char *endpoint)
{
    int fd = -1;
    if (strncmp (endpoint, "ipc://", 6) == 0) {
        struct sockaddr_un address = { .sun_family = AF_UNIX };
        snprintf (address.sun_path, sizeof (address.sun_path), "%s", endpoint + 6);
        fd = socket (AF_UNIX, SOCK_STREAM, 0);
        if (fd >= 0 && connect (fd, (struct sockaddr *) &address, sizeof (address)) == -1) {
            close (fd);
            fd = -1;
        }
        return fd;
    }
    char host [64] = "";
    int port = 0;
    if (sscanf (endpoint, "tcp://%63[^:]:%d", host, &port) != 2)
        return -1;
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons ((uint16_t) port) };
    inet_pton (AF_INET, host, &address.sin_addr);
    fd = socket (AF_INET, SOCK_STREAM, 0);
    if (fd >= 0 && connect (fd, (struct sockaddr *) &address, sizeof (address)) == -1) {
        close (fd);
        fd = -1;
    }
    return fd;
}

//  The CPU time (user + system) of a process in clock ticks; -1 if unknown.
static long
s_cpu_ticks (int pid)
{
    char path [64];
    snprintf (path, sizeof (path), "/proc/%d/stat", pid);
    FILE *file = fopen (path, "r");
    long user = -1, system = -1;
    //  fields 14 and 15; the command name (field 2) has no space: wbserver
    if (file && fscanf (file, "%*d %*s %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %ld %ld",
                        &user, &system) != 2)
        user = -1;
    if (file)
        fclose (file);
    return user < 0 ? -1 : user + system;
}

//  One try: register and ping on the client's connection, waiting
//  S_TRY_MS for each reply; true if both are acknowledged.
static bool
s_try_session (wb_client_t *client)
{
    wb_msg_t *error = NULL;
    bool served = wb_client_open_session (client, WB_CLIENT_MEDIA_SERVER, "net-driver",
                                          WB_DEFAULT_TENANT, NULL, NULL, S_TRY_MS, &error) == 0;
    wb_msg_destroy (&error);
    wb_msg_t *ping = wb_request_ping ();
    wb_msg_t *reply = served ? wb_client_request (client, &ping, S_TRY_MS) : NULL;
    served = reply && streq (wb_msg_name (reply), WB_MSG_EVENT_ACK);
    wb_msg_destroy (&ping);
    wb_msg_destroy (&reply);
    return served;
}

//  A normal client registers and pings; true if both are acknowledged. A
//  connection over the cap is closed, maybe after its first exchange
//  (the server counts it a moment later): the client tries again on a new
//  connection, as clients do (Lazy Pirate).
static bool
s_normal_client_served (const char *endpoint)
{
    wb_client_t *client = wb_client_new (endpoint);
    bool served = false;
    int64_t deadline = zclock_mono () + S_SERVED_DEADLINE_MS;
    while (client && !served && zclock_mono () < deadline)
        if (!(served = s_try_session (client)))
            wb_client_reconnect (client);
    wb_client_destroy (&client);
    return served;
}

static int
s_bare (const char *endpoint, int pid, int count)
{
    int *fds = calloc ((size_t) count, sizeof (int));
    int opened = 0;
    for (int index = 0; index < count; index++)
        if ((fds [index] = s_bare_connect (endpoint)) >= 0)
            opened++;
    printf ("# %d of %d bare connections opened\n", opened, count);
    int64_t start = zclock_mono ();
    bool served = s_normal_client_served (endpoint);
    printf ("# a normal client %s after %" PRId64 " ms\n", served ? "is served" : "is NOT served",
            zclock_mono () - start);
    //  a one-second window of the hold, to measure, not to wait for anything
    long before = s_cpu_ticks (pid);
    zclock_sleep (1000);
    long used = s_cpu_ticks (pid) - before;
    long per_second = sysconf (_SC_CLK_TCK);
    bool calm = before >= 0 && used * 2 < per_second;
    printf ("# server CPU over 1 s of the hold: %ld of %ld ticks\n", used, per_second);
    bool alive = kill (pid, 0) == 0;
    printf ("# the server is %s\n", alive ? "alive" : "GONE");
    for (int index = 0; index < count; index++)
        if (fds [index] >= 0)
            close (fds [index]);
    free (fds);
    return served && calm && alive ? 0 : 1;
}

//  Send a ping on every client without waiting for the replies.
static void
s_ping_all (wb_client_t **clients, int count)
{
    for (int index = 0; index < count; index++) {
        wb_msg_t *ping = wb_request_ping ();
        wb_client_send (clients [index], &ping);
        wb_msg_destroy (&ping);
    }
}

//  Read every reply waiting; count acknowledgements and EventError 1.
static void
s_read_all (wb_client_t **clients, int count, int *acks, int *lost)
{
    for (int index = 0; index < count; index++) {
        wb_msg_t *msg;
        while ((msg = wb_client_receive (clients [index]))) {
            wb_event_error_t error;
            if (streq (wb_msg_name (msg), WB_MSG_EVENT_ACK))
                (*acks)++;
            else
            if (wb_event_read_error (msg, &error) == 0 && error.code == WB_ERR_NOT_REGISTERED)
                (*lost)++;
            wb_msg_destroy (&msg);
        }
    }
}

//  Ping every client every S_PING_MS until deadline (monotonic ms).
static void
s_keep_pinging (wb_client_t **clients, int count, int64_t deadline, int *acks, int *lost)
{
    while (zclock_mono () < deadline) {
        s_ping_all (clients, count);
        zclock_sleep (S_PING_MS);          //  the clients' pace
        s_read_all (clients, count, acks, lost);
    }
}

static int
s_pause (const char *endpoint, int pid, int count, int pause_ms)
{
    wb_client_t **clients = calloc ((size_t) count, sizeof (wb_client_t *));
    int registered = 0;
    for (int index = 0; index < count; index++) {
        wb_msg_t *error = NULL;
        clients [index] = wb_client_new (endpoint);
        registered += wb_client_open_session (clients [index], WB_CLIENT_MEDIA_SERVER, "pause",
                                              WB_DEFAULT_TENANT, NULL, NULL, S_DEADLINE_MS,
                                              &error) == 0;
        wb_msg_destroy (&error);
    }
    int acks = 0, lost = 0, acks_after = 0;
    kill (pid, SIGSTOP);
    s_keep_pinging (clients, count, zclock_mono () + pause_ms, &acks, &lost);
    kill (pid, SIGCONT);
    s_keep_pinging (clients, count, zclock_mono () + S_AFTER_MS, &acks_after, &lost);
    printf ("# %d of %d clients registered; stopped %d ms; after SIGCONT: %d pings "
            "acknowledged, %d answered 'not registered'\n",
            registered, count, pause_ms, acks + acks_after, lost);
    for (int index = 0; index < count; index++)
        wb_client_destroy (&clients [index]);
    free (clients);
    return registered == count && lost == 0 && acks_after > 0 ? 0 : 1;
}

int
main (int argc, char *argv [])
{
    zsys_init ();
    if (argc == 5 && streq (argv [1], "bare"))
        return s_bare (argv [2], atoi (argv [3]), atoi (argv [4]));
    if (argc == 6 && streq (argv [1], "pause"))
        return s_pause (argv [2], atoi (argv [3]), atoi (argv [4]), atoi (argv [5]));
    fprintf (stderr, "usage: net_driver bare ENDPOINT PID CONNECTIONS\n"
                     "       net_driver pause ENDPOINT PID CLIENTS PAUSE_MS\n");
    return 2;
}
