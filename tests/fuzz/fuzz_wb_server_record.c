/*  Records real sessions for the server's fuzz corpus: a pass-through
    between clients and a running wbserver that writes every message the
    clients send, in the input format of tests/fuzz/fuzz_wb_server.c.

    Usage: fuzz_wb_server_record FRONT BACK FILE
    Clients connect to FRONT (bound here, a ROUTER); each gets its own
    DEALER to the server at BACK, so the server sees one connection per
    client, as without the recorder. Runs until SIGINT or SIGTERM. The n-th
    client to speak is peer n (mod 8) in the records.
*/
#include <stdio.h>
#include <czmq.h>

#define S_PEERS_MAX 8

typedef struct {
    zsock_t *front;
    const char *back;
    zhashx_t *peers;        /* routing id in hex -> s_peer_t * */
    zpoller_t *poller;
    FILE *file;
    int next_index;
} s_recorder_t;

typedef struct {
    zframe_t *routing_id;
    zsock_t *dealer;
    int index;
} s_peer_t;

static void
s_peer_destroy (s_peer_t **peer_p)
{
    if (!*peer_p)
        return;
    zframe_destroy (&(*peer_p)->routing_id);
    zsock_destroy (&(*peer_p)->dealer);
    free (*peer_p);
    *peer_p = NULL;
}

//  The peer for a routing id: known, or new with its own DEALER.
static s_peer_t *
s_peer_for (s_recorder_t *self, zframe_t *routing_id)
{
    char *key = zframe_strhex (routing_id);
    s_peer_t *peer = zhashx_lookup (self->peers, key);
    if (!peer) {
        peer = zmalloc (sizeof (s_peer_t));
        peer->routing_id = zframe_dup (routing_id);
        peer->dealer = zsock_new_dealer (self->back);
        peer->index = self->next_index++ % S_PEERS_MAX;
        zhashx_insert (self->peers, key, peer);
        zpoller_add (self->poller, peer->dealer);
    }
    free (key);
    return peer;
}

//  One record: control (the peer), the frame count, each frame sized.
static void
s_write_record (s_recorder_t *self, int index, zmsg_t *zmsg)
{
    fputc (index, self->file);
    fputc ((int) zmsg_size (zmsg), self->file);
    for (zframe_t *frame = zmsg_first (zmsg); frame; frame = zmsg_next (zmsg)) {
        size_t size = zframe_size (frame) < 0xffff ? zframe_size (frame) : 0xffff;
        fputc ((int) (size >> 8), self->file);
        fputc ((int) (size & 0xff), self->file);
        fwrite (zframe_data (frame), 1, size, self->file);
    }
    fflush (self->file);
}

//  A client's message: record it and pass it to the server.
static void
s_from_client (s_recorder_t *self)
{
    zmsg_t *zmsg = zmsg_recv (self->front);
    zframe_t *routing_id = zmsg ? zmsg_pop (zmsg) : NULL;
    if (routing_id) {
        s_peer_t *peer = s_peer_for (self, routing_id);
        s_write_record (self, peer->index, zmsg);
        zmsg_send (&zmsg, peer->dealer);
    }
    zframe_destroy (&routing_id);
    zmsg_destroy (&zmsg);
}

//  The server's message to one client: back to that client.
static void
s_from_server (s_recorder_t *self, zsock_t *dealer)
{
    zmsg_t *zmsg = zmsg_recv (dealer);
    for (s_peer_t *peer = zhashx_first (self->peers); peer && zmsg;
         peer = zhashx_next (self->peers))
        if (peer->dealer == dealer) {
            zframe_t *routing_id = zframe_dup (peer->routing_id);
            zmsg_prepend (zmsg, &routing_id);
            zmsg_send (&zmsg, self->front);
        }
    zmsg_destroy (&zmsg);
}

int
main (int argc, char *argv [])
{
    if (argc != 4) {
        fprintf (stderr, "usage: fuzz_wb_server_record FRONT BACK FILE\n");
        return 2;
    }
    s_recorder_t self = { .back = argv [2] };
    self.file = fopen (argv [3], "wb");
    self.front = zsock_new_router (argv [1]);
    if (!self.file || !self.front) {
        fprintf (stderr, "fuzz_wb_server_record: cannot open %s or bind %s\n", argv [3], argv [1]);
        return 1;
    }
    self.peers = zhashx_new ();
    zhashx_set_destructor (self.peers, (zhashx_destructor_fn *) s_peer_destroy);
    self.poller = zpoller_new (self.front, NULL);
    while (true) {
        void *which = zpoller_wait (self.poller, -1);
        if (!which)
            break;              //  interrupted
        if (which == self.front)
            s_from_client (&self);
        else
            s_from_server (&self, which);
    }
    zpoller_destroy (&self.poller);
    zhashx_destroy (&self.peers);
    zsock_destroy (&self.front);
    return fclose (self.file) == 0 ? 0 : 1;
}
