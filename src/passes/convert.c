/*
 * Opset conversion: the driver (steps, graphs, nodes), the transaction
 * that makes the conversion all or nothing, and the report.  The adapters
 * themselves are in convert-adapters.c, what they know of values and how
 * they rewrite (the gs_cv_* helpers) in convert-util.c, below both.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/ops.h"
#include "passes/convert-internal.h"
#include "passes/fuse-internal.h"

/* ---- the transaction: edits held back until the conversion succeeded ---- */

struct txn {
	struct gs_journal journal;
	const struct gs_journal *outer;
	struct gs_edit *e;
	int n, alloc;
};

static void txn_record(void *ctx, struct gs_edit *e)
{
	struct txn *t = ctx;

	GS_GROW(t->e, t->n + 1, t->alloc);
	t->e[t->n++] = *e;
}

static void txn_begin(struct gs_model *m, struct txn *t)
{
	memset(t, 0, sizeof(*t));
	t->journal.record = txn_record;
	t->journal.ctx = t;
	t->outer = m->journal;
	gs_model_set_journal(m, &t->journal);
}

/* Hands every edit to the journal that was installed (the history's
 * open step), in order: to it the conversion is one run of edits. */
static void txn_commit(struct gs_model *m, struct txn *t)
{
	int i;

	gs_model_set_journal(m, t->outer);
	for (i = 0; i < t->n; i++) {
		if (t->outer && !m->journal_muted)
			t->outer->record(t->outer->ctx, &t->e[i]);
		else
			gs_edit_release(&t->e[i]);
	}
	free(t->e);
}

static void txn_rollback(struct gs_model *m, struct txn *t)
{
	int i;

	gs_model_set_journal(m, t->outer);
	for (i = t->n - 1; i >= 0; i--) {
		gs_edit_undo(m, &t->e[i]);
		gs_edit_release(&t->e[i]);
	}
	free(t->e);
}

/* ---- dtypes, propagated like gs_op_infer_ranks propagates ranks ---- */

static int *infer_dtypes(struct gs_graph *g, const int *order, int n_order)
{
	int *dt = gs_xcalloc((size_t)g->n_values + 1, sizeof(int));
	int i, k;

	for (i = 0; i < g->n_values; i++) {
		const struct gs_value *v = g->values[i];

		dt[i] = v->kind == GS_VALUE_PARAM && v->param ? v->param->dtype : v->dtype;
		if (v->kind == GS_VALUE_OUTER && v->outer)
			dt[i] = v->outer->dtype;
	}
	for (i = 0; i < n_order; i++) {
		const struct gs_node *n = g->nodes[order[i]];
		const struct gs_op *op;
		int out = n->n_outputs > 0 ? n->outputs[0] : -1, d = 0;

		if (n->removed || out < 0 || dt[out] || (n->domain[0] && strcmp(n->domain, "ai.onnx")))
			continue;
		op = gs_op_facts("", n->op_type);
		if (op && op->out_dtype)
			d = op->out_dtype;
		else if (!strcmp(n->op_type, "Cast"))
			d = (int)gs_node_attr_int(n, "to", 0);
		else if (!strcmp(n->op_type, "CastLike") && gs_cv_has_input(n, 1))
			d = dt[n->inputs[1]];
		else if (!strcmp(n->op_type, "Shape") || !strcmp(n->op_type, "Size") ||
			 !strcmp(n->op_type, "NonZero") || !strcmp(n->op_type, "ArgMax") ||
			 !strcmp(n->op_type, "ArgMin"))
			d = GS_DTYPE_INT64;
		else if (!strcmp(n->op_type, "QuantizeLinear") || !strcmp(n->op_type, "ConstantOfShape") ||
			 !strcmp(n->op_type, "DequantizeLinear") || !strcmp(n->op_type, "If") ||
			 !strcmp(n->op_type, "Loop") || !strcmp(n->op_type, "Scan"))
			d = 0;		/* from an attribute or a body: not guessed */
		else
			for (k = 0; k < n->n_inputs && !d; k++)
				if (n->inputs[k] >= 0)
					d = dt[n->inputs[k]];
		dt[out] = d;
		/* Split's outputs all have the input's type */
		if (!strcmp(n->op_type, "Split"))
			for (k = 1; k < n->n_outputs; k++)
				if (n->outputs[k] >= 0 && !dt[n->outputs[k]])
					dt[n->outputs[k]] = d;
	}
	return dt;
}

/* ---- the driver ---- */

/* The IR version moves with the opset: up to the table's at least, down
 * to it at most (an older IR than the table's is left as it is: the
 * file's own choice, which readers of the older opset accept).  Below 4
 * the setter lists every initializer as a graph input. */
static void set_ir(struct gs_model *m, bool up, int64_t ir)
{
	if (up ? m->ir_version < ir : m->ir_version > ir)
		gs_model_set_ir_version(m, ir);
}

struct tally {
	const char *label;
	int count;
};

struct run {
	struct gs_model *m;
	unsigned flags;
	gs_convert_report_fn report;
	void *ctx;
	struct tally *tally;
	int n_tally, tally_alloc;
	int rewrites, refusals;
	char first[1024];		/* the first refusal, for err */
	struct gs_graph **graphs;	/* nodes of graphs[i] with id >= start[i] */
	int *start, n_graphs;		/* are this conversion's own */
};

static void say(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(struct run *r, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (!r->report)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	r->report(r->ctx, buf);
}

static void count(struct run *r, const char *label)
{
	int i;

	r->rewrites++;
	for (i = 0; i < r->n_tally; i++) {
		if (!strcmp(r->tally[i].label, label)) {
			r->tally[i].count++;
			return;
		}
	}
	GS_GROW(r->tally, r->n_tally + 1, r->tally_alloc);
	r->tally[r->n_tally].label = label;
	r->tally[r->n_tally++].count = 1;
}

/* A node this conversion made was replaced again (Upsample rewritten at
 * 9, then -> Resize at 10): it counts once, as the replacement. */
static void recount(struct run *r, const char *was, const char *label)
{
	int i;

	for (i = 0; i < r->n_tally; i++) {
		if (!strcmp(r->tally[i].label, was) && r->tally[i].count > 0) {
			if (!--r->tally[i].count) {
				memmove(r->tally + i, r->tally + i + 1,
					sizeof(*r->tally) * (size_t)(r->n_tally - i - 1));
				r->n_tally--;
			}
			r->rewrites--;
			count(r, label);
			return;
		}
	}
}

static bool own_node(const struct run *r, const struct gs_graph *g, int id)
{
	int i;

	for (i = 0; i < r->n_graphs; i++)
		if (r->graphs[i] == g)
			return id >= r->start[i];
	return true;		/* a graph made during the conversion */
}

static const struct cv_adapter *find_adapter(const char *op, int v)
{
	const struct cv_adapter *a;

	for (a = gs_cv_adapters; a->op; a++)
		if (a->v == v && !strcmp(a->op, op))
			return a;
	return NULL;
}

static bool has_version(const int *list, int n, int v)
{
	int i;

	for (i = 0; i < n && list[i]; i++)
		if (list[i] == v)
			return true;
	return false;
}

static int convert_node(struct cv *c, struct gs_node *n)
{
	const struct gs_op *op = gs_op_facts("", n->op_type);
	const struct cv_adapter *a = find_adapter(n->op_type, c->v);
	cv_fn fn = a ? (c->up ? a->up : a->down) : NULL;
	int r;

	if (!op)
		return gs_cv_refuse(c, "'%s' is unknown to graphsmith's op registry, so whether it "
				    "changed at opset %d cannot be told", n->op_type, c->v);
	if (!c->up && !gs_op_find("", n->op_type, c->to) && !fn)
		return gs_cv_refuse(c, "'%s' does not exist before opset %d and graphsmith has no "
				    "rewrite for it", n->op_type, c->v);
	if (!c->up && c->v == 11) {
		/* axes counted from the end appeared at 11 */
		if ((r = gs_cv_down_negative_axes(c, n)) < 0)
			return r;
	}
	if (fn)
		return fn(c, n);
	if (!has_version(op->changed, 12, c->v))
		return 0;
	if (has_version(op->breaks, 8, c->v))
		return gs_cv_refuse(c, "'%s' changed meaning at opset %d and graphsmith has no "
				    "rewrite for it", n->op_type, c->v);
	return 0;	/* a change that keeps the model's meaning (types, docs) */
}

static int step_graph(struct run *r, struct cv *c, struct gs_error *err)
{
	struct gs_graph *g = c->g;
	int *order, n_order, i, n0, res;

	if (!(order = gs_fuse_order(g, &n_order, err)))
		return -1;
	c->rank = gs_op_infer_ranks(g, order, n_order);
	c->dtype = infer_dtypes(g, order, n_order);
	c->n_known = g->n_values;
	free(order);
	n0 = g->n_nodes;
	for (i = 0; i < n0; i++) {
		struct gs_node *n = g->nodes[i];
		char name[256];
		bool own;

		if (n->removed || (n->domain[0] && strcmp(n->domain, "ai.onnx")))
			continue;
		snprintf(name, sizeof(name), "%s", gs_cv_name(c, n));
		own = own_node(r, g, n->id);
		c->label = NULL;
		c->what[0] = c->why[0] = 0;
		res = convert_node(c, n);
		if (res > 0) {
			if (!own)
				count(r, c->label);
			else if (strstr(c->label, " -> "))
				recount(r, n->op_type, c->label);
			if (r->flags & GS_CONVERT_LIST)
				say(r, "%lld -> %lld: %s '%s': %s", (long long)c->from, (long long)c->to,
				    n->op_type, name, c->what);
		} else if (res < 0) {
			say(r, "refused: node '%s' (%s), opset %lld -> %lld: %s", name, n->op_type,
			    (long long)c->from, (long long)c->to, c->why);
			if (!r->refusals++)
				snprintf(r->first, sizeof(r->first), "node '%s' (%s), opset %lld -> %lld: %s",
					 name, n->op_type, (long long)c->from, (long long)c->to, c->why);
		}
	}
	free(c->rank);
	free(c->dtype);
	c->rank = c->dtype = NULL;
	return 0;
}

static int run_steps(struct run *r, int64_t from, int64_t target, struct gs_error *err)
{
	int64_t cur = from;
	struct gs_graph **gs;
	int count_g, i;

	while (cur != target) {
		struct cv c;

		memset(&c, 0, sizeof(c));
		c.m = r->m;
		c.from = cur;
		c.to = cur < target ? cur + 1 : cur - 1;
		c.up = c.to > c.from;
		c.v = (int)(c.up ? c.to : c.from);
		/* first the import, so that initializers added for the new
		 * opset see its IR (no IR-3 graph-input listing above 8) */
		gs_model_set_opset(r->m, "", c.to);
		gs = gs_fuse_graphs(r->m, &count_g);
		for (i = 0; i < count_g; i++) {
			c.g = gs[i];
			if (step_graph(r, &c, err)) {
				free(gs);
				return -1;
			}
		}
		free(gs);
		cur = c.to;
	}
	return 0;
}

static void summary(struct run *r, int64_t from, int64_t to, int64_t ir0, int64_t ir1)
{
	char buf[1024], ir[64];
	size_t len = 0;
	int i;

	buf[0] = 0;
	for (i = 0; i < r->n_tally && len < sizeof(buf) - 64; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%d %s", i ? ", " : "",
					r->tally[i].count, r->tally[i].label);
	if (ir1 == ir0)
		snprintf(ir, sizeof(ir), "IR %lld kept", (long long)ir0);
	else
		snprintf(ir, sizeof(ir), "IR %lld -> %lld", (long long)ir0, (long long)ir1);
	say(r, "%s opset %lld -> %lld (%s): %s",
	    r->flags & GS_CONVERT_DRY_RUN ? "would convert" : "converted",
	    (long long)from, (long long)to, ir, r->n_tally ? buf : "no node needed a rewrite");
}

int gs_convert_opset(struct gs_model *m, int64_t target, unsigned flags,
		     gs_convert_report_fn report, void *ctx, struct gs_error *err)
{
	int64_t from = gs_model_opset(m, ""), ir0 = m->ir_version, ir1;
	struct run r;
	struct txn t;
	int i, rc;

	if (!m->graph)
		return gs_error_set(err, "convert: no graph");
	if (from <= 0)
		return gs_error_set(err, "convert: the model imports no default-domain opset");
	if (target < GS_CONVERT_MIN_OPSET || target > GS_CONVERT_MAX_OPSET)
		return gs_error_set(err, "convert: opset %lld is outside the range graphsmith "
				    "converts (%d to %d)", (long long)target, GS_CONVERT_MIN_OPSET,
				    GS_CONVERT_MAX_OPSET);
	if (from < GS_CONVERT_MIN_OPSET || from > GS_CONVERT_MAX_OPSET)
		return gs_error_set(err, "convert: the model is at opset %lld, outside the range "
				    "graphsmith converts (%d to %d)", (long long)from,
				    GS_CONVERT_MIN_OPSET, GS_CONVERT_MAX_OPSET);
	memset(&r, 0, sizeof(r));
	r.m = m;
	r.flags = flags;
	r.report = report;
	r.ctx = ctx;
	if (from == target) {
		say(&r, "already at opset %lld: nothing to convert", (long long)target);
		return 0;
	}
	r.graphs = gs_fuse_graphs(m, &r.n_graphs);
	r.start = gs_xmalloc(sizeof(int) * ((size_t)r.n_graphs + 1));
	for (i = 0; i < r.n_graphs; i++)
		r.start[i] = r.graphs[i]->n_nodes;
	txn_begin(m, &t);
	rc = run_steps(&r, from, target, err);
	if (!rc)
		set_ir(m, target > from, gs_ir_version_for_opset(target));
	ir1 = m->ir_version;
	if (rc || r.refusals || (flags & GS_CONVERT_DRY_RUN))
		txn_rollback(m, &t);
	else
		txn_commit(m, &t);
	if (!rc && (!r.refusals || (flags & GS_CONVERT_DRY_RUN)))
		summary(&r, from, target, ir0, ir1);
	if (!rc && r.refusals) {
		if (flags & GS_CONVERT_DRY_RUN)
			say(&r, "%d refusal%s: the conversion would fail", r.refusals,
			    r.refusals == 1 ? "" : "s");
		if (r.refusals > 1)
			gs_error_set(err, "convert opset %lld: %s (and %d more refusal%s); the model "
				     "is unchanged", (long long)target, r.first, r.refusals - 1,
				     r.refusals == 2 ? "" : "s");
		else
			gs_error_set(err, "convert opset %lld: %s; the model is unchanged",
				     (long long)target, r.first);
		rc = -1;
	}
	free(r.tally);
	free(r.graphs);
	free(r.start);
	return rc ? -1 : r.rewrites;
}
