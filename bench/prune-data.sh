#!/bin/sh
# Issue 12's pruning goals on the trained digits CNN (tests/fixtures/
# gen_digits_models.py): top-1 on the 450 held-back images, by our
# evaluator and by onnxruntime, of the unpruned model, 50% magnitude,
# magnitude + reconstruct --data train.npz, 50% Wanda (--data train.npz),
# Wanda + reconstruct; and the time each step takes (CPU seconds).
# Usage: bench/prune-data.sh [GRAPHSMITH] [WORKDIR]
. "$(dirname "$0")/lib.sh"
top=$bench_top
dir=${2:-/tmp/gs-bench-prune-data}
mkdir -p "$dir" || exit 1
bin=${1:-$(bench_bin)} || exit 1
py=/usr/bin/python3
[ -f "$dir/fx/.done" ] || { $py "$top/tests/fixtures/gen_digits_models.py" "$dir/fx" &&
	touch "$dir/fx/.done"; } || exit 1
fx=$dir/fx
$py -c "import numpy as np; np.save('$dir/x.npy', np.load('$fx/test.npz')['input'])"
ort=$top/tests/oracle/ort_run.js

acc() {
	a=$("$bin" run --inputs "$fx/test.npz" --labels "$fx/test_labels.npy" "$1" |
		sed -n 's/^accuracy \([0-9.]*\) .*/\1/p')
	b=-
	if [ -d "$top/tests/oracle/node_modules/onnxruntime-node" ]; then
		rm -rf "$dir/ort"
		node "$ort" "$1" "$dir/ort" "input=$dir/x.npy" >/dev/null &&
		b=$($py -c "import numpy as np
print('%.4f' % (np.load('$dir/ort/0.npy').argmax(1) == np.load('$fx/test_labels.npy')).mean())")
	fi
	echo "$a $b"
}

d="--data $fx/train.npz"
printf '%-28s %9s %12s %8s\n' variant top-1 onnxruntime cpu-s
set -- "unpruned|" "magnitude 50%|prune magnitude 0.5" \
	"magnitude 50% + reconstruct|prune magnitude 0.5; reconstruct $d" \
	"wanda 50%|prune magnitude 0.5 $d" \
	"wanda 50% + reconstruct|prune magnitude 0.5 $d; reconstruct $d" \
	"nm 2:4|prune nm 2:4" "nm 2:4 + reconstruct|prune nm 2:4; reconstruct $d" \
	"wanda nm 2:4|prune nm 2:4 $d" "wanda nm 2:4 + reconstruct|prune nm 2:4 $d; reconstruct $d" \
	"magnitude 70%|prune magnitude 0.7" "magnitude 70% + reconstruct|prune magnitude 0.7; reconstruct $d" \
	"wanda 70%|prune magnitude 0.7 $d" "wanda 70% + reconstruct|prune magnitude 0.7 $d; reconstruct $d" \
	"int8 per-channel|quantize int8 per-channel" \
	"int8 + reconstruct|quantize int8 per-channel; reconstruct $d"
for v in "$@"; do
	name=${v%%|*}
	cmds=${v#*|}
	m=$fx/cnn.onnx
	cpu=-
	if [ -n "$cmds" ]; then
		/usr/bin/time -f "%U %S" -o "$dir/time" "$bin" apply -c "$cmds" -o "$dir/out.onnx" \
			"$fx/cnn.onnx" >"$dir/log" || { echo "$name: failed"; continue; }
		cpu=$(awk '{ printf "%.2f", $1 + $2 }' "$dir/time")
		m=$dir/out.onnx
	fi
	set -- $(acc "$m")
	printf '%-28s %9s %12s %8s\n' "$name" "$1" "$2" "$cpu"
done
