/* preview CMD...: runs a mutating command inside a step, shows what it
 * changed from the recorded edits, then reverts the step. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/internal.h"
#include "graphsmith/history.h"
#include "graphsmith/metrics.h"

static void dims_text(int rank, const int64_t *dims, char *buf, size_t len)
{
	size_t o = (size_t)snprintf(buf, len, "[");
	int i;

	for (i = 0; i < rank && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%lld", i ? "," : "", (long long)dims[i]);
	if (o < len)
		snprintf(buf + o, len - o, "]");
}

static bool same_shape(const struct gs_tensor *a, const struct gs_tensor *b)
{
	return a->dtype == b->dtype && a->rank == b->rank &&
	       (!a->rank || !memcmp(a->dims, b->dims, sizeof(int64_t) * (size_t)a->rank));
}

/* One changed tensor: its state before the step against now. */
static void show_tensor(struct gs_workspace *ws, const struct gs_edit *first)
{
	const struct gs_tensor *b = &first->before, *a = first->tensor;
	char name[256], d0[128], d1[128], db[32];
	struct gs_metrics mt;
	void *old;

	gs_escape(a->name ? a->name : "", name, sizeof(name));
	if (!same_shape(b, a)) {
		dims_text(b->rank, b->dims, d0, sizeof(d0));
		dims_text(a->rank, a->dims, d1, sizeof(d1));
		gs_printf(ws, "  tensor '%s': %s %s -> %s %s", name, gs_dtype_name(b->dtype), d0,
			  gs_dtype_name(a->dtype), d1);
	}
	if (b->numel != a->numel || !a->data || a->numel <= 0)
		return;
	if (!(old = gs_history_before_data(ws->history, first)))
		return;
	if (!gs_metrics_compare(b->dtype, old, a->dtype, a->data, (size_t)a->numel, NULL, &mt)) {
		gs_format_db(mt.sqnr_db, mt.sqnr_defined, db, sizeof(db));
		gs_printf(ws, "  param '%s': max abs diff %.4g, cosine %.6f, SQNR %s, "
			  "sparsity %.1f%% -> %.1f%%", name, mt.max_abs_diff, mt.cosine, db,
			  100.0 * mt.sparsity_a, 100.0 * mt.sparsity_b);
	}
	free(old);
}

static void show_value(struct gs_workspace *ws, const struct gs_edit *first)
{
	const struct gs_value *v = first->g->values[first->value];
	char name[256], d0[128], d1[128];
	int64_t dims[64];
	int i;

	/* a parameter's shape shows on its tensor line */
	if (first->old_rank > 64 || v->rank > 64 || v->kind == GS_VALUE_PARAM)
		return;
	for (i = 0; i < first->old_rank; i++)
		dims[i] = first->old_dims[i].value;
	dims_text(first->old_rank < 0 ? 0 : first->old_rank, dims, d0, sizeof(d0));
	for (i = 0; i < v->rank; i++)
		dims[i] = v->dims[i].value;
	dims_text(v->rank < 0 ? 0 : v->rank, dims, d1, sizeof(d1));
	if (first->old_dtype == v->dtype && !strcmp(d0, d1))
		return;
	gs_printf(ws, "  value '%s': %s %s -> %s %s", gs_escape(v->name, name, sizeof(name)),
		  gs_dtype_name(first->old_dtype), d0, gs_dtype_name(v->dtype), d1);
}

/* Is e the first edit of its subject among edits[0..i)? */
static bool first_of(const struct gs_edit **edits, int i)
{
	const struct gs_edit *e = edits[i];
	int j;

	for (j = 0; j < i; j++) {
		if (edits[j]->kind != e->kind)
			continue;
		if (e->kind == GS_EDIT_TENSOR && edits[j]->tensor == e->tensor)
			return false;
		if (e->kind != GS_EDIT_TENSOR && edits[j]->g == e->g && edits[j]->value == e->value &&
		    edits[j]->node == e->node)
			return false;
	}
	return true;
}

static void describe(struct gs_workspace *ws, const struct gs_edit **edits, int n)
{
	char name[256], lab[256];
	int i, added = 0, removed = 0, tensors = 0;

	for (i = 0; i < n; i++) {
		const struct gs_edit *e = edits[i];
		const struct gs_node *nd = e->g && e->node >= 0 ? e->g->nodes[e->node] : NULL;

		if (e->kind == GS_EDIT_NODE_ADD && !nd->removed) {
			gs_printf(ws, "  + node %s %s", nd->op_type, gs_node_label(e->g, nd, lab, sizeof(lab)));
			added++;
		} else if (e->kind == GS_EDIT_NODE_REMOVE && nd->removed && first_of(edits, i)) {
			gs_printf(ws, "  - node %s %s", nd->op_type, gs_node_label(e->g, nd, lab, sizeof(lab)));
			removed++;
		} else if (e->kind == GS_EDIT_INITIALIZER_ADD && first_of(edits, i)) {
			gs_printf(ws, "  + initializer '%s'",
				  gs_escape(e->g->values[e->value]->name, name, sizeof(name)));
		} else if (e->kind == GS_EDIT_INITIALIZER_REMOVE && first_of(edits, i)) {
			gs_printf(ws, "  - initializer '%s'",
				  gs_escape(e->g->values[e->value]->name, name, sizeof(name)));
		} else if (e->kind == GS_EDIT_TENSOR && first_of(edits, i)) {
			show_tensor(ws, e);
			tensors++;
		} else if (e->kind == GS_EDIT_VALUE_TYPE && first_of(edits, i)) {
			show_value(ws, e);
		}
	}
	gs_printf(ws, "preview: %d edits, %d nodes added, %d removed, %d tensors changed; "
		  "nothing applied", n, added, removed, tensors);
}

/* The previewed command as one line (words re-quoted where needed). */
static char *join(int argc, char **argv)
{
	size_t len = 1;
	char *s;
	int i;

	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) * 2 + 3;
	s = gs_xcalloc(1, len);
	for (i = 0; i < argc; i++) {
		const char *p;
		bool quote = !argv[i][0] || strpbrk(argv[i], " \t;#'\"\\");

		if (i)
			strcat(s, " ");
		if (!quote) {
			strcat(s, argv[i]);
			continue;
		}
		strcat(s, "'");
		for (p = argv[i]; *p; p++) {
			if (*p == '\'')
				strcat(s, "'\\''");
			else
				strncat(s, p, 1);
		}
		strcat(s, "'");
	}
	return s;
}

static int preview_exec(struct gs_workspace *ws, int argc, char **argv, struct gs_error *err)
{
	const struct gs_cmd_entry *e;
	const struct gs_edit **edits;
	char *line;
	int rc, n;

	if (argc < 2)
		return gs_error_set(err, "usage: %s", gs_cmd_preview.usage);
	if (!(e = gs_cmd_lookup(ws->commands, ws->n_commands, argv[1], err)))
		return -1;
	if (!(e->flags & GS_CMD_MUTATES) || !ws->history)
		return gs_error_set(err, "preview: '%s' does not change the model", e->name);
	line = join(argc - 1, argv + 1);
	gs_history_begin(ws->history, line);
	free(line);
	if ((rc = e->exec(ws, argc - 1, argv + 1, err)) < 0) {
		gs_history_abort(ws->history);
		return -1;
	}
	n = gs_history_open_edits(ws->history, NULL, 0);
	edits = gs_xcalloc((size_t)n + 1, sizeof(*edits));
	gs_history_open_edits(ws->history, edits, n);
	describe(ws, edits, n);
	free(edits);
	gs_history_abort(ws->history);
	return GS_CHANGED_NOTHING;
}

static enum gs_complete_kind preview_complete(int argi, char **argv, const char *const **words)
{
	return argi == 1 ? GS_COMPLETE_COMMAND : GS_COMPLETE_NONE;
}

const struct gs_cmd_entry gs_cmd_preview = {
	.name = "preview",
	.alias = NULL,
	.usage = "preview COMMAND [ARGS...]",
	.help = "Shows what a command that changes B would do, without doing it:\n"
		"nodes added and removed, every tensor whose dtype or shape changes,\n"
		"and per changed parameter the max abs diff, cosine, SQNR and\n"
		"sparsity before and after.  Example: preview prune magnitude 0.5",
	.flags = GS_CMD_NEEDS_B,
	.exec = preview_exec,
	.complete = preview_complete,
};
