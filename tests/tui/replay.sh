#!/bin/sh
# The display-less mode: a key script replayed on a virtual screen, the
# screen dumped as text (--dump) and per-key frame times (--frames).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

DATA="$top_srcdir/data"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gs-replay.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export XDG_STATE_HOME="$tmp/state" LC_ALL=C.UTF-8

run() {	# run KEYS [ARGS...]: the screen after the keys
	printf '%s\n' "$1" > "$tmp/keys"
	shift
	"$GS_BIN" "$DATA/cnn.onnx" "$DATA/cnn-folded.onnx" --replay "$tmp/keys" --dump "$@"
}

s=$(run "n") || fail "replay runs"
printf '%s\n' "$s" | sed -n 3p | grep -q "^● *F Conv+BatchNormalization /conv1/Conv \[1,16,32,32\]" &&
	pass "first row: fused group" || fail "first row: $(printf '%s\n' "$s" | sed -n 3p)"
printf '%s\n' "$s" | grep -q "row 4/11  fused" && pass "n: next mismatch is row 4" || fail "n: next mismatch"
[ "$(printf '%s\n' "$s" | wc -l)" -eq 40 ] && pass "40 lines dumped" || fail "40 lines dumped"

s=$(run "Enter") || fail "replay detail"
printf '%s\n' "$s" | grep -q "fused by fusion" && pass "detail: status and method" || fail "detail: status"
printf '%s\n' "$s" | grep -q "  1 conv1.weight float32 \[16,3,3,3\] param *│  1 w0 float32 \[16,3,3,3\] param" &&
	pass "detail: inputs side by side" || fail "detail: inputs side by side"
printf '%s\n' "$s" | grep -q "[▁▂▃▄▅▆▇█]\{8,\}.*│.*[▁▂▃▄▅▆▇█]\{8,\}" && pass "detail: histograms before and after" ||
	fail "detail: histograms"

s=$(run ': "select -a /layer1/Add" Enter Escape t') || fail "replay trace"
printf '%s\n' "$s" | grep -q "row 7/11  matched  trace" && pass "select + trace" || fail "select + trace"
printf '%s\n' "$s" | grep -q "^│ ● ^F Conv+BatchNormalization /layer1/conv2/Conv" && pass "trace marks upstream (^)" ||
	fail "trace upstream"
printf '%s\n' "$s" | grep -q "^●  *vF\? *= Relu /layer1/relu_1/Relu\|^● *v= Relu /layer1/relu_1/Relu" &&
	pass "trace marks downstream (v)" || fail "trace downstream"

s=$(run "/ \"gemm\" Enter") || fail "replay search"
printf '%s\n' "$s" | grep -q "row 11/11" && pass "/ finds the Gemm" || fail "/ search"

s=$(run "e") || fail "replay explain"
printf '%s\n' "$s" | grep -qi "conv" && printf '%s\n' "$s" | grep -q "any other key closes" && pass "e explains the op" ||
	fail "e explains"

s=$(run "j resize=60x15") || fail "replay resize"
[ "$(printf '%s\n' "$s" | wc -l)" -eq 15 ] && printf '%s\n' "$s" | grep -q "row 2/11" && pass "resize to 60x15" || fail "resize"
s=$(run "resize=30x8") || fail "replay small"
printf '%s\n' "$s" | grep -q "terminal too small" && pass "too small" || fail "too small"

out=$(run "j j q" --frames) || fail "frames run"
[ "$(printf '%s\n' "$out" | grep -c '^frame [0-9]* ')" -eq 4 ] && pass "--frames: one line per frame" || fail "--frames lines"
printf '%s\n' "$out" | grep -q "^keys 3  first-frame" && pass "--frames: summary" || fail "--frames summary"

# If/Loop bodies collapse and expand in place, aligned one level deeper
if have_python_onnx && cf=$(fixtures roundtrip tests/fixtures/gen_roundtrip.py); then
	printf '/ "if_flag" Enter Enter\n' > "$tmp/keys"
	s=$("$GS_BIN" "$cf/control_flow.onnx" --replay "$tmp/keys" --dump --size 100x24) || fail "replay control flow"
	printf '%s\n' "$s" | grep -q "= ▾ If if_flag \[3\] *│.*= ▾ If if_flag" && pass "Enter expands the If" || fail "If expanded"
	printf '%s\n' "$s" | grep -q "^    then_branch: *│    then_branch:" && pass "branch label rows" || fail "branch labels"
	printf '%s\n' "$s" | grep -q "^●  =   Add then_add \[3\]" && pass "body rows indented" || fail "body rows"
	printf '%s\n' "$s" | grep -q "= ▸ Loop loop" && pass "Loop stays collapsed" || fail "Loop collapsed"
else
	echo "# python3-onnx missing: control-flow checks skipped"
fi

# names with control sequences are drawn escaped, never raw
if have_python_onnx && mal=$(fixtures malformed tests/fixtures/gen_malformed.py); then
	printf 'Enter\n' > "$tmp/keys"
	s=$("$GS_BIN" "$mal/control_chars.onnx" --replay "$tmp/keys" --dump) || fail "replay control chars"
	printf '%s\n' "$s" | grep -qF 'A: Relu \e[2J\e[H\e]0;pwned\x07relu\x0d' && pass "node name escaped" || fail "node name escaped"
	printf '%s\n' "$s" | grep -qF 'out\e[31mRED\e[0m\x08\x08 float32 [4]' && pass "tensor name escaped" || fail "tensor name escaped"
	printf '%s\n' "$s" | LC_ALL=C grep -q "$(printf '\033')" && fail "no raw ESC on screen" || pass "no raw ESC on screen"
fi

# q asks first when B has unsaved edits (any mutating command will do)
printf ': "quantize int8" Enter Escape q\n' > "$tmp/keys"
s=$("$GS_BIN" "$DATA/cnn.onnx" --replay "$tmp/keys" --dump) || fail "replay unsaved"
if printf '%s\n' "$s" | grep -q "B modified"; then
	printf '%s\n' "$s" | grep -q "B has unsaved edits; quit anyway? (y/n)" && pass "q asks when B is modified" ||
		fail "q asks when B is modified"
	printf ': "quantize int8" Enter Escape q "y" Enter j j\n' > "$tmp/keys"
	out=$("$GS_BIN" "$DATA/cnn.onnx" --replay "$tmp/keys" --frames) || fail "replay confirm"
	printf '%s\n' "$out" | grep -q "^keys 19 " && pass "y quits (the keys after it are not played)" || fail "y quits"
else
	echo "# quantize unavailable: unsaved-quit checks skipped"
fi

printf 'bogus-key\n' > "$tmp/bad"
"$GS_BIN" "$DATA/cnn.onnx" --replay "$tmp/bad" 2>"$tmp/err" >/dev/null; rc=$?
[ $rc -eq 2 ] && grep -q "unknown key 'bogus-key'" "$tmp/err" && pass "a bad key script fails" || fail "bad key script ($rc)"
finish
