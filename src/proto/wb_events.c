/*  wb_events: one reader per event. See wb_events.h.

    Each reader takes the body of the message when it is the event it
    reads, else no body at all, and fills its struct from that: the kvlist
    lookups give the defaults for what is absent, so one path serves both.
*/
#include <string.h>
#include "wb_events.h"

//  The body of msg if it is the event of row, else NULL.
static const wb_kvlist_t *
s_body (const wb_msg_t *msg, wb_catalog_row_t row)
{
    return wb_msg_is (msg, row) ? wb_msg_body_const (msg) : NULL;
}

//  The workbin a body names; zero without one.
static wb_workbin_t
s_workbin (const wb_kvlist_t *body)
{
    wb_workbin_t workbin;
    wb_workbin_read (&workbin, body);
    return workbin;
}

int
wb_event_read_ack (const wb_msg_t *msg, wb_event_ack_t *ack)
{
    if (!ack)
        return -1;
    const wb_kvlist_t *body = s_body (msg, WB_ROW_EVENT_ACK);
    ack->interaction_id = wb_kvlist_string (body, WB_ATTR_INTERACTION_ID);
    ack->workbin_version = wb_kvlist_int_or (body, WB_ATTR_WORKBIN_VERSION, WB_ABSENT);
    return body ? 0 : -1;
}

int
wb_event_read_error (const wb_msg_t *msg, wb_event_error_t *error)
{
    if (!error)
        return -1;
    const wb_kvlist_t *body = s_body (msg, WB_ROW_EVENT_ERROR);
    const char *description = wb_kvlist_string (body, WB_ATTR_ERROR_DESCRIPTION);
    error->description = description ? description : "";
    error->code = 0;
    return wb_kvlist_int (body, WB_ATTR_ERROR_CODE, &error->code);
}

int
wb_event_read_content (const wb_msg_t *msg, wb_event_content_t *content)
{
    if (!content)
        return -1;
    const wb_kvlist_t *body = s_body (msg, WB_ROW_EVENT_WORKBIN_CONTENT);
    *content = (wb_event_content_t) {
        .workbin = s_workbin (body),
        .interactions = wb_kvlist_list (body, WB_ATTR_INTERACTIONS),
        .version = wb_kvlist_int_or (body, WB_ATTR_WORKBIN_VERSION, 0),
        .total_count = wb_kvlist_int_or (body, WB_ATTR_TOTAL_COUNT, 0),
        .from = wb_kvlist_int_or (body, WB_ATTR_FROM, 0),
        .has_version = wb_kvlist_int (body, WB_ATTR_WORKBIN_VERSION, NULL) == 0,
        .has_total_count = wb_kvlist_int (body, WB_ATTR_TOTAL_COUNT, NULL) == 0,
    };
    return body ? 0 : -1;
}

//  What a glance at a content page has found so far.
typedef struct {
    wb_content_glance_t *glance;
    unsigned seen;                  //  a bit per key of s_glanced, in its order
    bool complete;
} s_glancing_t;

static const char *const s_glanced [] = {
    WB_ATTR_REFERENCE_ID, WB_ATTR_WORKBIN_VERSION, WB_ATTR_TOTAL_COUNT, WB_ATTR_FROM,
    WB_ATTR_INTERACTIONS,
};
#define S_GLANCED_INTS 4

static bool
s_key_is (const wb_kvlist_head_entry_t *entry, const char *key)
{
    return entry->key_size == strlen (key) && memcmp (entry->key, key, entry->key_size) == 0;
}

//  Take one entry of a content page's head; false once Interactions ends it.
static bool
s_glance_entry (void *arg, const wb_kvlist_head_entry_t *entry)
{
    s_glancing_t *glancing = arg;
    int64_t *ints [S_GLANCED_INTS] = {
        &glancing->glance->reference_id, &glancing->glance->version,
        &glancing->glance->total_count, &glancing->glance->from,
    };
    for (unsigned index = 0; index <= S_GLANCED_INTS; index++) {
        if (!s_key_is (entry, s_glanced [index]) || (glancing->seen & (1u << index)))
            continue;
        //  the first entry of a key is the one the decoded page reads
        glancing->seen |= 1u << index;
        if (index == S_GLANCED_INTS) {
            //  Interactions, the last of the head: its count, if it is a list
            glancing->glance->count = entry->count;
            glancing->complete = entry->type == WB_TYPE_LIST
                              && glancing->seen == (1u << (S_GLANCED_INTS + 1)) - 1;
            return false;
        }
        if (entry->type != WB_TYPE_INT)
            return false;
        *ints [index] = entry->value;
    }
    return true;
}

int
wb_event_glance_content (const uint8_t *name, size_t name_size, const uint8_t *body,
                         size_t size, wb_content_glance_t *glance)
{
    if (!glance)
        return -1;
    *glance = (wb_content_glance_t) { 0 };
    if (!name || name_size != strlen (WB_MSG_EVENT_WORKBIN_CONTENT)
    ||  memcmp (name, WB_MSG_EVENT_WORKBIN_CONTENT, name_size) != 0)
        return -1;
    s_glancing_t glancing = { glance, 0, false };
    return wb_kvlist_encoded_head (body, size, s_glance_entry, &glancing) == 0
        && glancing.complete ? 0 : -1;
}

int
wb_event_read_change_body (const wb_kvlist_t *body, wb_event_change_t *change)
{
    if (!change)
        return -1;
    const wb_kvlist_t *interaction = wb_kvlist_list (body, WB_ATTR_INTERACTION);
    const wb_kvlist_t *actor = wb_kvlist_list (body, WB_ATTR_ACTOR);
    *change = (wb_event_change_t) {
        .content_operation = wb_kvlist_int_or (body, WB_ATTR_WORKBIN_CONTENT_OPERATION, 0),
        .operation = wb_kvlist_int_or (body, WB_ATTR_OPERATION, 0),
        .workbin = s_workbin (body),
        .interaction = interaction,
        .interaction_id = wb_kvlist_string (interaction, WB_ATTR_INTERACTION_ID),
        .actor = wb_kvlist_size (actor) ? wb_kvlist_string_at (actor, 0) : NULL,
        .version = wb_kvlist_int_or (body, WB_ATTR_WORKBIN_VERSION, 0),
        .sequence = wb_kvlist_int_or (body, WB_ATTR_EVENT_SEQUENCE, 0),
    };
    return body ? 0 : -1;
}

int
wb_event_read_change (const wb_msg_t *msg, wb_event_change_t *change)
{
    return wb_event_read_change_body (s_body (msg, WB_ROW_EVENT_WORKBIN_CONTENT_CHANGED), change);
}

int
wb_event_read_statistic (const wb_msg_t *msg, wb_event_statistic_t *statistic)
{
    if (!statistic)
        return -1;
    const wb_kvlist_t *body = s_body (msg, WB_ROW_EVENT_WORKBIN_STATISTIC);
    *statistic = (wb_event_statistic_t) {
        .workbin = s_workbin (body),
        .count = wb_kvlist_int_or (body, WB_ATTR_NUMBER_OF_INTERACTIONS, 0),
        .version = wb_kvlist_int_or (body, WB_ATTR_WORKBIN_VERSION, 0),
        .oldest = wb_kvlist_string (body, WB_ATTR_MIN_MOVED_TO_QUEUE_AT),
        .newest = wb_kvlist_string (body, WB_ATTR_MAX_MOVED_TO_QUEUE_AT),
    };
    return body ? 0 : -1;
}

int
wb_event_read_types_body (const wb_kvlist_t *body, wb_event_types_t *types)
{
    if (!types)
        return -1;
    types->types = wb_kvlist_list (body, WB_ATTR_WORKBIN_TYPES);
    return body ? 0 : -1;
}

int
wb_event_read_types (const wb_msg_t *msg, wb_event_types_t *types)
{
    return wb_event_read_types_body (s_body (msg, WB_ROW_EVENT_WORKBIN_TYPES_INFO), types);
}

int
wb_event_read_type_info (const wb_kvlist_t *entry, wb_event_type_info_t *info)
{
    if (!info)
        return -1;
    *info = (wb_event_type_info_t) {
        .type_id = wb_kvlist_string (entry, WB_ATTR_WORKBIN_TYPE_ID),
        .display_name = wb_kvlist_string (entry, WB_ATTR_DISPLAY_NAME),
        .owner_type = wb_kvlist_int_or (entry, WB_ATTR_WORKBIN_TYPE, 0),
        .columns = wb_kvlist_string (entry, WB_ATTR_COLUMNS),
        .owners = wb_kvlist_list (entry, WB_ATTR_OWNERS),
    };
    return entry ? 0 : -1;
}

int
wb_event_read_owner (const wb_kvlist_t *entry, wb_event_owner_t *owner)
{
    if (!owner)
        return -1;
    *owner = (wb_event_owner_t) {
        .owner_id = wb_kvlist_string (entry, WB_ATTR_OWNER_ID),
        .owner_name = wb_kvlist_string (entry, WB_ATTR_OWNER_NAME),
        .relation = wb_kvlist_string (entry, WB_ATTR_RELATION),
        .count = wb_kvlist_int_or (entry, WB_ATTR_NUMBER_OF_INTERACTIONS, 0),
        .version = wb_kvlist_int_or (entry, WB_ATTR_WORKBIN_VERSION, 0),
        .oldest = wb_kvlist_string (entry, WB_ATTR_MIN_MOVED_TO_QUEUE_AT),
    };
    return entry ? 0 : -1;
}

int
wb_event_read_pulled (const wb_msg_t *msg, wb_event_pulled_t *pulled)
{
    if (!pulled)
        return -1;
    const wb_kvlist_t *body = s_body (msg, WB_ROW_EVENT_PULLED_INTERACTIONS);
    pulled->interactions = wb_kvlist_list (body, WB_ATTR_INTERACTIONS);
    pulled->total_count = wb_kvlist_int_or (body, WB_ATTR_TOTAL_COUNT,
                                            (int64_t) wb_kvlist_size (pulled->interactions));
    return body ? 0 : -1;
}

int
wb_event_read_properties (const wb_msg_t *msg, wb_event_properties_t *properties)
{
    if (!properties)
        return -1;
    const wb_kvlist_t *body = s_body (msg, WB_ROW_EVENT_PROPERTIES_CHANGED);
    *properties = (wb_event_properties_t) {
        .interaction_id = wb_kvlist_string (body, WB_ATTR_INTERACTION_ID),
        .added = wb_kvlist_list (body, WB_ATTR_ADDED_PROPERTIES),
        .changed = wb_kvlist_list (body, WB_ATTR_CHANGED_PROPERTIES),
        .deleted = wb_kvlist_list (body, WB_ATTR_DELETED_PROPERTIES),
        .sequence = wb_kvlist_int_or (body, WB_ATTR_EVENT_SEQUENCE, 0),
    };
    return body ? 0 : -1;
}

int64_t
wb_event_sequence (const wb_msg_t *msg)
{
    return wb_kvlist_int_or (wb_msg_body_const (msg), WB_ATTR_EVENT_SEQUENCE, 0);
}
