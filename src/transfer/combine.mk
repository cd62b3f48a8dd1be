# Issue 11, model and network level: IO adapters, ensemble, compose, graft
# (include/graphsmith/combine.h; the importer is src/ir/import.c).
COMBINE_SOURCES = include/graphsmith/combine.h src/transfer/adapters.c \
	src/transfer/ensemble.c src/transfer/compose.c src/transfer/graft.c \
	src/transfer/ensemble-pass.c src/transfer/compose-pass.c src/transfer/graft-pass.c
