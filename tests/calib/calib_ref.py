#!/usr/bin/env python3
"""The reference for `quantize int8 static`: onnxruntime's calibrators
(calibrate.py: MinMax, HistogramCollector percentile/entropy) redone in
numpy on the activations, and the QDQ placement of quantize_static.

usage:
  calib_ref.py augment MODEL OUT          every float intermediate as an output
  calib_ref.py ranges ACTS.npz DATA.npz LOG METHOD [P] [--bins N]
        ACTS: the augmented model's outputs over the calibration data DATA
        (from `graphsmith run -o`); LOG: the quantize report.  Checks every
        "activation NAME: range [lo, hi]" line against numpy (minmax exactly,
        the histogram methods to float tolerance).
  calib_ref.py placement QMODEL Q DQ      QDQ as ORT places it, counts
Prints one line per problem and exits 1 on any."""
import re
import sys

import numpy as np
import onnx
from onnx import helper, shape_inference


def augment(path, out):
    m = shape_inference.infer_shapes(onnx.load(path))
    have = {o.name for o in m.graph.output}
    for vi in m.graph.value_info:
        if vi.type.tensor_type.elem_type == onnx.TensorProto.FLOAT and vi.name not in have:
            m.graph.output.append(vi)
    onnx.save(m, out)


def minmax(x):
    return np.float32(x.min()), np.float32(x.max())


def percentile(x, p, bins):
    # HistogramCollector.collect_absolute_value + compute_percentile (symmetric)
    mn, mx = np.nanmin(x), np.nanmax(x)
    hist, edges = np.histogram(np.absolute(x), bins=bins)
    edges = edges.astype(x.dtype)
    cdf = np.cumsum(hist / hist.sum())
    i = np.searchsorted(cdf, p / 100.0)
    lo, hi = -np.array(edges[i], dtype=edges.dtype), np.array(edges[i], dtype=edges.dtype)
    return max(lo, mn), min(hi, mx)


def smooth(p, eps=0.0001):
    is_zeros = (p == 0).astype(np.float32)
    is_nonzeros = (p != 0).astype(np.float32)
    n_zeros = is_zeros.sum()
    n_nonzeros = p.size - n_zeros
    if not n_nonzeros:
        return None
    eps1 = eps * float(n_zeros) / float(n_nonzeros)
    hist = p.astype(np.float32)
    hist += eps * is_zeros + (-eps1) * is_nonzeros
    return hist


def entropy(x, bins, nq=128):
    from scipy.stats import entropy as kl
    mn, mx = np.nanmin(x), np.nanmax(x)
    t = np.array(max(abs(mn), abs(mx)), dtype=x.dtype)
    hist, edges = np.histogram(x, bins, range=(-t, t))
    nb = hist.size
    zero, half = nb // 2, nq // 2
    kls, ths = [], []
    for i in range(half, zero + 1):
        start = zero - i
        end = min(zero + i + 1, nb)
        ths.append((edges[start], edges[end]))
        sliced = hist[start:end].copy()
        p = sliced.copy()
        p[0] += hist[:start].sum()
        p[-1] += hist[end:].sum()
        nonzeros = (p != 0).astype(np.int64)
        qb = np.zeros(nq, dtype=np.int64)
        merged = sliced.size // nq
        for j in range(nq):
            qb[j] = sliced[j * merged:(j + 1) * merged].sum()
        qb[-1] += sliced[nq * merged:].sum()
        q = np.zeros(p.size, dtype=np.int64)
        for j in range(nq):
            norm = nonzeros[j * merged:(j + 1) * merged].sum()
            if norm != 0:
                q[j * merged:(j + 1) * merged] = qb[j] / norm
        ps, qs = smooth(p), smooth(q)
        kls.append(np.inf if ps is None or qs is None else np.float32(kl(ps, qs)))
    lo, hi = ths[int(np.argmin(kls))]
    return max(lo, mn), min(hi, mx)


def ranges(acts, data, log, method, rest):
    p, bins = 99.999, None
    if "--bins" in rest:
        bins = int(rest[rest.index("--bins") + 1])
        rest = rest[:rest.index("--bins")]
    if rest:
        p = float(rest[0])
    z = dict(np.load(acts))
    z.update(np.load(data))
    bad = checked = 0
    pat = re.compile(r"^  activation (.*): range \[([^,]*), ([^\]]*)\] \(([^)]*)\)")
    for line in open(log):
        m = pat.match(line)
        if not m:
            continue
        name, lo, hi, how = m.group(1), float(m.group(2)), float(m.group(3)), m.group(4)
        of = re.search(r", of (.*)$", how)
        if of:
            name = of.group(1)
        if "softmax" in how:
            continue
        if name not in z:
            print(f"{name}: not among the activations")
            bad += 1
            continue
        x = z[name].astype(np.float32).ravel()
        if method == "minmax":
            want, tol = minmax(x), 0
        elif method == "percentile":
            want, tol = percentile(x, p, bins or 2048), 1e-6
        else:
            want, tol = entropy(x, bins or 128), 1e-6
        got = (np.float32(lo), np.float32(hi))
        for g, w in zip(got, want):
            if abs(float(g) - float(w)) > tol * max(1.0, abs(float(w))):
                print(f"{name}: {method} range {got} != numpy {want}")
                bad += 1
                break
        checked += 1
    if not checked:
        print("no activation range in the log")
        bad += 1
    print(f"{checked} ranges checked")
    return bad


def placement(path, nq, ndq):
    m = onnx.load(path)
    g = m.graph
    prod = {o: n for n in g.node for o in n.output}
    inits = {i.name: i for i in g.initializer}
    bad = 0
    count = {}
    for n in g.node:
        count[n.op_type] = count.get(n.op_type, 0) + 1

    def fail(msg):
        nonlocal bad
        print(msg)
        bad += 1

    if count.get("QuantizeLinear", 0) != nq or count.get("DequantizeLinear", 0) != ndq:
        fail(f"{count.get('QuantizeLinear', 0)} Q / {count.get('DequantizeLinear', 0)} DQ, "
             f"want {nq} / {ndq}")
    if count.get("Relu"):
        fail("a Relu is left: ORT folds it into its producer's QDQ")
    for n in g.node:
        if n.op_type in ("Conv", "Gemm", "MatMul"):
            for k, i in enumerate(n.input):
                p = prod.get(i)
                if p is None or p.op_type != "DequantizeLinear":
                    fail(f"{n.op_type} {n.name}: input {k} not from DequantizeLinear")
                    continue
                q = inits.get(p.input[0])
                want = {0: None, 1: onnx.TensorProto.INT8, 2: onnx.TensorProto.INT32}[k]
                if k == 0 and (prod.get(p.input[0]) is None
                               or prod[p.input[0]].op_type != "QuantizeLinear"):
                    fail(f"{n.op_type} {n.name}: activation input not Q->DQ")
                if want and (q is None or q.data_type != want):
                    fail(f"{n.op_type} {n.name}: input {k} is not {want}")
            users = [u for u in g.node if n.output[0] in u.input]
            if len(users) != 1 or users[0].op_type != "QuantizeLinear":
                fail(f"{n.op_type} {n.name}: output not quantized")
        if n.op_type == "MaxPool":
            if prod[n.input[0]].op_type != "DequantizeLinear":
                fail("MaxPool input not from DequantizeLinear")
    for q in (n for n in g.node if n.op_type == "QuantizeLinear"):
        if inits[q.input[2]].data_type != onnx.TensorProto.UINT8:
            fail(f"{q.name}: activation zero point is not uint8")
    print(" ".join(f"{k}={v}" for k, v in sorted(count.items())))
    return bad


def main():
    cmd = sys.argv[1]
    if cmd == "augment":
        augment(sys.argv[2], sys.argv[3])
        return 0
    if cmd == "ranges":
        return 1 if ranges(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5],
                                 sys.argv[6:]) else 0
    if cmd == "placement":
        return 1 if placement(sys.argv[2], int(sys.argv[3]), int(sys.argv[4])) else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
