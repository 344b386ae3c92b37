/*  crash_driver: the client side of tests/e2e/test_crash.sh.

    crash_driver stream ENDPOINT CLIENT CHANGES JOURNAL [UNTIL_FILE]
        One media-server client streams changes of every kind (submit,
        change properties, move with properties, stop) into four shared
        workbins until CHANGES of them are acknowledged (and, if given,
        until UNTIL_FILE exists: the test makes it after its last kill, so
        that a fast client cannot finish before the kills), riding out server
        kills: a request without an answer within its deadline is noted as
        unacknowledged, and the client reconnects and opens a new session.
        Every outcome goes to JOURNAL, one line each, flushed at once:
            A OP MARKER ID ARGS... VERSION   acknowledged (EventAck)
            U OP MARKER ID ARGS...           no answer: applied or not
            E OP MARKER ID ARGS... CODE      EventError: must not be applied
        An interaction whose last request went unanswered is left alone
        from then on, so that its final state is one of exactly two.

    crash_driver verify ENDPOINT JOURNAL...
        Replays the journals, reads every workbin back from the server and
        checks: each acknowledged change present, exactly once; each
        unacknowledged one fully applied or absent (a change sets three
        properties, a move sets one more and the workbin: all or none);
        each workbin's version equal to the number of changes it went
        through; no WorkbinVersion acknowledged twice. Prints the figures
        as TAP comments and "version TYPE@OWNER N" lines; exits 1 on any
        fault.
*/
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "wb_client.h"
#include "wb_events.h"
#include "wb_requests.h"

#define S_WORKBINS 4
#define S_TIMEOUT_MS 2000
#define S_STALL_MS 60000          /* give up after this long without progress */
#define S_ID_MAX 64

static const char *s_owners [S_WORKBINS] = { "agent01", "agent02", "agent03", "agent04" };

typedef enum { S_SUBMIT, S_CHANGE, S_MOVE, S_STOP, S_OPS } s_op_t;
static const char *s_op_names [S_OPS] = { "submit", "change", "move", "stop" };

//  What one interaction looks like, as far as the test cares.
typedef struct {
    bool exists;
    int workbin;                 /* index in s_owners */
    int64_t value;               /* CrashA = CrashB = CrashC */
    int64_t moves;               /* CrashMoves; CrashWhere names the workbin */
} s_state_t;

// ================================================================ stream

typedef struct {
    char marker [S_ID_MAX];
    char id [S_ID_MAX];
    s_state_t state;
    bool retired;                /* its last request went unanswered */
} s_item_t;

typedef struct {
    wb_client_t *client;
    const char *endpoint;
    int number;
    FILE *journal;
    s_item_t *items;
    size_t item_count, item_capacity;
    int64_t next_marker;
    int64_t acked, target;
    int64_t last_progress_ms;
} s_stream_t;

//  One workbin of the test.
static wb_workbin_t
s_workbin (int workbin)
{
    wb_workbin_t drafts = { "email-draft", WB_OWNER_AGENT, NULL, s_owners [workbin] };
    return drafts;
}

//  Register (a media server needs no login), reconnecting until the
//  server answers; -1 once nothing has worked for S_STALL_MS.
static int
s_open_session (s_stream_t *self)
{
    char name [32];
    snprintf (name, sizeof (name), "crash-%d", self->number);
    while (zclock_mono () - self->last_progress_ms < S_STALL_MS) {
        wb_msg_t *error = NULL;
        int rc = wb_client_open_session (self->client, WB_CLIENT_MEDIA_SERVER, name, 0, NULL, NULL,
                                         S_TIMEOUT_MS, &error);
        wb_msg_destroy (&error);
        if (rc == 0)
            return 0;
        wb_client_reconnect (self->client);
    }
    return -1;
}

//  The state an interaction has after a request succeeds.
static s_state_t
s_after (s_state_t state, s_op_t op, int target)
{
    if (op == S_SUBMIT) {
        state.exists = true;
        state.workbin = target;
    }
    else
    if (op == S_CHANGE)
        state.value++;
    else
    if (op == S_MOVE) {
        state.workbin = target;
        state.moves++;
    }
    else
        state.exists = false;
    return state;
}

//  Build the request for an operation on an item, moving to target.
static wb_msg_t *
s_build (const s_item_t *item, s_op_t op, int target)
{
    s_state_t next = s_after (item->state, op, target);
    wb_workbin_t workbin = s_workbin (target);
    if (op == S_SUBMIT) {
        wb_submission_t submission = { .workbin = workbin, .media_type = "email",
                                       .interaction_type = "Inbound", .subject = item->marker };
        return wb_request_submit (&submission);
    }
    if (op == S_STOP)
        return wb_request_stop_processing (item->id);
    wb_kvlist_t *changed = wb_kvlist_new ();
    wb_property_changes_t changes = { .changed = changed };
    wb_msg_t *request;
    if (op == S_CHANGE) {
        char text [32];
        snprintf (text, sizeof (text), "%" PRId64, next.value);
        wb_kvlist_add_int (changed, "CrashA", next.value);
        wb_kvlist_add_string (changed, "CrashB", text);
        wb_kvlist_add_int (changed, "CrashC", next.value);
        request = wb_request_change_properties (item->id, &changes);
    }
    else {
        wb_kvlist_add_int (changed, "CrashMoves", next.moves);
        wb_kvlist_add_string (changed, "CrashWhere", s_owners [target]);
        request = wb_request_place_in_workbin (item->id, &workbin, &changes);
    }
    wb_kvlist_destroy (&changed);
    return request;
}

//  One journal line: outcome, operation, the item, the operation's
//  arguments, then the version (A) or error code (E).
static void
s_journal (s_stream_t *self, char outcome, s_op_t op, const s_item_t *item, int target, int64_t tail)
{
    s_state_t next = s_after (item->state, op, target);
    fprintf (self->journal, "%c %s %s %s %d %d %" PRId64 " %" PRId64, outcome, s_op_names [op],
             item->marker, *item->id ? item->id : "-", item->state.workbin, target,
             next.value, next.moves);
    if (outcome != 'U')
        fprintf (self->journal, " %" PRId64, tail);
    fputc ('\n', self->journal);
    fflush (self->journal);
}

//  Send one operation and journal what came of it.
static void
s_perform (s_stream_t *self, s_item_t *item, s_op_t op, int target)
{
    wb_msg_t *request = s_build (item, op, target);
    wb_msg_t *reply = wb_client_request (self->client, &request, S_TIMEOUT_MS);
    if (!reply) {
        s_journal (self, 'U', op, item, target, 0);
        item->retired = true;
        wb_client_reconnect (self->client);
        s_open_session (self);
        return;
    }
    wb_event_ack_t ack;
    wb_event_error_t error;
    if (wb_event_read_ack (reply, &ack) == 0) {
        if (op == S_SUBMIT)
            snprintf (item->id, sizeof (item->id), "%s", ack.interaction_id ? ack.interaction_id : "?");
        s_journal (self, 'A', op, item, target,
                   ack.workbin_version == WB_ABSENT ? -1 : ack.workbin_version);
        item->state = s_after (item->state, op, target);
        self->acked++;
        self->last_progress_ms = zclock_mono ();
    }
    else {
        wb_event_read_error (reply, &error);
        s_journal (self, 'E', op, item, target, error.code);
        if (error.code == 1)                //  a restarted server: start over
            s_open_session (self);
    }
    wb_msg_destroy (&reply);
}

//  A new item to submit, with a marker no other client uses.
static s_item_t *
s_new_item (s_stream_t *self)
{
    if (self->item_count == self->item_capacity) {
        self->item_capacity = self->item_capacity ? self->item_capacity * 2 : 256;
        self->items = realloc (self->items, self->item_capacity * sizeof (s_item_t));
        assert (self->items);
    }
    s_item_t *item = &self->items [self->item_count++];
    memset (item, 0, sizeof (*item));
    snprintf (item->marker, sizeof (item->marker), "c%d-%" PRId64, self->number, self->next_marker++);
    return item;
}

//  A random item that exists and is not retired, or NULL after a few tries.
static s_item_t *
s_pick_item (s_stream_t *self)
{
    for (int attempt = 0; attempt < 16 && self->item_count; attempt++) {
        s_item_t *item = &self->items [(size_t) random () % self->item_count];
        if (item->state.exists && !item->retired)
            return item;
    }
    return NULL;
}

//  One step: a random operation on a random item.
static void
s_step (s_stream_t *self)
{
    int dice = (int) (random () % 100);
    int target = (int) (random () % S_WORKBINS);
    s_item_t *item = dice < 30 ? NULL : s_pick_item (self);
    if (!item) {
        s_perform (self, s_new_item (self), S_SUBMIT, target);
        return;
    }
    s_op_t op = dice < 65 ? S_CHANGE : dice < 85 ? S_MOVE : S_STOP;
    if (op == S_MOVE && target == item->state.workbin)
        target = (target + 1) % S_WORKBINS;
    s_perform (self, item, op, op == S_MOVE ? target : item->state.workbin);
}

//  True once the client may stop: its changes are acknowledged, and the
//  file it waits for (if any) exists.
static bool
s_stream_done (const s_stream_t *self, const char *until_path)
{
    return self->acked >= self->target && (!until_path || access (until_path, F_OK) == 0);
}

static int
s_stream (const char *endpoint, int number, int64_t target, const char *journal_path,
          const char *until_path)
{
    s_stream_t self = { .endpoint = endpoint, .number = number, .target = target };
    self.client = wb_client_new (endpoint);
    self.journal = fopen (journal_path, "a");
    if (!self.client || !self.journal) {
        fprintf (stderr, "crash_driver: cannot start (%s, %s)\n", endpoint, journal_path);
        return 2;
    }
    unsigned seed = (unsigned) (getpid () ^ zclock_time ());
    fprintf (stderr, "crash_driver: client %d, seed %u\n", number, seed);
    srandom (seed);
    self.last_progress_ms = zclock_mono ();
    int rc = s_open_session (&self);
    while (rc == 0 && !s_stream_done (&self, until_path)) {
        s_step (&self);
        if (zclock_mono () - self.last_progress_ms >= S_STALL_MS)
            rc = -1;
    }
    if (rc)
        fprintf (stderr, "crash_driver: client %d stalled after %" PRId64 " acknowledged\n",
                 number, self.acked);
    fclose (self.journal);
    free (self.items);
    wb_client_destroy (&self.client);
    return rc ? 3 : 0;
}

// ================================================================ verify

//  What the journals say of one interaction.
typedef struct {
    char id [S_ID_MAX];
    s_state_t state;             /* after every acknowledged change */
    bool uncertain;              /* one more change went unanswered */
    s_op_t uncertain_op;
    s_state_t maybe;             /* the state if it was applied */
    int found;                   /* times the server listed it */
    s_state_t actual;
    bool half;                   /* its properties disagree */
} s_record_t;

typedef struct {
    zhashx_t *records;           /* marker -> s_record_t */
    zhashx_t *versions;          /* "workbin version" -> "" : acknowledged versions */
    int64_t counts [S_OPS];      /* acknowledged, by operation */
    int64_t unanswered, refused, reused_versions, phantoms, stored;
    int64_t version [S_WORKBINS];        /* what the server says */
    int64_t changes [S_WORKBINS];        /* what the journals and the content say */
} s_verify_t;

//  The workbins an operation changes, with their count: a move two.
static int
s_touched (s_op_t op, int from, int to, int touched [2])
{
    touched [0] = op == S_SUBMIT ? to : from;
    touched [1] = to;
    return op == S_MOVE ? 2 : 1;
}

static void
s_count_changes (s_verify_t *self, s_op_t op, int from, int to)
{
    int touched [2];
    int count = s_touched (op, from, to, touched);
    for (int index = 0; index < count; index++)
        self->changes [touched [index]]++;
}

//  Apply one journal line to its record.
static void
s_replay (s_verify_t *self, s_record_t *record, char outcome, s_op_t op, const char *id,
          int from, int to, int64_t tail)
{
    if (op == S_SUBMIT && outcome == 'A')
        snprintf (record->id, sizeof (record->id), "%s", id);
    if (outcome == 'E') {
        self->refused++;
        return;
    }
    if (outcome == 'U') {
        record->uncertain = true;
        record->uncertain_op = op;
        record->maybe = s_after (record->state, op, to);
        self->unanswered++;
        return;
    }
    record->state = s_after (record->state, op, to);
    self->counts [op]++;
    s_count_changes (self, op, from, to);
    char key [64];
    snprintf (key, sizeof (key), "%d %" PRId64, op == S_SUBMIT || op == S_MOVE ? to : from, tail);
    if (zhashx_insert (self->versions, key, "") != 0)
        self->reused_versions++;
}

//  Read one journal file into the records; -1 on a line it cannot read.
static int
s_read_journal (s_verify_t *self, const char *path)
{
    FILE *file = fopen (path, "r");
    if (!file)
        return -1;
    char line [256], outcome, op_name [16], marker [S_ID_MAX], id [S_ID_MAX];
    int from, to, rc = 0;
    int64_t value, moves, tail;
    while (rc == 0 && fgets (line, sizeof (line), file)) {
        tail = 0;
        int fields = sscanf (line, "%c %15s %63s %63s %d %d %" SCNd64 " %" SCNd64 " %" SCNd64,
                             &outcome, op_name, marker, id, &from, &to, &value, &moves, &tail);
        s_op_t op = 0;
        while (op < S_OPS && strcmp (s_op_names [op], op_name))
            op++;
        if (fields < 8 || op == S_OPS || from < 0 || from >= S_WORKBINS || to < 0 || to >= S_WORKBINS) {
            fprintf (stderr, "crash_driver: %s: cannot read: %s", path, line);
            rc = -1;
            break;
        }
        s_record_t *record = zhashx_lookup (self->records, marker);
        if (!record) {
            record = zmalloc (sizeof (s_record_t));
            zhashx_insert (self->records, marker, record);
        }
        s_replay (self, record, outcome, op, id, from, to, tail);
    }
    fclose (file);
    return rc;
}

//  Take one interaction the server listed in a workbin.
static void
s_take (s_verify_t *self, int workbin, const wb_kvlist_t *interaction)
{
    const char *marker = wb_kvlist_string (interaction, "Subject");
    s_record_t *record = marker ? zhashx_lookup (self->records, marker) : NULL;
    self->stored++;
    if (!record) {
        self->phantoms++;
        return;
    }
    record->found++;
    int64_t a = wb_kvlist_int_or (interaction, "CrashA", 0);
    const char *b = wb_kvlist_string (interaction, "CrashB");
    int64_t c = wb_kvlist_int_or (interaction, "CrashC", 0);
    const char *where = wb_kvlist_string (interaction, "CrashWhere");
    const char *owner = wb_kvlist_string (interaction, "WorkbinAgentId");
    record->half = a != c || a != (b ? strtoll (b, NULL, 10) : 0)
                || (where && strcmp (where, s_owners [workbin]))
                || !owner || strcmp (owner, s_owners [workbin]);
    record->actual = (s_state_t) { true, workbin, a, wb_kvlist_int_or (interaction, "CrashMoves", 0) };
}

//  Read a whole workbin, page by page, at one version; -1 on no answer.
static int
s_read_workbin (s_verify_t *self, wb_client_t *client, int workbin)
{
    int64_t from = 0, total = 1, version = -1;
    while (from < total) {
        wb_workbin_t drafts = s_workbin (workbin);
        wb_msg_t *request = wb_request_get_workbin_content (&drafts, from, WB_ABSENT);
        wb_msg_t *reply = wb_client_request (client, &request, 10000);
        wb_event_content_t page;
        if (wb_event_read_content (reply, &page)) {
            wb_msg_destroy (&reply);
            return -1;
        }
        for (size_t index = 0; index < wb_kvlist_size (page.interactions); index++)
            s_take (self, workbin, wb_kvlist_list_at (page.interactions, index));
        total = page.total_count;
        version = page.version;
        size_t count = wb_kvlist_size (page.interactions);
        from += (int64_t) count;
        wb_msg_destroy (&reply);    //  page belongs to the reply: not used after
        if (count == 0)
            break;
    }
    self->version [workbin] = version;
    return 0;
}

static bool
s_same (s_state_t a, s_state_t b)
{
    if (!a.exists || !b.exists)
        return a.exists == b.exists;
    return a.workbin == b.workbin && a.value == b.value && a.moves == b.moves;
}

//  Judge one record against what the server holds; count the changes an
//  unanswered request made if it was applied, and return 1 then.
static int
s_judge (s_verify_t *self, const char *marker, s_record_t *record, int64_t faults [3])
{
    if (record->found > 1)
        faults [1]++;                       //  duplicated
    if (record->half)
        faults [2]++;                       //  half-applied
    s_state_t actual = record->found ? record->actual : (s_state_t) { 0 };
    if (record->uncertain && s_same (actual, record->maybe) && !s_same (actual, record->state)) {
        int from = record->state.workbin;
        s_count_changes (self, record->uncertain_op, from, record->maybe.workbin);
        return 1;
    }
    if (!s_same (actual, record->state)) {
        faults [0]++;                       //  lost (or otherwise wrong)
        if (faults [0] <= 10)
            printf ("# %s: expected %s in %d value %" PRId64 " moves %" PRId64 "; found %d\n",
                    marker, record->state.exists ? "present" : "absent", record->state.workbin,
                    record->state.value, record->state.moves, record->found);
    }
    return 0;
}

//  The verdict: figures as TAP comments, 0 if nothing is wrong.
static int
s_verdict (s_verify_t *self)
{
    int64_t faults [3] = { 0, 0, 0 }, applied = 0;
    for (s_record_t *record = zhashx_first (self->records); record; record = zhashx_next (self->records))
        applied += s_judge (self, zhashx_cursor (self->records), record, faults);
    int64_t acked = self->counts [S_SUBMIT] + self->counts [S_CHANGE] + self->counts [S_MOVE] + self->counts [S_STOP];
    printf ("# acknowledged %" PRId64 " (submit %" PRId64 ", change %" PRId64 ", move %" PRId64
            ", stop %" PRId64 "), unacknowledged %" PRId64 " (applied %" PRId64 "), refused %" PRId64 "\n",
            acked, self->counts [S_SUBMIT], self->counts [S_CHANGE], self->counts [S_MOVE],
            self->counts [S_STOP], self->unanswered, applied, self->refused);
    printf ("# stored %" PRId64 ", lost %" PRId64 ", duplicated %" PRId64 ", half-applied %" PRId64
            ", unknown %" PRId64 ", versions acknowledged twice %" PRId64 "\n", self->stored,
            faults [0], faults [1], faults [2], self->phantoms, self->reused_versions);
    int64_t version_faults = 0;
    for (int workbin = 0; workbin < S_WORKBINS; workbin++) {
        printf ("version email-draft@%s %" PRId64 "\n", s_owners [workbin], self->version [workbin]);
        if (self->version [workbin] != self->changes [workbin]) {
            printf ("# email-draft@%s: version %" PRId64 " but %" PRId64 " changes\n",
                    s_owners [workbin], self->version [workbin], self->changes [workbin]);
            version_faults++;
        }
    }
    printf ("acknowledged %" PRId64 "\n", acked);
    return faults [0] || faults [1] || faults [2] || self->phantoms || self->reused_versions
        || version_faults ? 1 : 0;
}

static void
s_record_destructor (void **item)
{
    free (*item);
    *item = NULL;
}

static int
s_verify (const char *endpoint, int count, char **journals)
{
    s_verify_t self = { .records = zhashx_new (), .versions = zhashx_new () };
    zhashx_set_destructor (self.records, s_record_destructor);
    wb_client_t *client = wb_client_new (endpoint);
    int rc = client && wb_client_open_session (client, WB_CLIENT_MEDIA_SERVER, "crash-verify", 0,
                                               NULL, NULL, 10000, NULL) == 0 ? 0 : 2;
    for (int index = 0; rc == 0 && index < count; index++)
        if (s_read_journal (&self, journals [index]))
            rc = 2;
    for (int workbin = 0; rc == 0 && workbin < S_WORKBINS; workbin++)
        if (s_read_workbin (&self, client, workbin))
            rc = 2;
    if (rc == 0)
        rc = s_verdict (&self);
    else
        fprintf (stderr, "crash_driver: cannot verify (journals or server unreadable)\n");
    wb_client_destroy (&client);
    zhashx_destroy (&self.records);
    zhashx_destroy (&self.versions);
    return rc;
}

int
main (int argc, char *argv [])
{
    zsys_handler_set (NULL);
    if ((argc == 6 || argc == 7) && streq (argv [1], "stream"))
        return s_stream (argv [2], atoi (argv [3]), atoll (argv [4]), argv [5],
                         argc == 7 ? argv [6] : NULL);
    if (argc >= 4 && streq (argv [1], "verify"))
        return s_verify (argv [2], argc - 3, argv + 3);
    fprintf (stderr, "usage: crash_driver stream ENDPOINT CLIENT CHANGES JOURNAL [UNTIL_FILE]\n"
                     "       crash_driver verify ENDPOINT JOURNAL...\n");
    return 2;
}
