/*  Tests of the SQLite backend beyond the store contract (test_wb_store.c):
    its URI (sqlite:PATH[?OPTIONS], the path %-escaped, options parsed
    strictly), its schema and its versions, the WAL journal, the file lock
    that keeps a second server out, the file's mode, and blobs damaged by
    another program.

    Each case with a fixture gets a fresh folder under /tmp holding
    store.db, opened as "sqlite:{dir}/store.db" (tests/lib/wb_test_store.h);
    tear-down removes the folder. Corruptions and schema versions are
    written with the sqlite3 API directly, as another program would.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sqlite3.h>
#include <czmq.h>
#include "wb_store.h"
#include "wb_store_backend.h"
#include "wb_test_store.h"

static const wb_workbin_ref_t s_drafts = { "email-draft", "agent-1" };

//  The message that names no usable option list.
#define S_EMPTY_OPTION "an empty option (options are NAME=VALUE, after '?', separated by '&')"
//  The message of a bad %-escape.
#define S_BAD_ESCAPE "in the path (%XX, a byte in hex: %25 for '%', %3F for '?')"

// ---------------------------------------------------------------- helpers

//  The fixture's database file.
static const char *
s_path (const wb_test_store_t *fixture)
{
    static char path [128];
    snprintf (path, sizeof (path), "%s/store.db", fixture->dir);
    return path;
}

//  A URI in the fixture's folder: "sqlite:DIR/" and the rest.
static const char *
s_uri (const wb_test_store_t *fixture, const char *rest)
{
    static char uri [512];
    snprintf (uri, sizeof (uri), "sqlite:%s/%s", fixture->dir, rest);
    return uri;
}

//  True if a file of the fixture's folder exists.
static bool
s_exists (const wb_test_store_t *fixture, const char *name)
{
    char path [256];
    snprintf (path, sizeof (path), "%s/%s", fixture->dir, name);
    return access (path, F_OK) == 0;
}

//  Assert that opening uri fails with "cannot open store URI: REASON".
static void
s_open_fails (const char *uri, const char *reason)
{
    char error [1024] = "", expected [1024];
    wb_store_t *store = wb_store_open (uri, error, sizeof (error));
    wb_store_destroy (&store);
    snprintf (expected, sizeof (expected), "cannot open store %s: %s", uri, reason);
    assert_string_equal (error, expected);
}

//  Run SQL on the database file directly, with its own connection.
static void
s_sql (const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    assert_int_equal (sqlite3_open (path, &db), SQLITE_OK);
    sqlite3_busy_timeout (db, 5000);
    assert_int_equal (sqlite3_exec (db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close (db);
}

//  The first column of the first row of a query, as an integer.
static int64_t
s_sql_int (const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *statement = NULL;
    assert_int_equal (sqlite3_open (path, &db), SQLITE_OK);
    assert_int_equal (sqlite3_prepare_v2 (db, sql, -1, &statement, NULL), SQLITE_OK);
    assert_int_equal (sqlite3_step (statement), SQLITE_ROW);
    int64_t value = sqlite3_column_int64 (statement, 0);
    sqlite3_finalize (statement);
    sqlite3_close (db);
    return value;
}

//  PRAGMA synchronous on the store's own connection (1 NORMAL, 2 FULL).
static int
s_synchronous (const wb_store_t *store)
{
    sqlite3 *db = wb_store_sqlite_db (store);
    sqlite3_stmt *statement = NULL;
    assert_non_null (db);
    assert_int_equal (sqlite3_prepare_v2 (db, "PRAGMA synchronous", -1, &statement, NULL),
                      SQLITE_OK);
    assert_int_equal (sqlite3_step (statement), SQLITE_ROW);
    int value = sqlite3_column_int (statement, 0);
    sqlite3_finalize (statement);
    return value;
}

// ---------------------------------------------------------------- degenerate calls

static void
test_degenerate_calls (void **state)
{
    (void) state;
    char uri [32] = "x";
    assert_int_equal (wb_store_sqlite_uri (NULL, uri, sizeof (uri)), -1);
    assert_int_equal (wb_store_sqlite_uri ("", uri, sizeof (uri)), -1);
    assert_int_equal (wb_store_sqlite_uri ("a.db", NULL, sizeof (uri)), -1);
    assert_int_equal (wb_store_sqlite_uri ("a.db", uri, 0), -1);
    assert_int_equal (wb_store_sqlite_uri ("a.db", uri, 7), -1);
    //  too small by one: nothing is left half-written
    assert_int_equal (wb_store_sqlite_uri ("a.db", uri, 11), -1);
    assert_string_equal (uri, "");
    assert_int_equal (wb_store_sqlite_uri ("a.db", uri, 12), 0);
    assert_string_equal (uri, "sqlite:a.db");
    assert_int_equal (wb_store_sqlite_uri ("a%.db", uri, 14), -1);
    assert_int_equal (wb_store_sqlite_uri ("a%.db", uri, 15), 0);
    assert_string_equal (uri, "sqlite:a%25.db");
    assert_null (wb_store_sqlite_db (NULL));

    //  no path, with or without options
    s_open_fails ("sqlite:", "no database path (sqlite:PATH[?synchronous=normal|full])");
    s_open_fails ("sqlite:?synchronous=full",
                  "no database path (sqlite:PATH[?synchronous=normal|full])");
    //  a path longer than the system takes, before or after decoding
    char *long_uri = malloc (PATH_MAX + 64);
    assert_non_null (long_uri);
    strcpy (long_uri, "sqlite:/tmp/");
    memset (long_uri + 12, 'a', PATH_MAX);
    long_uri [12 + PATH_MAX] = 0;
    char reason [64];
    snprintf (reason, sizeof (reason), "the path is longer than %d bytes", PATH_MAX - 1);
    char error [512] = "";
    assert_null (wb_store_open (long_uri, error, sizeof (error)));
    assert_non_null (strstr (error, reason));
    assert_non_null (strstr (error, "cannot open store sqlite:/tmp/aaa"));
    assert_null (wb_store_open (long_uri, NULL, 0));
    free (long_uri);
}

//  wb_store_sqlite_db answers for SQLite stores only, not for a store that
//  wraps one (a spy).
static void
test_connection_is_for_sqlite_stores_only (void **state)
{
    wb_test_store_t *fixture = *state;
    assert_non_null (wb_store_sqlite_db (fixture->store));
    wb_store_ops_t ops = *wb_store_ops (fixture->store);
    ops.name = "spy";
    ops.close = NULL;                 //  the fixture closes the backend
    wb_store_t *spy = wb_store_new (&ops, wb_store_backend (fixture->store));
    assert_non_null (spy);
    assert_null (wb_store_sqlite_db (spy));
    wb_store_destroy (&spy);
}

// ---------------------------------------------------------------- the URI

static void
test_open_failures_explain_themselves (void **state)
{
    wb_test_store_t *fixture = *state;
    char uri [512];
    snprintf (uri, sizeof (uri), "%s", s_uri (fixture, "missing/store.db"));
    s_open_fails (uri, "No such file or directory");
    assert_null (wb_store_open (uri, NULL, 0));

    char path [256];
    snprintf (path, sizeof (path), "%s/garbage.db", fixture->dir);
    FILE *file = fopen (path, "w");
    assert_non_null (file);
    for (int line = 0; line < 200; line++)
        fputs ("this is not an SQLite database, only some text\n", file);
    fclose (file);
    s_open_fails (s_uri (fixture, "garbage.db"), "file is not a database");
}

//  Options are NAME=VALUE after the first plain '?', separated by '&',
//  each at most once; anything else is refused before the file is made.
static void
test_bad_options_are_refused (void **state)
{
    wb_test_store_t *fixture = *state;
    static const struct {
        const char *options;
        const char *reason;
    } cases [] = {
        { "?", S_EMPTY_OPTION },
        { "?synchronous=full&", S_EMPTY_OPTION },
        { "?&synchronous=full", S_EMPTY_OPTION },
        { "?synchronous=full&&synchronous=full", S_EMPTY_OPTION },
        { "?sync=full", "unknown option 'sync' (known: synchronous)" },
        { "?journal_mode=delete", "unknown option 'journal_mode' (known: synchronous)" },
        { "?=full", "unknown option '' (known: synchronous)" },
        { "?synchronous", "option synchronous needs a value: synchronous=normal|full" },
        { "?synchronous=", "option synchronous takes normal or full, not ''" },
        { "?synchronous=FULL", "option synchronous takes normal or full, not 'FULL'" },
        { "?synchronous=off", "option synchronous takes normal or full, not 'off'" },
        { "?synchronous=full; DROP TABLE interaction",
          "option synchronous takes normal or full, not 'full; DROP TABLE interaction'" },
        { "?synchronous=full?synchronous=full",
          "option synchronous takes normal or full, not 'full?synchronous=full'" },
        { "?synchronous=full&synchronous=normal", "option synchronous is given twice" },
        { "?synchronous=full&sync=full", "unknown option 'sync' (known: synchronous)" },
    };
    for (size_t index = 0; index < sizeof (cases) / sizeof (cases [0]); index++) {
        char uri [640];
        snprintf (uri, sizeof (uri), "%s%s", s_uri (fixture, "options.db"), cases [index].options);
        s_open_fails (uri, cases [index].reason);
        assert_false (s_exists (fixture, "options.db"));
    }
}

//  synchronous=normal|full sets the connection's PRAGMA synchronous;
//  full when not given (an EventAck survives a power cut too).
static void
test_synchronous_option_sets_the_pragma (void **state)
{
    wb_test_store_t *fixture = *state;
    assert_int_equal (s_synchronous (fixture->store), 2);
    static const struct {
        const char *rest;
        int synchronous;
    } cases [] = {
        { "full.db?synchronous=full", 2 },
        { "normal.db?synchronous=normal", 1 },
        { "full.db?synchronous=full", 2 },            //  again, on the file made above
    };
    for (size_t index = 0; index < sizeof (cases) / sizeof (cases [0]); index++) {
        char error [512] = "";
        wb_store_t *store = wb_store_open (s_uri (fixture, cases [index].rest), error,
                                           sizeof (error));
        assert_non_null (store);
        assert_string_equal (error, "");
        assert_int_equal (s_synchronous (store), cases [index].synchronous);
        wb_test_store_put (store, "a", s_drafts, NULL);
        wb_store_destroy (&store);
    }
    assert_true (s_exists (fixture, "full.db") && s_exists (fixture, "normal.db"));
}

//  In the path, %XX is a byte: wb_store_sqlite_uri escapes '%' and '?',
//  which would read otherwise; a bad escape is refused.
static void
test_path_escapes_are_decoded (void **state)
{
    wb_test_store_t *fixture = *state;
    char path [256], uri [512], expected [512], error [512] = "";
    snprintf (path, sizeof (path), "%s/100%% sure? yes&no.db", fixture->dir);
    assert_int_equal (wb_store_sqlite_uri (path, uri, sizeof (uri)), 0);
    snprintf (expected, sizeof (expected), "sqlite:%s/100%%25 sure%%3F yes&no.db", fixture->dir);
    assert_string_equal (uri, expected);
    wb_store_t *store = wb_store_open (uri, error, sizeof (error));
    assert_non_null (store);
    wb_store_destroy (&store);
    assert_true (s_exists (fixture, "100% sure? yes&no.db"));
    //  with an option after it
    strcat (uri, "?synchronous=full");
    store = wb_store_open (uri, error, sizeof (error));
    assert_int_equal (s_synchronous (store), 2);
    wb_store_destroy (&store);
    //  hex digits in either case
    store = wb_store_open (s_uri (fixture, "%41%6a%2E.db"), error, sizeof (error));
    assert_non_null (store);
    wb_store_destroy (&store);
    assert_true (s_exists (fixture, "Aj..db"));

    static const struct {
        const char *rest;
        const char *escape;
    } cases [] = {
        { "x%", "%" }, { "x%4", "%4" }, { "x%4?synchronous=full", "%4" }, { "x%zz.db", "%zz" },
        { "x%4g.db", "%4g" }, { "x%g4.db", "%g4" }, { "x%00.db", "%00" }, { "x%%.db", "%%." },
    };
    for (size_t index = 0; index < sizeof (cases) / sizeof (cases [0]); index++) {
        char reason [256];
        snprintf (reason, sizeof (reason), "bad escape '%s' %s", cases [index].escape,
                  S_BAD_ESCAPE);
        snprintf (uri, sizeof (uri), "%s", s_uri (fixture, cases [index].rest));
        s_open_fails (uri, reason);
    }
}

//  sqlite::memory: keeps the store in memory: no file, no lock.
static void
test_memory_store_has_no_file (void **state)
{
    (void) state;
    char error [512] = "";
    wb_store_t *one = wb_store_open ("sqlite::memory:", error, sizeof (error));
    wb_store_t *two = wb_store_open ("sqlite::memory:?synchronous=full", error, sizeof (error));
    assert_non_null (one);
    assert_non_null (two);
    wb_test_store_put (one, "a", s_drafts, NULL);
    assert_string_equal (wb_test_store_order (one, s_drafts), "a");
    assert_string_equal (wb_test_store_order (two, s_drafts), "");
    wb_store_destroy (&one);
    wb_store_destroy (&two);
    assert_int_equal (access (":memory:", F_OK), -1);
}

// ---------------------------------------------------------------- schema, file


static void
test_reopen_does_not_migrate_again (void **state)
{
    wb_test_store_t *fixture = *state;
    wb_test_store_put (fixture->store, "a", s_drafts, NULL);
    wb_store_destroy (&fixture->store);
    int64_t version = s_sql_int (s_path (fixture), "PRAGMA user_version");
    int64_t objects = s_sql_int (s_path (fixture), "SELECT COUNT(*) FROM sqlite_master");
    assert_true (version >= 1);
    assert_int_equal (s_sql_int (s_path (fixture),
                                 "SELECT journal_mode = 'wal' FROM pragma_journal_mode"), 1);
    for (int round = 0; round < 2; round++)
        wb_test_store_reopen (fixture);
    wb_store_destroy (&fixture->store);
    assert_int_equal (s_sql_int (s_path (fixture), "PRAGMA user_version"), version);
    assert_int_equal (s_sql_int (s_path (fixture), "SELECT COUNT(*) FROM sqlite_master"), objects);
    assert_int_equal (s_sql_int (s_path (fixture), "SELECT COUNT(*) FROM interaction"), 1);
}

//  Schema 4: a database of schema 3 kept a pulled interaction with no
//  owner; opened, it is in the hands of its AssignedTo.
static void
test_migration_gives_pulled_interactions_their_handler (void **state)
{
    wb_test_store_t *fixture = *state;
    const wb_workbin_ref_t nobody = { NULL, NULL };
    wb_kvlist_t *properties = wb_test_store_properties ("p", NULL);
    wb_kvlist_add_string (properties, "AssignedTo", "agent-1");
    assert_int_equal (wb_store_begin (fixture->store), 0);
    assert_int_equal (wb_store_interaction_put (fixture->store, "p", nobody, properties), 0);
    assert_int_equal (wb_store_commit (fixture->store), 0);
    wb_kvlist_destroy (&properties);
    wb_test_store_put (fixture->store, "q", nobody, NULL);      //  no AssignedTo
    wb_store_destroy (&fixture->store);
    assert_int_equal (s_sql_int (s_path (fixture), "SELECT COUNT(*) FROM interaction"
                                 " WHERE owner_id IS NULL"), 2);
    s_sql (s_path (fixture), "PRAGMA user_version = 3");
    wb_test_store_reopen (fixture);
    wb_kvlist_t *list = wb_kvlist_new ();
    int64_t total = 0;
    assert_int_equal (wb_store_handled_page (fixture->store, "agent-1", 10, list, &total), 0);
    assert_int_equal (total, 1);
    assert_string_equal (wb_kvlist_string (wb_kvlist_list_at (list, 0), "InteractionId"), "p");
    wb_kvlist_destroy (&list);
    wb_store_destroy (&fixture->store);
    assert_int_equal (s_sql_int (s_path (fixture), "PRAGMA user_version"), 4);
    assert_int_equal (s_sql_int (s_path (fixture), "SELECT COUNT(*) FROM interaction"
                                 " WHERE owner_id IS NULL"), 1);
}

//  A submit's idempotency key is kept with its change, by submitter, and
//  read back after a reopen; a key is remembered once.
static void
test_submit_keys_are_kept (void **state)
{
    wb_test_store_t *fixture = *state;
    char id [32] = "";
    int64_t version = 0;
    int found = -1;
    assert_int_equal (wb_store_submit_key_get (fixture->store, "a1", "k", id, sizeof (id),
                                               &version, &found), 0);
    assert_int_equal (found, 0);
    assert_int_equal (wb_store_begin (fixture->store), 0);
    assert_int_equal (wb_store_submit_key_put (fixture->store, "a1", "k", "00000000000000A1", 7), 0);
    assert_int_equal (wb_store_submit_key_put (fixture->store, "a1", "k", "00000000000000A2", 8), -1);
    assert_int_equal (wb_store_commit (fixture->store), 0);
    wb_test_store_reopen (fixture);
    assert_int_equal (wb_store_submit_key_get (fixture->store, "a1", "k", id, sizeof (id),
                                               &version, &found), 0);
    assert_int_equal (found, 1);
    assert_string_equal (id, "00000000000000A1");
    assert_int_equal (version, 7);
    assert_int_equal (wb_store_submit_key_get (fixture->store, "a2", "k", id, sizeof (id),
                                               &version, &found), 0);
    assert_int_equal (found, 0);
    //  too small a buffer for the id is a failure, not a cut id
    assert_int_equal (wb_store_submit_key_get (fixture->store, "a1", "k", id, 8, &version,
                                               &found), -1);
    assert_int_equal (wb_store_submit_key_get (NULL, "a1", "k", id, sizeof (id), &version,
                                               &found), -1);
}

static void
test_newer_schema_is_refused (void **state)
{
    wb_test_store_t *fixture = *state;
    wb_store_destroy (&fixture->store);
    int64_t version = s_sql_int (s_path (fixture), "PRAGMA user_version");
    char sql [64];
    snprintf (sql, sizeof (sql), "PRAGMA user_version = %d", (int) version + 4);
    s_sql (s_path (fixture), sql);

    char error [256] = "";
    assert_null (wb_store_open (fixture->uri, error, sizeof (error)));
    char expected [128];
    snprintf (expected, sizeof (expected), "database schema %d is newer than this wbserver (%d)",
              (int) version + 4, (int) version);
    assert_non_null (strstr (error, expected));
    assert_non_null (strstr (error, s_path (fixture)));
    //  The file is left as it was
    assert_int_equal (s_sql_int (s_path (fixture), "PRAGMA user_version"), version + 4);
}

static void
test_corrupted_properties_fail_cleanly (void **state)
{
    wb_test_store_t *fixture = *state;
    wb_store_t *store = fixture->store;
    wb_test_store_put (store, "good", s_drafts, NULL);
    wb_test_store_put (store, "bad", s_drafts, NULL);
    //  One entry whose key (64 bytes long, it says) runs past the end
    s_sql (s_path (fixture), "UPDATE interaction SET properties = x'0000000140' WHERE id = 'bad'");

    int found = 5;
    assert_null (wb_store_interaction_get (store, "bad", NULL, NULL, 0, &found));
    assert_int_equal (found, -1);
    wb_kvlist_t *page = wb_kvlist_new ();
    int64_t total = 0;
    assert_int_equal (wb_store_workbin_page (store, s_drafts, 0, 10, page, &total), -1);
    assert_int_equal (wb_kvlist_size (page), 0);
    //  A window without the bad row still works
    assert_int_equal (wb_store_workbin_page (store, s_drafts, 0, 1, page, &total), 0);
    assert_int_equal (wb_kvlist_size (page), 1);
    wb_kvlist_destroy (&page);

    s_sql (s_path (fixture), "UPDATE interaction SET properties = x'' WHERE id = 'bad'");
    assert_null (wb_store_interaction_get (store, "bad", NULL, NULL, 0, &found));
    assert_int_equal (found, -1);
    wb_kvlist_t *stored = wb_store_interaction_get (store, "good", NULL, NULL, 0, &found);
    assert_int_equal (found, 1);
    wb_kvlist_destroy (&stored);
}

//  The depth the first interaction of a page of drafts had when read.
static size_t
s_first_depth (wb_store_t *store)
{
    wb_kvlist_t *page = wb_kvlist_new ();
    int64_t total = 0;
    size_t size = 0, depth = 0;
    assert_int_equal (wb_store_workbin_page (store, s_drafts, 0, 10, page, &total), 0);
    assert_non_null (wb_kvlist_encoded_at (page, 0, &size, &depth));
    wb_kvlist_destroy (&page);
    return depth;
}

//  Put "one" in the drafts in the open transaction, with a nested list
//  (depth 2) or without (depth 1).
static void
s_put_one (wb_store_t *store, bool nested)
{
    wb_kvlist_t *properties = wb_test_store_properties ("one", NULL);
    if (nested) {
        wb_kvlist_t *data = wb_kvlist_new ();
        wb_kvlist_add_string (data, "Note", "kept");
        wb_kvlist_add_list (properties, "UserData", &data);
    }
    assert_int_equal (wb_store_interaction_put (store, "one", s_drafts, properties), 0);
    wb_kvlist_destroy (&properties);
}

//  A page checks each row's bytes in full at its first read only; what
//  can change them since makes the next read check them again: another
//  program's commit, a write of ours (the depth may differ), a rollback.
static void
test_rows_checked_once_are_checked_again_after_a_change (void **state)
{
    wb_test_store_t *fixture = *state;
    wb_store_t *store = fixture->store;
    wb_test_store_put (store, "good", s_drafts, NULL);
    wb_test_store_put (store, "bad", s_drafts, NULL);
    wb_kvlist_t *page = wb_kvlist_new ();
    int64_t total = 0;
    assert_int_equal (wb_store_workbin_page (store, s_drafts, 0, 10, page, &total), 0);
    assert_int_equal (wb_kvlist_size (page), 2);
    wb_kvlist_truncate (page, 0);
    //  Damaged by another program after both were read: refused all the same
    s_sql (s_path (fixture), "UPDATE interaction SET properties = x'0000000140' WHERE id = 'bad'");
    assert_int_equal (wb_store_workbin_page (store, s_drafts, 0, 10, page, &total), -1);
    assert_int_equal (wb_kvlist_size (page), 0);
    wb_kvlist_destroy (&page);
    s_sql (s_path (fixture), "DELETE FROM interaction");

    //  Our own write makes a row deeper: the page says so
    assert_int_equal (wb_store_begin (store), 0);
    s_put_one (store, false);
    assert_int_equal (wb_store_commit (store), 0);
    assert_int_equal (s_first_depth (store), 1);
    assert_int_equal (wb_store_begin (store), 0);
    s_put_one (store, true);
    assert_int_equal (s_first_depth (store), 2);
    //  ... and rolled back, shallow again
    assert_int_equal (wb_store_rollback (store), 0);
    assert_int_equal (s_first_depth (store), 1);
}

//  The checks are forgotten on another program's commit, told by the
//  pager's data version, which our own commits change too: one of ours
//  right after the other's must not pass it off as ours.
static void
test_another_commit_before_ours_still_forgets_the_checks (void **state)
{
    wb_test_store_t *fixture = *state;
    wb_store_t *store = fixture->store;
    wb_workbin_ref_t other = { "email-draft", "agent-2" };
    wb_test_store_put (store, "good", s_drafts, NULL);
    wb_test_store_put (store, "bad", s_drafts, NULL);
    wb_kvlist_t *page = wb_kvlist_new ();
    int64_t total = 0;
    assert_int_equal (wb_store_workbin_page (store, s_drafts, 0, 10, page, &total), 0);
    assert_int_equal (wb_kvlist_size (page), 2);
    wb_kvlist_truncate (page, 0);
    s_sql (s_path (fixture), "UPDATE interaction SET properties = x'0000000140' WHERE id = 'bad'");
    wb_test_store_put (store, "elsewhere", other, NULL);             //  ours, after it
    assert_int_equal (wb_store_workbin_page (store, s_drafts, 0, 10, page, &total), -1);
    //  repaired by it, the page reads again, and after a commit of ours
    s_sql (s_path (fixture), "UPDATE interaction SET properties ="
           " (SELECT properties FROM interaction WHERE id = 'good') WHERE id = 'bad'");
    assert_int_equal (wb_store_workbin_page (store, s_drafts, 0, 10, page, &total), 0);
    wb_test_store_put (store, "elsewhere", s_drafts, NULL);
    wb_kvlist_truncate (page, 0);
    assert_int_equal (wb_store_workbin_page (store, s_drafts, 0, 10, page, &total), 0);
    assert_int_equal (wb_kvlist_size (page), 3);
    wb_kvlist_destroy (&page);
}

//  A row inserted where a deleted one was (SQLite gives its rowid again)
//  is checked anew: the check of the deleted row is not the new row's.
static void
test_an_inserted_row_is_checked_anew (void **state)
{
    wb_test_store_t *fixture = *state;
    wb_store_t *store = fixture->store;
    assert_int_equal (wb_store_begin (store), 0);
    s_put_one (store, false);
    assert_int_equal (wb_store_commit (store), 0);
    assert_int_equal (s_first_depth (store), 1);
    assert_int_equal (wb_store_begin (store), 0);
    assert_int_equal (wb_store_interaction_delete (store, "one"), 0);
    wb_kvlist_t *properties = wb_test_store_properties ("two", NULL);
    wb_kvlist_t *data = wb_kvlist_new ();
    wb_kvlist_add_string (data, "Note", "kept");
    wb_kvlist_add_list (properties, "UserData", &data);
    assert_int_equal (wb_store_interaction_insert (store, "two", s_drafts, properties), 0);
    wb_kvlist_destroy (&properties);
    assert_int_equal (wb_store_commit (store), 0);
    assert_int_equal (s_first_depth (store), 2);
}

//  A database written before the counter existed: ids go on from the
//  greatest one stored.
static void
test_interaction_ids_go_on_from_an_older_database (void **state)
{
    wb_test_store_t *fixture = *state;
    wb_test_store_put (fixture->store, "00000000000000FF", s_drafts, NULL);
    wb_test_store_put (fixture->store, "0000000000000010", s_drafts, NULL);
    wb_test_store_put (fixture->store, "not-an-id", s_drafts, NULL);
    wb_store_destroy (&fixture->store);
    s_sql (s_path (fixture), "DELETE FROM counter");
    wb_test_store_reopen (fixture);
    assert_int_equal (wb_test_store_new_id (fixture->store, 1), 0x100);
}

//  One server per database file: a second open is refused while the first
//  holds it, and allowed once it has closed.
static void
test_second_server_on_one_file_is_refused (void **state)
{
    wb_test_store_t *fixture = *state;
    char error [256] = "";
    assert_null (wb_store_open (fixture->uri, error, sizeof (error)));
    assert_non_null (strstr (error, s_path (fixture)));
    assert_non_null (strstr (error, "another wbserver is using it"));
    wb_test_store_reopen (fixture);
    struct stat status;
    assert_int_equal (stat (s_path (fixture), &status), 0);
    assert_int_equal (status.st_mode & 0077, 0);      //  its owner's alone
}

static int64_t
s_count (wb_store_t *store, wb_workbin_ref_t workbin)
{
    int64_t count = -1;
    assert_int_equal (wb_store_workbin_count (store, workbin, &count), 0);
    return count;
}

//  Counting a workbin reads the count that triggers keep (schema 3), not
//  its rows (issue 15, item 9): a count set by hand is what the store
//  reports. Moves, deletions and the migration of an older database keep
//  it right.
static void
test_workbin_count_is_kept_not_scanned (void **state)
{
    wb_test_store_t *fixture = *state;
    wb_store_t *store = fixture->store;
    wb_workbin_ref_t other = { "email-draft", "agent-2" };
    wb_workbin_ref_t nowhere = { NULL, NULL };
    wb_test_store_put (store, "a", s_drafts, NULL);
    wb_test_store_put (store, "b", s_drafts, NULL);
    wb_test_store_put (store, "c", s_drafts, NULL);
    wb_test_store_put (store, "c", s_drafts, NULL);      //  stays: counted once
    assert_int_equal (s_count (store, s_drafts), 3);
    wb_test_store_put (store, "b", other, NULL);
    assert_int_equal (s_count (store, s_drafts), 2);
    assert_int_equal (s_count (store, other), 1);
    wb_test_store_put (store, "b", nowhere, NULL);
    assert_int_equal (s_count (store, other), 0);
    assert_int_equal (wb_store_begin (store), 0);
    assert_int_equal (wb_store_interaction_delete (store, "a"), 0);
    assert_int_equal (wb_store_commit (store), 0);
    assert_int_equal (s_count (store, s_drafts), 1);

    s_sql (s_path (fixture), "UPDATE workbin_size SET size = 42 WHERE owner_id = 'agent-1'");
    assert_int_equal (s_count (store, s_drafts), 42);

    //  a database of schema 2 gets its counts at its migration
    wb_store_destroy (&fixture->store);
    s_sql (s_path (fixture), "DROP TRIGGER workbin_size_insert; DROP TRIGGER workbin_size_delete;"
           "DROP TRIGGER workbin_size_move; DROP TABLE workbin_size; PRAGMA user_version = 2");
    wb_test_store_reopen (fixture);
    assert_int_equal (s_count (fixture->store, s_drafts), 1);
    assert_int_equal (s_count (fixture->store, other), 0);
}

//  What a content read runs, seen by the store connection's trace: how
//  many statements, whether one opened or ended a transaction, and, as
//  the page's rows start (the read under way), a commit by another
//  connection (another program) adding a draft before the others.
typedef struct {
    int statements;
    int transactions;                 /* BEGIN, COMMIT, ROLLBACK */
    sqlite3 *other;                   /* commits at the page's rows; NULL: not */
} s_content_trace_t;

static int
s_content_traced (unsigned type, void *context, void *statement, void *unused)
{
    (void) type;
    (void) unused;
    s_content_trace_t *trace = context;
    const char *sql = sqlite3_sql (statement);
    trace->statements++;
    if (strncmp (sql, "BEGIN", 5) == 0 || strncmp (sql, "COMMIT", 6) == 0
    ||  strncmp (sql, "ROLLBACK", 8) == 0)
        trace->transactions++;
    if (trace->other && strstr (sql, "ORDER BY position")) {
        assert_int_equal (sqlite3_exec (trace->other,
            "INSERT INTO interaction (id, type_id, owner_id, position, properties)"
            " VALUES ('late', 'email-draft', 'agent-1', -1, x'00000000');"
            "UPDATE workbin SET version = version + 1 WHERE owner_id = 'agent-1'",
            NULL, NULL, NULL), SQLITE_OK);
        sqlite3_close (trace->other);
        trace->other = NULL;
    }
    return 0;
}

//  A content read as the engine makes it: the page's interactions as a run,
//  handed back as the list it adds to a reply (NULL on failure).
static wb_kvlist_t *
s_content (wb_store_t *store, wb_workbin_ref_t workbin, int64_t from, int64_t *total,
           int64_t *version)
{
    wb_kvlist_run_t *run = wb_kvlist_run_new ("Interactions", "Interaction");
    if (wb_store_workbin_content (store, workbin, from, 10, run, total, version)) {
        wb_kvlist_run_destroy (&run);
        return NULL;
    }
    wb_kvlist_t *body = wb_kvlist_new ();
    assert_int_equal (wb_kvlist_add_run (body, &run), 0);
    wb_kvlist_t *page = wb_kvlist_take_list_at (body, 0);
    wb_kvlist_destroy (&body);
    return page;
}

//  A content page, its total and its version come from one read without
//  a transaction of their own (no BEGIN IMMEDIATE, no COMMIT: three
//  statements where there were six): and still of one snapshot, when
//  another connection commits while the page's rows are being read.
static void
test_content_is_one_read_of_one_snapshot (void **state)
{
    wb_test_store_t *fixture = *state;
    wb_store_t *store = fixture->store;
    int64_t version = 0, total = 0, read_version = 0;
    wb_test_store_put (store, "a", s_drafts, NULL);
    wb_test_store_put (store, "b", s_drafts, NULL);
    assert_int_equal (wb_store_begin (store), 0);
    assert_int_equal (wb_store_bump_version (store, s_drafts, &version), 0);
    assert_int_equal (wb_store_commit (store), 0);

    s_content_trace_t trace = { 0, 0, NULL };
    assert_int_equal (sqlite3_open (s_path (fixture), &trace.other), SQLITE_OK);
    sqlite3_trace_v2 (wb_store_sqlite_db (store), SQLITE_TRACE_STMT, s_content_traced, &trace);
    wb_kvlist_t *page = s_content (store, s_drafts, 0, &total, &read_version);
    assert_non_null (page);
    assert_null (trace.other);                      //  the other one committed
    assert_int_equal (trace.transactions, 0);
    assert_true (trace.statements <= 3);
    assert_int_equal (wb_kvlist_size (page), 2);    //  a and b, not 'late'
    const char *first = wb_kvlist_string (wb_kvlist_list_at (page, 0), "InteractionId");
    assert_non_null (first);
    assert_string_equal (first, "a");
    assert_int_equal (total, 2);
    assert_int_equal (read_version, version);
    wb_kvlist_destroy (&page);

    //  the next read sees the commit, and a page past the end its header
    page = s_content (store, s_drafts, 0, &total, &read_version);
    assert_int_equal (wb_kvlist_size (page), 3);
    assert_int_equal (total, 3);
    assert_int_equal (read_version, version + 1);
    wb_kvlist_destroy (&page);
    page = s_content (store, s_drafts, 3, &total, &read_version);
    assert_int_equal (wb_kvlist_size (page), 0);
    assert_int_equal (total, 3);
    assert_int_equal (read_version, version + 1);
    wb_kvlist_destroy (&page);
    wb_workbin_ref_t empty = { "email-draft", "agent-9" };
    page = s_content (store, empty, 0, &total, &read_version);
    assert_int_equal (wb_kvlist_size (page), 0);
    assert_int_equal (total, 0);
    assert_int_equal (read_version, 0);
    wb_kvlist_destroy (&page);
    sqlite3_trace_v2 (wb_store_sqlite_db (store), 0, NULL, NULL);
}

//  The schema as version 3 wrote it (migrations 1 to 3), word for word:
//  what a database left by the previous wbserver holds.
static const char *s_schema_3 =
    "CREATE TABLE workbin (type_id TEXT NOT NULL, owner_id TEXT NOT NULL,"
    " version INTEGER NOT NULL, PRIMARY KEY (type_id, owner_id)) WITHOUT ROWID;"
    "CREATE TABLE interaction (id TEXT NOT NULL PRIMARY KEY, type_id TEXT, owner_id TEXT,"
    " position INTEGER NOT NULL, moved_at TEXT, properties BLOB NOT NULL);"
    "CREATE INDEX interaction_by_position ON interaction (type_id, owner_id, position);"
    "CREATE INDEX interaction_by_moved_at ON interaction (type_id, owner_id, moved_at);"
    "CREATE TABLE counter (name TEXT NOT NULL PRIMARY KEY, value INTEGER NOT NULL)"
    " WITHOUT ROWID;"
    "CREATE TABLE workbin_size (type_id TEXT NOT NULL, owner_id TEXT NOT NULL,"
    " size INTEGER NOT NULL, PRIMARY KEY (type_id, owner_id)) WITHOUT ROWID;"
    "CREATE TRIGGER workbin_size_insert AFTER INSERT ON interaction"
    " WHEN NEW.type_id IS NOT NULL AND NEW.owner_id IS NOT NULL BEGIN"
    "  INSERT INTO workbin_size VALUES (NEW.type_id, NEW.owner_id, 1)"
    "   ON CONFLICT (type_id, owner_id) DO UPDATE SET size = size + 1;"
    " END;"
    "CREATE TRIGGER workbin_size_delete AFTER DELETE ON interaction"
    " WHEN OLD.type_id IS NOT NULL AND OLD.owner_id IS NOT NULL BEGIN"
    "  UPDATE workbin_size SET size = size - 1"
    "   WHERE type_id = OLD.type_id AND owner_id = OLD.owner_id;"
    " END;"
    "CREATE TRIGGER workbin_size_move AFTER UPDATE OF type_id, owner_id ON interaction"
    " WHEN OLD.type_id IS NOT NEW.type_id OR OLD.owner_id IS NOT NEW.owner_id BEGIN"
    "  UPDATE workbin_size SET size = size - 1"
    "   WHERE type_id = OLD.type_id AND owner_id = OLD.owner_id;"
    "  INSERT INTO workbin_size SELECT NEW.type_id, NEW.owner_id, 1"
    "   WHERE NEW.type_id IS NOT NULL AND NEW.owner_id IS NOT NULL"
    "   ON CONFLICT (type_id, owner_id) DO UPDATE SET size = size + 1;"
    " END;"
    "PRAGMA user_version = 3;";

//  The properties the old database keeps for an interaction.
static wb_kvlist_t *
s_old_properties (const char *id, const char *assigned_to)
{
    wb_kvlist_t *properties = wb_test_store_properties (id, "2026-01-02T03:04:05Z");
    char subject [64];
    snprintf (subject, sizeof (subject), "Subject of %s", id);
    wb_kvlist_add_string (properties, "Subject", subject);
    if (assigned_to)
        wb_kvlist_add_string (properties, "AssignedTo", assigned_to);
    return properties;
}

//  One row of the old interaction table, written with raw SQL.
static void
s_old_row (sqlite3 *db, const char *id, const char *type_id, const char *owner_id,
           int64_t position, const char *assigned_to)
{
    wb_kvlist_t *properties = s_old_properties (id, assigned_to);
    size_t size = 0;
    uint8_t *blob = wb_kvlist_encode (properties, &size);
    sqlite3_stmt *insert = NULL;
    assert_int_equal (sqlite3_prepare_v2 (db, "INSERT INTO interaction (id, type_id, owner_id,"
                                          " position, moved_at, properties)"
                                          " VALUES (?1, ?2, ?3, ?4, '2026-01-02T03:04:05Z', ?5)",
                                          -1, &insert, NULL), SQLITE_OK);
    sqlite3_bind_text (insert, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text (insert, 2, type_id, -1, SQLITE_STATIC);
    sqlite3_bind_text (insert, 3, owner_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (insert, 4, position);
    sqlite3_bind_blob (insert, 5, blob, (int) size, SQLITE_STATIC);
    assert_int_equal (sqlite3_step (insert), SQLITE_DONE);
    sqlite3_finalize (insert);
    free (blob);
    wb_kvlist_destroy (&properties);
}

//  The previous schema (3), built here with raw SQL as it wrote it: seven
//  interactions of agent-1's drafts at the positions moves left (not
//  1..7), two of agent-2's, one pulled by agent-3 (no owner then), the
//  versions and the id counter. Opened, it is migrated (to 4) and reads
//  the same: content, counts, order in pages by offset and in steps, the
//  handler of the pulled one; and new writes go on after it.
static void
test_a_database_of_schema_3_opens_intact (void **state)
{
    wb_test_store_t *fixture = *state;
    wb_store_destroy (&fixture->store);
    assert_int_equal (unlink (s_path (fixture)), 0);
    sqlite3 *db = NULL;
    assert_int_equal (sqlite3_open (s_path (fixture), &db), SQLITE_OK);
    assert_int_equal (sqlite3_exec (db, s_schema_3, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal (sqlite3_exec (db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
    const int64_t positions [7] = { 3, 7, 8, 15, 16, 40, 41 };
    for (int index = 0; index < 7; index++) {
        char id [32];
        snprintf (id, sizeof (id), "00000000000000%02X", 0x10 + index);
        s_old_row (db, id, "email-draft", "agent-1", positions [index], NULL);
    }
    s_old_row (db, "0000000000000020", "email-draft", "agent-2", 9, NULL);
    s_old_row (db, "0000000000000021", "email-draft", "agent-2", 42, NULL);
    s_old_row (db, "0000000000000022", NULL, NULL, 43, "agent-3");
    assert_int_equal (sqlite3_exec (db, "INSERT INTO workbin VALUES ('email-draft', 'agent-1', 31);"
                                    "INSERT INTO workbin VALUES ('email-draft', 'agent-2', 4);"
                                    "INSERT INTO counter VALUES ('interaction_id', 48);"
                                    "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close (db);

    wb_test_store_reopen (fixture);
    wb_store_t *store = fixture->store;
    assert_int_equal (s_sql_int (s_path (fixture), "PRAGMA user_version"), 4);
    //  content, with every property as it was
    char type_id [64] = "", owner_id [64] = "";
    int found = 0;
    wb_kvlist_t *got = wb_store_interaction_get (store, "0000000000000013", type_id, owner_id,
                                                 sizeof (type_id), &found);
    wb_kvlist_t *expected = s_old_properties ("0000000000000013", NULL);
    assert_true (found);
    assert_string_equal (type_id, "email-draft");
    assert_string_equal (owner_id, "agent-1");
    assert_true (wb_kvlist_equal (got, expected));
    wb_kvlist_destroy (&got);
    wb_kvlist_destroy (&expected);
    //  counts, versions and the order, by offset and in steps
    const wb_workbin_ref_t agent_2 = { "email-draft", "agent-2" };
    assert_int_equal (s_count (store, s_drafts), 7);
    assert_int_equal (s_count (store, agent_2), 2);
    int64_t version = 0;
    assert_int_equal (wb_store_workbin_version (store, s_drafts, &version), 0);
    assert_int_equal (version, 31);
    const char *all = "0000000000000010 0000000000000011 0000000000000012 0000000000000013"
                      " 0000000000000014 0000000000000015 0000000000000016";
    assert_string_equal (wb_test_store_order (store, s_drafts), all);
    char ids [256], stepped [1024] = "";
    for (int64_t from = 0; from < 7; from += 3) {
        wb_test_store_page_ids (store, s_drafts, from, 3, 7, ids, sizeof (ids));
        if (from)
            strcat (stepped, " ");
        strcat (stepped, ids);
    }
    assert_string_equal (stepped, all);
    //  the pulled one is in its handler's hands
    wb_kvlist_t *list = wb_kvlist_new ();
    int64_t total = 0;
    assert_int_equal (wb_store_handled_page (store, "agent-3", 10, list, &total), 0);
    assert_int_equal (total, 1);
    assert_string_equal (wb_kvlist_string (wb_kvlist_list_at (list, 0), "InteractionId"),
                         "0000000000000022");
    wb_kvlist_destroy (&list);
    //  new writes: a new id after the counter's, placed last, counted
    assert_int_equal (wb_test_store_new_id (store, 1), 49);
    wb_test_store_put (store, "new", s_drafts, NULL);
    wb_test_store_put (store, "0000000000000020", s_drafts, NULL);      //  moved in
    assert_int_equal (s_count (store, s_drafts), 9);
    assert_int_equal (s_count (store, agent_2), 1);
    wb_test_store_page_ids (store, s_drafts, 6, 5, 9, ids, sizeof (ids));
    assert_string_equal (ids, "0000000000000016 new 0000000000000020");
    assert_int_equal (wb_store_begin (store), 0);
    assert_int_equal (wb_store_bump_version (store, s_drafts, &version), 0);
    assert_int_equal (wb_store_commit (store), 0);
    assert_int_equal (version, 32);
}

int
main (void)
{
    //  The store logs its failures (some are provoked here) through CZMQ:
    //  send them to stderr, out of the way of the test report on stdout
    zsys_set_logstream (stderr);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_degenerate_calls),
#define FIXTURE_TEST(name) cmocka_unit_test_setup_teardown (name, wb_test_store_setup, \
                                                           wb_test_store_teardown)
        FIXTURE_TEST (test_connection_is_for_sqlite_stores_only),
        FIXTURE_TEST (test_open_failures_explain_themselves),
        FIXTURE_TEST (test_bad_options_are_refused),
        FIXTURE_TEST (test_synchronous_option_sets_the_pragma),
        FIXTURE_TEST (test_path_escapes_are_decoded),
        cmocka_unit_test (test_memory_store_has_no_file),
        FIXTURE_TEST (test_reopen_does_not_migrate_again),
        FIXTURE_TEST (test_submit_keys_are_kept),
        FIXTURE_TEST (test_newer_schema_is_refused),
        FIXTURE_TEST (test_migration_gives_pulled_interactions_their_handler),
        FIXTURE_TEST (test_corrupted_properties_fail_cleanly),
        FIXTURE_TEST (test_rows_checked_once_are_checked_again_after_a_change),
        FIXTURE_TEST (test_an_inserted_row_is_checked_anew),
        FIXTURE_TEST (test_another_commit_before_ours_still_forgets_the_checks),
        FIXTURE_TEST (test_interaction_ids_go_on_from_an_older_database),
        FIXTURE_TEST (test_second_server_on_one_file_is_refused),
        FIXTURE_TEST (test_workbin_count_is_kept_not_scanned),
        FIXTURE_TEST (test_content_is_one_read_of_one_snapshot),
        FIXTURE_TEST (test_a_database_of_schema_3_opens_intact),
#undef FIXTURE_TEST
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
