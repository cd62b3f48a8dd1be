#!/usr/bin/env python3
"""The reference run of bench/distill.sh: the same distillation as
`graphsmith distill` in PyTorch (student MLP 64-32-10 from its ONNX
initial weights, teacher outputs precomputed like ours, KL at T scaled by
T^2 mixed with cross-entropy by alpha, Adam, batches of 64), one thread.
usage: distill_torch.py STEPS TEACHER_LOGITS.npy TRAIN.npz LABELS.npy"""
import sys

import numpy as np
import torch
from torch import nn

torch.set_num_threads(1)
steps = int(sys.argv[1])
t_logits = torch.from_numpy(np.load(sys.argv[2]))
x = torch.from_numpy(np.load(sys.argv[3])["input"])
y = torch.from_numpy(np.load(sys.argv[4]))
student = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
opt = torch.optim.Adam(student.parameters(), lr=0.01)
T, alpha, g = 4.0, 0.5, torch.Generator().manual_seed(1)
for s in range(steps):
    idx = torch.randint(0, len(x), (64,), generator=g)
    out = student(x[idx])
    kl = nn.functional.kl_div(nn.functional.log_softmax(out / T, 1),
                              nn.functional.softmax(t_logits[idx] / T, 1), reduction="batchmean")
    loss = alpha * kl * T * T + (1 - alpha) * nn.functional.cross_entropy(out, y[idx])
    opt.zero_grad()
    loss.backward()
    opt.step()
