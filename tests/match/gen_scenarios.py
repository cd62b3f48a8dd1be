#!/usr/bin/python3
"""Write the matcher scenario pairs (MATCHING.md section 6) into OUTDIR.

Usage: /usr/bin/python3 tests/match/gen_scenarios.py OUTDIR

For each scenario NAME: OUTDIR/NAME.a.onnx and OUTDIR/NAME.b.onnx.  The
expected results live in tests/match/scenarios.sh.  Deterministic.
"""
import os
import random
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
EPS = 1e-5


class Net:
    """A graph under construction: nodes in order, initializers, io."""

    def __init__(self, seed=0):
        self.nodes = []
        self.inits = []
        self.inputs = []
        self.outputs = []
        self.rng = np.random.default_rng(seed)
        self.count = 0

    def fresh(self, base):
        self.count += 1
        return "%s_%d" % (base, self.count)

    def init(self, name, arr):
        self.inits.append(numpy_helper.from_array(np.asarray(arr), name))
        return name

    def weight(self, name, shape, scale=0.2):
        return self.init(name, (self.rng.standard_normal(shape) * scale).astype(np.float32))

    def node(self, op, inputs, name, nout=1, **attrs):
        outs = [name + "_out%d" % i for i in range(nout)]
        self.nodes.append(helper.make_node(op, list(inputs), outs, name=name, **attrs))
        return outs[0] if nout == 1 else outs

    def conv(self, x, name, cin, cout, k=3, stride=1, pad=1, bias=True, w=None, b=None):
        wn = self.init(name + ".weight", w) if w is not None else \
            self.weight(name + ".weight", (cout, cin, k, k))
        ins = [x, wn]
        if bias:
            ins.append(self.init(name + ".bias", b) if b is not None else
                       self.weight(name + ".bias", (cout,)))
        return self.node("Conv", ins, name, kernel_shape=[k, k], strides=[stride, stride],
                         pads=[pad] * 4)

    def bn(self, x, name, c):
        g = self.init(name + ".weight", (1 + 0.1 * self.rng.standard_normal(c)).astype(np.float32))
        b = self.init(name + ".bias", (0.1 * self.rng.standard_normal(c)).astype(np.float32))
        m = self.init(name + ".running_mean", (0.1 * self.rng.standard_normal(c)).astype(np.float32))
        v = self.init(name + ".running_var", (1 + 0.2 * self.rng.random(c)).astype(np.float32))
        return self.node("BatchNormalization", [x, g, b, m, v], name, epsilon=EPS)

    def model(self, opset=OPSET):
        graph = helper.make_graph(self.nodes, "g", self.inputs, self.outputs, self.inits)
        m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                              producer_name="gen_scenarios")
        m.ir_version = 8
        return m


def inp(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def save(m, path):
    onnx.checker.check_model(m)
    onnx.save(m, path)


def rename_reorder(m, seed, swap_commutative=True):
    """Every node and tensor renamed, nodes in another topological order,
    Add/Mul inputs swapped, initializers shuffled."""
    rnd = random.Random(seed)
    g = m.graph
    names = {}

    def rn(s):
        if not s:
            return s
        if s not in names:
            names[s] = "t%d" % len(names)
        return names[s]

    nodes = list(g.node)
    produced = {o: i for i, n in enumerate(nodes) for o in n.output}
    deps = [set(produced[x] for x in n.input if x in produced) for n in nodes]
    users = [[] for _ in nodes]
    for i, d in enumerate(deps):
        for j in d:
            users[j].append(i)
    pending = [len(d) for d in deps]
    ready = [i for i, p in enumerate(pending) if p == 0]
    order = []
    while ready:
        i = ready.pop(rnd.randrange(len(ready)))
        order.append(i)
        for u in users[i]:
            pending[u] -= 1
            if pending[u] == 0:
                ready.append(u)
    new_nodes = []
    for k, i in enumerate(order):
        n = nodes[i]
        ins = [rn(x) for x in n.input]
        if swap_commutative and n.op_type in ("Add", "Mul") and len(ins) == 2 and rnd.random() < 0.5:
            ins = ins[::-1]
        nn = helper.make_node(n.op_type, ins, [rn(x) for x in n.output], name="n%d" % k)
        nn.attribute.extend(n.attribute)
        new_nodes.append(nn)
    inits = []
    for t in g.initializer:
        t2 = onnx.TensorProto()
        t2.CopyFrom(t)
        t2.name = rn(t.name)
        inits.append(t2)
    rnd.shuffle(inits)
    ins = []
    for v in g.input:
        v2 = onnx.ValueInfoProto()
        v2.CopyFrom(v)
        v2.name = rn(v.name)
        ins.append(v2)
    outs = []
    for v in g.output:
        v2 = onnx.ValueInfoProto()
        v2.CopyFrom(v)
        v2.name = rn(v.name)
        outs.append(v2)
    graph = helper.make_graph(new_nodes, "renamed", ins, outs, inits)
    out = helper.make_model(graph, opset_imports=list(m.opset_import), producer_name="renamed")
    out.ir_version = m.ir_version
    return out


# ---- the networks ----

def small_cnn(seed=1, stride2=1, pads2=1, relu_at_end=True, sigmoid=False, drop_relu=False,
              insert=False, input_hw=16):
    n = Net(seed)
    n.inputs = [inp("input", [1, 3, input_hw, input_hw])]
    x = n.conv("input", "conv1", 3, 8)
    if not drop_relu:
        x = n.node("Relu", [x], "relu1")
    x = n.conv(x, "conv2", 8, 8, stride=stride2, pad=pads2)
    x = n.node("Relu", [x], "relu2")
    if insert:
        # its own weights, so every other weight keeps its value
        ex = np.random.default_rng(99)
        x = n.conv(x, "conv_extra", 8, 8, k=1, pad=0,
                   w=(ex.standard_normal((8, 8, 1, 1)) * 0.2).astype(np.float32),
                   b=np.zeros(8, np.float32))
        x = n.node("Relu", [x], "relu_extra")
    y = n.conv(x, "conv3", 8, 8)
    x = n.node("Add", [x, y], "add1")
    if sigmoid:
        x = n.node("Sigmoid", [x], "sig1")
    x = n.node("Relu", [x], "relu3")
    x = n.node("GlobalAveragePool", [x], "gap")
    x = n.node("Flatten", [x], "flatten")
    fw = n.weight("fc.weight", (10, 8))
    fb = n.weight("fc.bias", (10,))
    n.node("Gemm", [x, fw, fb], "fc", transB=1)
    n.nodes[-1].output[0] = "logits"
    n.outputs = [inp("logits", [1, 10])]
    return n


def branch_net(with_branch):
    n = Net(5)
    n.inputs = [inp("input", [1, 4, 8, 8])]
    a = n.conv("input", "conv_a", 4, 4)
    a = n.node("Relu", [a], "relu_a")
    if with_branch:
        b = n.conv("input", "conv_b", 4, 4, k=1, pad=0)
        a = n.node("Add", [a, b], "add")
    x = n.node("Relu", [a], "relu_out")
    n.nodes[-1].output[0] = "out"
    n.outputs = [inp("out", [1, 4, 8, 8])]
    return n


def sub_net(swap):
    n = Net(6)
    n.inputs = [inp("input", [1, 8])]
    a = n.node("MatMul", ["input", n.weight("w1", (8, 8))], "mm1")
    b = n.node("MatMul", ["input", n.weight("w2", (8, 8))], "mm2")
    a = n.node("Relu", [a], "relu_a")
    b = n.node("Tanh", [b], "tanh_b")
    n.node("Sub", [b, a] if swap else [a, b], "sub")
    n.nodes[-1].output[0] = "out"
    n.outputs = [inp("out", [1, 8])]
    return n


def conv_bn_net():
    """Two Conv+BN pairs: one conv without bias, one with."""
    n = Net(7)
    n.inputs = [inp("input", [1, 3, 8, 8])]
    x = n.conv("input", "conv1", 3, 8, bias=False)
    x = n.bn(x, "bn1", 8)
    x = n.node("Relu", [x], "relu1")
    x = n.conv(x, "conv2", 8, 8, bias=True)
    x = n.bn(x, "bn2", 8)
    x = n.node("Relu", [x], "relu2")
    n.nodes[-1].output[0] = "out"
    n.outputs = [inp("out", [1, 8, 8, 8])]
    return n


def fold_bn(m, keep):
    """numpy reference fold of every Conv -> BatchNormalization, keeping the
    Conv's ('conv') or the BN's ('bn') node and output names."""
    m0 = m
    m = onnx.ModelProto()
    m.CopyFrom(m0)
    g = m.graph
    inits = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    nodes = list(g.node)
    out_nodes, drop, new_inits = [], set(), dict(inits)
    by_input = {}
    for nd in nodes:
        for x in nd.input:
            by_input.setdefault(x, []).append(nd)
    for nd in nodes:
        if nd.name in drop:
            continue
        users = by_input.get(nd.output[0], [])
        if nd.op_type == "Conv" and len(users) == 1 and users[0].op_type == "BatchNormalization":
            bn = users[0]
            w = inits[nd.input[1]].astype(np.float64)
            b = inits[nd.input[2]].astype(np.float64) if len(nd.input) > 2 else np.zeros(w.shape[0])
            gam, bet, mu, var = (inits[x].astype(np.float64) for x in bn.input[1:5])
            eps = [a.f for a in bn.attribute if a.name == "epsilon"][0]
            s = gam / np.sqrt(var + np.float32(eps))
            wn, bnm = nd.input[1] + "_folded", nd.input[1] + "_folded_bias"
            new_inits[wn] = (w * s[:, None, None, None]).astype(np.float32)
            new_inits[bnm] = ((b - mu) * s + bet).astype(np.float32)
            name = nd.name if keep == "conv" else bn.name
            out = nd.output[0] if keep == "conv" else bn.output[0]
            c = helper.make_node("Conv", [nd.input[0], wn, bnm], [out], name=name)
            c.attribute.extend(nd.attribute)
            out_nodes.append(c)
            drop.add(bn.name)
            if keep == "conv":
                for u in nodes:
                    for i, x in enumerate(u.input):
                        if x == bn.output[0]:
                            u.input[i] = out
                for o in g.output:
                    if o.name == bn.output[0]:
                        o.name = out
        else:
            out_nodes.append(nd)
    used = set(x for nd in out_nodes for x in nd.input)
    inits_out = [numpy_helper.from_array(v, k) for k, v in new_inits.items() if k in used]
    graph = helper.make_graph(out_nodes, "folded", list(g.input), list(g.output), inits_out)
    r = helper.make_model(graph, opset_imports=list(m.opset_import), producer_name="fold")
    r.ir_version = m.ir_version
    return r


def scale_chain_net():
    """Caffe-style Scale layers: Conv -> BN -> Mul -> Add (per-channel
    constants) twice, the first Conv without bias."""
    n = Net(15)
    n.inputs = [inp("input", [1, 3, 8, 8])]
    x = "input"
    for i, cin in ((1, 3), (2, 8)):
        x = n.conv(x, "conv%d" % i, cin, 8, bias=(i == 2))
        x = n.bn(x, "bn%d" % i, 8)
        s = n.init("scale%d.s" % i, (1 + 0.2 * n.rng.standard_normal((8, 1, 1))).astype(np.float32))
        x = n.node("Mul", [s, x], "scale%d/Mul" % i)
        x = n.node("Add", [x, n.weight("scale%d.b" % i, (1, 8, 1, 1))], "scale%d/Add" % i)
        x = n.node("Relu", [x], "relu%d" % i)
    n.nodes[-1].output[0] = "out"
    n.outputs = [inp("out", [1, 8, 8, 8])]
    return n


def fold_chain(m):
    """numpy reference fold of every Conv -> chain of BN / Mul / Add with
    per-channel constants; the Conv keeps its name and takes the last
    link's output."""
    g = m.graph
    inits = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    users = {}
    for nd in g.node:
        for x in nd.input:
            users.setdefault(x, []).append(nd)
    out_nodes, drop, new_inits = [], set(), dict(inits)
    for nd in g.node:
        if nd.name in drop:
            continue
        if nd.op_type != "Conv":
            out_nodes.append(nd)
            continue
        w = inits[nd.input[1]].astype(np.float64)
        cout = w.shape[0]
        b = inits[nd.input[2]].astype(np.float64) if len(nd.input) > 2 else np.zeros(cout)
        s, t, cur = np.ones(cout), np.zeros(cout), nd.output[0]
        while len(users.get(cur, [])) == 1:
            u = users[cur][0]
            if u.op_type == "BatchNormalization":
                gam, bet, mu, var = (inits[x].astype(np.float64) for x in u.input[1:5])
                eps = [a.f for a in u.attribute if a.name == "epsilon"][0]
                ka = gam / np.sqrt(var + np.float32(eps))
                kb = bet - mu * ka
            elif u.op_type in ("Mul", "Add"):
                c = [x for x in u.input if x != cur][0]
                c = inits[c].astype(np.float64).reshape(-1)
                ka, kb = (c, 0.0) if u.op_type == "Mul" else (1.0, c)
            else:
                break
            s, t = s * ka, t * ka + kb
            drop.add(u.name)
            cur = u.output[0]
        wn, bnm = nd.input[1] + "_folded", nd.input[1] + "_folded_bias"
        new_inits[wn] = (w * s[:, None, None, None]).astype(np.float32)
        new_inits[bnm] = (b * s + t).astype(np.float32)
        c = helper.make_node("Conv", [nd.input[0], wn, bnm], [cur], name=nd.name)
        c.attribute.extend(nd.attribute)
        out_nodes.append(c)
    used = set(x for nd in out_nodes for x in nd.input)
    inits_out = [numpy_helper.from_array(v, k) for k, v in new_inits.items() if k in used]
    graph = helper.make_graph(out_nodes, "folded", list(g.input), list(g.output), inits_out)
    r = helper.make_model(graph, opset_imports=list(m.opset_import), producer_name="fold")
    r.ir_version = m.ir_version
    return r


def rename_reorder_deep(m, seed):
    """rename_reorder at every level: If/Loop bodies too, one name map for
    all scopes (so captured values keep pointing at their producer)."""
    rnd = random.Random(seed)
    names = {}

    def rn(s):
        if not s:
            return s
        if s not in names:
            names[s] = "t%d" % len(names)
        return names[s]

    def vis(vs):
        out = []
        for v in vs:
            v2 = onnx.ValueInfoProto()
            v2.CopyFrom(v)
            v2.name = rn(v.name)
            out.append(v2)
        return out

    def graph(g, label):
        nodes = list(g.node)
        produced = {o: i for i, n in enumerate(nodes) for o in n.output}
        deps = [set(produced[x] for x in n.input if x in produced) for n in nodes]
        # a body's captures order it after their producers too
        for i, n in enumerate(nodes):
            for a in n.attribute:
                if a.type == onnx.AttributeProto.GRAPH:
                    for x in captured(a.g):
                        if x in produced:
                            deps[i].add(produced[x])
        users = [[] for _ in nodes]
        for i, d in enumerate(deps):
            for j in d:
                users[j].append(i)
        pending = [len(d) for d in deps]
        ready = [i for i, p in enumerate(pending) if p == 0]
        order = []
        while ready:
            i = ready.pop(rnd.randrange(len(ready)))
            order.append(i)
            for u in users[i]:
                pending[u] -= 1
                if pending[u] == 0:
                    ready.append(u)
        new_nodes = []
        for k, i in enumerate(order):
            n = nodes[i]
            nn = helper.make_node(n.op_type, [rn(x) for x in n.input], [rn(x) for x in n.output],
                                  name="%s%d" % (label, k))
            for a in n.attribute:
                if a.type == onnx.AttributeProto.GRAPH:
                    a2 = onnx.AttributeProto()
                    a2.CopyFrom(a)
                    a2.g.CopyFrom(graph(a.g, "%s%d_%s_" % (label, k, a.name[0])))
                    nn.attribute.append(a2)
                else:
                    nn.attribute.append(a)
            new_nodes.append(nn)
        inits = []
        for t in g.initializer:
            t2 = onnx.TensorProto()
            t2.CopyFrom(t)
            t2.name = rn(t.name)
            inits.append(t2)
        rnd.shuffle(inits)
        return helper.make_graph(new_nodes, "r" + g.name, vis(g.input), vis(g.output), inits)

    out = helper.make_model(graph(m.graph, "n"), opset_imports=list(m.opset_import),
                            producer_name="renamed")
    out.ir_version = m.ir_version
    return out


def captured(g):
    """Names a graph (and its bodies) reads but does not define."""
    defined = set(v.name for v in g.input) | set(t.name for t in g.initializer)
    for n in g.node:
        defined.update(n.output)
    used = set()
    for n in g.node:
        used.update(x for x in n.input if x)
        for a in n.attribute:
            if a.type == onnx.AttributeProto.GRAPH:
                used.update(captured(a.g))
    return used - defined


def nested_net():
    """An If inside an If inside a Loop; the innermost bodies read values
    from one, two and three scopes out."""
    F = TensorProto.FLOAT
    vi = lambda n: helper.make_tensor_value_info(n, F, [1, 8])
    mk = helper.make_node
    inner_then = helper.make_graph([
        mk("Mul", ["a", "h2"], ["it_m"], name="it_mul"),      # a: 2 out, h2: 3 out
        mk("Add", ["it_m", "u"], ["it_a"], name="it_add"),    # u: 1 out
        mk("Relu", ["it_a"], ["it_o"], name="it_relu")], "inner_then", [], [vi("it_o")])
    inner_else = helper.make_graph([
        mk("Sigmoid", ["h"], ["ie_s"], name="ie_sig"),        # h: 3 out
        mk("Mul", ["ie_s", "u"], ["ie_o"], name="ie_mul")], "inner_else", [], [vi("ie_o")])
    outer_then = helper.make_graph([
        mk("Sub", ["a", "h"], ["u"], name="ot_sub"),
        mk("Not", ["c"], ["nc"], name="ot_not"),
        mk("If", ["nc"], ["ot_if"], name="ot_inner_if", then_branch=inner_then,
           else_branch=inner_else),
        mk("Add", ["ot_if", "u"], ["ot_o"], name="ot_add")], "outer_then", [], [vi("ot_o")])
    outer_else = helper.make_graph([
        mk("Tanh", ["a"], ["oe_t"], name="oe_tanh"),
        mk("Mul", ["oe_t", "h2"], ["oe_o"], name="oe_mul")], "outer_else", [], [vi("oe_o")])
    body = helper.make_graph([
        mk("Identity", ["cond_in"], ["cond_out"], name="b_cond"),
        mk("Add", ["v", "h2"], ["a"], name="b_add"),
        mk("If", ["c"], ["b_if"], name="b_if", then_branch=outer_then, else_branch=outer_else),
        mk("Neg", ["b_if"], ["v_out"], name="b_neg")], "body",
        [helper.make_tensor_value_info("iter", TensorProto.INT64, []),
         helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []), vi("v")],
        [helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []), vi("v_out")])
    n = Net(16)
    n.inputs = [inp("x", [1, 8]), helper.make_tensor_value_info("c", TensorProto.BOOL, []),
                helper.make_tensor_value_info("trips", TensorProto.INT64, [])]
    n.nodes.append(mk("MatMul", ["x", n.weight("w", (8, 8))], ["h"], name="mm"))
    n.nodes.append(mk("Relu", ["h"], ["h2"], name="relu"))
    n.nodes.append(mk("Sigmoid", ["x"], ["v0"], name="sig"))
    n.nodes.append(mk("Loop", ["trips", "", "v0"], ["y"], name="loop", body=body))
    n.outputs = [inp("y", [1, 8])]
    return n.model()


def gemm_pair(trans_b):
    rng = np.random.default_rng(8)
    w = (rng.standard_normal((8, 6)) * 0.3).astype(np.float32)
    b = (rng.standard_normal(6) * 0.1).astype(np.float32)
    a = Net(8)
    a.inputs = [inp("x", [2, 8])]
    y = a.node("MatMul", ["x", a.init("W", w)], "mm")
    y = a.node("Add", [y, a.init("B", b)], "add")
    y = a.node("Relu", [y], "relu")
    a.nodes[-1].output[0] = "y"
    a.outputs = [inp("y", [2, 6])]
    g = Net(8)
    g.inputs = [inp("x", [2, 8])]
    y = g.node("Gemm", ["x", g.init("W", w.T.copy() if trans_b else w), g.init("B", b)], "gemm",
               transB=trans_b)
    y = g.node("Relu", [y], "relu")
    g.nodes[-1].output[0] = "y"
    g.outputs = [inp("y", [2, 6])]
    return a.model(), g.model()


def layernorm_pair():
    rng = np.random.default_rng(9)
    scale = (1 + 0.1 * rng.standard_normal(8)).astype(np.float32)
    bias = (0.1 * rng.standard_normal(8)).astype(np.float32)
    a = Net(9)
    a.inputs = [inp("x", [4, 8])]
    x = a.node("Relu", ["x"], "pre")
    m = a.node("ReduceMean", [x], "rm1", axes=[-1])
    d = a.node("Sub", [x, m], "sub")
    p = a.node("Pow", [d, a.init("two", np.array(2.0, np.float32))], "pow")
    v = a.node("ReduceMean", [p], "rm2", axes=[-1])
    e = a.node("Add", [v, a.init("eps", np.array(EPS, np.float32))], "addeps")
    s = a.node("Sqrt", [e], "sqrt")
    q = a.node("Div", [d, s], "div")
    q = a.node("Mul", [q, a.init("ln.weight", scale)], "mul")
    q = a.node("Add", [q, a.init("ln.bias", bias)], "addb")
    a.node("Tanh", [q], "post")
    a.nodes[-1].output[0] = "y"
    a.outputs = [inp("y", [4, 8])]
    b = Net(9)
    b.inputs = [inp("x", [4, 8])]
    x = b.node("Relu", ["x"], "pre")
    q = b.node("LayerNormalization", [x, b.init("ln.weight", scale), b.init("ln.bias", bias)],
               "ln", axis=-1, epsilon=EPS)
    b.node("Tanh", [q], "post")
    b.nodes[-1].output[0] = "y"
    b.outputs = [inp("y", [4, 8])]
    return a.model(), b.model()


def qdq_pair():
    """B: int8 per-channel weights behind DequantizeLinear, and one
    activation QuantizeLinear -> DequantizeLinear pair."""
    a = small_cnn(seed=11)
    mb = a.model()
    b = Net(11)
    b.nodes = []
    inits = {t.name: numpy_helper.to_array(t) for t in mb.graph.initializer}
    out_inits = []
    q_nodes = []
    for nd in mb.graph.node:
        nd2 = onnx.NodeProto()
        nd2.CopyFrom(nd)
        if nd.op_type == "Conv":
            w = inits[nd.input[1]]
            sc = (np.abs(w).reshape(w.shape[0], -1).max(axis=1) / 127).astype(np.float32)
            q = np.clip(np.round(w / sc[:, None, None, None]), -128, 127).astype(np.int8)
            out_inits += [numpy_helper.from_array(q, nd.input[1] + "_q"),
                          numpy_helper.from_array(sc, nd.input[1] + "_scale"),
                          numpy_helper.from_array(np.zeros(w.shape[0], np.int8),
                                                  nd.input[1] + "_zp")]
            q_nodes.append(helper.make_node(
                "DequantizeLinear", [nd.input[1] + "_q", nd.input[1] + "_scale", nd.input[1] + "_zp"],
                [nd.input[1] + "_dq"], name=nd.name + "_w_dq", axis=0))
            nd2.input[1] = nd.input[1] + "_dq"
        q_nodes.append(nd2)
        if nd.name == "relu2":
            # activation QDQ on relu2's output
            out = nd.output[0]
            nd2.output[0] = out + "_pre"
            q_nodes.append(helper.make_node("QuantizeLinear", [out + "_pre", "act_scale", "act_zp"],
                                            [out + "_q"], name="relu2_q"))
            q_nodes.append(helper.make_node("DequantizeLinear", [out + "_q", "act_scale", "act_zp"],
                                            [out], name="relu2_dq"))
    for t in mb.graph.initializer:
        if not any(t.name == nd.input[1] for nd in mb.graph.node if nd.op_type == "Conv"):
            out_inits.append(t)
    out_inits.append(numpy_helper.from_array(np.array(0.05, np.float32), "act_scale"))
    out_inits.append(numpy_helper.from_array(np.array(0, np.int8), "act_zp"))
    graph = helper.make_graph(q_nodes, "qdq", list(mb.graph.input), list(mb.graph.output), out_inits)
    mq = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    mq.ir_version = 8
    return mb, mq


def pruned_pair():
    a = small_cnn(seed=12).model()
    b = onnx.ModelProto()
    b.CopyFrom(a)
    for t in b.graph.initializer:
        if t.name.endswith(".weight") and t.name.startswith("conv"):
            w = numpy_helper.to_array(t).copy()
            thr = np.median(np.abs(w))
            w[np.abs(w) <= thr] = 0
            t.CopyFrom(numpy_helper.from_array(w.astype(np.float32), t.name))
    return a, b


def resnet(blocks, seed):
    """BN-folded BasicBlocks (Conv, Relu, Conv, Add, Relu); stages downsample
    with a stride-2 conv and a 1x1 projection."""
    n = Net(seed)
    n.inputs = [inp("input", [1, 3, 32, 32])]
    x = n.conv("input", "stem", 3, 8)
    x = n.node("Relu", [x], "stem_relu")
    cin = 8
    for s, nb in enumerate(blocks):
        cout = 8 * 2 ** s
        for k in range(nb):
            p = "layer%d.%d" % (s + 1, k)
            stride = 2 if (k == 0 and s > 0) else 1
            y = n.conv(x, p + ".conv1", cin, cout, stride=stride)
            y = n.node("Relu", [y], p + ".relu1")
            y = n.conv(y, p + ".conv2", cout, cout)
            sc = x
            if stride != 1 or cin != cout:
                sc = n.conv(x, p + ".downsample", cin, cout, k=1, stride=stride, pad=0)
            y = n.node("Add", [y, sc], p + ".add")
            x = n.node("Relu", [y], p + ".relu2")
            cin = cout
    x = n.node("GlobalAveragePool", [x], "gap")
    x = n.node("Flatten", [x], "flatten")
    n.node("Gemm", [x, n.weight("fc.weight", (10, cin)), n.weight("fc.bias", (10,))], "fc",
           transB=1)
    n.nodes[-1].output[0] = "logits"
    n.outputs = [inp("logits", [1, 10])]
    return n.model()


def if_net(changed):
    def branch(name, op, extra):
        nodes = [helper.make_node(op, ["h"], [name + "_t"], name=name + "_op")]
        last = name + "_t"
        if extra:
            nodes.append(helper.make_node("Neg", [last], [name + "_neg"], name=name + "_neg"))
            last = name + "_neg"
        nodes.append(helper.make_node("Identity", [last], [name + "_o"], name=name + "_id"))
        return helper.make_graph(nodes, name, [], [inp(name + "_o", [1, 8])])
    n = Net(13)
    n.inputs = [inp("x", [1, 8]), helper.make_tensor_value_info("c", TensorProto.BOOL, [])]
    h = n.node("MatMul", ["x", n.weight("w", (8, 8))], "mm")
    n.nodes[-1].output[0] = "h"
    n.node("If", ["c"], "if", then_branch=branch("then", "Relu", changed),
           else_branch=branch("else", "Sigmoid", False))
    n.nodes[-1].output[0] = "y"
    n.outputs = [inp("y", [1, 8])]
    return n.model()


def ort_source():
    """For onnxruntime's basic optimizer: Identity, Dropout, Conv+BN, a
    constant subgraph feeding a Reshape."""
    n = Net(14)
    n.inputs = [inp("input", [1, 3, 8, 8])]
    x = n.node("Identity", ["input"], "id_in")
    x = n.conv(x, "conv1", 3, 4)
    x = n.bn(x, "bn1", 4)
    x = n.node("Relu", [x], "relu1")
    x = n.node("Dropout", [x], "drop")
    sh = n.node("Constant", [], "shape_a", value=numpy_helper.from_array(np.array([1, 128], np.int64)))
    sh2 = n.node("Identity", [sh], "shape_id")
    x = n.node("Reshape", [x, sh2], "reshape")
    w = n.node("Constant", [], "fc_w", value=numpy_helper.from_array(
        (n.rng.standard_normal((128, 10)) * 0.1).astype(np.float32)))
    x = n.node("MatMul", [x, w], "fc")
    x = n.node("Relu", [x], "relu_out")
    n.nodes[-1].output[0] = "out"
    n.outputs = [inp("out", [1, 10])]
    return n.model(13)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)

    def pair(name, a, b):
        save(a, os.path.join(out, name + ".a.onnx"))
        save(b, os.path.join(out, name + ".b.onnx"))

    base = small_cnn().model()
    pair("identical", base, small_cnn().model())
    pair("renamed", base, rename_reorder(base, 3))
    pair("sub_swap", sub_net(False).model(), rename_reorder(sub_net(True).model(), 4, False))
    pair("stride", base, rename_reorder(small_cnn(stride2=2).model(), 5))
    pair("pads", base, small_cnn(pads2=0).model())
    pair("del_ins", base, rename_reorder(small_cnn(drop_relu=True, sigmoid=True).model(), 6))
    pair("inserted", base, small_cnn(insert=True).model())
    pair("branch", branch_net(True).model(), branch_net(False).model())
    pair("input_shape", base, small_cnn(input_hw=32).model())
    cb = conv_bn_net().model()
    pair("convbn_conv", cb, fold_bn(cb, "conv"))
    pair("convbn_bn", cb, rename_reorder(fold_bn(cb, "bn"), 7))
    sc = scale_chain_net().model()
    pair("scale_chain", sc, rename_reorder(fold_chain(sc), 9))
    pair("gemm_t0", *gemm_pair(0))
    pair("gemm_t1", *gemm_pair(1))
    pair("layernorm", *layernorm_pair())
    pair("qdq", *qdq_pair())
    pair("pruned", *pruned_pair())
    pair("resnet", resnet([2, 2, 2, 2], 20), rename_reorder(resnet([3, 4, 6, 3], 21), 8))
    pair("if", if_net(False), if_net(True))
    nest = nested_net()
    pair("nested", nest, rename_reorder_deep(nest, 10))
    save(ort_source(), os.path.join(out, "ort_source.onnx"))


if __name__ == "__main__":
    main()
