#!/usr/bin/env python3
"""Models for ensemble, compose and graft (issue 11), on scikit-learn's 8x8
digits, trained briefly with torch (fixed seeds, one thread).

usage: gen_combine_models.py OUTDIR
Writes into OUTDIR:
  mlp_a.onnx    MLP 64-32-10, input "x" [N,64] -> "logits"; its hidden
                activation is named "features" (opset 13)
  mlp_b.onnx    MLP 64-48-10, input "x" [N,64], another seed (opset 12: the
                ensemble converts it)
  cnn_c.onnx    CNN, input "image" [N,1,8,8] (ensemble: Reshape adapter)
  cnn_nhwc.onnx CNN reading NHWC, input "image" [N,8,8,1] (Transpose)
  cnn_f64.onnx  CNN with float64 input and output, "image" [N,1,8,8] (Cast)
  cnn_16.onnx   CNN reading 16x16 images, input "image" [N,1,16,16] (Resize)
  head.onnx     a new head 32-10 for mlp_a's features, input "feat" [N,32]
  backbone.onnx mlp_a up to "features", output "features" [N,32]
  to_nhwc.onnx  input "x" [N,64] -> "img" [N,8,8,1] float64 (x * 1.5)
  split2.onnx   input "x" [N,64] -> "lo" [N,32], "hi" [N,32] (halves)
  widen.onnx    input "v" [N,10] -> "y" [N,32] (a part for a refused graft)
  cond.onnx     an If with outer references and a Constant: y = 2x if sum(x) > 0 else -x
  two_out.onnx  mlp_a with a second output (a model that does not ensemble)
  x.npy [40,64] float32, image.npy [40,1,8,8] float32, labels.npy int64
"""
import os
import sys
import warnings

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper
from sklearn.datasets import load_digits
from torch import nn

warnings.filterwarnings("ignore")
torch.set_num_threads(1)


class MLP(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.fc1 = nn.Linear(64, hidden)
        self.fc2 = nn.Linear(hidden, 10)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


class CNN(nn.Module):
    def __init__(self, nhwc=False, size=8):
        super().__init__()
        self.nhwc = nhwc
        self.size = size
        self.c1 = nn.Conv2d(1, 8, 3, padding=1)
        self.fc = nn.Linear(8 * 4 * 4, 10)

    def forward(self, x):
        if self.nhwc:
            x = x.permute(0, 3, 1, 2)
        x = torch.relu(self.c1(x))
        x = nn.functional.adaptive_avg_pool2d(x, 4)
        return self.fc(x.flatten(1))


class F64(nn.Module):
    """float64 in and out around a float32 CNN (onnxruntime has no double Conv)."""
    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, x):
        return self.inner(x.float()).double()


def train(model, x, y, steps=150, seed=0):
    torch.manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    for _ in range(steps):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(xt), yt)
        loss.backward()
        opt.step()
    return model


def export(model, example, path, in_name, out_name="logits", opset=13):
    torch.onnx.export(model, torch.from_numpy(example[:1]), path, input_names=[in_name],
                      output_names=[out_name], dynamic_axes={in_name: {0: "N"}, out_name: {0: "N"}},
                      opset_version=opset)


def name_hidden(path, new):
    """Renames the Relu's output (the MLP's hidden activation) to `new`."""
    m = onnx.load(path)
    relu = [n for n in m.graph.node if n.op_type == "Relu"][0]
    old = relu.output[0]
    for n in m.graph.node:
        n.input[:] = [new if i == old else i for i in n.input]
        n.output[:] = [new if o == old else o for o in n.output]
    onnx.save(m, path)
    return m


def cut(m, path, upto):
    """The model up to tensor `upto` (its only output)."""
    g = m.graph
    keep, need = [], {upto}
    for n in reversed(g.node):
        if set(n.output) & need:
            keep.insert(0, n)
            need |= set(n.input)
    out = helper.make_tensor_value_info(upto, TensorProto.FLOAT, ["N", 32])
    inits = [i for i in g.initializer if i.name in need]
    graph = helper.make_graph(keep, "backbone", list(g.input), [out], inits)
    mm = helper.make_model(graph, opset_imports=m.opset_import)
    mm.ir_version = m.ir_version
    onnx.save(mm, path)


def small(path, nodes, inputs, outputs, inits=()):
    graph = helper.make_graph(nodes, "g", inputs, outputs, list(inits))
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 7
    onnx.checker.check_model(m)
    onnx.save(m, path)


def main(out):
    d = load_digits()
    x = (d.data / 16.0).astype(np.float32)
    y = d.target.astype(np.int64)
    img = x.reshape(-1, 1, 8, 8)
    tr = slice(0, 1200)

    a = train(MLP(32), x[tr], y[tr], seed=1).eval()
    b = train(MLP(48), x[tr], y[tr], seed=2).eval()
    c = train(CNN(), img[tr], y[tr], seed=3).eval()
    nhwc = train(CNN(nhwc=True), img[tr].transpose(0, 2, 3, 1).copy(), y[tr], seed=4).eval()
    f64 = F64(train(CNN(), img[tr], y[tr], seed=5).eval())
    img16 = np.repeat(np.repeat(img, 2, axis=2), 2, axis=3)
    c16 = train(CNN(size=16), img16[tr], y[tr], seed=6).eval()
    with torch.no_grad():
        feats = torch.relu(a.fc1(torch.from_numpy(x[tr]))).numpy()
    head = nn.Linear(32, 10)
    torch.manual_seed(7)
    head = train(head, feats, y[tr], seed=7).eval()

    p = lambda n: os.path.join(out, n)
    with torch.no_grad():
        export(a, x, p("mlp_a.onnx"), "x")
        export(b, x, p("mlp_b.onnx"), "x", opset=12)
        export(c, img, p("cnn_c.onnx"), "image")
        export(nhwc, img.transpose(0, 2, 3, 1).copy(), p("cnn_nhwc.onnx"), "image")
        export(f64, img.astype(np.float64), p("cnn_f64.onnx"), "image")
        export(c16, img16, p("cnn_16.onnx"), "image")
        export(head, feats, p("head.onnx"), "feat")
    ma = name_hidden(p("mlp_a.onnx"), "features")
    cut(ma, p("backbone.onnx"), "features")

    fin = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 64])
    small(p("to_nhwc.onnx"),
          [helper.make_node("Reshape", ["x", "shape"], ["r"]),
           helper.make_node("Mul", ["r", "k"], ["m"]),
           helper.make_node("Cast", ["m"], ["img"], to=TensorProto.DOUBLE)],
          [fin], [helper.make_tensor_value_info("img", TensorProto.DOUBLE, ["N", 8, 8, 1])],
          [helper.make_tensor("shape", TensorProto.INT64, [4], [-1, 8, 8, 1]),
           helper.make_tensor("k", TensorProto.FLOAT, [], [1.5])])
    small(p("split2.onnx"),
          [helper.make_node("Split", ["x", "halves"], ["lo", "hi"], axis=1)],
          [fin], [helper.make_tensor_value_info("lo", TensorProto.FLOAT, ["N", 32]),
                  helper.make_tensor_value_info("hi", TensorProto.FLOAT, ["N", 32])],
          [helper.make_tensor("halves", TensorProto.INT64, [2], [32, 32])])
    small(p("widen.onnx"), [helper.make_node("MatMul", ["v", "wide"], ["y"])],
          [helper.make_tensor_value_info("v", TensorProto.FLOAT, ["N", 10])],
          [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 32])],
          [helper.make_tensor("wide", TensorProto.FLOAT, [10, 32], [0.01] * 320)])
    # an If whose branches read x from outside and hold Constants
    then_g = helper.make_graph(
        [helper.make_node("Constant", [], ["two"], value=helper.make_tensor("t", TensorProto.FLOAT, [], [2.0])),
         helper.make_node("Mul", ["x", "two"], ["ty"])], "then", [],
        [helper.make_tensor_value_info("ty", TensorProto.FLOAT, ["N", 64])])
    else_g = helper.make_graph([helper.make_node("Neg", ["x"], ["ey"])], "else", [],
                               [helper.make_tensor_value_info("ey", TensorProto.FLOAT, ["N", 64])])
    small(p("cond.onnx"),
          [helper.make_node("ReduceSum", ["x"], ["s"], keepdims=0),
           helper.make_node("Greater", ["s", "zero"], ["c"]),
           helper.make_node("If", ["c"], ["y"], then_branch=then_g, else_branch=else_g)],
          [fin], [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 64])],
          [helper.make_tensor("zero", TensorProto.FLOAT, [], [0.0])])
    m2 = onnx.load(p("mlp_a.onnx"))
    m2.graph.output.append(helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", 32]))
    onnx.save(m2, p("two_out.onnx"))

    te = slice(1200, 1240)
    np.save(p("x.npy"), x[te])
    np.save(p("image.npy"), img[te])
    np.save(p("labels.npy"), y[te])


if __name__ == "__main__":
    main(sys.argv[1])
