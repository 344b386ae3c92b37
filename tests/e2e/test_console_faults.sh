#!/bin/sh
#   The console under faults: the server killed and restarted under it,
#   its endpoint gone for longer than the console's deadlines, and a server
#   that answers garbage (tests/drivers/fake_wbserver), and the server
#   killed under a console given a second node, B (failover.script: it
#   moves to B). The console stays up, says
#   what happened on its status line, and recovers its panes when the real
#   server is back. Headless screen scripts (tests/screen/fault-*.script,
#   compared with their .expected dumps like tests/e2e/test_screen.sh does),
#   then the endpoint-gone case again at a real terminal (tmux), where the
#   console must also stay idle while it waits. Prints TAP.
#
#   WB_UPDATE_SCREENS=1 rewrites the .expected files from this run.
set -u
. "$(dirname "$0")/../lib/tap-lib.sh"
FAKE=$builddir/tests/drivers/fake_wbserver
tap_require "$WBCTL" "$WBSERVER" "$WBCONSOLE" "$FAKE"
tap_workdir wbfaults
export TZ=UTC
tap_pin_clock 2026-11-25T12:00:00Z
export WB_TEST_DIR="$work" WB_ENDPOINT="$endpoint" WBCTL
#   The servers' pids are in files: the scripts below stop and start them.
stop_all () {
    for file in "$work/server.pid" "$work/fake.pid"; do
        [ -f "$file" ] && kill "$(cat "$file")" 2>/dev/null
    done
    for socket in "$work"/tmux-*.sock; do tmux -S "$socket" kill-server 2>/dev/null; done
    tap_cleanup
}
trap stop_all EXIT

#   start.sh: the real server, ready when it answers a ping; kill.sh:
#   SIGKILL; term.sh: a clean stop, after which the socket file is gone
#   too, so that the endpoint itself is gone (tap-lib.sh).
tap_server_scripts
#   fake.sh: the garbage server on the same endpoint, ready when it says
#   so; unfake.sh stops it.
cat > "$work/fake.sh" <<SCRIPT
"$FAKE" "$endpoint" > "$work/fake.out" 2>&1 &
echo \$! > "$work/fake.pid"
deadline=\$((\$(date +%s) + 10))
until grep -q ready "$work/fake.out"; do
    [ \$(date +%s) -ge \$deadline ] && exit 1
    sleep 0.05
done
SCRIPT
cat > "$work/unfake.sh" <<SCRIPT
pid=\$(cat "$work/fake.pid")
kill \$pid
timeout 10 tail --pid=\$pid -f /dev/null
SCRIPT

sh "$work/start.sh" || { echo "Bail out! wbserver did not start"; cat "$work/server.log"; exit 1; }
for n in 1 2 3; do
    "$WBCTL" submit email-draft@agent01 --subject "Order $n" --from "client$n@example.com" \
        --received "2026-11-2${n}T09:00:00Z" >/dev/null || exit 1
done
#   a second node, B, with a store of its own, for the failover screen
"$WBSERVER" -c "$CONFIG" -d "$work/b.db" -e "ipc://$work/b.ipc" -l "$work/b.log" $clock_options \
    > "$work/b.out" 2>&1 &
tap_track $!
"$WBCTL" -e "ipc://$work/b.ipc" --timeout 10 submit email-draft@agent01 --subject "On node B" \
    --from b@example.com --received 2026-11-24T09:00:00Z >/dev/null || exit 1

tap_screen fault-kill -a agent01 --open email-draft --size 120x24
tap_screen fault-endpoint-gone -a agent01 --open email-draft --size 120x24
tap_screen fault-garbage -a agent01 --open email-draft --size 120x24
tap_screen fault-action-offline -a agent01 --open email-draft --size 120x24
#   no server at all: the main area says what is under way, not "No workbin open"
#   (tap_screen's -e is the only one: a second -e would add a node)
served=$endpoint
endpoint="ipc://$work/nobody.ipc"
tap_screen fault-connecting -a agent01 --open email-draft --open team-queue@sales --size 100x24
endpoint=$served
#   two nodes: the server on $endpoint (tap_screen's -e), then B
tap_screen failover -a agent01 --open email-draft -e "ipc://$work/b.ipc" --size 140x24
sh "$work/start.sh" || { echo "Bail out! wbserver did not start again"; exit 1; }

#   An agent the server does not know: nothing to show, so the console ends
#   at once, in error, saying why on stderr (the script would wait 10 s).
printf 'wait never shown\n' > "$work/never.script"
LC_ALL=C.UTF-8 "$WBCONSOLE" -e "$endpoint" -a ghost --script "$work/never.script" --size 100x24 \
    > "$work/ghost.out" 2> "$work/ghost.err"
rc=$?
status=0
[ $rc -eq 1 ] || status=1
grep -qx "wbconsole: the server refused the session: EventError 10 unknown agent: ghost (RequestAgentLogin)" \
    "$work/ghost.err" || status=1
report "an unknown agent: the console ends with status 1 and says why (exit $rc)" $status
[ $status -eq 0 ] || sed 's/^/# /' "$work/ghost.err"

#   ------------------------------------------------ at a real terminal
command -v tmux >/dev/null || { skip "tmux: endpoint gone" "tmux is not installed"; tap_end; exit; }

#   cpu_ms PID: the processor time PID has used, in milliseconds.
cpu_ms () {
    ticks=$(awk '{ print $14 + $15 }' "/proc/$1/stat")
    echo $((ticks * 1000 / $(getconf CLK_TCK)))
}
now_ms () {
    echo $(($(date +%s%N) / 1000000))
}

tmux_socket="$work/tmux-faults.sock"
tmux -S "$tmux_socket" new-session -d -s console -x 100 -y 30 \
    "echo \$\$ > '$work/console.pid'; LC_ALL=C.UTF-8 TERM=screen-256color exec '$WBCONSOLE' -a agent01 --open email-draft"
until_screen "$tmux_socket" console "● live"; report "tmux: the console is live" $?
console_pid=$(cat "$work/console.pid")
sh "$work/term.sh"; report "tmux: the server stops and its socket file is gone" $?
until_screen "$tmux_socket" console "no answer from"
report "tmux: the status line says the server does not answer" $?
cpu_before=$(cpu_ms "$console_pid"); wall_before=$(now_ms)
until_screen "$tmux_socket" console "still retrying (attempt 2)"
report "tmux: it keeps retrying past its deadlines" $?
cpu_used=$(($(cpu_ms "$console_pid") - cpu_before)); wall_used=$(($(now_ms) - wall_before))
echo "# the console used $cpu_used ms of processor in $wall_used ms of waiting"
[ $((cpu_used * 20)) -lt "$wall_used" ]
report "tmux: waiting for the server takes under 5% of a processor (no busy loop)" $?
kill -0 "$console_pid"; report "tmux: the console is still running" $?
sh "$work/start.sh"
until_screen "$tmux_socket" console "● live"; report "tmux: the pane is live again when the server is back" $?
"$WBCTL" submit email-draft@agent01 --subject "Back at the terminal" --from b@example.com >/dev/null
until_screen "$tmux_socket" console "Back at the terminal"
report "tmux: a change made after the server came back appears" $?
tmux -S "$tmux_socket" send-keys -t console Q
timeout 10 tail --pid="$console_pid" -f /dev/null; report "tmux: Q quits" $?
tap_end
