/*  bench_cluster_site: the cases on a site of three wbserver nodes on one
    PostgreSQL (issue 19); see bench_cluster_site.c. Each prints its row
    and returns 0, or notes why and returns -1 when it cannot complete. */
#ifndef BENCH_CLUSTER_SITE_H_INCLUDED
#define BENCH_CLUSTER_SITE_H_INCLUDED

#include <sys/types.h>

#define BENCH_SITE_NODES 3

/* The site: the database and the nodes' endpoints; node 1's process. */
typedef struct {
    const char *conninfo;
    const char *endpoints [BENCH_SITE_NODES];
    pid_t node_1;
} bench_site_nodes_t;

int bench_cluster_writes (const bench_site_nodes_t *site);    /* bench_cluster_writes.c */
int bench_cluster_failover (const bench_site_nodes_t *site);  /* bench_cluster_failover.c */

#endif
