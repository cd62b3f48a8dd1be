/*
 * Parameters: paired by (matched node, canonical slot), compared with the
 * metrics of metrics.h.  Conv+BatchNormalization is folded on the fly when
 * the partner is a plain Conv; a Gemm weight stored transposed is compared
 * through a transpose; DequantizeLinear(weight) is dequantized and checked
 * against the half-step bound.  Constant subgraphs feeding a slot become
 * their own entries: matched when both sides have the same ops, folded
 * otherwise.  Leftover constants join their consumer's entry.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match/internal.h"

static struct gs_param_diff *param_new(struct gs_match_build *mb, int entry, const char *na,
				       const char *nb, int cls)
{
	struct gs_match *m = mb->m;
	struct gs_param_diff *d;

	GS_GROW(m->params, m->n_params + 1, mb->params_alloc);
	d = &m->params[m->n_params++];
	memset(d, 0, sizeof(*d));
	d->name_a = na;
	d->name_b = nb;
	d->entry = entry;
	d->cls = cls;
	d->rank_a = d->rank_b = -1;
	return d;
}

static bool slices_equal(const float *a, const float *b, int64_t outer, int64_t na, int64_t nb,
			 int64_t inner, int64_t i, int64_t j)
{
	int64_t o, k;

	for (o = 0; o < outer; o++) {
		const float *x = a + (o * na + i) * inner, *y = b + (o * nb + j) * inner;

		for (k = 0; k < inner; k++)
			if (fabsf(x[k] - y[k]) > 1e-6f * fmaxf(1.0f, fabsf(x[k])))
				return false;
	}
	return true;
}

/*
 * Structured pruning: B is A with whole slices along one axis taken out
 * (output channels of a Conv, its BatchNormalization's entries, the input
 * channels of the next layer) and every kept slice unchanged.  Names the
 * removed indices in note; false when B is not such a subset of A.
 */
static bool removed_slices(const struct gs_match_weight *a, const struct gs_match_weight *b,
			   char *note, size_t len)
{
	int64_t outer = 1, inner = 1, na, nb, i, j, n_removed = 0;
	const float *fa, *fb;
	float *oa, *ob;
	int axis = -1, k;
	size_t at, base;
	bool ok;

	if (a->rank != b->rank || a->rank < 1 || !a->data || !b->data)
		return false;
	for (k = 0; k < a->rank; k++) {
		if (a->dims[k] == b->dims[k])
			continue;
		if (axis >= 0 || b->dims[k] > a->dims[k])
			return false;
		axis = k;
	}
	if (axis < 0)
		return false;
	for (k = 0; k < axis; k++)
		outer *= a->dims[k];
	for (k = axis + 1; k < a->rank; k++)
		inner *= a->dims[k];
	na = a->dims[axis];
	nb = b->dims[axis];
	fa = gs_match_weight_floats(a, &oa);
	fb = gs_match_weight_floats(b, &ob);
	if (!fa || !fb) {
		free(oa);
		free(ob);
		return false;
	}
	base = strlen(note);
	at = base + (size_t)snprintf(note + base, len - base, "%sremoved channels",
				     base ? "; " : "");
	at = at < len ? at : len;
	/* greedy: each slice of B is the next equal slice of A; the slices
	 * of A skipped on the way, and those after B's last, were removed */
	for (i = j = 0; i < na; i++) {
		if (j < nb && slices_equal(fa, fb, outer, na, nb, inner, i, j)) {
			j++;
			continue;
		}
		if (n_removed < 8 && at < len)
			at += (size_t)snprintf(note + at, len - at, "%s%lld", n_removed ? "," : " [",
					       (long long)i);
		n_removed++;
	}
	ok = j == nb;
	if (ok && at < len)
		snprintf(note + at, len - at, "%s] of %lld (axis %d)",
			 n_removed > 8 ? ",..." : "", (long long)na, axis);
	free(oa);
	free(ob);
	if (!ok)
		note[base] = 0;
	return ok;
}

/* A side's shape, copied: p's dims may live on a caller's stack. */
static void set_shape(int *rank, int64_t **dims, const struct gs_match_weight *p)
{
	*rank = p->rank;
	*dims = gs_xmalloc(sizeof(int64_t) * ((size_t)p->rank + 1));
	if (p->rank > 0)
		memcpy(*dims, p->dims, sizeof(int64_t) * (size_t)p->rank);
}

/* A parameter only one side has: its tensor and its shape. */
static void one_side(struct gs_param_diff *d, const struct gs_match_weight *p, bool side_a)
{
	if (side_a) {
		d->a = p->t;
		set_shape(&d->rank_a, &d->dims_a, p);
	} else {
		d->b = p->t;
		set_shape(&d->rank_b, &d->dims_b, p);
	}
}

static bool same_shape(const struct gs_match_weight *a, const struct gs_match_weight *b)
{
	int i;

	if (a->rank != b->rank)
		return false;
	for (i = 0; i < a->rank; i++)
		if (a->dims[i] != b->dims[i])
			return false;
	return true;
}

/*
 * The metrics of two tensors read in place (most pairs) are computed after
 * the pairing, all at once on every core: they are the bulk of a big
 * diff's parameter work, and each pair's result has its own slot.
 */
struct param_job {
	int param;			/* index in m->params */
	int dtype_a, dtype_b;
	const void *a, *b;
	size_t numel;
};

static void defer_metrics(struct gs_match_build *mb, const struct gs_param_diff *d,
			  const struct gs_match_weight *a, const struct gs_match_weight *b)
{
	struct param_job *j;

	GS_GROW(mb->jobs, mb->n_jobs + 1, mb->jobs_alloc);
	j = &mb->jobs[mb->n_jobs++];
	j->param = (int)(d - mb->m->params);
	j->dtype_a = a->dtype;
	j->dtype_b = b->dtype;
	j->a = a->data;
	j->b = b->data;
	j->numel = (size_t)a->numel;
}

struct job_run {
	struct gs_match_build *mb;
	const struct gs_metrics_opts *opts;
};

static void metrics_task(void *ctx, size_t i, int worker)
{
	struct job_run *run = ctx;
	const struct param_job *j = &run->mb->jobs[i];
	struct gs_param_diff *d = &run->mb->m->params[j->param];

	(void)worker;
	if (gs_metrics_compare(j->dtype_a, j->a, j->dtype_b, j->b, j->numel, run->opts,
			       &d->metrics))
		return;
	d->has_metrics = true;
	d->cls = gs_metrics_classify(&d->metrics);
	if (j->dtype_a != j->dtype_b)
		d->cls = GS_PARAM_DTYPE_CHANGED;
}

static void run_metrics(struct gs_match_build *mb, const struct mctx *c)
{
	struct job_run run = { mb, &c->opts->metrics };

	gs_parallel_for((size_t)mb->n_jobs, metrics_task, &run);
	free(mb->jobs);
	mb->jobs = NULL;
	mb->n_jobs = mb->jobs_alloc = 0;
}

static void compare(struct gs_match_build *mb, const struct mctx *c, int entry,
		    struct gs_match_weight *a, struct gs_match_weight *b, bool transposed, const char *note)
{
	struct gs_param_diff *d = param_new(mb, entry, a->name, b->name, GS_PARAM_CHANGED);
	int64_t tdims[2];	/* bt's shape: lives as long as b does */
	struct gs_match_weight bt;

	d->a = a->t;
	d->b = b->t;
	set_shape(&d->rank_a, &d->dims_a, a);
	set_shape(&d->rank_b, &d->dims_b, b);
	if (note)
		snprintf(d->note, sizeof(d->note), "%s", note);
	if (transposed && b->rank == 2 && a->rank == 2) {
		float *t = gs_match_weight_transposed(b);

		if (t) {
			tdims[0] = b->dims[1];
			tdims[1] = b->dims[0];
			gs_match_weight_from_floats(&bt, t, b->numel, 2, tdims, b->name);
			bt.dq = b->dq;
			bt.t = b->t;
			gs_match_weight_release(b);
			*b = bt;
			snprintf(d->note + strlen(d->note), sizeof(d->note) - strlen(d->note),
				 "%scompared with transpose", d->note[0] ? "; " : "");
		}
	}
	if (!same_shape(a, b)) {
		d->cls = removed_slices(a, b, d->note, sizeof(d->note)) ?
			 GS_PARAM_PRUNED_STRUCTURED : GS_PARAM_SHAPE_CHANGED;
		return;
	}
	if (!a->owned && !b->owned && !b->dq) {
		defer_metrics(mb, d, a, b);
		return;
	}
	if (gs_metrics_compare(a->dtype, a->data, b->dtype, b->data, (size_t)a->numel,
			       &c->opts->metrics, &d->metrics))
		return;
	d->has_metrics = true;
	d->cls = gs_metrics_classify(&d->metrics);
	if (b->dq && a->dtype == GS_DTYPE_FLOAT) {
		struct gs_qdq_report q;
		float *af = gs_xmalloc(sizeof(float) * (size_t)a->numel);
		const struct gs_node *dq = b->dq;
		const struct mview *B = &c->B;
		const struct gs_tensor *qt = gs_match_view_param(B, dq->inputs[0]);
		const struct gs_tensor *st = gs_match_view_param(B, dq->inputs[1]);
		const struct gs_tensor *zt =
			dq->n_inputs > 2 ? gs_match_view_param(B, dq->inputs[2]) : NULL;
		float *sf = gs_match_tensor_floats(st);
		int32_t *zp = NULL;
		int64_t axis = gs_node_attr_int(dq, "axis", 1), ch = 1, inner = 1, i;

		memcpy(af, a->data, sizeof(float) * (size_t)a->numel);
		if (st->numel > 1) {
			if (axis < 0)
				axis += qt->rank;
			ch = st->numel;
			for (i = axis + 1; i < qt->rank; i++)
				inner *= qt->dims[i];
		}
		if (zt) {
			float *zf = gs_match_tensor_floats(zt);

			zp = gs_xmalloc(sizeof(int32_t) * (size_t)ch);
			/* a zero point from the file may be anything: NaN or out
			 * of int32's range reads as 0 (the check then fails) */
			for (i = 0; i < ch; i++)
				zp[i] = zf && zf[i] >= -2147483648.0f && zf[i] < 2147483648.0f ?
					(int32_t)zf[i] : 0;
			free(zf);
		}
		if (!transposed && sf &&
		    !gs_qdq_check(af, qt->data, qt->dtype, sf, zp, (size_t)(a->numel / (ch * inner)),
				  (size_t)ch, (size_t)inner, &q, NULL)) {
			bool ok = q.err_over_half_scale <= 1 + 1e-6;

			snprintf(d->note + strlen(d->note), sizeof(d->note) - strlen(d->note),
				 "%sdequantized %s: err/half-scale %.4f, worst channel %zu",
				 d->note[0] ? "; " : "", gs_dtype_name(qt->dtype),
				 q.err_over_half_scale, q.worst_channel);
			d->cls = ok ? GS_PARAM_QUANTIZED : GS_PARAM_CHANGED;
		}
		free(af);
		free(sf);
		free(zp);
	} else if (a->dtype != b->dtype) {
		d->cls = GS_PARAM_DTYPE_CHANGED;
	} else if (a->cast_from != b->cast_from && d->cls != GS_PARAM_IDENTICAL) {
		/* the values a stored dtype rounds to: a dtype change, not an edit */
		int from = b->cast_from ? b->cast_from : a->cast_from;

		snprintf(d->note + strlen(d->note), sizeof(d->note) - strlen(d->note),
			 "%sstored as %s behind Cast", d->note[0] ? "; " : "", gs_dtype_name(from));
		d->cls = GS_PARAM_QUANTIZED;
	}
}

/* How bad a parameter difference is, for picking an entry's worst:
 * structural changes first, then the lowest SQNR; 0 for no difference. */
static double badness(const struct gs_param_diff *d)
{
	switch (d->cls) {
	case GS_PARAM_IDENTICAL:
	case GS_PARAM_EQUAL_WITHIN_TOL:
		return 0;
	case GS_PARAM_SHAPE_CHANGED: case GS_PARAM_ADDED: case GS_PARAM_REMOVED:
	case GS_PARAM_PRUNED_STRUCTURED:
		return 1e9;
	default:
		if (!d->has_metrics || !d->metrics.sqnr_defined)
			return 1e8;
		/* lower SQNR is worse; always above 0 so any change counts */
		return 1e6 - (d->metrics.sqnr_db < -1e5 ? -1e5 :
			      d->metrics.sqnr_db > 1e5 ? 1e5 : d->metrics.sqnr_db);
	}
}

/* Each entry's worst parameter difference (-1 when its parameters are all
 * the same): the one place that says whether a row's parameters changed. */
static void mark_worst(struct gs_match *m)
{
	double *worst = gs_xcalloc((size_t)m->n_entries + 1, sizeof(double));
	int i;

	for (i = 0; i < m->n_params; i++) {
		int e = m->params[i].entry;
		double b = badness(&m->params[i]);

		if (e < 0 || e >= m->n_entries || b <= worst[e])
			continue;
		worst[e] = b;
		m->entries[e].worst_param = i;
	}
	free(worst);
}

static bool is_const_src(const struct mview *v, int val)
{
	const struct gs_value *gv;

	if (val < 0)
		return false;
	gv = v->g->values[val];
	return gv->producer >= 0 && v->role[gv->producer] == ROLE_CONST;
}

/* Constant nodes upstream of val not yet in an entry (DFS, iterative). */
static int const_closure(const struct mview *v, int val, const int *eo, bool *seen,
			 int *out, int max)
{
	int n = 0, top = 0, *stack;

	if (!is_const_src(v, val) || seen[v->g->values[val]->producer])
		return 0;
	stack = gs_xmalloc(sizeof(int) * ((size_t)v->nn + 1));
	stack[top++] = v->g->values[val]->producer;
	while (top > 0 && n < max) {
		int id = stack[--top], i;
		const struct gs_node *nd = v->g->nodes[id];

		if (seen[id] || eo[id] >= 0)
			continue;
		seen[id] = true;
		out[n++] = id;
		for (i = 0; i < nd->n_inputs; i++)
			if (is_const_src(v, nd->inputs[i]) && top < v->nn)
				stack[top++] = v->g->values[nd->inputs[i]]->producer;
	}
	free(stack);
	return n;
}

/* A constant group on one side only that just decodes a stored weight
 * (a Cast widening float16, a DequantizeLinear) is a storage choice, not
 * a folding: say so. */
static const char *decoder_pattern(const struct mctx *c, const int *la, int na, const int *lb,
				   int nb)
{
	const struct mview *v = na ? &c->A : &c->B;
	const int *l = na ? la : lb;
	int n = na ? na : nb, i, op = -1;

	if (na && nb)
		return "constant folded";
	for (i = 0; i < n; i++) {
		if (v->op[l[i]] != OP_Cast && v->op[l[i]] != OP_DequantizeLinear)
			return "constant folded";
		op = v->op[l[i]];
	}
	return op == OP_Cast ? "weight widened (Cast)" : "weight dequantized";
}

static void const_entries(struct gs_match_build *mb, struct mctx *c, int va, int vb,
			  int *eoa, int *eob, bool *seen_a, bool *seen_b, int *la, int *lb)
{
	int na = va >= 0 ? const_closure(&c->A, va, eoa, seen_a, la, c->A.nn) : 0;
	int nb = vb >= 0 ? const_closure(&c->B, vb, eob, seen_b, lb, c->B.nn) : 0;
	struct gs_match_entry *e;
	int idx, i;
	bool same = na == nb;

	if (!na && !nb)
		return;
	for (i = 0; same && i < na; i++)
		same = !strcmp(c->A.g->nodes[la[i]]->op_type, c->B.g->nodes[lb[i]]->op_type);
	idx = gs_match_entry_add(mb, same ? GS_MATCH_MATCHED : GS_MATCH_FOLDED, c->A.g, c->B.g);
	e = &mb->m->entries[idx];
	e->method = same ? GS_METHOD_PROPAGATION : GS_METHOD_FUSION;
	e->score = 1;
	if (!same)
		e->pattern = decoder_pattern(c, la, na, lb, nb);
	for (i = 0; i < na; i++) {
		gs_match_entry_push(e, false, la[i]);
		eoa[la[i]] = idx;
	}
	for (i = 0; i < nb; i++) {
		gs_match_entry_push(e, true, lb[i]);
		eob[lb[i]] = idx;
	}
}

/* A Conv or ConvTranspose with an affine chain (BN, Mul, Add, ...). */
static bool is_conv_bn(const struct mview *v, int n)
{
	return gs_match_fusion_is_chain(v, n) &&
	       (v->op[n] == OP_Conv || v->op[n] == OP_ConvTranspose);
}

/* A{Conv,BN,...} against a plain Conv of B (or the reverse, swapped). */
static void fold_pair(struct gs_match_build *mb, struct mctx *c, int entry, int a, int b,
		      bool bn_on_a)
{
	const struct mview *F = bn_on_a ? &c->A : &c->B, *P = bn_on_a ? &c->B : &c->A;
	int f = bn_on_a ? a : b, p = bn_on_a ? b : a;
	float *w = NULL, *bias = NULL;
	int64_t cout, per;
	struct gs_match_weight fw, fb, pw, pb;
	const struct gs_tensor *tw = gs_match_view_param(F, F->ins[F->in_off[f] + 1]);
	int pbias = P->in_cnt[p] > 2 ? P->ins[P->in_off[p] + 2] : -1;
	bool had_bias = F->ins[F->in_off[f] + 2] >= 0;
	bool bn = !strcmp(F->pattern[f], "Conv+BatchNormalization") ||
		  !strcmp(F->pattern[f], "ConvTranspose+BatchNormalization");
	const char *what = bn ? "folded BatchNormalization" : "folded affine chain";

	if (gs_match_fusion_fold_chain(F, f, &w, &bias, &cout, &per) ||
	    gs_match_weight_get(&pw, P, P->ins[P->in_off[p] + 1])) {
		free(w);
		free(bias);
		return;
	}
	gs_match_weight_from_floats(&fw, w, cout * per, tw->rank, tw->dims, tw->name);
	gs_match_weight_from_floats(&fb, bias, cout, 1, &cout, "(folded bias)");
	if (bn_on_a)
		compare(mb, c, entry, &fw, &pw, false, what);
	else
		compare(mb, c, entry, &pw, &fw, false, what);
	if (pbias >= 0 && !gs_match_weight_get(&pb, P, pbias)) {
		const char *note = had_bias ? what : bn ? "folded BatchNormalization; bias added" :
				   "folded affine chain; bias added";

		if (bn_on_a)
			compare(mb, c, entry, &fb, &pb, false, note);
		else
			compare(mb, c, entry, &pb, &fb, false, note);
		gs_match_weight_release(&pb);
	}
	gs_match_weight_release(&fw);
	gs_match_weight_release(&fb);
	gs_match_weight_release(&pw);
}

static void pair_slots(struct gs_match_build *mb, struct mctx *c, int entry, int a, int b)
{
	const struct mview *A = &c->A, *B = &c->B;
	int n = A->in_cnt[a] > B->in_cnt[b] ? A->in_cnt[a] : B->in_cnt[b], i;
	bool fold_a = is_conv_bn(A, a) && !is_conv_bn(B, b);
	bool fold_b = is_conv_bn(B, b) && !is_conv_bn(A, a);

	if (fold_a || fold_b) {
		fold_pair(mb, c, entry, a, b, fold_a);
		return;
	}
	for (i = 0; i < n; i++) {
		int va = i < A->in_cnt[a] ? A->ins[A->in_off[a] + i] : -1;
		int vb = i < B->in_cnt[b] ? B->ins[B->in_off[b] + i] : -1;
		int ka = va >= 0 ? A->in_kind[A->in_off[a] + i] : SLOT_ABSENT;
		int kb = vb >= 0 ? B->in_kind[B->in_off[b] + i] : SLOT_ABSENT;
		struct gs_match_weight pa, pb;
		bool ga, gb;

		if (ka == SLOT_ATTR || kb == SLOT_ATTR)
			continue;
		ga = ka == SLOT_PARAM && !gs_match_weight_get(&pa, A, va);
		gb = kb == SLOT_PARAM && !gs_match_weight_get(&pb, B, vb);
		if (ga && gb)
			compare(mb, c, entry, &pa, &pb, i == 1 && A->wt[a] != B->wt[b], NULL);
		else if (ga && kb == SLOT_ABSENT)
			one_side(param_new(mb, entry, pa.name, NULL, GS_PARAM_REMOVED), &pa, true);
		else if (gb && ka == SLOT_ABSENT)
			one_side(param_new(mb, entry, NULL, pb.name, GS_PARAM_ADDED), &pb, false);
		if (ga)
			gs_match_weight_release(&pa);
		if (gb)
			gs_match_weight_release(&pb);
	}
}

static void lone_params(struct gs_match_build *mb, const struct mview *v, int n, int entry,
			bool side_b)
{
	int i;

	for (i = 0; i < v->in_cnt[n]; i++) {
		int val = v->ins[v->in_off[n] + i];
		const struct gs_tensor *t;

		if (v->in_kind[v->in_off[n] + i] != SLOT_PARAM ||
		    !(t = gs_match_view_param(v, val)))
			continue;
		if (side_b)
			param_new(mb, entry, NULL, v->g->values[val]->name, GS_PARAM_ADDED)->b = t;
		else
			param_new(mb, entry, v->g->values[val]->name, NULL, GS_PARAM_REMOVED)->a = t;
	}
}

/* Constants and stragglers not placed yet join their first consumer's
 * entry; what has none (unused, or used only inside a subgraph) is
 * collected in rest. */
static int place_rest(struct gs_match_build *mb, const struct mview *v, int *eo, bool side_b,
		      int *rest)
{
	const struct gs_graph *g = v->g;
	int k, n_rest = 0;

	for (k = g->n_topo - 1; k >= 0; k--) {
		const struct gs_node *n = g->nodes[g->topo[k]];
		int idx = -1, j, u;

		if (eo[n->id] >= 0)
			continue;
		for (j = 0; j < n->n_outputs && idx < 0; j++) {
			const struct gs_value *val;

			if (n->outputs[j] < 0)
				continue;
			val = g->values[n->outputs[j]];
			for (u = 0; u < val->n_uses && idx < 0; u++)
				idx = eo[val->uses[u].node];
		}
		if (idx < 0) {
			rest[n_rest++] = n->id;
			continue;
		}
		gs_match_entry_push(&mb->m->entries[idx], side_b, n->id);
		eo[n->id] = idx;
	}
	return n_rest;
}

/* What a leftover node is, for pairing leftovers: op and constant value. */
static uint64_t leftover_key(const struct mview *v, int id)
{
	const struct gs_node *n = v->g->nodes[id];
	uint64_t h = gs_hash_combine(gs_hash_str(n->domain), gs_hash_str(n->op_type));
	const struct gs_tensor *t = n->n_outputs > 0 ? gs_match_view_param(v, n->outputs[0]) : NULL;

	if (t && t->data)
		h = gs_hash_combine(h, gs_hash_bytes(t->data, t->nbytes, (uint64_t)t->dtype));
	return h;
}

static void pair_rest(struct gs_match_build *mb, struct mctx *c, int *eoa, int *eob,
		      const int *ra, int na, const int *rb, int nb)
{
	bool *used = gs_xcalloc((size_t)nb + 1, sizeof(bool));
	int i, j, idx;

	for (i = 0; i < na; i++) {
		uint64_t key = leftover_key(&c->A, ra[i]);

		for (j = 0; (size_t)na * (size_t)nb <= 1000000 && j < nb; j++)
			if (!used[j] && leftover_key(&c->B, rb[j]) == key)
				break;
		if ((size_t)na * (size_t)nb <= 1000000 && j < nb) {
			used[j] = true;
			idx = gs_match_entry_add(mb, GS_MATCH_MATCHED, c->A.g, c->B.g);
			mb->m->entries[idx].method = GS_METHOD_ALIGNMENT;
			mb->m->entries[idx].score = 0.5f;
			gs_match_entry_push(&mb->m->entries[idx], true, rb[j]);
			eob[rb[j]] = idx;
		} else {
			idx = gs_match_entry_add(mb, GS_MATCH_REMOVED, c->A.g, c->B.g);
		}
		gs_match_entry_push(&mb->m->entries[idx], false, ra[i]);
		eoa[ra[i]] = idx;
	}
	for (j = 0; j < nb; j++)
		if (!used[j]) {
			idx = gs_match_entry_add(mb, GS_MATCH_ADDED, c->A.g, c->B.g);
			gs_match_entry_push(&mb->m->entries[idx], true, rb[j]);
			eob[rb[j]] = idx;
		}
	free(used);
}

/* Room for every parameter pair_slots and lone_params can add (one per
 * input slot at most), reserved once on huge pages: the array is tens of
 * MB at 10^5 nodes, and faulting it in 4 KiB pages as it grew was the
 * largest single cost of the matching. */
static void reserve_params(struct gs_match_build *mb, const struct mctx *c)
{
	struct gs_match *m = mb->m;
	size_t need = 0;
	int k;

	for (k = 0; k < c->A.n_order; k++) {
		int a = c->A.order[k], b = c->A.match[a];

		need += (size_t)(b >= 0 && c->B.in_cnt[b] > c->A.in_cnt[a] ? c->B.in_cnt[b] :
				 c->A.in_cnt[a]);
	}
	for (k = 0; k < c->B.n_order; k++) {
		int b = c->B.order[k];

		if (c->B.match[b] < 0)
			need += (size_t)c->B.in_cnt[b];
	}
	if (m->params) {	/* a subgraph's, after the main graph's */
		GS_GROW(m->params, (size_t)m->n_params + need, mb->params_alloc);
		return;
	}
	m->params = gs_xmalloc_huge((need + 1) * sizeof(*m->params));
	mb->params_alloc = (int)need + 1;
}

void gs_match_params_pair(struct gs_match_build *mb, struct mctx *c, int *eoa, int *eob)
{
	bool *seen_a = gs_xcalloc((size_t)c->A.nn + 1, sizeof(bool));
	bool *seen_b = gs_xcalloc((size_t)c->B.nn + 1, sizeof(bool));
	int *la = gs_xmalloc(sizeof(int) * ((size_t)c->A.nn + 1));
	int *lb = gs_xmalloc(sizeof(int) * ((size_t)c->B.nn + 1));
	int k, i, na, nb;

	reserve_params(mb, c);
	for (k = 0; k < c->A.n_order; k++) {
		int a = c->A.order[k], b = c->A.match[a], n;

		if (b < 0)
			continue;
		pair_slots(mb, c, eoa[a], a, b);
		n = c->A.in_cnt[a] > c->B.in_cnt[b] ? c->A.in_cnt[a] : c->B.in_cnt[b];
		for (i = 0; i < n; i++) {
			int va = i < c->A.in_cnt[a] ? c->A.ins[c->A.in_off[a] + i] : -1;
			int vb = i < c->B.in_cnt[b] ? c->B.ins[c->B.in_off[b] + i] : -1;

			const_entries(mb, c, va, vb, eoa, eob, seen_a, seen_b, la, lb);
		}
	}
	for (k = 0; k < c->A.n_order; k++) {
		int a = c->A.order[k];

		if (c->A.match[a] < 0)
			lone_params(mb, &c->A, a, eoa[a], false);
	}
	for (k = 0; k < c->B.n_order; k++) {
		int b = c->B.order[k];

		if (c->B.match[b] < 0)
			lone_params(mb, &c->B, b, eob[b], true);
	}
	/* la/lb are free again: reuse them for the leftovers */
	na = place_rest(mb, &c->A, eoa, false, la);
	nb = place_rest(mb, &c->B, eob, true, lb);
	pair_rest(mb, c, eoa, eob, la, na, lb, nb);
	run_metrics(mb, c);
	mark_worst(mb->m);
	free(seen_a);
	free(seen_b);
	free(la);
	free(lb);
}
