#!/bin/sh
# The goals of issue 12 on the trained digits CNN (held-back split): 50%
# magnitude or Wanda pruning, then reconstruct --data train.npz, within 2
# points of the unpruned top-1 by our evaluator and by onnxruntime (which
# agree); pruned zeros stay zero; undo gives B's bytes back; bad --data
# is one line and exit 2.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
have_python_onnx || skip_all "python3 onnx/numpy missing"
dir=$(fixtures digits-models tests/fixtures/gen_digits_models.py) || skip_all "torch/sklearn fixtures"
G=$GS_BIN
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gs-recon.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

ours() {	# ours MODEL -> correct count of 450
	"$G" run --inputs "$dir/test.npz" --labels "$dir/test_labels.npy" "$1" |
		sed -n 's/^accuracy [0-9.]* (\([0-9]*\)\/450)$/\1/p'
}
"$GS_PYTHON" -c "import numpy as np; np.save('$tmp/x.npy', np.load('$dir/test.npz')['input'])"
theirs() {	# theirs MODEL -> correct count by onnxruntime, "-" without it
	have_ort || { echo -; return; }
	rm -rf "$tmp/ort"
	# installed but failing to run the model is a failure, never a skip
	if ! node "$top_srcdir/tests/oracle/ort_run.js" "$1" "$tmp/ort" "input=$tmp/x.npy" \
		>/dev/null 2>"$tmp/ort.err"; then
		echo "# onnxruntime did not run: $(head -c 300 "$tmp/ort.err" | tr '\n' ' ')" >&2
		echo "failed"
		return
	fi
	"$GS_PYTHON" -c "import numpy as np
print(int((np.load('$tmp/ort/0.npy').argmax(1) == np.load('$dir/test_labels.npy')).sum()))"
}

base=$(ours "$dir/cnn.onnx")
[ -n "$base" ] && [ "$base" -ge 440 ] && pass "unpruned CNN: $base/450" || fail "baseline accuracy '$base'"
data="--data $dir/train.npz"
for v in "mag:prune magnitude 0.5" "mag-rec:prune magnitude 0.5; save $tmp/mag-p.onnx; reconstruct $data" \
	 "wanda:prune magnitude 0.5 $data" \
	 "wanda-rec:prune magnitude 0.5 $data; save $tmp/wanda-p.onnx; reconstruct $data"; do
	name=${v%%:*}
	"$G" apply -c "${v#*:}" -o "$tmp/$name.onnx" "$dir/cnn.onnx" >"$tmp/$name.log" ||
		{ fail "$name ran"; continue; }
	a=$(ours "$tmp/$name.onnx")
	b=$(theirs "$tmp/$name.onnx")
	echo "# $name: top-1 $a/450 (onnxruntime $b/450), unpruned $base/450"
	[ "$b" = - ] || { [ "$b" != failed ] && [ "$a" -ge $((b - 1)) ] && [ "$a" -le $((b + 1)) ]; } &&
		pass "$name: evaluator and onnxruntime agree" || fail "$name: $a vs onnxruntime $b"
	case $name in *-rec)
		# within 2 points of 450: at most 9 samples fewer
		[ "$a" -ge $((base - 9)) ] && pass "$name within 2 points of the unpruned" ||
			fail "$name: $a/450 is more than 2 points below $base/450" ;;
	esac
done
for p in mag wanda; do
	"$GS_PYTHON" -c "
import onnx, numpy as np, sys
from onnx import numpy_helper as nh
p = {t.name: nh.to_array(t) for t in onnx.load('$tmp/$p-p.onnx').graph.initializer}
r = {t.name: nh.to_array(t) for t in onnx.load('$tmp/$p-rec.onnx').graph.initializer}
bad = sum(int(((p[k] == 0) & (r[k] != 0)).sum()) for k in p if k.endswith('weight'))
moved = sum(int((p[k] != r[k]).sum()) for k in p if k.endswith('weight'))
sys.exit(0 if bad == 0 and moved > 1000 else 1)" && pass "$p: zeros stay zero, kept weights re-solved" ||
		fail "$p: a pruned zero came back (or nothing moved)"
done

# undo restores the bytes
"$G" apply -c "prune magnitude 0.5; save $tmp/u1.onnx; reconstruct $data; undo" -o "$tmp/u2.onnx" \
	"$dir/cnn.onnx" >/dev/null || fail "undo script ran"
cmp -s "$tmp/u1.onnx" "$tmp/u2.onnx" && pass "undo restores B's bytes" || fail "undo left B changed"
# the workspace's sample inputs serve when --data is absent
"$G" apply --inputs "$dir/train.npz" -c "prune magnitude 0.5; reconstruct" -o "$tmp/i.onnx" \
	"$dir/cnn.onnx" >"$tmp/i.log" && grep -q "^reconstructed 4 layers" "$tmp/i.log" &&
	pass "reconstruct uses the sample inputs without --data" || fail "reconstruct without --data"

# bad data: one line naming the file, exit 2
"$GS_PYTHON" -c "import numpy as np; np.savez('$tmp/wrong.npz', pixels=np.zeros((3,1,8,8), np.float32))"
echo "not a zip" >"$tmp/junk.npz"
for f in "$tmp/missing.npz" "$tmp/wrong.npz" "$tmp/junk.npz"; do
	for c in "reconstruct --data $f" "prune magnitude 0.5 --data $f"; do
		"$G" apply -c "prune magnitude 0.3; $c" -o "$tmp/bad.onnx" "$dir/cnn.onnx" \
			>/dev/null 2>"$tmp/err"
		rc=$?
		[ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -qF "$f" "$tmp/err" &&
			pass "bad data ($(basename "$f"), ${c%% *}): one line, exit 2" ||
			{ sed 's/^/# /' "$tmp/err"; fail "bad data $f: exit $rc"; }
	done
done
"$G" apply -c "prune magnitude 0.5; reconstruct" -o "$tmp/bad.onnx" "$dir/cnn.onnx" \
	>/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "no data" "$tmp/err" && pass "reconstruct without any data says so" ||
	fail "reconstruct without data"
[ -e "$tmp/bad.onnx" ] && fail "a failed apply wrote its output" || pass "nothing saved on failure"
finish
