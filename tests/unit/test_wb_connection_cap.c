/*  Tests of wb_connection_cap under a storm of connections that come and
    go after the process was told to stop (SIGTERM sets zsys_interrupted):
    the watcher must go on reading the ROUTER's socket monitor, else
    libzmq's I/O thread blocks sending it events, holding the monitor's
    lock: the ROUTER serves no one any more, and the server's destroy
    waits for that lock for ever (seen: wbserver did not end on SIGTERM
    after 1,000 clients left). A deadlock here ends the test by SIGALRM.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include "wb_connection_cap.h"
#include "wb_prelude.h"

#define ROUNDS 30                 /* of BATCH connections: 6,000 monitor events */
#define BATCH 100
#define WAIT_MS 10000             /* what may not fail on a loaded machine */
#define ALARM_S 60                /* a deadlock, past any slowness */

//  A round trip from a new DEALER through router, within WAIT_MS: the
//  I/O thread still works.
static bool
s_router_serves (zsock_t *router, const char *endpoint)
{
    zsock_t *dealer = zsock_new_dealer (endpoint);
    zsock_set_linger (dealer, 0);
    zstr_send (dealer, "ping");
    zpoller_t *poller = zpoller_new (router, NULL);
    zpoller_set_nonstop (poller, true);
    bool served = false;
    int64_t deadline = wb_mono_ms () + WAIT_MS;
    while (!served && wb_mono_ms () < deadline) {
        if (zpoller_wait (poller, 100) == router) {
            zmsg_t *msg = zmsg_recv (router);
            served = msg && zmsg_size (msg) == 2;
            zmsg_destroy (&msg);
        }
    }
    zpoller_destroy (&poller);
    zsock_destroy (&dealer);
    return served;
}

static void
test_a_storm_after_sigterm_neither_blocks_nor_hangs_destroy (void **state)
{
    (void) state;
    char endpoint [64], error [256] = "";
    snprintf (endpoint, sizeof (endpoint), "ipc:///tmp/wb-test-cap-%d.ipc", (int) getpid ());
    zsock_t *router = zsock_new (ZMQ_ROUTER);
    assert_non_null (router);
    zsock_set_linger (router, 0);
    wb_connection_cap_t *cap = wb_connection_cap_new (router, 0, error, sizeof (error));
    assert_non_null (cap);
    assert_int_equal (zsock_bind (router, "%s", endpoint), 0);
    assert_true (s_router_serves (router, endpoint));
    alarm (ALARM_S);
    zsys_interrupted = 1;         //  what SIGTERM does to a CZMQ program
    for (int round = 0; round < ROUNDS; round++) {
        zsock_t *dealers [BATCH];
        for (int index = 0; index < BATCH; index++) {
            dealers [index] = zsock_new (ZMQ_DEALER);
            zsock_set_linger (dealers [index], 0);
            zsock_connect (dealers [index], "%s", endpoint);
            zstr_send (dealers [index], "hello");
        }
        int received = 0;
        zpoller_t *poller = zpoller_new (router, NULL);
        zpoller_set_nonstop (poller, true);
        int64_t deadline = wb_mono_ms () + WAIT_MS;
        while (received < BATCH && wb_mono_ms () < deadline)
            if (zpoller_wait (poller, 100) == router) {
                zmsg_t *msg = zmsg_recv (router);
                received += msg != NULL;
                zmsg_destroy (&msg);
            }
        zpoller_destroy (&poller);
        for (int index = 0; index < BATCH; index++)
            zsock_destroy (&dealers [index]);
        assert_int_equal (received, BATCH);
    }
    assert_true (s_router_serves (router, endpoint));
    wb_connection_cap_destroy (&cap);
    assert_null (cap);
    zsys_interrupted = 0;
    alarm (0);
    zsock_destroy (&router);
    char path [64];
    snprintf (path, sizeof (path), "/tmp/wb-test-cap-%d.ipc", (int) getpid ());
    unlink (path);
}

int
main (void)
{
    zsys_init ();
    zsys_set_logstream (NULL);
    zsys_handler_set (NULL);      //  SIGTERM stays the test's own
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_a_storm_after_sigterm_neither_blocks_nor_hangs_destroy),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
