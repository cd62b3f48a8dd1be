#!/bin/sh
# The matcher scenario suite (../shared/MATCHING.md section 6): fixture
# pairs from gen_scenarios.py, `graphsmith diff --json` on each, exact
# expectations checked by check_diff.py (which also checks that every node
# of both models lands in exactly one entry).
srcdir=${srcdir:-.}
GS=${GS_BIN:-./src/graphsmith}
PY=/usr/bin/python3
here=$srcdir/tests/match
out=${TMPDIR:-/tmp}/gs-match-scenarios.$$
fail=0
n=0

if ! $PY -c 'import onnx, numpy' 2>/dev/null; then
	echo "skip: /usr/bin/python3 has no onnx/numpy"
	exit 77
fi
trap 'rm -rf "$out"' EXIT
mkdir -p "$out"
$PY "$here/gen_scenarios.py" "$out" || { echo "FAIL: fixture generation"; exit 1; }

# check NAME A B EXPECT
check() {
	name=$1 a=$2 b=$3 expect=$4
	n=$((n + 1))
	"$GS" diff --json $DIFF_OPTS "$a" "$b" > "$out/$name.json" 2> "$out/$name.err"
	rc=$?
	if [ $rc -eq 2 ]; then
		echo "not ok $n - $name: trouble: $(cat "$out/$name.err")"
		fail=1
		return
	fi
	if $PY "$here/check_diff.py" "$out/$name.json" "$a" "$b" $rc "$expect"; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name"
		fail=1
	fi
}

pair() {
	check "$1" "$out/$1.a.onnx" "$out/$1.b.onnx" "$2"
}

SAME="'matched': 10, 'changed': 0, 'added': 0, 'removed': 0, 'fused': 0, 'folded': 0, 'params_changed': 0, 'edges_changed': 0, 'io_mismatches': 0"

pair identical "{'rc': 0, 'summary': {$SAME}, 'verdict': {'identical': True}, 'params': {'identical': 8}}"
# names never key the match, but a runtime feeds inputs by name: the
# renamed model input and output are an io difference, said as "renamed"
RENAMED="'matched': 10, 'changed': 0, 'added': 0, 'removed': 0, 'fused': 0, 'folded': 0, 'params_changed': 0, 'edges_changed': 0, 'io_mismatches': 2"
pair renamed "{'rc': 1, 'summary': {$RENAMED}, 'verdict': {'identical': False, 'structure': True, 'parameters': True, 'io': False}, 'params': {'identical': 8}}"
pair sub_swap "{'rc': 1, 'summary': {'matched': 5, 'changed': 0, 'added': 0, 'removed': 0, 'edges_changed': 1}, 'verdict': {'structure': False, 'parameters': True}, 'edges': ['swapped: B:n4.in[0] and in[1] exchanged'], 'params': {'identical': 2}}"
pair stride "{'rc': 1, 'summary': {'matched': 9, 'changed': 1, 'added': 0, 'removed': 0, 'edges_changed': 0}, 'changes': ['strides: [1,1] -> [2,2]'], 'params': {'identical': 8}}"
pair pads "{'rc': 1, 'summary': {'matched': 9, 'changed': 1, 'added': 0, 'removed': 0, 'edges_changed': 0}, 'changes': ['pads: [1,1,1,1] -> [0,0,0,0]'], 'params': {'identical': 8}}"
pair del_ins "{'rc': 1, 'summary': {'matched': 9, 'changed': 0, 'added': 1, 'removed': 1, 'edges_changed': 2}, 'params': {'identical': 8}}"
pair inserted "{'rc': 1, 'summary': {'matched': 10, 'changed': 0, 'added': 2, 'removed': 0, 'edges_changed': 2}, 'params': {'identical': 8, 'added': 2}, 'edges': ['rewired: B:conv3.in[0] now from relu_extra_out0 (A: from relu2_out0)', 'rewired: B:add1.in[0] now from relu_extra_out0 (A: from relu2_out0)']}"
pair branch "{'rc': 1, 'summary': {'matched': 3, 'added': 0, 'removed': 2, 'edges_changed': 1}, 'params': {'identical': 2, 'removed': 2}, 'edges': ['rewired: B:relu_out.in[0] now from relu_a_out0 (A: from add_out0)']}"
pair input_shape "{'rc': 1, 'summary': {'matched': 9, 'changed': 1, 'added': 0, 'removed': 0, 'io_mismatches': 1}, 'verdict': {'io': False, 'structure': True}, 'changes': ['in[0] shape: [1,3,16,16] -> [1,3,32,32]']}"
FUSED_BN="'summary': {'matched': 2, 'fused': 2, 'added': 0, 'removed': 0, 'changed': 0, 'edges_changed': 0}, 'patterns': {'Conv+BatchNormalization': 2}, 'min_sqnr': 100"
pair convbn_conv "{'rc': 1, $FUSED_BN, 'params': {'identical': 4}}"
pair convbn_bn "{'rc': 1, $FUSED_BN, 'params': {'identical': 4}}"
pair scale_chain "{'rc': 1, 'summary': {'matched': 2, 'fused': 2, 'added': 0, 'removed': 0, 'changed': 0, 'edges_changed': 0}, 'patterns': {'Conv+affine chain': 2}, 'params': {'identical': 4}, 'min_sqnr': 100}"
GEMM="'summary': {'matched': 1, 'fused': 1, 'added': 0, 'removed': 0, 'changed': 0, 'edges_changed': 0}, 'patterns': {'MatMul+Add': 1}, 'params': {'identical': 2}"
pair gemm_t0 "{'rc': 1, $GEMM}"
pair gemm_t1 "{'rc': 1, $GEMM}"
pair layernorm "{'rc': 1, 'summary': {'matched': 2, 'fused': 1, 'added': 0, 'removed': 0, 'changed': 0, 'edges_changed': 0}, 'patterns': {'LayerNormalization chain': 1}, 'params': {'identical': 2}}"
pair qdq "{'rc': 1, 'summary': {'matched': 9, 'fused': 1, 'folded': 3, 'added': 0, 'removed': 0, 'changed': 0, 'edges_changed': 0}, 'params': {'quantized': 3, 'identical': 5}, 'min_sqnr': 35, 'verdict': {'structure': True, 'parameters': True}}"
pair pruned "{'rc': 1, 'summary': {'matched': 10, 'added': 0, 'removed': 0, 'changed': 0, 'edges_changed': 0}, 'params': {'pruned_unstructured': 3, 'identical': 5}, 'sparsity_b': ('pruned_unstructured', 0.5, 0.01)}"
pair resnet "{'rc': 1, 'summary': {'nodes_a': 48, 'nodes_b': 88, 'matched': 48, 'added': 40, 'removed': 0, 'changed': 0, 'fused': 0}, 'params': {'added': 32, 'changed': 42}}"
pair if "{'rc': 1, 'summary': {'matched': 5, 'added': 1, 'removed': 0, 'changed': 1, 'edges_changed': 1}, 'sub': {'matched': 4, 'added': 1}, 'changes': ['then_branch: 1 difference in the body']}"
# an If in an If in a Loop, captures one to three scopes out; every name
# changed, nodes reordered at every level: identical in structure, and the
# counts cover every graph
pair nested "{'rc': 1, 'summary': {'nodes_a': 19, 'nodes_b': 19, 'matched': 19, 'changed': 0, 'added': 0, 'removed': 0, 'edges_changed': 0}, 'verdict': {'identical': False, 'structure': True, 'parameters': True, 'io': False}}"
check cnn_folded "$srcdir/data/cnn.onnx" "$srcdir/data/cnn-folded.onnx" \
	"{'rc': 1, 'summary': {'matched': 8, 'fused': 3, 'added': 0, 'removed': 0, 'changed': 0, 'edges_changed': 0}, 'patterns': {'Conv+BatchNormalization': 3}, 'params': {'identical': 8}, 'min_sqnr': 100}"

# unrelated models: finishes, no absurd groups, every node accounted for
check unrelated "$out/identical.a.onnx" "$out/layernorm.a.onnx" "{'rc': 1, 'summary': {'fused': 0}}"

# options: names as keys, user pins
DIFF_OPTS=--by-name check by_name_identical "$out/identical.a.onnx" "$out/identical.b.onnx" \
	"{'rc': 0, 'summary': {'matched': 10, 'added': 0, 'removed': 0}}"
DIFF_OPTS=--by-name check by_name_renamed "$out/renamed.a.onnx" "$out/renamed.b.onnx" \
	"{'rc': 1, 'summary': {'matched': 0, 'added': 10, 'removed': 10}}"
printf 'conv2 conv3\nconv3 conv2\n' > "$out/pins.map"
DIFF_OPTS="--map $out/pins.map" check map_pins "$out/identical.a.onnx" "$out/identical.b.onnx" \
	"{'rc': 1, 'summary': {'added': 0, 'removed': 0}}"

# the console's `diff --json` prints the bytes of `graphsmith diff --json`
# (but the time taken)
for name in nested scale_chain if; do
	n=$((n + 1))
	a=$out/$name.a.onnx b=$out/$name.b.onnx
	"$GS" apply -c "open a $a; open b $b; diff --json" -o "$out/console.onnx" "$a" \
		> "$out/console.txt" 2>&1
	sed -n '/^{/,$p' "$out/console.txt" | sed 's/"seconds": [-+0-9.e]*/"seconds": 0/' > "$out/console.json"
	"$GS" diff --json "$a" "$b" | sed 's/"seconds": [-+0-9.e]*/"seconds": 0/' > "$out/cli.json"
	if [ -s "$out/cli.json" ] && cmp -s "$out/console.json" "$out/cli.json"; then
		echo "ok $n - console diff --json = graphsmith diff --json ($name)"
	else
		echo "not ok $n - console diff --json differs ($name)"
		diff "$out/console.json" "$out/cli.json" | head -5
		fail=1
	fi
done

# text report and exit statuses
n=$((n + 1))
"$GS" diff "$out/stride.a.onnx" "$out/stride.b.onnx" > "$out/stride.txt"
rc=$?
if [ $rc -eq 1 ] && head -1 "$out/stride.txt" | grep -q '^different: 10/10 nodes, 9 matched, 1 changed' &&
   grep -q 'strides: \[1,1\] -> \[2,2\]' "$out/stride.txt"; then
	echo "ok $n - text report"
else
	echo "not ok $n - text report (rc $rc)"; cat "$out/stride.txt"; fail=1
fi
n=$((n + 1))
"$GS" diff "$out/identical.a.onnx" "$out/missing.onnx" > /dev/null 2>&1
rc=$?
"$GS" diff --map "$out/missing.map" "$out/identical.a.onnx" "$out/identical.b.onnx" > /dev/null 2>&1
rc2=$?
if [ $rc -eq 2 ] && [ $rc2 -eq 2 ]; then
	echo "ok $n - trouble exits 2"
else
	echo "not ok $n - trouble exits $rc/$rc2, expected 2"; fail=1
fi

# onnxruntime's own optimized copies: every change must be fused or folded
if [ -d "$srcdir/tests/oracle/node_modules/onnxruntime-node" ] && command -v node >/dev/null; then
	EXPLAINED="'statuses': {'matched', 'fused', 'folded'}, 'summary': {'added': 0, 'removed': 0, 'changed': 0, 'edges_changed': 0, 'io_mismatches': 0}"
	for m in "$out/ort_source.onnx" "$srcdir/data/cnn.onnx" "$out/scale_chain.a.onnx"; do
		base=$(basename "$m" .onnx)
		if node "$here/ort_optimize.js" "$m" "$out/$base.ort.onnx"; then
			check "ort_$base" "$m" "$out/$base.ort.onnx" "{'rc': 1, $EXPLAINED}"
		else
			echo "not ok - ort_$base: onnxruntime could not optimize"
			fail=1
		fi
	done
else
	echo "# skip: tests/oracle/node_modules missing, onnxruntime scenarios not run"
fi
echo "1..$n"
exit $fail
