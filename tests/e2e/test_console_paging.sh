#!/bin/sh
#   A console opening a workbin of several pages asks for the next page
#   before it applies the one that came (the server reads it meanwhile);
#   when the workbin changes between pages, or the user fetches again, the
#   fetch starts again, and the pages asked for by the fetch given up must
#   change nothing. A console opens agent01's drafts (2,000 interactions:
#   4 pages) while another client keeps submitting there, and R is pressed
#   during the fetch; once the submitter is done, the pane holds exactly
#   what the server holds (no page applied twice, none missing). Prints TAP.
set -u
. "$(dirname "$0")/../lib/tap-lib.sh"
tap_require "$WBCTL" "$WBSERVER" "$WBCONSOLE"
tap_workdir wbpaging
tap_details () {
    tap_command_details
}
tap_start_server
export WB_ENDPOINT="$endpoint"

scenario () {
    i=0
    while [ $i -lt "$2" ]; do
        i=$((i + 1))
        echo "submit email-draft@agent01 \"$1 $i\" paging@example.com"
    done
}
first=2000
more=1500
scenario Before $first > "$work/before.scenario"
scenario During $more > "$work/during.scenario"
tap_run "$WBCTL" play "$work/before.scenario"
expect "$first interactions submitted before the console opens" 0

total=$((first + more))
#   the console starts once the second play is under way: its pages are
#   read while the workbin changes (how often it starts again depends on
#   the machine; the end state may not)
"$WBCTL" play "$work/during.scenario" > "$work/during.out" 2>&1 &
player=$!
tap_track $player
tap_run "$WBCTL" watch email-draft@agent01 --count 20 --timeout 30
expect "the second play is under way (20 changes seen)" 0
#   R (fetch again) pressed while a fetch is under way: the pages of the
#   fetch given up must change nothing
cat > "$work/console.script" <<SCRIPT
wait loading 500/
key R
key R
key R
key R
wait-limit 120
wait agent01  $total items
dump $work/screen.txt
wait-limit 30
key R
key R
wait agent01  $total items
key G
dump $work/again.txt
SCRIPT
tap_run timeout 180 env LC_ALL=C.UTF-8 "$WBCONSOLE" -a agent01 --open email-draft \
    --script "$work/console.script" --size 120x30
expect "the console's pane reaches $total items while the workbin changes under its fetch" 0
#   nothing more comes: the pane's count is the server's
wait $player
report "the second play ended well" $?
tap_run "$WBCTL" stats email-draft@agent01
expect "the server holds $total" 0 "$total"
grep -q "agent01  $total items" "$work/screen.txt"
report "the pane holds exactly the server's $total (no page twice, none missing)" $? \
    || sed -n '1,3p' "$work/screen.txt" | sed 's/^/# /'
#   R twice at once, nothing changing: the first fetch's pages come too
#   and are dropped; the pane is whole, in order, its last row the last
#   submitted
grep -q "agent01  $total items" "$work/again.txt" && ! grep -q "loading" "$work/again.txt" \
    && grep -q "During $more " "$work/again.txt"
report "fetched twice at once: the same $total, in order, the last one last" $? \
    || sed -n '1,3p;/During/p' "$work/again.txt" | sed 's/^/# /'
tap_end
