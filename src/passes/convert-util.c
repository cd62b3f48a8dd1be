/*
 * What an opset adapter knows of values (rank, dtype, dims, constants) and
 * the rewrites it makes (new parameters and nodes, replacements), over one
 * step of one graph (struct cv).  Used by the adapters (convert-adapters.c)
 * and by the driver (convert.c) that fills struct cv; built on the fuse
 * passes' parameter helpers (fuse-util.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passes/convert-internal.h"
#include "passes/fuse-internal.h"

int gs_cv_did(struct cv *c, const char *label, const char *fmt, ...)
{
	va_list ap;

	c->label = label;
	va_start(ap, fmt);
	vsnprintf(c->what, sizeof(c->what), fmt, ap);
	va_end(ap);
	return 1;
}

int gs_cv_refuse(struct cv *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
	return -1;
}

int gs_cv_rank(const struct cv *c, int vid)
{
	const struct gs_value *v;

	if (vid < 0 || vid >= c->g->n_values)
		return -1;
	if (vid < c->n_known && c->rank[vid] >= 0)
		return c->rank[vid];
	v = c->g->values[vid];
	if (v->kind == GS_VALUE_PARAM && v->param)
		return v->param->rank;
	return v->rank;
}

int gs_cv_dtype(const struct cv *c, int vid)
{
	const struct gs_value *v;

	if (vid < 0 || vid >= c->g->n_values)
		return 0;
	if (vid < c->n_known && c->dtype[vid])
		return c->dtype[vid];
	v = c->g->values[vid];
	if (v->kind == GS_VALUE_PARAM && v->param)
		return v->param->dtype;
	return v->dtype;
}

int64_t gs_cv_dim(const struct cv *c, int vid, int axis)
{
	const struct gs_value *v;

	if (vid < 0 || vid >= c->g->n_values)
		return -1;
	v = c->g->values[vid];
	if (v->kind == GS_VALUE_OUTER && v->outer)
		v = v->outer;
	if (v->kind == GS_VALUE_PARAM && v->param)
		return axis >= 0 && axis < v->param->rank ? v->param->dims[axis] : -1;
	if (v->rank < 0 || axis < 0 || axis >= v->rank || !v->dims)
		return -1;
	return v->dims[axis].value;
}

const char *gs_cv_name(const struct cv *c, const struct gs_node *n)
{
	return gs_fuse_label(c->g, n);
}

bool gs_cv_has_input(const struct gs_node *n, int slot)
{
	return slot < n->n_inputs && n->inputs[slot] >= 0;
}

bool gs_cv_output_used(const struct cv *c, const struct gs_node *n, int slot)
{
	if (slot >= n->n_outputs || n->outputs[slot] < 0)
		return false;
	return gs_fuse_uses(c->g, n->outputs[slot]) != 0;
}

int gs_cv_const_doubles(const struct cv *c, const struct gs_node *n, int slot, double **out,
			int64_t *count)
{
	struct gs_tensor *t = gs_fuse_param(c->g, n, slot);

	if (!t || !(*out = gs_fuse_param_doubles(t, count)))
		return -1;
	return 0;
}

int gs_cv_const_ints(const struct cv *c, const struct gs_node *n, int slot, int64_t **out,
		     int64_t *count)
{
	struct gs_tensor *t = gs_fuse_param(c->g, n, slot);
	double *d;
	int64_t i;

	if (!t || (t->dtype != GS_DTYPE_INT64 && t->dtype != GS_DTYPE_INT32))
		return -1;
	if (!(d = gs_fuse_param_doubles(t, count)))
		return -1;
	*out = gs_xmalloc(sizeof(int64_t) * ((size_t)*count + 1));
	for (i = 0; i < *count; i++)
		if (gs_double_to_i64(d[i], &(*out)[i]) < 0) {
			/* INT64_MAX rounds up to 2^63 on the way: not a value we act on */
			free(*out);
			*out = NULL;
			break;
		}
	free(d);
	return *out ? 0 : -1;
}

int gs_cv_new_ints(struct cv *c, const char *hint, int64_t count, const int64_t *v)
{
	double *d = gs_xmalloc(sizeof(double) * ((size_t)count + 1));
	size_t nbytes;
	void *enc;
	int64_t i;

	for (i = 0; i < count; i++)
		d[i] = (double)v[i];
	enc = gs_fuse_encode(GS_DTYPE_INT64, d, count, &nbytes);
	free(d);
	return gs_fuse_new_param(c->g, hint, GS_DTYPE_INT64, 1, &count, enc, nbytes);
}

int gs_cv_new_floats(struct cv *c, const char *hint, int dtype, int64_t count, const double *v)
{
	size_t nbytes;
	void *enc = gs_fuse_encode(dtype, v, count, &nbytes);

	if (!enc)
		return -1;
	return gs_fuse_new_param(c->g, hint, dtype, 1, &count, enc, nbytes);
}

int gs_cv_new_scalar(struct cv *c, const char *hint, int dtype, int rank, double x)
{
	int64_t one = 1;
	size_t nbytes;
	void *enc = gs_fuse_encode(dtype, &x, 1, &nbytes);

	if (!enc)
		return -1;
	return gs_fuse_new_param(c->g, hint, dtype, rank, &one, enc, nbytes);
}

int gs_cv_new_value(struct cv *c, const char *hint)
{
	return gs_graph_new_value(c->g, hint);
}

static bool in_list(const char *name, const char *const *list)
{
	for (; list && *list; list++)
		if (!strcmp(name, *list))
			return true;
	return false;
}

struct gs_node *gs_cv_replace(struct cv *c, struct gs_node *n, const char *op_type, int n_in,
			      const int *in, const char *const *drop)
{
	return gs_cv_replace_out(c, n, op_type, n_in, in, n->n_outputs, drop);
}

struct gs_node *gs_cv_replace_out(struct cv *c, struct gs_node *n, const char *op_type, int n_in,
				  const int *in, int n_out, const char *const *drop)
{
	struct gs_node *nn;
	int i;

	gs_graph_remove_node(c->g, n);
	nn = gs_graph_add_node(c->g, op_type, "", n->name, n_in, in, n_out, n->outputs);
	/* a node just added: its attributes need no journal (undo drops it) */
	for (i = 0; i < n->n_attrs; i++) {
		struct gs_attr *a;

		if (in_list(n->attrs[i].name, drop))
			continue;
		a = gs_node_add_attr(c->m, nn, n->attrs[i].name, n->attrs[i].type);
		*a = n->attrs[i];
	}
	gs_fuse_drop_inputs(c->g, n);
	return nn;
}

void gs_cv_drop_if_unused(struct cv *c, int vid)
{
	if (vid >= 0 && c->g->values[vid]->kind != GS_VALUE_OUTER)
		gs_fuse_drop_if_unused(c->g, vid);
}

struct gs_node *gs_cv_add(struct cv *c, const char *op_type, const char *name, int n_in,
			  const int *in, int n_out, const int *out)
{
	return gs_graph_add_node(c->g, op_type, "", name, n_in, in, n_out, out);
}
