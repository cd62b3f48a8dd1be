#!/bin/sh
# graphsmith run and compare on small python3-onnx models: summaries,
# accuracy, outputs written to .npz, and every bad input as one line and
# exit 2; compare pairs tensors without names, gives the same report
# however small its memory window, and holds at most twice the tensor
# memory of one model's run.
. "$top_srcdir/tests/lib.sh"
have_python_onnx || skip_all "python3-onnx is not installed"
dir=$(fixtures run-cases tests/eval/gen_run_cases.py) || { fail "cannot make the fixtures"; finish; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$dir" || exit 1

expect_error() {	# expect_error "WHAT" "EXPECTED LINE" ARGS...: one line, exit 2
	what=$1 want=$2
	shift 2
	"$GS_BIN" "$@" >"$work/out" 2>"$work/err"
	rc=$?
	if [ $rc -eq 2 ] && [ "$(wc -l <"$work/err")" -eq 1 ] && [ "$(cat "$work/err")" = "$want" ] &&
		[ ! -s "$work/out" ]; then
		pass "$what"
	else
		fail "$what: exit $rc, stderr: $(cat "$work/err"), stdout: $(head -c 300 "$work/out")"
	fi
}

out=$("$GS_BIN" run --input x=x.npy --labels labels.npy -o "$work/y.npz" mlp.onnx)
case $out in
*"output 'y' float32 [5,4]"*"accuracy 1.0000 (5/5)"*) pass "run: summary and accuracy" ;;
*) fail "run: $out" ;;
esac
if "$GS_PYTHON" -c "
import numpy as np, sys
y = np.load('$work/y.npz')['y']; x = np.load('x.npy')
import onnx, onnx.numpy_helper as nh
w = {t.name: nh.to_array(t) for t in onnx.load('mlp.onnx').graph.initializer}
ref = np.maximum(x @ w['w1'].T + w['b1'], 0) @ w['w2'].T
sys.exit(0 if np.allclose(y, ref, rtol=1e-5, atol=1e-5) else 1)"; then
	pass "run -o: outputs equal numpy's"
else
	fail "run -o: outputs differ from numpy's"
fi
"$GS_BIN" run --dim N=3 --random 7 --json mlp.onnx >"$work/a.json" &&
	"$GS_BIN" run --dim N=3 --random 7 --json mlp.onnx >"$work/b.json" &&
	cmp -s "$work/a.json" "$work/b.json" && grep -q '"shape": \[' "$work/a.json" &&
	pass "run --random: reproducible" || fail "run --random: two runs differ"

expect_error "symbolic dim without --dim" \
	"graphsmith: cannot run 'mlp.onnx': input 'x' has symbolic dim 'N': give its size with --dim N=SIZE" \
	run mlp.onnx
expect_error "extra array" \
	"graphsmith: cannot run 'mlp.onnx': cannot use 'extra.npz': array 'z' is not an input of the model" \
	run --inputs extra.npz mlp.onnx
expect_error "wrong dtype" \
	"graphsmith: cannot run 'mlp.onnx': input 'x' is int64, the model expects float32" \
	run --input x=x_int.npy mlp.onnx
expect_error "wrong shape" \
	"graphsmith: cannot run 'mlp.onnx': input 'x' has shape [5,7], the model expects [N,8]" \
	run --input x=x_shape.npy mlp.onnx
expect_error "unknown input" \
	"graphsmith: cannot run 'mlp.onnx': the model has no input 'y'" \
	run --input y=x.npy mlp.onnx
expect_error "unsupported op" \
	"graphsmith: cannot run 'unsupported.onnx': node 'fancy' (FancyNorm, domain 'com.example', opset 1): the evaluator does not know this op at this opset" \
	run unsupported.onnx
GS_EVAL_MEM_MB=4096 expect_error "intermediate too big" \
	"graphsmith: cannot run 'big.onnx': node 'expand' (Expand): output 0: a tensor of 38146 MiB would pass the evaluator's memory limit of 4096 MiB (GS_EVAL_MEM_MB)" \
	run big.onnx
"$GS_BIN" run --inputs truncated.npz mlp.onnx >/dev/null 2>"$work/err"
rc=$?
[ $rc -eq 2 ] && [ "$(wc -l <"$work/err")" -eq 1 ] && grep -q "truncated.npz" "$work/err" &&
	pass "truncated npz: $(cat "$work/err")" || fail "truncated npz: exit $rc: $(cat "$work/err")"

# compare: names are not needed
"$GS_BIN" compare --json --input x=x.npy mlp.onnx renamed.onnx >"$work/c.json"
rc=$?
if [ $rc -eq 0 ] && "$GS_PYTHON" -c "
import json, sys
r = json.load(open('$work/c.json'))
pairs = {(p['tensor_a'], p['tensor_b']): p['sqnr_db'] for p in r['pairs']}
sys.exit(0 if pairs == {('h', 't0'): 'exact', ('r', 't1'): 'exact', ('y', 'logits'): 'exact'} else 1)"; then
	pass "compare: a renamed copy pairs every tensor, all exact, exit 0"
else
	fail "compare renamed: exit $rc: $(head -c 600 "$work/c.json")"
fi
GS_COMPARE_WINDOW=1 "$GS_BIN" compare --json --input x=x.npy mlp.onnx renamed.onnx >"$work/c1.json"
if "$GS_PYTHON" -c "
import json, sys
a, b = json.load(open('$work/c.json')), json.load(open('$work/c1.json'))
pa, pb = a.pop('peak_tensor_bytes'), b.pop('peak_tensor_bytes')
sys.exit(0 if a == b else 1)"; then
	pass "compare: the same report with a one-tensor memory window"
else
	fail "compare: the report changes with the memory window"
fi
peak_run=$("$GS_BIN" run --json --input x=x.npy mlp.onnx | sed -n 's/.*"peak_tensor_bytes": \([0-9]*\).*/\1/p')
peak_cmp=$(sed -n 's/.*"peak_tensor_bytes": \([0-9]*\).*/\1/p' "$work/c.json")
[ -n "$peak_run" ] && [ -n "$peak_cmp" ] && [ "$peak_cmp" -le $((2 * peak_run)) ] &&
	pass "compare holds $peak_cmp bytes of tensors, run $peak_run (at most twice)" ||
	fail "compare peak $peak_cmp vs run $peak_run"
"$GS_BIN" compare --input x=x.npy mlp.onnx unsupported.onnx >/dev/null 2>"$work/err"
rc=$?
[ $rc -eq 2 ] && [ "$(wc -l <"$work/err")" -eq 1 ] && pass "compare: trouble is exit 2: $(cat "$work/err")" ||
	fail "compare trouble: exit $rc: $(cat "$work/err")"
finish
