/*
 * The JSON report written straight to a FILE*, field for field the same as
 * gs_match_json builds (a unit test compares them): 10^5-node diffs would
 * otherwise build a million jansson objects only to print them.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "match/internal.h"

static bool utf8_valid(const unsigned char *s)
{
	while (*s) {
		int n = *s < 0x80 ? 0 : (*s & 0xe0) == 0xc0 ? 1 : (*s & 0xf0) == 0xe0 ? 2 :
			(*s & 0xf8) == 0xf0 ? 3 : -1;

		if (n < 0 || (n == 1 && *s < 0xc2))
			return false;
		s++;
		while (n-- > 0)
			if ((*s++ & 0xc0) != 0x80)
				return false;
	}
	return true;
}

static void put_str(FILE *out, const char *s)
{
	char buf[1024];
	const unsigned char *p;

	if (!s) {
		fputs("null", out);
		return;
	}
	if (!utf8_valid((const unsigned char *)s))
		s = gs_escape_ascii(s, buf, sizeof(buf));
	putc('"', out);
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\') {
			putc('\\', out);
			putc(*p, out);
		} else if (*p < 0x20) {
			fprintf(out, "\\u%04x", *p);
		} else {
			putc(*p, out);
		}
	}
	putc('"', out);
}

static void put_num(FILE *out, double x)
{
	if (isnan(x))
		fputs("null", out);
	else if (isinf(x))
		fputs(x > 0 ? "\"inf\"" : "\"-inf\"", out);
	else {
		char buf[40];

		snprintf(buf, sizeof(buf), "%.17g", x);
		/* a real stays a real for readers that tell them apart */
		fputs(buf, out);
		if (!strpbrk(buf, ".eE"))
			fputs(".0", out);
	}
}

static void put_key(FILE *out, bool *first, const char *key)
{
	fputs(*first ? "" : ", ", out);
	*first = false;
	fprintf(out, "\"%s\": ", key);
}

static void put_names(FILE *out, const struct gs_graph *g, const int *ids, int n, bool ops)
{
	char lab[32];
	int i;

	putc('[', out);
	for (i = 0; i < n; i++) {
		const char *name = g->nodes[ids[i]]->name;

		if (i)
			fputs(", ", out);
		if (ops) {
			put_str(out, g->nodes[ids[i]]->op_type);
		} else if (name && name[0]) {
			put_str(out, name);
		} else {
			snprintf(lab, sizeof(lab), "#%d", ids[i]);
			put_str(out, lab);
		}
	}
	putc(']', out);
}

static void put_dims(FILE *out, const struct gs_tensor *t)
{
	int i;

	if (!t) {
		fputs("null", out);
		return;
	}
	putc('[', out);
	for (i = 0; i < t->rank; i++)
		fprintf(out, "%s%lld", i ? ", " : "", (long long)t->dims[i]);
	putc(']', out);
}

static void put_param(FILE *out, const struct gs_param_diff *d)
{
	const struct gs_metrics *mt = &d->metrics;
	bool first = true;

	putc('{', out);
	put_key(out, &first, "a");
	put_str(out, d->name_a);
	put_key(out, &first, "b");
	put_str(out, d->name_b);
	put_key(out, &first, "class");
	put_str(out, gs_param_class_name(d->cls));
	put_key(out, &first, "entry");
	fprintf(out, "%d", d->entry);
	put_key(out, &first, "shape_a");
	put_dims(out, d->a);
	put_key(out, &first, "shape_b");
	put_dims(out, d->b);
	if (d->note[0]) {
		put_key(out, &first, "note");
		put_str(out, d->note);
	}
	if (d->has_metrics) {
		put_key(out, &first, "max_abs_diff");
		put_num(out, mt->max_abs_diff);
		put_key(out, &first, "mean_abs_diff");
		put_num(out, mt->mean_abs_diff);
		put_key(out, &first, "rel_l2");
		put_num(out, mt->rel_l2_defined ? mt->rel_l2 : NAN);
		put_key(out, &first, "cosine");
		put_num(out, mt->cosine);
		put_key(out, &first, "sqnr_db");
		put_num(out, mt->sqnr_defined ? mt->sqnr_db : NAN);
		put_key(out, &first, "sparsity_a");
		put_num(out, mt->sparsity_a);
		put_key(out, &first, "sparsity_b");
		put_num(out, mt->sparsity_b);
		put_key(out, &first, "newly_zero");
		fprintf(out, "%zu", mt->newly_zero);
		put_key(out, &first, "changed");
		fprintf(out, "%zu", mt->changed);
	}
	putc('}', out);
}

static void put_entry(FILE *out, const struct gs_match_entry *e)
{
	bool sub = (e->graph_a && e->graph_a->parent) || (e->graph_b && e->graph_b->parent);
	bool first = true;
	int k;

	putc('{', out);
	put_key(out, &first, "status");
	put_str(out, gs_match_status_name(e->status));
	put_key(out, &first, "a");
	put_names(out, e->graph_a, e->a, e->n_a, false);
	put_key(out, &first, "b");
	put_names(out, e->graph_b, e->b, e->n_b, false);
	put_key(out, &first, "ops_a");
	put_names(out, e->graph_a, e->a, e->n_a, true);
	put_key(out, &first, "ops_b");
	put_names(out, e->graph_b, e->b, e->n_b, true);
	put_key(out, &first, "changes");
	putc('[', out);
	for (k = 0; k < e->n_changes; k++) {
		fputs(k ? ", " : "", out);
		put_str(out, e->changes[k]);
	}
	putc(']', out);
	put_key(out, &first, "method");
	put_str(out, gs_match_method_name(e->method));
	put_key(out, &first, "score");
	put_num(out, e->score);
	put_key(out, &first, "ambiguous");
	fputs(e->ambiguous ? "true" : "false", out);
	if (e->pattern) {
		put_key(out, &first, "pattern");
		put_str(out, e->pattern);
	}
	if (sub) {
		put_key(out, &first, "subgraph");
		put_str(out, e->graph_a ? e->graph_a->name : e->graph_b->name);
	}
	putc('}', out);
}

int gs_match_write_json(const struct gs_match *m, FILE *out)
{
	const struct gs_match_summary *s = &m->summary;
	int i;

	fprintf(out, "{\"verdict\": {\"identical\": %s, \"structure\": %s, \"parameters\": %s, "
		"\"io\": %s},\n", m->verdict.identical ? "true" : "false",
		m->verdict.structure ? "true" : "false", m->verdict.parameters ? "true" : "false",
		m->verdict.io ? "true" : "false");
	fprintf(out, "\"summary\": {\"nodes_a\": %d, \"nodes_b\": %d", s->nodes_a, s->nodes_b);
	for (i = 0; i < GS_MATCH_STATUS_COUNT_; i++)
		fprintf(out, ", \"%s\": %d", gs_match_status_name(i), s->count[i]);
	fprintf(out, ", \"params_changed\": %d, \"edges_changed\": %d, \"io_mismatches\": %d},\n",
		s->params_changed, s->edges_changed, s->io_mismatches);
	fputs("\"nodes\": [", out);
	for (i = 0; i < m->n_entries; i++) {
		fputs(i ? ",\n " : "\n ", out);
		put_entry(out, &m->entries[i]);
	}
	fputs("],\n\"edges\": [", out);
	for (i = 0; i < m->n_edges; i++) {
		const struct gs_edge_diff *d = &m->edges[i];

		fprintf(out, "%s{\"entry\": %d, \"slot\": %d, \"from_a\": ", i ? ",\n " : "\n ",
			d->entry, d->slot);
		put_str(out, d->from_a);
		fputs(", \"from_b\": ", out);
		put_str(out, d->from_b);
		fputs(", \"text\": ", out);
		put_str(out, d->text);
		putc('}', out);
	}
	fputs("],\n\"parameters\": [", out);
	for (i = 0; i < m->n_params; i++) {
		fputs(i ? ",\n " : "\n ", out);
		put_param(out, &m->params[i]);
	}
	fputs("],\n\"io\": [", out);
	for (i = 0; i < m->n_io; i++) {
		const struct gs_io_diff *d = &m->io[i];

		fprintf(out, "%s{\"kind\": \"%s\", \"a\": ", i ? ",\n " : "\n ",
			d->is_output ? "output" : "input");
		put_str(out, d->name_a);
		fputs(", \"b\": ", out);
		put_str(out, d->name_b);
		fprintf(out, ", \"ok\": %s, \"text\": ", d->ok ? "true" : "false");
		put_str(out, d->text);
		putc('}', out);
	}
	fputs("],\n\"seconds\": ", out);
	put_num(out, m->seconds);
	fputs("}\n", out);
	return ferror(out) ? -1 : 0;
}
