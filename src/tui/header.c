/*
 * The header: both files with their producers, then the verdicts and the
 * counts per status of the match, in the colours the panes use.
 */
#include <curses.h>
#include <string.h>

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

static void model_line(struct tui *t, char *buf, size_t len, char side,
		       const struct gs_model *m, const char *path, int width)
{
	char pb[256], nb[128], vb[64], tail[64];
	const char *shown;
	int room;

	if (!m) {
		snprintf(buf, len, "%c: (none)", side);
		return;
	}
	tui_escape(t, path, pb, sizeof(pb));
	snprintf(tail, sizeof(tail), "  %s %s",
		 m->producer_name && m->producer_name[0] ?
			tui_escape(t, m->producer_name, nb, sizeof(nb)) : "(no producer)",
		 m->producer_version ? tui_escape(t, m->producer_version, vb, sizeof(vb)) : "");
	room = width - 3 - (t->ws->a_is_baseline && side == 'A' ? 11 : 0) - (int)strlen(tail);
	shown = fit_path(pb, room);
	snprintf(buf, len, "%c%s: %s%s%s", side,
		 t->ws->a_is_baseline && side == 'A' ? " (baseline)" : "",
		 shown == pb ? "" : "...", shown, tail);
}

void tui_draw_header(struct tui *t)
{
	struct gs_workspace *ws = t->ws;
	int wa = (t->cols - 1) / 2, x, attr = tui_attr(t, ROLE_HEADER);
	char buf[512];
	const struct gs_match *m = t->match;

	move(0, 0);
	attron(attr);
	hline(' ', t->cols);
	attroff(attr);
	model_line(t, buf, sizeof(buf), 'A', ws->a, ws->path_a, wa);
	tui_put(0, 0, wa, buf, attr);
	model_line(t, buf, sizeof(buf), 'B', ws->b, ws->path_b, t->cols - wa - 1);
	tui_put(0, wa + 1, t->cols - wa - 1, buf, attr);
	if (t->pane_y < 2)
		return;
	move(1, 0);
	clrtoeol();
	if (!m) {
		tui_put(1, 0, t->cols, t->match_err[0] ? t->match_err : "no match",
			tui_attr(t, ROLE_ERROR));
		return;
	}
	snprintf(buf, sizeof(buf), "%s  structure %s  parameters %s  io %s  ",
		 m->verdict.identical ? "identical" : "different",
		 m->verdict.structure ? "same" : "differs",
		 m->verdict.parameters ? "same" : "differ",
		 m->verdict.io ? "same" : "differs");
	x = tui_put(1, 0, t->cols, buf, A_BOLD);
	{
		static const int order[] = {
			GS_MATCH_MATCHED, GS_MATCH_CHANGED, GS_MATCH_ADDED,
			GS_MATCH_REMOVED, GS_MATCH_FUSED, GS_MATCH_FOLDED,
		};
		size_t i;

		for (i = 0; i < sizeof(order) / sizeof(*order) && x < t->cols; i++) {
			snprintf(buf, sizeof(buf), "%c%d %s  ", tui_status_marker(order[i]),
				 m->summary.count[order[i]], gs_match_status_name(order[i]));
			x += tui_put(1, x, t->cols - x, buf,
				     tui_attr(t, (enum tui_role)tui_status_role(order[i])));
		}
		snprintf(buf, sizeof(buf), "P%d params", m->summary.params_changed);
		if (x < t->cols)
			tui_put(1, x, t->cols - x, buf, tui_attr(t, ROLE_PARAM));
	}
}
