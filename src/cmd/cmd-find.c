/* find PATTERN: nodes of A and B whose name, op type, or one of whose tensor
 * or parameter names matches. */
#include <fnmatch.h>
#include <string.h>

#include "cmd/internal.h"

struct find {
	struct gs_workspace *ws;
	const char *pattern;
	bool glob;
	char side;
	int hits;
};

static bool matches(const struct find *f, const char *s)
{
	if (!s || !*s)
		return false;
	if (f->glob)
		return !fnmatch(f->pattern, s, FNM_CASEFOLD);
	return strcasestr(s, f->pattern) != NULL;
}

/* The first output of n, or parameter or graph input it reads, whose
 * name matches: a tensor is found at its producer, a weight at its user. */
static const struct gs_value *tensor_hit(const struct find *f, const struct gs_graph *g,
					 const struct gs_node *n)
{
	int k, v;

	for (k = 0; k < n->n_inputs + n->n_outputs; k++) {
		v = k < n->n_inputs ? n->inputs[k] : n->outputs[k - n->n_inputs];
		if (v < 0 || (k < n->n_inputs && g->values[v]->producer >= 0 &&
			      !gs_graph_param_of(g, v)))
			continue;
		if (matches(f, g->values[v]->name))
			return g->values[v];
	}
	return NULL;
}

static int find_graph(struct gs_graph *g, void *ctx)
{
	struct find *f = ctx;
	struct gs_op_counter seen;	/* for OP:K labels */
	char lb[256], ob[128], tmp[160], vb[256];
	const struct gs_value *via;
	int i, k;

	gs_op_counter_init(&seen);
	for (i = 0; i < g->n_nodes; i++) {
		const struct gs_node *n = g->nodes[i];

		k = gs_op_counter_next(&seen, n);
		if (n->removed)
			continue;
		via = NULL;
		if (!matches(f, n->name) && !matches(f, n->op_type) && !(via = tensor_hit(f, g, n)))
			continue;
		if (n->name && n->name[0]) {
			gs_escape(n->name, lb, sizeof(lb));
		} else {
			gs_escape(gs_node_op_label(n, k, tmp, sizeof(tmp)), lb, sizeof(lb));
		}
		gs_printf(f->ws, "%c  %-40s %s%s%s%s", f->side == 'a' ? 'A' : 'B', lb,
			  gs_escape(n->op_type, ob, sizeof(ob)),
			  via ? (via->kind == GS_VALUE_PARAM ? "  param " : "  tensor ") : "",
			  via ? gs_escape(via->name, vb, sizeof(vb)) : "",
			  g->parent ? "  (subgraph)" : "");
		f->hits++;
	}
	gs_op_counter_release(&seen);
	return 0;
}

static int find_exec(struct gs_workspace *ws, int argc, char **argv, struct gs_error *err)
{
	struct find f = { ws, NULL, false, 0, 0 };
	char eb[128];

	if (argc != 2 || !argv[1][0])
		return gs_error_set(err, "usage: %s", gs_cmd_find_cmd.usage);
	f.pattern = argv[1];
	f.glob = strpbrk(f.pattern, "*?[") != NULL;
	if (gs_ws_model(ws, 'a')) {
		f.side = 'a';
		gs_graph_walk(gs_ws_model(ws, 'a')->graph, find_graph, &f);
	}
	f.side = 'b';
	if (gs_ws_model(ws, 'b'))
		gs_graph_walk(gs_ws_model(ws, 'b')->graph, find_graph, &f);
	if (f.hits)
		gs_printf(ws, "%d match%s", f.hits, f.hits == 1 ? "" : "es");
	else
		gs_printf(ws, "no node matches '%s'", gs_escape(f.pattern, eb, sizeof(eb)));
	return GS_CHANGED_NOTHING;
}

static enum gs_complete_kind find_complete(int argi, char **argv, const char *const **words)
{
	return argi == 1 ? GS_COMPLETE_OP : GS_COMPLETE_NONE;
}

const struct gs_cmd_entry gs_cmd_find_cmd = {
	.name = "find",
	.alias = NULL,
	.usage = "find PATTERN",
	.help = "Lists the nodes of A and B whose name, op type, output tensor name or\n"
		"parameter name contains PATTERN (ignoring case), or matches it as a glob\n"
		"when it has * ? or [, and counts them.  Unnamed nodes show as OP:K,\n"
		"which select accepts.  In the workbench / searches the rows the same\n"
		"way; n/N then step over the matches until Escape.",
	.flags = GS_CMD_NEEDS_B,
	.exec = find_exec,
	.complete = find_complete,
};
