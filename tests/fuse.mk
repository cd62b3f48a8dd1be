# Issue 5: fusion passes (src/passes/fuse-*.c, `fuse` command).
# tests/unit/test_fuse needs the generated models: tests/passes/fuse.sh
# builds them and runs it, then the CLI, the checker and onnxruntime.
TESTS += tests/passes/fuse.sh tests/passes/testdata.sh
EXTRA_DIST += tests/passes/fuse.sh tests/passes/gen_fuse_models.py tests/passes/testdata.sh

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_fuse
endif
tests_unit_test_fuse_SOURCES = tests/unit/test_fuse.c tests/unit/fixtures.c tests/unit/fixtures.h
tests_unit_test_fuse_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_fuse_LDADD = $(UNIT_LDADD)

# Issue 10: opset conversion (src/passes/convert*.c, `convert opset N`)
TESTS += tests/passes/convert.sh
EXTRA_DIST += tests/passes/convert.sh tests/passes/gen_convert_models.py
