/* info [A|B|SLOT|FILE] [--json]: the model summary of `graphsmith info`. */
#include <stdlib.h>

#include "graphsmith/info.h"
#include "cmd/internal.h"

static int info_exec(struct gs_workspace *ws, int argc, char **argv, struct gs_error *err)
{
	bool json = gs_take_flag(&argc, argv, "--json");
	struct gs_info_opts opts = { 0 };
	struct gs_model *m;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	if (argc > 2)
		return gs_error_set(err, "usage: %s", gs_cmd_info.usage);
	if (argc == 1 && !ws->b)
		return gs_error_set(err, "no model open as B");
	if (!(m = argc == 2 ? gs_workspace_model_arg(ws, argv[1], err) : ws->b))
		return -1;
	/* after steps the file no longer says how big B is */
	if (gs_ws_saved_size(ws, m) != m->file_size)
		opts.saved_size = gs_ws_saved_size(ws, m);
	if (json) {
		json_t *j = gs_info_json(m, &opts);

		text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
		json_decref(j);
		if (!text)
			return gs_error_set(err, "cannot format the summary as JSON");
		gs_printf(ws, "%s", text);
		free(text);
		return GS_CHANGED_NOTHING;
	}
	/* the summary writes to a FILE; the console wants lines */
	if (!(f = open_memstream(&text, &len)))
		return gs_error_set(err, "out of memory");
	gs_info_print(m, &opts, f);
	fclose(f);
	gs_printf(ws, "%s", text);
	free(text);
	return GS_CHANGED_NOTHING;
}

static enum gs_complete_kind info_complete(int argi, char **argv, const char *const **words)
{
	return argi <= 2 ? GS_COMPLETE_SLOT : GS_COMPLETE_NONE;
}

const struct gs_cmd_entry gs_cmd_info = {
	.name = "info",
	.alias = NULL,
	.usage = "info [A|B|SLOT|FILE] [--json]",
	.help = "Summarises a model (B by default): producer, opsets, inputs and\n"
		"outputs, nodes by op type, parameters by dtype, largest tensors.\n"
		"Once B has steps, its size is the size it would be saved at.",
	.flags = GS_CMD_NEEDS_B,
	.exec = info_exec,
	.complete = info_complete,
};
