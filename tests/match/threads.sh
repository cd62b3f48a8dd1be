#!/bin/sh
# A diff big enough to be split across threads (views built in parallel,
# JSON items formatted in chunks of 2048 on every core) gives the same
# bytes with one thread as with four, and its report is complete: every
# node of A and of B in exactly one entry (bench/make_transformer.py pair
# of 10^4 nodes, B renamed, reordered and edited).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

have_python_onnx || skip_all "/usr/bin/python3 has no onnx"
out=$(mktemp -d "${TMPDIR:-/tmp}/gs-mthreads.XXXXXX")
trap 'rm -rf "$out"' EXIT
"$GS_PYTHON" "$top_srcdir/bench/make_transformer.py" 10000 "$out" --no-check >/dev/null ||
	{ fail "generate the 10^4 pair"; finish; }
# a race shows only now and then: several runs with threads
for t in 1 4 4.2 4.3 4.4 4.5; do
	GS_THREADS=${t%%.*} "$GS_BIN" diff --json "$out/a.onnx" "$out/b.onnx" |
		sed 's/"seconds": [0-9.e+-]*/"seconds": 0/' >"$out/d$t.json"
done
same=0
for t in 4 4.2 4.3 4.4 4.5; do
	cmp -s "$out/d1.json" "$out/d$t.json" && same=$((same + 1))
done
[ $same -eq 5 ] && pass "10^4 diff: 1 thread and five runs with 4 give the same JSON" ||
	fail "10^4 diff: $((5 - same)) of five runs with 4 threads differ from 1 thread"
if r=$("$GS_PYTHON" - "$out/d4.json" "$out/a.onnx" "$out/b.onnx" <<'PYEOF'
import json, sys
import onnx
d = json.load(open(sys.argv[1]))
for side, path in (("a", sys.argv[2]), ("b", sys.argv[3])):
    names = [n.name for n in onnx.load(path, load_external_data=False).graph.node]
    seen = [x for e in d["nodes"] if "subgraph" not in e for x in e[side]]
    if sorted(seen) != sorted(names):
        sys.exit("%s: %d names in entries, %d nodes" % (side, len(seen), len(names)))
print(len(d["nodes"]))
PYEOF
); then
	[ "$r" -gt 4096 ] && pass "10^4 diff: every node in exactly one of $r entries (over two chunks)" ||
		fail "10^4 diff: only $r entries, the chunking is not exercised"
else
	fail "10^4 diff: $r"
fi
finish
