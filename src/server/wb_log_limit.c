/*  wb_log_limit: a rate limit for one kind of log line, per peer. See
    wb_log_limit.h. The table is a zhashx of peer name to window; it never
    holds more than WB_LOG_LIMIT_PEERS + 1 entries.
*/
#include <czmq.h>
#include "wb_log_limit.h"
#include "wb_prelude.h"

/* One peer's current interval. */
typedef struct {
    int64_t start;              /* when its interval began */
    size_t lines;               /* lines allowed in it */
    size_t suppressed;          /* lines refused in it */
} s_window_t;

struct _wb_log_limit_t {
    zhashx_t *windows;          /* peer name -> s_window_t */
    size_t lines;
    int64_t interval;
    wb_log_limit_report_fn *report;
    void *context;
};

/* zhashx destructor for a window. */
static void
s_window_destroy (void **item)
{
    free (*item);
    *item = NULL;
}

wb_log_limit_t *
wb_log_limit_new (size_t lines, int64_t interval_ms, wb_log_limit_report_fn *report,
                  void *context)
{
    if (lines == 0 || interval_ms <= 0)
        return NULL;
    wb_log_limit_t *self = wb_calloc (1, sizeof (wb_log_limit_t));
    self->windows = zhashx_new ();
    zhashx_set_destructor (self->windows, s_window_destroy);
    self->lines = lines;
    self->interval = interval_ms;
    self->report = report;
    self->context = context;
    return self;
}

void
wb_log_limit_destroy (wb_log_limit_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    wb_log_limit_t *self = *self_p;
    zhashx_destroy (&self->windows);
    free (self);
    *self_p = NULL;
}

/* True if the window's interval is over at now (a clock going back
   counts as over: a new interval starts). */
static bool
s_window_over (const wb_log_limit_t *self, const s_window_t *window, int64_t now)
{
    return now - window->start >= self->interval || now < window->start;
}

/* Reports a window's suppressed lines, if any. */
static void
s_report (wb_log_limit_t *self, const char *peer, const s_window_t *window)
{
    if (window->suppressed && self->report)
        self->report (self->context, peer, window->suppressed);
}

/* The window of a peer, made if need be; past WB_LOG_LIMIT_PEERS peers, the
   shared one of the others. */
static s_window_t *
s_window_of (wb_log_limit_t *self, const char *peer, int64_t now)
{
    s_window_t *window = zhashx_lookup (self->windows, peer);
    if (!window && zhashx_size (self->windows) >= WB_LOG_LIMIT_PEERS) {
        peer = WB_LOG_LIMIT_OTHERS;
        window = zhashx_lookup (self->windows, peer);
    }
    if (!window) {
        window = wb_calloc (1, sizeof (s_window_t));
        window->start = now;
        zhashx_insert (self->windows, peer, window);
    }
    else
    if (s_window_over (self, window, now)) {
        s_report (self, peer, window);
        *window = (s_window_t) { now, 0, 0 };
    }
    return window;
}

bool
wb_log_limit_allow (wb_log_limit_t *self, const char *peer, int64_t now_ms)
{
    if (!self || !peer)
        return false;
    s_window_t *window = s_window_of (self, peer, now_ms);
    if (window->lines < self->lines) {
        window->lines++;
        return true;
    }
    window->suppressed++;
    return false;
}

void
wb_log_limit_flush (wb_log_limit_t *self, int64_t now_ms)
{
    if (!self)
        return;
    zlistx_t *over = zlistx_new ();    //  copies of the names
    zlistx_set_duplicator (over, (zlistx_duplicator_fn *) strdup);
    zlistx_set_destructor (over, (zlistx_destructor_fn *) zstr_free);
    for (s_window_t *window = zhashx_first (self->windows); window;
         window = zhashx_next (self->windows))
        if (s_window_over (self, window, now_ms)) {
            const char *peer = zhashx_cursor (self->windows);
            s_report (self, peer, window);
            zlistx_add_end (over, (void *) peer);
        }
    //  removed after the walk: a zhashx must not change under its cursor
    for (const char *peer = zlistx_first (over); peer; peer = zlistx_next (over))
        zhashx_delete (self->windows, peer);
    zlistx_destroy (&over);
}

size_t
wb_log_limit_size (const wb_log_limit_t *self)
{
    return self ? zhashx_size (self->windows) : 0;
}
