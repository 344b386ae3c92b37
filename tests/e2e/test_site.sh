#!/bin/sh
#   The sample site (doc/examples/site.cfg, site-day.scenario): make-site
#   writes exactly the files committed; the server loads the directory;
#   a supervisor sees its teams; the day, played at full speed, answers
#   every step and leaves every workbin as it found it (so --loop holds).
#   Prints TAP.
set -u
. "$(dirname "$0")/../lib/tap-lib.sh"
tap_require "$WBCTL" "$WBSERVER"
tap_workdir wbsite
trap tap_cleanup EXIT
export WB_ENDPOINT="$endpoint"
examples="$srcdir/doc/examples"

sh "$examples/make-site" "$work" > "$work/make.out" 2>&1
status=$?
cmp -s "$work/site.cfg" "$examples/site.cfg" && cmp -s "$work/site-day.scenario" "$examples/site-day.scenario" \
    && [ $status -eq 0 ]
report "make-site writes the files as committed" $?

CONFIG="$examples/site.cfg" tap_start_server
agents=$(grep -c '^    a[0-9][0-9][0-9]$' "$examples/site.cfg")
[ "$agents" -eq 200 ]; report "the site has 200 agents ($agents)" $?
"$WBCTL" -a sup1 types > "$work/types" 2>&1
drafts=$(grep -c '^email-draft@a[0-9]' "$work/types")
[ "$drafts" -eq 80 ]; report "sup1 sees the drafts of the 80 agents of its 4 teams ($drafts)" $?

"$WBCTL" play "$examples/site-day.scenario" --speed 1000 > "$work/play" 2>&1
status=$?
steps=$(grep -c ' => ' "$work/play")
[ $status -eq 0 ] && ! grep -q EventError "$work/play"
report "the day plays through, every step answered ($steps steps, exit $status)" $?
"$WBCTL" types > "$work/after" 2>&1
status=$?
listed=$(awk 'NR > 1' "$work/after" | wc -l)
left=$(awk 'NR > 1 && $NF != 0' "$work/after" | wc -l)
[ $status -eq 0 ] && [ "$listed" -ge 400 ] && [ "$left" -eq 0 ]
report "the day leaves every workbin empty, as it found them ($left of $listed not)" $?
[ $left -eq 0 ] || sed 's/^/# /' "$work/after" | head -20

tap_end
