EXTRA_DIST += bench/foundation.sh bench/make_big.py bench/make_transformer.py
