/*
 * Gradient rules of the ops that only move elements: the reshaping ones
 * (Identity, inference Dropout, Flatten, Reshape, Squeeze, Unsqueeze),
 * Transpose and Concat.
 */
#include "learn/grad-internal.h"

/* Same elements, another shape (reshaping ops, Identity, inference Dropout). */
int gs_grad_passthrough(struct gs_grad_ctx *c)
{
	float *gi = gs_grad_f(c->gin[0]);
	const float *go = gs_grad_f(c->gout[0]);
	int64_t i;

	if (!gi || !go)
		return 0;
	if (c->gin[0]->numel != c->gout[0]->numel)
		return gs_grad_fail(c, "input and output sizes differ");
	for (i = 0; i < c->gin[0]->numel; i++)
		gi[i] += go[i];
	return 0;
}

int gs_grad_transpose(struct gs_grad_ctx *c)
{
	const struct gs_attr *a = gs_node_attr(c->node, "perm");
	const struct gs_etensor *x = c->in[0];
	int64_t perm[GS_EVAL_MAX_RANK], stride[GS_EVAL_MAX_RANK], idx[GS_EVAL_MAX_RANK] = { 0 };
	float *gi = gs_grad_f(c->gin[0]);
	const float *go = gs_grad_f(c->gout[0]);
	int64_t o, off = 0;
	int r = x->rank, i;

	if (!gi || !go)
		return 0;
	if (r == 0)
		return gs_grad_passthrough(c);
	for (i = 0; i < r; i++)
		perm[i] = a && a->n == r ? a->ints[i] : r - 1 - i;
	stride[r - 1] = 1;
	for (i = r - 2; i >= 0; i--)
		stride[i] = stride[i + 1] * x->dims[i + 1];
	/* walk the output in order, tracking the input offset */
	for (o = 0; o < c->gout[0]->numel; o++) {
		gi[off] += go[o];
		for (i = r - 1; i >= 0; i--) {
			off += stride[perm[i]];
			if (++idx[i] < x->dims[perm[i]])
				break;
			off -= stride[perm[i]] * x->dims[perm[i]];
			idx[i] = 0;
		}
	}
	return 0;
}

int gs_grad_concat(struct gs_grad_ctx *c)
{
	const struct gs_etensor *y = c->out[0];
	int64_t axis = gs_node_attr_int(c->node, "axis", 0), outer = 1, inner = 1, at = 0, o, i;
	const float *go = gs_grad_f(c->gout[0]);
	int k;

	if (axis < 0)
		axis += y->rank;
	for (i = 0; i < axis; i++)
		outer *= y->dims[i];
	for (i = axis + 1; i < y->rank; i++)
		inner *= y->dims[i];
	for (k = 0; k < c->n_in; k++) {
		int64_t len = c->in[k] ? c->in[k]->dims[axis] * inner : 0;
		float *gi = gs_grad_f(c->gin[k]);

		for (o = 0; gi && o < outer; o++)
			for (i = 0; i < len; i++)
				gi[o * len + i] += go[o * y->dims[axis] * inner + at + i];
		at += len;
	}
	return 0;
}
