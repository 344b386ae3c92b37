#!/bin/sh
#   phase-diagrams.sh BUILDDIR SRCDIR OUTDIR: draw the four phases of the
#   reference as sequence diagrams, OUTDIR/phaseN-NAME.svg and .mmd, from
#   the scenarios shipped in SRCDIR/doc/examples (`make phase-diagrams`
#   writes them into doc/; tests/e2e/test_phase_diagrams.sh into a
#   temporary folder, and compares).
#
#   For each format, a private wbserver (BUILDDIR/src/wbserver) with the
#   sample directory, a new store and its clock pinned, on an ipc endpoint
#   in a temporary folder, and wbctl play --trace of the four phases in
#   order, with the same clock: the same InteractionIds, versions and times
#   on every run, so the files come out the same byte for byte.
#   The folder and the server go when the script ends. Exit 0, or 1 after
#   saying what failed.

set -u
[ $# -eq 3 ] || { echo "usage: phase-diagrams.sh BUILDDIR SRCDIR OUTDIR" >&2; exit 2; }
WBSERVER=$1/src/wbserver
WBCTL=$1/src/wbctl
EXAMPLES=$2/doc/examples
OUT=$3
CLOCK=2026-03-02T09:00:00Z
SPEED=${PHASE_SPEED:-1000}   # the waits hardly matter: each step's events are read before the next (wbctl_play_settle)
PHASES="phase1-get-content phase2-fail-to-get-content phase3-request-notification
        phase4-cancel-notification"

work=$(mktemp -d "${TMPDIR:-/tmp}/phase-diagrams.XXXXXX") || exit 1
server_pid=
stop_server () {
    [ -n "$server_pid" ] && kill "$server_pid" 2> /dev/null && wait "$server_pid" 2> /dev/null
    server_pid=
}
trap 'stop_server; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

#   A new server on a new store, answering within 10 s.
start_server () {
    rm -rf "$work/server" && mkdir "$work/server" || return 1
    endpoint="ipc://$work/server/server.ipc"
    "$WBSERVER" -c "$EXAMPLES/sample.cfg" -d "$work/server/store.db" -e "$endpoint" \
        -l "$work/server/server.log" --clock "$CLOCK" > "$work/server/server.out" 2>&1 &
    server_pid=$!
    deadline=$(($(date +%s) + 10))
    until "$WBCTL" -e "$endpoint" --timeout 1 ping > /dev/null 2>&1; do
        if [ "$(date +%s)" -ge "$deadline" ] || ! kill -0 "$server_pid" 2> /dev/null; then
            echo "phase-diagrams: wbserver did not answer on $endpoint" >&2
            cat "$work/server/server.out" >&2
            return 1
        fi
    done
}

mkdir -p "$OUT" || exit 1
for format in svg mmd; do
    start_server || exit 1
    for phase in $PHASES; do
        if ! "$WBCTL" -e "$endpoint" play --speed "$SPEED" --clock "$CLOCK" \
                --trace "$OUT/$phase.$format" "$EXAMPLES/$phase.scenario" > "$work/play.out" 2>&1
        then
            echo "phase-diagrams: the play of $phase failed:" >&2
            cat "$work/play.out" >&2
            exit 1
        fi
    done
    stop_server
done
