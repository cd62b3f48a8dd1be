/*
 * Edge lanes in a gutter, in the manner of `git log --graph`: one column
 * per value still waiting for a consumer further down, so branches and
 * residual joins stay visible.  One text line per row (the panes must stay
 * aligned), so a join is drawn on the consumer's own line: "●─┘".
 * Pure: no curses here (tests/unit/test_tui_lanes.c).
 */
#ifndef GS_TUI_LANES_H
#define GS_TUI_LANES_H

#include <stdbool.h>
#include <stddef.h>

/* Columns kept per row; wider rows are cut (the graph is still right). */
#define GS_LANES_MAX 24

enum gs_lane_cell {
	GS_LANE_EMPTY,
	GS_LANE_VERT,		/* a lane passing by */
	GS_LANE_NODE,		/* the row's node */
	GS_LANE_HORIZ,		/* a join passing through an empty column */
	GS_LANE_CROSS,		/* a join crossing a lane */
	GS_LANE_END_R,		/* lane right of the node ends here: ┘ */
	GS_LANE_TEE_R,		/* lane right of the node feeds it, continues: ┤ */
	GS_LANE_END_L,		/* └ */
	GS_LANE_TEE_L,		/* ├ */
};

struct gs_lanes {
	int n;
	int *off;		/* cells of row i: cells[off[i] .. off[i+1]) */
	unsigned char *cells;
	int *node_col;		/* -1 on a gap row */
	int *lo, *hi;		/* columns joined on row i (lo == hi: none) */
	int width;		/* widest row, in columns */
};

void gs_lanes_init(struct gs_lanes *l);
void gs_lanes_release(struct gs_lanes *l);
/*
 * Lays out n rows; has_node[i] false makes row i a gap the lanes pass
 * through.  Parents in CSR form (off, par) as from gs_rows_parents;
 * parents at or below the row (upward edges) are not drawn.
 */
void gs_lanes_layout(struct gs_lanes *l, int n, const bool *has_node,
		     const int *off, const int *par);
/* Row i as text, two characters per column, at most max_cols columns;
 * returns buf. */
const char *gs_lanes_render(const struct gs_lanes *l, int i, bool utf8, int max_cols,
			    char *buf, size_t len);

#endif
