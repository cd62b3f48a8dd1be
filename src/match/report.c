/*
 * Reports: JSON for scripts (the shape documented in `graphsmith diff
 * --help`, written by json_stream.c) and text for people: a summary line, then mismatches grouped
 * and sorted by severity, names escaped.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/json.h"
#include "match/internal.h"

static const char *node_label(const struct gs_graph *g, int id, char *buf, size_t len)
{
	const char *name = g->nodes[id]->name;

	if (name && name[0])
		return name;
	snprintf(buf, len, "#%d", id);
	return buf;
}

/* The tree is the streamed JSON parsed back: one writer (json_stream.c)
 * decides every byte, so the two can never disagree. */
json_t *gs_match_json(const struct gs_match *m)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	json_t *j = NULL;
	int rc;

	if (!f)
		return NULL;
	rc = gs_match_write_json(m, f);
	if (fclose(f) == 0 && rc == 0 && buf)
		j = json_loadb(buf, len, 0, NULL);
	free(buf);
	return j;
}

static void side_text(const struct gs_graph *g, const int *ids, int n, char *buf, size_t len)
{
	size_t at = 0;
	char esc[128], lab[32];
	int i;

	buf[0] = 0;
	if (!n) {
		snprintf(buf, len, "-");
		return;
	}
	for (i = 0; i < n && at < len; i++)
		at += (size_t)snprintf(buf + at, len - at, "%s%s(%s)", i ? " + " : "",
				       gs_escape(node_label(g, ids[i], lab, sizeof(lab)), esc, sizeof(esc)),
				       gs_escape(g->nodes[ids[i]]->op_type, esc + 64, 64));
}

void gs_match_print(const struct gs_match *m, FILE *out)
{
	static const int severity[] = {
		GS_MATCH_REMOVED, GS_MATCH_ADDED, GS_MATCH_CHANGED, GS_MATCH_FUSED, GS_MATCH_FOLDED,
	};
	static const char symbol[] = "=~+-FC";
	const struct gs_match_summary *s = &m->summary;
	char ba[512], bb[512], db[32];
	int k, i, j;

	fprintf(out, "%s: %d/%d nodes, %d matched, %d changed, %d added, %d removed, "
		"%d fused, %d folded, %d params changed, %d edges rewired, %d io mismatches\n",
		m->verdict.identical ? "identical" : "different", s->nodes_a, s->nodes_b,
		s->count[GS_MATCH_MATCHED], s->count[GS_MATCH_CHANGED], s->count[GS_MATCH_ADDED],
		s->count[GS_MATCH_REMOVED], s->count[GS_MATCH_FUSED], s->count[GS_MATCH_FOLDED],
		s->params_changed, s->edges_changed, s->io_mismatches);
	/* compatibility (can B stand in for A) is not sameness: pruned or
	 * retrained weights are compatible and still changed */
	fprintf(out, "verdict: structure %s, parameters %s, io %s; ",
		m->verdict.structure ? "compatible" : "different",
		m->verdict.parameters ? "compatible" : "different",
		m->verdict.io ? "compatible" : "different");
	if (s->params_changed)
		fprintf(out, "parameters changed (%d)\n", s->params_changed);
	else
		fprintf(out, "parameters same\n");
	for (k = 0; k < (int)(sizeof(severity) / sizeof(*severity)); k++)
		for (i = 0; i < m->n_entries; i++) {
			const struct gs_match_entry *e = &m->entries[i];

			if (e->status != severity[k])
				continue;
			side_text(e->graph_a, e->a, e->n_a, ba, sizeof(ba));
			side_text(e->graph_b, e->b, e->n_b, bb, sizeof(bb));
			fprintf(out, "%c %-8s %s  ->  %s%s%s\n", symbol[e->status],
				gs_match_status_name(e->status), ba, bb,
				e->pattern ? "  " : "", e->pattern ? e->pattern : "");
			for (j = 0; j < e->n_changes; j++)
				fprintf(out, "      %s\n", e->changes[j]);
		}
	for (i = 0; i < m->n_edges; i++)
		fprintf(out, "~ edge     %s\n", m->edges[i].text);
	for (i = 0; i < m->n_params; i++) {
		const struct gs_param_diff *d = &m->params[i];
		char na[128], nb[128];

		if (d->cls == GS_PARAM_IDENTICAL)
			continue;
		db[0] = 0;
		if (d->has_metrics)
			gs_format_db(d->metrics.sqnr_db, d->metrics.sqnr_defined, db, sizeof(db));
		fprintf(out, "~ param    %s -> %s: %s",
			d->name_a ? gs_escape(d->name_a, na, sizeof(na)) : "-",
			d->name_b ? gs_escape(d->name_b, nb, sizeof(nb)) : "-",
			gs_param_class_name(d->cls));
		if ((d->cls == GS_PARAM_SHAPE_CHANGED || d->cls == GS_PARAM_PRUNED_STRUCTURED) &&
		    d->rank_a >= 0 && d->rank_b >= 0) {
			char *sa = gs_dims_text(d->rank_a, d->dims_a);
			char *sb = gs_dims_text(d->rank_b, d->dims_b);

			fprintf(out, " %s -> %s", sa, sb);
			free(sa);
			free(sb);
		}
		fprintf(out, "%s%s%s%s\n", db[0] ? ", sqnr " : "", db, d->note[0] ? "; " : "",
			d->note);
	}
	for (i = 0; i < m->n_io; i++)
		if (!m->io[i].ok)
			fprintf(out, "~ io       %s\n", m->io[i].text);
}
