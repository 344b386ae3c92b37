/*  wb_client: one client connection to wbserver (a DEALER socket).

    Numbers requests (ReferenceId grows from 1), and sorts what arrives into
    replies and unsolicited events. Two ways to use it:
    - blocking, for wbctl and tests: wb_client_request () sends and waits for
      the reply with its deadline, keeping events that arrive meanwhile for
      wb_client_next_event ();
    - non-blocking, for the console: poll wb_client_socket (), then
      wb_client_receive () whatever has arrived, replies and events alike.
    Nothing here blocks without a deadline.
*/
#ifndef WB_CLIENT_H_INCLUDED
#define WB_CLIENT_H_INCLUDED

#include <czmq.h>
#include "wb_msg.h"

typedef struct _wb_client_t wb_client_t;

/* Connect (asynchronously, as ZeroMQ does) to an endpoint. NULL if the
   endpoint is malformed. */
wb_client_t *wb_client_new (const char *endpoint);
void wb_client_destroy (wb_client_t **self_p);

/* Drop the connection and open a fresh one to the same endpoint: what a
   client does when the server stops answering (the zguide's Lazy Pirate). */
int wb_client_reconnect (wb_client_t *self);

zsock_t *wb_client_socket (wb_client_t *self);
const char *wb_client_endpoint (const wb_client_t *self);

/* Send a request, giving it the next ReferenceId; return that id, or -1.
   Destroys *request_p. */
int64_t wb_client_send (wb_client_t *self, wb_msg_t **request_p);

/* Send and wait up to timeout_ms for the reply with the same ReferenceId.
   Returns the reply (EventAck, EventError or the request's own event), or
   NULL on timeout (errno ETIMEDOUT) or interruption. */
wb_msg_t *wb_client_request (wb_client_t *self, wb_msg_t **request_p, int timeout_ms);

/* The next unsolicited event: one kept by wb_client_request, else one
   that arrives within timeout_ms (0: do not wait). NULL if none. */
wb_msg_t *wb_client_next_event (wb_client_t *self, int timeout_ms);

/* Receive one message that is waiting now, without blocking; NULL if none.
   A message that cannot be decoded is dropped and counted. */
wb_msg_t *wb_client_receive (wb_client_t *self);
size_t wb_client_malformed_count (const wb_client_t *self);

/* Register as ClientType (2 agent application, 3 media server) and, if
   agent_id is not NULL, log in (place_id NULL: the agent's own place).
   Return 0; 1 if the server answered EventError (*error_reply gets it,
   caller destroys); -1 if it did not answer within timeout_ms. */
int wb_client_open_session (wb_client_t *self, int client_type, const char *client_name,
                            int64_t tenant_id, const char *agent_id, const char *place_id,
                            int timeout_ms, wb_msg_t **error_reply);

#endif
