/* explain [NODE|OP]: what an op computes, from data/ops.txt. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "graphsmith/opdoc.h"
#include "cmd/internal.h"

static const struct gs_opdoc_db *opdoc(struct gs_workspace *ws, struct gs_error *err)
{
	char msg[512], *path;

	if (ws->opdoc)
		return ws->opdoc;
	if (!(path = gs_data_path("ops.txt"))) {
		gs_error_set(err, "cannot find the operator notes 'ops.txt' (set GRAPHSMITH_DATADIR)");
		return NULL;
	}
	if (!(ws->opdoc = gs_opdoc_load(path, msg, sizeof(msg))))
		gs_error_set(err, "%s", msg);
	free(path);
	return ws->opdoc;
}

/* Exact first, then ignoring case: "conv" is what people type. */
static const struct gs_opdoc *find_op(const struct gs_opdoc_db *db, const char *domain, const char *op)
{
	const struct gs_opdoc *d = gs_opdoc_find(db, domain, op);
	size_t i;

	for (i = 0; !d && i < gs_opdoc_count(db); i++)
		if (!strcasecmp(gs_opdoc_at(db, i)->op, op))
			d = gs_opdoc_at(db, i);
	return d;
}

static void print_io(struct gs_workspace *ws, const char *title, const struct gs_opdoc_io *io, size_t n)
{
	char name[96];
	size_t i;

	if (n)
		gs_oprintf(ws, GS_OUT_HEADING, "%s", title);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%s%s", io[i].name,
			 io[i].variadic ? "..." : io[i].optional ? "?" : "");
		gs_printf(ws, "  %-14s %s", name, io[i].desc);
	}
}

static void print_doc(struct gs_workspace *ws, const struct gs_opdoc *d)
{
	size_t i;

	gs_oprintf(ws, GS_OUT_HEADING, "%s (%s): %s", d->op, d->domain, d->summary);
	for (i = 0; i < d->nformulas; i++)
		gs_printf(ws, "    %s", d->formulas[i]);
	for (i = 0; i < d->ntexts; i++)
		gs_printf(ws, "%s", d->texts[i]);
	print_io(ws, "inputs", d->inputs, d->ninputs);
	print_io(ws, "outputs", d->outputs, d->noutputs);
	if (d->nattrs)
		gs_oprintf(ws, GS_OUT_HEADING, "attributes");
	for (i = 0; i < d->nattrs; i++)
		gs_printf(ws, "  %-14s %-8s %s", d->attrs[i].name, d->attrs[i].type, d->attrs[i].desc);
	if (d->see)
		gs_printf(ws, "see also: %s", d->see);
}

static int explain_exec(struct gs_workspace *ws, int argc, char **argv, struct gs_error *err)
{
	const struct gs_opdoc_db *db;
	const struct gs_opdoc *d = NULL;
	const struct gs_node *n = NULL;
	const struct gs_graph *g = NULL;
	const char *op, *domain = NULL;
	struct gs_node_ref r;
	struct gs_error ignored;
	char eb[256];

	if (argc > 2)
		return gs_error_set(err, "usage: %s", gs_cmd_explain.usage);
	if (!(db = opdoc(ws, err)))
		return -1;
	if (argc == 2 && (d = gs_opdoc_find(db, NULL, argv[1])))
		;
	else if (argc == 2 && ((gs_ws_model(ws, 'b') &&
				!gs_ws_find_node(ws, 'b', argv[1], &r, &ignored)) ||
			       (gs_ws_model(ws, 'a') &&
				!gs_ws_find_node(ws, 'a', argv[1], &r, &ignored))))
		g = r.g, n = r.g->nodes[r.node];
	else if (argc == 1 && ws->sel_graph && ws->sel_node >= 0)
		g = ws->sel_graph, n = g->nodes[ws->sel_node];
	else if (argc == 1)
		return gs_error_set(err, "no node selected (use 'explain NODE' or 'explain OP')");
	if (argc == 1 && ws->view_ops && ws->view_ops->explain) {
		ws->view_ops->explain(ws->view);
		return GS_CHANGED_VIEW;
	}
	op = d ? d->op : n ? n->op_type : argv[1];
	domain = n ? n->domain : NULL;
	if (!d && !(d = find_op(db, domain, op)))
		return gs_error_set(err, "no notes for op '%s'%s", gs_escape(op, eb, sizeof(eb)),
				    n ? "" : " (and no node has that name)");
	if (n)
		gs_printf(ws, "%s is a %s:", gs_node_label(g, n, eb, sizeof(eb)), d->op);
	print_doc(ws, d);
	return GS_CHANGED_NOTHING;
}

static enum gs_complete_kind explain_complete(int argi, char **argv, const char *const **words)
{
	return argi == 1 ? GS_COMPLETE_OP : GS_COMPLETE_NONE;
}

const struct gs_cmd_entry gs_cmd_explain = {
	.name = "explain",
	.alias = NULL,
	.usage = "explain [NODE|OP]",
	.help = "Explains what an operator computes: its formula, inputs, outputs\n"
		"and attributes with their meaning.  Names an op type, a node (of B,\n"
		"else of A), "
		"or with no argument the selected node.",
	.flags = 0,
	.exec = explain_exec,
	.complete = explain_complete,
};
