#!/bin/sh
#   Several wbserver nodes on one private PostgreSQL (issue 19, part 2;
#   tests/lib/wb-pg.sh; skipped without PostgreSQL unless CI is set).
#   Three nodes on ipc endpoints, each scene on a fresh schema:
#   (a) a watcher on node 1 sees every change made through nodes 2 and 3,
#       in version order, and its copy ends equal to the database;
#   (b) writers on all three nodes to the same workbins: every watcher
#       gapless;
#   (c) kill -9 of a node under load: every acknowledged change present
#       exactly once, watchers on the survivors gapless, the dead node's
#       agent logs in on a survivor within a second;
#   (d) the LISTEN connections terminated (pg_terminate_backend): no gap;
#   (e) PostgreSQL restarted: EventError 28 meanwhile, then all recovers;
#   (f) a node with another directory refuses to start;
#   (g) one interaction changed through several nodes at once: one wins,
#       without a deadlock between the nodes' group commits.
#   Prints TAP.
set -u
. "$(dirname "$0")/../lib/tap-lib.sh"
. "$(dirname "$0")/../lib/wb-pg.sh"
DRIVER=$builddir/tests/drivers/crash_driver
tap_require "$WBCTL" "$WBSERVER" "$DRIVER" "$builddir/tests/unit/test_wb_feed"
tap_workdir wbcluster
wb_pg_start
tap_details () {
    tap_command_details
}
PSQL="$WB_PG_BIN/psql -X -q -A -t -h $WB_PG_DIR -U wb -d postgres"

# ------------------------------------------------------------- helpers

#   node N: the endpoint of node N.
node () {
    echo "ipc://$work/node$1.ipc"
}

#   start_node N [CONFIG]: wbserver node N on the current schema, log in
#   $work/nodeN.log; its pid in $work/nodeN.pid; 0 once it answers.
start_node () {
    "$WBSERVER" -c "${2:-$CONFIG}" -e "$(node "$1")" --store "$store" \
        -l "$work/node$1.log" >> "$work/node$1.out" 2>&1 &
    server_pid=$!
    echo "$server_pid" > "$work/node$1.pid"
    tap_track "$server_pid"
    endpoint=$(node "$1")
    tap_server_ready
}

#   stop_node N: SIGTERM, and wait until it is gone.
stop_node () {
    pid=$(cat "$work/node$1.pid")
    kill "$pid" 2> /dev/null
    wait "$pid" 2> /dev/null
}

#   cluster SCHEMA: three nodes on a fresh schema (the old ones stopped).
cluster () {
    for n in 1 2 3; do
        [ -f "$work/node$n.pid" ] && stop_node $n
    done
    store="postgresql:$WB_PG_CONNINFO?schema=$1"
    for n in 1 2 3; do
        if ! start_node $n; then
            echo "Bail out! node $n on $store did not answer"
            sed 's/^/# /' "$work/node$n.out" "$work/node$n.log" 2> /dev/null
            exit 1
        fi
    done
}

#   watch NAME N WB...: a watcher on node N (a media server: it may see
#   every workbin), its lines in $work/NAME.watch; 0 once every
#   subscription is acknowledged.
watch () {
    name=$1 n=$2
    shift 2
    "$WBCTL" -e "$(node "$n")" watch "$@" --property-changes --timeout 120 \
        > "$work/$name.watch" \
        2> "$work/$name.watch.err" &
    echo $! > "$work/$name.watch.pid"
    tap_track $!
    for wb in "$@"; do
        wait_for_line "$work/$name.watch" "^EventAck RequestWorkbinNotifications $wb " $! \
            || return 1
    done
}

#   watched NAME WB VERSION: wait (20 s at most) until watcher NAME has
#   seen version VERSION of WB; 0 or 1.
watched () {
    deadline=$(($(date +%s) + 20))
    until grep -Eq "^(PlacedIn|TakenOut|PropertiesChanged) $2 version $3 " "$work/$1.watch"; do
        [ "$(date +%s)" -ge "$deadline" ] && return 1
        sleep 0.05          # pacing of the poll, not a wait for something
    done
}

#   gapless NAME WB LAST: watcher NAME saw WB's versions 1..LAST, each
#   once, in order.
gapless () {
    grep -E "^(PlacedIn|TakenOut|PropertiesChanged) $2 version " "$work/$1.watch" \
        | sed 's/.* version \([0-9]*\) .*/\1/' \
        > "$work/$1.versions"
    seq 1 "$3" | cmp -s - "$work/$1.versions"
}

#   end_watch NAME: stop watcher NAME.
end_watch () {
    pid=$(cat "$work/$1.watch.pid")
    kill "$pid" 2> /dev/null
    wait "$pid" 2> /dev/null
}

#   ctl N ARGUMENT...: wbctl on node N; rc, out and err.
ctl () {
    n=$1
    shift
    tap_run "$WBCTL" -e "$(node "$n")" "$@"
}

#   version WB: the workbin's version in the database.
version () {
    $PSQL -c "SELECT COALESCE (MAX (version), 0) FROM \"${store##*schema=}\".workbin
              WHERE type_id = '${1%@*}' AND owner_id = '${1#*@}'"
}

# ------------------------------------------------------------- the feed's own cases

#   its cases on the private server: others' changes in order, own ones
#   skipped, a gap filled before a local change, a failed group commit,
#   a new subscriber's catch-up, changes pruned unread reported lost
CMOCKA_MESSAGE_OUTPUT=TAP tap_run "$builddir/tests/unit/test_wb_feed"
plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$work/out")
[ "$rc" -eq 0 ] && [ "${plan:-0}" -gt 1 ] && [ "$(grep -c '^ok ' "$work/out")" -eq "$plan" ]
report "the change feed's own cases pass on the private server (${plan:-0} cases)" $?

# ------------------------------------------------------------- (a) one watcher

cluster scene_a
watch a 1 email-draft@agent01
report "(a) a watcher on node 1 is subscribed" $?
ids=
for i in 1 2 3 4; do
    ctl 2 submit email-draft@agent01 --subject "Via two $i" --from a@example.com
    ids="$ids $(cat "$work/out")"
    ctl 3 submit email-draft@agent01 --subject "Via three $i" --from a@example.com
    ids="$ids $(cat "$work/out")"
done
#   node 1 reads the page at version 8 (and keeps it: --page-cache); the
#   changes made through the others after it must show at its next read
ctl 1 content email-draft@agent01
grep -q ', version 8$' "$work/out"
report "(a) node 1 reads the workbin at version 8" $?
set -- $ids
ctl 3 change "$1" Subject=Renamed
ctl 2 change "$2" Subject=Renamed\ too
ctl 2 stop "$3"
ctl 3 pull "$4"
watched a email-draft@agent01 12
report "(a) it sees the twelve changes made through nodes 2 and 3" $?
gapless a email-draft@agent01 12
report "(a) in version order, each once: 1 to 12" $?
#   its copy: what was placed in and not taken out, with the last subject
awk '$2 == "email-draft@agent01" {
        id = $5; subject = $0; sub (/^[^"]*"/, "", subject); sub (/" by .*/, "", subject)
        if ($1 == "TakenOut") delete copy [id]; else copy [id] = subject
     } END { for (id in copy) print id, copy [id] }' "$work/a.watch" | sort > "$work/a.copy"
ctl 1 content email-draft@agent01
grep -q ', version 12$' "$work/out" \
    && awk 'NR > 2 { id = $1; $1 = ""; sub (/^ /, ""); print id, $0 }' "$work/out" \
       | sed 's/ *a@example.com *\(.*\) [0-9-]*T[0-9:]*Z .*/ \1/' | sed 's/ *$//' | sort \
       > "$work/a.db" \
    && cmp -s "$work/a.copy" "$work/a.db"
report "(a) its copy equals the database (content at version 12)" $?
[ $? -eq 0 ] || diff "$work/a.copy" "$work/a.db" | sed 's/^/# /'
end_watch a

# ------------------------------------------------------------- (b) writers everywhere

cluster scene_b
workbins="email-draft@agent01 email-draft@agent02 email-draft@agent03 email-draft@agent04"
status=0
for n in 1 2 3; do
    watch "b$n" $n $workbins || status=1
done
report "(b) a watcher on each node, on the four workbins" $status
drivers=
for n in 1 2 3; do
    "$DRIVER" stream "$(node $n)" "$n" 60 "$work/b.journal.$n" 2> "$work/b.driver.$n.err" &
    drivers="$drivers $!"
    tap_track $!
done
status=0
for pid in $drivers; do wait "$pid" || status=1; done
report "(b) a writer on each node streams 60 changes of every kind to the same workbins" $status
"$DRIVER" verify "$(node 1)" "$work"/b.journal.* > "$work/b.verify"
report "(b) every acknowledged change is there once; versions count every change" $?
status=0
for wb in $workbins; do
    last=$(version "$wb")
    for n in 1 2 3; do
        watched "b$n" "$wb" "$last" && gapless "b$n" "$wb" "$last" || {
            echo "# node $n, $wb: saw $(tr '\n' ' ' < "$work/b$n.versions"), last $last"
            status=1
        }
    done
done
report "(b) every watcher saw every workbin's versions 1 to its last, once, in order" $status
for n in 1 2 3; do end_watch "b$n"; done
! grep -q "EventError" "$work"/b?.watch
report "(b) no watcher lost its subscriptions" $?

# ------------------------------------------------------------- (c) kill -9 under load

cluster scene_c
status=0
for n in 1 2; do
    watch "c$n" $n $workbins || status=1
done
report "(c) a watcher on nodes 1 and 2, on the four workbins" $status
#   agent05 stays logged in on node 3 (a console that watches its drafts)
"$WBCTL" -e "$(node 3)" -a agent05 watch email-draft --timeout 120 > "$work/holder.out" 2>&1 &
holder=$!
tap_track $holder
wait_for_line "$work/holder.out" "^EventAck RequestWorkbinNotifications" $holder
report "(c) agent05 is logged in on node 3" $?
ctl 1 -a agent05 ping
expect "(c) agent05 is refused on node 1 while node 3 lives (EventError 14)" 1 '' \
    '^EventError 14 '
drivers=
for n in 1 2 3; do
    "$DRIVER" stream "$(node $n)" "$n" 100 "$work/c.journal.$n" "$work/c.done" \
        2> "$work/c.driver.$n.err" &
    drivers="$drivers $!"
    tap_track $!
done
#   acknowledged: the changes the writers' journals hold as acknowledged
acknowledged () {
    cat "$work"/c.journal.* 2> /dev/null | grep -c '^A'
}
deadline=$(($(date +%s) + 60))
until [ "$(acknowledged)" -ge 90 ] || [ "$(date +%s)" -ge "$deadline" ]; do
    sleep 0.05          # pacing of the poll, not a wait for something
done
[ "$(acknowledged)" -ge 90 ]
report "(c) 90 changes acknowledged before the kill" $?
kill -9 "$(cat "$work/node3.pid")"
killed=$(date +%s%N)
wait "$(cat "$work/node3.pid")" 2> /dev/null
ctl 1 -a agent05 ping
while [ "$rc" -ne 0 ] && [ $(($(date +%s%N) - killed)) -lt 5000000000 ]; do
    ctl 1 -a agent05 ping
done
took=$((($(date +%s%N) - killed) / 1000000))
[ "$rc" -eq 0 ] && [ "$took" -lt 1000 ]
report "(c) after kill -9 of node 3, agent05 logs in on node 1 within a second ($took ms)" $?
#   node 3 comes back on the same endpoint: its writer rides the kill out
start_node 3
report "(c) node 3 starts again" $?
touch "$work/c.done"
status=0
for pid in $drivers; do wait "$pid" || status=1; done
report "(c) the three writers reached their changes" $status
"$DRIVER" verify "$(node 1)" "$work"/c.journal.* > "$work/c.verify"
report "(c) every acknowledged change is there once; versions count every change" $?
grep '^#' "$work/c.verify"
status=0
for wb in $workbins; do
    last=$(version "$wb")
    for n in 1 2; do
        watched "c$n" "$wb" "$last" && gapless "c$n" "$wb" "$last" || {
            echo "# node $n, $wb: saw $(tr '\n' ' ' < "$work/c$n.versions"), last $last"
            status=1
        }
    done
done
report "(c) the watchers on the survivors saw every version, once, in order" $status
for n in 1 2; do end_watch "c$n"; done

# ------------------------------------------------------------- (f) another directory

sed 's/name = "Alice Martin"/name = "Alice Martin-Other"/' "$CONFIG" > "$work/other.cfg"
tap_run timeout 20 "$WBSERVER" -c "$work/other.cfg" -e "$(node 4)" --store "$store" \
    -l "$work/node4.log"
expect "(f) a node with another directory refuses to start, saying why" 1 '' \
    'directory (SHA-1 [0-9A-F]*) differs from the one the 3 running node(s) loaded'
ctl 2 -a agent06 ping
expect "(f) the site carries on" 0
#   a fourth node with a password in its conninfo (trust: not asked for)
store="postgresql:$WB_PG_CONNINFO password=hush?schema=scene_c"
start_node 4
report "(f) a fourth node with the same directory joins" $?
grep -q "password=\*\*\*" "$work/node4.log" && ! grep -q hush "$work/node4.log"
report "(f) its log shows the store URI with the password masked" $?
stop_node 4
store="postgresql:$WB_PG_CONNINFO?schema=scene_c"

# ------------------------------------------------------------- (g) one pull wins

#   thirty interactions, each pulled through the three nodes at once: a
#   change reads its interaction in its own transaction, locked, so the
#   second pull reads the first's result (EventError 89: in no workbin)
#   instead of pulling it again (before: 4 or 5 of 30 pulled twice). Each
#   wbctl waits a minute for its reply, so that a slow machine is not
#   read as a failed pull
for n in 1 2 3; do
    cat "$work/node$n.log" 2> /dev/null | wc -l > "$work/g.before.$n"
done
cluster scene_g
ids=
for i in $(seq 1 30); do
    ctl 1 submit email-draft@agent01 --subject "Race $i" --from g@example.com
    ids="$ids $(cat "$work/out")"
done
pids=
for id in $ids; do
    for n in 1 2 3; do
        ("$WBCTL" -e "$(node $n)" --timeout 60 pull "$id" > /dev/null 2>&1
         echo $? > "$work/g.$id.$n") &
        pids="$pids $!"
    done
done
wait $pids
twice=0
for id in $ids; do
    [ "$(cat "$work"/g."$id".* | grep -cx 0)" -eq 1 ] || twice=$((twice + 1))
done
[ "$twice" -eq 0 ] && [ "$(version email-draft@agent01)" -eq 60 ]
report "(g) each of 30 interactions pulled through three nodes at once is pulled once ($twice not)" $?

#   a group commit holding a pull waits for no other node's lock (it fails
#   that change at once, commits, and tries it alone): no deadlock, which
#   PostgreSQL finds only after a second (before: in 1 run of 4 or so)
for n in 1 2 3; do
    tail -n +$(($(cat "$work/g.before.$n") + 1)) "$work/node$n.log"
done > "$work/g.logs"
grep -q "schema=scene_g" "$work/g.logs" && ! grep "deadlock detected" "$work/g.logs"
report "(g) and no node's change was part of a deadlock" $?

# ------------------------------------------------------------- (d) LISTEN lost

cluster scene_d
watch d 1 email-draft@agent01
report "(d) a watcher on node 1" $?
terminate_feeds () {
    $PSQL -c "SELECT pg_terminate_backend (pid, 5000) FROM pg_stat_activity
              WHERE application_name = 'wbserver feed'" > /dev/null
}
for round in 1 2 3; do
    for i in 1 2 3 4 5; do
        ctl 2 submit email-draft@agent01 --subject "Round $round $i" --from d@example.com
    done
    terminate_feeds
done
for i in 1 2 3 4 5; do
    ctl 3 submit email-draft@agent01 --subject "After $i" --from d@example.com
done
grep -q "reconnecting, then reading what was missed" "$work/node1.log"
report "(d) node 1 saw its LISTEN connection terminated" $?
watched d email-draft@agent01 20 && gapless d email-draft@agent01 20
report "(d) the watcher still saw versions 1 to 20, once, in order" $?
! grep -q "EventError" "$work/d.watch" "$work/d.watch.err"
report "(d) and kept its subscription (no EventError 1001)" $?
end_watch d

# ------------------------------------------------------------- (e) PostgreSQL restarted

watch e 1 email-draft@agent01
report "(e) a watcher on node 1 (version 20)" $?
wb_pg_stop_fast
ctl 2 submit email-draft@agent01 --subject "While away" --from e@example.com
expect "(e) PostgreSQL stopped: a submit on node 2 is answered EventError 28" 1 '' \
    '^EventError 28 '
wb_pg_restart
report "(e) PostgreSQL is started again" $?
deadline=$(($(date +%s) + 10))
ctl 2 submit email-draft@agent01 --subject "Back" --from e@example.com
while [ "$rc" -ne 0 ] && [ "$(date +%s)" -lt "$deadline" ]; do
    sleep 0.1           # pacing of the retries, not a wait for something
    ctl 2 submit email-draft@agent01 --subject "Back" --from e@example.com
done
expect "(e) then submits on node 2 are acknowledged again" 0 '^[0-9A-F]\{16\}$'
ctl 3 submit email-draft@agent01 --subject "Back on three" --from e@example.com
expect "(e) and on node 3" 0 '^[0-9A-F]\{16\}$'
watched e email-draft@agent01 22 \
    && [ "$(grep -c '^PlacedIn email-draft@agent01 version ' "$work/e.watch")" -eq 2 ] \
    && grep -q ' version 21 .*"Back"' "$work/e.watch"
report "(e) the watcher on node 1 sees both, versions 21 and 22" $? \
    || sed 's/^/# /' "$work/e.watch" "$work/e.watch.err"
end_watch e

tap_end
