/*  wbctl_watch: the watch command. Subscribes to each workbin as the
    subscribe command does, then prints each change as it comes, pinging
    the server every 2 seconds, until N changes, the timeout or Ctrl-C.
    When a ping says the server no longer holds the session (it restarted
    or expired it) or gets no answer, the watch says so on stderr, opens a
    new session, subscribes again and goes on. With a list of endpoints,
    a node that does not answer is left for the next one (said on stderr
    too); one that forgot the session is asked again. See wbctl.h.
*/
#include <inttypes.h>
#include "wbctl.h"
#include "wb_error.h"
#include "wb_events.h"

#define WBCTL_PING_INTERVAL_MS 2000   /* a lost session is noticed within about 2 s */
#define WBCTL_REOPEN_PAUSE_MS 1000    /* between two tries to open a new session */
#define S_FORGOTTEN (-2)              /* s_ping: the server answered, but no longer knows us */

//  Show one unsolicited event; -1 to go on, else an exit status.
static int
s_watch_event (wbctl_t *self, const wb_msg_t *event, int64_t *changes)
{
    wbctl_print_json (self, event);
    if (wb_msg_is (event, WB_ROW_EVENT_ERROR)) {
        wbctl_print_refusal (event, "");
        return WBCTL_EVENT_ERROR;
    }
    if (wb_msg_is (event, WB_ROW_EVENT_WORKBIN_CONTENT_CHANGED)) {
        (*changes)++;
        if (!self->json)
            wbctl_print_change (event);
    }
    else
    if (!self->json) {
        //  EventPropertiesChanged, or a newer server's event: its name, and
        //  the interaction it is about if it names one
        const char *id = wb_kvlist_string (wb_msg_body_const (event), WB_ATTR_INTERACTION_ID);
        printf ("%s%s%s\n", wb_msg_name (event), id ? " " : "", id ? id : "");
        wbctl_print_check_output ();
    }
    return -1;
}

static int
s_watch_timeout (const wbctl_args_t *args, int64_t changes)
{
    if (!(args->given & WBCTL_OPT_EVENTS))
        return WBCTL_OK;
    fprintf (stderr, "wbctl: watch: %" PRId64 " of %" PRId64 " changes within %g s\n",
             changes, args->count, args->timeout_ms / 1000.0);
    return WBCTL_NO_ANSWER;
}

//  Subscribe to every workbin of the watch, as the subscribe command
//  does (each EventAck printed); the exit status.
static int
s_subscribe_all (wbctl_t *self, const wbctl_args_t *args)
{
    const wbctl_command_t *subscribe = wbctl_command_find ("subscribe");
    for (int index = 0; index < args->argc; index++) {
        wbctl_args_t one = *args;
        one.argc = 1;
        one.argv = args->argv + index;
        int status = wbctl_command_run (self, subscribe, &one);
        if (status != WBCTL_OK)
            return status;
    }
    return WBCTL_OK;
}

//  Ping; WBCTL_OK while the server holds the session, S_FORGOTTEN when
//  it no longer does (EventError 1), WBCTL_NO_ANSWER when it is silent,
//  else the exit status.
static int
s_ping (wbctl_t *self)
{
    wbctl_exchange_t exchange;
    int status = wbctl_command_exchange (self, wbctl_command_find ("ping"),
                                         &(wbctl_args_t) { .timeout_ms = -1 }, &exchange);
    wb_event_error_t error;
    if (status == WBCTL_EVENT_ERROR && wb_event_read_error (exchange.reply, &error) == 0
    &&  error.code == WB_ERR_NOT_REGISTERED)
        status = S_FORGOTTEN;
    else
    if (status == WBCTL_EVENT_ERROR)
        wbctl_print_refusal (exchange.reply, "");
    wbctl_exchange_clear (&exchange);
    return status;
}

//  Say that the session was lost, and where the watch goes on: the next
//  node when this one is silent or its connection closed (closed), and
//  there are several.
static void
s_say_lost (wbctl_t *self, bool move, bool closed)
{
    if (closed) {
        bool next = wb_client_endpoint_count (self->client) > 1;
        fprintf (stderr, "wbctl: watch: the connection to %s closed: the session was lost; ",
                 wb_client_endpoint (self->client));
        wbctl_session_restart (self, next);
        if (next)
            fprintf (stderr, "moving to %s\n", wb_client_endpoint (self->client));
        else
            fprintf (stderr, "opening a new one\n");
    }
    else
    if (move && wb_client_endpoint_count (self->client) > 1) {
        const char *silent = wb_client_endpoint (self->client);
        fprintf (stderr, "wbctl: watch: %s does not answer: the session was lost; ", silent);
        wbctl_session_restart (self, true);
        fprintf (stderr, "moving to %s\n", wb_client_endpoint (self->client));
    }
    else {
        fprintf (stderr, "wbctl: watch: the session was lost (the server restarted, expired it or "
                         "does not answer); opening a new one\n");
        wbctl_session_restart (self, false);
    }
}

//  The session was lost: open a new one and subscribe again, trying until
//  it works, the deadline or Ctrl-C; move: the node was silent, go to the
//  next one (and on to the next each time one does not answer). -1 to go
//  on, else an exit status.
static int
s_reopen (wbctl_t *self, const wbctl_args_t *args, int64_t deadline, bool move, bool closed)
{
    s_say_lost (self, move, closed);
    while (!wbctl_interrupted () && wb_mono_ms () < deadline) {
        wb_msg_t *refusal = NULL;
        int status = wbctl_session_open (self, true, &refusal);
        if (refusal)
            wbctl_print_refusal (refusal, "");
        wb_msg_destroy (&refusal);
        if (status == WBCTL_OK)
            status = s_subscribe_all (self, args);
        if (status == WBCTL_OK) {
            fprintf (stderr, "wbctl: watch: a new session is open on %s; changes made while "
                             "the session was lost are not shown\n", wb_client_endpoint (self->client));
            return -1;
        }
        if (status == WBCTL_USAGE || status == WBCTL_INTERRUPTED)
            return status;
        zclock_sleep (WBCTL_REOPEN_PAUSE_MS);
        if (status == WBCTL_NO_ANSWER && wb_client_endpoint_count (self->client) > 1)
            s_say_lost (self, true, false);
        else
            wbctl_session_restart (self, false);
    }
    return wbctl_interrupted () ? WBCTL_INTERRUPTED : WBCTL_NO_ANSWER;
}

//  Wait for changes, pinging the server every 2 seconds. Ctrl-C is the
//  normal end of a watch, also during a ping.
static int
s_watch_loop (wbctl_t *self, const wbctl_args_t *args)
{
    int64_t now = wb_mono_ms ();
    int64_t deadline = args->timeout_ms < 0 ? INT64_MAX : now + args->timeout_ms;
    int64_t next_ping = now + WBCTL_PING_INTERVAL_MS;
    int64_t changes = 0;
    int status = -1;
    while (status < 0 && !wbctl_interrupted ()) {
        now = wb_mono_ms ();
        if ((args->given & WBCTL_OPT_EVENTS) && changes >= args->count)
            status = WBCTL_OK;
        else
        if (wb_client_dropped (self->client)) {
            status = s_reopen (self, args, deadline, true, true) == -1 ? -1 : WBCTL_NO_ANSWER;
            next_ping = wb_mono_ms () + WBCTL_PING_INTERVAL_MS;
        }
        else
        if (now >= deadline)
            status = s_watch_timeout (args, changes);
        else
        if (now >= next_ping) {
            int pinged = s_ping (self);
            if (pinged == WBCTL_NO_ANSWER || pinged == S_FORGOTTEN)
                pinged = s_reopen (self, args, deadline, pinged == WBCTL_NO_ANSWER,
                                   wb_client_dropped (self->client)) == -1
                       ? WBCTL_OK : WBCTL_NO_ANSWER;
            status = pinged == WBCTL_OK || pinged == WBCTL_INTERRUPTED ? -1 : pinged;
            next_ping = wb_mono_ms () + WBCTL_PING_INTERVAL_MS;
        }
        else {
            wb_msg_t *event = wb_client_next_event (
                self->client, (int) ((deadline < next_ping ? deadline : next_ping) - now));
            status = event ? s_watch_event (self, event, &changes) : -1;
            wb_msg_destroy (&event);
        }
    }
    return status < 0 ? WBCTL_OK : status;
}

int
wbctl_watch (wbctl_t *self, const wbctl_args_t *args)
{
    int status = s_subscribe_all (self, args);
    return status == WBCTL_OK ? s_watch_loop (self, args) : status;
}
