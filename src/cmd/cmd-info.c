/* info [A|B] [--json]: the model summary of `graphsmith info`. */
#include <stdlib.h>

#include "graphsmith/info.h"
#include "cmd/internal.h"

static int info_exec(struct gs_workspace *ws, int argc, char **argv, struct gs_error *err)
{
	bool json = gs_take_flag(&argc, argv, "--json");
	struct gs_model *m;
	char side = 'b', *text = NULL;
	size_t len = 0;
	FILE *f;

	if (argc > 2 || (argc == 2 && !(side = gs_parse_side(argv[1]))))
		return gs_error_set(err, "usage: %s", gs_cmd_info.usage);
	if (!(m = gs_ws_model(ws, side)))
		return gs_error_set(err, "no model open as %c", side == 'a' ? 'A' : 'B');
	if (json) {
		json_t *j = gs_info_json(m, NULL);

		text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
		json_decref(j);
		if (!text)
			return gs_error_set(err, "cannot format the summary as JSON");
		gs_printf(ws, "%s", text);
		free(text);
		return GS_CHANGED_NOTHING;
	}
	/* the summary writes to a FILE; the console wants lines */
	if (!(f = open_memstream(&text, &len)))
		return gs_error_set(err, "out of memory");
	gs_info_print(m, NULL, f);
	fclose(f);
	gs_printf(ws, "%s", text);
	free(text);
	return GS_CHANGED_NOTHING;
}

static enum gs_complete_kind info_complete(int argi, char **argv, const char *const **words)
{
	static const char *const w[] = { "A", "B", "--json", NULL };

	*words = w;
	return argi <= 2 ? GS_COMPLETE_WORDS : GS_COMPLETE_NONE;
}

const struct gs_cmd_entry gs_cmd_info = {
	.name = "info",
	.alias = NULL,
	.usage = "info [A|B] [--json]",
	.help = "Summarises a model (B by default): producer, opsets, inputs and\n"
		"outputs, nodes by op type, parameters by dtype, largest tensors.",
	.flags = GS_CMD_NEEDS_B,
	.exec = info_exec,
	.complete = info_complete,
};
