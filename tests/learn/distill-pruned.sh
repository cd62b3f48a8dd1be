#!/bin/sh
# The trained MLP pruned to 80% sparsity, then distilled from the unpruned
# teacher: within 1 point of the teacher's held-back top-1, and every
# pruned zero is still zero (same zeros, same places).  In the console:
# one step, and undo restores the bytes.
. "$top_srcdir/tests/lib.sh"
have_python_onnx || skip_all "python3 with onnx and numpy is needed"
"$GS_PYTHON" -c 'import torch, sklearn' 2>/dev/null || skip_all "python3 torch and sklearn are needed"
dir=$(fixtures digits-models tests/fixtures/gen_digits_models.py) || { fail "fixtures"; finish; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
acc() { "$GS_BIN" run --inputs "$dir/mlp_test.npz" --labels "$dir/test_labels.npy" "$1" |
	sed -n 's/^accuracy \([0-9.]*\).*/\1/p'; }

"$GS_BIN" apply -c "prune magnitude 0.8" -o "$tmp/p80.onnx" "$dir/mlp.onnx" >/dev/null ||
	fail "prune"
"$GS_BIN" apply -c "distill --teacher '$dir/mlp.onnx' --data '$dir/mlp_train.npz' --labels '$dir/train_labels.npy' --steps 300 --lr 0.003" \
	-o "$tmp/p80d.onnx" "$tmp/p80.onnx" >"$tmp/report" 2>&1 || { cat "$tmp/report"; fail "distill"; }
cat "$tmp/report"
teacher=$(acc "$dir/mlp.onnx"); pruned=$(acc "$tmp/p80.onnx"); after=$(acc "$tmp/p80d.onnx")
echo "held-back top-1: teacher $teacher, pruned $pruned -> distilled $after"
awk -v a="$after" -v t="$teacher" 'BEGIN { exit !(a >= t - 0.01) }' &&
	pass "within 1 point of the teacher" || fail "distilled $after vs teacher $teacher"
awk -v a="$after" -v b="$pruned" 'BEGIN { exit !(a > b) }' && pass "recovered from $pruned" ||
	fail "no recovery"
"$GS_PYTHON" - "$tmp/p80.onnx" "$tmp/p80d.onnx" <<'PY' && pass "pruned zeros stay zero, the rest trained" || fail "mask not kept"
import sys, onnx
from onnx import numpy_helper
a, b = (onnx.load(p) for p in sys.argv[1:3])
wa = {i.name: numpy_helper.to_array(i) for i in a.graph.initializer}
wb = {i.name: numpy_helper.to_array(i) for i in b.graph.initializer}
changed = 0
for k, v in wa.items():
    if v.ndim == 2:
        assert ((v == 0) == (wb[k] == 0)).all(), k
        changed += int((v != wb[k]).any())
assert changed == 3, changed
PY
grep -q "kept at zero" "$tmp/report" && pass "report counts the kept zeros" || fail "no zeros count"

# undo restores the bytes; the step is one history entry
"$GS_BIN" apply -o "$tmp/same.onnx" "$tmp/p80.onnx" || fail "plain save"
"$GS_BIN" apply -c "distill --teacher '$dir/mlp.onnx' --data '$dir/mlp_train.npz' --steps 20; undo" \
	-o "$tmp/undone.onnx" "$tmp/p80.onnx" >/dev/null 2>&1 || fail "distill; undo"
cmp -s "$tmp/same.onnx" "$tmp/undone.onnx" && pass "undo restores the bytes" || fail "undo differs"
"$GS_BIN" apply -c "distill --teacher '$dir/mlp.onnx' --data '$dir/mlp_train.npz' --steps 20; history" \
	-o "$tmp/h.onnx" "$tmp/p80.onnx" >"$tmp/hist" 2>&1
grep -q "distill" "$tmp/hist" && pass "history lists the step" || fail "history"
finish
