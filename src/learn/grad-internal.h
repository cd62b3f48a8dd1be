/* The gradient rules' side of the tape (src/learn/grad*.c). */
#ifndef GS_LEARN_GRAD_INTERNAL_H
#define GS_LEARN_GRAD_INTERNAL_H

/* the rules need the evaluator's tensors, not the tape's API (graphsmith/grad.h) */
#include "graphsmith/eval.h"
#include "graphsmith/ir.h"

/* What a rule sees: the node's forward inputs and outputs (float32 where
 * it differentiates), the gradients of its outputs (NULL: none reached
 * it) and where to add those of its inputs (gin[i] NULL: not wanted). */
struct gs_grad_ctx {
	const struct gs_node *node;
	int64_t opset;
	int n_in;
	struct gs_etensor **in;
	int n_out;
	struct gs_etensor **out;
	struct gs_etensor **gout;
	struct gs_etensor **gin;
	struct gs_error *err;
};

typedef int (*gs_grad_fn)(struct gs_grad_ctx *c);

/* One entry per op: its rule and the input slots it differentiates. */
struct gs_grad_rule {
	const char *domain;
	const char *name;
	gs_grad_fn fn;
	unsigned slots;			/* bit i: input i */
};

/* grad-rules.c: the registry */
const struct gs_grad_rule *gs_grad_rule_find(const char *domain, const char *name);

/* Below the registry and its families: their shared helpers. */

/* grad-error.c: "node 'NAME' (OP): gradient: <message>"; returns -1. */
int gs_grad_fail(struct gs_grad_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static inline float *gs_grad_f(const struct gs_etensor *t)
{
	return t ? (float *)t->data : NULL;
}

/* grad-bcast.c: strides of t's elements when t is broadcast to
 * dims[0..rank) (0 along the axes it is broadcast over). */
void gs_grad_bcast_strides(const struct gs_etensor *t, int rank, const int64_t *dims,
			   int64_t *strides);
/* Adds scale * g (shaped like a numpy broadcast of gin's shape) into gin,
 * summing over the broadcast axes. */
void gs_grad_unbroadcast_add(const struct gs_etensor *g, struct gs_etensor *gin, float scale);

/* Walks the elements of a tensor of shape dims, advancing up to three
 * broadcast offsets. */
struct gs_grad_bcast {
	int rank;
	const int64_t *dims;
	int64_t idx[GS_EVAL_MAX_RANK];
	int64_t st[3][GS_EVAL_MAX_RANK];
	int64_t off[3];
};

/* Offsets off[0], off[1] of a and b (either may be NULL) over y's shape. */
void gs_grad_bcast_init(struct gs_grad_bcast *w, const struct gs_etensor *y,
			const struct gs_etensor *a, const struct gs_etensor *b);
void gs_grad_bcast_next(struct gs_grad_bcast *w);

/* grad-window.c: a 1-D or 2-D window op's geometry (1-D as height 1). */
struct gs_grad_window {
	int64_t in[2], out[2], k[2], s[2], dil[2], pad[2], pad_end[2];
};

void gs_grad_window(const struct gs_node *n, const struct gs_etensor *x,
		    const struct gs_etensor *y, const int64_t *kernel, struct gs_grad_window *w);
int64_t gs_grad_pad_begin(const struct gs_node *n, int d, int64_t in, int64_t out, int64_t k,
			  int64_t s, int64_t dil);
int64_t gs_grad_attr_at(const struct gs_node *n, const char *name, int d, int64_t dflt);

/* grad-linear.c: a window's columns and back */
void gs_grad_im2col(const float *x, const struct gs_grad_window *w, int64_t channels, float *col);
void gs_grad_col2im(const float *col, const struct gs_grad_window *w, int64_t channels, float *x);

/* The rule families, listed in the registry. */
/* grad-linear.c */
int gs_grad_gemm(struct gs_grad_ctx *c);
int gs_grad_matmul(struct gs_grad_ctx *c);
int gs_grad_conv(struct gs_grad_ctx *c);
/* grad-pointwise.c */
int gs_grad_arith(struct gs_grad_ctx *c);
int gs_grad_activation(struct gs_grad_ctx *c);
int gs_grad_softmax(struct gs_grad_ctx *c);
int gs_grad_batchnorm(struct gs_grad_ctx *c);
/* grad-pool.c */
int gs_grad_pool(struct gs_grad_ctx *c);
/* grad-shape.c */
int gs_grad_passthrough(struct gs_grad_ctx *c);
int gs_grad_transpose(struct gs_grad_ctx *c);
int gs_grad_concat(struct gs_grad_ctx *c);

#endif
