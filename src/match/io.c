/*
 * Model inputs and outputs: paired by name, else by position (anchor.c),
 * compared by dtype and shape, symbolic dims included.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/combine.h"
#include "match/internal.h"

static bool dims_equal(const struct gs_value *a, const struct gs_value *b)
{
	int i;

	if (a->rank != b->rank)
		return false;
	for (i = 0; i < a->rank; i++) {
		const char *pa = a->dims[i].param, *pb = b->dims[i].param;

		if ((pa || pb) ? (!pa || !pb || strcmp(pa, pb)) : a->dims[i].value != b->dims[i].value)
			return false;
	}
	return true;
}

static void shape_str(const struct gs_value *v, FILE *sb)
{
	char *t = gs_shape_text(v, false);

	fprintf(sb, "%s%s", gs_dtype_name(v->dtype), t);
	free(t);
}

/* The text becomes the match's; open_memstream grows as shapes need. */
static void own_text(struct gs_match_build *mb, struct gs_io_diff *d, FILE *sb, char **text)
{
	/* the stream sets *text on fclose */
	d->text = gs_match_own_string(mb, !fclose(sb) && *text ? *text : "");
	free(*text);
}

/* What would make them compatible: data for A's input fed to B's, B's
 * output read where A's was (combine.h's planner). */
static void adapter_text(const struct gs_value *from, const struct gs_value *to, FILE *sb)
{
	struct gs_adapter_plan plan;
	char why[256], d[256];

	if (gs_adapter_plan(from, to, &plan, why, sizeof(why))) {
		fprintf(sb, " (no adapter fits)");
		return;
	}
	gs_adapter_describe(&plan, d, sizeof(d));
	fprintf(sb, " (adapter: %s)", d);
}

static void add(struct gs_match_build *mb, const struct gs_value *a, const struct gs_value *b,
		bool is_output)
{
	struct gs_match *m = mb->m;
	struct gs_io_diff *d;
	char *text = NULL;
	size_t text_len = 0;
	FILE *sb = open_memstream(&text, &text_len);
	char na[256], nb[256];
	const char *what = is_output ? "output" : "input";
	bool same_type;

	GS_GROW(m->io, m->n_io + 1, mb->io_alloc);
	d = &m->io[m->n_io++];
	memset(d, 0, sizeof(*d));
	d->is_output = is_output;
	d->name_a = a ? a->name : NULL;
	d->name_b = b ? b->name : NULL;
	if (!sb) {
		d->text = gs_match_own_string(mb, what);
		return;
	}
	if (!a || !b) {
		fprintf(sb, "%s %s %s", what,
				 gs_escape(a ? a->name : b->name, na, sizeof(na)),
				 a ? "removed" : "added");
		own_text(mb, d, sb, &text);
		return;
	}
	same_type = a->dtype == b->dtype && dims_equal(a, b);
	d->renamed = strcmp(a->name, b->name) != 0;
	d->ok = same_type && !d->renamed;
	gs_escape(a->name, na, sizeof(na));
	gs_escape(b->name, nb, sizeof(nb));
	fprintf(sb, "%s %s", what, na);
	if (d->renamed)
		fprintf(sb, " renamed %s", nb);
	fprintf(sb, ": ");
	shape_str(a, sb);
	if (!same_type) {
		fprintf(sb, " -> ");
		shape_str(b, sb);
		adapter_text(is_output ? b : a, is_output ? a : b, sb);
	}
	own_text(mb, d, sb, &text);
}

static void side(struct gs_match_build *mb, struct mctx *c, const int *la, int na,
		 const int *lb, int nb, bool is_output)
{
	int i;

	for (i = 0; i < na; i++) {
		const struct gs_value *va = c->A.g->values[la[i]];
		int vb = c->A.vmatch[la[i]];

		if (va->kind == GS_VALUE_PARAM)
			continue;
		add(mb, va, vb >= 0 ? c->B.g->values[vb] : NULL, is_output);
	}
	for (i = 0; i < nb; i++) {
		const struct gs_value *vb = c->B.g->values[lb[i]];

		if (vb->kind != GS_VALUE_PARAM && c->B.vmatch[lb[i]] < 0)
			add(mb, NULL, vb, is_output);
	}
}

void gs_match_io_diff(struct gs_match_build *mb, struct mctx *c)
{
	side(mb, c, c->A.g->inputs, c->A.g->n_inputs, c->B.g->inputs, c->B.g->n_inputs, false);
	side(mb, c, c->A.g->outputs, c->A.g->n_outputs, c->B.g->outputs, c->B.g->n_outputs, true);
}
