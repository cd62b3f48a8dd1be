# Issues 4 and 5: the command layer (src/cmd) and `graphsmith apply`.
CMD_CLI_TESTS = tests/cli/ambiguous.test tests/cli/explain.test \
	tests/cli/explain-node.test tests/cli/find.test tests/cli/help-cmd.test \
	tests/cli/help-list.test tests/cli/info.test tests/cli/script.test \
	tests/cli/script-error.test tests/cli/select.test tests/cli/select-missing.test \
	tests/cli/trace.test tests/cli/unknown.test
CMD_CLI_TESTS += tests/cli/slots.test tests/cli/slots-edit.test
CMD_CLI_TESTS += tests/cli/apply-quiet.test tests/cli/apply-quiet-error.test \
	tests/cli/apply-baseline.test tests/cli/apply-undo.test

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_cmd
TESTS += tests/unit/test_cmd
endif
TESTS += tests/cli/run.sh
EXTRA_DIST += tests/cli/run.sh $(CMD_CLI_TESTS)

tests_unit_test_cmd_SOURCES = tests/unit/test_cmd.c
tests_unit_test_cmd_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_cmd_LDADD = $(UNIT_LDADD)
# Issue 13: the man page, help and --help from one source; exit 2 for trouble
TESTS += tests/cli/docs-sync.sh tests/cli/exit-codes.sh
EXTRA_DIST += tests/cli/docs-sync.sh tests/cli/exit-codes.sh
