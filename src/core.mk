# The core library: everything but the terminal.  No curses or readline
# header may appear here (tests/unit/test_layering.sh checks).
include src/match/match.mk
include src/cmd/cmd.mk
include src/passes/passes.mk
include src/history/history.mk
include src/tui/tui.mk
include src/ops/ops.mk
include src/eval/eval.mk
include src/learn/recon.mk
include src/learn/grad.mk
include src/transfer/transfer.mk
include src/transfer/combine.mk

nodist_libgraphsmith_a_SOURCES = src/onnx/onnx.pb-c.c
libgraphsmith_a_CFLAGS = $(CORE_CFLAGS)
libgraphsmith_a_SOURCES = \
	include/graphsmith/alloc.h include/graphsmith/error.h include/graphsmith/util.h \
	include/graphsmith/numeric.h include/graphsmith/ir.h \
	include/graphsmith/onnx.h include/graphsmith/metrics.h \
	include/graphsmith/opdoc.h include/graphsmith/info.h \
	include/graphsmith/match.h include/graphsmith/cmd.h \
	include/graphsmith/cli.h \
	src/util/alloc.c src/util/error.c src/util/arena.c src/util/strmap.c src/util/escape.c src/util/bytestr.c \
	src/util/numeric.c src/util/opdoc.c src/util/atomic.c src/util/openfile.c src/util/json.c include/graphsmith/json.h src/util/progress.c include/graphsmith/progress.h src/util/parallel.c \
	src/ir/internal.h src/ir/graph.c src/ir/journal.c src/ir/build.c src/ir/topo.c src/ir/edit.c src/ir/format.c src/ir/import.c src/ir/file.c \
	src/onnx/source.h src/onnx/internal.h src/onnx/source.c \
	src/onnx/reader.c src/onnx/external.c src/onnx/writer.c src/onnx/fetch.c \
	include/graphsmith/tensorio.h src/onnx/tensorfile.c src/onnx/npy.c \
	src/match/metrics.c \
	src/cmd/info.c \
	$(OPS_SOURCES) $(EVAL_SOURCES) $(RECON_SOURCES) $(LEARN_GRAD_SOURCES) \
	$(MATCH_SOURCES) $(CMD_SOURCES) $(PASSES_SOURCES) $(HISTORY_SOURCES)
libgraphsmith_a_SOURCES += $(TRANSFER_SOURCES)
libgraphsmith_a_SOURCES += $(COMBINE_SOURCES)

src_graphsmith_SOURCES = src/main.c src/cli/info.c src/cli/apply.c src/cli/diff.c \
	src/cli/run.c src/cli/compare.c src/cli/sample-args.c src/cli/sample-args.h $(TUI_SOURCES)
src_graphsmith_SOURCES += src/cli/distill.c
src_graphsmith_SOURCES += src/cli/merge.c src/cli/transplant.c src/cli/export.c
src_graphsmith_SOURCES += src/cli/ensemble.c src/cli/compose.c src/cli/graft.c src/cli/pass.c
src_graphsmith_SOURCES += src/cli/help.c src/cli/common.c
src_graphsmith_CFLAGS = $(CORE_CFLAGS) $(NCURSES_CFLAGS) $(READLINE_CFLAGS)
src_graphsmith_LDADD = libgraphsmith.a $(CORE_LIBS) $(NCURSES_LIBS) $(READLINE_LIBS)
