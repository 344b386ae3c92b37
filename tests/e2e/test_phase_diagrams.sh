#!/bin/sh
#   The phase diagrams in doc/ are what the shipped scenarios draw: they are
#   drawn again (doc/phase-diagrams.sh, as make phase-diagrams does, against
#   a private wbserver with a pinned clock) into a temporary folder and
#   compared byte for byte. A difference means a scenario, the trace or the
#   exports changed: run make phase-diagrams and commit doc/phase*.
. "$(dirname "$0")/../lib/tap-lib.sh"
tap_require "$WBCTL" "$WBSERVER" "$CONFIG"
tap_workdir test_phase_diagrams

sh "$srcdir/doc/phase-diagrams.sh" "$builddir" "$srcdir" "$work/doc" > "$work/out" 2> "$work/err"
rc=$?
expect "the four phases are drawn again" 0
for phase in phase1-get-content phase2-fail-to-get-content phase3-request-notification \
             phase4-cancel-notification; do
    for format in svg mmd; do
        diff -u "$srcdir/doc/$phase.$format" "$work/doc/$phase.$format" > "$work/diff" 2>&1
        status=$?
        report "doc/$phase.$format is what the scenario draws" $status \
            || sed 's/^/#   /' "$work/diff" | head -40
    done
done
count_files=$(ls "$work/doc" | wc -l)
[ "$count_files" -eq 8 ]
report "nothing else is drawn" $?

tap_end
