/* The workspace's sample inputs, and what each step does to B's outputs
 * on them: B runs once before its first step (the baseline's outputs) and
 * once after every step; the step's line says the difference.  Random
 * inputs (seed 0) unless `inputs` names files; symbolic dims default to 1
 * here so that any model can be measured without being asked. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/compare.h"
#include "graphsmith/history.h"
#include "graphsmith/samples.h"
#include "cmd/internal.h"

/* At most this much of the baseline's activations is kept for reuse. */
#define CACHE_BUDGET ((size_t)256 << 20)

static struct gs_probe *probe_of(struct gs_workspace *ws)
{
	if (!ws->probe)
		ws->probe = gs_xcalloc(1, sizeof(*ws->probe));
	return ws->probe;
}

static void probe_spec(const struct gs_probe *p, struct gs_sample_spec *spec)
{
	size_t len = p->source ? strlen(p->source) : 0;

	memset(spec, 0, sizeof(*spec));
	spec->random = true;
	spec->seed = p->seed;
	spec->default_dim = 1;
	if (len > 4 && !strcmp(p->source + len - 4, ".npz"))
		spec->npz = p->source;
	else if (p->source)
		spec->dir = p->source;
}

/* The baseline run's observer: keeps main-graph activations for reuse. */
static int capture(void *ctx, const struct gs_graph *g, const struct gs_node *n,
		   struct gs_etensor *const *outs, struct gs_error *err)
{
	struct gs_probe *p = ctx;
	int i, v;

	if (g != g->model->graph)
		return 0;
	for (i = 0; i < n->n_outputs; i++) {
		if ((v = n->outputs[i]) < 0 || !outs[i] || v >= p->cache_values ||
		    p->cache_bytes + outs[i]->nbytes > CACHE_BUDGET)
			continue;
		gs_et_unref(p->cache[v]);
		p->cache[v] = gs_et_ref(outs[i]);
		p->cache_bytes += outs[i]->nbytes;
	}
	(void)err;
	return 0;
}

static void cache_start(struct gs_probe *p, const struct gs_model *m)
{
	const struct gs_graph *g = m->graph;
	int i;

	p->cache_values = g->n_values;
	p->cache_nodes = g->n_nodes;
	p->cache = gs_xcalloc((size_t)g->n_values + 1, sizeof(*p->cache));
	p->cache_param = gs_xcalloc((size_t)g->n_values + 1, sizeof(*p->cache_param));
	for (i = 0; i < g->n_values; i++)
		p->cache_param[i] = g->values[i]->param;
}

/*
 * Which of B's main-graph nodes need not run: those the steps since the
 * baseline left alone (not edited, not added, reading only values that
 * are unchanged), whose outputs the cache holds; and those whose outputs
 * only such nodes read.  NULL when nothing can be reused.
 */
static bool *reusable(struct gs_probe *p, const struct gs_model *m)
{
	const struct gs_graph *g = m->graph;
	bool *clean, *skip, *need;
	struct gs_graph *subs[1];
	int i, j, k, n_skip = 0;

	if (!p->cache || m->opsets_dirty || g->n_values < p->cache_values)
		return NULL;
	if (!g->topo_valid && gs_graph_toposort((struct gs_graph *)g, NULL))
		return NULL;	/* the order is a cache of the graph's, not a change */
	clean = gs_xcalloc((size_t)g->n_nodes + 1, 1);
	skip = gs_xcalloc((size_t)g->n_nodes + 1, 1);
	need = gs_xcalloc((size_t)g->n_values + 1, 1);
	for (k = 0; k < g->n_topo; k++) {
		const struct gs_node *n = g->nodes[g->topo[k]];
		bool ok = !n->removed && !n->dirty && n->id < p->cache_nodes &&
			  gs_node_subgraphs(n, subs, 1) == 0;

		for (j = 0; ok && j < n->n_inputs; j++) {
			const struct gs_value *v;

			if (n->inputs[j] < 0)
				continue;
			v = g->values[n->inputs[j]];
			ok = v->id < p->cache_values && !v->shape_dirty &&
			     v->param == p->cache_param[v->id] && (!v->param || !v->param->dirty) &&
			     (v->kind != GS_VALUE_ACTIVATION ||
			      (v->producer >= 0 && clean[v->producer]));
		}
		for (j = 0; ok && j < n->n_outputs; j++)
			ok = n->outputs[j] < 0 || (n->outputs[j] < p->cache_values &&
						   !g->values[n->outputs[j]]->shape_dirty);
		clean[n->id] = ok;
	}
	/* backwards: what must be computed; a clean node with its outputs
	 * cached answers from the cache, a node nobody needs is skipped */
	for (i = 0; i < g->n_outputs; i++)
		if (g->outputs[i] >= 0)
			need[g->outputs[i]] = true;
	for (k = g->n_topo - 1; k >= 0; k--) {
		const struct gs_node *n = g->nodes[g->topo[k]];
		bool needed = false, cached = clean[n->id], known = true;

		for (j = 0; j < n->n_outputs; j++) {
			int v = n->outputs[j];

			if (v < 0)
				continue;
			needed |= need[v];
			/* the evaluator looks a skipped node's outputs up in the
			 * cache, which ends at the baseline's values */
			known &= v < p->cache_values;
			if (need[v] && !(v < p->cache_values && p->cache[v]))
				cached = false;
		}
		if (known && (!needed || cached)) {
			skip[n->id] = true;
			n_skip++;
			continue;
		}
		for (j = 0; j < n->n_inputs; j++)
			if (n->inputs[j] >= 0)
				need[n->inputs[j]] = true;
	}
	free(clean);
	free(need);
	if (!n_skip) {
		free(skip);
		return NULL;
	}
	return skip;
}

/* Runs m on the sample inputs: new references in *outs (n of them).
 * capture_base: keep the run's activations (the baseline's); reuse:
 * answer what the steps left alone from them. */
static int run_model_with(struct gs_probe *p, const struct gs_model *m,
			  struct gs_etensor ***outs, int *n, int64_t *n_samples, bool capture_base,
			  bool reuse, struct gs_error *err)
{
	struct gs_sample_spec spec;
	struct gs_samples s = { 0 };
	struct gs_eval *ev;
	bool *skip = NULL;
	int rc = -1;

	probe_spec(p, &spec);
	if (!(ev = gs_eval_new(m, err)))
		return -1;
	gs_eval_record_shapes(ev, true);	/* the panes show what the run saw */
	if (gs_samples_load(ev, &spec, &s, err))
		goto out;
	/* one run over all samples: a batched run's activations are not one */
	if (s.batch >= s.n_samples) {
		if (capture_base) {
			cache_start(p, m);
			gs_eval_set_observer(ev, &(struct gs_eval_observer){ capture, p });
		} else if (reuse && !getenv("GS_PROBE_FULL") && (skip = reusable(p, m))) {
			/* GS_PROBE_FULL: tests compare this with full runs */
			gs_eval_set_reuse(ev, skip, p->cache);
		}
	}
	*n = gs_eval_n_outputs(ev);
	*outs = gs_xcalloc((size_t)*n + 1, sizeof(**outs));
	*n_samples = s.n_samples;
	if (gs_samples_run(ev, &s, *outs, err)) {
		free(*outs);
		*outs = NULL;
		goto out;
	}
	rc = 0;
out:
	gs_samples_release(&s);
	gs_eval_free(ev);
	free(skip);
	return rc;
}

static int run_model(struct gs_probe *p, const struct gs_model *m, struct gs_etensor ***outs,
		     int *n, int64_t *n_samples, struct gs_error *err)
{
	return run_model_with(p, m, outs, n, n_samples, false, false, err);
}

static double accuracy(struct gs_probe *p, const struct gs_etensor *scores, int64_t n_samples,
		       bool *ok)
{
	struct gs_etensor *labels;
	struct gs_error e;
	int64_t correct;
	double acc = 0;

	*ok = false;
	if (!p->labels_path || gs_labels_load(p->labels_path, n_samples, &labels, &e))
		return 0;
	if (!gs_top1_correct(scores, labels, &correct, &e)) {
		acc = (double)correct / (double)labels->numel;
		*ok = true;
	}
	gs_et_unref(labels);
	return acc;
}

/* The baseline's outputs: B before its first step. */
static int ensure_base(struct gs_workspace *ws, struct gs_error *err)
{
	struct gs_probe *p = probe_of(ws);
	struct gs_output_error oe = { 0 };
	bool ok;

	if (p->base && p->base_of == ws->b)
		return 0;
	gs_probe_drop_base(p);
	if (gs_history_count(ws->history) > 0) {
		/* steps were made before measuring: A is the untouched copy */
		if (!ws->a_is_baseline || !gs_workspace_a(ws))
			return gs_error_set(err, "no baseline outputs (inputs were set after the "
					    "first step)");
		if (run_model(p, ws->a, &p->base, &p->n_base, &p->n_samples, err))
			return -1;
	} else if (run_model_with(p, ws->b, &p->base, &p->n_base, &p->n_samples, true, false,
				  err)) {
		return -1;
	}
	p->base_of = ws->b;
	if (p->n_base > 0) {
		oe.acc = accuracy(p, p->base[0], p->n_samples, &ok);
		oe.has_acc = ok;
	}
	gs_history_set_output_error(ws->history, 0, &oe);
	return 0;
}

void gs_workspace_probe_before(struct gs_workspace *ws)
{
	struct gs_error err;

	if (!ws->b || !ws->history || ws->no_measure || (ws->probe && ws->probe->off))
		return;
	if (gs_history_count(ws->history) == 0)
		(void)ensure_base(ws, &err);	/* an error shows after the step */
}

void gs_workspace_probe_after(struct gs_workspace *ws)
{
	struct gs_output_error oe = { 0 };
	struct gs_etensor **outs = NULL;
	struct gs_probe *p;
	struct gs_error err;
	int n = 0, k;
	int64_t n_samples = 0;
	bool ok;

	if (!ws->b || !ws->history || ws->no_measure || (ws->probe && ws->probe->off))
		return;
	p = probe_of(ws);
	if (ensure_base(ws, &err) ||
	    run_model_with(p, ws->b, &outs, &n, &n_samples, false, true, &err)) {
		oe.state = -1;
		snprintf(oe.why, sizeof(oe.why), "%.190s", err.msg);
		gs_history_set_output_error(ws->history, gs_history_count(ws->history), &oe);
		return;
	}
	oe.state = 1;
	for (k = 0; k < n && k < p->n_base && oe.n < GS_STEP_OUTPUTS; k++) {
		struct gs_metrics m;

		if (outs[k]->numel != p->base[k]->numel) {
			oe.state = -1;
			snprintf(oe.why, sizeof(oe.why), "output %d changed its size", k);
			break;
		}
		gs_compare_tensors(p->base[k], outs[k], NULL, &m);
		oe.cosine[oe.n] = m.cosine;
		oe.sqnr_db[oe.n] = m.sqnr_defined ? m.sqnr_db : -INFINITY;
		oe.max_abs[oe.n] = m.max_abs_diff;
		oe.n++;
	}
	if (oe.state > 0 && n > 0) {
		oe.acc = accuracy(p, outs[0], n_samples, &ok);
		oe.has_acc = ok;
	}
	for (k = 0; k < n; k++)
		gs_et_unref(outs[k]);
	free(outs);
	gs_history_set_output_error(ws->history, gs_history_count(ws->history), &oe);
}

int gs_workspace_set_inputs(struct gs_workspace *ws, const char *source, uint64_t seed,
			    const char *labels, bool off, struct gs_error *err)
{
	struct gs_probe *p = probe_of(ws);

	free(p->source);
	free(p->labels_path);
	p->source = source ? gs_xstrdup(source) : NULL;
	p->labels_path = labels ? gs_xstrdup(labels) : NULL;
	p->seed = seed;
	p->off = off;
	gs_probe_drop_base(p);
	if (off || !ws->b || ws->no_measure)
		return 0;
	return ensure_base(ws, err);
}

int gs_workspace_inputs_info(struct gs_workspace *ws, char *buf, size_t len)
{
	struct gs_probe *p = probe_of(ws);
	char b1[256], b2[256];

	if (p->off)
		return snprintf(buf, len, "inputs: off (steps do not measure outputs)");
	if (!p->source)
		return snprintf(buf, len, "inputs: random, seed %llu%s%s%s",
				(unsigned long long)p->seed, p->labels_path ? "; labels '" : "",
				p->labels_path ? gs_escape(p->labels_path, b2, sizeof(b2)) : "",
				p->labels_path ? "'" : "");
	return snprintf(buf, len, "inputs: '%s', %lld samples%s%s%s",
			gs_escape(p->source, b1, sizeof(b1)), (long long)p->n_samples,
			p->labels_path ? "; labels '" : "",
			p->labels_path ? gs_escape(p->labels_path, b2, sizeof(b2)) : "",
			p->labels_path ? "'" : "");
}

int gs_workspace_compare(struct gs_workspace *ws, double threshold_db, struct gs_error *err)
{
	struct gs_probe *p = probe_of(ws);
	struct gs_compare_opts opts;
	struct gs_sample_spec spec;
	struct gs_compare *c;
	struct gs_match *m;

	if (!(m = gs_workspace_match(ws, err)))
		return -1;
	gs_compare_opts_init(&opts);
	opts.threshold_db = threshold_db;
	opts.labels = p->labels_path;
	probe_spec(p, &spec);
	c = gs_xcalloc(1, sizeof(*c));
	if (gs_compare_models(gs_ws_model(ws, 'a'), gs_ws_model(ws, 'b'), m, &spec, &opts, c,
			      err)) {
		free(c);
		return -1;
	}
	if (ws->compare) {
		gs_compare_release(ws->compare);
		free(ws->compare);
	}
	ws->compare = c;
	return 0;
}

/* Models bigger than this are not run just to show shapes. */
#define INFER_MAX_FILE ((uint64_t)256 << 20)

void gs_workspace_infer_shapes(struct gs_workspace *ws)
{
	struct gs_probe *p = probe_of(ws);
	struct gs_etensor **outs = NULL;
	struct gs_model *ms[2] = { gs_ws_model(ws, 'a'), gs_ws_model(ws, 'b') };
	struct gs_error err;
	int64_t n_samples;
	int i, k, n;

	if (p->off)
		return;
	for (i = 0; i < 2; i++) {
		if (!ms[i] || ms[i]->file_size > INFER_MAX_FILE || (i == 1 && ms[1] == ms[0]))
			continue;
		if (run_model(p, ms[i], &outs, &n, &n_samples, &err))
			continue;	/* a model we cannot run shows declared shapes */
		for (k = 0; k < n; k++)
			gs_et_unref(outs[k]);
		free(outs);
		outs = NULL;
	}
}

const char *gs_workspace_data_source(struct gs_workspace *ws, const char **labels)
{
	struct gs_probe *p = ws->probe;
	size_t len = p && p->source ? strlen(p->source) : 0;

	if (!p || p->off || len <= 4 || strcmp(p->source + len - 4, ".npz"))
		return NULL;
	if (labels)
		*labels = p->labels_path;
	return p->source;
}
