/* Comparing two models tensor by tensor on the same inputs.
 *
 * Pairs come from the match: each 1:1 node entry pairs its outputs port by
 * port; a fused or folded group pairs the tensors that leave the group;
 * model outputs pair by position.  Per batch, A runs first and keeps only
 * the tensors that have a partner; B's run compares each partner as it is
 * produced and drops A's copy at once. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/compare.h"
#include "graphsmith/json.h"

void gs_compare_opts_init(struct gs_compare_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->rtol = 1e-4;
	o->atol = 1e-5;
	o->threshold_db = 30;
}

struct run_state {
	struct gs_compare *c;
	const struct gs_graph *ga, *gb;
	int *pair_of_a, *pair_of_b;	/* by value id: pair index, or -1 */
	struct gs_etensor **kept;	/* by pair: A's tensor of this batch */
	int order;
	/* A's tensors are kept for B in windows of A's execution, at most
	 * budget bytes at once (A's own peak), so a comparison never holds
	 * more than about twice what one model needs; a window that ends
	 * early makes another pass over A and B for the rest */
	size_t budget, kept_bytes;
	int seq, lo, stop;
	struct gs_error *err;
};

static char *dup_or_empty(const char *s)
{
	return gs_xstrdup(s ? s : "");
}

static void add_pair(struct gs_compare *c, int *alloc, const struct gs_graph *ga, int va,
		     const struct gs_graph *gb, int vb, bool is_output, int entry)
{
	const struct gs_value *a = ga->values[va], *b = gb->values[vb];
	struct gs_compare_pair *p;

	GS_GROW(c->pairs, c->n_pairs + 1, *alloc);
	p = &c->pairs[c->n_pairs++];
	memset(p, 0, sizeof(*p));
	p->tensor_a = dup_or_empty(a->name);
	p->tensor_b = dup_or_empty(b->name);
	p->node_a = dup_or_empty(a->producer >= 0 ? ga->nodes[a->producer]->name : "");
	p->node_b = dup_or_empty(b->producer >= 0 ? gb->nodes[b->producer]->name : "");
	p->op_a = dup_or_empty(a->producer >= 0 ? ga->nodes[a->producer]->op_type : "");
	p->op_b = dup_or_empty(b->producer >= 0 ? gb->nodes[b->producer]->op_type : "");
	p->is_output = is_output;
	p->vid_a = va;
	p->vid_b = vb;
	p->order = -1;
	p->entry = entry;
}

static bool in_group(const int *ids, int n, int node)
{
	int i;

	for (i = 0; i < n; i++)
		if (ids[i] == node)
			return true;
	return false;
}

/* Outputs of a group's nodes read outside the group (or graph outputs). */
static int group_exits(const struct gs_graph *g, const int *ids, int n, int *out, int max)
{
	int count = 0, i, j, u;

	for (i = 0; i < n; i++) {
		const struct gs_node *nd = g->nodes[ids[i]];

		for (j = 0; j < nd->n_outputs; j++) {
			const struct gs_value *v;
			bool leaves;

			if (nd->outputs[j] < 0)
				continue;
			v = g->values[nd->outputs[j]];
			leaves = v->is_graph_output;
			for (u = 0; u < v->n_uses && !leaves; u++)
				leaves = !in_group(ids, n, v->uses[u].node);
			if (leaves && v->kind == GS_VALUE_ACTIVATION && count < max)
				out[count++] = nd->outputs[j];
		}
	}
	return count;
}

static void make_pairs(struct gs_compare *c, const struct gs_model *a, const struct gs_model *b,
		       const struct gs_match *match, struct run_state *rs)
{
	const struct gs_graph *ga = a->graph, *gb = b->graph;
	int alloc = 0, e, j, i;

	rs->pair_of_a = gs_xmalloc(sizeof(int) * ((size_t)ga->n_values + 1));
	rs->pair_of_b = gs_xmalloc(sizeof(int) * ((size_t)gb->n_values + 1));
	for (i = 0; i < ga->n_values; i++)
		rs->pair_of_a[i] = -1;
	for (i = 0; i < gb->n_values; i++)
		rs->pair_of_b[i] = -1;
	for (e = 0; e < match->n_entries; e++) {
		const struct gs_match_entry *en = &match->entries[e];
		int xa[8], xb[8], na, nb;

		if (en->graph_a != ga || en->graph_b != gb || !en->n_a || !en->n_b)
			continue;
		if (en->n_a == 1 && en->n_b == 1) {
			const struct gs_node *na_ = ga->nodes[en->a[0]], *nb_ = gb->nodes[en->b[0]];

			for (na = 0, nb = 0, j = 0; j < na_->n_outputs && j < nb_->n_outputs && j < 8; j++) {
				if (na_->outputs[j] < 0 || nb_->outputs[j] < 0 ||
				    ga->values[na_->outputs[j]]->kind != GS_VALUE_ACTIVATION ||
				    gb->values[nb_->outputs[j]]->kind != GS_VALUE_ACTIVATION)
					continue;
				xa[na++] = na_->outputs[j];
				xb[nb++] = nb_->outputs[j];
			}
		} else {
			na = group_exits(ga, en->a, en->n_a, xa, 8);
			nb = group_exits(gb, en->b, en->n_b, xb, 8);
			if (na != nb)
				continue;
		}
		for (j = 0; j < na; j++) {
			if (rs->pair_of_a[xa[j]] >= 0 || rs->pair_of_b[xb[j]] >= 0)
				continue;
			rs->pair_of_a[xa[j]] = rs->pair_of_b[xb[j]] = c->n_pairs;
			add_pair(c, &alloc, ga, xa[j], gb, xb[j], false, e);
		}
	}
	/* model outputs by position: those already paired are marked */
	for (j = 0; j < ga->n_outputs && j < gb->n_outputs; j++) {
		int va = ga->outputs[j], vb = gb->outputs[j], p = rs->pair_of_a[va];

		c->n_outputs++;
		if (p >= 0 && rs->pair_of_b[vb] == p) {
			c->pairs[p].is_output = true;
			continue;
		}
		/* an output value can pair only once: unpair the node pairs */
		if (p >= 0)
			rs->pair_of_b[c->pairs[p].vid_b] = -1, c->pairs[p].vid_b = -1;
		if (rs->pair_of_b[vb] >= 0)
			rs->pair_of_a[c->pairs[rs->pair_of_b[vb]].vid_a] = -1,
				c->pairs[rs->pair_of_b[vb]].vid_a = -1;
		rs->pair_of_a[va] = rs->pair_of_b[vb] = c->n_pairs;
		add_pair(c, &alloc, ga, va, gb, vb, true, -1);
	}
	for (i = 0; i < c->n_pairs; i++)
		gs_metrics_acc_init(&c->pairs[i].acc, &(struct gs_metrics_opts){
			.atol = c->opts.atol, .rtol = c->opts.rtol });
	rs->kept = gs_xcalloc((size_t)c->n_pairs + 1, sizeof(*rs->kept));
}

static int observe_a(void *ctx, const struct gs_graph *g, const struct gs_node *n,
		     struct gs_etensor *const *outs, struct gs_error *err)
{
	struct run_state *rs = ctx;
	int j, p;

	if (g != rs->ga)
		return 0;
	for (j = 0; j < n->n_outputs; j++) {
		int seq;

		if (n->outputs[j] < 0 || !outs[j] || (p = rs->pair_of_a[n->outputs[j]]) < 0)
			continue;
		seq = rs->seq++;
		if (rs->c->pairs[p].order < 0)
			rs->c->pairs[p].order = seq;
		if (seq < rs->lo || rs->stop >= 0 || rs->c->pairs[p].is_output)
			continue;
		if (rs->kept_bytes && rs->kept_bytes + outs[j]->nbytes > rs->budget) {
			rs->stop = seq;		/* the next window starts here */
			continue;
		}
		gs_et_unref(rs->kept[p]);
		rs->kept[p] = gs_et_ref(outs[j]);
		rs->kept_bytes += outs[j]->nbytes;
	}
	(void)err;
	return 0;
}

static void fmt_shape(const struct gs_etensor *t, char *buf, size_t len)
{
	gs_format_dims(t->rank, t->dims, buf, len);
}

/* Both tensors' elements into the accumulator, decoded in chunks. */
static void feed(struct gs_metrics_acc *acc, const struct gs_etensor *a,
		 const struct gs_etensor *b)
{
	double abuf[1024], bbuf[1024];
	int64_t at, i, n, numel = a->numel < b->numel ? a->numel : b->numel;

	for (at = 0; at < numel; at += 1024) {
		n = numel - at < 1024 ? numel - at : 1024;
		for (i = 0; i < n; i++) {
			abuf[i] = gs_et_get(a, at + i);
			bbuf[i] = gs_et_get(b, at + i);
		}
		gs_metrics_acc_add(acc, abuf, bbuf, (size_t)n);
	}
}

static int bin_of(const struct gs_compare_pair *p, double v)
{
	double span = p->hist_hi - p->hist_lo;
	int k;

	if (!(span > 0))
		return 0;
	k = (int)((v - p->hist_lo) / span * GS_COMPARE_BINS);
	return k < 0 ? 0 : k >= GS_COMPARE_BINS ? GS_COMPARE_BINS - 1 : k;
}

/* Both activations' values over A's range of the first batch. */
static void histogram(struct gs_compare_pair *p, const struct gs_etensor *a,
		      const struct gs_etensor *b)
{
	int64_t i;

	if (!p->has_hist) {
		double lo = INFINITY, hi = -INFINITY;

		for (i = 0; i < a->numel; i++) {
			double v = gs_et_get(a, i);

			if (v < lo)
				lo = v;
			if (v > hi)
				hi = v;
		}
		if (!(lo <= hi))
			return;
		p->hist_lo = lo;
		p->hist_hi = hi;
		p->has_hist = true;
	}
	for (i = 0; i < a->numel; i++) {
		double va = gs_et_get(a, i), vb = gs_et_get(b, i);

		if (!isnan(va))
			p->hist_a[bin_of(p, va)]++;
		if (!isnan(vb))
			p->hist_b[bin_of(p, vb)]++;
	}
}

/* Feeds one batch of a pair into its accumulator. */
static void accumulate(struct gs_compare_pair *p, const struct gs_etensor *a,
		       const struct gs_etensor *b)
{
	int64_t cols, r, c;

	if (a->numel != b->numel || a->rank != b->rank ||
	    memcmp(a->dims, b->dims, sizeof(int64_t) * (size_t)a->rank)) {
		p->shape_differs = true;
		fmt_shape(a, p->shape_a, sizeof(p->shape_a));
		fmt_shape(b, p->shape_b, sizeof(p->shape_b));
		return;
	}
	fmt_shape(a, p->shape_a, sizeof(p->shape_a));
	fmt_shape(b, p->shape_b, sizeof(p->shape_b));
	p->compared = true;
	histogram(p, a, b);
	feed(&p->acc, a, b);
	/* class scores: rows along the last axis */
	cols = a->rank ? a->dims[a->rank - 1] : 0;
	if (p->is_output && gs_dtype_is_float(a->dtype) && cols > 1 && a->rank <= 2) {
		p->has_top1 = true;
		for (r = 0; r < a->numel / cols; r++) {
			int64_t ba = 0, bb = 0;

			for (c = 1; c < cols; c++) {
				if (gs_et_get(a, r * cols + c) > gs_et_get(a, r * cols + ba))
					ba = c;
				if (gs_et_get(b, r * cols + c) > gs_et_get(b, r * cols + bb))
					bb = c;
			}
			p->top1_agree += ba == bb;
			p->rows++;
		}
	}
}

void gs_compare_tensors(const struct gs_etensor *a, const struct gs_etensor *b,
			const struct gs_metrics_opts *opts, struct gs_metrics *out)
{
	struct gs_metrics_acc acc;

	gs_metrics_acc_init(&acc, opts);
	feed(&acc, a, b);
	gs_metrics_finish(&acc, out);
}

static int observe_b(void *ctx, const struct gs_graph *g, const struct gs_node *n,
		     struct gs_etensor *const *outs, struct gs_error *err)
{
	struct run_state *rs = ctx;
	int j, p;

	if (g != rs->gb)
		return 0;
	for (j = 0; j < n->n_outputs; j++) {
		if (n->outputs[j] < 0 || !outs[j] || (p = rs->pair_of_b[n->outputs[j]]) < 0)
			continue;
		if (rs->kept[p] && !rs->c->pairs[p].is_output) {
			accumulate(&rs->c->pairs[p], rs->kept[p], outs[j]);
			rs->kept_bytes -= rs->kept[p]->nbytes;
			gs_et_unref(rs->kept[p]);
			rs->kept[p] = NULL;
		}
	}
	(void)err;
	return 0;
}

/* B's inputs from A's samples: by name, else by position. */
static int inputs_for_b(const struct gs_eval *ea, const struct gs_eval *eb,
			const struct gs_samples *sa, struct gs_samples *sb, struct gs_error *err)
{
	int i, j;

	memset(sb, 0, sizeof(*sb));
	sb->n = gs_eval_n_inputs(eb);
	sb->inputs = gs_xcalloc((size_t)sb->n + 1, sizeof(*sb->inputs));
	sb->n_samples = sa->n_samples;
	sb->batch = sa->batch;
	for (i = 0; i < sb->n; i++) {
		for (j = 0; j < sa->n; j++)
			if (!strcmp(gs_eval_input(ea, j)->name, gs_eval_input(eb, i)->name))
				break;
		if (j == sa->n)
			j = i;
		if (j >= sa->n) {
			char b[128];

			gs_samples_release(sb);
			return gs_error_set(err, "B's input '%s' has no counterpart in A",
					    gs_escape(gs_eval_input(eb, i)->name, b, sizeof(b)));
		}
		sb->inputs[i] = gs_et_ref(sa->inputs[j]);
	}
	return 0;
}


/* A alone on the first batch: its peak is the window budget. */
static int measure_budget(struct gs_eval *ea, struct gs_etensor **ia, struct gs_etensor **oa,
			  struct run_state *rs, struct gs_error *err)
{
	int o, n = gs_eval_n_outputs(ea);
	size_t before = gs_eval_mem_reset_peak();

	gs_eval_set_observer(ea, NULL);
	if (gs_eval_run(ea, ia, oa, err)) {
		gs_error_prefix(err, "model A");
		gs_eval_set_observer(ea, &(struct gs_eval_observer){ observe_a, rs });
		return -1;
	}
	gs_eval_set_observer(ea, &(struct gs_eval_observer){ observe_a, rs });
	rs->budget = gs_eval_mem_peak() - before;
	if (rs->budget < ((size_t)1 << 20))
		rs->budget = (size_t)1 << 20;
	if (getenv("GS_COMPARE_WINDOW"))	/* tests: force many windows */
		rs->budget = (size_t)strtoull(getenv("GS_COMPARE_WINDOW"), NULL, 10);
	for (o = 0; o < n; o++)
		gs_et_unref(oa[o]), oa[o] = NULL;
	return 0;
}

/* The model outputs of one batch, by pair. */
static void compare_outputs(struct run_state *rs, struct gs_etensor **oa, int na,
			    struct gs_etensor **ob, int nb, const struct gs_etensor *labels,
			    const struct gs_samples *sa, int64_t at, int64_t runs,
			    struct gs_error *err)
{
	int o;

	for (o = 0; o < rs->c->n_pairs; o++) {
		struct gs_compare_pair *p = &rs->c->pairs[o];
		int ja, jb;

		if (!p->is_output)
			continue;
		for (ja = 0; ja < na && rs->ga->outputs[ja] != p->vid_a; ja++)
			;
		for (jb = 0; jb < nb && rs->gb->outputs[jb] != p->vid_b; jb++)
			;
		if (ja >= na || jb >= nb)
			continue;
		accumulate(p, oa[ja], ob[jb]);
		if (labels && p->has_top1 && ja == 0 && oa[ja]->dims[0] == sa->batch) {
			struct gs_etensor *lv = gs_et_rows((struct gs_etensor *)labels,
							   runs > 1 ? at * sa->batch : 0,
							   runs > 1 ? sa->batch : labels->numel);
			int64_t ca = 0, cb = 0;

			if (!gs_top1_correct(oa[ja], lv, &ca, err) &&
			    !gs_top1_correct(ob[jb], lv, &cb, err)) {
				p->correct_a += ca;
				p->correct_b += cb;
			}
			gs_et_unref(lv);
		}
	}
}

static int run_batches(struct gs_eval *ea, struct gs_eval *eb, const struct gs_samples *sa,
		       const struct gs_samples *sb, struct run_state *rs,
		       const struct gs_etensor *labels, struct gs_error *err)
{
	int na = gs_eval_n_outputs(ea), nb = gs_eval_n_outputs(eb), i, o;
	struct gs_etensor **ia = gs_xcalloc((size_t)sa->n + 1, sizeof(*ia));
	struct gs_etensor **ib = gs_xcalloc((size_t)sb->n + 1, sizeof(*ib));
	struct gs_etensor **oa = gs_xcalloc((size_t)na + 1, sizeof(*oa));
	struct gs_etensor **ob = gs_xcalloc((size_t)nb + 1, sizeof(*ob));
	int64_t runs = sa->batch > 0 && sa->batch < sa->n_samples ? sa->n_samples / sa->batch : 1;
	int64_t at;
	int rc = -1, round;

	for (at = 0; at < runs; at++) {
		for (i = 0; i < sa->n; i++)
			ia[i] = runs > 1 ? gs_et_rows(sa->inputs[i], at * sa->batch, sa->batch) :
				gs_et_ref(sa->inputs[i]);
		for (i = 0; i < sb->n; i++)
			ib[i] = runs > 1 ? gs_et_rows(sb->inputs[i], at * sb->batch, sb->batch) :
				gs_et_ref(sb->inputs[i]);
		if (at == 0 && measure_budget(ea, ia, oa, rs, err))
			goto out;
		rs->lo = 0;
		for (round = 0; rs->lo >= 0; round++) {
			rs->seq = 0;
			rs->stop = -1;
			rs->kept_bytes = 0;
			if (gs_eval_run(ea, ia, oa, err)) {
				gs_error_prefix(err, "model A");
				goto out;
			}
			if (gs_eval_run(eb, ib, ob, err)) {
				gs_error_prefix(err, "model B");
				goto out;
			}
			if (round == 0)
				compare_outputs(rs, oa, na, ob, nb, labels, sa, at, runs, err);
			for (o = 0; o < na; o++)
				gs_et_unref(oa[o]), oa[o] = NULL;
			for (o = 0; o < nb; o++)
				gs_et_unref(ob[o]), ob[o] = NULL;
			for (o = 0; o < rs->c->n_pairs; o++)
				gs_et_unref(rs->kept[o]), rs->kept[o] = NULL;
			rs->lo = rs->stop;
		}
		for (i = 0; i < sa->n; i++)
			gs_et_unref(ia[i]), ia[i] = NULL;
		for (i = 0; i < sb->n; i++)
			gs_et_unref(ib[i]), ib[i] = NULL;
		for (o = 0; o < na; o++)
			gs_et_unref(oa[o]), oa[o] = NULL;
		for (o = 0; o < nb; o++)
			gs_et_unref(ob[o]), ob[o] = NULL;
		for (o = 0; o < rs->c->n_pairs; o++)
			gs_et_unref(rs->kept[o]), rs->kept[o] = NULL;
	}
	rc = 0;
out:
	for (i = 0; i < sa->n; i++)
		gs_et_unref(ia[i]);
	for (i = 0; i < sb->n; i++)
		gs_et_unref(ib[i]);
	for (o = 0; o < na; o++)
		gs_et_unref(oa[o]);
	for (o = 0; o < nb; o++)
		gs_et_unref(ob[o]);
	free(ia), free(ib), free(oa), free(ob);
	return rc;
}

static int by_order(const void *x, const void *y)
{
	const struct gs_compare_pair *a = x, *b = y;
	int ka = a->is_output ? 1 : 0, kb = b->is_output ? 1 : 0;

	if (ka != kb)
		return ka - kb;
	if (a->order != b->order)
		return (a->order < 0 ? 1 << 30 : a->order) - (b->order < 0 ? 1 << 30 : b->order);
	return 0;
}

int gs_compare_models(const struct gs_model *a, const struct gs_model *b,
		      const struct gs_match *match, const struct gs_sample_spec *spec,
		      const struct gs_compare_opts *opts, struct gs_compare *c,
		      struct gs_error *err)
{
	struct gs_eval *ea = NULL, *eb = NULL;
	struct gs_samples sa = { 0 }, sb = { 0 };
	struct gs_etensor *labels = NULL;
	struct run_state rs = { 0 };
	int i, rc = -1;

	memset(c, 0, sizeof(*c));
	c->opts = *opts;
	c->first_divergence = -1;
	gs_eval_mem_reset_peak();
	if (!(ea = gs_eval_new(a, err))) {
		gs_error_prefix(err, "model A");
		goto out;
	}
	if (!(eb = gs_eval_new(b, err))) {
		gs_error_prefix(err, "model B");
		goto out;
	}
	gs_eval_record_shapes(ea, true);
	gs_eval_record_shapes(eb, true);
	if (gs_samples_load(ea, spec, &sa, err) || inputs_for_b(ea, eb, &sa, &sb, err))
		goto out;
	c->n_samples = sa.n_samples;
	if (opts->labels) {
		if (gs_labels_load(opts->labels, sa.n_samples, &labels, err))
			goto out;
		c->has_labels = true;
	}
	rs.c = c;
	rs.ga = a->graph;
	rs.gb = b->graph;
	rs.err = err;
	make_pairs(c, a, b, match, &rs);
	gs_eval_set_observer(ea, &(struct gs_eval_observer){ observe_a, &rs });
	gs_eval_set_observer(eb, &(struct gs_eval_observer){ observe_b, &rs });
	if (run_batches(ea, eb, &sa, &sb, &rs, labels, err))
		goto out;
	for (i = 0; i < c->n_pairs; i++) {
		struct gs_compare_pair *p = &c->pairs[i];

		if (!p->compared)
			continue;
		gs_metrics_finish(&p->acc, &p->m);
		p->within_tol = p->m.changed == 0;
	}
	c->peak_bytes = gs_eval_mem_peak();
	qsort(c->pairs, (size_t)c->n_pairs, sizeof(*c->pairs), by_order);
	for (i = 0; i < c->n_pairs; i++) {
		struct gs_compare_pair *p = &c->pairs[i];
		bool below = p->shape_differs || (p->compared && (!p->m.sqnr_defined ||
					     p->m.sqnr_db < opts->threshold_db));

		if (c->first_divergence < 0 && below)
			c->first_divergence = i;
		if (p->is_output && (p->shape_differs || !p->compared || !p->within_tol))
			c->outputs_failing++;
	}
	rc = 0;
out:
	free(rs.pair_of_a);
	free(rs.pair_of_b);
	if (rs.kept) {
		for (i = 0; i < c->n_pairs; i++)
			gs_et_unref(rs.kept[i]);
		free(rs.kept);
	}
	gs_et_unref(labels);
	gs_samples_release(&sa);
	gs_samples_release(&sb);
	gs_eval_free(ea);
	gs_eval_free(eb);
	if (rc)
		gs_compare_release(c);
	return rc;
}

const struct gs_compare_pair *gs_compare_of_entry(const struct gs_compare *c, int e)
{
	int i;

	for (i = 0; e >= 0 && i < c->n_pairs; i++)
		if (c->pairs[i].entry == e)
			return &c->pairs[i];
	return NULL;
}

const struct gs_compare_pair *gs_compare_of_tensor(const struct gs_compare *c, char side,
						   const char *name)
{
	int i;

	for (i = 0; i < c->n_pairs; i++)
		if (!strcmp(side == 'a' ? c->pairs[i].tensor_a : c->pairs[i].tensor_b, name))
			return &c->pairs[i];
	return NULL;
}

void gs_compare_release(struct gs_compare *c)
{
	int i;

	for (i = 0; i < c->n_pairs; i++) {
		struct gs_compare_pair *p = &c->pairs[i];

		free(p->tensor_a), free(p->tensor_b);
		free(p->node_a), free(p->node_b);
		free(p->op_a), free(p->op_b);
	}
	free(c->pairs);
	memset(c, 0, sizeof(*c));
}

/* ---- reports ---- */

static void fmt_sqnr(const struct gs_metrics *m, char *buf, size_t len)
{
	if (!m->sqnr_defined)
		snprintf(buf, len, "-inf");
	else if (isinf(m->sqnr_db))
		snprintf(buf, len, "exact");
	else
		snprintf(buf, len, "%.1f", m->sqnr_db);
}

static void print_pair(const struct gs_compare_pair *p, FILE *out, bool mark, int wa, int wb)
{
	char a[96], b[96], s[32];

	fprintf(out, "%s %-*s %-*s ", mark ? "!" : " ", wa, gs_escape(p->tensor_a, a, 64), wb,
		gs_escape(p->tensor_b, b, 64));
	if (p->shape_differs) {
		fprintf(out, "shape %s vs %s\n", p->shape_a, p->shape_b);
		return;
	}
	if (!p->compared) {
		fprintf(out, "not produced\n");
		return;
	}
	fmt_sqnr(&p->m, s, sizeof(s));
	fprintf(out, "%10.3g %10.3g %10.3g %9.6f %7s\n", p->m.max_abs_diff, p->m.mean_abs_diff,
		p->m.rel_l2_defined ? p->m.rel_l2 : NAN, p->m.cosine, s);
}

void gs_compare_print(const struct gs_compare *c, FILE *out)
{
	char b1[128], b2[128];
	int i, wa = 8, wb = 8;

	fprintf(out, "compared %d tensor pairs on %lld sample%s\n", c->n_pairs,
		(long long)c->n_samples, c->n_samples == 1 ? "" : "s");
	if (c->first_divergence >= 0) {
		const struct gs_compare_pair *p = &c->pairs[c->first_divergence];
		char s[32];

		fmt_sqnr(&p->m, s, sizeof(s));
		fprintf(out, "first divergence: '%s' (%s) <-> '%s' (%s): %s%s%s (threshold %.0f dB)\n",
			gs_escape(p->node_a[0] ? p->node_a : p->tensor_a, b1, sizeof(b1)), p->op_a,
			gs_escape(p->node_b[0] ? p->node_b : p->tensor_b, b2, sizeof(b2)), p->op_b,
			p->shape_differs ? "shapes differ" : "SQNR ", p->shape_differs ? "" : s,
			p->shape_differs ? "" : " dB", c->opts.threshold_db);
	} else {
		fprintf(out, "no divergence below %.0f dB\n", c->opts.threshold_db);
	}
	/* name columns as wide as the longest escaped name, 8..63 */
	for (i = 0; i < c->n_pairs; i++) {
		int la = (int)strlen(gs_escape(c->pairs[i].tensor_a, b1, 64));
		int lb = (int)strlen(gs_escape(c->pairs[i].tensor_b, b2, 64));

		wa = la > wa ? la : wa;
		wb = lb > wb ? lb : wb;
	}
	fprintf(out, "  %-*s %-*s %10s %10s %10s %9s %7s\n", wa, "tensor A", wb, "tensor B",
		"max abs", "mean abs", "rel L2", "cosine", "SQNR dB");
	for (i = 0; i < c->n_pairs; i++)
		print_pair(&c->pairs[i], out, i == c->first_divergence, wa, wb);
	for (i = 0; i < c->n_pairs; i++) {
		const struct gs_compare_pair *p = &c->pairs[i];

		if (!p->is_output || !p->compared)
			continue;
		fprintf(out, "output '%s' <-> '%s': %s", gs_escape(p->tensor_a, b1, sizeof(b1)),
			gs_escape(p->tensor_b, b2, sizeof(b2)),
			p->within_tol ? "agrees" : "differs");
		if (!p->within_tol)
			fprintf(out, " (%zu of %zu elements beyond rtol %g, atol %g)", p->m.changed,
				p->m.n, c->opts.rtol, c->opts.atol);
		if (p->has_top1)
			fprintf(out, "; top-1 agreement %.2f%% (%lld/%lld)",
				100.0 * (double)p->top1_agree / (double)p->rows,
				(long long)p->top1_agree, (long long)p->rows);
		if (c->has_labels && p->has_top1)
			fprintf(out, "; accuracy A %.4f, B %.4f",
				(double)p->correct_a / (double)c->n_samples,
				(double)p->correct_b / (double)c->n_samples);
		fputc('\n', out);
	}
	fprintf(out, "verdict: %s\n", c->outputs_failing ? "outputs differ" : "outputs agree");
}

static json_t *num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

json_t *gs_compare_json(const struct gs_compare *c)
{
	json_t *root = json_object(), *arr = json_array();
	int i;

	json_object_set_new(root, "samples", json_integer(c->n_samples));
	json_object_set_new(root, "threshold_db", json_real(c->opts.threshold_db));
	json_object_set_new(root, "rtol", json_real(c->opts.rtol));
	json_object_set_new(root, "atol", json_real(c->opts.atol));
	for (i = 0; i < c->n_pairs; i++) {
		const struct gs_compare_pair *p = &c->pairs[i];
		json_t *o = json_object();

		json_object_set_new(o, "tensor_a", gs_json_str(p->tensor_a));
		json_object_set_new(o, "tensor_b", gs_json_str(p->tensor_b));
		json_object_set_new(o, "node_a", gs_json_str(p->node_a));
		json_object_set_new(o, "node_b", gs_json_str(p->node_b));
		json_object_set_new(o, "op_a", gs_json_str(p->op_a));
		json_object_set_new(o, "op_b", gs_json_str(p->op_b));
		json_object_set_new(o, "output", json_boolean(p->is_output));
		json_object_set_new(o, "shape_a", json_string(p->shape_a));
		json_object_set_new(o, "shape_b", json_string(p->shape_b));
		if (p->compared) {
			json_object_set_new(o, "max_abs", num(p->m.max_abs_diff));
			json_object_set_new(o, "mean_abs", num(p->m.mean_abs_diff));
			json_object_set_new(o, "rel_l2", p->m.rel_l2_defined ? num(p->m.rel_l2) : json_null());
			json_object_set_new(o, "cosine", num(p->m.cosine));
			json_object_set_new(o, "sqnr_db", !p->m.sqnr_defined ? json_null() :
					    isinf(p->m.sqnr_db) ? json_string("exact") : num(p->m.sqnr_db));
			json_object_set_new(o, "within_tol", json_boolean(p->within_tol));
			json_object_set_new(o, "beyond_tol", json_integer((json_int_t)p->m.changed));
		}
		if (p->has_top1) {
			json_object_set_new(o, "top1_agree", json_integer(p->top1_agree));
			json_object_set_new(o, "rows", json_integer(p->rows));
		}
		if (c->has_labels && p->has_top1) {
			json_object_set_new(o, "accuracy_a", json_real((double)p->correct_a / (double)c->n_samples));
			json_object_set_new(o, "accuracy_b", json_real((double)p->correct_b / (double)c->n_samples));
		}
		json_array_append_new(arr, o);
	}
	json_object_set_new(root, "pairs", arr);
	json_object_set_new(root, "first_divergence",
			    c->first_divergence >= 0 ? json_integer(c->first_divergence) : json_null());
	json_object_set_new(root, "outputs_agree", json_boolean(!c->outputs_failing));
	json_object_set_new(root, "peak_tensor_bytes", json_integer((json_int_t)c->peak_bytes));
	return root;
}
