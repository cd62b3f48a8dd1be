/* The LayerNorm chain exporters write, from X:
 *   d = X - ReduceMean(X);  v = ReduceMean(Pow(d, 2))
 *   y = d / Sqrt(v + eps) * gamma + beta
 * -> LayerNormalization(X, gamma, beta, axis, epsilon), opset >= 17.
 * ReduceMean axes come from the attribute (opset < 18) or the input. */
#include <stdlib.h>
#include <string.h>

#include "passes/fuse-internal.h"

#define LN_MAX_AXES 8

/* Sorted reduce axes (normalized when rank is known); -1 if unusable. */
static int reduce_axes(const struct gs_graph *g, const struct gs_node *r, int rank, int64_t *axes)
{
	const struct gs_attr *a = gs_node_attr(r, "axes");
	struct gs_tensor *t;
	double *d;
	int64_t n, i, j, tmp;
	int k;

	if (gs_node_attr_int(r, "keepdims", 1) != 1)
		return -1;
	if (r->n_inputs >= 2 && r->inputs[1] >= 0) {
		t = gs_fuse_param(g, r, 1);
		if (!t || t->numel < 1 || t->numel > LN_MAX_AXES || !(d = gs_fuse_param_doubles(t, &n)))
			return -1;
		for (i = 0; i < n; i++)
			if (gs_double_to_i64(d[i], &axes[i]) < 0)
				break;
		free(d);
		if (i < n)
			return -1;
		k = (int)n;
	} else if (a && a->type == GS_ATTR_INTS && a->n >= 1 && a->n <= LN_MAX_AXES) {
		memcpy(axes, a->ints, sizeof(int64_t) * (size_t)a->n);
		k = a->n;
	} else {
		return -1;	/* all axes: not a LayerNorm over trailing axes */
	}
	for (i = 0; i < k; i++)
		if (rank >= 0 && axes[i] < 0)
			axes[i] += rank;
	for (i = 0; i < k; i++)
		for (j = i + 1; j < k; j++)
			if (axes[j] < axes[i]) {
				tmp = axes[i];
				axes[i] = axes[j];
				axes[j] = tmp;
			}
	/* contiguous and ending at the last axis */
	for (i = 1; i < k; i++)
		if (axes[i] != axes[i - 1] + 1)
			return -1;
	if (rank >= 0 ? axes[k - 1] != rank - 1 : axes[k - 1] != -1)
		return -1;
	return k;
}

static struct gs_node *next_op(const struct gs_graph *g, const struct gs_node *n, const char *op)
{
	struct gs_node *u;

	if (n->n_outputs < 1 || n->outputs[0] < 0)
		return NULL;
	u = gs_fuse_sole_use(g, n->outputs[0], NULL);
	return gs_fuse_is(u, op) ? u : NULL;
}

/* The constant operand of binary node n whose other operand is vid. */
static int other_param(const struct gs_graph *g, const struct gs_node *n, int vid)
{
	int k;

	if (n->n_inputs != 2)
		return -1;
	for (k = 0; k < 2; k++)
		if (n->inputs[k] == vid && n->inputs[1 - k] >= 0 && gs_fuse_param(g, n, 1 - k))
			return 1 - k;
	return -1;
}

static int fuse_one(struct gs_graph *g, struct gs_node *r1, struct gs_fuse_log *log)
{
	struct gs_node *sub, *pw, *r2, *add, *sq, *div, *mul, *add2, *ln;
	struct gs_node *chain[9];
	struct gs_tensor *gamma, *beta, *epst;
	const struct gs_value *xv;
	int64_t ax1[LN_MAX_AXES], ax2[LN_MAX_AXES], norm = 1;
	int x = r1->inputs[0], k1, k2, es, gs_, bs, i, in[3], out;
	double eps;
	const char *why = NULL, *label;

	if (x < 0 || r1->n_outputs != 1)
		return 0;
	xv = g->values[x];
	if (!(sub = next_op(g, r1, "Sub")) || sub->inputs[0] != x || sub->inputs[1] != r1->outputs[0])
		return 0;
	if (gs_fuse_uses(g, sub->outputs[0]) != 2)
		return 0;
	pw = div = NULL;
	for (i = 0; i < 2; i++) {
		struct gs_node *u = g->nodes[g->values[sub->outputs[0]]->uses[i].node];

		if (gs_fuse_is(u, "Pow") && u->inputs[0] == sub->outputs[0])
			pw = u;
		else if (gs_fuse_is(u, "Div") && u->inputs[0] == sub->outputs[0])
			div = u;
	}
	if (!pw || !div || !gs_fuse_param_scalar_is(g, pw, 1, 2.0, 1e-6))
		return 0;
	if (!(r2 = next_op(g, pw, "ReduceMean")) || !(add = next_op(g, r2, "Add")) ||
	    !(sq = next_op(g, add, "Sqrt")) || next_op(g, sq, "Div") != div ||
	    div->inputs[1] != sq->outputs[0] || !(mul = next_op(g, div, "Mul")) ||
	    !(add2 = next_op(g, mul, "Add")))
		return 0;
	k1 = reduce_axes(g, r1, xv->rank, ax1);
	k2 = reduce_axes(g, r2, xv->rank, ax2);
	if (k1 < 0 || k1 != k2 || memcmp(ax1, ax2, sizeof(int64_t) * (size_t)k1))
		return 0;
	if ((es = other_param(g, add, r2->outputs[0])) < 0 ||
	    (gs_ = other_param(g, mul, div->outputs[0])) < 0 ||
	    (bs = other_param(g, add2, mul->outputs[0])) < 0)
		return 0;
	epst = gs_fuse_param(g, add, es);
	gamma = gs_fuse_param(g, mul, gs_);
	beta = gs_fuse_param(g, add2, bs);
	if (epst->numel != 1 || gs_decode_to_double(epst->dtype, epst->data, 0, 1, &eps) ||
	    !gs_dtype_is_float(gamma->dtype) || gamma->dtype != beta->dtype ||
	    (xv->dtype && xv->dtype != gamma->dtype))
		return 0;
	/* scale and bias must cover the normalized shape exactly */
	for (i = 0; i < k1 && norm > 0; i++) {
		int64_t ax = ax1[i] < 0 ? xv->rank + ax1[i] : ax1[i];

		norm = xv->rank >= 0 && xv->dims && ax >= 0 && xv->dims[ax].value > 0 ?
		       norm * xv->dims[ax].value : -1;
	}
	if (norm > 0 ? gamma->numel != norm || beta->numel != norm :
	    k1 != 1 || gamma->rank != 1 || beta->rank != 1 || gamma->numel != beta->numel)
		return 0;
	label = gs_fuse_label(g, r1);
	if (gs_fuse_need_opset(g->model, 17, &why)) {
		gs_fuse_logf(log, true, "layernorm at %s skipped: opset %lld, and raising it to 17 would change '%s'",
			     label, (long long)gs_model_opset(g->model, ""), why);
		return 0;
	}
	chain[0] = r1; chain[1] = sub; chain[2] = pw; chain[3] = r2; chain[4] = add;
	chain[5] = sq; chain[6] = div; chain[7] = mul; chain[8] = add2;
	in[0] = x;
	in[1] = mul->inputs[gs_];
	in[2] = add2->inputs[bs];
	out = add2->outputs[0];
	for (i = 8; i >= 0; i--)
		gs_graph_remove_node(g, chain[i]);
	ln = gs_graph_add_node(g, "LayerNormalization", "",
			       gs_arena_printf(&g->model->arena, "%s_layernorm", label),
			       3, in, 1, &out);
	gs_node_set_attr_int(g, ln, "axis", ax1[0]);
	gs_node_set_attr_float(g, ln, "epsilon", (float)eps);
	for (i = 0; i < 9; i++)
		gs_fuse_drop_inputs(g, chain[i]);
	gs_fuse_logf(log, false, "%s ... %s (9 nodes) -> %s", label, gs_fuse_label(g, add2),
		     gs_fuse_label(g, ln));
	return 1;
}

static int try_layernorm(struct gs_graph *g, struct gs_node *n, struct gs_fuse_log *log)
{
	return gs_fuse_is(n, "ReduceMean") ? fuse_one(g, n, log) : 0;
}

int gs_fuse_layernorm(struct gs_model *m, struct gs_fuse_log *log, struct gs_error *err)
{
	return gs_fuse_each_node(m, try_layernorm, log, err);
}
