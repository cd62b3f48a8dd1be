/*
 * The matching view of one graph: which nodes are constant sources, which
 * are transparent, which patterns group several nodes under one base, and
 * the base-level edges in CSR form.  O(V + E).
 */
#include <stdlib.h>
#include <string.h>

#include "match/internal.h"

static bool is_graph_output(const struct mview *v, int value)
{
	return value >= 0 && v->g->values[value]->is_graph_output;
}

static void find_const(struct mview *v)
{
	const struct gs_graph *g = v->g;
	int k, i;

	for (k = 0; k < g->n_topo; k++) {
		const struct gs_node *n = g->nodes[g->topo[k]];
		bool all = true;

		if (n->removed)
			continue;
		if (n->n_inputs == 0 && v->op[n->id] != OP_Constant)
			continue;
		for (i = 0; i < n->n_attrs; i++)
			if (n->attrs[i].type == GS_ATTR_GRAPH || n->attrs[i].type == GS_ATTR_GRAPHS)
				all = false;
		for (i = 0; all && i < n->n_inputs; i++)
			if (n->inputs[i] >= 0 && !gs_match_view_is_const(v, n->inputs[i]))
				all = false;
		for (i = 0; all && i < n->n_outputs; i++)
			if (is_graph_output(v, n->outputs[i]))
				all = false;
		if (all)
			v->role[n->id] = ROLE_CONST;
	}
}

static bool single_use_by(const struct mview *v, int value, int op)
{
	const struct gs_value *val;

	if (value < 0)
		return false;
	val = v->g->values[value];
	return val->n_uses == 1 && !val->is_graph_output && v->op[val->uses[0].node] == op;
}

/* Identity, Dropout, same-type Cast and activation Q->DQ pairs vanish from
 * the view: their output stands for their input. */
static void find_transparent(struct mview *v, bool *transparent)
{
	const struct gs_graph *g = v->g;
	int k;

	for (k = 0; k < g->n_topo; k++) {
		const struct gs_node *n = g->nodes[g->topo[k]];
		int in, out, op;

		if (n->removed || v->role[n->id] != ROLE_DEAD || n->n_inputs < 1 || n->n_outputs < 1)
			continue;
		in = n->inputs[0];
		out = n->outputs[0];
		if (in < 0 || out < 0 || is_graph_output(v, out))
			continue;
		op = v->op[n->id];
		if (op == OP_Identity ||
		    (op == OP_Dropout && (n->n_outputs < 2 || n->outputs[1] < 0 ||
					  !g->values[n->outputs[1]]->n_uses)) ||
		    (op == OP_Cast && g->values[in]->dtype &&
		     g->values[in]->dtype == gs_node_attr_int(n, "to", -1))) {
			transparent[n->id] = true;
			v->eff[out] = v->eff[in];
			v->role[n->id] = ROLE_ABSORBED;
		} else if (op == OP_QuantizeLinear && single_use_by(v, out, OP_DequantizeLinear)) {
			const struct gs_node *dq = g->nodes[g->values[out]->uses[0].node];

			if (dq->n_outputs < 1 || dq->outputs[0] < 0 || is_graph_output(v, dq->outputs[0]))
				continue;
			transparent[n->id] = transparent[dq->id] = true;
			v->role[n->id] = v->role[dq->id] = ROLE_ABSORBED;
			v->eff[out] = v->eff[in];
			v->eff[dq->outputs[0]] = v->eff[in];
		}
	}
}

/* Carves a view's arrays out of one block; with no block, only measures. */
struct carve {
	unsigned char *base;
	size_t used;
};

static void *take(struct carve *c, size_t n)
{
	void *p = c->base ? c->base + c->used : NULL;

	c->used += (n + 15) & ~(size_t)15;
	return p;
}

static size_t view_layout(struct mview *v, struct carve *c)
{
	size_t n1 = (size_t)v->nn + 1, nv1 = (size_t)v->nv + 1;
	int k;

	v->role = take(c, n1);
	v->owner = take(c, n1 * sizeof(int));
	v->op = take(c, n1);
	v->vop = take(c, n1 * sizeof(char *));
	v->vop_id = take(c, n1);
	v->pattern = take(c, n1 * sizeof(char *));
	v->wt = take(c, n1 * sizeof(bool));
	v->comm = take(c, n1 * sizeof(bool));
	v->in_off = take(c, n1 * sizeof(int));
	v->in_cnt = take(c, n1 * sizeof(int));
	v->out_off = take(c, n1 * sizeof(int));
	v->out_cnt = take(c, n1 * sizeof(int));
	v->at_off = take(c, n1 * sizeof(int));
	v->at_cnt = take(c, n1 * sizeof(int));
	v->dn_off = take(c, n1 * sizeof(int));
	v->dn_cnt = take(c, n1 * sizeof(int));
	v->order = take(c, n1 * sizeof(int));
	v->pos = take(c, n1 * sizeof(int));
	v->depth = take(c, n1 * sizeof(int));
	for (k = 0; k <= GS_WL_ROUNDS; k++)
		v->sig[k] = take(c, n1 * sizeof(uint64_t));
	v->fam = take(c, n1 * sizeof(uint64_t));
	v->match = take(c, n1 * sizeof(int));
	v->method = take(c, n1);
	v->score = take(c, n1 * sizeof(float));
	v->ambiguous = take(c, n1 * sizeof(bool));
	v->eff = take(c, nv1 * sizeof(int));
	v->src = take(c, nv1 * sizeof(int));
	v->vmatch = take(c, nv1 * sizeof(int));
	return c->used;
}

/*
 * The per-node and per-value arrays, zeroed, from one block on huge pages
 * where the kernel has them: at 10^5 nodes, faulting some thirty separate
 * arrays in 4 KiB pages took longer than filling them.
 */
static void view_alloc(struct mview *v)
{
	struct carve c = { NULL, 0 };
	size_t size = view_layout(v, &c);

	v->pool = gs_xmalloc_huge(size);
	memset(v->pool, 0, size);
	c.base = v->pool;
	c.used = 0;
	view_layout(v, &c);
}

static void build_csr(struct mview *v, const struct pattern_io *p)
{
	const struct gs_graph *g = v->g;
	const int *cn = p->cnt, *cout = p->out;
	int i, j, nin = 0, nout = 0;

	for (i = 0; i < v->nn; i++) {
		if (v->role[i] != ROLE_BASE)
			continue;
		v->in_off[i] = nin;
		v->in_cnt[i] = cn[i] >= 0 ? cn[i] : g->nodes[i]->n_inputs;
		nin += v->in_cnt[i];
		v->out_off[i] = nout;
		v->out_cnt[i] = cout[i] >= 0 ? 1 : g->nodes[i]->n_outputs;
		nout += v->out_cnt[i];
	}
	v->n_ins = nin;
	v->n_outs = nout;
	v->ins = gs_xmalloc(sizeof(int) * ((size_t)nin + 1));
	v->in_kind = gs_xcalloc((size_t)nin + 1, 1);
	v->in_port = gs_xcalloc((size_t)nin + 1, sizeof(int));
	v->outs = gs_xmalloc(sizeof(int) * ((size_t)nout + 1));
	v->dn_node = gs_xmalloc(sizeof(int) * ((size_t)nin + 1));
	v->dn_slot = gs_xmalloc(sizeof(int) * ((size_t)nin + 1));
	v->dn_port = gs_xmalloc(sizeof(int) * ((size_t)nin + 1));
	for (i = 0; i < v->nn; i++) {
		const struct gs_node *n = g->nodes[i];

		if (v->role[i] != ROLE_BASE)
			continue;
		for (j = 0; j < v->in_cnt[i]; j++) {
			int val = cn[i] >= 0 ? p->vals[p->off[i] + j] : n->inputs[j];

			v->ins[v->in_off[i] + j] = val >= 0 ? v->eff[val] : -1;
		}
		for (j = 0; j < v->out_cnt[i]; j++)
			v->outs[v->out_off[i] + j] = cout[i] >= 0 ? cout[i] : n->outputs[j];
	}
}

static void build_down(struct mview *v)
{
	int i, j, total = 0, *fill;

	for (i = 0; i < v->nn; i++)
		for (j = 0; v->role[i] == ROLE_BASE && j < v->in_cnt[i]; j++) {
			int val = v->ins[v->in_off[i] + j];

			if (val >= 0 && v->src[val] >= 0)
				v->dn_cnt[v->src[val]]++;
		}
	for (i = 0; i < v->nn; i++) {
		v->dn_off[i] = total;
		total += v->dn_cnt[i];
	}
	fill = gs_xcalloc((size_t)v->nn + 1, sizeof(int));
	for (i = 0; i < v->nn; i++)
		for (j = 0; v->role[i] == ROLE_BASE && j < v->in_cnt[i]; j++) {
			int val = v->ins[v->in_off[i] + j], p, at;

			if (val < 0 || (p = v->src[val]) < 0)
				continue;
			at = v->dn_off[p] + fill[p]++;
			v->dn_node[at] = i;
			v->dn_slot[at] = j;
			v->dn_port[at] = v->g->values[val]->producer_port;
			v->in_port[v->in_off[i] + j] = v->dn_port[at];
		}
	free(fill);
}

void gs_match_view_build(struct mview *v, const struct gs_graph *g)
{
	struct pattern_io pio;
	int i, j, k;
	bool *transparent;

	memset(v, 0, sizeof(*v));
	v->g = g;
	v->model = g->model;
	v->opset = g->model ? gs_model_opset(g->model, "") : 0;
	v->nn = g->n_nodes;
	v->nv = g->n_values;
	view_alloc(v);
	transparent = gs_xcalloc((size_t)v->nn + 1, sizeof(bool));
	for (i = 0; i < v->nv; i++) {
		v->eff[i] = i;
		v->src[i] = -1;
		v->vmatch[i] = -1;
	}
	for (i = 0; i < v->nn; i++)
		v->owner[i] = -1;
	/* op names to ids once; every check below compares ids */
	for (i = 0; i < v->nn; i++) {
		const struct gs_node *n = g->nodes[i];

		if (n->removed)
			continue;
		v->vop_id[i] = (unsigned char)gs_match_op_id(n->op_type);
		v->op[i] = n->domain[0] ? OP_NONE : v->vop_id[i];
	}

	find_const(v);
	find_transparent(v, transparent);
	for (k = 0; k < g->n_topo; k++) {
		const struct gs_node *n = g->nodes[g->topo[k]];

		if (v->role[n->id] == ROLE_DEAD) {
			v->role[n->id] = ROLE_BASE;
			v->owner[n->id] = n->id;
			v->vop[n->id] = n->op_type;
		}
	}
	/* patterns: fusion.c rewrites roles, owners and per-base inputs */
	memset(&pio, 0, sizeof(pio));
	pio.cnt = gs_xmalloc(sizeof(int) * ((size_t)v->nn + 1));
	pio.out = gs_xmalloc(sizeof(int) * ((size_t)v->nn + 1));
	pio.off = gs_xmalloc(sizeof(int) * ((size_t)v->nn + 1));
	for (i = 0; i < v->nn; i++)
		pio.cnt[i] = pio.out[i] = -1;
	v->pio = &pio;
	gs_match_fusion_patterns(v);
	v->pio = NULL;
	build_csr(v, &pio);
	for (i = 0; i < v->nn; i++)
		v->comm[i] = v->role[i] == ROLE_BASE && gs_match_op_id_commutative(v->vop_id[i]);
	free(pio.cnt);
	free(pio.out);
	free(pio.off);
	free(pio.vals);

	/* producers in the view: every output of a base or pattern member */
	for (i = 0; i < v->nn; i++) {
		const struct gs_node *n = g->nodes[i];

		if (v->role[i] != ROLE_BASE && !(v->role[i] == ROLE_ABSORBED && !transparent[i]))
			continue;
		for (j = 0; j < n->n_outputs; j++)
			if (n->outputs[j] >= 0)
				v->src[n->outputs[j]] = v->owner[i];
	}
	/* transparent nodes join their producer's group, else a consumer's */
	for (k = 0; k < g->n_topo; k++) {
		const struct gs_node *n = g->nodes[g->topo[k]];
		int val;

		if (!transparent[n->id])
			continue;
		val = v->eff[n->inputs[0]];
		if (v->src[val] >= 0)
			v->owner[n->id] = v->src[val];
	}
	/* orphans (on a graph input or parameter) join their consumer: in
	 * reverse order so a Q finds its DQ already placed */
	for (k = g->n_topo - 1; k >= 0; k--) {
		const struct gs_node *n = g->nodes[g->topo[k]];
		const struct gs_value *out;
		int u;

		if (!transparent[n->id] || v->owner[n->id] >= 0 || n->outputs[0] < 0)
			continue;
		out = g->values[n->outputs[0]];
		if (!out->n_uses)
			continue;
		u = out->uses[0].node;
		v->owner[n->id] = v->role[u] == ROLE_CONST ? -1 : v->owner[u];
	}
	build_down(v);
	free(transparent);
}

void gs_match_view_release(struct mview *v)
{
	free(v->pool);
	free(v->ins);
	free(v->in_kind);
	free(v->in_port);
	free(v->outs);
	free(v->dn_node);
	free(v->dn_slot);
	free(v->dn_port);
	free(v->attrs);
	memset(v, 0, sizeof(*v));
}
