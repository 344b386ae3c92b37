/*  bench_util: shared helpers of the benchmarks. See bench_util.h. */
#define _GNU_SOURCE             //  sched_setaffinity and CPU_SET
#include <errno.h>
#include <dirent.h>
#include <sched.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include "bench_util.h"

int64_t
bench_now_ns (void)
{
    struct timespec now;
    clock_gettime (CLOCK_MONOTONIC, &now);
    return (int64_t) now.tv_sec * 1000000000 + now.tv_nsec;
}

double
bench_seconds_since (int64_t start_ns)
{
    return (double) (bench_now_ns () - start_ns) / 1e9;
}

// ---------------------------------------------------------------- samples

void
bench_samples_add (bench_samples_t *self, double value)
{
    if (self->size == self->capacity) {
        size_t capacity = self->capacity ? self->capacity * 2 : 256;
        double *values = realloc (self->values, capacity * sizeof (double));
        if (!values)
            abort ();
        self->values = values;
        self->capacity = capacity;
    }
    self->values [self->size++] = value;
}

static int
s_compare (const void *a, const void *b)
{
    double left = *(const double *) a, right = *(const double *) b;
    return left < right ? -1 : left > right;
}

double
bench_samples_quantile (bench_samples_t *self, double fraction)
{
    if (self->size == 0)
        return 0;
    qsort (self->values, self->size, sizeof (double), s_compare);
    size_t index = (size_t) (fraction * (double) (self->size - 1) + 0.5);
    return self->values [index < self->size ? index : self->size - 1];
}

void
bench_samples_free (bench_samples_t *self)
{
    free (self->values);
    memset (self, 0, sizeof (*self));
}

// ---------------------------------------------------------------- output

void
bench_row (const char *name, const char *ours, const char *baseline, double ratio,
           const char *target, int met)
{
    char ratio_text [32] = "-";
    if (ratio >= 0)
        snprintf (ratio_text, sizeof (ratio_text), "%.2f", ratio);
    printf ("| %s | %s | %s | %s | %s | %s |\n", name, ours, baseline ? baseline : "-",
            ratio_text, target, met > 0 ? "yes" : met == 0 ? "**no**" : "-");
    fflush (stdout);
}

//  Digits of a non-negative integer with a comma every three.
static void
s_group_digits (char *buffer, size_t size, uint64_t whole)
{
    char digits [32];
    int length = snprintf (digits, sizeof (digits), "%" PRIu64, whole);
    size_t out = 0;
    for (int index = 0; index < length && out + 2 < size; index++) {
        if (index > 0 && (length - index) % 3 == 0)
            buffer [out++] = ',';
        buffer [out++] = digits [index];
    }
    buffer [out] = 0;
}

const char *
bench_format (char *buffer, size_t size, double value, int decimals, const char *unit)
{
    decimals = decimals < 0 ? 0 : decimals > 6 ? 6 : decimals;
    uint64_t scale = 1;
    for (int digit = 0; digit < decimals; digit++)
        scale *= 10;
    uint64_t total = (uint64_t) ((value < 0 ? 0 : value) * (double) scale + 0.5);
    char whole [40];
    s_group_digits (whole, sizeof (whole), total / scale);
    if (decimals > 0)
        snprintf (buffer, size, "%s.%0*u%s", whole, decimals, (unsigned) (total % scale), unit);
    else
        snprintf (buffer, size, "%s%s", whole, unit);
    return buffer;
}

void
bench_note (const char *format, ...)
{
    va_list arguments;
    va_start (arguments, format);
    fputs ("  ", stderr);
    vfprintf (stderr, format, arguments);
    fputc ('\n', stderr);
    va_end (arguments);
}

// ---------------------------------------------------------------- process

void
bench_prepare_process (int max_sockets, int io_threads)
{
    struct rlimit limit;
    if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit (RLIMIT_NOFILE, &limit);
    }
    zsys_set_max_sockets ((size_t) max_sockets);
    zsys_set_io_threads ((size_t) io_threads);
    zsys_handler_set (NULL);
    zsys_set_logstream (stderr);      //  stdout carries the table rows only
    zsys_init ();
}

int
bench_make_folder (char *path, size_t size, const char *name)
{
    snprintf (path, size, "/tmp/wb-bench-%s-XXXXXX", name);
    return mkdtemp (path) ? 0 : -1;
}

void
bench_remove_folder (const char *path)
{
    if (!path || strncmp (path, "/tmp/wb-bench-", 14) != 0)
        return;             //  never anything else
    zdir_t *folder = zdir_new (path, NULL);
    if (folder)
        zdir_remove (folder, true);
    zdir_destroy (&folder);
}

//  The cores the process may use, as it started.
static cpu_set_t s_allowed;
static bool s_allowed_known;

//  The nth core the process may use (0: the first), or -1.
static int
s_allowed_core (int nth)
{
    if (!s_allowed_known && sched_getaffinity (0, sizeof (s_allowed), &s_allowed) == 0)
        s_allowed_known = true;
    for (int core = 0; s_allowed_known && core < CPU_SETSIZE; core++)
        if (CPU_ISSET (core, &s_allowed) && nth-- == 0)
            return core;
    return -1;
}

//  The name libzmq gives a thread of its own starts with "ZMQbg".
static bool
s_is_libzmq_thread (const char *task)
{
    char path [320], name [32] = "";
    snprintf (path, sizeof (path), "/proc/self/task/%s/comm", task);
    FILE *file = fopen (path, "r");
    if (file && !fgets (name, sizeof (name), file))
        name [0] = 0;
    if (file)
        fclose (file);
    return strncmp (name, "ZMQbg", 5) == 0;
}

//  Give every thread of the process but the calling one a mask: others
//  (libzmq's excepted, if they have a mask of their own), then the calling
//  thread its own, which the threads it makes later take. 0 or -1.
static int
s_set_masks (const cpu_set_t *caller, const cpu_set_t *others, const cpu_set_t *libzmq)
{
    DIR *tasks = opendir ("/proc/self/task");
    int rc = tasks ? 0 : -1;
    for (struct dirent *task = tasks ? readdir (tasks) : NULL; task; task = readdir (tasks)) {
        if (task->d_name [0] == '.')
            continue;
        const cpu_set_t *mask = libzmq && s_is_libzmq_thread (task->d_name) ? libzmq : others;
        if (sched_setaffinity ((pid_t) atoi (task->d_name), sizeof (*mask), mask))
            rc = -1;
    }
    if (tasks)
        closedir (tasks);
    return sched_setaffinity (0, sizeof (*caller), caller) || rc ? -1 : 0;
}

int
bench_one_core (bool one_core)
{
    int first = s_allowed_core (0);
    if (first < 0)
        return -1;
    cpu_set_t wanted = s_allowed;
    if (one_core) {
        CPU_ZERO (&wanted);
        CPU_SET (first, &wanted);
    }
    return s_set_masks (&wanted, &wanted, NULL);
}

int
bench_apart (bool apart)
{
    int first = s_allowed_core (0), second = s_allowed_core (1);
    if (first < 0 || (apart && second < 0))
        return -1;
    if (!apart)
        return s_set_masks (&s_allowed, &s_allowed, NULL);
    cpu_set_t client, servers;
    CPU_ZERO (&client);
    CPU_SET (first, &client);
    CPU_ZERO (&servers);
    CPU_SET (second, &servers);
    return s_set_masks (&client, &servers, &s_allowed);
}
