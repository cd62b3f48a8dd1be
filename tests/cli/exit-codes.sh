#!/bin/bash
# One error-to-exit path: every subcommand (read from src/main.c's table,
# so a new one must get its rows here) and the workbench exit 2 on a file
# that is not a model and on an option they do not know, with a message on
# standard error (naming the file), no output file and no crash.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
cd "$top_srcdir" || exit 1
[ -e data/cnn.onnx ] || skip_all "data/cnn.onnx is not in this tree"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
M=data/cnn.onnx BAD=$tmp/bad.onnx OUT=$tmp/out.onnx
printf 'not a model' >"$BAD"
printf 'junk' >"$tmp/bad.npz"
printf 'bogus-key\n' >"$tmp/bad.keys"
: >"$tmp/quit.keys"

# name|what|args (expanded by the shell)|what stderr must name ('' anything)
cases='
info|bad file|info $BAD|bad.onnx
info|bad option|info --bogus-option $M|bogus-option
info|bad value|info --top x $M|--top
diff|bad file|diff $M $BAD|bad.onnx
diff|bad option|diff --bogus-option $M $M|bogus-option
apply|bad file|apply -o $OUT $BAD|bad.onnx
apply|bad file, commands|apply -c info -o $OUT $BAD|bad.onnx
apply|bad option|apply --bogus-option -o $OUT $M|bogus-option
apply|bad command|apply -c "nosuch" -o $OUT $M|nosuch
apply|bad argument|apply -c "prune magnitude 7" -o $OUT $M|7
run|bad file|run $BAD|bad.onnx
run|bad inputs|run --inputs $tmp/bad.npz $M|bad.npz
run|bad option|run --bogus-option $M|bogus-option
run|bad value|run --bench x $M|x
compare|bad file|compare $M $BAD|bad.onnx
compare|bad option|compare --bogus-option $M $M|bogus-option
compare|bad value|compare --threshold "" $M $M|
distill|bad file|distill --teacher $M --data $tmp/bad.npz -o $OUT $BAD|bad.onnx
distill|bad teacher|distill --teacher $BAD --data $tmp/bad.npz -o $OUT $M|bad.onnx
distill|bad option|distill --bogus-option x -o $OUT $M|
merge|bad file|merge --method linear -o $OUT $M $BAD|bad.onnx
merge|bad option|merge --bogus-option --method linear -o $OUT $M $M|bogus-option
transplant|bad file|transplant -o $OUT $M $BAD|bad.onnx
transplant|bad option|transplant --bogus-option -o $OUT $M $M|bogus-option
export|bad file|export weights $tmp/w.npz $BAD|bad.onnx
export|bad option|export --bogus-option weights $tmp/w.npz $M|
ensemble|bad file|ensemble -o $OUT $M $BAD|bad.onnx
ensemble|bad option|ensemble --bogus-option -o $OUT $M $M|bogus-option
ensemble|bad value|ensemble --combine bogus -o $OUT $M $M|--combine
compose|bad file|compose -o $OUT $M $BAD|bad.onnx
compose|bad option|compose --bogus-option -o $OUT $M $M|bogus-option
graft|bad file|graft --from a --to b -o $OUT $M $BAD|bad.onnx
graft|bad option|graft --bogus-option --from a --to b -o $OUT $M $M|bogus-option
help|bad command|help nosuch|nosuch
help|bad option|help --bogus-option|
(workbench)|bad file|--replay $tmp/quit.keys $BAD|bad.onnx
(workbench)|bad option|$M --bogus-option|
(workbench)|bad key script|--replay $tmp/bad.keys $M|bogus-key
(workbench)|missing key script|--replay $tmp/none.keys $M|none.keys
(main)|bad option|--bogus-option|
'
n=0 bad=
while IFS='|' read -r name what args names; do
	[ -n "$name" ] || continue
	n=$((n + 1))
	rm -f "$OUT"
	eval "set -- $args"
	"$GS_BIN" "$@" </dev/null >"$tmp/stdout" 2>"$tmp/stderr"
	rc=$?
	why=
	[ $rc -eq 2 ] || why="exit $rc"
	[ -s "$tmp/stderr" ] || why="$why, nothing on stderr"
	[ -z "$names" ] || grep -qF -- "$names" "$tmp/stderr" || why="$why, stderr does not name '$names'"
	grep -q 'Sanitizer\|runtime error' "$tmp/stderr" && why="$why, crashed"
	[ -e "$OUT" ] && why="$why, wrote $OUT"
	if [ -n "$why" ]; then
		sed 's/^/#   /' "$tmp/stderr" | head -5
		bad="$bad; $name $what:$why"
	fi
done <<<"$cases"
[ -z "$bad" ] && pass "all $n bad invocations exit 2 with a message" || fail "${bad#; }"

# the workbench on a terminal: the same file, the same exit status
if command -v script >/dev/null; then
	script -qec "'$GS_BIN' '$BAD'" /dev/null >"$tmp/tty" 2>&1 </dev/null
	rc=$?
	[ $rc -eq 2 ] && grep -q "bad.onnx" "$tmp/tty" && pass "the workbench on a terminal exits 2 on a bad file" ||
		fail "the workbench on a terminal: exit $rc: $(head -c 300 "$tmp/tty")"
fi

# every subcommand has rows above
missing=
for s in $(sed -n 's/^[[:space:]]*{ "\([a-z]*\)", gs_cli_[a-z]* },$/\1/p' src/main.c); do
	grep -q "^$s|bad option|" <<<"$cases" || missing="$missing $s"
	[ "$s" = help ] || grep -q "^$s|bad file|" <<<"$cases" || missing="$missing $s(file)"
done
[ -z "$missing" ] && pass "every subcommand of src/main.c is tried" ||
	fail "subcommands without a bad-file and a bad-option case:$missing"
finish
