/*  Writes the seed corpus of the decoder's fuzz target: one valid message
    per catalogue row, every attribute filled, in the fuzz input format
    (frames:u8, then size:u16 and bytes per frame). Usage: DIR.
*/
#include <stdio.h>
#include <string.h>
#include "wb_msg.h"
#include "wb_catalog.h"

//  Fill one attribute with a value of its type.
static void
s_fill (wb_kvlist_t *body, const wb_attr_spec_t *attr)
{
    if (attr->type == WB_TYPE_STRING)
        wb_kvlist_add_string (body, attr->name, "email-draft");
    else
    if (attr->type == WB_TYPE_INT)
        wb_kvlist_add_int (body, attr->name, 2);
    else {
        wb_kvlist_t *inner = wb_kvlist_new ();
        wb_kvlist_add_string (inner, "Subject", "Ol\xc3\xa1 \xe4\xbd\xa0\xe5\xa5\xbd");
        wb_kvlist_add_int (inner, "Priority", 5);
        wb_kvlist_add_binary (inner, "Blob", "\x00\x01", 2);
        wb_kvlist_add_list (body, attr->name, &inner);
    }
}

static int
s_write (const char *folder, const char *name, zmsg_t *zmsg)
{
    char path [1024];
    snprintf (path, sizeof (path), "%s/%s", folder, name);
    FILE *file = fopen (path, "wb");
    if (!file)
        return -1;
    fputc ((int) zmsg_size (zmsg), file);
    for (zframe_t *frame = zmsg_first (zmsg); frame; frame = zmsg_next (zmsg)) {
        size_t size = zframe_size (frame);
        fputc ((int) (size >> 8) & 0xff, file);
        fputc ((int) size & 0xff, file);
        fwrite (zframe_data (frame), 1, size, file);
    }
    return fclose (file);
}

int
main (int argc, char *argv [])
{
    if (argc != 2) {
        fprintf (stderr, "usage: fuzz_make_corpus DIR\n");
        return 2;
    }
    for (size_t index = 0; index < wb_catalog_size (); index++) {
        const wb_message_spec_t *spec = wb_catalog_at (index);
        wb_msg_t *msg = wb_msg_new (spec->name);
        wb_msg_set_reference_id (msg, (int64_t) index + 1);
        for (size_t attr = 0; attr < WB_ATTRS_MAX && spec->attrs [attr].name; attr++)
            s_fill (wb_msg_body (msg), &spec->attrs [attr]);
        zmsg_t *zmsg = wb_msg_encode (msg);
        if (!zmsg || s_write (argv [1], spec->name, zmsg)) {
            fprintf (stderr, "fuzz_make_corpus: cannot write %s\n", spec->name);
            return 1;
        }
        zmsg_destroy (&zmsg);
        wb_msg_destroy (&msg);
    }
    return 0;
}
