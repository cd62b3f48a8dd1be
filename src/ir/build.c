/*
 * Building a graph: values, nodes, initializers, tensors and attributes
 * added.  The reader builds with these before any journal listens; on a
 * loaded model the adds of values, nodes and initializers are journaled,
 * so a pass may use them as edits (edit.c's gs_edit_undo reverts them).
 */
#include <stdbool.h>
#include <string.h>

#include "graphsmith/ir.h"
#include "ir/internal.h"

int gs_graph_add_value(struct gs_graph *g, const char *name)
{
	struct gs_value *v;
	int id = gs_strmap_get_or_put(&g->by_name, name, g->n_values);

	if (id >= 0)
		return id;
	v = gs_arena_alloc(&g->model->arena, sizeof(*v));
	v->id = g->n_values;
	v->name = name;
	v->rank = -1;
	v->producer = -1;
	v->kind = GS_VALUE_ACTIVATION;
	GS_GROW(g->values, g->n_values + 1, g->values_alloc);
	g->values[g->n_values++] = v;
	if (g->model->journal && !g->model->journal_muted) {
		/* so that redo, re-running a pass, gets the same names again */
		struct gs_edit e = gs_edit_begin(GS_EDIT_VALUE_ADD, g);

		e.value = v->id;
		gs_journal_note(g->model, &e);
	}
	return v->id;
}

struct gs_node *gs_graph_add_node(struct gs_graph *g, const char *op_type,
				  const char *domain, const char *name,
				  int n_inputs, const int *inputs,
				  int n_outputs, const int *outputs)
{
	struct gs_arena *a = &g->model->arena;
	struct gs_node *n = gs_arena_alloc(a, sizeof(*n));
	int i;

	n->id = g->n_nodes;
	n->op_type = op_type;
	n->domain = domain ? domain : "";
	n->name = name ? name : "";
	n->n_inputs = n_inputs;
	n->inputs = gs_arena_alloc(a, sizeof(int) * (size_t)(n_inputs + 1));
	n->n_outputs = n_outputs;
	n->outputs = gs_arena_alloc(a, sizeof(int) * (size_t)(n_outputs + 1));
	if (n_inputs)
		memcpy(n->inputs, inputs, sizeof(int) * (size_t)n_inputs);
	if (n_outputs)
		memcpy(n->outputs, outputs, sizeof(int) * (size_t)n_outputs);
	GS_GROW(g->nodes, g->n_nodes + 1, g->nodes_alloc);
	g->nodes[g->n_nodes++] = n;
	for (i = 0; i < n_inputs; i++)
		if (inputs[i] >= 0)
			gs_value_add_use(g->values[inputs[i]], n->id, i);
	for (i = 0; i < n_outputs; i++) {
		if (outputs[i] < 0)
			continue;
		g->values[outputs[i]]->producer = n->id;
		g->values[outputs[i]]->producer_port = i;
	}
	if (g->model->journal && !g->model->journal_muted) {
		struct gs_edit e = gs_edit_begin(GS_EDIT_NODE_ADD, g);

		e.node = n->id;
		gs_journal_note(g->model, &e);
	}
	n->dirty = true;
	g->dirty = true;
	g->topo_valid = false;
	return n;
}

/*
 * IR < 4 requires every initializer to be listed as an input of its graph
 * too.  ONNX's checker and onnxruntime ask it of If/Loop/Scan bodies as
 * well (an initializer a body does not list fails to load), and take the
 * extra trailing body inputs.  Only for a model already loaded (m->graph
 * set): the reader adds a file's initializers as they are.
 */
static bool ir3_needs_input(const struct gs_graph *g, int value_id)
{
	const struct gs_model *m = g->model;
	int i;

	if (!m->graph || m->ir_version < 1 || m->ir_version >= 4)
		return false;
	for (i = 0; i < g->n_inputs; i++)
		if (g->inputs[i] == value_id)
			return false;
	return true;
}

void gs_graph_add_initializer(struct gs_graph *g, int value_id, struct gs_tensor *t)
{
	struct gs_value *v = g->values[value_id];

	bool list = ir3_needs_input(g, value_id);

	if (g->model->journal && !g->model->journal_muted) {
		struct gs_edit e = gs_edit_begin(GS_EDIT_INITIALIZER_ADD, g);

		e.value = value_id;
		e.old_kind = v->kind;
		e.old_dtype = v->dtype;
		e.old_rank = v->rank;
		e.old_dims = v->dims;
		e.tensor = v->param;	/* a Constant's tensor, restored by undo */
		if (list) {		/* undo puts the input list back */
			e.slot = 1;
			e.old_list = g->inputs;
			e.old_n = g->n_inputs;
		}
		gs_journal_note(g->model, &e);
	}
	if (list) {
		/* copy on write: the journal keeps the old array */
		int *in = gs_arena_alloc(&g->model->arena, sizeof(int) * (size_t)(g->n_inputs + 2));

		if (g->n_inputs)
			memcpy(in, g->inputs, sizeof(int) * (size_t)g->n_inputs);
		in[g->n_inputs] = value_id;
		g->inputs = in;
		g->n_inputs++;
	}
	v->kind = GS_VALUE_PARAM;
	v->param = t;
	v->is_initializer = true;
	v->dtype = t->dtype;
	v->rank = t->rank;
	v->dims = gs_arena_alloc(&g->model->arena, sizeof(*v->dims) * (size_t)(t->rank + 1));
	for (int i = 0; i < t->rank; i++)
		v->dims[i].value = t->dims[i];
	GS_GROW(g->initializers, g->n_initializers + 1, g->initializers_alloc);
	g->initializers[g->n_initializers++] = value_id;
	g->dirty = true;
}

struct gs_tensor *gs_tensor_new(struct gs_model *m, const char *name, int dtype,
				int rank, const int64_t *dims)
{
	struct gs_tensor *t = gs_arena_alloc(&m->arena, sizeof(*t));

	t->name = name ? name : "";
	t->dtype = dtype;
	t->rank = rank;
	t->dims = gs_arena_alloc(&m->arena, sizeof(int64_t) * (size_t)(rank + 1));
	if (rank)
		memcpy(t->dims, dims, sizeof(int64_t) * (size_t)rank);
	t->numel = gs_dims_numel(rank, dims);
	t->dirty = true;
	return t;
}

struct gs_attr *gs_node_add_attr(struct gs_model *m, struct gs_node *n,
				 const char *name, int type)
{
	struct gs_attr *attrs = gs_arena_alloc(&m->arena, sizeof(*attrs) * (size_t)(n->n_attrs + 1));

	if (n->n_attrs)
		memcpy(attrs, n->attrs, sizeof(*attrs) * (size_t)n->n_attrs);
	n->attrs = attrs;
	attrs[n->n_attrs].name = name;
	attrs[n->n_attrs].type = type;
	n->dirty = true;
	return &attrs[n->n_attrs++];
}
