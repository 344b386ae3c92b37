/*  wb_client: one client connection to wbserver (a DEALER socket).

    Numbers requests (ReferenceId grows from 1), and sorts what arrives into
    replies and unsolicited events. Two ways to use it:
    - blocking, for wbctl and tests: wb_client_request () sends and waits for
      the reply with its deadline, keeping events that arrive meanwhile for
      wb_client_next_event ();
    - non-blocking, for the console: poll wb_client_socket (), then
      wb_client_receive () whatever has arrived, replies and events alike.
    Nothing here blocks without a deadline.

    On a tcp:// endpoint a client with keys speaks CURVE: its own
    certificate and the server's public key (wb_client_new_secure, or keys
    set once for the whole process with wb_client_set_default_keys, as
    zsys_set_* does for sockets). ipc:// and inproc:// stay plain. A
    socket monitor watches the handshake of a client with keys (or of every
    tcp client, when asked), so that a client the server refuses learns why
    (wb_client_problem) instead of waiting in vain.

    A site with several server nodes gives a list of endpoints, separated
    by commas ("ipc://a,ipc://b"). The client talks to one node at a time,
    the first at start: one DEALER connected to all of them would spread
    a session's requests over nodes that do not share it. When the node
    stops answering, wb_client_move opens a new DEALER to the next one,
    round robin, and the caller opens its session there again (register,
    log in, subscribe, fetch). The same keys serve every node.
*/
#ifndef WB_CLIENT_H_INCLUDED
#define WB_CLIENT_H_INCLUDED

#include <czmq.h>
#include "wb_msg.h"
#include "wb_protocol.h"

typedef struct _wb_client_t wb_client_t;

/* Connect (asynchronously, as ZeroMQ does) to an endpoint, or to the
   first of a list of them (see above). NULL if an endpoint is malformed
   (wb_client_check_endpoints says which). */
wb_client_t *wb_client_new (const char *endpoints);
/* The same with CURVE keys on tcp:// endpoints: cert is the client's own
   certificate, with its secret key (copied); server_key the server's
   public key as Z85 text. NULL cert: no keys, as wb_client_new without
   default keys. NULL if the endpoint is malformed or a key is missing. */
wb_client_t *wb_client_new_secure (const char *endpoints, zcert_t *cert, const char *server_key);
void wb_client_destroy (wb_client_t **self_p);

/* Keys that every client made afterwards by wb_client_new uses (copied);
   NULL cert forgets them. For programs with one identity (wbctl,
   wbconsole): call before making clients, not while other threads do.
   Return 0, or -1 if cert is given without server_key. */
int wb_client_set_default_keys (zcert_t *cert, const char *server_key);

/* Watch the handshakes of clients without keys too, on tcp endpoints,
   so that they learn when a server wants CURVE (clients with keys are
   always watched). Off by default: a watch costs two sockets a client,
   which a process with a thousand clients does not want. For programs
   with one identity; call before making clients. */
void wb_client_set_watch_handshakes (bool watch);

/* Watch every client's connection, on every transport: a connection that
   closes (the server's process ended, or the node went) is known at once
   (wb_client_dropped), not only when a request's deadline passes. Costs a
   monitor (two sockets) a client; for programs with one identity, as the
   console; call before making clients. */
void wb_client_set_watch_connections (bool watch);

/* True once after the connection closed (ZeroMQ reconnects by itself, but
   what the server held for this client may be gone); false otherwise, or
   when connections are not watched. */
bool wb_client_dropped (wb_client_t *self);

/* The monitor's socket to poll with wb_client_socket (readable when there
   is something for wb_client_dropped or wb_client_problem), or NULL. */
zsock_t *wb_client_monitor_socket (wb_client_t *self);

/* Why the connection does not work, as far as the handshake showed: a
   sentence such as "the server refused our key", or NULL if nothing is
   known to be wrong (connected, or still trying). */
const char *wb_client_problem (wb_client_t *self);

/* Drop the connection and open a fresh one to the same endpoint: what a
   client does when the server stops answering (the zguide's Lazy Pirate). */
int wb_client_reconnect (wb_client_t *self);

/* Someone told of every message the client sends or receives, as it goes
   out (a request, its ReferenceId set) or comes in (a reply or an event,
   before anything else sees it): wbctl play --trace records them. NULL
   fn: nobody. */
typedef void (wb_client_observer_fn) (void *arg, bool sent, const wb_msg_t *msg);
void wb_client_set_observer (wb_client_t *self, wb_client_observer_fn *fn, void *arg);

/* Someone who looks at each message received before it is decoded (see
   wb_msg_glance_fn): the console asks for a workbin's next page there, so
   that the server reads it while this one is decoded. NULL fn: nobody. */
void wb_client_set_glance (wb_client_t *self, wb_msg_glance_fn *fn, void *arg);

/* Drop the connection and open a fresh one to the next endpoint of the
   list, round robin (the same one when there is only one): what a client
   does when a node stops answering. Its session is not there: open it
   again. 0, or -1 if the socket could not be made. */
int wb_client_move (wb_client_t *self);

/* Check a list of endpoints as wb_client_new reads it: 0, or -1 with
   problem saying which one is wrong ("not a valid endpoint: X"). */
int wb_client_check_endpoints (const char *endpoints, char *problem, size_t size);

zsock_t *wb_client_socket (wb_client_t *self);
/* The endpoint the client talks to now, and how many it was given. */
const char *wb_client_endpoint (const wb_client_t *self);
size_t wb_client_endpoint_count (const wb_client_t *self);

/* Send a request, giving it the next ReferenceId; return that id, or -1.
   Destroys *request_p. */
int64_t wb_client_send (wb_client_t *self, wb_msg_t **request_p);

/* Send and wait up to timeout_ms for the reply with the same ReferenceId.
   Returns the reply (EventAck, EventError or the request's own event), or
   NULL on timeout (errno ETIMEDOUT), interruption, or at once when the
   handshake failed for good (errno ECONNREFUSED: see wb_client_problem). */
wb_msg_t *wb_client_request (wb_client_t *self, wb_msg_t **request_p, int timeout_ms);

/* The next unsolicited event: one kept by wb_client_request, else one
   that arrives within timeout_ms (0: do not wait). NULL if none. */
wb_msg_t *wb_client_next_event (wb_client_t *self, int timeout_ms);

/* Receive one message that is waiting now, without blocking; NULL if none.
   A message that cannot be decoded is dropped and counted. */
wb_msg_t *wb_client_receive (wb_client_t *self);
size_t wb_client_malformed_count (const wb_client_t *self);

/* Register as ClientType (WB_CLIENT_AGENT_APPLICATION or
   WB_CLIENT_MEDIA_SERVER) and, if agent_id is not NULL, log in (place_id
   NULL: the agent's own place). Return 0; 1 if the server answered
   EventError (*error_reply gets it, caller destroys); -1 if it did not
   answer within timeout_ms. */
/* Whether wb_client_open_session's login takes the agent over from a
   session that holds it on another connection (TakeOver 1). */
void wb_client_set_take_over (wb_client_t *self, bool take_over);
int wb_client_open_session (wb_client_t *self, wb_client_type_t client_type,
                            const char *client_name, int64_t tenant_id, const char *agent_id,
                            const char *place_id, int timeout_ms, wb_msg_t **error_reply);

#endif
