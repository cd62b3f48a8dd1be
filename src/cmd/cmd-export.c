/* export weights FILE: B's parameters to FILE.safetensors or FILE.npz. */
#include <string.h>

#include "cmd/internal.h"
#include "graphsmith/transfer.h"

static int export_exec(struct gs_workspace *ws, int argc, char **argv, struct gs_error *err)
{
	char buf[1024];
	int n;

	if (argc != 3 || strcmp(argv[1], "weights"))
		return gs_error_set(err, "usage: %s", gs_cmd_export.usage);
	if ((n = gs_weights_export(ws->b, argv[2], err)) < 0)
		return -1;
	gs_printf(ws, "export weights: %d tensor%s to %s", n, n == 1 ? "" : "s",
		  gs_escape(argv[2], buf, sizeof(buf)));
	return GS_CHANGED_NOTHING;
}

static const char *const export_words[] = { "weights", NULL };

static enum gs_complete_kind export_complete(int argi, char **argv, const char *const **words)
{
	(void)argv;
	if (argi == 1) {
		*words = export_words;
		return GS_COMPLETE_WORDS;
	}
	return argi == 2 ? GS_COMPLETE_FILE : GS_COMPLETE_NONE;
}

const struct gs_cmd_entry gs_cmd_export = {
	.name = "export",
	.alias = NULL,
	.usage = "export weights FILE.safetensors|FILE.npz",
	.help = "Writes B's initializers, named as in the model, to a safetensors or\n"
		"numpy .npz file (replaced atomically), so the weights travel to\n"
		"PyTorch or numpy.  See also transplant, which reads them back.",
	.flags = GS_CMD_NEEDS_B,
	.exec = export_exec,
	.complete = export_complete,
};
