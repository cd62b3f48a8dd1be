#!/bin/sh
# Ctrl-C in the workbench stops a long reconstruct: the progress line shows
# in the status line, the step is not recorded, B's bytes are untouched,
# and the workbench goes on (Ctrl-C when idle still quits it).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
have_python_onnx || skip_all "python3 onnx/numpy missing"
. "$top_srcdir/tests/tui/lib.sh"
dir=$(fixtures digits-models tests/fixtures/gen_digits_models.py) || skip_all "torch/sklearn fixtures failed"

# many samples, so the step lasts long enough to be stopped
"$GS_PYTHON" -c "
import numpy as np, sys
x = np.load('$dir/train.npz')['input']
np.savez('$TUI_TMP/big.npz', input=np.tile(x, (60, 1, 1, 1)))" || fail "big data"

tui_start 120 40 LC_ALL=C.UTF-8 -- "$dir/cnn.onnx"
wait_for "row 1/" || fail "workbench started"
keys :
sleep 0.3
keys -l "prune magnitude 0.5; save $TUI_TMP/pruned.onnx"
keys Enter
wait_for "pruned 4 layers" || fail "prune ran"
wait_for "saved" || fail "save ran"
keys -l "reconstruct --data $TUI_TMP/big.npz"
keys Enter
wait_for "reconstructing [" && pass "progress shows in the status line" || fail "no progress line"
keys C-c
wait_for "interrupted: nothing changed" && pass "Ctrl-C stops the step" || fail "Ctrl-C did not stop it"
keys -l "history"
keys Enter
wait_for "undo memory" || fail "history ran"
screen | grep -Eq "^ +1 +prune magnitude 0.5" && pass "history lists the prune" ||
	fail "history lists the prune"
screen | grep -Eq "^ +2 +reconstruct" && fail "the interrupted step is in the history" ||
	pass "the interrupted step is not recorded"
keys -l "save $TUI_TMP/after.onnx"
keys Enter
wait_for "after.onnx" || fail "save after"
sleep 0.5
cmp -s "$TUI_TMP/pruned.onnx" "$TUI_TMP/after.onnx" && pass "B's bytes are untouched" ||
	fail "B changed after an interrupted reconstruct"
screen | grep -q "row 1/" && pass "the workbench is alive" || fail "the workbench went away"
keys Escape
keys C-c
wait_for "exit=" && pass "Ctrl-C when idle still leaves" || fail "Ctrl-C when idle"
finish
