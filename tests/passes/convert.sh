#!/bin/sh
# Opset conversion end to end: `graphsmith apply -c "convert opset N"` on
# every case of tests/passes/gen_convert_models.py (python3-onnx fixtures at
# opsets 7-21, PyTorch exports at 9-17): the expected success or refusal,
# python3-onnx's checker (skipped above opset 17 or IR 8, which onnx 1.12
# does not know), onnxruntime's outputs against the original's (max abs <=
# 1e-6 relative to the output range), our evaluator's (`graphsmith
# compare`), and the way back to the source opset.  Then --dry-run, a
# refusal, undo, and quantize on an opset-9 model.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

have_python_onnx || skip_all "python3-onnx is missing"
dir=$(fixtures convert tests/passes/gen_convert_models.py) || { echo "cannot generate models"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gs-convert.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
ort=1
have_ort || ort=0
checked=0 unchecked=0 ort_ok=0 back=0

# checker on a model whose opset/IR onnx 1.12 knows; a skip is counted
check() {	# check FILE OPSET LABEL
	if [ "$2" -gt 17 ]; then
		unchecked=$((unchecked + 1))
		return
	fi
	if onnx_check "$1" >"$tmp/check" 2>&1; then
		checked=$((checked + 1))
		pass "$3: checker"
	elif grep -q "ir_version is higher than the checker" "$tmp/check"; then
		unchecked=$((unchecked + 1))
	else
		cat "$tmp/check"
		fail "$3: checker"
	fi
}

same() {	# same A B LABEL: onnxruntime and our evaluator agree
	if [ "$ort" -eq 1 ]; then
		if ort_compare --atol 1e-6 "$1" "$2" >"$tmp/ort" 2>&1; then
			ort_ok=$((ort_ok + 1))
			pass "$3: onnxruntime outputs"
		else
			cat "$tmp/ort"
			fail "$3: onnxruntime outputs"
		fi
	fi
	if "$GS_BIN" compare "$1" "$2" >"$tmp/cmp" 2>&1; then
		pass "$3: graphsmith compare"
	elif grep -q "unsupported\|not evaluable\|no kernel" "$tmp/cmp"; then
		pass "$3: graphsmith compare (skipped: $(head -1 "$tmp/cmp"))"
	else
		cat "$tmp/cmp"
		fail "$3: graphsmith compare"
	fi
}

while read -r model src target expect; do
	out="$tmp/$model.$target.onnx"
	label="$model $src -> $target"
	if "$GS_BIN" apply -c "convert opset $target" -o "$out" "$dir/$model.onnx" >"$tmp/log" 2>&1; then
		if [ "$expect" = refuse ]; then
			cat "$tmp/log"
			fail "$label: refused"
			continue
		fi
		grep -q "^converted opset $src -> $target" "$tmp/log" && pass "$label: converts" ||
			{ cat "$tmp/log"; fail "$label: report line"; }
	else
		if [ "$expect" = refuse ] && grep -q "refused: node" "$tmp/log" && [ ! -e "$out" ]; then
			pass "$label: refused ($(grep -m1 'refused: node' "$tmp/log"))"
		else
			cat "$tmp/log"
			fail "$label: converts"
		fi
		continue
	fi
	check "$out" "$target" "$label"
	same "$dir/$model.onnx" "$out" "$label"
	# and back
	if "$GS_BIN" apply -c "convert opset $src" -o "$tmp/back.onnx" "$out" >"$tmp/log" 2>&1; then
		back=$((back + 1))
		check "$tmp/back.onnx" "$src" "$label -> $src"
		same "$dir/$model.onnx" "$tmp/back.onnx" "$label -> $src"
	else
		echo "# $label -> $src: $(grep -m1 'refused' "$tmp/log")"
	fi
done <"$dir/cases.txt"

# --dry-run: lists, changes nothing (the saved bytes are the original's)
m="$dir/op9_paddle.onnx"
if "$GS_BIN" apply -c "convert opset 13 --dry-run" -o "$tmp/dry.onnx" "$m" >"$tmp/log" 2>&1 &&
	grep -q "^9 -> 10: Upsample 'up_node': -> Resize (mode nearest)" "$tmp/log" &&
	grep -q "^10 -> 11: Clip 'relu6_node': min/max attributes -> float32 inputs" "$tmp/log" &&
	grep -q "^would convert opset 9 -> 13 (IR 4 -> 7): 2 Upsample -> Resize, 1 Slice" "$tmp/log" &&
	cmp -s "$tmp/dry.onnx" "$m"; then
	pass "--dry-run lists the rewrites and changes nothing"
else
	cat "$tmp/log"
	fail "--dry-run"
fi

# a refusal: exact, nonzero exit, nothing written
if "$GS_BIN" apply -c "convert opset 16" -o "$tmp/ref.onnx" "$dir/op21_gn.onnx" >"$tmp/log" 2>&1; then
	fail "GroupNormalization below 18 is refused"
elif grep -q "refused: node 'y_node' (GroupNormalization), opset 18 -> 17: 'GroupNormalization' does not exist before opset 18" "$tmp/log" &&
	[ ! -e "$tmp/ref.onnx" ]; then
	pass "refusal: node, op, step and reason; nothing written"
else
	cat "$tmp/log"
	fail "refusal message"
fi
# a dry run names every refusal too
"$GS_BIN" apply -c "convert opset 12 --dry-run" -o "$tmp/d.onnx" "$dir/op13_runtime_axes.onnx" >"$tmp/log" 2>&1
grep -q "refused: node 'y_node' (ReduceSum), opset 13 -> 12: axes comes from 'ax1', computed at run time" "$tmp/log" &&
	pass "dry run lists the refusal" || { cat "$tmp/log"; fail "dry run lists the refusal"; }

# undo: the original bytes; redo: the converted bytes
for model in op9_paddle op7_ir3 op13_down; do
	"$GS_BIN" apply -c "convert opset 17; undo" -o "$tmp/undo.onnx" "$dir/$model.onnx" >"$tmp/log" 2>&1 &&
		cmp -s "$tmp/undo.onnx" "$dir/$model.onnx" && pass "$model: convert; undo gives the original bytes" ||
		{ cat "$tmp/log"; fail "$model: convert; undo"; }
	"$GS_BIN" apply -c "convert opset 17" -o "$tmp/once.onnx" "$dir/$model.onnx" >/dev/null 2>&1
	"$GS_BIN" apply -c "convert opset 17; undo; redo" -o "$tmp/redo.onnx" "$dir/$model.onnx" >"$tmp/log" 2>&1 &&
		cmp -s "$tmp/once.onnx" "$tmp/redo.onnx" && pass "$model: convert; undo; redo" ||
		{ cat "$tmp/log"; fail "$model: convert; undo; redo"; }
done
"$GS_BIN" apply -c "convert opset 13; history" -o "$tmp/h.onnx" "$dir/op9_paddle.onnx" >"$tmp/log" 2>&1
[ "$(grep -c 'convert opset 13' "$tmp/log")" -ge 1 ] && pass "one history step" ||
	{ cat "$tmp/log"; fail "one history step"; }

# quantize on the opset-9 model converts first, in the same step
if "$GS_BIN" apply -c "quantize int8 per-channel" -o "$tmp/q.onnx" "$m" >"$tmp/log" 2>&1 &&
	grep -q "opset 13" "$tmp/log"; then
	pass "quantize int8 per-channel on opset 9 converts to 13"
	grep -q "converted opset 9 -> 13" "$tmp/log" && pass "quantize says it converted" ||
		echo "# quantize's report does not name the conversion (needs the quantize-weights.c hook)"
	check "$tmp/q.onnx" 13 "op9_paddle quantized"
	if [ "$ort" -eq 1 ]; then
		node "$top_srcdir/tests/oracle/ort_compare.js" --atol 0.5 --min-cosine 0.99 "$m" "$tmp/q.onnx" \
			>"$tmp/ort" 2>&1 && pass "quantized model runs in onnxruntime, close to the original" ||
			{ cat "$tmp/ort"; fail "quantized model in onnxruntime"; }
	fi
	"$GS_BIN" apply -c "quantize int8 per-channel; undo" -o "$tmp/qu.onnx" "$m" >/dev/null 2>&1 &&
		cmp -s "$tmp/qu.onnx" "$m" && pass "quantize (with conversion); undo" ||
		fail "quantize (with conversion); undo"
else
	cat "$tmp/log"
	fail "quantize int8 per-channel on opset 9"
fi

echo "# figures: $(wc -l <"$dir/cases.txt") conversions, $back converted back," \
	"$checked checker passes ($unchecked above onnx 1.12), $ort_ok onnxruntime comparisons"
[ "$fails" -eq 0 ] || finish
[ "$ort" -eq 1 ] || skip_all "onnxruntime-node not installed in tests/oracle (checker passed)"
finish
