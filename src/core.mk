# The core library: everything but the terminal.  No curses or readline
# header may appear here (tests/unit/test_layering.sh checks).
nodist_libgraphsmith_a_SOURCES = src/onnx/onnx.pb-c.c
libgraphsmith_a_CFLAGS = $(CORE_CFLAGS)
libgraphsmith_a_SOURCES = \
	include/graphsmith/error.h include/graphsmith/util.h \
	include/graphsmith/numeric.h include/graphsmith/ir.h \
	include/graphsmith/onnx.h include/graphsmith/metrics.h \
	include/graphsmith/opdoc.h include/graphsmith/info.h \
	src/util/error.c src/util/arena.c src/util/strmap.c src/util/escape.c \
	src/util/numeric.c src/util/opdoc.c \
	src/ir/graph.c src/ir/topo.c \
	src/onnx/source.h src/onnx/internal.h src/onnx/source.c \
	src/onnx/reader.c src/onnx/external.c src/onnx/writer.c \
	src/match/metrics.c \
	src/cmd/info.c
