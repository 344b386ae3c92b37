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

//  The checker (the store's path) and the lazy decoder (the client's) must
//  agree with the decoder on every input; a list the lazy decoder keeps
//  reads back equal when every level of it is read, and a list the checker
//  accepts must be sent again byte for byte.
static void
s_check_agrees (zframe_t *frame)
{
    if (!frame)
        return;
    const uint8_t *bytes = zframe_data (frame);
    size_t size = zframe_size (frame), depth = 0;
    wb_codec_status_t status, lazy_status;
    wb_kvlist_t *decoded = wb_kvlist_decode (bytes, size, &status);
    if (wb_kvlist_check (bytes, size, &depth) != status)
        abort ();
    wb_kvlist_t *lazy = wb_kvlist_decode_lazy (bytes, size, &lazy_status);
    if (lazy_status != status || !wb_kvlist_equal (lazy, decoded))
        abort ();
    wb_kvlist_destroy (&lazy);
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
