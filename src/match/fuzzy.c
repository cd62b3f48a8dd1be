/*
 * Fuzzy pairing of what alignment left, inside each gap between skeleton
 * points and only within one op family: a similarity score from matched
 * neighbours (GumTree's dice), attributes and weight shapes, greedy by
 * score with a deterministic tie-break, bounded to 64 x 64 per gap.
 */
#include <stdlib.h>
#include <string.h>

#include "match/internal.h"

#define FUZZY_MAX 64
#define FUZZY_MIN_SCORE 0.5f

static int neighbours(const struct mview *v, int n, int *out, int max)
{
	int k, cnt = 0;

	for (k = 0; k < v->in_cnt[n] && cnt < max; k++) {
		int val = v->ins[v->in_off[n] + k];

		if (val >= 0 && v->src[val] >= 0)
			out[cnt++] = v->src[val];
	}
	for (k = 0; k < v->dn_cnt[n] && cnt < max; k++)
		out[cnt++] = v->dn_node[v->dn_off[n] + k];
	return cnt;
}

static float attr_sim(const struct mview *A, int a, const struct mview *B, int b)
{
	int i, j, same = 0, uni;

	if (!A->at_cnt[a] && !B->at_cnt[b])
		return 1;
	for (i = 0; i < A->at_cnt[a]; i++)
		for (j = 0; j < B->at_cnt[b]; j++)
			if (A->attrs[A->at_off[a] + i].h == B->attrs[B->at_off[b] + j].h)
				same++;
	uni = A->at_cnt[a] + B->at_cnt[b] - same;
	return uni > 0 ? (float)same / (float)uni : 1;
}

static const struct gs_tensor *weight(const struct mview *v, int n)
{
	return v->in_cnt[n] > 1 ? gs_match_view_param(v, v->ins[v->in_off[n] + 1]) : NULL;
}

static float param_sim(const struct mview *A, int a, const struct mview *B, int b)
{
	const struct gs_tensor *ta = weight(A, a), *tb = weight(B, b);
	int i, same = 0;

	if (!ta && !tb)
		return 1;
	if (!ta || !tb || ta->rank != tb->rank || ta->rank == 0)
		return 0;
	for (i = 0; i < ta->rank; i++)
		same += ta->dims[i] == tb->dims[A->wt[a] != B->wt[b] && ta->rank == 2 ? 1 - i : i];
	return (float)same / (float)ta->rank;
}

static float fuzzy_score(const struct mctx *c, int a, int b)
{
	int na_[32], nb_[32], na, nb, i, j, hit = 0;
	float dice;

	na = neighbours(&c->A, a, na_, 32);
	nb = neighbours(&c->B, b, nb_, 32);
	for (i = 0; i < na; i++) {
		int m = c->A.match[na_[i]];

		for (j = 0; m >= 0 && j < nb; j++)
			if (nb_[j] == m) {
				hit++;
				break;
			}
	}
	dice = na + nb ? 2.0f * (float)hit / (float)(na + nb) : 0;
	return 0.4f * dice + 0.3f * attr_sim(&c->A, a, &c->B, b) +
	       0.3f * param_sim(&c->A, a, &c->B, b);
}

static void fuzzy_gap(struct mctx *c, const int *ga, int na, const int *gb, int nb, int arg)
{
	(void)arg;
	if (na > FUZZY_MAX)
		na = FUZZY_MAX;
	if (nb > FUZZY_MAX)
		nb = FUZZY_MAX;
	for (;;) {
		float best = FUZZY_MIN_SCORE - 1e-6f;
		int bi = -1, bj = -1, i, j;

		for (i = 0; i < na; i++) {
			if (c->A.match[ga[i]] >= 0)
				continue;
			for (j = 0; j < nb; j++) {
				float s;

				if (c->B.match[gb[j]] >= 0 || c->A.fam[ga[i]] != c->B.fam[gb[j]])
					continue;
				s = fuzzy_score(c, ga[i], gb[j]);
				if (s > best) {
					best = s;
					bi = i;
					bj = j;
				}
			}
		}
		if (bi < 0)
			break;
		gs_match_set_pair(c, ga[bi], gb[bj], GS_METHOD_FUZZY, best);
	}
}

void gs_match_fuzzy_pairs(struct mctx *c)
{
	gs_match_gaps_walk(c, fuzzy_gap, 0);
}
