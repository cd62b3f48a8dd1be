/* Unit tests: IR building, topological order, edits and their undo, and a
 * save/load round trip of a model built in memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "graphsmith/ir.h"
#include "graphsmith/onnx.h"

/* x -> Relu -> Identity -> MatMul(W) -> y, built from scratch */
static struct gs_model *tiny_model(void)
{
	struct gs_model *m = gs_model_new();
	struct gs_graph *g = gs_graph_new(m, NULL, "tiny");
	static const int64_t wdims[2] = { 4, 3 };
	struct gs_tensor *w;
	float *data;
	int x, r, i1, wv, y, in[2], out[1], k;

	m->graph = g;
	m->producer_name = "test";
	m->producer_version = "";
	m->n_opsets = 1;
	m->opsets = gs_arena_alloc(&m->arena, sizeof(*m->opsets));
	m->opsets[0].domain = "";
	m->opsets[0].version = 13;
	x = gs_graph_add_value(g, "x");
	g->values[x]->kind = GS_VALUE_INPUT;
	g->values[x]->dtype = GS_DTYPE_FLOAT;
	g->inputs = gs_arena_alloc(&m->arena, sizeof(int));
	g->inputs[0] = x;
	g->n_inputs = 1;
	w = gs_tensor_new(m, "W", GS_DTYPE_FLOAT, 2, wdims);
	data = malloc(12 * sizeof(float));
	for (k = 0; k < 12; k++)
		data[k] = (float)k - 5.5f;
	w->data = data;
	w->nbytes = 12 * sizeof(float);
	w->store = GS_STORE_HEAP;
	wv = gs_graph_add_value(g, "W");
	gs_graph_add_initializer(g, wv, w);
	r = gs_graph_add_value(g, "r");
	i1 = gs_graph_add_value(g, "i");
	y = gs_graph_add_value(g, "y");
	/* added out of order on purpose: toposort must fix it */
	in[0] = i1; in[1] = wv; out[0] = y;
	gs_graph_add_node(g, "MatMul", "", "mm", 2, in, 1, out);
	in[0] = x; out[0] = r;
	gs_graph_add_node(g, "Relu", "", "relu", 1, in, 1, out);
	in[0] = r; out[0] = i1;
	gs_graph_add_node(g, "Identity", "", "id", 1, in, 1, out);
	gs_graph_set_outputs(g, 1, &y);
	g->values[y]->dtype = GS_DTYPE_FLOAT;
	return m;
}

static void test_toposort(void **state)
{
	struct gs_model *m = tiny_model();
	struct gs_error err;
	struct gs_graph *g = m->graph;

	(void)state;
	assert_int_equal(gs_graph_toposort(g, &err), 0);
	assert_int_equal(g->n_topo, 3);
	assert_string_equal(g->nodes[g->topo[0]]->op_type, "Relu");
	assert_string_equal(g->nodes[g->topo[1]]->op_type, "Identity");
	assert_string_equal(g->nodes[g->topo[2]]->op_type, "MatMul");
	/* the weight is found through the Identity-free path and directly */
	assert_ptr_equal(gs_graph_param_of(g, gs_graph_find_value(g, "W")),
			 g->values[gs_graph_find_value(g, "W")]->param);
	assert_null(gs_graph_param_of(g, gs_graph_find_value(g, "r")));
	gs_model_free(m);
}

static void test_cycle(void **state)
{
	struct gs_model *m = tiny_model();
	struct gs_graph *g = m->graph;
	struct gs_error err;
	struct gs_node *relu = g->nodes[1];

	(void)state;
	/* Relu now reads the Identity's output: r -> i -> r */
	gs_node_set_input(g, relu, 0, gs_graph_find_value(g, "i"));
	assert_int_equal(gs_graph_toposort(g, &err), -1);
	assert_non_null(strstr(err.msg, "has a cycle through node"));
	gs_model_free(m);
}

struct recorder {
	struct gs_edit edits[32];
	int n;
};

static void record(void *ctx, struct gs_edit *e)
{
	struct recorder *r = ctx;

	assert_true(r->n < 32);
	r->edits[r->n++] = *e;
}

static void test_edit_undo(void **state)
{
	struct gs_model *m = tiny_model();
	struct gs_graph *g = m->graph;
	struct recorder rec = { .n = 0 };
	struct gs_journal j = { record, &rec };
	struct gs_tensor *w = g->values[gs_graph_find_value(g, "W")]->param;
	const void *old_data = w->data;
	struct gs_node *id = g->nodes[2], *mm = g->nodes[0];
	float *zero = calloc(12, sizeof(float));
	int i;

	(void)state;
	/* pretend the model is as loaded: nothing dirty */
	for (i = 0; i < g->n_nodes; i++)
		g->nodes[i]->dirty = false;
	g->dirty = false;
	w->dirty = false;
	gs_model_set_journal(m, &j);
	gs_node_set_input(g, mm, 0, gs_graph_find_value(g, "r"));
	gs_graph_remove_node(g, id);
	gs_tensor_replace(m, w, GS_DTYPE_FLOAT, w->rank, w->dims, zero, 12 * sizeof(float));
	gs_node_set_attr_int(g, mm, "answer", 42);
	gs_model_set_opset(m, "", 17);
	assert_int_equal(rec.n, 5);
	assert_true(id->removed);
	assert_int_equal(gs_graph_live_nodes(g), 2);
	assert_int_equal(gs_node_attr_int(mm, "answer", 0), 42);
	assert_int_equal(gs_model_opset(m, "ai.onnx"), 17);
	assert_true(g->dirty && mm->dirty && w->dirty);
	for (i = rec.n - 1; i >= 0; i--) {
		gs_edit_undo(m, &rec.edits[i]);
		gs_edit_release(&rec.edits[i]);
	}
	assert_false(id->removed);
	assert_ptr_equal(w->data, old_data);
	assert_int_equal(mm->inputs[0], gs_graph_find_value(g, "i"));
	assert_null(gs_node_attr(mm, "answer"));
	assert_int_equal(gs_model_opset(m, ""), 13);
	assert_false(g->dirty || mm->dirty || w->dirty || id->dirty);
	gs_model_set_journal(m, NULL);
	gs_model_free(m);
}

static void test_unique_name(void **state)
{
	struct gs_model *m = tiny_model();
	struct gs_graph *g = m->graph;

	(void)state;
	assert_string_equal(gs_graph_unique_name(g, "fresh"), "fresh");
	assert_string_equal(gs_graph_unique_name(g, "W"), "W_1");
	gs_graph_new_value(g, "W_1");
	assert_string_equal(gs_graph_unique_name(g, "W"), "W_2");
	gs_model_free(m);
}

static void test_save_load(void **state)
{
	struct gs_model *m = tiny_model(), *back;
	char path[] = "/tmp/gs-test-ir-XXXXXX";
	struct gs_error err;
	struct gs_graph *g;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(gs_onnx_save(m, path, NULL, &err), 0);
	back = gs_onnx_load(path, NULL, &err);
	assert_non_null(back);
	g = back->graph;
	assert_int_equal(g->n_nodes, 3);
	assert_string_equal(g->nodes[0]->op_type, "Relu");	/* saved in topological order */
	assert_int_equal(g->n_initializers, 1);
	assert_int_equal(((const float *)g->values[g->initializers[0]]->param->data)[11], 5.5f);
	assert_int_equal(gs_model_opset(back, ""), 13);
	gs_model_free(back);
	gs_model_free(m);
	unlink(path);
}

static void test_numel(void **state)
{
	int64_t d[3] = { 1 << 20, 1 << 20, 1 << 20 };

	(void)state;
	assert_int_equal(gs_dims_numel(2, d), (int64_t)1 << 40);
	assert_int_equal(gs_dims_numel(3, d), (int64_t)1 << 60);
	d[2] = (int64_t)1 << 40;
	assert_int_equal(gs_dims_numel(3, d), -1);
	d[0] = -1;
	assert_int_equal(gs_dims_numel(1, d), -1);
	assert_int_equal(gs_dtype_nbytes(GS_DTYPE_INT4, 5), 3);
	assert_int_equal(gs_dtype_nbytes(GS_DTYPE_FLOAT, 5), 20);
	assert_int_equal(gs_dtype_nbytes(GS_DTYPE_DOUBLE, INT64_MAX / 4), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_toposort),
		cmocka_unit_test(test_cycle),
		cmocka_unit_test(test_edit_undo),
		cmocka_unit_test(test_unique_name),
		cmocka_unit_test(test_save_load),
		cmocka_unit_test(test_numel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
