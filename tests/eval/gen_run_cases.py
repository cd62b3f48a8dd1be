#!/usr/bin/env python3
"""Small models and input files for tests/eval/run.sh and compare.sh,
written with python3-onnx and numpy.  usage: gen_run_cases.py OUTDIR"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.RandomState(0)


def save(model, name):
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out, name))


# mlp.onnx: x[N,8] float -> Gemm -> Relu -> Gemm -> y[N,4]; symbolic batch
w1 = numpy_helper.from_array(rng.randn(16, 8).astype(np.float32), "w1")
b1 = numpy_helper.from_array(rng.randn(16).astype(np.float32), "b1")
w2 = numpy_helper.from_array(rng.randn(4, 16).astype(np.float32), "w2")
g = helper.make_graph(
    [helper.make_node("Gemm", ["x", "w1", "b1"], ["h"], transB=1, name="fc1"),
     helper.make_node("Relu", ["h"], ["r"], name="relu"),
     helper.make_node("Gemm", ["r", "w2"], ["y"], transB=1, name="fc2")],
    "mlp", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 8])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 4])], [w1, b1, w2])
mlp = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
save(mlp, "mlp.onnx")

# renamed.onnx: the same computation, every name changed, nodes reordered
# where the order allows (none here but the initializers), weights equal
g2 = helper.make_graph(
    [helper.make_node("Gemm", ["input_0", "P1", "P2"], ["t0"], transB=1, name="n_a"),
     helper.make_node("Relu", ["t0"], ["t1"], name="n_b"),
     helper.make_node("Gemm", ["t1", "P3"], ["logits"], transB=1, name="n_c")],
    "other", [helper.make_tensor_value_info("input_0", TensorProto.FLOAT, ["batch", 8])],
    [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 4])],
    [numpy_helper.from_array(numpy_helper.to_array(w2), "P3"),
     numpy_helper.from_array(numpy_helper.to_array(b1), "P2"),
     numpy_helper.from_array(numpy_helper.to_array(w1), "P1")])
save(helper.make_model(g2, opset_imports=[helper.make_opsetid("", 13)]), "renamed.onnx")

# unsupported.onnx: a custom-domain op
g3 = helper.make_graph(
    [helper.make_node("FancyNorm", ["x"], ["y"], domain="com.example", name="fancy")],
    "custom", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])])
m3 = helper.make_model(g3, opset_imports=[helper.make_opsetid("", 13),
                                          helper.make_opsetid("com.example", 1)])
onnx.save(m3, os.path.join(out, "unsupported.onnx"))

# big.onnx: Expand to [100000, 100000] float (40 GB): refused before allocating
shape = numpy_helper.from_array(np.array([100000, 100000], np.int64), "shape")
g4 = helper.make_graph(
    [helper.make_node("Expand", ["x", "shape"], ["y"], name="expand")],
    "big", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [100000, 100000])], [shape])
save(helper.make_model(g4, opset_imports=[helper.make_opsetid("", 13)]), "big.onnx")

# inputs
x = rng.uniform(-1, 1, size=(5, 8)).astype(np.float32)
np.save(os.path.join(out, "x.npy"), x)
np.savez(os.path.join(out, "good.npz"), x=x)
np.savez(os.path.join(out, "extra.npz"), x=x, z=x)
np.save(os.path.join(out, "x_int.npy"), x.astype(np.int64))
np.save(os.path.join(out, "x_shape.npy"), np.zeros((5, 7), np.float32))
np.save(os.path.join(out, "labels.npy"), np.argmax(np.maximum(x @ numpy_helper.to_array(w1).T
                                                               + numpy_helper.to_array(b1), 0)
                                                    @ numpy_helper.to_array(w2).T, 1))
data = open(os.path.join(out, "good.npz"), "rb").read()
open(os.path.join(out, "truncated.npz"), "wb").write(data[: len(data) // 2])
