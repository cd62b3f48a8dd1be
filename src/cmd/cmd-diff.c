/* diff [--json]: recomputes the match of A and B and reports it. */
#include <stdlib.h>

#include "cmd/internal.h"

static int diff_exec(struct gs_workspace *ws, int argc, char **argv, struct gs_error *err)
{
	bool json = gs_take_flag(&argc, argv, "--json");
	const struct gs_match *m;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	if (argc != 1)
		return gs_error_set(err, "usage: %s", gs_cmd_diff.usage);
	gs_workspace_invalidate(ws);
	if (!(m = gs_workspace_match(ws, err)))
		return -1;
	/* the report writes to a FILE; the console wants lines.  JSON goes
	 * through the same writer as `graphsmith diff --json`: same bytes */
	if (!(f = open_memstream(&text, &len)))
		return gs_error_set(err, "out of memory");
	if (json && gs_match_write_json(m, f)) {
		fclose(f);
		free(text);
		return gs_error_set(err, "cannot format the match as JSON");
	}
	if (!json)
		gs_match_print(m, f);
	fclose(f);
	gs_printf(ws, "%s", text);
	free(text);
	return GS_CHANGED_VIEW;
}

static enum gs_complete_kind diff_complete(int argi, char **argv, const char *const **words)
{
	static const char *const w[] = { "--json", NULL };

	*words = w;
	return argi == 1 ? GS_COMPLETE_WORDS : GS_COMPLETE_NONE;
}

const struct gs_cmd_entry gs_cmd_diff = {
	.name = "diff",
	.alias = NULL,
	.usage = "diff [--json]",
	.help = "Matches A and B again and reports how they correspond: a summary,\n"
		"then the mismatches by severity (--json: the report of\n"
		"`graphsmith diff --json`).",
	.flags = GS_CMD_NEEDS_TWO,
	.exec = diff_exec,
	.complete = diff_complete,
};
