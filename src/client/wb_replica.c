/*  wb_replica: a client's copy of one workbin. See wb_replica.h. */
#include <czmq.h>
#include "wb_events.h"
#include "wb_prelude.h"
#include "wb_replica.h"

struct _wb_replica_t {
    wb_kvlist_t **items;       /* interactions in placement order, owned */
    size_t size;
    size_t capacity;
    zhashx_t *by_id;           /* InteractionId -> wb_kvlist_t * (in items) */
    zlistx_t *kept;            /* events before the snapshot, owned */
    int64_t version;
    bool has_snapshot;
    bool needs_fetch;
    size_t applied;
    uint64_t generation;       /* grows with every change to items */
};

static void
s_list_destructor (void **item)
{
    wb_kvlist_destroy ((wb_kvlist_t **) item);
}

wb_replica_t *
wb_replica_new (void)
{
    wb_replica_t *self = zmalloc (sizeof (wb_replica_t));
    self->by_id = zhashx_new ();
    self->kept = zlistx_new ();
    zlistx_set_destructor (self->kept, s_list_destructor);
    self->needs_fetch = true;
    return self;
}

static void
s_clear_items (wb_replica_t *self)
{
    for (size_t index = 0; index < self->size; index++)
        wb_kvlist_destroy (&self->items [index]);
    self->size = 0;
    zhashx_purge (self->by_id);
    self->generation++;
}

void
wb_replica_destroy (wb_replica_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    wb_replica_t *self = *self_p;
    s_clear_items (self);
    free (self->items);
    zhashx_destroy (&self->by_id);
    zlistx_destroy (&self->kept);
    free (self);
    *self_p = NULL;
}

static int
s_append (wb_replica_t *self, wb_kvlist_t *interaction)
{
    const char *id = wb_kvlist_string (interaction, WB_ATTR_INTERACTION_ID);
    if (!id || zhashx_lookup (self->by_id, id)) {
        wb_kvlist_destroy (&interaction);
        return -1;
    }
    if (wb_grow (&self->items, &self->capacity, self->size + 1, sizeof (wb_kvlist_t *),
                 WB_REPLICA_MAX)) {
        wb_kvlist_destroy (&interaction);
        return -1;
    }
    self->items [self->size++] = interaction;
    zhashx_insert (self->by_id, id, interaction);
    self->generation++;
    return 0;
}

long
wb_replica_index_of (const wb_replica_t *self, const char *interaction_id)
{
    if (!self || !interaction_id)
        return -1;
    wb_kvlist_t *wanted = zhashx_lookup (self->by_id, interaction_id);
    for (size_t index = 0; wanted && index < self->size; index++)
        if (self->items [index] == wanted)
            return (long) index;
    return -1;
}

static void
s_remove_at (wb_replica_t *self, size_t index)
{
    zhashx_delete (self->by_id, wb_kvlist_string (self->items [index], WB_ATTR_INTERACTION_ID));
    wb_kvlist_destroy (&self->items [index]);
    memmove (self->items + index, self->items + index + 1,
             (self->size - index - 1) * sizeof (wb_kvlist_t *));
    self->size--;
    self->generation++;
}

//  Change the copy as one event says; -1 if the event makes no sense here.
static int
s_change (wb_replica_t *self, const wb_event_change_t *change)
{
    const char *id = change->interaction_id;
    long index = wb_replica_index_of (self, id);
    if (change->content_operation == WB_CONTENT_PLACED_IN)
        return index < 0 ? s_append (self, wb_kvlist_dup (change->interaction)) : -1;
    if (index < 0)
        return -1;
    if (change->content_operation == WB_CONTENT_TAKEN_OUT) {
        s_remove_at (self, (size_t) index);
        return 0;
    }
    wb_kvlist_t *copy = wb_kvlist_dup (change->interaction);
    if (!copy)
        return -1;
    wb_kvlist_destroy (&self->items [index]);
    self->items [index] = copy;
    zhashx_update (self->by_id, id, copy);
    self->generation++;
    return 0;
}

//  Apply an event to a loaded copy, by the version rule.
static wb_replica_result_t
s_apply (wb_replica_t *self, const wb_kvlist_t *event)
{
    wb_event_change_t change;
    wb_event_read_change_body (event, &change);
    if (change.version <= self->version)
        return WB_REPLICA_DUPLICATE;
    if (change.version != self->version + 1 || s_change (self, &change)) {
        self->needs_fetch = true;
        return WB_REPLICA_GAP;
    }
    self->version = change.version;
    self->applied++;
    return WB_REPLICA_APPLIED;
}

wb_replica_result_t
wb_replica_apply_event (wb_replica_t *self, const wb_kvlist_t *event)
{
    wb_event_change_t change;
    wb_event_read_change_body (event, &change);
    if (!self || !change.interaction || change.version < 1
    ||  change.content_operation < WB_CONTENT_TAKEN_OUT
    ||  change.content_operation > WB_CONTENT_PROPERTIES_CHANGED)
        return WB_REPLICA_INVALID;
    if (!self->has_snapshot) {
        zlistx_add_end (self->kept, wb_kvlist_dup (event));
        return WB_REPLICA_KEPT;
    }
    if (self->needs_fetch)
        return WB_REPLICA_GAP;
    return s_apply (self, event);
}

void
wb_replica_load_begin (wb_replica_t *self)
{
    if (self)
        s_clear_items (self);
}

int
wb_replica_load_add (wb_replica_t *self, const wb_kvlist_t *interactions)
{
    if (!self)
        return -1;
    for (size_t index = 0; index < wb_kvlist_size (interactions); index++) {
        wb_kvlist_t *interaction = wb_kvlist_list_at (interactions, index);
        if (interaction)
            s_append (self, wb_kvlist_dup (interaction));
    }
    return 0;
}

wb_replica_result_t
wb_replica_load_end (wb_replica_t *self, int64_t version)
{
    if (!self || version < 0)
        return WB_REPLICA_INVALID;
    self->version = version;
    self->has_snapshot = true;
    self->needs_fetch = false;
    wb_replica_result_t result = WB_REPLICA_APPLIED;
    for (wb_kvlist_t *event = zlistx_first (self->kept); event; event = zlistx_next (self->kept))
        if (s_apply (self, event) == WB_REPLICA_GAP)
            result = WB_REPLICA_GAP;
    zlistx_purge (self->kept);
    return result;
}

wb_replica_result_t
wb_replica_load (wb_replica_t *self, const wb_kvlist_t *interactions, int64_t version)
{
    if (!self || version < 0)
        return WB_REPLICA_INVALID;
    wb_replica_load_begin (self);
    wb_replica_load_add (self, interactions);
    return wb_replica_load_end (self, version);
}

void
wb_replica_reset (wb_replica_t *self)
{
    if (!self)
        return;
    s_clear_items (self);
    zlistx_purge (self->kept);
    self->has_snapshot = false;
    self->needs_fetch = true;
    self->version = 0;
}

bool
wb_replica_has_snapshot (const wb_replica_t *self)
{
    return self && self->has_snapshot;
}

bool
wb_replica_needs_fetch (const wb_replica_t *self)
{
    return !self || self->needs_fetch;
}

int64_t
wb_replica_version (const wb_replica_t *self)
{
    return self ? self->version : 0;
}

size_t
wb_replica_size (const wb_replica_t *self)
{
    return self ? self->size : 0;
}

const wb_kvlist_t *
wb_replica_at (const wb_replica_t *self, size_t index)
{
    return self && index < self->size ? self->items [index] : NULL;
}

size_t
wb_replica_changes_applied (const wb_replica_t *self)
{
    return self ? self->applied : 0;
}

uint64_t
wb_replica_generation (const wb_replica_t *self)
{
    return self ? self->generation : 0;
}
