#!/usr/bin/python3
"""Models for tests/passes/convert.sh: python3-onnx fixtures at opsets 7-21
with every op whose meaning or signature changed on the way, and PyTorch
exports at opsets 9-17 (when torch is importable).

Usage: gen_convert_models.py DIR
Writes DIR/NAME.onnx and DIR/cases.txt, one line per conversion to try:
  NAME SOURCE_OPSET TARGET ok|refuse
       gen_convert_models.py --select OPS_DIR NODE_DIR LIMIT
Prints the ONNX backend node tests to convert (see select_node_tests).
"""
import os
import sys
import warnings

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(7)
F = TensorProto.FLOAT
cases = []


def init(name, arr):
    return numpy_helper.from_array(np.asarray(arr), name)


def w(name, *shape):
    return init(name, rng.standard_normal(shape).astype(np.float32) * 0.5)


def ints(name, vals):
    return init(name, np.array(vals, dtype=np.int64))


def save(out, name, nodes, inputs, outputs, inits, opset, ir, targets, inits_as_inputs=False):
    if inits_as_inputs:
        inputs = inputs + [helper.make_tensor_value_info(t.name, t.data_type, list(t.dims))
                           for t in inits]
    g = helper.make_graph(nodes, name, inputs, outputs, inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)],
                          producer_name="gen_convert_models")
    m.ir_version = ir
    onnx.save(m, os.path.join(out, name + ".onnx"))
    for t, expect in targets:
        cases.append("%s %d %d %s" % (name, opset, t, expect))


def vi(name, shape, dt=F):
    return helper.make_tensor_value_info(name, dt, shape)


def n(op, ins, outs, **kw):
    return helper.make_node(op, ins, outs, name=outs[0] + "_node", **kw)


def opset9_paddle(out):
    """The PaddleOCR-style opset-9 model: Conv, Clip (ReLU6), Upsample,
    Pad, Slice, Softmax over channels, Squeeze/Unsqueeze, ReduceSum, TopK,
    Split, BatchNormalization, Dropout, MaxPool, Gemm."""
    nodes = [
        n("Conv", ["x", "w1", "b1"], ["c1"], pads=[1, 1, 1, 1]),
        n("BatchNormalization", ["c1", "s", "bb", "mu", "var"], ["bn"], epsilon=1e-5),
        n("Clip", ["bn"], ["relu6"], min=0.0, max=6.0),
        n("Upsample", ["relu6", "scales"], ["up"], mode="nearest"),
        n("Upsample", ["relu6", "scales"], ["upl"], mode="linear"),
        n("Add", ["up", "upl"], ["sum"]),
        n("Pad", ["sum"], ["pad"], pads=[0, 0, 1, 2, 0, 0, 2, 1], value=0.5),
        n("Slice", ["pad"], ["sl"], starts=[1, 2], ends=[9, 1000], axes=[2, 3]),
        n("Softmax", ["sl"], ["sm"], axis=1),
        n("LogSoftmax", ["sl"], ["lsm"], axis=3),
        n("Hardmax", ["sl"], ["hm"], axis=2),
        n("ReduceSum", ["sm"], ["rs"], axes=[1], keepdims=0),
        n("Unsqueeze", ["rs"], ["us"], axes=[1]),
        n("Squeeze", ["us"], ["sq"], axes=[1]),
        n("TopK", ["sq"], ["tk", "ti"], k=3, axis=2),
        n("Split", ["lsm"], ["sp0", "sp1"], axis=1, split=[1, 3]),
        n("Dropout", ["sp1"], ["dr"], ratio=0.3),
        n("MaxPool", ["hm"], ["mp"], kernel_shape=[2, 2], strides=[2, 2]),
        n("Flatten", ["mp"], ["fl"], axis=1),
        n("Gemm", ["fl", "gw", "gb"], ["gm"], transB=1),
        n("ReduceMean", ["dr"], ["rm"], axes=[2, 3], keepdims=1),
    ]
    inits = [w("w1", 4, 3, 3, 3), w("b1", 4), w("s", 4), w("bb", 4), w("mu", 4),
             init("var", np.abs(rng.standard_normal(4)).astype(np.float32) + 0.5),
             init("scales", np.array([1, 1, 2, 2], np.float32)), w("gw", 5, 4 * 4 * 8),
             w("gb", 5)]
    outs = [vi("tk", [1, 8, 3]), vi("ti", [1, 8, 3], TensorProto.INT64), vi("sp0", [1, 1, 8, 17]),
            vi("rm", [1, 3, 1, 1]), vi("gm", [1, 5])]
    targets = [(10, "ok"), (11, "ok"), (12, "ok"), (13, "ok"), (17, "ok"), (21, "ok"),
               (8, "ok"), (7, "ok")]
    save(out, "op9_paddle", nodes, [vi("x", [1, 3, 4, 8])], outs, inits, 9, 4, targets)


def opset7_ir3(out):
    """IR 3, initializers listed as inputs; BatchNormalization with
    spatial, Upsample with attribute scales."""
    nodes = [
        n("Conv", ["x", "w1"], ["c1"]),
        n("BatchNormalization", ["c1", "s", "bb", "mu", "var"], ["bn"], spatial=1),
        n("Upsample", ["bn"], ["up"], mode="nearest", scales=[1.0, 1.0, 2.0, 3.0]),
        n("Relu", ["up"], ["y"]),
    ]
    inits = [w("w1", 2, 3, 1, 1), w("s", 2), w("bb", 2), w("mu", 2),
             init("var", np.ones(2, np.float32))]
    save(out, "op7_ir3", nodes, [vi("x", [1, 3, 4, 4])], [vi("y", [1, 2, 8, 12])], inits, 7, 3,
         [(9, "ok"), (10, "ok"), (13, "ok"), (17, "ok"), (21, "ok")], inits_as_inputs=True)


def opset10_resize(out):
    nodes = [
        n("Resize", ["x", "sc"], ["rn"], mode="nearest"),
        n("Resize", ["x", "sc"], ["rl"], mode="linear"),
        n("Add", ["rn", "rl"], ["s"]),
        n("Slice", ["s", "st", "en", "ax", "steps"], ["sl"]),
        n("TopK", ["sl", "k"], ["tv", "ti"], axis=-1),
        n("Dropout", ["tv"], ["y"], ratio=0.1),
    ]
    inits = [init("sc", np.array([1, 1, 1.5, 2.5], np.float32)), ints("st", [0, 1]),
             ints("en", [5, 100]), ints("ax", [2, 3]), ints("steps", [1, 2]), ints("k", [2])]
    save(out, "op10_resize", nodes, [vi("x", [1, 2, 4, 3])], [vi("y", [1, 2, 5, 2])], inits,
         10, 5, [(11, "ok"), (13, "ok"), (17, "ok"), (21, "ok"), (9, "refuse")])


def opset10_scatter(out):
    nodes = [
        n("Scatter", ["x", "idx", "upd"], ["sc"], axis=1),
        n("Clip", ["sc"], ["y"], min=-0.5, max=0.25),
    ]
    inits = [init("idx", np.array([[0, 2], [1, 0]], np.int64)), w("upd", 2, 2)]
    save(out, "op10_scatter", nodes, [vi("x", [2, 3])], [vi("y", [2, 3])], inits, 10, 5,
         [(11, "ok"), (13, "ok"), (18, "ok"), (9, "ok")])


def opset11_clip_pad(out):
    """Opset 11: Clip and Pad with inputs (downgrade to 10 and 9), a
    negative Softmax axis, Gemm without C."""
    nodes = [
        n("Clip", ["x", "lo", "hi"], ["c"]),
        n("Pad", ["c", "pads", "pv"], ["p"], mode="constant"),
        n("Softmax", ["p"], ["sm"], axis=-1),
        n("Flatten", ["sm"], ["f"], axis=-2),
        n("Gemm", ["f", "gw"], ["y"]),
    ]
    inits = [init("lo", np.array(-0.3, np.float32)), init("hi", np.array(0.4, np.float32)),
             ints("pads", [0, 1, 0, 1]), init("pv", np.array(0.7, np.float32)), w("gw", 10, 3)]
    save(out, "op11_clip_pad", nodes, [vi("x", [2, 3])], [vi("y", [1, 3])], inits, 11, 6,
         [(10, "ok"), (9, "ok"), (13, "ok"), (17, "ok")])


def opset12_misc(out):
    nodes = [
        n("Dropout", ["x", "ratio"], ["d"]),
        n("Split", ["d"], ["a", "b"], axis=1, split=[2, 4]),
        n("Unsqueeze", ["a"], ["ua"], axes=[0]),
        n("Squeeze", ["ua"], ["sa"], axes=[0]),
        n("ReduceSum", ["b"], ["rb"], axes=[1], keepdims=1),
        n("Softmax", ["sa"], ["sm"], axis=0),
        n("Mul", ["sm", "rb"], ["y"]),
    ]
    save(out, "op12_misc", nodes, [vi("x", [3, 6])], [vi("y", [3, 2])],
         [init("ratio", np.array(0.2, np.float32))], 12, 7,
         [(13, "ok"), (17, "ok"), (18, "ok"), (21, "ok"), (11, "ok")])


def opset13_down(out):
    """Opset 13 nodes that go down: axes inputs, a Softmax over a middle
    axis (Transpose at 12), a runtime-computed axes input (refused at 12)."""
    nodes = [
        n("Softmax", ["x"], ["sm"], axis=1),
        n("Squeeze", ["sm", "ax0"], ["sq"]),
        n("Unsqueeze", ["sq", "ax0"], ["us"]),
        n("ReduceSum", ["us", "ax2"], ["rs"], keepdims=1),
        n("Split", ["rs", "spl"], ["p", "q"], axis=1),
        n("Resize", ["x", "", "rsc"], ["rz"], mode="nearest",
          coordinate_transformation_mode="asymmetric", nearest_mode="floor"),
        n("ReduceMean", ["rz"], ["y2"], axes=[1, 2, 3], keepdims=0),
        n("Add", ["p", "q"], ["y"]),
    ]
    inits = [ints("ax0", [0]), ints("ax2", [2]), ints("spl", [1, 2]),
             init("rsc", np.array([1, 1, 2, 2], np.float32))]
    save(out, "op13_down", nodes, [vi("x", [1, 3, 4, 5])], [vi("y", [1, 2, 1, 5]), vi("y2", [1])],
         inits, 13, 7, [(12, "ok"), (11, "ok"), (10, "ok"), (17, "ok"), (18, "ok"), (21, "ok")])
    # axes computed at run time: opset 12 needs an attribute
    nodes = [
        n("Shape", ["x"], ["shp"]),
        n("Gather", ["shp", "zero"], ["first"], axis=0),
        n("Sub", ["first", "one"], ["ax"]),
        n("Unsqueeze", ["ax", "zero1"], ["ax1"]),
        n("ReduceSum", ["x", "ax1"], ["y"], keepdims=1),
    ]
    inits = [init("zero", np.array(0, np.int64)), init("one", np.array(1, np.int64)),
             ints("zero1", [0])]
    save(out, "op13_runtime_axes", nodes, [vi("x", [1, 3])], [vi("y", [1, 3])], inits, 13, 7,
         [(12, "refuse"), (17, "ok")])


def opset17_ln(out):
    nodes = [
        n("LayerNormalization", ["x", "g", "b"], ["ln"], axis=-1, epsilon=1e-5),
        n("LayerNormalization", ["ln", "g2"], ["y"], axis=1),
    ]
    inits = [w("g", 8), w("b", 8), w("g2", 4, 8)]
    save(out, "op17_ln", nodes, [vi("x", [2, 4, 8])], [vi("y", [2, 4, 8])], inits, 17, 8,
         [(16, "ok"), (13, "ok"), (18, "ok"), (21, "ok")])


def opset18(out):
    nodes = [
        n("ReduceMean", ["x", "ax"], ["rm"], keepdims=1),
        n("Split", ["x"], ["a", "b", "c"], axis=2, num_outputs=3),
        n("Add", ["a", "rm"], ["s1"]),
        n("Concat", ["s1", "b", "c"], ["cat"], axis=2),
        n("ReduceMax", ["cat", "ax1"], ["y"], keepdims=0),
        n("GroupNormalization", ["x", "gs", "gb"], ["gn"], num_groups=2, epsilon=1e-5),
    ]
    inits = [ints("ax", [2]), ints("ax1", [1]), w("gs", 2), w("gb", 2)]
    save(out, "op18_reduce_gn", nodes, [vi("x", [1, 4, 7])], [vi("y", [1, 7]), vi("gn", [1, 4, 7])],
         inits, 18, 8, [(17, "refuse"), (21, "ok")])
    nodes = nodes[:5]
    save(out, "op18_reduce", nodes, [vi("x", [1, 4, 7])], [vi("y", [1, 7])], inits[:2], 18, 8,
         [(17, "ok"), (13, "ok"), (21, "ok")])


def opset20_gelu(out):
    nodes = [
        n("Gelu", ["x"], ["g1"]),
        n("Gelu", ["g1"], ["y"], approximate="tanh"),
    ]
    save(out, "op20_gelu", nodes, [vi("x", [2, 5])], [vi("y", [2, 5])], [], 20, 9,
         [(19, "ok"), (17, "ok"), (21, "ok")])


def opset21_gn(out):
    nodes = [n("GroupNormalization", ["x", "s", "b"], ["y"], num_groups=2, epsilon=1e-5)]
    inits = [init("s", np.repeat(rng.standard_normal(2).astype(np.float32), 3)),
             init("b", np.repeat(rng.standard_normal(2).astype(np.float32), 3))]
    save(out, "op21_gn", nodes, [vi("x", [2, 6, 5])], [vi("y", [2, 6, 5])], inits, 21, 10,
         [(20, "ok"), (18, "ok"), (17, "refuse")])


def opset21_down(out):
    """Opset 21 (IR 10) that goes down to 17 (IR 8) and 8 (IR 3): the IR
    must follow, and at IR 3 every initializer is listed as an input."""
    nodes = [
        n("Split", ["x"], ["a", "b"], axis=1, num_outputs=2),
        n("ReduceMean", ["a", "ax"], ["rm"], keepdims=1),
        n("Sub", ["a", "rm"], ["d"]),
        n("Squeeze", ["d", "ax0"], ["sd"]),
        n("Unsqueeze", ["sd", "ax0"], ["ud"]),
        n("Softmax", ["b"], ["sm"], axis=2),
        n("Mul", ["ud", "sm"], ["y"]),
    ]
    inits = [ints("ax", [2]), ints("ax0", [0])]
    save(out, "op21_down", nodes, [vi("x", [1, 4, 6])], [vi("y", [1, 2, 6])], inits, 21, 10,
         [(17, "ok"), (13, "ok"), (8, "ok")])


def opset13_if(out):
    """An If whose branches hold initializers: at IR 3 (opset 8) ONNX's
    checker and onnxruntime want them listed as branch inputs too."""
    def branch(name, k):
        return helper.make_graph(
            [n("Squeeze", ["x", name + "_ax"], [name + "_s"]),
             n("Mul", [name + "_s", name + "_k"], [name + "_y"])],
            name, [], [vi(name + "_y", [4])],
            [ints(name + "_ax", [0]), init(name + "_k", np.array([k], np.float32))])
    nodes = [
        n("ReduceSum", ["x"], ["s"], keepdims=0),
        n("Greater", ["s", "zero"], ["c"]),
        n("If", ["c"], ["y"], then_branch=branch("pos", 2.0), else_branch=branch("neg", -3.0)),
    ]
    save(out, "op13_if", nodes, [vi("x", [1, 4])], [vi("y", [4])],
         [init("zero", np.array(0, np.float32))], 13, 7, [(8, "ok"), (17, "ok")])


def torch_exports(out):
    warnings.filterwarnings("ignore")
    try:
        import torch
        import torch.nn as nn
        import torch.nn.functional as tf
    except Exception:
        return

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 8, 3, padding=1)
            self.bn = nn.BatchNorm2d(8)
            self.conv2 = nn.Conv2d(8, 4, 1)
            self.fc = nn.Linear(4 * 4, 6)

        def forward(self, x):
            y = tf.relu6(self.bn(self.conv(x)))
            y = tf.interpolate(y, scale_factor=2.0, mode="nearest")
            y = tf.pad(y, (1, 1, 0, 2), value=0.25)
            y = y[:, :, 1:9, 2:10]
            y = self.conv2(y)
            a, b = torch.split(y, [1, 3], dim=1)
            s = torch.softmax(b, dim=1)
            m = tf.max_pool2d(s, 2)
            r = m.sum(dim=1, keepdim=True).squeeze(1).unsqueeze(1)
            z = self.fc(torch.flatten(m[:, :, :, :].mean(dim=1, keepdim=True).reshape(1, -1)[:, :16], 1))
            return torch.log_softmax(z, dim=-1), r + a.mean()

    torch.manual_seed(0)
    net = Net().eval()
    x = torch.randn(1, 3, 4, 4)
    for opset in (9, 10, 11, 12, 13, 15, 17):
        path = os.path.join(out, "torch_op%d.onnx" % opset)
        try:
            torch.onnx.export(net, x, path, opset_version=opset, input_names=["x"],
                              do_constant_folding=True)
        except Exception as e:  # an older torch without this opset
            sys.stderr.write("torch export at %d failed: %s\n" % (opset, e))
            continue
        for t in (9, 13, 17, 21):
            # pads computed at run time (opset >= 11 exports) cannot go below 11
            expect = "refuse" if t < 11 <= opset else "ok"
            if t != opset:
                cases.append("torch_op%d %d %d %s" % (opset, opset, t, expect))


def select_node_tests(ops_dir, node_dir, limit):
    """Prints a sample of the ONNX backend node tests whose ops have a
    breaking change (the registry's .breaks lists in src/ops/*.c, what
    gs_op_breaking_version reads) crossed on the way to 13, 17, 21 or just
    below the break: NAME SOURCE_OPSET OP TARGET,TARGET,..."""
    import glob
    import re
    breaks = {}
    for f in sorted(glob.glob(os.path.join(ops_dir, "*.c"))):
        src = open(f).read()
        for m in re.finditer(r"\.breaks\s*=\s*\{([^}]*)\}", src):
            names = re.findall(r'\.name\s*=\s*"([A-Za-z0-9_]+)"', src[:m.start()])
            if names:
                breaks.setdefault(names[-1], set()).update(
                    int(v) for v in re.findall(r"\d+", m.group(1)))
    by_op = {}
    for d in sorted(os.listdir(node_dir)):
        if not os.path.isdir(os.path.join(node_dir, d, "test_data_set_0")):
            continue
        try:
            m = onnx.load(os.path.join(node_dir, d, "model.onnx"))
        except Exception:
            continue
        s = [o.version for o in m.opset_import if o.domain in ("", "ai.onnx")]
        if not s or not 7 <= s[0] <= 24:
            continue
        s = s[0]
        ops = sorted({nd.op_type for nd in m.graph.node if nd.domain in ("", "ai.onnx")})
        vs = sorted({v for o in ops for v in breaks.get(o, ())})
        targets = [t for t in (13, 17, 21) if t != s]
        targets += [v - 1 for v in vs if 7 <= v - 1 < s and v - 1 not in targets][-1:]
        hit = [o for o in ops for t in targets
               if any(min(s, t) < v <= max(s, t) for v in breaks.get(o, ()))]
        if hit:
            by_op.setdefault(hit[0], []).append("%s %d %s %s" % (
                d, s, hit[0], ",".join(str(t) for t in targets)))
    # round robin over the breaking ops, so that every one is sampled
    picked = []
    while len(picked) < limit and any(by_op.values()):
        for op in sorted(by_op):
            if by_op[op] and len(picked) < limit:
                picked.append(by_op[op].pop(0))
    print("\n".join(picked))


def main():
    if sys.argv[1] == "--select":
        select_node_tests(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for f in (opset9_paddle, opset7_ir3, opset10_resize, opset10_scatter, opset11_clip_pad,
              opset12_misc, opset13_down, opset17_ln, opset18, opset20_gelu, opset21_gn,
              opset21_down, opset13_if, torch_exports):
        f(out)
    with open(os.path.join(out, "cases.txt"), "w") as fh:
        fh.write("\n".join(cases) + "\n")


if __name__ == "__main__":
    main()
