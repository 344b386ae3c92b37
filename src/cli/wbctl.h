/*  wbctl: the command-line client of wbserver.

    One file per concern:
    - wbctl.c           main: the global options, --help, signals, keys;
    - wbctl_session.c   the session: register, log in, the workbin types,
                        one request and its reply within the deadline,
                        keep-alive pings, goodbye;
    - wbctl_print.c     printing: text tables measured in display columns,
                        each reply in text, EventError, JSON lines;
    - wbctl_args.c      a command's options and arguments: the option
                        table, parsing, the synopsis and help of a command;
    - wbctl_commands.c  the command table, one row per command, and the one
                        place each request is built; submit's rule for
                        KEY=VALUE;
    - wbctl_watch.c     the watch command: subscribe, then print changes;
    - wbctl_play.c      the play command, which runs scenario files; its
                        request steps run the commands of the table
                        (wbctl_play_parse.c reads the file first,
                        wbctl_play_session.c keeps a session per agent).
*/
#ifndef WBCTL_H_INCLUDED
#define WBCTL_H_INCLUDED

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "wb_client.h"
#include "wb_prelude.h"
#include "wb_protocol.h"
#include "wb_workbin.h"
#include "wb_workbin_types.h"

/* Exit statuses (doc/wbctl.1, EXIT STATUS). */
enum {
    WBCTL_OK = 0,             /* success */
    WBCTL_EVENT_ERROR = 1,    /* the server answered EventError */
    WBCTL_USAGE = 2,          /* bad options, unknown command, missing arguments */
    WBCTL_NO_ANSWER = 3,      /* no answer within the timeout */
    WBCTL_INTERRUPTED = 130,  /* SIGINT or SIGTERM during a request */
};

#define WBCTL_TEXT_MAX 512    /* a problem, what a request is about */

// ---------------------------------------------------------------- arguments

/* Every command option, as a bit; a command's row says which it takes
   (wbctl_args.c has their table). */
enum {
    WBCTL_OPT_FROM = 1u << 0,             /* content --from N */
    WBCTL_OPT_COUNT = 1u << 1,            /* content --count N */
    WBCTL_OPT_EVENTS = 1u << 2,           /* watch --count N */
    WBCTL_OPT_TIMEOUT = 1u << 3,          /* watch --timeout SEC */
    WBCTL_OPT_PROPERTY_CHANGES = 1u << 4,
    WBCTL_OPT_SUBJECT = 1u << 5,
    WBCTL_OPT_FROM_ADDRESS = 1u << 6,     /* submit --from ADDR */
    WBCTL_OPT_PERSONAL = 1u << 7,
    WBCTL_OPT_MEDIA = 1u << 8,
    WBCTL_OPT_TYPE = 1u << 9,
    WBCTL_OPT_SUBTYPE = 1u << 10,
    WBCTL_OPT_PRIORITY = 1u << 11,
    WBCTL_OPT_RECEIVED = 1u << 12,
    WBCTL_OPT_SET = 1u << 13,
    WBCTL_OPT_SPEED = 1u << 14,           /* play --speed X */
    WBCTL_OPT_LOOP = 1u << 15,            /* play --loop */
    WBCTL_OPT_DIR = 1u << 16,             /* keygen --dir DIR */
    WBCTL_OPT_AGENT = 1u << 17,           /* keygen --agent AGENT */
    WBCTL_OPT_IDEMPOTENCY_KEY = 1u << 18, /* submit --idempotency-key KEY */
    WBCTL_OPT_TRACE = 1u << 19,           /* play --trace FILE */
    WBCTL_OPT_CLOCK = 1u << 20,           /* play --clock TIME */
};

/* What a command's options and arguments say; fields a command does not
   take keep their default. play fills one for each request step. */
typedef struct {
    int64_t from;             /* --from N */
    int64_t count;            /* --count N; 0: not given */
    int timeout_ms;           /* watch --timeout SEC; -1: wait forever */
    bool property_changes;    /* --property-changes */
    const char *speed;        /* play --speed X, checked by play */
    bool loop;                /* play --loop */
    const char *trace;        /* play --trace FILE: .txt .mmd .puml or .svg */
    const char *clock;        /* play --clock TIME, checked by play */
    const char *dir;          /* keygen --dir DIR */
    const char *agent;        /* keygen --agent AGENT */
    const char *idempotency_key;  /* submit --idempotency-key KEY; NULL: a new one */
    unsigned given;           /* the options given, WBCTL_OPT_ bits */
    wb_kvlist_t *assignments; /* KEY=VALUE, typed: --set, KEY=VALUE arguments, and the
                                 options that name a property (submit --subject...) */
    int argc;                 /* positional arguments after the command */
    char **argv;
} wbctl_args_t;

/* Turn "KEY=VALUE" into an entry of list: an int when VALUE is an integer
   in its plain form (optional '-', digits, no leading zero, 64 bits), a
   string otherwise. Return 0, or -1 with *problem set to what is wrong (a
   phrase to put before the assignment, such as "expected KEY=VALUE, not"). */
int wbctl_parse_assignment (wb_kvlist_t *list, const char *assignment, const char **problem);

// ---------------------------------------------------------------- session

/* One run of wbctl, or one session of a play: the global options and the
   open session. */
typedef struct {
    const char *endpoint;     /* one endpoint, or a list: "ipc://a,ipc://b" */
    const char *agent_id;     /* NULL: a media server */
    const char *place_id;
    const char *client_name;  /* ClientName at registration */
    int64_t tenant_id;
    bool json;                /* --json: messages as JSON lines */
    int timeout_ms;           /* deadline of each request */
    const char *cert_path;    /* --cert: our CURVE certificate, or NULL */
    const char *server_key_path;  /* --server-key: the server's public certificate */
    wb_client_t *client;
    wb_workbin_types_t *types;    /* after RequestWorkbinTypesInfo */
    bool registered;          /* the goodbye is due */
    bool take_over;           /* --take-over: the login ends the agent's other session */
    wb_client_observer_fn *observer;  /* told of the client's every message (play --trace) */
    void *observer_arg;
} wbctl_t;

/* True once SIGINT or SIGTERM arrived, or standard output closed (wbctl.c). */
bool wbctl_interrupted (void);
/* Forget an interruption, so that the goodbye can still be sent. */
void wbctl_interrupted_clear (void);
/* Standard output's reader has gone (EPIPE: `wbctl ... | head`): stop as
   at SIGINT, so that the session still says goodbye and the agent is
   logged out, and end with exit status 0 (wbctl.c). SIGPIPE is ignored. */
void wbctl_output_closed (void);
/* True once wbctl_output_closed was called. */
bool wbctl_output_was_closed (void);

/* How this session registers: an agent application if it logs an agent
   in, else a media server. */
wb_client_type_t wbctl_client_type (const wbctl_t *self);

/* Connect, register, log the agent in if there is one and, with_types,
   load the workbin types. Return WBCTL_OK; WBCTL_USAGE for an endpoint
   that is not one (nothing printed); WBCTL_EVENT_ERROR with *refusal the
   EventError that refused the registration or the login (caller
   destroys), or after printing why there are no types; WBCTL_NO_ANSWER
   (said on stderr) or WBCTL_INTERRUPTED. */
int wbctl_session_open (wbctl_t *self, bool with_types, wb_msg_t **refusal);

/* Forget the session without a goodbye (its node does not answer, or no
   longer knows it) and connect again: to the next endpoint of the list
   when move (the same one if there is only one), else to the same one.
   wbctl_session_open then opens a new session there. */
void wbctl_session_restart (wbctl_t *self, bool move);

/* End the session: RequestUnregisterClient if it registered (its answer
   awaited 1 s at most, an interruption forgotten first), so that its agent
   is logged out now; then free the connection and the types. */
void wbctl_session_close (wbctl_t *self);

/* Send RequestWorkbinTypesInfo and keep the answer in self->types. Return
   WBCTL_OK, or the exit status after printing why. */
int wbctl_load_types (wbctl_t *self);

/* Keep the session alive: RequestPing. Return the exit status, after
   printing why when it is not WBCTL_OK or WBCTL_INTERRUPTED. */
int wbctl_keep_alive (wbctl_t *self);

/* Send a request and wait for its reply within the timeout: the reply
   in *reply (caller destroys) and WBCTL_OK; or NULL and
   WBCTL_INTERRUPTED, or WBCTL_NO_ANSWER after saying so on stderr. */
int wbctl_request (const wbctl_t *self, wb_msg_t **request_p, wb_msg_t **reply);

/* A workbin named on the command line, resolved: the workbin requests
   name (its type id points into type_id, so keep the struct where it is)
   and its label, "TYPE@OWNER". */
typedef struct {
    wb_workbin_t workbin;
    char type_id [WB_KEY_MAX + 1];
    char label [256];
} wbctl_workbin_t;

/* Resolve a workbin name with the session's types. Return 0, or -1 with
   problem saying why. */
int wbctl_resolve (const wbctl_t *self, const char *name, wbctl_workbin_t *workbin,
                   char *problem, size_t size);

// ---------------------------------------------------------------- commands

/* One request of a command, sent, and its answer. */
typedef struct {
    wb_msg_t *reply;          /* the reply: the expected one, an EventError or a surprise */
    char request [64];        /* the request's name */
    char what [WBCTL_TEXT_MAX];     /* what it is about, as printed: "TYPE@OWNER", "ID to WB" */
    char problem [WBCTL_TEXT_MAX];  /* WBCTL_USAGE: why nothing was sent */
    char idempotency_key [WB_IDEMPOTENCY_KEY_MAX + 1];  /* a submit's, "" for others */
} wbctl_exchange_t;

typedef struct _wbctl_command_t wbctl_command_t;

/* Check and settle a command's arguments before anything is sent (it may
   retype args->assignments). 0, or -1 with problem saying why. */
typedef int (wbctl_check_fn) (wbctl_args_t *args, char *problem, size_t size);
/* Build a command's request: the one place it is built. NULL with
   exchange->problem saying why (nothing there: a value over the codec's
   limits); exchange->what says what it is about. */
typedef wb_msg_t *(wbctl_build_fn) (const wbctl_t *self, const wbctl_args_t *args,
                                    wbctl_exchange_t *exchange);
/* Print the expected reply of a command, in text. */
typedef void (wbctl_print_fn) (const wbctl_exchange_t *exchange);
/* Run a command that is not one request (watch, play, keygen). */
typedef int (wbctl_run_fn) (wbctl_t *self, const wbctl_args_t *args);

/* What a command needs open before it runs. */
typedef enum {
    WBCTL_NEEDS_SESSION,      /* a session */
    WBCTL_NEEDS_TYPES,        /* a session and the workbin types */
    WBCTL_NEEDS_NOTHING,      /* nothing: it opens its own sessions, or none */
} wbctl_needs_t;

/* One row of the command table (wbctl_commands.c): its arguments, how it
   is sent and printed, its help. --help and doc/wbctl.1 list the commands
   in this order. */
struct _wbctl_command_t {
    const char *name;
    int min_args;
    int max_args;             /* -1: any number */
    unsigned options;         /* the options it takes, WBCTL_OPT_ bits */
    unsigned required;        /* those it cannot go without */
    int assignments_from;     /* the first KEY=VALUE argument; 0: none */
    wbctl_needs_t needs;
    wbctl_check_fn *check;    /* NULL: nothing more to check */
    wbctl_build_fn *build;    /* a command that sends one request */
    const char *reply;        /* ... the reply it expects */
    wbctl_print_fn *print;    /* ... and how it prints it */
    wbctl_run_fn *run;        /* any other command */
    const char *arguments;    /* synopsis of the positional arguments */
    const char *help;
};

/* The command named name, or NULL. */
const wbctl_command_t *wbctl_command_find (const char *name);
/* The command at index in the table, or NULL past its end. */
const wbctl_command_t *wbctl_command_at (size_t index);

/* Build a command's request and send it on self's session. Return
   WBCTL_OK with the expected reply in exchange->reply; WBCTL_EVENT_ERROR
   with another one there (an EventError); WBCTL_USAGE with
   exchange->problem saying why nothing was sent; WBCTL_NO_ANSWER (said on
   stderr) or WBCTL_INTERRUPTED. Nothing else is printed. Then
   wbctl_exchange_clear. */
int wbctl_command_exchange (const wbctl_t *self, const wbctl_command_t *command,
                            const wbctl_args_t *args, wbctl_exchange_t *exchange);
void wbctl_exchange_clear (wbctl_exchange_t *exchange);

/* Run a command on the open session, or alone if it needs nothing, and
   print its answer as wbctl does. Return the exit status. */
int wbctl_command_run (wbctl_t *self, const wbctl_command_t *command, const wbctl_args_t *args);

/* Parse a command's options and arguments (argv [0] is the command's
   name), then check them. Return 0, or WBCTL_USAGE after printing why. */
int wbctl_command_parse (const wbctl_command_t *command, int argc, char *argv [],
                         wbctl_args_t *args);
/* Free what parsing allocated. */
void wbctl_command_args_clear (wbctl_args_t *args);
/* Print the synopsis of a command ("content WB [--from N] [--count N]"),
   starting at column, wrapped before column 80. */
void wbctl_command_print_synopsis (const wbctl_command_t *command, FILE *stream, int column);
/* Print the commands and their options, for --help. */
void wbctl_command_print_help (FILE *stream);

/* The watch command (wbctl_watch.c): subscribe, then print each change. */
int wbctl_watch (wbctl_t *self, const wbctl_args_t *args);
/* The play command (wbctl_play.c): run a scenario file. */
int wbctl_play (wbctl_t *self, const wbctl_args_t *args);

// ---------------------------------------------------------------- printing

/* Print "wbctl: no answer from ENDPOINT within N s" on stderr (the
   endpoint of the list it talks to now), or why the handshake failed
   when it did (the server refused our key...). */
void wbctl_print_no_answer (const wbctl_t *self);

/* After printing to standard output: if a write to it failed because its
   reader has gone (EPIPE; the descriptor then polls POLLERR or POLLHUP),
   stop with wbctl_output_closed. True if standard output is closed. Any
   other write error (a full disk) is left as it was. */
bool wbctl_print_check_output (void);

/* Print a message's line in --json mode; nothing otherwise or for NULL. */
void wbctl_print_json (const wbctl_t *self, const wb_msg_t *msg);

/* A reply that is not the one expected, on stderr: "EventError CODE
   DESCRIPTION", or "wbctl: unexpected reply NAME (expected EXPECTED)". */
void wbctl_print_refusal (const wb_msg_t *reply, const char *expected);

/* The replies of the commands, in text. */
wbctl_print_fn wbctl_print_ack, wbctl_print_submitted, wbctl_print_content,
               wbctl_print_statistic, wbctl_print_pulled, wbctl_print_in_hand,
               wbctl_print_types;

/* One EventWorkbinContentChanged on a line: what, where, which
   interaction, who, why. */
void wbctl_print_change (const wb_msg_t *event);

/* A text table whose columns are measured in display columns. */
typedef struct _wbctl_table_t wbctl_table_t;

/* headers: column titles (at least one); a title starting with '>' is
   right-aligned. max_width: the widest a cell may be (0: no limit),
   longer text is cut with an ellipsis. */
wbctl_table_t *wbctl_table_new (const char **headers, size_t columns, int max_width);
void wbctl_table_destroy (wbctl_table_t **self_p);
/* Add a row of exactly the table's number of cells (NULL: empty). 0, or
   -1 past a million rows. */
int wbctl_table_add (wbctl_table_t *self, const char **cells);
void wbctl_table_print (const wbctl_table_t *self, FILE *stream);

/* The display width of UTF-8 text in the current locale. */
int wbctl_display_width (const char *text);

#endif
