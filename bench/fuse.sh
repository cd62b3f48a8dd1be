#!/bin/sh
# `fuse all` then save on the 400 MB synthetic model (bench/make_big.py:
# 24 MatMul+Add+Relu layers, all becoming Gemm) against onnxruntime's basic
# optimizer writing its optimized copy (optimizedModelFilePath), in the same
# run: wall time, the ratio, and peak RSS of both (/usr/bin/time -v).
# Usage: bench/fuse.sh [GRAPHSMITH] [WORKDIR]
#   GRAPHSMITH defaults to the shared -O2 build (bench/lib.sh); WORKDIR
#   (default /tmp/gs-bench-fuse) holds the outputs.
. "$(dirname "$0")/lib.sh"
top=$bench_top
dir=${2:-/tmp/gs-bench-fuse}
mkdir -p "$dir" || exit 1
bin=${1:-$(bench_bin)} || exit 1
ortdir=$top/tests/oracle/node_modules/onnxruntime-node
[ -d "$ortdir" ] || { echo "SKIP: run npm install in tests/oracle"; exit 77; }
big=$(bench_big_model) || exit 1

cat >"$dir/ort_basic.js" <<JS
const ort = require('$ortdir');
ort.InferenceSession.create(process.argv[2], {
  graphOptimizationLevel: 'basic', optimizedModelFilePath: process.argv[3],
  intraOpNumThreads: 1, interOpNumThreads: 1, logSeverityLevel: 3,
}).then(() => process.exit(0), (e) => { console.error(String(e)); process.exit(1); });
JS

# wall seconds and peak RSS (KiB) out of /usr/bin/time -v's report
secs() { sed -n 's/.*Elapsed (wall clock) time.*: //p' "$1" |
	awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }'; }
rss() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"; }

sync
cat "$big" >/dev/null	# both start from a warm page cache
rm -f "$dir/gs.onnx" "$dir/ort.onnx"
/usr/bin/time -v "$bin" apply -c "inputs off; fuse all" -o "$dir/gs.onnx" "$big" >"$dir/gs.log" 2>"$dir/gs.time" ||
	{ cat "$dir/gs.log" "$dir/gs.time"; exit 1; }
/usr/bin/time -v node "$dir/ort_basic.js" "$big" "$dir/ort.onnx" >"$dir/ort.log" 2>"$dir/ort.time" ||
	{ cat "$dir/ort.log" "$dir/ort.time"; exit 1; }

gs_s=$(secs "$dir/gs.time"); ort_s=$(secs "$dir/ort.time")
gs_m=$(rss "$dir/gs.time"); ort_m=$(rss "$dir/ort.time")
size=$(stat -c %s "$big")
echo "model: $(numfmt --to=iec-i --suffix=B "$size"), $(grep -c ' -> ' "$dir/gs.log") rewrites ($(grep '^fuse all:' "$dir/gs.log"))"
echo "graphsmith fuse all + save: ${gs_s} s, peak RSS $(numfmt --from-unit=1024 --to=iec-i --suffix=B "$gs_m")"
echo "onnxruntime basic + save:   ${ort_s} s, peak RSS $(numfmt --from-unit=1024 --to=iec-i --suffix=B "$ort_m")"
echo "ratio (onnxruntime / graphsmith): time $(echo "scale=2; $ort_s / $gs_s" | bc)x," \
	"RSS $(echo "scale=2; $ort_m / $gs_m" | bc)x"
# not timed: the fused copy computes what the original does
node "$top/tests/oracle/ort_compare.js" "$big" "$dir/gs.onnx" | head -c 300; echo
