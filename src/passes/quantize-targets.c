/*
 * Which tensors the quantize passes touch: the weight input of Conv,
 * ConvTranspose, Gemm and MatMul, wherever the parameter lives (an
 * initializer, a Constant node, an enclosing graph), and the clean-up of
 * the float original once nothing reads it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "graphsmith/ops.h"
#include "passes/quantize-internal.h"

struct walk {
	gs_quant_target_fn fn;
	void *ctx;
};

/* The value holding a parameter, following Identity links and outer-scope
 * references the way gs_graph_param_of does. */
static int resolve(struct gs_graph *g, int vid, struct gs_graph **owner, int *owner_value)
{
	const struct gs_value *v = g->values[vid];
	int hops;

	for (hops = 0; hops < 8 && v->kind == GS_VALUE_ACTIVATION && v->producer >= 0; hops++) {
		const struct gs_node *p = g->nodes[v->producer];

		if (strcmp(p->op_type, "Identity") || p->n_inputs < 1 || p->inputs[0] < 0)
			break;
		v = g->values[p->inputs[0]];
	}
	if (v->kind == GS_VALUE_OUTER && v->outer) {
		const struct gs_value *o = v->outer;
		struct gs_graph *p;

		for (p = g->parent; p; p = p->parent) {
			int id = gs_graph_find_value(p, o->name);

			if (id >= 0 && p->values[id] == o) {
				*owner = p;
				*owner_value = id;
				return o->kind == GS_VALUE_PARAM ? 0 : -1;
			}
		}
		return -1;
	}
	*owner = g;
	*owner_value = v->id;
	return v->kind == GS_VALUE_PARAM ? 0 : -1;
}

/* The float weight input of n (the registry's weight_slot), its output
 * channel axis and, for a 2-D matmul weight, its reduction axis. */
static int weight_slot(const struct gs_node *n, int *axis, int *k_axis, int rank)
{
	const char *fam;
	int slot;

	if (n->domain[0] || n->n_inputs < 2)
		return -1;
	*k_axis = -1;
	if ((slot = gs_op_weight_slot("", n->op_type, axis, NULL)) < 0)
		return -1;
	if (*axis < 0)
		*axis += rank;
	/* out_axis is Gemm's for transB = 0 */
	if (!strcmp(n->op_type, "Gemm") && gs_node_attr_int(n, "transB", 0))
		*axis = 1 - *axis;
	fam = gs_op_family("", n->op_type);
	if (fam && !strcmp(fam, "matmul") && rank == 2)
		*k_axis = 1 - *axis;
	return slot;
}

static int visit_graph(struct gs_graph *g, void *ctx)
{
	struct walk *w = ctx;
	int i, n_nodes = g->n_nodes;	/* nodes added on the way are ours */

	for (i = 0; i < n_nodes; i++) {
		struct gs_quant_target tg;
		struct gs_node *n = g->nodes[i];
		struct gs_tensor *t;
		int slot, rc;

		if (n->removed || n->n_inputs < 2 || n->inputs[1] < 0)
			continue;
		t = gs_graph_param_of(g, n->inputs[1]);
		if (!t || t->dtype != GS_DTYPE_FLOAT || !t->data || t->numel <= 0 || t->rank < 1)
			continue;
		memset(&tg, 0, sizeof(tg));
		slot = weight_slot(n, &tg.axis, &tg.k_axis, t->rank);
		if (slot < 0 || tg.axis >= t->rank)
			continue;
		if (!strcmp(n->op_type, "Gemm") && t->rank != 2)
			continue;
		if (resolve(g, n->inputs[slot], &tg.owner, &tg.owner_value))
			continue;
		tg.g = g;
		tg.n = n;
		tg.slot = slot;
		tg.t = t;
		if ((rc = w->fn(&tg, w->ctx)))
			return rc;
	}
	return 0;
}

int gs_quant_each_target(struct gs_model *m, gs_quant_target_fn fn, void *ctx)
{
	struct walk w = { fn, ctx };

	return gs_graph_walk(m->graph, visit_graph, &w);
}

struct outer_use {
	const struct gs_value *v;
	bool used;
};

static int find_outer_use(struct gs_graph *g, void *ctx)
{
	struct outer_use *u = ctx;
	int i;

	for (i = 0; i < g->n_values && !u->used; i++) {
		const struct gs_value *v = g->values[i];

		if (v->kind == GS_VALUE_OUTER && v->outer == u->v &&
		    (v->n_uses > 0 || v->is_graph_output))
			u->used = true;
	}
	return u->used;
}

void gs_quant_drop_source(struct gs_graph *owner, int value_id)
{
	struct gs_value *v = owner->values[value_id];
	struct outer_use u = { v, false };
	int i;

	if (v->kind != GS_VALUE_PARAM || v->n_uses > 0 || v->is_graph_output)
		return;
	for (i = 0; i < owner->n_inputs; i++)
		if (owner->inputs[i] == value_id)
			return;		/* an IR<4 input with a default: keep it */
	gs_graph_walk(owner, find_outer_use, &u);
	if (u.used)
		return;
	if (v->is_initializer) {
		gs_graph_remove_initializer(owner, value_id);
	} else if (v->producer >= 0) {
		struct gs_node *p = owner->nodes[v->producer];

		if (!strcmp(p->op_type, "Constant") && p->n_outputs == 1)
			gs_graph_remove_node(owner, p);
	}
}

float *gs_quant_aligned_copy(const struct gs_tensor *t)
{
	float *copy;

	if ((uintptr_t)t->data % sizeof(float) == 0)
		return NULL;
	copy = gs_xmalloc((size_t)t->numel * sizeof(float));
	memcpy(copy, t->data, (size_t)t->numel * sizeof(float));
	return copy;
}

void gs_quant_drop_pages(const struct gs_tensor *t)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t lo = ((uintptr_t)t->data + page - 1) & ~(page - 1);
	uintptr_t hi = ((uintptr_t)t->data + t->nbytes) & ~(page - 1);

	/* only whole pages inside the tensor, and only file-backed views:
	 * the reader maps read-only and never writes, so nothing is lost */
	if ((t->store == GS_STORE_MAPPED || t->store == GS_STORE_EXTERNAL) && hi > lo)
		madvise((void *)lo, hi - lo, MADV_DONTNEED);
}

const char *gs_quant_dims_str(const struct gs_tensor *t, char *buf, size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = 0;
	for (i = 0; i < t->rank && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%lld", i ? "x" : "",
					(long long)t->dims[i]);
	if (!t->rank)
		snprintf(buf, len, "scalar");
	return buf;
}

int gs_quant_new_init(struct gs_graph *g, const char *hint, int dtype, int rank,
		      const int64_t *dims, void *data, size_t nbytes)
{
	struct gs_model *m = g->model;
	struct gs_tensor *t = gs_tensor_new(m, NULL, dtype, rank, dims);

	/* journaled, so undo frees the buffer */
	gs_tensor_replace(m, t, dtype, rank, dims, data, nbytes);
	return gs_graph_new_param(g, hint, t);
}
