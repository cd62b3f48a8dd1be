#!/bin/bash
# The core library (everything but src/tui and src/cli) includes no curses
# or readline header, only src/onnx sees protobuf-c types, the folders
# keep their layer order, the files of a folder call each other in no
# loop, and its global symbols carry the gs_ prefix.
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
# every global symbol of the library is gs_ (or protobuf-c's onnx__):
# internals shared between a module's files carry its prefix too
# (gs_match_, gs_fuse_, gs_cv_, gs_eval_, ...); the rest are static.
lib=${top_builddir:-.}/libgraphsmith.a
if [ ! -e "$lib" ] || ! command -v nm >/dev/null; then
	skip "no libgraphsmith.a or nm: global symbol prefixes not checked"
else
	# names starting with __ are the compiler's (sanitizers, coverage)
	syms=$(nm -g --defined-only "$lib" 2>/dev/null | awk '$2 ~ /^[A-Z]$/ { print $3 }' |
		grep -v '^__' | sort -u)
	[ -n "$syms" ] || fail "nm lists no global symbol in $lib"
	bad=$(echo "$syms" | grep -vE '^(gs_|onnx__)')
	[ -z "$bad" ] && pass "every global symbol of the library is gs_" ||
		fail "global symbols without the gs_ prefix: $(echo $bad)"
fi
# inside a folder the files form a hierarchy: no files that call each
# other in a loop (from nm of the build's objects)
if ! command -v nm >/dev/null; then
	skip "no nm: circles of files not checked"
else
	out=$("$GS_PYTHON" "$top_srcdir/tests/onnx/circles.py" "${top_builddir:-.}" 2>&1)
	[ -z "$out" ] && pass "no files of a folder call each other in a loop" ||
		fail "circles: $out"
fi
# src/cli and src/tui never call back into the front door: main.c
# defines main() and nothing else global
bad=$(grep -E '^[a-z][^;]*\(' "$top_srcdir/src/main.c" | grep -vE '^(static|int main\()')
[ -z "$bad" ] && pass "main.c defines only main()" || fail "main.c defines globals: $bad"
finish
