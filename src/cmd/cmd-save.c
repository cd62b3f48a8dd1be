/* save [FILE] [--external-data]: writes B (.onnx, or .onnx.zst compressed). */
#include <stdlib.h>

#include "cmd/internal.h"

static int save_exec(struct gs_workspace *ws, int argc, char **argv, struct gs_error *err)
{
	struct gs_save_opts opts = { GS_EXTERNAL_AUTO, 0, 0 };
	const char *path;
	char eb[256];

	if (gs_take_flag(&argc, argv, "--external-data"))
		opts.external = GS_EXTERNAL_ALWAYS;
	if (argc > 2)
		return gs_error_set(err, "usage: %s", gs_cmd_save.usage);
	path = argc == 2 ? argv[1] : ws->path_b;
	gs_workspace_keep_a(ws, path);
	if (gs_onnx_save(ws->b, path, &opts, err) < 0)
		return -1;
	if (path != ws->path_b) {
		/* like an editor's "save as": B now lives there */
		free(ws->path_b);
		ws->path_b = gs_xstrdup(path);
	}
	ws->unsaved = false;
	gs_printf(ws, "saved B to %s", gs_escape(path, eb, sizeof(eb)));
	return GS_CHANGED_VIEW;
}

static enum gs_complete_kind save_complete(int argi, char **argv, const char *const **words)
{
	return argi == 1 ? GS_COMPLETE_FILE : GS_COMPLETE_NONE;
}

const struct gs_cmd_entry gs_cmd_save = {
	.name = "save",
	.alias = NULL,
	.usage = "save [FILE] [--external-data]",
	.help = "Writes B to FILE, or back to the file it came from.  A name ending\n"
		"in .onnx.zst is compressed with zstd.  --external-data puts the\n"
		"weights in FILE.data.  The write is atomic: a failure leaves the old\n"
		"file as it was.",
	.flags = GS_CMD_NEEDS_B,
	.exec = save_exec,
	.complete = save_complete,
};
