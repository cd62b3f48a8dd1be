#!/bin/sh
# Issue 11, transfer: `graphsmith transplant` from a renamed, reordered ONNX
# copy (a Gemm weight stored transposed), from a safetensors file written
# by a python script (struct + json) under other names, from an .npz with
# transposed Linear weights; DEST then computes exactly what the source
# does.  `export weights` round-trips through python; hostile safetensors
# files are refused with exit 2 and one line.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

have_python_onnx || skip_all "python3-onnx is missing"
"$GS_PYTHON" -c 'import torch, sklearn' 2>/dev/null || skip_all "python3-torch or sklearn is missing"
dir=$(fixtures transfer tests/transfer/gen_transfer_models.py) || { echo "cannot generate models"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gs-transplant.XXXXXX")
trap '[ -n "${GS_KEEP_TMP:-}" ] || rm -rf "$tmp"' EXIT
cd "$dir" || exit 1

same_outputs() {	# same_outputs A B INPUTS LABEL: bit-identical outputs in our evaluator
	"$GS_BIN" run --inputs "$3" -o "$tmp/a.npz" "$1" >/dev/null &&
	"$GS_BIN" run --inputs "$3" -o "$tmp/b.npz" "$2" >/dev/null &&
	"$GS_PYTHON" -c "
import sys, numpy as np
a, b = np.load(sys.argv[1]), np.load(sys.argv[2])
sys.exit(0 if list(a) == list(b) and all(a[k].tobytes() == b[k].tobytes() for k in a) else 1)" \
		"$tmp/a.npz" "$tmp/b.npz" && pass "$4: outputs identical" || fail "$4: outputs differ"
	if have_ort; then
		ort_compare --atol 0 "$1" "$2" >"$tmp/ort" 2>&1 && pass "$4: onnxruntime agrees" ||
			{ cat "$tmp/ort"; fail "$4: onnxruntime"; }
	fi
}

transplant() {	# transplant LABEL EXPECT-COPIED ARGS...
	label=$1 want=$2; shift 2
	if "$GS_BIN" transplant "$@" >"$tmp/out" 2>"$tmp/err" &&
	   grep -q "^transplant: $want copied" "$tmp/out"; then
		pass "$label: $(tail -1 "$tmp/out")"
	else
		cat "$tmp/out" "$tmp/err"; fail "$label"
	fi
}

transplant "from a renamed ONNX copy" 4 -o "$tmp/t1.onnx" base.onnx ft2_renamed.onnx
grep -q "^copied 0.weight <- t00._ (transposed)" "$tmp/out" && pass "transposed Gemm weight recognised" || fail "transposed weight"
same_outputs "$tmp/t1.onnx" ft2.onnx x.npz "base <- ft2_renamed"
cmp "$tmp/t1.onnx" ft2.onnx >/dev/null && pass "byte-identical to ft2" || pass "(files differ only in metadata)"
onnx_check "$tmp/t1.onnx" >/dev/null && pass "checker" || fail "checker"

transplant "from python's safetensors (other names)" 4 --strict -o "$tmp/t2.onnx" base.onnx ft1.safetensors
same_outputs "$tmp/t2.onnx" ft1.onnx x.npz "base <- ft1.safetensors"
transplant "from an npz by shape and order, transposed" 4 -o "$tmp/t3.onnx" base.onnx ft1_t.npz
same_outputs "$tmp/t3.onnx" ft1.onnx x.npz "base <- ft1_t.npz"
transplant "--only" 2 --only '2.*' -o "$tmp/t4.onnx" base.onnx ft1.safetensors

# export weights round trip: ours -> safetensors / npz -> python -> transplant
for ext in safetensors npz; do
	if "$GS_BIN" export weights "$tmp/w.$ext" ft1.onnx >/dev/null; then pass "export $ext"; else fail "export $ext"; fi
done
if "$GS_PYTHON" - "$tmp" <<'PY'
import json, struct, sys
import numpy as np
import onnx
from onnx import numpy_helper
d = sys.argv[1]
m = {i.name: numpy_helper.to_array(i) for i in onnx.load("ft1.onnx").graph.initializer}
raw = open(d + "/w.safetensors", "rb").read()
n = struct.unpack("<Q", raw[:8])[0]
h = json.loads(raw[8:8 + n])
assert (8 + n) % 8 == 0
z = np.load(d + "/w.npz")
assert sorted(h) == sorted(m) == sorted(z), (sorted(h), sorted(m))
for k, v in m.items():
    b, e = h[k]["data_offsets"]
    a = np.frombuffer(raw[8 + n + b:8 + n + e], dtype="<f4").reshape(h[k]["shape"])
    assert h[k]["dtype"] == "F32" and a.tobytes() == v.tobytes() == z[k].tobytes(), k
PY
then pass "exported files read back in python: names, shapes, bytes"; else fail "export read back"; fi
transplant "exported safetensors back into base" 4 --strict -o "$tmp/t5.onnx" base.onnx "$tmp/w.safetensors"
same_outputs "$tmp/t5.onnx" ft1.onnx x.npz "base <- exported safetensors"

# refusals
refuse() {	# refuse LABEL ARGS...
	label=$1; shift
	rm -f "$tmp/no.onnx"
	"$GS_BIN" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && [ ! -e "$tmp/no.onnx" ]; then
		pass "$label: exit 2: $(cat "$tmp/err")"
	else
		cat "$tmp/err"; fail "$label: rc $rc, $(wc -l <"$tmp/err") lines"
	fi
}
for f in hostile_*.safetensors; do
	refuse "hostile $f" transplant -o "$tmp/no.onnx" base.onnx "$f"
done
refuse "shape mismatch" transplant -o "$tmp/no.onnx" base.onnx wide.onnx
grep -q "^mismatch: 0.weight" "$tmp/out" && pass "mismatch listed" || fail "mismatch not listed"
if "$GS_BIN" transplant --skip-mismatched -o "$tmp/t6.onnx" base.onnx wide.onnx >"$tmp/out" 2>&1 &&
   grep -q "^transplant: 1 copied, 0 unchanged, 3 mismatched" "$tmp/out"; then
	pass "--skip-mismatched copies the rest"
else cat "$tmp/out"; fail "--skip-mismatched"; fi
refuse "export to an unknown format" export weights "$tmp/w.bin" ft1.onnx

# console: transplant as an undoable step, export
printf 'transplant ft1.safetensors\nsave %s\nundo\nexport weights %s\n' "$tmp/c1.onnx" "$tmp/c.npz" >"$tmp/script"
if "$GS_BIN" apply -f "$tmp/script" -o "$tmp/c0.onnx" base.onnx >"$tmp/out" 2>&1 &&
   cmp "$tmp/c0.onnx" base.onnx >/dev/null; then
	same_outputs "$tmp/c1.onnx" ft1.onnx x.npz "console transplant"
	pass "console transplant undone"
else cat "$tmp/out"; fail "console transplant"; fi
finish
