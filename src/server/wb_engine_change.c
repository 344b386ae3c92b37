/*  wb_engine_change: the write side: submit, place, pull (and the list of
    what a client has pulled), change properties, stop. Each change is committed to the store first; then its
    EventWorkbinContentChanged events go out, and then the reply, so that a
    requester that subscribed has its copy up to date when the reply comes
    (PROTOCOL.md, "Durability" and "Ordering"). A change to an interaction
    reads it inside its own transaction (locked, on a store shared by
    several nodes), so that two nodes never both act on what they read
    before the other's change. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wb_engine_internal.h"
#include "wb_prelude.h"
#include "wb_clock.h"
#include "wb_page_cache.h"

/* Properties property changes may not touch: those only the server sets,
   and UserData, a list that a change (string and int values) would turn
   into something else (PROTOCOL.md 11). They get 66. */
static const char *s_read_only [] = { WB_SERVER_PROPERTIES, WB_ATTR_USER_DATA };

/* The lists of property changes a request may carry. */
static const char *s_change_lists [] = {
    WB_ATTR_ADDED_PROPERTIES, WB_ATTR_CHANGED_PROPERTIES, WB_ATTR_DELETED_PROPERTIES,
};

/* Properties that say which workbin an interaction sits in. */
static const char *s_location [] = {
    WB_ATTR_QUEUE, WB_ATTR_WORKBIN, WB_ATTR_WORKBIN_AGENT_ID, WB_ATTR_WORKBIN_PLACE_ID,
    WB_ATTR_WORKBIN_GROUP_ID, WB_ATTR_WORKBIN_PLACE_GROUP_ID,
};

/* Properties copied from RequestSubmit into the new interaction. */
static const char *s_submitted [] = { WB_SUBMIT_PROPERTIES };

/* An interaction read from the store, with where it sits. */
typedef struct {
    const char *id;                  /* as the request names it */
    wb_kvlist_t *properties;
    char type_id [WB_KEY_MAX + 1];
    char owner_id [WB_KEY_MAX + 1];
    const wb_workbin_type_t *type;   /* NULL when in no workbin */
    wb_store_t *open;                /* its transaction, until commit or rollback */
} s_interaction_t;

// ---------------------------------------------------------------- events

typedef struct {
    const wb_workbin_type_t *type;
    const char *owner_id;
    int content_operation;
    int operation;
    const wb_kvlist_t *interaction;
    int64_t version;
    const char *actor;
} s_change_t;

//  The body of a change's event, all but its WorkbinVersion: what the
//  change log keeps for the other nodes (wb_feed), as they deliver it.
static wb_kvlist_t *
s_change_body (const s_change_t *change)
{
    wb_kvlist_t *body = wb_kvlist_new ();
    wb_kvlist_add_int (body, WB_ATTR_WORKBIN_CONTENT_OPERATION, change->content_operation);
    wb_kvlist_add_int (body, WB_ATTR_OPERATION, change->operation);
    wb_workbin_t workbin = { change->type->id, change->type->owner_type, NULL, change->owner_id };
    wb_workbin_add (&workbin, body);
    wb_kvlist_t *interaction = wb_kvlist_dup (change->interaction);
    wb_kvlist_add_list (body, WB_ATTR_INTERACTION, &interaction);
    wb_kvlist_t *actor = wb_kvlist_new ();
    wb_kvlist_add_string (actor, WB_ATTR_AGENT_ID, change->actor);
    wb_kvlist_add_list (body, WB_ATTR_ACTOR, &actor);
    return body;
}

//  Send one change (its event's body without the version) to every
//  subscriber of its workbin, and its statistic when its count changed.
//  Recipients are collected first: a failed send drops subscriptions,
//  which edits the list.
static void
s_fan_out_change (wb_engine_t *self, const wb_workbin_type_t *type, const char *owner_id,
                  int64_t version, const wb_kvlist_t *body)
{
    int content_operation = (int) wb_kvlist_int_or (body, WB_ATTR_WORKBIN_CONTENT_OPERATION, 0);
    //  the overview: counts change with what is placed in or taken out
    if (content_operation != WB_CONTENT_PROPERTIES_CHANGED)
        wb_engine_notify_statistic (self, type, owner_id, version);
    char *key = wb_sessions_workbin_key (type->id, owner_id);
    zlistx_t *subscribers = wb_sessions_subscribers (self->sessions, key);
    free (key);
    if (!subscribers)
        return;
    size_t count = 0;
    wb_session_t **recipients = wb_calloc (zlistx_size (subscribers), sizeof (wb_session_t *));
    for (wb_subscription_t *subscription = zlistx_first (subscribers); subscription;
         subscription = zlistx_next (subscribers))
        if (content_operation != WB_CONTENT_PROPERTIES_CHANGED
        ||  subscription->notify_property_changes)
            recipients [count++] = subscription->session;
    //  one event for all: held once in a batch, copied only as it is sent
    wb_msg_t *event = count ? wb_msg_new_row (WB_ROW_EVENT_WORKBIN_CONTENT_CHANGED) : NULL;
    if (event) {
        wb_kvlist_append (wb_msg_body (event), body);
        wb_kvlist_add_int (wb_msg_body (event), WB_ATTR_WORKBIN_VERSION, version);
    }
    wb_engine_fan_out (self, recipients, count, &event);
    free (recipients);
}

//  Apply a change made here to the workbin's image in the page cache.
//  Only on a store this server alone writes: on a shared one, another
//  node's placement may sort before ours, and the version read before
//  each page tells the image is gone.
static void
s_patch_image (wb_engine_t *self, const s_change_t *change)
{
    uint64_t writes = 0;
    if (wb_store_own_writes (self->store, &writes))
        return;
    wb_page_change_t kind = change->content_operation == WB_CONTENT_PLACED_IN
                          ? WB_PAGE_PLACED_IN
                          : change->content_operation == WB_CONTENT_TAKEN_OUT
                          ? WB_PAGE_TAKEN_OUT : WB_PAGE_PROPERTIES_CHANGED;
    char *key = wb_sessions_workbin_key (change->type->id, change->owner_id);
    wb_page_cache_patch (self->page_cache, key, change->version, kind, change->interaction);
    free (key);
}

//  Send a change made here. With a change feed, the changes of other
//  nodes that come before it go first (read from the log), so that a
//  subscriber here sees the workbin's versions in order.
static void
s_notify (wb_engine_t *self, const s_change_t *change)
{
    s_patch_image (self, change);
    if (self->feed)
        wb_feed_local (self->feed, change->type->id, change->owner_id, change->version,
                       wb_store_in_batch (self->store));
    wb_kvlist_t *body = s_change_body (change);
    s_fan_out_change (self, change->type, change->owner_id, change->version, body);
    wb_kvlist_destroy (&body);
}

//  A change made on another node (wb_feed): as if made here. Without a
//  body, only that the workbin changed: its statistic.
void
wb_engine_remote_change (wb_engine_t *self, const char *type_id, const char *owner_id,
                         int64_t version, const wb_kvlist_t *body)
{
    const wb_workbin_type_t *type = self && type_id
                                  ? wb_directory_workbin_type (self->directory, type_id) : NULL;
    if (!type)
        return;
    if (body)
        s_fan_out_change (self, type, owner_id, version, body);
    else
        wb_engine_notify_statistic (self, type, owner_id, version);
}

//  Changes of a workbin are gone from the log before this node read them:
//  its subscribers here lose their subscriptions and are told at their
//  next request (EventError 1001), as a client too slow is, and re-fetch.
void
wb_engine_remote_lost (wb_engine_t *self, const char *type_id, const char *owner_id)
{
    char *key = wb_sessions_workbin_key (type_id, owner_id);
    zlistx_t *subscribers = wb_sessions_subscribers (self->sessions, key);
    free (key);
    size_t count = subscribers ? zlistx_size (subscribers) : 0;
    wb_session_t **sessions = wb_calloc (count ? count : 1, sizeof (wb_session_t *));
    size_t index = 0;
    for (wb_subscription_t *subscription = subscribers ? zlistx_first (subscribers) : NULL;
         subscription; subscription = zlistx_next (subscribers))
        sessions [index++] = subscription->session;
    for (index = 0; index < count; index++) {
        wb_sessions_drop_subscriptions (self->sessions, sessions [index]);
        sessions [index]->subscriptions_dropped = true;
    }
    free (sessions);
}

//  True if a workbin has subscribers on this node.
bool
wb_engine_remote_wanted (wb_engine_t *self, const char *type_id, const char *owner_id)
{
    char *key = wb_sessions_workbin_key (type_id, owner_id);
    zlistx_t *subscribers = wb_sessions_subscribers (self->sessions, key);
    free (key);
    return subscribers && zlistx_size (subscribers) > 0;
}

// ---------------------------------------------------------------- helpers

static void
s_interaction_clear (s_interaction_t *interaction)
{
    if (interaction->open)
        wb_store_rollback (interaction->open);
    interaction->open = NULL;
    wb_kvlist_destroy (&interaction->properties);
}

//  Load the interaction a request names (InteractionId in attributes),
//  in a transaction opened here and left open for the change (ended by
//  s_end_change, or rolled back by s_interaction_clear).
static int
s_load_interaction (wb_request_t *request, const wb_kvlist_t *attributes,
                    s_interaction_t *interaction)
{
    memset (interaction, 0, sizeof (*interaction));
    const char *id = wb_kvlist_string (attributes, WB_ATTR_INTERACTION_ID);
    if (!id)
        return WB_ERR_INTERACTION_ID_NOT_SPECIFIED;
    interaction->id = id;
    wb_store_t *store = request->engine->store;
    if (wb_store_begin (store))
        return WB_ERR_DATABASE;
    interaction->open = store;
    int found = 0;
    interaction->properties = wb_store_interaction_get (store, id, interaction->type_id,
                                                        interaction->owner_id,
                                                        sizeof (interaction->type_id), &found);
    if (found <= 0) {
        request->detail = id;
        return found < 0 ? WB_ERR_DATABASE : WB_ERR_UNKNOWN_INTERACTION;
    }
    if (*interaction->type_id)
        interaction->type = wb_directory_workbin_type (request->engine->directory,
                                                       interaction->type_id);
    return 0;
}

//  True if the interaction sits in a workbin, known to the directory or
//  not (a type removed from the directory leaves its interactions behind).
static bool
s_in_workbin (const s_interaction_t *interaction)
{
    return *interaction->type_id != 0;
}

//  May the sender act on this interaction? A pulled one is its handler's;
//  one in a workbin needs access to that workbin; one in a workbin whose
//  type the directory no longer has is a media server's alone (a media
//  server is trusted with every interaction).
static bool
s_may_act (wb_request_t *request, const s_interaction_t *interaction)
{
    const char *assigned = wb_kvlist_string (interaction->properties, WB_ATTR_ASSIGNED_TO);
    bool media_server = !request->session->agent_id
                     && request->session->client_type == WB_CLIENT_MEDIA_SERVER;
    if (interaction->type)
        return wb_engine_check_access (request, interaction->type, interaction->owner_id) == 0;
    if (s_in_workbin (interaction) || media_server)
        return media_server;
    return !assigned || strcmp (assigned, wb_engine_actor_name (request)) == 0;
}

//  0, or 43 for an interaction the sender may not act on: the very answer
//  an id that does not exist gets (ids are sequential: a different code
//  would tell which ids exist in workbins the sender cannot see).
static int
s_check_rights (wb_request_t *request, const s_interaction_t *interaction)
{
    if (s_may_act (request, interaction))
        return 0;
    request->detail = interaction->id;     //  the request's: it outlives the interaction
    return WB_ERR_UNKNOWN_INTERACTION;
}

static void
s_clear_location (wb_kvlist_t *properties)
{
    for (size_t index = 0; index < WB_COUNT_OF (s_location); index++)
        wb_kvlist_remove (properties, s_location [index]);
}

//  Set the properties that say where an interaction sits.
static void
s_set_location (wb_kvlist_t *properties, const wb_target_t *target, const char *now)
{
    s_clear_location (properties);
    wb_kvlist_remove (properties, WB_ATTR_ASSIGNED_TO);
    char queue [WB_KEY_MAX + 32];
    snprintf (queue, sizeof (queue), "%s" WB_PRIVATE_QUEUE_SUFFIX, target->type->id);
    wb_kvlist_set_string (properties, WB_ATTR_QUEUE, queue);
    wb_kvlist_set_string (properties, WB_ATTR_WORKBIN, target->type->id);
    wb_kvlist_set_string (properties, wb_workbin_owner_attribute (target->type->owner_type),
                          target->owner_id);
    wb_kvlist_set_int (properties, WB_ATTR_INTERACTION_STATE, WB_STATE_QUEUED);
    wb_kvlist_set_string (properties, WB_ATTR_PLACED_IN_QUEUE_AT, now);
    wb_kvlist_set_string (properties, WB_ATTR_MOVED_TO_QUEUE_AT, now);
}

static bool
s_is_read_only (const char *key)
{
    for (size_t index = 0; index < WB_COUNT_OF (s_read_only); index++)
        if (strcmp (s_read_only [index], key) == 0)
            return true;
    return false;
}

//  Check Added/Changed/DeletedProperties: 0, 65 or 66.
static int
s_check_property_changes (wb_request_t *request)
{
    for (size_t list = 0; list < 3; list++) {
        wb_kvlist_t *changes = wb_kvlist_list (request->body, s_change_lists [list]);
        for (size_t index = 0; index < wb_kvlist_size (changes); index++) {
            const char *key = wb_kvlist_key_at (changes, index);
            wb_type_t type = wb_kvlist_type_at (changes, index);
            request->detail = key;
            if (s_is_read_only (key))
                return WB_ERR_READ_ONLY_PROPERTY;
            if (list < 2 && type != WB_TYPE_STRING && type != WB_TYPE_INT)
                return WB_ERR_INVALID_PROPERTY_TYPE;
        }
    }
    request->detail = NULL;
    return 0;
}

//  Apply checked property changes to a copy of the properties, whole or
//  not at all (PROTOCOL.md 5.18): 0, or 1006 when the list cannot take
//  them (it holds at most WB_ENTRIES_MAX entries; a set past that used to
//  fail unseen, and the change was acknowledged but not stored).
static int
s_apply_property_changes (wb_request_t *request, wb_kvlist_t *properties)
{
    wb_kvlist_t *deleted = wb_kvlist_list (request->body, WB_ATTR_DELETED_PROPERTIES);
    for (size_t index = 0; index < wb_kvlist_size (deleted); index++)
        wb_kvlist_remove (properties, wb_kvlist_key_at (deleted, index));
    for (size_t list = 0; list < 2; list++) {      //  added, changed
        wb_kvlist_t *changes = wb_kvlist_list (request->body, s_change_lists [list]);
        for (size_t index = 0; index < wb_kvlist_size (changes); index++) {
            const char *key = wb_kvlist_key_at (changes, index);
            int rc = wb_kvlist_type_at (changes, index) == WB_TYPE_INT
                   ? wb_kvlist_set_int (properties, key, wb_kvlist_int_at (changes, index))
                   : wb_kvlist_set_string (properties, key, wb_kvlist_string_at (changes, index));
            if (rc) {
                request->detail = key;
                return WB_ERR_TOO_MANY_PROPERTIES;
            }
        }
    }
    return 0;
}

//  Bump a workbin's version inside the open transaction; 0 or -1. A
//  store with a change log keeps the change's event (change NULL: a
//  workbin whose type the directory lost, which no one can subscribe to).
static int
s_bump (wb_engine_t *self, const char *type_id, const char *owner_id,
        const s_change_t *change, int64_t *version)
{
    wb_workbin_ref_t ref = { type_id, owner_id };
    if (change && wb_store_logs_changes (self->store)) {
        wb_kvlist_t *body = s_change_body (change);
        int rc = wb_store_change_event (self->store, body);
        wb_kvlist_destroy (&body);
        if (rc)
            return -1;
    }
    return wb_store_bump_version (self->store, ref, version);
}

static int
s_commit_or_rollback (wb_engine_t *self, int rc)
{
    if (rc == 0 && wb_store_commit (self->store) == 0)
        return 0;
    wb_store_rollback (self->store);
    return WB_ERR_DATABASE;
}

//  End the transaction of a change to a loaded interaction: commit if rc
//  is 0, else roll back. 0 or WB_ERR_DATABASE.
static int
s_end_change (wb_engine_t *self, s_interaction_t *interaction, int rc)
{
    interaction->open = NULL;
    return s_commit_or_rollback (self, rc);
}

static void
s_ack_with (wb_request_t *request, const char *interaction_id, int64_t version)
{
    wb_kvlist_t *extra = wb_kvlist_new ();
    if (interaction_id)
        wb_kvlist_add_string (extra, WB_ATTR_INTERACTION_ID, interaction_id);
    if (version >= 0)
        wb_kvlist_add_int (extra, WB_ATTR_WORKBIN_VERSION, version);
    wb_engine_reply_ack (request, extra);
    wb_kvlist_destroy (&extra);
}

// ---------------------------------------------------------------- submit

//  The properties of a new interaction from a RequestSubmit.
static wb_kvlist_t *
s_new_interaction (wb_request_t *request, const wb_target_t *target, const char *id)
{
    char now [32];
    wb_clock_now_text (now, sizeof (now));
    wb_kvlist_t *properties = wb_kvlist_new ();
    wb_kvlist_add_string (properties, WB_ATTR_INTERACTION_ID, id);
    wb_kvlist_add_int (properties, WB_ATTR_TENANT_ID,
                       wb_directory_tenant_id (request->engine->directory));
    for (size_t index = 0; index < WB_COUNT_OF (s_submitted); index++) {
        const char *key = s_submitted [index];
        if (wb_kvlist_type (request->body, key) == WB_TYPE_STRING)
            wb_kvlist_add_string (properties, key, wb_kvlist_string (request->body, key));
        else
        if (wb_kvlist_type (request->body, key) == WB_TYPE_INT)
            wb_kvlist_add_int (properties, key, wb_kvlist_int_or (request->body, key, 0));
    }
    if (!wb_kvlist_has (properties, WB_ATTR_RECEIVED_AT))
        wb_kvlist_add_string (properties, WB_ATTR_RECEIVED_AT, now);
    wb_kvlist_add_string (properties, WB_ATTR_SUBMITTED_BY, wb_engine_actor_name (request));
    wb_kvlist_add_string (properties, WB_ATTR_SUBMITTED_AT, now);
    s_set_location (properties, target, now);
    wb_kvlist_t *user_data = wb_kvlist_dup (wb_kvlist_list (request->body, WB_ATTR_USER_DATA));
    if (user_data)
        wb_kvlist_add_list (properties, WB_ATTR_USER_DATA, &user_data);
    return properties;
}

//  True for 1 to WB_IDEMPOTENCY_KEY_MAX printable ASCII characters.
static bool
s_idempotency_key_valid (const char *key)
{
    size_t length = strlen (key);
    for (size_t index = 0; index < length; index++)
        if (key [index] < 0x21 || key [index] > 0x7e)
            return false;
    return length >= 1 && length <= WB_IDEMPOTENCY_KEY_MAX;
}

//  A retry of a submit whose IdempotencyKey its submitter used before gets
//  that submit's EventAck again (*answered), and creates nothing. The first
//  may still wait in the open group for its commit: the group is committed
//  first, so that only what is durable is acknowledged (if that commit
//  fails, the first got 28, this one gets 28, and the next retry creates).
static int
s_answer_retry (wb_request_t *request, const char *key, bool *answered)
{
    wb_engine_t *self = request->engine;
    const char *submitter = wb_engine_actor_name (request);
    char id [WB_KEY_MAX + 1];
    int64_t version = 0;
    int found = 0;
    *answered = false;
    if (wb_store_submit_key_get (self->store, submitter, key, id, sizeof (id), &version, &found))
        return WB_ERR_DATABASE;
    if (!found)
        return 0;
    wb_engine_batch_sync (self);
    if (wb_store_submit_key_get (self->store, submitter, key, id, sizeof (id), &version, &found)
    ||  !found)
        return WB_ERR_DATABASE;
    s_ack_with (request, id, version);
    *answered = true;
    return 0;
}

int
wb_engine_submit (wb_request_t *request)
{
    wb_engine_t *self = request->engine;
    const char *queue = wb_kvlist_string (request->body, WB_ATTR_QUEUE);
    if (!wb_kvlist_has (request->body, WB_ATTR_WORKBIN_TYPE_ID)) {
        request->detail = queue;
        return queue ? WB_ERR_UNKNOWN_QUEUE : WB_ERR_QUEUE_NOT_SPECIFIED;
    }
    const char *key = wb_kvlist_string (request->body, WB_ATTR_IDEMPOTENCY_KEY);
    if (key && !s_idempotency_key_valid (key)) {
        request->detail = WB_ATTR_IDEMPOTENCY_KEY " is 1-128 printable ASCII characters";
        return WB_ERR_INVALID_MESSAGE;
    }
    wb_target_t target;
    bool answered = false;
    int code = wb_engine_resolve_workbin (request, request->body, &target);
    if (code == 0 && key)
        code = s_answer_retry (request, key, &answered);
    if (code || answered) {
        wb_target_clear (&target);
        return code;
    }
    uint64_t number = 0;
    int rc = wb_store_begin (self->store)
          || wb_store_new_interaction_id (self->store, self->first_interaction_id, &number);
    char id [32];
    snprintf (id, sizeof (id), "%016" PRIX64, number);
    wb_kvlist_t *properties = s_new_interaction (request, &target, id);
    int64_t version = 0;
    int too_large = wb_engine_check_size (request, properties);
    s_change_t change = { target.type, target.owner_id, WB_CONTENT_PLACED_IN,
                          WB_OPERATION_CREATE, properties, 0, wb_engine_actor_name (request) };
    rc = rc || too_large
            || wb_store_interaction_insert (self->store, id, wb_target_ref (&target), properties)
            || s_bump (self, target.type->id, target.owner_id, &change, &version)
            || (key && wb_store_submit_key_put (self->store, wb_engine_actor_name (request),
                                                key, id, version));
    code = s_commit_or_rollback (self, rc);
    code = too_large ? too_large : code;
    if (code == 0) {
        change.version = version;
        s_notify (self, &change);
        s_ack_with (request, id, version);
    }
    wb_kvlist_destroy (&properties);
    wb_target_clear (&target);
    return code;
}

// ---------------------------------------------------------------- place

//  Store a moved interaction and bump both workbins, in its transaction:
//  out (NULL: it stays in its workbin) and in are the changes to them.
static int
s_store_move (wb_engine_t *self, s_interaction_t *interaction, s_change_t *out,
              s_change_t *in, const wb_kvlist_t *properties)
{
    const char *id = wb_kvlist_string (properties, WB_ATTR_INTERACTION_ID);
    wb_workbin_ref_t where = { in->type->id, in->owner_id };
    int rc = wb_store_interaction_put (self->store, id, where, properties)
          || (out && s_bump (self, out->type->id, out->owner_id, out, &out->version))
          || s_bump (self, in->type->id, in->owner_id, in, &in->version);
    return s_end_change (self, interaction, rc);
}

static bool
s_same_workbin (const s_interaction_t *interaction, const wb_target_t *target)
{
    return interaction->type && strcmp (interaction->type_id, target->type->id) == 0
        && strcmp (interaction->owner_id, target->owner_id) == 0;
}

//  Move (or, within the same workbin, update) and tell both workbins.
static int
s_place (wb_request_t *request, s_interaction_t *interaction, const wb_target_t *target)
{
    wb_engine_t *self = request->engine;
    bool same = s_same_workbin (interaction, target);
    wb_kvlist_t *properties = wb_kvlist_dup (interaction->properties);
    int code = s_apply_property_changes (request, properties);
    if (code || (same && wb_kvlist_equal (properties, interaction->properties))) {
        wb_kvlist_destroy (&properties);
        if (code == 0)
            s_ack_with (request, NULL, -1);     //  a no-op: nothing stored, nothing sent
        return code;
    }
    char now [32];
    wb_clock_now_text (now, sizeof (now));
    if (!same)
        s_set_location (properties, target, now);
    const char *actor = wb_engine_actor_name (request);
    //  one workbin: bump it once; one the directory lost: not told
    bool leaves = !same && interaction->type;
    s_change_t out = { interaction->type, interaction->owner_id, WB_CONTENT_TAKEN_OUT,
                       WB_OPERATION_PLACE_IN_WORKBIN, interaction->properties, 0, actor };
    //  in place, it is a property change like any other (Operation 0)
    s_change_t in = { target->type, target->owner_id,
                      same ? WB_CONTENT_PROPERTIES_CHANGED : WB_CONTENT_PLACED_IN,
                      same ? WB_OPERATION_UNKNOWN : WB_OPERATION_PLACE_IN_WORKBIN,
                      properties, 0, actor };
    code = s_store_move (self, interaction, leaves ? &out : NULL, &in, properties);
    if (code == 0) {
        if (leaves)
            s_notify (self, &out);
        s_notify (self, &in);
        s_ack_with (request, NULL, in.version);
    }
    wb_kvlist_destroy (&properties);
    return code;
}

int
wb_engine_place (wb_request_t *request)
{
    s_interaction_t interaction;
    wb_target_t target = { 0 };
    int code = s_load_interaction (request, request->body, &interaction);
    if (code == 0)
        code = s_check_rights (request, &interaction);
    if (code == 0)
        code = wb_engine_resolve_workbin (request, request->body, &target);
    if (code == 0)
        code = s_check_property_changes (request);
    if (code == 0)
        code = s_place (request, &interaction, &target);
    wb_target_clear (&target);
    s_interaction_clear (&interaction);
    return code;
}

// ---------------------------------------------------------------- pull

int
wb_engine_pull (wb_request_t *request)
{
    wb_engine_t *self = request->engine;
    wb_kvlist_t *parameters = wb_kvlist_list (request->body, WB_ATTR_PULL_PARAMETERS);
    if (!wb_kvlist_string (parameters, WB_ATTR_INTERACTION_ID))
        return WB_ERR_PULL_PARAMETERS_INVALID;
    s_interaction_t interaction;
    int code = s_load_interaction (request, parameters, &interaction);
    if (code == 0)
        code = s_check_rights (request, &interaction);
    if (code == 0 && !interaction.type)
        code = WB_ERR_INVALID_INTERACTION_STATE;    //  not in a known workbin
    if (code) {
        s_interaction_clear (&interaction);
        return code;
    }
    wb_kvlist_t *pulled = wb_kvlist_dup (interaction.properties);
    s_clear_location (pulled);
    wb_kvlist_set_int (pulled, WB_ATTR_INTERACTION_STATE, WB_STATE_HANDLING);
    wb_kvlist_set_string (pulled, WB_ATTR_ASSIGNED_TO, wb_engine_actor_name (request));
    const char *id = wb_kvlist_string (pulled, WB_ATTR_INTERACTION_ID);
    wb_workbin_ref_t nowhere = { NULL, wb_engine_actor_name (request) };   //  in its hands
    s_change_t out = { interaction.type, interaction.owner_id, WB_CONTENT_TAKEN_OUT,
                       WB_OPERATION_PULL, interaction.properties, 0,
                       wb_engine_actor_name (request) };
    int rc = wb_store_interaction_put (self->store, id, nowhere, pulled)
          || s_bump (self, interaction.type_id, interaction.owner_id, &out, &out.version);
    code = s_end_change (self, &interaction, rc);
    if (code == 0) {
        s_notify (self, &out);
        wb_msg_t *reply = wb_engine_reply_new (request, WB_ROW_EVENT_PULLED_INTERACTIONS);
        wb_kvlist_t *list = wb_kvlist_new ();
        wb_kvlist_t *copy = wb_kvlist_dup (pulled);
        wb_kvlist_add_list (list, WB_ATTR_INTERACTION, &copy);
        wb_kvlist_add_list (wb_msg_body (reply), WB_ATTR_INTERACTIONS, &list);
        wb_engine_reply (request, &reply);
    }
    wb_kvlist_destroy (&pulled);
    s_interaction_clear (&interaction);
    return code;
}

//  The interactions the sender handles (pulled, in no workbin), oldest pull
//  first, at most a page's worth; TotalCount says how many it handles.
int
wb_engine_pulled_list (wb_request_t *request)
{
    wb_engine_t *self = request->engine;
    wb_kvlist_t *interactions = wb_kvlist_new ();
    int64_t total = 0;
    if (wb_store_begin (self->store)
    ||  wb_store_handled_page (self->store, wb_engine_actor_name (request), self->page_cap,
                               interactions, &total)
    ||  wb_store_commit (self->store)) {
        wb_store_rollback (self->store);
        wb_kvlist_destroy (&interactions);
        return WB_ERR_DATABASE;
    }
    wb_msg_t *reply = wb_engine_reply_new (request, WB_ROW_EVENT_PULLED_INTERACTIONS);
    wb_kvlist_add_list (wb_msg_body (reply), WB_ATTR_INTERACTIONS, &interactions);
    wb_kvlist_add_int (wb_msg_body (reply), WB_ATTR_TOTAL_COUNT, total);
    wb_engine_reply (request, &reply);
    return 0;
}

// ---------------------------------------------------------------- change

//  Tell the agent handling a pulled interaction that it changed.
static void
s_tell_handler (wb_request_t *request, const s_interaction_t *interaction)
{
    const char *assigned = wb_kvlist_string (interaction->properties, WB_ATTR_ASSIGNED_TO);
    wb_session_t *handler = wb_sessions_by_agent (request->engine->sessions, assigned);
    if (!handler || handler == request->session)
        return;
    wb_msg_t *event = wb_msg_new_row (WB_ROW_EVENT_PROPERTIES_CHANGED);
    wb_kvlist_t *body = wb_msg_body (event);
    wb_kvlist_add_string (body, WB_ATTR_INTERACTION_ID,
                          wb_kvlist_string (interaction->properties, WB_ATTR_INTERACTION_ID));
    for (size_t index = 0; index < 3; index++) {
        const char *list = s_change_lists [index];
        wb_kvlist_t *copy = wb_kvlist_dup (wb_kvlist_list (request->body, list));
        if (copy)
            wb_kvlist_add_list (body, list, &copy);
    }
    wb_engine_send_event (request->engine, handler, &event);
}

static int
s_change (wb_request_t *request, s_interaction_t *interaction)
{
    wb_engine_t *self = request->engine;
    wb_kvlist_t *properties = wb_kvlist_dup (interaction->properties);
    int code = s_apply_property_changes (request, properties);
    if (code || wb_kvlist_equal (properties, interaction->properties)) {
        wb_kvlist_destroy (&properties);
        if (code == 0)
            s_ack_with (request, NULL, -1);     //  a no-op: nothing stored, nothing sent
        return code;
    }
    const char *id = wb_kvlist_string (properties, WB_ATTR_INTERACTION_ID);
    //  it stays where it is: in its workbin, or in the hands of its handler
    bool in_workbin = s_in_workbin (interaction);
    wb_workbin_ref_t where = { in_workbin ? interaction->type_id : NULL, interaction->owner_id };
    int64_t version = -1;
    int too_large = wb_engine_check_size (request, properties);
    s_change_t change = { interaction->type, interaction->owner_id,
                          WB_CONTENT_PROPERTIES_CHANGED, WB_OPERATION_UNKNOWN, properties,
                          0, wb_engine_actor_name (request) };
    int rc = too_large
          || wb_store_interaction_put (self->store, id, where, properties)
          || (in_workbin && s_bump (self, where.type_id, where.owner_id,
                                    interaction->type ? &change : NULL, &version));
    code = s_end_change (self, interaction, rc);
    code = too_large ? too_large : code;
    if (code == 0) {
        if (interaction->type) {
            change.version = version;
            s_notify (self, &change);
        }
        else
        if (!in_workbin)
            s_tell_handler (request, interaction);
        s_ack_with (request, NULL, version);
    }
    wb_kvlist_destroy (&properties);
    return code;
}

int
wb_engine_change_properties (wb_request_t *request)
{
    s_interaction_t interaction;
    int code = s_load_interaction (request, request->body, &interaction);
    if (code == 0)
        code = s_check_rights (request, &interaction);
    if (code == 0)
        code = s_check_property_changes (request);
    if (code == 0)
        code = s_change (request, &interaction);
    s_interaction_clear (&interaction);
    return code;
}

// ---------------------------------------------------------------- stop

int
wb_engine_stop (wb_request_t *request)
{
    wb_engine_t *self = request->engine;
    s_interaction_t interaction;
    int code = s_load_interaction (request, request->body, &interaction);
    if (code == 0)
        code = s_check_rights (request, &interaction);
    if (code) {
        s_interaction_clear (&interaction);
        return code;
    }
    const char *id = wb_kvlist_string (interaction.properties, WB_ATTR_INTERACTION_ID);
    int64_t version = -1;
    s_change_t out = { interaction.type, interaction.owner_id, WB_CONTENT_TAKEN_OUT,
                       WB_OPERATION_STOP, interaction.properties, 0,
                       wb_engine_actor_name (request) };
    //  its workbin's version moves even if the directory lost the type:
    //  content of one version never differs (cached pages rely on it)
    int rc = wb_store_interaction_delete (self->store, id)
          || (s_in_workbin (&interaction)
              && s_bump (self, interaction.type_id, interaction.owner_id,
                         interaction.type ? &out : NULL, &version));
    code = s_end_change (self, &interaction, rc);
    if (code == 0) {
        if (interaction.type) {
            out.version = version;
            s_notify (self, &out);
        }
        s_ack_with (request, NULL, version);
    }
    s_interaction_clear (&interaction);
    return code;
}
