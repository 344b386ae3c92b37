/*  The store contract: what every wb_store backend does, run against each
    store URI of a list; and how wb_store_open chooses a backend by scheme.

    The list of URI templates (see tests/lib/wb_test_store.h for {dir} and
    {name}): "sqlite:{dir}/store.db", an SQLite file in a fresh folder per
    case, then each template in the environment variable
    WB_STORE_TEST_URIS, separated by ';' (blanks around each are ignored):
        WB_STORE_TEST_URIS='sqlite:{dir}/full.db?synchronous=full'
    adds a run of every contract case on that store. PostgreSQL runs the
    contract the same way, on a template whose {name} gives each case a
    schema of its own that starts empty (tests/e2e/test_store_pg.sh, on a
    private server):
        WB_STORE_TEST_URIS='postgresql:host=DIR user=wb dbname=postgres?schema={name}'
    Each contract case is named "test_... on TEMPLATE" in the report.

    Cases that hold for SQLite only (schema versions, WAL, the file lock,
    the file mode, blobs damaged by another program, the URI's path and
    options) are in test_wb_store_sqlite.c; PostgreSQL's own (its URI,
    several nodes on one schema, a lost connection) in test_wb_store_pg.c.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <czmq.h>
#include "wb_store.h"
#include "wb_test_store.h"

//  The schemes wb_store_open knows, as its messages list them.
#define S_KNOWN "known schemes: sqlite:PATH[?synchronous=normal|full], " \
                "postgresql:CONNINFO[?schema=NAME&...]"

static const wb_workbin_ref_t s_drafts = { "email-draft", "agent-1" };
static const wb_workbin_ref_t s_other_owner = { "email-draft", "agent-2" };
static const wb_workbin_ref_t s_review = { "review", "group-1" };
static const wb_workbin_ref_t s_nowhere = { NULL, NULL };

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
    assert_int_equal (wb_store_interaction_insert (NULL, "a", s_drafts, list), -1);
    assert_int_equal (wb_store_interaction_delete (NULL, "a"), -1);
    uint64_t id = 0;
    assert_int_equal (wb_store_new_interaction_id (NULL, 1, &id), -1);
    assert_int_equal (wb_store_workbin_page (NULL, s_drafts, 0, 10, list, &value), -1);
    assert_int_equal (wb_store_workbin_count (NULL, s_drafts, &value), -1);
    assert_int_equal (wb_store_workbin_moved_range (NULL, s_drafts, type_id, owner_id, 32), -1);
    assert_int_equal (wb_kvlist_size (list), 0);
    wb_kvlist_destroy (&list);
}


//  A password in a store URI never shows: neither a conninfo's password=
//  (plain or quoted) nor a URL's user:password@.
static void
test_a_password_in_the_uri_is_masked (void **state)
{
    (void) state;
    char out [256];
    wb_store_uri_masked (NULL, out, sizeof (out));
    assert_string_equal (out, "");
    wb_store_uri_masked ("postgresql:host=/tmp user=wb password=secret dbname=w?schema=a",
                         out, sizeof (out));
    assert_string_equal (out, "postgresql:host=/tmp user=wb password=*** dbname=w?schema=a");
    wb_store_uri_masked ("postgresql:password='se cr\\'et' host=h", out, sizeof (out));
    assert_string_equal (out, "postgresql:password=*** host=h");
    wb_store_uri_masked ("postgresql:postgresql://wb:secret@db:5432/w", out, sizeof (out));
    assert_string_equal (out, "postgresql:postgresql://wb:***@db:5432/w");
    wb_store_uri_masked ("sqlite:/tmp/a:b.db", out, sizeof (out));
    assert_string_equal (out, "sqlite:/tmp/a:b.db");
    char error [512] = "";
    assert_null (wb_store_open ("postgresql:password=secret?bogus=1", error, sizeof (error)));
    assert_non_null (strstr (error, "password=***"));
    assert_null (strstr (error, "secret"));
}

//  wb_store_open without a usable URI: NULL, and a sentence that lists the
//  known schemes; no error buffer is fine.
static void
test_open_without_a_uri_fails (void **state)
{
    (void) state;
    char error [512] = "";
    assert_null (wb_store_open (NULL, error, sizeof (error)));
    assert_string_equal (error, "cannot open store: no store URI given (" S_KNOWN ")");
    strcpy (error, "x");
    assert_null (wb_store_open ("", error, sizeof (error)));
    assert_non_null (strstr (error, "no store URI given"));
    assert_null (wb_store_open (NULL, NULL, 0));
    assert_null (wb_store_open ("sqlite:", NULL, 0));
    strcpy (error, "untouched");
    assert_null (wb_store_open ("", error, 0));
    assert_string_equal (error, "untouched");
    //  a small buffer gets the start of the sentence
    char small [8] = "xxxxxxx";
    assert_null (wb_store_open (NULL, small, sizeof (small)));
    assert_string_equal (small, "cannot ");
}

//  A URI of WB_STORE_URI_MAX bytes or more is refused before any backend
//  sees it; the message shows its start, cut short, and the reason.
static void
test_open_a_uri_too_long_fails (void **state)
{
    (void) state;
    char *uri = malloc (WB_STORE_URI_MAX + 1);
    assert_non_null (uri);
    memcpy (uri, "sqlite:/tmp/", 12);
    memset (uri + 12, 'a', WB_STORE_URI_MAX - 12);
    uri [WB_STORE_URI_MAX] = 0;
    char error [512] = "";
    assert_null (wb_store_open (uri, error, sizeof (error)));
    assert_non_null (strstr (error, "cannot open store sqlite:/tmp/aaaa"));
    assert_non_null (strstr (error, "aaa...: the URI is longer than 8191 bytes"));
    assert_true (strlen (error) < 300);
    free (uri);
}

// ---------------------------------------------------------------- choosing a backend

//  A URI without a scheme (a bare path, say) names no backend: the message
//  says so and lists the schemes known.
static void
test_open_without_a_scheme_lists_the_known_ones (void **state)
{
    (void) state;
    const char *uris [] = { "/tmp/workbin.db", "workbin.db", "./a:b.db", "1sqlite:x.db",
                            ":memory:", "sqlite", "sql ite:x.db" };
    for (size_t index = 0; index < sizeof (uris) / sizeof (uris [0]); index++) {
        char error [512] = "", expected [512];
        assert_null (wb_store_open (uris [index], error, sizeof (error)));
        snprintf (expected, sizeof (expected), "cannot open store %s: no scheme: a store URI "
                  "is SCHEME:TARGET (" S_KNOWN ")", uris [index]);
        assert_string_equal (error, expected);
    }
}

//  A scheme no backend has: the message names it and lists the known ones.
//  Schemes are matched exactly.
static void
test_open_an_unknown_scheme_names_it (void **state)
{
    (void) state;
    const char *uris [] = { "postgres:dbname=workbin", "SQLite:/tmp/x.db", "sqlite3:/tmp/x.db",
                            "file:/tmp/x.db", "sqlit:x", "PostgreSQL:dbname=workbin" };
    const char *schemes [] = { "postgres", "SQLite", "sqlite3", "file", "sqlit", "PostgreSQL" };
    for (size_t index = 0; index < sizeof (uris) / sizeof (uris [0]); index++) {
        char error [512] = "", expected [512];
        assert_null (wb_store_open (uris [index], error, sizeof (error)));
        snprintf (expected, sizeof (expected), "cannot open store %s: unknown scheme '%s' "
                  "(" S_KNOWN ")", uris [index], schemes [index]);
        assert_string_equal (error, expected);
    }
    //  a long URI is cut short in the message, so that the reason shows
    char uri [1200];
    memset (uri, 'x', sizeof (uri) - 1);
    memcpy (uri, "nosuch:", 7);
    uri [sizeof (uri) - 1] = 0;
    char error [256] = "";
    assert_null (wb_store_open (uri, error, sizeof (error)));
    assert_non_null (strstr (error, "xxx...: unknown scheme 'nosuch' (known schemes: sqlite:"));
}

//  The registry opens the backend its scheme names.
static void
test_open_chooses_the_backend_by_scheme (void **state)
{
    (void) state;
    char error [512] = "x";
    wb_store_t *store = wb_store_open ("sqlite::memory:", error, sizeof (error));
    assert_non_null (store);
    assert_string_equal (error, "");
    assert_string_equal (wb_store_backend_name (store), "sqlite");
    wb_store_destroy (&store);
    assert_null (store);
}

// ---------------------------------------------------------------- the contract

static void
test_empty_store_answers_empty (void **state)
{
    wb_test_store_t *fixture = *state;
    wb_store_t *store = fixture->store;
    //  the backend is the one that the URI's scheme names
    const char *backend = wb_store_backend_name (store);
    assert_int_equal (strncmp (fixture->uri, backend, strlen (backend)), 0);
    assert_int_equal (fixture->uri [strlen (backend)], ':');
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
    wb_test_store_t *fixture = *state;
    wb_store_t *store = fixture->store;
    wb_kvlist_t *list = wb_test_store_properties ("a", NULL);
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
    wb_test_store_t *fixture = *state;
    wb_store_t *store = fixture->store;
    wb_kvlist_t *properties = wb_test_store_properties ("0001", "2024-05-01T10:00:00Z");
    wb_kvlist_add_int (properties, "TenantId", 101);
    wb_kvlist_add_binary (properties, "Blob", "\0\1\2", 3);
    wb_kvlist_add_string (properties, "Subject", "caf\xc3\xa9 \xf0\x9f\x93\xa7");
    wb_kvlist_t *inner = wb_kvlist_new ();
    wb_kvlist_add_string (inner, "Deep", "value");
    wb_kvlist_t *user_data = wb_kvlist_new ();
    wb_kvlist_add_int (user_data, "Priority", -7);
    wb_kvlist_add_list (user_data, "Inner", &inner);
    wb_kvlist_add_list (properties, "UserData", &user_data);
    wb_test_store_put (store, "0001", s_drafts, NULL);
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
    wb_test_store_t *fixture = *state;
    wb_store_t *store = fixture->store;
    wb_test_store_put (store, "a", s_drafts, NULL);
    wb_test_store_put (store, "b", s_drafts, NULL);
    wb_test_store_put (store, "c", s_drafts, NULL);
    wb_test_store_put (store, "d", s_review, NULL);
    assert_string_equal (wb_test_store_order (store, s_drafts), "a b c");
    //  A change in place keeps the position
    wb_test_store_put (store, "a", s_drafts, "2024-05-01T10:00:00Z");
    assert_string_equal (wb_test_store_order (store, s_drafts), "a b c");
    //  A move puts it last in its new workbin; coming back, last again
    wb_test_store_put (store, "a", s_review, NULL);
    assert_string_equal (wb_test_store_order (store, s_drafts), "b c");
    assert_string_equal (wb_test_store_order (store, s_review), "d a");
    wb_test_store_put (store, "a", s_drafts, NULL);
    assert_string_equal (wb_test_store_order (store, s_drafts), "b c a");
    //  Another owner is another workbin
    wb_test_store_put (store, "b", s_other_owner, NULL);
    assert_string_equal (wb_test_store_order (store, s_drafts), "c a");
    assert_string_equal (wb_test_store_order (store, s_other_owner), "b");
    //  Pulled (in no workbin), then placed back: last
    wb_test_store_put (store, "c", s_nowhere, NULL);
    assert_string_equal (wb_test_store_order (store, s_drafts), "a");
    wb_test_store_put (store, "c", s_drafts, NULL);
    assert_string_equal (wb_test_store_order (store, s_drafts), "a c");
}

//  Pages read one after the other are the same windows of the order as
//  pages read anywhere, whatever changes between them: a workbin's page
//  that follows the last one read may start after its last row rather
//  than count past an offset, and must agree with the offset (a change in
//  another workbin, in this one, a move, a delete, a rollback between).
static void
test_pages_in_steps_follow_changes (void **state)
{
    wb_test_store_t *fixture = *state;
    wb_store_t *store = fixture->store;
    for (int index = 0; index < 12; index++) {
        char id [16];
        snprintf (id, sizeof (id), "i%02d", index);
        wb_test_store_put (store, id, s_drafts, NULL);
    }
    char ids [256];
    const char *steps [] = { "i00 i01 i02", "i03 i04 i05", "i06 i07 i08", "i09 i10 i11" };
    for (int round = 0; round < 2; round++)
        for (int step = 0; step < 4; step++) {
            wb_test_store_page_ids (store, s_drafts, step * 3, 3, 12, ids, sizeof (ids));
            assert_string_equal (ids, steps [step]);
        }
    //  each change below lands between two pages that follow each other
    wb_test_store_page_ids (store, s_drafts, 0, 3, 12, ids, sizeof (ids));
    wb_test_store_put (store, "r1", s_review, NULL);                  //  another workbin
    wb_test_store_page_ids (store, s_drafts, 3, 3, 12, ids, sizeof (ids));
    assert_string_equal (ids, "i03 i04 i05");
    wb_test_store_put (store, "i01", s_review, NULL);                 //  out of this one
    wb_test_store_page_ids (store, s_drafts, 6, 3, 11, ids, sizeof (ids));
    assert_string_equal (ids, "i07 i08 i09");
    wb_test_store_put (store, "i01", s_drafts, NULL);                 //  back: last
    wb_test_store_page_ids (store, s_drafts, 9, 3, 12, ids, sizeof (ids));
    assert_string_equal (ids, "i10 i11 i01");
    assert_int_equal (wb_store_begin (store), 0);
    assert_int_equal (wb_store_interaction_delete (store, "i00"), 0);
    assert_int_equal (wb_store_commit (store), 0);
    wb_test_store_page_ids (store, s_drafts, 0, 2, 11, ids, sizeof (ids));
    assert_string_equal (ids, "i02 i03");
    assert_int_equal (wb_store_begin (store), 0);
    assert_int_equal (wb_store_interaction_delete (store, "i02"), 0);
    assert_int_equal (wb_store_rollback (store), 0);                  //  nothing changed
    wb_test_store_page_ids (store, s_drafts, 2, 2, 11, ids, sizeof (ids));
    assert_string_equal (ids, "i04 i05");
    //  another workbin's page, then this one's next: from the offset again
    wb_test_store_page_ids (store, s_review, 0, 5, 1, ids, sizeof (ids));
    assert_string_equal (ids, "r1");
    wb_test_store_page_ids (store, s_drafts, 4, 3, 11, ids, sizeof (ids));
    assert_string_equal (ids, "i06 i07 i08");
}

//  The end of a workbin read page after page: the page that follows the
//  last (short) one starts exactly at the count and is empty, as is one
//  past it; a change between two pages of one fetch shows in the next
//  page and in its total (a placement at the end, the last row of the
//  page before taken out), never a row twice or one left out.
static void
test_pages_in_steps_at_the_end (void **state)
{
    wb_test_store_t *fixture = *state;
    wb_store_t *store = fixture->store;
    char ids [256];
    wb_test_store_page_ids (store, s_drafts, 0, 3, 0, ids, sizeof (ids));
    assert_string_equal (ids, "");                                      //  empty workbin
    for (int index = 0; index < 7; index++) {
        char id [16];
        snprintf (id, sizeof (id), "i%02d", index);
        wb_test_store_put (store, id, s_drafts, NULL);
    }
    const char *steps [] = { "i00 i01 i02", "i03 i04 i05", "i06", "" };
    for (int step = 0; step < 4; step++) {
        wb_test_store_page_ids (store, s_drafts, step * 3, 3, 7, ids, sizeof (ids));
        assert_string_equal (ids, steps [step]);                        //  at 9: past the end
    }
    wb_test_store_page_ids (store, s_drafts, 6, 3, 7, ids, sizeof (ids));
    assert_string_equal (ids, "i06");
    wb_test_store_page_ids (store, s_drafts, 7, 3, 7, ids, sizeof (ids));
    assert_string_equal (ids, "");                                      //  at the count
    wb_test_store_page_ids (store, s_drafts, 8, 3, 7, ids, sizeof (ids));
    assert_string_equal (ids, "");
    //  a placement between the last page and the one at the count
    wb_test_store_page_ids (store, s_drafts, 3, 4, 7, ids, sizeof (ids));
    assert_string_equal (ids, "i03 i04 i05 i06");
    wb_test_store_put (store, "n1", s_drafts, NULL);
    wb_test_store_page_ids (store, s_drafts, 7, 4, 8, ids, sizeof (ids));
    assert_string_equal (ids, "n1");
    //  the last row of a page taken out before the next page
    wb_test_store_page_ids (store, s_drafts, 0, 3, 8, ids, sizeof (ids));
    assert_string_equal (ids, "i00 i01 i02");
    wb_test_store_put (store, "i02", s_review, NULL);
    wb_test_store_page_ids (store, s_drafts, 3, 3, 7, ids, sizeof (ids));
    assert_string_equal (ids, "i04 i05 i06");
    wb_test_store_page_ids (store, s_drafts, 6, 3, 7, ids, sizeof (ids));
    assert_string_equal (ids, "n1");
    wb_test_store_page_ids (store, s_drafts, 7, 3, 7, ids, sizeof (ids));
    assert_string_equal (ids, "");
}

//  The ids a handler holds, in order, and their number.
static const char *
s_handled (wb_store_t *store, const char *handler, int64_t count, int64_t expected_total)
{
    static char ids [256];
    wb_kvlist_t *list = wb_kvlist_new ();
    int64_t total = -1;
    assert_int_equal (wb_store_begin (store), 0);
    assert_int_equal (wb_store_handled_page (store, handler, count, list, &total), 0);
    assert_int_equal (wb_store_commit (store), 0);
    assert_int_equal (total, expected_total);
    ids [0] = 0;
    for (size_t index = 0; index < wb_kvlist_size (list); index++) {
        const wb_kvlist_t *interaction = wb_kvlist_list_at (list, index);
        assert_string_equal (wb_kvlist_key_at (list, index), "Interaction");
        snprintf (ids + strlen (ids), sizeof (ids) - strlen (ids), "%s%s", index ? " " : "",
                  wb_kvlist_string (interaction, "InteractionId"));
    }
    wb_kvlist_destroy (&list);
    return ids;
}

//  An interaction in no workbin is in the hands of the owner its put names:
//  a handler's list holds its own, oldest pull first, and loses one when it
//  goes back to a workbin; a change in its hands keeps its place.
static void
test_handlers_hold_what_they_pulled (void **state)
{
    wb_test_store_t *fixture = *state;
    wb_store_t *store = fixture->store;
    const wb_workbin_ref_t agent_1 = { NULL, "agent-1" }, agent_2 = { NULL, "agent-2" };
    wb_test_store_put (store, "a", s_drafts, NULL);
    wb_test_store_put (store, "b", s_drafts, NULL);
    wb_test_store_put (store, "c", s_drafts, NULL);
    wb_test_store_put (store, "d", s_drafts, NULL);
    assert_string_equal (s_handled (store, "agent-1", 10, 0), "");
    wb_test_store_put (store, "b", agent_1, NULL);
    wb_test_store_put (store, "a", agent_1, NULL);
    wb_test_store_put (store, "c", agent_2, NULL);
    wb_test_store_put (store, "d", s_nowhere, NULL);       //  nobody's
    assert_string_equal (wb_test_store_order (store, s_drafts), "");
    assert_string_equal (s_handled (store, "agent-1", 10, 2), "b a");
    assert_string_equal (s_handled (store, "agent-1", 1, 2), "b");
    assert_string_equal (s_handled (store, "agent-2", 10, 1), "c");
    assert_string_equal (s_handled (store, "agent-3", 10, 0), "");
    //  the owner of a workbin is not a handler of the same name
    wb_test_store_put (store, "e", s_drafts, NULL);
    assert_string_equal (s_handled (store, "agent-1", 10, 2), "b a");
    //  changed in place: same order
    wb_test_store_put (store, "b", agent_1, "2024-05-01T10:00:00Z");
    assert_string_equal (s_handled (store, "agent-1", 10, 2), "b a");
    //  placed back: gone from the hands; stopped (deleted): gone
    wb_test_store_put (store, "b", s_drafts, NULL);
    assert_int_equal (wb_store_begin (store), 0);
    assert_int_equal (wb_store_interaction_delete (store, "c"), 0);
    assert_int_equal (wb_store_commit (store), 0);
    assert_string_equal (s_handled (store, "agent-1", 10, 1), "a");
    assert_string_equal (s_handled (store, "agent-2", 10, 0), "");
    assert_string_equal (wb_test_store_order (store, s_drafts), "e b");
    wb_test_store_reopen (fixture);
    assert_string_equal (s_handled (fixture->store, "agent-1", 10, 1), "a");
    wb_kvlist_t *list = wb_kvlist_new ();
    assert_int_equal (wb_store_handled_page (fixture->store, NULL, 10, list, NULL), -1);
    assert_int_equal (wb_store_handled_page (NULL, "agent-1", 10, list, NULL), -1);
    wb_kvlist_destroy (&list);
}

static void
test_pages_are_windows_of_the_order (void **state)
{
    wb_test_store_t *fixture = *state;
    wb_store_t *store = fixture->store;
    assert_int_equal (wb_store_begin (store), 0);
    for (int index = 0; index < 25; index++) {
        char id [16];
        snprintf (id, sizeof (id), "i%02d", index);
        wb_kvlist_t *properties = wb_test_store_properties (id, NULL);
        assert_int_equal (wb_store_interaction_put (store, id, s_drafts, properties), 0);
        wb_kvlist_destroy (&properties);
    }
    assert_int_equal (wb_store_commit (store), 0);
    char ids [256];
    wb_test_store_page_ids (store, s_drafts, 0, 3, 25, ids, sizeof (ids));
    assert_string_equal (ids, "i00 i01 i02");
    wb_test_store_page_ids (store, s_drafts, 10, 4, 25, ids, sizeof (ids));
    assert_string_equal (ids, "i10 i11 i12 i13");
    wb_test_store_page_ids (store, s_drafts, 22, 10, 25, ids, sizeof (ids));
    assert_string_equal (ids, "i22 i23 i24");
    wb_test_store_page_ids (store, s_drafts, 25, 10, 25, ids, sizeof (ids));
    assert_string_equal (ids, "");
    wb_test_store_page_ids (store, s_drafts, 1000, 10, 25, ids, sizeof (ids));
    assert_string_equal (ids, "");
    wb_test_store_page_ids (store, s_drafts, 0, 0, 25, ids, sizeof (ids));
    assert_string_equal (ids, "");
    wb_test_store_page_ids (store, s_review, 0, 10, 0, ids, sizeof (ids));
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

//  Assert that a content read (a run, as the engine sends it) holds the
//  same bytes as the page read as a list, with the same total, and the
//  workbin's version: at from, count rows.
static void
s_content_is_the_page (wb_store_t *store, int64_t from, int64_t count)
{
    wb_kvlist_run_t *run = wb_kvlist_run_new ("Interactions", "Interaction");
    int64_t total = -1, version = -1, page_total = -2, page_version = -2;
    assert_int_equal (wb_store_workbin_content (store, s_drafts, from, count, run, &total,
                                                &version), 0);
    wb_kvlist_t *sent = wb_kvlist_new ();
    assert_int_equal (wb_kvlist_add_run (sent, &run), 0);
    assert_null (run);
    wb_kvlist_t *page = wb_kvlist_new ();
    assert_int_equal (wb_store_workbin_page (store, s_drafts, from, count, page, &page_total), 0);
    assert_int_equal (wb_store_workbin_version (store, s_drafts, &page_version), 0);
    wb_kvlist_t *expected = wb_kvlist_new ();
    wb_kvlist_add_list (expected, "Interactions", &page);
    size_t sent_size = 0, expected_size = 0;
    uint8_t *sent_bytes = wb_kvlist_encode (sent, &sent_size);
    uint8_t *expected_bytes = wb_kvlist_encode (expected, &expected_size);
    assert_non_null (sent_bytes);
    assert_int_equal (sent_size, expected_size);
    assert_memory_equal (sent_bytes, expected_bytes, sent_size);
    assert_int_equal (total, page_total);
    assert_int_equal (version, page_version);
    free (sent_bytes);
    free (expected_bytes);
    wb_kvlist_destroy (&sent);
    wb_kvlist_destroy (&expected);
}

//  A content read (wb_store_workbin_content: the page as one run of its
//  rows' encodings, with total and version) sends exactly the page, in
//  steps that follow each other and across a change between them; it
//  refuses what workbin_page refuses.
static void
test_content_is_the_page_as_one_run (void **state)
{
    wb_test_store_t *fixture = *state;
    wb_store_t *store = fixture->store;
    s_content_is_the_page (store, 0, 10);                               //  empty
    for (int index = 0; index < 8; index++) {
        char id [16];
        snprintf (id, sizeof (id), "i%02d", index);
        wb_test_store_put (store, id, s_drafts, index % 2 ? "2024-05-01T10:00:00Z" : NULL);
    }
    int64_t version = 0;
    assert_int_equal (wb_store_begin (store), 0);
    assert_int_equal (wb_store_bump_version (store, s_drafts, &version), 0);
    assert_int_equal (wb_store_commit (store), 0);
    for (int64_t from = 0; from <= 9; from += 3)
        s_content_is_the_page (store, from, 3);
    s_content_is_the_page (store, 0, 3);
    wb_test_store_put (store, "i01", s_review, NULL);                   //  out, between steps
    s_content_is_the_page (store, 3, 3);
    s_content_is_the_page (store, 6, 3);
    s_content_is_the_page (store, 0, 100);

    wb_kvlist_run_t *run = wb_kvlist_run_new ("Interactions", "Interaction");
    int64_t total = 0;
    assert_int_equal (wb_store_workbin_content (NULL, s_drafts, 0, 1, run, &total, &version), -1);
    assert_int_equal (wb_store_workbin_content (store, s_drafts, 0, 1, NULL, &total, &version), -1);
    assert_int_equal (wb_store_workbin_content (store, s_drafts, 0, 1, run, &total, NULL), -1);
    assert_int_equal (wb_store_workbin_content (store, s_drafts, -1, 1, run, &total, &version), -1);
    assert_int_equal (wb_store_workbin_content (store, s_nowhere, 0, 1, run, &total, &version), -1);
    wb_kvlist_run_destroy (&run);
}

static void
test_versions_count_changes_per_workbin (void **state)
{
    wb_test_store_t *fixture = *state;
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
    wb_test_store_t *fixture = *state;
    wb_store_t *store = fixture->store;
    wb_test_store_put (store, "kept", s_drafts, NULL);
    wb_kvlist_t *properties = wb_test_store_properties ("lost", NULL);
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
    assert_string_equal (wb_test_store_order (store, s_drafts), "kept");
    assert_string_equal (wb_test_store_order (store, s_review), "");
    //  Later placements still go last
    wb_test_store_put (store, "next", s_drafts, NULL);
    assert_string_equal (wb_test_store_order (store, s_drafts), "kept next");
}

static void
test_batch_shares_one_transaction_with_savepoints (void **state)
{
    wb_test_store_t *fixture = *state;
    wb_store_t *store = fixture->store;
    assert_int_equal (wb_store_batch_begin (NULL), -1);
    assert_int_equal (wb_store_batch_commit (store), -1);
    assert_false (wb_store_in_batch (store));
    assert_int_equal (wb_store_batch_begin (store), 0);
    assert_int_equal (wb_store_batch_begin (store), -1);
    assert_true (wb_store_in_batch (store));
    wb_test_store_put (store, "one", s_drafts, NULL);
    assert_int_equal (wb_store_batch_writes (store), 1);
    //  a change that fails half-way is undone alone
    wb_kvlist_t *properties = wb_test_store_properties ("two", NULL);
    int64_t version = 0;
    assert_int_equal (wb_store_begin (store), 0);
    assert_int_equal (wb_store_interaction_put (store, "two", s_drafts, properties), 0);
    assert_int_equal (wb_store_bump_version (store, s_drafts, &version), 0);
    assert_int_equal (wb_store_batch_writes (store), 3);
    assert_int_equal (wb_store_rollback (store), 0);
    assert_int_equal (wb_store_batch_writes (store), 1);
    wb_kvlist_destroy (&properties);
    wb_test_store_put (store, "three", s_review, NULL);
    assert_int_equal (wb_store_begin (store), 0);
    assert_int_equal (wb_store_bump_version (store, s_drafts, &version), 0);
    assert_int_equal (version, 1);
    assert_int_equal (wb_store_commit (store), 0);
    assert_int_equal (wb_store_batch_commit (store), 0);
    assert_false (wb_store_in_batch (store));
    assert_int_equal (wb_store_batch_writes (store), 0);

    wb_test_store_reopen (fixture);
    store = fixture->store;
    assert_string_equal (wb_test_store_order (store, s_drafts), "one");
    assert_string_equal (wb_test_store_order (store, s_review), "three");
    assert_int_equal (wb_store_workbin_version (store, s_drafts, &version), 0);
    assert_int_equal (version, 1);
}

static void
test_batch_with_an_unfinished_change_keeps_nothing (void **state)
{
    wb_test_store_t *fixture = *state;
    wb_store_t *store = fixture->store;
    assert_int_equal (wb_store_batch_begin (store), 0);
    wb_test_store_put (store, "one", s_drafts, NULL);
    wb_kvlist_t *properties = wb_test_store_properties ("two", NULL);
    assert_int_equal (wb_store_begin (store), 0);
    assert_int_equal (wb_store_begin (store), -1);     //  changes do not nest
    assert_int_equal (wb_store_interaction_put (store, "two", s_drafts, properties), 0);
    wb_kvlist_destroy (&properties);
    assert_int_equal (wb_store_batch_commit (store), -1);
    assert_false (wb_store_in_batch (store));
    wb_test_store_reopen (fixture);
    assert_string_equal (wb_test_store_order (fixture->store, s_drafts), "");
}

static void
test_delete_and_count (void **state)
{
    wb_test_store_t *fixture = *state;
    wb_store_t *store = fixture->store;
    wb_test_store_put (store, "a", s_drafts, NULL);
    wb_test_store_put (store, "b", s_drafts, NULL);
    wb_test_store_put (store, "c", s_review, NULL);
    wb_test_store_put (store, "d", s_nowhere, NULL);
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
    assert_string_equal (wb_test_store_order (store, s_drafts), "b");
}

//  A new interaction never replaces one: insert of an existing id fails
//  and leaves the stored one as it was (a submit is an insert).
static void
test_insert_never_replaces (void **state)
{
    wb_test_store_t *fixture = *state;
    wb_store_t *store = fixture->store;
    wb_test_store_put (store, "a", s_drafts, NULL);
    wb_kvlist_t *other = wb_test_store_properties ("a", "2024-05-02T10:00:00Z");
    wb_kvlist_add_string (other, "Subject", "the second write");
    assert_int_equal (wb_store_begin (store), 0);
    assert_int_equal (wb_store_interaction_insert (store, "a", s_review, other), -1);
    assert_int_equal (wb_store_rollback (store), 0);
    int found = 0;
    char type_id [32], owner_id [32];
    wb_kvlist_t *stored = wb_store_interaction_get (store, "a", type_id, owner_id,
                                                    sizeof (type_id), &found);
    assert_int_equal (found, 1);
    assert_null (wb_kvlist_string (stored, "Subject"));
    assert_string_equal (type_id, "email-draft");
    wb_kvlist_destroy (&stored);
    wb_kvlist_destroy (&other);
    wb_kvlist_t *new_one = wb_test_store_properties ("b", "2024-05-02T10:00:00Z");
    assert_int_equal (wb_store_begin (store), 0);
    assert_int_equal (wb_store_interaction_insert (store, "b", s_drafts, new_one), 0);
    assert_int_equal (wb_store_commit (store), 0);
    assert_string_equal (wb_test_store_order (store, s_drafts), "a b");
    wb_kvlist_destroy (&new_one);
}

static void
test_moved_range_spans_the_workbin (void **state)
{
    wb_test_store_t *fixture = *state;
    wb_store_t *store = fixture->store;
    wb_test_store_put (store, "a", s_drafts, "2024-05-02T08:00:00Z");
    wb_test_store_put (store, "b", s_drafts, NULL);
    wb_test_store_put (store, "c", s_drafts, "2024-05-01T09:30:00Z");
    wb_test_store_put (store, "d", s_drafts, "2024-05-03T17:45:00Z");
    wb_test_store_put (store, "e", s_review, "2020-01-01T00:00:00Z");
    wb_kvlist_t *properties = wb_test_store_properties ("f", NULL);
    wb_kvlist_add_int (properties, "MovedToQueueAt", 12);   //  not text: ignored
    assert_int_equal (wb_store_interaction_put (store, "f", s_drafts, properties), 0);
    wb_kvlist_destroy (&properties);
    char oldest [32], newest [32];
    assert_int_equal (wb_store_workbin_moved_range (store, s_drafts, oldest, newest, 32), 0);
    assert_string_equal (oldest, "2024-05-01T09:30:00Z");
    assert_string_equal (newest, "2024-05-03T17:45:00Z");
    //  Moving the newest away narrows the range
    wb_test_store_put (store, "d", s_review, "2024-05-04T00:00:00Z");
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

// ---------------------------------------------------------------- durability

static void
test_data_survives_reopen (void **state)
{
    wb_test_store_t *fixture = *state;
    wb_test_store_put (fixture->store, "a", s_drafts, NULL);
    wb_test_store_put (fixture->store, "b", s_drafts, NULL);
    wb_test_store_put (fixture->store, "c", s_review, NULL);
    wb_test_store_put (fixture->store, "a", s_review, NULL);
    int64_t version = 0;
    assert_int_equal (wb_store_begin (fixture->store), 0);
    assert_int_equal (wb_store_bump_version (fixture->store, s_drafts, &version), 0);
    assert_int_equal (wb_store_commit (fixture->store), 0);

    wb_test_store_reopen (fixture);
    wb_store_t *store = fixture->store;
    assert_string_equal (wb_test_store_order (store, s_drafts), "b");
    assert_string_equal (wb_test_store_order (store, s_review), "c a");
    assert_int_equal (wb_store_workbin_version (store, s_drafts, &version), 0);
    assert_int_equal (version, 1);
    //  Positions continue after the last one stored
    wb_test_store_put (store, "b", s_review, NULL);
    wb_test_store_put (store, "n", s_review, NULL);
    assert_string_equal (wb_test_store_order (store, s_review), "c a b n");
}

//  A server restarted on a clock that stood still (or went back) gives the
//  same floor again: the ids go on from the greatest ever handed out, even
//  when that interaction was deleted meanwhile.
static void
test_interaction_ids_never_repeat (void **state)
{
    wb_test_store_t *fixture = *state;
    const uint64_t floor = 0x0006611890FEF000u;
    assert_int_equal (wb_test_store_new_id (fixture->store, floor), floor);
    assert_int_equal (wb_test_store_new_id (fixture->store, floor), floor + 1);
    wb_test_store_put (fixture->store, "0006611890FEF001", s_drafts, NULL);
    wb_test_store_reopen (fixture);
    assert_int_equal (wb_test_store_new_id (fixture->store, floor), floor + 2);
    assert_int_equal (wb_store_begin (fixture->store), 0);
    assert_int_equal (wb_store_interaction_delete (fixture->store, "0006611890FEF001"), 0);
    assert_int_equal (wb_store_commit (fixture->store), 0);
    wb_test_store_reopen (fixture);
    assert_int_equal (wb_test_store_new_id (fixture->store, floor - 1000), floor + 3);
    //  a clock ahead of every id: the floor wins
    assert_int_equal (wb_test_store_new_id (fixture->store, floor + 100), floor + 100);
    //  an id whose transaction rolled back is not given again by this store
    uint64_t id = 0;
    assert_int_equal (wb_store_begin (fixture->store), 0);
    assert_int_equal (wb_store_new_interaction_id (fixture->store, 0, &id), 0);
    assert_int_equal (id, floor + 101);
    assert_int_equal (wb_store_rollback (fixture->store), 0);
    assert_int_equal (wb_test_store_new_id (fixture->store, 0), floor + 102);
}

// ---------------------------------------------------------------- the list

//  The contract's cases, each run on every template of the list.
static const struct CMUnitTest s_contract [] = {
#define CONTRACT_TEST(name) cmocka_unit_test_setup_teardown (name, wb_test_store_setup, \
                                                            wb_test_store_teardown)
    CONTRACT_TEST (test_empty_store_answers_empty),
    CONTRACT_TEST (test_invalid_arguments_fail),
    CONTRACT_TEST (test_put_get_round_trips_nested_properties),
    CONTRACT_TEST (test_workbin_keeps_order_of_placement),
    CONTRACT_TEST (test_pages_are_windows_of_the_order),
    CONTRACT_TEST (test_handlers_hold_what_they_pulled),
    CONTRACT_TEST (test_pages_in_steps_follow_changes),
    CONTRACT_TEST (test_pages_in_steps_at_the_end),
    CONTRACT_TEST (test_content_is_the_page_as_one_run),
    CONTRACT_TEST (test_versions_count_changes_per_workbin),
    CONTRACT_TEST (test_rollback_discards_put_and_bump),
    CONTRACT_TEST (test_batch_shares_one_transaction_with_savepoints),
    CONTRACT_TEST (test_batch_with_an_unfinished_change_keeps_nothing),
    CONTRACT_TEST (test_delete_and_count),
    CONTRACT_TEST (test_insert_never_replaces),
    CONTRACT_TEST (test_moved_range_spans_the_workbin),
    CONTRACT_TEST (test_data_survives_reopen),
    CONTRACT_TEST (test_interaction_ids_never_repeat),
#undef CONTRACT_TEST
};

//  The cases that run once: degenerate calls, and the choice of a backend.
static const struct CMUnitTest s_once [] = {
    cmocka_unit_test (test_null_store_fails_every_call),
    cmocka_unit_test (test_a_password_in_the_uri_is_masked),
    cmocka_unit_test (test_open_without_a_uri_fails),
    cmocka_unit_test (test_open_a_uri_too_long_fails),
    cmocka_unit_test (test_open_without_a_scheme_lists_the_known_ones),
    cmocka_unit_test (test_open_an_unknown_scheme_names_it),
    cmocka_unit_test (test_open_chooses_the_backend_by_scheme),
};

#define S_CONTRACT_COUNT (sizeof (s_contract) / sizeof (s_contract [0]))
#define S_ONCE_COUNT (sizeof (s_once) / sizeof (s_once [0]))
#define S_TEMPLATES_MAX 16

//  The templates: the SQLite one, then those of WB_STORE_TEST_URIS (its
//  copy, cut at each ';', is kept in text). Returns their number.
static size_t
s_templates (char *text, const char *templates [S_TEMPLATES_MAX])
{
    size_t count = 0;
    templates [count++] = WB_TEST_STORE_SQLITE;
    for (char *next = text, *item; (item = strsep (&next, ";")) != NULL; ) {
        while (*item == ' ' || *item == '\t' || *item == '\n')
            item++;
        size_t length = strlen (item);
        while (length && strchr (" \t\n", item [length - 1]))
            item [--length] = 0;
        if (length && count == S_TEMPLATES_MAX)
            fail_msg ("WB_STORE_TEST_URIS: more than %d templates", S_TEMPLATES_MAX - 1);
        if (length)
            templates [count++] = item;
    }
    return count;
}

int
main (void)
{
    //  The store logs its failures (some are provoked here) through CZMQ:
    //  send them to stderr, out of the way of the test report on stdout
    zsys_set_logstream (stderr);
    char *text = strdup (getenv ("WB_STORE_TEST_URIS") ? getenv ("WB_STORE_TEST_URIS") : "");
    const char *templates [S_TEMPLATES_MAX];
    size_t count = s_templates (text, templates);
    size_t total = S_ONCE_COUNT + count * S_CONTRACT_COUNT;
    struct CMUnitTest *tests = calloc (total, sizeof (struct CMUnitTest));
    char **names = calloc (total, sizeof (char *));
    assert_true (text && tests && names);
    memcpy (tests, s_once, sizeof (s_once));
    for (size_t index = 0; index < count * S_CONTRACT_COUNT; index++) {
        struct CMUnitTest *test = &tests [S_ONCE_COUNT + index];
        *test = s_contract [index % S_CONTRACT_COUNT];
        test->initial_state = (void *) templates [index / S_CONTRACT_COUNT];
        names [index] = zsys_sprintf ("%s on %s", test->name, templates [index / S_CONTRACT_COUNT]);
        test->name = names [index];
    }
    int failed = _cmocka_run_group_tests ("wb_store", tests, total, NULL, NULL);
    for (size_t index = 0; index < total; index++)
        zstr_free (&names [index]);
    free (names);
    free (tests);
    free (text);
    return failed;
}
