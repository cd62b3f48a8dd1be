# Issue 2: utilities, IR, reader/writer, info.
FOUNDATION_UNIT = tests/unit/test_numeric tests/unit/test_metrics \
	tests/unit/test_opdoc tests/unit/test_util tests/unit/test_ir
FOUNDATION_SHELL_TESTS = tests/onnx/roundtrip.sh tests/onnx/malformed.sh tests/onnx/hostile-io.sh \
	tests/onnx/save-signals.sh \
	tests/onnx/info.sh tests/onnx/layering.sh tests/onnx/save.sh \
	tests/onnx/testdata.sh tests/onnx/nul-names.sh

if HAVE_CMOCKA
check_PROGRAMS += $(FOUNDATION_UNIT)
TESTS += $(FOUNDATION_UNIT)
endif
TESTS += $(FOUNDATION_SHELL_TESTS)
EXTRA_DIST += $(FOUNDATION_SHELL_TESTS) tests/onnx/layers.py tests/onnx/circles.py tests/onnx/malformed.expected \
	tests/onnx/cnn.info tests/onnx/cnn.info.json \
	tests/fixtures/gen_roundtrip.py tests/fixtures/gen_malformed.py \
	tests/oracle/check.py tests/oracle/ort_compare.js tests/oracle/package.json \
	data/make_samples.py data/cnn.onnx data/cnn-folded.onnx bootstrap.sh


tests_unit_test_numeric_SOURCES = tests/unit/test_numeric.c
tests_unit_test_numeric_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_numeric_LDADD = $(UNIT_LDADD)
tests_unit_test_metrics_SOURCES = tests/unit/test_metrics.c
tests_unit_test_metrics_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_metrics_LDADD = $(UNIT_LDADD)
tests_unit_test_opdoc_SOURCES = tests/unit/test_opdoc.c
tests_unit_test_opdoc_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_opdoc_LDADD = $(UNIT_LDADD)
tests_unit_test_util_SOURCES = tests/unit/test_util.c
tests_unit_test_util_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_util_LDADD = $(UNIT_LDADD)
tests_unit_test_ir_SOURCES = tests/unit/test_ir.c
tests_unit_test_ir_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_ir_LDADD = $(UNIT_LDADD)
