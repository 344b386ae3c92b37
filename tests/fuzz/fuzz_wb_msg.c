/*  Fuzz target for the message decoder: bytes -> frames -> wb_msg_decode.

    Any message that decodes must validate without crashing, print, and
    survive an encode/decode round trip unchanged; anything else must be
    rejected with a status, never a crash or a read past the end.
*/
#include <stdlib.h>
#include <string.h>
#include "fuzz_wb_msg.h"
#include "wb_msg.h"
#include "wb_catalog.h"
#include "wb_events.h"

//  Split the fuzz input into frames; NULL if the framing runs out.
static zmsg_t *
s_frames_from_input (const uint8_t *data, size_t size)
{
    if (size < 1)
        return NULL;
    size_t frames = data [0], offset = 1;
    zmsg_t *zmsg = zmsg_new ();
    for (size_t index = 0; index < frames; index++) {
        if (size - offset < 2)
            break;
        size_t frame_size = (size_t) data [offset] << 8 | data [offset + 1];
        offset += 2;
        if (frame_size > size - offset)
            frame_size = size - offset;
        zmsg_addmem (zmsg, data + offset, frame_size);
        offset += frame_size;
    }
    return zmsg;
}

static void
s_check_round_trip (const wb_msg_t *msg)
{
    zmsg_t *encoded = wb_msg_encode (msg);
    if (!encoded)
        return;         //  e.g. a body that would exceed the limit once re-encoded
    wb_codec_status_t status;
    wb_msg_t *again = wb_msg_decode (encoded, &status, NULL);
    if (!again
    ||  wb_msg_reference_id (again) != wb_msg_reference_id (msg)
    ||  !wb_kvlist_equal (wb_msg_body_const (again), wb_msg_body_const (msg)))
        abort ();
    wb_msg_destroy (&again);
    zmsg_destroy (&encoded);
}

//  The first fault met reading every level of a list (each nested list
//  read, so checked), and its reads compared with the eager decode's.
static wb_codec_status_t
s_first_fault (const wb_kvlist_t *list)
{
    for (size_t index = 0; index < wb_kvlist_size (list); index++) {
        if (wb_kvlist_type_at (list, index) != WB_TYPE_LIST)
            continue;
        wb_codec_status_t status = wb_kvlist_status_at (list, index);
        if (status == WB_CODEC_OK)
            status = s_first_fault (wb_kvlist_list_at (list, index));
        if (status != WB_CODEC_OK)
            return status;
    }
    return WB_CODEC_OK;
}

//  The lazy decoder (the client's) checks at receipt the structure only of
//  what it keeps as bytes, their keys and UTF-8 at their first read. So it
//  must agree with the decoder on every input but one whose only faults
//  at receipt are keys or UTF-8 inside kept lists: those it accepts, and
//  then the first read meets the decoder's very fault, and encoding the
//  list (sending it on) is refused. Accepted by both, every read of every
//  level (deferred checks included) equals the decoder's, and the bytes
//  are sent again exactly as they came.
static void
s_check_lazy (const uint8_t *bytes, size_t size, const wb_kvlist_t *decoded,
              wb_codec_status_t status)
{
    wb_codec_status_t lazy_status;
    bool content_fault = status == WB_CODEC_BAD_KEY || status == WB_CODEC_BAD_UTF8;
    wb_kvlist_t *lazy = wb_kvlist_decode_lazy (bytes, size, &lazy_status);
    if ((lazy == NULL) != (lazy_status != WB_CODEC_OK))
        abort ();
    if (!lazy && lazy_status != status && !content_fault)
        abort ();       //  a structural fault the decoder met first
    if (lazy && !decoded) {
        size_t again_size = 0;
        if (!content_fault || s_first_fault (lazy) != status
        ||  wb_kvlist_encode (lazy, &again_size) != NULL)
            abort ();
    }
    if (lazy && decoded) {
        //  sent on before it is read: its kept bytes checked as they go
        size_t again_size = 0;
        uint8_t *again = wb_kvlist_encode (lazy, &again_size);
        if (!again || again_size != size || memcmp (again, bytes, size) != 0)
            abort ();
        free (again);
        if (s_first_fault (lazy) != WB_CODEC_OK || !wb_kvlist_equal (lazy, decoded))
            abort ();
        wb_kvlist_t *fresh = wb_kvlist_decode_lazy (bytes, size, NULL);
        if (!wb_kvlist_equal (fresh, decoded))
            abort ();
        wb_kvlist_destroy (&fresh);
    }
    wb_kvlist_destroy (&lazy);
}

//  A glance at a content page's head (the client's, before the decode)
//  must read what the decoded body says, whenever both read it.
static void
s_check_glance (const uint8_t *bytes, size_t size, const wb_kvlist_t *decoded)
{
    wb_content_glance_t glance;
    const char *name = WB_MSG_EVENT_WORKBIN_CONTENT;
    if (wb_event_glance_content ((const uint8_t *) name, strlen (name), bytes, size, &glance) != 0
    ||  !decoded)
        return;
    int64_t reference_id = 0, version = 0, total = 0, from = 0;
    const wb_kvlist_t *interactions = wb_kvlist_list (decoded, WB_ATTR_INTERACTIONS);
    if (wb_kvlist_int (decoded, WB_ATTR_REFERENCE_ID, &reference_id)
    ||  wb_kvlist_int (decoded, WB_ATTR_WORKBIN_VERSION, &version)
    ||  wb_kvlist_int (decoded, WB_ATTR_TOTAL_COUNT, &total)
    ||  wb_kvlist_int (decoded, WB_ATTR_FROM, &from) || !interactions
    ||  reference_id != glance.reference_id || version != glance.version
    ||  total != glance.total_count || from != glance.from
    ||  (int64_t) wb_kvlist_size (interactions) != glance.count)
        abort ();
}

//  The checker (the store's path) must agree with the decoder on every
//  input, and so must the lazy decoder as s_check_lazy says, and a glance
//  as s_check_glance says; a list the checker accepts must be sent again
//  byte for byte.
static void
s_check_agrees (zframe_t *frame)
{
    if (!frame)
        return;
    const uint8_t *bytes = zframe_data (frame);
    size_t size = zframe_size (frame), depth = 0;
    wb_codec_status_t status;
    wb_kvlist_t *decoded = wb_kvlist_decode (bytes, size, &status);
    if (wb_kvlist_check (bytes, size, &depth) != status)
        abort ();
    s_check_lazy (bytes, size, decoded, status);
    s_check_glance (bytes, size, decoded);
    wb_kvlist_t *holder = wb_kvlist_new ();
    if (decoded && depth < WB_DEPTH_MAX
    &&  wb_kvlist_add_encoded (holder, "Item", bytes, size, NULL) == 0) {
        size_t again_size = 0;
        uint8_t *again = wb_kvlist_encode (holder, &again_size);
        //  count, key length, "Item", type tag, then the bytes as they came
        if (!again || again_size != size + 10 || memcmp (again + 10, bytes, size) != 0
        ||  !wb_kvlist_equal (wb_kvlist_list_at (holder, 0), decoded))
            abort ();
        free (again);
    }
    wb_kvlist_destroy (&holder);
    wb_kvlist_destroy (&decoded);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    zmsg_t *zmsg = s_frames_from_input (data, size);
    if (!zmsg)
        return 0;
    s_check_agrees (zmsg_last (zmsg));
    wb_codec_status_t status;
    int64_t reference_id;
    wb_msg_t *msg = wb_msg_decode (zmsg, &status, &reference_id);
    if (msg) {
        const char *attr = NULL;
        wb_catalog_validate (wb_catalog_by_name (wb_msg_name (msg)),
                             wb_msg_body_const (msg), &attr);
        char line [512];
        wb_msg_print (msg, line, sizeof (line));
        s_check_round_trip (msg);
    }
    else
    if (status == WB_CODEC_OK)
        abort ();       //  a failure must always say why
    wb_msg_destroy (&msg);
    zmsg_destroy (&zmsg);
    return 0;
}
