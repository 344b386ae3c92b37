#!/bin/sh
#   End-to-end: the real wbconsole in a real terminal (tmux) against a real
#   wbserver. Waits on what the screen shows, with a deadline; prints TAP.
set -u
srcdir=${WB_SRCDIR:-$(dirname "$0")/..}
builddir=${WB_BUILDDIR:-.}
WBCTL=$builddir/src/wbctl
WBSERVER=$builddir/src/wbserver
WBCONSOLE=$(cd "$builddir" && pwd)/ui/wbconsole
command -v tmux >/dev/null || { echo "1..0 # SKIP tmux is not installed"; exit 0; }

work=$(mktemp -d "${TMPDIR:-/tmp}/wbtmux.XXXXXX") || exit 1
endpoint="ipc://$work/server.ipc"
export WB_ENDPOINT="$endpoint"
cleanup () {
    for socket in "$work"/tmux-*.sock; do tmux -S "$socket" kill-server 2>/dev/null; done
    [ -f "$work/server.pid" ] && kill "$(cat "$work/server.pid")" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

count=0
failed=0
report () {
    count=$((count + 1))
    if [ "$2" -eq 0 ]; then echo "ok $count - $1"; else failed=$((failed + 1)); echo "not ok $count - $1"; fi
}

screen () { tmux -S "$socket" capture-pane -p -t console 2>/dev/null; }

#   until_screen TEXT: poll the screen until it shows TEXT, 10 s at most.
until_screen () {
    deadline=$(($(date +%s) + 10))
    while ! screen | grep -qF -- "$1"; do
        if [ "$(date +%s)" -ge $deadline ]; then
            screen | sed 's/^/# /'
            return 1
        fi
        tmux -S "$socket" has-session -t console 2>/dev/null || return 1
        sleep 0.1        # pacing of the poll, not a wait for something
    done
}

"$WBSERVER" -c "$srcdir/doc/examples/sample.cfg" -d "$work/store.db" -e "$endpoint" -l "$work/server.log" &
echo $! > "$work/server.pid"
deadline=$(($(date +%s) + 10))
until "$WBCTL" --timeout 1 ping >/dev/null 2>&1; do
    [ "$(date +%s)" -ge $deadline ] && { echo "Bail out! no server"; exit 1; }
done
"$WBCTL" submit email-draft@agent01 --subject "Before the console" --from a@example.com >/dev/null

for size in 80x24 200x50; do
    columns=${size%x*}; lines=${size#*x}
    socket="$work/tmux-$size.sock"
    tmux -S "$socket" new-session -d -s console -x "$columns" -y "$lines" \
        "LC_ALL=C.UTF-8 TERM=screen-256color '$WBCONSOLE' -a agent01 --open email-draft; echo exited-\$? > '$work/exit'"
    until_screen "Before the console"; report "$size: the workbin's content is on screen" $?
    until_screen "● live"; report "$size: the pane is live (EventAck)" $?
    "$WBCTL" submit email-draft@agent01 --subject "wbctl at $size" --from b@example.com >/dev/null
    until_screen "wbctl at $size"; report "$size: a change from wbctl appears live" $?
    tmux -S "$socket" send-keys -t console Q
    deadline=$(($(date +%s) + 10))
    until [ -f "$work/exit" ] || [ "$(date +%s)" -ge $deadline ]; do sleep 0.1; done
    grep -q exited-0 "$work/exit" 2>/dev/null; report "$size: Q quits with status 0" $?
    rm -f "$work/exit"
done

echo "1..$count"
[ $failed -eq 0 ]
