#!/usr/bin/python3
"""Write the quantize test models into OUTDIR.

Usage: /usr/bin/python3 tests/passes/gen_quant_models.py OUTDIR

cnn.onnx      Conv, grouped Conv, depthwise Conv, ConvTranspose (plain and
              grouped), Gemm transB=1 head; opset 13
cnn11.onnx    two Convs at opset 11 (per-channel must raise it to 13)
softmax11.onnx  Conv + Softmax at opset 11 (quantize converts it to 13 first)
resize11.onnx   Conv + Resize tf_half_pixel_for_nn at opset 11 (no opset 13 form: refused)
mlp.onnx      Gemm transB=1, Gemm transB=0, and one weight shared by two MatMuls
matmul.onnx   MatMul on a 3-D activation with 2-D weights, Add, Relu
const.onnx    weights in Constant nodes (Conv and MatMul)
if.onnx       an If whose branches use an outer initializer and their own
wide.onnx     weights big enough to be split across threads (a 1024x1536
              MatMul, a 256x128x3x3 Conv), a third of them exactly zero
Deterministic (numpy default_rng seeds).
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(7)


def w(*shape, scale=0.1):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def init(name, arr):
    return numpy_helper.from_array(arr, name)


def save(outdir, name, graph, opset=13):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                              producer_name="gen_quant_models")
    model.ir_version = 7
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(outdir, name))


def cnn(outdir):
    nodes = [
        helper.make_node("Conv", ["x", "c1.w", "c1.b"], ["c1"], pads=[1, 1, 1, 1], name="conv1"),
        helper.make_node("Relu", ["c1"], ["r1"]),
        helper.make_node("Conv", ["r1", "c2.w"], ["c2"], pads=[1, 1, 1, 1], group=2, name="grouped"),
        helper.make_node("Relu", ["c2"], ["r2"]),
        helper.make_node("Conv", ["r2", "c3.w", "c3.b"], ["c3"], pads=[1, 1, 1, 1], group=8,
                         name="depthwise"),
        helper.make_node("ConvTranspose", ["c3", "t1.w", "t1.b"], ["t1"], strides=[2, 2],
                         name="deconv"),
        helper.make_node("ConvTranspose", ["t1", "t2.w"], ["t2"], group=2, name="deconv_grouped"),
        helper.make_node("GlobalAveragePool", ["t2"], ["gap"]),
        helper.make_node("Flatten", ["gap"], ["flat"]),
        helper.make_node("Gemm", ["flat", "fc.w", "fc.b"], ["y"], transB=1, name="fc"),
    ]
    inits = [
        init("c1.w", w(8, 3, 3, 3)), init("c1.b", w(8)),
        init("c2.w", w(8, 4, 3, 3)),
        init("c3.w", w(8, 1, 3, 3)), init("c3.b", w(8)),
        init("t1.w", w(8, 6, 2, 2)), init("t1.b", w(6)),
        init("t2.w", w(6, 2, 3, 3)),
        init("fc.w", w(10, 4)), init("fc.b", w(10)),
    ]
    g = helper.make_graph(nodes, "cnn",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 10])], inits)
    save(outdir, "cnn.onnx", g)


def cnn11(outdir, softmax):
    nodes = [
        helper.make_node("Conv", ["x", "c1.w", "c1.b"], ["c1"], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c1"], ["r1"]),
        helper.make_node("Conv", ["r1", "c2.w"], ["c2" if softmax else "y"]),
    ]
    if softmax:
        nodes.append(helper.make_node("Softmax", ["c2"], ["y"], axis=1))
    inits = [init("c1.w", w(4, 3, 3, 3)), init("c1.b", w(4)), init("c2.w", w(5, 4, 1, 1))]
    g = helper.make_graph(nodes, "cnn11",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 6, 6])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 5, 6, 6])], inits)
    save(outdir, "softmax11.onnx" if softmax else "cnn11.onnx", g, opset=11)


def resize11(outdir):
    nodes = [
        helper.make_node("Conv", ["x", "c1.w", "c1.b"], ["c1"], pads=[1, 1, 1, 1]),
        helper.make_node("Resize", ["c1", "roi", "scales"], ["y"], mode="nearest",
                         coordinate_transformation_mode="tf_half_pixel_for_nn"),
    ]
    inits = [init("c1.w", w(4, 3, 3, 3)), init("c1.b", w(4)),
             init("roi", np.array([], np.float32)),
             init("scales", np.array([1, 1, 2, 2], np.float32))]
    g = helper.make_graph(nodes, "resize11",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 6, 6])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, 12, 12])], inits)
    save(outdir, "resize11.onnx", g, opset=11)


def mlp(outdir):
    nodes = [
        helper.make_node("Gemm", ["x", "l1.w", "l1.b"], ["h1"], transB=1, name="l1"),
        helper.make_node("Relu", ["h1"], ["a1"]),
        helper.make_node("Gemm", ["a1", "l2.w", "l2.b"], ["h2"], transB=0, name="l2"),
        helper.make_node("Relu", ["h2"], ["a2"]),
        helper.make_node("MatMul", ["a2", "shared.w"], ["m1"], name="shared_a"),
        helper.make_node("Relu", ["m1"], ["a3"]),
        helper.make_node("MatMul", ["a3", "shared.w"], ["y"], name="shared_b"),
    ]
    inits = [init("l1.w", w(128, 64)), init("l1.b", w(128)),
             init("l2.w", w(128, 32)), init("l2.b", w(32)),
             init("shared.w", w(32, 32, scale=0.2))]
    g = helper.make_graph(nodes, "mlp",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 64])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 32])], inits)
    save(outdir, "mlp.onnx", g)


def matmul(outdir):
    nodes = [
        helper.make_node("MatMul", ["x", "m1.w"], ["m1"]),
        helper.make_node("Add", ["m1", "m1.b"], ["a1"]),
        helper.make_node("Relu", ["a1"], ["r1"]),
        helper.make_node("MatMul", ["r1", "m2.w"], ["y"]),
    ]
    inits = [init("m1.w", w(64, 96)), init("m1.b", w(96)), init("m2.w", w(96, 16))]
    g = helper.make_graph(nodes, "matmul",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4, 64])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, 16])], inits)
    save(outdir, "matmul.onnx", g)


def const(outdir):
    nodes = [
        helper.make_node("Constant", [], ["cw"], value=numpy_helper.from_array(w(6, 3, 3, 3), "cw")),
        helper.make_node("Conv", ["x", "cw"], ["c"], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c"], ["r"]),
        helper.make_node("Flatten", ["r"], ["f"]),
        helper.make_node("Constant", [], ["mw"], value=numpy_helper.from_array(w(96, 8), "mw")),
        helper.make_node("MatMul", ["f", "mw"], ["y"]),
    ]
    g = helper.make_graph(nodes, "const",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 4, 4])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 8])])
    save(outdir, "const.onnx", g)


def if_model(outdir):
    then_g = helper.make_graph(
        [helper.make_node("MatMul", ["x", "outer.w"], ["t"])], "then", [],
        [helper.make_tensor_value_info("t", TensorProto.FLOAT, [1, 32])])
    else_g = helper.make_graph(
        [helper.make_node("MatMul", ["x", "inner.w"], ["e0"]),
         helper.make_node("Relu", ["e0"], ["e"])], "else", [],
        [helper.make_tensor_value_info("e", TensorProto.FLOAT, [1, 32])],
        [init("inner.w", w(64, 32))])
    nodes = [
        helper.make_node("ReduceSum", ["x"], ["s"], keepdims=0),
        helper.make_node("Greater", ["s", "zero"], ["cond"]),
        helper.make_node("If", ["cond"], ["y"], then_branch=then_g, else_branch=else_g),
    ]
    g = helper.make_graph(nodes, "ifm",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 64])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 32])],
                          [init("outer.w", w(64, 32)), init("zero", np.array(0, np.float32))])
    save(outdir, "if.onnx", g)


def wide(outdir):
    mw, cw = w(1024, 1536), w(256, 128, 3, 3)
    for a in (mw, cw):
        flat = a.reshape(-1)
        flat[rng.random(flat.size) < 1 / 3] = 0.0
        flat[::97] = -0.0
    nodes = [
        helper.make_node("Conv", ["x", "cw"], ["c"], pads=[1, 1, 1, 1]),
        helper.make_node("Flatten", ["c"], ["f"]),
        helper.make_node("MatMul", ["f", "mw"], ["y"]),
    ]
    g = helper.make_graph(nodes, "wide",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 128, 2, 2])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 1536])],
                          [init("cw", cw), init("mw", mw)])
    save(outdir, "wide.onnx", g)


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: gen_quant_models.py OUTDIR\n")
        return 2
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    cnn(out)
    cnn11(out, False)
    cnn11(out, True)
    resize11(out)
    mlp(out)
    matmul(out)
    const(out)
    if_model(out)
    wide(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
