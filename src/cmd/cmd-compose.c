/* compose [--map OUT_A=IN_B]... [--plan] SLOT|FILE: a model put in front of B (combine.h). */
#include <stdlib.h>
#include <string.h>

#include "cmd/internal.h"
#include "graphsmith/combine.h"

static int compose_exec(struct gs_workspace *ws, int argc, char **argv, struct gs_error *err)
{
	struct gs_io_map *map = gs_xcalloc((size_t)argc + 1, sizeof(*map));
	struct gs_model *a = NULL;
	int i, n_map = 0, rc = -1;
	bool plan = false;

	for (i = 1; i < argc; i++) {
		char *eq;

		if (!strcmp(argv[i], "--plan")) {
			plan = true;
		} else if (!strcmp(argv[i], "--map") && i + 1 < argc) {
			if (!(eq = strchr(argv[++i], '=')) || eq == argv[i] || !eq[1]) {
				gs_error_set(err, "compose: --map wants OUT_A=IN_B");
				goto out;
			}
			*eq = 0;
			map[n_map].out_a = argv[i];
			map[n_map++].in_b = eq + 1;
		} else if (argv[i][0] == '-' || a) {
			gs_error_set(err, "usage: %s", gs_cmd_compose.usage);
			goto out;
		} else if (!(a = gs_workspace_model_arg(ws, argv[i], err))) {
			goto out;
		}
	}
	if (!a) {
		gs_error_set(err, "compose: which model goes in front of B? (a slot or a file)");
		goto out;
	}
	if (!gs_compose(plan ? NULL : ws->b, true, a, ws->b, map, n_map, gs_cmd_report_line, ws, err))
		rc = plan ? GS_CHANGED_NOTHING : GS_CHANGED_MODEL;
out:
	free(map);
	return rc;
}

static const char *const compose_words[] = { "--map", "--plan", NULL };

static enum gs_complete_kind compose_complete(int argi, char **argv, const char *const **words)
{
	if (argi > 1 && !strcmp(argv[argi - 1], "--map"))
		return GS_COMPLETE_NONE;
	*words = compose_words;
	return argv[argi] && argv[argi][0] == '-' ? GS_COMPLETE_WORDS : GS_COMPLETE_FILE;
}

const struct gs_cmd_entry gs_cmd_compose = {
	.name = "compose",
	.alias = NULL,
	.usage = "compose [--map OUT_A=IN_B]... [--plan] SLOT|FILE",
	.help = "Puts the model named (a slot or a file) in front of B: its inputs\n"
		"become B's, and each input of B reads the output --map names (several\n"
		"outputs mapped to one input are concatenated), else the output of its\n"
		"name, else the one at its position.  Adapters are chosen from dtypes and\n"
		"shapes, symbolic dims included: Cast, Squeeze/Unsqueeze, Transpose\n"
		"between NHWC and NCHW, Resize of the spatial size, Flatten/Reshape,\n"
		"Concat.  --plan prints them and changes nothing; where none fits the\n"
		"command refuses with the reason.  One undoable step.",
	.flags = GS_CMD_NEEDS_B | GS_CMD_MUTATES,
	.exec = compose_exec,
	.complete = compose_complete,
};
