/*
 * progress.h - long steps (calibration, importance, reconstruction,
 * training) say how far they are and can be stopped.
 *
 * A step calls gs_progress_begin with its total, gs_progress_update as it
 * goes (cheap: the line is redrawn at most ten times a second) and
 * gs_progress_end.  Where the line goes is the sink's business: the TUI
 * draws it in the status line and polls the keyboard for Ctrl-C; headless,
 * the default sink draws a bar with a rate and an estimate on stderr when
 * stderr is a terminal (or GS_PROGRESS=1) and is silent otherwise.
 *
 * Cancelling: gs_progress_update returns -1 with err set to
 * "interrupted" once the sink reports Ctrl-C (or SIGINT arrived while a
 * progress was active); the step must then undo what it did, so an
 * interrupted step changes nothing.
 */
#ifndef GRAPHSMITH_PROGRESS_H
#define GRAPHSMITH_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

#include "graphsmith/error.h"

struct gs_progress_sink {
	/* line: "calibrating  [######    ]  412/1797 samples  83/s  eta 17s";
	 * done is set on the last call of a step (line then says the total time) */
	void (*show)(void *ctx, const char *line, bool done);
	/* true when the person asked to stop (polled with each redraw) */
	bool (*cancel_requested)(void *ctx);
	void *ctx;
};

/* Installs the sink (NULL: back to the default stderr bar).  Process-wide. */
void gs_progress_set_sink(const struct gs_progress_sink *sink);

struct gs_progress {
	const char *what;		/* "calibrating", "distilling" */
	const char *unit;		/* "samples", "steps" */
	int64_t total, done;
	double started, last_drawn;	/* monotonic seconds */
	bool cancelled;
	char extra[96];			/* appended to the line, e.g. "loss 0.412" */
};

void gs_progress_begin(struct gs_progress *p, const char *what, int64_t total, const char *unit);
/* Records done units; redraws when due.  -1 with err set when cancelled. */
int gs_progress_update(struct gs_progress *p, int64_t done, struct gs_error *err);
/* Sets the text shown after the counts (printf-style). */
void gs_progress_note(struct gs_progress *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void gs_progress_end(struct gs_progress *p);
/* Seconds since begin. */
double gs_progress_elapsed(const struct gs_progress *p);

#endif
