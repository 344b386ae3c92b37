#!/bin/sh
#   End-to-end: the real wbconsole in a real terminal (tmux) against a real
#   wbserver, at 80x24, at 200x50, and with TERM=dumb. Waits on what the
#   screen shows, with a deadline; prints TAP.
set -u
. "$(dirname "$0")/../lib/tap-lib.sh"
command -v tmux >/dev/null || { echo "1..0 # SKIP tmux is not installed"; exit 0; }
tap_require "$WBCTL" "$WBSERVER" "$WBCONSOLE"
tap_workdir wbtmux
export WB_ENDPOINT="$endpoint"
stop_terminals () {
    for socket in "$work"/tmux-*.sock; do tmux -S "$socket" kill-server 2>/dev/null; done
    tap_cleanup
}
trap stop_terminals EXIT

tap_start_server
"$WBCTL" submit email-draft@agent01 --subject "Before the console" --from a@example.com >/dev/null

tries=0
#   try SIZE TERM: open the console, see content and a live change, quit.
try () {
    columns=${1%x*}; lines=${1#*x}
    name="$1 TERM=$2"
    socket="$work/tmux-$1-$2.sock"
    tmux -S "$socket" new-session -d -s console -x "$columns" -y "$lines" \
        "LC_ALL=C.UTF-8 TERM=$2 '$WBCONSOLE' -a agent01 --open email-draft; echo exited-\$? > '$work/exit'"
    until_screen "$socket" console "Before the console"; report "$name: the workbin's content is on screen" $?
    until_screen "$socket" console "● live"; report "$name: the pane is live (EventAck)" $?
    tries=$((tries + 1))
    "$WBCTL" submit email-draft@agent01 --subject "Live $tries" --from b@example.com >/dev/null
    until_screen "$socket" console "Live $tries"; report "$name: a change from wbctl appears live" $?
    tmux -S "$socket" send-keys -t console Q
    deadline=$(($(date +%s) + 10))
    until [ -f "$work/exit" ] || [ "$(date +%s)" -ge $deadline ]; do sleep 0.1; done
    grep -q exited-0 "$work/exit" 2>/dev/null; report "$name: Q quits with status 0" $?
    rm -f "$work/exit"
}

try 80x24 screen-256color
try 200x50 screen-256color
try 100x30 dumb
tap_end
