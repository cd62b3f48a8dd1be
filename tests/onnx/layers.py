#!/usr/bin/env python3
"""The folders of src/ in layer order (doc/design.md): a file may include
the public headers of its own layer and the layers below, never above.
Prints each upward include not in the list of known exceptions below, and
each exception that no longer occurs (so the list only shrinks)."""
import os
import re
import sys

ORDER = ["util", "ir", "onnx", "ops", "eval", "match", "passes", "learn", "transfer",
         "history", "cmd"]
# the op registry's kernels and the evaluator are one layer: kernels take
# evaluator tensors, plans take kernels from the registry
RANK = {l: i for i, l in enumerate(ORDER)}
RANK["ops"] = RANK["eval"]
HEADER_LAYER = {
    "alloc": "util",
    "error": "util", "util": "util", "numeric": "util", "json": "util", "progress": "util",
    "opdoc": "util", "ir": "ir", "onnx": "onnx", "tensorio": "onnx", "ops": "ops",
    "eval": "eval", "samples": "eval", "compare": "eval", "params": "eval",
    "match": "match", "metrics": "match", "pass": "passes", "prune": "passes",
    "quantize": "passes", "fuse": "passes", "convert": "passes", "calib": "passes",
    "grad": "learn", "distill": "learn", "recon": "learn", "transfer": "transfer",
    "combine": "transfer", "history": "history", "cmd": "cmd", "info": "cmd", "cli": "cmd",
}
# Known upward includes, each with its reason; remove a line when fixed.
EXCEPTIONS = {
    ("util", "ops"): "opdoc.c reads the registry's teaching notes",
    ("onnx", "eval"): "npy/npz and tensor files are read into evaluator tensors",
    ("match", "passes"): "the matcher's fusion view shares fuse-affine's chain rules",
    ("match", "transfer"): "the io verdict names the adapter that would fit",
    ("passes", "learn"): "prune importance and --data steps use gradients and taps",
    ("passes", "history"): "convert journals through the history's grouping",
}
# Passes, learning and the history work on the IR: they read weights and
# measure saved sizes through its file hooks (gs_model_fetch and
# gs_file_ops in ir.h), never through the file layer, though it sits below
# them.  Exceptions name the file and the reason; none remain.
NO_FILE_LAYER = {"passes", "learn", "history"}
FILE_LAYER_HEADERS = {"onnx", "tensorio"}
FILE_LAYER_EXCEPTIONS = {
    # ("src/passes/example.c", "onnx"): "why it must",
}


def main(top):
    seen, bad = set(), []
    for layer in ORDER:
        d = os.path.join(top, "src", layer)
        for f in sorted(os.listdir(d)):
            if not f.endswith((".c", ".h")):
                continue
            for h in re.findall(r'#include "graphsmith/(\w+)\.h"', open(os.path.join(d, f)).read()):
                hl = HEADER_LAYER.get(h)
                if hl is None:
                    bad.append("src/%s/%s: header %s.h has no layer in tests/onnx/layers.py"
                               % (layer, f, h))
                elif layer in NO_FILE_LAYER and h in FILE_LAYER_HEADERS:
                    key = ("src/%s/%s" % (layer, f), h)
                    if key in FILE_LAYER_EXCEPTIONS:
                        seen.add(key)
                    else:
                        bad.append("src/%s/%s includes %s.h: %s use the IR's file hooks "
                                   "(gs_model_fetch), not the file layer" % (layer, f, h, layer))
                elif RANK[hl] > RANK[layer]:
                    if (layer, hl) in EXCEPTIONS:
                        seen.add((layer, hl))
                    else:
                        bad.append("src/%s/%s includes %s.h of the %s layer, above it"
                                   % (layer, f, h, hl))
    for k in list(EXCEPTIONS) + list(FILE_LAYER_EXCEPTIONS):
        if k not in seen:
            bad.append("exception %s -> %s no longer occurs: remove it" % k)
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
