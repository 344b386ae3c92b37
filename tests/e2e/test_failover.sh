#!/bin/sh
#   Clients with several endpoints (issue 19): two wbservers, A and B, each
#   on its own SQLite store from the sample directory, on ipc endpoints in
#   the work folder. Clients given both talk to one node at a time and move
#   to the next when one is silent: a wbctl command while A is down goes
#   through B; a wbctl watch on A,B resumes on B when A is killed, and
#   says so; a console (headless script) on A,B moves to B when A is
#   killed, says so, and shows B's content, and moves back to A (round
#   robin) when B is killed in turn. A bad endpoint in a list is a usage
#   error naming it. Every wait is on an event, with a deadline. Prints TAP.
set -u
. "$(dirname "$0")/../lib/tap-lib.sh"
tap_require "$WBCTL" "$WBSERVER" "$WBCONSOLE"
tap_workdir wbfailover
export TZ=UTC WB_TEST_DIR="$work"
A="ipc://$work/a.ipc"
B="ipc://$work/b.ipc"
unset WB_ENDPOINT

#   node_scripts NAME: $work/start-NAME.sh (a wbserver on
#   ipc://$work/NAME.ipc with the store $work/NAME.db, its pid in
#   $work/NAME.pid; exits 0 once it answers a ping, 1 after 10 s) and
#   $work/kill-NAME.sh (SIGKILL, then wait for it to be gone), so that a
#   console script can run them too.
node_scripts () {
    cat > "$work/start-$1.sh" <<SCRIPT
"$WBSERVER" -c "$CONFIG" -d "$work/$1.db" -e "ipc://$work/$1.ipc" -l "$work/$1.log" &
echo \$! > "$work/$1.pid"
deadline=\$((\$(date +%s) + 10))
until "$WBCTL" -e "ipc://$work/$1.ipc" --timeout 1 ping >/dev/null 2>&1; do
    [ \$(date +%s) -ge \$deadline ] && exit 1
done
SCRIPT
    cat > "$work/kill-$1.sh" <<SCRIPT
pid=\$(cat "$work/$1.pid")
kill -9 \$pid
timeout 10 tail --pid=\$pid -f /dev/null
SCRIPT
}
stop_nodes () {
    for file in "$work/a.pid" "$work/b.pid"; do
        [ -f "$file" ] && kill "$(cat "$file")" 2>/dev/null
    done
    tap_cleanup
}
trap stop_nodes EXIT
node_scripts a
node_scripts b
tap_details () {
    tap_command_details
}

#   ------------------------------------------------ wbctl, A down
sh "$work/start-b.sh" || { echo "Bail out! wbserver B did not start"; exit 1; }
"$WBCTL" -e "$B" submit email-draft@agent01 --subject "Only on B" --from b@example.com \
    --received 2026-11-25T09:00:00Z > /dev/null || { echo "Bail out! no submit on B"; exit 1; }

tap_run "$WBCTL" -e "$A,$B" --timeout 1 ping
expect "wbctl -e A,B with A down: the command succeeds through B" 0 \
    "^EventAck RequestPing" "trying the next endpoint, $B"
grep -q "no answer from $A within 1 s" "$work/err"
report "wbctl -e A,B: it says that A did not answer" $?

tap_run "$WBCTL" -e "$A" -e "$B" --timeout 1 content email-draft@agent01
expect "wbctl -e A -e B (repeated): the same list, B's content" 0 "Only on B" \
    "trying the next endpoint, $B"

tap_run "$WBCTL" -e "$A" --timeout 1 ping
expect "wbctl -e A alone, A down: no answer (exit 3)" 3 "" "no answer from $A"

tap_run "$WBCTL" -e "$B,$A" --timeout 1 ping
status=0
[ "$rc" -eq 0 ] && ! grep -q "trying" "$work/err" || status=1
report "wbctl -e B,A: the first node answers, the second is never asked" $status

tap_run "$WBCTL" -e "$A,nowhere" ping
expect "a bad endpoint in the list is a usage error naming it" 2 "" \
    "^wbctl: not a valid endpoint: nowhere$"
tap_run "$WBCTL" -e "$A,,$B" ping
expect "an empty endpoint in the list is a usage error" 2 "" "an empty endpoint in the list"
tap_run "$WBCONSOLE" -e "$A" -e "nowhere" -a agent01 --script /dev/null
expect "wbconsole: a bad endpoint is a usage error naming it" 2 "" \
    "^wbconsole: not a valid endpoint: nowhere$"

#   ------------------------------------------------ wbctl watch, A killed
sh "$work/start-a.sh" || { echo "Bail out! wbserver A did not start"; exit 1; }
"$WBCTL" -e "$A,$B" --timeout 1 watch email-draft@agent01 > "$work/watch.out" 2> "$work/watch.err" &
watch_pid=$!
tap_track "$watch_pid"
wait_for_line "$work/watch.out" "^EventAck RequestWorkbinNotifications" "$watch_pid"
report "wbctl watch on A,B is subscribed (on A)" $?
sh "$work/kill-a.sh"
wait_for_line "$work/watch.err" "the connection to $A closed: the session was lost; moving to $B" "$watch_pid"
report "wbctl watch: A killed, it says it moves to B" $?
wait_for_line "$work/watch.err" "a new session is open on $B" "$watch_pid"
report "wbctl watch: it has a new session on B" $?
"$WBCTL" -e "$B" submit email-draft@agent01 --subject "Watched on B" --from w@example.com >/dev/null
wait_for_line "$work/watch.out" "Watched on B" "$watch_pid"
report "wbctl watch: a change made on B reaches it" $?
kill "$watch_pid" 2>/dev/null

#   ------------------------------------------------ wbconsole, A then B killed
#   (wide enough for the status line to hold the long endpoints whole)
sh "$work/start-a.sh" || { echo "Bail out! wbserver A did not start again"; exit 1; }
"$WBCTL" -e "$A" submit email-draft@agent01 --subject "Only on A" --from a@example.com >/dev/null
cat > "$work/console.script" <<SCRIPT
wait ● live
wait Only on A
run sh "$work/kill-a.sh"
wait moved to $B (the connection to $A closed)
wait Watched on B
wait ● connected: $B
wait ● live
dump $work/on-b.txt
key M
wait ERROR moved to $B (
key Escape
run sh "$work/start-a.sh"
run sh "$work/kill-b.sh"
wait moved to $A (the connection to $B closed)
wait Only on A
wait ● connected: $A
SCRIPT
tap_run env LC_ALL=C.UTF-8 "$WBCONSOLE" -e "$A,$B" -a agent01 --open email-draft \
    --script "$work/console.script" --size 200x24
expect "wbconsole on A,B: A killed, it moves to B and back to A when B goes (script passes)" 0
grep -q "Only on B" "$work/on-b.txt" && grep -q "Watched on B" "$work/on-b.txt" \
    && ! grep -q "Only on A" "$work/on-b.txt"
report "wbconsole: after the move it shows B's content, not A's" $?
grep -q "agent01@$B " "$work/on-b.txt"
report "wbconsole: the key hint names the node it is on" $?
tap_end
