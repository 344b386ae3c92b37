/*  Tests of the PostgreSQL backend beyond the store contract
    (test_wb_store.c): its URI (postgresql:CONNINFO[?OPTIONS], the conninfo
    checked by libpq, options parsed strictly), its submit keys, two nodes
    on one schema (shared ids and versions, a placement that waits for the
    workbin's row lock, a batch holding a change that waits for none, a page and its version from one snapshot), a
    schema newer than the code, a connection lost and found again, and the
    change log written with each change, its keys notified at commit.

    The URI cases need no server. The others need one: WB_PG_CONNINFO
    names it (tests/e2e/test_store_pg.sh starts a private one and runs
    this program); without it they are left out. Each of them opens
    "postgresql:$WB_PG_CONNINFO?schema={name}", a fresh schema per case
    (tests/lib/wb_test_store.h); what another program does to the
    database is done with libpq directly.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <unistd.h>
#include <libpq-fe.h>
#include <czmq.h>
#include "wb_prelude.h"
#include "wb_store.h"
#include "wb_test_store.h"

static const wb_workbin_ref_t s_drafts = { "email-draft", "agent-1" };
static const wb_workbin_ref_t s_review = { "review", "group-1" };

//  The template of the cases with a server; NULL: none given.
static char *s_template = NULL;

// ---------------------------------------------------------------- helpers

//  Set-up: the fixture on a fresh schema.
static int
s_setup (void **state)
{
    *state = s_template;
    return s_template ? wb_test_store_setup (state) : 0;
}

static int
s_teardown (void **state)
{
    return *state ? wb_test_store_teardown (state) : 0;
}

//  The fixture (the cases that need a server run only with one).
static wb_test_store_t *
s_fixture (void **state)
{
    assert_non_null (*state);
    return *state;
}

//  Run SQL on the server as another program would; asserts it worked.
static void
s_sql (const char *sql)
{
    PGconn *conn = PQconnectdb (getenv ("WB_PG_CONNINFO"));
    assert_int_equal (PQstatus (conn), CONNECTION_OK);
    PGresult *result = PQexec (conn, sql);
    if (PQresultStatus (result) != PGRES_COMMAND_OK && PQresultStatus (result) != PGRES_TUPLES_OK)
        fail_msg ("%s: %s", sql, PQresultErrorMessage (result));
    PQclear (result);
    PQfinish (conn);
}

//  The rows of a query, columns joined by ' ' and rows by ','; asserts
//  it worked.
static const char *
s_query (const char *sql)
{
    static char text [1024];
    PGconn *conn = PQconnectdb (getenv ("WB_PG_CONNINFO"));
    PGresult *result = PQexec (conn, sql);
    if (PQresultStatus (result) != PGRES_TUPLES_OK)
        fail_msg ("%s: %s", sql, PQresultErrorMessage (result));
    *text = 0;
    for (int row = 0; row < PQntuples (result); row++)
        for (int column = 0; column < PQnfields (result); column++)
            snprintf (text + strlen (text), sizeof (text) - strlen (text), "%s%s",
                      column ? " " : row ? "," : "", PQgetvalue (result, row, column));
    PQclear (result);
    PQfinish (conn);
    return text;
}

//  A connection that listens on the channel of the fixture's schema.
static PGconn *
s_listener (const wb_test_store_t *fixture)
{
    PGconn *conn = PQconnectdb (getenv ("WB_PG_CONNINFO"));
    assert_int_equal (PQstatus (conn), CONNECTION_OK);
    char sql [128];
    snprintf (sql, sizeof (sql), "LISTEN \"%s\"", fixture->name);
    PGresult *result = PQexec (conn, sql);
    assert_int_equal (PQresultStatus (result), PGRES_COMMAND_OK);
    PQclear (result);
    return conn;
}

//  The payloads notified to a listener until one is marker (not kept),
//  joined into out; *count gets how many. Waits 10 s at most.
static void
s_notified_until (PGconn *conn, const char *marker, char *out, size_t size, int *count)
{
    int64_t deadline = wb_mono_ms () + 10000;
    *out = 0;
    *count = 0;
    while (true) {
        assert_int_equal (PQconsumeInput (conn), 1);
        PGnotify *notify;
        while ((notify = PQnotifies (conn))) {
            bool done = strcmp (notify->extra, marker) == 0;
            if (!done) {
                assert_true (strlen (notify->extra) < 8000);
                snprintf (out + strlen (out), size - strlen (out), "%s", notify->extra);
                (*count)++;
            }
            PQfreemem (notify);
            if (done)
                return;
        }
        int64_t left = deadline - wb_mono_ms ();
        if (left <= 0)
            fail_msg ("no notification '%s' within 10 s (got %d: %.200s)", marker, *count, out);
        fd_set readable;
        FD_ZERO (&readable);
        FD_SET (PQsocket (conn), &readable);
        struct timeval wait = { (time_t) (left / 1000), (suseconds_t) (left % 1000) * 1000 };
        select (PQsocket (conn) + 1, &readable, NULL, NULL, &wait);
    }
}

//  A second store on the fixture's schema (another node), its conninfo
//  followed by more (" application_name=X") and its URI by options.
static wb_store_t *
s_node (const wb_test_store_t *fixture, const char *conninfo_more, const char *options)
{
    char uri [1024], error [512] = "";
    snprintf (uri, sizeof (uri), "postgresql:%s%s?schema=%s%s", getenv ("WB_PG_CONNINFO"),
              conninfo_more, fixture->name, options);
    wb_store_t *store = wb_store_open (uri, error, sizeof (error));
    if (!store)
        fail_msg ("%s", error);
    return store;
}

//  Open a URI that must fail; its message must hold expected.
static void
s_open_fails (const char *uri, const char *expected)
{
    char error [512] = "";
    wb_store_t *store = wb_store_open (uri, error, sizeof (error));
    if (store || !strstr (error, expected))
        fail_msg ("%s: got '%s', expected '%s'", uri, error, expected);
    char start [600];
    snprintf (start, sizeof (start), "cannot open store %s: ", uri);
    assert_int_equal (strncmp (error, start, strlen (start)), 0);
}

// ---------------------------------------------------------------- the URI

//  Every part of a URI is checked before any connection is tried.
static void
test_bad_uris_are_refused (void **state)
{
    (void) state;
    const struct {
        const char *uri, *expected;
    } cases [] = {
        { "postgresql:host=/tmp?schema=Bad",
          "option schema takes a name of lower-case letters, digits and '_', not 'Bad'" },
        { "postgresql:host=/tmp?schema=", "option schema takes a name" },
        { "postgresql:host=/tmp?schema=1st", "not '1st'" },
        { "postgresql:host=/tmp?schema=a-b", "not 'a-b'" },
        { "postgresql:host=/tmp?schema", "option schema takes a name" },
        { "postgresql:host=/tmp?statement_timeout=0",
          "option statement_timeout takes milliseconds, 1..3600000, not '0'" },
        { "postgresql:host=/tmp?statement_timeout=3600001", "not '3600001'" },
        { "postgresql:host=/tmp?lock_timeout=5s",
          "option lock_timeout takes milliseconds, 1..3600000, not '5s'" },
        { "postgresql:host=/tmp?lock_timeout=5&lock_timeout=6",
          "option lock_timeout is given twice" },
        { "postgresql:host=/tmp?cache=1",
          "unknown option 'cache' (known: schema, statement_timeout, lock_timeout)" },
        { "postgresql:host=/tmp?schema=a&", "an empty option (options are NAME=VALUE" },
        { "postgresql:host=/tmp?", "an empty option" },
        { "postgresql:hots=/tmp", "connection info: invalid connection option \"hots\"" },
        { "postgresql:host", "connection info: missing \"=\" after \"host\"" },
    };
    for (size_t index = 0; index < sizeof (cases) / sizeof (cases [0]); index++)
        s_open_fails (cases [index].uri, cases [index].expected);
}

//  A server that cannot be reached: libpq's reason, after the URI.
static void
test_unreachable_server_is_named (void **state)
{
    (void) state;
    s_open_fails ("postgresql:host=/nonexistent-wb-test user=wb dbname=x",
                  ": connection to server on socket \"/nonexistent-wb-test/.s.PGSQL.5432\" "
                  "failed: No such file or directory");
}

// ---------------------------------------------------------------- with a server

//  A submit's idempotency key is kept with its change, by submitter; a
//  known key is refused and leaves the transaction usable.
static void
test_submit_keys_are_kept (void **state)
{
    wb_test_store_t *fixture = s_fixture (state);
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
    assert_int_equal (wb_store_submit_key_get (fixture->store, "a1", "k", id, 8, &version,
                                               &found), -1);
}

//  Two nodes on one schema: one version per workbin, one sequence of
//  interaction ids (each node's floor respected, no id given twice).
static void
test_two_nodes_share_ids_and_versions (void **state)
{
    wb_test_store_t *fixture = s_fixture (state);
    wb_store_t *other = s_node (fixture, "", "");
    int64_t version = 0;
    assert_int_equal (wb_store_bump_version (fixture->store, s_drafts, &version), 0);
    assert_int_equal (version, 1);
    assert_int_equal (wb_store_bump_version (other, s_drafts, &version), 0);
    assert_int_equal (version, 2);
    assert_int_equal (wb_store_workbin_version (fixture->store, s_drafts, &version), 0);
    assert_int_equal (version, 2);
    const uint64_t floor = 0x0006611890FEF000u;
    assert_int_equal (wb_test_store_new_id (fixture->store, floor), floor);
    assert_int_equal (wb_test_store_new_id (other, floor - 5), floor + 1);
    assert_int_equal (wb_test_store_new_id (other, floor + 10), floor + 10);
    assert_int_equal (wb_test_store_new_id (fixture->store, floor), floor + 11);
    wb_store_destroy (&other);
}

//  A placement takes the workbin's row lock before its position: another
//  node's placement in the same workbin waits for the first to commit
//  (here, past its lock_timeout: it fails, keeping nothing), so positions
//  follow the order of the workbin's versions. Counts follow both.
static void
test_a_placement_waits_for_the_workbin_lock (void **state)
{
    wb_test_store_t *fixture = s_fixture (state);
    wb_store_t *other = s_node (fixture, "", "&lock_timeout=100");
    wb_kvlist_t *properties = wb_test_store_properties ("a", NULL);
    int64_t version = 0, count = 0;
    assert_int_equal (wb_store_begin (fixture->store), 0);
    assert_int_equal (wb_store_interaction_put (fixture->store, "a", s_drafts, properties), 0);
    wb_kvlist_destroy (&properties);
    properties = wb_test_store_properties ("b", NULL);
    assert_int_equal (wb_store_interaction_put (other, "b", s_drafts, properties), -1);
    assert_int_equal (wb_store_bump_version (fixture->store, s_drafts, &version), 0);
    assert_int_equal (wb_store_commit (fixture->store), 0);
    assert_int_equal (wb_store_begin (other), 0);
    assert_int_equal (wb_store_interaction_put (other, "b", s_drafts, properties), 0);
    assert_int_equal (wb_store_bump_version (other, s_drafts, &version), 0);
    assert_int_equal (wb_store_commit (other), 0);
    wb_kvlist_destroy (&properties);
    assert_int_equal (version, 2);
    assert_string_equal (wb_test_store_order (fixture->store, s_drafts), "a b");
    assert_int_equal (wb_store_workbin_count (other, s_drafts, &count), 0);
    assert_int_equal (count, 2);
    wb_store_destroy (&other);
}

//  A batch's transaction that holds a change does not wait for a lock
//  another node holds (it could be waiting for one of this batch's: a
//  deadlock found only after deadlock_timeout): the change fails at once
//  as a conflict to try again, and the batch's earlier change still
//  commits. The first change of a transaction waits as before (here, past
//  the node's lock_timeout of 300 ms: a failure, not a conflict).
static void
test_a_batch_holding_a_change_waits_for_no_lock (void **state)
{
    wb_test_store_t *fixture = s_fixture (state);
    wb_store_t *other = s_node (fixture, "", "&lock_timeout=300");
    wb_kvlist_t *a = wb_test_store_properties ("a", NULL);
    wb_kvlist_t *b = wb_test_store_properties ("b", NULL);
    wb_kvlist_t *c = wb_test_store_properties ("c", NULL);
    int64_t version = 0;
    assert_int_equal (wb_store_begin (fixture->store), 0);
    assert_int_equal (wb_store_interaction_put (fixture->store, "b", s_review, b), 0);

    assert_int_equal (wb_store_batch_begin (other), 0);
    assert_int_equal (wb_store_begin (other), 0);
    assert_int_equal (wb_store_interaction_put (other, "a", s_drafts, a), 0);
    assert_int_equal (wb_store_bump_version (other, s_drafts, &version), 0);
    assert_int_equal (wb_store_commit (other), 0);
    assert_int_equal (wb_store_begin (other), 0);
    assert_int_equal (wb_store_interaction_put (other, "b", s_drafts, b), -1);
    assert_true (wb_store_may_retry (other));
    assert_int_equal (wb_store_rollback (other), 0);
    assert_int_equal (wb_store_batch_commit (other), 0);
    assert_string_equal (wb_test_store_order (other, s_drafts), "a");

    assert_int_equal (wb_store_batch_begin (other), 0);
    assert_int_equal (wb_store_begin (other), 0);
    assert_int_equal (wb_store_interaction_put (other, "c", s_review, c), -1);
    assert_false (wb_store_may_retry (other));
    assert_int_equal (wb_store_rollback (other), 0);
    assert_int_equal (wb_store_batch_commit (other), 0);

    assert_int_equal (wb_store_commit (fixture->store), 0);
    assert_string_equal (wb_test_store_order (fixture->store, s_drafts), "a");
    assert_string_equal (wb_test_store_order (fixture->store, s_review), "b");
    wb_kvlist_destroy (&a);
    wb_kvlist_destroy (&b);
    wb_kvlist_destroy (&c);
    wb_store_destroy (&other);
}

//  The version asked after a page, in the same transaction, is the one
//  the page was read with, even when another node has changed the
//  workbin in between (READ COMMITTED would read the newer one).
static void
test_page_and_version_from_one_snapshot (void **state)
{
    wb_test_store_t *fixture = s_fixture (state);
    wb_store_t *other = s_node (fixture, "", "");
    int64_t version = 0, total = 0;
    wb_test_store_put (fixture->store, "a", s_drafts, NULL);
    assert_int_equal (wb_store_bump_version (fixture->store, s_drafts, &version), 0);
    assert_int_equal (wb_store_begin (fixture->store), 0);
    wb_kvlist_t *page = wb_kvlist_new ();
    assert_int_equal (wb_store_workbin_page (fixture->store, s_drafts, 0, 10, page, &total), 0);
    assert_int_equal (total, 1);
    wb_test_store_put (other, "b", s_drafts, NULL);
    assert_int_equal (wb_store_bump_version (other, s_drafts, &version), 0);
    assert_int_equal (version, 2);
    assert_int_equal (wb_store_workbin_version (fixture->store, s_drafts, &version), 0);
    assert_int_equal (version, 1);
    assert_int_equal (wb_store_commit (fixture->store), 0);
    assert_int_equal (wb_store_workbin_version (fixture->store, s_drafts, &version), 0);
    assert_int_equal (version, 2);
    //  the next page of a workbin another node changed is read by offset
    wb_test_store_put (other, "c", s_drafts, NULL);
    wb_store_bump_version (other, s_drafts, NULL);
    char ids [64];
    wb_test_store_page_ids (fixture->store, s_drafts, 0, 1, 3, ids, sizeof (ids));
    assert_string_equal (ids, "a");
    assert_int_equal (wb_store_begin (other), 0);
    assert_int_equal (wb_store_interaction_delete (other, "a"), 0);
    wb_store_bump_version (other, s_drafts, NULL);
    assert_int_equal (wb_store_commit (other), 0);
    wb_test_store_page_ids (fixture->store, s_drafts, 1, 1, 2, ids, sizeof (ids));
    assert_string_equal (ids, "c");
    wb_kvlist_destroy (&page);
    wb_store_destroy (&other);
}

//  A schema written by a newer wbserver is refused, saying so.
static void
test_newer_schema_is_refused (void **state)
{
    wb_test_store_t *fixture = s_fixture (state);
    wb_store_destroy (&fixture->store);
    char sql [160], error [512] = "";
    snprintf (sql, sizeof (sql), "UPDATE \"%s\".schema_version SET version = 9", fixture->name);
    s_sql (sql);
    assert_null (wb_store_open (fixture->uri, error, sizeof (error)));
    assert_non_null (strstr (error, ": database schema 9 is newer than this wbserver (4)"));
}

//  Terminate the connections of the stores named application_name,
//  waiting until they are gone.
static void
s_terminate (const char *application_name)
{
    char sql [256];
    snprintf (sql, sizeof (sql), "SELECT pg_terminate_backend (pid, 5000) FROM pg_stat_activity"
              " WHERE application_name = '%s'", application_name);
    s_sql (sql);
}

//  The connection lost inside a transaction: its operations and its
//  commit fail, nothing of it is kept; the next operation after the
//  rollback connects again. Lost between transactions: reads and BEGIN
//  connect again at once; a lone write fails rather than run twice.
static void
test_lost_connection_fails_then_reconnects (void **state)
{
    wb_test_store_t *fixture = s_fixture (state);
    wb_store_t *node = s_node (fixture, " application_name=wbtest_lost", "");
    wb_test_store_put (node, "a", s_drafts, NULL);
    wb_kvlist_t *properties = wb_test_store_properties ("b", NULL);
    int64_t version = 0, count = 0;
    assert_int_equal (wb_store_begin (node), 0);
    assert_int_equal (wb_store_interaction_put (node, "b", s_drafts, properties), 0);
    s_terminate ("wbtest_lost");
    assert_int_equal (wb_store_bump_version (node, s_drafts, &version), -1);
    assert_int_equal (wb_store_workbin_count (node, s_drafts, &count), -1);
    assert_int_equal (wb_store_commit (node), -1);
    assert_int_equal (wb_store_rollback (node), 0);
    assert_int_equal (wb_store_workbin_count (node, s_drafts, &count), 0);
    assert_int_equal (count, 1);
    assert_string_equal (wb_test_store_order (fixture->store, s_drafts), "a");
    //  lost between requests (a database restarted): a read, or a
    //  transaction's BEGIN, finds it gone and runs again on a new one
    s_terminate ("wbtest_lost");
    assert_int_equal (wb_store_workbin_count (node, s_drafts, &count), 0);
    assert_int_equal (count, 1);
    s_terminate ("wbtest_lost");
    assert_int_equal (wb_store_begin (node), 0);
    assert_int_equal (wb_store_interaction_put (node, "b", s_drafts, properties), 0);
    assert_int_equal (wb_store_commit (node), 0);
    assert_string_equal (wb_test_store_order (node, s_drafts), "a b");
    //  a lone write outside a transaction is not run twice: it fails
    s_terminate ("wbtest_lost");
    assert_int_equal (wb_store_interaction_delete (node, "b"), -1);
    assert_string_equal (wb_test_store_order (node, s_drafts), "a b");
    //  (a bump outside one runs in its own transaction: its BEGIN is retried)
    s_terminate ("wbtest_lost");
    assert_int_equal (wb_store_bump_version (node, s_drafts, &version), 0);
    assert_int_equal (version, 1);
    wb_kvlist_destroy (&properties);
    wb_store_destroy (&node);
}

//  Wait (10 s at most) until a new session shows a server setting.
static void
s_setting_is (const char *name, const char *value)
{
    char sql [128];
    snprintf (sql, sizeof (sql), "SHOW %s", name);
    int64_t deadline = wb_mono_ms () + 10000;
    while (strcmp (s_query (sql), value) != 0)
        if (wb_mono_ms () > deadline)
            fail_msg ("%s did not become '%s'", name, value);
}

//  In a child process: wait (10 s at most) until the store's session waits
//  in its COMMIT for a standby, then end that session.
static void
s_terminate_in_commit (int pid)
{
    PGconn *conn = PQconnectdb (getenv ("WB_PG_CONNINFO"));
    char sql [256];
    snprintf (sql, sizeof (sql), "SELECT pg_terminate_backend (pid, 5000) FROM pg_stat_activity"
              " WHERE pid = %d AND wait_event = 'SyncRep'", pid);
    int64_t deadline = wb_mono_ms () + 10000;
    while (wb_mono_ms () < deadline) {
        PGresult *result = PQexec (conn, sql);
        bool done = PQresultStatus (result) == PGRES_TUPLES_OK && PQntuples (result) == 1;
        PQclear (result);
        if (done)
            break;
    }
    PQfinish (conn);
    _exit (0);
}

//  The connection lost while COMMIT runs, after the transaction committed
//  (here: its COMMIT waits for a synchronous standby that does not exist,
//  and the session is ended; the commit stands): the store asks a new
//  connection, and reports the commit made, not failed (a failure would
//  answer EventError 28, and the client would make the change twice).
static void
test_a_commit_lost_in_flight_is_asked_about (void **state)
{
    wb_test_store_t *fixture = s_fixture (state);
    s_sql ("ALTER SYSTEM SET synchronous_standby_names = 'nobody'");
    s_sql ("SELECT pg_reload_conf ()");
    s_setting_is ("synchronous_standby_names", "nobody");
    int64_t version = 0;
    assert_int_equal (wb_store_begin (fixture->store), 0);
    assert_int_equal (wb_store_bump_version (fixture->store, s_drafts, &version), 0);
    pid_t child = fork ();
    if (child == 0)
        s_terminate_in_commit (wb_store_session_id (fixture->store));
    int rc = wb_store_commit (fixture->store);
    waitpid (child, NULL, 0);
    s_sql ("ALTER SYSTEM RESET synchronous_standby_names");
    s_sql ("SELECT pg_reload_conf ()");
    s_setting_is ("synchronous_standby_names", "");
    assert_int_equal (rc, 0);
    assert_int_equal (wb_store_workbin_version (fixture->store, s_drafts, &version), 0);
    assert_int_equal (version, 1);
}

//  Each change's bumps write the change log's rows of their versions in
//  the change's transaction (what it did: PlacedIn 2, PropertiesChanged 3,
//  TakenOut 1; the properties after it); a change rolled back to its
//  savepoint leaves none. The batch's commit notifies the keys of its rows
//  once, on the channel named as the schema, and only then.
static void
test_changes_are_logged_and_notified_at_commit (void **state)
{
    wb_test_store_t *fixture = s_fixture (state);
    wb_store_t *store = fixture->store;
    PGconn *listener = s_listener (fixture);
    wb_kvlist_t *properties = wb_test_store_properties ("a", NULL);
    assert_int_equal (wb_store_batch_begin (store), 0);
    assert_int_equal (wb_store_begin (store), 0);
    assert_int_equal (wb_store_interaction_insert (store, "a", s_drafts, properties), 0);
    assert_int_equal (wb_store_bump_version (store, s_drafts, NULL), 0);
    assert_int_equal (wb_store_commit (store), 0);
    assert_int_equal (wb_store_begin (store), 0);          //  a move, undone
    assert_int_equal (wb_store_interaction_put (store, "a", s_review, properties), 0);
    assert_int_equal (wb_store_bump_version (store, s_drafts, NULL), 0);
    assert_int_equal (wb_store_bump_version (store, s_review, NULL), 0);
    assert_int_equal (wb_store_rollback (store), 0);
    wb_kvlist_add_string (properties, "Subject", "changed");
    assert_int_equal (wb_store_begin (store), 0);
    assert_int_equal (wb_store_interaction_put (store, "a", s_drafts, properties), 0);
    assert_int_equal (wb_store_bump_version (store, s_drafts, NULL), 0);
    assert_int_equal (wb_store_commit (store), 0);
    assert_int_equal (wb_store_begin (store), 0);
    assert_int_equal (wb_store_interaction_delete (store, "a"), 0);
    assert_int_equal (wb_store_bump_version (store, s_drafts, NULL), 0);
    assert_int_equal (wb_store_commit (store), 0);
    //  nothing is seen before the commit
    char sql [256];
    snprintf (sql, sizeof (sql), "SELECT count (*) FROM \"%s\".change_log", fixture->name);
    assert_string_equal (s_query (sql), "0");
    assert_int_equal (wb_store_batch_commit (store), 0);
    wb_kvlist_destroy (&properties);
    //  a bump outside a transaction, told nothing: logged with operation 0
    assert_int_equal (wb_store_bump_version (store, s_review, NULL), 0);

    snprintf (sql, sizeof (sql), "SELECT type_id, version, interaction_id, operation,"
              " properties IS NULL FROM \"%s\".change_log ORDER BY id", fixture->name);
    assert_string_equal (s_query (sql), "email-draft 1 a 2 f,email-draft 2 a 3 f,"
                                        "email-draft 3 a 1 t,review 1  0 t");
    char notified [1024];
    int count = 0;
    s_notified_until (listener, "review\tgroup-1\t1\n", notified, sizeof (notified), &count);
    assert_int_equal (count, 1);
    assert_string_equal (notified, "email-draft\tagent-1\t1\nemail-draft\tagent-1\t2\n"
                                   "email-draft\tagent-1\t3\n");
    PQfinish (listener);
}

//  The keys of a big transaction go in several notifications, each under
//  PostgreSQL's 8,000 bytes and cut at a key's end: all of them, in order.
static void
test_many_keys_are_notified_in_pieces (void **state)
{
    wb_test_store_t *fixture = s_fixture (state);
    PGconn *listener = s_listener (fixture);
    char *expected = wb_calloc (1, 200000);
    char owner [256];
    memset (owner, 'o', 200);
    assert_int_equal (wb_store_begin (fixture->store), 0);
    for (int index = 0; index < 600; index++) {
        snprintf (owner + 200, sizeof (owner) - 200, "%03d", index);
        wb_workbin_ref_t workbin = { "email-draft", owner };
        assert_int_equal (wb_store_bump_version (fixture->store, workbin, NULL), 0);
        snprintf (expected + strlen (expected), 200000 - strlen (expected),
                  "email-draft\t%s\t1\n", owner);
    }
    assert_int_equal (wb_store_commit (fixture->store), 0);
    assert_int_equal (wb_store_bump_version (fixture->store, s_review, NULL), 0);
    char *notified = wb_calloc (1, 200000);
    int count = 0;
    s_notified_until (listener, "review\tgroup-1\t1\n", notified, 200000, &count);
    assert_true (count >= (int) (strlen (expected) / 8000) + 1);
    assert_string_equal (notified, expected);
    free (notified);
    free (expected);
    PQfinish (listener);
}

//  A schema of version 1 (before the change log) is migrated to the
//  current one (3: the change log's events; 4: the site's tables).
static void
test_version_1_gets_the_change_log (void **state)
{
    wb_test_store_t *fixture = s_fixture (state);
    wb_store_destroy (&fixture->store);
    char sql [256];
    snprintf (sql, sizeof (sql), "SET search_path TO \"%s\"; DROP TABLE change_log;"
              " DROP TABLE login; DROP TABLE site; DROP SEQUENCE node_id;"
              " UPDATE schema_version SET version = 1", fixture->name);
    s_sql (sql);
    wb_test_store_reopen (fixture);
    assert_int_equal (wb_store_bump_version (fixture->store, s_drafts, NULL), 0);
    snprintf (sql, sizeof (sql), "SELECT version, operation FROM \"%s\".change_log;"
              , fixture->name);
    assert_string_equal (s_query (sql), "1 0");
    snprintf (sql, sizeof (sql), "SELECT version FROM \"%s\".schema_version", fixture->name);
    assert_string_equal (s_query (sql), "4");
}

int
main (void)
{
    //  The store logs its failures (some are provoked here) through CZMQ:
    //  send them to stderr, out of the way of the test report on stdout
    zsys_set_logstream (stderr);
    if (getenv ("WB_PG_CONNINFO"))
        s_template = zsys_sprintf ("postgresql:%s?schema={name}", getenv ("WB_PG_CONNINFO"));
    const struct CMUnitTest tests [] = {
#define S_URI_CASES 2
        cmocka_unit_test (test_bad_uris_are_refused),
        cmocka_unit_test (test_unreachable_server_is_named),
#define SERVER_TEST(name) cmocka_unit_test_setup_teardown (name, s_setup, s_teardown)
        SERVER_TEST (test_submit_keys_are_kept),
        SERVER_TEST (test_two_nodes_share_ids_and_versions),
        SERVER_TEST (test_a_placement_waits_for_the_workbin_lock),
        SERVER_TEST (test_a_batch_holding_a_change_waits_for_no_lock),
        SERVER_TEST (test_page_and_version_from_one_snapshot),
        SERVER_TEST (test_newer_schema_is_refused),
        SERVER_TEST (test_lost_connection_fails_then_reconnects),
        SERVER_TEST (test_a_commit_lost_in_flight_is_asked_about),
        SERVER_TEST (test_changes_are_logged_and_notified_at_commit),
        SERVER_TEST (test_many_keys_are_notified_in_pieces),
        SERVER_TEST (test_version_1_gets_the_change_log),
#undef SERVER_TEST
    };
    //  without a server, the cases that need one are left out (a cmocka
    //  skip is a failure to automake's TAP driver)
    size_t count = s_template ? sizeof (tests) / sizeof (tests [0]) : S_URI_CASES;
    int failed = _cmocka_run_group_tests ("wb_store_pg", tests, count, NULL, NULL);
    zstr_free (&s_template);
    return failed;
}
