#!/usr/bin/python3
"""Write a pair of synthetic transformer-like graphs for diff/matcher benchmarks.

Usage: /usr/bin/python3 bench/make_transformer.py NODES OUTDIR [--check|--no-check] [--edits K]

OUTDIR/a.onnx     ~NODES nodes: round(NODES/41) pre-norm transformer blocks on
                  a [seq=4, hidden=8] activation, opset 17, PyTorch-export
                  style names (/blocks.3/attn/q_proj/MatMul ...).  Each block:
                  LayerNormalization op; Q/K/V MatMul+Add, Reshape, Transpose;
                  MatMul, Mul(scale), Softmax, MatMul, Transpose, Reshape;
                  out-proj MatMul+Add; residual Add; LayerNorm as a
                  ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div/Mul/Add chain;
                  fc1 MatMul+Add; GELU as Div/Erf/Add/Mul/Mul; fc2 MatMul+Add;
                  residual Add.  41 nodes per block.
OUTDIR/b.onnx     perturbed copy: same weights, every node/tensor/initializer
                  renamed (n<k>/t<k>/w<k>), nodes emitted in a different random
                  topological order, initializers shuffled, and ~1% of blocks
                  (at least one; --edits K overrides) edited, cycling through
                  (so all four kinds appear only with >= 4 edits): Softmax axis -1 -> 1,
                  LayerNormalization epsilon 1e-5 -> 1e-6, a Relu inserted
                  after fc1, out-proj MatMul+Add replaced by one Gemm.
OUTDIR/truth.json {A node name: B node name} for every A node that still
                  exists unchanged in B (edited/replaced nodes are left out;
                  inserted nodes have no A counterpart).
OUTDIR/edits.json list of the edits applied, with the A and B node names.

The ONNX checker (full_check) runs when NODES <= 20000 unless --no-check;
--check forces it.  Deterministic: fixed seeds, byte-identical reruns.
"""
import heapq
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SEQ, HIDDEN, HEADS = 4, 8, 2
HEAD_DIM = HIDDEN // HEADS
FFN = 4 * HIDDEN
NODES_PER_BLOCK = 41
EDIT_KINDS = ("softmax_axis", "ln_epsilon", "insert_relu", "gemm")


class Graph:
    """Plain-Python graph: nodes are dicts so they are cheap to copy and edit."""

    def __init__(self):
        self.nodes = []   # {"name", "op", "inputs", "outputs", "attrs", "block"}
        self.inits = []   # (name, numpy array)

    def node(self, op, inputs, name, block, out=None, **attrs):
        out = out or name + "_output_0"
        self.nodes.append({"name": name, "op": op, "inputs": list(inputs), "outputs": [out],
                           "attrs": attrs, "block": block})
        return out

    def init(self, name, arr):
        self.inits.append((name, arr))
        return name


def build_a(nblocks):
    rng = np.random.default_rng(0)
    g = Graph()
    shape_heads = g.init("const.shape_heads", np.array([SEQ, HEADS, HEAD_DIM], np.int64))
    shape_hidden = g.init("const.shape_hidden", np.array([SEQ, HIDDEN], np.int64))
    scale = g.init("const.attn_scale", np.array(1.0 / np.sqrt(HEAD_DIM), np.float32))
    two = g.init("const.two", np.array(2.0, np.float32))
    eps = g.init("const.eps", np.array(1e-5, np.float32))
    sqrt2 = g.init("const.sqrt2", np.array(np.sqrt(2.0), np.float32))
    one = g.init("const.one", np.array(1.0, np.float32))
    half = g.init("const.half", np.array(0.5, np.float32))

    def w(name, *shape):
        return g.init(name, (rng.standard_normal(shape, dtype=np.float32) * np.float32(0.3)))

    x = "x"
    for i in range(nblocks):
        p, q = "/blocks.%d" % i, "blocks.%d." % i
        N = lambda op, ins, name, **kw: g.node(op, ins, p + name, i, **kw)  # noqa: E731
        ln1 = N("LayerNormalization", [x, g.init(q + "ln1.weight", 1 + 0.1 * rng.standard_normal(HIDDEN, dtype=np.float32)),
                                       w(q + "ln1.bias", HIDDEN)], "/ln1/LayerNormalization", axis=-1, epsilon=1e-5)
        heads = []
        for j, (proj, perm) in enumerate((("q", [1, 0, 2]), ("k", [1, 2, 0]), ("v", [1, 0, 2]))):
            sfx = "" if j == 0 else "_%d" % j
            t = N("MatMul", [ln1, w(q + "attn.%s_proj.weight" % proj, HIDDEN, HIDDEN)], "/attn/%s_proj/MatMul" % proj)
            t = N("Add", [t, w(q + "attn.%s_proj.bias" % proj, HIDDEN)], "/attn/%s_proj/Add" % proj)
            t = N("Reshape", [t, shape_heads], "/attn/Reshape" + sfx)
            heads.append(N("Transpose", [t], "/attn/Transpose" + sfx, perm=perm))
        s = N("MatMul", heads[:2], "/attn/MatMul")
        s = N("Mul", [s, scale], "/attn/Mul")
        s = N("Softmax", [s], "/attn/Softmax", axis=-1)
        c = N("MatMul", [s, heads[2]], "/attn/MatMul_1")
        c = N("Transpose", [c], "/attn/Transpose_3", perm=[1, 0, 2])
        c = N("Reshape", [c, shape_hidden], "/attn/Reshape_3")
        o = N("MatMul", [c, w(q + "attn.out_proj.weight", HIDDEN, HIDDEN)], "/attn/out_proj/MatMul")
        o = N("Add", [o, w(q + "attn.out_proj.bias", HIDDEN)], "/attn/out_proj/Add")
        r1 = N("Add", [x, o], "/Add")
        mean = N("ReduceMean", [r1], "/ln2/ReduceMean", axes=[-1], keepdims=1)
        d = N("Sub", [r1, mean], "/ln2/Sub")
        d2 = N("Pow", [d, two], "/ln2/Pow")
        var = N("ReduceMean", [d2], "/ln2/ReduceMean_1", axes=[-1], keepdims=1)
        std = N("Sqrt", [N("Add", [var, eps], "/ln2/Add")], "/ln2/Sqrt")
        n = N("Div", [d, std], "/ln2/Div")
        n = N("Mul", [n, g.init(q + "ln2.weight", 1 + 0.1 * rng.standard_normal(HIDDEN, dtype=np.float32))],
              "/ln2/Mul")
        ln2 = N("Add", [n, w(q + "ln2.bias", HIDDEN)], "/ln2/Add_1")
        h = N("MatMul", [ln2, w(q + "mlp.fc1.weight", HIDDEN, FFN)], "/mlp/fc1/MatMul")
        h = N("Add", [h, w(q + "mlp.fc1.bias", FFN)], "/mlp/fc1/Add")
        e = N("Erf", [N("Div", [h, sqrt2], "/mlp/act/Div")], "/mlp/act/Erf")
        e = N("Add", [e, one], "/mlp/act/Add")
        a = N("Mul", [N("Mul", [h, e], "/mlp/act/Mul"), half], "/mlp/act/Mul_1")
        f = N("MatMul", [a, w(q + "mlp.fc2.weight", FFN, HIDDEN)], "/mlp/fc2/MatMul")
        f = N("Add", [f, w(q + "mlp.fc2.bias", HIDDEN)], "/mlp/fc2/Add")
        x = N("Add", [r1, f], "/Add_1", out="y" if i == nblocks - 1 else None)
    return g


def find(nodes, block, suffix):
    """Index of block `block`'s node whose A name ends with `suffix`."""
    for k, nd in enumerate(nodes):
        if nd["block"] == block and nd["name"].endswith(suffix):
            return k
    raise KeyError((block, suffix))


def perturb(g, nblocks, nedits, rng):
    """Copy of g's nodes with `nedits` block edits.  Returns (nodes, edits, changed A names)."""
    nodes = [dict(nd, inputs=list(nd["inputs"]), outputs=list(nd["outputs"]), attrs=dict(nd["attrs"]),
                  a_name=nd["name"]) for nd in g.nodes]
    k = nedits
    blocks = sorted(int(b) for b in rng.choice(nblocks, size=min(k, nblocks), replace=False))
    edits, changed, removed = [], set(), set()
    inserted = {}  # index of node after which to insert -> new node
    for j, b in enumerate(blocks):
        kind = EDIT_KINDS[j % len(EDIT_KINDS)]
        p = "/blocks.%d" % b
        if kind == "softmax_axis":
            idx = find(nodes, b, "/attn/Softmax")
            nodes[idx]["attrs"]["axis"] = 1
            changed.add(nodes[idx]["a_name"])
            edits.append({"block": b, "kind": kind, "a_nodes": [nodes[idx]["a_name"]], "b_nodes": [idx]})
        elif kind == "ln_epsilon":
            idx = find(nodes, b, "/ln1/LayerNormalization")
            nodes[idx]["attrs"]["epsilon"] = 1e-6
            changed.add(nodes[idx]["a_name"])
            edits.append({"block": b, "kind": kind, "a_nodes": [nodes[idx]["a_name"]], "b_nodes": [idx]})
        elif kind == "insert_relu":
            idx = find(nodes, b, "/mlp/fc1/Add")
            src = nodes[idx]["outputs"][0]
            new_t = p + "/mlp/inserted/Relu_output_0"
            for nd in nodes:
                if nd["block"] == b:
                    nd["inputs"] = [new_t if t == src else t for t in nd["inputs"]]
            relu = {"name": p + "/mlp/inserted/Relu", "op": "Relu", "inputs": [src], "outputs": [new_t],
                    "attrs": {}, "block": b, "a_name": None}
            inserted[idx] = relu
            edits.append({"block": b, "kind": kind, "a_nodes": [], "b_nodes": [relu]})
        else:  # gemm: out_proj MatMul+Add -> Gemm
            mm = find(nodes, b, "/attn/out_proj/MatMul")
            add = find(nodes, b, "/attn/out_proj/Add")
            gemm = {"name": p + "/attn/out_proj/Gemm", "op": "Gemm",
                    "inputs": [nodes[mm]["inputs"][0], nodes[mm]["inputs"][1], nodes[add]["inputs"][1]],
                    "outputs": list(nodes[add]["outputs"]), "attrs": {}, "block": b, "a_name": None}
            inserted[add] = gemm
            removed.update((mm, add))
            changed.update((nodes[mm]["a_name"], nodes[add]["a_name"]))
            edits.append({"block": b, "kind": kind, "a_nodes": [nodes[mm]["a_name"], nodes[add]["a_name"]],
                          "b_nodes": [gemm]})
    out = []
    for idx, nd in enumerate(nodes):
        if idx not in removed:
            out.append(nd)
        if idx in inserted:
            out.append(inserted[idx])
    for e in edits:  # resolve b_nodes to node dicts (renamed later)
        e["b_nodes"] = [nodes[v] if isinstance(v, int) else v for v in e["b_nodes"]]
    return out, edits, changed


def random_topo_order(nodes, graph_inputs, rng):
    """A random valid topological order (Kahn's algorithm with random priorities)."""
    producer = {}
    for k, nd in enumerate(nodes):
        for t in nd["outputs"]:
            producer[t] = k
    consumers = [[] for _ in nodes]
    indeg = [0] * len(nodes)
    for k, nd in enumerate(nodes):
        deps = {producer[t] for t in nd["inputs"] if t in producer}
        indeg[k] = len(deps)
        for d in deps:
            consumers[d].append(k)
    prio = rng.random(len(nodes))
    heap = [(prio[k], k) for k in range(len(nodes)) if indeg[k] == 0]
    heapq.heapify(heap)
    order = []
    while heap:
        _, k = heapq.heappop(heap)
        order.append(k)
        for c in consumers[k]:
            indeg[c] -= 1
            if indeg[c] == 0:
                heapq.heappush(heap, (prio[c], c))
    assert len(order) == len(nodes), "graph has a cycle"
    return [nodes[k] for k in order]


def to_model(nodes, inits, in_name, out_name, graph_name):
    proto_nodes = [helper.make_node(nd["op"], nd["inputs"], nd["outputs"], name=nd["name"], **nd["attrs"])
                   for nd in nodes]
    graph = helper.make_graph(
        proto_nodes, graph_name,
        [helper.make_tensor_value_info(in_name, TensorProto.FLOAT, [SEQ, HIDDEN])],
        [helper.make_tensor_value_info(out_name, TensorProto.FLOAT, [SEQ, HIDDEN])],
        initializer=[numpy_helper.from_array(a, n) for n, a in inits])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                              producer_name="graphsmith-bench", producer_version="0.1")
    model.ir_version = 8
    return model


def main():
    argv, nedits = sys.argv[1:], None
    if "--edits" in argv:
        i = argv.index("--edits")
        if i + 1 >= len(argv) or not argv[i + 1].isdigit():
            sys.exit(__doc__)
        nedits = int(argv[i + 1])
        del argv[i:i + 2]
    args = [a for a in argv if not a.startswith("--")]
    flags = {a for a in argv if a.startswith("--")}
    if len(args) != 2 or not args[0].isdigit() or not flags <= {"--check", "--no-check"}:
        sys.exit(__doc__)
    target, outdir = int(args[0]), args[1]
    os.makedirs(outdir, exist_ok=True)
    nblocks = max(1, round(target / NODES_PER_BLOCK))
    if nedits is None:
        nedits = max(1, round(nblocks * 0.01))
    do_check = "--check" in flags or (target <= 20000 and "--no-check" not in flags)

    a = build_a(nblocks)
    rng = np.random.default_rng(1)
    b_nodes, edits, changed = perturb(a, nblocks, nedits, rng)
    b_nodes = random_topo_order(b_nodes, ["x"], rng)

    # Rename everything in B: tensors t<k> in production order, nodes n<k> in
    # B order, initializers w<k> in a shuffled order; graph I/O too.
    tmap = {"x": "input_0", "y": "output_0"}
    init_perm = rng.permutation(len(a.inits))
    b_inits = []
    for k, pi in enumerate(init_perm):
        name, arr = a.inits[pi]
        tmap[name] = "w%d" % k
        b_inits.append(("w%d" % k, arr))
    for nd in b_nodes:
        for t in nd["outputs"]:
            tmap.setdefault(t, "t%d" % len(tmap))
    for k, nd in enumerate(b_nodes):
        nd["name"] = "n%d" % k
        nd["inputs"] = [tmap[t] for t in nd["inputs"]]
        nd["outputs"] = [tmap[t] for t in nd["outputs"]]

    truth = {}
    a_to_b = {nd["a_name"]: nd["name"] for nd in b_nodes if nd.get("a_name")}
    for nd in a.nodes:
        if nd["name"] not in changed and nd["name"] in a_to_b:
            truth[nd["name"]] = a_to_b[nd["name"]]
    edit_log = [{"block": e["block"], "kind": e["kind"], "a_nodes": e["a_nodes"],
                 "b_nodes": [nd["name"] for nd in e["b_nodes"]]} for e in edits]

    ma = to_model(a.nodes, a.inits, "x", "y", "transformer_a")
    mb = to_model(b_nodes, b_inits, "input_0", "output_0", "transformer_b")
    for fname, m in (("a.onnx", ma), ("b.onnx", mb)):
        if do_check:
            onnx.checker.check_model(m, full_check=True)
        onnx.save(m, os.path.join(outdir, fname))
    with open(os.path.join(outdir, "truth.json"), "w") as f:
        json.dump(truth, f, indent=0)
        f.write("\n")
    with open(os.path.join(outdir, "edits.json"), "w") as f:
        json.dump(edit_log, f, indent=1)
        f.write("\n")
    print("blocks=%d a_nodes=%d b_nodes=%d edits=%d truth=%d checked=%s -> %s"
          % (nblocks, len(ma.graph.node), len(mb.graph.node), len(edits), len(truth), do_check, outdir))


if __name__ == "__main__":
    main()
