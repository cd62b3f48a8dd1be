#!/bin/sh
# Installs what is missing (Debian, as root), then builds graphsmith.
#   ./bootstrap.sh          release build in build/
#   ./bootstrap.sh --test   also the test tools, an ASan+UBSan build in
#                           build-check/, and the whole suite
set -eu
cd "$(dirname "$0")"
mode=${1:-build}

need="build-essential autoconf automake libtool pkg-config protobuf-c-compiler
      libprotobuf-c-dev libzstd-dev libjansson-dev libncurses-dev libreadline-dev
      libzip-dev libopenblas-dev"
[ "$mode" = --test ] && need="$need libcmocka-dev python3-onnx python3-numpy python3-torch
      python3-sklearn tmux valgrind zstd nodejs npm"

missing=""
for p in $need; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
# node may come from outside Debian's packages; then npm/nodejs are not needed
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
	missing=$(echo "$missing" | tr ' ' '\n' | grep -vx -e nodejs -e npm | tr '\n' ' ')
fi
if [ -n "$(echo "$missing" | tr -d ' ')" ]; then
	echo "bootstrap: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq $missing >/dev/null
fi

[ -x configure ] && [ configure -nt configure.ac ] || autoreconf -fi >/dev/null 2>&1 || autoreconf -fi

if [ "$mode" != --test ]; then
	mkdir -p build
	cd build
	[ -f Makefile ] || ../configure -q
	make -s -j"$(nproc)"
	exit 0
fi

# onnxruntime (the reference runtime of the oracle tests), from npm
if [ ! -d tests/oracle/node_modules/onnxruntime-node ]; then
	(cd tests/oracle && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund --silent) ||
		echo "bootstrap: onnxruntime-node could not be installed; oracle checks will skip"
fi
mkdir -p build-check
cd build-check
[ -f Makefile ] || ../configure -q --enable-asan CFLAGS="-O1 -g"
make -s -j"$(nproc)"
set +e
make -s -j"$(nproc)" check >check.out 2>&1
rc=$?
set -e
grep -E '^(FAIL|ERROR|XPASS):' check.out || true
if [ $rc -ne 0 ]; then
	for log in $(grep -lE '^(FAIL|ERROR)' $(find tests -name '*.log' ! -name test-suite.log) 2>/dev/null); do
		echo "--- $log"; tail -n 30 "$log"
	done
fi
pass=$(sed -n 's/^# PASS: *//p' test-suite.log)
fail=$(( $(sed -n 's/^# FAIL: *//p' test-suite.log) + $(sed -n 's/^# ERROR: *//p' test-suite.log) + $(sed -n 's/^# XPASS: *//p' test-suite.log) ))
skip=$(sed -n 's/^# SKIP: *//p' test-suite.log)
grep -h '^SKIP: ' $(find tests -name '*.log' ! -name test-suite.log) 2>/dev/null | sort -u | sed 's/^/skipped: /' || true
echo "${pass:-0} passed, $fail failed, ${skip:-0} skipped"
exit $rc
