/*
 * test_metrics.c - comparison metrics, classification, qdq check.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/metrics.h"
#include "graphsmith/numeric.h"

/* Deterministic generator so expected values are reproducible. */
struct rng {
	uint64_t s;
};

static double rng_uniform(struct rng *r)
{
	/* splitmix64: good from the first output even for small seeds */
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	return ((double)(z >> 11) + 0.5) * 0x1p-53;
}

static double rng_gauss(struct rng *r)
{
	double u = rng_uniform(r), v = rng_uniform(r);

	return sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

static void metrics_of(const double *a, const double *b, size_t n,
		       struct gs_metrics *m)
{
	struct gs_metrics_acc acc;

	gs_metrics_acc_init(&acc, NULL);
	gs_metrics_acc_add(&acc, a, b, n);
	gs_metrics_finish(&acc, m);
}

static void test_identical(void **state)
{
	float a[100];
	struct gs_metrics m;
	char buf[32];
	int i;

	(void)state;
	for (i = 0; i < 100; i++)
		a[i] = (float)(i - 50) * 0.25f;
	assert_int_equal(gs_metrics_compare(GS_DTYPE_FLOAT, a, GS_DTYPE_FLOAT,
					    a, 100, NULL, &m), 0);
	assert_true(m.bytes_identical);
	assert_int_equal(m.n, 100);
	assert_true(m.sqnr_defined);
	assert_true(isinf(m.sqnr_db) && m.sqnr_db > 0);
	assert_true(m.cosine == 1.0);
	assert_false(m.cosine_zero_flag);
	assert_true(m.rel_l2_defined && m.rel_l2 == 0.0);
	assert_true(m.max_abs_diff == 0 && m.rmse == 0);
	assert_true(m.p50_abs_diff == 0 && m.p99_abs_diff == 0);
	assert_int_equal(m.changed, 0);
	assert_int_equal(m.zeros_a, 1);
	assert_true(m.sparsity_a == 0.01);
	assert_int_equal(gs_metrics_classify(&m), GS_PARAM_IDENTICAL);
	gs_format_db(m.sqnr_db, m.sqnr_defined, buf, sizeof buf);
	assert_string_equal(buf, "identical");
}

static void test_reference_zero(void **state)
{
	double a[8] = { 0 }, b[8] = { 0, 1, 0, -2, 0, 0, 0, 3 };
	struct gs_metrics m;
	char buf[32];

	(void)state;
	metrics_of(a, b, 8, &m);
	assert_false(m.rel_l2_defined);
	assert_true(isnan(m.rel_l2));
	assert_false(m.sqnr_defined);
	assert_true(m.cosine == 0);
	assert_true(m.cosine_zero_flag);
	assert_int_equal(m.newly_zero, 0);
	assert_int_equal(m.changed, 3);
	assert_int_equal(gs_metrics_classify(&m), GS_PARAM_CHANGED);
	gs_format_db(m.sqnr_db, m.sqnr_defined, buf, sizeof buf);
	assert_string_equal(buf, "n/a");

	/* candidate all-zero: SQNR 0 dB, cosine flagged */
	metrics_of(b, a, 8, &m);
	assert_true(m.cosine == 0 && m.cosine_zero_flag);
	assert_true(m.sqnr_defined && fabs(m.sqnr_db) < 1e-12);
	assert_true(m.rel_l2_defined && m.rel_l2 == 1.0);
	assert_int_equal(m.newly_zero, 3);
	assert_int_equal(gs_metrics_classify(&m), GS_PARAM_PRUNED_UNSTRUCTURED);

	/* both all-zero but -0 vs +0: equal values, not bytes */
	b[0] = b[1] = b[3] = b[7] = 0;
	b[2] = -0.0;
	metrics_of(a, b, 8, &m);
	assert_true(m.cosine == 1 && !m.cosine_zero_flag);
	assert_false(m.bytes_identical);
	assert_int_equal(gs_metrics_classify(&m), GS_PARAM_EQUAL_WITHIN_TOL);
}

static void test_negated(void **state)
{
	double a[64], b[64];
	struct gs_metrics m;
	char buf[32];
	int i;

	(void)state;
	for (i = 0; i < 64; i++) {
		a[i] = sin(i + 1.0) * 3;
		b[i] = -a[i];
	}
	metrics_of(a, b, 64, &m);
	assert_true(m.cosine == -1.0);
	assert_true(m.sqnr_defined);
	assert_true(fabs(m.sqnr_db - -6.0206) < 0.01);
	assert_true(fabs(m.rel_l2 - 2.0) < 1e-12);
	assert_true(fabs(m.mean_a + m.mean_b) < 1e-15);
	gs_format_db(m.sqnr_db, m.sqnr_defined, buf, sizeof buf);
	assert_string_equal(buf, "-6.0 dB");
}

static void test_tiny_perturbation(void **state)
{
	enum { N = 5000 };
	double *a = malloc(N * sizeof *a), *b = malloc(N * sizeof *b);
	struct rng r = { 42 };
	struct gs_metrics m;
	int i;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	for (i = 0; i < N; i++) {
		a[i] = 100 + rng_gauss(&r);	/* large mean: cancellation bait */
		b[i] = a[i] * (1 + 1e-9);
	}
	metrics_of(a, b, N, &m);
	assert_true(m.s_dd > 0);
	assert_true(m.sqnr_defined);
	assert_true(fabs(m.sqnr_db - 180.0) < 0.01);
	assert_true(fabs(m.rel_l2 - 1e-9) < 1e-12);
	assert_false(m.bytes_identical);
	assert_int_equal(m.changed, 0);
	assert_int_equal(gs_metrics_classify(&m), GS_PARAM_EQUAL_WITHIN_TOL);
	free(a);
	free(b);
}

static void test_nonfinite(void **state)
{
	double a[5] = { 1, NAN, INFINITY, -INFINITY, 2 };
	double b[5] = { 1, NAN, INFINITY, -INFINITY, 2 };
	struct gs_metrics m;

	(void)state;
	metrics_of(a, b, 5, &m);
	assert_int_equal(m.n, 5);
	assert_int_equal(m.n_finite, 2);
	assert_int_equal(m.nan_a, 1);
	assert_int_equal(m.nan_b, 1);
	assert_int_equal(m.inf_a, 2);
	assert_int_equal(m.inf_b, 2);
	assert_int_equal(m.changed, 0);
	assert_int_equal(m.nonfinite_mismatch, 0);
	assert_true(m.bytes_identical);
	assert_true(isinf(m.sqnr_db));

	/* NaN payload differs: still equal under the policy */
	b[1] = -NAN;
	metrics_of(a, b, 5, &m);
	assert_int_equal(m.changed, 0);
	assert_int_equal(gs_metrics_classify(&m), GS_PARAM_EQUAL_WITHIN_TOL);

	/* opposite-signed inf and NaN vs number: mismatches */
	b[2] = -INFINITY;
	b[1] = 0;
	metrics_of(a, b, 5, &m);
	assert_int_equal(m.nonfinite_mismatch, 2);
	assert_int_equal(m.changed, 2);
	assert_int_equal(m.nan_b, 0);
	assert_int_equal(m.inf_b, 2);
	assert_int_equal(gs_metrics_classify(&m), GS_PARAM_CHANGED);
}

static int cmp_abs(const void *x, const void *y)
{
	double a = fabs(*(const double *)x), b = fabs(*(const double *)y);

	return (a > b) - (a < b);
}

static void test_pruned(void **state)
{
	enum { N = 1000 };
	double a[N], b[N], sorted[N], thr;
	struct rng r = { 7 };
	struct gs_metrics m;
	int i;

	(void)state;
	for (i = 0; i < N; i++)
		a[i] = sorted[i] = rng_gauss(&r) * 0.05;
	qsort(sorted, N, sizeof sorted[0], cmp_abs);
	thr = fabs(sorted[N / 2]);
	for (i = 0; i < N; i++)
		b[i] = fabs(a[i]) < thr ? 0 : a[i];
	metrics_of(a, b, N, &m);
	assert_int_equal(m.zeros_a, 0);
	assert_int_equal(m.zeros_b, N / 2);
	assert_true(m.sparsity_a == 0);
	assert_true(m.sparsity_b == 0.5);
	assert_int_equal(m.newly_zero, N / 2);
	assert_int_equal(m.changed, N / 2);
	assert_int_equal(m.changed_to_zero, N / 2);
	assert_int_equal(gs_metrics_classify(&m), GS_PARAM_PRUNED_UNSTRUCTURED);
	assert_true(m.max_abs_diff < thr);
	assert_true(fabs(m.max_rel_diff - 1.0) < 1e-12);

	/* one surviving weight also moved: no longer pure pruning */
	for (i = 0; i < N && b[i] == 0; i++)
		;
	b[i] += 0.01;
	metrics_of(a, b, N, &m);
	assert_int_equal(m.changed, N / 2 + 1);
	assert_int_equal(gs_metrics_classify(&m), GS_PARAM_CHANGED);
}

static void test_small_exact(void **state)
{
	double a[4] = { 1, 2, 3, 4 }, b[4] = { 1, 2.5, 3, 2 };
	struct gs_metrics m;

	(void)state;
	metrics_of(a, b, 4, &m);
	assert_true(m.max_abs_diff == 2.0);
	assert_int_equal(m.max_abs_index, 3);
	assert_true(m.max_abs_a == 4.0 && m.max_abs_b == 2.0);
	assert_true(m.mean_abs_diff == 0.625);
	assert_true(m.rmse == sqrt(4.25 / 4));
	assert_true(m.s_dd == 4.25);
	assert_true(m.s_aa == 30 && m.s_bb == 20.25 && m.s_ab == 23);
	assert_true(fabs(m.cosine - 23 / sqrt(30 * 20.25)) < 1e-15);
	assert_true(fabs(m.max_rel_diff - 0.5) < 1e-15);
	assert_true(m.mean_a == 2.5 && m.mean_b == 2.125);
	assert_int_equal(m.changed, 2);
	assert_int_equal(m.newly_zero, 0);
}

static void test_tolerance(void **state)
{
	double a[2] = { 1, 1 }, b[2] = { 1 + 1e-5, 1 };
	struct gs_metrics_opts opts;
	struct gs_metrics_acc acc;
	struct gs_metrics m;

	(void)state;
	metrics_of(a, b, 2, &m);
	assert_int_equal(m.changed, 0);
	b[0] = 1 + 2e-5;
	metrics_of(a, b, 2, &m);
	assert_int_equal(m.changed, 1);
	gs_metrics_opts_init(&opts);
	opts.rtol = 1e-4;
	gs_metrics_acc_init(&acc, &opts);
	gs_metrics_acc_add(&acc, a, b, 2);
	gs_metrics_finish(&acc, &m);
	assert_int_equal(m.changed, 0);
}

static void test_percentiles(void **state)
{
	double a[100], b[100];
	struct gs_metrics m;
	int i;

	(void)state;
	for (i = 0; i < 100; i++) {
		a[i] = 1000 + (i + 1);
		b[i] = 1000;
	}
	metrics_of(a, b, 100, &m);
	assert_true(m.p50_abs_diff == 50.0);
	assert_true(m.p99_abs_diff == 99.0);
	assert_true(m.max_abs_diff == 100.0);
	assert_int_equal(m.max_abs_index, 99);
}

#define SAME(f) assert_memory_equal(&one.f, &split.f, sizeof one.f)

static void test_chunked(void **state)
{
	enum { N = 10007 };
	static const size_t cuts[] = { 1, 2, 5, 127, 128, 129, 1000, 1023,
				       4095, 4097, 9999, N };
	double *a = malloc(N * sizeof *a), *b = malloc(N * sizeof *b);
	struct rng r = { 99 };
	struct gs_metrics_acc acc;
	struct gs_metrics one, split;
	size_t i, prev = 0;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	for (i = 0; i < N; i++) {
		a[i] = rng_gauss(&r);
		b[i] = i % 17 == 0 ? 0 : a[i] + rng_gauss(&r) * 1e-3;
	}
	a[300] = NAN;
	b[300] = NAN;
	metrics_of(a, b, N, &one);
	gs_metrics_acc_init(&acc, NULL);
	for (i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
		gs_metrics_acc_add(&acc, a + prev, b + prev, cuts[i] - prev);
		prev = cuts[i];
	}
	gs_metrics_finish(&acc, &split);
	/* bitwise equal: blocks are aligned to the global index */
	SAME(n); SAME(n_finite); SAME(s_aa); SAME(s_bb); SAME(s_ab);
	SAME(s_dd); SAME(s_ad); SAME(sum_a); SAME(sum_b);
	SAME(max_abs_diff); SAME(max_abs_index); SAME(rmse); SAME(cosine);
	SAME(sqnr_db); SAME(rel_l2); SAME(p50_abs_diff); SAME(p99_abs_diff);
	SAME(changed); SAME(newly_zero); SAME(zeros_b); SAME(nan_a);
	SAME(max_rel_diff); SAME(mean_abs_diff);
	assert_int_equal(one.n_finite, N - 1);
	assert_int_equal(one.zeros_b, (N + 16) / 17);
	free(a);
	free(b);
}

static void test_compare_dtypes(void **state)
{
	float f[5] = { 1, -2, 0.5f, 0, 65504 };
	uint16_t h[5];
	uint8_t i4a[3] = { 0x21, 0x43, 0x05 }, i4b[3] = { 0x21, 0x43, 0xf5 };
	struct gs_metrics m;
	size_t i;

	(void)state;
	for (i = 0; i < 5; i++)
		h[i] = gs_float_to_half(f[i]);
	assert_int_equal(gs_metrics_compare(GS_DTYPE_FLOAT, f,
					    GS_DTYPE_FLOAT16, h, 5, NULL, &m),
			 0);
	assert_false(m.bytes_identical);
	assert_int_equal(m.changed, 0);
	assert_int_equal(gs_metrics_classify(&m), GS_PARAM_EQUAL_WITHIN_TOL);

	/* odd int4 length: the unused tail nibble is ignored */
	assert_int_equal(gs_metrics_compare(GS_DTYPE_INT4, i4a, GS_DTYPE_INT4,
					    i4b, 5, NULL, &m), 0);
	assert_true(m.bytes_identical);
	assert_int_equal(gs_metrics_compare(GS_DTYPE_INT4, i4a, GS_DTYPE_INT4,
					    i4b, 6, NULL, &m), 0);
	assert_false(m.bytes_identical);
	assert_true(m.max_abs_diff == 1.0);	/* 0 vs -1 */

	assert_int_equal(gs_metrics_compare(GS_DTYPE_STRING, f, GS_DTYPE_FLOAT,
					    f, 5, NULL, &m), -1);
	assert_int_equal(gs_metrics_compare(GS_DTYPE_FLOAT, f,
					    GS_DTYPE_COMPLEX64, f, 2, NULL, &m),
			 -1);
}

static void test_class_names(void **state)
{
	(void)state;
	assert_string_equal(gs_param_class_name(GS_PARAM_IDENTICAL),
			    "identical");
	assert_string_equal(gs_param_class_name(GS_PARAM_EQUAL_WITHIN_TOL),
			    "equal_within_tol");
	assert_string_equal(gs_param_class_name(GS_PARAM_PRUNED_UNSTRUCTURED),
			    "pruned_unstructured");
	assert_string_equal(gs_param_class_name(GS_PARAM_CHANGED), "changed");
	assert_string_equal(gs_param_class_name(GS_PARAM_QUANTIZED),
			    "quantized");
	assert_string_equal(gs_param_class_name(GS_PARAM_PRUNED_STRUCTURED),
			    "pruned_structured");
	assert_string_equal(gs_param_class_name(GS_PARAM_SHAPE_CHANGED),
			    "shape_changed");
	assert_string_equal(gs_param_class_name(GS_PARAM_DTYPE_CHANGED),
			    "dtype_changed");
	assert_string_equal(gs_param_class_name(GS_PARAM_ADDED), "added");
	assert_string_equal(gs_param_class_name(GS_PARAM_REMOVED), "removed");
	assert_string_equal(gs_param_class_name(42), "unknown");
}

static void test_format_db(void **state)
{
	char buf[32];

	(void)state;
	gs_format_db(41.26, true, buf, sizeof buf);
	assert_string_equal(buf, "41.3 dB");
	gs_format_db(INFINITY, true, buf, sizeof buf);
	assert_string_equal(buf, "identical");
	gs_format_db(3.0, false, buf, sizeof buf);
	assert_string_equal(buf, "n/a");
	gs_format_db(12.0, true, buf, 4);
	assert_string_equal(buf, "12.");
}

static void quantize(const float *a, int8_t *q, size_t n, float scale)
{
	size_t i;

	for (i = 0; i < n; i++) {
		float v = nearbyintf(a[i] / scale);

		q[i] = (int8_t)(v > 127 ? 127 : v < -128 ? -128 : v);
	}
}

static void test_qdq_per_tensor(void **state)
{
	enum { N = 4096 };
	float a[N], scale, amax = 0, scale2;
	int8_t q[N];
	struct rng r = { 2024 };
	struct gs_qdq_report rep;
	double aa = 0, dd = 0, ref;
	size_t i;

	(void)state;
	for (i = 0; i < N; i++) {
		a[i] = (float)rng_gauss(&r);
		if (fabsf(a[i]) > amax)
			amax = fabsf(a[i]);
	}
	scale = amax / 127;
	quantize(a, q, N, scale);
	for (i = 0; i < N; i++) {
		double e = a[i] - (double)q[i] * scale;

		aa += (double)a[i] * a[i];
		dd += e * e;
	}
	ref = 10 * log10(aa / dd);

	assert_int_equal(gs_qdq_check(a, q, GS_DTYPE_INT8, &scale, NULL,
				      1, 1, N, &rep, NULL), 0);
	assert_int_equal(rep.n, N);
	assert_true(rep.err_over_half_scale <= 1 + 1e-6);
	assert_true(rep.err_over_half_scale > 0.99);	/* it does measure */
	assert_int_equal(rep.saturated, 0);
	assert_true(rep.sqnr_defined);
	assert_true(fabs(rep.sqnr_db - ref) < 1e-9);
	assert_true(fabs(rep.sqnr_db - 41.15) < 0.1);	/* ~s^2/12 noise */
	assert_true(rep.worst_channel_defined);
	assert_int_equal(rep.worst_channel, 0);
	assert_true(rep.worst_channel_sqnr_db == rep.sqnr_db);

	/* wrong scale: dequantized values are twice too large */
	scale2 = scale * 2;
	assert_int_equal(gs_qdq_check(a, q, GS_DTYPE_INT8, &scale2, NULL,
				      1, 1, N, &rep, NULL), 0);
	assert_true(rep.err_over_half_scale > 1);
	assert_true(rep.sqnr_db < 1);

	/* scale too small: clipping shows up as saturation, not error */
	scale2 = scale / 2;
	quantize(a, q, N, scale2);
	assert_int_equal(gs_qdq_check(a, q, GS_DTYPE_INT8, &scale2, NULL,
				      N, 1, 1, &rep, NULL), 0);
	assert_true(rep.saturated > 0);
	assert_true(rep.saturated_frac == (double)rep.saturated / N);
	assert_true(rep.err_over_half_scale <= 1 + 1e-6);
	assert_true(rep.sqnr_db < ref);

	assert_int_equal(gs_qdq_check(a, q, GS_DTYPE_FLOAT, &scale, NULL,
				      1, 1, N, &rep, NULL), -1);
}

static void test_qdq_per_channel(void **state)
{
	enum { C = 4, K = 256 };
	/* layout [outer=2, channels=C, inner=K/2]: channel stride K/2 */
	float a[2 * C * (K / 2)], scale[C];
	uint8_t q[2 * C * (K / 2)];
	int32_t zp[C] = { 128, 100, 128, 140 };
	double ch[C];
	struct rng r = { 5 };
	struct gs_qdq_report rep;
	size_t o, c, i, idx;

	(void)state;
	for (c = 0; c < C; c++)
		scale[c] = c == 2 ? 0.2f : 0.01f;	/* channel 2 coarse */
	for (o = 0, idx = 0; o < 2; o++) {
		for (c = 0; c < C; c++) {
			for (i = 0; i < K / 2; i++, idx++) {
				float v;

				a[idx] = (float)rng_gauss(&r) * 0.3f;
				v = nearbyintf(a[idx] / scale[c]) + zp[c];
				q[idx] = (uint8_t)(v > 255 ? 255 : v < 0 ? 0 : v);
			}
		}
	}
	assert_int_equal(gs_qdq_check(a, q, GS_DTYPE_UINT8, scale, zp,
				      2, C, K / 2, &rep, ch), 0);
	assert_int_equal(rep.n, 2 * C * (K / 2));
	assert_true(rep.err_over_half_scale <= 1 + 1e-6);
	assert_int_equal(rep.worst_channel, 2);
	assert_true(rep.worst_channel_sqnr_db == ch[2]);
	for (c = 0; c < C; c++) {
		if (c != 2)
			assert_true(ch[c] > ch[2] + 20);
	}

	/* corrupt one element of channel 1 in the second outer block */
	idx = (1 * C + 1) * (K / 2) + 3;
	q[idx] = (uint8_t)(q[idx] + 5);
	assert_int_equal(gs_qdq_check(a, q, GS_DTYPE_UINT8, scale, zp,
				      2, C, K / 2, &rep, NULL), 0);
	assert_int_equal(rep.err_index, idx);
	assert_true(rep.err_over_half_scale > 8 && rep.err_over_half_scale < 12);

	/* a bad scale is counted and skipped, not fatal */
	scale[3] = 0;
	assert_int_equal(gs_qdq_check(a, q, GS_DTYPE_UINT8, scale, zp,
				      2, C, K / 2, &rep, NULL), 0);
	assert_int_equal(rep.bad_scale_channels, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identical),
		cmocka_unit_test(test_reference_zero),
		cmocka_unit_test(test_negated),
		cmocka_unit_test(test_tiny_perturbation),
		cmocka_unit_test(test_nonfinite),
		cmocka_unit_test(test_pruned),
		cmocka_unit_test(test_small_exact),
		cmocka_unit_test(test_tolerance),
		cmocka_unit_test(test_percentiles),
		cmocka_unit_test(test_chunked),
		cmocka_unit_test(test_compare_dtypes),
		cmocka_unit_test(test_class_names),
		cmocka_unit_test(test_format_db),
		cmocka_unit_test(test_qdq_per_tensor),
		cmocka_unit_test(test_qdq_per_channel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
