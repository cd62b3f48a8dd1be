/*
 * Headless runs of the workbench: a key script replayed on a virtual
 * screen (curses on /dev/null), with the time each key took to a finished
 * frame (--frames) and the final screen as text (--dump).
 */
#ifndef GS_TUI_REPLAY_H
#define GS_TUI_REPLAY_H

#include <stdbool.h>

struct tui;

struct gs_replay_opts {
	const char *script;		/* key script file, "-" for stdin */
	bool frames, dump;
	int lines, cols;
	/* internal */
	void *screen;
	char *dump_text;
	double *ms;
	int n_ms, ms_alloc;
};

/* Creates the virtual screen (instead of initscr). */
int gs_replay_screen(struct gs_replay_opts *o);
/* Plays the script; returns the exit status. */
int gs_replay_run(struct tui *t, struct gs_replay_opts *o);
/* After the terminal is restored: prints the dump and frame figures. */
void gs_replay_finish(struct gs_replay_opts *o);

#endif
