/*  wb_trace: the message flow between clients and the server, as a
    sequence diagram: who sent what to whom, in order.

    A trace has parties (lifelines): the first is the one that records it
    (the console's agent), then "server", then every other party as it
    first appears: another session of the same recorder (wbctl play runs
    one per agent, and one for the media server) or the Actor of a change
    that the recorder did not make (another agent, a media server).

    Each entry is one arrow, or a marker between phases:
      request  party -> server         a request a party sent
      reply    server -> party         the answer to a request (same reference id)
      event    server -> party         an unsolicited event (reference id 0)
      cause    actor -> server         drawn before an EventWorkbinContentChanged
                                       whose Actor is not a party that records
                                       its own requests: what that party did
      mark     across every lifeline   a label between phases (":mark TEXT")

    An entry keeps a headline (what matters first, codes by name) and the
    whole body, for reading a message whole. The trace is bounded: at most
    max_entries entries and max_body_bytes of bodies (encoded size); past
    that the oldest entries go, so a console left tracing for a day keeps a
    fixed size.

    The same trace is exported as text, a Mermaid sequenceDiagram, PlantUML
    or SVG (wb_trace_export), by the console (:save-trace) and by
    `wbctl play --trace`.
*/
#ifndef WB_TRACE_H_INCLUDED
#define WB_TRACE_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "wb_kvlist.h"

#define WB_TRACE_SERVER "server"
#define WB_TRACE_PARTY_MAX 64       /* bytes of a party's name, with its NUL */
#define WB_TRACE_NAME_MAX 48
#define WB_TRACE_WORKBIN_MAX 140    /* "TYPE@OWNER" */
#define WB_TRACE_HEADLINE_MAX 256

typedef enum {
    WB_TRACE_REQUEST = 0,
    WB_TRACE_REPLY,
    WB_TRACE_EVENT,
    WB_TRACE_CAUSE,
    WB_TRACE_MARK,
} wb_trace_kind_t;

typedef struct {
    uint64_t number;                     /* 1, 2, ...: never given twice, even after a clear */
    int64_t time_ms;                     /* wall clock */
    wb_trace_kind_t kind;
    size_t from;                         /* party indexes (wb_trace_party) */
    size_t to;                           /* for a mark: both 0 */
    char name [WB_TRACE_NAME_MAX];       /* the message's name; a cause: the change
                                            ("PlacedIn"); a mark: "" */
    int64_t reference_id;
    bool error;                          /* an EventError */
    bool chatter;                        /* start-up and paging: register, login, types
                                            info, statistics, pings, content pages after
                                            the first, unregister, and their replies; never an
                                            EventError nor the request it answers */
    char workbin [WB_TRACE_WORKBIN_MAX]; /* "email-draft@agent01", or "" */
    char headline [WB_TRACE_HEADLINE_MAX]; /* what matters first; a mark: its text */
    wb_kvlist_t *body;                   /* every attribute; NULL for a mark or a cause */
} wb_trace_entry_t;

/* What to show: every field is optional (NULL, false: no condition). */
typedef struct {
    const char *workbin;                 /* entries about this workbin ("TYPE@OWNER"; marks kept) */
    const char *name;                    /* message names containing this text */
    const char *text;                    /* name, headline, or any attribute's value containing it */
    bool errors_only;                    /* EventErrors (and marks) only */
    bool hide_chatter;                   /* leave out entries marked chatter */
} wb_trace_filter_t;                     /* marks pass every filter: they divide phases */

typedef struct _wb_trace_t wb_trace_t;

/* The entries the functions below return stay valid until the next entry
   is added, or the trace cleared or destroyed. */

/* A trace recorded by RECORDER (the first lifeline). Limits of 0 take
   the defaults (10,000 entries, 16 MiB of bodies). */
wb_trace_t *wb_trace_new (const char *recorder, size_t max_entries, size_t max_body_bytes);
void wb_trace_destroy (wb_trace_t **self_p);

/* PARTY sent a request (its body copied). PARTY is the recorder or
   another session of it (its index is added when first seen); its
   changes need no cause arrow. */
const wb_trace_entry_t *wb_trace_request (wb_trace_t *self, const char *party, const char *name,
                                          int64_t reference_id, const wb_kvlist_t *body,
                                          int64_t time_ms);
/* PARTY received a message from the server: a reply when reference_id is
   that of a request PARTY sent, else an event. An
   EventWorkbinContentChanged whose Actor is not a recording party first
   adds the cause, from the actor. Returns the message's entry. */
const wb_trace_entry_t *wb_trace_received (wb_trace_t *self, const char *party, const char *name,
                                           int64_t reference_id, const wb_kvlist_t *body,
                                           int64_t time_ms);
/* The changes whose Actor is ACTOR were made by PARTY (added if new):
   for a party whose Actor is not its name, such as a media server that
   registered with a ClientName of its own. */
void wb_trace_actor (wb_trace_t *self, const char *party, const char *actor);
/* A labelled divider between phases. */
const wb_trace_entry_t *wb_trace_mark (wb_trace_t *self, const char *text, int64_t time_ms);
/* Forget every entry (numbers go on; the parties stay). */
void wb_trace_clear (wb_trace_t *self);

size_t wb_trace_size (const wb_trace_t *self);
/* Entry at index, 0 = the oldest kept; NULL past the end. */
const wb_trace_entry_t *wb_trace_at (const wb_trace_t *self, size_t index);
/* Index of the entry with that number, or -1 when gone or never given. */
long wb_trace_index_of (const wb_trace_t *self, uint64_t number);

size_t wb_trace_party_count (const wb_trace_t *self);
const char *wb_trace_party (const wb_trace_t *self, size_t index);
/* The parties that appear in the entries a filter keeps, in lifeline order
   (the recorder and the server always): fills indexes, returns how many. */
size_t wb_trace_parties_shown (const wb_trace_t *self, const wb_trace_filter_t *filter,
                               size_t *indexes, size_t capacity);

bool wb_trace_match (const wb_trace_entry_t *entry, const wb_trace_filter_t *filter);

/* Every attribute of an entry, one "Key=value" a line ("\n"), nested lists
   as "Key:" with their entries indented by two spaces a level, binary
   values as "<N bytes>", control characters as spaces; a cause or a mark,
   which has no body, gives its headline, codes followed by their name
   ("ErrorCode=14 (agent already logged in)", "Operation=6 (Create)",
   "WorkbinContentOperation=2 (PlacedIn)"). Returns the length written
   (truncated to size - 1). */
size_t wb_trace_describe (const wb_trace_entry_t *entry, char *out, size_t size);

/* The name of a code attribute's value: "Create", "PlacedIn",
   "agent already logged in"; NULL when KEY is not a code or the value unknown. */
const char *wb_trace_code_name (const char *key, int64_t value);

typedef enum {
    WB_TRACE_TEXT = 0,     /* .txt, and any other extension: the console's arrows */
    WB_TRACE_MERMAID,      /* .mmd */
    WB_TRACE_PLANTUML,     /* .puml */
    WB_TRACE_SVG,          /* .svg */
} wb_trace_format_t;

/* The format a file name asks for by its extension (either case); -1 for
   an extension that is none of .txt .mmd .puml .svg. */
int wb_trace_format_of (const char *path);
/* Write the entries a filter keeps (NULL: all) to PATH in the format its
   extension names, titled TITLE. Returns 0, or -1 with errno set (EINVAL
   for an unknown extension). */
int wb_trace_export (const wb_trace_t *self, const wb_trace_filter_t *filter, const char *title,
                     const char *path);

#endif
