#!/bin/sh
# Hostile weights files, data sets and slot files (issue 14): each is
# refused with one line naming the file and what is wrong, exit 2, within
# the timeout and without writing anything; `export weights` never replaces
# a FIFO, a directory or what a symlink names unless it is a regular file.
. "$top_srcdir/tests/lib.sh"
have_python_onnx || skip_all "python3-onnx is not installed"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
model="$top_srcdir/data/cnn.onnx"

refused() {	# refused WHAT EXPECTED-SUBSTRING CMD...: one line, exit 2, no out.onnx
	what=$1 want=$2
	shift 2
	rm -f out.onnx
	timeout 60 "$@" >out 2>err
	rc=$?
	if [ $rc -eq 2 ] && [ "$(wc -l <err)" -eq 1 ] && grep -qF -- "$want" err &&
	   [ ! -e out.onnx ]; then
		pass "$what: $(cat err)"
	else
		fail "$what: exit $rc (124 = hung), out.onnx $([ -e out.onnx ] && echo written ||
			echo absent), stderr: $(head -c 300 err)"
	fi
}

"$GS_PYTHON" - "$top_srcdir/tests/fuzz" <<'PY' || exit 1
import io, struct, sys, zipfile
import numpy as np
sys.path.insert(0, sys.argv[1])
from make_seeds import safetensors, npz

def w(name, data):
    open(name, "wb").write(data)

def st(header):
    return safetensors([], header=header) + bytes(16)

w("hlen.safetensors", (1000).to_bytes(8, "little") + b"{}")
w("negoff.safetensors", st('{"fc.bias":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}}'))
w("bigoff.safetensors",
  st('{"fc.bias":{"dtype":"F32","shape":[1],"data_offsets":[0,18446744073709551615]}}'))
w("overoff.safetensors",
  st('{"fc.bias":{"dtype":"F32","shape":[1],"data_offsets":[9223372036854775800,9223372036854775804]}}'))
w("mismatch.safetensors", st('{"fc.bias":{"dtype":"F16","shape":[4],"data_offsets":[0,16]}}'))
w("dims62.safetensors",
  st('{"fc.bias":{"dtype":"F32","shape":[4611686018427387904],"data_offsets":[0,16]}}'))
w("meta.safetensors", st('{"__metadata__":{"format":"pt"},"fc.bias":{"dtype":"F32","shape":[4],'
                         '"data_offsets":[0,16]},"__metadata__":{}}'))
f = io.BytesIO()
with zipfile.ZipFile(f, "w") as z:
    z.writestr("fc.bias.txt", b"hello")
w("notnpy.npz", f.getvalue())
# declares 4e9 floats; 1 MiB of zeros deflates to about 1 KiB
hdr = b"{'descr': '<f4', 'fortran_order': False, 'shape': (4000000000,), }"
hdr += b" " * (-(11 + len(hdr)) % 64) + b"\n"
f = io.BytesIO()
with zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("input.npy", b"\x93NUMPY\x01\x00" + struct.pack("<H", len(hdr)) + hdr + bytes(1 << 20))
w("bomb.npz", f.getvalue())
x = np.zeros((2, 3, 32, 32), np.float32)
w("fortran.npz", npz({"input": np.asfortranarray(x)}))
f = io.BytesIO()
np.savez(f, input=np.array([{"a": 1}, None], dtype=object))
w("object.npz", f.getvalue())
w("wrongkey.npz", npz({"pixels": x}))
w("zero.npz", npz({"input": np.zeros((0, 3, 32, 32), np.float32)}))
w("good.npz", npz({"input": x}))
w("badlabels.npy", b"")
np.save("badlabels.npy", np.array([3, 1000], np.int64))
PY

for f in hlen negoff bigoff overoff mismatch dims62; do
	refused "transplant $f.safetensors" "cannot read '$f.safetensors': " \
		"$GS_BIN" transplant -o out.onnx "$model" $f.safetensors
done
refused "safetensors: two __metadata__" "cannot read 'meta.safetensors': header is not JSON" \
	"$GS_BIN" transplant -o out.onnx "$model" meta.safetensors
refused "npz member that is not .npy" "member 'fc.bias.txt' is not an .npy array" \
	"$GS_BIN" transplant -o out.onnx "$model" notnpy.npz
refused "npz bomb (transplant)" "past the limit of 256 MiB for this archive" \
	"$GS_BIN" transplant -o out.onnx "$model" bomb.npz
refused "npz Fortran order" "fortran_order arrays are not supported" \
	"$GS_BIN" transplant -o out.onnx "$model" fortran.npz
refused "npz object dtype" "npy dtype '|O' is not supported" \
	"$GS_BIN" transplant -o out.onnx "$model" object.npz
refused "weights matching nothing" "no parameter has a counterpart in the source" \
	"$GS_BIN" transplant -o out.onnx "$model" wrongkey.npz

# --data for every data-driven step
for step in "quantize int8 static" "prune importance 0.3" "prune channels 0.5" \
	    "distill --teacher A --steps 1" "prune magnitude 0.5; reconstruct"; do
	refused "$step --data with 0 samples" "cannot use 'zero.npz': it holds no samples" \
		"$GS_BIN" apply -c "$step --data zero.npz" -o out.onnx "$model"
	refused "$step --data with a wrong key" "array 'pixels' is not an input of the model" \
		"$GS_BIN" apply -c "$step --data wrongkey.npz" -o out.onnx "$model"
	refused "$step --data bomb" "past the limit of 256 MiB" \
		"$GS_BIN" apply -c "$step --data bomb.npz" -o out.onnx "$model"
done
refused "distill labels out of range" "label 1000 of sample 1 is not one of the 10 classes" \
	"$GS_BIN" apply -c "distill --teacher A --steps 1 --data good.npz --labels badlabels.npy" \
	-o out.onnx "$model"
refused "importance labels out of range" "label 1000 of sample 1 is not one of the 10 classes" \
	"$GS_BIN" apply -c "prune importance 0.3 --data good.npz --labels badlabels.npy" \
	-o out.onnx "$model"

# slots: a FIFO or a device is refused at once, not waited on
mkfifo fifo.onnx
refused "open NAME on a FIFO" "cannot read 'fifo.onnx': not a regular file" \
	"$GS_BIN" apply -c "open S fifo.onnx" -o out.onnx "$model"
refused "open NAME /dev/zero" "cannot read '/dev/zero': not a regular file" \
	"$GS_BIN" apply -c "open S /dev/zero" -o out.onnx "$model"
refused "show a FIFO" "cannot read 'fifo.onnx': not a regular file" \
	"$GS_BIN" apply -c "show fifo.onnx" -o out.onnx "$model"
refused "merge with /dev/zero" "cannot read '/dev/zero': not a regular file" \
	"$GS_BIN" apply -c "merge linear /dev/zero" -o out.onnx "$model"

# export weights: never into a FIFO, a directory or a symlink to a device
mkfifo fifo.safetensors
mkdir dir.npz
ln -s /dev/null null.safetensors
for f in fifo.safetensors dir.npz null.safetensors; do
	refused "export weights onto $f" "cannot write '$f': not a regular file" \
		"$GS_BIN" apply -c "export weights $f" -o out.onnx "$model"
done
[ -p fifo.safetensors ] && [ -d dir.npz ] && [ -L null.safetensors ] &&
	pass "the FIFO, folder and symlink are untouched" || fail "export replaced a special file"
# a symlink to a regular file: the target is replaced, the link stays
echo old >target.npz
ln -s target.npz link.npz
if "$GS_BIN" apply -c "export weights link.npz" -o out.onnx "$model" >/dev/null 2>err &&
   [ -L link.npz ] && [ "$(readlink link.npz)" = target.npz ] &&
   [ "$(head -c 2 target.npz)" = PK ]; then
	pass "export through a symlink replaces its target, keeps the link"
else
	fail "export through a symlink: $(cat err); $(ls -l link.npz target.npz)"
fi
ls -a | grep -q '^\.' && [ "$(ls -a | grep -c '^\.[^.]')" -eq 0 ] &&
	pass "no temporaries left" || fail "temporaries left: $(ls -a)"
finish
