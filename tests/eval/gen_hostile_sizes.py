#!/usr/bin/python3
"""Hostile sizes for tests/eval/hostile-sizes.sh: models whose shapes,
repeats, pads, counts or indices come from attributes or constant tensors
at the edges of int64 (2^62, INT64_MAX, INT64_MIN), NaN or 3e38.  Each must
run or be refused in one line; none may overflow.  Writes OUTDIR/NAME.onnx."""
import sys

import numpy as np
import onnx
from onnx import TensorProto as T, helper as h, numpy_helper as nh

out = sys.argv[1]
F = T.FLOAT
BIG = 2**63 - 1
MIN = -2**63
def mk(name, nodes, ins, outs, inits=(), opset=13):
    g = h.make_graph(nodes, name, ins, outs, initializer=list(inits))
    m = h.make_model(g, opset_imports=[h.make_opsetid("", opset)]); m.ir_version = 8
    onnx.save(m, f"{out}/{name}.onnx")
vi = h.make_tensor_value_info
i64 = lambda n, v: nh.from_array(np.array(v, dtype=np.int64), n)
f32 = lambda n, v: nh.from_array(np.array(v, dtype=np.float32), n)
X = vi("x", F, [2, 3]); X4 = vi("x", F, [1, 1, 4, 4]); Y = vi("y", F, None)
mk("tile", [h.make_node("Tile", ["x", "r"], ["y"])], [X], [Y], [i64("r", [2**62, 4])])
mk("tile2", [h.make_node("Tile", ["x", "r"], ["y"])], [X], [Y], [i64("r", [BIG, BIG])])
mk("pad", [h.make_node("Pad", ["x", "p"], ["y"])], [X], [Y], [i64("p", [BIG, 0, BIG, 0])])
mk("padneg", [h.make_node("Pad", ["x", "p"], ["y"])], [X], [Y], [i64("p", [MIN, 0, MIN, 0])])
mk("expand", [h.make_node("Expand", ["x", "s"], ["y"])], [X], [Y], [i64("s", [2**62, 2**62, 3])])
mk("cos", [h.make_node("ConstantOfShape", ["s"], ["y"])], [], [Y], [i64("s", [2**62, 4])])
mk("reshape", [h.make_node("Reshape", ["x", "s"], ["y"])], [X], [Y], [i64("s", [BIG, BIG, -1])])
mk("range", [h.make_node("Range", ["a", "b", "c"], ["y"])], [], [Y], [f32("a", 0), f32("b", 3e38), f32("c", 1e-30)])
mk("rangenan", [h.make_node("Range", ["a", "b", "c"], ["y"])], [], [Y], [f32("a", 0), f32("b", np.nan), f32("c", 1)])
mk("rangei", [h.make_node("Range", ["a", "b", "c"], ["y"])], [], [Y], [i64("a", MIN), i64("b", BIG), i64("c", 1)])
mk("conv", [h.make_node("Conv", ["x", "w"], ["y"], pads=[BIG, BIG, BIG, BIG])], [X4], [Y], [f32("w", np.ones((1, 1, 1, 1)))])
mk("convs", [h.make_node("Conv", ["x", "w"], ["y"], strides=[BIG, BIG], dilations=[BIG, BIG])], [X4], [Y], [f32("w", np.ones((1, 1, 2, 2)))])
mk("convt", [h.make_node("ConvTranspose", ["x", "w"], ["y"], strides=[BIG, BIG])], [X4], [Y], [f32("w", np.ones((1, 1, 2, 2)))])
mk("convtop", [h.make_node("ConvTranspose", ["x", "w"], ["y"], output_padding=[BIG, BIG], strides=[2, 2])], [X4], [Y], [f32("w", np.ones((1, 1, 2, 2)))])
mk("pool", [h.make_node("MaxPool", ["x"], ["y"], kernel_shape=[BIG, BIG], pads=[BIG, BIG, BIG, BIG])], [X4], [Y])
mk("pool2", [h.make_node("AveragePool", ["x"], ["y"], kernel_shape=[2, 2], strides=[BIG, BIG], ceil_mode=1)], [X4], [Y])
mk("resize", [h.make_node("Resize", ["x", "", "s"], ["y"])], [X4], [Y], [f32("s", [1, 1, np.nan, 3e38])])
mk("resizes", [h.make_node("Resize", ["x", "", "", "z"], ["y"])], [X4], [Y], [i64("z", [1, 1, BIG, BIG])])
mk("upsample", [h.make_node("Upsample", ["x", "s"], ["y"])], [X4], [Y], [f32("s", [1, 1, 1e30, 1e30])], opset=9)
mk("gather", [h.make_node("Gather", ["x", "i"], ["y"])], [X], [Y], [i64("i", [MIN, BIG])])
mk("slice", [h.make_node("Slice", ["x", "a", "b", "ax", "st"], ["y"])], [X], [Y], [i64("a", [BIG]), i64("b", [MIN]), i64("ax", [0]), i64("st", [MIN])])
mk("onehot", [h.make_node("OneHot", ["i", "d", "v"], ["y"])], [], [Y], [i64("i", [1]), f32("d", 3e38), f32("v", [0, 1])], opset=11)
mk("onehotn", [h.make_node("OneHot", ["i", "d", "v"], ["y"])], [], [Y], [i64("i", [1]), f32("d", np.nan), f32("v", [0, 1])], opset=11)
mk("depth", [h.make_node("DepthToSpace", ["x"], ["y"], blocksize=BIG)], [X4], [Y])
mk("space", [h.make_node("SpaceToDepth", ["x"], ["y"], blocksize=2**32)], [X4], [Y])
mk("topk", [h.make_node("TopK", ["x", "k"], ["y", "z"])], [X], [Y, vi("z", T.INT64, None)], [i64("k", [BIG])])
mk("eyelike", [h.make_node("EyeLike", ["x"], ["y"], k=MIN)], [X], [Y])
mk("trilu", [h.make_node("Trilu", ["x", "k"], ["y"])], [X], [Y], [i64("k", MIN)], opset=14)
mk("flatten", [h.make_node("Flatten", ["x"], ["y"], axis=MIN)], [X], [Y])
mk("split", [h.make_node("Split", ["x", "s"], ["y", "z"])], [X], [Y, vi("z", F, None)], [i64("s", [BIG, 2])])
mk("lpnorm", [h.make_node("CumSum", ["x", "a"], ["y"])], [X], [Y], [i64("a", MIN)])
mk("concatax", [h.make_node("Concat", ["x", "x"], ["y"], axis=MIN)], [X], [Y])
mk("mmul", [h.make_node("MatMul", ["x", "w"], ["y"])], [X], [Y], [f32("w", np.ones((3, 2)))])
mk("qlinear", [h.make_node("DequantizeLinear", ["q", "s"], ["y"], axis=MIN)], [], [Y], [nh.from_array(np.ones((2, 2), np.int8), "q"), f32("s", [1, 1])])
mk("roialign", [h.make_node("RoiAlign", ["x", "r", "b"], ["y"], output_height=2**31 - 1, output_width=2**31 - 1)], [X4], [Y], [f32("r", [[0, 0, 1, 1]]), i64("b", [0])], opset=16)
mk("gridsample", [h.make_node("GridSample", ["x", "g"], ["y"])], [X4], [Y], [f32("g", np.array([np.nan, 3e38, -3e38, np.inf] * 2).reshape(1, 2, 2, 2))], opset=16)
mk("mel", [h.make_node("MelWeightMatrix", ["n", "d", "r", "lo", "hi"], ["y"])], [], [Y], [i64("n", 2), i64("d", 8), i64("r", 1), f32("lo", 0), f32("hi", 3e38)], opset=17)
mk("dft", [h.make_node("STFT", ["x", "st", "w", "l"], ["y"])], [vi("x", F, [1, 16, 1])], [Y], [i64("st", BIG), f32("w", np.ones(4)), i64("l", 4)], opset=17)
mk("hann", [h.make_node("HannWindow", ["n"], ["y"])], [], [Y], [i64("n", 2**62)], opset=17)
mk("cos_of_shape", [h.make_node("Shape", ["x"], ["s"]), h.make_node("Mul", ["s", "k"], ["s2"]), h.make_node("ConstantOfShape", ["s2"], ["y"])], [X], [Y], [i64("k", [2**62, 2**62])])
mk("ln", [h.make_node("ReduceMean", ["x"], ["m"], axes=[-1]), h.make_node("Sub", ["x", "m"], ["y"])], [X], [Y])
mk("lnaxes", [h.make_node("ReduceMean", ["x", "ax"], ["m"]), h.make_node("Sub", ["x", "m"], ["d"]), h.make_node("Mul", ["d", "d"], ["y"])], [X], [Y], [i64("ax", [BIG])], opset=18)
body = h.make_graph([h.make_node("Identity", ["c"], ["co"])], "body",
                    [vi("i", T.INT64, []), vi("c", T.BOOL, [])], [vi("co", T.BOOL, [])])
mk("loop", [h.make_node("Loop", ["m", "c"], [], body=body)], [], [], [i64("m", BIG), nh.from_array(np.array(False), "c")])
mk("nms", [h.make_node("NonMaxSuppression", ["bx", "sc", "mx"], ["y"])], [], [vi("y", T.INT64, None)], [f32("bx", np.zeros((1, 2, 4))), f32("sc", np.ones((1, 1, 2))), i64("mx", [BIG])], opset=11)
mk("roib", [h.make_node("RoiAlign", ["x", "r", "b"], ["y"])], [X4], [Y], [f32("r", [[0, 0, 1, 1]]), i64("b", [BIG])], opset=16)
mk("softmaxinf", [h.make_node("Softmax", ["a"], ["y"])], [], [Y], [f32("a", [0, -3e38, -np.inf, 1])])
