#!/usr/bin/env python3
"""Checks the figures of a step line ("out cos C, S dB, max abs M; acc A%
(D pts)") against numpy on onnxruntime's outputs of the model before and
after the step.  usage: check_step.py BEFORE.npy AFTER.npy LABELS.npy LINE
Prints what it compared; exit 0 when every figure agrees to its printed
precision, 1 otherwise."""
import re
import sys

import numpy as np

# --fp16: the model computes in float16 throughout; our evaluator rounds
# every op's output to float16 as the model's types say, onnxruntime's CPU
# kernels run chains of ops in float32 between the casts it inserts.  The
# two are both faithful within float16's precision, so only the cosine
# (to 1e-3) and the accuracy are held equal, not SQNR and max abs.
fp16 = "--fp16" in sys.argv
if fp16:
    sys.argv.remove("--fp16")
a = np.load(sys.argv[1]).astype(np.float64).ravel()
b = np.load(sys.argv[2]).astype(np.float64).ravel()
labels = np.load(sys.argv[3])
line = sys.argv[4]
m = re.search(r"out cos (-?[0-9.]+), (-?[0-9.]+|exact)( dB)?, max abs ([0-9.e+-]+)"
              r"(; acc ([0-9.]+)% \(([+-][0-9.]+) pts\))?", line)
if not m:
    print("no output error in: " + line)
    sys.exit(1)
cos = (a @ b) / np.sqrt((a @ a) * (b @ b))
sqnr = 10 * np.log10((a @ a) / ((a - b) @ (a - b)))
maxabs = np.abs(a - b).max()
rows = len(labels)
acc_a = (np.load(sys.argv[1]).reshape(rows, -1).argmax(1) == labels).mean()
acc_b = (np.load(sys.argv[2]).reshape(rows, -1).argmax(1) == labels).mean()
checks = [("cosine", float(m.group(1)), cos, 1e-3 if fp16 else 6e-5)]
if not fp16:
    checks += [
        ("SQNR dB", float(m.group(2)), sqnr, 0.06),
        ("max abs", float(m.group(4)), maxabs, 6e-3 * maxabs),
    ]
if m.group(5):
    checks.append(("accuracy %", float(m.group(6)), 100 * acc_b, 0.051))
    checks.append(("accuracy change", float(m.group(7)), 100 * (acc_b - acc_a), 0.11))
bad = 0
for name, shown, truth, tol in checks:
    ok = abs(shown - truth) <= tol
    bad += not ok
    print(f"{'ok' if ok else 'MISMATCH'} {name}: shown {shown}, numpy on onnxruntime {truth:.6g}")
sys.exit(1 if bad else 0)
