/* Completion for the console: the same table that runs commands says what
 * each argument is, so completion cannot drift from the commands. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/opdoc.h"
#include "cmd/internal.h"

struct cands {
	const char *prefix;
	size_t plen;
	char **v;
	size_t n, alloc;
};

static void add(struct cands *c, const char *s)
{
	if (!s || strncmp(s, c->prefix, c->plen))
		return;
	GS_GROW(c->v, c->n + 2, c->alloc);
	c->v[c->n++] = gs_xstrdup(s);
}

static void add_label(struct cands *c, const struct gs_graph *g, const struct gs_node *n, int k)
{
	char tmp[256];

	if (n->name && n->name[0]) {
		/* a name the terminal cannot show cannot be typed either */
		if (gs_is_printable(n->name))
			add(c, n->name);
		return;
	}
	add(c, gs_node_op_label(n, k, tmp, sizeof(tmp)));
}

struct walk {
	struct cands *c;
	bool ops;
};

static int walk_graph(struct gs_graph *g, void *ctx)
{
	struct walk *w = ctx;
	struct gs_op_counter seen;
	int i, k;

	gs_op_counter_init(&seen);
	for (i = 0; i < g->n_nodes; i++) {
		const struct gs_node *n = g->nodes[i];

		k = gs_op_counter_next(&seen, n);
		if (n->removed)
			continue;
		if (w->ops)
			add(w->c, n->op_type);
		else
			add_label(w->c, g, n, k);
	}
	gs_op_counter_release(&seen);
	return 0;
}

static void add_files(struct cands *c)
{
	const char *slash = strrchr(c->prefix, '/');
	char *dir = slash ? gs_xstrndup(c->prefix, (size_t)(slash - c->prefix) + 1) : gs_xstrdup("");
	const char *base = slash ? slash + 1 : c->prefix;
	struct dirent *d;
	DIR *dh;

	if (!dir)
		abort();
	if ((dh = opendir(dir[0] ? dir : "."))) {
		while ((d = readdir(dh))) {
			char *path;

			if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, "..") ||
			    (d->d_name[0] == '.' && base[0] != '.'))
				continue;
			if (asprintf(&path, "%s%s%s", dir, d->d_name, d->d_type == DT_DIR ? "/" : "") < 0)
				abort();
			add(c, path);
			free(path);
		}
		closedir(dh);
	}
	free(dir);
}

static int by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lexes the last command of line[0..point) (the one being typed),
 * forgiving an open quote; the last word is the one being completed (""
 * after a blank).  Returns argc (at least 1). */
static int words_before(const char *line, size_t point, struct gs_cmd_words *w)
{
	size_t at = 0;

	for (;;) {
		(void)gs_cmd_lex(line + at, point - at, GS_LEX_COMMAND | GS_LEX_PARTIAL, w, NULL);
		if (at + w->end >= point)
			break;
		at += w->end + 1;	/* a ';' or newline: the next command */
		gs_cmd_words_free(w);
	}
	if (!w->open || !w->argc) {
		w->argv = gs_xrealloc(w->argv, sizeof(*w->argv) * (size_t)(w->argc + 2));
		w->argv[w->argc++] = gs_xstrdup("");
		w->argv[w->argc] = NULL;
	}
	return w->argc;
}

int gs_complete(struct gs_workspace *ws, const char *line, int point, char ***out)
{
	const struct gs_cmd_entry *const *t, *e;
	const char *const *words = NULL;
	struct gs_cmd_words lw;
	enum gs_complete_kind kind;
	struct cands c = { 0 };
	struct walk w;
	char **argv;
	size_t i, j;
	int argc, n;

	argc = words_before(line, (size_t)point, &lw);
	argv = lw.argv;
	c.prefix = argv[argc - 1];
	c.plen = strlen(c.prefix);
	if (argc == 1) {
		kind = GS_COMPLETE_COMMAND;
	} else {
		gs_cmd_take_bang(argv[0]);
		e = gs_cmd_find(argv[0], NULL);
		kind = e && e->complete ? e->complete(argc - 1, argv, &words) : GS_COMPLETE_NONE;
	}
	switch (kind) {
	case GS_COMPLETE_COMMAND:
		t = gs_cmd_table(&n);
		for (i = 0; i < (size_t)n; i++) {
			add(&c, t[i]->name);
			add(&c, t[i]->alias);
		}
		break;
	case GS_COMPLETE_NODE:
	case GS_COMPLETE_OP:
		w.c = &c;
		w.ops = kind == GS_COMPLETE_OP;
		if (gs_ws_model(ws, 'b'))
			gs_graph_walk(gs_ws_model(ws, 'b')->graph, walk_graph, &w);
		if (gs_ws_model(ws, 'a'))
			gs_graph_walk(gs_ws_model(ws, 'a')->graph, walk_graph, &w);
		for (i = 0; w.ops && ws->opdoc && i < gs_opdoc_count(ws->opdoc); i++)
			add(&c, gs_opdoc_at(ws->opdoc, i)->op);
		break;
	case GS_COMPLETE_SLOT:
		if (ws->a || ws->a_pending)
			add(&c, "A");
		if (ws->b)
			add(&c, "B");
		for (i = 0; i < (size_t)ws->n_slots; i++)
			if (gs_is_printable(ws->slots[i].name))
				add(&c, ws->slots[i].name);
		add_files(&c);	/* a file is a model too */
		break;
	case GS_COMPLETE_FILE:
		add_files(&c);
		break;
	case GS_COMPLETE_WORDS:
		for (i = 0; words && words[i]; i++)
			add(&c, words[i]);
		break;
	case GS_COMPLETE_NONE:
		break;
	}
	if (c.n)
		qsort(c.v, c.n, sizeof(*c.v), by_str);
	for (i = j = 0; i < c.n; i++) {
		if (j && !strcmp(c.v[j - 1], c.v[i]))
			free(c.v[i]);
		else
			c.v[j++] = c.v[i];
	}
	GS_GROW(c.v, j + 1, c.alloc);
	c.v[j] = NULL;
	gs_cmd_words_free(&lw);
	*out = c.v;
	return (int)j;
}
