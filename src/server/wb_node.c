/*  wb_node: a server node's place in a site. See wb_node.h. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>
#include <czmq.h>
#include "wb_node.h"
#include "wb_prelude.h"

#define S_RETRY_FIRST_MS 100
#define S_RETRY_MAX_MS 5000
#define S_SCHEMA_MAX 64
#define S_HASH_MAX 64

//  The live nodes' locks other than this one's, in this database: the
//  lock of node N is the advisory lock (the site's key, N).
#define S_OTHER_LIVE_NODES \
    "SELECT count (*) FROM pg_locks WHERE locktype = 'advisory' AND granted" \
    " AND objsubid = 2 AND classid::bigint = $1 AND objid::bigint NOT IN (0, $2)" \
    " AND database = (SELECT oid FROM pg_database WHERE datname = current_database ())"

//  Claim a login: insert it, or take it over from this node itself or
//  from a node whose lock is free (dead). No row: a live node holds it.
#define S_CLAIM \
    "INSERT INTO login AS l (agent_id, node) VALUES ($1, $2)" \
    " ON CONFLICT (agent_id) DO UPDATE SET node = excluded.node, since = now ()" \
    " WHERE l.node = excluded.node OR NOT EXISTS (SELECT 1 FROM pg_locks" \
    "  WHERE locktype = 'advisory' AND granted AND objsubid = 2" \
    "  AND classid::bigint = $3 AND objid::bigint = l.node" \
    "  AND database = (SELECT oid FROM pg_database WHERE datname = current_database ()))" \
    " RETURNING node"

#define S_RELEASE "DELETE FROM login WHERE agent_id = $1 AND node = $2"

struct _wb_node_t {
    char *conninfo;
    char schema [S_SCHEMA_MAX];
    char hash [S_HASH_MAX];             /* of the directory loaded */
    PGconn *conn;                       /* NULL while the database is away */
    int64_t id;                         /* this node's id: 0 until known */
    int64_t key;                        /* the site's advisory lock key */
    int64_t retry_at, retry_delay;
};

// ---------------------------------------------------------------- helpers

//  Run sql with text parameters; the result if it succeeded, else NULL
//  with error filled (if given).
static PGresult *
s_run (PGconn *conn, const char *sql, int count, const char *const *values,
       char *error, size_t error_size)
{
    PGresult *result = PQexecParams (conn, sql, count, NULL, values, NULL, NULL, 0);
    ExecStatusType status = PQresultStatus (result);
    if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK)
        return result;
    if (error) {
        snprintf (error, error_size, "%s", PQresultErrorMessage (result));
        error [strcspn (error, "\n")] = 0;
    }
    PQclear (result);
    return NULL;
}

//  The first value of a statement's first row as an integer; -1 if none.
static int64_t
s_number (PGconn *conn, const char *sql, int count, const char *const *values,
          char *error, size_t error_size)
{
    PGresult *result = s_run (conn, sql, count, values, error, error_size);
    int64_t value = result && PQntuples (result) > 0 && !PQgetisnull (result, 0, 0)
                  ? strtoll (PQgetvalue (result, 0, 0), NULL, 10) : -1;
    PQclear (result);
    return value;
}

int
wb_node_directory_hash (const char *directory_path, char *hash, size_t hash_size)
{
    zconfig_t *config = directory_path ? zconfig_load (directory_path) : NULL;
    char *text = config ? zconfig_str_save (config) : NULL;
    zconfig_destroy (&config);
    if (!text || hash_size < 41) {
        zstr_free (&text);
        return -1;
    }
    zdigest_t *digest = zdigest_new ();
    zdigest_update (digest, (const byte *) text, strlen (text));
    snprintf (hash, hash_size, "%s", zdigest_string (digest));
    zdigest_destroy (&digest);
    zstr_free (&text);
    return 0;
}

// ---------------------------------------------------------------- joining

//  Check the directory against the site's, one starting node at a time:
//  refuse one that differs while other nodes run; else it is the site's.
static int
s_check_directory (wb_node_t *self, char *error, size_t error_size)
{
    char key [24], id [24];
    snprintf (key, sizeof (key), "%" PRId64, self->key);
    snprintf (id, sizeof (id), "%" PRId64, self->id);
    const char *values [2] = { key, id };
    PGresult *result = s_run (self->conn, "BEGIN", 0, NULL, error, error_size);
    PQclear (result);
    result = result ? s_run (self->conn, "SELECT pg_advisory_xact_lock ($1::int, 0)", 1, values,
                             error, error_size) : NULL;
    PQclear (result);
    int64_t others = result ? s_number (self->conn, S_OTHER_LIVE_NODES, 2, values,
                                        error, error_size) : -1;
    PGresult *site = others >= 0
                   ? s_run (self->conn, "SELECT value FROM site WHERE key = 'directory'", 0,
                            NULL, error, error_size) : NULL;
    int rc = site ? 0 : -1;
    if (site && PQntuples (site) == 1 && others > 0
    &&  strcmp (PQgetvalue (site, 0, 0), self->hash) != 0) {
        snprintf (error, error_size, "its directory (SHA-1 %s) differs from the one the "
                  "%" PRId64 " running node(s) loaded (%s): every node of a site must load "
                  "the same directory", self->hash, others, PQgetvalue (site, 0, 0));
        rc = -1;
    }
    PQclear (site);
    const char *hash [1] = { self->hash };
    if (rc == 0) {
        result = s_run (self->conn, "INSERT INTO site (key, value) VALUES ('directory', $1)"
                        " ON CONFLICT (key) DO UPDATE SET value = excluded.value", 1, hash,
                        error, error_size);
        rc = result ? 0 : -1;
        PQclear (result);
    }
    PQclear (s_run (self->conn, rc ? "ROLLBACK" : "COMMIT", 0, NULL, NULL, 0));
    return rc;
}

//  Connect, take a node id the first time, and hold the node's lock.
//  0, or -1 with error filled and no connection.
static int
s_connect (wb_node_t *self, char *error, size_t error_size)
{
    const char *keywords [] = { "connect_timeout", "fallback_application_name", "dbname", NULL };
    const char *values [] = { "2", "wbserver node", self->conninfo, NULL };
    self->conn = PQconnectdbParams (keywords, values, 1);
    char sql [128];
    snprintf (sql, sizeof (sql), "SET search_path TO \"%s\"", self->schema);
    PGresult *result = PQstatus (self->conn) == CONNECTION_OK
                     ? s_run (self->conn, sql, 0, NULL, error, error_size) : NULL;
    if (!result && PQstatus (self->conn) != CONNECTION_OK) {
        snprintf (error, error_size, "%s", PQerrorMessage (self->conn));
        error [strcspn (error, "\n")] = 0;
    }
    PQclear (result);
    if (result && !self->id) {
        self->key = s_number (self->conn, "SELECT hashtext ('wb_node ' || current_schema ())"
                              " & 2147483647", 0, NULL, error, error_size);
        self->id = s_number (self->conn, "SELECT nextval ('node_id')", 0, NULL,
                             error, error_size);
    }
    char key [24], id [24];
    snprintf (key, sizeof (key), "%" PRId64, self->key);
    snprintf (id, sizeof (id), "%" PRId64, self->id);
    const char *lock [2] = { key, id };
    result = result && self->id > 0
           ? s_run (self->conn, "SELECT pg_try_advisory_lock ($1::int, $2::int)", 2, lock,
                    error, error_size) : NULL;
    int rc = result && streq (PQgetvalue (result, 0, 0), "t") ? 0 : -1;
    if (result && rc)
        snprintf (error, error_size, "the lock of node %" PRId64 " is held elsewhere", self->id);
    PQclear (result);
    if (rc) {
        PQfinish (self->conn);
        self->conn = NULL;
    }
    return rc;
}

wb_node_t *
wb_node_new (const char *uri, const char *directory_path, char *error, size_t error_size)
{
    wb_node_t *self = wb_calloc (1, sizeof (wb_node_t));
    char reason [512] = "";
    if (wb_store_pg_target (uri, &self->conninfo, self->schema, sizeof (self->schema),
                            error, error_size)) {
        free (self);
        return NULL;
    }
    if (wb_node_directory_hash (directory_path, self->hash, sizeof (self->hash)))
        snprintf (reason, sizeof (reason), "the directory %s cannot be read to hash it",
                  directory_path ? directory_path : "(none)");
    else
    if (s_connect (self, reason, sizeof (reason)) == 0
    &&  s_check_directory (self, reason, sizeof (reason)) == 0) {
        zsys_info ("wb_node: node %" PRId64 " of the site in schema %s (directory %s)",
                   self->id, self->schema, self->hash);
        return self;
    }
    snprintf (error, error_size, "cannot join the site: %s", reason);
    wb_node_destroy (&self);
    return NULL;
}

void
wb_node_destroy (wb_node_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    wb_node_t *self = *self_p;
    //  a clean stop lets its logins go (a dead node's are taken over)
    if (self->conn && self->id) {
        char id [24];
        snprintf (id, sizeof (id), "%" PRId64, self->id);
        const char *values [1] = { id };
        PQclear (s_run (self->conn, "DELETE FROM login WHERE node = $1", 1, values, NULL, 0));
    }
    PQfinish (self->conn);
    free (self->conninfo);
    free (self);
    *self_p = NULL;
}

int64_t
wb_node_id (const wb_node_t *self)
{
    return self ? self->id : 0;
}

// ---------------------------------------------------------------- logins

//  The connection is gone: drop it; the next tick or claim reconnects.
static void
s_lost (wb_node_t *self)
{
    zsys_warning ("wb_node: the connection of node %" PRId64 " is lost: reconnecting",
                  self->id);
    PQfinish (self->conn);
    self->conn = NULL;
    self->retry_at = wb_mono_ms ();
    self->retry_delay = S_RETRY_FIRST_MS;
}

//  True if there is a connection (reconnecting when the backoff allows).
static bool
s_ready (wb_node_t *self, int64_t now_ms)
{
    if (self->conn && PQstatus (self->conn) == CONNECTION_BAD)
        s_lost (self);
    if (self->conn || now_ms < self->retry_at)
        return self->conn != NULL;
    char error [256];
    if (s_connect (self, error, sizeof (error)) == 0) {
        zsys_info ("wb_node: node %" PRId64 " holds its lock again", self->id);
        return true;
    }
    self->retry_at = now_ms + self->retry_delay;
    self->retry_delay = self->retry_delay * 2 < S_RETRY_MAX_MS ? self->retry_delay * 2
                                                               : S_RETRY_MAX_MS;
    return false;
}

int
wb_node_claim (wb_node_t *self, const char *agent_id)
{
    if (!self || !agent_id || !s_ready (self, wb_mono_ms ()))
        return -1;
    char id [24], key [24];
    snprintf (id, sizeof (id), "%" PRId64, self->id);
    snprintf (key, sizeof (key), "%" PRId64, self->key);
    const char *values [3] = { agent_id, id, key };
    char error [256];
    PGresult *result = s_run (self->conn, S_CLAIM, 3, values, error, sizeof (error));
    if (!result) {
        zsys_error ("wb_node: login of %s: %s", agent_id, error);
        if (PQstatus (self->conn) == CONNECTION_BAD)
            s_lost (self);
        return -1;
    }
    int claimed = PQntuples (result) == 1;
    PQclear (result);
    return claimed;
}

void
wb_node_release (wb_node_t *self, const char *agent_id)
{
    if (!self || !agent_id || !s_ready (self, wb_mono_ms ()))
        return;
    char id [24];
    snprintf (id, sizeof (id), "%" PRId64, self->id);
    const char *values [2] = { agent_id, id };
    PGresult *result = s_run (self->conn, S_RELEASE, 2, values, NULL, 0);
    if (!result && PQstatus (self->conn) == CONNECTION_BAD)
        s_lost (self);
    PQclear (result);
}

void
wb_node_tick (wb_node_t *self, int64_t now_ms)
{
    if (!self)
        return;
    //  a connection closed by the database shows as input to read
    if (self->conn && !PQconsumeInput (self->conn))
        s_lost (self);
    s_ready (self, now_ms);
}
