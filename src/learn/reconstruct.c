/*
 * Layer-wise least-squares reconstruction (graphsmith/recon.h).
 *
 * For each changed layer, in B's order: stream the data through A (the
 * layer's outputs there are the targets Y) and through B as reconstructed
 * so far (the layer's inputs X, so upstream error is corrected rather
 * than compounded), accumulating G = X^T X, H = X^T Y and sum y^2 in
 * double.  Then per output row, over its kept weights S (and the bias as
 * a feature of ones): (G_SS + lambda I) w_S = H_S, lambda = damp * mean
 * diag G as SparseGPT damps.  Memory is O(K^2 + K*M) per layer.
 *
 * A row's error before and after comes from the same sums:
 * |Xw - y|^2 = w'Gw - 2 w'h + y'y, so no second pass is needed.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/params.h"
#include "graphsmith/progress.h"
#include "graphsmith/recon.h"
#include "graphsmith/util.h"
#ifdef GS_HAVE_CBLAS
#include <cblas.h>
#endif

int gs_recon_solve(const double *g, int64_t ld, const double *h, const int64_t *s, int64_t ns,
		   double lambda, const bool *no_damp, double *w, double *work)
{
	double *L = work;
	int64_t i, j, k;

	for (i = 0; i < ns; i++)
		for (j = 0; j <= i; j++)
			L[i * ns + j] = g[s[i] * ld + s[j]];
	for (i = 0; i < ns; i++)
		if (!no_damp || !no_damp[s[i]])
			L[i * ns + i] += lambda;
	/* Cholesky, lower triangle in place */
	for (j = 0; j < ns; j++) {
		double d = L[j * ns + j];

		for (k = 0; k < j; k++)
			d -= L[j * ns + k] * L[j * ns + k];
		if (!(d > 0))
			return -1;
		d = sqrt(d);
		L[j * ns + j] = d;
		for (i = j + 1; i < ns; i++) {
			double v = L[i * ns + j];

			for (k = 0; k < j; k++)
				v -= L[i * ns + k] * L[j * ns + k];
			L[i * ns + j] = v / d;
		}
	}
	for (i = 0; i < ns; i++) {	/* L z = h */
		double v = h[s[i]];

		for (k = 0; k < i; k++)
			v -= L[i * ns + k] * w[k];
		w[i] = v / L[i * ns + i];
	}
	for (i = ns - 1; i >= 0; i--) {	/* L' w = z */
		double v = w[i];

		for (k = i + 1; k < ns; k++)
			v -= L[k * ns + i] * w[k];
		w[i] = v / L[i * ns + i];
	}
	return 0;
}

/* One layer: B's and A's views of it and what the data says. */
struct layer {
	struct gs_linear lb, la;
	int64_t k1;			/* K, +1 with a bias */
	double *G, *H, *yy;		/* k1 x k1, M x k1, M */
	float *w;			/* B's W [M,K] (effective: alpha folded in) */
	float *bias;			/* B's effective bias [M] or NULL */
	float *qs, *qz;			/* quantized: scales, zero points */
	float *q, *q0;			/* quantized: the new integer values, the old */
	double *new_w;			/* solved [M, k1] */
	double err_before, err_after, yy_sum;
	int64_t fixed_rows;		/* rows left as they were (not solvable) */
};

static void layer_free(struct layer *L)
{
	free(L->G);
	free(L->H);
	free(L->yy);
	free(L->w);
	free(L->bias);
	free(L->qs);
	free(L->qz);
	free(L->q);
	free(L->q0);
	free(L->new_w);
}

static const char *lname(const struct layer *L, char *buf, size_t len)
{
	const struct gs_node *n = L->lb.node;

	return gs_escape(n->name && n->name[0] ? n->name : n->op_type, buf, len);
}

static void note(const struct gs_recon_opts *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void note(const struct gs_recon_opts *o, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!o->note)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	o->note(o->ctx, line);
}

/* Loads B's weights of a layer; *changed: they differ from A's. */
static int layer_load(struct gs_model *a, struct gs_model *b, struct layer *L, bool *changed,
		      struct gs_error *err)
{
	int64_t M = L->lb.rows, K = L->lb.feats, i;
	float *wa, *ba = NULL;

	if (!(L->w = gs_linear_weights(b, &L->lb, err)))
		return -1;
	if (!(wa = gs_linear_weights(a, &L->la, err)))
		return -1;
	*changed = memcmp(wa, L->w, sizeof(float) * (size_t)(M * K)) != 0;
	free(wa);
	if (L->lb.bias) {
		if (!(L->bias = gs_param_floats(b, L->lb.bias, err)))
			return -1;
		if (L->la.bias && (ba = gs_param_floats(a, L->la.bias, err))) {
			*changed |= memcmp(ba, L->bias, sizeof(float) * (size_t)M) != 0;
			free(ba);
		}
		for (i = 0; i < M; i++)
			L->bias[i] *= L->lb.beta;
	}
	for (i = 0; i < M * K; i++)
		L->w[i] *= L->lb.alpha;
	if (L->lb.dq) {
		if (!(L->qs = gs_param_floats(b, L->lb.scale, err)))
			return -1;
		if (L->lb.zero && !(L->qz = gs_param_floats(b, L->lb.zero, err)))
			return -1;
	}
	L->k1 = K + (L->lb.bias ? 1 : 0);
	return 0;
}

/* ---- accumulating X^T X and X^T Y over the data ---- */
struct catch {
	struct gs_etensor *t;
};

static int hold(void *ctx, int i, struct gs_etensor *t, struct gs_error *err)
{
	struct catch *c = ctx;

	(void)i;
	(void)err;
	c->t = gs_et_ref(t);
	return 0;
}

/* G += X'X (all of it), th = X'Y; X [rows, k], Y [rows, m] */
static void gram(const double *x, const double *y, int64_t rows, int64_t k, int64_t m,
		 double *G, double *th)
{
#ifdef GS_HAVE_CBLAS
	cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)k, (int)k, (int)rows, 1.0, x,
		    (int)k, x, (int)k, 1.0, G, (int)k);
	cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)k, (int)m, (int)rows, 1.0, x,
		    (int)k, y, (int)m, 0.0, th, (int)m);
#else
	int64_t r, i, j;

	memset(th, 0, sizeof(double) * (size_t)(k * m));
	for (r = 0; r < rows; r++) {
		const double *xr = x + r * k, *yr = y + r * m;

		for (i = 0; i < k; i++) {
			double v = xr[i];

			if (v == 0)
				continue;
			for (j = 0; j < k; j++)
				G[i * k + j] += v * xr[j];
			for (j = 0; j < m; j++)
				th[i * m + j] += v * yr[j];
		}
	}
#endif
}

static int accumulate(struct layer *L, const struct gs_etensor *x, const struct gs_etensor *y,
		      struct gs_error *err)
{
	int64_t rows, rows_y, K = L->lb.feats, M = L->lb.rows, k1 = L->k1, r, i;
	float *f = NULL, *fy = NULL, *aug = NULL;
	double *xd = NULL, *yd = NULL, *th = NULL;
	int rc = -1;

	if (!(f = gs_linear_features(&L->lb, x, &rows, err)) ||
	    !(fy = gs_linear_outputs(&L->la, y, &rows_y, err)))
		goto out;
	if (rows != rows_y) {
		gs_error_set(err, "the layer's inputs in B and outputs in A differ in count");
		goto out;
	}
	aug = f;
	if (k1 > K) {
		aug = gs_xmalloc_huge(sizeof(float) * (size_t)(rows * k1) + 1);
		for (r = 0; r < rows; r++) {
			memcpy(aug + r * k1, f + r * K, sizeof(float) * (size_t)K);
			aug[r * k1 + K] = 1.0f;
		}
	}
	/* in double: a float Gram loses the small directions of ill-conditioned
	 * inputs (ReLU features), which least squares then amplifies */
	xd = gs_xmalloc_huge(sizeof(double) * (size_t)(rows * k1) + 8);
	yd = gs_xmalloc_huge(sizeof(double) * (size_t)(rows * M) + 8);
	th = gs_xmalloc(sizeof(double) * (size_t)(k1 * M));
	for (i = 0; i < rows * k1; i++)
		xd[i] = aug[i];
	for (i = 0; i < rows * M; i++)
		yd[i] = fy[i];
	gram(xd, yd, rows, k1, M, L->G, th);
	for (i = 0; i < k1; i++)	/* H is M x k1: a row's right-hand side */
		for (r = 0; r < M; r++)
			L->H[r * k1 + i] += th[i * M + r];
	for (r = 0; r < rows; r++)
		for (i = 0; i < M; i++)
			L->yy[i] += (double)fy[r * M + i] * fy[r * M + i];
	rc = 0;
out:
	if (aug != f)
		free(aug);
	free(f);
	free(fy);
	free(xd);
	free(yd);
	free(th);
	return rc;
}

static int gather(struct gs_model *b, struct gs_eval *ev_a, struct gs_data *d, struct layer *L,
		  struct gs_progress *p, int64_t *done, struct gs_error *err)
{
	struct gs_eval *ev_b = gs_eval_new(b, err);
	int n_a = gs_eval_n_inputs(ev_a), n_b, i, rc = -1, va, vb;
	struct gs_etensor **in_a, **in_b;
	int64_t bt;

	if (!ev_b)
		return -1;
	n_b = gs_eval_n_inputs(ev_b);
	in_a = gs_xcalloc((size_t)n_a + 1, sizeof(*in_a));
	in_b = gs_xcalloc((size_t)n_b + 1, sizeof(*in_b));
	va = L->la.node->outputs[0];
	vb = L->lb.node->inputs[0];
	for (bt = 0; bt < d->n_batches; bt++) {
		struct catch ca = { NULL }, cb = { NULL };

		if (gs_data_batch(d, ev_a, bt, in_a, err))
			goto out;
		if (gs_data_batch(d, ev_b, bt, in_b, err))
			goto out;
		rc = gs_run_taps(ev_a, in_a, 1, &va, hold, &ca, true, err);
		if (!rc)
			rc = gs_run_taps(ev_b, in_b, 1, &vb, hold, &cb, true, err);
		if (!rc)
			rc = accumulate(L, cb.t, ca.t, err);
		gs_et_unref(ca.t);
		gs_et_unref(cb.t);
		for (i = 0; i < n_a; i++)
			gs_et_unref(in_a[i]), in_a[i] = NULL;
		for (i = 0; i < n_b; i++)
			gs_et_unref(in_b[i]), in_b[i] = NULL;
		if (rc)
			goto out;
		rc = -1;
		*done += gs_data_batch_rows(d, bt);
		if (gs_progress_update(p, *done, err))
			goto out;
	}
	rc = 0;
out:
	free(in_a);
	free(in_b);
	gs_eval_free(ev_b);
	return rc;
}

/* ---- solving ---- */
/* |Xw - y|^2 of row m for the augmented weights w[0..k1) */
static double row_error(const struct layer *L, int64_t m, const double *w)
{
	int64_t k1 = L->k1, i, j;
	double e = L->yy[m];

	for (i = 0; i < k1; i++) {
		double gw = 0;

		if (w[i] == 0)
			continue;
		for (j = 0; j < k1; j++)
			gw += L->G[i * k1 + j] * w[j];
		e += w[i] * gw - 2 * w[i] * L->H[m * k1 + i];
	}
	return e > 0 ? e : 0;
}

/* The quantized value of v for element idx, saturated to the type. */
static double round_to_grid(const struct layer *L, int64_t idx, double v, int *q_out)
{
	int64_t qi = gs_linear_qindex(&L->lb, idx);
	double s = L->qs[qi], z = L->qz ? L->qz[qi] : 0, q;
	bool u8 = L->lb.w->dtype == GS_DTYPE_UINT8;

	q = nearbyint(v / s) + z;
	if (q < (u8 ? 0 : -128))
		q = u8 ? 0 : -128;
	if (q > (u8 ? 255 : 127))
		q = u8 ? 255 : 127;
	*q_out = (int)q;
	return (q - z) * s;
}

struct solve_job {
	struct layer *L;
	double damp;
	double *err_before, *err_after;	/* per row */
	bool *fixed;			/* per row: left as it was */
	double **work;			/* per worker */
	int64_t **idx;
	double **sol, **full;
	bool **no_damp;
};

static void solve_row(void *ctx, size_t task, int worker)
{
	struct solve_job *j = ctx;
	struct layer *L = j->L;
	int64_t m = (int64_t)task, K = L->lb.feats, k1 = L->k1, ns = 0, i;
	double *full = j->full[worker], *sol = j->sol[worker], mean = 0, lambda;
	int64_t *s = j->idx[worker];
	bool *no_damp = NULL;
	int tries;

	for (i = 0; i < K; i++)
		full[i] = L->w[m * K + i];
	if (k1 > K)
		full[K] = L->bias[m];
	j->err_before[m] = row_error(L, m, full);
	for (i = 0; i < K; i++) {
		mean += L->G[i * k1 + i];
		/* pruned weights stay zero; a feature never seen is left alone */
		if (full[i] != 0 && L->G[i * k1 + i] > 0)
			s[ns++] = i;
	}
	mean /= (double)K;
	if (k1 > K)
		s[ns++] = K;
	if (k1 > K) {
		no_damp = j->no_damp[worker];
		memset(no_damp, 0, (size_t)k1);
		no_damp[K] = true;	/* the bias is not shrunk */
	}
	lambda = j->damp * mean;
	for (tries = 0; tries < 6; tries++) {
		if (ns == 0 || !gs_recon_solve(L->G, k1, L->H + m * k1, s, ns, lambda, no_damp, sol,
					       j->work[worker]))
			break;
		lambda = lambda > 0 ? lambda * 10 : 1e-8 * (mean > 0 ? mean : 1);
	}
	j->fixed[m] = ns == 0 || tries == 6;
	if (!j->fixed[m])
		for (i = 0; i < ns; i++)
			full[s[i]] = sol[i];
	if (L->qs && !j->fixed[m]) {
		/* solved in float, then onto the weight's existing grid */
		for (i = 0; i < ns; i++) {
			int64_t k = s[i], idx = m * L->lb.row_stride + k * L->lb.feat_stride;
			int q;

			if (k >= K)
				continue;
			full[k] = L->lb.alpha * round_to_grid(L, idx, full[k] / L->lb.alpha, &q);
			L->q[idx] = (float)q;
		}
	}
	j->err_after[m] = row_error(L, m, full);
	if (!j->fixed[m] && j->err_after[m] > j->err_before[m]) {
		/* the ridge (or the grid) made this row worse on the data: keep it */
		j->fixed[m] = true;
		for (i = 0; i < K; i++) {
			full[i] = L->w[m * K + i];
			if (L->qs) {
				int64_t idx = m * L->lb.row_stride + i * L->lb.feat_stride;

				L->q[idx] = L->q0[idx];
			}
		}
		if (k1 > K)
			full[K] = L->bias[m];
		j->err_after[m] = j->err_before[m];
	}
	memcpy(L->new_w + m * k1, full, sizeof(double) * (size_t)k1);
}

static void solve_layer(struct layer *L, double damp)
{
	int64_t M = L->lb.rows, k1 = L->k1, m;
	int nw = gs_worker_count(), i;
	struct solve_job j;

	memset(&j, 0, sizeof(j));
	j.L = L;
	j.damp = damp;
	j.err_before = gs_xcalloc((size_t)M, sizeof(double));
	j.err_after = gs_xcalloc((size_t)M, sizeof(double));
	j.fixed = gs_xcalloc((size_t)M, sizeof(bool));
	j.work = gs_xcalloc((size_t)nw, sizeof(*j.work));
	j.idx = gs_xcalloc((size_t)nw, sizeof(*j.idx));
	j.sol = gs_xcalloc((size_t)nw, sizeof(*j.sol));
	j.full = gs_xcalloc((size_t)nw, sizeof(*j.full));
	j.no_damp = gs_xcalloc((size_t)nw, sizeof(*j.no_damp));
	for (i = 0; i < nw; i++) {
		j.work[i] = gs_xmalloc_huge(sizeof(double) * (size_t)(k1 * k1) + 8);
		j.idx[i] = gs_xmalloc(sizeof(int64_t) * (size_t)k1);
		j.sol[i] = gs_xmalloc(sizeof(double) * (size_t)k1);
		j.full[i] = gs_xmalloc(sizeof(double) * (size_t)k1);
		j.no_damp[i] = gs_xmalloc((size_t)k1);
	}
	L->new_w = gs_xmalloc(sizeof(double) * (size_t)(M * k1));
	gs_parallel_for((size_t)M, solve_row, &j);
	for (m = 0; m < M; m++) {
		L->err_before += j.err_before[m];
		L->err_after += j.err_after[m];
		L->yy_sum += L->yy[m];
		L->fixed_rows += j.fixed[m];
	}
	for (i = 0; i < nw; i++) {
		free(j.work[i]);
		free(j.idx[i]);
		free(j.sol[i]);
		free(j.full[i]);
		free(j.no_damp[i]);
	}
	free(j.work);
	free(j.idx);
	free(j.sol);
	free(j.full);
	free(j.no_damp);
	free(j.err_before);
	free(j.err_after);
	free(j.fixed);
}

/* ---- installing, and putting back on failure ---- */
struct saved {
	struct gs_tensor *t;
	void *bytes;
};

static void save_tensor(struct gs_model *b, struct saved **sv, int *n, int *alloc,
			struct gs_tensor *t)
{
	void *buf = gs_xmalloc(t->nbytes + 1);
	const void *src = gs_model_fetch(b, t->data, t->nbytes, buf);

	if (src != buf)
		memcpy(buf, src, t->nbytes);
	GS_GROW(*sv, *n + 1, *alloc);
	(*sv)[*n].t = t;
	(*sv)[(*n)++].bytes = buf;
}

static int install(struct gs_model *b, const struct layer *L, struct gs_error *err)
{
	const struct gs_linear *l = &L->lb;
	int64_t M = l->rows, K = l->feats, m, k;
	float *v;

	if (l->dq) {
		int8_t *q = gs_xmalloc((size_t)l->w->numel + 1);

		for (k = 0; k < l->w->numel; k++)
			q[k] = l->w->dtype == GS_DTYPE_UINT8 ? (int8_t)(uint8_t)L->q[k] :
							       (int8_t)L->q[k];
		gs_tensor_replace(b, l->w, l->w->dtype, l->w->rank, l->w->dims, q,
				  (size_t)l->w->numel);
	} else {
		if (!(v = gs_param_floats(b, l->w, err)))
			return -1;
		for (m = 0; m < M; m++)
			for (k = 0; k < K; k++)
				v[m * l->row_stride + k * l->feat_stride] =
					(float)(L->new_w[m * L->k1 + k] / l->alpha);
		if (gs_param_set_floats(b, l->w, v, err) < 0) {
			free(v);
			return -1;
		}
		free(v);
	}
	if (l->bias) {
		v = gs_xmalloc(sizeof(float) * (size_t)M);
		for (m = 0; m < M; m++)
			v[m] = (float)(L->new_w[m * L->k1 + K] / l->beta);
		if (gs_param_set_floats(b, l->bias, v, err) < 0) {
			free(v);
			return -1;
		}
		free(v);
	}
	return 0;
}

/* ---- the step ---- */
static int find_layers(struct gs_model *a, struct gs_model *b, const int *a_of_b,
		       const struct gs_recon_opts *o, struct layer **out, int *skipped,
		       struct gs_error *err)
{
	struct gs_graph *g = b->graph;
	struct layer *ls = NULL;
	int n = 0, alloc = 0, t;
	char name[256];

	if (!g->topo_valid && gs_graph_toposort(g, err))
		return -1;
	for (t = 0; t < g->n_topo; t++) {
		struct gs_node *nb = g->nodes[g->topo[t]];
		struct gs_error why;
		struct layer L;
		bool changed;
		int ia = a_of_b[nb->id];

		memset(&L, 0, sizeof(L));
		gs_escape(nb->name && nb->name[0] ? nb->name : nb->op_type, name, sizeof(name));
		if (gs_linear_describe(g, nb, &L.lb, &why)) {
			if (!nb->removed && (!strcmp(nb->op_type, "Conv") ||
					     !strcmp(nb->op_type, "Gemm") ||
					     !strcmp(nb->op_type, "MatMul")) && strcmp(why.msg, "not a layer")) {
				note(o, "skipped '%s': %s", name, why.msg);
				(*skipped)++;
			}
			continue;
		}
		if (ia < 0 || ia >= a->graph->n_nodes ||
		    gs_linear_describe(a->graph, a->graph->nodes[ia], &L.la, &why)) {
			note(o, "skipped '%s': no counterpart in A", name);
			(*skipped)++;
			continue;
		}
		if (L.la.rows != L.lb.rows || L.la.feats != L.lb.feats ||
		    L.la.kind != L.lb.kind) {
			note(o, "skipped '%s': its shape differs from A's", name);
			(*skipped)++;
			continue;
		}
		if (layer_load(a, b, &L, &changed, err)) {
			layer_free(&L);
			goto fail;
		}
		if (!changed && !o->all) {
			layer_free(&L);
			continue;
		}
		GS_GROW(ls, n + 1, alloc);
		ls[n++] = L;
	}
	*out = ls;
	return n;
fail:
	while (n-- > 0)
		layer_free(&ls[n]);
	free(ls);
	return -1;
}

int gs_reconstruct(struct gs_model *a, struct gs_model *b, const int *a_of_b,
		   const struct gs_recon_opts *o, struct gs_recon_result *res,
		   struct gs_error *err)
{
	struct gs_recon_result r;
	struct layer *ls = NULL;
	struct saved *sv = NULL;
	struct gs_eval *ev_a = NULL;
	struct gs_progress p;
	struct gs_data d;
	int n, i, n_sv = 0, sv_alloc = 0, rc = -1;
	double yy_all = 0;
	int64_t done = 0;
	char name[256];
	bool began = false;

	memset(&r, 0, sizeof(r));
	memset(&d, 0, sizeof(d));
	if ((n = find_layers(a, b, a_of_b, o, &ls, &r.skipped, err)) < 0)
		return -1;
	if (!n) {
		note(o, "no layer of B differs from A: nothing to reconstruct");
		goto done;
	}
	if (!(ev_a = gs_eval_new(a, err)) || gs_data_open(ev_a, o->data, 0, &d, err))
		goto out;
	gs_progress_begin(&p, "reconstructing", d.s.n_samples * n, "samples");
	began = true;
	for (i = 0; i < n; i++) {
		struct layer *L = &ls[i];
		int64_t k1 = L->k1, M = L->lb.rows;

		gs_progress_note(&p, "layer %d/%d", i + 1, n);
		L->G = gs_xcalloc((size_t)(k1 * k1), sizeof(double));
		L->H = gs_xcalloc((size_t)(M * k1), sizeof(double));
		L->yy = gs_xcalloc((size_t)M, sizeof(double));
		if (L->qs) {
			if (!(L->q = gs_param_floats(b, L->lb.w, err)) ||
			    !(L->q0 = gs_param_floats(b, L->lb.w, err)))
				goto out;
		}
		if (gather(b, ev_a, &d, L, &p, &done, err))
			goto out;
		solve_layer(L, o->damp);
		save_tensor(b, &sv, &n_sv, &sv_alloc, L->lb.w);
		if (L->lb.bias)
			save_tensor(b, &sv, &n_sv, &sv_alloc, L->lb.bias);
		if (install(b, L, err))
			goto out;
	}
	for (i = 0; i < n; i++) {
		struct layer *L = &ls[i];
		double yy = L->yy_sum > 0 ? L->yy_sum : 1;

		lname(L, name, sizeof(name));
		note(o, "%s '%s': relative MSE %.4g -> %.4g%s", L->lb.node->op_type, name,
		     L->err_before / yy, L->err_after / yy,
		     L->lb.dq ? " (on the quantization grid)" : "");
		if (L->fixed_rows)
			note(o, "  %lld of %lld rows left as they were (no better on the data)",
			     (long long)L->fixed_rows, (long long)L->lb.rows);
		r.err_before += L->err_before;
		r.err_after += L->err_after;
		yy_all += L->yy_sum;
	}
	if (yy_all > 0) {
		r.err_before /= yy_all;
		r.err_after /= yy_all;
	}
	r.layers = n;
done:
	rc = 0;
out:
	if (began)
		gs_progress_end(&p);
	if (rc) {
		/* interrupted or failed: B is given back as it was */
		for (i = n_sv - 1; i >= 0; i--) {
			struct gs_tensor *t = sv[i].t;

			gs_tensor_replace(b, t, t->dtype, t->rank, t->dims, sv[i].bytes, t->nbytes);
			sv[i].bytes = NULL;
		}
	}
	for (i = 0; i < n_sv; i++)
		free(sv[i].bytes);
	free(sv);
	for (i = 0; i < n; i++)
		layer_free(&ls[i]);
	free(ls);
	gs_data_close(&d);
	gs_eval_free(ev_a);
	if (res)
		*res = r;
	return rc;
}

