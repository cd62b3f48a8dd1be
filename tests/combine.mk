# Issue 11, model and network level: ensemble, compose, graft, IO adapters
# (src/transfer/, src/ir/import.c); python3-torch fixtures, onnxruntime oracle.
TESTS += tests/combine/combine.sh
EXTRA_DIST += tests/combine/combine.sh tests/combine/gen_combine_models.py \
	tests/combine/check_combine.py
