/*
 * The match result as it is built: its entries (each filled with the
 * member nodes of a base), its string pool, the names of its statuses and
 * methods, and its release.  Below the matcher (match.c) and the builders
 * of its parameter, edge and io lists (params.c, edges.c, io.c).
 */
#include <stdlib.h>
#include <string.h>

#include "match/internal.h"

static const char *const status_names[] = {
	"matched", "changed", "added", "removed", "fused", "folded",
};

static const char *const method_names[] = {
	"none", "user", "name", "anchor", "propagation", "alignment", "fuzzy", "fusion",
};

const char *gs_match_status_name(int status)
{
	return status >= 0 && status < GS_MATCH_STATUS_COUNT_ ? status_names[status] : "unknown";
}

const char *gs_match_method_name(int method)
{
	return method >= 0 && method <= GS_METHOD_FUSION ? method_names[method] : "unknown";
}

int gs_match_entry_add(struct gs_match_build *mb, int status, const struct gs_graph *ga,
		       const struct gs_graph *gb)
{
	struct gs_match *m = mb->m;
	struct gs_match_entry *e;

	GS_GROW(m->entries, m->n_entries + 1, mb->entries_alloc);
	e = &m->entries[m->n_entries];
	memset(e, 0, sizeof(*e));
	e->status = status;
	e->graph_a = ga;
	e->graph_b = gb;
	e->worst_param = -1;
	return m->n_entries++;
}

void gs_match_entry_push(struct gs_match_entry *e, bool side_b, int node)
{
	int *n = side_b ? &e->n_b : &e->n_a;
	int **arr = side_b ? &e->b : &e->a;

	*arr = gs_xrealloc(*arr, sizeof(int) * ((size_t)*n + 1));
	(*arr)[(*n)++] = node;
}

const char *gs_match_own_string(struct gs_match_build *mb, const char *s)
{
	GS_GROW(mb->m->strings, mb->m->n_strings + 1, mb->strings_alloc);
	mb->m->strings[mb->m->n_strings] = gs_xstrdup(s);
	return mb->m->strings[mb->m->n_strings++];
}

void gs_match_free(struct gs_match *m)
{
	int i, k;

	if (!m)
		return;
	for (i = 0; i < m->n_entries; i++) {
		struct gs_match_entry *e = &m->entries[i];

		free(e->a);
		free(e->b);
		for (k = 0; k < e->n_changes; k++)
			free(e->changes[k]);
		free(e->changes);
	}
	free(m->entries);
	free(m->entry_of_a);
	free(m->entry_of_b);
	for (i = 0; i < m->n_strings; i++)
		free(m->strings[i]);
	free(m->strings);
	for (i = 0; i < m->n_params; i++) {
		free(m->params[i].dims_a);
		free(m->params[i].dims_b);
	}
	free(m->params);
	free(m->edges);
	free(m->io);
	free(m);
}
