/*
 * Model and graph lifetime, lookups, and the uses lists every edit keeps
 * up to date: the data structure alone, below building (build.c) and the
 * journaled edits (edit.c).
 */
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
