# Shared by the benchmarks (sourced, POSIX sh): one optimized build and one
# copy of each synthetic model for all of them, so running several benches
# neither rebuilds nor regenerates 400 MB again.
bench_top=$(cd "$(dirname "$0")/.." && pwd)

# Prints the path of a plain -O2 build (no sanitizers) of graphsmith, made
# once in build-bench/; GS_BIN names another binary.  Extra make targets
# (e.g. tests/passes/quant_apply) are built alongside.
bench_bin() {
	if [ -n "${GS_BIN:-}" ]; then
		echo "$GS_BIN"
		return 0
	fi
	b=${GS_BENCH_BUILD:-$bench_top/build-bench}
	mkdir -p "$b" || return 1
	( cd "$b" && { [ -f Makefile ] || "$bench_top/configure" -q CFLAGS=-O2; } &&
	  make -s -j"$(nproc)" src/graphsmith "$@" >/dev/null ) || { echo "bench: build failed" >&2; return 1; }
	echo "$b/src/graphsmith"
}

# Prints the path of the 400 MB model of bench/make_big.py, made once.
bench_big_model() {
	m=${GS_BIG_MODEL:-${TMPDIR:-/tmp}/graphsmith-bench/big.onnx}
	if [ ! -f "$m" ]; then
		mkdir -p "$(dirname "$m")" &&
		/usr/bin/python3 "$bench_top/bench/make_big.py" "$m" >&2 || return 1
	fi
	echo "$m"
}
