/*
 * numpy broadcasting for the gradient rules: the strides of an operand
 * broadcast to an output's shape, a walk over the output advancing the
 * operands' offsets, and the sum of a gradient back to a broadcast
 * operand's shape (used by the arithmetic rules and Gemm's bias).
 */
#include <string.h>

#include "learn/grad-internal.h"

void gs_grad_bcast_strides(const struct gs_etensor *t, int rank, const int64_t *dims,
			   int64_t *strides)
{
	int64_t s = 1;
	int i, j;

	for (i = rank - 1, j = t->rank - 1; i >= 0; i--, j--) {
		if (j < 0 || t->dims[j] == 1 || dims[i] == 1) {
			strides[i] = 0;
			if (j >= 0)
				s *= t->dims[j];
			continue;
		}
		strides[i] = s;
		s *= t->dims[j];
	}
}

void gs_grad_bcast_init(struct gs_grad_bcast *w, const struct gs_etensor *y,
			const struct gs_etensor *a, const struct gs_etensor *b)
{
	memset(w, 0, sizeof(*w));
	w->rank = y->rank;
	w->dims = y->dims;
	if (a)
		gs_grad_bcast_strides(a, y->rank, y->dims, w->st[0]);
	if (b)
		gs_grad_bcast_strides(b, y->rank, y->dims, w->st[1]);
}

void gs_grad_bcast_next(struct gs_grad_bcast *w)
{
	int i, k;

	for (i = w->rank - 1; i >= 0; i--) {
		for (k = 0; k < 3; k++)
			w->off[k] += w->st[k][i];
		if (++w->idx[i] < w->dims[i])
			return;
		for (k = 0; k < 3; k++)
			w->off[k] -= w->st[k][i] * w->dims[i];
		w->idx[i] = 0;
	}
}

void gs_grad_unbroadcast_add(const struct gs_etensor *g, struct gs_etensor *gin, float scale)
{
	const float *go = gs_grad_f(g);
	float *gi = gs_grad_f(gin);
	struct gs_grad_bcast w;
	int64_t o;

	gs_grad_bcast_init(&w, g, gin, NULL);
	for (o = 0; o < g->numel; o++, gs_grad_bcast_next(&w))
		gi[w.off[0]] += scale * go[o];
}
