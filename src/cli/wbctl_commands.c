/*  wbctl_commands: the command table, one row per command (arguments,
    options, how its request is built, the reply it expects, how it is
    printed, its help), and the one place each request is built. wbctl runs
    a row with wbctl_command_run; a play step runs the same row with
    wbctl_command_exchange and reports the reply its own way. See wbctl.h.
*/
#define _XOPEN_SOURCE 700
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "wbctl.h"
#include "wb_requests.h"
#include "wb_security.h"

static wbctl_check_fn s_check_submit;
static wbctl_build_fn s_build_types, s_build_content, s_build_stats, s_build_subscribe,
                      s_build_cancel, s_build_submit, s_build_place, s_build_pull,
                      s_build_change, s_build_stop, s_build_ping, s_build_in_hand;
static wbctl_run_fn s_keygen;

#define SUBMIT_OPTIONS (WBCTL_OPT_SUBJECT | WBCTL_OPT_FROM_ADDRESS | WBCTL_OPT_PERSONAL \
                        | WBCTL_OPT_MEDIA | WBCTL_OPT_TYPE | WBCTL_OPT_SUBTYPE \
                        | WBCTL_OPT_PRIORITY | WBCTL_OPT_RECEIVED | WBCTL_OPT_SET \
                        | WBCTL_OPT_IDEMPOTENCY_KEY)

static const wbctl_command_t s_commands [] = {
    { .name = "types", .needs = WBCTL_NEEDS_SESSION, .build = s_build_types,
      .reply = WB_MSG_EVENT_WORKBIN_TYPES_INFO, .print = wbctl_print_types, .arguments = "",
      .help = "list the workbin types and the owners you can see, with counts" },
    { .name = "content", .min_args = 1, .max_args = 1,
      .options = WBCTL_OPT_FROM | WBCTL_OPT_COUNT, .needs = WBCTL_NEEDS_TYPES,
      .build = s_build_content, .reply = WB_MSG_EVENT_WORKBIN_CONTENT,
      .print = wbctl_print_content, .arguments = "WB",
      .help = "show the interactions of a workbin (RequestGetWorkbinContent)" },
    { .name = "stats", .min_args = 1, .max_args = 1, .needs = WBCTL_NEEDS_TYPES,
      .build = s_build_stats, .reply = WB_MSG_EVENT_WORKBIN_STATISTIC,
      .print = wbctl_print_statistic, .arguments = "WB",
      .help = "count the interactions of a workbin (RequestWorkbinStatistic)" },
    { .name = "subscribe", .min_args = 1, .max_args = 1, .options = WBCTL_OPT_PROPERTY_CHANGES,
      .needs = WBCTL_NEEDS_TYPES, .build = s_build_subscribe, .reply = WB_MSG_EVENT_ACK,
      .print = wbctl_print_ack, .arguments = "WB",
      .help = "subscribe to a workbin and show the reply (RequestWorkbinNotifications)" },
    { .name = "cancel", .min_args = 1, .max_args = 1, .needs = WBCTL_NEEDS_TYPES,
      .build = s_build_cancel, .reply = WB_MSG_EVENT_ACK, .print = wbctl_print_ack,
      .arguments = "WB",
      .help = "cancel a subscription and show the reply; a new wbctl has none, so the\n"
              "server answers EventError 1000 (RequestCancelWorkbinNotifications)" },
    { .name = "watch", .min_args = 1, .max_args = -1,
      .options = WBCTL_OPT_EVENTS | WBCTL_OPT_TIMEOUT | WBCTL_OPT_PROPERTY_CHANGES,
      .needs = WBCTL_NEEDS_TYPES, .run = wbctl_watch, .arguments = "WB...",
      .help = "subscribe to workbins and print each change as it comes, until N changes,\n"
              "the timeout or Ctrl-C" },
    { .name = "submit", .min_args = 1, .max_args = 1, .options = SUBMIT_OPTIONS,
      .required = WBCTL_OPT_SUBJECT | WBCTL_OPT_FROM_ADDRESS, .needs = WBCTL_NEEDS_TYPES,
      .check = s_check_submit, .build = s_build_submit, .reply = WB_MSG_EVENT_ACK,
      .print = wbctl_print_submitted, .arguments = "WB",
      .help = "create an interaction in a workbin and print its InteractionId\n(RequestSubmit)" },
    { .name = "place", .min_args = 2, .max_args = 2, .options = WBCTL_OPT_SET,
      .needs = WBCTL_NEEDS_TYPES, .build = s_build_place, .reply = WB_MSG_EVENT_ACK,
      .print = wbctl_print_ack, .arguments = "ID WB",
      .help = "move an interaction into a workbin (RequestPlaceInWorkbin)" },
    { .name = "pull", .min_args = 1, .max_args = 1, .needs = WBCTL_NEEDS_SESSION,
      .build = s_build_pull, .reply = WB_MSG_EVENT_PULLED_INTERACTIONS,
      .print = wbctl_print_pulled, .arguments = "ID",
      .help = "take an interaction out of its workbin to handle it (RequestPull)" },
    { .name = "in-hand", .needs = WBCTL_NEEDS_SESSION, .build = s_build_in_hand,
      .reply = WB_MSG_EVENT_PULLED_INTERACTIONS, .print = wbctl_print_in_hand, .arguments = "",
      .help = "list the interactions you have pulled and not yet placed or stopped\n"
              "(RequestGetPulledInteractions)" },
    { .name = "change", .min_args = 2, .max_args = -1, .assignments_from = 1,
      .needs = WBCTL_NEEDS_SESSION, .build = s_build_change, .reply = WB_MSG_EVENT_ACK,
      .print = wbctl_print_ack, .arguments = "ID KEY=VALUE...",
      .help = "change properties of an interaction; digits are sent as an int\n"
              "(RequestChangeProperties)" },
    { .name = "stop", .min_args = 1, .max_args = 1, .needs = WBCTL_NEEDS_SESSION,
      .build = s_build_stop, .reply = WB_MSG_EVENT_ACK, .print = wbctl_print_ack,
      .arguments = "ID",
      .help = "finish an interaction: it leaves its workbin for good\n(RequestStopProcessing)" },
    { .name = "ping", .needs = WBCTL_NEEDS_SESSION, .build = s_build_ping,
      .reply = WB_MSG_EVENT_ACK, .print = wbctl_print_ack, .arguments = "",
      .help = "check that the server answers (RequestPing)" },
    { .name = "play", .min_args = 1, .max_args = 1,
      .options = WBCTL_OPT_SPEED | WBCTL_OPT_LOOP | WBCTL_OPT_TRACE | WBCTL_OPT_CLOCK,
      .needs = WBCTL_NEEDS_NOTHING, .run = wbctl_play, .arguments = "FILE",
      .help = "run a scenario: one step a line, sessions kept open per agent, each\n"
              "reply reported on a line; exit 1 at an EventError no 'expect' covers\n"
              "(FILE - : standard input; see wbctl(1), SCENARIOS)" },
    { .name = "keygen", .min_args = 1, .max_args = 1, .options = WBCTL_OPT_DIR | WBCTL_OPT_AGENT,
      .needs = WBCTL_NEEDS_NOTHING, .run = s_keygen, .arguments = "NAME",
      .help = "write a CURVE certificate pair: NAME, the public half for the server's\n"
              "--authorized-keys (or a client's --server-key), and NAME_secret, the\n"
              "--cert of its owner; no server is involved" },
};

const wbctl_command_t *
wbctl_command_find (const char *name)
{
    for (size_t index = 0; name && index < WB_COUNT_OF (s_commands); index++)
        if (streq (s_commands [index].name, name))
            return &s_commands [index];
    return NULL;
}

const wbctl_command_t *
wbctl_command_at (size_t index)
{
    return index < WB_COUNT_OF (s_commands) ? &s_commands [index] : NULL;
}

// ---------------------------------------------------------------- running

int
wbctl_command_exchange (const wbctl_t *self, const wbctl_command_t *command,
                        const wbctl_args_t *args, wbctl_exchange_t *exchange)
{
    memset (exchange, 0, sizeof (*exchange));
    //  nobody reads what a play step or a watch would print: stop
    if (wbctl_print_check_output ())
        return WBCTL_INTERRUPTED;
    wb_msg_t *request = command->build (self, args, exchange);
    if (!request && !*exchange->problem)
        snprintf (exchange->problem, sizeof (exchange->problem),
                  "a value is over the protocol's limits (PROTOCOL.md)");
    if (!request)
        return WBCTL_USAGE;
    snprintf (exchange->request, sizeof (exchange->request), "%s", wb_msg_name (request));
    int status = wbctl_request (self, &request, &exchange->reply);
    if (status == WBCTL_OK && !streq (wb_msg_name (exchange->reply), command->reply))
        status = WBCTL_EVENT_ERROR;
    return status;
}

void
wbctl_exchange_clear (wbctl_exchange_t *exchange)
{
    wb_msg_destroy (&exchange->reply);
}

int
wbctl_command_run (wbctl_t *self, const wbctl_command_t *command, const wbctl_args_t *args)
{
    if (command->run)
        return command->run (self, args);
    wbctl_exchange_t exchange;
    int status = wbctl_command_exchange (self, command, args, &exchange);
    wbctl_print_json (self, exchange.reply);
    if (status == WBCTL_USAGE)
        fprintf (stderr, "wbctl: %s\n", exchange.problem);
    else
    if (status == WBCTL_NO_ANSWER && *exchange.idempotency_key)
        fprintf (stderr, "wbctl: the submit may still be made: to retry it without making it"
                         " twice, give --idempotency-key %s\n", exchange.idempotency_key);
    else
    if (status == WBCTL_EVENT_ERROR)
        wbctl_print_refusal (exchange.reply, command->reply);
    else
    if (status == WBCTL_OK && !self->json)
        command->print (&exchange);
    wbctl_print_check_output ();
    wbctl_exchange_clear (&exchange);
    return status;
}

// ---------------------------------------------------------------- workbins

//  Resolve the workbin argument number index into workbin and set what
//  the exchange is about to its label. 0, or -1 with the problem.
static int
s_workbin (const wbctl_t *self, const wbctl_args_t *args, int index,
           wbctl_workbin_t *workbin, wbctl_exchange_t *exchange)
{
    if (wbctl_resolve (self, args->argv [index], workbin, exchange->problem,
                       sizeof (exchange->problem)))
        return -1;
    snprintf (exchange->what, sizeof (exchange->what), "%s", workbin->label);
    return 0;
}

static wb_msg_t *
s_build_types (const wbctl_t *self, const wbctl_args_t *args, wbctl_exchange_t *exchange)
{
    (void) args, (void) exchange;
    return wb_request_workbin_types_info (self->tenant_id);
}

static wb_msg_t *
s_build_content (const wbctl_t *self, const wbctl_args_t *args, wbctl_exchange_t *exchange)
{
    wbctl_workbin_t named;
    if (s_workbin (self, args, 0, &named, exchange))
        return NULL;
    return wb_request_get_workbin_content (
        &named.workbin, args->given & WBCTL_OPT_FROM ? args->from : WB_ABSENT,
        args->given & WBCTL_OPT_COUNT ? args->count : WB_ABSENT);
}

static wb_msg_t *
s_build_stats (const wbctl_t *self, const wbctl_args_t *args, wbctl_exchange_t *exchange)
{
    wbctl_workbin_t named;
    return s_workbin (self, args, 0, &named, exchange)
         ? NULL : wb_request_workbin_statistic (&named.workbin);
}

static wb_msg_t *
s_build_subscribe (const wbctl_t *self, const wbctl_args_t *args, wbctl_exchange_t *exchange)
{
    wbctl_workbin_t named;
    return s_workbin (self, args, 0, &named, exchange)
         ? NULL : wb_request_workbin_notifications (&named.workbin, args->property_changes);
}

static wb_msg_t *
s_build_cancel (const wbctl_t *self, const wbctl_args_t *args, wbctl_exchange_t *exchange)
{
    wbctl_workbin_t named;
    return s_workbin (self, args, 0, &named, exchange)
         ? NULL : wb_request_cancel_workbin_notifications (&named.workbin);
}

// ---------------------------------------------------------------- submit

//  Where a KEY=VALUE of a submit goes: RequestSubmit's own attributes (in
//  wb_submission_t, a string each, Priority an int), nowhere (a property
//  only the server sets, or UserData itself), or else into UserData.
#define SUBMISSION(name) offsetof (wb_submission_t, name)
static const struct {
    const char *key;
    wb_type_t type;
    size_t field;
} s_submit_attributes [] = {
    { WB_ATTR_MEDIA_TYPE, WB_TYPE_STRING, SUBMISSION (media_type) },
    { WB_ATTR_INTERACTION_TYPE, WB_TYPE_STRING, SUBMISSION (interaction_type) },
    { WB_ATTR_INTERACTION_SUBTYPE, WB_TYPE_STRING, SUBMISSION (interaction_subtype) },
    { WB_ATTR_SUBJECT, WB_TYPE_STRING, SUBMISSION (subject) },
    { WB_ATTR_FROM_ADDRESS, WB_TYPE_STRING, SUBMISSION (from_address) },
    { WB_ATTR_FROM_PERSONAL, WB_TYPE_STRING, SUBMISSION (from_personal) },
    { WB_ATTR_MAILBOX, WB_TYPE_STRING, SUBMISSION (mailbox) },
    { WB_ATTR_PRIORITY, WB_TYPE_INT, SUBMISSION (priority) },
    { WB_ATTR_RECEIVED_AT, WB_TYPE_STRING, SUBMISSION (received_at) },
};
static const char *s_server_properties [] = { WB_SERVER_PROPERTIES };

_Static_assert (WB_COUNT_OF (s_submit_attributes)
                == WB_COUNT_OF (((const char *[]) { WB_SUBMIT_PROPERTIES })),
                "a property RequestSubmit carries (WB_SUBMIT_PROPERTIES) has no row here");

//  The row of a RequestSubmit attribute, or -1 for another key.
static int
s_submit_attribute (const char *key)
{
    for (size_t row = 0; row < WB_COUNT_OF (s_submit_attributes); row++)
        if (streq (key, s_submit_attributes [row].key))
            return (int) row;
    return -1;
}

//  True if key names a property only the server sets.
static bool
s_server_property (const char *key)
{
    for (size_t index = 0; index < WB_COUNT_OF (s_server_properties); index++)
        if (streq (key, s_server_properties [index]))
            return true;
    return false;
}

//  Why a submit cannot take the KEY=VALUE number index of fields, in
//  problem; 0 if it can.
static int
s_submit_refusal (const wb_kvlist_t *fields, size_t index, char *problem, size_t size)
{
    const char *key = wb_kvlist_key_at (fields, index);
    int row = s_submit_attribute (key);
    bool twice = false;
    for (size_t before = 0; row >= 0 && before < index; before++)
        twice = twice || streq (key, wb_kvlist_key_at (fields, before));
    if (s_server_property (key))
        snprintf (problem, size, "%s is set by the server, not by submit", key);
    else
    if (streq (key, WB_ATTR_USER_DATA))
        snprintf (problem, size, "%s cannot be set: the keys that RequestSubmit does not "
                                 "take go into it", key);
    else
    if (twice)
        snprintf (problem, size, "%s is given twice", key);
    else
    if (row >= 0 && s_submit_attributes [row].type == WB_TYPE_INT
    &&  wb_kvlist_type_at (fields, index) != WB_TYPE_INT)
        snprintf (problem, size, "%s takes an integer, not '%s'", key,
                  wb_kvlist_string_at (fields, index));
    else
        return 0;
    return -1;
}

//  Copy the KEY=VALUE number index of fields to settled: as text if it is
//  a string attribute of RequestSubmit written in digits, else as it is.
static void
s_settle (wb_kvlist_t *settled, const wb_kvlist_t *fields, size_t index)
{
    const char *key = wb_kvlist_key_at (fields, index);
    int row = s_submit_attribute (key);
    char text [32];
    if (wb_kvlist_type_at (fields, index) != WB_TYPE_INT)
        wb_kvlist_add_string (settled, key, wb_kvlist_string_at (fields, index));
    else
    if (row >= 0 && s_submit_attributes [row].type == WB_TYPE_STRING) {
        snprintf (text, sizeof (text), "%" PRId64, wb_kvlist_int_at (fields, index));
        wb_kvlist_add_string (settled, key, text);
    }
    else
        wb_kvlist_add_int (settled, key, wb_kvlist_int_at (fields, index));
}

//  A submit's KEY=VALUE, from its options and --set (or a play step's
//  words): each attribute of RequestSubmit at most once and of its type;
//  no property only the server sets.
static int
s_check_submit (wbctl_args_t *args, char *problem, size_t size)
{
    wb_kvlist_t *settled = wb_kvlist_new ();
    int rc = 0;
    for (size_t index = 0; rc == 0 && index < wb_kvlist_size (args->assignments); index++) {
        rc = s_submit_refusal (args->assignments, index, problem, size);
        s_settle (settled, args->assignments, index);
    }
    wb_kvlist_destroy (&args->assignments);
    args->assignments = settled;
    return rc;
}

//  A checked entry into the submission if it is one of its attributes,
//  else into user_data.
static void
s_submit_entry (wb_submission_t *submission, wb_kvlist_t *user_data,
                const wb_kvlist_t *fields, size_t index)
{
    const char *key = wb_kvlist_key_at (fields, index);
    int row = s_submit_attribute (key);
    char *field = row < 0 ? NULL : (char *) submission + s_submit_attributes [row].field;
    if (row >= 0 && s_submit_attributes [row].type == WB_TYPE_INT) {
        *(int64_t *) field = wb_kvlist_int_at (fields, index);
        submission->has_priority = true;
    }
    else
    if (row >= 0)
        *(const char **) field = wb_kvlist_string_at (fields, index);
    else
    if (wb_kvlist_type_at (fields, index) == WB_TYPE_INT)
        wb_kvlist_add_int (user_data, key, wb_kvlist_int_at (fields, index));
    else
        wb_kvlist_add_string (user_data, key, wb_kvlist_string_at (fields, index));
}

static wb_msg_t *
s_build_submit (const wbctl_t *self, const wbctl_args_t *args, wbctl_exchange_t *exchange)
{
    wbctl_workbin_t named;
    if (s_workbin (self, args, 0, &named, exchange))
        return NULL;
    wb_submission_t submission = { .workbin = named.workbin, .has_tenant_id = true,
                                   .tenant_id = self->tenant_id };
    wb_kvlist_t *user_data = wb_kvlist_new ();
    for (size_t index = 0; index < wb_kvlist_size (args->assignments); index++)
        s_submit_entry (&submission, user_data, args->assignments, index);
    if (!submission.media_type)
        submission.media_type = WB_DEFAULT_MEDIA_TYPE;
    if (!submission.interaction_type)
        submission.interaction_type = WB_DEFAULT_INTERACTION_TYPE;
    submission.user_data = user_data;
    //  every submit has a key, so that a retry of one that got no answer is safe
    if (args->idempotency_key)
        snprintf (exchange->idempotency_key, sizeof (exchange->idempotency_key), "%s",
                  args->idempotency_key);
    else {
        zuuid_t *uuid = zuuid_new ();
        snprintf (exchange->idempotency_key, sizeof (exchange->idempotency_key), "%s",
                  zuuid_str (uuid));
        zuuid_destroy (&uuid);
    }
    submission.idempotency_key = exchange->idempotency_key;
    wb_msg_t *request = wb_request_submit (&submission);
    wb_kvlist_destroy (&user_data);
    return request;
}

// ---------------------------------------------------------------- interactions

static wb_msg_t *
s_build_place (const wbctl_t *self, const wbctl_args_t *args, wbctl_exchange_t *exchange)
{
    wbctl_workbin_t named;
    if (s_workbin (self, args, 1, &named, exchange))
        return NULL;
    snprintf (exchange->what, sizeof (exchange->what), "%s to %s", args->argv [0], named.label);
    wb_property_changes_t changes = { .changed = args->assignments };
    return wb_request_place_in_workbin (args->argv [0], &named.workbin, &changes);
}

//  What a request about one interaction is about: its InteractionId.
static const char *
s_interaction (const wbctl_args_t *args, wbctl_exchange_t *exchange)
{
    snprintf (exchange->what, sizeof (exchange->what), "%s", args->argv [0]);
    return args->argv [0];
}

static wb_msg_t *
s_build_pull (const wbctl_t *self, const wbctl_args_t *args, wbctl_exchange_t *exchange)
{
    (void) self;
    return wb_request_pull (s_interaction (args, exchange));
}

static wb_msg_t *
s_build_in_hand (const wbctl_t *self, const wbctl_args_t *args, wbctl_exchange_t *exchange)
{
    (void) self, (void) args, (void) exchange;
    return wb_request_get_pulled_interactions ();
}

static wb_msg_t *
s_build_change (const wbctl_t *self, const wbctl_args_t *args, wbctl_exchange_t *exchange)
{
    (void) self;
    wb_property_changes_t changes = { .changed = args->assignments };
    return wb_request_change_properties (s_interaction (args, exchange), &changes);
}

static wb_msg_t *
s_build_stop (const wbctl_t *self, const wbctl_args_t *args, wbctl_exchange_t *exchange)
{
    (void) self;
    return wb_request_stop_processing (s_interaction (args, exchange));
}

static wb_msg_t *
s_build_ping (const wbctl_t *self, const wbctl_args_t *args, wbctl_exchange_t *exchange)
{
    (void) self, (void) args, (void) exchange;
    return wb_request_ping ();
}

// ---------------------------------------------------------------- keygen

//  Write a certificate pair; no session. 0, or 1 if the files could not
//  be written (they are never overwritten).
static int
s_keygen (wbctl_t *self, const wbctl_args_t *args)
{
    (void) self;
    const char *folder = args->dir ? args->dir : ".";
    const char *name = args->argv [0];
    char error [1024];
    if (wb_security_keygen (folder, name, args->agent, error, sizeof (error))) {
        fprintf (stderr, "wbctl keygen: %s\n", error);
        return WBCTL_EVENT_ERROR;
    }
    printf ("%s/%s: public: for the server's --authorized-keys folder, or clients' --server-key\n",
            folder, name);
    printf ("%s/%s_secret: secret: the --cert of its owner only, keep it private\n", folder, name);
    if (args->agent)
        printf ("bound to agent %s: this key may log in as %s only\n", args->agent, args->agent);
    return WBCTL_OK;
}
