/*  wb_events: one reader per event a client consumes.

    A reader fills a struct from a received message and returns 0 if the
    message is that event, -1 if it is not (or is NULL). It never fails on
    what the body lacks: every field is set, an absent attribute to the
    default its field's comment gives, so a client that shows what it got
    can ignore the return. Strings and lists point into the message: they
    live as long as it does.
*/
#ifndef WB_EVENTS_H_INCLUDED
#define WB_EVENTS_H_INCLUDED

#include <stdbool.h>
#include "wb_msg.h"
#include "wb_protocol.h"
#include "wb_workbin.h"

/* EventAck: the request succeeded. */
typedef struct {
    const char *interaction_id;     /* InteractionId (of a submit); NULL if absent */
    int64_t workbin_version;        /* WorkbinVersion; WB_ABSENT if absent */
} wb_event_ack_t;

/* EventError: the request failed, or the session has a problem. */
typedef struct {
    int64_t code;                   /* ErrorCode; 0 if absent */
    const char *description;        /* ErrorDescription; "" if absent */
} wb_event_error_t;

/* EventWorkbinContent: one page of a workbin. A client that must tell a
   count of 0 from none (the console keeps its own count then) asks the
   has_ fields. */
typedef struct {
    wb_workbin_t workbin;           /* as the reply names it (wb_workbin_read) */
    const wb_kvlist_t *interactions;  /* Interactions, "Interaction" lists; NULL if absent */
    int64_t version;                /* WorkbinVersion; 0 if absent */
    int64_t total_count;            /* TotalCount; 0 if absent */
    int64_t from;                   /* From; 0 if absent */
    bool has_version;               /* WorkbinVersion is there (an int) */
    bool has_total_count;           /* TotalCount is there (an int) */
} wb_event_content_t;

/* Where a page of content stands, read from the head of an
   EventWorkbinContent body as it arrives, before it is decoded: the
   server writes ReferenceId, WorkbinVersion, TotalCount and From before
   Interactions (PROTOCOL.md, 9), so a client can ask for the next page
   while it decodes this one. */
typedef struct {
    int64_t reference_id;
    int64_t version;
    int64_t total_count;
    int64_t from;
    int64_t count;                  /* interactions in the page */
} wb_content_glance_t;

/* EventWorkbinContentChanged: a subscribed workbin changed. The numbers are
   kept as sent: a wb_content_operation_t, a wb_operation_t, or what a
   newer server sends. */
typedef struct {
    int64_t content_operation;      /* WorkbinContentOperation; 0 if absent */
    int64_t operation;              /* Operation; 0 (Unknown) if absent */
    wb_workbin_t workbin;           /* the workbin that changed */
    const wb_kvlist_t *interaction; /* Interaction; NULL if absent */
    const char *interaction_id;     /* its InteractionId; NULL if absent */
    const char *actor;              /* the first entry of Actor (AgentId); NULL if none */
    int64_t version;                /* WorkbinVersion; 0 if absent */
    int64_t sequence;               /* EventSequence; 0 if absent */
} wb_event_change_t;

/* EventWorkbinStatistic: the statistic of one workbin. */
typedef struct {
    wb_workbin_t workbin;
    int64_t count;                  /* NumberOfInteractions; 0 if absent */
    int64_t version;                /* WorkbinVersion; 0 if absent */
    const char *oldest;             /* MinMovedToQueueAt; NULL if absent */
    const char *newest;             /* MaxMovedToQueueAt; NULL if absent */
} wb_event_statistic_t;

/* EventWorkbinTypesInfo: the WorkbinTypes list, one WorkbinTypeInfo per
   type (wb_event_read_type_info), each with Owner entries
   (wb_event_read_owner). */
typedef struct {
    const wb_kvlist_t *types;       /* WorkbinTypes; NULL if absent */
} wb_event_types_t;

typedef struct {
    const char *type_id;            /* WorkbinTypeId; NULL if absent */
    const char *display_name;       /* DisplayName; NULL if absent */
    int64_t owner_type;             /* WorkbinType, a wb_owner_type_t; 0 if absent */
    const char *columns;            /* Columns; NULL if absent */
    const wb_kvlist_t *owners;      /* Owners, "Owner" lists; NULL if absent */
} wb_event_type_info_t;

typedef struct {
    const char *owner_id;           /* OwnerId; NULL if absent */
    const char *owner_name;         /* OwnerName; NULL if absent */
    const char *relation;           /* Relation (WB_RELATION_TEXT_...); NULL if absent */
    int64_t count;                  /* NumberOfInteractions; 0 if absent */
    int64_t version;                /* WorkbinVersion; 0 if absent */
    const char *oldest;             /* MinMovedToQueueAt; NULL if absent (or empty) */
} wb_event_owner_t;

/* EventPulledInteractions: what a RequestPull took, or what the client
   handles (RequestGetPulledInteractions). */
typedef struct {
    const wb_kvlist_t *interactions;  /* Interactions, "Interaction" lists; NULL if absent */
    int64_t total_count;              /* TotalCount; the number listed if absent */
} wb_event_pulled_t;

/* EventPropertiesChanged: an interaction this agent pulled changed. */
typedef struct {
    const char *interaction_id;     /* InteractionId; NULL if absent */
    const wb_kvlist_t *added;       /* AddedProperties; NULL if absent */
    const wb_kvlist_t *changed;     /* ChangedProperties; NULL if absent */
    const wb_kvlist_t *deleted;     /* DeletedProperties; NULL if absent */
    int64_t sequence;               /* EventSequence; 0 if absent */
} wb_event_properties_t;

int wb_event_read_ack (const wb_msg_t *msg, wb_event_ack_t *ack);
/* Also -1 for an EventError without an int ErrorCode (code then 0). */
int wb_event_read_error (const wb_msg_t *msg, wb_event_error_t *error);
int wb_event_read_content (const wb_msg_t *msg, wb_event_content_t *content);
int wb_event_read_change (const wb_msg_t *msg, wb_event_change_t *change);
/* The same from a change event's body alone (a body kept apart from its
   message, as wb_replica keeps them); 0, or -1 if body is NULL. */
int wb_event_read_change_body (const wb_kvlist_t *body, wb_event_change_t *change);
/* Glance at a message as received, its name (name_size bytes) and its
   body (size bytes), before it is decoded (wb_msg_glance_fn): 0 if it is
   an EventWorkbinContent whose entries up to Interactions give all of
   wb_content_glance_t (the first entry of each key, an int, as the
   decoded page reads them), -1 if not (another message, another order, a
   fault, too few bytes). Only what is read is checked: the decoded page
   has the last word. */
int wb_event_glance_content (const uint8_t *name, size_t name_size, const uint8_t *body,
                             size_t size, wb_content_glance_t *glance);
int wb_event_read_statistic (const wb_msg_t *msg, wb_event_statistic_t *statistic);
int wb_event_read_types (const wb_msg_t *msg, wb_event_types_t *types);
/* The same from an EventWorkbinTypesInfo body alone (a body kept apart
   from its message); 0, or -1 if body is NULL. */
int wb_event_read_types_body (const wb_kvlist_t *body, wb_event_types_t *types);
/* One entry of WorkbinTypes, one entry of its Owners; 0, or -1 if entry
   is NULL. */
int wb_event_read_type_info (const wb_kvlist_t *entry, wb_event_type_info_t *info);
int wb_event_read_owner (const wb_kvlist_t *entry, wb_event_owner_t *owner);
int wb_event_read_pulled (const wb_msg_t *msg, wb_event_pulled_t *pulled);
int wb_event_read_properties (const wb_msg_t *msg, wb_event_properties_t *properties);

/* The EventSequence of an unsolicited event (any kind); 0 if it has none. */
int64_t wb_event_sequence (const wb_msg_t *msg);

#endif
