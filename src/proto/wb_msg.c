/*  wb_msg: one protocol message. See wb_msg.h and doc/PROTOCOL.md. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wb_msg.h"
#include "wb_kvlist_internal.h"
#include "wb_prelude.h"
#include "wb_protocol.h"

struct _wb_msg_t {
    const wb_message_spec_t *spec;   /* catalogue row; gives the name */
    int64_t reference_id;
    wb_kvlist_t *body;               /* without ReferenceId */
    zframe_t *routing_id;            /* ROUTER side only */
};

//  A message of a catalogue row with this body, which it takes (also on
//  failure); NULL without a row or a body.
static wb_msg_t *
s_new_of_spec (const wb_message_spec_t *spec, wb_kvlist_t *body)
{
    if (!spec || !body) {
        wb_kvlist_destroy (&body);
        return NULL;
    }
    //  malloc, not calloc: glibc's calloc skips its per-thread cache, and
    //  a client makes one of these per message received
    wb_msg_t *self = wb_malloc (sizeof (wb_msg_t));
    *self = (wb_msg_t) { .spec = spec, .body = body };
    return self;
}

wb_msg_t *
wb_msg_new (const char *name)
{
    const wb_message_spec_t *spec = wb_catalog_by_name (name);
    return spec ? s_new_of_spec (spec, wb_kvlist_new ()) : NULL;
}

wb_msg_t *
wb_msg_new_row (wb_catalog_row_t row)
{
    const wb_message_spec_t *spec = wb_catalog_row (row);
    return spec ? s_new_of_spec (spec, wb_kvlist_new ()) : NULL;
}

void
wb_msg_destroy (wb_msg_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    wb_msg_t *self = *self_p;
    wb_kvlist_destroy (&self->body);
    zframe_destroy (&self->routing_id);
    free (self);
    *self_p = NULL;
}

wb_msg_t *
wb_msg_dup (const wb_msg_t *self)
{
    if (!self)
        return NULL;
    wb_msg_t *copy = s_new_of_spec (self->spec, wb_kvlist_dup (self->body));
    if (!copy)
        return NULL;
    copy->reference_id = self->reference_id;
    if (self->routing_id)
        copy->routing_id = zframe_dup (self->routing_id);
    if (self->routing_id && !copy->routing_id)
        wb_msg_destroy (&copy);
    return copy;
}

const char *
wb_msg_name (const wb_msg_t *self)
{
    return self ? self->spec->name : NULL;
}

const wb_message_spec_t *
wb_msg_spec (const wb_msg_t *self)
{
    return self ? self->spec : NULL;
}

bool
wb_msg_is (const wb_msg_t *self, wb_catalog_row_t row)
{
    return self && self->spec->row == row;
}

int64_t
wb_msg_reference_id (const wb_msg_t *self)
{
    return self ? self->reference_id : 0;
}

void
wb_msg_set_reference_id (wb_msg_t *self, int64_t reference_id)
{
    if (self)
        self->reference_id = reference_id;
}

wb_kvlist_t *
wb_msg_body (wb_msg_t *self)
{
    return self ? self->body : NULL;
}

const wb_kvlist_t *
wb_msg_body_const (const wb_msg_t *self)
{
    return self ? self->body : NULL;
}

zframe_t *
wb_msg_routing_id (const wb_msg_t *self)
{
    return self ? self->routing_id : NULL;
}

void
wb_msg_set_routing_id (wb_msg_t *self, zframe_t *routing_id)
{
    if (!self)
        return;
    zframe_destroy (&self->routing_id);
    self->routing_id = routing_id ? zframe_dup (routing_id) : NULL;
}

//  The body frame as sent: ReferenceId first, then the message's
//  attributes, encoded in place into the frame; NULL on failure.
static zframe_t *
s_encode_body (const wb_msg_t *self)
{
    size_t size = wb_kvlist_encode_int_first (self->body, WB_ATTR_REFERENCE_ID,
                                              self->reference_id, NULL, 0);
    zframe_t *frame = size ? zframe_new (NULL, size) : NULL;
    if (frame)
        wb_kvlist_put_int_first (self->body, WB_ATTR_REFERENCE_ID, self->reference_id,
                                 zframe_data (frame));
    return frame;
}

zmsg_t *
wb_msg_encode (const wb_msg_t *self)
{
    if (!self)
        return NULL;
    zframe_t *body = s_encode_body (self);
    if (!body)
        return NULL;
    zmsg_t *zmsg = zmsg_new ();
    zmsg_addstr (zmsg, WB_PROTOCOL_ID);
    zmsg_addstr (zmsg, self->spec->name);
    zmsg_append (zmsg, &body);
    return zmsg;
}

/* A frame's bytes, wherever they were received (zframe or zmq_msg). */
typedef struct {
    const uint8_t *data;
    size_t size;
} s_part_t;

//  True if the part holds exactly this text.
static bool
s_part_is (s_part_t part, const char *text)
{
    return part.size == strlen (text) && memcmp (part.data, text, part.size) == 0;
}

//  Decode the body and split off its ReferenceId; lazy keeps every nested
//  list as its bytes, their structure checked, until read (their keys and
//  UTF-8 checked then: wb_kvlist_decode_lazy). The decoder reads the
//  leading ReferenceId itself and leaves it (and any later entry of its
//  key) out of the body, instead of an entry made and then removed.
static wb_kvlist_t *
s_decode_body (s_part_t part, bool lazy, wb_codec_status_t *status, int64_t *reference_id)
{
    int64_t value = 0;
    bool omitted = false;
    wb_kvlist_t *body = wb_kvlist_decode_omit_int (part.data, part.size, lazy,
                                                   WB_ATTR_REFERENCE_ID, &value, &omitted,
                                                   status);
    if (!body)
        return NULL;
    if (!omitted) {
        //  ReferenceId may be elsewhere: still echo it in the error
        wb_kvlist_int (body, WB_ATTR_REFERENCE_ID, reference_id);
        *status = WB_CODEC_NO_REFERENCE;
        wb_kvlist_destroy (&body);
        return NULL;
    }
    *reference_id = value;
    return body;
}

//  Decode a message of count parts (protocol id, name, body: the routing
//  id already set apart). *status and *reference_id as wb_msg_decode.
static wb_msg_t *
s_decode_parts (const s_part_t *parts, size_t count, bool lazy, wb_codec_status_t *status,
                int64_t *reference_id)
{
    wb_codec_status_t status_ignored;
    int64_t reference_ignored;
    status = status ? status : &status_ignored;
    reference_id = reference_id ? reference_id : &reference_ignored;
    *status = WB_CODEC_OK;
    *reference_id = 0;
    if (count != 3) {
        *status = WB_CODEC_FRAMES;
        return NULL;
    }
    if (!s_part_is (parts [0], WB_PROTOCOL_ID)) {
        *status = WB_CODEC_BAD_PROTOCOL;
        return NULL;
    }
    //  The body is read before the name so that an unknown message can
    //  still be answered with its ReferenceId. The name's bytes are
    //  compared with each row's name, so nothing in them is trusted.
    wb_kvlist_t *body = s_decode_body (parts [2], lazy, status, reference_id);
    if (!body)
        return NULL;
    const wb_message_spec_t *spec = wb_catalog_by_name_bytes (parts [1].data, parts [1].size);
    if (!spec) {
        *status = WB_CODEC_BAD_NAME;
        wb_kvlist_destroy (&body);
        return NULL;
    }
    wb_msg_t *self = s_new_of_spec (spec, body);
    if (self)
        self->reference_id = *reference_id;
    return self;
}

wb_msg_t *
wb_msg_decode (zmsg_t *zmsg, wb_codec_status_t *status, int64_t *reference_id)
{
    s_part_t parts [3];
    size_t count = zmsg ? zmsg_size (zmsg) : 0;
    zframe_t *frame = zmsg ? zmsg_first (zmsg) : NULL;
    for (size_t index = 0; index < 3 && frame; index++, frame = zmsg_next (zmsg))
        parts [index] = (s_part_t) { zframe_data (frame), zframe_size (frame) };
    return s_decode_parts (parts, count, false, status, reference_id);
}

//  True if the socket is a ROUTER (its messages start with a routing id).
static bool
s_is_router (void *socket)
{
    int type = 0;
    size_t size = sizeof (type);
    void *handle = zsock_resolve (socket);
    return zmq_getsockopt (handle, ZMQ_TYPE, &type, &size) == 0 && type == ZMQ_ROUTER;
}

//  Hand libzmq the three frames of a message, after a routing id if one
//  is given; the body is encoded straight into its zmq_msg_t. 0 or -1.
static int
s_send_frames (const wb_msg_t *self, void *handle, zframe_t *routing_id)
{
    size_t size = wb_kvlist_encode_int_first (self->body, WB_ATTR_REFERENCE_ID,
                                              self->reference_id, NULL, 0);
    zmq_msg_t body;
    if (size == 0 || zmq_msg_init_size (&body, size))
        return -1;
    wb_kvlist_put_int_first (self->body, WB_ATTR_REFERENCE_ID, self->reference_id,
                             zmq_msg_data (&body));
    const char *name = self->spec->name;
    if ((routing_id && zmq_send (handle, zframe_data (routing_id), zframe_size (routing_id),
                                 ZMQ_SNDMORE) == -1)
    ||  zmq_send (handle, WB_PROTOCOL_ID, strlen (WB_PROTOCOL_ID), ZMQ_SNDMORE) == -1
    ||  zmq_send (handle, name, strlen (name), ZMQ_SNDMORE) == -1
    ||  zmq_msg_send (&body, handle, 0) == -1) {
        zmq_msg_close (&body);
        return -1;
    }
    return 0;
}

int
wb_msg_send (wb_msg_t **self_p, void *socket)
{
    if (!self_p || !*self_p)
        return -1;
    wb_msg_t *self = *self_p;
    void *handle = zsock_resolve (socket);
    bool router = handle && s_is_router (socket);
    int rc = -1;
    //  a ROUTER cannot send without a peer
    if (handle && (self->routing_id || !router))
        rc = s_send_frames (self, handle, router ? self->routing_id : NULL);
    wb_msg_destroy (self_p);
    return rc;
}

//  wb_msg_frames_recv, its first frame received with these flags (0, or
//  ZMQ_DONTWAIT: -1 with errno EAGAIN if no message is there); router 0
//  or 1 if the caller knows the socket's kind, -1 to ask it.
static int
s_frames_recv (wb_msg_frames_t *self, void *socket, int flags, int router)
{
    void *handle = zsock_resolve (socket);
    self->kept = self->count = self->content_size = 0;
    self->router = false;
    bool more = handle != NULL;
    while (more) {
        zmq_msg_t spare;
        zmq_msg_t *frame = self->kept < WB_MSG_FRAMES_MAX ? &self->frames [self->kept] : &spare;
        zmq_msg_init (frame);
        int rc;
        do                              //  the rest of a message begun is there
            rc = zmq_msg_recv (frame, handle, self->count > 0 ? 0 : flags);
        while (rc == -1 && zmq_errno () == EINTR && self->count > 0);
        if (rc == -1) {
            zmq_msg_close (frame);
            wb_msg_frames_close (self);
            return -1;
        }
        //  asked once a message is there: a receive that finds none (a
        //  client's last look, each time it drains its socket) costs no
        //  getsockopt
        if (self->count == 0)
            self->router = router < 0 ? s_is_router (socket) : router == 1;
        size_t size = zmq_msg_size (frame);
        if (self->count++ > 0 || !self->router)
            self->content_size += size;
        more = zmq_msg_more (frame);
        if (frame == &spare)
            zmq_msg_close (frame);      //  past what a message has: counted only
        else
            self->sizes [self->kept++] = size;
    }
    return handle ? 0 : -1;
}

int
wb_msg_frames_recv (wb_msg_frames_t *self, void *socket)
{
    return s_frames_recv (self, socket, 0, -1);
}

int
wb_msg_frames_try_recv (wb_msg_frames_t *self, void *socket)
{
    return s_frames_recv (self, socket, ZMQ_DONTWAIT, -1);
}

//  The frames of a message, decoded (lazy as wb_msg_recv's).
static wb_msg_t *
s_frames_decode (wb_msg_frames_t *self, bool lazy, wb_codec_status_t *status,
                 int64_t *reference_id)
{
    size_t skip = self->router ? 1 : 0;
    s_part_t parts [WB_MSG_FRAMES_MAX];
    size_t count = 0;
    for (size_t index = skip; index < self->kept; index++)
        parts [count++] = (s_part_t) { zmq_msg_data (&self->frames [index]),
                                       self->sizes [index] };
    return s_decode_parts (parts, self->count > skip ? self->count - skip : 0, lazy, status,
                           reference_id);
}

wb_msg_t *
wb_msg_frames_decode (wb_msg_frames_t *self, wb_codec_status_t *status, int64_t *reference_id)
{
    return s_frames_decode (self, false, status, reference_id);
}

zmq_msg_t *
wb_msg_frames_first (wb_msg_frames_t *self)
{
    size_t index = self->router ? 1 : 0;
    return index < self->kept ? &self->frames [index] : NULL;
}

zframe_t *
wb_msg_frames_routing_id (wb_msg_frames_t *self)
{
    if (!self->router || self->kept == 0)
        return NULL;
    return zframe_new (zmq_msg_data (&self->frames [0]), zmq_msg_size (&self->frames [0]));
}

void
wb_msg_frames_close (wb_msg_frames_t *self)
{
    for (size_t index = 0; index < self->kept; index++)
        zmq_msg_close (&self->frames [index]);
    self->kept = 0;
}

//  The message of frames received by a client (nested lists decoded when
//  first read), the frames closed; its routing id, if any, set on it and,
//  when asked, into *routing_id (also for a message that did not decode,
//  so that it can be answered).
static wb_msg_t *
s_client_msg (wb_msg_frames_t *frames, wb_codec_status_t *status, int64_t *reference_id,
              zframe_t **routing_id)
{
    wb_msg_t *self = s_frames_decode (frames, true, status, reference_id);
    zframe_t *sender = wb_msg_frames_routing_id (frames);
    wb_msg_frames_close (frames);
    if (self && sender)
        self->routing_id = zframe_dup (sender);
    if (routing_id)
        *routing_id = sender;
    else
        zframe_destroy (&sender);
    return self;
}

//  Let glance look at a client's message of three frames (protocol id,
//  name, body) before it is decoded.
static void
s_glance (wb_msg_frames_t *frames, const wb_msg_glance_t *glance)
{
    if (!glance || !glance->fn || frames->router || frames->count != 3
    ||  frames->sizes [0] != strlen (WB_PROTOCOL_ID)
    ||  memcmp (zmq_msg_data (&frames->frames [0]), WB_PROTOCOL_ID, frames->sizes [0]) != 0)
        return;
    glance->fn (glance->arg, zmq_msg_data (&frames->frames [1]), frames->sizes [1],
                zmq_msg_data (&frames->frames [2]), frames->sizes [2]);
}

//  wb_msg_try_recv, router and flags as s_frames_recv's.
static int
s_try_recv (void *socket, int router, int flags, wb_msg_t **msg_p, wb_codec_status_t *status,
            const wb_msg_glance_t *glance)
{
    wb_codec_status_t status_ignored;
    *msg_p = NULL;
    wb_msg_frames_t frames;
    if (s_frames_recv (&frames, socket, flags, router))
        return -1;
    s_glance (&frames, glance);
    *msg_p = s_client_msg (&frames, status ? status : &status_ignored, NULL, NULL);
    return 0;
}

int
wb_msg_try_recv (void *socket, wb_msg_t **msg_p, wb_codec_status_t *status)
{
    return s_try_recv (socket, -1, ZMQ_DONTWAIT, msg_p, status, NULL);
}

int
wb_msg_try_recv_dealer (void *socket, wb_msg_t **msg_p, wb_codec_status_t *status,
                        const wb_msg_glance_t *glance)
{
    return s_try_recv (socket, 0, ZMQ_DONTWAIT, msg_p, status, glance);
}

int
wb_msg_wait_recv_dealer (void *socket, int timeout_ms, wb_msg_t **msg_p,
                         wb_codec_status_t *status, const wb_msg_glance_t *glance)
{
    zsock_set_rcvtimeo (socket, timeout_ms);
    return s_try_recv (socket, 0, 0, msg_p, status, glance);
}

wb_msg_t *
wb_msg_recv (void *socket, wb_codec_status_t *status, int64_t *reference_id,
             zframe_t **routing_id)
{
    wb_codec_status_t status_ignored;
    status = status ? status : &status_ignored;
    if (reference_id)
        *reference_id = 0;
    if (routing_id)
        *routing_id = NULL;
    wb_msg_frames_t frames;
    if (wb_msg_frames_recv (&frames, socket)) {
        *status = WB_CODEC_FRAMES;
        return NULL;
    }
    return s_client_msg (&frames, status, reference_id, routing_id);
}

void
wb_msg_print (const wb_msg_t *self, char *buffer, size_t capacity)
{
    if (!buffer || capacity == 0)
        return;
    buffer [0] = 0;
    if (!self)
        return;
    int written = snprintf (buffer, capacity, "%s ref=%" PRId64 " ",
                            self->spec->name, self->reference_id);
    if (written > 0 && (size_t) written < capacity)
        wb_kvlist_print (self->body, buffer + written, capacity - (size_t) written);
}
