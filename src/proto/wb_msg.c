/*  wb_msg: one protocol message. See wb_msg.h and doc/PROTOCOL.md. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wb_msg.h"
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
    wb_msg_t *self = wb_calloc (1, sizeof (wb_msg_t));
    self->spec = spec;
    self->body = body;
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
    if (frame && wb_kvlist_encode_int_first (self->body, WB_ATTR_REFERENCE_ID, self->reference_id,
                                             zframe_data (frame), size) != size)
        zframe_destroy (&frame);
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

//  True if the frame holds exactly this text.
static bool
s_frame_is (zframe_t *frame, const char *text)
{
    return zframe_size (frame) == strlen (text)
        && memcmp (zframe_data (frame), text, strlen (text)) == 0;
}

//  Find the catalogue row named by a frame: its bytes are compared with
//  each row's name, so nothing in them is trusted.
static const wb_message_spec_t *
s_spec_of_frame (zframe_t *frame)
{
    return wb_catalog_by_name_bytes (zframe_data (frame), zframe_size (frame));
}

//  Decode the body frame and split off its ReferenceId.
static wb_kvlist_t *
s_decode_body (zframe_t *frame, wb_codec_status_t *status, int64_t *reference_id)
{
    wb_kvlist_t *body = wb_kvlist_decode (zframe_data (frame), zframe_size (frame), status);
    if (!body)
        return NULL;
    if (wb_kvlist_type_at (body, 0) != WB_TYPE_INT
    ||  strcmp (wb_kvlist_key_at (body, 0), WB_ATTR_REFERENCE_ID) != 0) {
        //  ReferenceId may be elsewhere: still echo it in the error
        wb_kvlist_int (body, WB_ATTR_REFERENCE_ID, reference_id);
        *status = WB_CODEC_NO_REFERENCE;
        wb_kvlist_destroy (&body);
        return NULL;
    }
    *reference_id = wb_kvlist_int_at (body, 0);
    wb_kvlist_remove (body, WB_ATTR_REFERENCE_ID);
    return body;
}

wb_msg_t *
wb_msg_decode (zmsg_t *zmsg, wb_codec_status_t *status, int64_t *reference_id)
{
    wb_codec_status_t status_ignored;
    int64_t reference_ignored;
    status = status ? status : &status_ignored;
    reference_id = reference_id ? reference_id : &reference_ignored;
    *status = WB_CODEC_OK;
    *reference_id = 0;
    if (!zmsg || zmsg_size (zmsg) != 3) {
        *status = WB_CODEC_FRAMES;
        return NULL;
    }
    zframe_t *protocol = zmsg_first (zmsg);
    zframe_t *name = zmsg_next (zmsg);
    zframe_t *body_frame = zmsg_next (zmsg);
    if (!s_frame_is (protocol, WB_PROTOCOL_ID)) {
        *status = WB_CODEC_BAD_PROTOCOL;
        return NULL;
    }
    //  The body is read before the name so that an unknown message can
    //  still be answered with its ReferenceId.
    wb_kvlist_t *body = s_decode_body (body_frame, status, reference_id);
    if (!body)
        return NULL;
    const wb_message_spec_t *spec = s_spec_of_frame (name);
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

//  True if the socket is a ROUTER (its messages start with a routing id).
static bool
s_is_router (void *socket)
{
    int type = 0;
    size_t size = sizeof (type);
    void *handle = zsock_resolve (socket);
    return zmq_getsockopt (handle, ZMQ_TYPE, &type, &size) == 0 && type == ZMQ_ROUTER;
}

int
wb_msg_send (wb_msg_t **self_p, void *socket)
{
    if (!self_p || !*self_p)
        return -1;
    wb_msg_t *self = *self_p;
    zmsg_t *zmsg = wb_msg_encode (self);
    int rc = -1;
    if (zmsg && s_is_router (socket)) {
        if (self->routing_id)
            zmsg_prepend (zmsg, &self->routing_id);
        else
            zmsg_destroy (&zmsg);      //  a ROUTER cannot send without a peer
    }
    if (zmsg)
        rc = zmsg_send (&zmsg, socket);
    zmsg_destroy (&zmsg);
    wb_msg_destroy (self_p);
    return rc;
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
    zmsg_t *zmsg = zmsg_recv (socket);
    if (!zmsg) {
        *status = WB_CODEC_FRAMES;
        return NULL;
    }
    zframe_t *sender = s_is_router (socket) ? zmsg_pop (zmsg) : NULL;
    wb_msg_t *self = wb_msg_decode (zmsg, status, reference_id);
    zmsg_destroy (&zmsg);
    if (self && sender)
        self->routing_id = zframe_dup (sender);
    if (routing_id)
        *routing_id = sender;
    else
        zframe_destroy (&sender);
    return self;
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
