#!/usr/bin/python3
"""Check what a prune pass left in a saved model, independently of graphsmith.

Usage: /usr/bin/python3 tests/oracle/prune_check.py magnitude S MODEL
       /usr/bin/python3 tests/oracle/prune_check.py nm N M MODEL
       /usr/bin/python3 tests/oracle/prune_check.py channels ORIG MODEL

magnitude: every float32 weight of Conv/ConvTranspose/Gemm/MatMul has at
           least floor(n*S) zeros (exactly, when the original had none).
nm:        along the reduction axis, every full group of M has <= N non-zero
           (layers whose reduction length is not a multiple of M are exempt).
channels:  some weight lost output channels and the parameter count shrank.
Prints one line per weight and exits 1 on a violation.
"""
import math
import sys

import numpy as np
import onnx
from onnx import numpy_helper

OPS = ("Conv", "ConvTranspose", "Gemm", "MatMul")


def weights(path):
    model = onnx.load(path)
    g = model.graph
    params = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    for n in g.node:
        if n.op_type == "Constant":
            for a in n.attribute:
                if a.name == "value":
                    params[n.output[0]] = numpy_helper.to_array(a.t)
    seen = set()
    for n in g.node:
        if n.op_type in OPS and len(n.input) > 1 and n.input[1] in params:
            if n.input[1] in seen:
                continue
            seen.add(n.input[1])
            yield n, n.input[1], params[n.input[1]]


def rows(node, w):
    """The weight as [rows, reduction] (a view in reduction order)."""
    if node.op_type == "Conv":
        return w.reshape(w.shape[0], -1)
    if node.op_type == "ConvTranspose":
        return w.reshape(w.shape[0], -1).T
    trans = any(a.name == "transB" and a.i for a in node.attribute)
    if trans:
        return w
    return np.moveaxis(w, -2, -1).reshape(-1, w.shape[-2])


def main(argv):
    mode = argv[1]
    bad = 0
    if mode == "magnitude":
        s = float(argv[2])
        for node, name, w in weights(argv[3]):
            if w.dtype != np.float32:
                continue
            z = int((w == 0).sum())
            need = math.floor(w.size * s)
            print("%s %s zeros %d of %d (%.3f)" % (node.op_type, name, z, w.size, z / w.size))
            if z < need:
                bad = 1
    elif mode == "nm":
        n, m = int(argv[2]), int(argv[3])
        for node, name, w in weights(argv[4]):
            if w.dtype != np.float32:
                continue
            r = rows(node, w)
            if r.shape[1] % m:
                print("%s %s exempt (length %d)" % (node.op_type, name, r.shape[1]))
                continue
            nz = (r.reshape(r.shape[0], -1, m) != 0).sum(axis=2)
            print("%s %s groups %d, max non-zero %d" % (node.op_type, name, nz.size, nz.max()))
            if nz.max() > n:
                bad = 1
    elif mode == "channels":
        before = {name: w.shape for _, name, w in weights(argv[2])}
        nb = sum(int(np.prod(s)) for s in before.values())
        after = {name: w.shape for _, name, w in weights(argv[3])}
        na = sum(int(np.prod(s)) for s in after.values())
        changed = [k for k in after if after[k] != before.get(k)]
        for k in changed:
            print("%s %s -> %s" % (k, before.get(k), after[k]))
        print("weight elements %d -> %d" % (nb, na))
        if not changed or na >= nb:
            bad = 1
    else:
        sys.stderr.write(__doc__)
        return 2
    return bad


if __name__ == "__main__":
    sys.exit(main(sys.argv))
