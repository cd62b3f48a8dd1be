#!/bin/sh
# Teaching: `?` is a legend of the row glyphs and the keys, not a binding
# dump; explain of a contrib op says so instead of the standard op's text,
# and uses the node's own attributes and shapes.  80x24 keeps every key of
# the hint whole, and the quit question takes y/n without Enter.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/tui/lib.sh"

ex() { "$GS_BIN_ABS" apply -c "explain $2" -o "$TUI_TMP/o.onnx" "$1" 2>&1; }
if have_python_onnx; then
	dir=$(fixtures bigconst tests/fixtures/gen_bigconst.py) || fail "fixture"
	out=$(ex "$dir/bigconst.onnx" head_fastgelu)
	echo "$out" | grep -q "FastGelu of domain com.microsoft: a contrib op" &&
		pass "explain says a com.microsoft node is a contrib op" || fail "contrib: $out"
	echo "$out" | grep -q "(ai.onnx)" && fail "contrib op shown with standard text" ||
		pass "no standard op's text for a contrib op"
	out=$(ex "$dir/bigconst.onnx" fc_gemm)
	echo "$out" | grep -q "transB=1, so B is read as \[N,K\]: K=32 inputs, N=48 outputs" &&
		pass "explain Gemm uses the node's transB and weight shape" || fail "Gemm facts: $out"
	out=$(ex "$dir/bigconst.onnx" stem_matmul)
	echo "$out" | grep -q "A \[1,16\] @ B \[16,32\]: K=16" && pass "explain MatMul uses shapes" ||
		fail "MatMul facts: $out"
fi
out=$(ex "$DATA/cnn.onnx" /conv1/Conv)
echo "$out" | grep -q "16 filters, each over 3 input channels" && pass "explain Conv uses W's shape" ||
	fail "Conv facts: $out"
for op in LSTM GRU RNN; do
	ex "$DATA/cnn.onnx" $op | grep -q "^$op (ai.onnx): " && pass "notes for $op" || fail "notes for $op"
done

tui_start 80 24 LC_ALL=C.UTF-8 -- "$DATA/cnn.onnx"
wait_for "row 1/11" || fail "workbench started"
screen | tail -1 | grep -q "? help  q quit *$" && pass "80 columns: the key hint is whole" ||
	fail "80 columns hint: $(screen | tail -1)"
keys "?"
wait_for "What a row shows" || fail "? opens the legend"
s=$(screen)
echo "$s" | grep -q "P  matched, but its parameters differ" && echo "$s" | grep -q "rails" &&
	pass "? explains the row glyphs" || fail "legend glyphs"
echo "$s" | grep -q "bind " && fail "? dumps bindings" || pass "? is no binding dump"
keys q
wait_gone "What a row shows" || fail "a key closes the legend"
console_run "prune magnitude 0.5" "pruned 4 layers" || fail "prune ran"
screen | sed -n 2p | grep -q "P4 params" && pass "80 columns: the header keeps the P count" ||
	fail "80 columns header: $(screen | sed -n 2p)"
for answer in n y; do
	keys q
	wait_for "quit anyway?" || fail "q asks: B has unsaved edits"
	[ $answer = y ] && break
	keys n
	wait_for "not quitting" && pass "n answers without Enter" || fail "n answers"
	keys j
	wait_for "row 2/11" && pass "the next key goes to the panes" || fail "key after n swallowed"
done
keys y
wait_for "exit=0" && pass "y quits without Enter" || fail "y quits"
finish
