#!/bin/sh
#   A lost session is never shown as live. Under a console (in tmux) and a
#   `wbctl watch`, the server is restarted at once: killed (SIGKILL) or
#   stopped (SIGTERM), on the same database or an empty one. Within 5 s
#   both say that the session was lost; within 10 s a change made on the
#   new server reaches both (which also proves that the new server holds
#   their subscriptions again). Prints TAP.
set -u
. "$(dirname "$0")/../lib/tap-lib.sh"
command -v tmux >/dev/null || { echo "1..0 # SKIP tmux is not installed"; exit 0; }
tap_require "$WBCTL" "$WBSERVER" "$WBCONSOLE"
tap_workdir wblost
export WB_ENDPOINT="$endpoint"
stop_all () {
    for socket in "$work"/tmux-*.sock; do tmux -S "$socket" kill-server 2>/dev/null; done
    [ -f "$work/server.pid" ] && kill "$(cat "$work/server.pid")" 2>/dev/null
    tap_cleanup
}
trap stop_all EXIT

#   start.sh, kill.sh (SIGKILL), and term.sh (SIGTERM) of the server
tap_server_scripts
sh "$work/start.sh" || { echo "Bail out! wbserver did not start"; exit 1; }
"$WBCTL" submit email-draft@agent01 --subject "Before any restart" --from a@example.com >/dev/null

#   a media server watches the same workbin
"$WBCTL" watch email-draft@agent01 > "$work/watch.out" 2> "$work/watch.err" &
watch_pid=$!
tap_track "$watch_pid"
wait_for_line "$work/watch.out" "^EventAck RequestWorkbinNotifications" "$watch_pid"
report "wbctl watch is subscribed" $?

#   lines FILE PATTERN: how many lines of FILE hold PATTERN
lines () {
    grep -c -e "$2" "$1" 2>/dev/null
}

#   open_console: a new console in tmux ($socket), live on the drafts.
open_console () {
    socket="$work/tmux-$round.sock"
    tmux -S "$socket" new-session -d -s console -x 120 -y 30 \
        "LC_ALL=C.UTF-8 TERM=screen-256color '$WBCONSOLE' -a agent01 --open email-draft"
    until_screen "$socket" console "● live"
}

#   close_console: Q (which logs agent01 out), then wait for it to end.
close_console () {
    tmux -S "$socket" send-keys -t console Q
    deadline=$(($(date +%s) + 10))
    while tmux -S "$socket" has-session -t console 2>/dev/null && [ "$(date +%s)" -lt $deadline ]; do
        sleep 0.05          # pacing of the poll, not a wait for something
    done
}

round=0
#   restart HOW DATABASE: with a new console live, stop the server
#   (kill.sh or term.sh) and start it again at once on the same database
#   (same) or on a new, empty one (empty); the console and the watch must
#   notice and follow.
restart () {
    round=$((round + 1))
    name="$1 $2"
    open_console; report "$name: a console is live" $?
    lost_before=$(lines "$work/watch.err" "the session was lost")
    sh "$work/$1.sh"
    [ "$2" = empty ] && rm -f "$work/store.db" "$work/store.db-wal" "$work/store.db-shm"
    sh "$work/start.sh" || { echo "Bail out! wbserver did not start again"; exit 1; }
    #   the console's status history (M) keeps what its status line said
    tmux -S "$socket" send-keys -t console M
    until_screen "$socket" console "the connection to $endpoint closed" 5
    report "$name: within 5 s the console says the session was lost" $?
    tmux -S "$socket" send-keys -t console Escape
    deadline=$(($(date +%s) + 5))
    until [ "$(lines "$work/watch.err" "the session was lost")" -gt "$lost_before" ] \
          || [ "$(date +%s)" -ge $deadline ]; do
        sleep 0.05          # pacing of the poll, not a wait for something
    done
    [ "$(lines "$work/watch.err" "the session was lost")" -gt "$lost_before" ]
    report "$name: within 5 s wbctl watch says the session was lost" $?
    #   from the connection itself, not from a keep-alive's deadline
    [ "$(lines "$work/watch.err" "the connection to $endpoint closed")" -ge "$round" ]
    report "$name: both say why: the connection closed" $?
    until_screen "$socket" console "● live" 10
    report "$name: the console is live again" $?
    until [ "$(lines "$work/watch.err" "a new session is open")" -ge "$round" ] \
          || ! kill -0 "$watch_pid" 2>/dev/null || [ "$(date +%s)" -ge $((deadline + 5)) ]; do
        sleep 0.05          # pacing of the poll, not a wait for something
    done
    [ "$(lines "$work/watch.err" "a new session is open")" -ge "$round" ]
    report "$name: wbctl watch has a new session" $?
    "$WBCTL" submit email-draft@agent01 --subject "After restart $round" --from r@example.com >/dev/null
    until_screen "$socket" console "After restart $round" 10
    report "$name: a change on the new server reaches the console" $?
    wait_for_line "$work/watch.out" "After restart $round" "$watch_pid"
    report "$name: a change on the new server reaches wbctl watch" $?
    close_console
}

restart kill same
restart term same
restart kill empty
restart term empty

kill -0 "$watch_pid" 2>/dev/null
report "wbctl watch is still running" $?
tap_end
