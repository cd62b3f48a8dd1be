/*
 * The terminal: setup and (always) restore, colours or their monochrome
 * stand-ins, and drawing text that may not exceed its box.  With NO_COLOR
 * or no colour support every status keeps its own look through bold,
 * underline, reverse and the marker column.
 */
#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

#include "tui/tui.h"

struct tui *tui_current;
static volatile sig_atomic_t signalled;
static bool screen_up;
static struct termios saved_tty;
static bool have_saved_tty;

static const struct {
	short fg;
	int mono;			/* attributes without colour */
	int extra;			/* attributes added with colour too */
} roles[ROLE_COUNT_] = {
	[ROLE_NORMAL] = { -1, A_NORMAL, 0 },
	[ROLE_MATCHED] = { -1, A_NORMAL, 0 },
	[ROLE_CHANGED] = { COLOR_YELLOW, A_BOLD, 0 },
	[ROLE_ADDED] = { COLOR_GREEN, A_UNDERLINE, 0 },
	[ROLE_REMOVED] = { COLOR_RED, A_DIM, 0 },
	[ROLE_FUSED] = { COLOR_CYAN, A_BOLD | A_UNDERLINE, 0 },
	[ROLE_PARAM] = { COLOR_MAGENTA, A_BOLD, 0 },
	[ROLE_HEADER] = { -1, A_REVERSE, A_BOLD },
	[ROLE_LANE] = { COLOR_BLUE, A_NORMAL, 0 },
	[ROLE_ERROR] = { COLOR_RED, A_BOLD, A_BOLD },
	[ROLE_HEADING] = { -1, A_BOLD, A_BOLD },
	[ROLE_TRACE] = { COLOR_BLUE, A_BOLD, A_BOLD },
	[ROLE_DIM] = { -1, A_DIM, 0 },
};

void tui_term_setup(struct tui *t)
{
	const char *nc = getenv("NO_COLOR");
	int i;

	t->utf8 = !strcmp(nl_langinfo(CODESET), "UTF-8");
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	intrflush(stdscr, FALSE);
	set_escdelay(25);
	curs_set(0);
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	mouseinterval(0);
	t->color = has_colors() && !(nc && nc[0]);
	if (t->color) {
		start_color();
		use_default_colors();
		for (i = 1; i < ROLE_COUNT_; i++)
			init_pair((short)i, roles[i].fg, i == ROLE_HEADER ? COLOR_BLUE : -1);
	}
	screen_up = true;
}

void tui_term_restore(void)
{
	if (!screen_up)
		return;
	screen_up = false;
	curs_set(1);
	endwin();
}

int tui_attr(struct tui *t, enum tui_role role)
{
	if (!t->color)
		return roles[role].mono;
	if (role == ROLE_NORMAL || role == ROLE_MATCHED)
		return A_NORMAL;
	if (role == ROLE_HEADER)
		return (int)COLOR_PAIR(role) | A_BOLD;
	return (int)COLOR_PAIR(role) | roles[role].extra;
}

int tui_status_role(int status)
{
	switch (status) {
	case GS_MATCH_CHANGED: return ROLE_CHANGED;
	case GS_MATCH_ADDED: return ROLE_ADDED;
	case GS_MATCH_REMOVED: return ROLE_REMOVED;
	case GS_MATCH_FUSED: case GS_MATCH_FOLDED: return ROLE_FUSED;
	case TUI_STATUS_PARAMS: return ROLE_PARAM;
	case GS_ROW_LABEL: return ROLE_DIM;
	default: return ROLE_MATCHED;
	}
}

char tui_status_marker(int status)
{
	switch (status) {
	case GS_MATCH_MATCHED: return '=';
	case GS_MATCH_CHANGED: return '~';
	case GS_MATCH_ADDED: return '+';
	case GS_MATCH_REMOVED: return '-';
	case GS_MATCH_FUSED: case GS_MATCH_FOLDED: return 'F';
	case TUI_STATUS_PARAMS: return 'P';
	default: return ' ';
	}
}

const char *tui_status_name(int status)
{
	if (status == TUI_STATUS_PARAMS)
		return "params changed";
	if (status == GS_ROW_LABEL)
		return "subgraph";
	return gs_match_status_name(status);
}

int tui_put(int y, int x, int w, const char *s, int attr)
{
	mbstate_t st;
	int used = 0;

	memset(&st, 0, sizeof(st));
	if (w <= 0)
		return 0;
	attron(attr);
	move(y, x);
	while (*s && used < w) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s, MB_CUR_MAX, &st);
		int cw;

		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			/* escaped text is valid; be safe anyway */
			addch('?');
			memset(&st, 0, sizeof(st));
			s++;
			used++;
			continue;
		}
		cw = wcwidth(wc);
		if (cw < 0 || wc < 0x20) {
			addch('?');
			cw = 1;
		} else if (used + cw > w) {
			break;
		} else {
			addnstr(s, (int)n);
		}
		s += n;
		used += cw;
	}
	attroff(attr);
	return used;
}

const char *tui_escape(struct tui *t, const char *s, char *buf, size_t len)
{
	if (!s)
		s = "";
	return t->utf8 ? gs_escape(s, buf, len) : gs_escape_ascii(s, buf, len);
}

/* SIGINT/SIGTERM: the loop notices and leaves through the normal path; a
 * second signal (the loop is busy) restores the terminal right here. */
static void on_signal(int sig)
{
	static const char reset[] = "\033[?1049l\033[?25h\033[0m\r\n";

	if (signalled) {
		gs_atomic_unlink_all();	/* a save in progress leaves nothing */
		if (have_saved_tty)
			tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
		if (write(STDOUT_FILENO, reset, sizeof(reset) - 1) < 0)
			_exit(128 + sig);
		_exit(128 + sig);
	}
	signalled = sig;
}

void tui_install_signals(void)
{
	struct sigaction sa;

	/* before curses changes it: what the emergency path puts back */
	have_saved_tty = isatty(STDIN_FILENO) && !tcgetattr(STDIN_FILENO, &saved_tty);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

bool tui_signalled(void)
{
	return signalled != 0;
}
