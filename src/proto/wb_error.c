/*  wb_error: the error table. See wb_error.h. */
#include "wb_error.h"
#include "wb_prelude.h"

/* Descriptions are ours; codes and their meanings follow the vendor. */
static const wb_error_spec_t s_errors [] = {
    { 1, "not-registered", "client not registered: send RequestRegisterClient first" },
    { 2, "unknown-client-type", "unknown client type" },
    { 4, "unsupported-element", "unsupported protocol element" },
    { 6, "tenant-not-specified", "tenant not specified" },
    { 7, "unknown-tenant", "unknown tenant" },
    { 8, "place-not-specified", "place not specified" },
    { 9, "unknown-place", "unknown place" },
    { 10, "unknown-agent", "unknown agent" },
    { 12, "place-occupied", "place occupied by another agent" },
    { 14, "agent-already-logged-in", "agent already logged in" },
    { 19, "interaction-id-not-specified", "interaction id not specified" },
    { 20, "queue-not-specified", "queue not specified" },
    { 21, "unknown-queue", "unknown queue" },
    { 22, "media-type-not-specified", "media type not specified" },
    { 23, "interaction-type-not-specified", "interaction type not specified" },
    { 24, "unsupported-media-type", "unsupported media type" },
    { 25, "interaction-subtype-not-specified", "interaction subtype not specified" },
    { 26, "unsupported-interaction-type", "unsupported interaction type" },
    { 27, "database-manager", "database manager failed" },
    { 28, "database", "database operation failed" },
    { 33, "workbin-type-not-specified", "workbin type not specified" },
    { 34, "not-logged-in", "client not logged in" },
    { 35, "not-owner", "not the owner of the interaction" },
    { 38, "agent-owner-not-specified", "workbin agent id not specified" },
    { 39, "place-group-owner-not-specified", "workbin place group id not specified" },
    { 40, "agent-group-owner-not-specified", "workbin agent group id not specified" },
    { 41, "workbin-inaccessible", "workbin unknown or not accessible" },
    { 43, "unknown-interaction", "unknown interaction" },
    { 48, "pull-parameters-absent", "pull parameters absent" },
    { 49, "pull-parameters-invalid", "pull parameters invalid" },
    { 65, "invalid-property-type", "invalid property type" },
    { 66, "read-only-property", "property is read-only" },
    { 79, "invalid-message", "invalid protocol message" },
    { 81, "duplicated-interaction-id", "duplicated interaction id" },
    { 84, "not-implemented", "not implemented" },
    { 89, "invalid-interaction-state", "invalid interaction state for this request" },
    { 1000, "not-subscribed", "not subscribed to this workbin" },
    { 1001, "subscriptions-dropped", "subscriptions dropped: client too slow, resubscribe and re-fetch" },
    { 1002, "invalid-page", "invalid page: From or Count out of range" },
    { 1003, "identity-mismatch", "agent id does not match the client's certificate" },
    { 1004, "interaction-too-large", "interaction too large" },
    { 1005, "send-queue-full", "reply not sent: the client's send queue is full, read it and ask again" },
    { 1006, "too-many-properties", "not applied: the interaction would hold more properties than a list can (20,000)" },
};

#define ERROR_COUNT (WB_COUNT_OF (s_errors))

const wb_error_spec_t *
wb_error_lookup (int code)
{
    for (size_t index = 0; index < ERROR_COUNT; index++)
        if (s_errors [index].code == code)
            return &s_errors [index];
    return NULL;
}

const char *
wb_error_text (int code)
{
    const wb_error_spec_t *spec = wb_error_lookup (code);
    return spec ? spec->text : "unknown error";
}

size_t
wb_error_count (void)
{
    return ERROR_COUNT;
}

const wb_error_spec_t *
wb_error_at (size_t index)
{
    return index < ERROR_COUNT ? &s_errors [index] : NULL;
}
