# sources of src/history, appended to the core library or the program
HISTORY_SOURCES = src/history/internal.h src/history/history.c src/history/blob.c \
	src/history/format.c src/history/stats.c include/graphsmith/history.h
