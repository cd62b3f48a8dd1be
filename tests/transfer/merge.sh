#!/bin/sh
# Issue 11, parameter level: `graphsmith merge` for every method on PyTorch
# fine-tunes of one MLP (tests/transfer/gen_transfer_models.py), checked
# byte for byte against numpy (tests/transfer/check_merge.py pairs the
# parameters itself, by op position, not through our matcher); a renamed,
# reordered copy with a transposed Gemm weight; Conv+BatchNormalization
# against a folded Conv; refusals; the checker, onnxruntime and our
# evaluator on the results; the console step and its undo.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

have_python_onnx || skip_all "python3-onnx is missing"
"$GS_PYTHON" -c 'import torch, sklearn' 2>/dev/null || skip_all "python3-torch or sklearn is missing"
dir=$(fixtures transfer tests/transfer/gen_transfer_models.py) || { echo "cannot generate models"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gs-merge.XXXXXX")
trap '[ -n "${GS_KEEP_TMP:-}" ] || rm -rf "$tmp"' EXIT
check="$GS_PYTHON $top_srcdir/tests/transfer/check_merge.py"
n=0

runs() {	# runs MODEL INPUTS LABEL: checker, onnxruntime and our evaluator agree
	if onnx_check "$1" >"$tmp/chk" 2>&1; then pass "$3: checker"; else cat "$tmp/chk"; fail "$3: checker"; fi
	if "$GS_BIN" run --inputs "$2" -o "$tmp/ours.npz" "$1" >/dev/null 2>"$tmp/err"; then
		pass "$3: graphsmith run"
	else
		cat "$tmp/err"; fail "$3: graphsmith run"
	fi
	if have_ort; then
		if ort_compare --atol 1e-5 "$1" >"$tmp/ort" 2>&1; then pass "$3: onnxruntime runs it"
		else cat "$tmp/ort"; fail "$3: onnxruntime"; fi
	fi
}

merge() {	# merge LABEL CHECK-ARGS -- MERGE-ARGS: merge, then numpy's verdict
	label=$1; shift
	cargs=""
	while [ "$1" != "--" ]; do cargs="$cargs $1"; shift; done
	shift
	n=$((n + 1))
	out="$tmp/m$n.onnx"
	if "$GS_BIN" merge --debug "$@" -o "$out" >"$tmp/report$n" 2>"$tmp/err"; then
		pass "$label: merged"
	else
		cat "$tmp/err"; fail "$label: merge failed"; return
	fi
	# the models as check_merge.py wants them: the merged ones, without options
	models=$(for a in "$@"; do case $a in *.onnx) echo "$a";; esac; done | grep -v "^$base_model$" | tr '\n' ' ')
	# shellcheck disable=SC2086
	if $check --report "$tmp/report$n" $cargs "$out" $models >"$tmp/chk$n" 2>&1; then
		pass "$label: every tensor equals numpy's ($(tail -1 "$tmp/chk$n"))"
	else
		cat "$tmp/chk$n"; fail "$label: differs from numpy"
	fi
}

cd "$dir" || exit 1
base_model=base.onnx
merge "linear alpha" --alpha 0.3 linear -- --method linear --alpha 0.3 ft1.onnx ft2.onnx
merge "linear renamed+reordered+transposed" --alpha 0.3 linear -- --method linear --alpha 0.3 ft1.onnx ft2_renamed.onnx
cmp "$tmp/m1.onnx" "$tmp/m2.onnx" >/dev/null && pass "renamed copy merges to the same bytes" || fail "renamed copy merges differently"
merge "linear weights" --weights 1,2,3 linear -- --method linear --weights 1,2,3 ft1.onnx ft2_renamed.onnx ft3.onnx
merge "slerp (lerp fallback)" --t 0.4 slerp -- --method slerp --t 0.4 ft1.onnx ft2.onnx
merge "slerp (angle)" --t 0.4 slerp -- --method slerp --t 0.4 ft1.onnx other.onnx
grep -q "^warning: median cosine" "$tmp/report$n" && pass "lineage warning for models of different starts" || fail "no lineage warning"
grep -q "^warning" "$tmp/report1" && fail "lineage warning on fine-tunes of one start" || pass "no lineage warning on fine-tunes"
merge "task" --base base.onnx --lambda 0.7 task -- --method task --base base.onnx --lambda 0.7 ft1.onnx ft2.onnx ft3.onnx
merge "ties" --base base.onnx --density 0.3 ties -- --method ties --base base.onnx --density 0.3 ft1.onnx ft2_renamed.onnx ft3.onnx
merge "ties lambda" --base base.onnx --density 0.5 --lambda 1.5 ties -- --method ties --base base.onnx --density 0.5 --lambda 1.5 ft1.onnx ft2.onnx
merge "dare" --base base.onnx --drop 0.3 --seed 42 --lambda 0.8 dare -- --method dare --base base.onnx --drop 0.3 --seed 42 --lambda 0.8 ft1.onnx ft2_renamed.onnx ft3.onnx
dare=$n
merge "dare other seed" --base base.onnx --drop 0.3 --seed 43 --lambda 0.8 dare -- --method dare --base base.onnx --drop 0.3 --seed 43 --lambda 0.8 ft1.onnx ft2_renamed.onnx ft3.onnx
cmp "$tmp/m$dare.onnx" "$tmp/m$n.onnx" >/dev/null && fail "dare ignores the seed" || pass "dare: another seed, another mask"
for k in 1 3 5 7 8 9; do runs "$tmp/m$k.onnx" x.npz "merged model $k"; done

# Conv+BatchNormalization against a folded Conv: merged in the folded form
"$GS_BIN" apply -c "fuse conv-bn" -o "$tmp/cnnbn1_folded.onnx" cnnbn1.onnx >/dev/null
if "$GS_BIN" merge --method linear --alpha 0.6 -o "$tmp/cnn.onnx" cnnbn1.onnx cnnbn2_folded.onnx >"$tmp/r" 2>&1 &&
   grep -q "folded 1 BatchNormalization" "$tmp/r"; then pass "conv+bn: folded first"; else cat "$tmp/r"; fail "conv+bn merge"; fi
if $check --alpha 0.6 linear "$tmp/cnn.onnx" "$tmp/cnnbn1_folded.onnx" cnnbn2_folded.onnx >"$tmp/chk" 2>&1; then
	pass "conv+bn: every tensor equals numpy's on the folded inputs"
else cat "$tmp/chk"; fail "conv+bn: differs"; fi
runs "$tmp/cnn.onnx" x_cnn.npz "conv+bn merged"

# refusals: exit 2, one line on stderr, nothing written
refuse() {	# refuse LABEL ARGS...
	label=$1; shift
	rm -f "$tmp/no.onnx"
	"$GS_BIN" merge "$@" -o "$tmp/no.onnx" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && [ ! -e "$tmp/no.onnx" ]; then
		pass "$label: exit 2, one line: $(cat "$tmp/err")"
	else
		cat "$tmp/err"; fail "$label: rc $rc, $(wc -l <"$tmp/err") lines"
	fi
}
refuse "mismatched shapes" --method linear ft1.onnx wide.onnx
grep -q "^mismatch: 0.weight \[32,64\] vs 0.weight \[48,64\]" "$tmp/out" && pass "mismatches listed" || fail "mismatches not listed"
refuse "no base" --method task ft1.onnx ft2.onnx
refuse "slerp of three" --method slerp ft1.onnx ft2.onnx ft3.onnx
refuse "unknown method" --method soup ft1.onnx ft2.onnx
refuse "bad density" --method ties --base base.onnx --density 0 ft1.onnx ft2.onnx
if "$GS_BIN" merge --method linear --skip-mismatched -o "$tmp/skip.onnx" ft1.onnx wide.onnx >"$tmp/out" 2>&1 &&
   grep -q "^kept 0.weight" "$tmp/out" &&
   $check --skip 0.weight,0.bias,2.weight linear "$tmp/skip.onnx" ft1.onnx wide.onnx >"$tmp/chk" 2>&1; then
	pass "--skip-mismatched keeps the first model's tensors, merges the rest ($(tail -1 "$tmp/chk"))"
else cat "$tmp/out" "$tmp/chk"; fail "--skip-mismatched"; fi

# the console step: one undoable step, undo gives back the bytes
printf 'merge linear --alpha 0.3 ft2_renamed.onnx\nsave %s\nundo\nsave %s\n' "$tmp/c1.onnx" "$tmp/c0.onnx" >"$tmp/script"
if "$GS_BIN" apply -f "$tmp/script" -o "$tmp/c.onnx" ft1.onnx >"$tmp/out" 2>&1 &&
   "$GS_BIN" diff "$tmp/c1.onnx" "$tmp/m1.onnx" >/dev/null && cmp "$tmp/c0.onnx" ft1.onnx >/dev/null; then
	pass "console merge equals the headless one; undo restores the bytes"
else cat "$tmp/out"; fail "console merge / undo"; fi
finish
