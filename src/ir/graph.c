/* Model and graph lifetime, lookups and the building blocks of edits. */
#include <stdlib.h>
#include <string.h>

#include "graphsmith/ir.h"
#include "ir/internal.h"

struct gs_model *gs_model_new(void)
{
	struct gs_model *m = gs_xcalloc(1, sizeof(*m));

	gs_arena_init(&m->arena);
	m->ir_version = 8;
	return m;
}

static void tensor_release(struct gs_tensor *t)
{
	if (t && t->store == GS_STORE_HEAP) {
		free((void *)t->data);
		/* released once: a Constant's tensor is seen again as its output */
		t->data = NULL;
		t->store = GS_STORE_NONE;
	}
}

/* Frees what a graph holds outside the arena; tensors the graph created
 * (decoded or edited) own heap buffers. */
static void graph_free(struct gs_graph *g)
{
	int i, j, k;

	for (i = 0; i < g->n_nodes; i++) {
		struct gs_node *n = g->nodes[i];

		for (j = 0; j < n->n_attrs; j++) {
			struct gs_attr *a = &n->attrs[j];

			tensor_release(a->t);
			for (k = 0; a->tensors && k < a->n; k++)
				tensor_release(a->tensors[k]);
		}
	}
	for (i = 0; i < g->n_values; i++) {
		struct gs_value *v = g->values[i];

		/* also an initializer an edit removed: undo could have needed it */
		if (v->param && v->kind != GS_VALUE_OUTER)
			tensor_release(v->param);
		if (v->uses_alloc)	/* else in use_block */
			free(v->uses);
	}
	free(g->use_block);
	free(g->nodes);
	free(g->values);
	free(g->initializers);
	free(g->topo);
	gs_strmap_release(&g->by_name);
}

void gs_model_free(struct gs_model *m)
{
	int i;

	if (!m)
		return;
	for (i = 0; i < m->n_all_graphs; i++)
		graph_free(m->all_graphs[i]);
	free(m->all_graphs);
	if (m->source_free)
		m->source_free(m->source);
	gs_arena_release(&m->arena);
	free(m);
}

struct gs_graph *gs_graph_new(struct gs_model *m, struct gs_graph *parent,
			      const char *name)
{
	struct gs_graph *g = gs_arena_alloc(&m->arena, sizeof(*g));

	g->model = m;
	g->parent = parent;
	g->owner_node = -1;
	g->name = name ? name : "";
	gs_strmap_init(&g->by_name);
	GS_GROW(m->all_graphs, m->n_all_graphs + 1, m->all_graphs_alloc);
	m->all_graphs[m->n_all_graphs++] = g;
	return g;
}

int gs_graph_find_value(const struct gs_graph *g, const char *name)
{
	return gs_strmap_get(&g->by_name, name);
}

const struct gs_value *gs_graph_resolve(const struct gs_graph *g, const char *name)
{
	int id;

	for (; g; g = g->parent) {
		id = gs_strmap_get(&g->by_name, name);
		if (id >= 0 && g->values[id]->kind != GS_VALUE_OUTER)
			return g->values[id];
	}
	return NULL;
}

const struct gs_attr *gs_node_attr(const struct gs_node *n, const char *name)
{
	int i;

	for (i = 0; i < n->n_attrs; i++)
		if (!strcmp(n->attrs[i].name, name))
			return &n->attrs[i];
	return NULL;
}

int64_t gs_node_attr_int(const struct gs_node *n, const char *name, int64_t dflt)
{
	const struct gs_attr *a = gs_node_attr(n, name);

	return a && a->type == GS_ATTR_INT ? a->i : dflt;
}

float gs_node_attr_float(const struct gs_node *n, const char *name, float dflt)
{
	const struct gs_attr *a = gs_node_attr(n, name);

	return a && a->type == GS_ATTR_FLOAT ? a->f : dflt;
}

int64_t gs_model_opset(const struct gs_model *m, const char *domain)
{
	int i;

	if (!strcmp(domain, "ai.onnx"))
		domain = "";
	for (i = 0; i < m->n_opsets; i++) {
		const char *d = m->opsets[i].domain;

		if (!strcmp(d, "ai.onnx"))
			d = "";
		if (!strcmp(d, domain))
			return m->opsets[i].version;
	}
	return 0;
}

struct gs_tensor *gs_graph_param_of(const struct gs_graph *g, int value_id)
{
	const struct gs_value *v;
	int hops;

	if (value_id < 0)
		return NULL;
	v = g->values[value_id];
	/* Identity chains in front of weights are common in exports */
	for (hops = 0; hops < 8 && v->kind == GS_VALUE_ACTIVATION && v->producer >= 0; hops++) {
		const struct gs_node *p = g->nodes[v->producer];

		if (strcmp(p->op_type, "Identity") || p->n_inputs < 1 || p->inputs[0] < 0)
			break;
		v = g->values[p->inputs[0]];
	}
	if (v->kind == GS_VALUE_OUTER && v->outer)
		v = v->outer;
	return v->kind == GS_VALUE_PARAM ? v->param : NULL;
}

int gs_graph_live_nodes(const struct gs_graph *g)
{
	int i, n = 0;

	for (i = 0; i < g->n_nodes; i++)
		n += !g->nodes[i]->removed;
	return n;
}

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

void gs_value_add_use(struct gs_value *v, int node, int slot)
{
	if (!v->uses_alloc) {
		/* the uses reindex laid out in the graph's block: copy them out */
		struct gs_use *own = gs_xmalloc(sizeof(*own) * (size_t)(v->n_uses + 8));

		if (v->n_uses)
			memcpy(own, v->uses, sizeof(*own) * (size_t)v->n_uses);
		v->uses = own;
		v->uses_alloc = v->n_uses + 8;
	}
	GS_GROW(v->uses, v->n_uses + 1, v->uses_alloc);
	v->uses[v->n_uses].node = node;
	v->uses[v->n_uses].slot = slot;
	v->n_uses++;
}

void gs_value_drop_use(struct gs_value *v, int node, int slot)
{
	int i;

	for (i = 0; i < v->n_uses; i++) {
		if (v->uses[i].node == node && v->uses[i].slot == slot) {
			v->uses[i] = v->uses[--v->n_uses];
			return;
		}
	}
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






int64_t gs_size_mul(int64_t a, int64_t b)
{
	int64_t r;

	if (a < 0 || b < 0 || __builtin_mul_overflow(a, b, &r))
		return -1;
	return r;
}

int64_t gs_size_add(int64_t a, int64_t b)
{
	int64_t r;

	if (a < 0 || b < 0 || __builtin_add_overflow(a, b, &r))
		return -1;
	return r;
}

int gs_double_to_i64(double v, int64_t *out)
{
	/* -2^63 is exact in a double; 2^63 is the first value beyond */
	if (!(v >= -9223372036854775808.0 && v < 9223372036854775808.0))
		return -1;
	*out = (int64_t)v;
	return 0;
}

int64_t gs_dims_numel(int rank, const int64_t *dims)
{
	int64_t n = 1;
	int i;

	for (i = 0; i < rank && n >= 0; i++)
		n = gs_size_mul(n, dims[i]);
	return n;
}

int64_t gs_dtype_nbytes(int dtype, int64_t numel)
{
	int bits = gs_dtype_bits(dtype);
	int64_t b;

	if (bits <= 0 || (b = gs_size_mul(numel, bits)) < 0)
		return -1;
	return b / 8 + (b % 8 != 0);
}
