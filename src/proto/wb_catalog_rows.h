/*  wb_catalog_rows: every message of the protocol, one row each, as an
    X-macro. This list is the one place a message is described:

        REQUEST (SYMBOL, vendor id, needs, reads, handler, reply, summary,
                 attribute, ...)
        EVENT (SYMBOL, vendor id, summary, attribute, ...)

    SYMBOL names the message: REQUEST (PING, ...) is WB_MSG_REQUEST_PING,
    EVENT (ACK, ...) is WB_MSG_EVENT_ACK, and each row is WB_ROW_REQUEST_PING
    or WB_ROW_EVENT_ACK in wb_catalog.h. needs (WB_NEEDS_...) says what a
    session must have done before the request; reads (WB_READS_...) whether
    its answer shows what the store holds; reply (EVENT_ACK...) is the
    event that answers it when it succeeds. handler names the server's
    function that handles the request: wb_catalog.c leaves it out, the
    server (wb_engine.c) expands it into its dispatch table, so a request
    without a handler does not build. Attributes are wb_attr_spec_t rows,
    written with the S, I, L, REQ (code) and OPT shorthands that wb_catalog.c
    defines before it expands the list ({ 0 }: none).

    Owner ids (WorkbinAgentId, WorkbinPlaceId, WorkbinGroupId,
    WorkbinPlaceGroupId) are optional here: which one a request needs depends
    on the workbin type's owner type, so the server checks them. Vendor
    message ids are the Platform SDK's; RequestPing and
    RequestGetPulledInteractions are ours (1000 up).
*/
#ifndef WB_CATALOG_ROWS_H_INCLUDED
#define WB_CATALOG_ROWS_H_INCLUDED

#include "wb_error.h"
#include "wb_protocol.h"

/* The four owner ids, as optional attributes. */
#define WB_CATALOG_OWNER_IDS \
    { WB_ATTR_WORKBIN_AGENT_ID, S, OPT }, { WB_ATTR_WORKBIN_PLACE_ID, S, OPT }, \
    { WB_ATTR_WORKBIN_GROUP_ID, S, OPT }, { WB_ATTR_WORKBIN_PLACE_GROUP_ID, S, OPT }

/* A workbin as a request names it: its type, then its owner. */
#define WB_CATALOG_WORKBIN_IDS \
    { WB_ATTR_WORKBIN_TYPE_ID, S, REQ (WB_ERR_WORKBIN_TYPE_NOT_SPECIFIED) }, WB_CATALOG_OWNER_IDS

#define WB_CATALOG_PROPERTY_CHANGES \
    { WB_ATTR_ADDED_PROPERTIES, L, OPT }, { WB_ATTR_CHANGED_PROPERTIES, L, OPT }, \
    { WB_ATTR_DELETED_PROPERTIES, L, OPT }

#define WB_CATALOG_ROWS(REQUEST, EVENT) \
    REQUEST (REGISTER_CLIENT, 100, WB_NEEDS_NOTHING, WB_READS_NOTHING, wb_engine_register, \
        EVENT_ACK, "register this connection as an agent application (2) or media server (3)", \
        { WB_ATTR_CLIENT_TYPE, I, REQ (WB_ERR_UNKNOWN_CLIENT_TYPE) }, \
        { WB_ATTR_CLIENT_NAME, S, OPT }) \
    REQUEST (UNREGISTER_CLIENT, 174, WB_NEEDS_REGISTERED, WB_READS_NOTHING, wb_engine_unregister, \
        EVENT_ACK, "end the session: log out, drop every subscription", \
        { 0 }) \
    REQUEST (AGENT_LOGIN, 135, WB_NEEDS_REGISTERED, WB_READS_NOTHING, wb_engine_login, \
        EVENT_ACK, "log an agent in at a place (default: the agent's own place)", \
        { WB_ATTR_TENANT_ID, I, REQ (WB_ERR_TENANT_NOT_SPECIFIED) }, \
        { WB_ATTR_AGENT_ID, S, REQ (WB_ERR_UNKNOWN_AGENT) }, \
        { WB_ATTR_PLACE_ID, S, OPT }, { WB_ATTR_MEDIA_LIST, L, OPT }, \
        { WB_ATTR_TAKE_OVER, I, OPT }) \
    REQUEST (AGENT_LOGOUT, 136, WB_NEEDS_REGISTERED, WB_READS_NOTHING, wb_engine_logout, \
        EVENT_ACK, "log the agent out; its subscriptions are dropped", \
        { WB_ATTR_REASON, L, OPT }) \
    REQUEST (WORKBIN_TYPES_INFO, 178, WB_NEEDS_WORKBIN_ACCESS, WB_READS_NOTHING, \
        wb_engine_types_info, EVENT_WORKBIN_TYPES_INFO, \
        "list the workbin types and owners this agent may see", \
        { WB_ATTR_TENANT_ID, I, OPT }, { WB_ATTR_OWNERS_FROM, I, OPT }, \
        { WB_ATTR_OWNERS_COUNT, I, OPT }) \
    EVENT (WORKBIN_TYPES_INFO, 179, "the workbin types, each with its owners", \
        { WB_ATTR_WORKBIN_TYPES, L, REQ (0) }) \
    REQUEST (WORKBIN_STATISTIC, 180, WB_NEEDS_WORKBIN_ACCESS, WB_READS_STORE, wb_engine_statistic, \
        EVENT_WORKBIN_STATISTIC, "count the interactions of one workbin", \
        WB_CATALOG_WORKBIN_IDS) \
    EVENT (WORKBIN_STATISTIC, 181, "the statistic of one workbin (live after RequestStatisticNotifications)", \
        { WB_ATTR_NUMBER_OF_INTERACTIONS, I, REQ (0) }, { WB_ATTR_WORKBIN_VERSION, I, REQ (0) }, \
        { WB_ATTR_MIN_MOVED_TO_QUEUE_AT, S, OPT }, { WB_ATTR_MAX_MOVED_TO_QUEUE_AT, S, OPT }, \
        { WB_ATTR_WORKBIN_TYPE_ID, S, OPT }, WB_CATALOG_OWNER_IDS, { WB_ATTR_EVENT_SEQUENCE, I, OPT }) \
    REQUEST (GET_WORKBIN_CONTENT, 113, WB_NEEDS_WORKBIN_ACCESS, WB_READS_STORE, wb_engine_content, \
        EVENT_WORKBIN_CONTENT, "fetch one page of a workbin's interactions", \
        WB_CATALOG_WORKBIN_IDS, { WB_ATTR_FROM, I, OPT }, { WB_ATTR_COUNT, I, OPT }) \
    EVENT (WORKBIN_CONTENT, 116, "one page of a workbin's interactions, at a version", \
        { WB_ATTR_WORKBIN_VERSION, I, REQ (0) }, { WB_ATTR_TOTAL_COUNT, I, REQ (0) }, \
        { WB_ATTR_FROM, I, REQ (0) }, { WB_ATTR_INTERACTIONS, L, REQ (0) }, \
        { WB_ATTR_WORKBIN_TYPE_ID, S, OPT }, WB_CATALOG_OWNER_IDS) \
    REQUEST (WORKBIN_NOTIFICATIONS, 114, WB_NEEDS_WORKBIN_ACCESS, WB_READS_STORE, \
        wb_engine_notifications, EVENT_ACK, "subscribe to every later change of a workbin", \
        WB_CATALOG_WORKBIN_IDS, { WB_ATTR_NOTIFY_PROPERTY_CHANGES, I, OPT }) \
    REQUEST (CANCEL_WORKBIN_NOTIFICATIONS, 115, WB_NEEDS_WORKBIN_ACCESS, WB_READS_NOTHING, \
        wb_engine_cancel_notifications, EVENT_ACK, "cancel a subscription", \
        WB_CATALOG_WORKBIN_IDS) \
    EVENT (WORKBIN_CONTENT_CHANGED, 117, "a subscribed workbin changed", \
        { WB_ATTR_WORKBIN_CONTENT_OPERATION, I, REQ (0) }, { WB_ATTR_OPERATION, I, REQ (0) }, \
        { WB_ATTR_WORKBIN_TYPE_ID, S, REQ (0) }, WB_CATALOG_OWNER_IDS, \
        { WB_ATTR_INTERACTION, L, REQ (0) }, { WB_ATTR_ACTOR, L, OPT }, \
        { WB_ATTR_WORKBIN_VERSION, I, REQ (0) }, { WB_ATTR_EVENT_SEQUENCE, I, REQ (0) }) \
    REQUEST (PLACE_IN_WORKBIN, 106, WB_NEEDS_WORKBIN_ACCESS, WB_READS_NOTHING, wb_engine_place, \
        EVENT_ACK, "move an interaction into a workbin", \
        { WB_ATTR_INTERACTION_ID, S, REQ (WB_ERR_INTERACTION_ID_NOT_SPECIFIED) }, \
        WB_CATALOG_WORKBIN_IDS, WB_CATALOG_PROPERTY_CHANGES) \
    REQUEST (PULL, 108, WB_NEEDS_WORKBIN_ACCESS, WB_READS_NOTHING, wb_engine_pull, \
        EVENT_PULLED_INTERACTIONS, "take an interaction out of a workbin to handle it", \
        { WB_ATTR_VIEW_ID, S, OPT }, \
        { WB_ATTR_PULL_PARAMETERS, L, REQ (WB_ERR_PULL_PARAMETERS_ABSENT) }, \
        { WB_ATTR_COUNT, I, OPT }) \
    EVENT (PULLED_INTERACTIONS, 109, "the interactions pulled, or being handled", \
        { WB_ATTR_INTERACTIONS, L, REQ (0) }, { WB_ATTR_TOTAL_COUNT, I, OPT }) \
    REQUEST (SUBMIT, 101, WB_NEEDS_WORKBIN_ACCESS, WB_READS_NOTHING, wb_engine_submit, \
        EVENT_ACK, "create an interaction in a workbin", \
        { WB_ATTR_MEDIA_TYPE, S, REQ (WB_ERR_MEDIA_TYPE_NOT_SPECIFIED) }, \
        { WB_ATTR_INTERACTION_TYPE, S, REQ (WB_ERR_INTERACTION_TYPE_NOT_SPECIFIED) }, \
        { WB_ATTR_INTERACTION_SUBTYPE, S, OPT }, { WB_ATTR_TENANT_ID, I, OPT }, \
        { WB_ATTR_QUEUE, S, OPT }, { WB_ATTR_WORKBIN_TYPE_ID, S, OPT }, WB_CATALOG_OWNER_IDS, \
        { WB_ATTR_USER_DATA, L, OPT }, { WB_ATTR_RECEIVED_AT, S, OPT }, \
        { WB_ATTR_SUBJECT, S, OPT }, { WB_ATTR_FROM_ADDRESS, S, OPT }, \
        { WB_ATTR_FROM_PERSONAL, S, OPT }, { WB_ATTR_PRIORITY, I, OPT }, \
        { WB_ATTR_IDEMPOTENCY_KEY, S, OPT }) \
    REQUEST (CHANGE_PROPERTIES, 103, WB_NEEDS_WORKBIN_ACCESS, WB_READS_NOTHING, \
        wb_engine_change_properties, EVENT_ACK, \
        "add, change or delete properties of an interaction", \
        { WB_ATTR_INTERACTION_ID, S, REQ (WB_ERR_INTERACTION_ID_NOT_SPECIFIED) }, \
        WB_CATALOG_PROPERTY_CHANGES) \
    EVENT (PROPERTIES_CHANGED, 104, "properties of an interaction this agent pulled have changed", \
        { WB_ATTR_INTERACTION_ID, S, REQ (0) }, WB_CATALOG_PROPERTY_CHANGES, \
        { WB_ATTR_EVENT_SEQUENCE, I, REQ (0) }) \
    REQUEST (STOP_PROCESSING, 102, WB_NEEDS_WORKBIN_ACCESS, WB_READS_NOTHING, wb_engine_stop, \
        EVENT_ACK, "finish an interaction: it leaves its workbin for good", \
        { WB_ATTR_INTERACTION_ID, S, REQ (WB_ERR_INTERACTION_ID_NOT_SPECIFIED) }, \
        { WB_ATTR_REASON, L, OPT }) \
    EVENT (ACK, 125, "the request succeeded", \
        { WB_ATTR_INTERACTION_ID, S, OPT }, { WB_ATTR_WORKBIN_VERSION, I, OPT }) \
    EVENT (ERROR, 126, "the request failed, or the session has a problem", \
        { WB_ATTR_ERROR_CODE, I, REQ (0) }, { WB_ATTR_ERROR_DESCRIPTION, S, REQ (0) }) \
    REQUEST (PING, 1000, WB_NEEDS_REGISTERED, WB_READS_NOTHING, wb_engine_ping, \
        EVENT_ACK, "keep-alive: proves the session is live (EventError 1 if the server does not know it)", \
        { 0 }) \
    REQUEST (GET_PULLED_INTERACTIONS, 1001, WB_NEEDS_WORKBIN_ACCESS, WB_READS_STORE, \
        wb_engine_pulled_list, EVENT_PULLED_INTERACTIONS, \
        "list the interactions this client is handling (pulled, in no workbin)", \
        { 0 }) \
    REQUEST (STATISTIC_NOTIFICATIONS, 1002, WB_NEEDS_WORKBIN_ACCESS, WB_READS_NOTHING, \
        wb_engine_statistic_notifications, EVENT_ACK, \
        "be sent the statistic of every workbin you may see after each change of its content", \
        { 0 }) \
    REQUEST (CANCEL_STATISTIC_NOTIFICATIONS, 1003, WB_NEEDS_WORKBIN_ACCESS, WB_READS_NOTHING, \
        wb_engine_cancel_statistic_notifications, EVENT_ACK, "stop the statistic notifications", \
        { 0 })

#endif
