/*  Tests of wb_store and its SQLite backend.

    Each test gets its own temporary directory (mkdtemp under /tmp) holding
    store.db, opened with synchronous NORMAL; teardown closes the store and
    removes the directory. Corruptions and schema versions are written with
    the sqlite3 API directly, as another program would.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sqlite3.h>
#include <czmq.h>
#include "wb_store.h"

typedef struct {
    char dir [64];
    char path [96];
    wb_store_t *store;
} s_fixture_t;

static const wb_workbin_ref_t s_drafts = { "email-draft", "agent-1" };
static const wb_workbin_ref_t s_other_owner = { "email-draft", "agent-2" };
static const wb_workbin_ref_t s_review = { "review", "group-1" };
static const wb_workbin_ref_t s_nowhere = { NULL, NULL };

// ---------------------------------------------------------------- helpers

static int
s_setup (void **state)
{
    s_fixture_t *fixture = calloc (1, sizeof (s_fixture_t));
    assert_non_null (fixture);
    snprintf (fixture->dir, sizeof (fixture->dir), "/tmp/test_wb_store.XXXXXX");
    assert_non_null (mkdtemp (fixture->dir));
    snprintf (fixture->path, sizeof (fixture->path), "%s/store.db", fixture->dir);
    char error [256];
    fixture->store = wb_store_open_sqlite (fixture->path, false, error, sizeof (error));
    assert_non_null (fixture->store);
    *state = fixture;
    return 0;
}

//  Close the store, remove every file of the directory, then the directory.
static int
s_teardown (void **state)
{
    s_fixture_t *fixture = *state;
    wb_store_destroy (&fixture->store);
    DIR *dir = opendir (fixture->dir);
    struct dirent *entry;
    while (dir && (entry = readdir (dir))) {
        char path [384];
        snprintf (path, sizeof (path), "%s/%s", fixture->dir, entry->d_name);
        if (strcmp (entry->d_name, ".") && strcmp (entry->d_name, ".."))
            unlink (path);
    }
    if (dir)
        closedir (dir);
    rmdir (fixture->dir);
    free (fixture);
    return 0;
}

//  Close and reopen the fixture's store.
static void
s_reopen (s_fixture_t *fixture)
{
    char error [256] = "";
    wb_store_destroy (&fixture->store);
    fixture->store = wb_store_open_sqlite (fixture->path, false, error, sizeof (error));
    assert_non_null (fixture->store);
    assert_string_equal (error, "");
}

//  Properties of an interaction; moved_at NULL leaves MovedToQueueAt out.
static wb_kvlist_t *
s_properties (const char *id, const char *moved_at)
{
    wb_kvlist_t *properties = wb_kvlist_new ();
    wb_kvlist_add_string (properties, "InteractionId", id);
    if (moved_at)
        wb_kvlist_add_string (properties, "MovedToQueueAt", moved_at);
    return properties;
}

//  Put an interaction with only its id (and MovedToQueueAt), committed.
static void
s_put (wb_store_t *store, const char *id, wb_workbin_ref_t workbin, const char *moved_at)
{
    wb_kvlist_t *properties = s_properties (id, moved_at);
    assert_int_equal (wb_store_begin (store), 0);
    assert_int_equal (wb_store_interaction_put (store, id, workbin, properties), 0);
    assert_int_equal (wb_store_commit (store), 0);
    wb_kvlist_destroy (&properties);
}

//  The ids of a page, space-separated ("a b c"); asserts the total.
static void
s_page_ids (wb_store_t *store, wb_workbin_ref_t workbin, int64_t from, int64_t count,
            int64_t expected_total, char *ids, size_t ids_size)
{
    wb_kvlist_t *page = wb_kvlist_new ();
    int64_t total = -1;
    assert_int_equal (wb_store_workbin_page (store, workbin, from, count, page, &total), 0);
    assert_int_equal (total, expected_total);
    *ids = 0;
    for (size_t index = 0; index < wb_kvlist_size (page); index++) {
        assert_string_equal (wb_kvlist_key_at (page, index), "Interaction");
        const char *id = wb_kvlist_string (wb_kvlist_list_at (page, index), "InteractionId");
        assert_non_null (id);
        size_t length = strlen (ids);
        snprintf (ids + length, ids_size - length, "%s%s", length ? " " : "", id);
    }
    wb_kvlist_destroy (&page);
}

//  The order of a whole workbin, as s_page_ids gives it.
static const char *
s_order (wb_store_t *store, wb_workbin_ref_t workbin)
{
    static char ids [512];
    int64_t count = 0;
    assert_int_equal (wb_store_workbin_count (store, workbin, &count), 0);
    s_page_ids (store, workbin, 0, 1000, count, ids, sizeof (ids));
    return ids;
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

// ---------------------------------------------------------------- degenerate calls

static void
test_null_store_fails_every_call (void **state)
{
    (void) state;
    wb_store_t *store = NULL;
    wb_store_destroy (&store);
    wb_store_destroy (NULL);
    assert_null (wb_store_new (NULL, NULL));
    assert_string_equal (wb_store_backend_name (NULL), "none");
    int64_t value = 0;
    char type_id [32], owner_id [32];
    int found = 5;
    assert_int_equal (wb_store_begin (NULL), -1);
    assert_int_equal (wb_store_commit (NULL), -1);
    assert_int_equal (wb_store_batch_begin (NULL), -1);
    assert_int_equal (wb_store_batch_commit (NULL), -1);
    assert_false (wb_store_in_batch (NULL));
    assert_int_equal (wb_store_batch_writes (NULL), 0);
    assert_null (wb_store_ops (NULL));
    assert_null (wb_store_backend (NULL));
    assert_int_equal (wb_store_rollback (NULL), -1);
    assert_int_equal (wb_store_workbin_version (NULL, s_drafts, &value), -1);
    assert_int_equal (wb_store_bump_version (NULL, s_drafts, &value), -1);
    assert_null (wb_store_interaction_get (NULL, "a", type_id, owner_id, 32, &found));
    assert_int_equal (found, -1);
    wb_kvlist_t *list = wb_kvlist_new ();
    assert_int_equal (wb_store_interaction_put (NULL, "a", s_drafts, list), -1);
    assert_int_equal (wb_store_interaction_delete (NULL, "a"), -1);
    uint64_t id = 0;
    assert_int_equal (wb_store_new_interaction_id (NULL, 1, &id), -1);
    assert_int_equal (wb_store_workbin_page (NULL, s_drafts, 0, 10, list, &value), -1);
    assert_int_equal (wb_store_workbin_count (NULL, s_drafts, &value), -1);
    assert_int_equal (wb_store_workbin_moved_range (NULL, s_drafts, type_id, owner_id, 32), -1);
    assert_int_equal (wb_kvlist_size (list), 0);
    wb_kvlist_destroy (&list);
}

static void
test_open_failures_explain_themselves (void **state)
{
    s_fixture_t *fixture = *state;
    char error [256] = "";
    assert_null (wb_store_open_sqlite (NULL, false, error, sizeof (error)));
    assert_non_null (strstr (error, "no database path"));

    char path [160];
    snprintf (path, sizeof (path), "%s/missing/store.db", fixture->dir);
    assert_null (wb_store_open_sqlite (path, false, error, sizeof (error)));
    assert_non_null (strstr (error, path));
    assert_non_null (strstr (error, "No such file or directory"));
    assert_null (wb_store_open_sqlite (path, false, NULL, 0));

    snprintf (path, sizeof (path), "%s/garbage.db", fixture->dir);
    FILE *file = fopen (path, "w");
    assert_non_null (file);
    for (int line = 0; line < 200; line++)
        fputs ("this is not an SQLite database, only some text\n", file);
    fclose (file);
    assert_null (wb_store_open_sqlite (path, false, error, sizeof (error)));
    assert_non_null (strstr (error, path));
    assert_non_null (strstr (error, "not a database"));
}

static void
test_empty_store_answers_empty (void **state)
{
    s_fixture_t *fixture = *state;
    wb_store_t *store = fixture->store;
    assert_string_equal (wb_store_backend_name (store), "sqlite");
    char type_id [32] = "x", owner_id [32] = "y";
    int found = 5;
    assert_null (wb_store_interaction_get (store, "unknown", type_id, owner_id,
                                           sizeof (type_id), &found));
    assert_int_equal (found, 0);
    assert_string_equal (type_id, "");
    assert_string_equal (owner_id, "");
    int64_t value = -1;
    assert_int_equal (wb_store_workbin_version (store, s_drafts, &value), 0);
    assert_int_equal (value, 0);
    assert_int_equal (wb_store_workbin_count (store, s_drafts, &value), 0);
    assert_int_equal (value, 0);
    wb_kvlist_t *page = wb_kvlist_new ();
    value = -1;
    assert_int_equal (wb_store_workbin_page (store, s_drafts, 0, 10, page, &value), 0);
    assert_int_equal (wb_kvlist_size (page), 0);
    assert_int_equal (value, 0);
    wb_kvlist_destroy (&page);
    char oldest [32] = "x", newest [32] = "y";
    assert_int_equal (wb_store_workbin_moved_range (store, s_drafts, oldest, newest, 32), 0);
    assert_string_equal (oldest, "");
    assert_string_equal (newest, "");
    assert_int_equal (wb_store_interaction_delete (store, "unknown"), 0);
    assert_int_equal (wb_store_rollback (store), 0);
}

static void
test_invalid_arguments_fail (void **state)
{
    s_fixture_t *fixture = *state;
    wb_store_t *store = fixture->store;
    wb_kvlist_t *list = s_properties ("a", NULL);
    int64_t value = 0;
    int found = 5;
    assert_null (wb_store_interaction_get (store, NULL, NULL, NULL, 0, &found));
    assert_int_equal (found, -1);
    assert_null (wb_store_interaction_get (store, "a", NULL, NULL, 0, NULL));
    assert_int_equal (wb_store_interaction_put (store, NULL, s_drafts, list), -1);
    assert_int_equal (wb_store_interaction_put (store, "a", s_drafts, NULL), -1);
    assert_int_equal (wb_store_interaction_delete (store, NULL), -1);
    assert_int_equal (wb_store_workbin_version (store, s_nowhere, &value), -1);
    assert_int_equal (wb_store_workbin_version (store, s_drafts, NULL), -1);
    assert_int_equal (wb_store_bump_version (store, s_nowhere, &value), -1);
    assert_int_equal (wb_store_workbin_count (store, s_nowhere, &value), -1);
    assert_int_equal (wb_store_workbin_page (store, s_drafts, -1, 10, list, &value), -1);
    assert_int_equal (wb_store_workbin_page (store, s_drafts, 0, -1, list, &value), -1);
    assert_int_equal (wb_store_workbin_page (store, s_drafts, 0, 10, NULL, &value), -1);
    char text [32];
    assert_int_equal (wb_store_workbin_moved_range (store, s_drafts, NULL, text, 32), -1);
    assert_int_equal (wb_store_workbin_moved_range (store, s_drafts, text, text, 0), -1);
    //  A transaction cannot start inside another
    assert_int_equal (wb_store_begin (store), 0);
    assert_int_equal (wb_store_begin (store), -1);
    assert_int_equal (wb_store_rollback (store), 0);
    assert_int_equal (wb_store_commit (store), -1);
    wb_kvlist_destroy (&list);
}

// ---------------------------------------------------------------- interactions

static void
test_put_get_round_trips_nested_properties (void **state)
{
    s_fixture_t *fixture = *state;
    wb_store_t *store = fixture->store;
    wb_kvlist_t *properties = s_properties ("0001", "2024-05-01T10:00:00Z");
    wb_kvlist_add_int (properties, "TenantId", 101);
    wb_kvlist_add_binary (properties, "Blob", "\0\1\2", 3);
    wb_kvlist_add_string (properties, "Subject", "caf\xc3\xa9 \xf0\x9f\x93\xa7");
    wb_kvlist_t *inner = wb_kvlist_new ();
    wb_kvlist_add_string (inner, "Deep", "value");
    wb_kvlist_t *user_data = wb_kvlist_new ();
    wb_kvlist_add_int (user_data, "Priority", -7);
    wb_kvlist_add_list (user_data, "Inner", &inner);
    wb_kvlist_add_list (properties, "UserData", &user_data);
    s_put (store, "0001", s_drafts, NULL);
    assert_int_equal (wb_store_begin (store), 0);
    assert_int_equal (wb_store_interaction_put (store, "0001", s_drafts, properties), 0);
    assert_int_equal (wb_store_commit (store), 0);

    char type_id [32], owner_id [32];
    int found = 0;
    wb_kvlist_t *stored = wb_store_interaction_get (store, "0001", type_id, owner_id,
                                                    sizeof (type_id), &found);
    assert_int_equal (found, 1);
    assert_true (wb_kvlist_equal (stored, properties));
    assert_string_equal (type_id, "email-draft");
    assert_string_equal (owner_id, "agent-1");
    wb_kvlist_destroy (&stored);

    //  In no workbin: empty ids; ids that do not fit are a failure
    assert_int_equal (wb_store_interaction_put (store, "0001", s_nowhere, properties), 0);
    stored = wb_store_interaction_get (store, "0001", type_id, owner_id, 32, &found);
    assert_int_equal (found, 1);
    assert_string_equal (type_id, "");
    assert_string_equal (owner_id, "");
    wb_kvlist_destroy (&stored);
    assert_int_equal (wb_store_interaction_put (store, "0001", s_drafts, properties), 0);
    assert_null (wb_store_interaction_get (store, "0001", type_id, owner_id, 5, &found));
    assert_int_equal (found, -1);
    wb_kvlist_destroy (&properties);
}

static void
test_workbin_keeps_order_of_placement (void **state)
{
    s_fixture_t *fixture = *state;
    wb_store_t *store = fixture->store;
    s_put (store, "a", s_drafts, NULL);
    s_put (store, "b", s_drafts, NULL);
    s_put (store, "c", s_drafts, NULL);
    s_put (store, "d", s_review, NULL);
    assert_string_equal (s_order (store, s_drafts), "a b c");
    //  A change in place keeps the position
    s_put (store, "a", s_drafts, "2024-05-01T10:00:00Z");
    assert_string_equal (s_order (store, s_drafts), "a b c");
    //  A move puts it last in its new workbin; coming back, last again
    s_put (store, "a", s_review, NULL);
    assert_string_equal (s_order (store, s_drafts), "b c");
    assert_string_equal (s_order (store, s_review), "d a");
    s_put (store, "a", s_drafts, NULL);
    assert_string_equal (s_order (store, s_drafts), "b c a");
    //  Another owner is another workbin
    s_put (store, "b", s_other_owner, NULL);
    assert_string_equal (s_order (store, s_drafts), "c a");
    assert_string_equal (s_order (store, s_other_owner), "b");
    //  Pulled (in no workbin), then placed back: last
    s_put (store, "c", s_nowhere, NULL);
    assert_string_equal (s_order (store, s_drafts), "a");
    s_put (store, "c", s_drafts, NULL);
    assert_string_equal (s_order (store, s_drafts), "a c");
}

static void
test_pages_are_windows_of_the_order (void **state)
{
    s_fixture_t *fixture = *state;
    wb_store_t *store = fixture->store;
    assert_int_equal (wb_store_begin (store), 0);
    for (int index = 0; index < 25; index++) {
        char id [16];
        snprintf (id, sizeof (id), "i%02d", index);
        wb_kvlist_t *properties = s_properties (id, NULL);
        assert_int_equal (wb_store_interaction_put (store, id, s_drafts, properties), 0);
        wb_kvlist_destroy (&properties);
    }
    assert_int_equal (wb_store_commit (store), 0);
    char ids [256];
    s_page_ids (store, s_drafts, 0, 3, 25, ids, sizeof (ids));
    assert_string_equal (ids, "i00 i01 i02");
    s_page_ids (store, s_drafts, 10, 4, 25, ids, sizeof (ids));
    assert_string_equal (ids, "i10 i11 i12 i13");
    s_page_ids (store, s_drafts, 22, 10, 25, ids, sizeof (ids));
    assert_string_equal (ids, "i22 i23 i24");
    s_page_ids (store, s_drafts, 25, 10, 25, ids, sizeof (ids));
    assert_string_equal (ids, "");
    s_page_ids (store, s_drafts, 1000, 10, 25, ids, sizeof (ids));
    assert_string_equal (ids, "");
    s_page_ids (store, s_drafts, 0, 0, 25, ids, sizeof (ids));
    assert_string_equal (ids, "");
    s_page_ids (store, s_review, 0, 10, 0, ids, sizeof (ids));
    assert_string_equal (ids, "");

    //  A page appends after what out already holds; total is optional
    wb_kvlist_t *out = wb_kvlist_new ();
    wb_kvlist_add_int (out, "Before", 1);
    assert_int_equal (wb_store_workbin_page (store, s_drafts, 24, 5, out, NULL), 0);
    assert_int_equal (wb_kvlist_size (out), 2);
    assert_string_equal (wb_kvlist_key_at (out, 0), "Before");
    assert_string_equal (wb_kvlist_string (wb_kvlist_list_at (out, 1), "InteractionId"), "i24");
    wb_kvlist_destroy (&out);
}

static void
test_versions_count_changes_per_workbin (void **state)
{
    s_fixture_t *fixture = *state;
    wb_store_t *store = fixture->store;
    int64_t version = -1;
    assert_int_equal (wb_store_begin (store), 0);
    assert_int_equal (wb_store_bump_version (store, s_drafts, &version), 0);
    assert_int_equal (version, 1);
    assert_int_equal (wb_store_bump_version (store, s_drafts, &version), 0);
    assert_int_equal (version, 2);
    assert_int_equal (wb_store_bump_version (store, s_review, &version), 0);
    assert_int_equal (version, 1);
    assert_int_equal (wb_store_bump_version (store, s_drafts, NULL), 0);
    assert_int_equal (wb_store_commit (store), 0);
    assert_int_equal (wb_store_workbin_version (store, s_drafts, &version), 0);
    assert_int_equal (version, 3);
    assert_int_equal (wb_store_workbin_version (store, s_review, &version), 0);
    assert_int_equal (version, 1);
    assert_int_equal (wb_store_workbin_version (store, s_other_owner, &version), 0);
    assert_int_equal (version, 0);
}

static void
test_rollback_discards_put_and_bump (void **state)
{
    s_fixture_t *fixture = *state;
    wb_store_t *store = fixture->store;
    s_put (store, "kept", s_drafts, NULL);
    wb_kvlist_t *properties = s_properties ("lost", NULL);
    int64_t version = 0;
    assert_int_equal (wb_store_begin (store), 0);
    assert_int_equal (wb_store_interaction_put (store, "lost", s_drafts, properties), 0);
    assert_int_equal (wb_store_interaction_put (store, "kept", s_review, properties), 0);
    assert_int_equal (wb_store_bump_version (store, s_drafts, &version), 0);
    assert_int_equal (version, 1);
    assert_int_equal (wb_store_rollback (store), 0);
    wb_kvlist_destroy (&properties);

    int found = 5;
    assert_null (wb_store_interaction_get (store, "lost", NULL, NULL, 0, &found));
    assert_int_equal (found, 0);
    assert_int_equal (wb_store_workbin_version (store, s_drafts, &version), 0);
    assert_int_equal (version, 0);
    assert_string_equal (s_order (store, s_drafts), "kept");
    assert_string_equal (s_order (store, s_review), "");
    //  Later placements still go last
    s_put (store, "next", s_drafts, NULL);
    assert_string_equal (s_order (store, s_drafts), "kept next");
}

static void
test_batch_shares_one_transaction_with_savepoints (void **state)
{
    s_fixture_t *fixture = *state;
    wb_store_t *store = fixture->store;
    assert_int_equal (wb_store_batch_begin (NULL), -1);
    assert_int_equal (wb_store_batch_commit (store), -1);
    assert_false (wb_store_in_batch (store));
    assert_int_equal (wb_store_batch_begin (store), 0);
    assert_int_equal (wb_store_batch_begin (store), -1);
    assert_true (wb_store_in_batch (store));
    s_put (store, "one", s_drafts, NULL);
    assert_int_equal (wb_store_batch_writes (store), 1);
    //  a change that fails half-way is undone alone
    wb_kvlist_t *properties = s_properties ("two", NULL);
    int64_t version = 0;
    assert_int_equal (wb_store_begin (store), 0);
    assert_int_equal (wb_store_interaction_put (store, "two", s_drafts, properties), 0);
    assert_int_equal (wb_store_bump_version (store, s_drafts, &version), 0);
    assert_int_equal (wb_store_batch_writes (store), 3);
    assert_int_equal (wb_store_rollback (store), 0);
    assert_int_equal (wb_store_batch_writes (store), 1);
    wb_kvlist_destroy (&properties);
    s_put (store, "three", s_review, NULL);
    assert_int_equal (wb_store_begin (store), 0);
    assert_int_equal (wb_store_bump_version (store, s_drafts, &version), 0);
    assert_int_equal (version, 1);
    assert_int_equal (wb_store_commit (store), 0);
    assert_int_equal (wb_store_batch_commit (store), 0);
    assert_false (wb_store_in_batch (store));
    assert_int_equal (wb_store_batch_writes (store), 0);

    s_reopen (fixture);
    store = fixture->store;
    assert_string_equal (s_order (store, s_drafts), "one");
    assert_string_equal (s_order (store, s_review), "three");
    assert_int_equal (wb_store_workbin_version (store, s_drafts, &version), 0);
    assert_int_equal (version, 1);
}

static void
test_batch_with_an_unfinished_change_keeps_nothing (void **state)
{
    s_fixture_t *fixture = *state;
    wb_store_t *store = fixture->store;
    assert_int_equal (wb_store_batch_begin (store), 0);
    s_put (store, "one", s_drafts, NULL);
    wb_kvlist_t *properties = s_properties ("two", NULL);
    assert_int_equal (wb_store_begin (store), 0);
    assert_int_equal (wb_store_begin (store), -1);     //  changes do not nest
    assert_int_equal (wb_store_interaction_put (store, "two", s_drafts, properties), 0);
    wb_kvlist_destroy (&properties);
    assert_int_equal (wb_store_batch_commit (store), -1);
    assert_false (wb_store_in_batch (store));
    s_reopen (fixture);
    assert_string_equal (s_order (fixture->store, s_drafts), "");
}

static void
test_delete_and_count (void **state)
{
    s_fixture_t *fixture = *state;
    wb_store_t *store = fixture->store;
    s_put (store, "a", s_drafts, NULL);
    s_put (store, "b", s_drafts, NULL);
    s_put (store, "c", s_review, NULL);
    s_put (store, "d", s_nowhere, NULL);
    int64_t count = -1;
    assert_int_equal (wb_store_workbin_count (store, s_drafts, &count), 0);
    assert_int_equal (count, 2);
    assert_int_equal (wb_store_begin (store), 0);
    assert_int_equal (wb_store_interaction_delete (store, "a"), 0);
    assert_int_equal (wb_store_interaction_delete (store, "d"), 0);
    assert_int_equal (wb_store_commit (store), 0);
    int found = 5;
    assert_null (wb_store_interaction_get (store, "a", NULL, NULL, 0, &found));
    assert_int_equal (found, 0);
    assert_null (wb_store_interaction_get (store, "d", NULL, NULL, 0, &found));
    assert_int_equal (found, 0);
    assert_int_equal (wb_store_workbin_count (store, s_drafts, &count), 0);
    assert_int_equal (count, 1);
    assert_int_equal (wb_store_workbin_count (store, s_review, &count), 0);
    assert_int_equal (count, 1);
    assert_string_equal (s_order (store, s_drafts), "b");
}

static void
test_moved_range_spans_the_workbin (void **state)
{
    s_fixture_t *fixture = *state;
    wb_store_t *store = fixture->store;
    s_put (store, "a", s_drafts, "2024-05-02T08:00:00Z");
    s_put (store, "b", s_drafts, NULL);
    s_put (store, "c", s_drafts, "2024-05-01T09:30:00Z");
    s_put (store, "d", s_drafts, "2024-05-03T17:45:00Z");
    s_put (store, "e", s_review, "2020-01-01T00:00:00Z");
    wb_kvlist_t *properties = s_properties ("f", NULL);
    wb_kvlist_add_int (properties, "MovedToQueueAt", 12);   //  not text: ignored
    assert_int_equal (wb_store_interaction_put (store, "f", s_drafts, properties), 0);
    wb_kvlist_destroy (&properties);
    char oldest [32], newest [32];
    assert_int_equal (wb_store_workbin_moved_range (store, s_drafts, oldest, newest, 32), 0);
    assert_string_equal (oldest, "2024-05-01T09:30:00Z");
    assert_string_equal (newest, "2024-05-03T17:45:00Z");
    //  Moving the newest away narrows the range
    s_put (store, "d", s_review, "2024-05-04T00:00:00Z");
    assert_int_equal (wb_store_workbin_moved_range (store, s_drafts, oldest, newest, 32), 0);
    assert_string_equal (oldest, "2024-05-01T09:30:00Z");
    assert_string_equal (newest, "2024-05-02T08:00:00Z");
    assert_int_equal (wb_store_workbin_moved_range (store, s_review, oldest, newest, 32), 0);
    assert_string_equal (oldest, "2020-01-01T00:00:00Z");
    assert_string_equal (newest, "2024-05-04T00:00:00Z");
    //  A small buffer gets the start of the text
    assert_int_equal (wb_store_workbin_moved_range (store, s_review, oldest, newest, 11), 0);
    assert_string_equal (oldest, "2020-01-01");
}

// ---------------------------------------------------------------- durability, schema

static void
test_data_survives_reopen (void **state)
{
    s_fixture_t *fixture = *state;
    s_put (fixture->store, "a", s_drafts, NULL);
    s_put (fixture->store, "b", s_drafts, NULL);
    s_put (fixture->store, "c", s_review, NULL);
    s_put (fixture->store, "a", s_review, NULL);
    int64_t version = 0;
    assert_int_equal (wb_store_begin (fixture->store), 0);
    assert_int_equal (wb_store_bump_version (fixture->store, s_drafts, &version), 0);
    assert_int_equal (wb_store_commit (fixture->store), 0);

    s_reopen (fixture);
    wb_store_t *store = fixture->store;
    assert_string_equal (s_order (store, s_drafts), "b");
    assert_string_equal (s_order (store, s_review), "c a");
    assert_int_equal (wb_store_workbin_version (store, s_drafts, &version), 0);
    assert_int_equal (version, 1);
    //  Positions continue after the last one stored
    s_put (store, "b", s_review, NULL);
    s_put (store, "n", s_review, NULL);
    assert_string_equal (s_order (store, s_review), "c a b n");
}

static void
test_reopen_does_not_migrate_again (void **state)
{
    s_fixture_t *fixture = *state;
    s_put (fixture->store, "a", s_drafts, NULL);
    wb_store_destroy (&fixture->store);
    int64_t version = s_sql_int (fixture->path, "PRAGMA user_version");
    int64_t objects = s_sql_int (fixture->path, "SELECT COUNT(*) FROM sqlite_master");
    assert_true (version >= 1);
    assert_int_equal (s_sql_int (fixture->path,
                                 "SELECT journal_mode = 'wal' FROM pragma_journal_mode"), 1);
    for (int round = 0; round < 2; round++)
        s_reopen (fixture);
    wb_store_destroy (&fixture->store);
    assert_int_equal (s_sql_int (fixture->path, "PRAGMA user_version"), version);
    assert_int_equal (s_sql_int (fixture->path, "SELECT COUNT(*) FROM sqlite_master"), objects);
    assert_int_equal (s_sql_int (fixture->path, "SELECT COUNT(*) FROM interaction"), 1);
}

static void
test_newer_schema_is_refused (void **state)
{
    s_fixture_t *fixture = *state;
    wb_store_destroy (&fixture->store);
    int64_t version = s_sql_int (fixture->path, "PRAGMA user_version");
    char sql [64];
    snprintf (sql, sizeof (sql), "PRAGMA user_version = %d", (int) version + 4);
    s_sql (fixture->path, sql);

    char error [256] = "";
    assert_null (wb_store_open_sqlite (fixture->path, false, error, sizeof (error)));
    char expected [128];
    snprintf (expected, sizeof (expected), "database schema %d is newer than this wbserver (%d)",
              (int) version + 4, (int) version);
    assert_non_null (strstr (error, expected));
    assert_non_null (strstr (error, fixture->path));
    //  The file is left as it was
    assert_int_equal (s_sql_int (fixture->path, "PRAGMA user_version"), version + 4);
}

//  A new interaction id in its own transaction; asserts it was given.
static uint64_t
s_new_id (wb_store_t *store, uint64_t floor)
{
    uint64_t id = 0;
    assert_int_equal (wb_store_begin (store), 0);
    assert_int_equal (wb_store_new_interaction_id (store, floor, &id), 0);
    assert_int_equal (wb_store_commit (store), 0);
    return id;
}

//  A server restarted on a clock that stood still (or went back) gives the
//  same floor again: the ids go on from the greatest ever handed out, even
//  when that interaction was deleted meanwhile.
static void
test_interaction_ids_never_repeat (void **state)
{
    s_fixture_t *fixture = *state;
    const uint64_t floor = 0x0006611890FEF000u;
    assert_int_equal (s_new_id (fixture->store, floor), floor);
    assert_int_equal (s_new_id (fixture->store, floor), floor + 1);
    s_put (fixture->store, "0006611890FEF001", s_drafts, NULL);
    s_reopen (fixture);
    assert_int_equal (s_new_id (fixture->store, floor), floor + 2);
    assert_int_equal (wb_store_begin (fixture->store), 0);
    assert_int_equal (wb_store_interaction_delete (fixture->store, "0006611890FEF001"), 0);
    assert_int_equal (wb_store_commit (fixture->store), 0);
    s_reopen (fixture);
    assert_int_equal (s_new_id (fixture->store, floor - 1000), floor + 3);
    //  a clock ahead of every id: the floor wins
    assert_int_equal (s_new_id (fixture->store, floor + 100), floor + 100);
    //  an id whose transaction rolled back is not given again by this store
    uint64_t id = 0;
    assert_int_equal (wb_store_begin (fixture->store), 0);
    assert_int_equal (wb_store_new_interaction_id (fixture->store, 0, &id), 0);
    assert_int_equal (id, floor + 101);
    assert_int_equal (wb_store_rollback (fixture->store), 0);
    assert_int_equal (s_new_id (fixture->store, 0), floor + 102);
}

//  A database written before the counter existed: ids go on from the
//  greatest one stored.
static void
test_interaction_ids_go_on_from_an_older_database (void **state)
{
    s_fixture_t *fixture = *state;
    s_put (fixture->store, "00000000000000FF", s_drafts, NULL);
    s_put (fixture->store, "0000000000000010", s_drafts, NULL);
    s_put (fixture->store, "not-an-id", s_drafts, NULL);
    wb_store_destroy (&fixture->store);
    s_sql (fixture->path, "DELETE FROM counter");
    s_reopen (fixture);
    assert_int_equal (s_new_id (fixture->store, 1), 0x100);
}

//  One server per database file: a second open is refused while the first
//  holds it, and allowed once it has closed.
static void
test_second_server_on_one_file_is_refused (void **state)
{
    s_fixture_t *fixture = *state;
    char error [256] = "";
    assert_null (wb_store_open_sqlite (fixture->path, false, error, sizeof (error)));
    assert_non_null (strstr (error, fixture->path));
    assert_non_null (strstr (error, "another wbserver is using it"));
    s_reopen (fixture);
    struct stat status;
    assert_int_equal (stat (fixture->path, &status), 0);
    assert_int_equal (status.st_mode & 0077, 0);      //  its owner's alone
}

static void
test_corrupted_properties_fail_cleanly (void **state)
{
    s_fixture_t *fixture = *state;
    wb_store_t *store = fixture->store;
    s_put (store, "good", s_drafts, NULL);
    s_put (store, "bad", s_drafts, NULL);
    //  One entry whose key (64 bytes long, it says) runs past the end
    s_sql (fixture->path, "UPDATE interaction SET properties = x'0000000140' WHERE id = 'bad'");

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

    s_sql (fixture->path, "UPDATE interaction SET properties = x'' WHERE id = 'bad'");
    assert_null (wb_store_interaction_get (store, "bad", NULL, NULL, 0, &found));
    assert_int_equal (found, -1);
    wb_kvlist_t *stored = wb_store_interaction_get (store, "good", NULL, NULL, 0, &found);
    assert_int_equal (found, 1);
    wb_kvlist_destroy (&stored);
}

int
main (void)
{
    //  The store logs its failures (some are provoked here) through CZMQ:
    //  send them to stderr, out of the way of the test report on stdout
    zsys_set_logstream (stderr);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_null_store_fails_every_call),
#define FIXTURE_TEST(name) cmocka_unit_test_setup_teardown (name, s_setup, s_teardown)
        FIXTURE_TEST (test_open_failures_explain_themselves),
        FIXTURE_TEST (test_empty_store_answers_empty),
        FIXTURE_TEST (test_invalid_arguments_fail),
        FIXTURE_TEST (test_put_get_round_trips_nested_properties),
        FIXTURE_TEST (test_workbin_keeps_order_of_placement),
        FIXTURE_TEST (test_pages_are_windows_of_the_order),
        FIXTURE_TEST (test_versions_count_changes_per_workbin),
        FIXTURE_TEST (test_rollback_discards_put_and_bump),
        FIXTURE_TEST (test_batch_shares_one_transaction_with_savepoints),
        FIXTURE_TEST (test_batch_with_an_unfinished_change_keeps_nothing),
        FIXTURE_TEST (test_delete_and_count),
        FIXTURE_TEST (test_moved_range_spans_the_workbin),
        FIXTURE_TEST (test_data_survives_reopen),
        FIXTURE_TEST (test_reopen_does_not_migrate_again),
        FIXTURE_TEST (test_newer_schema_is_refused),
        FIXTURE_TEST (test_corrupted_properties_fail_cleanly),
        FIXTURE_TEST (test_interaction_ids_never_repeat),
        FIXTURE_TEST (test_interaction_ids_go_on_from_an_older_database),
        FIXTURE_TEST (test_second_server_on_one_file_is_refused),
#undef FIXTURE_TEST
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
