#!/bin/sh
# prune magnitude / nm / channels through `graphsmith apply`, checked by
# python3-onnx's checker, numpy (tests/oracle/prune_check.py) and
# onnxruntime (the pruned models must load and run).
srcdir=${srcdir:-.}
top=${top_srcdir:-$srcdir}
bin=${GS_BIN:-./src/graphsmith}
py=/usr/bin/python3
oracle=$top/tests/oracle
if [ ! -d "$oracle/node_modules" ]; then
	echo "skip: $oracle/node_modules missing (cd tests/oracle && npm install)"
	exit 77
fi
tmp=$(mktemp -d /tmp/gs-prune-oracle.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
$py "$top/tests/fixtures/gen_prune.py" "$tmp" >/dev/null || exit 1
cp "$top/data/cnn.onnx" "$tmp/" || exit 1

# Until the console commands exist, there is nothing to drive.
if ! "$bin" apply -c "history" -o "$tmp/probe.onnx" "$tmp/mlp.onnx" >/dev/null 2>&1; then
	echo "skip: graphsmith apply does not run console commands yet"
	exit 77
fi

fail=0
check() {
	if ! "$@" >"$tmp/log" 2>&1; then
		echo "FAIL: $*"
		cat "$tmp/log"
		fail=1
	fi
}
for m in cnn cnn_groups residual mlp; do
	in=$tmp/$m.onnx
	check "$bin" apply -c "prune magnitude 0.5" -o "$tmp/$m-mag.onnx" "$in"
	check $py "$oracle/check.py" "$tmp/$m-mag.onnx"
	check $py "$oracle/prune_check.py" magnitude 0.5 "$tmp/$m-mag.onnx"
	check node "$oracle/ort_compare.js" "$tmp/$m-mag.onnx"

	check "$bin" apply -c "prune nm 2:4" -o "$tmp/$m-nm.onnx" "$in"
	check $py "$oracle/check.py" "$tmp/$m-nm.onnx"
	check $py "$oracle/prune_check.py" nm 2 4 "$tmp/$m-nm.onnx"
	check node "$oracle/ort_compare.js" "$tmp/$m-nm.onnx"

	check "$bin" apply -c "prune channels 0.25" -o "$tmp/$m-ch.onnx" "$in"
	check $py "$oracle/check.py" "$tmp/$m-ch.onnx"
	check node "$oracle/ort_compare.js" "$tmp/$m-ch.onnx"
done
# channel pruning really removed channels where it can
check $py "$oracle/prune_check.py" channels "$tmp/cnn_groups.onnx" "$tmp/cnn_groups-ch.onnx"
check $py "$oracle/prune_check.py" channels "$tmp/mlp.onnx" "$tmp/mlp-ch.onnx"
# and left the residual model as it was
check cmp "$tmp/residual.onnx" "$tmp/residual-ch.onnx"

# bad arguments change nothing and fail clearly
for bad in "prune magnitude 1.5" "prune magnitude -0.1" "prune nm 2:3:4" "prune nm 3:2" \
	   "prune channels 1"; do
	if "$bin" apply -c "$bad" -o "$tmp/bad.onnx" "$tmp/mlp.onnx" 2>"$tmp/err"; then
		echo "FAIL: '$bad' succeeded"
		fail=1
	elif ! grep -q "bad " "$tmp/err"; then
		echo "FAIL: '$bad' gave no clear message:"
		cat "$tmp/err"
		fail=1
	fi
done

# undo brings back the original bytes; history save replays
check "$bin" apply -c "prune magnitude 0.5; prune nm 2:4; prune channels 0.25; undo; undo; undo" \
	-o "$tmp/undone.onnx" "$tmp/cnn_groups.onnx"
check cmp "$tmp/cnn_groups.onnx" "$tmp/undone.onnx"
check "$bin" apply -c "prune magnitude 0.5; prune channels 0.25; history save $tmp/steps.gs" \
	-o "$tmp/direct.onnx" "$tmp/cnn_groups.onnx"
check "$bin" apply -f "$tmp/steps.gs" -o "$tmp/replayed.onnx" "$tmp/cnn_groups.onnx"
check cmp "$tmp/direct.onnx" "$tmp/replayed.onnx"
exit $fail
