/*
 * `quantize fp16 --all`: the whole model computes in float16.  Float
 * parameters are stored as float16, float activations change type, and
 * Casts appear where a float32 value meets a consumer that wants float16
 * or the reverse.  The graph's inputs and outputs keep float32: inputs get
 * a Cast in front of their consumers; the nodes producing float outputs
 * stay float32 (so the outputs keep their names), with Casts on their
 * inputs.  Nodes whose inputs must be float32 (Q/DQ, contrib ops) and the
 * float32-only slots (Resize scales) are left float too.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/ops.h"
#include "passes/quantize-internal.h"

struct cast {
	int value, to, out;
};

struct conv {
	struct gs_model *m;
	int params, values, casts;
	uint64_t bytes_before, bytes_after;
	struct gs_error *err;
	/* per graph */
	int *ty;			/* dtype of each value before the pass */
	struct cast *cache;
	int n_cache, cache_alloc;
};

static bool is_float_op(const struct gs_node *n)
{
	static const char *const ops[] = {
		"QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear",
		"NonMaxSuppression", NULL,
	};
	int i;

	if (n->domain[0] && strcmp(n->domain, "ai.onnx"))
		return true;
	for (i = 0; ops[i]; i++)
		if (!strcmp(n->op_type, ops[i]))
			return true;
	return false;
}

static bool graph_is_float(const struct gs_graph *g);

/* A node that keeps computing in float32. */
static bool node_is_float(const struct gs_graph *g, const struct gs_node *n)
{
	int i;

	if (graph_is_float(g) || is_float_op(n))
		return true;
	if (g->parent)
		return false;
	for (i = 0; i < n->n_outputs; i++) {
		const struct gs_value *v = n->outputs[i] >= 0 ? g->values[n->outputs[i]] : NULL;

		if (v && v->is_graph_output && v->dtype == GS_DTYPE_FLOAT)
			return true;
	}
	return false;
}

/* The node holding subgraph g (the reader leaves owner_node unset). */
static const struct gs_node *owner_of(const struct gs_graph *g)
{
	const struct gs_graph *p = g->parent;
	struct gs_graph *subs[16];
	int i, k, n;

	if (g->owner_node >= 0)
		return p->nodes[g->owner_node];
	for (i = 0; i < p->n_nodes; i++) {
		n = gs_node_subgraphs(p->nodes[i], subs, 16);
		for (k = 0; k < n && k < 16; k++)
			if (subs[k] == g)
				return p->nodes[i];
	}
	return NULL;
}

static bool graph_is_float(const struct gs_graph *g)
{
	const struct gs_node *owner;

	if (!g->parent || !(owner = owner_of(g)))
		return false;
	return node_is_float(g->parent, owner);
}

/* An input that stays float32 whatever T (the registry's f32_input). */
static bool float_only_slot(const struct gs_node *n, int slot)
{
	const struct gs_op *op = gs_op_facts("", n->op_type);

	return op && op->f32_input > 0 && op->f32_input == slot;
}

static int wants(const struct gs_graph *g, const struct gs_node *n, int slot)
{
	return node_is_float(g, n) || float_only_slot(n, slot) ? GS_DTYPE_FLOAT
							       : GS_DTYPE_FLOAT16;
}

/* Output dtype of a node whose value_info the file did not give. */
static int infer(const struct gs_graph *g, const struct gs_node *n, const int *ty)
{
	const struct gs_op *op;
	int i;

	if (!strcmp(n->op_type, "Cast"))
		return (int)gs_node_attr_int(n, "to", 0);
	if (!strcmp(n->op_type, "ConstantOfShape")) {
		const struct gs_attr *a = gs_node_attr(n, "value");

		return a && a->t ? a->t->dtype : GS_DTYPE_FLOAT;
	}
	/* comparisons give bool, Shape and ArgMax int64: the registry knows */
	if ((op = gs_op_facts("", n->op_type)) && op->out_dtype)
		return op->out_dtype;
	for (i = 0; i < n->n_inputs; i++)
		if (n->inputs[i] >= 0 && ty[n->inputs[i]])
			return ty[n->inputs[i]];
	(void)g;
	return 0;
}

static int value_type(const struct gs_value *v)
{
	if (v->kind == GS_VALUE_OUTER && v->outer)
		return v->outer->dtype;
	if (v->kind == GS_VALUE_PARAM && v->param)
		return v->param->dtype;
	return v->dtype;
}

static void set_type(struct gs_graph *g, struct gs_value *v, int dtype)
{
	int64_t dims[64];
	int i, rank = v->rank > 64 ? -1 : v->rank;

	for (i = 0; i < rank; i++)
		dims[i] = v->dims[i].value;
	gs_value_set_type(g, v, dtype, rank, rank > 0 ? dims : NULL);
}

static int cast_of(struct conv *c, struct gs_graph *g, int value, int to)
{
	struct gs_model *m = g->model;
	struct gs_value *v;
	int i, out;

	for (i = 0; i < c->n_cache; i++)
		if (c->cache[i].value == value && c->cache[i].to == to)
			return c->cache[i].out;
	v = g->values[value];
	out = gs_graph_new_value(g, gs_arena_printf(&m->arena, "%s_%s", v->name,
				 to == GS_DTYPE_FLOAT16 ? "fp16" : "fp32"));
	gs_node_set_attr_int(g, gs_graph_add_node(g, "Cast", "", gs_arena_printf(&m->arena,
			     "%s_Cast", g->values[out]->name), 1, &value, 1, &out), "to", to);
	set_type(g, g->values[out], to);
	GS_GROW(c->cache, c->n_cache + 1, c->cache_alloc);
	c->cache[c->n_cache].value = value;
	c->cache[c->n_cache].to = to;
	c->cache[c->n_cache++].out = out;
	c->casts++;
	return out;
}

static void to_half(struct conv *c, struct gs_tensor *t)
{
	size_t i, n = (size_t)t->numel;
	float *copy = gs_quant_aligned_copy(t);
	const float *w = copy ? copy : t->data;
	uint16_t *h = gs_xmalloc(n * 2 + 2);

	for (i = 0; i < n; i++)
		h[i] = gs_float_to_half(w[i]);
	free(copy);
	c->bytes_before += n * 4;
	c->bytes_after += n * 2;
	gs_tensor_replace(c->m, t, GS_DTYPE_FLOAT16, t->rank, t->dims, h, n * 2);
	c->params++;
}

/* A float parameter becomes float16 when every reader in g wants that. */
static void convert_param(struct conv *c, struct gs_graph *g, struct gs_value *v)
{
	int i;

	if (!v->param || v->param->dtype != GS_DTYPE_FLOAT || !v->param->data ||
	    v->n_uses == 0 || v->is_graph_output)
		return;
	for (i = 0; i < v->n_uses; i++) {
		const struct gs_node *u = g->nodes[v->uses[i].node];

		if (wants(g, u, v->uses[i].slot) != GS_DTYPE_FLOAT16)
			return;
	}
	for (i = 0; i < g->n_inputs; i++)
		if (g->inputs[i] == v->id)
			return;
	to_half(c, v->param);
	set_type(g, v, GS_DTYPE_FLOAT16);
}

static void fix_attrs(struct conv *c, struct gs_graph *g, struct gs_node *n)
{
	const struct gs_attr *a;

	if (!strcmp(n->op_type, "Cast") && gs_node_attr_int(n, "to", 0) == GS_DTYPE_FLOAT) {
		gs_node_set_attr_int(g, n, "to", GS_DTYPE_FLOAT16);
	} else if (!strcmp(n->op_type, "ConstantOfShape")) {
		a = gs_node_attr(n, "value");
		if (!a) {
			int64_t one = 1;
			struct gs_tensor *t = gs_tensor_new(c->m, "value", GS_DTYPE_FLOAT16, 1, &one);

			gs_tensor_replace(c->m, t, GS_DTYPE_FLOAT16, 1, &one, gs_xcalloc(1, 2), 2);
			gs_node_set_attr_tensor(g, n, "value", t);
		} else if (a->t && a->t->dtype == GS_DTYPE_FLOAT && a->t->data) {
			to_half(c, a->t);
		}
	} else if (!strcmp(n->op_type, "EyeLike") || !strncmp(n->op_type, "Random", 6)) {
		bool like = strstr(n->op_type, "Like") != NULL;
		int64_t dt = gs_node_attr_int(n, "dtype", like ? 0 : GS_DTYPE_FLOAT);

		if (dt == GS_DTYPE_FLOAT)
			gs_node_set_attr_int(g, n, "dtype", GS_DTYPE_FLOAT16);
	}
}

static int convert_graph(struct gs_graph *g, void *ctx)
{
	struct conv *c = ctx;
	bool fgraph = graph_is_float(g);
	int i, j, n_nodes = g->n_nodes, n_values = g->n_values;
	struct gs_error err;

	if (gs_graph_toposort(g, &err) < 0) {
		memcpy(c->err->msg, err.msg, sizeof(err.msg));
		return -1;
	}
	c->ty = gs_xcalloc((size_t)n_values + 1, sizeof(int));
	c->n_cache = 0;
	for (i = 0; i < n_values; i++)
		c->ty[i] = value_type(g->values[i]);
	for (i = 0; i < g->n_topo; i++) {
		const struct gs_node *n = g->nodes[g->topo[i]];
		int t = infer(g, n, c->ty);

		for (j = 0; j < n->n_outputs; j++)
			if (n->outputs[j] >= 0 && !c->ty[n->outputs[j]] &&
			    g->values[n->outputs[j]]->kind == GS_VALUE_ACTIVATION)
				c->ty[n->outputs[j]] = t;
	}
	/* 1. types: float activations of float16 nodes, body inputs */
	for (i = 0; i < n_values && !fgraph; i++) {
		struct gs_value *v = g->values[i];

		if (c->ty[i] != GS_DTYPE_FLOAT)
			continue;
		if (v->kind == GS_VALUE_PARAM) {
			convert_param(c, g, v);
		} else if (v->kind == GS_VALUE_ACTIVATION && v->producer >= 0 &&
			   !node_is_float(g, g->nodes[v->producer])) {
			set_type(g, v, GS_DTYPE_FLOAT16);
			c->values++;
		} else if (v->kind == GS_VALUE_INPUT && g->parent) {
			set_type(g, v, GS_DTYPE_FLOAT16);
			c->values++;
		}
	}
	/* 2. node attributes that name a float output type */
	for (i = 0; i < n_nodes && !fgraph; i++)
		if (!g->nodes[i]->removed && !node_is_float(g, g->nodes[i]))
			fix_attrs(c, g, g->nodes[i]);
	/* 3. casts where a value's type and its reader's wish differ */
	for (i = 0; i < n_nodes; i++) {
		struct gs_node *n = g->nodes[i];

		if (n->removed)
			continue;
		for (j = 0; j < n->n_inputs; j++) {
			int vid = n->inputs[j], have, want;

			if (vid < 0)
				continue;
			have = value_type(g->values[vid]);
			if (!have && c->ty[vid] == GS_DTYPE_FLOAT)
				have = GS_DTYPE_FLOAT;
			if (have != GS_DTYPE_FLOAT && have != GS_DTYPE_FLOAT16)
				continue;
			want = wants(g, n, j);
			if (have != want)
				gs_node_set_input(g, n, j, cast_of(c, g, vid, want));
		}
	}
	free(c->ty);
	c->ty = NULL;
	return 0;
}

int gs_quant_fp16_all(struct gs_model *m, gs_quant_report_fn report, void *ctx,
		      struct gs_error *err)
{
	struct conv c;
	char line[256], b0[32], b1[32];
	int rc;

	memset(&c, 0, sizeof(c));
	c.m = m;
	c.err = err;
	rc = gs_graph_walk(m->graph, convert_graph, &c);
	free(c.cache);
	free(c.ty);
	if (rc)
		return gs_error_prefix(err, "quantize fp16 --all");
	if (report) {
		snprintf(line, sizeof(line), "fp16 --all: %d parameters to float16 (%s -> %s), "
			 "%d values retyped, %d casts inserted", c.params,
			 gs_format_bytes(c.bytes_before, b0, sizeof(b0)),
			 gs_format_bytes(c.bytes_after, b1, sizeof(b1)), c.values, c.casts);
		report(ctx, line);
	}
	return c.params + c.values;
}
