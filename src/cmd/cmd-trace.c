/* trace [-a] [NODE]: everything upstream and downstream of a node. */
#include <stdlib.h>

#include "cmd/internal.h"

/* Marks the nodes reachable from start, against (up) or along the edges. */
static int reach(const struct gs_graph *g, int start, bool up, unsigned char *mark, unsigned char bit)
{
	int *stack = gs_xmalloc(sizeof(int) * (size_t)(g->n_nodes + 1));
	int sp = 0, count = 0, i, j;

	stack[sp++] = start;
	while (sp) {
		const struct gs_node *n = g->nodes[stack[--sp]];
		int nv = up ? n->n_inputs : n->n_outputs;

		for (i = 0; i < nv; i++) {
			int vid = up ? n->inputs[i] : n->outputs[i];
			const struct gs_value *v;

			if (vid < 0)
				continue;
			v = g->values[vid];
			for (j = 0; j < (up ? 1 : v->n_uses); j++) {
				int next = up ? v->producer : v->uses[j].node;

				if (next < 0 || next == start || g->nodes[next]->removed ||
				    (mark[next] & bit))
					continue;
				mark[next] |= bit;
				count++;
				stack[sp++] = next;
			}
		}
	}
	free(stack);
	return count;
}

static void list(struct gs_workspace *ws, const struct gs_graph *g, const char *title, int count,
		 const unsigned char *mark, unsigned char bit)
{
	char lb[256], ob[128];
	int i;

	gs_oprintf(ws, GS_OUT_HEADING, "%s (%d)", title, count);
	for (i = 0; i < g->n_nodes; i++)
		if (mark[i] & bit)
			gs_printf(ws, "  %-40s %s", gs_node_label(g, g->nodes[i], lb, sizeof(lb)),
				  gs_escape(g->nodes[i]->op_type, ob, sizeof(ob)));
}

static int trace_exec(struct gs_workspace *ws, int argc, char **argv, struct gs_error *err)
{
	char side = gs_take_flag(&argc, argv, "-a") ? 'a' : 'b', lb[256];
	struct gs_node_ref r;
	unsigned char *mark;
	int up, down;

	if (argc > 2)
		return gs_error_set(err, "usage: %s", gs_cmd_trace.usage);
	if (argc == 2) {
		if (gs_ws_find_node(ws, side, argv[1], &r, err) < 0)
			return -1;
		ws->sel_side = side;
		ws->sel_graph = r.g;
		ws->sel_node = r.node;
	} else if (ws->sel_node >= 0 && ws->sel_graph) {
		r.side = ws->sel_side;
		r.g = (struct gs_graph *)ws->sel_graph;
		r.node = ws->sel_node;
	} else {
		return gs_error_set(err, "no node selected (use 'trace NODE')");
	}
	if (ws->view_ops && ws->view_ops->trace) {
		if (argc == 2 && ws->view_ops->select)
			ws->view_ops->select(ws->view, side, r.g, r.node);
		ws->view_ops->trace(ws->view);
		return GS_CHANGED_VIEW;
	}
	mark = gs_xcalloc((size_t)r.g->n_nodes + 1, 1);
	up = reach(r.g, r.node, true, mark, 1);
	down = reach(r.g, r.node, false, mark, 2);
	gs_oprintf(ws, GS_OUT_HEADING, "%c  %s", r.side == 'a' ? 'A' : 'B',
		   gs_node_label(r.g, r.g->nodes[r.node], lb, sizeof(lb)));
	list(ws, r.g, "upstream", up, mark, 1);
	list(ws, r.g, "downstream", down, mark, 2);
	free(mark);
	return GS_CHANGED_NOTHING;
}

static enum gs_complete_kind trace_complete(int argi, char **argv, const char *const **words)
{
	return GS_COMPLETE_NODE;
}

const struct gs_cmd_entry gs_cmd_trace = {
	.name = "trace",
	.alias = NULL,
	.usage = "trace [-a] [NODE]",
	.help = "Shows everything upstream (what the node depends on) and\n"
		"downstream (what depends on it) of NODE, or of the selected node.\n"
		"In the workbench both panes highlight them.",
	.flags = GS_CMD_NEEDS_B,
	.exec = trace_exec,
	.complete = trace_complete,
};
