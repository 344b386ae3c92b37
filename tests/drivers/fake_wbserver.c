/*  fake_wbserver: a server that answers garbage, for
    tests/e2e/test_console_faults.sh.

    fake_wbserver ENDPOINT
        Binds a raw ROUTER socket on ENDPOINT and prints "ready". The first
        message any client sends gets, instead of its reply, a burst of
        what a broken server could send, in this order:
          - an EventAck with a ReferenceId that answers no request;
          - an EventWorkbinContent with ReferenceId 0, as if unsolicited;
          - six malformed messages: another protocol id, two frames, four
            frames, a message name that is not catalogued, a body that
            stops short, a value over WB_VALUE_MAX;
          - a frame over the client's size limit, which makes its libzmq
            drop the connection.
        Then it never answers anything again, until SIGINT or SIGTERM.
*/
#include <stdio.h>
#include <string.h>
#include "wb_msg.h"
#include "wb_test_util.h"

#define S_WRONG_REFERENCE 99999

//  Send frames to a peer: the routing id first, then each frame of body.
static void
s_send (zsock_t *router, zframe_t *peer, zmsg_t **body_p)
{
    zmsg_pushmem (*body_p, zframe_data (peer), zframe_size (peer));
    zmsg_send (body_p, router);
}

//  A well-formed message with a name and a ReferenceId.
static zmsg_t *
s_valid (const char *name, int64_t reference_id)
{
    wb_msg_t *msg = wb_msg_new (name);
    wb_msg_set_reference_id (msg, reference_id);
    zmsg_t *zmsg = wb_msg_encode (msg);
    wb_msg_destroy (&msg);
    return zmsg;
}

//  A message of raw frames: protocol id, name, then a body of bytes.
static zmsg_t *
s_raw (const char *protocol, const char *name, const wb_bytes_t *body, size_t frames)
{
    zmsg_t *zmsg = zmsg_new ();
    zmsg_addstr (zmsg, protocol);
    if (frames >= 2)
        zmsg_addstr (zmsg, name);
    if (frames >= 3)
        zmsg_addmem (zmsg, body->data, body->size);
    for (size_t extra = 3; extra < frames; extra++)
        zmsg_addstr (zmsg, "extra");
    return zmsg;
}

//  The six malformed messages, each refused by the decoder for its own reason.
static void
s_send_malformed (zsock_t *router, zframe_t *peer)
{
    wb_bytes_t *good = wb_bytes_body (1, 0);
    wb_bytes_t *short_body = wb_bytes_body (3, 0);
    wb_bytes_key_type (short_body, "Subject", WB_TYPE_STRING);
    wb_bytes_u32 (short_body, 40);
    wb_bytes_t *too_big = wb_bytes_body (2, 0);
    wb_bytes_key_type (too_big, "Subject", WB_TYPE_STRING);
    wb_bytes_u32 (too_big, WB_VALUE_MAX + 1);
    wb_bytes_repeat (too_big, 'x', WB_VALUE_MAX + 1);
    zmsg_t *burst [] = {
        s_raw ("WBP/9", "EventAck", good, 3),
        s_raw (WB_PROTOCOL_ID, "EventAck", good, 2),
        s_raw (WB_PROTOCOL_ID, "EventAck", good, 4),
        s_raw (WB_PROTOCOL_ID, "EventNonsense", good, 3),
        s_raw (WB_PROTOCOL_ID, "EventAck", short_body, 3),
        s_raw (WB_PROTOCOL_ID, "EventAck", too_big, 3),
    };
    for (size_t index = 0; index < sizeof (burst) / sizeof (burst [0]); index++)
        s_send (router, peer, &burst [index]);
    wb_bytes_destroy (&good);
    wb_bytes_destroy (&short_body);
    wb_bytes_destroy (&too_big);
}

//  A message whose body is bigger than any client accepts.
static void
s_send_oversized (zsock_t *router, zframe_t *peer)
{
    size_t size = (size_t) WB_BODY_MAX + 4096 + 1;
    zmsg_t *zmsg = zmsg_new ();
    zmsg_addstr (zmsg, WB_PROTOCOL_ID);
    zmsg_addstr (zmsg, "EventAck");
    zframe_t *body = zframe_new (NULL, size);
    memset (zframe_data (body), 0, size);
    zmsg_append (zmsg, &body);
    s_send (router, peer, &zmsg);
}

//  Everything a broken server could answer, to one peer.
static void
s_send_garbage (zsock_t *router, zframe_t *peer)
{
    zmsg_t *wrong_reference = s_valid ("EventAck", S_WRONG_REFERENCE);
    s_send (router, peer, &wrong_reference);
    zmsg_t *unsolicited = s_valid ("EventWorkbinContent", 0);
    s_send (router, peer, &unsolicited);
    s_send_malformed (router, peer);
    s_send_oversized (router, peer);
}

int
main (int argc, char *argv [])
{
    if (argc != 2) {
        fprintf (stderr, "usage: fake_wbserver ENDPOINT\n");
        return 2;
    }
    zsys_set_logstream (stderr);
    zsock_t *router = zsock_new (ZMQ_ROUTER);
    zsock_set_linger (router, 0);
    if (!router || zsock_bind (router, "%s", argv [1]) == -1) {
        fprintf (stderr, "fake_wbserver: cannot bind %s\n", argv [1]);
        zsock_destroy (&router);
        return 1;
    }
    printf ("ready\n");
    fflush (stdout);
    bool answered = false;
    zpoller_t *poller = zpoller_new (router, NULL);
    while (!zsys_interrupted) {
        if (zpoller_wait (poller, 500) != router)
            continue;
        zmsg_t *request = zmsg_recv (router);
        zframe_t *peer = request ? zmsg_pop (request) : NULL;
        if (peer && !answered)
            s_send_garbage (router, peer);
        answered = true;
        zframe_destroy (&peer);
        zmsg_destroy (&request);
    }
    zpoller_destroy (&poller);
    zsock_destroy (&router);
    return 0;
}
