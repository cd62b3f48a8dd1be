/* compare [first] [--threshold DB]: A and B run on the sample inputs, and
 * every pair of corresponding tensors is compared; `first` selects the
 * first divergence. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/compare.h"
#include "cmd/internal.h"

/* The report, line by line into the workspace's output: the same bytes
 * `graphsmith compare` prints. */
static void print_report(struct gs_workspace *ws)
{
	char *buf = NULL, *line, *nl;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return;
	gs_compare_print(ws->compare, f);
	fclose(f);
	for (line = buf; line && *line; line = nl ? nl + 1 : NULL) {
		if ((nl = strchr(line, '\n')))
			*nl = 0;
		gs_printf(ws, "%s", line);
	}
	free(buf);
}

static int select_first(struct gs_workspace *ws, struct gs_error *err)
{
	const struct gs_compare *c = ws->compare;
	const struct gs_compare_pair *p;
	struct gs_node_ref ref;

	if (c->first_divergence < 0) {
		gs_printf(ws, "no divergence below %.0f dB", c->opts.threshold_db);
		return GS_CHANGED_VIEW;
	}
	p = &c->pairs[c->first_divergence];
	if (gs_ws_find_node(ws, 'b', p->tensor_b, &ref, err))
		return -1;
	ws->sel_side = 'b';
	ws->sel_graph = ref.g;
	ws->sel_node = ref.node;
	if (ws->view_ops && ws->view_ops->select)
		ws->view_ops->select(ws->view, 'b', ref.g, ref.node);
	gs_printf(ws, "first divergence: %s", p->node_b[0] ? p->node_b : p->tensor_b);
	return GS_CHANGED_VIEW;
}

static int compare_exec(struct gs_workspace *ws, int argc, char **argv, struct gs_error *err)
{
	double threshold = 30;
	bool first = false;
	char *end;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "first")) {
			first = true;
		} else if (!strcmp(argv[i], "--threshold") && i + 1 < argc) {
			threshold = strtod(argv[++i], &end);
			if (*end)
				return gs_error_set(err, "--threshold: '%s' is not a number", argv[i]);
		} else {
			return gs_error_set(err, "usage: %s", gs_cmd_compare.usage);
		}
	}
	if (!ws->compare || ws->compare->opts.threshold_db != threshold) {
		if (gs_workspace_compare(ws, threshold, err))
			return -1;
		if (!first)
			print_report(ws);
	} else if (!first) {
		print_report(ws);
	}
	return first ? select_first(ws, err) : GS_CHANGED_VIEW;
}

static const char *const compare_words[] = { "first", "--threshold", NULL };

static enum gs_complete_kind compare_complete(int argi, char **argv, const char *const **words)
{
	*words = compare_words;
	return GS_COMPLETE_WORDS;
}

const struct gs_cmd_entry gs_cmd_compare = {
	.name = "compare",
	.alias = NULL,
	.usage = "compare [first] [--threshold DB]",
	.help = "Runs A and B on the sample inputs (see 'inputs') and compares every\n"
		"pair of corresponding tensors, paired through the match: outputs of\n"
		"matched nodes, the tensors leaving fused groups, the model outputs.\n"
		"Prints max abs, mean abs, relative L2, cosine and SQNR per pair and\n"
		"names the first divergence: the earliest pair below DB (default 30).\n"
		"The panes show each row's SQNR until A or B changes.  'first'\n"
		"selects the first divergence.",
	.flags = GS_CMD_NEEDS_TWO,
	.exec = compare_exec,
	.complete = compare_complete,
};
