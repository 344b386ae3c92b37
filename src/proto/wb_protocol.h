/*  wb_protocol: the protocol's words, written once, for both sides.

    Message names, attribute names, and the numbers that mean something on
    the wire (client types, content operations, operations, interaction
    states, owner types), with the defaults every client shares. Both the
    server and the clients include this header instead of spelling a word
    again: a typo is then a compile error, not a silent NULL.

    The names are macros so that tables (the message catalogue) can use them
    in static initialisers. doc/PROTOCOL.md explains each one.
*/
#ifndef WB_PROTOCOL_H_INCLUDED
#define WB_PROTOCOL_H_INCLUDED

// ---------------------------------------------------------------- messages

#define WB_MSG_REQUEST_REGISTER_CLIENT "RequestRegisterClient"
#define WB_MSG_REQUEST_UNREGISTER_CLIENT "RequestUnregisterClient"
#define WB_MSG_REQUEST_AGENT_LOGIN "RequestAgentLogin"
#define WB_MSG_REQUEST_AGENT_LOGOUT "RequestAgentLogout"
#define WB_MSG_REQUEST_WORKBIN_TYPES_INFO "RequestWorkbinTypesInfo"
#define WB_MSG_EVENT_WORKBIN_TYPES_INFO "EventWorkbinTypesInfo"
#define WB_MSG_REQUEST_WORKBIN_STATISTIC "RequestWorkbinStatistic"
#define WB_MSG_EVENT_WORKBIN_STATISTIC "EventWorkbinStatistic"
#define WB_MSG_REQUEST_GET_WORKBIN_CONTENT "RequestGetWorkbinContent"
#define WB_MSG_EVENT_WORKBIN_CONTENT "EventWorkbinContent"
#define WB_MSG_REQUEST_WORKBIN_NOTIFICATIONS "RequestWorkbinNotifications"
#define WB_MSG_REQUEST_CANCEL_WORKBIN_NOTIFICATIONS "RequestCancelWorkbinNotifications"
#define WB_MSG_EVENT_WORKBIN_CONTENT_CHANGED "EventWorkbinContentChanged"
#define WB_MSG_REQUEST_PLACE_IN_WORKBIN "RequestPlaceInWorkbin"
#define WB_MSG_REQUEST_PULL "RequestPull"
#define WB_MSG_EVENT_PULLED_INTERACTIONS "EventPulledInteractions"
#define WB_MSG_REQUEST_SUBMIT "RequestSubmit"
#define WB_MSG_REQUEST_CHANGE_PROPERTIES "RequestChangeProperties"
#define WB_MSG_EVENT_PROPERTIES_CHANGED "EventPropertiesChanged"
#define WB_MSG_REQUEST_STOP_PROCESSING "RequestStopProcessing"
#define WB_MSG_REQUEST_PING "RequestPing"
#define WB_MSG_REQUEST_GET_PULLED_INTERACTIONS "RequestGetPulledInteractions"
#define WB_MSG_REQUEST_STATISTIC_NOTIFICATIONS "RequestStatisticNotifications"
#define WB_MSG_REQUEST_CANCEL_STATISTIC_NOTIFICATIONS "RequestCancelStatisticNotifications"
#define WB_MSG_EVENT_ACK "EventAck"
#define WB_MSG_EVENT_ERROR "EventError"

// ---------------------------------------------------------------- attributes

/* Every message */
#define WB_ATTR_REFERENCE_ID "ReferenceId"

/* Sessions */
#define WB_ATTR_CLIENT_TYPE "ClientType"
#define WB_ATTR_CLIENT_NAME "ClientName"
#define WB_ATTR_TENANT_ID "TenantId"
#define WB_ATTR_AGENT_ID "AgentId"
#define WB_ATTR_PLACE_ID "PlaceId"
#define WB_ATTR_MEDIA_LIST "MediaList"
#define WB_ATTR_REASON "Reason"
#define WB_ATTR_TAKE_OVER "TakeOver"

/* Workbins and their owners */
#define WB_ATTR_WORKBIN_TYPE_ID "WorkbinTypeId"
#define WB_ATTR_WORKBIN_AGENT_ID "WorkbinAgentId"
#define WB_ATTR_WORKBIN_PLACE_ID "WorkbinPlaceId"
#define WB_ATTR_WORKBIN_GROUP_ID "WorkbinGroupId"
#define WB_ATTR_WORKBIN_PLACE_GROUP_ID "WorkbinPlaceGroupId"
#define WB_ATTR_WORKBIN_VERSION "WorkbinVersion"
#define WB_ATTR_WORKBIN_TYPES "WorkbinTypes"

/* The entries of WorkbinTypes (EventWorkbinTypesInfo): one WorkbinTypeInfo
   list per type, with its Owners, one Owner list each. */
#define WB_ATTR_WORKBIN_TYPE_INFO "WorkbinTypeInfo"
#define WB_ATTR_DISPLAY_NAME "DisplayName"
#define WB_ATTR_WORKBIN_TYPE "WorkbinType"
#define WB_ATTR_VIEW "View"
#define WB_ATTR_ACTIVE "Active"
#define WB_ATTR_COLUMNS "Columns"
#define WB_ATTR_OWNERS "Owners"
#define WB_ATTR_OWNER "Owner"
#define WB_ATTR_OWNER_ID "OwnerId"
#define WB_ATTR_OWNER_NAME "OwnerName"
#define WB_ATTR_RELATION "Relation"
/* Owners are paged per type: OwnersFrom (0) and OwnersCount (at most
   WB_OWNERS_PAGE_MAX, the default) ask; NumberOfOwners tells all there are. */
#define WB_ATTR_OWNERS_FROM "OwnersFrom"
#define WB_ATTR_OWNERS_COUNT "OwnersCount"
#define WB_ATTR_NUMBER_OF_OWNERS "NumberOfOwners"
#define WB_OWNERS_PAGE_MAX 10000

/* Content, statistics and changes */
#define WB_ATTR_FROM "From"
#define WB_ATTR_COUNT "Count"
#define WB_ATTR_INTERACTIONS "Interactions"
#define WB_ATTR_TOTAL_COUNT "TotalCount"
#define WB_ATTR_INTERACTION "Interaction"
#define WB_ATTR_NUMBER_OF_INTERACTIONS "NumberOfInteractions"
#define WB_ATTR_MIN_MOVED_TO_QUEUE_AT "MinMovedToQueueAt"
#define WB_ATTR_MAX_MOVED_TO_QUEUE_AT "MaxMovedToQueueAt"
#define WB_ATTR_NOTIFY_PROPERTY_CHANGES "NotifyPropertyChanges"
#define WB_ATTR_WORKBIN_CONTENT_OPERATION "WorkbinContentOperation"
#define WB_ATTR_OPERATION "Operation"
#define WB_ATTR_ACTOR "Actor"
#define WB_ATTR_EVENT_SEQUENCE "EventSequence"
#define WB_ATTR_ADDED_PROPERTIES "AddedProperties"
#define WB_ATTR_CHANGED_PROPERTIES "ChangedProperties"
#define WB_ATTR_DELETED_PROPERTIES "DeletedProperties"
#define WB_ATTR_PULL_PARAMETERS "PullParameters"  /* holds InteractionId */
#define WB_ATTR_VIEW_ID "ViewId"
/* Actor (EventWorkbinContentChanged) holds AgentId: the agent, or the
   ClientName of a media server. */

/* Errors */
#define WB_ATTR_ERROR_CODE "ErrorCode"
#define WB_ATTR_ERROR_DESCRIPTION "ErrorDescription"

/* An interaction's properties (PROTOCOL.md section 11) */
#define WB_ATTR_INTERACTION_ID "InteractionId"
#define WB_ATTR_MEDIA_TYPE "MediaType"
#define WB_ATTR_INTERACTION_TYPE "InteractionType"
#define WB_ATTR_INTERACTION_SUBTYPE "InteractionSubtype"
#define WB_ATTR_INTERACTION_STATE "InteractionState"
#define WB_ATTR_QUEUE "Queue"
#define WB_ATTR_WORKBIN "Workbin"
#define WB_ATTR_SUBMITTED_BY "SubmittedBy"
#define WB_ATTR_PRIORITY "Priority"
#define WB_ATTR_RECEIVED_AT "ReceivedAt"
/* RequestSubmit's optional key: a retry with the same key (from the same
   submitter) gets the first submit's EventAck instead of a second
   interaction. 1 to WB_IDEMPOTENCY_KEY_MAX printable ASCII characters. */
#define WB_ATTR_IDEMPOTENCY_KEY "IdempotencyKey"
#define WB_IDEMPOTENCY_KEY_MAX 128
#define WB_ATTR_SUBMITTED_AT "SubmittedAt"
#define WB_ATTR_PLACED_IN_QUEUE_AT "PlacedInQueueAt"
#define WB_ATTR_MOVED_TO_QUEUE_AT "MovedToQueueAt"
#define WB_ATTR_ASSIGNED_TO "AssignedTo"
#define WB_ATTR_SUBJECT "Subject"
#define WB_ATTR_FROM_ADDRESS "FromAddress"
#define WB_ATTR_FROM_PERSONAL "FromPersonal"
#define WB_ATTR_MAILBOX "Mailbox"
#define WB_ATTR_USER_DATA "UserData"

/* The properties only the server sets (PROTOCOL.md 11, read-only yes):
   RequestChangeProperties and RequestPlaceInWorkbin get EventError 66 for
   them, and wbctl refuses them at submit. For static initialisers. */
#define WB_SERVER_PROPERTIES \
    WB_ATTR_INTERACTION_ID, WB_ATTR_TENANT_ID, WB_ATTR_INTERACTION_STATE, WB_ATTR_QUEUE, \
    WB_ATTR_WORKBIN, WB_ATTR_WORKBIN_AGENT_ID, WB_ATTR_WORKBIN_PLACE_ID, \
    WB_ATTR_WORKBIN_GROUP_ID, WB_ATTR_WORKBIN_PLACE_GROUP_ID, WB_ATTR_SUBMITTED_AT, \
    WB_ATTR_PLACED_IN_QUEUE_AT, WB_ATTR_MOVED_TO_QUEUE_AT, WB_ATTR_ASSIGNED_TO, \
    WB_ATTR_SUBMITTED_BY

/* The properties RequestSubmit gives the new interaction (PROTOCOL.md
   5.15), UserData aside: a string each, Priority an int. */
#define WB_SUBMIT_PROPERTIES \
    WB_ATTR_MEDIA_TYPE, WB_ATTR_INTERACTION_TYPE, WB_ATTR_INTERACTION_SUBTYPE, \
    WB_ATTR_SUBJECT, WB_ATTR_FROM_ADDRESS, WB_ATTR_FROM_PERSONAL, WB_ATTR_MAILBOX, \
    WB_ATTR_PRIORITY, WB_ATTR_RECEIVED_AT

// ---------------------------------------------------------------- values

/* Relation of an Owner entry: why the client sees that workbin. */
#define WB_RELATION_TEXT_NONE "none"
#define WB_RELATION_TEXT_OWN "own"
#define WB_RELATION_TEXT_PLACE "place"
#define WB_RELATION_TEXT_PLACE_GROUP "placegroup"
#define WB_RELATION_TEXT_GROUP "group"
#define WB_RELATION_TEXT_TEAM "team"

/* Queue of an interaction in a workbin, and View of a workbin type: the
   type's id followed by these. */
#define WB_PRIVATE_QUEUE_SUFFIX "/PrivateQueue"
#define WB_PRIVATE_VIEW_SUFFIX "/PrivateView"

// ---------------------------------------------------------------- numbers

/* ClientType of RequestRegisterClient. */
typedef enum {
    WB_CLIENT_AGENT_APPLICATION = 2,
    WB_CLIENT_MEDIA_SERVER = 3,
} wb_client_type_t;

/* WorkbinContentOperation of EventWorkbinContentChanged: what happened to
   the interaction in this workbin. */
typedef enum {
    WB_CONTENT_TAKEN_OUT = 1,
    WB_CONTENT_PLACED_IN = 2,
    WB_CONTENT_PROPERTIES_CHANGED = 3,
} wb_content_operation_t;

/* Operation of EventWorkbinContentChanged: the request that caused it. */
typedef enum {
    WB_OPERATION_UNKNOWN = 0,          /* property changes */
    WB_OPERATION_PULL = 5,
    WB_OPERATION_CREATE = 6,
    WB_OPERATION_STOP = 10,
    WB_OPERATION_PLACE_IN_WORKBIN = 11,
    WB_OPERATION_PLACE_IN_QUEUE = 12,  /* the vendor's; never sent: no queues */
} wb_operation_t;

/* InteractionState of an interaction (1 Cached and 2 Routing are the
   vendor's, never set by this server). */
typedef enum {
    WB_STATE_QUEUED = 0,
    WB_STATE_CACHED = 1,
    WB_STATE_ROUTING = 2,
    WB_STATE_HANDLING = 3,
} wb_interaction_state_t;

/* Who owns a workbin; each kind names its owner with one attribute. */
typedef enum {
    WB_OWNER_AGENT = 1,                /* WB_ATTR_WORKBIN_AGENT_ID */
    WB_OWNER_PLACE = 2,                /* WB_ATTR_WORKBIN_PLACE_ID */
    WB_OWNER_PLACE_GROUP = 3,          /* WB_ATTR_WORKBIN_PLACE_GROUP_ID */
    WB_OWNER_AGENT_GROUP = 4,          /* WB_ATTR_WORKBIN_GROUP_ID */
} wb_owner_type_t;

// ---------------------------------------------------------------- sizes

/* The most bytes an interaction's properties take, encoded as a list
   (PROTOCOL.md 4.1): a submit or change that would make one larger gets
   EventError 1004. It keeps every event and page within WB_BODY_MAX. */
#define WB_INTERACTION_MAX (2u << 20)
/* A content page stops before its interactions pass this many bytes (it
   always holds at least one): PROTOCOL.md 9 lets it hold fewer than Count. */
#define WB_PAGE_BYTES_MAX (4u << 20)

// ---------------------------------------------------------------- defaults

/* Where a server binds and a client connects when told nothing else. */
#define WB_DEFAULT_ENDPOINT "tcp://127.0.0.1:7120"
/* What a client submits when told nothing else: an inbound email. */
#define WB_DEFAULT_MEDIA_TYPE "email"
#define WB_DEFAULT_INTERACTION_TYPE "Inbound"
/* The tenant a client logs in to when told nothing else, and as text for
   help screens. */
#define WB_DEFAULT_TENANT 101
#define WB_DEFAULT_TENANT_TEXT WB_PROTOCOL_TEXT_ (WB_DEFAULT_TENANT)
#define WB_PROTOCOL_TEXT_(number) WB_PROTOCOL_TEXT__ (number)
#define WB_PROTOCOL_TEXT__(number) #number

#endif
