/* help [CMD]: the command list, or one command's usage and paragraph. */
#include <string.h>

#include "cmd/internal.h"

static int help_exec(struct gs_workspace *ws, int argc, char **argv, struct gs_error *err)
{
	const struct gs_cmd_entry *const *t, *e;
	int i, n;

	if (argc > 2)
		return gs_error_set(err, "usage: %s", gs_cmd_help.usage);
	if (argc == 2) {
		if (!(e = gs_cmd_lookup(ws->commands, ws->n_commands, argv[1], err)))
			return -1;
		gs_oprintf(ws, GS_OUT_HEADING, "usage: %s", e->usage);
		if (e->alias)
			gs_printf(ws, "alias: %s", e->alias);
		gs_printf(ws, "%s", e->help);
		if (e->pass)
			gs_pass_cmd_help(ws, e->pass);
		return GS_CHANGED_NOTHING;
	}
	t = ws->commands;	/* the table, from the context */
	n = ws->n_commands;
	gs_oprintf(ws, GS_OUT_HEADING, "commands (help CMD for more; CMD! is CMD --force):");
	for (i = 0; i < n; i++)
		gs_printf(ws, "  %s", t[i]->usage);
	return GS_CHANGED_NOTHING;
}

static enum gs_complete_kind help_complete(int argi, char **argv, const char *const **words)
{
	return argi == 1 ? GS_COMPLETE_COMMAND : GS_COMPLETE_NONE;
}

const struct gs_cmd_entry gs_cmd_help = {
	.name = "help",
	.alias = "?",
	.usage = "help [CMD]",
	.help = "Lists the commands, or shows how to use one.  A command may be\n"
		"shortened to any unique prefix; several run in a row when\n"
		"separated by ';'.",
	.flags = 0,
	.exec = help_exec,
	.complete = help_complete,
};
