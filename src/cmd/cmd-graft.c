/* graft --from T1[,T2] --to T3[,T4] SLOT|FILE: a sub-graph of B replaced (combine.h). */
#include <stdlib.h>
#include <string.h>

#include "cmd/internal.h"
#include "graphsmith/combine.h"

static int graft_exec(struct gs_workspace *ws, int argc, char **argv, struct gs_error *err)
{
	const char *from[16], *to[16];
	struct gs_model *part = NULL;
	int i, n_from = 0, n_to = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--from") && i + 1 < argc)
			n_from = gs_combine_split_names(argv[++i], from, 16);
		else if (!strcmp(argv[i], "--to") && i + 1 < argc)
			n_to = gs_combine_split_names(argv[++i], to, 16);
		else if (argv[i][0] == '-' || part)
			return gs_error_set(err, "usage: %s", gs_cmd_graft.usage);
		else if (!(part = gs_workspace_model_arg(ws, argv[i], err)))
			return -1;
	}
	if (!part || n_from <= 0 || n_to <= 0)
		return gs_error_set(err, "usage: %s", gs_cmd_graft.usage);
	if (gs_graft(ws->b, part, from, n_from, to, n_to, gs_cmd_report_line, ws, err))
		return -1;
	return GS_CHANGED_MODEL;
}

static const char *const graft_words[] = { "--from", "--to", NULL };

static enum gs_complete_kind graft_complete(int argi, char **argv, const char *const **words)
{
	if (argi > 1 && (!strcmp(argv[argi - 1], "--from") || !strcmp(argv[argi - 1], "--to")))
		return GS_COMPLETE_NONE;
	*words = graft_words;
	return argv[argi] && argv[argi][0] == '-' ? GS_COMPLETE_WORDS : GS_COMPLETE_FILE;
}

const struct gs_cmd_entry gs_cmd_graft = {
	.name = "graft",
	.alias = NULL,
	.usage = "graft --from T1[,T2...] --to T3[,T4...] SLOT|FILE",
	.help = "Replaces the part of B between tensors T1,... and T3,... with the model\n"
		"named (a slot or a file), e.g. a new head on a backbone: its inputs read\n"
		"T1,... in order, its outputs become T3,... (names kept, so whatever read\n"
		"them reads the new part), adapters where the types differ; the nodes\n"
		"and initializers that then feed nothing are removed.  Refused with the\n"
		"reason when the counts or types do not fit or T1 lies after T3.  One\n"
		"undoable step.",
	.flags = GS_CMD_NEEDS_B | GS_CMD_MUTATES,
	.exec = graft_exec,
	.complete = graft_complete,
};
