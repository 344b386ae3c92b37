/*  wb_error: the error table: every ErrorCode an EventError can carry.

    Codes below 1000 are the vendor's (Platform SDK numbering); codes from
    1000 up are this project's extensions, each documented in PROTOCOL.md.
*/
#ifndef WB_ERROR_H_INCLUDED
#define WB_ERROR_H_INCLUDED

#include <stddef.h>
#include "wb_kvlist.h"

typedef struct {
    int code;
    const char *symbol;      /* short name, e.g. "workbin-inaccessible" */
    const char *text;        /* the default ErrorDescription */
} wb_error_spec_t;

enum {
    WB_ERR_NOT_REGISTERED = 1,
    WB_ERR_UNKNOWN_CLIENT_TYPE = 2,
    WB_ERR_UNSUPPORTED_ELEMENT = 4,
    WB_ERR_TENANT_NOT_SPECIFIED = 6,
    WB_ERR_UNKNOWN_TENANT = 7,
    WB_ERR_PLACE_NOT_SPECIFIED = 8,
    WB_ERR_UNKNOWN_PLACE = 9,
    WB_ERR_UNKNOWN_AGENT = 10,
    WB_ERR_PLACE_OCCUPIED = 12,
    WB_ERR_AGENT_ALREADY_LOGGED_IN = 14,
    WB_ERR_INTERACTION_ID_NOT_SPECIFIED = 19,
    WB_ERR_QUEUE_NOT_SPECIFIED = 20,
    WB_ERR_UNKNOWN_QUEUE = 21,
    WB_ERR_MEDIA_TYPE_NOT_SPECIFIED = 22,
    WB_ERR_INTERACTION_TYPE_NOT_SPECIFIED = 23,
    WB_ERR_UNSUPPORTED_MEDIA_TYPE = 24,
    WB_ERR_INTERACTION_SUBTYPE_NOT_SPECIFIED = 25,
    WB_ERR_UNSUPPORTED_INTERACTION_TYPE = 26,
    WB_ERR_DATABASE_MANAGER = 27,
    WB_ERR_DATABASE = 28,
    WB_ERR_WORKBIN_TYPE_NOT_SPECIFIED = 33,
    WB_ERR_NOT_LOGGED_IN = 34,
    WB_ERR_NOT_OWNER = 35,
    WB_ERR_AGENT_OWNER_NOT_SPECIFIED = 38,
    WB_ERR_PLACE_GROUP_OWNER_NOT_SPECIFIED = 39,
    WB_ERR_AGENT_GROUP_OWNER_NOT_SPECIFIED = 40,
    WB_ERR_WORKBIN_INACCESSIBLE = 41,
    WB_ERR_UNKNOWN_INTERACTION = 43,
    WB_ERR_PULL_PARAMETERS_ABSENT = 48,
    WB_ERR_PULL_PARAMETERS_INVALID = 49,
    WB_ERR_INVALID_PROPERTY_TYPE = 65,
    WB_ERR_READ_ONLY_PROPERTY = 66,
    WB_ERR_INVALID_MESSAGE = 79,
    WB_ERR_DUPLICATED_INTERACTION_ID = 81,
    WB_ERR_NOT_IMPLEMENTED = 84,
    WB_ERR_INVALID_INTERACTION_STATE = 89,
    /* Our extensions, 1000 and up. */
    WB_ERR_NOT_SUBSCRIBED = 1000,
    WB_ERR_SUBSCRIPTIONS_DROPPED = 1001,
    WB_ERR_INVALID_PAGE = 1002,
    WB_ERR_IDENTITY_MISMATCH = 1003,
    WB_ERR_INTERACTION_TOO_LARGE = 1004,
    WB_ERR_SEND_QUEUE_FULL = 1005,
    WB_ERR_TOO_MANY_PROPERTIES = 1006,
};

/* The row for a code, or NULL if the code is not in the table. */
const wb_error_spec_t *wb_error_lookup (int code);
/* The default text for a code ("unknown error" if not in the table). */
const char *wb_error_text (int code);
size_t wb_error_count (void);
const wb_error_spec_t *wb_error_at (size_t index);

#endif
