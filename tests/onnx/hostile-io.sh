#!/bin/sh
# Files that are not what they claim: a FIFO or a device where a model, its
# external data, a script, a --map file or an input array should be is
# refused at once (one line, exit 2) instead of blocking or reading forever;
# a save never replaces a FIFO, keeps an existing file's mode, and replaces
# the file a symlink names, never the link.
. "$top_srcdir/tests/lib.sh"
have_python_onnx || skip_all "python3-onnx is not installed"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
model="$top_srcdir/data/cnn.onnx"

one_line_exit2() {	# one_line_exit2 WHAT EXPECTED-SUBSTRING CMD...
	what=$1 want=$2
	shift 2
	timeout 20 "$@" >out 2>err
	rc=$?
	if [ $rc -eq 2 ] && [ "$(wc -l <err)" -eq 1 ] && grep -qF -- "$want" err; then
		pass "$what: $(cat err)"
	else
		fail "$what: exit $rc (124 = hung), stderr: $(head -c 300 err)"
	fi
}

mkfifo fifo.onnx fifo.npy fifo.script fifo.map
one_line_exit2 "a FIFO as the model" "cannot read 'fifo.onnx': not a regular file" \
	"$GS_BIN" info fifo.onnx
one_line_exit2 "apply -f /dev/zero" "not a regular file" \
	"$GS_BIN" apply -f /dev/zero -o x.onnx "$model"
one_line_exit2 "apply -f on a FIFO" "not a regular file" \
	"$GS_BIN" apply -f fifo.script -o x.onnx "$model"
one_line_exit2 "diff --map /dev/zero" "not a regular file" \
	"$GS_BIN" diff --map /dev/zero "$model" "$model"
one_line_exit2 "run --input on a FIFO" "not a regular file" \
	"$GS_BIN" run --input input=fifo.npy "$model"
printf 'fuse all\n\000quantize fp16\n' >nul.script
one_line_exit2 "a script with a NUL byte" "NUL byte" \
	"$GS_BIN" apply -f nul.script -o x.onnx "$model"

# external data that is a FIFO
"$GS_PYTHON" - <<'PY'
import numpy as np, onnx
from onnx import helper, numpy_helper, TensorProto
w = numpy_helper.from_array(np.ones((4, 4), np.float32), "w")
g = helper.make_graph([helper.make_node("MatMul", ["x", "w"], ["y"])], "g",
                      [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
                      [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])], [w])
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
onnx.save(m, "ext.onnx", save_as_external_data=True, all_tensors_to_one_file=True,
          location="ext.bin", size_threshold=0)
PY
rm -f ext.bin && mkfifo ext.bin
one_line_exit2 "external data on a FIFO" "not a regular file" "$GS_BIN" info ext.onnx

# a diff of a node with 5,000 inputs (a fixed 64-entry array overflowed)
"$GS_PYTHON" - <<'PY'
import onnx
from onnx import helper, TensorProto
n = 5000
nodes = [helper.make_node("Relu", ["x"], ["r%d" % i]) for i in range(n)]
nodes.append(helper.make_node("Concat", ["r%d" % i for i in range(n)], ["y"], axis=0))
g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2])],
                      [helper.make_tensor_value_info("y", TensorProto.FLOAT, [n, 2])])
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), "concat.onnx")
# a cycle through a node whose name sets the terminal title (OSC)
g = helper.make_graph([helper.make_node("Relu", ["b"], ["a"], name="\x1b]0;pwned\x07"),
                       helper.make_node("Relu", ["a"], ["b"], name="n2")], "g",
                      [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
                      [helper.make_tensor_value_info("a", TensorProto.FLOAT, [1])])
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), "cycle.onnx")
PY
timeout 60 "$GS_BIN" diff concat.onnx concat.onnx >/dev/null 2>err
rc=$?
[ $rc -eq 0 ] && pass "diff of a Concat of 5,000 inputs" || fail "diff of a Concat of 5,000 inputs: exit $rc"
"$GS_BIN" info cycle.onnx >/dev/null 2>err
if [ $? -eq 2 ] && grep -q cycle err && ! grep -q "$(printf '\033')" err; then
	pass "a cycle's node name is escaped: $(cat err)"
else
	fail "cycle error: $(od -c err | head -3)"
fi

# a dim name that is not UTF-8: --json escapes it, never drops it
"$GS_PYTHON" - <<'PY'
import onnx
from onnx import helper, TensorProto
g = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "g",
                      [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, "H", 4])],
                      [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])])
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), "u8.onnx")
d = open("u8.onnx", "rb").read().replace(b"\x01H", b"\x01\xff")
open("u8.onnx", "wb").write(d)
PY
if "$GS_BIN" info --json u8.onnx | "$GS_PYTHON" -c '
import json, sys
shape = json.load(sys.stdin)["inputs"][0]["shape"]
sys.exit(0 if shape == ["N", 3, "\\xff", 4] else 1)'; then
	pass "--json escapes a non-UTF-8 dim name (rank 4 stays 4)"
else
	fail "--json with a non-UTF-8 dim name: $("$GS_BIN" info --json u8.onnx | head -c 400)"
fi

# zstd bombs: 2 GB of zeros in 60 KB, with and without a declared size
if command -v zstd >/dev/null; then
	head -c 2000000000 /dev/zero | zstd -q --stream-size=2000000000 -o bomb.onnx.zst
	head -c 2000000000 /dev/zero | zstd -q --no-content-size -o bomb2.onnx.zst
	one_line_exit2 "a zstd bomb (declared size)" "over the limit" "$GS_BIN" info bomb.onnx.zst
	one_line_exit2 "a zstd bomb (streamed)" "inflates past the limit" "$GS_BIN" info bomb2.onnx.zst
fi

# ModelProto.graph repeated 2,000 times (protobuf would merge them all)
"$GS_PYTHON" - "$top_srcdir/data/cnn.onnx" <<'PY'
import sys, onnx
m = onnx.load(sys.argv[1])
g = m.graph.SerializeToString()
def varint(v):
    out = b""
    while True:
        b, v = v & 0x7f, v >> 7
        out += bytes([b | (0x80 if v else 0)])
        if not v:
            return out
m.ClearField("graph")
open("repeat.onnx", "wb").write(m.SerializeToString() + (b"\x3a" + varint(len(g)) + g) * 2000)
PY
one_line_exit2 "a graph field repeated 2,000 times" "appears more than once" "$GS_BIN" info repeat.onnx

# 5 million empty nodes in 10 MB (1.6 GB and seconds of work before)
"$GS_PYTHON" - "$top_srcdir/data/cnn.onnx" <<'PY'
import sys, onnx
m = onnx.load(sys.argv[1])
gb = m.graph.SerializeToString() + b"\x0a\x00" * 5000000
def varint(v):
    out = b""
    while True:
        b, v = v & 0x7f, v >> 7
        out += bytes([b | (0x80 if v else 0)])
        if not v:
            return out
m.ClearField("graph")
open("empty.onnx", "wb").write(m.SerializeToString() + b"\x3a" + varint(len(gb)) + gb)
PY
one_line_exit2 "5 million empty nodes" "a node without an op_type" "$GS_BIN" info empty.onnx

# constant folding that would unfold a 2 KB file to 7.5 GB: skipped, said
"$GS_PYTHON" - <<'PY'
import numpy as np, onnx
from onnx import helper, numpy_helper, TensorProto
s = numpy_helper.from_array(np.array([64, 1024, 1024], np.int64), "s")
nodes = [helper.make_node("ConstantOfShape", ["s"], ["c%d" % i],
                          value=numpy_helper.from_array(np.array([1.0], np.float32)))
         for i in range(30)]
nodes.append(helper.make_node("Sum", ["c%d" % i for i in range(30)], ["y"]))
g = helper.make_graph(nodes, "g", [], [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], [s])
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), "foldbomb.onnx")
PY
timeout 20 "$GS_BIN" apply -c "inputs off; fuse all" -o fb.onnx foldbomb.onnx >out 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q "alone: its value would add more than 64 MiB" out &&
	[ "$(stat -c %s fb.onnx)" -lt 100000 ]; then
	pass "folding a 7.5 GB constant is skipped and said"
else
	fail "fold bomb: exit $rc: $(tail -3 out)"
fi

# apply: -o onto the model being read needs --in-place; quit in a script
cp "$model" self.onnx
one_line_exit2 "-o onto the input" "is the model being read" \
	"$GS_BIN" apply -c "fuse all" -o self.onnx self.onnx
cmp -s self.onnx "$model" && pass "the input is untouched" || fail "the input changed"
"$GS_BIN" apply --in-place -c "inputs off; fuse all" -o self.onnx self.onnx >/dev/null 2>&1 &&
	! cmp -s self.onnx "$model" && pass "--in-place replaces it" || fail "--in-place"
one_line_exit2 "quit inside -c" "nothing was saved" \
	"$GS_BIN" apply -c "inputs off; quit; quantize fp16" -o quit.onnx "$model"
[ ! -e quit.onnx ] && pass "quit: nothing saved" || fail "quit: a file was saved"

# a command argument with an escape sequence is echoed escaped
"$GS_BIN" apply -c "$(printf 'prune magnitude 0.5 --\033[2J')" -o x.onnx "$model" >/dev/null 2>err
if [ $? -eq 2 ] && ! grep -q "$(printf '\033')" err && grep -qF '\e[2J' err; then
	pass "an argument's escape sequence is shown escaped: $(cat err)"
else
	fail "argument echo: $(od -c err | head -3)"
fi

# sparse initializers get the checks of dense ones
"$GS_PYTHON" - <<'PY'
import numpy as np, onnx
from onnx import helper, numpy_helper, TensorProto
def model(name, dims, idx, vals):
    sp = helper.make_sparse_tensor(numpy_helper.from_array(np.array(vals, np.float32), "w"),
                                   numpy_helper.from_array(np.array(idx, np.int64), "w_idx"), dims)
    g = helper.make_graph([helper.make_node("Add", ["x", "w"], ["y"])], "g",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4])],
                          sparse_initializer=[sp])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    open(name, "wb").write(m.SerializeToString())
model("sparse_ok.onnx", [4], [1, 3], [1.0, 2.0])
model("sparse_range.onnx", [4], [1, 9], [1.0, 2.0])
model("sparse_neg.onnx", [-4], [1, 3], [1.0, 2.0])
model("sparse_count.onnx", [4], [1, 2, 3], [1.0, 2.0])
model("sparse_overflow.onnx", [2**40, 2**40], [1, 3], [1.0, 2.0])
PY
"$GS_BIN" info sparse_ok.onnx >/dev/null 2>err && pass "a valid sparse initializer loads" ||
	fail "valid sparse: $(cat err)"
one_line_exit2 "sparse index out of range" "index 9 is out of range" "$GS_BIN" info sparse_range.onnx
one_line_exit2 "sparse negative dim" "negative dimension" "$GS_BIN" info sparse_neg.onnx
one_line_exit2 "sparse index count" "indices must be int64" "$GS_BIN" info sparse_count.onnx
one_line_exit2 "sparse dims overflow" "overflows" "$GS_BIN" info sparse_overflow.onnx

# a C1 control (U+009B, CSI) in a node name: escaped in every JSON report
"$GS_PYTHON" - <<'PY'
import onnx
from onnx import helper, TensorProto
g = helper.make_graph([helper.make_node("Relu", ["x"], ["y"], name="n\u009b31m")], "g",
                      [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
                      [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])])
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), "c1.onnx")
PY
c1=$(printf '\302\233')
for cmd in "diff --json c1.onnx c1.onnx" "info --json c1.onnx" "run --json c1.onnx" "compare --json c1.onnx c1.onnx"; do
	# shellcheck disable=SC2086
	"$GS_BIN" $cmd >out 2>&1
	if grep -q "$c1" out; then
		fail "$cmd writes a C1 control raw"
	else
		pass "$cmd: no raw C1 control"
	fi
done

# folding and running sizes from the file: ConstantOfShape of [2^62] and
# Transpose with perm [0,0] (both wrote past their buffers once)
"$GS_PYTHON" - <<'PY'
import numpy as np, onnx
from onnx import helper, numpy_helper, TensorProto
def save(name, nodes, inits):
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], inits)
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), name)
save("cos.onnx", [helper.make_node("ConstantOfShape", ["s"], ["big"]),
                  helper.make_node("Add", ["x", "big"], ["y"])],
     [numpy_helper.from_array(np.array([2**62], np.int64), "s")])
save("perm.onnx", [helper.make_node("Transpose", ["w"], ["wt"], perm=[0, 0]),
                   helper.make_node("Add", ["x", "wt"], ["y"])],
     [numpy_helper.from_array(np.ones((2, 3), np.float32), "w")])
PY
timeout 20 "$GS_BIN" apply -c "inputs off; fuse all" -o fold.onnx cos.onnx >/dev/null 2>&1 &&
	pass "fuse all leaves a ConstantOfShape of [2^62] alone" || fail "fuse all on ConstantOfShape [2^62]"
timeout 20 "$GS_BIN" apply -c "inputs off; fuse all" -o fold.onnx perm.onnx >/dev/null 2>&1 &&
	pass "fuse all leaves a Transpose with perm [0,0] alone" || fail "fuse all on perm [0,0]"
one_line_exit2 "run: ConstantOfShape of [2^62]" "cos.onnx" "$GS_BIN" run cos.onnx
one_line_exit2 "run: Transpose with perm [0,0]" "is not a permutation" "$GS_BIN" run perm.onnx

# saves
one_line_exit2 "-o onto a FIFO" "not a regular file" \
	"$GS_BIN" apply -c "fuse all" -o fifo.onnx "$model"
[ -p fifo.onnx ] && pass "the FIFO is still a FIFO" || fail "the FIFO was replaced"
cp "$model" kept.onnx && chmod 0640 kept.onnx
if "$GS_BIN" apply -c "fuse all" -o kept.onnx "$model" >/dev/null 2>&1 &&
	[ "$(stat -c %a kept.onnx)" = 640 ]; then
	pass "a replaced file keeps its mode (640)"
else
	fail "mode after save: $(stat -c %a kept.onnx)"
fi
cp "$model" target.onnx && ln -s target.onnx link.onnx
if "$GS_BIN" apply -c "fuse all" -o link.onnx "$model" >/dev/null 2>&1 && [ -L link.onnx ] &&
	! cmp -s target.onnx "$model"; then
	pass "saving through a symlink replaces its target, the link stays"
else
	fail "symlink save: $(ls -l link.onnx target.onnx)"
fi
ln -s nowhere.onnx dangling.onnx
one_line_exit2 "a dangling symlink as -o" "a symlink to nothing" \
	"$GS_BIN" apply -c "fuse all" -o dangling.onnx "$model"
ls -A | grep -q '^\..*\.tmp\.' && fail "temporaries left behind: $(ls -A)" ||
	pass "no temporaries left behind"
finish
