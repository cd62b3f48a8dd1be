/*
 * Op types as small integers for the matcher.  A view looks each node's op
 * up once, so pattern, default and family checks compare ints instead of
 * strings on every visit.  The ids come from the op registry
 * (graphsmith/ops.h), which also holds what the matcher knows about each
 * op: attribute defaults, attribute-like inputs, family, commutativity.
 *
 * The ops the matcher's code names get the constants below (switch needs
 * them), in strcmp order; every other name of the registry follows from
 * OP_COUNT_ on, also in strcmp order.  gs_match_op_id() bisects (the unit
 * test checks the order).
 */
#ifndef GS_MATCH_OPS_H
#define GS_MATCH_OPS_H

#include <stdbool.h>
#include <stdint.h>

#include "graphsmith/ops.h"

/* every one must be a registry name: checked when the ids are made */
#define MATCH_NAMED_OPS(X) \
	X(Add) X(BatchNormalization) X(Cast) X(Concat) X(Constant) X(Conv) \
	X(ConvTranspose) X(DequantizeLinear) X(Div) X(Dropout) X(Erf) X(Gather) \
	X(Gelu) X(Gemm) X(Identity) X(LayerNormalization) X(MatMul) X(Mul) X(Pow) \
	X(QuantizeLinear) X(ReduceMean) X(Reshape) X(Shape) X(Sqrt) X(Squeeze) X(Sub) \
	X(Transpose) X(Unsqueeze)

enum match_op {
	OP_NONE,		/* an op the registry lacks, or not in the default domain */
#define X(name) OP_##name,
	MATCH_NAMED_OPS(X)
#undef X
	OP_COUNT_		/* the first id of the registry's other ops */
};

/* views store ids in bytes */
#define OP_MAX_ 256

/* The id of an op type by name alone (any domain), OP_NONE if unknown. */
int gs_match_op_id(const char *op);
/* The name of an id, NULL for OP_NONE. */
const char *gs_match_op_name(int id);
bool gs_match_op_id_commutative(int id);
bool gs_match_op_commutative(const char *op);
/* The registry entry of id, the default domain's if it has one, or NULL. */
const struct gs_op *gs_match_op_entry(int id);
/* The entry of id in the default domain (defaults, attribute inputs), or NULL. */
const struct gs_op *gs_match_op_default_entry(int id);

#endif
