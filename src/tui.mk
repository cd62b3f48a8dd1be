src_graphsmith_SOURCES = src/main.c
src_graphsmith_CFLAGS = $(CORE_CFLAGS) $(NCURSES_CFLAGS) $(READLINE_CFLAGS)
src_graphsmith_LDADD = libgraphsmith.a $(CORE_LIBS) $(NCURSES_LIBS) $(READLINE_LIBS)
