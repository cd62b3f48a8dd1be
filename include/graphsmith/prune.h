/*
 * Pruning passes over the weights of Conv, ConvTranspose, Gemm and MatMul
 * (input 1, found through gs_graph_param_of).  Every change goes through
 * the edit API of ir.h, so the history records and undoes it.  float32
 * weights are the target; others are skipped with a note.
 *
 * Ownership: the passes borrow the model; notes are lines handed to the
 * caller's callback (the core never prints).
 */
#ifndef GRAPHSMITH_PRUNE_H
#define GRAPHSMITH_PRUNE_H

#include <stdbool.h>
#include <stdint.h>

#include "graphsmith/error.h"
#include "graphsmith/ir.h"

struct gs_act_norms;

struct gs_prune_opts {
	const char *only;		/* fnmatch pattern on node or weight name */
	/* with data: per weight element ||X_k|| (recon.h); scores become
	 * |w| * ||X_k|| (Wanda) and magnitude compares within output rows */
	const struct gs_act_norms *act;
	bool global;			/* magnitude: one threshold for all layers */
	bool dry_run;			/* channels: plan and preview only */
	const char *data;		/* importance: samples (.npz by input name) */
	const char *labels;		/* importance: .npy, scores over the loss */
	double threshold;		/* importance: cut I < a * max(I) when > 0 */
	void (*note)(void *ctx, const char *line);	/* may be NULL */
	void *ctx;
};

struct gs_prune_result {
	int layers;			/* layers changed */
	int skipped;			/* layers left alone (with a note) */
	int64_t elements;		/* weights considered */
	int64_t zeroed;			/* zero after the pass, of those */
	int64_t removed;		/* channels: channels removed */
};

/* Parsers for the command arguments; -1 with a message naming the value. */
int gs_prune_parse_sparsity(const char *s, double *out, struct gs_error *err);
int gs_prune_parse_nm(const char *s, int *n, int *m, struct gs_error *err);
int gs_prune_parse_ratio(const char *s, double *out, struct gs_error *err);

/* Zeroes floor(n * sparsity) smallest |w| of each weight (or of all of
 * them with opts->global), ties broken by position. */
int gs_prune_magnitude(struct gs_model *m, double sparsity, const struct gs_prune_opts *opts,
		       struct gs_prune_result *res, struct gs_error *err);

/* With opts->act (Wanda, Sun et al. 2023): zeroes floor(K * sparsity)
 * weights of lowest |w| * ||X_k|| in each output row of every measured
 * layer (ties by position); unmeasured layers are left alone with a note. */
int gs_prune_wanda(struct gs_model *m, double sparsity, const struct gs_prune_opts *opts,
		   struct gs_prune_result *res, struct gs_error *err);
/* Notes the summary of a layer's scores |w| * scale (min, median, max). */
void gs_prune_score_note(const struct gs_prune_opts *opts, const char *what,
			 const struct gs_tensor *w, const float *f, const float *scale);

/* Keeps the n largest |w| of each m consecutive weights along the
 * reduction axis (Conv: a filter's input-channel*kernel row; ConvTranspose:
 * input channels; Gemm/MatMul: K, honouring transB). */
int gs_prune_nm(struct gs_model *m, int n, int group, const struct gs_prune_opts *opts,
		struct gs_prune_result *res, struct gs_error *err);

/* Removes floor(C * ratio) lowest-L1 output channels of each Conv
 * (group 1) and Gemm, slicing bias, a following BatchNormalization, and
 * the consumers' input channels through elementwise activations and
 * pools.  Notes a preview of every shape change first, and why a layer
 * was left alone. */
int gs_prune_channels(struct gs_model *m, double ratio, const struct gs_prune_opts *opts,
		      struct gs_prune_result *res, struct gs_error *err);

/* Scores every weight by squared gradients over opts->data,
 * I_i = sum over samples and outputs j of (dy_j/dw_i)^2 (one backward per
 * sample and output j of output 0), or with opts->labels over the
 * cross-entropy loss (one backward per sample); then zeroes the
 * floor(n * sparsity) least important of each layer (or of all with
 * opts->global), or with opts->threshold > 0 those below threshold *
 * max(I) over all layers.  Notes each layer's min/median/max score and cut. */
int gs_prune_importance(struct gs_model *m, double sparsity, const struct gs_prune_opts *opts,
			struct gs_prune_result *res, struct gs_error *err);

/* Shared by the passes (src/passes/prune-util.c). */
struct gs_prune_layer {
	struct gs_graph *g;
	struct gs_node *node;
	struct gs_tensor *w;
};

/* The distinct weights the passes may touch, in graph walk order; each
 * non-float32 or filtered-out weight is skipped (float: with a note). */
int gs_prune_collect(struct gs_model *m, const struct gs_prune_opts *opts,
		     struct gs_prune_layer **out);
void gs_prune_note(const struct gs_prune_opts *opts, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A malloc'd float copy of a float32 tensor's data (unaligned-safe), read
 * from the file rather than through the mapping (gs_onnx_fetch). */
float *gs_prune_floats(const struct gs_model *m, const struct gs_tensor *t);
/* Installs data (float32, same shape) through the edit API when changed;
 * frees it otherwise.  zeros (elements equal to zero, -0.0 included) is
 * kept on the tensor for the step report.  Returns 1 if installed. */
int gs_prune_install(struct gs_model *m, struct gs_tensor *t, float *data, bool changed,
		     int64_t zeros);

#endif
