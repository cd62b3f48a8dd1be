#!/bin/sh
# The evaluator against onnxruntime: PyTorch models exported at opsets 9-17
# (CNN, MLP, transformer block, LSTM, GRU, decoder with ConvTranspose and
# Resize) run in both on the same inputs; outputs must agree within
# rtol 1e-4 / atol 1e-5.
. "$top_srcdir/tests/lib.sh"
"$GS_PYTHON" -c 'import torch, numpy' 2>/dev/null || skip_all "python3-torch is not installed"
have_ort || skip_all "onnxruntime-node is not installed (tests/oracle)"
dir=$(fixtures torch-models tests/eval/gen_torch_models.py) || { fail "cannot export the PyTorch fixtures"; finish; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
while read -r name inputs; do
	args="" ortargs=""
	for i in $inputs; do
		args="$args --input $i=$dir/$name.$i.npy"
		ortargs="$ortargs $i=$dir/$name.$i.npy"
	done
	# shellcheck disable=SC2086
	if ! "$GS_BIN" run $args -o "$work/$name.npz" "$dir/$name.onnx" >"$work/log" 2>&1; then
		fail "$name: graphsmith run: $(cat "$work/log")"; continue
	fi
	# shellcheck disable=SC2086
	if ! node "$top_srcdir/tests/oracle/ort_run.js" "$dir/$name.onnx" "$work/$name.ort" $ortargs; then
		fail "$name: onnxruntime cannot run it"; continue
	fi
	if msg=$("$GS_PYTHON" "$top_srcdir/tests/eval/oracle_compare.py" "$work/$name.npz" "$work/$name.ort"); then
		pass "$name: $msg"
	else
		fail "$name: $msg"
	fi
done <"$dir/manifest.txt"
finish
