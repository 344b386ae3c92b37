#!/bin/sh
#   Slow and vanished clients, against a real wbserver process (its memory
#   is its own: /proc/PID/status). TAP.
#   - CHURN_CLIENTS (1,000) clients register, log in, subscribe and fetch,
#     then vanish without unregistering, CHURN_ROUNDS (10) times: the
#     server expires every one of them (its log counts them), the same
#     agents log in again each round, and its RSS after the last round is
#     within a tolerance of its RSS after the allocator warmed up in the
#     first rounds (tests/drivers/churn_driver.c explains the tolerance).
#   - A subscriber that stops reading while CHURN_CHANGES (20,000) changes
#     flow neither grows the server's memory past a bound nor delays a
#     reader who gets every event in order.
#   - A subscriber that reads nothing for CHURN_STALL_SECONDS (25) while
#     CHURN_STALL_CHANGES (2,000) changes fill its queue keeps its
#     connection, and reads on without libzmq aborting it.
#   CHURN_SEND_QUEUE (1000) is the server's --send-queue in the second part.
#   A soak: CHURN_ROUNDS=200 CHURN_CHANGES=200000 make check TESTS=tests/e2e/test_churn.sh
set -u
. "$(dirname "$0")/../lib/tap-lib.sh"
DRIVER=$builddir/tests/drivers/churn_driver
tap_require "$WBSERVER" "$WBCTL" "$DRIVER"
tap_workdir wbchurn
#   Under AddressSanitizer freed memory waits in a quarantine (256 MiB) before
#   reuse, so RSS would measure ASan, not the server: turn the quarantine off.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0:thread_local_quarantine_size_kb=0"
export ASAN_OPTIONS
clients=${CHURN_CLIENTS:-1000}
rounds=${CHURN_ROUNDS:-10}
changes=${CHURN_CHANGES:-20000}

#   A directory of agents c0001... each at its own place, with drafts.
CONFIG=$work/churn.cfg
awk -v n="$clients" 'BEGIN {
    print "tenant\n    id = 101\n    name = \"Churn\""
    print "place"
    for (i = 1; i <= n; i++) printf "    p%04d\n        name = \"Desk %d\"\n", i, i
    print "agent"
    for (i = 1; i <= n; i++) printf "    c%04d\n        name = \"Client %d\"\n        place = p%04d\n", i, i, i
    print "workbintype\n    draft\n        name = \"Drafts\"\n        owner = agent"
}' > "$CONFIG"

tap_details () {
    sed 's/^/# server: /' "$work/server.out" 2> /dev/null | tail -5
}

tap_start_server --session-timeout 1
"$DRIVER" churn "$endpoint" "$server_pid" "$work/server.log" "$clients" "$rounds"
report "$clients clients vanish $rounds times: all expired, RSS flat after the warm-up" $?
kill "$server_pid"
wait "$server_pid" 2> /dev/null

rm -f "$work"/store.db*
tap_start_server --send-queue "${CHURN_SEND_QUEUE:-1000}"
"$DRIVER" slow "$endpoint" "$server_pid" "$changes"
report "a subscriber that stops reading: memory bounded, the other reader gets all in order" $?
kill "$server_pid"
wait "$server_pid" 2> /dev/null

#   longer than a client's ZMTP heartbeat used to allow (5 s between pings,
#   15 s without an answer: its queue full, libzmq reads no answer), after
#   which libzmq dropped the connection and aborted at the next read
rm -f "$work"/store.db*
tap_start_server
stall=${CHURN_STALL_SECONDS:-25}
"$DRIVER" stall "$endpoint" "${CHURN_STALL_CHANGES:-2000}" "$stall"
report "a subscriber that reads nothing for $stall s, its queue full, reads on: in order, no abort" $?
tap_end
