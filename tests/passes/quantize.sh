#!/bin/sh
# quantize: every mode on the generated models, checked by python3-onnx's
# checker (opset <= 17 only: onnx 1.12 knows no opset 21) and by
# onnxruntime against the float original; refusals change nothing.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

have_python_onnx || skip_all "/usr/bin/python3 has no onnx"
have_ort || skip_all "tests/oracle/node_modules missing (cd tests/oracle && npm install)"
dir=$(fixtures quant tests/passes/gen_quant_models.py) || { fail "generate models"; finish; }
out=$(mktemp -d "${TMPDIR:-/tmp}/gs-quant.XXXXXX")
trap 'rm -rf "$out"' EXIT

# `graphsmith apply -c` once the command layer runs commands; until then
# the C API driver built with the tests.
runq() {	# runq OUT MODEL COMMAND...
	rq_out=$1 rq_model=$2
	shift 2
	if [ -x "$GS_BIN" ] && "$GS_BIN" apply -c "quantize $*" -o "$rq_out" "$rq_model" >"$out/log" 2>&1; then
		return 0
	elif [ ! -x "$GS_BIN" ] || grep -q "arrive with the passes\|unknown command" "$out/log"; then
		./tests/passes/quant_apply "$rq_out" "$rq_model" "$@" >"$out/log" 2>&1
	else
		return 1
	fi
}

inspect() { "$GS_PYTHON" "$top_srcdir/tests/passes/quant_inspect.py" "$1"; }

# mode | min cosine | models
check_mode() {
	mode=$1 cos=$2
	shift 2
	for m in "$@"; do
		o="$out/$m.$(echo "$mode" | tr ' ' _).onnx"
		if ! runq "$o" "$dir/$m.onnx" $mode; then
			fail "quantize $mode $m: $(cat "$out/log")"
			continue
		fi
		case $mode in
		int4*) ;;
		*) onnx_check "$o" >/dev/null 2>&1 || { fail "checker: quantize $mode $m"; continue; } ;;
		esac
		if r=$(ort_compare --min-cosine "$cos" --atol 1 "$dir/$m.onnx" "$o" 2>&1); then
			pass "quantize $mode $m (ort cosine >= $cos)"
		else
			fail "quantize $mode $m: $r"
		fi
	done
}

all="cnn cnn11 mlp matmul const if"
check_mode "int8 per-channel" 0.99 $all
check_mode "int8 per-tensor" 0.99 $all
check_mode "int8 per-channel asym" 0.99 $all
check_mode "uint8" 0.99 $all
check_mode "uint8 per-tensor sym" 0.99 $all
check_mode "fp16" 0.999 $all
check_mode "fp16 --all" 0.999 $all
check_mode "int4 --block 32" 0.97 mlp matmul const if
check_mode "int4 --block 16 asym" 0.97 mlp matmul const if

expect() {	# expect WHAT FILE LINE
	got=$(inspect "$2")
	if [ "$got" = "$3" ]; then pass "$1"; else fail "$1: got '$got', want '$3'"; fi
}
# per-channel axes: Conv 0, ConvTranspose 1, Gemm transB=1 0
expect "cnn int8 axes" "$out/cnn.int8_per-channel.onnx" \
	"opset=13 dq=6 cast=0 float_weights=0 int8=12 uint8=0 int4=0 fp16=0 axes=0,0,0,1,1,0"
# Gemm transB=0 axis 1, MatMul axis 1, the shared weight quantized once
expect "mlp int8 axes, shared weight once" "$out/mlp.int8_per-channel.onnx" \
	"opset=13 dq=3 cast=0 float_weights=0 int8=6 uint8=0 int4=0 fp16=0 axes=0,1,1"
expect "cnn11 opset raised to 13" "$out/cnn11.int8_per-channel.onnx" \
	"opset=13 dq=2 cast=0 float_weights=0 int8=4 uint8=0 int4=0 fp16=0 axes=0,0"
expect "cnn11 per-tensor keeps opset 11" "$out/cnn11.int8_per-tensor.onnx" \
	"opset=11 dq=2 cast=0 float_weights=0 int8=4 uint8=0 int4=0 fp16=0 axes=-,-"
expect "Constant weights" "$out/const.uint8.onnx" \
	"opset=13 dq=2 cast=0 float_weights=0 int8=0 uint8=4 int4=0 fp16=0 axes=0,1"
expect "If branches, outer weight dropped" "$out/if.int8_per-channel.onnx" \
	"opset=13 dq=2 cast=0 float_weights=0 int8=4 uint8=0 int4=0 fp16=0 axes=1,1"
expect "fp16 weights" "$out/mlp.fp16.onnx" \
	"opset=13 dq=0 cast=3 float_weights=0 int8=0 uint8=0 int4=0 fp16=3 axes=-"
expect "int4 blocks along K" "$out/mlp.int4_--block_32.onnx" \
	"opset=21 dq=3 cast=0 float_weights=0 int8=0 uint8=0 int4=6 fp16=0 axes=1:32,0:32,0:32"

# float16 is fp16's other name; quant_apply parses with the pass's spec as
# the console does, so both give the same bytes
for q in "fp16" "fp16 --all"; do
	alias=$(echo "$q" | sed 's/^fp16/float16/')
	if ./tests/passes/quant_apply "$out/qa.onnx" "$dir/mlp.onnx" $alias >"$out/log" 2>&1 &&
	   runq "$out/console.onnx" "$dir/mlp.onnx" $q && cmp -s "$out/qa.onnx" "$out/console.onnx"; then
		pass "quantize $alias is quantize $q"
	else
		fail "quantize $alias: $(cat "$out/log")"
	fi
done
if ./tests/passes/quant_apply "$out/qa.onnx" "$dir/mlp.onnx" int8 --data=x.npz >"$out/log" 2>&1 ||
   ! grep -q "quantize int8: unexpected argument '--data=x.npz'" "$out/log"; then
	fail "quant_apply int8 --data: $(cat "$out/log")"
else
	pass "quant_apply refuses the static options without static, naming the word"
fi

# undo restores the model byte for byte (needs the command layer's history)
if [ -x "$GS_BIN" ] && "$GS_BIN" apply -c "help undo" -o "$out/probe.onnx" "$dir/mlp.onnx" >/dev/null 2>&1; then
	for q in "int8 per-channel" "uint8 per-tensor" "int4 --block 32" "fp16" "fp16 --all"; do
		for m in mlp const if; do
			"$GS_BIN" apply -o "$out/base.onnx" "$dir/$m.onnx" &&
			"$GS_BIN" apply -c "quantize $q; undo" -o "$out/undone.onnx" "$dir/$m.onnx" >/dev/null &&
			cmp -s "$out/base.onnx" "$out/undone.onnx" &&
			pass "quantize $q; undo on $m saves the original bytes" ||
			fail "quantize $q; undo on $m"
		done
	done
else
	echo "# no undo in this build: undo checks skipped"
fi

# Big weights are split across threads (src/util/parallel.c): the values
# equal a numpy reference exactly, and one thread or four give the same
# bytes and the same step report (zero counts, sampled zstd size).
if [ -x "$GS_BIN" ]; then
	for t in 1 4; do
		GS_THREADS=$t "$GS_BIN" apply -c "quantize int8 per-channel" -o "$out/wide.$t.onnx" \
			"$dir/wide.onnx" >"$out/wide.$t.log" 2>&1 || fail "wide model, $t threads: $(cat "$out/wide.$t.log")"
	done
	if n=$("$GS_PYTHON" "$top_srcdir/tests/passes/quant_exact.py" "$dir/wide.onnx" "$out/wide.1.onnx"); then
		[ "$n" = 2 ] && pass "wide model: int8 per-channel equals numpy exactly (2 weights)" ||
			fail "wide model: $n weights checked, want 2"
	else
		fail "wide model: $n"
	fi
	# before-images over 4 MB are packed in chunks on every core
	"$GS_BIN" apply -o "$out/wide.base.onnx" "$dir/wide.onnx" &&
	"$GS_BIN" apply -c "prune magnitude 0.5; quantize int8 per-channel; prune magnitude 0.9; undo; undo; undo" \
		-o "$out/wide.undone.onnx" "$dir/wide.onnx" >/dev/null &&
	cmp -s "$out/wide.base.onnx" "$out/wide.undone.onnx" &&
		pass "wide model: prune, quantize, undo all saves the original bytes" ||
		fail "wide model: undo after prune and quantize"
	cmp -s "$out/wide.1.onnx" "$out/wide.4.onnx" && cmp -s "$out/wide.1.log" "$out/wide.4.log" &&
		pass "wide model: 1 and 4 threads give the same bytes and report" ||
		fail "wide model: 1 and 4 threads differ"
	# the report's sparsity counts the zeros (-0.0 too) the generator wrote
	want=$("$GS_PYTHON" -c '
import sys, onnx, numpy as np
from onnx import numpy_helper
m = onnx.load(sys.argv[1])
ws = [numpy_helper.to_array(t) for t in m.graph.initializer]
print("%.1f%%" % (100.0 * sum(int(np.sum(w == 0)) for w in ws) / sum(w.size for w in ws)))' "$dir/wide.onnx")
	got=$(GS_THREADS=3 "$GS_BIN" apply -c "history" -o "$out/wide.h.onnx" "$dir/wide.onnx" |
		awk '$2 == "baseline" { for (i = 3; i <= NF; i++) if ($i ~ /%$/) { print $i; exit } }')
	[ "$got" = "$want" ] && pass "baseline sparsity $want counted across threads" ||
		fail "baseline sparsity: got '$got', want '$want'"
fi

refuse() {	# refuse WHAT MODEL MESSAGE COMMAND...
	what=$1 m=$2 msg=$3
	shift 3
	rm -f "$out/refused.onnx"
	if runq "$out/refused.onnx" "$dir/$m.onnx" "$@"; then
		fail "$what: accepted"
	elif [ -e "$out/refused.onnx" ]; then
		fail "$what: wrote a model"
	elif ! grep -q "$msg" "$out/log"; then
		fail "$what: message: $(cat "$out/log")"
	else
		pass "$what"
	fi
}
refuse "block not dividing K" matmul "block size 48 does not divide" int4 --block 48
refuse "block 0" matmul "block size '0'" int4 --block 0
refuse "unknown mode" matmul "unknown mode 'int3'" int3
refuse "unknown option" matmul "unexpected argument 'per-row'" int8 per-row
refuse "opset raise without a conversion" resize11 "Resize" int8 per-channel
# an opset the quantizer needs raised is converted first, in the same step
if runq "$out/sm13.onnx" "$dir/softmax11.onnx" int8 per-channel && grep -q "converted opset 11 -> 13" "$out/log"; then
	pass "softmax11: converted to opset 13 and quantized, said in the report"
else
	fail "softmax11: $(cat "$out/log")"
fi
finish
