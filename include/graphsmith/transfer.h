/*
 * transfer.h - parameter-level fusion and transfer: merging the
 * corresponding parameters of several models (linear, slerp, task
 * arithmetic, TIES, DARE; ../shared/TRANSFER.md §1), transplanting one
 * model's (or a weights file's) parameters into another, and weights files
 * (safetensors, numpy .npz) read and written.
 *
 * Parameters are paired through the matcher (graphsmith/match.h), never by
 * name alone, so renamed and reordered models merge.  Only float
 * parameters that feed a weight-like input are touched: quantization
 * scales and zero points, shape constants and integer tensors never are.
 *
 * Passes never print: report lines go to a callback; they hold raw model
 * names (escape before printing).  Every change goes through the journaled
 * edits, so a console step is undoable.
 *
 * Ownership: a gs_pairs and a gs_weights own their arrays; pairs borrow
 * the models' tensors.  _release frees them.
 */
#ifndef GRAPHSMITH_TRANSFER_H
#define GRAPHSMITH_TRANSFER_H

#include <stdbool.h>
#include <stdint.h>

#include "graphsmith/error.h"
#include "graphsmith/ir.h"

typedef void (*gs_report_fn)(void *ctx, const char *line);
/* Formats one report line and hands it to report (nothing when NULL). */
void gs_report(gs_report_fn report, void *ctx, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- which parameters may be merged or copied ---- */
/* True when value id of g is an initializer of float dtype (float32/64,
 * float16, bfloat16) used by some node, and every use is a data, weight or
 * bias input: not an input the op registry reads as an attribute (Reshape's
 * shape, Clip's min), not Resize's scales, not a quantization op's. */
bool gs_param_is_mergeable(const struct gs_graph *g, int value_id);

/* ---- pairing a model's parameters with another's ---- */
enum gs_pair_status {
	GS_PAIR_OK,
	GS_PAIR_UNMATCHED,		/* no corresponding parameter */
	GS_PAIR_SHAPE,			/* corresponding, shapes differ */
	GS_PAIR_FUSED,			/* corresponds to a fused group only */
};

struct gs_pair {
	int value;			/* value id in dst's main graph */
	struct gs_tensor *dst;
	const struct gs_tensor *src;	/* NULL when unmatched or from a file */
	int src_index;			/* from a weights file: its index, else -1 */
	const char *src_name;
	bool transposed;		/* src is dst's 2-D transpose */
	int status;			/* enum gs_pair_status */
};

struct gs_pairs {
	int n;
	struct gs_pair *p;		/* dst's mergeable parameters, in file order */
	int n_fused;			/* fused/folded entries in the correspondence */
};

/* Pairs every mergeable parameter of dst with its counterpart in src
 * through gs_match_models. */
int gs_pairs_models(struct gs_model *dst, const struct gs_model *src, struct gs_pairs *out,
		    struct gs_error *err);
void gs_pairs_release(struct gs_pairs *p);
struct gs_weights;
/* Pairs them with the tensors of a weights file: by name first, then the
 * rest by shape in order (dst's first uses against the file's order),
 * a 2-D Gemm/MatMul weight also against the transposed shape. */
int gs_pairs_weights(struct gs_model *dst, const struct gs_weights *w, struct gs_pairs *out,
		     struct gs_error *err);
/* src's values as float32 laid out as dst (transposed back when the pair is
 * transposed); malloc'd, NULL with err set. */
float *gs_pair_floats(const struct gs_model *src_model, const struct gs_pair *p,
		      struct gs_error *err);

/* Same for a weights file's tensor. */
float *gs_wpair_floats(const struct gs_weights *w, const struct gs_pair *p,
		       struct gs_error *err);

/* When the correspondence between m and another model holds fused groups
 * (Conv+BatchNormalization against a folded Conv), both sides are brought
 * to the folded form with the fuse passes; returns the folds made. */
int gs_transfer_fold(struct gs_model *m, struct gs_error *err);

/* ---- merge ---- */
enum gs_merge_method {
	GS_MERGE_LINEAR, GS_MERGE_SLERP, GS_MERGE_TASK, GS_MERGE_TIES, GS_MERGE_DARE,
};

struct gs_merge_opts {
	int method;			/* enum gs_merge_method */
	int n_weights;			/* linear: one per model, normalized */
	const double *weights;		/* NULL: alpha (two models) or uniform */
	bool has_alpha;
	double alpha;			/* linear, two models: a*p1 + (1-a)*p2 */
	double t;			/* slerp */
	double lambda;			/* task, ties, dare (default 1) */
	double density;			/* ties: fraction of each task vector kept */
	double drop;			/* dare: drop probability */
	uint64_t seed;			/* dare */
	bool skip_mismatched;		/* keep MODEL1's tensor where a pair fails */
	bool debug;			/* report slerp coefficients per tensor */
};

struct gs_merge_stats {
	int merged, changed, kept;	/* merged; bytes changed; kept (skipped) */
	int not_mergeable;		/* initializers never merged (int, scales, shapes) */
	int folds;			/* BatchNormalization folded first */
	double median_cos;		/* of MODEL1 against the others */
	bool lineage_warning;
	double seconds;
};

const char *gs_merge_method_name(int method);
int gs_merge_method_parse(const char *s);	/* -1 if unknown */

/* Merges models[1..n) (and base for task/ties/dare) into models[0], in
 * place through the journaled edits.  models[1..n) and base may be folded
 * (gs_transfer_fold) when the correspondence holds fused groups: pass
 * copies the caller may change.  Refuses (-1, err names the parameters)
 * on mismatched shapes or unmatched parameters unless skip_mismatched. */
int gs_merge(int n, struct gs_model *const *models, struct gs_model *base,
	     const struct gs_merge_opts *o, gs_report_fn report, void *ctx,
	     struct gs_merge_stats *st, struct gs_error *err);

#define GS_MERGE_MAX_MODELS 64
/* "w1,w2,...": at most GS_MERGE_MAX_MODELS numbers into w, *n of them. */
int gs_merge_weights_parse(const char *s, double *w, int *n, struct gs_error *err);
/* The documented DARE mask: element j of the task vector of model i
 * (1-based among the merged models) for the parameter named name is
 * dropped when gs_dare_uniform(seed, i, name, j) < drop.  The stream is
 * splitmix64 from state seed ^ fnv1a64(name) ^ (i * 0x9E3779B97F4A7C15);
 * u = (z >> 11) * 2^-53 of its j-th output. */
uint64_t gs_dare_stream(uint64_t seed, int model, const char *name);
double gs_dare_uniform(uint64_t stream, uint64_t j);

/* ---- weights files ---- */
struct gs_wtensor {
	char *name;
	int dtype;			/* enum gs_dtype */
	int rank;
	int64_t dims[8];
	int64_t numel;
	const void *data;		/* little-endian, C order */
	size_t nbytes;
};

struct gs_weights {
	int n;
	struct gs_wtensor *t;		/* in file order (data offset order) */
	void *map;			/* safetensors: the mapping */
	size_t map_len;
	void *npz;			/* npz: the tensors read */
};

/* Reads a .safetensors or .npz file (by extension, else by magic).  Every
 * offset, dtype and size is validated: a hostile file fails with one line
 * "cannot read 'PATH': what". */
int gs_weights_read(const char *path, struct gs_weights *w, struct gs_error *err);
void gs_weights_release(struct gs_weights *w);
/* FILE.safetensors or FILE.npz: a weights file, not a model. */
bool gs_weights_is_file(const char *path);
int gs_safetensors_read(const char *path, struct gs_weights *w, struct gs_error *err);
/* Writes n tensors atomically; dtypes safetensors has no name for refused. */
int gs_safetensors_write(const char *path, int n, const struct gs_wtensor *t,
			 struct gs_error *err);
/* Writes every initializer of m's main graph with dense numeric data, named
 * as in the model, to FILE.safetensors or FILE.npz; returns the count. */
int gs_weights_export(const struct gs_model *m, const char *path, struct gs_error *err);

/* ---- transplant ---- */
struct gs_transplant_opts {
	const char *only;		/* fnmatch pattern on either name, or NULL */
	bool strict;			/* every parameter filled, every source used */
	bool skip_mismatched;		/* shape mismatches reported, not fatal */
};

struct gs_transplant_stats {
	int copied, unchanged, skipped, mismatched, missing, unexpected;
};

/* Copies into dst the corresponding parameters of the ONNX model src_model
 * (pairs from the correspondence) or of the weights file w (by name, then
 * by shape in order; transposed 2-D Gemm/MatMul weights recognised).
 * Exactly one of src_model and w is non-NULL. */
int gs_transplant(struct gs_model *dst, const struct gs_model *src_model,
		  const struct gs_weights *w, const struct gs_transplant_opts *o,
		  gs_report_fn report, void *ctx, struct gs_transplant_stats *st,
		  struct gs_error *err);

#endif
