/*
 * The console: readline inside curses through its callback interface.
 * Curses owns the terminal; readline gets its bytes from us
 * (rl_getc_function), draws through us (rl_redisplay_function), and never
 * touches the tty or signals.  Above the input line, a scrollable output
 * area collects what commands write to ws->out.  Command lines, typed
 * here or bound to keys, run through tui_run.
 */
#include <curses.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <wchar.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "tui/tui.h"

#define CONSOLE_KEEP 5000	/* output lines kept */
#define PROMPT ": "

static struct tui *con_tui;

void tui_console_write(void *ctx, enum gs_out_kind kind, const char *line)
{
	struct tui *t = ctx;
	struct tui_console *c = &t->con;

	if (c->n == CONSOLE_KEEP) {
		free(c->lines[0].text);
		memmove(c->lines, c->lines + 1, sizeof(*c->lines) * (size_t)(c->n - 1));
		c->n--;
	}
	GS_GROW(c->lines, c->n + 1, c->alloc);
	c->lines[c->n].text = gs_xstrdup(line);
	c->lines[c->n++].kind = kind;
	c->scroll = 0;
}

void tui_run(struct tui *t, const char *line)
{
	struct gs_error err;
	int rc;

	tui_console_write(t, GS_OUT_HEADING, line);
	err.msg[0] = '\0';
	tui_busy(true);
	rc = gs_cmd_run(t->ws, line, &err);
	tui_busy(false);
	t->cmds++;	/* even a failing command may have dropped ws->compare */
	if (rc < 0) {
		tui_console_write(t, GS_OUT_ERROR, err.msg);
		/* `quit` refuses while B has unsaved edits: ask */
		if (t->ws->unsaved && (!strncmp(line, "quit", 4) || !strcmp(line, "q")))
			tui_console_focus(t, PROMPT_CONFIRM_QUIT);
		return;
	}
	/* a command that dropped the match (console `diff`, an edit) frees
	 * the entries the rows point into: never draw them again */
	if ((rc & (GS_CHANGED_MODEL | GS_CHANGED_OPENED)) || t->ws->match_gen != t->match_gen)
		t->relayout = true;
	if ((rc & GS_CHANGED_QUIT) || t->ws->quit)
		t->quit = true;
}

static int rl_getc_cb(FILE *f)
{
	struct tui_console *c = &con_tui->con;

	(void)f;
	if (c->q_head == c->q_tail)
		return EOF;
	return c->queue[c->q_head++ % sizeof(c->queue)];
}

static int rl_avail_cb(void)
{
	return con_tui->con.q_head != con_tui->con.q_tail;
}

static void rl_prep(int meta)
{
	(void)meta;
}

static void rl_deprep(void)
{
}

/* Readline's line in the input row, with the cursor at rl_point. */
static void rl_redisplay_cb(void)
{
	struct tui *t = con_tui;

	tui_console_draw(t);
	refresh();
}

static void rl_matches_cb(char **matches, int n, int max)
{
	char line[1024];
	size_t o = 0;
	int i;

	(void)max;
	for (i = 1; i <= n; i++) {
		if (o + strlen(matches[i]) + 3 > sizeof(line) - 1) {
			tui_console_write(con_tui, GS_OUT_TEXT, line);
			o = 0;
		}
		o += (size_t)snprintf(line + o, sizeof(line) - o, "%s  ", matches[i]);
	}
	if (o)
		tui_console_write(con_tui, GS_OUT_TEXT, line);
	rl_forced_update_display();
}

static char **completions;
static int completion_at;

static char *complete_gen(const char *text, int state)
{
	(void)text;
	if (!completions || !completions[completion_at])
		return NULL;
	return strdup(completions[completion_at++]);
}

static char **rl_complete_cb(const char *text, int start, int end)
{
	int n;

	(void)start;
	rl_attempted_completion_over = 1;
	if (completions) {
		for (n = 0; completions[n]; n++)
			;
		gs_cmd_free_argv(n, completions);
		completions = NULL;
	}
	gs_complete(con_tui->ws, rl_line_buffer, end, &completions);
	completion_at = 0;
	return rl_completion_matches(text, complete_gen);
}

static void add_to_history(struct tui *t, const char *line)
{
	add_history(line);
	if (!t->con.history_path)
		return;
	if (append_history(1, t->con.history_path) != 0)
		write_history(t->con.history_path);
	history_truncate_file(t->con.history_path, 1000);
}

static void line_cb(char *line)
{
	struct tui *t = con_tui;

	if (!line) {		/* C-d on an empty line */
		tui_console_leave(t);
		return;
	}
	if (t->prompt == PROMPT_SEARCH) {
		/* a view request: `find PATTERN` lists every hit in the
		 * console, the search only moves the cursor to the next one */
		tui_console_leave(t);
		if (line[0]) {
			char msg[300];
			int n = tui_search(t, line);

			if (n)
				snprintf(msg, sizeof(msg), "search '%.200s': %d row%s match (n/N step, Escape ends)",
					 line, n, n == 1 ? "" : "s");
			else
				snprintf(msg, sizeof(msg), "search '%.200s': no row matches", line);
			tui_console_write(t, GS_OUT_TEXT, msg);
			t->status = NULL;
		}
	} else if (t->prompt == PROMPT_CONFIRM_QUIT) {
		tui_console_leave(t);
		if (line[0] == 'y' || line[0] == 'Y')
			tui_run(t, "quit!");
	} else {
		if (line[0] && line[0] != ' ')
			add_to_history(t, line);
		tui_run(t, line);
	}
	free(line);
}

static char *history_file(void)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char dir[4096], *p;

	if (state && state[0] == '/')
		snprintf(dir, sizeof(dir), "%s/graphsmith", state);
	else if (home && home[0])
		snprintf(dir, sizeof(dir), "%s/.local/state/graphsmith", home);
	else
		return NULL;
	/* mkdir -p */
	for (p = dir + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(dir, 0700) < 0 && errno != EEXIST)
				return NULL;
			*p = '/';
		}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return NULL;
	p = gs_xmalloc(strlen(dir) + 16);
	sprintf(p, "%s/history", dir);
	return p;
}

void tui_console_init(struct tui *t)
{
	static FILE *null_out;

	con_tui = t;
	rl_readline_name = "graphsmith";
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_change_environment = 0;
	rl_prep_term_function = rl_prep;
	rl_deprep_term_function = rl_deprep;
	rl_getc_function = rl_getc_cb;
	rl_input_available_hook = rl_avail_cb;
	rl_redisplay_function = rl_redisplay_cb;
	rl_completion_display_matches_hook = rl_matches_cb;
	rl_attempted_completion_function = rl_complete_cb;
	if (!null_out)
		null_out = fopen("/dev/null", "w");
	rl_outstream = null_out;
	using_history();
	stifle_history(1000);
	t->con.history_path = history_file();
	if (t->con.history_path)
		read_history(t->con.history_path);
}

void tui_console_release(struct tui *t)
{
	int i;

	if (t->con.rl_active)
		rl_callback_handler_remove();
	t->con.rl_active = false;
	for (i = 0; i < t->con.n; i++)
		free(t->con.lines[i].text);
	free(t->con.lines);
	free(t->con.history_path);
	if (completions) {
		for (i = 0; completions[i]; i++)
			;
		gs_cmd_free_argv(i, completions);
		completions = NULL;
	}
	clear_history();
	memset(&t->con, 0, sizeof(t->con));
}

void tui_console_focus(struct tui *t, enum tui_prompt prompt)
{
	static const char *const prompts[] = { PROMPT, "/", "B has unsaved edits; quit anyway? (y/n) " };

	t->prompt = prompt;
	t->focus = FOCUS_CONSOLE;
	if (t->con.rl_active)
		rl_callback_handler_remove();
	rl_callback_handler_install(prompts[prompt], line_cb);
	t->con.rl_active = true;
	curs_set(1);
}

void tui_console_leave(struct tui *t)
{
	if (t->con.rl_active) {
		rl_replace_line("", 0);
		rl_callback_handler_remove();
	}
	t->con.rl_active = false;
	t->focus = t->pane;
	t->prompt = PROMPT_COMMAND;
	curs_set(0);
}

static void push(struct tui_console *c, const char *bytes, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		c->queue[c->q_tail++ % sizeof(c->queue)] = (unsigned char)bytes[i];
}

/* Curses keys become the bytes readline's default keymap expects. */
void tui_console_key(struct tui *t, int key, bool is_wide)
{
	struct tui_console *c = &t->con;
	char mb[MB_LEN_MAX + 1];
	const char *seq = NULL;

	if (!is_wide) {
		switch (key) {
		case KEY_LEFT: seq = "\033[D"; break;
		case KEY_RIGHT: seq = "\033[C"; break;
		case KEY_UP: seq = "\033[A"; break;
		case KEY_DOWN: seq = "\033[B"; break;
		case KEY_HOME: seq = "\001"; break;
		case KEY_END: seq = "\005"; break;
		case KEY_BACKSPACE: seq = "\177"; break;
		case KEY_DC: seq = "\033[3~"; break;
		case KEY_ENTER: seq = "\r"; break;
		case KEY_PPAGE:
			c->scroll += t->console_h;
			if (c->scroll > c->n - t->console_h)
				c->scroll = c->n - t->console_h > 0 ? c->n - t->console_h : 0;
			return;
		case KEY_NPAGE:
			c->scroll = c->scroll > t->console_h ? c->scroll - t->console_h : 0;
			return;
		default:
			return;
		}
		push(c, seq, strlen(seq));
	} else {
		mbstate_t st;
		size_t n;

		memset(&st, 0, sizeof(st));
		n = wcrtomb(mb, (wchar_t)key, &st);
		if (n == (size_t)-1)
			return;
		push(c, mb, n);
	}
	while (t->con.rl_active && c->q_head != c->q_tail)
		rl_callback_read_char();
}

void tui_console_draw(struct tui *t)
{
	struct tui_console *c = &t->con;
	int y, i, first = c->n - c->scroll - t->console_h, attr, x, cx;
	char hint[256];

	if (first < 0)
		first = 0;
	for (y = 0; y < t->console_h; y++) {
		move(t->console_y + y, 0);
		clrtoeol();
		i = first + y;
		if (i >= c->n - c->scroll || i >= c->n)
			continue;
		attr = c->lines[i].kind == GS_OUT_ERROR ? tui_attr(t, ROLE_ERROR) :
			c->lines[i].kind == GS_OUT_HEADING ? tui_attr(t, ROLE_HEADING) : (int)A_NORMAL;
		tui_put(t->console_y + y, 0, t->cols, c->lines[i].text, attr);
	}
	move(t->lines - 1, 0);
	clrtoeol();
	if (t->focus != FOCUS_CONSOLE || !t->con.rl_active) {
		/* every key of the hint stays whole: shorter words on a narrow screen */
		const char *full = t->search[0] ?
			": console  / search  n/N match  Esc end search  Enter detail  f filter  ? keys  q quit" :
			": console  / search  n/N mismatch  Enter detail  f filter  c compare  ? keys  q quit";
		const char *narrow = t->search[0] ?
			": cmd  / find  n/N match  Esc end  Enter detail  f filter  ? help  q quit" :
			": cmd  / find  n/N diff  Enter detail  f filter  c compare  ? help  q quit";

		snprintf(hint, sizeof(hint), "%s", t->status ? t->status :
			 (int)strlen(full) <= t->cols ? full : narrow);
		tui_put(t->lines - 1, 0, t->cols, hint, tui_attr(t, ROLE_DIM));
		return;
	}
	/* prompt, then the line; keep the cursor in view on a narrow screen */
	x = tui_put(t->lines - 1, 0, t->cols / 2, rl_display_prompt ? rl_display_prompt : "", A_BOLD);
	{
		int before = (int)strlen(rl_line_buffer), start = 0;
		char *pre = gs_xstrndup(rl_line_buffer, (size_t)rl_point);

		cx = tui_put(t->lines - 1, x, t->cols - x - 1, pre, A_NORMAL);
		(void)before;
		if (x + cx >= t->cols - 1) {
			/* scroll the line so the cursor is visible */
			start = rl_point - (t->cols - x - 2);
			move(t->lines - 1, x);
			clrtoeol();
			cx = tui_put(t->lines - 1, x, t->cols - x - 1, pre + (start > 0 ? start : 0), A_NORMAL);
		}
		tui_put(t->lines - 1, x + cx, t->cols - x - cx, rl_line_buffer + rl_point, A_NORMAL);
		free(pre);
		move(t->lines - 1, x + cx);
	}
}
