/*
 * Grafting: the part of a model between named tensors replaced by another
 * model whose IO fits, e.g. a new head on a backbone.  PART reads the
 * `from` tensors (adapters where its inputs expect another type); its
 * outputs become the `to` tensors, names kept (an Identity produces each
 * in place of the old producer), so whatever read them reads PART now.
 * The nodes that then feed nothing are removed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/combine.h"

/* Names that bodies (If/Loop/Scan) of live nodes read from g: the main
 * graph does not count those reads as uses. */
static int mark_outer(struct gs_graph *sub, void *ctx)
{
	struct gs_strmap *names = ctx;
	int i;

	for (i = 0; i < sub->n_values; i++)
		if (sub->values[i]->kind == GS_VALUE_OUTER && (sub->values[i]->n_uses ||
							      sub->values[i]->is_graph_output))
			gs_strmap_put(names, sub->values[i]->name, 1);
	return 0;
}

static bool feeds_something(const struct gs_graph *g, const struct gs_node *n,
			    const struct gs_strmap *outer)
{
	int i;

	for (i = 0; i < n->n_outputs; i++) {
		const struct gs_value *v = n->outputs[i] >= 0 ? g->values[n->outputs[i]] : NULL;

		if (v && (v->n_uses || v->is_graph_output || gs_strmap_get(outer, v->name) >= 0))
			return true;
	}
	return false;
}

/* Removes live nodes whose outputs nothing reads, until none is left;
 * then the initializers only they read.  Returns the node count. */
static int remove_dead(struct gs_graph *g, const bool *was_used, int n_was)
{
	struct gs_strmap outer;
	struct gs_graph *subs[16];
	int i, k, n, removed = 0;
	bool again = true;

	gs_strmap_init(&outer);
	for (i = 0; i < g->n_nodes; i++) {
		if (g->nodes[i]->removed)
			continue;
		n = gs_node_subgraphs(g->nodes[i], subs, 16);
		for (k = 0; k < n && k < 16; k++)
			gs_graph_walk(subs[k], mark_outer, &outer);
	}
	while (again) {
		again = false;
		for (i = g->n_nodes - 1; i >= 0; i--) {
			struct gs_node *nd = g->nodes[i];

			if (nd->removed || feeds_something(g, nd, &outer))
				continue;
			gs_graph_remove_node(g, nd);
			removed++;
			again = true;
		}
	}
	for (i = g->n_initializers - 1; i >= 0; i--) {
		const struct gs_value *v = g->values[g->initializers[i]];

		if (v->id < n_was && was_used[v->id] && !v->n_uses && !v->is_graph_output &&
		    gs_strmap_get(&outer, v->name) < 0)
			gs_graph_remove_initializer(g, v->id);
	}
	gs_strmap_release(&outer);
	return removed;
}

static int find(const struct gs_graph *g, const char *name, const char *what, struct gs_error *err)
{
	char e[128];
	int id = gs_graph_find_value(g, name);

	if (id < 0)
		return gs_error_set(err, "graft: the model has no tensor '%s' (%s)",
				    gs_escape(name, e, sizeof(e)), what);
	return id;
}

int gs_graft(struct gs_model *m, const struct gs_model *part, const char *const *from, int n_from,
	     const char *const *to, int n_to, gs_combine_report_fn report, void *ctx,
	     struct gs_error *err)
{
	struct gs_graph *g = m->graph;
	const struct gs_graph *gp = part->graph;
	struct gs_model *conv = NULL;
	int *pin = gs_xmalloc(sizeof(int) * (size_t)(gp->n_inputs + 1));
	int *bind = gs_xmalloc(sizeof(int) * (size_t)(gp->n_inputs + 1));
	int *outs = gs_xmalloc(sizeof(int) * (size_t)(gp->n_outputs + 1));
	int np = gs_combine_real_inputs(gp, pin), i, j, rc = -1, live_before, removed = 0;
	int n_was = g->n_values;
	bool *was_used = gs_xcalloc((size_t)n_was + 1, sizeof(bool));
	char why[512], e1[128], e2[128], ps[256], hint[256];

	if (np != n_from || gp->n_outputs != n_to) {
		gs_error_set(err, "graft: the part has %d inputs and %d outputs, --from names %d "
			     "tensors and --to %d", np, gp->n_outputs, n_from, n_to);
		goto out;
	}
	for (i = 0; i < n_to; i++) {
		int id = find(g, to[i], "--to", err);

		if (id < 0)
			goto out;
		if (g->values[id]->producer < 0) {
			gs_error_set(err, "graft: --to '%s' is not computed by a node",
				     gs_escape(to[i], e1, sizeof(e1)));
			goto out;
		}
	}
	for (i = 0; i < g->n_values; i++)
		was_used[i] = g->values[i]->n_uses > 0;
	live_before = gs_graph_live_nodes(g);
	if ((conv = gs_combine_at_opset(part, gs_model_opset(m, ""), err)))
		part = conv, gp = conv->graph;
	else if (err->msg[0])
		goto out;
	for (i = 0, j = 0; i < gp->n_inputs; i++) {
		const struct gs_value *vp = gp->values[gp->inputs[i]];
		struct gs_adapter_plan plan;
		int src;

		bind[i] = -1;
		if (vp->is_initializer)
			continue;
		if ((src = find(g, from[j], "--from", err)) < 0)
			goto out;
		if (gs_adapter_plan(g->values[src], vp, &plan, why, sizeof(why))) {
			gs_error_set(err, "graft: '%s' cannot feed the part's input '%s': %s",
				     gs_escape(from[j], e1, sizeof(e1)), gs_escape(vp->name, e2, sizeof(e2)),
				     why);
			goto out;
		}
		gs_adapter_describe(&plan, ps, sizeof(ps));
		gs_combine_say(report, ctx, "part input '%s' <- '%s': %s", vp->name, from[j],
			       plan.n_steps ? ps : "as it is");
		snprintf(hint, sizeof(hint), "graft/%s", vp->name);
		if ((bind[i] = gs_adapter_apply(g, &plan, src, hint, err)) < 0)
			goto out;
		j++;
	}
	if (gs_model_import(m, part, "graft/", bind, outs, err))
		goto out;
	for (i = 0; i < n_to; i++) {
		struct gs_value *vt = g->values[gs_graph_find_value(g, to[i])];
		struct gs_node *p = g->nodes[vt->producer];
		struct gs_adapter_plan plan;
		int src, k;
		bool alone = true;

		if (gs_adapter_plan(g->values[outs[i]], vt, &plan, why, sizeof(why))) {
			gs_error_set(err, "graft: the part's output %d cannot stand for '%s': %s", i + 1,
				     gs_escape(to[i], e1, sizeof(e1)), why);
			goto out;
		}
		gs_adapter_describe(&plan, ps, sizeof(ps));
		gs_combine_say(report, ctx, "'%s' <- part output '%s': %s", to[i],
			       g->values[outs[i]]->name, plan.n_steps ? ps : "as it is");
		snprintf(hint, sizeof(hint), "graft/%s", to[i]);
		if ((src = gs_adapter_apply(g, &plan, outs[i], hint, err)) < 0)
			goto out;
		for (k = 0; k < p->n_outputs; k++)
			if (p->outputs[k] >= 0 && p->outputs[k] != vt->id)
				alone = false;
		if (alone) {
			/* the old producer goes; an Identity makes the tensor */
			gs_graph_remove_node(g, p);
			removed++;
			gs_graph_add_node(g, "Identity", "", gs_graph_unique_name(g, hint), 1, &src, 1,
					  &vt->id);
		} else {
			while (vt->n_uses) {
				struct gs_node *n = g->nodes[vt->uses[0].node];

				for (k = 0; k < n->n_inputs; k++)
					if (n->inputs[k] == vt->id)
						gs_node_set_input(g, n, k, src);
			}
		}
	}
	removed += remove_dead(g, was_used, n_was);
	if (gs_graph_toposort(g, err)) {
		gs_error_prefix(err, "graft: the part would sit in a cycle (is --from downstream of "
				"--to?)");
		goto out;
	}
	gs_combine_say(report, ctx, "grafted %d nodes, removed %d (%d -> %d nodes)",
		       gs_graph_live_nodes(g) - live_before + removed, removed, live_before,
		       gs_graph_live_nodes(g));
	rc = 0;
out:
	gs_model_free(conv);
	free(pin);
	free(bind);
	free(outs);
	free(was_used);
	return rc;
}

/* "a,b,c" split in place into at most max names; the count, -1 if empty. */
int gs_combine_split_names(char *s, const char **names, int max)
{
	int n = 0;
	char *tok, *save = NULL;

	for (tok = strtok_r(s, ",", &save); tok && n < max; tok = strtok_r(NULL, ",", &save))
		names[n++] = tok;
	return n && !tok ? n : -1;
}
