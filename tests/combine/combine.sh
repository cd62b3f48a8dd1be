#!/bin/sh
# Issue 11, model and network level: ensemble, compose, graft and their IO
# adapters, checked in onnxruntime against the members run separately
# (check_combine.py), by the onnx checker and by our evaluator; refusals
# exit 2 with one line.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

have_python_onnx || skip_all "python3 with onnx and numpy is not available"
"$GS_PYTHON" -c 'import torch, sklearn' 2>/dev/null || skip_all "python3 torch/sklearn missing"
have_ort || skip_all "onnxruntime-node is not installed in tests/oracle"
dir=$(fixtures combine-models tests/combine/gen_combine_models.py) || skip_all "fixtures failed"
work=$(mktemp -d) && trap 'rm -rf "$work"' EXIT

GS_BIN="$GS_BIN" "$GS_PYTHON" "$top_srcdir/tests/combine/check_combine.py" "$dir" "$work" ||
	fail "numeric checks (above)"

# console commands on B: the same models as the CLI's, and undo gives the
# original bytes back
"$GS_BIN" apply -c "ensemble --combine vote --weights 1,1,3 $dir/mlp_b.onnx $dir/cnn_c.onnx" \
	-o "$work/cvote.onnx" "$dir/mlp_a.onnx" >/dev/null &&
"$GS_BIN" apply -c "compose $dir/to_nhwc.onnx" -o "$work/ccomp.onnx" "$dir/cnn_c.onnx" >/dev/null &&
"$GS_BIN" apply -c "graft --from features --to logits $dir/head.onnx" -o "$work/cgraft.onnx" \
	"$dir/mlp_a.onnx" >/dev/null || fail "console ensemble/compose/graft"
for pair in cvote:vote ccomp:comp cgraft:graft; do
	if ort_compare --atol 1e-5 "$work/${pair%%:*}.onnx" "$work/${pair#*:}.onnx" --shape x=8,64 \
		>"$work/cmp" 2>&1; then
		pass "console ${pair%%:*} computes what the CLI's ${pair#*:} does"
	else
		fail "console ${pair%%:*} differs from ${pair#*:}: $(tail -3 "$work/cmp")"
	fi
done
for c in "ensemble $dir/mlp_b.onnx $dir/cnn_c.onnx:mlp_a" "compose $dir/to_nhwc.onnx:cnn_c" \
	 "graft --from features --to logits $dir/head.onnx:mlp_a"; do
	m=${c##*:}
	"$GS_BIN" apply -c "${c%:*}; undo" -o "$work/undo.onnx" "$dir/$m.onnx" >/dev/null 2>&1 &&
		cmp -s "$work/undo.onnx" "$dir/$m.onnx" && pass "undo of '${c%% *}' gives $m's bytes" ||
		fail "undo of '${c%% *}' does not give $m's bytes back"
done

# refusals: exit 2, one line on stderr, no output file
refuses() {	# refuses WHAT PATTERN ARGS...
	what=$1 pat=$2
	shift 2
	"$GS_BIN" "$@" >"$work/out" 2>"$work/err"
	rc=$?
	if [ "$rc" -eq 2 ] && [ "$(wc -l <"$work/err")" -eq 1 ] && grep -q -- "$pat" "$work/err" &&
	   [ ! -e "$work/bad.onnx" ]; then
		pass "$what refused: $(cat "$work/err")"
	else
		fail "$what: exit $rc, stderr: $(cat "$work/err")"
	fi
}
refuses "compose 10 logits into 64 inputs" "10 elements per item against 64" \
	compose -o "$work/bad.onnx" "$dir/mlp_a.onnx" "$dir/mlp_a.onnx"
refuses "compose --plan of the same" "cannot feed B input 'x'" \
	compose --plan "$dir/mlp_a.onnx" "$dir/mlp_a.onnx"
refuses "compose --map to a missing input" "B has no input 'nosuch'" \
	compose --map logits=nosuch -o "$work/bad.onnx" "$dir/mlp_a.onnx" "$dir/head.onnx"
refuses "ensemble of models with 1 and 2 outputs" "model 2 has 2 outputs, model 1 has 1" \
	ensemble -o "$work/bad.onnx" "$dir/mlp_a.onnx" "$dir/two_out.onnx"
refuses "ensemble --combine bogus" "mean, softmax-mean, vote or concat" \
	ensemble --combine bogus -o "$work/bad.onnx" "$dir/mlp_a.onnx" "$dir/mlp_b.onnx"
refuses "ensemble with two weights for three models" "wants 3 numbers" \
	ensemble --weights 1,2 -o "$work/bad.onnx" "$dir/mlp_a.onnx" "$dir/mlp_b.onnx" "$dir/cnn_c.onnx"
refuses "ensemble with a negative weight" "weight 2 is -1: weights must be >= 0" \
	ensemble --weights 1,-1 -o "$work/bad.onnx" "$dir/mlp_a.onnx" "$dir/mlp_b.onnx"
refuses "ensemble of one model" "at least two models" ensemble -o "$work/bad.onnx" "$dir/mlp_a.onnx"
refuses "ensemble whose member needs an impossible adapter" "model 2 input 'feat'" \
	ensemble -o "$work/bad.onnx" "$dir/mlp_a.onnx" "$dir/head.onnx"
refuses "graft to a missing tensor" "no tensor 'nosuch'" \
	graft --from features --to nosuch -o "$work/bad.onnx" "$dir/mlp_a.onnx" "$dir/head.onnx"
refuses "graft with a part of the wrong arity" "the part has 1 inputs and 1 outputs" \
	graft --from x,features --to logits -o "$work/bad.onnx" "$dir/mlp_a.onnx" "$dir/head.onnx"
refuses "graft upstream of its source" "cycle" \
	graft --from logits --to features -o "$work/bad.onnx" "$dir/mlp_a.onnx" "$dir/widen.onnx"
finish
