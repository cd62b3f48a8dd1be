EXTRA_DIST += bench/foundation.sh bench/make_big.py bench/make_transformer.py
EXTRA_DIST += bench/history.sh
EXTRA_DIST += bench/fuse.sh
EXTRA_DIST += bench/quantize.sh
