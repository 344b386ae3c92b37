/*  wb_catalog: the message catalogue. See wb_catalog.h.

    Vendor message ids are the Platform SDK's; RequestPing is ours (1000 up).
    Owner ids (WorkbinAgentId, WorkbinPlaceId, WorkbinGroupId,
    WorkbinPlaceGroupId) are optional here: which one a request needs depends
    on the workbin type's owner type, so the server checks them.
*/
#include <string.h>
#include "wb_catalog.h"
#include "wb_error.h"

#define S WB_TYPE_STRING
#define I WB_TYPE_INT
#define L WB_TYPE_LIST
#define REQ(code) true, code
#define OPT false, 0

/* The four owner ids, as optional attributes. */
#define OWNER_IDS \
    { "WorkbinAgentId", S, OPT }, { "WorkbinPlaceId", S, OPT }, \
    { "WorkbinGroupId", S, OPT }, { "WorkbinPlaceGroupId", S, OPT }

#define WORKBIN_IDS { "WorkbinTypeId", S, REQ (WB_ERR_WORKBIN_TYPE_NOT_SPECIFIED) }, OWNER_IDS

#define PROPERTY_CHANGES \
    { "AddedProperties", L, OPT }, { "ChangedProperties", L, OPT }, \
    { "DeletedProperties", L, OPT }

static const wb_message_spec_t s_messages [] = {
    { "RequestRegisterClient", 100, WB_KIND_REQUEST, { "EventAck" },
      { { "ClientType", I, REQ (WB_ERR_UNKNOWN_CLIENT_TYPE) }, { "ClientName", S, OPT } },
      "register this connection as an agent application (2) or media server (3)" },
    { "RequestUnregisterClient", 174, WB_KIND_REQUEST, { "EventAck" },
      { { 0 } },
      "end the session: log out, drop every subscription" },
    { "RequestAgentLogin", 135, WB_KIND_REQUEST, { "EventAck" },
      { { "TenantId", I, REQ (WB_ERR_TENANT_NOT_SPECIFIED) },
        { "AgentId", S, REQ (WB_ERR_UNKNOWN_AGENT) },
        { "PlaceId", S, OPT }, { "MediaList", L, OPT } },
      "log an agent in at a place (default: the agent's own place)" },
    { "RequestAgentLogout", 136, WB_KIND_REQUEST, { "EventAck" },
      { { "Reason", L, OPT } },
      "log the agent out; its subscriptions are dropped" },
    { "RequestWorkbinTypesInfo", 178, WB_KIND_REQUEST, { "EventWorkbinTypesInfo" },
      { { "TenantId", I, OPT } },
      "list the workbin types and owners this agent may see" },
    { "EventWorkbinTypesInfo", 179, WB_KIND_EVENT, { NULL },
      { { "WorkbinTypes", L, REQ (0) } },
      "the workbin types, each with its owners" },
    { "RequestWorkbinStatistic", 180, WB_KIND_REQUEST, { "EventWorkbinStatistic" },
      { WORKBIN_IDS },
      "count the interactions of one workbin" },
    { "EventWorkbinStatistic", 181, WB_KIND_EVENT, { NULL },
      { { "NumberOfInteractions", I, REQ (0) }, { "WorkbinVersion", I, REQ (0) },
        { "MinMovedToQueueAt", S, OPT }, { "MaxMovedToQueueAt", S, OPT } },
      "the statistic of one workbin" },
    { "RequestGetWorkbinContent", 113, WB_KIND_REQUEST, { "EventWorkbinContent" },
      { WORKBIN_IDS, { "From", I, OPT }, { "Count", I, OPT } },
      "fetch one page of a workbin's interactions" },
    { "EventWorkbinContent", 116, WB_KIND_EVENT, { NULL },
      { { "Interactions", L, REQ (0) }, { "WorkbinVersion", I, REQ (0) },
        { "TotalCount", I, REQ (0) }, { "From", I, REQ (0) },
        { "WorkbinTypeId", S, OPT }, OWNER_IDS },
      "one page of a workbin's interactions, at a version" },
    { "RequestWorkbinNotifications", 114, WB_KIND_REQUEST, { "EventAck" },
      { WORKBIN_IDS, { "NotifyPropertyChanges", I, OPT } },
      "subscribe to every later change of a workbin" },
    { "RequestCancelWorkbinNotifications", 115, WB_KIND_REQUEST, { "EventAck" },
      { WORKBIN_IDS },
      "cancel a subscription" },
    { "EventWorkbinContentChanged", 117, WB_KIND_EVENT, { NULL },
      { { "WorkbinContentOperation", I, REQ (0) }, { "Operation", I, REQ (0) },
        { "WorkbinTypeId", S, REQ (0) }, OWNER_IDS,
        { "Interaction", L, REQ (0) }, { "Actor", L, OPT },
        { "WorkbinVersion", I, REQ (0) }, { "EventSequence", I, REQ (0) } },
      "a subscribed workbin changed" },
    { "RequestPlaceInWorkbin", 106, WB_KIND_REQUEST, { "EventAck" },
      { { "InteractionId", S, REQ (WB_ERR_INTERACTION_ID_NOT_SPECIFIED) },
        WORKBIN_IDS, PROPERTY_CHANGES },
      "move an interaction into a workbin" },
    { "RequestPull", 108, WB_KIND_REQUEST, { "EventPulledInteractions" },
      { { "ViewId", S, OPT },
        { "PullParameters", L, REQ (WB_ERR_PULL_PARAMETERS_ABSENT) },
        { "Count", I, OPT } },
      "take an interaction out of a workbin to handle it" },
    { "EventPulledInteractions", 109, WB_KIND_EVENT, { NULL },
      { { "Interactions", L, REQ (0) } },
      "the interactions pulled" },
    { "RequestSubmit", 101, WB_KIND_REQUEST, { "EventAck" },
      { { "MediaType", S, REQ (WB_ERR_MEDIA_TYPE_NOT_SPECIFIED) },
        { "InteractionType", S, REQ (WB_ERR_INTERACTION_TYPE_NOT_SPECIFIED) },
        { "InteractionSubtype", S, OPT }, { "TenantId", I, OPT },
        { "Queue", S, OPT }, { "WorkbinTypeId", S, OPT }, OWNER_IDS,
        { "UserData", L, OPT }, { "ReceivedAt", S, OPT },
        { "Subject", S, OPT }, { "FromAddress", S, OPT },
        { "FromPersonal", S, OPT }, { "Priority", I, OPT } },
      "create an interaction in a workbin" },
    { "RequestChangeProperties", 103, WB_KIND_REQUEST, { "EventAck" },
      { { "InteractionId", S, REQ (WB_ERR_INTERACTION_ID_NOT_SPECIFIED) },
        PROPERTY_CHANGES },
      "add, change or delete properties of an interaction" },
    { "EventPropertiesChanged", 104, WB_KIND_EVENT, { NULL },
      { { "InteractionId", S, REQ (0) }, PROPERTY_CHANGES,
        { "EventSequence", I, REQ (0) } },
      "properties of an interaction this agent pulled have changed" },
    { "RequestStopProcessing", 102, WB_KIND_REQUEST, { "EventAck" },
      { { "InteractionId", S, REQ (WB_ERR_INTERACTION_ID_NOT_SPECIFIED) },
        { "Reason", L, OPT } },
      "finish an interaction: it leaves its workbin for good" },
    { "EventAck", 125, WB_KIND_EVENT, { NULL },
      { { "InteractionId", S, OPT }, { "WorkbinVersion", I, OPT } },
      "the request succeeded" },
    { "EventError", 126, WB_KIND_EVENT, { NULL },
      { { "ErrorCode", I, REQ (0) }, { "ErrorDescription", S, REQ (0) } },
      "the request failed, or the session has a problem" },
    { "RequestPing", 1000, WB_KIND_REQUEST, { "EventAck" },
      { { 0 } },
      "keep-alive: proves the session is live" },
};

#define MESSAGE_COUNT (sizeof (s_messages) / sizeof (s_messages [0]))

const wb_message_spec_t *
wb_catalog_by_name (const char *name)
{
    if (!name)
        return NULL;
    for (size_t index = 0; index < MESSAGE_COUNT; index++)
        if (strcmp (s_messages [index].name, name) == 0)
            return &s_messages [index];
    return NULL;
}

const wb_message_spec_t *
wb_catalog_by_id (int id)
{
    for (size_t index = 0; index < MESSAGE_COUNT; index++)
        if (s_messages [index].id == id)
            return &s_messages [index];
    return NULL;
}

size_t
wb_catalog_size (void)
{
    return MESSAGE_COUNT;
}

const wb_message_spec_t *
wb_catalog_at (size_t index)
{
    return index < MESSAGE_COUNT ? &s_messages [index] : NULL;
}

int
wb_catalog_validate (const wb_message_spec_t *spec, const wb_kvlist_t *body,
                     const char **attr)
{
    if (!spec || !body)
        return WB_ERR_INVALID_MESSAGE;
    for (size_t index = 0; index < WB_ATTRS_MAX && spec->attrs [index].name; index++) {
        const wb_attr_spec_t *attr_spec = &spec->attrs [index];
        wb_type_t type = wb_kvlist_type (body, attr_spec->name);
        int code = 0;
        if (type == 0 && attr_spec->required)
            code = attr_spec->missing_error ? attr_spec->missing_error
                                            : WB_ERR_INVALID_MESSAGE;
        else
        if (type != 0 && type != attr_spec->type)
            code = WB_ERR_INVALID_MESSAGE;
        if (code) {
            if (attr)
                *attr = attr_spec->name;
            return code;
        }
    }
    return 0;
}
