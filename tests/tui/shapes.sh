#!/bin/sh
# Shapes the file does not annotate (no value_info) are shown as the
# evaluator produced them on the sample inputs.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/tui/lib.sh"
have_python_onnx || skip_all "python3-onnx is not installed"
"$GS_PYTHON" -c "
import onnx, sys
m = onnx.load(sys.argv[1])
del m.graph.value_info[:]
onnx.save(m, sys.argv[2])" "$DATA/cnn.onnx" "$TUI_TMP/novi.onnx" || fail "fixture"
tui_start 120 30 LC_ALL=C.UTF-8 -- "$TUI_TMP/novi.onnx"
wait_for "row 1/11" || fail "workbench started"
wait_for "/maxpool/MaxPool [1,16,16,16]" && pass "an unannotated value shows its run's shape" ||
	fail "shapes without value_info"
screen | grep -q "/relu/Relu ?" && fail "a shape left as ?" || pass "no shape left as ?"
keys q
wait_for "exit=0" || fail "q exits 0"
finish
