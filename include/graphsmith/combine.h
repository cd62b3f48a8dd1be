/*
 * combine.h - models combined into one: IO adapters between a producer and
 * a consumer, ensembles (outputs combined), composition (A's outputs fed
 * into B's inputs) and grafting (a sub-graph replaced by another model).
 *
 * Every function that builds works on a destination model through the
 * journaled edits of ir.h (a console step undoes it) and reads the other
 * models without changing them.  Report lines go to a callback and hold
 * raw model names: escape them before printing.
 *
 * Ownership: plans are plain values; models are borrowed.
 */
#ifndef GRAPHSMITH_COMBINE_H
#define GRAPHSMITH_COMBINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "graphsmith/error.h"
#include "graphsmith/ir.h"

/* ---- IO adapters (src/transfer/adapters.c) ---- */

enum gs_adapter_op {
	GS_ADAPT_CAST,		/* dtype */
	GS_ADAPT_SQUEEZE,	/* v = axes of size 1 removed */
	GS_ADAPT_UNSQUEEZE,	/* v = axes of size 1 inserted */
	GS_ADAPT_TRANSPOSE,	/* v = perm (NHWC <-> NCHW) */
	GS_ADAPT_RESIZE,	/* v = the two spatial sizes of an NCHW tensor */
	GS_ADAPT_FLATTEN,	/* v[0] = axis */
	GS_ADAPT_RESHAPE,	/* v = shape (0 copies the input's dim) */
};

#define GS_ADAPT_MAX_STEPS 6
#define GS_ADAPT_MAX_RANK 8

struct gs_adapter_step {
	enum gs_adapter_op op;
	int dtype;			/* CAST: the dtype cast to */
	int n;
	int64_t v[GS_ADAPT_MAX_RANK];
};

struct gs_adapter_plan {
	int n_steps;			/* 0: compatible as they are */
	struct gs_adapter_step steps[GS_ADAPT_MAX_STEPS];
	bool lossy;			/* a narrowing Cast (float -> int, wide -> narrow) */
	bool assumed;			/* symbolic or unknown dims taken to agree */
};

/* Plans the adapters that turn values of type `from` into what `to`
 * expects: Cast, then Squeeze/Unsqueeze, Transpose between NHWC and NCHW,
 * Resize of the spatial size, Flatten or Reshape; symbolic dims agree with
 * anything (plan->assumed).  Returns 0, or -1 with the reason in why. */
int gs_adapter_plan(const struct gs_value *from, const struct gs_value *to,
		    struct gs_adapter_plan *plan, char *why, size_t why_len);
/* Several producers into one consumer: each cast to `to`'s dtype, then
 * Concat along *axis (the last axis that makes the sizes add up). */
int gs_adapter_plan_concat(const struct gs_value *const *from, int n, const struct gs_value *to,
			   int *axis, char *why, size_t why_len);
/* "Cast(float32) -> Transpose(0,3,1,2)", or "none". */
void gs_adapter_describe(const struct gs_adapter_plan *p, char *buf, size_t len);
/* Inserts the plan's nodes in g after value_id (types annotated); returns
 * the adapted value, value_id itself for an empty plan, or -1 with err
 * (an op the model's opset lacks). */
int gs_adapter_apply(struct gs_graph *g, const struct gs_adapter_plan *p, int value_id,
		     const char *name_hint, struct gs_error *err);
/* Concat of ids along axis (each cast to dtype first when it differs). */
int gs_adapter_concat(struct gs_graph *g, const int *ids, int n, int axis, int dtype,
		      const char *name_hint);
/* "float32[N,3,28,28]" of a value (names escaped). */
void gs_value_type_str(const struct gs_value *v, char *buf, size_t len);

typedef void (*gs_combine_report_fn)(void *ctx, const char *line);

/* Arguments: "0.5,0.25,1" into w[0..n) (-1 unless exactly n numbers);
 * "a,b,c" split in place into at most max names (the count, -1 if none). */
int gs_combine_parse_weights(const char *s, double *w, int n);
int gs_combine_split_names(char *s, const char **names, int max);

/* Small builders shared by ensemble, compose and graft. */
/* The real inputs of g (not IR < 4 initializer listings) into ids; count. */
int gs_combine_real_inputs(const struct gs_graph *g, int *ids);
void gs_combine_say(gs_combine_report_fn report, void *ctx, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int gs_combine_const_i64(struct gs_graph *g, const char *hint, int n, const int64_t *v, bool scalar);
int gs_combine_node(struct gs_graph *g, const char *op, int n_in, const int *in, const char *hint,
		    struct gs_node **node);


/* ---- ensemble (src/transfer/ensemble.c) ---- */

enum gs_ensemble_combine {
	GS_ENSEMBLE_MEAN,		/* sum of w_i * y_i */
	GS_ENSEMBLE_SOFTMAX_MEAN,	/* sum of w_i * softmax(y_i) over the last axis */
	GS_ENSEMBLE_VOTE,		/* argmax of sum of w_i * onehot(argmax y_i) */
	GS_ENSEMBLE_CONCAT,		/* y_1 .. y_n along the last axis */
};

/* Parses "mean", "softmax-mean", "vote", "concat"; -1 if none. */
int gs_ensemble_combine_parse(const char *s);

/* Makes dst the ensemble of members[0..n).  With in_place dst is
 * members[0] (its graph and names stay, the others are imported under
 * "m2/", "m3/", ...); else dst is empty (gs_combine_new_model) and every
 * member is imported under "mK/".  Inputs are the first member's, shared
 * by name, else by position, adapters where a member expects another
 * type.  Output j of every member is combined into one output named like
 * the first member's output j (vote adds NAME_votes, the weighted votes).
 * weights (n, or NULL: equal) are normalized to sum 1.  Journaled. */
int gs_ensemble(struct gs_model *dst, bool in_place, struct gs_model *const *members, int n,
		const double *weights, enum gs_ensemble_combine how,
		gs_combine_report_fn report, void *ctx, struct gs_error *err);

/* An empty model shaped like proto (IR version, opsets), for building. */
struct gs_model *gs_combine_new_model(const struct gs_model *proto, const char *graph_name);

/* A copy of m at the default-domain opset `opset` (m's file loaded again
 * and converted), or NULL with err; NULL with err clear when m already is. */
struct gs_model *gs_combine_at_opset(const struct gs_model *m, int64_t opset,
				     struct gs_error *err);

/* ---- compose and graft (src/transfer/compose.c, graft.c) ---- */

struct gs_io_map {
	const char *out_a;		/* an output of A */
	const char *in_b;		/* the input of B it feeds; several
					 * outputs to one input are concatenated */
};

/* Plans (dst NULL) or builds A then B in dst: every input of B is fed from
 * the output of A the map names, else the one of the same name, else the
 * one at its position; adapters between.  One report line per input of B.
 * dst is empty (gs_combine_new_model); A under "a/", B under "b/" unless
 * in_place (dst is B, A goes in under "a/" and feeds B's inputs). */
int gs_compose(struct gs_model *dst, bool in_place, const struct gs_model *a,
	       const struct gs_model *b, const struct gs_io_map *map, int n_map,
	       gs_combine_report_fn report, void *ctx, struct gs_error *err);

/* Replaces the part of m between tensors from[0..n_from) and to[0..n_to)
 * by part: part's inputs read from[] (by position), part's outputs become
 * to[] (their names kept, via Identity), adapters where the types differ;
 * the nodes that then compute nothing used are removed.  Journaled. */
int gs_graft(struct gs_model *m, const struct gs_model *part, const char *const *from, int n_from,
	     const char *const *to, int n_to, gs_combine_report_fn report, void *ctx,
	     struct gs_error *err);

#endif
