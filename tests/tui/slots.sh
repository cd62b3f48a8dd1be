#!/bin/sh
# Slots in the workbench: a third model opened from the console, `show A C`
# puts it in the right pane (header, rows and status name it), `s` cycles
# the right pane through the slots, edits still go to B.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/tui/lib.sh"

# C: conv-bn folded like cnn-folded.onnx, but keeping cnn.onnx's names
"$GS_BIN" apply -c "fuse conv-bn" -o "$TUI_TMP/c.onnx" "$DATA/cnn.onnx" >/dev/null ||
	fail "made the third model"
tui_start 160 40 LC_ALL=C.UTF-8 -- "$DATA/cnn.onnx" "$DATA/cnn-folded.onnx"
wait_for "row 1/11" || fail "workbench started"
# cmd LINE: types LINE in the console (which stays focused after a command)
cmd() {
	screen | tail -1 | grep -q "^: *$" || keys :
	for _ in $(seq 100); do
		screen | tail -1 | grep -q "^: *$" && break
		sleep 0.1
	done
	keys -l "$1"
	keys Enter
}
cmd "open C $TUI_TMP/c.onnx"
wait_for "C: $TUI_TMP/c.onnx" && pass "open C FILE" || fail "open C FILE"
cmd "show A C"
wait_for "showing A" || fail "show A C ran"
keys Escape
wait_for "[A]  row 1/11" || fail "back to the panes"
s=$(screen)
echo "$s" | grep -q "^A: .*cnn.onnx .*C: .*c.onnx" &&
	pass "header names A and C" || { echo "$s" | sed 's/^/# /'; fail "header names A and C"; }
echo "$s" | grep -q "B: " && fail "B left the header" || pass "B left the header"
# C keeps cnn.onnx's names, where B's folded convolutions are n0, n3, n5
echo "$s" | grep -q "F Conv+BatchNormalization /conv1/Conv .*│.*F Conv /conv1/Conv" &&
	pass "right pane shows C's fused conv" || fail "right pane shows C's fused conv"
echo "$s" | grep -q "│.* n0 " && fail "B's rows are gone" || pass "B's rows are gone"
keys l
wait_for "[C]  row" && pass "status names the focused slot" || fail "status names C"
# s: the next slot after C is A (left: skipped), then B
keys s
wait_match "^A: .*cnn.onnx .*B: .*cnn-folded.onnx" &&
	pass "s cycles the right pane to B" || fail "s cycles to B"
keys Escape
wait_for "F Conv n0" && pass "B's rows are back" || fail "B's rows are back"
keys s
wait_for "c.onnx" && pass "s cycles on to C" || fail "s cycles on to C"
keys Escape
keys q
wait_for "exit=0" && pass "q exits 0" || fail "q exits 0"
finish
