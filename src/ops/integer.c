/*
 * Op family 'integer' of the registry (see graphsmith/ops.h): the integer
 * and QOperator kernels.  MatMulInteger and ConvInteger accumulate
 * (x - zero_point) * (w - zero_point) exactly in int32; QLinearMatMul and
 * QLinearConv then requantize with scale_x * scale_w / scale_y, rounding
 * half to even and saturating to the output zero point's dtype.  Also
 * BitCast (bytes reinterpreted) and Det (LU with partial pivoting).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/eval.h"
#include "ops/families.h"

static bool is_q8(int dt)
{
	return dt == GS_DTYPE_INT8 || dt == GS_DTYPE_UINT8;
}

/* Element i of an int8/uint8 tensor. */
static int32_t q8_at(const struct gs_etensor *t, int64_t i)
{
	return t->dtype == GS_DTYPE_INT8 ? ((const int8_t *)t->data)[i] :
	       ((const uint8_t *)t->data)[i];
}

/* ---- zero points and scales: per tensor or along one dim ---- */

/*
 * How a zero point or scale maps onto the rows (or columns) of an operand:
 * one value, or one per row (a vector of `count`), or, for an N-D operand,
 * a tensor of the operand's shape with the reduced dim set to 1, indexed
 * by (batch, row).
 */
struct qparam {
	const struct gs_etensor *t;	/* NULL: value 0 (zero point) */
	int64_t count;			/* rows per batch */
	bool per_row, per_batch;
};

static int qparam_setup(struct gs_kernel_ctx *k, struct qparam *q, const struct gs_etensor *t,
			const struct gs_etensor *op, int row_axis, int64_t count, bool batched,
			const char *what)
{
	int d;

	memset(q, 0, sizeof(*q));
	q->count = count;
	if (!t || t->numel == 0)
		return 0;
	q->t = t;
	if (t->numel == 1)
		return 0;
	if (t->rank == 1 && t->numel == count) {
		q->per_row = true;
		return 0;
	}
	/* N-D: the operand's shape with the other matrix dim set to 1 */
	if (batched && op && t->rank == op->rank && op->rank >= 2) {
		for (d = 0; d < op->rank; d++) {
			int64_t want = d == op->rank - 2 + (row_axis == op->rank - 2) ?
				       1 : op->dims[d];

			if (t->dims[d] != want)
				break;
		}
		if (d == op->rank) {
			q->per_row = q->per_batch = true;
			return 0;
		}
	}
	return gs_kernel_fail(k, "%s of %lld values does not match %lld rows or columns", what,
			      (long long)t->numel, (long long)count);
}

static double qparam_get(const struct qparam *q, int64_t batch, int64_t row)
{
	int64_t i;

	if (!q->t)
		return 0;
	i = !q->per_row ? 0 : q->per_batch ? batch * q->count + row : row;
	return gs_et_get(q->t, i);
}

/* ---- matmul geometry (numpy rules) ---- */

struct mm_shape {
	int64_t M, K, N, batch;
	int rank;
	int64_t dims[GS_EVAL_MAX_RANK];		/* output dims */
	int64_t *a_off, *b_off;			/* per output batch: batch index in A, B */
};

static int mm_setup(struct gs_kernel_ctx *k, const struct gs_etensor *a,
		    const struct gs_etensor *b, struct mm_shape *s)
{
	int64_t ad[GS_EVAL_MAX_RANK + 1], bd[GS_EVAL_MAX_RANK + 1], bdims[GS_EVAL_MAX_RANK];
	int ar = a->rank, br = b->rank, nb, d, i;
	int64_t ab_st[GS_EVAL_MAX_RANK], bb_st[GS_EVAL_MAX_RANK], o;

	memset(s, 0, sizeof(*s));
	if (ar < 1 || br < 1)
		return gs_kernel_fail(k, "operands must have rank 1 or more");
	/* 1-D operands: [K] -> [1, K] for A, [K] -> [K, 1] for B */
	if (ar == 1) {
		ad[0] = 1;
		ad[1] = a->dims[0];
		ar = 2;
	} else {
		memcpy(ad, a->dims, (size_t)ar * sizeof(*ad));
	}
	if (br == 1) {
		bd[0] = b->dims[0];
		bd[1] = 1;
		br = 2;
	} else {
		memcpy(bd, b->dims, (size_t)br * sizeof(*bd));
	}
	s->M = ad[ar - 2];
	s->K = ad[ar - 1];
	s->N = bd[br - 1];
	if (bd[br - 2] != s->K)
		return gs_kernel_fail(k, "inner dims differ: %lld vs %lld", (long long)s->K,
				      (long long)bd[br - 2]);
	nb = (ar > br ? ar : br) - 2;
	s->batch = 1;
	for (d = 0; d < nb; d++) {
		int ia = d - (nb - (ar - 2)), ib = d - (nb - (br - 2));
		int64_t x = ia >= 0 ? ad[ia] : 1, y = ib >= 0 ? bd[ib] : 1;

		if (x != y && x != 1 && y != 1)
			return gs_kernel_fail(k, "batch dims do not broadcast");
		bdims[d] = x == 1 ? y : x;
		if (__builtin_mul_overflow(s->batch, bdims[d], &s->batch))
			return gs_kernel_fail(k, "batch size overflows");
	}
	/* batch strides of A and B in matrices (0 where broadcast) */
	for (d = nb - 1, o = 1; d >= 0; d--) {
		int ia = d - (nb - (ar - 2));

		ab_st[d] = ia >= 0 && ad[ia] != 1 ? o : 0;
		if (ia >= 0)
			o *= ad[ia];
	}
	for (d = nb - 1, o = 1; d >= 0; d--) {
		int ib = d - (nb - (br - 2));

		bb_st[d] = ib >= 0 && bd[ib] != 1 ? o : 0;
		if (ib >= 0)
			o *= bd[ib];
	}
	s->a_off = malloc((size_t)(s->batch ? s->batch : 1) * sizeof(int64_t));
	s->b_off = malloc((size_t)(s->batch ? s->batch : 1) * sizeof(int64_t));
	if (!s->a_off || !s->b_off)
		return gs_kernel_fail(k, "out of memory");
	for (o = 0; o < s->batch; o++) {
		int64_t r = o, pa = 0, pb = 0;

		for (d = nb - 1; d >= 0; d--) {
			int64_t ix = r % bdims[d];

			r /= bdims[d];
			pa += ix * ab_st[d];
			pb += ix * bb_st[d];
		}
		s->a_off[o] = pa;
		s->b_off[o] = pb;
	}
	/* output dims: batch, then M and N unless promoted away */
	s->rank = 0;
	for (i = 0; i < nb; i++)
		s->dims[s->rank++] = bdims[i];
	if (a->rank > 1)
		s->dims[s->rank++] = s->M;
	if (b->rank > 1)
		s->dims[s->rank++] = s->N;
	if (s->rank > GS_EVAL_MAX_RANK)
		return gs_kernel_fail(k, "output rank too high");
	return 0;
}

static void mm_free(struct mm_shape *s)
{
	free(s->a_off);
	free(s->b_off);
}

/* A buffer of n int64 accumulators (at least one); NULL (k->err set) when
 * out of memory. */
static int64_t *acc_new(struct gs_kernel_ctx *k, int64_t n)
{
	int64_t *acc = malloc((size_t)(n ? n : 1) * sizeof(*acc));

	if (!acc)
		gs_kernel_fail(k, "out of memory");
	return acc;
}

/* acc[batch][M][N] = sum_k (A - za) (B - zb), exact in int64. */
static int mm_accumulate(struct gs_kernel_ctx *k, const struct gs_etensor *a,
			 const struct gs_etensor *b, const struct qparam *za,
			 const struct qparam *zb, const struct mm_shape *s, int64_t *acc)
{
	int64_t o, m, n, kk, MK = s->M * s->K, KN = s->K * s->N;
	int32_t *ar = malloc((size_t)(s->K ? s->K : 1) * sizeof(*ar));
	int32_t *bt = malloc((size_t)(KN ? KN : 1) * sizeof(*bt));

	if (!ar || !bt) {
		free(ar);
		free(bt);
		return gs_kernel_fail(k, "out of memory");
	}
	for (o = 0; o < s->batch; o++) {
		int64_t pa = s->a_off[o], pb = s->b_off[o];

		/* B - zb, transposed to [N][K] for contiguous dot products */
		for (kk = 0; kk < s->K; kk++)
			for (n = 0; n < s->N; n++)
				bt[n * s->K + kk] = q8_at(b, pb * KN + kk * s->N + n) -
						    (int32_t)qparam_get(zb, pb, n);
		for (m = 0; m < s->M; m++) {
			int32_t z = (int32_t)qparam_get(za, pa, m);

			for (kk = 0; kk < s->K; kk++)
				ar[kk] = q8_at(a, pa * MK + m * s->K + kk) - z;
			for (n = 0; n < s->N; n++) {
				const int32_t *bc = bt + n * s->K;
				int64_t sum = 0;

				for (kk = 0; kk < s->K; kk++)
					sum += (int64_t)(ar[kk] * bc[kk]);
				acc[(o * s->M + m) * s->N + n] = sum;
			}
		}
	}
	free(ar);
	free(bt);
	return 0;
}

/* The zero point of an operand: absent, or of the operand's dtype. */
static int zp_check(struct gs_kernel_ctx *k, const struct gs_etensor *zp,
		    const struct gs_etensor *x, const char *what)
{
	if (zp && zp->numel && zp->dtype != x->dtype)
		return gs_kernel_fail(k, "%s must have dtype %s", what, gs_dtype_name(x->dtype));
	return 0;
}

static int scale_check(struct gs_kernel_ctx *k, const struct gs_etensor *s, const char *what)
{
	if (!s)
		return gs_kernel_fail(k, "missing input '%s'", what);
	if (!gs_dtype_is_float(s->dtype) || !gs_et_elem_size(s->dtype))
		return gs_kernel_fail(k, "%s of dtype %s is not supported", what,
				      gs_dtype_name(s->dtype));
	return 0;
}

/* round half to even, then saturate into the zero point's dtype */
static void requant_store(struct gs_etensor *y, int64_t i, double v, int32_t zp)
{
	double q = nearbyint(v) + zp;

	if (y->dtype == GS_DTYPE_UINT8)
		((uint8_t *)y->data)[i] = (uint8_t)(q < 0 ? 0 : q > 255 ? 255 : q);
	else
		((int8_t *)y->data)[i] = (int8_t)(q < -128 ? -128 : q > 127 ? 127 : q);
}

static int k_matmul_integer(struct gs_kernel_ctx *k)
{
	struct gs_etensor *a = gs_kernel_in(k, 0), *b = gs_kernel_in(k, 1), *y;
	struct gs_etensor *taz = gs_kernel_in(k, 2), *tbz = gs_kernel_in(k, 3);
	struct qparam za, zb;
	struct mm_shape s;
	int64_t *acc = NULL, i;
	int ret = -1;

	if (!a || !b || !is_q8(a->dtype) || !is_q8(b->dtype))
		return gs_kernel_fail(k, "A and B must be int8 or uint8");
	if (zp_check(k, taz, a, "a_zero_point") || zp_check(k, tbz, b, "b_zero_point"))
		return -1;
	if (mm_setup(k, a, b, &s))
		goto out;
	if (qparam_setup(k, &za, taz, a, a->rank - 2, s.M, a->rank > 2, "a_zero_point") ||
	    qparam_setup(k, &zb, tbz, b, b->rank - 1, s.N, b->rank > 2, "b_zero_point"))
		goto out;
	y = gs_kernel_out(k, 0, GS_DTYPE_INT32, s.rank, s.dims);
	if (!y)
		goto out;
	acc = acc_new(k, y->numel);
	if (!acc || mm_accumulate(k, a, b, &za, &zb, &s, acc))
		goto out;
	for (i = 0; i < y->numel; i++)
		((int32_t *)y->data)[i] = (int32_t)acc[i];
	ret = 0;
out:
	free(acc);
	mm_free(&s);
	return ret;
}

static int k_qlinear_matmul(struct gs_kernel_ctx *k)
{
	struct gs_etensor *a = gs_kernel_in(k, 0), *as = gs_kernel_in(k, 1);
	struct gs_etensor *taz = gs_kernel_in(k, 2), *b = gs_kernel_in(k, 3);
	struct gs_etensor *bs = gs_kernel_in(k, 4), *tbz = gs_kernel_in(k, 5);
	struct gs_etensor *ys = gs_kernel_in(k, 6), *tyz = gs_kernel_in(k, 7), *y;
	struct qparam za, zb, sa, sb, sy, zy;
	struct mm_shape s;
	int64_t *acc = NULL, o, m, n;
	int ret = -1;

	if (!a || !b || !is_q8(a->dtype) || !is_q8(b->dtype))
		return gs_kernel_fail(k, "a and b must be int8 or uint8");
	if (!tyz || !is_q8(tyz->dtype))
		return gs_kernel_fail(k, "y_zero_point must be an int8 or uint8 tensor");
	if (zp_check(k, taz, a, "a_zero_point") || zp_check(k, tbz, b, "b_zero_point") ||
	    scale_check(k, as, "a_scale") || scale_check(k, bs, "b_scale") ||
	    scale_check(k, ys, "y_scale"))
		return -1;
	if (mm_setup(k, a, b, &s))
		goto out;
	if (qparam_setup(k, &za, taz, a, a->rank - 2, s.M, false, "a_zero_point") ||
	    qparam_setup(k, &sa, as, a, a->rank - 2, s.M, false, "a_scale") ||
	    qparam_setup(k, &zb, tbz, b, b->rank - 1, s.N, false, "b_zero_point") ||
	    qparam_setup(k, &sb, bs, b, b->rank - 1, s.N, false, "b_scale") ||
	    qparam_setup(k, &sy, ys, NULL, 0, s.M, false, "y_scale") ||
	    qparam_setup(k, &zy, tyz, NULL, 0, s.M, false, "y_zero_point"))
		goto out;
	y = gs_kernel_out(k, 0, tyz->dtype, s.rank, s.dims);
	if (!y)
		goto out;
	acc = acc_new(k, y->numel);
	if (!acc || mm_accumulate(k, a, b, &za, &zb, &s, acc))
		goto out;
	for (o = 0; o < s.batch; o++) {
		for (m = 0; m < s.M; m++) {
			double sam = qparam_get(&sa, 0, m), sym = qparam_get(&sy, 0, m);
			int32_t z = (int32_t)qparam_get(&zy, 0, m);

			for (n = 0; n < s.N; n++) {
				int64_t i = (o * s.M + m) * s.N + n;
				double sc = (double)(float)(sam * qparam_get(&sb, 0, n)) / sym;

				requant_store(y, i, (double)acc[i] * sc, z);
			}
		}
	}
	ret = 0;
out:
	free(acc);
	mm_free(&s);
	return ret;
}

/* ---- convolution geometry and the integer convolution ---- */

struct conv_geom {
	int nd;
	int64_t N, C, M, G, cg, mg;		/* channels per group: cg in, mg out */
	int64_t in[GS_EVAL_MAX_RANK], ks[GS_EVAL_MAX_RANK], out[GS_EVAL_MAX_RANK];
	int64_t st[GS_EVAL_MAX_RANK], dil[GS_EVAL_MAX_RANK], pb[GS_EVAL_MAX_RANK];
	int64_t kprod, oprod, iprod;
	int64_t ydims[GS_EVAL_MAX_RANK];
};

static int attr_ints(struct gs_kernel_ctx *k, const char *name, int64_t *out, int want)
{
	const struct gs_attr *a = gs_node_attr(k->node, name);

	if (!a)
		return 0;
	if (a->type != GS_ATTR_INTS || a->n != want)
		return gs_kernel_fail(k, "attribute '%s' must hold %d ints", name, want);
	memcpy(out, a->ints, (size_t)want * sizeof(*out));
	return 0;
}

static int conv_setup(struct gs_kernel_ctx *k, const struct gs_etensor *x,
		      const struct gs_etensor *w, struct conv_geom *g)
{
	int64_t pads[2 * GS_EVAL_MAX_RANK];
	const struct gs_attr *ap = gs_node_attr(k->node, "auto_pad");
	const char *mode = ap && ap->s ? ap->s : "NOTSET";
	int d;

	memset(g, 0, sizeof(*g));
	if (x->rank < 3 || w->rank != x->rank)
		return gs_kernel_fail(k, "x and w must have the same rank, 3 or more");
	g->nd = x->rank - 2;
	g->N = x->dims[0];
	g->C = x->dims[1];
	g->M = w->dims[0];
	g->G = gs_node_attr_int(k->node, "group", 1);
	if (g->G < 1 || g->C % g->G || g->M % g->G || w->dims[1] * g->G != g->C)
		return gs_kernel_fail(k, "group %lld does not fit %lld input and %lld output "
				      "channels", (long long)g->G, (long long)g->C, (long long)g->M);
	g->cg = g->C / g->G;
	g->mg = g->M / g->G;
	for (d = 0; d < g->nd; d++) {
		g->in[d] = x->dims[2 + d];
		g->ks[d] = w->dims[2 + d];
		g->st[d] = g->dil[d] = 1;
		pads[d] = pads[g->nd + d] = 0;
	}
	if (attr_ints(k, "strides", g->st, g->nd) || attr_ints(k, "dilations", g->dil, g->nd) ||
	    attr_ints(k, "pads", pads, 2 * g->nd))
		return -1;
	{
		int64_t kshape[GS_EVAL_MAX_RANK];

		memcpy(kshape, g->ks, sizeof(kshape));
		if (attr_ints(k, "kernel_shape", kshape, g->nd))
			return -1;
		for (d = 0; d < g->nd; d++)
			if (kshape[d] != g->ks[d])
				return gs_kernel_fail(k, "kernel_shape disagrees with w");
	}
	g->kprod = g->oprod = g->iprod = 1;
	for (d = 0; d < g->nd; d++) {
		int64_t span, total;

		if (g->st[d] < 1 || g->dil[d] < 1 || g->ks[d] < 1 || pads[d] < 0 ||
		    pads[g->nd + d] < 0 || g->st[d] > INT32_MAX || g->dil[d] > INT32_MAX ||
		    pads[d] > INT32_MAX || pads[g->nd + d] > INT32_MAX)
			return gs_kernel_fail(k, "strides, dilations or pads out of range");
		span = g->dil[d] * (g->ks[d] - 1) + 1;
		if (!strcmp(mode, "NOTSET")) {
			g->pb[d] = pads[d];
			total = g->in[d] + pads[d] + pads[g->nd + d] - span;
			g->out[d] = total < 0 ? 0 : total / g->st[d] + 1;
		} else if (!strcmp(mode, "VALID")) {
			g->pb[d] = 0;
			total = g->in[d] - span;
			g->out[d] = total < 0 ? 0 : total / g->st[d] + 1;
		} else if (!strcmp(mode, "SAME_UPPER") || !strcmp(mode, "SAME_LOWER")) {
			g->out[d] = (g->in[d] + g->st[d] - 1) / g->st[d];
			total = (g->out[d] - 1) * g->st[d] + span - g->in[d];
			total = total < 0 ? 0 : total;
			g->pb[d] = mode[5] == 'U' ? total / 2 : total - total / 2;
		} else {
			return gs_kernel_fail(k, "auto_pad '%s' not supported", mode);
		}
		g->kprod *= g->ks[d];
		g->oprod *= g->out[d];
		g->iprod *= g->in[d];
	}
	g->ydims[0] = g->N;
	g->ydims[1] = g->M;
	memcpy(g->ydims + 2, g->out, (size_t)g->nd * sizeof(int64_t));
	return 0;
}

/*
 * acc[n][m][p] = sum over the window of (x - xz) * (w - wz[m]), exact.
 * im2col per image and group into an int32 buffer, then an i-k-j product.
 */
static int conv_accumulate(struct gs_kernel_ctx *k, const struct gs_etensor *x,
			   const struct gs_etensor *w, int32_t xz, const struct qparam *wz,
			   const struct conv_geom *g, int64_t *acc)
{
	int64_t kc = g->cg * g->kprod, n, gi, r, p, m, d;
	int32_t *col = NULL, *wm = NULL;
	int64_t ncol;

	if (__builtin_mul_overflow(kc, g->oprod, &ncol))
		return gs_kernel_fail(k, "work buffer size overflows");
	col = malloc((size_t)(ncol ? ncol : 1) * sizeof(*col));
	wm = malloc((size_t)(kc ? kc : 1) * sizeof(*wm));
	if (!col || !wm) {
		free(col);
		free(wm);
		return gs_kernel_fail(k, "out of memory");
	}
	for (n = 0; n < g->N; n++) {
		for (gi = 0; gi < g->G; gi++) {
			/* rows: (channel, kernel offset); columns: output position */
			for (r = 0; r < kc; r++) {
				int64_t c = gi * g->cg + r / g->kprod, kr = r % g->kprod;
				int64_t koff[GS_EVAL_MAX_RANK];
				const int64_t base = (n * g->C + c) * g->iprod;

				for (d = g->nd - 1; d >= 0; d--) {
					koff[d] = kr % g->ks[d];
					kr /= g->ks[d];
				}
				for (p = 0; p < g->oprod; p++) {
					int64_t q = p, off = 0, pos[GS_EVAL_MAX_RANK];
					bool in = true;

					for (d = g->nd - 1; d >= 0; d--) {
						pos[d] = (q % g->out[d]) * g->st[d] - g->pb[d] +
							 koff[d] * g->dil[d];
						q /= g->out[d];
						in = in && pos[d] >= 0 && pos[d] < g->in[d];
					}
					if (!in) {
						col[r * g->oprod + p] = 0;	/* padding is zero after the shift */
						continue;
					}
					for (d = 0; d < g->nd; d++)
						off = off * g->in[d] + pos[d];
					col[r * g->oprod + p] = q8_at(x, base + off) - xz;
				}
			}
			for (m = gi * g->mg; m < (gi + 1) * g->mg; m++) {
				int64_t *dst = acc + (n * g->M + m) * g->oprod;
				int32_t z = (int32_t)qparam_get(wz, 0, m);

				for (r = 0; r < kc; r++)
					wm[r] = q8_at(w, m * kc + r) - z;
				for (p = 0; p < g->oprod; p++)
					dst[p] = 0;
				for (r = 0; r < kc; r++) {
					const int32_t *cr = col + r * g->oprod;
					int64_t wv = wm[r];

					if (!wv)
						continue;
					for (p = 0; p < g->oprod; p++)
						dst[p] += wv * cr[p];
				}
			}
		}
	}
	free(col);
	free(wm);
	return 0;
}

static int k_conv_integer(struct gs_kernel_ctx *k)
{
	struct gs_etensor *x = gs_kernel_in(k, 0), *w = gs_kernel_in(k, 1), *y;
	struct gs_etensor *txz = gs_kernel_in(k, 2), *twz = gs_kernel_in(k, 3);
	struct conv_geom g;
	struct qparam wz;
	int64_t *acc, i;
	int32_t xz = 0;

	if (!x || !w || !is_q8(x->dtype) || !is_q8(w->dtype))
		return gs_kernel_fail(k, "x and w must be int8 or uint8");
	if (zp_check(k, txz, x, "x_zero_point") || zp_check(k, twz, w, "w_zero_point") ||
	    conv_setup(k, x, w, &g))
		return -1;
	if (txz && txz->numel) {
		if (txz->numel != 1)
			return gs_kernel_fail(k, "per-channel x_zero_point is not supported");
		xz = q8_at(txz, 0);
	}
	if (qparam_setup(k, &wz, twz, NULL, 0, g.M, false, "w_zero_point"))
		return -1;
	y = gs_kernel_out(k, 0, GS_DTYPE_INT32, x->rank, g.ydims);
	if (!y)
		return -1;
	acc = acc_new(k, y->numel);
	if (!acc || conv_accumulate(k, x, w, xz, &wz, &g, acc)) {
		free(acc);
		return -1;
	}
	for (i = 0; i < y->numel; i++)
		((int32_t *)y->data)[i] = (int32_t)acc[i];
	free(acc);
	return 0;
}

static int k_qlinear_conv(struct gs_kernel_ctx *k)
{
	struct gs_etensor *x = gs_kernel_in(k, 0), *xs = gs_kernel_in(k, 1);
	struct gs_etensor *txz = gs_kernel_in(k, 2), *w = gs_kernel_in(k, 3);
	struct gs_etensor *ws = gs_kernel_in(k, 4), *twz = gs_kernel_in(k, 5);
	struct gs_etensor *ys = gs_kernel_in(k, 6), *tyz = gs_kernel_in(k, 7);
	struct gs_etensor *bias = gs_kernel_in(k, 8), *y;
	struct conv_geom g;
	struct qparam wz, sw;
	int64_t *acc, n, m, p;
	int32_t xz = 0, yz;
	double sx, sy;

	if (!x || !w || !is_q8(x->dtype) || !is_q8(w->dtype))
		return gs_kernel_fail(k, "x and w must be int8 or uint8");
	if (!tyz || !is_q8(tyz->dtype) || tyz->numel != 1)
		return gs_kernel_fail(k, "y_zero_point must be one int8 or uint8 value");
	if (zp_check(k, txz, x, "x_zero_point") || zp_check(k, twz, w, "w_zero_point") ||
	    scale_check(k, xs, "x_scale") || scale_check(k, ws, "w_scale") ||
	    scale_check(k, ys, "y_scale") || conv_setup(k, x, w, &g))
		return -1;
	if (xs->numel != 1 || ys->numel != 1 || (txz && txz->numel > 1))
		return gs_kernel_fail(k, "x and y scales and zero points must be per tensor");
	if (txz && txz->numel)
		xz = q8_at(txz, 0);
	yz = q8_at(tyz, 0);
	sx = gs_et_get(xs, 0);
	sy = gs_et_get(ys, 0);
	if (qparam_setup(k, &wz, twz, NULL, 0, g.M, false, "w_zero_point") ||
	    qparam_setup(k, &sw, ws, NULL, 0, g.M, false, "w_scale"))
		return -1;
	if (bias && bias->numel && (bias->dtype != GS_DTYPE_INT32 || bias->numel != g.M))
		return gs_kernel_fail(k, "B must be int32 with one value per output channel");
	y = gs_kernel_out(k, 0, tyz->dtype, x->rank, g.ydims);
	if (!y)
		return -1;
	acc = acc_new(k, y->numel);
	if (!acc || conv_accumulate(k, x, w, xz, &wz, &g, acc)) {
		free(acc);
		return -1;
	}
	for (n = 0; n < g.N; n++) {
		for (m = 0; m < g.M; m++) {
			double sc = (double)(float)(sx * qparam_get(&sw, 0, m)) / sy;
			int64_t b = bias && bias->numel ? ((const int32_t *)bias->data)[m] : 0;

			for (p = 0; p < g.oprod; p++) {
				int64_t i = (n * g.M + m) * g.oprod + p;

				requant_store(y, i, (double)(acc[i] + b) * sc, yz);
			}
		}
	}
	free(acc);
	return 0;
}

/* ---- BitCast ---- */

static int k_bitcast(struct gs_kernel_ctx *k)
{
	struct gs_etensor *x = gs_kernel_in(k, 0), *y;
	int64_t to = gs_node_attr_int(k->node, "to", 0), i;
	int bits_in, bits_out;

	if (!x)
		return gs_kernel_fail(k, "missing input");
	if (to < 1 || to > GS_DTYPE_MAX_ || to == GS_DTYPE_STRING || x->dtype == GS_DTYPE_STRING)
		return gs_kernel_fail(k, "bitcast to %lld is not supported", (long long)to);
	bits_in = gs_dtype_bits(x->dtype);
	bits_out = gs_dtype_bits((int)to);
	if (!bits_in || bits_in != bits_out || !gs_et_elem_size((int)to))
		return gs_kernel_fail(k, "bitcast from %s to %s: sizes differ or not supported",
				      gs_dtype_name(x->dtype), gs_dtype_name((int)to));
	y = gs_kernel_out(k, 0, (int)to, x->rank, x->dims);
	if (!y)
		return -1;
	if (bits_in >= 8) {
		if (x->numel)
			memcpy(y->data, x->data, (size_t)x->numel * gs_et_elem_size(x->dtype));
		return 0;
	}
	/* sub-byte types live one per byte: keep their bits, extend the signed */
	for (i = 0; i < x->numel; i++) {
		uint8_t v = ((const uint8_t *)x->data)[i] & (uint8_t)((1 << bits_in) - 1);

		((uint8_t *)y->data)[i] = to == GS_DTYPE_INT4 ? (uint8_t)gs_int4_extend(v) :
			to == GS_DTYPE_INT2 ? (uint8_t)gs_int2_extend(v) : v;
	}
	return 0;
}

/* ---- Det ---- */

static int k_det(struct gs_kernel_ctx *k)
{
	struct gs_etensor *x = gs_kernel_in(k, 0), *y;
	int64_t n, b, B, i, j, r;
	double *a;
	const float *xd;

	if (!x || x->dtype != GS_DTYPE_FLOAT)
		return gs_kernel_fail(k, "input must be a float tensor");
	if (x->rank < 2 || x->dims[x->rank - 1] != x->dims[x->rank - 2])
		return gs_kernel_fail(k, "input must be [..., M, M]");
	n = x->dims[x->rank - 1];
	y = gs_kernel_out(k, 0, GS_DTYPE_FLOAT, x->rank - 2, x->dims);
	if (!y)
		return -1;
	B = y->numel;
	if (B == 0)
		return 0;
	/* n * n fits: B matrices of n * n floats are in memory */
	a = malloc((size_t)(n ? n * n : 1) * sizeof(*a));
	if (!a)
		return gs_kernel_fail(k, "out of memory");
	xd = x->data;
	for (b = 0; b < B; b++) {
		double det = 1;

		for (i = 0; i < n * n; i++)
			a[i] = xd[b * n * n + i];
		for (j = 0; j < n && det != 0; j++) {
			int64_t piv = j;

			for (r = j + 1; r < n; r++)
				if (fabs(a[r * n + j]) > fabs(a[piv * n + j]))
					piv = r;
			if (a[piv * n + j] == 0) {
				det = 0;
				break;
			}
			if (piv != j) {
				for (i = 0; i < n; i++) {
					double t = a[j * n + i];

					a[j * n + i] = a[piv * n + i];
					a[piv * n + i] = t;
				}
				det = -det;
			}
			det *= a[j * n + j];
			for (r = j + 1; r < n; r++) {
				double f = a[r * n + j] / a[j * n + j];

				for (i = j + 1; i < n; i++)
					a[r * n + i] -= f * a[j * n + i];
			}
		}
		((float *)y->data)[b] = (float)det;
	}
	free(a);
	return 0;
}

const struct gs_op gs_ops_integer[] = {
	{ .domain = "", .name = "MatMulInteger", .since = 10, .kernel = k_matmul_integer,
	  .family = "matmul",
	  .changed = { 10 },
	  .note = "int32 matmul of (A - a_zero_point) and (B - b_zero_point); uint8/int8 operands" },
	{ .domain = "", .name = "ConvInteger", .since = 10, .kernel = k_conv_integer,
	  .family = "conv",
	  .changed = { 10 },
	  .note = "int32 convolution of (x - x_zero_point) with (w - w_zero_point)" },
	{ .domain = "", .name = "QLinearMatMul", .since = 10, .kernel = k_qlinear_matmul,
	  .family = "matmul",
	  .changed = { 10, 21 },
	  .note = "integer matmul requantized: round_half_even(acc * sa*sb/sy) + y_zero_point, saturated" },
	{ .domain = "", .name = "QLinearConv", .since = 10, .kernel = k_qlinear_conv,
	  .family = "conv",
	  .changed = { 10 },
	  .note = "integer conv (+ int32 bias) requantized with sx*sw/sy, round half to even, saturate" },
	{ .domain = "", .name = "BitCast", .since = 26, .kernel = k_bitcast, .changed = { 26 },
	  .note = "reinterprets each element's bytes as dtype 'to' of the same size (no conversion)" },
	{ .domain = "", .name = "Det", .since = 11, .flags = GS_OP_FLOAT32, .kernel = k_det,
	  .changed = { 11, 22 },
	  .note = "determinant of each trailing square matrix, by LU with partial pivoting" },
	{ .name = NULL },
};
