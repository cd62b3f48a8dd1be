#!/bin/sh
# Resize at any time: to 60x15 (a compact layout), below the minimum
# ("terminal too small"), and back to 120x40.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/tui/lib.sh"

tui_start 120 40 LC_ALL=C.UTF-8 -- "$DATA/cnn.onnx" "$DATA/cnn-folded.onnx"
wait_for "row 1/11" || fail "workbench started"
keys j j
wait_for "row 3/11"
tmx resize-window -t t -x 60 -y 15
wait_for "row 3/11" || fail "redrawn at 60x15"
s=$(screen)
[ "$(echo "$s" | LC_ALL=C.UTF-8 wc -L)" -le 60 ] &&
	pass "60x15: nothing drawn past the edge" || fail "60x15 width"
echo "$s" | grep -q "^A: " && echo "$s" | grep -q "MaxPool" && pass "60x15: header and panes" || fail "60x15 layout"
tmx resize-window -t t -x 30 -y 8
wait_for "terminal too small" && pass "30x8: terminal too small" || fail "30x8 too small"
tmx resize-window -t t -x 120 -y 40
wait_for "= Add /layer1/Add" && pass "back to 120x40" || fail "back to 120x40"
wait_match "row 3/11" && pass "selection kept across resizes" || fail "selection kept"
keys q
wait_for "exit=0" && pass "q exits 0" || fail "q exits 0"
finish
