/*
 * Op family 'loss' of the registry (see graphsmith/ops.h): the training
 * losses exporters leave in inference graphs.
 *
 * Both ops take scores [N, C, d1, ...] and integer targets [N, d1, ...];
 * SoftmaxCrossEntropyLoss is NegativeLogLikelihoodLoss applied to the
 * log-softmax over C.  A target equal to ignore_index contributes nothing,
 * not even to the weight sum "mean" divides by.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ops/families.h"
#include "ops/kernel-util.h"

enum loss_reduction { LOSS_NONE, LOSS_SUM, LOSS_MEAN };

struct loss_args {
	enum loss_reduction red;
	bool has_ii;
	int64_t ii;
	int64_t N, C, D;		/* D: product of d1, ... */
};

static int loss_args(struct gs_kernel_ctx *k, const struct gs_etensor *X,
		     const struct gs_etensor *T, const struct gs_etensor *W,
		     struct loss_args *a)
{
	const struct gs_attr *r = gs_node_attr(k->node, "reduction");
	int i;

	a->red = LOSS_MEAN;
	if (r) {
		if (r->type != GS_ATTR_STRING || !r->s)
			return gs_kernel_fail(k, "attribute 'reduction' must be a string");
		if (!strcmp(r->s, "none"))
			a->red = LOSS_NONE;
		else if (!strcmp(r->s, "sum"))
			a->red = LOSS_SUM;
		else if (strcmp(r->s, "mean"))
			return gs_kernel_fail(k, "reduction '%s' not supported", r->s);
	}
	a->has_ii = gs_node_attr(k->node, "ignore_index") != NULL;
	a->ii = gs_node_attr_int(k->node, "ignore_index", 0);
	if (X->dtype != GS_DTYPE_FLOAT)
		return gs_kernel_fail(k, "scores have dtype %s, expected a float type",
				      gs_dtype_name(X->dtype));
	if (T->dtype != GS_DTYPE_INT64 && T->dtype != GS_DTYPE_INT32)
		return gs_kernel_fail(k, "labels have dtype %s, expected int32 or int64",
				      gs_dtype_name(T->dtype));
	if (X->rank < 2 || T->rank != X->rank - 1 || T->dims[0] != X->dims[0])
		return gs_kernel_fail(k, "scores [N,C,d...] and labels [N,d...] do not match");
	for (i = 2; i < X->rank; i++)
		if (T->dims[i - 1] != X->dims[i])
			return gs_kernel_fail(k, "labels axis %d has length %lld, scores %lld",
					      i - 1, (long long)T->dims[i - 1],
					      (long long)X->dims[i]);
	a->N = X->dims[0];
	a->C = X->dims[1];
	a->D = a->N && a->C ? X->numel / (a->N * a->C) : T->numel / (a->N ? a->N : 1);
	if (W) {
		if (W->dtype != GS_DTYPE_FLOAT)
			return gs_kernel_fail(k, "weights have dtype %s, expected a float type",
					      gs_dtype_name(W->dtype));
		if (W->rank != 1 || W->dims[0] != a->C)
			return gs_kernel_fail(k, "weights must be a vector of %lld class weights",
					      (long long)a->C);
	}
	return 0;
}

/* The loss from log-probabilities lp laid out like the scores, into
 * output 0: per element (reduction none) or one scalar. */
static int nll(struct gs_kernel_ctx *k, const float *lp, const struct gs_etensor *T,
	       const struct gs_etensor *W, const struct loss_args *a)
{
	const float *w = W ? W->data : NULL;
	struct gs_etensor *L;
	double total = 0, wsum = 0;
	int64_t n, d;
	float *l;

	if (a->red == LOSS_NONE)
		L = gs_kernel_out(k, 0, GS_DTYPE_FLOAT, T->rank, T->dims);
	else
		L = gs_kernel_out(k, 0, GS_DTYPE_FLOAT, 0, NULL);
	if (!L)
		return -1;
	l = L->data;
	for (n = 0; n < a->N; n++)
		for (d = 0; d < a->D; d++) {
			int64_t i = n * a->D + d, t;
			float v = 0, wt = 0;

			t = T->dtype == GS_DTYPE_INT64 ? ((const int64_t *)T->data)[i] :
				((const int32_t *)T->data)[i];
			if (!a->has_ii || t != a->ii) {
				if (t < 0 || t >= a->C)
					return gs_kernel_fail(k, "label %lld outside the %lld classes",
							      (long long)t, (long long)a->C);
				wt = w ? w[t] : 1;
				v = -lp[(n * a->C + t) * a->D + d] * wt;
			}
			if (a->red == LOSS_NONE)
				l[i] = v;
			total += v;
			wsum += wt;
		}
	if (a->red == LOSS_SUM)
		l[0] = (float)total;
	else if (a->red == LOSS_MEAN)
		l[0] = (float)(total / wsum);
	return 0;
}

static int k_nll(struct gs_kernel_ctx *k)
{
	struct gs_etensor *X = gs_kernel_in(k, 0), *T = gs_kernel_in(k, 1);
	struct gs_etensor *W = gs_kernel_in(k, 2);
	struct loss_args a;

	if (!X || !T)
		return gs_kernel_fail(k, "needs inputs input and target");
	if (loss_args(k, X, T, W, &a))
		return -1;
	return nll(k, X->data, T, W, &a);
}

static int k_sce(struct gs_kernel_ctx *k)
{
	struct gs_etensor *X = gs_kernel_in(k, 0), *T = gs_kernel_in(k, 1);
	struct gs_etensor *W = gs_kernel_in(k, 2), *LP = NULL;
	struct loss_args a;
	float *lp, *buf = NULL;
	int64_t n, c, d;
	int rc;

	if (!X || !T)
		return gs_kernel_fail(k, "needs inputs scores and labels");
	if (loss_args(k, X, T, W, &a))
		return -1;
	if (gs_k_out_wanted(k, 1)) {
		if (!(LP = gs_kernel_out(k, 1, GS_DTYPE_FLOAT, X->rank, X->dims)))
			return -1;
		lp = LP->data;
	} else {
		if (!(buf = malloc((size_t)(X->numel ? X->numel : 1) * sizeof(float))))
			return gs_kernel_fail(k, "out of memory for the log-probabilities");
		lp = buf;
	}
	/* log-softmax over C, with the max subtracted so exp cannot overflow */
	for (n = 0; n < a.N; n++)
		for (d = 0; d < a.D; d++) {
			const float *x = (const float *)X->data + n * a.C * a.D + d;
			float *y = lp + n * a.C * a.D + d, mx = -INFINITY;
			double sum = 0, lse;

			for (c = 0; c < a.C; c++)
				if (x[c * a.D] > mx)
					mx = x[c * a.D];
			for (c = 0; c < a.C; c++)
				sum += exp((double)x[c * a.D] - mx);
			lse = mx + log(sum);
			for (c = 0; c < a.C; c++)
				y[c * a.D] = (float)(x[c * a.D] - lse);
		}
	rc = nll(k, lp, T, W, &a);
	free(buf);
	return rc;
}

const struct gs_op gs_ops_loss[] = {
	{ .name = "SoftmaxCrossEntropyLoss", .since = 12, .flags = GS_OP_FLOAT32,
	  .kernel = k_sce, .changed = { 12, 13 },
	  .note = "mean/sum/none of -log softmax(scores)[label] * weight; ignore_index skips" },
	{ .name = "NegativeLogLikelihoodLoss", .since = 12, .flags = GS_OP_FLOAT32,
	  .kernel = k_nll, .changed = { 12, 13, 22 },
	  .note = "mean/sum/none of -input[n, target, d...] * weight[target]" },
	{ .name = NULL },
};
