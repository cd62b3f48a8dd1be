/*
 * B's history: every mutating command is one step made of the edits it
 * recorded through the model's journal (include/graphsmith/ir.h).  Steps
 * undo in reverse; a tensor's before-image is kept compressed with zstd,
 * so undoing a quantization of a 400 MB model does not cost 400 MB.
 * Redo re-runs the step's command line (passes are deterministic).
 *
 * Ownership: the history borrows the model; it owns its steps.
 */
#ifndef GRAPHSMITH_HISTORY_H
#define GRAPHSMITH_HISTORY_H

#include <stdbool.h>
#include <stdint.h>

#include "graphsmith/error.h"
#include "graphsmith/ir.h"

/* What a step did to the model's outputs on the workspace's sample
 * inputs, against the baseline's outputs (set by the command layer, which
 * runs the evaluator). */
#define GS_STEP_OUTPUTS 3
struct gs_output_error {
	int state;			/* 0 not measured, 1 measured, -1 could not run */
	int n;				/* outputs measured (the first GS_STEP_OUTPUTS) */
	double cosine[GS_STEP_OUTPUTS];
	double sqnr_db[GS_STEP_OUTPUTS];	/* +inf: identical */
	double max_abs[GS_STEP_OUTPUTS];
	bool has_acc;			/* labels given: top-1 of the first output */
	double acc;
	char why[200];			/* state -1: the one-line reason */
};

/* What one step did, shown after it runs and in `history`. */
struct gs_step_stats {
	struct gs_output_error out;	/* baseline: acc only */
	int nodes;			/* live nodes, all graphs */
	int64_t params;			/* parameter elements */
	uint64_t bytes;			/* saved size of the model */
	uint64_t zstd_bytes;		/* that, compressed with zstd */
	double sparsity;		/* zero fraction of Conv/Gemm/MatMul weights */
	int64_t opset;			/* default domain's opset, 0: none */
};

/*
 * The figures a step line and `info` both give of a model, from one
 * count so that they always agree: what the saved file holds.  Weights
 * are those of Conv, ConvTranspose, Gemm and MatMul (input 1), counted
 * in value space through Cast and DequantizeLinear.
 */
struct gs_model_figures {
	int nodes;			/* live nodes, all graphs */
	int n_params;			/* parameter tensors the file holds */
	int64_t params;			/* their elements */
	uint64_t param_bytes;		/* their stored bytes */
	int64_t weights, zeros;		/* weight elements, those equal to 0 */
	double sparsity;		/* zeros / weights, 0 without weights */
	int64_t opset;			/* default domain, 0: none */
};

/* Counts m (reads every weight once; zero counts are cached on the
 * tensors until an edit). */
void gs_model_figures(const struct gs_model *m, struct gs_model_figures *out);
/* A parameter the saved file holds: an initializer, or the output of a
 * live Constant node. */
bool gs_param_saved(const struct gs_graph *g, const struct gs_value *v);

struct gs_history;

struct gs_history *gs_history_new(struct gs_model *m);
void gs_history_free(struct gs_history *h);

/* Opens a step for command line `line` and starts journaling. */
void gs_history_begin(struct gs_history *h, const char *line);
/* Closes the open step; an empty step is dropped.  Clears the redo list. */
void gs_history_commit(struct gs_history *h);
/* Reverts and drops the open step (the command failed). */
void gs_history_abort(struct gs_history *h);

/* Returns 0, or -1 with "nothing to undo" in err. */
int gs_history_undo(struct gs_history *h, struct gs_error *err);
/* The command line to re-run for redo, or NULL ("nothing to redo"); the
 * caller runs it, which records a fresh step, then calls
 * gs_history_redone() so the redo list shrinks instead of clearing. */
const char *gs_history_redo_line(const struct gs_history *h);
void gs_history_redone(struct gs_history *h);

int gs_history_count(const struct gs_history *h);
const char *gs_history_line(const struct gs_history *h, int i);
const struct gs_step_stats *gs_history_stats(const struct gs_history *h, int i);
/* Stats of the model as loaded (step "baseline"). */
const struct gs_step_stats *gs_history_baseline(const struct gs_history *h);
/* Bytes the history holds (compressed before-images and records). */
uint64_t gs_history_memory(const struct gs_history *h);

/* The one-line report of step i (0 = baseline): nodes, params, bytes,
 * zstd bytes, sparsity, change from the previous step and the baseline. */
void gs_history_format_step(const struct gs_history *h, int i, char *buf, size_t len);

/* Attaches the output error of step i (0: the baseline's accuracy). */
void gs_history_set_output_error(struct gs_history *h, int i, const struct gs_output_error *e);
/* "out cos 0.412, 3.1 dB, max abs 2.31; acc 29.1% (-69.9 pts)" for step i
 * (empty when not measured). */
void gs_history_format_output_error(const struct gs_history *h, int i, char *buf, size_t len);

/* Measures m now (used after each step). */
void gs_step_stats_measure(struct gs_model *m, struct gs_step_stats *out);

/* The ops whose weight (input 1) the sparsity figure and the prune passes
 * cover: Conv, ConvTranspose, Gemm, MatMul in the default domain. */
bool gs_is_weight_op(const struct gs_node *n);

/* Measure the baseline and each committed step (default on); off, every
 * figure reads 0 (a headless run that shows no step line). */
void gs_history_set_measure(struct gs_history *h, bool on);
/* Keep what undo needs (default on); off, a committed step keeps its line
 * and figures only, and undo says it cannot (a script that never undoes
 * does not pay for before-images).  An open step can always abort. */
void gs_history_set_undo(struct gs_history *h, bool on);

/* The edits recorded so far in the open step, for `preview`: fills up to
 * max pointers (borrowed until the step closes) and returns the count. */
int gs_history_open_edits(const struct gs_history *h, const struct gs_edit **edits, int max);
/* A malloc'd copy of a TENSOR edit's before-image bytes (decompressed),
 * or NULL when it had none.  e must come from gs_history_open_edits. */
void *gs_history_before_data(const struct gs_history *h, const struct gs_edit *e);

#endif
