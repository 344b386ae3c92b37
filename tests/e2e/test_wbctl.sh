#!/bin/sh
#   End-to-end tests of wbctl against a private wbserver; prints TAP.
#
#   WB_SRCDIR (the source root) and WB_BUILDDIR (the build root) say where
#   things are; by default the source root is this script's parent folder
#   and the build root the current folder. The server runs on an ipc://
#   endpoint in a fresh folder, with its own database, and is stopped on
#   exit. Nothing here sleeps: every wait is for something to happen, with
#   a deadline.
#
#   Run: WB_SRCDIR=. WB_BUILDDIR=build sh tests/e2e/test_wbctl.sh

set -u

. "$(dirname "$0")/../lib/tap-lib.sh"
tap_require "$WBCTL" "$WBSERVER" "$CONFIG"
tap_workdir wbctl-test
background_pid=

# ---------------------------------------------------------------- TAP


#   After a failed check: the last command's exit status and output.
tap_details () {
    tap_command_details
}

#   ctl ARGUMENT...: run wbctl on the private server; rc, out and err.
ctl () {
    tap_run "$WBCTL" -e "$endpoint" "$@"
}

#   start_watch FILE ARGUMENT...: wbctl watch in the background, its
#   output in FILE; waits until its subscriptions are acknowledged.
start_watch () {
    file=$1
    shift
    "$WBCTL" -e "$endpoint" "$@" > "$file" 2> "$file.err" &
    background_pid=$!
    tap_track "$background_pid"
    wait_for_line "$file" "^EventAck RequestWorkbinNotifications" "$background_pid"
}

#   finish_watch: wait for the background watch; rc gets its status and
#   out/err its output, for expect.
finish_watch () {
    wait "$background_pid"
    rc=$?
    background_pid=
    cp "$file" "$work/out"
    cp "$file.err" "$work/err"
}

# ---------------------------------------------------------------- server

tap_start_server

# ---------------------------------------------------------------- usage

ctl --version
expect "--version prints the version" 0 '^wbctl [0-9]'

ctl --help
status=0
for command in types content stats subscribe cancel watch submit place pull in-hand change stop ping; do
    grep -q "^  $command" "$work/out" || status=1
done
for option in --endpoint --agent --place --tenant --json --timeout --from --count \
              --property-changes --subject --media --type --subtype --priority --set; do
    grep -q -e "$option" "$work/out" || status=1
done
[ "$rc" -eq 0 ] || status=1
report "--help lists every command and option" $status

#   man_commands: the commands doc/wbctl.1 lists, in its order;
#   man_options SECTION: the options it lists in SECTION, sorted;
#   help_section TITLE: the lines of the last output under "TITLE:"
man_commands () {
    awk '/^\.SH /{on = ($2 == "COMMANDS")}
         on && prev == ".TP" && /^\.BI? / {w = $2; gsub(/"/, "", w); if (w !~ /^\\/) print w}
         {prev = $0}' "$srcdir/doc/wbctl.1"
}
man_options () {
    awk -v section="$1" '/^\.SH /{on = ($2 == section)}
         on && prev == ".TP" {line = $0; gsub(/\\-/, "-", line)
                              if (match(line, /--[a-z-]+/)) print substr(line, RSTART, RLENGTH)}
         {prev = $0}' "$srcdir/doc/wbctl.1" | sort -u
}
help_section () {
    awk -v title="$1:" '$0 == title {on = 1; next} /^$/ {if (on) exit} on' "$work/out"
}
ctl --help
help_section Commands | awk '/^  [a-z]/ {print $1}' > "$work/help.commands"
man_commands > "$work/man.commands"
help_section "Command options" | awk '/^  --/ {print $1}' | sort -u > "$work/help.command-options"
man_options COMMANDS > "$work/man.command-options"
help_section Options | grep -o -e '--[a-z-]*' | sort -u > "$work/help.options"
man_options OPTIONS > "$work/man.options"
status=0
for list in commands command-options options; do
    [ -s "$work/help.$list" ] || status=1
    if ! diff "$work/help.$list" "$work/man.$list" > "$work/diff"; then
        sed "s/^/# $list: /" "$work/diff"
        status=1
    fi
done
report "doc/wbctl.1 lists the table's commands in its order, and the same options as --help" $status

usage_case () {
    description=$1
    shift
    ctl "$@"
    expect "usage error exits 2: $description" 2 '' "Try 'wbctl --help'"
}
usage_case "no command"
usage_case "unknown command" frobnicate
usage_case "unknown option" --frobnicate ping
usage_case "missing argument" content
usage_case "too many arguments" stop a b
usage_case "unknown command option" content email-draft --frobnicate
usage_case "bad number" content email-draft --count zero
usage_case "submit without --subject" submit email-draft@agent01 --from a@example.com
usage_case "change without KEY=VALUE form" change 0001 Priority
usage_case "bad --timeout" --timeout -1 ping

# ---------------------------------------------------------------- no server

start=$(date +%s)
"$WBCTL" -e "ipc://$work/nobody.ipc" --timeout 1 ping > "$work/out" 2> "$work/err"
rc=$?
elapsed=$(( $(date +%s) - start ))
status=0
[ "$elapsed" -le 3 ] || status=1
[ "$rc" -eq 3 ] && grep -q "no answer from ipc://$work/nobody.ipc within 1 s" "$work/err" || status=1
report "no server: exit 3 within the timeout" $status

# ---------------------------------------------------------------- the four phases

ctl ping
expect "ping: EventAck" 0 '^EventAck RequestPing$'

ctl -a agent01 content email-draft
expect "phase 1: agent01 gets the content of email-draft" 0 \
    '^email-draft@agent01: 0 interactions, version'

ctl -a agent01 content email-drafts
expect "phase 2: unknown workbin type: EventError 41" 1 '' '^EventError 41 '

ctl -a agent01 content email-draft@agent02
expect "phase 2: another agent's workbin: EventError 41" 1 '' '^EventError 41 '

ctl -a agent99 content email-draft
expect "phase 2: unknown agent: EventError 10" 1 '' '^EventError 10 '

ctl -a agent01 subscribe email-draft
expect "phase 3: subscribe: EventAck" 0 \
    '^EventAck RequestWorkbinNotifications email-draft@agent01 version [0-9]'

ctl -a agent01 cancel email-draft
expect "phase 4: cancel from a fresh process: EventError 1000" 1 '' '^EventError 1000 '

# ---------------------------------------------------------------- types

ctl -a agent01 types
status=0
grep -q '^email-draft@agent01 .* own ' "$work/out" || status=1
grep -q '^team-queue@sales .* group ' "$work/out" || status=1
grep -q 'agent02' "$work/out" && status=1
[ "$rc" -eq 0 ] || status=1
report "types: agent01 sees its own and its group's workbins, not agent02's" $status

ctl content email-draft
expect "a media server must name the owner of email-draft" 2 '' 'several owners'

# ---------------------------------------------------------------- submit, content

ctl submit email-draft@agent01 --subject "Refund request" --from client@example.com \
    --priority 2 --set Channel=web --set Order=1234
id=$(cat "$work/out")
status=0
[ "$(wc -l < "$work/out")" -eq 1 ] && [ -n "$id" ] || status=1
case $id in *" "*) status=1 ;; esac
[ "$rc" -eq 0 ] || status=1
report "submit prints the new InteractionId alone" $status

ctl -a agent01 content email-draft
expect "content shows the submitted interaction" 0 "^$id .*Refund request"
ctl -a agent01 content email-draft
expect "content header counts it" 0 '^email-draft@agent01: 1 interaction (showing 1-1), version'

ctl -a agent01 stats email-draft
expect "stats counts it" 0 '^email-draft@agent01: 1 interaction, version'

# ---------------------------------------------------------------- submit: one rule

submit_refused () {
    description=$1
    pattern=$2
    shift 2
    ctl submit email-draft@agent01 --subject "Never sent" --from a@example.com "$@"
    expect "submit refuses $description (exit 2)" 2 '' "$pattern"
}
submit_refused "a property only the server sets" 'InteractionId is set by the server' \
    --set InteractionId=0000000000000001
submit_refused "a server-only property, whatever its case of type" \
    'SubmittedAt is set by the server' --set SubmittedAt=2024-05-02T09:12:40Z
submit_refused "UserData as a KEY" 'UserData cannot be set' --set UserData=x
submit_refused "a property given twice" 'Subject is given twice' --set Subject=Again
submit_refused "a Priority that is not an integer" "Priority takes an integer, not 'high'" \
    --set Priority=high
ctl --json content email-draft@agent01
! grep -q "Never sent" "$work/out"
report "a refused submit sends nothing" $?

ctl submit email-draft@agent01 --subject 1234 --from rule@example.com --personal "Rule Maker" \
    --set Mailbox=sales@example.com --set Priority=3 --set Channel=web --set Code=0042
ruled=$(cat "$work/out")
if command -v python3 > /dev/null 2>&1; then
    ctl --json content email-draft@agent01
    python3 -c '
import json, sys
page = json.loads(sys.stdin.readline())
found = [i for i in page["Interactions"] if i["InteractionId"] == sys.argv[1]]
assert len(found) == 1, page
one = found[0]
assert one["Subject"] == "1234" and one["FromPersonal"] == "Rule Maker", one
assert one["Mailbox"] == "sales@example.com" and one["Priority"] == 3, one
assert one["UserData"] == {"Channel": "web", "Code": "0042"}, one
assert one["ReceivedAt"] == one["SubmittedAt"], one
' "$ruled" < "$work/out" 2> "$work/python.err"
    python_rc=$?
    cat "$work/python.err" >> "$work/err"
    [ "$rc" -eq 0 ] && [ "$python_rc" -eq 0 ]
    report "submit --set: RequestSubmit's properties typed in the body, others in UserData, ReceivedAt the server's" $?
else
    skip "submit --set: RequestSubmit's properties typed in the body, others in UserData" "no python3"
fi
ctl stop "$ruled"

# ---------------------------------------------------------------- watch

if start_watch "$work/watch.out" -a agent01 watch email-draft --count 1 --timeout 10; then
    ctl submit email-draft@agent01 --subject "Watched" --from watcher@example.com
    watched=$(cat "$work/out")
    finish_watch
    expect "watch sees the PlacedIn of a submit" 0 \
        "^PlacedIn email-draft@agent01 version [0-9]* $watched \"Watched\" by wbctl (Create)"
else
    finish_watch
    report "watch sees the PlacedIn of a submit (no subscription EventAck)" 1
fi

if start_watch "$work/watch2.out" -a agent01 watch email-draft --property-changes \
        --count 1 --timeout 10; then
    ctl change "$watched" Priority=9
    finish_watch
    expect "watch --property-changes sees PropertiesChanged" 0 \
        "^PropertiesChanged email-draft@agent01 version [0-9]* $watched "
else
    finish_watch
    report "watch --property-changes sees PropertiesChanged (no subscription EventAck)" 1
fi

start=$(date +%s)
ctl -a agent01 watch email-draft --count 1 --timeout 1
elapsed=$(( $(date +%s) - start ))
[ "$elapsed" -le 4 ] || rc=99
expect "watch --count: a timeout before N changes exits 3" 3 '' 'watch: 0 of 1 changes'

ctl -a agent01 watch email-draft --timeout 1
expect "watch without --count: the timeout is a normal end" 0 '^EventAck'

if start_watch "$work/watch3.out" -a agent01 watch email-draft --timeout 30; then
    kill -TERM "$background_pid"
    finish_watch
    expect "watch ends cleanly on SIGTERM" 0 '^EventAck'
else
    finish_watch
    report "watch ends cleanly on SIGTERM (no subscription EventAck)" 1
fi

ctl -a agent01 ping
expect "the agent was logged out at exit: it can log in again" 0 '^EventAck RequestPing$'

# ---------------------------------------------------------------- JSON

if command -v python3 > /dev/null 2>&1; then
    ctl -a agent01 --json content email-draft
    python3 -c '
import json, sys
lines = [json.loads(line) for line in sys.stdin]
assert len(lines) == 1, lines
message = lines[0]
assert message["message"] == "EventWorkbinContent", message
assert isinstance(message["ReferenceId"], int)
assert isinstance(message["Interactions"], list)
ids = [interaction["InteractionId"] for interaction in message["Interactions"]]
assert sys.argv[1] in ids, ids
first = [i for i in message["Interactions"] if i["InteractionId"] == sys.argv[1]][0]
assert first["Priority"] == 2 and first["UserData"] == {"Channel": "web", "Order": 1234}, first
' "$id" < "$work/out" 2> "$work/python.err"
    python_rc=$?
    cat "$work/python.err" >> "$work/err"
    [ "$rc" -eq 0 ] && [ "$python_rc" -eq 0 ]
    report "--json content: one JSON object per line, typed values" $?

    ctl -a agent01 --json cancel email-draft
    python3 -c '
import json, sys
lines = [json.loads(line) for line in sys.stdin]
assert [m["message"] for m in lines] == ["EventError"], lines
assert lines[0]["ErrorCode"] == 1000, lines
' < "$work/out" 2> "$work/python.err"
    python_rc=$?
    cat "$work/python.err" >> "$work/err"
    [ "$rc" -eq 1 ] && [ "$python_rc" -eq 0 ]
    report "--json: an EventError is printed as JSON too, exit 1" $?
else
    skip "--json content: one JSON object per line, typed values" "no python3"
    skip "--json: an EventError is printed as JSON too, exit 1" "no python3"
fi

# ---------------------------------------------------------------- text width

subject="Zoë 日本語 🎉 ok"
ctl submit email-draft@agent01 --subject "$subject" --from "jörg@example.com"
wide=$(cat "$work/out")
ctl -a agent01 content email-draft
if command -v python3 > /dev/null 2>&1; then
    python3 -c '
import sys, unicodedata
def width(text):
    return sum(0 if unicodedata.combining(c) else
               2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()[1:]
columns = set()
for line in lines:
    columns.add(width(line[:line.rindex("  ") + 2]))
assert len(columns) == 1, (columns, lines)
' "$work/out" 2>> "$work/err"
    python_rc=$?
    [ "$rc" -eq 0 ] && [ "$python_rc" -eq 0 ] && grep -q "$wide .*$subject" "$work/out"
    report "content aligns accents, CJK and emoji by display width" $?
else
    skip "content aligns accents, CJK and emoji by display width" "no python3"
fi

# ---------------------------------------------------------------- place, pull, change, stop

ctl place "$id" team-queue@sales --set Note=moved
expect "place: EventAck" 0 "^EventAck RequestPlaceInWorkbin $id to team-queue@sales"
ctl -a agent01 content team-queue
expect "place: the interaction is in team-queue@sales" 0 "^$id "

ctl change "$id" Priority=7 Note=hello
expect "change: EventAck" 0 "^EventAck RequestChangeProperties $id"
ctl --json content team-queue@sales
status=0
grep -q '"Priority": 7' "$work/out" || status=1
grep -q '"Note": "hello"' "$work/out" || status=1
[ "$rc" -eq 0 ] || status=1
report "change: digits are sent as an int, other text as a string" $status

ctl -a agent01 pull "$id"
expect "pull: the interaction is handed over" 0 "^InteractionState  *Handling"
ctl -a agent01 pull "$id"
expect "pull again: EventError 89" 1 '' '^EventError 89 '

#   in hand: what an agent pulled, listed from any later connection, and
#   only by that agent
ctl -a agent01 in-hand
expect "in-hand: the pulled interaction is in agent01's hands" 0 "^$id .* Handling"
grep -q "^in hand: 1 interaction$" "$work/out"; report "in-hand: counts 1 interaction" $?
ctl -a agent02 in-hand
expect "in-hand: nothing in agent02's hands" 0 "^in hand: 0 interactions$"
other=$("$WBCTL" -e "$endpoint" -a agent01 submit email-draft --subject "Second in hand" --from h@example.com)
"$WBCTL" -e "$endpoint" -a agent01 pull "$other" > /dev/null
"$WBCTL" -e "$endpoint" -a agent01 place "$other" email-draft > /dev/null
ctl -a agent01 in-hand
status=0
grep -q "^in hand: 1 interaction$" "$work/out" || status=1
grep -q "^$other " "$work/out" && status=1
report "in-hand: an interaction placed back in a workbin leaves the hands" $status

ctl -a agent01 stop "$id"
expect "stop: EventAck" 0 "^EventAck RequestStopProcessing $id"
ctl stop "$id"
expect "stop again: EventError 43" 1 '' '^EventError 43 '
ctl -a agent01 in-hand
expect "in-hand: a stopped interaction leaves the hands" 0 "^in hand: 0 interactions$"

# ---------------------------------------------------------------- a closed pipe

#   A wbctl whose reader goes away (| head) still logs out before it ends,
#   so that its agent can log in again at once, not EventError 14 for the
#   30 s the server takes to expire a silent session; and it exits 0.
#   The content is larger than a pipe holds (500 rows of about 170 bytes:
#   wide subjects cut at 48 columns, some 85 KB against Linux's 64 KiB with
#   4 KiB pages), so that wbctl is still writing when head has gone,
#   whatever the timing.
subject="注文の確認と配送先住所の変更についてのお問い合わせ（至急）"
sender="a.very.long.sender.address.for.the.pipe.test@example.com"
number=0
while [ $number -lt 500 ]; do
    echo "submit email-draft@agent03 \"$subject\" $sender"
    number=$((number + 1))
done > "$work/many.scenario"
ctl play "$work/many.scenario"
expect "play submits 500 interactions into email-draft@agent03" 0

( "$WBCTL" -e "$endpoint" -a agent03 content email-draft 2> "$work/pipe.err"
  echo $? > "$work/pipe.rc" ) | head -c 100 > "$work/pipe.out"
ctl -a agent03 content email-draft
expect "content | head -c 100: wbctl logged out, the same agent gets the content at once" 0 \
    '^email-draft@agent03: 500 interactions (showing 1-500)'
status=0
[ "$(cat "$work/pipe.rc")" = 0 ] || status=1
[ "$(wc -c < "$work/pipe.out")" -eq 100 ] || status=1
[ -s "$work/pipe.err" ] && status=1
report "content | head -c 100: wbctl exits 0, silent, once head has its 100 bytes" $status

#   watch | head -n 1: head takes the EventAck line and goes; the change
#   that follows finds the pipe closed, and wbctl ends the watch.
( "$WBCTL" -e "$endpoint" -a agent03 watch email-draft 2> "$work/pwatch.err" &
  echo $! > "$work/pwatch.pid"
  wait $!
  echo $? > "$work/pwatch.rc" ) | head -n 1 > "$work/pwatch.out" &
wait_for_line "$work/pwatch.pid" . $!
tap_track "$(cat "$work/pwatch.pid")"
wait_for_line "$work/pwatch.out" '^EventAck RequestWorkbinNotifications' "$(cat "$work/pwatch.pid")"
#   one change, or another if it came before head had quite gone
deadline=$(($(date +%s) + 10))
changes=0
until [ -s "$work/pwatch.rc" ] || [ "$(date +%s)" -ge "$deadline" ]; do
    "$WBCTL" -e "$endpoint" submit email-draft@agent03 --subject "Change $changes" \
        --from pipe@example.com > /dev/null
    changes=$((changes + 1))
done
status=0
[ "$(cat "$work/pwatch.rc" 2> /dev/null)" = 0 ] || status=1
grep -q '^EventAck RequestWorkbinNotifications email-draft@agent03' "$work/pwatch.out" || status=1
[ -s "$work/pwatch.err" ] && status=1
report "watch | head -n 1: the watch ends at the first change after head has gone, status 0" $status
ctl -a agent03 content email-draft --count 1
expect "watch | head -n 1: wbctl logged out, the same agent gets the content at once" 0 \
    '^email-draft@agent03: 50[0-9] interactions'

# ---------------------------------------------------------------- end

tap_end
