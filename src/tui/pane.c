/*
 * The two graph panes: A left, B right, one aligned row per
 * correspondence, lanes in a gutter, then marker, op type, name, output
 * shape and parameters.  After `compare` a narrow column between them
 * gives each row's SQNR of B's output against A's.  Only the rows on
 * screen are formatted, so a frame costs the same for 10 nodes and 10^5.
 */
#include <ctype.h>
#include <curses.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/info.h"
#include "tui/tui.h"

static int toposort_fn(struct gs_graph *g, void *ctx)
{
	if (!g->topo_valid)
		gs_graph_toposort(g, ctx);
	return 0;
}

int tui_row_status(const struct tui *t, const struct gs_row *r)
{
	if (r->status == GS_MATCH_MATCHED && t->match && r->entry >= 0 &&
	    r->entry < t->match->n_entries && t->match->entries[r->entry].worst_param >= 0)
		return TUI_STATUS_PARAMS;
	return r->status;
}

int tui_param_rows(const struct tui *t)
{
	int e, n = 0;

	for (e = 0; t->match && e < t->match->n_entries; e++)
		n += t->match->entries[e].worst_param >= 0 &&
		     t->match->entries[e].status == GS_MATCH_MATCHED;
	return n;
}

bool tui_is_mismatch(int status)
{
	return status != GS_MATCH_MATCHED && status != GS_ROW_LABEL;
}

static bool row_mismatch(const struct tui *t, const struct gs_row *r)
{
	return tui_is_mismatch(tui_row_status(t, r));
}

static void viewset_release(struct tui_viewset *v)
{
	int s;

	for (s = 0; s < 2; s++) {
		gs_lanes_release(&v->lanes[s]);
		free(v->par_off[s]);
		free(v->par[s]);
		free(v->child_off[s]);
		free(v->child[s]);
	}
	free(v->vis);
	memset(v, 0, sizeof(*v));
}

/* The current view's arrays in and out of a viewset. */
static void viewset_swap(struct tui *t, struct tui_viewset *v)
{
	struct tui_viewset cur;
	int s;

	cur.vis = t->vis;
	cur.n_vis = t->n_vis;
	cur.filter = t->filter;
	cur.valid = true;
	for (s = 0; s < 2; s++) {
		cur.lanes[s] = t->lanes[s];
		cur.par_off[s] = t->par_off[s];
		cur.par[s] = t->par[s];
		cur.child_off[s] = t->child_off[s];
		cur.child[s] = t->child[s];
		t->lanes[s] = v->lanes[s];
		t->par_off[s] = v->par_off[s];
		t->par[s] = v->par[s];
		t->child_off[s] = v->child_off[s];
		t->child[s] = v->child[s];
	}
	t->vis = v->vis;
	t->n_vis = v->n_vis;
	t->filter = v->filter;
	*v = cur;
}

void tui_free_layout(struct tui *t)
{
	struct tui_viewset cur;

	memset(&cur, 0, sizeof(cur));
	gs_rows_release(&t->rows);
	viewset_release(&t->alt);
	viewset_swap(t, &cur);
	viewset_release(&cur);
	free(t->trace);
	t->trace = NULL;
	free(t->cmp_pair);
	t->cmp_pair = NULL;
	t->cmp_n = 0;
	t->cmp_valid = false;
}

/* Children of each shown row: the parents CSR reversed; built with the
 * view so that a trace is only the walk. */
void tui_children_build(struct tui *t)
{
	int n = t->n_vis, s, i, k, *coff, *cpar, *fill;

	for (s = 0; s < 2; s++) {
		int *off = t->par_off[s], *par = t->par[s];

		free(t->child_off[s]);
		free(t->child[s]);
		coff = gs_xcalloc((size_t)n + 2, sizeof(int));
		cpar = gs_xmalloc(sizeof(int) * ((size_t)off[n] + 1));
		fill = gs_xcalloc((size_t)n + 1, sizeof(int));
		for (k = 0; k < off[n]; k++)
			coff[par[k] + 1]++;
		for (i = 0; i < n; i++)
			coff[i + 1] += coff[i];
		for (i = 0; i < n; i++)
			for (k = off[i]; k < off[i + 1]; k++)
				cpar[coff[par[k]] + fill[par[k]]++] = i;
		free(fill);
		t->child_off[s] = coff;
		t->child[s] = cpar;
	}
}

/* Visible rows, their parents and lanes for the current filter. */
static void build_view(struct tui *t)
{
	bool *has;
	int i, s;

	t->vis = gs_xmalloc(sizeof(int) * ((size_t)t->rows.n + 1));
	t->n_vis = 0;
	for (i = 0; i < t->rows.n; i++)
		if (!t->filter || row_mismatch(t, &t->rows.rows[i]))
			t->vis[t->n_vis++] = i;
	has = gs_xmalloc(sizeof(bool) * ((size_t)t->n_vis + 1));
	for (s = 0; s < 2; s++) {
		gs_rows_parents(&t->rows, t->vis, t->n_vis, s, &t->par_off[s], &t->par[s]);
		for (i = 0; i < t->n_vis; i++) {
			const struct gs_row *r = &t->rows.rows[t->vis[i]];

			has[i] = (s ? r->b : r->a) >= 0;
		}
		gs_lanes_layout(&t->lanes[s], t->n_vis, has, t->par_off[s], t->par[s]);
	}
	free(has);
	tui_children_build(t);
	free(t->trace);
	t->trace = gs_xcalloc((size_t)t->n_vis + 1, 1);
	t->tracing = false;
}

void tui_set_filter(struct tui *t, bool on)
{
	struct tui_viewset old;

	if (on == t->filter && t->vis)
		return;
	if (t->alt.valid && t->alt.filter == on) {
		viewset_swap(t, &t->alt);
		free(t->trace);
		t->trace = gs_xcalloc((size_t)t->n_vis + 1, 1);
		t->tracing = false;
		return;
	}
	memset(&old, 0, sizeof(old));
	viewset_swap(t, &old);
	viewset_release(&t->alt);
	t->alt = old;
	t->filter = on;
	build_view(t);
}

/* Rows below a node holding subgraphs are built only when it is open. */
bool tui_is_expanded(void *ctx, const struct gs_graph *g, int node)
{
	struct tui *t = ctx;
	int i;

	for (i = 0; i < t->n_expanded; i++)
		if (t->expanded[i].g == g && t->expanded[i].node == node)
			return true;
	return false;
}

void tui_relayout(struct tui *t)
{
	struct gs_workspace *ws = t->ws;
	struct gs_model *ma, *mb;
	struct gs_rows_input in;
	struct gs_error err;
	bool filter = t->filter;

	tui_free_layout(t);
	t->filter = filter;
	t->match_err[0] = '\0';
	t->match = NULL;
	/* the pair `show` picked: A and B unless other slots */
	ma = gs_workspace_shown(ws, 0, NULL, NULL);
	mb = gs_workspace_shown(ws, 1, NULL, NULL);
	if (ma)
		gs_graph_walk(ma->graph, toposort_fn, &err);
	if (mb)
		gs_graph_walk(mb->graph, toposort_fn, &err);
	t->match_gen = ws->match_gen;
	if (ma && mb && !(t->match = gs_workspace_match(ws, &err)))
		snprintf(t->match_err, sizeof(t->match_err), "%.250s", err.msg);
	memset(&in, 0, sizeof(in));
	in.ga = ma ? ma->graph : NULL;
	in.gb = mb ? mb->graph : NULL;
	if (t->match) {
		in.entries = t->match->entries;
		in.n_entries = t->match->n_entries;
	}
	in.expanded = tui_is_expanded;
	in.ctx = t;
	in.fold_constants = true;
	gs_rows_build(&t->rows, &in);
	build_view(t);
	t->relayout = false;
	t->gen++;
	tui_move(t, 0);
}

const struct gs_row *tui_sel_row(const struct tui *t)
{
	if (t->sel < 0 || t->sel >= t->n_vis)
		return NULL;
	return &t->rows.rows[t->vis[t->sel]];
}

/* The workspace's selection follows the cursor, so `explain` and `trace`
 * with no argument act on what the user sees. */
void tui_sync_selection(struct tui *t)
{
	const struct gs_row *r = tui_sel_row(t);
	struct gs_workspace *ws = t->ws;
	int side = t->pane == FOCUS_B;

	ws->sel_node = -1;
	ws->sel_graph = NULL;
	ws->sel_side = 0;
	if (!r)
		return;
	if ((side ? r->b : r->a) < 0)
		side = !side;
	if ((side ? r->b : r->a) < 0)
		return;
	ws->sel_side = side ? 'b' : 'a';
	ws->sel_graph = side ? r->gb : r->ga;
	ws->sel_node = side ? r->b : r->a;
}

void tui_move_to(struct tui *t, int i)
{
	if (i >= t->n_vis)
		i = t->n_vis - 1;
	if (i < 0)
		i = 0;
	t->sel = i;
	if (t->pane_h > 0) {
		if (t->sel < t->top)
			t->top = t->sel;
		if (t->sel >= t->top + t->pane_h)
			t->top = t->sel - t->pane_h + 1;
	}
	if (t->top > t->n_vis - t->pane_h)
		t->top = t->n_vis - t->pane_h;
	if (t->top < 0)
		t->top = 0;
	tui_sync_selection(t);
}

void tui_move(struct tui *t, int delta)
{
	tui_move_to(t, t->sel + delta);
}

void tui_next_mismatch(struct tui *t, int dir)
{
	int i;

	for (i = t->sel + dir; i >= 0 && i < t->n_vis; i += dir)
		if (row_mismatch(t, &t->rows.rows[t->vis[i]])) {
			tui_move_to(t, i);
			return;
		}
	t->status = dir > 0 ? "no further mismatch" : "no earlier mismatch";
}

/* Case-insensitive substring: strpbrk finds candidate first characters
 * (vectorized in libc), strncasecmp confirms; 10^5 rows stay cheap. */
static bool contains(const char *s, const char *pat, const char *first, size_t len)
{
	for (; s && (s = strpbrk(s, first)); s++)
		if (!strncasecmp(s, pat, len))
			return true;
	return false;
}

static bool node_matches(const struct gs_graph *g, int id, const char *pat,
			 const char *first, size_t len)
{
	const struct gs_node *n;
	int k, v;

	if (!g || id < 0)
		return false;
	n = g->nodes[id];
	if (contains(n->name, pat, first, len) || contains(n->op_type, pat, first, len))
		return true;
	/* a tensor at its producer, a parameter or graph input at its user
	 * (a folded Constant's in its consumer's row), as `find` does */
	for (k = 0; k < n->n_inputs + n->n_outputs; k++) {
		v = k < n->n_inputs ? n->inputs[k] : n->outputs[k - n->n_inputs];
		if (v < 0 || (k < n->n_inputs && g->values[v]->producer >= 0 &&
			      !gs_graph_param_of(g, v)))
			continue;
		if (contains(g->values[v]->name, pat, first, len))
			return true;
	}
	return false;
}

static bool row_matches(const struct tui *t, int vi, const char *pat, const char *first, size_t len)
{
	const struct gs_row *r = &t->rows.rows[t->vis[vi]];
	const int *ids;
	int s, k, m, one;

	for (s = 0; s < 2; s++) {
		m = gs_rows_members(&t->rows, r, s, &ids, &one);
		for (k = 0; k < m; k++)
			if (node_matches(s ? r->gb : r->ga, ids[k], pat, first, len))
				return true;
	}
	return false;
}

/* Moves to the next (dir 1) or previous (-1) row matching t->search,
 * wrapping; counts the matches and which one the cursor is on. */
static bool search_step(struct tui *t, int dir)
{
	const char *pat = t->search;
	char first[3] = { (char)tolower((unsigned char)pat[0]), (char)toupper((unsigned char)pat[0]), 0 };
	size_t len = strlen(pat);
	int k, i, found = -1;

	t->search_hits = 0;
	if (!len || !t->n_vis)
		return false;
	for (k = 1; k <= t->n_vis; k++) {
		i = ((t->sel + dir * k) % t->n_vis + t->n_vis) % t->n_vis;
		if (row_matches(t, i, pat, first, len)) {
			found = i;
			break;
		}
	}
	if (found < 0)
		return false;
	tui_move_to(t, found);
	for (i = 0; i < t->n_vis; i++)
		if (row_matches(t, i, pat, first, len)) {
			t->search_hits++;
			if (i == found)
				t->search_at = t->search_hits;
		}
	t->search_row = found;
	return true;
}

int tui_search(struct tui *t, const char *pat)
{
	snprintf(t->search, sizeof(t->search), "%s", pat);
	if (!search_step(t, 1))
		t->search[0] = '\0';
	return t->search_hits;
}

void tui_search_next(struct tui *t, int dir)
{
	if (!search_step(t, dir))
		t->status = "no row matches";
}

void tui_toggle_expand(struct tui *t)
{
	const struct gs_row *r = tui_sel_row(t);
	const struct gs_graph *g;
	int node, i;

	if (!r || !r->expandable)
		return;
	g = r->a >= 0 ? r->ga : r->gb;
	node = r->a >= 0 ? r->a : r->b;
	for (i = 0; i < t->n_expanded; i++)
		if (t->expanded[i].g == g && t->expanded[i].node == node) {
			t->expanded[i] = t->expanded[--t->n_expanded];
			tui_relayout(t);
			return;
		}
	GS_GROW(t->expanded, t->n_expanded + 1, t->expanded_alloc);
	t->expanded[t->n_expanded].g = g;
	t->expanded[t->n_expanded++].node = node;
	tui_relayout(t);
}

/* The divergence column: a marker and 6 cells, between two separators;
 * dropped below CMP_MIN_COLS so that the panes keep their names. */
#define CMP_W 7
#define CMP_MIN_COLS 60

void tui_pane_split(const struct tui *t, int *wa, int *cw)
{
	*cw = t->ws->compare && t->cols >= CMP_MIN_COLS ? CMP_W + 1 : 0;
	*wa = (t->cols - 1 - *cw) / 2;
}

/* Entry -> pair, so a frame does not scan every pair per row; keyed on
 * the commands run, never on the pointer, which a command may free. */
static void index_pairs(struct tui *t)
{
	const struct gs_compare *c = t->ws->compare;
	int n = t->match ? t->match->n_entries : 0, i, e;

	if (t->cmp_valid && t->cmp_gen == t->gen && t->cmp_cmds == t->cmds)
		return;
	free(t->cmp_pair);
	t->cmp_pair = gs_xmalloc(sizeof(int) * ((size_t)n + 1));
	t->cmp_n = n;
	for (e = 0; e < n; e++)
		t->cmp_pair[e] = -1;
	/* first in execution order, except that the first divergence wins
	 * its row: the '!' and the figure must agree */
	for (i = c ? c->n_pairs - 1 : -1; i >= 0; i--)
		if ((e = c->pairs[i].entry) >= 0 && e < n)
			t->cmp_pair[e] = i;
	if (c && c->first_divergence >= 0 && (e = c->pairs[c->first_divergence].entry) >= 0 && e < n)
		t->cmp_pair[e] = c->first_divergence;
	t->cmp_gen = t->gen;
	t->cmp_cmds = t->cmds;
	t->cmp_valid = true;
}

/* The pair a row shows, or NULL; *first: its entry holds the first
 * divergence. */
static const struct gs_compare_pair *row_pair(struct tui *t, const struct gs_row *r, bool *first)
{
	const struct gs_compare *c = t->ws->compare;
	int i;

	*first = false;
	if (!c || !r || r->entry < 0)
		return NULL;
	index_pairs(t);
	if (r->entry >= t->cmp_n || (i = t->cmp_pair[r->entry]) < 0 || i >= c->n_pairs)
		return NULL;
	*first = c->first_divergence >= 0 && c->pairs[c->first_divergence].entry == r->entry;
	return &c->pairs[i];
}

int tui_pair_cell(const struct gs_compare_pair *p, char *buf, size_t len)
{
	const struct gs_metrics *m = &p->m;
	double db = m->sqnr_db;

	if (p->shape_differs) {
		snprintf(buf, len, "shape");
		return ROLE_REMOVED;
	}
	if (!p->compared) {
		snprintf(buf, len, "n/p");	/* one side not produced */
		return ROLE_DIM;
	}
	if (!m->sqnr_defined) {
		snprintf(buf, len, "-inf");	/* A all zero, B not */
		return ROLE_REMOVED;
	}
	if (isinf(db) && db > 0) {
		snprintf(buf, len, "exact");
		return ROLE_MATCHED;
	}
	if (db >= 999.5)
		snprintf(buf, len, ">999dB");
	else if (db <= -99.5)
		snprintf(buf, len, "<-99dB");
	else	/* one decimal while it fits in 6 cells */
		snprintf(buf, len, db >= 99.95 || db <= -9.95 ? "%.0fdB" : "%.1fdB", db);
	return db >= 40 ? ROLE_MATCHED : db >= 20 ? ROLE_CHANGED : ROLE_REMOVED;
}

static void draw_pair_cell(struct tui *t, int y, int x, int vi)
{
	const struct gs_row *r = &t->rows.rows[t->vis[vi]];
	const struct gs_compare_pair *p;
	char val[16], cell[24];
	bool first;
	int role, attr;

	if (r->status == GS_ROW_LABEL)
		return;
	if (!(p = row_pair(t, r, &first))) {
		tui_put(y, x, CMP_W, "     - ", tui_attr(t, ROLE_DIM));
		return;
	}
	role = tui_pair_cell(p, val, sizeof(val));
	snprintf(cell, sizeof(cell), "%c%6s", first ? '!' : ' ', val);
	attr = tui_attr(t, (enum tui_role)role);
	if (first)
		attr |= A_BOLD | A_REVERSE;
	else if (vi == t->sel)
		attr |= A_BOLD;
	tui_put(y, x, CMP_W, cell, attr);
}

void tui_click(struct tui *t, int y, int x)
{
	int wa, cw;

	if (y < t->pane_y || y >= t->pane_y + t->pane_h || t->detail)
		return;
	tui_pane_split(t, &wa, &cw);
	t->pane = t->focus = x > wa + cw / 2 ? FOCUS_B : FOCUS_A;
	tui_move_to(t, t->top + y - t->pane_y);
}

/* "w[16,3,3,3] float32" for each parameter input, into buf. */
static void format_params(struct tui *t, const struct gs_graph *g, const struct gs_node *n,
			  char *buf, size_t len)
{
	char nb[96], db[64];
	size_t o = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < n->n_inputs && o + 1 < len; i++) {
		const struct gs_tensor *tn = n->inputs[i] >= 0 ? gs_graph_param_of(g, n->inputs[i]) : NULL;

		if (!tn)
			continue;
		tui_escape(t, g->values[n->inputs[i]]->name, nb, 24);
		o += (size_t)snprintf(buf + o, len - o, "%s%s%s %s", o ? ", " : "", nb,
				      gs_format_dims(tn->rank, tn->dims, db, sizeof(db)),
				      gs_dtype_name(tn->dtype));
	}
}

static void draw_side(struct tui *t, int y, int x, int w, int vi, int side)
{
	const struct gs_row *r = &t->rows.rows[t->vis[vi]];
	const struct gs_graph *g = side ? r->gb : r->ga;
	int id = side ? r->b : r->a;
	int gut = t->lanes[side].width * 2, used, attr, role, n, one, k;
	const int *ids;
	char lane[GS_LANES_MAX * 8 + 1], text[1024], ob[128], nb[256], sb[128], pb[512];
	bool sel = vi == t->sel, focused = sel && t->focus == (side ? FOCUS_B : FOCUS_A);
	unsigned char tr = t->trace ? (t->trace[vi] >> (side * 2)) & 3 : 0;

	if (gut > w / 3)
		gut = w / 3;
	gs_lanes_render(&t->lanes[side], vi, t->utf8, gut / 2, lane, sizeof(lane));
	used = tui_put(y, x, gut, lane, tui_attr(t, ROLE_LANE));
	for (; used < gut; used++)
		mvaddch(y, x + used, ' ');
	x += gut;
	w -= gut;
	role = tui_status_role(tui_row_status(t, r));
	attr = tui_attr(t, (enum tui_role)role);
	if (focused)
		attr |= A_REVERSE;
	else if (sel)
		attr |= A_BOLD | A_UNDERLINE;
	if (r->status == GS_ROW_LABEL) {
		snprintf(text, sizeof(text), "%*s%s:", 2 * r->depth, "",
			 tui_escape(t, r->label, nb, sizeof(nb)));
		used = g ? tui_put(y, x, w, text, tui_attr(t, ROLE_DIM) | (focused ? A_REVERSE : 0)) : 0;
	} else if (id < 0) {
		used = tui_put(y, x, w, focused ? " " : "", attr);
	} else {
		const struct gs_node *node = g->nodes[id];
		const struct gs_node *last;
		const char *op = node->op_type;
		const struct gs_match_entry *e = r->entry >= 0 && t->match ? &t->match->entries[r->entry] : NULL;
		char mark = tr == 1 ? '^' : tr == 2 ? 'v' : tr == 3 ? '*' : ' ';
		char marker = tui_status_marker(tui_row_status(t, r));

		n = gs_rows_members(&t->rows, r, side, &ids, &one);
		/* the group's output: its last member that is no Constant */
		for (k = n - 1; k > 0 && !strcmp(g->nodes[ids[k]]->op_type, "Constant"); k--)
			;
		last = g->nodes[ids[k]];
		if (n > 1 && e && e->pattern)
			op = e->pattern;
		tui_escape(t, op, ob, sizeof(ob));
		if (n > 1 && !(e && e->pattern))
			snprintf(ob + strlen(ob), sizeof(ob) - strlen(ob), " +%d", n - 1);
		format_params(t, g, node, pb, sizeof(pb));
		snprintf(text, sizeof(text), "%c%c %*s%s%s %s %s%s%s", mark, marker, 2 * r->depth, "",
			 r->expandable ? (r->expanded ? (t->utf8 ? "\u25be " : "v ") : (t->utf8 ? "\u25b8 " : "> ")) : "",
			 ob, node->name[0] ? tui_escape(t, node->name, nb, sizeof(nb)) : "-",
			 last->n_outputs && last->outputs[0] >= 0 ?
				gs_format_shape(g->values[last->outputs[0]], sb, sizeof(sb)) : "",
			 pb[0] ? "  " : "", pb);
		if (tr && !sel)
			attr |= tui_attr(t, ROLE_TRACE);
		used = tui_put(y, x, w, text, attr);
	}
	if (focused) {
		attron(A_REVERSE);
		for (; used < w; used++)
			mvaddch(y, x + used, ' ');
		attroff(A_REVERSE);
	}
}

void tui_draw_panes(struct tui *t)
{
	int wa, cw, wb, y, vi;
	const char *sep = t->utf8 ? "\u2502" : "|";

	tui_pane_split(t, &wa, &cw);
	wb = t->cols - 1 - cw - wa;
	for (y = 0; y < t->pane_h; y++) {
		vi = t->top + y;
		move(t->pane_y + y, 0);
		clrtoeol();
		tui_put(t->pane_y + y, wa, 1, sep, tui_attr(t, ROLE_DIM));
		if (cw)
			tui_put(t->pane_y + y, wa + cw, 1, sep, tui_attr(t, ROLE_DIM));
		if (vi >= t->n_vis)
			continue;
		draw_side(t, t->pane_y + y, 0, wa, vi, 0);
		if (cw)
			draw_pair_cell(t, t->pane_y + y, wa + 1, vi);
		draw_side(t, t->pane_y + y, wa + 1 + cw, wb, vi, 1);
	}
	if (!t->n_vis)
		tui_put(t->pane_y, 2, t->cols - 4, t->filter ? "no mismatches (f shows all)" :
			"no nodes", tui_attr(t, ROLE_DIM));
}

/* Screen areas from the terminal size. */
void tui_layout_screen(struct tui *t)
{
	int header = t->lines >= 20 ? 2 : 1;
	int out = t->lines >= 30 ? 7 : t->lines >= 20 ? 4 : 1;

	t->pane_y = header;
	t->console_h = out;
	t->pane_h = t->lines - header - out - 2;	/* -2: status and input lines */
	t->console_y = t->pane_y + t->pane_h + 1;
	tui_move(t, 0);
}
