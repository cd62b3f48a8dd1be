EXTRA_DIST += bench/lib.sh bench/foundation.sh bench/make_big.py bench/make_transformer.py bench/diff.sh bench/tui.sh bench/tui-figures.txt
EXTRA_DIST += bench/history.sh
EXTRA_DIST += bench/fuse.sh
EXTRA_DIST += bench/quantize.sh
EXTRA_DIST += bench/eval.sh bench/make_eval_models.py
EXTRA_DIST += bench/prune-data.sh
EXTRA_DIST += bench/transfer.sh bench/make_merge_models.py bench/merge_numpy.py
EXTRA_DIST += bench/distill.sh bench/distill_torch.py
