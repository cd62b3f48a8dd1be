/*
 * Importing one model's graph into another: every node, value, initializer,
 * Constant and subgraph (If/Loop/Scan bodies) copied under a name prefix,
 * with the value types (symbolic dims included) and the opset imports.
 * What ensemble, compose and graft build on.  Every change to the
 * destination goes through the journaled edits, so a console step that
 * imports undoes like any other.
 */
#include <stdlib.h>
#include <string.h>

#include "graphsmith/ir.h"
#include "ir/internal.h"

void gs_value_copy_type(struct gs_graph *g, struct gs_value *v, int dtype, int rank,
			const struct gs_dim *dims)
{
	int64_t *d = NULL;
	int i;

	if (rank > 0) {
		d = gs_arena_alloc(&g->model->arena, sizeof(*d) * (size_t)rank);
		for (i = 0; i < rank; i++)
			d[i] = dims ? dims[i].value : -1;
	}
	gs_value_set_type(g, v, dtype, rank, d);
	/* the dims array is the edit's own, fresh: names go in place */
	for (i = 0; i < rank && dims; i++)
		if (dims[i].param)
			v->dims[i].param = gs_arena_strdup(&g->model->arena, dims[i].param);
}

int gs_graph_add_input(struct gs_graph *g, const char *name, int dtype, int rank,
		       const struct gs_dim *dims)
{
	int id = gs_graph_new_value(g, name);
	int *in = gs_xmalloc(sizeof(int) * (size_t)(g->n_inputs + 1));

	g->values[id]->kind = GS_VALUE_INPUT;	/* a fresh value: nothing to undo */
	gs_value_copy_type(g, g->values[id], dtype, rank, dims);
	if (g->n_inputs)
		memcpy(in, g->inputs, sizeof(int) * (size_t)g->n_inputs);
	in[g->n_inputs] = id;
	gs_graph_set_inputs(g, g->n_inputs + 1, in);
	free(in);
	return id;
}

/* The bytes are copied from wherever they live (mapping, external file,
 * heap); from is kept for symmetry and future lazy sources. */
struct gs_tensor *gs_tensor_clone(struct gs_model *to, const struct gs_model *from,
				  const struct gs_tensor *src, const char *name,
				  struct gs_error *err)
{
	const char *src_name = src->name ? src->name : "";
	size_t want = gs_dtype_storage_bytes(src->dtype, (size_t)src->numel);
	struct gs_tensor *t;
	void *data = NULL;

	if (src->numel > 0 && (src->store == GS_STORE_NONE || !src->data || src->nbytes < want)) {
		gs_error_set(err, "tensor '%s' has no readable data to copy", src_name);
		return NULL;
	}
	(void)from;
	t = gs_tensor_new(to, gs_arena_strdup(&to->arena, name ? name : src_name), src->dtype,
			  src->rank, src->dims);
	if (want) {
		data = gs_xmalloc_huge(want);
		memcpy(data, src->data, want);
	}
	t->data = data;
	t->nbytes = want;
	t->store = data ? GS_STORE_HEAP : GS_STORE_NONE;
	return t;
}

static bool default_domain(const char *d)
{
	return !d[0] || !strcmp(d, "ai.onnx");
}

int gs_model_merge_opsets(struct gs_model *dst, const struct gs_model *src, struct gs_error *err)
{
	int i;

	for (i = 0; i < src->n_opsets; i++) {
		const char *d = src->opsets[i].domain;
		int64_t have = gs_model_opset(dst, default_domain(d) ? "" : d);

		if (have && have != src->opsets[i].version)
			return gs_error_set(err, "the models import %s opset %lld and %lld: convert one "
					    "to the other's opset first",
					    default_domain(d) ? "the default" : d,
					    (long long)have, (long long)src->opsets[i].version);
	}
	for (i = 0; i < src->n_opsets; i++) {
		const char *d = src->opsets[i].domain;

		if (!gs_model_opset(dst, default_domain(d) ? "" : d))
			gs_model_set_opset(dst, d, src->opsets[i].version);
	}
	if (dst->ir_version < src->ir_version)
		gs_model_set_ir_version(dst, src->ir_version);
	return 0;
}

/* One graph being copied: src value id -> dst value id, and the scope
 * around it for the names a body reads from its enclosing graphs. */
struct scope {
	const struct gs_graph *src;
	struct gs_graph *dst;
	int *map;
	const struct scope *up;
};

struct ictx {
	struct gs_model *dm;
	const struct gs_model *sm;
	const char *prefix;
	struct gs_error *err;
};

static const char *prefixed(struct ictx *c, const char *name)
{
	return gs_arena_printf(&c->dm->arena, "%s%s", c->prefix, name);
}

static int map_value(struct ictx *c, const struct scope *s, int sid)
{
	const struct gs_value *v;
	struct gs_value *dv;
	const struct scope *up;
	int id = -1;

	if (sid < 0)
		return -1;
	if (s->map[sid] >= 0)
		return s->map[sid];
	v = s->src->values[sid];
	if (v->kind == GS_VALUE_OUTER) {
		for (up = s->up; up; up = up->up) {
			int oid = gs_graph_find_value(up->src, v->name);

			if (oid >= 0) {
				int did = map_value(c, up, oid);
				const struct gs_value *o;

				if (did < 0)
					return -2;
				o = up->dst->values[did];

				id = gs_graph_add_value(s->dst, o->name);
				dv = s->dst->values[id];
				dv->kind = GS_VALUE_OUTER;
				dv->outer = o->kind == GS_VALUE_OUTER ? o->outer : o;
				dv->dtype = o->dtype;
				dv->rank = o->rank;
				dv->dims = o->dims;
				break;
			}
		}
		if (id < 0)
			return gs_error_set(c->err, "graph '%s' reads '%s' that no enclosing graph defines",
					    s->src->name, v->name), -2;
	} else {
		id = gs_graph_new_value(s->dst, prefixed(c, v->name));
		if (v->dtype || v->rank >= 0)
			gs_value_copy_type(s->dst, s->dst->values[id], v->dtype, v->rank, v->dims);
	}
	s->map[sid] = id;
	return id;
}

static int copy_graph(struct ictx *c, const struct scope *s);

static struct gs_graph *copy_subgraph(struct ictx *c, const struct scope *s,
				      const struct gs_graph *sub, int owner)
{
	struct scope in = { .src = sub, .up = s };
	int rc, i;

	in.dst = gs_graph_new(c->dm, s->dst, sub->name);
	in.dst->owner_node = owner;
	in.map = gs_xmalloc(sizeof(int) * (size_t)(sub->n_values + 1));
	for (i = 0; i < sub->n_values; i++)
		in.map[i] = -1;
	rc = copy_graph(c, &in);
	free(in.map);
	return rc ? NULL : in.dst;
}

static struct gs_tensor *clone(struct ictx *c, const struct gs_tensor *t, const char *name)
{
	return gs_tensor_clone(c->dm, c->sm, t, name, c->err);
}

static int copy_attr(struct ictx *c, const struct scope *s, struct gs_node *n,
		     const struct gs_attr *a)
{
	struct gs_arena *ar = &c->dm->arena;
	struct gs_attr *d = gs_node_add_attr(c->dm, n, gs_arena_strdup(ar, a->name), a->type);
	int k;

	d->f = a->f;
	d->i = a->i;
	d->n = a->n;
	d->ref_attr_name = a->ref_attr_name ? gs_arena_strdup(ar, a->ref_attr_name) : NULL;
	if (a->s) {
		d->s = gs_arena_strndup(ar, a->s, a->s_len);
		d->s_len = a->s_len;
	}
	switch (a->type) {
	case GS_ATTR_TENSOR:
		if (a->t && !(d->t = clone(c, a->t, NULL)))
			return -1;
		break;
	case GS_ATTR_GRAPH:
		if (a->g && !(d->g = copy_subgraph(c, s, a->g, n->id)))
			return -1;
		break;
	case GS_ATTR_FLOATS:
		d->floats = gs_arena_alloc(ar, sizeof(float) * (size_t)(a->n + 1));
		memcpy(d->floats, a->floats, sizeof(float) * (size_t)a->n);
		break;
	case GS_ATTR_INTS:
		d->ints = gs_arena_alloc(ar, sizeof(int64_t) * (size_t)(a->n + 1));
		memcpy(d->ints, a->ints, sizeof(int64_t) * (size_t)a->n);
		break;
	case GS_ATTR_STRINGS:
		d->strings = gs_arena_alloc(ar, sizeof(char *) * (size_t)(a->n + 1));
		for (k = 0; k < a->n; k++)
			d->strings[k] = gs_arena_strdup(ar, a->strings[k]);
		break;
	case GS_ATTR_TENSORS:
		d->tensors = gs_arena_alloc(ar, sizeof(void *) * (size_t)(a->n + 1));
		for (k = 0; k < a->n; k++)
			if (!(d->tensors[k] = clone(c, a->tensors[k], NULL)))
				return -1;
		break;
	case GS_ATTR_GRAPHS:
		d->graphs = gs_arena_alloc(ar, sizeof(void *) * (size_t)(a->n + 1));
		for (k = 0; k < a->n; k++)
			if (!(d->graphs[k] = copy_subgraph(c, s, a->graphs[k], n->id)))
				return -1;
		break;
	case GS_ATTR_SPARSE_TENSOR: case GS_ATTR_SPARSE_TENSORS:
	case GS_ATTR_TYPE_PROTO: case GS_ATTR_TYPE_PROTOS:
		return gs_error_set(c->err, "node '%s' (%s): attribute '%s' is of a kind that "
				    "cannot be copied between models", n->name, n->op_type, a->name);
	}
	return 0;
}

static int copy_node(struct ictx *c, const struct scope *s, const struct gs_node *sn)
{
	int *in = gs_xmalloc(sizeof(int) * (size_t)(sn->n_inputs + sn->n_outputs + 1));
	int *out = in + sn->n_inputs;
	struct gs_node *n;
	int i, rc = 0;

	for (i = 0; i < sn->n_inputs; i++)
		if ((in[i] = map_value(c, s, sn->inputs[i])) < -1)
			rc = -1;
	for (i = 0; i < sn->n_outputs; i++)
		if ((out[i] = map_value(c, s, sn->outputs[i])) < -1)
			rc = -1;
	if (rc)
		goto out;
	n = gs_graph_add_node(s->dst, gs_arena_strdup(&c->dm->arena, sn->op_type),
			      gs_arena_strdup(&c->dm->arena, sn->domain),
			      sn->name[0] ? prefixed(c, sn->name) : "", sn->n_inputs, in,
			      sn->n_outputs, out);
	for (i = 0; i < sn->n_attrs && !rc; i++)
		rc = copy_attr(c, s, n, &sn->attrs[i]);
	/* a Constant's output is a parameter, as the reader makes it */
	if (!rc && sn->n_outputs == 1 && sn->outputs[0] >= 0) {
		const struct gs_value *sv = s->src->values[sn->outputs[0]];
		struct gs_value *dv = s->dst->values[out[0]];

		if (sv->kind == GS_VALUE_PARAM && !sv->is_initializer && sv->param) {
			const struct gs_attr *va = gs_node_attr(n, "value");

			dv->kind = GS_VALUE_PARAM;
			dv->param = va && va->type == GS_ATTR_TENSOR && va->t ? va->t :
				    clone(c, sv->param, dv->name);
			if (!dv->param)
				rc = -1;
		}
	}
out:
	free(in);
	return rc;
}

/* Inputs are the caller's (main graph) or made here (bodies); then
 * initializers, nodes in file order, and a body's outputs. */
static int copy_graph(struct ictx *c, const struct scope *s)
{
	const struct gs_graph *sg = s->src;
	struct gs_graph *dg = s->dst;
	int i;

	if (dg->parent) {
		dg->inputs = gs_arena_alloc(&c->dm->arena, sizeof(int) * (size_t)(sg->n_inputs + 1));
		for (i = 0; i < sg->n_inputs; i++) {
			int id = map_value(c, s, sg->inputs[i]);

			if (!sg->values[sg->inputs[i]]->is_initializer)
				dg->values[id]->kind = GS_VALUE_INPUT;
			dg->inputs[dg->n_inputs++] = id;
		}
	}
	for (i = 0; i < sg->n_initializers; i++) {
		const struct gs_value *v = sg->values[sg->initializers[i]];
		struct gs_tensor *t;
		int id;

		if (v->kind != GS_VALUE_PARAM || !v->is_initializer || s->map[v->id] >= 0)
			continue;
		id = gs_graph_new_value(dg, prefixed(c, v->name));
		if (!(t = clone(c, v->param, dg->values[id]->name)))
			return -1;
		gs_graph_add_initializer(dg, id, t);
		s->map[v->id] = id;
	}
	for (i = 0; i < sg->n_values; i++)
		if (sg->values[i]->kind == GS_VALUE_PARAM && !sg->values[i]->param)
			return gs_error_set(c->err, "'%s' holds sparse initializer '%s', which cannot be "
					    "copied", c->sm->path ? c->sm->path : "model",
					    sg->values[i]->name);
	for (i = 0; i < sg->n_nodes; i++)
		if (!sg->nodes[i]->removed && copy_node(c, s, sg->nodes[i]))
			return -1;
	if (dg->parent) {
		dg->outputs = gs_arena_alloc(&c->dm->arena, sizeof(int) * (size_t)(sg->n_outputs + 1));
		for (i = 0; i < sg->n_outputs; i++) {
			int id = map_value(c, s, sg->outputs[i]);

			if (id < 0)
				return -1;
			dg->outputs[dg->n_outputs++] = id;
			dg->values[id]->is_graph_output = true;
		}
	}
	return 0;
}

int gs_model_import(struct gs_model *dst, const struct gs_model *src, const char *prefix,
		    const int *bind, int *outputs, struct gs_error *err)
{
	const struct gs_graph *sg = src->graph;
	struct ictx c = { .dm = dst, .sm = src, .prefix = prefix ? prefix : "", .err = err };
	struct scope s = { .src = sg, .dst = dst->graph };
	int i, rc = -1;

	if (gs_model_merge_opsets(dst, src, err))
		return -1;
	s.map = gs_xmalloc(sizeof(int) * (size_t)(sg->n_values + 1));
	for (i = 0; i < sg->n_values; i++)
		s.map[i] = -1;
	for (i = 0; i < sg->n_inputs; i++) {
		const struct gs_value *v = sg->values[sg->inputs[i]];

		if (v->is_initializer)
			continue;	/* IR < 4 listing: copied as an initializer */
		if (bind && bind[i] >= 0)
			s.map[v->id] = bind[i];
		else
			s.map[v->id] = gs_graph_add_input(dst->graph, prefixed(&c, v->name), v->dtype,
							  v->rank, v->dims);
	}
	if (copy_graph(&c, &s))
		goto out;
	for (i = 0; i < sg->n_outputs; i++)
		if ((outputs[i] = map_value(&c, &s, sg->outputs[i])) < 0)
			goto out;
	rc = 0;
out:
	free(s.map);
	return rc;
}
