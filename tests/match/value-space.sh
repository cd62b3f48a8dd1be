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
finish
