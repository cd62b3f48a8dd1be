# The test suite: cmocka unit tests and shell tests, all under automake's
# parallel harness.  Each area keeps its own fragment; this file holds what
# they share.  Scripts exit 77 to skip (for example when ../shared or
# onnxruntime's node_modules is absent) and say why.
TESTS =
check_PROGRAMS =
check_SCRIPTS =
UNIT_CFLAGS = $(CORE_CFLAGS) $(CMOCKA_CFLAGS)
UNIT_LDADD = libgraphsmith.a $(CORE_LIBS) $(CMOCKA_LIBS)

AM_TESTS_ENVIRONMENT = \
	top_srcdir='$(abs_top_srcdir)'; export top_srcdir; \
	top_builddir='$(abs_top_builddir)'; export top_builddir; \
	GS_BIN='$(abs_top_builddir)/src/graphsmith'; export GS_BIN; \
	GS_DATADIR='$(abs_top_srcdir)/data'; export GS_DATADIR; \
	GRAPHSMITH_DATADIR='$(abs_top_srcdir)/data'; export GRAPHSMITH_DATADIR; \
	GS_PYTHON=/usr/bin/python3; export GS_PYTHON; \
	GS_FIXTURES='$(abs_top_builddir)/tests/fixtures-out'; export GS_FIXTURES; \
	GS_SHARED='$(abs_top_srcdir)/../shared'; export GS_SHARED;

EXTRA_DIST += tests/lib.sh

include tests/foundation.mk
include tests/tui.mk
include tests/history.mk
include tests/quantize.mk
include tests/calib.mk
include tests/cmd.mk
include tests/fuse.mk
include tests/combine.mk

clean-local: clean-local-fixtures
clean-local-fixtures:
	rm -rf tests/fixtures-out
include tests/match.mk
include tests/eval.mk
include tests/fuzz.mk
include tests/learn-recon.mk
include tests/learn.mk
include tests/transfer.mk
