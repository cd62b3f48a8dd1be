#!/bin/sh
# `quantize int8 per-channel` then save on the 400 MB synthetic model
# (bench/make_big.py: 24 MatMul weights of 2048x2048) against `cp` of the
# same file, in the same run: wall time (best of 3 each), the ratio, and
# peak RSS over the model size (/usr/bin/time -v).  CPU seconds (user +
# sys) are printed too: on a loaded machine they say more than wall time.  Targets: time <= 4x
# cp, peak RSS <= 1.3x the model.
# Usage: bench/quantize.sh [GRAPHSMITH] [WORKDIR]
#   GRAPHSMITH defaults to the shared -O2 build (bench/lib.sh); WORKDIR
#   (default /tmp/gs-bench-quant) holds the outputs.
. "$(dirname "$0")/lib.sh"
top=$bench_top
dir=${2:-/tmp/gs-bench-quant}
mkdir -p "$dir" || exit 1
bin=${1:-$(bench_bin tests/passes/quant_apply)} || exit 1
# the pass and the save alone, through the C API (no step report)
drv=$(dirname "$(dirname "$bin")")/tests/passes/quant_apply
big=$(bench_big_model) || exit 1

secs() { sed -n 's/.*Elapsed (wall clock) time.*: //p' "$1" |
	awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }'; }
cpu() { awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$1"; }
rss() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"; }
min() { awk 'NR == 1 || $1 < m { m = $1 } END { print m }'; }

sync
cat "$big" >/dev/null	# both start from a warm page cache
: >"$dir/cp.times"; : >"$dir/gs.times"; : >"$dir/gs.rss"; : >"$dir/drv.times"; : >"$dir/drv.rss"
: >"$dir/cp.cpu"; : >"$dir/gs.cpu"; : >"$dir/drv.cpu"
for i in 1 2 3; do
	rm -f "$dir/cp.onnx" "$dir/q.onnx"
	/usr/bin/time -v cp "$big" "$dir/cp.onnx" 2>"$dir/cp.time" || { cat "$dir/cp.time"; exit 1; }
	secs "$dir/cp.time" >>"$dir/cp.times"; echo >>"$dir/cp.times"
	cpu "$dir/cp.time" >>"$dir/cp.cpu"; echo >>"$dir/cp.cpu"
	/usr/bin/time -v "$bin" apply -c "inputs off; quantize int8 per-channel" -o "$dir/q.onnx" "$big" \
		>"$dir/gs.log" 2>"$dir/gs.time" || { cat "$dir/gs.log" "$dir/gs.time"; exit 1; }
	secs "$dir/gs.time" >>"$dir/gs.times"; echo >>"$dir/gs.times"
	cpu "$dir/gs.time" >>"$dir/gs.cpu"; echo >>"$dir/gs.cpu"
	rss "$dir/gs.time" >>"$dir/gs.rss"
	if [ -x "$drv" ]; then
		/usr/bin/time -v "$drv" "$dir/q2.onnx" "$big" int8 per-channel >/dev/null 2>"$dir/drv.time" ||
			{ cat "$dir/drv.time"; exit 1; }
		secs "$dir/drv.time" >>"$dir/drv.times"; echo >>"$dir/drv.times"
		cpu "$dir/drv.time" >>"$dir/drv.cpu"; echo >>"$dir/drv.cpu"
		rss "$dir/drv.time" >>"$dir/drv.rss"
	fi
done
cp_s=$(min <"$dir/cp.times"); gs_s=$(min <"$dir/gs.times"); gs_m=$(sort -n "$dir/gs.rss" | tail -1)
size=$(stat -c %s "$big"); out=$(stat -c %s "$dir/q.onnx")
echo "model: $(numfmt --to=iec-i --suffix=B "$size") -> $(numfmt --to=iec-i --suffix=B "$out")" \
	"($(grep '^quantized' "$dir/gs.log"))"
echo "cp:                              ${cp_s} s (cpu $(min <"$dir/cp.cpu") s)"
echo "quantize int8 per-channel + save: ${gs_s} s (cpu $(min <"$dir/gs.cpu") s), peak RSS $(numfmt --from-unit=1024 --to=iec-i --suffix=B "$gs_m")"
echo "ratio: time $(echo "scale=2; $gs_s / $cp_s" | bc)x cp (target <= 4)," \
	"peak RSS $(echo "scale=2; $gs_m * 1024 / $size" | bc)x model (target <= 1.3)"
if [ -s "$dir/drv.rss" ]; then
	d_s=$(min <"$dir/drv.times"); d_m=$(sort -n "$dir/drv.rss" | tail -1)
	echo "pass + save alone (C API, no step report): ${d_s} s (cpu $(min <"$dir/drv.cpu") s)" \
		"= $(echo "scale=2; $d_s / $cp_s" | bc)x cp," \
		"peak RSS $(echo "scale=2; $d_m * 1024 / $size" | bc)x model"
	cmp -s "$dir/q.onnx" "$dir/q2.onnx" || echo "warning: the two outputs differ"
fi
