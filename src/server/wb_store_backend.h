/*  wb_store_backend: the backends' side of wb_store, for wb_store.c (the
    registry of backends by scheme), the backends and their own tests only.
    The server and the engine open a store with wb_store_open (wb_store.h).

    A backend provides an open function, listed with its scheme in
    s_backends (wb_store.c); wb_store_open hands it the whole URI (for
    messages) and the target, what follows "SCHEME:", and always a real
    error buffer. The backend parses its target strictly: a missing part,
    an unknown option or value is an error that names it.
*/
#ifndef WB_STORE_BACKEND_H_INCLUDED
#define WB_STORE_BACKEND_H_INCLUDED

#include <stddef.h>
#include "wb_store.h"
#include "wb_prelude.h"

/* A backend's open function: a store, or NULL with error filled (by
   wb_store_open_error). */
typedef wb_store_t *(wb_store_open_fn) (const char *uri, const char *target,
                                        char *error, size_t error_size);

/* Fill error with "cannot open store URI: REASON" (a long URI cut short,
   so that the reason shows), REASON from a printf format; return -1. */
int wb_store_open_error (char *error, size_t error_size, const char *uri,
                         const char *format, ...)
    WB_PRINTF (4, 5);

/* The SQLite backend (wb_store_sqlite.c): target PATH[?OPTIONS]. */
wb_store_t *wb_store_sqlite_open (const char *uri, const char *target,
                                  char *error, size_t error_size);
/* The PostgreSQL backend (wb_store_pg.c): target CONNINFO[?OPTIONS]. */
wb_store_t *wb_store_pg_open (const char *uri, const char *target,
                              char *error, size_t error_size);
/* The connection of an SQLite store, for the backend's own tests (which
   look at its settings); NULL for a NULL store or another backend. */
struct sqlite3 *wb_store_sqlite_db (const wb_store_t *store);

#endif
