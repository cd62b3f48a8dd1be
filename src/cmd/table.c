/* The command table, generated from commands.def so that the table, `help`
 * and completion list the same commands.  The top of src/cmd: it names
 * every command, so what needs the whole table is here, and gs_cmd_run
 * hands it to the commands through their context (ws->commands). */
#include <stdlib.h>
#include <string.h>

#include "cmd/internal.h"

static const struct gs_cmd_entry *const table[] = {
#define GS_COMMAND(n) &gs_cmd_##n,
#include "cmd/commands.def"
#undef GS_COMMAND
};

const struct gs_cmd_entry *const *gs_cmd_table(int *count)
{
	*count = (int)(sizeof(table) / sizeof(*table));
	return table;
}

const struct gs_cmd_entry *gs_cmd_find(const char *name, struct gs_error *err)
{
	return gs_cmd_lookup(table, (int)(sizeof(table) / sizeof(*table)), name, err);
}

int gs_cmd_run(struct gs_workspace *ws, const char *line, struct gs_error *err)
{
	if (!ws->commands)
		ws->commands = gs_cmd_table(&ws->n_commands);
	return gs_cmd_dispatch(ws, line, err);
}

bool gs_cmd_script_undoes(const char *text)
{
	size_t len = strlen(text), at = 0;
	struct gs_cmd_words w;
	struct gs_error err;
	bool found = false;

	while (at < len && !found) {
		/* a line that does not lex is an error when it runs */
		if (gs_cmd_lex(text + at, len - at, GS_LEX_COMMAND | GS_LEX_PARTIAL, &w, &err))
			break;
		if (w.argc) {
			gs_cmd_take_bang(w.argv[0]);
			found = gs_cmd_find(w.argv[0], &err) == &gs_cmd_undo;
		}
		at += w.end + 1;
		gs_cmd_words_free(&w);
	}
	return found;
}
