/* Op family 'reduce' of the registry (see graphsmith/ops.h): Reduce*,
 * ArgMax/ArgMin, the Softmax family, CumSum and TopK.
 *
 * Float reductions accumulate in double, integer ones in int64 (wrapping
 * like numpy), so a sum over a long axis loses nothing the output dtype
 * could have held. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops/families.h"
#include "ops/kernel-util.h"

/* Like gs_k_axis, but a scalar (rank 0) takes axis 0. */
static int norm_axis(struct gs_kernel_ctx *k, int64_t axis, int rank, int *out)
{
	if (axis < -rank || axis >= (rank ? rank : 1))
		return gs_kernel_fail(k, "axis %lld out of range for rank %d", (long long)axis, rank);
	*out = (int)(axis < 0 ? axis + rank : axis);
	return 0;
}

/* ArgMax, ArgMin and TopK are not GS_OP_FLOAT32: rounding doubles to
 * float32 could tie distinct values and change an index, so these read
 * double, fp16 and bf16 through gs_et_get. */
static bool wide_float(int dt)
{
	return dt == GS_DTYPE_DOUBLE || dt == GS_DTYPE_FLOAT16 || dt == GS_DTYPE_BFLOAT16;
}

/* outer x n x inner around one axis */
static void split_at(const struct gs_etensor *x, int axis, int64_t *outer, int64_t *n,
		     int64_t *inner)
{
	int d;

	*outer = 1;
	*inner = 1;
	for (d = 0; d < axis; d++)
		*outer *= x->dims[d];
	*n = axis < x->rank ? x->dims[axis] : 1;
	for (d = axis + 1; d < x->rank; d++)
		*inner *= x->dims[d];
}

/* ---- Reduce* ---- */

enum rop { R_SUM, R_MEAN, R_MAX, R_MIN, R_PROD, R_L1, R_L2, R_LOGSUM, R_LSE, R_SUMSQ };

struct red {
	enum rop op;
	int dt;
	const void *x;
	double *acc;			/* float inputs */
	int64_t *iacc;			/* integer inputs */
	const double *shift;		/* LogSumExp: each output's maximum */
};

#define R_ADD(p, q) ((p) + (q))
#define R_MUL(p, q) ((p) * (q))
#define R_MAX_(p, q) (((q) > (p) || (q) != (q)) ? (q) : (p))
#define R_MIN_(p, q) (((q) < (p) || (q) != (q)) ? (q) : (p))

/* one run of len inputs into acc[o] (os == 0) or acc[o..o+len) (os == 1) */
#define ACC(expr, comb) do { \
	if (os) { \
		for (j = 0; j < len; j++) { double v = x[j]; a[j] = comb(a[j], (expr)); } \
	} else { \
		double s_ = a[0]; \
		for (j = 0; j < len; j++) { double v = x[j]; s_ = comb(s_, (expr)); } \
		a[0] = s_; \
	} \
} while (0)

static void run_f32(const struct red *r, int64_t ix, int64_t o, int64_t len, int64_t os)
{
	const float *x = (const float *)r->x + ix;
	double *a = r->acc + o;
	int64_t j;

	switch (r->op) {
	case R_SUM: case R_MEAN: case R_LOGSUM: ACC(v, R_ADD); break;
	case R_MAX: ACC(v, R_MAX_); break;
	case R_MIN: ACC(v, R_MIN_); break;
	case R_PROD: ACC(v, R_MUL); break;
	case R_L1: ACC(fabs(v), R_ADD); break;
	case R_L2: case R_SUMSQ: ACC(v * v, R_ADD); break;
	case R_LSE:
		for (j = 0; j < len; j++)
			a[j * os] += exp(x[j] - r->shift[o + j * os]);
		break;
	}
}

static void run_int(const struct red *r, int64_t ix, int64_t o, int64_t len, int64_t os)
{
	bool uns = gs_k_is_unsigned(r->dt);
	int64_t j;

	for (j = 0; j < len; j++) {
		int64_t v = gs_k_load_int(r->x, r->dt, ix + j), *a = r->iacc + o + j * os;
		double *d = r->acc + o + j * os;
		/* unsigned arithmetic wraps where signed would overflow */
		uint64_t ua = (uint64_t)*a, uv = (uint64_t)v;

		switch (r->op) {
		case R_SUM: case R_MEAN: *a = (int64_t)(ua + uv); break;
		case R_PROD: *a = (int64_t)(ua * uv); break;
		case R_MAX: if (uns ? uv > ua : v > *a) *a = v; break;
		case R_MIN: if (uns ? uv < ua : v < *a) *a = v; break;
		case R_L1: *a = (int64_t)(ua + (v < 0 && !uns ? 0 - uv : uv)); break;
		case R_SUMSQ: *a = (int64_t)(ua + uv * uv); break;
		case R_L2: *d += (double)v * (double)v; break;
		case R_LOGSUM: *d += (double)v; break;
		case R_LSE: *d += exp((double)v - r->shift[o + j * os]); break;
		}
	}
}

/* Walks x in memory order; each output element's accumulator sits at a
 * stride-0 position for reduced dims.  Neighbouring dims that are both
 * reduced or both kept merge, so the inner run is as long as it can be. */
static void red_walk(const struct red *r, int rank, const int64_t *dims, const bool *reduced)
{
	int64_t os[GS_EVAL_MAX_RANK], md[GS_EVAL_MAX_RANK], mos[GS_EVAL_MAX_RANK];
	int64_t idx[GS_EVAL_MAX_RANK] = { 0 }, s = 1, outer = 1, o = 0, ix = 0, t;
	int d, m = 0, last;

	for (d = rank - 1; d >= 0; d--) {
		os[d] = reduced[d] ? 0 : s;
		if (!reduced[d])
			s *= dims[d];
	}
	for (d = 0; d < rank; d++) {
		if (dims[d] == 1)
			continue;
		if (m && mos[m - 1] == os[d] * dims[d]) {
			md[m - 1] *= dims[d];
			mos[m - 1] = os[d];
			continue;
		}
		md[m] = dims[d];
		mos[m++] = os[d];
	}
	if (!m) {
		md[0] = 1;
		mos[0] = 0;
		m = 1;
	}
	last = m - 1;
	for (d = 0; d < last; d++)
		outer *= md[d];
	if (!outer || !md[last])
		return;
	for (t = 0; t < outer; t++) {
		if (r->iacc || (r->dt != GS_DTYPE_FLOAT))
			run_int(r, ix, o, md[last], mos[last]);
		else
			run_f32(r, ix, o, md[last], mos[last]);
		ix += md[last];
		for (d = last - 1; d >= 0; d--) {
			o += mos[d];
			if (++idx[d] < md[d])
				break;
			o -= mos[d] * md[d];
			idx[d] = 0;
		}
	}
}

/* Which axes: an attribute before `input_from`, the optional second
 * input since; none means all, or nothing at all with
 * noop_with_empty_axes. */
static int reduce_axes(struct gs_kernel_ctx *k, const struct gs_etensor *x, int input_from,
		       bool *reduced, bool *noop)
{
	int64_t axes[GS_EVAL_MAX_RANK];
	int n = 0, i, a;

	memset(reduced, 0, GS_EVAL_MAX_RANK * sizeof(*reduced));
	*noop = false;
	if (k->opset >= input_from) {
		const struct gs_etensor *t = gs_kernel_in(k, 1);

		if (t) {
			if (t->numel > x->rank)
				return gs_kernel_fail(k, "%lld axes for rank %d",
						      (long long)t->numel, x->rank);
			n = gs_et_ints(t, axes, GS_EVAL_MAX_RANK, k->err);
			if (n < 0) {
				char msg[sizeof(k->err->msg)];

				snprintf(msg, sizeof(msg), "%s", k->err->msg);
				return gs_kernel_fail(k, "axes: %s", msg);
			}
		}
	} else {
		const struct gs_attr *at = gs_node_attr(k->node, "axes");

		if (at && at->n) {
			if (at->n > x->rank)
				return gs_kernel_fail(k, "%d axes for rank %d", at->n, x->rank);
			n = at->n;
			memcpy(axes, at->ints, n * sizeof(*axes));
		}
	}
	if (!n) {
		if (gs_node_attr_int(k->node, "noop_with_empty_axes", 0))
			*noop = true;
		else
			for (i = 0; i < x->rank; i++)
				reduced[i] = true;
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (gs_k_axis(k, axes[i], x->rank, &a))
			return -1;
		if (reduced[a])
			return gs_kernel_fail(k, "axis %lld given twice", (long long)axes[i]);
		reduced[a] = true;
	}
	return 0;
}

static int reduce(struct gs_kernel_ctx *k, enum rop op, int input_from)
{
	struct gs_etensor *x = gs_kernel_in(k, 0), *y;
	bool reduced[GS_EVAL_MAX_RANK], noop, keep;
	int64_t dims[GS_EVAL_MAX_RANK], count = 1, i;
	struct red r = { .op = op };
	int rank = 0, d, ret = -1;
	bool fl;

	if (!x)
		return gs_kernel_fail(k, "needs an input");
	fl = x->dtype == GS_DTYPE_FLOAT;
	if (!fl && !gs_k_is_int(x->dtype) &&
	    !(x->dtype == GS_DTYPE_BOOL && (op == R_MAX || op == R_MIN)))
		return gs_kernel_fail(k, "input dtype '%s' not supported", gs_dtype_name(x->dtype));
	if (reduce_axes(k, x, input_from, reduced, &noop))
		return -1;
	if (noop) {
		gs_kernel_out_alias(k, 0, x, x->rank, x->dims);
		return 0;
	}
	keep = gs_node_attr_int(k->node, "keepdims", 1) != 0;
	for (d = 0; d < x->rank; d++) {
		if (reduced[d])
			count *= x->dims[d];
		if (!reduced[d] || keep)
			dims[rank++] = reduced[d] ? 1 : x->dims[d];
	}
	if (!count && !fl && (op == R_MAX || op == R_MIN))
		return gs_kernel_fail(k, "integer maximum or minimum of an empty set");
	y = gs_kernel_out(k, 0, x->dtype, rank, dims);
	if (!y)
		return -1;
	r.dt = x->dtype;
	r.x = x->data;
	r.acc = calloc(y->numel ? y->numel : 1, sizeof(*r.acc));
	if (!fl)
		r.iacc = calloc(y->numel ? y->numel : 1, sizeof(*r.iacc));
	if (!r.acc || (!fl && !r.iacc)) {
		gs_kernel_fail(k, "out of memory");
		goto out;
	}
	for (i = 0; i < y->numel; i++) {
		if (op == R_PROD) {
			r.acc[i] = 1;
			if (r.iacc)
				r.iacc[i] = 1;
		} else if (op == R_MAX || op == R_MIN || op == R_LSE) {
			r.acc[i] = op == R_MIN ? INFINITY : -INFINITY;
			/* the dtype's extremes; all ones is the unsigned maximum */
			if (r.iacc && gs_k_is_unsigned(x->dtype))
				r.iacc[i] = op == R_MIN ? -1 : 0;
			else if (r.iacc)
				r.iacc[i] = op == R_MIN ? INT64_MAX : INT64_MIN;
		}
	}
	if (op == R_LSE) {
		/* subtract each output's maximum so exp cannot overflow */
		double *shift = r.acc;

		r.op = R_MAX;
		if (r.iacc) {
			red_walk(&r, x->rank, x->dims, reduced);
			for (i = 0; i < y->numel; i++)
				shift[i] = (double)r.iacc[i];
		} else {
			red_walk(&r, x->rank, x->dims, reduced);
		}
		for (i = 0; i < y->numel; i++)
			if (isinf(shift[i]))
				shift[i] = 0;
		r.acc = calloc(y->numel ? y->numel : 1, sizeof(*r.acc));
		if (!r.acc) {
			r.acc = shift;
			gs_kernel_fail(k, "out of memory");
			goto out;
		}
		r.shift = shift;
		r.op = R_LSE;
	}
	red_walk(&r, x->rank, x->dims, reduced);
	for (i = 0; i < y->numel; i++) {
		double v = r.acc[i];
		bool by_double = fl || op == R_L2 || op == R_LOGSUM || op == R_LSE;

		if (!fl && !by_double) {
			int64_t iv = r.iacc[i];

			if (op == R_MEAN && count)
				iv = gs_k_is_unsigned(x->dtype) ?
				     (int64_t)((uint64_t)iv / (uint64_t)count) : iv / count;
			gs_k_store_int(y->data, y->dtype, i, iv);
			continue;
		}
		switch (op) {
		case R_MEAN: v /= (double)count; break;
		case R_L2: v = sqrt(v); break;
		case R_LOGSUM: v = log(v); break;
		case R_LSE: v = log(v) + r.shift[i]; break;
		default: break;
		}
		if (fl)
			((float *)y->data)[i] = (float)v;
		else
			gs_k_store_int(y->data, y->dtype, i, gs_k_d2i(v));
	}
	ret = 0;
out:
	free(r.acc);
	free(r.iacc);
	free((double *)r.shift);
	return ret;
}

#define REDUCE_KERNEL(name, op, from) \
	static int k_##name(struct gs_kernel_ctx *k) { return reduce(k, op, from); }

REDUCE_KERNEL(reduce_sum, R_SUM, 13)
REDUCE_KERNEL(reduce_mean, R_MEAN, 18)
REDUCE_KERNEL(reduce_max, R_MAX, 18)
REDUCE_KERNEL(reduce_min, R_MIN, 18)
REDUCE_KERNEL(reduce_prod, R_PROD, 18)
REDUCE_KERNEL(reduce_l1, R_L1, 18)
REDUCE_KERNEL(reduce_l2, R_L2, 18)
REDUCE_KERNEL(reduce_log_sum, R_LOGSUM, 18)
REDUCE_KERNEL(reduce_log_sum_exp, R_LSE, 18)
REDUCE_KERNEL(reduce_sum_square, R_SUMSQ, 18)

/* ---- ArgMax, ArgMin ---- */

static int arg_extreme(struct gs_kernel_ctx *k, bool max)
{
	struct gs_etensor *x = gs_kernel_in(k, 0), *y;
	bool keep = gs_node_attr_int(k->node, "keepdims", 1) != 0;
	bool last = gs_node_attr_int(k->node, "select_last_index", 0) != 0;
	int64_t dims[GS_EVAL_MAX_RANK], outer, n, inner, o, i, j, best, *ys;
	int axis = 0, rank = 0, d;
	bool fl, wide, uns;

	if (!x)
		return gs_kernel_fail(k, "needs an input");
	fl = x->dtype == GS_DTYPE_FLOAT;
	wide = wide_float(x->dtype);
	uns = gs_k_is_unsigned(x->dtype);
	if (!fl && !wide && !gs_k_is_int(x->dtype))
		return gs_kernel_fail(k, "input dtype '%s' not supported", gs_dtype_name(x->dtype));
	if (norm_axis(k, gs_node_attr_int(k->node, "axis", 0), x->rank, &axis))
		return -1;
	split_at(x, axis, &outer, &n, &inner);
	if (!n)
		return gs_kernel_fail(k, "axis %d is empty", axis);
	for (d = 0; d < x->rank; d++)
		if (d != axis || keep)
			dims[rank++] = d == axis ? 1 : x->dims[d];
	y = gs_kernel_out(k, 0, GS_DTYPE_INT64, rank, dims);
	if (!y)
		return -1;
	ys = y->data;
	for (o = 0; o < outer; o++) {
		for (j = 0; j < inner; j++) {
			int64_t base = o * n * inner + j;

			best = 0;
			for (i = 1; i < n; i++) {
				int64_t p = base + i * inner, q = base + best * inner;
				bool better, same;

				if (fl || wide) {
					double v = fl ? ((const float *)x->data)[p] : gs_et_get(x, p);
					double b = fl ? ((const float *)x->data)[q] : gs_et_get(x, q);

					better = max ? v > b : v < b;
					same = v == b;
				} else {
					int64_t v = gs_k_load_int(x->data, x->dtype, p);
					int64_t b = gs_k_load_int(x->data, x->dtype, q);

					if (uns)
						better = max ? (uint64_t)v > (uint64_t)b
							     : (uint64_t)v < (uint64_t)b;
					else
						better = max ? v > b : v < b;
					same = v == b;
				}
				if (better || (same && last))
					best = i;
			}
			ys[o * inner + j] = best;
		}
	}
	return 0;
}

static int k_argmax(struct gs_kernel_ctx *k) { return arg_extreme(k, true); }
static int k_argmin(struct gs_kernel_ctx *k) { return arg_extreme(k, false); }

/* ---- Softmax, LogSoftmax, Hardmax ---- */

enum smop { S_SOFTMAX, S_LOG, S_HARD };

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("O3")
#endif
/* expf for x <= 0 that vectorises: x = n ln2 + r with |r| <= ln2/2, a
 * degree-6 polynomial for e^r (within 2 ulp of expf), times 2^n built in
 * the exponent bits.  Below -87.3 (where expf leaves the normal range)
 * it returns 0; NaN stays NaN. */
static inline float exp_neg(float x)
{
	const float magic = 12582912.0f;	/* 1.5 * 2^23: rounds to an integer */
	float t = x * 1.44269504088896341f + magic, n = t - magic, r, p, s;
	int32_t ti, bits;

	memcpy(&ti, &t, sizeof(ti));
	r = x - n * 0.693359375f;
	r = r + n * 2.12194440e-4f;
	p = 1.9875691500e-4f;
	p = p * r + 1.3981999507e-3f;
	p = p * r + 8.3334519073e-3f;
	p = p * r + 4.1665795894e-2f;
	p = p * r + 1.6666665459e-1f;
	p = p * r + 5.0000001201e-1f;
	p = p * r * r + r + 1.0f;
	/* n is the low mantissa bits of t; unsigned, as far below -87.3 (whose
	 * result is discarded) t is no longer near magic */
	bits = (int32_t)(((uint32_t)ti - 0x4b400000u + 127u) << 23);
	memcpy(&s, &bits, sizeof(s));
	return x < -87.3f ? 0.0f : p * s;
}

/* Eight partial results, so the loops vectorise without reassociating
 * (which plain C forbids the compiler to do for floats) */
static float row_max(const float *x, int64_t n)
{
	float acc[8], m;
	int64_t i;
	int j;

	for (j = 0; j < 8; j++)
		acc[j] = x[0];
	for (i = 0; i + 8 <= n; i += 8)
		for (j = 0; j < 8; j++)
			acc[j] = x[i + j] > acc[j] ? x[i + j] : acc[j];
	for (; i < n; i++)
		acc[0] = x[i] > acc[0] ? x[i] : acc[0];
	m = acc[0];
	for (j = 1; j < 8; j++)
		m = acc[j] > m ? acc[j] : m;
	return m;
}

static float row_sum(const float *x, int64_t n)
{
	float acc[8] = { 0 }, s = 0.0f;
	int64_t i;
	int j;

	for (i = 0; i + 8 <= n; i += 8)
		for (j = 0; j < 8; j++)
			acc[j] += x[i + j];
	for (; i < n; i++)
		acc[0] += x[i];
	for (j = 0; j < 8; j++)
		s += acc[j];
	return s;
}

/* Softmax or LogSoftmax of rows of n contiguous floats, in float. */
static void softmax_rows(const float *x, float *y, int64_t rows, int64_t n, bool lg)
{
	int64_t o, i;

	for (o = 0; o < rows; o++, x += n, y += n) {
		float mx = row_max(x, n), sum;

		/* y holds the exponentials first (LogSoftmax overwrites them) */
		for (i = 0; i < n; i++)
			y[i] = exp_neg(x[i] - mx);
		sum = row_sum(y, n);
		if (lg) {
			sum = logf(sum);
			for (i = 0; i < n; i++)
				y[i] = x[i] - mx - sum;
		} else {
			sum = 1.0f / sum;
			for (i = 0; i < n; i++)
				y[i] *= sum;
		}
	}
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
/* The same rows 16 lanes at a time on AVX-512 CPUs (GCC will not
 * vectorise exp_neg's select and the max/sum reductions by itself) */
#include <immintrin.h>
#define SOFTMAX_AVX512 1

#define AVX512 __attribute__((target("avx512f")))

AVX512 static void softmax_rows16(const float *x, float *y, int64_t rows, int64_t n, bool lg)
{
	int64_t o, i;

	for (o = 0; o < rows; o++, x += n, y += n) {
		__m512 vm = _mm512_set1_ps(-INFINITY), vs = _mm512_setzero_ps(), v;
		__mmask16 tail = (__mmask16)((1u << (n % 16)) - 1);
		float mx, sum;

		for (i = 0; i + 16 <= n; i += 16)
			vm = _mm512_max_ps(_mm512_loadu_ps(x + i), vm);
		if (tail)
			vm = _mm512_max_ps(_mm512_mask_loadu_ps(vm, tail, x + i), vm);
		mx = _mm512_reduce_max_ps(vm);
		vm = _mm512_set1_ps(mx);
		for (i = 0; i + 16 <= n; i += 16) {
			v = gs_k_exp_neg16(_mm512_sub_ps(_mm512_loadu_ps(x + i), vm));
			vs = _mm512_add_ps(vs, v);
			if (!lg)
				_mm512_storeu_ps(y + i, v);
		}
		if (tail) {
			v = gs_k_exp_neg16(_mm512_sub_ps(_mm512_maskz_loadu_ps(tail, x + i), vm));
			vs = _mm512_add_ps(vs, _mm512_maskz_mov_ps(tail, v));
			if (!lg)
				_mm512_mask_storeu_ps(y + i, tail, v);
		}
		sum = _mm512_reduce_add_ps(vs);
		if (lg) {
			float sh = mx + logf(sum);

			for (i = 0; i < n; i++)
				y[i] = x[i] - sh;
			continue;
		}
		v = _mm512_set1_ps(1.0f / sum);
		for (i = 0; i + 16 <= n; i += 16)
			_mm512_storeu_ps(y + i, _mm512_mul_ps(_mm512_loadu_ps(y + i), v));
		if (tail)
			_mm512_mask_storeu_ps(y + i, tail,
					      _mm512_mul_ps(_mm512_maskz_loadu_ps(tail, y + i), v));
	}
}
#undef AVX512
#endif

static int softmax(struct gs_kernel_ctx *k, enum smop op)
{
	struct gs_etensor *x = gs_kernel_in(k, 0), *y;
	int64_t outer, n, inner, o, i, j;
	bool old = k->opset < 13;
	const float *xs;
	float *ys;
	double *mx, *sum;
	int axis = 0, d;

	if (!x)
		return gs_kernel_fail(k, "needs an input");
	if (x->dtype != GS_DTYPE_FLOAT)
		return gs_kernel_fail(k, "input dtype '%s' not supported", gs_dtype_name(x->dtype));
	if (norm_axis(k, gs_node_attr_int(k->node, "axis", old ? 1 : -1), x->rank, &axis))
		return -1;
	split_at(x, axis, &outer, &n, &inner);
	if (old) {
		/* before opset 13 the input is read as 2-D: [before axis, from axis on] */
		for (d = axis + 1; d < x->rank; d++)
			n *= x->dims[d];
		inner = 1;
	}
	y = gs_kernel_out(k, 0, x->dtype, x->rank, x->dims);
	if (!y)
		return -1;
	if (!y->numel)
		return 0;
	xs = x->data;
	ys = y->data;
	if (inner == 1 && op != S_HARD) {
#ifdef SOFTMAX_AVX512
		__builtin_cpu_init();
		if (__builtin_cpu_supports("avx512f")) {
			softmax_rows16(xs, ys, outer, n, op == S_LOG);
			return 0;
		}
#endif
		softmax_rows(xs, ys, outer, n, op == S_LOG);
		return 0;
	}
	mx = malloc(inner * sizeof(*mx));
	sum = malloc(inner * sizeof(*sum));
	if (!mx || !sum) {
		free(mx);
		free(sum);
		return gs_kernel_fail(k, "out of memory");
	}
	for (o = 0; o < outer; o++) {
		const float *xo = xs + o * n * inner;
		float *yo = ys + o * n * inner;

		for (j = 0; j < inner; j++) {
			mx[j] = xo[j];
			sum[j] = 0;
		}
		for (i = 1; i < n; i++)
			for (j = 0; j < inner; j++)
				if (xo[i * inner + j] > mx[j])
					mx[j] = xo[i * inner + j];
		if (op == S_HARD) {
			/* one-hot at the first maximum */
			for (j = 0; j < inner; j++)
				sum[j] = -1;
			for (i = 0; i < n; i++)
				for (j = 0; j < inner; j++) {
					bool hit = sum[j] < 0 && xo[i * inner + j] == mx[j];

					yo[i * inner + j] = hit;
					if (hit)
						sum[j] = (double)i;
				}
			continue;
		}
		for (i = 0; i < n; i++)
			for (j = 0; j < inner; j++) {
				double e = exp((double)xo[i * inner + j] - mx[j]);

				sum[j] += e;
				if (op == S_SOFTMAX)
					yo[i * inner + j] = (float)e;
			}
		for (i = 0; i < n; i++)
			for (j = 0; j < inner; j++) {
				float *p = yo + i * inner + j;

				if (op == S_SOFTMAX)
					*p = (float)(*p / sum[j]);
				else
					*p = (float)((double)xo[i * inner + j] - mx[j] - log(sum[j]));
			}
	}
	free(mx);
	free(sum);
	return 0;
}

static int k_softmax(struct gs_kernel_ctx *k) { return softmax(k, S_SOFTMAX); }
static int k_log_softmax(struct gs_kernel_ctx *k) { return softmax(k, S_LOG); }
static int k_hardmax(struct gs_kernel_ctx *k) { return softmax(k, S_HARD); }

/* ---- CumSum, CumProd ---- */

/* wraps instead of overflowing */
static int64_t icum(bool prod, int64_t acc, int64_t v)
{
	return (int64_t)(prod ? (uint64_t)acc * (uint64_t)v : (uint64_t)acc + (uint64_t)v);
}

static int cumulate(struct gs_kernel_ctx *k, bool prod)
{
	struct gs_etensor *x = gs_kernel_in(k, 0), *at = gs_kernel_in(k, 1), *y;
	bool excl = gs_node_attr_int(k->node, "exclusive", 0) != 0;
	bool rev = gs_node_attr_int(k->node, "reverse", 0) != 0;
	int64_t outer, n, inner, o, i, j, av;
	int axis = 0;
	bool fl;

	if (!x || !at)
		return gs_kernel_fail(k, "needs an input and an axis");
	fl = x->dtype == GS_DTYPE_FLOAT;
	if (!fl && !gs_k_is_int(x->dtype))
		return gs_kernel_fail(k, "input dtype '%s' not supported", gs_dtype_name(x->dtype));
	if (at->numel != 1 || !gs_k_is_int(at->dtype))
		return gs_kernel_fail(k, "axis must be one integer");
	av = gs_k_load_int(at->data, at->dtype, 0);
	if (x->rank == 0 || norm_axis(k, av, x->rank, &axis))
		return x->rank ? -1 : gs_kernel_fail(k, "input is a scalar");
	split_at(x, axis, &outer, &n, &inner);
	y = gs_kernel_out(k, 0, x->dtype, x->rank, x->dims);
	if (!y)
		return -1;
	for (o = 0; o < outer; o++)
		for (j = 0; j < inner; j++) {
			int64_t base = o * n * inner + j, acc = prod;
			double facc = prod;

			for (i = 0; i < n; i++) {
				int64_t p = base + (rev ? n - 1 - i : i) * inner;

				if (fl) {
					double v = ((const float *)x->data)[p];

					if (!excl)
						facc = prod ? facc * v : facc + v;
					((float *)y->data)[p] = (float)facc;
					if (excl)
						facc = prod ? facc * v : facc + v;
				} else {
					int64_t v = gs_k_load_int(x->data, x->dtype, p);

					if (!excl)
						acc = icum(prod, acc, v);
					gs_k_store_int(y->data, y->dtype, p, acc);
					if (excl)
						acc = icum(prod, acc, v);
				}
			}
		}
	return 0;
}

static int k_cumsum(struct gs_kernel_ctx *k) { return cumulate(k, false); }
static int k_cumprod(struct gs_kernel_ctx *k) { return cumulate(k, true); }

/* ---- TopK ---- */

struct topk {
	const struct gs_etensor *x;
	bool fl, wide, uns, largest;
};

/* true when element p goes before q: by value, ties by lower index */
static bool topk_before(const struct topk *t, int64_t p, int64_t q)
{
	int c;

	if (t->fl) {
		float a = ((const float *)t->x->data)[p], b = ((const float *)t->x->data)[q];

		c = a < b ? -1 : a > b ? 1 : 0;
	} else if (t->wide) {
		double a = gs_et_get(t->x, p), b = gs_et_get(t->x, q);

		c = a < b ? -1 : a > b ? 1 : 0;
	} else {
		int64_t a = gs_k_load_int(t->x->data, t->x->dtype, p);
		int64_t b = gs_k_load_int(t->x->data, t->x->dtype, q);

		if (t->uns)
			c = (uint64_t)a < (uint64_t)b ? -1 : (uint64_t)a > (uint64_t)b ? 1 : 0;
		else
			c = a < b ? -1 : a > b ? 1 : 0;
	}
	if (c)
		return t->largest ? c > 0 : c < 0;
	return p < q;
}

/* stable merge sort of element positions (tmp as long as pos) */
static void topk_sort(const struct topk *t, int64_t *pos, int64_t *tmp, int64_t n)
{
	int64_t h = n / 2, i = 0, j = h, o = 0;

	if (n < 2)
		return;
	topk_sort(t, pos, tmp, h);
	topk_sort(t, pos + h, tmp, n - h);
	while (i < h && j < n)
		tmp[o++] = topk_before(t, pos[j], pos[i]) ? pos[j++] : pos[i++];
	while (i < h)
		tmp[o++] = pos[i++];
	while (j < n)
		tmp[o++] = pos[j++];
	memcpy(pos, tmp, n * sizeof(*pos));
}

static int k_topk(struct gs_kernel_ctx *k)
{
	struct gs_etensor *x = gs_kernel_in(k, 0), *v, *ix;
	int64_t dims[GS_EVAL_MAX_RANK], outer, n, inner, o, i, j, kk, *pos, *tmp;
	struct topk t;
	size_t es;
	int axis = 0;

	if (!x)
		return gs_kernel_fail(k, "needs an input");
	t.x = x;
	t.fl = x->dtype == GS_DTYPE_FLOAT;
	t.wide = wide_float(x->dtype);
	t.uns = gs_k_is_unsigned(x->dtype);
	t.largest = gs_node_attr_int(k->node, "largest", 1) != 0;
	if (!t.fl && !t.wide && !gs_k_is_int(x->dtype))
		return gs_kernel_fail(k, "input dtype '%s' not supported", gs_dtype_name(x->dtype));
	if (k->opset < 10) {
		if (!gs_node_attr(k->node, "k"))
			return gs_kernel_fail(k, "needs the 'k' attribute");
		kk = gs_node_attr_int(k->node, "k", 0);
	} else {
		const struct gs_etensor *kt = gs_kernel_in(k, 1);

		if (!kt || kt->numel != 1 || !gs_k_is_int(kt->dtype))
			return gs_kernel_fail(k, "k must be one integer");
		kk = gs_k_load_int(kt->data, kt->dtype, 0);
	}
	if (x->rank == 0)
		return gs_kernel_fail(k, "input is a scalar");
	if (norm_axis(k, gs_node_attr_int(k->node, "axis", -1), x->rank, &axis))
		return -1;
	split_at(x, axis, &outer, &n, &inner);
	if (kk < 0 || kk > n)
		return gs_kernel_fail(k, "k %lld out of range for an axis of %lld",
				      (long long)kk, (long long)n);
	memcpy(dims, x->dims, x->rank * sizeof(*dims));
	dims[axis] = kk;
	v = gs_kernel_out(k, 0, x->dtype, x->rank, dims);
	if (!v)
		return -1;
	ix = gs_kernel_out(k, 1, GS_DTYPE_INT64, x->rank, dims);
	if (!ix)
		return -1;
	if (!v->numel)
		return 0;
	es = gs_et_elem_size(x->dtype);
	pos = malloc(2 * n * sizeof(*pos));
	if (!pos)
		return gs_kernel_fail(k, "out of memory");
	tmp = pos + n;
	for (o = 0; o < outer; o++)
		for (j = 0; j < inner; j++) {
			int64_t base = o * n * inner + j, obase = o * kk * inner + j;

			for (i = 0; i < n; i++)
				pos[i] = base + i * inner;
			topk_sort(&t, pos, tmp, n);
			for (i = 0; i < kk; i++) {
				int64_t q = obase + i * inner;

				memcpy((char *)v->data + q * es, (const char *)x->data + pos[i] * es, es);
				((int64_t *)ix->data)[q] = (pos[i] - base) / inner;
			}
		}
	free(pos);
	return 0;
}

/* ---- the table ---- */

#define F GS_OP_FLOAT32
#define REDUCE_NOTE " over 'axes' (all by default; keepdims default 1)"

const struct gs_op gs_ops_reduce[] = {
	{ .name = "ReduceSum", .since = 1, .flags = F, .kernel = k_reduce_sum,
	  .breaks = { 13 },
	  .attrs = GS_OP_ATTRS(
		GS_DFLT_INT("keepdims", 1), GS_DFLT_INT("noop_with_empty_axes", 0)),
	  .attr_inputs = GS_OP_INPUTS({ "axes", 1, 13 }), .rank_rule = GS_RANK_KEEPDIMS,
	  .changed = { 1, 11, 13 },
	  .note = "sum" REDUCE_NOTE "; axes is an input from opset 13" },
	{ .name = "ReduceMean", .since = 1, .flags = F, .kernel = k_reduce_mean,
	  .breaks = { 18 },
	  .attrs = GS_OP_ATTRS(
		GS_DFLT_INT("keepdims", 1), GS_DFLT_INT("noop_with_empty_axes", 0)),
	  .rank_rule = GS_RANK_KEEPDIMS, .attr_inputs = GS_OP_INPUTS({ "axes", 1, 18 }),
	  .changed = { 1, 11, 13, 18 },
	  .note = "mean" REDUCE_NOTE "; axes is an input from opset 18" },
	{ .name = "ReduceMax", .since = 1, .flags = F, .kernel = k_reduce_max,
	  .breaks = { 18 },
	  .attrs = GS_OP_ATTRS(
		GS_DFLT_INT("keepdims", 1), GS_DFLT_INT("noop_with_empty_axes", 0)),
	  .rank_rule = GS_RANK_KEEPDIMS, .attr_inputs = GS_OP_INPUTS({ "axes", 1, 18 }),
	  .changed = { 1, 11, 12, 13, 18, 20 },
	  .note = "maximum" REDUCE_NOTE "; axes is an input from opset 18" },
	{ .name = "ReduceMin", .since = 1, .flags = F, .kernel = k_reduce_min,
	  .breaks = { 18 },
	  .attrs = GS_OP_ATTRS(
		GS_DFLT_INT("keepdims", 1), GS_DFLT_INT("noop_with_empty_axes", 0)),
	  .rank_rule = GS_RANK_KEEPDIMS, .attr_inputs = GS_OP_INPUTS({ "axes", 1, 18 }),
	  .changed = { 1, 11, 12, 13, 18, 20 },
	  .note = "minimum" REDUCE_NOTE "; axes is an input from opset 18" },
	{ .name = "ReduceProd", .since = 1, .flags = F, .kernel = k_reduce_prod,
	  .breaks = { 18 },
	  .attrs = GS_OP_ATTRS(
		GS_DFLT_INT("keepdims", 1), GS_DFLT_INT("noop_with_empty_axes", 0)),
	  .rank_rule = GS_RANK_KEEPDIMS, .attr_inputs = GS_OP_INPUTS({ "axes", 1, 18 }),
	  .changed = { 1, 11, 13, 18 },
	  .note = "product" REDUCE_NOTE "; axes is an input from opset 18" },
	{ .name = "ReduceL1", .since = 1, .flags = F, .kernel = k_reduce_l1,
	  .breaks = { 18 },
	  .attrs = GS_OP_ATTRS(
		GS_DFLT_INT("keepdims", 1), GS_DFLT_INT("noop_with_empty_axes", 0)),
	  .rank_rule = GS_RANK_KEEPDIMS,
	  .changed = { 1, 11, 13, 18 },
	  .note = "sum of |x|" REDUCE_NOTE "; axes is an input from opset 18" },
	{ .name = "ReduceL2", .since = 1, .flags = F, .kernel = k_reduce_l2,
	  .breaks = { 18 },
	  .attrs = GS_OP_ATTRS(
		GS_DFLT_INT("keepdims", 1), GS_DFLT_INT("noop_with_empty_axes", 0)),
	  .rank_rule = GS_RANK_KEEPDIMS, .attr_inputs = GS_OP_INPUTS({ "axes", 1, 18 }),
	  .changed = { 1, 11, 13, 18 },
	  .note = "sqrt of the sum of squares" REDUCE_NOTE "; axes is an input from opset 18" },
	{ .name = "ReduceLogSum", .since = 1, .flags = F, .kernel = k_reduce_log_sum,
	  .breaks = { 18 },
	  .attrs = GS_OP_ATTRS(
		GS_DFLT_INT("keepdims", 1), GS_DFLT_INT("noop_with_empty_axes", 0)),
	  .rank_rule = GS_RANK_KEEPDIMS,
	  .changed = { 1, 11, 13, 18 },
	  .note = "log of the sum" REDUCE_NOTE "; axes is an input from opset 18" },
	{ .name = "ReduceLogSumExp", .since = 1, .flags = F, .kernel = k_reduce_log_sum_exp,
	  .breaks = { 18 },
	  .attrs = GS_OP_ATTRS(
		GS_DFLT_INT("keepdims", 1), GS_DFLT_INT("noop_with_empty_axes", 0)),
	  .rank_rule = GS_RANK_KEEPDIMS,
	  .changed = { 1, 11, 13, 18 },
	  .note = "log(sum(e^x))" REDUCE_NOTE ", computed stably; axes is an input from opset 18" },
	{ .name = "ReduceSumSquare", .since = 1, .flags = F, .kernel = k_reduce_sum_square,
	  .breaks = { 18 },
	  .attrs = GS_OP_ATTRS(
		GS_DFLT_INT("keepdims", 1), GS_DFLT_INT("noop_with_empty_axes", 0)),
	  .rank_rule = GS_RANK_KEEPDIMS,
	  .changed = { 1, 11, 13, 18 },
	  .note = "sum of squares" REDUCE_NOTE "; axes is an input from opset 18" },
	{ .name = "ArgMax", .since = 1, .kernel = k_argmax,
	  .attrs = GS_OP_ATTRS(GS_DFLT_INT("keepdims", 1)), .out_dtype = GS_DTYPE_INT64,
	  .changed = { 1, 11, 12, 13 },
	  .note = "int64 index of the maximum along 'axis'; ties: first, or last with select_last_index" },
	{ .name = "ArgMin", .since = 1, .kernel = k_argmin,
	  .attrs = GS_OP_ATTRS(GS_DFLT_INT("keepdims", 1)), .out_dtype = GS_DTYPE_INT64,
	  .changed = { 1, 11, 12, 13 },
	  .note = "int64 index of the minimum along 'axis'; ties: first, or last with select_last_index" },
	{ .name = "Softmax", .since = 1, .flags = F, .kernel = k_softmax,
	  .breaks = { 13 },
	  .attrs = GS_OP_ATTRS(
		GS_DFLT_INT_IN("axis", 1, 0, 12), GS_DFLT_INT_IN("axis", -1, 13, 0)),
	  .rank_rule = GS_RANK_SAME,
	  .changed = { 1, 11, 13 },
	  .note = "e^x normalised along 'axis'; before opset 13 over the 2-D view [:axis][axis:]" },
	{ .name = "LogSoftmax", .since = 1, .flags = F, .kernel = k_log_softmax,
	  .breaks = { 13 },
	  .attrs = GS_OP_ATTRS(
		GS_DFLT_INT_IN("axis", 1, 0, 12), GS_DFLT_INT_IN("axis", -1, 13, 0)),
	  .rank_rule = GS_RANK_SAME,
	  .changed = { 1, 11, 13 },
	  .note = "log of Softmax, computed as x - max - log(sum e^(x - max))" },
	{ .name = "Hardmax", .since = 1, .flags = F, .kernel = k_hardmax,
	  .breaks = { 13 },
	  .changed = { 1, 11, 13 },
	  .note = "one-hot of the first maximum along 'axis' (2-D view before opset 13)" },
	{ .name = "CumSum", .since = 11, .flags = F, .kernel = k_cumsum,
	  .changed = { 11, 14 },
	  .note = "running sum along a tensor-given axis; exclusive and reverse variants" },
	{ .name = "CumProd", .since = 26, .flags = F, .kernel = k_cumprod,
	  .changed = { 26 },
	  .note = "running product along a tensor-given axis; exclusive and reverse variants" },
	{ .name = "TopK", .since = 1, .kernel = k_topk,
	  .breaks = { 10, 11 }, .attr_inputs = GS_OP_INPUTS({ "K", 1, 10 }),
	  .changed = { 1, 10, 11 },
	  .note = "k largest (or smallest) values and int64 indices along 'axis'; ties: lower index" },
	{ .name = NULL },
};
