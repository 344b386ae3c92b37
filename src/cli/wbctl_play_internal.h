/*  wbctl_play_internal: the play command's types, shared by its files:
    wbctl_play.c (the verb table, what each step does, the report),
    wbctl_play_parse.c (the scenario file into steps, checked before
    anything is sent) and wbctl_play_session.c (a session per agent, kept
    alive while the play waits).

    A verb that names a wbctl command (submit, place, pull, change, stop,
    content, subscribe, cancel) runs that command's row: its checks when
    the file is read, its request when the step runs. as, wait, expect and
    say are the play's own.
*/
#ifndef WBCTL_PLAY_INTERNAL_H_INCLUDED
#define WBCTL_PLAY_INTERNAL_H_INCLUDED

#include "wbctl.h"
#include "wb_trace.h"

#define PLAY_MEDIA "media"        /* the name of the media-server session */

typedef struct _wbctl_play_t wbctl_play_t;
typedef struct _wbctl_step_t wbctl_step_t;

/* What parsing knows so far, and what is wrong with the current line. */
typedef struct {
    zhashx_t *defined;        /* the NAMEs of "-> NAME" seen so far */
    bool after_request;       /* the step above sends a request */
    char problem [WBCTL_TEXT_MAX];
} wbctl_parser_t;

/* What running a step gave: an exit status, and the reply as reported. */
typedef struct {
    int status;               /* WBCTL_OK, WBCTL_EVENT_ERROR, ... */
    bool report;              /* print the step's line */
    int64_t code;             /* the ErrorCode of an EventError */
    char text [WBCTL_TEXT_MAX];
} wbctl_outcome_t;

/* Further checks of a step when the file is read: 0, or -1 after saying
   why (wbctl_parser_problem). */
typedef int (wbctl_step_check_fn) (wbctl_parser_t *parser, wbctl_step_t *step);
/* Run a step. */
typedef void (wbctl_step_run_fn) (wbctl_play_t *self, const wbctl_step_t *step,
                                  wbctl_outcome_t *outcome);
/* The expected reply of a command's step, as its line reports it. */
typedef void (wbctl_step_report_fn) (wbctl_play_t *self, const wbctl_step_t *step,
                                     const wbctl_exchange_t *exchange, wbctl_outcome_t *outcome);

/* What a verb is, as bits. */
enum {
    VERB_SENDS = 1u << 0,     /* sends a request: an expect may follow */
    VERB_NAMES = 1u << 1,     /* may end with "-> NAME" */
    VERB_RAW = 1u << 2,       /* takes the rest of the line as it is */
    VERB_ID = 1u << 3,        /* its first argument is ID or $NAME */
};

/* One row of the verb table (wbctl_play.c). */
typedef struct {
    const char *name;
    const char *command;      /* the wbctl command it runs; NULL: the play's own */
    int min_words;            /* arguments after the verb */
    int max_words;            /* -1: any number */
    int assignments_from;     /* the first KEY=VALUE argument; 0: none */
    unsigned flags;
    wbctl_step_check_fn *check;   /* further checks; NULL: none */
    wbctl_step_run_fn *run;       /* NULL: expect, judged with the step above */
    wbctl_step_report_fn *report; /* a command's reply */
    const char *usage;
} wbctl_verb_t;

struct _wbctl_step_t {
    size_t line;
    const wbctl_verb_t *verb;
    const wbctl_command_t *command;   /* the verb's command, or NULL */
    char *text;               /* the line as written, without blanks around */
    char **words;             /* the arguments, unquoted */
    int word_count;
    char *name;               /* "-> NAME"; NULL: none */
    wb_kvlist_t *assignments; /* the KEY=VALUE arguments, typed by the command's checks */
    double seconds;           /* wait */
    bool expect_error;        /* expect error CODE; false: expect ok */
    int64_t code;
};

/* One session: a connection, registered and logged in as who. */
typedef struct {
    wbctl_play_t *play;
    char *who;                /* an AgentId, or PLAY_MEDIA */
    wbctl_t ctl;              /* the global options, its client and types */
    int64_t last_active;      /* wb_mono_ms () of its last request */
} wbctl_play_session_t;

struct _wbctl_play_t {
    wbctl_t *ctl;             /* the global options */
    const char *file;
    wbctl_step_t *steps;
    size_t count;
    size_t capacity;
    double speed;
    zhashx_t *sessions;       /* who -> wbctl_play_session_t */
    const char *current;      /* who the steps run as */
    zhashx_t *ids;            /* NAME -> InteractionId, this round */
    const char *trace_path;   /* --trace FILE, or NULL */
    wb_trace_t *trace;        /* every session's messages, from the first session on */
};

/* wbctl_play.c: the verbs, and the outcomes of steps. */
const wbctl_verb_t *wbctl_verb_find (const char *name);
/* The verbs' names, "as, wait, ...", into buffer. */
void wbctl_verb_names (char *buffer, size_t size);
/* Say what is wrong with the line being read; return -1. */
int wbctl_parser_problem (wbctl_parser_t *parser, const char *format, ...) WB_PRINTF (2, 3);
/* A step's result, reported on its line. */
void wbctl_outcome_set (wbctl_outcome_t *outcome, int status, const char *format, ...)
    WB_PRINTF (3, 4);
/* A reply that is not the one expected: an EventError, or a surprise. */
void wbctl_outcome_refused (wbctl_outcome_t *outcome, const wb_msg_t *reply);
/* No reply: interrupted (nothing to report), or no answer in time. */
void wbctl_outcome_silence (wbctl_outcome_t *outcome, int status);
/* A problem with the step itself, found while running it: printed as
   "FILE:LINE: problem" instead of the step's line (exit 2). */
void wbctl_outcome_problem (wbctl_outcome_t *outcome, const char *problem);

/* wbctl_play_parse.c: read the whole file into self->steps. Return 0,
   or WBCTL_USAGE after printing "FILE:LINE: what is wrong" for each bad
   line. */
int wbctl_play_parse_file (wbctl_play_t *self, const char *file);
void wbctl_step_clear (wbctl_step_t *step);

/* wbctl_play_session.c: the session the steps run as, opened on first
   use; NULL with the outcome saying why if it cannot be. */
wbctl_play_session_t *wbctl_play_current (wbctl_play_t *self, wbctl_outcome_t *outcome);
/* A new session as who (PLAY_MEDIA: a media server), its login's answer
   in the outcome; NULL if it could not be opened. */
wbctl_play_session_t *wbctl_play_session_new (wbctl_play_t *play, const char *who,
                                              wbctl_outcome_t *outcome);
/* zhashx destructor of a session: says goodbye, then frees it. */
void wbctl_play_session_free (void **item);
/* With --trace, after a step that sent a request: a round trip on every
   session, so that the events the step caused reach the trace before the
   next step, whatever the machine's speed. WBCTL_OK or the failure. */
int wbctl_play_settle (wbctl_play_t *self);
/* Throw away the events the sessions received, and ping each session
   that has been silent for a while. Return the exit status. */
int wbctl_play_tend (wbctl_play_t *self);
/* Write the trace, once the events that have arrived are in it: the
   exchanges of the scenario, without the start-up chatter (see
   wb_trace_entry_t). Return the exit status. */
int wbctl_play_write_trace (wbctl_play_t *self);
/* Pause, keeping the sessions alive. Return the exit status. */
int wbctl_play_pause (wbctl_play_t *self, int64_t milliseconds);

#endif
