/*
 * The row alignment of the two graph panes: one row per correspondence,
 * in topological order, so A's node and its counterpart in B sit on the
 * same line; a gap opposite an added or removed node, one row opposite a
 * fused group.  Pure: no curses here (tests/unit/test_tui_rows.c).
 *
 * Ownership: gs_rows borrows the graphs and the entries it was built
 * from; they must outlive it.  gs_rows_release frees its arrays.
 */
#ifndef GS_TUI_ROWS_H
#define GS_TUI_ROWS_H

#include <stdbool.h>

#include "graphsmith/ir.h"
#include "graphsmith/match.h"

/* Status of a row with no match entry, or of a label row. */
#define GS_ROW_LABEL (-1)

struct gs_row {
	int a, b;			/* first node of the row per side, -1: gap */
	int entry;			/* match entry, or -1 */
	int status;			/* enum gs_match_status, or GS_ROW_LABEL */
	int depth;			/* subgraph nesting, 0 in the main graphs */
	const struct gs_graph *ga, *gb;	/* the graphs a and b index */
	const char *label;		/* label rows: the subgraph attribute */
	bool expandable;		/* holds an If/Loop/Scan body */
	bool expanded;
};

struct gs_rows {
	struct gs_row *rows;
	int n, alloc;
	const struct gs_match_entry *entries;
	int n_entries;
	int n_folded;			/* Constant nodes shown in their consumer's row */
};

struct gs_rows_input {
	const struct gs_graph *ga, *gb;		/* either may be NULL */
	const struct gs_match_entry *entries;	/* may be NULL: nothing pairs */
	int n_entries;
	/* Whether the holder node of g is expanded; NULL: nothing is. */
	bool (*expanded)(void *ctx, const struct gs_graph *g, int node);
	void *ctx;
	/* Constant nodes that feed other nodes and differ in nothing get no
	 * row of their own: exporters list hundreds of them before the first
	 * layer.  Their consumer's row shows them. */
	bool fold_constants;
};

void gs_rows_init(struct gs_rows *r);
void gs_rows_release(struct gs_rows *r);
/*
 * Builds the alignment; graphs must have a valid topological order.  A
 * group (a matched chain) is placed at its last member, after everything
 * that feeds it, and its row's node is its first member that is no Constant.
 */
void gs_rows_build(struct gs_rows *r, const struct gs_rows_input *in);

/* Member nodes of row on side (0 = A, 1 = B): a fused group has several. */
int gs_rows_members(const struct gs_rows *r, const struct gs_row *row, int side,
		    const int **ids, int *one);

/*
 * Data-flow parents of each listed row on one side, as row positions in
 * the list (CSR: parents of list[i] are par[off[i]..off[i+1]) ), deduped,
 * self excluded.  list may be NULL for all rows.  Caller frees *off, *par.
 */
void gs_rows_parents(const struct gs_rows *r, const int *list, int n, int side,
		     int **off, int **par);

/* A Constant node of the default domain whose outputs all feed nodes. */
bool gs_rows_foldable_const(const struct gs_graph *g, int node);

#endif
