#!/bin/sh
#   Durability: wbserver killed with SIGKILL while a client submits; after
#   a restart every acknowledged interaction is there, exactly once. TAP.
set -u
. "$(dirname "$0")/tap-lib.sh"
tap_require "$WBCTL" "$WBSERVER"
tap_workdir wbcrash
export WB_ENDPOINT="$endpoint"

#   The writer records each InteractionId once its EventAck has arrived,
#   and kills the server in the middle of its stream, after 100 of them.
writer_loop () {
    acknowledged=0
    while id=$("$WBCTL" --timeout 2 submit email-draft@agent01 --subject crash --from c@example.com 2>/dev/null); do
        echo "$id" >> "$work/acked"
        acknowledged=$((acknowledged + 1))
        [ $acknowledged -eq 100 ] && kill -9 "$server_pid"
    done
}

for round in 1 2 3; do
    tap_start_server --page-cap 10000
    report "round $round: the server starts on the store" 0
    writer_loop
    wait "$server_pid" 2>/dev/null
done

tap_start_server --page-cap 10000
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
tap_end
