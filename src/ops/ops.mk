# The op registry: one file per op family (graphsmith/ops.h)
OPS_SOURCES = include/graphsmith/ops.h src/ops/families.h src/ops/registry.c src/ops/gemm.h src/ops/gemm.c \
	src/ops/kernel-util.h src/ops/kernel-util.c \
	src/ops/elementwise.c src/ops/reduce.c src/ops/nn.c src/ops/norm.c src/ops/einsum.c src/ops/rnn.c \
	src/ops/shape.c src/ops/index.c src/ops/quant.c src/ops/resize.c \
	src/ops/control.c src/ops/loss.c src/ops/attention.c src/ops/signal.c \
	src/ops/integer.c src/ops/vision.c src/ops/contrib.c
