/*  Floods a real wbserver with malformed messages, for
    tests/e2e/test_hardening_val.sh.

    flood_driver ENDPOINT COUNT
        One DEALER, never registered, sends COUNT messages whose protocol
        frame is wrong, and reads the EventError 79 that each must get, 10 s
        at most in all. Prints "replies N" and "elapsed_ms N"; exits 0 if
        every message got its reply.
*/
#include <czmq.h>
#include <stdio.h>
#include <stdlib.h>
#include "wb_prelude.h"

#define S_DEADLINE_MS 10000

int
main (int argc, char **argv)
{
    if (argc != 3) {
        fprintf (stderr, "usage: flood_driver ENDPOINT COUNT\n");
        return 2;
    }
    zsys_init ();
    zsys_set_logstream (NULL);
    long count = atol (argv [2]);
    zsock_t *dealer = zsock_new_dealer (argv [1]);
    if (!dealer)
        return 1;
    zsock_set_rcvtimeo (dealer, 100);
    int64_t start = wb_mono_ms ();
    for (long index = 0; index < count; index++)
        zstr_sendx (dealer, "XYZ/9", "RequestPing", "not a body", NULL);
    long replies = 0;
    while (replies < count && wb_mono_ms () - start < S_DEADLINE_MS) {
        zmsg_t *reply = zmsg_recv (dealer);
        replies += reply != NULL;
        zmsg_destroy (&reply);
    }
    printf ("replies %ld\nelapsed_ms %" PRId64 "\n", replies, wb_mono_ms () - start);
    zsock_destroy (&dealer);
    return replies == count ? 0 : 1;
}
