/*  wb_test_store: what the store tests share (test_wb_store.c, the
    contract every backend passes, and test_wb_store_sqlite.c): a store
    opened for one cmocka case from a URI template, and helpers that assert
    as they go (cmocka).

    A template is a store URI in which "{dir}" becomes a fresh folder under
    /tmp, removed with its files after the case, and "{name}" a name
    unique to the case in this run (letters, digits and '_'), for a backend
    whose stores live on a server: opened under that name, a store must
    start empty.
*/
#ifndef WB_TEST_STORE_H_INCLUDED
#define WB_TEST_STORE_H_INCLUDED

#include <stddef.h>
#include <stdint.h>
#include "wb_kvlist.h"
#include "wb_store.h"

/* The store most tests run on: an SQLite file in the case's folder. */
#define WB_TEST_STORE_SQLITE "sqlite:{dir}/store.db"

typedef struct {
    char dir [64];                    /* {dir}; "" if the template has none */
    char name [64];                   /* {name} */
    char uri [WB_STORE_URI_MAX];      /* the template, expanded */
    wb_store_t *store;                /* open on uri */
} wb_test_store_t;

/* cmocka set-up: *state holds the template (NULL: WB_TEST_STORE_SQLITE);
   it becomes a wb_test_store_t with its store open. */
int wb_test_store_setup (void **state);
/* cmocka tear-down: close the store, remove the folder, free the fixture. */
int wb_test_store_teardown (void **state);
/* Close the store and open its URI again. */
void wb_test_store_reopen (wb_test_store_t *self);

/* Properties of an interaction: its id, and MovedToQueueAt unless NULL. */
wb_kvlist_t *wb_test_store_properties (const char *id, const char *moved_at);
/* Put an interaction with only those properties, in its own transaction. */
void wb_test_store_put (wb_store_t *store, const char *id, wb_workbin_ref_t workbin,
                        const char *moved_at);
/* The ids of a page, space-separated ("a b c"); asserts the total. */
void wb_test_store_page_ids (wb_store_t *store, wb_workbin_ref_t workbin, int64_t from,
                             int64_t count, int64_t expected_total, char *ids, size_t ids_size);
/* The ids of a whole workbin, in order (a static buffer). */
const char *wb_test_store_order (wb_store_t *store, wb_workbin_ref_t workbin);
/* A new interaction id, in its own transaction. */
uint64_t wb_test_store_new_id (wb_store_t *store, uint64_t floor);

#endif
