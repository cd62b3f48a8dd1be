/*
 * What the prune passes share: which weights they act on, notes to the
 * caller, float copies and installing a changed weight as an edit.
 */
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/history.h"
#include "graphsmith/params.h"
#include "graphsmith/prune.h"

void gs_prune_note(const struct gs_prune_opts *opts, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (!opts || !opts->note)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	opts->note(opts->ctx, line);
}

static bool selected(const struct gs_prune_opts *opts, const struct gs_node *n,
		     const struct gs_tensor *w)
{
	if (!opts || !opts->only)
		return true;
	return !fnmatch(opts->only, n->name ? n->name : "", 0) ||
	       (w->name && !fnmatch(opts->only, w->name, 0));
}

struct collect {
	const struct gs_prune_opts *opts;
	struct gs_prune_layer *layers;
	int n, alloc;
};

static int collect_graph(struct gs_graph *g, void *ctx)
{
	struct collect *c = ctx;
	char name[256];
	int i, j;

	for (i = 0; i < g->n_nodes; i++) {
		struct gs_node *n = g->nodes[i];
		struct gs_tensor *w;

		if (n->removed || !gs_is_weight_op(n) || n->n_inputs < 2)
			continue;
		if (!(w = gs_graph_param_of(g, n->inputs[1])) || !selected(c->opts, n, w))
			continue;
		for (j = 0; j < c->n; j++)
			if (c->layers[j].w == w)
				break;
		if (j < c->n)
			continue;	/* shared weight: pruned once */
		if (w->dtype != GS_DTYPE_FLOAT || !w->data ||
		    w->nbytes != (size_t)w->numel * 4 || w->numel <= 0) {
			gs_prune_note(c->opts, "skipped '%s': weight is %s, not float32",
				      gs_escape(w->name ? w->name : "", name, sizeof(name)),
				      gs_dtype_name(w->dtype));
			continue;
		}
		GS_GROW(c->layers, c->n + 1, c->alloc);
		c->layers[c->n].g = g;
		c->layers[c->n].node = n;
		c->layers[c->n].w = w;
		c->n++;
	}
	return 0;
}

int gs_prune_collect(struct gs_model *m, const struct gs_prune_opts *opts,
		     struct gs_prune_layer **out)
{
	struct collect c;

	memset(&c, 0, sizeof(c));
	c.opts = opts;
	gs_graph_walk(m->graph, collect_graph, &c);
	*out = c.layers;
	return c.n;
}

float *gs_prune_floats(const struct gs_model *m, const struct gs_tensor *t)
{
	struct gs_error err;
	float *f = gs_param_floats(m, t, &err);

	/* the passes collect float32 weights with their data only */
	if (!f)
		abort();
	return f;
}

int gs_prune_install(struct gs_model *m, struct gs_tensor *t, float *data, bool changed,
		     int64_t zeros)
{
	if (!changed) {
		free(data);
		return 0;
	}
	gs_tensor_replace(m, t, t->dtype, t->rank, t->dims, data, (size_t)t->numel * sizeof(float));
	t->zeros = zeros;
	t->zeros_known = true;
	return 1;
}

int gs_prune_parse_sparsity(const char *s, double *out, struct gs_error *err)
{
	char *end;
	double v = s ? strtod(s, &end) : 0;

	if (!s || end == s || *end || !(v >= 0.0 && v < 1.0))
		return gs_error_set(err, "bad sparsity '%s': expected a number in [0, 1)", s ? s : "");
	*out = v;
	return 0;
}

int gs_prune_parse_ratio(const char *s, double *out, struct gs_error *err)
{
	char *end;
	double v = s ? strtod(s, &end) : 0;

	if (!s || end == s || *end || !(v > 0.0 && v < 1.0))
		return gs_error_set(err, "bad ratio '%s': expected a number in (0, 1)", s ? s : "");
	*out = v;
	return 0;
}

int gs_prune_parse_nm(const char *s, int *n, int *m, struct gs_error *err)
{
	char *end, *end2;
	long a, b;

	if (!s)
		return gs_error_set(err, "bad pattern '': expected N:M such as 2:4");
	a = strtol(s, &end, 10);
	if (end == s || *end != ':')
		return gs_error_set(err, "bad pattern '%s': expected N:M such as 2:4", s);
	b = strtol(end + 1, &end2, 10);
	if (end2 == end + 1 || *end2)
		return gs_error_set(err, "bad pattern '%s': expected N:M such as 2:4", s);
	if (a < 1 || b < 1 || b > 1024 || a > b)
		return gs_error_set(err, "bad pattern '%s': need 1 <= N <= M <= 1024", s);
	*n = (int)a;
	*m = (int)b;
	return 0;
}
