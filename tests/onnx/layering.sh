#!/bin/bash
# The core library (everything but src/tui and src/cli) includes no curses
# or readline header, and only src/onnx sees protobuf-c types.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
cd "$top_srcdir" || exit 1
bad=$(grep -lE '#include *[<"](n?curses|ncursesw/|readline/)' src/*/*.c src/*/*.h include/graphsmith/*.h 2>/dev/null |
	grep -vE '^src/(tui|cli)/')
[ -z "$bad" ] && pass "core is free of curses and readline" || fail "curses/readline in the core: $bad"
bad=$(grep -lE 'onnx\.pb-c\.h|Onnx__' src/*/*.c src/*/*.h include/graphsmith/*.h 2>/dev/null | grep -v '^src/onnx/')
[ -z "$bad" ] && pass "protobuf-c types stay in src/onnx" || fail "protobuf-c outside src/onnx: $bad"
finish
