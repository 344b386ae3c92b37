#!/bin/sh
#   ./demo as a newcomer runs it, in a real terminal (tmux): both workbin
#   panes on screen, a live change arriving from the busy-day scenario, and
#   nothing left running after Q. Waits on the screen, with deadlines. TAP.
set -u
. "$(dirname "$0")/../lib/tap-lib.sh"
command -v tmux >/dev/null || { echo "1..0 # SKIP tmux is not installed"; exit 0; }
tap_require "$WBCTL" "$WBSERVER" "$WBCONSOLE"
tap_workdir wbdemotest
socket="$work/tmux.sock"
stop_demo () {
    tmux -S "$socket" kill-server 2>/dev/null
    pkill -f "$work/workbin-demo" 2>/dev/null
    tap_cleanup
}
trap stop_demo EXIT
screen () { tmux -S "$socket" capture-pane -p -t demo 2>/dev/null; }

#   The number of interactions a pane title shows: "TYPE@OWNER  N items".
items () { screen | grep -oE "$1  [0-9]* items?" | head -1 | awk '{print $2}'; }

tmux -S "$socket" new-session -d -s demo -x 160 -y 40 \
    "cd '$srcdir' && TMPDIR='$work' WB_DEMO_BUILDDIR='$builddir' LC_ALL=C.UTF-8 ./demo; echo \$? > '$work/exit'"
until_screen "$socket" demo "email-draft@agent01  "; report "demo: agent01's email-draft pane is on screen" $?
until_screen "$socket" demo "email-inprogress@agent01  "; report "demo: the email-inprogress pane is beside it" $?
until_screen "$socket" demo "● live"; report "demo: the panes are live" $?
before=$(items "email-draft@agent01")
deadline=$(($(date +%s) + 30))
until [ "$(items "email-draft@agent01")" != "$before" ] || [ "$(date +%s)" -ge $deadline ]; do sleep 0.2; done
[ "$(items "email-draft@agent01")" != "$before" ]; report "demo: a change from the scenario arrives live ($before -> $(items "email-draft@agent01") items)" $?
tmux -S "$socket" send-keys -t demo Q
deadline=$(($(date +%s) + 10))
until [ -f "$work/exit" ] || [ "$(date +%s)" -ge $deadline ]; do sleep 0.1; done
grep -qx 0 "$work/exit" 2>/dev/null; report "demo: Q ends it with status 0" $?
left=$(pgrep -f "$work/workbin-demo" | wc -l)
[ "$left" -eq 0 ]; report "demo: nothing left running ($left processes)" $?
[ -z "$(ls -d "$work"/workbin-demo.* 2>/dev/null)" ]; report "demo: its temporary folder is removed" $?

#   The sample site: sup1 and two team queues of its 80 agents, changing.
socket="$work/tmux-site.sock"
rm -f "$work/exit"
tmux -S "$socket" new-session -d -s demo -x 160 -y 40 \
    "cd '$srcdir' && TMPDIR='$work' WB_DEMO_BUILDDIR='$builddir' LC_ALL=C.UTF-8 ./demo --site; echo \$? > '$work/exit'"
until_screen "$socket" demo "Board: 86 owners"; report "demo --site: sup1 starts on the board of its 4 teams" $?
until_screen "$socket" demo "Ana Abe"; report "demo --site: the board and the sidebar name the agents" $?
#   the board's count of interactions: "Board: 86 owners, 3 types, N interactions"
total () { screen | grep -oE "Board: [0-9]+ owners, [0-9]+ types, [0-9]+ interactions" | awk '{print $6}'; }
before=$(total)
deadline=$(($(date +%s) + 60))
until [ "$(total)" != "$before" ] || [ "$(date +%s)" -ge $deadline ]; do sleep 0.2; done
[ "$(total)" != "$before" ]; report "demo --site: the day changes the board live ($before -> $(total) interactions)" $?
tmux -S "$socket" send-keys -t demo Q
deadline=$(($(date +%s) + 10))
until [ -f "$work/exit" ] || [ "$(date +%s)" -ge $deadline ]; do sleep 0.1; done
grep -qx 0 "$work/exit" 2>/dev/null; report "demo --site: Q ends it with status 0" $?

#   --cluster: three nodes on a private PostgreSQL, the day played through
#   nodes 2 and 3, the console on node 1 given all three endpoints.
if ! ls /usr/lib/postgresql/*/bin/initdb > /dev/null 2>&1; then
    if [ -n "${CI:-}" ]; then    # ./check installs it: under CI, missing is a failure
        report "demo --cluster: PostgreSQL's server programs are installed" 1
    else
        skip "demo --cluster: a change made on another node arrives live" "no PostgreSQL"
    fi
else
    socket="$work/tmux-cluster.sock"
    rm -f "$work/exit"
    tmux -S "$socket" new-session -d -s demo -x 160 -y 40 \
        "cd '$srcdir' && TMPDIR='$work' WB_DEMO_BUILDDIR='$builddir' LC_ALL=C.UTF-8 ./demo --cluster; echo \$? > '$work/exit'"
    until_screen "$socket" demo "node1.ipc"; report "demo --cluster: the console is on node 1" $?
    until_screen "$socket" demo "● live"; report "demo --cluster: its panes are live" $?
    before=$(items "email-draft@agent01")
    deadline=$(($(date +%s) + 30))
    until [ "$(items "email-draft@agent01")" != "$before" ] || [ "$(date +%s)" -ge $deadline ]; do sleep 0.2; done
    [ "$(items "email-draft@agent01")" != "$before" ]; report "demo --cluster: a change made through node 3 arrives live ($before -> $(items "email-draft@agent01") items)" $?
    tmux -S "$socket" send-keys -t demo Q
    deadline=$(($(date +%s) + 10))
    until [ -f "$work/exit" ] || [ "$(date +%s)" -ge $deadline ]; do sleep 0.1; done
    grep -qx 0 "$work/exit" 2>/dev/null; report "demo --cluster: Q ends it with status 0" $?
    left=$(pgrep -f "$work/workbin-demo" | wc -l)
    [ "$left" -eq 0 ] && [ -z "$(ls -d "$work"/workbin-demo*  2>/dev/null)" ]
    report "demo --cluster: nodes and PostgreSQL stopped, folders removed ($left processes)" $?
fi

#   Without a terminal it says what it needs instead of hanging.
out=$(cd "$srcdir" && WB_DEMO_BUILDDIR="$builddir" timeout 10 ./demo < /dev/null 2>&1)
status=$?
[ $status -eq 1 ] && echo "$out" | grep -q "needs a terminal"; report "demo: without a terminal it says so (exit $status)" $?

tap_end
