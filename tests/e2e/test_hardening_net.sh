#!/bin/sh
#   Server hardening (issue 15), transports, files and sessions: network
#   endpoints other than tcp need keys too; the files the server writes
#   are its owner's alone; a live ipc endpoint cannot be taken; a pause
#   longer than the session timeout expires nobody who kept pinging.
#   Prints TAP.
#
#   Run: WB_SRCDIR=. WB_BUILDDIR=build sh tests/e2e/test_hardening_net.sh

set -u

. "$(dirname "$0")/../lib/tap-lib.sh"
tap_require "$WBCTL" "$WBSERVER" "$CONFIG"
tap_workdir wbnet
export XDG_CONFIG_HOME="$work/config"
unset WB_CERT WB_SERVER_KEY WB_ENDPOINT

tap_details () {
    tap_command_details
}

# ---------------------------------------------------------------- 1, 12: every network transport needs keys

tap_run timeout 10 "$WBSERVER" -c "$CONFIG" -d "$work/refused.db" -e "ws://127.0.0.1:*"
expect "a ws:// endpoint without keys or --insecure: refused at start (2)" 2 "" \
    "ws://127.0.0.1:\* would let anyone in"
tap_run timeout 10 "$WBSERVER" -c "$CONFIG" -d "$work/refused.db" -e "wss://127.0.0.1:*"
expect "a wss:// endpoint without keys: refused at start (2)" 2 "" "would let anyone in"
abstract="ipc://@wbnet-$$-$(basename "$work")"
tap_run timeout 10 "$WBSERVER" -c "$CONFIG" -d "$work/refused.db" -e "$abstract"
expect "an abstract ipc://@name without keys: refused at start (2)" 2 "" \
    "$abstract would let anyone in"

"$WBSERVER" -c "$CONFIG" -d "$work/abstract.db" -e "$abstract" --insecure \
    -l "$work/abstract.log" > "$work/abstract.out" 2>&1 &
abstract_pid=$!
tap_track "$abstract_pid"
wait_for_line "$work/abstract.log" "serving on $abstract without CURVE (--insecure)" "$abstract_pid"
report "an abstract ipc://@name with --insecure is served, and the log says it is plain" $?
tap_run "$WBCTL" -e "$abstract" --timeout 5 ping
expect "a client reaches the abstract endpoint served with --insecure" 0 "EventAck"
kill "$abstract_pid"

# ---------------------------------------------------------------- 17: files for the owner alone

(
    umask 022
    "$WBSERVER" -c "$CONFIG" -d "$work/store.db" -e "$endpoint" -l "$work/server.log" \
        > "$work/server.out" 2>&1 &
    echo $! > "$work/server.pid"
)
server_pid=$(cat "$work/server.pid")
tap_track "$server_pid"
tap_server_ready || echo "Bail out! wbserver did not answer on $endpoint"
tap_run "$WBCTL" -e "$endpoint" submit email-draft@agent01 --subject "Private" --from a@example.com
expect "a submit is acknowledged" 0
modes=$(stat -c '%n %a' "$work/store.db" "$work/store.db-wal" "$work/store.db-shm" \
        "$work/server.log" | sed "s|$work/||")
[ "$(echo "$modes" | grep -c ' 600$')" -eq 4 ]
report "under umask 022 the database, its -wal and -shm and the log are 0600" $?
echo "$modes" | sed 's/^/# /'

# ---------------------------------------------------------------- 5: a live ipc endpoint cannot be taken

tap_run timeout 10 "$WBSERVER" -c "$CONFIG" -d "$work/second.db" -e "$endpoint" -l "$work/second.log"
expect "a second server on a live ipc path refuses to start" 1 "" \
    "cannot bind $endpoint: another server is serving on it"
tap_run "$WBCTL" -e "$endpoint" -a agent01 content email-draft
expect "the first server still serves its endpoint" 0 "1 interaction"
kill -9 "$server_pid"
wait "$server_pid" 2> /dev/null
[ -S "${endpoint#ipc://}" ]
report "a killed server leaves its socket file behind" $?
tap_start_server
report "a new server replaces a stale socket file" 0

tap_end
