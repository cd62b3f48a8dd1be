#!/bin/sh
# An untrained MLP distilled from the trained MLP teacher reaches at least
# 95% of the teacher's top-1 on held-back digits; the result is standard
# ONNX (checker, onnxruntime agree); the report says before/after.
. "$top_srcdir/tests/lib.sh"
have_python_onnx || skip_all "python3 with onnx and numpy is needed"
"$GS_PYTHON" -c 'import torch, sklearn' 2>/dev/null || skip_all "python3 torch and sklearn are needed"
dir=$(fixtures digits-models tests/fixtures/gen_digits_models.py) || { fail "fixtures"; finish; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
acc() { "$GS_BIN" run --inputs "$dir/mlp_test.npz" --labels "$dir/test_labels.npy" "$1" |
	sed -n 's/^accuracy \([0-9.]*\).*/\1/p'; }

"$GS_BIN" distill --teacher "$dir/mlp.onnx" --data "$dir/mlp_train.npz" \
	--labels "$dir/train_labels.npy" --steps 300 --seed 1 \
	-o "$tmp/student.onnx" "$dir/mlp_student.onnx" >"$tmp/report" 2>"$tmp/err"
rc=$?
cat "$tmp/report" "$tmp/err"
[ $rc -eq 0 ] && pass "distill exit 0" || fail "distill exit $rc"
grep -q '^loss .* -> ' "$tmp/report" && pass "loss before and after" || fail "no loss line"
grep -q '^top-1 on the data .* -> ' "$tmp/report" && pass "accuracy before and after" ||
	fail "no accuracy line"
grep -q 'steps/s' "$tmp/report" && pass "steps per second" || fail "no rate"
teacher=$(acc "$dir/mlp.onnx"); before=$(acc "$dir/mlp_student.onnx"); after=$(acc "$tmp/student.onnx")
echo "held-back top-1: teacher $teacher, student $before -> $after"
awk -v a="$after" -v t="$teacher" 'BEGIN { exit !(a >= 0.95 * t) }' &&
	pass "student reaches >= 95% of the teacher's top-1" || fail "student $after vs teacher $teacher"
awk -v a="$after" -v b="$before" 'BEGIN { exit !(a > b + 0.5) }' && pass "a real gain" ||
	fail "no gain: $before -> $after"
onnx_check "$tmp/student.onnx" >/dev/null 2>&1 && pass "onnx checker" || fail "onnx checker"
if have_ort; then
	ort_compare --shape input=8,64 "$tmp/student.onnx" >"$tmp/ort" 2>&1 &&
		pass "onnxruntime runs it" || { cat "$tmp/ort"; fail "onnxruntime"; }
fi
# errors: one line, exit 2, nothing written
"$GS_BIN" distill --teacher "$tmp/missing.onnx" --data "$dir/mlp_train.npz" \
	-o "$tmp/x.onnx" "$dir/mlp_student.onnx" 2>"$tmp/e1"
[ $? -eq 2 ] && [ ! -e "$tmp/x.onnx" ] && [ "$(wc -l <"$tmp/e1")" -eq 1 ] &&
	pass "missing teacher: exit 2, one line, nothing saved" || { cat "$tmp/e1"; fail "missing teacher"; }
"$GS_BIN" distill --teacher "$dir/mlp.onnx" --data "$dir/mlp_train.npz" --alpha 2 \
	-o "$tmp/x.onnx" "$dir/mlp_student.onnx" 2>"$tmp/e2"
[ $? -eq 2 ] && [ ! -e "$tmp/x.onnx" ] && pass "bad alpha refused" || fail "bad alpha"
finish
