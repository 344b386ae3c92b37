/*  wb_store_pg: the PostgreSQL backend of wb_store. See wb_store.h.

    Several wbserver nodes may share one database (doc: multi-node.md), so
    nothing that must be unique or ordered is kept in memory:

    - a workbin's version is bumped by an upsert ... RETURNING under the
      workbin row's lock, so writers to one workbin queue on that row and
      versions stay contiguous (a writer that dies rolls its bump back);
    - an interaction placed in a workbin first locks the rows of the
      workbins it leaves and enters, in (type_id, owner_id) order, and
      only then takes its position from a sequence: positions within a
      workbin follow the order of its versions, on every node;
    - a workbin's number of interactions is kept in its row by a trigger;
    - interaction ids come from a sequence (never given twice, whatever
      rolls back), raised to the caller's floor under an advisory lock.

    Every bump writes the change log's row of its version, in the same
    transaction: what the change wrote to which interaction (remembered
    from its put, insert or delete since the change began), so that other
    nodes can read every committed change again; the commit notifies the
    keys of the transaction's rows (pg_notify, delivered after commit, in
    commit order), several notifications when they would pass 7,999
    bytes. The row also holds the change's event as subscribers receive
    it (change_event, without its version): wb_feed reads it on the other
    nodes and delivers it to their subscribers.

    The schema lives in its own PostgreSQL schema (option schema=, default
    "workbin") with a schema_version table; s_migrations holds one step per
    version, run at open inside one transaction under an advisory lock, so
    that nodes starting together migrate one at a time. A database newer
    than this code is refused.

    Every data statement is prepared once per connection (PQprepare) and
    returns binary results. statement_timeout and lock_timeout are set on
    each connection, so that a stuck database turns into a failed operation
    instead of a server that hangs.

    Locks and group commit: a change locks its interaction, then the rows
    of the workbins it touches in one fixed order, so two transactions of
    one change each never wait for each other in a cycle. A batch's
    transaction keeps each change's locks until its commit; a change after
    the first, waiting for another node's lock, could close a cycle (that
    node waiting for a lock this batch holds: a deadlock PostgreSQL breaks
    only after deadlock_timeout, a second by default). So once the
    transaction holds a change, its lock waits are cut to a millisecond:
    a lock held elsewhere fails the change at once as a conflict, and the
    engine commits the batch's earlier changes and tries it again alone
    (see wb_engine.c).

    A page of a workbin is read with its total and the workbin's version in
    one statement, so one snapshot: the version asked next, in the same
    transaction, is that one (s_pg_t.seen). This holds in READ COMMITTED,
    which the batch's transaction needs because it goes on to write.

    When the connection is lost, every operation fails (-1: the engine
    answers EventError 28) until a reconnect succeeds; reconnects are tried
    at the next operation, no more often than a backoff allows. A
    transaction that was open is gone: its operations fail until the
    caller rolls it back; its commit fails, so nothing is acknowledged that
    was not committed.
*/
#include <ctype.h>
#include <endian.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>
#include <czmq.h>
#include "wb_store_backend.h"
#include "wb_pg_value.h"
#include "wb_protocol.h"
#include "wb_prelude.h"

//  Reconnects: the first at once, then waits doubling up to the most.
#define S_RETRY_FIRST_MS 100
#define S_RETRY_MAX_MS 5000
//  libpq's connect_timeout (seconds) unless the conninfo sets its own.
#define S_CONNECT_TIMEOUT "2"
//  What one notification may carry: PostgreSQL refuses 8,000 bytes.
#define S_NOTIFY_MAX 8000
//  The longest schema name (PostgreSQL's NAMEDATALEN - 1).
#define S_SCHEMA_MAX 63
#define S_ID_MAX 256

// ---------------------------------------------------------------- schema

//  The schema, one migration step per version, all in the store's own
//  PostgreSQL schema (the connection's search_path).
static const char *s_migrations [] = {
    //  1: workbins (version and size per row), interactions, the counts
    //  kept by a trigger, the sequences of positions and ids, and the
    //  idempotency keys of RequestSubmit.
    "CREATE TABLE workbin ("
    "    type_id text NOT NULL,"
    "    owner_id text NOT NULL,"
    "    version bigint NOT NULL DEFAULT 0,"
    "    size bigint NOT NULL DEFAULT 0,"
    "    PRIMARY KEY (type_id, owner_id));"
    "CREATE TABLE interaction ("
    "    id text NOT NULL PRIMARY KEY,"
    "    type_id text,"
    "    owner_id text,"
    "    position bigint NOT NULL,"
    "    moved_at text COLLATE \"C\","
    "    properties bytea NOT NULL);"
    "CREATE INDEX interaction_by_position ON interaction (type_id, owner_id, position);"
    "CREATE INDEX interaction_by_moved_at ON interaction (type_id, owner_id, moved_at);"
    "CREATE SEQUENCE interaction_position;"
    "CREATE SEQUENCE interaction_id MAXVALUE 9223372036854775807;"
    "CREATE TABLE submit_key ("
    "    submitter text NOT NULL,"
    "    key text NOT NULL,"
    "    interaction_id text NOT NULL,"
    "    version bigint NOT NULL,"
    "    PRIMARY KEY (submitter, key));"
    "CREATE FUNCTION workbin_size_change () RETURNS trigger LANGUAGE plpgsql"
    " SET search_path FROM CURRENT AS $$"
    " BEGIN"
    "  IF TG_OP <> 'INSERT' THEN"
    "   IF OLD.type_id IS NOT NULL THEN"
    "    UPDATE workbin SET size = size - 1"
    "     WHERE type_id = OLD.type_id AND owner_id = OLD.owner_id;"
    "   END IF;"
    "  END IF;"
    "  IF TG_OP <> 'DELETE' THEN"
    "   IF NEW.type_id IS NOT NULL THEN"
    "    INSERT INTO workbin AS w (type_id, owner_id, size) VALUES (NEW.type_id, NEW.owner_id, 1)"
    "     ON CONFLICT (type_id, owner_id) DO UPDATE SET size = w.size + 1;"
    "   END IF;"
    "  END IF;"
    "  RETURN NULL;"
    " END $$;"
    "CREATE TRIGGER interaction_size AFTER INSERT OR DELETE ON interaction"
    " FOR EACH ROW EXECUTE FUNCTION workbin_size_change ();"
    "CREATE TRIGGER interaction_size_move AFTER UPDATE OF type_id, owner_id ON interaction"
    " FOR EACH ROW WHEN (OLD.type_id IS DISTINCT FROM NEW.type_id"
    "                 OR OLD.owner_id IS DISTINCT FROM NEW.owner_id)"
    " EXECUTE FUNCTION workbin_size_change ();",
    //  2: the change log, one row per version of a workbin, written by the
    //  bump in the change's own transaction: what the change did to which
    //  interaction (WorkbinContentOperation; 0 when the store was not told)
    //  and its properties after it (NULL: stopped, or not told).
    "CREATE TABLE change_log ("
    "    id bigint GENERATED ALWAYS AS IDENTITY,"
    "    type_id text NOT NULL,"
    "    owner_id text NOT NULL,"
    "    version bigint NOT NULL,"
    "    interaction_id text,"
    "    operation smallint NOT NULL,"
    "    properties bytea,"
    "    made_at timestamptz NOT NULL DEFAULT now (),"
    "    PRIMARY KEY (type_id, owner_id, version));",
    //  3: the event of each change as its subscribers receive it (the
    //  body of EventWorkbinContentChanged without WorkbinVersion), so
    //  that the other nodes deliver it; pruning goes by age.
    "ALTER TABLE change_log ADD COLUMN event bytea;"
    "CREATE INDEX change_log_by_age ON change_log (made_at);",
    //  4: the site (wb_node): node ids, who is logged in on which node,
    //  and what every node must agree on (the directory's hash).
    "CREATE SEQUENCE node_id MAXVALUE 2147483647;"
    "CREATE TABLE login ("
    "    agent_id text NOT NULL PRIMARY KEY,"
    "    node bigint NOT NULL,"
    "    since timestamptz NOT NULL DEFAULT now ());"
    "CREATE TABLE site ("
    "    key text NOT NULL PRIMARY KEY,"
    "    value text NOT NULL);",
};

#define S_SCHEMA_VERSION ((int) (WB_COUNT_OF (s_migrations)))

//  The statements, prepared on each connection under their names.
typedef enum {
    S_VERSION_GET, S_VERSION_BUMP, S_COUNT,
    S_INTERACTION_GET, S_INTERACTION_LOCK, S_LOCK_WORKBINS, S_INTERACTION_PUT, S_INTERACTION_INSERT,
    S_INTERACTION_DELETE, S_PAGE, S_PAGE_AFTER, S_HANDLED_PAGE, S_MOVED_RANGE,
    S_ID_NEXT, S_ID_LOCK, S_ID_RAISE, S_SUBMIT_KEY_GET, S_SUBMIT_KEY_PUT, S_NOTIFY,
    S_TXID_STATUS,
    S_STATEMENT_COUNT
} s_statement_id_t;

typedef struct {
    const char *name;
    const char *sql;
    bool read;                          /* changes nothing: may run again */
} s_statement_t;

//  The page statements return the workbin's size and version on every row
//  (one row of NULLs when the page is empty), read in the same snapshot.
#define S_PAGE_SQL(condition, window) \
    "SELECT w.size, w.version, p.id, p.properties, p.position FROM" \
    " (SELECT COALESCE (MAX (size), 0) AS size, COALESCE (MAX (version), 0) AS version" \
    "  FROM workbin WHERE type_id = $1 AND owner_id = $2) AS w" \
    " LEFT JOIN LATERAL (SELECT id, properties, position FROM interaction" \
    "  WHERE type_id = $1 AND owner_id = $2" condition \
    "  ORDER BY position LIMIT $3" window ") AS p ON true" \
    " ORDER BY p.position"

static const s_statement_t s_statements [S_STATEMENT_COUNT] = {
    [S_VERSION_GET] = { "version_get",
        "SELECT version FROM workbin WHERE type_id = $1 AND owner_id = $2", true },
    //  the new version, and its row of the change log ($3 the interaction,
    //  $4 the operation, $5 its properties, $6 the change's event)
    [S_VERSION_BUMP] = { "version_bump",
        "WITH bumped AS ("
        "  INSERT INTO workbin AS w (type_id, owner_id, version) VALUES ($1, $2, 1)"
        "  ON CONFLICT (type_id, owner_id) DO UPDATE SET version = w.version + 1"
        "  RETURNING version)"
        " INSERT INTO change_log (type_id, owner_id, version, interaction_id, operation,"
        "                         properties, event)"
        " SELECT $1, $2, version, $3::text, $4::smallint, $5::bytea, $6::bytea FROM bumped"
        " RETURNING version" },
    [S_COUNT] = { "count",
        "SELECT size FROM workbin WHERE type_id = $1 AND owner_id = $2", true },
    [S_INTERACTION_GET] = { "interaction_get",
        "SELECT type_id, owner_id, properties FROM interaction WHERE id = $1", true },
    //  read in a transaction, to change it: locked until the transaction
    //  ends, so that another node's change waits and then reads this one's
    [S_INTERACTION_LOCK] = { "interaction_lock",
        "SELECT type_id, owner_id, properties FROM interaction WHERE id = $1 FOR UPDATE" },
    //  the rows of the workbin an interaction ($3) leaves and the one it
    //  enters ($1, $2), made if absent and locked, in one fixed order; the
    //  workbin it leaves (NULL, NULL if new) is the result
    [S_LOCK_WORKBINS] = { "lock_workbins",
        "WITH old AS (SELECT type_id, owner_id FROM interaction WHERE id = $3),"
        " locked AS ("
        "  INSERT INTO workbin AS w (type_id, owner_id)"
        "  SELECT type_id, owner_id FROM"
        "   (SELECT $1::text AS type_id, $2::text AS owner_id"
        "    UNION SELECT type_id, owner_id FROM old) AS touched"
        "  WHERE type_id IS NOT NULL ORDER BY type_id, owner_id"
        "  ON CONFLICT (type_id, owner_id) DO UPDATE SET version = w.version"
        "  RETURNING 1)"
        " SELECT (SELECT type_id FROM old), (SELECT owner_id FROM old),"
        "        (SELECT count (*) FROM locked)" },
    //  a new position, kept if the workbin (or handler) stays the same
    [S_INTERACTION_PUT] = { "interaction_put",
        "INSERT INTO interaction AS i (id, type_id, owner_id, position, moved_at, properties)"
        " VALUES ($1, $2, $3, nextval ('interaction_position'), $4, $5)"
        " ON CONFLICT (id) DO UPDATE SET"
        "  position = CASE WHEN i.type_id IS NOT DISTINCT FROM excluded.type_id"
        "                   AND i.owner_id IS NOT DISTINCT FROM excluded.owner_id"
        "             THEN i.position ELSE excluded.position END,"
        "  type_id = excluded.type_id, owner_id = excluded.owner_id,"
        "  moved_at = excluded.moved_at, properties = excluded.properties" },
    //  a known id inserts nothing (and leaves the transaction usable, as
    //  a refused insert does in SQLite): s_affected tells
    [S_INTERACTION_INSERT] = { "interaction_insert",
        "INSERT INTO interaction (id, type_id, owner_id, position, moved_at, properties)"
        " VALUES ($1, $2, $3, nextval ('interaction_position'), $4, $5)"
        " ON CONFLICT (id) DO NOTHING" },
    [S_INTERACTION_DELETE] = { "interaction_delete",
        "DELETE FROM interaction WHERE id = $1 RETURNING type_id, owner_id" },
    [S_PAGE] = { "page", S_PAGE_SQL ("", " OFFSET $4"), true },
    //  the page that follows the last one read, by its last position ($4)
    [S_PAGE_AFTER] = { "page_after", S_PAGE_SQL (" AND position > $4", ""), true },
    [S_HANDLED_PAGE] = { "handled_page",
        "SELECT c.held, p.id, p.properties FROM"
        " (SELECT count (*) AS held FROM interaction"
        "  WHERE type_id IS NULL AND owner_id = $1) AS c"
        " LEFT JOIN LATERAL (SELECT id, properties, position FROM interaction"
        "  WHERE type_id IS NULL AND owner_id = $1 ORDER BY position LIMIT $2) AS p ON true"
        " ORDER BY p.position", true },
    [S_MOVED_RANGE] = { "moved_range",
        "SELECT COALESCE (MIN (moved_at), ''), COALESCE (MAX (moved_at), '')"
        " FROM interaction WHERE type_id = $1 AND owner_id = $2", true },
    [S_ID_NEXT] = { "id_next", "SELECT nextval ('interaction_id')" },
    //  raising the sequence to a floor: one node at a time, to the end of
    //  its transaction, so that no two raises move it back
    [S_ID_LOCK] = { "id_lock",
        "SELECT pg_advisory_xact_lock (hashtext ('wb_store id ' || current_schema ()))" },
    [S_ID_RAISE] = { "id_raise",
        "SELECT setval ('interaction_id', GREATEST ($1::bigint - 1, s.last_value)),"
        " nextval ('interaction_id') FROM interaction_id AS s" },
    [S_SUBMIT_KEY_GET] = { "submit_key_get",
        "SELECT interaction_id, version FROM submit_key"
        " WHERE submitter = $1 AND key = $2", true },
    [S_SUBMIT_KEY_PUT] = { "submit_key_put",
        "INSERT INTO submit_key (submitter, key, interaction_id, version)"
        " VALUES ($1, $2, $3, $4) ON CONFLICT (submitter, key) DO NOTHING" },
    //  delivered to the channel's listeners when the transaction commits;
    //  the transaction's id, to ask what became of it if the connection
    //  goes during its COMMIT
    [S_NOTIFY] = { "notify", "SELECT pg_notify ($1, $2), txid_current ()" },
    [S_TXID_STATUS] = { "txid_status", "SELECT txid_status ($1::bigint)", true },
};

// ---------------------------------------------------------------- the URI

//  The options of a target (CONNINFO?NAME=VALUE&...), each at most once.
typedef enum { S_OPTION_SCHEMA, S_OPTION_STATEMENT_TIMEOUT, S_OPTION_LOCK_TIMEOUT,
               S_OPTION_COUNT } s_option_id_t;

typedef struct {
    const char *name;
    const char *takes;                  /* for messages */
    const char *fallback;               /* the default */
} s_option_t;

//  The timeouts: a statement that runs longer, or waits longer for a
//  lock, fails (and the engine answers EventError 28) instead of holding
//  the server's one thread.
static const s_option_t s_options [S_OPTION_COUNT] = {
    [S_OPTION_SCHEMA] = { "schema", "a name of lower-case letters, digits and '_'", "workbin" },
    [S_OPTION_STATEMENT_TIMEOUT] = { "statement_timeout", "milliseconds, 1..3600000", "5000" },
    [S_OPTION_LOCK_TIMEOUT] = { "lock_timeout", "milliseconds, 1..3600000", "2000" },
};

typedef struct {
    char *conninfo;
    char values [S_OPTION_COUNT][S_SCHEMA_MAX + 1];     /* "": not given */
} s_target_t;

// ---------------------------------------------------------------- state

typedef struct {
    PGconn *conn;                       /* NULL while the database is away */
    s_target_t target;
    bool in_transaction;                /* begin ran, commit or rollback not yet */
    bool lost_transaction;              /* it went with the connection */
    int64_t retry_at;                   /* wb_mono_ms of the next reconnect */
    int64_t retry_delay;
    uint64_t writes;                    /* writes so far, for the cursor */
    //  where the last page read ended, so that the next page of the same
    //  workbin starts after its last row instead of counting past an
    //  OFFSET, as long as this node wrote nothing since and the workbin
    //  kept its version and size (every change elsewhere bumps it)
    struct {
        char type_id [S_ID_MAX], owner_id [S_ID_MAX];
        int64_t next_from;              /* the From that follows; -1: none */
        int64_t last_position, version, size;
        uint64_t writes;
    } cursor;
    //  the version read with the last page, in the open transaction
    struct {
        char type_id [S_ID_MAX], owner_id [S_ID_MAX];
        int64_t version;
        bool valid;
    } seen;
    //  what the current change (since begin or savepoint) last wrote: an
    //  interaction, the workbin it left and the one it is in, its
    //  properties (NULL: deleted), for the change log rows of its bumps
    struct {
        bool valid;
        char *id;
        bool left, entered;
        char left_type [S_ID_MAX], left_owner [S_ID_MAX];
        char entered_type [S_ID_MAX], entered_owner [S_ID_MAX];
        uint8_t *blob;
        size_t size;
    } change;
    //  the keys of the change log rows of the open transaction, one line
    //  "TYPE_ID\tOWNER_ID\tVERSION\n" each, notified at commit; where
    //  they stood at the change's savepoint
    char *keys;
    size_t keys_length, keys_capacity, keys_at_savepoint;
    //  the last statement failed on a deadlock, a serialization failure
    //  or a lock it did not wait for
    bool conflict;
    //  the open transaction holds a change (a released savepoint), and its
    //  lock waits are cut short (SET LOCAL lock_timeout)
    bool holds_change, waits_cut;
    //  the open transaction's id once it notified its keys; 0: not known
    int64_t txid;
    //  the event the next bump logs (change_event), or NULL
    uint8_t *event;
    size_t event_size;
} s_pg_t;

static int s_connect (s_pg_t *self, bool migrate, char *error, size_t error_size);

// ---------------------------------------------------------------- helpers

//  The first line of a libpq message, for logs and errors.
static const char *
s_line (const char *message, char *line, size_t size)
{
    snprintf (line, size, "%.*s", (int) strcspn (message ? message : "", "\n"),
              message ? message : "");
    return line;
}

//  The connection is gone: drop it, and let the next operation try again.
static void
s_lost (s_pg_t *self)
{
    zsys_error ("wb_store: the connection to PostgreSQL is lost; operations fail until "
                "it is back%s", self->in_transaction ? " (the open transaction is lost)" : "");
    PQfinish (self->conn);
    self->conn = NULL;
    self->lost_transaction = self->in_transaction;
    self->retry_at = wb_mono_ms ();
    self->retry_delay = S_RETRY_FIRST_MS;
}

//  Log a failed statement; note a connection that went with it. -1.
static int
s_fail (s_pg_t *self, const char *what, const PGresult *result)
{
    char line [512];
    const char *message = result && *PQresultErrorMessage (result)
                        ? PQresultErrorMessage (result) : PQerrorMessage (self->conn);
    //  40P01 deadlock_detected, 40001 serialization_failure, 55P03
    //  lock_not_available (a lock timeout)
    const char *state = result ? PQresultErrorField (result, PG_DIAG_SQLSTATE) : NULL;
    self->conflict = state && (streq (state, "40P01") || streq (state, "40001")
                           || (streq (state, "55P03") && self->waits_cut));
    //  a conflict is tried again (wb_engine.c logs that): not an error yet
    if (self->conflict)
        zsys_info ("wb_store: %s: %s", what, s_line (message, line, sizeof (line)));
    else
        zsys_error ("wb_store: %s: %s", what, s_line (message, line, sizeof (line)));
    if (PQstatus (self->conn) == CONNECTION_BAD)
        s_lost (self);
    return -1;
}

//  True if there is a connection to use: reconnect when the backoff
//  allows. Not while a transaction lost with the last connection is
//  still open (the caller must roll it back first).
static bool
s_ready (s_pg_t *self)
{
    if (self->lost_transaction)
        return false;
    if (self->conn)
        return true;
    int64_t now = wb_mono_ms ();
    if (now < self->retry_at)
        return false;
    char error [512];
    if (s_connect (self, false, error, sizeof (error)) == 0) {
        zsys_info ("wb_store: connected to PostgreSQL again");
        return true;
    }
    zsys_error ("wb_store: reconnect failed, next try in %" PRId64 " ms: %s",
                self->retry_delay, error);
    self->retry_at = now + self->retry_delay;
    self->retry_delay = self->retry_delay * 2 < S_RETRY_MAX_MS ? self->retry_delay * 2
                                                               : S_RETRY_MAX_MS;
    return false;
}

//  Run a command without parameters (transaction control); 0 or -1.
static int
s_command (s_pg_t *self, const char *sql)
{
    if (!s_ready (self))
        return -1;
    PGresult *result = PQexec (self->conn, sql);
    int rc = PQresultStatus (result) == PGRES_COMMAND_OK ? 0 : s_fail (self, sql, result);
    PQclear (result);
    return rc;
}

//  True if a statement that just failed may run again at once: the
//  connection went with it (a database restarted since the last
//  request), and running it again cannot apply anything twice.
static bool
s_may_retry (s_pg_t *self, bool harmless)
{
    return !self->conn && !self->in_transaction && harmless;
}

//  Run a prepared statement; parameters are text (NULL: SQL NULL) except
//  those lengths says are binary (length >= 0). Binary results, or NULL
//  (logged) on failure. A read outside a transaction that finds the
//  connection gone runs once more, on a new one.
static PGresult *
s_exec (s_pg_t *self, s_statement_id_t id, int count, const char *const *values,
        const int *lengths)
{
    int formats [8] = { 0 };
    for (int index = 0; lengths && index < count; index++)
        formats [index] = lengths [index] >= 0;
    for (int attempt = 0; attempt < 2 && s_ready (self); attempt++) {
        PGresult *result = PQexecPrepared (self->conn, s_statements [id].name, count, values,
                                           lengths, formats, 1);
        ExecStatusType status = PQresultStatus (result);
        if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
            return result;
        s_fail (self, s_statements [id].name, result);
        PQclear (result);
        if (!s_may_retry (self, s_statements [id].read))
            break;
    }
    return NULL;
}

//  A one-value statement: the bigint of its first row into *value, 0 if no
//  row. 0 or -1.
static int
s_value (s_pg_t *self, s_statement_id_t id, int count, const char *const *values,
         int64_t *value)
{
    PGresult *result = s_exec (self, id, count, values, NULL);
    if (!result)
        return -1;
    *value = PQntuples (result) > 0 ? wb_pg_int64 (result, 0, 0) : 0;
    PQclear (result);
    return 0;
}

//  A write's result: 0 if it wrote a row, -1 (logged) if it wrote none
//  (a known key) or failed. Clears the result.
static int
s_affected (PGresult *result, const char *what)
{
    int rc = result && strcmp (PQcmdTuples (result), "0") != 0 ? 0 : -1;
    if (result && rc)
        zsys_error ("wb_store: %s: the key is known already", what);
    PQclear (result);
    return rc;
}

//  A workbin as parameters $1 and $2: it needs a type id; a NULL owner id
//  is the empty string. -1 without a type id.
static int
s_workbin_params (wb_workbin_ref_t workbin, const char **values)
{
    if (!workbin.type_id)
        return -1;
    values [0] = workbin.type_id;
    values [1] = workbin.owner_id ? workbin.owner_id : "";
    return 0;
}

//  True if a and b name the workbin kept in type_id and owner_id.
static bool
s_same_workbin (wb_workbin_ref_t workbin, const char *type_id, const char *owner_id)
{
    return workbin.type_id && strcmp (workbin.type_id, type_id) == 0
        && strcmp (workbin.owner_id ? workbin.owner_id : "", owner_id) == 0;
}

//  Keep a workbin's ids in two buffers of S_ID_MAX; false if too long.
static bool
s_keep_workbin (wb_workbin_ref_t workbin, char *type_id, char *owner_id)
{
    const char *owner = workbin.owner_id ? workbin.owner_id : "";
    if (!workbin.type_id || strlen (workbin.type_id) >= S_ID_MAX || strlen (owner) >= S_ID_MAX)
        return false;
    snprintf (type_id, S_ID_MAX, "%s", workbin.type_id);
    snprintf (owner_id, S_ID_MAX, "%s", owner);
    return true;
}

//  Copy column text into a buffer of size bytes (NULL is ""); -1 if it does
//  not fit. A NULL buffer is skipped.
static int
s_copy_text (char *buffer, size_t size, const PGresult *result, int row, int column)
{
    if (!buffer)
        return 0;
    const char *text = PQgetisnull (result, row, column) ? ""
                     : PQgetvalue (result, row, column);
    size_t length = strlen (text);
    if (length >= size)
        return -1;
    memcpy (buffer, text, length + 1);
    return 0;
}

//  A write succeeded: count it (the page cursor), forget the version seen.
static int
s_wrote (s_pg_t *self, int rc)
{
    if (rc == 0)
        self->writes++;
    self->seen.valid = false;
    return rc;
}

// ---------------------------------------------------------------- the change log

//  Forget what the current change wrote.
static void
s_change_forget (s_pg_t *self)
{
    zstr_free (&self->change.id);
    free (self->change.blob);
    self->change.blob = NULL;
    self->change.valid = false;
}

//  Note what a change wrote: interaction id, which left the workbin that
//  result (row 0, columns 0 and 1) names, if any, for workbin (type id
//  NULL: none), with properties blob (NULL: deleted).
static void
s_change_keep (s_pg_t *self, const char *id, const PGresult *result,
               wb_workbin_ref_t workbin, const uint8_t *blob, size_t size)
{
    s_change_forget (self);
    wb_workbin_ref_t left = { NULL, NULL };
    if (PQntuples (result) > 0 && !PQgetisnull (result, 0, 0)) {
        left.type_id = PQgetvalue (result, 0, 0);
        left.owner_id = PQgetvalue (result, 0, 1);
    }
    self->change.left = left.type_id
        && s_keep_workbin (left, self->change.left_type, self->change.left_owner);
    self->change.entered = workbin.type_id
        && s_keep_workbin (workbin, self->change.entered_type, self->change.entered_owner);
    self->change.id = wb_strdup (id);
    self->change.blob = blob ? wb_malloc (size) : NULL;
    if (blob)
        memcpy (self->change.blob, blob, size);
    self->change.size = size;
    self->change.valid = true;
}

//  Forget the event the next bump would have logged.
static void
s_event_forget (s_pg_t *self)
{
    free (self->event);
    self->event = NULL;
    self->event_size = 0;
}

//  Keep the event of the change that the next bump logs.
static int
s_change_event (void *backend, const uint8_t *event, size_t size)
{
    s_pg_t *self = backend;
    if (!event || size > INT32_MAX)
        return -1;
    s_event_forget (self);
    self->event = wb_malloc (size);
    memcpy (self->event, event, size);
    self->event_size = size;
    return 0;
}

//  What the current change did to a workbin it bumps, as a
//  WorkbinContentOperation; 0 when the store was not told.
static int
s_operation (const s_pg_t *self, wb_workbin_ref_t workbin)
{
    bool entered = self->change.valid && self->change.entered
                && s_same_workbin (workbin, self->change.entered_type,
                                   self->change.entered_owner);
    bool left = self->change.valid && self->change.left
             && s_same_workbin (workbin, self->change.left_type, self->change.left_owner);
    return entered && left ? WB_CONTENT_PROPERTIES_CHANGED
         : entered ? WB_CONTENT_PLACED_IN : left ? WB_CONTENT_TAKEN_OUT : 0;
}

//  Add the key of a change log row to those the commit notifies.
static void
s_keys_add (s_pg_t *self, wb_workbin_ref_t workbin, int64_t version)
{
    char line [S_NOTIFY_MAX];
    int length = snprintf (line, sizeof (line), "%s\t%s\t%" PRId64 "\n", workbin.type_id,
                           workbin.owner_id ? workbin.owner_id : "", version);
    if (length <= 0 || (size_t) length >= sizeof (line)) {
        zsys_warning ("wb_store: a change key of %d bytes is not notified", length);
        return;
    }
    if (wb_grow (&self->keys, &self->keys_capacity, self->keys_length + (size_t) length + 1,
                 1, SIZE_MAX) == 0) {
        memcpy (self->keys + self->keys_length, line, (size_t) length + 1);
        self->keys_length += (size_t) length;
    }
}

//  Notify the keys of the transaction's changes on the channel named as
//  the schema, inside the transaction (PostgreSQL delivers them when it
//  commits): one notification, or several when the keys pass what one
//  carries, each cut at a line's end. 0 or -1.
static int
s_keys_notify (s_pg_t *self)
{
    const char *channel = self->target.values [S_OPTION_SCHEMA];
    for (size_t start = 0; start < self->keys_length; ) {
        size_t end = start, next;
        //  whole lines, while they fit
        while (end < self->keys_length
           &&  (next = (size_t) (strchr (self->keys + end, '\n') - self->keys) + 1)
               - start < S_NOTIFY_MAX)
            end = next;
        char *payload = wb_malloc (end - start + 1);
        memcpy (payload, self->keys + start, end - start);
        payload [end - start] = 0;
        const char *values [2] = { channel, payload };
        PGresult *result = s_exec (self, S_NOTIFY, 2, values, NULL);
        free (payload);
        if (result && PQntuples (result) == 1)
            self->txid = wb_pg_int64 (result, 0, 1);
        PQclear (result);
        if (!result)
            return -1;
        start = end;
    }
    return 0;
}

// ---------------------------------------------------------------- transactions

//  A transaction or a change starts or ends: forget the version seen
//  with a page and what the last change wrote.
static void
s_boundary (s_pg_t *self)
{
    self->seen.valid = false;
    s_change_forget (self);
}

//  Start a transaction; -1 inside one (transactions do not nest).
static int
s_begin (void *backend)
{
    s_pg_t *self = backend;
    s_boundary (self);
    if (self->in_transaction)
        return -1;
    //  a connection found gone at BEGIN lost nothing: start on a new one
    if (s_command (self, "BEGIN")
    &&  (!s_may_retry (self, true) || s_command (self, "BEGIN")))
        return -1;
    self->in_transaction = true;
    self->holds_change = self->waits_cut = false;
    self->keys_length = self->keys_at_savepoint = 0;
    self->txid = 0;
    return 0;
}

//  The connection went while COMMIT ran: the transaction may have
//  committed. A new connection (at once, not after the backoff) asks what
//  became of it: 0 if it committed, so that it is acknowledged (answering
//  EventError 28 would have the client make it twice); -1 if it did not,
//  or if no one can tell.
static int
s_commit_in_doubt (s_pg_t *self)
{
    char error [512], text [24];
    snprintf (text, sizeof (text), "%" PRId64, self->txid);
    if (s_connect (self, false, error, sizeof (error))) {
        zsys_error ("wb_store: the connection went during COMMIT of transaction %s, and "
                    "PostgreSQL cannot be asked whether it committed: %s", text, error);
        return -1;
    }
    const char *values [1] = { text };
    PGresult *result = s_exec (self, S_TXID_STATUS, 1, values, NULL);
    bool committed = result && PQntuples (result) == 1 && !PQgetisnull (result, 0, 0)
                  && strcmp (PQgetvalue (result, 0, 0), "committed") == 0;
    PQclear (result);
    zsys_warning ("wb_store: the connection went during COMMIT; transaction %s %s", text,
                  committed ? "had committed: it stands" : "had not committed");
    return committed ? 0 : -1;
}

//  The connection's own lock timeout again, before COMMIT: commit waits for
//  the lock that orders notifications, which is no conflict to fail on.
static int
s_waits_restore (s_pg_t *self)
{
    if (!self->waits_cut)
        return 0;
    char sql [32 + S_SCHEMA_MAX];
    snprintf (sql, sizeof (sql), "SET LOCAL lock_timeout = %s",
              self->target.values [S_OPTION_LOCK_TIMEOUT]);
    return s_command (self, sql);
}

//  Notify the keys of the transaction's changes, then commit; -1 if no
//  transaction is open, if it failed, or if the connection went before
//  PostgreSQL said COMMIT.
static int
s_commit (void *backend)
{
    s_pg_t *self = backend;
    s_boundary (self);
    if (!self->in_transaction)
        return -1;
    if (self->lost_transaction || !self->conn || s_waits_restore (self)
    ||  s_keys_notify (self)) {
        if (self->conn && !self->lost_transaction)
            s_command (self, "ROLLBACK");
        self->in_transaction = self->lost_transaction = false;
        return -1;
    }
    PGresult *result = PQexec (self->conn, "COMMIT");
    //  a transaction in error answers COMMIT with ROLLBACK
    int rc = PQresultStatus (result) == PGRES_COMMAND_OK
          && strcmp (PQcmdStatus (result), "COMMIT") == 0 ? 0 : -1;
    if (rc && PQresultStatus (result) != PGRES_COMMAND_OK)
        s_fail (self, "commit", result);
    else
    if (rc)
        zsys_error ("wb_store: commit: the transaction had failed, it was rolled back");
    PQclear (result);
    self->in_transaction = self->lost_transaction = false;
    if (rc && !self->conn && self->txid)
        rc = s_commit_in_doubt (self);
    return rc;
}

//  Roll back the open transaction; nothing to do (0) if none is open or
//  it went with the connection.
static int
s_rollback (void *backend)
{
    s_pg_t *self = backend;
    s_boundary (self);
    bool open = self->in_transaction && !self->lost_transaction && self->conn;
    self->in_transaction = self->lost_transaction = false;
    return open ? s_command (self, "ROLLBACK") : 0;
}

//  A change starts inside the open transaction. Once the transaction holds
//  a change, a lock held elsewhere is waited for a millisecond at most
//  (set before the savepoint, so that a change rolled back keeps it).
static int
s_savepoint (void *backend)
{
    s_pg_t *self = backend;
    s_boundary (self);
    self->keys_at_savepoint = self->keys_length;
    if (!self->holds_change || self->waits_cut)
        return s_command (self, "SAVEPOINT change");
    if (s_command (self, "SET LOCAL lock_timeout = 1; SAVEPOINT change"))
        return -1;
    self->waits_cut = true;
    return 0;
}

static int
s_release (void *backend)
{
    s_pg_t *self = backend;
    s_boundary (self);
    if (s_command (self, "RELEASE SAVEPOINT change"))
        return -1;
    self->holds_change = true;
    return 0;
}

//  Undo the change since the savepoint, its keys too (also after a failed
//  statement, which PostgreSQL otherwise keeps the whole transaction
//  failed for).
static int
s_rollback_to (void *backend)
{
    s_pg_t *self = backend;
    s_boundary (self);
    self->keys_length = self->keys_at_savepoint;
    if (!self->in_transaction || s_command (self, "ROLLBACK TO SAVEPOINT change"))
        return -1;
    return s_command (self, "RELEASE SAVEPOINT change");
}

//  Run several statements as one: in their own transaction if none is
//  open. own says whether s_own_end must end it.
static int
s_own_begin (s_pg_t *self, bool *own)
{
    *own = !self->in_transaction;
    return *own ? s_begin (self) : 0;
}

static int
s_own_end (s_pg_t *self, bool own, int rc)
{
    if (!own)
        return rc;
    if (rc == 0)
        return s_commit (self);
    s_rollback (self);
    return -1;
}

// ---------------------------------------------------------------- workbins

//  A workbin's version; 0 if it never changed. Right after a page of the
//  same workbin in the open transaction, the version read with it.
static int
s_workbin_version (void *backend, wb_workbin_ref_t workbin, int64_t *version)
{
    s_pg_t *self = backend;
    const char *values [2];
    if (!version || s_workbin_params (workbin, values))
        return -1;
    if (self->in_transaction && self->seen.valid
    &&  s_same_workbin (workbin, self->seen.type_id, self->seen.owner_id)) {
        *version = self->seen.version;
        return 0;
    }
    return s_value (self, S_VERSION_GET, 2, values, version);
}

//  Add one to a workbin's version under its row's lock, and write the
//  change log's row of that version (in its own transaction if none is
//  open, so that its key is notified); *version (optional) gets it.
static int
s_bump_version (void *backend, wb_workbin_ref_t workbin, int64_t *version)
{
    s_pg_t *self = backend;
    const char *values [6];
    int64_t bumped = 0;
    if (s_workbin_params (workbin, values))
        return -1;
    char operation [8];
    snprintf (operation, sizeof (operation), "%d", s_operation (self, workbin));
    bool told = self->change.valid;
    values [2] = told ? self->change.id : NULL;
    values [3] = operation;
    values [4] = told ? (const char *) self->change.blob : NULL;
    values [5] = (const char *) self->event;
    const int lengths [6] = { -1, -1, -1, -1, told ? (int) self->change.size : 0,
                              (int) self->event_size };
    bool own;
    PGresult *result = s_own_begin (self, &own) ? NULL
                     : s_exec (self, S_VERSION_BUMP, 6, values, lengths);
    s_event_forget (self);
    if (result && PQntuples (result) == 1) {
        bumped = wb_pg_int64 (result, 0, 0);
        s_keys_add (self, workbin, bumped);
    }
    int rc = result && PQntuples (result) == 1 ? 0 : -1;
    PQclear (result);
    rc = s_own_end (self, own, rc);
    if (rc == 0 && version)
        *version = bumped;
    return s_wrote (self, rc);
}

static int
s_workbin_count (void *backend, wb_workbin_ref_t workbin, int64_t *count)
{
    const char *values [2];
    if (!count || s_workbin_params (workbin, values))
        return -1;
    return s_value (backend, S_COUNT, 2, values, count);
}

//  Oldest and newest MovedToQueueAt of a workbin (truncated to fit:
//  ISO-8601 text keeps its order when cut short); "" if none.
static int
s_workbin_moved_range (void *backend, wb_workbin_ref_t workbin,
                       char *oldest, char *newest, size_t text_size)
{
    const char *values [2];
    if (!oldest || !newest || text_size == 0 || s_workbin_params (workbin, values))
        return -1;
    *oldest = *newest = 0;
    PGresult *result = s_exec (backend, S_MOVED_RANGE, 2, values, NULL);
    if (!result)
        return -1;
    snprintf (oldest, text_size, "%s", PQgetvalue (result, 0, 0));
    snprintf (newest, text_size, "%s", PQgetvalue (result, 0, 1));
    PQclear (result);
    return 0;
}

// ---------------------------------------------------------------- interactions

//  Decode a properties column; NULL, logged, if it does not decode.
static wb_kvlist_t *
s_decode (const PGresult *result, int row, int column, const char *id)
{
    wb_codec_status_t status = WB_CODEC_OK;
    wb_kvlist_t *list = wb_kvlist_decode ((const uint8_t *) PQgetvalue (result, row, column),
                                          (size_t) PQgetlength (result, row, column), &status);
    if (!list)
        zsys_error ("wb_store: interaction %s: stored properties do not decode: %s",
                    id, wb_codec_status_text (status));
    return list;
}

//  An interaction's properties and workbin ("" and "" when in none).
//  *found: 1 found, 0 unknown, -1 failure (also a NULL id).
static wb_kvlist_t *
s_interaction_get (void *backend, const char *interaction_id,
                   char *type_id, char *owner_id, size_t id_size, int *found)
{
    int ignored;
    found = found ? found : &ignored;
    *found = -1;
    if (type_id && id_size)
        *type_id = 0;
    if (owner_id && id_size)
        *owner_id = 0;
    if (!interaction_id)
        return NULL;
    s_pg_t *self = backend;
    PGresult *result = s_exec (self, self->in_transaction ? S_INTERACTION_LOCK
                                                          : S_INTERACTION_GET,
                               1, &interaction_id, NULL);
    if (!result)
        return NULL;
    wb_kvlist_t *properties = NULL;
    if (PQntuples (result) == 0)
        *found = 0;
    else
    if (s_copy_text (type_id, id_size, result, 0, 0)
    ||  s_copy_text (owner_id, id_size, result, 0, 1))
        zsys_error ("wb_store: interaction %s: workbin id longer than %zu bytes",
                    interaction_id, id_size ? id_size - 1 : 0);
    else
    if ((properties = s_decode (result, 0, 2, interaction_id)))
        *found = 1;
    PQclear (result);
    return properties;
}

//  Write an interaction with statement id (put: insert or replace;
//  insert: insert only), after locking the rows of the workbins it leaves
//  and enters, so that its position comes under their locks.
static int
s_interaction_write (s_pg_t *self, s_statement_id_t id, const char *interaction_id,
                     wb_workbin_ref_t workbin, const wb_kvlist_t *properties)
{
    if (!interaction_id || !properties)
        return -1;
    size_t size = 0;
    uint8_t *blob = wb_kvlist_encode (properties, &size);
    if (!blob || size > INT32_MAX) {
        zsys_error ("wb_store: interaction %s: properties cannot be encoded", interaction_id);
        free (blob);
        return -1;
    }
    const char *moved_at = wb_kvlist_type (properties, WB_ATTR_MOVED_TO_QUEUE_AT) == WB_TYPE_STRING
                         ? wb_kvlist_string (properties, WB_ATTR_MOVED_TO_QUEUE_AT) : NULL;
    //  in a workbin, a NULL owner is ""; in none, it is who handles it
    const char *owner_id = workbin.owner_id || !workbin.type_id ? workbin.owner_id : "";
    const char *lock [3] = { workbin.type_id, owner_id, interaction_id };
    const char *values [5] = { interaction_id, workbin.type_id, owner_id, moved_at,
                               (const char *) blob };
    const int lengths [5] = { -1, -1, -1, -1, (int) size };
    bool own;
    int rc = s_own_begin (self, &own);
    PGresult *locked = rc ? NULL : s_exec (self, S_LOCK_WORKBINS, 3, lock, NULL);
    PGresult *written = locked ? s_exec (self, id, 5, values, lengths) : NULL;
    rc = s_affected (written, s_statements [id].name);
    if (rc == 0)
        s_change_keep (self, interaction_id, locked, workbin, blob, size);
    PQclear (locked);
    free (blob);
    return s_wrote (self, s_own_end (self, own, rc));
}

static int
s_interaction_put (void *backend, const char *interaction_id,
                   wb_workbin_ref_t workbin, const wb_kvlist_t *properties)
{
    return s_interaction_write (backend, S_INTERACTION_PUT, interaction_id, workbin, properties);
}

static int
s_interaction_insert (void *backend, const char *interaction_id,
                      wb_workbin_ref_t workbin, const wb_kvlist_t *properties)
{
    return s_interaction_write (backend, S_INTERACTION_INSERT, interaction_id, workbin,
                                properties);
}

//  Remove an interaction; an unknown id is not an error.
static int
s_interaction_delete (void *backend, const char *interaction_id)
{
    s_pg_t *self = backend;
    if (!interaction_id)
        return -1;
    PGresult *result = s_exec (self, S_INTERACTION_DELETE, 1, &interaction_id, NULL);
    wb_workbin_ref_t nowhere = { NULL, NULL };
    if (result && PQntuples (result) > 0)
        s_change_keep (self, interaction_id, result, nowhere, NULL, 0);
    int rc = result ? 0 : -1;
    PQclear (result);
    return s_wrote (self, rc);
}

//  A new interaction id, at least floor, from the sequence: unique on
//  every node, never given twice even when its transaction rolls back.
//  Below the floor (a node's first id), the sequence is raised to it
//  under a lock that the raise holds until its transaction ends.
static int
s_new_interaction_id (void *backend, uint64_t floor, uint64_t *id)
{
    s_pg_t *self = backend;
    int64_t next = 0;
    if (!id || floor > (uint64_t) INT64_MAX || s_value (self, S_ID_NEXT, 0, NULL, &next))
        return -1;
    if ((uint64_t) next < floor) {
        char text [24];
        snprintf (text, sizeof (text), "%" PRIu64, floor);
        const char *values [1] = { text };
        bool own;
        PGresult *result = NULL;
        int rc = s_own_begin (self, &own) || s_value (self, S_ID_LOCK, 0, NULL, &next)
              || !(result = s_exec (self, S_ID_RAISE, 1, values, NULL)) ? -1 : 0;
        next = result ? wb_pg_int64 (result, 0, 1) : 0;
        PQclear (result);
        if (s_own_end (self, own, rc))
            return s_wrote (self, -1);
    }
    *id = (uint64_t) next;
    return s_wrote (self, 0);
}

// ---------------------------------------------------------------- pages

//  Add one stored interaction to a page as it is stored, checked (a
//  damaged database must not make us send garbage). 0, or -1 logged.
static int
s_page_add (wb_kvlist_t *page, const PGresult *result, int row, int column, const char *id)
{
    wb_codec_status_t status = WB_CODEC_OK;
    if (wb_kvlist_add_encoded (page, WB_ATTR_INTERACTION,
                               (const uint8_t *) PQgetvalue (result, row, column),
                               (size_t) PQgetlength (result, row, column), &status) == 0)
        return 0;
    zsys_error ("wb_store: interaction %s: stored properties do not decode: %s",
                id, wb_codec_status_text (status));
    return -1;
}

//  Add the rows of a page result (columns: id, then properties, from
//  column first) to out, stopping before their encodings pass
//  WB_PAGE_BYTES_MAX (at least one). The number added, or -1.
static int
s_page_fill (const PGresult *result, int first, wb_kvlist_t *out)
{
    size_t bytes = 0;
    int added = 0;
    for (int row = 0; row < PQntuples (result) && !PQgetisnull (result, row, first); row++) {
        size_t size = (size_t) PQgetlength (result, row, first + 1);
        if (added > 0 && bytes + size > WB_PAGE_BYTES_MAX)
            break;
        if (s_page_add (out, result, row, first + 1, PQgetvalue (result, row, first)))
            return -1;
        bytes += size;
        added++;
    }
    return added;
}

//  True if a page of workbin at from follows the last page read, with
//  nothing written by this node since.
static bool
s_cursor_follows (s_pg_t *self, wb_workbin_ref_t workbin, int64_t from)
{
    return from > 0 && from == self->cursor.next_from && self->writes == self->cursor.writes
        && s_same_workbin (workbin, self->cursor.type_id, self->cursor.owner_id);
}

//  Read a page: after the cursor's last row if it follows (and the
//  workbin kept its version and size since), else by offset. The result,
//  or NULL.
static PGresult *
s_page_query (s_pg_t *self, wb_workbin_ref_t workbin, int64_t from, int64_t count)
{
    char limit [24], start [24];
    const char *values [4];
    s_workbin_params (workbin, values);
    snprintf (limit, sizeof (limit), "%" PRId64, count);
    values [2] = limit;
    values [3] = start;
    if (s_cursor_follows (self, workbin, from)) {
        snprintf (start, sizeof (start), "%" PRId64, self->cursor.last_position);
        PGresult *result = s_exec (self, S_PAGE_AFTER, 4, values, NULL);
        if (!result || (wb_pg_int64 (result, 0, 0) == self->cursor.size
                        && wb_pg_int64 (result, 0, 1) == self->cursor.version))
            return result;
        PQclear (result);
    }
    snprintf (start, sizeof (start), "%" PRId64, from);
    return s_exec (self, S_PAGE, 4, values, NULL);
}

//  Remember where a page ended, and the version read with it.
static void
s_page_seen (s_pg_t *self, wb_workbin_ref_t workbin, const PGresult *result,
             int64_t next_from, int rows)
{
    self->cursor.next_from = -1;
    self->seen.valid = s_keep_workbin (workbin, self->seen.type_id, self->seen.owner_id);
    self->seen.version = wb_pg_int64 (result, 0, 1);
    if (rows == 0 || !s_keep_workbin (workbin, self->cursor.type_id, self->cursor.owner_id))
        return;
    self->cursor.next_from = next_from;
    self->cursor.last_position = wb_pg_int64 (result, rows - 1, 4);
    self->cursor.size = wb_pg_int64 (result, 0, 0);
    self->cursor.version = wb_pg_int64 (result, 0, 1);
    self->cursor.writes = self->writes;
}

//  Append one entry "Interaction" per interaction of the page to out; *total
//  gets the workbin's size, read with the page. A bad row takes back what
//  the page added, so out stays as it was.
static int
s_workbin_page (void *backend, wb_workbin_ref_t workbin, int64_t from,
                int64_t count, wb_kvlist_t *out, int64_t *total)
{
    s_pg_t *self = backend;
    const char *values [2];
    if (!out || from < 0 || count < 0 || s_workbin_params (workbin, values))
        return -1;
    PGresult *result = s_page_query (self, workbin, from, count);
    if (!result)
        return -1;
    int64_t size = wb_pg_int64 (result, 0, 0);
    int64_t rows = size > from ? size - from : 0;
    rows = rows < count ? rows : count;
    size_t before = wb_kvlist_size (out);
    int added = -1;
    if ((size_t) rows > WB_ENTRIES_MAX - before)
        zsys_error ("wb_store: a page of %" PRId64 " interactions is over the list limit", rows);
    else
    if (wb_kvlist_reserve (out, before + (size_t) rows) == 0)
        added = s_page_fill (result, 2, out);
    if (added >= 0)
        s_page_seen (self, workbin, result, from + added, added);
    else
        wb_kvlist_truncate (out, before);
    PQclear (result);
    if (added < 0)
        return -1;
    if (total)
        *total = size;
    return 0;
}

//  The interactions a handler holds (in no workbin, owner_id the handler),
//  oldest pull first, and how many it holds, read in one statement.
static int
s_handled_page (void *backend, const char *handler, int64_t count, wb_kvlist_t *out,
                int64_t *total)
{
    if (!handler || !out || count < 0)
        return -1;
    int64_t limit = count < WB_ENTRIES_MAX ? count : WB_ENTRIES_MAX;
    char text [24];
    snprintf (text, sizeof (text), "%" PRId64, limit);
    const char *values [2] = { handler, text };
    PGresult *result = s_exec (backend, S_HANDLED_PAGE, 2, values, NULL);
    if (!result)
        return -1;
    size_t before = wb_kvlist_size (out);
    int added = (size_t) PQntuples (result) > WB_ENTRIES_MAX - before ? -1
              : s_page_fill (result, 1, out);
    if (added < 0)
        wb_kvlist_truncate (out, before);
    else
    if (total)
        *total = wb_pg_int64 (result, 0, 0);
    PQclear (result);
    return added < 0 ? -1 : 0;
}

// ---------------------------------------------------------------- submit keys

//  What a submitter's key gave: *found 1 (id and version filled) or 0.
static int
s_submit_key_get (void *backend, const char *submitter, const char *key,
                  char *interaction_id, size_t id_size, int64_t *version, int *found)
{
    if (!submitter || !key || !interaction_id || !version || !found)
        return -1;
    *found = 0;
    const char *values [2] = { submitter, key };
    PGresult *result = s_exec (backend, S_SUBMIT_KEY_GET, 2, values, NULL);
    if (!result)
        return -1;
    int rc = 0;
    if (PQntuples (result) > 0) {
        rc = s_copy_text (interaction_id, id_size, result, 0, 0);
        *version = wb_pg_int64 (result, 0, 1);
        *found = rc == 0;
    }
    PQclear (result);
    return rc;
}

//  Remember what a submitter's key gave; -1 if the key is known already.
static int
s_submit_key_put (void *backend, const char *submitter, const char *key,
                  const char *interaction_id, int64_t version)
{
    if (!submitter || !key || !interaction_id)
        return -1;
    char text [24];
    snprintf (text, sizeof (text), "%" PRId64, version);
    const char *values [4] = { submitter, key, interaction_id, text };
    PGresult *result = s_exec (backend, S_SUBMIT_KEY_PUT, 4, values, NULL);
    return s_wrote (backend, s_affected (result, "submit key"));
}

// ---------------------------------------------------------------- close

static void
s_close (void *backend)
{
    s_pg_t *self = backend;
    if (!self)
        return;
    PQfinish (self->conn);
    s_change_forget (self);
    s_event_forget (self);
    free (self->keys);
    free (self->target.conninfo);
    free (self);
}

static bool
s_conflict_retry (void *backend)
{
    s_pg_t *self = backend;
    bool conflict = self->conflict;
    self->conflict = false;
    return conflict;
}

static int
s_session_id (void *backend)
{
    s_pg_t *self = backend;
    return self->conn ? PQbackendPID (self->conn) : 0;
}

static const wb_store_ops_t s_ops = {
    .name = "postgresql",
    .close = s_close,
    .begin = s_begin,
    .commit = s_commit,
    .rollback = s_rollback,
    .savepoint = s_savepoint,
    .release = s_release,
    .rollback_to = s_rollback_to,
    .workbin_version = s_workbin_version,
    .bump_version = s_bump_version,
    .interaction_get = s_interaction_get,
    .interaction_put = s_interaction_put,
    .interaction_insert = s_interaction_insert,
    .new_interaction_id = s_new_interaction_id,
    .interaction_delete = s_interaction_delete,
    .workbin_page = s_workbin_page,
    .workbin_count = s_workbin_count,
    .handled_page = s_handled_page,
    .workbin_moved_range = s_workbin_moved_range,
    .submit_key_get = s_submit_key_get,
    .submit_key_put = s_submit_key_put,
    .change_event = s_change_event,
    .session_id = s_session_id,
    .may_retry = s_conflict_retry,
};

// ---------------------------------------------------------------- parsing

//  The option that length bytes of text name, or NULL.
static const s_option_t *
s_option (const char *text, size_t length)
{
    for (size_t index = 0; index < S_OPTION_COUNT; index++)
        if (strlen (s_options [index].name) == length
        &&  memcmp (s_options [index].name, text, length) == 0)
            return &s_options [index];
    return NULL;
}

//  True if length bytes of value suit the option: a schema name, or a
//  number of milliseconds.
static bool
s_option_valid (s_option_id_t id, const char *value, size_t length)
{
    if (length == 0 || length > S_SCHEMA_MAX)
        return false;
    const char *allowed = id == S_OPTION_SCHEMA ? "abcdefghijklmnopqrstuvwxyz0123456789_"
                                                : "0123456789";
    if (strspn (value, allowed) < length)
        return false;
    if (id == S_OPTION_SCHEMA)
        return !isdigit ((unsigned char) *value);
    long milliseconds = length <= 7 ? strtol (value, NULL, 10) : 0;
    return milliseconds >= 1 && milliseconds <= 3600000;
}

//  Read one NAME=VALUE, length bytes of text; 0, or -1 with error filled.
static int
s_parse_option (const char *uri, const char *text, size_t length, s_target_t *target,
                char *error, size_t error_size)
{
    const char *equals = memchr (text, '=', length);
    size_t name_length = equals ? (size_t) (equals - text) : length;
    const s_option_t *option = s_option (text, name_length);
    if (!option)
        return wb_store_open_error (error, error_size, uri, "unknown option '%.*s' (known: "
                                    "schema, statement_timeout, lock_timeout)",
                                    (int) name_length, text);
    s_option_id_t id = (s_option_id_t) (option - s_options);
    size_t value_length = equals ? length - name_length - 1 : 0;
    if (!equals || !s_option_valid (id, equals + 1, value_length))
        return wb_store_open_error (error, error_size, uri, "option %s takes %s, not '%.*s'",
                                    option->name, option->takes, (int) value_length,
                                    equals ? equals + 1 : "");
    if (*target->values [id])
        return wb_store_open_error (error, error_size, uri, "option %s is given twice",
                                    option->name);
    memcpy (target->values [id], equals + 1, value_length);
    target->values [id][value_length] = 0;
    return 0;
}

//  Read a target, CONNINFO[?OPTIONS]: the conninfo checked by libpq
//  (an unknown keyword is an error), each option by its table.
static int
s_parse_target (const char *uri, const char *text, s_target_t *target,
                char *error, size_t error_size)
{
    size_t length = strcspn (text, "?");
    target->conninfo = wb_strdup (text);
    target->conninfo [length] = 0;
    char *message = NULL;
    PQconninfoOption *parsed = PQconninfoParse (target->conninfo, &message);
    if (!parsed) {
        char line [256];
        wb_store_open_error (error, error_size, uri, "connection info: %s",
                             s_line (message ? message : "out of memory", line, sizeof (line)));
        PQfreemem (message);
        return -1;
    }
    PQconninfoFree (parsed);
    for (const char *option = text + length; *option; ) {
        option++;
        size_t option_length = strcspn (option, "&");
        if (option_length == 0)
            return wb_store_open_error (error, error_size, uri, "an empty option (options are "
                                        "NAME=VALUE, after '?', separated by '&')");
        if (s_parse_option (uri, option, option_length, target, error, error_size))
            return -1;
        option += option_length;
    }
    for (size_t index = 0; index < S_OPTION_COUNT; index++)
        if (!*target->values [index])
            snprintf (target->values [index], sizeof (target->values [index]), "%s",
                      s_options [index].fallback);
    return 0;
}

// ---------------------------------------------------------------- open

//  Notices (such as "schema exists, skipping") go to the log, not to
//  the terminal.
static void
s_notice (void *argument, const char *message)
{
    (void) argument;
    char line [512];
    zsys_debug ("wb_store: %s", s_line (message, line, sizeof (line)));
}

//  Run a command of the open transaction while connecting; 0, or -1 with
//  error filled (the result's message).
static int
s_setup (s_pg_t *self, const char *sql, int count, const char *const *values,
         PGresult **result_p, char *error, size_t error_size)
{
    //  without parameters, the simple protocol: a step of several commands
    PGresult *result = count ? PQexecParams (self->conn, sql, count, NULL, values, NULL, NULL, 0)
                             : PQexec (self->conn, sql);
    ExecStatusType status = PQresultStatus (result);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
        if (result_p)
            *result_p = result;
        else
            PQclear (result);
        return 0;
    }
    char line [400];
    snprintf (error, error_size, "%s", s_line (PQresultErrorMessage (result), line,
                                               sizeof (line)));
    PQclear (result);
    return -1;
}

//  Bring the schema to S_SCHEMA_VERSION in one transaction, under an
//  advisory lock: one node at a time. Refuse a newer database.
static int
s_migrate (s_pg_t *self, char *error, size_t error_size)
{
    const char *schema = self->target.values [S_OPTION_SCHEMA];
    char sql [160];
    PGresult *result = NULL;
    snprintf (sql, sizeof (sql), "CREATE SCHEMA IF NOT EXISTS \"%s\"", schema);
    if (s_setup (self, "BEGIN", 0, NULL, NULL, error, error_size)
    ||  s_setup (self, "SELECT pg_advisory_xact_lock (hashtext ('wb_store schema ' || $1))",
                 1, &schema, NULL, error, error_size)
    ||  s_setup (self, sql, 0, NULL, NULL, error, error_size)
    ||  s_setup (self, "CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)",
                 0, NULL, NULL, error, error_size)
    ||  s_setup (self, "SELECT COALESCE (MAX (version), 0) FROM schema_version", 0, NULL,
                 &result, error, error_size))
        return -1;
    int version = atoi (PQgetvalue (result, 0, 0));
    PQclear (result);
    if (version > S_SCHEMA_VERSION) {
        snprintf (error, error_size, "database schema %d is newer than this wbserver (%d)",
                  version, S_SCHEMA_VERSION);
        return -1;
    }
    for (; version < S_SCHEMA_VERSION; version++) {
        snprintf (sql, sizeof (sql), "DELETE FROM schema_version;"
                  " INSERT INTO schema_version VALUES (%d)", version + 1);
        if (s_setup (self, s_migrations [version], 0, NULL, NULL, error, error_size)
        ||  s_setup (self, sql, 0, NULL, NULL, error, error_size))
            return -1;
        zsys_info ("wb_store: database schema %s migrated to version %d", schema, version + 1);
    }
    return s_setup (self, "COMMIT", 0, NULL, NULL, error, error_size);
}

//  The connection's settings: its schema, and the timeouts.
static int
s_settings (s_pg_t *self, char *error, size_t error_size)
{
    char sql [384];
    snprintf (sql, sizeof (sql), "SET search_path TO \"%s\"; SET statement_timeout = %s;"
              " SET lock_timeout = %s; SET client_min_messages = warning",
              self->target.values [S_OPTION_SCHEMA],
              self->target.values [S_OPTION_STATEMENT_TIMEOUT],
              self->target.values [S_OPTION_LOCK_TIMEOUT]);
    PGresult *result = PQexec (self->conn, sql);
    int rc = PQresultStatus (result) == PGRES_COMMAND_OK ? 0 : -1;
    if (rc) {
        char line [400];
        snprintf (error, error_size, "%s", s_line (PQresultErrorMessage (result), line,
                                                   sizeof (line)));
    }
    PQclear (result);
    return rc;
}

//  Prepare every statement on the connection.
static int
s_prepare (s_pg_t *self, char *error, size_t error_size)
{
    for (int id = 0; id < S_STATEMENT_COUNT; id++) {
        PGresult *result = PQprepare (self->conn, s_statements [id].name,
                                      s_statements [id].sql, 0, NULL);
        int rc = PQresultStatus (result) == PGRES_COMMAND_OK ? 0 : -1;
        if (rc) {
            char line [400];
            snprintf (error, error_size, "prepare %s: %s", s_statements [id].name,
                      s_line (PQresultErrorMessage (result), line, sizeof (line)));
        }
        PQclear (result);
        if (rc)
            return -1;
    }
    return 0;
}

//  Connect (the conninfo's own settings win over connect_timeout), set
//  the connection up, migrate if asked, prepare. 0, or -1 with the
//  reason in error and no connection.
static int
s_connect (s_pg_t *self, bool migrate, char *error, size_t error_size)
{
    const char *keywords [] = { "connect_timeout", "fallback_application_name", "dbname", NULL };
    const char *values [] = { S_CONNECT_TIMEOUT, "wbserver", self->target.conninfo, NULL };
    self->conn = PQconnectdbParams (keywords, values, 1);
    if (PQstatus (self->conn) != CONNECTION_OK) {
        char line [400];
        snprintf (error, error_size, "%s", s_line (PQerrorMessage (self->conn), line,
                                                   sizeof (line)));
    }
    else {
        PQsetNoticeProcessor (self->conn, s_notice, NULL);
        if (s_settings (self, error, error_size) == 0
        &&  (!migrate || s_migrate (self, error, error_size) == 0)
        &&  s_prepare (self, error, error_size) == 0)
            return 0;
    }
    PQfinish (self->conn);
    self->conn = NULL;
    return -1;
}

//  The PostgreSQL backend's entry in the registry (wb_store.c): connect
//  to the database that the target (CONNINFO[?OPTIONS]) names, migrated;
//  NULL with error filled.
wb_store_t *
wb_store_pg_open (const char *uri, const char *target_text, char *error, size_t error_size)
{
    s_pg_t *self = wb_calloc (1, sizeof (s_pg_t));
    self->cursor.next_from = -1;
    wb_store_t *store = NULL;
    char reason [512];
    if (s_parse_target (uri, target_text, &self->target, error, error_size) == 0) {
        if (s_connect (self, true, reason, sizeof (reason)) == 0)
            store = wb_store_new (&s_ops, self);
        else
            wb_store_open_error (error, error_size, uri, "%s", reason);
    }
    if (!store)
        s_close (self);
    return store;
}

//  The conninfo and schema of a postgresql: URI, for the change feed's
//  own connection (wb_feed).
int
wb_store_pg_target (const char *uri, char **conninfo, char *schema, size_t schema_size,
                    char *error, size_t error_size)
{
    static const char scheme [] = "postgresql:";
    if (!uri || !conninfo || strncmp (uri, scheme, strlen (scheme)) != 0)
        return wb_store_open_error (error, error_size, uri ? uri : "(none)",
                                    "not a postgresql: store");
    s_target_t target = { 0 };
    int rc = s_parse_target (uri, uri + strlen (scheme), &target, error, error_size);
    if (rc == 0) {
        snprintf (schema, schema_size, "%s", target.values [S_OPTION_SCHEMA]);
        *conninfo = target.conninfo;
    }
    else
        free (target.conninfo);
    return rc;
}
