#!/bin/bash
# `graphsmith info` text and JSON against golden files, and its usage errors.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
cd "$top_srcdir" || exit 1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$GS_BIN" info data/cnn.onnx > "$out/text" 2>&1
diff -u tests/onnx/cnn.info "$out/text" && pass "info text matches the golden file" || fail "info text"
"$GS_BIN" info --json data/cnn.onnx > "$out/json" 2>&1
diff -u tests/onnx/cnn.info.json "$out/json" && pass "info --json matches the golden file" || fail "info json"
if "$GS_PYTHON" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["nodes"]==14 and d["ops"]["Conv"]==3 and d["parameters"]["tensors"]==17' "$out/json"; then
	pass "info --json parses with the expected counts"
else
	fail "info --json content"
fi
"$GS_BIN" info >/dev/null 2>&1; [ $? -eq 2 ] && pass "info without a model: exit 2" || fail "info usage exit"
"$GS_BIN" --version | grep -q '^graphsmith [0-9]' && pass "--version" || fail "--version"
"$GS_BIN" --help | grep -q 'graphsmith info' && pass "--help" || fail "--help"
"$GS_BIN" bogus-subcommand-xyz >/dev/null 2>&1; [ $? -eq 2 ] && pass "unknown subcommand: exit 2" || fail "unknown subcommand"
finish
