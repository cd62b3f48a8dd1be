#!/bin/sh
# The ONNX backend conformance data (../shared/onnx-testdata: node/,
# pytorch-converted/, pytorch-operator/, simple/) through the evaluator at
# the ONNX runner's tolerances (rtol 1e-3, atol 1e-7; the ops in
# conform-tolerances.txt with a looser atol, each with its reason).  Nothing may fail
# (a case we cannot run is "unsupported", never a wrong number); every op
# we claim passes at least 90% of its node tests (or is excused, with its
# reason, in conform-excused.txt); the claimed ops cover at least 75% of
# the node test folders.
. "$top_srcdir/tests/lib.sh"
data="$top_srcdir/../shared/onnx-testdata"
[ -d "$data/node" ] || skip_all "../shared/onnx-testdata is absent"
conform="$top_builddir/tests/eval/conform"
excuse=""
for op in $(grep -v '^#' "$top_srcdir/tests/eval/conform-excused.txt" | awk 'NF {print $1}'); do
	excuse="$excuse --excuse $op"
done
while read -r op atol _; do
	case $op in ''|'#'*) continue ;; esac
	excuse="$excuse --op-atol $op=$atol"
done <"$top_srcdir/tests/eval/conform-tolerances.txt"
# shellcheck disable=SC2086
if "$conform" --min-pass 0.9 --min-coverage 0.75 $excuse "$data/node" >"$top_builddir/conform-node.out" 2>&1; then
	pass "node: $(tail -1 "$top_builddir/conform-node.out")"
else
	grep -v '^[A-Za-z.:]* *[0-9]' "$top_builddir/conform-node.out" | tail -20
	fail "node: $(tail -1 "$top_builddir/conform-node.out")"
fi
for set in pytorch-converted pytorch-operator simple; do
	if "$conform" "$data/$set" >"$top_builddir/conform-$set.out" 2>&1; then
		pass "$set: $(tail -1 "$top_builddir/conform-$set.out")"
	else
		"$conform" -v "$data/$set" 2>&1 | grep '^FAIL' | head -10
		fail "$set: $(tail -1 "$top_builddir/conform-$set.out")"
	fi
done
finish
