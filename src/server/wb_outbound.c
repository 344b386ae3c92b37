/*  wb_outbound: each client's outgoing queue, bounded in bytes. See
    wb_outbound.h. */
#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include "wb_outbound.h"
#include "wb_prelude.h"
#include "wb_protocol.h"

/* Bytes handed to libzmq after which freed memory is given back to the
   system at the next sweep (malloc_trim). */
#define S_TRIM_AFTER_BYTES (16u << 20)
/* A message this small goes to libzmq at once when nothing waits for its
   client; a larger one only within the pump's budget (the copies of a big
   fan-out are spread over many passes of the reactor). */
#define S_SMALL (64u << 10)
/* A client whose libzmq queue took nothing for this long (ms) is not
   reading: what waits for it presses nobody (see wb_outbound_pressed). */
#define S_STALLED_MS 200

/* What one client has queued in libzmq: bytes handed over and not yet
   freed. libzmq frees a message's body (s_chunk_free) in its I/O thread
   once it is written, or dropped with its connection: hence atomics. A
   tally lives while its peer or a body in libzmq holds it. */
typedef struct {
    atomic_size_t queued;
    atomic_int refs;
} s_tally_t;

/* The body of one message handed to libzmq, with the tally it counts in. */
typedef struct {
    s_tally_t *tally;
    size_t size;
    uint8_t data [];
} s_chunk_t;

/* One encoded body, shared by the clients it waits for (reactor only). */
typedef struct {
    size_t refs;
    size_t size;
    const char *name;           /* the message's name, from the catalogue */
    uint8_t data [];
} s_encoded_t;

/* A message waiting for its client: an encoding, and the EventSequence
   that goes into its last 8 bytes (-1: sent as it is). */
typedef struct {
    s_encoded_t *encoded;
    int64_t sequence;
} s_waiting_t;

/* A peer's key in the table: the size of its routing id, then its bytes. */
typedef uint8_t s_key_t [1 + WB_ROUTING_ID_MAX];

typedef struct {
    s_key_t key;
    zframe_t *routing_id;
    s_tally_t *tally;
    s_waiting_t *waiting;       /* in order, from index first to size */
    size_t first;
    size_t size;
    size_t capacity;
    size_t waiting_bytes;
    int64_t progress_at;        /* when libzmq last took one of them */
    uint64_t used_at;           /* the sweep count at its last message */
    bool in_backlog;
} s_peer_t;

struct _wb_outbound_t {
    void *socket;               /* the ROUTER's libzmq handle */
    size_t send_bytes;          /* each client's bound in bytes */
    size_t send_messages;       /* and in messages waiting here (libzmq's
                                   own bound is ZMQ_SNDHWM) */
    zhashx_t *peers;            /* s_peer_t by routing id (its bytes) */
    zlistx_t *backlog;          /* peers with messages waiting, in turn */
    size_t sent_since_trim;     /* bytes handed to libzmq since the last trim */
    size_t budget;              /* large bytes that may still go at once */
    uint64_t sweeps;            /* wb_outbound_sweep calls so far */
};

// ---------------------------------------------------------------- parts

static void
s_tally_release (s_tally_t *tally)
{
    if (atomic_fetch_sub (&tally->refs, 1) == 1)
        free (tally);
}

//  libzmq is done with a body: it no longer counts for its client.
static void
s_chunk_free (void *data, void *hint)
{
    (void) data;
    s_chunk_t *chunk = hint;
    atomic_fetch_sub (&chunk->tally->queued, chunk->size);
    s_tally_release (chunk->tally);
    free (chunk);
}

static s_encoded_t *
s_encoded_new (size_t size, const char *name)
{
    s_encoded_t *encoded = malloc (sizeof (s_encoded_t) + size);
    if (encoded) {
        encoded->refs = 1;
        encoded->size = size;
        encoded->name = name;
    }
    return encoded;
}

static void
s_encoded_release (s_encoded_t **encoded_p)
{
    if (*encoded_p && --(*encoded_p)->refs == 0)
        free (*encoded_p);
    *encoded_p = NULL;
}

//  Let go of everything waiting for a peer.
static void
s_peer_clear (s_peer_t *peer)
{
    for (size_t index = peer->first; index < peer->size; index++)
        s_encoded_release (&peer->waiting [index].encoded);
    peer->first = peer->size = 0;
    peer->waiting_bytes = 0;
}

//  The table's destructor.
static void
s_peer_destroy (void **item_p)
{
    s_peer_t *peer = *item_p;
    s_peer_clear (peer);
    free (peer->waiting);
    s_tally_release (peer->tally);
    zframe_destroy (&peer->routing_id);
    free (peer);
    *item_p = NULL;
}

const char *
wb_outbound_routing_key (zframe_t *routing_id, char buffer [WB_ROUTING_KEY_MAX])
{
    static const char hex [] = "0123456789ABCDEF";
    size_t size = routing_id ? zframe_size (routing_id) : WB_ROUTING_KEY_MAX;
    if (2 * size >= WB_ROUTING_KEY_MAX)
        return NULL;
    const uint8_t *data = zframe_data (routing_id);
    for (size_t index = 0; index < size; index++) {
        buffer [2 * index] = hex [data [index] >> 4];
        buffer [2 * index + 1] = hex [data [index] & 15];
    }
    buffer [2 * size] = 0;
    return buffer;
}

//  The table's hash of a key (s_key_t): FNV-1a over its bytes.
static size_t
s_key_hash (const void *item)
{
    const uint8_t *key = item;
    uint64_t hash = 14695981039346656037u;
    for (size_t index = 0; index <= key [0]; index++)
        hash = (hash ^ key [index]) * 1099511628211u;
    return (size_t) hash;
}

//  The table's comparison of two keys (s_key_t): 0 if the same bytes.
static int
s_key_compare (const void *item1, const void *item2)
{
    const uint8_t *key1 = item1, *key2 = item2;
    return memcmp (key1, key2, (size_t) key1 [0] + 1);
}

//  The peer of a routing id, made on its first message; NULL (errno
//  EHOSTUNREACH) for a frame that is no routing id. A look-up per
//  delivery of a fan-out: keyed by the routing id's bytes, hashed here,
//  not by a hex text hashed by CZMQ.
static s_peer_t *
s_peer (wb_outbound_t *self, zframe_t *routing_id)
{
    size_t size = routing_id ? zframe_size (routing_id) : SIZE_MAX;
    if (size > WB_ROUTING_ID_MAX) {
        errno = EHOSTUNREACH;
        return NULL;
    }
    s_key_t key;
    key [0] = (uint8_t) size;
    memcpy (key + 1, zframe_data (routing_id), size);
    s_peer_t *peer = zhashx_lookup (self->peers, key);
    if (!peer) {
        peer = wb_calloc (1, sizeof (s_peer_t));
        memcpy (peer->key, key, size + 1);
        peer->routing_id = zframe_dup (routing_id);
        peer->tally = wb_calloc (1, sizeof (s_tally_t));
        atomic_init (&peer->tally->queued, 0);
        atomic_init (&peer->tally->refs, 1);
        zhashx_insert (self->peers, peer->key, peer);
    }
    peer->used_at = self->sweeps;
    return peer;
}

//  Bytes libzmq holds for a peer.
static size_t
s_queued (const s_peer_t *peer)
{
    return atomic_load (&peer->tally->queued);
}

//  True if libzmq may take size more bytes for a peer now.
static bool
s_fits_handoff (const wb_outbound_t *self, const s_peer_t *peer, size_t size)
{
    size_t queued = s_queued (peer);
    size_t handoff = self->send_bytes < WB_OUTBOUND_HANDOFF ? self->send_bytes
                                                            : WB_OUTBOUND_HANDOFF;
    return queued == 0 || queued + size <= handoff;
}

//  True if size more bytes would take a peer past its bound (one message
//  always goes to an empty queue).
static bool
s_over_bound (const wb_outbound_t *self, const s_peer_t *peer, size_t size)
{
    size_t total = s_queued (peer) + peer->waiting_bytes;
    return (total > 0 && total + size > self->send_bytes)
        || peer->size - peer->first >= self->send_messages;
}

// ---------------------------------------------------------------- to libzmq

//  A chunk of size bytes counted in a peer's tally; NULL (ENOMEM).
static s_chunk_t *
s_chunk_new (wb_outbound_t *self, s_peer_t *peer, size_t size)
{
    s_chunk_t *chunk = malloc (sizeof (s_chunk_t) + size);
    if (!chunk) {
        errno = ENOMEM;
        return NULL;
    }
    chunk->tally = peer->tally;
    chunk->size = size;
    atomic_fetch_add (&peer->tally->refs, 1);
    atomic_fetch_add (&peer->tally->queued, size);
    self->sent_since_trim += size;
    return chunk;
}

//  Send a frame of bytes that outlive the send (a peer's routing id,
//  which the ROUTER reads at once; a word of the catalogue): no copy.
static int
s_send_constant (void *socket, const void *data, size_t size, int flags)
{
    zmq_msg_t frame;
    zmq_msg_init_data (&frame, (void *) data, size, NULL, NULL);
    if (zmq_msg_send (&frame, socket, flags) == -1) {
        zmq_msg_close (&frame);
        return -1;
    }
    return 0;
}

//  Hand one message to libzmq: routing id, protocol id, name, and the
//  chunk as its body, without a copy; 0, or -1 with errno (the chunk is
//  freed either way, by libzmq once written).
static int
s_chunk_send (wb_outbound_t *self, s_peer_t *peer, const char *name, s_chunk_t *chunk)
{
    zmq_msg_t body;
    zmq_msg_init_data (&body, chunk->data, chunk->size, s_chunk_free, chunk);
    if (s_send_constant (self->socket, peer->key + 1, peer->key [0], ZMQ_SNDMORE)
    ||  s_send_constant (self->socket, WB_PROTOCOL_ID, strlen (WB_PROTOCOL_ID), ZMQ_SNDMORE)
    ||  s_send_constant (self->socket, name, strlen (name), ZMQ_SNDMORE)
    ||  zmq_msg_send (&body, self->socket, 0) == -1) {
        int error = zmq_errno ();
        zmq_msg_close (&body);          //  frees the chunk
        errno = error;
        return -1;
    }
    return 0;
}

//  Hand libzmq one encoding for a peer, its EventSequence patched in.
static int
s_handoff (wb_outbound_t *self, s_peer_t *peer, const s_waiting_t *waiting)
{
    const s_encoded_t *encoded = waiting->encoded;
    s_chunk_t *chunk = s_chunk_new (self, peer, encoded->size);
    if (!chunk)
        return -1;
    if (waiting->sequence >= 0) {
        //  the encoding but its last 8 bytes, then the sequence (big-endian)
        uint64_t sequence = htobe64 ((uint64_t) waiting->sequence);
        memcpy (chunk->data, encoded->data, encoded->size - 8);
        memcpy (chunk->data + encoded->size - 8, &sequence, 8);
    }
    else
        memcpy (chunk->data, encoded->data, encoded->size);
    return s_chunk_send (self, peer, encoded->name, chunk);
}

//  Keep an encoding for a peer, after what already waits; 0 or -1.
static int
s_wait (wb_outbound_t *self, s_peer_t *peer, s_encoded_t *encoded, int64_t sequence)
{
    if (peer->first > 0 && peer->first == peer->size)
        peer->first = peer->size = 0;
    if (wb_grow (&peer->waiting, &peer->capacity, peer->size + 1, sizeof (s_waiting_t),
                 SIZE_MAX / sizeof (s_waiting_t))) {
        errno = ENOMEM;
        return -1;
    }
    encoded->refs++;
    s_waiting_t waiting = { encoded, sequence };
    peer->waiting [peer->size++] = waiting;
    peer->waiting_bytes += encoded->size;
    if (!peer->in_backlog) {
        zlistx_add_end (self->backlog, peer);
        peer->in_backlog = true;
        peer->progress_at = zclock_mono ();
    }
    return 0;
}

//  True if a message of size bytes goes to libzmq now: nothing waits for
//  the peer, libzmq has room, and it is small or within the budget (which
//  it then uses). Then libzmq's answer is the answer (EAGAIN: its count,
//  ZMQ_SNDHWM, is full; EHOSTUNREACH: the peer is gone).
static bool
s_goes_now (wb_outbound_t *self, const s_peer_t *peer, size_t size)
{
    if ((size > S_SMALL && size > self->budget)
    ||  peer->first != peer->size || !s_fits_handoff (self, peer, size))
        return false;
    if (size > S_SMALL)
        self->budget -= size;
    return true;
}

//  EAGAIN (-1) if size more bytes would take a peer past its bound, when
//  the message is bounded; else 0.
static int
s_refused (const wb_outbound_t *self, const s_peer_t *peer, size_t size, bool bounded)
{
    if (!bounded || !s_over_bound (self, peer, size))
        return 0;
    errno = EAGAIN;
    return -1;
}

//  Send an encoding to a peer now if nothing waits and libzmq has room,
//  else keep it; 0, or -1 with errno (EAGAIN: over the peer's bound).
static int
s_deliver (wb_outbound_t *self, s_peer_t *peer, s_encoded_t *encoded, int64_t sequence,
           bool bounded)
{
    if (s_refused (self, peer, encoded->size, bounded))
        return -1;
    if (s_goes_now (self, peer, encoded->size)) {
        s_waiting_t waiting = { encoded, sequence };
        return s_handoff (self, peer, &waiting);
    }
    return s_wait (self, peer, encoded, sequence);
}

// ---------------------------------------------------------------- class

wb_outbound_t *
wb_outbound_new (zsock_t *router, size_t send_bytes, size_t send_messages)
{
    if (!router)
        return NULL;
    wb_outbound_t *self = wb_calloc (1, sizeof (wb_outbound_t));
    self->socket = zsock_resolve (router);
    self->send_bytes = send_bytes;
    self->send_messages = send_messages;
    self->peers = zhashx_new ();
    zhashx_set_destructor (self->peers, s_peer_destroy);
    //  keys are the peers' own (s_key_t), freed with them
    zhashx_set_key_duplicator (self->peers, NULL);
    zhashx_set_key_destructor (self->peers, NULL);
    zhashx_set_key_hasher (self->peers, s_key_hash);
    zhashx_set_key_comparator (self->peers, s_key_compare);
    self->backlog = zlistx_new ();
    return self;
}

void
wb_outbound_destroy (wb_outbound_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    wb_outbound_t *self = *self_p;
    zlistx_destroy (&self->backlog);
    //  a body libzmq still holds keeps its own tally alive
    zhashx_destroy (&self->peers);
    free (self);
    *self_p = NULL;
}

//  The size of a message's body as sent; 0 (logged, errno EMSGSIZE) if it
//  cannot be encoded.
static size_t
s_body_size (const wb_msg_t *msg)
{
    size_t size = wb_kvlist_encode_int_first (wb_msg_body_const (msg), WB_ATTR_REFERENCE_ID,
                                              wb_msg_reference_id (msg), NULL, 0);
    if (size == 0) {
        zsys_error ("%s ref=%" PRId64 " cannot be encoded (over a codec limit): not sent",
                    wb_msg_name (msg), wb_msg_reference_id (msg));
        errno = EMSGSIZE;
    }
    return size;
}

//  Write a message's body into data, of the size s_body_size measured
//  (not measured again).
static void
s_encode_into (const wb_msg_t *msg, uint8_t *data)
{
    wb_kvlist_put_int_first (wb_msg_body_const (msg), WB_ATTR_REFERENCE_ID,
                             wb_msg_reference_id (msg), data);
}

//  The encoding of a message of size bytes (s_body_size: 0 if it cannot
//  be encoded); NULL with errno.
static s_encoded_t *
s_encode (const wb_msg_t *msg, size_t size)
{
    s_encoded_t *encoded = size ? s_encoded_new (size, wb_msg_name (msg)) : NULL;
    if (encoded)
        s_encode_into (msg, encoded->data);
    else
    if (size)
        errno = ENOMEM;
    return encoded;
}

//  Hand libzmq a message for one peer, encoded straight into the body
//  libzmq takes: no encoding kept, no copy of it. 0 or -1 with errno.
static int
s_send_now (wb_outbound_t *self, s_peer_t *peer, const wb_msg_t *msg, size_t size)
{
    s_chunk_t *chunk = s_chunk_new (self, peer, size);
    if (!chunk)
        return -1;
    s_encode_into (msg, chunk->data);
    return s_chunk_send (self, peer, wb_msg_name (msg), chunk);
}

int
wb_outbound_send (wb_outbound_t *self, const wb_msg_t *msg)
{
    zframe_t *routing_id = wb_msg_routing_id (msg);
    if (!self || !routing_id) {
        errno = EHOSTUNREACH;           //  a ROUTER cannot send without a peer
        return -1;
    }
    size_t size = s_body_size (msg);
    s_peer_t *peer = size ? s_peer (self, routing_id) : NULL;
    if (!peer || s_refused (self, peer, size, !wb_msg_is (msg, WB_ROW_EVENT_ERROR)))
        return -1;
    if (s_goes_now (self, peer, size))
        return s_send_now (self, peer, msg, size);
    //  it waits: as one encoding kept, as an event for many is
    s_encoded_t *encoded = s_encode (msg, size);
    int rc = encoded ? s_wait (self, peer, encoded, -1) : -1;
    int error = errno;
    s_encoded_release (&encoded);
    errno = error;
    return rc;
}

//  True if an encoded body ends with its EventSequence (as the engine adds
//  it, last): then each client's copy differs only in its last 8 bytes.
static bool
s_ends_with_sequence (const s_encoded_t *encoded)
{
    const char *key = WB_ATTR_EVENT_SEQUENCE;
    size_t length = strlen (key);
    size_t entry = 1 + length + 1 + 8;
    if (encoded->size < 4 + entry)
        return false;
    const uint8_t *start = encoded->data + encoded->size - entry;
    return start [0] == length && memcmp (start + 1, key, length) == 0
        && start [1 + length] == WB_TYPE_INT;
}

void
wb_outbound_send_many (wb_outbound_t *self, wb_msg_t *event, zframe_t **routing_ids,
                       const int64_t *sequences, int *errors, size_t count)
{
    wb_kvlist_set_int (wb_msg_body (event), WB_ATTR_EVENT_SEQUENCE, 0);
    s_encoded_t *encoded = s_encode (event, s_body_size (event));
    int error = errno;
    bool shared = encoded && s_ends_with_sequence (encoded);
    for (size_t index = 0; index < count; index++) {
        errors [index] = 0;
        if (shared) {
            s_peer_t *peer = s_peer (self, routing_ids [index]);
            if (!peer || s_deliver (self, peer, encoded, sequences [index], true))
                errors [index] = errno;
        }
        else
        if (!encoded)
            errors [index] = error;
        else {
            //  not laid out as expected: one encoding each
            wb_kvlist_set_int (wb_msg_body (event), WB_ATTR_EVENT_SEQUENCE, sequences [index]);
            wb_msg_set_routing_id (event, routing_ids [index]);
            if (wb_outbound_send (self, event))
                errors [index] = errno;
        }
    }
    s_encoded_release (&encoded);
}

//  Hand libzmq the next message waiting for a peer, if it has room; 1 if
//  one went, 0 if not.
static int
s_pump_one (wb_outbound_t *self, s_peer_t *peer)
{
    if (peer->first == peer->size)
        return 0;
    s_waiting_t *waiting = &peer->waiting [peer->first];
    if (!s_fits_handoff (self, peer, waiting->encoded->size))
        return 0;
    if (s_handoff (self, peer, waiting)) {
        if (errno == EAGAIN)
            return 0;                   //  libzmq's count is full: later
        zsys_debug ("a client left with %zu message(s) waiting for it", peer->size - peer->first);
        s_peer_clear (peer);            //  gone: what waits for it goes too
        return 0;
    }
    peer->waiting_bytes -= waiting->encoded->size;
    s_encoded_release (&waiting->encoded);
    peer->first++;
    peer->progress_at = zclock_mono ();
    return 1;
}

size_t
wb_outbound_pump (wb_outbound_t *self, size_t budget)
{
    if (!self)
        return 0;
    size_t sent = 0;
    bool progress = true;
    self->budget = 0;           //  renewed below, for what is not spent here
    //  rounds over the peers that have messages waiting, one message each
    while (progress && sent < budget && zlistx_size (self->backlog) > 0) {
        progress = false;
        size_t turns = zlistx_size (self->backlog);
        for (size_t turn = 0; turn < turns && sent < budget; turn++) {
            s_peer_t *peer = zlistx_first (self->backlog);
            size_t size = peer->first < peer->size ? peer->waiting [peer->first].encoded->size : 0;
            if (s_pump_one (self, peer)) {
                sent += size;
                progress = true;
            }
            if (peer->first == peer->size) {
                zlistx_detach_cur (self->backlog);
                peer->in_backlog = false;
            }
            else
                zlistx_move_end (self->backlog, zlistx_cursor (self->backlog));
        }
    }
    self->budget = sent < budget ? budget - sent : 0;
    return sent;
}

size_t
wb_outbound_peers (wb_outbound_t *self)
{
    return self ? zhashx_size (self->peers) : 0;
}

bool
wb_outbound_waiting (wb_outbound_t *self)
{
    return self && zlistx_size (self->backlog) > 0;
}

bool
wb_outbound_pressed (wb_outbound_t *self, size_t total_max)
{
    if (!self)
        return false;
    size_t total = 0;
    int64_t now = zclock_mono ();
    for (s_peer_t *peer = zlistx_first (self->backlog); peer; peer = zlistx_next (self->backlog)) {
        if (now - peer->progress_at >= S_STALLED_MS)
            continue;                   //  not reading: it meets its bound
        if ((s_queued (peer) + peer->waiting_bytes) * 2 > self->send_bytes)
            return true;
        total += peer->waiting_bytes;
    }
    return total > total_max;
}

void
wb_outbound_sweep (wb_outbound_t *self)
{
    if (!self)
        return;
    //  forget the peers with nothing queued for a while (gone, or idle):
    //  the table stays as large as the clients that are reading. Not at
    //  the first sweep: a subscriber hears of a change now and then, and
    //  making its peer again for each event (a table insert, three
    //  allocations) cost as much as the rest of its delivery
    self->sweeps++;
    zlistx_t *idle = zlistx_new ();
    for (s_peer_t *peer = zhashx_first (self->peers); peer; peer = zhashx_next (self->peers))
        if (!peer->in_backlog && s_queued (peer) == 0
        &&  self->sweeps - peer->used_at > WB_OUTBOUND_IDLE_SWEEPS)
            zlistx_add_end (idle, peer->key);
    for (const uint8_t *key = zlistx_first (idle); key; key = zlistx_next (idle))
        zhashx_delete (self->peers, key);
    zlistx_destroy (&idle);
    if (self->sent_since_trim >= S_TRIM_AFTER_BYTES) {
        self->sent_since_trim = 0;
#ifdef __GLIBC__
        malloc_trim (0);
#endif
    }
}
