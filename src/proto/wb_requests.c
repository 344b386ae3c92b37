/*  wb_requests: one builder per request. See wb_requests.h.

    Each builder chains its additions with ||: the first that fails (a
    missing required value, a codec limit) makes the whole request fail.
*/
#include "wb_requests.h"

//  Append a string if there is one; 0 or -1.
static int
s_string (wb_kvlist_t *body, const char *key, const char *value)
{
    return value ? wb_kvlist_add_string (body, key, value) : 0;
}

//  Append an int unless it is WB_ABSENT; 0 or -1.
static int
s_int (wb_kvlist_t *body, const char *key, int64_t value)
{
    return value != WB_ABSENT ? wb_kvlist_add_int (body, key, value) : 0;
}

//  Append a copy of a list unless it is NULL or empty; 0 or -1.
static int
s_list (wb_kvlist_t *body, const char *key, const wb_kvlist_t *list)
{
    if (wb_kvlist_size (list) == 0)
        return 0;
    wb_kvlist_t *copy = wb_kvlist_dup (list);
    return copy ? wb_kvlist_add_list (body, key, &copy) : -1;
}

//  Append the three property-change lists of changes, if any; 0 or -1.
static int
s_changes (wb_kvlist_t *body, const wb_property_changes_t *changes)
{
    return changes
        && (s_list (body, WB_ATTR_ADDED_PROPERTIES, changes->added)
        ||  s_list (body, WB_ATTR_CHANGED_PROPERTIES, changes->changed)
        ||  s_list (body, WB_ATTR_DELETED_PROPERTIES, changes->deleted));
}

//  The request, or NULL (destroying it) if building it failed.
static wb_msg_t *
s_checked (wb_msg_t *request, int rc)
{
    if (rc)
        wb_msg_destroy (&request);
    return request;
}

//  A request of one row whose body is only a workbin, and the body, or
//  NULL if the workbin cannot be named.
static wb_msg_t *
s_workbin_request (wb_catalog_row_t row, const wb_workbin_t *workbin, wb_kvlist_t **body)
{
    wb_msg_t *request = wb_msg_new_row (row);
    *body = wb_msg_body (request);
    return s_checked (request, !request || wb_workbin_add (workbin, *body));
}

// ---------------------------------------------------------------- sessions

wb_msg_t *
wb_request_register_client (wb_client_type_t client_type, const char *client_name)
{
    wb_msg_t *request = wb_msg_new_row (WB_ROW_REQUEST_REGISTER_CLIENT);
    wb_kvlist_t *body = wb_msg_body (request);
    return s_checked (request, !request
                      || wb_kvlist_add_int (body, WB_ATTR_CLIENT_TYPE, client_type)
                      || s_string (body, WB_ATTR_CLIENT_NAME, client_name));
}

wb_msg_t *
wb_request_unregister_client (void)
{
    return wb_msg_new_row (WB_ROW_REQUEST_UNREGISTER_CLIENT);
}

wb_msg_t *
wb_request_agent_login (int64_t tenant_id, const char *agent_id, const char *place_id)
{
    wb_msg_t *request = wb_msg_new_row (WB_ROW_REQUEST_AGENT_LOGIN);
    wb_kvlist_t *body = wb_msg_body (request);
    return s_checked (request, !request || !agent_id || tenant_id == WB_ABSENT
                      || wb_kvlist_add_int (body, WB_ATTR_TENANT_ID, tenant_id)
                      || wb_kvlist_add_string (body, WB_ATTR_AGENT_ID, agent_id)
                      || s_string (body, WB_ATTR_PLACE_ID, place_id));
}

int
wb_request_set_take_over (wb_msg_t *login)
{
    if (!login || !wb_msg_is (login, WB_ROW_REQUEST_AGENT_LOGIN))
        return -1;
    return wb_kvlist_add_int (wb_msg_body (login), WB_ATTR_TAKE_OVER, 1);
}

wb_msg_t *
wb_request_agent_logout (void)
{
    return wb_msg_new_row (WB_ROW_REQUEST_AGENT_LOGOUT);
}

wb_msg_t *
wb_request_ping (void)
{
    return wb_msg_new_row (WB_ROW_REQUEST_PING);
}

wb_msg_t *
wb_request_workbin_types_info (int64_t tenant_id)
{
    wb_msg_t *request = wb_msg_new_row (WB_ROW_REQUEST_WORKBIN_TYPES_INFO);
    return s_checked (request, !request
                      || s_int (wb_msg_body (request), WB_ATTR_TENANT_ID, tenant_id));
}

// ---------------------------------------------------------------- workbins

wb_msg_t *
wb_request_workbin_statistic (const wb_workbin_t *workbin)
{
    wb_kvlist_t *body;
    return s_workbin_request (WB_ROW_REQUEST_WORKBIN_STATISTIC, workbin, &body);
}

wb_msg_t *
wb_request_get_workbin_content (const wb_workbin_t *workbin, int64_t from, int64_t count)
{
    wb_kvlist_t *body;
    wb_msg_t *request = s_workbin_request (WB_ROW_REQUEST_GET_WORKBIN_CONTENT, workbin, &body);
    return s_checked (request, request
                      && (s_int (body, WB_ATTR_FROM, from) || s_int (body, WB_ATTR_COUNT, count)));
}

wb_msg_t *
wb_request_workbin_notifications (const wb_workbin_t *workbin, bool notify_property_changes)
{
    wb_kvlist_t *body;
    wb_msg_t *request = s_workbin_request (WB_ROW_REQUEST_WORKBIN_NOTIFICATIONS, workbin, &body);
    return s_checked (request, request && wb_kvlist_add_int (body, WB_ATTR_NOTIFY_PROPERTY_CHANGES,
                                                             notify_property_changes ? 1 : 0));
}

wb_msg_t *
wb_request_cancel_workbin_notifications (const wb_workbin_t *workbin)
{
    wb_kvlist_t *body;
    return s_workbin_request (WB_ROW_REQUEST_CANCEL_WORKBIN_NOTIFICATIONS, workbin, &body);
}

// ---------------------------------------------------------------- interactions

//  The interaction's own attributes of a submission; 0 or -1.
static int
s_submitted (wb_kvlist_t *body, const wb_submission_t *submission)
{
    return !submission->media_type || !submission->interaction_type
        || wb_kvlist_add_string (body, WB_ATTR_MEDIA_TYPE, submission->media_type)
        || wb_kvlist_add_string (body, WB_ATTR_INTERACTION_TYPE, submission->interaction_type)
        || s_string (body, WB_ATTR_INTERACTION_SUBTYPE, submission->interaction_subtype)
        || s_string (body, WB_ATTR_SUBJECT, submission->subject)
        || s_string (body, WB_ATTR_FROM_ADDRESS, submission->from_address)
        || s_string (body, WB_ATTR_FROM_PERSONAL, submission->from_personal)
        || s_string (body, WB_ATTR_MAILBOX, submission->mailbox)
        || s_string (body, WB_ATTR_RECEIVED_AT, submission->received_at)
        || (submission->has_priority
            && wb_kvlist_add_int (body, WB_ATTR_PRIORITY, submission->priority))
        || (submission->has_tenant_id
            && wb_kvlist_add_int (body, WB_ATTR_TENANT_ID, submission->tenant_id))
        || s_list (body, WB_ATTR_USER_DATA, submission->user_data)
        || s_string (body, WB_ATTR_IDEMPOTENCY_KEY, submission->idempotency_key);
}

wb_msg_t *
wb_request_submit (const wb_submission_t *submission)
{
    wb_kvlist_t *body;
    wb_msg_t *request = submission
                      ? s_workbin_request (WB_ROW_REQUEST_SUBMIT, &submission->workbin, &body)
                      : NULL;
    return s_checked (request, request && s_submitted (body, submission));
}

//  A request about one interaction, InteractionId first; NULL without one.
static wb_msg_t *
s_interaction_request (wb_catalog_row_t row, const char *interaction_id)
{
    wb_msg_t *request = wb_msg_new_row (row);
    return s_checked (request, !request || !interaction_id
                      || wb_kvlist_add_string (wb_msg_body (request), WB_ATTR_INTERACTION_ID,
                                               interaction_id));
}

wb_msg_t *
wb_request_place_in_workbin (const char *interaction_id, const wb_workbin_t *workbin,
                             const wb_property_changes_t *changes)
{
    wb_msg_t *request = s_interaction_request (WB_ROW_REQUEST_PLACE_IN_WORKBIN, interaction_id);
    wb_kvlist_t *body = wb_msg_body (request);
    return s_checked (request, request
                      && (wb_workbin_add (workbin, body) || s_changes (body, changes)));
}

wb_msg_t *
wb_request_pull (const char *interaction_id)
{
    wb_msg_t *request = wb_msg_new_row (WB_ROW_REQUEST_PULL);
    wb_kvlist_t *parameters = wb_kvlist_new ();
    int rc = !request || !interaction_id
          || wb_kvlist_add_string (parameters, WB_ATTR_INTERACTION_ID, interaction_id)
          || wb_kvlist_add_list (wb_msg_body (request), WB_ATTR_PULL_PARAMETERS, &parameters);
    wb_kvlist_destroy (&parameters);
    return s_checked (request, rc);
}

wb_msg_t *
wb_request_get_pulled_interactions (void)
{
    return wb_msg_new_row (WB_ROW_REQUEST_GET_PULLED_INTERACTIONS);
}

wb_msg_t *
wb_request_statistic_notifications (bool on)
{
    return wb_msg_new_row (on ? WB_ROW_REQUEST_STATISTIC_NOTIFICATIONS
                              : WB_ROW_REQUEST_CANCEL_STATISTIC_NOTIFICATIONS);
}

wb_msg_t *
wb_request_change_properties (const char *interaction_id, const wb_property_changes_t *changes)
{
    wb_msg_t *request = s_interaction_request (WB_ROW_REQUEST_CHANGE_PROPERTIES, interaction_id);
    return s_checked (request, request && s_changes (wb_msg_body (request), changes));
}

wb_msg_t *
wb_request_stop_processing (const char *interaction_id)
{
    return s_interaction_request (WB_ROW_REQUEST_STOP_PROCESSING, interaction_id);
}
