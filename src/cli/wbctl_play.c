/*  wbctl_play: the play command, which runs a scenario file.

    A scenario is a text file of steps, one a line (doc/wbctl.1, SCENARIOS):
    requests sent on sessions kept open per agent, pauses for the people
    watching, checks of the previous reply, and text for trainers. The whole
    file is parsed first (wbctl_play_parse.c), so that a bad line stops the
    play before anything is sent; then each step runs and its reply is
    reported on one line: the line number, the step as written, and the
    reply.

    A step that sends a request runs the wbctl command of the same name:
    the same checks, the same request built in the same place
    (wbctl_commands.c); only the report of its reply is the play's.

    The play reports replies only: the events its own sessions receive are
    thrown away (a console or a wbctl watch in another terminal shows them).
    With --trace, every request and every reply and event of every session
    goes into one wb_trace, written as a sequence diagram at the end; say
    steps become its marks.
*/
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "wbctl_play_internal.h"
#include "wb_clock.h"
#include "wb_events.h"

#define PLAY_WAIT_MAX_MS 1e12     /* the longest wait, whatever --speed says */

static wbctl_step_check_fn s_check_as, s_check_wait, s_check_submit, s_check_expect;
static wbctl_step_run_fn s_run_as, s_run_wait, s_run_say, s_run_command;
static wbctl_step_report_fn s_report_ack, s_report_submitted, s_report_content,
                            s_report_pulled;

static const wbctl_verb_t s_verbs [] = {
    { .name = "as", .min_words = 1, .max_words = 1, .flags = VERB_SENDS,
      .check = s_check_as, .run = s_run_as, .usage = "as AGENT | as media" },
    { .name = "wait", .min_words = 1, .max_words = 1, .check = s_check_wait,
      .run = s_run_wait, .usage = "wait SECONDS" },
    { .name = "submit", .command = "submit", .min_words = 3, .max_words = -1,
      .assignments_from = 3, .flags = VERB_SENDS | VERB_NAMES, .check = s_check_submit,
      .run = s_run_command, .report = s_report_submitted,
      .usage = "submit WB \"SUBJECT\" FROM [KEY=VALUE]... [-> NAME]" },
    { .name = "place", .command = "place", .min_words = 2, .max_words = -1,
      .assignments_from = 2, .flags = VERB_SENDS | VERB_ID, .run = s_run_command,
      .report = s_report_ack, .usage = "place ID|$NAME WB [KEY=VALUE]..." },
    { .name = "pull", .command = "pull", .min_words = 1, .max_words = 1,
      .flags = VERB_SENDS | VERB_ID, .run = s_run_command, .report = s_report_pulled,
      .usage = "pull ID|$NAME" },
    { .name = "change", .command = "change", .min_words = 2, .max_words = -1,
      .assignments_from = 1, .flags = VERB_SENDS | VERB_ID, .run = s_run_command,
      .report = s_report_ack, .usage = "change ID|$NAME KEY=VALUE..." },
    { .name = "stop", .command = "stop", .min_words = 1, .max_words = 1,
      .flags = VERB_SENDS | VERB_ID, .run = s_run_command, .report = s_report_ack,
      .usage = "stop ID|$NAME" },
    { .name = "content", .command = "content", .min_words = 1, .max_words = 1,
      .flags = VERB_SENDS, .run = s_run_command, .report = s_report_content,
      .usage = "content WB" },
    { .name = "subscribe", .command = "subscribe", .min_words = 1, .max_words = 1,
      .flags = VERB_SENDS, .run = s_run_command, .report = s_report_ack,
      .usage = "subscribe WB" },
    { .name = "cancel", .command = "cancel", .min_words = 1, .max_words = 1,
      .flags = VERB_SENDS, .run = s_run_command, .report = s_report_ack,
      .usage = "cancel WB" },
    { .name = "expect", .min_words = 1, .max_words = 2, .check = s_check_expect,
      .usage = "expect ok | expect error CODE" },
    { .name = "say", .min_words = 0, .max_words = 1, .flags = VERB_RAW, .run = s_run_say,
      .usage = "say TEXT" },
};

const wbctl_verb_t *
wbctl_verb_find (const char *name)
{
    for (size_t index = 0; index < WB_COUNT_OF (s_verbs); index++)
        if (streq (s_verbs [index].name, name))
            return &s_verbs [index];
    return NULL;
}

void
wbctl_verb_names (char *buffer, size_t size)
{
    *buffer = 0;
    for (size_t index = 0; index < WB_COUNT_OF (s_verbs); index++)
        snprintf (buffer + strlen (buffer), size - strlen (buffer), "%s%s",
                  index ? ", " : "", s_verbs [index].name);
}

int
wbctl_parser_problem (wbctl_parser_t *parser, const char *format, ...)
{
    va_list arguments;
    va_start (arguments, format);
    vsnprintf (parser->problem, sizeof (parser->problem), format, arguments);
    va_end (arguments);
    return -1;
}

// ---------------------------------------------------------------- checks

static int
s_check_as (wbctl_parser_t *parser, wbctl_step_t *step)
{
    if (!*step->words [0])
        return wbctl_parser_problem (parser, "as takes an AgentId, or media");
    return 0;
}

static int
s_check_wait (wbctl_parser_t *parser, wbctl_step_t *step)
{
    const char *text = step->words [0];
    char *end = NULL;
    errno = 0;
    step->seconds = strtod (text, &end);
    if (errno || end == text || *end || !(step->seconds > 0 && step->seconds <= 86400))
        return wbctl_parser_problem (parser, "wait takes seconds, above 0 and at most 86400 "
                                             "(such as 2 or 0.5), not '%s'", text);
    return 0;
}

//  A submit's SUBJECT and FROM are its Subject and FromAddress, first of
//  its KEY=VALUE; the submit command checks them all.
static int
s_check_submit (wbctl_parser_t *parser, wbctl_step_t *step)
{
    wb_kvlist_t *fields = wb_kvlist_new ();
    int rc = wb_kvlist_add_string (fields, WB_ATTR_SUBJECT, step->words [1])
          || wb_kvlist_add_string (fields, WB_ATTR_FROM_ADDRESS, step->words [2])
          || wb_kvlist_append (fields, step->assignments);
    wb_kvlist_destroy (&step->assignments);
    step->assignments = fields;
    return rc ? wbctl_parser_problem (parser, "SUBJECT or FROM is over the protocol's "
                                              "limits (PROTOCOL.md)") : 0;
}

static int
s_check_expect (wbctl_parser_t *parser, wbctl_step_t *step)
{
    if (!parser->after_request)
        return wbctl_parser_problem (parser, "expect must follow a step that sends a request");
    const char *kind = step->words [0];
    const char *code = step->word_count > 1 ? step->words [1] : "";
    char *end = NULL;
    errno = 0;
    step->code = strtoll (code, &end, 10);
    step->expect_error = streq (kind, "error");
    if (streq (kind, "ok") && step->word_count == 1)
        return 0;
    if (step->expect_error && *code >= '0' && *code <= '9' && !*end && !errno)
        return 0;
    return wbctl_parser_problem (parser, "usage: %s", step->verb->usage);
}

// ---------------------------------------------------------------- outcomes

void
wbctl_outcome_set (wbctl_outcome_t *outcome, int status, const char *format, ...)
{
    va_list arguments;
    va_start (arguments, format);
    vsnprintf (outcome->text, sizeof (outcome->text), format, arguments);
    va_end (arguments);
    outcome->status = status;
    outcome->report = true;
}

void
wbctl_outcome_refused (wbctl_outcome_t *outcome, const wb_msg_t *reply)
{
    wb_event_error_t error;
    outcome->code = wb_event_read_error (reply, &error) == 0 ? error.code : -1;
    if (wb_msg_is (reply, WB_ROW_EVENT_ERROR))
        wbctl_outcome_set (outcome, WBCTL_EVENT_ERROR, WB_MSG_EVENT_ERROR " %" PRId64 " %s",
                           outcome->code, error.description);
    else
        wbctl_outcome_set (outcome, WBCTL_EVENT_ERROR, "unexpected reply %s",
                           wb_msg_name (reply));
}

void
wbctl_outcome_silence (wbctl_outcome_t *outcome, int status)
{
    outcome->status = status;
    if (status != WBCTL_INTERRUPTED)
        wbctl_outcome_set (outcome, status, "no answer");
}

void
wbctl_outcome_problem (wbctl_outcome_t *outcome, const char *problem)
{
    snprintf (outcome->text, sizeof (outcome->text), "%s", problem);
    outcome->status = WBCTL_USAGE;
    outcome->report = false;
}

// ---------------------------------------------------------------- steps

static void
s_run_as (wbctl_play_t *self, const wbctl_step_t *step, wbctl_outcome_t *outcome)
{
    const char *who = step->words [0];
    if (zhashx_lookup (self->sessions, who)) {
        self->current = who;
        wbctl_outcome_set (outcome, WBCTL_OK, "session already open");
        return;
    }
    wbctl_play_session_t *session = wbctl_play_session_new (self, who, outcome);
    if (session) {
        zhashx_insert (self->sessions, who, session);
        self->current = who;
    }
}

static void
s_run_wait (wbctl_play_t *self, const wbctl_step_t *step, wbctl_outcome_t *outcome)
{
    //  a pinned clock (--clock) moves as the scenario says, whatever the speed
    if (wb_clock_pinned ())
        wb_clock_advance ((int64_t) (step->seconds * 1000 + 0.5));
    double milliseconds = step->seconds * 1000 / self->speed + 0.5;
    if (milliseconds > PLAY_WAIT_MAX_MS)
        milliseconds = PLAY_WAIT_MAX_MS;
    outcome->status = wbctl_play_pause (self, (int64_t) milliseconds);
    snprintf (outcome->text, sizeof (outcome->text), "a session stopped answering");
}

static void
s_run_say (wbctl_play_t *self, const wbctl_step_t *step, wbctl_outcome_t *outcome)
{
    (void) outcome;
    if (!self->ctl->json)
        printf ("%s\n", step->words [0]);
    if (self->trace)
        wb_trace_mark (self->trace, step->words [0], wb_clock_wall_ms ());
}

//  The InteractionId a step names: its ID argument as it is, or the one
//  remembered under $NAME this round. NULL with the outcome saying why.
static const char *
s_interaction_id (wbctl_play_t *self, const wbctl_step_t *step, wbctl_outcome_t *outcome)
{
    const char *word = step->words [0];
    const char *id = *word == '$' ? zhashx_lookup (self->ids, word + 1) : word;
    if (!id) {
        char problem [WBCTL_TEXT_MAX];
        snprintf (problem, sizeof (problem), "%s is not set: its submit failed", word);
        wbctl_outcome_problem (outcome, problem);
    }
    return id;
}

//  The outcome of a command's exchange: its report, or why there is none.
static void
s_exchanged (wbctl_play_t *self, const wbctl_step_t *step, int status,
             const wbctl_exchange_t *exchange, wbctl_outcome_t *outcome)
{
    if (status == WBCTL_OK)
        step->verb->report (self, step, exchange, outcome);
    else
    if (status == WBCTL_USAGE)
        wbctl_outcome_problem (outcome, exchange->problem);
    else
    if (status == WBCTL_EVENT_ERROR)
        wbctl_outcome_refused (outcome, exchange->reply);
    else
        wbctl_outcome_silence (outcome, status);
}

//  A step that runs a wbctl command: its words are the command's
//  arguments, ID or $NAME first, and its KEY=VALUE the command's; it runs
//  in the current session.
static void
s_run_command (wbctl_play_t *self, const wbctl_step_t *step, wbctl_outcome_t *outcome)
{
    const char *id = step->verb->flags & VERB_ID ? s_interaction_id (self, step, outcome) : "";
    wbctl_play_session_t *session = id ? wbctl_play_current (self, outcome) : NULL;
    if (!session)
        return;
    char **argv = wb_calloc ((size_t) step->word_count + 1, sizeof (char *));
    memcpy (argv, step->words, (size_t) step->word_count * sizeof (char *));
    if (step->verb->flags & VERB_ID)
        argv [0] = (char *) id;
    wbctl_args_t args = { .timeout_ms = -1, .assignments = step->assignments,
                          .argc = step->word_count, .argv = argv };
    wbctl_exchange_t exchange;
    session->last_active = wb_mono_ms ();
    int status = wbctl_command_exchange (&session->ctl, step->command, &args, &exchange);
    wbctl_print_json (&session->ctl, exchange.reply);
    s_exchanged (self, step, status, &exchange, outcome);
    wbctl_exchange_clear (&exchange);
    free (argv);
}

// ---------------------------------------------------------------- reports

//  EventAck, with the WorkbinVersion it carries.
static void
s_report_ack (wbctl_play_t *self, const wbctl_step_t *step, const wbctl_exchange_t *exchange,
              wbctl_outcome_t *outcome)
{
    (void) self, (void) step;
    wb_event_ack_t ack;
    wb_event_read_ack (exchange->reply, &ack);
    if (ack.workbin_version != WB_ABSENT)
        wbctl_outcome_set (outcome, WBCTL_OK, WB_MSG_EVENT_ACK " version %" PRId64,
                           ack.workbin_version);
    else
        wbctl_outcome_set (outcome, WBCTL_OK, WB_MSG_EVENT_ACK);
}

//  The new InteractionId, remembered under the step's NAME this round.
static void
s_report_submitted (wbctl_play_t *self, const wbctl_step_t *step,
                    const wbctl_exchange_t *exchange, wbctl_outcome_t *outcome)
{
    wb_event_ack_t ack;
    wb_event_read_ack (exchange->reply, &ack);
    if (!ack.interaction_id) {
        wbctl_outcome_set (outcome, WBCTL_EVENT_ERROR,
                           WB_MSG_EVENT_ACK " without " WB_ATTR_INTERACTION_ID);
        return;
    }
    wbctl_outcome_set (outcome, WBCTL_OK, "%s", ack.interaction_id);
    if (step->name)
        zhashx_update (self->ids, step->name, wb_strdup (ack.interaction_id));
}

static void
s_report_content (wbctl_play_t *self, const wbctl_step_t *step,
                  const wbctl_exchange_t *exchange, wbctl_outcome_t *outcome)
{
    (void) self, (void) step;
    wb_event_content_t page;
    wb_event_read_content (exchange->reply, &page);
    wbctl_outcome_set (outcome, WBCTL_OK, WB_MSG_EVENT_WORKBIN_CONTENT " %" PRId64
                       " interaction%s, version %" PRId64, page.total_count,
                       page.total_count == 1 ? "" : "s", page.version);
}

//  EventPulledInteractions, with the InteractionId pulled.
static void
s_report_pulled (wbctl_play_t *self, const wbctl_step_t *step,
                 const wbctl_exchange_t *exchange, wbctl_outcome_t *outcome)
{
    (void) self, (void) step;
    wbctl_outcome_set (outcome, WBCTL_OK, WB_MSG_EVENT_PULLED_INTERACTIONS " %s",
                       exchange->what);
}

// ---------------------------------------------------------------- playing

//  An expect that the reply does not meet: say what came instead.
static int
s_expect_failed (wbctl_play_t *self, const wbctl_step_t *expect,
                 const wbctl_outcome_t *outcome)
{
    if (expect->expect_error)
        fprintf (stderr, "%s:%zu: expected EventError %" PRId64 ", got %s\n", self->file,
                 expect->line, expect->code, outcome->text);
    else
        fprintf (stderr, "%s:%zu: expected success, got %s\n", self->file, expect->line,
                 outcome->text);
    return WBCTL_EVENT_ERROR;
}

//  Report a step's line and say whether the play goes on: a step must
//  succeed, unless the expect below it says which EventError it gives.
static int
s_judge (wbctl_play_t *self, const wbctl_step_t *step, const wbctl_step_t *expect,
         const wbctl_outcome_t *outcome)
{
    if (!outcome->report) {
        if (outcome->status != WBCTL_OK && outcome->status != WBCTL_INTERRUPTED)
            fprintf (stderr, "%s:%zu: %s\n", self->file, step->line, outcome->text);
        return outcome->status;
    }
    bool failed = outcome->status == WBCTL_EVENT_ERROR;
    bool met = expect && expect->expect_error == failed
            && (!failed || expect->code == outcome->code);
    if (!self->ctl->json)
        printf ("%4zu  %s  =>  %s%s\n", step->line, step->text, outcome->text,
                met && failed ? "  (expected)" : "");
    if (!failed && outcome->status != WBCTL_OK)
        return outcome->status;             //  no answer: nothing to judge
    if (expect && !met)
        return s_expect_failed (self, expect, outcome);
    if (failed && !expect)
        fprintf (stderr, "%s:%zu: unexpected %s\n", self->file, step->line, outcome->text);
    return failed && !expect ? WBCTL_EVENT_ERROR : WBCTL_OK;
}

//  Play the steps once, from the default session, with no names set.
static int
s_play_round (wbctl_play_t *self)
{
    self->current = self->ctl->agent_id ? self->ctl->agent_id : PLAY_MEDIA;
    zhashx_purge (self->ids);
    int status = WBCTL_OK;
    for (size_t index = 0; status == WBCTL_OK && index < self->count; index++) {
        const wbctl_step_t *step = &self->steps [index];
        const wbctl_step_t *next = index + 1 < self->count ? &self->steps [index + 1] : NULL;
        if (!step->verb->run)
            continue;                       //  an expect, judged with its step
        if (wbctl_interrupted ())
            return WBCTL_INTERRUPTED;       //  also when no step waits
        wbctl_outcome_t outcome = { .status = WBCTL_OK };
        step->verb->run (self, step, &outcome);
        status = s_judge (self, step, next && !next->verb->run ? next : NULL, &outcome);
        if (status == WBCTL_OK && self->trace && (step->verb->flags & VERB_SENDS))
            status = wbctl_play_settle (self);
        if (status == WBCTL_OK)
            status = wbctl_play_tend (self);
    }
    return status;
}

static int
s_parse_speed (const wbctl_args_t *args, double *speed)
{
    char *end = NULL;
    *speed = 1;
    if (!args->speed)
        return WBCTL_OK;
    errno = 0;
    *speed = strtod (args->speed, &end);
    if (!errno && end != args->speed && !*end && *speed > 0 && *speed <= 1e9)
        return WBCTL_OK;
    fprintf (stderr, "wbctl play: invalid value for --speed: %s\nTry 'wbctl --help'.\n",
             args->speed);
    return WBCTL_USAGE;
}

//  The trace's recorder, its first lifeline: the agent the play runs as
//  (-a), else the first agent an "as" names, else the media server; so
//  that, as in the reference's figures, the agent application is on the
//  left of the server and a media server on its right.
static void
s_trace_new (wbctl_play_t *self)
{
    const char *first = self->ctl->agent_id;
    for (size_t index = 0; !first && index < self->count; index++) {
        const wbctl_step_t *step = &self->steps [index];
        if (streq (step->verb->name, "as") && !streq (step->words [0], PLAY_MEDIA))
            first = step->words [0];
    }
    if (!first)
        first = PLAY_MEDIA;
    self->trace = wb_trace_new (first, 0, 0);
}

//  --trace FILE must name a format, and --clock a UTC time, before
//  anything is sent.
static int
s_parse_trace (const wbctl_args_t *args)
{
    if (args->trace && wb_trace_format_of (args->trace) < 0) {
        fprintf (stderr, "wbctl play: --trace takes a file ending in .svg, .mmd, .puml or "
                         ".txt, not %s\nTry 'wbctl --help'.\n", args->trace);
        return WBCTL_USAGE;
    }
    if (args->clock && wb_clock_pin_text (args->clock)) {
        fprintf (stderr, "wbctl play: --clock takes a UTC time yyyy-MM-ddTHH:mm:ssZ, not "
                         "%s\nTry 'wbctl --help'.\n", args->clock);
        return WBCTL_USAGE;
    }
    return WBCTL_OK;
}

static void
s_free_string (void **item)
{
    free (*item);
    *item = NULL;
}

static void
s_play_clear (wbctl_play_t *self)
{
    zhashx_destroy (&self->sessions);       //  says goodbye on each
    zhashx_destroy (&self->ids);
    for (size_t index = 0; index < self->count; index++)
        wbctl_step_clear (&self->steps [index]);
    free (self->steps);
}

int
wbctl_play (wbctl_t *ctl, const wbctl_args_t *args)
{
    wbctl_play_t self = { .ctl = ctl, .trace_path = args->trace };
    int status = s_parse_speed (args, &self.speed);
    if (status == WBCTL_OK)
        status = s_parse_trace (args);
    if (status == WBCTL_OK)
        status = wbctl_play_parse_file (&self, args->argv [0]);
    if (status == WBCTL_OK && self.trace_path)
        s_trace_new (&self);
    self.sessions = zhashx_new ();
    self.ids = zhashx_new ();
    zhashx_set_destructor (self.sessions, wbctl_play_session_free);
    zhashx_set_destructor (self.ids, s_free_string);
    for (unsigned round = 1; status == WBCTL_OK; round++) {
        if (args->loop && !ctl->json)
            printf ("round %u\n", round);
        status = s_play_round (&self);
        if (!args->loop)
            break;
    }
    if (status == WBCTL_INTERRUPTED && args->loop)
        status = WBCTL_OK;
    //  the trace of what was played, also when the play stopped early
    if (self.trace) {
        wbctl_interrupted_clear ();
        int written = wbctl_play_write_trace (&self);
        status = status == WBCTL_OK ? written : status;
    }
    s_play_clear (&self);
    wb_trace_destroy (&self.trace);
    return status;
}
