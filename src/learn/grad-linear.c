/*
 * Gradient rules of the linear ops, on the kernels' own matrix product
 * (gs_sgemm, accumulating with beta = 1):
 *   MatMul Y = A B: dA = G B^T, dB = A^T G, summed over broadcast batches;
 *   Gemm Y = alpha op(A) op(B) + beta C: the same through op(), dC = beta G
 *     summed to C's shape;
 *   Conv, per sample and group, on im2col columns: dW = G col^T,
 *     dX = col2im(W^T G), dB = sum of G over the positions.
 */
#include <stdlib.h>

#include "ops/gemm.h"
#include "learn/grad-internal.h"

int gs_grad_gemm(struct gs_grad_ctx *c)
{
	const struct gs_etensor *a = c->in[0], *b = c->in[1], *y = c->out[0];
	bool ta = gs_node_attr_int(c->node, "transA", 0), tb = gs_node_attr_int(c->node, "transB", 0);
	float alpha = gs_node_attr_float(c->node, "alpha", 1.0f);
	float beta = gs_node_attr_float(c->node, "beta", 1.0f);
	const float *g = gs_grad_f(c->gout[0]);
	int64_t M = y->dims[0], N = y->dims[1], K = ta ? a->dims[0] : a->dims[1];
	int64_t lda = ta ? M : K, ldb = tb ? K : N;

	if (!g)
		return 0;
	if (c->gin[0]) {
		if (!ta)
			gs_sgemm(false, !tb, M, K, N, alpha, g, N, gs_grad_f(b), ldb, 1.0f,
				 gs_grad_f(c->gin[0]), K);
		else
			gs_sgemm(tb, true, K, M, N, alpha, gs_grad_f(b), ldb, g, N, 1.0f,
				 gs_grad_f(c->gin[0]), M);
	}
	if (c->gin[1]) {
		if (!tb)
			gs_sgemm(!ta, false, K, N, M, alpha, gs_grad_f(a), lda, g, N, 1.0f,
				 gs_grad_f(c->gin[1]), N);
		else
			gs_sgemm(true, ta, N, K, M, alpha, g, N, gs_grad_f(a), lda, 1.0f,
				 gs_grad_f(c->gin[1]), K);
	}
	if (c->n_in > 2 && c->gin[2])
		gs_grad_unbroadcast_add(c->gout[0], c->gin[2], beta);
	return 0;
}

/* Offsets of the matrices of t (rank >= 2, else one matrix) for a walk
 * over the output's batch dims. */
static void batch_strides(const struct gs_etensor *t, int rank, const int64_t *dims,
			  int64_t mat, int64_t *st)
{
	int64_t s = mat;
	int i, j;

	for (i = rank - 1, j = t->rank - 3; i >= 0; i--, j--) {
		st[i] = j < 0 || t->dims[j] == 1 ? 0 : s;
		if (j >= 0)
			s *= t->dims[j];
	}
}

int gs_grad_matmul(struct gs_grad_ctx *c)
{
	const struct gs_etensor *a = c->in[0], *b = c->in[1], *y = c->out[0];
	const float *g = gs_grad_f(c->gout[0]);
	int64_t M = a->rank >= 2 ? a->dims[a->rank - 2] : 1, K = a->dims[a->rank - 1];
	int64_t N = b->rank >= 2 ? b->dims[b->rank - 1] : 1;
	int64_t sa[GS_EVAL_MAX_RANK], sb[GS_EVAL_MAX_RANK], idx[GS_EVAL_MAX_RANK] = { 0 };
	int64_t bdims[GS_EVAL_MAX_RANK], nb = 1, oa = 0, ob = 0, t;
	int rb = 0, i;

	if (!g)
		return 0;
	/* the output's batch dims: all but the matrix dims it kept */
	rb = y->rank - (a->rank >= 2) - (b->rank >= 2);
	for (i = 0; i < rb; i++)
		nb *= (bdims[i] = y->dims[i]);
	batch_strides(a, rb, bdims, M * K, sa);
	batch_strides(b, rb, bdims, K * N, sb);
	for (t = 0; t < nb; t++) {
		const float *gt = g + t * M * N;

		if (c->gin[0])
			gs_sgemm(false, true, M, K, N, 1.0f, gt, N, gs_grad_f(b) + ob, N, 1.0f,
				 gs_grad_f(c->gin[0]) + oa, K);
		if (c->gin[1])
			gs_sgemm(true, false, K, N, M, 1.0f, gs_grad_f(a) + oa, K, gt, N, 1.0f,
				 gs_grad_f(c->gin[1]) + ob, N);
		for (i = rb - 1; i >= 0; i--) {
			oa += sa[i];
			ob += sb[i];
			if (++idx[i] < bdims[i])
				break;
			oa -= sa[i] * bdims[i];
			ob -= sb[i] * bdims[i];
			idx[i] = 0;
		}
	}
	return 0;
}

int gs_grad_conv(struct gs_grad_ctx *c)
{
	const struct gs_etensor *x = c->in[0], *wt = c->in[1], *y = c->out[0];
	const float *g = gs_grad_f(c->gout[0]), *fx = gs_grad_f(x), *fw = gs_grad_f(wt);
	float *gx = gs_grad_f(c->gin[0]), *gw = gs_grad_f(c->gin[1]);
	float *gb = c->n_in > 2 ? gs_grad_f(c->gin[2]) : NULL;
	int64_t grp = gs_node_attr_int(c->node, "group", 1), N, C, M, Cg, Mg, K, P, n, q;
	struct gs_grad_window w;
	float *col, *dcol;

	if (!g)
		return 0;
	if (x->rank != 3 && x->rank != 4)
		return gs_grad_fail(c, "only 1-D and 2-D convolutions are supported");
	gs_grad_window(c->node, x, y, wt->dims + 2, &w);
	N = x->dims[0];
	C = x->dims[1];
	M = y->dims[1];
	Cg = C / grp;
	Mg = M / grp;
	K = Cg * w.k[0] * w.k[1];
	P = w.out[0] * w.out[1];
	col = gs_xcalloc((size_t)(K * P) + 1, sizeof(float));
	dcol = gs_xcalloc((size_t)(K * P) + 1, sizeof(float));
	for (n = 0; n < N; n++) {
		for (q = 0; q < grp; q++) {
			const float *xs = fx + (n * C + q * Cg) * w.in[0] * w.in[1];
			const float *gs = g + (n * M + q * Mg) * P;
			int64_t r, p;

			if (gb)
				for (r = 0; r < Mg; r++)
					for (p = 0; p < P; p++)
						gb[q * Mg + r] += gs[r * P + p];
			if (gw) {
				gs_grad_im2col(xs, &w, Cg, col);
				gs_sgemm(false, true, Mg, K, P, 1.0f, gs, P, col, P, 1.0f,
					 gw + q * Mg * K, K);
			}
			if (gx) {
				gs_sgemm(true, false, K, P, Mg, 1.0f, fw + q * Mg * K, K, gs, P, 0.0f,
					 dcol, P);
				gs_grad_col2im(dcol, &w, Cg,
					       gx + (n * C + q * Cg) * w.in[0] * w.in[1]);
			}
		}
	}
	free(col);
	free(dcol);
	return 0;
}

/* col[(c*kh + i)*kw + j][oh*ow] = x[c][oh*s - pad + i*dil][...] or 0. */
void gs_grad_im2col(const float *x, const struct gs_grad_window *w, int64_t channels, float *col)
{
	int64_t ch, i, j, oh, ow, row = 0;

	for (ch = 0; ch < channels; ch++)
		for (i = 0; i < w->k[0]; i++)
			for (j = 0; j < w->k[1]; j++, row++) {
				float *dst = col + row * w->out[0] * w->out[1];

				for (oh = 0; oh < w->out[0]; oh++) {
					int64_t ih = oh * w->s[0] - w->pad[0] + i * w->dil[0];

					for (ow = 0; ow < w->out[1]; ow++) {
						int64_t iw = ow * w->s[1] - w->pad[1] + j * w->dil[1];

						*dst++ = ih >= 0 && ih < w->in[0] && iw >= 0 &&
							iw < w->in[1] ?
							x[(ch * w->in[0] + ih) * w->in[1] + iw] : 0.0f;
					}
				}
			}
}

/* The adjoint of im2col: adds each column entry back to its pixel. */
void gs_grad_col2im(const float *col, const struct gs_grad_window *w, int64_t channels, float *x)
{
	int64_t ch, i, j, oh, ow, row = 0;

	for (ch = 0; ch < channels; ch++)
		for (i = 0; i < w->k[0]; i++)
			for (j = 0; j < w->k[1]; j++, row++) {
				const float *src = col + row * w->out[0] * w->out[1];

				for (oh = 0; oh < w->out[0]; oh++) {
					int64_t ih = oh * w->s[0] - w->pad[0] + i * w->dil[0];

					for (ow = 0; ow < w->out[1]; ow++, src++) {
						int64_t iw = ow * w->s[1] - w->pad[1] + j * w->dil[1];

						if (ih >= 0 && ih < w->in[0] && iw >= 0 && iw < w->in[1])
							x[(ch * w->in[0] + ih) * w->in[1] + iw] += *src;
					}
				}
			}
}
