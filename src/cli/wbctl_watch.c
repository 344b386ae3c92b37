/*  wbctl_watch: the watch command. Subscribes to each workbin as the
    subscribe command does, then prints each change as it comes, pinging
    the server every few seconds, until N changes, the timeout or Ctrl-C.
    See wbctl.h.
*/
#include <inttypes.h>
#include "wbctl.h"

#define WBCTL_PING_INTERVAL_MS 5000   /* well within the server's 10 s rule */

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

//  Wait for changes, pinging the server every few seconds. Ctrl-C is the
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
        if (now >= deadline)
            status = s_watch_timeout (args, changes);
        else
        if (now >= next_ping) {
            next_ping = now + WBCTL_PING_INTERVAL_MS;
            int pinged = wbctl_keep_alive (self);
            status = pinged == WBCTL_OK || pinged == WBCTL_INTERRUPTED ? -1 : pinged;
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
    const wbctl_command_t *subscribe = wbctl_command_find ("subscribe");
    for (int index = 0; index < args->argc; index++) {
        wbctl_args_t one = *args;
        one.argc = 1;
        one.argv = args->argv + index;
        int status = wbctl_command_run (self, subscribe, &one);
        if (status != WBCTL_OK)
            return status;
    }
    return s_watch_loop (self, args);
}
