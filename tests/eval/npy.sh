#!/bin/sh
# .npy / .npz / TensorProto files: numpy (and onnx, when present) write
# arrays of every dtype we read; tests/eval/npy_check reads them back, and
# what it writes must load in numpy as the same array.  Exits 77 without
# numpy.
PY=${GS_PYTHON:-/usr/bin/python3}
CHECK=${top_builddir:-.}/tests/eval/npy_check
if ! "$PY" -c 'import numpy' 2>/dev/null; then
	echo "SKIP: $PY has no numpy"
	exit 77
fi
if [ ! -x "$CHECK" ]; then
	echo "SKIP: $CHECK is not built"
	exit 77
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
exec "$PY" - "$CHECK" "$tmp" <<'EOF'
import os, subprocess, sys, zipfile
import numpy as np

chk, tmp = sys.argv[1], sys.argv[2]
count = fails = 0

def ok(cond, what):
    global count, fails
    count += 1
    if not cond:
        fails += 1
    print("%s %d - %s" % ("ok" if cond else "not ok", count, what))

def run(*args):
    r = subprocess.run([chk] + list(args), capture_output=True, text=True)
    if r.returncode not in (0, 1):
        print("# %s crashed (%d): %s" % (args, r.returncode, r.stderr[-2000:]))
    return r.returncode, r.stdout

def same_dump(line, a):
    """line is "dtype [d,d] v v ..." as npy_check prints it."""
    parts = line.split()
    shape = "[" + ",".join(str(d) for d in a.shape) + "]"
    if parts[0] != a.dtype.name or parts[1] != shape:
        print("# got %s %s, expected %s %s" % (parts[0], parts[1], a.dtype.name, shape))
        return False
    vals = parts[2:]
    flat = a.reshape(-1)
    if len(vals) != flat.size:
        return False
    for tok, v in zip(vals, flat):
        if a.dtype.kind == "f":
            g, e = float(tok), float(v)
            if not (g == e or (np.isnan(g) and np.isnan(e))):
                print("# %s != %r" % (tok, e))
                return False
        else:
            g = int(tok) if a.dtype.kind in "iu" and a.dtype.itemsize == 8 else int(float(tok))
            if g != int(v):
                print("# %s != %r" % (tok, v))
                return False
    return True

def same_array(b, a):
    return b.dtype == a.dtype.newbyteorder("<") and b.shape == a.shape and \
        np.array_equal(b, a, equal_nan=(a.dtype.kind == "f"))

arrays = {
    "f4": np.array([[1.5, -2, np.nan], [np.inf, -np.inf, 1e-30]], np.float32),
    "f8": np.array([np.pi, -0.0, 1e300, np.nan], np.float64),
    "f2": np.array([65504, -1.5, 6e-8, np.inf], np.float16),
    "i8": np.array([-(2 ** 63), 2 ** 63 - 1, 0, -1], np.int64),
    "i4": np.array([-(2 ** 31), 2 ** 31 - 1], np.int32),
    "i2": np.array([-32768, 32767, 5], np.int16),
    "i1": np.array([-128, 127], np.int8),
    "u1": np.array([0, 255], np.uint8),
    "u2": np.array([0, 65535], np.uint16),
    "u4": np.array([0, 2 ** 32 - 1], np.uint32),
    "u8": np.array([0, 2 ** 64 - 1, 2 ** 53 + 1], np.uint64),
    "b1": np.array([[True, False], [False, True]]),
    "scalar": np.array(3.25, np.float32),
    "empty": np.zeros((0, 3), np.float32),
    "rank6": np.arange(24, dtype=np.int32).reshape(1, 2, 1, 3, 4, 1),
    "be_f8": np.array([1.25, -7.5], ">f8"),
    "be_i4": np.array([[1, -2], [3, 70000]], ">i4"),
}

# every dtype, format 1.0, 2.0 and 3.0: read back, then written by us
for name, a in arrays.items():
    for ver in (None, (2, 0), (3, 0)):
        p = os.path.join(tmp, "%s_%s.npy" % (name, ver[0] if ver else 1))
        if ver:
            with open(p, "wb") as f:
                np.lib.format.write_array(f, a, version=ver)
        else:
            np.save(p, a)
        rc, out = run("dump", p)
        ok(rc == 0 and same_dump(out, a), "read %s (format %s)" % (name, ver or "1.0"))
    q = os.path.join(tmp, name + "_copy.npy")
    rc, out = run("copy", p, q)
    ok(rc == 0 and same_array(np.load(q), a), "write %s" % name)
    if rc == 0:
        with open(q, "rb") as f:
            major, minor = np.lib.format.read_magic(f)
            np.lib.format.read_array_header_1_0(f)
            ok(major == 1 and f.tell() % 64 == 0, "%s header is 1.0, 64-byte aligned" % name)

# refusals, each one clear line
def refused(p, words, what):
    rc, out = run("dump", p)
    ok(rc == 1 and out.startswith("error: cannot read '") and words in out, what)
    if rc != 1 or words not in out:
        print("# " + out.strip())

p = os.path.join(tmp, "fortran.npy")
np.save(p, np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)))
refused(p, "fortran_order", "fortran_order True is refused")
p = os.path.join(tmp, "complex.npy")
np.save(p, np.array([1 + 2j], np.complex64))
refused(p, "not supported", "complex64 is refused")
p = os.path.join(tmp, "struct.npy")
np.save(p, np.zeros(2, dtype=[("a", "<f4"), ("b", "<i4")]))
refused(p, "not supported", "structured dtypes are refused")
p = os.path.join(tmp, "trunc.npy")
np.save(p, np.arange(100, dtype=np.float64))
with open(p, "r+b") as f:
    f.truncate(os.path.getsize(p) - 8)
refused(p, "truncated", "truncated data is refused")
p = os.path.join(tmp, "garbage.npy")
with open(p, "wb") as f:
    f.write(b"\x93NUMPY\x01\x00\x40\x00{'descr': '<f4',")
refused(p, "truncated", "truncated header is refused")
p = os.path.join(tmp, "junk.npy")
with open(p, "wb") as f:
    f.write(b"hello world, not numpy at all")
refused(p, "not a numpy", "a non-npy file is refused")
refused(os.path.join(tmp, "missing.npy"), "No such file", "a missing file is refused")

# npz: numpy's stored and deflated archives, then ours
le = {k: v for k, v in arrays.items()}
for kind, save in (("stored", np.savez), ("deflated", np.savez_compressed)):
    p = os.path.join(tmp, kind + ".npz")
    save(p, **le)
    rc, out = run("dumpz", p)
    got = dict(l.split(": ", 1) for l in out.splitlines() if ": " in l)
    ok(rc == 0 and sorted(got) == sorted(le) and all(same_dump(got[k], le[k]) for k in le),
       "read numpy's %s npz" % kind)
    for mode in ("stored", "deflated"):
        q = os.path.join(tmp, "%s_as_%s.npz" % (kind, mode))
        rc, out = run("copyz", p, q, *(["deflate"] if mode == "deflated" else []))
        ok(rc == 0, "write %s npz" % mode)
        if rc:
            print("# " + out.strip())
            continue
        with np.load(q) as z:
            ok(sorted(z.files) == sorted(le) and all(same_array(z[k], le[k]) for k in le),
               "numpy reads our %s npz" % mode)
        want = zipfile.ZIP_DEFLATED if mode == "deflated" else zipfile.ZIP_STORED
        with zipfile.ZipFile(q) as zf:
            ok(all(i.compress_type == want for i in zf.infolist()) and zf.testzip() is None,
               "our %s npz has %s members with good CRCs" % (mode, mode))

p = os.path.join(tmp, "bad_member.npz")
with zipfile.ZipFile(p, "w") as zf:
    zf.writestr("x.npy", b"\x93NUMPY\x01\x00")
rc, out = run("dumpz", p)
ok(rc == 1 and "member 'x.npy'" in out, "a broken npz member is named")
p = os.path.join(tmp, "not.npz")
with open(p, "wb") as f:
    f.write(b"PK not really")
rc, out = run("dumpz", p)
ok(rc == 1 and out.startswith("error: cannot read '"), "a non-zip npz is refused")

# TensorProto files: raw_data and the typed fields
try:
    from onnx import helper, numpy_helper, TensorProto
except ImportError:
    print("# no onnx module: TensorProto checks skipped")
else:
    for name, a in arrays.items():
        if name.startswith("be_"):
            continue
        p = os.path.join(tmp, name + "_raw.pb")
        with open(p, "wb") as f:
            f.write(numpy_helper.from_array(a, name).SerializeToString())
        rc, out = run("dump", p)
        ok(rc == 0 and same_dump(out, a), "read %s TensorProto (raw_data)" % name)
        dt = helper.np_dtype_to_tensor_dtype(a.dtype) if hasattr(helper, "np_dtype_to_tensor_dtype") \
            else __import__("onnx").mapping.NP_TYPE_TO_TENSOR_TYPE[a.dtype]
        vals = a.reshape(-1)  # make_tensor turns float16 values into int32_data bits
        p = os.path.join(tmp, name + "_typed.pb")
        with open(p, "wb") as f:
            f.write(helper.make_tensor(name, dt, a.shape, vals.tolist()).SerializeToString())
        rc, out = run("dump", p)
        ok(rc == 0 and same_dump(out, a), "read %s TensorProto (typed field)" % name)
        q = os.path.join(tmp, name + "_copy.pb")
        rc, out = run("copy", p, q)
        if rc == 0:
            t = TensorProto()
            with open(q, "rb") as f:
                t.ParseFromString(f.read())
        ok(rc == 0 and same_array(numpy_helper.to_array(t), a), "write %s TensorProto" % name)
    p = os.path.join(tmp, "short.pb")
    t = numpy_helper.from_array(np.arange(4, dtype=np.float32), "s")
    t.raw_data = t.raw_data[:-4]
    with open(p, "wb") as f:
        f.write(t.SerializeToString())
    refused(p, "raw_data of 12 bytes, expected 16", "short raw_data is refused")

print("1..%d" % count)
print("npy: %d passed, %d failed" % (count - fails, fails))
sys.exit(1 if fails else 0)
EOF
