#!/bin/sh
#   Records the seed corpus of the server's fuzz target (tests/fuzz/fuzz_wb_server.c)
#   from real sessions: each doc/examples/*.scenario is played by wbctl
#   against a fresh wbserver through tests/fuzz/fuzz_wb_server_record, which
#   writes every request the clients sent to tests/fuzz/corpus/wb_server/NAME.
#   Run from the build folder after `make tests/fuzz/fuzz_wb_server_record`:
#       sh ../tests/fuzz/fuzz_wb_server_corpus.sh
#   The corpus is committed; run this again when the scenarios change.
set -u
. "$(dirname "$0")/../lib/tap-lib.sh"
RECORD=$builddir/tests/fuzz/fuzz_wb_server_record
tap_require "$WBCTL" "$WBSERVER" "$RECORD"
tap_workdir wbcorpus
corpus=$srcdir/tests/fuzz/corpus/wb_server
mkdir -p "$corpus"

for scenario in "$EXAMPLES"/*.scenario; do
    name=$(basename "$scenario" .scenario)
    rm -f "$work/store.db"*
    tap_start_server
    front="ipc://$work/front.ipc"
    "$RECORD" "$front" "$endpoint" "$corpus/$name" &
    record_pid=$!
    "$WBCTL" -e "$front" play "$scenario" --speed 1000 > "$work/play.out" 2>&1
    report "$name recorded ($(wc -c < "$corpus/$name") bytes)" $?
    kill "$record_pid" "$server_pid"
    wait "$record_pid" "$server_pid" 2> /dev/null
done
tap_end
