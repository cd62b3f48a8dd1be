#!/bin/sh
# The readline console inside curses: `help` prints the command list,
# completion, errors, history kept in $XDG_STATE_HOME, Escape leaves.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/tui/lib.sh"

tui_start 120 40 LC_ALL=C.UTF-8 -- "$DATA/cnn.onnx" "$DATA/cnn-folded.onnx"
wait_for "row 1/11" || fail "workbench started"
keys :
# the key reaches the program a moment later: poll for the prompt
focused=no
for _ in $(seq 100); do
	screen | tail -1 | grep -q "^: *$" && { focused=yes; break; }
	sleep 0.1
done
[ $focused = yes ] && pass ": focuses the console" || fail ": focuses the console"
keys -l "help"
keys Enter
wait_for "select [-a] NODE" && pass "help prints the command list" || fail "help prints the command list"
# the end of the list stays in view as commands join it
wait_match "undo \[N\]" && pass "help lists undo" || fail "help lists undo"
keys -l "sel"
keys Tab
wait_for ": select" && pass "Tab completes the command name" || fail "Tab completion"
keys C-u
keys -l "select -a /layer1/Add"
keys Enter
wait_for "row 7/11" && pass "select moves the cursor" || fail "select moves the cursor"
keys -l "nosuchcommand"
keys Enter
# the typed text shows at once; the error only after Enter is handled
reported=no
for _ in $(seq 100); do
	screen | grep -q "unknown command\|no command\|nosuchcommand'" && { reported=yes; break; }
	sleep 0.1
done
[ $reported = yes ] && pass "an unknown command reports an error" || fail "unknown command error"
# `diff` in the console drops and rebuilds the match the panes draw from:
# drawing and moving afterwards must use the new one (ASan: no use after free)
keys -l "diff"
keys Enter
wait_for "matched" || fail "console diff printed nothing"
keys Escape
keys j j k Enter
wait_for "matched by" && pass "the panes survive a console diff" || fail "panes after console diff"
keys Escape
keys :
keys Escape
wait_for "q quit" && pass "Escape leaves the console" || fail "Escape leaves the console"
keys q
wait_for "exit=0" || fail "q exits 0"
grep -qx "help" "$TUI_TMP/state/graphsmith/history" && pass "history persisted" || fail "history persisted"
grep -qx "select -a /layer1/Add" "$TUI_TMP/state/graphsmith/history" && pass "history has the select" || fail "history has the select"
finish
