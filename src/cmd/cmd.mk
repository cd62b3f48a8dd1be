# sources of src/cmd, appended to the core library or the program
CMD_SOURCES = src/cmd/commands.def src/cmd/internal.h src/cmd/workspace.c \
	src/cmd/table.c src/cmd/lookup.c src/cmd/split.c src/cmd/run.c src/cmd/node.c src/cmd/complete.c \
	src/cmd/cmd-diff.c src/cmd/cmd-explain.c src/cmd/cmd-filter.c src/cmd/cmd-find.c src/cmd/cmd-help.c \
	src/cmd/cmd-info.c src/cmd/cmd-open.c src/cmd/cmd-quit.c src/cmd/cmd-save.c \
	src/cmd/cmd-select.c src/cmd/cmd-trace.c
CMD_SOURCES += src/cmd/cmd-quantize.c
CMD_SOURCES += src/cmd/cmd-fuse.c
CMD_SOURCES += src/cmd/cmd-prune.c src/cmd/cmd-undo.c src/cmd/cmd-redo.c \
	src/cmd/cmd-history.c src/cmd/cmd-preview.c \
	src/cmd/cmd-inputs.c src/cmd/probe.c src/cmd/probe-state.c src/cmd/cmd-compare.c
CMD_SOURCES += src/cmd/cmd-convert.c
CMD_SOURCES += src/cmd/cmd-reconstruct.c src/cmd/data-opt.c
CMD_SOURCES += src/cmd/cmd-distill.c
CMD_SOURCES += src/cmd/cmd-merge.c src/cmd/cmd-transplant.c src/cmd/cmd-export.c
CMD_SOURCES += src/cmd/cmd-slots.c src/cmd/cmd-show.c src/cmd/cmd-close.c
CMD_SOURCES += src/cmd/pass-cmd.c
CMD_SOURCES += src/cmd/cmd-ensemble.c src/cmd/cmd-compose.c src/cmd/cmd-graft.c
