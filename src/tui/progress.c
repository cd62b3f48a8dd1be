/*
 * Long steps in the workbench: their progress line takes the status line,
 * and Ctrl-C stops them.  While a command runs the terminal is in raw
 * mode, so Ctrl-C arrives as a key (byte 3) that the sink polls for
 * without blocking, instead of the SIGINT that quits the workbench when
 * it is idle; a stopped step undoes itself (graphsmith/progress.h).
 */
#include <curses.h>

#include "graphsmith/progress.h"
#include "tui/tui.h"

static void show(void *ctx, const char *line, bool done)
{
	struct tui *t = ctx;
	int y = t->pane_y + t->pane_h, attr = tui_attr(t, ROLE_HEADER);
	char buf[512];

	if (done || t->cols < TUI_MIN_COLS || t->lines < TUI_MIN_LINES)
		return;		/* the next draw puts the usual status back */
	snprintf(buf, sizeof(buf), " %s   (Ctrl-C stops)", line);
	move(y, 0);
	attron(attr);
	hline(' ', t->cols);
	attroff(attr);
	tui_put(y, 0, t->cols, buf, attr);
	refresh();
}

static bool cancel_requested(void *ctx)
{
	bool stop = false;
	int ch;

	(void)ctx;
	nodelay(stdscr, TRUE);
	while ((ch = getch()) != ERR)
		stop |= ch == 3;	/* other keys typed meanwhile are dropped */
	timeout(250);		/* what the main loop uses */
	return stop;
}

void tui_progress_install(struct tui *t)
{
	struct gs_progress_sink s = { show, cancel_requested, t };

	gs_progress_set_sink(&s);
}

void tui_progress_remove(void)
{
	gs_progress_set_sink(NULL);
}

void tui_busy(bool on)
{
	if (on)
		raw();
	else
		cbreak();
}
