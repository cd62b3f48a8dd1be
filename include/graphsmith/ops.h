/*
 * ops.h - the op registry: one entry per operator, everything graphsmith
 * knows about it in one place.
 *
 * Each family file in src/ops/ (elementwise.c, nn.c, shape.c, ...) defines
 * a table `const struct gs_op gs_ops_<family>[]` closed by an entry with a
 * NULL name; src/ops/registry.c lists the families.  Adding an op is one
 * entry in one family file.
 *
 * An entry describes the op from opset `since` on, for as long as no later
 * entry of the same name takes over; a kernel that differs between
 * versions reads k->opset.
 */
#ifndef GRAPHSMITH_OPS_H
#define GRAPHSMITH_OPS_H

#include <stdint.h>

#include "graphsmith/eval.h"

enum gs_op_flags {
	/* fp16, bf16 and double inputs reach the kernel converted to float32
	 * and its float32 outputs are converted back to that dtype: the
	 * kernel has a float32 path only (plus integer paths if it says so) */
	GS_OP_FLOAT32 = 1 << 0,
	/* the kernel applies k->epilogue (a following Relu) to its output:
	 * the plan then folds a Relu that is the output's only reader into
	 * it, unless an observer wants to see every tensor */
	GS_OP_EPILOGUE = 1 << 1,
};

struct gs_op {
	const char *domain;		/* "" for the default ai.onnx domain */
	const char *name;
	int since;			/* first opset version described */
	unsigned flags;			/* enum gs_op_flags */
	gs_kernel_fn kernel;		/* NULL: known but not evaluable */
	/* opset versions at which the op's meaning or signature changed
	 * (0-terminated), for conversion and the diff */
	int changed[12];
	const char *note;		/* one line for teaching (`explain`) */
};

/* The entry for op NAME of DOMAIN at OPSET, or NULL. */
const struct gs_op *gs_op_find(const char *domain, const char *name, int64_t opset);
/* Calls fn for every entry, family by family. */
void gs_op_each(void (*fn)(const struct gs_op *op, void *ctx), void *ctx);

#endif
