#!/bin/sh
#   Take-over: a console killed with SIGKILL leaves its agent logged in on
#   its dead connection. The server here expires silent sessions only
#   after an hour, so only a take-over can let the agent in: wbctl with
#   --take-over, and a second console when the user types :take-over.
#   Neither takes over unasked. Prints TAP.
set -u
. "$(dirname "$0")/../lib/tap-lib.sh"
command -v tmux >/dev/null || { echo "1..0 # SKIP tmux is not installed"; exit 0; }
tap_require "$WBCTL" "$WBSERVER" "$WBCONSOLE"
tap_workdir wbtakeover
export WB_ENDPOINT="$endpoint"
stop_all () {
    for socket in "$work"/tmux-*.sock; do tmux -S "$socket" kill-server 2>/dev/null; done
    tap_cleanup
}
trap stop_all EXIT
tap_details () {
    tap_command_details
}

tap_start_server --session-timeout 3600
"$WBCTL" submit email-draft@agent05 --subject "Held by agent05" --from h@example.com >/dev/null

#   console NAME: a console as agent05 in tmux session NAME; its pid in
#   $work/NAME.pid.
console () {
    tmux -S "$work/tmux-$1.sock" new-session -d -s console -x 120 -y 30 \
        "echo \$\$ > '$work/$1.pid'; LC_ALL=C.UTF-8 TERM=screen-256color exec '$WBCONSOLE' -a agent05 --open email-draft"
}

#   killed NAME: SIGKILL the console NAME (no goodbye: its login stays).
killed () {
    kill -9 "$(cat "$work/$1.pid")"
    tmux -S "$work/tmux-$1.sock" kill-server 2>/dev/null
}

console first
until_screen "$work/tmux-first.sock" console "● live"; report "a console is live as agent05" $?
killed first

tap_run "$WBCTL" -a agent05 content email-draft
expect "the agent is still held by the killed console: EventError 14" 1 '' '^EventError 14 '
tap_run "$WBCTL" -a agent05 --take-over content email-draft
expect "wbctl --take-over gets in at once" 0 'Held by agent05'

console second
until_screen "$work/tmux-second.sock" console "● live"; report "a new console is live" $?
killed second
console third
until_screen "$work/tmux-third.sock" console ":take-over ends that session"
report "the next console says the agent is held elsewhere, and how to take over" $?
tmux -S "$work/tmux-third.sock" send-keys -t console : take-over Enter
until_screen "$work/tmux-third.sock" console "● live"
report "after :take-over the console is live" $?
"$WBCTL" submit email-draft@agent05 --subject "After the take-over" --from t@example.com >/dev/null
until_screen "$work/tmux-third.sock" console "After the take-over"
report "and receives changes" $?
tmux -S "$work/tmux-third.sock" send-keys -t console : take-over Enter
until_screen "$work/tmux-third.sock" console "nothing to take over"
report ":take-over when nothing is held says so" $?
tap_end
