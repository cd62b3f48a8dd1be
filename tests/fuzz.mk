# Fuzz targets (tests/fuzz/): libFuzzer programs with --enable-fuzzing
# (CC=clang); otherwise each target is linked with tests/fuzz/driver.c
# into a replay program, so that tests/fuzz/smoke.sh runs every seed and
# regression through every target under the build's sanitizers.
FUZZ_CFLAGS = $(CORE_CFLAGS) -DGS_FUZZ_DATADIR='"$(abs_top_srcdir)/data"'
FUZZ_LDADD = libgraphsmith.a $(CORE_LIBS)
TESTS += tests/fuzz/smoke.sh
EXTRA_DIST += tests/fuzz/smoke.sh tests/fuzz/make_seeds.py tests/fuzz/fuzz.h \
	tests/fuzz/driver.c tests/fuzz/onnx.dict tests/fuzz/tensor.dict tests/fuzz/cmd.dict tests/fuzz/weights.dict \
	tests/fuzz/regress

if ENABLE_FUZZING
check_PROGRAMS += tests/fuzz/fuzz_reader tests/fuzz/fuzz_passes tests/fuzz/fuzz_match \
	tests/fuzz/fuzz_eval tests/fuzz/fuzz_tensor tests/fuzz/fuzz_cmd \
	tests/fuzz/fuzz_safetensors tests/fuzz/fuzz_npz_data tests/fuzz/fuzz_grad
FUZZ_LINK_FLAGS = -fsanitize=fuzzer $(AM_LDFLAGS)
tests_fuzz_fuzz_reader_SOURCES = tests/fuzz/fuzz_reader.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_reader_CFLAGS = $(FUZZ_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_reader_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_reader_LDADD = $(FUZZ_LDADD)
tests_fuzz_fuzz_passes_SOURCES = tests/fuzz/fuzz_passes.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_passes_CFLAGS = $(FUZZ_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_passes_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_passes_LDADD = $(FUZZ_LDADD)
tests_fuzz_fuzz_match_SOURCES = tests/fuzz/fuzz_match.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_match_CFLAGS = $(FUZZ_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_match_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_match_LDADD = $(FUZZ_LDADD)
tests_fuzz_fuzz_eval_SOURCES = tests/fuzz/fuzz_eval.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_eval_CFLAGS = $(FUZZ_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_eval_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_eval_LDADD = $(FUZZ_LDADD)
tests_fuzz_fuzz_tensor_SOURCES = tests/fuzz/fuzz_tensor.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_tensor_CFLAGS = $(FUZZ_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_tensor_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_tensor_LDADD = $(FUZZ_LDADD)
tests_fuzz_fuzz_cmd_SOURCES = tests/fuzz/fuzz_cmd.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_cmd_CFLAGS = $(FUZZ_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_cmd_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_cmd_LDADD = $(FUZZ_LDADD)
tests_fuzz_fuzz_safetensors_SOURCES = tests/fuzz/fuzz_safetensors.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_safetensors_CFLAGS = $(FUZZ_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_safetensors_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_safetensors_LDADD = $(FUZZ_LDADD)
tests_fuzz_fuzz_npz_data_SOURCES = tests/fuzz/fuzz_npz_data.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_npz_data_CFLAGS = $(FUZZ_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_npz_data_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_npz_data_LDADD = $(FUZZ_LDADD)
tests_fuzz_fuzz_grad_SOURCES = tests/fuzz/fuzz_grad.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_grad_CFLAGS = $(FUZZ_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_grad_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_grad_LDADD = $(FUZZ_LDADD)
else
check_PROGRAMS += tests/fuzz/replay_reader tests/fuzz/replay_passes tests/fuzz/replay_match \
	tests/fuzz/replay_eval tests/fuzz/replay_tensor tests/fuzz/replay_cmd \
	tests/fuzz/replay_safetensors tests/fuzz/replay_npz_data tests/fuzz/replay_grad
tests_fuzz_replay_reader_SOURCES = tests/fuzz/fuzz_reader.c tests/fuzz/driver.c tests/fuzz/fuzz.h
tests_fuzz_replay_reader_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_replay_reader_LDADD = $(FUZZ_LDADD)
tests_fuzz_replay_passes_SOURCES = tests/fuzz/fuzz_passes.c tests/fuzz/driver.c tests/fuzz/fuzz.h
tests_fuzz_replay_passes_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_replay_passes_LDADD = $(FUZZ_LDADD)
tests_fuzz_replay_match_SOURCES = tests/fuzz/fuzz_match.c tests/fuzz/driver.c tests/fuzz/fuzz.h
tests_fuzz_replay_match_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_replay_match_LDADD = $(FUZZ_LDADD)
tests_fuzz_replay_eval_SOURCES = tests/fuzz/fuzz_eval.c tests/fuzz/driver.c tests/fuzz/fuzz.h
tests_fuzz_replay_eval_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_replay_eval_LDADD = $(FUZZ_LDADD)
tests_fuzz_replay_tensor_SOURCES = tests/fuzz/fuzz_tensor.c tests/fuzz/driver.c tests/fuzz/fuzz.h
tests_fuzz_replay_tensor_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_replay_tensor_LDADD = $(FUZZ_LDADD)
tests_fuzz_replay_cmd_SOURCES = tests/fuzz/fuzz_cmd.c tests/fuzz/driver.c tests/fuzz/fuzz.h
tests_fuzz_replay_cmd_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_replay_cmd_LDADD = $(FUZZ_LDADD)
tests_fuzz_replay_safetensors_SOURCES = tests/fuzz/fuzz_safetensors.c tests/fuzz/driver.c tests/fuzz/fuzz.h
tests_fuzz_replay_safetensors_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_replay_safetensors_LDADD = $(FUZZ_LDADD)
tests_fuzz_replay_npz_data_SOURCES = tests/fuzz/fuzz_npz_data.c tests/fuzz/driver.c tests/fuzz/fuzz.h
tests_fuzz_replay_npz_data_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_replay_npz_data_LDADD = $(FUZZ_LDADD)
tests_fuzz_replay_grad_SOURCES = tests/fuzz/fuzz_grad.c tests/fuzz/driver.c tests/fuzz/fuzz.h
tests_fuzz_replay_grad_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_replay_grad_LDADD = $(FUZZ_LDADD)
endif
