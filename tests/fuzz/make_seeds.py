#!/usr/bin/python3
"""Seed corpora for the fuzz targets in tests/fuzz/.

Usage: /usr/bin/python3 tests/fuzz/make_seeds.py OUTDIR [--shared DIR] [--max N]

Writes
  OUTDIR/onnx/    models: the fixture generators' output (tests/fixtures/
                  gen_*.py), data/*.onnx, the ONNX node/simple/pytorch test
                  models of DIR/onnx-testdata (at most N of them, default 400,
                  picked evenly; files over 64 KiB skipped), and models built
                  here: the fusion patterns, int4/uint4/fp16/bf16 weights,
                  If/Loop/Scan bodies, symbolic dims, odd attributes; with
                  $GS_BIN (the graphsmith program) set, its fused, quantized
                  and pruned copies of some of these
  OUTDIR/tensor/  .npy (every dtype, both byte orders, format 1.0/2.0/3.0),
                  .npz (stored and deflated) and TensorProto .pb files
  OUTDIR/cmd/     console command scripts, as `graphsmith apply -f` reads them
  OUTDIR/weights/ .safetensors and .npz weights for data/cnn.onnx (whole,
                  partial, transposed, other dtypes) and hostile headers
  OUTDIR/data/    .npz data sets for data/cnn.onnx's input (1-4 samples,
                  float64, extra and missing arrays, none)
The fuzz targets take these directories as their corpora (fuzz_reader,
fuzz_passes, fuzz_match, fuzz_eval, fuzz_grad: onnx/; fuzz_tensor: tensor/; fuzz_cmd:
cmd/; fuzz_safetensors: weights/; fuzz_npz_data: data/).  Deterministic: the same input gives byte-identical output.
"""
import io
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

F = TensorProto.FLOAT
HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
MAX_SEED = 64 << 10

# onnx 1.12 predates these; the fields are plain int32 so they can be set
INT4, UINT4, BFLOAT16, FLOAT16 = 22, 21, TensorProto.BFLOAT16, TensorProto.FLOAT16


def vi(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def model(nodes, name, inputs, outputs, inits=(), opset=13, ir=8, extra_opsets=()):
    g = helper.make_graph(nodes, name, inputs, outputs, initializer=list(inits))
    ops = [helper.make_opsetid("", opset)] + [helper.make_opsetid(d, v) for d, v in extra_opsets]
    m = helper.make_model(g, opset_imports=ops, producer_name="graphsmith-fuzz-seeds")
    m.ir_version = ir
    return m


def arr(rng, shape, scale=0.5):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def init(rng, name, shape):
    return numpy_helper.from_array(arr(rng, shape), name)


def packed4(vals, signed):
    """Two 4-bit elements per byte, low nibble first."""
    out = bytearray()
    vals = [v & 15 for v in vals]
    if len(vals) % 2:
        vals.append(0)
    for i in range(0, len(vals), 2):
        out.append(vals[i] | (vals[i + 1] << 4))
    return bytes(out)


def raw_tensor(name, dtype, dims, raw):
    t = TensorProto()
    t.name = name
    t.data_type = dtype
    t.dims.extend(dims)
    t.raw_data = raw
    return t


# --- models built here -------------------------------------------------------

def m_conv_bn_relu(rng):
    n = [helper.make_node("Conv", ["x", "w", "b"], ["c"], name="conv", pads=[1, 1, 1, 1]),
         helper.make_node("BatchNormalization", ["c", "s", "bb", "mu", "var"], ["n"], name="bn"),
         helper.make_node("Relu", ["n"], ["r"], name="relu"),
         helper.make_node("MaxPool", ["r"], ["p"], kernel_shape=[2, 2], strides=[2, 2]),
         helper.make_node("GlobalAveragePool", ["p"], ["gp"]),
         helper.make_node("Flatten", ["gp"], ["fl"]),
         helper.make_node("Gemm", ["fl", "gw", "gb"], ["y"], transB=1)]
    inits = [init(rng, "w", [4, 2, 3, 3]), init(rng, "b", [4]), init(rng, "s", [4]),
             init(rng, "bb", [4]), init(rng, "mu", [4]),
             numpy_helper.from_array(np.abs(arr(rng, [4])) + 0.5, "var"),
             init(rng, "gw", [3, 4]), init(rng, "gb", [3])]
    return model(n, "conv_bn", [vi("x", F, [1, 2, 8, 8])], [vi("y", F, [1, 3])], inits)


def m_matmul_add(rng):
    n = [helper.make_node("MatMul", ["x", "w"], ["h"]),
         helper.make_node("Add", ["h", "b"], ["h2"]),
         helper.make_node("Identity", ["h2"], ["h3"]),
         helper.make_node("Relu", ["h3"], ["y"])]
    return model(n, "mm", [vi("x", F, ["N", 8])], [vi("y", F, ["N", 16])],
                 [init(rng, "w", [8, 16]), init(rng, "b", [16])])


def m_layernorm(rng):
    """The decomposed LayerNorm the fusion looks for."""
    n = [helper.make_node("ReduceMean", ["x"], ["mu"], axes=[-1]),
         helper.make_node("Sub", ["x", "mu"], ["d"]),
         helper.make_node("Pow", ["d", "two"], ["d2"]),
         helper.make_node("ReduceMean", ["d2"], ["v"], axes=[-1]),
         helper.make_node("Add", ["v", "eps"], ["ve"]),
         helper.make_node("Sqrt", ["ve"], ["sd"]),
         helper.make_node("Div", ["d", "sd"], ["nx"]),
         helper.make_node("Mul", ["nx", "g"], ["gx"]),
         helper.make_node("Add", ["gx", "bt"], ["y"])]
    inits = [numpy_helper.from_array(np.array(2, np.float32), "two"),
             numpy_helper.from_array(np.array(1e-5, np.float32), "eps"),
             init(rng, "g", [8]), init(rng, "bt", [8])]
    return model(n, "ln", [vi("x", F, [2, 3, 8])], [vi("y", F, [2, 3, 8])], inits)


def m_gelu(rng):
    """x * 0.5 * (1 + erf(x / sqrt 2))."""
    n = [helper.make_node("Div", ["x", "s2"], ["a"]),
         helper.make_node("Erf", ["a"], ["e"]),
         helper.make_node("Add", ["e", "one"], ["e1"]),
         helper.make_node("Mul", ["x", "e1"], ["m"]),
         helper.make_node("Mul", ["m", "half"], ["y"])]
    c = lambda v, nm: numpy_helper.from_array(np.array(v, np.float32), nm)
    return model(n, "gelu", [vi("x", F, [4, 8])], [vi("y", F, [4, 8])],
                 [c(1.4142135, "s2"), c(1.0, "one"), c(0.5, "half")])


def m_int4(rng, dtype, signed):
    """Block-wise DequantizeLinear (opset 21) of a 4-bit weight, odd numel."""
    vals = [int(v) for v in rng.integers(-8 if signed else 0, 8 if signed else 16, 15)]
    w = raw_tensor("wq", dtype, [5, 3], packed4(vals, signed))
    z = raw_tensor("wz", dtype, [5, 1], packed4([1, 0, 2, 3, 1], signed))
    s = numpy_helper.from_array(np.abs(arr(rng, [5, 1])) + 0.1, "ws")
    n = [helper.make_node("DequantizeLinear", ["wq", "ws", "wz"], ["w"], axis=1, block_size=3),
         helper.make_node("MatMul", ["x", "w"], ["y"])]
    return model(n, "int4", [vi("x", F, [2, 5])], [vi("y", F, [2, 3])], [w, s, z], opset=21, ir=10)


def m_int4_cast(dtype):
    w = raw_tensor("w", dtype, [7], packed4([1, 2, 3, 4, 5, 6, 7], True))
    n = [helper.make_node("Cast", ["w"], ["wf"], to=F),
         helper.make_node("Add", ["x", "wf"], ["y"])]
    return model(n, "int4cast", [vi("x", F, [7])], [vi("y", F, [7])], [w], opset=21, ir=10)


def m_half(rng, dtype):
    w = arr(rng, [6, 4])
    if dtype == FLOAT16:
        t = raw_tensor("w", dtype, [6, 4], w.astype(np.float16).tobytes())
    else:
        t = raw_tensor("w", dtype, [6, 4], (w.view(np.uint32) >> 16).astype(np.uint16).tobytes())
    n = [helper.make_node("Cast", ["w"], ["wf"], to=F),
         helper.make_node("MatMul", ["x", "wf"], ["y"]),
         helper.make_node("Softmax", ["y"], ["z"], axis=-1)]
    return model(n, "half", [vi("x", F, [3, 6])], [vi("z", F, [3, 4])], [t])


def m_fp16_graph(rng):
    t = numpy_helper.from_array(arr(rng, [4, 4]).astype(np.float16), "w")
    n = [helper.make_node("MatMul", ["x", "w"], ["y"]),
         helper.make_node("Sigmoid", ["y"], ["z"])]
    return model(n, "fp16", [vi("x", FLOAT16, [2, 4])], [vi("z", FLOAT16, [2, 4])], [t])


def m_if_loop(rng):
    then_g = helper.make_graph([helper.make_node("Add", ["x", "w"], ["t"])], "then", [],
                               [vi("t", F, [2, 3])])
    else_g = helper.make_graph([helper.make_node("Mul", ["x", "w"], ["e"])], "else", [],
                               [vi("e", F, [2, 3])])
    body = helper.make_graph(
        [helper.make_node("Identity", ["cond_in"], ["cond_out"]),
         helper.make_node("Add", ["acc_in", "x"], ["acc_out"]),
         helper.make_node("MatMul", ["acc_out", "sq"], ["scan_out"])],
        "body", [vi("i", TensorProto.INT64, []), vi("cond_in", TensorProto.BOOL, []),
                 vi("acc_in", F, [2, 3])],
        [vi("cond_out", TensorProto.BOOL, []), vi("acc_out", F, [2, 3]), vi("scan_out", F, [2, 3])])
    n = [helper.make_node("ReduceSum", ["x"], ["s"], keepdims=0),
         helper.make_node("Greater", ["s", "zero"], ["c"]),
         helper.make_node("If", ["c"], ["r"], then_branch=then_g, else_branch=else_g),
         helper.make_node("Loop", ["trip", "", "r"], ["acc", "scans"], body=body)]
    inits = [init(rng, "w", [2, 3]), numpy_helper.from_array(np.array(0, np.float32), "zero"),
             numpy_helper.from_array(np.array(3, np.int64), "trip"), init(rng, "sq", [3, 3])]
    return model(n, "ctrl", [vi("x", F, [2, 3])], [vi("acc", F, [2, 3]), vi("scans", F, [3, 2, 3])],
                 inits)


def m_scan(rng):
    body = helper.make_graph(
        [helper.make_node("Add", ["s_in", "x_t"], ["s_out"]),
         helper.make_node("Identity", ["s_out"], ["y_t"])],
        "scan_body", [vi("s_in", F, [4]), vi("x_t", F, [4])], [vi("s_out", F, [4]), vi("y_t", F, [4])])
    n = [helper.make_node("Scan", ["s0", "xs"], ["s", "ys"], body=body, num_scan_inputs=1)]
    return model(n, "scan", [vi("s0", F, [4]), vi("xs", F, [3, 4])],
                 [vi("s", F, [4]), vi("ys", F, [3, 4])], opset=11)


def m_shapes(rng):
    """Shape arithmetic with Gather indices, Reshape, Concat, Slice, Expand."""
    I64 = TensorProto.INT64
    c = lambda v, nm: numpy_helper.from_array(np.array(v, np.int64), nm)
    n = [helper.make_node("Shape", ["x"], ["sh"]),
         helper.make_node("Gather", ["sh", "i0"], ["d0"], axis=0),
         helper.make_node("Unsqueeze", ["d0", "ax0"], ["d0u"]),
         helper.make_node("Concat", ["d0u", "m1"], ["ns"], axis=0),
         helper.make_node("Reshape", ["x", "ns"], ["r"]),
         helper.make_node("Slice", ["r", "st", "en", "ax1"], ["sl"]),
         helper.make_node("Expand", ["sl", "ex"], ["e"]),
         helper.make_node("Transpose", ["e"], ["t"], perm=[0, 2, 1]),
         helper.make_node("Gather", ["emb", "ids"], ["g"], axis=0),
         helper.make_node("ReduceMax", ["t"], ["y"], keepdims=1),
         helper.make_node("TopK", ["g", "k"], ["tv", "ti"], axis=-1),
         helper.make_node("Where", ["cond", "tv", "tv"], ["w"])]
    inits = [c(0, "i0"), c([0], "ax0"), c([-1], "m1"), c([1], "st"), c([5], "en"), c([1], "ax1"),
             c([2, 4, 1], "ex"), init(rng, "emb", [10, 6]), c([2], "k")]
    return model(n, "shapes", [vi("x", F, ["B", 3, 4]), vi("ids", I64, [5]),
                               vi("cond", TensorProto.BOOL, [5, 2])],
                 [vi("y", F, None), vi("ti", I64, None), vi("w", F, None)], inits)


def m_misc_ops(rng):
    """Odd attributes and ops: pads, dilations, auto_pad, groups, resize."""
    n = [helper.make_node("Conv", ["x", "w"], ["c"], group=2, dilations=[2, 2], auto_pad="SAME_UPPER"),
         helper.make_node("ConvTranspose", ["c", "wt"], ["ct"], strides=[2, 2], output_padding=[1, 1]),
         helper.make_node("AveragePool", ["ct"], ["ap"], kernel_shape=[3, 3], pads=[1, 1, 1, 1],
                          count_include_pad=1),
         helper.make_node("InstanceNormalization", ["ap", "is", "ib"], ["in"]),
         helper.make_node("LeakyRelu", ["in"], ["lr"], alpha=0.2),
         helper.make_node("Clip", ["lr", "lo", "hi"], ["cl"]),
         helper.make_node("Resize", ["cl", "", "sc"], ["rs"], mode="nearest"),
         helper.make_node("Pad", ["rs", "pd"], ["pdd"], mode="reflect"),
         helper.make_node("Cast", ["pdd"], ["y"], to=FLOAT16)]
    c = lambda v, nm, t=np.float32: numpy_helper.from_array(np.array(v, t), nm)
    inits = [init(rng, "w", [4, 1, 3, 3]), init(rng, "wt", [4, 2, 3, 3]), init(rng, "is", [2]),
             init(rng, "ib", [2]), c(-1.0, "lo"), c(1.0, "hi"), c([1, 1, 2, 2], "sc"),
             c([0, 0, 1, 1, 0, 0, 1, 1], "pd", np.int64)]
    return model(n, "misc", [vi("x", F, [1, 2, 5, 5])], [vi("y", FLOAT16, None)], inits)


def m_attention(rng):
    n = [helper.make_node("MatMul", ["x", "wq"], ["q"]),
         helper.make_node("MatMul", ["x", "wk"], ["k"]),
         helper.make_node("Transpose", ["k"], ["kt"], perm=[0, 2, 1]),
         helper.make_node("MatMul", ["q", "kt"], ["s"]),
         helper.make_node("Mul", ["s", "scale"], ["ss"]),
         helper.make_node("Softmax", ["ss"], ["p"], axis=-1),
         helper.make_node("MatMul", ["p", "x"], ["o"]),
         helper.make_node("LayerNormalization", ["o", "g", "b"], ["y"], axis=-1)]
    inits = [init(rng, "wq", [8, 8]), init(rng, "wk", [8, 8]),
             numpy_helper.from_array(np.array(0.35, np.float32), "scale"),
             init(rng, "g", [8]), init(rng, "b", [8])]
    return model(n, "attn", [vi("x", F, [1, "T", 8])], [vi("y", F, [1, "T", 8])], inits, opset=17)


def m_qdq(rng):
    I8 = TensorProto.INT8
    n = [helper.make_node("QuantizeLinear", ["x", "s", "z"], ["q"]),
         helper.make_node("DequantizeLinear", ["q", "s", "z"], ["dq"]),
         helper.make_node("DequantizeLinear", ["wq", "ws", "wz"], ["w"], axis=0),
         helper.make_node("Gemm", ["dq", "w"], ["y"], alpha=0.5, beta=0.0)]
    inits = [numpy_helper.from_array(np.array(0.05, np.float32), "s"),
             numpy_helper.from_array(np.array(0, np.int8), "z"),
             numpy_helper.from_array(rng.integers(-127, 127, (4, 3)).astype(np.int8), "wq"),
             numpy_helper.from_array(np.full(4, 0.02, np.float32), "ws"),
             numpy_helper.from_array(np.zeros(4, np.int8), "wz")]
    return model(n, "qdq", [vi("x", F, [2, 4])], [vi("y", F, [2, 3])], inits)


def m_constant_chain(rng):
    """Constant subgraphs for the constant folder, Constant-node weights."""
    n = [helper.make_node("Constant", [], ["c1"], value=numpy_helper.from_array(arr(rng, [3, 3]))),
         helper.make_node("Constant", [], ["c2"], value_floats=[1.0, 2.0, 3.0]),
         helper.make_node("Mul", ["c1", "c2"], ["c3"]),
         helper.make_node("Transpose", ["c3"], ["c4"]),
         helper.make_node("Neg", ["c4"], ["c5"]),
         helper.make_node("MatMul", ["x", "c5"], ["y"]),
         helper.make_node("Constant", [], ["sh"], value_ints=[3, 1]),
         helper.make_node("Reshape", ["y", "sh"], ["z"])]
    return model(n, "consts", [vi("x", F, [1, 3])], [vi("z", F, [3, 1])])


def m_domain(rng):
    """A custom-domain node and a model-local function."""
    f = helper.make_function("local", "MyRelu", ["a"], ["b"],
                             [helper.make_node("Relu", ["a"], ["b"])],
                             [helper.make_opsetid("", 13)])
    n = [helper.make_node("MyRelu", ["x"], ["h"], domain="local"),
         helper.make_node("Gelu", ["h"], ["y"], domain="com.microsoft")]
    m = model(n, "dom", [vi("x", F, [2])], [vi("y", F, [2])],
              extra_opsets=[("local", 1), ("com.microsoft", 1)])
    m.functions.append(f)
    return m


def m_nul_names(rng):
    """Names holding NUL bytes (kept, escaped in the IR, written back)."""
    n = [helper.make_node("MatMul", ["x", "w\x00"], ["h\x00"], name="m\x00m"),
         helper.make_node("Relu", ["h\x00"], ["y"], name="\x00")]
    m = model(n, "nul\x00", [vi("x", F, [1, 3])], [vi("y", F, [1, 2])],
              [init(rng, "w\x00", [3, 2])])
    helper.set_model_props(m, {"k\x00": "v\x00"})
    return m


def build_models(rng):
    return {
        "conv_bn_relu": m_conv_bn_relu(rng), "matmul_add": m_matmul_add(rng),
        "layernorm": m_layernorm(rng), "gelu": m_gelu(rng),
        "int4_block": m_int4(rng, INT4, True), "uint4_block": m_int4(rng, UINT4, False),
        "int4_cast": m_int4_cast(INT4), "uint4_cast": m_int4_cast(UINT4),
        "fp16_weight": m_half(rng, FLOAT16), "bf16_weight": m_half(rng, BFLOAT16),
        "fp16_graph": m_fp16_graph(rng), "if_loop": m_if_loop(rng), "scan": m_scan(rng),
        "shapes": m_shapes(rng), "misc_ops": m_misc_ops(rng), "attention": m_attention(rng),
        "qdq": m_qdq(rng), "constants": m_constant_chain(rng), "domains": m_domain(rng),
        "nul_names": m_nul_names(rng),
    }


# --- tensors -----------------------------------------------------------------

def npy_bytes(a, version=None):
    f = io.BytesIO()
    if version is None:
        np.save(f, a)
    else:
        np.lib.format.write_array(f, a, version=version)
    return f.getvalue()


def tensor_seeds(rng, out):
    arrays = {
        "f32": arr(rng, [2, 3]), "f64": rng.standard_normal(5), "f16": arr(rng, [4]).astype(np.float16),
        "i8": np.arange(-3, 3, dtype=np.int8), "u8": np.arange(6, dtype=np.uint8).reshape(2, 3),
        "i16": np.array([-300, 300], np.int16), "u16": np.array([1, 65535], np.uint16),
        "i32": np.arange(4, dtype=np.int32), "u32": np.array([7], np.uint32),
        "i64": np.array([[1, -1], [2 ** 40, 3]], np.int64), "u64": np.array([2 ** 63], np.uint64),
        "bool": np.array([True, False, True]), "scalar": np.array(3.5, np.float32),
        "empty": np.zeros((0, 3), np.float32), "be_f32": arr(rng, [3]).astype(">f4"),
        "be_i64": np.arange(3).astype(">i8"), "rank5": arr(rng, [1, 2, 1, 2, 1]),
    }
    for k, a in arrays.items():
        write(out, k + ".npy", npy_bytes(a))
    write(out, "v2.npy", npy_bytes(arrays["f32"], (2, 0)))
    write(out, "v3.npy", npy_bytes(arrays["i32"], (3, 0)))
    write(out, "fortran.npy", npy_bytes(np.asfortranarray(arr(rng, [2, 3]))))
    f = io.BytesIO()
    np.savez(f, x=arrays["f32"], ids=arrays["i64"])
    write(out, "stored.npz", f.getvalue())
    f = io.BytesIO()
    np.savez_compressed(f, x=arrays["f32"], mask=arrays["bool"], h=arrays["f16"])
    write(out, "deflated.npz", f.getvalue())
    f = io.BytesIO()
    with zipfile.ZipFile(f, "w") as z:
        z.writestr("notnpy.txt", b"hello")
        z.writestr("dir/a.npy", npy_bytes(arrays["u8"]))
    write(out, "odd.npz", f.getvalue())
    # TensorProto files: raw, typed fields, 4-bit, fp16 bits
    tps = {
        "raw_f32.pb": numpy_helper.from_array(arr(rng, [2, 2]), "x"),
        "typed_f32.pb": helper.make_tensor("x", F, [3], [1.0, 2.0, 3.0]),
        "typed_i64.pb": helper.make_tensor("x", TensorProto.INT64, [2], [5, -5]),
        "typed_f16.pb": helper.make_tensor("x", FLOAT16, [2], np.array([1, 2], np.float16).view(np.uint16).tolist()),
        "typed_f64.pb": helper.make_tensor("x", TensorProto.DOUBLE, [1], [2.5]),
        "int4.pb": raw_tensor("x", INT4, [3], packed4([1, -2, 7], True)),
        "uint4.pb": raw_tensor("x", UINT4, [4], packed4([1, 2, 15, 0], False)),
        "bool.pb": helper.make_tensor("x", TensorProto.BOOL, [2], [1, 0]),
    }
    for k, t in tps.items():
        write(out, k, t.SerializeToString())


# --- command scripts ---------------------------------------------------------

SCRIPTS = {
    "fuse.txt": "fuse all\nhistory\nundo\nredo\ninfo\n",
    "quant_int8.txt": "quantize int8\npreview\nundo\nquantize uint8 per-tensor asym\nhistory\n",
    "quant_int4.txt": "quantize int4 --block 16\nundo\nredo\nquantize fp16 --all\n",
    "prune.txt": "prune magnitude 0.5 --global\nprune nm 2:4\nprune channels 0.25 --dry-run\n"
                 "prune channels 0.5\nundo\nundo\nhistory\n",
    "browse.txt": "find Conv\nselect conv1\nexplain\ntrace\nfilter on\ndiff\nexplain Gemm\nhelp quantize\n",
    "inputs.txt": "inputs --seed 3\nquantize int8\ncompare\nhistory\n",
    "quoting.txt": "# a comment\n  \nselect 'a b' ; find \"x\\\"y\" ; info\nfuse conv-bn;fuse gemm; fuse nope\n",
    "save.txt": "fuse all\nsave out.onnx\nopen a out.onnx\ndiff\n",
    "convert.txt": "convert opset 18 --dry-run\nconvert opset 18\nundo\nconvert opset 9\nconvert --list\n"
                   "convert opset 21\nquantize int4 --block 4\nundo\nundo\n",
    "errors.txt": "quantize int4 --block 0\nprune nm 5:4\nprune magnitude 1.5\nundo\nundo\nredo\n",
    "slots.txt": "open S model.onnx\nslots\nshow S\nshow A S\ndiff\nclose S\nslots\nclose S\n"
                 "close A\nopen T model.onnx\nshow T\nclose T\n",
    "merge.txt": "open S model.onnx\nprune magnitude 0.5\nmerge linear --alpha 0.3 S\n"
                 "merge slerp --t 0.5 S\nmerge ties --base A --density 0.5 S model.onnx\n"
                 "merge dare --base A --drop 0.5 --seed 7 S\nmerge task --lambda 2 S\n"
                 "merge linear --weights 1,2,3 S model.onnx\nmerge nope S\nhistory\nundo\n",
    "transplant.txt": "export weights w.safetensors\nexport weights w.npz\nprune magnitude 0.9\n"
                      "transplant w.safetensors\nundo\ntransplant --strict w.npz\n"
                      "transplant --only 'fc*' model.onnx\ntransplant --skip-mismatched A\n"
                      "export weights w.txt\nexport weights .\nhistory\n",
    "data.txt": "inputs --seed 1\nquantize int8 static --samples 2\nundo\n"
                "prune importance 0.3 --data nope.npz\nprune magnitude 0.5\nreconstruct\n"
                "distill --teacher A --steps 1\nreconstruct --damp -1\n",
}


PASSES = {
    "int4": "fuse all; quantize int4 --block 4",
    "int4b1": "quantize int4 --block 1 asym",
    "int8": "fuse all; quantize int8",
    "uint8": "quantize uint8 per-tensor asym",
    "fp16all": "fuse all; quantize fp16 --all",
    "fp16": "quantize fp16",
    "pruned": "prune channels 0.5; prune magnitude 0.5",
}


# --- weights files and data sets for data/cnn.onnx --------------------------

ST_DTYPES = {np.dtype(np.float32): "F32", np.dtype(np.float16): "F16", np.dtype(np.float64): "F64",
             np.dtype(np.int64): "I64", np.dtype(np.int8): "I8", np.dtype(np.uint8): "U8"}


def safetensors(tensors, meta=None, header=None):
    """tensors: [(name, array)] laid out in order; header: JSON text instead."""
    import json
    h, buf = {}, b""
    for name, a in tensors:
        raw = np.ascontiguousarray(a).tobytes()
        h[name] = {"dtype": ST_DTYPES[a.dtype], "shape": list(a.shape),
                   "data_offsets": [len(buf), len(buf) + len(raw)]}
        buf += raw
    if meta is not None:
        h["__metadata__"] = meta
    text = (header if header is not None else json.dumps(h, separators=(",", ":"))).encode()
    text += b" " * (-len(text) % 8)
    return len(text).to_bytes(8, "little") + text + buf


def npz(arrays, compressed=False):
    f = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(f, **arrays)
    return f.getvalue()


def cnn_weights():
    m = onnx.load(os.path.join(TOP, "data", "cnn.onnx"))
    return [(t.name, numpy_helper.to_array(t)) for t in m.graph.initializer]


def weights_seeds(rng, out):
    ws = [(n, (a + rng.standard_normal(a.shape).astype(np.float32) * 0.01).astype(a.dtype))
          for n, a in cnn_weights()]
    small = [(n, a) for n, a in ws if a.size <= 64] + [("fc.weight", dict(ws)["fc.weight"])]
    write(out, "cnn.safetensors", safetensors(ws, {"format": "pt"}))
    write(out, "small.safetensors", safetensors(small))
    write(out, "fc_t.safetensors", safetensors([("w", dict(ws)["fc.weight"].T.copy()),
                                                ("b", dict(ws)["fc.bias"])]))
    write(out, "f16.safetensors", safetensors([(n, a.astype(np.float16)) for n, a in small]))
    write(out, "mixed.safetensors", safetensors([("a", np.arange(4, dtype=np.int64)),
                                                 ("b", np.ones((2, 2), np.float64)),
                                                 ("c", np.zeros((0, 3), np.float32)),
                                                 ("d", np.array(1.5, np.float32)),
                                                 ("e", np.arange(3, dtype=np.int8))]))
    hostile = {
        "huge_dims": '{"a":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,16]}}',
        "neg_off": '{"a":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}}',
        "big_off": '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,18446744073709551615]}}',
        "overlap": '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},'
                   '"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}',
        "mismatch": '{"a":{"dtype":"F16","shape":[4],"data_offsets":[0,16]}}',
        "meta_bad": '{"__metadata__":[1],"a":{"dtype":"U8","shape":[],"data_offsets":[0,1]}}',
        "dup": '{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},'
               '"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}',
        "esc_name": '{"\\u001b]0;x\\u0007":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}',
    }
    for k, text in hostile.items():
        write(out, k + ".safetensors", safetensors([], header=text) + bytes(16))
    write(out, "cnn.npz", npz(dict(small)))
    write(out, "cnn_deflated.npz", npz(dict(ws), compressed=True))
    write(out, "mixed.npz", npz({"x": np.arange(6, dtype=np.int32).reshape(2, 3),
                                 "y": np.array([True, False]), "__metadata__": np.ones(2, np.float32)}))


def data_seeds(rng, out):
    x = lambda n: (rng.standard_normal((n, 3, 32, 32)) * 0.5).astype(np.float32)
    write(out, "one.npz", npz({"input": x(1)}))
    write(out, "two.npz", npz({"input": x(2), "labels": np.array([1, 3], np.int64)}, True))
    write(out, "four.npz", npz({"input": x(4)}, True))
    write(out, "f64.npz", npz({"input": x(2).astype(np.float64)}))
    write(out, "f16.npz", npz({"input": x(1).astype(np.float16)}))
    write(out, "none.npz", npz({"input": np.zeros((0, 3, 32, 32), np.float32)}))
    write(out, "wrong_key.npz", npz({"x": x(1)}))
    write(out, "wrong_shape.npz", npz({"input": x(2)[:, :, :16]}))
    write(out, "counts.npz", npz({"input": x(2), "other": np.zeros((3, 2), np.float32)}))
    write(out, "scalar.npz", npz({"input": np.array(1.0, np.float32)}))


def write(d, name, data):
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def copy_small(src, dst_dir, name):
    if os.path.getsize(src) <= MAX_SEED:
        shutil.copyfile(src, os.path.join(dst_dir, name))
        return True
    return False


def main(argv):
    args = argv[1:]
    shared = os.path.join(TOP, "..", "shared")
    limit = 400
    while len(args) > 1 and args[0].startswith("--"):
        if args[0] == "--shared":
            shared = args[1]
        elif args[0] == "--max":
            limit = int(args[1])
        else:
            break
        args = args[2:]
    if len(args) != 1:
        sys.stderr.write(__doc__)
        return 2
    out = args[0]
    dirs = {k: os.path.join(out, k) for k in ("onnx", "tensor", "cmd", "weights", "data")}
    for d in dirs.values():
        os.makedirs(d, exist_ok=True)
    rng = np.random.default_rng(20240611)

    for name, m in build_models(rng).items():
        write(dirs["onnx"], name + ".onnx", m.SerializeToString())
    for name in ("cnn.onnx", "cnn-folded.onnx"):
        copy_small(os.path.join(TOP, "data", name), dirs["onnx"], "data_" + name)
    with tempfile.TemporaryDirectory() as tmp:
        for gen in ("gen_roundtrip.py", "gen_malformed.py", "gen_prune.py"):
            sub = os.path.join(tmp, gen[:-3])
            os.makedirs(sub)
            subprocess.run([sys.executable, os.path.join(TOP, "tests", "fixtures", gen), sub],
                           check=True, stdout=subprocess.DEVNULL)
            for root, _, files in sorted(os.walk(sub)):
                for f in sorted(files):
                    if f.endswith(".onnx") or f.endswith(".zst"):
                        rel = os.path.relpath(os.path.join(root, f), sub).replace(os.sep, "_")
                        copy_small(os.path.join(root, f), dirs["onnx"], gen[4:-3] + "_" + rel)

    testdata = os.path.join(shared, "onnx-testdata")
    if os.path.isdir(testdata):
        found = []
        for kind in ("node", "simple", "pytorch-operator", "pytorch-converted"):
            base = os.path.join(testdata, kind)
            if os.path.isdir(base):
                found += [(kind, t) for t in sorted(os.listdir(base))]
        # every 4-bit and float16 model, then an even pick of the rest
        pick = [x for x in found if any(k in x[1].lower() for k in ("int4", "float16", "bfloat16"))]
        rest = [x for x in found if x not in pick]
        step = max(1, len(rest) // max(1, limit - len(pick)))
        pick += rest[::step]
        for kind, t in pick[:max(limit, len(pick))]:
            d = os.path.join(testdata, kind, t)
            if os.path.isfile(os.path.join(d, "model.onnx")):
                copy_small(os.path.join(d, "model.onnx"), dirs["onnx"], "td_" + t + ".onnx")
            inp = os.path.join(d, "test_data_set_0", "input_0.pb")
            if os.path.isfile(inp) and len(os.listdir(dirs["tensor"])) < 200:
                copy_small(inp, dirs["tensor"], "td_" + t + "_input_0.pb")

    # what graphsmith itself writes: fused, quantized (int4 blocks, fp16
    # graphs), pruned copies of a few models, when the program is built
    gs_bin = os.environ.get("GS_BIN", "")
    if gs_bin and os.access(gs_bin, os.X_OK):
        with tempfile.TemporaryDirectory() as tmp:
            for base in ("matmul_add", "conv_bn_relu", "attention", "data_cnn", "if_loop", "qdq"):
                src = os.path.join(dirs["onnx"], base + ".onnx")
                if not os.path.isfile(src):
                    continue
                for tag, cmd in PASSES.items():
                    dst = os.path.join(tmp, "x.onnx")
                    r = subprocess.run([gs_bin, "apply", "-c", cmd, "-o", dst, src],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                    if r.returncode == 0:
                        copy_small(dst, dirs["onnx"], "gs_%s_%s.onnx" % (base, tag))

    tensor_seeds(rng, dirs["tensor"])
    for name, text in SCRIPTS.items():
        write(dirs["cmd"], name, text.encode())
    weights_seeds(rng, dirs["weights"])
    data_seeds(rng, dirs["data"])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
