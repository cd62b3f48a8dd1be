/*
 * Propagation along edges from matched pairs: producers slot by slot,
 * consumers grouped by (port, slot, sigma0) and split by the finest
 * signature that makes a group bijective.  Every pair is pushed once on the
 * worklist and each edge is looked at O(1) times per endpoint: linear.
 */
#include <stdlib.h>
#include <string.h>

#include "match/internal.h"

struct cand {
	int node;
	uint64_t key;
	uint64_t sub;
	int pos;
};

static int cand_cmp(const void *pa, const void *pb)
{
	const struct cand *a = pa, *b = pb;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	if (a->sub != b->sub)
		return a->sub < b->sub ? -1 : 1;
	return a->pos - b->pos;
}

/* Pairs two groups with equal keys: bijective on some signature round, or
 * identical repeated blocks taken in canonical order (flagged ambiguous). */
static void pair_group(struct mctx *c, struct cand *ga, int na, struct cand *gb, int nb)
{
	int r, i, j;

	if (na == 1 && nb == 1) {
		if (c->A.match[ga[0].node] < 0 && c->B.match[gb[0].node] < 0)
			gs_match_set_pair(c, ga[0].node, gb[0].node, GS_METHOD_PROPAGATION, 0.9f);
		return;
	}
	for (r = GS_WL_ROUNDS; r >= 0; r--) {
		for (i = 0; i < na; i++)
			ga[i].sub = c->A.sig[r][ga[i].node];
		for (j = 0; j < nb; j++)
			gb[j].sub = c->B.sig[r][gb[j].node];
		qsort(ga, (size_t)na, sizeof(*ga), cand_cmp);
		qsort(gb, (size_t)nb, sizeof(*gb), cand_cmp);
		/* pair colours that occur once on each side */
		for (i = 0, j = 0; i < na && j < nb;) {
			int ei = i, ej = j;

			if (ga[i].sub < gb[j].sub) {
				i++;
				continue;
			}
			if (ga[i].sub > gb[j].sub) {
				j++;
				continue;
			}
			while (ei < na && ga[ei].sub == ga[i].sub)
				ei++;
			while (ej < nb && gb[ej].sub == gb[j].sub)
				ej++;
			if (ei - i == 1 && ej - j == 1) {
				if (c->A.match[ga[i].node] < 0 && c->B.match[gb[j].node] < 0)
					gs_match_set_pair(c, ga[i].node, gb[j].node,
							  GS_METHOD_PROPAGATION, 0.8f);
			} else if (r == GS_WL_ROUNDS && ei - i == ej - j) {
				int k;

				/* identical repeats: canonical order, ambiguous */
				for (k = 0; k < ei - i; k++) {
					int a = ga[i + k].node, b = gb[j + k].node;

					if (c->A.match[a] >= 0 || c->B.match[b] >= 0)
						continue;
					gs_match_set_pair(c, a, b, GS_METHOD_PROPAGATION, 0.6f);
					c->A.ambiguous[a] = c->B.ambiguous[b] = true;
				}
			}
			i = ei;
			j = ej;
		}
	}
}

/* Groups candidates of both sides by key and pairs each group. */
static void pair_lists(struct mctx *c, struct cand *la, int na, struct cand *lb, int nb)
{
	int i = 0, j = 0;

	for (i = 0; i < na; i++)
		la[i].sub = 0;
	for (j = 0; j < nb; j++)
		lb[j].sub = 0;
	qsort(la, (size_t)na, sizeof(*la), cand_cmp);
	qsort(lb, (size_t)nb, sizeof(*lb), cand_cmp);
	for (i = 0, j = 0; i < na && j < nb;) {
		int ei = i, ej = j;

		if (la[i].key < lb[j].key) {
			i++;
			continue;
		}
		if (la[i].key > lb[j].key) {
			j++;
			continue;
		}
		while (ei < na && la[ei].key == la[i].key)
			ei++;
		while (ej < nb && lb[ej].key == lb[j].key)
			ej++;
		pair_group(c, la + i, ei - i, lb + j, ej - j);
		i = ei;
		j = ej;
	}
}

static void down(struct mctx *c, int a, int b)
{
	int i, na = 0, nb = 0;

	GS_GROW(c->ca_buf, c->A.dn_cnt[a] + 1, c->ca_alloc);
	GS_GROW(c->cb_buf, c->B.dn_cnt[b] + 1, c->cb_alloc);
	for (i = 0; i < c->A.dn_cnt[a]; i++) {
		int at = c->A.dn_off[a] + i, u = c->A.dn_node[at];
		uint64_t slot = c->A.comm[u] ? 0xffff : (uint64_t)c->A.dn_slot[at];

		if (c->A.match[u] >= 0)
			continue;
		c->ca_buf[na].node = u;
		c->ca_buf[na].pos = c->A.pos[u];
		c->ca_buf[na++].key = gs_hash_combine(gs_hash_combine(c->A.sig[0][u], slot),
						   (uint64_t)c->A.dn_port[at]);
	}
	for (i = 0; i < c->B.dn_cnt[b]; i++) {
		int at = c->B.dn_off[b] + i, u = c->B.dn_node[at];
		uint64_t slot = c->B.comm[u] ? 0xffff : (uint64_t)c->B.dn_slot[at];

		if (c->B.match[u] >= 0)
			continue;
		c->cb_buf[nb].node = u;
		c->cb_buf[nb].pos = c->B.pos[u];
		c->cb_buf[nb++].key = gs_hash_combine(gs_hash_combine(c->B.sig[0][u], slot),
						   (uint64_t)c->B.dn_port[at]);
	}
	if (na && nb)
		pair_lists(c, c->ca_buf, na, c->cb_buf, nb);
}

static void up(struct mctx *c, int a, int b)
{
	int i, na = 0, nb = 0;
	int n = c->A.in_cnt[a] < c->B.in_cnt[b] ? c->A.in_cnt[a] : c->B.in_cnt[b];

	if (c->A.comm[a] || c->B.comm[b]) {
		GS_GROW(c->ca_buf, c->A.in_cnt[a] + 1, c->ca_alloc);
		GS_GROW(c->cb_buf, c->B.in_cnt[b] + 1, c->cb_alloc);
		for (i = 0; i < c->A.in_cnt[a]; i++) {
			int val = c->A.ins[c->A.in_off[a] + i], p;

			if (val < 0 || (p = c->A.src[val]) < 0 || c->A.match[p] >= 0)
				continue;
			c->ca_buf[na].node = p;
			c->ca_buf[na].pos = c->A.pos[p];
			c->ca_buf[na++].key = c->A.sig[0][p];
		}
		for (i = 0; i < c->B.in_cnt[b]; i++) {
			int val = c->B.ins[c->B.in_off[b] + i], p;

			if (val < 0 || (p = c->B.src[val]) < 0 || c->B.match[p] >= 0)
				continue;
			c->cb_buf[nb].node = p;
			c->cb_buf[nb].pos = c->B.pos[p];
			c->cb_buf[nb++].key = c->B.sig[0][p];
		}
		if (na && nb)
			pair_lists(c, c->ca_buf, na, c->cb_buf, nb);
		return;
	}
	for (i = 0; i < n; i++) {
		int va = c->A.ins[c->A.in_off[a] + i], vb = c->B.ins[c->B.in_off[b] + i];
		int pa, pb;

		if (va < 0 || vb < 0 || (pa = c->A.src[va]) < 0 || (pb = c->B.src[vb]) < 0)
			continue;
		if (c->A.match[pa] >= 0 || c->B.match[pb] >= 0 || c->A.fam[pa] != c->B.fam[pb])
			continue;
		if (c->A.sig[0][pa] != c->B.sig[0][pb] && c->A.sig[1][pa] != c->B.sig[1][pb])
			continue;
		gs_match_set_pair(c, pa, pb, GS_METHOD_PROPAGATION, 0.9f);
	}
}

/* Consumers of paired graph inputs (and outer-scope values) start it off. */
static void from_inputs(struct mctx *c)
{
	size_t nva = (size_t)c->A.nv + 1, nia = (size_t)c->A.n_ins + 1;
	size_t nvb = (size_t)c->B.nv + 1, nib = (size_t)c->B.n_ins + 1;
	int *first_a, *next_a, *node_a, *first_b, *next_b, *node_b;
	struct mview *vs[2] = { &c->A, &c->B };
	int *firsts[2], *nexts[2], *nodes[2];
	int s, i, j, va;

	/* one block for the whole match: gs_match_propagate runs seven times, and
	 * fresh pages each time cost more than the work */
	if (!c->inputs_scratch)
		c->inputs_scratch = gs_xmalloc_huge(sizeof(int) * (nva + 2 * nia + nvb + 2 * nib));
	first_a = c->inputs_scratch;
	next_a = first_a + nva;
	node_a = next_a + nia;
	first_b = node_a + nia;
	next_b = first_b + nvb;
	node_b = next_b + nib;
	firsts[0] = first_a;
	firsts[1] = first_b;
	nexts[0] = next_a;
	nexts[1] = next_b;
	nodes[0] = node_a;
	nodes[1] = node_b;
	for (s = 0; s < 2; s++) {
		struct mview *v = vs[s];
		int e = 0;

		for (i = 0; i < v->nv; i++)
			firsts[s][i] = -1;
		for (i = v->nn - 1; i >= 0; i--)
			for (j = v->role[i] == ROLE_BASE ? v->in_cnt[i] - 1 : -1; j >= 0; j--) {
				int val = v->ins[v->in_off[i] + j];

				if (val < 0 || v->src[val] >= 0 || v->vmatch[val] < 0)
					continue;
				nodes[s][e] = i * 64 + (j < 63 ? j : 63);
				nexts[s][e] = firsts[s][val];
				firsts[s][val] = e++;
			}
	}
	for (va = 0; va < c->A.nv; va++) {
		int vb = c->A.vmatch[va], na = 0, nb = 0, e;

		if (vb < 0 || first_a[va] < 0)
			continue;
		for (e = first_a[va]; e >= 0; e = next_a[e])
			na++;
		for (e = first_b[vb]; e >= 0; e = next_b[e])
			nb++;
		GS_GROW(c->ca_buf, na + 1, c->ca_alloc);
		GS_GROW(c->cb_buf, nb + 1, c->cb_alloc);
		na = nb = 0;
		for (e = first_a[va]; e >= 0; e = next_a[e]) {
			int u = node_a[e] / 64, slot = node_a[e] % 64;

			if (c->A.match[u] >= 0)
				continue;
			c->ca_buf[na].node = u;
			c->ca_buf[na].pos = c->A.pos[u];
			c->ca_buf[na++].key = gs_hash_combine(c->A.sig[0][u], c->A.comm[u] ?
							   0xffff : (uint64_t)slot);
		}
		for (e = first_b[vb]; e >= 0; e = next_b[e]) {
			int u = node_b[e] / 64, slot = node_b[e] % 64;

			if (c->B.match[u] >= 0)
				continue;
			c->cb_buf[nb].node = u;
			c->cb_buf[nb].pos = c->B.pos[u];
			c->cb_buf[nb++].key = gs_hash_combine(c->B.sig[0][u], c->B.comm[u] ?
							   0xffff : (uint64_t)slot);
		}
		if (na && nb)
			pair_lists(c, c->ca_buf, na, c->cb_buf, nb);
	}
}

void gs_match_propagate(struct mctx *c)
{
	from_inputs(c);
	while (c->n_work > 0) {
		int a = c->work[--c->n_work], b = c->A.match[a];

		if (b < 0)
			continue;
		up(c, a, b);
		down(c, a, b);
	}
	free(c->ca_buf);
	free(c->cb_buf);
	c->ca_buf = c->cb_buf = NULL;
	c->ca_alloc = c->cb_alloc = 0;
}
