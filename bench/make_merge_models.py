#!/usr/bin/env python3
"""Two fine-tunes of one 8-layer 1024-wide MLP (8.4 M parameters, 34 MB
each) for bench/transfer.sh: a base and two small perturbations of it.
usage: make_merge_models.py OUTDIR"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def model(rng, base, scale):
    nodes, inits, x = [], [], "x"
    for i, w in enumerate(base):
        p = (w + scale * rng.standard_normal(w.shape)).astype(np.float32)
        inits.append(numpy_helper.from_array(p, "w%d" % i))
        nodes.append(helper.make_node("MatMul", [x, "w%d" % i], ["h%d" % i]))
        nodes.append(helper.make_node("Relu", ["h%d" % i], ["r%d" % i]))
        x = "r%d" % i
    g = helper.make_graph(nodes, "mlp",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 1024])],
                          [helper.make_tensor_value_info(x, TensorProto.FLOAT, ["N", 1024])],
                          inits)
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(0)
    base = [rng.standard_normal((1024, 1024)).astype(np.float32) * 0.03 for _ in range(8)]
    onnx.save(model(rng, base, 0.0), os.path.join(out, "base.onnx"))
    onnx.save(model(rng, base, 0.003), os.path.join(out, "ft1.onnx"))
    onnx.save(model(rng, base, 0.003), os.path.join(out, "ft2.onnx"))


if __name__ == "__main__":
    main()
