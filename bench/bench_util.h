/*  bench_util: what every benchmark shares: the clock, statistics over
    samples, the result row of the table, process limits and temporary
    folders.

    A benchmark prints its results on stdout as rows of one table,
    "| case | ours | baseline | ratio | target | met? |", and everything
    else (progress, details) on stderr; bench/run-bench.sh gathers the rows.
    Test data lives in bench_data.h.
*/
#ifndef BENCH_UTIL_H_INCLUDED
#define BENCH_UTIL_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <czmq.h>

/* Monotonic clock. */
int64_t bench_now_ns (void);
double bench_seconds_since (int64_t start_ns);

/* Samples: a growing array of doubles. */
typedef struct {
    double *values;
    size_t size;
    size_t capacity;
} bench_samples_t;

void bench_samples_add (bench_samples_t *self, double value);
/* The value at a fraction of the sorted samples (0.5 median, 0.99 p99);
   0 when there is none. Sorts the samples. */
double bench_samples_quantile (bench_samples_t *self, double fraction);
void bench_samples_free (bench_samples_t *self);

/* One row of the table, on stdout. ratio < 0 prints "-"; met is 1 (yes),
   0 (no) or -1 (nothing to meet: the figure is reported only). */
void bench_row (const char *name, const char *ours, const char *baseline, double ratio,
                const char *target, int met);
/* Format a number with thousands separators and a unit: "12,345/s". */
const char *bench_format (char *buffer, size_t size, double value, int decimals,
                          const char *unit);
/* Progress on stderr, prefixed with the program's name. */
void bench_note (const char *format, ...) __attribute__ ((format (printf, 1, 2)));

/* Raise the open-file limit to its hard maximum, let ZeroMQ open this
   many sockets, with this many I/O threads; call before any socket exists. */
void bench_prepare_process (int max_sockets, int io_threads);
/* Put every thread of the process, and those it makes from now on, on one
   core (the first it may use), or (one_core false) back on every core it
   may use. 0, or -1 if the system refuses. */
int bench_one_core (bool one_core);
/* Put the calling thread (the clients') on the first core the process may
   use and every other thread (the servers', ours and raw) on the second,
   libzmq's own threads on every core; or (apart false) every thread back
   on every core. 0, or -1 if there are not two cores or the system refuses. */
int bench_apart (bool apart);

/* A fresh folder under /tmp (mkdtemp), and its removal with everything in it. */
int bench_make_folder (char *path, size_t size, const char *name);
void bench_remove_folder (const char *path);

#endif
