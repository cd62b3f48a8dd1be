# Helpers for the tmux tests of the workbench (sourced after tests/lib.sh).
# Each test gets a private tmux server (-L gs$$) that is killed on exit.

command -v tmux >/dev/null 2>&1 || skip_all "tmux is missing"

GS_BIN_ABS=$(cd "$(dirname "$GS_BIN")" && pwd)/$(basename "$GS_BIN")
DATA="$top_srcdir/data"
TUI_RUN=0
TMUX_SOCK="gs$$.0"
TUI_TMP=$(mktemp -d "${TMPDIR:-/tmp}/gs-tui.XXXXXX")
tmx() { tmux -L "$TMUX_SOCK" -f /dev/null "$@"; }
cleanup() {
	local i=0
	while [ $i -le $TUI_RUN ]; do
		tmux -L "gs$$.$i" kill-server >/dev/null 2>&1
		i=$((i + 1))
	done
	rm -rf "$TUI_TMP"
}
trap cleanup EXIT

# tui_start W H [ENV=VALUE...] -- ARGS...: the workbench in a shell that
# reports its exit status and stays, so the restored screen can be seen.
tui_start() {
	local w=$1 h=$2 envs="" q
	shift 2
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do envs="$envs $1"; shift; done
	shift
	q=""
	for a in "$@"; do q="$q '$a'"; done
	# a fresh server per run: restarting one on the same socket races
	tmx kill-server >/dev/null 2>&1
	TUI_RUN=$((TUI_RUN + 1))
	TMUX_SOCK="gs$$.$TUI_RUN"
	tmx new-session -d -x "$w" -y "$h" -s t \
		"env TERM=screen-256color XDG_STATE_HOME='$TUI_TMP/state' $envs '$GS_BIN_ABS' $q; echo \"exit=\$?\"; sleep 600"
}

screen() { tmx capture-pane -p -t t "$@" 2>/dev/null; }

# poll_screen WHAT GREP-ARGS...: polls the screen (up to ~30 s, ASan builds
# start slowly) until grep succeeds on it (WHAT=shown) or fails (gone).
poll_screen() {
	local what=$1 i=0
	shift
	while [ $i -lt 300 ]; do
		if screen | grep -q "$@"; then
			[ "$what" = shown ] && return 0
		else
			[ "$what" = gone ] && return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# wait_for TEXT: until TEXT is on the screen.
wait_for() {
	poll_screen shown -F -- "$1" && return 0
	echo "# timed out waiting for: $1"
	screen | sed 's/^/# | /'
	return 1
}

# wait_match REGEX: until a line of the screen matches REGEX (grep's basic
# syntax); a check right after a key or a resize must wait, since the
# redraw may not have reached the pane yet.
wait_match() {
	poll_screen shown -- "$1" && return 0
	echo "# timed out waiting for a match of: $1"
	screen | sed 's/^/# | /'
	return 1
}

# wait_gone TEXT: until TEXT is no longer on the screen.
wait_gone() {
	poll_screen gone -F -- "$1" && return 0
	echo "# still on screen: $1"
	return 1
}

keys() { tmx send-keys -t t "$@"; }

# console_run LINE TEXT: types LINE in the console, waits for TEXT, and
# goes back to the panes.
console_run() {
	keys :
	keys -l "$1"
	keys Enter
	wait_for "$2" || return 1
	keys Escape
	wait_for "q quit"
}
