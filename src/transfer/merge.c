/*
 * Parameter-level merging (../shared/TRANSFER.md §1): per tensor, as
 * mergekit does, on the pairs of the correspondence.  Everything is
 * computed in double from the float32 values and rounded once to float32
 * (then to the parameter's dtype), so a numpy script in float64 doing the
 * same operations in the same order gets the same bytes.
 *
 *   linear  r = sum_i w_i x_i, w normalized (--alpha: a, 1-a as given)
 *   slerp   r = c0 x0 + c1 x1 (lerp coefficients when near-parallel)
 *   task    r = b + l * sum_i (x_i - b)
 *   ties    trim each x_i - b to its top-k magnitudes (|d| >= k-th largest,
 *           k = max(1, floor(density * numel))), elect the sign of the sum,
 *           mean of the agreeing non-zero entries; r = b + l * mean
 *   dare    r = b + l * sum_i keep_ij (x_i - b) / (1 - p), keep from the
 *           documented splitmix64 stream (gs_dare_stream)
 * The tensors are independent: computed on every core, written back in
 * order through the journaled edit.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "graphsmith/params.h"
#include "graphsmith/transfer.h"
#include "graphsmith/util.h"

static const char *const method_names[] = { "linear", "slerp", "task", "ties", "dare" };

const char *gs_merge_method_name(int method)
{
	return method >= 0 && method < 5 ? method_names[method] : "unknown";
}

int gs_merge_method_parse(const char *s)
{
	int i;

	for (i = 0; i < 5; i++)
		if (!strcmp(s, method_names[i]))
			return i;
	return -1;
}

#define SPLITMIX_GAMMA 0x9E3779B97F4A7C15ull

uint64_t gs_dare_stream(uint64_t seed, int model, const char *name)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *name; name++) {
		h ^= (unsigned char)*name;
		h *= 0x100000001b3ull;
	}
	return seed ^ h ^ ((uint64_t)model * SPLITMIX_GAMMA);
}

double gs_dare_uniform(uint64_t stream, uint64_t j)
{
	uint64_t z = stream + (j + 1) * SPLITMIX_GAMMA;

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	z ^= z >> 31;
	return (double)(z >> 11) * (1.0 / 9007199254740992.0);
}

struct mtask {
	const char *name;
	int64_t numel;
	float **x;			/* n inputs, x[0] = MODEL1's */
	float *b;			/* base, or NULL */
	float *out;
	double cos_in, cos_out;
	double c0, c1;			/* slerp */
};

struct mrun {
	const struct gs_merge_opts *o;
	int n;
	double *w;			/* linear weights */
	struct mtask *t;
};

static double cosine(const float *a, const float *b, int64_t n)
{
	double d = 0, na = 0, nb = 0;
	int64_t i;

	for (i = 0; i < n; i++) {
		d += (double)a[i] * b[i];
		na += (double)a[i] * a[i];
		nb += (double)b[i] * b[i];
	}
	if (na <= 0 || nb <= 0)
		return na == nb ? 1 : 0;
	return d / (sqrt(na) * sqrt(nb));
}

/* The k-th smallest of v[0..n) (v is reordered). */
static double select_kth(double *v, int64_t n, int64_t k)
{
	int64_t lo = 0, hi = n - 1;

	while (lo < hi) {
		double pivot = v[lo + (hi - lo) / 2];
		int64_t i = lo, j = hi;

		while (i <= j) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j) {
				double tmp = v[i];

				v[i++] = v[j];
				v[j--] = tmp;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			return v[k];
	}
	return v[k];
}

static void merge_slerp(struct mtask *t, double tt)
{
	const float *x0 = t->x[0], *x1 = t->x[1];
	double dot = 0, n0 = 0, n1 = 0, d;
	int64_t i;

	for (i = 0; i < t->numel; i++) {
		dot += (double)x0[i] * x1[i];
		n0 += (double)x0[i] * x0[i];
		n1 += (double)x1[i] * x1[i];
	}
	n0 = sqrt(n0);
	n1 = sqrt(n1);
	d = dot / (n0 > 1e-8 ? n0 : 1) / (n1 > 1e-8 ? n1 : 1);
	if (fabs(d) > 0.9995) {
		t->c0 = 1 - tt;
		t->c1 = tt;
	} else {
		double th = acos(d), s = sin(th);

		t->c0 = sin(th - th * tt) / s;
		t->c1 = sin(th * tt) / s;
	}
	for (i = 0; i < t->numel; i++)
		t->out[i] = (float)(t->c0 * x0[i] + t->c1 * x1[i]);
}

static void merge_ties(const struct mrun *r, struct mtask *t)
{
	int64_t n = t->numel, k, i, j;
	double **d = gs_xmalloc(sizeof(double *) * (size_t)r->n);
	double *scratch = gs_xmalloc(sizeof(double) * (size_t)n);

	k = (int64_t)floor(r->o->density * (double)n);
	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	for (i = 0; i < r->n; i++) {
		double thr;

		d[i] = gs_xmalloc(sizeof(double) * (size_t)n);
		for (j = 0; j < n; j++) {
			d[i][j] = (double)t->x[i][j] - t->b[j];
			scratch[j] = fabs(d[i][j]);
		}
		thr = select_kth(scratch, n, n - k);
		for (j = 0; j < n; j++)
			if (!(fabs(d[i][j]) >= thr))
				d[i][j] = 0;
	}
	for (j = 0; j < n; j++) {
		double s = 0, acc = 0;
		int cnt = 0;

		for (i = 0; i < r->n; i++)
			s += d[i][j];
		for (i = 0; i < r->n; i++)
			if (d[i][j] != 0 && (d[i][j] > 0) == (s > 0) && s != 0) {
				acc += d[i][j];
				cnt++;
			}
		t->out[j] = (float)(t->b[j] + r->o->lambda * (cnt ? acc / cnt : 0));
	}
	for (i = 0; i < r->n; i++)
		free(d[i]);
	free(d);
	free(scratch);
}

static void merge_task(void *ctx, size_t idx, int worker)
{
	const struct mrun *r = ctx;
	const struct gs_merge_opts *o = r->o;
	struct mtask *t = &r->t[idx];
	uint64_t *streams = NULL;
	int64_t j;
	int i;

	(void)worker;
	switch (o->method) {
	case GS_MERGE_SLERP:
		merge_slerp(t, o->t);
		break;
	case GS_MERGE_TIES:
		merge_ties(r, t);
		break;
	case GS_MERGE_DARE:
		streams = gs_xmalloc(sizeof(uint64_t) * (size_t)r->n);
		for (i = 0; i < r->n; i++)
			streams[i] = gs_dare_stream(o->seed, i + 1, t->name);
		/* fall through */
	default:
		for (j = 0; j < t->numel; j++) {
			double acc = 0, b = t->b ? t->b[j] : 0;

			for (i = 0; i < r->n; i++) {
				if (o->method == GS_MERGE_LINEAR)
					acc += r->w[i] * t->x[i][j];
				else if (o->method == GS_MERGE_TASK)
					acc += (double)t->x[i][j] - b;
				else if (gs_dare_uniform(streams[i], (uint64_t)j) >= o->drop)
					acc += ((double)t->x[i][j] - b) / (1 - o->drop);
			}
			t->out[j] = (float)(o->method == GS_MERGE_LINEAR ? acc : b + o->lambda * acc);
		}
		free(streams);
	}
	t->cos_in = 1;
	for (i = 1; i < r->n; i++) {
		double c = cosine(t->x[0], t->x[i], t->numel);

		if (c < t->cos_in)
			t->cos_in = c;
	}
	t->cos_out = cosine(t->out, t->x[0], t->numel);
}

static int check_opts(int n, const struct gs_model *base, const struct gs_merge_opts *o,
		      struct gs_error *err)
{
	bool needs_base = o->method == GS_MERGE_TASK || o->method == GS_MERGE_TIES ||
			  o->method == GS_MERGE_DARE;

	if (o->method < 0 || o->method > GS_MERGE_DARE)
		return gs_error_set(err, "unknown merge method");
	if (n < 2)
		return gs_error_set(err, "merge needs at least two models");
	if (needs_base && !base)
		return gs_error_set(err, "merge %s needs --base BASE", gs_merge_method_name(o->method));
	if (!needs_base && base)
		return gs_error_set(err, "merge %s takes no --base", gs_merge_method_name(o->method));
	if (o->method == GS_MERGE_SLERP && (n != 2 || !(o->t >= 0 && o->t <= 1)))
		return gs_error_set(err, "merge slerp needs exactly two models and --t in [0,1]");
	if (o->method == GS_MERGE_LINEAR && o->weights && o->n_weights != n)
		return gs_error_set(err, "--weights gives %d weights for %d models", o->n_weights, n);
	if (o->method == GS_MERGE_LINEAR && o->has_alpha && (n != 2 || o->weights))
		return gs_error_set(err, "--alpha merges exactly two models (use --weights for more)");
	if (o->method == GS_MERGE_TIES && !(o->density > 0 && o->density <= 1))
		return gs_error_set(err, "--density must be in (0,1]");
	if (o->method == GS_MERGE_DARE && !(o->drop >= 0 && o->drop < 1))
		return gs_error_set(err, "--drop must be in [0,1)");
	if (!isfinite(o->lambda) || !isfinite(o->alpha))
		return gs_error_set(err, "merge coefficients must be finite");
	return 0;
}

static double *linear_weights(int n, const struct gs_merge_opts *o, struct gs_error *err)
{
	double *w = gs_xmalloc(sizeof(double) * (size_t)n), sum = 0;
	int i;

	for (i = 0; i < n; i++) {
		w[i] = o->weights ? o->weights[i] : o->has_alpha ? (i ? 1 - o->alpha : o->alpha) :
		       1.0 / n;
		sum += w[i];
	}
	if (o->weights) {
		if (!(fabs(sum) > 0) || !isfinite(sum)) {
			free(w);
			gs_error_set(err, "--weights sum to zero");
			return NULL;
		}
		for (i = 0; i < n; i++)
			w[i] /= sum;
	}
	return w;
}


static void dims_text(const struct gs_tensor *t, char *buf, size_t len)
{
	size_t o = 0;
	int i;

	o += (size_t)snprintf(buf, len, "[");
	for (i = 0; i < t->rank && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%lld", i ? "," : "", (long long)t->dims[i]);
	if (o < len)
		snprintf(buf + o, len - o, "]");
}

/* Pairs MODEL1 with every other input; folds first when any pairing meets
 * fused groups.  pairs[i] for inputs[i], i = 1..n_in-1 (pairs[0] unused). */
static int pair_all(int n_in, struct gs_model **in, struct gs_pairs *pairs, int *folds,
		    struct gs_error *err)
{
	bool fused = false;
	int i, f;

	for (i = 1; i < n_in; i++) {
		if (gs_pairs_models(in[0], in[i], &pairs[i], err))
			return -1;
		fused |= pairs[i].n_fused > 0;
	}
	if (!fused)
		return 0;
	for (i = 0; i < n_in; i++) {
		if ((f = gs_transfer_fold(in[i], err)) < 0)
			return -1;
		*folds += f;
	}
	for (i = 1; i < n_in; i++) {
		gs_pairs_release(&pairs[i]);
		if (gs_pairs_models(in[0], in[i], &pairs[i], err))
			return -1;
	}
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* A problem line per parameter some input cannot give; the count. */
static int list_problems(int n_in, struct gs_model **in, const struct gs_pairs *pairs, int k,
			 bool *bad, gs_report_fn report, void *ctx)
{
	const struct gs_pair *p0 = &pairs[1].p[k];
	const char *name = in[0]->graph->values[p0->value]->name;
	char da[128], db[128];
	int i, problems = 0;

	for (i = 1; i < n_in; i++) {
		const struct gs_pair *p = &pairs[i].p[k];
		const char *who = in[i]->path ? in[i]->path : "model";

		if (p->status == GS_PAIR_OK)
			continue;
		problems++;
		if (p->status == GS_PAIR_SHAPE) {
			dims_text(p->dst, da, sizeof(da));
			dims_text(p->src, db, sizeof(db));
			gs_report(report, ctx, "mismatch: %s %s vs %s %s in %s", name, da,
			    p->src_name ? p->src_name : "?", db, who);
		} else {
			gs_report(report, ctx, "unmatched: %s has no %s counterpart in %s", name,
			    p->status == GS_PAIR_FUSED ? "unfused" : "corresponding", who);
		}
	}
	*bad = problems > 0;
	return problems;
}

int gs_merge(int n, struct gs_model *const *models, struct gs_model *base,
	     const struct gs_merge_opts *o, gs_report_fn report, void *ctx,
	     struct gs_merge_stats *st, struct gs_error *err)
{
	int n_in = n + (base ? 1 : 0), i, k, n_params, n_bad = 0, rc = -1, nt = 0;
	struct gs_model **in = gs_xmalloc(sizeof(*in) * (size_t)n_in);
	struct gs_pairs *pairs = gs_xcalloc((size_t)n_in, sizeof(*pairs));
	struct mrun run = { o, n, NULL, NULL };
	bool *bad = NULL;
	double *cosines = NULL;
	struct timespec t0, t1;

	memset(st, 0, sizeof(*st));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (check_opts(n, base, o, err))
		goto out;
	if (o->method == GS_MERGE_LINEAR && !(run.w = linear_weights(n, o, err)))
		goto out;
	for (i = 0; i < n; i++)
		in[i] = models[i];
	if (base)
		in[n] = base;
	if (pair_all(n_in, in, pairs, &st->folds, err))
		goto out;
	if (st->folds)
		gs_report(report, ctx, "folded %d BatchNormalization into Conv first: the models are "
		    "merged in the folded form", st->folds);
	n_params = pairs[1].p ? pairs[1].n : 0;
	bad = gs_xcalloc((size_t)n_params + 1, sizeof(bool));
	for (k = 0; k < n_params; k++)
		n_bad += list_problems(n_in, in, pairs, k, &bad[k], report, ctx) > 0;
	if (n_bad && !o->skip_mismatched) {
		gs_error_set(err, "%d parameter%s of the first model %s no counterpart of the same "
			     "shape (listed above); --skip-mismatched keeps the first model's", n_bad,
			     n_bad == 1 ? "" : "s", n_bad == 1 ? "has" : "have");
		goto out;
	}
	st->not_mergeable = in[0]->graph->n_initializers - n_params;
	run.t = gs_xcalloc((size_t)n_params + 1, sizeof(*run.t));
	for (k = 0; k < n_params; k++) {
		struct mtask *t;

		if (bad[k])
			continue;
		t = &run.t[nt++];
		t->name = in[0]->graph->values[pairs[1].p[k].value]->name;
		t->numel = pairs[1].p[k].dst->numel;
		t->x = gs_xcalloc((size_t)n, sizeof(float *));
		if (!(t->x[0] = gs_param_floats(in[0], pairs[1].p[k].dst, err)))
			goto out;
		for (i = 1; i < n_in; i++) {
			float *f = gs_pair_floats(in[i], &pairs[i].p[k], err);

			if (!f)
				goto out;
			if (i < n)
				t->x[i] = f;
			else
				t->b = f;
		}
		t->out = gs_xmalloc(sizeof(float) * (size_t)(t->numel ? t->numel : 1));
	}
	gs_parallel_for((size_t)nt, merge_task, &run);
	cosines = gs_xmalloc(sizeof(double) * ((size_t)nt + 1));
	for (k = 0, i = 0; k < n_params; k++) {
		struct mtask *t;
		int ch;

		if (bad[k]) {
			st->kept++;
			gs_report(report, ctx, "kept %s: first model's tensor (no counterpart)",
			    in[0]->graph->values[pairs[1].p[k].value]->name);
			continue;
		}
		t = &run.t[i];
		cosines[i++] = t->cos_in;
		if ((ch = gs_param_set_floats(in[0], pairs[1].p[k].dst, t->out, err)) < 0)
			goto out;
		st->merged++;
		st->changed += ch;
		if (o->debug && o->method == GS_MERGE_SLERP)
			gs_report(report, ctx, "%s  cos(inputs) %.6f  cos(result, first) %.6f  "
			    "c0 %.17g c1 %.17g", t->name, t->cos_in, t->cos_out, t->c0, t->c1);
		else
			gs_report(report, ctx, "%s  cos(inputs) %.6f  cos(result, first) %.6f", t->name,
			    t->cos_in, t->cos_out);
	}
	if (nt) {
		qsort(cosines, (size_t)nt, sizeof(double), cmp_double);
		st->median_cos = nt % 2 ? cosines[nt / 2] : (cosines[nt / 2 - 1] + cosines[nt / 2]) / 2;
		st->lineage_warning = st->median_cos < 0.5;
		if (st->lineage_warning)
			gs_report(report, ctx, "warning: median cosine of the inputs is %.3f: the models do "
			    "not look like fine-tunes of one start, a merge of them is unlikely to work",
			    st->median_cos);
	}
	rc = 0;
out:
	clock_gettime(CLOCK_MONOTONIC, &t1);
	st->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
	for (k = 0; run.t && k < nt; k++) {
		for (i = 0; i < n; i++)
			free(run.t[k].x[i]);
		free(run.t[k].x);
		free(run.t[k].b);
		free(run.t[k].out);
	}
	for (i = 0; i < n_in; i++)
		gs_pairs_release(&pairs[i]);
	free(run.t);
	free(run.w);
	free(pairs);
	free(in);
	free(bad);
	free(cosines);
	return rc;
}
