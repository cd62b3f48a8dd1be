/* select [-a] NODE: selects a node; headless, prints it. */
#include <string.h>

#include "graphsmith/info.h"
#include "cmd/internal.h"

static void print_values(struct gs_workspace *ws, const char *title, const struct gs_graph *g,
			 int n, const int *ids)
{
	char nb[256], sb[128];
	int i;

	for (i = 0; i < n; i++) {
		const struct gs_value *v = ids[i] >= 0 ? g->values[ids[i]] : NULL;

		if (!v) {
			gs_printf(ws, "  %-7s %d  (omitted)", title, i);
			continue;
		}
		gs_printf(ws, "  %-7s %d  %-36s %-8s %s%s", title, i, gs_escape(v->name, nb, sizeof(nb)),
			  v->dtype ? gs_dtype_name(v->dtype) : "?", gs_format_shape(v, sb, sizeof(sb)),
			  v->kind == GS_VALUE_PARAM ? "  parameter" :
			  v->kind == GS_VALUE_INPUT ? "  model input" :
			  v->is_graph_output ? "  model output" : "");
	}
}

static void print_counterpart(struct gs_workspace *ws, const struct gs_node_ref *r)
{
#if GS_CMD_HAVE_MATCH
	const struct gs_match *m;
	const struct gs_match_entry *e;
	const struct gs_graph *og;
	struct gs_error err;
	char lb[256];
	int k, n, *ids;

	if (!gs_ws_model(ws, 'a') || !gs_ws_model(ws, 'b') || r->g != r->m->graph ||
	    !(m = gs_workspace_match(ws, &err)))
		return;
	k = r->side == 'a' ? m->entry_of_a[r->node] : m->entry_of_b[r->node];
	if (k < 0)
		return;
	e = &m->entries[k];
	og = r->side == 'a' ? e->graph_b : e->graph_a;
	n = r->side == 'a' ? e->n_b : e->n_a;
	ids = r->side == 'a' ? e->b : e->a;
	gs_printf(ws, "  %s in %c (%s%s%s)", n ? "counterpart" : "no counterpart",
		  r->side == 'a' ? 'B' : 'A', gs_match_status_name(e->status),
		  e->pattern ? ", " : "", e->pattern ? e->pattern : "");
	for (k = 0; k < n && og; k++)
		gs_printf(ws, "    %s  %s", gs_node_label(og, og->nodes[ids[k]], lb, sizeof(lb)),
			  og->nodes[ids[k]]->op_type);
	for (k = 0; k < e->n_changes; k++)
		gs_printf(ws, "    %s", e->changes[k]);
#else
	(void)ws;
	(void)r;
#endif
}

static void print_node(struct gs_workspace *ws, const struct gs_node_ref *r)
{
	const struct gs_graph *g = r->g;
	const struct gs_node *n = g->nodes[r->node];
	char lb[256], ob[128], ab[512], db[128];
	int i;

	gs_oprintf(ws, GS_OUT_HEADING, "%c  %s  %s%s%s", r->side == 'a' ? 'A' : 'B',
		   gs_node_label(g, n, lb, sizeof(lb)), gs_escape(n->op_type, ob, sizeof(ob)),
		   n->domain && n->domain[0] ? " domain " : "", n->domain ? n->domain : "");
	print_values(ws, "input", g, n->n_inputs, n->inputs);
	print_values(ws, "output", g, n->n_outputs, n->outputs);
	for (i = 0; i < n->n_attrs; i++)
		gs_printf(ws, "  attr       %s = %s", gs_escape(n->attrs[i].name, lb, sizeof(lb)),
			  gs_format_attr(&n->attrs[i], ab, sizeof(ab)));
	for (i = 0; i < n->n_inputs; i++) {
		const struct gs_tensor *t = n->inputs[i] >= 0 ?
			gs_graph_param_of(g, n->inputs[i]) : NULL;

		if (!t)
			continue;
		gs_printf(ws, "  param   %d  %-36s %-8s %s  %s", i,
			  gs_escape(g->values[n->inputs[i]]->name, lb, sizeof(lb)),
			  gs_dtype_name(t->dtype), gs_format_dims(t->rank, t->dims, ab, sizeof(ab)),
			  gs_format_bytes(t->nbytes, db, sizeof(db)));
	}
	print_counterpart(ws, r);
}

static int select_exec(struct gs_workspace *ws, int argc, char **argv, struct gs_error *err)
{
	char side = gs_take_flag(&argc, argv, "-a") ? 'a' : 'b';
	struct gs_node_ref r;

	if (argc != 2)
		return gs_error_set(err, "usage: %s", gs_cmd_select.usage);
	if (gs_ws_find_node(ws, side, argv[1], &r, err) < 0)
		return -1;
	ws->sel_side = side;
	ws->sel_graph = r.g;
	ws->sel_node = r.node;
	if (ws->view_ops && ws->view_ops->select) {
		ws->view_ops->select(ws->view, side, r.g, r.node);
		return GS_CHANGED_VIEW;
	}
	print_node(ws, &r);
	return GS_CHANGED_NOTHING;
}

static enum gs_complete_kind select_complete(int argi, char **argv, const char *const **words)
{
	return GS_COMPLETE_NODE;
}

const struct gs_cmd_entry gs_cmd_select = {
	.name = "select",
	.alias = NULL,
	.usage = "select [-a] NODE",
	.help = "Selects a node of B (of A with -a) by name, unique name prefix,\n"
		"OP:K (the K-th node of that op, how unnamed nodes are shown), @ID,\n"
		"or the name of a tensor it produces.  Headless it prints the node:\n"
		"inputs and outputs with shapes, attributes, parameters, and its\n"
		"counterpart in the other model.",
	.flags = GS_CMD_NEEDS_B,
	.exec = select_exec,
	.complete = select_complete,
};
