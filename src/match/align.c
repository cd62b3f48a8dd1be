/*
 * Sequence alignment over the canonical order: the longest increasing
 * subsequence of matched pairs is the skeleton (O(n log n)); between two
 * skeleton points the unmatched nodes of each side are aligned by an LCS on
 * their signature tokens, left-aligned so repeated-block insertions land at
 * the end of a run.  Gaps above the cell cap are left to fuzzy pairing.
 */
#include <stdlib.h>
#include <string.h>

#include "match/internal.h"

#define ALIGN_MAX_CELLS 4000000

int gs_match_align_lis(const int *seq, int n, int *keep)
{
	int *tail = gs_xmalloc(sizeof(int) * ((size_t)n + 1));	/* index of the tail */
	int *prev = gs_xmalloc(sizeof(int) * ((size_t)n + 1));
	int len = 0, i, k;

	for (i = 0; i < n; i++) {
		int lo = 0, hi = len;

		while (lo < hi) {
			int mid = (lo + hi) / 2;

			if (seq[tail[mid]] < seq[i])
				lo = mid + 1;
			else
				hi = mid;
		}
		prev[i] = lo > 0 ? tail[lo - 1] : -1;
		tail[lo] = i;
		if (lo == len)
			len++;
	}
	for (i = 0; i < n; i++)
		keep[i] = 0;
	for (k = len ? tail[len - 1] : -1; k >= 0; k = prev[k])
		keep[k] = 1;
	free(tail);
	free(prev);
	return len;
}

/* Left-aligned LCS of two token runs; pairs equal tokens. */
static void lcs_gap(struct mctx *c, const int *ga, int na, const int *gb, int nb, int round)
{
	int *L, i, j;
	size_t w = (size_t)nb + 1;

	if (!na || !nb || (size_t)(na + 1) * w > ALIGN_MAX_CELLS)
		return;
	L = gs_xcalloc((size_t)(na + 1) * w, sizeof(int));
	for (i = na - 1; i >= 0; i--)
		for (j = nb - 1; j >= 0; j--) {
			if (c->A.sig[round][ga[i]] == c->B.sig[round][gb[j]])
				L[i * w + j] = 1 + L[(i + 1) * w + j + 1];
			else
				L[i * w + j] = L[(i + 1) * w + j] > L[i * w + j + 1] ?
					       L[(i + 1) * w + j] : L[i * w + j + 1];
		}
	for (i = 0, j = 0; i < na && j < nb;) {
		if (c->A.sig[round][ga[i]] == c->B.sig[round][gb[j]] &&
		    L[i * w + j] == 1 + L[(i + 1) * w + j + 1]) {
			bool amb = (i + 1 < na && c->A.sig[round][ga[i + 1]] == c->A.sig[round][ga[i]]) ||
				   (j + 1 < nb && c->B.sig[round][gb[j + 1]] == c->B.sig[round][gb[j]]);

			if (c->A.match[ga[i]] < 0 && c->B.match[gb[j]] < 0) {
				gs_match_set_pair(c, ga[i], gb[j], GS_METHOD_ALIGNMENT,
						  round ? 0.7f : 0.6f);
				if (amb || na != nb)
					c->A.ambiguous[ga[i]] = c->B.ambiguous[gb[j]] = amb;
			}
			i++;
			j++;
		} else if (L[(i + 1) * w + j] >= L[i * w + j + 1]) {
			i++;
		} else {
			j++;
		}
	}
	free(L);
}

void gs_match_gaps_walk(struct mctx *c, gap_fn fn, int arg)
{
	int n = 0, k, m, *seq = gs_xmalloc(sizeof(int) * ((size_t)c->A.n_order + 1));
	int *pa = gs_xmalloc(sizeof(int) * ((size_t)c->A.n_order + 2));
	int *pb = gs_xmalloc(sizeof(int) * ((size_t)c->A.n_order + 2));
	int *keep = gs_xmalloc(sizeof(int) * ((size_t)c->A.n_order + 1));
	int *ga = gs_xmalloc(sizeof(int) * ((size_t)c->A.n_order + 1));
	int *gb = gs_xmalloc(sizeof(int) * ((size_t)c->B.n_order + 1));
	int np = 0, ia = 0, ib = 0;

	for (k = 0; k < c->A.n_order; k++) {
		int a = c->A.order[k];

		if (c->A.match[a] >= 0) {
			seq[n] = c->B.pos[c->A.match[a]];
			pa[n++] = k;
		}
	}
	gs_match_align_lis(seq, n, keep);
	for (k = 0; k < n; k++)
		if (keep[k]) {
			pa[np] = pa[k];
			pb[np++] = seq[k];
		}
	pa[np] = c->A.n_order;
	pb[np] = c->B.n_order;
	for (m = 0; m <= np; m++) {
		int na = 0, nb = 0;

		for (; ia < pa[m]; ia++)
			if (c->A.match[c->A.order[ia]] < 0)
				ga[na++] = c->A.order[ia];
		for (; ib < pb[m]; ib++)
			if (c->B.match[c->B.order[ib]] < 0)
				gb[nb++] = c->B.order[ib];
		ia = pa[m] + 1;
		ib = pb[m] + 1;
		if (na && nb)
			fn(c, ga, na, gb, nb, arg);
	}
	free(seq);
	free(pa);
	free(pb);
	free(keep);
	free(ga);
	free(gb);
}

void gs_match_align_gaps(struct mctx *c)
{
	gs_match_gaps_walk(c, lcs_gap, 1);
	gs_match_gaps_walk(c, lcs_gap, 0);
}
