/*  Tests of wb_directory: loading the ZPL directory file, refusing bad
    files with the right line, and the access rules.

    Files are found under WB_SRCDIR (the source tree; "." when unset):
    doc/examples/sample.cfg and the bad fixtures in tests/data/directory.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <czmq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "wb_directory.h"

#define SAMPLE "doc/examples/sample.cfg"
#define FIXTURES "tests/data/directory"

/* A bad fixture and the error it must give (after "PATH:LINE: "). */
typedef struct {
    const char *file;
    int line;
    const char *message;
} bad_fixture_t;

/* One problem per fixture; the message names the line it is on. */
#define BAD_FIXTURES(X) \
    X (no_tenant, "no-tenant.cfg", 0, "missing section 'tenant'") \
    X (tenant_no_id, "tenant-no-id.cfg", 2, "tenant: missing id") \
    X (tenant_id_zero, "tenant-id-zero.cfg", 3, "tenant: id '0' is not a positive integer") \
    X (tenant_id_text, "tenant-id-text.cfg", 3, "tenant: id '10x1' is not a positive integer") \
    X (unknown_section, "unknown-section.cfg", 28, "unknown section 'queue'") \
    X (duplicate_section, "duplicate-section.cfg", 28, \
       "duplicate section 'group' (first on line 10)") \
    X (section_value, "section-value.cfg", 10, "section 'group' takes no value") \
    X (agent_no_place, "agent-no-place.cfg", 21, "agent sup01: missing place") \
    X (agent_unknown_place, "agent-unknown-place.cfg", 19, \
       "agent agent01: unknown place 'place99'") \
    X (agent_unknown_group, "agent-unknown-group.cfg", 20, \
       "agent agent01: unknown group 'marketing'") \
    X (agent_unknown_supervised, "agent-unknown-supervised.cfg", 23, \
       "agent sup01: unknown supervised group 'billing'") \
    X (placegroup_unknown_place, "placegroup-unknown-place.cfg", 15, \
       "placegroup floor1: unknown place 'place09'") \
    X (list_empty_item, "list-empty-item.cfg", 15, "placegroup floor1: empty item in places") \
    X (list_twice, "list-twice.cfg", 20, "agent agent01: group 'sales' listed twice") \
    X (type_no_owner, "type-no-owner.cfg", 25, "workbintype email-draft: missing owner") \
    X (type_bad_owner, "type-bad-owner.cfg", 26, "workbintype email-draft: unknown owner" \
       " 'team' (agent, place, placegroup or agentgroup)") \
    X (type_bad_column, "type-bad-column.cfg", 27, "workbintype email-draft: column 'Sen der':" \
       " a column name is 1-32 printable ASCII characters without space") \
    X (no_workbin_types, "no-workbin-types.cfg", 0, "no workbin types") \
    X (empty_workbin_types, "empty-workbin-types.cfg", 24, "no workbin types") \
    X (unknown_key, "unknown-key.cfg", 19, "agent agent01: unknown key 'plcae'") \
    X (duplicate_key, "duplicate-key.cfg", 20, "agent agent01: duplicate key 'place'") \
    X (key_block, "key-block.cfg", 10, "place place02: unexpected 'short' under 'name'") \
    X (entry_value, "entry-value.cfg", 8, "place place02: unexpected value 'second'") \
    X (id_with_at, "id-with-at.cfg", 17, "agent 'agent@01': an id is 1-64 printable" \
       " ASCII characters without space, '@' or '/'") \
    X (id_too_long, "id-too-long.cfg", 8, "place 'place" \
       "000000000000000000000000000000000000000000000000000000000000': an id is 1-64" \
       " printable ASCII characters without space, '@' or '/'") \
    X (duplicate_id, "duplicate-id.cfg", 10, "place place01: duplicate id (first on line 6)") \
    X (syntax_indent, "syntax-indent.cfg", 4, "indent 4 spaces at once") \
    X (syntax_quote, "syntax-quote.cfg", 7, "missing \"") \
    X (syntax_junk, "syntax-junk.cfg", 7, "invalid syntax 'Desk 1'") \
    X (syntax_depth, "syntax-depth.cfg", 7, "indentation error") \
    X (syntax_slash, "syntax-slash.cfg", 6, "'/' not valid at name start or end") \
    X (name_not_utf8, "name-not-utf8.cfg", 18, "not valid UTF-8")

#define BAD_ROW(name, file, line, message) { file, line, message },
static bad_fixture_t s_bad_fixtures [] = { BAD_FIXTURES (BAD_ROW) };
#define BAD_FIXTURE_COUNT (sizeof (s_bad_fixtures) / sizeof (s_bad_fixtures [0]))

/* Visits recorded as "id:relation" words separated by spaces. */
typedef struct {
    char text [1024];
    size_t count;
} visits_t;


/* ------------------------------------------------------------ helpers */

/* A path under the source tree. */
static const char *
s_path (char *buffer, size_t size, const char *relative)
{
    const char *srcdir = getenv ("WB_SRCDIR");
    snprintf (buffer, size, "%s/%s", srcdir && *srcdir ? srcdir : ".", relative);
    return buffer;
}

/* Records one visit into a visits_t. */
static void
s_record (void *context, const char *owner_id, wb_relation_t relation)
{
    visits_t *visits = (visits_t *) context;
    size_t used = strlen (visits->text);
    snprintf (visits->text + used, sizeof (visits->text) - used, "%s%s:%s",
              used ? " " : "", owner_id, wb_relation_text (relation));
    visits->count++;
}

/* The owners of a type that the agent sees, as "id:relation ...". */
static const char *
s_visible (const wb_directory_t *directory, const char *agent, const char *place,
           wb_owner_type_t type, visits_t *visits)
{
    memset (visits, 0, sizeof (*visits));
    wb_directory_visible_owners (directory, agent, place, type, s_record, visits);
    return visits->text;
}

/* Every owner of a type, as "id:none ...". */
static const char *
s_all (const wb_directory_t *directory, wb_owner_type_t type, visits_t *visits)
{
    memset (visits, 0, sizeof (*visits));
    wb_directory_all_owners (directory, type, s_record, visits);
    return visits->text;
}

/* Points stdout and stderr at a fresh temporary file; returns it. */
static FILE *
s_capture_start (int saved [2])
{
    fflush (stdout);
    fflush (stderr);
    FILE *capture = tmpfile ();
    saved [0] = dup (STDOUT_FILENO);
    saved [1] = dup (STDERR_FILENO);
    if (capture) {
        dup2 (fileno (capture), STDOUT_FILENO);
        dup2 (fileno (capture), STDERR_FILENO);
    }
    return capture;
}

/* Restores stdout and stderr; returns what was written meanwhile. */
static char *
s_capture_end (FILE *capture, int saved [2])
{
    fflush (stdout);
    fflush (stderr);
    dup2 (saved [0], STDOUT_FILENO);
    dup2 (saved [1], STDERR_FILENO);
    close (saved [0]);
    close (saved [1]);
    char *text = calloc (1, 4096);
    if (capture && text) {
        rewind (capture);
        size_t bytes = fread (text, 1, 4095, capture);
        text [bytes] = 0;
    }
    if (capture)
        fclose (capture);
    return text;
}

/* Loads the sample for a test that reads it. */
static int
s_sample_setup (void **state)
{
    char path [512], error [256];
    *state = wb_directory_load (s_path (path, sizeof (path), SAMPLE), error, sizeof (error));
    if (!*state)
        fprintf (stderr, "# cannot load the sample: %s\n", error);
    return *state ? 0 : -1;
}

/* Frees the sample. */
static int
s_sample_teardown (void **state)
{
    wb_directory_t *directory = (wb_directory_t *) *state;
    wb_directory_destroy (&directory);
    return 0;
}


/* Writes a directory of count agents, each at its own place, in sales, to
   a new temporary file named in path (PATH_MAX bytes). */
static void
s_write_big (char *path, size_t count)
{
    strcpy (path, "/tmp/test_wb_directory_big_XXXXXX");
    int fd = mkstemp (path);
    assert_true (fd >= 0);
    FILE *file = fdopen (fd, "w");
    assert_non_null (file);
    fprintf (file, "tenant\n    id = 101\nplace\n");
    for (size_t index = 0; index < count; index++)
        fprintf (file, "    place%05zu\n        name = \"Desk %zu\"\n", index, index);
    fprintf (file, "group\n    sales\nagent\n");
    for (size_t index = 0; index < count; index++)
        fprintf (file, "    agent%05zu\n        name = \"Agent %zu\"\n        place = place%05zu\n"
                 "        groups = sales\n", index, index, index);
    fprintf (file, "workbintype\n    email-draft\n        owner = agent\n");
    fclose (file);
}

/* CPU seconds this process used loading the file; the directory is checked. */
static double
s_load_seconds (const char *path, size_t count)
{
    struct timespec start, end;
    char error [256];
    clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &start);
    wb_directory_t *directory = wb_directory_load (path, error, sizeof (error));
    clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &end);
    assert_non_null (directory);
    char last [16];
    snprintf (last, sizeof (last), "agent%05zu", count - 1);
    assert_true (wb_directory_has_agent (directory, last));
    assert_int_equal (wb_directory_relation (directory, last, NULL, WB_OWNER_AGENT, last),
                      WB_RELATION_OWN);
    wb_directory_destroy (&directory);
    return (double) (end.tv_sec - start.tv_sec) + (double) (end.tv_nsec - start.tv_nsec) / 1e9;
}


/* ------------------------------------------------------------ degenerate */

static void
test_null_directory_answers_nothing (void **state)
{
    (void) state;
    visits_t visits;
    wb_directory_t *directory = NULL;
    wb_directory_destroy (NULL);
    wb_directory_destroy (&directory);
    assert_null (directory);
    assert_int_equal (wb_directory_tenant_id (NULL), 0);
    assert_null (wb_directory_tenant_name (NULL));
    assert_false (wb_directory_has_agent (NULL, "agent01"));
    assert_false (wb_directory_has_place (NULL, "place01"));
    assert_null (wb_directory_agent_name (NULL, "agent01"));
    assert_null (wb_directory_agent_place (NULL, "agent01"));
    assert_false (wb_directory_has_owner (NULL, WB_OWNER_AGENT, "agent01"));
    assert_null (wb_directory_owner_name (NULL, WB_OWNER_PLACE, "place01"));
    assert_int_equal (wb_directory_workbin_type_count (NULL), 0);
    assert_null (wb_directory_workbin_type_at (NULL, 0));
    assert_null (wb_directory_workbin_type (NULL, "email-draft"));
    assert_int_equal (wb_directory_relation (NULL, "agent01", "place01", WB_OWNER_AGENT,
                                             "agent01"), WB_RELATION_NONE);
    assert_string_equal (s_visible (NULL, "agent01", NULL, WB_OWNER_AGENT, &visits), "");
    assert_string_equal (s_all (NULL, WB_OWNER_AGENT, &visits), "");
}

static void
test_load_without_path_is_refused (void **state)
{
    (void) state;
    char error [128] = "stale";
    assert_null (wb_directory_load (NULL, error, sizeof (error)));
    assert_string_equal (error, "(null):0: no file name given");
    assert_null (wb_directory_load (NULL, NULL, 0));
    assert_null (wb_directory_load (NULL, error, 0));
}

static void
test_missing_file_is_refused (void **state)
{
    (void) state;
    char path [512], error [640], expected [640];
    s_path (path, sizeof (path), FIXTURES "/no-such-file.cfg");
    assert_null (wb_directory_load (path, error, sizeof (error)));
    snprintf (expected, sizeof (expected), "%s:0: cannot read: No such file or directory", path);
    assert_string_equal (error, expected);
}

static void
test_directory_path_is_refused (void **state)
{
    (void) state;
    char path [512], error [640], expected [640];
    s_path (path, sizeof (path), FIXTURES);
    assert_null (wb_directory_load (path, error, sizeof (error)));
    snprintf (expected, sizeof (expected), "%s:0: not a regular file", path);
    assert_string_equal (error, expected);
}

/* Loading takes time linear in the file: eight times the agents cost
   about eight times as long (it was quadratic: sixty-four times, 40,000
   agents in 12-40 s). The bound, 24, leaves room for noise either way;
   CPU time of the best of three runs, not the wall clock. */
static void
test_loading_is_linear (void **state)
{
    (void) state;
    char small [64], big [64];
    s_write_big (small, 5000);
    s_write_big (big, 40000);
    double small_seconds = 1e9, big_seconds = 1e9;
    for (int run = 0; run < 3; run++) {
        double seconds = s_load_seconds (small, 5000);
        small_seconds = seconds < small_seconds ? seconds : small_seconds;
        seconds = s_load_seconds (big, 40000);
        big_seconds = seconds < big_seconds ? seconds : big_seconds;
    }
    unlink (small);
    unlink (big);
    print_message ("# 5,000 agents: %.3f s, 40,000 agents: %.3f s (CPU)\n",
                   small_seconds, big_seconds);
    assert_true (big_seconds < 24 * small_seconds + 0.05);
}

/* A device is refused before any byte is read: /dev/zero never ends. */
static void
test_device_is_refused (void **state)
{
    (void) state;
    char error [256];
    assert_null (wb_directory_load ("/dev/zero", error, sizeof (error)));
    assert_string_equal (error, "/dev/zero:0: not a regular file");
}

/* A file over the documented size is refused on its size (a sparse file:
   nothing is written). */
static void
test_file_over_the_size_limit_is_refused (void **state)
{
    (void) state;
    char path [] = "/tmp/test_wb_directory_XXXXXX";
    int fd = mkstemp (path);
    assert_true (fd >= 0);
    assert_int_equal (ftruncate (fd, (off_t) WB_DIRECTORY_FILE_MAX + 1), 0);
    close (fd);
    char error [256], expected [256];
    assert_null (wb_directory_load (path, error, sizeof (error)));
    snprintf (expected, sizeof (expected), "%s:0: larger than %d bytes", path,
              WB_DIRECTORY_FILE_MAX);
    assert_string_equal (error, expected);
    unlink (path);
}

static void
test_short_error_buffer_is_cut_safely (void **state)
{
    (void) state;
    char path [512], error [8];
    s_path (path, sizeof (path), FIXTURES "/unknown-key.cfg");
    assert_null (wb_directory_load (path, error, sizeof (error)));
    assert_int_equal (strlen (error), sizeof (error) - 1);
    assert_memory_equal (error, path, sizeof (error) - 1);
    assert_null (wb_directory_load (path, NULL, 0));
}

static void
test_unknown_ids_and_types_answer_nothing (void **state)
{
    const wb_directory_t *directory = (const wb_directory_t *) *state;
    visits_t visits;
    assert_false (wb_directory_has_agent (directory, NULL));
    assert_false (wb_directory_has_agent (directory, ""));
    assert_false (wb_directory_has_agent (directory, "nobody"));
    assert_false (wb_directory_has_agent (directory, "AGENT01"));
    assert_false (wb_directory_has_agent (directory, "place01"));
    assert_false (wb_directory_has_place (directory, "agent01"));
    assert_null (wb_directory_agent_name (directory, "nobody"));
    assert_null (wb_directory_agent_place (directory, NULL));
    assert_false (wb_directory_has_owner (directory, (wb_owner_type_t) 0, "agent01"));
    assert_false (wb_directory_has_owner (directory, (wb_owner_type_t) 5, "agent01"));
    assert_null (wb_directory_owner_name (directory, WB_OWNER_PLACE_GROUP, "floor9"));
    assert_null (wb_directory_workbin_type (directory, "nothing"));
    assert_null (wb_directory_workbin_type (directory, NULL));
    assert_null (wb_directory_workbin_type_at (directory, wb_directory_workbin_type_count (directory)));
    assert_int_equal (wb_directory_relation (directory, "nobody", NULL, WB_OWNER_AGENT,
                                             "nobody"), WB_RELATION_NONE);
    assert_int_equal (wb_directory_relation (directory, "agent01", NULL, WB_OWNER_AGENT,
                                             "nobody"), WB_RELATION_NONE);
    assert_int_equal (wb_directory_relation (directory, "agent01", NULL, (wb_owner_type_t) 0,
                                             "agent01"), WB_RELATION_NONE);
    assert_int_equal (wb_directory_relation (directory, NULL, NULL, WB_OWNER_AGENT, NULL),
                      WB_RELATION_NONE);
    assert_string_equal (s_visible (directory, "nobody", NULL, WB_OWNER_AGENT, &visits), "");
    assert_string_equal (s_visible (directory, "agent01", NULL, (wb_owner_type_t) 5, &visits), "");
    assert_string_equal (s_all (directory, (wb_owner_type_t) 0, &visits), "");
    wb_directory_visible_owners (directory, "agent01", NULL, WB_OWNER_AGENT, NULL, NULL);
    wb_directory_all_owners (directory, WB_OWNER_AGENT, NULL, NULL);
}

static void
test_relation_texts (void **state)
{
    (void) state;
    assert_string_equal (wb_relation_text (WB_RELATION_NONE), "none");
    assert_string_equal (wb_relation_text (WB_RELATION_OWN), "own");
    assert_string_equal (wb_relation_text (WB_RELATION_PLACE), "place");
    assert_string_equal (wb_relation_text (WB_RELATION_PLACE_GROUP), "placegroup");
    assert_string_equal (wb_relation_text (WB_RELATION_GROUP), "group");
    assert_string_equal (wb_relation_text (WB_RELATION_TEAM), "team");
    assert_string_equal (wb_relation_text ((wb_relation_t) 99), "none");
}


/* ------------------------------------------------------------ the sample */

static void
test_sample_has_tenant_and_owners (void **state)
{
    const wb_directory_t *directory = (const wb_directory_t *) *state;
    visits_t visits;
    assert_int_equal (wb_directory_tenant_id (directory), 101);
    assert_string_equal (wb_directory_tenant_name (directory), "Resources");
    assert_string_equal (s_all (directory, WB_OWNER_AGENT, &visits),
                         "agent01:none agent02:none agent03:none agent04:none agent05:none"
                         " agent06:none sup01:none");
    assert_int_equal (visits.count, 7);
    assert_string_equal (s_all (directory, WB_OWNER_PLACE, &visits),
                         "place01:none place02:none place03:none place04:none place05:none"
                         " place06:none place07:none");
    assert_string_equal (s_all (directory, WB_OWNER_PLACE_GROUP, &visits),
                         "floor1:none floor2:none");
    assert_string_equal (s_all (directory, WB_OWNER_AGENT_GROUP, &visits),
                         "sales:none support:none leads:none");
}

static void
test_sample_has_names_and_places (void **state)
{
    const wb_directory_t *directory = (const wb_directory_t *) *state;
    assert_true (wb_directory_has_agent (directory, "agent06"));
    assert_true (wb_directory_has_place (directory, "place07"));
    assert_string_equal (wb_directory_agent_name (directory, "agent01"), "Alice Martin");
    assert_string_equal (wb_directory_agent_name (directory, "agent03"), "Zoë Müller");
    assert_string_equal (wb_directory_agent_name (directory, "sup01"), "Sam Lead");
    assert_string_equal (wb_directory_agent_place (directory, "agent03"), "place03");
    assert_string_equal (wb_directory_agent_place (directory, "sup01"), "place07");
    assert_true (wb_directory_has_owner (directory, WB_OWNER_AGENT, "sup01"));
    assert_true (wb_directory_has_owner (directory, WB_OWNER_PLACE, "place01"));
    assert_true (wb_directory_has_owner (directory, WB_OWNER_PLACE_GROUP, "floor1"));
    assert_true (wb_directory_has_owner (directory, WB_OWNER_AGENT_GROUP, "sales"));
    assert_false (wb_directory_has_owner (directory, WB_OWNER_AGENT_GROUP, "floor1"));
    assert_string_equal (wb_directory_owner_name (directory, WB_OWNER_AGENT, "agent02"),
                         "Bruno Lefèvre");
    assert_string_equal (wb_directory_owner_name (directory, WB_OWNER_PLACE, "place01"), "Desk 1");
    assert_string_equal (wb_directory_owner_name (directory, WB_OWNER_PLACE_GROUP, "floor1"),
                         "First floor");
    assert_string_equal (wb_directory_owner_name (directory, WB_OWNER_AGENT_GROUP, "sales"),
                         "Sales team");
}

static void
test_sample_has_workbin_types_in_file_order (void **state)
{
    const wb_directory_t *directory = (const wb_directory_t *) *state;
    const wb_workbin_type_t expected [] = {
        { "email-draft", "Email drafts", WB_OWNER_AGENT, "From,Subject,Received,Age" },
        { "email-inprogress", "Emails in progress", WB_OWNER_AGENT, "From,Subject,Received,State" },
        { "desk-followup", "Desk follow-up", WB_OWNER_PLACE, "From,Subject,Priority,Age" },
        { "floor-backlog", "Floor backlog", WB_OWNER_PLACE_GROUP, "From,Subject,Received,Owner" },
        { "team-queue", "Team queue", WB_OWNER_AGENT_GROUP, "From,Subject,Priority,Received,Owner" },
    };
    size_t count = sizeof (expected) / sizeof (expected [0]);
    assert_int_equal (wb_directory_workbin_type_count (directory), count);
    for (size_t index = 0; index < count; index++) {
        const wb_workbin_type_t *type = wb_directory_workbin_type_at (directory, index);
        assert_non_null (type);
        assert_string_equal (type->id, expected [index].id);
        assert_string_equal (type->name, expected [index].name);
        assert_int_equal (type->owner_type, expected [index].owner_type);
        assert_string_equal (type->columns, expected [index].columns);
        assert_ptr_equal (wb_directory_workbin_type (directory, type->id), type);
    }
}

/* A type's columns: the setting (NULL: none) and what the directory keeps,
   or the error it gives (after "PATH:12: "). */
typedef struct {
    const char *setting;
    const char *columns;
    const char *error;
} columns_case_t;

/* Loads a one-type directory whose type has this columns setting; returns
   it, or NULL with the error (without its path) in error. */
static wb_directory_t *
s_load_columns (const char *setting, char *error, size_t size)
{
    char path [] = "/tmp/wb-directory-XXXXXX";
    int fd = mkstemp (path);
    assert_true (fd >= 0);
    FILE *file = fdopen (fd, "w");
    fprintf (file, "tenant\n    id = 101\nplace\n    place01\n        name = \"Desk 1\"\n"
             "agent\n    agent01\n        place = place01\nworkbintype\n    email-draft\n"
             "        owner = agent\n");
    if (setting)
        fprintf (file, "        columns = \"%s\"\n", setting);
    fclose (file);
    char full [1024];
    wb_directory_t *directory = wb_directory_load (path, full, sizeof (full));
    unlink (path);
    snprintf (error, size, "%s", directory ? "" : full + strlen (path) + 1);
    return directory;
}

/* The server keeps a type's columns as an opaque list: any names of the
   right shape pass, spaces around them removed; the console decides which
   it knows. Only the shape is checked. */
static void
test_columns_are_kept_unread (void **state)
{
    (void) state;
    char long_name [40], many [200], longest [300];
    memset (long_name, 'C', 33);
    long_name [33] = 0;
    snprintf (many, sizeof (many), "A,B,C,D,E,F,G,H,I,J,K,L,M,N,O,P,Q");
    snprintf (longest, sizeof (longest), "%s", "");
    for (int index = 0; index < 9; index++)
        snprintf (longest + strlen (longest), sizeof (longest) - strlen (longest), "%s%030d",
                  index ? "," : "", index);
    const columns_case_t cases [] = {
        { NULL, "", NULL },
        { "  ", "", NULL },
        { "From,Subject,Received,State", "From,Subject,Received,State", NULL },
        { " From , Sender ,Colour", "From,Sender,Colour", NULL },
        { "A,B,C,D,E,F,G,H,I,J,K,L,M,N,O,P", "A,B,C,D,E,F,G,H,I,J,K,L,M,N,O,P", NULL },
        { "From,,Subject", NULL, "12: workbintype email-draft: empty item in columns" },
        { "From, Sen der", NULL, "12: workbintype email-draft: column 'Sen der': a column name"
                                 " is 1-32 printable ASCII characters without space" },
        { "Émetteur", NULL, "12: workbintype email-draft: column 'Émetteur': a column name"
                            " is 1-32 printable ASCII characters without space" },
        { long_name, NULL, "12: workbintype email-draft: column 'CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC':"
                           " a column name is 1-32 printable ASCII characters without space" },
        { many, NULL, "12: workbintype email-draft: more than 16 columns" },
        { longest, NULL, "12: workbintype email-draft: columns longer than 255 characters" },
    };
    for (size_t index = 0; index < sizeof (cases) / sizeof (cases [0]); index++) {
        char error [512];
        wb_directory_t *directory = s_load_columns (cases [index].setting, error, sizeof (error));
        if (cases [index].columns) {
            if (!directory)
                print_error ("case %zu: %s\n", index, error);
            assert_non_null (directory);
            assert_string_equal (wb_directory_workbin_type (directory, "email-draft")->columns,
                                 cases [index].columns);
        }
        else {
            assert_null (directory);
            assert_string_equal (error, cases [index].error);
        }
        wb_directory_destroy (&directory);
    }
}

/* One expected relation: viewer at place (NULL: own place), owner. */
typedef struct {
    const char *agent;
    const char *place;
    wb_owner_type_t type;
    const char *owner;
    wb_relation_t relation;
} relation_case_t;

/* Checks a table of relations. */
static void
s_check_relations (const wb_directory_t *directory, const relation_case_t *cases, size_t count)
{
    for (size_t index = 0; index < count; index++) {
        const relation_case_t *item = &cases [index];
        wb_relation_t relation = wb_directory_relation (directory, item->agent, item->place,
                                                        item->type, item->owner);
        if (relation != item->relation)
            print_error ("%s at %s, owner %s: %s, expected %s\n", item->agent,
                         item->place ? item->place : "own place", item->owner,
                         wb_relation_text (relation), wb_relation_text (item->relation));
        assert_int_equal (relation, item->relation);
    }
}

#define A WB_OWNER_AGENT
#define P WB_OWNER_PLACE
#define PG WB_OWNER_PLACE_GROUP
#define G WB_OWNER_AGENT_GROUP

static void
test_relations_of_agent01 (void **state)
{
    const relation_case_t cases [] = {
        { "agent01", "place01", A, "agent01", WB_RELATION_OWN },
        { "agent01", "place01", A, "agent02", WB_RELATION_NONE },
        { "agent01", "place01", A, "agent03", WB_RELATION_NONE },
        { "agent01", "place01", A, "sup01", WB_RELATION_NONE },
        { "agent01", "place01", P, "place01", WB_RELATION_PLACE },
        { "agent01", "place01", P, "place02", WB_RELATION_NONE },
        { "agent01", "place01", PG, "floor1", WB_RELATION_PLACE_GROUP },
        { "agent01", "place01", PG, "floor2", WB_RELATION_NONE },
        { "agent01", "place01", G, "sales", WB_RELATION_GROUP },
        { "agent01", "place01", G, "support", WB_RELATION_NONE },
        { "agent01", "place01", G, "leads", WB_RELATION_NONE },
    };
    s_check_relations (*state, cases, sizeof (cases) / sizeof (cases [0]));
}

static void
test_relations_of_agent02 (void **state)
{
    const relation_case_t cases [] = {
        { "agent02", "place02", A, "agent02", WB_RELATION_OWN },
        { "agent02", "place02", A, "agent01", WB_RELATION_NONE },
        { "agent02", "place02", P, "place02", WB_RELATION_PLACE },
        { "agent02", "place02", P, "place01", WB_RELATION_NONE },
        { "agent02", "place02", PG, "floor1", WB_RELATION_PLACE_GROUP },
        { "agent02", "place02", PG, "floor2", WB_RELATION_NONE },
        { "agent02", "place02", G, "support", WB_RELATION_GROUP },
        { "agent02", "place02", G, "sales", WB_RELATION_NONE },
    };
    s_check_relations (*state, cases, sizeof (cases) / sizeof (cases [0]));
}

static void
test_relations_of_supervisor (void **state)
{
    const relation_case_t cases [] = {
        { "sup01", "place07", A, "sup01", WB_RELATION_OWN },
        { "sup01", "place07", A, "agent01", WB_RELATION_TEAM },
        { "sup01", "place07", A, "agent03", WB_RELATION_TEAM },
        { "sup01", "place07", A, "agent06", WB_RELATION_TEAM },
        { "sup01", "place07", A, "agent02", WB_RELATION_NONE },
        { "sup01", "place07", A, "agent04", WB_RELATION_NONE },
        { "sup01", "place07", P, "place07", WB_RELATION_PLACE },
        { "sup01", "place07", P, "place01", WB_RELATION_NONE },
        { "sup01", "place07", PG, "floor2", WB_RELATION_PLACE_GROUP },
        { "sup01", "place07", PG, "floor1", WB_RELATION_NONE },
        { "sup01", "place07", G, "leads", WB_RELATION_GROUP },
        { "sup01", "place07", G, "sales", WB_RELATION_TEAM },
        { "sup01", "place07", G, "support", WB_RELATION_NONE },
        { "agent01", "place01", A, "sup01", WB_RELATION_NONE },
    };
    s_check_relations (*state, cases, sizeof (cases) / sizeof (cases [0]));
}

static void
test_relations_follow_the_login_place (void **state)
{
    const relation_case_t cases [] = {
        { "agent01", "place05", P, "place05", WB_RELATION_PLACE },
        { "agent01", "place05", P, "place01", WB_RELATION_NONE },
        { "agent01", "place05", PG, "floor2", WB_RELATION_PLACE_GROUP },
        { "agent01", "place05", PG, "floor1", WB_RELATION_NONE },
        { "agent01", "place05", A, "agent01", WB_RELATION_OWN },
        { "agent01", NULL, P, "place01", WB_RELATION_PLACE },
        { "agent01", NULL, PG, "floor1", WB_RELATION_PLACE_GROUP },
        { "agent01", "place99", P, "place01", WB_RELATION_NONE },
        { "agent01", "place99", PG, "floor1", WB_RELATION_NONE },
        { "agent01", "place99", G, "sales", WB_RELATION_GROUP },
    };
    s_check_relations (*state, cases, sizeof (cases) / sizeof (cases [0]));
}

static void
test_visible_owners_of_agent01 (void **state)
{
    const wb_directory_t *directory = (const wb_directory_t *) *state;
    visits_t visits;
    assert_string_equal (s_visible (directory, "agent01", "place01", A, &visits), "agent01:own");
    assert_string_equal (s_visible (directory, "agent01", "place01", P, &visits), "place01:place");
    assert_string_equal (s_visible (directory, "agent01", "place01", PG, &visits),
                         "floor1:placegroup");
    assert_string_equal (s_visible (directory, "agent01", "place01", G, &visits), "sales:group");
    assert_string_equal (s_visible (directory, "agent06", NULL, G, &visits),
                         "sales:group support:group");
    assert_string_equal (s_visible (directory, "agent01", "place99", P, &visits), "");
}

static void
test_visible_owners_of_supervisor (void **state)
{
    const wb_directory_t *directory = (const wb_directory_t *) *state;
    visits_t visits;
    assert_string_equal (s_visible (directory, "sup01", "place07", A, &visits),
                         "sup01:own agent01:team agent03:team agent05:team agent06:team");
    assert_string_equal (s_visible (directory, "sup01", "place07", P, &visits), "place07:place");
    assert_string_equal (s_visible (directory, "sup01", "place07", PG, &visits),
                         "floor2:placegroup");
    assert_string_equal (s_visible (directory, "sup01", "place07", G, &visits),
                         "leads:group sales:team");
}

/* Checks one visit against wb_directory_relation; counts it. */
typedef struct {
    const wb_directory_t *directory;
    const char *agent;
    wb_owner_type_t type;
    size_t count;
    bool agrees;
} agreement_t;

static void
s_check_visit (void *context, const char *owner_id, wb_relation_t relation)
{
    agreement_t *agreement = (agreement_t *) context;
    agreement->count++;
    if (wb_directory_relation (agreement->directory, agreement->agent, NULL,
                               agreement->type, owner_id) != relation)
        agreement->agrees = false;
}

/* Counts the owners the agent relates to. */
static void
s_count_related (void *context, const char *owner_id, wb_relation_t relation)
{
    (void) relation;
    agreement_t *agreement = (agreement_t *) context;
    if (wb_directory_relation (agreement->directory, agreement->agent, NULL,
                               agreement->type, owner_id) != WB_RELATION_NONE)
        agreement->count++;
}

static void
test_visible_owners_agree_with_relation (void **state)
{
    const wb_directory_t *directory = (const wb_directory_t *) *state;
    const char *agents [] = { "agent01", "agent02", "agent03", "agent04", "agent05",
                              "agent06", "sup01" };
    for (size_t index = 0; index < sizeof (agents) / sizeof (agents [0]); index++)
        for (wb_owner_type_t type = WB_OWNER_AGENT; type <= WB_OWNER_AGENT_GROUP; type++) {
            agreement_t visible = { directory, agents [index], type, 0, true };
            agreement_t related = { directory, agents [index], type, 0, true };
            wb_directory_visible_owners (directory, agents [index], NULL, type,
                                         s_check_visit, &visible);
            wb_directory_all_owners (directory, type, s_count_related, &related);
            assert_true (visible.agrees);
            assert_int_equal (visible.count, related.count);
        }
}


/* ------------------------------------------------------------ bad files */

/* The bad fixture given as the test's state is refused with its message. */
static void
test_bad_fixture (void **state)
{
    const bad_fixture_t *fixture = (const bad_fixture_t *) *state;
    char relative [256], path [512], error [512], expected [1024];
    snprintf (relative, sizeof (relative), FIXTURES "/%s", fixture->file);
    s_path (path, sizeof (path), relative);
    wb_directory_t *directory = wb_directory_load (path, error, sizeof (error));
    wb_directory_destroy (&directory);
    snprintf (expected, sizeof (expected), "%s:%d: %s", path, fixture->line, fixture->message);
    assert_string_equal (error, expected);
}

static void
test_bad_files_print_nothing (void **state)
{
    (void) state;
    char relative [256], path [512], error [512];
    int saved [2];
    FILE *capture = s_capture_start (saved);
    for (size_t index = 0; index < BAD_FIXTURE_COUNT; index++) {
        snprintf (relative, sizeof (relative), FIXTURES "/%s", s_bad_fixtures [index].file);
        wb_directory_t *directory = wb_directory_load (s_path (path, sizeof (path), relative),
                                                       error, sizeof (error));
        wb_directory_destroy (&directory);
    }
    char *printed = s_capture_end (capture, saved);
    assert_non_null (capture);
    assert_non_null (printed);
    assert_string_equal (printed, "");
    free (printed);
}

/* zconfig's own parser (zconfig_load minus its file, which CZMQ 4.2.1
   leaks when the text is bad) rejects each syntax fixture with the same
   line and message; it prints them, so they are captured here. */
static void
test_syntax_errors_match_zconfig (void **state)
{
    (void) state;
    for (size_t index = 0; index < BAD_FIXTURE_COUNT; index++) {
        const bad_fixture_t *fixture = &s_bad_fixtures [index];
        if (strncmp (fixture->file, "syntax-", 7) != 0)
            continue;
        char relative [256], path [512], expected [256];
        snprintf (relative, sizeof (relative), FIXTURES "/%s", fixture->file);
        zchunk_t *chunk = zchunk_slurp (s_path (path, sizeof (path), relative), 0);
        assert_non_null (chunk);
        int saved [2];
        FILE *capture = s_capture_start (saved);
        zconfig_t *config = zconfig_chunk_load (chunk);
        char *printed = s_capture_end (capture, saved);
        zchunk_destroy (&chunk);
        assert_null (config);
        assert_non_null (printed);
        snprintf (expected, sizeof (expected), "E (zconfig): (%d) %s\n",
                  fixture->line, fixture->message);
        if (!strstr (printed, expected))
            print_error ("%s: zconfig said '%s', expected '%s'\n", fixture->file, printed, expected);
        assert_non_null (strstr (printed, expected));
        free (printed);
    }
}

#define BAD_TEST(name, file, line, message) \
    { "bad_" #name, test_bad_fixture, NULL, NULL, &s_bad_fixtures [BAD_##name] },
#define BAD_INDEX(name, file, line, message) BAD_##name,
enum { BAD_FIXTURES (BAD_INDEX) };

#define SAMPLE_TEST(test) cmocka_unit_test_setup_teardown (test, s_sample_setup, s_sample_teardown)

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_null_directory_answers_nothing),
        cmocka_unit_test (test_load_without_path_is_refused),
        cmocka_unit_test (test_missing_file_is_refused),
        cmocka_unit_test (test_directory_path_is_refused),
        cmocka_unit_test (test_device_is_refused),
        cmocka_unit_test (test_loading_is_linear),
        cmocka_unit_test (test_file_over_the_size_limit_is_refused),
        cmocka_unit_test (test_short_error_buffer_is_cut_safely),
        SAMPLE_TEST (test_unknown_ids_and_types_answer_nothing),
        cmocka_unit_test (test_relation_texts),
        SAMPLE_TEST (test_sample_has_tenant_and_owners),
        SAMPLE_TEST (test_sample_has_names_and_places),
        SAMPLE_TEST (test_sample_has_workbin_types_in_file_order),
        cmocka_unit_test (test_columns_are_kept_unread),
        SAMPLE_TEST (test_relations_of_agent01),
        SAMPLE_TEST (test_relations_of_agent02),
        SAMPLE_TEST (test_relations_of_supervisor),
        SAMPLE_TEST (test_relations_follow_the_login_place),
        SAMPLE_TEST (test_visible_owners_of_agent01),
        SAMPLE_TEST (test_visible_owners_of_supervisor),
        SAMPLE_TEST (test_visible_owners_agree_with_relation),
        cmocka_unit_test (test_bad_files_print_nothing),
        cmocka_unit_test (test_syntax_errors_match_zconfig),
        BAD_FIXTURES (BAD_TEST)
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
