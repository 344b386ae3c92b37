/*  wb_feed: the change feed between server nodes. See wb_feed.h. */
#include <endian.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>
#include <czmq.h>
#include "wb_feed.h"
#include "wb_pg_value.h"
#include "wb_prelude.h"

//  Reconnects: the first at once, then waits doubling up to the most.
#define S_RETRY_FIRST_MS 100
#define S_RETRY_MAX_MS 5000
//  Log rows read per statement while catching up.
#define S_READ_ROWS "512"
#define S_SCHEMA_MAX 64

//  The statements, prepared on the feed's connection.
typedef enum { S_READ, S_VERSIONS, S_JANITOR, S_PRUNE, S_STATEMENT_COUNT } s_statement_id_t;

static const struct {
    const char *name;
    const char *sql;
} s_statements [S_STATEMENT_COUNT] = {
    //  a workbin's changes after a version ($3), up to another ($4)
    [S_READ] = { "feed_read",
        "SELECT version, event FROM change_log"
        " WHERE type_id = $1 AND owner_id = $2 AND version > $3 AND version <= $4"
        " ORDER BY version LIMIT " S_READ_ROWS },
    //  the versions of the workbins listed in $1 ("TYPE\tOWNER\n" each)
    [S_VERSIONS] = { "feed_versions",
        "SELECT w.type_id, w.owner_id, w.version FROM workbin AS w"
        " JOIN (SELECT split_part (l, E'\\t', 1) AS t, split_part (l, E'\\t', 2) AS o"
        "       FROM unnest (string_to_array ($1, E'\\n')) AS l) AS c"
        " ON w.type_id = c.t AND w.owner_id = c.o" },
    //  one janitor at a time: a session lock, free when its node dies
    [S_JANITOR] = { "feed_janitor",
        "SELECT pg_try_advisory_lock (hashtext ('wb_feed janitor ' || current_schema ()))" },
    [S_PRUNE] = { "feed_prune",
        "DELETE FROM change_log WHERE made_at < now () - $1::bigint * interval '1 millisecond'" },
};

//  Where this node stands in a workbin's versions.
typedef struct {
    char *type_id;
    char *owner_id;
    int64_t version;            /* the last delivered here */
} s_cursor_t;

//  A cursor's version before a group commit's first local change to it.
typedef struct {
    char *key;
    int64_t version;
} s_undo_t;

struct _wb_feed_t {
    wb_store_t *store;
    char *conninfo;
    char schema [S_SCHEMA_MAX];
    PGconn *conn;                       /* NULL while the database is away */
    wb_feed_callbacks_t callbacks;
    void *context;
    zhashx_t *cursors;                  /* s_cursor_t by "TYPE\tOWNER" */
    zlistx_t *undo;                     /* s_undo_t of the open group commit */
    int64_t retry_at, retry_delay;
    int64_t prune_at;
    bool janitor;                       /* this node holds the janitor lock */
};

// ---------------------------------------------------------------- cursors

static char *
s_key (const char *type_id, const char *owner_id)
{
    return zsys_sprintf ("%s\t%s", type_id, owner_id ? owner_id : "");
}

static void
s_cursor_destroy (s_cursor_t **cursor_p)
{
    if (!*cursor_p)
        return;
    free ((*cursor_p)->type_id);
    free ((*cursor_p)->owner_id);
    free (*cursor_p);
    *cursor_p = NULL;
}

static void
s_undo_destroy (s_undo_t **undo_p)
{
    if (!*undo_p)
        return;
    free ((*undo_p)->key);
    free (*undo_p);
    *undo_p = NULL;
}

// ---------------------------------------------------------------- connection

//  The connection is gone: drop it, try again at the next tick.
static void
s_lost (wb_feed_t *self, const char *what)
{
    char line [256];
    snprintf (line, sizeof (line), "%s", self->conn ? PQerrorMessage (self->conn) : "");
    line [strcspn (line, "\n")] = 0;
    zsys_warning ("wb_feed: %s: %s; reconnecting, then reading what was missed", what, line);
    PQfinish (self->conn);
    self->conn = NULL;
    self->janitor = false;
    self->retry_at = wb_mono_ms ();
    self->retry_delay = S_RETRY_FIRST_MS;
}

//  A command without parameters on a new connection; 0 or -1.
static int
s_setup (PGconn *conn, const char *sql)
{
    PGresult *result = PQexec (conn, sql);
    int rc = PQresultStatus (result) == PGRES_COMMAND_OK ? 0 : -1;
    PQclear (result);
    return rc;
}

//  Connect, LISTEN, prepare. 0, or -1 (no connection).
static int
s_connect (wb_feed_t *self)
{
    const char *keywords [] = { "connect_timeout", "fallback_application_name", "dbname", NULL };
    const char *values [] = { "2", "wbserver feed", self->conninfo, NULL };
    PGconn *conn = PQconnectdbParams (keywords, values, 1);
    char sql [256];
    snprintf (sql, sizeof (sql), "SET search_path TO \"%s\"; SET statement_timeout = 5000;"
              " SET client_min_messages = warning; LISTEN \"%s\"", self->schema, self->schema);
    int rc = PQstatus (conn) == CONNECTION_OK && s_setup (conn, sql) == 0 ? 0 : -1;
    for (int id = 0; rc == 0 && id < S_STATEMENT_COUNT; id++) {
        PGresult *result = PQprepare (conn, s_statements [id].name, s_statements [id].sql,
                                      0, NULL);
        rc = PQresultStatus (result) == PGRES_COMMAND_OK ? 0 : -1;
        PQclear (result);
    }
    if (rc) {
        char line [256];
        snprintf (line, sizeof (line), "%s", PQerrorMessage (conn));
        line [strcspn (line, "\n")] = 0;
        zsys_warning ("wb_feed: cannot listen to the change log: %s", line);
        PQfinish (conn);
        return -1;
    }
    self->conn = conn;
    return 0;
}

//  Run a prepared statement, text parameters, results binary or text;
//  NULL on failure (a connection found lost is dropped).
static PGresult *
s_exec (wb_feed_t *self, s_statement_id_t id, int count, const char *const *values,
        int binary)
{
    if (!self->conn)
        return NULL;
    PGresult *result = PQexecPrepared (self->conn, s_statements [id].name, count, values,
                                       NULL, NULL, binary);
    ExecStatusType status = PQresultStatus (result);
    if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK)
        return result;
    PQclear (result);
    if (PQstatus (self->conn) == CONNECTION_BAD)
        s_lost (self, s_statements [id].name);
    else
        zsys_warning ("wb_feed: %s failed: %s", s_statements [id].name,
                      PQerrorMessage (self->conn));
    return NULL;
}

// ---------------------------------------------------------------- reading the log

//  Deliver one log row (its event, or only its version if it has none).
static void
s_deliver_row (wb_feed_t *self, const s_cursor_t *cursor, const PGresult *result, int row,
               int64_t version)
{
    wb_kvlist_t *body = NULL;
    if (!PQgetisnull (result, row, 1)) {
        wb_codec_status_t status = WB_CODEC_OK;
        body = wb_kvlist_decode ((const uint8_t *) PQgetvalue (result, row, 1),
                                 (size_t) PQgetlength (result, row, 1), &status);
        if (!body)
            zsys_error ("wb_feed: %s %s version %" PRId64 ": the logged event does not "
                        "decode: %s", cursor->type_id, cursor->owner_id, version,
                        wb_codec_status_text (status));
    }
    self->callbacks.change (self->context, cursor->type_id, cursor->owner_id, version, body);
    wb_kvlist_destroy (&body);
}

//  A workbin's version in the table now; 0 if it cannot be read.
static int64_t
s_current_version (wb_feed_t *self, const s_cursor_t *cursor)
{
    char *list = zsys_sprintf ("%s\t%s", cursor->type_id, cursor->owner_id);
    const char *values [1] = { list };
    PGresult *result = s_exec (self, S_VERSIONS, 1, values, 0);
    free (list);
    int64_t version = result && PQntuples (result) == 1
                    ? strtoll (PQgetvalue (result, 0, 2), NULL, 10) : 0;
    PQclear (result);
    return version;
}

//  Deliver a workbin's changes after its cursor up to version upto, in
//  order. Versions missing from the log (pruned) cost its subscribers
//  their subscriptions. 0, or -1 if the log could not be read (the
//  cursor stays where the delivery stopped).
static int
s_fill (wb_feed_t *self, s_cursor_t *cursor, int64_t upto)
{
    while (cursor->version < upto) {
        char after [24], last [24];
        snprintf (after, sizeof (after), "%" PRId64, cursor->version);
        snprintf (last, sizeof (last), "%" PRId64, upto);
        const char *values [4] = { cursor->type_id, cursor->owner_id, after, last };
        PGresult *result = s_exec (self, S_READ, 4, values, 1);
        if (!result)
            return -1;
        int rows = PQntuples (result);
        for (int row = 0; row < rows; row++) {
            int64_t version = wb_pg_int64 (result, row, 0);
            if (version != cursor->version + 1)
                break;
            s_deliver_row (self, cursor, result, row, version);
            cursor->version = version;
        }
        bool gap = rows == 0 || cursor->version < wb_pg_int64 (result, rows - 1, 0);
        PQclear (result);
        if (gap) {
            //  told once: the cursor goes to the workbin's version now
            int64_t now = s_current_version (self, cursor);
            zsys_warning ("wb_feed: %s %s: versions %" PRId64 " to %" PRId64 " are gone from "
                          "the change log; its subscribers here must re-fetch",
                          cursor->type_id, cursor->owner_id, cursor->version + 1, upto);
            self->callbacks.lost (self->context, cursor->type_id, cursor->owner_id);
            cursor->version = now > upto ? now : upto;
        }
    }
    return 0;
}

//  One notified key, "TYPE\tOWNER\tVERSION": read past the cursor, or,
//  for a workbin without one, tell that it changed (statistics).
static void
s_notified_key (wb_feed_t *self, char *line)
{
    char *owner = strchr (line, '\t');
    char *version_text = owner ? strchr (owner + 1, '\t') : NULL;
    if (!version_text)
        return;
    *owner++ = 0;
    *version_text++ = 0;
    int64_t version = strtoll (version_text, NULL, 10);
    char *key = s_key (line, owner);
    s_cursor_t *cursor = zhashx_lookup (self->cursors, key);
    free (key);
    if (cursor && version > cursor->version)
        s_fill (self, cursor, version);
    else
    if (!cursor)
        self->callbacks.change (self->context, line, owner, version, NULL);
}

//  The keys of one notification, one per line.
static void
s_notified (wb_feed_t *self, const PGnotify *notify)
{
    //  this node's own changes were delivered as they were made
    if (notify->be_pid == wb_store_session_id (self->store))
        return;
    char *payload = wb_strdup (notify->extra);
    char *saved = NULL;
    for (char *line = strtok_r (payload, "\n", &saved); line && self->conn;
         line = strtok_r (NULL, "\n", &saved))
        s_notified_key (self, line);
    free (payload);
}

//  Bring every cursor up to its workbin's version in the table: after a
//  reconnect (notifications sent meanwhile are lost) and on the timer.
static void
s_reconcile (wb_feed_t *self)
{
    if (!self->conn || zhashx_size (self->cursors) == 0)
        return;
    char *list = NULL;
    size_t length = 0;
    FILE *stream = open_memstream (&list, &length);
    for (s_cursor_t *cursor = zhashx_first (self->cursors); cursor;
         cursor = zhashx_next (self->cursors))
        fprintf (stream, "%s\t%s\n", cursor->type_id, cursor->owner_id);
    fclose (stream);
    const char *values [1] = { list };
    PGresult *result = s_exec (self, S_VERSIONS, 1, values, 0);
    free (list);
    for (int row = 0; result && row < PQntuples (result) && self->conn; row++) {
        char *key = s_key (PQgetvalue (result, row, 0), PQgetvalue (result, row, 1));
        s_cursor_t *cursor = zhashx_lookup (self->cursors, key);
        free (key);
        int64_t version = strtoll (PQgetvalue (result, row, 2), NULL, 10);
        if (cursor && version > cursor->version)
            s_fill (self, cursor, version);
    }
    PQclear (result);
}

// ---------------------------------------------------------------- the class

wb_feed_t *
wb_feed_new (wb_store_t *store, const char *uri, const wb_feed_callbacks_t *callbacks,
             void *context, char *error, size_t error_size)
{
    if (!store || !callbacks || !wb_store_logs_changes (store))
        return NULL;
    wb_feed_t *self = wb_calloc (1, sizeof (wb_feed_t));
    if (wb_store_pg_target (uri, &self->conninfo, self->schema, sizeof (self->schema),
                            error, error_size)) {
        free (self);
        return NULL;
    }
    self->store = store;
    self->callbacks = *callbacks;
    self->context = context;
    self->cursors = zhashx_new ();
    zhashx_set_destructor (self->cursors, (zhashx_destructor_fn *) s_cursor_destroy);
    self->undo = zlistx_new ();
    zlistx_set_destructor (self->undo, (czmq_destructor *) s_undo_destroy);
    self->prune_at = wb_mono_ms () + WB_FEED_PRUNE_EVERY_MS;
    if (s_connect (self)) {
        self->retry_at = wb_mono_ms () + S_RETRY_FIRST_MS;
        self->retry_delay = S_RETRY_FIRST_MS * 2;
    }
    return self;
}

void
wb_feed_destroy (wb_feed_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    wb_feed_t *self = *self_p;
    PQfinish (self->conn);
    zhashx_destroy (&self->cursors);
    zlistx_destroy (&self->undo);
    free (self->conninfo);
    free (self);
    *self_p = NULL;
}

int
wb_feed_socket (const wb_feed_t *self)
{
    return self && self->conn ? PQsocket (self->conn) : -1;
}

void
wb_feed_ready (wb_feed_t *self)
{
    if (!self || !self->conn)
        return;
    if (!PQconsumeInput (self->conn)) {
        s_lost (self, "the LISTEN connection is lost");
        return;
    }
    //  reading the log may buffer more notifications: take them all
    PGnotify *notify;
    while (self->conn && (notify = PQnotifies (self->conn))) {
        s_notified (self, notify);
        PQfreemem (notify);
    }
}

//  Forget the cursors of workbins no one here subscribes to any more.
static void
s_forget_unwanted (wb_feed_t *self)
{
    zlistx_t *keys = zhashx_keys (self->cursors);
    for (const char *key = zlistx_first (keys); key; key = zlistx_next (keys)) {
        s_cursor_t *cursor = zhashx_lookup (self->cursors, key);
        if (!self->callbacks.wanted (self->context, cursor->type_id, cursor->owner_id))
            zhashx_delete (self->cursors, key);
    }
    zlistx_destroy (&keys);
}

void
wb_feed_tick (wb_feed_t *self, int64_t now_ms)
{
    if (!self || zlistx_size (self->undo))
        return;
    if (!self->conn && now_ms >= self->retry_at) {
        if (s_connect (self) == 0)
            zsys_info ("wb_feed: listening to the change log again");
        else {
            self->retry_at = now_ms + self->retry_delay;
            self->retry_delay = self->retry_delay * 2 < S_RETRY_MAX_MS ? self->retry_delay * 2
                                                                       : S_RETRY_MAX_MS;
        }
    }
    wb_feed_ready (self);
    s_forget_unwanted (self);
    s_reconcile (self);
    if (self->conn && now_ms >= self->prune_at) {
        self->prune_at = now_ms + WB_FEED_PRUNE_EVERY_MS;
        wb_feed_prune (self, WB_FEED_KEEP_MS);
    }
}

void
wb_feed_watch (wb_feed_t *self, const char *type_id, const char *owner_id, int64_t version)
{
    if (!self || !type_id)
        return;
    char *key = s_key (type_id, owner_id);
    s_cursor_t *known = zhashx_lookup (self->cursors, key);
    if (known && known->version < version)
        s_fill (self, known, version);
    else
    if (!known) {
        s_cursor_t *cursor = wb_calloc (1, sizeof (s_cursor_t));
        cursor->type_id = wb_strdup (type_id);
        cursor->owner_id = wb_strdup (owner_id ? owner_id : "");
        cursor->version = version;
        zhashx_insert (self->cursors, key, cursor);
    }
    free (key);
}

//  Remember a cursor's version before the group commit first moves it.
static void
s_undo_note (wb_feed_t *self, const char *key, int64_t version)
{
    for (s_undo_t *undo = zlistx_first (self->undo); undo; undo = zlistx_next (self->undo))
        if (streq (undo->key, key))
            return;
    s_undo_t *undo = wb_calloc (1, sizeof (s_undo_t));
    undo->key = wb_strdup (key);
    undo->version = version;
    zlistx_add_end (self->undo, undo);
}

void
wb_feed_local (wb_feed_t *self, const char *type_id, const char *owner_id, int64_t version,
               bool tentative)
{
    if (!self || !type_id)
        return;
    char *key = s_key (type_id, owner_id);
    s_cursor_t *cursor = zhashx_lookup (self->cursors, key);
    if (cursor && version > cursor->version) {
        if (tentative)
            s_undo_note (self, key, cursor->version);
        //  the changes the other nodes committed before this one
        if (version > cursor->version + 1 && s_fill (self, cursor, version - 1))
            zsys_warning ("wb_feed: %s %s: the changes before version %" PRId64 " could not "
                          "be read; its subscribers here see a gap and re-fetch",
                          type_id, owner_id, version);
        cursor->version = version;
    }
    free (key);
}

void
wb_feed_settle (wb_feed_t *self, bool committed)
{
    if (!self)
        return;
    for (s_undo_t *undo = zlistx_first (self->undo); undo && !committed;
         undo = zlistx_next (self->undo)) {
        s_cursor_t *cursor = zhashx_lookup (self->cursors, undo->key);
        if (cursor)
            cursor->version = undo->version;
    }
    zlistx_purge (self->undo);
}

int64_t
wb_feed_prune (wb_feed_t *self, int64_t keep_ms)
{
    if (!self || !self->conn)
        return -1;
    if (!self->janitor) {
        PGresult *result = s_exec (self, S_JANITOR, 0, NULL, 0);
        self->janitor = result && PQntuples (result) == 1
                     && streq (PQgetvalue (result, 0, 0), "t");
        PQclear (result);
    }
    if (!self->janitor)
        return -1;
    char keep [24];
    snprintf (keep, sizeof (keep), "%" PRId64, keep_ms);
    const char *values [1] = { keep };
    PGresult *result = s_exec (self, S_PRUNE, 1, values, 0);
    int64_t removed = result ? strtoll (PQcmdTuples (result), NULL, 10) : -1;
    PQclear (result);
    if (removed > 0)
        zsys_info ("wb_feed: pruned %" PRId64 " change(s) older than %" PRId64 " ms from the "
                   "change log", removed, keep_ms);
    return removed;
}

size_t
wb_feed_cursors (const wb_feed_t *self)
{
    return self ? zhashx_size (self->cursors) : 0;
}
