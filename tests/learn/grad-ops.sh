#!/bin/sh
# Every gradient rule against centred finite differences, on small ONNX
# models covering each op's attributes (gen_grad_cases.py).
. "$top_srcdir/tests/lib.sh"
have_python_onnx || skip_all "python3 with onnx and numpy is needed"
"$GS_PYTHON" -c 'import torch' 2>/dev/null || skip_all "python3 torch is needed"
dir=$(fixtures grad-cases tests/learn/gen_grad_cases.py) || { fail "generate cases"; finish; }
n=0
for m in "$dir"/*.onnx; do
	case=$(basename "$m" .onnx)
	[ "${case#torch_}" = "$case" ] || continue
	n=$((n + 1))
	if out=$(./tests/learn/gradcheck "$m" "$dir/$case.npz" 2>&1); then
		pass "$case: $(echo "$out" | tail -1)"
	else
		echo "$out"
		fail "$case"
	fi
done
[ "$n" -ge 14 ] && pass "$n cases" || fail "only $n cases"
finish
