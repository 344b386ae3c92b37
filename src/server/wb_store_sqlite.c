/*  wb_store_sqlite: the SQLite backend of wb_store. See wb_store.h.

    One file, WAL journal, one writing process. The schema carries its
    version in PRAGMA user_version; s_migrations holds one step per
    version (SQL, and for data SQL cannot reach, a function), step N taking
    a database from version N-1 to N, each in its own transaction. A
    database newer than this code is refused.

    An interaction in no workbin (pulled) has a NULL type_id; its owner_id
    names who handles it (its AssignedTo), so that one index serves both
    a workbin's page and a handler's list.

    An interaction's position is a global counter, taken whenever it is new
    or changes workbin, so ordering a workbin by position gives the order of
    placement. The next value is kept in memory (MAX(position) + 1 at open);
    a rolled-back transaction only leaves a gap.

    Every statement is prepared once at open and reset after each use, so
    that no read statement keeps a snapshot open between calls.

    A page sends each interaction's stored bytes as they are. The bytes are
    checked in full (wb_kvlist_add_encoded: a damaged or hostile file must
    not make us send what a client refuses) the first time a row is read
    after open, and its depth is kept by rowid (s_checked_t); later reads
    only bound them. A row this process writes is encoded by us, but its
    depth may change: the write forgets its rowid. A rollback, and a commit
    by any other connection, forget them all: the pager's data version
    (SQLITE_FCNTL_DATA_VERSION, no statement to run) is looked at inside
    each read and each write transaction, and noted after our own commit,
    so that only another connection's commit changes it in between.

    Opened through wb_store_open ("sqlite:PATH[?OPTIONS]"), the registry
    hands wb_store_sqlite_open the target: the path, %-escaped, and the
    options (s_options), each a PRAGMA that only takes the values listed.
*/
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sqlite3.h>
#include <czmq.h>
#include "wb_store_backend.h"
#include "wb_protocol.h"
#include "wb_prelude.h"
#include "wb_protocol.h"

#define S_BUSY_TIMEOUT_MS 5000

static int s_migrate_handlers (sqlite3 *db);

//  The schema, one migration step per version.
typedef struct {
    const char *sql;
    int (*fill) (sqlite3 *db);          /* then this, if not NULL; 0 or -1 */
} s_migration_t;

static const s_migration_t s_migrations [] = {
    {     //  1: workbins' versions, interactions, and the indexes that serve one
    //  workbin: its order of placement, and its MovedToQueueAt range.
    "CREATE TABLE workbin ("
    "    type_id TEXT NOT NULL,"
    "    owner_id TEXT NOT NULL,"
    "    version INTEGER NOT NULL,"
    "    PRIMARY KEY (type_id, owner_id)"
    ") WITHOUT ROWID;"
    "CREATE TABLE interaction ("
    "    id TEXT NOT NULL PRIMARY KEY,"
    "    type_id TEXT,"
    "    owner_id TEXT,"
    "    position INTEGER NOT NULL,"
    "    moved_at TEXT,"
    "    properties BLOB NOT NULL"
    ");"
    "CREATE INDEX interaction_by_position ON interaction (type_id, owner_id, position);"
    "CREATE INDEX interaction_by_moved_at ON interaction (type_id, owner_id, moved_at);", NULL },
    //  2: named counters that outlive the rows they count: the last
    //  interaction id handed out (an interaction that was deleted keeps
    //  its id from ever being given again).
    { "CREATE TABLE counter ("
    "    name TEXT NOT NULL PRIMARY KEY,"
    "    value INTEGER NOT NULL"
    ") WITHOUT ROWID;", NULL },
    //  3: the number of interactions of each workbin, kept by triggers, so
    //  that counting one (statistic, types info, pages) does not scan it.
    { "CREATE TABLE workbin_size ("
    "    type_id TEXT NOT NULL,"
    "    owner_id TEXT NOT NULL,"
    "    size INTEGER NOT NULL,"
    "    PRIMARY KEY (type_id, owner_id)"
    ") WITHOUT ROWID;"
    "INSERT INTO workbin_size SELECT type_id, owner_id, COUNT(*) FROM interaction"
    " WHERE type_id IS NOT NULL AND owner_id IS NOT NULL GROUP BY type_id, owner_id;"
    "CREATE TRIGGER workbin_size_insert AFTER INSERT ON interaction"
    " WHEN NEW.type_id IS NOT NULL AND NEW.owner_id IS NOT NULL BEGIN"
    "  INSERT INTO workbin_size VALUES (NEW.type_id, NEW.owner_id, 1)"
    "   ON CONFLICT (type_id, owner_id) DO UPDATE SET size = size + 1;"
    " END;"
    "CREATE TRIGGER workbin_size_delete AFTER DELETE ON interaction"
    " WHEN OLD.type_id IS NOT NULL AND OLD.owner_id IS NOT NULL BEGIN"
    "  UPDATE workbin_size SET size = size - 1"
    "   WHERE type_id = OLD.type_id AND owner_id = OLD.owner_id;"
    " END;"
    "CREATE TRIGGER workbin_size_move AFTER UPDATE OF type_id, owner_id ON interaction"
    " WHEN OLD.type_id IS NOT NEW.type_id OR OLD.owner_id IS NOT NEW.owner_id BEGIN"
    "  UPDATE workbin_size SET size = size - 1"
    "   WHERE type_id = OLD.type_id AND owner_id = OLD.owner_id;"
    "  INSERT INTO workbin_size SELECT NEW.type_id, NEW.owner_id, 1"
    "   WHERE NEW.type_id IS NOT NULL AND NEW.owner_id IS NOT NULL"
    "   ON CONFLICT (type_id, owner_id) DO UPDATE SET size = size + 1;"
    " END;", NULL },
    //  4: an interaction in no workbin names its handler in owner_id (it
    //  was NULL): read from the AssignedTo of each one's properties.
    { "", s_migrate_handlers },
};

#define S_SCHEMA_VERSION ((int) (WB_COUNT_OF (s_migrations)))

//  The statements, prepared at open.
typedef enum {
    S_BEGIN, S_COMMIT, S_ROLLBACK, S_SAVEPOINT, S_RELEASE, S_ROLLBACK_TO,
    S_VERSION_GET, S_VERSION_BUMP,
    S_INTERACTION_GET, S_INTERACTION_PUT, S_INTERACTION_INSERT, S_INTERACTION_ROWID,
    S_INTERACTION_DELETE,
    S_PAGE_HEAD, S_PAGE, S_PAGE_AFTER, S_COUNT, S_HANDLED_PAGE, S_HANDLED_COUNT, S_MOVED_OLDEST, S_MOVED_NEWEST, S_LAST_POSITION,
    S_LAST_ID_COUNTED, S_LAST_ID_STORED, S_LAST_ID_SET,
    S_SUBMIT_KEY_GET, S_SUBMIT_KEY_PUT,
    S_STATEMENT_COUNT
} s_statement_id_t;

//  No statement that changes a row says RETURNING: SQLite runs such a
//  statement to its end into a table of its own first, which cost more
//  than the change (callgrind: about 20,000 instructions each, three per
//  change); the value is read after it instead.
static const char *s_statement_sql [S_STATEMENT_COUNT] = {
    [S_BEGIN] = "BEGIN IMMEDIATE",
    [S_COMMIT] = "COMMIT",
    [S_ROLLBACK] = "ROLLBACK",
    [S_SAVEPOINT] = "SAVEPOINT change",
    [S_RELEASE] = "RELEASE change",
    [S_ROLLBACK_TO] = "ROLLBACK TO change",
    [S_VERSION_GET] =
        "SELECT version FROM workbin WHERE type_id = ?1 AND owner_id = ?2",
    [S_VERSION_BUMP] =
        "INSERT INTO workbin (type_id, owner_id, version) VALUES (?1, ?2, 1)"
        " ON CONFLICT (type_id, owner_id) DO UPDATE SET version = version + 1",
    [S_INTERACTION_GET] =
        "SELECT type_id, owner_id, properties FROM interaction WHERE id = ?1",
    //  ?4 is the next position: kept if the workbin stays the same
    [S_INTERACTION_PUT] =
        "INSERT INTO interaction (id, type_id, owner_id, position, moved_at, properties)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
        " ON CONFLICT (id) DO UPDATE SET"
        "  position = CASE WHEN type_id IS excluded.type_id"
        "                   AND owner_id IS excluded.owner_id"
        "             THEN position ELSE excluded.position END,"
        "  type_id = excluded.type_id, owner_id = excluded.owner_id,"
        "  moved_at = excluded.moved_at, properties = excluded.properties",
    //  a new one: an existing id is a constraint failure, never replaced
    [S_INTERACTION_INSERT] =
        "INSERT INTO interaction (id, type_id, owner_id, position, moved_at, properties)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [S_INTERACTION_ROWID] = "SELECT rowid FROM interaction WHERE id = ?1",
    [S_INTERACTION_DELETE] = "DELETE FROM interaction WHERE id = ?1",
    //  a page's version and size, read first and held while its rows are
    //  (one read transaction: the page and its header are of one snapshot)
    [S_PAGE_HEAD] =
        "SELECT (SELECT version FROM workbin WHERE type_id = ?1 AND owner_id = ?2),"
        " (SELECT size FROM workbin_size WHERE type_id = ?1 AND owner_id = ?2)",
    //  a page's rows: properties, position, rowid (the id is read only to
    //  name a damaged row: a column less costs each row less)
    [S_PAGE] =
        "SELECT properties, position, rowid FROM interaction"
        " WHERE type_id = ?1 AND owner_id = ?2"
        " ORDER BY position LIMIT ?3 OFFSET ?4",
    //  the page that follows the last one read, by its last position (?4)
    [S_PAGE_AFTER] =
        "SELECT properties, position, rowid FROM interaction"
        " WHERE type_id = ?1 AND owner_id = ?2 AND position > ?4"
        " ORDER BY position LIMIT ?3",
    [S_COUNT] =
        "SELECT COALESCE ((SELECT size FROM workbin_size"
        " WHERE type_id = ?1 AND owner_id = ?2), 0)",
    [S_HANDLED_PAGE] =
        "SELECT properties, NULL, rowid FROM interaction"
        " WHERE type_id IS NULL AND owner_id = ?1"
        " ORDER BY position LIMIT ?2",
    [S_HANDLED_COUNT] =
        "SELECT COUNT(*) FROM interaction WHERE type_id IS NULL AND owner_id = ?1",
    [S_MOVED_OLDEST] =
        "SELECT MIN(moved_at) FROM interaction WHERE type_id = ?1 AND owner_id = ?2",
    [S_MOVED_NEWEST] =
        "SELECT MAX(moved_at) FROM interaction WHERE type_id = ?1 AND owner_id = ?2",
    [S_LAST_POSITION] = "SELECT MAX(position) FROM interaction",
    [S_LAST_ID_COUNTED] = "SELECT value FROM counter WHERE name = 'interaction_id'",
    //  ids are 16 upper-case hex digits, so the greatest text is the
    //  greatest number (a database of schema 1 has no counter yet)
    [S_LAST_ID_STORED] = "SELECT MAX(id) FROM interaction WHERE length (id) = 16",
    [S_LAST_ID_SET] =
        "INSERT INTO counter (name, value) VALUES ('interaction_id', ?1)"
        " ON CONFLICT (name) DO UPDATE SET value = MAX(value, excluded.value)",
    [S_SUBMIT_KEY_GET] =
        "SELECT interaction_id, version FROM submit_key WHERE submitter = ?1 AND key = ?2",
    [S_SUBMIT_KEY_PUT] =
        "INSERT INTO submit_key (submitter, key, interaction_id, version)"
        " VALUES (?1, ?2, ?3, ?4)",
};

//  Rows whose rowid is under this have their check remembered (a byte
//  each, 16 MiB at most); a row past it is checked on every read.
#define S_CHECKED_ROWIDS_MAX ((size_t) 1 << 24)


//  RequestSubmit's idempotency keys, made at open if absent: a table of its
//  own, which older servers ignore (not a step of s_migrations, so that the
//  schema's numbered steps stay the interactions' own).
static const char *s_submit_key_table =
    "CREATE TABLE IF NOT EXISTS submit_key ("
    "    submitter TEXT NOT NULL,"
    "    key TEXT NOT NULL,"
    "    interaction_id TEXT NOT NULL,"
    "    version INTEGER NOT NULL,"
    "    PRIMARY KEY (submitter, key)"
    ") WITHOUT ROWID;";

typedef struct {
    sqlite3 *db;
    sqlite3_stmt *statements [S_STATEMENT_COUNT];
    int64_t next_position;              /* for the next placement */
    uint64_t last_interaction_id;       /* the greatest id handed out */
    int owner_fd;                       /* holds the file's flock; -1: none */
    char *wal_path;                     /* the write-ahead log; NULL: not watched */
    dev_t wal_device;                   /* its identity when the store opened */
    ino_t wal_inode;
    bool wal_lost;                      /* it was removed or replaced since */
    int changes_at_begin;               /* sqlite3_total_changes at s_begin */
    //  the rows read since open whose bytes were checked: the depth
    //  wb_kvlist_check found, by rowid (0: not checked, or forgotten)
    struct {
        uint8_t *depth;
        size_t size;
        unsigned int data_version;      /* the pager's, as last looked at */
    } checked;
    //  where the last page read ended, so that the next page of the same
    //  workbin starts after its last row instead of counting past an
    //  OFFSET (a deep page cost as much as every row before it), as long
    //  as nothing at all was written since (then the order is the same)
    struct {
        char type_id [256], owner_id [256];
        int64_t next_from;              /* the From that follows it; -1: none */
        int64_t last_position;
        sqlite3_int64 writes;           /* sqlite3_total_changes64 then */
    } cursor;
} s_sqlite_t;

// ---------------------------------------------------------------- helpers

//  Log what failed with SQLite's message; return -1.
static int
s_fail (s_sqlite_t *self, const char *what)
{
    zsys_error ("wb_store: %s: %s", what, sqlite3_errmsg (self->db));
    return -1;
}

//  A prepared statement, reset and unbound, ready for its next use.
static sqlite3_stmt *
s_statement (s_sqlite_t *self, s_statement_id_t id)
{
    sqlite3_stmt *statement = self->statements [id];
    sqlite3_reset (statement);
    sqlite3_clear_bindings (statement);
    return statement;
}

//  Release a statement after use (ends its read, drops its bindings);
//  return rc, so that a caller can end with "return s_done (...)".
static int
s_done (sqlite3_stmt *statement, int rc)
{
    sqlite3_reset (statement);
    sqlite3_clear_bindings (statement);
    return rc;
}

//  Bind a workbin to ?1 and ?2: a workbin needs a type id; a NULL owner
//  id is the empty string.
static int
s_bind_workbin (sqlite3_stmt *statement, wb_workbin_ref_t workbin)
{
    if (!workbin.type_id)
        return -1;
    const char *owner_id = workbin.owner_id ? workbin.owner_id : "";
    if (sqlite3_bind_text (statement, 1, workbin.type_id, -1, SQLITE_STATIC) != SQLITE_OK
    ||  sqlite3_bind_text (statement, 2, owner_id, -1, SQLITE_STATIC) != SQLITE_OK)
        return -1;
    return 0;
}

//  Run a statement that needs no result beyond success.
static int
s_run (s_sqlite_t *self, s_statement_id_t id, const char *what)
{
    sqlite3_stmt *statement = s_statement (self, id);
    int rc = sqlite3_step (statement) == SQLITE_DONE ? 0 : s_fail (self, what);
    return s_done (statement, rc);
}

//  Step a one-row, one-column statement whose parameters are bound; the
//  value goes to *value, 0 for a NULL or an absent row. 0 or -1.
static int
s_step_value (s_sqlite_t *self, sqlite3_stmt *statement, const char *what, int64_t *value)
{
    int rc = sqlite3_step (statement);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return s_done (statement, s_fail (self, what));
    *value = rc == SQLITE_ROW ? sqlite3_column_int64 (statement, 0) : 0;
    return s_done (statement, 0);
}

//  A one-value query about a workbin: its version or its count.
static int
s_workbin_value (s_sqlite_t *self, s_statement_id_t id, const char *what,
                 wb_workbin_ref_t workbin, int64_t *value)
{
    if (!self || !value)
        return -1;
    sqlite3_stmt *statement = s_statement (self, id);
    if (s_bind_workbin (statement, workbin))
        return s_done (statement, -1);
    return s_step_value (self, statement, what, value);
}

//  Copy column text into a buffer of size bytes (NULL text is ""); -1 if it
//  does not fit. A NULL buffer is skipped.
static int
s_copy_text (char *buffer, size_t size, const unsigned char *text)
{
    if (!buffer)
        return 0;
    const char *source = text ? (const char *) text : "";
    size_t length = strlen (source);
    if (length >= size)
        return -1;
    memcpy (buffer, source, length + 1);
    return 0;
}

//  Decode a properties blob; NULL, logged, if it does not decode.
static wb_kvlist_t *
s_decode (const void *blob, int size, const char *id)
{
    wb_codec_status_t status = WB_CODEC_OK;
    wb_kvlist_t *list = wb_kvlist_decode (blob, (size_t) size, &status);
    if (!list)
        zsys_error ("wb_store: interaction %s: stored properties do not decode: %s",
                    id ? id : "(in a page)", wb_codec_status_text (status));
    return list;
}

// ---------------------------------------------------------------- checked rows

//  Forget every row's check: rolled-back rows may hold older bytes.
static void
s_checked_forget_all (s_sqlite_t *self)
{
    if (self->checked.depth)
        memset (self->checked.depth, 0, self->checked.size);
}

//  Forget one row's check: this process wrote it (valid, but its depth
//  may differ).
static void
s_checked_forget (s_sqlite_t *self, int64_t rowid)
{
    if (rowid >= 0 && (uint64_t) rowid < self->checked.size)
        self->checked.depth [rowid] = 0;
}

//  The data version of the main database's pager: it changes with every
//  commit, ours and (seen as a read starts) any other connection's.
static unsigned int
s_data_version (s_sqlite_t *self)
{
    unsigned int version = 0;
    if (sqlite3_file_control (self->db, "main", SQLITE_FCNTL_DATA_VERSION, &version)
    !=  SQLITE_OK)
        version = self->checked.data_version + 1;      //  unknown: as if changed
    return version;
}

//  Inside a read or a write transaction: forget every check if another
//  connection committed since the last look (another program may have
//  written any row).
static void
s_checked_revalidate (s_sqlite_t *self)
{
    unsigned int version = s_data_version (self);
    if (version != self->checked.data_version)
        s_checked_forget_all (self);
    self->checked.data_version = version;
}

//  The depth a row's bytes were found to have; 0 if not checked.
static size_t
s_checked_depth (const s_sqlite_t *self, int64_t rowid)
{
    return rowid >= 0 && (uint64_t) rowid < self->checked.size
         ? self->checked.depth [rowid] : 0;
}

//  Remember a row's check (nothing past S_CHECKED_ROWIDS_MAX).
static void
s_checked_keep (s_sqlite_t *self, int64_t rowid, size_t depth)
{
    if (rowid < 0 || (uint64_t) rowid >= S_CHECKED_ROWIDS_MAX)
        return;
    if ((uint64_t) rowid >= self->checked.size) {
        size_t size = self->checked.size ? self->checked.size : 4096;
        while (size <= (uint64_t) rowid)
            size *= 2;
        self->checked.depth = wb_realloc (self->checked.depth, size);
        memset (self->checked.depth + self->checked.size, 0, size - self->checked.size);
        self->checked.size = size;
    }
    self->checked.depth [rowid] = (uint8_t) depth;
}

// ---------------------------------------------------------------- transactions

//  Start a write transaction now, so that a busy database shows up here.
static int
s_begin (void *backend)
{
    s_sqlite_t *self = backend;
    self->changes_at_begin = sqlite3_total_changes (self->db);
    //  the transaction reads the latest commit: another's shows here,
    //  before our own commit changes the version too
    if (s_run (backend, S_BEGIN, "begin"))
        return -1;
    s_checked_revalidate (self);
    return 0;
}

//  True if the write-ahead log is still the file the store opened. SQLite
//  writes on through its open descriptor when the file is deleted (or
//  replaced) under it, and what it writes there is lost when the process
//  ends: so nothing more is committed, and the log says why, once.
static bool
s_wal_intact (s_sqlite_t *self)
{
    struct stat status;
    if (!self->wal_path || self->wal_lost)
        return !self->wal_lost;
    if (stat (self->wal_path, &status) == 0
    &&  status.st_dev == self->wal_device && status.st_ino == self->wal_inode)
        return true;
    self->wal_lost = true;
    zsys_error ("wb_store: the write-ahead log %s was removed or replaced while the server "
                "runs: no change is committed any more (restart the server)", self->wal_path);
    return false;
}

//  Commit; durable as the synchronous setting defines it. Not a write when
//  the write-ahead log is gone: the caller rolls back and reports it.
static int
s_commit (void *backend)
{
    s_sqlite_t *self = backend;
    bool wrote = sqlite3_total_changes (self->db) != self->changes_at_begin;
    if (wrote && !s_wal_intact (self))
        return -1;
    if (s_run (backend, S_COMMIT, "commit"))
        return -1;
    self->checked.data_version = s_data_version (self);     //  our own commit
    return 0;
}

//  Roll back the open transaction; nothing to do (0) if none is open.
static int
s_rollback (void *backend)
{
    s_sqlite_t *self = backend;
    s_checked_forget_all (self);
    if (sqlite3_get_autocommit (self->db))
        return 0;
    int rc = s_run (self, S_ROLLBACK, "rollback");
    self->checked.data_version = s_data_version (self);
    return rc;
}

//  Mark the start of one change inside the open transaction.
static int
s_savepoint (void *backend)
{
    return s_run (backend, S_SAVEPOINT, "savepoint");
}

//  Keep the change since the savepoint, in the open transaction.
static int
s_release (void *backend)
{
    return s_run (backend, S_RELEASE, "release savepoint");
}

//  Undo the change since the savepoint, and drop the savepoint. -1 if the
//  transaction itself is gone (SQLite rolls it all back on some errors).
static int
s_rollback_to (void *backend)
{
    s_sqlite_t *self = backend;
    s_checked_forget_all (self);
    if (sqlite3_get_autocommit (self->db))
        return -1;
    if (s_run (self, S_ROLLBACK_TO, "rollback to savepoint"))
        return -1;
    return s_run (self, S_RELEASE, "release savepoint");
}

// ---------------------------------------------------------------- workbins

//  A workbin's version; 0 if it never changed.
static int
s_workbin_version (void *backend, wb_workbin_ref_t workbin, int64_t *version)
{
    return s_workbin_value (backend, S_VERSION_GET, "workbin version", workbin, version);
}

//  Add one to a workbin's version; *version (optional) gets the new value.
static int
s_bump_version (void *backend, wb_workbin_ref_t workbin, int64_t *version)
{
    int64_t ignored;
    return s_workbin_value (backend, S_VERSION_BUMP, "bump version", workbin, &ignored)
        || s_workbin_value (backend, S_VERSION_GET, "workbin version", workbin,
                            version ? version : &ignored) ? -1 : 0;
}

//  Number of interactions in a workbin.
static int
s_workbin_count (void *backend, wb_workbin_ref_t workbin, int64_t *count)
{
    return s_workbin_value (backend, S_COUNT, "workbin count", workbin, count);
}

//  One end of a workbin's MovedToQueueAt range into text (truncated to
//  fit: ISO-8601 text keeps its order when cut short); "" if none.
static int
s_moved_end (s_sqlite_t *self, s_statement_id_t id, wb_workbin_ref_t workbin,
             char *text, size_t text_size)
{
    sqlite3_stmt *statement = s_statement (self, id);
    if (s_bind_workbin (statement, workbin))
        return s_done (statement, -1);
    int rc = sqlite3_step (statement);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return s_done (statement, s_fail (self, "moved range"));
    const unsigned char *value = rc == SQLITE_ROW ? sqlite3_column_text (statement, 0) : NULL;
    snprintf (text, text_size, "%s", value ? (const char *) value : "");
    return s_done (statement, 0);
}

//  Oldest and newest MovedToQueueAt of a workbin; empty strings if none.
static int
s_workbin_moved_range (void *backend, wb_workbin_ref_t workbin,
                       char *oldest, char *newest, size_t text_size)
{
    s_sqlite_t *self = backend;
    if (!oldest || !newest || text_size == 0)
        return -1;
    *oldest = *newest = 0;
    return s_moved_end (self, S_MOVED_OLDEST, workbin, oldest, text_size)
        || s_moved_end (self, S_MOVED_NEWEST, workbin, newest, text_size) ? -1 : 0;
}

// ---------------------------------------------------------------- interactions

//  The workbin and properties of the current row of S_INTERACTION_GET; NULL
//  (logged) if an id does not fit id_size or the properties do not decode.
static wb_kvlist_t *
s_interaction_row (sqlite3_stmt *statement, const char *interaction_id,
                   char *type_id, char *owner_id, size_t id_size)
{
    if (s_copy_text (type_id, id_size, sqlite3_column_text (statement, 0))
    ||  s_copy_text (owner_id, id_size, sqlite3_column_text (statement, 1))) {
        zsys_error ("wb_store: interaction %s: workbin id longer than %zu bytes",
                    interaction_id, id_size ? id_size - 1 : 0);
        return NULL;
    }
    const void *blob = sqlite3_column_blob (statement, 2);
    return s_decode (blob, sqlite3_column_bytes (statement, 2), interaction_id);
}

//  An interaction's properties and workbin ("" and "" when in none).
//  *found: 1 found, 0 unknown, -1 failure (also a NULL id).
static wb_kvlist_t *
s_interaction_get (void *backend, const char *interaction_id,
                   char *type_id, char *owner_id, size_t id_size, int *found)
{
    s_sqlite_t *self = backend;
    int ignored;
    found = found ? found : &ignored;
    *found = -1;
    if (type_id && id_size)
        *type_id = 0;
    if (owner_id && id_size)
        *owner_id = 0;
    sqlite3_stmt *statement = s_statement (self, S_INTERACTION_GET);
    if (!interaction_id
    ||  sqlite3_bind_text (statement, 1, interaction_id, -1, SQLITE_STATIC) != SQLITE_OK) {
        s_done (statement, 0);
        return NULL;
    }
    wb_kvlist_t *properties = NULL;
    int rc = sqlite3_step (statement);
    if (rc == SQLITE_ROW)
        properties = s_interaction_row (statement, interaction_id, type_id, owner_id, id_size);
    else
    if (rc != SQLITE_DONE)
        s_fail (self, "get interaction");
    *found = properties ? 1 : rc == SQLITE_DONE ? 0 : -1;
    s_done (statement, 0);
    return properties;
}

//  Bind the parameters of S_INTERACTION_PUT; 0 or -1.
static int
s_bind_put (sqlite3_stmt *statement, const char *interaction_id, wb_workbin_ref_t workbin,
            const char *moved_at, const uint8_t *blob, size_t size, int64_t position)
{
    //  in a workbin, a NULL owner is ""; in none, it is who handles it
    const char *owner_id = workbin.owner_id || !workbin.type_id ? workbin.owner_id : "";
    return sqlite3_bind_text (statement, 1, interaction_id, -1, SQLITE_STATIC)
        || sqlite3_bind_text (statement, 2, workbin.type_id, -1, SQLITE_STATIC)
        || sqlite3_bind_text (statement, 3, owner_id, -1, SQLITE_STATIC)
        || sqlite3_bind_int64 (statement, 4, position)
        || sqlite3_bind_text (statement, 5, moved_at, -1, SQLITE_STATIC)
        || sqlite3_bind_blob64 (statement, 6, blob, size, SQLITE_STATIC) ? -1 : 0;
}

//  The check of a row just written is stale: forget it. An insert's row is
//  the last inserted; a put may have updated one: its rowid is read. 0 or -1.
static int
s_written (s_sqlite_t *self, s_statement_id_t id, const char *interaction_id)
{
    if (id == S_INTERACTION_INSERT) {
        s_checked_forget (self, sqlite3_last_insert_rowid (self->db));
        return 0;
    }
    sqlite3_stmt *statement = s_statement (self, S_INTERACTION_ROWID);
    int64_t rowid = -1;
    if (sqlite3_bind_text (statement, 1, interaction_id, -1, SQLITE_STATIC) != SQLITE_OK
    ||  s_step_value (self, statement, "interaction rowid", &rowid))
        return s_done (statement, -1);
    s_checked_forget (self, rowid);
    return 0;
}

//  Write an interaction with statement id (S_INTERACTION_PUT: insert or
//  replace; S_INTERACTION_INSERT: insert only); a new one, or one that
//  changes workbin, takes the next position (the end of its workbin's order).
static int
s_interaction_write (s_sqlite_t *self, s_statement_id_t id, const char *interaction_id,
                     wb_workbin_ref_t workbin, const wb_kvlist_t *properties)
{
    if (!interaction_id || !properties)
        return -1;
    size_t size = 0;
    uint8_t *blob = wb_kvlist_encode (properties, &size);
    if (!blob) {
        zsys_error ("wb_store: interaction %s: properties cannot be encoded", interaction_id);
        return -1;
    }
    const char *moved_at = wb_kvlist_type (properties, WB_ATTR_MOVED_TO_QUEUE_AT) == WB_TYPE_STRING
                         ? wb_kvlist_string (properties, WB_ATTR_MOVED_TO_QUEUE_AT) : NULL;
    sqlite3_stmt *statement = s_statement (self, id);
    int rc = s_bind_put (statement, interaction_id, workbin, moved_at, blob, size,
                         self->next_position);
    if (rc == 0 && sqlite3_step (statement) != SQLITE_DONE)
        rc = -1;
    if (rc)
        s_fail (self, id == S_INTERACTION_INSERT ? "insert interaction" : "put interaction");
    s_done (statement, rc);
    free (blob);
    if (rc == 0)
        self->next_position++;
    return rc == 0 ? s_written (self, id, interaction_id) : -1;
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

//  A new interaction id, at least floor, greater than every id handed out
//  before, also by an earlier process on this file: it is recorded in the
//  open transaction. An id whose transaction rolls back is not given again
//  by this process; a later one may give it, as it was never kept.
static int
s_new_interaction_id (void *backend, uint64_t floor, uint64_t *id)
{
    s_sqlite_t *self = backend;
    if (!self || !id || self->last_interaction_id >= (uint64_t) INT64_MAX)
        return -1;
    uint64_t next = self->last_interaction_id + 1 > floor ? self->last_interaction_id + 1 : floor;
    if (next > (uint64_t) INT64_MAX)
        return -1;
    sqlite3_stmt *statement = s_statement (self, S_LAST_ID_SET);
    int rc = sqlite3_bind_int64 (statement, 1, (int64_t) next) == SQLITE_OK
          && sqlite3_step (statement) == SQLITE_DONE ? 0 : s_fail (self, "record interaction id");
    s_done (statement, rc);
    if (rc == 0)
        *id = self->last_interaction_id = next;
    return rc;
}

//  The greatest interaction id handed out: the counter, or the greatest id
//  stored (a database from before the counter).
static int
s_load_last_interaction_id (s_sqlite_t *self)
{
    int64_t counted = 0;
    if (s_step_value (self, s_statement (self, S_LAST_ID_COUNTED), "last interaction id", &counted))
        return -1;
    sqlite3_stmt *statement = s_statement (self, S_LAST_ID_STORED);
    int rc = sqlite3_step (statement);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return s_done (statement, s_fail (self, "greatest interaction id"));
    const unsigned char *text = rc == SQLITE_ROW ? sqlite3_column_text (statement, 0) : NULL;
    uint64_t stored = text ? strtoull ((const char *) text, NULL, 16) : 0;
    s_done (statement, 0);
    self->last_interaction_id = stored > (uint64_t) counted ? stored : (uint64_t) counted;
    return 0;
}

//  Remove an interaction; an unknown id is not an error (nothing to do).
static int
s_interaction_delete (void *backend, const char *interaction_id)
{
    s_sqlite_t *self = backend;
    if (!interaction_id)
        return -1;
    sqlite3_stmt *statement = s_statement (self, S_INTERACTION_DELETE);
    if (sqlite3_bind_text (statement, 1, interaction_id, -1, SQLITE_STATIC) != SQLITE_OK
    ||  sqlite3_step (statement) != SQLITE_DONE)
        return s_done (statement, s_fail (self, "delete interaction"));
    return s_done (statement, 0);
}

// ---------------------------------------------------------------- pages

//  Where a page's rows go: a list, one entry each (workbin_page,
//  handled_page), or a run of their encodings (workbin_content).
typedef struct {
    wb_kvlist_t *list;
    wb_kvlist_run_t *run;
} s_page_out_t;

//  Log that the stored properties of the row at rowid do not decode,
//  naming the interaction (its id read here, on this rare path only).
static void
s_page_row_damaged (s_sqlite_t *self, int64_t rowid, wb_codec_status_t status)
{
    sqlite3_stmt *statement = NULL;
    const unsigned char *id = NULL;
    if (sqlite3_prepare_v2 (self->db, "SELECT id FROM interaction WHERE rowid = ?1", -1,
                            &statement, NULL) == SQLITE_OK
    &&  sqlite3_bind_int64 (statement, 1, rowid) == SQLITE_OK
    &&  sqlite3_step (statement) == SQLITE_ROW)
        id = sqlite3_column_text (statement, 0);
    zsys_error ("wb_store: interaction %s: stored properties do not decode: %s",
                id ? (const char *) id : "(in a page)", wb_codec_status_text (status));
    sqlite3_finalize (statement);
}

//  Add the interaction of a page's current row (columns: properties, -,
//  rowid) as it is stored: its encoding goes out as it is, without
//  decoding and encoding again. Checked in full at its first read (a
//  damaged database must not make us send garbage), then only bounded
//  (see the header). 0, or -1 logged.
static int
s_page_add (s_sqlite_t *self, s_page_out_t out, sqlite3_stmt *statement)
{
    const uint8_t *blob = sqlite3_column_blob (statement, 0);
    size_t size = (size_t) sqlite3_column_bytes (statement, 0);
    int64_t rowid = sqlite3_column_int64 (statement, 2);
    size_t depth = s_checked_depth (self, rowid);
    if (!depth) {
        wb_codec_status_t status = wb_kvlist_check (blob, size, &depth);
        if (status != WB_CODEC_OK) {
            s_page_row_damaged (self, rowid, status);
            return -1;
        }
        s_checked_keep (self, rowid, depth);
    }
    return out.run ? wb_kvlist_run_add (out.run, blob, size, depth)
                   : wb_kvlist_add_encoded_checked (out.list, WB_ATTR_INTERACTION, blob,
                                                    size, depth);
}

//  True if a page of workbin at from follows the last page read, with
//  nothing written since (rows changed and rolled back count too).
static bool
s_cursor_follows (s_sqlite_t *self, wb_workbin_ref_t workbin, int64_t from)
{
    const char *owner_id = workbin.owner_id ? workbin.owner_id : "";
    return from > 0 && from == self->cursor.next_from && workbin.type_id
        && sqlite3_total_changes64 (self->db) == self->cursor.writes
        && strcmp (workbin.type_id, self->cursor.type_id) == 0
        && strcmp (owner_id, self->cursor.owner_id) == 0;
}

//  Remember where a page ended (ids too long to keep: no cursor).
static void
s_cursor_set (s_sqlite_t *self, wb_workbin_ref_t workbin, int64_t next_from,
              int64_t last_position)
{
    const char *owner_id = workbin.owner_id ? workbin.owner_id : "";
    size_t type_length = workbin.type_id ? strlen (workbin.type_id) : 0;
    size_t owner_length = strlen (owner_id);
    self->cursor.next_from = -1;
    if (!workbin.type_id || type_length >= sizeof (self->cursor.type_id)
    ||  owner_length >= sizeof (self->cursor.owner_id))
        return;
    //  copied as measured (two snprintf cost 1,400 instructions a page)
    memcpy (self->cursor.type_id, workbin.type_id, type_length + 1);
    memcpy (self->cursor.owner_id, owner_id, owner_length + 1);
    self->cursor.next_from = next_from;
    self->cursor.last_position = last_position;
    self->cursor.writes = sqlite3_total_changes64 (self->db);
}

//  Step S_PAGE_HEAD, left open (its read transaction holds the snapshot
//  until it is reset): the workbin's version and size, 0 for a workbin
//  that never changed. The rows checked before are looked at in the same
//  read, so that the page's rows are of the data version the checks are
//  held against. 0 or -1 (S_PAGE_HEAD reset).
static int
s_page_head (s_sqlite_t *self, wb_workbin_ref_t workbin, int64_t *version, int64_t *size)
{
    sqlite3_stmt *head = s_statement (self, S_PAGE_HEAD);
    if (s_bind_workbin (head, workbin))
        return s_done (head, -1);
    if (sqlite3_step (head) != SQLITE_ROW)
        return s_done (head, s_fail (self, "workbin page"));
    *version = sqlite3_column_int64 (head, 0);
    *size = sqlite3_column_int64 (head, 1);
    s_checked_revalidate (self);
    return 0;
}

//  How many of rows rows of row_size bytes a page holds at most.
static size_t
s_page_rows_in_bytes (int64_t rows, size_t row_size)
{
    size_t most = row_size ? WB_PAGE_BYTES_MAX / row_size + 1 : (size_t) rows;
    return (size_t) rows < most ? (size_t) rows : most;
}

//  Add at most rows interactions of a workbin, skipping the first from,
//  to page (rows is at most what is left from there). 0 or -1.
static int
s_page_rows (s_sqlite_t *self, wb_workbin_ref_t workbin, int64_t from, int64_t rows,
             s_page_out_t page)
{
    size_t held = page.run ? wb_kvlist_run_count (page.run) : wb_kvlist_size (page.list);
    if ((size_t) rows > WB_ENTRIES_MAX - held) {
        zsys_error ("wb_store: a page of %" PRId64 " interactions is over the list limit", rows);
        return -1;
    }
    if (page.list && wb_kvlist_reserve (page.list, held + (size_t) rows))
        return -1;
    bool follows = s_cursor_follows (self, workbin, from);
    sqlite3_stmt *statement = s_statement (self, follows ? S_PAGE_AFTER : S_PAGE);
    if (s_bind_workbin (statement, workbin)
    ||  sqlite3_bind_int64 (statement, 3, rows) != SQLITE_OK
    ||  sqlite3_bind_int64 (statement, 4, follows ? self->cursor.last_position : from) != SQLITE_OK)
        return s_done (statement, -1);
    int rc = SQLITE_DONE;
    int64_t index = 0, last_position = 0;
    size_t bytes = 0;
    while (index < rows && (rc = sqlite3_step (statement)) == SQLITE_ROW) {
        //  a page is filled by size too: it stops before passing
        //  WB_PAGE_BYTES_MAX, so that its reply can always be sent
        size_t row_size = (size_t) sqlite3_column_bytes (statement, 0);
        if (index > 0 && bytes + row_size > WB_PAGE_BYTES_MAX) {
            rc = SQLITE_DONE;
            break;
        }
        //  a run is sized once, by the page's first row
        if (index == 0 && page.run
        &&  wb_kvlist_run_reserve (page.run, s_page_rows_in_bytes (rows, row_size), row_size))
            return s_done (statement, -1);
        if (s_page_add (self, page, statement))
            return s_done (statement, -1);
        last_position = sqlite3_column_int64 (statement, 1);
        bytes += row_size;
        index++;
    }
    if (index < rows && rc != SQLITE_DONE)
        return s_done (statement, s_fail (self, "workbin page"));
    if (index > 0)
        s_cursor_set (self, workbin, from + index, last_position);
    return s_done (statement, 0);
}

//  Add at most count interactions of a workbin, skipping the first from,
//  to page; *total and *version: the workbin's, of the same read. 0 or -1.
static int
s_page_read (s_sqlite_t *self, wb_workbin_ref_t workbin, int64_t from, int64_t count,
             s_page_out_t page, int64_t *total, int64_t *version)
{
    int64_t size = 0;
    if (s_page_head (self, workbin, version, &size))
        return -1;
    *total = size;
    int64_t rows = size > from ? size - from : 0;
    rows = rows < count ? rows : count;
    if (rows == 0)
        return s_done (self->statements [S_PAGE_HEAD], 0);
    int rc = s_page_rows (self, workbin, from, rows, page);
    return s_done (self->statements [S_PAGE_HEAD], rc);
}

//  Append the interactions of the page to the run out, with the
//  workbin's total and version of the same read (no transaction needed:
//  the head statement holds one snapshot while the rows are read).
static int
s_workbin_content (void *backend, wb_workbin_ref_t workbin, int64_t from, int64_t count,
                   wb_kvlist_run_t *out, int64_t *total, int64_t *version)
{
    int64_t ignored = 0;
    if (!out || from < 0 || count < 0)
        return -1;
    s_page_out_t page = { NULL, out };
    return s_page_read (backend, workbin, from, count, page, total ? total : &ignored,
                        version ? version : &ignored);
}

//  Append one entry "Interaction" per interaction of the page to out. A
//  bad row takes back what the page added, so out stays as it was.
static int
s_workbin_page (void *backend, wb_workbin_ref_t workbin, int64_t from,
                int64_t count, wb_kvlist_t *out, int64_t *total)
{
    int64_t ignored_total = 0, version = 0;
    if (!out || from < 0 || count < 0)
        return -1;
    size_t before = wb_kvlist_size (out);
    s_page_out_t page = { out, NULL };
    if (s_page_read (backend, workbin, from, count, page, total ? total : &ignored_total,
                     &version) == 0)
        return 0;
    wb_kvlist_truncate (out, before);
    return -1;
}

//  The interactions a handler holds (in no workbin, owner_id the handler),
//  oldest pull first: at most count of them appended to out, *total: how
//  many it holds. A bad row takes back what was added.
static int
s_handled_page (void *backend, const char *handler, int64_t count, wb_kvlist_t *out,
                int64_t *total)
{
    s_sqlite_t *self = backend;
    if (!handler || !out || count < 0)
        return -1;
    sqlite3_stmt *statement = s_statement (self, S_HANDLED_COUNT);
    int64_t held = 0;
    if (sqlite3_bind_text (statement, 1, handler, -1, SQLITE_STATIC) != SQLITE_OK)
        return s_done (statement, -1);
    if (s_step_value (self, statement, "handled count", &held))
        return -1;
    if (total)
        *total = held;
    size_t before = wb_kvlist_size (out);
    statement = s_statement (self, S_HANDLED_PAGE);
    if (sqlite3_bind_text (statement, 1, handler, -1, SQLITE_STATIC) != SQLITE_OK
    ||  sqlite3_bind_int64 (statement, 2, count) != SQLITE_OK)
        return s_done (statement, -1);
    int rc;
    size_t bytes = 0;
    bool first = true;
    while ((rc = sqlite3_step (statement)) == SQLITE_ROW) {
        //  the checks are looked at in the read of the rows
        if (first)
            s_checked_revalidate (self);
        first = false;
        //  filled by size as a page is (the total says what is left out)
        size_t size = (size_t) sqlite3_column_bytes (statement, 0);
        if (wb_kvlist_size (out) > before && bytes + size > WB_PAGE_BYTES_MAX) {
            rc = SQLITE_DONE;
            break;
        }
        s_page_out_t page = { out, NULL };
        if (wb_kvlist_size (out) >= WB_ENTRIES_MAX
        ||  s_page_add (self, page, statement)) {
            rc = SQLITE_ERROR;
            break;
        }
        bytes += size;
    }
    if (rc != SQLITE_DONE) {
        wb_kvlist_truncate (out, before);
        return s_done (statement, rc == SQLITE_ERROR ? -1 : s_fail (self, "handled page"));
    }
    return s_done (statement, 0);
}

// ---------------------------------------------------------------- open, close

//  Finalize every statement and close the database; the transaction left
//  open, if any, is rolled back by SQLite.
static void
s_close (void *backend)
{
    s_sqlite_t *self = backend;
    if (!self)
        return;
    for (int id = 0; id < S_STATEMENT_COUNT; id++)
        sqlite3_finalize (self->statements [id]);
    if (sqlite3_close (self->db) != SQLITE_OK)
        zsys_error ("wb_store: close: %s", sqlite3_errmsg (self->db));
    //  only after SQLite has closed: closing any descriptor of the file
    //  drops the process's POSIX locks on it, SQLite's among them
    if (self->owner_fd >= 0)
        close (self->owner_fd);
    free (self->wal_path);
    free (self->checked.depth);
    free (self);
}

// ---------------------------------------------------------------- submit keys

//  Bind a submitter and an idempotency key to ?1 and ?2.
static int
s_bind_submit_key (sqlite3_stmt *statement, const char *submitter, const char *key)
{
    if (!submitter || !key
    ||  sqlite3_bind_text (statement, 1, submitter, -1, SQLITE_STATIC) != SQLITE_OK
    ||  sqlite3_bind_text (statement, 2, key, -1, SQLITE_STATIC) != SQLITE_OK)
        return -1;
    return 0;
}

//  What a submitter's key gave: *found 1 (id and version filled) or 0.
static int
s_submit_key_get (void *backend, const char *submitter, const char *key,
                  char *interaction_id, size_t id_size, int64_t *version, int *found)
{
    s_sqlite_t *self = backend;
    if (!interaction_id || !version || !found)
        return -1;
    *found = 0;
    sqlite3_stmt *statement = s_statement (self, S_SUBMIT_KEY_GET);
    if (s_bind_submit_key (statement, submitter, key))
        return s_done (statement, -1);
    int rc = sqlite3_step (statement);
    if (rc == SQLITE_DONE)
        return s_done (statement, 0);
    if (rc != SQLITE_ROW)
        return s_done (statement, s_fail (self, "submit key"));
    if (s_copy_text (interaction_id, id_size, sqlite3_column_text (statement, 0)))
        return s_done (statement, -1);
    *version = sqlite3_column_int64 (statement, 1);
    *found = 1;
    return s_done (statement, 0);
}

//  Remember what a submitter's key gave; -1 if the key is known already.
static int
s_submit_key_put (void *backend, const char *submitter, const char *key,
                  const char *interaction_id, int64_t version)
{
    s_sqlite_t *self = backend;
    sqlite3_stmt *statement = s_statement (self, S_SUBMIT_KEY_PUT);
    if (!interaction_id || s_bind_submit_key (statement, submitter, key)
    ||  sqlite3_bind_text (statement, 3, interaction_id, -1, SQLITE_STATIC) != SQLITE_OK
    ||  sqlite3_bind_int64 (statement, 4, version) != SQLITE_OK)
        return s_done (statement, -1);
    int rc = sqlite3_step (statement) == SQLITE_DONE ? 0 : s_fail (self, "submit key");
    return s_done (statement, rc);
}

//  The file is this server's alone (s_own_file): nothing changes it but
//  our own writes.
static bool
s_sole_writer (void *backend)
{
    (void) backend;
    return true;
}

static const wb_store_ops_t s_ops = {
    .name = "sqlite",
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
    .workbin_content = s_workbin_content,
    .workbin_count = s_workbin_count,
    .handled_page = s_handled_page,
    .workbin_moved_range = s_workbin_moved_range,
    .submit_key_get = s_submit_key_get,
    .submit_key_put = s_submit_key_put,
    .sole_writer = s_sole_writer,
};

// ---------------------------------------------------------------- the URI

//  The options of a target (PATH?NAME=VALUE&...): each sets the PRAGMA of
//  its name, at open, to one of its values, its fallback by default. Only
//  these words ever reach SQL.
typedef struct {
    const char *name;
    const char *values [3];             /* NULL-terminated */
    const char *fallback;               /* one of them: the default */
} s_option_t;

//  synchronous: full by default, so that an EventAck survives a power cut
//  too; group commit makes it cheap (make bench: 1.17 times the cost of
//  normal, 15,242 against 17,829 acknowledged changes a second).
static const s_option_t s_options [] = {
    { "synchronous", { "normal", "full", NULL }, "full" },
};

#define S_OPTION_COUNT (WB_COUNT_OF (s_options))

//  What a target asks for: the file, and each option's value.
typedef struct {
    char path [PATH_MAX];
    const char *values [S_OPTION_COUNT];    /* NULL: not given, the default */
} s_target_t;

//  The value of a hex digit, or -1.
static int
s_hex_digit (char digit)
{
    static const char *digits = "0123456789abcdef";
    const char *found = digit ? strchr (digits, tolower ((unsigned char) digit)) : NULL;
    return found ? (int) (found - digits) : -1;
}

//  The byte of the escape "%XX" at text (length bytes left), or -1 if it is
//  not one (or is %00: a path holds no zero byte).
static int
s_escaped_byte (const char *text, size_t length)
{
    int high = length >= 3 ? s_hex_digit (text [1]) : -1;
    int low = high >= 0 ? s_hex_digit (text [2]) : -1;
    return low >= 0 && high * 16 + low > 0 ? high * 16 + low : -1;
}

//  Decode the path, length bytes of text with its %-escapes, into
//  target->path; 0, or -1 with error filled.
static int
s_decode_path (const char *uri, const char *text, size_t length, s_target_t *target,
               char *error, size_t error_size)
{
    size_t used = 0;
    for (size_t index = 0; index < length; index++) {
        int byte = (unsigned char) text [index];
        size_t left = length - index;
        if (byte == '%' && (byte = s_escaped_byte (text + index, left)) < 0)
            return wb_store_open_error (error, error_size, uri, "bad escape '%.*s' in the "
                                        "path (%%XX, a byte in hex: %%25 for '%%', %%3F "
                                        "for '?')", left < 3 ? (int) left : 3, text + index);
        index += text [index] == '%' ? 2 : 0;
        if (used == sizeof (target->path) - 1)
            return wb_store_open_error (error, error_size, uri, "the path is longer than "
                                        "%zu bytes", sizeof (target->path) - 1);
        target->path [used++] = (char) byte;
    }
    target->path [used] = 0;
    return 0;
}

//  Words joined by a separator into text, for messages: "normal|full".
static const char *
s_join (const char *const *words, size_t count, const char *separator, char *text, size_t size)
{
    *text = 0;
    for (size_t index = 0, used = 0; index < count && words [index] && used < size; index++)
        used += (size_t) snprintf (text + used, size - used, "%s%s",
                                   index ? separator : "", words [index]);
    return text;
}

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

//  The value of an option that length bytes of text spell, or NULL.
static const char *
s_option_value (const s_option_t *option, const char *text, size_t length)
{
    for (size_t index = 0; option->values [index]; index++)
        if (strlen (option->values [index]) == length
        &&  memcmp (option->values [index], text, length) == 0)
            return option->values [index];
    return NULL;
}

//  "Unknown option" with the names of the known ones; -1.
static int
s_unknown_option (const char *uri, const char *name, size_t length,
                  char *error, size_t error_size)
{
    const char *names [S_OPTION_COUNT];
    for (size_t index = 0; index < S_OPTION_COUNT; index++)
        names [index] = s_options [index].name;
    char known [128];
    return wb_store_open_error (error, error_size, uri, "unknown option '%.*s' (known: %s)",
                                (int) length, name,
                                s_join (names, S_OPTION_COUNT, ", ", known, sizeof (known)));
}

//  Read one NAME=VALUE, length bytes of text, into target; 0, or -1 with
//  error filled: an unknown name, no value, a wrong value, given twice.
static int
s_parse_option (const char *uri, const char *text, size_t length, s_target_t *target,
                char *error, size_t error_size)
{
    const char *equals = memchr (text, '=', length);
    size_t name_length = equals ? (size_t) (equals - text) : length;
    const s_option_t *option = s_option (text, name_length);
    if (!option)
        return s_unknown_option (uri, text, name_length, error, error_size);
    char values [128];
    const char *value = equals ? s_option_value (option, equals + 1, length - name_length - 1)
                               : NULL;
    if (!equals)
        return wb_store_open_error (error, error_size, uri, "option %s needs a value: %s=%s",
                                    option->name, option->name,
                                    s_join (option->values, 3, "|", values, sizeof (values)));
    if (!value)
        return wb_store_open_error (error, error_size, uri, "option %s takes %s, not '%.*s'",
                                    option->name,
                                    s_join (option->values, 3, " or ", values, sizeof (values)),
                                    (int) (length - name_length - 1), equals + 1);
    size_t index = (size_t) (option - s_options);
    if (target->values [index])
        return wb_store_open_error (error, error_size, uri, "option %s is given twice",
                                    option->name);
    target->values [index] = value;
    return 0;
}

//  Read the options after the '?': NAME=VALUE, separated by '&'.
static int
s_parse_options (const char *uri, const char *text, s_target_t *target,
                 char *error, size_t error_size)
{
    while (true) {
        size_t length = strcspn (text, "&");
        if (length == 0)
            return wb_store_open_error (error, error_size, uri, "an empty option (options are "
                                        "NAME=VALUE, after '?', separated by '&')");
        if (s_parse_option (uri, text, length, target, error, error_size))
            return -1;
        if (!text [length])
            return 0;
        text += length + 1;
    }
}

//  Read a target, PATH[?OPTIONS]; 0, or -1 with error filled.
static int
s_parse_target (const char *uri, const char *text, s_target_t *target,
                char *error, size_t error_size)
{
    memset (target, 0, sizeof (*target));
    size_t length = strcspn (text, "?");
    if (length == 0)
        return wb_store_open_error (error, error_size, uri, "no database path "
                                    "(sqlite:PATH[?synchronous=normal|full])");
    if (s_decode_path (uri, text, length, target, error, error_size))
        return -1;
    return text [length] ? s_parse_options (uri, text + length + 1, target, error, error_size)
                         : 0;
}

//  The store URI of an SQLite file, '%' and '?' escaped; 0 or -1.
int
wb_store_sqlite_uri (const char *path, char *uri, size_t uri_size)
{
    static const char *prefix = "sqlite:";
    if (!path || !*path || !uri || uri_size <= strlen (prefix))
        return -1;
    size_t used = strlen (prefix);
    memcpy (uri, prefix, used);
    for (; *path; path++) {
        const char *escape = *path == '%' ? "%25" : *path == '?' ? "%3F" : NULL;
        size_t length = escape ? strlen (escape) : 1;
        if (used + length >= uri_size) {
            *uri = 0;
            return -1;
        }
        memcpy (uri + used, escape ? escape : path, length);
        used += length;
    }
    uri [used] = 0;
    return 0;
}

// ---------------------------------------------------------------- open

//  Fill error with "cannot open store URI: REASON" (SQLite's message when
//  reason is NULL), roll back an open transaction; return -1.
static int
s_open_fail (sqlite3 *db, const char *uri, const char *reason,
             char *error, size_t error_size)
{
    wb_store_open_error (error, error_size, uri, "%s", reason ? reason : sqlite3_errmsg (db));
    if (db && !sqlite3_get_autocommit (db))
        sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
    return -1;
}

//  The first column of a pragma's first row as text ("" if no row).
static int
s_pragma_text (sqlite3 *db, const char *sql, char *text, size_t text_size)
{
    sqlite3_stmt *statement = NULL;
    if (sqlite3_prepare_v2 (db, sql, -1, &statement, NULL) != SQLITE_OK)
        return -1;
    int rc = sqlite3_step (statement);
    const unsigned char *value = rc == SQLITE_ROW ? sqlite3_column_text (statement, 0) : NULL;
    snprintf (text, text_size, "%s", value ? (const char *) value : "");
    sqlite3_finalize (statement);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

//  Apply migration step version + 1 inside the open transaction, commit.
static int
s_migrate_step (sqlite3 *db, int version)
{
    char sql [64];
    snprintf (sql, sizeof (sql), "PRAGMA user_version = %d", version + 1);
    const s_migration_t *step = &s_migrations [version];
    if (sqlite3_exec (db, step->sql, NULL, NULL, NULL) != SQLITE_OK
    ||  (step->fill && step->fill (db))
    ||  sqlite3_exec (db, sql, NULL, NULL, NULL) != SQLITE_OK
    ||  sqlite3_exec (db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        return -1;
    zsys_info ("wb_store: database schema migrated to version %d", version + 1);
    return 0;
}

//  Migration 3: each interaction in no workbin gets its AssignedTo as
//  owner_id. Inside the migration's transaction; 0 or -1.
static int
s_migrate_handlers (sqlite3 *db)
{
    sqlite3_stmt *select = NULL, *update = NULL;
    int rc = sqlite3_prepare_v2 (db, "SELECT id, properties FROM interaction"
                                 " WHERE type_id IS NULL", -1, &select, NULL)
          || sqlite3_prepare_v2 (db, "UPDATE interaction SET owner_id = ?1 WHERE id = ?2",
                                 -1, &update, NULL);
    while (rc == SQLITE_OK && sqlite3_step (select) == SQLITE_ROW) {
        const char *id = (const char *) sqlite3_column_text (select, 0);
        wb_kvlist_t *properties = s_decode (sqlite3_column_blob (select, 1),
                                            sqlite3_column_bytes (select, 1), id);
        const char *handler = wb_kvlist_string (properties, WB_ATTR_ASSIGNED_TO);
        if (handler) {
            rc = sqlite3_bind_text (update, 1, handler, -1, SQLITE_TRANSIENT)
              || sqlite3_bind_text (update, 2, id, -1, SQLITE_TRANSIENT)
              || sqlite3_step (update) != SQLITE_DONE;
            sqlite3_reset (update);
        }
        wb_kvlist_destroy (&properties);
    }
    sqlite3_finalize (select);
    sqlite3_finalize (update);
    return rc ? -1 : 0;
}

//  Bring the schema to S_SCHEMA_VERSION, one step per transaction; refuse
//  a database newer than this code. The version is read under the write
//  lock, so two processes opening at once do not both migrate.
static int
s_migrate (sqlite3 *db, const char *uri, char *error, size_t error_size)
{
    while (true) {
        char text [32];
        if (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK
        ||  s_pragma_text (db, "PRAGMA user_version", text, sizeof (text)))
            return s_open_fail (db, uri, NULL, error, error_size);
        int version = atoi (text);
        if (version >= S_SCHEMA_VERSION) {
            sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
            if (version == S_SCHEMA_VERSION)
                return 0;
            char reason [96];
            snprintf (reason, sizeof (reason), "database schema %d is newer than this "
                      "wbserver (%d)", version, S_SCHEMA_VERSION);
            return s_open_fail (db, uri, reason, error, error_size);
        }
        if (s_migrate_step (db, version))
            return s_open_fail (db, uri, NULL, error, error_size);
    }
}

//  Journal and integrity settings of the connection, and the target's
//  options (each the PRAGMA of its name: durability).
static int
s_configure (sqlite3 *db, const s_target_t *target)
{
    char mode [16];
    if (s_pragma_text (db, "PRAGMA journal_mode = WAL", mode, sizeof (mode)))
        return -1;
    if (strcmp (mode, "wal") != 0)
        zsys_warning ("wb_store: journal mode is %s, not wal", mode);
    for (size_t index = 0; index < S_OPTION_COUNT; index++) {
        char sql [64];
        const char *value = target->values [index] ? target->values [index]
                                                   : s_options [index].fallback;
        snprintf (sql, sizeof (sql), "PRAGMA %s = %s", s_options [index].name, value);
        if (sqlite3_exec (db, sql, NULL, NULL, NULL) != SQLITE_OK)
            return -1;
    }
    return sqlite3_exec (db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

//  Prepare every statement for reuse, and find the next position.
static int
s_prepare (s_sqlite_t *self)
{
    if (sqlite3_exec (self->db, s_submit_key_table, NULL, NULL, NULL) != SQLITE_OK)
        return -1;
    for (int id = 0; id < S_STATEMENT_COUNT; id++)
        if (sqlite3_prepare_v3 (self->db, s_statement_sql [id], -1, SQLITE_PREPARE_PERSISTENT,
                                &self->statements [id], NULL) != SQLITE_OK)
            return -1;
    int64_t last = 0;
    if (s_step_value (self, s_statement (self, S_LAST_POSITION), "last position", &last))
        return -1;
    self->next_position = last + 1;
    return s_load_last_interaction_id (self);
}

//  Make this process the file's only server: an exclusive flock, held on
//  a descriptor kept open until the store closes (and dropped by the
//  kernel if the process dies). A second server on the same file would
//  hand out the same positions and ids. The file is created for its owner
//  alone. 0, or -1 with error filled.
static int
s_own_file (s_sqlite_t *self, const char *uri, const char *path,
            char *error, size_t error_size)
{
    if (strcmp (path, ":memory:") == 0)
        return 0;
    self->owner_fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (self->owner_fd < 0)
        return wb_store_open_error (error, error_size, uri, "%s", strerror (errno));
    if (flock (self->owner_fd, LOCK_EX | LOCK_NB) == 0)
        return 0;
    if (errno == EWOULDBLOCK)
        return wb_store_open_error (error, error_size, uri, "another wbserver is using it");
    return wb_store_open_error (error, error_size, uri, "cannot lock it: %s", strerror (errno));
}

//  Note the identity of the write-ahead log that SQLite holds open (made
//  by the reads of s_prepare), to see it removed or replaced later.
static void
s_watch_wal (s_sqlite_t *self, const char *path)
{
    struct stat status;
    char wal_path [PATH_MAX];
    if (strcmp (path, ":memory:") == 0
    ||  snprintf (wal_path, sizeof (wal_path), "%s-wal", path) >= (int) sizeof (wal_path)
    ||  stat (wal_path, &status) == -1)
        return;
    self->wal_path = wb_strdup (wal_path);
    self->wal_device = status.st_dev;
    self->wal_inode = status.st_ino;
}

//  Open, migrate, configure and prepare; 0, or -1 with error filled.
static int
s_open_database (s_sqlite_t *self, const char *uri, const s_target_t *target,
                 char *error, size_t error_size)
{
    if (s_own_file (self, uri, target->path, error, error_size))
        return -1;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2 (target->path, &self->db, flags, NULL) != SQLITE_OK
    ||  sqlite3_busy_timeout (self->db, S_BUSY_TIMEOUT_MS) != SQLITE_OK)
        return s_open_fail (self->db, uri, NULL, error, error_size);
    if (s_migrate (self->db, uri, error, error_size))
        return -1;
    if (s_configure (self->db, target) || s_prepare (self))
        return s_open_fail (self->db, uri, NULL, error, error_size);
    s_watch_wal (self, target->path);
    return 0;
}

//  The SQLite backend's entry in the registry (wb_store.c): open the file
//  that the target (PATH[?OPTIONS]) names; NULL with error filled.
wb_store_t *
wb_store_sqlite_open (const char *uri, const char *target_text, char *error, size_t error_size)
{
    s_target_t *target = wb_calloc (1, sizeof (s_target_t));
    s_sqlite_t *self = wb_calloc (1, sizeof (s_sqlite_t));
    self->owner_fd = -1;
    self->cursor.next_from = -1;
    wb_store_t *store = NULL;
    if (s_parse_target (uri, target_text, target, error, error_size) == 0
    &&  s_open_database (self, uri, target, error, error_size) == 0)
        store = wb_store_new (&s_ops, self);
    if (!store)
        s_close (self);
    free (target);
    return store;
}

//  The connection of an SQLite store; NULL for another backend.
struct sqlite3 *
wb_store_sqlite_db (const wb_store_t *store)
{
    const s_sqlite_t *self = wb_store_ops (store) == &s_ops ? wb_store_backend (store) : NULL;
    return self ? self->db : NULL;
}
