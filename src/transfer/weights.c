/*
 * Weights files as named tensors: safetensors or numpy .npz in, either out
 * (a model's initializers, named as in the model), so weights travel to
 * and from PyTorch and numpy.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/eval.h"
#include "graphsmith/tensorio.h"
#include "graphsmith/transfer.h"
#include "graphsmith/util.h"

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && !strcmp(s + n - k, suffix);
}

bool gs_weights_is_file(const char *path)
{
	return ends_with(path, ".safetensors") || ends_with(path, ".npz");
}

void gs_report(gs_report_fn report, void *ctx, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (!report)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	report(ctx, buf);
}

static int npz_read(const char *path, struct gs_weights *w, struct gs_error *err)
{
	struct gs_npz *z = gs_xcalloc(1, sizeof(*z));
	int i, d;

	memset(w, 0, sizeof(*w));
	if (gs_npz_read(path, z, err)) {
		free(z);
		return -1;
	}
	w->npz = z;
	w->t = gs_xcalloc((size_t)z->n + 1, sizeof(*w->t));
	for (i = 0; i < z->n; i++) {
		const struct gs_etensor *e = z->ts[i];
		struct gs_wtensor *t = &w->t[w->n++];

		t->name = gs_xstrdup(z->names[i]);
		t->dtype = e->dtype;
		t->rank = e->rank;
		for (d = 0; d < e->rank && d < 8; d++)
			t->dims[d] = e->dims[d];
		t->numel = e->numel;
		t->data = e->data;
		t->nbytes = e->nbytes;
	}
	return 0;
}

int gs_weights_read(const char *path, struct gs_weights *w, struct gs_error *err)
{
	if (ends_with(path, ".npz"))
		return npz_read(path, w, err);
	return gs_safetensors_read(path, w, err);
}

int gs_weights_export(const struct gs_model *m, const char *path, struct gs_error *err)
{
	const struct gs_graph *g = m->graph;
	struct gs_wtensor *t = gs_xcalloc((size_t)g->n_initializers + 1, sizeof(*t));
	struct gs_etensor **et = gs_xcalloc((size_t)g->n_initializers + 1, sizeof(*et));
	const char **names = gs_xcalloc((size_t)g->n_initializers + 1, sizeof(*names));
	bool npz = ends_with(path, ".npz");
	int i, d, n = 0, rc = -1;

	if (!npz && !ends_with(path, ".safetensors")) {
		gs_error_set(err, "cannot write '%s': name it FILE.safetensors or FILE.npz", path);
		goto out;
	}
	for (i = 0; i < g->n_initializers; i++) {
		const struct gs_value *v = g->initializers[i] >= 0 ?
					   g->values[g->initializers[i]] : NULL;
		const struct gs_tensor *p = v ? v->param : NULL;

		if (!p || p->dtype == GS_DTYPE_STRING)
			continue;
		if (npz) {
			if (!(et[n] = gs_et_from_param(m, p, err)))
				goto out;
		} else if (p->numel && (!p->data || (int64_t)p->nbytes <
					gs_dtype_nbytes(p->dtype, p->numel))) {
			gs_error_set(err, "cannot write '%s': tensor holds too few bytes", path);
			goto out;
		}
		names[n] = v->name;
		t[n].name = (char *)v->name;
		t[n].dtype = p->dtype;
		t[n].rank = p->rank > 8 ? 8 : p->rank;
		for (d = 0; d < t[n].rank; d++)
			t[n].dims[d] = p->dims[d];
		t[n].numel = p->numel;
		t[n].data = p->data;
		t[n].nbytes = p->numel ? (size_t)gs_dtype_nbytes(p->dtype, p->numel) : 0;
		if (p->rank > 8) {
			gs_error_set(err, "cannot write '%s': a tensor has rank %d", path, p->rank);
			goto out;
		}
		n++;
	}
	if (npz)
		rc = gs_npz_write(path, n, names, et, err);
	else
		rc = gs_safetensors_write(path, n, t, err);
	if (!rc)
		rc = n;
out:
	for (i = 0; i < n + 1 && i <= g->n_initializers; i++)
		if (et[i])
			gs_et_unref(et[i]);
	free(t);
	free(et);
	free(names);
	return rc;
}
