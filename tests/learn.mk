# Gradients, distillation and importance pruning (src/learn/, grad.mk).
check_PROGRAMS += tests/learn/gradcheck
tests_learn_gradcheck_SOURCES = tests/learn/gradcheck.c
tests_learn_gradcheck_CFLAGS = $(UNIT_CFLAGS) -I$(top_srcdir)/src
tests_learn_gradcheck_LDADD = $(UNIT_LDADD)

TESTS += tests/learn/grad-ops.sh tests/learn/grad-torch.sh tests/learn/grad-importance.sh \
	tests/learn/distill-mlp.sh tests/learn/distill-pruned.sh
EXTRA_DIST += tests/learn/grad-ops.sh tests/learn/grad-torch.sh tests/learn/grad-importance.sh \
	tests/learn/distill-mlp.sh tests/learn/distill-pruned.sh tests/learn/gen_grad_cases.py
