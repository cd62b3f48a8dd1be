#!/usr/bin/python3
"""Write a synthetic ~400 MB single-file ONNX model for load/save benchmarks.

Usage: /usr/bin/python3 bench/make_big.py OUTFILE

Input x: float [1, 2048].  24 layers of MatMul(2048x2048 weight) + Add(bias
2048) + Relu, opset 13.  Weights are np.random.default_rng(0) standard normal
float32 * 0.02 stored in raw_data; written with onnx.save as one file (no
external data), so the file is ~24 * 16 MiB = ~403 MB.  Deterministic.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

LAYERS = 24
DIM = 2048


def build():
    rng = np.random.default_rng(0)
    nodes, inits = [], []
    x = "input"
    for i in range(LAYERS):
        w = rng.standard_normal((DIM, DIM), dtype=np.float32) * np.float32(0.02)
        b = rng.standard_normal(DIM, dtype=np.float32) * np.float32(0.02)
        inits.append(numpy_helper.from_array(w, "layers.%d.weight" % i))
        inits.append(numpy_helper.from_array(b, "layers.%d.bias" % i))
        del w, b
        p = "/layers.%d" % i
        nodes.append(helper.make_node("MatMul", [x, "layers.%d.weight" % i], [p + "/MatMul_output_0"],
                                      name=p + "/MatMul"))
        nodes.append(helper.make_node("Add", [p + "/MatMul_output_0", "layers.%d.bias" % i],
                                      [p + "/Add_output_0"], name=p + "/Add"))
        out = "output" if i == LAYERS - 1 else p + "/Relu_output_0"
        nodes.append(helper.make_node("Relu", [p + "/Add_output_0"], [out], name=p + "/Relu"))
        x = out
    graph = helper.make_graph(
        nodes, "big_mlp",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, DIM])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, DIM])],
        initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                              producer_name="graphsmith-bench", producer_version="0.1")
    model.ir_version = 7
    return model


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    model = build()
    onnx.checker.check_model(model)  # < 2 GB, so the in-memory checker works
    onnx.save(model, sys.argv[1])
    print("wrote %s (%d bytes)" % (sys.argv[1], os.path.getsize(sys.argv[1])))


if __name__ == "__main__":
    main()
