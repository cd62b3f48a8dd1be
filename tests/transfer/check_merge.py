#!/usr/bin/python3
"""Recompute a merge with numpy and compare it byte for byte.

usage: check_merge.py [--report FILE] [--alpha A | --weights W,...] [--t T]
                      [--base BASE] [--lambda L] [--density D] [--drop P]
                      [--seed S] [--skip NAME,...] METHOD OUT.onnx MODEL1 MODEL2...

Parameters are paired without graphsmith's matcher: the k-th node of an op
type, input slot s, in every model (a Gemm whose transB differs is read
transposed), so renamed and reordered copies pair as they should.  Every
float initializer of MODEL1 read by a Conv/Gemm/MatMul weight or bias slot
must equal in OUT the formula of TRANSFER.md §1 computed in float64 and
rounded once to float32 (slerp: with the coefficients graphsmith reports,
which must match numpy's to 1e-9).  Prints one line per tensor; exit 1 on
any difference.
"""
import argparse
import sys

import numpy as np
import onnx
from onnx import numpy_helper

GAMMA = 0x9E3779B97F4A7C15
M64 = (1 << 64) - 1


def params(path):
    """{(op, k, slot): (name, float32 array as MODEL1 layout, transB)}"""
    m = onnx.load(path)
    inits = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    seen, out = {}, {}
    for n in m.graph.node:
        k = seen.get(n.op_type, 0)
        seen[n.op_type] = k + 1
        if n.op_type not in ("Conv", "Gemm", "MatMul"):
            continue
        tb = 0
        for a in n.attribute:
            if a.name == "transB":
                tb = a.i
        for s, name in enumerate(n.input):
            if s > 0 and name in inits and inits[name].dtype == np.float32:
                out[(n.op_type, k, s)] = (name, inits[name], tb)
    return out


def fnv1a(name):
    h = 0xcbf29ce484222325
    for b in name.encode():
        h ^= b
        h = (h * 0x100000001b3) & M64
    return h


def dare_keep(seed, model, name, n, drop):
    stream = seed ^ fnv1a(name) ^ ((model * GAMMA) & M64)
    j = np.arange(1, n + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = np.uint64(stream) + j * np.uint64(GAMMA)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    u = (z >> np.uint64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)
    return u >= drop


def slerp_coef(x0, x1, t):
    n0, n1 = np.sqrt(np.dot(x0, x0)), np.sqrt(np.dot(x1, x1))
    d = np.dot(x0, x1) / (n0 if n0 > 1e-8 else 1) / (n1 if n1 > 1e-8 else 1)
    if abs(d) > 0.9995:
        return 1 - t, t
    th = np.arccos(d)
    return np.sin(th - th * t) / np.sin(th), np.sin(th * t) / np.sin(th)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--report")
    ap.add_argument("--alpha", type=float)
    ap.add_argument("--weights")
    ap.add_argument("--t", type=float, default=0.5)
    ap.add_argument("--base")
    ap.add_argument("--lambda", dest="lam", type=float, default=1.0)
    ap.add_argument("--density", type=float, default=0.2)
    ap.add_argument("--drop", type=float, default=0.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--skip", default="")
    ap.add_argument("method")
    ap.add_argument("out")
    ap.add_argument("models", nargs="+")
    a = ap.parse_args()
    res = params(a.out)
    ms = [params(p) for p in a.models]
    base = params(a.base) if a.base else None
    coef = {}
    if a.report:
        for line in open(a.report):
            f = line.split()
            if "c0" in f:
                coef[f[0]] = (float(f[f.index("c0") + 1]), float(f[f.index("c1") + 1]))
    skip = set(x for x in a.skip.split(",") if x)
    bad = checked = 0
    for key, (name, x0, tb0) in sorted(ms[0].items()):
        def get(mp):
            _, arr, tb = mp[key]
            return (arr.T if tb != tb0 else arr).astype(np.float64).ravel()
        xs = [get(mp) for mp in ms]
        got = res[key][1]
        if name in skip:
            ok = got.tobytes() == x0.tobytes()
            print("%s %s kept" % ("ok" if ok else "DIFF", name))
            bad += not ok
            continue
        b = get(base) if base else None
        if a.method == "linear":
            w = ([a.alpha, 1 - a.alpha] if a.alpha is not None else
                 [float(v) for v in a.weights.split(",")] if a.weights else [1.0] * len(xs))
            w = np.array(w, dtype=np.float64)
            if a.alpha is None:
                w = w / w.sum()
            acc = np.zeros_like(xs[0])
            for wi, x in zip(w, xs):
                acc += wi * x
            exp = acc
        elif a.method == "slerp":
            c0, c1 = slerp_coef(xs[0], xs[1], a.t)
            r0, r1 = coef[name]
            if abs(r0 - c0) > 1e-9 * max(1, abs(c0)) or abs(r1 - c1) > 1e-9 * max(1, abs(c1)):
                print("DIFF %s coefficients %r %r vs numpy %r %r" % (name, r0, r1, c0, c1))
                bad += 1
            exp = r0 * xs[0] + r1 * xs[1]
        elif a.method == "task":
            acc = np.zeros_like(b)
            for x in xs:
                acc += x - b
            exp = b + a.lam * acc
        elif a.method == "ties":
            n = b.size
            k = min(max(int(np.floor(a.density * n)), 1), n)
            ds = []
            for x in xs:
                d = x - b
                thr = np.partition(np.abs(d), n - k)[n - k]
                ds.append(np.where(np.abs(d) >= thr, d, 0.0))
            s = np.zeros_like(b)
            for d in ds:
                s += d
            acc, cnt = np.zeros_like(b), np.zeros_like(b)
            for d in ds:
                agree = (d != 0) & ((d > 0) == (s > 0)) & (s != 0)
                acc += np.where(agree, d, 0.0)
                cnt += agree
            exp = b + a.lam * np.where(cnt > 0, acc / np.maximum(cnt, 1), 0.0)
        elif a.method == "dare":
            acc = np.zeros_like(b)
            for i, x in enumerate(xs):
                keep = dare_keep(a.seed, i + 1, name, b.size, a.drop)
                acc += np.where(keep, (x - b) / (1 - a.drop), 0.0)
            exp = b + a.lam * acc
        exp = exp.astype(np.float32).reshape(x0.shape)
        ok = exp.tobytes() == got.tobytes()
        checked += 1
        if not ok:
            bad += 1
            print("DIFF %s max abs %g" % (name, np.abs(exp - got).max()))
        else:
            print("ok %s %s bytes equal" % (name, x0.shape))
    print("%d tensors checked, %d differ" % (checked, bad))
    sys.exit(1 if bad or not checked else 0)


if __name__ == "__main__":
    main()
