#!/usr/bin/env python3
"""The reference run of bench/transfer.sh: what `graphsmith merge --method
linear --alpha A` does, in numpy with python3-onnx (load both, average
every initializer pairwise by position, save).
usage: merge_numpy.py ALPHA OUT M1 M2"""
import sys

import onnx
from onnx import numpy_helper


def main():
    alpha, out, p1, p2 = float(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    m1, m2 = onnx.load(p1), onnx.load(p2)
    for t1, t2 in zip(m1.graph.initializer, m2.graph.initializer):
        a, b = numpy_helper.to_array(t1), numpy_helper.to_array(t2)
        t1.CopyFrom(numpy_helper.from_array((alpha * a + (1 - alpha) * b).astype(a.dtype), t1.name))
    onnx.save(m1, out)


if __name__ == "__main__":
    main()
