#!/bin/bash
# Every file of the malformed corpus (tests/fixtures/gen_malformed.py) gets
# exactly the one-line error in malformed.expected and exit status 2, from
# both `info` and `apply`, and apply leaves no output file behind.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
have_python_onnx || skip_all "python3-onnx is not installed"
dir=$(fixtures malformed tests/fixtures/gen_malformed.py) || { echo "fixture generation failed"; exit 1; }
expected="$top_srcdir/tests/onnx/malformed.expected"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

while IFS=$'\t' read -r file message; do
	case "$file" in ''|'#'*) continue ;; esac
	for cmd in info apply; do
		if [ $cmd = info ]; then
			"$GS_BIN" info "$dir/$file" >/dev/null 2>"$out/err"
		else
			"$GS_BIN" apply -o "$out/result.onnx" "$dir/$file" >/dev/null 2>"$out/err"
		fi
		rc=$?
		got=$(sed "s|$dir/||g" "$out/err")
		if [ $rc -ne 2 ]; then
			fail "$cmd $file: exit $rc, expected 2 ($got)"
		elif [ "$got" != "$message" ]; then
			fail "$cmd $file: got '$got', expected '$message'"
		elif [ -e "$out/result.onnx" ]; then
			fail "$cmd $file: left an output file"
		else
			pass "$cmd $file"
		fi
	done
done < "$expected"

# a name with terminal control characters loads, and is printed escaped
"$GS_BIN" info "$dir/control_chars.onnx" > "$out/info" 2>&1
if [ $? -eq 0 ] && ! grep -q $'\x1b' "$out/info" && grep -q 'out\\e\[31mRED' "$out/info"; then
	pass "control characters are escaped"
else
	fail "control characters reach the terminal"
fi
# the escape hatch for external data outside the folder
if "$GS_BIN" info --allow-external-outside "$dir/ext_escape/model.onnx" >/dev/null 2>&1; then
	pass "--allow-external-outside accepts ../ locations"
else
	fail "--allow-external-outside"
fi
finish
