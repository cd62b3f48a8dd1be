#!/bin/bash
# Weights are compared by the values they compute with however they are
# stored: float16 behind a Cast and int8 behind DequantizeLinear are
# changed parameters with their SQNR, never "same"; the decoding nodes are
# called what they are, not "constant folded".
. "$top_srcdir/tests/lib.sh"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
m="$top_srcdir/data/cnn.onnx"

for mode in fp16 int8; do
	"$GS_BIN" apply -c "quantize $mode" -o "$t/$mode.onnx" "$m" >/dev/null ||
		{ fail "quantize $mode"; continue; }
	"$GS_BIN" diff "$m" "$t/$mode.onnx" >"$t/$mode.txt"
	[ $? -le 1 ] || fail "$mode: diff failed"
	grep -q "parameters changed (4)" "$t/$mode.txt" &&
		pass "$mode: the four weights are changed parameters" ||
		fail "$mode: $(sed -n 2p "$t/$mode.txt")"
	grep -q "parameters same" "$t/$mode.txt" && fail "$mode: said parameters same"
	[ "$(grep -c '~ param.*quantized, sqnr [0-9.]* dB' "$t/$mode.txt")" = 4 ] &&
		pass "$mode: each weight classed quantized with its SQNR" ||
		fail "$mode: $(grep '~ param' "$t/$mode.txt" | head -2)"
	grep -q "constant folded" "$t/$mode.txt" &&
		fail "$mode: a weight decoder called constant folded" ||
		pass "$mode: decoders named as such"
done
grep -q "stored as float16 behind Cast" "$t/fp16.txt" && pass "fp16: storage dtype said" ||
	fail "fp16: storage dtype not said"
grep -q "weight widened (Cast)" "$t/fp16.txt" && pass "fp16: Cast row labelled" ||
	fail "fp16: Cast row label"
"$GS_BIN" diff --json "$m" "$t/fp16.onnx" | "$GS_PYTHON" -c '
import json, sys
d = json.load(sys.stdin)
ps = [p for p in d["parameters"] if p.get("class") == "quantized"]
assert len(ps) == 4, d["parameters"]
for p in ps:
    assert 60 < p["sqnr_db"] < 90, p
' && pass "fp16: JSON agrees (4 quantized, SQNR 60-90 dB)" || fail "fp16: JSON"
# a weight behind a decoder has no tensor of its own, but a shape
for mode in fp16 int8; do
	"$GS_BIN" diff --json "$m" "$t/$mode.onnx" | "$GS_PYTHON" -c '
import json, sys
d = json.load(sys.stdin)
for p in d["parameters"]:
    assert isinstance(p["shape_a"], list) and p["shape_a"] == p["shape_b"], p
' && pass "$mode: JSON gives both shapes of every weight" || fail "$mode: JSON shapes"
done

# shapes that changed are printed whole on both sides; a weight that is A's
# with whole channels taken out is structured pruning, and says which
"$GS_BIN" apply -c "prune channels 0.5" -o "$t/ch.onnx" "$m" >/dev/null || fail "prune channels"
"$GS_BIN" diff "$m" "$t/ch.onnx" >"$t/ch.txt"
grep -q "in\[1\] parameter shape: \[16,16,3,3\] -> \[8,16,3,3\]" "$t/ch.txt" &&
	grep -q "layer1.conv1.weight: pruned_structured \[16,16,3,3\] -> \[8,16,3,3\]; removed channels \[[0-9,]*\] of 16 (axis 0)" "$t/ch.txt" &&
	grep -q "layer1.conv2.weight: pruned_structured \[16,16,3,3\] -> \[16,8,3,3\]; removed channels \[[0-9,]*\] of 16 (axis 1)" "$t/ch.txt" &&
	pass "changed parameter shapes printed on both sides; channel pruning named with the channels" ||
	fail "parameter shapes: $(grep -m2 'shape' "$t/ch.txt")"
# a renamed input is an io difference, said so
"$GS_PYTHON" - "$m" "$t/ren.onnx" <<'PY'
import sys, onnx
m = onnx.load(sys.argv[1])
old = m.graph.input[0].name
m.graph.input[0].name = "image"
for n in m.graph.node:
    n.input[:] = ["image" if x == old else x for x in n.input]
onnx.save(m, sys.argv[2])
PY
"$GS_BIN" diff "$m" "$t/ren.onnx" >"$t/ren.txt"; rc=$?
[ $rc = 1 ] && grep -q "~ io       input input renamed image: float32\[1,3,32,32\]" "$t/ren.txt" &&
	grep -q "io different" "$t/ren.txt" && pass "renamed input reported (exit 1)" ||
	fail "renamed input: rc $rc, $(cat "$t/ren.txt")"
finish
