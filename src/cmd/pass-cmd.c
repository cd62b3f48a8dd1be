/* A pass as a console command (GS_PASS_COMMAND): its spec parses the words,
 * completes them and lists them in `help`; it runs on B as one step and
 * its report lines go to the console, escaped. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/internal.h"
#include "graphsmith/transfer.h"

static void report_line(void *ctx, enum gs_report_kind kind, const char *text)
{
	char buf[1024];

	/* the pass escaped the names it quotes: defang, do not escape twice */
	snprintf(buf, sizeof(buf), "%s", text);
	gs_defang(buf, sizeof(buf));
	gs_printf(ctx, "%s%s", kind == GS_REPORT_NOTE ? "note: " : "", buf);
}

/* a_of_b: A's node for each node of B.  B edited from A keeps its nodes'
 * ids (edits append); otherwise the matcher's one-to-one node pairs. */
static int *correspondence(struct gs_workspace *ws, struct gs_error *err)
{
	const struct gs_graph *ga = ws->a->graph, *gb = ws->b->graph;
	int *map = gs_xmalloc(sizeof(int) * ((size_t)gb->n_nodes + 1));
	struct gs_match *m;
	int i;

	for (i = 0; i < gb->n_nodes; i++)
		map[i] = -1;
	if (ws->a_is_baseline) {
		for (i = 0; i < gb->n_nodes && i < ga->n_nodes; i++)
			if (!ga->nodes[i]->removed &&
			    !strcmp(ga->nodes[i]->op_type, gb->nodes[i]->op_type))
				map[i] = i;
		return map;
	}
	if (!(m = gs_workspace_match(ws, err))) {
		free(map);
		return NULL;
	}
	for (i = 0; i < m->n_entries; i++) {
		const struct gs_match_entry *e = &m->entries[i];

		if (e->n_a == 1 && e->n_b == 1 && e->graph_b == gb && e->graph_a == ga &&
		    e->b[0] < gb->n_nodes)
			map[e->b[0]] = e->a[0];
	}
	return map;
}

/* A private copy of the model a word names (slot or file), loaded afresh
 * from its file: merge may fold it. */
static struct gs_model *model_copy(struct gs_workspace *ws, const char *word, struct gs_error *err)
{
	struct gs_model *m = gs_workspace_model_arg(ws, word, err);

	if (!m)
		return NULL;
	if (!m->path)
		return gs_error_set(err, "'%s' has no file to copy it from", word), NULL;
	return gs_onnx_load(m->path, &ws->load_opts, err);
}

/* The model a word names: the workspace's, a private copy (GS_ARG_COPY)
 * or none for a weights file (GS_ARG_WEIGHTS). */
static int resolve(struct gs_workspace *ws, const struct gs_pass_arg *spec, const char *word,
		   struct gs_model **m, struct gs_error *err)
{
	if ((spec->flags & GS_ARG_WEIGHTS) && gs_weights_is_file(word))
		return 0;
	*m = spec->flags & GS_ARG_COPY ? model_copy(ws, word, err) :
	     gs_workspace_model_arg(ws, word, err);
	return *m ? 0 : -1;
}

/* The copies bind made for the pass. */
static void unbind(const struct gs_pass *p, struct gs_pass_args *a)
{
	for (int i = 0; p->args[i].name; i++) {
		if (p->args[i].type != GS_ARG_MODEL || !(p->args[i].flags & GS_ARG_COPY))
			continue;
		if (p->args[i].flags & GS_ARG_REPEAT)	/* v[i].model is list_models[0] */
			for (int k = 0; k < a->n_list; k++)
				gs_model_free(a->list_models[k]);
		else
			gs_model_free(a->v[i].model);
	}
}

/* The models the words name, and what the pass asks of the workspace. */
static int bind(struct gs_workspace *ws, const struct gs_pass *p, struct gs_pass_args *a,
		int **map, struct gs_error *err)
{
	int i;

	for (i = 0; p->args[i].name; i++) {
		if (p->args[i].type != GS_ARG_MODEL || !a->v[i].set)
			continue;
		if (!(p->args[i].flags & GS_ARG_REPEAT)) {
			if (resolve(ws, &p->args[i], a->v[i].s, &a->v[i].model, err) < 0)
				return -1;
			continue;
		}
		for (int k = 0; k < a->n_list; k++)
			if (resolve(ws, &p->args[i], a->list[k], &a->list_models[k], err) < 0)
				return -1;
		a->v[i].model = a->list_models[0];
	}
	if ((p->flags & GS_PASS_DATA_DEFAULT) && !gs_pass_get(a, "--data")->set)
		a->data = gs_workspace_data_source(ws, gs_pass_get(a, "--labels")->set ? NULL :
						   &a->labels);
	if ((p->flags & GS_PASS_BASELINE) && gs_workspace_a(ws)) {
		if (!(*map = correspondence(ws, err)))
			return -1;
		a->baseline = ws->a;
		a->a_of_b = *map;
	}
	return 0;
}

int gs_pass_cmd_exec(struct gs_workspace *ws, const struct gs_pass *p, int argc, char **argv,
		     struct gs_error *err)
{
	struct gs_pass_report r = { report_line, ws };
	struct gs_pass_args a;
	int *map = NULL, n = -1;

	if (gs_pass_parse(p, argc, argv, &a, err) < 0)
		return -1;
	if (!bind(ws, p, &a, &map, err))
		n = p->run(ws->b, &a, &r, err);
	unbind(p, &a);
	free(map);
	if (n < 0)
		return -1;
	return n ? GS_CHANGED_MODEL : GS_CHANGED_NOTHING;
}

enum gs_complete_kind gs_pass_cmd_complete(const struct gs_pass *p, int argi, char **argv,
					   const char *const **words)
{
	/* completion runs on one thread, one call at a time */
	static const char *options[GS_PASS_MAX_ARGS + 1];
	/* ... the options and the words allowed anywhere */
	const struct gs_pass_arg *a;
	bool value;
	int i, n = 0;

	a = gs_pass_arg_at(p, argi, argv, &value);
	if (a && (value || strncmp(argv[argi], "--", 2))) {
		switch (a->type) {
		case GS_ARG_KEYWORD:
		case GS_ARG_WORD:
			*words = a->words;
			return GS_COMPLETE_WORDS;
		case GS_ARG_MODEL:
			return GS_COMPLETE_SLOT;
		case GS_ARG_STRING:
			return a->metavar && strstr(a->metavar, "FILE") ? GS_COMPLETE_FILE :
			       GS_COMPLETE_NONE;
		default:
			return GS_COMPLETE_NONE;
		}
	}
	for (i = 0; p->args[i].name && n < GS_PASS_MAX_ARGS; i++) {
		if (!strncmp(p->args[i].name, "--", 2))
			options[n++] = p->args[i].name;
		else if (p->args[i].flags & GS_ARG_ANYWHERE)
			for (int k = 0; p->args[i].words[k] && n < GS_PASS_MAX_ARGS; k++)
				options[n++] = p->args[i].words[k];
	}
	options[n] = NULL;
	*words = options;
	return n ? GS_COMPLETE_WORDS : GS_COMPLETE_NONE;
}

void gs_pass_cmd_help(struct gs_workspace *ws, const struct gs_pass *p)
{
	char name[64];
	int i;

	for (i = 0; p->args[i].name; i++) {
		const struct gs_pass_arg *a = &p->args[i];

		if (!a->help)
			continue;
		snprintf(name, sizeof(name), "%s", a->metavar ? a->metavar : a->name);
		gs_printf(ws, "  %-14s %s", name, a->help);
	}
}
