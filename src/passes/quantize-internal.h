/* Shared between the quantize-*.c files only. */
#ifndef GRAPHSMITH_PASSES_QUANTIZE_INTERNAL_H
#define GRAPHSMITH_PASSES_QUANTIZE_INTERNAL_H

#include "graphsmith/quantize.h"

/* A weight input of Conv, ConvTranspose, Gemm or MatMul. */
struct gs_quant_target {
	struct gs_graph *g;		/* the consumer's graph */
	struct gs_node *n;		/* the consumer */
	int slot;			/* its weight input */
	struct gs_tensor *t;		/* the float32 weight */
	struct gs_graph *owner;		/* graph holding the parameter */
	int owner_value;		/* its value id there */
	int axis;			/* output-channel axis */
	int k_axis;			/* reduction axis of a 2-D Gemm/MatMul weight, or -1 */
};

typedef int (*gs_quant_target_fn)(struct gs_quant_target *tg, void *ctx);

/* Calls fn for every float32 weight input with data, in every graph
 * (parents first); stops at the first non-zero return. */
int gs_quant_each_target(struct gs_model *m, gs_quant_target_fn fn, void *ctx);
/* Removes the float parameter (initializer or Constant node) once nothing
 * uses it any more, here or from a subgraph. */
void gs_quant_drop_source(struct gs_graph *owner, int value_id);
/* Ensures the default-domain opset is at least version, refusing (with
 * err, nothing changed) when an op in the model changed meaning since. */
int gs_quant_check_opset(struct gs_model *m, int64_t version, struct gs_error *err);
/* Converts to opset version (checked by gs_quant_check_opset); returns the
 * conversion's summary line ("converted opset 9 -> 13 ...") or "". */
const char *gs_quant_raise_opset(struct gs_model *m, int64_t version);
/* An owned copy of a tensor's floats when its bytes are not 4-aligned,
 * else NULL (use t->data directly). */
float *gs_quant_aligned_copy(const struct gs_tensor *t);
/* Tells the kernel we are done reading a mapped tensor for now: its pages
 * leave our RSS and come back from the file if read again (undo, save). */
void gs_quant_drop_pages(const struct gs_tensor *t);
/* "2048x2048" */
const char *gs_quant_dims_str(const struct gs_tensor *t, char *buf, size_t len);
/* A new initializer in g holding data (ownership taken). */
int gs_quant_new_init(struct gs_graph *g, const char *hint, int dtype, int rank,
		      const int64_t *dims, void *data, size_t nbytes);

/* int8, uint8, int4 and fp16 weights (quantize-weights.c). */
int gs_quant_weights(struct gs_model *m, const struct gs_quant_opts *o,
		     gs_quant_report_fn report, void *ctx, struct gs_error *err);
/* int8/uint8 static: activations too, calibrated (quantize-static.c). */
int gs_quant_static(struct gs_model *m, const struct gs_quant_opts *o,
		    gs_quant_report_fn report, void *ctx, struct gs_error *err);
/* The whole-graph fp16 conversion (quantize-fp16all.c). */
int gs_quant_fp16_all(struct gs_model *m, gs_quant_report_fn report, void *ctx,
		      struct gs_error *err);

#endif
