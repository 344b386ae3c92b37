/*  bench_dispatch: the server's cost per request, in instructions, for
    valgrind --tool=callgrind (no wall clock: the figure is the same on any
    machine and in any run).

        valgrind --tool=callgrind --toggle-collect=s_measured_request \
            bench/bench_dispatch KIND COUNT [STORED]

    KIND is ping, statistic, content or notifications. The engine runs on
    tests/data/engine.cfg ($WB_SRCDIR) and an in-memory store holding five
    interactions in draft@a1; agent a1 is logged in. Every request is
    encoded before the measured part; s_measured_request decodes one, lets
    the engine handle it, and encodes the reply as wb_server would send it.
    Instructions per request: the collected total divided by COUNT.
    STORED (0 unless given) more interactions, shaped as the server stores
    them (bench_interaction, about 500 bytes), are put in draft@a1 through
    the store first: "content 20 500" measures pages of 500.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wb_engine.h"
#include "wb_requests.h"
#include "wb_store.h"
#include "bench_data.h"

#define SUBJECTS 5

/* What the engine sent: messages, and how many were EventError. */
typedef struct {
    long sent;
    long errors;
} s_tally_t;

//  The engine's send function: encode as the server does, count, drop.
static int
s_sink (void *context, wb_msg_t **msg_p)
{
    s_tally_t *tally = context;
    tally->sent++;
    tally->errors += wb_msg_is (*msg_p, WB_ROW_EVENT_ERROR);
    zmsg_t *zmsg = wb_msg_encode (*msg_p);
    zmsg_destroy (&zmsg);
    wb_msg_destroy (msg_p);
    return 0;
}

/* The workbin the requests name: a1's drafts. */
static const wb_workbin_t s_drafts = { "draft", WB_OWNER_AGENT, NULL, "a1" };

//  The request of one kind; NULL for an unknown kind.
static wb_msg_t *
s_request_of (const char *kind)
{
    if (strcmp (kind, "ping") == 0)
        return wb_request_ping ();
    if (strcmp (kind, "statistic") == 0)
        return wb_request_workbin_statistic (&s_drafts);
    if (strcmp (kind, "content") == 0)
        return wb_request_get_workbin_content (&s_drafts, WB_ABSENT, WB_ABSENT);
    if (strcmp (kind, "notifications") == 0)
        return wb_request_workbin_notifications (&s_drafts, false);
    return NULL;
}

//  Handle one request, untimed but counted: what the server does with it.
void s_measured_request (wb_engine_t *engine, zframe_t *routing_id, zmsg_t *zmsg);
void __attribute__ ((noinline))
s_measured_request (wb_engine_t *engine, zframe_t *routing_id, zmsg_t *zmsg)
{
    wb_codec_status_t status;
    int64_t reference_id = 0;
    wb_msg_t *msg = wb_msg_decode (zmsg, &status, &reference_id);
    if (msg)
        wb_engine_handle (engine, routing_id, &msg, 1000);
}

//  Put stored interactions in a1's drafts through the store. 0 or -1.
static int
s_fill (wb_store_t *store, long stored)
{
    wb_workbin_ref_t drafts = { "draft", "a1" };
    int rc = wb_store_begin (store);
    for (long number = 1; rc == 0 && number <= stored; number++) {
        char id [32];
        wb_kvlist_t *properties = bench_interaction (number, "draft", "WorkbinAgentId", "a1");
        rc = wb_store_interaction_put (store, bench_interaction_id (id, sizeof (id), number),
                                       drafts, properties);
        wb_kvlist_destroy (&properties);
    }
    return rc || wb_store_bump_version (store, drafts, NULL) || wb_store_commit (store)
         ? -1 : 0;
}

//  Outside the measured part: register a1, log it in, submit the
//  interactions.
static void
s_setup (wb_engine_t *engine, zframe_t *routing_id)
{
    wb_submission_t submission = { .workbin = s_drafts, .media_type = "email",
                                   .interaction_type = "Inbound", .subject = "An order" };
    wb_msg_t *setup [2 + SUBJECTS] = {
        wb_request_register_client (WB_CLIENT_AGENT_APPLICATION, NULL),
        wb_request_agent_login (WB_DEFAULT_TENANT, "a1", NULL),
    };
    for (int count = 0; count < SUBJECTS; count++)
        setup [2 + count] = wb_request_submit (&submission);
    for (size_t index = 0; index < sizeof (setup) / sizeof (setup [0]); index++)
        wb_engine_handle (engine, routing_id, &setup [index], 1000);
}

//  Encode count copies of one request, numbered from 1.
static zmsg_t **
s_encoded (const char *kind, long count)
{
    zmsg_t **encoded = calloc ((size_t) count, sizeof (zmsg_t *));
    for (long index = 0; encoded && index < count; index++) {
        wb_msg_t *msg = s_request_of (kind);
        wb_msg_set_reference_id (msg, index + 1);
        encoded [index] = wb_msg_encode (msg);
        wb_msg_destroy (&msg);
    }
    return encoded;
}

static int
s_run (wb_engine_t *engine, const char *kind, long count)
{
    zmsg_t **encoded = s_encoded (kind, count);
    if (!encoded)
        return 1;
    uint8_t peer = 1;
    zframe_t *routing_id = zframe_new (&peer, 1);
    s_setup (engine, routing_id);
    for (long index = 0; index < count; index++) {
        s_measured_request (engine, routing_id, encoded [index]);
        zmsg_destroy (&encoded [index]);
    }
    zframe_destroy (&routing_id);
    free (encoded);
    return 0;
}

int
main (int argc, char *argv [])
{
    wb_msg_t *probe = argc == 3 || argc == 4 ? s_request_of (argv [1]) : NULL;
    long count = probe ? atol (argv [2]) : 0;
    long stored = argc == 4 ? atol (argv [3]) : 0;
    if (!probe || count < 1 || stored < 0) {
        fprintf (stderr, "usage: bench_dispatch ping|statistic|content|notifications COUNT"
                         " [STORED]\n");
        return 2;
    }
    wb_msg_destroy (&probe);
    zsys_init ();
    zsys_set_logstream (NULL);          //  the store warns that :memory: is not WAL
    char path [512], error [256] = "";
    const char *srcdir = getenv ("WB_SRCDIR") ? getenv ("WB_SRCDIR") : ".";
    snprintf (path, sizeof (path), "%s/tests/data/engine.cfg", srcdir);
    wb_directory_t *directory = wb_directory_load (path, error, sizeof (error));
    wb_store_t *store = directory ? wb_store_open ("sqlite::memory:", error, sizeof (error))
                                  : NULL;
    if (store && s_fill (store, stored)) {
        snprintf (error, sizeof (error), "cannot store %ld interactions", stored);
        wb_store_destroy (&store);
    }
    s_tally_t tally = { 0, 0 };
    wb_engine_t *engine = store ? wb_engine_new (directory, store, s_sink, &tally) : NULL;
    int rc = engine ? s_run (engine, argv [1], count) : 1;
    if (!engine)
        fprintf (stderr, "bench_dispatch: %s\n", error);
    else
        fprintf (stderr, "bench_dispatch: %ld messages sent, %ld EventError\n",
                 tally.sent, tally.errors);
    if (tally.errors)
        rc = 1;
    wb_engine_destroy (&engine);
    wb_store_destroy (&store);
    wb_directory_destroy (&directory);
    return rc;
}
