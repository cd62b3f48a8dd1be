/*
 * eval.h - the CPU evaluator: runs a model's graph on concrete tensors.
 *
 * A gs_eval is built once per model (the plan: per graph a topological
 * schedule, the kernel of every node, and how many times each value is
 * read, so a tensor is freed right after its last reader).  Runs then take
 * inputs, execute node by node, and keep the graph outputs.
 *
 * Tensors (struct gs_etensor) are dense, host-order arrays, reference
 * counted.  A tensor either owns its data, borrows it from a weight in the
 * model's mapping (never copied unless misaligned or in a storage dtype the
 * kernels do not read), or aliases another tensor's data (Reshape, Squeeze,
 * Identity: zero-copy).  Element storage: bool is one byte; 4-bit types
 * (int4, uint4) are held unpacked, one element per byte; strings are not
 * supported.
 *
 * Ownership: gs_et_* functions that return a tensor return a new reference;
 * gs_et_unref drops one.  Tensors handed to a kernel in k->in are borrowed.
 */
#ifndef GRAPHSMITH_EVAL_H
#define GRAPHSMITH_EVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "graphsmith/error.h"
#include "graphsmith/ir.h"

/* ONNX sets no limit; every model we know stays far below. */
#define GS_EVAL_MAX_RANK 12

struct gs_etensor {
	int dtype;			/* enum gs_dtype */
	int rank;
	int64_t dims[GS_EVAL_MAX_RANK];
	int64_t numel;
	void *data;			/* numel elements; never NULL (an empty
				 * tensor points at a shared empty block) */
	size_t nbytes;
	int refs;
	bool owns_data;			/* free(data) with the tensor */
	struct gs_etensor *base;	/* data borrowed from base (holds a ref) */
};

/* ---- tensors ---- */
/* Bytes one element takes in a gs_etensor (4-bit types: 1); 0 if unsupported. */
size_t gs_et_elem_size(int dtype);
/* A new tensor with uninitialised data.  NULL with err set when the size
 * overflows, the dtype cannot be held, or the evaluator's memory limit
 * (gs_eval_set_mem_limit) would be passed. */
struct gs_etensor *gs_et_new(int dtype, int rank, const int64_t *dims, struct gs_error *err);
/* Same, zero-filled. */
struct gs_etensor *gs_et_zeros(int dtype, int rank, const int64_t *dims, struct gs_error *err);
/* A tensor viewing base's data with another shape (same numel). */
struct gs_etensor *gs_et_alias(struct gs_etensor *base, int rank, const int64_t *dims);
/* Rows [at, at + count) of t along axis 0, as a view (t->rank >= 1). */
struct gs_etensor *gs_et_rows(struct gs_etensor *t, int64_t at, int64_t count);
/* A deep copy (owning its data). */
struct gs_etensor *gs_et_copy(const struct gs_etensor *t, struct gs_error *err);
/* A tensor of a model's parameter: borrows the mapping when the layout
 * allows, else decodes (fp16 stays fp16; int4 is unpacked). */
struct gs_etensor *gs_et_from_param(const struct gs_model *m, const struct gs_tensor *p,
				    struct gs_error *err);
struct gs_etensor *gs_et_ref(struct gs_etensor *t);
void gs_et_unref(struct gs_etensor *t);

/* Element i as double / set from double (any numeric dtype; float->int
 * conversions saturate, NaN -> 0).  For slow paths and small tensors. */
double gs_et_get(const struct gs_etensor *t, int64_t i);
void gs_et_set(struct gs_etensor *t, int64_t i, double v);
/* A converted copy (Cast semantics: saturating, NaN -> 0 for ints). */
struct gs_etensor *gs_et_convert(const struct gs_etensor *t, int dtype, struct gs_error *err);
/* Reads an integer tensor (any int dtype) of at most max elements into
 * out; returns the count, or -1 with err set. */
int gs_et_ints(const struct gs_etensor *t, int64_t *out, int max, struct gs_error *err);

/* Broadcast helper: out dims of a multidirectional (numpy) broadcast of n
 * shapes; -1 with err set if incompatible. */
int gs_broadcast_shape(int n, const struct gs_etensor *const *ts, int *rank_out,
		       int64_t *dims_out, struct gs_error *err);

/* ---- kernels ---- */
struct gs_eval;

struct gs_kernel_ctx {
	struct gs_eval *ev;
	const struct gs_graph *graph;
	const struct gs_node *node;
	int64_t opset;			/* the opset of the node's domain */
	int n_in;
	struct gs_etensor **in;		/* borrowed; NULL for an omitted input */
	int n_out;
	struct gs_etensor **out;	/* the kernel stores a new reference in
					 * each out[i] the node names (out[i] is
					 * NULL on entry; omitted outputs may stay
					 * NULL) */
	struct gs_error *err;
	void *frame;			/* the executor's, for subgraphs */
	unsigned epilogue;		/* enum gs_epilogue: applied to output 0 by
					 * kernels of ops flagged GS_OP_EPILOGUE */
};

enum gs_epilogue {
	GS_EPILOGUE_RELU = 1 << 0,	/* y = max(y, 0) (NaN stays NaN) */
};

/* A kernel computes its outputs' shapes from its inputs, allocates them
 * (gs_kernel_out) and fills them.  Returns 0, or -1 with k->err set by
 * gs_kernel_fail (which names the node). */
typedef int (*gs_kernel_fn)(struct gs_kernel_ctx *k);

/* Allocates output i; NULL (k->err set, naming the node) on failure. */
struct gs_etensor *gs_kernel_out(struct gs_kernel_ctx *k, int i, int dtype, int rank,
				 const int64_t *dims);
/* Output i as a zero-copy view of t with another shape. */
void gs_kernel_out_alias(struct gs_kernel_ctx *k, int i, struct gs_etensor *t, int rank,
			 const int64_t *dims);
/* "node 'NAME' (OP): <message>" into k->err; returns -1. */
int gs_kernel_fail(struct gs_kernel_ctx *k, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Input i, or NULL when absent (omitted or past the end). */
static inline struct gs_etensor *gs_kernel_in(const struct gs_kernel_ctx *k, int i)
{
	return i < k->n_in ? k->in[i] : NULL;
}
/* The inputs a body takes from its node: its inputs less the trailing
 * ones an initializer feeds (IR < 4 lists initializers as inputs). */
int gs_body_inputs(const struct gs_graph *body);
/* Runs a subgraph of k's node (If/Loop/Scan): body inputs are bound to
 * in[0..n_in), outer-scope names resolve through the enclosing frames.
 * Stores new references to the body outputs in out[0..n_out). */
int gs_kernel_run_subgraph(struct gs_kernel_ctx *k, const struct gs_graph *body, int n_in,
			   struct gs_etensor **in, int n_out, struct gs_etensor **out);

/* ---- running a model ---- */
/* Called after every node (of the main graph and of subgraphs) with the
 * node's outputs (NULL for omitted ones); a non-zero return stops the run
 * with that status (err set by the observer). */
struct gs_eval_observer {
	int (*node_done)(void *ctx, const struct gs_graph *g, const struct gs_node *n,
			 struct gs_etensor *const *outs, struct gs_error *err);
	void *ctx;
};

/* Plans a model: schedules, kernels, value lifetimes.  Refuses, with one
 * line naming the node, its op, domain and opset, a node no kernel runs. */
struct gs_eval *gs_eval_new(const struct gs_model *m, struct gs_error *err);
void gs_eval_free(struct gs_eval *ev);
const struct gs_model *gs_eval_model(const struct gs_eval *ev);
/* The inputs a run must be given: graph inputs without an initializer. */
int gs_eval_n_inputs(const struct gs_eval *ev);
const struct gs_value *gs_eval_input(const struct gs_eval *ev, int i);
int gs_eval_n_outputs(const struct gs_eval *ev);
const struct gs_value *gs_eval_output(const struct gs_eval *ev, int i);
void gs_eval_set_observer(struct gs_eval *ev, const struct gs_eval_observer *obs);
/* Reuse for the main graph (NULL skip turns it off): a node with
 * skip[node_id] set does not run; its outputs are cached[value_id]
 * (borrowed, may be NULL when nothing reads them).  For measuring a step
 * without re-running what it did not change.  Epilogue fusion is off
 * while reuse is on, so cached and computed tensors are the same kind. */
void gs_eval_set_reuse(struct gs_eval *ev, const bool *skip, struct gs_etensor *const *cached);
/* Runs from now on record every value's shape in the model's IR
 * (gs_value.inferred_*), so views can show shapes the file lacks. */
void gs_eval_record_shapes(struct gs_eval *ev, bool on);
/* One run.  inputs[i] for gs_eval_input(ev, i) (checked against the
 * declared dtype and static dims); outputs[i] receives a new reference. */
int gs_eval_run(struct gs_eval *ev, struct gs_etensor *const *inputs,
		struct gs_etensor **outputs, struct gs_error *err);

/* Runs one node of m outside any plan (constant folding): in[] borrowed
 * (one per input slot, NULL when omitted), out[] receives new
 * references.  Nodes holding subgraphs are refused. */
int gs_eval_node(const struct gs_model *m, const struct gs_graph *g, const struct gs_node *n,
		 struct gs_etensor **in, struct gs_etensor **out, struct gs_error *err);

/* Bytes all live evaluator tensors may hold together (default: 3/4 of the
 * machine's memory; GS_EVAL_MEM_MB overrides); gs_et_new refuses beyond. */
void gs_eval_set_mem_limit(size_t bytes);
size_t gs_eval_mem_limit(void);		/* the limit in force */
size_t gs_eval_mem_live(void);		/* bytes live now */
size_t gs_eval_mem_peak(void);		/* high-water mark of live bytes */
/* Starts a new high-water mark at the bytes live now; returns them. */
size_t gs_eval_mem_reset_peak(void);
/* Frees the buffers kept for reuse (freed tensors' memory is kept, up to
 * 256 MiB or 1/8 of the limit, for the next tensor of the same size). */
void gs_eval_trim(void);

#endif
