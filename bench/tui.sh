#!/bin/sh
# Frame times of the workbench on a 10^5-node pair: a key script replayed
# on a virtual screen (graphsmith A B --replay KEYS --frames), each key
# timed from arrival to a finished frame.  Target: <= 10 ms per key.
#   bench/tui.sh [NODES] [BIN]     (default 100000, the shared -O2 build)
# The pair is made once by bench/make_transformer.py into $GS_BENCH_DIR.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
nodes=${1:-100000}
bin=${2:-$(bench_bin)}
dir=${GS_BENCH_DIR:-${TMPDIR:-/tmp}/gs-bench-tui-$nodes}
if [ ! -e "$dir/b.onnx" ]; then
	mkdir -p "$dir"
	/usr/bin/python3 "$here/make_transformer.py" "$nodes" "$dir" --no-check >/dev/null
fi
keys=$(mktemp)
state=$(mktemp -d)
trap 'rm -rf "$keys" "$state"' EXIT
# moves, pages, ends, mismatches, panes, filter both ways, search,
# trace on/off, detail view open/close, console with a command
cat > "$keys" <<'KEYS'
j j j k PgDn PgDn PgUp G g
n n n N Tab j Tab
f n f
/ "blocks.7" Enter
t t Enter Escape
: "help" Enter Escape
KEYS
echo "# graphsmith workbench frame times, $nodes-node pair ($dir)"
start=$(date +%s.%N)
XDG_STATE_HOME="$state" "$bin" "$dir/a.onnx" "$dir/b.onnx" --replay "$keys" --frames
end=$(date +%s.%N)
echo "# wall time including load and match: $(echo "$end - $start" | bc) s"
