/* show X [Y]: which two slots the panes show, `diff` matches and
 * `compare` runs. */
#include "cmd/internal.h"

static int show_exec(struct gs_workspace *ws, int argc, char **argv, struct gs_error *err)
{
	const char *name[2], *path[2];
	char nb[2][128], pb[2][256];
	int i;

	if (argc < 2 || argc > 3)
		return gs_error_set(err, "usage: %s", gs_cmd_show.usage);
	if (gs_workspace_show(ws, argv[1], argc == 3 ? argv[2] : NULL, err) < 0)
		return -1;
	for (i = 0; i < 2; i++) {
		gs_workspace_shown(ws, i, &name[i], &path[i]);
		gs_escape(name[i], nb[i], sizeof(nb[i]));
		gs_escape(path[i] ? path[i] : "", pb[i], sizeof(pb[i]));
	}
	gs_printf(ws, "showing %s (%s) | %s (%s)%s", nb[0], pb[0], nb[1], pb[1],
		  gs_ws_model(ws, 'a') == ws->b || gs_ws_model(ws, 'b') == ws->b ?
		  "" : "; edits still go to B");
	return GS_CHANGED_OPENED | GS_CHANGED_VIEW;
}

static enum gs_complete_kind show_complete(int argi, char **argv, const char *const **words)
{
	return argi <= 2 ? GS_COMPLETE_SLOT : GS_COMPLETE_NONE;
}

const struct gs_cmd_entry gs_cmd_show = {
	.name = "show",
	.alias = NULL,
	.usage = "show X [Y]",
	.help = "Shows slot X in the left pane (the reference) and Y (default B) in\n"
		"the right one; X and Y are A, B, a slot name or a file (then kept as\n"
		"a slot).  The header, 'diff', 'compare', 'find', 'select' and\n"
		"'trace' then work on that pair.  Edits, undo and the history always\n"
		"act on B, shown or not; 'show A' goes back to A and B.",
	.flags = 0,
	.exec = show_exec,
	.complete = show_complete,
};
