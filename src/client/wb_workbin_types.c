/*  wb_workbin_types: a client's view of EventWorkbinTypesInfo.
    See wb_workbin_types.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wb_events.h"
#include "wb_prelude.h"
#include "wb_workbin_types.h"

struct _wb_workbin_types_t {
    wb_kvlist_t *types;        /* entries "WorkbinTypeInfo" */
};

wb_workbin_types_t *
wb_workbin_types_new (const wb_kvlist_t *event_body)
{
    wb_event_types_t event;
    wb_event_read_types_body (event_body, &event);
    if (!event.types)
        return NULL;
    wb_workbin_types_t *self = wb_calloc (1, sizeof (wb_workbin_types_t));
    self->types = wb_kvlist_dup (event.types);
    if (!self->types)               //  past the codec's limits
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
        const wb_kvlist_t *entry = wb_workbin_types_at (self, index);
        wb_event_type_info_t info;
        wb_event_read_type_info (entry, &info);
        if (info.type_id && strcmp (info.type_id, type_id) == 0)
            return entry;
    }
    return NULL;
}

//  Say that a type has no single owner to take: "TYPE has several owners:
//  give one as TYPE@OWNER (a, b)".
static void
s_no_default_owner (const wb_kvlist_t *owners, const char *type_id, char *error,
                    size_t error_size)
{
    int written = snprintf (error, error_size, "%s has %s: give one as %s@OWNER (",
                            type_id, wb_kvlist_size (owners) ? "several owners"
                                                             : "no owner you can see", type_id);
    for (size_t index = 0; index < wb_kvlist_size (owners) && written > 0
                           && (size_t) written < error_size; index++) {
        wb_event_owner_t owner;
        wb_event_read_owner (wb_kvlist_list_at (owners, index), &owner);
        written += snprintf (error + written, error_size - (size_t) written, "%s%s",
                             index ? ", " : "", owner.owner_id);
    }
    if (written > 0 && (size_t) written < error_size)
        snprintf (error + written, error_size - (size_t) written, ")");
}

//  The owner to use when a name gives none: the agent's own workbin, or
//  the only owner this client sees. NULL (with error) when ambiguous.
static const char *
s_default_owner (const wb_event_type_info_t *info, char *error, size_t error_size)
{
    wb_event_owner_t owner;
    for (size_t index = 0; index < wb_kvlist_size (info->owners); index++) {
        wb_event_read_owner (wb_kvlist_list_at (info->owners, index), &owner);
        if (owner.relation && strcmp (owner.relation, WB_RELATION_TEXT_OWN) == 0)
            return owner.owner_id;
    }
    if (wb_kvlist_size (info->owners) == 1) {
        wb_event_read_owner (wb_kvlist_list_at (info->owners, 0), &owner);
        return owner.owner_id;
    }
    s_no_default_owner (info->owners, info->type_id, error, error_size);
    return NULL;
}

//  Split "TYPE@OWNER" or "TYPE": the type into type_id, *owner after the
//  '@' (NULL without one). 0, or -1 with a sentence in error.
static int
s_split_name (const char *name, char type_id [WB_KEY_MAX + 1], const char **owner,
              char *error, size_t error_size)
{
    if (!name || !*name) {
        snprintf (error, error_size, "no workbin named");
        return -1;
    }
    const char *at = strchr (name, '@');
    size_t length = at ? (size_t) (at - name) : strlen (name);
    if (length == 0 || length > WB_KEY_MAX || (at && !at [1])) {
        snprintf (error, error_size, "'%s' is not a workbin name: use TYPE or TYPE@OWNER", name);
        return -1;
    }
    memcpy (type_id, name, length);
    type_id [length] = 0;
    *owner = at ? at + 1 : NULL;
    return 0;
}

int
wb_workbin_types_resolve (const wb_workbin_types_t *self, const char *name,
                          wb_workbin_t *workbin, char type_id [WB_KEY_MAX + 1],
                          char *error, size_t error_size)
{
    const char *owner = NULL;
    if (!workbin || !type_id || s_split_name (name, type_id, &owner, error, error_size))
        return -1;
    *workbin = (wb_workbin_t) { type_id, WB_OWNER_AGENT, NULL, owner };
    wb_event_type_info_t info;
    //  An unknown type is still sent: the server's EventError says why
    if (wb_event_read_type_info (wb_workbin_types_find (self, type_id), &info))
        return 0;
    workbin->owner_type = (wb_owner_type_t) info.owner_type;
    workbin->owner_id = owner ? owner : s_default_owner (&info, error, error_size);
    return workbin->owner_id && wb_workbin_owner_attribute (info.owner_type) ? 0 : -1;
}
