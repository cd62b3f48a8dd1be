#!/usr/bin/env python3
"""Models and weights files for the merge and transplant tests, on
scikit-learn's 8x8 digits.

usage: gen_transfer_models.py OUTDIR
Writes into OUTDIR:
  base.onnx              MLP 64-32-10 trained from a seed (the common start)
  ft1.onnx ft2.onnx ft3.onnx   base fine-tuned three times (seeds 1, 2, 3)
  ft2_renamed.onnx       ft2 with every initializer, node and value renamed,
                         initializers in reverse order, the first Gemm
                         stored with transB=0 and its weight transposed
  rename.json            {"names": {ft2 name: new name}, "transposed": [new names]}
  other.onnx             an MLP trained from another seed (no common start)
  wide.onnx              MLP 64-48-10 (shapes differ from base)
  cnnbn_base.onnx        Conv+BatchNormalization CNN trained from a seed
  cnnbn1.onnx            its fine-tune 1, BatchNormalization kept
  cnnbn2_folded.onnx     its fine-tune 2 exported folded (plain Conv)
  ft1.safetensors        ft1's state_dict under other names ("net.k.*"),
                         written by hand (struct + json), F32
  ft1_t.npz              ft1's parameters named p0..p3 in order, Linear
                         weights transposed ([in, out])
  hostile_*.safetensors  files a reader must refuse
  x.npz                  "input" [64, 64] float32 test images; x_cnn.npz [64,1,8,8]
Deterministic: fixed seeds, one thread.  Opset 13."""
import json
import os
import struct
import sys
import warnings

import numpy as np
import onnx
import onnx.numpy_helper
import torch
from sklearn.datasets import load_digits
from torch import nn

warnings.filterwarnings("ignore")
torch.set_num_threads(1)


def mlp(hidden):
    return nn.Sequential(nn.Linear(64, hidden), nn.ReLU(), nn.Linear(hidden, 10))


class CNNBN(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.fc = nn.Linear(8 * 4 * 4, 10)

    def forward(self, x):
        x = torch.relu(self.bn1(self.c1(x)))
        x = nn.functional.max_pool2d(x, 2)
        return self.fc(torch.flatten(x, 1))


def train(model, x, y, epochs, seed, lr=0.05):
    g = torch.Generator().manual_seed(seed)
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    model.train()
    for _ in range(epochs):
        perm = torch.randperm(len(xt), generator=g)
        for i in range(0, len(xt), 64):
            idx = perm[i:i + 64]
            opt.zero_grad()
            nn.functional.cross_entropy(model(xt[idx]), yt[idx]).backward()
            opt.step()
    model.eval()
    return model


def export(model, example, path, preserve=False):
    kw = {}
    if preserve:
        kw = dict(training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False)
    torch.onnx.export(model, torch.from_numpy(example[:1]), path, input_names=["input"],
                      output_names=["logits"], dynamic_axes={"input": {0: "N"},
                                                             "logits": {0: "N"}},
                      opset_version=13, **kw)


def rename_copy(src, dst, rename_path):
    m = onnx.load(src)
    g = m.graph
    names = {}
    keep = {i.name for i in g.input} | {o.name for o in g.output}

    def nn_(n):
        if n == "" or n in keep:
            return n
        if n not in names:
            names[n] = "t%03d_%s" % (len(names), "x" * (len(names) % 3))
        return names[n]
    for init in g.initializer:
        init.name = nn_(init.name)
    for i, node in enumerate(g.node):
        node.name = "node_%d_renamed" % (len(g.node) - i)
        node.input[:] = [nn_(x) for x in node.input]
        node.output[:] = [nn_(x) for x in node.output]
    for vi in g.value_info:
        vi.name = nn_(vi.name)
    # the first Gemm stored the other way round
    transposed = []
    for node in g.node:
        if node.op_type == "Gemm":
            for a in node.attribute:
                if a.name == "transB" and a.i == 1:
                    a.i = 0
                    w = [t for t in g.initializer if t.name == node.input[1]][0]
                    arr = onnx.numpy_helper.to_array(w).T.copy()
                    w.CopyFrom(onnx.numpy_helper.from_array(arr, w.name))
                    transposed.append(w.name)
            break
    inits = list(g.initializer)[::-1]
    del g.initializer[:]
    g.initializer.extend(inits)
    onnx.checker.check_model(m)
    onnx.save(m, dst)
    with open(rename_path, "w") as f:
        json.dump({"names": names, "transposed": transposed}, f, indent=1)


def write_safetensors(path, tensors, header_extra=None):
    header, blobs, off = {}, [], 0
    for name, arr in tensors:
        b = np.ascontiguousarray(arr, dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(arr.shape),
                        "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    header["__metadata__"] = {"format": "pt"}
    if header_extra:
        header.update(header_extra)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def hostile(out):
    def raw(name, header_bytes, body=b"", hlen=None):
        with open(os.path.join(out, "hostile_%s.safetensors" % name), "wb") as f:
            f.write(struct.pack("<Q", len(header_bytes) if hlen is None else hlen))
            f.write(header_bytes + body)
    t = {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}
    raw("bigheader", b"{}", hlen=200 << 20)
    raw("truncated", b'{"a":', hlen=64)
    raw("notjson", b"not json at all!")
    raw("range", json.dumps({"a": dict(t, data_offsets=[0, 800])}).encode(), b"\0" * 8)
    raw("overlap", json.dumps({"a": t, "b": dict(t, data_offsets=[4, 12])}).encode(),
        b"\0" * 12)
    raw("dtype", json.dumps({"a": dict(t, dtype="Q7")}).encode(), b"\0" * 8)
    raw("size", json.dumps({"a": dict(t, shape=[3])}).encode(), b"\0" * 8)
    raw("dup", b'{"a":' + json.dumps(t).encode() + b',"a":' + json.dumps(t).encode() + b"}",
        b"\0" * 8)


def main():
    out = sys.argv[1]
    d = load_digits()
    x = (d.images / 16.0).astype(np.float32)
    y = d.target.astype(np.int64)
    flat = x.reshape(len(x), 64)
    tr = np.arange(len(x)) % 4 != 0
    np.savez(os.path.join(out, "x.npz"), input=flat[~tr][:64])
    np.savez(os.path.join(out, "x_cnn.npz"), input=x[~tr][:64].reshape(64, 1, 8, 8))

    torch.manual_seed(0)
    base = train(mlp(32), flat[tr], y[tr], 3, 0)
    export(base, flat, os.path.join(out, "base.onnx"))
    fts = []
    for s in (1, 2, 3):
        ft = mlp(32)
        ft.load_state_dict(base.state_dict())
        torch.manual_seed(s)
        # each fine-tune sees a different half of the training images
        sel = np.random.RandomState(s).rand(int(tr.sum())) < 0.5
        train(ft, flat[tr][sel], y[tr][sel], 2, s, lr=0.02)
        export(ft, flat, os.path.join(out, "ft%d.onnx" % s))
        fts.append(ft)
    rename_copy(os.path.join(out, "ft2.onnx"), os.path.join(out, "ft2_renamed.onnx"),
                os.path.join(out, "rename.json"))
    torch.manual_seed(7)
    export(train(mlp(32), flat[tr], y[tr], 3, 7), flat, os.path.join(out, "other.onnx"))
    torch.manual_seed(8)
    export(train(mlp(48), flat[tr], y[tr], 1, 8), flat, os.path.join(out, "wide.onnx"))

    cx = x.reshape(len(x), 1, 8, 8)
    torch.manual_seed(0)
    cb = train(CNNBN(), cx[tr], y[tr], 2, 0)
    export(cb, cx, os.path.join(out, "cnnbn_base.onnx"), preserve=True)
    for s in (1, 2):
        ft = CNNBN()
        ft.load_state_dict(cb.state_dict())
        torch.manual_seed(s)
        sel = np.random.RandomState(s).rand(int(tr.sum())) < 0.5
        train(ft, cx[tr][sel], y[tr][sel], 1, s, lr=0.02)
        if s == 1:
            export(ft, cx, os.path.join(out, "cnnbn1.onnx"), preserve=True)
        else:
            export(ft, cx, os.path.join(out, "cnnbn2_folded.onnx"))

    sd = [(k, v.detach().numpy()) for k, v in fts[0].state_dict().items()]
    write_safetensors(os.path.join(out, "ft1.safetensors"),
                      [("net.k%d.%s" % (i, k.split(".")[-1]), v) for i, (k, v) in enumerate(sd)])
    np.savez(os.path.join(out, "ft1_t.npz"),
             **{"p%d" % i: np.ascontiguousarray(v.T if v.ndim == 2 else v) for i, (k, v) in enumerate(sd)})
    hostile(out)


if __name__ == "__main__":
    main()
