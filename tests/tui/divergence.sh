#!/bin/sh
# Where A and B diverge: c runs `compare` and the column between the panes
# shows each row's SQNR, d jumps to the first divergence, the detail view
# shows the activations' metrics and histograms; the column is dropped
# when the terminal is too narrow for it.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/tui/lib.sh"

hist='[▁▂▃▄▅▆▇█]\{8,\}'

# one model: B pruned against its untouched baseline A
tui_start 120 40 LC_ALL=C.UTF-8 -- "$DATA/cnn.onnx"
wait_for "row 1/11" || fail "workbench started"
keys :
keys -l "prune magnitude 0.5"
keys Enter
wait_for "pruned 4 layers" || fail "prune ran"
keys Escape
wait_for "q quit" || fail "left the console"
screen | grep -q "dB│" && fail "no column before compare" || pass "no column before compare"
keys c
wait_for "verdict: outputs differ" && pass "c runs compare" || fail "c runs compare"
s=$(screen)
[ "$(echo "$s" | grep -c "│[ !] *-\{0,1\}[0-9.]*dB│")" -eq 11 ] && pass "every row shows its SQNR" ||
	fail "every row shows its SQNR"
echo "$s" | grep -q "│!.*dB│●    P Conv +1 /conv1/Conv" && pass "! marks the first divergence" ||
	fail "! marks the first divergence"
echo "$s" | grep -q "! diverges at /bn1/BatchNormalization [0-9.]*dB" &&
	pass "header names the first divergence" || fail "header names the first divergence"
keys G
wait_for "row 11/11" || fail "G moves to the bottom"
keys d
wait_for "first divergence: /bn1/BatchNormalization" && pass "d reports the first divergence" ||
	fail "d reports the first divergence"
wait_for "row 1/11  params changed" && pass "d moves the cursor to it" || fail "d moves the cursor"
keys Enter
wait_for "activations (compare)" && pass "detail: activations section" || fail "detail: activations"
s=$(screen)
echo "$s" | grep -q "max abs [0-9.e-]*  mean abs [0-9.e-]*  rel L2 [0-9.e-]*  cosine [0-9.]*  SQNR [0-9.]* dB" &&
	pass "detail: metrics line" || fail "detail: metrics line"
echo "$s" | grep -q "! first divergence" && pass "detail: first divergence flagged" ||
	fail "detail: first divergence flagged"
echo "$s" | grep -q "^    $hist  \[-\{0,1\}[0-9.]*, [0-9.]*\] *│    $hist" &&
	pass "detail: both activation histograms with the range" || fail "detail: activation histograms"
keys Escape
wait_for "│!" || fail "detail closed"
tmx resize-window -t t -x 50 -y 40
wait_gone "dB│" && pass "50 columns: the column is dropped" || fail "50 columns: column dropped"
wait_match "P Conv +1 /con.*│.*P Conv +1" && pass "50 columns: both panes still drawn" ||
	fail "50 columns: both panes"
tmx resize-window -t t -x 120 -y 40
wait_for "dB│" && pass "120 columns: the column is back" || fail "column back"
# any change to B drops the comparison: the column goes with it
keys :
keys -l "undo"
keys Enter
wait_gone "dB│" && pass "undo drops the comparison" || fail "undo drops the comparison"
keys Escape
keys '?'
wait_for 'c              compare activations' && pass "? lists c" || fail "? lists c"
wait_match 'd  compare first' && pass "? lists d" || fail "? lists d"
keys Escape
keys q
wait_for "quit anyway?" || fail "q asks: B has unsaved edits"
keys y
wait_for "exit=0" && pass "q, y exits 0" || fail "q, y exits 0"

# two models: the fused rows get the figure of the tensor leaving the group
tui_start 120 40 LC_ALL=C.UTF-8 -- "$DATA/cnn.onnx" "$DATA/cnn-folded.onnx"
wait_for "row 1/11" || fail "workbench started (two models)"
keys c
wait_for "verdict: outputs agree" && pass "c compares A and B" || fail "c compares A and B"
s=$(screen)
[ "$(echo "$s" | grep -c "F Conv+BatchNormalization .*│ *[0-9.]*dB│.*F Conv n")" -eq 3 ] &&
	pass "fused rows get a figure" || fail "fused rows get a figure"
[ "$(echo "$s" | grep -c "│ *[0-9.]*dB│")" -eq 11 ] && pass "every row has a figure" || fail "every row has a figure"
echo "$s" | grep -q "no divergence < 30dB" && pass "header: no divergence" || fail "header: no divergence"
keys d
wait_for "no divergence below 30 dB" && pass "d: no divergence" || fail "d: no divergence"
keys q
wait_for "exit=0" && pass "q exits 0" || fail "q exits 0"
finish
