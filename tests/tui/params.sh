#!/bin/sh
# A row whose parameters differ is a difference: after `prune magnitude
# 0.5` of one model against its baseline, the pruned layers get their own
# marker (P) and colour, n/N stop on them, f keeps them, and the header
# says how many parameters changed next to the compatibility verdicts.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/tui/lib.sh"

tui_start 120 40 LC_ALL=C.UTF-8 -- "$DATA/cnn.onnx"
wait_for "row 1/11" || fail "workbench started"
s=$(screen)
echo "$s" | grep -q "parameters same" && pass "header: parameters same before pruning" ||
	fail "header: parameters same before pruning"
echo "$s" | grep -q "│●* *P " && fail "no P row before pruning" || pass "no P row before pruning"
keys :
keys -l "prune magnitude 0.5"
keys Enter
wait_for "pruned 4 layers" || fail "prune ran"
keys Escape
wait_for "q quit" || fail "left the console"
s=$(screen)
# 4 weights pruned: conv1, layer1.conv1, layer1.conv2, fc, one row each,
# marked on both sides
[ "$(echo "$s" | grep -c " P Conv .*│.* P Conv ")" -eq 3 ] &&
	pass "pruned Conv rows marked P on both sides" || fail "pruned Conv rows marked P"
[ "$(echo "$s" | grep -c " P Gemm .*│.* P Gemm ")" -eq 1 ] &&
	pass "pruned Gemm row marked P" || fail "pruned Gemm row marked P"
echo "$s" | grep -q " = Add /layer1/Add" && pass "untouched rows keep =" || fail "untouched rows keep ="
echo "$s" | grep -q "parameters changed (4)" && pass "header: parameters changed (4)" ||
	fail "header: parameters changed (4)"
echo "$s" | grep -q "structure compatible  parameters compatible  io compatible" &&
	pass "header: the three compatibility verdicts kept" || fail "header: compatibility verdicts"
echo "$s" | grep -q "P4 params\( \|$\)" && pass "header: P count" || fail "header: P count"
echo "$s" | grep -q "=7 matched" && pass "header: P rows not counted as matched" ||
	fail "header: P rows not counted as matched"
keys g
wait_for "row 1/11" || fail "g moves to the top"
keys n
wait_for "row 4/11  " && pass "n stops on a P row" || fail "n stops on a P row"
keys n n
wait_for "row 11/11  " && pass "n reaches the last P row" || fail "n reaches the last P row"
keys n
wait_for "no further mismatch" && pass "n: no further" || fail "n: no further"
keys N
wait_for "row 6/11  " && pass "N goes back to a P row" || fail "N goes back"
keys f
wait_for "filter: mismatches" && pass "f filters" || fail "f filters"
s=$(screen)
echo "$s" | grep -q "row [0-9]*/4 " && pass "f keeps the 4 P rows" || fail "f keeps the 4 P rows"
[ "$(echo "$s" | grep -c " P \(Conv\|Gemm\) ")" -eq 4 ] && pass "f shows them" || fail "f shows them"
keys f
wait_for "/11  " || fail "f again shows all"
keys q
wait_for "quit anyway?" || fail "q asks: B has unsaved edits"
keys y
wait_for "exit=0" && pass "q, y exits 0" || fail "q, y exits 0"

# the text diff says the same in the same words
"$GS_BIN_ABS" apply -c "prune magnitude 0.5" -o "$TUI_TMP/pruned.onnx" "$DATA/cnn.onnx" >/dev/null ||
	fail "apply prune"
out=$("$GS_BIN_ABS" diff "$DATA/cnn.onnx" "$TUI_TMP/pruned.onnx")
echo "$out" | grep -q "^verdict: structure compatible, parameters compatible, io compatible; parameters changed (4)$" &&
	pass "diff: compatible, and parameters changed (4)" || fail "diff: parameters changed (4)"
out=$("$GS_BIN_ABS" diff "$DATA/cnn.onnx" "$DATA/cnn.onnx")
echo "$out" | grep -q "; parameters same$" && pass "diff: parameters same" || fail "diff: parameters same"
finish
