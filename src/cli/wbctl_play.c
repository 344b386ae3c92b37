/*  wbctl_play: the play command, which runs a scenario file.

    A scenario is a text file of steps, one a line (doc/wbctl.1, SCENARIOS):
    requests sent on sessions kept open per agent, pauses for the people
    watching, checks of the previous reply, and text for trainers. The whole
    file is parsed first, so that a bad line stops the play before anything
    is sent; then each step runs and its reply is reported on one line: the
    line number, the step as written, and the reply.

    The play reports replies only: the events its own sessions receive are
    thrown away (a console or a wbctl watch in another terminal shows them).
*/
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include "wbctl.h"
#include "wb_events.h"
#include "wb_requests.h"

#define PLAY_SLICE_MS 250         /* longest sleep between looks at Ctrl-C */
#define PLAY_IDLE_MS 5000         /* ping a session silent this long */
#define PLAY_WAIT_MAX_MS 1e12     /* the longest wait, whatever --speed says */
#define PLAY_TEXT_MAX 512         /* a reply as reported, a parse problem */
#define PLAY_MEDIA "media"        /* the name of the media-server session */
#define PLAY_NAME_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"

#if defined (__GNUC__)
#   define PLAY_PRINTF(index) __attribute__ ((format (printf, index, index + 1)))
#else
#   define PLAY_PRINTF(index)
#endif

// ---------------------------------------------------------------- types

typedef struct _s_play_t s_play_t;
typedef struct _s_step_t s_step_t;

//  What parsing knows so far, and what is wrong with the current line.
typedef struct {
    zhashx_t *defined;        /* the NAMEs of "-> NAME" seen so far */
    bool after_request;       /* the step above sends a request */
    char problem [PLAY_TEXT_MAX];
} s_parser_t;

//  What running a step gave: an exit status, and the reply as reported.
typedef struct {
    int status;               /* WBCTL_OK, WBCTL_EVENT_ERROR, ... */
    bool report;              /* print the step's line */
    int64_t code;             /* the ErrorCode of an EventError */
    char text [PLAY_TEXT_MAX];
} s_outcome_t;

typedef int (s_check_fn) (s_parser_t *parser, s_step_t *step);
typedef void (s_run_fn) (s_play_t *self, const s_step_t *step, s_outcome_t *outcome);

//  What a verb is, as bits.
enum {
    VERB_SENDS = 1u << 0,     /* sends a request: an expect may follow */
    VERB_NAMES = 1u << 1,     /* may end with "-> NAME" */
    VERB_RAW = 1u << 2,       /* takes the rest of the line as it is */
};

//  One row of the verb table.
typedef struct {
    const char *name;
    int min_words;            /* arguments after the verb */
    int max_words;            /* -1: any number */
    int id_word;              /* the argument that is ID or $NAME; -1: none */
    int assignments_from;     /* the first KEY=VALUE argument; -1: none */
    unsigned flags;
    s_check_fn *check;        /* further checks; NULL: none */
    s_run_fn *run;            /* NULL: expect, judged with the step above */
    const char *usage;
} s_verb_t;

struct _s_step_t {
    size_t line;
    const s_verb_t *verb;
    char *text;               /* the line as written, without blanks around */
    char **words;             /* the arguments, unquoted */
    int word_count;
    char *name;               /* "-> NAME"; NULL: none */
    wb_kvlist_t *assignments; /* the KEY=VALUE arguments, typed */
    double seconds;           /* wait */
    bool expect_error;        /* expect error CODE; false: expect ok */
    int64_t code;
};

//  One session: a connection, registered and logged in as who.
typedef struct {
    char *who;                /* an AgentId, or PLAY_MEDIA */
    wbctl_t ctl;              /* the global options, its client and types */
    bool opened;              /* registered: say goodbye at the end */
    int64_t last_active;      /* zclock_mono () of its last request */
} s_session_t;

struct _s_play_t {
    wbctl_t *ctl;             /* the global options */
    const char *file;
    s_step_t *steps;
    size_t count;
    size_t capacity;
    double speed;
    zhashx_t *sessions;       /* who -> s_session_t */
    const char *current;      /* who the steps run as */
    zhashx_t *ids;            /* NAME -> InteractionId, this round */
};

static s_check_fn s_check_as, s_check_wait, s_check_submit, s_check_expect;
static s_run_fn s_run_as, s_run_wait, s_run_submit, s_run_place, s_run_pull, s_run_change,
                s_run_stop, s_run_content, s_run_subscribe, s_run_cancel, s_run_say;

static const s_verb_t s_verbs [] = {
    { "as", 1, 1, -1, -1, VERB_SENDS, s_check_as, s_run_as, "as AGENT | as media" },
    { "wait", 1, 1, -1, -1, 0, s_check_wait, s_run_wait, "wait SECONDS" },
    { "submit", 3, -1, -1, 3, VERB_SENDS | VERB_NAMES, s_check_submit, s_run_submit,
      "submit WB \"SUBJECT\" FROM [KEY=VALUE]... [-> NAME]" },
    { "place", 2, -1, 0, 2, VERB_SENDS, NULL, s_run_place, "place ID|$NAME WB [KEY=VALUE]..." },
    { "pull", 1, 1, 0, -1, VERB_SENDS, NULL, s_run_pull, "pull ID|$NAME" },
    { "change", 2, -1, 0, 1, VERB_SENDS, NULL, s_run_change, "change ID|$NAME KEY=VALUE..." },
    { "stop", 1, 1, 0, -1, VERB_SENDS, NULL, s_run_stop, "stop ID|$NAME" },
    { "content", 1, 1, -1, -1, VERB_SENDS, NULL, s_run_content, "content WB" },
    { "subscribe", 1, 1, -1, -1, VERB_SENDS, NULL, s_run_subscribe, "subscribe WB" },
    { "cancel", 1, 1, -1, -1, VERB_SENDS, NULL, s_run_cancel, "cancel WB" },
    { "expect", 1, 2, -1, -1, 0, s_check_expect, NULL, "expect ok | expect error CODE" },
    { "say", 0, 1, -1, -1, VERB_RAW, NULL, s_run_say, "say TEXT" },
};

#define VERB_COUNT (sizeof (s_verbs) / sizeof (s_verbs [0]))

//  RequestSubmit's string attributes a submit step sets with KEY=VALUE,
//  and the field of the submission each fills; Priority (an int) aside,
//  any other key goes into UserData.
#define SUBMIT_FIELD(name) offsetof (wb_submission_t, name)
static const struct {
    const char *key;
    size_t field;
} s_submit_strings [] = {
    { WB_ATTR_MEDIA_TYPE, SUBMIT_FIELD (media_type) },
    { WB_ATTR_INTERACTION_TYPE, SUBMIT_FIELD (interaction_type) },
    { WB_ATTR_INTERACTION_SUBTYPE, SUBMIT_FIELD (interaction_subtype) },
    { WB_ATTR_FROM_PERSONAL, SUBMIT_FIELD (from_personal) },
    { WB_ATTR_RECEIVED_AT, SUBMIT_FIELD (received_at) },
};

#define SUBMIT_STRING_COUNT (sizeof (s_submit_strings) / sizeof (s_submit_strings [0]))

// ---------------------------------------------------------------- words

static int s_problem (s_parser_t *parser, const char *format, ...) PLAY_PRINTF (2);

//  Say what is wrong with the line; return -1.
static int
s_problem (s_parser_t *parser, const char *format, ...)
{
    va_list arguments;
    va_start (arguments, format);
    vsnprintf (parser->problem, sizeof (parser->problem), format, arguments);
    va_end (arguments);
    return -1;
}

static const char *
s_skip_blanks (const char *text)
{
    return text + strspn (text, " \t");
}

//  Read one word at *cursor: bare text and "quoted" parts, up to a blank
//  outside quotes; inside quotes, \" and \\ stand for " and \. Return the
//  word (caller frees), or NULL after saying why. *bare: no quote in it.
static char *
s_next_word (const char **cursor, bool *bare, s_parser_t *parser)
{
    const char *input = *cursor;
    char *word = malloc (strlen (input) + 1);
    size_t length = 0;
    bool quoted = false;
    *bare = true;
    for (; word && *input && (quoted || !strchr (" \t", *input)); input++) {
        if (*input == '"') {
            quoted = !quoted;
            *bare = false;
            continue;
        }
        if (quoted && *input == '\\' && (input [1] == '"' || input [1] == '\\'))
            input++;
        word [length++] = *input;
    }
    *cursor = input;
    if (!word)
        s_problem (parser, "out of memory");
    else
    if (quoted) {
        s_problem (parser, "a quoted string is not closed (missing \")");
        zstr_free (&word);
    }
    else
        word [length] = 0;
    return word;
}

//  Take "-> NAME" off the end of the step's words, into step->name.
static int
s_take_name (s_parser_t *parser, s_step_t *step, int arrow)
{
    if (!(step->verb->flags & VERB_NAMES))
        return s_problem (parser, "only submit remembers an InteractionId with '-> NAME'");
    if (arrow != step->word_count - 2)
        return s_problem (parser, "'->' must be followed by one NAME, at the end of the line");
    const char *name = step->words [arrow + 1];
    if (!*name || strspn (name, PLAY_NAME_CHARS) != strlen (name))
        return s_problem (parser, "invalid NAME '%s' (letters, digits, '_' and '-')", name);
    step->name = step->words [arrow + 1];
    free (step->words [arrow]);
    step->word_count -= 2;
    return 0;
}

//  Split the text after the verb into words; a bare "->" and NAME at the
//  end go into step->name. Return 0, or -1 after saying why.
static int
s_split (s_parser_t *parser, s_step_t *step, const char *cursor)
{
    //  Words are at least one byte, blanks between them: enough room
    step->words = calloc (strlen (cursor) / 2 + 2, sizeof (char *));
    if (!step->words)
        return s_problem (parser, "out of memory");
    int arrow = -1;
    while (*(cursor = s_skip_blanks (cursor))) {
        bool bare = true;
        char *word = s_next_word (&cursor, &bare, parser);
        if (!word)
            return -1;
        if (bare && arrow < 0 && streq (word, "->"))
            arrow = step->word_count;
        step->words [step->word_count++] = word;
    }
    return arrow < 0 ? 0 : s_take_name (parser, step, arrow);
}

//  The rest of the line as it is: the one argument of say.
static int
s_take_rest (s_parser_t *parser, s_step_t *step, const char *cursor)
{
    step->words = calloc (1, sizeof (char *));
    if (step->words)
        step->words [0] = strdup (s_skip_blanks (cursor));
    if (!step->words || !step->words [0])
        return s_problem (parser, "out of memory");
    step->word_count = 1;
    return 0;
}

// ---------------------------------------------------------------- checks

static int
s_check_as (s_parser_t *parser, s_step_t *step)
{
    if (!*step->words [0])
        return s_problem (parser, "as takes an AgentId, or media");
    return 0;
}

static int
s_check_wait (s_parser_t *parser, s_step_t *step)
{
    const char *text = step->words [0];
    char *end = NULL;
    errno = 0;
    step->seconds = strtod (text, &end);
    if (errno || end == text || *end || !(step->seconds > 0 && step->seconds <= 86400))
        return s_problem (parser, "wait takes seconds, above 0 and at most 86400 "
                                  "(such as 2 or 0.5), not '%s'", text);
    return 0;
}

//  A submit's Priority is an int: RequestSubmit cannot carry another.
static int
s_check_submit (s_parser_t *parser, s_step_t *step)
{
    wb_type_t type = wb_kvlist_type (step->assignments, WB_ATTR_PRIORITY);
    if (type && type != WB_TYPE_INT)
        return s_problem (parser, "%s takes an integer, not '%s'", WB_ATTR_PRIORITY,
                          wb_kvlist_string (step->assignments, WB_ATTR_PRIORITY));
    return 0;
}

static int
s_check_expect (s_parser_t *parser, s_step_t *step)
{
    if (!parser->after_request)
        return s_problem (parser, "expect must follow a step that sends a request");
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
    return s_problem (parser, "usage: %s", step->verb->usage);
}

//  An ID argument: an InteractionId, or $NAME set by a submit above.
static int
s_check_id (s_parser_t *parser, const char *word)
{
    if (!*word)
        return s_problem (parser, "empty InteractionId");
    if (*word == '$' && !zhashx_lookup (parser->defined, word + 1))
        return s_problem (parser, "unknown name %s: no submit above ends with '-> %s'",
                          word, word + 1);
    return 0;
}

static int
s_check_assignments (s_parser_t *parser, s_step_t *step)
{
    step->assignments = wb_kvlist_new ();
    if (!step->assignments)
        return s_problem (parser, "out of memory");
    for (int index = step->verb->assignments_from; index < step->word_count; index++) {
        const char *problem = NULL;
        if (wbctl_parse_assignment (step->assignments, step->words [index], &problem))
            return s_problem (parser, "%s '%s'", problem, step->words [index]);
    }
    return 0;
}

//  Check a step's arguments against its verb's row.
static int
s_check_step (s_parser_t *parser, s_step_t *step)
{
    const s_verb_t *verb = step->verb;
    if (step->word_count < verb->min_words
    ||  (verb->max_words >= 0 && step->word_count > verb->max_words))
        return s_problem (parser, "usage: %s", verb->usage);
    if (verb->id_word >= 0 && s_check_id (parser, step->words [verb->id_word]))
        return -1;
    if (verb->assignments_from >= 0 && s_check_assignments (parser, step))
        return -1;
    if (verb->check && verb->check (parser, step))
        return -1;
    if (step->name)
        zhashx_update (parser->defined, step->name, "");
    return 0;
}

// ---------------------------------------------------------------- parsing

static const s_verb_t *
s_verb_find (const char *name)
{
    for (size_t index = 0; index < VERB_COUNT; index++)
        if (streq (s_verbs [index].name, name))
            return &s_verbs [index];
    return NULL;
}

static int
s_unknown_verb (s_parser_t *parser, const char *name)
{
    char names [256] = "";
    for (size_t index = 0; index < VERB_COUNT; index++)
        snprintf (names + strlen (names), sizeof (names) - strlen (names), "%s%s",
                  index ? ", " : "", s_verbs [index].name);
    return s_problem (parser, "unknown step '%s' (steps: %s)", name, names);
}

//  Parse a line that is not blank nor a comment into a step.
static int
s_parse_step (s_parser_t *parser, s_step_t *step, const char *text)
{
    step->text = strdup (text);
    bool bare = true;
    char *name = s_next_word (&text, &bare, parser);
    if (!step->text || !name) {
        free (name);
        return step->text ? -1 : s_problem (parser, "out of memory");
    }
    step->verb = bare ? s_verb_find (name) : NULL;
    int rc = step->verb ? 0 : bare ? s_unknown_verb (parser, name)
                                   : s_problem (parser, "a step starts with its name, unquoted");
    free (name);
    if (rc == 0)
        rc = step->verb->flags & VERB_RAW ? s_take_rest (parser, step, text)
                                          : s_split (parser, step, text);
    return rc == 0 ? s_check_step (parser, step) : rc;
}

static void
s_step_clear (s_step_t *step)
{
    for (int index = 0; step->words && index < step->word_count; index++)
        free (step->words [index]);
    free (step->words);
    free (step->name);
    free (step->text);
    wb_kvlist_destroy (&step->assignments);
    memset (step, 0, sizeof (*step));
}

static int
s_append (s_play_t *self, s_step_t *step)
{
    if (self->count == self->capacity) {
        size_t capacity = self->capacity ? self->capacity * 2 : 32;
        s_step_t *grown = realloc (self->steps, capacity * sizeof (s_step_t));
        if (!grown)
            return -1;
        self->steps = grown;
        self->capacity = capacity;
    }
    self->steps [self->count++] = *step;
    return 0;
}

//  Parse one line (blank lines and comments make no step). Return 0, or
//  -1 after printing "FILE:LINE: what is wrong".
static int
s_parse_line (s_play_t *self, s_parser_t *parser, size_t number, char *line)
{
    size_t length = strcspn (line, "\r\n");
    while (length > 0 && strchr (" \t", line [length - 1]))
        length--;
    line [length] = 0;
    const char *text = s_skip_blanks (line);
    if (!*text || *text == '#')
        return 0;
    s_step_t step = { .line = number };
    int rc = s_parse_step (parser, &step, text);
    if (rc == 0 && s_append (self, &step))
        rc = s_problem (parser, "out of memory");
    if (rc) {
        fprintf (stderr, "%s:%zu: %s\n", self->file, number, parser->problem);
        s_step_clear (&step);
    }
    //  After a bad line, an expect is not judged again
    parser->after_request = rc || (step.verb->flags & VERB_SENDS);
    return rc;
}

//  Parse the whole file. Return 0, or WBCTL_USAGE after saying why.
static int
s_parse_stream (s_play_t *self, FILE *stream)
{
    s_parser_t parser = { .defined = zhashx_new () };
    char *line = NULL;
    size_t size = 0;
    size_t number = 0;
    size_t errors = 0;
    while (getline (&line, &size, stream) != -1)
        errors += s_parse_line (self, &parser, ++number, line) != 0;
    if (ferror (stream))
        fprintf (stderr, "%s:%zu: cannot read: %s\n", self->file, number + 1, strerror (errno));
    else
    if (errors == 0 && self->count == 0)
        fprintf (stderr, "%s: no step to play\n", self->file);
    bool good = !ferror (stream) && errors == 0 && self->count > 0;
    free (line);
    zhashx_destroy (&parser.defined);
    return good ? WBCTL_OK : WBCTL_USAGE;
}

static int
s_parse_file (s_play_t *self, const char *file)
{
    self->file = file;
    FILE *stream = streq (file, "-") ? stdin : fopen (file, "r");
    if (!stream) {
        fprintf (stderr, "wbctl play: cannot read %s: %s\n", file, strerror (errno));
        return WBCTL_USAGE;
    }
    int status = s_parse_stream (self, stream);
    if (stream != stdin)
        fclose (stream);
    return status;
}

// ---------------------------------------------------------------- outcomes

static void s_outcome_set (s_outcome_t *outcome, int status, const char *format, ...)
    PLAY_PRINTF (3);

//  A step's result, reported on its line.
static void
s_outcome_set (s_outcome_t *outcome, int status, const char *format, ...)
{
    va_list arguments;
    va_start (arguments, format);
    vsnprintf (outcome->text, sizeof (outcome->text), format, arguments);
    va_end (arguments);
    outcome->status = status;
    outcome->report = true;
}

//  A reply that is not the one expected: an EventError, or a surprise.
static void
s_outcome_refused (s_outcome_t *outcome, const wb_msg_t *reply)
{
    wb_event_error_t error;
    outcome->code = wb_event_read_error (reply, &error) == 0 ? error.code : -1;
    if (wb_msg_is (reply, WB_ROW_EVENT_ERROR))
        s_outcome_set (outcome, WBCTL_EVENT_ERROR, WB_MSG_EVENT_ERROR " %" PRId64 " %s",
                       outcome->code, error.description);
    else
        s_outcome_set (outcome, WBCTL_EVENT_ERROR, "unexpected reply %s", wb_msg_name (reply));
}

//  No reply: interrupted (nothing to report), or no answer in time.
static void
s_outcome_silence (s_outcome_t *outcome, int status)
{
    outcome->status = status;
    if (status != WBCTL_INTERRUPTED)
        s_outcome_set (outcome, status, "no answer");
}

//  A problem with the step itself, found while running it: printed as
//  "FILE:LINE: problem" instead of the step's line.
static void
s_outcome_problem (s_outcome_t *outcome, const char *problem)
{
    snprintf (outcome->text, sizeof (outcome->text), "%s", problem);
    outcome->status = WBCTL_USAGE;
    outcome->report = false;
}

// ---------------------------------------------------------------- sessions

static void
s_session_destroy (s_session_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    s_session_t *self = *self_p;
    if (self->opened)
        wbctl_goodbye (&self->ctl);
    wb_workbin_types_destroy (&self->ctl.types);
    wb_client_destroy (&self->ctl.client);
    free (self->who);
    free (self);
    *self_p = NULL;
}

static void
s_session_free (void **item)
{
    s_session_destroy ((s_session_t **) item);
}

//  No reply: interrupted, or no answer in time (said on stderr).
static int
s_silence_status (const wbctl_t *ctl)
{
    if (wbctl_interrupted ())
        return WBCTL_INTERRUPTED;
    wbctl_print_no_answer (ctl);
    return WBCTL_NO_ANSWER;
}

//  Register, log in and load the workbin types, as wbctl does. The login's
//  answer is the step's reply.
static void
s_session_open (s_session_t *self, s_outcome_t *outcome)
{
    wbctl_t *ctl = &self->ctl;
    wb_msg_t *error = NULL;
    int rc = wb_client_open_session (ctl->client, wbctl_client_type (ctl), ctl->client_name,
                                     ctl->tenant_id, ctl->agent_id, ctl->place_id,
                                     ctl->timeout_ms, &error);
    self->last_active = zclock_mono ();
    self->opened = rc == 0;
    //  wbctl_load_types says on stderr why it failed, if it does
    int status = self->opened ? wbctl_load_types (ctl) : WBCTL_OK;
    if (rc == 1)
        s_outcome_refused (outcome, error);
    else
    if (rc == -1)
        s_outcome_silence (outcome, s_silence_status (ctl));
    else
    if (status == WBCTL_EVENT_ERROR)
        s_outcome_set (outcome, status, "no workbin types (" WB_MSG_REQUEST_WORKBIN_TYPES_INFO ")");
    else
    if (status != WBCTL_OK)
        s_outcome_silence (outcome, status);
    else
        s_outcome_set (outcome, WBCTL_OK, WB_MSG_EVENT_ACK);
    wb_msg_destroy (&error);
}

//  A new session as who (PLAY_MEDIA: a media server); NULL if it could not
//  be opened, with the outcome saying why. The agent of -a logs in at the
//  place of -p; the others at their own place.
static s_session_t *
s_session_new (s_play_t *play, const char *who, s_outcome_t *outcome)
{
    s_session_t *self = calloc (1, sizeof (s_session_t));
    if (self)
        self->who = strdup (who);
    if (!self || !self->who) {
        free (self);
        s_outcome_set (outcome, WBCTL_EVENT_ERROR, "out of memory");
        return NULL;
    }
    bool own = play->ctl->agent_id && streq (who, play->ctl->agent_id);
    self->ctl = *play->ctl;
    self->ctl.agent_id = streq (who, PLAY_MEDIA) ? NULL : self->who;
    self->ctl.place_id = own ? play->ctl->place_id : NULL;
    self->ctl.types = NULL;
    self->ctl.client = wb_client_new (play->ctl->endpoint);
    if (self->ctl.client)
        s_session_open (self, outcome);
    else
        s_outcome_problem (outcome, "not a valid endpoint");
    if (outcome->status != WBCTL_OK)
        s_session_destroy (&self);
    return self;
}

//  The session the steps run as, opened on first use.
static s_session_t *
s_current (s_play_t *self, s_outcome_t *outcome)
{
    s_session_t *session = zhashx_lookup (self->sessions, self->current);
    if (!session) {
        session = s_session_new (self, self->current, outcome);
        if (session)
            zhashx_insert (self->sessions, self->current, session);
    }
    return session;
}

//  Keep a session alive (RequestPing); return the exit status.
static int
s_ping (s_session_t *self)
{
    wb_msg_t *request = wb_request_ping ();
    self->last_active = zclock_mono ();
    wb_msg_t *reply = wb_client_request (self->ctl.client, &request, self->ctl.timeout_ms);
    int status = reply ? wbctl_check_reply (reply, WB_MSG_EVENT_ACK)
                       : s_silence_status (&self->ctl);
    wb_msg_destroy (&reply);
    return status;
}

//  Throw away the events the sessions received, and ping each session
//  that has been silent for a while. Return the exit status.
static int
s_tend_sessions (s_play_t *self)
{
    int64_t now = zclock_mono ();
    s_session_t *session = zhashx_first (self->sessions);
    for (; session; session = zhashx_next (self->sessions)) {
        wb_msg_t *event;
        while ((event = wb_client_next_event (session->ctl.client, 0)))
            wb_msg_destroy (&event);
        int status = now - session->last_active >= PLAY_IDLE_MS ? s_ping (session) : WBCTL_OK;
        if (status != WBCTL_OK)
            return status;
    }
    return WBCTL_OK;
}

//  Sleep until something arrives on a session, a signal, or the time is up.
static void
s_sleep (s_play_t *self, int64_t milliseconds)
{
    size_t count = zhashx_size (self->sessions);
    zmq_pollitem_t items [count + 1];
    size_t index = 0;
    s_session_t *session = zhashx_first (self->sessions);
    for (; session; session = zhashx_next (self->sessions)) {
        void *handle = zsock_resolve (wb_client_socket (session->ctl.client));
        items [index++] = (zmq_pollitem_t) { handle, 0, ZMQ_POLLIN, 0 };
    }
    if (!wbctl_interrupted ())
        zmq_poll (items, (int) count, (long) milliseconds);
}

//  Pause, keeping the sessions alive. Return the exit status.
static int
s_pause (s_play_t *self, int64_t milliseconds)
{
    int64_t deadline = zclock_mono () + milliseconds;
    int status = WBCTL_OK;
    while (status == WBCTL_OK) {
        int64_t left = deadline - zclock_mono ();
        if (wbctl_interrupted ())
            return WBCTL_INTERRUPTED;
        if (left <= 0)
            break;
        s_sleep (self, left < PLAY_SLICE_MS ? left : PLAY_SLICE_MS);
        status = s_tend_sessions (self);
    }
    return status;
}

// ---------------------------------------------------------------- requests

//  The InteractionId a step names: its ID argument as it is, or the one
//  remembered under $NAME this round. NULL with the outcome saying why.
static const char *
s_interaction_id (s_play_t *self, const s_step_t *step, s_outcome_t *outcome)
{
    const char *word = step->words [step->verb->id_word];
    const char *id = *word == '$' ? zhashx_lookup (self->ids, word + 1) : word;
    if (!id) {
        char problem [PLAY_TEXT_MAX];
        snprintf (problem, sizeof (problem), "%s is not set: its submit failed", word);
        s_outcome_problem (outcome, problem);
    }
    return id;
}

//  The session the steps run as, and the workbin a step names (if name is
//  not NULL) resolved for it. NULL, with the outcome saying why, if there
//  is no session or the workbin name is not clear.
static s_session_t *
s_prepare (s_play_t *self, const char *name, wbctl_workbin_t *workbin, s_outcome_t *outcome)
{
    char problem [PLAY_TEXT_MAX];
    s_session_t *session = s_current (self, outcome);
    if (session && name
    &&  wb_workbin_types_resolve (session->ctl.types, name, &workbin->workbin,
                                  workbin->type_id, problem, sizeof (problem))) {
        s_outcome_problem (outcome, problem);
        session = NULL;
    }
    return session;
}

//  Send a request; return the reply if it is the one expected (caller
//  destroys), else NULL with the outcome saying why.
static wb_msg_t *
s_exchange (s_session_t *session, wb_msg_t **request_p, const char *expected,
            s_outcome_t *outcome)
{
    if (!*request_p) {
        s_outcome_problem (outcome, "a value is over the protocol's limits (PROTOCOL.md)");
        return NULL;
    }
    int status = WBCTL_OK;
    session->last_active = zclock_mono ();
    wb_msg_t *reply = wbctl_request (&session->ctl, request_p, &status);
    if (!reply)
        s_outcome_silence (outcome, status);
    else
    if (!streq (wb_msg_name (reply), expected)) {
        s_outcome_refused (outcome, reply);
        wb_msg_destroy (&reply);
    }
    return reply;
}

//  Send a request answered by EventAck, reported with its WorkbinVersion.
static void
s_acknowledged (s_session_t *session, wb_msg_t **request_p, s_outcome_t *outcome)
{
    wb_msg_t *reply = s_exchange (session, request_p, WB_MSG_EVENT_ACK, outcome);
    wb_event_ack_t ack;
    wb_event_read_ack (reply, &ack);
    if (reply && ack.workbin_version != WB_ABSENT)
        s_outcome_set (outcome, WBCTL_OK, WB_MSG_EVENT_ACK " version %" PRId64,
                       ack.workbin_version);
    else
    if (reply)
        s_outcome_set (outcome, WBCTL_OK, WB_MSG_EVENT_ACK);
    wb_msg_destroy (&reply);
}

// ---------------------------------------------------------------- steps

static void
s_run_as (s_play_t *self, const s_step_t *step, s_outcome_t *outcome)
{
    const char *who = step->words [0];
    if (zhashx_lookup (self->sessions, who)) {
        self->current = who;
        s_outcome_set (outcome, WBCTL_OK, "session already open");
        return;
    }
    s_session_t *session = s_session_new (self, who, outcome);
    if (session) {
        zhashx_insert (self->sessions, who, session);
        self->current = who;
    }
}

static void
s_run_wait (s_play_t *self, const s_step_t *step, s_outcome_t *outcome)
{
    double milliseconds = step->seconds * 1000 / self->speed + 0.5;
    if (milliseconds > PLAY_WAIT_MAX_MS)
        milliseconds = PLAY_WAIT_MAX_MS;
    outcome->status = s_pause (self, (int64_t) milliseconds);
    snprintf (outcome->text, sizeof (outcome->text), "a session stopped answering");
}

static void
s_run_say (s_play_t *self, const s_step_t *step, s_outcome_t *outcome)
{
    (void) outcome;
    if (!self->ctl->json)
        printf ("%s\n", step->words [0]);
}

//  One entry of a list, int or string, appended to another.
static void
s_copy_entry (wb_kvlist_t *target, const wb_kvlist_t *source, size_t index)
{
    const char *key = wb_kvlist_key_at (source, index);
    if (wb_kvlist_type_at (source, index) == WB_TYPE_INT)
        wb_kvlist_add_int (target, key, wb_kvlist_int_at (source, index));
    else
        wb_kvlist_add_string (target, key, wb_kvlist_string_at (source, index));
}

//  Put the step's KEY=VALUE number index in the submission if it is one of
//  its attributes (the first one given wins, as with the server); false
//  if it is not. A string attribute takes the text as written.
static bool
s_submit_attribute (wb_submission_t *submission, const s_step_t *step, size_t index)
{
    const char *key = wb_kvlist_key_at (step->assignments, index);
    if (streq (key, WB_ATTR_PRIORITY)) {
        if (!submission->has_priority)
            submission->priority = wb_kvlist_int_at (step->assignments, index);
        submission->has_priority = true;
        return true;
    }
    for (size_t row = 0; row < SUBMIT_STRING_COUNT; row++) {
        if (!streq (key, s_submit_strings [row].key))
            continue;
        const char **field = (const char **) ((char *) submission + s_submit_strings [row].field);
        if (!*field)
            *field = strchr (step->words [step->verb->assignments_from + (int) index], '=') + 1;
        return true;
    }
    return false;
}

//  The submission of a step: subject, sender, KEY=VALUE (into user_data
//  for keys that are not attributes), and the defaults of those not given.
static void
s_submission (wb_submission_t *submission, const s_step_t *step, wb_kvlist_t *user_data)
{
    submission->subject = step->words [1];
    submission->from_address = step->words [2];
    for (size_t index = 0; index < wb_kvlist_size (step->assignments); index++)
        if (!s_submit_attribute (submission, step, index))
            s_copy_entry (user_data, step->assignments, index);
    if (!submission->media_type)
        submission->media_type = WB_DEFAULT_MEDIA_TYPE;
    if (!submission->interaction_type)
        submission->interaction_type = WB_DEFAULT_INTERACTION_TYPE;
    submission->user_data = user_data;
}

static void
s_run_submit (s_play_t *self, const s_step_t *step, s_outcome_t *outcome)
{
    wbctl_workbin_t named;
    s_session_t *session = s_prepare (self, step->words [0], &named, outcome);
    if (!session)
        return;
    wb_submission_t submission = { .workbin = named.workbin, .has_tenant_id = true,
                                   .tenant_id = self->ctl->tenant_id };
    wb_kvlist_t *user_data = wb_kvlist_new ();
    s_submission (&submission, step, user_data);
    wb_msg_t *request = wb_request_submit (&submission);
    wb_kvlist_destroy (&user_data);
    wb_msg_t *reply = s_exchange (session, &request, WB_MSG_EVENT_ACK, outcome);
    wb_event_ack_t ack;
    wb_event_read_ack (reply, &ack);
    const char *missing = WB_MSG_EVENT_ACK " without " WB_ATTR_INTERACTION_ID;
    if (reply)
        s_outcome_set (outcome, ack.interaction_id ? WBCTL_OK : WBCTL_EVENT_ERROR, "%s",
                       ack.interaction_id ? ack.interaction_id : missing);
    if (ack.interaction_id && step->name)
        zhashx_update (self->ids, step->name, strdup (ack.interaction_id));
    wb_msg_destroy (&reply);
}

static void
s_run_place (s_play_t *self, const s_step_t *step, s_outcome_t *outcome)
{
    wbctl_workbin_t named;
    const char *id = s_interaction_id (self, step, outcome);
    s_session_t *session = id ? s_prepare (self, step->words [1], &named, outcome) : NULL;
    if (!session)
        return;
    wb_property_changes_t changes = { .changed = step->assignments };
    wb_msg_t *request = wb_request_place_in_workbin (id, &named.workbin, &changes);
    s_acknowledged (session, &request, outcome);
}

static void
s_run_pull (s_play_t *self, const s_step_t *step, s_outcome_t *outcome)
{
    const char *id = s_interaction_id (self, step, outcome);
    s_session_t *session = id ? s_prepare (self, NULL, NULL, outcome) : NULL;
    if (!session)
        return;
    wb_msg_t *request = wb_request_pull (id);
    wb_msg_t *reply = s_exchange (session, &request, WB_MSG_EVENT_PULLED_INTERACTIONS, outcome);
    if (reply)
        s_outcome_set (outcome, WBCTL_OK, WB_MSG_EVENT_PULLED_INTERACTIONS " %s", id);
    wb_msg_destroy (&reply);
}

static void
s_run_change (s_play_t *self, const s_step_t *step, s_outcome_t *outcome)
{
    const char *id = s_interaction_id (self, step, outcome);
    s_session_t *session = id ? s_prepare (self, NULL, NULL, outcome) : NULL;
    if (!session)
        return;
    wb_property_changes_t changes = { .changed = step->assignments };
    wb_msg_t *request = wb_request_change_properties (id, &changes);
    s_acknowledged (session, &request, outcome);
}

static void
s_run_stop (s_play_t *self, const s_step_t *step, s_outcome_t *outcome)
{
    const char *id = s_interaction_id (self, step, outcome);
    s_session_t *session = id ? s_prepare (self, NULL, NULL, outcome) : NULL;
    if (!session)
        return;
    wb_msg_t *request = wb_request_stop_processing (id);
    s_acknowledged (session, &request, outcome);
}

static void
s_run_content (s_play_t *self, const s_step_t *step, s_outcome_t *outcome)
{
    wbctl_workbin_t named;
    s_session_t *session = s_prepare (self, step->words [0], &named, outcome);
    if (!session)
        return;
    wb_msg_t *request = wb_request_get_workbin_content (&named.workbin, WB_ABSENT, WB_ABSENT);
    wb_msg_t *reply = s_exchange (session, &request, WB_MSG_EVENT_WORKBIN_CONTENT, outcome);
    wb_event_content_t page;
    wb_event_read_content (reply, &page);
    if (reply)
        s_outcome_set (outcome, WBCTL_OK, WB_MSG_EVENT_WORKBIN_CONTENT " %" PRId64
                       " interaction%s, version %" PRId64, page.total_count,
                       page.total_count == 1 ? "" : "s", page.version);
    wb_msg_destroy (&reply);
}

static void
s_run_subscribe (s_play_t *self, const s_step_t *step, s_outcome_t *outcome)
{
    wbctl_workbin_t named;
    s_session_t *session = s_prepare (self, step->words [0], &named, outcome);
    if (!session)
        return;
    wb_msg_t *request = wb_request_workbin_notifications (&named.workbin, false);
    s_acknowledged (session, &request, outcome);
}

static void
s_run_cancel (s_play_t *self, const s_step_t *step, s_outcome_t *outcome)
{
    wbctl_workbin_t named;
    s_session_t *session = s_prepare (self, step->words [0], &named, outcome);
    if (!session)
        return;
    wb_msg_t *request = wb_request_cancel_workbin_notifications (&named.workbin);
    s_acknowledged (session, &request, outcome);
}

// ---------------------------------------------------------------- playing

//  An expect that the reply does not meet: say what came instead.
static int
s_expect_failed (s_play_t *self, const s_step_t *expect, const s_outcome_t *outcome)
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
s_judge (s_play_t *self, const s_step_t *step, const s_step_t *expect,
         const s_outcome_t *outcome)
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
s_play_round (s_play_t *self)
{
    self->current = self->ctl->agent_id ? self->ctl->agent_id : PLAY_MEDIA;
    zhashx_purge (self->ids);
    int status = WBCTL_OK;
    for (size_t index = 0; status == WBCTL_OK && index < self->count; index++) {
        const s_step_t *step = &self->steps [index];
        const s_step_t *next = index + 1 < self->count ? &self->steps [index + 1] : NULL;
        if (!step->verb->run)
            continue;                       //  an expect, judged with its step
        if (wbctl_interrupted ())
            return WBCTL_INTERRUPTED;       //  also when no step waits
        s_outcome_t outcome = { .status = WBCTL_OK };
        step->verb->run (self, step, &outcome);
        status = s_judge (self, step, next && !next->verb->run ? next : NULL, &outcome);
        if (status == WBCTL_OK)
            status = s_tend_sessions (self);
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

static void
s_free_string (void **item)
{
    free (*item);
    *item = NULL;
}

static void
s_play_clear (s_play_t *self)
{
    zhashx_destroy (&self->sessions);       //  says goodbye on each
    zhashx_destroy (&self->ids);
    for (size_t index = 0; index < self->count; index++)
        s_step_clear (&self->steps [index]);
    free (self->steps);
}

int
wbctl_play (wbctl_t *ctl, const wbctl_args_t *args)
{
    s_play_t self = { .ctl = ctl };
    int status = s_parse_speed (args, &self.speed);
    if (status == WBCTL_OK)
        status = s_parse_file (&self, args->argv [0]);
    self.sessions = zhashx_new ();
    self.ids = zhashx_new ();
    zhashx_set_destructor (self.sessions, s_session_free);
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
    s_play_clear (&self);
    return status;
}
