#!/bin/bash
# Every model of the ONNX project's own backend test data (../shared/
# onnx-testdata: one-operator models, converted PyTorch models, subgraphs,
# sequences, optional types, typed fields) loads and saves back byte for
# byte.  A fixed fifth of them by default, to keep the ASan suite quick
# (GS_TESTDATA_EVERY=1 for all 1,942).  Skips when ../shared is absent.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
data="${GS_SHARED:-$top_srcdir/../shared}/onnx-testdata"
[ -d "$data" ] || skip_all "$data not found"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
n=0 same=0 k=0 every=${GS_TESTDATA_EVERY:-5}
while IFS= read -r f; do
	k=$((k + 1))
	[ $((k % every)) -eq 0 ] || continue
	n=$((n + 1))
	if ! "$GS_BIN" apply -o "$out/m.onnx" "$f" 2>"$out/err"; then
		fail "${f#$data/}: $(cat "$out/err")"
	elif ! cmp -s "$f" "$out/m.onnx"; then
		fail "${f#$data/}: bytes differ after a load and save"
	else
		same=$((same + 1))
	fi
done < <(find "$data" -name '*.onnx' | sort)
echo "# $same of $n models round-trip byte-identically"
[ "$n" -gt $((1500 / every)) ] && pass "$n models read" || fail "only $n models found"
finish
