/*
 * `prune magnitude S --data FILE`: Wanda (Sun et al. 2023, "A Simple and
 * Effective Pruning Approach for Large Language Models").  The score of
 * W[m,k] is |W[m,k]| * ||X_k||, the L2 norm of input feature k over the
 * data (a Conv's feature is input channel x kernel position), and weights
 * compete within their output row, as the paper does: every row loses
 * exactly floor(K * S) weights, ties broken by position.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/prune.h"
#include "graphsmith/recon.h"
#include "graphsmith/util.h"

struct scored {
	float s;
	int64_t k;
};

static int by_score(const void *a, const void *b)
{
	const struct scored *x = a, *y = b;

	/* NaN scores sort last: they are never cut */
	if (x->s != y->s) {
		if (x->s != x->s)
			return 1;
		if (y->s != y->s)
			return -1;
		return x->s < y->s ? -1 : 1;
	}
	return x->k < y->k ? -1 : x->k > y->k;
}

static int by_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return x < y ? -1 : x > y;
}

void gs_prune_score_note(const struct gs_prune_opts *opts, const char *what,
			 const struct gs_tensor *w, const float *f, const float *scale)
{
	int64_t n = w->numel, i;
	float *s = gs_xmalloc(sizeof(float) * (size_t)n + 1);
	char name[256];

	for (i = 0; i < n; i++)
		s[i] = fabsf(f[i]) * scale[i];
	qsort(s, (size_t)n, sizeof(float), by_float);
	gs_prune_note(opts, "%s '%s': scores |w|*||x|| min %.4g, median %.4g, max %.4g", what,
		      gs_escape(w->name ? w->name : "", name, sizeof(name)), (double)s[0],
		      (double)s[n / 2], (double)s[n - 1]);
	free(s);
}

/* Cuts one layer's rows; returns the zeros in f after, *changed if a bit changed. */
static int64_t cut_rows(const struct gs_linear *l, float *f, const float *scale, double sparsity,
			bool *changed, double *threshold_sum)
{
	int64_t K = l->feats, cut = (int64_t)floor((double)K * sparsity), m, i, zeros = 0;
	struct scored *sc = gs_xmalloc(sizeof(*sc) * (size_t)K + 1);

	*changed = false;
	for (m = 0; m < l->rows; m++) {
		for (i = 0; i < K; i++) {
			int64_t idx = m * l->row_stride + i * l->feat_stride;

			sc[i].s = fabsf(f[idx]) * scale[idx];
			sc[i].k = i;
		}
		qsort(sc, (size_t)K, sizeof(*sc), by_score);
		if (cut > 0)
			*threshold_sum += sc[cut - 1].s;
		for (i = 0; i < cut; i++) {
			float *x = &f[m * l->row_stride + sc[i].k * l->feat_stride];
			uint32_t u;

			memcpy(&u, x, sizeof(u));
			*changed |= u != 0;
			*x = 0.0f;
		}
	}
	for (i = 0; i < l->rows * K; i++)
		zeros += f[i] == 0.0f;
	free(sc);
	return zeros;
}

int gs_prune_wanda(struct gs_model *m, double sparsity, const struct gs_prune_opts *opts,
		   struct gs_prune_result *res, struct gs_error *err)
{
	struct gs_prune_layer *layers = NULL;
	struct gs_prune_result r;
	char name[256];
	int n, i;

	memset(&r, 0, sizeof(r));
	if (!(sparsity >= 0.0 && sparsity < 1.0))
		return gs_error_set(err, "bad sparsity '%g': expected a number in [0, 1)", sparsity);
	if (opts && opts->global)
		return gs_error_set(err, "--global does not go with --data: Wanda compares "
				    "weights within each output row");
	n = gs_prune_collect(m, opts, &layers);
	for (i = 0; i < n; i++) {
		struct gs_tensor *t = layers[i].w;
		const float *scale = gs_act_norms_find(opts->act, t);
		struct gs_linear l;
		struct gs_error why;
		double thr = 0;
		bool changed;
		int64_t zeros;
		float *f;

		gs_escape(t->name ? t->name : "", name, sizeof(name));
		if (!scale || gs_linear_describe(layers[i].g, layers[i].node, &l, &why) ||
		    l.w != t) {
			gs_prune_note(opts, "skipped '%s': no activation statistics for it", name);
			r.skipped++;
			continue;
		}
		f = gs_prune_floats(m, t);
		gs_prune_score_note(opts, "wanda", t, f, scale);
		zeros = cut_rows(&l, f, scale, sparsity, &changed, &thr);
		gs_prune_note(opts, "  cut %lld of %lld per row; mean row threshold %.4g",
			      (long long)floor((double)l.feats * sparsity), (long long)l.feats,
			      thr / (double)l.rows);
		r.elements += t->numel;
		r.zeroed += zeros;
		r.layers += gs_prune_install(m, t, f, changed, zeros);
	}
	free(layers);
	if (res)
		*res = r;
	return 0;
}
