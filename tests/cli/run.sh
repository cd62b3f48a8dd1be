#!/bin/bash
# Data-driven CLI tests: runs every tests/cli/*.test and compares.
#
# A .test file is a header, then sections:
#
#   # what this checks (comment lines are ignored)
#   args: apply -c "select conv1" -o "$OUT" data/cnn.onnx
#   status: 0
#   --- stdin
#   text fed to the program (default: /dev/null)
#   --- stdout
#   the exact expected standard output
#   --- stderr
#   the exact expected standard error
#   --- check
#   shell lines that must all succeed afterwards
#
# `args` is expanded by the shell with OUT (a path in a fresh temporary
# folder, not yet existing) and TMP (that folder); the program runs in the
# source tree, so data/cnn.onnx names the sample model.  A missing stdout or
# stderr section is not compared; `status` defaults to 0.  The check lines
# see OUT, TMP, STDOUT and STDERR (files holding what the program printed)
# and run under `set -e`.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
GS_BIN=$(cd "$(dirname "$GS_BIN")" && pwd)/$(basename "$GS_BIN")
cd "$top_srcdir" || exit 1
[ -e data/cnn.onnx ] || skip_all "data/cnn.onnx is not in this tree"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for t in tests/cli/*.test; do
	name=$(basename "$t" .test)
	rm -rf "$work"/*
	mkdir -p "$work/tmp"
	awk -v dir="$work" '
		/^--- / { sec = $2; printf "" > (dir "/" sec); next }
		sec == "" && /^args: / { sub(/^args: /, ""); print > (dir "/args"); next }
		sec == "" && /^status: / { sub(/^status: /, ""); print > (dir "/status"); next }
		sec == "" { next }
		{ print > (dir "/" sec) }' "$t"
	TMP=$work/tmp OUT=$work/tmp/out.onnx
	STDOUT=$work/stdout.got STDERR=$work/stderr.got
	export TMP OUT STDOUT STDERR
	eval "set -- $(cat "$work/args")"
	stdin=/dev/null
	[ -e "$work/stdin" ] && stdin=$work/stdin
	"$GS_BIN" "$@" <"$stdin" >"$STDOUT" 2>"$STDERR"
	rc=$?
	want=$(cat "$work/status" 2>/dev/null || echo 0)
	ok=1
	if [ "$rc" != "$want" ]; then
		echo "# $name: exit status $rc, expected $want"
		ok=0
	fi
	for s in stdout stderr; do
		if [ -e "$work/$s" ] && ! diff -u "$work/$s" "$work/$s.got" >"$work/diff"; then
			sed 's/^/# /' "$work/diff"
			echo "# $name: $s differs (above)"
			ok=0
		fi
	done
	# a shell of its own: `set -e` is ignored in a subshell whose status
	# is tested, which would let every check line but the last fail
	if [ -e "$work/check" ] && ! bash -e "$work/check" >"$work/check.out" 2>&1; then
		sed 's/^/# /' "$work/check.out"
		echo "# $name: check failed"
		ok=0
	fi
	if [ $ok = 1 ]; then pass "$name"; else fail "$name"; fi
done
finish
