/*  wbctl: the command-line client of wbserver. Usage: wbctl --help.

    Registers (as an agent application that logs in with -a, else as a
    media server), runs one command, unregisters and exits. See wbctl.h for
    the split between this file and wbctl_commands.c, and doc/wbctl.1.
*/
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "config.h"
#include "wbctl.h"
#include "wb_clock.h"
#include "wb_events.h"
#include "wb_json.h"
#include "wb_requests.h"
#include "wb_security.h"

#define WBCTL_DEFAULT_TIMEOUT_MS 5000
#define WBCTL_GOODBYE_TIMEOUT_MS 1000
#define WBCTL_CLIENT_NAME "wbctl"

// ---------------------------------------------------------------- signals

static volatile sig_atomic_t s_interrupted = 0;

//  SIGINT / SIGTERM: only set flags. zsys_interrupted also stops the waits
//  inside wb_client, which check it.
static void
s_on_signal (int signal_number)
{
    (void) signal_number;
    s_interrupted = 1;
    zsys_interrupted = 1;
}

bool
wbctl_interrupted (void)
{
    return s_interrupted != 0;
}

void
wbctl_interrupted_clear (void)
{
    s_interrupted = 0;
    zsys_interrupted = 0;
}

//  CZMQ must neither print nor own the signals: no log stream, no syslog,
//  its handler off and ours in place.
static void
s_quiet_czmq (void)
{
    zsys_init ();
    zsys_set_logstream (NULL);
    zsys_set_logsystem (false);
    zsys_handler_set (NULL);
    const int signals [] = { SIGINT, SIGTERM };
    for (size_t index = 0; index < sizeof (signals) / sizeof (signals [0]); index++) {
        struct sigaction action, previous;
        memset (&action, 0, sizeof (action));
        action.sa_handler = s_on_signal;     //  no SA_RESTART: waits end at once
        sigemptyset (&action.sa_mask);
        //  A signal the shell told us to ignore (a background job's SIGINT)
        //  stays ignored
        if (sigaction (signals [index], NULL, &previous) == 0 && previous.sa_handler != SIG_IGN)
            sigaction (signals [index], &action, NULL);
    }
}

// ---------------------------------------------------------------- global options

typedef struct {
    int code;                 /* the short option, or a code from 256 */
    const char *name;
    const char *value;        /* the argument's name; NULL: takes none */
    const char *help;
} s_global_option_t;

enum { OPTION_TIMEOUT = 256, OPTION_CERT, OPTION_SERVER_KEY, OPTION_CLOCK };

static const s_global_option_t s_global_options [] = {
    { 'e', "endpoint", "ENDPOINT", "the server (default: $WB_ENDPOINT, else\n" WB_DEFAULT_ENDPOINT ")" },
    { 'a', "agent", "AGENT", "register as an agent application and log in as AGENT\n"
                             "(default: register as a media server, no login)" },
    { 'p', "place", "PLACE", "log in at PLACE (default: the agent's own place)" },
    { 't', "tenant", "TENANT", "the tenant id (default " WB_DEFAULT_TENANT_TEXT ")" },
    { 'n', "name", "NAME", "the ClientName to register with (default wbctl)" },
    { 'j', "json", NULL, "print every message the command receives as JSON,\none object per line" },
    { OPTION_TIMEOUT, "timeout", "SEC", "wait at most SEC seconds for each reply (default 5)" },
    { OPTION_CERT, "cert", "FILE", "our CURVE certificate, its secret half, for a tcp\n"
                                   "endpoint (default: $WB_CERT; see keygen)" },
    { OPTION_SERVER_KEY, "server-key", "FILE", "the server's public certificate (default:\n"
                                               "$WB_SERVER_KEY)" },
    { OPTION_CLOCK, "clock", "TIME", "pin the wall clock at TIME, yyyy-MM-ddTHH:mm:ssZ\n"
                                     "(the default ReceivedAt of submit; tests)" },
    { 'h', "help", NULL, "show this help and exit" },
    { 'V', "version", NULL, "show the version and exit" },
};

#define GLOBAL_OPTION_COUNT (sizeof (s_global_options) / sizeof (s_global_options [0]))

static int
s_usage_error (const char *problem, const char *value)
{
    fprintf (stderr, "wbctl: %s%s%s\nTry 'wbctl --help'.\n", problem,
             value ? " " : "", value ? value : "");
    return WBCTL_USAGE;
}

//  Seconds as a decimal number from 0.001 to a day, into milliseconds.
static int
s_parse_seconds (const char *text, int *milliseconds)
{
    char *end = NULL;
    errno = 0;
    double seconds = strtod (text, &end);
    if (errno || end == text || *end || !(seconds >= 0.001 && seconds <= 86400))
        return -1;
    *milliseconds = (int) (seconds * 1000 + 0.5);
    return 0;
}

static void
s_print_help_line (FILE *stream, const char *left, const char *help)
{
    fprintf (stream, "  %-24s ", left);
    for (const char *line = help; *line; ) {
        size_t length = strcspn (line, "\n");
        fprintf (stream, "%s%.*s\n", line == help ? "" : "                           ",
                 (int) length, line);
        line += length + (line [length] == '\n');
    }
}

static void
s_print_help (FILE *stream)
{
    fputs ("Usage: wbctl [OPTION]... COMMAND [ARGUMENT]...\n"
           "Send one workbin request to wbserver and print the answer.\n\nOptions:\n", stream);
    for (size_t index = 0; index < GLOBAL_OPTION_COUNT; index++) {
        const s_global_option_t *option = &s_global_options [index];
        char left [64];
        if (option->code < 256)
            snprintf (left, sizeof (left), "-%c, --%s%s%s", option->code, option->name,
                      option->value ? " " : "", option->value ? option->value : "");
        else
            snprintf (left, sizeof (left), "    --%s%s%s", option->name,
                      option->value ? " " : "", option->value ? option->value : "");
        s_print_help_line (stream, left, option->help);
    }
    wbctl_command_print_help (stream);
    fputs ("\nWB names a workbin: TYPE@OWNER, or TYPE alone for your own workbin of\n"
           "that type or the only one you can see. ID is an InteractionId.\n"
           "\nExit status: 0 success, 1 the server answered EventError, 2 usage error,\n"
           "3 no answer within the timeout, or the server refused our key.\n", stream);
}

//  Apply one global option; -1 to go on, else an exit status.
static int
s_apply_global (wbctl_t *self, int code, const char *value)
{
    char *end = NULL;
    switch (code) {
        case 'e': self->endpoint = value; return -1;
        case 'a': self->agent_id = value; return -1;
        case 'p': self->place_id = value; return -1;
        case 'n': self->client_name = value; return -1;
        case 'j': self->json = true; return -1;
        case 'h': s_print_help (stdout); return WBCTL_OK;
        case 'V': printf ("wbctl %s\n", PACKAGE_VERSION); return WBCTL_OK;
        case 't':
            errno = 0;
            self->tenant_id = strtoll (value, &end, 10);
            return errno || end == value || *end ? s_usage_error ("--tenant takes a number, not", value) : -1;
        case OPTION_TIMEOUT:
            return s_parse_seconds (value, &self->timeout_ms)
                 ? s_usage_error ("--timeout takes seconds (0.001 to 86400), not", value) : -1;
        case OPTION_CERT: self->cert_path = value; return -1;
        case OPTION_SERVER_KEY: self->server_key_path = value; return -1;
        case OPTION_CLOCK:
            return wb_clock_pin_text (value)
                 ? s_usage_error ("--clock takes a UTC time yyyy-MM-ddTHH:mm:ssZ, not", value) : -1;
    }
    return WBCTL_USAGE;     //  getopt_long has said what was wrong
}

//  Parse the options before the command (getopt_long stops at the first
//  argument that is not an option: '+'). -1 to go on, else an exit status.
static int
s_parse_global (wbctl_t *self, int argc, char *argv [])
{
    struct option options [GLOBAL_OPTION_COUNT + 1];
    char optstring [2 * GLOBAL_OPTION_COUNT + 2] = "+";
    size_t length = 1;
    for (size_t index = 0; index < GLOBAL_OPTION_COUNT; index++) {
        const s_global_option_t *option = &s_global_options [index];
        options [index] = (struct option) { option->name,
            option->value ? required_argument : no_argument, NULL, option->code };
        if (option->code < 256) {
            optstring [length++] = (char) option->code;
            if (option->value)
                optstring [length++] = ':';
        }
    }
    optstring [length] = 0;
    options [GLOBAL_OPTION_COUNT] = (struct option) { NULL, 0, NULL, 0 };
    int code;
    while ((code = getopt_long (argc, argv, optstring, options, NULL)) != -1) {
        int status = code == '?' ? WBCTL_USAGE : s_apply_global (self, code, optarg);
        if (status == WBCTL_USAGE && code == '?')
            fputs ("Try 'wbctl --help'.\n", stderr);
        if (status >= 0)
            return status;
    }
    return -1;
}

// ---------------------------------------------------------------- replies

void
wbctl_print_no_answer (const wbctl_t *self)
{
    const char *problem = wb_client_problem (self->client);
    if (problem)
        fprintf (stderr, "wbctl: %s: %s\n", self->endpoint, problem);
    else
        fprintf (stderr, "wbctl: no answer from %s within %g s\n", self->endpoint,
                 self->timeout_ms / 1000.0);
}

void
wbctl_print_json (const wbctl_t *self, const wb_msg_t *msg)
{
    if (self->json && wb_json_print (msg, stdout) == -1)
        fprintf (stderr, "wbctl: cannot print %s as JSON\n", wb_msg_name (msg));
}

//  NULL reply: why, as an exit status, said on stderr if need be.
static int
s_no_reply_status (const wbctl_t *self)
{
    if (wbctl_interrupted ())
        return WBCTL_INTERRUPTED;
    wbctl_print_no_answer (self);
    return WBCTL_NO_ANSWER;
}

wb_msg_t *
wbctl_request (wbctl_t *self, wb_msg_t **request_p, int *status)
{
    wb_msg_t *reply = wb_client_request (self->client, request_p, self->timeout_ms);
    if (reply)
        wbctl_print_json (self, reply);
    else
        *status = s_no_reply_status (self);
    return reply;
}

int
wbctl_check_reply (const wb_msg_t *reply, const char *expected)
{
    const char *name = wb_msg_name (reply);
    if (streq (name, expected))
        return WBCTL_OK;
    if (!wb_msg_is (reply, WB_ROW_EVENT_ERROR)) {
        fprintf (stderr, "wbctl: unexpected reply %s (expected %s)\n", name, expected);
        return WBCTL_EVENT_ERROR;
    }
    wb_event_error_t error;
    wb_event_read_error (reply, &error);
    fprintf (stderr, WB_MSG_EVENT_ERROR " %" PRId64 " %s\n", error.code, error.description);
    return WBCTL_EVENT_ERROR;
}

// ---------------------------------------------------------------- workbins

int
wbctl_resolve (wbctl_t *self, const char *name, wbctl_workbin_t *workbin)
{
    char error [512] = "";
    if (wb_workbin_types_resolve (self->types, name, &workbin->workbin, workbin->type_id,
                                  error, sizeof (error)) == 0) {
        wb_workbin_label (&workbin->workbin, workbin->label, sizeof (workbin->label));
        return WBCTL_OK;
    }
    fprintf (stderr, "wbctl: %s\n", error);
    return WBCTL_USAGE;
}

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

int
wbctl_add_assignment (wb_kvlist_t *list, const char *assignment)
{
    const char *problem = NULL;
    return wbctl_parse_assignment (list, assignment, &problem) == 0
         ? WBCTL_OK : s_usage_error (problem, assignment);
}

// ---------------------------------------------------------------- session

//  Ask for the workbin types and owners this session sees.
int
wbctl_load_types (wbctl_t *self)
{
    wb_msg_t *request = wb_request_workbin_types_info (self->tenant_id);
    wb_msg_t *reply = wb_client_request (self->client, &request, self->timeout_ms);
    if (!reply)
        return s_no_reply_status (self);
    int status = wbctl_check_reply (reply, WB_MSG_EVENT_WORKBIN_TYPES_INFO);
    if (status == WBCTL_OK)
        self->types = wb_workbin_types_new (wb_msg_body_const (reply));
    wb_msg_destroy (&reply);
    return status;
}

wb_client_type_t
wbctl_client_type (const wbctl_t *self)
{
    return self->agent_id ? WB_CLIENT_AGENT_APPLICATION : WB_CLIENT_MEDIA_SERVER;
}

//  Register, log in if an agent was named, and load the types if needed.
static int
s_open (wbctl_t *self, const wbctl_command_t *command)
{
    self->client = wb_client_new (self->endpoint);
    if (!self->client)
        return s_usage_error ("not a valid endpoint:", self->endpoint);
    wb_msg_t *error = NULL;
    int rc = wb_client_open_session (self->client, wbctl_client_type (self), self->client_name,
                                     self->tenant_id, self->agent_id, self->place_id,
                                     self->timeout_ms, &error);
    if (rc == -1)
        return s_no_reply_status (self);
    if (rc == 1) {
        wbctl_check_reply (error, WB_MSG_EVENT_ACK);
        wb_msg_destroy (&error);
        return WBCTL_EVENT_ERROR;
    }
    return command->needs == WBCTL_NEEDS_TYPES ? wbctl_load_types (self) : WBCTL_OK;
}

//  End the session at once, so that the agent is logged out now rather
//  than when the server expires the session. Its answer does not matter.
void
wbctl_goodbye (wbctl_t *self)
{
    wbctl_interrupted_clear ();
    wb_msg_t *request = wb_request_unregister_client ();
    wb_msg_t *reply = wb_client_request (self->client, &request, WBCTL_GOODBYE_TIMEOUT_MS);
    wb_msg_destroy (&reply);
}

static int
s_run (wbctl_t *self, const wbctl_command_t *command, const wbctl_args_t *args)
{
    if (command->needs == WBCTL_NEEDS_NOTHING)
        return command->handler (self, args);
    int status = s_open (self, command);
    bool opened = status == WBCTL_OK;
    if (opened)
        status = command->handler (self, args);
    if (opened || status == WBCTL_EVENT_ERROR || status == WBCTL_INTERRUPTED)
        wbctl_goodbye (self);
    wb_workbin_types_destroy (&self->types);
    wb_client_destroy (&self->client);
    return status;
}

// ---------------------------------------------------------------- main

//  The protocol's text is UTF-8: in the plain C locale, measure it as
//  UTF-8 rather than as bytes, if the system has C.UTF-8.
static void
s_set_locale (void)
{
    setlocale (LC_ALL, "");
    if (streq (nl_langinfo (CODESET), "ANSI_X3.4-1968"))
        setlocale (LC_CTYPE, "C.UTF-8");
}

//  An environment variable's value, or fallback when unset or empty.
static const char *
s_environment (const char *name, const char *fallback)
{
    const char *value = getenv (name);
    return value && *value ? value : fallback;
}

//  Load our certificate and the server's key, for every client this run
//  makes (play makes several). Return WBCTL_OK, or WBCTL_USAGE after
//  saying which file is wrong and how.
static int
s_load_keys (wbctl_t *self)
{
    if (!self->cert_path && !self->server_key_path)
        return WBCTL_OK;
    if (!self->cert_path || !self->server_key_path)
        return s_usage_error ("CURVE needs both --cert FILE (ours, secret half) and "
                              "--server-key FILE (the server's public certificate)", NULL);
    char error [1024], server_key [WB_SECURITY_KEY_TEXT + 1];
    zcert_t *cert = wb_security_load_secret (self->cert_path, error, sizeof (error));
    int rc = cert ? wb_security_load_public (self->server_key_path, server_key,
                                             error, sizeof (error)) : -1;
    if (rc == 0)
        wb_client_set_default_keys (cert, server_key);
    else
        fprintf (stderr, "wbctl: %s\n", error);
    zcert_destroy (&cert);
    return rc == 0 ? WBCTL_OK : WBCTL_USAGE;
}

int
main (int argc, char *argv [])
{
    s_set_locale ();
    setvbuf (stdout, NULL, _IOLBF, 0);
    wbctl_t self = { .endpoint = s_environment ("WB_ENDPOINT", WB_DEFAULT_ENDPOINT),
                     .client_name = WBCTL_CLIENT_NAME, .tenant_id = WB_DEFAULT_TENANT,
                     .timeout_ms = WBCTL_DEFAULT_TIMEOUT_MS,
                     .cert_path = s_environment ("WB_CERT", NULL),
                     .server_key_path = s_environment ("WB_SERVER_KEY", NULL) };
    argv [0] = "wbctl";
    int status = s_parse_global (&self, argc, argv);
    if (status >= 0)
        return status;
    if (optind >= argc)
        return s_usage_error ("no command given", NULL);
    const wbctl_command_t *command = wbctl_command_find (argv [optind]);
    if (!command)
        return s_usage_error ("unknown command:", argv [optind]);
    wbctl_args_t args;
    status = wbctl_command_parse (command, argc - optind, argv + optind, &args);
    if (status != WBCTL_OK)
        return status;
    s_quiet_czmq ();
    //  keygen writes keys; it never needs ours
    status = streq (command->name, "keygen") ? WBCTL_OK : s_load_keys (&self);
    wb_client_set_watch_handshakes (true);
    if (status == WBCTL_OK)
        status = s_run (&self, command, &args);
    wb_client_set_default_keys (NULL, NULL);
    wbctl_command_args_clear (&args);
    return status;
}

// ---------------------------------------------------------------- text

//  Decode one character of UTF-8 text; return its bytes (at least 1) and
//  its display width, with -1 for what cannot be shown as it is (invalid
//  bytes, control characters), which is shown as '?'.
static size_t
s_next_char (const char *text, mbstate_t *state, int *width)
{
    wchar_t wide = 0;
    size_t bytes = mbrtowc (&wide, text, MB_CUR_MAX, state);
    if (bytes == (size_t) -1 || bytes == (size_t) -2 || bytes == 0) {
        memset (state, 0, sizeof (*state));
        *width = -1;
        return 1;
    }
    *width = wcwidth (wide);
    return bytes;
}

int
wbctl_display_width (const char *text)
{
    mbstate_t state;
    memset (&state, 0, sizeof (state));
    int total = 0;
    for (int width = 0; text && *text; total += width < 0 ? 1 : width)
        text += s_next_char (text, &state, &width);
    return total;
}

//  Print text within limit columns (0: no limit), cut with an ellipsis;
//  return the columns printed.
static int
s_print_text (FILE *stream, const char *text, int limit)
{
    bool cut = limit > 0 && wbctl_display_width (text) > limit;
    int room = cut ? limit - 1 : INT32_MAX;
    int used = 0;
    mbstate_t state;
    memset (&state, 0, sizeof (state));
    while (text && *text) {
        int width = 0;
        size_t bytes = s_next_char (text, &state, &width);
        if ((width < 0 ? 1 : width) > room - used)
            break;
        if (width < 0)
            fputc ('?', stream);
        else
            fwrite (text, 1, bytes, stream);
        used += width < 0 ? 1 : width;
        text += bytes;
    }
    if (cut) {
        fputs (MB_CUR_MAX > 1 ? "\u2026" : "~", stream);
        used++;
    }
    return used;
}

// ---------------------------------------------------------------- table

struct _wbctl_table_t {
    size_t columns;
    int max_width;
    bool *right;              /* right-aligned columns */
    int *widths;              /* display width of each column */
    char **cells;             /* rows * columns, the headers first */
    size_t rows;
    size_t capacity;          /* rows */
};

wbctl_table_t *
wbctl_table_new (const char **headers, size_t columns, int max_width)
{
    if (!headers || !columns)
        return NULL;
    wbctl_table_t *self = calloc (1, sizeof (wbctl_table_t));
    if (!self)
        return NULL;
    self->columns = columns;
    self->max_width = max_width;
    self->right = calloc (columns, sizeof (bool));
    self->widths = calloc (columns, sizeof (int));
    const char *titles [columns];
    for (size_t index = 0; self->right && index < columns; index++) {
        self->right [index] = headers [index][0] == '>';
        titles [index] = headers [index] + self->right [index];
    }
    if (!self->right || !self->widths || wbctl_table_add (self, titles) == -1)
        wbctl_table_destroy (&self);
    return self;
}

void
wbctl_table_destroy (wbctl_table_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    wbctl_table_t *self = *self_p;
    for (size_t index = 0; index < self->rows * self->columns; index++)
        free (self->cells [index]);
    free (self->cells);
    free (self->widths);
    free (self->right);
    free (self);
    *self_p = NULL;
}

int
wbctl_table_add (wbctl_table_t *self, const char **cells)
{
    if (!self || !cells)
        return -1;
    if (self->rows == self->capacity) {
        size_t capacity = self->capacity ? self->capacity * 2 : 16;
        char **grown = realloc (self->cells, capacity * self->columns * sizeof (char *));
        if (!grown)
            return -1;
        self->cells = grown;
        self->capacity = capacity;
    }
    char **row = self->cells + self->rows * self->columns;
    for (size_t index = 0; index < self->columns; index++) {
        row [index] = strdup (cells [index] ? cells [index] : "");
        int width = wbctl_display_width (row [index]);
        if (self->max_width > 0 && width > self->max_width)
            width = self->max_width;
        if (width > self->widths [index])
            self->widths [index] = width;
    }
    self->rows++;
    return 0;
}

void
wbctl_table_print (const wbctl_table_t *self, FILE *stream)
{
    for (size_t row = 0; self && row < self->rows; row++) {
        for (size_t column = 0; column < self->columns; column++) {
            const char *cell = self->cells [row * self->columns + column];
            bool last = column + 1 == self->columns;
            int pad = self->widths [column] - wbctl_display_width (cell);
            pad = pad < 0 ? 0 : pad;
            if (self->right [column])
                fprintf (stream, "%*s", pad, "");
            s_print_text (stream, cell, self->max_width);
            if (!self->right [column] && !last)
                fprintf (stream, "%*s", pad, "");
            fputs (last ? "\n" : "  ", stream);
        }
    }
}
