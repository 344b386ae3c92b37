#!/bin/sh
#   run-bench.sh BENCHDIR SRCDIR: what `make bench` runs.
#
#   Runs each benchmark case in its own process (BENCHDIR holds the built
#   bench programs; $WBSERVER and $WBCONSOLE name the real programs), prints
#   one table (case, ours, the baseline measured in the same run, ratio,
#   target, met?), appends it with the date, the machine and the commit to
#   SRCDIR/bench/results.md, and puts it between the bench-table markers of
#   SRCDIR/README.md. Progress goes to stderr, details to BENCHDIR/bench.log.
#
#   Every case runs BENCH_RUNS times (3 unless set), one whole round of all
#   the cases after the other, and the table shows for each row the run
#   that is the median of them: by the ratio where the target is on the
#   ratio, else by the first figure of "ours"; the ratio column lists the
#   ratio of every run as well. A target is met when that median meets it.
#
#   BENCH_ONLY=NAME,NAME...: run only these cases (as the first column
#   of bench.log's "=== NAME" lines names them); the table is printed, but
#   neither results.md nor README.md is touched: a partial run is no record.
set -u
bench=${1:?usage: run-bench.sh BENCHDIR SRCDIR}
srcdir=${2:?usage: run-bench.sh BENCHDIR SRCDIR}
log="$bench/bench.log"
rows="$bench/bench-rows.md"      #   the table's rows, as the cases print them
table="$bench/bench-table.md"
: > "$log"
: > "$rows"
began=$(date +%s)
load_before=$(cut -d ' ' -f 1-3 /proc/loadavg)

#   run NAME LIMIT COMMAND...: one case; its rows, or a failed row.
run () {
    name=$1; limit=$2; shift 2
    if [ -n "${BENCH_ONLY:-}" ]; then
        case ",$BENCH_ONLY," in *",$name,"*) ;; *) return 0 ;; esac
    fi
    started=$(date +%s)
    printf 'bench: %-12s ' "$name" >&2
    echo "=== $name" >> "$log"
    if timeout "$limit" "$@" > "$bench/bench-case.out" 2>> "$log"; then
        status=done
    else
        status="FAILED (see $log)"
        echo "| $name, run $pass | failed | - | - | - | **no** |" >> "$bench/bench-case.out"
    fi
    grep '^| ' "$bench/bench-case.out" >> "$rows"
    grep -v '^| ' "$bench/bench-case.out" >> "$log"
    echo "$status in $(($(date +%s) - started)) s" >&2
}

ulimit -n "$(ulimit -Hn)" 2>/dev/null
#   run_all: every case once.
run_all () {
run console 120 "$bench/bench_console"
for case in round-trip content fan-out writes storm memory-idle; do
    run "$case" 300 "$bench/bench_server" "$case"
done
for case in open deep-page; do
    run "$case" 120 "$bench/bench_open" "$case"
done

#   mem-combined: the hostile loads of issue 15 at once against a wbserver
#   process of its own (bench/bench_mem.c): its peak RSS, and the p99 of a
#   well-behaved client. The driver's requests have deadlines, so it needs
#   no wait for the server to bind.
run mem-combined 300 sh -c 'dir=$(mktemp -d "${TMPDIR:-/tmp}/wbbench-mem.XXXXXX") || exit 1
    "$1" -c "$2/doc/examples/sample.cfg" -d "$dir/store.db" -e "ipc://$dir/server.ipc" \
        -l "$dir/server.log" &
    pid=$!
    "$3/bench_mem" combined "ipc://$dir/server.ipc" "$pid"
    status=$?
    kill "$pid"
    wait "$pid" 2> /dev/null
    rm -rf "$dir"
    exit $status' mem-combined "$WBSERVER" "$srcdir" "$bench"

#   board: a supervisor's live board over 400 workbins under 1,000 changes a
#   second, against the same load with nobody watching (bench/bench_board.c):
#   a directory of 200 agents in one team led by "boss", two agent types.
run board 120 sh -c 'dir=$(mktemp -d "${TMPDIR:-/tmp}/wbbench-board.XXXXXX") || exit 1
    {
        printf "tenant\n    id = 101\nplace\n    boss-desk\n"
        n=0; while [ $n -lt 200 ]; do printf "    p%03d\n" $n; n=$((n + 1)); done
        printf "group\n    team\n    leads\nagent\n"
        n=0; while [ $n -lt 200 ]; do
            printf "    a%03d\n        place = p%03d\n        groups = team\n" $n $n; n=$((n + 1))
        done
        printf "    boss\n        place = boss-desk\n        groups = leads\n        supervises = team\n"
        printf "workbintype\n    draft\n        owner = agent\n    work\n        owner = agent\n"
    } > "$dir/board.cfg"
    "$1" -c "$dir/board.cfg" -d "$dir/store.db" -e "ipc://$dir/server.ipc" -l "$dir/server.log" &
    pid=$!
    "$2/bench_board" "ipc://$dir/server.ipc" "$pid"
    status=$?
    kill "$pid"
    wait "$pid" 2> /dev/null
    rm -rf "$dir"
    exit $status' board "$WBSERVER" "$bench"

#   cluster: a change made on node 2 to its event on a client of node 1,
#   against the same change made on node 1 (bench/bench_cluster.c), two
#   nodes on a private PostgreSQL that tests/lib/wb-pg.sh starts and stops
#   (none installed: no rows). A timeout's
#   SIGTERM exits the script, so that its EXIT trap stops them all.
run cluster 120 sh -c 'trap "exit 143" TERM INT HUP
    tap_cleanup () {
        for pid in $pids; do kill "$pid"; wait "$pid" 2> /dev/null; done
        rm -rf "$dir"
    }
    pids=
    dir=$(mktemp -d "${TMPDIR:-/tmp}/wbbench-cluster.XXXXXX") || exit 1
    . "$2/tests/lib/wb-pg.sh"
    wb_pg_start
    for n in 1 2; do
        "$1" -c "$2/doc/examples/sample.cfg" -e "ipc://$dir/node$n.ipc" \
            --store "postgresql:$WB_PG_CONNINFO" -l "$dir/node$n.log" &
        pids="$pids $!"
    done
    "$3/bench_cluster" "ipc://$dir/node1.ipc" "ipc://$dir/node2.ipc"' \
    cluster "$WBSERVER" "$srcdir" "$bench"

#   cluster-writes, cluster-failover: three nodes on a private PostgreSQL
#   (as above), with a directory of 1,000 agents that bench_cluster_site
#   writes; see bench/bench_cluster_site.c. The failover case kills node 1
#   itself (its process id is the last argument).
for case in writes failover; do
    run "cluster-$case" 300 sh -c 'trap "exit 143" TERM INT HUP
        tap_cleanup () {
            for pid in $pids; do kill "$pid" 2> /dev/null; wait "$pid" 2> /dev/null; done
            rm -rf "$dir"
        }
        pids=
        dir=$(mktemp -d "${TMPDIR:-/tmp}/wbbench-site.XXXXXX") || exit 1
        . "$2/tests/lib/wb-pg.sh"
        wb_pg_start
        "$3/bench_cluster_site" directory "$dir/site.cfg" || exit 1
        for n in 1 2 3; do
            "$1" -c "$dir/site.cfg" -e "ipc://$dir/node$n.ipc" \
                --store "postgresql:$WB_PG_CONNINFO" -l "$dir/node$n.log" &
            pids="$pids $!"
            [ $n -eq 1 ] && first=$!
        done
        "$3/bench_cluster_site" "$4" "$WB_PG_CONNINFO" "ipc://$dir/node1.ipc" \
            "ipc://$dir/node2.ipc" "ipc://$dir/node3.ipc" "$first"' \
        "cluster-$case" "$WBSERVER" "$srcdir" "$bench" "$case"
done
}

runs=${BENCH_RUNS:-3}
pass=0
while [ "$pass" -lt "$runs" ]; do
    pass=$((pass + 1))
    echo "bench: run $pass of $runs" >&2
    run_all
done

#   The median run of each row (see the header), in the order rows came.
median_rows () {
    awk -F '|' '
        function trim(text) { gsub(/^ +| +$/, "", text); return text }
        function key(line,    field, figure) {
            split(line, field, "|")
            if (trim(field[6]) ~ /^ratio/ && trim(field[5]) ~ /^[0-9.]+$/)
                return trim(field[5]) + 0
            if (match(field[3], /[0-9][0-9,]*(\.[0-9]+)?/)) {
                figure = substr(field[3], RSTART, RLENGTH)
                gsub(/,/, "", figure)
                return figure + 0
            }
            return 0
        }
        {
            name = trim($2)
            if (!(name in count))
                order[++names] = name
            count[name]++
            rows[name, count[name]] = $0
            keys[name, count[name]] = key($0)
            ratios[name] = ratios[name] (count[name] > 1 ? "/" : "") trim($5)
        }
        END {
            for (i = 1; i <= names; i++) {
                name = order[i]; n = count[name]
                for (a = 1; a <= n; a++) index_of[a] = a
                for (a = 2; a <= n; a++)
                    for (b = a; b > 1 && keys[name, index_of[b]] < keys[name, index_of[b - 1]]; b--) {
                        t = index_of[b]; index_of[b] = index_of[b - 1]; index_of[b - 1] = t
                    }
                split(rows[name, index_of[int((n + 1) / 2)]], field, "|")
                if (n > 1 && trim(field[5]) != "-")
                    field[5] = " " trim(field[5]) " (runs " ratios[name] ") "
                line = "|"
                for (f = 2; f <= 7; f++) line = line field[f] "|"
                print line
            }
        }' "$1"
}

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
commit=$(git -C "$srcdir" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git -C "$srcdir" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
    commit="$commit + local changes"
fi
machine="$(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit, $(nproc) cores, ${cpu:-unknown CPU}"
{
    echo "| case | ours | baseline (same run) | ratio | target | met? |"
    echo "| --- | --- | --- | --- | --- | --- |"
    median_rows "$rows"
} > "$table"
took=$(($(date +%s) - began))

echo
cat "$table"
echo
echo "$machine; $runs runs took $took s; each row is the median run. Ratio: ours / baseline"
echo "for rates, time ours / time baseline for latencies. Details: $log"

if [ -n "${BENCH_ONLY:-}" ]; then
    echo "bench: only $BENCH_ONLY: results.md and README.md left as they were" >&2
    grep -q '\*\*no\*\*' "$rows" && echo "bench: some targets were missed (marked **no**)" >&2
    exit 0
fi
{
    echo
    echo "## $machine"
    echo
    cat "$table"
    echo
    echo "Each row is the median of $runs runs (the ratio of each in brackets); they took $took s."
    echo "Load average before and after: $load_before; $(cut -d ' ' -f 1-3 /proc/loadavg)."
} >> "$srcdir/bench/results.md"

#   README: replace what lies between the markers, if they are there.
readme="$srcdir/README.md"
if grep -q '<!-- bench-table:start -->' "$readme" 2>/dev/null; then
    awk -v table="$table" -v machine="$machine" '
        /<!-- bench-table:start -->/ {
            print; print ""
            while ((getline line < table) > 0) print line
            print ""; print "Measured " machine "."; print ""
            skipping = 1; next
        }
        /<!-- bench-table:end -->/ { skipping = 0 }
        !skipping { print }
    ' "$readme" > "$readme.new" && mv "$readme.new" "$readme"
fi
grep -q '\*\*no\*\*' "$rows" && echo "bench: some targets were missed (marked **no**)" >&2
exit 0
