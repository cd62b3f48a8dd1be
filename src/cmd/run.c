/* The dispatcher: one place checks preconditions, records history steps
 * and invalidates the match, so handlers do not.  It runs the commands of
 * ws->commands, which gs_cmd_run (table.c) hands in: `redo` runs lines
 * through here without knowing the table. */
#include <stdlib.h>
#include <string.h>

#include "graphsmith/history.h"
#include "cmd/internal.h"

static int check_flags(struct gs_workspace *ws, const struct gs_cmd_entry *e, struct gs_error *err)
{
	if ((e->flags & (GS_CMD_NEEDS_B | GS_CMD_MUTATES)) && !ws->b)
		return gs_error_set(err, "no model open (use 'open FILE')");
	if ((e->flags & GS_CMD_NEEDS_TWO) && (!gs_ws_model(ws, 'a') || !gs_ws_model(ws, 'b')))
		return gs_error_set(err, "two models needed (use 'open A FILE' and 'open B FILE')");
	return 0;
}

static int exec_step(struct gs_workspace *ws, const struct gs_cmd_entry *e, const char *line,
		     int argc, char **argv, struct gs_error *err)
{
	bool record = (e->flags & GS_CMD_MUTATES) && ws->history;
	int rc, before = 0;

	(void)line;
	(void)record;
	(void)before;
#if GS_CMD_HAVE_HISTORY
	if (record) {
		before = gs_history_count(ws->history);
		gs_workspace_probe_before(ws);
		gs_history_begin(ws->history, line);
	}
#endif
	rc = e->exec(ws, argc, argv, err);
#if GS_CMD_HAVE_HISTORY
	if (record && rc < 0) {
		gs_history_abort(ws->history);
	} else if (record) {
		gs_history_commit(ws->history);
		if (gs_history_count(ws->history) == before)
			return rc & ~GS_CHANGED_MODEL;	/* nothing changed */
		gs_workspace_probe_after(ws);
		{
			char buf[1024];

			gs_history_format_step(ws->history, gs_history_count(ws->history),
					       buf, sizeof(buf));
			gs_printf(ws, "%s", buf);
		}
		rc |= GS_CHANGED_MODEL;
	}
#endif
	if (rc >= 0 && (e->flags & GS_CMD_MUTATES))
		rc |= GS_CHANGED_MODEL;
	/* edits go to B whatever `show` put on screen: say so */
	if (rc >= 0 && (rc & GS_CHANGED_MODEL) && gs_ws_model(ws, 'b') != ws->b &&
	    gs_ws_model(ws, 'a') != ws->b)
		gs_printf(ws, "note: the step changed B, which is not shown ('show A B' shows it)");
	return rc;
}

bool gs_cmd_take_bang(char *word)
{
	size_t l = strlen(word);

	if (l > 1 && word[l - 1] == '!') {
		word[l - 1] = 0;
		return true;
	}
	return false;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Runs the command w lexed from text[0..len) (the line history keeps). */
static int run_one(struct gs_workspace *ws, const char *text, size_t len,
		   struct gs_cmd_words *w, struct gs_error *err)
{
	const struct gs_cmd_entry *e;
	char *line, **args;
	int n = 0, i, rc = -1;

	if (!w->argc)
		return 0;
	while (len && is_space(*text))
		text++, len--;
	while (len && is_space(text[len - 1]))
		len--;
	line = gs_xstrndup(text, len);
	/* "CMD!" is "CMD --force", as in vi */
	args = gs_xcalloc((size_t)w->argc + 2, sizeof(*args));
	args[n++] = w->argv[0];
	if (gs_cmd_take_bang(w->argv[0]))
		args[n++] = (char *)"--force";
	for (i = 1; i < w->argc; i++)
		args[n++] = w->argv[i];
	if ((e = gs_cmd_lookup(ws->commands, ws->n_commands, w->argv[0], err)) && check_flags(ws, e, err) >= 0) {
		rc = exec_step(ws, e, line, n, args, err);
		if (rc >= 0 && (rc & GS_CHANGED_MODEL)) {
			gs_workspace_invalidate(ws);
			ws->unsaved = true;
		}
	}
	free(args);
	free(line);
	return rc;
}

int gs_cmd_dispatch(struct gs_workspace *ws, const char *line, struct gs_error *err)
{
	size_t len = strlen(line), at = 0;
	struct gs_cmd_words w;
	int rc, changed = 0;
	size_t end;

	while (at < len) {
		if (gs_cmd_lex(line + at, len - at, GS_LEX_COMMAND, &w, err) < 0)
			return -1;
		end = w.end;
		rc = run_one(ws, line + at, end, &w, err);
		gs_cmd_words_free(&w);
		if (rc < 0)
			return -1;
		changed |= rc;
		at += end + 1;	/* past the ';' or newline */
		if (ws->quit)
			break;
	}
	return changed;
}
