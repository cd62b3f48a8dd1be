#!/bin/sh
# Opset conversion end to end: `graphsmith apply -c "convert opset N"` on
# every case of tests/passes/gen_convert_models.py (python3-onnx fixtures at
# opsets 7-21, PyTorch exports at 9-17): the expected success or refusal,
# python3-onnx's checker (skipped above opset 17 or IR 8, which onnx 1.12
# does not know), onnxruntime's outputs against the original's (max abs <=
# 1e-6 relative to the output range), our evaluator's (`graphsmith
# compare`), and the way back to the source opset.  Then --dry-run, a
# refusal, undo, and quantize on an opset-9 model.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

have_python_onnx || skip_all "python3-onnx is missing"
dir=$(fixtures convert tests/passes/gen_convert_models.py) || { echo "cannot generate models"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gs-convert.XXXXXX")
trap '[ -n "${GS_KEEP_TMP:-}" ] || rm -rf "$tmp"' EXIT
ort=1
have_ort || ort=0
checked=0 unchecked=0 ort_ok=0 back=0

# checker on a model whose opset/IR onnx 1.12 knows; a skip is counted
check() {	# check FILE OPSET LABEL
	if [ "$2" -gt 17 ]; then
		unchecked=$((unchecked + 1))
		return
	fi
	if onnx_check "$1" >"$tmp/check" 2>&1; then
		checked=$((checked + 1))
		pass "$3: checker"
	elif grep -q "ir_version is higher than the checker" "$tmp/check"; then
		unchecked=$((unchecked + 1))
	else
		cat "$tmp/check"
		fail "$3: checker"
	fi
}

same() {	# same A B LABEL: onnxruntime and our evaluator agree
	if [ "$ort" -eq 1 ]; then
		if ort_compare --atol 1e-6 "$1" "$2" >"$tmp/ort" 2>&1; then
			ort_ok=$((ort_ok + 1))
			pass "$3: onnxruntime outputs"
		else
			cat "$tmp/ort"
			fail "$3: onnxruntime outputs"
		fi
	fi
	if "$GS_BIN" compare "$1" "$2" >"$tmp/cmp" 2>&1; then
		pass "$3: graphsmith compare"
	elif grep -q "unsupported\|not evaluable\|no kernel" "$tmp/cmp"; then
		pass "$3: graphsmith compare (skipped: $(head -1 "$tmp/cmp"))"
	else
		cat "$tmp/cmp"
		fail "$3: graphsmith compare"
	fi
}

while read -r model src target expect; do
	out="$tmp/$model.$target.onnx"
	label="$model $src -> $target"
	if "$GS_BIN" apply -c "convert opset $target" -o "$out" "$dir/$model.onnx" >"$tmp/log" 2>&1; then
		if [ "$expect" = refuse ]; then
			cat "$tmp/log"
			fail "$label: refused"
			continue
		fi
		grep -q "^converted opset $src -> $target" "$tmp/log" && pass "$label: converts" ||
			{ cat "$tmp/log"; fail "$label: report line"; }
	else
		if [ "$expect" = refuse ] && grep -q "refused: node" "$tmp/log" && [ ! -e "$out" ]; then
			pass "$label: refused ($(grep -m1 'refused: node' "$tmp/log"))"
		else
			cat "$tmp/log"
			fail "$label: converts"
		fi
		continue
	fi
	check "$out" "$target" "$label"
	same "$dir/$model.onnx" "$out" "$label"
	# and back
	if "$GS_BIN" apply -c "convert opset $src" -o "$tmp/back.onnx" "$out" >"$tmp/log" 2>&1; then
		back=$((back + 1))
		check "$tmp/back.onnx" "$src" "$label -> $src"
		same "$dir/$model.onnx" "$tmp/back.onnx" "$label -> $src"
	else
		echo "# $label -> $src: $(grep -m1 'refused' "$tmp/log")"
	fi
done <"$dir/cases.txt"

# the IR version follows the opset down too, and IR 3 lists every
# initializer (of every graph, If branches included) as a graph input:
# onnx 1.12's checker must accept each of these, no skip
ir_of() { "$GS_BIN" info "$1" | sed -n 's/^ir version *//p'; }
ir3_listed() {	# every initializer of every graph is one of its inputs
	"$GS_PYTHON" - "$1" <<'PY'
import sys, onnx
def ok(g):
    names = {i.name for i in g.input}
    if any(t.name not in names for t in g.initializer):
        return False
    return all(ok(a.g) for nd in g.node for a in nd.attribute if a.type == a.GRAPH)
sys.exit(0 if ok(onnx.load(sys.argv[1]).graph) else 1)
PY
}
while read -r model target ir; do
	label="$model -> $target"
	if "$GS_BIN" apply -c "convert opset $target" -o "$tmp/ir.onnx" "$dir/$model.onnx" >"$tmp/log" 2>&1 &&
		[ "$(ir_of "$tmp/ir.onnx")" = "$ir" ] && onnx_check "$tmp/ir.onnx" >"$tmp/check" 2>&1; then
		pass "$label: IR $ir, onnx 1.12's checker accepts it"
	else
		cat "$tmp/log" "$tmp/check" 2>/dev/null
		fail "$label: IR $ir and the checker"
	fi
	if [ "$ir" -lt 4 ]; then
		ir3_listed "$tmp/ir.onnx" && pass "$label: IR 3, every initializer listed as an input" ||
			fail "$label: IR 3 initializers listed as inputs"
	fi
	"$GS_BIN" apply -c "convert opset $target; undo" -o "$tmp/undo.onnx" "$dir/$model.onnx" >"$tmp/log" 2>&1 &&
		cmp -s "$tmp/undo.onnx" "$dir/$model.onnx" && pass "$label; undo gives the original bytes" ||
		{ cat "$tmp/log"; fail "$label; undo"; }
done <<EOF
op21_down 17 8
op21_down 13 7
op21_down 8 3
op13_if 8 3
op9_paddle 8 3
op9_paddle 7 3
op20_gelu 17 8
EOF

# --dry-run: lists, changes nothing (the saved bytes are the original's)
m="$dir/op9_paddle.onnx"
if "$GS_BIN" apply -c "convert opset 13 --dry-run" -o "$tmp/dry.onnx" "$m" >"$tmp/log" 2>&1 &&
	grep -q "^9 -> 10: Upsample 'up_node': -> Resize (mode nearest)" "$tmp/log" &&
	grep -q "^10 -> 11: Clip 'relu6_node': min/max attributes -> float32 inputs" "$tmp/log" &&
	grep -q "^would convert opset 9 -> 13 (IR 4 -> 7): 2 Upsample -> Resize, 1 Slice" "$tmp/log" &&
	cmp -s "$tmp/dry.onnx" "$m"; then
	pass "--dry-run lists the rewrites and changes nothing"
else
	cat "$tmp/log"
	fail "--dry-run"
fi

# a refusal: exact, nonzero exit, nothing written
if "$GS_BIN" apply -c "convert opset 16" -o "$tmp/ref.onnx" "$dir/op21_gn.onnx" >"$tmp/log" 2>&1; then
	fail "GroupNormalization below 18 is refused"
elif grep -q "refused: node 'y_node' (GroupNormalization), opset 18 -> 17: 'GroupNormalization' does not exist before opset 18" "$tmp/log" &&
	[ ! -e "$tmp/ref.onnx" ]; then
	pass "refusal: node, op, step and reason; nothing written"
else
	cat "$tmp/log"
	fail "refusal message"
fi
# a dry run names every refusal too
"$GS_BIN" apply -c "convert opset 12 --dry-run" -o "$tmp/d.onnx" "$dir/op13_runtime_axes.onnx" >"$tmp/log" 2>&1
grep -q "refused: node 'y_node' (ReduceSum), opset 13 -> 12: axes comes from 'ax1', computed at run time" "$tmp/log" &&
	pass "dry run lists the refusal" || { cat "$tmp/log"; fail "dry run lists the refusal"; }

# undo: the original bytes; redo: the converted bytes
for model in op9_paddle op7_ir3 op13_down; do
	"$GS_BIN" apply -c "convert opset 17; undo" -o "$tmp/undo.onnx" "$dir/$model.onnx" >"$tmp/log" 2>&1 &&
		cmp -s "$tmp/undo.onnx" "$dir/$model.onnx" && pass "$model: convert; undo gives the original bytes" ||
		{ cat "$tmp/log"; fail "$model: convert; undo"; }
	"$GS_BIN" apply -c "convert opset 17" -o "$tmp/once.onnx" "$dir/$model.onnx" >/dev/null 2>&1
	"$GS_BIN" apply -c "convert opset 17; undo; redo" -o "$tmp/redo.onnx" "$dir/$model.onnx" >"$tmp/log" 2>&1 &&
		cmp -s "$tmp/once.onnx" "$tmp/redo.onnx" && pass "$model: convert; undo; redo" ||
		{ cat "$tmp/log"; fail "$model: convert; undo; redo"; }
done
"$GS_BIN" apply -c "convert opset 13; history" -o "$tmp/h.onnx" "$dir/op9_paddle.onnx" >"$tmp/log" 2>&1
[ "$(grep -c 'convert opset 13' "$tmp/log")" -ge 1 ] && pass "one history step" ||
	{ cat "$tmp/log"; fail "one history step"; }

# quantize on the opset-9 model converts first, in the same step
if "$GS_BIN" apply -c "quantize int8 per-channel" -o "$tmp/q.onnx" "$m" >"$tmp/log" 2>&1 &&
	grep -q "opset 13" "$tmp/log"; then
	pass "quantize int8 per-channel on opset 9 converts to 13"
	grep -q "converted opset 9 -> 13" "$tmp/log" && pass "quantize says it converted" ||
		echo "# quantize's report does not name the conversion (needs the quantize-weights.c hook)"
	check "$tmp/q.onnx" 13 "op9_paddle quantized"
	if [ "$ort" -eq 1 ]; then
		node "$top_srcdir/tests/oracle/ort_compare.js" --atol 0.5 --min-cosine 0.99 "$m" "$tmp/q.onnx" \
			>"$tmp/ort" 2>&1 && pass "quantized model runs in onnxruntime, close to the original" ||
			{ cat "$tmp/ort"; fail "quantized model in onnxruntime"; }
	fi
	"$GS_BIN" apply -c "quantize int8 per-channel; undo" -o "$tmp/qu.onnx" "$m" >/dev/null 2>&1 &&
		cmp -s "$tmp/qu.onnx" "$m" && pass "quantize (with conversion); undo" ||
		fail "quantize (with conversion); undo"
else
	cat "$tmp/log"
	fail "quantize int8 per-channel on opset 9"
fi

# The ONNX backend node tests whose ops have a breaking change on the way
# (gen_convert_models.py --select: at most 150, every such op sampled):
# each converted to 13, 17, 21 and just below the op's break, and back to
# its own opset.  A conversion succeeds or is refused cleanly (a message,
# nothing written); what it writes passes onnx 1.12's checker where the
# original does, and gives the test's expected outputs in our evaluator
# (tests/eval/conform) where the original does.
node_dir="$top_srcdir/../shared/onnx-testdata/node"
conform="${top_builddir:-.}/tests/eval/conform"
nt_conv=0 nt_back=0 nt_refused=0 nt_checked=0 nt_ran=0 nt_tests=0
if [ ! -d "$node_dir" ]; then
	echo "# ../shared/onnx-testdata is absent: the node tests are skipped"
elif ! "$GS_PYTHON" "$top_srcdir/tests/passes/gen_convert_models.py" --select \
	"$top_srcdir/src/ops" "$node_dir" 150 >"$tmp/sel"; then
	fail "node tests: selection"
else
	nt="$tmp/nt"
	mkdir -p "$nt"
	nt_tests=$(wc -l <"$tmp/sel")
	# one conversion (and its way back) per line: NAME SRC TARGET
	while read -r name src op targets; do
		for t in $(echo "$targets" | tr , ' '); do
			echo "$name $src $t"
		done
	done <"$tmp/sel" >"$tmp/jobs"
	nt_one() {	# nt_one NAME SRC TARGET: prints NAME SRC TARGET STATUS
		d="$nt/$1.to$3"
		mkdir -p "$d" "$d.back"
		if "$GS_BIN" apply -c "convert opset $3; save $d/model.onnx; convert opset $2" \
			-o "$d.back/model.onnx" "$node_dir/$1/model.onnx" >"$d.log" 2>&1; then
			st=back
		elif [ -s "$d/model.onnx" ]; then
			st=conv
		else
			st=refused
		fi
		if grep -q "Sanitizer\|runtime error" "$d.log" ||
			{ [ "$st" != back ] && ! grep -q "^graphsmith: apply: -c:[0-9]*: convert opset" "$d.log"; }; then
			st=crash
		fi
		for x in "$d" "$d.back"; do
			if [ -s "$x/model.onnx" ]; then
				ln -s "$node_dir/$1/test_data_set_0" "$x/test_data_set_0"
			else
				rm -rf "$x"
			fi
		done
		echo "$1 $2 $3 $st"
	}
	# two shards: the conversions are many small processes
	split -n l/2 "$tmp/jobs" "$tmp/jobs."
	for s in "$tmp"/jobs.a?; do
		while read -r name src t; do nt_one "$name" "$src" "$t"; done <"$s" >"$s.out" &
	done
	wait
	cat "$tmp"/jobs.a?.out >"$tmp/status"
	while read -r name src t st; do
		case $st in
		back) nt_conv=$((nt_conv + 1)); nt_back=$((nt_back + 1)) ;;
		conv) nt_conv=$((nt_conv + 1)) ;;
		refused) nt_refused=$((nt_refused + 1)) ;;
		*) cat "$nt/$name.to$t.log"; fail "node test $name $src -> $t: neither converted nor cleanly refused" ;;
		esac
	done <"$tmp/status"
	[ "$nt_conv" -gt 0 ] && pass "node tests: $nt_conv conversions of $(wc -l <"$tmp/jobs") ($nt_back back), $nt_refused refused cleanly" ||
		fail "node tests: nothing converted"
	# the checker: on what onnx 1.12 knows (opset <= 17), where the
	# original passes it
	: >"$tmp/ck.list"
	while read -r name src t st; do
		[ "$st" = refused ] && continue
		if [ "$t" -le 17 ]; then echo "$nt/$name.to$t/model.onnx $node_dir/$name/model.onnx"; fi
		if [ "$st" = back ] && [ "$src" -le 17 ]; then
			echo "$nt/$name.to$t.back/model.onnx $node_dir/$name/model.onnx"
		fi
	done <"$tmp/status" >"$tmp/ck.list"
	if [ -s "$tmp/ck.list" ]; then
		sort -u -k2,2 "$tmp/ck.list" | cut -d' ' -f2 | xargs "$GS_PYTHON" "$top_srcdir/tests/oracle/check.py" >"$tmp/ck.orig" 2>&1
		cut -d' ' -f1 "$tmp/ck.list" | xargs "$GS_PYTHON" "$top_srcdir/tests/oracle/check.py" >"$tmp/ck.conv" 2>&1
		ck_bad=0
		while read -r conv orig; do
			grep -q "^ok $orig\$" "$tmp/ck.orig" || continue
			if grep -q "^ok $conv\$" "$tmp/ck.conv"; then
				nt_checked=$((nt_checked + 1))
			elif ! grep "^FAIL $conv:" "$tmp/ck.conv" | grep -q "ir_version is higher"; then
				grep "^FAIL $conv:" "$tmp/ck.conv"
				ck_bad=$((ck_bad + 1))
			fi
		done <"$tmp/ck.list"
		[ "$ck_bad" -eq 0 ] && pass "node tests: $nt_checked converted models pass the checker" ||
			fail "node tests: $ck_bad converted models fail the checker"
	fi
	# our evaluator on the test's own inputs: where the original passes,
	# every converted copy must too
	if [ -x "$conform" ]; then
		cut -d' ' -f1 "$tmp/sel" | sed "s|^|$node_dir/|" | xargs "$conform" -v >"$tmp/cf.orig" 2>&1
		find "$nt" -mindepth 1 -maxdepth 1 -type d | xargs "$conform" -v >"$tmp/cf.conv" 2>&1
		cf_bad=0
		while read -r name src t st; do
			grep -q "^PASS $name\$" "$tmp/cf.orig" || continue
			for x in "$name.to$t" "$name.to$t.back"; do
				[ -d "$nt/$x" ] || continue
				if grep -q "^PASS $x\$" "$tmp/cf.conv"; then
					nt_ran=$((nt_ran + 1))
				else
					grep "^[A-Z]* $x:" "$tmp/cf.conv"
					cf_bad=$((cf_bad + 1))
				fi
			done
		done <"$tmp/status"
		[ "$cf_bad" -eq 0 ] && pass "node tests: $nt_ran converted models give the expected outputs" ||
			fail "node tests: $cf_bad converted models do not give the expected outputs"
	else
		echo "# $conform is not built: the node tests' outputs are not checked"
	fi
fi

echo "# figures: $(wc -l <"$dir/cases.txt") conversions, $back converted back," \
	"$checked checker passes ($unchecked above onnx 1.12), $ort_ok onnxruntime comparisons;" \
	"node tests: $nt_tests tests, $nt_conv conversions ($nt_back back, $nt_refused refused)," \
	"$nt_checked checker passes, $nt_ran evaluator passes"
[ "$fails" -eq 0 ] || finish
[ "$ort" -eq 1 ] || skip_all "onnxruntime-node not installed in tests/oracle (checker passed)"
finish
