#!/bin/sh
#   Screen tests: the real wbconsole, headless (--script), against a private
#   wbserver. Each tests/screen/NAME.script drives the console with keys and
#   waits for what must appear; its screen dumps are compared with
#   tests/screen/NAME.expected exactly, but for the temporary folder: the
#   wall clock is pinned, so dates, times, ages and ids are the same on
#   every day. Prints TAP.
#
#   WB_UPDATE_SCREENS=1 rewrites the .expected files from this run (review
#   the diff before committing them).

set -u
. "$(dirname "$0")/../lib/tap-lib.sh"
tap_require "$WBCTL" "$WBSERVER" "$WBCONSOLE"
tap_workdir wbscreen
export TZ=UTC
#   Every process of the test reads one pinned wall clock: noon on the day
#   after the sample's newest interaction (the scripts submit more).
tap_pin_clock 2026-11-25T12:00:00Z
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

sh "$work/start.sh" || { echo "Bail out! wbserver did not start"; cat "$work/server.log"; exit 1; }

#   The sample content every screen starts from.
for n in 1 2 3; do
    "$WBCTL" submit email-draft@agent01 --subject "Order $n — café 日本" --from "client$n@example.com" \
        --received "2026-11-2${n}T09:00:00Z" >/dev/null || exit 1
done
"$WBCTL" submit team-queue@sales --subject "Callback request" --from "lead@example.com" \
    --received "2026-11-20T08:00:00Z" >/dev/null || exit 1

#   agent04 holds an interaction pulled before its console starts (in-hand).
held=$("$WBCTL" -a agent04 submit email-draft --subject "Held since yesterday" \
    --from "dora@example.com" --received 2026-11-24T09:00:00Z) || exit 1
"$WBCTL" -a agent04 pull "$held" >/dev/null || exit 1
"$WBCTL" submit email-draft@agent04 --subject "Invoice copy" --from "ben@example.com" \
    --received 2026-11-24T11:00:00Z >/dev/null || exit 1

#   agent05's drafts, for triage: senders with names, priorities.
for item in "Delivery delayed|Zoe Martin|zoe@example.com|2|2026-11-21" \
            "Order 77 missing|Ben Okafor|ben@example.com|5|2026-11-23" \
            "Order 78 invoice|Ana Lima|ana@example.com|1|2026-11-22" \
            "Newsletter|news@example.com||0|2026-11-20"; do
    IFS='|' read -r subject name address priority day <<ITEM
$item
ITEM
    "$WBCTL" submit email-draft@agent05 --subject "$subject" --from "$address" \
        ${name:+--personal "$name"} --priority "$priority" --received "${day}T09:00:00Z" >/dev/null || exit 1
done

#   agent02's drafts, for marks and a bulk move: the id of the second is
#   kept, so that a script can stop it behind the console's back.
for n in 1 2 3 4; do
    "$WBCTL" submit email-draft@agent02 --subject "Quote $n" --from "buyer$n@example.com" \
        --received "2026-11-2${n}T10:00:00Z" > "$work/quote$n.id" || exit 1
done

tap_screen phase1-content -a agent01 --open email-draft --size 120x24
tap_screen phase2-error -a agent01 --open email-draft --size 120x24
tap_screen phase3-notify -a agent01 --open email-draft --size 120x24
tap_screen phase4-cancel -a agent01 --open email-draft --no-watch --size 120x24
tap_screen two-panes -a agent01 --open email-draft --open team-queue@sales --size 160x24
tap_screen resize -a agent01 --open email-draft --open team-queue@sales --size 160x30
tap_screen mono -a agent01 --open email-draft --theme mono --size 120x24
NO_COLOR=1 tap_screen no-color -a agent01 --open email-draft --size 120x24
tap_screen trace -a agent01 --open email-draft --size 160x30
tap_screen restart -a agent01 --open email-draft --size 120x24
tap_screen actions -a agent01 --open email-draft --size 120x30
tap_screen clock -a agent01 --open email-draft --size 120x24
tap_screen too-small -a agent01 --open email-draft --size 120x24
tap_screen in-hand -a agent04 --open email-draft --size 120x24
tap_screen triage -a agent05 --open email-draft --size 120x24
tap_screen mouse -a agent05 --open email-draft --size 120x24
tap_screen details-long -a agent06 --open email-draft --size 100x24
tap_screen bulk -a agent02 --open email-draft --size 120x24
tap_screen sidebar-sup -a sup01 --size 100x30
WB_SCREEN_LOCALE=C tap_screen c-locale -a agent01 --open email-draft --size 120x24

tap_end
