/*  wbctl_session: one session with the server, for wbctl and for each
    agent of a play. Registers (an agent application that logs in, or a
    media server), loads the workbin types, sends one request at a time
    with the deadline, keeps the session alive, and says goodbye. See
    wbctl.h.
*/
#include <string.h>
#include "wbctl.h"
#include "wb_requests.h"

#define WBCTL_GOODBYE_TIMEOUT_MS 1000

wb_client_type_t
wbctl_client_type (const wbctl_t *self)
{
    return self->agent_id ? WB_CLIENT_AGENT_APPLICATION : WB_CLIENT_MEDIA_SERVER;
}

//  No reply: interrupted, or no answer in time (said on stderr).
static int
s_silence (const wbctl_t *self)
{
    if (wbctl_interrupted ())
        return WBCTL_INTERRUPTED;
    wbctl_print_no_answer (self);
    return WBCTL_NO_ANSWER;
}

int
wbctl_request (const wbctl_t *self, wb_msg_t **request_p, wb_msg_t **reply)
{
    *reply = wb_client_request (self->client, request_p, self->timeout_ms);
    return *reply ? WBCTL_OK : s_silence (self);
}

int
wbctl_session_open (wbctl_t *self, bool with_types, wb_msg_t **refusal)
{
    *refusal = NULL;
    //  a client that moved to another node (wbctl_session_restart) stays
    if (!self->client)
        self->client = wb_client_new (self->endpoint);
    if (!self->client)
        return WBCTL_USAGE;
    wb_client_set_take_over (self->client, self->take_over);
    wb_client_set_observer (self->client, self->observer, self->observer_arg);
    int rc = wb_client_open_session (self->client, wbctl_client_type (self), self->client_name,
                                     self->tenant_id, self->agent_id, self->place_id,
                                     self->timeout_ms, refusal);
    //  A refused login comes after the registration; an interrupted one
    //  may have registered too
    self->registered = rc != -1 || wbctl_interrupted ();
    if (rc == -1)
        return s_silence (self);
    if (rc == 1)
        return WBCTL_EVENT_ERROR;
    return with_types ? wbctl_load_types (self) : WBCTL_OK;
}

//  Say goodbye at once, so that the agent is logged out now rather than
//  when the server expires the session. Its answer does not matter.
static void
s_goodbye (wbctl_t *self)
{
    wbctl_interrupted_clear ();
    wb_msg_t *request = wb_request_unregister_client ();
    wb_msg_t *reply = wb_client_request (self->client, &request, WBCTL_GOODBYE_TIMEOUT_MS);
    wb_msg_destroy (&reply);
}

void
wbctl_session_restart (wbctl_t *self, bool move)
{
    self->registered = false;           //  no goodbye: that session is gone
    wb_workbin_types_destroy (&self->types);
    if (move)
        wb_client_move (self->client);
    else
        wb_client_reconnect (self->client);
}

void
wbctl_session_close (wbctl_t *self)
{
    if (self->registered)
        s_goodbye (self);
    self->registered = false;
    wb_workbin_types_destroy (&self->types);
    wb_client_destroy (&self->client);
}

//  Send the request of a command that takes no argument, without
//  printing its reply, which the caller gets in exchange. The exit status.
static int
s_quiet_request (wbctl_t *self, const char *name, wbctl_exchange_t *exchange)
{
    wbctl_args_t none = { .timeout_ms = -1 };
    int status = wbctl_command_exchange (self, wbctl_command_find (name), &none, exchange);
    if (status == WBCTL_EVENT_ERROR)
        wbctl_print_refusal (exchange->reply, wbctl_command_find (name)->reply);
    return status;
}

int
wbctl_load_types (wbctl_t *self)
{
    wbctl_exchange_t exchange;
    int status = s_quiet_request (self, "types", &exchange);
    if (status == WBCTL_OK)
        self->types = wb_workbin_types_new (wb_msg_body_const (exchange.reply));
    wbctl_exchange_clear (&exchange);
    return status;
}

int
wbctl_keep_alive (wbctl_t *self)
{
    wbctl_exchange_t exchange;
    int status = s_quiet_request (self, "ping", &exchange);
    wbctl_exchange_clear (&exchange);
    return status;
}

int
wbctl_resolve (const wbctl_t *self, const char *name, wbctl_workbin_t *workbin,
               char *problem, size_t size)
{
    if (wb_workbin_types_resolve (self->types, name, &workbin->workbin, workbin->type_id,
                                  problem, size))
        return -1;
    wb_workbin_label (&workbin->workbin, workbin->label, sizeof (workbin->label));
    return 0;
}
