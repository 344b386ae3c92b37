/*  wb_workbin_types: a client's view of EventWorkbinTypesInfo.
    See wb_workbin_types.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wb_workbin_types.h"

struct _wb_workbin_types_t {
    wb_kvlist_t *types;        /* entries "WorkbinTypeInfo" */
};

static const char *s_owner_attributes [] = {
    NULL, "WorkbinAgentId", "WorkbinPlaceId", "WorkbinPlaceGroupId", "WorkbinGroupId",
};

wb_workbin_types_t *
wb_workbin_types_new (const wb_kvlist_t *event_body)
{
    wb_kvlist_t *types = wb_kvlist_list (event_body, "WorkbinTypes");
    if (!types)
        return NULL;
    wb_workbin_types_t *self = calloc (1, sizeof (wb_workbin_types_t));
    if (self)
        self->types = wb_kvlist_dup (types);
    if (self && !self->types)
        wb_workbin_types_destroy (&self);
    return self;
}

void
wb_workbin_types_destroy (wb_workbin_types_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    wb_kvlist_destroy (&(*self_p)->types);
    free (*self_p);
    *self_p = NULL;
}

size_t
wb_workbin_types_size (const wb_workbin_types_t *self)
{
    return self ? wb_kvlist_size (self->types) : 0;
}

const wb_kvlist_t *
wb_workbin_types_at (const wb_workbin_types_t *self, size_t index)
{
    return self ? wb_kvlist_list_at (self->types, index) : NULL;
}

const wb_kvlist_t *
wb_workbin_types_find (const wb_workbin_types_t *self, const char *type_id)
{
    for (size_t index = 0; type_id && index < wb_workbin_types_size (self); index++) {
        const wb_kvlist_t *info = wb_workbin_types_at (self, index);
        const char *id = wb_kvlist_string (info, "WorkbinTypeId");
        if (id && strcmp (id, type_id) == 0)
            return info;
    }
    return NULL;
}

const char *
wb_workbin_types_owner_attribute (int64_t owner_type)
{
    if (owner_type < 1 || owner_type > 4)
        return NULL;
    return s_owner_attributes [owner_type];
}

//  The owner to use when a name gives none: the agent's own workbin, or
//  the only owner this client sees. NULL (with error) when ambiguous.
static const char *
s_default_owner (const wb_kvlist_t *info, const char *type_id, char *error, size_t error_size)
{
    wb_kvlist_t *owners = wb_kvlist_list (info, "Owners");
    for (size_t index = 0; index < wb_kvlist_size (owners); index++) {
        wb_kvlist_t *owner = wb_kvlist_list_at (owners, index);
        const char *relation = wb_kvlist_string (owner, "Relation");
        if (relation && strcmp (relation, "own") == 0)
            return wb_kvlist_string (owner, "OwnerId");
    }
    if (wb_kvlist_size (owners) == 1)
        return wb_kvlist_string (wb_kvlist_list_at (owners, 0), "OwnerId");
    int written = snprintf (error, error_size, "%s has %s: give one as %s@OWNER (",
                            type_id, wb_kvlist_size (owners) ? "several owners" : "no owner you can see",
                            type_id);
    for (size_t index = 0; index < wb_kvlist_size (owners) && written > 0
                           && (size_t) written < error_size; index++)
        written += snprintf (error + written, error_size - (size_t) written, "%s%s",
                             index ? ", " : "",
                             wb_kvlist_string (wb_kvlist_list_at (owners, index), "OwnerId"));
    if (written > 0 && (size_t) written < error_size)
        snprintf (error + written, error_size - (size_t) written, ")");
    return NULL;
}

int
wb_workbin_types_resolve (const wb_workbin_types_t *self, const char *name,
                          wb_kvlist_t *attributes, char *error, size_t error_size)
{
    if (!name || !*name || !attributes) {
        snprintf (error, error_size, "no workbin named");
        return -1;
    }
    char type_id [WB_KEY_MAX + 1];
    const char *at = strchr (name, '@');
    size_t length = at ? (size_t) (at - name) : strlen (name);
    if (length == 0 || length > WB_KEY_MAX || (at && !at [1])) {
        snprintf (error, error_size, "'%s' is not a workbin name: use TYPE or TYPE@OWNER", name);
        return -1;
    }
    memcpy (type_id, name, length);
    type_id [length] = 0;
    wb_kvlist_add_string (attributes, "WorkbinTypeId", type_id);
    const wb_kvlist_t *info = wb_workbin_types_find (self, type_id);
    //  An unknown type is still sent: the server's EventError says why
    if (!info)
        return at ? wb_kvlist_add_string (attributes, "WorkbinAgentId", at + 1) : 0;
    const char *attribute = wb_workbin_types_owner_attribute (
        wb_kvlist_int_or (info, "WorkbinType", 0));
    const char *owner = at ? at + 1 : s_default_owner (info, type_id, error, error_size);
    if (!owner || !attribute)
        return -1;
    return wb_kvlist_add_string (attributes, attribute, owner);
}
