#!/bin/bash
# Load and save with no edits: byte-identical output for files in canonical
# field order, accepted by python3-onnx's checker, and onnxruntime computes
# the same outputs from the saved copy as from the original.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
have_python_onnx || skip_all "python3-onnx is not installed"
dir=$(fixtures roundtrip tests/fixtures/gen_roundtrip.py) || { echo "fixture generation failed"; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
models=$(cd "$dir" && find . -name '*.onnx' | sort)
models="$models $top_srcdir/data/cnn.onnx $top_srcdir/data/cnn-folded.onnx"

for m in $models; do
	case "$m" in /*) src=$m ;; *) src="$dir/${m#./}" ;; esac
	name=$(echo "${m#./}" | tr / _)
	mkdir -p "$out/$name.d"
	dst="$out/$name.d/$(basename "$src")"
	if ! "$GS_BIN" apply -o "$dst" "$src" 2>"$out/err"; then
		fail "$name: apply failed: $(cat "$out/err")"
		continue
	fi
	# a model with external data is written with its weights in DST.data,
	# so only the inline models can be byte-compared
	if [ -e "$dst.data" ] || [ "${name#external_}" != "$name" ]; then
		pass "$name: saved (its weights were external, so bytes differ by design)"
	elif cmp -s "$src" "$dst"; then
		pass "$name: byte-identical"
	else
		fail "$name: bytes differ after round trip"
	fi
	if ! onnx_check "$src" >/dev/null 2>&1; then
		echo "# $name: the original fails onnx 1.12's full checker too; not checked"
	elif onnx_check "$dst" >"$out/check" 2>&1; then
		pass "$name: checker accepts the saved file"
	else
		fail "$name: checker: $(cat "$out/check")"
	fi
	case "$name" in
	sparse_initializer.onnx) continue ;;	# onnxruntime cannot run a sparse output
	esac
	if have_ort; then
		if ort_compare --atol 0 --min-cosine 0.999999 "$src" "$dst" >"$out/ort" 2>&1; then
			pass "$name: onnxruntime outputs identical"
		else
			fail "$name: onnxruntime: $(cat "$out/ort")"
		fi
	fi
done
have_ort || echo "# onnxruntime-node not installed in tests/oracle: output comparison skipped"

# save as .onnx.zst and read it back
"$GS_BIN" apply -o "$out/cnn.onnx.zst" "$top_srcdir/data/cnn.onnx" &&
"$GS_BIN" apply -o "$out/cnn-back.onnx" "$out/cnn.onnx.zst" &&
cmp -s "$out/cnn-back.onnx" "$top_srcdir/data/cnn.onnx" && pass "zstd round trip" || fail "zstd round trip"
[ "$(stat -c %s "$out/cnn.onnx.zst")" -lt "$(stat -c %s "$top_srcdir/data/cnn.onnx")" ] &&
	pass "zstd output is smaller" || fail "zstd output is not smaller"

# external data on request, then inline again: same model
"$GS_BIN" apply --external-data -o "$out/ext.onnx" "$top_srcdir/data/cnn.onnx" &&
[ -s "$out/ext.onnx.data" ] && "$GS_BIN" apply -o "$out/inline.onnx" "$out/ext.onnx" &&
[ ! -e "$out/inline.onnx.data" ] || true
if [ -s "$out/ext.onnx.data" ] && [ "$(( $(stat -c %s "$out/ext.onnx") < 8192 ))" = 1 ]; then
	pass "external data written to OUT.data"
else
	fail "external data"
fi
if have_ort; then
	ort_compare --atol 0 --min-cosine 0.999999 "$top_srcdir/data/cnn.onnx" "$out/ext.onnx" >/dev/null 2>&1 &&
		pass "onnxruntime runs the external-data copy" || fail "onnxruntime on external-data copy"
fi
finish
