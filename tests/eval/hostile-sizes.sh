#!/bin/sh
# Sizes from the file at the edges of int64 (tests/eval/gen_hostile_sizes.py):
# `run` refuses each in one line naming the file, exit 2 (or runs it when
# the model is harmless), and `fuse all` folds or leaves them; never an
# overflow, a float-to-int conversion out of range, or a crash (the suite
# runs under ASan+UBSan).  Range, Split, RoiAlign and Softmax below were
# undefined behaviour before the checked-size helpers (ir.h gs_size_mul).
. "$top_srcdir/tests/lib.sh"
have_python_onnx || skip_all "python3-onnx is not installed"
dir=$(fixtures hostile-sizes tests/eval/gen_hostile_sizes.py) || { echo "generator failed"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# expected line of `run` per model; '-' runs cleanly (exit 0)
while read -r name want; do
	m="$dir/$name.onnx"
	timeout 30 "$GS_BIN" run --random 1 "$m" >"$work/out" 2>"$work/err"
	rc=$?
	if [ "$want" = - ]; then
		[ $rc -eq 0 ] && [ ! -s "$work/err" ] && pass "$name runs" ||
			fail "$name: exit $rc: $(head -c 300 "$work/err")"
	elif [ $rc -eq 2 ] && [ "$(wc -l <"$work/err")" -eq 1 ] &&
		grep -qF "cannot run '$m'" "$work/err" && grep -qF -- "$want" "$work/err"; then
		pass "$name: $(cat "$work/err")"
	else
		fail "$name: exit $rc (want 2 and '$want'): $(head -c 300 "$work/err")"
	fi
	cp "$m" "$work/in.onnx"
	timeout 30 "$GS_BIN" apply -c "fuse all" -o "$work/fused.onnx" "$work/in.onnx" \
		>"$work/out" 2>"$work/err"
	rc=$?
	[ $rc -eq 0 ] || [ $rc -eq 2 ] && ! grep -q "runtime error\|Sanitizer" "$work/err" &&
		pass "fuse all on $name: exit $rc" ||
		fail "fuse all on $name: exit $rc: $(head -c 300 "$work/err")"
done <<'CASES'
rangei range too long
split split sizes overflow
roib batch index 9223372036854775807 out of range
softmaxinf -
nms -
loop -
range range too long
rangenan invalid start, limit or delta
tile invalid repeat 4611686018427387904
tile2 invalid repeat 9223372036854775807
pad pads of axis 0 out of range
padneg crop more than its size
expand cannot broadcast
cos has no valid element count
cos_of_shape negative dimension
reshape shape overflows
conv pads value out of range
convs stride 9223372036854775807 is out of range
convt stride 9223372036854775807 is out of range
convtop output_padding or kernel out of range
pool kernel dim 9223372036854775807 is out of range
pool2 stride 9223372036854775807 is out of range
resize invalid scale nan
resizes invalid size 9223372036854775807
upsample invalid scale 1e+30
gather out of range
onehot invalid depth 3e+38
onehotn invalid depth nan
depth invalid 'blocksize'
space invalid 'blocksize'
topk out of range
hann has no valid element count
roialign out of range
CASES
finish
