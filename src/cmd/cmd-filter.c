/* filter [on|off]: the graph panes show only mismatches, or everything. */
#include <string.h>

#include "cmd/internal.h"

static int filter_exec(struct gs_workspace *ws, int argc, char **argv, struct gs_error *err)
{
	bool on = !ws->filter;

	if (argc == 2 && !strcmp(argv[1], "on"))
		on = true;
	else if (argc == 2 && !strcmp(argv[1], "off"))
		on = false;
	else if (argc != 1)
		return gs_error_set(err, "usage: %s", gs_cmd_filter.usage);
	ws->filter = on;
	if (!ws->view_ops || !ws->view_ops->set_filter) {
		gs_printf(ws, "filter %s: it changes the workbench's panes only", on ? "on" : "off");
		return GS_CHANGED_NOTHING;
	}
	ws->view_ops->set_filter(ws->view, on);
	return GS_CHANGED_VIEW;
}

static enum gs_complete_kind filter_complete(int argi, char **argv, const char *const **words)
{
	static const char *const w[] = { "on", "off", NULL };

	*words = w;
	return argi == 1 ? GS_COMPLETE_WORDS : GS_COMPLETE_NONE;
}

const struct gs_cmd_entry gs_cmd_filter = {
	.name = "filter",
	.alias = NULL,
	.usage = "filter [on|off]",
	.help = "Shows only the nodes that differ between A and B (on), or all of\n"
		"them (off); with no argument, toggles.  A view setting: headless it\n"
		"only says so.",
	.flags = GS_CMD_VIEW,
	.exec = filter_exec,
	.complete = filter_complete,
};
