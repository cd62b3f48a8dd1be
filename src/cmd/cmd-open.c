/* open [A|B|NAME] FILE: loads a model into a slot (B by default). */
#include "cmd/internal.h"

static int open_exec(struct gs_workspace *ws, int argc, char **argv, struct gs_error *err)
{
	bool force = gs_take_flag(&argc, argv, "--force");
	char side = 'b', eb[256], nb[128];
	const char *path, *name = NULL;

	if (argc == 3 && (side = gs_parse_side(argv[1])))
		path = argv[2];
	else if (argc == 3)
		name = argv[1], path = argv[2];
	else if (argc == 2)
		side = 'b', path = argv[1];
	else
		return gs_error_set(err, "usage: %s", gs_cmd_open.usage);
	if (name) {
		if (gs_workspace_open_slot(ws, name, path, err) < 0)
			return -1;
		gs_printf(ws, "%s: %s", gs_escape(name, nb, sizeof(nb)),
			  gs_escape(path, eb, sizeof(eb)));
		return GS_CHANGED_OPENED | GS_CHANGED_VIEW;
	}
	if (side == 'b' && ws->unsaved && !force)
		return gs_error_set(err, "B has unsaved edits (save them, or 'open!' to discard)");
	if (gs_workspace_open(ws, side, path, err) < 0)
		return -1;
	gs_printf(ws, "%c: %s%s", side == 'a' ? 'A' : 'B', gs_escape(path, eb, sizeof(eb)),
		  side == 'b' && ws->a_is_baseline ? " (A: its baseline)" : "");
	return GS_CHANGED_OPENED | GS_CHANGED_VIEW;
}

static enum gs_complete_kind open_complete(int argi, char **argv, const char *const **words)
{
	/* files are what people type; A, B and names are short */
	if (argi == 1 || (argi == 2 && (gs_parse_side(argv[1]) || gs_slot_name_ok(argv[1]))))
		return GS_COMPLETE_FILE;
	return GS_COMPLETE_NONE;
}

const struct gs_cmd_entry gs_cmd_open = {
	.name = "open",
	.alias = NULL,
	.usage = "open [A|B|NAME] FILE",
	.help = "Loads FILE (.onnx or .onnx.zst) as model A, the reference, or B,\n"
		"the model being worked on (the default).  B opened with no A of its\n"
		"own gets a second, untouched load as A: the baseline every step is\n"
		"compared with.  Refuses while B has unsaved edits unless 'open!'.\n"
		"open NAME FILE loads a further model into slot NAME (a letter, then\n"
		"letters, digits, '_' or '-'), replacing what NAME held: commands\n"
		"that take a model accept A, B, a slot name or a file, in that\n"
		"order (./C is the file C).  See 'slots', 'show' and 'close'.",
	.flags = 0,
	.exec = open_exec,
	.complete = open_complete,
};
