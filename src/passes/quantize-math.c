/*
 * The arithmetic of weight quantization: scales and zero points from a
 * weight's range, and QuantizeLinear's rounding (half to even) and
 * saturation.  The loops are written so the compiler can vectorize the
 * common case (a [K, N] MatMul weight quantized per column).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/quantize.h"

int gs_quant_range(int dtype, int32_t *qmin, int32_t *qmax)
{
	switch (dtype) {
	case GS_DTYPE_INT8: *qmin = -128; *qmax = 127; return 0;
	case GS_DTYPE_UINT8: *qmin = 0; *qmax = 255; return 0;
	case GS_DTYPE_INT4: *qmin = -8; *qmax = 7; return 0;
	case GS_DTYPE_UINT4: *qmin = 0; *qmax = 15; return 0;
	default: return -1;
	}
}

/* Round half to even for |v| < 2^22: adding 1.5 * 2^23 leaves no fraction
 * bits, so the FPU's default rounding (to nearest, ties to even) does it. */
static inline float round_even(float v)
{
	return (v + 12582912.0f) - 12582912.0f;
}

/* A little-endian float at any alignment (one unaligned load on x86). */
static inline float load_f32(const unsigned char *p)
{
	float f;

	memcpy(&f, p, sizeof(f));
	return f;
}

int32_t gs_quant_one(float w, float scale, int32_t zero_point, int32_t qmin, int32_t qmax)
{
	float v = w / scale;

	/* clamping to integer bounds before rounding saturates the same way
	 * and keeps round_even in range; NaN goes to the low bound */
	float lo = (float)(qmin - zero_point), hi = (float)(qmax - zero_point);

	v = v > lo ? v : lo;
	v = v < hi ? v : hi;
	return (int32_t)round_even(v) + zero_point;
}

/* Four lanes with GCC/Clang vector extensions: SSE2 on x86-64, NEON on
 * arm64, plain scalar code elsewhere; no -ffast-math needed. */
typedef float v4f __attribute__((vector_size(16)));
typedef int32_t v4i __attribute__((vector_size(16)));

static inline v4f select4(v4i mask, v4f a, v4f b)
{
	return (v4f)((mask & (v4i)a) | (~mask & (v4i)b));
}

static inline v4f load4(const unsigned char *p)
{
	v4f v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void params_of(float mn, float mx, int dtype, bool symmetric,
		      float *scale, int32_t *zero_point)
{
	int32_t qmin = 0, qmax = 0;
	float s;
	int32_t zp;

	gs_quant_range(dtype, &qmin, &qmax);
	if (symmetric) {
		float amax = fmaxf(-mn, mx);
		/* unsigned types centre the zero point, keeping the range
		 * symmetric: uint8 uses 1..255 around 128 */
		int32_t half = (qmax - qmin) / 2;

		zp = qmin < 0 ? 0 : qmin + half + 1;
		s = amax / (float)half;
	} else {
		s = (mx - mn) / (float)(qmax - qmin);
		zp = 0;
		if (s > 0 && isfinite(s)) {
			float z = round_even((float)qmin - mn / s);

			zp = (int32_t)fminf(fmaxf(z, (float)qmin), (float)qmax);
		}
	}
	if (!(s > 0) || !isfinite(s)) {
		s = 1.0f;
		zp = qmin < 0 ? 0 : (symmetric ? (qmax + 1) / 2 : 0);
	}
	*scale = s;
	*zero_point = zp;
}

/*
 * The kernels below split a weight into units, spread over every core
 * (src/util/parallel.c): with inner == 1 (a [K, N] weight quantized per
 * column) a unit is one row of `channels` elements; otherwise it is one
 * channel's contiguous run of `inner` elements.
 */
struct quant_job {
	const unsigned char *w;
	size_t outer, channels, inner;
	int dtype;
	float *mn, *mx;			/* the range of each channel */
	size_t units_per_task;
	/* apply */
	const float *scale, *lo, *hi, *zf;
	void *q;
	double *aa, *dd;		/* per task, summed in task order */
};

/* Elements per task: big enough to amortise a thread's start, small
 * enough to balance two to sixteen cores. */
enum { QUANT_TASK_ELEMS = 64 * 1024 };

static size_t units_per_task(size_t unit_elems)
{
	size_t n = QUANT_TASK_ELEMS / (unit_elems ? unit_elems : 1);

	return n ? n : 1;
}

/* Per-column range of rows [r0, r1) of a [K, N] weight, into mn/mx. */
static void range_rows(const struct quant_job *j, size_t r0, size_t r1, float *mn, float *mx)
{
	size_t o, c, channels = j->channels;

	for (o = r0; o < r1; o++) {
		const unsigned char *row = j->w + o * channels * 4;

		for (c = 0; c + 4 <= channels; c += 4) {
			v4f v = load4(row + c * 4), lo, hi;

			memcpy(&lo, mn + c, sizeof(lo));
			memcpy(&hi, mx + c, sizeof(hi));
			lo = select4(v < lo, v, lo);
			hi = select4(v > hi, v, hi);
			memcpy(mn + c, &lo, sizeof(lo));
			memcpy(mx + c, &hi, sizeof(hi));
		}
		for (; c < channels; c++) {
			float v = load_f32(row + c * 4);

			mn[c] = v < mn[c] ? v : mn[c];
			mx[c] = v > mx[c] ? v : mx[c];
		}
	}
}

/* Range of channels [c0, c1), over every outer index. */
static void range_channels(const struct quant_job *j, size_t c0, size_t c1)
{
	size_t o, c, i, inner = j->inner;

	for (o = 0; o < j->outer; o++) {
		for (c = c0; c < c1; c++) {
			const unsigned char *p = j->w + (o * j->channels + c) * inner * 4;
			float lo = j->mn[c], hi = j->mx[c];

			for (i = 0; i < inner; i++) {
				float v = load_f32(p + i * 4);

				lo = v < lo ? v : lo;
				hi = v > hi ? v : hi;
			}
			j->mn[c] = lo;
			j->mx[c] = hi;
		}
	}
}

static void range_task(void *ctx, size_t task, int worker)
{
	const struct quant_job *j = ctx;
	size_t u0 = task * j->units_per_task, u1 = u0 + j->units_per_task;

	(void)worker;
	if (j->inner == 1) {
		/* rows: a private range per task, merged afterwards */
		float *mn = j->mn + (task + 1) * 2 * j->channels;

		range_rows(j, u0, u1 < j->outer ? u1 : j->outer, mn, mn + j->channels);
	} else {
		range_channels(j, u0, u1 < j->channels ? u1 : j->channels);
	}
}

void gs_quant_params(const void *w, size_t outer, size_t channels, size_t inner,
		     int dtype, bool symmetric, float *scale, int32_t *zero_point)
{
	struct quant_job j;
	size_t units, n_tasks, t, c;

	j = (struct quant_job){ .w = w, .outer = outer, .channels = channels, .inner = inner };
	j.units_per_task = units_per_task(inner == 1 ? channels : outer * inner);
	units = inner == 1 ? outer : channels;
	n_tasks = (units + j.units_per_task - 1) / j.units_per_task;
	/* the range always includes 0, so zero is exactly representable;
	 * row tasks get their own slice after the total's */
	j.mn = gs_xcalloc(channels * 2 * (inner == 1 ? n_tasks + 1 : 1), sizeof(float));
	j.mx = j.mn + channels;
	gs_parallel_for(n_tasks, range_task, &j);
	if (inner == 1) {
		for (t = 0; t < n_tasks; t++) {
			const float *mn = j.mn + (t + 1) * 2 * channels, *mx = mn + channels;

			for (c = 0; c < channels; c++) {
				j.mn[c] = mn[c] < j.mn[c] ? mn[c] : j.mn[c];
				j.mx[c] = mx[c] > j.mx[c] ? mx[c] : j.mx[c];
			}
		}
	}
	for (c = 0; c < channels; c++)
		params_of(j.mn[c], j.mx[c], dtype, symmetric, &scale[c], &zero_point[c]);
	free(j.mn);
}

static inline void store_q(void *q, size_t at, int dtype, float r)
{
	if (dtype == GS_DTYPE_INT8) {
		((int8_t *)q)[at] = (int8_t)(int32_t)r;
	} else if (dtype == GS_DTYPE_UINT8) {
		((uint8_t *)q)[at] = (uint8_t)(int32_t)r;
	} else {
		uint8_t *b = (uint8_t *)q + at / 2;
		uint8_t nib = (uint8_t)((int32_t)r & 0x0f);

		*b = at % 2 ? (uint8_t)((*b & 0x0f) | (nib << 4)) : (uint8_t)((*b & 0xf0) | nib);
	}
}

/* One element: clamp, round, accumulate the signal and error energy. */
static inline float quant_elem(float w, float s, float lo, float hi, float *aa, float *dd)
{
	float v = w / s, e;

	/* comparisons, not fminf/fmaxf: they vectorize; NaN goes to lo */
	v = v > lo ? v : lo;
	v = v < hi ? v : hi;
	v = round_even(v);
	e = w - v * s;
	*aa += w * w;
	*dd += e * e;
	return v;
}

/* One run of n elements; per-element channel arrays advance by stride
 * (1: a row of a [K, N] weight; 0: one channel's contiguous block).  The
 * dtype is a constant after inlining, so each caller gets its own loop. */
static inline void quant_run(const unsigned char *w, size_t n, int dtype, const float *s,
			     const float *lo, const float *hi, const float *zf,
			     size_t stride, void *q, size_t qoff, double *aa, double *dd)
{
	const v4f magic = { 12582912.0f, 12582912.0f, 12582912.0f, 12582912.0f };
	v4f va = { 0 }, vd = { 0 };
	float la = 0, ld = 0;
	size_t i = 0, l;

	if (dtype == GS_DTYPE_INT8 || dtype == GS_DTYPE_UINT8) {
		v4f s4 = { s[0], s[0], s[0], s[0] }, lo4 = { lo[0], lo[0], lo[0], lo[0] };
		v4f hi4 = { hi[0], hi[0], hi[0], hi[0] }, z4 = { zf[0], zf[0], zf[0], zf[0] };

		for (; i + 4 <= n; i += 4) {
			v4f x = load4(w + i * 4), v, e;
			v4i qi;

			if (stride) {
				memcpy(&s4, s + i, sizeof(s4));
				memcpy(&lo4, lo + i, sizeof(lo4));
				memcpy(&hi4, hi + i, sizeof(hi4));
				memcpy(&z4, zf + i, sizeof(z4));
			}
			v = x / s4;
			v = select4(v > lo4, v, lo4);	/* NaN goes to lo */
			v = select4(v < hi4, v, hi4);
			v = (v + magic) - magic;
			e = x - v * s4;
			va += x * x;
			vd += e * e;
			qi = __builtin_convertvector(v + z4, v4i);
			for (l = 0; l < 4; l++) {
				if (dtype == GS_DTYPE_INT8)
					((int8_t *)q)[qoff + i + l] = (int8_t)qi[l];
				else
					((uint8_t *)q)[qoff + i + l] = (uint8_t)qi[l];
			}
		}
	}
	for (; i < n; i++) {
		size_t k = i * stride;
		float r = quant_elem(load_f32(w + i * 4), s[k], lo[k], hi[k], &la, &ld);

		store_q(q, qoff + i, dtype, r + zf[k]);
	}
	*aa += (double)la + va[0] + va[1] + va[2] + va[3];
	*dd += (double)ld + vd[0] + vd[1] + vd[2] + vd[3];
}

/* The dtype is a constant inside each branch, so each gets its own loop. */
static void quant_unit(const struct quant_job *j, const unsigned char *w, size_t n,
		       size_t c, size_t stride, size_t qoff, double *aa, double *dd)
{
	if (j->dtype == GS_DTYPE_INT8)
		quant_run(w, n, GS_DTYPE_INT8, j->scale + c, j->lo + c, j->hi + c, j->zf + c,
			  stride, j->q, qoff, aa, dd);
	else if (j->dtype == GS_DTYPE_UINT8)
		quant_run(w, n, GS_DTYPE_UINT8, j->scale + c, j->lo + c, j->hi + c, j->zf + c,
			  stride, j->q, qoff, aa, dd);
	else
		quant_run(w, n, j->dtype, j->scale + c, j->lo + c, j->hi + c, j->zf + c,
			  stride, j->q, qoff, aa, dd);
}

static void apply_task(void *ctx, size_t task, int worker)
{
	const struct quant_job *j = ctx;
	size_t units = j->inner == 1 ? j->outer : j->outer * j->channels;
	size_t u0 = task * j->units_per_task, u1 = u0 + j->units_per_task, u, base;
	double aa = 0, dd = 0;

	(void)worker;
	for (u = u0; u < u1 && u < units; u++) {
		if (j->inner == 1) {
			base = u * j->channels;
			quant_unit(j, j->w + base * 4, j->channels, 0, 1, base, &aa, &dd);
		} else {
			base = u * j->inner;
			quant_unit(j, j->w + base * 4, j->inner, u % j->channels, 0, base,
				   &aa, &dd);
		}
	}
	j->aa[task] = aa;
	j->dd[task] = dd;
}

void gs_quant_apply(const void *w, size_t outer, size_t channels, size_t inner,
		    int dtype, const float *scale, const int32_t *zero_point,
		    void *q, double *sum_aa, double *sum_dd)
{
	struct quant_job j;
	float *lo = gs_xmalloc(channels * 3 * sizeof(float));
	float *hi = lo + channels, *zf = hi + channels;
	int32_t qmin = 0, qmax = 0;
	size_t units = inner == 1 ? outer : outer * channels, n_tasks, c, t;
	double aa = 0, dd = 0;

	gs_quant_range(dtype, &qmin, &qmax);
	for (c = 0; c < channels; c++) {
		lo[c] = (float)(qmin - zero_point[c]);
		hi[c] = (float)(qmax - zero_point[c]);
		zf[c] = (float)zero_point[c];
	}
	j = (struct quant_job){ .w = w, .outer = outer, .channels = channels, .inner = inner,
				.dtype = dtype, .scale = scale, .lo = lo, .hi = hi, .zf = zf, .q = q };
	/* 4-bit outputs share bytes between neighbours: one task writes all;
	 * otherwise a fixed split, so the sums do not depend on the cores */
	j.units_per_task = dtype == GS_DTYPE_INT4 || dtype == GS_DTYPE_UINT4 ? units :
			   units_per_task(inner == 1 ? channels : inner);
	n_tasks = units ? (units + j.units_per_task - 1) / j.units_per_task : 0;
	j.aa = gs_xcalloc(n_tasks * 2 + 1, sizeof(double));
	j.dd = j.aa + n_tasks;
	gs_parallel_for(n_tasks, apply_task, &j);
	for (t = 0; t < n_tasks; t++) {
		aa += j.aa[t];
		dd += j.dd[t];
	}
	if (sum_aa)
		*sum_aa += aa;
	if (sum_dd)
		*sum_dd += dd;
	free(j.aa);
	free(lo);
}

/* Range then quantization.  (Tiling columns so the weight comes from
 * memory once measured 15% slower than two streaming passes.) */
void gs_quant_tensor(const void *w, size_t outer, size_t channels, size_t inner,
		     int dtype, bool symmetric, float *scale, int32_t *zero_point,
		     void *q, double *sum_aa, double *sum_dd)
{
	gs_quant_params(w, outer, channels, inner, dtype, symmetric, scale, zero_point);
	gs_quant_apply(w, outer, channels, inner, dtype, scale, zero_point, q, sum_aa, sum_dd);
}

static void put_nibble(uint8_t *p, size_t i, int32_t v)
{
	uint8_t nib = (uint8_t)(v & 0x0f);

	if (i % 2)
		p[i / 2] = (uint8_t)((p[i / 2] & 0x0f) | (nib << 4));
	else
		p[i / 2] = (uint8_t)((p[i / 2] & 0xf0) | nib);
}

void gs_quant_blocks(const void *weights, size_t rows, size_t cols, int axis, size_t block,
		     int dtype, bool symmetric, float *scale, uint8_t *zero_point_packed,
		     uint8_t *q, double *sum_aa, double *sum_dd)
{
	const unsigned char *w = weights;
	size_t srows = axis == 0 ? rows / block : rows;
	size_t scols = axis == 0 ? cols : cols / block;
	size_t r, c, k;
	int32_t qmin = 0, qmax = 0;
	int32_t *zp = gs_xmalloc(srows * scols * sizeof(int32_t));
	double aa = 0, dd = 0;

	gs_quant_range(dtype, &qmin, &qmax);
	/* pass 1: each block's range */
	for (r = 0; r < srows; r++) {
		for (c = 0; c < scols; c++) {
			float mn = 0, mx = 0;

			for (k = 0; k < block; k++) {
				float v = load_f32(w + 4 * (axis == 0 ? (r * block + k) * cols + c
								      : r * cols + c * block + k));

				mn = v < mn ? v : mn;
				mx = v > mx ? v : mx;
			}
			params_of(mn, mx, dtype, symmetric, &scale[r * scols + c],
				  &zp[r * scols + c]);
		}
	}
	/* pass 2: row-major, so the packed output is written in order */
	for (r = 0; r < rows; r++) {
		for (c = 0; c < cols; c++) {
			size_t si = axis == 0 ? (r / block) * scols + c : r * scols + c / block;
			float v = load_f32(w + 4 * (r * cols + c));
			int32_t qv = gs_quant_one(v, scale[si], zp[si], qmin, qmax);
			float d = v - (float)(qv - zp[si]) * scale[si];

			aa += (double)v * v;
			dd += (double)d * d;
			put_nibble(q, r * cols + c, qv);
		}
	}
	for (k = 0; k < srows * scols; k++)
		put_nibble(zero_point_packed, k, zp[k]);
	if (sum_aa)
		*sum_aa += aa;
	if (sum_dd)
		*sum_dd += dd;
	free(zp);
}
