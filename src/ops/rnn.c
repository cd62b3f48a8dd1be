/*
 * Op family 'rnn' of the registry (see graphsmith/ops.h): RNN, GRU, LSTM.
 *
 * One driver runs all three.  Per direction, the input projections of all
 * time steps are one GEMM up front ([seq*batch, I] x W^T); each step then
 * adds H_{t-1} R^T (one GEMM over the batch) and applies the cell.  The
 * work happens in layout 0 ([seq, batch, ...]); layout 1 is transposed in
 * and out.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "graphsmith/eval.h"
#include "graphsmith/ir.h"
#include "ops/families.h"
#include "ops/gemm.h"
#include "ops/kernel-util.h"

enum rnn_kind { K_RNN, K_GRU, K_LSTM };

enum act_kind {
	A_RELU, A_TANH, A_SIGMOID, A_AFFINE, A_LEAKYRELU, A_THRESHOLDEDRELU, A_SCALEDTANH,
	A_HARDSIGMOID, A_ELU, A_SOFTSIGN, A_SOFTPLUS,
};

struct act {
	enum act_kind kind;
	float alpha, beta;
};

static const struct {
	const char *name;
	enum act_kind kind;
	int n_params;			/* how many of alpha, beta it takes */
	float alpha, beta;		/* their defaults */
} act_names[] = {
	{ "Relu", A_RELU, 0, 0, 0 },
	{ "Tanh", A_TANH, 0, 0, 0 },
	{ "Sigmoid", A_SIGMOID, 0, 0, 0 },
	{ "Affine", A_AFFINE, 2, 1.0f, 0.0f },
	{ "LeakyRelu", A_LEAKYRELU, 1, 0.01f, 0 },
	{ "ThresholdedRelu", A_THRESHOLDEDRELU, 1, 1.0f, 0 },
	{ "ScaledTanh", A_SCALEDTANH, 2, 1.0f, 1.0f },
	{ "HardSigmoid", A_HARDSIGMOID, 2, 0.2f, 0.5f },
	{ "Elu", A_ELU, 1, 1.0f, 0 },
	{ "Softsign", A_SOFTSIGN, 0, 0, 0 },
	{ "Softplus", A_SOFTPLUS, 0, 0, 0 },
};

static inline float act_apply(const struct act *a, float x)
{
	switch (a->kind) {
	case A_RELU:
		return x > 0.0f ? x : 0.0f;
	case A_TANH:
		return tanhf(x);
	case A_SIGMOID:
		return 1.0f / (1.0f + expf(-x));
	case A_AFFINE:
		return a->alpha * x + a->beta;
	case A_LEAKYRELU:
		return x >= 0.0f ? x : a->alpha * x;
	case A_THRESHOLDEDRELU:
		return x > a->alpha ? x : 0.0f;
	case A_SCALEDTANH:
		return a->alpha * tanhf(a->beta * x);
	case A_HARDSIGMOID: {
		float v = a->alpha * x + a->beta;

		return v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
	}
	case A_ELU:
		return x >= 0.0f ? x : a->alpha * (expf(x) - 1.0f);
	case A_SOFTSIGN:
		return x / (1.0f + fabsf(x));
	case A_SOFTPLUS:
		return x > 20.0f ? x : log1pf(expf(x));
	}
	return x;
}

struct rnn {
	enum rnn_kind kind;
	int G;				/* gates: 1, 3 (z,r,h), 4 (i,o,f,c) */
	int dirs;
	bool reverse;			/* direction "reverse" (dirs == 1) */
	int64_t seq, batch, I, H;
	struct act act[6];		/* per direction: f (, g (, h)) */
	int n_act;			/* per direction */
	float clip;			/* INFINITY when not clipping */
	bool input_forget, lbr;
	const float *X, *W, *R, *B, *P, *h0, *c0;	/* X, h0, c0 in layout 0 */
	int64_t *lens;
	float *Y, *Yh, *Yc;		/* layout 0 */
};

static int read_acts(struct gs_kernel_ctx *k, struct rnn *r)
{
	static const enum act_kind dflt[3][3] = {
		{ A_TANH }, { A_SIGMOID, A_TANH }, { A_SIGMOID, A_TANH, A_TANH },
	};
	const struct gs_attr *a = gs_node_attr(k->node, "activations");
	const struct gs_attr *al = gs_node_attr(k->node, "activation_alpha");
	const struct gs_attr *be = gs_node_attr(k->node, "activation_beta");
	int i, n = r->n_act * r->dirs, ia = 0, ib = 0;
	size_t j;

	if (!a) {
		for (i = 0; i < n; i++)
			r->act[i].kind = dflt[r->kind][i % r->n_act];
		return 0;
	}
	if (a->type != GS_ATTR_STRINGS || a->n != n)
		return gs_kernel_fail(k, "'activations' needs %d names", n);
	for (i = 0; i < n; i++) {
		for (j = 0; j < sizeof(act_names) / sizeof(*act_names); j++)
			if (!strcasecmp(a->strings[i], act_names[j].name))
				break;
		if (j == sizeof(act_names) / sizeof(*act_names))
			return gs_kernel_fail(k, "activation '%s' not supported", a->strings[i]);
		r->act[i].kind = act_names[j].kind;
		r->act[i].alpha = act_names[j].alpha;
		r->act[i].beta = act_names[j].beta;
		/* the alpha and beta lists are consumed by the functions using them */
		if (act_names[j].n_params >= 1 && al && al->type == GS_ATTR_FLOATS && ia < al->n)
			r->act[i].alpha = al->floats[ia++];
		if (act_names[j].n_params >= 2 && be && be->type == GS_ATTR_FLOATS && ib < be->n)
			r->act[i].beta = be->floats[ib++];
	}
	return 0;
}

static inline float clipf(float x, float c)
{
	return x > c ? c : x < -c ? -c : x;
}

/* One direction d, reversed or not; xw is scratch [seq*batch, G*H], gh
 * [batch, G*H], h and c [batch, H]. */
static void run_dir(const struct rnn *r, int d, bool rev, float *xw, float *gh, float *h,
		    float *c, float *rh)
{
	int64_t H = r->H, GH = r->G * H, B = r->batch, t, b, j, step;
	const float *W = r->W + d * GH * r->I, *R = r->R + d * GH * H;
	const float *wb = r->B ? r->B + d * 2 * GH : NULL, *rb = wb ? wb + GH : NULL;
	const float *P = r->P ? r->P + d * 3 * H : NULL;
	const struct act *f = &r->act[d * r->n_act], *g = f + 1, *hh = f + 2;

	/* input projections of every step, plus the biases that simply add */
	gs_sgemm(false, true, r->seq * B, GH, r->I, 1.0f, r->X, r->I, W, r->I, 0.0f, xw, GH);
	if (wb)
		for (t = 0; t < r->seq * B; t++)
			for (j = 0; j < GH; j++) {
				bool inner = r->kind == K_GRU && j >= 2 * H;

				xw[t * GH + j] += wb[j] + (inner ? 0.0f : rb[j]);
			}
	for (b = 0; b < B; b++) {
		if (r->h0)
			memcpy(h + b * H, r->h0 + (d * B + b) * H, (size_t)H * sizeof(*h));
		else
			memset(h + b * H, 0, (size_t)H * sizeof(*h));
		if (c && r->c0)
			memcpy(c + b * H, r->c0 + (d * B + b) * H, (size_t)H * sizeof(*c));
		else if (c)
			memset(c + b * H, 0, (size_t)H * sizeof(*c));
	}
	for (step = 0; step < r->seq; step++) {
		/* recurrent term; GRU without linear_before_reset needs r first */
		int64_t n_gates = r->kind == K_GRU && !r->lbr ? 2 * H : GH;

		gs_sgemm(false, true, B, n_gates, H, 1.0f, h, H, R, H, 0.0f, gh, GH);
		if (r->kind == K_GRU && !r->lbr) {
			for (b = 0; b < B; b++) {
				int64_t len = r->lens ? r->lens[b] : r->seq;
				int64_t tt = rev ? len - 1 - step : step;
				const float *x = xw + (tt * B + b) * GH;

				if (step >= len) {
					memset(rh + b * H, 0, (size_t)H * sizeof(*rh));
					continue;
				}
				for (j = 0; j < H; j++) {
					float rg = act_apply(f, clipf(x[H + j] + gh[b * GH + H + j],
								      r->clip));

					rh[b * H + j] = rg * h[b * H + j];
				}
			}
			gs_sgemm(false, true, B, H, H, 1.0f, rh, H, R + 2 * H * H, H, 0.0f,
				 gh + 2 * H, GH);
		}
		for (b = 0; b < B; b++) {
			int64_t len = r->lens ? r->lens[b] : r->seq;
			int64_t tt = rev ? len - 1 - step : step;
			const float *x = xw + (tt * B + b) * GH;
			float *gb = gh + b * GH, *hb = h + b * H, *cb = c ? c + b * H : NULL;

			if (step >= len)
				continue;
			for (j = 0; j < H; j++) {
				float nh;

				if (r->kind == K_RNN) {
					nh = act_apply(f, clipf(x[j] + gb[j], r->clip));
				} else if (r->kind == K_GRU) {
					float z = act_apply(f, clipf(x[j] + gb[j], r->clip)), ht;

					if (r->lbr) {
						float rg = act_apply(f, clipf(x[H + j] + gb[H + j],
									      r->clip));

						ht = x[2 * H + j] + rg * (gb[2 * H + j] +
									  (rb ? rb[2 * H + j] : 0.0f));
					} else {
						ht = x[2 * H + j] + gb[2 * H + j] +
						     (rb ? rb[2 * H + j] : 0.0f);
					}
					ht = act_apply(g, clipf(ht, r->clip));
					nh = (1.0f - z) * ht + z * hb[j];
				} else {
					float cp = cb[j], ig, og, fg, cg, cn;

					ig = x[j] + gb[j] + (P ? P[j] * cp : 0.0f);
					ig = act_apply(f, clipf(ig, r->clip));
					if (r->input_forget) {
						fg = 1.0f - ig;
					} else {
						fg = x[2 * H + j] + gb[2 * H + j] +
						     (P ? P[2 * H + j] * cp : 0.0f);
						fg = act_apply(f, clipf(fg, r->clip));
					}
					cg = act_apply(g, clipf(x[3 * H + j] + gb[3 * H + j], r->clip));
					cn = fg * cp + ig * cg;
					og = x[H + j] + gb[H + j] + (P ? P[H + j] * cn : 0.0f);
					og = act_apply(f, clipf(og, r->clip));
					cb[j] = cn;
					nh = og * act_apply(hh, cn);
				}
				hb[j] = nh;
			}
			memcpy(r->Y + ((tt * r->dirs + d) * B + b) * H, hb, (size_t)H * sizeof(*hb));
		}
	}
	memcpy(r->Yh + d * B * H, h, (size_t)(B * H) * sizeof(*h));
	if (c)
		memcpy(r->Yc + d * B * H, c, (size_t)(B * H) * sizeof(*c));
}

/* Swaps the two leading axes of a [a, b, inner] array into dst. */
static void swap01(const float *src, int64_t a, int64_t b, int64_t inner, float *dst)
{
	int64_t i, j;

	for (i = 0; i < a; i++)
		for (j = 0; j < b; j++)
			memcpy(dst + (j * a + i) * inner, src + (i * b + j) * inner,
			       (size_t)inner * sizeof(*dst));
}

static int k_rnn_any(struct gs_kernel_ctx *k, enum rnn_kind kind)
{
	struct gs_etensor *X = gs_kernel_in(k, 0), *W = gs_kernel_in(k, 1), *R = gs_kernel_in(k, 2);
	struct gs_etensor *B = gs_kernel_in(k, 3), *L = gs_kernel_in(k, 4);
	struct gs_etensor *H0 = gs_kernel_in(k, 5), *C0 = kind == K_LSTM ? gs_kernel_in(k, 6) : NULL;
	struct gs_etensor *P = kind == K_LSTM ? gs_kernel_in(k, 7) : NULL, *o;
	struct gs_etensor *tmp[8] = { NULL };
	const struct gs_attr *da = gs_node_attr(k->node, "direction");
	const char *dir = da && da->s ? da->s : "forward";
	int64_t layout = gs_node_attr_int(k->node, "layout", 0), dims[4], GH, i;
	int64_t sz_state, sz_y;
	struct rnn r = { .kind = kind };
	float *xw, *gh, *h, *c = NULL, *rh = NULL;
	int d, rc = -1, nt = 0;

	r.G = kind == K_RNN ? 1 : kind == K_GRU ? 3 : 4;
	r.n_act = kind == K_RNN ? 1 : kind == K_GRU ? 2 : 3;
	if (!X || !W || !R)
		return gs_kernel_fail(k, "needs inputs X, W and R");
	if (X->dtype != GS_DTYPE_FLOAT || W->dtype != GS_DTYPE_FLOAT || R->dtype != GS_DTYPE_FLOAT ||
	    (B && B->dtype != GS_DTYPE_FLOAT) || (H0 && H0->dtype != GS_DTYPE_FLOAT) ||
	    (C0 && C0->dtype != GS_DTYPE_FLOAT) || (P && P->dtype != GS_DTYPE_FLOAT))
		return gs_kernel_fail(k, "expects float inputs");
	if (layout != 0 && layout != 1)
		return gs_kernel_fail(k, "layout %lld not supported", (long long)layout);
	if (!strcmp(dir, "forward") || !strcmp(dir, "reverse")) {
		r.dirs = 1;
		r.reverse = dir[0] == 'r';
	} else if (!strcmp(dir, "bidirectional")) {
		r.dirs = 2;
	} else {
		return gs_kernel_fail(k, "direction '%s' not supported", dir);
	}
	if (X->rank != 3 || W->rank != 3 || R->rank != 3)
		return gs_kernel_fail(k, "X, W and R must be 3-D");
	r.seq = X->dims[layout ? 1 : 0];
	r.batch = X->dims[layout ? 0 : 1];
	r.I = X->dims[2];
	r.H = gs_node_attr_int(k->node, "hidden_size", R->dims[2]);
	GH = r.G * r.H;
	if (r.H != R->dims[2] || W->dims[0] != r.dirs || W->dims[1] != GH || W->dims[2] != r.I ||
	    R->dims[0] != r.dirs || R->dims[1] != GH)
		return gs_kernel_fail(k, "W or R shape does not match hidden_size %lld, %d direction(s)",
				      (long long)r.H, r.dirs);
	if (B && B->numel != r.dirs * 2 * GH)
		return gs_kernel_fail(k, "B must hold %lld values", (long long)(r.dirs * 2 * GH));
	if (P && P->numel != r.dirs * 3 * r.H)
		return gs_kernel_fail(k, "P must hold %lld values", (long long)(r.dirs * 3 * r.H));
	sz_state = r.dirs * r.batch * r.H;
	if ((H0 && H0->numel != sz_state) || (C0 && C0->numel != sz_state))
		return gs_kernel_fail(k, "initial state must hold %lld values", (long long)sz_state);
	r.clip = gs_node_attr(k->node, "clip") ? gs_node_attr_float(k->node, "clip", 0) : INFINITY;
	if (!(r.clip > 0.0f))
		return gs_kernel_fail(k, "clip %g is not positive", r.clip);
	r.input_forget = gs_node_attr_int(k->node, "input_forget", 0) != 0;
	r.lbr = gs_node_attr_int(k->node, "linear_before_reset", 0) != 0;
	if (read_acts(k, &r))
		return -1;
	r.W = W->data, r.R = R->data, r.B = B ? B->data : NULL, r.P = P ? P->data : NULL;

	/* outputs (allocated even when unnamed: the run needs them) */
	sz_y = r.seq * sz_state;
	if (layout) {
		dims[0] = r.batch, dims[1] = r.seq, dims[2] = r.dirs, dims[3] = r.H;
	} else {
		dims[0] = r.seq, dims[1] = r.dirs, dims[2] = r.batch, dims[3] = r.H;
	}
	if (!(tmp[nt++] = gs_et_zeros(GS_DTYPE_FLOAT, 1, &sz_y, k->err)))
		goto out;
	r.Y = tmp[nt - 1]->data;
	if (!(tmp[nt++] = gs_et_new(GS_DTYPE_FLOAT, 1, &sz_state, k->err)) ||
	    !(tmp[nt++] = gs_et_new(GS_DTYPE_FLOAT, 1, &sz_state, k->err)))
		goto out;
	r.Yh = tmp[nt - 2]->data, r.Yc = tmp[nt - 1]->data;
	if (L) {
		int64_t n = r.batch;

		if (L->numel != r.batch || r.batch > INT32_MAX) {
			gs_kernel_fail(k, "sequence_lens must hold %lld values", (long long)n);
			goto out;
		}
		if (!(tmp[nt++] = gs_et_new(GS_DTYPE_INT64, 1, &n, k->err)))
			goto out;
		r.lens = tmp[nt - 1]->data;
		if (gs_et_ints(L, r.lens, (int)n, k->err) < 0)
			goto out;
		for (i = 0; i < n; i++)
			if (r.lens[i] < 0 || r.lens[i] > r.seq) {
				gs_kernel_fail(k, "sequence_lens value %lld outside 0..%lld",
					       (long long)r.lens[i], (long long)r.seq);
				goto out;
			}
	}
	/* layout 1 inputs to layout 0 */
	r.X = X->data, r.h0 = H0 ? H0->data : NULL, r.c0 = C0 ? C0->data : NULL;
	if (layout) {
		struct gs_etensor *t;

		if (!(t = tmp[nt++] = gs_et_new(GS_DTYPE_FLOAT, 1, &X->numel, k->err)))
			goto out;
		swap01(r.X, r.batch, r.seq, r.I, t->data);
		r.X = t->data;
		if (H0) {
			if (!(t = tmp[nt++] = gs_et_new(GS_DTYPE_FLOAT, 1, &sz_state, k->err)))
				goto out;
			swap01(r.h0, r.batch, r.dirs, r.H, t->data);
			r.h0 = t->data;
		}
		if (C0) {
			if (!(t = tmp[nt++] = gs_et_new(GS_DTYPE_FLOAT, 1, &sz_state, k->err)))
				goto out;
			swap01(r.c0, r.batch, r.dirs, r.H, t->data);
			r.c0 = t->data;
		}
	}
	{
		/* xw [seq*batch, GH] | gh [batch, GH] | h, c, rh [batch, H] */
		int64_t n = r.seq * r.batch * GH + r.batch * GH + 3 * r.batch * r.H + 1;

		if (!(tmp[nt++] = gs_et_new(GS_DTYPE_FLOAT, 1, &n, k->err)))
			goto out;
		xw = tmp[nt - 1]->data;
		gh = xw + r.seq * r.batch * GH;
		h = gh + r.batch * GH;
		if (kind == K_LSTM)
			c = h + r.batch * r.H;
		if (kind == K_GRU)
			rh = h + 2 * r.batch * r.H;
	}
	for (d = 0; d < r.dirs; d++)
		run_dir(&r, d, d == 1 || r.reverse, xw, gh, h, c, rh);

	if (gs_k_out_wanted(k, 0)) {
		if (!(o = gs_kernel_out(k, 0, GS_DTYPE_FLOAT, 4, dims)))
			goto out;
		if (layout)	/* [seq, dirs*batch... ] -> [batch, seq, dirs, H] */
			for (i = 0; i < r.seq; i++) {
				int64_t dd, b;

				for (dd = 0; dd < r.dirs; dd++)
					for (b = 0; b < r.batch; b++)
						memcpy((float *)o->data +
						       ((b * r.seq + i) * r.dirs + dd) * r.H,
						       r.Y + ((i * r.dirs + dd) * r.batch + b) * r.H,
						       (size_t)r.H * sizeof(float));
			}
		else if (sz_y)
			memcpy(o->data, r.Y, (size_t)sz_y * sizeof(float));
	}
	for (i = 1; i <= (kind == K_LSTM ? 2 : 1); i++) {
		const float *src = i == 1 ? r.Yh : r.Yc;

		if (!gs_k_out_wanted(k, i))
			continue;
		if (layout) {
			dims[0] = r.batch, dims[1] = r.dirs;
		} else {
			dims[0] = r.dirs, dims[1] = r.batch;
		}
		dims[2] = r.H;
		if (!(o = gs_kernel_out(k, (int)i, GS_DTYPE_FLOAT, 3, dims)))
			goto out;
		if (layout)
			swap01(src, r.dirs, r.batch, r.H, o->data);
		else if (sz_state)
			memcpy(o->data, src, (size_t)sz_state * sizeof(float));
	}
	rc = 0;
out:
	while (nt > 0)
		gs_et_unref(tmp[--nt]);
	return rc;
}

static int k_rnn(struct gs_kernel_ctx *k)
{
	return k_rnn_any(k, K_RNN);
}

static int k_gru(struct gs_kernel_ctx *k)
{
	return k_rnn_any(k, K_GRU);
}

static int k_lstm(struct gs_kernel_ctx *k)
{
	return k_rnn_any(k, K_LSTM);
}

const struct gs_op gs_ops_rnn[] = {
	{ .name = "RNN", .since = 1, .flags = GS_OP_FLOAT32, .kernel = k_rnn,
	  .changed = { 1, 7, 14, 22 },
	  .note = "Elman recurrence H_t = f(X_t W^T + H_{t-1} R^T + Wb + Rb)" },
	{ .name = "GRU", .since = 1, .flags = GS_OP_FLOAT32, .kernel = k_gru,
	  .changed = { 1, 3, 7, 14, 22 },
	  .note = "gated recurrence, gates z,r,h; linear_before_reset moves r after R_h" },
	{ .name = "LSTM", .since = 1, .flags = GS_OP_FLOAT32, .kernel = k_lstm,
	  .changed = { 1, 7, 14, 22 },
	  .note = "long short-term memory, gates i,o,f,c in W/R/B; B = [Wb, Rb]" },
	{ .name = NULL },
};
