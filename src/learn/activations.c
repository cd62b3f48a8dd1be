/*
 * Activation norms for Wanda (graphsmith/recon.h): one pass over the data
 * with a tap on every linear layer's input, summing x_k^2 per feature over
 * all samples and positions (K doubles per layer), then ||X_k|| spread
 * over the weight's layout so a pass scores w * scale element by element.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/progress.h"
#include "graphsmith/recon.h"
#include "graphsmith/util.h"

struct norms_run {
	struct gs_linear *layers;
	double **sumsq;
};

static int add_squares(void *ctx, int i, struct gs_etensor *x, struct gs_error *err)
{
	struct norms_run *r = ctx;
	const struct gs_linear *l = &r->layers[i];
	int64_t rows, j, k;
	float *f = gs_linear_features(l, x, &rows, err);
	double *s = r->sumsq[i];

	if (!f)
		return -1;
	for (j = 0; j < rows; j++) {
		const float *row = f + j * l->feats;

		for (k = 0; k < l->feats; k++)
			s[k] += (double)row[k] * row[k];
	}
	free(f);
	return 0;
}

int gs_act_norms_collect(const struct gs_model *m, const char *data, struct gs_act_norms *out,
			 struct gs_error *err)
{
	struct gs_graph *g = m->graph;
	struct gs_linear *layers = NULL;
	struct norms_run r;
	struct gs_data d;
	struct gs_eval *ev;
	struct gs_etensor **in = NULL;
	struct gs_progress p;
	int n = 0, alloc = 0, i, *values = NULL, rc = -1, n_in;
	int64_t b, done = 0;

	memset(out, 0, sizeof(*out));
	memset(&r, 0, sizeof(r));
	for (i = 0; i < g->n_nodes; i++) {
		struct gs_linear l;
		struct gs_error why;
		int j;

		if (gs_linear_describe(g, g->nodes[i], &l, &why) || l.dq)
			continue;
		for (j = 0; j < n; j++)
			if (layers[j].w == l.w)
				break;
		if (j < n)
			continue;	/* a shared weight: scored by its first user */
		GS_GROW(layers, n + 1, alloc);
		layers[n++] = l;
	}
	if (!(ev = gs_eval_new(m, err)))
		goto out_free;
	if (gs_data_open(ev, data, 0, &d, err)) {
		gs_eval_free(ev);
		goto out_free;
	}
	n_in = gs_eval_n_inputs(ev);
	in = gs_xcalloc((size_t)n_in + 1, sizeof(*in));
	values = gs_xcalloc((size_t)n + 1, sizeof(*values));
	r.layers = layers;
	r.sumsq = gs_xcalloc((size_t)n + 1, sizeof(*r.sumsq));
	for (i = 0; i < n; i++) {
		values[i] = layers[i].node->inputs[0];
		r.sumsq[i] = gs_xcalloc((size_t)layers[i].feats, sizeof(double));
	}
	gs_progress_begin(&p, "measuring activations", d.s.n_samples, "samples");
	for (b = 0; b < d.n_batches; b++) {
		if (gs_data_batch(&d, ev, b, in, err))
			goto out;
		rc = gs_run_taps(ev, in, n, values, add_squares, &r, true, err);
		for (i = 0; i < n_in; i++)
			gs_et_unref(in[i]), in[i] = NULL;
		if (rc)
			goto out;
		rc = -1;
		done += gs_data_batch_rows(&d, b);
		if (gs_progress_update(&p, done, err))
			goto out;
	}
	out->n = n;
	out->samples = done;
	out->w = gs_xcalloc((size_t)n + 1, sizeof(*out->w));
	out->scale = gs_xcalloc((size_t)n + 1, sizeof(*out->scale));
	for (i = 0; i < n; i++) {
		const struct gs_linear *l = &layers[i];
		float *s = gs_xmalloc(sizeof(float) * (size_t)l->w->numel + 1);
		int64_t row, k;

		for (row = 0; row < l->rows; row++)
			for (k = 0; k < l->feats; k++)
				s[row * l->row_stride + k * l->feat_stride] = (float)sqrt(r.sumsq[i][k]);
		out->w[i] = l->w;
		out->scale[i] = s;
	}
	rc = 0;
out:
	gs_progress_end(&p);
	for (i = 0; r.sumsq && i < n; i++)
		free(r.sumsq[i]);
	free(r.sumsq);
	free(values);
	free(in);
	gs_data_close(&d);
	gs_eval_free(ev);
out_free:
	free(layers);
	return rc;
}

const float *gs_act_norms_find(const struct gs_act_norms *a, const struct gs_tensor *w)
{
	int i;

	for (i = 0; a && i < a->n; i++)
		if (a->w[i] == w)
			return a->scale[i];
	return NULL;
}

void gs_act_norms_free(struct gs_act_norms *a)
{
	int i;

	for (i = 0; i < a->n; i++)
		free(a->scale[i]);
	free(a->scale);
	free(a->w);
	memset(a, 0, sizeof(*a));
}
