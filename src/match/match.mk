# sources of src/match, appended to the core library or the program
MATCH_SOURCES = src/match/internal.h src/match/ops.h src/match/ops.c src/match/values.c src/match/weight.c \
	src/match/view.c src/match/canon.c src/match/fusion.c src/match/signature.c \
	src/match/anchor.c src/match/propagate.c src/match/align.c src/match/fuzzy.c \
	src/match/result.c src/match/params.c src/match/edges.c src/match/io.c src/match/report.c \
	src/match/json_stream.c src/match/match.c
