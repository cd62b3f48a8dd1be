/*
 * `prune nm N:M`: in every group of M consecutive weights along the
 * reduction axis keep the N of largest magnitude (ties: the earlier one).
 * A weight is seen as rows (one per output) of L reduction elements; the
 * element (r, l) sits at base(r) + l * step.
 */
#include <stdlib.h>
#include <string.h>

#include "graphsmith/prune.h"
#include "graphsmith/recon.h"

struct rows {
	int64_t n_rows, len, step;
	int64_t batch, per_batch, row_stride;	/* base(r) */
};

static int64_t row_base(const struct rows *l, int64_t r)
{
	/* rows come in batches (MatMul [..., K, N]); inside one, r * stride */
	return (r / l->per_batch) * l->batch + (r % l->per_batch) * l->row_stride;
}

/* The reduction layout of n's weight w, or -1 with why in err. */
static int layout(const struct gs_node *n, const struct gs_tensor *w, struct rows *l,
		  struct gs_error *err)
{
	int64_t inner;

	memset(l, 0, sizeof(*l));
	if (!strcmp(n->op_type, "Conv")) {
		if (w->rank < 3)
			return gs_error_set(err, "Conv weight of rank %d", w->rank);
		/* [O, I/g, k...]: a filter is one contiguous row */
		l->n_rows = w->dims[0];
		l->len = w->numel / w->dims[0];
		l->step = 1;
		l->row_stride = l->len;
	} else if (!strcmp(n->op_type, "ConvTranspose")) {
		if (w->rank < 3)
			return gs_error_set(err, "ConvTranspose weight of rank %d", w->rank);
		/* [I, O/g, k...]: reduce over I for each (o, kernel) position */
		inner = w->numel / w->dims[0];
		l->n_rows = inner;
		l->len = w->dims[0];
		l->step = inner;
		l->row_stride = 1;
	} else {
		bool trans = !strcmp(n->op_type, "Gemm") && gs_node_attr_int(n, "transB", 0);
		int64_t k, cols;

		if (w->rank < 2 || (trans && w->rank != 2))
			return gs_error_set(err, "%s weight of rank %d", n->op_type, w->rank);
		k = w->dims[w->rank - 2];
		cols = w->dims[w->rank - 1];
		if (trans) {
			/* [N, K]: rows are contiguous */
			l->n_rows = k;
			l->len = cols;
			l->step = 1;
			l->row_stride = cols;
		} else {
			/* [..., K, N]: one row per column n, K apart */
			l->n_rows = w->numel / k;
			l->len = k;
			l->step = cols;
			l->row_stride = 1;
			l->per_batch = cols;
			l->batch = k * cols;
		}
	}
	if (!l->per_batch) {
		l->per_batch = l->n_rows;
		l->batch = 0;
	}
	return 0;
}

static float mag(float f)
{
	return f < 0 ? -f : f;
}

/* Zeroes all but the n largest of one group (g elements at p, step),
 * scored |w| * scale[] with data (Wanda), else |w|; returns how many
 * elements changed bits (-0.0 to 0.0 included). */
static int keep_n(float *f, const float *scale, int64_t base, int64_t step, int g, int n,
		  float *tmp, int *idx)
{
	int i, j, kept, changed = 0;

	for (i = 0; i < g; i++) {
		int64_t at = base + (int64_t)i * step;

		tmp[i] = scale ? f[at] * scale[at] : f[at];
		idx[i] = i;
	}
	/* partial selection sort: g is small (M <= 1024, usually 4) */
	for (kept = 0; kept < n; kept++) {
		int best = kept;

		for (j = kept + 1; j < g; j++) {
			float a = mag(tmp[idx[j]]), b = mag(tmp[idx[best]]);

			/* NaN counts as the largest */
			if ((a != a && b == b) || a > b || (a == b && idx[j] < idx[best]))
				best = j;
		}
		i = idx[kept];
		idx[kept] = idx[best];
		idx[best] = i;
	}
	for (i = n; i < g; i++) {
		float *x = &f[base + (int64_t)idx[i] * step];
		uint32_t u;

		memcpy(&u, x, sizeof(u));
		changed += u != 0;
		*x = 0.0f;
	}
	return changed;
}

/*
 * The layers are pruned on every core once the layouts are checked (in
 * order, so the notes keep their order); installing goes through the
 * journal in layer order on the caller's thread.
 */
struct nm_layer {
	struct gs_tensor *t;
	const float *scale;		/* with data: ||X_k|| per element */
	struct rows l;
	float *f;			/* the pruned copy */
	int64_t changed, zeros;		/* elements whose bits changed; zeros after */
};

struct nm_job {
	const struct gs_model *m;
	struct nm_layer *layers;
	int n, group;
};

static void nm_task(void *ctx, size_t i, int worker)
{
	struct nm_job *j = ctx;
	struct nm_layer *L = &j->layers[i];
	float *tmp = gs_xmalloc(sizeof(*tmp) * (size_t)j->group);
	int *idx = gs_xmalloc(sizeof(*idx) * (size_t)j->group);
	int64_t row, c, k;

	(void)worker;
	L->f = gs_prune_floats(j->m, L->t);
	L->changed = 0;
	for (row = 0; row < L->l.n_rows; row++) {
		int64_t base = row_base(&L->l, row);

		for (c = 0; c < L->l.len; c += j->group)
			L->changed += keep_n(L->f, L->scale, base + c * L->l.step, L->l.step, j->group,
					     j->n, tmp, idx);
	}
	for (k = 0, L->zeros = 0; k < L->t->numel; k++)
		L->zeros += L->f[k] == 0.0f;
	free(tmp);
	free(idx);
}

int gs_prune_nm(struct gs_model *m, int n, int group, const struct gs_prune_opts *opts,
		struct gs_prune_result *res, struct gs_error *err)
{
	struct gs_prune_layer *layers = NULL;
	struct gs_prune_result r;
	struct nm_job job;
	int count, i, used = 0;
	char name[256];

	memset(&r, 0, sizeof(r));
	if (n < 1 || group < 1 || n > group)
		return gs_error_set(err, "bad pattern '%d:%d': need 1 <= N <= M", n, group);
	count = gs_prune_collect(m, opts, &layers);
	job.m = m;
	job.n = n;
	job.group = group;
	job.layers = gs_xcalloc((size_t)count + 1, sizeof(*job.layers));
	for (i = 0; i < count; i++) {
		struct gs_tensor *t = layers[i].w;
		struct gs_error why;
		struct rows l;

		gs_escape(t->name ? t->name : "", name, sizeof(name));
		if (layout(layers[i].node, t, &l, &why)) {
			gs_prune_note(opts, "skipped '%s': %s", name, why.msg);
			r.skipped++;
			continue;
		}
		if (l.len % group) {
			gs_prune_note(opts, "skipped '%s': reduction length %lld is not a multiple of %d",
				      name, (long long)l.len, group);
			r.skipped++;
			continue;
		}
		job.layers[used].t = t;
		if (opts && opts->act) {
			float *f;

			if (!(job.layers[used].scale = gs_act_norms_find(opts->act, t))) {
				gs_prune_note(opts, "skipped '%s': no activation statistics for it",
					      name);
				r.skipped++;
				continue;
			}
			f = gs_prune_floats(m, t);
			gs_prune_score_note(opts, "nm", t, f, job.layers[used].scale);
			free(f);
		}
		job.layers[used++].l = l;
	}
	gs_parallel_for((size_t)used, nm_task, &job);
	for (i = 0; i < used; i++) {
		struct nm_layer *L = &job.layers[i];

		r.elements += L->t->numel;
		r.zeroed += L->zeros;
		r.layers += gs_prune_install(m, L->t, L->f,
					     L->changed > 0,
					     L->zeros);
	}
	free(job.layers);
	free(layers);
	if (res)
		*res = r;
	return 0;
}
