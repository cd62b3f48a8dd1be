#!/bin/sh
# quantize int8 static: on the trained digits CNN and MLP, every calibration
# method keeps top-1 within 1 point of the float model on held-back data,
# in our evaluator and in onnxruntime; the ranges equal a numpy redo of
# onnxruntime's calibrators on the same activations; QDQ sits where
# quantize_static puts it; undo restores the bytes; bad --data changes
# nothing and says so in one line (exit 2).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

have_python_onnx || skip_all "/usr/bin/python3 has no onnx"
"$GS_PYTHON" -c 'import torch, sklearn, scipy' 2>/dev/null || skip_all "no torch/sklearn/scipy"
have_ort || skip_all "tests/oracle/node_modules missing (cd tests/oracle && npm install)"
dir=$(fixtures digits-models tests/fixtures/gen_digits_models.py) ||
	{ fail "generate models"; finish; }
out=$(mktemp -d "${TMPDIR:-/tmp}/gs-calib.XXXXXX")
trap 'rm -rf "$out"' EXIT
ref() { "$GS_PYTHON" "$top_srcdir/tests/calib/calib_ref.py" "$@"; }

# top-1 of MODEL on DATA (our evaluator)
acc_gs() {
	"$GS_BIN" run --inputs "$2" --labels "$dir/test_labels.npy" "$1" |
		sed -n 's/^accuracy \([0-9.]*\).*/\1/p'
}
# top-1 in onnxruntime
acc_ort() {
	rm -rf "$out/ort"
	node "$top_srcdir/tests/oracle/ort_run.js" "$1" "$out/ort" "input=$2" >/dev/null || return 1
	"$GS_PYTHON" -c "import numpy as np, sys
print((np.load('$out/ort/0.npy').argmax(1) == np.load('$dir/test_labels.npy')).mean())"
}
within() { "$GS_PYTHON" -c "import sys; sys.exit(0 if $1 >= $2 - 0.01 else 1)"; }

for model in cnn mlp; do
	case $model in
	cnn) train=$dir/train.npz test=$dir/test.npz nq=7 ndq=15 ;;
	mlp) train=$dir/mlp_train.npz test=$dir/mlp_test.npz nq=4 ndq=10 ;;
	esac
	"$GS_PYTHON" -c "import numpy as np
np.save('$out/$model.test.npy', np.load('$test')['input'])"
	float=$(acc_gs "$dir/$model.onnx" "$test")
	ref augment "$dir/$model.onnx" "$out/$model.aug.onnx" &&
		"$GS_BIN" run --inputs "$train" -o "$out/$model.acts.npz" "$out/$model.aug.onnx" \
			>/dev/null || fail "$model: activations"
	methods='minmax|percentile|entropy|entropy --bins 2048'
	[ $model = cnn ] && methods="$methods|percentile 99.9|minmax per-channel"
	IFS='|'
	set -- $methods
	unset IFS
	for method in "$@"; do
		tag="$model $method"
		q=$out/$model.q.$(echo "$method" | tr -c 'a-z0-9\n' _).onnx
		if ! "$GS_BIN" apply -c "quantize int8 static --data $train --method $method" \
			-o "$q" "$dir/$model.onnx" >"$out/log" 2>&1; then
			fail "$tag: $(cat "$out/log")"
			continue
		fi
		a=$(acc_gs "$q" "$test")
		o=$(acc_ort "$q" "$out/$model.test.npy") || o=0
		within "$a" "$float" && within "$o" "$float" &&
			pass "$tag: top-1 float $float, ours $a, onnxruntime $o" ||
			fail "$tag: top-1 float $float, ours $a, onnxruntime $o"
		meth=${method% per-channel}
		ref ranges "$out/$model.acts.npz" "$train" "$out/log" $meth >"$out/ref" &&
			pass "$tag: ranges = numpy ($(tail -1 "$out/ref"))" ||
			fail "$tag: ranges: $(cat "$out/ref")"
		ref placement "$q" $nq $ndq >"$out/ref" && pass "$tag: QDQ placement" ||
			fail "$tag: placement: $(cat "$out/ref")"
		sed -n 's/^calibrated on /  calibrated on /p' "$out/log"
	done
done

onnx_check "$out"/*.q.*.onnx >"$out/check" && pass "checker: $(wc -l <"$out/check") models" ||
	fail "checker: $(grep -v '^ok' "$out/check")"

# undo restores the bytes of a plain load and save
"$GS_BIN" apply -o "$out/plain.onnx" "$dir/cnn.onnx" &&
	"$GS_BIN" apply -c "$(printf 'quantize int8 static --data %s --method entropy\nundo' \
		"$dir/train.npz")" -o "$out/undone.onnx" "$dir/cnn.onnx" >/dev/null &&
	cmp -s "$out/plain.onnx" "$out/undone.onnx" && pass "undo restores the bytes" ||
	fail "undo restores the bytes"

# bad --data: one line, exit 2, nothing written
"$GS_PYTHON" -c "import numpy as np
np.savez('$out/wrongname.npz', x=np.zeros((4, 1, 8, 8), np.float32))
open('$out/corrupt.npz', 'wb').write(b'PK\x03\x04' + bytes(range(200)))"
for bad in "wrongname.npz:$out/wrongname.npz" "wrong shape:$dir/mlp_train.npz" \
	   "corrupt:$out/corrupt.npz" "missing:$out/none.npz"; do
	what=${bad%%:*} file=${bad#*:}
	rm -f "$out/bad.onnx"
	"$GS_BIN" apply -c "quantize int8 static --data $file" -o "$out/bad.onnx" \
		"$dir/cnn.onnx" >/dev/null 2>"$out/err"
	rc=$?
	if [ $rc -eq 2 ] && [ "$(wc -l <"$out/err")" -eq 1 ] && [ ! -e "$out/bad.onnx" ]; then
		pass "bad --data ($what): $(cat "$out/err")"
	else
		fail "bad --data ($what): exit $rc, $(cat "$out/err")"
	fi
done
"$GS_BIN" apply -c "quantize int8 static --method entropy" -o "$out/bad.onnx" \
	"$dir/cnn.onnx" >/dev/null 2>"$out/err"
[ $? -eq 2 ] && grep -q "which data" "$out/err" && pass "no --data refused" ||
	fail "no --data: $(cat "$out/err")"
# onnxruntime's QDQ fusion takes: the static models run on int8 kernels
# (QLinearConv, QGemm), with no float Conv or Gemm left
for m in "cnn:train.npz:1,1,8,8" "mlp:mlp_train.npz:1,64"; do
	name=${m%%:*} rest=${m#*:} data=${rest%%:*} shape=${rest#*:}
	"$GS_BIN" apply -c "quantize int8 static --data $dir/$data" -o "$out/k-$name.onnx" \
		"$dir/$name.onnx" >/dev/null || { fail "$name: quantize for the kernel check"; continue; }
	k=$(node "$top_srcdir/tests/oracle/ort_kernels.js" "$out/k-$name.onnx" "$shape")
	echo "# onnxruntime kernels of the int8 $name: $k"
	echo "$k" | "$GS_PYTHON" -c "
import json, sys
k = json.load(sys.stdin)
q = k.get('QLinearConv', 0) + k.get('QGemm', 0) + k.get('QLinearMatMul', 0)
f = sum(k.get(op, 0) for op in ('Conv', 'FusedConv', 'Gemm', 'FusedGemm', 'MatMul'))
sys.exit(0 if q > 0 and f == 0 else 1)" &&
		pass "$name: onnxruntime runs int8 kernels ($k)" ||
		fail "$name: onnxruntime kernels $k"
done
finish
