/*  wb_node: a server node's place in a site of several nodes on one
    PostgreSQL (--store postgresql:...).

    On a connection of its own, a node takes a node id from a sequence
    and holds a session advisory lock on it for as long as it lives:
    PostgreSQL frees the lock when the node dies (or its connection goes),
    which is how the other nodes tell a live node from a dead one. Logins
    are site-wide, in the table login (agent, node): an agent logged in on
    a live node is refused on another (EventError 14); a login held by a
    node whose lock is free is taken over at once.

    Every node must load the same directory: its hash (SHA-1 of the
    loaded configuration, as zconfig saves it) is kept in the table site;
    a node whose directory differs from the one the running nodes loaded
    refuses to start, saying why. When no other node runs, the starting
    node's directory becomes the site's.
*/
#ifndef WB_NODE_H_INCLUDED
#define WB_NODE_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "wb_store.h"

typedef struct _wb_node_t wb_node_t;

/* Join the site of a postgresql: store URI with the directory loaded
   from directory_path; NULL with error filled (the database cannot be
   reached, or the directory differs from the running nodes'). */
wb_node_t *wb_node_new (const char *uri, const char *directory_path,
                        char *error, size_t error_size);
void wb_node_destroy (wb_node_t **self_p);

/* This node's id in the site. */
int64_t wb_node_id (const wb_node_t *self);
/* The directory's hash (40 hex digits) into hash (41 bytes or more). */
int wb_node_directory_hash (const char *directory_path, char *hash, size_t hash_size);

/* Claim an agent's login for this node: 1 claimed (free, held by this
   node, or by a dead node: taken over), 0 held by another live node,
   -1 the database failed. */
int wb_node_claim (wb_node_t *self, const char *agent_id);
/* Let an agent's login go (it logged out, or its session ended). */
void wb_node_release (wb_node_t *self, const char *agent_id);
/* The timer (about once a second): find a lost connection, reconnect
   and take the node's lock again when the backoff allows. */
void wb_node_tick (wb_node_t *self, int64_t now_ms);

#endif
