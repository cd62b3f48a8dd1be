#!/usr/bin/python3
"""Summarize a quantized model for tests/passes/quantize.sh, one line:
opset=N dq=N cast=N float_weights=N int8=N uint8=N int4=N fp16=N axes=A,B,...
(counts over every graph, subgraphs included; float_weights counts float32
initializers and Constant tensors of rank >= 2 but the *_scale ones; axes lists DequantizeLinear
axis attributes in graph order, '-' where absent, block size after ':').
Reads raw protobuf fields only, so it works on opset 21 files too."""
import sys

import onnx
from onnx import TensorProto


def walk(g, acc):
    tensors = list(g.initializer)
    for n in g.node:
        acc["ops"][n.op_type] = acc["ops"].get(n.op_type, 0) + 1
        attrs = {a.name: a for a in n.attribute}
        if n.op_type == "DequantizeLinear":
            ax = str(attrs["axis"].i) if "axis" in attrs else "-"
            if "block_size" in attrs:
                ax += ":%d" % attrs["block_size"].i
            acc["axes"].append(ax)
        if n.op_type == "Constant" and "value" in attrs:
            tensors.append(attrs["value"].t)
        for a in n.attribute:
            if a.type == onnx.AttributeProto.GRAPH:
                walk(a.g, acc)
            for sg in a.graphs:
                walk(sg, acc)
    for t in tensors:
        dt = t.data_type
        if dt == TensorProto.FLOAT and len(t.dims) >= 2 and not t.name.endswith("_scale"):
            acc["float_weights"] += 1
        for name, code in (("int8", 3), ("uint8", 2), ("int4", 22), ("fp16", 10)):
            if dt == code:
                acc[name] += 1


def main():
    m = onnx.load(sys.argv[1])
    acc = {"ops": {}, "axes": [], "float_weights": 0, "int8": 0, "uint8": 0, "int4": 0,
           "fp16": 0}
    walk(m.graph, acc)
    opset = max([o.version for o in m.opset_import if o.domain in ("", "ai.onnx")] or [0])
    print("opset=%d dq=%d cast=%d float_weights=%d int8=%d uint8=%d int4=%d fp16=%d axes=%s" % (
        opset, acc["ops"].get("DequantizeLinear", 0), acc["ops"].get("Cast", 0),
        acc["float_weights"], acc["int8"], acc["uint8"], acc["int4"], acc["fp16"],
        ",".join(acc["axes"]) or "-"))


if __name__ == "__main__":
    main()
