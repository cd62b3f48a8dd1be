#!/bin/sh
# An export with hundreds of Constant nodes listed before the first layer
# (PaddleOCR style) and a decomposed LayerNorm: the first screen shows real
# layers, the Constants sit in their consumers' rows (the detail view shows
# their values), and the LayerNorm group is labelled and drawn after the
# Gemm that feeds it.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/tui/lib.sh"
have_python_onnx || skip_all "python3-onnx is not installed"
dir=$(fixtures bigconst tests/fixtures/gen_bigconst.py) || fail "fixture"
# find covers tensor and parameter names and counts
"$GS_BIN" apply -c 'find ln_two' -o "$TUI_TMP/o.onnx" "$dir/bigconst.onnx" > "$TUI_TMP/find" 2>&1
grep -q "^A  ln_pow  *Pow  param ln_two" "$TUI_TMP/find" && grep -q "^4 matches" "$TUI_TMP/find" &&
	pass "find lists a node by its parameter's name" || fail "find: $(cat "$TUI_TMP/find")"
tui_start 120 30 LC_ALL=C.UTF-8 -- "$dir/bigconst.onnx"
wait_for "row 1/" || fail "workbench started"
screen | sed -n 3,20p > "$TUI_TMP/first"
grep -q "MatMul stem_matmul" "$TUI_TMP/first" && grep -q "Reshape blk0_reshape" "$TUI_TMP/first" &&
	pass "the first screen shows the first layers" || fail "first screen: $(cat "$TUI_TMP/first")"
grep -q "Constant" "$TUI_TMP/first" && fail "Constant rows on the first screen" ||
	pass "no Constant rows before the first layer"
wait_match "30[34] Const folded" && pass "the header counts the folded Constants" ||
	fail "folded count missing"
wait_for "row 1/305" && pass "608 nodes, 305 rows" || fail "row count"
keys j Enter
wait_for "shape_0 int64 [2] = Constant [1, 32]" && pass "the detail view shows a folded Constant" ||
	fail "folded Constant in the detail view"
keys Escape
# search covers tensor and parameter names, counts, and n/N step over it
keys /
keys -l "shape_5"
keys Enter
wait_for "/shape_5 1/11" && pass "/ counts the rows whose tensors match" || fail "search count"
wait_match "11 rows match" && pass "the console says the count" || fail "console count"
wait_match "row 17/305" && pass "/ moved to blk5_reshape" || fail "search moved"
keys n
wait_for "/shape_5 2/11" && pass "n steps to the next match" || fail "n over matches"
keys N N
wait_for "/shape_5 11/11" && pass "N steps back, wrapping" || fail "N over matches"
keys Escape
wait_gone "/shape_5" && pass "Escape ends the search" || fail "Escape ends the search"
keys n
wait_for "no further mismatch" && pass "then n is next mismatch again" || fail "n after search"
keys /
keys -l "fc_w"
keys Enter
wait_for "/fc_w 1/1" && pass "a parameter name is found" || fail "parameter search"
keys Escape G
wait_for "row 305/305" || fail "G"
screen > "$TUI_TMP/last"
gemm=$(grep -n "Gemm fc_gemm" "$TUI_TMP/last" | head -1 | cut -d: -f1)
ln=$(grep -n "LayerNormalization chain ln_mean" "$TUI_TMP/last" | head -1 | cut -d: -f1)
[ -n "$ln" ] && pass "the LayerNorm group is labelled" || fail "LayerNorm label: $(cat "$TUI_TMP/last")"
[ -n "$gemm" ] && [ -n "$ln" ] && [ "$gemm" -lt "$ln" ] &&
	pass "the group is drawn after the Gemm that feeds it" || fail "group placed before its input"
grep -q "Constant +" "$TUI_TMP/last" && fail "a group labelled by a Constant" ||
	pass "no group labelled by a Constant"
keys q
wait_for "exit=0" || fail "q exits 0"
finish
