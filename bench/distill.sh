#!/bin/sh
# Distillation speed (issue 12): `graphsmith distill` of the untrained
# digits MLP student from the trained teacher (tests/fixtures/
# gen_digits_models.py), STEPS steps of batch 64, against the same training
# loop in PyTorch (bench/distill_torch.py, one thread), by farm-bench in one
# invocation; then the held-back top-1 the distilled student reaches.
# Usage: bench/distill.sh [GRAPHSMITH] [WORKDIR] [STEPS]
. "$(dirname "$0")/lib.sh"
dir=${2:-${TMPDIR:-/tmp}/gs-bench-distill}
steps=${3:-2000}
mkdir -p "$dir" || exit 1
bin=${1:-$(bench_bin)} || exit 1
py=/usr/bin/python3
fx=$dir/fx
[ -f "$fx/.done" ] || { $py "$bench_top/tests/fixtures/gen_digits_models.py" "$fx" &&
	touch "$fx/.done"; } || exit 1
"$bin" run --inputs "$fx/mlp_train.npz" -o "$dir/teacher.npz" "$fx/mlp.onnx" >/dev/null || exit 1
$py -c "import numpy as np; d=np.load('$dir/teacher.npz'); np.save('$dir/t.npy', d[d.files[0]])"
command -v farm-bench >/dev/null || { echo "bench: farm-bench is not installed" >&2; exit 1; }
echo "== distill $steps steps: graphsmith (A) vs PyTorch 1.13, one thread (B)"
GS_THREADS=1 farm-bench -n 5 --timeout 600 \
	--vs "$py $bench_top/bench/distill_torch.py $steps $dir/t.npy $fx/mlp_train.npz $fx/train_labels.npy" \
	-- "$bin" distill --teacher "$fx/mlp.onnx" --data "$fx/mlp_train.npz" \
	--labels "$fx/train_labels.npy" --steps "$steps" -o "$dir/student.onnx" "$fx/mlp_student.onnx"
"$bin" run --inputs "$fx/mlp_test.npz" --labels "$fx/test_labels.npy" "$dir/student.onnx" |
	grep '^accuracy' | sed 's/^/held-back top-1 of the distilled student: /'
