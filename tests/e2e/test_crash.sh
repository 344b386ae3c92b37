#!/bin/sh
#   Durability: wbserver killed with SIGKILL at random moments while several
#   clients stream changes of every kind (submit, change properties, move
#   with properties, stop); each client reconnects and goes on. After the
#   last restart every acknowledged change is there exactly once, nothing
#   unacknowledged is half-applied, and every workbin's version counts
#   exactly the changes it went through. TAP.
#
#   CRASH_CHANGES   acknowledged changes to reach, all clients together (1500)
#   CRASH_KILLS     SIGKILLs of the server while they stream (3)
#   CRASH_CLIENTS   concurrent clients (3)
#   The soak run: CRASH_CHANGES=12000 CRASH_KILLS=8 CRASH_CLIENTS=4.
set -u
. "$(dirname "$0")/../lib/tap-lib.sh"
DRIVER=$builddir/tests/drivers/crash_driver
tap_require "$WBCTL" "$WBSERVER" "$DRIVER"
tap_workdir wbcrash
export WB_ENDPOINT="$endpoint"
changes=${CRASH_CHANGES:-1500}
kills=${CRASH_KILLS:-3}
clients=${CRASH_CLIENTS:-3}
started=$(date +%s)

#   acknowledged: how many changes the clients' journals hold as acknowledged.
acknowledged () {
    cat "$work"/journal.* 2>/dev/null | grep -c '^A'
}

#   random BELOW: a number from 0 to BELOW - 1.
random () {
    echo $(( $(od -An -N4 -tu4 /dev/urandom) % $1 ))
}

#   wait_acknowledged COUNT: until the clients have COUNT acknowledged
#   changes, 60 s at most, or until they have all stopped; 0 or 1.
wait_acknowledged () {
    deadline=$(($(date +%s) + 60))
    until [ "$(acknowledged)" -ge "$1" ]; do
        running=0
        for pid in $drivers; do kill -0 "$pid" 2>/dev/null && running=1; done
        if [ $running -eq 0 ] || [ "$(date +%s)" -ge $deadline ]; then
            return 1
        fi
        sleep 0.05          # pacing of the poll, not a wait for something
    done
}

tap_start_server --page-cap 10000
drivers=
for client in $(seq 1 "$clients"); do
    "$DRIVER" stream "$endpoint" "$client" $(( (changes + clients - 1) / clients )) \
        "$work/journal.$client" "$work/kills-done" 2> "$work/driver.$client.err" &
    drivers="$drivers $!"
    tap_track $!
done

#   Kill at a random point of each stretch of the stream (absolute counts,
#   so a fast machine cannot push them past the end), landing between a
#   commit and its EventAck now and then. The clients go on until the
#   kills are done ($work/kills-done), whatever the machine's speed.
stretch=$((changes / (kills + 1)))
killed=0
while [ $killed -lt "$kills" ]; do
    wait_acknowledged $(( (killed + 1) * stretch - $(random $((stretch / 2 + 1))) )) || break
    kill -9 "$server_pid"
    wait "$server_pid" 2>/dev/null
    killed=$((killed + 1))
    tap_start_server --page-cap 10000
done
touch "$work/kills-done"
[ $killed -eq "$kills" ]
report "the server was killed $killed times while $clients clients streamed changes" $?

status=0
for pid in $drivers; do wait "$pid" || status=1; done
report "every client reconnected after each kill and reached its changes" $status
[ $status -eq 0 ] || sed 's/^/# /' "$work"/driver.*.err

#   One more kill after the stream, so the last changes are read back from
#   a store that was not closed cleanly either.
kill -9 "$server_pid"
wait "$server_pid" 2>/dev/null
tap_start_server --page-cap 10000
"$DRIVER" verify "$endpoint" "$work"/journal.* > "$work/verify.out"
status=$?
grep '^#' "$work/verify.out"
report "every acknowledged change is there once, nothing is half-applied, versions count every change" $status
total=$(sed -n 's/^acknowledged //p' "$work/verify.out")
[ "${total:-0}" -ge "$changes" ]
report "at least $changes changes were acknowledged (${total:-0})" $?

#   The store itself, read without the server: sound, and the same
#   versions the server reported.
if command -v sqlite3 > /dev/null; then
    [ "$(sqlite3 "$work/store.db" 'PRAGMA integrity_check')" = ok ]
    report "the store passes SQLite's integrity check" $?
    sqlite3 -separator ' ' "$work/store.db" \
        "SELECT 'version ' || type_id || '@' || owner_id, version FROM workbin ORDER BY owner_id" \
        > "$work/versions.db"
    grep '^version' "$work/verify.out" | diff - "$work/versions.db" > "$work/versions.diff"
    report "the store's workbin versions are the ones the server reports" $?
    sed 's/^/# /' "$work/versions.diff"
else
    skip "the store passes SQLite's integrity check" "no sqlite3"
    skip "the store's workbin versions are the ones the server reports" "no sqlite3"
fi
echo "# $clients clients, $killed kills, $(($(date +%s) - started)) s"
tap_end
