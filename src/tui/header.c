/*
 * The header: both files with their producers, then the verdicts and the
 * counts per status of the match, in the colours the panes use, and after
 * `compare` where A and B first diverge.
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "tui/tui.h"

/* The file's path, shortened from the left ("...a/data/cnn.onnx") so that
 * the file name stays visible in a half-width header. */
static const char *fit_path(const char *path, int width)
{
	size_t len = strlen(path);

	if (width < 8 || len <= (size_t)width)
		return path;
	path += len - (size_t)(width - 3);
	while (*path && ((unsigned char)*path & 0xc0) == 0x80)
		path++;	/* do not start inside a UTF-8 sequence */
	return path;
}

/* Columns text takes on screen (escaped, so valid multibyte). */
static int text_width(const char *s)
{
	mbstate_t st;
	wchar_t wc;
	size_t n;
	int w = 0, cw;

	memset(&st, 0, sizeof(st));
	while (*s && (n = mbrtowc(&wc, s, MB_CUR_MAX, &st)) && n < (size_t)-2) {
		cw = wcwidth(wc);
		w += cw > 0 ? cw : 1;
		s += n;
	}
	return w;
}

/* "NAME: path  producer version" for the model shown on side 0 or 1:
 * A and B unless `show` picked other slots. */
static void model_line(struct tui *t, char *buf, size_t len, int pane, int width)
{
	char pb[256], nb[128], vb[64], tail[64], sb[80];
	const char *shown, *path, *slot;
	const struct gs_model *m = gs_workspace_shown(t->ws, pane, &slot, &path);
	bool baseline = m && m == t->ws->a && t->ws->a_is_baseline;
	int room;

	tui_escape(t, slot, sb, sizeof(sb));
	if (!m) {
		snprintf(buf, len, "%s: (none)", sb);
		return;
	}
	tui_escape(t, path ? path : "", pb, sizeof(pb));
	snprintf(tail, sizeof(tail), "  %s %s",
		 m->producer_name && m->producer_name[0] ?
			tui_escape(t, m->producer_name, nb, sizeof(nb)) : "(no producer)",
		 m->producer_version ? tui_escape(t, m->producer_version, vb, sizeof(vb)) : "");
	room = width - 2 - text_width(sb) - (baseline ? 11 : 0) - (int)strlen(tail);
	shown = fit_path(pb, room);
	snprintf(buf, len, "%s%s: %s%s%s", sb, baseline ? " (baseline)" : "",
		 shown == pb ? "" : "...", shown, tail);
}

/* "! diverges at NODE 10.8dB" or "no divergence < 30dB" in about width
 * columns: the node's name gives way from the left, then the words. */
static int divergence(struct tui *t, char *buf, size_t len, int width)
{
	const struct gs_compare *c = t->ws->compare;
	const struct gs_compare_pair *p;
	char nb[256], val[16];
	const char *name, *words = "diverges at ";
	int role, room;

	if (c->first_divergence < 0 || c->first_divergence >= c->n_pairs) {
		snprintf(buf, len, "no divergence < %.0fdB", c->opts.threshold_db);
		return ROLE_MATCHED;
	}
	p = &c->pairs[c->first_divergence];
	role = tui_pair_cell(p, val, sizeof(val));
	name = tui_escape(t, p->node_b[0] ? p->node_b : p->tensor_b, nb, sizeof(nb));
	room = width - 3 - (int)strlen(val) - (int)strlen(words);
	if (room < 12) {
		words = "";
		room = width - 3 - (int)strlen(val);
	}
	if (room < 4)
		room = 4;
	if (text_width(name) > room) {
		name += strlen(name) - (size_t)(room - 3);
		while (*name && ((unsigned char)*name & 0xc0) == 0x80)
			name++;	/* not inside a UTF-8 sequence */
	}
	snprintf(buf, len, "! %s%s%s %s", words, name == nb ? "" : "...", name, val);
	return role;
}

/*
 * The three compatibility verdicts (can B stand in for A), then the plain
 * fact whether any parameter differs, with the count: compatible
 * parameters may still have changed a lot.  Words shrink to fit width.
 */
static const char *verdicts(const struct gs_match *m, bool compare, int width,
			    char *buf, size_t len)
{
	const struct gs_match_verdict *v = &m->verdict;
	char params[48];
	int n = m->summary.params_changed;

	if (n)
		snprintf(params, sizeof(params), "parameters changed (%d)", n);
	else
		snprintf(params, sizeof(params), "parameters same");
	if (compare) {
		snprintf(buf, len, "%s  %s  ", v->identical ? "identical" : "different", params);
		return buf;
	}
	snprintf(buf, len, "%s  structure %s  parameters %s  io %s  %s  ",
		 v->identical ? "identical" : "different",
		 v->structure ? "compatible" : "incompatible",
		 v->parameters ? "compatible" : "incompatible",
		 v->io ? "compatible" : "incompatible", params);
	if ((int)strlen(buf) + 22 <= width)
		return buf;
	/* narrow: keep every verdict, in fewer words */
	if (n)
		snprintf(params, sizeof(params), "params changed (%d)", n);
	else
		snprintf(params, sizeof(params), "params same");
	snprintf(buf, len, "%s  %s%s%s%s  %s  ", v->identical ? "identical" : "different",
		 v->structure && v->parameters && v->io ? "all compatible" : "incompatible:",
		 v->structure ? "" : " structure", v->parameters ? "" : " parameters",
		 v->io ? "" : " io", params);
	return buf;
}

void tui_draw_header(struct tui *t)
{
	struct gs_workspace *ws = t->ws;
	int wa, cw, x, w, attr = tui_attr(t, ROLE_HEADER), role = ROLE_NORMAL;
	char buf[512], div[320];
	const struct gs_match *m = t->match;

	tui_pane_split(t, &wa, &cw);
	move(0, 0);
	attron(attr);
	hline(' ', t->cols);
	attroff(attr);
	model_line(t, buf, sizeof(buf), 0, wa);
	tui_put(0, 0, wa, buf, attr);
	model_line(t, buf, sizeof(buf), 1, t->cols - wa - cw - 1);
	tui_put(0, wa + cw + 1, t->cols - wa - cw - 1, buf, attr);
	if (t->pane_y < 2)
		return;
	move(1, 0);
	clrtoeol();
	/* the divergence takes the right end; the counts, shortened to the
	 * statuses present, stop short of it */
	w = t->cols;
	if (ws->compare) {
		role = divergence(t, div, sizeof(div), t->cols / 2);
		w = t->cols - 2 - text_width(div);
		if (w < 0)
			w = 0;
		tui_put(1, w + 2, t->cols - w - 2, div, tui_attr(t, (enum tui_role)role) | A_BOLD);
	}
	if (!m) {
		tui_put(1, 0, w, t->match_err[0] ? t->match_err : "no match",
			tui_attr(t, ROLE_ERROR));
		return;
	}
	x = tui_put(1, 0, w, verdicts(m, ws->compare != NULL, w, buf, sizeof(buf)), A_BOLD);
	{
		static const int order[] = {
			GS_MATCH_MATCHED, TUI_STATUS_PARAMS, GS_MATCH_CHANGED, GS_MATCH_ADDED,
			GS_MATCH_REMOVED, GS_MATCH_FUSED, GS_MATCH_FOLDED,
		};
		int p_rows = tui_param_rows(t), n;
		size_t i;

		/* a matched row whose parameters differ counts under P, not = */
		for (i = 0; i < sizeof(order) / sizeof(*order) && x < w; i++) {
			n = order[i] == TUI_STATUS_PARAMS ? p_rows : m->summary.count[order[i]];
			if (order[i] == GS_MATCH_MATCHED)
				n -= p_rows;
			if (!n && order[i] != GS_MATCH_MATCHED)
				continue;
			snprintf(buf, sizeof(buf), "%c%d %s  ", tui_status_marker(order[i]), n,
				 order[i] == TUI_STATUS_PARAMS ? "params" : tui_status_name(order[i]));
			x += tui_put(1, x, w - x, buf,
				     tui_attr(t, (enum tui_role)tui_status_role(order[i])));
		}
		/* Constants that differ in nothing sit in their consumers' rows */
		if (t->rows.n_folded && x < w) {
			snprintf(buf, sizeof(buf), "%d Const folded", t->rows.n_folded);
			tui_put(1, x, w - x, buf, tui_attr(t, ROLE_DIM));
		}
	}
}
