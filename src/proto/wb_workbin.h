/*  wb_workbin: a workbin as messages name it.

    A request names a workbin by its WorkbinTypeId and one owner attribute:
    the one its type's owner type calls for (WorkbinAgentId for an agent's
    workbin, WorkbinPlaceId for a place's...); replies and change events
    name theirs the same way. wb_workbin_t is that reference: the type, and
    the owner, given by owner type or, where the owner type is not known
    (a console pane keeps the attribute), by the attribute itself. It points
    at strings it does not own.
*/
#ifndef WB_WORKBIN_H_INCLUDED
#define WB_WORKBIN_H_INCLUDED

#include <stddef.h>
#include "wb_kvlist.h"
#include "wb_protocol.h"

typedef struct {
    const char *type_id;            /* WorkbinTypeId */
    wb_owner_type_t owner_type;     /* 0: owner_attribute names the owner */
    const char *owner_attribute;    /* WB_ATTR_WORKBIN_..._ID when owner_type is 0 */
    const char *owner_id;           /* NULL: no owner named */
} wb_workbin_t;

/* The attribute that names owners of an owner type (WorkbinAgentId for
   WB_OWNER_AGENT...); NULL for a number that is no owner type, such as a
   WorkbinType received from a server. */
const char *wb_workbin_owner_attribute (int64_t owner_type);
/* The owner type an attribute names; 0 if it is no owner attribute. */
wb_owner_type_t wb_workbin_owner_type (const char *attribute);

/* The attribute self names its owner with: by its owner type, else its
   owner_attribute; NULL if neither names one. */
const char *wb_workbin_attribute (const wb_workbin_t *self);
/* Append WorkbinTypeId and, if an owner is named, its attribute to body.
   0, or -1 (body unchanged or partly filled) if self has no type id, names
   an owner without a valid attribute, or a value is over a limit. */
int wb_workbin_add (const wb_workbin_t *self, wb_kvlist_t *body);
/* Read the workbin a body names: WorkbinTypeId and the first owner
   attribute present, in owner-type order; strings point into body.
   0, or -1 if body names no type (the owner is read all the same). */
int wb_workbin_read (wb_workbin_t *self, const wb_kvlist_t *body);
/* "TYPE@OWNER" into buffer: "TYPE" without an owner, "?" for a missing
   type. Returns buffer. */
const char *wb_workbin_label (const wb_workbin_t *self, char *buffer, size_t size);

#endif
