#!/bin/sh
# Merging at scale: `graphsmith merge --method linear` of two fine-tunes of
# an 8.4 M-parameter MLP against the same merge in numpy with python3-onnx
# (bench/merge_numpy.py), timed by farm-bench in one invocation (A/B ratio
# of wall time, paired runs); then ties and the merged bytes compared.
# Usage: bench/transfer.sh [GRAPHSMITH] [WORKDIR]
. "$(dirname "$0")/lib.sh"
dir=${2:-${TMPDIR:-/tmp}/gs-bench-transfer}
mkdir -p "$dir" || exit 1
bin=${1:-$(bench_bin)} || exit 1
py=/usr/bin/python3
[ -f "$dir/ft2.onnx" ] || $py "$bench_top/bench/make_merge_models.py" "$dir" || exit 1
command -v farm-bench >/dev/null || { echo "bench: farm-bench is not installed" >&2; exit 1; }

echo "== linear merge, graphsmith (A) vs numpy + python3-onnx (B)"
farm-bench -n 5 --timeout 300 \
	--vs "$py $bench_top/bench/merge_numpy.py 0.5 $dir/np.onnx $dir/ft1.onnx $dir/ft2.onnx" \
	-- "$bin" merge --method linear --alpha 0.5 -o "$dir/gs.onnx" "$dir/ft1.onnx" "$dir/ft2.onnx"
$py - "$dir/gs.onnx" "$dir/np.onnx" <<'PY'
import sys, onnx
from onnx import numpy_helper as nh
a, b = (onnx.load(p) for p in sys.argv[1:3])
same = all(nh.to_array(x).tobytes() == nh.to_array(y).tobytes()
           for x, y in zip(a.graph.initializer, b.graph.initializer))
print("merged tensors byte-identical to numpy's:", same)
PY
echo "== ties (density 0.2) against the base, graphsmith"
farm-bench -n 3 --timeout 300 -- "$bin" merge --method ties --base "$dir/base.onnx" \
	--density 0.2 -o "$dir/ties.onnx" "$dir/ft1.onnx" "$dir/ft2.onnx"
