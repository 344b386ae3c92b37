/*  wbc_columns: the column table, values and width planning. See
    wbc_columns.h. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "wbc_columns.h"
#include "wb_prelude.h"
#include "wb_clock.h"
#include "wb_protocol.h"
#include "wbc_text.h"

/* Bytes of a value before it is fitted (as the view always had). */
#define S_VALUE_SIZE 512

// ---------------------------------------------------------------- values

//  A property as text: a string as it is, a number in decimal, else "".
static void
s_copy_property (const wb_kvlist_t *interaction, const char *key, char *out, size_t size)
{
    const char *text = wb_kvlist_string (interaction, key);
    int64_t number;
    if (text)
        snprintf (out, size, "%s", text);
    else
    if (wb_kvlist_int (interaction, key, &number) == 0)
        snprintf (out, size, "%" PRId64, number);
    else
        snprintf (out, size, "%s", "");
}

//  The first of two properties that the interaction has (else the second).
static void
s_copy_either (const wb_kvlist_t *interaction, const char *first, const char *second,
               char *out, size_t size)
{
    s_copy_property (interaction, wb_kvlist_has (interaction, first) ? first : second, out, size);
}

//  From: the sender's name, else the sender's address.
static void
s_value_from (const wb_kvlist_t *interaction, int64_t wall_ms, char *out, size_t size)
{
    (void) wall_ms;
    s_copy_either (interaction, WB_ATTR_FROM_PERSONAL, WB_ATTR_FROM_ADDRESS, out, size);
}

//  To: the mailbox it came to.
static void
s_value_to (const wb_kvlist_t *interaction, int64_t wall_ms, char *out, size_t size)
{
    (void) wall_ms;
    s_copy_property (interaction, WB_ATTR_MAILBOX, out, size);
}

//  Subject, as it is.
static void
s_value_subject (const wb_kvlist_t *interaction, int64_t wall_ms, char *out, size_t size)
{
    (void) wall_ms;
    s_copy_property (interaction, WB_ATTR_SUBJECT, out, size);
}

//  How dates are written (wbc_columns_set_date_format), and in how many
//  display columns. The format is the user's (checked when set): strftime
//  takes it as it is.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static char s_date_format [WBC_COLUMNS_DATE_FORMAT_MAX] = WBC_COLUMNS_DATE_FORMAT;
static int s_date_width = 16;

//  Received: ReceivedAt in local time, in the date format; "" if absent or bad.
static void
s_value_received (const wb_kvlist_t *interaction, int64_t wall_ms, char *out, size_t size)
{
    (void) wall_ms;
    int64_t seconds;
    struct tm local;
    if (wb_clock_parse (wb_kvlist_string (interaction, WB_ATTR_RECEIVED_AT), &seconds) == 0
    &&  localtime_r (&(time_t) { (time_t) seconds }, &local)
    &&  strftime (out, size, s_date_format, &local) > 0)
        return;
    snprintf (out, size, "%s", "");
}

int
wbc_columns_set_date_format (const char *format, char *error, size_t error_size)
{
    //  a sample: the widest fields (two-digit day and month, 23:59) of a year
    struct tm sample = { .tm_year = 2026 - 1900, .tm_mon = 11, .tm_mday = 31, .tm_hour = 23,
                         .tm_min = 59, .tm_sec = 59, .tm_wday = 3, .tm_yday = 364 };
    char text [64];
    size_t length = format ? strftime (text, sizeof (text), format, &sample) : 0;
    bool control = false;
    for (size_t index = 0; index < length; index++)
        control = control || (unsigned char) text [index] < 0x20;
    size_t width = length ? wbc_text_width (text) : 0;
    if (!format || !*format || strlen (format) >= WBC_COLUMNS_DATE_FORMAT_MAX || length == 0
    ||  control || width > 24) {
        snprintf (error, error_size, "date format '%s': it must write 1 to 24 printable columns "
                  "(strftime, e.g. %s)", format ? format : "", WBC_COLUMNS_DATE_FORMAT);
        return -1;
    }
    snprintf (s_date_format, sizeof (s_date_format), "%s", format);
    s_date_width = (int) width;
    return 0;
}

#pragma GCC diagnostic pop

//  A column's width: the table's, but for dates, which take their format's.
static int
s_width (const wbc_column_t *column)
{
    return column->value == s_value_received ? s_date_width : column->width;
}

//  Age: the time since ReceivedAt, in the console's short form ("3h").
static void
s_value_age (const wb_kvlist_t *interaction, int64_t wall_ms, char *out, size_t size)
{
    int64_t seconds;
    if (wb_clock_parse (wb_kvlist_string (interaction, WB_ATTR_RECEIVED_AT), &seconds) == 0)
        wbc_text_age ((time_t) seconds, (time_t) (wall_ms / 1000), out, size);
    else
        snprintf (out, size, "%s", "");
}

//  State: the interaction state's name; "" for none or a number we do not know.
static void
s_value_state (const wb_kvlist_t *interaction, int64_t wall_ms, char *out, size_t size)
{
    (void) wall_ms;
    static const char *names [] = {
        [WB_STATE_QUEUED] = "Queued", [WB_STATE_CACHED] = "Cached",
        [WB_STATE_ROUTING] = "Routing", [WB_STATE_HANDLING] = "Handling",
    };
    int64_t state = wb_kvlist_int_or (interaction, WB_ATTR_INTERACTION_STATE, -1);
    bool known = state >= 0 && state < (int64_t) (WB_COUNT_OF (names)) && names [state];
    snprintf (out, size, "%s", known ? names [state] : "");
}

//  Priority, as it is.
static void
s_value_priority (const wb_kvlist_t *interaction, int64_t wall_ms, char *out, size_t size)
{
    (void) wall_ms;
    s_copy_property (interaction, WB_ATTR_PRIORITY, out, size);
}

//  Owner: whom it is assigned to, else who submitted it.
static void
s_value_owner (const wb_kvlist_t *interaction, int64_t wall_ms, char *out, size_t size)
{
    (void) wall_ms;
    s_copy_either (interaction, WB_ATTR_ASSIGNED_TO, WB_ATTR_SUBMITTED_BY, out, size);
}

// ---------------------------------------------------------------- the table

static const wbc_column_t s_columns [] = {
    { "From", "From", "the sender's name (FromPersonal), else address (FromAddress)",
      WBC_WIDTH_SHARE, 26, 1, WBC_ALIGN_LEFT, s_value_from, NULL, false },
    { "To", "To", "the mailbox it came to (Mailbox)",
      WBC_WIDTH_SHARE, 22, 1, WBC_ALIGN_LEFT, s_value_to, NULL, false },
    { "Subject", "Subject", "the subject (Subject)",
      WBC_WIDTH_SHARE, 200, 2, WBC_ALIGN_LEFT, s_value_subject, NULL, false },
    { "Received", "Received", "when it was received (ReceivedAt), local time, as date-format says",
      WBC_WIDTH_FIXED, 16, 0, WBC_ALIGN_LEFT, s_value_received, WB_ATTR_RECEIVED_AT, false },
    { "Age", "Age", "the time since it was received: now, 45s, 12m, 3h, 2d, 5w, 1y",
      WBC_WIDTH_FIXED, 4, 0, WBC_ALIGN_LEFT, s_value_age, WB_ATTR_RECEIVED_AT, true },
    { "State", "State", "the interaction state: Queued, Cached, Routing or Handling",
      WBC_WIDTH_FIXED, 8, 0, WBC_ALIGN_LEFT, s_value_state, WB_ATTR_INTERACTION_STATE, false },
    { "Priority", "Priority", "the priority (Priority)",
      WBC_WIDTH_FIXED, 8, 0, WBC_ALIGN_LEFT, s_value_priority, WB_ATTR_PRIORITY, false },
    { "Owner", "Owner", "whom it is assigned to (AssignedTo), else who submitted it (SubmittedBy)",
      WBC_WIDTH_FIXED, 10, 0, WBC_ALIGN_LEFT, s_value_owner, NULL, false },
};

#define S_COUNT (WB_COUNT_OF (s_columns))

size_t
wbc_columns_count (void)
{
    return S_COUNT;
}

const wbc_column_t *
wbc_columns_at (size_t index)
{
    return index < S_COUNT ? &s_columns [index] : NULL;
}

//  The column named by length bytes of name, or NULL.
static const wbc_column_t *
s_find (const char *name, size_t length)
{
    for (size_t index = 0; name && index < S_COUNT; index++)
        if (strlen (s_columns [index].name) == length && strncmp (s_columns [index].name, name, length) == 0)
            return &s_columns [index];
    return NULL;
}

const wbc_column_t *
wbc_columns_find (const char *name)
{
    return name ? s_find (name, strlen (name)) : NULL;
}

// ---------------------------------------------------------------- names

//  The next name of a comma-separated list, without the spaces around it:
//  sets *name and *length, moves *cursor past it. False at the end.
static bool
s_next_name (const char **cursor, const char **name, size_t *length)
{
    const char *start = *cursor;
    if (!start || !*start)
        return false;
    size_t item = strcspn (start, ",");
    *cursor = start + item + (start [item] == ',');
    while (item > 0 && *start == ' ') {
        start++;
        item--;
    }
    while (item > 0 && start [item - 1] == ' ')
        item--;
    *name = start;
    *length = item;
    return true;
}

size_t
wbc_columns_unknown (const char *names, char *out, size_t size)
{
    size_t unknown = 0, used = 0;
    if (out && size)
        out [0] = 0;
    const char *name;
    size_t length;
    for (const char *cursor = names; s_next_name (&cursor, &name, &length); ) {
        if (length == 0 || s_find (name, length))
            continue;
        if (out && used < size)
            used += (size_t) snprintf (out + used, size - used, "%s'%.*s'", unknown ? ", " : "",
                                       (int) length, name);
        unknown++;
    }
    return unknown;
}

void
wbc_columns_known (char *out, size_t size)
{
    size_t used = 0;
    if (out && size)
        out [0] = 0;
    for (size_t index = 0; out && index < S_COUNT && used < size; index++)
        used += (size_t) snprintf (out + used, size - used, "%s%s", index ? ", " : "", s_columns [index].name);
}

// ---------------------------------------------------------------- planning

//  The known columns of a list, in its order, at most WBC_COLUMNS_MAX.
static void
s_choose (const char *names, wbc_columns_plan_t *plan)
{
    const char *name;
    size_t length;
    for (const char *cursor = names; plan->count < WBC_COLUMNS_MAX && s_next_name (&cursor, &name, &length); ) {
        const wbc_column_t *column = s_find (name, length);
        if (column)
            plan->column [plan->count++] = column;
    }
}

//  Columns taken by the fixed columns (each with its space after it).
static int
s_fixed_width (const wbc_columns_plan_t *plan, int *shared)
{
    int fixed = 0;
    *shared = 0;
    for (size_t index = 0; index < plan->count; index++)
        if (plan->column [index]->width_rule == WBC_WIDTH_FIXED)
            fixed += s_width (plan->column [index]) + 1;
        else
            (*shared)++;
    return fixed;
}

//  Too narrow: drop fixed columns from the right until the shared ones
//  keep at least 10 columns each.
static void
s_drop_fixed (wbc_columns_plan_t *plan, int width)
{
    int shared;
    int fixed = s_fixed_width (plan, &shared);
    for (size_t index = plan->count; index > 1 && shared && width - fixed < shared * 11; index--)
        if (plan->column [index - 1]->width_rule == WBC_WIDTH_FIXED) {
            fixed -= s_width (plan->column [index - 1]) + 1;
            memmove (&plan->column [index - 1], &plan->column [index],
                     (plan->count - index) * sizeof (plan->column [0]));
            plan->count--;
        }
}

//  Share what the fixed columns leave by weight; what a capped column
//  leaves goes to the ones after it.
static void
s_share (wbc_columns_plan_t *plan, int width)
{
    int shared, weights = 0;
    int left = width - s_fixed_width (plan, &shared);
    for (size_t index = 0; index < plan->count; index++)
        weights += plan->column [index]->weight;
    for (size_t index = 0; index < plan->count; index++) {
        const wbc_column_t *column = plan->column [index];
        if (column->width_rule == WBC_WIDTH_FIXED)
            plan->width [index] = s_width (column);
        else {
            int share = weights > 0 ? left * column->weight / weights - 1 : 0;
            plan->width [index] = share > column->width ? column->width : share < 1 ? 1 : share;
            left -= plan->width [index] + 1;
            weights -= column->weight;
        }
    }
}

//  Place the columns side by side; cut the one at the right edge, and
//  leave out those that would start past it.
static void
s_place (wbc_columns_plan_t *plan, int width)
{
    int x = 0;
    size_t shown = 0;
    for (; shown < plan->count && x < width; shown++) {
        plan->x [shown] = x;
        x += plan->width [shown] + 1;
        if (plan->width [shown] > width - plan->x [shown])
            plan->width [shown] = width - plan->x [shown];
    }
    for (size_t index = shown; index < plan->count; index++) {
        plan->column [index] = NULL;
        plan->x [index] = plan->width [index] = 0;
    }
    plan->count = shown;
}

int
wbc_columns_plan (const char *names, int width, wbc_columns_plan_t *plan)
{
    if (!plan)
        return -1;
    memset (plan, 0, sizeof (*plan));
    if (!names)
        return -1;
    s_choose (names, plan);
    s_drop_fixed (plan, width);
    s_share (plan, width);
    s_place (plan, width);
    return 0;
}

// ---------------------------------------------------------------- cells

//  Fit text to a planned column's width, aligned as the column says.
static int
s_fit (const wbc_columns_plan_t *plan, size_t index, const char *text, char *out, size_t size)
{
    if (!plan || !out || index >= plan->count) {
        if (out && size)
            out [0] = 0;
        return -1;
    }
    size_t width = (size_t) plan->width [index];
    return plan->column [index]->align == WBC_ALIGN_RIGHT ? wbc_text_fit_right (text, width, out, size)
                                                          : wbc_text_fit (text, width, out, size);
}

int
wbc_columns_cell (const wbc_columns_plan_t *plan, size_t index, const wb_kvlist_t *interaction,
                  int64_t wall_ms, char *out, size_t size)
{
    char value [S_VALUE_SIZE] = "";
    if (plan && index < plan->count)
        plan->column [index]->value (interaction, wall_ms, value, sizeof (value));
    return s_fit (plan, index, value, out, size);
}

int
wbc_columns_header (const wbc_columns_plan_t *plan, size_t index, char *out, size_t size)
{
    return s_fit (plan, index, plan && index < plan->count ? plan->column [index]->title : "", out, size);
}
