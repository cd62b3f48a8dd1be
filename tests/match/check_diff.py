#!/usr/bin/python3
"""Check one `graphsmith diff --json` result against exact expectations.

Usage: check_diff.py RESULT.json A.onnx B.onnx RC EXPECT

EXPECT is a Python literal dict; keys:
  rc          expected exit status
  summary     {key: value} that must all hold exactly
  verdict     {key: bool}
  statuses    set of statuses allowed for main-graph entries
  changes     sorted list of every change string of "changed" entries
  patterns    {pattern: count} of fused/folded main-graph entries
  params      {class: count} over all parameter records (exact)
  min_sqnr    minimum SQNR (dB) of every parameter with metrics
  sparsity_b  (class, value, tol): every param of class has sparsity_b near value
  edges       list of edge texts, in order (exact)
  sub         {status: count} over subgraph entries
Always checked: every node of A's main graph appears in exactly one entry's
"a" list, every node of B in exactly one "b" list.
"""
import ast
import collections
import json
import sys

import onnx


def labels(path):
    g = onnx.load(path, load_external_data=False).graph
    return collections.Counter(n.name if n.name else "#%d" % i for i, n in enumerate(g.node))


def main():
    res_path, a_path, b_path, rc, expect = sys.argv[1:6]
    exp = ast.literal_eval(expect)
    d = json.load(open(res_path))
    errors = []
    main_entries = [e for e in d["nodes"] if "subgraph" not in e]
    for side, path in (("a", a_path), ("b", b_path)):
        want = labels(path)
        got = collections.Counter(x for e in main_entries for x in e[side])
        if want != got:
            errors.append("invariant %s: missing %s extra %s" %
                          (side, dict(want - got), dict(got - want)))
    if "rc" in exp and int(rc) != exp["rc"]:
        errors.append("exit status %s, expected %s" % (rc, exp["rc"]))
    for k, v in exp.get("summary", {}).items():
        if d["summary"].get(k) != v:
            errors.append("summary.%s = %r, expected %r" % (k, d["summary"].get(k), v))
    for k, v in exp.get("verdict", {}).items():
        if d["verdict"].get(k) != v:
            errors.append("verdict.%s = %r, expected %r" % (k, d["verdict"].get(k), v))
    if "statuses" in exp:
        bad = [e for e in main_entries if e["status"] not in exp["statuses"]]
        if bad:
            errors.append("unexplained entries: %s" % bad[:3])
    if "changes" in exp:
        got = sorted(c for e in main_entries if e["status"] == "changed" for c in e["changes"])
        if got != sorted(exp["changes"]):
            errors.append("changes %r, expected %r" % (got, exp["changes"]))
    if "patterns" in exp:
        got = collections.Counter(e.get("pattern") for e in main_entries
                                  if e["status"] in ("fused", "folded"))
        if dict(got) != exp["patterns"]:
            errors.append("patterns %r, expected %r" % (dict(got), exp["patterns"]))
    if "params" in exp:
        got = dict(collections.Counter(p["class"] for p in d["parameters"]))
        if got != exp["params"]:
            errors.append("parameter classes %r, expected %r" % (got, exp["params"]))
    if "min_sqnr" in exp:
        for p in d["parameters"]:
            s = p.get("sqnr_db")
            if "max_abs_diff" in p and s != "inf" and (s is None or s < exp["min_sqnr"]):
                errors.append("parameter %s sqnr %r < %s" % (p["a"], s, exp["min_sqnr"]))
    if "sparsity_b" in exp:
        cls, val, tol = exp["sparsity_b"]
        for p in d["parameters"]:
            if p["class"] == cls and abs(p["sparsity_b"] - val) > tol:
                errors.append("parameter %s sparsity_b %r" % (p["b"], p["sparsity_b"]))
    if "edges" in exp:
        got = [e["text"] for e in d["edges"]]
        if got != exp["edges"]:
            errors.append("edges %r, expected %r" % (got, exp["edges"]))
    if "sub" in exp:
        got = dict(collections.Counter(e["status"] for e in d["nodes"] if "subgraph" in e))
        if got != exp["sub"]:
            errors.append("subgraph entries %r, expected %r" % (got, exp["sub"]))
    for e in errors:
        print("  " + e)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
