/*  wbctl: the command-line client of wbserver. Usage: wbctl --help.

    main: the global options, --help, the signal flag, the keys. Registers
    (as an agent application that logs in with -a, else as a media server),
    runs one command, unregisters and exits. See wbctl.h for the other
    files, and doc/wbctl.1.
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
#include "wb_security.h"

#define WBCTL_DEFAULT_TIMEOUT_MS 5000
#define WBCTL_CLIENT_NAME "wbctl"

// ---------------------------------------------------------------- signals

static volatile sig_atomic_t s_interrupted = 0;
static bool s_output_closed = false;

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

void
wbctl_output_closed (void)
{
    s_output_closed = true;
    s_interrupted = 1;
    zsys_interrupted = 1;
}

bool
wbctl_output_was_closed (void)
{
    return s_output_closed;
}

//  CZMQ must neither print nor own the signals: no log stream, no syslog,
//  its handler off and ours in place. SIGPIPE is ignored: a reader that
//  goes away (| head) must not kill wbctl before its goodbye; the failed
//  write says so instead (wbctl_print_check_output).
static void
s_quiet_czmq (void)
{
    zsys_init ();
    zsys_set_logstream (NULL);
    zsys_set_logsystem (false);
    zsys_handler_set (NULL);
    signal (SIGPIPE, SIG_IGN);
    const int signals [] = { SIGINT, SIGTERM };
    for (size_t index = 0; index < WB_COUNT_OF (signals); index++) {
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

enum { OPTION_TIMEOUT = 256, OPTION_CERT, OPTION_SERVER_KEY, OPTION_TAKE_OVER };

static const s_global_option_t s_global_options [] = {
    { 'e', "endpoint", "ENDPOINT", "the server (default: $WB_ENDPOINT, else\n" WB_DEFAULT_ENDPOINT ");"
                                   " the nodes of a site as a list,\n"
                                   "ipc://a,ipc://b, or -e given again for each:\n"
                                   "one at a time, the next when one is silent" },
    { 'a', "agent", "AGENT", "register as an agent application and log in as AGENT\n"
                             "(default: register as a media server, no login)" },
    { 'p', "place", "PLACE", "log in at PLACE (default: the agent's own place)" },
    { 't', "tenant", "TENANT", "the tenant id (default " WB_DEFAULT_TENANT_TEXT ")" },
    { 'n', "name", "NAME", "the ClientName to register with (default wbctl)" },
    { OPTION_TAKE_OVER, "take-over", NULL, "if the agent is logged in on another connection\n"
                                           "(a console that was killed), end that session" },
    { 'j', "json", NULL, "print every message the command receives as JSON,\none object per line" },
    { OPTION_TIMEOUT, "timeout", "SEC", "wait at most SEC seconds for each reply (default 5)" },
    { OPTION_CERT, "cert", "FILE", "our CURVE certificate, its secret half, for a tcp\n"
                                   "endpoint (default: $WB_CERT; see keygen)" },
    { OPTION_SERVER_KEY, "server-key", "FILE", "the server's public certificate (default:\n"
                                               "$WB_SERVER_KEY)" },
    { 'h', "help", NULL, "show this help and exit" },
    { 'V', "version", NULL, "show the version and exit" },
};

#define GLOBAL_OPTION_COUNT WB_COUNT_OF (s_global_options)

/* The endpoints of -e, joined into one list (-e given several times). */
static char *s_endpoints = NULL;

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
           "\nExit status: 0 success (also when the reader of the output goes away, as\n"
           "head does), 1 the server answered EventError, 2 usage error, 3 no answer\n"
           "within the timeout, or the server refused our key.\n", stream);
}

//  -e: the first replaces $WB_ENDPOINT; each next one joins the list.
static int
s_add_endpoint (wbctl_t *self, const char *value)
{
    char *list = s_endpoints ? zsys_sprintf ("%s,%s", s_endpoints, value) : wb_strdup (value);
    zstr_free (&s_endpoints);
    s_endpoints = list;
    self->endpoint = list;
    return -1;
}

//  Apply one global option; -1 to go on, else an exit status.
static int
s_apply_global (wbctl_t *self, int code, const char *value)
{
    char *end = NULL;
    switch (code) {
        case 'e': return s_add_endpoint (self, value);
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
        case OPTION_TAKE_OVER: self->take_over = true; return -1;
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

// ---------------------------------------------------------------- run

//  Open the session the command needs on the node the client talks to,
//  and run the command there. *silent: the node did not answer, so the
//  next one may (a command of its own, like watch, deals with silence
//  itself once its session is open).
static int
s_run_on_node (wbctl_t *self, const wbctl_command_t *command, const wbctl_args_t *args,
               bool *silent)
{
    wb_msg_t *refusal = NULL;
    int status = wbctl_session_open (self, command->needs == WBCTL_NEEDS_TYPES, &refusal);
    if (status == WBCTL_USAGE)
        s_usage_error ("not a valid endpoint:", self->endpoint);
    if (refusal)
        wbctl_print_refusal (refusal, WB_MSG_EVENT_ACK);
    wb_msg_destroy (&refusal);
    *silent = status == WBCTL_NO_ANSWER;
    if (status == WBCTL_OK) {
        status = wbctl_command_run (self, command, args);
        *silent = status == WBCTL_NO_ANSWER && command->build;
    }
    return status;
}

//  The IdempotencyKey a command sends on every node it tries: the one
//  given, else a new one (into key) for a command that takes one.
static const char *
s_idempotency_key (const wbctl_command_t *command, const wbctl_args_t *args, char *key, size_t size)
{
    if (args->idempotency_key || !(command->options & WBCTL_OPT_IDEMPOTENCY_KEY))
        return args->idempotency_key;
    zuuid_t *uuid = zuuid_new ();
    snprintf (key, size, "%s", zuuid_str (uuid));
    zuuid_destroy (&uuid);
    return key;
}

//  Open the session the command needs, run it, and end the session. When
//  a node does not answer, the next one of the list is tried, once each;
//  a submit keeps its idempotency key from node to node, so that a site
//  whose nodes share one store makes it once.
static int
s_run (wbctl_t *self, const wbctl_command_t *command, const wbctl_args_t *args)
{
    if (command->needs == WBCTL_NEEDS_NOTHING)
        return wbctl_command_run (self, command, args);
    wbctl_args_t tried = *args;
    char key [WB_IDEMPOTENCY_KEY_MAX + 1];
    tried.idempotency_key = s_idempotency_key (command, args, key, sizeof (key));
    bool silent;
    int status = s_run_on_node (self, command, &tried, &silent);
    for (size_t node = 1; silent && !wbctl_interrupted ()
                          && node < wb_client_endpoint_count (self->client); node++) {
        wbctl_session_restart (self, true);
        fprintf (stderr, "wbctl: trying the next endpoint, %s\n", wb_client_endpoint (self->client));
        status = s_run_on_node (self, command, &tried, &silent);
    }
    wbctl_session_close (self);
    return status;
}

//  Every endpoint of the list must be one, before anything is sent.
static int
s_check_endpoints (const wbctl_t *self)
{
    char problem [WBCTL_TEXT_MAX];
    if (wb_client_check_endpoints (self->endpoint, problem, sizeof (problem)) == 0)
        return WBCTL_OK;
    return s_usage_error (problem, NULL);
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

//  After the global options: the command, its arguments, and its run.
static int
s_command (wbctl_t *self, int argc, char *argv [])
{
    if (optind >= argc)
        return s_usage_error ("no command given", NULL);
    const wbctl_command_t *command = wbctl_command_find (argv [optind]);
    if (!command)
        return s_usage_error ("unknown command:", argv [optind]);
    wbctl_args_t args;
    int status = wbctl_command_parse (command, argc - optind, argv + optind, &args);
    if (status != WBCTL_OK)
        return status;
    s_quiet_czmq ();
    //  keygen writes keys; it never needs ours, nor a server
    status = streq (command->name, "keygen") ? WBCTL_OK : s_load_keys (self);
    if (status == WBCTL_OK && !streq (command->name, "keygen"))
        status = s_check_endpoints (self);
    wb_client_set_watch_handshakes (true);
    //  a watch follows a session for long: it learns at once that its
    //  connection closed, rather than at its next keep-alive's deadline
    wb_client_set_watch_connections (streq (command->name, "watch"));
    if (status == WBCTL_OK)
        status = s_run (self, command, &args);
    //  a closed output stopped the command: like head, that is no failure
    if (wbctl_output_was_closed () && status == WBCTL_INTERRUPTED)
        status = WBCTL_OK;
    wb_client_set_default_keys (NULL, NULL);
    wbctl_command_args_clear (&args);
    return status;
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
    if (status < 0)
        status = s_command (&self, argc, argv);
    zstr_free (&s_endpoints);
    return status;
}
