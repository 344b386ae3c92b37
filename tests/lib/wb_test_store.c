/*  wb_test_store: the store tests' fixture and helpers. See wb_test_store.h. */
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
#include "wb_test_store.h"

//  Write template into self->uri with {dir} and {name} replaced; -1 if it
//  does not fit.
static int
s_expand (wb_test_store_t *self, const char *template)
{
    const struct {
        const char *word;
        const char *value;
    } words [] = { { "{dir}", self->dir }, { "{name}", self->name } };
    size_t used = 0;
    while (*template) {
        const char *piece = template;
        size_t length = 1, skip = 1;
        for (size_t index = 0; index < sizeof (words) / sizeof (words [0]); index++)
            if (strncmp (template, words [index].word, strlen (words [index].word)) == 0) {
                piece = words [index].value;
                length = strlen (piece);
                skip = strlen (words [index].word);
            }
        if (used + length >= sizeof (self->uri))
            return -1;
        memcpy (self->uri + used, piece, length);
        used += length;
        template += skip;
    }
    self->uri [used] = 0;
    return 0;
}

//  Remove every file of the folder, then the folder.
static void
s_remove_folder (const char *folder)
{
    DIR *dir = opendir (folder);
    struct dirent *entry;
    while (dir && (entry = readdir (dir))) {
        char path [384];
        snprintf (path, sizeof (path), "%s/%s", folder, entry->d_name);
        if (strcmp (entry->d_name, ".") && strcmp (entry->d_name, ".."))
            unlink (path);
    }
    if (dir)
        closedir (dir);
    rmdir (folder);
}

//  Close the store, remove the folder, free the fixture.
int
wb_test_store_teardown (void **state)
{
    wb_test_store_t *self = *state;
    wb_store_destroy (&self->store);
    if (*self->dir)
        s_remove_folder (self->dir);
    free (self);
    return 0;
}

//  A fixture with its store open on the template in *state.
int
wb_test_store_setup (void **state)
{
    static unsigned cases = 0;
    const char *template = *state ? *state : WB_TEST_STORE_SQLITE;
    wb_test_store_t *self = calloc (1, sizeof (wb_test_store_t));
    assert_non_null (self);
    snprintf (self->name, sizeof (self->name), "wbtest_%ld_%u", (long) getpid (), ++cases);
    if (strstr (template, "{dir}")) {
        snprintf (self->dir, sizeof (self->dir), "/tmp/test_wb_store.XXXXXX");
        assert_non_null (mkdtemp (self->dir));
    }
    assert_int_equal (s_expand (self, template), 0);
    char error [512] = "";
    self->store = wb_store_open (self->uri, error, sizeof (error));
    if (!self->store) {
        wb_test_store_teardown ((void **) &self);
        fail_msg ("%s", error);
    }
    *state = self;
    return 0;
}

//  Close and reopen the fixture's store.
void
wb_test_store_reopen (wb_test_store_t *self)
{
    char error [512] = "";
    wb_store_destroy (&self->store);
    self->store = wb_store_open (self->uri, error, sizeof (error));
    if (!self->store)
        fail_msg ("%s", error);
    assert_string_equal (error, "");
}

//  Properties of an interaction; moved_at NULL leaves MovedToQueueAt out.
wb_kvlist_t *
wb_test_store_properties (const char *id, const char *moved_at)
{
    wb_kvlist_t *properties = wb_kvlist_new ();
    wb_kvlist_add_string (properties, "InteractionId", id);
    if (moved_at)
        wb_kvlist_add_string (properties, "MovedToQueueAt", moved_at);
    return properties;
}

//  Put an interaction with only its id (and MovedToQueueAt), committed.
void
wb_test_store_put (wb_store_t *store, const char *id, wb_workbin_ref_t workbin,
                   const char *moved_at)
{
    wb_kvlist_t *properties = wb_test_store_properties (id, moved_at);
    assert_int_equal (wb_store_begin (store), 0);
    assert_int_equal (wb_store_interaction_put (store, id, workbin, properties), 0);
    assert_int_equal (wb_store_commit (store), 0);
    wb_kvlist_destroy (&properties);
}

//  The ids of a page, space-separated ("a b c"); asserts the total.
void
wb_test_store_page_ids (wb_store_t *store, wb_workbin_ref_t workbin, int64_t from,
                        int64_t count, int64_t expected_total, char *ids, size_t ids_size)
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

//  The order of a whole workbin, as wb_test_store_page_ids gives it.
const char *
wb_test_store_order (wb_store_t *store, wb_workbin_ref_t workbin)
{
    static char ids [512];
    int64_t count = 0;
    assert_int_equal (wb_store_workbin_count (store, workbin, &count), 0);
    wb_test_store_page_ids (store, workbin, 0, 1000, count, ids, sizeof (ids));
    return ids;
}

//  A new interaction id in its own transaction; asserts it was given.
uint64_t
wb_test_store_new_id (wb_store_t *store, uint64_t floor)
{
    uint64_t id = 0;
    assert_int_equal (wb_store_begin (store), 0);
    assert_int_equal (wb_store_new_interaction_id (store, floor, &id), 0);
    assert_int_equal (wb_store_commit (store), 0);
    return id;
}
