/*  wb_store: where interactions and workbin versions are kept, durably.

    A small interface over a backend (a table of function pointers), so that
    the server engine does not know SQL: the SQLite backend (wb_store_sqlite.c)
    serves one node; the PostgreSQL backend (wb_store_pg.c) serves sites
    with several server nodes on one database. A store is opened by a URI
    whose scheme names its backend ("sqlite:PATH", "postgresql:CONNINFO"),
    so that callers never name a backend's function; wb_store_backend.h is
    the backends' side of it.

    An interaction is its property list (a wb_kvlist, as sent on the wire)
    plus where it sits: a workbin (type id + owner id) or nowhere (pulled,
    being handled). Within a workbin, interactions keep the order in which
    they were placed there. Every change the engine makes runs inside
    begin/commit; commit returns only once the change is durable (as the
    backend's synchronous setting defines it).

    Group commit: between wb_store_batch_begin and wb_store_batch_commit,
    the changes share one transaction. Inside a batch, begin, commit and
    rollback set, release and roll back to a savepoint, so that a change
    that fails undoes only its own part; the transaction opens at the
    batch's first begin, and nothing in it is durable before
    wb_store_batch_commit returns 0.
*/
#ifndef WB_STORE_H_INCLUDED
#define WB_STORE_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "wb_kvlist.h"

typedef struct _wb_store_t wb_store_t;

/* A workbin: its type id and owner id. */
typedef struct {
    const char *type_id;
    const char *owner_id;
} wb_workbin_ref_t;

/* The operations a backend provides; each returns 0 or -1 unless stated. */
typedef struct {
    const char *name;                                   /* "sqlite" */
    void (*close) (void *backend);
    int (*begin) (void *backend);
    int (*commit) (void *backend);
    int (*rollback) (void *backend);
    /* Inside the open transaction: set the savepoint of one change,
       release it (keep the change), or roll back to it and release it
       (undo the change only); the last is -1 if the whole transaction was
       lost meanwhile. */
    int (*savepoint) (void *backend);
    int (*release) (void *backend);
    int (*rollback_to) (void *backend);
    /* Current version of a workbin; 0 if it never changed. */
    int (*workbin_version) (void *backend, wb_workbin_ref_t workbin, int64_t *version);
    /* Add one to the version of a workbin; *version gets the new value. */
    int (*bump_version) (void *backend, wb_workbin_ref_t workbin, int64_t *version);
    /* The properties of an interaction (caller destroys), and where it is
       (type_id and owner_id get empty strings when in no workbin). NULL if
       unknown or on failure: *found is 1 found, 0 unknown, -1 failure. */
    wb_kvlist_t *(*interaction_get) (void *backend, const char *interaction_id,
                                     char *type_id, char *owner_id, size_t id_size,
                                     int *found);
    /* Insert or replace an interaction. workbin.type_id NULL: in no workbin,
       and then workbin.owner_id names who handles it (NULL: nobody).
       If its workbin differs from the stored one (or it is new), it goes to
       the end of the new workbin's order. */
    int (*interaction_put) (void *backend, const char *interaction_id,
                            wb_workbin_ref_t workbin, const wb_kvlist_t *properties);
    /* Insert a new interaction at the end of its workbin's order; fails
       (-1) if the id exists: a new interaction never replaces one. */
    int (*interaction_insert) (void *backend, const char *interaction_id,
                               wb_workbin_ref_t workbin, const wb_kvlist_t *properties);
    int (*interaction_delete) (void *backend, const char *interaction_id);
    /* Inside the open transaction: a new interaction id, at least floor
       and greater than every id this store handed out before, across
       restarts and deletions; recorded with the transaction. */
    int (*new_interaction_id) (void *backend, uint64_t floor, uint64_t *id);
    /* Append to out one entry "Interaction" (a property list) for each of
       at most count interactions of a workbin from position from, in order,
       stopping before their encodings pass WB_PAGE_BYTES_MAX (at least
       one); *total gets the workbin's number of interactions. */
    int (*workbin_page) (void *backend, wb_workbin_ref_t workbin, int64_t from,
                         int64_t count, wb_kvlist_t *out, int64_t *total);
    /* Optional: workbin_page's interactions appended to the run out (one
       copy of each, no entry each), and *version the workbin's version,
       all of one snapshot without the caller's transaction (SQLite: one
       read); on failure the caller discards out. Without it,
       wb_store_workbin_content reads workbin_page and the version inside
       begin/commit. */
    int (*workbin_content) (void *backend, wb_workbin_ref_t workbin, int64_t from,
                            int64_t count, wb_kvlist_run_t *out, int64_t *total,
                            int64_t *version);
    /* Number of interactions in a workbin. */
    int (*workbin_count) (void *backend, wb_workbin_ref_t workbin, int64_t *count);
    /* Append to out one entry "Interaction" for each of at most count
       interactions in no workbin that handler handles, oldest pull first,
       stopping before their encodings pass WB_PAGE_BYTES_MAX (at least one);
       *total gets how many it handles. */
    int (*handled_page) (void *backend, const char *handler, int64_t count,
                         wb_kvlist_t *out, int64_t *total);
    /* Oldest and newest MovedToQueueAt property (ISO-8601 text) among the
       interactions of a workbin; empty strings if none. */
    int (*workbin_moved_range) (void *backend, wb_workbin_ref_t workbin,
                                char *oldest, char *newest, size_t text_size);
    /* RequestSubmit's idempotency keys, by submitter: what a key's submit
       gave (the interaction id, id_size bytes, and the workbin version);
       *found 1 known, 0 unknown. Kept for the life of the store, even once
       the interaction is gone. */
    int (*submit_key_get) (void *backend, const char *submitter, const char *key,
                           char *interaction_id, size_t id_size, int64_t *version,
                           int *found);
    /* Inside the open transaction: remember a key's submit; -1 if known. */
    int (*submit_key_put) (void *backend, const char *submitter, const char *key,
                           const char *interaction_id, int64_t version);
    /* Optional (a store with a change log between nodes): the encoded body
       of the change event that the next bump writes into its log row
       (without its WorkbinVersion, which is the row's version); the
       backend copies it, and forgets it once that bump ran. */
    int (*change_event) (void *backend, const uint8_t *event, size_t size);
    /* Optional: the database session of the connection (PostgreSQL: its
       server process, which notifications name), 0 if none. */
    int (*session_id) (void *backend);
    /* Optional: true (once) if the last change failed on a conflict with
       another node's change that a second try may pass (a deadlock, a
       serialization failure): the other went through, this one was
       rolled back. */
    bool (*may_retry) (void *backend);
    /* Optional: true if this process alone writes the data (an SQLite
       file, which one server owns), so that nothing changes but through
       this store's writes. Absent: others may write too. */
    bool (*sole_writer) (void *backend);
} wb_store_ops_t;

/* The longest store URI, its terminating zero included. */
#define WB_STORE_URI_MAX 8192

/* Open the store that a URI names: SCHEME:TARGET, the scheme choosing the
   backend (see s_backends in wb_store.c), the backend reading the target.
     sqlite:PATH[?OPTION=VALUE[&OPTION=VALUE]...]
       an SQLite file, created if absent and migrated to the current
       schema; ":memory:" as PATH keeps it in memory. In PATH, "%25" is a
       '%' and "%3F" a '?' (any %XX is a byte); the first plain '?' starts
       the options, each at most once:
         synchronous=normal|full   PRAGMA synchronous (default full)
     postgresql:CONNINFO[?OPTION=VALUE[&OPTION=VALUE]...]
       a PostgreSQL database, CONNINFO a libpq connection string
       ("host=/run/postgresql dbname=workbin user=wb"; an unknown keyword
       is an error; it cannot hold a '?'), its tables created in their
       own schema if absent and migrated; options, each at most once:
         schema=NAME               the schema that holds the tables
                                   (lower-case, digits, '_'; default workbin)
         statement_timeout=MS      a statement fails after MS (default 5000)
         lock_timeout=MS           so does a wait for a lock (default 2000)
       A lost connection makes every operation fail until a reconnect,
       tried at the next operation with a backoff (100 ms doubling to 5 s).
       Each bump also writes the change log's row of the new version
       (table change_log: workbin, version, the interaction the change
       wrote, its WorkbinContentOperation, its properties), and a commit
       notifies the keys of its rows ("TYPE_ID\tOWNER_ID\tVERSION\n" each,
       several notifications if they pass 7,999 bytes) on the channel
       named as the schema: the change feed between nodes (wb_feed).
       The row also holds the change's event as its subscribers receive
       it (wb_store_change_event), so that other nodes deliver it.
   On failure NULL, and in error a sentence that names the URI and what is
   wrong (an unknown scheme, or none: the known schemes). */
wb_store_t *wb_store_open (const char *uri, char *error, size_t error_size);
/* Write into uri the store URI of an SQLite file: "sqlite:" and the path,
   '%' and '?' escaped, without options. 0, or -1 if the path is NULL or
   empty or the URI does not fit. */
int wb_store_sqlite_uri (const char *path, char *uri, size_t uri_size);
/* The URI as it may be shown (logs, errors): the value of a password=
   keyword, and the password of a user:password@ in a URL, as "***". */
void wb_store_uri_masked (const char *uri, char *out, size_t out_size);
/* Wrap any backend; used by backends' open functions (and a test's spy). */
wb_store_t *wb_store_new (const wb_store_ops_t *ops, void *backend);
void wb_store_destroy (wb_store_t **self_p);

const char *wb_store_backend_name (const wb_store_t *self);
/* The backend's operations and state, for a backend that wraps another
   (a test's spy); NULL on a NULL store. */
const wb_store_ops_t *wb_store_ops (const wb_store_t *self);
void *wb_store_backend (const wb_store_t *self);
int wb_store_begin (wb_store_t *self);
int wb_store_commit (wb_store_t *self);
int wb_store_rollback (wb_store_t *self);
/* Start a batch: the changes until wb_store_batch_commit share one
   transaction. -1 if a batch is already open. */
int wb_store_batch_begin (wb_store_t *self);
/* End the batch: commit its transaction, if it opened. -1 if the commit
   (or an earlier step of the batch) failed: then none of its changes was
   kept. */
int wb_store_batch_commit (wb_store_t *self);
/* True between wb_store_batch_begin and wb_store_batch_commit. */
bool wb_store_in_batch (const wb_store_t *self);
/* How many writes (put, delete, bump) the batch holds uncommitted; a
   change rolled back to its savepoint no longer counts. 0 outside one. */
size_t wb_store_batch_writes (const wb_store_t *self);
int wb_store_workbin_version (wb_store_t *self, wb_workbin_ref_t workbin, int64_t *version);
int wb_store_bump_version (wb_store_t *self, wb_workbin_ref_t workbin, int64_t *version);
wb_kvlist_t *wb_store_interaction_get (wb_store_t *self, const char *interaction_id,
                                       char *type_id, char *owner_id, size_t id_size,
                                       int *found);
int wb_store_interaction_put (wb_store_t *self, const char *interaction_id,
                              wb_workbin_ref_t workbin, const wb_kvlist_t *properties);
int wb_store_interaction_insert (wb_store_t *self, const char *interaction_id,
                                 wb_workbin_ref_t workbin, const wb_kvlist_t *properties);
int wb_store_interaction_delete (wb_store_t *self, const char *interaction_id);
int wb_store_new_interaction_id (wb_store_t *self, uint64_t floor, uint64_t *id);
int wb_store_workbin_page (wb_store_t *self, wb_workbin_ref_t workbin, int64_t from,
                           int64_t count, wb_kvlist_t *out, int64_t *total);
/* A page as wb_store_workbin_page reads it, appended to the run out (a
   content reply's Interactions), with the workbin's total and version, all
   three of one snapshot (PROTOCOL.md, paging rules). 0, or -1: then out
   is to be discarded. */
int wb_store_workbin_content (wb_store_t *self, wb_workbin_ref_t workbin, int64_t from,
                              int64_t count, wb_kvlist_run_t *out, int64_t *total,
                              int64_t *version);
int wb_store_workbin_count (wb_store_t *self, wb_workbin_ref_t workbin, int64_t *count);
int wb_store_handled_page (wb_store_t *self, const char *handler, int64_t count,
                           wb_kvlist_t *out, int64_t *total);
int wb_store_workbin_moved_range (wb_store_t *self, wb_workbin_ref_t workbin,
                                  char *oldest, char *newest, size_t text_size);
int wb_store_submit_key_get (wb_store_t *self, const char *submitter, const char *key,
                             char *interaction_id, size_t id_size, int64_t *version,
                             int *found);
int wb_store_submit_key_put (wb_store_t *self, const char *submitter, const char *key,
                             const char *interaction_id, int64_t version);
/* The database session of the store's connection, 0 if none (see
   session_id): the change feed tells its own node's notifications by it. */
int wb_store_session_id (const wb_store_t *self);
/* For the change feed's own connection (wb_feed): the libpq conninfo
   (caller frees) and schema (schema_size bytes) of a postgresql: store
   URI; -1 with error filled if it is not one, or does not parse. */
int wb_store_pg_target (const char *uri, char **conninfo, char *schema, size_t schema_size,
                        char *error, size_t error_size);
/* True (once) if the change that just failed may be tried once more: it
   lost a conflict with another node's change (see may_retry). */
bool wb_store_may_retry (wb_store_t *self);
/* How many writes (put, insert, delete, bump, a new id, a submit key;
   kept or rolled back) the store has been asked for, into *writes, if it alone writes its data
   (sole_writer): 0, and while the number stays the same no workbin
   changed. -1 if others may write too (a site's shared PostgreSQL): then
   only a read tells. */
int wb_store_own_writes (const wb_store_t *self, uint64_t *writes);
/* True if the store keeps a change log for other nodes (PostgreSQL). */
bool wb_store_logs_changes (const wb_store_t *self);
/* The body of the change event the next bump logs (see change_event);
   0 and nothing done on a store without a change log. */
int wb_store_change_event (wb_store_t *self, const wb_kvlist_t *body);

#endif
