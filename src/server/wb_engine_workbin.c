/*  wb_engine_workbin: the read side of workbins: types, statistic, content,
    and (un)subscribing to their changes. PROTOCOL.md, "Messages". */
#include <stdio.h>
#include <string.h>
#include "wb_engine_internal.h"
#include "wb_page_cache.h"
#include "wb_prelude.h"

//  The owners of one type, one page of them: [from, from + count).
typedef struct {
    wb_engine_t *engine;
    const wb_workbin_type_t *type;
    wb_kvlist_t *owners;
    int64_t from, count;
    int64_t seen;               /* owners visited: NumberOfOwners */
    bool failed;                /* a store read failed: EventError 28 */
} s_owner_lister_t;

//  Add one owner entry to the owner list of a workbin type, if it falls in
//  the page asked for (a list holds at most WB_ENTRIES_MAX: 40,000 agents
//  were silently cut to 20,000).
static void
s_add_owner (void *context, const char *owner_id, wb_relation_t relation)
{
    s_owner_lister_t *lister = context;
    int64_t position = lister->seen++;
    if (position < lister->from || position - lister->from >= lister->count)
        return;
    wb_workbin_ref_t ref = { lister->type->id, owner_id };
    int64_t count = 0;
    if (wb_store_workbin_count (lister->engine->store, ref, &count))
        lister->failed = true;
    wb_kvlist_t *owner = wb_kvlist_new ();
    wb_kvlist_add_string (owner, WB_ATTR_OWNER_ID, owner_id);
    const char *name = wb_directory_owner_name (lister->engine->directory,
                                                lister->type->owner_type, owner_id);
    wb_kvlist_add_string (owner, WB_ATTR_OWNER_NAME, name ? name : owner_id);
    wb_kvlist_add_string (owner, WB_ATTR_RELATION, wb_relation_text (relation));
    wb_kvlist_add_int (owner, WB_ATTR_NUMBER_OF_INTERACTIONS, count);
    //  what a live overview starts from: the version the count is at (so
    //  that an older statistic event is told apart) and the oldest
    int64_t version = 0;
    char oldest [32] = "", newest [32];
    if (wb_store_workbin_version (lister->engine->store, ref, &version)
    ||  wb_store_workbin_moved_range (lister->engine->store, ref, oldest, newest,
                                      sizeof (oldest)))
        lister->failed = true;
    wb_kvlist_add_int (owner, WB_ATTR_WORKBIN_VERSION, version);
    if (*oldest)
        wb_kvlist_add_string (owner, WB_ATTR_MIN_MOVED_TO_QUEUE_AT, oldest);
    wb_kvlist_add_list (lister->owners, WB_ATTR_OWNER, &owner);
}

//  The WorkbinTypeInfo entry of one type, with the owners the sender sees;
//  *failed set if a count could not be read (a database that is away).
static wb_kvlist_t *
s_type_info (wb_request_t *request, const wb_workbin_type_t *type, int64_t from,
             int64_t count, bool *failed)
{
    wb_engine_t *self = request->engine;
    wb_session_t *session = request->session;
    wb_kvlist_t *info = wb_kvlist_new ();
    char view [WB_KEY_MAX + 32];
    snprintf (view, sizeof (view), "%s" WB_PRIVATE_VIEW_SUFFIX, type->id);
    wb_kvlist_add_string (info, WB_ATTR_WORKBIN_TYPE_ID, type->id);
    wb_kvlist_add_string (info, WB_ATTR_DISPLAY_NAME, type->name);
    wb_kvlist_add_int (info, WB_ATTR_WORKBIN_TYPE, type->owner_type);
    wb_kvlist_add_string (info, WB_ATTR_VIEW, view);
    wb_kvlist_add_int (info, WB_ATTR_ACTIVE, 1);
    wb_kvlist_add_string (info, WB_ATTR_COLUMNS, type->columns ? type->columns : "");
    s_owner_lister_t lister = { self, type, wb_kvlist_new (), from, count, 0, false };
    if (session->agent_id)
        wb_directory_visible_owners (self->directory, session->agent_id, session->place_id,
                                     type->owner_type, s_add_owner, &lister);
    else
        wb_directory_all_owners (self->directory, type->owner_type, s_add_owner, &lister);
    wb_kvlist_add_list (info, WB_ATTR_OWNERS, &lister.owners);
    wb_kvlist_add_int (info, WB_ATTR_NUMBER_OF_OWNERS, lister.seen);
    *failed = *failed || lister.failed;
    return info;
}

int
wb_engine_types_info (wb_request_t *request)
{
    wb_directory_t *directory = request->engine->directory;
    int64_t from = wb_kvlist_int_or (request->body, WB_ATTR_OWNERS_FROM, 0);
    int64_t count = wb_kvlist_int_or (request->body, WB_ATTR_OWNERS_COUNT, WB_OWNERS_PAGE_MAX);
    if (from < 0 || count < 1) {
        request->detail = from < 0 ? "OwnersFrom below 0" : "OwnersCount below 1";
        return WB_ERR_INVALID_PAGE;
    }
    count = count < WB_OWNERS_PAGE_MAX ? count : WB_OWNERS_PAGE_MAX;
    wb_msg_t *reply = wb_engine_reply_new (request, WB_ROW_EVENT_WORKBIN_TYPES_INFO);
    wb_kvlist_t *types = wb_kvlist_new ();
    bool failed = false;
    for (size_t index = 0; index < wb_directory_workbin_type_count (directory); index++) {
        wb_kvlist_t *info = s_type_info (request, wb_directory_workbin_type_at (directory, index),
                                         from, count, &failed);
        wb_kvlist_add_list (types, WB_ATTR_WORKBIN_TYPE_INFO, &info);
    }
    //  counts of 0 would pass for the truth: say the database failed
    if (failed) {
        wb_kvlist_destroy (&types);
        wb_msg_destroy (&reply);
        return WB_ERR_DATABASE;
    }
    wb_kvlist_add_list (wb_msg_body (reply), WB_ATTR_WORKBIN_TYPES, &types);
    wb_engine_reply (request, &reply);
    return 0;
}

//  Name the workbin in a reply or event, as requests name it.
static void
s_add_workbin_ids (wb_kvlist_t *body, const wb_target_t *target)
{
    wb_workbin_t workbin = { target->type->id, target->type->owner_type, NULL, target->owner_id };
    wb_workbin_add (&workbin, body);
}

//  Fill an EventWorkbinStatistic body with a workbin's count and range
//  (its version is the caller's); 0 or -1.
static int
s_statistic_body (wb_store_t *store, wb_workbin_ref_t ref, wb_kvlist_t *body)
{
    int64_t count = 0;
    char oldest [32], newest [32];
    if (wb_store_workbin_count (store, ref, &count)
    ||  wb_store_workbin_moved_range (store, ref, oldest, newest, sizeof (oldest)))
        return -1;
    wb_kvlist_add_int (body, WB_ATTR_NUMBER_OF_INTERACTIONS, count);
    if (*oldest)
        wb_kvlist_add_string (body, WB_ATTR_MIN_MOVED_TO_QUEUE_AT, oldest);
    if (*newest)
        wb_kvlist_add_string (body, WB_ATTR_MAX_MOVED_TO_QUEUE_AT, newest);
    return 0;
}

int
wb_engine_statistic (wb_request_t *request)
{
    wb_target_t target;
    int code = wb_engine_resolve_workbin (request, request->body, &target);
    if (code)
        return code;
    wb_store_t *store = request->engine->store;
    int64_t version = 0;
    wb_msg_t *reply = wb_engine_reply_new (request, WB_ROW_EVENT_WORKBIN_STATISTIC);
    wb_kvlist_t *body = wb_msg_body (reply);
    if (wb_store_workbin_version (store, wb_target_ref (&target), &version)
    ||  s_statistic_body (store, wb_target_ref (&target), body)) {
        wb_msg_destroy (&reply);
        wb_target_clear (&target);
        return WB_ERR_DATABASE;
    }
    wb_kvlist_add_int (body, WB_ATTR_WORKBIN_VERSION, version);
    s_add_workbin_ids (body, &target);
    wb_engine_reply (request, &reply);
    wb_target_clear (&target);
    return 0;
}

// ---------------------------------------------------------------- statistic notifications

int
wb_engine_statistic_notifications (wb_request_t *request)
{
    wb_sessions_watch_statistics (request->engine->sessions, request->session, true);
    wb_engine_reply_ack (request, NULL);
    return 0;
}

int
wb_engine_cancel_statistic_notifications (wb_request_t *request)
{
    if (wb_sessions_watch_statistics (request->engine->sessions, request->session, false))
        return WB_ERR_NOT_SUBSCRIBED;
    wb_engine_reply_ack (request, NULL);
    return 0;
}

//  One event for every watcher that may see the workbin, encoded once.
void
wb_engine_notify_statistic (wb_engine_t *self, const wb_workbin_type_t *type,
                            const char *owner_id, int64_t version)
{
    zlistx_t *watchers = wb_sessions_statistic_watchers (self->sessions);
    if (!type || zlistx_size (watchers) == 0)
        return;
    size_t count = 0;
    wb_session_t **recipients = wb_calloc (zlistx_size (watchers), sizeof (wb_session_t *));
    for (wb_session_t *session = zlistx_first (watchers); session; session = zlistx_next (watchers))
        if (wb_engine_session_access (self, session, type, owner_id) == 0)
            recipients [count++] = session;
    wb_msg_t *event = count ? wb_msg_new_row (WB_ROW_EVENT_WORKBIN_STATISTIC) : NULL;
    wb_workbin_ref_t ref = { type->id, owner_id };
    if (event && s_statistic_body (self->store, ref, wb_msg_body (event)) == 0) {
        wb_kvlist_add_int (wb_msg_body (event), WB_ATTR_WORKBIN_VERSION, version);
        wb_workbin_t workbin = { type->id, type->owner_type, NULL, owner_id };
        wb_workbin_add (&workbin, wb_msg_body (event));
        wb_engine_fan_out (self, recipients, count, &event);
    }
    wb_msg_destroy (&event);
    free (recipients);
}

//  Read From and Count of a content request: 0 or WB_ERR_INVALID_PAGE.
static int
s_page_window (wb_request_t *request, int64_t *from, int64_t *count)
{
    int64_t cap = request->engine->page_cap;
    *from = wb_kvlist_int_or (request->body, WB_ATTR_FROM, 0);
    *count = wb_kvlist_int_or (request->body, WB_ATTR_COUNT, cap);
    if (*from < 0 || *count < 1) {
        request->detail = *from < 0 ? "From below 0" : "Count below 1";
        return WB_ERR_INVALID_PAGE;
    }
    if (*count > cap)
        *count = cap;
    return 0;
}

//  The page's interactions as one run of their stored encodings, with the
//  workbin's total and version of the same snapshot: from the workbin's
//  image in the page cache if it holds the page as it is now (nothing
//  written since the image was known current, when the store alone writes
//  its data; else its version is the one the store reads now), else from
//  the store, then added to the image. (A request that reads the store
//  sees only committed changes: in a batch, s_run_handler commits it
//  first.) NULL if the store fails.
static wb_kvlist_run_t *
s_page_run (wb_engine_t *engine, const wb_target_t *target, int64_t from, int64_t count,
            int64_t *total, int64_t *version)
{
    wb_store_t *store = engine->store;
    wb_page_ref_t ref = { target->key, from, count };
    uint64_t writes = 0;
    bool counted = wb_store_own_writes (store, &writes) == 0;
    if (wb_page_cache_holds (engine->page_cache, ref)) {
        wb_kvlist_run_t *held = counted
            ? wb_page_cache_get_unwritten (engine->page_cache, ref, writes, version, total)
            : NULL;
        if (!held && wb_store_workbin_version (store, wb_target_ref (target), version))
            return NULL;
        if (!held)
            held = wb_page_cache_get (engine->page_cache, ref, *version,
                                      counted ? &writes : NULL, total);
        if (held)
            return held;
    }
    wb_kvlist_run_t *run = wb_kvlist_run_new (WB_ATTR_INTERACTIONS, WB_ATTR_INTERACTION);
    if (wb_store_workbin_content (store, wb_target_ref (target), from, count, run, total,
                                  version)) {
        wb_kvlist_run_destroy (&run);
        return NULL;
    }
    wb_page_cache_put (engine->page_cache, ref, *version, *total, counted ? &writes : NULL,
                       run);
    return run;
}

//  Reply with one page; its total and version are of the same snapshot,
//  so that the page and its version always agree. Where the page stands
//  comes before its interactions: a client reads it at a glance and asks
//  for the next page before it decodes this one (PROTOCOL.md, 9).
static int
s_send_page (wb_request_t *request, const wb_target_t *target, int64_t from, int64_t count)
{
    int64_t total = 0, version = 0;
    wb_kvlist_run_t *interactions = s_page_run (request->engine, target, from, count, &total,
                                                &version);
    if (!interactions)
        return WB_ERR_DATABASE;
    wb_msg_t *reply = wb_engine_reply_new (request, WB_ROW_EVENT_WORKBIN_CONTENT);
    wb_kvlist_t *body = wb_msg_body (reply);
    wb_kvlist_add_int (body, WB_ATTR_WORKBIN_VERSION, version);
    wb_kvlist_add_int (body, WB_ATTR_TOTAL_COUNT, total);
    wb_kvlist_add_int (body, WB_ATTR_FROM, from);
    wb_kvlist_add_run (body, &interactions);
    s_add_workbin_ids (body, target);
    wb_engine_reply (request, &reply);
    return 0;
}

int
wb_engine_content (wb_request_t *request)
{
    wb_target_t target;
    int code = wb_engine_resolve_workbin (request, request->body, &target);
    int64_t from = 0, count = 0;
    if (code == 0)
        code = s_page_window (request, &from, &count);
    if (code == 0)
        code = s_send_page (request, &target, from, count);
    wb_target_clear (&target);
    return code;
}

int
wb_engine_notifications (wb_request_t *request)
{
    wb_target_t target;
    int code = wb_engine_resolve_workbin (request, request->body, &target);
    if (code)
        return code;
    int64_t version = 0;
    bool notify = wb_kvlist_int_or (request->body, WB_ATTR_NOTIFY_PROPERTY_CHANGES, 0) != 0;
    if (wb_store_workbin_version (request->engine->store, wb_target_ref (&target), &version))
        code = WB_ERR_DATABASE;
    else {
        //  the other nodes' changes up to this version reach the workbin's
        //  subscribers here first: the new one gets only those after it
        wb_feed_watch (request->engine->feed, target.type->id, target.owner_id, version);
        if (wb_sessions_subscribe (request->engine->sessions, request->session, target.key,
                                   notify))
            code = WB_ERR_DATABASE_MANAGER;
    }
    if (code == 0) {
        wb_kvlist_t *extra = wb_kvlist_new ();
        wb_kvlist_add_int (extra, WB_ATTR_WORKBIN_VERSION, version);
        wb_engine_reply_ack (request, extra);
        wb_kvlist_destroy (&extra);
    }
    wb_target_clear (&target);
    return code;
}

int
wb_engine_cancel_notifications (wb_request_t *request)
{
    wb_target_t target;
    int code = wb_engine_resolve_workbin (request, request->body, &target);
    if (code)
        return code;
    if (wb_sessions_unsubscribe (request->engine->sessions, request->session, target.key)) {
        request->detail = wb_kvlist_string (request->body, WB_ATTR_WORKBIN_TYPE_ID);
        code = WB_ERR_NOT_SUBSCRIBED;
    }
    else
        wb_engine_reply_ack (request, NULL);
    wb_target_clear (&target);
    return code;
}
