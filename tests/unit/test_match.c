/* Unit tests of the compatibility engine's pieces: hashing, LIS, families,
 * and small in-memory graphs for fusion and rename invariance. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "match/internal.h"

static void test_lis(void **state)
{
	static const int seq[] = { 3, 1, 4, 1, 5, 9, 2, 6 };
	int keep[8], len, k, last = -1, cnt = 0;

	(void)state;
	len = gs_match_align_lis(seq, 8, keep);
	assert_int_equal(len, 4);	/* e.g. 1 4 5 9 or 1 4 5 6 */
	for (k = 0; k < 8; k++)
		if (keep[k]) {
			assert_true(seq[k] > last);
			last = seq[k];
			cnt++;
		}
	assert_int_equal(cnt, 4);
	assert_int_equal(gs_match_align_lis(seq, 0, keep), 0);
}

static void test_hash_floats(void **state)
{
	double a = 1e-5, b = 9.99999974e-06, z = 0.0, nz = -0.0, c = 1.1e-5;
	int64_t i1[2] = { 1, 2 }, i2[2] = { 2, 1 };

	(void)state;
	/* exporters write the same float32 in two spellings */
	assert_true(gs_match_hash_floats(&a, 1) == gs_match_hash_floats(&b, 1));
	assert_true(gs_match_hash_floats(&z, 1) == gs_match_hash_floats(&nz, 1));
	assert_true(gs_match_hash_floats(&a, 1) != gs_match_hash_floats(&c, 1));
	assert_true(gs_match_hash_ints(i1, 2) != gs_match_hash_ints(i2, 2));
	assert_true(gs_match_hash_ints(i1, 1) != gs_match_hash_ints(i1, 2));
}

static void test_family(void **state)
{
	(void)state;
	assert_true(gs_match_family_of("Gemm") == gs_match_family_of("MatMul"));
	assert_true(gs_match_family_of("Conv") == gs_match_family_of("QLinearConv"));
	assert_true(gs_match_family_of("Relu") != gs_match_family_of("Gemm"));
	assert_true(gs_match_family_of("Sigmoid") != gs_match_family_of("Relu"));
	assert_true(gs_match_op_commutative("Add") && gs_match_op_commutative("Mul"));
	assert_false(gs_match_op_commutative("Sub") || gs_match_op_commutative("MatMul") ||
		     gs_match_op_commutative("Concat"));
}

/* gs_match_op_id() bisects the list of ops.h: it must stay in strcmp order. */
static void test_op_ids(void **state)
{
	int id;

	(void)state;
	for (id = OP_NONE + 1; id < OP_COUNT_; id++) {
		if (id > OP_NONE + 1)
			assert_true(strcmp(gs_match_op_name(id - 1), gs_match_op_name(id)) < 0);
		assert_int_equal(gs_match_op_id(gs_match_op_name(id)), id);
	}
	assert_int_equal(gs_match_op_id("Gemm"), OP_Gemm);
	assert_int_equal(gs_match_op_id("NoSuchOp"), OP_NONE);
	assert_int_equal(gs_match_op_id(""), OP_NONE);
	assert_null(gs_match_op_name(OP_NONE));
}

static struct gs_tensor *tensor(struct gs_model *m, const char *name, int rank,
				const int64_t *dims, const float *vals)
{
	struct gs_tensor *t = gs_tensor_new(m, name, GS_DTYPE_FLOAT, rank, dims);
	size_t n = (size_t)gs_dims_numel(rank, dims);
	float *data = malloc(n * sizeof(float));

	memcpy(data, vals, n * sizeof(float));
	t->data = data;
	t->nbytes = n * sizeof(float);
	t->store = GS_STORE_HEAP;
	return t;
}

/*
 * gemm == false: x -> Relu -> Identity -> MatMul(W[4,3]) -> Add(bias) -> y
 * gemm == true:  x -> Relu -> Gemm(W^T[3,4], bias, transB=1) -> y
 * prefix renames every node and tensor.
 */
static struct gs_model *model(bool gemm, const char *p)
{
	struct gs_model *m = gs_model_new();
	struct gs_graph *g = gs_graph_new(m, NULL, "t");
	static const int64_t wd[2] = { 4, 3 }, wtd[2] = { 3, 4 }, bd[1] = { 3 };
	float w[12], wt[12], bias[3] = { 0.5f, -1, 2 };
	int x, r, i1, wv, bv, mm, y, in[3], out[1], k;
	char name[64];

	for (k = 0; k < 12; k++) {
		w[k] = (float)k * 0.25f - 1;
		wt[(k % 3) * 4 + k / 3] = w[k];
	}
	m->graph = g;
	m->producer_name = m->producer_version = "";
	m->n_opsets = 1;
	m->opsets = gs_arena_alloc(&m->arena, sizeof(*m->opsets));
	m->opsets[0].domain = "";
	m->opsets[0].version = 17;
#define NAME(s) (snprintf(name, sizeof(name), "%s%s", p, s), gs_arena_strdup(&m->arena, name))
	x = gs_graph_add_value(g, NAME("x"));
	g->values[x]->kind = GS_VALUE_INPUT;
	g->values[x]->dtype = GS_DTYPE_FLOAT;
	g->inputs = gs_arena_alloc(&m->arena, sizeof(int));
	g->inputs[0] = x;
	g->n_inputs = 1;
	wv = gs_graph_add_value(g, NAME("W"));
	gs_graph_add_initializer(g, wv, tensor(m, NAME("W"), 2, gemm ? wtd : wd, gemm ? wt : w));
	bv = gs_graph_add_value(g, NAME("B"));
	gs_graph_add_initializer(g, bv, tensor(m, NAME("B"), 1, bd, bias));
	r = gs_graph_add_value(g, NAME("r"));
	y = gs_graph_add_value(g, NAME("y"));
	in[0] = x;
	out[0] = r;
	gs_graph_add_node(g, "Relu", "", NAME("relu"), 1, in, 1, out);
	if (gemm) {
		struct gs_node *n;

		in[0] = r; in[1] = wv; in[2] = bv; out[0] = y;
		n = gs_graph_add_node(g, "Gemm", "", NAME("gemm"), 3, in, 1, out);
		gs_node_add_attr(m, n, "transB", GS_ATTR_INT)->i = 1;
	} else {
		i1 = gs_graph_add_value(g, NAME("i"));
		mm = gs_graph_add_value(g, NAME("mm"));
		in[0] = r; out[0] = i1;
		gs_graph_add_node(g, "Identity", "", NAME("id"), 1, in, 1, out);
		in[0] = i1; in[1] = wv; out[0] = mm;
		gs_graph_add_node(g, "MatMul", "", NAME("matmul"), 2, in, 1, out);
		in[0] = bv; in[1] = mm; out[0] = y;	/* commutative operands swapped */
		gs_graph_add_node(g, "Add", "", NAME("add"), 2, in, 1, out);
	}
#undef NAME
	gs_graph_set_outputs(g, 1, &y);
	gs_graph_toposort(g, NULL);
	return m;
}

/* The streamed report is the tree report, field for field. */
static void same_as_stream(const struct gs_match *m, json_t *j)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	json_t *back;

	assert_non_null(f);
	assert_int_equal(gs_match_write_json(m, f), 0);
	fclose(f);
	back = json_loads(buf, 0, NULL);
	assert_non_null(back);
	assert_true(json_equal(back, j));
	json_decref(back);
	free(buf);
}

static void test_matmul_add_gemm(void **state)
{
	struct gs_model *a = model(false, ""), *b = model(true, "other_");
	struct gs_match *m;
	struct gs_error err;
	int i, fused = 0;

	(void)state;
	m = gs_match_models(a, b, NULL, &err);
	assert_non_null(m);
	assert_int_equal(m->summary.count[GS_MATCH_ADDED], 0);
	assert_int_equal(m->summary.count[GS_MATCH_REMOVED], 0);
	assert_int_equal(m->summary.count[GS_MATCH_CHANGED], 0);
	/* {MatMul, Add} -> {Gemm}, and {Relu, Identity} -> {Relu} */
	assert_int_equal(m->summary.count[GS_MATCH_FUSED], 2);
	for (i = 0; i < m->n_entries; i++)
		if (m->entries[i].pattern && !strcmp(m->entries[i].pattern, "MatMul+Add")) {
			assert_int_equal(m->entries[i].n_a, 2);
			assert_int_equal(m->entries[i].n_b, 1);
			fused++;
		}
	assert_int_equal(fused, 1);
	assert_int_equal(m->n_params, 2);
	for (i = 0; i < m->n_params; i++)
		assert_int_equal(m->params[i].cls, GS_PARAM_IDENTICAL);
	assert_non_null(strstr(m->params[0].note, "transpose"));
	assert_int_equal(m->n_edges, 0);
	assert_false(m->verdict.identical);
	assert_true(m->verdict.structure);
	{
		json_t *j = gs_match_json(m);

		same_as_stream(m, j);
		json_decref(j);
	}
	gs_match_free(m);
	gs_model_free(a);
	gs_model_free(b);
}

static void test_renamed_identical(void **state)
{
	struct gs_model *a = model(false, ""), *b = model(false, "zz/");
	struct gs_match *m;
	struct gs_error err;
	json_t *j;

	(void)state;
	m = gs_match_models(a, b, NULL, &err);
	assert_non_null(m);
	/* every node matched, but the renamed model inputs/outputs are an io
	 * difference for runtimes that feed by name */
	assert_true(m->verdict.structure && m->verdict.parameters);
	assert_false(m->verdict.io);
	assert_false(m->verdict.identical);
	for (int i = 0; i < m->n_io; i++)
		assert_true(m->io[i].renamed && strstr(m->io[i].text, " renamed "));
	assert_int_equal(m->summary.count[GS_MATCH_MATCHED], m->n_entries);
	j = gs_match_json(m);
	assert_non_null(json_object_get(j, "verdict"));
	assert_true(json_is_false(json_object_get(json_object_get(j, "verdict"), "identical")));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "summary"),
							    "nodes_a")), 4);
	assert_true(json_is_array(json_object_get(j, "nodes")));
	assert_true(json_is_array(json_object_get(j, "edges")));
	assert_true(json_is_array(json_object_get(j, "parameters")));
	assert_true(json_is_array(json_object_get(j, "io")));
	same_as_stream(m, j);
	json_decref(j);
	gs_match_free(m);
	gs_model_free(a);
	gs_model_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lis),
		cmocka_unit_test(test_hash_floats),
		cmocka_unit_test(test_family),
		cmocka_unit_test(test_op_ids),
		cmocka_unit_test(test_matmul_add_gemm),
		cmocka_unit_test(test_renamed_identical),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
