/* slots: every model the workspace holds, and which two are shown. */
#include "graphsmith/history.h"
#include "cmd/internal.h"

static void slot_line(struct gs_workspace *ws, const char *name, const char *path,
		      struct gs_model *m, const char *note)
{
	struct gs_model_figures f;
	char nb[128], pb[256], sb[32];
	const char *mark = m == gs_ws_model(ws, 'a') ? "left" : m == gs_ws_model(ws, 'b') ?
			   "right" : "";

	gs_model_figures(m, &f);
	gs_printf(ws, "%-6s %-12s %7d %12lld %10s  %s%s", mark, gs_escape(name, nb, sizeof(nb)),
		  f.nodes, (long long)f.params, gs_format_bytes(gs_ws_saved_size(ws, m), sb,
								  sizeof(sb)),
		  gs_escape(path ? path : "", pb, sizeof(pb)), note);
}

static int slots_exec(struct gs_workspace *ws, int argc, char **argv, struct gs_error *err)
{
	int i;

	if (argc != 1)
		return gs_error_set(err, "usage: %s", gs_cmd_slots.usage);
	gs_oprintf(ws, GS_OUT_HEADING, "%-6s %-12s %7s %12s %10s  %s", "shown", "slot", "nodes",
		   "parameters", "size", "file");
	if (gs_workspace_a(ws))
		slot_line(ws, "A", ws->path_a, ws->a, ws->a_is_baseline ? "  (B's baseline)" : "");
	if (ws->b)
		slot_line(ws, "B", ws->path_b, ws->b, ws->unsaved ? "  (edited)" : "");
	for (i = 0; i < ws->n_slots; i++)
		slot_line(ws, ws->slots[i].name, ws->slots[i].path, ws->slots[i].model, "");
	return GS_CHANGED_NOTHING;
}

const struct gs_cmd_entry gs_cmd_slots = {
	.name = "slots",
	.alias = "models",
	.usage = "slots",
	.help = "Lists the models the workspace holds: A, B, the slots opened with\n"
		"'open NAME FILE' and files commands loaded by path, with the pane\n"
		"each is shown in, nodes, parameters, size as saved and file.",
	.flags = 0,
	.exec = slots_exec,
	.complete = NULL,
};
