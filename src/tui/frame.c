/*
 * One frame of the workbench: the screen drawn from the state, and one
 * key handed to the overlay, the console or the key table.  The live
 * loop (workbench.c) and key scripts (replay.c) both drive these.
 */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "tui/tui.h"

static void draw_status(struct tui *t)
{
	const struct gs_row *r = tui_sel_row(t);
	char buf[512], nb[48], sb[200], pb[140];
	const char *slot;
	int y = t->pane_y + t->pane_h, attr = tui_attr(t, ROLE_HEADER);

	gs_workspace_shown(t->ws, t->pane == FOCUS_B, &slot, NULL);
	sb[0] = '\0';
	if (t->search[0] && t->search_row == t->sel)
		snprintf(sb, sizeof(sb), "  /%s %d/%d", tui_escape(t, t->search, pb, sizeof(pb)),
			 t->search_at, t->search_hits);
	else if (t->search[0])
		snprintf(sb, sizeof(sb), "  /%s %d", tui_escape(t, t->search, pb, sizeof(pb)),
			 t->search_hits);
	snprintf(buf, sizeof(buf), " [%s]  row %d/%d  %s%s%s%s%s", tui_escape(t, slot, nb, sizeof(nb)),
		 t->n_vis ? t->sel + 1 : 0, t->n_vis,
		 !r ? "" : r->status == GS_ROW_LABEL ? "subgraph" : tui_status_name(tui_row_status(t, r)),
		 sb, t->filter ? "  filter: mismatches" : "", t->tracing ? "  trace" : "",
		 t->ws->unsaved ? "  B modified" : "");
	move(y, 0);
	attron(attr);
	hline(' ', t->cols);
	attroff(attr);
	tui_put(y, 0, t->cols, buf, attr);
}

void tui_draw(struct tui *t)
{
	int lines, cols;

	getmaxyx(stdscr, lines, cols);
	if (lines != t->lines || cols != t->cols) {
		t->lines = lines;
		t->cols = cols;
		tui_layout_screen(t);
		clear();
	}
	if (t->cols < TUI_MIN_COLS || t->lines < TUI_MIN_LINES) {
		erase();
		mvaddnstr(0, 0, "terminal too small", t->cols);
		refresh();
		return;
	}
	tui_draw_header(t);
	if (t->show_overlay)
		tui_draw_overlay(t);
	else if (t->detail)
		tui_draw_detail(t);
	else
		tui_draw_panes(t);
	draw_status(t);
	tui_console_draw(t);	/* last: it leaves the cursor on the input line */
	refresh();
}

void tui_handle_key(struct tui *t, int key, bool is_wide)
{
	MEVENT ev;

	t->status = NULL;
	if (!is_wide && key == KEY_RESIZE)
		return;		/* tui_draw picks up the new size */
	if (!is_wide && key == KEY_MOUSE) {
		if (getmouse(&ev) != OK)
			return;
		if (ev.bstate & BUTTON4_PRESSED)
			tui_move(t, -3);
		else if (ev.bstate & BUTTON5_PRESSED)
			tui_move(t, 3);
		else if (ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED))
			tui_click(t, ev.y, ev.x);
		return;
	}
	if (t->show_overlay && t->focus != FOCUS_CONSOLE) {
		if (key == 'j' || (!is_wide && key == KEY_DOWN))
			t->overlay_top += t->overlay_top + 1 < t->n_overlay ? 1 : 0;
		else if (key == 'k' || (!is_wide && key == KEY_UP))
			t->overlay_top -= t->overlay_top > 0 ? 1 : 0;
		else
			tui_overlay_clear(t);
		return;
	}
	/* the quit question takes one key, no Enter: y quits, any other key
	 * says no and the next keys go to the panes again */
	if (t->focus == FOCUS_CONSOLE && t->prompt == PROMPT_CONFIRM_QUIT) {
		tui_console_leave(t);
		if (is_wide && (key == 'y' || key == 'Y'))
			tui_run(t, "quit!");
		else
			tui_console_write(t, GS_OUT_TEXT, "not quitting (save B with `save`)");
	} else if (t->focus == FOCUS_CONSOLE) {
		if (is_wide && key == 27)
			tui_console_leave(t);
		else
			tui_console_key(t, key, is_wide);
	} else if (is_wide || key >= KEY_MIN) {
		tui_key(t, key);
	}
	if (t->relayout)
		tui_relayout(t);
}
