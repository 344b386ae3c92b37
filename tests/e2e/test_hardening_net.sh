#!/bin/sh
#   Server hardening (issue 15), transports, files and sessions: network
#   endpoints other than tcp need keys too; the files the server writes
#   are its owner's alone; a live ipc endpoint cannot be taken; a pause
#   longer than the session timeout expires nobody who kept pinging; bare
#   connections beyond the descriptor limit neither crash the server nor
#   shut out a normal client. Prints TAP.
#
#   Run: WB_SRCDIR=. WB_BUILDDIR=build sh tests/e2e/test_hardening_net.sh

set -u

. "$(dirname "$0")/../lib/tap-lib.sh"
DRIVER=$builddir/tests/drivers/net_driver
tap_require "$WBCTL" "$WBSERVER" "$CONFIG" "$DRIVER"
tap_workdir wbnet
export XDG_CONFIG_HOME="$work/config"
unset WB_CERT WB_SERVER_KEY WB_ENDPOINT

tap_details () {
    tap_command_details
    [ -n "${other_log:-}" ] && tail -n 5 "$other_log" | sed 's/^/#   server log: /'
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
#   not this shell's child (started in a subshell): wait until it is gone,
#   or the next server finds the store still held
timeout 10 tail --pid="$server_pid" -f /dev/null
[ -S "${endpoint#ipc://}" ]
report "a killed server leaves its socket file behind" $?
tap_start_server
report "a new server replaces a stale socket file" 0

# ---------------------------------------------------------------- 10: a pause is nobody's silence

#   start_other NAME OPTION...: a wbserver on ipc://$work/NAME.ipc with its
#   own database and log $work/NAME.log; $other_pid, $other_endpoint
start_other () {
    name=$1
    shift
    other_endpoint="ipc://$work/$name.ipc"
    "$WBSERVER" -c "$CONFIG" -d "$work/$name.db" -e "$other_endpoint" -l "$work/$name.log" \
        "$@" > "$work/$name.out" 2>&1 &
    other_pid=$!
    tap_track "$other_pid"
    wait_for_line "$work/$name.log" "serving on" "$other_pid" \
        || echo "Bail out! wbserver $name did not start"
}

start_other pause --session-timeout 2
tap_run "$DRIVER" pause "$other_endpoint" "$other_pid" 20 4000
expect "stopped 4 s with a 2 s session timeout: the 20 clients that kept pinging keep their sessions" 0
cat "$work/out"
grep -q "the server did not run for" "$work/pause.log"
report "the server logs that it did not run" $?
! grep -q "expired" "$work/pause.log"
report "no session expired" $?
kill "$other_pid"

# ---------------------------------------------------------------- 2: bare connections beyond the descriptor limit

#   the soft limit low, as a default ulimit -n is: the server raises it to
#   the hard limit, and holds connections to --max-connections
start_bare () {
    other_log=$work/$1.log
    (
        ulimit -Sn 256
        exec "$WBSERVER" -c "$CONFIG" -d "$work/$1.db" -e "$2" -l "$work/$1.log" \
            --max-connections 100 ${3-} > "$work/$1.out" 2>&1
    ) &
    other_pid=$!
    tap_track "$other_pid"
    wait_for_line "$work/$1.log" "serving at most 100 connections" "$other_pid" \
        || echo "Bail out! wbserver $1 did not start"
}

start_bare bare "ipc://$work/bare.ipc"
if [ "$(ulimit -Hn)" != unlimited ] && [ "$(ulimit -Hn)" -gt 256 ]; then
    grep -q "descriptor limit raised from 256 to $(ulimit -Hn)" "$work/bare.log"
    report "the server raises its soft descriptor limit to the hard one" $?
else
    skip "the server raises its soft descriptor limit to the hard one" "hard limit $(ulimit -Hn)"
fi
tap_run "$DRIVER" bare "ipc://$work/bare.ipc" "$other_pid" 300
expect "300 bare ipc connections on a soft limit of 256: alive, calm, a normal client served" 0
cat "$work/out"
wait_for_line "$work/bare.log" "refused [0-9]* connection(s): 100 are served at most" "$other_pid"
report "the server logs that it refused connections over the cap" $?
[ "$(grep -c "refused [0-9]* connection" "$work/bare.log")" -le 2 ]
report "the refusals are summed, not logged one by one" $?
kill "$other_pid"

port=$(( 20000 + $$ % 20000 ))
start_bare tcp "tcp://127.0.0.1:$port" --insecure
tap_run "$DRIVER" bare "tcp://127.0.0.1:$port" "$other_pid" 300
expect "300 bare tcp connections: alive, calm (no busy loop), a normal client served" 0
cat "$work/out"
kill "$other_pid"

tap_run timeout 10 sh -c "ulimit -n 1024; exec $WBSERVER -c $CONFIG -d $work/many.db \
    -e ipc://$work/many.ipc --max-connections 1000"
expect "more connections than the descriptor limit allows: refused at start" 1 "" \
    "1000 connections need more descriptors than the limit allows: at most 480"
#   Under 1,024 descriptors a flood could take the last one inside libzmq,
#   which aborts: the server refuses to start rather than crash later.
tap_run timeout 10 sh -c "ulimit -n 256; exec $WBSERVER -c $CONFIG -d $work/few.db \
    -e ipc://$work/few.ipc"
expect "a descriptor limit under 1024: refused at start, saying why" 1 "" \
    "only 256 files may be open (ulimit -Hn).*at least 1024 are needed"

# ---------------------------------------------------------------- 16: the write-ahead log removed

start_other wal
tap_run "$WBCTL" -e "$other_endpoint" submit email-draft@agent01 --subject "Kept" --from a@example.com
expect "a submit is acknowledged while the write-ahead log is there" 0
rm "$work/wal.db-wal"
tap_run "$WBCTL" -e "$other_endpoint" submit email-draft@agent01 --subject "Lost" --from a@example.com
expect "with the write-ahead log removed, a submit is refused (28), not acknowledged" 1 "" "EventError 28"
tap_run "$WBCTL" -e "$other_endpoint" -a agent01 content email-draft
expect "reads go on" 0 "1 interaction"
[ "$(grep -c "the write-ahead log $work/wal.db-wal was removed or replaced" "$work/wal.log")" -eq 1 ]
report "the server logs it, once" $?
kill "$other_pid"

# ---------------------------------------------------------------- 18: a database the server cannot write

#   root writes any file whatever its mode: as root, the server runs as
#   nobody on a file that root owns
cp "$work/store.db" "$work/readonly.db"
chmod 0644 "$work/readonly.db"
chmod 0755 "$work"
as_user=
if [ "$(id -u)" -eq 0 ] && command -v setpriv > /dev/null; then
    as_user="setpriv --reuid=nobody --regid=nogroup --clear-groups"
elif [ "$(id -u)" -ne 0 ]; then
    chmod 0444 "$work/readonly.db"
fi
if [ "$(id -u)" -ne 0 ] || [ -n "$as_user" ]; then
    tap_run timeout 10 $as_user "$WBSERVER" -c "$CONFIG" -d "$work/readonly.db" -e "ipc://$work/ro.ipc"
    expect "a database file the server cannot write: it refuses to start" 1 "" \
        "cannot open store sqlite:$work/readonly.db: Permission denied"
else
    skip "a database file the server cannot write: it refuses to start" "root without setpriv"
fi
chmod 0700 "$work"

tap_end
