/*  wbctl_args: a command's options and arguments. One table of the
    command options (a row each: its bit, name, kind, where its value goes,
    help); a command's row in wbctl_commands.c says which it takes. The
    parser, the synopsis in usage errors and the listing of --help all come
    from the two tables. See wbctl.h.
*/
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "wbctl.h"

typedef enum { KIND_FLAG, KIND_INT, KIND_SECONDS, KIND_STRING, KIND_ASSIGNMENT } s_kind_t;

typedef struct {
    unsigned bit;
    const char *name;
    s_kind_t kind;
    size_t offset;            /* the field of wbctl_args_t it fills */
    const char *property;     /* or: the KEY=VALUE of assignments it adds */
    int64_t low, high;        /* KIND_INT bounds */
    const char *value;        /* the argument's name in help */
    const char *help;
} s_option_t;

#define FIELD(name) .offset = offsetof (wbctl_args_t, name)

static const s_option_t s_options [] = {
    { .bit = WBCTL_OPT_FROM, .name = "from", .kind = KIND_INT, FIELD (from),
      .low = 0, .high = INT64_MAX, .value = "N",
      .help = "content: first position to show, from 0 (default 0)" },
    { .bit = WBCTL_OPT_COUNT, .name = "count", .kind = KIND_INT, FIELD (count),
      .low = 1, .high = INT64_MAX, .value = "N",
      .help = "content: how many to show (default: the server's cap)" },
    { .bit = WBCTL_OPT_EVENTS, .name = "count", .kind = KIND_INT, FIELD (count),
      .low = 1, .high = INT64_MAX, .value = "N",
      .help = "watch: stop after N changes (exit 3 if time runs out)" },
    { .bit = WBCTL_OPT_TIMEOUT, .name = "timeout", .kind = KIND_SECONDS, FIELD (timeout_ms),
      .value = "SEC", .help = "watch: stop after SEC seconds (default: never)" },
    { .bit = WBCTL_OPT_PROPERTY_CHANGES, .name = "property-changes", .kind = KIND_FLAG,
      FIELD (property_changes), .help = "subscribe, watch: report PropertiesChanged too" },
    { .bit = WBCTL_OPT_SUBJECT, .name = "subject", .kind = KIND_STRING,
      .property = WB_ATTR_SUBJECT, .value = "TEXT", .help = "submit: the Subject (required)" },
    { .bit = WBCTL_OPT_FROM_ADDRESS, .name = "from", .kind = KIND_STRING,
      .property = WB_ATTR_FROM_ADDRESS, .value = "ADDR",
      .help = "submit: the FromAddress (required)" },
    { .bit = WBCTL_OPT_PERSONAL, .name = "personal", .kind = KIND_STRING,
      .property = WB_ATTR_FROM_PERSONAL, .value = "NAME",
      .help = "submit: the FromPersonal (the sender's name)" },
    { .bit = WBCTL_OPT_MEDIA, .name = "media", .kind = KIND_STRING,
      .property = WB_ATTR_MEDIA_TYPE, .value = "MEDIA",
      .help = "submit: the MediaType (default " WB_DEFAULT_MEDIA_TYPE ")" },
    { .bit = WBCTL_OPT_TYPE, .name = "type", .kind = KIND_STRING,
      .property = WB_ATTR_INTERACTION_TYPE, .value = "TYPE",
      .help = "submit: the InteractionType (default " WB_DEFAULT_INTERACTION_TYPE ")" },
    { .bit = WBCTL_OPT_SUBTYPE, .name = "subtype", .kind = KIND_STRING,
      .property = WB_ATTR_INTERACTION_SUBTYPE, .value = "SUBTYPE",
      .help = "submit: the InteractionSubtype (default: none)" },
    { .bit = WBCTL_OPT_PRIORITY, .name = "priority", .kind = KIND_INT,
      .property = WB_ATTR_PRIORITY, .low = INT64_MIN, .high = INT64_MAX, .value = "N",
      .help = "submit: the Priority" },
    { .bit = WBCTL_OPT_RECEIVED, .name = "received", .kind = KIND_STRING,
      .property = WB_ATTR_RECEIVED_AT, .value = "TIME",
      .help = "submit: ReceivedAt, yyyy-MM-ddTHH:mm:ssZ (default: the\n"
              "server's now)" },
    { .bit = WBCTL_OPT_SET, .name = "set", .kind = KIND_ASSIGNMENT, FIELD (assignments),
      .value = "KEY=VALUE",
      .help = "submit: set a property, or add KEY to UserData if it is\n"
              "none of RequestSubmit's; place: set a property" },
    { .bit = WBCTL_OPT_SPEED, .name = "speed", .kind = KIND_STRING, FIELD (speed), .value = "X",
      .help = "play: divide every wait by X, a number above 0 (default 1)" },
    { .bit = WBCTL_OPT_LOOP, .name = "loop", .kind = KIND_FLAG, FIELD (loop),
      .help = "play: replay the file until Ctrl-C (exit 0)" },
    { .bit = WBCTL_OPT_TRACE, .name = "trace", .kind = KIND_STRING, FIELD (trace),
      .value = "FILE", .help = "play: write the message flow of the play to FILE, a\n"
                               "sequence diagram as its extension says: .svg, .mmd\n"
                               "(Mermaid), .puml (PlantUML) or .txt" },
    { .bit = WBCTL_OPT_CLOCK, .name = "clock", .kind = KIND_STRING, FIELD (clock),
      .value = "TIME", .help = "play: pin the clock of the trace at TIME\n"
                               "(yyyy-MM-ddTHH:mm:ssZ); each wait moves it on" },
    { .bit = WBCTL_OPT_DIR, .name = "dir", .kind = KIND_STRING, FIELD (dir), .value = "DIR",
      .help = "keygen: write in DIR, created if need be (default .)" },
    { .bit = WBCTL_OPT_AGENT, .name = "agent", .kind = KIND_STRING, FIELD (agent),
      .value = "AGENT", .help = "keygen: bind the key to AGENT, who alone may log in with it" },
    { .bit = WBCTL_OPT_IDEMPOTENCY_KEY, .name = "idempotency-key", .kind = KIND_STRING,
      FIELD (idempotency_key), .value = "KEY",
      .help = "submit: the IdempotencyKey (default: a new random one); a\n"
              "submit that got no answer, run again with its KEY, is\n"
              "not made twice" },
};

#define OPTION_COUNT WB_COUNT_OF (s_options)

//  getopt_long's code for s_options [index]; 1 is a positional argument.
#define OPTION_CODE_BASE 256

// ---------------------------------------------------------------- KEY=VALUE

//  True if text is an integer in its plain form that fits in 64 bits.
static bool
s_is_plain_integer (const char *text, int64_t *value)
{
    const char *digits = text + (*text == '-');
    if (!*digits || strspn (digits, "0123456789") != strlen (digits)
    ||  (digits [0] == '0' && (digits [1] || digits != text)))
        return false;
    errno = 0;
    long long number = strtoll (text, NULL, 10);
    *value = number;
    return errno == 0;
}

int
wbctl_parse_assignment (wb_kvlist_t *list, const char *assignment, const char **problem)
{
    const char *equals = strchr (assignment, '=');
    char key [WB_KEY_MAX + 1];
    size_t length = equals ? (size_t) (equals - assignment) : 0;
    *problem = "expected KEY=VALUE, not";
    if (length == 0 || length > WB_KEY_MAX)
        return -1;
    memcpy (key, assignment, length);
    key [length] = 0;
    int64_t number = 0;
    int rc = s_is_plain_integer (equals + 1, &number)
           ? wb_kvlist_add_int (list, key, number)
           : wb_kvlist_add_string (list, key, equals + 1);
    *problem = "invalid key (printable ASCII, no spaces):";
    return rc;
}

//  The same, as a usage error: 0, or WBCTL_USAGE after printing why.
static int
s_add_assignment (wb_kvlist_t **list, const char *assignment)
{
    const char *problem = NULL;
    if (!*list)
        *list = wb_kvlist_new ();
    if (wbctl_parse_assignment (*list, assignment, &problem) == 0)
        return WBCTL_OK;
    fprintf (stderr, "wbctl: %s %s\nTry 'wbctl --help'.\n", problem, assignment);
    return WBCTL_USAGE;
}

// ---------------------------------------------------------------- options

//  Put an option's string or int where its row says: a field of args, or
//  an entry of args->assignments named by its property. 0, or -1 for a
//  string over the protocol's limits.
static int
s_put (const s_option_t *option, wbctl_args_t *args, const char *text, int64_t number)
{
    char *field = (char *) args + option->offset;
    if (option->property && !args->assignments)
        args->assignments = wb_kvlist_new ();
    if (option->property && option->kind == KIND_INT)
        return wb_kvlist_add_int (args->assignments, option->property, number);
    if (option->property)
        return wb_kvlist_add_string (args->assignments, option->property, text);
    if (option->kind == KIND_INT)
        *(int64_t *) field = number;
    else
        *(const char **) field = text;
    return 0;
}

//  Store one option's value into args; 0, or WBCTL_USAGE after saying why.
static int
s_store_option (const char *command, const s_option_t *option, const char *value,
                wbctl_args_t *args)
{
    char *field = (char *) args + option->offset;
    char *end = NULL;
    long long number = 0;
    switch (option->kind) {
        case KIND_FLAG:
            *(bool *) field = true;
            return WBCTL_OK;
        case KIND_STRING:
            if (s_put (option, args, value, 0) == 0)
                return WBCTL_OK;
            fprintf (stderr, "wbctl %s: --%s is over the protocol's limits (PROTOCOL.md)\n"
                             "Try 'wbctl --help'.\n", command, option->name);
            return WBCTL_USAGE;
        case KIND_ASSIGNMENT:
            return s_add_assignment (&args->assignments, value);
        case KIND_SECONDS:
            number = (long long) (strtod (value, &end) * 1000 + 0.5);
            if (end == value || *end || number < 1 || number > 86400000)
                break;
            *(int *) field = (int) number;
            return WBCTL_OK;
        case KIND_INT:
            errno = 0;
            number = strtoll (value, &end, 10);
            if (errno || end == value || *end || number < option->low || number > option->high)
                break;
            s_put (option, args, value, number);    //  an int always fits
            return WBCTL_OK;
    }
    fprintf (stderr, "wbctl %s: invalid value for --%s: %s\nTry 'wbctl --help'.\n",
             command, option->name, value);
    return WBCTL_USAGE;
}

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
    int status = s_store_option (command->name, &s_options [index], value, args);
    args->given |= s_options [index].bit;
    return status;
}

// ---------------------------------------------------------------- checks

//  A usage error of a command: what is wrong, its synopsis, the hint.
static int
s_command_usage (const wbctl_command_t *command, const char *problem)
{
    fprintf (stderr, "wbctl %s: %s\n", command->name, problem);
    fputs ("Usage: wbctl [OPTION]... ", stderr);
    wbctl_command_print_synopsis (command, stderr, 25);
    fputs ("\nTry 'wbctl --help'.\n", stderr);
    return WBCTL_USAGE;
}

//  Check the count of arguments and the required options.
static int
s_check_arguments (const wbctl_command_t *command, const wbctl_args_t *args)
{
    char problem [WBCTL_TEXT_MAX];
    if (args->argc < command->min_args)
        return s_command_usage (command, "missing arguments");
    if (command->max_args >= 0 && args->argc > command->max_args)
        return s_command_usage (command, "too many arguments");
    for (size_t index = 0; index < OPTION_COUNT; index++)
        if (command->required & s_options [index].bit & ~args->given) {
            snprintf (problem, sizeof (problem), "--%s is required", s_options [index].name);
            return s_command_usage (command, problem);
        }
    return WBCTL_OK;
}

//  The KEY=VALUE arguments of a command that takes them, typed; then the
//  command's own checks.
static int
s_check_assignments (const wbctl_command_t *command, wbctl_args_t *args)
{
    int status = WBCTL_OK;
    for (int index = command->assignments_from; status == WBCTL_OK && index > 0
                                                && index < args->argc; index++)
        status = s_add_assignment (&args->assignments, args->argv [index]);
    char problem [WBCTL_TEXT_MAX];
    if (status == WBCTL_OK && command->check
    &&  command->check (args, problem, sizeof (problem)))
        status = s_command_usage (command, problem);
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
        status = s_check_assignments (command, args);
    if (status != WBCTL_OK)
        wbctl_command_args_clear (args);
    return status;
}

void
wbctl_command_args_clear (wbctl_args_t *args)
{
    wb_kvlist_destroy (&args->assignments);
}

// ---------------------------------------------------------------- help

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

//  Text of one or more lines, the first after what is already on the
//  line, the others indented.
static void
s_print_lines (FILE *stream, const char *text, int indent)
{
    for (const char *line = text; *line; ) {
        size_t length = strcspn (line, "\n");
        fprintf (stream, "%*s%.*s\n", line == text ? 0 : indent, "", (int) length, line);
        line += length + (line [length] == '\n');
    }
}

void
wbctl_command_print_help (FILE *stream)
{
    fputs ("\nCommands:\n", stream);
    const wbctl_command_t *command;
    for (size_t index = 0; (command = wbctl_command_at (index)); index++) {
        fputs ("  ", stream);
        wbctl_command_print_synopsis (command, stream, 2);
        fprintf (stream, "\n%6s", "");
        s_print_lines (stream, command->help, 6);
    }
    fputs ("\nCommand options:\n", stream);
    for (size_t index = 0; index < OPTION_COUNT; index++) {
        const s_option_t *option = &s_options [index];
        char left [64];
        snprintf (left, sizeof (left), "--%s%s%s", option->name, option->value ? " " : "",
                  option->value ? option->value : "");
        fprintf (stream, "  %-20s ", left);
        s_print_lines (stream, option->help, 23);
    }
}
