/*  bench_raw: plain libzmq and SQLite baselines. See bench_raw.h.

    A raw request is three frames; the third starts with a header of four
    u32 (host order): the kind (hello, request, fan-out) and the three frame
    sizes wanted back. The raw server answers from one preallocated buffer,
    so it costs what libzmq costs and nothing more.

    A store page request (a raw server started on a database) asks instead
    for rows of an agent's draft workbin, header: the kind, from, count and
    the agent's number; the reply's third frame is the rows' stored bytes,
    one after the other, read as the store reads a page (the page after
    the last one read by the last position, any other by OFFSET).
*/
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include "bench_raw.h"
#include "bench_util.h"

enum { KIND_HELLO = 1, KIND_REQUEST = 2, KIND_FAN_OUT = 3, KIND_STORE_PAGE = 4 };
#define HEADER_BYTES 16
#define BUFFER_BYTES (33u << 20)

typedef struct {
    zsock_t *router;
    uint8_t *buffer;              /* what every reply is cut from */
    zlistx_t *peers;              /* routing ids (zframe_t) that said hello */
    sqlite3 *db;                  /* the store's database, or NULL */
    sqlite3_stmt *page;           /* a page by OFFSET */
    sqlite3_stmt *page_after;     /* the page after a position */
    uint32_t next_from;           /* where the last page read ended */
    int64_t last_position;        /* and its last row's position */
} s_raw_server_t;

//  Send three frames of the given sizes to a peer; 0 or -1.
static int
s_send_sized (s_raw_server_t *self, zframe_t *peer, const uint32_t sizes [3])
{
    void *socket = zsock_resolve (self->router);
    if (zmq_send (socket, zframe_data (peer), zframe_size (peer), ZMQ_SNDMORE) == -1)
        return -1;
    for (int index = 0; index < 3; index++)
        if (zmq_send (socket, self->buffer, sizes [index] < BUFFER_BYTES ? sizes [index] : 0,
                      index < 2 ? ZMQ_SNDMORE : 0) == -1)
            return -1;
    return 0;
}

//  Read a page of rows into the buffer as the store does, and send them
//  as the third frame (the first two empty). 0 or -1.
static int
s_send_store_page (s_raw_server_t *self, zframe_t *peer, const uint32_t header [3])
{
    uint32_t from = header [0], count = header [1];
    char owner [16];
    snprintf (owner, sizeof (owner), "a%04u", header [2]);
    bool after = from > 0 && from == self->next_from;
    sqlite3_stmt *page = after ? self->page_after : self->page;
    sqlite3_bind_text (page, 1, owner, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (page, 2, count);
    sqlite3_bind_int64 (page, 3, after ? self->last_position : from);
    size_t used = 0;
    uint32_t rows = 0;
    while (sqlite3_step (page) == SQLITE_ROW) {
        size_t size = (size_t) sqlite3_column_bytes (page, 0);
        if (used + size > BUFFER_BYTES)
            break;
        memcpy (self->buffer + used, sqlite3_column_blob (page, 0), size);
        used += size;
        self->last_position = sqlite3_column_int64 (page, 1);
        rows++;
    }
    sqlite3_reset (page);
    self->next_from = from + rows;
    uint32_t sizes [3] = { 0, 0, (uint32_t) used };
    return s_send_sized (self, peer, sizes);
}

//  Handle one message: [peer, frame, frame, header + padding].
static void
s_raw_handle (s_raw_server_t *self, zmsg_t *msg)
{
    zframe_t *peer = zmsg_pop (msg);
    zframe_t *body = zmsg_last (msg);
    uint32_t header [4] = { 0 };
    if (peer && body && zframe_size (body) >= HEADER_BYTES)
        memcpy (header, zframe_data (body), HEADER_BYTES);
    if (header [0] == KIND_HELLO)
        zlistx_add_end (self->peers, peer);
    else
    if (header [0] == KIND_REQUEST)
        s_send_sized (self, peer, header + 1);
    else
    if (header [0] == KIND_STORE_PAGE && self->db)
        s_send_store_page (self, peer, header + 1);
    else
    if (header [0] == KIND_FAN_OUT)
        for (zframe_t *other = zlistx_first (self->peers); other; other = zlistx_next (self->peers))
            s_send_sized (self, other, header + 1);
    zframe_destroy (&peer);
}

//  Serve until $TERM, handling everything that waits at each wake.
static void
s_raw_serve (s_raw_server_t *self, zsock_t *pipe)
{
    zpoller_t *poller = zpoller_new (pipe, self->router, NULL);
    while (true) {
        void *which = zpoller_wait (poller, -1);
        if (which == pipe || zpoller_terminated (poller))
            break;
        while (zsock_events (self->router) & ZMQ_POLLIN) {
            zmsg_t *msg = zmsg_recv (self->router);
            if (!msg)
                break;
            s_raw_handle (self, msg);
            zmsg_destroy (&msg);
        }
    }
    zpoller_destroy (&poller);
}

static void
s_frame_destructor (void **item)
{
    zframe_destroy ((zframe_t **) item);
}

//  Open the store's database read-only with the store's two page queries;
//  0 or -1.
static int
s_open_store (s_raw_server_t *self, const char *database)
{
    const char *page = "SELECT properties, position FROM interaction"
                       " WHERE type_id = 'draft' AND owner_id = ?1"
                       " ORDER BY position LIMIT ?2 OFFSET ?3";
    const char *page_after = "SELECT properties, position FROM interaction"
                             " WHERE type_id = 'draft' AND owner_id = ?1 AND position > ?3"
                             " ORDER BY position LIMIT ?2";
    if (sqlite3_open_v2 (database, &self->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK
    ||  sqlite3_prepare_v2 (self->db, page, -1, &self->page, NULL) != SQLITE_OK
    ||  sqlite3_prepare_v2 (self->db, page_after, -1, &self->page_after, NULL) != SQLITE_OK) {
        bench_note ("raw store: %s", sqlite3_errmsg (self->db));
        return -1;
    }
    return 0;
}

void
bench_raw_server_actor (zsock_t *pipe, void *args)
{
    s_raw_server_t self = { .router = zsock_new (ZMQ_ROUTER), .buffer = calloc (1, BUFFER_BYTES),
                            .peers = zlistx_new () };
    bool ready = !args || s_open_store (&self, args) == 0;
    zlistx_set_destructor (self.peers, s_frame_destructor);
    zlistx_set_duplicator (self.peers, (czmq_duplicator *) zframe_dup);
    zsock_set_router_mandatory (self.router, 1);
    zsock_set_sndhwm (self.router, 10000);
    zsock_set_sndtimeo (self.router, 0);
    zsock_set_linger (self.router, 0);
    zsock_signal (pipe, 0);
    if (!ready)
        zstr_send (pipe, "error: cannot open the database");
    else
    if (zsock_bind (self.router, "tcp://127.0.0.1:*") == -1)
        zstr_send (pipe, "error: cannot bind");
    else {
        char *endpoint = zsock_last_endpoint (self.router);
        zstr_send (pipe, endpoint);
        zstr_free (&endpoint);
        s_raw_serve (&self, pipe);
    }
    zlistx_destroy (&self.peers);
    sqlite3_finalize (self.page);
    sqlite3_finalize (self.page_after);
    sqlite3_close (self.db);
    free (self.buffer);
    zsock_destroy (&self.router);
}

zactor_t *
bench_raw_server_start (char *endpoint, size_t size)
{
    return bench_raw_store_server_start (endpoint, size, NULL);
}

zactor_t *
bench_raw_store_server_start (char *endpoint, size_t size, const char *database)
{
    zactor_t *server = zactor_new (bench_raw_server_actor, (void *) database);
    char *bound = zstr_recv (server);
    if (!bound || strncmp (bound, "error", 5) == 0) {
        zstr_free (&bound);
        zactor_destroy (&server);
        return NULL;
    }
    snprintf (endpoint, size, "%s", bound);
    zstr_free (&bound);
    return server;
}

zsock_t *
bench_raw_dealer (const char *endpoint)
{
    zsock_t *dealer = zsock_new (ZMQ_DEALER);
    zsock_set_linger (dealer, 0);
    zsock_set_sndtimeo (dealer, 0);
    zsock_set_rcvhwm (dealer, 100000);
    zsock_set_heartbeat_ivl (dealer, 5000);
    zsock_set_heartbeat_timeout (dealer, 15000);
    if (zsock_connect (dealer, "%s", endpoint) == -1)
        zsock_destroy (&dealer);
    return dealer;
}

//  Send three frames of request_sizes, the third starting with the header.
static int
s_send_request (zsock_t *dealer, uint32_t kind, const size_t request_sizes [3],
                const size_t reply_sizes [3])
{
    static uint8_t padding [4096];
    uint32_t header [4] = { kind, (uint32_t) reply_sizes [0], (uint32_t) reply_sizes [1],
                            (uint32_t) reply_sizes [2] };
    memcpy (padding, header, HEADER_BYTES);
    void *socket = zsock_resolve (dealer);
    size_t body = request_sizes [2] < HEADER_BYTES ? HEADER_BYTES : request_sizes [2];
    if (body > sizeof (padding))
        body = sizeof (padding);
    return zmq_send (socket, padding + HEADER_BYTES, request_sizes [0], ZMQ_SNDMORE) == -1
        || zmq_send (socket, padding + HEADER_BYTES, request_sizes [1], ZMQ_SNDMORE) == -1
        || zmq_send (socket, padding, body, 0) == -1 ? -1 : 0;
}

size_t
bench_raw_receive (zsock_t *dealer)
{
    size_t bytes = 0;
    int more = 1;
    void *socket = zsock_resolve (dealer);
    while (more) {
        zmq_msg_t frame;
        zmq_msg_init (&frame);
        if (zmq_msg_recv (&frame, socket, ZMQ_DONTWAIT) == -1) {
            zmq_msg_close (&frame);
            return bytes;
        }
        bytes += zmq_msg_size (&frame);
        more = zmq_msg_more (&frame);
        zmq_msg_close (&frame);
    }
    return bytes;
}

int
bench_raw_ask (zsock_t *dealer, const size_t request_sizes [3], const size_t reply_sizes [3])
{
    return s_send_request (dealer, KIND_REQUEST, request_sizes, reply_sizes);
}

int
bench_raw_ask_store_page (zsock_t *dealer, uint32_t agent, uint32_t from, uint32_t count,
                          const size_t request_sizes [3])
{
    //  the header's words after the kind: from, count and the agent
    size_t fields [3] = { from, count, agent };
    return s_send_request (dealer, KIND_STORE_PAGE, request_sizes, fields);
}

long
bench_raw_await (zsock_t *dealer, int timeout_ms)
{
    zmq_pollitem_t item = { zsock_resolve (dealer), 0, ZMQ_POLLIN, 0 };
    if (zmq_poll (&item, 1, timeout_ms) <= 0)
        return -1;
    return (long) bench_raw_receive (dealer);
}

long
bench_raw_request (zsock_t *dealer, const size_t request_sizes [3],
                   const size_t reply_sizes [3], int timeout_ms)
{
    return bench_raw_ask (dealer, request_sizes, reply_sizes)
         ? -1 : bench_raw_await (dealer, timeout_ms);
}

long
bench_raw_store_page (zsock_t *dealer, uint32_t agent, uint32_t from, uint32_t count,
                      const size_t request_sizes [3], int timeout_ms)
{
    return bench_raw_ask_store_page (dealer, agent, from, count, request_sizes)
         ? -1 : bench_raw_await (dealer, timeout_ms);
}

int
bench_raw_hello (zsock_t *dealer)
{
    size_t sizes [3] = { 5, 5, HEADER_BYTES };
    return s_send_request (dealer, KIND_HELLO, sizes, sizes);
}

int
bench_raw_fan_out (zsock_t *dealer, const size_t request_sizes [3],
                   const size_t event_sizes [3])
{
    return s_send_request (dealer, KIND_FAN_OUT, request_sizes, event_sizes);
}

// ---------------------------------------------------------------- SQLite

//  A table like the store's interaction table, and its settings.
static sqlite3 *
s_raw_database (const char *path, bool synchronous_full)
{
    sqlite3 *db = NULL;
    char sql [512];
    snprintf (sql, sizeof (sql),
              "PRAGMA journal_mode = WAL; PRAGMA synchronous = %s;"
              "CREATE TABLE IF NOT EXISTS item (id TEXT NOT NULL PRIMARY KEY, kind TEXT,"
              " owner TEXT, position INTEGER NOT NULL, moved TEXT, data BLOB NOT NULL);"
              "CREATE INDEX IF NOT EXISTS item_order ON item (kind, owner, position);"
              "CREATE INDEX IF NOT EXISTS item_moved ON item (kind, owner, moved);",
              synchronous_full ? "FULL" : "NORMAL");
    if (sqlite3_open (path, &db) != SQLITE_OK
    ||  sqlite3_exec (db, sql, NULL, NULL, NULL) != SQLITE_OK) {
        bench_note ("raw sqlite: %s", sqlite3_errmsg (db));
        sqlite3_close (db);
        return NULL;
    }
    return db;
}

//  One transaction of one row: begin, upsert, commit. 0 or -1.
static int
s_raw_commit (sqlite3 *db, sqlite3_stmt *upsert, int64_t number, const void *blob, size_t size)
{
    char id [32];
    snprintf (id, sizeof (id), "%016llX", (unsigned long long) (number % 1000));
    sqlite3_bind_text (upsert, 1, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text (upsert, 2, number % 2 ? "draft" : "team", -1, SQLITE_STATIC);
    sqlite3_bind_int64 (upsert, 3, number);
    sqlite3_bind_blob64 (upsert, 4, blob, size, SQLITE_STATIC);
    int rc = sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK
          && sqlite3_step (upsert) == SQLITE_DONE;
    sqlite3_reset (upsert);
    return rc && sqlite3_exec (db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

double
bench_raw_sqlite_commits (const char *path, bool synchronous_full, size_t row_bytes,
                          double seconds)
{
    sqlite3 *db = s_raw_database (path, synchronous_full);
    sqlite3_stmt *upsert = NULL;
    if (!db || sqlite3_prepare_v2 (db, "INSERT INTO item (id, kind, owner, position, moved, data)"
                                   " VALUES (?1, ?2, 'a0001', ?3, '2026-03-02T09:15:27Z', ?4)"
                                   " ON CONFLICT (id) DO UPDATE SET kind = excluded.kind,"
                                   " position = excluded.position, data = excluded.data",
                                   -1, &upsert, NULL) != SQLITE_OK) {
        sqlite3_close (db);
        return -1;
    }
    void *blob = calloc (1, row_bytes);
    int64_t commits = 0, start = bench_now_ns ();
    while (bench_seconds_since (start) < seconds
    &&     s_raw_commit (db, upsert, commits, blob, row_bytes) == 0)
        commits++;
    double elapsed = bench_seconds_since (start);
    free (blob);
    sqlite3_finalize (upsert);
    sqlite3_close (db);
    return elapsed > 0 ? (double) commits / elapsed : -1;
}
