/*
 * The edit API: the only way passes change a loaded model.  Each edit
 * reports its before-state to the model's journal (the history) and can be
 * reverted by gs_edit_undo.  Undo restores dirty flags too, so a model whose
 * every step was undone saves byte for byte like the original.  Above the
 * journal (journal.c) and the adds of build.c, whose records undo reverts
 * too; below importing (import.c).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/ir.h"
#include "ir/internal.h"

static bool journaling(const struct gs_model *m)
{
	return m->journal && !m->journal_muted;
}

void gs_node_set_input(struct gs_graph *g, struct gs_node *n, int slot, int value_id)
{
	struct gs_edit e = gs_edit_begin(GS_EDIT_INPUT, g);

	e.node = n->id;
	e.slot = slot;
	e.old_value = n->inputs[slot];
	e.node_dirty = n->dirty;
	gs_journal_note(g->model, &e);
	if (n->inputs[slot] >= 0 && !n->removed)
		gs_value_drop_use(g->values[n->inputs[slot]], n->id, slot);
	n->inputs[slot] = value_id;
	if (value_id >= 0 && !n->removed)
		gs_value_add_use(g->values[value_id], n->id, slot);
	n->dirty = true;
	g->topo_valid = false;
}

static void unlink_node(struct gs_graph *g, struct gs_node *n)
{
	int i;

	for (i = 0; i < n->n_inputs; i++)
		if (n->inputs[i] >= 0)
			gs_value_drop_use(g->values[n->inputs[i]], n->id, i);
	for (i = 0; i < n->n_outputs; i++)
		if (n->outputs[i] >= 0 && g->values[n->outputs[i]]->producer == n->id)
			g->values[n->outputs[i]]->producer = -1;
	n->removed = true;
}

static void relink_node(struct gs_graph *g, struct gs_node *n)
{
	int i;

	n->removed = false;
	for (i = 0; i < n->n_inputs; i++)
		if (n->inputs[i] >= 0)
			gs_value_add_use(g->values[n->inputs[i]], n->id, i);
	for (i = 0; i < n->n_outputs; i++) {
		if (n->outputs[i] < 0)
			continue;
		g->values[n->outputs[i]]->producer = n->id;
		g->values[n->outputs[i]]->producer_port = i;
	}
}

void gs_graph_remove_node(struct gs_graph *g, struct gs_node *n)
{
	struct gs_edit e = gs_edit_begin(GS_EDIT_NODE_REMOVE, g);

	if (n->removed)
		return;
	e.node = n->id;
	e.node_dirty = n->dirty;
	gs_journal_note(g->model, &e);
	unlink_node(g, n);
	g->dirty = true;
	g->topo_valid = false;
}

void gs_tensor_replace(struct gs_model *m, struct gs_tensor *t, int dtype, int rank,
		       const int64_t *dims, void *data, size_t nbytes)
{
	int64_t *nd = gs_arena_alloc(&m->arena, sizeof(int64_t) * (size_t)(rank + 1));
	struct gs_edit e = gs_edit_begin(GS_EDIT_TENSOR, NULL);

	/* dims may alias t->dims; the old array lives on in the arena */
	if (rank)
		memcpy(nd, dims, sizeof(int64_t) * (size_t)rank);
	e.tensor = t;
	e.before = *t;
	if (journaling(m))
		gs_journal_note(m, &e);	/* the journal now owns the old heap data */
	else if (t->store == GS_STORE_HEAP)
		free((void *)t->data);
	t->dims = nd;
	t->dtype = dtype;
	t->rank = rank;
	t->numel = gs_dims_numel(rank, nd);
	t->data = data;
	t->nbytes = nbytes;
	t->store = data ? GS_STORE_HEAP : GS_STORE_NONE;
	t->external_source = false;
	t->zstd_bytes = 0;
	t->zeros_known = false;
	t->dirty = true;
}

void gs_graph_set_outputs(struct gs_graph *g, int n, const int *value_ids)
{
	struct gs_edit e = gs_edit_begin(GS_EDIT_OUTPUTS, g);
	int i;

	e.old_list = g->outputs;
	e.old_n = g->n_outputs;
	gs_journal_note(g->model, &e);
	for (i = 0; i < g->n_outputs; i++)
		g->values[g->outputs[i]]->is_graph_output = false;
	g->outputs = gs_arena_alloc(&g->model->arena, sizeof(int) * (size_t)(n + 1));
	memcpy(g->outputs, value_ids, sizeof(int) * (size_t)n);
	g->n_outputs = n;
	for (i = 0; i < n; i++)
		g->values[value_ids[i]]->is_graph_output = true;
	g->dirty = true;
}

/* The graph input list is journaled as an OPSETS edit of g (its undo puts
 * g's input list back, the opsets being the same before and after). */
void gs_graph_set_inputs(struct gs_graph *g, int n, const int *value_ids)
{
	struct gs_model *m = g->model;
	struct gs_edit e = gs_edit_begin(GS_EDIT_OPSETS, g);

	e.old_opsets = m->opsets;
	e.old_n_opsets = m->n_opsets;
	e.old_ir_version = m->ir_version;
	e.opsets_dirty = m->opsets_dirty;
	e.old_list = g->inputs;
	e.old_n = g->n_inputs;
	gs_journal_note(m, &e);
	g->inputs = gs_arena_alloc(&m->arena, sizeof(int) * (size_t)(n + 1));
	if (n)
		memcpy(g->inputs, value_ids, sizeof(int) * (size_t)n);
	g->n_inputs = n;
	g->dirty = true;
}

void gs_value_set_type(struct gs_graph *g, struct gs_value *v, int dtype, int rank,
		       const int64_t *dims)
{
	struct gs_edit e = gs_edit_begin(GS_EDIT_VALUE_TYPE, g);
	int i;

	e.value = v->id;
	e.old_dtype = v->dtype;
	e.old_rank = v->rank;
	e.old_dims = v->dims;
	e.value_dirty = v->shape_dirty;
	gs_journal_note(g->model, &e);
	v->dtype = dtype;
	v->rank = rank;
	v->dims = rank >= 0 ? gs_arena_alloc(&g->model->arena, sizeof(*v->dims) * (size_t)(rank + 1)) : NULL;
	for (i = 0; i < rank; i++) {
		v->dims[i].value = dims ? dims[i] : -1;
		/* keep a symbolic name where the size did not change */
		if (e.old_dims && i < e.old_rank && e.old_dims[i].param && dims && dims[i] < 0)
			v->dims[i].param = e.old_dims[i].param;
	}
	v->shape_dirty = true;
	g->dirty = true;
}

/* ---- attributes: copy-on-write of the node's attribute array ---- */

static struct gs_attr *attr_slot(struct gs_graph *g, struct gs_node *n, const char *name, int type)
{
	struct gs_model *m = g->model;
	struct gs_edit e = gs_edit_begin(GS_EDIT_ATTRS, g);
	struct gs_attr *attrs;
	int i, count = n->n_attrs;

	e.node = n->id;
	e.old_attrs = n->attrs;
	e.old_n_attrs = n->n_attrs;
	e.node_dirty = n->dirty;
	gs_journal_note(m, &e);
	attrs = gs_arena_alloc(&m->arena, sizeof(*attrs) * (size_t)(count + 1));
	if (count)
		memcpy(attrs, n->attrs, sizeof(*attrs) * (size_t)count);
	n->attrs = attrs;
	n->dirty = true;
	for (i = 0; i < count; i++)
		if (!strcmp(attrs[i].name, name))
			break;
	if (i == count) {
		n->n_attrs++;
		attrs[i].name = gs_arena_strdup(&m->arena, name);
	}
	/* a fresh value: forget the old kind's payload and the file's copy */
	memset(&attrs[i].type, 0, sizeof(attrs[i]) - offsetof(struct gs_attr, type));
	attrs[i].type = type;
	return &attrs[i];
}

void gs_node_set_attr_int(struct gs_graph *g, struct gs_node *n, const char *name, int64_t v)
{
	attr_slot(g, n, name, GS_ATTR_INT)->i = v;
}

void gs_node_set_attr_float(struct gs_graph *g, struct gs_node *n, const char *name, float v)
{
	attr_slot(g, n, name, GS_ATTR_FLOAT)->f = v;
}

void gs_node_set_attr_ints(struct gs_graph *g, struct gs_node *n, const char *name,
			   int count, const int64_t *v)
{
	struct gs_attr *a = attr_slot(g, n, name, GS_ATTR_INTS);

	a->n = count;
	a->ints = gs_arena_alloc(&g->model->arena, sizeof(int64_t) * (size_t)(count + 1));
	if (count)
		memcpy(a->ints, v, sizeof(int64_t) * (size_t)count);
}

void gs_node_set_attr_string(struct gs_graph *g, struct gs_node *n, const char *name,
			     const char *v)
{
	struct gs_attr *a = attr_slot(g, n, name, GS_ATTR_STRING);

	a->s = gs_arena_strdup(&g->model->arena, v);
	a->s_len = strlen(v);
}

void gs_node_set_attr_tensor(struct gs_graph *g, struct gs_node *n, const char *name,
			     struct gs_tensor *t)
{
	attr_slot(g, n, name, GS_ATTR_TENSOR)->t = t;
}

void gs_node_remove_attr(struct gs_graph *g, struct gs_node *n, const char *name)
{
	int i;

	if (!gs_node_attr(n, name))
		return;
	attr_slot(g, n, name, GS_ATTR_UNDEFINED);
	for (i = 0; i < n->n_attrs; i++)
		if (!strcmp(n->attrs[i].name, name))
			break;
	memmove(&n->attrs[i], &n->attrs[i + 1], sizeof(*n->attrs) * (size_t)(n->n_attrs - i - 1));
	n->n_attrs--;
}

/* ---- initializers, opsets, names ---- */

void gs_graph_remove_initializer(struct gs_graph *g, int value_id)
{
	struct gs_edit e = gs_edit_begin(GS_EDIT_INITIALIZER_REMOVE, g);
	struct gs_value *v = g->values[value_id];
	int i, j;

	for (i = 0; i < g->n_initializers; i++)
		if (g->initializers[i] == value_id)
			break;
	if (i == g->n_initializers)
		return;
	e.value = value_id;
	e.old_n = i;
	e.old_kind = v->kind;
	/* an input listing it (IR < 4 style) would become one the caller
	 * must feed: it goes too, and undo puts the list back */
	for (j = 0; j < g->n_inputs; j++)
		if (g->inputs[j] == value_id)
			break;
	if (j < g->n_inputs) {
		e.slot = g->n_inputs;
		e.old_list = g->inputs;
	}
	gs_journal_note(g->model, &e);
	if (j < g->n_inputs) {
		int *in = gs_arena_alloc(&g->model->arena, sizeof(int) * (size_t)(g->n_inputs + 1));

		memcpy(in, g->inputs, sizeof(int) * (size_t)j);
		memcpy(in + j, g->inputs + j + 1, sizeof(int) * (size_t)(g->n_inputs - j - 1));
		g->inputs = in;
		g->n_inputs--;
	}
	memmove(&g->initializers[i], &g->initializers[i + 1],
		sizeof(int) * (size_t)(g->n_initializers - i - 1));
	g->n_initializers--;
	v->kind = GS_VALUE_ACTIVATION;
	v->is_initializer = false;
	g->dirty = true;
}

/* The IR version each default-domain opset needs (the ONNX versioning
 * table): a file that imports opset 21 must say IR 10 or newer. */
int64_t gs_ir_version_for_opset(int64_t opset)
{
	/* ONNX's versioning table: the first IR version of each opset */
	static const int64_t table[][2] = {
		{ 25, 13 }, { 24, 12 }, { 23, 11 }, { 21, 10 }, { 19, 9 }, { 15, 8 },
		{ 12, 7 }, { 11, 6 }, { 10, 5 }, { 9, 4 }, { 1, 3 },
	};
	size_t i;

	for (i = 0; i < sizeof(table) / sizeof(*table); i++)
		if (opset >= table[i][0])
			return table[i][1];
	return 3;
}

void gs_model_set_opset(struct gs_model *m, const char *domain, int64_t version)
{
	struct gs_edit e = gs_edit_begin(GS_EDIT_OPSETS, NULL);
	struct gs_opset *ops;
	int i;

	e.old_opsets = m->opsets;
	e.old_n_opsets = m->n_opsets;
	e.old_ir_version = m->ir_version;
	e.opsets_dirty = m->opsets_dirty;
	gs_journal_note(m, &e);
	ops = gs_arena_alloc(&m->arena, sizeof(*ops) * (size_t)(m->n_opsets + 1));
	if (m->n_opsets)
		memcpy(ops, m->opsets, sizeof(*ops) * (size_t)m->n_opsets);
	for (i = 0; i < m->n_opsets; i++) {
		const char *d = ops[i].domain;

		if (!strcmp(d, domain) || (!strcmp(d, "ai.onnx") && !domain[0]) ||
		    (!d[0] && !strcmp(domain, "ai.onnx")))
			break;
	}
	if (i == m->n_opsets) {
		ops[i].domain = gs_arena_strdup(&m->arena, domain);
		m->n_opsets++;
	}
	ops[i].version = version;
	m->opsets = ops;
	m->opsets_dirty = true;
	/* raised only, never lowered: a newer IR reads older opsets */
	if ((!domain[0] || !strcmp(domain, "ai.onnx")) && m->ir_version < gs_ir_version_for_opset(version))
		gs_model_set_ir_version(m, gs_ir_version_for_opset(version));
}

static bool listed(const struct gs_graph *g, int value_id)
{
	int j;

	for (j = 0; j < g->n_inputs; j++)
		if (g->inputs[j] == value_id)
			return true;
	return false;
}

/* IR < 4: every initializer of g listed as an input of g too (ONNX's
 * checker and onnxruntime ask it of subgraphs as well).  IR >= 4: a body
 * must not list them (shape inference then counts them as inputs the If
 * or Loop does not pass); the main graph may, and keeps them.  The input
 * list before is journaled as an OPSETS edit of g, whose undo puts it
 * back. */
static int relist_initializers(struct gs_graph *g, void *ctx)
{
	struct gs_model *m = g->model;
	bool list = *(const bool *)ctx;
	int *in, n = 0, i;

	if (!list && g == m->graph)
		return 0;
	if (list) {
		for (i = 0; i < g->n_initializers; i++)
			n += !listed(g, g->initializers[i]);
	} else {
		for (i = 0; i < g->n_inputs; i++)
			n += g->values[g->inputs[i]]->is_initializer;
	}
	if (!n)
		return 0;
	in = gs_xmalloc(sizeof(int) * (size_t)(g->n_inputs + g->n_initializers + 1));
	n = 0;
	for (i = 0; i < g->n_inputs; i++)
		if (list || !g->values[g->inputs[i]]->is_initializer)
			in[n++] = g->inputs[i];
	for (i = 0; list && i < g->n_initializers; i++)
		if (!listed(g, g->initializers[i]))
			in[n++] = g->initializers[i];
	gs_graph_set_inputs(g, n, in);	/* journaled; undo puts the list back */
	free(in);
	return 0;
}

void gs_model_set_ir_version(struct gs_model *m, int64_t version)
{
	struct gs_edit e = gs_edit_begin(GS_EDIT_OPSETS, NULL);
	bool was3 = m->ir_version >= 1 && m->ir_version < 4, is3 = version >= 1 && version < 4;

	if (version == m->ir_version)
		return;
	if (m->graph && (is3 || (was3 && version >= 4)))
		gs_graph_walk(m->graph, relist_initializers, &is3);
	e.old_opsets = m->opsets;
	e.old_n_opsets = m->n_opsets;
	e.old_ir_version = m->ir_version;
	e.opsets_dirty = m->opsets_dirty;
	gs_journal_note(m, &e);
	m->ir_version = version;
}

const char *gs_graph_unique_name(struct gs_graph *g, const char *hint)
{
	const struct gs_graph *p;
	const char *name = hint;
	int k = 0;
	bool taken;

	do {
		taken = false;
		for (p = g; p && !taken; p = p->parent)
			taken = gs_graph_find_value(p, name) >= 0;
		if (taken)
			name = gs_arena_printf(&g->model->arena, "%s_%d", hint, ++k);
	} while (taken);
	return name == hint ? gs_arena_strdup(&g->model->arena, hint) : name;
}

int gs_graph_new_value(struct gs_graph *g, const char *name_hint)
{
	return gs_graph_add_value(g, gs_graph_unique_name(g, name_hint));
}

int gs_graph_new_param(struct gs_graph *g, const char *name_hint, struct gs_tensor *t)
{
	int id = gs_graph_new_value(g, name_hint);

	t->name = g->values[id]->name;
	gs_graph_add_initializer(g, id, t);
	return id;
}

/* ---- undo ---- */

void gs_edit_undo(struct gs_model *m, struct gs_edit *e)
{
	struct gs_graph *g = e->g;
	struct gs_node *n = g && e->node >= 0 ? g->nodes[e->node] : NULL;
	struct gs_value *v = g && e->value >= 0 ? g->values[e->value] : NULL;
	int i;

	m->journal_muted++;
	switch (e->kind) {
	case GS_EDIT_NODE_ADD:
		if (!n->removed)
			unlink_node(g, n);
		break;
	case GS_EDIT_NODE_REMOVE:
		relink_node(g, n);
		n->dirty = e->node_dirty;
		break;
	case GS_EDIT_INPUT:
		gs_node_set_input(g, n, e->slot, e->old_value);
		n->dirty = e->node_dirty;
		break;
	case GS_EDIT_TENSOR:
		if (e->tensor->store == GS_STORE_HEAP)
			free((void *)e->tensor->data);
		*e->tensor = e->before;
		e->before.store = GS_STORE_NONE;	/* ownership went back */
		e->before.data = NULL;
		break;
	case GS_EDIT_ATTRS:
		n->attrs = e->old_attrs;
		n->n_attrs = e->old_n_attrs;
		n->dirty = e->node_dirty;
		break;
	case GS_EDIT_VALUE_TYPE:
		v->dtype = e->old_dtype;
		v->rank = e->old_rank;
		v->dims = e->old_dims;
		v->shape_dirty = e->value_dirty;
		break;
	case GS_EDIT_INITIALIZER_ADD:
		for (i = 0; i < g->n_initializers; i++)
			if (g->initializers[i] == e->value)
				break;
		if (i < g->n_initializers) {
			memmove(&g->initializers[i], &g->initializers[i + 1],
				sizeof(int) * (size_t)(g->n_initializers - i - 1));
			g->n_initializers--;
		}
		v->kind = e->old_kind;
		/* the tensor a pass made for this initializer is dropped (redo
		 * re-runs the command); the value's former param comes back */
		if (v->param && v->param != e->tensor && v->param->store == GS_STORE_HEAP) {
			free((void *)v->param->data);
			v->param->data = NULL;
			v->param->store = GS_STORE_NONE;
		}
		v->param = e->tensor;
		v->is_initializer = false;
		v->dtype = e->old_dtype;
		v->rank = e->old_rank;
		v->dims = e->old_dims;
		if (e->slot == 1) {	/* the IR < 4 input listing it */
			g->inputs = e->old_list;
			g->n_inputs = e->old_n;
		}
		break;
	case GS_EDIT_INITIALIZER_REMOVE:
		GS_GROW(g->initializers, g->n_initializers + 1, g->initializers_alloc);
		memmove(&g->initializers[e->old_n + 1], &g->initializers[e->old_n],
			sizeof(int) * (size_t)(g->n_initializers - e->old_n));
		g->initializers[e->old_n] = e->value;
		g->n_initializers++;
		v->kind = e->old_kind;
		v->is_initializer = true;
		if (e->slot >= 0) {	/* the input listing it */
			g->inputs = e->old_list;
			g->n_inputs = e->slot;
		}
		break;
	case GS_EDIT_OUTPUTS:
		for (i = 0; i < g->n_outputs; i++)
			g->values[g->outputs[i]]->is_graph_output = false;
		g->outputs = e->old_list;
		g->n_outputs = e->old_n;
		for (i = 0; i < g->n_outputs; i++)
			g->values[g->outputs[i]]->is_graph_output = true;
		break;
	case GS_EDIT_VALUE_ADD:
		if (gs_strmap_get(&g->by_name, v->name) == v->id)
			gs_strmap_del(&g->by_name, v->name);
		break;
	case GS_EDIT_OPSETS:
		if (g && e->old_list) {	/* gs_model_set_ir_version's listing */
			g->inputs = e->old_list;
			g->n_inputs = e->old_n;
		}
		m->ir_version = e->old_ir_version;
		m->opsets = e->old_opsets;
		m->n_opsets = e->old_n_opsets;
		m->opsets_dirty = e->opsets_dirty;
		break;
	}
	if (g) {
		g->dirty = e->graph_dirty;
		g->topo_valid = false;
	}
	m->journal_muted--;
}
