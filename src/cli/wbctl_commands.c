/*  wbctl_commands: the command table, the command options, and one handler
    per command. See wbctl.h. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "wbctl.h"
#include "wb_clock.h"
#include "wb_events.h"
#include "wb_requests.h"
#include "wb_security.h"

#define WBCTL_PING_INTERVAL_MS 5000   /* well within the server's 10 s rule */
#define WBCTL_CELL_MAX 48             /* widest table cell, in columns */

// ---------------------------------------------------------------- options

//  Every command option, as a bit; a command's row says which it takes.
enum {
    OPT_FROM = 1u << 0,           /* content --from N */
    OPT_COUNT = 1u << 1,          /* content --count N */
    OPT_EVENTS = 1u << 2,         /* watch --count N */
    OPT_TIMEOUT = 1u << 3,        /* watch --timeout SEC */
    OPT_PROPERTY_CHANGES = 1u << 4,
    OPT_SUBJECT = 1u << 5,
    OPT_FROM_ADDRESS = 1u << 6,   /* submit --from ADDR */
    OPT_PERSONAL = 1u << 7,
    OPT_MEDIA = 1u << 8,
    OPT_TYPE = 1u << 9,
    OPT_SUBTYPE = 1u << 10,
    OPT_PRIORITY = 1u << 11,
    OPT_RECEIVED = 1u << 12,
    OPT_SET = 1u << 13,
    OPT_SPEED = 1u << 14,         /* play --speed X */
    OPT_LOOP = 1u << 15,          /* play --loop */
    OPT_DIR = 1u << 16,           /* keygen --dir DIR */
    OPT_AGENT = 1u << 17,         /* keygen --agent AGENT */
};

typedef enum { KIND_FLAG, KIND_INT, KIND_SECONDS, KIND_STRING, KIND_ASSIGNMENT } s_kind_t;

typedef struct {
    unsigned bit;
    const char *name;
    s_kind_t kind;
    size_t offset;            /* the field of wbctl_args_t it fills */
    int64_t low, high;        /* KIND_INT bounds */
    const char *value;        /* the argument's name in help */
    const char *help;
} s_option_t;

#define FIELD(name) offsetof (wbctl_args_t, name)

static const s_option_t s_options [] = {
    { OPT_FROM, "from", KIND_INT, FIELD (from), 0, INT64_MAX, "N",
      "content: first position to show, from 0 (default 0)" },
    { OPT_COUNT, "count", KIND_INT, FIELD (count), 1, INT64_MAX, "N",
      "content: how many to show (default: the server's cap)" },
    { OPT_EVENTS, "count", KIND_INT, FIELD (count), 1, INT64_MAX, "N",
      "watch: stop after N changes (exit 3 if time runs out)" },
    { OPT_TIMEOUT, "timeout", KIND_SECONDS, FIELD (timeout_ms), 0, 0, "SEC",
      "watch: stop after SEC seconds (default: never)" },
    { OPT_PROPERTY_CHANGES, "property-changes", KIND_FLAG, FIELD (property_changes), 0, 0, NULL,
      "subscribe, watch: report PropertiesChanged too" },
    { OPT_SUBJECT, "subject", KIND_STRING, FIELD (subject), 0, 0, "TEXT",
      "submit: the Subject (required)" },
    { OPT_FROM_ADDRESS, "from", KIND_STRING, FIELD (from_address), 0, 0, "ADDR",
      "submit: the FromAddress (required)" },
    { OPT_PERSONAL, "personal", KIND_STRING, FIELD (personal), 0, 0, "NAME",
      "submit: the FromPersonal (the sender's name)" },
    { OPT_MEDIA, "media", KIND_STRING, FIELD (media), 0, 0, "MEDIA",
      "submit: the MediaType (default email)" },
    { OPT_TYPE, "type", KIND_STRING, FIELD (type), 0, 0, "TYPE",
      "submit: the InteractionType (default Inbound)" },
    { OPT_SUBTYPE, "subtype", KIND_STRING, FIELD (subtype), 0, 0, "SUBTYPE",
      "submit: the InteractionSubtype (default: none)" },
    { OPT_PRIORITY, "priority", KIND_INT, FIELD (priority), INT64_MIN, INT64_MAX, "N",
      "submit: the Priority" },
    { OPT_RECEIVED, "received", KIND_STRING, FIELD (received), 0, 0, "TIME",
      "submit: ReceivedAt, yyyy-MM-ddTHH:mm:ssZ (default now)" },
    { OPT_SET, "set", KIND_ASSIGNMENT, FIELD (assignments), 0, 0, "KEY=VALUE",
      "submit: add to UserData; place: set a property" },
    { OPT_SPEED, "speed", KIND_STRING, FIELD (speed), 0, 0, "X",
      "play: divide every wait by X, a number above 0 (default 1)" },
    { OPT_LOOP, "loop", KIND_FLAG, FIELD (loop), 0, 0, NULL,
      "play: replay the file until Ctrl-C (exit 0)" },
    { OPT_DIR, "dir", KIND_STRING, FIELD (dir), 0, 0, "DIR",
      "keygen: write in DIR, created if need be (default .)" },
    { OPT_AGENT, "agent", KIND_STRING, FIELD (agent), 0, 0, "AGENT",
      "keygen: bind the key to AGENT, who alone may log in with it" },
};

#define OPTION_COUNT (sizeof (s_options) / sizeof (s_options [0]))

static int s_types (wbctl_t *self, const wbctl_args_t *args);
static int s_content (wbctl_t *self, const wbctl_args_t *args);
static int s_stats (wbctl_t *self, const wbctl_args_t *args);
static int s_subscribe (wbctl_t *self, const wbctl_args_t *args);
static int s_cancel (wbctl_t *self, const wbctl_args_t *args);
static int s_watch (wbctl_t *self, const wbctl_args_t *args);
static int s_submit (wbctl_t *self, const wbctl_args_t *args);
static int s_place (wbctl_t *self, const wbctl_args_t *args);
static int s_pull (wbctl_t *self, const wbctl_args_t *args);
static int s_change (wbctl_t *self, const wbctl_args_t *args);
static int s_stop (wbctl_t *self, const wbctl_args_t *args);
static int s_ping (wbctl_t *self, const wbctl_args_t *args);
static int s_keygen (wbctl_t *self, const wbctl_args_t *args);

#define SUBMIT_OPTIONS (OPT_SUBJECT | OPT_FROM_ADDRESS | OPT_PERSONAL | OPT_MEDIA | OPT_TYPE \
                        | OPT_SUBTYPE | OPT_PRIORITY | OPT_RECEIVED | OPT_SET)

static const wbctl_command_t s_commands [] = {
    { "types", 0, 0, 0, 0, -1, false, s_types, "",
      "list the workbin types and the owners you can see, with counts" },
    { "content", 1, 1, OPT_FROM | OPT_COUNT, 0, -1, true, s_content, "WB",
      "show the interactions of a workbin (RequestGetWorkbinContent)" },
    { "stats", 1, 1, 0, 0, -1, true, s_stats, "WB",
      "count the interactions of a workbin (RequestWorkbinStatistic)" },
    { "subscribe", 1, 1, OPT_PROPERTY_CHANGES, 0, -1, true, s_subscribe, "WB",
      "subscribe to a workbin and show the reply (RequestWorkbinNotifications)" },
    { "cancel", 1, 1, 0, 0, -1, true, s_cancel, "WB",
      "cancel a subscription and show the reply; a new wbctl has none, so the\n"
      "server answers EventError 1000 (RequestCancelWorkbinNotifications)" },
    { "watch", 1, -1, OPT_EVENTS | OPT_TIMEOUT | OPT_PROPERTY_CHANGES, 0, -1, true, s_watch, "WB...",
      "subscribe to workbins and print each change as it comes, until N changes,\n"
      "the timeout or Ctrl-C" },
    { "submit", 1, 1, SUBMIT_OPTIONS, OPT_SUBJECT | OPT_FROM_ADDRESS, -1, true, s_submit, "WB",
      "create an interaction in a workbin and print its InteractionId\n(RequestSubmit)" },
    { "place", 2, 2, OPT_SET, 0, -1, true, s_place, "ID WB",
      "move an interaction into a workbin (RequestPlaceInWorkbin)" },
    { "pull", 1, 1, 0, 0, -1, false, s_pull, "ID",
      "take an interaction out of its workbin to handle it (RequestPull)" },
    { "change", 2, -1, 0, 0, 1, false, s_change, "ID KEY=VALUE...",
      "change properties of an interaction; digits are sent as an int\n"
      "(RequestChangeProperties)" },
    { "stop", 1, 1, 0, 0, -1, false, s_stop, "ID",
      "finish an interaction: it leaves its workbin for good\n(RequestStopProcessing)" },
    { "ping", 0, 0, 0, 0, -1, false, s_ping, "",
      "check that the server answers (RequestPing)" },
    { "play", 1, 1, OPT_SPEED | OPT_LOOP, 0, -1, WBCTL_NEEDS_NOTHING, wbctl_play, "FILE",
      "run a scenario: one step a line, sessions kept open per agent, each\n"
      "reply reported on a line; exit 1 at an EventError no 'expect' covers\n"
      "(FILE - : standard input; see wbctl(1), SCENARIOS)" },
    { "keygen", 1, 1, OPT_DIR | OPT_AGENT, 0, -1, WBCTL_NEEDS_NOTHING, s_keygen, "NAME",
      "write a CURVE certificate pair: NAME, the public half for the server's\n"
      "--authorized-keys (or a client's --server-key), and NAME_secret, the\n"
      "--cert of its owner; no server is involved" },
};

#define COMMAND_COUNT (sizeof (s_commands) / sizeof (s_commands [0]))

const wbctl_command_t *
wbctl_command_find (const char *name)
{
    for (size_t index = 0; name && index < COMMAND_COUNT; index++)
        if (streq (s_commands [index].name, name))
            return &s_commands [index];
    return NULL;
}

void
wbctl_command_print_synopsis (const wbctl_command_t *command, FILE *stream, int column)
{
    int hang = column + (int) strlen (command->name) + 1;
    column += fprintf (stream, "%s%s%s", command->name, *command->arguments ? " " : "",
                       command->arguments);
    for (size_t index = 0; index < OPTION_COUNT; index++) {
        const s_option_t *option = &s_options [index];
        if (!(command->options & option->bit))
            continue;
        bool required = (command->required & option->bit) != 0;
        char token [64];
        int length = snprintf (token, sizeof (token), "%s--%s%s%s%s%s", required ? "" : "[",
                               option->name, option->value ? " " : "",
                               option->value ? option->value : "", required ? "" : "]",
                               option->kind == KIND_ASSIGNMENT ? "..." : "");
        if (column + 1 + length > 79)
            column = fprintf (stream, "\n%*s", hang, "") - 1;
        column += fprintf (stream, " %s", token);
    }
}

//  Text of one or more lines, each indented.
static void
s_print_indented (FILE *stream, const char *text, int indent)
{
    while (*text) {
        size_t length = strcspn (text, "\n");
        fprintf (stream, "%*s%.*s\n", indent, "", (int) length, text);
        text += length + (text [length] == '\n');
    }
}

void
wbctl_command_print_help (FILE *stream)
{
    fputs ("\nCommands:\n", stream);
    for (size_t index = 0; index < COMMAND_COUNT; index++) {
        fputs ("  ", stream);
        wbctl_command_print_synopsis (&s_commands [index], stream, 2);
        fputc ('\n', stream);
        s_print_indented (stream, s_commands [index].help, 6);
    }
    fputs ("\nCommand options:\n", stream);
    for (size_t index = 0; index < OPTION_COUNT; index++) {
        const s_option_t *option = &s_options [index];
        char left [64];
        snprintf (left, sizeof (left), "--%s%s%s", option->name, option->value ? " " : "",
                  option->value ? option->value : "");
        fprintf (stream, "  %-20s %s\n", left, option->help);
    }
}

//  Store one option's value into args; 0, or -1 after saying why.
static int
s_store_option (const char *command, const s_option_t *option, const char *value,
                wbctl_args_t *args)
{
    char *field = (char *) args + option->offset;
    char *end = NULL;
    long long number = 0;
    wb_kvlist_t **list = (wb_kvlist_t **) field;
    switch (option->kind) {
        case KIND_FLAG:
            *(bool *) field = true;
            return 0;
        case KIND_STRING:
            *(const char **) field = value;
            return 0;
        case KIND_ASSIGNMENT:
            if (!*list)
                *list = wb_kvlist_new ();
            return wbctl_add_assignment (*list, value) == WBCTL_OK ? 0 : -1;
        case KIND_SECONDS:
            number = (long long) (strtod (value, &end) * 1000 + 0.5);
            if (end == value || *end || number < 1 || number > 86400000)
                break;
            *(int *) field = (int) number;
            return 0;
        case KIND_INT:
            errno = 0;
            number = strtoll (value, &end, 10);
            if (errno || end == value || *end || number < option->low || number > option->high)
                break;
            *(int64_t *) field = number;
            return 0;
    }
    fprintf (stderr, "wbctl %s: invalid value for --%s: %s\nTry 'wbctl --help'.\n",
             command, option->name, value);
    return -1;
}

//  getopt_long's code for s_options [index]; 1 is a positional argument.
#define OPTION_CODE_BASE 256

//  The command's options as getopt_long wants them; val indexes s_options.
static void
s_getopt_table (const wbctl_command_t *command, struct option *options)
{
    size_t used = 0;
    for (size_t index = 0; index < OPTION_COUNT; index++)
        if (command->options & s_options [index].bit)
            options [used++] = (struct option) { s_options [index].name,
                s_options [index].kind == KIND_FLAG ? no_argument : required_argument,
                NULL, OPTION_CODE_BASE + (int) index };
    options [used] = (struct option) { NULL, 0, NULL, 0 };
}

//  The name of the first required option that was not given, or NULL.
static const char *
s_missing_option (const wbctl_command_t *command, unsigned given)
{
    for (size_t index = 0; index < OPTION_COUNT; index++)
        if (command->required & s_options [index].bit & ~given)
            return s_options [index].name;
    return NULL;
}

//  Check the count of arguments and the required options.
static int
s_check_arguments (const wbctl_command_t *command, const wbctl_args_t *args)
{
    const char *missing = s_missing_option (command, args->given);
    const char *problem = NULL;
    if (args->argc < command->min_args)
        problem = "missing arguments";
    else
    if (command->max_args >= 0 && args->argc > command->max_args)
        problem = "too many arguments";
    if (!problem && !missing)
        return WBCTL_OK;
    if (problem)
        fprintf (stderr, "wbctl %s: %s\n", command->name, problem);
    else
        fprintf (stderr, "wbctl %s: --%s is required\n", command->name, missing);
    fputs ("Usage: wbctl [OPTION]... ", stderr);
    wbctl_command_print_synopsis (command, stderr, 25);
    fputs ("\nTry 'wbctl --help'.\n", stderr);
    return WBCTL_USAGE;
}

//  Apply one option getopt_long returned. Return 0 or WBCTL_USAGE.
static int
s_apply_option (const wbctl_command_t *command, int code, const char *value,
                wbctl_args_t *args)
{
    size_t index = (size_t) (code - OPTION_CODE_BASE);
    if (code < OPTION_CODE_BASE || index >= OPTION_COUNT) {
        fputs ("Try 'wbctl --help'.\n", stderr);   //  getopt_long said why
        return WBCTL_USAGE;
    }
    if (s_store_option (command->name, &s_options [index], value, args) == -1)
        return WBCTL_USAGE;
    args->given |= s_options [index].bit;
    return WBCTL_OK;
}

//  The KEY=VALUE arguments of a command that takes them, typed.
static int
s_parse_assignments (const wbctl_command_t *command, wbctl_args_t *args)
{
    int status = WBCTL_OK;
    for (int index = command->assignments_from; status == WBCTL_OK && index >= 0
                                                && index < args->argc; index++) {
        if (!args->assignments)
            args->assignments = wb_kvlist_new ();
        status = wbctl_add_assignment (args->assignments, args->argv [index]);
    }
    return status;
}

int
wbctl_command_parse (const wbctl_command_t *command, int argc, char *argv [],
                     wbctl_args_t *args)
{
    static char program [64];
    struct option options [OPTION_COUNT + 1];
    *args = (wbctl_args_t) { .timeout_ms = -1 };
    s_getopt_table (command, options);
    snprintf (program, sizeof (program), "wbctl %s", command->name);
    argv [0] = program;         //  getopt_long's messages name the command
    optind = 0;                 //  start getopt_long afresh
    int status = WBCTL_OK;
    int code;
    //  "-": arguments come back in order as code 1, among the options;
    //  positional ones are gathered at the front of argv, after argv [0]
    while (status == WBCTL_OK && (code = getopt_long (argc, argv, "-", options, NULL)) != -1) {
        if (code == 1)
            argv [1 + args->argc++] = optarg;
        else
            status = s_apply_option (command, code, optarg, args);
    }
    for (int index = optind; status == WBCTL_OK && index < argc; index++)
        argv [1 + args->argc++] = argv [index];     //  those after "--"
    args->argv = argv + 1;
    if (status == WBCTL_OK)
        status = s_check_arguments (command, args);
    if (status == WBCTL_OK)
        status = s_parse_assignments (command, args);
    if (status != WBCTL_OK)
        wbctl_command_args_clear (args);
    return status;
}

void
wbctl_command_args_clear (wbctl_args_t *args)
{
    wb_kvlist_destroy (&args->assignments);
}

// ---------------------------------------------------------------- names

typedef struct {
    int64_t value;
    const char *name;
} s_name_t;

static const s_name_t s_states [] = {
    { WB_STATE_QUEUED, "Queued" }, { WB_STATE_CACHED, "Cached" },
    { WB_STATE_ROUTING, "Routing" }, { WB_STATE_HANDLING, "Handling" },
};
static const s_name_t s_content_operations [] = {
    { WB_CONTENT_TAKEN_OUT, "TakenOut" }, { WB_CONTENT_PLACED_IN, "PlacedIn" },
    { WB_CONTENT_PROPERTIES_CHANGED, "PropertiesChanged" },
};
static const s_name_t s_operations [] = {
    { WB_OPERATION_UNKNOWN, "Unknown" }, { WB_OPERATION_PULL, "Pull" },
    { WB_OPERATION_CREATE, "Create" }, { WB_OPERATION_STOP, "Stop" },
    { WB_OPERATION_PLACE_IN_WORKBIN, "PlaceInWorkbin" },
    { WB_OPERATION_PLACE_IN_QUEUE, "PlaceInQueue" },
};
static const s_name_t s_owner_types [] = {
    { WB_OWNER_AGENT, "Agent" }, { WB_OWNER_PLACE, "Place" },
    { WB_OWNER_PLACE_GROUP, "PlaceGroup" }, { WB_OWNER_AGENT_GROUP, "AgentGroup" },
};

#define NAMES(table) table, sizeof (table) / sizeof (table [0])

//  The name of a value in a table, or the number itself in buffer.
static const char *
s_name_of (const s_name_t *table, size_t count, int64_t value, char *buffer, size_t size)
{
    for (size_t index = 0; index < count; index++)
        if (table [index].value == value)
            return table [index].name;
    snprintf (buffer, size, "%" PRId64, value);
    return buffer;
}

//  A property as text: strings as they are, InteractionState by name.
static const char *
s_property_text (const wb_kvlist_t *properties, const char *key, char *buffer, size_t size)
{
    size_t bytes = 0;
    buffer [0] = 0;
    switch (wb_kvlist_type (properties, key)) {
        case WB_TYPE_STRING:
            return wb_kvlist_string (properties, key);
        case WB_TYPE_INT:
            if (streq (key, WB_ATTR_INTERACTION_STATE))
                return s_name_of (NAMES (s_states), wb_kvlist_int_or (properties, key, 0),
                                  buffer, size);
            snprintf (buffer, size, "%" PRId64, wb_kvlist_int_or (properties, key, 0));
            break;
        case WB_TYPE_BINARY:
            wb_kvlist_binary (properties, key, &bytes);
            snprintf (buffer, size, "<%zu bytes>", bytes);
            break;
        case WB_TYPE_LIST:
            wb_kvlist_print (wb_kvlist_list (properties, key), buffer, size);
            break;
    }
    return buffer;
}

//  Print text on one line: control characters become '?'.
static void
s_print_one_line (const char *text)
{
    for (; text && *text; text++)
        putchar ((unsigned char) *text < 0x20 || *text == 0x7F ? '?' : *text);
}

// ---------------------------------------------------------------- exchange

typedef void (s_printer_fn) (const char *request, const char *what, const wb_msg_t *reply);

//  Send a request, check its reply and print it (in human form: the JSON
//  line is printed on receipt). Return the exit status.
static int
s_exchange (wbctl_t *self, wb_msg_t **request_p, const char *expected, const char *what,
            s_printer_fn *printer)
{
    if (!*request_p) {
        fputs ("wbctl: a value is over the protocol's limits (PROTOCOL.md)\n", stderr);
        return WBCTL_USAGE;
    }
    char request [64];
    snprintf (request, sizeof (request), "%s", wb_msg_name (*request_p));
    int status = WBCTL_OK;
    wb_msg_t *reply = wbctl_request (self, request_p, &status);
    if (!reply)
        return status;
    status = wbctl_check_reply (reply, expected);
    if (status == WBCTL_OK && !self->json && printer)
        printer (request, what, reply);
    wb_msg_destroy (&reply);
    return status;
}


// ---------------------------------------------------------------- printers

static void
s_print_ack (const char *request, const char *what, const wb_msg_t *reply)
{
    wb_event_ack_t ack;
    wb_event_read_ack (reply, &ack);
    printf ("%s %s%s%s", wb_msg_name (reply), request, *what ? " " : "", what);
    if (ack.workbin_version != WB_ABSENT)
        printf (" version %" PRId64, ack.workbin_version);
    putchar ('\n');
}

static void
s_print_submitted (const char *request, const char *what, const wb_msg_t *reply)
{
    (void) request, (void) what;
    wb_event_ack_t ack;
    wb_event_read_ack (reply, &ack);
    printf ("%s\n", ack.interaction_id ? ack.interaction_id : "");
}

//  The columns of the content table: title, property.
static const char *s_content_columns [][2] = {
    { WB_ATTR_INTERACTION_ID, WB_ATTR_INTERACTION_ID }, { "From", WB_ATTR_FROM_ADDRESS },
    { WB_ATTR_SUBJECT, WB_ATTR_SUBJECT }, { "Received", WB_ATTR_RECEIVED_AT },
    { "State", WB_ATTR_INTERACTION_STATE },
};

#define CONTENT_COLUMNS (sizeof (s_content_columns) / sizeof (s_content_columns [0]))

static void
s_print_interactions (const wb_kvlist_t *interactions)
{
    const char *titles [CONTENT_COLUMNS];
    for (size_t column = 0; column < CONTENT_COLUMNS; column++)
        titles [column] = s_content_columns [column][0];
    wbctl_table_t *table = wbctl_table_new (titles, CONTENT_COLUMNS, WBCTL_CELL_MAX);
    for (size_t row = 0; table && row < wb_kvlist_size (interactions); row++) {
        const wb_kvlist_t *interaction = wb_kvlist_list_at (interactions, row);
        char buffers [CONTENT_COLUMNS][64];
        const char *cells [CONTENT_COLUMNS];
        for (size_t column = 0; column < CONTENT_COLUMNS; column++)
            cells [column] = s_property_text (interaction, s_content_columns [column][1],
                                              buffers [column], sizeof (buffers [column]));
        wbctl_table_add (table, cells);
    }
    wbctl_table_print (table, stdout);
    wbctl_table_destroy (&table);
}

static void
s_print_content (const char *request, const char *what, const wb_msg_t *reply)
{
    (void) request;
    wb_event_content_t page;
    wb_event_read_content (reply, &page);
    int64_t shown = (int64_t) wb_kvlist_size (page.interactions);
    printf ("%s: %" PRId64 " interaction%s", what, page.total_count,
            page.total_count == 1 ? "" : "s");
    if (shown > 0)
        printf (" (showing %" PRId64 "-%" PRId64 ")", page.from + 1, page.from + shown);
    else
    if (page.total_count > 0)
        printf (" (none from %" PRId64 ")", page.from + 1);
    printf (", version %" PRId64 "\n", page.version);
    if (shown > 0)
        s_print_interactions (page.interactions);
}

static void
s_print_statistic (const char *request, const char *what, const wb_msg_t *reply)
{
    (void) request;
    wb_event_statistic_t statistic;
    wb_event_read_statistic (reply, &statistic);
    printf ("%s: %" PRId64 " interaction%s, version %" PRId64, what, statistic.count,
            statistic.count == 1 ? "" : "s", statistic.version);
    if (statistic.oldest && statistic.newest)
        printf (", moved in from %s to %s", statistic.oldest, statistic.newest);
    putchar ('\n');
}

//  One interaction's properties, a row each.
static void
s_print_properties (const wb_kvlist_t *properties)
{
    const char *titles [] = { "Property", "Value" };
    wbctl_table_t *table = wbctl_table_new (titles, 2, 0);
    for (size_t index = 0; table && index < wb_kvlist_size (properties); index++) {
        char buffer [1024];
        const char *key = wb_kvlist_key_at (properties, index);
        const char *cells [] = { key, s_property_text (properties, key, buffer, sizeof (buffer)) };
        wbctl_table_add (table, cells);
    }
    wbctl_table_print (table, stdout);
    wbctl_table_destroy (&table);
}

static void
s_print_pulled (const char *request, const char *what, const wb_msg_t *reply)
{
    (void) request, (void) what;
    wb_event_pulled_t pulled;
    wb_event_read_pulled (reply, &pulled);
    for (size_t index = 0; index < wb_kvlist_size (pulled.interactions); index++) {
        const wb_kvlist_t *interaction = wb_kvlist_list_at (pulled.interactions, index);
        const char *id = wb_kvlist_string (interaction, WB_ATTR_INTERACTION_ID);
        printf ("%sPulled %s\n", index ? "\n" : "", id ? id : "?");
        s_print_properties (interaction);
    }
}

//  One row per owner of a type; one row for a type with none visible.
static void
s_add_type_rows (wbctl_table_t *table, const wb_kvlist_t *entry)
{
    char workbin [256], number [32], kind [32];
    wb_event_type_info_t info;
    wb_event_read_type_info (entry, &info);
    const char *owner_type = s_name_of (NAMES (s_owner_types), info.owner_type,
                                        kind, sizeof (kind));
    const char *cells [] = { info.type_id, info.display_name, owner_type,
                             "(none you can see)", "", "" };
    if (wb_kvlist_size (info.owners) == 0)
        wbctl_table_add (table, cells);
    for (size_t index = 0; index < wb_kvlist_size (info.owners); index++) {
        wb_event_owner_t owner;
        wb_event_read_owner (wb_kvlist_list_at (info.owners, index), &owner);
        snprintf (workbin, sizeof (workbin), "%s@%s", info.type_id ? info.type_id : "?",
                  owner.owner_id);
        snprintf (number, sizeof (number), "%" PRId64, owner.count);
        const char *row [] = { workbin, info.display_name, owner_type, owner.owner_name,
                               owner.relation, number };
        wbctl_table_add (table, row);
    }
}

static void
s_print_types (const char *request, const char *what, const wb_msg_t *reply)
{
    (void) request, (void) what;
    const char *titles [] = { "Workbin", "Name", "Owner type", "Owner", "Relation", ">Count" };
    wb_workbin_types_t *types = wb_workbin_types_new (wb_msg_body_const (reply));
    wbctl_table_t *table = wbctl_table_new (titles, 6, WBCTL_CELL_MAX);
    for (size_t index = 0; table && index < wb_workbin_types_size (types); index++)
        s_add_type_rows (table, wb_workbin_types_at (types, index));
    wbctl_table_print (table, stdout);
    wbctl_table_destroy (&table);
    wb_workbin_types_destroy (&types);
}

//  One line per change: what, where, which interaction, who, why.
static void
s_print_change (const wb_msg_t *event)
{
    wb_event_change_t change;
    wb_event_read_change (event, &change);
    char workbin [256], number [2][32];
    const char *subject = wb_kvlist_string (change.interaction, WB_ATTR_SUBJECT);
    printf ("%s %s version %" PRId64 " %s \"",
            s_name_of (NAMES (s_content_operations), change.content_operation,
                       number [0], sizeof (number [0])),
            wb_workbin_label (&change.workbin, workbin, sizeof (workbin)),
            change.version, change.interaction_id ? change.interaction_id : "?");
    s_print_one_line (subject ? subject : "");
    printf ("\" by %s (%s)\n", change.actor ? change.actor : "?",
            s_name_of (NAMES (s_operations), change.operation, number [1], sizeof (number [1])));
}

// ---------------------------------------------------------------- commands

static int
s_types (wbctl_t *self, const wbctl_args_t *args)
{
    (void) args;
    wb_msg_t *request = wb_request_workbin_types_info (self->tenant_id);
    return s_exchange (self, &request, WB_MSG_EVENT_WORKBIN_TYPES_INFO, "", s_print_types);
}

static int
s_content (wbctl_t *self, const wbctl_args_t *args)
{
    wbctl_workbin_t named;
    int status = wbctl_resolve (self, args->argv [0], &named);
    if (status != WBCTL_OK)
        return status;
    wb_msg_t *request = wb_request_get_workbin_content (
        &named.workbin, args->given & OPT_FROM ? args->from : WB_ABSENT,
        args->given & OPT_COUNT ? args->count : WB_ABSENT);
    return s_exchange (self, &request, WB_MSG_EVENT_WORKBIN_CONTENT, named.label,
                       s_print_content);
}

static int
s_stats (wbctl_t *self, const wbctl_args_t *args)
{
    wbctl_workbin_t named;
    int status = wbctl_resolve (self, args->argv [0], &named);
    if (status != WBCTL_OK)
        return status;
    wb_msg_t *request = wb_request_workbin_statistic (&named.workbin);
    return s_exchange (self, &request, WB_MSG_EVENT_WORKBIN_STATISTIC, named.label,
                       s_print_statistic);
}

static int
s_subscribe_to (wbctl_t *self, const char *name, bool property_changes)
{
    wbctl_workbin_t named;
    int status = wbctl_resolve (self, name, &named);
    if (status != WBCTL_OK)
        return status;
    wb_msg_t *request = wb_request_workbin_notifications (&named.workbin, property_changes);
    return s_exchange (self, &request, WB_MSG_EVENT_ACK, named.label, s_print_ack);
}

static int
s_subscribe (wbctl_t *self, const wbctl_args_t *args)
{
    return s_subscribe_to (self, args->argv [0], args->property_changes);
}

static int
s_cancel (wbctl_t *self, const wbctl_args_t *args)
{
    wbctl_workbin_t named;
    int status = wbctl_resolve (self, args->argv [0], &named);
    if (status != WBCTL_OK)
        return status;
    wb_msg_t *request = wb_request_cancel_workbin_notifications (&named.workbin);
    return s_exchange (self, &request, WB_MSG_EVENT_ACK, named.label, s_print_ack);
}

//  A RequestPing to keep the session alive while watching.
static int
s_keep_alive (wbctl_t *self)
{
    wb_msg_t *request = wb_request_ping ();
    wb_msg_t *reply = wb_client_request (self->client, &request, self->timeout_ms);
    if (!reply && !wbctl_interrupted ())
        wbctl_print_no_answer (self);
    int status = reply ? wbctl_check_reply (reply, WB_MSG_EVENT_ACK)
               : wbctl_interrupted () ? WBCTL_OK : WBCTL_NO_ANSWER;
    wb_msg_destroy (&reply);
    return status;
}

//  Show one unsolicited event; -1 to go on, else an exit status.
static int
s_watch_event (wbctl_t *self, const wb_msg_t *event, int64_t *changes)
{
    wbctl_print_json (self, event);
    if (wb_msg_is (event, WB_ROW_EVENT_ERROR))
        return wbctl_check_reply (event, "");
    if (wb_msg_is (event, WB_ROW_EVENT_WORKBIN_CONTENT_CHANGED)) {
        (*changes)++;
        if (!self->json)
            s_print_change (event);
    }
    else
    if (!self->json) {
        //  EventPropertiesChanged, or a newer server's event: its name, and
        //  the interaction it is about if it names one
        const char *id = wb_kvlist_string (wb_msg_body_const (event), WB_ATTR_INTERACTION_ID);
        printf ("%s%s%s\n", wb_msg_name (event), id ? " " : "", id ? id : "");
    }
    return -1;
}

static int
s_watch_timeout (const wbctl_args_t *args, int64_t changes)
{
    if (!(args->given & OPT_EVENTS))
        return WBCTL_OK;
    fprintf (stderr, "wbctl: watch: %" PRId64 " of %" PRId64 " changes within %g s\n",
             changes, args->count, args->timeout_ms / 1000.0);
    return WBCTL_NO_ANSWER;
}

//  Wait for changes, pinging the server every few seconds.
static int
s_watch_loop (wbctl_t *self, const wbctl_args_t *args)
{
    int64_t now = zclock_mono ();
    int64_t deadline = args->timeout_ms < 0 ? INT64_MAX : now + args->timeout_ms;
    int64_t next_ping = now + WBCTL_PING_INTERVAL_MS;
    int64_t changes = 0;
    while (!wbctl_interrupted ()) {
        if ((args->given & OPT_EVENTS) && changes >= args->count)
            return WBCTL_OK;
        now = zclock_mono ();
        if (now >= deadline)
            return s_watch_timeout (args, changes);
        int status = -1;
        if (now >= next_ping) {
            status = s_keep_alive (self);
            next_ping = now + WBCTL_PING_INTERVAL_MS;
            if (status != WBCTL_OK)
                return status;
            continue;
        }
        wb_msg_t *event = wb_client_next_event (self->client,
                                                (int) ((deadline < next_ping ? deadline : next_ping) - now));
        if (event)
            status = s_watch_event (self, event, &changes);
        wb_msg_destroy (&event);
        if (status >= 0)
            return status;
    }
    return WBCTL_OK;
}

static int
s_watch (wbctl_t *self, const wbctl_args_t *args)
{
    for (int index = 0; index < args->argc; index++) {
        int status = s_subscribe_to (self, args->argv [index], args->property_changes);
        if (status != WBCTL_OK)
            return status;
    }
    return s_watch_loop (self, args);
}

//  ReceivedAt when none is given: now, in UTC.
static const char *
s_now (char *buffer, size_t size)
{
    wb_clock_now_text (buffer, size);
    return buffer;
}

static int
s_submit (wbctl_t *self, const wbctl_args_t *args)
{
    wbctl_workbin_t named;
    int status = wbctl_resolve (self, args->argv [0], &named);
    if (status != WBCTL_OK)
        return status;
    char now [32];
    wb_submission_t submission = {
        .workbin = named.workbin,
        .media_type = args->media ? args->media : WB_DEFAULT_MEDIA_TYPE,
        .interaction_type = args->type ? args->type : WB_DEFAULT_INTERACTION_TYPE,
        .interaction_subtype = args->subtype, .subject = args->subject,
        .from_address = args->from_address, .from_personal = args->personal,
        .received_at = args->received ? args->received : s_now (now, sizeof (now)),
        .has_priority = (args->given & OPT_PRIORITY) != 0, .priority = args->priority,
        .has_tenant_id = true, .tenant_id = self->tenant_id,
        .user_data = args->assignments,
    };
    wb_msg_t *request = wb_request_submit (&submission);
    return s_exchange (self, &request, WB_MSG_EVENT_ACK, named.label, s_print_submitted);
}

static int
s_place (wbctl_t *self, const wbctl_args_t *args)
{
    wbctl_workbin_t named;
    int status = wbctl_resolve (self, args->argv [1], &named);
    if (status != WBCTL_OK)
        return status;
    char what [300];
    snprintf (what, sizeof (what), "%s to %s", args->argv [0], named.label);
    wb_property_changes_t changes = { .changed = args->assignments };
    wb_msg_t *request = wb_request_place_in_workbin (args->argv [0], &named.workbin, &changes);
    return s_exchange (self, &request, WB_MSG_EVENT_ACK, what, s_print_ack);
}

static int
s_pull (wbctl_t *self, const wbctl_args_t *args)
{
    wb_msg_t *request = wb_request_pull (args->argv [0]);
    return s_exchange (self, &request, WB_MSG_EVENT_PULLED_INTERACTIONS, args->argv [0],
                       s_print_pulled);
}

static int
s_change (wbctl_t *self, const wbctl_args_t *args)
{
    wb_property_changes_t changes = { .changed = args->assignments };
    wb_msg_t *request = wb_request_change_properties (args->argv [0], &changes);
    return s_exchange (self, &request, WB_MSG_EVENT_ACK, args->argv [0], s_print_ack);
}

static int
s_stop (wbctl_t *self, const wbctl_args_t *args)
{
    wb_msg_t *request = wb_request_stop_processing (args->argv [0]);
    return s_exchange (self, &request, WB_MSG_EVENT_ACK, args->argv [0], s_print_ack);
}

static int
s_ping (wbctl_t *self, const wbctl_args_t *args)
{
    (void) args;
    wb_msg_t *request = wb_request_ping ();
    return s_exchange (self, &request, WB_MSG_EVENT_ACK, "", s_print_ack);
}

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
