#!/bin/sh
# A save interrupted by SIGTERM or SIGHUP removes its temporary file and
# leaves the old file as it was; after kill -9 the temporary stays, and the
# next save of the same file removes it.
. "$top_srcdir/tests/lib.sh"
have_python_onnx || skip_all "python3-onnx is not installed"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
# 192 MiB of weights: writing it takes long enough to be caught midway
"$GS_PYTHON" - <<'PY'
import numpy as np, onnx
from onnx import helper, numpy_helper, TensorProto
ws = [numpy_helper.from_array(np.full((4096, 4096), i, np.float32), "w%d" % i) for i in range(3)]
nodes = [helper.make_node("MatMul", ["x" if i == 0 else "h%d" % (i - 1), "w%d" % i],
                          ["h%d" % i if i < 2 else "y"]) for i in range(3)]
g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4096])],
                      [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4096])], ws)
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), "big.onnx")
PY
echo old >out.onnx

# interrupt SIG: start a save, wait for its temporary, send SIG; 0 if caught
interrupt() {
	GS_THREADS=1 "$GS_BIN" apply -c "inputs off; quantize fp16" -o out.onnx big.onnx >/dev/null 2>&1 &
	pid=$!
	i=0
	while [ $i -lt 3000 ]; do
		if ls -A | grep -q '^\.out\.onnx\.tmp\.'; then
			kill -"$1" $pid
			wait $pid
			return 0
		fi
		kill -0 $pid 2>/dev/null || break
		i=$((i + 1))
		sleep 0.01
	done
	wait $pid
	return 1
}

for sig in TERM HUP; do
	if interrupt $sig; then
		if ls -A | grep -q '^\.out\.onnx\.tmp\.'; then
			fail "SIG$sig during a save left $(ls -A | grep tmp)"
		else
			pass "SIG$sig during a save leaves no temporary"
		fi
		[ "$(cat out.onnx)" = old ] && pass "SIG$sig: the old file is untouched" ||
			fail "SIG$sig: out.onnx changed"
	else
		fail "SIG$sig: never saw the save in progress (it finished first)"
		echo old >out.onnx
	fi
done
if interrupt KILL; then
	left=$(ls -A | grep -c '^\.out\.onnx\.tmp\.')
	[ "$left" -eq 1 ] && pass "kill -9 leaves its temporary (nothing can run)" ||
		fail "kill -9 left $left temporaries"
	"$GS_BIN" apply -c "inputs off" -o out.onnx "$top_srcdir/data/cnn.onnx" >/dev/null 2>&1
	ls -A | grep -q '^\.out\.onnx\.tmp\.' && fail "the next save left the stale temporary" ||
		pass "the next save of the file removes the stale temporary"
else
	fail "KILL: never saw the save in progress"
fi
# killed between the data file's rename and the model's: the old model
# must still read its own weights (the new ones went to another file)
"$GS_BIN" apply --external-data -c "inputs off" -o ext.onnx "$top_srcdir/data/cnn.onnx" >/dev/null 2>&1
"$GS_BIN" run --json ext.onnx >before.json 2>&1
GS_FAULT_AFTER_DATA=1 "$GS_BIN" apply --in-place --external-data -c "inputs off; prune magnitude 0.9" \
	-o ext.onnx ext.onnx >/dev/null 2>&1
rc=$?
"$GS_BIN" run --json ext.onnx >after.json 2>&1
if [ $rc -eq 137 ] && cmp -s before.json after.json; then
	pass "killed between the renames: the old model still reads its own weights"
else
	fail "killed between the renames: exit $rc, outputs $(cmp before.json after.json)"
fi
"$GS_BIN" apply --in-place --external-data -c "inputs off; prune magnitude 0.9" -o ext.onnx ext.onnx \
	>/dev/null 2>&1 && "$GS_BIN" run --json ext.onnx >pruned.json 2>&1 &&
	! cmp -s before.json pruned.json && [ "$(ls ext.onnx*data | wc -l)" -eq 1 ] &&
	pass "the next save switches to the new weights and leaves one data file" ||
	fail "after the crash: $(ls ext.onnx*)"
finish
