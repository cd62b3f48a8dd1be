#!/bin/sh
# The terminal is given back: q exits 0 and leaves the alternate screen;
# SIGTERM restores it too; without a tty the workbench refuses (exit 2).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/tui/lib.sh"

out=$("$GS_BIN" "$DATA/cnn.onnx" </dev/null 2>&1 >/dev/null); rc=$?
[ $rc -eq 2 ] && echo "$out" | grep -q "needs a terminal" && pass "no tty: exit 2 with a message" ||
	fail "no tty: exit 2 (got $rc: $out)"

tui_start 100 30 LC_ALL=C.UTF-8 -- "$DATA/cnn.onnx" "$DATA/cnn-folded.onnx"
wait_for "row 1/11" || fail "workbench started"
[ "$(tmx display-message -p -t t '#{alternate_on}')" = 1 ] && pass "alternate screen while running" ||
	fail "alternate screen while running"
keys q
wait_for "exit=0" && pass "q exits 0" || fail "q exits 0"
[ "$(tmx display-message -p -t t '#{alternate_on}')" = 0 ] && pass "alternate screen left" ||
	fail "alternate screen left"
screen | grep -q "row 1/11" && fail "workbench gone from the screen" || pass "workbench gone from the screen"
[ "$(tmx display-message -p -t t '#{cursor_flag}')" = 1 ] && pass "cursor visible again" || fail "cursor visible"

# one model: B with an untouched baseline as A
tui_start 120 30 LC_ALL=C.UTF-8 -- "$DATA/cnn.onnx"
wait_for "A (baseline): " && pass "one model opens with A as baseline" || fail "one model"
wait_match "=11 matched\|identical" && pass "baseline identical" || fail "baseline identical"
pid=$(tmx display-message -p -t t '#{pane_pid}')
gpid=$(pgrep -P "$pid" | head -1)
if [ -n "$gpid" ]; then
	kill -TERM "$gpid"
	wait_for "exit=" && pass "SIGTERM ends the workbench" || fail "SIGTERM"
	[ "$(tmx display-message -p -t t '#{alternate_on}')" = 0 ] && pass "SIGTERM restores the terminal" ||
		fail "SIGTERM restores the terminal"
else
	fail "graphsmith process not found"
fi
finish
