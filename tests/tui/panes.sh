#!/bin/sh
# The workbench in a real terminal: both panes drawn with aligned rows,
# n jumps to the next mismatch, Enter opens the detail view.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/tui/lib.sh"

tui_start 120 40 LC_ALL=C.UTF-8 -- "$DATA/cnn.onnx" "$DATA/cnn-folded.onnx"
if wait_for "row 1/11"; then pass "workbench started"; else fail "workbench started"; fi
s=$(screen)
echo "$s" | grep -q "^A: .*cnn.onnx .*B: .*cnn-folded.onnx" && pass "header names both files" || fail "header names both files"
# one line holds A's node on the left and its counterpart on the right
echo "$s" | grep -q "= Add /layer1/Add \[1,16,16,16\] *│.*= Add n6 \[1,16,16,16\]" &&
	pass "aligned row: Add opposite Add" || fail "aligned row: Add opposite Add"
echo "$s" | grep -q "F Conv+BatchNormalization /conv1/Conv .*│.*F Conv n0" &&
	pass "fused group on one row opposite the fused node" || fail "fused group row"
echo "$s" | grep -q "●─┘" && pass "residual join drawn in the lane gutter" || fail "residual join lane"
[ "$(echo "$s" | grep -c '│●')" -ge 8 ] && pass "B pane drawn" || fail "B pane drawn"

keys j
wait_for "row 2/11  matched" && pass "j moves down" || fail "j moves down"
keys n
wait_for "row 4/11  fused" && pass "n jumps to the next mismatch" || fail "n jumps to the next mismatch"
keys N
wait_for "row 1/11  fused" && pass "N jumps back" || fail "N jumps back"
keys Enter
wait_for "fused by fusion" && pass "Enter opens the detail view" || fail "detail view"
wait_match "parameters" && pass "detail lists parameters" || fail "detail lists parameters"
keys Escape
wait_for "= Add /layer1/Add" && pass "Escape closes it" || fail "Escape closes it"
keys f
wait_for "filter: mismatches" && pass "f filters" || fail "f filters"
wait_match "row 1/3" && pass "only the 3 fused rows remain" || fail "filter row count"
keys '?'
wait_for 'n N            next / previous difference' && pass "? shows the keys" || fail "? keys"
keys Escape
keys q
wait_for "exit=0" && pass "q exits 0" || fail "q exits 0"
finish
