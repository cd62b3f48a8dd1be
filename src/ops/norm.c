/*
 * Op family 'norm' of the registry (see graphsmith/ops.h): the
 * normalisations (Batch, Instance, Layer, RMS, Group), LRN, and Dropout,
 * which is their inference-time identity.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/eval.h"
#include "graphsmith/ir.h"
#include "ops/families.h"
#include "ops/kernel-util.h"

static int k_batchnorm(struct gs_kernel_ctx *k)
{
	struct gs_etensor *X = gs_kernel_in(k, 0), *S = gs_kernel_in(k, 1);
	struct gs_etensor *Bi = gs_kernel_in(k, 2), *Mu = gs_kernel_in(k, 3);
	struct gs_etensor *V = gs_kernel_in(k, 4), *Y;
	float eps = gs_node_attr_float(k->node, "epsilon", 1e-5f);
	int64_t C, inner = 1, outer, n, c, j;
	const float *x, *s, *bi, *mu, *var;
	float *y;
	int i;

	if (!X || !S || !Bi || !Mu || !V)
		return gs_kernel_fail(k, "needs inputs X, scale, B, mean and var");
	if (gs_node_attr_int(k->node, "training_mode", 0))
		return gs_kernel_fail(k, "training_mode=1 not supported (inference only)");
	if (k->opset < 9 && gs_node_attr_int(k->node, "spatial", 1) != 1)
		return gs_kernel_fail(k, "spatial=0 not supported");
	if (k->opset < 7 && gs_node_attr_int(k->node, "is_test", 0) == 0 &&
	    k->node->n_outputs > 1)
		return gs_kernel_fail(k, "is_test=0 (training) not supported");
	for (i = 1; i < k->node->n_outputs; i++)
		if (k->node->outputs[i] >= 0)
			return gs_kernel_fail(k, "training outputs (running mean/var) not supported");
	if (gs_k_want_float(k, X, "X") || gs_k_want_float(k, S, "scale") ||
	    gs_k_want_float(k, Bi, "B") || gs_k_want_float(k, Mu, "mean") ||
	    gs_k_want_float(k, V, "var"))
		return -1;
	if (X->rank < 2) {
		C = X->rank == 1 ? X->dims[0] : 1;
		outer = 1;
	} else {
		C = X->dims[1];
		outer = X->dims[0];
		for (i = 2; i < X->rank; i++)
			inner *= X->dims[i];
	}
	if (X->rank < 2)
		inner = 1;
	if (S->numel != C || Bi->numel != C || Mu->numel != C || V->numel != C)
		return gs_kernel_fail(k, "scale, B, mean and var must have %lld values",
				      (long long)C);
	if (!(Y = gs_kernel_out(k, 0, GS_DTYPE_FLOAT, X->rank, X->dims)))
		return -1;
	x = X->data, y = Y->data, s = S->data, bi = Bi->data, mu = Mu->data, var = V->data;
	for (n = 0; n < outer; n++)
		for (c = 0; c < C; c++) {
			float a = s[c] / sqrtf(var[c] + eps), b = bi[c] - mu[c] * a;
			int64_t base = (n * C + c) * inner;

			for (j = 0; j < inner; j++)
				y[base + j] = x[base + j] * a + b;
		}
	return 0;
}

/* Mean and 1/sqrt(var + eps) of n floats (two passes, double sums). */
static void moments(const float *x, int64_t n, float eps, double *mean, double *inv)
{
	/* eight partial sums, so the loops vectorise (C forbids the compiler
	 * to reassociate one sum) */
	double s = 0.0, v = 0.0, ps[8] = { 0 }, pv[8] = { 0 };
	int64_t j;
	int l;

	for (j = 0; j + 8 <= n; j += 8)
		for (l = 0; l < 8; l++)
			ps[l] += x[j + l];
	for (; j < n; j++)
		s += x[j];
	for (l = 0; l < 8; l++)
		s += ps[l];
	s = n ? s / (double)n : 0.0;
	for (j = 0; j + 8 <= n; j += 8)
		for (l = 0; l < 8; l++)
			pv[l] += ((double)x[j + l] - s) * ((double)x[j + l] - s);
	for (; j < n; j++)
		v += ((double)x[j] - s) * ((double)x[j] - s);
	for (l = 0; l < 8; l++)
		v += pv[l];
	v = n ? v / (double)n : 0.0;
	*mean = s;
	*inv = 1.0 / sqrt(v + eps);
}

static int k_instancenorm(struct gs_kernel_ctx *k)
{
	struct gs_etensor *X = gs_kernel_in(k, 0), *S = gs_kernel_in(k, 1);
	struct gs_etensor *Bi = gs_kernel_in(k, 2), *Y;
	float eps = gs_node_attr_float(k->node, "epsilon", 1e-5f);
	int64_t C, inner = 1, n, c, j;
	double mean, inv;
	int i;

	if (!X || !S || !Bi)
		return gs_kernel_fail(k, "needs inputs input, scale and B");
	if (gs_k_want_float(k, X, "input") || gs_k_want_float(k, S, "scale") ||
	    gs_k_want_float(k, Bi, "B"))
		return -1;
	if (X->rank < 2)
		return gs_kernel_fail(k, "input of rank %d: expected at least 2", X->rank);
	C = X->dims[1];
	for (i = 2; i < X->rank; i++)
		inner *= X->dims[i];
	if (S->numel != C || Bi->numel != C)
		return gs_kernel_fail(k, "scale and B must have %lld values", (long long)C);
	if (!(Y = gs_kernel_out(k, 0, GS_DTYPE_FLOAT, X->rank, X->dims)))
		return -1;
	for (n = 0; n < X->dims[0]; n++)
		for (c = 0; c < C; c++) {
			const float *x = (const float *)X->data + (n * C + c) * inner;
			float *y = (float *)Y->data + (n * C + c) * inner;
			float sc = ((const float *)S->data)[c], b = ((const float *)Bi->data)[c];

			moments(x, inner, eps, &mean, &inv);
			for (j = 0; j < inner; j++)
				y[j] = (float)(((double)x[j] - mean) * inv) * sc + b;
		}
	return 0;
}

/* Offsets into t (unidirectionally broadcast to dims[0..r)) of every
 * element of dims, into map (numel of dims entries).  -1 if t does not
 * broadcast. */
static int bcast_map(const struct gs_etensor *t, int r, const int64_t *dims, int64_t *map)
{
	int64_t st[GS_EVAL_MAX_RANK], ctr[GS_EVAL_MAX_RANK] = { 0 }, n = 1, s = 1, i;
	int a;

	if (t->rank > r)
		return -1;
	for (a = r - 1; a >= 0; a--) {
		int ta = a - (r - t->rank);
		int64_t d = ta >= 0 ? t->dims[ta] : 1;

		if (d != 1 && d != dims[a])
			return -1;
		st[a] = d == 1 ? 0 : s;
		s *= d;
		n *= dims[a];
	}
	for (i = 0; i < n; i++) {
		int64_t off = 0;

		for (a = 0; a < r; a++)
			off += ctr[a] * st[a];
		map[i] = off;
		for (a = r - 1; a >= 0; a--) {
			if (++ctr[a] < dims[a])
				break;
			ctr[a] = 0;
		}
	}
	return 0;
}

/* LayerNormalization, and RMSNormalization (rms: no mean subtracted). */
static int layernorm(struct gs_kernel_ctx *k, bool rms)
{
	struct gs_etensor *X = gs_kernel_in(k, 0), *S = gs_kernel_in(k, 1);
	struct gs_etensor *Bi = gs_kernel_in(k, 2), *Y, *Mo = NULL, *Io = NULL;
	float eps = gs_node_attr_float(k->node, "epsilon", 1e-5f);
	int64_t outer = 1, inner = 1, n, j;
	int64_t sdims[GS_EVAL_MAX_RANK], *smap = NULL, *bmap = NULL;
	const float *s, *b;
	int i, rc = -1, axis;

	if (!X || !S)
		return gs_kernel_fail(k, "needs inputs X and Scale");
	if (gs_k_want_float(k, X, "X") || gs_k_want_float(k, S, "Scale") ||
	    (Bi && gs_k_want_float(k, Bi, "B")))
		return -1;
	if (gs_k_axis(k, gs_node_attr_int(k->node, "axis", -1), X->rank, &axis))
		return -1;
	for (i = 0; i < X->rank; i++) {
		if (i < axis)
			outer *= X->dims[i];
		else
			inner *= X->dims[i];
		sdims[i] = i < axis ? X->dims[i] : 1;
	}
	if (!(Y = gs_kernel_out(k, 0, GS_DTYPE_FLOAT, X->rank, X->dims)))
		return -1;
	if (gs_k_out_wanted(k, 1) &&
	    !(Mo = gs_kernel_out(k, 1, GS_DTYPE_FLOAT, X->rank, sdims)))
		return -1;
	if (gs_k_out_wanted(k, 2) &&
	    !(Io = gs_kernel_out(k, 2, GS_DTYPE_FLOAT, X->rank, sdims)))
		return -1;
	if (!X->numel)
		return 0;
	smap = gs_xmalloc((size_t)inner * sizeof(*smap));
	bmap = gs_xmalloc((size_t)inner * sizeof(*bmap));
	if (bcast_map(S, X->rank - axis, X->dims + axis, smap) ||
	    (Bi && bcast_map(Bi, X->rank - axis, X->dims + axis, bmap))) {
		gs_kernel_fail(k, "Scale or B does not broadcast to the normalised shape");
		goto out;
	}
	s = S->data, b = Bi ? Bi->data : NULL;
	for (n = 0; n < outer; n++) {
		const float *x = (const float *)X->data + n * inner;
		float *y = (float *)Y->data + n * inner;
		double mean = 0.0, inv = 0.0;

		if (rms) {
			for (j = 0; j < inner; j++)
				inv += (double)x[j] * x[j];
			inv = 1.0 / sqrt(inv / (double)inner + eps);
		} else {
			moments(x, inner, eps, &mean, &inv);
		}
		if (S->numel == inner && (!b || Bi->numel == inner)) {
			/* scale and bias cover the whole row: no maps */
			float fm = (float)mean, fi = (float)inv;

			if (b)
				for (j = 0; j < inner; j++)
					y[j] = (x[j] - fm) * fi * s[j] + b[j];
			else
				for (j = 0; j < inner; j++)
					y[j] = (x[j] - fm) * fi * s[j];
		} else {
			for (j = 0; j < inner; j++)
				y[j] = (float)(((double)x[j] - mean) * inv) * s[smap[j]] +
				       (b ? b[bmap[j]] : 0.0f);
		}
		if (Mo)
			((float *)Mo->data)[n] = (float)mean;
		if (Io)
			((float *)Io->data)[n] = (float)inv;
	}
	rc = 0;
out:
	free(smap);
	free(bmap);
	return rc;
}

static int k_layernorm(struct gs_kernel_ctx *k)
{
	return layernorm(k, false);
}

static int k_rmsnorm(struct gs_kernel_ctx *k)
{
	if (gs_kernel_in(k, 2) || gs_k_out_wanted(k, 1))
		return gs_kernel_fail(k, "takes 2 inputs and gives 1 output");
	return layernorm(k, true);
}

static int k_groupnorm(struct gs_kernel_ctx *k)
{
	struct gs_etensor *X = gs_kernel_in(k, 0), *S = gs_kernel_in(k, 1);
	struct gs_etensor *Bi = gs_kernel_in(k, 2), *Y;
	float eps = gs_node_attr_float(k->node, "epsilon", 1e-5f);
	int64_t G = gs_node_attr_int(k->node, "num_groups", 0), C, inner = 1, Cg, n, g, c, j;
	bool per_channel = k->opset >= 21;
	const float *s, *b;
	int i;

	if (!X || !S || !Bi)
		return gs_kernel_fail(k, "needs inputs X, scale and bias");
	if (gs_k_want_float(k, X, "X") || gs_k_want_float(k, S, "scale") ||
	    gs_k_want_float(k, Bi, "bias"))
		return -1;
	if (X->rank < 2)
		return gs_kernel_fail(k, "X of rank %d: expected at least 2", X->rank);
	C = X->dims[1];
	if (G < 1 || C % G)
		return gs_kernel_fail(k, "num_groups %lld does not divide %lld channels",
				      (long long)G, (long long)C);
	Cg = C / G;
	if (S->numel != (per_channel ? C : G) || Bi->numel != S->numel)
		return gs_kernel_fail(k, "scale and bias must have %lld values at opset %lld",
				      (long long)(per_channel ? C : G), (long long)k->opset);
	for (i = 2; i < X->rank; i++)
		inner *= X->dims[i];
	if (!(Y = gs_kernel_out(k, 0, GS_DTYPE_FLOAT, X->rank, X->dims)))
		return -1;
	s = S->data, b = Bi->data;
	for (n = 0; n < X->dims[0]; n++)
		for (g = 0; g < G; g++) {
			int64_t base = (n * C + g * Cg) * inner;
			const float *x = (const float *)X->data + base;
			float *y = (float *)Y->data + base;
			double mean, inv;

			moments(x, Cg * inner, eps, &mean, &inv);
			for (c = 0; c < Cg; c++) {
				int64_t p = per_channel ? g * Cg + c : g;

				for (j = 0; j < inner; j++)
					y[c * inner + j] = (float)(((double)x[c * inner + j] - mean) *
								   inv) * s[p] + b[p];
			}
		}
	return 0;
}

static int k_lrn(struct gs_kernel_ctx *k)
{
	struct gs_etensor *X = gs_kernel_in(k, 0), *Y;
	float alpha = gs_node_attr_float(k->node, "alpha", 1e-4f);
	float beta = gs_node_attr_float(k->node, "beta", 0.75f);
	float bias = gs_node_attr_float(k->node, "bias", 1.0f);
	int64_t size = gs_node_attr_int(k->node, "size", 0), C, inner = 1, n, c, q, j;
	int i;

	if (!X)
		return gs_kernel_fail(k, "needs input X");
	if (gs_k_want_float(k, X, "X"))
		return -1;
	if (X->rank < 2)
		return gs_kernel_fail(k, "X of rank %d: expected at least 2", X->rank);
	if (size < 1)
		return gs_kernel_fail(k, "size %lld is not positive", (long long)size);
	C = X->dims[1];
	for (i = 2; i < X->rank; i++)
		inner *= X->dims[i];
	if (!(Y = gs_kernel_out(k, 0, GS_DTYPE_FLOAT, X->rank, X->dims)))
		return -1;
	for (n = 0; n < X->dims[0]; n++)
		for (c = 0; c < C; c++) {
			/* channels c - floor((size-1)/2) .. c + ceil((size-1)/2) */
			int64_t lo = c - (size - 1) / 2, hi = c + size / 2;
			const float *x = (const float *)X->data + n * C * inner;
			float *y = (float *)Y->data + (n * C + c) * inner;

			lo = lo < 0 ? 0 : lo;
			hi = hi >= C ? C - 1 : hi;
			for (j = 0; j < inner; j++) {
				double sq = 0.0;

				for (q = lo; q <= hi; q++)
					sq += (double)x[q * inner + j] * x[q * inner + j];
				y[j] = (float)(x[c * inner + j] /
					       pow(bias + alpha / (double)size * sq, beta));
			}
		}
	return 0;
}

static int k_dropout(struct gs_kernel_ctx *k)
{
	struct gs_etensor *X = gs_kernel_in(k, 0), *R = gs_kernel_in(k, 1);
	struct gs_etensor *T = gs_kernel_in(k, 2), *Mk;
	double ratio = gs_node_attr_float(k->node, "ratio", 0.5f);

	if (!X)
		return gs_kernel_fail(k, "needs input data");
	if (R) {
		if (R->numel != 1)
			return gs_kernel_fail(k, "ratio is not a scalar");
		ratio = gs_et_get(R, 0);
	}
	if (T && T->numel != 1)
		return gs_kernel_fail(k, "training_mode is not a scalar");
	/* training drops at random: not reproducible, so refused */
	if (T && gs_et_get(T, 0) != 0.0 && ratio != 0.0)
		return gs_kernel_fail(k, "training_mode=1 with ratio %g not supported", ratio);
	gs_kernel_out_alias(k, 0, X, X->rank, X->dims);
	if (gs_k_out_wanted(k, 1)) {
		/* the mask is bool from opset 10; before, the input's dtype */
		int dt = k->opset >= 10 ? GS_DTYPE_BOOL : X->dtype;
		int64_t i;

		if (!(Mk = gs_kernel_out(k, 1, dt, X->rank, X->dims)))
			return -1;
		if (dt == GS_DTYPE_BOOL)
			memset(Mk->data, 1, (size_t)Mk->numel);
		else
			for (i = 0; i < Mk->numel; i++)
				gs_et_set(Mk, i, 1.0);
	}
	return 0;
}

const struct gs_op gs_ops_norm[] = {
	{ .name = "BatchNormalization", .since = 1, .flags = GS_OP_FLOAT32, .kernel = k_batchnorm,
	  .breaks = { 9 },
	  .attrs = GS_OP_ATTRS(
		GS_DFLT_FLOAT("epsilon", 1e-5), GS_DFLT_FLOAT("momentum", 0.9),
		GS_DFLT_INT("training_mode", 0)), .rank_rule = GS_RANK_SAME,
	  .changed = { 1, 6, 7, 9, 14, 15 },
	  .note = "(x - mean) / sqrt(var + eps) * scale + B per channel, with stored statistics" },
	{ .name = "InstanceNormalization", .since = 1, .flags = GS_OP_FLOAT32,
	  .rank_rule = GS_RANK_SAME,
	  .kernel = k_instancenorm, .changed = { 1, 6, 22 },
	  .note = "normalises each (sample, channel) plane by its own mean and variance" },
	{ .name = "LayerNormalization", .since = 17, .flags = GS_OP_FLOAT32,
	  .attrs = GS_OP_ATTRS(
		GS_DFLT_INT("axis", -1), GS_DFLT_FLOAT("epsilon", 1e-5),
		GS_DFLT_INT("stash_type", 1)), .family = "layernorm", .bias_slot = 2,
	  .rank_rule = GS_RANK_SAME,
	  .kernel = k_layernorm, .changed = { 17 },
	  .note = "normalises over all axes from `axis` on, then scales and shifts" },
	{ .name = "RMSNormalization", .since = 23, .flags = GS_OP_FLOAT32, .kernel = k_rmsnorm,
	  .changed = { 23 },
	  .note = "divides by the root mean square over the axes from `axis` on, then scales" },
	{ .name = "GroupNormalization", .since = 18, .flags = GS_OP_FLOAT32,
	  .breaks = { 21 },
	  .kernel = k_groupnorm, .changed = { 18, 21 },
	  .note = "normalises groups of channels; scale/bias per group at 18, per channel at 21" },
	{ .name = "LRN", .since = 1, .flags = GS_OP_FLOAT32, .kernel = k_lrn,
	  .changed = { 1, 13 },
	  .note = "divides by (bias + alpha/size * sum of squares of neighbouring channels)^beta" },
	{ .name = "Dropout", .since = 1, .kernel = k_dropout,
	  .breaks = { 10, 12 }, .pointwise = true, .rank_rule = GS_RANK_SAME,
	  .changed = { 1, 6, 7, 10, 12, 13, 22 },
	  .note = "identity at inference (the mask, if asked for, is all ones)" },
	{ .name = NULL },
};
