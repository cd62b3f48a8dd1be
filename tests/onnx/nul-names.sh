#!/bin/bash
# Names that hold NUL bytes or bytes that are not UTF-8 (a C0 byte) survive:
# a load and save without edits is byte for byte the file, a save after an
# edit keeps every name exactly (python-onnx reads them back, onnxruntime
# runs the model), and every report shows such a byte escaped, never raw
# and never cut: \x00 on the terminal, \u0000 in JSON.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
have_python_onnx || skip_all "python3-onnx is not installed"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

"$GS_PYTHON" - <<'PY' || { echo "fixture generation failed"; exit 1; }
import numpy as np, onnx
from onnx import helper, numpy_helper, TensorProto as T

def model(nul):
    w = numpy_helper.from_array(np.arange(12, dtype=np.float32).reshape(3, 4) - 5, "w%seight" % nul)
    nodes = [helper.make_node("MatMul", ["x", "w%seight" % nul], ["mid%s" % nul], name="mm%sone" % nul),
             helper.make_node("Relu", ["mid%s" % nul], ["y"], name="relu")]
    g = helper.make_graph(nodes, "g%sraph" % nul, [helper.make_tensor_value_info("x", T.FLOAT, [2, 3])],
                          [helper.make_tensor_value_info("y", T.FLOAT, [2, 4])], [w])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="p%sroducer" % nul)
    helper.set_model_props(m, {"k%sey" % nul: "v%sal" % nul})
    return m.SerializeToString()

open("nul.onnx", "wb").write(model("\x00"))
# python strings cannot hold C0 bytes: put two in after serializing
open("c0.onnx", "wb").write(model("QQ").replace(b"QQ", b"\xc0\xc0"))
# and a name whose bytes look like the IR's own escape of a NUL (C0 80)
open("c080.onnx", "wb").write(model("QQ").replace(b"QQ", b"\xc0\x80"))
PY

raw_bytes() {	# raw_bytes FILE: does FILE hold a NUL or C0 byte next to a name?
	LC_ALL=C grep -c -a -P 'w[\x00\xc0]' "$1"
}

for f in nul c0 c080; do
	"$GS_BIN" info $f.onnx >info.$f 2>err
	rc=$?
	if [ $rc -eq 0 ] && ! LC_ALL=C grep -q -a -P '[\x00\xc0]' info.$f &&
	   grep -qF 'w\x' info.$f; then
		pass "$f: info loads it and escapes the byte ($(grep -F 'w\x' info.$f | head -1 | awk '{print $1}'))"
	else
		fail "$f: info exit $rc: $(head -c 300 err)"
	fi
	"$GS_BIN" apply -o $f.same.onnx $f.onnx >/dev/null 2>err
	if cmp -s $f.onnx $f.same.onnx; then
		pass "$f: a save without edits is byte-identical"
	else
		fail "$f: a save without edits changed the file ($(head -c 300 err))"
	fi
	"$GS_BIN" apply -c "quantize fp16" -o $f.fp16.onnx $f.onnx >out 2>err
	if [ $? -eq 0 ] && [ "$(raw_bytes $f.fp16.onnx)" -ge 1 ] &&
	   ! LC_ALL=C grep -q -a -P '[\x00\xc0]' out && grep -qF 'w\x' out; then
		pass "$f: an edited save keeps the bytes; the step line escapes them"
	else
		fail "$f: quantize fp16: $(head -c 300 err) $(head -c 300 out)"
	fi
done

# the three files differ exactly in those bytes, so their names do too
if grep -qF 'w\x00eight' info.nul && grep -qF 'w\xc0\xc0eight' info.c0 &&
   grep -qF 'w\xc0\x80eight' info.c080; then
	pass "NUL, C0 and C0 80 are told apart"
else
	fail "escapes confuse the bytes: $(grep -h eight info.nul info.c0 info.c080)"
fi

# every name comes back exactly, as python-onnx reads it
"$GS_PYTHON" - <<'PY' && pass "python-onnx reads every name of the edited model exactly" || fail "names changed"
import onnx
m = onnx.load("nul.fp16.onnx")
onnx.checker.check_model(m)
names = {n.name for n in m.graph.node} | {i.name for i in m.graph.initializer}
want = {"mm\x00one", "relu", "w\x00eight_fp16"}
assert want <= names, names
assert m.graph.name == "g\x00raph" and m.producer_name == "p\x00roducer", (m.graph.name, m.producer_name)
assert [(p.key, p.value) for p in m.metadata_props] == [("k\x00ey", "v\x00al")]
assert any("mid\x00" in n.input for n in m.graph.node)
PY

# JSON says \u0000, never drops the string and never cuts it
"$GS_BIN" info --json nul.onnx >info.json
"$GS_BIN" diff --json nul.onnx nul.fp16.onnx >diff.json
if grep -qF '"g\u0000raph"' info.json && grep -qF '"mm\u0000one"' diff.json &&
   "$GS_PYTHON" -c 'import json,sys; json.load(open("info.json")); json.load(open("diff.json"))'; then
	pass "JSON writes NUL as \\u0000 (info and diff)"
else
	fail "JSON: $(grep -h 'raph\|one"' info.json diff.json | head -3)"
fi

# onnxruntime runs the edited model, and agrees with our evaluator
if have_ort; then
	"$GS_PYTHON" -c 'import numpy as np; np.save("x.npy", np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3))'
	if ort_compare nul.onnx nul.fp16.onnx >cmp 2>&1 &&
	   node "$top_srcdir/tests/oracle/ort_run.js" nul.fp16.onnx ort x=x.npy >>cmp 2>&1 &&
	   "$GS_BIN" run --input x=x.npy -o ours.npz nul.fp16.onnx >>cmp 2>&1 &&
	   "$GS_PYTHON" -c 'import numpy as np; a = np.load("ort/0.npy"); b = np.load("ours.npz")["y"]
assert a.shape == (2, 4) and np.allclose(a, b, atol=1e-6), (a, b)' >>cmp 2>&1; then
		pass "onnxruntime runs the model with NUL names, as before the edit and as we do"
	else
		fail "onnxruntime: $(head -c 400 cmp)"
	fi
else
	echo "# onnxruntime-node absent: not run there"
fi
finish
