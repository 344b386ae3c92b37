/*  Fuzz target for the server's request handling: bytes -> messages ->
    wb_engine, with the example directory (doc/examples/sample.cfg) and a
    fresh in-memory SQLite store per input, so that a sequence of requests
    from several peers can register, log in, subscribe, submit, move, pull
    and expire, as real sessions do.

    Input: a sequence of records, until the bytes run out:
        control:u8  frames:u8  { size:u16 big-endian, bytes } * frames
    control bits 0-2: the peer (routing id) that sends the message;
    bit 6 (0x40): every send to that peer fails (EAGAIN, its queue is full)
    while the message is handled; bit 7 (0x80): 31 s pass before it, and
    silent sessions expire. A frame's size is cut to the bytes that remain.
    The corpus in tests/fuzz/corpus/wb_server holds real sessions in this form,
    recorded by tests/fuzz/fuzz_wb_server_record.c.

    What must hold, or the target aborts: every message that is decoded (or
    not) gets exactly one reply, to its sender, echoing its ReferenceId;
    every message the engine sends encodes and decodes again; each peer's
    EventSequence grows by one (or starts again at 1 in a new session).
*/
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include "wb_engine.h"

#define S_PEERS 8
#define S_PEER_MASK 0x07
#define S_REFUSE_SENDS 0x40
#define S_TIME_PASSES 0x80
#define S_EXPIRY_STEP_MS 31000

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* What the send function saw while one message was handled. */
typedef struct {
    zframe_t *peers [S_PEERS];
    int refused;                  /* peer whose sends fail, or -1 */
    int sender;                   /* peer of the message being handled */
    int64_t reference_id;         /* its ReferenceId, as answered */
    bool reference_known;         /* false: the reply's is not checked */
    int replies;                  /* replies sent to the sender */
    bool last_reply_is_error;     /* the last of them was an EventError */
    int64_t sequence [S_PEERS];   /* last EventSequence sent to each peer */
} s_context_t;

static wb_directory_t *s_directory;

//  Load the directory once: from $WB_SRCDIR, else the source tree this
//  was built from.
static wb_directory_t *
s_directory_get (void)
{
    if (s_directory)
        return s_directory;
    const char *root = getenv ("WB_SRCDIR") ? getenv ("WB_SRCDIR") : WB_SOURCE_DIR;
    char path [1024], error [256];
    snprintf (path, sizeof (path), "%s/doc/examples/sample.cfg", root);
    s_directory = wb_directory_load (path, error, sizeof (error));
    if (!s_directory) {
        fprintf (stderr, "fuzz_wb_server: %s\n", error);
        abort ();
    }
    return s_directory;
}

//  The peer a routing id belongs to; aborts on one the engine made up.
static int
s_peer_of (const s_context_t *context, zframe_t *routing_id)
{
    for (int peer = 0; peer < S_PEERS; peer++)
        if (zframe_eq (context->peers [peer], routing_id))
            return peer;
    abort ();
}

//  An event's EventSequence follows the peer's last one, or starts again.
static void
s_check_sequence (s_context_t *context, int peer, int64_t sequence)
{
    if (sequence != context->sequence [peer] + 1 && sequence != 1)
        abort ();
    context->sequence [peer] = sequence;
}

//  The engine's send function: checks what it is given, then drops it.
static int
s_send (void *context_p, wb_msg_t **msg_p)
{
    s_context_t *context = context_p;
    wb_msg_t *msg = *msg_p;
    int peer = s_peer_of (context, wb_msg_routing_id (msg));
    int64_t sequence;
    if (wb_kvlist_int (wb_msg_body_const (msg), "EventSequence", &sequence) == 0)
        s_check_sequence (context, peer, sequence);
    else {
        if (peer != context->sender
        ||  (context->reference_known && wb_msg_reference_id (msg) != context->reference_id))
            abort ();
        context->replies++;
        context->last_reply_is_error = wb_msg_is (msg, WB_ROW_EVENT_ERROR);
    }
    zmsg_t *encoded = wb_msg_encode (msg);
    wb_msg_t *again = encoded ? wb_msg_decode (encoded, NULL, NULL) : NULL;
    if (!again)
        abort ();           //  the server sent what no client could read
    wb_msg_destroy (&again);
    zmsg_destroy (&encoded);
    wb_msg_destroy (msg_p);
    if (peer == context->refused) {
        errno = EAGAIN;
        return -1;
    }
    return 0;
}

//  Cut the next record into frames; NULL when the input is used up.
static zmsg_t *
s_next_record (const uint8_t *data, size_t size, size_t *offset, uint8_t *control)
{
    if (size - *offset < 2)
        return NULL;
    *control = data [*offset];
    size_t frames = data [*offset + 1];
    *offset += 2;
    zmsg_t *zmsg = zmsg_new ();
    for (size_t index = 0; index < frames && size - *offset >= 2; index++) {
        size_t frame_size = (size_t) data [*offset] << 8 | data [*offset + 1];
        *offset += 2;
        if (frame_size > size - *offset)
            frame_size = size - *offset;
        zmsg_addmem (zmsg, data + *offset, frame_size);
        *offset += frame_size;
    }
    return zmsg;
}

//  Hand one record to the engine, as wb_server does, and check that it was
//  answered exactly once.
static void
s_handle_record (wb_engine_t *engine, s_context_t *context, zmsg_t *zmsg, uint8_t control,
                 int64_t now)
{
    context->sender = control & S_PEER_MASK;
    context->refused = control & S_REFUSE_SENDS ? context->sender : -1;
    context->replies = 0;
    wb_codec_status_t status;
    int64_t reference_id = 0;
    wb_msg_t *msg = wb_msg_decode (zmsg, &status, &reference_id);
    context->reference_id = reference_id;
    //  a malformed message's ReferenceId is echoed only when it was read
    context->reference_known = msg != NULL;
    zframe_t *routing_id = context->peers [context->sender];
    if (msg)
        wb_engine_handle (engine, routing_id, &msg, now);
    else
        wb_engine_handle_malformed (engine, routing_id, status, reference_id, now);
    //  one reply; to a client whose queue is full (its sends refused), the
    //  one that did not fit and then one EventError (1005) in its place
    bool answered = context->replies == 1
                 || (context->refused == context->sender && context->replies == 2
                     && context->last_reply_is_error);
    if (!answered)
        abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    zsys_set_logstream (NULL);      //  the store warns that :memory: is not WAL
    char error [256];
    wb_store_t *store = wb_store_open ("sqlite::memory:", error, sizeof (error));
    if (!store)
        abort ();
    s_context_t context = { .refused = -1 };
    for (int peer = 0; peer < S_PEERS; peer++) {
        uint8_t id [5] = { 0, 'p', 'e', 'e', (uint8_t) ('0' + peer) };
        context.peers [peer] = zframe_new (id, sizeof (id));
    }
    wb_engine_t *engine = wb_engine_new (s_directory_get (), store, s_send, &context);
    int64_t now = 1000000;
    size_t offset = 0;
    uint8_t control = 0;
    for (zmsg_t *zmsg = s_next_record (data, size, &offset, &control); zmsg;
         zmsg = s_next_record (data, size, &offset, &control)) {
        now += control & S_TIME_PASSES ? S_EXPIRY_STEP_MS : 1;
        if (control & S_TIME_PASSES)
            wb_engine_expire (engine, now);
        s_handle_record (engine, &context, zmsg, control, now);
        zmsg_destroy (&zmsg);
    }
    wb_engine_destroy (&engine);
    wb_store_destroy (&store);
    for (int peer = 0; peer < S_PEERS; peer++)
        zframe_destroy (&context.peers [peer]);
    return 0;
}
