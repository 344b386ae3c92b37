#!/bin/sh
#   The pinned wall clock (--clock) end to end: what the server stamps and
#   the ids it gives read the pinned time, ReceivedAt too when a submit
#   (of wbctl or of a play) leaves it out; wbctl has no clock of its own;
#   a restart on a clock that stood still gives new ids, also after the
#   newest interaction was deleted; one server at a time on a database.
#   Prints TAP.
set -u
. "$(dirname "$0")/../lib/tap-lib.sh"
tap_require "$WBCTL" "$WBSERVER" "$WBCONSOLE"
tap_workdir wbclock
tap_details () {
    tap_command_details
}
ctl () {
    tap_run "$WBCTL" -e "$endpoint" "$@"
}

pinned=2028-02-29T23:59:59Z
#   the first id: the pinned time in microseconds, 16 hex digits
first_id=$(printf '%016X' $(($(date -u -d "2028-02-29 23:59:59" +%s) * 1000000)))

# ------------------------------------------------------------- usage

for program in "$WBSERVER -c $CONFIG" "$WBCONSOLE -a agent01"; do
    for bad in 2028-02-30T00:00:00Z "2028-02-29 23:59:59" yesterday; do
        tap_run $program --clock "$bad"
        name=${program%% *}
        expect "${name##*/}: --clock $bad is a usage error" 2 '' 'yyyy-MM-ddTHH:mm:ssZ'
    done
done

tap_run "$WBCTL" --clock 2028-02-29T23:00:00Z ping
expect "wbctl reads no clock: --clock is not one of its options" 2 '' "unrecognized option"

# ------------------------------------------------------------- stamps

tap_pin_clock "$pinned"
tap_start_server
grep -q "the wall clock is pinned at $pinned (--clock)" "$work/server.log"
report "the server logs that its clock is pinned" $?

ctl submit email-draft@agent01 --subject One --from a@example.com
expect "a submit is acknowledged with the first id of the pinned clock" 0 "^$first_id$"
ctl --json content email-draft@agent01
status=0
for stamp in "\"SubmittedAt\": \"$pinned\"" "\"PlacedInQueueAt\": \"$pinned\"" \
             "\"MovedToQueueAt\": \"$pinned\"" "\"ReceivedAt\": \"$pinned\""; do
    grep -q "$stamp" "$work/out" || { echo "# missing: $stamp"; status=1; }
done
report "server stamps read the pinned clock; a submit without --received gets the server's" $status

# ------------------------------------------------------------- restarts

#   restart: SIGKILL the server, wait until it is gone, start it again on
#   the same database and the same pinned clock
restart () {
    kill -9 "$server_pid"
    wait "$server_pid" 2> /dev/null
    tap_start_server
}

restart
ctl submit email-draft@agent01 --subject Two --from a@example.com
second_id=$(printf '%016X' $((0x$first_id + 1)))
expect "after a restart in the same pinned second, the next id is new" 0 "^$second_id$"
ctl -a agent01 content email-draft
status=0
grep -q "^$first_id " "$work/out" && grep -q "^$second_id " "$work/out" || status=1
report "both interactions are kept (the second did not replace the first)" $status

ctl -a agent01 stop "$second_id"
expect "the newest interaction is stopped (deleted)" 0 "^EventAck RequestStopProcessing $second_id"
restart
ctl submit email-draft@agent01 --subject Three --from a@example.com
third_id=$(printf '%016X' $((0x$first_id + 2)))
expect "after a restart, a deleted interaction's id is not given again" 0 "^$third_id$"

# ------------------------------------------------------------- play

printf 'submit email-draft@agent01 "Played" p@example.com\n' > "$work/received.scenario"
ctl --json play "$work/received.scenario"
played=$(sed -n 's/.*"InteractionId": "\([0-9A-F]*\)".*/\1/p' "$work/out")
ctl --json content email-draft@agent01
[ -n "$played" ] && grep -o "{[^{}]*\"InteractionId\": \"$played\"[^{}]*}" "$work/out" |
    grep -q "\"ReceivedAt\": \"$pinned\""
report "a play's submit without ReceivedAt gets the server's pinned clock too" $?

# ------------------------------------------------------------- one server

tap_run "$WBSERVER" -c "$CONFIG" -d "$work/store.db" -e "ipc://$work/second.ipc"
expect "a second server on the same database refuses to start" 1 '' 'another wbserver is using it'
ctl ping
expect "the first server still answers" 0

tap_end
