#!/bin/bash
# The fuzz targets on their seeds: python3-onnx's seed corpus
# (tests/fuzz/make_seeds.py) and the regressions in tests/fuzz/regress/.
# In a --enable-fuzzing build each libFuzzer target replays them and then
# fuzzes for GS_FUZZ_SECONDS (default 10); otherwise each target's replay
# program (the target linked with tests/fuzz/driver.c) runs every seed
# once, so the sanitizers of the build see every one.  A crash, leak,
# sanitizer report or broken invariant fails the test.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
: "${top_builddir:=$PWD}"
secs=${GS_FUZZ_SECONDS:-10}
regress="$top_srcdir/tests/fuzz/regress"
export GS_FUZZ_DATADIR="$top_srcdir/data"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

seeds=
if have_python_onnx; then
	seeds=$(fixtures fuzz-seeds tests/fuzz/make_seeds.py) || { echo "seed generation failed"; exit 1; }
else
	echo "# python3-onnx is not installed: the regressions only"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ran=0
# target:corpus; the corpus names a folder of the seeds and of regress/
for tc in reader:onnx passes:onnx match:onnx eval:onnx tensor:tensor cmd:cmd \
	safetensors:weights npz_data:data grad:onnx; do
	t=${tc%%:*} c=${tc#*:}
	dirs=
	[ -n "$seeds" ] && dirs="$seeds/$c"
	[ -d "$regress/$c" ] && dirs="$dirs $regress/$c"
	[ -n "$dirs" ] || continue
	fuzz="$top_builddir/tests/fuzz/fuzz_$t"
	replay="$top_builddir/tests/fuzz/replay_$t"
	if [ -x "$fuzz" ]; then
		dict=
		d=$c
		[ "$c" = data ] && d=weights	# the .npz pieces serve both
		[ -e "$top_srcdir/tests/fuzz/$d.dict" ] && dict="-dict=$top_srcdir/tests/fuzz/$d.dict"
		mkdir -p "$work/$t"
		# the first folder collects what the run finds; seeds are only read
		if "$fuzz" -max_total_time="$secs" -timeout=20 -rss_limit_mb=3072 -max_len=65536 \
			$dict -artifact_prefix="$work/$t-" "$work/$t" $dirs >"$work/$t.log" 2>&1; then
			pass "fuzz_$t: $(grep -Eo '#[0-9]+[[:space:]]+DONE[[:space:]]+cov: [0-9]+ ft: [0-9]+' "$work/$t.log" | tail -1)"
		else
			fail "fuzz_$t"
			grep -E -A30 'ERROR|runtime error|deadly|Test unit written' "$work/$t.log" | head -60
		fi
		ran=$((ran + 1))
	elif [ -x "$replay" ]; then
		if "$replay" $dirs >"$work/$t.log" 2>&1; then
			pass "replay_$t: $(tail -1 "$work/$t.log")"
		else
			fail "replay_$t"
			tail -40 "$work/$t.log"
		fi
		ran=$((ran + 1))
	fi
done
[ "$ran" -gt 0 ] || skip_all "no fuzz target or replay program is built"
finish
