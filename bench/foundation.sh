#!/bin/bash
# Load and save speed on the synthetic 400 MB model (24 MatMul+Add+Relu
# layers of 2048x2048 fp32), each beside its reference in the same run:
#   graphsmith info        vs  python3-onnx's onnx.load
#   graphsmith apply -o    vs  cp of the same file (and cp + sync)
# Prints wall times, ratios and peak RSS.  Usage: bench/foundation.sh [MODEL]
set -eu
. "$(dirname "$0")/lib.sh"
gs=$(bench_bin) || exit 1
model=${1:-$(bench_big_model)} || exit 1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
size=$(stat -c %s "$model")
cat "$model" > /dev/null	# warm the page cache for everyone alike

# best of N wall time in seconds, and the peak RSS in KiB of the last run
measure() {	# measure N cmd... -> "seconds rss_kib"
	local n=$1 best=999999 t rss; shift
	for _ in $(seq "$n"); do
		/usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>"$work/err" || { cat "$work/err"; return 1; }
		read -r t rss < "$work/time"
		best=$(echo "$t $best" | awk '{print ($1 < $2) ? $1 : $2}')
	done
	echo "$best $rss"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) b = 0.005; printf "%.3f", a / b }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
rel() { awk -v k="$1" -v s="$size" 'BEGIN { printf "%.2f", k * 1024 / s }'; }

echo "model: $model ($(awk -v s="$size" 'BEGIN{printf "%.1f MiB", s/1048576}'))"
read -r t_info rss_info <<< "$(measure 5 "$gs" info "$model")"
read -r t_load rss_load <<< "$(measure 3 /usr/bin/python3 -c 'import onnx,sys; onnx.load(sys.argv[1])' "$model")"
echo "info:  graphsmith ${t_info}s (peak $(mib "$rss_info"), $(rel "$rss_info")x file)"
echo "       onnx.load  ${t_load}s (peak $(mib "$rss_load"), $(rel "$rss_load")x file)"
echo "       ratio graphsmith/onnx.load = $(ratio "$t_info" "$t_load")   (target <= 0.1; /usr/bin/time has 10 ms resolution)"

read -r t_save rss_save <<< "$(measure 3 "$gs" apply -o "$work/out.onnx" "$model")"
cmp -s "$model" "$work/out.onnx" || { echo "saved copy differs!"; exit 1; }
rm -f "$work/out.onnx"
read -r t_cp _ <<< "$(measure 3 cp "$model" "$work/cp.onnx")"
rm -f "$work/cp.onnx"
read -r t_cps _ <<< "$(measure 3 sh -c 'cp "$1" "$2" && sync "$2"' sh "$model" "$work/cp.onnx")"
echo "save:  graphsmith apply -o ${t_save}s (peak $(mib "$rss_save"), $(rel "$rss_save")x file; output byte-identical, fsync'd)"
echo "       cp ${t_cp}s, cp+sync ${t_cps}s"
echo "       ratio save/cp = $(ratio "$t_save" "$t_cp"), save/(cp+sync) = $(ratio "$t_save" "$t_cps")   (target <= 1.2)"
