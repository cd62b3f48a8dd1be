/*
 * Node signatures.  sigma0 hashes what a node is (canonical op, attributes,
 * input kinds and parameter shapes, never names or values); rounds 1..K mix
 * in producers (by slot, as a multiset for commutative ops) and consumers
 * (a multiset), Weisfeiler-Lehman style, with ports.  Also the canonical
 * order: bases sorted by (depth from the inputs, sigma0, file position),
 * which is topological and stable under reordering of the node list.
 */
#include <stdlib.h>
#include <string.h>

#include "match/internal.h"

/* The family of op (ops.h id of its name), else the op itself: the
 * registry's family, e.g. Conv, ConvInteger, QLinearConv and FusedConv. */
static uint64_t family_of_id(int id, const char *op)
{
	const struct gs_op *e = gs_match_op_entry(id);

	if (e && e->family)
		return gs_mix64(0xfa0000 + gs_hash_str(e->family));
	return gs_hash_str(op);
}

uint64_t gs_match_family_of(const char *op)
{
	return family_of_id(gs_match_op_id(op), op);
}

/* The inputs that define an op: those before its bias (Conv, Gemm,
 * LayerNormalization), whose absence or optional statistics don't. */
static int key_slots(int op)
{
	const struct gs_op *e = gs_match_op_entry(op);

	return e && e->bias_slot > 0 ? e->bias_slot : 1 << 20;
}

static uint64_t param_shape_hash(const struct mview *v, int base, int slot, int val)
{
	const struct gs_tensor *t = gs_match_view_param(v, val);
	const struct gs_value *gv = v->g->values[val];
	int64_t dims[16];
	int rank, i;

	if (t) {
		rank = t->rank > 16 ? 16 : t->rank;
		for (i = 0; i < rank; i++)
			dims[i] = t->dims[i];
	} else if (gv->rank >= 0) {
		rank = gv->rank > 16 ? 16 : gv->rank;
		for (i = 0; i < rank; i++)
			dims[i] = gv->dims[i].value;
	} else if (gv->producer >= 0 && v->g->nodes[gv->producer]->n_inputs > 0 &&
		   (t = gs_match_view_param(v, v->g->nodes[gv->producer]->inputs[0]))) {
		/* DequantizeLinear(weight): the quantized tensor's shape */
		rank = t->rank > 16 ? 16 : t->rank;
		for (i = 0; i < rank; i++)
			dims[i] = t->dims[i];
	} else {
		return 0x5eed;
	}
	if (slot == 1 && v->wt[base] && rank == 2) {
		int64_t d = dims[0];

		dims[0] = dims[1];
		dims[1] = d;
	}
	return gs_match_hash_ints(dims, rank);
}

/* The op's part of sigma0 and its family, hashed once per known op. */
struct op_hashes {
	bool have[OP_MAX_];
	uint64_t head[OP_MAX_], fam[OP_MAX_];
};

static void sigma0(struct mview *v, int b, struct op_hashes *oh)
{
	const struct gs_node *n = v->g->nodes[b];
	int j, id = v->vop_id[b], lim = key_slots(id);
	uint64_t h, at = 0;

	if (id == OP_NONE || n->domain[0]) {
		h = gs_hash_combine(gs_hash_str(n->domain), gs_hash_str(v->vop[b]));
		v->fam[b] = family_of_id(id, v->vop[b]);
	} else {
		if (!oh->have[id]) {
			oh->head[id] = gs_hash_combine(gs_hash_str(""), gs_hash_str(v->vop[b]));
			oh->fam[id] = family_of_id(id, v->vop[b]);
			oh->have[id] = true;
		}
		h = oh->head[id];
		v->fam[b] = oh->fam[id];
	}

	for (j = 0; j < v->at_cnt[b]; j++)
		at += gs_mix64(v->attrs[v->at_off[b] + j].h);
	h = gs_hash_combine(h, at);
	for (j = 0; j < v->in_cnt[b] && j < lim; j++) {
		int kind = v->in_kind[v->in_off[b] + j];

		if (kind == SLOT_ATTR || kind == SLOT_ABSENT)
			continue;
		h = gs_hash_combine(h, (uint64_t)j * 16 + (uint64_t)kind);
		if (kind == SLOT_PARAM)
			h = gs_hash_combine(h, param_shape_hash(v, b, j, v->ins[v->in_off[b] + j]));
	}
	v->sig[0][b] = h;
}

static int order_cmp(const void *pa, const void *pb, void *ctx)
{
	int a = *(const int *)pa, b = *(const int *)pb;
	const struct mview *v = ctx;

	if (v->depth[a] != v->depth[b])
		return v->depth[a] < v->depth[b] ? -1 : 1;
	if (v->sig[0][a] != v->sig[0][b])
		return v->sig[0][a] < v->sig[0][b] ? -1 : 1;
	return v->pos[a] < v->pos[b] ? -1 : v->pos[a] > v->pos[b];
}

static void canonical_order(struct mview *v)
{
	const struct gs_graph *g = v->g;
	int k, j, n = 0;

	for (k = 0; k < g->n_topo; k++) {
		int b = g->topo[k];

		if (v->role[b] != ROLE_BASE)
			continue;
		v->pos[b] = k;
		for (j = 0; j < v->in_cnt[b]; j++) {
			int val = v->ins[v->in_off[b] + j];

			if (val >= 0 && v->src[val] >= 0 && v->depth[v->src[val]] + 1 > v->depth[b])
				v->depth[b] = v->depth[v->src[val]] + 1;
		}
		v->order[n++] = b;
	}
	v->n_order = n;
	/* qsort_r: the two sides' views are built on two threads */
	qsort_r(v->order, (size_t)n, sizeof(int), order_cmp, v);
	for (k = 0; k < n; k++)
		v->pos[v->order[k]] = k;
}

void gs_match_sig_compute(struct mview *v)
{
	struct op_hashes oh;
	int k, i, r;

	memset(oh.have, 0, sizeof(oh.have));
	for (i = 0; i < v->nn; i++)
		if (v->role[i] == ROLE_BASE)
			sigma0(v, i, &oh);
	canonical_order(v);
	for (r = 1; r <= GS_WL_ROUNDS; r++) {
		const uint64_t *prev = v->sig[r - 1];

		for (k = 0; k < v->n_order; k++) {
			int b = v->order[k], j;
			bool comm = v->comm[b];
			uint64_t up = 0x75, down = 0;

			for (j = 0; j < v->in_cnt[b]; j++) {
				int val = v->ins[v->in_off[b] + j], p;
				uint64_t x;

				if (val < 0 || (p = v->src[val]) < 0)
					continue;
				x = gs_hash_combine(prev[p], (uint64_t)v->in_port[v->in_off[b] + j]);
				if (comm)
					up += gs_mix64(x);
				else
					up = gs_hash_combine(up, gs_hash_combine(x, (uint64_t)j));
			}
			for (j = 0; j < v->dn_cnt[b]; j++) {
				int at = v->dn_off[b] + j, c = v->dn_node[at];
				uint64_t slot = v->comm[c] ? 0xffff : (uint64_t)v->dn_slot[at];

				down += gs_mix64(gs_hash_combine(gs_hash_combine(prev[c], slot),
								 (uint64_t)v->dn_port[at]));
			}
			v->sig[r][b] = gs_hash_combine(gs_hash_combine(prev[b], up), down);
		}
	}
}
