/*
 * `prune importance S --data FILE [--labels FILE] [--threshold a]`: the
 * seed's squared-gradient importance (diagonal empirical Fisher),
 * I_i = sum_samples sum_j (dy_j/dw_i)^2, from the gradient tape
 * (graphsmith/grad.h).  Each sample runs alone so the squares are per
 * sample; with labels one backward of the cross-entropy per sample
 * replaces the one per output.  The cut: floor(n * S) lowest scores per
 * layer (or globally), ties by position; or a threshold a * max(I).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/grad.h"
#include "graphsmith/progress.h"
#include "graphsmith/prune.h"
#include "graphsmith/samples.h"

struct scored {
	float s;
	int64_t i;			/* (layer << 40) | index for --global */
};

static int by_score(const void *a, const void *b)
{
	const struct scored *x = a, *y = b;

	if (x->s != y->s)
		return x->s < y->s ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* Adds g^2 of each layer's weight into its score array. */
static void accumulate(struct gs_grad_param **lp, float **score, int n)
{
	int l;
	int64_t i;

	for (l = 0; l < n; l++)
		for (i = 0; lp[l] && i < lp[l]->g->numel; i++) {
			float g = ((float *)lp[l]->g->data)[i];

			score[l][i] += g * g;
		}
}

#define MAX_UNLABELLED 4096

/* One sample's contributions: per output j, or over the loss. */
static int score_sample(struct gs_grad *gr, struct gs_etensor **in, const struct gs_etensor *labels,
			int64_t at, struct gs_grad_param **lp, float **score, int n,
			struct gs_error *err)
{
	struct gs_etensor *out[16], *dy;
	int64_t j, C;
	int rc = 0;

	if (gs_grad_forward(gr, in, out, err) < 0)
		return -1;
	if (out[0]->dtype != GS_DTYPE_FLOAT)
		return gs_error_set(err, "the first output is not float32");
	C = out[0]->numel;
	if (C < 1)
		return gs_error_set(err, "the first output is empty");
	/* without labels every output value costs a backward pass */
	if (!labels && C > MAX_UNLABELLED)
		return gs_error_set(err, "the first output holds %lld values, over %d: give --labels",
				    (long long)C, MAX_UNLABELLED);
	if (labels) {
		double y = gs_et_get(labels, at);

		if (!(y >= 0 && y < (double)C))
			return gs_error_set(err, "label %g of sample %lld is not one of the %lld "
					    "classes", y, (long long)at, (long long)C);
	}
	if (!(dy = gs_et_zeros(GS_DTYPE_FLOAT, out[0]->rank, out[0]->dims, err)))
		return -1;
	if (labels) {
		float *d = dy->data, *z = out[0]->data, mx = z[0];
		double s = 0;
		int64_t y = (int64_t)gs_et_get(labels, at);	/* checked above */

		for (j = 1; j < C; j++)
			mx = fmaxf(mx, z[j]);
		for (j = 0; j < C; j++)
			s += (d[j] = expf(z[j] - mx));
		for (j = 0; j < C; j++)
			d[j] = (float)(d[j] / s) - (j == y);
		gs_grad_zero(gr);
		rc = gs_grad_backward(gr, &dy, err);
		if (!rc)
			accumulate(lp, score, n);
	}
	for (j = 0; !labels && !rc && j < C; j++) {
		((float *)dy->data)[j] = 1.0f;
		gs_grad_zero(gr);
		rc = gs_grad_backward(gr, &dy, err);
		if (!rc)
			accumulate(lp, score, n);
		((float *)dy->data)[j] = 0.0f;
	}
	gs_et_unref(dy);
	return rc;
}

static int compute_scores(struct gs_model *m, const struct gs_prune_opts *o,
			  struct gs_prune_layer *layers, int n, float **score, struct gs_error *err)
{
	struct gs_sample_spec spec = { .npz = o->data };
	struct gs_grad_param **lp = gs_xcalloc((size_t)n + 1, sizeof(*lp));
	struct gs_etensor *labels = NULL;
	struct gs_samples s = { 0 };
	struct gs_eval *ev = NULL;
	struct gs_grad *gr = NULL;
	struct gs_progress pr;
	int64_t at;
	int rc = -1, l, k;

	if (!(ev = gs_eval_new(m, err)) || gs_samples_load(ev, &spec, &s, err) < 0 ||
	    (o->labels && gs_labels_load(o->labels, s.n_samples, &labels, err) < 0) ||
	    !(gr = gs_grad_new(m, err)))
		goto out;
	if (s.n_samples < 1) {
		gs_error_set(err, "cannot use '%s': it holds no samples",
			     gs_escape(o->data, (char[256]){ 0 }, 256));
		goto out;
	}
	if (s.n > 16 || gs_grad_n_inputs(gr) > 16 || gs_grad_n_outputs(gr) > 16) {
		gs_error_set(err, "prune importance: more than 16 inputs or outputs");
		goto out;
	}
	for (l = 0; l < n; l++) {
		lp[l] = gs_grad_param_of(gr, layers[l].w);
		if (lp[l] && !lp[l]->trainable)
			lp[l] = NULL;
		if (!lp[l])
			gs_prune_note(o, "%s: no gradient reaches it; scored 0",
				      gs_escape(layers[l].w->name, (char[128]){ 0 }, 128));
		else
			lp[l]->masked = false;	/* a zero weight has an importance too */
	}
	gs_progress_begin(&pr, "scoring", s.n_samples, "samples");
	for (at = 0, rc = 0; at < s.n_samples && !rc; at++) {
		struct gs_etensor *in[16];

		for (k = 0; k < s.n && k < 16; k++)
			in[k] = gs_et_rows(s.inputs[k], at, 1);
		rc = score_sample(gr, in, labels, at, lp, score, n, err);
		for (k = 0; k < s.n && k < 16; k++)
			gs_et_unref(in[k]);
		if (!rc)
			rc = gs_progress_update(&pr, at + 1, err);
	}
	gs_progress_end(&pr);
out:
	gs_grad_free(gr);
	gs_et_unref(labels);
	gs_samples_release(&s);
	gs_eval_free(ev);
	free(lp);
	return rc;
}

/* Zeroes w where cut[] is set; returns zeros after. */
static int64_t apply(float *w, const bool *cut, int64_t n, bool *changed)
{
	int64_t i, zeros = 0;

	*changed = false;
	for (i = 0; i < n; i++) {
		if (cut[i] && (w[i] != 0.0f || signbit(w[i]))) {
			w[i] = 0.0f;
			*changed = true;
		}
		zeros += w[i] == 0.0f;
	}
	return zeros;
}

/* Marks the k lowest of the listed scores. */
static void cut_lowest(struct scored *sc, int64_t total, int64_t k, bool **cut, bool global)
{
	int64_t i;

	qsort(sc, (size_t)total, sizeof(*sc), by_score);
	for (i = 0; i < k; i++)
		if (global)
			cut[sc[i].i >> 40][sc[i].i & ((1LL << 40) - 1)] = true;
		else
			cut[0][sc[i].i] = true;
}

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return x < y ? -1 : x > y;
}

int gs_prune_importance(struct gs_model *m, double sparsity, const struct gs_prune_opts *o,
			struct gs_prune_result *res, struct gs_error *err)
{
	struct gs_prune_layer *layers = NULL;
	struct gs_prune_result r = { 0 };
	float **score, mx = 0;
	bool **cut;
	int n, l;
	int64_t i, total = 0;

	if (!o || !o->data)
		return gs_error_set(err, "prune importance needs --data FILE.npz");
	if (o->threshold <= 0 && !(sparsity >= 0.0 && sparsity < 1.0))
		return gs_error_set(err, "bad sparsity '%g': expected a number in [0, 1)", sparsity);
	n = gs_prune_collect(m, o, &layers);
	score = gs_xcalloc((size_t)n + 1, sizeof(*score));
	cut = gs_xcalloc((size_t)n + 1, sizeof(*cut));
	for (l = 0; l < n; l++) {
		score[l] = gs_xcalloc((size_t)layers[l].w->numel + 1, sizeof(float));
		cut[l] = gs_xcalloc((size_t)layers[l].w->numel + 1, sizeof(bool));
		total += layers[l].w->numel;
	}
	if (n && compute_scores(m, o, layers, n, score, err) < 0) {
		r.layers = -1;
		goto out;
	}
	for (l = 0; l < n; l++)
		for (i = 0; i < layers[l].w->numel; i++)
			mx = fmaxf(mx, score[l][i]);
	if (o->threshold > 0) {
		for (l = 0; l < n; l++)
			for (i = 0; i < layers[l].w->numel; i++)
				cut[l][i] = score[l][i] < (float)(o->threshold * mx);
	} else if (o->global) {
		struct scored *sc = gs_xcalloc((size_t)total + 1, sizeof(*sc));
		int64_t at = 0;

		for (l = 0; l < n; l++)
			for (i = 0; i < layers[l].w->numel; i++, at++)
				sc[at] = (struct scored){ score[l][i], (int64_t)l << 40 | i };
		cut_lowest(sc, total, (int64_t)floor((double)total * sparsity), cut, true);
		free(sc);
	} else {
		for (l = 0; l < n; l++) {
			int64_t nl = layers[l].w->numel;
			struct scored *sc = gs_xcalloc((size_t)nl + 1, sizeof(*sc));

			for (i = 0; i < nl; i++)
				sc[i] = (struct scored){ score[l][i], i };
			cut_lowest(sc, nl, (int64_t)floor((double)nl * sparsity), &cut[l], false);
			free(sc);
		}
	}
	for (l = 0; l < n; l++) {
		struct gs_tensor *t = layers[l].w;
		float *w = gs_prune_floats(m, t), *sorted;
		int64_t nl = t->numel, ncut = 0, zeros;
		bool changed;
		char nb[128];

		sorted = gs_xcalloc((size_t)nl + 1, sizeof(float));
		memcpy(sorted, score[l], sizeof(float) * (size_t)nl);
		qsort(sorted, (size_t)nl, sizeof(float), cmp_float);
		for (i = 0; i < nl; i++)
			ncut += cut[l][i];
		gs_prune_note(o, "%s: importance min %.3g median %.3g max %.3g; cut %lld of %lld",
			      gs_escape(t->name, nb, sizeof(nb)), nl ? sorted[0] : 0.0,
			      nl ? sorted[nl / 2] : 0.0, nl ? sorted[nl - 1] : 0.0,
			      (long long)ncut, (long long)nl);
		free(sorted);
		zeros = apply(w, cut[l], nl, &changed);
		r.elements += nl;
		r.zeroed += zeros;
		r.layers += gs_prune_install(m, t, w, changed, zeros);
	}
	if (o->threshold > 0)
		gs_prune_note(o, "threshold %g * max %.3g = %.3g", o->threshold, mx,
			      o->threshold * mx);
out:
	for (l = 0; l < n; l++) {
		free(score[l]);
		free(cut[l]);
	}
	free(score);
	free(cut);
	free(layers);
	if (r.layers < 0)
		return -1;
	if (res)
		*res = r;
	return 0;
}
