#!/usr/bin/python3
"""Builds ensembles, compositions and grafts with graphsmith and checks
them numerically: onnxruntime runs of the combined model against numpy
combinations of the members run separately in onnxruntime; the onnx
checker; our evaluator (`graphsmith run`) against onnxruntime.

usage: check_combine.py FIXTURES WORKDIR   (GS_BIN, top_srcdir from the env)
Prints TAP-like "ok - ..." / "not ok - ..." lines; exits 1 on any failure.
"""
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

GS = os.environ.get("GS_BIN", "./src/graphsmith")
TOP = os.environ.get("top_srcdir", ".")
fails = 0


def check(cond, what):
    global fails
    print(("ok - " if cond else "not ok - ") + what)
    if not cond:
        fails += 1


def gs(*args):
    r = subprocess.run([GS] + list(args), capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr


def ort(model, work, **inputs):
    """Every output of model in onnxruntime, as a list of arrays."""
    out = os.path.join(work, "ort_" + os.path.basename(model))
    os.makedirs(out, exist_ok=True)
    feeds = []
    for k, v in inputs.items():
        f = os.path.join(out, "in_" + k + ".npy")
        np.save(f, v)
        feeds.append("%s=%s" % (k, f))
    subprocess.run(["node", os.path.join(TOP, "tests/oracle/ort_run.js"), model, out] + feeds,
                   check=True)
    n = len(onnx.load(model).graph.output)
    return [np.load(os.path.join(out, "%d.npy" % i)) for i in range(n)]


def ours(model, work, **inputs):
    """Every output of model in our evaluator, by output name."""
    args = []
    for k, v in inputs.items():
        f = os.path.join(work, "gs_in_" + k + ".npy")
        np.save(f, v)
        args += ["--input", "%s=%s" % (k, f)]
    out = os.path.join(work, "gs_" + os.path.basename(model) + ".npz")
    rc, so, se = gs("run", *args, "-o", out, model)
    if rc:
        print("# graphsmith run failed: " + se.strip())
        return None
    z = np.load(out)
    return [z[o.name] for o in onnx.load(model).graph.output]


def valid(model, work, what, **inputs):
    """The checker passes and our evaluator agrees with onnxruntime."""
    try:
        onnx.checker.check_model(model, full_check=True)
        check(True, what + ": onnx checker passes")
    except Exception as e:  # noqa: BLE001
        check(False, what + ": onnx checker: " + " ".join(str(e).split())[:300])
    want = ort(model, work, **inputs)
    got = ours(model, work, **inputs)
    check(got is not None and all(np.allclose(g, w, atol=1e-4) for g, w in zip(got, want)),
          what + ": graphsmith run equals onnxruntime")
    return want


def softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def main(fx, work):
    p = lambda n: os.path.join(fx, n)
    w = lambda n: os.path.join(work, n)
    x = np.load(p("x.npy"))
    img = np.load(p("image.npy"))
    ya = ort(p("mlp_a.onnx"), work, x=x)[0]
    yb = ort(p("mlp_b.onnx"), work, x=x)[0]
    yc = ort(p("cnn_c.onnx"), work, image=img)[0]

    # weighted mean, members with other inputs (Reshape) and opsets (12)
    rc, so, se = gs("ensemble", "--weights", "5,3,2", "-o", w("mean.onnx"),
                    p("mlp_a.onnx"), p("mlp_b.onnx"), p("cnn_c.onnx"))
    check(rc == 0 and "Reshape" in so and "converted to opset 13" in so,
          "ensemble mean builds, reports the Reshape adapter and the conversion")
    got = valid(w("mean.onnx"), work, "mean", x=x)[0]
    check(np.allclose(got, 0.5 * ya + 0.3 * yb + 0.2 * yc, atol=1e-5),
          "mean equals 0.5*a + 0.3*b + 0.2*c run separately")

    rc, so, se = gs("ensemble", "--combine", "softmax-mean", "-o", w("smean.onnx"),
                    p("mlp_a.onnx"), p("mlp_b.onnx"))
    got = valid(w("smean.onnx"), work, "softmax-mean", x=x)[0]
    check(rc == 0 and np.allclose(got, 0.5 * softmax(ya) + 0.5 * softmax(yb), atol=1e-6),
          "softmax-mean equals the mean of the softmaxes")

    rc, so, se = gs("ensemble", "--combine", "vote", "--weights", "1,1,3", "-o", w("vote.onnx"),
                    p("mlp_a.onnx"), p("mlp_b.onnx"), p("cnn_c.onnx"))
    cls, votes = valid(w("vote.onnx"), work, "vote", x=x)
    wts = np.array([1, 1, 3], np.float32) / 5
    want = sum(wk * np.eye(10, dtype=np.float32)[yk.argmax(-1)]
               for wk, yk in zip(wts, (ya, yb, yc)))
    check(rc == 0 and np.allclose(votes, want, atol=1e-6), "vote counts are the weighted one-hots")
    check(np.array_equal(cls, want.argmax(-1)) and np.array_equal(cls, yc.argmax(-1)),
          "vote gives the weighted majority class (c outweighs a and b)")
    cls2 = ort(w("vote.onnx"), work, x=x)[0]
    names = [o.name for o in onnx.load(w("vote.onnx")).graph.output]
    check(names == ["logits", "logits_votes"], "vote outputs are logits, logits_votes")
    del cls2

    rc, so, se = gs("ensemble", "--combine", "concat", "-o", w("cat.onnx"),
                    p("mlp_a.onnx"), p("mlp_b.onnx"))
    got = valid(w("cat.onnx"), work, "concat", x=x)[0]
    check(rc == 0 and got.shape == (40, 20) and np.allclose(got, np.concatenate([ya, yb], 1),
                                                            atol=1e-6),
          "concat stacks the outputs along the last axis")

    # adapters: NHWC (Transpose), float64 (Cast in and out), 16x16 (Resize)
    rc, so, se = gs("ensemble", "-o", w("adapt.onnx"), p("cnn_c.onnx"), p("cnn_nhwc.onnx"),
                    p("cnn_f64.onnx"), p("cnn_16.onnx"))
    check(rc == 0 and "Transpose(0,2,3,1)" in so and "Cast(float64)" in so and
          "Resize(16,16)" in so, "ensemble plans Transpose, Cast and Resize adapters")
    got = valid(w("adapt.onnx"), work, "adapters", image=img)[0]
    rs = w("resize.onnx")
    g = helper.make_graph(
        [helper.make_node("Resize", ["i", "roi", "", "sz"], ["o"], mode="linear")], "r",
        [helper.make_tensor_value_info("i", TensorProto.FLOAT, [40, 1, 8, 8])],
        [helper.make_tensor_value_info("o", TensorProto.FLOAT, [40, 1, 16, 16])],
        [helper.make_tensor("roi", TensorProto.FLOAT, [0], []),
         helper.make_tensor("sz", TensorProto.INT64, [4], [40, 1, 16, 16])])
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), rs)
    img16 = ort(rs, work, i=img)[0]
    parts = [yc, ort(p("cnn_nhwc.onnx"), work, image=img.transpose(0, 2, 3, 1).copy())[0],
             ort(p("cnn_f64.onnx"), work, image=img.astype(np.float64))[0].astype(np.float32),
             ort(p("cnn_16.onnx"), work, image=img16)[0]]
    check(np.allclose(got, sum(parts) / 4, atol=1e-5),
          "adapted ensemble equals the members fed by hand (transpose, cast, resize)")

    # compose: float64 NHWC into a float NCHW classifier
    rc, so, se = gs("compose", "--plan", p("to_nhwc.onnx"), p("cnn_c.onnx"))
    check(rc == 0 and "Cast(float32) -> Transpose(0,3,1,2)" in so,
          "compose --plan names Cast and Transpose: " + so.strip())
    rc, so, se = gs("compose", "-o", w("comp.onnx"), p("to_nhwc.onnx"), p("cnn_c.onnx"))
    got = valid(w("comp.onnx"), work, "compose", x=x)[0]
    mid = ort(p("to_nhwc.onnx"), work, x=x)[0]
    want = ort(p("cnn_c.onnx"), work, image=mid.transpose(0, 3, 1, 2).astype(np.float32))[0]
    check(rc == 0 and np.allclose(got, want, atol=1e-5),
          "compose equals A, then the adapters, then B by hand")

    # two outputs concatenated into one input
    rc, so, se = gs("compose", "--map", "lo=x", "--map", "hi=x", "-o", w("cat2.onnx"),
                    p("split2.onnx"), p("mlp_a.onnx"))
    got = valid(w("cat2.onnx"), work, "compose concat", x=x)[0]
    check(rc == 0 and "Concat" in so and np.allclose(got, ya, atol=1e-6),
          "halves concatenated back into B's input give B's output")

    # backbone + head, composed and grafted
    want = ort(p("head.onnx"), work, feat=ort(p("backbone.onnx"), work, x=x)[0])[0]
    rc, so, se = gs("compose", "-o", w("bh.onnx"), p("backbone.onnx"), p("head.onnx"))
    got = valid(w("bh.onnx"), work, "backbone+head", x=x)[0]
    check(rc == 0 and np.allclose(got, want, atol=1e-6), "backbone composed with the head")
    rc, so, se = gs("graft", "--from", "features", "--to", "logits", "-o", w("graft.onnx"),
                    p("mlp_a.onnx"), p("head.onnx"))
    got = valid(w("graft.onnx"), work, "graft", x=x)[0]
    check(rc == 0 and np.allclose(got, want, atol=1e-6), "graft puts the new head on mlp_a")
    gm = onnx.load(w("graft.onnx"))
    ops = sorted(n.op_type for n in gm.graph.node)
    check([o.name for o in gm.graph.output] == ["logits"] and ops.count("Gemm") == 2 and
          len(gm.graph.initializer) == 4, "graft keeps the name 'logits', the old head is gone: "
          + ",".join(ops))

    # subgraphs: If bodies with outer references and Constants are copied
    rc, so, se = gs("ensemble", "--weights", "1,3", "-o", w("cond2.onnx"), p("cond.onnx"),
                    p("cond.onnx"))
    for sign in (1, -1):
        got = valid(w("cond2.onnx"), work, "If ensemble", x=sign * x)[0]
        want = ort(p("cond.onnx"), work, x=sign * x)[0]
        check(rc == 0 and np.allclose(got, want, atol=1e-6),
              "an ensemble of a model with an If equals the model (sign %d)" % sign)

    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
