#!/bin/sh
# prune importance: squared-gradient scores over data; S cuts exactly
# floor(n * S) per layer (or across layers with --global); --threshold a
# cuts below a * max(I); each layer's scores summarised; errors are one line.
. "$top_srcdir/tests/lib.sh"
have_python_onnx || skip_all "python3 with onnx and numpy is needed"
"$GS_PYTHON" -c 'import torch, sklearn' 2>/dev/null || skip_all "python3 torch and sklearn are needed"
dir=$(fixtures digits-models tests/fixtures/gen_digits_models.py) || { fail "fixtures"; finish; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$GS_PYTHON" -c "
import numpy as np
d = np.load('$dir/mlp_train.npz'); np.savez('$tmp/small.npz', input=d['input'][:60])
np.save('$tmp/small_labels.npy', np.load('$dir/train_labels.npy')[:60])
d = np.load('$dir/train.npz'); np.savez('$tmp/cnn.npz', input=d['input'][:20])"
zeros() { "$GS_PYTHON" - "$1" <<'PY'
import sys, onnx
from onnx import numpy_helper
m = onnx.load(sys.argv[1])
print(" ".join(str(int((numpy_helper.to_array(i) == 0).sum())) for i in m.graph.initializer
               if i.dims and len(i.dims) >= 2))
PY
}
"$GS_BIN" apply -c "prune importance 0.3 --data $tmp/small.npz" -o "$tmp/a.onnx" \
	"$dir/mlp.onnx" >"$tmp/r1" 2>&1 || { cat "$tmp/r1"; fail "prune importance"; }
cat "$tmp/r1"
# 8192, 8192, 640 weights: floor(0.3 n) each
[ "$(zeros "$tmp/a.onnx")" = "2457 2457 192" ] && pass "exactly 30% per layer" ||
	fail "zeros per layer: $(zeros "$tmp/a.onnx")"
[ "$(grep -c 'importance min .* median .* max .*; cut' "$tmp/r1")" -eq 3 ] &&
	pass "scores summarised per layer" || fail "summary"
"$GS_BIN" apply -c "prune importance 0.5 --global --data $tmp/small.npz --labels $tmp/small_labels.npy" \
	-o "$tmp/b.onnx" "$dir/mlp.onnx" >"$tmp/r2" 2>&1 || { cat "$tmp/r2"; fail "--global"; }
total=$(zeros "$tmp/b.onnx" | awk '{ print $1 + $2 + $3 }')
[ "$total" -eq 8512 ] && pass "--global cuts exactly half of all 17024" || fail "global zeros $total"
"$GS_BIN" apply -c "prune importance --threshold 0.001 --data $tmp/small.npz" \
	-o "$tmp/c.onnx" "$dir/mlp.onnx" >"$tmp/r3" 2>&1 || { cat "$tmp/r3"; fail "--threshold"; }
grep -q "threshold 0.001 \* max" "$tmp/r3" && pass "threshold reported" || fail "threshold line"
# the per-layer cut counts the report gives are the zeros now in the model
[ "$(sed -n 's/.*; cut \([0-9]*\) of.*/\1/p' "$tmp/r3" | tr '\n' ' ' | sed 's/ $//')" = "$(zeros "$tmp/c.onnx")" ] &&
	pass "threshold cuts what it reports" || fail "threshold cut mismatch"
"$GS_BIN" apply -c "prune importance 0.5 --data $tmp/cnn.npz" -o "$tmp/d.onnx" \
	"$dir/cnn.onnx" >"$tmp/r4" 2>&1 && pass "CNN scored (Conv, MaxPool, Gemm)" ||
	{ cat "$tmp/r4"; fail "cnn"; }
"$GS_BIN" apply -c "prune importance 0.5" -o "$tmp/e.onnx" "$dir/mlp.onnx" 2>"$tmp/e1"
[ $? -ne 0 ] && grep -q "needs --data" "$tmp/e1" && [ ! -e "$tmp/e.onnx" ] &&
	pass "no data: refused" || fail "no data"
finish
