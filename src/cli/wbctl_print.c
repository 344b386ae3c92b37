/*  wbctl_print: what wbctl prints. Replies in text (tables measured in
    display columns, names for the protocol's numbers), EventError and the
    other surprises on stderr, and --json's lines. See wbctl.h.
*/
#define _XOPEN_SOURCE 700
#include <inttypes.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>
#include "wbctl.h"
#include "wb_events.h"
#include "wb_json.h"

#define WBCTL_CELL_MAX 48             /* widest table cell, in columns */
#define WBCTL_TABLE_ROWS_MAX 1000000  /* rows of a table, far above any page */

// ---------------------------------------------------------------- output

bool
wbctl_print_check_output (void)
{
    if (wbctl_output_was_closed ())
        return true;
    if (!ferror (stdout))
        return false;
    //  the write failed: EPIPE if nobody reads the pipe (or socket) any more
    struct pollfd output = { .fd = STDOUT_FILENO, .events = 0 };
    if (poll (&output, 1, 0) == 1 && (output.revents & (POLLERR | POLLHUP))) {
        wbctl_output_closed ();
        return true;
    }
    return false;
}

// ---------------------------------------------------------------- messages

void
wbctl_print_no_answer (const wbctl_t *self)
{
    const char *problem = wb_client_problem (self->client);
    const char *endpoint = self->client ? wb_client_endpoint (self->client) : self->endpoint;
    if (problem)
        fprintf (stderr, "wbctl: %s: %s\n", endpoint, problem);
    else
        fprintf (stderr, "wbctl: no answer from %s within %g s\n", endpoint,
                 self->timeout_ms / 1000.0);
}

void
wbctl_print_json (const wbctl_t *self, const wb_msg_t *msg)
{
    if (!self->json || !msg)
        return;
    //  a failed write to a closed pipe is no JSON problem: it stops wbctl
    if (wb_json_print (msg, stdout) == -1 && !wbctl_print_check_output ())
        fprintf (stderr, "wbctl: cannot print %s as JSON\n", wb_msg_name (msg));
}

void
wbctl_print_refusal (const wb_msg_t *reply, const char *expected)
{
    if (!wb_msg_is (reply, WB_ROW_EVENT_ERROR)) {
        fprintf (stderr, "wbctl: unexpected reply %s (expected %s)\n", wb_msg_name (reply),
                 expected);
        return;
    }
    wb_event_error_t error;
    wb_event_read_error (reply, &error);
    fprintf (stderr, WB_MSG_EVENT_ERROR " %" PRId64 " %s\n", error.code, error.description);
}

// ---------------------------------------------------------------- names

typedef struct {
    int64_t value;
    const char *name;
} s_name_t;

static const s_name_t s_states [] = {
    { WB_STATE_QUEUED, "Queued" }, { WB_STATE_CACHED, "Cached" },
    { WB_STATE_ROUTING, "Routing" }, { WB_STATE_HANDLING, "Handling" },
};
static const s_name_t s_content_operations [] = {
    { WB_CONTENT_TAKEN_OUT, "TakenOut" }, { WB_CONTENT_PLACED_IN, "PlacedIn" },
    { WB_CONTENT_PROPERTIES_CHANGED, "PropertiesChanged" },
};
static const s_name_t s_operations [] = {
    { WB_OPERATION_UNKNOWN, "Unknown" }, { WB_OPERATION_PULL, "Pull" },
    { WB_OPERATION_CREATE, "Create" }, { WB_OPERATION_STOP, "Stop" },
    { WB_OPERATION_PLACE_IN_WORKBIN, "PlaceInWorkbin" },
    { WB_OPERATION_PLACE_IN_QUEUE, "PlaceInQueue" },
};
static const s_name_t s_owner_types [] = {
    { WB_OWNER_AGENT, "Agent" }, { WB_OWNER_PLACE, "Place" },
    { WB_OWNER_PLACE_GROUP, "PlaceGroup" }, { WB_OWNER_AGENT_GROUP, "AgentGroup" },
};

#define NAMES(table) table, WB_COUNT_OF (table)

//  The name of a value in a table, or the number itself in buffer.
static const char *
s_name_of (const s_name_t *table, size_t count, int64_t value, char *buffer, size_t size)
{
    for (size_t index = 0; index < count; index++)
        if (table [index].value == value)
            return table [index].name;
    snprintf (buffer, size, "%" PRId64, value);
    return buffer;
}

//  A property as text: strings as they are, InteractionState by name.
static const char *
s_property_text (const wb_kvlist_t *properties, const char *key, char *buffer, size_t size)
{
    size_t bytes = 0;
    buffer [0] = 0;
    switch (wb_kvlist_type (properties, key)) {
        case WB_TYPE_STRING:
            return wb_kvlist_string (properties, key);
        case WB_TYPE_INT:
            if (streq (key, WB_ATTR_INTERACTION_STATE))
                return s_name_of (NAMES (s_states), wb_kvlist_int_or (properties, key, 0),
                                  buffer, size);
            snprintf (buffer, size, "%" PRId64, wb_kvlist_int_or (properties, key, 0));
            break;
        case WB_TYPE_BINARY:
            wb_kvlist_binary (properties, key, &bytes);
            snprintf (buffer, size, "<%zu bytes>", bytes);
            break;
        case WB_TYPE_LIST:
            wb_kvlist_print (wb_kvlist_list (properties, key), buffer, size);
            break;
    }
    return buffer;
}

//  Print text on one line: control characters become '?'.
static void
s_print_one_line (const char *text)
{
    for (; text && *text; text++)
        putchar ((unsigned char) *text < 0x20 || *text == 0x7F ? '?' : *text);
}

// ---------------------------------------------------------------- replies

void
wbctl_print_ack (const wbctl_exchange_t *exchange)
{
    wb_event_ack_t ack;
    wb_event_read_ack (exchange->reply, &ack);
    printf ("%s %s%s%s", wb_msg_name (exchange->reply), exchange->request,
            *exchange->what ? " " : "", exchange->what);
    if (ack.workbin_version != WB_ABSENT)
        printf (" version %" PRId64, ack.workbin_version);
    putchar ('\n');
}

void
wbctl_print_submitted (const wbctl_exchange_t *exchange)
{
    wb_event_ack_t ack;
    wb_event_read_ack (exchange->reply, &ack);
    printf ("%s\n", ack.interaction_id ? ack.interaction_id : "");
}

//  The columns of the content table: title, property.
static const char *s_content_columns [][2] = {
    { WB_ATTR_INTERACTION_ID, WB_ATTR_INTERACTION_ID }, { "From", WB_ATTR_FROM_ADDRESS },
    { WB_ATTR_SUBJECT, WB_ATTR_SUBJECT }, { "Received", WB_ATTR_RECEIVED_AT },
    { "State", WB_ATTR_INTERACTION_STATE },
};

#define CONTENT_COLUMNS WB_COUNT_OF (s_content_columns)

static void
s_print_interactions (const wb_kvlist_t *interactions)
{
    const char *titles [CONTENT_COLUMNS];
    for (size_t column = 0; column < CONTENT_COLUMNS; column++)
        titles [column] = s_content_columns [column][0];
    wbctl_table_t *table = wbctl_table_new (titles, CONTENT_COLUMNS, WBCTL_CELL_MAX);
    for (size_t row = 0; row < wb_kvlist_size (interactions); row++) {
        const wb_kvlist_t *interaction = wb_kvlist_list_at (interactions, row);
        char buffers [CONTENT_COLUMNS][64];
        const char *cells [CONTENT_COLUMNS];
        for (size_t column = 0; column < CONTENT_COLUMNS; column++)
            cells [column] = s_property_text (interaction, s_content_columns [column][1],
                                              buffers [column], sizeof (buffers [column]));
        //  received bytes that fail their check: the row says so, the
        //  others are printed as ever
        char unreadable [128];
        if (!interaction) {
            snprintf (unreadable, sizeof (unreadable), "(cannot be read: %s)",
                      wb_codec_status_text (wb_kvlist_status_at (interactions, row)));
            cells [0] = "?";
            cells [2] = unreadable;
        }
        wbctl_table_add (table, cells);
    }
    wbctl_table_print (table, stdout);
    wbctl_table_destroy (&table);
}

void
wbctl_print_content (const wbctl_exchange_t *exchange)
{
    wb_event_content_t page;
    wb_event_read_content (exchange->reply, &page);
    int64_t shown = (int64_t) wb_kvlist_size (page.interactions);
    printf ("%s: %" PRId64 " interaction%s", exchange->what, page.total_count,
            page.total_count == 1 ? "" : "s");
    if (shown > 0)
        printf (" (showing %" PRId64 "-%" PRId64 ")", page.from + 1, page.from + shown);
    else
    if (page.total_count > 0)
        printf (" (none from %" PRId64 ")", page.from + 1);
    printf (", version %" PRId64 "\n", page.version);
    if (shown > 0)
        s_print_interactions (page.interactions);
}

void
wbctl_print_statistic (const wbctl_exchange_t *exchange)
{
    wb_event_statistic_t statistic;
    wb_event_read_statistic (exchange->reply, &statistic);
    printf ("%s: %" PRId64 " interaction%s, version %" PRId64, exchange->what, statistic.count,
            statistic.count == 1 ? "" : "s", statistic.version);
    if (statistic.oldest && statistic.newest)
        printf (", moved in from %s to %s", statistic.oldest, statistic.newest);
    putchar ('\n');
}

//  One interaction's properties, a row each.
static void
s_print_properties (const wb_kvlist_t *properties)
{
    const char *titles [] = { "Property", "Value" };
    wbctl_table_t *table = wbctl_table_new (titles, 2, 0);
    for (size_t index = 0; index < wb_kvlist_size (properties); index++) {
        char buffer [1024];
        const char *key = wb_kvlist_key_at (properties, index);
        const char *cells [] = { key, s_property_text (properties, key, buffer, sizeof (buffer)) };
        wbctl_table_add (table, cells);
    }
    wbctl_table_print (table, stdout);
    wbctl_table_destroy (&table);
}

void
wbctl_print_pulled (const wbctl_exchange_t *exchange)
{
    wb_event_pulled_t pulled;
    wb_event_read_pulled (exchange->reply, &pulled);
    for (size_t index = 0; index < wb_kvlist_size (pulled.interactions); index++) {
        const wb_kvlist_t *interaction = wb_kvlist_list_at (pulled.interactions, index);
        const char *id = wb_kvlist_string (interaction, WB_ATTR_INTERACTION_ID);
        printf ("%sPulled %s\n", index ? "\n" : "", id ? id : "?");
        if (interaction)
            s_print_properties (interaction);
        else
            printf ("(cannot be read: %s)\n",
                    wb_codec_status_text (wb_kvlist_status_at (pulled.interactions, index)));
    }
}

//  The interactions this client handles, as a table like a workbin's.
void
wbctl_print_in_hand (const wbctl_exchange_t *exchange)
{
    wb_event_pulled_t pulled;
    wb_event_read_pulled (exchange->reply, &pulled);
    int64_t shown = (int64_t) wb_kvlist_size (pulled.interactions);
    printf ("in hand: %" PRId64 " interaction%s", pulled.total_count,
            pulled.total_count == 1 ? "" : "s");
    if (shown < pulled.total_count)
        printf (" (showing 1-%" PRId64 ")", shown);
    putchar ('\n');
    if (shown > 0)
        s_print_interactions (pulled.interactions);
}

//  One row per owner of a type; one row for a type with none visible.
static void
s_add_type_rows (wbctl_table_t *table, const wb_kvlist_t *entry)
{
    char workbin [256], number [32], kind [32];
    wb_event_type_info_t info;
    wb_event_read_type_info (entry, &info);
    const char *owner_type = s_name_of (NAMES (s_owner_types), info.owner_type,
                                        kind, sizeof (kind));
    const char *cells [] = { info.type_id, info.display_name, owner_type,
                             "(none you can see)", "", "" };
    if (wb_kvlist_size (info.owners) == 0)
        wbctl_table_add (table, cells);
    for (size_t index = 0; index < wb_kvlist_size (info.owners); index++) {
        wb_event_owner_t owner;
        wb_event_read_owner (wb_kvlist_list_at (info.owners, index), &owner);
        snprintf (workbin, sizeof (workbin), "%s@%s", info.type_id ? info.type_id : "?",
                  owner.owner_id);
        snprintf (number, sizeof (number), "%" PRId64, owner.count);
        const char *row [] = { workbin, info.display_name, owner_type, owner.owner_name,
                               owner.relation, number };
        wbctl_table_add (table, row);
    }
}

void
wbctl_print_types (const wbctl_exchange_t *exchange)
{
    const char *titles [] = { "Workbin", "Name", "Owner type", "Owner", "Relation", ">Count" };
    wb_workbin_types_t *types = wb_workbin_types_new (wb_msg_body_const (exchange->reply));
    wbctl_table_t *table = wbctl_table_new (titles, WB_COUNT_OF (titles), WBCTL_CELL_MAX);
    for (size_t index = 0; index < wb_workbin_types_size (types); index++)
        s_add_type_rows (table, wb_workbin_types_at (types, index));
    wbctl_table_print (table, stdout);
    wbctl_table_destroy (&table);
    //  owners come in pages (PROTOCOL.md 5.9): say when this is not all
    for (size_t index = 0; index < wb_workbin_types_size (types); index++) {
        const wb_kvlist_t *info = wb_workbin_types_at (types, index);
        size_t shown = wb_kvlist_size (wb_kvlist_list (info, WB_ATTR_OWNERS));
        int64_t total = wb_kvlist_int_or (info, WB_ATTR_NUMBER_OF_OWNERS, (int64_t) shown);
        if (total > (int64_t) shown)
            printf ("%s: the first %zu of %" PRId64 " owners\n",
                    wb_kvlist_string (info, WB_ATTR_WORKBIN_TYPE_ID), shown, total);
    }
    wb_workbin_types_destroy (&types);
}

void
wbctl_print_change (const wb_msg_t *event)
{
    wb_event_change_t change;
    wb_event_read_change (event, &change);
    char workbin [256], number [2][32];
    const char *subject = wb_kvlist_string (change.interaction, WB_ATTR_SUBJECT);
    printf ("%s %s version %" PRId64 " %s \"",
            s_name_of (NAMES (s_content_operations), change.content_operation,
                       number [0], sizeof (number [0])),
            wb_workbin_label (&change.workbin, workbin, sizeof (workbin)),
            change.version, change.interaction_id ? change.interaction_id : "?");
    s_print_one_line (subject ? subject : "");
    printf ("\" by %s (%s)\n", change.actor ? change.actor : "?",
            s_name_of (NAMES (s_operations), change.operation, number [1], sizeof (number [1])));
    wbctl_print_check_output ();        //  a watch stops when nobody reads it
}

// ---------------------------------------------------------------- text

//  Decode one character of UTF-8 text; return its bytes (at least 1) and
//  its display width, with -1 for what cannot be shown as it is (invalid
//  bytes, control characters), which is shown as '?'.
static size_t
s_next_char (const char *text, mbstate_t *state, int *width)
{
    wchar_t wide = 0;
    size_t bytes = mbrtowc (&wide, text, MB_CUR_MAX, state);
    if (bytes == (size_t) -1 || bytes == (size_t) -2 || bytes == 0) {
        memset (state, 0, sizeof (*state));
        *width = -1;
        return 1;
    }
    *width = wcwidth (wide);
    return bytes;
}

int
wbctl_display_width (const char *text)
{
    mbstate_t state;
    memset (&state, 0, sizeof (state));
    int total = 0;
    for (int width = 0; text && *text; total += width < 0 ? 1 : width)
        text += s_next_char (text, &state, &width);
    return total;
}

//  Print text within limit columns (0: no limit), cut with an ellipsis;
//  return the columns printed.
static int
s_print_text (FILE *stream, const char *text, int limit)
{
    bool cut = limit > 0 && wbctl_display_width (text) > limit;
    int room = cut ? limit - 1 : INT32_MAX;
    int used = 0;
    mbstate_t state;
    memset (&state, 0, sizeof (state));
    while (text && *text) {
        int width = 0;
        size_t bytes = s_next_char (text, &state, &width);
        if ((width < 0 ? 1 : width) > room - used)
            break;
        if (width < 0)
            fputc ('?', stream);
        else
            fwrite (text, 1, bytes, stream);
        used += width < 0 ? 1 : width;
        text += bytes;
    }
    if (cut) {
        fputs (MB_CUR_MAX > 1 ? "\u2026" : "~", stream);
        used++;
    }
    return used;
}

// ---------------------------------------------------------------- table

struct _wbctl_table_t {
    size_t columns;
    int max_width;
    bool *right;              /* right-aligned columns */
    int *widths;              /* display width of each column */
    char **cells;             /* rows * columns, the headers first */
    size_t rows;
    size_t capacity;          /* cells */
};

wbctl_table_t *
wbctl_table_new (const char **headers, size_t columns, int max_width)
{
    if (!headers || !columns)
        return NULL;
    wbctl_table_t *self = wb_calloc (1, sizeof (wbctl_table_t));
    self->columns = columns;
    self->max_width = max_width;
    self->right = wb_calloc (columns, sizeof (bool));
    self->widths = wb_calloc (columns, sizeof (int));
    const char *titles [columns];
    for (size_t index = 0; index < columns; index++) {
        self->right [index] = headers [index][0] == '>';
        titles [index] = headers [index] + self->right [index];
    }
    wbctl_table_add (self, titles);
    return self;
}

void
wbctl_table_destroy (wbctl_table_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    wbctl_table_t *self = *self_p;
    for (size_t index = 0; index < self->rows * self->columns; index++)
        free (self->cells [index]);
    free (self->cells);
    free (self->widths);
    free (self->right);
    free (self);
    *self_p = NULL;
}

int
wbctl_table_add (wbctl_table_t *self, const char **cells)
{
    if (!self || !cells
    ||  wb_grow (&self->cells, &self->capacity, (self->rows + 1) * self->columns,
                 sizeof (char *), WBCTL_TABLE_ROWS_MAX * self->columns))
        return -1;
    char **row = self->cells + self->rows * self->columns;
    for (size_t index = 0; index < self->columns; index++) {
        row [index] = wb_strdup (cells [index] ? cells [index] : "");
        int width = wbctl_display_width (row [index]);
        if (self->max_width > 0 && width > self->max_width)
            width = self->max_width;
        if (width > self->widths [index])
            self->widths [index] = width;
    }
    self->rows++;
    return 0;
}

void
wbctl_table_print (const wbctl_table_t *self, FILE *stream)
{
    //  no more rows once a write failed (a reader that has gone)
    for (size_t row = 0; self && row < self->rows && !ferror (stream); row++) {
        for (size_t column = 0; column < self->columns; column++) {
            const char *cell = self->cells [row * self->columns + column];
            bool last = column + 1 == self->columns;
            int pad = self->widths [column] - wbctl_display_width (cell);
            pad = pad < 0 ? 0 : pad;
            if (self->right [column])
                fprintf (stream, "%*s", pad, "");
            s_print_text (stream, cell, self->max_width);
            if (!self->right [column] && !last)
                fprintf (stream, "%*s", pad, "");
            fputs (last ? "\n" : "  ", stream);
        }
    }
}
