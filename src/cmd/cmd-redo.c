/* redo: runs the last undone step's command line again. */
#include <stdlib.h>

#include "cmd/internal.h"
#include "graphsmith/history.h"

static int redo_exec(struct gs_workspace *ws, int argc, char **argv, struct gs_error *err)
{
	const char *line = ws->history ? gs_history_redo_line(ws->history) : NULL;
	char *copy;
	int rc;

	if (argc > 1)
		return gs_error_set(err, "usage: %s", gs_cmd_redo.usage);
	if (!line) {
		gs_printf(ws, "nothing to redo");
		return GS_CHANGED_NOTHING;
	}
	/* the run commits a step, which moves the redo list aside */
	copy = gs_xstrdup(line);
	rc = gs_cmd_dispatch(ws, copy, err);
	free(copy);
	if (rc < 0)
		return -1;
	gs_history_redone(ws->history);
	return rc | GS_CHANGED_MODEL;
}

const struct gs_cmd_entry gs_cmd_redo = {
	.name = "redo",
	.alias = NULL,
	.usage = "redo",
	.help = "Runs the last undone step again (the passes are deterministic, so\n"
		"it does what it did).  Any new step clears what is left to redo.",
	.flags = GS_CMD_NEEDS_B,
	.exec = redo_exec,
	.complete = NULL,
};
