#!/bin/sh
#   A console left paused holds changes without end no more: past 10,000
#   held (WBC_HELD_MAX) the oldest is applied, never dropped. A console
#   (script mode) paused on agent01's drafts while 10,050 emails are
#   submitted there: it says 10,000 held, and once resumed the pane holds
#   every one. Prints TAP.
set -u
. "$(dirname "$0")/../lib/tap-lib.sh"
tap_require "$WBCTL" "$WBSERVER" "$WBCONSOLE"
tap_workdir wbheld
tap_details () {
    tap_command_details
}
tap_start_server
export WB_ENDPOINT="$endpoint"

held_max=10000
changes=10050
i=0
while [ $i -lt $changes ]; do
    i=$((i + 1))
    echo "submit email-draft@agent01 \"Held $i\" held@example.com"
done > "$work/many.scenario"

#   the play runs in the background: the console reads while it waits
cat > "$work/console.script" <<SCRIPT
wait ● live
wait 0 items
key P
wait live updates paused
run "$WBCTL" play "$work/many.scenario" > "$work/play.out" 2>&1 &
wait-limit 300
wait PAUSED, $held_max held
wait-limit 30
wait agent01  $((changes - held_max)) items
dump $work/paused.txt
key P
wait $changes items
dump $work/resumed.txt
SCRIPT
tap_run timeout 120 env LC_ALL=C.UTF-8 "$WBCONSOLE" -a agent01 --open email-draft \
    --script "$work/console.script" --size 120x30
expect "paused under $changes changes, the console holds $held_max and applies the rest (script passes)" 0
grep -q "PAUSED, $held_max held" "$work/paused.txt" \
    && grep -q "agent01  $((changes - held_max)) items" "$work/paused.txt"
report "while paused: $held_max held, the oldest $((changes - held_max)) already in the pane" $? \
    || sed -n '1,4p;$p' "$work/paused.txt" | sed 's/^/# /'
grep -q "$changes items" "$work/resumed.txt" && ! grep -q "PAUSED" "$work/resumed.txt"
report "resumed: all $changes in the pane, none lost" $?
#   a wait-limit out of range stops the script, naming the line
printf 'wait-limit 0\n' > "$work/bad.script"
tap_run env LC_ALL=C.UTF-8 "$WBCONSOLE" -a agent01 --script "$work/bad.script" --size 80x24
expect "wait-limit 0 is refused, naming the file and line" 3 '' \
    "bad.script:1: wait-limit 0: wants whole seconds, 1 to 3600"
tap_end
