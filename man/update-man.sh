#!/bin/sh
# Replaces the console section of the man page, between the marker
# comments, with what `graphsmith help --man` prints from the command table.
#   man/update-man.sh GRAPHSMITH MANPAGE          rewrite MANPAGE
#   man/update-man.sh --check GRAPHSMITH MANPAGE  exit 1 (with a diff) if stale
# `make update-man` runs the first form.
check=
[ "$1" = --check ] && { check=1; shift; }
[ $# -eq 2 ] || { echo "usage: $0 [--check] GRAPHSMITH MANPAGE" >&2; exit 2; }
bin=$1 page=$2
begin='.\" BEGIN generated'
end='.\" END generated'
tmp=$(mktemp) gen=$(mktemp)
trap 'rm -f "$tmp" "$gen"' EXIT
"$bin" help --man >"$gen" || { echo "$0: $bin help --man failed" >&2; exit 2; }
# (through the environment: awk -v would eat the backslash)
begin=$begin end=$end gen=$gen awk '
	BEGIN { begin = ENVIRON["begin"]; end = ENVIRON["end"]; gen = ENVIRON["gen"] }
	function starts(p) { return substr($0, 1, length(p)) == p }
	starts(begin) { print; while ((getline l < gen) > 0) print l; skip = 1; nb++; next }
	starts(end) { skip = 0; ne++ }
	!skip
	END { if (nb != 1 || ne != 1 || skip) exit 1 }' "$page" >"$tmp" ||
	{ echo "$0: $page needs one '$begin' line, then one '$end' line" >&2; exit 2; }
if [ -n "$check" ]; then
	diff -u "$page" "$tmp" && exit 0
	echo "$page: the console section differs from the command table; run 'make update-man'" >&2
	exit 1
fi
cmp -s "$page" "$tmp" || cat "$tmp" >"$page"
