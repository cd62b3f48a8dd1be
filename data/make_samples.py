#!/usr/bin/python3
"""Write the two sample models shipped in data/.

data/cnn.onnx        small CNN (1x3x32x32 -> 10 classes), opset 13, named the
                     way torch.onnx.export names things (/layer1/conv1/Conv,
                     /layer1/conv1/Conv_output_0, layer1.bn1.running_mean ...).
data/cnn-folded.onnx the same network with every Conv+BatchNormalization pair
                     folded into the Conv (weights computed in float64, cast to
                     float32) and every node/tensor renamed (n0, t0, w0 ...).

The two compute the same function up to float rounding, so they are a good
first diff and a good onnxruntime oracle check.  Deterministic (fixed seed).

Usage: /usr/bin/python3 data/make_samples.py [OUTDIR]   (default: data/)
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 13
EPS = 1e-5


def make_params(rng):
    """Random but well-conditioned weights for the three conv blocks + fc."""
    def conv_w(cout, cin, k=3):
        fan_in = cin * k * k
        return (rng.standard_normal((cout, cin, k, k)) * np.sqrt(2.0 / fan_in)).astype(np.float32)

    def bn(c):
        return {
            "weight": rng.uniform(0.5, 1.5, c).astype(np.float32),
            "bias": rng.uniform(-0.2, 0.2, c).astype(np.float32),
            "running_mean": rng.uniform(-0.3, 0.3, c).astype(np.float32),
            "running_var": rng.uniform(0.5, 2.0, c).astype(np.float32),
        }

    return {
        "conv1": conv_w(16, 3), "bn1": bn(16),
        "layer1.conv1": conv_w(16, 16), "layer1.bn1": bn(16),
        "layer1.conv2": conv_w(16, 16), "layer1.bn2": bn(16),
        "fc.weight": (rng.standard_normal((10, 16)) * 0.25).astype(np.float32),
        "fc.bias": rng.uniform(-0.1, 0.1, 10).astype(np.float32),
    }


def build_torch_style(p):
    """Unfolded network with PyTorch-export style names."""
    nodes, inits = [], []

    def init(name, arr):
        inits.append(numpy_helper.from_array(arr, name))
        return name

    def conv_bn(prefix_conv, prefix_bn, x, relu):
        # PyTorch exports scope paths such as /layer1/conv1/Conv.
        cpath = "/" + prefix_conv.replace(".", "/")
        bpath = "/" + prefix_bn.replace(".", "/")
        w = init(prefix_conv + ".weight", p[prefix_conv])
        conv_out = cpath + "/Conv_output_0"
        nodes.append(helper.make_node(
            "Conv", [x, w], [conv_out], name=cpath + "/Conv",
            dilations=[1, 1], group=1, kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1]))
        bnp = p[prefix_bn]
        bn_in = [conv_out] + [init(prefix_bn + "." + k, bnp[k])
                              for k in ("weight", "bias", "running_mean", "running_var")]
        bn_out = bpath + "/BatchNormalization_output_0"
        nodes.append(helper.make_node(
            "BatchNormalization", bn_in, [bn_out], name=bpath + "/BatchNormalization",
            epsilon=EPS, momentum=0.9))
        if not relu:
            return bn_out
        rpath = cpath.rsplit("/", 1)[0] + "/relu" if "/" in cpath[1:] else "/relu"
        r_out = rpath + "/Relu_output_0"
        nodes.append(helper.make_node("Relu", [bn_out], [r_out], name=rpath + "/Relu"))
        return r_out

    x = conv_bn("conv1", "bn1", "input", relu=True)
    nodes.append(helper.make_node(
        "MaxPool", [x], ["/maxpool/MaxPool_output_0"], name="/maxpool/MaxPool",
        ceil_mode=0, kernel_shape=[2, 2], pads=[0, 0, 0, 0], strides=[2, 2]))
    skip = "/maxpool/MaxPool_output_0"
    y = conv_bn("layer1.conv1", "layer1.bn1", skip, relu=True)
    y = conv_bn("layer1.conv2", "layer1.bn2", y, relu=False)
    nodes.append(helper.make_node("Add", [y, skip], ["/layer1/Add_output_0"], name="/layer1/Add"))
    nodes.append(helper.make_node("Relu", ["/layer1/Add_output_0"], ["/layer1/relu_1/Relu_output_0"],
                                  name="/layer1/relu_1/Relu"))
    nodes.append(helper.make_node("GlobalAveragePool", ["/layer1/relu_1/Relu_output_0"],
                                  ["/avgpool/GlobalAveragePool_output_0"], name="/avgpool/GlobalAveragePool"))
    nodes.append(helper.make_node("Flatten", ["/avgpool/GlobalAveragePool_output_0"],
                                  ["/Flatten_output_0"], name="/Flatten", axis=1))
    init("fc.weight", p["fc.weight"])
    init("fc.bias", p["fc.bias"])
    nodes.append(helper.make_node("Gemm", ["/Flatten_output_0", "fc.weight", "fc.bias"], ["output"],
                                  name="/fc/Gemm", alpha=1.0, beta=1.0, transB=1))
    graph = helper.make_graph(
        nodes, "torch_jit",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, 32, 32])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 10])],
        initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="pytorch", producer_version="2.1.0")
    model.ir_version = 7
    return model


def fold(w, bnp):
    """Fold BatchNormalization into a bias-less conv: returns (W', b') float32."""
    w64 = w.astype(np.float64)
    gamma = bnp["weight"].astype(np.float64)
    beta = bnp["bias"].astype(np.float64)
    mean = bnp["running_mean"].astype(np.float64)
    var = bnp["running_var"].astype(np.float64)
    s = gamma / np.sqrt(var + EPS)
    wf = w64 * s[:, None, None, None]
    bf = beta - mean * s
    return wf.astype(np.float32), bf.astype(np.float32)


def build_folded(p):
    """Folded network with a completely different (terse, numbered) naming scheme."""
    nodes, inits = [], []
    counter = {"n": 0, "t": 0, "w": 0}

    def fresh(kind):
        name = "%s%d" % (kind, counter[kind])
        counter[kind] += 1
        return name

    def node(op, inputs, **attrs):
        out = fresh("t")
        nodes.append(helper.make_node(op, inputs, [out], name=fresh("n"), **attrs))
        return out

    def weight(arr):
        name = fresh("w")
        inits.append(numpy_helper.from_array(arr, name))
        return name

    def conv(x, conv_key, bn_key):
        wf, bf = fold(p[conv_key], p[bn_key])
        return node("Conv", [x, weight(wf), weight(bf)], kernel_shape=[3, 3], pads=[1, 1, 1, 1],
                    strides=[1, 1])

    x = node("Relu", [conv("x", "conv1", "bn1")])
    skip = node("MaxPool", [x], kernel_shape=[2, 2], strides=[2, 2])
    y = node("Relu", [conv(skip, "layer1.conv1", "layer1.bn1")])
    y = conv(y, "layer1.conv2", "layer1.bn2")
    y = node("Relu", [node("Add", [skip, y])])  # operands swapped on purpose
    y = node("Flatten", [node("GlobalAveragePool", [y])], axis=1)
    nodes.append(helper.make_node("Gemm", [y, weight(p["fc.weight"]), weight(p["fc.bias"])], ["logits"],
                                  name=fresh("n"), transB=1))
    graph = helper.make_graph(
        nodes, "cnn_folded",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 32, 32])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 10])],
        initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="graphsmith-samples", producer_version="0.1")
    model.ir_version = 7
    return model


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    os.makedirs(outdir, exist_ok=True)
    p = make_params(np.random.default_rng(20240601))
    for fname, model in (("cnn.onnx", build_torch_style(p)), ("cnn-folded.onnx", build_folded(p))):
        path = os.path.join(outdir, fname)
        onnx.checker.check_model(model, full_check=True)
        onnx.save(model, path)
        onnx.checker.check_model(path, full_check=True)
        print("wrote %s (%d bytes, %d nodes)" % (path, os.path.getsize(path), len(model.graph.node)))


if __name__ == "__main__":
    main()
