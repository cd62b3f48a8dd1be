# Issue 9: the evaluator (src/eval, src/ops), `graphsmith run` and `compare`.
EVAL_SHELL_TESTS = tests/eval/oracle.sh tests/eval/conform.sh
TESTS += $(EVAL_SHELL_TESTS)
check_PROGRAMS += tests/eval/conform
EXTRA_DIST += $(EVAL_SHELL_TESTS) tests/eval/gen_torch_models.py tests/eval/oracle_compare.py \
	tests/oracle/ort_run.js

tests_eval_conform_SOURCES = tests/eval/conform.c
tests_eval_conform_CFLAGS = $(CORE_CFLAGS)
tests_eval_conform_LDADD = libgraphsmith.a $(CORE_LIBS)
