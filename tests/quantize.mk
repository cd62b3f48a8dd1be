# Issue 5, quantize: the arithmetic (cmocka) and every mode end to end
# (python3-onnx checker and onnxruntime against the float original).
QUANTIZE_UNIT = tests/unit/test_quantize
if HAVE_CMOCKA
check_PROGRAMS += $(QUANTIZE_UNIT)
TESTS += $(QUANTIZE_UNIT)
endif
check_PROGRAMS += tests/passes/quant_apply
TESTS += tests/passes/quantize.sh
EXTRA_DIST += tests/passes/quantize.sh tests/passes/gen_quant_models.py \
	tests/passes/quant_inspect.py tests/passes/quant_exact.py

tests_unit_test_quantize_SOURCES = tests/unit/test_quantize.c
tests_unit_test_quantize_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_quantize_LDADD = $(UNIT_LDADD)
tests_passes_quant_apply_SOURCES = tests/passes/quant_apply.c
tests_passes_quant_apply_CFLAGS = $(CORE_CFLAGS)
tests_passes_quant_apply_LDADD = libgraphsmith.a $(CORE_LIBS)

# Issue 13: every figure of a step line equals `info` of the saved file
TESTS += tests/passes/figures.sh
EXTRA_DIST += tests/passes/figures.sh tests/passes/gen_figures_models.py
