/*  wb_msg: one protocol message: its name, ReferenceId and body.

    On the wire (doc/PROTOCOL.md, "Frames") a message is three frames:
    the protocol id "WBP/1", the message name, and the encoded body. The
    body carries ReferenceId as an int entry; wb_msg keeps it as a field.
    On a ROUTER socket a routing-id frame comes first; wb_msg keeps it so a
    reply can be sent back to the same peer.
*/
#ifndef WB_MSG_H_INCLUDED
#define WB_MSG_H_INCLUDED

#include <czmq.h>
#include "wb_catalog.h"
#include "wb_kvlist.h"

#define WB_PROTOCOL_ID "WBP/1"

/* An optional int attribute that is not there: a request builder given
   it leaves the attribute out; an event reader gives it for one absent. */
#define WB_ABSENT INT64_MIN

typedef struct _wb_msg_t wb_msg_t;

/* A message with this catalogue name, ReferenceId 0 and an empty body.
   Returns NULL if the name is not in the catalogue. */
wb_msg_t *wb_msg_new (const char *name);
/* The same for a catalogue row named at compile time, without a lookup
   (wb_msg_new_row (WB_ROW_EVENT_ACK)). NULL if row is not a row. */
wb_msg_t *wb_msg_new_row (wb_catalog_row_t row);
void wb_msg_destroy (wb_msg_t **self_p);
wb_msg_t *wb_msg_dup (const wb_msg_t *self);

const char *wb_msg_name (const wb_msg_t *self);
/* The message's catalogue row (found once, when it was made or decoded):
   its kind, attributes, and for a request what it needs. NULL if self is. */
const wb_message_spec_t *wb_msg_spec (const wb_msg_t *self);
/* True if the message is the one of this catalogue row. */
bool wb_msg_is (const wb_msg_t *self, wb_catalog_row_t row);
int64_t wb_msg_reference_id (const wb_msg_t *self);
void wb_msg_set_reference_id (wb_msg_t *self, int64_t reference_id);
/* The body, owned by the message; the caller may read and change it. */
wb_kvlist_t *wb_msg_body (wb_msg_t *self);
const wb_kvlist_t *wb_msg_body_const (const wb_msg_t *self);

/* The routing id of the peer (ROUTER side), or NULL. */
zframe_t *wb_msg_routing_id (const wb_msg_t *self);
void wb_msg_set_routing_id (wb_msg_t *self, zframe_t *routing_id);

/* Encode to a zmsg of three frames (no routing id); NULL on failure. */
zmsg_t *wb_msg_encode (const wb_msg_t *self);
/* Decode the three frames of a zmsg (the routing id already removed).
   Returns the message, or NULL with *status saying why. When the
   ReferenceId could be read despite a failure, *reference_id gets it
   (0 otherwise), so that an EventError can still echo it. */
wb_msg_t *wb_msg_decode (zmsg_t *zmsg, wb_codec_status_t *status,
                         int64_t *reference_id);

/* Send on a socket; a ROUTER socket gets the routing id first. Destroys
   *self_p and nulls it whatever happens. Return 0 or -1. */
int wb_msg_send (wb_msg_t **self_p, void *socket);
/* Receive one message. Returns it, or NULL with *status saying why;
   on a ROUTER socket *routing_id gets the sender even when decoding
   fails (caller destroys it), so the server can answer with an error.
   The body's top level is checked as wb_msg_decode checks it, but the
   lists nested in it stay bytes until first read (wb_kvlist_decode_lazy),
   their structure checked here and their keys and UTF-8 at that read
   (wb_kvlist_list gives NULL if they fail, wb_kvlist_status_at says why;
   encoding such bytes to send them on is refused): this is the client's
   receive, and a client often reads only the top level (the server reads
   its requests through wb_msg_frames_decode, checked in full). */
wb_msg_t *wb_msg_recv (void *socket, wb_codec_status_t *status,
                       int64_t *reference_id, zframe_t **routing_id);

/* Receive one message if one is waiting now, without blocking: -1 if
   none is (or the socket failed), else 0 with *msg_p the message decoded
   as wb_msg_recv decodes it, or NULL with *status saying why. One call to
   libzmq where asking first whether a message waits would make two. */
int wb_msg_try_recv (void *socket, wb_msg_t **msg_p, wb_codec_status_t *status);
/* A look at a message as it arrives, before its body is decoded: its name
   and body as they came (the protocol id checked, nothing else: a glance
   reads them with care). A client acts on what it can read at once, as
   the console asks for the next page while it decodes this one. */
typedef void (wb_msg_glance_fn) (void *arg, const uint8_t *name, size_t name_size,
                                 const uint8_t *body, size_t body_size);
typedef struct {
    wb_msg_glance_fn *fn;
    void *arg;
} wb_msg_glance_t;

/* The same on a socket its caller knows is not a ROUTER (a client's
   DEALER): its type is not asked of libzmq (a getsockopt) per message.
   glance (optional) looks at the message before it is decoded. */
int wb_msg_try_recv_dealer (void *socket, wb_msg_t **msg_p, wb_codec_status_t *status,
                            const wb_msg_glance_t *glance);
/* The same, waiting up to timeout_ms (set as the socket's ZMQ_RCVTIMEO)
   for a message: -1 with errno EAGAIN if none came, EINTR if a signal
   came first. libzmq waits itself, once, where zmq_poll and ZMQ_EVENTS
   would each ask the socket's mailbox again (a getpid and a poll each). */
int wb_msg_wait_recv_dealer (void *socket, int timeout_ms, wb_msg_t **msg_p,
                             wb_codec_status_t *status, const wb_msg_glance_t *glance);

/* One message's frames read straight from libzmq into zmq_msg_t, without
   a zmsg_t of zframes (a message is a few hundred instructions cheaper to
   receive, on the server and on every client of a fan-out): on a ROUTER
   the routing id first, then up to three more frames. A message of more
   frames is read in full, its extra frames counted and let go. */
#define WB_MSG_FRAMES_MAX 4
typedef struct {
    zmq_msg_t frames [WB_MSG_FRAMES_MAX];
    size_t sizes [WB_MSG_FRAMES_MAX];   /* their sizes, asked of libzmq once */
    size_t kept;                /* frames held in frames [] */
    size_t count;               /* frames received, the routing id too */
    size_t content_size;        /* bytes of the frames after the routing id */
    bool router;                /* the first frame is a routing id */
} wb_msg_frames_t;

/* Receive one whole message (waiting as the socket's options say). 0, or
   -1 with nothing left to close. */
int wb_msg_frames_recv (wb_msg_frames_t *self, void *socket);
/* The same if a message waits now: else -1, errno EAGAIN, at once. */
int wb_msg_frames_try_recv (wb_msg_frames_t *self, void *socket);
/* Decode the frames after the routing id as wb_msg_decode does. */
wb_msg_t *wb_msg_frames_decode (wb_msg_frames_t *self, wb_codec_status_t *status,
                                int64_t *reference_id);
/* The frame after the routing id (where libzmq puts a connection's
   metadata, zmq_msg_gets), or NULL if there is none. */
zmq_msg_t *wb_msg_frames_first (wb_msg_frames_t *self);
/* A copy of the routing id, or NULL if the socket is no ROUTER. */
zframe_t *wb_msg_frames_routing_id (wb_msg_frames_t *self);
void wb_msg_frames_close (wb_msg_frames_t *self);

/* One line for logs and the trace:
   "RequestGetWorkbinContent ref=7 {WorkbinTypeId='email-draft' ...}" */
void wb_msg_print (const wb_msg_t *self, char *buffer, size_t capacity);

#endif
