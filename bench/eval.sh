#!/bin/sh
# The evaluator against onnxruntime (npm onnxruntime-node, one intra-op
# thread, all graph optimizations) on a ResNet-18-style CNN (1x3x224x224)
# and a 4-block transformer encoder (seq 128, d 256), in one invocation:
#   1. in-process median time per run (20 runs after a warm-up), ratio;
#   2. whole process (load, one run, exit) through farm-bench: wall and
#      peak RSS, ratio.
# Goals (issue 9): at most 1.5x onnxruntime's time on the CNN, 1.3x on the
# transformer, single-threaded; peak RSS no higher than onnxruntime's.
# Both sides single-threaded: GS_THREADS=1, OPENBLAS_NUM_THREADS=1.
set -eu
. "$(dirname "$0")/lib.sh"
bin=$(bench_bin)
ort_dir="$bench_top/tests/oracle"
[ -d "$ort_dir/node_modules/onnxruntime-node" ] ||
	(cd "$ort_dir" && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund --silent)
models=${TMPDIR:-/tmp}/graphsmith-bench/eval
[ -f "$models/encoder.onnx" ] || /usr/bin/python3 "$bench_top/bench/make_eval_models.py" "$models"
export GS_THREADS=1 OPENBLAS_NUM_THREADS=1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "OpenBLAS core: ${OPENBLAS_CORETYPE:-auto-detected}"
for m in resnet encoder; do
	gs=$("$bin" run --json --bench 20 --input "input=$models/$m.input.npy" "$models/$m.onnx" |
		/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["median_ms"])')
	ort=$(node "$ort_dir/ort_run.js" --threads 1 --bench 20 "$models/$m.onnx" "$out/ort" \
		"input=$models/$m.input.npy" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["median_ms"])')
	/usr/bin/python3 -c "import sys; g, o = float(sys.argv[2]), float(sys.argv[3]); \
print(f'{sys.argv[1]:8s} per run: graphsmith {g:8.1f} ms   onnxruntime {o:8.1f} ms   ratio {g/o:.2f}')" "$m" "$gs" "$ort"
done
for m in resnet encoder; do
	echo "--- $m, whole process (graphsmith run vs node ort_run.js):"
	farm-bench -n 5 --timeout 300 --vs "node $ort_dir/ort_run.js --threads 1 $models/$m.onnx $out/ort input=$models/$m.input.npy" \
		-- "$bin" run --input "input=$models/$m.input.npy" "$models/$m.onnx" 2>&1 | sed -n '1,40p'
done

# What measuring a step's outputs costs (the pass's own benches turn it
# off with `inputs off`): prune on the 400 MB model, measured vs not.
big=$(bench_big_model)
echo "--- apply 'prune magnitude 0.5' on the 400 MB model: with the output measurement (A) vs 'inputs off' (B)"
farm-bench -n 3 --timeout 300 --vs "$bin apply -c 'inputs off; prune magnitude 0.5' -o $out/p.onnx $big" \
	-- "$bin" apply -c "prune magnitude 0.5" -o "$out/p.onnx" "$big" 2>&1 | grep -E '^(A|B|A/B) (wall|peak|cpu)'
