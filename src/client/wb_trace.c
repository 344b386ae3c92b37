/*  wb_trace: the message flow as a sequence diagram. See wb_trace.h.

    The entries live in a ring that grows up to max_entries; bodies are
    counted by their encoded size. Requests that wait for their reply are
    kept in a small map of their own rather than looked up among the
    entries, so that a reply still finds its request (workbin, chatter)
    after a clear or once the request has left the ring.

    The exports are in wb_trace_export.c.
*/
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "wb_trace.h"
#include "wb_trace_internal.h"
#include "wb_error.h"
#include "wb_prelude.h"
#include "wb_protocol.h"
#include "wb_workbin.h"

#define S_DEFAULT_ENTRIES 10000
#define S_DEFAULT_BODY_BYTES (16u << 20)
#define S_FIRST_CAPACITY 64
#define S_KEPT_INTERACTIONS 20     /* of a page, the interactions a trace keeps */
#define S_NOT_KEPT "InteractionsNotKept"   /* the trace's note of how many it left out */
#define S_PARTIES_MAX WB_TRACE_PARTIES_LIMIT
#define S_OTHERS "others"
/* Requests that wait for their reply; past that the oldest is forgotten
   (its reply is then drawn as an event). */
#define S_PENDING_MAX 256

typedef struct {
    char name [WB_TRACE_PARTY_MAX];
    char actor [WB_TRACE_PARTY_MAX]; /* its changes' Actor, when not its name */
    bool requests;                   /* has sent a request: its changes need no cause */
} s_party_t;

typedef struct {
    bool used;
    size_t party;
    int64_t reference_id;
    uint64_t number;                 /* the request's entry */
    bool chatter;
    char workbin [WB_TRACE_WORKBIN_MAX];
} s_pending_t;

typedef struct {
    wb_trace_entry_t entry;
    size_t bytes;                    /* the body's encoded size */
} s_slot_t;

struct _wb_trace_t {
    s_party_t parties [S_PARTIES_MAX];
    size_t party_count;
    s_slot_t *ring;
    size_t capacity;                 /* slots allocated, up to max_entries */
    size_t start;                    /* slot of the oldest entry */
    size_t size;
    size_t max_entries;
    size_t max_body_bytes;
    size_t body_bytes;
    uint64_t next_number;
    s_pending_t pending [S_PENDING_MAX];
    size_t pending_next;             /* the slot written next: the oldest */
};

/* Requests (and their replies) that are start-up or overview chatter. */
static const char *s_chatter [] = {
    WB_MSG_REQUEST_REGISTER_CLIENT, WB_MSG_REQUEST_AGENT_LOGIN, WB_MSG_REQUEST_WORKBIN_TYPES_INFO,
    WB_MSG_EVENT_WORKBIN_TYPES_INFO, WB_MSG_REQUEST_WORKBIN_STATISTIC, WB_MSG_EVENT_WORKBIN_STATISTIC,
    WB_MSG_REQUEST_STATISTIC_NOTIFICATIONS, WB_MSG_REQUEST_CANCEL_STATISTIC_NOTIFICATIONS,
    WB_MSG_REQUEST_PING, WB_MSG_REQUEST_UNREGISTER_CLIENT,
};

// ---------------------------------------------------------------- text

void
wb_trace_text_init (wb_trace_text_t *text, char *buffer, size_t size)
{
    *text = (wb_trace_text_t) { buffer, size, 0 };
    if (size)
        buffer [0] = 0;
}

void
wb_trace_text_add (wb_trace_text_t *text, const char *format, ...)
{
    if (text->length + 1 >= text->size)
        return;
    va_list args;
    va_start (args, format);
    int written = vsnprintf (text->buffer + text->length, text->size - text->length, format, args);
    va_end (args);
    if (written > 0)
        text->length += (size_t) written < text->size - text->length
                      ? (size_t) written : text->size - text->length - 1;
}

//  Append a value from a peer: control characters (newlines) become
//  spaces, and a cut falls between two UTF-8 characters, never inside one.
void
wb_trace_text_add_clean (wb_trace_text_t *text, const char *value)
{
    if (!value || text->length + 1 >= text->size)
        return;
    size_t room = text->size - text->length - 1;
    size_t length = strlen (value);
    if (length > room) {
        length = room;
        while (length > 0 && ((unsigned char) value [length] & 0xC0) == 0x80)
            length--;
    }
    char *out = text->buffer + text->length;
    for (size_t index = 0; index < length; index++) {
        unsigned char byte = (unsigned char) value [index];
        out [index] = byte < 0x20 || byte == 0x7F ? ' ' : (char) byte;
    }
    text->length += length;
    text->buffer [text->length] = 0;
}

// ---------------------------------------------------------------- codes

typedef struct {
    const char *key;
    int64_t value;
    const char *name;
} s_code_t;

/* The numbers that have a name (ErrorCode's are in wb_error.h's table). */
static const s_code_t s_codes [] = {
    { WB_ATTR_WORKBIN_CONTENT_OPERATION, WB_CONTENT_TAKEN_OUT, "TakenOut" },
    { WB_ATTR_WORKBIN_CONTENT_OPERATION, WB_CONTENT_PLACED_IN, "PlacedIn" },
    { WB_ATTR_WORKBIN_CONTENT_OPERATION, WB_CONTENT_PROPERTIES_CHANGED, "PropertiesChanged" },
    { WB_ATTR_OPERATION, WB_OPERATION_UNKNOWN, "Unknown" },
    { WB_ATTR_OPERATION, WB_OPERATION_PULL, "Pull" },
    { WB_ATTR_OPERATION, WB_OPERATION_CREATE, "Create" },
    { WB_ATTR_OPERATION, WB_OPERATION_STOP, "Stop" },
    { WB_ATTR_OPERATION, WB_OPERATION_PLACE_IN_WORKBIN, "PlaceInWorkbin" },
    { WB_ATTR_OPERATION, WB_OPERATION_PLACE_IN_QUEUE, "PlaceInQueue" },
    { WB_ATTR_CLIENT_TYPE, WB_CLIENT_AGENT_APPLICATION, "AgentApplication" },
    { WB_ATTR_CLIENT_TYPE, WB_CLIENT_MEDIA_SERVER, "MediaServer" },
    { WB_ATTR_INTERACTION_STATE, WB_STATE_QUEUED, "Queued" },
    { WB_ATTR_INTERACTION_STATE, WB_STATE_CACHED, "Cached" },
    { WB_ATTR_INTERACTION_STATE, WB_STATE_ROUTING, "Routing" },
    { WB_ATTR_INTERACTION_STATE, WB_STATE_HANDLING, "Handling" },
    { WB_ATTR_WORKBIN_TYPE, WB_OWNER_AGENT, "Agent" },
    { WB_ATTR_WORKBIN_TYPE, WB_OWNER_PLACE, "Place" },
    { WB_ATTR_WORKBIN_TYPE, WB_OWNER_PLACE_GROUP, "PlaceGroup" },
    { WB_ATTR_WORKBIN_TYPE, WB_OWNER_AGENT_GROUP, "AgentGroup" },
};

const char *
wb_trace_code_name (const char *key, int64_t value)
{
    if (!key)
        return NULL;
    if (strcmp (key, WB_ATTR_ERROR_CODE) == 0) {
        const wb_error_spec_t *spec = value >= 0 && value <= INT32_MAX
                                    ? wb_error_lookup ((int) value) : NULL;
        return spec ? spec->text : NULL;
    }
    for (size_t index = 0; index < WB_COUNT_OF (s_codes); index++)
        if (s_codes [index].value == value && strcmp (s_codes [index].key, key) == 0)
            return s_codes [index].name;
    return NULL;
}

// ---------------------------------------------------------------- headlines

/* What a headline is made from: the body, and the workbin the entry is about. */
typedef struct {
    const wb_kvlist_t *body;
    const char *workbin;
    wb_trace_text_t *text;
} s_headline_t;

typedef void (s_headline_fn) (const s_headline_t *headline);

//  ", " between the parts of a headline, once something is written.
static void
s_separate (wb_trace_text_t *text)
{
    if (text->length)
        wb_trace_text_add (text, ", ");
}

static void
s_add_version (const wb_kvlist_t *body, wb_trace_text_t *text)
{
    int64_t version;
    if (wb_kvlist_int (body, WB_ATTR_WORKBIN_VERSION, &version) == 0) {
        s_separate (text);
        wb_trace_text_add (text, "version %" PRId64, version);
    }
}

//  An interaction as a trainer names it: its id and 'subject'.
static void
s_add_interaction (const wb_kvlist_t *interaction, wb_trace_text_t *text)
{
    const char *id = wb_kvlist_string (interaction, WB_ATTR_INTERACTION_ID);
    const char *subject = wb_kvlist_string (interaction, WB_ATTR_SUBJECT);
    if (id)
        wb_trace_text_add_clean (text, id);
    if (subject) {
        wb_trace_text_add (text, id ? " '" : "'");
        wb_trace_text_add_clean (text, subject);
        wb_trace_text_add (text, "'");
    }
}

static void
s_add_code (const wb_kvlist_t *body, const char *key, wb_trace_text_t *text)
{
    int64_t value;
    if (wb_kvlist_int (body, key, &value))
        return;
    const char *name = wb_trace_code_name (key, value);
    if (name)
        wb_trace_text_add (text, "%s", name);
    else
        wb_trace_text_add (text, "%s=%" PRId64, key, value);
}

static void
s_headline_get_content (const s_headline_t *headline)
{
    int64_t count;
    wb_trace_text_add (headline->text, "%s from %" PRId64, headline->workbin,
                       wb_kvlist_int_or (headline->body, WB_ATTR_FROM, 0));
    if (wb_kvlist_int (headline->body, WB_ATTR_COUNT, &count) == 0)
        wb_trace_text_add (headline->text, ", up to %" PRId64, count);
}

static void
s_headline_content (const s_headline_t *headline)
{
    const wb_kvlist_t *body = headline->body;
    wb_kvlist_t *interactions = wb_kvlist_list (body, WB_ATTR_INTERACTIONS);
    wb_trace_text_add (headline->text, "%zu of %" PRId64, wb_kvlist_size (interactions),
                       wb_kvlist_int_or (body, WB_ATTR_TOTAL_COUNT, 0));
    int64_t from = wb_kvlist_int_or (body, WB_ATTR_FROM, 0);
    if (from > 0)
        wb_trace_text_add (headline->text, " from %" PRId64, from);
    s_add_version (body, headline->text);
}

//  "PlacedIn 000A1 'Re: Order 1234' (Create), version 8"
static void
s_headline_changed (const s_headline_t *headline)
{
    const wb_kvlist_t *body = headline->body;
    wb_trace_text_t *text = headline->text;
    s_add_code (body, WB_ATTR_WORKBIN_CONTENT_OPERATION, text);
    if (text->length)
        wb_trace_text_add (text, " ");
    s_add_interaction (wb_kvlist_list (body, WB_ATTR_INTERACTION), text);
    if (wb_kvlist_has (body, WB_ATTR_OPERATION)) {
        wb_trace_text_add (text, " (");
        s_add_code (body, WB_ATTR_OPERATION, text);
        wb_trace_text_add (text, ")");
    }
    s_add_version (body, text);
}

//  "14 agent already logged in: what the server said", the code's text
//  said once when the description starts with it.
static void
s_headline_error (const s_headline_t *headline)
{
    int64_t code = wb_kvlist_int_or (headline->body, WB_ATTR_ERROR_CODE, 0);
    const char *name = wb_trace_code_name (WB_ATTR_ERROR_CODE, code);
    const char *description = wb_kvlist_string (headline->body, WB_ATTR_ERROR_DESCRIPTION);
    wb_trace_text_add (headline->text, "%" PRId64 "%s%s", code, name ? " " : "", name ? name : "");
    size_t length = name ? strlen (name) : 0;
    if (description && name && strncmp (description, name, length) == 0)
        description += strncmp (description + length, ": ", 2) == 0 ? length + 2 : length;
    if (description && *description) {
        wb_trace_text_add (headline->text, ": ");
        wb_trace_text_add_clean (headline->text, description);
    }
}

static void
s_headline_ack (const s_headline_t *headline)
{
    wb_trace_text_add_clean (headline->text,
                             wb_kvlist_string (headline->body, WB_ATTR_INTERACTION_ID));
    s_add_version (headline->body, headline->text);
}

static void
s_headline_place (const s_headline_t *headline)
{
    wb_trace_text_add_clean (headline->text,
                             wb_kvlist_string (headline->body, WB_ATTR_INTERACTION_ID));
    wb_trace_text_add (headline->text, " -> %s", headline->workbin);
}

static void
s_headline_workbin (const s_headline_t *headline)
{
    wb_trace_text_add (headline->text, "%s", headline->workbin);
    if (wb_kvlist_int_or (headline->body, WB_ATTR_NOTIFY_PROPERTY_CHANGES, 0) == 1)
        wb_trace_text_add (headline->text, " with property changes");
}

static void
s_headline_statistic (const s_headline_t *headline)
{
    int64_t count = wb_kvlist_int_or (headline->body, WB_ATTR_NUMBER_OF_INTERACTIONS, 0);
    wb_trace_text_add (headline->text, "%" PRId64 " interaction%s", count, count == 1 ? "" : "s");
    s_add_version (headline->body, headline->text);
}

static void
s_headline_login (const s_headline_t *headline)
{
    const wb_kvlist_t *body = headline->body;
    wb_trace_text_add_clean (headline->text, wb_kvlist_string (body, WB_ATTR_AGENT_ID));
    if (wb_kvlist_string (body, WB_ATTR_PLACE_ID)) {
        wb_trace_text_add (headline->text, " at ");
        wb_trace_text_add_clean (headline->text, wb_kvlist_string (body, WB_ATTR_PLACE_ID));
    }
    int64_t tenant;
    if (wb_kvlist_int (body, WB_ATTR_TENANT_ID, &tenant) == 0) {
        s_separate (headline->text);
        wb_trace_text_add (headline->text, "tenant %" PRId64, tenant);
    }
}

static void
s_headline_register (const s_headline_t *headline)
{
    wb_trace_text_add_clean (headline->text, wb_kvlist_string (headline->body, WB_ATTR_CLIENT_NAME));
    if (wb_kvlist_has (headline->body, WB_ATTR_CLIENT_TYPE)) {
        wb_trace_text_add (headline->text, headline->text->length ? " (" : "(");
        s_add_code (headline->body, WB_ATTR_CLIENT_TYPE, headline->text);
        wb_trace_text_add (headline->text, ")");
    }
}

static void
s_headline_submit (const s_headline_t *headline)
{
    s_add_interaction (headline->body, headline->text);
    const char *queue = wb_kvlist_string (headline->body, WB_ATTR_QUEUE);
    if (*headline->workbin)
        wb_trace_text_add (headline->text, " -> %s", headline->workbin);
    else
    if (queue) {
        wb_trace_text_add (headline->text, " -> ");
        wb_trace_text_add_clean (headline->text, queue);
    }
}

static void
s_headline_interaction_id (const s_headline_t *headline)
{
    const wb_kvlist_t *parameters = wb_kvlist_list (headline->body, WB_ATTR_PULL_PARAMETERS);
    s_add_interaction (parameters ? parameters : headline->body, headline->text);
}

static void
s_headline_interactions (const s_headline_t *headline)
{
    wb_kvlist_t *interactions = wb_kvlist_list (headline->body, WB_ATTR_INTERACTIONS);
    wb_trace_text_add (headline->text, "%zu of %" PRId64, wb_kvlist_size (interactions),
                       wb_kvlist_int_or (headline->body, WB_ATTR_TOTAL_COUNT, 0));
}

//  Any other message: its plain attributes as Key=value, codes named.
static void
s_headline_routine (const s_headline_t *headline)
{
    const wb_kvlist_t *body = headline->body;
    for (size_t index = 0; index < wb_kvlist_size (body); index++) {
        const char *key = wb_kvlist_key_at (body, index);
        wb_type_t type = wb_kvlist_type_at (body, index);
        if (strcmp (key, WB_ATTR_REFERENCE_ID) == 0 || strcmp (key, WB_ATTR_EVENT_SEQUENCE) == 0
        ||  (type != WB_TYPE_STRING && type != WB_TYPE_INT))
            continue;
        wb_trace_text_add (headline->text, "%s%s=", headline->text->length ? " " : "", key);
        if (type == WB_TYPE_STRING)
            wb_trace_text_add_clean (headline->text, wb_kvlist_string_at (body, index));
        else {
            int64_t value = wb_kvlist_int_at (body, index);
            const char *name = wb_trace_code_name (key, value);
            if (name)
                wb_trace_text_add (headline->text, "%s", name);
            else
                wb_trace_text_add (headline->text, "%" PRId64, value);
        }
    }
}

static const struct {
    const char *name;
    s_headline_fn *headline;
} s_headlines [] = {
    { WB_MSG_REQUEST_GET_WORKBIN_CONTENT, s_headline_get_content },
    { WB_MSG_EVENT_WORKBIN_CONTENT, s_headline_content },
    { WB_MSG_EVENT_WORKBIN_CONTENT_CHANGED, s_headline_changed },
    { WB_MSG_EVENT_ERROR, s_headline_error },
    { WB_MSG_EVENT_ACK, s_headline_ack },
    { WB_MSG_REQUEST_PLACE_IN_WORKBIN, s_headline_place },
    { WB_MSG_REQUEST_WORKBIN_NOTIFICATIONS, s_headline_workbin },
    { WB_MSG_REQUEST_CANCEL_WORKBIN_NOTIFICATIONS, s_headline_workbin },
    { WB_MSG_REQUEST_WORKBIN_STATISTIC, s_headline_workbin },
    { WB_MSG_EVENT_WORKBIN_STATISTIC, s_headline_statistic },
    { WB_MSG_REQUEST_AGENT_LOGIN, s_headline_login },
    { WB_MSG_REQUEST_REGISTER_CLIENT, s_headline_register },
    { WB_MSG_REQUEST_SUBMIT, s_headline_submit },
    { WB_MSG_REQUEST_PULL, s_headline_interaction_id },
    { WB_MSG_REQUEST_CHANGE_PROPERTIES, s_headline_interaction_id },
    { WB_MSG_REQUEST_STOP_PROCESSING, s_headline_interaction_id },
    { WB_MSG_EVENT_PULLED_INTERACTIONS, s_headline_interactions },
};

//  The headline from the body as received (the entry may keep less of it).
static void
s_headline (wb_trace_entry_t *entry, const wb_kvlist_t *body)
{
    wb_trace_text_t text;
    wb_trace_text_init (&text, entry->headline, sizeof (entry->headline));
    s_headline_t headline = { body ? body : entry->body, entry->workbin, &text };
    for (size_t index = 0; index < WB_COUNT_OF (s_headlines); index++)
        if (strcmp (s_headlines [index].name, entry->name) == 0) {
            s_headlines [index].headline (&headline);
            return;
        }
    s_headline_routine (&headline);
}

// ---------------------------------------------------------------- parties

//  The index of a party by name, added when first seen; no name is the
//  recorder. Past S_PARTIES_MAX - 1 every new name is "others".
static size_t
s_party (wb_trace_t *self, const char *name)
{
    if (!name || !*name)
        return 0;
    char wanted [WB_TRACE_PARTY_MAX];
    wb_trace_text_t text;
    wb_trace_text_init (&text, wanted, sizeof (wanted));
    wb_trace_text_add_clean (&text, name);
    for (size_t index = 0; index < self->party_count; index++)
        if (strcmp (self->parties [index].name, wanted) == 0)
            return index;
    if (self->party_count == S_PARTIES_MAX)
        return S_PARTIES_MAX - 1;
    if (self->party_count == S_PARTIES_MAX - 1)
        snprintf (wanted, sizeof (wanted), "%s", S_OTHERS);
    s_party_t *party = &self->parties [self->party_count];
    snprintf (party->name, sizeof (party->name), "%s", wanted);
    party->requests = false;
    return self->party_count++;
}

//  The party whose changes carry this Actor: the one that said so
//  (wb_trace_actor), else the party of that name.
static size_t
s_party_of_actor (wb_trace_t *self, const char *actor)
{
    for (size_t index = 0; index < self->party_count; index++)
        if (strcmp (self->parties [index].actor, actor) == 0)
            return index;
    return s_party (self, actor);
}

void
wb_trace_actor (wb_trace_t *self, const char *party, const char *actor)
{
    if (!self || !actor || !*actor)
        return;
    wb_trace_text_t text;
    s_party_t *named = &self->parties [s_party (self, party)];
    wb_trace_text_init (&text, named->actor, sizeof (named->actor));
    wb_trace_text_add_clean (&text, actor);
}

size_t
wb_trace_party_count (const wb_trace_t *self)
{
    return self ? self->party_count : 0;
}

const char *
wb_trace_party (const wb_trace_t *self, size_t index)
{
    return self && index < self->party_count ? self->parties [index].name : NULL;
}

// ---------------------------------------------------------------- life

wb_trace_t *
wb_trace_new (const char *recorder, size_t max_entries, size_t max_body_bytes)
{
    if (!recorder || !*recorder)
        return NULL;
    wb_trace_t *self = wb_calloc (1, sizeof (wb_trace_t));
    self->max_entries = max_entries ? max_entries : S_DEFAULT_ENTRIES;
    self->max_body_bytes = max_body_bytes ? max_body_bytes : S_DEFAULT_BODY_BYTES;
    self->next_number = 1;
    wb_trace_text_t text;
    wb_trace_text_init (&text, self->parties [0].name, WB_TRACE_PARTY_MAX);
    wb_trace_text_add_clean (&text, recorder);
    snprintf (self->parties [1].name, WB_TRACE_PARTY_MAX, "%s", WB_TRACE_SERVER);
    self->party_count = 2;
    return self;
}

void
wb_trace_destroy (wb_trace_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    wb_trace_t *self = *self_p;
    wb_trace_clear (self);
    free (self->ring);
    free (self);
    *self_p = NULL;
}

// ---------------------------------------------------------------- the ring

static s_slot_t *
s_slot (const wb_trace_t *self, size_t index)
{
    return &self->ring [(self->start + index) % self->capacity];
}

static void
s_drop_oldest (wb_trace_t *self)
{
    s_slot_t *slot = s_slot (self, 0);
    wb_kvlist_destroy (&slot->entry.body);
    self->body_bytes -= slot->bytes;
    self->start = (self->start + 1) % self->capacity;
    self->size--;
}

//  Room for one more entry: the oldest goes at max_entries; the ring
//  doubles (unwrapped in order) until it reaches max_entries.
static void
s_make_room (wb_trace_t *self)
{
    if (self->size == self->max_entries)
        s_drop_oldest (self);
    if (self->size < self->capacity)
        return;
    size_t capacity = self->capacity ? self->capacity * 2 : S_FIRST_CAPACITY;
    if (capacity > self->max_entries)
        capacity = self->max_entries;
    s_slot_t *ring = wb_malloc (capacity * sizeof (s_slot_t));
    for (size_t index = 0; index < self->size; index++)
        ring [index] = *s_slot (self, index);
    free (self->ring);
    self->ring = ring;
    self->capacity = capacity;
    self->start = 0;
}

//  Append a copy of one entry of a list to another.
static void
s_copy_entry (const wb_kvlist_t *from, size_t index, wb_kvlist_t *to)
{
    const char *key = wb_kvlist_key_at (from, index);
    size_t size = 0;
    const void *data = NULL;
    wb_kvlist_t *list = NULL;
    switch (wb_kvlist_type_at (from, index)) {
        case WB_TYPE_STRING: wb_kvlist_add_string (to, key, wb_kvlist_string_at (from, index)); break;
        case WB_TYPE_INT: wb_kvlist_add_int (to, key, wb_kvlist_int_at (from, index)); break;
        case WB_TYPE_BINARY:
            data = wb_kvlist_binary_at (from, index, &size);
            wb_kvlist_add_binary (to, key, data, size);
            break;
        case WB_TYPE_LIST:
            list = wb_kvlist_dup (wb_kvlist_list_at (from, index));
            wb_kvlist_add_list (to, key, &list);
            wb_kvlist_destroy (&list);
            break;
    }
}

//  A copy of a body to keep: a page of many interactions keeps the first
//  S_KEPT_INTERACTIONS (more than a reader scrolls through) and says how
//  many it left out, so that tracing a 500-interaction page costs a few
//  copies, not 500.
static wb_kvlist_t *
s_keep_body (const wb_kvlist_t *body)
{
    const wb_kvlist_t *interactions = wb_kvlist_list (body, WB_ATTR_INTERACTIONS);
    if (!body || wb_kvlist_size (interactions) <= S_KEPT_INTERACTIONS)
        return body ? wb_kvlist_dup (body) : wb_kvlist_new ();
    wb_kvlist_t *kept = wb_kvlist_new ();
    for (size_t index = 0; index < wb_kvlist_size (body); index++) {
        const char *key = wb_kvlist_key_at (body, index);
        if (wb_kvlist_type_at (body, index) == WB_TYPE_LIST && strcmp (key, WB_ATTR_INTERACTIONS) == 0) {
            wb_kvlist_t *first = wb_kvlist_new ();
            //  the kept items are copied as they came: one that cannot be
            //  read stays so (wb_kvlist_append keeps an entry's bytes)
            wb_kvlist_append_first (first, interactions, S_KEPT_INTERACTIONS);
            wb_kvlist_add_list (kept, key, &first);
            wb_kvlist_add_int (kept, S_NOT_KEPT, (int64_t) (wb_kvlist_size (interactions) - S_KEPT_INTERACTIONS));
        }
        else
            s_copy_entry (body, index, kept);
    }
    return kept;
}

//  A new entry, numbered, its body copied and counted; older entries go
//  while the bodies pass their bound (the newest always stays).
static wb_trace_entry_t *
s_add (wb_trace_t *self, wb_trace_kind_t kind, size_t from, size_t to, const char *name,
       const wb_kvlist_t *body, int64_t time_ms)
{
    s_make_room (self);
    s_slot_t *slot = s_slot (self, self->size++);
    memset (slot, 0, sizeof (*slot));
    wb_trace_entry_t *entry = &slot->entry;
    *entry = (wb_trace_entry_t) { .number = self->next_number++, .time_ms = time_ms,
                                  .kind = kind, .from = from, .to = to };
    snprintf (entry->name, sizeof (entry->name), "%s", name ? name : "");
    if (kind == WB_TRACE_REQUEST || kind == WB_TRACE_REPLY || kind == WB_TRACE_EVENT) {
        entry->body = s_keep_body (body);
        slot->bytes = wb_kvlist_encoded_size (entry->body);
        self->body_bytes += slot->bytes;
    }
    while (self->body_bytes > self->max_body_bytes && self->size > 1)
        s_drop_oldest (self);
    return entry;
}

//  The workbin a body names, "TYPE@OWNER", or "" when it names no type.
static void
s_workbin (const wb_kvlist_t *body, char *out, size_t size)
{
    wb_workbin_t workbin;
    if (wb_workbin_read (&workbin, body) == 0)
        wb_workbin_label (&workbin, out, size);
    else
        out [0] = 0;
}

static bool
s_is_chatter (const char *name, const wb_kvlist_t *body)
{
    for (size_t index = 0; index < WB_COUNT_OF (s_chatter); index++)
        if (strcmp (s_chatter [index], name) == 0)
            return true;
    return strcmp (name, WB_MSG_REQUEST_GET_WORKBIN_CONTENT) == 0
        && wb_kvlist_int_or (body, WB_ATTR_FROM, 0) > 0;
}

// ---------------------------------------------------------------- pending requests

static void
s_pending_add (wb_trace_t *self, const wb_trace_entry_t *request)
{
    if (request->reference_id == 0)
        return;                      //  0 is an event's: no reply can match it
    s_pending_t *pending = &self->pending [self->pending_next];
    self->pending_next = (self->pending_next + 1) % S_PENDING_MAX;
    *pending = (s_pending_t) { true, request->from, request->reference_id, request->number,
                               request->chatter, "" };
    snprintf (pending->workbin, sizeof (pending->workbin), "%s", request->workbin);
}

//  The request of party with this reference id, forgotten as it is
//  answered (every request gets exactly one reply); newest first.
static bool
s_pending_take (wb_trace_t *self, size_t party, int64_t reference_id, s_pending_t *request)
{
    for (size_t back = 1; back <= S_PENDING_MAX && reference_id; back++) {
        s_pending_t *pending = &self->pending [(self->pending_next + S_PENDING_MAX - back)
                                               % S_PENDING_MAX];
        if (pending->used && pending->party == party && pending->reference_id == reference_id) {
            *request = *pending;
            pending->used = false;
            return true;
        }
    }
    return false;
}

// ---------------------------------------------------------------- recording

const wb_trace_entry_t *
wb_trace_request (wb_trace_t *self, const char *party, const char *name, int64_t reference_id,
                  const wb_kvlist_t *body, int64_t time_ms)
{
    if (!self || !name)
        return NULL;
    size_t from = s_party (self, party);
    self->parties [from].requests = true;
    wb_trace_entry_t *entry = s_add (self, WB_TRACE_REQUEST, from, 1, name, body, time_ms);
    entry->reference_id = reference_id;
    entry->chatter = s_is_chatter (name, body);
    s_workbin (entry->body, entry->workbin, sizeof (entry->workbin));
    s_headline (entry, body);
    s_pending_add (self, entry);
    return entry;
}

//  Before a change that a party not recording made: what that party did,
//  drawn from it to the server ("PlacedIn", "000A1 'Subject' (Create)").
static void
s_add_cause (wb_trace_t *self, const wb_kvlist_t *body, int64_t time_ms)
{
    const char *actor = wb_kvlist_string (wb_kvlist_list (body, WB_ATTR_ACTOR), WB_ATTR_AGENT_ID);
    if (!actor || !*actor)
        return;
    size_t from = s_party_of_actor (self, actor);
    if (self->parties [from].requests)
        return;
    int64_t operation = wb_kvlist_int_or (body, WB_ATTR_WORKBIN_CONTENT_OPERATION, 0);
    const char *change = wb_trace_code_name (WB_ATTR_WORKBIN_CONTENT_OPERATION, operation);
    wb_trace_entry_t *cause = s_add (self, WB_TRACE_CAUSE, from, 1, change ? change : "Change",
                                     NULL, time_ms);
    s_workbin (body, cause->workbin, sizeof (cause->workbin));
    wb_trace_text_t text;
    wb_trace_text_init (&text, cause->headline, sizeof (cause->headline));
    s_add_interaction (wb_kvlist_list (body, WB_ATTR_INTERACTION), &text);
    if (wb_kvlist_has (body, WB_ATTR_OPERATION)) {
        wb_trace_text_add (&text, text.length ? " (" : "(");
        s_add_code (body, WB_ATTR_OPERATION, &text);
        wb_trace_text_add (&text, ")");
    }
}

const wb_trace_entry_t *
wb_trace_received (wb_trace_t *self, const char *party, const char *name, int64_t reference_id,
                   const wb_kvlist_t *body, int64_t time_ms)
{
    if (!self || !name)
        return NULL;
    size_t to = s_party (self, party);
    s_pending_t request;
    bool reply = s_pending_take (self, to, reference_id, &request);
    if (strcmp (name, WB_MSG_EVENT_WORKBIN_CONTENT_CHANGED) == 0)
        s_add_cause (self, body, time_ms);
    wb_trace_entry_t *entry = s_add (self, reply ? WB_TRACE_REPLY : WB_TRACE_EVENT, 1, to, name,
                                     body, time_ms);
    entry->reference_id = reference_id;
    entry->error = strcmp (name, WB_MSG_EVENT_ERROR) == 0;
    s_workbin (entry->body, entry->workbin, sizeof (entry->workbin));
    if (reply && !*entry->workbin)
        snprintf (entry->workbin, sizeof (entry->workbin), "%s", request.workbin);
    //  an error always matters, and so does the request it answers, even
    //  a start-up one
    entry->chatter = !entry->error && (reply ? request.chatter : s_is_chatter (name, body));
    long asked = reply && entry->error ? wb_trace_index_of (self, request.number) : -1;
    if (asked >= 0)
        s_slot (self, (size_t) asked)->entry.chatter = false;
    s_headline (entry, body);
    return entry;
}

const wb_trace_entry_t *
wb_trace_mark (wb_trace_t *self, const char *text, int64_t time_ms)
{
    if (!self)
        return NULL;
    wb_trace_entry_t *entry = s_add (self, WB_TRACE_MARK, 0, 0, "", NULL, time_ms);
    wb_trace_text_t headline;
    wb_trace_text_init (&headline, entry->headline, sizeof (entry->headline));
    wb_trace_text_add_clean (&headline, text);
    return entry;
}

void
wb_trace_clear (wb_trace_t *self)
{
    if (!self)
        return;
    while (self->size)
        s_drop_oldest (self);
    self->start = 0;
}

// ---------------------------------------------------------------- reading

size_t
wb_trace_size (const wb_trace_t *self)
{
    return self ? self->size : 0;
}

const wb_trace_entry_t *
wb_trace_at (const wb_trace_t *self, size_t index)
{
    return self && index < self->size ? &s_slot (self, index)->entry : NULL;
}

//  Numbers run without a gap from the oldest kept entry to the newest.
long
wb_trace_index_of (const wb_trace_t *self, uint64_t number)
{
    if (!self || self->size == 0)
        return -1;
    uint64_t first = s_slot (self, 0)->entry.number;
    if (number < first || number - first >= self->size)
        return -1;
    return (long) (number - first);
}

// ---------------------------------------------------------------- filters

static char
s_lower (char letter)
{
    return letter >= 'A' && letter <= 'Z' ? (char) (letter - 'A' + 'a') : letter;
}

//  True if text holds needle, ASCII letters in either case.
static bool
s_contains (const char *text, const char *needle)
{
    if (!text)
        return false;
    size_t length = strlen (needle);
    for (; *text; text++) {
        size_t index = 0;
        while (index < length && s_lower (text [index]) == s_lower (needle [index]))
            index++;
        if (index == length)
            return true;
    }
    return length == 0;
}

//  True if a value of the list (at any depth) holds needle.
static bool
s_list_contains (const wb_kvlist_t *list, const char *needle)
{
    for (size_t index = 0; index < wb_kvlist_size (list); index++) {
        wb_type_t type = wb_kvlist_type_at (list, index);
        char number [24];
        if (type == WB_TYPE_STRING && s_contains (wb_kvlist_string_at (list, index), needle))
            return true;
        if (type == WB_TYPE_INT) {
            snprintf (number, sizeof (number), "%" PRId64, wb_kvlist_int_at (list, index));
            if (s_contains (number, needle))
                return true;
        }
        if (type == WB_TYPE_LIST && s_list_contains (wb_kvlist_list_at (list, index), needle))
            return true;
    }
    return false;
}

bool
wb_trace_match (const wb_trace_entry_t *entry, const wb_trace_filter_t *filter)
{
    if (!entry)
        return false;
    if (!filter || entry->kind == WB_TRACE_MARK)
        return true;                 //  dividers stay between what a filter shows
    if (filter->workbin && strcmp (entry->workbin, filter->workbin) != 0)
        return false;
    if (filter->name && !s_contains (entry->name, filter->name))
        return false;
    if (filter->errors_only && !entry->error)
        return false;
    if (filter->hide_chatter && entry->chatter)
        return false;
    if (filter->text && !s_contains (entry->name, filter->text)
    &&  !s_contains (entry->headline, filter->text) && !s_list_contains (entry->body, filter->text))
        return false;
    return true;
}

size_t
wb_trace_parties_shown (const wb_trace_t *self, const wb_trace_filter_t *filter,
                        size_t *indexes, size_t capacity)
{
    if (!self || !indexes)
        return 0;
    bool shown [S_PARTIES_MAX] = { true, true };
    for (size_t index = 0; index < self->size; index++) {
        const wb_trace_entry_t *entry = &s_slot (self, index)->entry;
        if (entry->kind != WB_TRACE_MARK && wb_trace_match (entry, filter))
            shown [entry->from] = shown [entry->to] = true;
    }
    size_t count = 0;
    for (size_t party = 0; party < self->party_count && count < capacity; party++)
        if (shown [party])
            indexes [count++] = party;
    return count;
}

// ---------------------------------------------------------------- describe

static void
s_describe_list (const wb_kvlist_t *list, size_t depth, wb_trace_text_t *text)
{
    for (size_t index = 0; index < wb_kvlist_size (list); index++) {
        const char *key = wb_kvlist_key_at (list, index);
        wb_trace_text_add (text, "%*s%s", (int) (depth * 2), "", key);
        wb_type_t type = wb_kvlist_type_at (list, index);
        if (type == WB_TYPE_STRING) {
            wb_trace_text_add (text, "=");
            wb_trace_text_add_clean (text, wb_kvlist_string_at (list, index));
        }
        else
        if (type == WB_TYPE_INT) {
            int64_t value = wb_kvlist_int_at (list, index);
            const char *name = wb_trace_code_name (key, value);
            wb_trace_text_add (text, "=%" PRId64 "%s%s%s", value, name ? " (" : "",
                               name ? name : "", name ? ")" : "");
        }
        else
        if (type == WB_TYPE_BINARY) {
            size_t size = 0;
            wb_kvlist_binary_at (list, index, &size);
            wb_trace_text_add (text, "=<%zu bytes>", size);
        }
        //  a list received whose keys or UTF-8 fail their check is named
        wb_codec_status_t status = type == WB_TYPE_LIST ? wb_kvlist_status_at (list, index)
                                                        : WB_CODEC_OK;
        if (status != WB_CODEC_OK)
            wb_trace_text_add (text, "=<cannot be read: %s>", wb_codec_status_text (status));
        wb_trace_text_add (text, type == WB_TYPE_LIST && status == WB_CODEC_OK ? ":\n" : "\n");
        if (type == WB_TYPE_LIST && status == WB_CODEC_OK)
            s_describe_list (wb_kvlist_list_at (list, index), depth + 1, text);
    }
}

size_t
wb_trace_describe (const wb_trace_entry_t *entry, char *out, size_t size)
{
    if (!out || size == 0)
        return 0;
    wb_trace_text_t text;
    wb_trace_text_init (&text, out, size);
    if (!entry)
        return 0;
    if (entry->body)
        s_describe_list (entry->body, 0, &text);
    else
        wb_trace_text_add (&text, "%s\n", entry->headline);
    return text.length;
}

// ---------------------------------------------------------------- formats

int
wb_trace_format_of (const char *path)
{
    static const struct {
        const char *extension;
        wb_trace_format_t format;
    } formats [] = {
        { ".txt", WB_TRACE_TEXT }, { ".mmd", WB_TRACE_MERMAID },
        { ".puml", WB_TRACE_PLANTUML }, { ".svg", WB_TRACE_SVG },
    };
    const char *dot = path ? strrchr (path, '.') : NULL;
    if (!dot || strchr (dot, '/'))
        return -1;
    for (size_t index = 0; index < WB_COUNT_OF (formats); index++)
        if (strcasecmp (dot, formats [index].extension) == 0)
            return (int) formats [index].format;
    return -1;
}
