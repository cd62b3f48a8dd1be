#!/usr/bin/env python3
"""Models for bench/eval.sh, exported by PyTorch with random weights:
resnet.onnx (ResNet-18 layout, 1x3x224x224, BN folded by the exporter) and
encoder.onnx (4 pre-norm transformer blocks, d=256, 8 heads, seq 128,
batch 1), each with its input as NAME.input.npy.
usage: make_eval_models.py OUTDIR"""
import os
import sys
import warnings

import numpy as np
import torch
from torch import nn

warnings.filterwarnings("ignore")
torch.manual_seed(0)


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.b1 = nn.BatchNorm2d(cout)
        self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.b2 = nn.BatchNorm2d(cout)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = torch.relu(self.b1(self.c1(x)))
        y = self.b2(self.c2(y))
        return torch.relu(y + (self.down(x) if self.down is not None else x))


class ResNet18(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
                                  nn.MaxPool2d(3, 2, 1))
        layers, cin = [], 64
        for cout, stride in [(64, 1), (128, 2), (256, 2), (512, 2)]:
            layers += [Block(cin, cout, stride), Block(cout, cout, 1)]
            cin = cout
        self.layers = nn.Sequential(*layers)
        self.fc = nn.Linear(512, 1000)

    def forward(self, x):
        x = self.layers(self.stem(x))
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))


class EncoderBlock(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.d, self.h = d, heads
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.qkv, self.proj = nn.Linear(d, 3 * d), nn.Linear(d, d)
        self.ff1, self.ff2 = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)

    def forward(self, x):
        b, t, _ = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(self.d, dim=-1)
        def heads(z):
            return z.reshape(b, t, self.h, self.d // self.h).transpose(1, 2)
        q, k, v = heads(q), heads(k), heads(v)
        att = torch.softmax(q @ k.transpose(-1, -2) / (self.d // self.h) ** 0.5, dim=-1)
        x = x + self.proj((att @ v).transpose(1, 2).reshape(b, t, self.d))
        return x + self.ff2(nn.functional.gelu(self.ff1(self.ln2(x))))


class Encoder(nn.Module):
    def __init__(self, d=256, heads=8, n=4):
        super().__init__()
        self.blocks = nn.Sequential(*[EncoderBlock(d, heads) for _ in range(n)])
        self.ln = nn.LayerNorm(d)

    def forward(self, x):
        return self.ln(self.blocks(x))


def export(model, shape, path, opset):
    x = np.random.RandomState(0).uniform(-1, 1, size=shape).astype(np.float32)
    np.save(path.replace(".onnx", ".input.npy"), x)
    with torch.no_grad():
        torch.onnx.export(model.eval(), torch.from_numpy(x), path, input_names=["input"],
                          output_names=["output"], opset_version=opset)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    export(ResNet18(), (1, 3, 224, 224), os.path.join(out, "resnet.onnx"), 13)
    export(Encoder(), (1, 128, 256), os.path.join(out, "encoder.onnx"), 17)


if __name__ == "__main__":
    main()
