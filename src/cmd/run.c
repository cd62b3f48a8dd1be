/* The dispatcher: one place checks preconditions, records history steps
 * and invalidates the match, so handlers do not. */
#include <stdlib.h>
#include <string.h>

#include "graphsmith/history.h"
#include "cmd/internal.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* End of the command starting at p: an unquoted ';' or a newline; a
 * comment runs to the end of its line.  Quotes follow gs_cmd_split. */
static const char *command_end(const char *p)
{
	bool word_start = true;
	char q = 0;

	for (; *p && *p != '\n'; p++) {
		if (q) {
			if (*p == q)
				q = 0;
			else if (q == '"' && *p == '\\' && p[1] && p[1] != '\n')
				p++;
			continue;
		}
		if (*p == '\\') {
			if (p[1] && p[1] != '\n')
				p++;
			word_start = false;
		} else if (*p == '\'' || *p == '"') {
			q = *p;
			word_start = false;
		} else if (*p == ';') {
			return p;
		} else if (*p == '#' && word_start) {
			while (*p && *p != '\n')
				p++;
			return p;
		} else {
			word_start = is_space(*p);
		}
	}
	return p;
}

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

/* Runs the command in text[0..len). */
static int run_one(struct gs_workspace *ws, const char *text, size_t len, struct gs_error *err)
{
	const struct gs_cmd_entry *e;
	char *line, **argv = NULL, **args = NULL;
	int argc, n = 0, i, rc = -1;
	size_t l;

	while (len && is_space(*text))
		text++, len--;
	while (len && is_space(text[len - 1]))
		len--;
	line = strndup(text, len);
	if (!line)
		abort();
	if (gs_cmd_split(line, &argc, &argv, err) < 0)
		goto out;
	if (!argc) {
		rc = 0;
		goto out;
	}
	/* "CMD!" is "CMD --force", as in vi */
	args = gs_xcalloc((size_t)argc + 2, sizeof(*args));
	args[n++] = argv[0];
	l = strlen(argv[0]);
	if (l > 1 && argv[0][l - 1] == '!') {
		argv[0][l - 1] = 0;
		args[n++] = (char *)"--force";
	}
	for (i = 1; i < argc; i++)
		args[n++] = argv[i];
	if (!(e = gs_cmd_find(argv[0], err)) || check_flags(ws, e, err) < 0)
		goto out;
	rc = exec_step(ws, e, line, n, args, err);
	if (rc >= 0 && (rc & GS_CHANGED_MODEL)) {
		gs_workspace_invalidate(ws);
		ws->unsaved = true;
	}
out:
	free(args);
	gs_cmd_free_argv(argc, argv);
	free(line);
	return rc;
}

bool gs_cmd_script_undoes(const char *text)
{
	const char *p = text, *end;
	bool found = false;
	struct gs_error err;
	char *cmd, **argv;
	int argc;
	size_t l;

	while (*p && !found) {
		end = command_end(p);
		cmd = strndup(p, (size_t)(end - p));
		if (!cmd)
			abort();
		if (!gs_cmd_split(cmd, &argc, &argv, &err) && argc) {
			l = strlen(argv[0]);
			if (l > 1 && argv[0][l - 1] == '!')
				argv[0][l - 1] = 0;
			found = gs_cmd_find(argv[0], &err) == &gs_cmd_undo;
		}
		gs_cmd_free_argv(argc, argv);
		free(cmd);
		/* a comment ends at its line, a command at ';' or '\n' */
		p = *end ? end + 1 : end;
	}
	return found;
}

int gs_cmd_run(struct gs_workspace *ws, const char *line, struct gs_error *err)
{
	const char *p = line, *end;
	int rc, changed = 0;

	while (*p) {
		end = command_end(p);
		if ((rc = run_one(ws, p, (size_t)(end - p), err)) < 0)
			return -1;
		changed |= rc;
		if (ws->quit || !*end)
			break;
		p = end + 1;
	}
	return changed;
}
