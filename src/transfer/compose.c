/*
 * Network-level fusion: A's outputs fed into B's inputs (TRANSFER.md 3).
 * Each input of B reads the A outputs the map names (several are
 * concatenated), else the A output of its name, else the one at its
 * position; the adapters between are planned from dtypes and shapes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/combine.h"

/* One input of B and what feeds it. */
struct feed {
	int n;
	int a_out[8];			/* indexes in A's output list */
	struct gs_adapter_plan plan;	/* n == 1 */
	int axis;			/* n > 1: Concat axis */
};

static int a_output(const struct gs_graph *ga, const char *name)
{
	int i;

	for (i = 0; i < ga->n_outputs; i++)
		if (!strcmp(ga->values[ga->outputs[i]]->name, name))
			return i;
	return -1;
}

static int plan_feeds(const struct gs_model *a, const struct gs_model *b, const int *bin, int nb,
		      const struct gs_io_map *map, int n_map, struct feed *f,
		      gs_combine_report_fn report, void *ctx, struct gs_error *err)
{
	const struct gs_graph *ga = a->graph, *gb = b->graph;
	char why[512], e1[128], e2[128], ps[256];
	int i, k;

	for (k = 0; k < n_map; k++) {
		for (i = 0; i < nb; i++)
			if (!strcmp(gb->values[bin[i]]->name, map[k].in_b))
				break;
		if (i == nb)
			return gs_error_set(err, "--map: B has no input '%s'",
					    gs_escape(map[k].in_b, e1, sizeof(e1)));
		if (a_output(ga, map[k].out_a) < 0)
			return gs_error_set(err, "--map: A has no output '%s'",
					    gs_escape(map[k].out_a, e1, sizeof(e1)));
	}
	for (i = 0; i < nb; i++) {
		const struct gs_value *vb = gb->values[bin[i]];
		const struct gs_value *from[8];

		f[i].n = 0;
		for (k = 0; k < n_map; k++)
			if (!strcmp(map[k].in_b, vb->name) && f[i].n < 8)
				f[i].a_out[f[i].n++] = a_output(ga, map[k].out_a);
		if (!f[i].n && a_output(ga, vb->name) >= 0)
			f[i].a_out[f[i].n++] = a_output(ga, vb->name);
		if (!f[i].n && !n_map && i < ga->n_outputs)
			f[i].a_out[f[i].n++] = i;
		if (!f[i].n)
			return gs_error_set(err, "B input '%s' has no output of A to read: map one with "
					    "--map OUT_A=%s", gs_escape(vb->name, e1, sizeof(e1)),
					    gs_escape(vb->name, e2, sizeof(e2)));
		for (k = 0; k < f[i].n; k++)
			from[k] = ga->values[ga->outputs[f[i].a_out[k]]];
		if (f[i].n == 1) {
			if (gs_adapter_plan(from[0], vb, &f[i].plan, why, sizeof(why)))
				return gs_error_set(err, "A output '%s' cannot feed B input '%s': %s",
						    gs_escape(from[0]->name, e1, sizeof(e1)),
						    gs_escape(vb->name, e2, sizeof(e2)), why);
			gs_adapter_describe(&f[i].plan, ps, sizeof(ps));
			gs_combine_say(report, ctx, "B input '%s' <- A output '%s': %s%s", vb->name,
				       from[0]->name, f[i].plan.n_steps ? ps : "as it is",
				       f[i].plan.assumed ? " (symbolic dims assumed equal)" : "");
		} else {
			if (gs_adapter_plan_concat(from, f[i].n, vb, &f[i].axis, why, sizeof(why)))
				return gs_error_set(err, "B input '%s': %s",
						    gs_escape(vb->name, e1, sizeof(e1)), why);
			gs_combine_say(report, ctx, "B input '%s' <- Concat(axis %d) of %d outputs of A",
				       vb->name, f[i].axis, f[i].n);
		}
	}
	return 0;
}

/* The value of B's input i in dst: A's outputs through the adapters. */
static int feed_value(struct gs_graph *g, const struct feed *f, const int *a_outs,
		      const struct gs_value *vb, struct gs_error *err)
{
	char hint[256];
	int ids[8], k;

	snprintf(hint, sizeof(hint), "compose/%s", vb->name);
	if (f->n == 1)
		return gs_adapter_apply(g, &f->plan, a_outs[f->a_out[0]], hint, err);
	for (k = 0; k < f->n; k++)
		ids[k] = a_outs[f->a_out[k]];
	return gs_adapter_concat(g, ids, f->n, f->axis, vb->dtype, hint);
}

int gs_compose(struct gs_model *dst, bool in_place, const struct gs_model *a,
	       const struct gs_model *b, const struct gs_io_map *map, int n_map,
	       gs_combine_report_fn report, void *ctx, struct gs_error *err)
{
	const struct gs_graph *ga = a->graph, *gb = b->graph;
	int *bin = gs_xmalloc(sizeof(int) * (size_t)(gb->n_inputs + ga->n_inputs + 1));
	int *a_outs = gs_xmalloc(sizeof(int) * (size_t)(ga->n_outputs + 1));
	int *bind = NULL, *b_outs = NULL, nb = gs_combine_real_inputs(gb, bin);
	int i, rc = -1;
	struct gs_model *conv = NULL;
	struct feed *f = gs_xcalloc((size_t)nb + 1, sizeof(*f));
	struct gs_graph *g;
	int *new_in = NULL, n_new = 0;

	if (plan_feeds(a, b, bin, nb, map, n_map, f, report, ctx, err))
		goto out;
	if (!dst) {
		rc = 0;
		goto out;
	}
	g = dst->graph;
	/* A's inputs become the model's, under their own names */
	bind = gs_xmalloc(sizeof(int) * (size_t)(ga->n_inputs + gb->n_inputs + 1));
	new_in = gs_xmalloc(sizeof(int) * (size_t)(ga->n_inputs + g->n_inputs + 1));
	for (i = 0; i < ga->n_inputs; i++) {
		const struct gs_value *v = ga->values[ga->inputs[i]];

		bind[i] = v->is_initializer ? -1 :
			  gs_graph_add_input(g, v->name, v->dtype, v->rank, v->dims);
		if (bind[i] >= 0)
			new_in[n_new++] = bind[i];
	}
	if (in_place) {
		if ((conv = gs_combine_at_opset(a, gs_model_opset(dst, ""), err)))
			a = conv;
		else if (err->msg[0])
			goto out;
	}
	if (gs_model_import(dst, a, "a/", bind, a_outs, err))
		goto out;
	if (in_place) {
		/* B is dst: every use of its inputs reads A's adapted outputs */
		for (i = 0; i < nb; i++) {
			struct gs_value *vb = g->values[bin[i]];
			int src = feed_value(g, &f[i], a_outs, vb, err), u;

			if (src < 0)
				goto out;
			while (vb->n_uses) {
				struct gs_use use = vb->uses[0];
				struct gs_node *n = g->nodes[use.node];

				for (u = 0; u < n->n_inputs; u++)
					if (n->inputs[u] == vb->id)
						gs_node_set_input(g, n, u, src);
			}
		}
		for (i = 0; i < g->n_inputs; i++)
			if (g->values[g->inputs[i]]->is_initializer)
				new_in[n_new++] = g->inputs[i];
		gs_graph_set_inputs(g, n_new, new_in);
	} else {
		b_outs = gs_xmalloc(sizeof(int) * (size_t)(gb->n_outputs + 1));
		for (i = 0; i < gb->n_inputs; i++)
			bind[i] = -1;
		for (i = 0; i < nb; i++) {
			int j, src = feed_value(g, &f[i], a_outs, gb->values[bin[i]], err);

			if (src < 0)
				goto out;
			for (j = 0; j < gb->n_inputs; j++)
				if (gb->inputs[j] == bin[i])
					bind[j] = src;
		}
		if ((conv = gs_combine_at_opset(b, gs_model_opset(dst, ""), err)))
			b = conv;
		else if (err->msg[0])
			goto out;
		if (gs_model_import(dst, b, "b/", bind, b_outs, err))
			goto out;
		/* B's outputs under B's names */
		for (i = 0; i < gb->n_outputs; i++) {
			const struct gs_value *vo = gb->values[gb->outputs[i]];
			int id = gs_combine_node(g, "Identity", 1, &b_outs[i], vo->name, NULL);

			gs_value_copy_type(g, g->values[id], vo->dtype, vo->rank, vo->dims);
			b_outs[i] = id;
		}
		gs_graph_set_outputs(g, gb->n_outputs, b_outs);
	}
	rc = 0;
out:
	free(bin);
	gs_model_free(conv);
	free(a_outs);
	free(bind);
	free(b_outs);
	free(new_in);
	free(f);
	return rc;
}
