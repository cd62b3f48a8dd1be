#!/bin/sh
# Wanda and reconstruct against numpy on a small Conv+Gemm+Gemm model:
# exactly the weights numpy's Wanda cuts (per output row, |W|*||X_k||,
# Conv features as im2col columns); reconstruct --damp 0 gives numpy's
# lstsq over each row's kept weights and bias, inputs from the already
# reconstructed layers; N:M and channels take --data and say their scores.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
have_python_onnx || skip_all "python3 onnx/numpy missing"
dir=$(fixtures recon-small tests/fixtures/gen_recon_small.py) || fail "fixtures"
G=$GS_BIN
chk="$top_srcdir/tests/learn/recon_check.py"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gs-recon.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

for s in 0.5 0.3; do
	"$G" apply -c "prune magnitude $s --data $dir/data.npz" -o "$tmp/w.onnx" "$dir/small.onnx" \
		>"$tmp/w.log" || fail "wanda $s ran"
	grep -q "wanda 'w2': scores |w|\*||x|| min" "$tmp/w.log" && pass "wanda $s reports its scores" ||
		fail "wanda $s score summary"
	"$GS_PYTHON" "$chk" wanda "$dir/small.onnx" "$dir/data.npz" "$tmp/w.onnx" $s >"$tmp/c.log" &&
		pass "wanda $s cuts exactly numpy's weights" ||
		{ sed 's/^/# /' "$tmp/c.log"; fail "wanda $s differs from numpy"; }
done
# magnitude alone cuts other weights on this data (so the check can fail)
"$G" apply -c "prune magnitude 0.5" -o "$tmp/m.onnx" "$dir/small.onnx" >/dev/null
"$GS_PYTHON" "$chk" wanda "$dir/small.onnx" "$dir/data.npz" "$tmp/m.onnx" 0.5 >/dev/null &&
	fail "magnitude pruning passed for Wanda" || pass "the Wanda check tells magnitude apart"

"$G" apply -c "prune magnitude 0.5; save $tmp/p.onnx; reconstruct --damp 0 --data $dir/data.npz" \
	-o "$tmp/r.onnx" "$dir/small.onnx" >"$tmp/r.log" || fail "reconstruct ran"
grep -q "^Gemm 'fc1': relative MSE" "$tmp/r.log" && pass "reconstruct reports each layer" ||
	fail "reconstruct per-layer report"
"$GS_PYTHON" "$chk" lstsq "$dir/small.onnx" "$dir/data.npz" "$tmp/p.onnx" "$tmp/r.onnx" >"$tmp/c.log" &&
	pass "reconstruct equals numpy's lstsq per row" ||
	{ sed 's/^/# /' "$tmp/c.log"; fail "reconstruct differs from lstsq"; }

"$G" apply -c "prune nm 2:4 --data $dir/data.npz" -o "$tmp/n.onnx" "$dir/small.onnx" >"$tmp/n.log" ||
	fail "nm --data ran"
grep -q "nm 'w2': scores" "$tmp/n.log" && pass "nm --data reports scores" || fail "nm --data scores"
"$G" apply -c "prune channels 0.25 --data $dir/data.npz" -o "$tmp/c.onnx" "$dir/small.onnx" \
	>"$tmp/ch.log" || fail "channels --data ran"
grep -q "channels 'w2': scores" "$tmp/ch.log" && pass "channels --data reports scores" ||
	fail "channels --data scores"
onnx_check "$tmp/c.onnx" >/dev/null 2>&1 && pass "channels --data saves a valid model" ||
	fail "channels --data model invalid"
finish
