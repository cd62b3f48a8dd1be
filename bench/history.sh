#!/bin/sh
# Undo memory against model size on the 400 MB synthetic model
# (bench/make_big.py): prune then quantize, and quantize then prune; the
# history's own figure ("undo memory" in `history`) beside the file size.
# Usage: bench/history.sh [GRAPHSMITH] [WORKDIR]
. "$(dirname "$0")/lib.sh"
bin=${1:-$(bench_bin)} || exit 1
dir=${2:-/tmp/gs-bench-history}
mkdir -p "$dir" || exit 1
big=$(bench_big_model) || exit 1
size=$(stat -c %s "$big")
run() {
	start=$(date +%s.%N)
	"$bin" apply -c "inputs off; $1; history" -o "$dir/out.onnx" "$big" >"$dir/log" 2>&1 || { cat "$dir/log"; exit 1; }
	end=$(date +%s.%N)
	mem=$(sed -n 's/^undo memory: //p' "$dir/log")
	echo "$1: model $(numfmt --to=iec-i --suffix=B "$size"), undo memory $mem," \
		"$(echo "$end - $start" | bc) s"
	grep -E '^ +[0-9]+  ' "$dir/log"
}
run "prune magnitude 0.5; quantize int8 per-channel"
run "quantize int8 per-channel; prune magnitude 0.5"
run "prune magnitude 0.5; prune nm 2:4"
