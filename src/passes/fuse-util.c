/* Helpers shared by the fusion passes (and the opset adapters of
 * convert-util.c): walks, uses, parameters.  Raising the opset, which needs
 * the converter, is above them in fuse-opset.c. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/ops.h"
#include "passes/fuse-internal.h"

void gs_fuse_log_init(struct gs_fuse_log *log)
{
	memset(log, 0, sizeof(*log));
}

void gs_fuse_log_release(struct gs_fuse_log *log)
{
	int i;

	for (i = 0; i < log->n; i++)
		free(log->lines[i].text);
	free(log->lines);
	gs_fuse_log_init(log);
}

void gs_fuse_logf(struct gs_fuse_log *log, bool note, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int len;

	if (!log)
		return;
	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	s = gs_xmalloc((size_t)len + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)len + 1, fmt, ap);
	va_end(ap);
	GS_GROW(log->lines, log->n + 1, log->alloc);
	log->lines[log->n].note = note;
	log->lines[log->n].text = s;
	log->n++;
}

struct graph_list {
	struct gs_graph **items;
	int n, alloc;
};

static int collect_graph(struct gs_graph *g, void *ctx)
{
	struct graph_list *l = ctx;

	GS_GROW(l->items, l->n + 1, l->alloc);
	l->items[l->n++] = g;
	return 0;
}

struct gs_graph **gs_fuse_graphs(struct gs_model *m, int *count)
{
	struct graph_list l = { NULL, 0, 0 };

	if (m->graph)
		gs_graph_walk(m->graph, collect_graph, &l);
	*count = l.n;
	return l.items;
}

int *gs_fuse_order(struct gs_graph *g, int *count, struct gs_error *err)
{
	int *order;

	if (!g->topo_valid && gs_graph_toposort(g, err))
		return NULL;
	order = gs_xmalloc(sizeof(int) * ((size_t)g->n_topo + 1));
	memcpy(order, g->topo, sizeof(int) * (size_t)g->n_topo);
	*count = g->n_topo;
	return order;
}

const char *gs_fuse_label(const struct gs_graph *g, const struct gs_node *n)
{
	if (n->name[0])
		return n->name;
	if (n->n_outputs > 0 && n->outputs[0] >= 0)
		return g->values[n->outputs[0]]->name;
	return n->op_type;
}

bool gs_fuse_is(const struct gs_node *n, const char *op)
{
	return n && !n->removed && !n->domain[0] && !strcmp(n->op_type, op);
}

struct gs_node *gs_fuse_producer(const struct gs_graph *g, int vid)
{
	const struct gs_value *v;

	if (vid < 0)
		return NULL;
	v = g->values[vid];
	if (v->producer < 0 || v->kind == GS_VALUE_OUTER)
		return NULL;
	return g->nodes[v->producer]->removed ? NULL : g->nodes[v->producer];
}

static bool graph_reads_outer(const struct gs_graph *sub, const char *name)
{
	int id = gs_graph_find_value(sub, name), i, k, n;
	struct gs_graph *subs[16];

	if (id >= 0)
		return sub->values[id]->kind == GS_VALUE_OUTER;
	/* deeper bodies resolve through sub without a value of their own here */
	for (i = 0; i < sub->n_nodes; i++) {
		if (sub->nodes[i]->removed)
			continue;
		n = gs_node_subgraphs(sub->nodes[i], subs, 16);
		for (k = 0; k < n && k < 16; k++)
			if (graph_reads_outer(subs[k], name))
				return true;
	}
	return false;
}

/* A subgraph below g reads value vid by name (outer-scope capture). */
static bool fuse_captured(const struct gs_graph *g, int vid)
{
	struct gs_graph *subs[16];
	int i, k, n;

	for (i = 0; i < g->n_nodes; i++) {
		if (g->nodes[i]->removed)
			continue;
		n = gs_node_subgraphs(g->nodes[i], subs, 16);
		for (k = 0; k < n && k < 16; k++)
			if (graph_reads_outer(subs[k], g->values[vid]->name))
				return true;
	}
	return false;
}

int gs_fuse_uses(const struct gs_graph *g, int vid)
{
	const struct gs_value *v = g->values[vid];

	if (v->is_graph_output || fuse_captured(g, vid))
		return -1;
	return v->n_uses;
}

struct gs_node *gs_fuse_sole_use(const struct gs_graph *g, int vid, int *slot)
{
	const struct gs_value *v;

	if (vid < 0 || gs_fuse_uses(g, vid) != 1)
		return NULL;
	v = g->values[vid];
	if (slot)
		*slot = v->uses[0].slot;
	return g->nodes[v->uses[0].node];
}

struct gs_tensor *gs_fuse_param(const struct gs_graph *g, const struct gs_node *n, int slot)
{
	struct gs_tensor *t;

	if (slot >= n->n_inputs || n->inputs[slot] < 0)
		return NULL;
	t = gs_graph_param_of(g, n->inputs[slot]);
	if (!t || !t->data || t->numel < 0)
		return NULL;
	if (gs_dtype_nbytes(t->dtype, t->numel) != (int64_t)t->nbytes)
		return NULL;
	return t;
}

double *gs_fuse_param_doubles(const struct gs_tensor *t, int64_t *n)
{
	double *out;

	if (!t || t->numel < 0)
		return NULL;
	out = gs_xmalloc(sizeof(double) * ((size_t)t->numel + 1));
	if (gs_decode_to_double(t->dtype, t->data, 0, (size_t)t->numel, out)) {
		free(out);
		return NULL;
	}
	*n = t->numel;
	return out;
}

bool gs_fuse_param_scalar_is(const struct gs_graph *g, const struct gs_node *n, int slot,
			     double want, double tol)
{
	struct gs_tensor *t = gs_fuse_param(g, n, slot);
	double x;

	if (!t || t->numel != 1 || !gs_dtype_is_float(t->dtype) ||
	    gs_decode_to_double(t->dtype, t->data, 0, 1, &x))
		return false;
	return fabs(x - want) <= tol * fabs(want);
}

bool gs_fuse_is_row_bias(const struct gs_tensor *c, int64_t n)
{
	if (c->numel != 1 && c->numel != n)
		return false;
	if (c->rank <= 1)
		return true;
	return c->rank == 2 && c->dims[0] == 1;
}

static void put_le(uint8_t *p, uint64_t x, int bytes)
{
	int i;

	for (i = 0; i < bytes; i++)
		p[i] = (uint8_t)(x >> (8 * i));
}

void *gs_fuse_encode(int dtype, const double *src, int64_t n, size_t *nbytes)
{
	int bits = gs_dtype_bits(dtype), b = bits / 8;
	uint8_t *out;
	int64_t i;

	switch (dtype) {
	case GS_DTYPE_FLOAT: case GS_DTYPE_DOUBLE: case GS_DTYPE_FLOAT16:
	case GS_DTYPE_BFLOAT16: case GS_DTYPE_INT8: case GS_DTYPE_UINT8:
	case GS_DTYPE_INT16: case GS_DTYPE_UINT16: case GS_DTYPE_INT32:
	case GS_DTYPE_UINT32: case GS_DTYPE_INT64: case GS_DTYPE_UINT64:
	case GS_DTYPE_BOOL:
		break;
	default:
		return NULL;
	}
	out = gs_xmalloc((size_t)(n * b) + 1);
	for (i = 0; i < n; i++) {
		uint8_t *p = out + i * b;
		double x = src[i];
		uint64_t u;
		uint32_t u32;
		float f;

		switch (dtype) {
		case GS_DTYPE_FLOAT:
			f = (float)x;
			memcpy(&u32, &f, 4);
			put_le(p, u32, 4);
			break;
		case GS_DTYPE_DOUBLE:
			memcpy(&u, &x, 8);
			put_le(p, u, 8);
			break;
		case GS_DTYPE_FLOAT16:
			put_le(p, gs_float_to_half((float)x), 2);
			break;
		case GS_DTYPE_BFLOAT16:
			put_le(p, gs_float_to_bf16((float)x), 2);
			break;
		case GS_DTYPE_BOOL:
			p[0] = x != 0;
			break;
		case GS_DTYPE_UINT8: case GS_DTYPE_UINT16: case GS_DTYPE_UINT32:
		case GS_DTYPE_UINT64:
			put_le(p, x <= 0 ? 0 : (uint64_t)x, b);
			break;
		default:	/* signed: two's complement, truncated toward zero */
			put_le(p, (uint64_t)(int64_t)x, b);
			break;
		}
	}
	*nbytes = (size_t)(n * b);
	return out;
}

static bool is_graph_input(const struct gs_graph *g, int vid);

/* A value left behind by an undone edit: no producer, reader or record in
 * the file.  Reusing it keeps names stable across undo and redo. */
static bool is_dead(const struct gs_graph *g, int vid)
{
	const struct gs_value *v = g->values[vid];

	return v->kind == GS_VALUE_ACTIVATION && v->producer < 0 && !v->n_uses &&
	       !v->is_graph_output && !v->origin && !v->init_origin &&
	       !is_graph_input(g, vid) && !fuse_captured(g, vid);
}

int gs_fuse_new_param(struct gs_graph *g, const char *hint, int dtype, int rank,
		      const int64_t *dims, void *data, size_t nbytes)
{
	struct gs_tensor *t = gs_tensor_new(g->model, hint, dtype, rank, dims);
	const char *name = hint;
	int k, id;

	t->data = data;
	t->nbytes = nbytes;
	t->store = GS_STORE_HEAP;
	/* hint, hint_1, ...: the first free or dead name, as
	 * gs_graph_unique_name would pick had the undone step never run */
	for (k = 1;; k++) {
		id = gs_graph_find_value(g, name);
		if (!(g->parent && gs_graph_resolve(g->parent, name))) {
			if (id < 0)
				return gs_graph_new_param(g, name, t);
			if (is_dead(g, id)) {
				t->name = g->values[id]->name;
				gs_graph_add_initializer(g, id, t);
				return id;
			}
		}
		name = gs_arena_printf(&g->model->arena, "%s_%d", hint, k);
	}
}

static bool is_graph_input(const struct gs_graph *g, int vid)
{
	int i;

	for (i = 0; i < g->n_inputs; i++)
		if (g->inputs[i] == vid)
			return true;
	return false;
}

void gs_fuse_drop_if_unused(struct gs_graph *g, int vid)
{
	struct gs_value *v;
	struct gs_node *p;
	struct gs_tensor *t;

	if (vid < 0 || gs_fuse_uses(g, vid) != 0)
		return;
	v = g->values[vid];
	p = gs_fuse_producer(g, vid);
	if (v->kind == GS_VALUE_PARAM && v->is_initializer) {
		if (is_graph_input(g, vid))
			return;		/* IR<4 style: also an input the caller may feed */
		t = v->param;
		/* hand heap bytes to the journal (or free them) before the
		 * value stops being a parameter, which nothing would free */
		if (t && t->store == GS_STORE_HEAP)
			gs_tensor_replace(g->model, t, t->dtype, t->rank, t->dims, NULL, 0);
		gs_graph_remove_initializer(g, vid);
	} else if (p && gs_fuse_is(p, "Constant")) {
		gs_graph_remove_node(g, p);
	} else if (p && gs_fuse_is(p, "Identity") && v->kind == GS_VALUE_ACTIVATION &&
		   gs_graph_param_of(g, vid)) {
		gs_graph_remove_node(g, p);
		gs_fuse_drop_if_unused(g, p->inputs[0]);
	}
}

void gs_fuse_drop_inputs(struct gs_graph *g, const struct gs_node *n)
{
	int i;

	for (i = 0; i < n->n_inputs; i++)
		if (n->inputs[i] >= 0 && g->values[n->inputs[i]]->kind != GS_VALUE_OUTER)
			gs_fuse_drop_if_unused(g, n->inputs[i]);
}

bool gs_fuse_has_subgraphs(const struct gs_node *n)
{
	struct gs_graph *subs[1];

	return gs_node_subgraphs(n, subs, 1) > 0;
}

bool gs_fuse_clonable(const struct gs_node *n)
{
	int i;

	for (i = 0; i < n->n_attrs; i++) {
		switch (n->attrs[i].type) {
		case GS_ATTR_TENSOR: case GS_ATTR_GRAPH: case GS_ATTR_TENSORS:
		case GS_ATTR_GRAPHS: case GS_ATTR_SPARSE_TENSOR: case GS_ATTR_SPARSE_TENSORS:
			return false;
		default:
			break;
		}
	}
	return true;
}

struct gs_node *gs_fuse_add_like(struct gs_graph *g, const struct gs_node *tmpl,
				 const char *op_type, const char *name,
				 int n_in, const int *in, int n_out, const int *out)
{
	struct gs_node *n = gs_graph_add_node(g, op_type, tmpl ? tmpl->domain : "", name,
					      n_in, in, n_out, out);
	int i;

	/* a node just added: its attributes need no journal (undo drops it) */
	for (i = 0; tmpl && i < tmpl->n_attrs; i++) {
		struct gs_attr *a = gs_node_add_attr(g->model, n, tmpl->attrs[i].name,
						     tmpl->attrs[i].type);

		*a = tmpl->attrs[i];
	}
	return n;
}

int gs_fuse_rewrite_param(struct gs_graph *g, int vid, const struct gs_node *n, int dtype,
			  int rank, const int64_t *dims, void *data, size_t nbytes)
{
	struct gs_value *v = g->values[vid];

	if (v->kind == GS_VALUE_PARAM && v->is_initializer && v->param &&
	    gs_fuse_uses(g, vid) == 1 && v->uses[0].node == n->id && !is_graph_input(g, vid) &&
	    v->param->dtype == dtype && v->param->rank == rank &&
	    !memcmp(v->param->dims, dims, sizeof(int64_t) * (size_t)rank)) {
		gs_tensor_replace(g->model, v->param, dtype, rank, dims, data, nbytes);
		return vid;
	}
	return gs_fuse_new_param(g, v->name, dtype, rank, dims, data, nbytes);
}

int gs_fuse_each_node(struct gs_model *m,
		      int (*try_node)(struct gs_graph *g, struct gs_node *n,
				      struct gs_fuse_log *log),
		      struct gs_fuse_log *log, struct gs_error *err)
{
	struct gs_graph **gs;
	int count, i, j, n_order, *order, total = 0;

	gs = gs_fuse_graphs(m, &count);
	for (i = 0; i < count; i++) {
		if (!(order = gs_fuse_order(gs[i], &n_order, err))) {
			free(gs);
			return -1;
		}
		/* the order is a snapshot: rewrites add nodes that are not in it */
		for (j = 0; j < n_order; j++)
			total += try_node(gs[i], gs[i]->nodes[order[j]], log);
		free(order);
	}
	free(gs);
	return total;
}
