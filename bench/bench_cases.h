/*  bench_cases: the cases of bench_server that live in their own files.
    Each runs on a fresh site (folder, directory, store), prints its rows
    and returns 0, or -1 if it could not measure. */
#ifndef BENCH_CASES_H_INCLUDED
#define BENCH_CASES_H_INCLUDED

#include "bench_data.h"

/* Clients in the fan-out, the reconnect storm and the idle case. */
#define BENCH_CLIENTS 1000

int bench_case_fan_out (bench_site_t *site);        /* bench_many.c */
int bench_case_storm (bench_site_t *site);          /* bench_many.c */
int bench_case_writes (bench_site_t *site);         /* bench_writes.c */
int bench_case_memory_idle (bench_site_t *site);    /* bench_host.c */

#endif
