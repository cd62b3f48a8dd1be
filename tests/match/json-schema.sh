#!/bin/bash
# doc/matching.md's section "The diff report in JSON" lists every key
# `graphsmith diff --json` writes (src/match/json_stream.c).  This runs
# diffs that between them produce every key and fails on a key the doc
# does not list, on a listed key no output shows (so the doc cannot drift
# either way), and on an enum value (status, method, class, kind) the doc
# does not name.
. "$top_srcdir/tests/lib.sh"
have_python_onnx || skip_all "/usr/bin/python3 has no onnx/numpy"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
m="$top_srcdir/data/cnn.onnx"
doc="$top_srcdir/doc/matching.md"
sc=$(fixtures match-scenarios tests/match/gen_scenarios.py) || skip_all "scenario fixtures"

apply() {	# apply NAME COMMAND: B made from the CNN by one console command
	"$GS_BIN" apply -c "$2" -o "$t/$1.onnx" "$m" >/dev/null || fail "apply $2"
}
apply pruned "prune magnitude 0.5"
apply fp16 "quantize fp16"
apply int8 "quantize int8"
apply channels "prune channels 0.5"
# the CNN with its input renamed (a runtime feeds inputs by name)
"$GS_PYTHON" - "$m" "$t/renamed.onnx" <<'PY' || fail "renamed fixture"
import sys, onnx
g = onnx.load(sys.argv[1])
old = g.graph.input[0].name
g.graph.input[0].name = "pixels"
for n in g.graph.node:
    n.input[:] = ["pixels" if i == old else i for i in n.input]
onnx.save(g, sys.argv[2])
PY

# diff NAME A B: the report in $t/NAME.json
diff_json() {
	"$GS_BIN" diff --json "$2" "$3" >"$t/$1.json"
	[ $? -le 1 ] && "$GS_PYTHON" -c 'import json,sys; json.load(open(sys.argv[1]))' "$t/$1.json" &&
		pass "$1: diff --json is JSON" || fail "$1: diff --json"
}
diff_json identical "$m" "$m"
diff_json folded "$m" "$top_srcdir/data/cnn-folded.onnx"
diff_json pruned "$m" "$t/pruned.onnx"
diff_json renamed "$m" "$t/renamed.onnx"
diff_json fp16 "$m" "$t/fp16.onnx"
diff_json int8 "$m" "$t/int8.onnx"
diff_json channels "$m" "$t/channels.onnx"
# edges (an input exchanged), body entries of an If, constants folded
for s in sub_swap if branch qdq; do
	diff_json "$s" "$sc/$s.a.onnx" "$sc/$s.b.onnx"
done

"$GS_PYTHON" - "$doc" "$t"/*.json <<'PY' && pass "the doc's JSON schema lists exactly the keys written" || fail "doc/matching.md and the JSON disagree"
import json, re, sys

def paths(x, at, out, vals):
    if isinstance(x, dict):
        for k, v in x.items():
            p = at + "." + k if at else k
            out.add(p)
            if k in ("status", "method", "class", "kind") and isinstance(v, str):
                vals.add((p, v))
            paths(v, p, out, vals)
    elif isinstance(x, list):
        for v in x:
            if isinstance(v, (dict, list)):
                paths(v, at + "[]", out, vals)

seen, vals = set(), set()
for f in sys.argv[2:]:
    paths(json.load(open(f)), "", seen, vals)

# the schema section: table rows whose first cell is a `key.path`
text = open(sys.argv[1]).read()
sec = text.split("## The diff report in JSON", 1)
if len(sec) != 2:
    sys.exit("no section 'The diff report in JSON' in " + sys.argv[1])
sec = sec[1].split("\n## ", 1)[0]
listed, rare, enum_doc = set(), set(), set()
for line in sec.splitlines():
    mt = re.match(r"\|\s*`([^`]+)`\s*\|(.*)", line)
    if not mt:
        continue
    listed.add(mt.group(1))
    if "(rare)" in mt.group(2):
        rare.add(mt.group(1))
    enum_doc |= {(mt.group(1), v) for v in re.findall(r'"([a-z_]+)"', mt.group(2))}
bad = 0
for p in sorted(seen - listed):
    print("written but not in the doc:", p)
    bad = 1
for p in sorted(listed - seen - rare):
    print("in the doc but no diff wrote it:", p)
    bad = 1
for p, v in sorted(vals - enum_doc):
    print("value not in the doc: %s = \"%s\"" % (p, v))
    bad = 1
sys.exit(bad)
PY
finish
