#!/bin/bash
# One source for the documentation: the man page's console section is what
# the command table gives (man/update-man.sh --check), every command is in
# `help` and the man page, every option a subcommand's source accepts is in
# its --help, and the usage of `graphsmith --help` and the man page's
# SYNOPSIS list the same subcommands with the same options.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
cd "$top_srcdir" || exit 1
[ -e data/cnn.onnx ] || skip_all "data/cnn.onnx is not in this tree"
tmp=$(mktemp -d)
[ -n "${GS_KEEP:-}" ] && echo "# keeping $tmp"
trap '[ -n "${GS_KEEP:-}" ] || rm -rf "$tmp"' EXIT
page=man/graphsmith.1

# 1. the generated section is current
if sh man/update-man.sh --check "$GS_BIN" "$page" >"$tmp/man.diff" 2>&1; then
	pass "the man page's console section is what 'graphsmith help --man' gives"
else
	sed 's/^/# /' "$tmp/man.diff" | head -40
	fail "the man page's console section is stale: run 'make update-man'"
fi
groff_out=
if command -v groff >/dev/null; then
	groff_out=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
	[ -z "$groff_out" ] && pass "groff reads the man page without a warning" ||
		fail "groff warns: $groff_out"
fi

# 2. every command of the table (read from the source, not from the
# program) is in `help`, has its own `help CMD`, and is in the man page
names=
for n in $(sed -n 's/^GS_COMMAND(\([a-z_]*\)).*/\1/p' src/cmd/commands.def); do
	f=src/cmd/cmd-${n%_cmd}.c
	name=$(sed -n -e 's/^[[:space:]]*\.name = "\([^"]*\)".*/\1/p' \
		-e 's/^GS_PASS_COMMAND(\([a-z_]*\),.*/\1/p' "$f" | head -1)
	[ -n "$name" ] || fail "no command name in $f"
	names="$names $name"
done
"$GS_BIN" help >"$tmp/help" || fail "graphsmith help failed"
"$GS_BIN" apply -c help -o "$tmp/out.onnx" data/cnn.onnx >"$tmp/help-apply" ||
	fail "apply -c help failed"
cmp -s "$tmp/help" "$tmp/help-apply" || fail "'graphsmith help' differs from the console's help"
sed -n '/^\.\\" BEGIN generated/,/^\.\\" END generated/p' "$page" >"$tmp/section"
count=0 bad=
for name in $names; do
	count=$((count + 1))
	grep -q "^  $name\( \|\$\)" "$tmp/help" || bad="$bad help:$name"
	"$GS_BIN" help "$name" >"$tmp/one" 2>&1 && grep -q "^usage: $name\( \|\$\)" "$tmp/one" ||
		bad="$bad help-$name"
	grep -q "^\\\\fB$name\\\\fR" "$tmp/section" || bad="$bad man:$name"
done
[ -z "$bad" ] && [ "$count" -ge 20 ] && pass "all $count commands are in help, help CMD and the man page" ||
	fail "commands missing:$bad ($count)"
[ "$(grep -c '^\.TP$' "$tmp/section")" -ge "$count" ] || fail "fewer entries than commands"

# 3. the subcommands: main.c's table, each option its source accepts
subs=$(sed -n 's/^[[:space:]]*{ "\([a-z]*\)", gs_cli_[a-z]* },$/\1/p' src/main.c)
[ "$(echo $subs | wc -w)" -ge 9 ] || fail "no subcommand table in src/main.c: '$subs'"
# The options in C source: "--name" or "-x" literals, getopt_long's table
# and short option letters.  FILE:FUNC takes one function only.
options_of() {
	local spec f fn
	for spec in "$@"; do
		f=${spec%%:*} fn=
		[ "$f" != "$spec" ] && fn=${spec#*:}
		if [ -n "$fn" ]; then
			awk -v fn="$fn" '$0 ~ "^[a-z].*[ *]" fn "\\(" { on = 1 } on { print } on && /^}/ { on = 0 }' "$f"
		else
			cat "$f"
		fi
	done >"$tmp/src"
	{
		grep -o '{ "[a-z][a-z0-9-]*", [a-z]*_argument' "$tmp/src" | sed 's/{ "\([^"]*\)".*/--\1/'
		grep -o 'getopt_long(argc, argv, "[^"]*"' "$tmp/src" | sed 's/.*"\(.*\)"/\1/' |
			tr -d ':' | fold -w1 | sed 's/^/-/'
		grep -o '"--\?[a-z][a-z0-9-]*"' "$tmp/src" | tr -d '"'
		# the options every subcommand takes, through the shared helper
		grep -q 'gs_cli_common_options(' "$tmp/src" && echo --allow-external-outside
	} | sort -u
}
sources_of() {
	case $1 in
	run|compare) echo src/cli/$1.c src/cli/sample-args.c ;;
	# a pass as a subcommand: its spec, and what src/cli/pass.c adds
	merge|transplant|ensemble|compose|graft)
		echo src/cli/$1.c src/cli/pass.c src/transfer/$1-pass.c ;;
	distill) echo src/cli/distill.c src/cmd/cmd-distill.c ;;
	*) echo src/cli/$1.c ;;
	esac
}
has_word() {	# has_word FILE OPTION: OPTION as a whole word
	grep -qE -- "(^|[^a-z0-9-])$2([^a-z0-9-]|\$)" "$1"
}
bad= nopt=0
for s in $subs; do
	if [ "$s" = help ]; then
		# its one hidden option, --man, serves man/update-man.sh
		continue
	fi
	"$GS_BIN" $s --help >"$tmp/h" 2>&1 || bad="$bad $s--help(exit)"
	grep -q "^usage: graphsmith $s" "$tmp/h" || bad="$bad $s--help(usage)"
	opts=$(options_of $(sources_of $s))
	has_word /dev/stdin --allow-external-outside <<<"$opts" || bad="$bad $s:no--allow-external-outside"
	for o in $opts; do
		case $o in --help|-h|--allow-external-outside) continue ;; esac
		nopt=$((nopt + 1))
		has_word "$tmp/h" "$o" || bad="$bad $s:$o"
	done
done
"$GS_BIN" --help >"$tmp/main" || bad="$bad main--help"
for o in $(options_of src/tui/workbench.c); do
	nopt=$((nopt + 1))
	has_word "$tmp/main" "$o" || bad="$bad workbench:$o"
done
[ -z "$bad" ] && [ "$nopt" -ge 40 ] &&
	pass "each subcommand's --help lists the $nopt options its source accepts" ||
	fail "options missing from --help:$bad ($nopt)"

# 4. `graphsmith --help` and the SYNOPSIS: the same entries, the same options
entries_usage() {
	sed -n '1,/^$/p' "$tmp/main" | sed 's/^usage: //' | awk '
		/^ *graphsmith/ { if (e) print e; e = $0; next }
		/^ *$/ { next }
		{ e = e " " $0 }
		END { if (e) print e }'
}
entries_synopsis() {
	sed -n '/^\.SH SYNOPSIS/,/^\.SH DESCRIPTION/p' "$page" | sed '1d;$d' |
		sed -e 's/^\.[A-Z]* //' -e 's/\\-/-/g' -e 's/\\f[BIR]//g' -e 's/"//g' | awk '
		/^\.br/ { print e; e = ""; next }
		{ e = e " " $0 }
		END { print e }'
}
# key (subcommand, "(workbench)" or "--help") then the sorted options
normalize() {
	while read -r line; do
		set -- $line
		key=$2
		case $key in ''|-*|\[*) key='(workbench)' ;; esac
		[ "$2" = --help ] && key=--help
		echo "$key $(grep -oE -- '(^|[][ |])--?[a-z][a-z0-9-]*' <<<"${line#*graphsmith}" |
			sed 's/^[][ |]//' | grep -v "^-*$key\$" | sort -u | tr '\n' ' ')"
	done | sort | awk '{ k = $1; $1 = ""; a[k] = a[k] $0 } END { for (k in a) print k a[k] }' |
		while read -r k rest; do echo "$k $(tr ' ' '\n' <<<"$rest" | sort -u | tr '\n' ' ')"; done |
		sort
}
entries_usage | normalize >"$tmp/u"
entries_synopsis | normalize >"$tmp/s"
if diff "$tmp/u" "$tmp/s" >"$tmp/us.diff"; then
	pass "graphsmith --help and the SYNOPSIS agree ($(wc -l <"$tmp/u") entries)"
else
	sed 's/^/# /' "$tmp/us.diff"
	fail "graphsmith --help (<) and the man page's SYNOPSIS (>) differ"
fi
bad=
for s in $subs; do
	grep -q "^$s " "$tmp/u" || bad="$bad $s"
	grep -q "^\.TP" "$page" && grep -qE "^\.B $s( |\$)" "$page" || bad="$bad man:$s"
done
[ -z "$bad" ] && pass "every subcommand is in the usage, the SYNOPSIS and SUBCOMMANDS" ||
	fail "subcommands missing:$bad"
finish
