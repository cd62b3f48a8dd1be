/*
 * Data sets for the data-driven steps and running a model over them with
 * taps (graphsmith/recon.h).  The samples are loaded once; batches are
 * views of their rows, so a step's memory is one batch of activations.
 */
#include <stdlib.h>
#include <string.h>

#include "graphsmith/recon.h"
#include "graphsmith/util.h"

#define DEFAULT_BATCH 128

int gs_data_open(const struct gs_eval *ev, const char *path, int64_t batch, struct gs_data *d,
		 struct gs_error *err)
{
	struct gs_sample_spec spec;
	char b[256];
	int i;

	memset(d, 0, sizeof(*d));
	memset(&spec, 0, sizeof(spec));
	spec.npz = path;
	gs_escape(path, b, sizeof(b));
	if (gs_samples_load(ev, &spec, &d->s, err))
		return -1;
	for (i = 0; i < d->s.n; i++) {
		const struct gs_etensor *t = d->s.inputs[i];

		if (t->rank < 1 || t->dims[0] != d->s.n_samples) {
			gs_samples_release(&d->s);
			return gs_error_set(err, "cannot use '%s': arrays need the samples along "
					    "axis 0, the same count in each", b);
		}
	}
	if (d->s.n_samples <= 0 || !d->s.n) {
		gs_samples_release(&d->s);
		return gs_error_set(err, "cannot use '%s': it holds no samples", b);
	}
	d->path = path;
	d->names = gs_xcalloc((size_t)d->s.n + 1, sizeof(*d->names));
	for (i = 0; i < d->s.n; i++)
		d->names[i] = gs_xstrdup(gs_eval_input(ev, i)->name);
	/* a model with a fixed batch takes exactly that many rows */
	if (d->s.batch < d->s.n_samples)
		d->batch = d->s.batch;
	else
		d->batch = batch > 0 ? batch : DEFAULT_BATCH;
	if (d->batch > d->s.n_samples)
		d->batch = d->s.n_samples;
	d->n_batches = (d->s.n_samples + d->batch - 1) / d->batch;
	if (d->s.batch < d->s.n_samples && d->s.n_samples % d->batch)
		d->n_batches = d->s.n_samples / d->batch;
	return 0;
}

int64_t gs_data_batch_rows(const struct gs_data *d, int64_t i)
{
	int64_t at = i * d->batch;

	return at + d->batch <= d->s.n_samples ? d->batch : d->s.n_samples - at;
}

int gs_data_batch(const struct gs_data *d, const struct gs_eval *ev, int64_t i,
		  struct gs_etensor **in, struct gs_error *err)
{
	int n = gs_eval_n_inputs(ev), j, k;
	char b[256], pb[256];

	for (j = 0; j < n; j++) {
		const char *name = gs_eval_input(ev, j)->name;

		for (k = 0; k < d->s.n; k++)
			if (!strcmp(d->names[k], name))
				break;
		if (k == d->s.n) {
			while (j-- > 0)
				gs_et_unref(in[j]), in[j] = NULL;
			return gs_error_set(err, "cannot use '%s': the model has an input '%s' "
					    "the data lacks", gs_escape(d->path, pb, sizeof(pb)),
					    gs_escape(name, b, sizeof(b)));
		}
		in[j] = gs_et_rows(d->s.inputs[k], i * d->batch, gs_data_batch_rows(d, i));
	}
	return 0;
}

void gs_data_close(struct gs_data *d)
{
	int i;

	for (i = 0; d->names && i < d->s.n; i++)
		free(d->names[i]);
	gs_samples_release(&d->s);
	free(d->names);
	memset(d, 0, sizeof(*d));
}

/* ---- taps ---- */
struct taps {
	const struct gs_graph *g;
	int n;
	const int *values;
	bool *seen;
	int left;
	bool stop_early, stopped;
	gs_tap_fn fn;
	void *ctx;
};

static int tap_value(struct taps *t, int v, struct gs_etensor *x, struct gs_error *err)
{
	int i;

	for (i = 0; i < t->n; i++) {
		if (t->values[i] != v || t->seen[i] || !x)
			continue;
		t->seen[i] = true;
		t->left--;
		if (t->fn(t->ctx, i, x, err))
			return -1;
	}
	return 0;
}

static int tap_node(void *ctx, const struct gs_graph *g, const struct gs_node *n,
		    struct gs_etensor *const *outs, struct gs_error *err)
{
	struct taps *t = ctx;
	int i;

	if (g != t->g)
		return 0;
	for (i = 0; i < n->n_outputs; i++)
		if (n->outputs[i] >= 0 && tap_value(t, n->outputs[i], outs[i], err))
			return -1;
	if (t->stop_early && t->left <= 0) {
		t->stopped = true;
		return gs_error_set(err, "stopped");
	}
	return 0;
}

int gs_run_taps(struct gs_eval *ev, struct gs_etensor *const *inputs, int n, const int *values,
		gs_tap_fn fn, void *ctx, bool stop_early, struct gs_error *err)
{
	const struct gs_model *m = gs_eval_model(ev);
	int n_out = gs_eval_n_outputs(ev), i, rc = 0;
	struct gs_etensor **outs;
	struct taps t;

	memset(&t, 0, sizeof(t));
	t.g = m->graph;
	t.n = n;
	t.values = values;
	t.seen = gs_xcalloc((size_t)n + 1, sizeof(bool));
	t.left = n;
	t.stop_early = stop_early;
	t.fn = fn;
	t.ctx = ctx;
	for (i = 0; i < gs_eval_n_inputs(ev) && !rc; i++)
		rc = tap_value(&t, gs_eval_input(ev, i)->id, inputs[i], err);
	if (!rc && !(stop_early && t.left <= 0)) {
		outs = gs_xcalloc((size_t)n_out + 1, sizeof(*outs));
		gs_eval_set_observer(ev, &(struct gs_eval_observer){ tap_node, &t });
		rc = gs_eval_run(ev, inputs, outs, err);
		gs_eval_set_observer(ev, NULL);
		if (rc && t.stopped)
			rc = 0;
		for (i = 0; !rc && i < n_out; i++)
			gs_et_unref(outs[i]);
		free(outs);
	}
	if (!rc && t.left > 0)
		rc = gs_error_set(err, "a tapped value was not computed");
	free(t.seen);
	return rc;
}
