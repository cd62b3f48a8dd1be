#!/usr/bin/env python3
"""Trains a small CNN on scikit-learn's 8x8 digits (1,797 labelled images:
1,347 to train, 450 held back), exports it to ONNX with a dynamic batch,
and writes the held-back split for the tests.

usage: gen_digits.py OUTDIR
Writes OUTDIR/digits.onnx, OUTDIR/test.npz (array "input", [450,1,8,8]
float32), OUTDIR/labels.npy (int64 [450]) and OUTDIR/torch_accuracy.txt.
Deterministic: fixed seeds, one thread."""
import os
import sys
import warnings

import numpy as np
import torch
from sklearn.datasets import load_digits
from torch import nn

# the one training loop of the digits fixtures
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
from gen_digits_models import train as train_model  # noqa: E402

warnings.filterwarnings("ignore")
torch.manual_seed(0)
torch.set_num_threads(1)


class DigitNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 16, 3, padding=1)
        self.b1 = nn.BatchNorm2d(16)
        self.c2 = nn.Conv2d(16, 32, 3, padding=1)
        self.fc1 = nn.Linear(32 * 4 * 4, 64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = torch.relu(self.b1(self.c1(x)))
        x = nn.functional.max_pool2d(torch.relu(self.c2(x)), 2)
        return self.fc2(torch.relu(self.fc1(x.flatten(1))))


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    d = load_digits()
    x = (d.images / 16.0).astype(np.float32)[:, None]
    y = d.target.astype(np.int64)
    rng = np.random.RandomState(0)
    order = rng.permutation(len(x))
    train, test = order[:1347], order[1347:]
    model = DigitNet()
    train_model(model, x[train], y[train], 25)
    with torch.no_grad():
        pred = model(torch.from_numpy(x[test])).argmax(1).numpy()
    acc = float((pred == y[test]).mean())
    torch.onnx.export(model, torch.from_numpy(x[test][:1]), os.path.join(out, "digits.onnx"),
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}}, opset_version=13)
    np.savez(os.path.join(out, "test.npz"), input=x[test])
    np.save(os.path.join(out, "test_input.npy"), x[test])
    np.save(os.path.join(out, "labels.npy"), y[test])
    with open(os.path.join(out, "torch_accuracy.txt"), "w") as f:
        f.write(f"{acc:.4f} {int((pred == y[test]).sum())}/{len(test)}\n")


if __name__ == "__main__":
    main()
