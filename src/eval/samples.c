/* Sample inputs: loaded from files or made from a seed, and run in the
 * batches the model's input shapes accept (see graphsmith/samples.h). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/samples.h"
#include "graphsmith/tensorio.h"

static const char *esc(const char *s, char *buf, size_t len)
{
	return gs_escape(s ? s : "", buf, len);
}

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* The exclusive upper bound for random integers fed to value v: the size
 * of the axis v indexes when a Gather reads it as indices. */
static int64_t int_bound(const struct gs_graph *g, const struct gs_value *v)
{
	int64_t bound = 0;
	int u;

	for (u = 0; u < v->n_uses; u++) {
		const struct gs_node *n = g->nodes[v->uses[u].node];
		const struct gs_value *data;
		int64_t axis, size;

		if (n->removed || v->uses[u].slot != 1 || n->n_inputs < 2 || n->inputs[0] < 0 ||
		    strncmp(n->op_type, "Gather", 6))
			continue;
		data = g->values[n->inputs[0]];
		axis = gs_node_attr_int(n, "axis", 0);
		if (data->rank <= 0 || !data->dims)
			continue;
		if (axis < 0)
			axis += data->rank;
		if (axis < 0 || axis >= data->rank || (size = data->dims[axis].value) <= 0)
			continue;
		if (!bound || size < bound)
			bound = size;
	}
	return bound ? bound : 10;
}

static struct gs_etensor *make_random(const struct gs_graph *g, const struct gs_value *v,
				      const struct gs_sample_spec *spec, int index,
				      struct gs_error *err)
{
	int64_t dims[GS_EVAL_MAX_RANK], i, bound;
	uint64_t state = spec->seed * 0x100000001b3ULL + (uint64_t)index;
	struct gs_etensor *t;
	char b[128], b2[128];
	int d, k;

	if (v->rank < 0 || v->rank > GS_EVAL_MAX_RANK || !v->dtype)
		return gs_error_set(err, "input '%s' has no declared type and shape: give it with "
				    "--input or --inputs", esc(v->name, b, sizeof(b))), NULL;
	for (d = 0; d < v->rank; d++) {
		dims[d] = v->dims ? v->dims[d].value : -1;
		if (v->dims && v->dims[d].param) {
			dims[d] = -1;
			for (k = 0; k < spec->n_dims; k++)
				if (!strcmp(spec->dim_names[k], v->dims[d].param))
					dims[d] = spec->dim_values[k];
			if (dims[d] < 0 && spec->default_dim > 0)
				dims[d] = spec->default_dim;
			if (dims[d] < 0)
				return gs_error_set(err, "input '%s' has symbolic dim '%s': give its "
						    "size with --dim %s=SIZE", esc(v->name, b, sizeof(b)),
						    esc(v->dims[d].param, b2, 64),
						    esc(v->dims[d].param, b2 + 64, 64)), NULL;
		} else if (dims[d] < 0 && spec->default_dim > 0) {
			dims[d] = spec->default_dim;
		} else if (dims[d] < 0) {
			return gs_error_set(err, "input '%s' has dim %d of unknown size: give the "
					    "input with --input or --inputs", esc(v->name, b, sizeof(b)),
					    d), NULL;
		}
	}
	if (!(t = gs_et_new(v->dtype, v->rank, dims, err)))
		return NULL;
	bound = int_bound(g, v);
	for (i = 0; i < t->numel; i++) {
		uint64_t r = splitmix64(&state);

		if (gs_dtype_is_float(v->dtype))
			gs_et_set(t, i, (double)(r >> 40) / (double)(1 << 23) - 1.0);
		else if (v->dtype == GS_DTYPE_BOOL)
			gs_et_set(t, i, (double)(r >> 63));
		else
			gs_et_set(t, i, (double)((r >> 11) % (uint64_t)bound));
	}
	return t;
}

/* input_K.pb is the K-th graph input in file order, counting inputs that
 * have an initializer (those files are ignored: the initializer serves). */
static int load_dir(const struct gs_eval *ev, const char *dir, struct gs_samples *s,
		    struct gs_error *err)
{
	const struct gs_graph *g = gs_eval_model(ev)->graph;
	char path[4096];
	int k, j = 0;

	for (k = 0; k < g->n_inputs; k++) {
		const struct gs_value *v = g->values[g->inputs[k]];
		struct gs_etensor *t;
		FILE *f;

		if (v->kind != GS_VALUE_INPUT)
			continue;
		snprintf(path, sizeof(path), "%s/input_%d.pb", dir, k);
		if (!(f = fopen(path, "rb"))) {
			j++;
			continue;
		}
		fclose(f);
		if (!(t = gs_tensorfile_read(path, err)))
			return -1;
		gs_et_unref(s->inputs[j]);
		s->inputs[j++] = t;
	}
	return 0;
}

static int find_input(const struct gs_eval *ev, const char *name)
{
	int i;

	for (i = 0; i < gs_eval_n_inputs(ev); i++)
		if (!strcmp(gs_eval_input(ev, i)->name, name))
			return i;
	return -1;
}

/* Samples along axis 0: when every input's declared first dim is a fixed
 * B and every array holds k*B rows, runs take B rows at a time. */
static void choose_batch(const struct gs_eval *ev, struct gs_samples *s)
{
	int64_t rows = -1, fixed = -1;
	int i;

	s->n_samples = s->n && s->inputs[0]->rank ? s->inputs[0]->dims[0] : 1;
	s->batch = s->n_samples;
	for (i = 0; i < s->n; i++) {
		const struct gs_value *v = gs_eval_input(ev, i);
		const struct gs_etensor *t = s->inputs[i];
		int64_t b;

		if (t->rank < 1 || v->rank < 1 || !v->dims || v->dims[0].param ||
		    (b = v->dims[0].value) <= 0 || v->rank != t->rank)
			return;
		if ((rows >= 0 && t->dims[0] != rows) || (fixed >= 0 && b != fixed) ||
		    t->dims[0] % b)
			return;
		rows = t->dims[0];
		fixed = b;
	}
	if (rows > 0 && fixed > 0) {
		s->n_samples = rows;
		s->batch = fixed;
	}
}

int gs_samples_load(const struct gs_eval *ev, const struct gs_sample_spec *spec,
		    struct gs_samples *out, struct gs_error *err)
{
	const struct gs_graph *g = gs_eval_model(ev)->graph;
	struct gs_npz z = { 0 };
	char b[128];
	int i, j;

	memset(out, 0, sizeof(*out));
	out->n = gs_eval_n_inputs(ev);
	out->inputs = gs_xcalloc((size_t)out->n + 1, sizeof(*out->inputs));
	if (spec->npz) {
		if (gs_npz_read(spec->npz, &z, err))
			goto fail;
		for (i = 0; i < z.n; i++) {
			if ((j = find_input(ev, z.names[i])) < 0) {
				gs_error_set(err, "cannot use '%s': array '%s' is not an input of the "
					     "model", spec->npz, esc(z.names[i], b, sizeof(b)));
				goto fail;
			}
			out->inputs[j] = gs_et_ref(z.ts[i]);
		}
		gs_npz_release(&z);
	}
	if (spec->dir && load_dir(ev, spec->dir, out, err))
		goto fail;
	for (i = 0; i < spec->n_files; i++) {
		struct gs_etensor *t;

		if ((j = find_input(ev, spec->file_names[i])) < 0) {
			gs_error_set(err, "the model has no input '%s'",
				     esc(spec->file_names[i], b, sizeof(b)));
			goto fail;
		}
		if (gs_npy_read(spec->file_paths[i], &t, err))
			goto fail;
		gs_et_unref(out->inputs[j]);
		out->inputs[j] = t;
	}
	for (i = 0; i < out->n; i++) {
		if (out->inputs[i])
			continue;
		if (!spec->random) {
			gs_error_set(err, "input '%s' is not given",
				     esc(gs_eval_input(ev, i)->name, b, sizeof(b)));
			goto fail;
		}
		if (!(out->inputs[i] = make_random(g, gs_eval_input(ev, i), spec, i, err)))
			goto fail;
	}
	choose_batch(ev, out);
	return 0;
fail:
	gs_npz_release(&z);
	gs_samples_release(out);
	return -1;
}

void gs_samples_release(struct gs_samples *s)
{
	int i;

	for (i = 0; s->inputs && i < s->n; i++)
		gs_et_unref(s->inputs[i]);
	free(s->inputs);
	memset(s, 0, sizeof(*s));
}

int gs_samples_run(struct gs_eval *ev, const struct gs_samples *s,
		   struct gs_etensor **outputs, struct gs_error *err)
{
	int n_out = gs_eval_n_outputs(ev), i, o;
	struct gs_etensor **in, **part;
	int64_t at, runs;
	int rc = -1;

	if (s->batch >= s->n_samples || s->batch <= 0)
		return gs_eval_run(ev, s->inputs, outputs, err);
	runs = s->n_samples / s->batch;
	in = gs_xcalloc((size_t)s->n + 1, sizeof(*in));
	part = gs_xcalloc((size_t)n_out + 1, sizeof(*part));
	for (o = 0; o < n_out; o++)
		outputs[o] = NULL;
	for (at = 0; at < runs; at++) {
		for (i = 0; i < s->n; i++)
			in[i] = gs_et_rows(s->inputs[i], at * s->batch, s->batch);
		rc = gs_eval_run(ev, in, part, err);
		for (i = 0; i < s->n; i++)
			gs_et_unref(in[i]);
		if (rc)
			goto out;
		rc = -1;
		for (o = 0; o < n_out; o++) {
			struct gs_etensor *p = part[o];
			int64_t dims[GS_EVAL_MAX_RANK];

			if (!outputs[o]) {
				if (p->rank < 1) {
					gs_error_set(err, "output %d is a scalar: samples cannot be "
						     "joined", o);
					goto out;
				}
				memcpy(dims, p->dims, sizeof(int64_t) * (size_t)p->rank);
				dims[0] *= runs;
				if (!(outputs[o] = gs_et_new(p->dtype, p->rank, dims, err)))
					goto out;
			}
			if (p->nbytes * (size_t)runs != outputs[o]->nbytes ||
			    p->dtype != outputs[o]->dtype) {
				gs_error_set(err, "output %d changes shape between batches", o);
				goto out;
			}
			memcpy((char *)outputs[o]->data + p->nbytes * (size_t)at, p->data, p->nbytes);
			gs_et_unref(p);
			part[o] = NULL;
		}
	}
	rc = 0;
out:
	for (o = 0; o < n_out; o++) {
		gs_et_unref(part[o]);
		if (rc) {
			gs_et_unref(outputs[o]);
			outputs[o] = NULL;
		}
	}
	free(in);
	free(part);
	return rc;
}

int gs_labels_load(const char *path, int64_t n_samples, struct gs_etensor **out,
		   struct gs_error *err)
{
	struct gs_etensor *t;

	if (gs_npy_read(path, &t, err))
		return -1;
	if (gs_dtype_is_float(t->dtype) || t->dtype == GS_DTYPE_BOOL) {
		gs_et_unref(t);
		return gs_error_set(err, "cannot use '%s' as labels: it holds %s, not integers",
				    path, gs_dtype_name(t->dtype));
	}
	if (t->numel != n_samples) {
		gs_et_unref(t);
		return gs_error_set(err, "cannot use '%s' as labels: %lld labels for %lld samples",
				    path, (long long)t->numel, (long long)n_samples);
	}
	*out = t;
	return 0;
}

int gs_top1_correct(const struct gs_etensor *scores, const struct gs_etensor *labels,
		    int64_t *correct, struct gs_error *err)
{
	int64_t rows = labels->numel, cols, r, c, best, hits = 0;

	if (!rows || scores->numel % rows)
		return gs_error_set(err, "the first output (%lld values) does not split into "
				    "one row per label (%lld)", (long long)scores->numel,
				    (long long)rows);
	cols = scores->numel / rows;
	for (r = 0; r < rows; r++) {
		best = 0;
		for (c = 1; c < cols; c++)
			if (gs_et_get(scores, r * cols + c) > gs_et_get(scores, r * cols + best))
				best = c;
		hits += (double)best == gs_et_get(labels, r);
	}
	*correct = hits;
	return 0;
}
