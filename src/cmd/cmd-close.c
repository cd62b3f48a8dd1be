/* close NAME: frees a slot opened with `open NAME FILE` (never A or B). */
#include "cmd/internal.h"

static int close_exec(struct gs_workspace *ws, int argc, char **argv, struct gs_error *err)
{
	char nb[128];

	if (argc != 2)
		return gs_error_set(err, "usage: %s", gs_cmd_close.usage);
	if (gs_workspace_close_slot(ws, argv[1], err) < 0)
		return -1;
	gs_printf(ws, "closed %s", gs_escape(argv[1], nb, sizeof(nb)));
	return GS_CHANGED_OPENED | GS_CHANGED_VIEW;
}

static enum gs_complete_kind close_complete(int argi, char **argv, const char *const **words)
{
	return argi == 1 ? GS_COMPLETE_SLOT : GS_COMPLETE_NONE;
}

const struct gs_cmd_entry gs_cmd_close = {
	.name = "close",
	.alias = NULL,
	.usage = "close NAME",
	.help = "Frees the model in slot NAME (see 'slots').  A shown slot gives its\n"
		"pane back to A or B.  A and B stay: open another model into them.",
	.flags = 0,
	.exec = close_exec,
	.complete = close_complete,
};
