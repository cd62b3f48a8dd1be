/*
 * Row alignment.  Rows that have an A side are ordered by A's topological
 * order; a row that exists only in B is placed right after the latest row
 * holding one of its producers, so an inserted node shows up where it was
 * inserted even when B's own topological order is shuffled.  Subgraphs of
 * expanded holders follow their holder, one level deeper.
 */
#include <stdlib.h>
#include <string.h>

#include "tui/rows.h"

/* node -> entry for every graph the entries mention */
struct gmap {
	const struct gs_graph *g;
	int *entry_of;
};

struct build {
	const struct gs_rows_input *in;
	struct gs_rows *out;
	struct gmap *maps;
	int n_maps, maps_alloc;
};

struct keyed {
	struct gs_row row;
	long major, minor;
};

void gs_rows_init(struct gs_rows *r)
{
	memset(r, 0, sizeof(*r));
}

void gs_rows_release(struct gs_rows *r)
{
	free(r->rows);
	gs_rows_init(r);
}

static int *map_of(struct build *b, const struct gs_graph *g, bool create)
{
	int i;

	if (!g)
		return NULL;
	for (i = 0; i < b->n_maps; i++)
		if (b->maps[i].g == g)
			return b->maps[i].entry_of;
	if (!create)
		return NULL;
	GS_GROW(b->maps, b->n_maps + 1, b->maps_alloc);
	b->maps[b->n_maps].g = g;
	b->maps[b->n_maps].entry_of = gs_xmalloc(sizeof(int) * ((size_t)g->n_nodes + 1));
	for (i = 0; i < g->n_nodes; i++)
		b->maps[b->n_maps].entry_of[i] = -1;
	return b->maps[b->n_maps++].entry_of;
}

static void index_entries(struct build *b)
{
	const struct gs_match_entry *e;
	int i, k;
	int *m;

	for (i = 0; i < b->in->n_entries; i++) {
		e = &b->in->entries[i];
		if ((m = map_of(b, e->graph_a, true)))
			for (k = 0; k < e->n_a; k++)
				if (e->a[k] >= 0 && e->a[k] < e->graph_a->n_nodes)
					m[e->a[k]] = i;
		if ((m = map_of(b, e->graph_b, true)))
			for (k = 0; k < e->n_b; k++)
				if (e->b[k] >= 0 && e->b[k] < e->graph_b->n_nodes)
					m[e->b[k]] = i;
	}
}

static bool has_subgraph(const struct gs_graph *g, int node)
{
	struct gs_graph *subs[1];

	return g && node >= 0 && gs_node_subgraphs(g->nodes[node], subs, 1) > 0;
}

/* Topological order of g, or node order when it is stale. */
static int topo_at(const struct gs_graph *g, int i)
{
	return g->topo_valid ? g->topo[i] : i;
}

static int topo_len(const struct gs_graph *g)
{
	return g->topo_valid ? g->n_topo : g->n_nodes;
}

static int cmp_keyed(const void *x, const void *y)
{
	const struct keyed *p = x, *q = y;

	if (p->major != q->major)
		return p->major < q->major ? -1 : 1;
	return p->minor < q->minor ? -1 : p->minor > q->minor;
}

static void emit(struct build *b, const struct gs_row *row)
{
	struct gs_rows *r = b->out;

	GS_GROW(r->rows, r->n + 1, r->alloc);
	r->rows[r->n++] = *row;
}

static void build_level(struct build *b, const struct gs_graph *ga,
			const struct gs_graph *gb, int depth);

/* Pairs the subgraphs of two holders by attribute name and position. */
static void expand(struct build *b, const struct gs_row *row)
{
	const struct gs_node *na = row->a >= 0 ? row->ga->nodes[row->a] : NULL;
	const struct gs_node *nb = row->b >= 0 ? row->gb->nodes[row->b] : NULL;
	const struct gs_node *base = na ? na : nb;
	const struct gs_node *other = na ? nb : NULL;
	int i, k;

	for (i = 0; i < base->n_attrs; i++) {
		const struct gs_attr *at = &base->attrs[i];
		const struct gs_attr *ot = other ? gs_node_attr(other, at->name) : NULL;
		int count = at->type == GS_ATTR_GRAPH ? 1 : at->type == GS_ATTR_GRAPHS ? at->n : 0;

		for (k = 0; k < count; k++) {
			struct gs_graph *sg = at->type == GS_ATTR_GRAPH ? at->g : at->graphs[k];
			struct gs_graph *so = NULL;
			struct gs_row label;

			if (ot && ot->type == at->type) {
				if (ot->type == GS_ATTR_GRAPH)
					so = ot->g;
				else if (k < ot->n)
					so = ot->graphs[k];
			}
			memset(&label, 0, sizeof(label));
			label.a = label.b = label.entry = -1;
			label.status = GS_ROW_LABEL;
			label.depth = row->depth + 1;
			label.label = at->name;
			label.ga = na ? sg : so;
			label.gb = na ? so : sg;
			emit(b, &label);
			build_level(b, label.ga, label.gb, label.depth);
		}
	}
}

static struct gs_row make_row(const struct gs_graph *ga, const struct gs_graph *gb,
			      int depth, int entry, int status)
{
	struct gs_row row;

	memset(&row, 0, sizeof(row));
	row.a = row.b = -1;
	row.entry = entry;
	row.status = status;
	row.depth = depth;
	row.ga = ga;
	row.gb = gb;
	return row;
}

bool gs_rows_foldable_const(const struct gs_graph *g, int node)
{
	const struct gs_node *n;
	int k;

	if (!g || node < 0 || node >= g->n_nodes)
		return false;
	n = g->nodes[node];
	if (strcmp(n->op_type, "Constant") || (n->domain[0] && strcmp(n->domain, "ai.onnx")) ||
	    n->n_inputs || !n->n_outputs)
		return false;
	for (k = 0; k < n->n_outputs; k++) {
		const struct gs_value *v = n->outputs[k] >= 0 ? g->values[n->outputs[k]] : NULL;

		if (!v || !v->n_uses || v->is_graph_output)
			return false;
	}
	return true;
}

/* Whether a row is Constant nodes only, differing in nothing: a matched
 * entry whose parameters are the same, or one model shown alone. */
static bool fold_row(struct build *b, const struct gs_row *row)
{
	const struct gs_match_entry *e = row->entry >= 0 ? &b->in->entries[row->entry] : NULL;
	int k;

	if (row->expandable)
		return false;
	if (!e)
		return (row->a >= 0) != (row->b >= 0) && (!b->in->ga || !b->in->gb) &&
		       gs_rows_foldable_const(row->a >= 0 ? row->ga : row->gb,
					      row->a >= 0 ? row->a : row->b);
	if (e->status != GS_MATCH_MATCHED || e->worst_param >= 0 || (!e->n_a && !e->n_b))
		return false;
	for (k = 0; k < e->n_a; k++)
		if (!gs_rows_foldable_const(e->graph_a, e->a[k]))
			return false;
	for (k = 0; k < e->n_b; k++)
		if (!gs_rows_foldable_const(e->graph_b, e->b[k]))
			return false;
	return true;
}

static void build_level(struct build *b, const struct gs_graph *ga,
			const struct gs_graph *gb, int depth)
{
	const struct gs_rows_input *in = b->in;
	int *ea = map_of(b, ga, false), *eb = map_of(b, gb, false);
	int na = ga ? topo_len(ga) : 0, nb = gb ? topo_len(gb) : 0;
	struct keyed *rows = gs_xcalloc((size_t)(na + nb) + 1, sizeof(*rows));
	int *row_of_entry = gs_xmalloc(sizeof(int) * ((size_t)in->n_entries + 1));
	int *row_b = gs_xmalloc(sizeof(int) * ((size_t)(gb ? gb->n_nodes : 0) + 1));
	int n = 0, i, k;
	long seq = 0;

	int *last = gs_xmalloc(sizeof(int) * ((size_t)in->n_entries + 1));
	int *main_node = gs_xmalloc(sizeof(int) * ((size_t)in->n_entries + 1));

	for (i = 0; i < in->n_entries; i++)
		row_of_entry[i] = last[i] = main_node[i] = -1;
	/* a group sits at its last member, labelled by its first real op */
	for (i = 0; i < na; i++) {
		int x = topo_at(ga, i), e = ea ? ea[x] : -1;

		if (e < 0 || ga->nodes[x]->removed)
			continue;
		last[e] = i;
		if (main_node[e] < 0 && strcmp(ga->nodes[x]->op_type, "Constant"))
			main_node[e] = x;
	}
	for (i = 0; i < na; i++) {
		int x = topo_at(ga, i), e = ea ? ea[x] : -1;

		if (ga->nodes[x]->removed || (e >= 0 && row_of_entry[e] >= 0))
			continue;
		rows[n].row = make_row(ga, gb, depth, e,
				       e >= 0 ? in->entries[e].status : GS_MATCH_REMOVED);
		rows[n].row.a = e >= 0 && main_node[e] >= 0 ? main_node[e] : x;
		rows[n].major = e >= 0 && last[e] > i ? last[e] : i;
		rows[n].minor = i;
		if (e >= 0)
			row_of_entry[e] = n;
		n++;
	}
	for (i = 0; i < nb; i++) {
		int y = topo_at(gb, i), e = eb ? eb[y] : -1;
		const struct gs_node *node = gb->nodes[y];
		long major = -1;

		row_b[y] = -1;
		if (node->removed)
			continue;
		if (e >= 0 && row_of_entry[e] >= 0) {
			row_b[y] = row_of_entry[e];
			if (rows[row_b[y]].row.b < 0 ||
			    !strcmp(gb->nodes[rows[row_b[y]].row.b]->op_type, "Constant"))
				rows[row_b[y]].row.b = y;
			continue;
		}
		/* only in B: after the latest row holding a producer */
		for (k = 0; k < node->n_inputs; k++) {
			int v = node->inputs[k], p;

			if (v < 0 || (p = gb->values[v]->producer) < 0 || row_b[p] < 0)
				continue;
			if (rows[row_b[p]].major > major)
				major = rows[row_b[p]].major;
		}
		rows[n].row = make_row(ga, gb, depth, e,
				       e >= 0 ? in->entries[e].status : GS_MATCH_ADDED);
		rows[n].row.b = y;
		rows[n].major = major;
		rows[n].minor = na + ++seq;
		row_b[y] = n;
		if (e >= 0)
			row_of_entry[e] = n;
		n++;
	}
	qsort(rows, (size_t)n, sizeof(*rows), cmp_keyed);
	for (i = 0; i < n; i++) {
		struct gs_row *row = &rows[i].row;
		bool ex = false;

		row->expandable = has_subgraph(ga, row->a) || has_subgraph(gb, row->b);
		if (row->expandable && in->expanded)
			ex = (row->a >= 0 && in->expanded(in->ctx, ga, row->a)) ||
			     (row->b >= 0 && in->expanded(in->ctx, gb, row->b));
		row->expanded = ex;
		if (in->fold_constants && fold_row(b, row)) {
			b->out->n_folded += row->a >= 0 ? 1 : 0;
			continue;
		}
		emit(b, row);
		if (ex)
			expand(b, row);
	}
	free(main_node);
	free(last);
	free(row_b);
	free(row_of_entry);
	free(rows);
}

void gs_rows_build(struct gs_rows *r, const struct gs_rows_input *in)
{
	struct build b;
	int i;

	gs_rows_release(r);
	memset(&b, 0, sizeof(b));
	b.in = in;
	b.out = r;
	r->entries = in->entries;
	r->n_entries = in->n_entries;
	index_entries(&b);
	build_level(&b, in->ga, in->gb, 0);
	for (i = 0; i < b.n_maps; i++)
		free(b.maps[i].entry_of);
	free(b.maps);
}

int gs_rows_members(const struct gs_rows *r, const struct gs_row *row, int side,
		    const int **ids, int *one)
{
	int node = side ? row->b : row->a;
	const struct gs_match_entry *e;

	if (node < 0)
		return 0;
	if (row->entry >= 0) {
		e = &r->entries[row->entry];
		if (side ? (e->graph_b == row->gb && e->n_b) : (e->graph_a == row->ga && e->n_a)) {
			*ids = side ? e->b : e->a;
			return side ? e->n_b : e->n_a;
		}
	}
	*one = node;
	*ids = one;
	return 1;
}

/* Row position of each node of one graph, for the listed rows. */
struct rowmap {
	const struct gs_graph *g;
	int *pos;
};

static int *rowmap_of(struct rowmap **maps, int *n_maps, int *alloc, const struct gs_graph *g)
{
	int i;

	for (i = 0; i < *n_maps; i++)
		if ((*maps)[i].g == g)
			return (*maps)[i].pos;
	GS_GROW(*maps, *n_maps + 1, *alloc);
	(*maps)[*n_maps].g = g;
	(*maps)[*n_maps].pos = gs_xmalloc(sizeof(int) * ((size_t)g->n_nodes + 1));
	for (i = 0; i < g->n_nodes; i++)
		(*maps)[*n_maps].pos[i] = -1;
	return (*maps)[(*n_maps)++].pos;
}

void gs_rows_parents(const struct gs_rows *r, const int *list, int n, int side,
		     int **off_out, int **par_out)
{
	struct rowmap *maps = NULL;
	int n_maps = 0, maps_alloc = 0, i, k, j, m, one, cnt = 0, alloc = 0;
	int *off = gs_xmalloc(sizeof(int) * ((size_t)n + 1));
	int *par = NULL;

	for (i = 0; i < n; i++) {
		const struct gs_row *row = &r->rows[list ? list[i] : i];
		const struct gs_graph *g = side ? row->gb : row->ga;
		const int *ids;
		int *pos;

		if (!g || (side ? row->b : row->a) < 0)
			continue;
		pos = rowmap_of(&maps, &n_maps, &maps_alloc, g);
		m = gs_rows_members(r, row, side, &ids, &one);
		for (k = 0; k < m; k++)
			if (ids[k] >= 0 && ids[k] < g->n_nodes)
				pos[ids[k]] = i;
	}
	for (i = 0; i < n; i++) {
		const struct gs_row *row = &r->rows[list ? list[i] : i];
		const struct gs_graph *g = side ? row->gb : row->ga;
		const int *ids;
		int *pos, start = cnt;

		off[i] = cnt;
		if (!g || (side ? row->b : row->a) < 0)
			continue;
		pos = rowmap_of(&maps, &n_maps, &maps_alloc, g);
		m = gs_rows_members(r, row, side, &ids, &one);
		for (k = 0; k < m; k++) {
			const struct gs_node *node = g->nodes[ids[k]];

			for (j = 0; j < node->n_inputs; j++) {
				int v = node->inputs[j], p, q, dup = 0;

				if (v < 0 || (p = g->values[v]->producer) < 0 || (q = pos[p]) < 0 || q == i)
					continue;
				for (p = start; p < cnt && !dup; p++)
					dup = par[p] == q;
				if (dup)
					continue;
				GS_GROW(par, cnt + 1, alloc);
				par[cnt++] = q;
			}
		}
	}
	off[n] = cnt;
	for (i = 0; i < n_maps; i++)
		free(maps[i].pos);
	free(maps);
	*off_out = off;
	*par_out = par ? par : gs_xmalloc(sizeof(int));
}
