#!/bin/sh
# Every tenth model of ../shared/onnx-testdata (a fixed sample, to keep the
# suite fast; GS_SELFDIFF_EVERY=1 runs them all) that the loader accepts must
# diff as identical against itself (exit 0): constants, subgraphs, unnamed
# nodes, repeated blocks and all.
GS=${GS_BIN:-./src/graphsmith}
shared=${GS_SHARED:-${srcdir:-.}/../shared}
data=$shared/onnx-testdata
if [ ! -d "$data" ]; then
	echo "skip: $data not found"
	exit 77
fi
every=${GS_SELFDIFF_EVERY:-10}
n=0 fail=0 skipped=0 k=0
for f in $(find "$data" -name '*.onnx' | sort); do
	k=$((k + 1))
	[ $((k % every)) -eq 0 ] || continue
	"$GS" diff --json "$f" "$f" > /dev/null 2> "${TMPDIR:-/tmp}/gs-selfdiff.$$"
	rc=$?
	if [ $rc -eq 2 ] && grep -q "cannot read" "${TMPDIR:-/tmp}/gs-selfdiff.$$"; then
		skipped=$((skipped + 1))
		continue
	fi
	n=$((n + 1))
	if [ $rc -ne 0 ]; then
		echo "not ok - $f: exit $rc"
		head -3 "${TMPDIR:-/tmp}/gs-selfdiff.$$"
		fail=$((fail + 1))
	fi
done
rm -f "${TMPDIR:-/tmp}/gs-selfdiff.$$"
echo "# $n models self-diffed, $fail not identical, $skipped not loadable (skipped)"
[ $fail -eq 0 ]
