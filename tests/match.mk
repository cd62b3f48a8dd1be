# Issue 3: the compatibility engine (src/match) and `graphsmith diff`.
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_match
TESTS += tests/unit/test_match
endif
TESTS += tests/match/scenarios.sh tests/match/selfdiff.sh tests/match/threads.sh tests/match/value-space.sh \
	tests/match/json-schema.sh
EXTRA_DIST += tests/match/json-schema.sh tests/match/scenarios.sh tests/match/selfdiff.sh tests/match/threads.sh tests/match/value-space.sh tests/match/gen_scenarios.py \
	tests/match/check_diff.py tests/match/ort_optimize.js bench/diff.sh

tests_unit_test_match_SOURCES = tests/unit/test_match.c
tests_unit_test_match_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_match_LDADD = $(UNIT_LDADD)

# The op registry (include/graphsmith/ops.h)
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_ops
TESTS += tests/unit/test_ops
endif
tests_unit_test_ops_SOURCES = tests/unit/test_ops.c
tests_unit_test_ops_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_ops_LDADD = $(UNIT_LDADD)
