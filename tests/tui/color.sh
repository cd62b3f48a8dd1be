#!/bin/sh
# Colours per status, and with NO_COLOR the same distinctions without any
# colour escape: markers (= ~ + - F) and attributes.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/tui/lib.sh"

colour_re='\[(3[0-7]|9[0-7]|38;5;[0-9]+)m|\[[0-9;]*;(3[0-7]|38;5)[0-9;]*m'

tui_start 120 40 LC_ALL=C.UTF-8 -- "$DATA/cnn.onnx" "$DATA/cnn-folded.onnx"
wait_for "row 1/11" || fail "workbench started"
screen -e | grep -Eq "$colour_re" && pass "colour escapes with colours on" || fail "colour escapes"
keys q
wait_for "exit=0"

tui_start 120 40 LC_ALL=C.UTF-8 NO_COLOR=1 -- "$DATA/cnn.onnx" "$DATA/cnn-folded.onnx"
wait_for "row 1/11" || fail "NO_COLOR workbench started"
e=$(screen -e)
echo "$e" | grep -Eq "$colour_re" && fail "NO_COLOR: no colour escapes" || pass "NO_COLOR: no colour escapes"
s=$(screen)
echo "$s" | grep -q " F Conv+BatchNormalization" && echo "$s" | grep -q " = Relu" &&
	pass "NO_COLOR: markers carry the status" || fail "NO_COLOR markers"
echo "$e" | grep -q "$(printf '\033')\[[0-9;]*[147]m" && pass "NO_COLOR: bold/underline/reverse used" ||
	fail "NO_COLOR attributes"
keys q
wait_for "exit=0" || fail "q exits 0"

# ASCII fallback when the locale is not UTF-8
tui_start 120 40 LC_ALL=C -- "$DATA/cnn.onnx" "$DATA/cnn-folded.onnx"
wait_for "row 1/11" || fail "C locale workbench started"
s=$(screen)
echo "$s" | grep -q "^\*-' " && echo "$s" | grep -q "|" && pass "C locale: ASCII lanes" || fail "ASCII lanes"
echo "$s" | grep -q "│\|●" && fail "C locale: no UTF-8 drawing" || pass "C locale: no UTF-8 drawing"
keys q
wait_for "exit=0" || fail "q exits 0"
finish
