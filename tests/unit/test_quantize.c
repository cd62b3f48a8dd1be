/* The quantize pass: its arithmetic (scales, rounding, saturation, int4
 * packing) checked against exact values and against gs_qdq_check, and the
 * pass on a model built in memory. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "graphsmith/metrics.h"
#include "graphsmith/pass.h"
#include "graphsmith/quantize.h"

static void test_round_half_even(void **state)
{
	(void)state;
	assert_int_equal(gs_quant_one(2.5f, 1, 0, -128, 127), 2);
	assert_int_equal(gs_quant_one(3.5f, 1, 0, -128, 127), 4);
	assert_int_equal(gs_quant_one(-2.5f, 1, 0, -128, 127), -2);
	assert_int_equal(gs_quant_one(0.5f, 1, 0, -128, 127), 0);
	assert_int_equal(gs_quant_one(1.5f, 1, 0, -128, 127), 2);
	assert_int_equal(gs_quant_one(-0.5f, 1, 0, -128, 127), 0);
	assert_int_equal(gs_quant_one(0.75f, 0.5f, 10, 0, 255), 12);	/* 1.5 -> 2, +10 */
	assert_int_equal(gs_quant_one(2.6f, 1, 0, -128, 127), 3);
}

static void test_saturation(void **state)
{
	(void)state;
	assert_int_equal(gs_quant_one(1000.0f, 1, 0, -128, 127), 127);
	assert_int_equal(gs_quant_one(-1000.0f, 1, 0, -128, 127), -128);
	assert_int_equal(gs_quant_one(300.0f, 1, 128, 0, 255), 255);
	assert_int_equal(gs_quant_one(-300.0f, 1, 128, 0, 255), 0);
	assert_int_equal(gs_quant_one(127.5f, 1, 0, -128, 127), 127);
	assert_int_equal(gs_quant_one(-128.5f, 1, 0, -128, 127), -128);
	assert_int_equal(gs_quant_one(100.0f, 1, 0, -8, 7), 7);
	assert_int_equal(gs_quant_one(-100.0f, 1, 0, -8, 7), -8);
	assert_int_equal(gs_quant_one(INFINITY, 1, 0, -128, 127), 127);
}

/* [outer=1, channels=3, inner=4]: scale = max|w| / 127 per channel */
static void test_per_channel_sym(void **state)
{
	static const float w[12] = {
		0.5f, -1.27f, 0.25f, 0,		/* max 1.27 */
		0, 0, 0, 0,			/* all zero: scale 1 */
		2.54f, -0.1f, 1, -2,		/* max 2.54 */
	};
	float scale[3];
	int32_t zp[3];
	int8_t q[12];
	double aa = 0, dd = 0;

	(void)state;
	gs_quant_params(w, 1, 3, 4, GS_DTYPE_INT8, true, scale, zp);
	assert_float_equal(scale[0], 1.27f / 127, 1e-9);
	assert_float_equal(scale[1], 1.0f, 0);
	assert_float_equal(scale[2], 2.54f / 127, 1e-9);
	assert_int_equal(zp[0], 0);
	assert_int_equal(zp[1], 0);
	assert_int_equal(zp[2], 0);
	gs_quant_apply(w, 1, 3, 4, GS_DTYPE_INT8, scale, zp, q, &aa, &dd);
	assert_int_equal(q[0], 50);
	assert_int_equal(q[1], -127);
	assert_int_equal(q[2], 25);
	assert_int_equal(q[4], 0);
	assert_int_equal(q[8], 127);
	assert_int_equal(q[9], -5);
	assert_int_equal(q[10], 50);
	assert_int_equal(q[11], -100);
	assert_true(aa > 0);
	assert_true(dd < aa * 1e-4);
}

/* [outer=2, channels=2, inner=1]: a [K=2, N=2] MatMul weight, axis 1 */
static void test_per_channel_last_axis_asym(void **state)
{
	static const float w[4] = { -1, 0.5f, 3, 0.125f };
	float scale[2];
	int32_t zp[2];
	uint8_t q[4];

	(void)state;
	gs_quant_params(w, 2, 2, 1, GS_DTYPE_UINT8, false, scale, zp);
	/* column 0: [-1, 3] onto [0, 255]; column 1: [0, 0.5] (0 included) */
	assert_float_equal(scale[0], 4.0f / 255, 1e-9);
	assert_int_equal(zp[0], 64);			/* round(63.75) */
	assert_float_equal(scale[1], 0.5f / 255, 1e-9);
	assert_int_equal(zp[1], 0);
	gs_quant_apply(w, 2, 2, 1, GS_DTYPE_UINT8, scale, zp, q, NULL, NULL);
	assert_int_equal(q[0], 0);			/* -63.75 + 64 -> 0 */
	assert_int_equal(q[1], 255);
	assert_int_equal(q[2], 255);			/* 191.25 + 64, saturated */
	assert_int_equal(q[3], 64);			/* 63.75 */
}

static void test_uint8_sym(void **state)
{
	static const float w[2] = { -2.54f, 1.0f };
	float scale;
	int32_t zp;
	uint8_t q[2];

	(void)state;
	gs_quant_params(w, 1, 1, 2, GS_DTYPE_UINT8, true, &scale, &zp);
	assert_int_equal(zp, 128);
	assert_float_equal(scale, 2.54f / 127, 1e-9);
	gs_quant_apply(w, 1, 1, 2, GS_DTYPE_UINT8, &scale, &zp, q, NULL, NULL);
	assert_int_equal(q[0], 1);
	assert_int_equal(q[1], 178);
}

static void test_int4_blocks(void **state)
{
	/* [K=4, N=1], blocks of 2 down K: scales 0.25 and 0.5 */
	static const float w[4] = { 1.75f, -1.75f, 1.25f, 3.5f };
	/* [N=1, K=4], blocks along the row: the same numbers */
	float scale[2];
	uint8_t zp[1] = { 0xff }, q[2] = { 0, 0 };
	double aa = 0, dd = 0;

	(void)state;
	gs_quant_blocks(w, 4, 1, 0, 2, GS_DTYPE_INT4, true, scale, zp, q, &aa, &dd);
	assert_float_equal(scale[0], 0.25f, 0);
	assert_float_equal(scale[1], 0.5f, 0);
	assert_int_equal(q[0], 0x97);		/* 7, -7 (0x9): low nibble first */
	assert_int_equal(q[1], 0x72);		/* 2 (2.5 to even), 7 */
	assert_int_equal(zp[0], 0x00);
	assert_int_equal(gs_int4_get(q, 1), -7);
	assert_int_equal(gs_int4_get(q, 2), 2);

	memset(q, 0, sizeof(q));
	gs_quant_blocks(w, 1, 4, 1, 2, GS_DTYPE_INT4, true, scale, zp, q, NULL, NULL);
	assert_float_equal(scale[0], 0.25f, 0);
	assert_float_equal(scale[1], 0.5f, 0);
	assert_int_equal(q[0], 0x97);
	assert_int_equal(q[1], 0x72);
}

static float lcg(uint32_t *s)
{
	*s = *s * 1664525u + 1013904223u;
	return ((float)(*s >> 8) / (float)(1u << 24)) * 2 - 1;
}

/* gs_qdq_check is an independent dequantizer: no element may be off by
 * more than half a step, and our in-pass SQNR must agree with its. */
static void check_against_qdq(int dtype, bool sym, size_t outer, size_t channels, size_t inner)
{
	size_t n = outer * channels * inner, i;
	float *w = malloc(n * sizeof(float)), *scale = malloc(channels * sizeof(float));
	int32_t *zp = malloc(channels * sizeof(int32_t));
	uint8_t *q = malloc(n);
	struct gs_qdq_report rep;
	double aa = 0, dd = 0;
	uint32_t seed = 12345;

	for (i = 0; i < n; i++)
		w[i] = lcg(&seed) * (1 + (float)((i / inner) % channels));
	w[3] = 0.5f;
	gs_quant_params(w, outer, channels, inner, dtype, sym, scale, zp);
	gs_quant_apply(w, outer, channels, inner, dtype, scale, zp, q, &aa, &dd);
	assert_int_equal(gs_qdq_check(w, q, dtype, scale, zp, outer, channels, inner, &rep, NULL), 0);
	assert_true(rep.err_over_half_scale <= 1.0 + 1e-6);
	assert_int_equal(rep.saturated, 0);
	assert_int_equal(rep.bad_scale_channels, 0);
	assert_true(rep.sqnr_defined);
	assert_true(fabs(rep.sqnr_db - 10 * log10(aa / dd)) < 0.01);
	assert_true(rep.sqnr_db > 35);
	free(w);
	free(scale);
	free(zp);
	free(q);
}

static void test_qdq_check(void **state)
{
	(void)state;
	check_against_qdq(GS_DTYPE_INT8, true, 1, 16, 27);	/* Conv, axis 0 */
	check_against_qdq(GS_DTYPE_INT8, true, 64, 24, 1);	/* MatMul [K, N], axis 1 */
	check_against_qdq(GS_DTYPE_UINT8, false, 64, 24, 1);
	check_against_qdq(GS_DTYPE_INT8, false, 8, 6, 4);	/* ConvTranspose, axis 1 */
	check_against_qdq(GS_DTYPE_UINT8, true, 1, 1, 1000);	/* per tensor */
}

/* ---- the pass on a model built here ---- */

struct built {
	struct gs_model *m;
	float *w;
	int mm, w_value;
};

static void build(struct built *b, int64_t k, int64_t n, int64_t opset)
{
	struct gs_model *m = gs_model_new();
	struct gs_graph *g = gs_graph_new(m, NULL, "g");
	int64_t dims[2] = { k, n };
	struct gs_tensor *t = gs_tensor_new(m, "w", GS_DTYPE_FLOAT, 2, dims);
	int in[2], out, i;
	uint32_t seed = 99;

	m->graph = g;
	m->opsets = gs_arena_alloc(&m->arena, sizeof(*m->opsets));
	m->opsets[0].domain = "";
	m->opsets[0].version = opset;
	m->n_opsets = 1;
	b->w = malloc((size_t)(k * n) * sizeof(float));
	for (i = 0; i < k * n; i++)
		b->w[i] = lcg(&seed);
	/* test-owned bytes: the pass must not free them */
	t->data = b->w;
	t->nbytes = (size_t)(k * n) * sizeof(float);
	t->store = GS_STORE_BORROWED;
	in[0] = gs_graph_add_value(g, "x");
	g->values[in[0]]->kind = GS_VALUE_INPUT;
	in[1] = b->w_value = gs_graph_add_value(g, "w");
	gs_graph_add_initializer(g, in[1], t);
	out = gs_graph_add_value(g, "y");
	b->mm = gs_graph_add_node(g, "MatMul", "", "mm", 2, in, 1, &out)->id;
	b->m = m;
}

static void lines(void *ctx, const char *line)
{
	(*(int *)ctx)++;
	(void)line;
}

static void test_pass_int8(void **state)
{
	struct built b;
	struct gs_quant_opts o;
	struct gs_error err;
	struct gs_graph *g;
	const struct gs_node *dq;
	const struct gs_value *in;
	int n_lines = 0;

	(void)state;
	build(&b, 64, 8, 11);
	g = b.m->graph;
	gs_quant_opts_init(&o, GS_QUANT_INT8);
	assert_int_equal(gs_quantize(b.m, &o, lines, &n_lines, &err), 1);
	/* the conversion 11 -> 13, the weight, the summary */
	assert_int_equal(n_lines, 3);
	assert_int_equal(gs_model_opset(b.m, ""), 13);	/* raised for the axis */
	in = g->values[g->nodes[b.mm]->inputs[1]];
	assert_true(in->producer >= 0);
	dq = g->nodes[in->producer];
	assert_string_equal(dq->op_type, "DequantizeLinear");
	assert_int_equal(gs_node_attr_int(dq, "axis", -1), 1);
	assert_int_equal(g->values[dq->inputs[0]]->param->dtype, GS_DTYPE_INT8);
	assert_int_equal(g->values[dq->inputs[1]]->param->numel, 8);
	assert_false(g->values[b.w_value]->is_initializer);	/* float dropped */
	gs_model_free(b.m);
	free(b.w);
}

/* The words through the pass's spec and run, as the console runs them. */
static int run_words(struct gs_model *m, int argc, char **argv, struct gs_error *err)
{
	struct gs_pass_args args;

	if (gs_pass_parse(&gs_pass_quantize, argc, argv, &args, err) < 0)
		return -2;
	return gs_pass_quantize.run(m, &args, NULL, err);
}

static void test_pass_refuses(void **state)
{
	struct built b;
	struct gs_error err;
	char cmd[] = "quantize", a0[] = "int4", a1[] = "--block", a2[] = "48", zero[] = "0",
	     bad[] = "int3", data[] = "--data=x.npz", int8[] = "int8";
	char *argv[4] = { cmd, a0, a1, a2 };
	int nodes;

	(void)state;
	build(&b, 64, 8, 13);
	nodes = b.m->graph->n_nodes;
	assert_int_equal(run_words(b.m, 4, argv, &err), -1);
	assert_non_null(strstr(err.msg, "does not divide"));
	assert_int_equal(b.m->graph->n_nodes, nodes);
	assert_int_equal(gs_model_opset(b.m, ""), 13);
	assert_true(b.m->graph->values[b.w_value]->is_initializer);
	argv[3] = zero;
	assert_int_equal(run_words(b.m, 4, argv, &err), -1);
	assert_string_equal(err.msg, "quantize: block size '0' must be a positive integer");
	argv[1] = int8;
	argv[2] = data;
	assert_int_equal(run_words(b.m, 3, argv, &err), -1);
	assert_string_equal(err.msg, "quantize int8: unexpected argument '--data=x.npz'");
	argv[1] = bad;
	assert_int_equal(run_words(b.m, 2, argv, &err), -2);
	assert_non_null(strstr(err.msg, "unknown mode 'int3'"));
	assert_int_equal(b.m->graph->n_nodes, nodes);
	gs_model_free(b.m);
	free(b.w);
}

static void test_pass_int4(void **state)
{
	struct built b;
	struct gs_quant_opts o;
	struct gs_error err;
	struct gs_graph *g;
	const struct gs_node *dq;
	const struct gs_tensor *s;

	(void)state;
	build(&b, 64, 8, 13);
	g = b.m->graph;
	gs_quant_opts_init(&o, GS_QUANT_INT4);
	o.block = 16;
	assert_int_equal(gs_quantize(b.m, &o, NULL, NULL, &err), 1);
	assert_int_equal(gs_model_opset(b.m, ""), 21);
	dq = g->nodes[g->values[g->nodes[b.mm]->inputs[1]]->producer];
	assert_int_equal(gs_node_attr_int(dq, "axis", -1), 0);
	assert_int_equal(gs_node_attr_int(dq, "block_size", -1), 16);
	s = g->values[dq->inputs[1]]->param;
	assert_int_equal(s->rank, 2);
	assert_int_equal(s->dims[0], 4);
	assert_int_equal(s->dims[1], 8);
	assert_int_equal(g->values[dq->inputs[0]]->param->nbytes, 64 * 8 / 2);
	gs_model_free(b.m);
	free(b.w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_half_even),
		cmocka_unit_test(test_saturation),
		cmocka_unit_test(test_per_channel_sym),
		cmocka_unit_test(test_per_channel_last_axis_asym),
		cmocka_unit_test(test_uint8_sym),
		cmocka_unit_test(test_int4_blocks),
		cmocka_unit_test(test_qdq_check),
		cmocka_unit_test(test_pass_int8),
		cmocka_unit_test(test_pass_refuses),
		cmocka_unit_test(test_pass_int4),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
