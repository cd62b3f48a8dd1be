/*
 * Op family 'attention' of the registry (see graphsmith/ops.h): the
 * transformer block pieces (Attention, RotaryEmbedding) and the
 * normalisations that sit around them (LpNormalization,
 * MeanVarianceNormalization).
 *
 * Attention follows the ONNX reference implementation where the spec text
 * is loose: the mask's last axis is padded to the total key length with
 * "masked", causal masking is offset by the past length (or, with
 * nonpad_kv_seqlen and no past, by nonpad_kv_seqlen[b] - q_len), softcap
 * comes before the mask, and a fully masked row yields zeros, not NaN.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ops/families.h"
#include "ops/gemm.h"
#include "ops/kernel-util.h"

static bool is_int_index(int dtype)
{
	return dtype == GS_DTYPE_INT64 || dtype == GS_DTYPE_INT32;
}

/* a * b into *out; false when it would pass INT64_MAX (a, b >= 0). */
static bool mul_ok(int64_t a, int64_t b, int64_t *out)
{
	return (*out = gs_size_mul(a, b)) >= 0;
}

/* ---- Attention ---- */

struct attn_shape {
	int64_t B, qh, kvh, qs, kvs, past, total, hd, vhd;
	bool three_d;			/* [B, S, heads*size] rather than [B, heads, S, size] */
};

static int attn_shapes(struct gs_kernel_ctx *k, const struct gs_etensor *Q,
		       const struct gs_etensor *K, const struct gs_etensor *V,
		       struct attn_shape *s)
{
	if (Q->rank != K->rank || Q->rank != V->rank || (Q->rank != 3 && Q->rank != 4))
		return gs_kernel_fail(k, "Q, K and V must all be 3-D or all 4-D (ranks %d, %d, %d)",
				      Q->rank, K->rank, V->rank);
	s->B = Q->dims[0];
	if (K->dims[0] != s->B || V->dims[0] != s->B)
		return gs_kernel_fail(k, "Q, K and V disagree on the batch size");
	s->three_d = Q->rank == 3;
	if (s->three_d) {
		s->qh = gs_node_attr_int(k->node, "q_num_heads", 0);
		s->kvh = gs_node_attr_int(k->node, "kv_num_heads", 0);
		if (s->qh < 1 || s->kvh < 1)
			return gs_kernel_fail(k, "3-D inputs need positive 'q_num_heads' and "
					      "'kv_num_heads'");
		if (Q->dims[2] % s->qh || K->dims[2] % s->kvh || V->dims[2] % s->kvh)
			return gs_kernel_fail(k, "hidden sizes %lld, %lld, %lld do not split into "
					      "%lld query and %lld key/value heads",
					      (long long)Q->dims[2], (long long)K->dims[2],
					      (long long)V->dims[2], (long long)s->qh,
					      (long long)s->kvh);
		s->qs = Q->dims[1];
		s->kvs = K->dims[1];
		s->hd = Q->dims[2] / s->qh;
		if (K->dims[2] / s->kvh != s->hd || V->dims[1] != s->kvs)
			return gs_kernel_fail(k, "K of shape [%lld,%lld,%lld] does not match Q and V",
					      (long long)K->dims[0], (long long)K->dims[1],
					      (long long)K->dims[2]);
		s->vhd = V->dims[2] / s->kvh;
	} else {
		s->qh = Q->dims[1];
		s->qs = Q->dims[2];
		s->hd = Q->dims[3];
		s->kvh = K->dims[1];
		s->kvs = K->dims[2];
		s->vhd = V->dims[3];
		if (K->dims[3] != s->hd || V->dims[1] != s->kvh || V->dims[2] != s->kvs)
			return gs_kernel_fail(k, "K and V shapes do not match Q's head size or "
					      "each other");
	}
	if (s->kvh < 1 || s->qh % s->kvh)
		return gs_kernel_fail(k, "%lld query heads are not a multiple of %lld key/value "
				      "heads", (long long)s->qh, (long long)s->kvh);
	return 0;
}

/*
 * present = concat(past, new) along the sequence, as [B, kvh, total, size];
 * X is K or V in its 3-D or 4-D layout.  Output slot `slot` when the node
 * asks for it, else a scratch buffer (*scratch, freed by the caller).
 */
static float *attn_present(struct gs_kernel_ctx *k, const struct attn_shape *s,
			   const struct gs_etensor *X, const struct gs_etensor *past,
			   int64_t size, int slot, float **scratch)
{
	int64_t dims[4] = { s->B, s->kvh, s->total, size }, n, b, h, t;
	float *p;

	if (gs_k_out_wanted(k, slot)) {
		struct gs_etensor *o = gs_kernel_out(k, slot, GS_DTYPE_FLOAT, 4, dims);

		if (!o)
			return NULL;
		p = o->data;
	} else {
		if ((n = gs_dims_numel(4, dims)) < 0 || (uint64_t)n > SIZE_MAX / sizeof(float)) {
			gs_kernel_fail(k, "key/value cache of %lld elements is too large",
				       (long long)n);
			return NULL;
		}
		p = *scratch = malloc((size_t)(n ? n : 1) * sizeof(float));
		if (!p) {
			gs_kernel_fail(k, "out of memory for the key/value cache");
			return NULL;
		}
	}
	for (b = 0; b < s->B; b++)
		for (h = 0; h < s->kvh; h++) {
			float *row = p + (b * s->kvh + h) * s->total * size;

			if (s->past) {
				memcpy(row, (const float *)past->data +
				       (b * s->kvh + h) * s->past * size,
				       (size_t)(s->past * size) * sizeof(float));
				row += s->past * size;
			}
			for (t = 0; t < s->kvs; t++) {
				const float *src = s->three_d ?
					(const float *)X->data + ((b * s->kvs + t) * s->kvh + h) * size :
					(const float *)X->data + ((b * s->kvh + h) * s->kvs + t) * size;

				memcpy(row + t * size, src, (size_t)size * sizeof(float));
			}
		}
	return p;
}

/* The attn_mask broadcast to [B, qh, qs, total]: strides per axis (0 where
 * broadcast) and the mask's own last length (keys past it are masked). */
struct attn_mask {
	const struct gs_etensor *t;
	int64_t stride[3];		/* for b, h, i */
	int64_t len;
};

static int attn_mask_setup(struct gs_kernel_ctx *k, const struct attn_shape *s,
			   const struct gs_etensor *M, struct attn_mask *m)
{
	int64_t want[4] = { s->B, s->qh, s->qs, s->total }, dims[4] = { 1, 1, 1, 1 };
	int64_t st = 1;
	int i, off;

	memset(m, 0, sizeof(*m));
	if (!M)
		return 0;
	if (M->dtype != GS_DTYPE_FLOAT && M->dtype != GS_DTYPE_BOOL)
		return gs_kernel_fail(k, "attn_mask of dtype %s: expected bool or float",
				      gs_dtype_name(M->dtype));
	if (M->rank < 1 || M->rank > 4)
		return gs_kernel_fail(k, "attn_mask of rank %d: expected 1 to 4", M->rank);
	off = 4 - M->rank;
	for (i = 0; i < M->rank; i++)
		dims[off + i] = M->dims[i];
	if (dims[3] > s->total)
		return gs_kernel_fail(k, "attn_mask covers %lld keys, more than the %lld there are",
				      (long long)dims[3], (long long)s->total);
	m->len = dims[3];
	st = dims[3];
	for (i = 2; i >= 0; i--) {
		if (dims[i] != want[i] && dims[i] != 1)
			return gs_kernel_fail(k, "attn_mask axis %d of length %lld does not "
					      "broadcast to %lld", i - off, (long long)dims[i],
					      (long long)want[i]);
		m->stride[i] = dims[i] == 1 ? 0 : st;
		st *= dims[i];
	}
	m->t = M;
	return 0;
}

/* The bias one (b, h, i) row of scores gets: mask, causal and padding. */
static void attn_bias_row(const struct attn_shape *s, const struct attn_mask *m,
			  const struct gs_etensor *nonpad, bool causal, int64_t b,
			  int64_t h, int64_t i, float *row)
{
	int64_t j, limit = INT64_MAX, valid = INT64_MAX;

	if (nonpad)
		valid = gs_k_int_at(nonpad, b);
	if (causal)
		limit = nonpad && !s->past ? i + valid - s->qs : i + s->past;
	for (j = 0; j < s->total; j++) {
		float bias = 0;

		if (m->t) {
			int64_t at = b * m->stride[0] + h * m->stride[1] + i * m->stride[2] + j;

			if (j >= m->len)
				bias = -INFINITY;
			else if (m->t->dtype == GS_DTYPE_BOOL)
				bias = ((const uint8_t *)m->t->data)[at] ? 0 : -INFINITY;
			else
				bias = ((const float *)m->t->data)[at];
		}
		if (j > limit || j >= valid)
			bias = -INFINITY;
		row[j] += bias;
	}
}

/* Softmax of one row in place; a row with nothing unmasked becomes zeros. */
static void attn_softmax(float *x, int64_t n)
{
	float mx = -INFINITY;
	double sum = 0;
	int64_t j;

	for (j = 0; j < n; j++)
		if (x[j] > mx)
			mx = x[j];
	if (mx == -INFINITY) {
		memset(x, 0, (size_t)n * sizeof(float));
		return;
	}
	for (j = 0; j < n; j++) {
		x[j] = expf(x[j] - mx);
		sum += x[j];
	}
	for (j = 0; j < n; j++)
		x[j] = (float)(x[j] / sum);
}

static int k_attention(struct gs_kernel_ctx *k)
{
	struct gs_etensor *Q = gs_kernel_in(k, 0), *K = gs_kernel_in(k, 1);
	struct gs_etensor *V = gs_kernel_in(k, 2), *M = gs_kernel_in(k, 3);
	struct gs_etensor *PK = gs_kernel_in(k, 4), *PV = gs_kernel_in(k, 5);
	struct gs_etensor *NP = gs_kernel_in(k, 6), *Y, *QK = NULL;
	bool causal = gs_node_attr_int(k->node, "is_causal", 0) != 0;
	int64_t mode = gs_node_attr_int(k->node, "qk_matmul_output_mode", 0);
	float softcap = gs_node_attr_float(k->node, "softcap", 0), scale;
	float *pk, *pv, *pk_buf = NULL, *pv_buf = NULL, *S = NULL;
	int64_t ydims[4], qkdims[4], rows, b, h, i, j, group;
	struct attn_shape s;
	struct attn_mask m;
	int rc = -1;

	if (!Q || !K || !V)
		return gs_kernel_fail(k, "needs inputs Q, K and V");
	if (gs_k_want_float(k, Q, "Q") || gs_k_want_float(k, K, "K") || gs_k_want_float(k, V, "V"))
		return -1;
	if (attn_shapes(k, Q, K, V, &s))
		return -1;
	if (mode < 0 || mode > 3)
		return gs_kernel_fail(k, "qk_matmul_output_mode %lld not supported", (long long)mode);
	if (!PK != !PV)
		return gs_kernel_fail(k, "past_key and past_value come together");
	s.past = 0;
	if (PK) {
		if (gs_k_want_float(k, PK, "past_key") || gs_k_want_float(k, PV, "past_value"))
			return -1;
		if (PK->rank != 4 || PV->rank != 4 || PK->dims[0] != s.B || PK->dims[1] != s.kvh ||
		    PK->dims[3] != s.hd || PV->dims[0] != s.B || PV->dims[1] != s.kvh ||
		    PV->dims[2] != PK->dims[2] || PV->dims[3] != s.vhd)
			return gs_kernel_fail(k, "past_key/past_value shapes do not match "
					      "[%lld,%lld,past,%lld/%lld]", (long long)s.B,
					      (long long)s.kvh, (long long)s.hd, (long long)s.vhd);
		s.past = PK->dims[2];
	}
	if ((s.total = gs_size_add(s.past, s.kvs)) < 0)
		return gs_kernel_fail(k, "past length too large");
	if (NP) {
		if (!is_int_index(NP->dtype) || NP->numel != s.B)
			return gs_kernel_fail(k, "nonpad_kv_seqlen must hold %lld int64 values",
					      (long long)s.B);
	}
	if (attn_mask_setup(k, &s, M, &m))
		return -1;
	if (gs_node_attr(k->node, "scale"))
		scale = gs_node_attr_float(k->node, "scale", 1);
	else
		scale = 1.0f / sqrtf((float)(s.hd ? s.hd : 1));

	if (s.three_d) {
		ydims[0] = s.B, ydims[1] = s.qs;
		if (!mul_ok(s.qh, s.vhd, &ydims[2]))
			return gs_kernel_fail(k, "output too large");
	} else {
		ydims[0] = s.B, ydims[1] = s.qh, ydims[2] = s.qs, ydims[3] = s.vhd;
	}
	if (!(Y = gs_kernel_out(k, 0, GS_DTYPE_FLOAT, s.three_d ? 3 : 4, ydims)))
		return -1;
	if (gs_k_out_wanted(k, 3)) {
		qkdims[0] = s.B, qkdims[1] = s.qh, qkdims[2] = s.qs, qkdims[3] = s.total;
		if (!(QK = gs_kernel_out(k, 3, GS_DTYPE_FLOAT, 4, qkdims)))
			return -1;
	}
	if (!(pk = attn_present(k, &s, K, PK, s.hd, 1, &pk_buf)))
		goto out;
	if (!(pv = attn_present(k, &s, V, PV, s.vhd, 2, &pv_buf)))
		goto out;
	if (!mul_ok(s.qs, s.total, &rows) || (uint64_t)rows > SIZE_MAX / sizeof(float)) {
		gs_kernel_fail(k, "score matrix too large");
		goto out;
	}
	if (!(S = malloc((size_t)(rows ? rows : 1) * sizeof(float)))) {
		gs_kernel_fail(k, "out of memory for the score matrix");
		goto out;
	}
	group = s.qh / s.kvh;
	for (b = 0; b < s.B; b++)
		for (h = 0; h < s.qh; h++) {
			int64_t kh = h / group, ldq, ldy;
			const float *q, *kp = pk + (b * s.kvh + kh) * s.total * s.hd;
			const float *vp = pv + (b * s.kvh + kh) * s.total * s.vhd;
			float *y, *qk = QK ? (float *)QK->data + (b * s.qh + h) * rows : NULL;

			if (s.three_d) {
				q = (const float *)Q->data + b * s.qs * s.qh * s.hd + h * s.hd;
				ldq = s.qh * s.hd;
				y = (float *)Y->data + b * s.qs * s.qh * s.vhd + h * s.vhd;
				ldy = s.qh * s.vhd;
			} else {
				q = (const float *)Q->data + (b * s.qh + h) * s.qs * s.hd;
				ldq = s.hd;
				y = (float *)Y->data + (b * s.qh + h) * s.qs * s.vhd;
				ldy = s.vhd;
			}
			if (s.qs == 0 || s.total == 0) {
				/* no keys: nothing to attend to, like a fully masked row */
				for (i = 0; i < s.qs; i++)
					memset(y + i * ldy, 0, (size_t)s.vhd * sizeof(float));
				continue;
			}
			gs_sgemm(false, true, s.qs, s.total, s.hd, scale, q, ldq, kp, s.hd, 0,
				 S, s.total);
			if (softcap > 0)
				for (j = 0; j < rows; j++)
					S[j] = softcap * tanhf(S[j] / softcap);
			if (qk && mode <= 1)
				memcpy(qk, S, (size_t)rows * sizeof(float));
			for (i = 0; i < s.qs; i++) {
				attn_bias_row(&s, &m, NP, causal, b, h, i, S + i * s.total);
				if (qk && mode == 2)
					memcpy(qk + i * s.total, S + i * s.total,
					       (size_t)s.total * sizeof(float));
				attn_softmax(S + i * s.total, s.total);
			}
			if (qk && mode == 3)
				memcpy(qk, S, (size_t)rows * sizeof(float));
			gs_sgemm(false, false, s.qs, s.vhd, s.total, 1, S, s.total, vp, s.vhd, 0,
				 y, ldy);
		}
	rc = 0;
out:
	free(S);
	free(pk_buf);
	free(pv_buf);
	return rc;
}

/* ---- RotaryEmbedding ---- */

static int k_rotary(struct gs_kernel_ctx *k)
{
	struct gs_etensor *X = gs_kernel_in(k, 0), *C = gs_kernel_in(k, 1);
	struct gs_etensor *Sn = gs_kernel_in(k, 2), *P = gs_kernel_in(k, 3), *Y;
	bool inter = gs_node_attr_int(k->node, "interleaved", 0) != 0;
	int64_t nh = gs_node_attr_int(k->node, "num_heads", 0);
	int64_t rd = gs_node_attr_int(k->node, "rotary_embedding_dim", 0);
	int64_t B, S, H, hd, half, b, t, h, i;

	if (!X || !C || !Sn)
		return gs_kernel_fail(k, "needs inputs X, cos_cache and sin_cache");
	if (gs_k_want_float(k, X, "X") || gs_k_want_float(k, C, "cos_cache") ||
	    gs_k_want_float(k, Sn, "sin_cache"))
		return -1;
	if (X->rank == 4) {
		B = X->dims[0], H = X->dims[1], S = X->dims[2], hd = X->dims[3];
		if (nh && nh != H)
			return gs_kernel_fail(k, "num_heads %lld but X has %lld heads",
					      (long long)nh, (long long)H);
	} else if (X->rank == 3) {
		if (nh < 1 || X->dims[2] % nh)
			return gs_kernel_fail(k, "3-D X needs a 'num_heads' dividing its hidden "
					      "size %lld", (long long)X->dims[2]);
		B = X->dims[0], S = X->dims[1], H = nh, hd = X->dims[2] / nh;
	} else {
		return gs_kernel_fail(k, "X of rank %d: expected 3 or 4", X->rank);
	}
	if (rd == 0)
		rd = hd;
	if (rd < 0 || rd > hd || rd % 2)
		return gs_kernel_fail(k, "rotary_embedding_dim %lld for head size %lld",
				      (long long)rd, (long long)hd);
	half = rd / 2;
	if (C->rank != Sn->rank || memcmp(C->dims, Sn->dims, sizeof(int64_t) * (size_t)C->rank))
		return gs_kernel_fail(k, "cos_cache and sin_cache differ in shape");
	if (P) {
		if (!is_int_index(P->dtype) || P->rank != 2 || P->dims[0] != B || P->dims[1] != S)
			return gs_kernel_fail(k, "position_ids must be int64 [%lld,%lld]",
					      (long long)B, (long long)S);
		if (C->rank != 2 || C->dims[1] != half)
			return gs_kernel_fail(k, "with position_ids the caches must be "
					      "[max_position, %lld]", (long long)half);
		for (i = 0; i < P->numel; i++)
			if (gs_k_int_at(P, i) < 0 || gs_k_int_at(P, i) >= C->dims[0])
				return gs_kernel_fail(k, "position id %lld outside the %lld cached "
						      "positions", (long long)gs_k_int_at(P, i),
						      (long long)C->dims[0]);
	} else if (C->rank != 3 || C->dims[0] != B || C->dims[1] != S || C->dims[2] != half) {
		return gs_kernel_fail(k, "without position_ids the caches must be "
				      "[%lld,%lld,%lld]", (long long)B, (long long)S,
				      (long long)half);
	}
	if (!(Y = gs_kernel_out(k, 0, GS_DTYPE_FLOAT, X->rank, X->dims)))
		return -1;
	for (b = 0; b < B; b++)
		for (t = 0; t < S; t++) {
			int64_t row = P ? gs_k_int_at(P, b * S + t) : b * S + t;
			const float *cs = (const float *)C->data + row * half;
			const float *sn = (const float *)Sn->data + row * half;

			for (h = 0; h < H; h++) {
				int64_t at = X->rank == 4 ? ((b * H + h) * S + t) * hd :
					((b * S + t) * H + h) * hd;
				const float *x = (const float *)X->data + at;
				float *y = (float *)Y->data + at;

				for (i = 0; i < half; i++) {
					int64_t i1 = inter ? 2 * i : i, i2 = inter ? 2 * i + 1 : i + half;
					float x1 = x[i1], x2 = x[i2];

					y[i1] = cs[i] * x1 - sn[i] * x2;
					y[i2] = sn[i] * x1 + cs[i] * x2;
				}
				for (i = rd; i < hd; i++)
					y[i] = x[i];
			}
		}
	return 0;
}

/* ---- LpNormalization, MeanVarianceNormalization ---- */

static int k_lpnorm(struct gs_kernel_ctx *k)
{
	struct gs_etensor *X = gs_kernel_in(k, 0), *Y;
	int64_t p = gs_node_attr_int(k->node, "p", 2), outer = 1, n, inner = 1, o, j, c;
	int d, axis;

	if (!X)
		return gs_kernel_fail(k, "needs input X");
	if (gs_k_want_float(k, X, "X"))
		return -1;
	if (p != 1 && p != 2)
		return gs_kernel_fail(k, "p = %lld not supported (only 1 and 2)", (long long)p);
	if (gs_k_axis(k, gs_node_attr_int(k->node, "axis", -1), X->rank, &axis))
		return -1;
	for (d = 0; d < axis; d++)
		outer *= X->dims[d];
	n = X->dims[axis];
	for (d = axis + 1; d < X->rank; d++)
		inner *= X->dims[d];
	if (!(Y = gs_kernel_out(k, 0, GS_DTYPE_FLOAT, X->rank, X->dims)))
		return -1;
	for (o = 0; o < outer; o++)
		for (j = 0; j < inner; j++) {
			const float *x = (const float *)X->data + o * n * inner + j;
			float *y = (float *)Y->data + o * n * inner + j;
			double acc = 0, norm;

			for (c = 0; c < n; c++)
				acc += p == 1 ? fabs(x[c * inner]) : (double)x[c * inner] * x[c * inner];
			norm = p == 1 ? acc : sqrt(acc);
			/* an all-zero slice stays zero rather than 0/0 */
			for (c = 0; c < n; c++)
				y[c * inner] = norm == 0 ? 0 : (float)(x[c * inner] / norm);
		}
	return 0;
}

/* Index of each element's group (the position over the kept axes) is
 * walked with an odometer: gstride is 0 on reduced axes. */
static int k_mvn(struct gs_kernel_ctx *k)
{
	struct gs_etensor *X = gs_kernel_in(k, 0), *Y;
	const struct gs_attr *a = gs_node_attr(k->node, "axes");
	static const int64_t dflt[3] = { 0, 2, 3 };
	const int64_t *axes = dflt;
	int64_t gstride[GS_EVAL_MAX_RANK], idx[GS_EVAL_MAX_RANK], groups = 1, per, e, g;
	bool red[GS_EVAL_MAX_RANK] = { false };
	double *sum = NULL, *sq;
	const float *x;
	float *y;
	int n_axes = 3, i, d, pass;

	if (!X)
		return gs_kernel_fail(k, "needs input X");
	if (gs_k_want_float(k, X, "X"))
		return -1;
	if (a) {
		if (a->type != GS_ATTR_INTS)
			return gs_kernel_fail(k, "attribute 'axes' must be a list of ints");
		axes = a->ints, n_axes = a->n;
	}
	for (i = 0; i < n_axes; i++) {
		if (gs_k_axis(k, axes[i], X->rank, &d))
			return -1;
		red[d] = true;
	}
	for (d = X->rank - 1; d >= 0; d--) {
		gstride[d] = red[d] ? 0 : groups;
		if (!red[d])
			groups *= X->dims[d];
		idx[d] = 0;
	}
	if (!(Y = gs_kernel_out(k, 0, GS_DTYPE_FLOAT, X->rank, X->dims)))
		return -1;
	if (X->numel == 0)
		return 0;
	per = X->numel / groups;
	sum = calloc((size_t)groups * 2, sizeof(double));
	if (!sum)
		return gs_kernel_fail(k, "out of memory");
	sq = sum + groups;
	x = X->data, y = Y->data;
	/* pass 1: means; pass 2: centred squares; pass 3: normalise */
	for (pass = 0; pass < 3; pass++) {
		g = 0;
		memset(idx, 0, sizeof(idx));
		for (e = 0; e < X->numel; e++) {
			if (pass == 0) {
				sum[g] += x[e];
			} else {
				double c = x[e] - sum[g];

				if (pass == 1)
					sq[g] += c * c;
				else
					y[e] = (float)(c / (sqrt(sq[g]) + 1e-9));
			}
			for (d = X->rank - 1; d >= 0; d--) {
				g += gstride[d];
				if (++idx[d] < X->dims[d])
					break;
				g -= gstride[d] * X->dims[d];
				idx[d] = 0;
			}
		}
		for (g = 0; pass < 2 && g < groups; g++) {
			if (pass == 0)
				sum[g] /= (double)per;
			else
				sq[g] /= (double)per;
		}
	}
	free(sum);
	return 0;
}

const struct gs_op gs_ops_attention[] = {
	{ .name = "Attention", .since = 23, .flags = GS_OP_FLOAT32, .kernel = k_attention,
	  .family = "attention",
	  .changed = { 23, 24 },
	  .note = "softmax(Q K^T * scale + mask) V over heads; GQA, causal, KV cache, softcap" },
	{ .name = "RotaryEmbedding", .since = 23, .flags = GS_OP_FLOAT32, .kernel = k_rotary,
	  .changed = { 23 },
	  .note = "rotates pairs of each head's features by position angles (RoPE)" },
	{ .name = "LpNormalization", .since = 1, .flags = GS_OP_FLOAT32, .kernel = k_lpnorm,
	  .changed = { 1, 22 },
	  .note = "divides by the L1 or L2 norm along one axis" },
	{ .name = "MeanVarianceNormalization", .since = 9, .flags = GS_OP_FLOAT32,
	  .kernel = k_mvn, .changed = { 9, 13 },
	  .note = "(x - mean) / std over `axes` (default batch and spatial: [0,2,3])" },
	{ .name = NULL },
};
