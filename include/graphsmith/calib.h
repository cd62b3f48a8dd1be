/*
 * calib.h - activation ranges from data, the way onnxruntime's calibrators
 * (onnxruntime/python/tools/quantization/calibrate.py) compute them:
 *
 *   minmax       the global min and max of the tensor over all samples.
 *   percentile   a histogram (default 2048 bins) of |x| over [min|x|,
 *                max|x|] (symmetric, ORT's default) or of x over [-t, t];
 *                the edge where the CDF reaches p/100 (default 99.999).
 *   entropy      a histogram (default 128 bins) of x over [-t, t],
 *                t = max|x|; the window around the zero bin whose
 *                128-bin quantization has the least KL divergence.
 *
 * ORT collects every batch's activations and histograms them once, over
 * the global range; we stream instead, in two passes over the data: the
 * first finds each tensor's min, max and min/max of |x|, the second fills
 * histograms laid out over those global ranges - the same histogram ORT
 * builds, without holding any activation.  Bin indices follow
 * numpy.histogram (float32 arithmetic, then a correction against the
 * edges), edges numpy.linspace (float64, rounded to float32).
 */
#ifndef GRAPHSMITH_CALIB_H
#define GRAPHSMITH_CALIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum gs_calib_method {
	GS_CALIB_MINMAX,
	GS_CALIB_PERCENTILE,
	GS_CALIB_ENTROPY,
};

struct gs_calib_opts {
	enum gs_calib_method method;
	double percentile;		/* percentile: default 99.999 */
	int num_bins;			/* 0: 2048 (percentile), 128 (entropy) */
	int num_quantized_bins;		/* entropy: default 128 */
	bool symmetric;			/* percentile: |x| histogram (default) */
};

void gs_calib_opts_init(struct gs_calib_opts *o, enum gs_calib_method method);
/* "minmax", "percentile 99.999 (2048 bins)", "entropy (128 bins)" */
const char *gs_calib_describe(const struct gs_calib_opts *o, char *buf, size_t len);

/* What one tensor showed over the first pass. */
struct gs_calib_stats {
	bool seen;
	float min, max;			/* of x */
	float amin, amax;		/* of |x| */
	int64_t count;			/* elements, NaN excluded */
};

void gs_calib_stats_add(struct gs_calib_stats *s, const float *x, size_t n);

struct gs_calib_hist {
	int nbins;
	int64_t *counts;
	float *edges;			/* nbins + 1 */
	bool absolute;			/* counts of |x| */
};

/* A histogram laid out for the method over the ranges of s (as numpy's
 * np.histogram(x, nbins, range=(-t, t)), or of |x| without a range). */
void gs_calib_hist_init(struct gs_calib_hist *h, const struct gs_calib_opts *o,
			const struct gs_calib_stats *s);
void gs_calib_hist_add(struct gs_calib_hist *h, const float *x, size_t n);
void gs_calib_hist_release(struct gs_calib_hist *h);

/* The range [*lo, *hi] the method gives (clamped to the observed min and
 * max as ORT does).  h is unused for minmax. */
void gs_calib_range(const struct gs_calib_opts *o, const struct gs_calib_stats *s,
		    const struct gs_calib_hist *h, float *lo, float *hi);

/* onnxruntime's compute_scale_zp: the range widened to hold 0, scale in
 * float64 then float32, zero point round-half-even; symmetric ranges get
 * the middle of [qmin, qmax].  A range narrower than FLT_MIN gives scale 1,
 * zero point 0. */
void gs_calib_scale_zp(float rmin, float rmax, int32_t qmin, int32_t qmax, bool symmetric,
		       float *scale, int32_t *zero_point);

#endif
