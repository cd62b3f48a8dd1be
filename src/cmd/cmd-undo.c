/* undo [N]: reverts the last step (or the last N) of B's history. */
#include <stdlib.h>
#include <string.h>

#include "cmd/internal.h"
#include "graphsmith/history.h"

static int undo_exec(struct gs_workspace *ws, int argc, char **argv, struct gs_error *err)
{
	struct gs_error why;
	char line[256], *end;
	long n = 1, i;
	int changed = GS_CHANGED_NOTHING;

	if (argc > 2)
		return gs_error_set(err, "usage: %s", gs_cmd_undo.usage);
	if (argc == 2) {
		n = strtol(argv[1], &end, 10);
		if (end == argv[1] || *end || n < 1)
			return gs_error_set(err, "undo: bad count '%s'", argv[1]);
	}
	if (!ws->history) {
		gs_printf(ws, "nothing to undo");
		return GS_CHANGED_NOTHING;
	}
	for (i = 0; i < n; i++) {
		int step = gs_history_count(ws->history);

		if (step)
			gs_escape(gs_history_line(ws->history, step), line, sizeof(line));
		if (gs_history_undo(ws->history, &why) < 0) {
			gs_printf(ws, "%s", why.msg);
			break;
		}
		gs_printf(ws, "undid step %d: %s", step, line);
		changed = GS_CHANGED_MODEL;
	}
	if (changed) {
		char buf[512];

		gs_history_format_step(ws->history, gs_history_count(ws->history), buf, sizeof(buf));
		gs_printf(ws, "now %s", buf);
	}
	return changed;
}

const struct gs_cmd_entry gs_cmd_undo = {
	.name = "undo",
	.alias = "u",
	.usage = "undo [N]",
	.help = "Reverts the last step of B (or the last N).  Undo is unlimited;\n"
		"undoing every step gives back the model as loaded, byte for byte.\n"
		"'redo' runs an undone step again.",
	.flags = GS_CMD_NEEDS_B,
	.exec = undo_exec,
	.complete = NULL,
};
