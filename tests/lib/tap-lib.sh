#   tap-lib.sh: what the end-to-end shell tests share; source it first.
#
#   WB_SRCDIR (the source root) and WB_BUILDDIR (the build root) say where
#   things are; by default the source root is the tests folder's parent and
#   the build root the current folder. Tests print TAP: report each check,
#   and end with tap_end. Nothing here sleeps to wait for something: waits
#   are for a condition, with a deadline.

srcdir=$(cd "${WB_SRCDIR:-$(dirname "$0")/../..}" && pwd)
builddir=$(cd "${WB_BUILDDIR:-.}" && pwd)
WBCTL=$builddir/src/wbctl
WBSERVER=$builddir/src/wbserver
WBCONSOLE=$builddir/ui/wbconsole
CONFIG=$srcdir/doc/examples/sample.cfg
EXAMPLES=$srcdir/doc/examples
SCREENS=$srcdir/tests/screen

count=0
failed=0
tap_pids=
server_pid=
clock_options=

#   tap_pin_clock TIME: from now on, the servers and consoles that this
#   library starts run on a wall clock pinned at TIME (--clock), so that
#   every date, time, age and id they show is the same on any day.
tap_pin_clock () {
    clock_options="--clock $1"
}

#   tap_require FILE...: skip the whole test if one is missing.
tap_require () {
    for file in "$@"; do
        if [ ! -e "$file" ]; then
            echo "1..0 # SKIP $file is missing (build it first)"
            exit 0
        fi
    done
}

#   tap_track PID: stop PID when the test ends.
tap_track () {
    tap_pids="$tap_pids $1"
}

tap_cleanup () {
    for pid in $tap_pids; do
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    [ -n "${work:-}" ] && rm -rf "$work"
}

#   tap_workdir NAME: a fresh folder $work, removed (with every tracked
#   process stopped) at exit; $endpoint is an ipc:// endpoint inside it.
tap_workdir () {
    work=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX") || exit 1
    endpoint="ipc://$work/server.ipc"
    trap tap_cleanup EXIT
    trap 'exit 130' INT TERM
}

#   report DESCRIPTION STATUS: one TAP line. A test may define tap_details
#   to print diagnostics (as "# ..." lines) after a failure.
report () {
    count=$((count + 1))
    if [ "$2" -eq 0 ]; then
        echo "ok $count - $1"
        return 0
    fi
    failed=$((failed + 1))
    echo "not ok $count - $1"
    if command -v tap_details > /dev/null 2>&1; then
        tap_details
    fi
    return 1
}

#   skip DESCRIPTION REASON
skip () {
    count=$((count + 1))
    echo "ok $count - $1 # SKIP $2"
}

#   Commands checked by their exit status and output: tap_run runs one,
#   its status in $rc, its output in $work/out and $work/err; expect checks
#   them; tap_command_details shows them (a test's tap_details may call it).
rc=0
tap_run () {
    "$@" > "$work/out" 2> "$work/err"
    rc=$?
}

#   expect DESCRIPTION STATUS [STDOUT-PATTERN [STDERR-PATTERN]]: report
#   whether the last command exited with STATUS and its output holds the
#   patterns (grep).
expect () {
    status=0
    [ "$rc" -eq "$2" ] || status=1
    [ -z "${3-}" ] || grep -q -e "$3" "$work/out" || status=1
    [ -z "${4-}" ] || grep -q -e "$4" "$work/err" || status=1
    report "$1" $status
}

tap_command_details () {
    echo "#   exit status: $rc"
    sed 's/^/#   stdout: /' "$work/out" 2> /dev/null
    sed 's/^/#   stderr: /' "$work/err" 2> /dev/null
}

#   tap_server_ready [SECONDS]: wait until the server on $endpoint answers a
#   ping (wbctl waits for each reply), 10 s at most; 0 or 1.
tap_server_ready () {
    deadline=$(($(date +%s) + ${1:-10}))
    until "$WBCTL" -e "$endpoint" --timeout 1 ping > /dev/null 2>&1; do
        if [ "$(date +%s)" -ge "$deadline" ] || ! kill -0 "$server_pid" 2>/dev/null; then
            return 1
        fi
    done
}

#   tap_start_server [OPTION...]: wbserver on $endpoint with the sample
#   directory and $work/store.db, log in $work/server.log; bails out if it
#   does not answer.
tap_start_server () {
    "$WBSERVER" -c "$CONFIG" -d "$work/store.db" -e "$endpoint" -l "$work/server.log" \
        $clock_options "$@" > "$work/server.out" 2>&1 &
    server_pid=$!
    tap_track "$server_pid"
    if ! tap_server_ready; then
        echo "Bail out! wbserver did not answer on $endpoint within 10 s"
        sed 's/^/# /' "$work/server.out" "$work/server.log" 2> /dev/null
        exit 1
    fi
}

#   tap_server_scripts: write $work/start.sh (a wbserver on $endpoint,
#   its pid in $work/server.pid; exits 0 once it answers a ping, 1 after
#   10 s), $work/kill.sh (SIGKILL, then wait for it to be gone) and
#   $work/term.sh (SIGTERM, and its ipc socket file must go too), so that a
#   screen script can stop and restart the server with 'run sh ...'.
tap_server_scripts () {
    cat > "$work/start.sh" <<SCRIPT
"$WBSERVER" -c "$CONFIG" -d "$work/store.db" -e "$endpoint" -l "$work/server.log" $clock_options &
echo \$! > "$work/server.pid"
deadline=\$((\$(date +%s) + 10))
until "$WBCTL" -e "$endpoint" --timeout 1 ping >/dev/null 2>&1; do
    [ \$(date +%s) -ge \$deadline ] && exit 1
done
SCRIPT
    cat > "$work/kill.sh" <<SCRIPT
pid=\$(cat "$work/server.pid")
kill -9 \$pid
timeout 10 tail --pid=\$pid -f /dev/null
SCRIPT
    #   term.sh: a clean stop (SIGTERM); the server unbinds and removes its
    #   ipc socket file, so that the endpoint itself is gone
    cat > "$work/term.sh" <<SCRIPT
pid=\$(cat "$work/server.pid")
kill \$pid
timeout 10 tail --pid=\$pid -f /dev/null && test ! -e "${endpoint#ipc://}"
SCRIPT
}

#   tap_screen_normalise: the one thing in a screen dump that changes from
#   run to run, the work folder, read on standard input, written as <DIR>.
#   Dates, times, ages and ids are compared as they are: the screen tests
#   pin the clock (tap_pin_clock).
tap_screen_normalise () {
    sed -e "s|$work|<DIR>|g"
}

#   tap_screen NAME ARGS...: play tests/screen/NAME.script in wbconsole's
#   script mode on $endpoint, and report whether its normalised dumps are
#   NAME.expected (WB_UPDATE_SCREENS=1 rewrites that file from this run:
#   review the diff before committing it). The console runs in the locale
#   $WB_SCREEN_LOCALE, C.UTF-8 unless set.
tap_screen () {
    name=$1; shift
    LC_ALL=${WB_SCREEN_LOCALE:-C.UTF-8} "$WBCONSOLE" -e "$endpoint" $clock_options --script "$SCREENS/$name.script" "$@" \
        > "$work/$name.raw" 2> "$work/$name.err"
    status=$?
    tap_screen_normalise < "$work/$name.raw" > "$work/$name.out"
    [ "${WB_UPDATE_SCREENS:-}" = 1 ] && cp "$work/$name.out" "$SCREENS/$name.expected"
    if [ $status -ne 0 ]; then
        report "$name (exit $status)" 1
        sed 's/^/# /' "$work/$name.err"
    elif ! diff -u "$SCREENS/$name.expected" "$work/$name.out" > "$work/$name.diff"; then
        report "$name: screen differs from $name.expected" 1
        sed 's/^/# /' "$work/$name.diff"
    else
        report "$name" 0
    fi
}

#   wait_for_line FILE PATTERN PID: wait until FILE holds PATTERN while PID
#   runs, 10 s at most; 0 once it does, 1 otherwise.
wait_for_line () {
    deadline=$(($(date +%s) + 10))
    until grep -q -e "$2" "$1" 2> /dev/null; do
        if ! kill -0 "$3" 2> /dev/null || [ "$(date +%s)" -ge "$deadline" ]; then
            grep -q -e "$2" "$1" 2> /dev/null
            return
        fi
        sleep 0.05          # pacing of the poll, not a wait for something
    done
}

#   until_screen SOCKET TARGET TEXT [SECONDS]: poll a tmux pane until it
#   shows TEXT, 20 s at most; on failure, show the screen as diagnostics.
until_screen () {
    deadline=$(($(date +%s) + ${4:-20}))
    while ! tmux -S "$1" capture-pane -p -t "$2" 2> /dev/null | grep -qF -- "$3"; do
        if [ "$(date +%s)" -ge "$deadline" ]; then
            tmux -S "$1" capture-pane -p -t "$2" 2> /dev/null | sed 's/^/# /'
            return 1
        fi
        sleep 0.1           # pacing of the poll, not a wait for something
    done
}

#   tap_end: the plan, and the exit status.
tap_end () {
    echo "1..$count"
    [ "$failed" -eq 0 ]
}
