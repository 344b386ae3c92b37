/*  wb_workbin_types: a client's view of EventWorkbinTypesInfo.

    Keeps the workbin types and owners the server says this client may see,
    and turns a workbin name as people type it into request attributes:
    "TYPE@OWNER", or "TYPE" alone for the agent's own workbin or the single
    owner the type has for this client.
*/
#ifndef WB_WORKBIN_TYPES_H_INCLUDED
#define WB_WORKBIN_TYPES_H_INCLUDED

#include <stdbool.h>
#include "wb_kvlist.h"

typedef struct _wb_workbin_types_t wb_workbin_types_t;

/* Read the WorkbinTypes list of an EventWorkbinTypesInfo body. NULL if the
   body has none. */
wb_workbin_types_t *wb_workbin_types_new (const wb_kvlist_t *event_body);
void wb_workbin_types_destroy (wb_workbin_types_t **self_p);

/* Number of types, and one type's WorkbinTypeInfo list (as received). */
size_t wb_workbin_types_size (const wb_workbin_types_t *self);
const wb_kvlist_t *wb_workbin_types_at (const wb_workbin_types_t *self, size_t index);
const wb_kvlist_t *wb_workbin_types_find (const wb_workbin_types_t *self, const char *type_id);

/* The request attribute that names owners of a type ("WorkbinAgentId"...),
   from its WorkbinType number; NULL if unknown. */
const char *wb_workbin_types_owner_attribute (int64_t owner_type);

/* Resolve a workbin name into WorkbinTypeId and the owner attribute,
   appended to attributes. Return 0, or -1 with a sentence in error
   ("unknown workbin type 'x'", "email-draft has several owners: give one
   as email-draft@OWNER (agent01, agent02)"). */
int wb_workbin_types_resolve (const wb_workbin_types_t *self, const char *name,
                              wb_kvlist_t *attributes, char *error, size_t error_size);

#endif
