#!/bin/sh
#   End-to-end tests of wbctl play against a private wbserver; prints TAP.
#
#   Plays every scenario shipped in doc/examples (fast, with --speed), and
#   scenarios written here for the failures: bad lines (exit 2, nothing
#   sent), an EventError no expect covers (exit 1), --loop stopped by a
#   signal (exit 0).
#
#   WB_SRCDIR (the source root) and WB_BUILDDIR (the build root) say where
#   things are; by default the source root is this script's parent folder
#   and the build root the current folder. The server runs on an ipc://
#   endpoint in a fresh folder, with its own database, and is stopped on
#   exit. Nothing here sleeps: every wait is for something to happen, with
#   a deadline.
#
#   Run: WB_SRCDIR=. WB_BUILDDIR=build sh tests/e2e/test_play.sh

set -u

. "$(dirname "$0")/../lib/tap-lib.sh"
tap_require "$WBCTL" "$WBSERVER" "$CONFIG"
tap_workdir wbctl-play-test
SPEED=1000
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

#   play FILE ARGUMENT...: wbctl play, fast unless told otherwise.
play () {
    ctl play --speed "$SPEED" "$@"
}

#   holds PATTERN...: the last output holds each pattern (grep); 0 or 1.
holds () {
    for pattern in "$@"; do
        grep -q -e "$pattern" "$work/out" || return 1
    done
}

#   reports_every_step FILE: the last output has one line per step of FILE
#   that sends a request, starting with its line number; 0 or 1.
reports_every_step () {
    steps=$(grep -n -E '^[[:space:]]*(as|submit|place|pull|change|stop|content|subscribe|cancel)[[:space:]]' "$1" | cut -d: -f1)
    [ -n "$steps" ] || return 1
    for line in $steps; do
        grep -q -E "^ *$line  " "$work/out" || return 1
    done
    [ "$(grep -c -E '^ *[0-9]+  .*  =>  ' "$work/out")" -eq "$(echo "$steps" | wc -l)" ]
}

#   scenario NAME: write standard input to a scenario file in the work
#   folder and print its path.
scenario () {
    cat > "$work/$1.scenario"
    echo "$work/$1.scenario"
}

#   start_background FILE PATTERN COMMAND...: run COMMAND in the background,
#   its output in FILE, and wait until FILE holds PATTERN.
start_background () {
    background_file=$1
    pattern=$2
    shift 2
    "$@" > "$background_file" 2> "$background_file.err" &
    background_pid=$!
    tap_track "$background_pid"
    wait_for_line "$background_file" "$pattern" "$background_pid"
}

#   finish_background: wait for the background command; rc gets its status
#   and out/err its output, for expect.
finish_background () {
    wait "$background_pid"
    rc=$?
    background_pid=
    cp "$background_file" "$work/out"
    cp "$background_file.err" "$work/err"
}

# ---------------------------------------------------------------- server

tap_start_server

# ---------------------------------------------------------------- usage

ctl --help
expect "--help lists play and its options" 0 '^  play FILE \[--speed X\] \[--loop\]'

ctl play
expect "play without FILE: exit 2" 2 '' "missing arguments"

ctl play "$work/nowhere.scenario"
expect "play of a missing file: exit 2" 2 '' "cannot read $work/nowhere.scenario"

for speed in 0 -1 fast; do
    ctl play "$EXAMPLES/phase1-get-content.scenario" --speed "$speed"
    expect "--speed $speed: exit 2" 2 '' "invalid value for --speed: $speed"
done

# ---------------------------------------------------------------- shipped scenarios

file=$EXAMPLES/phase1-get-content.scenario
play "$file"
status=0
[ "$rc" -eq 0 ] && reports_every_step "$file" || status=1
holds '  submit email-draft@agent01 .* -> order  =>  [0-9A-F]*$' \
      '  as agent01  =>  EventAck$' \
      '  content email-draft  =>  EventWorkbinContent 2 interactions, version ' \
      '  stop \$order  =>  EventAck version ' || status=1
report "phase 1: agent01 gets the content of email-draft (2 interactions)" $status

file=$EXAMPLES/phase2-fail-to-get-content.scenario
play "$file"
status=0
[ "$rc" -eq 0 ] && reports_every_step "$file" || status=1
holds '  content email-drafts  =>  EventError 41 .*  (expected)$' \
      '  content email-draft@agent02  =>  EventError 41 .*  (expected)$' \
      '  content team-queue@marketing  =>  EventError 41 .*  (expected)$' \
      '  as agent99  =>  EventError 10 .*  (expected)$' || status=1
report "phase 2: unknown workbin, another agent's, unknown owner: 41; unknown agent: 10" $status

file=$EXAMPLES/phase3-request-notification.scenario
if start_background "$work/watch.out" "^EventAck RequestWorkbinNotifications" \
        "$WBCTL" -e "$endpoint" watch email-draft@agent01 --count 2 --timeout 10; then
    watch_pid=$background_pid
    watch_file=$background_file
    play "$file"
    status=0
    [ "$rc" -eq 0 ] && reports_every_step "$file" || status=1
    holds '  subscribe email-draft  =>  EventAck version [0-9]*$' \
          '  submit email-draft@agent01 .* -> reply  =>  [0-9A-F]*$' || status=1
    id=$(sed -n 's/.* -> reply  =>  //p' "$work/out")
    report "phase 3: agent01 subscribes (EventAck), the mail server submits" $status
    background_pid=$watch_pid
    background_file=$watch_file
    finish_background
    expect "phase 3: a watch in another process sees PlacedIn, then TakenOut" 0 \
        "^PlacedIn email-draft@agent01 version [0-9]* $id .* (Create)$"
    grep -q "^TakenOut email-draft@agent01 version [0-9]* $id .* by agent01 (Stop)$" \
        "$work/out"
    report "phase 3: ... and TakenOut by agent01" $?
else
    finish_background
    report "phase 3: the watch could not subscribe" 1
fi

file=$EXAMPLES/phase4-cancel-notification.scenario
play "$file"
status=0
[ "$rc" -eq 0 ] && reports_every_step "$file" || status=1
holds '  subscribe email-draft  =>  EventAck version ' \
      '  cancel email-draft  =>  EventAck$' \
      '  cancel email-draft  =>  EventError 1000 .*  (expected)$' \
      '  cancel email-draft@agent02  =>  EventError 41 .*  (expected)$' || status=1
report "phase 4: cancel: EventAck; cancel again: EventError 1000" $status

#   counts: the number of interactions in the workbins busy-day uses.
counts () {
    for workbin in team-queue@sales email-draft@agent01 email-inprogress@agent01 \
                   email-draft@agent03 email-inprogress@agent03; do
        "$WBCTL" -e "$endpoint" stats "$workbin" | cut -d, -f1
    done
}

file=$EXAMPLES/demo-start.scenario
play "$file"
status=0
[ "$rc" -eq 0 ] && reports_every_step "$file" || status=1
! grep -q -E '^[[:space:]]*as[[:space:]]' "$file" || status=1
report "demo-start: the starting content is submitted, by the media server only" $status

file=$EXAMPLES/busy-day.scenario
status=0
! grep -q -E '^[[:space:]]*as[[:space:]]+(agent01|sup01)[[:space:]]*$' "$file" || status=1
rc=0
report "busy-day logs in as neither agent01 nor sup01 (./demo's consoles)" $status

#   As in ./demo: agent01 and sup01 are logged in elsewhere while it plays
before=$(counts)
if start_background "$work/agent01.out" "^EventAck RequestWorkbinNotifications" \
        "$WBCTL" -e "$endpoint" -a agent01 watch email-draft --timeout 60; then
    agent01_pid=$background_pid
    agent01_file=$background_file
    start_background "$work/sup01.out" "^EventAck RequestWorkbinNotifications" \
        "$WBCTL" -e "$endpoint" -a sup01 watch team-queue@sales --timeout 60
    play "$file"
    status=0
    [ "$rc" -eq 0 ] && reports_every_step "$file" || status=1
    holds '^08:55  The mail server' \
          '  as agent03  =>  EventAck$' \
          '  pull \$mitsumori  =>  EventPulledInteractions ' \
          '会議室用テーブルの見積もり依頼' '🎉' 'Élodie' || status=1
    report "busy-day: every step answered, with agent01 and sup01 logged in elsewhere" $status
    kill -TERM "$background_pid"
    finish_background
    background_pid=$agent01_pid
    background_file=$agent01_file
    kill -TERM "$background_pid"
    finish_background
    expect "busy-day: agent01's console sees its drafts change" 0 \
        '^PlacedIn email-draft@agent01 version [0-9]* [0-9A-F]* "Rückfrage zur Lieferung'
else
    finish_background
    report "busy-day: agent01 could not subscribe" 1
fi
[ "$(counts)" = "$before" ]
report "busy-day leaves the workbins as it found them" $?

play "$file"
expect "busy-day plays again on the same server (it loops well)" 0 \
    '  stop \$devis  =>  EventAck'

# ---------------------------------------------------------------- failures

file=$(scenario bad <<'EOF'
# a bad scenario: nothing of it may be sent
submit team-queue@sales "Must not be sent" nobody@example.com
frobnicate now
wait soon
submit team-queue@sales "Open quote nobody@example.com

pull $nobody
change 0001 Priority
say fine
expect ok
content
EOF
)
play "$file"
status=0
[ "$rc" -eq 2 ] || status=1
for line in 3 4 5 7 8 10 11; do
    grep -q "^$file:$line: " "$work/err" || status=1
done
[ "$(wc -l < "$work/err")" -eq 7 ] && [ ! -s "$work/out" ] || status=1
report "bad lines: each reported as FILE:LINE:, exit 2" $status

ctl content team-queue@sales
status=0
[ "$rc" -eq 0 ] && ! grep -q "Must not be sent" "$work/out" || status=1
report "bad lines: nothing was sent, not even the good line above them" $status

file=$(scenario unexpected <<'EOF'
as agent01
content email-draft@agent02
say not reached
EOF
)
play "$file"
expect "an EventError no expect covers: exit 1" 1 \
    '  content email-draft@agent02  =>  EventError 41 ' "^$file:2: unexpected EventError 41 "
grep -q "not reached" "$work/out"
[ $? -ne 0 ]
report "an EventError no expect covers stops the play" $?

file=$(scenario mismatch <<'EOF'
as agent01
content email-draft
expect error 41
EOF
)
play "$file"
expect "expect error, but the step succeeded: exit 1" 1 \
    '  content email-draft  =>  EventWorkbinContent' "^$file:3: expected EventError 41, got "

file=$(scenario wrong-code <<'EOF'
as agent99
expect error 41
EOF
)
play "$file"
expect "expect error 41, but EventError 10 came: exit 1" 1 \
    '  as agent99  =>  EventError 10 ' "^$file:2: expected EventError 41, got EventError 10 "

file=$(scenario ambiguous <<'EOF'
content email-draft
EOF
)
play "$file"
expect "a workbin name the session cannot resolve: exit 2" 2 '' \
    "^$file:1: email-draft has several owners"

file=$(scenario unset <<'EOF'
submit email-drafts@agent01 "Never created" nobody@example.com -> ghost
expect error 41
stop $ghost
EOF
)
play "$file"
expect "a \$NAME whose submit failed: exit 2" 2 '' "^$file:3: \$ghost is not set"

# ---------------------------------------------------------------- submit: as wbctl's

file=$(scenario refused <<'EOF'
submit team-queue@sales "Never played" nobody@example.com InteractionId=0000000000000001
submit team-queue@sales "Never played" nobody@example.com Queue=elsewhere Channel=web
submit team-queue@sales "Never played" nobody@example.com Subject=Twice
submit team-queue@sales "Never played" nobody@example.com Priority=high
EOF
)
play "$file"
status=0
[ "$rc" -eq 2 ] && [ ! -s "$work/out" ] || status=1
for problem in "1: InteractionId is set by the server, not by submit" \
               "2: Queue is set by the server, not by submit" \
               "3: Subject is given twice" "4: Priority takes an integer, not 'high'"; do
    grep -q -x -F "$file:$problem" "$work/err" || { echo "# missing: $problem"; status=1; }
done
report "submit refuses what wbctl submit refuses (server-only properties), before sending" $status

ctl submit team-queue@sales --subject "Same body" --from same@example.com \
    --personal "Sam Body" --subtype InboundNew --priority 4 --set Mailbox=sales@example.com \
    --set Channel=web --set Order=1234 --set "Note=two words" --set Code=007
by_wbctl=$(cat "$work/out")
file=$(scenario same <<'EOF'
submit team-queue@sales "Same body" same@example.com FromPersonal="Sam Body" InteractionSubtype=InboundNew Priority=4 Mailbox=sales@example.com Channel=web Order=1234 Note="two words" Code=007 -> same
EOF
)
play "$file"
by_play=$(sed -n 's/.* -> same  =>  //p' "$work/out")
if command -v python3 > /dev/null 2>&1; then
    ctl --json content team-queue@sales
    python3 -c '
import json, sys
page = json.loads(sys.stdin.readline())
by_id = {i["InteractionId"]: i for i in page["Interactions"]}
wbctl, play = by_id[sys.argv[1]], by_id[sys.argv[2]]
for one in (wbctl, play):
    assert one["ReceivedAt"] == one["SubmittedAt"], one
    assert one["Mailbox"] == "sales@example.com" and one["Priority"] == 4, one
    assert one["UserData"] == {"Channel": "web", "Order": 1234, "Note": "two words",
                               "Code": "007"}, one
own = {"InteractionId", "ReceivedAt", "SubmittedAt", "PlacedInQueueAt", "MovedToQueueAt"}
same = lambda one: [(k, v) for k, v in one.items() if k not in own]
assert same(wbctl) == same(play), (wbctl, play)
' "$by_wbctl" "$by_play" < "$work/out" 2> "$work/python.err"
    python_rc=$?
    cat "$work/python.err" >> "$work/err"
    [ "$rc" -eq 0 ] && [ "$python_rc" -eq 0 ]
    report "a play's submit and wbctl submit with the same fields give the same interaction" $?
else
    skip "a play's submit and wbctl submit with the same fields give the same interaction" \
        "no python3"
fi
ctl stop "$by_wbctl"
ctl stop "$by_play"

# ---------------------------------------------------------------- sessions, speed, stdin

file=$(scenario sessions <<'EOF'
as agent01
subscribe email-draft
as media
submit email-draft@agent01 "Seen by agent01's session" anna@example.com Priority=4 Channel=web -> note
change $note Priority=5 Subject="Changed by the media server"
as agent01
cancel email-draft
expect ok
as agent03
content email-draft
stop $note
expect error 43
as agent01
stop $note
EOF
)
play "$file"
status=0
[ "$rc" -eq 0 ] && reports_every_step "$file" || status=1
holds '^   7  cancel email-draft  =>  EventAck$' \
      '^   6  as agent01  =>  session already open$' \
      '^  11  stop \$note  =>  EventError 43 .*  (expected)$' \
      '^  14  stop \$note  =>  EventAck version ' || status=1
report "sessions stay open per agent: agent01's subscription outlives 'as media'" $status

file=$(scenario slow <<'EOF'
wait 30
content team-queue@sales
EOF
)
start=$(date +%s)
play "$file"
elapsed=$(( $(date +%s) - start ))
[ "$elapsed" -le 5 ] || rc=99
expect "--speed divides the waits (wait 30 at --speed 1000)" 0 \
    '^   2  content team-queue@sales  =>  EventWorkbinContent '

printf 'as agent01\ncontent email-draft\n' > "$work/stdin.scenario"
"$WBCTL" -e "$endpoint" play - < "$work/stdin.scenario" > "$work/out" 2> "$work/err"
rc=$?
expect "play - reads standard input" 0 '^   2  content email-draft  =>  EventWorkbinContent '

# ---------------------------------------------------------------- --loop

file=$(scenario loop <<'EOF'
as agent01
submit email-draft "Round trip" loop@example.com -> item
stop $item
wait 0.05
EOF
)
if start_background "$work/loop.out" "^round 2$" \
        "$WBCTL" -e "$endpoint" play "$file" --loop; then
    wait_for_line "$work/loop.out" "^round 3$" "$background_pid"
    kill -TERM "$background_pid"
    finish_background
    status=0
    [ "$rc" -eq 0 ] && [ ! -s "$work/err" ] || status=1
    [ "$(grep -c '^   3  stop \$item  =>  EventAck' "$work/out")" -ge 2 ] || status=1
    report "--loop replays (names reset each round) until SIGTERM: exit 0" $status
else
    finish_background
    report "--loop: no second round" 1
fi

if env --default-signal=INT true 2>/dev/null; then
    if start_background "$work/loop2.out" "^round 2$" \
            env --default-signal=INT "$WBCTL" -e "$endpoint" play "$file" --loop; then
        kill -INT "$background_pid"
        finish_background
        expect "--loop ends cleanly on SIGINT (Ctrl-C): exit 0" 0 '^round 2$'
    else
        finish_background
        report "--loop ends cleanly on SIGINT (no second round)" 1
    fi
else
    skip "--loop ends cleanly on SIGINT (Ctrl-C): exit 0" "env has no --default-signal"
fi

ctl -a agent01 content email-draft
expect "the plays logged their agents out at exit: agent01 can log in" 0 \
    '^email-draft@agent01: [0-9]* interaction'

# ---------------------------------------------------------------- end

tap_end
