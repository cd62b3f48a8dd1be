#!/bin/bash
# The core library (everything but src/tui and src/cli) includes no curses
# or readline header, only src/onnx sees protobuf-c types, and the folders
# keep their layer order.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
cd "$top_srcdir" || exit 1
bad=$(grep -lE '#include *[<"](n?curses|ncursesw/|readline/)' src/*/*.c src/*/*.h include/graphsmith/*.h 2>/dev/null |
	grep -vE '^src/(tui|cli)/')
[ -z "$bad" ] && pass "core is free of curses and readline" || fail "curses/readline in the core: $bad"
bad=$(grep -lE 'onnx\.pb-c\.h|Onnx__' src/*/*.c src/*/*.h include/graphsmith/*.h 2>/dev/null | grep -v '^src/onnx/')
[ -z "$bad" ] && pass "protobuf-c types stay in src/onnx" || fail "protobuf-c outside src/onnx: $bad"
# folder order (doc/design.md): no include reaches a layer above its own
# beyond the named exceptions, which may only shrink
out=$("$GS_PYTHON" "$top_srcdir/tests/onnx/layers.py" "$top_srcdir" 2>&1)
[ -z "$out" ] && pass "no include reaches a higher layer (beyond the named exceptions)" ||
	fail "layering: $out"
finish
