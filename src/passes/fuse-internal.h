/* Shared between the fuse-*.c passes only. */
#ifndef GRAPHSMITH_FUSE_INTERNAL_H
#define GRAPHSMITH_FUSE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "graphsmith/fuse.h"
#include "graphsmith/ir.h"

void gs_fuse_logf(struct gs_fuse_log *log, bool note, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Every graph of m, main graph first; free() the array. */
struct gs_graph **gs_fuse_graphs(struct gs_model *m, int *count);
/* Live node ids of g in topological order (a snapshot; free() it). */
int *gs_fuse_order(struct gs_graph *g, int *count, struct gs_error *err);
/* The driver every pattern shares: try_node on each node of each graph
 * (subgraphs included) in topological order; returns the rewrite count. */
int gs_fuse_each_node(struct gs_model *m,
		      int (*try_node)(struct gs_graph *g, struct gs_node *n,
				      struct gs_fuse_log *log),
		      struct gs_fuse_log *log, struct gs_error *err);

/* A node's name for the log: its name, else its first output's name. */
const char *gs_fuse_label(const struct gs_graph *g, const struct gs_node *n);
/* True for a live default-domain node of this op type. */
bool gs_fuse_is(const struct gs_node *n, const char *op);
/* The live node producing value vid in g, or NULL. */
struct gs_node *gs_fuse_producer(const struct gs_graph *g, int vid);
/* vid feeds exactly one node slot, is no graph output and no capture;
 * returns that consumer (its slot in *slot) or NULL. */
struct gs_node *gs_fuse_sole_use(const struct gs_graph *g, int vid, int *slot);
/* Number of node slots reading vid; -1 if it escapes (output, capture). */
int gs_fuse_uses(const struct gs_graph *g, int vid);

/* Parameters: the constant behind input slot of n (NULL if not one).
 * gs_fuse_param_doubles decodes it (malloc'd, numel in *n); NULL for
 * non-numeric data. */
struct gs_tensor *gs_fuse_param(const struct gs_graph *g, const struct gs_node *n, int slot);
double *gs_fuse_param_doubles(const struct gs_tensor *t, int64_t *n);
/* True when the constant behind slot is one element equal to want
 * (relative tolerance tol). */
bool gs_fuse_param_scalar_is(const struct gs_graph *g, const struct gs_node *n, int slot,
			     double want, double tol);
/* C of a Gemm with n columns: true if its shape broadcasts as [n]
 * ([], [1], [n], [1, 1], [1, n]).  Shared by fuse-gemm, fuse-gemm-bn and
 * fuse-affine. */
bool gs_fuse_is_row_bias(const struct gs_tensor *c, int64_t n);
/* Encodes n doubles as dtype (float, double, half, bf16, ints, bool);
 * NULL for other types.  Size in *nbytes. */
void *gs_fuse_encode(int dtype, const double *src, int64_t n, size_t *nbytes);
/* A fresh initializer value holding a copy of data. */
int gs_fuse_new_param(struct gs_graph *g, const char *hint, int dtype, int rank,
		      const int64_t *dims, void *data, size_t nbytes);
/* Removes a parameter that nothing reads any more: an initializer (its
 * heap bytes released through the journal) or a Constant node. */
void gs_fuse_drop_if_unused(struct gs_graph *g, int vid);
/* Drops every now-unused parameter input of node n (after removing it). */
void gs_fuse_drop_inputs(struct gs_graph *g, const struct gs_node *n);

/* Adds a node copying op, domain and attributes of tmpl; only for nodes
 * gs_fuse_clonable accepts, since attribute payloads are shared, not copied. */
struct gs_node *gs_fuse_add_like(struct gs_graph *g, const struct gs_node *tmpl,
				 const char *op_type, const char *name,
				 int n_in, const int *in, int n_out, const int *out);
bool gs_fuse_has_subgraphs(const struct gs_node *n);
/* No graph or tensor attributes (which the graph frees per node). */
bool gs_fuse_clonable(const struct gs_node *n);


/* Makes the default-domain opset at least `want` (fuse-opset.c).  Returns 0 when it is
 * (now) high enough, -1 when raising it would change the meaning of an op
 * the model uses; *why then names that op. */
int gs_fuse_need_opset(struct gs_model *m, int64_t want, const char **why);

/* BatchNormalization node bn in inference as y = s[c] * x + t[c] over
 * `channels` channels: 0 with malloc'd s and t, or -1 when it cannot be
 * folded (non-constant params, training mode, extra outputs in use). */
int gs_fuse_bn_affine(const struct gs_graph *g, const struct gs_node *bn, int64_t channels,
		      double **s, double **t);

/* Sets tensor-valued parameter vid to new data: in place (journaled) when
 * node n is its only reader and it is an initializer, else as a new
 * initializer named after it.  Returns the value id to read. */
int gs_fuse_rewrite_param(struct gs_graph *g, int vid, const struct gs_node *n, int dtype,
			  int rank, const int64_t *dims, void *data, size_t nbytes);

/* Gemm + BatchNormalization at bn, in fuse-gemm-bn.c; 1 if rewritten. */
int gs_fuse_gemm_bn(struct gs_graph *g, struct gs_node *bn, struct gs_fuse_log *log);

/* A value computed by gs_fuse_eval: owns dims and data (malloc'd). */
struct fuse_value {
	int dtype, rank;
	int64_t *dims;
	void *data;
	size_t nbytes;
};

/* Largest tensor constant folding will materialize. */
#define FUSE_FOLD_MAX_BYTES ((size_t)256 << 20)

/* Evaluates node n of g whose inputs are constants (Shape: a value of
 * static shape).  0 and *out filled; -2 when the result would pass
 * max_bytes (nothing allocated); -1 when it cannot. */
int gs_fuse_eval(const struct gs_graph *g, const struct gs_node *n, size_t max_bytes,
		 struct fuse_value *out);
void gs_fuse_value_release(struct fuse_value *v);

#endif
