/*  wb_catalog: the message catalogue. See wb_catalog.h; the rows are in
    wb_catalog_rows.h. */
#include <string.h>
#include "wb_catalog.h"
#include "wb_prelude.h"

/* The shorthands the rows are written with. */
#define S WB_TYPE_STRING
#define I WB_TYPE_INT
#define L WB_TYPE_LIST
#define REQ(code) true, code
#define OPT false, 0

/* One row of the table per row of the list; a request's handler is the
   server's business. */
#define S_REQUEST(symbol, vendor_id, request_needs, request_reads, handler, reply, text, ...) \
    { .name = WB_MSG_REQUEST_##symbol, .name_size = sizeof (WB_MSG_REQUEST_##symbol) - 1, \
      .id = vendor_id, .kind = WB_KIND_REQUEST, \
      .replies = { WB_MSG_##reply }, .attrs = { __VA_ARGS__ }, .summary = text, \
      .row = WB_ROW_REQUEST_##symbol, .needs = request_needs, .reads = request_reads },
#define S_EVENT(symbol, vendor_id, text, ...) \
    { .name = WB_MSG_EVENT_##symbol, .name_size = sizeof (WB_MSG_EVENT_##symbol) - 1, \
      .id = vendor_id, .kind = WB_KIND_EVENT, \
      .replies = { NULL }, .attrs = { __VA_ARGS__ }, .summary = text, \
      .row = WB_ROW_EVENT_##symbol },

static const wb_message_spec_t s_messages [] = {
    WB_CATALOG_ROWS (S_REQUEST, S_EVENT)
};

#define MESSAGE_COUNT (WB_COUNT_OF (s_messages))
_Static_assert (MESSAGE_COUNT == WB_ROW_COUNT, "one wb_catalog_row_t per row");

const wb_message_spec_t *
wb_catalog_by_name (const char *name)
{
    return name ? wb_catalog_by_name_bytes (name, strlen (name)) : NULL;
}

const wb_message_spec_t *
wb_catalog_by_name_bytes (const void *name, size_t size)
{
    for (size_t index = 0; name && index < MESSAGE_COUNT; index++)
        if (s_messages [index].name_size == size
        &&  memcmp (s_messages [index].name, name, size) == 0)
            return &s_messages [index];
    return NULL;
}

const wb_message_spec_t *
wb_catalog_by_id (int id)
{
    for (size_t index = 0; index < MESSAGE_COUNT; index++)
        if (s_messages [index].id == id)
            return &s_messages [index];
    return NULL;
}

const wb_message_spec_t *
wb_catalog_row (wb_catalog_row_t row)
{
    return (size_t) row < MESSAGE_COUNT ? &s_messages [row] : NULL;
}

size_t
wb_catalog_size (void)
{
    return MESSAGE_COUNT;
}

const wb_message_spec_t *
wb_catalog_at (size_t index)
{
    return index < MESSAGE_COUNT ? &s_messages [index] : NULL;
}

int
wb_catalog_validate (const wb_message_spec_t *spec, const wb_kvlist_t *body,
                     const char **attr)
{
    if (!spec || !body)
        return WB_ERR_INVALID_MESSAGE;
    for (size_t index = 0; index < WB_ATTRS_MAX && spec->attrs [index].name; index++) {
        const wb_attr_spec_t *attr_spec = &spec->attrs [index];
        wb_type_t type = wb_kvlist_type (body, attr_spec->name);
        int code = 0;
        if (type == 0 && attr_spec->required)
            code = attr_spec->missing_error ? attr_spec->missing_error
                                            : WB_ERR_INVALID_MESSAGE;
        else
        if (type != 0 && type != attr_spec->type)
            code = WB_ERR_INVALID_MESSAGE;
        if (code) {
            if (attr)
                *attr = attr_spec->name;
            return code;
        }
    }
    return 0;
}
