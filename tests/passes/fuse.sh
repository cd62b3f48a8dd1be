#!/bin/sh
# Fusion passes end to end: tests/unit/test_fuse (counts and undo through
# the C API), then `graphsmith apply -c "fuse PATTERN"` on every case of
# tests/passes/gen_fuse_models.py: the printed rewrite count, python3-onnx's
# checker (skipped for outputs at opset > 17, which onnx 1.12 does not know:
# Gelu is opset 20, so those are checked by onnxruntime only) and
# onnxruntime's outputs against the original's.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

have_python_onnx || skip_all "python3-onnx is missing"
dir=$(fixtures fuse tests/passes/gen_fuse_models.py) || { echo "cannot generate models"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gs-fuse.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

if [ -x tests/unit/test_fuse ]; then
	if FUSE_MODELS="$dir" tests/unit/test_fuse >"$tmp/unit.log" 2>&1; then
		pass "unit: counts and undo"
	else
		cat "$tmp/unit.log"
		fail "unit: counts and undo"
	fi
fi

ort=1
have_ort || ort=0
while read -r model pattern count check; do
	out="$tmp/$model.$pattern.onnx"
	if ! "$GS_BIN" apply -c "fuse $pattern" -o "$out" "$dir/$model.onnx" >"$tmp/log" 2>&1; then
		cat "$tmp/log"
		fail "$model: fuse $pattern runs"
		continue
	fi
	s=s
	[ "$count" -eq 1 ] && s=
	if grep -qx "fuse $pattern: $count rewrite$s" "$tmp/log"; then
		pass "$model: fuse $pattern: $count rewrite$s"
	else
		cat "$tmp/log"
		fail "$model: fuse $pattern: expected $count rewrite$s"
	fi
	if [ "$check" -eq 1 ]; then
		onnx_check "$out" >"$tmp/check" 2>&1 && pass "$model.$pattern: checker" ||
			{ cat "$tmp/check"; fail "$model.$pattern: checker"; }
	fi
	[ "$ort" -eq 1 ] || continue
	# several seeds so that both branches of the If run
	same=1
	# affine chains fold in double: within 1e-5 of the output range
	tol=
	case $model in convt_add_bn|conv_scale|gemm_chain) tol="--atol 1e-5" ;; esac
	for seed in 1 2 3 4; do
		if ! ort_compare $tol --seed "$seed" "$dir/$model.onnx" "$out" >"$tmp/ort" 2>&1; then
			cat "$tmp/ort"
			same=0
			break
		fi
		[ "$model" = if_conv_bn ] || break
	done
	[ "$same" -eq 1 ] && pass "$model.$pattern: onnxruntime outputs" ||
		fail "$model.$pattern: onnxruntime outputs (seed $seed)"
done <"$dir/cases.txt"

# names from the model reach the terminal escaped (fc2<ESC>[31m/Add)
"$GS_BIN" apply -c "fuse gemm" -o "$tmp/esc.onnx" "$dir/mlp.onnx" >"$tmp/log" 2>&1
esc=$(printf '\033')
if grep -q "$esc" "$tmp/log" || ! grep -qF 'fc2/MatMul + fc2\e[31m/Add -> fc2/MatMul' "$tmp/log"; then
	cat "$tmp/log"
	fail "names printed escaped"
else
	pass "names printed escaped"
fi

# undo through the command layer (once it has `undo`): the original bytes
if "$GS_BIN" apply -c "help undo" -o "$tmp/h.onnx" "$dir/mlp.onnx" >/dev/null 2>&1; then
	for model in cnn_bn if_conv_bn constants identity layernorm_op13 gelu_tanh ir3_cos conv_scale; do
		"$GS_BIN" apply -c "fuse all; undo" -o "$tmp/undo.onnx" "$dir/$model.onnx" >"$tmp/log" 2>&1 &&
			cmp -s "$tmp/undo.onnx" "$dir/$model.onnx" && pass "$model: fuse all; undo" ||
			{ cat "$tmp/log"; fail "$model: fuse all; undo gives the original bytes"; }
		# redo re-runs the step: the same bytes as the first run
		"$GS_BIN" apply -c "fuse all" -o "$tmp/once.onnx" "$dir/$model.onnx" >/dev/null 2>&1
		"$GS_BIN" apply -c "fuse all; undo; redo" -o "$tmp/redo.onnx" "$dir/$model.onnx" \
			>"$tmp/log" 2>&1 && cmp -s "$tmp/once.onnx" "$tmp/redo.onnx" &&
			pass "$model: fuse all; undo; redo" ||
			{ cat "$tmp/log"; fail "$model: fuse all; undo; redo gives the fused bytes"; }
	done
fi

# a bad pattern: a clear message, nonzero exit, nothing written
if "$GS_BIN" apply -c "fuse conv-relu" -o "$tmp/bad.onnx" "$dir/mlp.onnx" >"$tmp/log" 2>&1; then
	fail "unknown pattern fails"
elif grep -q "unknown fuse pattern 'conv-relu'" "$tmp/log" && [ ! -e "$tmp/bad.onnx" ]; then
	pass "unknown pattern: message, no output"
else
	cat "$tmp/log"
	fail "unknown pattern: message"
fi

[ "$fails" -eq 0 ] || finish
[ "$ort" -eq 1 ] || skip_all "onnxruntime-node not installed in tests/oracle (counts and checker passed)"
finish
