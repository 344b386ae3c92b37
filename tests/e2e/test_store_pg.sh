#!/bin/sh
#   The PostgreSQL store (issue 19, part 1), on a private PostgreSQL
#   (tests/lib/wb-pg.sh; skipped without PostgreSQL unless CI is set):
#   the store contract suite and the backend's own cases run on it; then
#   wbserver --store postgresql:... end to end: a submit, its content and
#   its notification; kill -9 and a restart keep every acknowledged
#   submit; PostgreSQL stopped under a running wbserver: a submit is
#   answered EventError 28 at once, the server carries on, and once
#   PostgreSQL is back, submits work again without a restart; changes
#   streamed while the server's connection is terminated and the server
#   killed are kept exactly once (the crash test's driver). Prints TAP.
set -u
. "$(dirname "$0")/../lib/tap-lib.sh"
. "$(dirname "$0")/../lib/wb-pg.sh"
tap_require "$WBCTL" "$WBSERVER" "$builddir/tests/drivers/crash_driver" \
    "$builddir/tests/unit/test_wb_store" \
    "$builddir/tests/unit/test_wb_store_pg"
tap_workdir wbstorepg
wb_pg_start
tap_details () {
    tap_command_details
}
CMOCKA_MESSAGE_OUTPUT=TAP
export CMOCKA_MESSAGE_OUTPUT

# ------------------------------------------------------------- the contract

#   unit PROGRAM: run a cmocka program; rc, out and err; passed gets the
#   number of its contract cases that passed on PostgreSQL.
unit () {
    tap_run "$@"
    passed=$(grep -c '^ok .* on postgresql:' "$work/out")
}

WB_STORE_TEST_URIS="postgresql:$WB_PG_CONNINFO?schema={name}"
export WB_STORE_TEST_URIS
unit "$builddir/tests/unit/test_wb_store"
[ "$rc" -eq 0 ] && [ "$passed" -ge 16 ] && ! grep -q SKIP "$work/out"
report "the store contract passes on PostgreSQL, a fresh schema per case ($passed cases)" $?
unit "$builddir/tests/unit/test_wb_store_pg"
plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$work/out")
[ "$rc" -eq 0 ] && [ "${plan:-0}" -gt 2 ] && [ "$(grep -c '^ok ' "$work/out")" -eq "$plan" ]
report "the PostgreSQL backend's own cases pass on the private server (${plan:-0} cases)" $?
unset WB_STORE_TEST_URIS

# ------------------------------------------------------------- wbserver on it

store="postgresql:$WB_PG_CONNINFO?schema=wbserver"

#   start: wbserver on the PostgreSQL store, log in $work/server.log; 0
#   once it answers.
start () {
    "$WBSERVER" -c "$CONFIG" -e "$endpoint" --store "$store" -l "$work/server.log" \
        >> "$work/server.out" 2>&1 &
    server_pid=$!
    tap_track "$server_pid"
    tap_server_ready
}

#   ctl ARGUMENT...: wbctl on the server; rc, out and err.
ctl () {
    tap_run "$WBCTL" -e "$endpoint" "$@"
}

#   submit SUBJECT: a submit to agent01's drafts; its id appended to
#   $work/acked if it was acknowledged.
submit () {
    ctl submit email-draft@agent01 --subject "$1" --from pg@example.com
    [ "$rc" -eq 0 ] && cat "$work/out" >> "$work/acked"
}

#   all_present: every acknowledged id is in the content, exactly once.
all_present () {
    ctl -a agent01 content email-draft --count 1000
    cp "$work/out" "$work/content"
    while read -r id; do
        [ "$(grep -c "^$id " "$work/content")" -eq 1 ] || return 1
    done < "$work/acked"
}

: > "$work/acked"
if ! start; then
    echo "Bail out! wbserver on $store did not answer"
    sed 's/^/# /' "$work/server.out" "$work/server.log" 2> /dev/null
    exit 1
fi
grep -q "(store postgresql:" "$work/server.log"
report "wbserver serves on --store postgresql:CONNINFO?schema=wbserver" $?

"$WBCTL" -e "$endpoint" -a agent01 watch email-draft --count 1 --timeout 10 \
    > "$work/watch.out" 2> "$work/watch.err" &
watch_pid=$!
tap_track "$watch_pid"
wait_for_line "$work/watch.out" "^EventAck RequestWorkbinNotifications" "$watch_pid"
report "a watcher's subscription is acknowledged" $?
submit "First on PostgreSQL"
expect "a submit is acknowledged with its id" 0 '^[0-9A-F]\{16\}$'
first=$(cat "$work/out")
wait "$watch_pid"
grep -q "^PlacedIn email-draft@agent01 version 1 $first \"First on PostgreSQL\"" \
    "$work/watch.out"
report "the watcher sees its PlacedIn, version 1" $?
ctl -a agent01 content email-draft
expect "the content holds it, at version 1" 0 "^$first .*First on PostgreSQL"

# ------------------------------------------------------------- kill -9

for index in 1 2 3 4 5 6 7 8 9 10; do
    submit "Before the crash $index"
done
[ "$(wc -l < "$work/acked")" -eq 11 ]
report "ten more submits are acknowledged" $?
kill -9 "$server_pid"
wait "$server_pid" 2> /dev/null
if start; then
    all_present
    report "after kill -9 and a restart, every acknowledged submit is there once" $?
    ctl -a agent01 stats email-draft
    expect "the count kept in the workbin's row is 11, at version 11" 0 \
        '^email-draft@agent01: 11 interactions, version 11'
else
    report "wbserver restarts on the same database after kill -9" 1
fi

# ------------------------------------------------------------- PostgreSQL away

if wb_pg_stop_fast; then
    report "PostgreSQL is stopped (pg_ctl stop -m fast) under the running wbserver" 0
else
    report "PostgreSQL is stopped (pg_ctl stop -m fast) under the running wbserver" 1
fi
submit "While the database is away"
expect "a submit is answered EventError 28, not a hang" 1 '' '^EventError 28 '
submit "Again while the database is away"
expect "and so is the next one" 1 '' '^EventError 28 '
ctl -a agent01 types
expect "the workbin types are answered EventError 28, not counts of 0" 1 '' '^EventError 28 '
ctl -a agent01 content email-draft
expect "so is a content request" 1 '' '^EventError 28 '
kill -0 "$server_pid"
report "wbserver carries on" $?
ctl ping
expect "and answers a ping" 0

wb_pg_restart
report "PostgreSQL is started again" $?
#   the server reconnects at its next operation, after its backoff: the
#   submits are tried until one is acknowledged, 10 s at most
deadline=$(($(date +%s) + 10))
submit "After the database came back"
while [ "$rc" -ne 0 ] && [ "$(date +%s)" -lt "$deadline" ]; do
    sleep 0.1           # pacing of the retries, not a wait for something
    submit "After the database came back"
done
expect "a submit is acknowledged again, without restarting wbserver" 0 '^[0-9A-F]\{16\}$'
grep -q "connected to PostgreSQL again" "$work/server.log"
report "the server's log says it reconnected" $?
all_present
report "every acknowledged submit is there once; none of the refused ones" $?
! grep -q "While the database is away" "$work/content"
report "the submits answered EventError 28 were not kept" $?

# ------------------------------------------------------------- exactly once

#   The crash test's driver (see test_crash.sh) on a fresh schema: three
#   clients stream changes of every kind while the server's connection to
#   PostgreSQL is terminated (pg_terminate_backend) four times and the
#   server killed -9 once; then every acknowledged change is there once,
#   every one answered EventError nowhere, half of none, and each
#   workbin's version counts its changes.
DRIVER=$builddir/tests/drivers/crash_driver
kill "$server_pid"
wait "$server_pid" 2> /dev/null
store="postgresql:$WB_PG_CONNINFO?schema=crash"
if ! start; then
    echo "Bail out! wbserver on $store did not answer"
    exit 1
fi

#   terminate: end the server's database connections, as an administrator
#   (or a failover) would.
terminate () {
    "$WB_PG_BIN/psql" -X -q -h "$WB_PG_DIR" -U wb -d postgres -c "SELECT pg_terminate_backend
        (pid, 5000) FROM pg_stat_activity WHERE application_name = 'wbserver'" > /dev/null
}

#   acknowledged: the changes the clients' journals hold as acknowledged.
acknowledged () {
    cat "$work"/journal.* 2> /dev/null | grep -c '^A'
}

#   losses: how often the server has logged its connection lost.
losses () {
    grep -c "connection to PostgreSQL is lost" "$work/server.log"
}

#   wait_for COMMAND COUNT: until COMMAND prints COUNT or more, while the
#   clients run, 60 s at most; 0 or 1.
wait_for () {
    deadline=$(($(date +%s) + 60))
    until [ "$($1)" -ge "$2" ]; do
        running=0
        for pid in $drivers; do kill -0 "$pid" 2> /dev/null && running=1; done
        if [ $running -eq 0 ] || [ "$(date +%s)" -ge "$deadline" ]; then
            return 1
        fi
        sleep 0.05          # pacing of the poll, not a wait for something
    done
}

drivers=
for client in 1 2 3; do
    "$DRIVER" stream "$endpoint" "$client" 200 "$work/journal.$client" "$work/crash-done" \
        2> "$work/driver.$client.err" &
    drivers="$drivers $!"
    tap_track $!
done
#   each disruption after 50 more acknowledged changes; each termination
#   until the server has seen it (at its next statement) and logged it
steps=0
for step in 1 2 3 4 5; do
    wait_for acknowledged $(($(acknowledged) + 50)) || break
    if [ "$step" -eq 3 ]; then
        kill -9 "$server_pid"
        wait "$server_pid" 2> /dev/null
        start || break
    else
        lost=$(losses)
        terminate && wait_for losses $((lost + 1)) || break
    fi
    steps=$step
done
touch "$work/crash-done"
[ "$steps" -eq 5 ]
report "four connections terminated (each seen by the server) and one kill -9 while 3 clients streamed changes" $?
status=0
for pid in $drivers; do wait "$pid" || status=1; done
report "every client reached its changes" $status
[ $status -eq 0 ] || sed 's/^/# /' "$work"/driver.*.err
"$DRIVER" verify "$endpoint" "$work"/journal.* > "$work/verify.out"
status=$?
grep '^#' "$work/verify.out"
report "every acknowledged change is there once, none refused is, versions count every change" \
    $status
echo "# $(cat "$work"/journal.* | grep -c '^E') changes answered EventError," \
     "$(cat "$work"/journal.* | grep -c '^U') unanswered"

tap_end
