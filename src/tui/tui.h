/*
 * The workbench: internals shared by the files of src/tui/.  The TUI is a view over
 * commands: keys (keys.c) and the console run command lines through
 * tui_run (console.c) and gs_cmd_run, and
 * commands reach back only through ws->view_ops (view.c) and ws->out
 * (console.c).  Only term.c, console.c and the draw functions talk to
 * curses; rows.c and lanes.c are pure.
 */
#ifndef GS_TUI_H
#define GS_TUI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "graphsmith/cmd.h"
#include "graphsmith/compare.h"
#include "tui/lanes.h"
#include "tui/rows.h"

/* The status of a matched row whose parameters differ: its own marker
 * (P) and colour, a mismatch for n/N and the filter. */
#define TUI_STATUS_PARAMS GS_MATCH_STATUS_COUNT_

/* Below this the screen shows "terminal too small". */
#define TUI_MIN_COLS 40
#define TUI_MIN_LINES 10

enum tui_focus { FOCUS_A, FOCUS_B, FOCUS_CONSOLE };

/* What the console's input line is being used for. */
enum tui_prompt { PROMPT_COMMAND, PROMPT_SEARCH, PROMPT_CONFIRM_QUIT };

/* Colour pairs / attribute roles. */
enum tui_role {
	ROLE_NORMAL, ROLE_MATCHED, ROLE_CHANGED, ROLE_ADDED, ROLE_REMOVED,
	ROLE_FUSED, ROLE_PARAM, ROLE_HEADER, ROLE_LANE, ROLE_ERROR,
	ROLE_HEADING, ROLE_TRACE, ROLE_DIM, ROLE_COUNT_
};

struct tui_line {
	char *text;
	int kind;			/* enum gs_out_kind */
};

struct tui_console {
	struct tui_line *lines;
	int n, alloc;
	int scroll;			/* lines scrolled back from the bottom */
	char *history_path;
	bool rl_active;
	/* bytes for readline's rl_getc_function */
	unsigned char queue[64];
	int q_head, q_tail;
};

struct tui_expanded {
	const struct gs_graph *g;
	int node;
};

/* What the panes show for one filter setting; the other one is kept so
 * that toggling the filter on a large model costs nothing the second time. */
struct tui_viewset {
	int *vis, n_vis;
	struct gs_lanes lanes[2];
	int *par_off[2], *par[2];
	int *child_off[2], *child[2];	/* parents reversed, built by trace */
	bool filter, valid;
};

struct tui {
	struct gs_workspace *ws;
	struct gs_match *match;		/* borrowed from ws; NULL: none */
	unsigned match_gen;		/* ws->match_gen when match was taken */
	char match_err[256];
	struct gs_rows rows;
	int *vis, n_vis;		/* the rows shown (filter), as rows indices */
	struct gs_lanes lanes[2];
	int *par_off[2], *par[2];	/* parents of vis rows per side */
	int *child_off[2], *child[2];	/* children (lazy, for trace) */
	bool filter;
	struct tui_viewset alt;		/* the other filter setting, if built */
	int sel, top;			/* cursor and first shown, in vis */
	enum tui_focus focus, pane;	/* pane: the graph pane last focused */
	bool detail;			/* the detail view replaces the panes */
	int detail_top;
	unsigned char *trace;		/* per vis row: bit 0/1 A up/down, 2/3 B */
	bool tracing;
	int trace_sel;
	/* a text overlay over the panes: the key table, `explain` */
	struct tui_line *overlay;
	int n_overlay, overlay_alloc, overlay_top;
	bool show_overlay;
	struct tui_expanded *expanded;
	int n_expanded, expanded_alloc;
	bool relayout;			/* rows must be rebuilt */
	unsigned gen;			/* bumped by each relayout */
	unsigned cmds;			/* bumped by each command run: what it
					 * may have changed (ws->compare) is
					 * looked up again */
	/* match entry -> pair of ws->compare, rebuilt when gen or cmds moves */
	int *cmp_pair, cmp_n;
	unsigned cmp_gen, cmp_cmds;
	bool cmp_valid;

	bool utf8, color;
	int lines, cols;
	int pane_y, pane_h;		/* graph pane rows on screen */
	int console_y, console_h;	/* output area rows, then the input line */
	enum tui_prompt prompt;
	struct tui_console con;
	bool quit;
	const char *status;		/* one-shot message in the key hint line */
	/* the active search: n/N step over its matches until Escape */
	char search[128];
	int search_hits, search_at, search_row;
};

extern struct tui *tui_current;

/* term.c */
void tui_term_setup(struct tui *t);
void tui_term_restore(void);
int tui_attr(struct tui *t, enum tui_role role);
int tui_status_role(int status);
char tui_status_marker(int status);
/* "matched", ..., "params changed" for TUI_STATUS_PARAMS, "subgraph". */
const char *tui_status_name(int status);
/* Draws s (already escaped) from (y, x), at most w columns; returns the
 * columns used. */
int tui_put(int y, int x, int w, const char *s, int attr);
/* Escapes model text for this terminal (UTF-8 or ASCII). */
const char *tui_escape(struct tui *t, const char *s, char *buf, size_t len);
void tui_install_signals(void);
bool tui_signalled(void);

/* pane.c */
void tui_relayout(struct tui *t);
void tui_set_filter(struct tui *t, bool on);
void tui_draw_panes(struct tui *t);
void tui_move(struct tui *t, int delta);
void tui_move_to(struct tui *t, int vis_row);
void tui_next_mismatch(struct tui *t, int dir);
void tui_toggle_expand(struct tui *t);
void tui_click(struct tui *t, int y, int x);
void tui_sync_selection(struct tui *t);
const struct gs_row *tui_sel_row(const struct tui *t);
/* Moves to the next row whose node, op, tensor or parameter names hold
 * pattern; returns the number of rows that match (0: search cleared). */
int tui_search(struct tui *t, const char *pattern);
/* n/N while a search is active: the next or previous match. */
void tui_search_next(struct tui *t, int dir);
void tui_layout_screen(struct tui *t);
void tui_free_layout(struct tui *t);
bool tui_is_mismatch(int status);
/* The row's status as shown: TUI_STATUS_PARAMS for a matched row whose
 * parameters differ, else r->status. */
int tui_row_status(const struct tui *t, const struct gs_row *r);
/* Entries shown as TUI_STATUS_PARAMS (counted once per entry). */
int tui_param_rows(const struct tui *t);
/* Pane A's width and the width of the divergence column plus its
 * separator (0: no comparison, or no room); B starts at wa + 1 + cw. */
void tui_pane_split(const struct tui *t, int *wa, int *cw);
/* A pair's SQNR in at most 6 cells ("48.1dB", "exact", "shape"); returns
 * the role of its severity. */
int tui_pair_cell(const struct gs_compare_pair *p, char *buf, size_t len);
/* The children of each shown row (the parents reversed), for trace. */
void tui_children_build(struct tui *t);
/* Whether the node's subgraphs are open (gs_rows_input.expanded). */
bool tui_is_expanded(void *ctx, const struct gs_graph *g, int node);

/* header.c, detail.c */
void tui_draw_header(struct tui *t);
void tui_draw_detail(struct tui *t);
void tui_detail_free(void);
void tui_detail_release(void);
/* A histogram of a tensor's values as 16 block characters. */
const char *tui_histogram(const struct gs_tensor *tn, double lo, double hi, bool utf8,
			  char *buf, size_t len);
/* The same from counted bins. */
const char *tui_histogram_bins(const uint64_t *bin, int n, bool utf8, char *buf, size_t len);
int tui_tensor_range(const struct gs_tensor *tn, double *lo, double *hi);

/* console.c */
void tui_console_init(struct tui *t);
void tui_console_release(struct tui *t);
void tui_console_write(void *ctx, enum gs_out_kind kind, const char *line);
void tui_console_draw(struct tui *t);
void tui_console_focus(struct tui *t, enum tui_prompt prompt);
void tui_console_leave(struct tui *t);
/* Feeds one key to readline; returns false when it was not consumed. */
void tui_console_key(struct tui *t, int key, bool is_wide);
/* Runs a command line, with its output into the console: lines typed
 * here and the command lines keys are bound to (keys.c). */
void tui_run(struct tui *t, const char *line);

/* keys.c */
int tui_keys_load(struct gs_error *err);
void tui_keys_free(void);
/* Handles a key in the panes; returns true if something may need redraw. */
void tui_key(struct tui *t, int key);
void tui_keys_help(struct tui *t);

/* view.c */
void tui_overlay_clear(struct tui *t);
void tui_overlay_add(void *ctx, enum gs_out_kind kind, const char *line);
void tui_draw_overlay(struct tui *t);
extern const struct gs_view_ops tui_view_ops;
void tui_trace_compute(struct tui *t);

/* frame.c: one frame, for the live loop (workbench.c) and replay.c */
void tui_draw(struct tui *t);
void tui_handle_key(struct tui *t, int key, bool is_wide);

/* progress.c: long steps draw in the status line, Ctrl-C stops them */
void tui_progress_install(struct tui *t);
void tui_progress_remove(void);
/* Around a command: raw mode, so Ctrl-C is a key the progress sink sees. */
void tui_busy(bool on);

#endif
