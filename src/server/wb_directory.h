/*  wb_directory: who exists and who may see what, loaded from a ZPL file.

    The directory holds one tenant, its places, agents, agent groups, place
    groups, supervisors (agents with a `supervises` list) and workbin types.
    It is read once at start (CZMQ zconfig); a bad file is refused with its
    name, the line and what is wrong. See doc/examples/sample.cfg and
    README.md ("Directory file") for the format.

    Workbins are addressed by a type and an owner id; the type's owner type
    says whether the owner is an agent, a place, a place group or an agent
    group. Access rules (PROTOCOL.md, "Access rules"): an agent sees its own
    workbins, its login place's, its place groups' and its agent groups'; a
    supervisor also sees the agents of the groups it supervises and those
    groups' workbins.
*/
#ifndef WB_DIRECTORY_H_INCLUDED
#define WB_DIRECTORY_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "wb_protocol.h"        /* wb_owner_type_t */

/* How an agent comes to see a workbin, for EventWorkbinTypesInfo. */
typedef enum {
    WB_RELATION_NONE = 0,
    WB_RELATION_OWN,         /* the agent's own workbin */
    WB_RELATION_PLACE,       /* the agent's login place */
    WB_RELATION_PLACE_GROUP, /* a place group containing that place */
    WB_RELATION_GROUP,       /* an agent group the agent belongs to */
    WB_RELATION_TEAM,        /* supervised: a team member or team group */
} wb_relation_t;

typedef struct {
    const char *id;          /* e.g. "email-draft" */
    const char *name;        /* display name */
    wb_owner_type_t owner_type;
    const char *columns;     /* the file's columns, "A,B,C", "" if none: names the
                                server passes on unread (clients choose) */
} wb_workbin_type_t;

typedef struct _wb_directory_t wb_directory_t;

/* The largest directory file read: a regular file of at most 64 MiB (a
   directory of 40,000 agents takes about 5 MiB). */
#define WB_DIRECTORY_FILE_MAX (64 * 1024 * 1024)

/* Load and check a directory file. Returns NULL on any problem and writes
   "FILE:LINE: what is wrong" (LINE 0 when it is not about one line) into
   error, which has error_size bytes. */
wb_directory_t *wb_directory_load (const char *path, char *error, size_t error_size);
void wb_directory_destroy (wb_directory_t **self_p);

int64_t wb_directory_tenant_id (const wb_directory_t *self);
const char *wb_directory_tenant_name (const wb_directory_t *self);

/* Lookups; NULL or false when unknown. */
bool wb_directory_has_agent (const wb_directory_t *self, const char *agent_id);
bool wb_directory_has_place (const wb_directory_t *self, const char *place_id);
const char *wb_directory_agent_name (const wb_directory_t *self, const char *agent_id);
const char *wb_directory_agent_place (const wb_directory_t *self, const char *agent_id);
bool wb_directory_has_owner (const wb_directory_t *self, wb_owner_type_t type,
                             const char *owner_id);
/* Display name of any owner (agent, place, group, place group). */
const char *wb_directory_owner_name (const wb_directory_t *self, wb_owner_type_t type,
                                     const char *owner_id);

/* Workbin types, in file order. */
size_t wb_directory_workbin_type_count (const wb_directory_t *self);
const wb_workbin_type_t *wb_directory_workbin_type_at (const wb_directory_t *self,
                                                        size_t index);
const wb_workbin_type_t *wb_directory_workbin_type (const wb_directory_t *self,
                                                     const char *type_id);

/* How agent_id, logged in at place_id, relates to the owner of a workbin
   of this owner type; WB_RELATION_NONE means no access. */
wb_relation_t wb_directory_relation (const wb_directory_t *self, const char *agent_id,
                                     const char *place_id, wb_owner_type_t type,
                                     const char *owner_id);

/* Call visit once for every owner of this owner type that the agent may
   see, with the relation, in a stable order (own first, then place, place
   groups, groups, team). */
typedef void (wb_owner_visit_fn) (void *context, const char *owner_id,
                                  wb_relation_t relation);
void wb_directory_visible_owners (const wb_directory_t *self, const char *agent_id,
                                  const char *place_id, wb_owner_type_t type,
                                  wb_owner_visit_fn *visit, void *context);

/* Call visit for every owner of this type in the directory (relation NONE);
   used for media servers, which see everything. */
void wb_directory_all_owners (const wb_directory_t *self, wb_owner_type_t type,
                              wb_owner_visit_fn *visit, void *context);

/* The short text of a relation: "own", "place", "placegroup", "group", "team". */
const char *wb_relation_text (wb_relation_t relation);

#endif
