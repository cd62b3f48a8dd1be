#!/bin/sh
# Every step says what it did to the outputs: a CNN trained on the 8x8
# digits goes through prune and quantize steps; each step line's cosine,
# SQNR, max abs and accuracy must equal numpy's on onnxruntime's outputs of
# the saved models.  Also `run --labels` against PyTorch's accuracy and
# `compare` (exit codes, first divergence, output metrics).
. "$top_srcdir/tests/lib.sh"
"$GS_PYTHON" -c 'import torch, sklearn' 2>/dev/null || skip_all "python3-torch or python3-sklearn is not installed"
have_ort || skip_all "onnxruntime-node is not installed (tests/oracle)"
dir=$(fixtures digits tests/eval/gen_digits.py) || { fail "cannot train the digits model"; finish; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ort() {	# ort MODEL OUT.npy: onnxruntime's first output on the test split
	node "$top_srcdir/tests/oracle/ort_run.js" "$1" "$work/ort" "input=$dir/test_input.npy" &&
		mv "$work/ort/0.npy" "$2"
}

# run --labels: the same count PyTorch got
"$GS_BIN" run --inputs "$dir/test.npz" --labels "$dir/labels.npy" "$dir/digits.onnx" >"$work/run" 2>&1
want=$(cut -d' ' -f2 "$dir/torch_accuracy.txt")
if grep -q "^accuracy .* ($want)\$" "$work/run"; then pass "run --labels: $(tail -1 "$work/run")"
else fail "run --labels: PyTorch $want, graphsmith: $(cat "$work/run")"; fi

ort "$dir/digits.onnx" "$work/base.npy" || fail "onnxruntime cannot run the digits model"
for step in "prune magnitude 0.5" "prune channels 0.5" "quantize int8 per-channel" "prune nm 2:4" \
	"quantize int4 --block 32" "quantize fp16 --all"; do
	name=$(echo "$step" | tr ' :.' '___')
	if ! "$GS_BIN" apply --inputs "$dir/test.npz" --labels "$dir/labels.npy" -c "$step" \
		-o "$work/$name.onnx" "$dir/digits.onnx" >"$work/log" 2>&1; then
		fail "$step: apply failed: $(cat "$work/log")"; continue
	fi
	line=$(grep '^step 1 ' "$work/log")
	ort "$work/$name.onnx" "$work/$name.npy" || { fail "$step: onnxruntime cannot run the result"; continue; }
	loose=""
	case $step in *fp16*) loose=--fp16 ;; esac
	if out=$("$GS_PYTHON" "$top_srcdir/tests/eval/check_step.py" $loose "$work/base.npy" "$work/$name.npy" \
		"$dir/labels.npy" "$line"); then
		pass "$step: $(echo "$line" | sed 's/.*; out/out/')"
	else
		fail "$step: $out"
	fi
done

# a step's measurement re-runs only what the steps changed: its figures
# are the bytes a full run gives (GS_PROBE_FULL turns the reuse off)
script="prune magnitude 0.5 --only /fc2/Gemm; prune magnitude 0.5 --only /fc1/Gemm; quantize int8 per-channel; undo; prune nm 2:4; history"
"$GS_BIN" apply --inputs "$dir/test.npz" --labels "$dir/labels.npy" -c "$script" -o "$work/r1.onnx" \
	"$dir/digits.onnx" >"$work/reuse.txt" 2>&1
GS_PROBE_FULL=1 "$GS_BIN" apply --inputs "$dir/test.npz" --labels "$dir/labels.npy" -c "$script" \
	-o "$work/r2.onnx" "$dir/digits.onnx" >"$work/full.txt" 2>&1
if cmp -s "$work/reuse.txt" "$work/full.txt" && grep -q "acc " "$work/reuse.txt"; then
	pass "steps measured with reuse print the bytes full runs print"
else
	fail "reuse vs full: $(diff "$work/reuse.txt" "$work/full.txt" | head -5)"
fi

# compare: a model against itself agrees (exit 0); against the pruned one
# it differs (exit 1) and its output metrics are numpy's
"$GS_BIN" compare --inputs "$dir/test.npz" "$dir/digits.onnx" "$dir/digits.onnx" >"$work/self" 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q "verdict: outputs agree" "$work/self" && pass "compare with itself: exit 0" ||
	fail "compare with itself: exit $rc: $(tail -3 "$work/self")"
"$GS_BIN" compare --json --inputs "$dir/test.npz" --labels "$dir/labels.npy" \
	"$dir/digits.onnx" "$work/prune_magnitude_0_5.onnx" >"$work/cmp.json" 2>"$work/cmp.err"
rc=$?
if [ $rc -ne 1 ]; then fail "compare with the pruned model: exit $rc, $(cat "$work/cmp.err")"
elif "$GS_PYTHON" - "$work/cmp.json" "$work/base.npy" "$work/prune_magnitude_0_5.npy" <<'PY'
import json, sys
import numpy as np
r = json.load(open(sys.argv[1]))
a = np.load(sys.argv[2]).astype(np.float64).ravel()
b = np.load(sys.argv[3]).astype(np.float64).ravel()
out = [p for p in r["pairs"] if p["output"]][0]
sqnr = 10 * np.log10((a @ a) / ((a - b) @ (a - b)))
cos = (a @ b) / np.sqrt((a @ a) * (b @ b))
assert abs(out["sqnr_db"] - sqnr) < 1e-3, (out["sqnr_db"], sqnr)
assert abs(out["cosine"] - cos) < 1e-5, (out["cosine"], cos)
assert abs(out["max_abs"] - np.abs(a - b).max()) < 1e-3
fd = r["first_divergence"]
assert fd is not None and r["pairs"][fd]["sqnr_db"] < 30, fd
assert len(r["pairs"]) >= 8, len(r["pairs"])
assert not r["outputs_agree"]
PY
then pass "compare with the pruned model: exit 1, output metrics equal numpy's, first divergence named"
else fail "compare with the pruned model: $(cat "$work/cmp.json" | head -c 2000)"; fi
finish
