#!/bin/sh
#   Screen tests: the real wbconsole, headless (--script), against a private
#   wbserver. Each tests/screen/NAME.script drives the console with keys and
#   waits for what must appear; its screen dumps are compared, after
#   masking what changes from run to run (ids, times, ages, the temporary
#   folder), with tests/screen/NAME.expected. Prints TAP.
#
#   WB_UPDATE_SCREENS=1 rewrites the .expected files from this run (review
#   the diff before committing them).

set -u
. "$(dirname "$0")/tap-lib.sh"
tap_require "$WBCTL" "$WBSERVER" "$WBCONSOLE"
tap_workdir wbscreen
screens=$srcdir/tests/screen
export TZ=UTC
export WB_TEST_DIR="$work" WB_ENDPOINT="$endpoint" WBCTL WBSERVER CONFIG
#   the server's pid is in a file: a screen script restarts it
stop_server () {
    [ -f "$work/server.pid" ] && kill "$(cat "$work/server.pid")" 2>/dev/null
    tap_cleanup
}
trap stop_server EXIT

#   The server is started and stopped by small scripts, so that a screen
#   script can restart it with 'run sh $WB_TEST_DIR/kill.sh'.
tap_server_scripts

#   Mask what differs between runs.
normalise () {
    sed -E -e "s|$work|<DIR>|g" \
           -e 's/[0-9A-F]{16}/<ID>/g' \
           -e 's/[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}/<DATE>/g' \
           -e 's/[0-9]{2}:[0-9]{2}:[0-9]{2}/<TIME>/g' \
           -e 's/fetched [^ │]* */fetched <AGE> /g' \
           -e 's/(^|[^[:alnum:]])(now|[0-9]+[smhdwy])( ago)?( |$)/\1<AGE>\4/g'
}

sh "$work/start.sh" || { echo "Bail out! wbserver did not start"; cat "$work/server.log"; exit 1; }

#   The sample content every screen starts from.
for n in 1 2 3; do
    "$WBCTL" submit email-draft@agent01 --subject "Order $n — café 日本" --from "client$n@example.com" \
        --received "2026-11-2${n}T09:00:00Z" >/dev/null || exit 1
done
"$WBCTL" submit team-queue@sales --subject "Callback request" --from "lead@example.com" \
    --received "2026-11-20T08:00:00Z" >/dev/null || exit 1

#   run NAME ARGS...: play tests/screen/NAME.script and compare its dumps.
run () {
    name=$1; shift
    script=$screens/$name.script
    LC_ALL=C.UTF-8 "$WBCONSOLE" -e "$endpoint" --script "$script" "$@" \
        > "$work/$name.raw" 2> "$work/$name.err"
    status=$?
    normalise < "$work/$name.raw" > "$work/$name.out"
    if [ "${WB_UPDATE_SCREENS:-}" = 1 ]; then
        cp "$work/$name.out" "$screens/$name.expected"
    fi
    if [ $status -ne 0 ]; then
        report "$name (exit $status)" 1
        sed 's/^/# /' "$work/$name.err"
    elif ! diff -u "$screens/$name.expected" "$work/$name.out" > "$work/$name.diff"; then
        report "$name: screen differs from $name.expected" 1
        sed 's/^/# /' "$work/$name.diff"
    else
        report "$name" 0
    fi
}

run phase1-content -a agent01 --open email-draft --size 120x24
run phase2-error -a agent01 --open email-draft --size 120x24
run phase3-notify -a agent01 --open email-draft --size 120x24
run phase4-cancel -a agent01 --open email-draft --no-watch --size 120x24
run two-panes -a agent01 --open email-draft --open team-queue@sales --size 160x24
run resize -a agent01 --open email-draft --open team-queue@sales --size 160x30
run mono -a agent01 --open email-draft --theme mono --size 120x24
NO_COLOR=1 run no-color -a agent01 --open email-draft --size 120x24
run trace -a agent01 --open email-draft --size 160x30
run restart -a agent01 --open email-draft --size 120x24
run actions -a agent01 --open email-draft --size 120x30

tap_end
