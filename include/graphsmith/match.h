/*
 * The compatibility engine: which node, edge, parameter and model input or
 * output of model A corresponds to which of model B, and how they differ.
 * Names are hints, never keys (see ../shared/MATCHING.md).
 *
 * Ownership: a gs_match borrows both models (they must outlive it) and owns
 * its entries, strings and arrays.  gs_match_free releases all of it.
 */
#ifndef GRAPHSMITH_MATCH_H
#define GRAPHSMITH_MATCH_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>

#include "graphsmith/ir.h"
#include "graphsmith/metrics.h"

enum gs_match_status {
	GS_MATCH_MATCHED,	/* corresponding, nothing differs */
	GS_MATCH_CHANGED,	/* corresponding, op/attrs/shapes/dtypes differ */
	GS_MATCH_ADDED,		/* only in B */
	GS_MATCH_REMOVED,	/* only in A */
	GS_MATCH_FUSED,		/* N:M group, e.g. Conv+BatchNormalization -> Conv */
	GS_MATCH_FOLDED,	/* constant subgraph in one <-> initializer in the other */
	GS_MATCH_STATUS_COUNT_
};

enum gs_match_method {
	GS_METHOD_NONE, GS_METHOD_USER, GS_METHOD_NAME, GS_METHOD_ANCHOR,
	GS_METHOD_PROPAGATION, GS_METHOD_ALIGNMENT, GS_METHOD_FUZZY, GS_METHOD_FUSION,
};

const char *gs_match_status_name(int status);	/* "matched", "changed", ... */
const char *gs_match_method_name(int method);	/* "name", "anchor", ... */

struct gs_match_entry {
	int status;
	int method;
	float score;			/* 0..1, how sure the matcher is */
	bool ambiguous;			/* a tie among repeated identical blocks */
	const struct gs_graph *graph_a;	/* the graphs the ids below index */
	const struct gs_graph *graph_b;
	int n_a, n_b;
	int *a, *b;			/* node ids */
	const char *pattern;		/* fused/folded: e.g. "Conv+BatchNormalization" */
	int n_changes;
	char **changes;			/* "strides: [1,1] -> [2,2]" */
	int worst_param;		/* index into params of the entry's worst
					 * parameter difference (shape first, then
					 * lowest SQNR); -1 when its parameters are
					 * all the same */
};

struct gs_param_diff {
	const char *name_a, *name_b;	/* NULL on the missing side */
	const struct gs_tensor *a, *b;	/* NULL where the weight has no tensor
					 * of its own (dequantized, folded) */
	/* each side's shape as the weight computes, tensor or not; rank -1
	 * on the missing side (dims owned by the match: a folded weight's
	 * shape exists nowhere else) */
	int rank_a, rank_b;
	int64_t *dims_a, *dims_b;
	int entry;			/* owning node entry, or -1 */
	int cls;			/* enum gs_param_class */
	bool has_metrics;
	struct gs_metrics metrics;
	char note[160];			/* "compared with transpose", "removed channels [3,7]" */
};

struct gs_edge_diff {
	int entry;			/* node entry of the consumer */
	int slot;
	const char *from_a, *from_b;	/* producing tensors on each side */
	char text[256];
};

struct gs_io_diff {
	const char *name_a, *name_b;
	bool is_output;
	bool ok;			/* same name, dtype and shape */
	bool renamed;			/* same dtype and shape, another name: a
					 * difference for runtimes that feed by name */
	const char *text;		/* whole shapes, never cut (match-owned) */
};

struct gs_match_verdict {
	bool identical, structure, parameters, io;
};

struct gs_match_summary {
	int nodes_a, nodes_b;
	int count[GS_MATCH_STATUS_COUNT_];	/* entries per status */
	int params_changed, edges_changed, io_mismatches;
};

struct gs_match {
	const struct gs_model *a, *b;
	struct gs_match_entry *entries;
	int n_entries;
	/* entry index of each node of the main graphs (-1 if none) */
	int *entry_of_a, *entry_of_b;
	struct gs_param_diff *params;
	int n_params;
	struct gs_edge_diff *edges;
	int n_edges;
	struct gs_io_diff *io;
	int n_io;
	struct gs_match_verdict verdict;
	struct gs_match_summary summary;
	double seconds;			/* time spent matching */
	char **strings;			/* owned texts entries point into */
	int n_strings;
};

struct gs_match_opts {
	bool by_name;			/* match by names only (--by-name) */
	const char *map_file;		/* user pins, "nameA nameB" per line */
	struct gs_metrics_opts metrics;
};

struct gs_match *gs_match_models(const struct gs_model *a, const struct gs_model *b,
				 const struct gs_match_opts *opts, struct gs_error *err);
void gs_match_free(struct gs_match *m);

/* Reports: JSON with the shape documented in `graphsmith diff --help`,
 * and text for people (summary line, then mismatches by severity). */
json_t *gs_match_json(const struct gs_match *m);
void gs_match_print(const struct gs_match *m, FILE *out);
/* The same JSON as gs_match_json, streamed to out without building the
 * tree (for big models); -1 on a write error. */
int gs_match_write_json(const struct gs_match *m, FILE *out);

#endif
