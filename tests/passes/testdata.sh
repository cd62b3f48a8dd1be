#!/bin/sh
# Every pass keeps the model valid: `fuse all`, `quantize int8 per-channel`
# and `prune channels 0.25` on each model of ../shared/onnx-testdata they
# rewrite (IR 3 models included), then python3-onnx's checker and
# onnxruntime (the pass must not break a model onnxruntime runs; outputs are
# compared for fuse only, the others change numbers on purpose).
# GS_TESTDATA_EVERY=N takes every Nth model (default 5, a fixed sample that
# keeps the suite near three minutes; 1 runs them all).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

shared=${GS_SHARED:-$top_srcdir/../shared}
data=$shared/onnx-testdata
[ -d "$data" ] || skip_all "$data not found"
have_python_onnx || skip_all "python3-onnx is missing"
ort=1
have_ort || ort=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gs-testdata.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
every=${GS_TESTDATA_EVERY:-5}
k=0 rewritten=0
for f in $(find "$data" -name 'model.onnx' | sort); do
	k=$((k + 1))
	[ $((k % every)) -eq 0 ] || continue
	name=${f#"$data"/}
	name=${name%/model.onnx}
	for cmd in "fuse all" "quantize int8 per-channel" "prune channels 0.25"; do
		out=$tmp/out.onnx
		rm -f "$out"
		"$GS_BIN" apply -c "$cmd" -o "$out" "$f" >"$tmp/log" 2>&1 || continue
		# only models the pass changed: a rewrite count above zero
		grep -Eq '^(fuse all: [1-9]|quantized [1-9]|pruned [1-9])' "$tmp/log" || continue
		[ -s "$out" ] || continue
		rewritten=$((rewritten + 1))
		# the original must pass the checker for the output to have to
		onnx_check "$f" >/dev/null 2>&1 || continue
		if onnx_check "$out" >"$tmp/check" 2>&1; then
			pass "$name: $cmd: checker"
		else
			cat "$tmp/check"
			fail "$name: $cmd: checker"
		fi
		[ "$ort" -eq 1 ] || continue
		ort_compare "$f" >/dev/null 2>&1 || continue	# onnxruntime cannot run it
		case $cmd in
		fuse*)	ort_compare "$f" "$out" >"$tmp/ort" 2>&1 ;;
		*)	ort_compare "$out" >"$tmp/ort" 2>&1 ;;
		esac
		if [ $? -eq 0 ]; then
			pass "$name: $cmd: onnxruntime"
		else
			cat "$tmp/ort"
			fail "$name: $cmd: onnxruntime"
		fi
	done
done
echo "# $rewritten rewrites over $k models"
finish
