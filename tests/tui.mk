# Issue 4: the workbench.  Unit tests of the pure layout modules (compiled
# from src/tui/ directly: the TUI is not part of the core library) and
# end-to-end tests in a real terminal (tmux).
TUI_UNIT = tests/unit/test_tui_rows tests/unit/test_tui_lanes
TUI_SHELL_TESTS = tests/tui/replay.sh tests/tui/panes.sh tests/tui/console.sh \
	tests/tui/resize.sh tests/tui/color.sh tests/tui/quit.sh tests/tui/divergence.sh \
	tests/tui/shapes.sh tests/tui/params.sh
TUI_SHELL_TESTS += tests/tui/slots.sh
TUI_SHELL_TESTS += tests/tui/bigconst.sh tests/tui/teach.sh

if HAVE_CMOCKA
check_PROGRAMS += $(TUI_UNIT)
TESTS += $(TUI_UNIT)
endif
TESTS += $(TUI_SHELL_TESTS)
EXTRA_DIST += tests/fixtures/gen_bigconst.py
EXTRA_DIST += $(TUI_SHELL_TESTS) tests/tui/lib.sh bench/tui.sh bench/tui-figures.txt

tests_unit_test_tui_rows_SOURCES = tests/unit/test_tui_rows.c src/tui/rows.c src/tui/rows.h
tests_unit_test_tui_rows_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_tui_rows_LDADD = $(UNIT_LDADD)
tests_unit_test_tui_lanes_SOURCES = tests/unit/test_tui_lanes.c src/tui/lanes.c src/tui/lanes.h
tests_unit_test_tui_lanes_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_tui_lanes_LDADD = $(UNIT_LDADD)
