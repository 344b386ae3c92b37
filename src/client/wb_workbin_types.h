/*  wb_workbin_types: a client's view of EventWorkbinTypesInfo.

    Keeps the workbin types and owners the server says this client may see,
    and turns a workbin name as people type it into the workbin a request
    names (wb_workbin_t): "TYPE@OWNER", or "TYPE" alone for the agent's own
    workbin or the single owner the type has for this client.
*/
#ifndef WB_WORKBIN_TYPES_H_INCLUDED
#define WB_WORKBIN_TYPES_H_INCLUDED

#include <stdbool.h>
#include "wb_kvlist.h"
#include "wb_workbin.h"

typedef struct _wb_workbin_types_t wb_workbin_types_t;

/* Read the WorkbinTypes list of an EventWorkbinTypesInfo body. NULL if the
   body has none. */
wb_workbin_types_t *wb_workbin_types_new (const wb_kvlist_t *event_body);
void wb_workbin_types_destroy (wb_workbin_types_t **self_p);

/* Number of types, and one type's WorkbinTypeInfo list (as received). */
size_t wb_workbin_types_size (const wb_workbin_types_t *self);
const wb_kvlist_t *wb_workbin_types_at (const wb_workbin_types_t *self, size_t index);
const wb_kvlist_t *wb_workbin_types_find (const wb_workbin_types_t *self, const char *type_id);

/* Resolve a workbin name into the workbin a request names: type_id
   (WB_KEY_MAX + 1 bytes) receives the type, the owner points into name or
   into self. A type the server did not list is resolved all the same, so
   that the server's EventError says why: "TYPE@OWNER" as an agent's
   workbin, "TYPE" without an owner. Return 0, or -1 with a sentence in
   error ("'x' is not a workbin name: use TYPE or TYPE@OWNER",
   "email-draft has several owners: give one as email-draft@OWNER
   (agent01, agent02)"). */
int wb_workbin_types_resolve (const wb_workbin_types_t *self, const char *name,
                              wb_workbin_t *workbin, char type_id [WB_KEY_MAX + 1],
                              char *error, size_t error_size);

#endif
