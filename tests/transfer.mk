# Issue 11, parameter level: merge, transplant, weights files (src/transfer/)
TESTS += tests/transfer/merge.sh tests/transfer/transplant.sh tests/transfer/hostile-weights.sh
EXTRA_DIST += tests/transfer/merge.sh tests/transfer/transplant.sh tests/transfer/hostile-weights.sh \
	tests/transfer/gen_transfer_models.py tests/transfer/check_merge.py
