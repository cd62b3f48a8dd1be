# Issue 9: the evaluator (src/eval, src/ops), the tensor file formats,
# `graphsmith run` and `compare`.
EVAL_SHELL_TESTS = tests/eval/oracle.sh tests/eval/conform.sh tests/eval/steps.sh tests/eval/run.sh \
	tests/eval/npy.sh tests/eval/hostile-sizes.sh
TESTS += $(EVAL_SHELL_TESTS)
check_PROGRAMS += tests/eval/conform tests/eval/npy_check
EXTRA_DIST += $(EVAL_SHELL_TESTS) tests/eval/gen_torch_models.py tests/eval/oracle_compare.py \
	tests/eval/gen_digits.py tests/eval/check_step.py tests/oracle/ort_run.js \
	tests/eval/conform-excused.txt tests/eval/conform-tolerances.txt tests/eval/gen_run_cases.py \
	tests/eval/gen_hostile_sizes.py

tests_eval_conform_SOURCES = tests/eval/conform.c
tests_eval_conform_CFLAGS = $(CORE_CFLAGS)
tests_eval_conform_LDADD = libgraphsmith.a $(CORE_LIBS)
tests_eval_npy_check_SOURCES = tests/eval/npy_check.c
tests_eval_npy_check_CFLAGS = $(CORE_CFLAGS)
tests_eval_npy_check_LDADD = libgraphsmith.a $(CORE_LIBS)
