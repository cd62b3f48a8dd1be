# The terminal workbench: linked into the program only, never into the core.
TUI_SOURCES = src/tui/tui.h src/tui/rows.h src/tui/rows.c src/tui/lanes.h src/tui/lanes.c \
	src/tui/term.c src/tui/header.c src/tui/pane.c src/tui/detail.c \
	src/tui/console.c src/tui/frame.c src/tui/keys.c src/tui/view.c src/tui/replay.h src/tui/replay.c \
	src/tui/workbench.c src/tui/progress.c
