/*
 * Key scripts.  Tokens separated by blanks: a single character is that
 * key; "text" types each character; Enter Escape Tab BTab Up Down Left
 * Right PgUp PgDn Home End Space BSpace name keys; C-x is control-x;
 * resize=WxH resizes the virtual screen; click=X,Y clicks; # comments to
 * the end of the line.  Each key is timed from its arrival to a finished
 * frame (drawn and written out by curses).
 */
#include <curses.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "tui/replay.h"
#include "tui/tui.h"

static const struct {
	const char *name;
	int key;
	bool wide;
} names[] = {
	{ "Enter", '\r', true }, { "Escape", 27, true }, { "Tab", '\t', true },
	{ "Space", ' ', true }, { "BTab", KEY_BTAB, false }, { "Up", KEY_UP, false },
	{ "Down", KEY_DOWN, false }, { "Left", KEY_LEFT, false }, { "Right", KEY_RIGHT, false },
	{ "PgUp", KEY_PPAGE, false }, { "PgDn", KEY_NPAGE, false }, { "Home", KEY_HOME, false },
	{ "End", KEY_END, false }, { "BSpace", KEY_BACKSPACE, false },
};

static FILE *null_in, *null_out;

int gs_replay_screen(struct gs_replay_opts *o)
{
	SCREEN *s;

	null_in = fopen("/dev/null", "r");
	null_out = fopen("/dev/null", "w");
	if (!null_in || !null_out) {
		fprintf(stderr, "graphsmith: cannot open /dev/null\n");
		return -1;
	}
	if (!(s = newterm("xterm-256color", null_out, null_in))) {
		fprintf(stderr, "graphsmith: no terminfo entry for xterm-256color\n");
		return -1;
	}
	set_term(s);
	o->screen = s;
	resize_term(o->lines, o->cols);
	return 0;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void frame(struct tui *t, struct gs_replay_opts *o, const char *label, int key, bool wide)
{
	double t0 = now_ms(), ms;

	if (key >= 0)
		tui_handle_key(t, key, wide);
	tui_draw(t);
	ms = now_ms() - t0;
	GS_GROW(o->ms, o->n_ms + 1, o->ms_alloc);
	o->ms[o->n_ms++] = ms;
	if (o->frames)
		printf("frame %d %s %.3f ms\n", o->n_ms, label, ms);
}

static char *slurp(const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char *buf = NULL;
	size_t n = 0, alloc = 0, got;

	if (!f)
		return NULL;
	do {
		GS_GROW(buf, n + 4097, alloc);
		got = fread(buf + n, 1, 4096, f);
		n += got;
	} while (got > 0);
	buf[n] = '\0';
	if (f != stdin)
		fclose(f);
	return buf;
}

static char *dump_screen(void)
{
	char *out = NULL, mb[MB_LEN_MAX + 1];
	size_t n = 0, alloc = 0, line_start, k;
	int y, x, lines, cols;
	mbstate_t st;

	getmaxyx(stdscr, lines, cols);
	for (y = 0; y < lines; y++) {
		line_start = n;
		for (x = 0; x < cols; x++) {
			cchar_t cc;
			wchar_t wc[CCHARW_MAX + 1];
			attr_t attrs;
			short pair;

			memset(&st, 0, sizeof(st));
			if (mvin_wch(y, x, &cc) == ERR || getcchar(&cc, wc, &attrs, &pair, NULL) == ERR)
				wc[0] = L' ';
			k = wcrtomb(mb, wc[0] ? wc[0] : L' ', &st);
			if (k == (size_t)-1)
				mb[0] = '?', k = 1;
			GS_GROW(out, n + k + 2, alloc);
			memcpy(out + n, mb, k);
			n += k;
		}
		while (n > line_start && out[n - 1] == ' ')
			n--;
		GS_GROW(out, n + 2, alloc);
		out[n++] = '\n';
	}
	GS_GROW(out, n + 1, alloc);
	out[n] = '\0';
	return out;
}

int gs_replay_run(struct tui *t, struct gs_replay_opts *o)
{
	char *script = slurp(o->script), *p, *tok, label[64];
	size_t i;
	int rc = 0;

	if (!script) {
		tui_term_restore();
		fprintf(stderr, "graphsmith: cannot read key script '%s'\n", o->script);
		return 2;
	}
	frame(t, o, "start", -1, false);
	for (p = script; *p && !t->quit;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (!*p)
			break;
		if (*p == '#') {
			while (*p && *p != '\n')
				p++;
			continue;
		}
		if (*p == '"') {
			mbstate_t st;
			wchar_t wc;
			size_t k;

			memset(&st, 0, sizeof(st));
			for (p++; *p && *p != '"' && !t->quit; p += k) {
				k = mbrtowc(&wc, p, MB_CUR_MAX, &st);
				if (k == (size_t)-1 || k == (size_t)-2 || !k)
					k = 1, wc = (unsigned char)*p;
				snprintf(label, sizeof(label), "'%.*s'", (int)k, p);
				frame(t, o, label, (int)wc, true);
			}
			if (*p == '"')
				p++;
			continue;
		}
		tok = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			p++;
		if (*p)
			*p++ = '\0';
		snprintf(label, sizeof(label), "%s", tok);
		if (!strncmp(tok, "resize=", 7)) {
			int w, h;

			if (sscanf(tok + 7, "%dx%d", &w, &h) == 2) {
				resize_term(h, w);
				frame(t, o, label, KEY_RESIZE, false);
			}
			continue;
		}
		if (!strncmp(tok, "click=", 6)) {
			int x, y;

			if (sscanf(tok + 6, "%d,%d", &x, &y) == 2) {
				tui_click(t, y, x);
				frame(t, o, label, -1, false);
			}
			continue;
		}
		if (tok[0] == 'C' && tok[1] == '-' && tok[2] && !tok[3]) {
			frame(t, o, label, tok[2] & 0x1f, true);
			continue;
		}
		for (i = 0; i < sizeof(names) / sizeof(*names); i++)
			if (!strcmp(tok, names[i].name))
				break;
		if (i < sizeof(names) / sizeof(*names)) {
			frame(t, o, label, names[i].key, names[i].wide);
		} else if (!tok[1]) {
			frame(t, o, label, (unsigned char)tok[0], true);
		} else {
			tui_term_restore();
			fprintf(stderr, "graphsmith: unknown key '%s' in '%s'\n", tok, o->script);
			rc = 2;
			break;
		}
	}
	if (o->dump)
		o->dump_text = dump_screen();
	free(script);
	return rc;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

void gs_replay_finish(struct gs_replay_opts *o)
{
	if (o->dump_text) {
		fputs(o->dump_text, stdout);
		free(o->dump_text);
	}
	if (o->frames && o->n_ms > 1) {
		/* frame 1 is the first full draw; the keys come after it */
		double *k = o->ms + 1, sum = 0;
		int n = o->n_ms - 1, i;

		for (i = 0; i < n; i++)
			sum += k[i];
		qsort(k, (size_t)n, sizeof(*k), cmp_double);
		printf("keys %d  first-frame %.3f ms  mean %.3f ms  p50 %.3f ms  p95 %.3f ms  max %.3f ms\n",
		       n, o->ms[0], sum / n, k[n / 2], k[(n * 95) / 100 < n ? (n * 95) / 100 : n - 1],
		       k[n - 1]);
	}
	free(o->ms);
	if (o->screen)
		delscreen(o->screen);
	if (null_in)
		fclose(null_in);
	if (null_out)
		fclose(null_out);
	null_in = null_out = NULL;
}
