/*
 * Known N:1 patterns, found the same way on both sides so that a group in
 * one model and its fused form in the other get the same canonical base:
 *   Conv|ConvTranspose -> BatchNormalization      (base: the Conv)
 *   MatMul(x, W const rank 2) -> Add(const)       (base: a virtual Gemm)
 *   ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div/Mul/Add  (LayerNormalization)
 *   Div/Erf/Add/Mul/Mul                            (Gelu)
 * Gemm with transB=1 keeps its weight flagged as transposed.
 *
 * The patterns' inputs and outputs go to v->pio, read back by gs_match_view_build.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/fuse.h"
#include "match/internal.h"

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

/* Pattern names of affine chains (static: entries keep the pointers). */
static const char *const chain_names[] = {
	"Conv+affine chain", "ConvTranspose+affine chain", "Gemm+affine chain",
	"MatMul+affine chain", "Conv+BatchNormalization", "ConvTranspose+BatchNormalization",
	"MatMul+Add",
};

bool gs_match_fusion_is_chain(const struct mview *v, int base)
{
	size_t k;

	for (k = 0; v->pattern[base] && k < sizeof(chain_names) / sizeof(*chain_names); k++)
		if (v->pattern[base] == chain_names[k])
			return true;
	return false;
}

/* The sole consumer of val, a base node of the default domain. */
static const struct gs_node *next_link(const struct mview *v, int val, int *slot)
{
	const struct gs_value *gv = v->g->values[val];
	const struct gs_node *u;

	if (gv->n_uses != 1 || gv->is_graph_output)
		return NULL;
	u = v->g->nodes[gv->uses[0].node];
	if (v->role[u->id] != ROLE_BASE)
		return NULL;
	switch (v->op[u->id]) {
	case OP_BatchNormalization: case OP_Mul: case OP_Add: case OP_Sub: case OP_Div:
		*slot = gv->uses[0].slot;
		return u;
	}
	return NULL;
}

/* Where a base's output channels lie: rank of its output (-1 unknown),
 * the channel axis and the count (-1 unknown). */
struct chan {
	int rank, axis;
	int64_t count;
};

static bool base_channels(const struct mview *v, const struct gs_node *n, struct chan *ch)
{
	const struct gs_tensor *w = gs_match_view_param(v, n->inputs[1]);
	int64_t group;

	ch->rank = v->g->values[n->outputs[0]]->rank;
	ch->count = -1;
	switch (v->op[n->id]) {
	case OP_Conv:
	case OP_ConvTranspose:
		ch->axis = 1;
		group = gs_node_attr_int(n, "group", 1);
		if (w && w->rank >= 3) {
			ch->rank = w->rank;
			ch->count = v->op[n->id] == OP_Conv ? w->dims[0] : w->dims[1] * group;
		}
		return true;
	case OP_Gemm:
		ch->rank = 2;
		ch->axis = 1;
		if (w && w->rank == 2)
			ch->count = w->dims[gs_node_attr_int(n, "transB", 0) ? 0 : 1];
		return true;
	case OP_MatMul:
		if (n->n_inputs != 2 || !gs_match_view_is_const(v, n->inputs[1]) || (w && w->rank != 2))
			return false;
		ch->axis = ch->rank < 0 ? -1 : ch->rank - 1;
		if (w)
			ch->count = w->dims[1];
		return true;
	}
	return false;
}

/* A constant operand that scales or shifts whole channels. */
static bool per_channel(const struct mview *v, int val, const struct chan *ch)
{
	const struct gs_tensor *t = gs_match_view_param(v, val);
	int64_t count = ch->count;
	int at;

	if (!t)
		return false;
	if (count < 0) {	/* unknown: whatever the operand holds there */
		at = ch->rank < 0 ? t->rank - 1 : ch->axis - (ch->rank - t->rank);
		count = at >= 0 && at < t->rank ? t->dims[at] : 1;
	}
	return gs_affine_per_channel(t, ch->rank, ch->axis, count);
}

#define CHAIN_MAX 16

/*
 * Conv, ConvTranspose, Gemm or MatMul and the affine links after it
 * (graphsmith/fuse.h's description, the one `fuse affine` folds): one
 * base whose inputs are the base's, then each link's constants.  A lone
 * BatchNormalization keeps its "Conv+BatchNormalization" name, a MatMul
 * with one Add of any constant becomes the virtual Gemm "MatMul+Add".
 */
static void affine_chain(struct mview *v, const struct gs_node *n)
{
	const struct gs_node *links[CHAIN_MAX], *u;
	int vals[3 + 4 * CHAIN_MAX], nv = 0, n_links = 0, kinds[CHAIN_MAX];
	int cur, slot, cslot, kind, op = v->op[n->id], j, k;
	struct chan ch;
	const char *name;

	if (n->n_outputs < 1 || n->outputs[0] < 0 || n->n_inputs < 2 || !base_channels(v, n, &ch))
		return;
	cur = n->outputs[0];
	while (n_links < CHAIN_MAX && (u = next_link(v, cur, &slot))) {
		cslot = -1;
		kind = gs_affine_link_kind(u, slot, &cslot);
		if (kind == GS_AFFINE_NONE || u->outputs[0] < 0)
			break;
		if (kind == GS_AFFINE_BN) {
			if (!gs_affine_bn_ok(u) || ch.axis != 1 || (op == OP_MatMul && ch.rank != 2))
				break;
			for (j = 1; j < 5 && gs_match_view_is_const(v, u->inputs[j]); j++)
				;
			if (j < 5)
				break;
		} else if (!gs_match_view_is_const(v, u->inputs[cslot])) {
			break;
		} else if (!per_channel(v, u->inputs[cslot], &ch)) {
			/* MatMul + Add of any constant: the virtual Gemm, as ever */
			if (!(op == OP_MatMul && !n_links && kind == GS_AFFINE_ADD))
				break;
			links[n_links] = u;
			kinds[n_links++] = kind;
			break;
		}
		links[n_links] = u;
		kinds[n_links++] = kind;
		cur = u->outputs[0];
	}
	if (!n_links)
		return;
	vals[nv++] = n->inputs[0];
	vals[nv++] = n->inputs[1];
	if (op != OP_MatMul)
		vals[nv++] = n->n_inputs > 2 ? n->inputs[2] : -1;
	for (k = 0; k < n_links; k++) {
		u = links[k];
		if (kinds[k] == GS_AFFINE_BN) {
			for (j = 1; j < 5; j++)
				vals[nv++] = u->inputs[j];
		} else {
			vals[nv++] = u->inputs[u->inputs[0] == (k ? links[k - 1]->outputs[0] :
								    n->outputs[0])];
		}
		absorb(v, n->id, u);
	}
	if (n_links == 1 && kinds[0] == GS_AFFINE_BN && op != OP_Gemm && op != OP_MatMul)
		name = chain_names[op == OP_Conv ? 4 : 5];
	else if (n_links == 1 && kinds[0] == GS_AFFINE_ADD && op == OP_MatMul)
		name = chain_names[6];
	else
		name = chain_names[op == OP_Conv ? 0 : op == OP_ConvTranspose ? 1 :
				   op == OP_Gemm ? 2 : 3];
	if (op == OP_MatMul) {
		v->vop[n->id] = "Gemm";
		v->vop_id[n->id] = OP_Gemm;
	}
	v->pattern[n->id] = name;
	set_ins(v, n->id, vals, nv, links[n_links - 1]->outputs[0]);
}

/* Mul or Add with one constant operand following `val`: that operand. */
static int const_operand(const struct mview *v, const struct gs_node *n, int val)
{
	int o = other_input(n, val);

	return o >= 0 && gs_match_view_is_const(v, o) ? o : -1;
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

	if (dv->n_inputs != 2 || x < 0 || !gs_match_view_is_const(v, dv->inputs[1]))
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

void gs_match_fusion_patterns(struct mview *v)
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
		case OP_MatMul:
			affine_chain(v, n);
			break;
		case OP_Gemm:
			v->wt[n->id] = gs_node_attr_int(n, "transB", 0) != 0;
			affine_chain(v, n);
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
 * Folds the affine chain of a Conv or ConvTranspose base into the weight
 * and bias a fused node would hold, in double, rounded to float32 at the
 * end: W' = W * s per output channel, b' = b * s + t, where the chain
 * composes to y = s * x + t (gs_affine_compose, as `fuse affine` does).
 * *cout * *per is the weight's element count, in its own layout.
 */
int gs_match_fusion_fold_chain(const struct mview *v, int base, float **w, float **b,
			       int64_t *cout, int64_t *per)
{
	const struct gs_graph *g = v->g;
	const struct gs_node *n = g->nodes[base], *u;
	const int *in = &v->ins[v->in_off[base]];
	const struct gs_tensor *tw = gs_match_view_param(v, in[1]);
	const struct gs_tensor *tb = gs_match_view_param(v, in[2]), *p[4];
	int final = v->outs[v->out_off[base]], cur, slot, cslot, kind, j, hops, ret = -1;
	bool transposed = v->op[base] == OP_ConvTranspose;
	int64_t group = gs_node_attr_int(n, "group", 1), m, i;
	double *wd = NULL, *bd = NULL, *s = NULL, *t = NULL;

	if (!tw || tw->rank < 3 || tw->numel <= 0 || (v->op[base] != OP_Conv && !transposed) ||
	    group < 1 || (transposed && tw->dims[0] % group))
		return -1;
	m = transposed ? tw->dims[1] * group : tw->dims[0];
	if (m <= 0 || !(wd = decode(tw, tw->numel)) || (tb && !(bd = decode(tb, m))))
		goto out;
	s = gs_xmalloc(sizeof(double) * (size_t)m);
	t = gs_xmalloc(sizeof(double) * (size_t)m);
	for (i = 0; i < m; i++) {
		s[i] = 1.0;
		t[i] = 0.0;
	}
	/* the chain again, link by link, up to the pattern's output */
	cur = n->outputs[0];
	for (hops = 0; cur != final; hops++) {
		const struct gs_value *gv = g->values[cur];

		if (hops >= CHAIN_MAX || gv->n_uses != 1)
			goto out;
		u = g->nodes[gv->uses[0].node];
		slot = gv->uses[0].slot;
		cslot = -1;
		if ((kind = gs_affine_link_kind(u, slot, &cslot)) == GS_AFFINE_NONE)
			goto out;
		for (j = 0; j < 4; j++)
			p[j] = kind == GS_AFFINE_BN ? gs_match_view_param(v, u->inputs[j + 1]) :
			       j ? NULL : gs_match_view_param(v, u->inputs[cslot]);
		if (gs_affine_compose(kind, u, p, m, s, t))
			goto out;
		cur = u->outputs[0];
	}
	*cout = m;
	*per = tw->numel / m;
	*w = gs_xmalloc(sizeof(float) * (size_t)tw->numel);
	*b = gs_xmalloc(sizeof(float) * (size_t)m);
	for (i = 0; i < tw->numel; i++)
		(*w)[i] = (float)(wd[i] * s[gs_affine_out_channel(transposed, tw, group, i)]);
	for (i = 0; i < m; i++)
		(*b)[i] = (float)((bd ? bd[i] : 0) * s[i] + t[i]);
	ret = 0;
out:
	free(wd);
	free(bd);
	free(s);
	free(t);
	return ret;
}
