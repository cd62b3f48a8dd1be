#!/bin/bash
# Saves are atomic: whatever goes wrong, the old file survives intact and
# no temporary file is left behind.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
model="$top_srcdir/data/cnn.onnx"
printf 'precious old contents\n' > "$out/old.onnx"

# 1. the write fails half way (file size limit): old file intact
( trap '' XFSZ; ulimit -f 8; exec "$GS_BIN" apply -o "$out/old.onnx" "$model" ) 2>"$out/err"
rc=$?
if [ $rc -eq 2 ] && grep -q "^graphsmith: cannot write '.*old.onnx': " "$out/err" &&
   [ "$(cat "$out/old.onnx")" = "precious old contents" ]; then
	pass "failed write keeps the old file ($(cat "$out/err"))"
else
	fail "failed write: rc=$rc, $(cat "$out/err"), old: $(head -c 40 "$out/old.onnx")"
fi
leftovers=$(find "$out" -name '.*tmp*' | wc -l)
[ "$leftovers" -eq 0 ] && pass "no temporary file left" || fail "$leftovers temporary files left"

# 2. the folder does not exist
"$GS_BIN" apply -o "$out/nope/x.onnx" "$model" 2>"$out/err"
[ $? -eq 2 ] && grep -q "No such file or directory" "$out/err" && pass "missing folder: clear error" ||
	fail "missing folder: $(cat "$out/err")"

# 3. the destination is a directory: rename fails, nothing changes
mkdir "$out/dir.onnx"
"$GS_BIN" apply -o "$out/dir.onnx" "$model" 2>"$out/err"
[ $? -eq 2 ] && [ -d "$out/dir.onnx" ] && [ "$(find "$out" -name '.*tmp*' | wc -l)" -eq 0 ] &&
	pass "directory destination refused" || fail "directory destination: $(cat "$out/err")"

# 4. a successful save replaces the file and keeps ordinary permissions
"$GS_BIN" apply -o "$out/old.onnx" "$model" && cmp -s "$model" "$out/old.onnx" &&
	pass "save replaces the old file" || fail "save did not replace the file"
mode=$(stat -c %a "$out/old.onnx")
expect=$(printf '%o' $(( 0666 & ~$(umask) )))
[ "$mode" = "$expect" ] && pass "mode $mode follows the umask" || fail "mode $mode, expected $expect"
finish
