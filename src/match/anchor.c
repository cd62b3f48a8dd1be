/*
 * Anchors: graph inputs and outputs paired by name or position, then nodes
 * whose signature is unique among the unmatched nodes of both sides (the
 * patience-diff idea applied to WL colours).  Each family is recounted over
 * what is still unmatched, so propagation can make new colours unique.
 */
#include <stdlib.h>
#include <string.h>

#include "match/internal.h"

void gs_match_set_pair(struct mctx *c, int a, int b, int method, float score)
{
	c->A.match[a] = b;
	c->B.match[b] = a;
	c->A.method[a] = c->B.method[b] = (unsigned char)method;
	c->A.score[a] = c->B.score[b] = score;
	GS_GROW(c->work, c->n_work + 1, c->work_alloc);
	c->work[c->n_work++] = a;
}

static bool io_compatible(const struct gs_value *a, const struct gs_value *b)
{
	return !a->dtype || !b->dtype || a->dtype == b->dtype;
}

static void pair_values(struct mview *A, struct mview *B, const int *la, int na,
			const int *lb, int nb)
{
	int i, j;

	/* by name first, then by position among the rest */
	for (i = 0; i < na; i++) {
		const struct gs_value *va = A->g->values[la[i]];

		for (j = 0; j < nb && na * nb <= 1 << 16; j++) {
			const struct gs_value *vb = B->g->values[lb[j]];

			if (B->vmatch[lb[j]] < 0 && !strcmp(va->name, vb->name)) {
				A->vmatch[la[i]] = lb[j];
				B->vmatch[lb[j]] = la[i];
				break;
			}
		}
	}
	for (i = 0, j = 0; i < na; i++) {
		if (A->vmatch[la[i]] >= 0)
			continue;
		while (j < nb && B->vmatch[lb[j]] >= 0)
			j++;
		if (j >= nb)
			break;
		if (!io_compatible(A->g->values[la[i]], B->g->values[lb[j]]))
			continue;
		A->vmatch[la[i]] = lb[j];
		B->vmatch[lb[j]] = la[i];
	}
}

static int real_inputs(const struct gs_graph *g, int *out)
{
	int i, n = 0;

	for (i = 0; i < g->n_inputs; i++)
		if (g->values[g->inputs[i]]->kind != GS_VALUE_PARAM)
			out[n++] = g->inputs[i];
	return n;
}

void gs_match_anchor_io(struct mctx *c, bool nodes)
{
	const struct gs_graph *ga = c->A.g, *gb = c->B.g;
	int *la = gs_xmalloc(sizeof(int) * ((size_t)ga->n_inputs + (size_t)ga->n_outputs + 1));
	int *lb = gs_xmalloc(sizeof(int) * ((size_t)gb->n_inputs + (size_t)gb->n_outputs + 1));
	int na = real_inputs(ga, la), nb = real_inputs(gb, lb), i;

	pair_values(&c->A, &c->B, la, na, lb, nb);
	pair_values(&c->A, &c->B, ga->outputs, ga->n_outputs, gb->outputs, gb->n_outputs);
	for (i = 0; nodes && i < ga->n_outputs; i++) {
		int va = ga->outputs[i], vb = c->A.vmatch[va], pa, pb;

		if (vb < 0)
			continue;
		pa = c->A.src[c->A.eff[va]];
		pb = c->B.src[c->B.eff[vb]];
		if (pa >= 0 && pb >= 0 && c->A.match[pa] < 0 && c->B.match[pb] < 0 &&
		    c->A.fam[pa] == c->B.fam[pb])
			gs_match_set_pair(c, pa, pb, GS_METHOD_ANCHOR, 1.0f);
	}
	free(la);
	free(lb);
}

/* open addressing: colour -> (count A, count B, last A, last B) */
struct colour {
	uint64_t key;
	int ca, cb, la, lb;
	bool used;
};

static struct colour *colour_slot(struct colour *t, size_t cap, uint64_t key)
{
	size_t i = (size_t)gs_mix64(key) & (cap - 1);

	while (t[i].used && t[i].key != key)
		i = (i + 1) & (cap - 1);
	if (!t[i].used) {
		t[i].used = true;
		t[i].key = key;
	}
	return &t[i];
}

/* Ops that carry too little information to anchor on their own. */
static bool low_info(int op)
{
	switch (op) {
	case OP_Identity: case OP_Shape: case OP_Constant: case OP_Cast: case OP_Reshape:
	case OP_Unsqueeze: case OP_Squeeze: case OP_Gather: case OP_Concat: case OP_Transpose:
		return true;
	default:
		return false;
	}
}

/* Unmatched bases of one side: how many there are. */
static size_t unmatched(const struct mview *v)
{
	size_t n = 0;
	int k;

	for (k = 0; k < v->n_order; k++)
		n += v->match[v->order[k]] < 0;
	return n;
}

/* Counts one side's unmatched bases per colour, keeping the last seen. */
static void count_colours(const struct mview *v, int round, struct colour *t, size_t cap,
			  bool side_b)
{
	int k;

	for (k = 0; k < v->n_order; k++) {
		int x = v->order[k];
		struct colour *s;

		if (v->match[x] >= 0)
			continue;
		s = colour_slot(t, cap, v->sig[round][x]);
		if (side_b) {
			s->cb++;
			s->lb = x;
		} else {
			s->ca++;
			s->la = x;
		}
	}
}

void gs_match_anchor_unique(struct mctx *c, int round)
{
	size_t cap = 16, n = 2 + unmatched(&c->A) + unmatched(&c->B);
	struct colour *t;
	int k;

	/* sized by what is still unmatched: fresh pages cost more than counting */
	while (cap < n * 2)
		cap *= 2;
	t = gs_xcalloc(cap, sizeof(*t));
	count_colours(&c->A, round, t, cap, false);
	count_colours(&c->B, round, t, cap, true);
	for (k = 0; k < c->A.n_order; k++) {
		int a = c->A.order[k];
		struct colour *s;

		if (c->A.match[a] >= 0)
			continue;
		s = colour_slot(t, cap, c->A.sig[round][a]);
		if (s->ca != 1 || s->cb != 1 || c->B.match[s->lb] >= 0)
			continue;
		if (round < 2 && low_info(c->A.vop_id[a]))
			continue;
		gs_match_set_pair(c, a, s->lb, GS_METHOD_ANCHOR,
				  0.5f + 0.5f * (float)round / GS_WL_ROUNDS);
	}
	free(t);
}
