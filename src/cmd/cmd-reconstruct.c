/* reconstruct --data FILE [--damp X] [--all]: layer-wise least squares
 * after prune or quantize (see graphsmith/recon.h). */
#include <stdlib.h>
#include <string.h>

#include "graphsmith/recon.h"
#include "cmd/internal.h"

static void recon_line(void *ctx, const char *line)
{
	gs_printf(ctx, "%s", line);
}

/* a_of_b: A's node for each node of B.  B edited from A keeps its nodes'
 * ids (edits append); otherwise the matcher's one-to-one node pairs. */
static int *correspondence(struct gs_workspace *ws, struct gs_error *err)
{
	const struct gs_graph *ga = ws->a->graph, *gb = ws->b->graph;
	int *map = gs_xmalloc(sizeof(int) * ((size_t)gb->n_nodes + 1));
	struct gs_match *m;
	int i;

	for (i = 0; i < gb->n_nodes; i++)
		map[i] = -1;
	if (ws->a_is_baseline) {
		for (i = 0; i < gb->n_nodes && i < ga->n_nodes; i++)
			if (!ga->nodes[i]->removed &&
			    !strcmp(ga->nodes[i]->op_type, gb->nodes[i]->op_type))
				map[i] = i;
		return map;
	}
	if (!(m = gs_workspace_match(ws, err))) {
		free(map);
		return NULL;
	}
	for (i = 0; i < m->n_entries; i++) {
		const struct gs_match_entry *e = &m->entries[i];

		if (e->n_a == 1 && e->n_b == 1 && e->graph_b == gb && e->graph_a == ga &&
		    e->b[0] < gb->n_nodes)
			map[e->b[0]] = e->a[0];
	}
	return map;
}

static int recon_exec(struct gs_workspace *ws, int argc, char **argv, struct gs_error *err)
{
	struct gs_recon_opts o = { .damp = 0.01, .note = recon_line, .ctx = ws };
	struct gs_recon_result r;
	int i, n = 0, *map, rc;
	char *end;

	if (gs_cmd_data_option(ws, "reconstruct", true, &argc, argv, &o.data, NULL, err))
		return -1;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--all")) {
			o.all = true;
		} else if (!strcmp(argv[i], "--damp") && i + 1 < argc) {
			o.damp = strtod(argv[++i], &end);
			if (end == argv[i] || *end || !(o.damp >= 0 && o.damp < 1e6))
				return gs_error_set(err, "reconstruct: bad --damp '%s': expected a "
						    "number >= 0", argv[i]);
		} else {
			argv[++n] = argv[i];
		}
	}
	if (n)
		return gs_error_set(err, "usage: %s", gs_cmd_reconstruct.usage);
	if (!o.data)
		return gs_error_set(err, "reconstruct: no data: give --data FILE.npz (or set "
				    "'inputs FILE.npz')");
	if (!ws->a)
		return gs_error_set(err, "reconstruct: no baseline A to match");
	if (!(map = correspondence(ws, err)))
		return -1;
	rc = gs_reconstruct(ws->a, ws->b, map, &o, &r, err);
	free(map);
	if (rc)
		return -1;
	if (r.layers)
		gs_printf(ws, "reconstructed %d layers: relative output MSE %.4g -> %.4g%s",
			  r.layers, r.err_before, r.err_after, r.skipped ? " (some skipped)" : "");
	return r.layers ? GS_CHANGED_MODEL : GS_CHANGED_NOTHING;
}

static const char *const recon_flags[] = { "--data", "--damp", "--all", NULL };

static enum gs_complete_kind recon_complete(int argi, char **argv, const char *const **words)
{
	if (argi > 1 && !strcmp(argv[argi - 1], "--data"))
		return GS_COMPLETE_FILE;
	*words = recon_flags;
	return GS_COMPLETE_WORDS;
}

const struct gs_cmd_entry gs_cmd_reconstruct = {
	.name = "reconstruct",
	.alias = NULL,
	.usage = "reconstruct [--data FILE.npz] [--damp X] [--all]",
	.help = "After prune or quantize, re-solves each layer of B whose weights\n"
		"differ from A's (Conv, Gemm, MatMul) by least squares so its outputs\n"
		"match A's on the data, layer by layer in order: inputs come from B\n"
		"as reconstructed so far, targets from A (by node position when B is\n"
		"A edited, else the matcher's pairs).  Pruned zeros stay zero (each\n"
		"output row is solved over its kept weights and the bias); weights\n"
		"behind DequantizeLinear are solved in float and rounded to their\n"
		"grid.  --damp X adds X * mean(diag X'X) as a ridge (0.01, as\n"
		"SparseGPT); --all re-solves unchanged layers too.  Without --data,\n"
		"the sample inputs set by 'inputs FILE.npz' are used.  Reports each\n"
		"layer's relative output MSE before and after.  Ctrl-C stops it with\n"
		"nothing changed.",
	.flags = GS_CMD_NEEDS_B | GS_CMD_MUTATES,
	.exec = recon_exec,
	.complete = recon_complete,
};
