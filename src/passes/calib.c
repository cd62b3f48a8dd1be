/*
 * The arithmetic of onnxruntime's calibrators (graphsmith/calib.h):
 * running extremes, numpy-compatible histograms, and the percentile and
 * entropy (KL) thresholds of calibrate.py's HistogramCollector.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/calib.h"
#include "graphsmith/error.h"

void gs_calib_opts_init(struct gs_calib_opts *o, enum gs_calib_method method)
{
	memset(o, 0, sizeof(*o));
	o->method = method;
	o->percentile = 99.999;
	o->num_bins = method == GS_CALIB_PERCENTILE ? 2048 : 128;
	o->num_quantized_bins = 128;
	o->symmetric = method == GS_CALIB_PERCENTILE;
}

const char *gs_calib_describe(const struct gs_calib_opts *o, char *buf, size_t len)
{
	switch (o->method) {
	case GS_CALIB_MINMAX:
		snprintf(buf, len, "minmax");
		break;
	case GS_CALIB_PERCENTILE:
		snprintf(buf, len, "percentile %g (%d bins)", o->percentile, o->num_bins);
		break;
	case GS_CALIB_ENTROPY:
		snprintf(buf, len, "entropy (%d bins)", o->num_bins);
		break;
	}
	return buf;
}

void gs_calib_stats_add(struct gs_calib_stats *s, const float *x, size_t n)
{
	float mn = s->seen ? s->min : INFINITY, mx = s->seen ? s->max : -INFINITY;
	float amn = s->seen ? s->amin : INFINITY, amx = s->seen ? s->amax : -INFINITY;
	size_t i;

	for (i = 0; i < n; i++) {
		float v = x[i], a = fabsf(v);

		if (isnan(v))
			continue;
		mn = v < mn ? v : mn;
		mx = v > mx ? v : mx;
		amn = a < amn ? a : amn;
		amx = a > amx ? a : amx;
		s->count++;
	}
	if (!s->count)
		return;
	s->seen = true;
	s->min = mn;
	s->max = mx;
	s->amin = amn;
	s->amax = amx;
}

/* numpy.linspace(first, last, nbins + 1) in float64, cast to float32 */
static void linspace(float *edges, int nbins, float first, float last)
{
	double start = first, step = ((double)last - start) / nbins;
	int i;

	for (i = 0; i < nbins; i++)
		edges[i] = (float)((double)i * step + start);
	edges[nbins] = last;
}

void gs_calib_hist_init(struct gs_calib_hist *h, const struct gs_calib_opts *o,
			const struct gs_calib_stats *s)
{
	float first, last;

	memset(h, 0, sizeof(*h));
	h->nbins = o->num_bins > 0 ? o->num_bins : 128;
	h->absolute = o->method == GS_CALIB_PERCENTILE && o->symmetric;
	h->counts = gs_xcalloc((size_t)h->nbins, sizeof(*h->counts));
	h->edges = gs_xmalloc(((size_t)h->nbins + 1) * sizeof(*h->edges));
	if (h->absolute) {
		/* np.histogram(|x|, bins): the data's own range */
		first = s->seen ? s->amin : 0;
		last = s->seen ? s->amax : 1;
	} else {
		float t = s->seen ? fmaxf(fabsf(s->min), fabsf(s->max)) : 0;

		first = -t;
		last = t;
	}
	if (first == last) {
		/* numpy widens an empty range by a half on each side */
		first = (float)((double)first - 0.5);
		last = (float)((double)last + 0.5);
	}
	linspace(h->edges, h->nbins, first, last);
}

void gs_calib_hist_add(struct gs_calib_hist *h, const float *x, size_t n)
{
	const float first = h->edges[0], last = h->edges[h->nbins];
	const float denom = last - first, nb = (float)h->nbins;
	size_t i;

	for (i = 0; i < n; i++) {
		float v = h->absolute ? fabsf(x[i]) : x[i];
		volatile float f;	/* float32 steps, as numpy computes them */
		long k;

		if (!(v >= first && v <= last))
			continue;	/* outside, or NaN: numpy drops it */
		f = (v - first) / denom;
		f = f * nb;
		k = (long)f;
		if (k == h->nbins)
			k--;
		if (v < h->edges[k])
			k--;
		else if (k != h->nbins - 1 && v >= h->edges[k + 1])
			k++;
		h->counts[k]++;
	}
}

void gs_calib_hist_release(struct gs_calib_hist *h)
{
	free(h->counts);
	free(h->edges);
	memset(h, 0, sizeof(*h));
}

/* calibrate.py's compute_percentile */
static void percentile(const struct gs_calib_opts *o, const struct gs_calib_hist *h,
		       float *lo, float *hi)
{
	double total = 0, cdf = 0, p = o->percentile / 100.0;
	double cut = (100.0 - o->percentile) / 200.0;
	int i, left = -1, right = -1;

	for (i = 0; i < h->nbins; i++)
		total += (double)h->counts[i];
	/* np.searchsorted(np.cumsum(hist / total), q): the first i with
	 * cdf[i] >= q, or nbins when none */
	for (i = 0; i < h->nbins; i++) {
		cdf += (double)h->counts[i] / total;
		if (o->symmetric) {
			if (right < 0 && cdf >= p)
				right = i;
		} else {
			if (left < 0 && cdf >= cut)
				left = i;
			if (right < 0 && cdf >= 1.0 - cut)
				right = i;
		}
	}
	if (right < 0)
		right = h->nbins;
	if (left < 0)
		left = h->nbins;
	if (o->symmetric) {
		*lo = -h->edges[right];
		*hi = h->edges[right];
	} else {
		*lo = h->edges[left];
		*hi = h->edges[right];
	}
}

/* calibrate.py's smooth_distribution, in float32: NULL-like -1 when every
 * bin is zero or eps1 would reach 1 */
static int smooth(const int64_t *p, int n, float *out)
{
	const double eps = 0.0001;
	int i, zeros = 0;
	float eps_zero, eps_nonzero;

	for (i = 0; i < n; i++)
		zeros += p[i] == 0;
	if (zeros == n)
		return -1;
	if (eps * zeros / (n - zeros) >= 1.0)
		return -1;
	eps_zero = (float)eps;
	eps_nonzero = (float)(-(eps * zeros / (n - zeros)));
	for (i = 0; i < n; i++) {
		out[i] = (float)p[i] + (p[i] ? eps_nonzero : eps_zero);
		if (out[i] <= 0)
			return -1;
	}
	return 0;
}

/* scipy.stats.entropy(p, q): both normalised, sum p log(p / q) */
static double kl(const float *p, const float *q, int n)
{
	double sp = 0, sq = 0, s = 0;
	int i;

	for (i = 0; i < n; i++) {
		sp += p[i];
		sq += q[i];
	}
	for (i = 0; i < n; i++) {
		float pi = (float)(p[i] / sp), qi = (float)(q[i] / sq);

		if (pi > 0)
			s += (double)pi * log((double)pi / qi);
	}
	return s;
}

/* calibrate.py's get_entropy_threshold, loop for loop */
static void entropy(const struct gs_calib_opts *o, const struct gs_calib_hist *h,
		    float *lo, float *hi)
{
	int nb = h->nbins, zero = nb / 2, nq = o->num_quantized_bins, half = nq / 2;
	int i, j, best = -1;
	double best_kl = INFINITY;
	int64_t *p = gs_xmalloc((size_t)nb * sizeof(*p)), *q = gs_xmalloc((size_t)nb * sizeof(*q));
	int64_t *qbins = gs_xmalloc((size_t)nq * sizeof(*qbins));
	float *ps = gs_xmalloc((size_t)nb * sizeof(*ps)), *qs = gs_xmalloc((size_t)nb * sizeof(*qs));

	*lo = h->edges[0];
	*hi = h->edges[nb];
	for (i = half; i <= zero; i++) {
		int start = zero - i, end = zero + i + 1 <= nb ? zero + i + 1 : nb;
		int len = end - start, merged = len / nq;
		int64_t outl = 0, outr = 0;
		double d;

		if (start < 0)
			break;
		for (j = 0; j < start; j++)
			outl += h->counts[j];
		for (j = end; j < nb; j++)
			outr += h->counts[j];
		memcpy(p, h->counts + start, (size_t)len * sizeof(*p));
		p[0] += outl;
		p[len - 1] += outr;
		/* the window (not p) merged into nq groups, the rest into the last */
		for (j = 0; j < nq; j++) {
			int k;

			qbins[j] = 0;
			for (k = j * merged; k < (j + 1) * merged; k++)
				qbins[j] += h->counts[start + k];
		}
		for (j = nq * merged; j < len; j++)
			qbins[nq - 1] += h->counts[start + j];
		/* expanded back: each group's total divided by the count of
		 * its bins non-zero in p, stored (truncated, ORT's array is
		 * int64) in every bin of the group, as calibrate.py does */
		memset(q, 0, (size_t)len * sizeof(*q));
		for (j = 0; j < nq; j++) {
			int k, norm = 0;

			for (k = j * merged; k < (j + 1) * merged; k++)
				norm += p[k] != 0;
			if (norm)
				for (k = j * merged; k < (j + 1) * merged; k++)
					q[k] = (int64_t)((double)qbins[j] / norm);
		}
		if (smooth(p, len, ps) || smooth(q, len, qs))
			d = INFINITY;
		else
			d = (float)kl(ps, qs, len);
		if (best < 0 || d < best_kl) {
			best = i;
			best_kl = d;
			*lo = h->edges[start];
			*hi = h->edges[end];
		}
	}
	free(p);
	free(q);
	free(qbins);
	free(ps);
	free(qs);
}

void gs_calib_range(const struct gs_calib_opts *o, const struct gs_calib_stats *s,
		    const struct gs_calib_hist *h, float *lo, float *hi)
{
	if (!s->seen) {
		*lo = *hi = 0;
		return;
	}
	*lo = s->min;
	*hi = s->max;
	if (o->method == GS_CALIB_MINMAX || !h || !h->counts)
		return;
	if (o->method == GS_CALIB_PERCENTILE)
		percentile(o, h, lo, hi);
	else
		entropy(o, h, lo, hi);
	if (*lo < s->min)
		*lo = s->min;
	if (*hi > s->max)
		*hi = s->max;
}

/* numpy.round: half to even */
static double round_even(double v)
{
	double r = nearbyint(v);

	return r;
}

void gs_calib_scale_zp(float rmin, float rmax, int32_t qmin, int32_t qmax, bool symmetric,
		       float *scale, int32_t *zero_point)
{
	double s, z;

	rmin = rmin < 0 ? rmin : 0;
	rmax = rmax > 0 ? rmax : 0;
	if (symmetric) {
		float a = fmaxf(fabsf(rmin), fabsf(rmax));

		rmin = -a;
		rmax = a;
	}
	s = (double)(float)(rmax - rmin) / ((double)qmax - (double)qmin);
	if (!(s >= FLT_MIN)) {
		*scale = 1.0f;
		*zero_point = 0;
		return;
	}
	if (symmetric)
		z = round_even((qmin + qmax) / 2.0);
	else
		z = round_even((double)qmin - (double)rmin / s);
	z = z < qmin ? qmin : z > qmax ? qmax : z;
	*zero_point = (int32_t)z;
	*scale = (float)s;
}
