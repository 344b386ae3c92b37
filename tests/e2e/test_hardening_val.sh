#!/bin/sh
#   Issue 15, the "val" items end to end against a real wbserver: a bad
#   directory file is refused at start (not UTF-8, not a regular file); a
#   flood of malformed messages is answered in full but logged a few lines a
#   second, then summed up; with -v, a client name holding a newline cannot
#   forge a log line. Prints TAP.
set -u
. "$(dirname "$0")/../lib/tap-lib.sh"
FLOOD=$builddir/tests/drivers/flood_driver
tap_require "$WBCTL" "$WBSERVER" "$FLOOD"
tap_workdir wbval
tap_details () {
    tap_command_details
    sed 's/^/#   log: /' "$work/server.log" 2> /dev/null | tail -20
}
stop () {
    kill "$server_pid"
    wait "$server_pid" 2> /dev/null
}

# ------------------------------------------------------------- directory file

bad=$srcdir/tests/data/directory/name-not-utf8.cfg
tap_run "$WBSERVER" -c "$bad" -d "$work/a.db" -e "$endpoint"
expect "a directory that is not UTF-8 is refused with its line" 1 '' \
    "$bad:18: not valid UTF-8"
tap_run timeout 10 "$WBSERVER" -c /dev/zero -d "$work/a.db" -e "$endpoint"
expect "-c /dev/zero is refused at once, not read without end" 1 '' \
    '/dev/zero:0: not a regular file'

# ------------------------------------------------------------- many owners

#   10,001 agents: more owners than one page of EventWorkbinTypesInfo holds
big=$work/big.cfg
awk 'BEGIN {
    print "tenant\n    id = 101\nplace\n    desk"
    print "agent"
    for (i = 0; i < 10001; i++) printf "    a%05d\n        place = desk\n", i
    print "workbintype\n    email-draft\n        owner = agent"
}' > "$big"
tap_start_server -c "$big"
tap_run "$WBCTL" -e "$endpoint" types
expect "wbctl types says the owners come in pages" 0 \
    '^email-draft: the first 10000 of 10001 owners$'
[ "$(grep -c ' a[0-9]\{5\} ' "$work/out")" -eq 10000 ]
report "and shows the first page, 10,000 owners" $?
stop

# ------------------------------------------------------------- malformed flood

tap_start_server
flood=2000
tap_run "$FLOOD" "$endpoint" $flood
expect "each of $flood malformed messages gets its reply" 0 "replies $flood"
elapsed=$(sed -n 's/^elapsed_ms //p' "$work/out")
#   5 lines a peer a second: at most 5 for each second the flood took, and
#   for the one it started in and the one it ended in
bound=$((5 * (${elapsed:-0} / 1000 + 2)))
wait_for_line "$work/server.log" 'more malformed message(s) from [0-9a-f]* suppressed' "$server_pid"
report "the rest is summed up in one line once the second is over" $?
lines=$(grep -c -e 'malformed message from' -e 'malformed message:' "$work/server.log")
[ "$lines" -le "$bound" ]
report "$lines lines for $flood malformed messages in $elapsed ms (at most $bound)" $?
tap_run "$WBCTL" -e "$endpoint" ping
expect "the server still answers" 0
stop

# ------------------------------------------------------------- -v log lines

: > "$work/server.log"
tap_start_server -v
forged='I: 99-01-01 00:00:00 forged line'
tap_run "$WBCTL" -e "$endpoint" -n "$(printf 'evil\n%s\033[2J' "$forged")" ping
expect "a client name with a newline registers" 0
wait_for_line "$work/server.log" 'ClientName=.evil' "$server_pid"
report "the name is logged" $?
! grep -q "^$forged" "$work/server.log"
report "it forges no log line" $?
grep -q 'evil\\nI: 99-01-01 00:00:00 forged line\\x1b\[2J' "$work/server.log"
report "its newline and escape are logged escaped" $?
stop

# ------------------------------------------------------------- submit retried

: > "$work/server.log"
tap_start_server
submit () {
    tap_run "$WBCTL" -e "$endpoint" -a agent01 submit email-draft@agent01 \
        --subject "once only" --from anna@example.com "$@"
}
submit --idempotency-key retry-1
expect "a submit with a key is made" 0 '^[0-9A-F]\{16\}$'
first=$(cat "$work/out")
submit --idempotency-key retry-1
expect "sent again with its key, it gets the same InteractionId" 0 "^$first\$"
tap_run "$WBCTL" -e "$endpoint" -a agent01 stats email-draft@agent01
expect "and the workbin holds it once" 0 ': 1 interaction, version 1,'
submit
expect "without a key, wbctl sends a new one: another interaction" 0 '^[0-9A-F]\{16\}$'
[ "$(cat "$work/out")" != "$first" ]
report "which is not the first" $?
stop

tap_end
