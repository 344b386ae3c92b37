/*  wb_workbin: a workbin as messages name it. See wb_workbin.h. */
#include <stdio.h>
#include <string.h>
#include "wb_workbin.h"
#include "wb_prelude.h"

/* The owner attribute of each owner type, in owner-type order. */
static const struct {
    wb_owner_type_t type;
    const char *attribute;
} s_owner_attributes [] = {
    { WB_OWNER_AGENT, WB_ATTR_WORKBIN_AGENT_ID },
    { WB_OWNER_PLACE, WB_ATTR_WORKBIN_PLACE_ID },
    { WB_OWNER_PLACE_GROUP, WB_ATTR_WORKBIN_PLACE_GROUP_ID },
    { WB_OWNER_AGENT_GROUP, WB_ATTR_WORKBIN_GROUP_ID },
};

#define OWNER_TYPES (WB_COUNT_OF (s_owner_attributes))

const char *
wb_workbin_owner_attribute (int64_t owner_type)
{
    for (size_t index = 0; index < OWNER_TYPES; index++)
        if (s_owner_attributes [index].type == owner_type)
            return s_owner_attributes [index].attribute;
    return NULL;
}

wb_owner_type_t
wb_workbin_owner_type (const char *attribute)
{
    for (size_t index = 0; attribute && index < OWNER_TYPES; index++)
        if (strcmp (s_owner_attributes [index].attribute, attribute) == 0)
            return s_owner_attributes [index].type;
    return 0;
}

const char *
wb_workbin_attribute (const wb_workbin_t *self)
{
    if (!self)
        return NULL;
    if (self->owner_type)
        return wb_workbin_owner_attribute (self->owner_type);
    return wb_workbin_owner_type (self->owner_attribute) ? self->owner_attribute : NULL;
}

int
wb_workbin_add (const wb_workbin_t *self, wb_kvlist_t *body)
{
    if (!self || !self->type_id || !body)
        return -1;
    const char *attribute = wb_workbin_attribute (self);
    if (self->owner_id && !attribute)
        return -1;
    if (wb_kvlist_add_string (body, WB_ATTR_WORKBIN_TYPE_ID, self->type_id))
        return -1;
    return self->owner_id ? wb_kvlist_add_string (body, attribute, self->owner_id) : 0;
}

int
wb_workbin_read (wb_workbin_t *self, const wb_kvlist_t *body)
{
    if (!self)
        return -1;
    *self = (wb_workbin_t) { wb_kvlist_string (body, WB_ATTR_WORKBIN_TYPE_ID), 0, NULL, NULL };
    for (size_t index = 0; index < OWNER_TYPES && !self->owner_id; index++) {
        self->owner_id = wb_kvlist_string (body, s_owner_attributes [index].attribute);
        if (self->owner_id) {
            self->owner_type = s_owner_attributes [index].type;
            self->owner_attribute = s_owner_attributes [index].attribute;
        }
    }
    return self->type_id ? 0 : -1;
}

const char *
wb_workbin_label (const wb_workbin_t *self, char *buffer, size_t size)
{
    if (!buffer || size == 0)
        return buffer;
    const char *type_id = self && self->type_id ? self->type_id : "?";
    const char *owner_id = self ? self->owner_id : NULL;
    snprintf (buffer, size, "%s%s%s", type_id, owner_id ? "@" : "", owner_id ? owner_id : "");
    return buffer;
}
