/*  wbctl_play_parse: a scenario file into steps, before anything is sent.

    One step a line (doc/wbctl.1, SCENARIOS): its verb, then words, bare or
    "quoted"; "-> NAME" at the end of a submit. Each step is checked
    against its verb's row: the number of words, an ID or $NAME set above,
    the KEY=VALUE words, the verb's own checks and those of the wbctl
    command it runs. Every bad line is reported as FILE:LINE. See
    wbctl_play_internal.h.
*/
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "wbctl_play_internal.h"

#define PLAY_STEPS_MAX 1000000    /* steps in a scenario */
#define PLAY_NAME_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"

// ---------------------------------------------------------------- words

static const char *
s_skip_blanks (const char *text)
{
    return text + strspn (text, " \t");
}

//  Read one word at *cursor: bare text and "quoted" parts, up to a blank
//  outside quotes; inside quotes, \" and \\ stand for " and \. Return the
//  word (caller frees), or NULL after saying why. *bare: no quote in it.
static char *
s_next_word (const char **cursor, bool *bare, wbctl_parser_t *parser)
{
    const char *input = *cursor;
    char *word = wb_malloc (strlen (input) + 1);
    size_t length = 0;
    bool quoted = false;
    *bare = true;
    for (; *input && (quoted || !strchr (" \t", *input)); input++) {
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
    word [length] = 0;
    if (quoted) {
        wbctl_parser_problem (parser, "a quoted string is not closed (missing \")");
        zstr_free (&word);
    }
    return word;
}

//  Take "-> NAME" off the end of the step's words, into step->name.
static int
s_take_name (wbctl_parser_t *parser, wbctl_step_t *step, int arrow)
{
    if (!(step->verb->flags & VERB_NAMES))
        return wbctl_parser_problem (parser,
                                     "only submit remembers an InteractionId with '-> NAME'");
    if (arrow != step->word_count - 2)
        return wbctl_parser_problem (parser,
                                     "'->' must be followed by one NAME, at the end of the line");
    const char *name = step->words [arrow + 1];
    if (!*name || strspn (name, PLAY_NAME_CHARS) != strlen (name))
        return wbctl_parser_problem (parser,
                                     "invalid NAME '%s' (letters, digits, '_' and '-')", name);
    step->name = step->words [arrow + 1];
    free (step->words [arrow]);
    step->word_count -= 2;
    return 0;
}

//  Split the text after the verb into words; a bare "->" and NAME at the
//  end go into step->name. Return 0, or -1 after saying why.
static int
s_split (wbctl_parser_t *parser, wbctl_step_t *step, const char *cursor)
{
    //  Words are at least one byte, blanks between them: enough room
    step->words = wb_calloc (strlen (cursor) / 2 + 2, sizeof (char *));
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
static void
s_take_rest (wbctl_step_t *step, const char *cursor)
{
    step->words = wb_calloc (1, sizeof (char *));
    step->words [0] = wb_strdup (s_skip_blanks (cursor));
    step->word_count = 1;
}

// ---------------------------------------------------------------- checks

//  An ID argument: an InteractionId, or $NAME set by a submit above.
static int
s_check_id (wbctl_parser_t *parser, const char *word)
{
    if (!*word)
        return wbctl_parser_problem (parser, "empty InteractionId");
    if (*word == '$' && !zhashx_lookup (parser->defined, word + 1))
        return wbctl_parser_problem (parser, "unknown name %s: no submit above ends with "
                                             "'-> %s'", word, word + 1);
    return 0;
}

//  The KEY=VALUE words, typed, into step->assignments.
static int
s_check_assignments (wbctl_parser_t *parser, wbctl_step_t *step)
{
    step->assignments = wb_kvlist_new ();
    for (int index = step->verb->assignments_from; index < step->word_count; index++) {
        const char *problem = NULL;
        if (wbctl_parse_assignment (step->assignments, step->words [index], &problem))
            return wbctl_parser_problem (parser, "%s '%s'", problem, step->words [index]);
    }
    return 0;
}

//  The checks of the wbctl command the step runs, as wbctl makes them
//  before it sends anything (they may retype the KEY=VALUE).
static int
s_check_command (wbctl_parser_t *parser, wbctl_step_t *step)
{
    if (!step->command->check)
        return 0;
    wbctl_args_t args = { .timeout_ms = -1, .assignments = step->assignments,
                          .argc = step->word_count, .argv = step->words };
    int rc = step->command->check (&args, parser->problem, sizeof (parser->problem));
    step->assignments = args.assignments;
    return rc;
}

//  Check a step's arguments against its verb's row.
static int
s_check_step (wbctl_parser_t *parser, wbctl_step_t *step)
{
    const wbctl_verb_t *verb = step->verb;
    step->command = wbctl_command_find (verb->command);
    if (step->word_count < verb->min_words
    ||  (verb->max_words >= 0 && step->word_count > verb->max_words))
        return wbctl_parser_problem (parser, "usage: %s", verb->usage);
    if ((verb->flags & VERB_ID) && s_check_id (parser, step->words [0]))
        return -1;
    if (verb->assignments_from > 0 && s_check_assignments (parser, step))
        return -1;
    if (verb->check && verb->check (parser, step))
        return -1;
    if (step->command && s_check_command (parser, step))
        return -1;
    if (step->name)
        zhashx_update (parser->defined, step->name, "");
    return 0;
}

// ---------------------------------------------------------------- lines

static int
s_unknown_verb (wbctl_parser_t *parser, const char *name)
{
    char names [256];
    wbctl_verb_names (names, sizeof (names));
    return wbctl_parser_problem (parser, "unknown step '%s' (steps: %s)", name, names);
}

//  Parse a line that is not blank nor a comment into a step.
static int
s_parse_step (wbctl_parser_t *parser, wbctl_step_t *step, const char *text)
{
    step->text = wb_strdup (text);
    bool bare = true;
    char *name = s_next_word (&text, &bare, parser);
    if (!name)
        return -1;
    step->verb = bare ? wbctl_verb_find (name) : NULL;
    int rc = step->verb ? 0 : bare ? s_unknown_verb (parser, name)
           : wbctl_parser_problem (parser, "a step starts with its name, unquoted");
    free (name);
    if (rc == 0 && (step->verb->flags & VERB_RAW))
        s_take_rest (step, text);
    else
    if (rc == 0)
        rc = s_split (parser, step, text);
    return rc == 0 ? s_check_step (parser, step) : rc;
}

void
wbctl_step_clear (wbctl_step_t *step)
{
    for (int index = 0; step->words && index < step->word_count; index++)
        free (step->words [index]);
    free (step->words);
    free (step->name);
    free (step->text);
    wb_kvlist_destroy (&step->assignments);
    memset (step, 0, sizeof (*step));
}

//  Keep a parsed step; -1 if the scenario has too many.
static int
s_append (wbctl_play_t *self, wbctl_step_t *step)
{
    if (wb_grow (&self->steps, &self->capacity, self->count + 1, sizeof (wbctl_step_t),
                 PLAY_STEPS_MAX))
        return -1;
    self->steps [self->count++] = *step;
    return 0;
}

//  Parse one line (blank lines and comments make no step). Return 0, or
//  -1 after printing "FILE:LINE: what is wrong".
static int
s_parse_line (wbctl_play_t *self, wbctl_parser_t *parser, size_t number, char *line)
{
    size_t length = strcspn (line, "\r\n");
    while (length > 0 && strchr (" \t", line [length - 1]))
        length--;
    line [length] = 0;
    const char *text = s_skip_blanks (line);
    if (!*text || *text == '#')
        return 0;
    wbctl_step_t step = { .line = number };
    int rc = s_parse_step (parser, &step, text);
    if (rc == 0 && s_append (self, &step))
        rc = wbctl_parser_problem (parser, "too many steps (at most %d)", PLAY_STEPS_MAX);
    if (rc) {
        fprintf (stderr, "%s:%zu: %s\n", self->file, number, parser->problem);
        wbctl_step_clear (&step);
    }
    //  After a bad line, an expect is not judged again
    parser->after_request = rc || (step.verb->flags & VERB_SENDS);
    return rc;
}

//  Parse the whole file. Return 0, or WBCTL_USAGE after saying why.
static int
s_parse_stream (wbctl_play_t *self, FILE *stream)
{
    wbctl_parser_t parser = { .defined = zhashx_new () };
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

int
wbctl_play_parse_file (wbctl_play_t *self, const char *file)
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
