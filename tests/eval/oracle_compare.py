#!/usr/bin/env python3
"""Compares graphsmith's outputs (.npz keyed by output name, in output order)
with onnxruntime's (DIR/<index>.npy): |a - e| <= atol + rtol*|e|, dtype and
shape equal.  usage: oracle_compare.py OURS.npz ORTDIR [rtol atol]
Prints one line; exit 0 when all agree, 1 otherwise."""
import sys

import numpy as np

ours = np.load(sys.argv[1])
rtol = float(sys.argv[3]) if len(sys.argv) > 3 else 1e-4
atol = float(sys.argv[4]) if len(sys.argv) > 4 else 1e-5
bad = []
names = list(ours.files)
for i, name in enumerate(names):
    a = ours[name]
    e = np.load(f"{sys.argv[2]}/{i}.npy")
    if a.dtype != e.dtype or a.shape != e.shape:
        bad.append(f"{name}: {a.dtype}{a.shape} vs onnxruntime {e.dtype}{e.shape}")
        continue
    if not np.allclose(a, e, rtol=rtol, atol=atol, equal_nan=True):
        d = np.abs(a.astype(np.float64) - e.astype(np.float64))
        bad.append(f"{name}: max abs diff {d.max():.3g}")
print("; ".join(bad) if bad else f"{len(names)} outputs agree (rtol {rtol}, atol {atol})")
sys.exit(1 if bad else 0)
