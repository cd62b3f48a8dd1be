#!/bin/sh
# The tape's gradients equal torch autograd's on an exported CNN (conv with
# groups, stride, dilation; BatchNormalization; pools; concat; Gemm;
# MatMul; LogSoftmax), for every parameter and the input.
. "$top_srcdir/tests/lib.sh"
have_python_onnx || skip_all "python3 with onnx and numpy is needed"
"$GS_PYTHON" -c 'import torch' 2>/dev/null || skip_all "python3 torch is needed"
dir=$(fixtures grad-cases tests/learn/gen_grad_cases.py) || { fail "generate cases"; finish; }
out=$(./tests/learn/gradcheck "$dir/torch_cnn.onnx" "$dir/torch_cnn.npz" 2>&1)
rc=$?
echo "$out"
[ $rc -eq 0 ] && pass "every gradient within 1e-3 of torch's" || fail "gradients differ from torch"
echo "$out" | grep -q "torch_err" && pass "torch reference read" || fail "no torch reference"
[ "$(echo "$out" | grep -c torch_err)" -ge 10 ] && pass "9 parameters and the input checked" ||
	fail "fewer tensors checked than expected"
finish
