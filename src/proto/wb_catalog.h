/*  wb_catalog: the message catalogue, one table row per message.

    Each row gives the vendor's name and message id, whether the message is
    a request (client to server) or an event (server to client), the events
    that may answer a request, and the attributes with their types, whether
    each is required, and the vendor error code for a missing one; for a
    request, also what the session needs first and whether the answer
    shows the store. The rows are written once, in wb_catalog_rows.h, which
    the server expands too (its handler per request). doc/PROTOCOL.md is
    written from this table.
*/
#ifndef WB_CATALOG_H_INCLUDED
#define WB_CATALOG_H_INCLUDED

#include <stdbool.h>
#include "wb_kvlist.h"
#include "wb_catalog_rows.h"

typedef enum { WB_KIND_REQUEST = 1, WB_KIND_EVENT = 2 } wb_kind_t;

/* What a request needs before it is handled (PROTOCOL.md, "Session
   rules"): EventError 1001 without a session, 1002 without a login. */
typedef enum {
    WB_NEEDS_NOTHING = 0,        /* register, ping */
    WB_NEEDS_REGISTERED,         /* a session */
    WB_NEEDS_WORKBIN_ACCESS,     /* a session, logged in unless a media server */
} wb_needs_t;

/* Whether a request's answer shows what the store holds: a server that
   holds changes not yet committed commits them before answering it. */
typedef enum { WB_READS_NOTHING = 0, WB_READS_STORE } wb_reads_t;

/* Each row of the catalogue by name: WB_ROW_REQUEST_PING, WB_ROW_EVENT_ACK...
   in the order of wb_catalog_rows.h; wb_catalog_row gives the row. */
#define WB_CATALOG_ROW_OF_REQUEST_(symbol, ...) WB_ROW_REQUEST_##symbol,
#define WB_CATALOG_ROW_OF_EVENT_(symbol, ...) WB_ROW_EVENT_##symbol,
typedef enum {
    WB_CATALOG_ROWS (WB_CATALOG_ROW_OF_REQUEST_, WB_CATALOG_ROW_OF_EVENT_)
    WB_ROW_COUNT
} wb_catalog_row_t;
#undef WB_CATALOG_ROW_OF_REQUEST_
#undef WB_CATALOG_ROW_OF_EVENT_

#define WB_ATTRS_MAX 20
#define WB_REPLIES_MAX 3

typedef struct {
    const char *name;        /* attribute key, e.g. "WorkbinTypeId" */
    wb_type_t type;
    bool required;
    int missing_error;       /* error code when required and absent */
} wb_attr_spec_t;

typedef struct {
    const char *name;        /* e.g. "RequestGetWorkbinContent" */
    size_t name_size;        /* strlen (name) */
    int id;                  /* vendor message id, or ours from 1000 up */
    wb_kind_t kind;
    const char *replies [WB_REPLIES_MAX];  /* success reply names; EventError is implied */
    wb_attr_spec_t attrs [WB_ATTRS_MAX];   /* ReferenceId is implied */
    const char *summary;     /* one line, for help and the spec */
    wb_catalog_row_t row;    /* this row: wb_catalog_row (row) gives it back */
    wb_needs_t needs;        /* requests: what the session needs first */
    wb_reads_t reads;        /* requests: whether the answer shows the store */
} wb_message_spec_t;

/* Look up a message by name or vendor id; NULL if unknown. */
const wb_message_spec_t *wb_catalog_by_name (const char *name);
/* The same for a name given as size bytes, not NUL-terminated (a frame). */
const wb_message_spec_t *wb_catalog_by_name_bytes (const void *name, size_t size);
const wb_message_spec_t *wb_catalog_by_id (int id);
/* A row by its name, without a lookup; NULL past WB_ROW_COUNT. */
const wb_message_spec_t *wb_catalog_row (wb_catalog_row_t row);
/* Number of rows and the row at an index, for iterating. */
size_t wb_catalog_size (void);
const wb_message_spec_t *wb_catalog_at (size_t index);

/* Check a body against the spec of a message: every required attribute is
   present and every known attribute has its type. Returns 0 if valid, or
   the error code to answer with (the attribute's vendor code such as 33
   when it is missing, 79 when it has the wrong type), and names the offending attribute in *attr if not NULL. */
int wb_catalog_validate (const wb_message_spec_t *spec, const wb_kvlist_t *body,
                         const char **attr);

#endif
