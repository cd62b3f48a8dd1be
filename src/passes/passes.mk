# sources of src/passes, appended to the core library or the program
PASSES_SOURCES =
PASSES_SOURCES += include/graphsmith/quantize.h src/passes/quantize-internal.h \
	src/passes/quantize.c src/passes/quantize-math.c src/passes/quantize-opts.c \
	src/passes/quantize-targets.c \
	src/passes/quantize-opset.c src/passes/quantize-weights.c src/passes/quantize-fp16all.c \
	include/graphsmith/calib.h src/passes/calib.c src/passes/quantize-static.c
PASSES_SOURCES += include/graphsmith/fuse.h src/passes/fuse-internal.h \
	src/passes/fuse-util.c src/passes/fuse-opset.c src/passes/fuse-bn.c src/passes/fuse-all.c \
	src/passes/fuse-conv-bn.c src/passes/fuse-gemm.c src/passes/fuse-gemm-bn.c \
	src/passes/fuse-layernorm.c src/passes/fuse-gelu.c src/passes/fuse-identity.c \
	src/passes/fuse-constants.c src/passes/fuse-eval.c src/passes/fuse-affine.c
PASSES_SOURCES += include/graphsmith/prune.h src/passes/prune-util.c \
	src/passes/prune-magnitude.c src/passes/prune-nm.c src/passes/prune-channels.c
PASSES_SOURCES += include/graphsmith/convert.h src/passes/convert-internal.h \
	src/passes/convert.c src/passes/convert-adapters.c \
	src/passes/convert-util.c
PASSES_SOURCES += src/passes/prune-wanda.c
PASSES_SOURCES += src/passes/prune-importance.c src/passes/prune-pass.c src/passes/quantize-pass.c
PASSES_SOURCES += include/graphsmith/pass.h src/passes/pass.c src/passes/fuse-pass.c \
	src/passes/convert-pass.c
