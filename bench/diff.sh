#!/bin/sh
# bench/diff.sh - speed and accuracy of `graphsmith diff --json`
# on synthetic transformer pairs of 10^3, 10^4 and 10^5 nodes
# (bench/make_transformer.py), against python3-onnx's onnx.load of the
# same two files, measured side by side (alternating runs, best of 5 each).
# Uses the shared optimized build of bench/lib.sh (or GS_BIN).  Prints wall
# time, the ratio to onnx.load, the
# 10^4 -> 10^5 growth, peak RSS (/usr/bin/time -v), and how many of A's
# nodes come out matched or changed, and the accuracy against truth.json.
set -e
. "$(dirname "$0")/lib.sh"
top=$bench_top
PY=/usr/bin/python3
GS=$(bench_bin)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for n in 1000 10000 100000; do
	$PY "$top/bench/make_transformer.py" $n "$work/$n" --no-check >/dev/null
done
$PY - "$GS" "$work" <<'PYEOF'
import json, os, resource, subprocess, sys, time

gs, work = sys.argv[1], sys.argv[2]


def cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(cmd, out):
    """(wall, CPU) of one run, stdout straight to the file out."""
    t0, c0 = time.perf_counter(), cpu()
    with open(out, "wb") as f:
        r = subprocess.run(cmd, stdout=f, stderr=subprocess.PIPE)
    t, c = time.perf_counter() - t0, cpu() - c0
    if r.returncode not in (0, 1):
        sys.exit("failed: %s: %s" % (cmd, r.stderr.decode()))
    return t, c


def side_by_side(cmd_a, out_a, cmd_b, runs=5):
    """Best (wall, CPU) of each command over `runs` alternating runs, so
    both see the same machine (here, whether a run follows another
    process's release of memory changes it by a third)."""
    a, b = [], []
    for _ in range(runs):
        a.append(timed(cmd_a, out_a))
        b.append(timed(cmd_b, os.devnull))
    return (min(x[0] for x in a), min(x[1] for x in a)), (min(x[0] for x in b), min(x[1] for x in b))


def peak_rss(cmd):
    r = subprocess.run(["/usr/bin/time", "-v"] + cmd, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    for line in r.stderr.splitlines():
        if "Maximum resident set size" in line:
            return int(line.split()[-1])
    return -1


def accuracy(res, truth, nodes_a):
    d = json.load(open(res))
    mapping = {}
    good_a = 0
    for e in d["nodes"]:
        if "subgraph" in e:
            continue
        if e["status"] in ("matched", "changed"):
            good_a += len(e["a"])
        # pair members by op type, in order
        used = set()
        for na, oa in zip(e["a"], e["ops_a"]):
            for j, (nb, ob) in enumerate(zip(e["b"], e["ops_b"])):
                if j not in used and ob == oa:
                    used.add(j)
                    mapping[na] = nb
                    break
    right = sum(1 for a, b in truth.items() if mapping.get(a) == b)
    return good_a, right


rows = {}
for n in (1000, 10000, 100000):
    a, b = "%s/%d/a.onnx" % (work, n), "%s/%d/b.onnx" % (work, n)
    res = "%s/%d/diff.json" % (work, n)
    t_gs, t_py = side_by_side([gs, "diff", "--json", a, b], res,
                              ["/usr/bin/python3", "-c",
                               "import onnx,sys; onnx.load(sys.argv[1]); onnx.load(sys.argv[2])", a, b])
    rss = peak_rss([gs, "diff", "--json", a, b])
    truth = json.load(open("%s/%d/truth.json" % (work, n)))
    d = json.load(open(res))
    nodes_a = d["summary"]["nodes_a"]
    good_a, right = accuracy(res, truth, nodes_a)
    rows[n] = t_gs
    print("%6d nodes: diff %.3f s wall / %.3f s cpu, onnx.load %.3f s wall / %.3f s cpu, "
          "ratio %.2f wall / %.2f cpu, match phase %.3f s, peak RSS %d MiB, "
          "A matched/changed %.2f%% (%d/%d), truth pairs right %.2f%% (%d/%d), "
          "summary %s" % (nodes_a, t_gs[0], t_gs[1], t_py[0], t_py[1], t_gs[0] / t_py[0],
                          t_gs[1] / t_py[1], d["seconds"], rss // 1024,
                          100.0 * good_a / nodes_a, good_a, nodes_a,
                          100.0 * right / max(1, len(truth)), right, len(truth),
                          {k: d["summary"][k] for k in ("matched", "changed", "added",
                                                        "removed", "fused", "folded")}))
print("growth 10^4 -> 10^5: %.1fx wall, %.1fx cpu" % (rows[100000][0] / rows[10000][0],
                                                     rows[100000][1] / rows[10000][1]))
PYEOF
