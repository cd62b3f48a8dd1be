/*
 * The detail view: the selected node beside its counterpart.  Attributes
 * side by side, inputs and outputs with shapes, and for each parameter the
 * engine's metrics plus a histogram of its values before (A) and after (B)
 * on a common range, so pruning shows as a spike at zero and quantization
 * as a comb.  After `compare`, the row's activations too: the metrics of
 * B's against A's and both histograms.  Built once per selection (and
 * per command run), then only scrolled.
 */
#include <curses.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/info.h"
#include "graphsmith/params.h"
#include "tui/tui.h"

#define HIST_BINS 16
#define HIST_SAMPLE (1 << 20)	/* elements decoded at most per tensor */

struct dline {
	char *a, *b;			/* b NULL: one line across both halves */
	int role;
};

/* parameters per match entry (CSR), so opening the detail view does not
 * walk all 10^5 parameter records of a large model */
static struct {
	const struct gs_match *m;
	unsigned gen;
	int *off, *idx;
} pindex;

static void index_params(struct tui *t)
{
	const struct gs_match *m = t->match;
	int i, *fill;

	if (pindex.m == m && pindex.gen == t->gen)
		return;
	free(pindex.off);
	free(pindex.idx);
	pindex.m = m;
	pindex.gen = t->gen;
	pindex.off = gs_xcalloc((size_t)(m ? m->n_entries : 0) + 2, sizeof(int));
	pindex.idx = gs_xmalloc(sizeof(int) * ((size_t)(m ? m->n_params : 0) + 1));
	if (!m)
		return;
	for (i = 0; i < m->n_params; i++)
		if (m->params[i].entry >= 0 && m->params[i].entry < m->n_entries)
			pindex.off[m->params[i].entry + 1]++;
	for (i = 0; i < m->n_entries; i++)
		pindex.off[i + 1] += pindex.off[i];
	fill = gs_xcalloc((size_t)m->n_entries + 1, sizeof(int));
	for (i = 0; i < m->n_params; i++) {
		int e = m->params[i].entry;

		if (e >= 0 && e < m->n_entries)
			pindex.idx[pindex.off[e] + fill[e]++] = i;
	}
	free(fill);
}

static struct {
	unsigned gen, cmds;
	int sel;
	bool valid;
	struct dline *lines;
	int n, alloc;
} cache;

void tui_detail_free(void)
{
	int i;

	for (i = 0; i < cache.n; i++) {
		free(cache.lines[i].a);
		free(cache.lines[i].b);
	}
	free(cache.lines);
	memset(&cache, 0, sizeof(cache));
}

void tui_detail_release(void)
{
	tui_detail_free();
	free(pindex.off);
	free(pindex.idx);
	memset(&pindex, 0, sizeof(pindex));
}

static void add(const char *a, const char *b, int role)
{
	GS_GROW(cache.lines, cache.n + 1, cache.alloc);
	cache.lines[cache.n].a = gs_xstrdup(a ? a : "");
	cache.lines[cache.n].b = b ? gs_xstrdup(b) : NULL;
	cache.lines[cache.n++].role = role;
}

/* Decodes (a sample of) a tensor: calls fn on chunks of doubles. */
static int scan(const struct gs_tensor *tn, void (*fn)(void *ctx, const double *v, size_t n), void *ctx)
{
	double buf[1024];
	size_t n, at, step, total;

	if (!tn || !tn->data || tn->numel <= 0)
		return -1;
	total = (size_t)tn->numel;
	step = total > HIST_SAMPLE ? total / HIST_SAMPLE : 1;
	for (at = 0; at < total; at += n * step) {
		size_t k;

		n = (total - at + step - 1) / step;
		if (n > 1024)
			n = 1024;
		if (step == 1) {
			if (gs_decode_to_double(tn->dtype, tn->data, at, n, buf) < 0)
				return -1;
		} else {
			for (k = 0; k < n; k++)
				if (gs_decode_to_double(tn->dtype, tn->data, at + k * step, 1, buf + k) < 0)
					return -1;
		}
		fn(ctx, buf, n);
	}
	return 0;
}

struct range {
	double lo, hi;
	bool any;
};

static void range_fn(void *ctx, const double *v, size_t n)
{
	struct range *r = ctx;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!isfinite(v[i]))
			continue;
		if (!r->any || v[i] < r->lo)
			r->lo = v[i];
		if (!r->any || v[i] > r->hi)
			r->hi = v[i];
		r->any = true;
	}
}

int tui_tensor_range(const struct gs_tensor *tn, double *lo, double *hi)
{
	struct range r = { 0, 0, false };

	if (scan(tn, range_fn, &r) < 0 || !r.any)
		return -1;
	*lo = r.lo;
	*hi = r.hi;
	return 0;
}

struct hist {
	double lo, hi;
	uint64_t bin[HIST_BINS];
};

static void hist_fn(void *ctx, const double *v, size_t n)
{
	struct hist *h = ctx;
	size_t i;
	int b;

	for (i = 0; i < n; i++) {
		if (!isfinite(v[i]))
			continue;
		b = h->hi > h->lo ? (int)((v[i] - h->lo) / (h->hi - h->lo) * HIST_BINS) : HIST_BINS / 2;
		h->bin[b < 0 ? 0 : b >= HIST_BINS ? HIST_BINS - 1 : b]++;
	}
}

const char *tui_histogram_bins(const uint64_t *bin, int n, bool utf8, char *buf, size_t len)
{
	static const char *const blocks[] = {
		" ", "\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586", "\u2587", "\u2588",
	};
	static const char ascii[] = " .:-=+*#@";
	uint64_t max = 0;
	size_t o = 0;
	int i, level;

	buf[0] = '\0';
	for (i = 0; i < n; i++)
		if (bin[i] > max)
			max = bin[i];
	for (i = 0; i < n && o + 4 < len; i++) {
		/* 1..8 for any non-empty bin, so a lone outlier stays visible */
		level = !bin[i] ? 0 : 1 + (int)((bin[i] * 7) / (max ? max : 1));
		if (utf8) {
			memcpy(buf + o, blocks[level], strlen(blocks[level]));
			o += strlen(blocks[level]);
		} else {
			buf[o++] = ascii[level];
		}
	}
	buf[o] = '\0';
	return buf;
}

const char *tui_histogram(const struct gs_tensor *tn, double lo, double hi, bool utf8,
			  char *buf, size_t len)
{
	struct hist h;

	memset(&h, 0, sizeof(h));
	h.lo = lo;
	h.hi = hi;
	buf[0] = '\0';
	if (scan(tn, hist_fn, &h) < 0)
		return buf;
	return tui_histogram_bins(h.bin, HIST_BINS, utf8, buf, len);
}

static void format_attr(const struct gs_attr *at, char *buf, size_t len)
{
	size_t o = 0;
	int i;

	switch (at->type) {
	case GS_ATTR_FLOAT: snprintf(buf, len, "%g", (double)at->f); return;
	case GS_ATTR_INT: snprintf(buf, len, "%lld", (long long)at->i); return;
	case GS_ATTR_STRING: {
		char eb[200];

		snprintf(buf, len, "'%s'", gs_escape(at->s ? at->s : "", eb, sizeof(eb)));
		return;
	}
	case GS_ATTR_INTS: case GS_ATTR_FLOATS:
		o += (size_t)snprintf(buf, len, "[");
		for (i = 0; i < at->n && o + 2 < len; i++) {
			if (at->type == GS_ATTR_INTS)
				o += (size_t)snprintf(buf + o, len - o, "%s%lld", i ? "," : "", (long long)at->ints[i]);
			else
				o += (size_t)snprintf(buf + o, len - o, "%s%g", i ? "," : "", (double)at->floats[i]);
		}
		if (o + 1 < len)
			snprintf(buf + o, len - o, "]");
		return;
	case GS_ATTR_TENSOR: {
		char db[96];

		snprintf(buf, len, "tensor %s %s", at->t ? gs_dtype_name(at->t->dtype) : "?",
			 at->t ? gs_format_dims(at->t->rank, at->t->dims, db, sizeof(db)) : "");
		return;
	}
	case GS_ATTR_GRAPH: snprintf(buf, len, "graph"); return;
	case GS_ATTR_GRAPHS: snprintf(buf, len, "%d graphs", at->n); return;
	default: snprintf(buf, len, "(type %d)", at->type); return;
	}
}

/* " = Constant [1, 32]": the value of a Constant folded into this row,
 * its first few elements. */
static void const_preview(struct tui *t, int side, const struct gs_graph *g, int vid,
			  char *buf, size_t len)
{
	const struct gs_value *v = g->values[vid];
	const struct gs_model *m = gs_workspace_shown(t->ws, side, NULL, NULL);
	struct gs_error err;
	float *f;
	size_t o;
	int64_t i;

	buf[0] = '\0';
	if (v->producer < 0 || !gs_rows_foldable_const(g, v->producer) || !v->param || !m)
		return;
	o = (size_t)snprintf(buf, len, " = Constant");
	if (!(f = gs_param_floats(m, v->param, &err)))
		return;
	for (i = 0; i < v->param->numel && i < 6 && o + 16 < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%.4g", i ? ", " : " [", (double)f[i]);
	if (i)
		snprintf(buf + o, len - o, "%s]", i < v->param->numel ? ", ..." : "");
	free(f);
}

static void values(struct tui *t, const char *title, const struct gs_graph *ga, const struct gs_node *na,
		   const struct gs_graph *gb, const struct gs_node *nb, bool outputs)
{
	int ca = na ? (outputs ? na->n_outputs : na->n_inputs) : 0;
	int cb = nb ? (outputs ? nb->n_outputs : nb->n_inputs) : 0;
	int i, s;
	char text[2][512], eb[256], sb[128], cv[160];

	add(title, NULL, ROLE_HEADING);
	for (i = 0; i < (ca > cb ? ca : cb); i++) {
		for (s = 0; s < 2; s++) {
			const struct gs_graph *g = s ? gb : ga;
			const struct gs_node *n = s ? nb : na;
			int c = s ? cb : ca, vid;
			const struct gs_value *v;

			text[s][0] = '\0';
			if (i >= c)
				continue;
			vid = outputs ? n->outputs[i] : n->inputs[i];
			if (vid < 0) {
				snprintf(text[s], sizeof(text[s]), "  %d (omitted)", i);
				continue;
			}
			v = g->values[vid];
			cv[0] = '\0';
			if (!outputs)
				const_preview(t, s, g, vid, cv, sizeof(cv));
			snprintf(text[s], sizeof(text[s]), "  %d %s %s %s%s%s", i, tui_escape(t, v->name, eb, sizeof(eb)),
				 v->dtype ? gs_dtype_name(v->dtype) : "?", gs_format_shape(v, sb, sizeof(sb)),
				 v->kind == GS_VALUE_PARAM && !cv[0] ? " param" : "", cv);
		}
		add(text[0], text[1], ROLE_NORMAL);
	}
}

static void attrs(struct tui *t, const struct gs_node *na, const struct gs_node *nb)
{
	char text[2][1024], vb[400], eb[128];
	int i, s;

	add("attributes", NULL, ROLE_HEADING);
	for (s = 0; s < 2; s++) {
		const struct gs_node *n = s ? nb : na, *o = s ? na : nb;

		for (i = 0; n && i < n->n_attrs; i++) {
			const struct gs_attr *at = &n->attrs[i], *ot;
			char ob[400];

			ot = o ? gs_node_attr(o, at->name) : NULL;
			if (s && ot)
				continue;	/* shown from A's side */
			format_attr(at, vb, sizeof(vb));
			snprintf(text[s], sizeof(text[s]), "  %s = %s", tui_escape(t, at->name, eb, sizeof(eb)), vb);
			if (ot) {
				format_attr(ot, ob, sizeof(ob));
				snprintf(text[!s], sizeof(text[!s]), "  %s = %s", eb, ob);
			} else {
				text[!s][0] = '\0';
			}
			add(text[0], text[1], ot && !strcmp(vb, ob) ? ROLE_NORMAL : ROLE_CHANGED);
		}
	}
}

/* The tensor of a parameter by name when the match gives only the name. */
static const struct gs_tensor *param_tensor(const struct gs_graph *g, const char *name,
					    const struct gs_tensor *tn)
{
	int v;

	if (tn || !g || !name || (v = gs_graph_find_value(g, name)) < 0)
		return tn;
	return g->values[v]->param;
}

static void param_lines(struct tui *t, const struct gs_row *r, const struct gs_param_diff *pd)
{
	char text[2][512], na[128], nb[128], db[96], hist[2][128], m1[64], m2[64];
	double lo = 0, hi = 0, l2, h2;
	struct gs_param_diff copy = *pd, *p = &copy;
	bool ra, rb;

	p->a = param_tensor(r->ga, p->name_a, p->a);
	p->b = param_tensor(r->gb, p->name_b, p->b);
	ra = !tui_tensor_range(p->a, &lo, &hi);
	rb = !tui_tensor_range(p->b, &l2, &h2);
	if (rb && (!ra || l2 < lo))
		lo = l2;
	if (rb && (!ra || h2 > hi))
		hi = h2;
	snprintf(text[0], sizeof(text[0]), "  %s %s %s", p->name_a ? tui_escape(t, p->name_a, na, sizeof(na)) : "-",
		 p->a ? gs_dtype_name(p->a->dtype) : "",
		 p->rank_a >= 0 ? gs_format_dims(p->rank_a, p->dims_a, db, sizeof(db)) : "");
	snprintf(text[1], sizeof(text[1]), "  %s %s %s", p->name_b ? tui_escape(t, p->name_b, nb, sizeof(nb)) : "-",
		 p->b ? gs_dtype_name(p->b->dtype) : "",
		 p->rank_b >= 0 ? gs_format_dims(p->rank_b, p->dims_b, db, sizeof(db)) : "");
	add(text[0], text[1], p->cls > GS_PARAM_EQUAL_WITHIN_TOL ? ROLE_PARAM : ROLE_NORMAL);
	if (p->has_metrics) {
		const struct gs_metrics *m = &p->metrics;

		gs_format_db(m->sqnr_db, m->sqnr_defined, m2, sizeof(m2));
		snprintf(m1, sizeof(m1), "%.4g", m->cosine);
		snprintf(text[0], sizeof(text[0]), "    %s  max|d| %.3g  cos %s  SQNR %s  sparsity %.1f%% -> %.1f%%",
			 gs_param_class_name(p->cls), m->max_abs_diff, m1, m2,
			 100 * m->sparsity_a, 100 * m->sparsity_b);
		add(text[0], NULL, p->cls > GS_PARAM_EQUAL_WITHIN_TOL ? ROLE_PARAM : ROLE_DIM);
	} else {
		snprintf(text[0], sizeof(text[0]), "    %s", gs_param_class_name(p->cls));
		add(text[0], NULL, ROLE_DIM);
	}
	if (p->note[0])
		add(p->note, NULL, ROLE_DIM);
	if (ra || rb) {
		snprintf(text[0], sizeof(text[0]), "    %s  [%.3g, %.3g]",
			 tui_histogram(p->a, lo, hi, t->utf8, hist[0], sizeof(hist[0])), lo, hi);
		snprintf(text[1], sizeof(text[1]), "    %s",
			 tui_histogram(p->b, lo, hi, t->utf8, hist[1], sizeof(hist[1])));
		add(text[0], text[1], ROLE_NORMAL);
	}
}

/* One compared pair of activations: names and shapes side by side, the
 * metrics, then both histograms on A's range. */
static void pair_lines(struct tui *t, const struct gs_compare *c, int i)
{
	const struct gs_compare_pair *p = &c->pairs[i];
	const struct gs_metrics *m = &p->m;
	char text[2][512], na[192], nb[192], val[16], db[32], hist[2][128];
	int role = tui_pair_cell(p, val, sizeof(val));

	snprintf(text[0], sizeof(text[0]), "  %s %s%s", tui_escape(t, p->tensor_a, na, sizeof(na)),
		 p->shape_a, p->is_output ? " output" : "");
	snprintf(text[1], sizeof(text[1]), "  %s %s%s", tui_escape(t, p->tensor_b, nb, sizeof(nb)),
		 p->shape_b, p->is_output ? " output" : "");
	add(text[0], text[1], role == ROLE_MATCHED ? ROLE_NORMAL : role);
	if (i == c->first_divergence)
		add("    ! first divergence", NULL, ROLE_ERROR);
	if (p->shape_differs) {
		add("    shapes differ: not compared", NULL, ROLE_REMOVED);
		return;
	}
	if (!p->compared) {
		add("    not produced on one side", NULL, ROLE_DIM);
		return;
	}
	gs_format_db(m->sqnr_db, m->sqnr_defined, db, sizeof(db));
	snprintf(text[0], sizeof(text[0]),
		 "    max abs %.3g  mean abs %.3g  rel L2 %.3g  cosine %.6f  SQNR %s",
		 m->max_abs_diff, m->mean_abs_diff, m->rel_l2_defined ? m->rel_l2 : NAN,
		 m->cosine, db);
	add(text[0], NULL, role == ROLE_MATCHED ? ROLE_NORMAL : role);
	if (p->is_output) {
		snprintf(text[0], sizeof(text[0]), "    %s", p->within_tol ? "within tolerance" :
			 "beyond tolerance");
		if (p->has_top1 && p->rows > 0)
			snprintf(text[0] + strlen(text[0]), sizeof(text[0]) - strlen(text[0]),
				 ", top-1 agreement %.2f%%", 100.0 * (double)p->top1_agree / (double)p->rows);
		add(text[0], NULL, p->within_tol ? ROLE_DIM : ROLE_CHANGED);
	}
	if (p->has_hist) {
		snprintf(text[0], sizeof(text[0]), "    %s  [%.3g, %.3g]",
			 tui_histogram_bins(p->hist_a, GS_COMPARE_BINS, t->utf8, hist[0], sizeof(hist[0])),
			 p->hist_lo, p->hist_hi);
		snprintf(text[1], sizeof(text[1]), "    %s",
			 tui_histogram_bins(p->hist_b, GS_COMPARE_BINS, t->utf8, hist[1], sizeof(hist[1])));
		add(text[0], text[1], ROLE_NORMAL);
	}
}

/* The activations of the row's entry from the last `compare`, if any. */
static void compare_lines(struct tui *t, const struct gs_row *r)
{
	const struct gs_compare *c = t->ws->compare;
	int i, shown = 0;

	if (!c)
		return;
	add("activations (compare)", NULL, ROLE_HEADING);
	for (i = 0; r->entry >= 0 && i < c->n_pairs; i++)
		if (c->pairs[i].entry == r->entry) {
			pair_lines(t, c, i);
			shown++;
		}
	if (!shown)
		add("  (no pair compared)", NULL, ROLE_DIM);
}

static void build(struct tui *t, const struct gs_row *r)
{
	const struct gs_node *na = r->a >= 0 ? r->ga->nodes[r->a] : NULL;
	const struct gs_node *nb = r->b >= 0 ? r->gb->nodes[r->b] : NULL;
	const struct gs_match_entry *e = t->match && r->entry >= 0 ? &t->match->entries[r->entry] : NULL;
	char text[2][512], eb[256], ob[128];
	int i, shown = 0;

	for (i = 0; i < 2; i++) {
		const struct gs_node *n = i ? nb : na;

		if (n)
			snprintf(text[i], sizeof(text[i]), "%c: %s %s", i ? 'B' : 'A',
				 tui_escape(t, n->op_type, ob, sizeof(ob)),
				 n->name[0] ? tui_escape(t, n->name, eb, sizeof(eb)) : "-");
		else
			snprintf(text[i], sizeof(text[i]), "%c: (no counterpart)", i ? 'B' : 'A');
	}
	add(text[0], text[1], ROLE_HEADING);
	if (e) {
		snprintf(text[0], sizeof(text[0]), "%s by %s, score %.2f%s%s%s",
			 gs_match_status_name(e->status), gs_match_method_name(e->method), (double)e->score,
			 e->pattern ? ", " : "", e->pattern ? e->pattern : "", e->ambiguous ? ", ambiguous" : "");
		add(text[0], NULL, tui_status_role(e->status));
		for (i = 0; i < e->n_changes; i++)
			add(e->changes[i], NULL, ROLE_CHANGED);
	}
	attrs(t, na, nb);
	values(t, "inputs", r->ga, na, r->gb, nb, false);
	values(t, "outputs", r->ga, na, r->gb, nb, true);
	compare_lines(t, r);
	add("parameters", NULL, ROLE_HEADING);
	index_params(t);
	for (i = 0; t->match && r->entry >= 0 && r->entry < t->match->n_entries &&
	     i < pindex.off[r->entry + 1] - pindex.off[r->entry]; i++) {
		param_lines(t, r, &t->match->params[pindex.idx[pindex.off[r->entry] + i]]);
		shown++;
	}
	if (!shown)
		add("  (none compared)", NULL, ROLE_DIM);
	add("Enter/Escape closes, j/k scroll, e explains the op", NULL, ROLE_DIM);
}

void tui_draw_detail(struct tui *t)
{
	const struct gs_row *r = tui_sel_row(t);
	int wa = (t->cols - 1) / 2, y, i;

	if (!cache.valid || cache.gen != t->gen || cache.sel != t->sel || cache.cmds != t->cmds) {
		/* a command (compare) on the same row keeps the scroll */
		bool same = cache.valid && cache.gen == t->gen && cache.sel == t->sel;

		tui_detail_free();
		if (r)
			build(t, r);
		cache.valid = true;
		cache.gen = t->gen;
		cache.sel = t->sel;
		cache.cmds = t->cmds;
		if (!same)
			t->detail_top = 0;
	}
	if (t->detail_top > cache.n - 1)
		t->detail_top = cache.n > 0 ? cache.n - 1 : 0;
	for (y = 0; y < t->pane_h; y++) {
		move(t->pane_y + y, 0);
		clrtoeol();
		i = t->detail_top + y;
		if (i >= cache.n)
			continue;
		if (!cache.lines[i].b) {
			tui_put(t->pane_y + y, 0, t->cols, cache.lines[i].a,
				tui_attr(t, (enum tui_role)cache.lines[i].role));
			continue;
		}
		tui_put(t->pane_y + y, 0, wa, cache.lines[i].a, tui_attr(t, (enum tui_role)cache.lines[i].role));
		tui_put(t->pane_y + y, wa, 1, t->utf8 ? "\u2502" : "|", tui_attr(t, ROLE_DIM));
		tui_put(t->pane_y + y, wa + 1, t->cols - wa - 1, cache.lines[i].b,
			tui_attr(t, (enum tui_role)cache.lines[i].role));
	}
}
