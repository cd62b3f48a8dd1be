/*
 * Key bindings, as text: `bind KEY ACTION`, where ACTION is a view request
 * (a bare word: moving the cursor is the view's business) or a quoted
 * command line that runs through gs_cmd_run exactly as if typed in the
 * console.  `?` shows a legend of the row glyphs and these keys.
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "tui/tui.h"

static const char default_bindings[] =
	"bind j down\n"
	"bind Down down\n"
	"bind k up\n"
	"bind Up up\n"
	"bind PgDn page-down\n"
	"bind Space page-down\n"
	"bind PgUp page-up\n"
	"bind g top\n"
	"bind Home top\n"
	"bind G bottom\n"
	"bind End bottom\n"
	"bind Tab other-pane\n"
	"bind Left pane-a\n"
	"bind h pane-a\n"
	"bind Right pane-b\n"
	"bind l pane-b\n"
	"bind n next-mismatch\n"
	"bind N prev-mismatch\n"
	"bind Enter enter\n"
	"bind Escape back\n"
	"bind / search\n"
	"bind : console\n"
	"bind ? keys\n"
	"bind f \"filter\"\n"
	"bind e \"explain\"\n"
	"bind t \"trace\"\n"
	"bind c \"compare\"\n"
	"bind d \"compare first\"\n"
	"bind s next-slot\n"
	"bind q \"quit\"\n";

enum request {
	REQ_DOWN, REQ_UP, REQ_PAGE_DOWN, REQ_PAGE_UP, REQ_TOP, REQ_BOTTOM,
	REQ_OTHER_PANE, REQ_PANE_A, REQ_PANE_B, REQ_NEXT_MISMATCH, REQ_PREV_MISMATCH,
	REQ_ENTER, REQ_BACK, REQ_SEARCH, REQ_CONSOLE, REQ_KEYS, REQ_NEXT_SLOT, REQ_COMMAND,
};

static const char *const request_names[] = {
	"down", "up", "page-down", "page-up", "top", "bottom",
	"other-pane", "pane-a", "pane-b", "next-mismatch", "prev-mismatch",
	"enter", "back", "search", "console", "keys", "next-slot", NULL,
};

static const struct {
	const char *name;
	int key;
} key_names[] = {
	{ "Up", KEY_UP }, { "Down", KEY_DOWN }, { "Left", KEY_LEFT }, { "Right", KEY_RIGHT },
	{ "PgUp", KEY_PPAGE }, { "PgDn", KEY_NPAGE }, { "Home", KEY_HOME }, { "End", KEY_END },
	{ "Enter", '\r' }, { "Tab", '\t' }, { "BTab", KEY_BTAB }, { "Escape", 27 },
	{ "Space", ' ' },
};

struct binding {
	int key;
	enum request req;
	char *command;			/* REQ_COMMAND */
	char *text;			/* as written, for `?` */
};

static struct binding *bindings;
static int n_bindings, bindings_alloc;

static int key_from_name(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(key_names) / sizeof(*key_names); i++)
		if (!strcmp(s, key_names[i].name))
			return key_names[i].key;
	if (s[0] && !s[1])
		return (unsigned char)s[0];
	return -1;
}

static int bind_line(const char *line, struct gs_error *err)
{
	struct gs_cmd_words w;
	struct binding b;
	int i, rc = -1;

	if (gs_cmd_lex(line, strlen(line), 0, &w, err) < 0)
		return -1;
	if (w.argc == 0) {
		rc = 0;
		goto out;
	}
	if (w.argc != 3 || strcmp(w.argv[0], "bind")) {
		gs_error_set(err, "bad binding '%s' (bind KEY ACTION)", line);
		goto out;
	}
	memset(&b, 0, sizeof(b));
	if ((b.key = key_from_name(w.argv[1])) < 0) {
		gs_error_set(err, "unknown key '%s'", w.argv[1]);
		goto out;
	}
	/* a quoted action is a command line, a bare word a request */
	b.req = REQ_COMMAND;
	for (i = 0; !w.quoted[2] && request_names[i]; i++)
		if (!strcmp(w.argv[2], request_names[i]))
			b.req = (enum request)i;
	if (b.req == REQ_COMMAND && !w.quoted[2]) {
		gs_error_set(err, "unknown request '%s' (quote command lines)", w.argv[2]);
		goto out;
	}
	if (b.req == REQ_COMMAND)
		b.command = gs_xstrdup(w.argv[2]);
	b.text = gs_xstrdup(line);
	GS_GROW(bindings, n_bindings + 1, bindings_alloc);
	bindings[n_bindings++] = b;
	rc = 0;
out:
	gs_cmd_words_free(&w);
	return rc;
}

int tui_keys_load(struct gs_error *err)
{
	const char *p = default_bindings, *nl;
	char line[256];

	while (*p) {
		nl = strchr(p, '\n');
		snprintf(line, sizeof(line), "%.*s", (int)(nl - p), p);
		if (bind_line(line, err) < 0)
			return -1;
		p = nl + 1;
	}
	return 0;
}

void tui_keys_free(void)
{
	int i;

	for (i = 0; i < n_bindings; i++) {
		free(bindings[i].command);
		free(bindings[i].text);
	}
	free(bindings);
	bindings = NULL;
	n_bindings = bindings_alloc = 0;
}

/* `?`: what the glyphs of a row mean, then the keys by task. */
void tui_keys_help(struct tui *t)
{
	static const char *const glyphs[] = {
		"  =  matched: the same node in A and B, nothing differs",
		"  P  matched, but its parameters differ (pruned, quantized, retrained)",
		"  ~  changed: the same place, but op, attributes, shapes or dtypes differ",
		"  +  added: only in B          -  removed: only in A",
		"  F  fused or folded: several nodes on one side are one on the other",
		"     (Conv+BatchNormalization, a constant subgraph vs an initializer)",
		"  Op +N       one row for a group of N+1 nodes; a named group says what it is",
		"              (\"LayerNormalization chain\"); Enter shows the row's node",
		"  [1,16,8,8]  the output shape; ?  not known (static inputs or `run` fill it)",
		"  w[16,3] float32  the parameters the node reads (initializers, Constants)",
		"  N Const folded  Constant nodes that differ in nothing sit in their",
		"              consumer's row; Enter shows their values",
		NULL,
	};
	static const char *const keys[] = {
		"  j k, Up Down   move       Space PgDn, PgUp  page     g G  top, bottom",
		"  Tab, h l       switch pane (A left, B right)",
		"  n N            next / previous difference (any marker but =)",
		"  /              search node, op, tensor and parameter names; then n N step",
		"                 over the matches and the status line counts them",
		"  Escape         ends the search, the detail view or the trace",
		"  Enter          detail of the row (attributes, inputs, parameter histograms)",
		"  f              only differences      e  explain the op     t  trace data flow",
		"  c              compare activations (the column between the panes: SQNR of",
		"                 B against A, ! where they first diverge)   d  compare first",
		"  s              show the next model slot in the right pane",
		"  :              console (`help` lists commands, Tab completes)     q  quit",
		"  mouse: click selects, wheel scrolls",
		NULL,
	};
	char buf[200];
	int i;

	tui_overlay_clear(t);
	tui_overlay_add(t, GS_OUT_HEADING, "What a row shows (j/k scroll, any other key closes)");
	for (i = 0; glyphs[i]; i++)
		tui_overlay_add(t, GS_OUT_TEXT, glyphs[i]);
	snprintf(buf, sizeof(buf), "  %s  rails: the data flow, %s a row's node, lines to the rows it feeds",
		 t->utf8 ? "\u25cf\u2500\u2518\u2502" : "o-'|", t->utf8 ? "\u25cf" : "o");
	tui_overlay_add(t, GS_OUT_TEXT, buf);
	tui_overlay_add(t, GS_OUT_TEXT, "  ^ v *  trace marks: feeds the selected row, fed by it, both");
	snprintf(buf, sizeof(buf), "  %s  a node holding subgraphs (If, Loop): Enter opens it",
		 t->utf8 ? "\u25b8" : ">");
	tui_overlay_add(t, GS_OUT_TEXT, buf);
	tui_overlay_add(t, GS_OUT_HEADING, "Keys");
	for (i = 0; keys[i]; i++)
		tui_overlay_add(t, GS_OUT_TEXT, keys[i]);
	t->show_overlay = true;
}

/* Name i of the workspace's models in `slots` order: A, B, then the rest. */
static const char *slot_name(struct gs_workspace *ws, int i, struct gs_model **m)
{
	if (i < 2) {
		*m = i ? ws->b : gs_workspace_a(ws);
		return i ? "B" : "A";
	}
	*m = ws->slots[i - 2].model;
	return ws->slots[i - 2].name;
}

/* The right pane shows the next model after the one it shows (never the
 * left one), through `show` so the console says what happened. */
static void next_slot(struct tui *t)
{
	struct gs_workspace *ws = t->ws;
	struct gs_model *left = gs_workspace_shown(ws, 0, NULL, NULL);
	struct gs_model *right = gs_workspace_shown(ws, 1, NULL, NULL), *m;
	const char *lname, *name;
	int n = ws->n_slots + 2, cur = 0, i, k;
	char *line;

	gs_workspace_shown(ws, 0, &lname, NULL);
	for (i = 0; i < n; i++)
		if (slot_name(ws, i, &m) && m == right)
			cur = i;
	for (k = 1; k < n; k++) {
		name = slot_name(ws, (cur + k) % n, &m);
		/* names from paths may need quotes; one with a quote is skipped */
		if (!m || m == left || strchr(name, '\'') || strchr(lname, '\''))
			continue;
		if (asprintf(&line, "show '%s' '%s'", lname, name) < 0)
			abort();
		tui_run(t, line);
		free(line);
		return;
	}
	tui_console_write(t, GS_OUT_ERROR, "no other model to show (open NAME FILE adds one)");
}

static void request(struct tui *t, enum request req)
{
	int page = t->pane_h > 1 ? t->pane_h - 1 : 1;

	if (t->detail && (req == REQ_DOWN || req == REQ_UP || req == REQ_PAGE_DOWN || req == REQ_PAGE_UP)) {
		int d = req == REQ_DOWN ? 1 : req == REQ_UP ? -1 : req == REQ_PAGE_DOWN ? page : -page;

		t->detail_top += d;
		if (t->detail_top < 0)
			t->detail_top = 0;
		return;
	}
	switch (req) {
	case REQ_DOWN: tui_move(t, 1); break;
	case REQ_UP: tui_move(t, -1); break;
	case REQ_PAGE_DOWN: t->top += page; tui_move(t, page); break;
	case REQ_PAGE_UP: t->top -= page; tui_move(t, -page); break;
	case REQ_TOP: tui_move_to(t, 0); break;
	case REQ_BOTTOM: tui_move_to(t, t->n_vis - 1); break;
	case REQ_OTHER_PANE:
		t->pane = t->focus = t->pane == FOCUS_A ? FOCUS_B : FOCUS_A;
		tui_sync_selection(t);
		break;
	case REQ_PANE_A: t->pane = t->focus = FOCUS_A; tui_sync_selection(t); break;
	case REQ_PANE_B: t->pane = t->focus = FOCUS_B; tui_sync_selection(t); break;
	/* n/N follow a search while one is active, else the mismatches */
	case REQ_NEXT_MISMATCH:
		if (t->search[0])
			tui_search_next(t, 1);
		else
			tui_next_mismatch(t, 1);
		break;
	case REQ_PREV_MISMATCH:
		if (t->search[0])
			tui_search_next(t, -1);
		else
			tui_next_mismatch(t, -1);
		break;
	case REQ_ENTER: {
		const struct gs_row *r = tui_sel_row(t);

		if (!t->detail && r && r->expandable)
			tui_toggle_expand(t);
		else
			t->detail = !t->detail;
		break;
	}
	case REQ_BACK:
		if (t->detail)
			t->detail = false;
		else if (t->search[0])
			t->search[0] = '\0';
		else if (t->tracing)
			t->tracing = false, memset(t->trace, 0, (size_t)t->n_vis);
		break;
	case REQ_SEARCH: tui_console_focus(t, PROMPT_SEARCH); break;
	case REQ_CONSOLE: tui_console_focus(t, PROMPT_COMMAND); break;
	case REQ_KEYS: tui_keys_help(t); break;
	case REQ_NEXT_SLOT: next_slot(t); break;
	case REQ_COMMAND: break;
	}
}

void tui_key(struct tui *t, int key)
{
	int i;

	if (key == KEY_ENTER || key == '\n')
		key = '\r';
	for (i = 0; i < n_bindings; i++) {
		if (bindings[i].key != key)
			continue;
		if (bindings[i].req == REQ_COMMAND)
			tui_run(t, bindings[i].command);
		else
			request(t, bindings[i].req);
		return;
	}
}
