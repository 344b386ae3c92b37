#!/bin/sh
#   The cluster benchmarks of issue 19 (bench/bench_cluster_site.c, run by
#   make bench) fail loudly when a case cannot complete: exit status 1, a
#   note on stderr, no row of figures on stdout; and run-bench.sh, asked
#   for one case (BENCH_ONLY) whose nodes cannot start, prints that case's
#   FAILED row, stops its private PostgreSQL and removes its folder, and
#   leaves results.md and README.md alone (a partial run is no record).
#   The real runs are make bench's; nothing here measures. TAP.
set -u
. "$(dirname "$0")/../lib/tap-lib.sh"
SITE=$builddir/bench/bench_cluster_site
tap_require "$SITE"
tap_workdir wbbenchcluster
tap_details () {
    tap_command_details
}

tap_run "$SITE" writes "host=$work"
expect "a wrong number of arguments is a usage error" 2 "" "^usage: bench_cluster_site"

#   a database that is not there (no socket in $work): at once
tap_run "$SITE" writes "host=$work user=wb dbname=postgres connect_timeout=2" \
    "ipc://$work/n1.ipc" "ipc://$work/n2.ipc" "ipc://$work/n3.ipc" 1
status=0
[ "$rc" -eq 1 ] && ! grep -q '^| ' "$work/out" || status=1
grep -q "writes: the case could not complete" "$work/err" || status=1
report "writes without a database: exit 1, no row, says why" $status

#   nodes that are not there: the writer's session ends at its deadline
#   (10 s), before anything is killed (the process given is ours)
sleep 600 &
bystander=$!
tap_track "$bystander"
tap_run "$SITE" failover "host=$work" "ipc://$work/n1.ipc" "ipc://$work/n2.ipc" \
    "ipc://$work/n3.ipc" "$bystander"
status=0
[ "$rc" -eq 1 ] && ! grep -q '^| ' "$work/out" || status=1
grep -q "failover: the case could not complete" "$work/err" || status=1
kill -0 "$bystander" 2> /dev/null || status=1
report "failover without nodes: exit 1, no row, says why, kills nothing" $status

#   run-bench.sh with nodes that exit at once (wbserver is false): the
#   private PostgreSQL starts, the case fails, all is cleaned up
WB_PG_BIN=${WB_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2> /dev/null | sort -V | tail -1)}
if [ -z "$WB_PG_BIN" ] || [ ! -x "$WB_PG_BIN/initdb" ] \
|| { [ "$(id -u)" -eq 0 ] && ! id postgres > /dev/null 2>&1; }; then
    skip "run-bench.sh: a failed cluster case has a FAILED row and leaves nothing" \
        "PostgreSQL is not installed"
else
    mkdir "$work/bench" "$work/tmp"
    ln -s "$SITE" "$work/bench/bench_cluster_site"
    sums=$(cat "$srcdir/README.md" "$srcdir/bench/results.md" | cksum)
    tap_run env BENCH_ONLY=cluster-writes BENCH_RUNS=1 TMPDIR="$work/tmp" \
        WBSERVER=/bin/false WBCONSOLE=/bin/false \
        sh "$srcdir/bench/run-bench.sh" "$work/bench" "$srcdir"
    status=0
    grep -q '^| cluster-writes, run 1 | failed |' "$work/out" || status=1
    grep -q "bench: cluster-writes *FAILED" "$work/err" || status=1
    [ -z "$(ls -A "$work/tmp")" ] || status=1
    [ "$(cat "$srcdir/README.md" "$srcdir/bench/results.md" | cksum)" = "$sums" ] || status=1
    report "run-bench.sh: a failed cluster case has a FAILED row and leaves nothing" $status
fi
tap_end
