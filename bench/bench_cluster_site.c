/*  bench_cluster_site: durable writes and a failover storm on a site of
    three wbserver nodes on one PostgreSQL (issue 19).

        bench_cluster_site directory PATH
        bench_cluster_site writes|failover CONNINFO ENDPOINT_1 ENDPOINT_2 ENDPOINT_3 PID_1

    run-bench.sh writes the directory (1,000 agents a0001.. in group
    sales, workbin types draft and team: bench_data.h), starts a private
    PostgreSQL and three nodes on it with that directory, and runs one case:
    - writes (bench_cluster_writes.c): RequestSubmit acknowledged (that is,
      committed) through all three nodes, against raw libpq transactions
      writing the same rows on as many connections;
    - failover (bench_cluster_failover.c): 1,000 agents on node 1 (PID_1),
      which is killed (SIGKILL): the time until all work again on the
      survivors, against their first connection to the running node.
    A case that cannot complete says why on stderr and exits 1.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench_util.h"
#include "bench_data.h"
#include "bench_cluster_site.h"

#define AGENTS 1000

int
main (int argc, char *argv [])
{
    if (argc == 3 && strcmp (argv [1], "directory") == 0)
        return bench_write_directory (argv [2], AGENTS) ? 1 : 0;
    if (argc != 7 || (strcmp (argv [1], "writes") && strcmp (argv [1], "failover"))) {
        fprintf (stderr, "usage: bench_cluster_site directory PATH\n"
                         "       bench_cluster_site writes|failover CONNINFO ENDPOINT_1 "
                         "ENDPOINT_2 ENDPOINT_3 PID_1\n");
        return 2;
    }
    bench_site_nodes_t site = {
        .conninfo = argv [2], .endpoints = { argv [3], argv [4], argv [5] },
        .node_1 = (pid_t) atol (argv [6]),
    };
    if (site.node_1 <= 0) {
        bench_note ("not a process id: %s", argv [6]);
        return 2;
    }
    bench_prepare_process (8 * AGENTS + 1000, 1);
    int rc = strcmp (argv [1], "writes") == 0 ? bench_cluster_writes (&site)
                                               : bench_cluster_failover (&site);
    if (rc)
        bench_note ("%s: the case could not complete", argv [1]);
    return rc ? 1 : 0;
}
