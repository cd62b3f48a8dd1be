/*
 * metrics.c - per-parameter comparison metrics and quantization checks.
 */
#include "graphsmith/metrics.h"
#include "graphsmith/numeric.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Chunk size for gs_metrics_compare; two buffers live on the stack. */
#define COMPARE_CHUNK 1024

/* Histogram bin 0 is exact zero; bin k >= 1 holds ilogb(d) == k - HIST_OFF. */
#define HIST_OFF 41

#define REL_EPS 2.22e-16

void gs_metrics_opts_init(struct gs_metrics_opts *opts)
{
	opts->atol = GS_METRICS_ATOL_DEFAULT;
	opts->rtol = GS_METRICS_RTOL_DEFAULT;
}

void gs_metrics_acc_init(struct gs_metrics_acc *acc,
			 const struct gs_metrics_opts *opts)
{
	memset(acc, 0, sizeof *acc);
	if (opts != NULL)
		acc->opts = *opts;
	else
		gs_metrics_opts_init(&acc->opts);
}

/* Neumaier's variant of Kahan: also right when x outweighs the sum. */
static void ksum_push(struct gs_ksum *s, double x)
{
	double t = s->hi + x;

	if (fabs(s->hi) >= fabs(x))
		s->lo += (s->hi - t) + x;
	else
		s->lo += (x - t) + s->hi;
	s->hi = t;
}

static double ksum_value(const struct gs_ksum *s)
{
	struct gs_ksum tmp = *s;

	ksum_push(&tmp, tmp.block);
	return tmp.hi + tmp.lo;
}

static int hist_bin(double d)
{
	int e;

	if (d == 0)
		return 0;
	e = ilogb(d) + HIST_OFF;
	if (e < 1)
		return 1;
	if (e >= GS_METRICS_HIST_BINS)
		return GS_METRICS_HIST_BINS - 1;
	return e;
}

static void add_finite(struct gs_metrics_acc *acc, double a, double b)
{
	double d = a - b;
	double ad = fabs(d);
	double rel;
	int bin;

	acc->n_finite++;
	acc->sum[GS_SUM_AA].block += a * a;
	acc->sum[GS_SUM_BB].block += b * b;
	acc->sum[GS_SUM_AB].block += a * b;
	/* Accumulated directly: S_aa + S_bb - 2 S_ab would cancel. */
	acc->sum[GS_SUM_DD].block += d * d;
	acc->sum[GS_SUM_AD].block += ad;
	acc->sum[GS_SUM_A].block += a;
	acc->sum[GS_SUM_B].block += b;

	if (!acc->have_max || ad > acc->max_abs) {
		acc->have_max = true;
		acc->max_abs = ad;
		acc->max_index = acc->n;
		acc->max_a = a;
		acc->max_b = b;
	}
	rel = ad / (fabs(a) + REL_EPS);
	if (rel > acc->max_rel)
		acc->max_rel = rel;
	if (ad > acc->opts.atol + acc->opts.rtol * fabs(a)) {
		acc->changed++;
		if (b == 0)
			acc->changed_to_zero++;
	}

	bin = hist_bin(ad);
	if (acc->hist[bin] == 0 || ad < acc->hist_min[bin])
		acc->hist_min[bin] = ad;
	if (acc->hist[bin] == 0 || ad > acc->hist_max[bin])
		acc->hist_max[bin] = ad;
	acc->hist[bin]++;
}

void gs_metrics_acc_add(struct gs_metrics_acc *acc, const double *a,
			const double *b, size_t n)
{
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		double x = a[i], y = b[i];
		bool fx = isfinite(x), fy = isfinite(y);

		if (isnan(x))
			acc->nan_a++;
		else if (!fx)
			acc->inf_a++;
		if (isnan(y))
			acc->nan_b++;
		else if (!fy)
			acc->inf_b++;
		if (x == 0)
			acc->zeros_a++;
		if (y == 0)
			acc->zeros_b++;
		if (x != 0 && y == 0)
			acc->newly_zero++;
		if (memcmp(&x, &y, sizeof x) == 0)
			acc->bitwise_equal++;

		if (fx && fy) {
			add_finite(acc, x, y);
		} else if (!(isnan(x) && isnan(y)) && x != y) {
			/* Same-position NaN or same-signed inf is "equal". */
			acc->nonfinite_mismatch++;
			acc->changed++;
			if (y == 0)
				acc->changed_to_zero++;
		}

		acc->n++;
		/* Blocks follow the global index so chunking can't matter. */
		if (acc->n % GS_METRICS_BLOCK == 0) {
			for (k = 0; k < GS_SUM_COUNT_; k++) {
				ksum_push(&acc->sum[k], acc->sum[k].block);
				acc->sum[k].block = 0;
			}
		}
	}
}

/* Rank-based estimate; linear inside the bin between its min and max. */
static double hist_quantile(const struct gs_metrics_acc *acc, double q)
{
	uint64_t rank, cum = 0;
	int k;

	if (acc->n_finite == 0)
		return 0;
	rank = (uint64_t)ceil(q * (double)acc->n_finite);
	if (rank < 1)
		rank = 1;
	if (rank > acc->n_finite)
		rank = acc->n_finite;
	for (k = 0; k < GS_METRICS_HIST_BINS; k++) {
		uint64_t c = acc->hist[k];

		if (c == 0)
			continue;
		if (cum + c >= rank) {
			double lo = acc->hist_min[k], hi = acc->hist_max[k];
			uint64_t j = rank - cum - 1;

			if (c == 1)
				return lo;
			return lo + (hi - lo) * ((double)j / (double)(c - 1));
		}
		cum += c;
	}
	return acc->max_abs;
}

void gs_metrics_finish(const struct gs_metrics_acc *acc,
		       struct gs_metrics *out)
{
	double s_aa, s_bb, s_ab, s_dd;
	double nf = (double)acc->n_finite;

	memset(out, 0, sizeof *out);
	out->n = acc->n;
	out->n_finite = acc->n_finite;
	out->bytes_identical = acc->bitwise_equal == acc->n;

	s_aa = out->s_aa = ksum_value(&acc->sum[GS_SUM_AA]);
	s_bb = out->s_bb = ksum_value(&acc->sum[GS_SUM_BB]);
	s_ab = out->s_ab = ksum_value(&acc->sum[GS_SUM_AB]);
	s_dd = out->s_dd = ksum_value(&acc->sum[GS_SUM_DD]);
	out->s_ad = ksum_value(&acc->sum[GS_SUM_AD]);
	out->sum_a = ksum_value(&acc->sum[GS_SUM_A]);
	out->sum_b = ksum_value(&acc->sum[GS_SUM_B]);

	out->max_abs_diff = acc->max_abs;
	out->max_abs_index = acc->max_index;
	out->max_abs_a = acc->max_a;
	out->max_abs_b = acc->max_b;
	out->max_rel_diff = acc->max_rel;
	if (acc->n_finite > 0) {
		out->mean_abs_diff = out->s_ad / nf;
		out->rmse = sqrt(s_dd / nf);
		out->mean_a = out->sum_a / nf;
		out->mean_b = out->sum_b / nf;
	}

	if (s_aa > 0) {
		out->rel_l2 = sqrt(s_dd / s_aa);
		out->rel_l2_defined = true;
	} else {
		out->rel_l2 = NAN;
	}

	if (s_aa > 0 && s_bb > 0) {
		double prod = s_aa * s_bb, c;

		/* One root keeps b = -a at exactly -1; split on overflow. */
		if (isfinite(prod) && prod >= 0x1p-1000)
			c = s_ab / sqrt(prod);
		else
			c = s_ab / (sqrt(s_aa) * sqrt(s_bb));

		out->cosine = c > 1 ? 1 : c < -1 ? -1 : c;
	} else if (s_aa == 0 && s_bb == 0) {
		out->cosine = acc->nonfinite_mismatch == 0 ? 1 : 0;
	} else {
		out->cosine = 0;
		out->cosine_zero_flag = true;
	}

	if (s_dd == 0) {
		out->sqnr_db = INFINITY;
		out->sqnr_defined = true;
	} else if (s_aa == 0) {
		out->sqnr_db = NAN;
	} else {
		/* Difference of logs: S_aa/S_dd can overflow for tiny S_dd. */
		out->sqnr_db = 10 * (log10(s_aa) - log10(s_dd));
		out->sqnr_defined = true;
	}

	out->p50_abs_diff = hist_quantile(acc, 0.50);
	out->p99_abs_diff = hist_quantile(acc, 0.99);

	out->zeros_a = acc->zeros_a;
	out->zeros_b = acc->zeros_b;
	if (acc->n > 0) {
		out->sparsity_a = (double)acc->zeros_a / (double)acc->n;
		out->sparsity_b = (double)acc->zeros_b / (double)acc->n;
	}
	out->newly_zero = acc->newly_zero;
	out->changed = acc->changed;
	out->changed_to_zero = acc->changed_to_zero;
	out->nan_a = acc->nan_a;
	out->nan_b = acc->nan_b;
	out->inf_a = acc->inf_a;
	out->inf_b = acc->inf_b;
	out->nonfinite_mismatch = acc->nonfinite_mismatch;
}

static bool buffers_identical(int dtype, const void *a, const void *b, size_t n)
{
	const uint8_t *pa = a, *pb = b;
	size_t bytes;

	if (gs_dtype_bits(dtype) == 4) {
		/* Ignore the unused high nibble of an odd-length tail. */
		if (memcmp(pa, pb, n / 2) != 0)
			return false;
		return !(n & 1) || ((pa[n / 2] ^ pb[n / 2]) & 0x0f) == 0;
	}
	bytes = gs_dtype_storage_bytes(dtype, n);
	return bytes == 0 || memcmp(pa, pb, bytes) == 0;
}

int gs_metrics_compare(int dtype_a, const void *a, int dtype_b, const void *b,
		       size_t n, const struct gs_metrics_opts *opts,
		       struct gs_metrics *out)
{
	struct gs_metrics_acc acc;
	double da[COMPARE_CHUNK], db[COMPARE_CHUNK];
	size_t off;

	if (gs_decode_to_double(dtype_a, a, 0, 0, da) < 0 ||
	    gs_decode_to_double(dtype_b, b, 0, 0, db) < 0)
		return -1;
	gs_metrics_acc_init(&acc, opts);
	for (off = 0; off < n; off += COMPARE_CHUNK) {
		size_t len = n - off < COMPARE_CHUNK ? n - off : COMPARE_CHUNK;

		gs_decode_to_double(dtype_a, a, off, len, da);
		gs_decode_to_double(dtype_b, b, off, len, db);
		gs_metrics_acc_add(&acc, da, db, len);
	}
	gs_metrics_finish(&acc, out);
	if (dtype_a != dtype_b)
		out->bytes_identical = false;
	else
		out->bytes_identical = buffers_identical(dtype_a, a, b, n);
	return 0;
}

static const char *const class_names[GS_PARAM_CLASS_COUNT_] = {
	[GS_PARAM_IDENTICAL] = "identical",
	[GS_PARAM_EQUAL_WITHIN_TOL] = "equal_within_tol",
	[GS_PARAM_PRUNED_UNSTRUCTURED] = "pruned_unstructured",
	[GS_PARAM_CHANGED] = "changed",
	[GS_PARAM_QUANTIZED] = "quantized",
	[GS_PARAM_PRUNED_STRUCTURED] = "pruned_structured",
	[GS_PARAM_SHAPE_CHANGED] = "shape_changed",
	[GS_PARAM_DTYPE_CHANGED] = "dtype_changed",
	[GS_PARAM_ADDED] = "added",
	[GS_PARAM_REMOVED] = "removed",
};

const char *gs_param_class_name(int cls)
{
	if (cls < 0 || cls >= GS_PARAM_CLASS_COUNT_)
		return "unknown";
	return class_names[cls];
}

int gs_metrics_classify(const struct gs_metrics *m)
{
	if (m->bytes_identical)
		return GS_PARAM_IDENTICAL;
	if (m->changed == 0)
		return GS_PARAM_EQUAL_WITHIN_TOL;
	/* Every out-of-tolerance element went to zero: pruning. */
	if (m->changed_to_zero == m->changed)
		return GS_PARAM_PRUNED_UNSTRUCTURED;
	return GS_PARAM_CHANGED;
}

static int q_range(int dtype, int32_t *qmin, int32_t *qmax)
{
	switch (dtype) {
	case GS_DTYPE_INT8: *qmin = -128; *qmax = 127; return 0;
	case GS_DTYPE_UINT8: *qmin = 0; *qmax = 255; return 0;
	case GS_DTYPE_INT16: *qmin = -32768; *qmax = 32767; return 0;
	case GS_DTYPE_UINT16: *qmin = 0; *qmax = 65535; return 0;
	case GS_DTYPE_INT4: *qmin = -8; *qmax = 7; return 0;
	case GS_DTYPE_UINT4: *qmin = 0; *qmax = 15; return 0;
	default: return -1;
	}
}

static int32_t q_get(int dtype, const void *q, size_t i)
{
	const uint8_t *p = q;

	switch (dtype) {
	case GS_DTYPE_INT8: return (int8_t)p[i];
	case GS_DTYPE_UINT8: return p[i];
	case GS_DTYPE_INT16: return (int16_t)(p[2 * i] | (p[2 * i + 1] << 8));
	case GS_DTYPE_UINT16: return p[2 * i] | (p[2 * i + 1] << 8);
	case GS_DTYPE_INT4: return gs_int4_get(q, i);
	default: return gs_uint4_get(q, i);
	}
}

static double sqnr_of(double aa, double dd, bool *defined)
{
	*defined = true;
	if (dd == 0)
		return INFINITY;
	if (aa == 0) {
		*defined = false;
		return NAN;
	}
	return 10 * (log10(aa) - log10(dd));
}

int gs_qdq_check(const float *a, const void *q, int q_dtype,
		 const float *scale, const int32_t *zero_point,
		 size_t outer, size_t channels, size_t inner,
		 struct gs_qdq_report *out, double *channel_sqnr_db)
{
	int32_t qmin, qmax;
	double *ch_aa, *ch_dd, tot_aa = 0, tot_dd = 0;
	size_t o, c, i, idx = 0;

	memset(out, 0, sizeof *out);
	if (q_range(q_dtype, &qmin, &qmax) < 0 || channels == 0)
		return -1;
	ch_aa = calloc(channels * 2, sizeof *ch_aa);
	if (ch_aa == NULL)
		return -1;
	ch_dd = ch_aa + channels;

	for (c = 0; c < channels; c++) {
		if (!(isfinite(scale[c]) && scale[c] > 0))
			out->bad_scale_channels++;
	}
	for (o = 0; o < outer; o++) {
		for (c = 0; c < channels; c++) {
			double s = scale[c];
			int32_t zp = zero_point ? zero_point[c] : 0;
			bool good = isfinite(s) && s > 0;
			/* Beyond these, the exact quantization would clip. */
			double hi_edge = ((double)qmax - zp + 0.5) * s;
			double lo_edge = ((double)qmin - zp - 0.5) * s;

			for (i = 0; i < inner; i++, idx++) {
				double av = a[idx], err, r;
				int32_t qv;

				if (!isfinite(av)) {
					out->nonfinite++;
					continue;
				}
				qv = q_get(q_dtype, q, idx);
				err = av - ((double)qv - zp) * s;
				ch_aa[c] += av * av;
				ch_dd[c] += err * err;
				if (!good)
					continue;
				if ((qv == qmax && av > hi_edge) ||
				    (qv == qmin && av < lo_edge)) {
					out->saturated++;
					continue;
				}
				r = fabs(err) / (s / 2);
				if (r > out->err_over_half_scale) {
					out->err_over_half_scale = r;
					out->err_index = idx;
				}
			}
		}
	}
	out->n = idx;
	if (idx > 0)
		out->saturated_frac = (double)out->saturated / (double)idx;

	for (c = 0; c < channels; c++) {
		bool def;
		double db = sqnr_of(ch_aa[c], ch_dd[c], &def);

		tot_aa += ch_aa[c];
		tot_dd += ch_dd[c];
		if (channel_sqnr_db != NULL)
			channel_sqnr_db[c] = db;
		if (def && (!out->worst_channel_defined ||
			    db < out->worst_channel_sqnr_db)) {
			out->worst_channel_defined = true;
			out->worst_channel_sqnr_db = db;
			out->worst_channel = c;
		}
	}
	out->sqnr_db = sqnr_of(tot_aa, tot_dd, &out->sqnr_defined);
	free(ch_aa);
	return 0;
}

void gs_format_db(double db, bool defined, char *buf, size_t len)
{
	if (len == 0)
		return;
	if (!defined || isnan(db))
		snprintf(buf, len, "n/a");
	else if (isinf(db) && db > 0)
		snprintf(buf, len, "identical");
	else
		snprintf(buf, len, "%.1f dB", db);
}
