/*  wb_clock: the wall clock, with one seam, and the protocol's timestamps.
    See wb_clock.h.
*/
#include <errno.h>
#include <stdio.h>
#include <time.h>
#include "wb_clock.h"

//  The pinned clock: when pinned, the wall clock reads s_pinned_ms.
static bool s_is_pinned = false;
static int64_t s_pinned_ms = 0;

int64_t
wb_clock_wall_ms (void)
{
    if (s_is_pinned)
        return s_pinned_ms;
    struct timespec now;
    clock_gettime (CLOCK_REALTIME, &now);
    return (int64_t) now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

int
wb_clock_pin (int64_t wall_ms)
{
    if (wall_ms < 0)
        return -1;
    s_pinned_ms = wall_ms;
    s_is_pinned = true;
    return 0;
}

int
wb_clock_pin_text (const char *timestamp)
{
    int64_t seconds;
    if (wb_clock_parse (timestamp, &seconds) || seconds < 0)
        return -1;
    return wb_clock_pin (seconds * 1000);
}

int
wb_clock_advance (int64_t ms)
{
    if (!s_is_pinned || ms < 0 || ms > INT64_MAX - s_pinned_ms)
        return -1;
    s_pinned_ms += ms;
    return 0;
}

bool
wb_clock_pinned (void)
{
    return s_is_pinned;
}

void
wb_clock_unpin (void)
{
    s_is_pinned = false;
    s_pinned_ms = 0;
}

// ---------------------------------------------------------------- timestamps

//  The fields of "yyyy-MM-ddTHH:mm:ssZ": where they are and their range.
typedef struct {
    size_t offset;
    size_t digits;
    int min;
    int max;
} s_field_t;

enum { FIELD_YEAR, FIELD_MONTH, FIELD_DAY, FIELD_HOUR, FIELD_MINUTE, FIELD_SECOND, FIELDS };

static const s_field_t s_fields [FIELDS] = {
    { 0, 4, 0, 9999 }, { 5, 2, 1, 12 }, { 8, 2, 1, 31 },
    { 11, 2, 0, 23 }, { 14, 2, 0, 59 }, { 17, 2, 0, 59 },
};

/* 'd' is any ASCII digit; everything else must be itself, then the end. */
static const char s_pattern [] = "dddd-dd-ddTdd:dd:ddZ";

//  True if text has exactly the shape of s_pattern.
static bool
s_shaped (const char *text)
{
    size_t index;
    for (index = 0; s_pattern [index]; index++) {
        char want = s_pattern [index];
        bool digit = text [index] >= '0' && text [index] <= '9';
        if (want == 'd' ? !digit : text [index] != want)
            return false;
    }
    return text [index] == '\0';
}

//  The number in `digits` ASCII digits at text (already checked).
static int
s_number (const char *text, size_t digits)
{
    int number = 0;
    for (size_t index = 0; index < digits; index++)
        number = number * 10 + (text [index] - '0');
    return number;
}

//  Days in a month (1-12) of the proleptic Gregorian calendar.
static int
s_days_in_month (int year, int month)
{
    static const int days [12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return days [month - 1] + (month == 2 && leap ? 1 : 0);
}

int
wb_clock_parse (const char *timestamp, int64_t *seconds)
{
    if (!timestamp || !seconds || !s_shaped (timestamp))
        return -1;
    int value [FIELDS];
    for (size_t field = 0; field < FIELDS; field++) {
        const s_field_t *spec = &s_fields [field];
        value [field] = s_number (timestamp + spec->offset, spec->digits);
        if (value [field] < spec->min || value [field] > spec->max)
            return -1;
    }
    if (value [FIELD_DAY] > s_days_in_month (value [FIELD_YEAR], value [FIELD_MONTH]))
        return -1;
    struct tm broken = {
        .tm_year = value [FIELD_YEAR] - 1900, .tm_mon = value [FIELD_MONTH] - 1,
        .tm_mday = value [FIELD_DAY], .tm_hour = value [FIELD_HOUR],
        .tm_min = value [FIELD_MINUTE], .tm_sec = value [FIELD_SECOND],
    };
    errno = 0;
    time_t parsed = timegm (&broken);
    if (parsed == (time_t) -1 && errno != 0)
        return -1;
    *seconds = (int64_t) parsed;
    return 0;
}

int
wb_clock_format (int64_t seconds, char *buffer, size_t size)
{
    if (!buffer)
        return -1;
    time_t when = (time_t) seconds;
    struct tm utc;
    if (size < WB_CLOCK_TIMESTAMP_SIZE || !gmtime_r (&when, &utc)
    ||  utc.tm_year < -1900 || utc.tm_year > 9999 - 1900) {
        if (size > 0)
            *buffer = '\0';
        return -1;
    }
    strftime (buffer, size, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return 0;
}

int
wb_clock_now_text (char *buffer, size_t size)
{
    int64_t wall_ms = wb_clock_wall_ms ();
    return wb_clock_format (wall_ms / 1000, buffer, size);
}
