#!/bin/sh
# Every figure of a step line (nodes, params, size, sparsity, opset) is
# what `graphsmith info --json` says of the file the step saved: each
# pass and pairs of passes, on weights stored as initializers and as
# Constant nodes.  Sparsity counts zeros in value space, so pruned zeros
# survive quantization to fp16, int8 and int4.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

have_python_onnx || skip_all "python3 with onnx and numpy is missing"
dir=$(fixtures figures tests/passes/gen_figures_models.py) || { fail "generate models"; finish; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gs-figures.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# check MODEL COMMANDS: the last step line against info of the saved file
check() {
	local m=$1 c=$2 out="$tmp/out.onnx"

	rm -f "$out"
	if ! "$GS_BIN" apply -c "$c" -o "$out" "$dir/$m.onnx" >"$tmp/log" 2>&1; then
		fail "$m: $c: $(tail -1 "$tmp/log")"
		return
	fi
	if ! "$GS_BIN" info --json "$out" >"$tmp/info.json" 2>"$tmp/err"; then
		fail "$m: $c: info: $(cat "$tmp/err")"
		return
	fi
	if r=$("$GS_PYTHON" - "$tmp/log" "$tmp/info.json" "$dir/$m.onnx" <<'PY'
import json, re, sys
import onnx

log = open(sys.argv[1]).read().splitlines()
info = json.load(open(sys.argv[2]))
first = onnx.load(sys.argv[3], load_external_data=False)
steps = [l for l in log if l.startswith("step ")]
def out(msg):
    print(msg)
    sys.exit(1)

if not steps:
    # a pass with nothing to do records no step
    if any(re.search(r": 0 rewrites|nothing to", l) for l in log):
        print("nothing to do, no step")
        sys.exit(0)
    out("no step line")

def size(n):	# gs_format_bytes: binary units, one decimal
    if n < 1024:
        return "%d B" % n
    v, u = float(n), 0
    while v >= 1024 and u < 4:
        v, u = v / 1024, u + 1
    return "%.1f %s" % (v, ["B", "KiB", "MiB", "GiB", "TiB"][u])

def opset(ids):
    return next((o.version for o in ids if o.domain in ("", "ai.onnx")), 0)

bad = []
for l in log:
    if re.search(r"\d kB|\d MB|\d GB", l):
        bad.append("decimal unit: " + l)
opv = opset(first.opset_import)
for l in steps:
    m = re.search(r"opset (\d+) -> (\d+)", l)
    if m:
        if int(m.group(1)) != opv:
            bad.append("opset from %s, was %d" % (m.group(1), opv))
        opv = int(m.group(2))
l = steps[-1]
m = re.match(r"step \d+ .*?: (\d+) nodes \([+-]\d+\), (\d+) params \([+-]\d+\), "
             r"([0-9.]+ [KMGT]?i?B) \([+-][0-9.]+%\), zstd .*?, sparsity ([0-9.]+)%", l)
if not m:
    out("step line not understood: " + l)
nodes, params, sz, sp = int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)
sparsity = info.get("sparsity", {}).get("fraction")
want = {
    "nodes": (nodes, info["nodes"]),
    "params": (params, info["parameters"]["elements"]),
    "size": (sz, size(info["file_bytes"])),
    "sparsity": (sp, None if sparsity is None else "%.1f" % (100 * sparsity)),
    "opset": (opv, opset([type("o", (), x) for x in
                          [{"domain": o["domain"], "version": o["version"]} for o in info["opsets"]]])),
}
for k, (a, b) in want.items():
    if a != b:
        bad.append("%s: step says %s, info %s" % (k, a, b))
if bad:
    out("; ".join(bad))
print("%s params, %s, sparsity %s%%" % (params, sz, sp))
PY
	); then
		pass "$m: $c: $r"
	else
		fail "$m: $c: $r"
	fi
}

for m in init const; do
	for c in "fuse all" "fuse conv-bn" "fuse constants" \
		"quantize int8" "quantize uint8 per-tensor asym" "quantize int4 --block 4" \
		"quantize int4 --block 4 asym" "quantize fp16" "quantize fp16 --all" \
		"prune magnitude 0.5" "prune nm 2:4" "prune channels 0.25" "convert opset 13" \
		"prune magnitude 0.5; quantize int8" "prune magnitude 0.5; quantize uint8 per-channel asym" \
		"prune magnitude 0.5; quantize fp16" "prune nm 2:4; quantize int4 --block 4 asym" \
		"prune channels 0.25; quantize int8" "fuse all; quantize int8" "quantize fp16; fuse all" \
		"convert opset 13; prune magnitude 0.5; quantize int8"; do
		check "$m" "$c"
	done
done

# the zeros of pruning survive quantization in the figure itself
"$GS_BIN" apply -c "prune magnitude 0.5; quantize int8" -o "$tmp/pq.onnx" "$dir/const.onnx" >"$tmp/log" 2>&1
grep -q "^step 2 quantize int8: .*sparsity 50.0% (+0.0 pts), opset 11 -> 13" "$tmp/log" &&
	pass "prune then int8: sparsity stays 50.0%, the opset raise is said" ||
	fail "prune then int8: $(grep '^step 2' "$tmp/log")"

# fuse all after quantize fp16 keeps the weights in float16 (issue 13, 3)
for m in init const; do
	"$GS_BIN" apply -c "quantize fp16; fuse all" -o "$tmp/hf.onnx" "$dir/$m.onnx" >"$tmp/log" 2>&1 &&
	"$GS_BIN" info --json "$tmp/hf.onnx" >"$tmp/info.json" &&
	"$GS_PYTHON" -c 'import json, sys
d = json.load(open(sys.argv[1]))["parameters"]["by_dtype"]
sys.exit(0 if d.get("float16", {}).get("elements") == 1632 else 1)' "$tmp/info.json" &&
		pass "$m: quantize fp16; fuse all keeps the 1632 float16 weight elements" ||
		fail "$m: quantize fp16; fuse all widened the weights: $(cat "$tmp/log")"
done
finish
