# The evaluator: tensors, plans, execution (graphsmith/eval.h)
EVAL_SOURCES = include/graphsmith/eval.h src/eval/internal.h src/eval/tensor.c \
	src/eval/plan.c src/eval/run.c \
	include/graphsmith/samples.h src/eval/samples.c \
	include/graphsmith/compare.h src/eval/compare.c \
	include/graphsmith/params.h src/eval/params.c
