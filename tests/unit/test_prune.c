/*
 * The prune passes through the C API: exact per-layer sparsity, the
 * --global threshold, --only, N:M in every group along the reduction
 * axis, channel pruning shapes, and bad arguments.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixtures.h"

#include "graphsmith/onnx.h"
#include "graphsmith/prune.h"

static char fixtures[256];
static char notes[16384];

static void note(void *ctx, const char *line)
{
	strncat(notes, line, sizeof(notes) - strlen(notes) - 2);
	strcat(notes, "\n");
}

static struct gs_model *load(const char *name)
{
	struct gs_error err;
	struct gs_model *m;
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", fixtures, name);
	m = gs_onnx_load(path, NULL, &err);
	if (!m)
		fail_msg("%s", err.msg);
	notes[0] = 0;
	return m;
}

static struct gs_tensor *param(struct gs_model *m, const char *name)
{
	int id = gs_graph_find_value(m->graph, name);

	assert_true(id >= 0);
	assert_non_null(m->graph->values[id]->param);
	return m->graph->values[id]->param;
}

static float *floats(const struct gs_tensor *t)
{
	float *f = malloc((size_t)t->numel * 4);

	assert_int_equal(t->dtype, GS_DTYPE_FLOAT);
	memcpy(f, t->data, (size_t)t->numel * 4);
	return f;
}

static int64_t zeros(const struct gs_tensor *t)
{
	float *f = floats(t);
	int64_t i, z = 0;

	for (i = 0; i < t->numel; i++)
		z += f[i] == 0.0f;
	free(f);
	return z;
}

static const char *const weights[] = { "c1.w", "c2.w", "dw.w", "gc.w", "fc1.w", "fc2.w", NULL };

static void test_magnitude_per_layer(void **state)
{
	struct gs_model *m = load("cnn_groups.onnx");
	float *before[8];
	struct gs_prune_result r;
	struct gs_error err;
	int i;

	for (i = 0; weights[i]; i++)
		before[i] = floats(param(m, weights[i]));
	assert_int_equal(gs_prune_magnitude(m, 0.3, NULL, &r, &err), 0);
	assert_int_equal(r.layers, 6);
	for (i = 0; weights[i]; i++) {
		const struct gs_tensor *t = param(m, weights[i]);
		float *after = floats(t), hi = 0, lo = INFINITY;
		int64_t k;

		assert_int_equal(zeros(t), (int64_t)floor((double)t->numel * 0.3));
		/* what went was no larger than what stayed */
		for (k = 0; k < t->numel; k++) {
			float a = fabsf(before[i][k]);

			if (after[k] == 0.0f)
				hi = a > hi ? a : hi;
			else
				lo = a < lo ? a : lo;
			assert_true(after[k] == 0.0f || after[k] == before[i][k]);
		}
		assert_true(hi <= lo);
		free(after);
		free(before[i]);
	}
	gs_model_free(m);
}

static void test_magnitude_global(void **state)
{
	struct gs_model *m = load("cnn_groups.onnx");
	struct gs_prune_opts o = { .global = true };
	struct gs_error err;
	float *before[8], hi = 0, lo = INFINITY;
	int64_t total = 0, z = 0;
	int i, differs = 0;

	for (i = 0; weights[i]; i++)
		before[i] = floats(param(m, weights[i]));
	assert_int_equal(gs_prune_magnitude(m, 0.5, &o, NULL, &err), 0);
	for (i = 0; weights[i]; i++) {
		const struct gs_tensor *t = param(m, weights[i]);
		float *after = floats(t);
		int64_t k, zl = zeros(t);

		total += t->numel;
		z += zl;
		differs += zl != t->numel / 2;
		for (k = 0; k < t->numel; k++) {
			float a = fabsf(before[i][k]);

			if (after[k] == 0.0f)
				hi = a > hi ? a : hi;
			else
				lo = a < lo ? a : lo;
		}
		free(after);
		free(before[i]);
	}
	assert_int_equal(z, total / 2);
	assert_true(hi <= lo);		/* one threshold across layers */
	assert_true(differs > 0);	/* and layers end up unequal */
	gs_model_free(m);
}

static void test_only(void **state)
{
	struct gs_model *m = load("cnn_groups.onnx");
	struct gs_prune_opts o = { .only = "fc*" };
	struct gs_prune_result r;
	struct gs_error err;

	assert_int_equal(gs_prune_magnitude(m, 0.5, &o, &r, &err), 0);
	assert_int_equal(r.layers, 2);
	assert_int_equal(zeros(param(m, "fc1.w")), 12 * 32 / 2);
	assert_int_equal(zeros(param(m, "fc2.w")), 12 * 10 / 2);
	assert_int_equal(zeros(param(m, "c1.w")), 0);
	gs_model_free(m);
}

/* Every group of `group` along the reduction axis has at most n non-zero,
 * and those are the largest of the group. */
static void check_nm(const float *before, const float *after, int64_t rows, int64_t len,
		     int64_t row_stride, int64_t step, int n, int group)
{
	int64_t r, c;
	int i;

	for (r = 0; r < rows; r++) {
		for (c = 0; c < len; c += group) {
			float lo = INFINITY, hi = 0;
			int nz = 0;

			for (i = 0; i < group; i++) {
				int64_t at = r * row_stride + (c + i) * step;
				float a = fabsf(before[at]);

				if (after[at] != 0.0f) {
					nz++;
					lo = a < lo ? a : lo;
				} else {
					hi = a > hi ? a : hi;
				}
			}
			assert_int_equal(nz, n);
			assert_true(hi <= lo);
		}
	}
}

static void test_nm(void **state)
{
	struct gs_model *m = load("mlp.onnx"), *c;
	float *b1 = floats(param(m, "m1.w")), *b2 = floats(param(m, "g.w")), *a1, *a2;
	float *b3, *b4, *a3, *a4;
	struct gs_error err;

	assert_int_equal(gs_prune_nm(m, 2, 4, NULL, NULL, &err), 0);
	a1 = floats(param(m, "m1.w"));
	a2 = floats(param(m, "g.w"));
	/* MatMul [K=256, N=128] and Gemm transB=0 [K=128, N=64]: along K */
	check_nm(b1, a1, 128, 256, 1, 128, 2, 4);
	check_nm(b2, a2, 64, 128, 1, 64, 2, 4);
	free(a1);
	free(a2);
	free(b1);
	free(b2);
	gs_model_free(m);

	c = load("cnn_groups.onnx");
	b3 = floats(param(c, "fc1.w"));
	b4 = floats(param(c, "c2.w"));
	{
		struct gs_prune_opts o = { .note = note };

		assert_int_equal(gs_prune_nm(c, 1, 4, &o, NULL, &err), 0);
	}
	a3 = floats(param(c, "fc1.w"));
	a4 = floats(param(c, "c2.w"));
	/* Gemm transB=1 [N=12, K=32]: rows contiguous; Conv: a filter row */
	check_nm(b3, a3, 12, 32, 32, 1, 1, 4);
	check_nm(b4, a4, 32, 16 * 9, 16 * 9, 1, 1, 4);
	/* 3*3*3 = 27 and 1*3*3 = 9 are not multiples of 4 */
	assert_int_equal(zeros(param(c, "c1.w")), 0);
	assert_int_equal(zeros(param(c, "dw.w")), 0);
	assert_non_null(strstr(notes, "skipped 'c1.w': reduction length 27 is not a multiple of 4"));
	free(a3);
	free(a4);
	free(b3);
	free(b4);
	gs_model_free(c);
}

static void assert_dims(const struct gs_tensor *t, int rank, const int64_t *dims)
{
	int i;

	assert_int_equal(t->rank, rank);
	for (i = 0; i < rank; i++)
		assert_int_equal(t->dims[i], dims[i]);
	assert_int_equal(t->nbytes, (size_t)t->numel * 4);
}

static void assert_value_dim(struct gs_model *m, const char *name, int axis, int64_t n)
{
	const struct gs_value *v = m->graph->values[gs_graph_find_value(m->graph, name)];

	assert_true(v->rank > axis);
	assert_int_equal(v->dims[axis].value, n);
}

static void test_channels(void **state)
{
	struct gs_model *m = load("cnn_groups.onnx");
	struct gs_prune_opts o = { .note = note };
	struct gs_prune_result r;
	struct gs_error err;
	float *w = floats(param(m, "c1.w")), *after;
	double l1[16];
	int i, k, kept = 0;

	for (i = 0; i < 16; i++)
		for (l1[i] = 0, k = 0; k < 27; k++)
			l1[i] += fabs(w[i * 27 + k]);
	assert_int_equal(gs_prune_channels(m, 0.25, &o, &r, &err), 0);
	assert_int_equal(r.layers, 2);
	assert_int_equal(r.removed, 4 + 3);
	assert_dims(param(m, "c1.w"), 4, (int64_t[]){ 12, 3, 3, 3 });
	assert_dims(param(m, "c1.b"), 1, (int64_t[]){ 12 });
	assert_dims(param(m, "bn.v"), 1, (int64_t[]){ 12 });
	assert_dims(param(m, "c2.w"), 4, (int64_t[]){ 32, 12, 3, 3 });
	assert_dims(param(m, "fc1.w"), 2, (int64_t[]){ 9, 32 });
	assert_dims(param(m, "fc1.b"), 1, (int64_t[]){ 9 });
	assert_dims(param(m, "fc2.w"), 2, (int64_t[]){ 9, 10 });
	assert_value_dim(m, "r1", 1, 12);
	assert_value_dim(m, "r3", 1, 9);
	/* the kept filters are the 12 of largest L1, in their order */
	after = floats(param(m, "c1.w"));
	for (i = 0; i < 16; i++) {
		int smaller = 0;

		for (k = 0; k < 16; k++)
			smaller += l1[k] < l1[i];
		if (smaller >= 4) {
			assert_memory_equal(&after[kept * 27], &w[i * 27], 27 * 4);
			kept++;
		}
	}
	assert_int_equal(kept, 12);
	assert_non_null(strstr(notes, "left Conv 'conv2' alone: its channels feed grouped Conv 'depthwise'"));
	assert_non_null(strstr(notes, "left Gemm 'fc2' alone: its channels reach the graph output 'y'"));
	assert_non_null(strstr(notes, "  tensor 'c2.w' axis 1: [32,16,3,3] -> [32,12,3,3]"));
	assert_non_null(strstr(notes, "  value 'bn': [1,16,8,8] -> [1,12,8,8]"));
	free(after);
	free(w);
	gs_model_free(m);
}

static void test_channels_residual(void **state)
{
	struct gs_model *m = load("residual.onnx");
	struct gs_prune_opts o = { .note = note };
	struct gs_prune_result r;
	struct gs_error err;

	assert_int_equal(gs_prune_channels(m, 0.5, &o, &r, &err), 0);
	assert_int_equal(r.layers, 0);
	assert_int_equal(r.skipped, 3);
	assert_non_null(strstr(notes, "left Conv 'conv_a' alone: its channels feed Add 'residual' (a residual it cannot follow)"));
	assert_non_null(strstr(notes, "left Conv 'conv_b' alone: its channels feed Add 'residual'"));
	assert_dims(param(m, "a.w"), 4, (int64_t[]){ 8, 3, 3, 3 });
	gs_model_free(m);
}

static void test_bad_arguments(void **state)
{
	struct gs_error err;
	double d;
	int n, k;

	assert_int_equal(gs_prune_parse_sparsity("1.5", &d, &err), -1);
	assert_string_equal(err.msg, "bad sparsity '1.5': expected a number in [0, 1)");
	assert_int_equal(gs_prune_parse_sparsity("-0.1", &d, &err), -1);
	assert_int_equal(gs_prune_parse_sparsity("half", &d, &err), -1);
	assert_int_equal(gs_prune_parse_sparsity("0.25", &d, &err), 0);
	assert_true(d == 0.25);
	assert_int_equal(gs_prune_parse_nm("2:3:4", &n, &k, &err), -1);
	assert_string_equal(err.msg, "bad pattern '2:3:4': expected N:M such as 2:4");
	assert_int_equal(gs_prune_parse_nm("3:2", &n, &k, &err), -1);
	assert_string_equal(err.msg, "bad pattern '3:2': need 1 <= N <= M <= 1024");
	assert_int_equal(gs_prune_parse_nm("0:4", &n, &k, &err), -1);
	assert_int_equal(gs_prune_parse_nm("2:4", &n, &k, &err), 0);
	assert_int_equal(n * 10 + k, 24);
	assert_int_equal(gs_prune_parse_ratio("1", &d, &err), -1);
	assert_string_equal(err.msg, "bad ratio '1': expected a number in (0, 1)");
	assert_int_equal(gs_prune_parse_ratio("0", &d, &err), -1);
}

static int setup(void **state)
{
	return fixture_make(fixtures, sizeof(fixtures), "prune", "tests/fixtures/gen_prune.py");
}

static int teardown(void **state)
{
	return fixture_remove(fixtures);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_magnitude_per_layer),
		cmocka_unit_test(test_magnitude_global),
		cmocka_unit_test(test_only),
		cmocka_unit_test(test_nm),
		cmocka_unit_test(test_channels),
		cmocka_unit_test(test_channels_residual),
		cmocka_unit_test(test_bad_arguments),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
