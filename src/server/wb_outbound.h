/*  wb_outbound: what the server sends to each client, bounded in bytes.

    libzmq bounds a peer's queue by messages (ZMQ_SNDHWM), not bytes, and
    says nothing of how many bytes it holds. So the server keeps each
    client's queue itself: it hands libzmq at most WB_OUTBOUND_HANDOFF
    bytes a client at a time (one message always), and keeps the rest,
    in order, until libzmq has written what it holds (it tells us by
    freeing each body, from its I/O thread). A client with more than its
    bytes (libzmq's and ours), or more than its messages (libzmq's
    ZMQ_SNDHWM, or as many waiting here), is refused the next message
    (EAGAIN): the engine then drops its subscriptions, or answers with
    EventError 1005.

    An event for several clients is encoded once: what waits for each of
    them is that one encoding (shared, counted once in memory but in each
    client's bytes) and its EventSequence; each client's copy is made only
    as libzmq takes it. wb_outbound_pump hands libzmq what waits, a budget
    at a time, round-robin over the clients, so the reactor goes back to
    reading requests between two budgets.
*/
#ifndef WB_OUTBOUND_H_INCLUDED
#define WB_OUTBOUND_H_INCLUDED

#include <czmq.h>
#include "wb_msg.h"

/* The most bytes handed to libzmq for one client at a time (or its bound
   if smaller). */
#define WB_OUTBOUND_HANDOFF (1u << 20)
/* Sweeps (wb_outbound_sweep) a peer with nothing queued is kept after its
   last message: long enough for a subscriber that hears of changes every
   second or two to keep its peer; short, because a client that vanished
   is not known here to be gone (60 kept a minute of them: test_churn saw
   the RSS climb 40 MiB over ten rounds of 1,000 clients). */
#define WB_OUTBOUND_IDLE_SWEEPS 3

typedef struct _wb_outbound_t wb_outbound_t;

/* A routing id is at most 255 bytes (ZMTP). */
#define WB_ROUTING_ID_MAX 255
/* Its hex key fits in this. */
#define WB_ROUTING_KEY_MAX (2 * WB_ROUTING_ID_MAX + 1)
/* The hex key of a routing id (as zframe_strhex writes it) into buffer,
   without allocating: the key of a table by peer. NULL if it does not
   fit (a frame that is no routing id). */
const char *wb_outbound_routing_key (zframe_t *routing_id, char buffer [WB_ROUTING_KEY_MAX]);

/* For a ROUTER socket (ROUTER_MANDATORY, SNDTIMEO 0), which it does not
   own, and each client's bounds: bytes (libzmq's and ours), and messages
   waiting here (libzmq's own bound is its ZMQ_SNDHWM). */
wb_outbound_t *wb_outbound_new (zsock_t *router, size_t send_bytes, size_t send_messages);
void wb_outbound_destroy (wb_outbound_t **self_p);

/* Send one message to the peer its routing id names, now or after what
   waits for that peer. Does not take msg. 0, or -1 with errno:
   EHOSTUNREACH (no such peer), EMSGSIZE (over a codec limit: logged),
   EAGAIN (the peer has its bytes queued; an EventError still goes: it is
   small, and every request gets its reply), ENOMEM. */
int wb_outbound_send (wb_outbound_t *self, const wb_msg_t *msg);

/* One event for count peers, the one of routing_ids [index] with
   EventSequence sequences [index]: encoded once; errors [index] gets 0 or
   an errno as wb_outbound_send sets it. Changes the event's EventSequence
   and routing id; does not take it. */
void wb_outbound_send_many (wb_outbound_t *self, wb_msg_t *event, zframe_t **routing_ids,
                            const int64_t *sequences, int *errors, size_t count);

/* Hand libzmq what waits, round-robin over the peers, until about budget
   bytes went or no peer can take more. Return the bytes handed over. What
   is left of the budget may go at once with the next sends; after that,
   a large message (over 64 KiB) waits for the next pump. */
size_t wb_outbound_pump (wb_outbound_t *self, size_t budget);
/* How many peers are known (a queue and its tally each). */
size_t wb_outbound_peers (wb_outbound_t *self);
/* True if messages wait for some peer. */
bool wb_outbound_waiting (wb_outbound_t *self);
/* True if the server should send what waits before it takes on work that
   adds to it: a peer that reads (libzmq took one of its messages lately)
   has half its bytes queued, or more than total_max bytes wait for such
   peers in all. A peer that does not read presses nobody: it meets its
   bound, and is dropped. */
bool wb_outbound_pressed (wb_outbound_t *self, size_t total_max);

/* Forget the peers with nothing queued that had no message for the last
   WB_OUTBOUND_IDLE_SWEEPS sweeps, and give freed memory back to the
   system after heavy sends (malloc_trim). Once in a while (a second). */
void wb_outbound_sweep (wb_outbound_t *self);

#endif
