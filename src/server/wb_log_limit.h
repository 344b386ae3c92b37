/*  wb_log_limit: a rate limit for one kind of log line, per peer.

    A peer that floods the server with bad input must not flood its log
    (PROTOCOL.md 3.2: every malformed message is answered, and was logged,
    112 MB in 90 s). Each peer may have `lines` lines in an interval; the
    rest are counted, and once the interval is over the count is reported
    once ("N more ... suppressed"). Peers are kept in a bounded table: past
    WB_LOG_LIMIT_PEERS, new peers share one entry, WB_LOG_LIMIT_OTHERS.

    Time is given by the caller (wb_mono_ms in the server; fixed numbers in
    the tests), so the limiter itself never reads a clock.
*/
#ifndef WB_LOG_LIMIT_H_INCLUDED
#define WB_LOG_LIMIT_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WB_LOG_LIMIT_PEERS 256
#define WB_LOG_LIMIT_OTHERS "other peers"

typedef struct _wb_log_limit_t wb_log_limit_t;

/* Called once for a peer whose interval ended with lines suppressed. */
typedef void (wb_log_limit_report_fn) (void *context, const char *peer, size_t suppressed);

/* At most lines lines per peer in each interval_ms; NULL if lines or
   interval_ms is 0. */
wb_log_limit_t *wb_log_limit_new (size_t lines, int64_t interval_ms,
                                  wb_log_limit_report_fn *report, void *context);
void wb_log_limit_destroy (wb_log_limit_t **self_p);

/* True if a line about peer may be written at now_ms; false counts it as
   suppressed. A peer whose interval has ended is reported (if it had
   suppressed lines) and starts a new one. */
bool wb_log_limit_allow (wb_log_limit_t *self, const char *peer, int64_t now_ms);

/* Reports and forgets every peer whose interval has ended by now_ms: call
   it now and then, so that a summary comes out after a flood stops. */
void wb_log_limit_flush (wb_log_limit_t *self, int64_t now_ms);

/* Peers in the table (for the tests). */
size_t wb_log_limit_size (const wb_log_limit_t *self);

#endif
