/*
 * grad.h - reverse-mode gradients over the evaluator's ops (a tape).
 *
 * A gs_grad holds one model's main graph: a forward run executes it node
 * by node on the evaluator's kernels (gs_eval_node) and keeps every
 * activation; a backward run then walks the nodes in reverse topological
 * order and applies each op's gradient rule (src/learn/grad-rules.c, one
 * entry per op), summing where a tensor fans out.  float32 only.
 *
 * Parameters: every float32 initializer of the main graph gets a working
 * copy the forward reads (so training updates it in place without
 * touching the model until gs_grad_write_back).  One is trainable when
 * some reader takes it on a slot its rule differentiates; the others are
 * frozen (shape constants, BatchNormalization's statistics, quantization
 * scales, anything not float32).  A trainable weight of a Conv, Gemm or
 * MatMul (the prunable ones) is masked: its exact zeros stay zero.
 *
 * Ownership: the engine owns the tensors it hands out (borrowed until the
 * next forward, or gs_grad_free).
 */
#ifndef GRAPHSMITH_GRAD_H
#define GRAPHSMITH_GRAD_H

#include <stdbool.h>
#include <stdint.h>

#include "graphsmith/eval.h"
#include "graphsmith/ir.h"

struct gs_grad_param {
	struct gs_tensor *tensor;	/* the model's initializer */
	int value;			/* its value id in the main graph */
	struct gs_etensor *w;		/* float32 working copy the forward reads */
	struct gs_etensor *g;		/* dL/dw after backward (zeros until then) */
	bool trainable;
	bool masked;			/* prunable weight: exact zeros stay zero */
};

struct gs_grad;

/* Builds the tape; refuses (one line) a graph with nodes no kernel runs. */
struct gs_grad *gs_grad_new(const struct gs_model *m, struct gs_error *err);
void gs_grad_free(struct gs_grad *gr);

int gs_grad_n_params(const struct gs_grad *gr);
struct gs_grad_param *gs_grad_param_at(struct gs_grad *gr, int i);
/* The parameter of tensor t, or NULL. */
struct gs_grad_param *gs_grad_param_of(struct gs_grad *gr, const struct gs_tensor *t);
/* The graph inputs a forward takes (inputs without an initializer), in order. */
int gs_grad_n_inputs(const struct gs_grad *gr);
const struct gs_value *gs_grad_input(const struct gs_grad *gr, int i);
int gs_grad_n_outputs(const struct gs_grad *gr);
/* Whether backward also computes dL/d(input i) (default off). */
void gs_grad_want_input_grads(struct gs_grad *gr, bool on);

/* One forward run; outputs[i] (may be NULL) receives borrowed references
 * to the graph outputs, valid until the next forward. */
int gs_grad_forward(struct gs_grad *gr, struct gs_etensor *const *inputs,
		    struct gs_etensor **outputs, struct gs_error *err);
/* Sets every parameter gradient to zero. */
void gs_grad_zero(struct gs_grad *gr);
/* Adds dL/dw to every trainable parameter's g (and dL/d input when
 * wanted), for the output gradients gout[i] (float32, shaped like output
 * i; NULL: no gradient from it).  May be called more than once after one
 * forward. */
int gs_grad_backward(struct gs_grad *gr, struct gs_etensor *const *gout, struct gs_error *err);
/* dL/d(input i) of the last backward, or NULL. */
struct gs_etensor *gs_grad_input_grad(struct gs_grad *gr, int i);

/* Writes every trainable parameter whose working copy differs from the
 * model back through the journaled edit; returns how many changed. */
int gs_grad_write_back(struct gs_grad *gr, struct gs_model *m, struct gs_error *err);

#endif
