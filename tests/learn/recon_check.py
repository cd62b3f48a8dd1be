#!/usr/bin/env python3
"""numpy oracles for the data-driven steps on gen_recon_small.py's model.

  recon_check.py wanda SMALL.onnx DATA.npz PRUNED.onnx SPARSITY
      the cut weights are exactly Wanda's: per output row the
      floor(K*S) lowest |W|*||X_k|| (Conv features: im2col columns)
  recon_check.py lstsq SMALL.onnx DATA.npz PRUNED.onnx RECON.onnx
      each layer of RECON equals numpy's lstsq over the kept weights and a
      bias column, inputs from RECON's earlier layers, targets from SMALL
Prints one line per layer; exits 1 on a mismatch."""
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def weights(path):
    m = onnx.load(path)
    return {t.name: numpy_helper.to_array(t).astype(np.float64) for t in m.graph.initializer}


def im2col(x):  # [N,C,5,5], 3x3, pad 1 -> [N*25, C*9]
    n, c, h, w = x.shape
    p = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    cols = np.empty((n, h, w, c, 3, 3))
    for ky in range(3):
        for kx in range(3):
            cols[:, :, :, :, ky, kx] = p[:, :, ky:ky + h, kx:kx + w].transpose(0, 2, 3, 1)
    return cols.reshape(n * h * w, c * 9)


def layers(W, x):
    """[(name, features X [rows,K], weight as [M,K], bias, output [rows,M])] in order."""
    out = []
    n = x.shape[0]
    X1 = im2col(x)
    W1 = W["w1"].reshape(4, -1)
    y1 = X1 @ W1.T + W["b1"]
    out.append(("w1", X1, W1, W["b1"], y1))
    r1 = np.maximum(y1, 0).reshape(n, 5, 5, 4).transpose(0, 3, 1, 2).reshape(n, 100)
    W2 = W["w2"].T
    y2 = r1 @ W["w2"] + W["b2"]
    out.append(("w2", r1, W2, W["b2"], y2))
    r2 = np.maximum(y2, 0)
    y3 = r2 @ W["w3"].T + W["b3"]
    out.append(("w3", r2, W["w3"], W["b3"], y3))
    return out


def wanda(small, data, pruned, s):
    x = np.load(data)["x"].astype(np.float64)
    A, B = weights(small), weights(pruned)
    bad = 0
    for name, X, Wm, _, _ in layers(A, x):
        norms = np.sqrt((X ** 2).sum(0))
        Bm = {"w1": B["w1"].reshape(4, -1), "w2": B["w2"].T, "w3": B["w3"]}[name]
        K = Wm.shape[1]
        cut = int(np.floor(K * s))
        want = np.zeros_like(Wm, dtype=bool)
        for m in range(Wm.shape[0]):
            score = np.abs(Wm[m]) * norms
            want[m, np.argsort(score, kind="stable")[:cut]] = True
        got = Bm == 0
        diff = int((want != got).sum())
        print(f"{name}: {int(got.sum())} cut, {diff} differ from numpy's Wanda")
        bad += diff
    return bad == 0


def lstsq(small, data, pruned, recon):
    x = np.load(data)["x"].astype(np.float64)
    A, P, R = weights(small), weights(pruned), weights(recon)
    targets = layers(A, x)
    # inputs from RECON's own earlier layers
    rl = layers(R, x)
    ok = True
    for (name, _, _, _, Y), (_, X, Wr, br, _) in zip(targets, rl):
        Pm = {"w1": P["w1"].reshape(4, -1), "w2": P["w2"].T, "w3": P["w3"]}[name]
        worst = worst_res = 0.0
        for m in range(Pm.shape[0]):
            # features the data never reaches are left as they were (any
            # value fits them equally): compare the others
            live = np.abs(X).sum(0) > 0
            keep = np.nonzero((Pm[m] != 0) & live)[0]
            Xs = np.hstack([X[:, keep], np.ones((X.shape[0], 1))])
            sol = np.linalg.lstsq(Xs, Y[:, m], rcond=None)[0]
            got = np.append(Wr[m, keep], br[m])
            res_np = np.linalg.norm(Xs @ sol - Y[:, m])
            res = np.linalg.norm(Xs @ got - Y[:, m])
            worst_res = max(worst_res, (res - res_np) / (res_np + 1e-12))
            if np.linalg.cond(Xs) < 1e8:
                # a unique solution: the coefficients themselves
                worst = max(worst, float(np.max(np.abs(sol - got)) / (np.max(np.abs(sol)) + 1e-12)))
            if np.any(Wr[m, Pm[m] == 0] != 0):
                print(f"{name}: row {m} pruned weight came back")
                ok = False
        print(f"{name}: largest relative difference from lstsq {worst:.2e} (unique rows), "
              f"residual {worst_res:.2e} above lstsq's")
        ok &= worst < 2e-3 and worst_res < 1e-6
    return ok


if __name__ == "__main__":
    if sys.argv[1] == "wanda":
        sys.exit(0 if wanda(sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5])) else 1)
    sys.exit(0 if lstsq(*sys.argv[2:6]) else 1)
