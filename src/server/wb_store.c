/*  wb_store: the store interface, dispatching to a backend. See wb_store.h.

    A wb_store_t is a backend's table of operations and its private state.
    Every method is safe on a NULL store: it returns -1 (or NULL with
    *found set to -1), so a caller checks one result, never the pointer.

    A batch is kept here, above the backend: inside one, begin, commit and
    rollback become the backend's savepoint, release and rollback_to, and
    the transaction is opened at the first begin and committed at the end.

    wb_store_open finds the backend by the URI's scheme in s_backends, and
    hands it the rest: the only place that names a backend's open function.
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wb_store.h"
#include "wb_prelude.h"
#include "wb_store_backend.h"

//  The most of a URI an error message shows (the reason must fit after).
#define S_URI_SHOWN 160

//  A backend: the scheme that names it, the syntax of its URIs (for
//  messages), and its open function.
typedef struct {
    const char *scheme;
    const char *syntax;
    wb_store_open_fn *open;
} s_backend_t;

//  The registry, one line per backend.
static const s_backend_t s_backends [] = {
    { "sqlite", "sqlite:PATH[?synchronous=normal|full]", wb_store_sqlite_open },
    { "postgresql", "postgresql:CONNINFO[?schema=NAME&...]", wb_store_pg_open },
};

#define S_BACKEND_COUNT (WB_COUNT_OF (s_backends))

struct _wb_store_t {
    const wb_store_ops_t *ops;          /* the backend's operations */
    void *backend;                      /* its state, closed by ops->close */
    bool batch;                         /* between batch begin and commit */
    bool open;                          /* the batch's transaction is open */
    bool in_change;                     /* a change's savepoint is set */
    bool broken;                        /* the batch cannot commit any more */
    size_t writes;                      /* uncommitted writes of the batch */
    size_t writes_at_savepoint;         /* writes before the current change */
    uint64_t writes_asked;              /* every write asked for, ever */
};

//  Wrap a backend. NULL if ops or backend is missing or memory runs out;
//  the backend is not closed then, its open function still owns it.
wb_store_t *
wb_store_new (const wb_store_ops_t *ops, void *backend)
{
    if (!ops || !backend)
        return NULL;
    wb_store_t *self = wb_calloc (1, sizeof (wb_store_t));
    self->ops = ops;
    self->backend = backend;
    return self;
}

//  Fill error with "cannot open store URI: REASON", a long URI cut short;
//  without a URI, "cannot open store: REASON". Return -1.
//  The length of a conninfo value at text: up to a space, or a quoted
//  one with its quotes (a backslash escapes a character in it).
static size_t
s_value_length (const char *text)
{
    if (*text != '\'')
        return strcspn (text, " \t?&");
    size_t length = 1;
    while (text [length] && text [length] != '\'')
        length += text [length] == '\\' && text [length + 1] ? 2 : 1;
    return text [length] ? length + 1 : length;
}

void
wb_store_uri_masked (const char *uri, char *out, size_t out_size)
{
    if (!out || out_size == 0)
        return;
    *out = 0;
    size_t used = 0;
    for (const char *at = uri ? uri : ""; *at && used + 1 < out_size; ) {
        const char *secret = NULL;
        size_t length = 0;
        if (strncmp (at, "password=", 9) == 0) {
            secret = at + 9;
            length = s_value_length (secret);
        }
        else
        if (*at == ':' && at > uri && strstr (uri, "://") && strstr (uri, "://") < at
        &&  strchr (at, '@') && !memchr (at, '/', (size_t) (strchr (at, '@') - at))) {
            secret = at + 1;            //  user:PASSWORD@host
            length = (size_t) (strchr (at, '@') - secret);
        }
        size_t keep = secret ? (size_t) (secret - at) : 1;
        int written = snprintf (out + used, out_size - used, "%.*s%s", (int) keep, at,
                                secret ? "***" : "");
        used += written > 0 ? (size_t) written : 0;
        used = used < out_size ? used : out_size - 1;
        at += keep + length;
    }
}

int
wb_store_open_error (char *error, size_t error_size, const char *uri,
                     const char *format, ...)
{
    char masked [WB_STORE_URI_MAX];
    wb_store_uri_masked (uri, masked, sizeof (masked));
    uri = uri ? masked : NULL;
    char reason [512];
    va_list arguments;
    va_start (arguments, format);
    vsnprintf (reason, sizeof (reason), format, arguments);
    va_end (arguments);
    if (!uri || !*uri)
        snprintf (error, error_size, "cannot open store: %s", reason);
    else
    if (strlen (uri) > S_URI_SHOWN)
        snprintf (error, error_size, "cannot open store %.*s...: %s", S_URI_SHOWN, uri, reason);
    else
        snprintf (error, error_size, "cannot open store %s: %s", uri, reason);
    return -1;
}

//  The length of the URI's scheme (RFC 3986: a letter, then letters,
//  digits, '+', '-' or '.', ended by ':'); 0 if it has none.
static size_t
s_scheme_length (const char *uri)
{
    static const char *letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    static const char *scheme = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                "0123456789+-.";
    if (!*uri || !strchr (letters, *uri))
        return 0;
    size_t length = strspn (uri, scheme);
    return uri [length] == ':' ? length : 0;
}

//  The backend of a scheme, or NULL if none has it.
static const s_backend_t *
s_backend (const char *scheme, size_t length)
{
    for (size_t index = 0; index < S_BACKEND_COUNT; index++)
        if (strlen (s_backends [index].scheme) == length
        &&  memcmp (s_backends [index].scheme, scheme, length) == 0)
            return &s_backends [index];
    return NULL;
}

//  The known URI syntaxes, for messages: "sqlite:PATH[...], ...".
static const char *
s_known (char *text, size_t size)
{
    *text = 0;
    for (size_t index = 0, used = 0; index < S_BACKEND_COUNT && used < size; index++)
        used += (size_t) snprintf (text + used, size - used, "%s%s", index ? ", " : "",
                                   s_backends [index].syntax);
    return text;
}

//  Check the URI and find its backend; NULL with error filled if there is
//  none: no URI, too long, no scheme, an unknown scheme.
static const s_backend_t *
s_backend_of (const char *uri, char *error, size_t error_size)
{
    char known [256];
    if (!uri || !*uri) {
        wb_store_open_error (error, error_size, NULL, "no store URI given (known schemes: %s)",
                             s_known (known, sizeof (known)));
        return NULL;
    }
    if (strnlen (uri, WB_STORE_URI_MAX) == WB_STORE_URI_MAX) {
        wb_store_open_error (error, error_size, uri, "the URI is longer than %d bytes",
                             WB_STORE_URI_MAX - 1);
        return NULL;
    }
    size_t length = s_scheme_length (uri);
    const s_backend_t *backend = length ? s_backend (uri, length) : NULL;
    if (!length)
        wb_store_open_error (error, error_size, uri, "no scheme: a store URI is SCHEME:TARGET "
                             "(known schemes: %s)", s_known (known, sizeof (known)));
    else
    if (!backend)
        wb_store_open_error (error, error_size, uri, "unknown scheme '%.*s' (known schemes: %s)",
                             (int) length, uri, s_known (known, sizeof (known)));
    return backend;
}

//  Open the store a URI names, by its scheme's backend; NULL with a
//  sentence in error on failure.
wb_store_t *
wb_store_open (const char *uri, char *error, size_t error_size)
{
    char ignored [1];
    if (!error || error_size == 0) {
        error = ignored;
        error_size = sizeof (ignored);
    }
    *error = 0;
    const s_backend_t *backend = s_backend_of (uri, error, error_size);
    if (!backend)
        return NULL;
    wb_store_t *store = backend->open (uri, uri + strlen (backend->scheme) + 1,
                                       error, error_size);
    if (!store && !*error)
        wb_store_open_error (error, error_size, uri, "the %s backend failed", backend->scheme);
    return store;
}

//  Close the backend and free the store; safe on NULL, nulls *self_p.
void
wb_store_destroy (wb_store_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    wb_store_t *self = *self_p;
    if (self->ops->close)
        self->ops->close (self->backend);
    free (self);
    *self_p = NULL;
}

//  The backend's name ("sqlite"), or "none" on a NULL store.
const char *
wb_store_backend_name (const wb_store_t *self)
{
    return self && self->ops->name ? self->ops->name : "none";
}

//  The backend's operations, or NULL.
const wb_store_ops_t *
wb_store_ops (const wb_store_t *self)
{
    return self ? self->ops : NULL;
}

//  The backend's state, or NULL.
void *
wb_store_backend (const wb_store_t *self)
{
    return self ? self->backend : NULL;
}

//  Open the batch's transaction if needed, then set a change's savepoint.
static int
s_batch_savepoint (wb_store_t *self)
{
    if (self->broken || self->in_change)
        return -1;
    if (!self->open) {
        if (self->ops->begin (self->backend))
            return -1;
        self->open = true;
    }
    if (self->ops->savepoint (self->backend))
        return -1;
    self->in_change = true;
    self->writes_at_savepoint = self->writes;
    return 0;
}

//  Start a transaction (in a batch: a change's savepoint).
int
wb_store_begin (wb_store_t *self)
{
    if (!self)
        return -1;
    return self->batch ? s_batch_savepoint (self) : self->ops->begin (self->backend);
}

//  Commit the open transaction; returns once the change is durable. In a
//  batch, keep the change in the batch's transaction instead.
int
wb_store_commit (wb_store_t *self)
{
    if (!self)
        return -1;
    if (!self->batch)
        return self->ops->commit (self->backend);
    if (!self->in_change || self->ops->release (self->backend))
        return -1;
    self->in_change = false;
    return 0;
}

//  Discard the open transaction, if any; in a batch, the current change
//  only (and if even that fails, the batch can no longer commit).
int
wb_store_rollback (wb_store_t *self)
{
    if (!self)
        return -1;
    if (!self->batch)
        return self->ops->rollback (self->backend);
    if (!self->in_change)
        return 0;
    self->in_change = false;
    self->writes = self->writes_at_savepoint;
    if (self->ops->rollback_to (self->backend))
        self->broken = true;
    return self->broken ? -1 : 0;
}

//  Start a batch; its transaction opens at its first change.
int
wb_store_batch_begin (wb_store_t *self)
{
    if (!self || self->batch || !self->ops->savepoint)
        return -1;
    self->batch = true;
    return 0;
}

//  Commit the batch's transaction, or roll it all back if anything failed.
int
wb_store_batch_commit (wb_store_t *self)
{
    if (!self || !self->batch)
        return -1;
    int rc = self->broken || self->in_change ? -1 : 0;
    if (self->open) {
        if (rc == 0)
            rc = self->ops->commit (self->backend);
        if (rc)
            self->ops->rollback (self->backend);
    }
    self->batch = self->open = self->in_change = self->broken = false;
    self->writes = self->writes_at_savepoint = 0;
    return rc;
}

//  True inside a batch.
bool
wb_store_in_batch (const wb_store_t *self)
{
    return self && self->batch;
}

//  Uncommitted writes of the current batch.
size_t
wb_store_batch_writes (const wb_store_t *self)
{
    return self && self->batch ? self->writes : 0;
}

//  Count a write, and one that succeeded inside a batch; return rc.
static int
s_wrote (wb_store_t *self, int rc)
{
    self->writes_asked++;
    if (rc == 0 && self->batch)
        self->writes++;
    return rc;
}

int
wb_store_own_writes (const wb_store_t *self, uint64_t *writes)
{
    if (!self || !writes || !self->ops->sole_writer || !self->ops->sole_writer (self->backend))
        return -1;
    *writes = self->writes_asked;
    return 0;
}

//  Current version of a workbin, 0 if it never changed.
int
wb_store_workbin_version (wb_store_t *self, wb_workbin_ref_t workbin, int64_t *version)
{
    return self ? self->ops->workbin_version (self->backend, workbin, version) : -1;
}

int
wb_store_session_id (const wb_store_t *self)
{
    return self && self->ops->session_id ? self->ops->session_id (self->backend) : 0;
}

bool
wb_store_may_retry (wb_store_t *self)
{
    return self && self->ops->may_retry && self->ops->may_retry (self->backend);
}

bool
wb_store_logs_changes (const wb_store_t *self)
{
    return self && self->ops->change_event;
}

//  Hand the backend the encoded event its next bump logs.
int
wb_store_change_event (wb_store_t *self, const wb_kvlist_t *body)
{
    if (!wb_store_logs_changes (self))
        return self && body ? 0 : -1;
    size_t size = 0;
    uint8_t *blob = body ? wb_kvlist_encode (body, &size) : NULL;
    int rc = blob ? self->ops->change_event (self->backend, blob, size) : -1;
    free (blob);
    return rc;
}

//  Add one to a workbin's version; *version gets the new value.
int
wb_store_bump_version (wb_store_t *self, wb_workbin_ref_t workbin, int64_t *version)
{
    return self ? s_wrote (self, self->ops->bump_version (self->backend, workbin, version)) : -1;
}

//  An interaction's properties and workbin; see wb_store.h for *found.
wb_kvlist_t *
wb_store_interaction_get (wb_store_t *self, const char *interaction_id,
                          char *type_id, char *owner_id, size_t id_size, int *found)
{
    if (!self) {
        if (found)
            *found = -1;
        return NULL;
    }
    return self->ops->interaction_get (self->backend, interaction_id,
                                       type_id, owner_id, id_size, found);
}

//  Insert or replace an interaction, in a workbin or in none.
int
wb_store_interaction_put (wb_store_t *self, const char *interaction_id,
                          wb_workbin_ref_t workbin, const wb_kvlist_t *properties)
{
    return self ? s_wrote (self, self->ops->interaction_put (self->backend, interaction_id,
                                                             workbin, properties)) : -1;
}

//  Insert a new interaction; -1 if its id exists (nothing replaced).
int
wb_store_interaction_insert (wb_store_t *self, const char *interaction_id,
                             wb_workbin_ref_t workbin, const wb_kvlist_t *properties)
{
    return self ? s_wrote (self, self->ops->interaction_insert (self->backend, interaction_id,
                                                                workbin, properties)) : -1;
}

//  Remove an interaction.
int
wb_store_interaction_delete (wb_store_t *self, const char *interaction_id)
{
    return self ? s_wrote (self, self->ops->interaction_delete (self->backend,
                                                                interaction_id)) : -1;
}

//  A new interaction id, never handed out before by this store.
int
wb_store_new_interaction_id (wb_store_t *self, uint64_t floor, uint64_t *id)
{
    return self ? s_wrote (self, self->ops->new_interaction_id (self->backend, floor, id)) : -1;
}

//  Append one page of a workbin's interactions to out; *total: their number.
int
wb_store_workbin_page (wb_store_t *self, wb_workbin_ref_t workbin, int64_t from,
                       int64_t count, wb_kvlist_t *out, int64_t *total)
{
    return self ? self->ops->workbin_page (self->backend, workbin, from, count,
                                           out, total) : -1;
}

//  Move a page's entries into a run: their encodings, checked when the
//  backend added them (an entry decoded meanwhile is encoded and checked).
static int
s_page_to_run (const wb_kvlist_t *page, wb_kvlist_run_t *run)
{
    for (size_t index = 0; index < wb_kvlist_size (page); index++) {
        size_t size = 0, depth = 0;
        const uint8_t *data = wb_kvlist_encoded_at (page, index, &size, &depth);
        if (data) {
            if (wb_kvlist_run_add (run, data, size, depth))
                return -1;
            continue;
        }
        uint8_t *encoded = wb_kvlist_encode (wb_kvlist_list_at (page, index), &size);
        int rc = encoded && wb_kvlist_check (encoded, size, &depth) == WB_CODEC_OK
               ? wb_kvlist_run_add (run, encoded, size, depth) : -1;
        free (encoded);
        if (rc)
            return -1;
    }
    return 0;
}

//  A page with the workbin's total and version, of one snapshot: the
//  backend's own read if it has one (no transaction to open and end),
//  else the page and the version inside begin/commit.
int
wb_store_workbin_content (wb_store_t *self, wb_workbin_ref_t workbin, int64_t from,
                          int64_t count, wb_kvlist_run_t *out, int64_t *total, int64_t *version)
{
    if (!self || !out || !version)
        return -1;
    if (self->ops->workbin_content)
        return self->ops->workbin_content (self->backend, workbin, from, count, out,
                                           total, version);
    wb_kvlist_t *page = wb_kvlist_new ();
    int rc = 0;
    if (wb_store_begin (self)
    ||  wb_store_workbin_page (self, workbin, from, count, page, total)
    ||  wb_store_workbin_version (self, workbin, version)
    ||  wb_store_commit (self)) {
        wb_store_rollback (self);
        rc = -1;
    }
    if (rc == 0)
        rc = s_page_to_run (page, out);
    wb_kvlist_destroy (&page);
    return rc;
}

//  Number of interactions in a workbin.
int
wb_store_workbin_count (wb_store_t *self, wb_workbin_ref_t workbin, int64_t *count)
{
    return self ? self->ops->workbin_count (self->backend, workbin, count) : -1;
}

//  Append the interactions a handler holds (pulled) to out; *total: how many.
int
wb_store_handled_page (wb_store_t *self, const char *handler, int64_t count,
                       wb_kvlist_t *out, int64_t *total)
{
    return self ? self->ops->handled_page (self->backend, handler, count, out, total) : -1;
}

//  Oldest and newest MovedToQueueAt of a workbin's interactions.
int
wb_store_workbin_moved_range (wb_store_t *self, wb_workbin_ref_t workbin,
                              char *oldest, char *newest, size_t text_size)
{
    return self ? self->ops->workbin_moved_range (self->backend, workbin,
                                                  oldest, newest, text_size) : -1;
}

//  What an idempotency key's submit gave; -1 if the backend keeps no keys.
int
wb_store_submit_key_get (wb_store_t *self, const char *submitter, const char *key,
                         char *interaction_id, size_t id_size, int64_t *version, int *found)
{
    if (!self || !self->ops->submit_key_get)
        return -1;
    return self->ops->submit_key_get (self->backend, submitter, key, interaction_id, id_size,
                                      version, found);
}

//  Remember what an idempotency key's submit gave, with its change.
int
wb_store_submit_key_put (wb_store_t *self, const char *submitter, const char *key,
                         const char *interaction_id, int64_t version)
{
    if (!self || !self->ops->submit_key_put)
        return -1;
    return s_wrote (self, self->ops->submit_key_put (self->backend, submitter, key,
                                                     interaction_id, version));
}
