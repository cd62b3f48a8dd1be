#!/usr/bin/python3
"""Write the models the fusion tests run on, and their expectations.

Usage: /usr/bin/python3 tests/passes/gen_fuse_models.py OUTDIR

Writes OUTDIR/*.onnx and OUTDIR/cases.txt, one case a line:
    MODEL PATTERN REWRITES CHECK
REWRITES is the exact count `fuse PATTERN` must report; CHECK is 1 when the
output can go through python3-onnx's checker (onnx 1.12 knows opsets up to
17, so models raised to opset 18 or 20 (Gelu) are only run in onnxruntime).
Deterministic: numpy's default_rng(0).
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(0)
F = TensorProto.FLOAT
cases = []


def arr(*shape, scale=0.5):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def init(name, a):
    return numpy_helper.from_array(np.asarray(a), name)


def const_node(out, a):
    return helper.make_node("Constant", [], [out], name=out + "_const",
                            value=numpy_helper.from_array(np.asarray(a), out))


def bn_params(prefix, c):
    return [init(prefix + ".scale", arr(c) + 1.0), init(prefix + ".bias", arr(c)),
            init(prefix + ".mean", arr(c)),
            init(prefix + ".var", (np.abs(arr(c)) + 0.5).astype(np.float32))]


def bn_node(prefix, x, y):
    return helper.make_node("BatchNormalization",
                            [x, prefix + ".scale", prefix + ".bias", prefix + ".mean", prefix + ".var"],
                            [y], name=prefix, epsilon=1e-3)


def save(outdir, name, graph, opset, expect, ir=8):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                              producer_name="gen_fuse_models")
    model.ir_version = ir
    if opset <= 17:
        onnx.checker.check_model(model)
    onnx.save(model, os.path.join(outdir, name + ".onnx"))
    for pattern, count, check in expect:
        cases.append("%s %s %d %d" % (name, pattern, count, check))


def cnn(outdir):
    nodes, inits = [], []
    x = "input"
    # conv1 with bias, conv2 without, conv3 grouped (2), conv4 depthwise with bias
    specs = [("conv1", 3, 8, 1, True), ("conv2", 8, 8, 1, False),
             ("conv3", 8, 8, 2, False), ("conv4", 8, 8, 8, True)]
    for i, (name, cin, cout, group, bias) in enumerate(specs):
        w = arr(cout, cin // group, 3, 3)
        inputs = [x, name + ".weight"]
        inits.append(init(name + ".weight", w))
        if bias:
            inits.append(init(name + ".bias", arr(cout)))
            inputs.append(name + ".bias")
        nodes.append(helper.make_node("Conv", inputs, [name + "_out"], name=name,
                                      pads=[1, 1, 1, 1], group=group))
        bn = "bn%d" % (i + 1)
        inits += bn_params(bn, cout)
        out = "output" if i == len(specs) - 1 else bn + "_out"
        nodes.append(bn_node(bn, name + "_out", out))
        if i < len(specs) - 1:
            nodes.append(helper.make_node("Relu", [out], ["relu%d" % (i + 1)], name="relu%d" % (i + 1)))
            x = "relu%d" % (i + 1)
    g = helper.make_graph(nodes, "cnn_bn", [helper.make_tensor_value_info("input", F, [1, 3, 12, 12])],
                          [helper.make_tensor_value_info("output", F, [1, 8, 12, 12])], inits)
    save(outdir, "cnn_bn", g, 13, [("conv-bn", 4, 1), ("all", 4, 1), ("gemm", 0, 1)])


def convt(outdir):
    inits = [init("ct1.weight", arr(4, 6, 3, 3)), init("ct1.bias", arr(6)),
             init("ct2.weight", arr(6, 2, 2, 2))]   # group 2: C_in 6, M = 2 * 2
    inits += bn_params("bnA", 6) + bn_params("bnB", 4)
    nodes = [helper.make_node("ConvTranspose", ["input", "ct1.weight", "ct1.bias"], ["ct1_out"],
                              name="ct1", strides=[2, 2]),
             bn_node("bnA", "ct1_out", "bnA_out"),
             helper.make_node("ConvTranspose", ["bnA_out", "ct2.weight"], ["ct2_out"], name="ct2",
                              group=2),
             bn_node("bnB", "ct2_out", "output")]
    g = helper.make_graph(nodes, "convt_bn", [helper.make_tensor_value_info("input", F, [1, 4, 5, 5])],
                          [helper.make_tensor_value_info("output", F, [1, 4, 12, 12])], inits)
    save(outdir, "convt_bn", g, 13, [("conv-bn", 2, 1), ("all", 2, 1)])


def mlp(outdir):
    inits = [init("fc1.weight", arr(16, 32)), init("fc1.bias", arr(32)),
             init("fc2.weight", arr(32, 8)), init("fc2.bias", arr(1, 8))]
    nodes = [helper.make_node("MatMul", ["input", "fc1.weight"], ["mm1"], name="fc1/MatMul"),
             helper.make_node("Add", ["mm1", "fc1.bias"], ["add1"], name="fc1/Add"),
             helper.make_node("Relu", ["add1"], ["relu1"], name="relu1"),
             helper.make_node("MatMul", ["relu1", "fc2.weight"], ["mm2"], name="fc2/MatMul"),
             # a hostile name: the command must print it escaped
             helper.make_node("Add", ["fc2.bias", "mm2"], ["output"], name="fc2\x1b[31m/Add")]
    g = helper.make_graph(nodes, "mlp", [helper.make_tensor_value_info("input", F, [4, 16])],
                          [helper.make_tensor_value_info("output", F, [4, 8])], inits)
    save(outdir, "mlp", g, 13, [("gemm", 2, 1), ("all", 2, 1), ("conv-bn", 0, 1)])

    # a 3-D MatMul input: Gemm needs 2-D A, so nothing may fuse
    inits = [init("w", arr(16, 8)), init("b", arr(8))]
    nodes = [helper.make_node("MatMul", ["input", "w"], ["mm"], name="MatMul"),
             helper.make_node("Add", ["mm", "b"], ["output"], name="Add")]
    g = helper.make_graph(nodes, "mlp3d", [helper.make_tensor_value_info("input", F, [2, 3, 16])],
                          [helper.make_tensor_value_info("output", F, [2, 3, 8])], inits)
    save(outdir, "mlp3d", g, 13, [("gemm", 0, 1), ("all", 0, 1)])

    # Gemm (transB, alpha, beta) + BatchNormalization
    inits = [init("g.weight", arr(12, 16)), init("g.bias", arr(12))] + bn_params("gbn", 12)
    nodes = [helper.make_node("Gemm", ["input", "g.weight", "g.bias"], ["g_out"], name="gemm",
                              transB=1, alpha=0.5, beta=2.0),
             bn_node("gbn", "g_out", "output")]
    g = helper.make_graph(nodes, "gemm_bn", [helper.make_tensor_value_info("input", F, [3, 16])],
                          [helper.make_tensor_value_info("output", F, [3, 12])], inits)
    save(outdir, "gemm_bn", g, 13, [("gemm", 1, 1), ("all", 1, 1)])


def layernorm_graph(name, opset, axes_input, extra_softmax=False):
    d = 16
    inits = [init("ln.gamma", arr(d) + 1.0), init("ln.beta", arr(d)),
             init("two", np.array(2.0, np.float32)), init("eps", np.array(1e-5, np.float32))]
    if axes_input:
        inits.append(init("axes", np.array([-1], np.int64)))
        rm = lambda i, o, n: helper.make_node("ReduceMean", [i, "axes"], [o], name=n)
    else:
        rm = lambda i, o, n: helper.make_node("ReduceMean", [i], [o], name=n, axes=[-1])
    out = "ln_out" if extra_softmax else "output"
    nodes = [rm("input", "mean", "ln/ReduceMean"),
             helper.make_node("Sub", ["input", "mean"], ["d"], name="ln/Sub"),
             helper.make_node("Pow", ["d", "two"], ["sq"], name="ln/Pow"),
             rm("sq", "var", "ln/ReduceMean_1"),
             helper.make_node("Add", ["var", "eps"], ["ve"], name="ln/Add"),
             helper.make_node("Sqrt", ["ve"], ["std"], name="ln/Sqrt"),
             helper.make_node("Div", ["d", "std"], ["n"], name="ln/Div"),
             helper.make_node("Mul", ["n", "ln.gamma"], ["ng"], name="ln/Mul"),
             helper.make_node("Add", ["ng", "ln.beta"], [out], name="ln/Add_1")]
    if extra_softmax:
        nodes.append(helper.make_node("Softmax", [out], ["output"], name="softmax", axis=-1))
    return helper.make_graph(nodes, name, [helper.make_tensor_value_info("input", F, [2, 5, d])],
                             [helper.make_tensor_value_info("output", F, [2, 5, d])], inits)


def layernorm(outdir):
    save(outdir, "layernorm", layernorm_graph("layernorm", 17, False), 17,
         [("layernorm", 1, 1), ("all", 1, 1)])
    # opset 13, nothing whose meaning changes by 17: raised
    save(outdir, "layernorm_op13", layernorm_graph("layernorm_op13", 13, False), 13,
         [("layernorm", 1, 1)])
    # opset 11 with a Softmax (its axis semantics changed at 13): converted
    # to 17 first (graphsmith/convert.h), then fused
    save(outdir, "layernorm_op11", layernorm_graph("layernorm_op11", 11, False, True), 11,
         [("layernorm", 1, 1)])
    # opset 18: ReduceMean takes axes as an input
    save(outdir, "layernorm_op18", layernorm_graph("layernorm_op18", 18, True), 18,
         [("layernorm", 1, 0)])


def gelu(outdir):
    c = lambda n, v: init(n, np.array(v, np.float32))
    inits = [c("sqrt2", np.sqrt(2.0)), c("one", 1.0), c("half", 0.5)]
    nodes = [helper.make_node("Div", ["input", "sqrt2"], ["q"], name="gelu/Div"),
             helper.make_node("Erf", ["q"], ["e"], name="gelu/Erf"),
             helper.make_node("Add", ["e", "one"], ["a"], name="gelu/Add"),
             helper.make_node("Mul", ["input", "a"], ["m"], name="gelu/Mul"),
             helper.make_node("Mul", ["m", "half"], ["output"], name="gelu/Mul_1")]
    g = helper.make_graph(nodes, "gelu_erf", [helper.make_tensor_value_info("input", F, [4, 8])],
                          [helper.make_tensor_value_info("output", F, [4, 8])], inits)
    save(outdir, "gelu_erf", g, 17, [("gelu", 1, 0), ("all", 1, 0)])

    inits = [c("three", 3.0), c("k", 0.044715), c("s2pi", np.sqrt(2.0 / np.pi)), c("one", 1.0),
             c("half", 0.5)]
    nodes = [helper.make_node("Pow", ["input", "three"], ["p"], name="gelu/Pow"),
             helper.make_node("Mul", ["k", "p"], ["kp"], name="gelu/Mul"),
             helper.make_node("Add", ["input", "kp"], ["s"], name="gelu/Add"),
             helper.make_node("Mul", ["s", "s2pi"], ["q"], name="gelu/Mul_1"),
             helper.make_node("Tanh", ["q"], ["t"], name="gelu/Tanh"),
             helper.make_node("Add", ["one", "t"], ["a"], name="gelu/Add_1"),
             helper.make_node("Mul", ["input", "half"], ["h"], name="gelu/Mul_2"),
             helper.make_node("Mul", ["h", "a"], ["output"], name="gelu/Mul_3")]
    g = helper.make_graph(nodes, "gelu_tanh", [helper.make_tensor_value_info("input", F, [4, 8])],
                          [helper.make_tensor_value_info("output", F, [4, 8])], inits)
    save(outdir, "gelu_tanh", g, 17, [("gelu", 1, 0)])


def identity(outdir):
    inits = [init("ratio", np.array(0.3, np.float32))]
    nodes = [helper.make_node("Identity", ["input"], ["a"], name="id1"),
             helper.make_node("Relu", ["a"], ["r"], name="relu"),
             helper.make_node("Dropout", ["r", "ratio"], ["d"], name="drop"),
             helper.make_node("Identity", ["d"], ["output"], name="id2"),
             # input straight to an output: must stay
             helper.make_node("Identity", ["input"], ["passthrough"], name="id3")]
    g = helper.make_graph(nodes, "identity", [helper.make_tensor_value_info("input", F, [2, 6])],
                          [helper.make_tensor_value_info("output", F, [2, 6]),
                           helper.make_tensor_value_info("passthrough", F, [2, 6])], inits)
    save(outdir, "identity", g, 13, [("identity", 3, 1), ("all", 3, 1)])


def constants(outdir):
    nodes = [const_node("c1", arr(4)),
             const_node("c2", np.array([2, 4], np.int64)),
             helper.make_node("ConstantOfShape", ["c2"], ["cs"], name="cos1",
                              value=numpy_helper.from_array(np.array([0.5], np.float32))),
             helper.make_node("Shape", ["input"], ["sh"], name="shape"),
             helper.make_node("ConstantOfShape", ["sh"], ["cs2"], name="cos2",
                              value=numpy_helper.from_array(np.array([1.5], np.float32))),
             const_node("ax0", np.array([0], np.int64)),
             helper.make_node("Unsqueeze", ["c1", "ax0"], ["u"], name="unsq"),
             helper.make_node("Transpose", ["u"], ["t"], name="tr", perm=[1, 0]),
             const_node("shp", np.array([1, -1], np.int64)),
             helper.make_node("Reshape", ["t", "shp"], ["rs"], name="reshape"),
             helper.make_node("Cast", ["rs"], ["cd"], name="cast_d", to=TensorProto.DOUBLE),
             helper.make_node("Cast", ["cd"], ["cf"], name="cast_f", to=TensorProto.FLOAT),
             helper.make_node("Add", ["cs", "cf"], ["s1"], name="add"),
             helper.make_node("Mul", ["s1", "cs2"], ["s2"], name="mul"),
             helper.make_node("Sub", ["s2", "c1"], ["s3"], name="sub"),
             const_node("two", np.array(2.0, np.float32)),
             helper.make_node("Div", ["s3", "two"], ["s4"], name="div"),
             helper.make_node("Unsqueeze", ["s4", "ax0"], ["s5"], name="unsq2"),
             helper.make_node("Squeeze", ["s5", "ax0"], ["s6"], name="sq"),
             helper.make_node("Add", ["input", "s6"], ["output"], name="final")]
    g = helper.make_graph(nodes, "constants", [helper.make_tensor_value_info("input", F, [2, 4])],
                          [helper.make_tensor_value_info("output", F, [2, 4])])
    n = len(nodes) - 1
    save(outdir, "constants", g, 13, [("constants", n, 1), ("all", n, 1), ("identity", 0, 1)])


def conv_cos(outdir):
    # a Conv weight behind ConstantOfShape: conv-bn alone cannot see it,
    # `all` folds the constants first (2 rewrites) and then the BN (1)
    inits = bn_params("bnC", 4)
    nodes = [const_node("wshape", np.array([4, 3, 3, 3], np.int64)),
             helper.make_node("ConstantOfShape", ["wshape"], ["w"], name="wfill",
                              value=numpy_helper.from_array(np.array([0.1], np.float32))),
             helper.make_node("Conv", ["input", "w"], ["c"], name="conv"),
             bn_node("bnC", "c", "output")]
    g = helper.make_graph(nodes, "conv_cos", [helper.make_tensor_value_info("input", F, [1, 3, 5, 5])],
                          [helper.make_tensor_value_info("output", F, [1, 4, 3, 3])], inits)
    save(outdir, "conv_cos", g, 13, [("conv-bn", 0, 1), ("constants", 2, 1), ("all", 3, 1)])


def if_model(outdir):
    def branch(name, prefix, bn_as_constants):
        w = name + ".w"
        nodes, inits = [], [init(w, arr(4, 3, 3, 3))]
        params = bn_params(prefix, 4)
        if bn_as_constants:
            nodes += [const_node(p.name, numpy_helper.to_array(p)) for p in params]
        else:
            inits += params
        nodes += [helper.make_node("Conv", ["input", w], [name + "_c"], name=name + "/conv",
                                   pads=[1, 1, 1, 1]),
                  bn_node(prefix, name + "_c", name + "_out")]
        return helper.make_graph(nodes, name, [], [helper.make_tensor_value_info(name + "_out", F, [1, 4, 6, 6])],
                                 inits)
    nodes = [helper.make_node("If", ["cond"], ["output"], name="if",
                              then_branch=branch("then", "bnT", True),
                              else_branch=branch("else", "bnE", False))]
    g = helper.make_graph(nodes, "if_conv_bn",
                          [helper.make_tensor_value_info("cond", TensorProto.BOOL, []),
                           helper.make_tensor_value_info("input", F, [1, 3, 6, 6])],
                          [helper.make_tensor_value_info("output", F, [1, 4, 6, 6])])
    save(outdir, "if_conv_bn", g, 13, [("conv-bn", 2, 1), ("constants", 4, 1), ("all", 6, 1)])


def ir3_cos(outdir):
    # IR 3 (model zoo style): every initializer is also a graph input, and
    # the Conv weight comes from ConstantOfShape; what `fuse` adds must be
    # listed as an input too or the checker rejects the model
    inits = bn_params("bnI", 4)
    nodes = [const_node("wshape", np.array([4, 3, 3, 3], np.int64)),
             helper.make_node("ConstantOfShape", ["wshape"], ["w"], name="wfill",
                              value=numpy_helper.from_array(np.array([0.1], np.float32))),
             helper.make_node("Conv", ["input", "w"], ["c"], name="conv"),
             bn_node("bnI", "c", "output")]
    inputs = [helper.make_tensor_value_info("input", F, [1, 3, 5, 5])]
    inputs += [helper.make_tensor_value_info(t.name, F, list(t.dims)) for t in inits]
    g = helper.make_graph(nodes, "ir3_cos", inputs,
                          [helper.make_tensor_value_info("output", F, [1, 4, 3, 3])], inits)
    save(outdir, "ir3_cos", g, 9, [("constants", 2, 1), ("all", 3, 1)], ir=3)


def affine(outdir):
    # ConvTranspose (group 2) -> Add(bias [C,1,1]) -> BatchNormalization
    inits = [init("ct.weight", arr(4, 3, 3, 3)), init("ct.add", arr(6, 1, 1))] + bn_params("bnT", 6)
    nodes = [helper.make_node("ConvTranspose", ["input", "ct.weight"], ["ct_out"], name="ct",
                              strides=[2, 2], group=2),
             helper.make_node("Add", ["ct_out", "ct.add"], ["ct_add"], name="ct/Add"),
             bn_node("bnT", "ct_add", "output")]
    g = helper.make_graph(nodes, "convt_add_bn", [helper.make_tensor_value_info("input", F, [1, 4, 5, 5])],
                          [helper.make_tensor_value_info("output", F, [1, 6, 11, 11])], inits)
    save(outdir, "convt_add_bn", g, 13, [("affine", 1, 1), ("all", 1, 1), ("conv-bn", 0, 1)])

    # Caffe-style Scale: Conv -> BN -> Mul -> Add, then Sub, Div; a second
    # Conv whose Add is not per channel stays
    inits = [init("c1.weight", arr(8, 3, 3, 3)), init("c1.bias", arr(8)),
             init("scale", arr(8, 1, 1) + 1.0), init("shift", arr(1, 8, 1, 1)),
             init("sub", arr(1)), init("div", (np.abs(arr(8, 1, 1)) + 0.5).astype(np.float32)),
             init("c2.weight", arr(8, 8, 1, 1)), init("full", arr(1, 8, 5, 5))]
    inits += bn_params("bnS", 8)
    nodes = [helper.make_node("Conv", ["input", "c1.weight", "c1.bias"], ["c1"], name="conv1"),
             bn_node("bnS", "c1", "b1"),
             helper.make_node("Mul", ["scale", "b1"], ["m1"], name="scale/Mul"),
             helper.make_node("Add", ["m1", "shift"], ["a1"], name="scale/Add"),
             helper.make_node("Sub", ["a1", "sub"], ["s1"], name="sub"),
             helper.make_node("Div", ["s1", "div"], ["d1"], name="div"),
             helper.make_node("Relu", ["d1"], ["r1"], name="relu"),
             helper.make_node("Conv", ["r1", "c2.weight"], ["c2"], name="conv2"),
             helper.make_node("Add", ["c2", "full"], ["output"], name="full/Add")]
    g = helper.make_graph(nodes, "conv_scale", [helper.make_tensor_value_info("input", F, [1, 3, 7, 7])],
                          [helper.make_tensor_value_info("output", F, [1, 8, 5, 5])], inits)
    save(outdir, "conv_scale", g, 13, [("affine", 1, 1), ("all", 1, 1), ("conv-bn", 1, 1)])

    # Gemm (transB) -> Mul -> Sub(c - x); MatMul -> Mul -> Add -> Relu
    inits = [init("g.w", arr(6, 5)), init("g.b", arr(6)), init("g.mul", arr(6)),
             init("g.sub", arr(1, 6)), init("m.w", arr(6, 4)), init("m.mul", arr(4)),
             init("m.add", arr(4))]
    nodes = [helper.make_node("Gemm", ["input", "g.w", "g.b"], ["g1"], name="gemm", transB=1,
                              beta=0.5),
             helper.make_node("Mul", ["g1", "g.mul"], ["g2"], name="gemm/Mul"),
             helper.make_node("Sub", ["g.sub", "g2"], ["g3"], name="gemm/Sub"),
             helper.make_node("MatMul", ["g3", "m.w"], ["m1"], name="mm"),
             helper.make_node("Mul", ["m1", "m.mul"], ["m2"], name="mm/Mul"),
             helper.make_node("Add", ["m2", "m.add"], ["m3"], name="mm/Add"),
             helper.make_node("Relu", ["m3"], ["output"], name="relu")]
    g = helper.make_graph(nodes, "gemm_chain", [helper.make_tensor_value_info("input", F, [3, 5])],
                          [helper.make_tensor_value_info("output", F, [3, 4])], inits)
    save(outdir, "gemm_chain", g, 13, [("affine", 2, 1), ("all", 3, 1)])


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    for fn in (cnn, convt, mlp, layernorm, gelu, identity, constants, conv_cos, if_model,
               ir3_cos, affine):
        fn(outdir)
    with open(os.path.join(outdir, "cases.txt"), "w") as f:
        f.write("\n".join(cases) + "\n")


if __name__ == "__main__":
    main()
