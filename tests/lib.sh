# Shared helpers for the shell tests (sourced).  Each test runs in the build
# directory with the variables of AM_TESTS_ENVIRONMENT set.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${GS_BIN:=./src/graphsmith}"
: "${GS_PYTHON:=/usr/bin/python3}"
: "${GS_FIXTURES:=$PWD/tests/fixtures-out}"

fails=0
pass() { echo "ok - $*"; }
fail() { echo "not ok - $*"; fails=$((fails + 1)); }
skip_all() { echo "SKIP: $*"; exit 77; }
skip() { echo "ok - # SKIP $*"; }	# one check not run, with why
finish() { [ "$fails" -eq 0 ] || { echo "$fails check(s) failed"; exit 1; }; exit 0; }

# Generates (once per build) the fixtures made by a python3-onnx script.
fixtures() {	# fixtures NAME SCRIPT -> prints the directory
	local dir="$GS_FIXTURES/$1"
	mkdir -p "$GS_FIXTURES"
	(
		flock 9
		if [ ! -e "$dir/.done" ]; then
			rm -rf "$dir"; mkdir -p "$dir"
			"$GS_PYTHON" "$top_srcdir/$2" "$dir" >/dev/null || exit 1
			touch "$dir/.done"
		fi
	) 9>"$dir.lock" || return 1
	echo "$dir"
}

have_python_onnx() { "$GS_PYTHON" -c 'import onnx, numpy' 2>/dev/null; }
have_ort() { [ -d "$top_srcdir/tests/oracle/node_modules/onnxruntime-node" ] && command -v node >/dev/null; }
ort_compare() { node "$top_srcdir/tests/oracle/ort_compare.js" "$@"; }
onnx_check() { "$GS_PYTHON" "$top_srcdir/tests/oracle/check.py" "$@"; }
