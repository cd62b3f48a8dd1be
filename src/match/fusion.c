/*
 * Known N:1 patterns, found the same way on both sides so that a group in
 * one model and its fused form in the other get the same canonical base:
 *   Conv|ConvTranspose -> BatchNormalization      (base: the Conv)
 *   MatMul(x, W const rank 2) -> Add(const)       (base: a virtual Gemm)
 *   ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div/Mul/Add  (LayerNormalization)
 *   Div/Erf/Add/Mul/Mul                            (Gelu)
 * Gemm with transB=1 keeps its weight flagged as transposed.
 *
 * The patterns' inputs and outputs go to v->pio, read back by view_build.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "match/internal.h"

static bool is_const(const struct mview *v, int val)
{
	const struct gs_value *gv;

	if (val < 0)
		return false;
	gv = v->g->values[val];
	if (gv->kind == GS_VALUE_PARAM)
		return true;
	if (gv->kind == GS_VALUE_OUTER)
		return view_param(v, val) != NULL;
	return gv->producer >= 0 && v->role[gv->producer] == ROLE_CONST;
}

/* The single consumer of a node's first output if it is a live base node
 * with op `op`, else NULL. */
static const struct gs_node *only_user(const struct mview *v, const struct gs_node *n, int op)
{
	const struct gs_value *gv;
	const struct gs_node *u;

	if (n->n_outputs < 1 || n->outputs[0] < 0)
		return NULL;
	gv = v->g->values[n->outputs[0]];
	if (gv->n_uses != 1 || gv->is_graph_output)
		return NULL;
	u = v->g->nodes[gv->uses[0].node];
	if (v->op[u->id] != op || v->role[u->id] != ROLE_BASE)
		return NULL;
	return u;
}

/* The input of a binary node that is not `val`, or -2 if val isn't one. */
static int other_input(const struct gs_node *n, int val)
{
	if (n->n_inputs != 2)
		return -2;
	if (n->inputs[0] == val)
		return n->inputs[1];
	if (n->inputs[1] == val)
		return n->inputs[0];
	return -2;
}

static void absorb(struct mview *v, int base, const struct gs_node *member)
{
	v->role[member->id] = ROLE_ABSORBED;
	v->owner[member->id] = base;
}

static void set_ins(struct mview *v, int base, const int *vals, int n, int out)
{
	struct pattern_io *p = v->pio;

	GS_GROW(p->vals, p->n_vals + n, p->vals_alloc);
	p->cnt[base] = n;
	p->off[base] = p->n_vals;
	memcpy(p->vals + p->n_vals, vals, sizeof(int) * (size_t)n);
	p->n_vals += n;
	p->out[base] = out;
}

static void conv_bn(struct mview *v, const struct gs_node *n)
{
	const struct gs_node *bn = only_user(v, n, OP_BatchNormalization);
	int vals[7], j;

	if (!bn || bn->n_inputs < 5 || n->n_inputs < 2)
		return;
	for (j = 1; j < 5; j++)
		if (!is_const(v, bn->inputs[j]))
			return;
	vals[0] = n->inputs[0];
	vals[1] = n->inputs[1];
	vals[2] = n->n_inputs > 2 ? n->inputs[2] : -1;
	for (j = 1; j < 5; j++)
		vals[2 + j] = bn->inputs[j];
	absorb(v, n->id, bn);
	v->pattern[n->id] = v->op[n->id] == OP_Conv ? "Conv+BatchNormalization" :
			    "ConvTranspose+BatchNormalization";
	set_ins(v, n->id, vals, 7, bn->outputs[0]);
}

static void matmul_add(struct mview *v, const struct gs_node *n)
{
	const struct gs_node *add = only_user(v, n, OP_Add);
	const struct gs_tensor *w;
	int vals[3], bias;

	if (!add || n->n_inputs != 2 || !is_const(v, n->inputs[1]))
		return;
	w = gs_graph_param_of(v->g, n->inputs[1]);
	if (w && w->rank != 2)
		return;
	bias = other_input(add, n->outputs[0]);
	if (bias < 0 || !is_const(v, bias))
		return;
	vals[0] = n->inputs[0];
	vals[1] = n->inputs[1];
	vals[2] = bias;
	absorb(v, n->id, add);
	v->vop[n->id] = "Gemm";
	v->vop_id[n->id] = OP_Gemm;
	v->pattern[n->id] = "MatMul+Add";
	set_ins(v, n->id, vals, 3, add->outputs[0]);
}

/* Mul or Add with one constant operand following `val`: that operand. */
static int const_operand(const struct mview *v, const struct gs_node *n, int val)
{
	int o = other_input(n, val);

	return o >= 0 && is_const(v, o) ? o : -1;
}

static void layer_norm_chain(struct mview *v, const struct gs_node *r1)
{
	const struct gs_graph *g = v->g;
	const struct gs_node *sub, *pw, *r2, *add, *sq, *dv = NULL, *mul, *badd;
	const struct gs_value *d;
	int x = r1->inputs[0], k, vals[4], eps, scale, bias;

	sub = only_user(v, r1, OP_Sub);
	if (x < 0 || !sub || sub->inputs[0] != x || sub->inputs[1] != r1->outputs[0])
		return;
	d = g->values[sub->outputs[0]];
	if (d->n_uses != 2 || d->is_graph_output)
		return;
	pw = NULL;
	for (k = 0; k < 2; k++) {
		const struct gs_node *u = g->nodes[d->uses[k].node];

		if (v->op[u->id] == OP_Pow && d->uses[k].slot == 0)
			pw = u;
		else if (v->op[u->id] == OP_Div && d->uses[k].slot == 0)
			dv = u;
	}
	if (!pw || !dv || !(r2 = only_user(v, pw, OP_ReduceMean)) ||
	    !(add = only_user(v, r2, OP_Add)) || !(sq = only_user(v, add, OP_Sqrt)) ||
	    only_user(v, sq, OP_Div) != dv || !(mul = only_user(v, dv, OP_Mul)) ||
	    !(badd = only_user(v, mul, OP_Add)))
		return;
	eps = const_operand(v, add, r2->outputs[0]);
	scale = const_operand(v, mul, dv->outputs[0]);
	bias = const_operand(v, badd, mul->outputs[0]);
	if (eps < 0 || scale < 0 || bias < 0 || v->role[dv->id] != ROLE_BASE)
		return;
	absorb(v, r1->id, sub);
	absorb(v, r1->id, pw);
	absorb(v, r1->id, r2);
	absorb(v, r1->id, add);
	absorb(v, r1->id, sq);
	absorb(v, r1->id, dv);
	absorb(v, r1->id, mul);
	absorb(v, r1->id, badd);
	vals[0] = x;
	vals[1] = scale;
	vals[2] = bias;
	vals[3] = eps;
	v->vop[r1->id] = "LayerNormalization";
	v->vop_id[r1->id] = OP_LayerNormalization;
	v->pattern[r1->id] = "LayerNormalization chain";
	set_ins(v, r1->id, vals, 4, badd->outputs[0]);
}

static void gelu_chain(struct mview *v, const struct gs_node *dv)
{
	const struct gs_node *erf, *add, *m1, *m2;
	int x = dv->inputs[0];

	if (dv->n_inputs != 2 || x < 0 || !is_const(v, dv->inputs[1]))
		return;
	if (!(erf = only_user(v, dv, OP_Erf)) || !(add = only_user(v, erf, OP_Add)) ||
	    !(m1 = only_user(v, add, OP_Mul)) || other_input(m1, add->outputs[0]) != x ||
	    !(m2 = only_user(v, m1, OP_Mul)) || const_operand(v, m2, m1->outputs[0]) < 0 ||
	    const_operand(v, add, erf->outputs[0]) < 0)
		return;
	absorb(v, dv->id, erf);
	absorb(v, dv->id, add);
	absorb(v, dv->id, m1);
	absorb(v, dv->id, m2);
	v->vop[dv->id] = "Gelu";
	v->vop_id[dv->id] = OP_Gelu;
	v->pattern[dv->id] = "Gelu chain";
	set_ins(v, dv->id, &x, 1, m2->outputs[0]);
}

void fusion_patterns(struct mview *v)
{
	const struct gs_graph *g = v->g;
	int k;

	for (k = 0; k < g->n_topo; k++) {
		const struct gs_node *n = g->nodes[g->topo[k]];

		if (v->role[n->id] != ROLE_BASE)
			continue;
		switch (v->op[n->id]) {	/* OP_NONE off the default domain */
		case OP_Conv:
		case OP_ConvTranspose:
			conv_bn(v, n);
			break;
		case OP_MatMul:
			matmul_add(v, n);
			break;
		case OP_Gemm:
			v->wt[n->id] = gs_node_attr_int(n, "transB", 0) != 0;
			break;
		case OP_ReduceMean:
			layer_norm_chain(v, n);
			break;
		case OP_Div:
			gelu_chain(v, n);
			break;
		}
	}
}

static double *decode(const struct gs_tensor *t, int64_t want)
{
	double *d;

	if (!t || !t->data || t->numel != want)
		return NULL;
	d = gs_xmalloc(sizeof(double) * ((size_t)want + 1));
	if (gs_decode_to_double(t->dtype, t->data, 0, (size_t)want, d)) {
		free(d);
		return NULL;
	}
	return d;
}

/*
 * Folds a Conv+BatchNormalization base into the weight and bias a fused
 * Conv would hold, in double, rounded to float32 at the end:
 * W' = W * s, b' = (b - mean) * s + beta, s = gamma / sqrt(var + eps).
 */
int fusion_fold_conv_bn(const struct mview *v, int base, float **w, float **b,
			int64_t *cout, int64_t *per)
{
	const int *in = &v->ins[v->in_off[base]];
	const struct gs_tensor *tw = view_param(v, in[1]), *tb = view_param(v, in[2]);
	const struct gs_value *out = v->g->values[v->outs[v->out_off[base]]];
	const struct gs_node *bn = v->g->nodes[out->producer];
	double *wd = NULL, *bd = NULL, *ga = NULL, *be = NULL, *mu = NULL, *va = NULL;
	double eps = gs_node_attr_float(bn, "epsilon", 1e-5f);
	int64_t c, i, n;
	int ret = -1;

	if (!tw || tw->rank < 1 || v->op[base] != OP_Conv)
		return -1;
	n = tw->dims[0];
	if (n <= 0)
		return -1;
	wd = decode(tw, tw->numel);
	ga = decode(view_param(v, in[3]), n);
	be = decode(view_param(v, in[4]), n);
	mu = decode(view_param(v, in[5]), n);
	va = decode(view_param(v, in[6]), n);
	if (tb)
		bd = decode(tb, n);
	if (!wd || !ga || !be || !mu || !va || (tb && !bd))
		goto out;
	*cout = n;
	*per = tw->numel / n;
	*w = gs_xmalloc(sizeof(float) * (size_t)tw->numel);
	*b = gs_xmalloc(sizeof(float) * (size_t)n);
	for (c = 0; c < n; c++) {
		double s = ga[c] / sqrt(va[c] + eps);

		for (i = 0; i < *per; i++)
			(*w)[c * *per + i] = (float)(wd[c * *per + i] * s);
		(*b)[c] = (float)(((bd ? bd[c] : 0) - mu[c]) * s + be[c]);
	}
	ret = 0;
out:
	free(wd);
	free(bd);
	free(ga);
	free(be);
	free(mu);
	free(va);
	return ret;
}
