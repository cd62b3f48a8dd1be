#!/usr/bin/env python3
"""Models for the gradient checks (tests/learn/grad-*.sh).

usage: gen_grad_cases.py OUTDIR
Writes CASE.onnx + CASE.npz per case: the inputs by name and "r", the
weights of L = sum(r * output0).  ONNX-built cases cover every op rule
and its attributes (checked against finite differences); torch_*.npz
also hold torch autograd's gradients as "grad:NAME" for every parameter
(by its ONNX initializer name) and input.  Deterministic."""
import os
import sys
import warnings

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

warnings.filterwarnings("ignore")
rng = np.random.RandomState(0)
OUT = sys.argv[1]


def rnd(*shape, lo=-1.0, hi=1.0):
    return rng.uniform(lo, hi, shape).astype(np.float32)


def case(name, nodes, inputs, inits, out_shape, opset=13):
    """inputs: {name: array}; inits: {name: array}."""
    vi = [helper.make_tensor_value_info(k, TensorProto.FLOAT, v.shape) for k, v in inputs.items()]
    init = [numpy_helper.from_array(v, k) for k, v in inits.items()]
    out = helper.make_tensor_value_info("y", TensorProto.FLOAT, list(out_shape))
    g = helper.make_graph(nodes, name, vi, [out], init)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 7
    onnx.checker.check_model(m)
    onnx.save(m, os.path.join(OUT, name + ".onnx"))
    arrays = dict(inputs)
    arrays["r"] = rnd(*out_shape)
    np.savez(os.path.join(OUT, name + ".npz"), **arrays)


N = helper.make_node


def onnx_cases():
    case("gemm_trans", [N("Gemm", ["a", "B", "C"], ["y"], transA=1, transB=1, alpha=0.7, beta=1.3)],
         {"a": rnd(4, 3)}, {"B": rnd(5, 4), "C": rnd(5)}, (3, 5))
    case("gemm_plain", [N("Gemm", ["a", "B", "C"], ["y"])],
         {"a": rnd(3, 4)}, {"B": rnd(4, 5), "C": rnd(3, 1)}, (3, 5))
    case("matmul_batched", [N("MatMul", ["a", "B"], ["y"])],
         {"a": rnd(2, 3, 4, 5)}, {"B": rnd(3, 5, 6)}, (2, 3, 4, 6))
    case("matmul_vectors", [N("MatMul", ["a", "B"], ["t"]), N("MatMul", ["t", "v"], ["y"])],
         {"a": rnd(5)}, {"B": rnd(2, 5, 4), "v": rnd(4)}, (2,))
    case("conv_groups", [N("Conv", ["x", "W", "b"], ["y"], group=2, strides=[2, 1],
                           pads=[1, 0, 1, 2], dilations=[1, 2])],
         {"x": rnd(2, 4, 7, 6)}, {"W": rnd(6, 2, 3, 3), "b": rnd(6)}, (2, 6, 4, 4))
    case("conv_same", [N("Conv", ["x", "W"], ["y"], auto_pad="SAME_UPPER", strides=[2, 2])],
         {"x": rnd(1, 2, 5, 5)}, {"W": rnd(3, 2, 3, 3)}, (1, 3, 3, 3))
    case("conv_1d", [N("Conv", ["x", "W", "b"], ["y"], strides=[2], pads=[1, 1])],
         {"x": rnd(2, 3, 9)}, {"W": rnd(4, 3, 3), "b": rnd(4)}, (2, 4, 5))
    case("arith", [N("Add", ["x", "b"], ["t1"]), N("Mul", ["t1", "c"], ["t2"]),
                   N("Sub", ["d", "t2"], ["t3"]), N("Div", ["t3", "e"], ["t4"]),
                   N("Div", ["e", "t4"], ["y"])],
         {"x": rnd(2, 3, 4)}, {"b": rnd(4), "c": rnd(3, 1), "d": rnd(1) + 3,
                               "e": rnd(3, 4, lo=1, hi=2)}, (2, 3, 4))
    case("activations", [N("Mul", ["x", "w"], ["t0"]), N("LeakyRelu", ["t0"], ["t1"], alpha=0.2),
                         N("Sigmoid", ["t1"], ["t2"]), N("Add", ["t2", "t1"], ["t3"]),
                         N("Tanh", ["t3"], ["t4"]), N("Relu", ["t0"], ["t5"]),
                         N("Add", ["t4", "t5"], ["y"])],
         {"x": rnd(3, 5)}, {"w": rnd(5)}, (3, 5))
    case("softmax13", [N("Softmax", ["x"], ["t"], axis=1), N("LogSoftmax", ["t"], ["u"]),
                       N("Mul", ["u", "w"], ["y"])],
         {"x": rnd(2, 3, 4) * 3}, {"w": rnd(4)}, (2, 3, 4))
    case("softmax11", [N("Softmax", ["x"], ["t"], axis=1), N("LogSoftmax", ["x"], ["u"], axis=2),
                       N("Add", ["t", "u"], ["y"])],
         {"x": rnd(2, 3, 4) * 3}, {}, (2, 3, 4), opset=11)
    case("batchnorm", [N("BatchNormalization", ["x", "s", "b", "mu", "var"], ["y"], epsilon=1e-3)],
         {"x": rnd(2, 3, 4, 4)}, {"s": rnd(3), "b": rnd(3), "mu": rnd(3),
                                  "var": rnd(3, lo=0.5, hi=2)}, (2, 3, 4, 4))
    case("pools", [N("MaxPool", ["x"], ["a"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]),
                   N("AveragePool", ["x"], ["b"], kernel_shape=[3, 3], strides=[2, 2],
                     pads=[1, 1, 1, 1]),
                   N("AveragePool", ["x"], ["c"], kernel_shape=[3, 3], strides=[2, 2],
                     pads=[1, 1, 1, 1], count_include_pad=1),
                   N("MaxPool", ["x"], ["d"], kernel_shape=[2, 2], strides=[2, 2], ceil_mode=1),
                   N("Add", ["a", "b"], ["ab"]), N("Add", ["ab", "c"], ["abc"]),
                   N("Add", ["abc", "d"], ["e"]), N("GlobalAveragePool", ["x"], ["f"]),
                   N("Mul", ["e", "f"], ["y"])],
         {"x": rnd(2, 2, 7, 7)}, {}, (2, 2, 4, 4))
    case("shapes", [N("Flatten", ["x"], ["t1"], axis=2), N("Reshape", ["t1", "shape"], ["t2"]),
                    N("Transpose", ["t2"], ["t3"], perm=[2, 0, 1]),
                    N("Concat", ["t3", "k", "t3"], ["t4"], axis=1), N("Identity", ["t4"], ["t5"]),
                    N("Dropout", ["t5"], ["t6"]), N("Mul", ["t6", "w"], ["y"])],
         {"x": rnd(2, 3, 2, 2)}, {"shape": np.array([2, 3, 4], np.int64), "k": rnd(4, 1, 3),
                                  "w": rnd(3)}, (4, 5, 3))


def torch_cases():
    import torch
    from torch import nn
    torch.manual_seed(0)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.c1 = nn.Conv2d(2, 8, 3, padding=1)
            self.bn = nn.BatchNorm2d(8)
            self.c2 = nn.Conv2d(8, 8, 3, stride=2, padding=2, dilation=2, groups=4)
            self.fc1 = nn.Linear(8 * 2 * 2 + 8 + 8 * 4 * 4, 16)
            self.w = nn.Parameter(torch.randn(16, 10) * 0.3)

        def forward(self, x):
            h = self.bn(torch.relu(self.c1(x)))
            a = nn.functional.max_pool2d(nn.functional.leaky_relu(self.c2(h), 0.1), 2)
            b = nn.functional.adaptive_avg_pool2d(h, 1).flatten(1)
            c = nn.functional.avg_pool2d(h, 3, stride=2, padding=1, count_include_pad=False)
            z = torch.cat([a.flatten(1), torch.tanh(b), c.reshape(-1, 128)], 1)
            z = torch.sigmoid(self.fc1(z)) / 2
            return nn.functional.log_softmax(z @ self.w, 1)

    net = Net()
    with torch.no_grad():   # statistics that are not the identity
        net.bn.running_mean.uniform_(-0.5, 0.5)
        net.bn.running_var.uniform_(0.5, 2.0)
        net.bn.weight.uniform_(0.5, 1.5)
        net.bn.bias.uniform_(-0.5, 0.5)
    net.eval()
    x = torch.from_numpy(rnd(3, 2, 8, 8)).requires_grad_(True)
    path = os.path.join(OUT, "torch_cnn.onnx")
    torch.onnx.export(net, x, path, input_names=["x"], output_names=["y"], opset_version=13,
                      do_constant_folding=False)
    y = net(x)
    r = rnd(*y.shape)
    (y * torch.from_numpy(r)).sum().backward()
    names = {p.data_ptr(): n for n, p in net.named_parameters()}
    arrays = {"x": x.detach().numpy(), "r": r, "grad:x": x.grad.numpy()}
    m = onnx.load(path)
    inits = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    for n, p in net.named_parameters():
        # the initializer holding this parameter (torch may rename it)
        key = n if n in inits else next(k for k, v in inits.items()
                                         if v.shape == p.shape and np.array_equal(v, p.detach().numpy()))
        arrays["grad:" + key] = p.grad.numpy()
    np.savez(os.path.join(OUT, "torch_cnn.npz"), **arrays)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    onnx_cases()
    torch_cases()
