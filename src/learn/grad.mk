# Gradients over the evaluator, and the steps that train on them.
LEARN_GRAD_SOURCES = include/graphsmith/grad.h src/learn/grad-internal.h src/learn/grad.c \
	src/learn/grad-rules.c src/learn/grad-pointwise.c src/learn/grad-linear.c \
	src/learn/grad-pool.c src/learn/grad-shape.c src/learn/grad-bcast.c src/learn/grad-window.c \
	src/learn/grad-error.c include/graphsmith/distill.h src/learn/distill.c \
	src/learn/distill-pass.c
