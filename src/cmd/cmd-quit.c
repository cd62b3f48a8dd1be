/* quit [--force]: leaves the workbench, unless B has unsaved edits. */
#include "cmd/internal.h"

static int quit_exec(struct gs_workspace *ws, int argc, char **argv, struct gs_error *err)
{
	bool force = gs_take_flag(&argc, argv, "--force");

	if (argc > 1)
		return gs_error_set(err, "usage: %s", gs_cmd_quit.usage);
	if (ws->unsaved && !force)
		return gs_error_set(err, "B has unsaved edits (save them, or 'quit!' to discard)");
	ws->quit = true;
	return GS_CHANGED_QUIT;
}

const struct gs_cmd_entry gs_cmd_quit = {
	.name = "quit",
	.alias = "q",
	.usage = "quit [--force]",
	.help = "Leaves the workbench.  Refuses while B has edits that were not\n"
		"saved; 'quit!' (or quit --force) discards them.",
	.flags = 0,
	.exec = quit_exec,
	.complete = NULL,
};
