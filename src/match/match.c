/*
 * The driver: view, signatures, anchors, propagation, alignment and fuzzy
 * pairing per graph pair, then entries (each base expanded into its member
 * nodes), parameters, edges, io, subgraphs recursively, verdicts.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include "match/internal.h"

static void entry_change(struct gs_match_entry *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void entry_change(struct gs_match_entry *e, const char *fmt, ...)
{
	char *buf;
	va_list ap;

	/* never cut: a change line holds whole shapes however long */
	va_start(ap, fmt);
	buf = gs_xvasprintf(fmt, ap);
	va_end(ap);
	e->changes = gs_xrealloc(e->changes, sizeof(char *) * ((size_t)e->n_changes + 1));
	e->changes[e->n_changes++] = buf;
}

static bool shapes_known_differ(const struct gs_value *a, const struct gs_value *b)
{
	int i;

	if (a->rank < 0 || b->rank < 0)
		return false;
	if (a->rank != b->rank)
		return true;
	for (i = 0; i < a->rank; i++) {
		if (a->dims[i].param || b->dims[i].param) {
			if (!a->dims[i].param || !b->dims[i].param ||
			    strcmp(a->dims[i].param, b->dims[i].param))
				return true;
		} else if (a->dims[i].value != b->dims[i].value) {
			return true;
		}
	}
	return false;
}

static void value_changes(struct gs_match_entry *e, const char *what, int i,
			  const struct gs_value *va, const struct gs_value *vb)
{
	if (va->dtype && vb->dtype && va->dtype != vb->dtype)
		entry_change(e, "%s[%d] dtype: %s -> %s", what, i, gs_dtype_name(va->dtype),
			     gs_dtype_name(vb->dtype));
	if (shapes_known_differ(va, vb)) {
		char *sa = gs_shape_text(va, false), *sb = gs_shape_text(vb, false);

		entry_change(e, "%s[%d] shape: %s -> %s", what, i, sa, sb);
		free(sa);
		free(sb);
	}
}

static void attr_changes(struct gs_match_entry *e, const struct mview *A, int a,
			 const struct mview *B, int b)
{
	char ta[256], tb[256];
	int i, j;

	for (i = 0; i < A->at_cnt[a]; i++) {
		const struct cattr *ca = &A->attrs[A->at_off[a] + i], *cb = NULL;

		for (j = 0; j < B->at_cnt[b]; j++)
			if (!strcmp(B->attrs[B->at_off[b] + j].name, ca->name))
				cb = &B->attrs[B->at_off[b] + j];
		if (cb && cb->h == ca->h)
			continue;
		gs_match_cattr_text(ca, ta, sizeof(ta));
		if (cb)
			gs_match_cattr_text(cb, tb, sizeof(tb));
		else
			gs_match_canon_default_text(B, B->g->nodes[b], ca->name, ca, tb,
						    sizeof(tb));
		entry_change(e, "%s: %s -> %s", ca->name, ta, tb);
	}
	for (j = 0; j < B->at_cnt[b]; j++) {
		const struct cattr *cb = &B->attrs[B->at_off[b] + j];
		bool found = false;

		for (i = 0; i < A->at_cnt[a]; i++)
			if (!strcmp(A->attrs[A->at_off[a] + i].name, cb->name))
				found = true;
		if (found)
			continue;
		gs_match_cattr_text(cb, tb, sizeof(tb));
		gs_match_canon_default_text(A, A->g->nodes[a], cb->name, cb, ta, sizeof(ta));
		entry_change(e, "%s: %s -> %s", cb->name, ta, tb);
	}
}

/* Same canonical op: known ops compare by id, the others by name. */
static bool same_vop(const struct mview *A, int a, const struct mview *B, int b)
{
	if (A->vop_id[a] != OP_NONE || B->vop_id[b] != OP_NONE)
		return A->vop_id[a] == B->vop_id[b];
	return !strcmp(A->vop[a], B->vop[b]);
}

/* The differences of a matched pair, and its status. */
static void compare_pair(struct gs_match_entry *e, const struct mctx *c, int a, int b)
{
	const struct mview *A = &c->A, *B = &c->B;
	const struct gs_node *na = A->g->nodes[a], *nb = B->g->nodes[b];
	int i, n;

	if (!same_vop(A, a, B, b) ||
	    ((na->domain[0] || nb->domain[0]) && strcmp(na->domain, nb->domain)))
		entry_change(e, "op: %s -> %s", A->vop[a], B->vop[b]);
	attr_changes(e, A, a, B, b);
	n = A->in_cnt[a] < B->in_cnt[b] ? A->in_cnt[a] : B->in_cnt[b];
	for (i = 0; i < n; i++) {
		int va = A->ins[A->in_off[a] + i], vb = B->ins[B->in_off[b] + i];
		int ka = A->in_kind[A->in_off[a] + i], kb = B->in_kind[B->in_off[b] + i];

		if (va < 0 || vb < 0 || ka == SLOT_ATTR || kb == SLOT_ATTR)
			continue;
		if (ka == SLOT_PARAM && kb == SLOT_PARAM) {
			const struct gs_tensor *ta = gs_match_view_param(A, va);
			const struct gs_tensor *tb = gs_match_view_param(B, vb);
			int r, same = 1;

			if (!ta || !tb || (i == 1 && A->wt[a] != B->wt[b]))
				continue;
			if (ta->rank != tb->rank)
				same = 0;
			for (r = 0; same && r < ta->rank; r++)
				same = ta->dims[r] == tb->dims[r];
			if (!same) {
				char *sa = gs_dims_text(ta->rank, ta->dims);
				char *sb = gs_dims_text(tb->rank, tb->dims);

				entry_change(e, "in[%d] parameter shape: %s -> %s", i, sa, sb);
				free(sa);
				free(sb);
			}
			continue;
		}
		value_changes(e, "in", i, A->g->values[va], B->g->values[vb]);
	}
	n = A->out_cnt[a] < B->out_cnt[b] ? A->out_cnt[a] : B->out_cnt[b];
	for (i = 0; i < n; i++) {
		int va = A->outs[A->out_off[a] + i], vb = B->outs[B->out_off[b] + i];

		if (va >= 0 && vb >= 0)
			value_changes(e, "out", i, A->g->values[va], B->g->values[vb]);
	}
}

static int ops_cmp(const void *pa, const void *pb)
{
	return strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

/* True when both member lists hold the same multiset of op types. */
static bool same_ops(const struct gs_match_entry *e)
{
	const char **oa, **ob;
	bool same = true;
	int i;

	if (e->n_a != e->n_b)
		return false;
	if (e->n_a == 1)	/* the common case, without sorting */
		return !strcmp(e->graph_a->nodes[e->a[0]]->op_type,
			       e->graph_b->nodes[e->b[0]]->op_type);
	oa = gs_xmalloc(sizeof(char *) * ((size_t)e->n_a + 1));
	ob = gs_xmalloc(sizeof(char *) * ((size_t)e->n_b + 1));
	for (i = 0; i < e->n_a; i++)
		oa[i] = e->graph_a->nodes[e->a[i]]->op_type;
	for (i = 0; i < e->n_b; i++)
		ob[i] = e->graph_b->nodes[e->b[i]]->op_type;
	qsort(oa, (size_t)e->n_a, sizeof(*oa), ops_cmp);
	qsort(ob, (size_t)e->n_b, sizeof(*ob), ops_cmp);
	for (i = 0; i < e->n_a && same; i++)
		same = !strcmp(oa[i], ob[i]);
	free(oa);
	free(ob);
	return same;
}

/* "Relu -> Relu+QuantizeLinear+DequantizeLinear" for groups of no known
 * pattern (transparent nodes, QDQ), kept in the match's string pool. */
static const char *group_pattern(struct gs_match_build *mb, const struct gs_match_entry *e)
{
	char buf[256];
	size_t at = 0;
	int i;

	for (i = 0; i < e->n_a && at < sizeof(buf); i++)
		at += (size_t)snprintf(buf + at, sizeof(buf) - at, "%s%s", i ? "+" : "",
				       e->graph_a->nodes[e->a[i]]->op_type);
	if (at < sizeof(buf))
		at += (size_t)snprintf(buf + at, sizeof(buf) - at, " -> ");
	for (i = 0; i < e->n_b && at < sizeof(buf); i++)
		at += (size_t)snprintf(buf + at, sizeof(buf) - at, "%s%s", i ? "+" : "",
				       e->graph_b->nodes[e->b[i]]->op_type);
	return gs_match_own_string(mb, buf);
}

static void pin_user(struct mctx *c, const char *path)
{
	struct gs_strmap na, nb;
	char line[2048], x[1024], y[1024];
	FILE *f = gs_fopen_regular(path, NULL, NULL);
	int i;

	if (!f)
		return;
	gs_strmap_init(&na);
	gs_strmap_init(&nb);
	for (i = 0; i < c->A.nn; i++)
		if (c->A.g->nodes[i]->name && c->A.g->nodes[i]->name[0])
			gs_strmap_put(&na, c->A.g->nodes[i]->name, i);
	for (i = 0; i < c->B.nn; i++)
		if (c->B.g->nodes[i]->name && c->B.g->nodes[i]->name[0])
			gs_strmap_put(&nb, c->B.g->nodes[i]->name, i);
	while (fgets(line, sizeof(line), f)) {
		int a, b;

		if (line[0] == '#' || sscanf(line, "%1023s %1023s", x, y) != 2)
			continue;
		a = gs_strmap_get(&na, x);
		b = gs_strmap_get(&nb, y);
		if (a < 0 || b < 0)
			continue;
		a = c->A.owner[a];
		b = c->B.owner[b];
		if (a < 0 || b < 0 || c->A.role[a] != ROLE_BASE || c->B.role[b] != ROLE_BASE ||
		    c->A.match[a] >= 0 || c->B.match[b] >= 0)
			continue;
		gs_match_set_pair(c, a, b, GS_METHOD_USER, 1.0f);
	}
	fclose(f);
	gs_strmap_release(&na);
	gs_strmap_release(&nb);
}

/* Equal non-empty node names inside one family: a hint, used late. */
static void pair_names(struct mctx *c, int method)
{
	struct gs_strmap nb;
	int k;

	gs_strmap_init(&nb);
	for (k = 0; k < c->B.n_order; k++) {
		int b = c->B.order[k];
		const char *name = c->B.g->nodes[b]->name;

		if (c->B.match[b] < 0 && name && name[0])
			gs_strmap_put(&nb, name, b);
	}
	for (k = 0; k < c->A.n_order; k++) {
		int a = c->A.order[k], b;
		const char *name = c->A.g->nodes[a]->name;

		if (c->A.match[a] >= 0 || !name || !name[0] || (b = gs_strmap_get(&nb, name)) < 0)
			continue;
		if (c->B.match[b] >= 0 || (method != GS_METHOD_NAME && c->A.fam[a] != c->B.fam[b]))
			continue;
		gs_match_set_pair(c, a, b, GS_METHOD_NAME, 0.7f);
	}
	gs_strmap_release(&nb);
}

static void run_matcher(struct mctx *c, const struct gs_match_opts *opts, bool top)
{
	int r;

	if (top && opts->map_file)
		pin_user(c, opts->map_file);
	if (opts->by_name) {
		gs_match_anchor_io(c, false);
		pair_names(c, GS_METHOD_NAME);
		c->n_work = 0;
		return;
	}
	gs_match_anchor_io(c, true);
	gs_match_propagate(c);
	for (r = GS_WL_ROUNDS; r >= 1; r--) {
		gs_match_anchor_unique(c, r);
		gs_match_propagate(c);
	}
	pair_names(c, GS_METHOD_FUZZY);
	gs_match_propagate(c);
	gs_match_align_gaps(c);
	gs_match_propagate(c);
	gs_match_fuzzy_pairs(c);
	gs_match_propagate(c);
}

static void view_init(struct mview *v, const struct gs_graph *g)
{
	if (!g->topo_valid)
		gs_graph_toposort((struct gs_graph *)g, NULL);
	gs_match_view_build(v, g);
	gs_match_canon_attrs(v);
	gs_match_sig_compute(v);
	for (int i = 0; i < v->nn; i++)
		v->match[i] = -1;
}

struct view_pair {
	struct mview *views[2];
	const struct gs_graph *graphs[2];
};

static void view_task(void *ctx, size_t i, int worker)
{
	struct view_pair *p = ctx;

	(void)worker;
	view_init(p->views[i], p->graphs[i]);
}

/* The two sides' views share nothing (each reads its own model), so they
 * are built at once: a third of a big diff's matching time. */
static void views_init(struct mctx *c, const struct gs_graph *ga, const struct gs_graph *gb)
{
	struct view_pair p = { { &c->A, &c->B }, { ga, gb } };

	gs_parallel_for(2, view_task, &p);
}

/* Members of each base, in node order: CSR by owner. */
static void members(const struct mview *v, int **off, int **list)
{
	int i, *cnt = gs_xcalloc((size_t)v->nn + 2, sizeof(int)), *fill;

	for (i = 0; i < v->nn; i++)
		if (v->role[i] != ROLE_CONST && v->role[i] != ROLE_DEAD && v->owner[i] >= 0)
			cnt[v->owner[i] + 1]++;
	for (i = 0; i < v->nn; i++)
		cnt[i + 1] += cnt[i];
	*list = gs_xmalloc(sizeof(int) * ((size_t)cnt[v->nn] + 1));
	fill = gs_xcalloc((size_t)v->nn + 1, sizeof(int));
	for (i = 0; i < v->nn; i++) {
		/* the base first, then the others */
		int o = v->owner[i];

		if (v->role[i] == ROLE_BASE)
			(*list)[cnt[i] + fill[i]++] = i;
		(void)o;
	}
	for (i = 0; i < v->nn; i++) {
		int o = v->owner[i];

		if (v->role[i] == ROLE_ABSORBED && o >= 0)
			(*list)[cnt[o] + fill[o]++] = i;
	}
	free(fill);
	*off = cnt;
}

static void push_members(struct gs_match_entry *e, bool side_b, const int *off,
			 const int *list, int base, int *entry_of, int idx)
{
	int k;

	for (k = off[base]; k < off[base + 1]; k++) {
		gs_match_entry_push(e, side_b, list[k]);
		entry_of[list[k]] = idx;
	}
}

static void subgraph_pairs(struct gs_match_build *mb, struct mctx *c,
			   const struct gs_match_opts *opts, const int *eoa);

/* Room for an entry per base, reserved once (see reserve_params). */
static void reserve_entries(struct gs_match_build *mb, const struct mctx *c)
{
	struct gs_match *m = mb->m;
	size_t need = (size_t)c->A.n_order + (size_t)c->B.n_order + 1;

	if (m->entries) {	/* a subgraph's, after the main graph's */
		GS_GROW(m->entries, (size_t)m->n_entries + need, mb->entries_alloc);
		return;
	}
	m->entries = gs_xmalloc_huge(need * sizeof(*m->entries));
	mb->entries_alloc = (int)need;
}

static int match_graphs(struct gs_match_build *mb, const struct gs_graph *ga,
			const struct gs_graph *gb, const struct gs_match_opts *opts,
			const int *seed_a, const int *seed_b, int n_seed, struct gs_error *err)
{
	struct gs_match *m = mb->m;
	struct mctx c;
	int *offa, *lista, *offb, *listb, *eoa, *eob, k, i;
	bool top = !ga->parent;

	memset(&c, 0, sizeof(c));
	c.opts = opts;
	c.parent = mb->cur;
	views_init(&c, ga, gb);
	for (i = 0; i < n_seed; i++) {
		c.A.vmatch[seed_a[i]] = seed_b[i];
		c.B.vmatch[seed_b[i]] = seed_a[i];
	}
	run_matcher(&c, opts, top);

	members(&c.A, &offa, &lista);
	members(&c.B, &offb, &listb);
	eoa = gs_xmalloc(sizeof(int) * ((size_t)c.A.nn + 1));
	eob = gs_xmalloc(sizeof(int) * ((size_t)c.B.nn + 1));
	for (i = 0; i < c.A.nn; i++)
		eoa[i] = -1;
	for (i = 0; i < c.B.nn; i++)
		eob[i] = -1;
	reserve_entries(mb, &c);
	for (k = 0; k < c.A.n_order; k++) {
		int a = c.A.order[k], b = c.A.match[a], idx;
		struct gs_match_entry *e;

		if (b < 0)
			continue;
		idx = gs_match_entry_add(mb, GS_MATCH_MATCHED, ga, gb);
		e = &m->entries[idx];
		e->method = c.A.method[a];
		e->score = c.A.score[a];
		e->ambiguous = c.A.ambiguous[a];
		push_members(e, false, offa, lista, a, eoa, idx);
		push_members(e, true, offb, listb, b, eob, idx);
		compare_pair(e, &c, a, b);
		if (!same_ops(e)) {
			e->status = GS_MATCH_FUSED;
			e->method = GS_METHOD_FUSION;
			e->pattern = c.A.pattern[a] ? c.A.pattern[a] :
				     c.B.pattern[b] ? c.B.pattern[b] : group_pattern(mb, e);
		} else if (e->n_changes) {
			e->status = GS_MATCH_CHANGED;
		}
		/* a decomposed op (a LayerNorm chain) matched as itself keeps
		 * its name, for the views */
		if (!e->pattern && e->n_a > 1 && c.A.pattern[a] && c.A.vop[a] &&
		    strcmp(c.A.vop[a], ga->nodes[a]->op_type))
			e->pattern = c.A.pattern[a];
	}
	for (k = 0; k < c.A.n_order; k++) {
		int a = c.A.order[k];

		if (c.A.match[a] < 0) {
			int idx = gs_match_entry_add(mb, GS_MATCH_REMOVED, ga, gb);

			push_members(&m->entries[idx], false, offa, lista, a, eoa, idx);
		}
	}
	for (k = 0; k < c.B.n_order; k++) {
		int b = c.B.order[k];

		if (c.B.match[b] < 0) {
			int idx = gs_match_entry_add(mb, GS_MATCH_ADDED, ga, gb);

			push_members(&m->entries[idx], true, offb, listb, b, eob, idx);
		}
	}
	gs_match_params_pair(mb, &c, eoa, eob);
	gs_match_edges_diff(mb, &c, eob);
	if (top) {
		gs_match_io_diff(mb, &c);
		memcpy(m->entry_of_a, eoa, sizeof(int) * (size_t)c.A.nn);
		memcpy(m->entry_of_b, eob, sizeof(int) * (size_t)c.B.nn);
	}
	mb->cur = &c;
	subgraph_pairs(mb, &c, opts, eoa);
	mb->cur = c.parent;
	free(offa);
	free(lista);
	free(offb);
	free(listb);
	free(eoa);
	free(eob);
	gs_match_view_release(&c.A);
	gs_match_view_release(&c.B);
	free(c.work);
	free(c.inputs_scratch);
	(void)err;
	return 0;
}

static bool owns(const struct gs_graph *g, const struct gs_value *v)
{
	return v->id >= 0 && v->id < g->n_values && g->values[v->id] == v;
}

/* Two captured weights with the same bytes (names may differ). */
static bool same_param(const struct gs_value *a, const struct gs_value *b)
{
	const struct gs_tensor *ta = a->param, *tb = b->param;

	if (a->kind != GS_VALUE_PARAM || b->kind != GS_VALUE_PARAM || !ta || !tb ||
	    ta->dtype != tb->dtype || ta->rank != tb->rank || ta->nbytes != tb->nbytes ||
	    !ta->data || !tb->data)
		return false;
	if (ta->rank && memcmp(ta->dims, tb->dims, sizeof(int64_t) * (size_t)ta->rank))
		return false;
	return !memcmp(ta->data, tb->data, ta->nbytes);
}

/*
 * Outer-scope values of two bodies correspond when what they capture does:
 * each resolved to the value it finally names, in whichever enclosing
 * graph pair (c, its parent, ...) holds it, and compared there.
 */
static bool outer_pair(const struct mctx *c, const struct gs_value *oa, const struct gs_value *ob)
{
	const struct mctx *k;
	int va, vb;

	oa = gs_match_value_outermost(oa);
	ob = gs_match_value_outermost(ob);
	for (k = c; k; k = k->parent) {
		if (!owns(k->A.g, oa))
			continue;
		if (!owns(k->B.g, ob))
			return false;	/* captured from different depths */
		va = k->A.eff[oa->id];
		vb = k->B.eff[ob->id];
		if (k->A.vmatch[va] == vb)
			return true;
		if (k->A.src[va] >= 0 && k->B.src[vb] >= 0)
			return k->A.match[k->A.src[va]] == k->B.src[vb] &&
			       k->A.g->values[va]->producer_port == k->B.g->values[vb]->producer_port;
		return same_param(oa, ob) || !strcmp(oa->name, ob->name);
	}
	return !strcmp(oa->name, ob->name);
}

static void match_bodies(struct gs_match_build *mb, struct mctx *c, const struct gs_graph *sa,
			 const struct gs_graph *sb, const struct gs_match_opts *opts)
{
	int *sda = gs_xmalloc(sizeof(int) * ((size_t)sa->n_values + (size_t)sa->n_inputs + 1));
	int *sdb = gs_xmalloc(sizeof(int) * ((size_t)sa->n_values + (size_t)sa->n_inputs + 1));
	bool *used = gs_xcalloc((size_t)sb->n_values + 1, sizeof(bool));
	int n = 0, i, j;

	/* body inputs by position, captured values by what they capture */
	for (i = 0; i < sa->n_inputs && i < sb->n_inputs; i++) {
		sda[n] = sa->inputs[i];
		sdb[n++] = sb->inputs[i];
		used[sb->inputs[i]] = true;
	}
	for (i = 0; i < sa->n_values; i++) {
		const struct gs_value *va = sa->values[i];

		if (va->kind != GS_VALUE_OUTER || !va->outer)
			continue;
		for (j = 0; j < sb->n_values; j++) {
			const struct gs_value *vb = sb->values[j];

			if (used[j] || vb->kind != GS_VALUE_OUTER || !vb->outer)
				continue;
			if (outer_pair(c, va->outer, vb->outer)) {
				sda[n] = i;
				sdb[n++] = j;
				used[j] = true;
				break;
			}
		}
	}
	match_graphs(mb, sa, sb, opts, sda, sdb, n, NULL);
	free(sda);
	free(sdb);
	free(used);
}

/* Bodies of matched If/Loop/Scan nodes, matched recursively; a body that
 * differs makes its owner "changed", naming the attribute. */
static void subgraph_pairs(struct gs_match_build *mb, struct mctx *c,
			   const struct gs_match_opts *opts, const int *eoa)
{
	int k;

	for (k = 0; k < c->A.n_order; k++) {
		int a = c->A.order[k], b = c->A.match[a], i, j, first, diff, e;
		const struct gs_node *na = c->A.g->nodes[a], *nb;

		if (b < 0)
			continue;
		nb = c->B.g->nodes[b];
		for (i = 0; i < na->n_attrs; i++) {
			const struct gs_attr *x = &na->attrs[i];

			if (x->type != GS_ATTR_GRAPH || !x->g)
				continue;
			for (j = 0; j < nb->n_attrs; j++) {
				if (nb->attrs[j].type != GS_ATTR_GRAPH || !nb->attrs[j].g ||
				    strcmp(nb->attrs[j].name, x->name))
					continue;
				first = mb->m->n_entries;
				match_bodies(mb, c, x->g, nb->attrs[j].g, opts);
				for (e = first, diff = 0; e < mb->m->n_entries; e++)
					diff += mb->m->entries[e].status != GS_MATCH_MATCHED;
				e = eoa[a];
				if (diff && e >= 0) {
					entry_change(&mb->m->entries[e], "%s: %d difference%s in the body",
						     x->name, diff, diff == 1 ? "" : "s");
					if (mb->m->entries[e].status == GS_MATCH_MATCHED)
						mb->m->entries[e].status = GS_MATCH_CHANGED;
				}
			}
		}
	}
}

static void summarize(struct gs_match *m)
{
	struct gs_match_summary *s = &m->summary;
	int i;

	for (i = 0; i < m->n_entries; i++)
		s->count[m->entries[i].status]++;
	for (i = 0; i < m->n_params; i++) {
		int cls = m->params[i].cls;

		if (cls != GS_PARAM_IDENTICAL && cls != GS_PARAM_EQUAL_WITHIN_TOL)
			s->params_changed++;
	}
	s->edges_changed = m->n_edges;
	for (i = 0; i < m->n_io; i++)
		if (!m->io[i].ok)
			s->io_mismatches++;
	m->verdict.structure = !s->count[GS_MATCH_ADDED] && !s->count[GS_MATCH_REMOVED] &&
			       !s->edges_changed;
	m->verdict.parameters = true;
	for (i = 0; i < m->n_params; i++) {
		int cls = m->params[i].cls;

		if (cls == GS_PARAM_SHAPE_CHANGED || cls == GS_PARAM_DTYPE_CHANGED ||
		    cls == GS_PARAM_ADDED || cls == GS_PARAM_REMOVED ||
		    cls == GS_PARAM_PRUNED_STRUCTURED)
			m->verdict.parameters = false;
	}
	m->verdict.io = !s->io_mismatches;
	m->verdict.identical = m->verdict.structure && m->verdict.io && !s->params_changed &&
			       m->verdict.parameters &&
			       s->count[GS_MATCH_MATCHED] == m->n_entries;
	for (i = 0; i < m->n_params && m->verdict.identical; i++)
		if (m->params[i].cls != GS_PARAM_IDENTICAL)
			m->verdict.identical = false;
}

static int count_live(struct gs_graph *g, void *ctx)
{
	*(int *)ctx += gs_graph_live_nodes(g);
	return 0;
}

struct gs_match *gs_match_models(const struct gs_model *a, const struct gs_model *b,
				 const struct gs_match_opts *opts, struct gs_error *err)
{
	struct gs_match_build mb;
	struct gs_match_opts dflt;
	struct timespec t0, t1;
	struct gs_match *m;

	if (!a || !b || !a->graph || !b->graph) {
		gs_error_set(err, "cannot match: a model is missing");
		return NULL;
	}
	if (!opts) {
		memset(&dflt, 0, sizeof(dflt));
		gs_metrics_opts_init(&dflt.metrics);
		opts = &dflt;
	}
	if (opts->map_file) {
		/* a FIFO or device (--map /dev/zero) would be read forever */
		int fd = gs_open_regular(opts->map_file, NULL, err);
		char pb[512];

		if (fd < 0) {
			gs_error_prefix(err, "cannot read '%s'",
					gs_escape(opts->map_file, pb, sizeof(pb)));
			return NULL;
		}
		close(fd);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	m = gs_xcalloc(1, sizeof(*m));
	memset(&mb, 0, sizeof(mb));
	mb.m = m;
	m->a = a;
	m->b = b;
	m->entry_of_a = gs_xmalloc(sizeof(int) * ((size_t)a->graph->n_nodes + 1));
	m->entry_of_b = gs_xmalloc(sizeof(int) * ((size_t)b->graph->n_nodes + 1));
	/* every graph's nodes, as the entries cover every graph */
	gs_graph_walk(a->graph, count_live, &m->summary.nodes_a);
	gs_graph_walk(b->graph, count_live, &m->summary.nodes_b);
	if (match_graphs(&mb, a->graph, b->graph, opts, NULL, NULL, 0, err)) {
		gs_match_free(m);
		return NULL;
	}
	summarize(m);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	m->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
	return m;
}
