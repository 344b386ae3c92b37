#!/bin/sh
#   wbctl play --trace against a private wbserver; prints TAP.
#
#   A scenario with three sessions (agent01, the media server, agent02),
#   an event read while the play waits, an EventError and two says is
#   played with --trace to each format; each file is read back (by a small
#   reader here for every format, and by Mermaid's parser and PlantUML
#   when they are installed) into one line per arrow, KIND FROM TO NAME,
#   and compared with the sequence the scenario makes. Also: a bad --trace
#   or --clock stops the play before anything is sent (exit 2), a play that
#   fails still writes what happened, and a pinned clock gives the .txt
#   the scenario's times whatever --speed says.

set -u

. "$(dirname "$0")/../lib/tap-lib.sh"
tap_require "$WBCTL" "$WBSERVER" "$CONFIG"
tap_workdir wbctl-play-trace
MERMAID=$srcdir/tests/tools/mermaid
CLOCK=2026-01-05T09:00:00Z

tap_details () {
    tap_command_details
    [ -f "$work/diff" ] && sed 's/^/#   /' "$work/diff"
}

ctl () {
    tap_run "$WBCTL" -e "$endpoint" "$@"
}

cat > "$work/flow.scenario" <<'SCENARIO'
say Phase A: agent01 subscribes, the mail server delivers
as agent01
subscribe email-draft
as media
submit email-draft@agent01 "Hello; #1 <b>" anna@example.com -> one
wait 0.5
as agent02
content email-draft@agent01
expect error 41
say Phase B: agent01 finishes it
as agent01
stop $one
wait 0.5
SCENARIO

#   What the scenario makes, start-up chatter aside: one line per arrow or
#   mark (KIND FROM TO NAME; a mark: mark - - TEXT). The change events
#   reach agent01 while the play waits; TakenOut comes before the EventAck
#   of the stop that made it, on the same connection.
cat > "$work/expected" <<'EXPECTED'
mark - - Phase A: agent01 subscribes, the mail server delivers
request agent01 server RequestWorkbinNotifications
answer server agent01 EventAck
request media server RequestSubmit
answer server media EventAck
answer server agent01 EventWorkbinContentChanged
request agent02 server RequestGetWorkbinContent
error server agent02 EventError
mark - - Phase B: agent01 finishes it
request agent01 server RequestStopProcessing
answer server agent01 EventWorkbinContentChanged
answer server agent01 EventAck
EXPECTED
echo "agent01 server media agent02" > "$work/expected.parties"

#   same NAME: the last reading ($work/NAME) is the expected sequence
same () {
    diff -u "$work/expected" "$work/$1" > "$work/diff"
}

#   read_txt FILE: the arrows of a .txt, "hh:mm:ss.mmm  FROM --Name ref=N--> TO ..."
read_txt () {
    sed -n 's/^[0-9:.]*  ==== \(.*\) ====$/mark - - \1/p
            s/^[0-9:.]*  \([^ ]*\) *--\([A-Za-z]*\) ref=[0-9]*-->  *\([^ ]*\).*/answer \1 \3 \2/p
            s/^[0-9:.]*  \([^ ]*\) *--\([A-Za-z]*\) ref=[0-9]*--x  *\([^ ]*\).*/error \1 \3 \2/p
            s/^[0-9:.]*  \([^ ]*\) *~~\([A-Za-z]*\)~~>  *\([^ ]*\).*/cause \1 \3 \2/p' "$1" |
    awk '$1 == "answer" && $2 != "server" { $1 = "request" } { print }'
}

#   read_aliases FILE SED: the participants' names by alias, as "P0 agent01" lines
#   read_arrows: "KIND ALIAS ALIAS NAME" lines on stdin, the aliases replaced
read_arrows () {
    awk 'NR == FNR { name [$1] = $2; next }
         $1 == "mark" { print; next }
         { $2 = name [$2]; $3 = name [$3]; print }' "$work/aliases" -
}

#   read_mmd FILE: the arrows of a Mermaid sequenceDiagram, as written here
read_mmd () {
    sed -n 's/^    participant \(P[0-9]*\) as \(.*\)$/\1 \2/p' "$1" > "$work/aliases"
    sed -n 's/^    Note over P0,P[0-9]*: \(.*\)$/mark - - \1/p
            s/^    \(P[0-9]*\)->>\(P[0-9]*\): \([A-Za-z]*\).*/request \1 \2 \3/p
            s/^    \(P[0-9]*\)-->>\(P[0-9]*\): \([A-Za-z]*\).*/answer \1 \2 \3/p
            s/^    \(P[0-9]*\)--x\(P[0-9]*\): \([A-Za-z]*\).*/error \1 \2 \3/p
            s/^    \(P[0-9]*\)-)\(P[0-9]*\): \([A-Za-z]*\).*/cause \1 \2 \3/p' "$1" | read_arrows
}

#   read_puml FILE: the arrows of a PlantUML sequence diagram, as written here
read_puml () {
    sed -n 's/^participant "\(.*\)" as \(P[0-9]*\)$/\2 \1/p' "$1" > "$work/aliases"
    sed -n 's/^== \(.*\) ==$/mark - - \1/p
            s/^\(P[0-9]*\) -> \(P[0-9]*\) : \([A-Za-z]*\).*/request \1 \2 \3/p
            s/^\(P[0-9]*\) --> \(P[0-9]*\) : \([A-Za-z]*\).*/answer \1 \2 \3/p
            s/^\(P[0-9]*\) -\[#red\]-> \(P[0-9]*\) : \([A-Za-z]*\).*/error \1 \2 \3/p
            s/^\(P[0-9]*\) ->> \(P[0-9]*\) : \([A-Za-z]*\).*/cause \1 \2 \3/p' "$1" | read_arrows
}

#   xmllint_texts FILE XPATH: the string of every node XPATH selects, one a line
xmllint_texts () {
    total=$(xmllint --xpath "count($2)" "$1") || return 1
    index=1
    while [ "$index" -le "$total" ]; do
        xmllint --xpath "string(($2)[$index])" "$1" || return 1
        index=$((index + 1))
    done
}

#   read_svg FILE: its messages' names and its marks' texts, in order, as
#   "message NAME" and "mark TEXT"
read_svg () {
    texts="//*[local-name()='text'][@class='message' or @class='mark']"
    total=$(xmllint --xpath "count($texts)" "$1") || return 1
    index=1
    while [ "$index" -le "$total" ]; do
        xmllint --xpath "concat(($texts)[$index]/@class, ' ', ($texts)[$index])" "$1" || return 1
        index=$((index + 1))
    done | awk '$1 == "message" { print "message " $2; next } { print }'
}

tap_start_server --clock "$CLOCK"

# ---------------------------------------------------------------- usage

ctl play "$work/flow.scenario" --trace "$work/flow.png"
expect "--trace with no format's extension: exit 2" 2 '' "--trace takes a file ending in .svg, .mmd, .puml or .txt"
[ ! -e "$work/flow.png" ] && ! grep -q '=>' "$work/out"
report "... before anything is played or written" $?
ctl play "$work/flow.scenario" --trace "$work/flow.svg" --clock 2026-13-01T00:00:00Z
expect "--clock that is no UTC time: exit 2" 2 '' "--clock takes a UTC time"
ctl play "$work/flow.scenario" --trace "$work/nowhere/flow.svg"
expect "a trace that cannot be written: exit 2, after the play" 2 'stop \$one  =>  EventAck' \
    "cannot write $work/nowhere/flow.svg"

# ---------------------------------------------------------------- each format

for format in txt mmd puml svg; do
    ctl play --speed 10 --clock "$CLOCK" --trace "$work/flow.$format" "$work/flow.scenario"
    expect "play --trace flow.$format" 0 'stop \$one  =>  EventAck'
done

read_txt "$work/flow.txt" > "$work/txt"
same txt
report ".txt: every arrow between the right lifelines, in order, the says as marks" $?
grep -q '^# lifelines: agent01 server media agent02$' "$work/flow.txt"
report ".txt: names the lifelines, the first sending session first" $?
grep -q '^09:00:00.000  ==== Phase A' "$work/flow.txt" \
    && grep -q '^09:00:00.500  agent02 --RequestGetWorkbinContent' "$work/flow.txt" \
    && grep -q '^09:00:00.500  agent01 --RequestStopProcessing' "$work/flow.txt"
report ".txt: the pinned clock moves by the scenario's waits, not by --speed" $?
! grep -q 'RequestRegisterClient\|RequestAgentLogin\|RequestWorkbinTypesInfo\|RequestPing\|RequestUnregisterClient' \
    "$work/flow.txt"
report ".txt: no start-up chatter" $?

read_mmd "$work/flow.mmd" > "$work/mmd"
same mmd
report ".mmd: the same sequence" $?
if command -v node > /dev/null && [ -d "$MERMAID/node_modules/mermaid" ]; then
    node "$MERMAID/read-sequence.mjs" "$work/flow.mmd" > "$work/mermaid.raw" 2> "$work/err"
    rc=$?
    grep -v '^title \|^participant ' "$work/mermaid.raw" \
        | awk -F '\t' '{ if ($1 != "mark") sub(/ .*/, "", $4); print $1 " " $2 " " $3 " " $4 }' \
        > "$work/mermaid"
    [ "$rc" -eq 0 ] && same mermaid
    report ".mmd: Mermaid's parser reads the same sequence" $?
    grep '^participant ' "$work/mermaid.raw" | cut -c 13- | tr '\n' ' ' | sed 's/ $/\n/' \
        | diff - "$work/expected.parties" > "$work/diff"
    report ".mmd: Mermaid reads the lifelines in order" $?
else
    skip ".mmd: Mermaid's parser reads the same sequence" "node or tests/tools/mermaid/node_modules missing"
fi

read_puml "$work/flow.puml" > "$work/puml"
same puml
report ".puml: the same sequence" $?
if command -v plantuml > /dev/null; then
    plantuml -charset UTF-8 -syntax < "$work/flow.puml" > "$work/out" 2> "$work/err"
    rc=$?
    expect ".puml: PlantUML reads a sequence diagram of four lifelines" 0 '^(4 participants)$'
else
    skip ".puml: PlantUML reads it" "plantuml missing"
fi

if command -v xmllint > /dev/null; then
    xmllint --noout "$work/flow.svg" 2> "$work/err"
    report ".svg: well-formed XML" $?
    read_svg "$work/flow.svg" > "$work/svg"
    awk '$1 == "mark" { print; next } { print "message " $4 }' "$work/expected" \
        | sed 's/^mark - - /mark /' > "$work/expected.svg"
    diff -u "$work/expected.svg" "$work/svg" > "$work/diff"
    report ".svg: its texts list the messages and marks in order" $?
    xmllint_texts "$work/flow.svg" "//*[local-name()='text'][@class='party']" | tr '\n' ' ' \
        | sed 's/ $/\n/' | diff - "$work/expected.parties" > "$work/diff"
    report ".svg: the lifelines in order" $?
else
    skip ".svg: well-formed, its texts in order" "xmllint missing"
fi

# ---------------------------------------------------------------- a play that fails

cat > "$work/fails.scenario" <<'SCENARIO'
as agent01
content email-draft@agent02
SCENARIO
ctl play --trace "$work/fails.mmd" "$work/fails.scenario"
expect "a play stopped by an EventError: exit 1" 1
grep -q -- '--xP0: EventError 41 ' "$work/fails.mmd"
report "... still writes what happened, the EventError last" $?

tap_end
