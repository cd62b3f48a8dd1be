/* Shared between the convert*.c files only. */
#ifndef GRAPHSMITH_CONVERT_INTERNAL_H
#define GRAPHSMITH_CONVERT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "graphsmith/convert.h"
#include "graphsmith/ir.h"

/* One step over one graph: what an adapter may read. */
struct cv {
	struct gs_model *m;
	struct gs_graph *g;
	int64_t from, to;		/* this step: to = from +- 1 */
	int v;				/* the version crossed: max(from, to) */
	bool up;
	int *rank, *dtype;		/* per value id of g at the step's start */
	int n_known;			/* values covered by rank[] and dtype[] */
	const char *label;		/* what a rewrite counts as ("Clip") */
	char what[256];			/* a rewrite, for the list */
	char why[512];			/* a refusal */
};

/* An adapter returns 0 (nothing to change), 1 (rewritten: gs_cv_did) or -1
 * (refused: gs_cv_refuse). */
typedef int (*cv_fn)(struct cv *c, struct gs_node *n);

struct cv_adapter {
	const char *op;
	int v;				/* the version at which the op changed */
	cv_fn up, down;			/* NULL: compatible that way */
};

/* The adapters, closed by a NULL op (convert-adapters.c). */
extern const struct cv_adapter gs_cv_adapters[];
/* The generic downgrade across 11: negative axis/axes made positive. */
int gs_cv_down_negative_axes(struct cv *c, struct gs_node *n);

/* ---- what adapters know and how they rewrite (convert-util.c) ---- */

int gs_cv_did(struct cv *c, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int gs_cv_refuse(struct cv *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* What is known of value vid: rank (-1), dtype (0), dim (-1). */
int gs_cv_rank(const struct cv *c, int vid);
int gs_cv_dtype(const struct cv *c, int vid);
int64_t gs_cv_dim(const struct cv *c, int vid, int axis);
/* The node's label: its name, else its first output's name. */
const char *gs_cv_name(const struct cv *c, const struct gs_node *n);
/* Input slot of n as constant integers / doubles (malloc'd, count in
 * *count); -1 when the slot is empty or not a constant. */
int gs_cv_const_ints(const struct cv *c, const struct gs_node *n, int slot, int64_t **out,
		     int64_t *count);
int gs_cv_const_doubles(const struct cv *c, const struct gs_node *n, int slot, double **out,
			int64_t *count);
bool gs_cv_has_input(const struct gs_node *n, int slot);
bool gs_cv_output_used(const struct cv *c, const struct gs_node *n, int slot);
/* New initializers: an int64 1-D tensor, a scalar (rank 0) or [1] of
 * dtype, an empty float 1-D tensor. */
int gs_cv_new_ints(struct cv *c, const char *hint, int64_t count, const int64_t *v);
int gs_cv_new_scalar(struct cv *c, const char *hint, int dtype, int rank, double x);
int gs_cv_new_floats(struct cv *c, const char *hint, int dtype, int64_t count, const double *v);
int gs_cv_new_value(struct cv *c, const char *hint);
/* Replaces n by a node of op_type with the given inputs, n's outputs, name
 * and attributes except those named in drop (NULL-terminated); the old
 * node's now-unused constant inputs are dropped. */
struct gs_node *gs_cv_replace(struct cv *c, struct gs_node *n, const char *op_type, int n_in,
			      const int *in, const char *const *drop);
/* The same, keeping only the first n_out outputs. */
struct gs_node *gs_cv_replace_out(struct cv *c, struct gs_node *n, const char *op_type, int n_in,
				  const int *in, int n_out, const char *const *drop);
/* Removes parameter vid once nothing reads it. */
void gs_cv_drop_if_unused(struct cv *c, int vid);
/* A new node of the default domain. */
struct gs_node *gs_cv_add(struct cv *c, const char *op_type, const char *name, int n_in,
			  const int *in, int n_out, const int *out);

#endif
