/*
 * Reports: JSON for scripts (the shape documented in `graphsmith diff
 * --help`) and text for people: a summary line, then mismatches grouped
 * and sorted by severity, names escaped.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "graphsmith/json.h"
#include "match/internal.h"

#define jstr gs_json_str

static json_t *jnum(double x)
{
	if (isnan(x))
		return json_null();
	if (isinf(x))
		return json_string(x > 0 ? "inf" : "-inf");
	return json_real(x);
}

static const char *node_label(const struct gs_graph *g, int id, char *buf, size_t len)
{
	const char *name = g->nodes[id]->name;

	if (name && name[0])
		return name;
	snprintf(buf, len, "#%d", id);
	return buf;
}

static json_t *names(const struct gs_graph *g, const int *ids, int n, bool ops)
{
	json_t *a = json_array();
	char buf[32];
	int i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, jstr(ops ? g->nodes[ids[i]]->op_type :
					      node_label(g, ids[i], buf, sizeof(buf))));
	return a;
}

static json_t *dims_json(const struct gs_tensor *t)
{
	json_t *a;
	int i;

	if (!t)
		return json_null();
	a = json_array();
	for (i = 0; i < t->rank; i++)
		json_array_append_new(a, json_integer(t->dims[i]));
	return a;
}

static json_t *param_json(const struct gs_param_diff *d)
{
	json_t *o = json_object();
	const struct gs_metrics *mt = &d->metrics;

	json_object_set_new(o, "a", jstr(d->name_a));
	json_object_set_new(o, "b", jstr(d->name_b));
	json_object_set_new(o, "class", json_string(gs_param_class_name(d->cls)));
	json_object_set_new(o, "entry", json_integer(d->entry));
	json_object_set_new(o, "shape_a", dims_json(d->a));
	json_object_set_new(o, "shape_b", dims_json(d->b));
	if (d->note[0])
		json_object_set_new(o, "note", jstr(d->note));
	if (!d->has_metrics)
		return o;
	json_object_set_new(o, "max_abs_diff", jnum(mt->max_abs_diff));
	json_object_set_new(o, "mean_abs_diff", jnum(mt->mean_abs_diff));
	json_object_set_new(o, "rel_l2", mt->rel_l2_defined ? jnum(mt->rel_l2) : json_null());
	json_object_set_new(o, "cosine", jnum(mt->cosine));
	json_object_set_new(o, "sqnr_db", mt->sqnr_defined ? jnum(mt->sqnr_db) : json_null());
	json_object_set_new(o, "sparsity_a", jnum(mt->sparsity_a));
	json_object_set_new(o, "sparsity_b", jnum(mt->sparsity_b));
	json_object_set_new(o, "newly_zero", json_integer((json_int_t)mt->newly_zero));
	json_object_set_new(o, "changed", json_integer((json_int_t)mt->changed));
	return o;
}

json_t *gs_match_json(const struct gs_match *m)
{
	json_t *root = json_object(), *v = json_object(), *s = json_object();
	json_t *nodes = json_array(), *edges = json_array(), *params = json_array();
	json_t *io = json_array();
	int i, k;

	json_object_set_new(v, "identical", json_boolean(m->verdict.identical));
	json_object_set_new(v, "structure", json_boolean(m->verdict.structure));
	json_object_set_new(v, "parameters", json_boolean(m->verdict.parameters));
	json_object_set_new(v, "io", json_boolean(m->verdict.io));
	json_object_set_new(root, "verdict", v);
	json_object_set_new(s, "nodes_a", json_integer(m->summary.nodes_a));
	json_object_set_new(s, "nodes_b", json_integer(m->summary.nodes_b));
	for (i = 0; i < GS_MATCH_STATUS_COUNT_; i++)
		json_object_set_new(s, gs_match_status_name(i), json_integer(m->summary.count[i]));
	json_object_set_new(s, "params_changed", json_integer(m->summary.params_changed));
	json_object_set_new(s, "edges_changed", json_integer(m->summary.edges_changed));
	json_object_set_new(s, "io_mismatches", json_integer(m->summary.io_mismatches));
	json_object_set_new(root, "summary", s);
	for (i = 0; i < m->n_entries; i++) {
		const struct gs_match_entry *e = &m->entries[i];
		json_t *o = json_object(), *ch = json_array();
		bool sub = (e->graph_a && e->graph_a->parent) || (e->graph_b && e->graph_b->parent);

		json_object_set_new(o, "status", json_string(gs_match_status_name(e->status)));
		json_object_set_new(o, "a", e->n_a ? names(e->graph_a, e->a, e->n_a, false) : json_array());
		json_object_set_new(o, "b", e->n_b ? names(e->graph_b, e->b, e->n_b, false) : json_array());
		json_object_set_new(o, "ops_a", e->n_a ? names(e->graph_a, e->a, e->n_a, true) : json_array());
		json_object_set_new(o, "ops_b", e->n_b ? names(e->graph_b, e->b, e->n_b, true) : json_array());
		for (k = 0; k < e->n_changes; k++)
			json_array_append_new(ch, jstr(e->changes[k]));
		json_object_set_new(o, "changes", ch);
		json_object_set_new(o, "method", json_string(gs_match_method_name(e->method)));
		json_object_set_new(o, "score", json_real(e->score));
		json_object_set_new(o, "ambiguous", json_boolean(e->ambiguous));
		if (e->pattern)
			json_object_set_new(o, "pattern", json_string(e->pattern));
		if (sub)
			json_object_set_new(o, "subgraph", jstr(e->graph_a ? e->graph_a->name :
								e->graph_b->name));
		json_array_append_new(nodes, o);
	}
	json_object_set_new(root, "nodes", nodes);
	for (i = 0; i < m->n_edges; i++) {
		const struct gs_edge_diff *d = &m->edges[i];
		json_t *o = json_object();

		json_object_set_new(o, "entry", json_integer(d->entry));
		json_object_set_new(o, "slot", json_integer(d->slot));
		json_object_set_new(o, "from_a", jstr(d->from_a));
		json_object_set_new(o, "from_b", jstr(d->from_b));
		json_object_set_new(o, "text", jstr(d->text));
		json_array_append_new(edges, o);
	}
	json_object_set_new(root, "edges", edges);
	for (i = 0; i < m->n_params; i++)
		json_array_append_new(params, param_json(&m->params[i]));
	json_object_set_new(root, "parameters", params);
	for (i = 0; i < m->n_io; i++) {
		const struct gs_io_diff *d = &m->io[i];
		json_t *o = json_object();

		json_object_set_new(o, "kind", json_string(d->is_output ? "output" : "input"));
		json_object_set_new(o, "a", jstr(d->name_a));
		json_object_set_new(o, "b", jstr(d->name_b));
		json_object_set_new(o, "ok", json_boolean(d->ok));
		json_object_set_new(o, "text", jstr(d->text));
		json_array_append_new(io, o);
	}
	json_object_set_new(root, "io", io);
	json_object_set_new(root, "seconds", json_real(m->seconds));
	return root;
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
		fprintf(out, "~ param    %s -> %s: %s%s%s%s%s\n",
			d->name_a ? gs_escape(d->name_a, na, sizeof(na)) : "-",
			d->name_b ? gs_escape(d->name_b, nb, sizeof(nb)) : "-",
			gs_param_class_name(d->cls), db[0] ? ", sqnr " : "", db,
			d->note[0] ? "; " : "", d->note);
	}
	for (i = 0; i < m->n_io; i++)
		if (!m->io[i].ok)
			fprintf(out, "~ io       %s\n", m->io[i].text);
}
