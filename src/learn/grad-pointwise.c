/*
 * Gradient rules of the elementwise ops: arithmetic with numpy
 * broadcasting (the gradient of a broadcast operand sums over the axes it
 * was broadcast along), activations, softmax, and BatchNormalization in
 * its inference form (statistics frozen).
 */
#include <math.h>
#include <string.h>

#include "learn/grad-internal.h"

int gs_grad_arith(struct gs_grad_ctx *c)
{
	const struct gs_etensor *a = c->in[0], *b = c->in[1];
	const char *op = c->node->op_type;
	const float *go = gs_grad_f(c->gout[0]), *fa, *fb;
	float *ga = gs_grad_f(c->gin[0]), *gb = gs_grad_f(c->gin[1]);
	struct gs_grad_bcast w;
	int64_t o;

	if (!go)
		return 0;
	if (!strcmp(op, "Add") || !strcmp(op, "Sub")) {
		if (ga)
			gs_grad_unbroadcast_add(c->gout[0], c->gin[0], 1.0f);
		if (gb)
			gs_grad_unbroadcast_add(c->gout[0], c->gin[1], op[0] == 'S' ? -1.0f : 1.0f);
		return 0;
	}
	if (a->dtype != GS_DTYPE_FLOAT || b->dtype != GS_DTYPE_FLOAT)
		return gs_grad_fail(c, "operands are not float32");
	fa = gs_grad_f(a);
	fb = gs_grad_f(b);
	gs_grad_bcast_init(&w, c->gout[0], a, b);
	for (o = 0; o < c->gout[0]->numel; o++, gs_grad_bcast_next(&w)) {
		float x = fa[w.off[0]], y = fb[w.off[1]];

		if (op[0] == 'M') {
			if (ga)
				ga[w.off[0]] += go[o] * y;
			if (gb)
				gb[w.off[1]] += go[o] * x;
		} else {
			if (ga)
				ga[w.off[0]] += go[o] / y;
			if (gb)
				gb[w.off[1]] -= go[o] * x / (y * y);
		}
	}
	return 0;
}

int gs_grad_activation(struct gs_grad_ctx *c)
{
	const char *op = c->node->op_type;
	const float *go = gs_grad_f(c->gout[0]), *x = gs_grad_f(c->in[0]);
	const float *y = gs_grad_f(c->out[0]);
	float *gi = gs_grad_f(c->gin[0]);
	float alpha = gs_node_attr_float(c->node, "alpha", 0.01f);
	int64_t i, n = c->out[0]->numel;

	if (!go || !gi)
		return 0;
	if (!strcmp(op, "Relu")) {
		for (i = 0; i < n; i++)
			gi[i] += y[i] > 0.0f ? go[i] : 0.0f;
	} else if (!strcmp(op, "LeakyRelu")) {
		for (i = 0; i < n; i++)
			gi[i] += x[i] > 0.0f ? go[i] : alpha * go[i];
	} else if (!strcmp(op, "Sigmoid")) {
		for (i = 0; i < n; i++)
			gi[i] += go[i] * y[i] * (1.0f - y[i]);
	} else {	/* Tanh */
		for (i = 0; i < n; i++)
			gi[i] += go[i] * (1.0f - y[i] * y[i]);
	}
	return 0;
}

/* Softmax: dx = y (g - sum g y); LogSoftmax: dx = g - exp(y) sum g, over
 * the axis (from opset 13) or the flattened trailing axes (before). */
int gs_grad_softmax(struct gs_grad_ctx *c)
{
	const struct gs_etensor *y = c->out[0];
	bool log_sm = !strcmp(c->node->op_type, "LogSoftmax");
	int64_t axis = gs_node_attr_int(c->node, "axis", c->opset >= 13 ? -1 : 1);
	int64_t outer = 1, len = 1, inner = 1, o, i, j;
	const float *go = gs_grad_f(c->gout[0]), *fy = gs_grad_f(y);
	float *gi = gs_grad_f(c->gin[0]);

	if (!go || !gi)
		return 0;
	if (axis < 0)
		axis += y->rank;
	for (i = 0; i < y->rank; i++) {
		if (i < axis)
			outer *= y->dims[i];
		else if (i == axis || c->opset < 13)
			len *= y->dims[i];
		else
			inner *= y->dims[i];
	}
	for (o = 0; o < outer; o++) {
		for (j = 0; j < inner; j++) {
			int64_t base = o * len * inner + j;
			double s = 0;

			for (i = 0; i < len; i++)
				s += log_sm ? go[base + i * inner] :
					(double)go[base + i * inner] * fy[base + i * inner];
			for (i = 0; i < len; i++) {
				int64_t k = base + i * inner;

				gi[k] += log_sm ? go[k] - expf(fy[k]) * (float)s :
					fy[k] * (go[k] - (float)s);
			}
		}
	}
	return 0;
}

int gs_grad_batchnorm(struct gs_grad_ctx *c)
{
	const struct gs_etensor *x = c->in[0];
	float eps = gs_node_attr_float(c->node, "epsilon", 1e-5f);
	const float *fx = gs_grad_f(x), *go = gs_grad_f(c->gout[0]);
	const float *scale, *mean, *var;
	float *gx = gs_grad_f(c->gin[0]), *gs = gs_grad_f(c->gin[1]), *gb = gs_grad_f(c->gin[2]);
	int64_t n = x->dims[0], ch = x->rank > 1 ? x->dims[1] : 1, sp, b, k, i;

	if (!go)
		return 0;
	if (gs_node_attr_int(c->node, "training_mode", 0) || c->n_out > 1)
		return gs_grad_fail(c, "only the inference form (frozen statistics) is supported");
	if (c->n_in < 5 || !c->in[1] || !c->in[3] || !c->in[4] ||
	    c->in[1]->dtype != GS_DTYPE_FLOAT || c->in[3]->dtype != GS_DTYPE_FLOAT ||
	    c->in[4]->dtype != GS_DTYPE_FLOAT)
		return gs_grad_fail(c, "scale, mean and variance must be float32");
	scale = gs_grad_f(c->in[1]);
	mean = gs_grad_f(c->in[3]);
	var = gs_grad_f(c->in[4]);
	sp = n && ch ? x->numel / (n * ch) : 0;
	for (k = 0; k < ch; k++) {
		float inv = 1.0f / sqrtf(var[k] + eps);
		double ds = 0, db = 0;

		for (b = 0; b < n; b++) {
			int64_t base = (b * ch + k) * sp;

			for (i = 0; i < sp; i++) {
				float g = go[base + i];

				if (gx)
					gx[base + i] += g * scale[k] * inv;
				ds += (double)g * (fx[base + i] - mean[k]) * inv;
				db += g;
			}
		}
		if (gs)
			gs[k] += (float)ds;
		if (gb)
			gb[k] += (float)db;
	}
	return 0;
}
