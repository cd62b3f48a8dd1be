/*
 * `prune channels RATIO`: structured pruning.  For each Conv (group 1) and
 * Gemm, the floor(C * ratio) output channels of lowest L1 norm are removed
 * for real: the weight and bias are sliced, and so are whatever carries
 * those channels on (a BatchNormalization's four parameters, elementwise
 * activations and pools pass them through) up to the consumers, whose
 * input channels are sliced to match.  Anything else on the way (a
 * residual Add, Concat, Reshape, Flatten, a graph output) leaves the layer
 * alone, with the reason.
 *
 * Every layer is planned first, from the original weights, so the preview
 * printed before anything changes is exactly what is applied.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/ops.h"
#include "graphsmith/prune.h"
#include "graphsmith/recon.h"

struct slice {
	struct gs_graph *g;
	int value;			/* the parameter's value */
	struct gs_tensor *t;
	int axis;
	int64_t old_n;
};

struct reshape {
	struct gs_graph *g;
	int value;
	int axis;
};

struct plan {
	struct gs_graph *g;
	struct gs_node *node;
	int64_t c;			/* channels before */
	int64_t *keep;			/* kept channel indexes, ascending */
	int64_t n_keep;
	struct slice *slices;
	int n_slices, slices_alloc;
	struct reshape *shapes;
	int n_shapes, shapes_alloc;
	char why[512];			/* non-empty: the layer is left alone */
	const struct gs_prune_opts *opts;	/* with data: channels scored by */
						/* sum |w| * ||x|| (Wanda's scores) */
};

/* Ops that carry channels through: pointwise ones (activations, Cast),
 * and pools along axis 1.  Both are facts of the op registry. */
static bool passes_channels(const char *op, int axis)
{
	const struct gs_op *e = gs_op_facts("", op);

	if (!e)
		return false;
	if (e->pointwise)
		return true;
	return axis == 1 && e->family &&
	       (!strcmp(e->family, "pool") || !strcmp(e->family, "globalpool"));
}

static const char *esc(const char *s, char *buf, size_t len)
{
	return gs_escape(s ? s : "", buf, len);
}

static int refuse(struct plan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int refuse(struct plan *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->why, sizeof(p->why), fmt, ap);
	va_end(ap);
	return -1;
}

/* True when a subgraph below g names the value (an outer-scope capture
 * we cannot see the uses of). */
static bool captured(struct gs_graph *g, const char *name)
{
	struct gs_graph *subs[16];
	int i, k, n;

	for (i = 0; i < g->n_nodes; i++) {
		if (g->nodes[i]->removed)
			continue;
		n = gs_node_subgraphs(g->nodes[i], subs, 16);
		for (k = 0; k < n && k < 16; k++)
			if (gs_graph_find_value(subs[k], name) >= 0 || captured(subs[k], name))
				return true;
	}
	return false;
}

/* Plans slicing the parameter feeding slot `slot` of n along axis. */
static int add_slice(struct plan *p, struct gs_node *n, int slot, int axis)
{
	struct gs_graph *g = p->g;
	struct gs_value *v;
	struct gs_tensor *t;
	struct slice *s;
	char nb[256], vb[256];
	int i;

	if (slot >= n->n_inputs || n->inputs[slot] < 0)
		return 0;
	v = g->values[n->inputs[slot]];
	esc(n->name, nb, sizeof(nb));
	esc(v->name, vb, sizeof(vb));
	if (v->kind != GS_VALUE_PARAM || !(t = v->param))
		return refuse(p, "input '%s' of %s '%s' is not a parameter", vb, n->op_type, nb);
	if (v->n_uses != 1 || v->is_graph_output)
		return refuse(p, "parameter '%s' is shared", vb);
	if (!t->data || gs_dtype_bits(t->dtype) % 8 || !gs_dtype_bits(t->dtype))
		return refuse(p, "parameter '%s' has no dense data", vb);
	if (axis >= t->rank || t->dims[axis] != p->c)
		return refuse(p, "parameter '%s' of %s '%s' does not have %lld channels on axis %d",
			      vb, n->op_type, nb, (long long)p->c, axis);
	for (i = 0; i < p->n_slices; i++)
		if (p->slices[i].t == t && p->slices[i].axis == axis)
			return 0;
	GS_GROW(p->slices, p->n_slices + 1, p->slices_alloc);
	s = &p->slices[p->n_slices++];
	s->g = g;
	s->value = v->id;
	s->t = t;
	s->axis = axis;
	s->old_n = t->dims[axis];
	return 0;
}

/* An output other than the first must be unused (Dropout's mask, ...). */
static int only_first_output(struct plan *p, const struct gs_node *n)
{
	char nb[256];
	int i;

	for (i = 1; i < n->n_outputs; i++) {
		const struct gs_value *o = n->outputs[i] >= 0 ? p->g->values[n->outputs[i]] : NULL;

		if (o && (o->n_uses || o->is_graph_output))
			return refuse(p, "%s '%s' has a second output in use", n->op_type,
				      esc(n->name, nb, sizeof(nb)));
	}
	return 0;
}

/* Follows the channels carried by value vid (on axis) to their ends. */
static int follow(struct plan *p, int vid, int axis, int depth)
{
	struct gs_graph *g = p->g;
	struct gs_value *v = g->values[vid];
	char vb[256], nb[256];
	int i, k;

	esc(v->name, vb, sizeof(vb));
	if (depth > 64)
		return refuse(p, "the chain after it is too long");
	if (v->is_graph_output)
		return refuse(p, "its channels reach the graph output '%s'", vb);
	if (captured(g, v->name))
		return refuse(p, "'%s' is read inside a subgraph", vb);
	for (k = 0; k < p->n_shapes; k++)
		if (p->shapes[k].value == vid)
			break;
	if (k == p->n_shapes) {
		GS_GROW(p->shapes, p->n_shapes + 1, p->shapes_alloc);
		p->shapes[p->n_shapes].g = g;
		p->shapes[p->n_shapes].value = vid;
		p->shapes[p->n_shapes++].axis = axis;
	}
	for (i = 0; i < v->n_uses; i++) {
		struct gs_node *c = g->nodes[v->uses[i].node];
		int slot = v->uses[i].slot;
		const char *op = c->op_type;

		esc(c->name, nb, sizeof(nb));
		if (c->removed)
			continue;
		if (!c->domain[0] && (!strcmp(op, "Add") || !strcmp(op, "Sum")))
			return refuse(p, "its channels feed %s '%s' (a residual it cannot follow)", op, nb);
		if (c->domain[0] || slot != 0)
			return refuse(p, "its channels feed input %d of %s '%s'", slot, op, nb);
		if (!strcmp(op, "BatchNormalization") && axis == 1) {
			for (k = 1; k <= 4; k++)
				if (add_slice(p, c, k, 0))
					return -1;
			if (only_first_output(p, c) || follow(p, c->outputs[0], axis, depth + 1))
				return -1;
		} else if (passes_channels(op, axis)) {
			if (only_first_output(p, c) || follow(p, c->outputs[0], axis, depth + 1))
				return -1;
		} else if (!strcmp(op, "Conv") && axis == 1) {
			if (gs_node_attr_int(c, "group", 1) != 1)
				return refuse(p, "its channels feed grouped Conv '%s'", nb);
			if (add_slice(p, c, 1, 1))
				return -1;
		} else if (!strcmp(op, "Gemm") && axis == 1 && v->rank <= 2) {
			if (gs_node_attr_int(c, "transA", 0))
				return refuse(p, "its channels feed Gemm '%s' with transA", nb);
			if (add_slice(p, c, 1, gs_node_attr_int(c, "transB", 0) ? 1 : 0))
				return -1;
		} else if (!strcmp(op, "MatMul") && axis == 1 && v->rank == 2) {
			if (add_slice(p, c, 1, 0))
				return -1;
		} else {
			return refuse(p, "its channels feed %s '%s'", op, nb);
		}
	}
	return 0;
}

struct norm {
	double l1;
	int64_t c;
};

static int by_norm(const void *a, const void *b)
{
	const struct norm *x = a, *y = b;

	if (x->l1 != y->l1)
		return x->l1 < y->l1 ? -1 : 1;
	return x->c < y->c ? -1 : x->c > y->c;
}

static int by_index(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Which channels of layer p survive: all but the k of lowest L1 norm. */
static void choose(struct plan *p, const struct gs_model *m, const struct gs_tensor *w,
		   bool rows_are_channels, int64_t k)
{
	float *f = gs_prune_floats(m, w);
	struct norm *nv = gs_xcalloc((size_t)p->c, sizeof(*nv));
	int64_t per = w->numel / p->c, i, j;
	const float *scale = p->opts ? gs_act_norms_find(p->opts->act, w) : NULL;

	if (scale)
		gs_prune_score_note(p->opts, "channels", w, f, scale);
	for (i = 0; i < p->c; i++) {
		nv[i].c = i;
		for (j = 0; j < per; j++) {
			int64_t at = rows_are_channels ? i * per + j : j * p->c + i;
			float x = scale ? f[at] * scale[at] : f[at];

			nv[i].l1 += x < 0 ? -(double)x : (double)x;
		}
	}
	qsort(nv, (size_t)p->c, sizeof(*nv), by_norm);
	p->n_keep = p->c - k;
	p->keep = gs_xmalloc(sizeof(*p->keep) * (size_t)p->n_keep);
	for (i = 0; i < p->n_keep; i++)
		p->keep[i] = nv[k + i].c;
	qsort(p->keep, (size_t)p->n_keep, sizeof(*p->keep), by_index);
	free(nv);
	free(f);
}

static void plan_layer(struct plan *p, double ratio)
{
	struct gs_node *n = p->node;
	struct gs_graph *g = p->g;
	struct gs_tensor *w;
	bool gemm = !strcmp(n->op_type, "Gemm");
	int waxis;
	int64_t k;

	if (!gemm && gs_node_attr_int(n, "group", 1) != 1) {
		refuse(p, "it is a grouped Conv");
		return;
	}
	if (gemm && n->n_outputs && n->outputs[0] < 0)
		return;
	w = g->values[n->inputs[1]]->param;
	if (!w || g->values[n->inputs[1]]->kind != GS_VALUE_PARAM) {
		refuse(p, "its weight is not a parameter of its own");
		return;
	}
	if ((!gemm && w->rank < 3) || (gemm && w->rank != 2)) {
		refuse(p, "its weight has rank %d", w->rank);
		return;
	}
	waxis = gemm && !gs_node_attr_int(n, "transB", 0) ? 1 : 0;
	p->c = w->dims[waxis];
	k = (int64_t)((double)p->c * ratio);
	if (k < 1) {
		refuse(p, "%lld channels leave none to remove at this ratio", (long long)p->c);
		return;
	}
	if (add_slice(p, n, 1, waxis))
		return;
	if (n->n_inputs > 2 && n->inputs[2] >= 0) {
		const struct gs_value *b = g->values[n->inputs[2]];
		const struct gs_tensor *bt = b->param;

		/* Gemm's C broadcasts: slice only a per-feature last axis */
		if (!gemm || (bt && bt->rank >= 1 && bt->dims[bt->rank - 1] == p->c && bt->numel > 1)) {
			if (add_slice(p, n, 2, bt ? bt->rank - 1 : 0))
				return;
		}
	}
	if (only_first_output(p, n) || follow(p, n->outputs[0], 1, 0))
		return;
	choose(p, g->model, w, waxis == 0, k);
}

/* ---- shapes: what the preview shows and the apply installs ---- */

static void dims_text(int rank, const int64_t *dims, char *buf, size_t len)
{
	size_t o = 0;
	int i;

	o += (size_t)snprintf(buf, len, "[");
	for (i = 0; i < rank && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%lld", i ? "," : "",
				      (long long)dims[i]);
	if (o < len)
		snprintf(buf + o, len - o, "]");
}

static void value_dims(const struct gs_value *v, int64_t *dims)
{
	int i;

	for (i = 0; i < v->rank && i < 16; i++)
		dims[i] = v->dims[i].value;
}

static void preview(const struct plan *plans, int n, const struct gs_prune_opts *opts)
{
	char nb[256], a[256], b[256];
	int i, j;

	for (i = 0; i < n; i++) {
		const struct plan *p = &plans[i];

		if (p->why[0] || !p->keep)
			continue;
		gs_prune_note(opts, "%s '%s': remove %lld of %lld channels", p->node->op_type,
			      esc(p->node->name, nb, sizeof(nb)), (long long)(p->c - p->n_keep),
			      (long long)p->c);
		for (j = 0; j < p->n_slices; j++) {
			const struct slice *s = &p->slices[j];
			int64_t d[16];

			if (s->t->rank > 16)
				continue;
			memcpy(d, s->t->dims, sizeof(int64_t) * (size_t)s->t->rank);
			dims_text(s->t->rank, d, a, sizeof(a));
			d[s->axis] = p->n_keep;
			dims_text(s->t->rank, d, b, sizeof(b));
			gs_prune_note(opts, "  tensor '%s' axis %d: %s -> %s",
				      esc(s->t->name, nb, sizeof(nb)), s->axis, a, b);
		}
		for (j = 0; j < p->n_shapes; j++) {
			const struct gs_value *v = p->g->values[p->shapes[j].value];
			int64_t d[16];

			if (v->rank <= p->shapes[j].axis || v->rank > 16)
				continue;
			value_dims(v, d);
			dims_text(v->rank, d, a, sizeof(a));
			d[p->shapes[j].axis] = p->n_keep;
			dims_text(v->rank, d, b, sizeof(b));
			gs_prune_note(opts, "  value '%s': %s -> %s", esc(v->name, nb, sizeof(nb)), a, b);
		}
	}
}

/* Keeps the chosen indexes of axis; dtype-agnostic (whole bytes). */
static void apply_slice(struct gs_model *m, const struct slice *s, const int64_t *keep,
			int64_t n_keep)
{
	struct gs_tensor *t = s->t;
	size_t esize = (size_t)gs_dtype_bits(t->dtype) / 8, row;
	int64_t outer = 1, inner = 1, o, i, dims[16];
	const uint8_t *src = t->data;
	uint8_t *dst, *q;
	int k;

	for (k = 0; k < s->axis; k++)
		outer *= t->dims[k];
	for (k = s->axis + 1; k < t->rank; k++)
		inner *= t->dims[k];
	row = (size_t)inner * esize;
	q = dst = gs_xmalloc((size_t)(outer * n_keep) * row + 1);
	for (o = 0; o < outer; o++)
		for (i = 0; i < n_keep; i++, q += row)
			memcpy(q, src + ((size_t)(o * s->old_n + keep[i])) * row, row);
	memcpy(dims, t->dims, sizeof(int64_t) * (size_t)t->rank);
	dims[s->axis] = n_keep;
	gs_tensor_replace(m, t, t->dtype, t->rank, dims, dst, (size_t)(outer * n_keep) * row);
}

static void set_axis(struct gs_graph *g, struct gs_value *v, int axis, int64_t n)
{
	int64_t d[16];

	if (v->rank <= axis || v->rank > 16)
		return;
	value_dims(v, d);
	d[axis] = n;
	gs_value_set_type(g, v, v->dtype, v->rank, d);
}

static void apply_plan(struct gs_model *m, const struct plan *p)
{
	int j;

	for (j = 0; j < p->n_slices; j++) {
		const struct slice *s = &p->slices[j];
		struct gs_value *v = s->g->values[s->value];

		apply_slice(m, s, p->keep, p->n_keep);
		/* a typed initializer (IR < 4 input, value_info) follows its data */
		if (v->rank == s->t->rank)
			set_axis(s->g, v, s->axis, p->n_keep);
	}
	for (j = 0; j < p->n_shapes; j++)
		set_axis(p->g, p->g->values[p->shapes[j].value], p->shapes[j].axis, p->n_keep);
}

/* Later plans must not rely on a tensor an earlier one also slices on the
 * same axis (two layers sharing a consumer would disagree). */
static bool conflicts(const struct plan *plans, int upto, const struct plan *p)
{
	int i, j, k;

	for (i = 0; i < upto; i++) {
		if (plans[i].why[0] || !plans[i].keep)
			continue;
		for (j = 0; j < plans[i].n_slices; j++)
			for (k = 0; k < p->n_slices; k++)
				if (plans[i].slices[j].t == p->slices[k].t &&
				    plans[i].slices[j].axis == p->slices[k].axis)
					return true;
	}
	return false;
}

int gs_prune_channels(struct gs_model *m, double ratio, const struct gs_prune_opts *opts,
		      struct gs_prune_result *res, struct gs_error *err)
{
	struct gs_prune_layer *layers = NULL;
	struct gs_prune_result r;
	struct plan *plans;
	char nb[256];
	int n, i, live = 0;

	memset(&r, 0, sizeof(r));
	if (!(ratio > 0.0 && ratio < 1.0))
		return gs_error_set(err, "bad ratio '%g': expected a number in (0, 1)", ratio);
	n = gs_prune_collect(m, opts, &layers);
	plans = gs_xcalloc((size_t)n + 1, sizeof(*plans));
	for (i = 0; i < n; i++) {
		struct plan *p = &plans[i];
		const char *op = layers[i].node->op_type;

		p->g = layers[i].g;
		p->node = layers[i].node;
		p->opts = opts;
		if (strcmp(op, "Conv") && strcmp(op, "Gemm"))
			continue;	/* ConvTranspose, MatMul: not structured here */
		plan_layer(p, ratio);
		if (!p->why[0] && p->keep && conflicts(plans, i, p))
			refuse(p, "another pruned layer already slices its consumers");
		if (p->why[0]) {
			gs_prune_note(opts, "left %s '%s' alone: %s", op,
				      esc(p->node->name, nb, sizeof(nb)), p->why);
			r.skipped++;
		} else if (p->keep) {
			live++;
		}
	}
	preview(plans, n, opts);
	for (i = 0; i < n && !(opts && opts->dry_run); i++) {
		if (plans[i].why[0] || !plans[i].keep)
			continue;
		apply_plan(m, &plans[i]);
		r.layers++;
		r.removed += plans[i].c - plans[i].n_keep;
	}
	if (!live)
		gs_prune_note(opts, "no layer to prune");
	for (i = 0; i < n; i++) {
		free(plans[i].keep);
		free(plans[i].slices);
		free(plans[i].shapes);
	}
	free(plans);
	free(layers);
	if (res)
		*res = r;
	return 0;
}
