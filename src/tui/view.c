/*
 * What commands may ask of the workbench (struct gs_view_ops): select a
 * node, filter to mismatches, trace, explain.  Also the trace highlight
 * and the text overlay that shows the key table and explanations.
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "tui/tui.h"

static void expand_holders(struct tui *t, const struct gs_graph *g)
{
	for (; g && g->parent; g = g->parent) {
		if (tui_is_expanded(t, g->parent, g->owner_node))
			continue;
		GS_GROW(t->expanded, t->n_expanded + 1, t->expanded_alloc);
		t->expanded[t->n_expanded].g = g->parent;
		t->expanded[t->n_expanded++].node = g->owner_node;
		t->relayout = true;
	}
}

static int find_vis(struct tui *t, int side, const struct gs_graph *g, int node)
{
	int i, k, n, one;
	const int *ids;

	for (i = 0; i < t->n_vis; i++) {
		const struct gs_row *r = &t->rows.rows[t->vis[i]];

		if ((side ? r->gb : r->ga) != g || (side ? r->b : r->a) < 0)
			continue;
		n = gs_rows_members(&t->rows, r, side, &ids, &one);
		for (k = 0; k < n; k++)
			if (ids[k] == node)
				return i;
	}
	return -1;
}

static void view_select(void *view, int side_ch, const struct gs_graph *g, int node)
{
	struct tui *t = view;
	int side = side_ch == 'b' || side_ch == 'B' || side_ch == 1, i;

	expand_holders(t, g);
	if (t->relayout)
		tui_relayout(t);
	if ((i = find_vis(t, side, g, node)) < 0 && t->filter) {
		t->ws->filter = false;
		tui_set_filter(t, false);
		i = find_vis(t, side, g, node);
	}
	if (i < 0)
		return;
	t->pane = side ? FOCUS_B : FOCUS_A;
	if (t->focus != FOCUS_CONSOLE)
		t->focus = t->pane;
	tui_move_to(t, i);
}

static void view_filter(void *view, bool on)
{
	struct tui *t = view;
	const struct gs_row *r = tui_sel_row(t);
	int keep = r ? t->vis[t->sel] : 0, i;

	tui_set_filter(t, on);
	/* stay on (or near) the same row */
	for (i = 0; i < t->n_vis && t->vis[i] < keep; i++)
		;
	tui_move_to(t, i);
}

void tui_trace_compute(struct tui *t)
{
	int n = t->n_vis, s, i, k, sp, *stack, *coff, *cpar;

	memset(t->trace, 0, (size_t)n);
	if (t->sel < 0 || t->sel >= n)
		return;
	stack = gs_xmalloc(sizeof(int) * ((size_t)n + 1));
	for (s = 0; s < 2; s++) {
		int *off = t->par_off[s], *par = t->par[s];
		unsigned char up = (unsigned char)(1 << (2 * s)), down = (unsigned char)(2 << (2 * s));

		if (!t->child_off[s])
			tui_children_build(t);
		coff = t->child_off[s];
		cpar = t->child[s];
		sp = 0;
		stack[sp++] = t->sel;
		while (sp) {
			i = stack[--sp];
			for (k = off[i]; k < off[i + 1]; k++)
				if (!(t->trace[par[k]] & up) && par[k] != t->sel) {
					t->trace[par[k]] |= up;
					stack[sp++] = par[k];
				}
		}
		stack[sp++] = t->sel;
		while (sp) {
			i = stack[--sp];
			for (k = coff[i]; k < coff[i + 1]; k++)
				if (!(t->trace[cpar[k]] & down) && cpar[k] != t->sel) {
					t->trace[cpar[k]] |= down;
					stack[sp++] = cpar[k];
				}
		}
	}
	free(stack);
	t->trace_sel = t->sel;
}

static void view_trace(void *view)
{
	struct tui *t = view;

	if (t->tracing && t->trace_sel == t->sel) {
		t->tracing = false;
		memset(t->trace, 0, (size_t)t->n_vis);
		return;
	}
	t->tracing = true;
	tui_trace_compute(t);
}

void tui_overlay_clear(struct tui *t)
{
	int i;

	for (i = 0; i < t->n_overlay; i++)
		free(t->overlay[i].text);
	free(t->overlay);
	t->overlay = NULL;
	t->n_overlay = t->overlay_alloc = t->overlay_top = 0;
	t->show_overlay = false;
}

void tui_overlay_add(void *ctx, enum gs_out_kind kind, const char *line)
{
	struct tui *t = ctx;

	GS_GROW(t->overlay, t->n_overlay + 1, t->overlay_alloc);
	t->overlay[t->n_overlay].text = gs_xstrdup(line);
	t->overlay[t->n_overlay++].kind = kind;
}

/* The explanation is long: it goes in the overlay, not the console. */
static void view_explain(void *view)
{
	struct tui *t = view;
	struct gs_workspace *ws = t->ws;
	struct gs_output out = ws->out;
	const struct gs_view_ops *ops = ws->view_ops;
	struct gs_error err;

	tui_overlay_clear(t);
	/* first: a long explanation runs past the pane */
	tui_overlay_add(t, GS_OUT_TEXT, "(j/k scroll, any other key closes)");
	ws->out.write = tui_overlay_add;
	ws->out.ctx = t;
	ws->view_ops = NULL;
	if (gs_cmd_run(ws, "explain", &err) < 0)
		tui_overlay_add(t, GS_OUT_ERROR, err.msg);
	ws->view_ops = ops;
	ws->out = out;
	tui_overlay_add(t, GS_OUT_TEXT, "");
	tui_overlay_add(t, GS_OUT_TEXT, "(j/k scroll, any other key closes)");
	t->show_overlay = true;
}

void tui_draw_overlay(struct tui *t)
{
	int y, i, attr;

	for (y = 0; y < t->pane_h; y++) {
		move(t->pane_y + y, 0);
		clrtoeol();
		i = t->overlay_top + y;
		if (i >= t->n_overlay)
			continue;
		attr = t->overlay[i].kind == GS_OUT_ERROR ? tui_attr(t, ROLE_ERROR) :
			t->overlay[i].kind == GS_OUT_HEADING ? tui_attr(t, ROLE_HEADING) : (int)A_NORMAL;
		tui_put(t->pane_y + y, 1, t->cols - 2, t->overlay[i].text, attr);
	}
}

const struct gs_view_ops tui_view_ops = {
	.select = view_select,
	.set_filter = view_filter,
	.trace = view_trace,
	.explain = view_explain,
};
