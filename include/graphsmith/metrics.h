/*
 * metrics.h - per-parameter comparison metrics (A = reference, B = candidate).
 *
 * Everything is accumulated in double in one pass.  Sums use fixed blocks of
 * GS_METRICS_BLOCK elements, aligned to the global element index, combined
 * with compensated (Neumaier) addition, so the result is bitwise the same no
 * matter how the caller splits the stream into chunks.
 */
#ifndef GRAPHSMITH_METRICS_H
#define GRAPHSMITH_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GS_METRICS_ATOL_DEFAULT 1e-6
#define GS_METRICS_RTOL_DEFAULT 1e-5
#define GS_METRICS_HIST_BINS 64
#define GS_METRICS_BLOCK 128

struct gs_metrics_opts {
	double atol;	/* element changed iff |a-b| > atol + rtol*|a| */
	double rtol;
};

/* Fills in the defaults. */
void gs_metrics_opts_init(struct gs_metrics_opts *opts);

/* Compensated sum: value = hi + lo, plus the open block. */
struct gs_ksum {
	double hi, lo, block;
};

enum {
	GS_SUM_AA, GS_SUM_BB, GS_SUM_AB, GS_SUM_DD, GS_SUM_AD, GS_SUM_A,
	GS_SUM_B, GS_SUM_COUNT_
};

/* Opaque in spirit: callers only init/add/finish it. */
struct gs_metrics_acc {
	struct gs_metrics_opts opts;
	size_t n;		/* elements seen (all) */
	size_t n_finite;	/* pairs where both finite */
	struct gs_ksum sum[GS_SUM_COUNT_];
	double max_abs;
	size_t max_index;
	double max_a, max_b;
	bool have_max;
	double max_rel;
	size_t zeros_a, zeros_b, newly_zero, changed, changed_to_zero;
	size_t nan_a, nan_b, inf_a, inf_b, nonfinite_mismatch;
	size_t bitwise_equal;
	uint64_t hist[GS_METRICS_HIST_BINS];
	double hist_min[GS_METRICS_HIST_BINS];
	double hist_max[GS_METRICS_HIST_BINS];
};

struct gs_metrics {
	size_t n;		/* all elements */
	size_t n_finite;	/* pairs with both a and b finite */
	bool bytes_identical;

	/* Over finite pairs; max index is flat, first occurrence wins. */
	double max_abs_diff;
	size_t max_abs_index;
	double max_abs_a, max_abs_b;
	double mean_abs_diff;	/* S_ad / n_finite */
	double rmse;		/* sqrt(S_dd / n_finite) */
	double rel_l2;		/* sqrt(S_dd / S_aa); NAN if !rel_l2_defined */
	bool rel_l2_defined;	/* false: reference all-zero */
	double cosine;		/* clamped to [-1, 1] */
	bool cosine_zero_flag;	/* exactly one side all-zero (cosine = 0) */
	double sqnr_db;		/* 10 log10(S_aa/S_dd); +inf when S_dd == 0 */
	bool sqnr_defined;	/* false: S_aa == 0 and S_dd > 0 */
	double max_rel_diff;	/* max |a-b| / (|a| + 2.22e-16) */
	double p50_abs_diff;	/* histogram estimates, within [0, max] */
	double p99_abs_diff;
	double mean_a, mean_b;	/* over finite pairs */

	size_t zeros_a, zeros_b;
	double sparsity_a, sparsity_b;	/* zeros / n */
	size_t newly_zero;	/* a != 0 && b == 0 */
	size_t changed;		/* outside tolerance, incl. non-finite mismatches */
	size_t changed_to_zero;	/* changed elements with b == 0 */
	size_t nan_a, nan_b, inf_a, inf_b;
	size_t nonfinite_mismatch;	/* non-finite on either side, not equal */

	/* Raw sums, so callers can aggregate over several tensors. */
	double s_aa, s_bb, s_ab, s_dd, s_ad, sum_a, sum_b;
};

void gs_metrics_acc_init(struct gs_metrics_acc *acc,
			 const struct gs_metrics_opts *opts);
/* Feed the next n elements of both tensors (flat order). */
void gs_metrics_acc_add(struct gs_metrics_acc *acc, const double *a,
			const double *b, size_t n);
/*
 * Derive the metrics.  bytes_identical is set when every decoded pair was
 * bitwise equal (as doubles); gs_metrics_compare overrides it with a real
 * byte comparison.  The accumulator is not modified.
 */
void gs_metrics_finish(const struct gs_metrics_acc *acc,
		       struct gs_metrics *out);

/*
 * Decode two dense little-endian buffers of n elements in chunks and
 * compare them.  opts may be NULL.  Returns 0, or -1 if either dtype can't
 * be decoded (string, complex, unknown).
 */
int gs_metrics_compare(int dtype_a, const void *a, int dtype_b, const void *b,
		       size_t n, const struct gs_metrics_opts *opts,
		       struct gs_metrics *out);

enum gs_param_class {
	GS_PARAM_IDENTICAL = 0,
	GS_PARAM_EQUAL_WITHIN_TOL,
	GS_PARAM_PRUNED_UNSTRUCTURED,
	GS_PARAM_CHANGED,
	/* The rest are only ever set by callers. */
	GS_PARAM_QUANTIZED,
	GS_PARAM_PRUNED_STRUCTURED,
	GS_PARAM_SHAPE_CHANGED,
	GS_PARAM_DTYPE_CHANGED,
	GS_PARAM_ADDED,
	GS_PARAM_REMOVED,
	GS_PARAM_CLASS_COUNT_
};

const char *gs_param_class_name(int cls);	/* "unknown" if out of range */
int gs_metrics_classify(const struct gs_metrics *m);

/*
 * Quantization check: a (float reference) against q (INT8, UINT8, INT16,
 * UINT16, INT4 or UINT4, dense little-endian) dequantized as
 * (q - zp[c]) * scale[c].  Layout is [outer, channels, inner] flattened, so
 * channel c = (i / inner) % channels; per-tensor is channels == 1.
 * zero_point may be NULL (all zero).
 */
struct gs_qdq_report {
	size_t n;
	/* max over unsaturated elements of |a - deq| / (scale/2) */
	double err_over_half_scale;
	size_t err_index;
	/* saturated: q at its range limit and a beyond that limit by more
	 * than half a step, i.e. clipping, not rounding, made the error */
	size_t saturated;
	double saturated_frac;
	double sqnr_db;			/* whole tensor; +inf if exact */
	bool sqnr_defined;
	double worst_channel_sqnr_db;	/* lowest defined channel SQNR */
	size_t worst_channel;
	bool worst_channel_defined;
	size_t bad_scale_channels;	/* scale <= 0 or not finite: no err */
	size_t nonfinite;		/* non-finite a values, skipped */
};

/*
 * Returns 0; -1 on unsupported q dtype, zero-sized layout or allocation
 * failure.  channel_sqnr_db (length channels) may be NULL; undefined
 * channels (all-zero reference, non-zero error) get NAN.
 */
int gs_qdq_check(const float *a, const void *q, int q_dtype,
		 const float *scale, const int32_t *zero_point,
		 size_t outer, size_t channels, size_t inner,
		 struct gs_qdq_report *out, double *channel_sqnr_db);

/* "identical" for +inf, "n/a" when !defined, else "%.1f dB". */
void gs_format_db(double db, bool defined, char *buf, size_t len);

#endif
