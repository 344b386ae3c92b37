/*  wb_clock: the wall clock, with one seam, and the protocol's timestamps.

    Every reading of calendar time in the programs goes through
    wb_clock_wall_ms: the server's timestamps (SubmittedAt, MovedToQueueAt,
    ReceivedAt when a submit leaves it out, ...) and the first interaction
    id, the console's ages, dates and "fetched 5s", the times of a wbctl
    play --trace. Monotonic time (deadlines, heartbeats, expiry) never
    comes from here: it stays real.

    The seam: wb_clock_pin fixes the clock at an instant, and it then moves
    only by wb_clock_advance. The programs pin it only when told to on
    their command line (--clock TIME), never from the environment, and say
    so: the server logs it, the console shows it. Tests pin it so that
    every date, time, age and id on a screen is the same on every day.

    Timestamps on the wire are UTC, exactly "yyyy-MM-ddTHH:mm:ssZ".

    Process-wide state, like zsys: set it once at start, from one thread.
*/
#ifndef WB_CLOCK_H_INCLUDED
#define WB_CLOCK_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes of a timestamp "yyyy-MM-ddTHH:mm:ssZ" with its terminating NUL. */
#define WB_CLOCK_TIMESTAMP_SIZE 21

/* Milliseconds since the epoch: the real wall clock, or the pinned one. */
int64_t wb_clock_wall_ms (void);

/* Pin the wall clock at wall_ms (milliseconds since the epoch, >= 0).
   Returns 0; -1 for a negative instant. */
int wb_clock_pin (int64_t wall_ms);

/* Pin the wall clock at a timestamp "yyyy-MM-ddTHH:mm:ssZ". 0 or -1. */
int wb_clock_pin_text (const char *timestamp);

/* Move a pinned clock forward by ms (>= 0). Returns 0; -1 if the clock is
   not pinned or ms is negative. */
int wb_clock_advance (int64_t ms);

/* True once wb_clock_pin has succeeded. */
bool wb_clock_pinned (void);

/* Unpin: back to the real clock (tests). */
void wb_clock_unpin (void);

/* Parse a strict UTC timestamp, exactly "yyyy-MM-ddTHH:mm:ssZ", with a real
   date (leap years known, no second 60). Returns 0 and sets *seconds
   (since the epoch); -1 and leaves *seconds alone otherwise. */
int wb_clock_parse (const char *timestamp, int64_t *seconds);

/* Write the timestamp of `seconds` since the epoch (UTC) into buffer.
   Returns 0; -1 (buffer set to "" if size > 0) when buffer is NULL, too
   small (see WB_CLOCK_TIMESTAMP_SIZE), or the year is outside 0..9999. */
int wb_clock_format (int64_t seconds, char *buffer, size_t size);

/* The timestamp of the wall clock now; as wb_clock_format. */
int wb_clock_now_text (char *buffer, size_t size);

#endif
