#!/usr/bin/env python3
"""Exports small PyTorch models to ONNX at several opsets, with inputs, for
the evaluator's oracle test (tests/eval/oracle.sh).

usage: gen_torch_models.py OUTDIR
Writes OUTDIR/<name>.onnx and OUTDIR/<name>.<input>.npy, and a manifest
OUTDIR/manifest.txt with one line per model: name input-name...
Weights are random (seeded); the oracle is onnxruntime on the same file.
"""
import os
import sys

import warnings

import numpy as np
import torch
from torch import nn

warnings.filterwarnings("ignore")
torch.manual_seed(0)
np.random.seed(0)


class Cnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 8, 3, padding=1)
        self.b1 = nn.BatchNorm2d(8)
        self.c2 = nn.Conv2d(8, 16, 3, stride=2, padding=1)
        self.dw = nn.Conv2d(16, 16, 3, padding=1, groups=16)
        self.pw = nn.Conv2d(16, 24, 1)
        self.fc = nn.Linear(24, 10)

    def forward(self, x):
        x = torch.relu(self.b1(self.c1(x)))
        x = nn.functional.max_pool2d(x, 2, ceil_mode=True)
        x = nn.functional.hardswish(self.c2(x))
        x = torch.clamp(self.pw(self.dw(x)), -1.5, 2.0)
        x = nn.functional.avg_pool2d(x, 3, stride=1, padding=1, count_include_pad=False)
        x = nn.functional.adaptive_avg_pool2d(x, 1).flatten(1)
        return torch.softmax(self.fc(x), dim=1)


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = nn.Linear(20, 64)
        self.ln = nn.LayerNorm(64)
        self.l2 = nn.Linear(64, 5)

    def forward(self, x):
        h = nn.functional.gelu(self.ln(self.l1(x)))
        return torch.log_softmax(self.l2(torch.sigmoid(h) * torch.tanh(h) + h.mean(-1, keepdim=True)), -1)


class Encoder(nn.Module):
    """One pre-norm transformer block written out (PyTorch's fused encoder
    layer does not export): embedding, multi-head attention, GELU MLP."""
    def __init__(self, d=32, heads=4):
        super().__init__()
        self.d, self.h = d, heads
        self.emb = nn.Embedding(50, d)
        self.pos = nn.Parameter(torch.randn(1, 16, d) * 0.1)
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.ff1, self.ff2 = nn.Linear(d, 64), nn.Linear(64, d)
        self.out = nn.Linear(d, 7)

    def forward(self, ids):
        b, t = ids.shape
        x = self.emb(ids) + self.pos[:, :t]
        q, k, v = self.qkv(self.ln1(x)).split(self.d, dim=-1)
        def heads(z):
            return z.reshape(b, t, self.h, self.d // self.h).transpose(1, 2)
        q, k, v = heads(q), heads(k), heads(v)
        att = torch.softmax(q @ k.transpose(-1, -2) / (self.d // self.h) ** 0.5, dim=-1)
        y = (att @ v).transpose(1, 2).reshape(b, t, self.d)
        x = x + self.proj(y)
        x = x + self.ff2(nn.functional.gelu(self.ff1(self.ln2(x))))
        return self.out(x)


class Recurrent(nn.Module):
    def __init__(self, kind):
        super().__init__()
        cls = nn.LSTM if kind == "lstm" else nn.GRU
        self.rnn = cls(6, 12, num_layers=1, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(24, 3)

    def forward(self, x):
        y, _ = self.rnn(x)
        return self.fc(y[:, -1])


class Decoder(nn.Module):
    """ConvTranspose, interpolate (Resize), concat, pad, transpose/reshape."""
    def __init__(self):
        super().__init__()
        self.up = nn.ConvTranspose2d(4, 4, 3, stride=2, padding=1, output_padding=1)
        self.c = nn.Conv2d(8, 4, 3, padding=1)
        self.inorm = nn.InstanceNorm2d(4, affine=True)

    def forward(self, x):
        a = self.up(x)
        b = nn.functional.interpolate(x, scale_factor=2, mode="nearest")
        y = torch.cat([a, b], 1)
        y = nn.functional.pad(y, (1, 1, 1, 1), mode="reflect")
        y = self.inorm(self.c(y))
        y = nn.functional.interpolate(y, size=(10, 10), mode="bilinear", align_corners=False)
        n, c, h, w = y.shape
        return y.reshape(n, c, h * w).transpose(1, 2).contiguous()


MODELS = [
    ("cnn_op9", Cnn, {"x": (2, 3, 16, 16)}, 9),
    ("cnn_op13", Cnn, {"x": (2, 3, 16, 16)}, 13),
    ("mlp_op11", Mlp, {"x": (4, 20)}, 11),
    ("mlp_op17", Mlp, {"x": (4, 20)}, 17),
    ("encoder_op14", Encoder, {"ids": (2, 9)}, 14),
    ("encoder_op17", Encoder, {"ids": (2, 9)}, 17),
    ("lstm_op12", lambda: Recurrent("lstm"), {"x": (2, 5, 6)}, 12),
    ("gru_op14", lambda: Recurrent("gru"), {"x": (2, 5, 6)}, 14),
    ("decoder_op11", Decoder, {"x": (1, 4, 5, 5)}, 11),
    ("decoder_op13", Decoder, {"x": (1, 4, 5, 5)}, 13),
]


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    lines = []
    for name, make, shapes, opset in MODELS:
        model = make().eval()
        args = []
        for iname, shape in shapes.items():
            if iname == "ids":
                arr = np.random.randint(0, 50, size=shape).astype(np.int64)
            else:
                arr = np.random.uniform(-1, 1, size=shape).astype(np.float32)
            np.save(os.path.join(out, f"{name}.{iname}.npy"), arr)
            args.append(torch.from_numpy(arr))
        with torch.no_grad():
            torch.onnx.export(model, tuple(args), os.path.join(out, name + ".onnx"),
                              input_names=list(shapes), output_names=["y"],
                              opset_version=opset, do_constant_folding=False)
        lines.append(name + " " + " ".join(shapes))
    with open(os.path.join(out, "manifest.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
