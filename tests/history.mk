# Issue 5 (history part): undo/redo, the step report, the prune passes.
HISTORY_UNIT = tests/unit/test_history tests/unit/test_prune
HISTORY_SHELL_TESTS = tests/cli/prune-oracle.sh

if HAVE_CMOCKA
check_PROGRAMS += $(HISTORY_UNIT)
TESTS += $(HISTORY_UNIT)
endif
TESTS += $(HISTORY_SHELL_TESTS)
EXTRA_DIST += $(HISTORY_SHELL_TESTS) tests/fixtures/gen_prune.py tests/oracle/prune_check.py

tests_unit_test_history_SOURCES = tests/unit/test_history.c tests/unit/fixtures.c tests/unit/fixtures.h
tests_unit_test_history_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_history_LDADD = $(UNIT_LDADD)
tests_unit_test_prune_SOURCES = tests/unit/test_prune.c tests/unit/fixtures.c tests/unit/fixtures.h
tests_unit_test_prune_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_prune_LDADD = $(UNIT_LDADD)
