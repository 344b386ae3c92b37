#!/bin/sh
#   The trace's exports read back by real parsers: Mermaid's own (npm,
#   tests/tools/mermaid, installed by .ci/install-packages), PlantUML
#   (Debian's plantuml) and xmllint; each must accept its file and read the
#   same title, lifelines and messages, in the same order, as the trace
#   that tests/drivers/trace_driver recorded. Its texts hold what each
#   syntax would read (; # < & " -- ** \n : , @) and UTF-8.
#   A parser that is not installed is skipped (./check installs them all).
. "$(dirname "$0")/../lib/tap-lib.sh"
DRIVER=$builddir/tests/drivers/trace_driver
MERMAID=$srcdir/tests/tools/mermaid
tap_require "$DRIVER"
tap_workdir test_trace_export

"$DRIVER" "$work/flow" > "$work/expected" 2> "$work/driver.err"
report "the driver records and exports the flow" $?
#   the labels alone, in order, as a drawing shows them
grep -v '^title \|^participant ' "$work/expected" | cut -f 4 > "$work/labels"

#   xmllint_texts FILE XPATH: the string of every node XPATH selects, one
#   a line (xmllint ends each with a newline)
xmllint_texts () {
    total=$(xmllint --xpath "count($2)" "$1") || return 1
    index=1
    while [ "$index" -le "$total" ]; do
        xmllint --xpath "string(($2)[$index])" "$1" || return 1
        index=$((index + 1))
    done
}

tap_details () {
    [ -f "$work/diff" ] && sed 's/^/#   /' "$work/diff"
    [ -f "$work/err" ] && sed 's/^/#   stderr: /' "$work/err"
}

# ---------------------------------------------------------------- Mermaid
if ! command -v node > /dev/null || [ ! -d "$MERMAID/node_modules/mermaid" ]; then
    skip "Mermaid's parser reads the .mmd back" "node or tests/tools/mermaid/node_modules missing"
else
    node "$MERMAID/read-sequence.mjs" "$work/flow.mmd" > "$work/mermaid" 2> "$work/err"
    report "Mermaid's parser accepts the .mmd" $?
    diff -u "$work/expected" "$work/mermaid" > "$work/diff"
    report "Mermaid reads the title, lifelines, arrow kinds and labels of the trace" $?
fi

# ---------------------------------------------------------------- PlantUML
if ! command -v plantuml > /dev/null; then
    skip "PlantUML reads the .puml back" "plantuml missing"
else
    #   PlantUML draws it (checking its syntax); the drawing's texts are the
    #   title, each lifeline's name at its top and bottom, then the labels
    mkdir -p "$work/puml"
    plantuml -charset UTF-8 -tsvg -o "$work/puml" "$work/flow.puml" > "$work/out" 2> "$work/err"
    status=$?
    grep -q 'Syntax Error' "$work/puml/flow.svg" 2> /dev/null && status=1
    report "PlantUML accepts the .puml and draws it" $status
    xmllint_texts "$work/puml/flow.svg" '//*[local-name()="text"]' > "$work/plantuml.all" 2> "$work/err"
    parties=$(grep -c '^participant ' "$work/expected")
    tail -n +$((2 + 2 * parties)) "$work/plantuml.all" > "$work/plantuml"
    { head -n 1 "$work/plantuml.all"; sed -n "2,$((1 + 2 * parties))p" "$work/plantuml.all" \
        | awk 'NR % 2 == 1'; } > "$work/plantuml.head"
    { sed -n 's/^title //p' "$work/expected"; grep '^participant ' "$work/expected" | cut -c 13-; } \
        > "$work/expected.head"
    diff -u "$work/expected.head" "$work/plantuml.head" > "$work/diff"
    report "PlantUML reads the title and the lifelines" $?
    diff -u "$work/labels" "$work/plantuml" > "$work/diff"
    report "PlantUML draws the labels of the trace in order, unescaped" $?
fi

# ---------------------------------------------------------------- SVG
if ! command -v xmllint > /dev/null; then
    skip "the .svg is well-formed XML" "xmllint missing"
else
    xmllint --noout "$work/flow.svg" 2> "$work/err"
    report "the .svg is well-formed XML" $?
    rm -f "$work/diff"
    svg_text () { xmllint_texts "$work/flow.svg" "//*[local-name()='text'][@class='$1']"; }
    svg_text party > "$work/svg.parties"
    grep '^participant ' "$work/expected" | cut -c 13- | diff -u - "$work/svg.parties" > "$work/diff"
    report "the .svg names the lifelines at the top, in order" $?
    xmllint_texts "$work/flow.svg" "//*[local-name()='text'][@class='message' or @class='mark']" \
        > "$work/svg.labels"
    diff -u "$work/labels" "$work/svg.labels" > "$work/diff"
    report "the .svg's texts list the messages in order" $?
    errors=$(xmllint --xpath "count(//*[local-name()='line'][contains(@class,'error')])" "$work/flow.svg")
    [ "$errors" = 1 ]
    report "the .svg draws the one error apart" $?
    ! grep -q 'href\|<script\|@import\|<image' "$work/flow.svg"
    report "the .svg fetches nothing (no link, script, font or image)" $?
fi

# ---------------------------------------------------------------- text
grep -q '^# lifelines: agent01 server sup:1,@"x" media$' "$work/flow.txt" \
    && grep -q '^00:16:40.003  sup:1,@"x" --RequestCancelWorkbinNotifications ref=1--> server ' "$work/flow.txt" \
    && grep -q '^00:16:40.004  server     --EventError ref=1--x  *sup:1,@"x"  1000 ' "$work/flow.txt" \
    && grep -q '^00:16:40.005  media      ~~PlacedIn~~>  *server  *000A1 ' "$work/flow.txt" \
    && grep -q '^00:16:40.002  ==== Phase 2: ' "$work/flow.txt"
report "the .txt names the lifelines and draws each arrow between two of them, in UTC" $?

tap_end
