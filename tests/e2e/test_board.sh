#!/bin/sh
#   The board of a supervisor of 80 agents (the sample site,
#   doc/examples/site.cfg): screen tests (tests/screen/board*.script)
#   against a private wbserver, the clock pinned, compared exactly with
#   their .expected dumps as test_screen.sh does. Prints TAP.
#
#   WB_UPDATE_SCREENS=1 rewrites the .expected files from this run.
set -u
. "$(dirname "$0")/../lib/tap-lib.sh"
tap_require "$WBCTL" "$WBSERVER" "$WBCONSOLE"
tap_workdir wbboard
trap tap_cleanup EXIT
export TZ=UTC WB_ENDPOINT="$endpoint" WBCTL
tap_pin_clock 2026-11-25T12:00:00Z
CONFIG="$srcdir/doc/examples/site.cfg" tap_start_server

#   Some work for sup1's teams: team01 (a001-a020) and team02 (a021-a040).
for item in "email-draft@a001|Refund for order 88" "email-draft@a001|Invoice copy" \
            "email-inprogress@a002|Address change" "team-queue@team01|New contract" \
            "email-draft@a025|Payment failed"; do
    IFS='|' read -r workbin subject <<ITEM
$item
ITEM
    "$WBCTL" submit "$workbin" --subject "$subject" --from c@example.com >/dev/null || exit 1
done

tap_screen board -a sup1 --size 140x30
tap_end
