/*  Records a fixed trace and exports it, for tests/e2e/test_trace_export.sh,
    which reads the files back with real parsers (Mermaid's, PlantUML,
    xmllint) and compares what they read with what this prints.

    trace_driver BASE
        Writes BASE.txt, BASE.mmd, BASE.puml and BASE.svg, then prints the
        title, the lifelines and one line per entry as the test compares
        them:
            title TEXT
            participant NAME
            KIND<TAB>FROM<TAB>TO<TAB>LABEL
        KIND is request, answer (a reply or an event), error, cause or mark
        (FROM and TO "-"); LABEL is the message's name and headline, or a
        mark's text.

    The flow has four lifelines (one named with what Mermaid and PlantUML
    would read as syntax), a request and its reply, an error, a change with
    its cause, a mark, and texts full of the characters each format must
    escape, in UTF-8.
*/
#include <stdio.h>
#include <stdlib.h>
#include "wb_protocol.h"
#include "wb_trace.h"

#define S_TITLE "Phase 1: get content; #1 <draft> & \"more\""
#define S_NASTY "#1; <b>b</b> & \"q\" -- **s** //i// __u__ ~~w~~ [[l]] {{x}} \\n 50% a:b,c@d"

static wb_kvlist_t *
s_workbin (const char *owner)
{
    wb_kvlist_t *body = wb_kvlist_new ();
    wb_kvlist_add_string (body, WB_ATTR_WORKBIN_TYPE_ID, "email-draft");
    wb_kvlist_add_string (body, WB_ATTR_WORKBIN_AGENT_ID, owner);
    return body;
}

//  The change a party that does not record made: its cause comes first.
static wb_kvlist_t *
s_change (const char *actor)
{
    wb_kvlist_t *body = s_workbin ("agent01");
    wb_kvlist_add_int (body, WB_ATTR_WORKBIN_CONTENT_OPERATION, WB_CONTENT_PLACED_IN);
    wb_kvlist_add_int (body, WB_ATTR_OPERATION, WB_OPERATION_CREATE);
    wb_kvlist_t *interaction = wb_kvlist_new ();
    wb_kvlist_add_string (interaction, WB_ATTR_INTERACTION_ID, "000A1");
    wb_kvlist_add_string (interaction, WB_ATTR_SUBJECT, "Re: Order " S_NASTY " \xc3\xa9t\xc3\xa9 \xe6\xbc\xa2\xe5\xad\x97");
    wb_kvlist_add_list (body, WB_ATTR_INTERACTION, &interaction);
    wb_kvlist_t *who = wb_kvlist_new ();
    wb_kvlist_add_string (who, WB_ATTR_AGENT_ID, actor);
    wb_kvlist_add_list (body, WB_ATTR_ACTOR, &who);
    wb_kvlist_add_int (body, WB_ATTR_WORKBIN_VERSION, 8);
    return body;
}

static void
s_record (wb_trace_t *trace)
{
    int64_t time_ms = 1000000;
    wb_kvlist_t *body = s_workbin ("agent01");
    wb_kvlist_add_int (body, WB_ATTR_FROM, 0);
    wb_trace_request (trace, NULL, WB_MSG_REQUEST_GET_WORKBIN_CONTENT, 1, body, time_ms++);
    wb_kvlist_destroy (&body);
    body = s_workbin ("agent01");
    wb_kvlist_add_int (body, WB_ATTR_WORKBIN_VERSION, 7);
    wb_kvlist_add_int (body, WB_ATTR_TOTAL_COUNT, 0);
    wb_trace_received (trace, NULL, WB_MSG_EVENT_WORKBIN_CONTENT, 1, body, time_ms++);
    wb_kvlist_destroy (&body);
    wb_trace_mark (trace, "Phase 2: " S_NASTY, time_ms++);
    body = s_workbin ("agent02");
    wb_trace_request (trace, "sup:1,@\"x\"", WB_MSG_REQUEST_CANCEL_WORKBIN_NOTIFICATIONS, 1, body,
                      time_ms++);
    wb_kvlist_destroy (&body);
    body = wb_kvlist_new ();
    wb_kvlist_add_int (body, WB_ATTR_ERROR_CODE, 1000);
    wb_kvlist_add_string (body, WB_ATTR_ERROR_DESCRIPTION, S_NASTY);
    wb_trace_received (trace, "sup:1,@\"x\"", WB_MSG_EVENT_ERROR, 1, body, time_ms++);
    wb_kvlist_destroy (&body);
    body = s_change ("media");
    wb_trace_received (trace, NULL, WB_MSG_EVENT_WORKBIN_CONTENT_CHANGED, 0, body, time_ms++);
    wb_kvlist_destroy (&body);
}

static void
s_print (const wb_trace_t *trace)
{
    static const char *kinds [] = { "request", "answer", "answer", "cause", "mark" };
    printf ("title %s\n", S_TITLE);
    for (size_t index = 0; index < wb_trace_party_count (trace); index++)
        printf ("participant %s\n", wb_trace_party (trace, index));
    for (size_t index = 0; index < wb_trace_size (trace); index++) {
        const wb_trace_entry_t *entry = wb_trace_at (trace, index);
        bool mark = entry->kind == WB_TRACE_MARK;
        printf ("%s\t%s\t%s\t%s%s%s\n", entry->error ? "error" : kinds [entry->kind],
                mark ? "-" : wb_trace_party (trace, entry->from),
                mark ? "-" : wb_trace_party (trace, entry->to), entry->name,
                *entry->name && *entry->headline ? " " : "", entry->headline);
    }
}

int
main (int argc, char **argv)
{
    if (argc != 2) {
        fprintf (stderr, "usage: trace_driver BASE\n");
        return 2;
    }
    wb_trace_t *trace = wb_trace_new ("agent01", 0, 0);
    s_record (trace);
    int rc = 0;
    const char *extensions [] = { "txt", "mmd", "puml", "svg" };
    for (size_t index = 0; index < 4; index++) {
        char path [1024];
        snprintf (path, sizeof (path), "%s.%s", argv [1], extensions [index]);
        if (wb_trace_export (trace, NULL, S_TITLE, path)) {
            perror (path);
            rc = 1;
        }
    }
    s_print (trace);
    wb_trace_destroy (&trace);
    return rc;
}
