/*
 * Edge diff: for each matched pair, does every input come from the partner
 * of the other side's producer (same port)?  Commutative ops compare their
 * inputs as a multiset.  Parameters are compared elsewhere.  O(E).
 */
#include <stdio.h>
#include <string.h>

#include "match/internal.h"

/* Where an input comes from, in B's terms: a key equal on both sides when
 * the sources correspond. */
static uint64_t src_key(const struct mctx *c, bool side_b, int val, int kind)
{
	const struct mview *v = side_b ? &c->B : &c->A;
	int p;

	if (kind == SLOT_ACT) {
		p = v->src[val];
		if (!side_b)
			p = c->A.match[p];
		if (p < 0)
			return gs_hash_combine(0xdead, (uint64_t)val * 2 + side_b);
		return gs_hash_combine((uint64_t)p, (uint64_t)v->g->values[val]->producer_port);
	}
	if (kind == SLOT_INPUT) {
		int vb = side_b ? val : c->A.vmatch[val];

		if (vb < 0)
			return gs_hash_combine(0xbeef, (uint64_t)val * 2 + side_b);
		return gs_hash_combine(0x1a9, (uint64_t)vb);
	}
	return 0;	/* parameters and absent slots: not edges */
}

static void rewired(struct gs_match_build *mb, struct mctx *c, int entry, int b, int slot,
		    int va, int vb)
{
	struct gs_match *m = mb->m;
	struct gs_edge_diff *d;
	char n1[128], n2[128], n3[128];

	GS_GROW(m->edges, m->n_edges + 1, mb->edges_alloc);
	d = &m->edges[m->n_edges++];
	d->entry = entry;
	d->slot = slot;
	d->from_a = va >= 0 ? c->A.g->values[va]->name : "";
	d->from_b = vb >= 0 ? c->B.g->values[vb]->name : "";
	snprintf(d->text, sizeof(d->text), "rewired: B:%s.in[%d] now from %s (A: from %s)",
		 gs_escape(c->B.g->nodes[b]->name, n1, sizeof(n1)), slot,
		 gs_escape(d->from_b, n2, sizeof(n2)), gs_escape(d->from_a, n3, sizeof(n3)));
}

void gs_match_edges_diff(struct gs_match_build *mb, struct mctx *c, const int *eob)
{
	int k;

	for (k = 0; k < c->B.n_order; k++) {
		int b = c->B.order[k], a = c->B.match[b], n, i, j;
		bool comm;
		bool used[64];
		int bad[64], n_bad = 0;
		uint64_t bad_key_a[2], bad_key_b[2];

		if (a < 0)
			continue;
		n = c->A.in_cnt[a] < c->B.in_cnt[b] ? c->A.in_cnt[a] : c->B.in_cnt[b];
		comm = c->A.comm[a] && c->B.comm[b] && n <= 64;
		memset(used, 0, sizeof(used));
		for (i = 0; i < n; i++) {
			int va = c->A.ins[c->A.in_off[a] + i], vb = c->B.ins[c->B.in_off[b] + i];
			int ka = va >= 0 ? c->A.in_kind[c->A.in_off[a] + i] : SLOT_ABSENT;
			int kb = vb >= 0 ? c->B.in_kind[c->B.in_off[b] + i] : SLOT_ABSENT;
			uint64_t xa, xb;
			bool ok;

			if ((ka != SLOT_ACT && ka != SLOT_INPUT) && (kb != SLOT_ACT && kb != SLOT_INPUT))
				continue;
			xa = src_key(c, false, va, ka);
			xb = src_key(c, true, vb, kb);
			ok = xa && xa == xb;
			if (!ok && comm) {
				for (j = 0; j < n && !ok; j++) {
					int wb = c->B.ins[c->B.in_off[b] + j];
					int kw = wb >= 0 ? c->B.in_kind[c->B.in_off[b] + j] : SLOT_ABSENT;

					if (!used[j] && j != i && xa && src_key(c, true, wb, kw) == xa) {
						used[j] = true;
						ok = true;
					}
				}
			} else if (ok && comm) {
				used[i] = true;	/* comm implies n <= 64 */
			}
			if (!ok && n_bad < 64) {
				if (n_bad < 2) {
					bad_key_a[n_bad] = xa;
					bad_key_b[n_bad] = xb;
				}
				bad[n_bad++] = i;
			} else if (!ok) {
				rewired(mb, c, eob[b], b, i, va, vb);
			}
		}
		if (n_bad == 2 && bad_key_a[0] == bad_key_b[1] && bad_key_a[1] == bad_key_b[0]) {
			/* two inputs exchanged: one report */
			struct gs_edge_diff *d;
			char n1[128];

			rewired(mb, c, eob[b], b, bad[0], c->A.ins[c->A.in_off[a] + bad[0]],
				c->B.ins[c->B.in_off[b] + bad[0]]);
			d = &mb->m->edges[mb->m->n_edges - 1];
			snprintf(d->text, sizeof(d->text), "swapped: B:%s.in[%d] and in[%d] exchanged",
				 gs_escape(c->B.g->nodes[b]->name, n1, sizeof(n1)), bad[0], bad[1]);
		} else {
			for (j = 0; j < n_bad; j++)
				rewired(mb, c, eob[b], b, bad[j], c->A.ins[c->A.in_off[a] + bad[j]],
					c->B.ins[c->B.in_off[b] + bad[j]]);
		}
	}
}
