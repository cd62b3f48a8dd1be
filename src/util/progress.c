/* Progress of long steps and their cancelling (graphsmith/progress.h). */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "graphsmith/progress.h"

static struct gs_progress_sink sink;
static bool have_sink;
static volatile sig_atomic_t sigint_seen;
static int active;			/* nesting depth of begun progresses */
static struct sigaction old_int;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void gs_progress_set_sink(const struct gs_progress_sink *s)
{
	have_sink = s != NULL;
	if (s)
		sink = *s;
}

static void on_sigint(int sig)
{
	(void)sig;
	sigint_seen = 1;
}

static bool stderr_wanted(void)
{
	const char *e = getenv("GS_PROGRESS");

	if (e && *e)
		return strcmp(e, "0") != 0;
	return isatty(STDERR_FILENO);
}

static void format_eta(char *buf, size_t len, double s)
{
	if (s < 0 || s != s)
		snprintf(buf, len, "?");
	else if (s < 60)
		snprintf(buf, len, "%.0fs", s);
	else if (s < 3600)
		snprintf(buf, len, "%dm%02ds", (int)(s / 60), (int)s % 60);
	else
		snprintf(buf, len, "%dh%02dm", (int)(s / 3600), (int)(s / 60) % 60);
}

static void draw(struct gs_progress *p, bool done)
{
	char line[256], bar[21], eta[32];
	double el = now() - p->started;
	double rate = el > 0 ? (double)p->done / el : 0;
	int fill = p->total > 0 ? (int)(20 * p->done / p->total) : 0, i;

	for (i = 0; i < 20; i++)
		bar[i] = i < fill ? '#' : ' ';
	bar[20] = 0;
	if (done)
		format_eta(eta, sizeof(eta), el);
	else
		format_eta(eta, sizeof(eta), rate > 0 ? (double)(p->total - p->done) / rate : -1);
	snprintf(line, sizeof(line), "%s [%s] %lld/%lld %s  %.*f/s  %s %s%s%s", p->what, bar,
		 (long long)p->done, (long long)p->total, p->unit, rate < 10 ? 1 : 0, rate,
		 done ? "in" : "eta", eta, p->extra[0] ? "  " : "", p->extra);
	if (have_sink) {
		if (sink.show)
			sink.show(sink.ctx, line, done);
	} else if (stderr_wanted()) {
		fprintf(stderr, "\r%s\033[K%s", line, done ? "\n" : "");
		fflush(stderr);
	}
	p->last_drawn = now();
}

void gs_progress_begin(struct gs_progress *p, const char *what, int64_t total, const char *unit)
{
	memset(p, 0, sizeof(*p));
	p->what = what;
	p->unit = unit ? unit : "";
	p->total = total;
	p->started = now();
	if (active++ == 0) {
		struct sigaction sa;

		sigint_seen = 0;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_sigint;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, &old_int);
	}
}

int gs_progress_update(struct gs_progress *p, int64_t done, struct gs_error *err)
{
	p->done = done;
	if (!p->cancelled && now() - p->last_drawn >= 0.1) {
		draw(p, false);
		if (have_sink && sink.cancel_requested && sink.cancel_requested(sink.ctx))
			p->cancelled = true;
	}
	if (sigint_seen)
		p->cancelled = true;
	if (p->cancelled)
		return gs_error_set(err, "%s interrupted: nothing changed", p->what);
	return 0;
}

void gs_progress_note(struct gs_progress *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->extra, sizeof(p->extra), fmt, ap);
	va_end(ap);
}

void gs_progress_end(struct gs_progress *p)
{
	if (!p->cancelled)
		draw(p, true);
	else if (!have_sink && stderr_wanted())
		fprintf(stderr, "\r\033[K");
	if (active > 0 && --active == 0) {
		sigaction(SIGINT, &old_int, NULL);
		/* a Ctrl-C that stopped the step is spent; one outside any step
		 * keeps its usual meaning */
		sigint_seen = 0;
	}
}

double gs_progress_elapsed(const struct gs_progress *p)
{
	return now() - p->started;
}
