#!/usr/bin/python3
"""Write the models of tests/passes/figures.sh into OUTDIR.

Usage: /usr/bin/python3 tests/passes/gen_figures_models.py OUTDIR

init.onnx   Conv+bias -> BatchNormalization -> Relu -> Conv -> BatchNormalization
            -> Relu -> GlobalAveragePool -> Flatten -> Gemm transB=1 -> MatMul,
            weights as initializers; opset 11 (steps that need 13 raise it)
const.onnx  the same with every weight and BN parameter in a Constant node
Deterministic (numpy default_rng seed).
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(13)


def arr(*shape, scale=0.2):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def params():
    p = {
        "c1.w": arr(8, 3, 3, 3), "c1.b": arr(8),
        "c2.w": arr(16, 8, 3, 3),
        "fc.w": arr(12, 16), "fc.b": arr(12),
        "mm.w": arr(12, 6),
    }
    for bn, c in (("bn1", 8), ("bn2", 16)):
        p[bn + ".scale"] = (1 + arr(c)).astype(np.float32)
        p[bn + ".bias"] = arr(c)
        p[bn + ".mean"] = arr(c)
        p[bn + ".var"] = (0.5 + np.abs(arr(c))).astype(np.float32)
    return p


def nodes():
    def bn(x, name, y):
        return helper.make_node("BatchNormalization",
                                [x, name + ".scale", name + ".bias", name + ".mean", name + ".var"],
                                [y], name=name)
    return [
        helper.make_node("Conv", ["x", "c1.w", "c1.b"], ["c1"], pads=[1, 1, 1, 1], name="conv1"),
        bn("c1", "bn1", "b1"),
        helper.make_node("Relu", ["b1"], ["r1"], name="relu1"),
        helper.make_node("Conv", ["r1", "c2.w"], ["c2"], pads=[1, 1, 1, 1], name="conv2"),
        bn("c2", "bn2", "b2"),
        helper.make_node("Relu", ["b2"], ["r2"], name="relu2"),
        helper.make_node("GlobalAveragePool", ["r2"], ["gap"], name="gap"),
        helper.make_node("Flatten", ["gap"], ["flat"], name="flatten"),
        helper.make_node("Gemm", ["flat", "fc.w", "fc.b"], ["fc"], transB=1, name="fc"),
        helper.make_node("MatMul", ["fc", "mm.w"], ["y"], name="head"),
    ]


def save(outdir, name, as_constants):
    p = params()
    ns = nodes()
    inits = []
    if as_constants:
        ns = [helper.make_node("Constant", [], [k], value=numpy_helper.from_array(v, k),
                               name="const_" + k) for k, v in p.items()] + ns
    else:
        inits = [numpy_helper.from_array(v, k) for k, v in p.items()]
    g = helper.make_graph(ns, name.split(".")[0],
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 6])], inits)
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 11)],
                              producer_name="gen_figures_models")
    model.ir_version = 6
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(outdir, name))


def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    save(outdir, "init.onnx", False)
    save(outdir, "const.onnx", True)


if __name__ == "__main__":
    main()
