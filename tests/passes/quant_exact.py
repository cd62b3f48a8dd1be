#!/usr/bin/python3
"""quant_exact.py ORIGINAL QUANTIZED: checks every int8 DequantizeLinear
weight of QUANTIZED against a numpy reference of symmetric per-channel
quantization of the ORIGINAL float weight it replaced: scale =
max|w| / 127 in float32, q = clip(round_half_even(w / scale), -128, 127).
Prints the number of weights checked; exits 1 at the first difference."""
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def main():
    orig = onnx.load(sys.argv[1])
    quant = onnx.load(sys.argv[2])
    floats = {t.name: numpy_helper.to_array(t) for t in orig.graph.initializer}
    inits = {t.name: numpy_helper.to_array(t) for t in quant.graph.initializer}
    checked = 0
    for n in quant.graph.node:
        if n.op_type != "DequantizeLinear":
            continue
        q, scale = inits[n.input[0]], inits[n.input[1]]
        base = n.input[0][: -len("_quantized")]
        w = floats[base]
        axis = next((a.i for a in n.attribute if a.name == "axis"), 1)
        shape = [1] * w.ndim
        shape[axis] = -1
        others = tuple(i for i in range(w.ndim) if i != axis)
        amax = np.max(np.abs(w), axis=others).astype(np.float32)
        want_scale = amax / np.float32(127)
        want_scale[want_scale == 0] = 1
        want_q = np.clip(np.rint(w / want_scale.reshape(shape)), -128, 127).astype(np.int8)
        if not np.array_equal(scale, want_scale):
            print("%s: scales differ" % base)
            return 1
        if q.dtype != np.int8 or not np.array_equal(q, want_q):
            print("%s: %d of %d values differ" % (base, int(np.sum(q != want_q)), q.size))
            return 1
        checked += 1
    print(checked)
    return 0


if __name__ == "__main__":
    sys.exit(main())
