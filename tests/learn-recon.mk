# Issue 12, the data-driven steps of pruning and recovery: Wanda scores and
# reconstruct against numpy, the accuracy goals on the digits CNN (our
# evaluator and onnxruntime), Ctrl-C of a long step in the workbench.
TESTS += tests/learn/recon-numpy.sh tests/learn/recon-accuracy.sh tests/learn/recon-tui.sh
EXTRA_DIST += tests/learn/recon-numpy.sh tests/learn/recon-accuracy.sh tests/learn/recon-tui.sh \
	tests/learn/recon_check.py tests/fixtures/gen_recon_small.py
