#!/bin/sh
#   Durability: wbserver killed with SIGKILL while a client submits; after
#   a restart every acknowledged interaction is there, exactly once. TAP.
set -u
srcdir=${WB_SRCDIR:-$(dirname "$0")/..}
builddir=${WB_BUILDDIR:-.}
WBCTL=$builddir/src/wbctl
WBSERVER=$builddir/src/wbserver
work=$(mktemp -d "${TMPDIR:-/tmp}/wbcrash.XXXXXX") || exit 1
export WB_ENDPOINT="ipc://$work/server.ipc"
cleanup () {
    [ -n "${writer:-}" ] && kill "$writer" 2>/dev/null
    [ -n "${server:-}" ] && kill -9 "$server" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
count=0
failed=0
report () {
    count=$((count + 1))
    if [ "$2" -eq 0 ]; then echo "ok $count - $1"; else failed=$((failed + 1)); echo "not ok $count - $1"; fi
}

start_server () {
    "$WBSERVER" -c "$srcdir/doc/examples/sample.cfg" -d "$work/store.db" -e "$WB_ENDPOINT" \
        --page-cap 10000 -l "$work/server.log" &
    server=$!
    deadline=$(($(date +%s) + 10))
    until "$WBCTL" --timeout 1 ping >/dev/null 2>&1; do
        [ "$(date +%s)" -ge $deadline ] && return 1
    done
}

#   The writer records each InteractionId once its EventAck has arrived,
#   and kills the server in the middle of its stream, after 100 of them.
writer_loop () {
    acknowledged=0
    while id=$("$WBCTL" --timeout 2 submit email-draft@agent01 --subject crash --from c@example.com 2>/dev/null); do
        echo "$id" >> "$work/acked"
        acknowledged=$((acknowledged + 1))
        [ $acknowledged -eq 100 ] && kill -9 "$server"
    done
}

for round in 1 2 3; do
    start_server; report "round $round: the server starts on the store" $?
    writer_loop
    wait "$server" 2>/dev/null
done

start_server
"$WBCTL" --json content email-draft@agent01 --count 10000 > "$work/content.json"
report "the content can be read after the last kill" $?
python3 - "$work/acked" "$work/content.json" <<'PY'
import json, sys
acked = [line.strip() for line in open(sys.argv[1]) if line.strip()]
stored = []
for line in open(sys.argv[2]):
    message = json.loads(line)
    if message.get("message") == "EventWorkbinContent":
        stored += [i["InteractionId"] for i in message["Interactions"]]
missing = set(acked) - set(stored)
duplicated = len(stored) - len(set(stored))
print("# acknowledged %d, stored %d, missing %d, duplicated %d" % (len(acked), len(stored), len(missing), duplicated))
sys.exit(1 if missing or duplicated or len(acked) < 300 else 0)
PY
report "every acknowledged change survived 3 kills, none twice" $?
echo "1..$count"
[ $failed -eq 0 ]
