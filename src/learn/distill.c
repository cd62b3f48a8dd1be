/*
 * Distillation (graphsmith/distill.h): teacher logits computed once on
 * the evaluator, then mini-batch steps of forward, loss gradient,
 * backward and Adam on the student's tape; the trained values written
 * back at the end.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/distill.h"
#include "graphsmith/grad.h"
#include "graphsmith/progress.h"
#include "graphsmith/samples.h"

#define EVAL_ROWS 256

void gs_distill_opts_init(struct gs_distill_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->steps = 300;
	o->lr = 0.01;
	o->temperature = 4.0;
	o->alpha = -1.0;
	o->batch = 64;
}

struct run {
	struct gs_grad *gr;
	struct gs_samples s;		/* the student's inputs */
	const float *zt;		/* teacher logits [n, C] */
	const struct gs_etensor *labels;
	int64_t n, C;
	double T, alpha;
	double *scratch;		/* 3 * C */
};

/* Softmax of z[0..C) / T into p. */
static void softmax(const float *z, int64_t C, double T, double *p)
{
	double mx = -INFINITY, s = 0;
	int64_t j;

	for (j = 0; j < C; j++)
		mx = fmax(mx, z[j] / T);
	for (j = 0; j < C; j++)
		s += (p[j] = exp(z[j] / T - mx));
	for (j = 0; j < C; j++)
		p[j] /= s;
}

static int64_t argmax(const float *z, int64_t C)
{
	int64_t j, best = 0;

	for (j = 1; j < C; j++)
		if (z[j] > z[best])
			best = j;
	return best;
}

/* The loss of one sample's student logits zs against the teacher's zt
 * (and label y, or -1); dz (may be NULL) receives dL/dzs scaled by w. */
static double sample_loss(const struct run *R, const float *zs, const float *zt, int64_t y,
			  float *dz, double w)
{
	double *ps = R->scratch, *pt = ps + R->C, *p1 = pt + R->C;
	double loss = 0, a = y >= 0 ? R->alpha : 1.0, T = R->T;
	int64_t j;

	softmax(zs, R->C, T, ps);
	softmax(zt, R->C, T, pt);
	softmax(zs, R->C, 1.0, p1);
	for (j = 0; j < R->C; j++)
		if (pt[j] > 0)
			loss += a * T * T * pt[j] * (log(pt[j]) - log(fmax(ps[j], 1e-300)));
	if (y >= 0)
		loss -= (1 - a) * log(fmax(p1[y], 1e-300));
	for (j = 0; dz && j < R->C; j++)
		dz[j] = (float)(w * (a * T * (ps[j] - pt[j]) + (1 - a) * (p1[j] - (j == y))));
	return loss;
}

static int64_t label_of(const struct run *R, int64_t i)
{
	return R->labels ? (int64_t)gs_et_get(R->labels, i) : -1;
}

/* Mean loss, top-1 accuracy and agreement with the teacher over all data. */
static int evaluate(struct run *R, double *loss, double *acc, double *agree,
		    struct gs_error *err)
{
	struct gs_etensor *in[16], *out[16];
	int64_t at, i, hits = 0, same = 0;
	double sum = 0;
	int k, rc = 0;

	for (at = 0; at < R->n && !rc; at += EVAL_ROWS) {
		int64_t rows = R->n - at < EVAL_ROWS ? R->n - at : EVAL_ROWS;

		for (k = 0; k < R->s.n; k++)
			in[k] = gs_et_rows(R->s.inputs[k], at, rows);
		rc = gs_grad_forward(R->gr, in, out, err);
		for (k = 0; k < R->s.n; k++)
			gs_et_unref(in[k]);
		if (rc)
			break;
		if (out[0]->dtype != GS_DTYPE_FLOAT || out[0]->numel != rows * R->C)
			return gs_error_set(err, "the student's first output has %lld values for "
					    "%lld samples, the teacher's %lld per sample",
					    (long long)out[0]->numel, (long long)rows, (long long)R->C);
		for (i = 0; i < rows; i++) {
			const float *zs = (float *)out[0]->data + i * R->C;
			const float *zt = R->zt + (at + i) * R->C;
			int64_t y = label_of(R, at + i);

			sum += sample_loss(R, zs, zt, y, NULL, 0);
			hits += argmax(zs, R->C) == y;
			same += argmax(zs, R->C) == argmax(zt, R->C);
		}
	}
	*loss = sum / (double)R->n;
	*acc = R->labels ? (double)hits / (double)R->n : -1;
	*agree = (double)same / (double)R->n;
	return rc;
}

/* Rows idx[0..b) of t, copied into a new tensor. */
static struct gs_etensor *gather(const struct gs_etensor *t, const int64_t *idx, int64_t b,
				 struct gs_error *err)
{
	int64_t dims[GS_EVAL_MAX_RANK], i;
	size_t row = t->dims[0] ? t->nbytes / (size_t)t->dims[0] : 0;
	struct gs_etensor *o;

	memcpy(dims, t->dims, sizeof(dims));
	dims[0] = b;
	if (!(o = gs_et_new(t->dtype, t->rank, dims, err)))
		return NULL;
	for (i = 0; i < b; i++)
		memcpy((char *)o->data + (size_t)i * row, (char *)t->data + (size_t)idx[i] * row, row);
	return o;
}

struct adam {
	float *m, *v;
	bool *zero;			/* masked weights: zero at the start */
};

static void adam_step(struct gs_grad_param *p, struct adam *a, double lr, int64_t t)
{
	const double b1 = 0.9, b2 = 0.999, eps = 1e-8;
	double c1 = 1 - pow(b1, (double)t), c2 = 1 - pow(b2, (double)t);
	float *w = p->w->data, *g = p->g->data;
	int64_t i;

	for (i = 0; i < p->w->numel; i++) {
		a->m[i] = (float)(b1 * a->m[i] + (1 - b1) * g[i]);
		a->v[i] = (float)(b2 * a->v[i] + (1 - b2) * (double)g[i] * g[i]);
		w[i] -= (float)(lr * (a->m[i] / c1) / (sqrt(a->v[i] / c2) + eps));
		if (a->zero && a->zero[i])
			w[i] = 0.0f;
	}
}

/* Steps of training; -1 when cancelled or on error (nothing written). */
static int train(struct run *R, const struct gs_distill_opts *o, struct gs_distill_result *r,
		 struct gs_error *err)
{
	int np = gs_grad_n_params(R->gr), k, rc = 0;
	struct adam *st = gs_xcalloc((size_t)np + 1, sizeof(*st));
	int64_t *perm = gs_xcalloc((size_t)R->n + 1, sizeof(int64_t)), pos = R->n, t, i;
	int64_t B = o->batch < R->n ? o->batch : R->n;
	uint64_t rng = o->seed;
	struct gs_progress pr;

	for (k = 0; k < np; k++) {
		struct gs_grad_param *p = gs_grad_param_at(R->gr, k);

		if (!p->trainable)
			continue;
		r->trained++;
		st[k].m = gs_xcalloc((size_t)p->w->numel + 1, sizeof(float));
		st[k].v = gs_xcalloc((size_t)p->w->numel + 1, sizeof(float));
		if (!p->masked)
			continue;
		st[k].zero = gs_xcalloc((size_t)p->w->numel + 1, sizeof(bool));
		for (i = 0; i < p->w->numel; i++)
			r->kept_zeros += st[k].zero[i] = ((float *)p->w->data)[i] == 0.0f;
	}
	for (i = 0; i < R->n; i++)
		perm[i] = i;
	gs_progress_begin(&pr, "distilling", o->steps, "steps");
	for (t = 1; t <= o->steps && !rc; t++) {
		struct gs_etensor *in[16] = { 0 }, *out[16], *dz = NULL;
		double loss = 0;

		if (pos + B > R->n) {	/* a new epoch: Fisher-Yates from the seed */
			for (i = R->n - 1; i > 0; i--) {
				int64_t j = (int64_t)(gs_mix64(rng++) % (uint64_t)(i + 1)), x = perm[i];

				perm[i] = perm[j];
				perm[j] = x;
			}
			pos = 0;
		}
		for (k = 0; k < R->s.n && !rc; k++)
			if (!(in[k] = gather(R->s.inputs[k], perm + pos, B, err)))
				rc = -1;
		if (!rc)
			rc = gs_grad_forward(R->gr, in, out, err);
		if (!rc && !(dz = gs_et_new(GS_DTYPE_FLOAT, out[0]->rank, out[0]->dims, err)))
			rc = -1;
		for (i = 0; !rc && i < B; i++)
			loss += sample_loss(R, (float *)out[0]->data + i * R->C,
					    R->zt + perm[pos + i] * R->C, label_of(R, perm[pos + i]),
					    (float *)dz->data + i * R->C, 1.0 / (double)B);
		if (!rc) {
			gs_grad_zero(R->gr);
			rc = gs_grad_backward(R->gr, (struct gs_etensor *[16]){ dz }, err);
		}
		for (k = 0; !rc && k < np; k++)
			if (st[k].m)
				adam_step(gs_grad_param_at(R->gr, k), &st[k], o->lr, t);
		for (k = 0; k < R->s.n; k++)
			gs_et_unref(in[k]);
		gs_et_unref(dz);
		pos += B;
		if (!rc) {
			gs_progress_note(&pr, "loss %.4f", loss / (double)B);
			rc = gs_progress_update(&pr, t, err);
		}
		r->steps = t;
	}
	r->seconds = gs_progress_elapsed(&pr);
	gs_progress_end(&pr);
	for (k = 0; k < np; k++) {
		free(st[k].m);
		free(st[k].v);
		free(st[k].zero);
	}
	free(st);
	free(perm);
	return rc;
}

int gs_distill(struct gs_model *student, const struct gs_model *teacher,
	       const struct gs_distill_opts *o, struct gs_distill_result *r, struct gs_error *err)
{
	struct gs_sample_spec spec = { .npz = o->data };
	struct gs_eval *ev_t = NULL, *ev_s = NULL;
	struct gs_samples ts = { 0 };
	struct gs_etensor *t_out[16] = { 0 }, *labels = NULL;
	struct run R;
	int rc = -1, i;

	memset(&R, 0, sizeof(R));
	memset(r, 0, sizeof(*r));
	if (!o->data)
		return gs_error_set(err, "distill needs --data FILE.npz (the transfer set)");
	if (o->steps < 1 || o->batch < 1 || !(o->lr > 0) || !(o->temperature > 0) ||
	    o->alpha > 1)
		return gs_error_set(err, "distill: steps, batch, lr and temperature must be "
				    "positive, alpha in [0, 1]");
	if (!(ev_t = gs_eval_new(teacher, err)) || !(ev_s = gs_eval_new(student, err)))
		goto out;
	/* the gradient tape writes every student output into a 16-slot array */
	if (gs_eval_n_outputs(ev_t) > 16 || gs_eval_n_inputs(ev_s) > 16 ||
	    gs_eval_n_outputs(ev_s) > 16 || gs_eval_n_inputs(ev_t) > 16) {
		gs_error_set(err, "distill: more than 16 inputs or outputs");
		goto out;
	}
	if (gs_samples_load(ev_t, &spec, &ts, err) < 0 || gs_samples_load(ev_s, &spec, &R.s, err) < 0)
		goto out;
	R.n = R.s.n_samples;
	if (ts.n_samples != R.n || R.n < 1) {
		gs_error_set(err, "cannot use '%s': it holds no samples",
			     gs_escape(o->data, (char[256]){ 0 }, 256));
		goto out;
	}
	if (gs_samples_run(ev_t, &ts, t_out, err) < 0)
		goto out;
	if (t_out[0]->dtype != GS_DTYPE_FLOAT || t_out[0]->numel % R.n) {
		gs_error_set(err, "the teacher's first output is not float32 logits, one row a sample");
		goto out;
	}
	R.C = t_out[0]->numel / R.n;
	if (R.C < 1) {
		gs_error_set(err, "the teacher's first output is empty");
		goto out;
	}
	R.zt = t_out[0]->data;
	R.scratch = gs_xcalloc((size_t)R.C * 3, sizeof(double));
	if (o->labels && gs_labels_load(o->labels, R.n, &labels, err) < 0)
		goto out;
	for (i = 0; labels && i < R.n; i++) {
		double y = gs_et_get(labels, i);

		/* a label indexes the class probabilities */
		if (!(y >= 0 && y < (double)R.C)) {
			gs_error_set(err, "cannot use '%s' as labels: label %g of sample %lld is not "
				     "one of the %lld classes", gs_escape(o->labels, (char[256]){ 0 },
				     256), y, (long long)i, (long long)R.C);
			goto out;
		}
	}
	R.labels = labels;
	R.T = o->temperature;
	R.alpha = o->alpha >= 0 ? o->alpha : 0.5;
	if (!(R.gr = gs_grad_new(student, err)))
		goto out;
	r->samples = R.n;
	if (labels) {
		int64_t hits = 0, j;

		for (j = 0; j < R.n; j++)
			hits += argmax(R.zt + j * R.C, R.C) == label_of(&R, j);
		r->teacher_acc = (double)hits / (double)R.n;
	} else {
		r->teacher_acc = -1;
	}
	if (evaluate(&R, &r->loss_before, &r->acc_before, &r->agree_before, err) < 0 ||
	    train(&R, o, r, err) < 0 ||
	    evaluate(&R, &r->loss_after, &r->acc_after, &r->agree_after, err) < 0)
		goto out;
	if ((r->tensors_changed = gs_grad_write_back(R.gr, student, err)) < 0)
		goto out;
	rc = 0;
out:
	gs_grad_free(R.gr);
	free(R.scratch);
	for (i = 0; i < 16; i++)
		gs_et_unref(t_out[i]);
	gs_et_unref(labels);
	gs_samples_release(&ts);
	gs_samples_release(&R.s);
	gs_eval_free(ev_t);
	gs_eval_free(ev_s);
	return rc;
}
