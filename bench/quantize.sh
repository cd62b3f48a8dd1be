#!/bin/sh
# `quantize int8 per-channel` then save on the 400 MB synthetic model
# (bench/make_big.py: 24 MatMul weights of 2048x2048) against `cp` of the
# same file, in the same run: wall time (best of 3 each), the ratio, and
# peak RSS over the model size (/usr/bin/time -v).  Targets: time <= 4x
# cp, peak RSS <= 1.3x the model.
# Usage: bench/quantize.sh [GRAPHSMITH] [WORKDIR]
#   GRAPHSMITH defaults to a plain -O2 build (no ASan) made in
#   WORKDIR/build-O2; WORKDIR defaults to /tmp/gs-bench-quant, where the
#   model is cached.
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
dir=${2:-/tmp/gs-bench-quant}
mkdir -p "$dir" || exit 1
bin=${1:-}
if [ -z "$bin" ]; then
	b=$dir/build-O2
	mkdir -p "$b" || exit 1
	( cd "$b" && { [ -f Makefile ] || "$top/configure" -q CFLAGS=-O2; } &&
	  make -j2 src/graphsmith >/dev/null ) || { echo "build failed"; exit 1; }
	bin=$b/src/graphsmith
fi
big=$dir/big.onnx
[ -f "$big" ] || /usr/bin/python3 "$here/make_big.py" "$big" || exit 1

secs() { sed -n 's/.*Elapsed (wall clock) time.*: //p' "$1" |
	awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }'; }
rss() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"; }
min() { awk 'NR == 1 || $1 < m { m = $1 } END { print m }'; }

sync
cat "$big" >/dev/null	# both start from a warm page cache
: >"$dir/cp.times"; : >"$dir/gs.times"; : >"$dir/gs.rss"
for i in 1 2 3; do
	rm -f "$dir/cp.onnx" "$dir/q.onnx"
	/usr/bin/time -v cp "$big" "$dir/cp.onnx" 2>"$dir/cp.time" || { cat "$dir/cp.time"; exit 1; }
	secs "$dir/cp.time" >>"$dir/cp.times"; echo >>"$dir/cp.times"
	/usr/bin/time -v "$bin" apply -c "quantize int8 per-channel" -o "$dir/q.onnx" "$big" \
		>"$dir/gs.log" 2>"$dir/gs.time" || { cat "$dir/gs.log" "$dir/gs.time"; exit 1; }
	secs "$dir/gs.time" >>"$dir/gs.times"; echo >>"$dir/gs.times"
	rss "$dir/gs.time" >>"$dir/gs.rss"
done
cp_s=$(min <"$dir/cp.times"); gs_s=$(min <"$dir/gs.times"); gs_m=$(sort -n "$dir/gs.rss" | tail -1)
size=$(stat -c %s "$big"); out=$(stat -c %s "$dir/q.onnx")
echo "model: $(numfmt --to=iec-i --suffix=B "$size") -> $(numfmt --to=iec-i --suffix=B "$out")" \
	"($(grep '^quantized' "$dir/gs.log"))"
echo "cp:                              ${cp_s} s"
echo "quantize int8 per-channel + save: ${gs_s} s, peak RSS $(numfmt --from-unit=1024 --to=iec-i --suffix=B "$gs_m")"
echo "ratio: time $(echo "scale=2; $gs_s / $cp_s" | bc)x cp (target <= 4)," \
	"peak RSS $(echo "scale=2; $gs_m * 1024 / $size" | bc)x model (target <= 1.3)"
