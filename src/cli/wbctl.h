/*  wbctl: the command-line client of wbserver.

    wbctl.c holds main: the global options, the session (register, log in,
    RequestWorkbinTypesInfo), the signal flag, and the helpers every command
    uses (requests with the deadline, replies printed or turned into exit
    statuses, a table printer that measures text in display columns).
    wbctl_commands.c holds the command table and one handler per command;
    wbctl_play.c the play command, which runs scenario files.
*/
#ifndef WBCTL_H_INCLUDED
#define WBCTL_H_INCLUDED

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "wb_client.h"
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

/* What a command's options and arguments say, filled from the option table
   (wbctl_commands.c); fields a command does not take keep their default. */
typedef struct {
    int64_t from;             /* --from N */
    int64_t count;            /* --count N; 0: not given */
    int timeout_ms;           /* watch --timeout SEC; -1: wait forever */
    bool property_changes;    /* --property-changes */
    const char *subject;      /* --subject */
    const char *from_address; /* --from (submit) */
    const char *personal;     /* --personal */
    const char *media;        /* --media */
    const char *type;         /* --type */
    const char *subtype;      /* --subtype */
    const char *received;     /* --received */
    int64_t priority;         /* --priority N */
    const char *speed;        /* play --speed X, checked by play */
    bool loop;                /* play --loop */
    const char *dir;          /* keygen --dir DIR */
    const char *agent;        /* keygen --agent AGENT */
    unsigned given;           /* the options given, as bits (wbctl_commands.c) */
    wb_kvlist_t *assignments; /* --set KEY=VALUE and KEY=VALUE arguments, typed */
    int argc;                 /* positional arguments after the command */
    char **argv;
} wbctl_args_t;

/* One run of wbctl: the global options and the open session. */
typedef struct {
    const char *endpoint;
    const char *agent_id;     /* NULL: a media server */
    const char *place_id;
    const char *client_name;  /* ClientName at registration */
    int64_t tenant_id;
    bool json;                /* --json: messages as JSON lines */
    int timeout_ms;           /* deadline of each request */
    const char *cert_path;    /* --cert: our CURVE certificate, or NULL */
    const char *server_key_path;  /* --server-key: the server's public certificate */
    wb_client_t *client;
    wb_workbin_types_t *types;   /* after RequestWorkbinTypesInfo */
} wbctl_t;

typedef int (wbctl_handler_fn) (wbctl_t *self, const wbctl_args_t *args);

/* What a command needs open before its handler runs. The first two values
   are those of the table's former bool column, so rows may say false or
   true. */
typedef enum {
    WBCTL_NEEDS_SESSION = 0,  /* a session (false) */
    WBCTL_NEEDS_TYPES = 1,    /* a session and the workbin types (true) */
    WBCTL_NEEDS_NOTHING = 2,  /* nothing: the handler opens its own sessions */
} wbctl_needs_t;

/* One row of the command table. options and required are sets of option
   bits (wbctl_commands.c): those it takes, those it cannot go without. */
typedef struct {
    const char *name;
    int min_args;
    int max_args;             /* -1: any number */
    unsigned options;
    unsigned required;
    int assignments_from;     /* first KEY=VALUE argument; -1: none */
    wbctl_needs_t needs;      /* what s_run opens first */
    wbctl_handler_fn *handler;
    const char *arguments;    /* synopsis of the positional arguments */
    const char *help;         /* one line */
} wbctl_command_t;

/* The command table and its options. */
const wbctl_command_t *wbctl_command_find (const char *name);
/* Parse a command's options and arguments (argv [0] is the command's
   name). Return 0, or WBCTL_USAGE after printing why. */
int wbctl_command_parse (const wbctl_command_t *command, int argc, char *argv [],
                         wbctl_args_t *args);
/* Free what parsing allocated. */
void wbctl_command_args_clear (wbctl_args_t *args);
/* Print the synopsis of a command ("content WB [--from N] [--count N]"),
   starting at column, wrapped before column 80. */
void wbctl_command_print_synopsis (const wbctl_command_t *command, FILE *stream, int column);
/* Print the commands and their options, for --help. */
void wbctl_command_print_help (FILE *stream);

/* The play command (wbctl_play.c): run a scenario file. */
int wbctl_play (wbctl_t *self, const wbctl_args_t *args);

/* True once SIGINT or SIGTERM arrived. */
bool wbctl_interrupted (void);
/* Forget an interruption, so that the goodbye can still be sent. */
void wbctl_interrupted_clear (void);

/* Send a request and wait for its reply within the timeout. Return the
   reply (caller destroys), or NULL after printing why: no answer, or
   interrupted; *status gets WBCTL_NO_ANSWER or WBCTL_INTERRUPTED. In
   --json mode the reply is printed as a JSON line. */
wb_msg_t *wbctl_request (wbctl_t *self, wb_msg_t **request_p, int *status);

/* Sort a reply: WBCTL_OK if it is named expected, else WBCTL_EVENT_ERROR
   after printing "EventError CODE DESCRIPTION" on stderr. */
int wbctl_check_reply (const wb_msg_t *reply, const char *expected);

/* Send RequestWorkbinTypesInfo on the open session and keep the answer in
   self->types. Return 0, or the exit status after printing why. */
int wbctl_load_types (wbctl_t *self);

/* End the open session at once (RequestUnregisterClient, its answer
   awaited 1 s at most), so that its agent is logged out now. Forgets an
   interruption first, so that the goodbye can still be sent. */
void wbctl_goodbye (wbctl_t *self);

/* Print "wbctl: no answer from ENDPOINT within N s" on stderr, or why
   the handshake failed when it did (the server refused our key...). */
void wbctl_print_no_answer (const wbctl_t *self);

/* Print a message's line in --json mode; nothing otherwise. */
void wbctl_print_json (const wbctl_t *self, const wb_msg_t *msg);

/* A workbin named on the command line, resolved: the workbin requests
   name (its type id points into type_id, so keep the struct where it is)
   and its label, "TYPE@OWNER". */
typedef struct {
    wb_workbin_t workbin;
    char type_id [WB_KEY_MAX + 1];
    char label [256];
} wbctl_workbin_t;

/* Resolve a workbin name. Return 0, or WBCTL_USAGE after printing why. */
int wbctl_resolve (wbctl_t *self, const char *name, wbctl_workbin_t *workbin);

/* How this run registers: an agent application if it logs an agent in,
   else a media server. */
wb_client_type_t wbctl_client_type (const wbctl_t *self);

/* Turn "KEY=VALUE" into an entry of list: an int when VALUE is an integer
   in its plain form (optional '-', digits, no leading zero, 64 bits), a
   string otherwise. Return 0, or WBCTL_USAGE after printing why. */
int wbctl_add_assignment (wb_kvlist_t *list, const char *assignment);
/* The same, silently: return 0, or -1 with *problem set to what is wrong
   (a phrase to put before the assignment, such as "expected KEY=VALUE,
   not"). */
int wbctl_parse_assignment (wb_kvlist_t *list, const char *assignment, const char **problem);

/* A text table whose columns are measured in display columns. */
typedef struct _wbctl_table_t wbctl_table_t;

/* headers: column titles; a title starting with '>' is right-aligned.
   max_width: the widest a cell may be (0: no limit), longer text is cut
   with an ellipsis. */
wbctl_table_t *wbctl_table_new (const char **headers, size_t columns, int max_width);
void wbctl_table_destroy (wbctl_table_t **self_p);
/* Add a row of exactly the table's number of cells (NULL: empty). */
int wbctl_table_add (wbctl_table_t *self, const char **cells);
void wbctl_table_print (const wbctl_table_t *self, FILE *stream);

/* The display width of UTF-8 text in the current locale. */
int wbctl_display_width (const char *text);

#endif
