/*  wb_requests: one builder per request a client sends.

    Each builder takes the request's attributes as typed arguments and
    returns a new message (ReferenceId 0: wb_client_send numbers it), its
    attributes always in the same order; the caller sends or destroys it.
    Optional arguments that are NULL, or WB_ABSENT for ints, are left out.
    A builder returns NULL if a required argument is missing or a value is
    over a codec limit (WB_VALUE_MAX...). Workbins are named by a
    wb_workbin_t: the builder puts the owner id under the attribute its
    owner type calls for.

    Builders make well-formed requests only; a test that needs a malformed
    one builds it by hand.
*/
#ifndef WB_REQUESTS_H_INCLUDED
#define WB_REQUESTS_H_INCLUDED

#include <stdbool.h>
#include "wb_msg.h"
#include "wb_protocol.h"
#include "wb_workbin.h"

/* Property changes of RequestChangeProperties and RequestPlaceInWorkbin:
   lists of KEY=VALUE entries (strings or ints; deleted: the keys). A list
   that is NULL or empty is left out. */
typedef struct {
    const wb_kvlist_t *added;       /* AddedProperties */
    const wb_kvlist_t *changed;     /* ChangedProperties */
    const wb_kvlist_t *deleted;     /* DeletedProperties */
} wb_property_changes_t;

/* What RequestSubmit creates. Fields left zero are left out. */
typedef struct {
    wb_workbin_t workbin;           /* where; required */
    const char *media_type;         /* MediaType, required: "email" */
    const char *interaction_type;   /* InteractionType, required: "Inbound" */
    const char *interaction_subtype;
    const char *subject;
    const char *from_address;
    const char *from_personal;
    const char *mailbox;            /* Mailbox: the address it came to */
    const char *received_at;        /* yyyy-MM-ddTHH:mm:ssZ; NULL: the server's now */
    bool has_priority;
    int64_t priority;
    bool has_tenant_id;
    int64_t tenant_id;
    const wb_kvlist_t *user_data;   /* UserData; NULL or empty: none */
    const char *idempotency_key;    /* IdempotencyKey: a retry with it is safe */
} wb_submission_t;

/* Sessions. client_name, place_id: NULL to leave out; tenant_id of
   RequestWorkbinTypesInfo: WB_ABSENT to leave out. */
wb_msg_t *wb_request_register_client (wb_client_type_t client_type, const char *client_name);
wb_msg_t *wb_request_unregister_client (void);
wb_msg_t *wb_request_agent_login (int64_t tenant_id, const char *agent_id, const char *place_id);
/* Make a RequestAgentLogin a take-over (TakeOver 1): a session that holds
   the agent on another connection is ended first. 0, or -1 for NULL. */
int wb_request_set_take_over (wb_msg_t *login);
wb_msg_t *wb_request_agent_logout (void);
wb_msg_t *wb_request_ping (void);
wb_msg_t *wb_request_workbin_types_info (int64_t tenant_id);

/* Workbins. from, count: WB_ABSENT to leave out (the server's defaults:
   from 0, its page cap). */
wb_msg_t *wb_request_workbin_statistic (const wb_workbin_t *workbin);
wb_msg_t *wb_request_get_workbin_content (const wb_workbin_t *workbin, int64_t from,
                                          int64_t count);
wb_msg_t *wb_request_workbin_notifications (const wb_workbin_t *workbin,
                                            bool notify_property_changes);
wb_msg_t *wb_request_cancel_workbin_notifications (const wb_workbin_t *workbin);

/* Interactions. changes: NULL for none. */
wb_msg_t *wb_request_submit (const wb_submission_t *submission);
wb_msg_t *wb_request_place_in_workbin (const char *interaction_id, const wb_workbin_t *workbin,
                                       const wb_property_changes_t *changes);
wb_msg_t *wb_request_pull (const char *interaction_id);
/* RequestGetPulledInteractions: the interactions this client handles. */
wb_msg_t *wb_request_get_pulled_interactions (void);
/* RequestStatisticNotifications (on) or RequestCancelStatisticNotifications. */
wb_msg_t *wb_request_statistic_notifications (bool on);
wb_msg_t *wb_request_change_properties (const char *interaction_id,
                                        const wb_property_changes_t *changes);
wb_msg_t *wb_request_stop_processing (const char *interaction_id);

#endif
