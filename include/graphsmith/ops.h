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

#include <stdbool.h>
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

/* An attribute's default: a node without the attribute means this value. */
enum gs_op_attr_kind {
	GS_OP_ATTR_INT,		/* int equal to num */
	GS_OP_ATTR_INTS,	/* ints, every element equal to num (strides 1, pads 0) */
	GS_OP_ATTR_FLOAT,	/* float equal to (float)num */
	GS_OP_ATTR_STRING,	/* string equal to str */
};

struct gs_op_attr {
	const char *name;		/* NULL closes the list */
	enum gs_op_attr_kind kind;
	double num;
	const char *str;
	int from, to;			/* opsets the default holds in, inclusive; 0 = open */
};

/* An input that acts as an attribute (it replaced one, or is read as a
 * constant): Reshape's shape, the axes of Squeeze from 13, Clip's min. */
struct gs_op_input {
	const char *name;		/* NULL closes the list */
	int slot;
	int from;			/* first opset with the input */
};

/* The rank of every value of g that the file or the registry's rank rules
 * tell, visiting nodes in order (topological); -1 where unknown.  Split's
 * and TopK's outputs all take the input's rank.  malloc'd, by value id. */
int *gs_op_infer_ranks(const struct gs_graph *g, const int *order, int n_order);
/* The rank of output 0 from the ranks of the inputs (gs_op_out_rank). */
enum gs_op_rank {
	GS_RANK_UNKNOWN,		/* not known from ranks alone */
	GS_RANK_SAME,			/* as input 0 */
	GS_RANK_BCAST,			/* the largest of the inputs' (all known) */
	GS_RANK_MATMUL,			/* as BCAST, if both operands have rank >= 2 */
	GS_RANK_FIXED,			/* always .rank */
	GS_RANK_SHAPE,			/* the length of the constant 1-D shape at input 1 */
	GS_RANK_KEEPDIMS,		/* as input 0 while keepdims is 1 (its default) */
};

/* The lists of an entry: .attrs = GS_OP_ATTRS(GS_DFLT_INT("axis", 1)), ... */
#define GS_OP_ATTRS(...) ((const struct gs_op_attr[]){ __VA_ARGS__, { .name = NULL } })
#define GS_OP_INPUTS(...) ((const struct gs_op_input[]){ __VA_ARGS__, { .name = NULL } })
#define GS_DFLT_INT(n, v) { .name = (n), .kind = GS_OP_ATTR_INT, .num = (v) }
#define GS_DFLT_INTS(n, v) { .name = (n), .kind = GS_OP_ATTR_INTS, .num = (v) }
#define GS_DFLT_FLOAT(n, v) { .name = (n), .kind = GS_OP_ATTR_FLOAT, .num = (v) }
#define GS_DFLT_STRING(n, s) { .name = (n), .kind = GS_OP_ATTR_STRING, .str = (s) }
/* an int default that holds in opsets from..to only (0: open) */
#define GS_DFLT_INT_IN(n, v, f, t) \
	{ .name = (n), .kind = GS_OP_ATTR_INT, .num = (v), .from = (f), .to = (t) }

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

	/*
	 * Facts about the op across all its versions (ranges inside say
	 * which): an op's newest entry holds them.  Zero means none
	 * throughout, so an entry names only what applies.
	 */
	/* versions whose change reinterprets a model written for an older
	 * one (an input replaced an attribute, a default or a formula
	 * changed, the op was removed): raising the opset across one is
	 * refused.  A subset of changed[], 0-terminated. */
	int breaks[8];
	const struct gs_op_attr *attrs;		/* defaults, GS_OP_ATTRS */
	const struct gs_op_input *attr_inputs;	/* GS_OP_INPUTS */
	/* the matcher pairs ops of one family as the same kind of node
	 * (Conv, QLinearConv and FusedConv are all "conv"); NULL: alone */
	const char *family;
	bool commutative;		/* inputs may be swapped (Add, Mul, Max, ...) */
	/* one data input, each output element a function of the input
	 * element at its index (activations, Cast, Identity): channel
	 * pruning passes through it */
	bool pointwise;
	/* the input holding a float weight (Conv's W), its bias, and the
	 * weight's output-channel axis (negative: from the end).  Input 0 is
	 * never a weight or a bias: 0 = none.  out_axis is read only with a
	 * weight; Gemm's is for transB = 0. */
	signed char weight_slot, bias_slot, out_axis;
	enum gs_op_rank rank_rule;
	signed char rank;		/* GS_RANK_FIXED's */
	/* the dtype of output 0 whatever the inputs' (Equal: bool, Shape:
	 * int64), 0: it follows them or an attribute */
	signed char out_dtype;
	/* an input that is float32 whatever the op's T (Resize's scales), 0: none */
	signed char f32_input;
};

/* The entry for op NAME of DOMAIN at OPSET, or NULL. */
const struct gs_op *gs_op_find(const char *domain, const char *name, int64_t opset);
/* The entry holding the facts of op NAME of DOMAIN (its newest), or NULL. */
const struct gs_op *gs_op_facts(const char *domain, const char *name);
/* Calls fn for every entry, family by family. */
void gs_op_each(void (*fn)(const struct gs_op *op, void *ctx), void *ctx);

/* The first version in (from, to] at which raising an op's opset
 * reinterprets it, or 0. */
int gs_op_breaking_version(const char *domain, const char *name, int64_t from, int64_t to);
/* The default of attribute NAME of op at OPSET, or NULL (an unknown opset,
 * 0, is below every lower bound of a range). */
const struct gs_op_attr *gs_op_attr_default(const struct gs_op *op, const char *name,
					    int64_t opset);
/* Whether attribute a (of a node of op, at OPSET) equals its default. */
bool gs_op_attr_is_default(const struct gs_op *op, const struct gs_attr *a, int64_t opset);
/* The attribute-like input at SLOT of op at OPSET (<= 0: any), or NULL. */
const struct gs_op_input *gs_op_attr_input(const struct gs_op *op, int slot, int64_t opset);
/* The op's matcher family, or NULL when it has none. */
const char *gs_op_family(const char *domain, const char *name);
/* The float weight input of op NAME of DOMAIN, -1 if none; *out_axis gets
 * its output-channel axis (negative: from the end), *bias its bias input
 * (-1: none); either may be NULL. */
int gs_op_weight_slot(const char *domain, const char *name, int *out_axis, int *bias);
/* The rank of node n's output 0 by op's rank rule, from rank[] of the
 * graph's values (-1 unknown); shape_len is the length of a constant 1-D
 * input 1 (-1 unknown) for GS_RANK_SHAPE. */
int gs_op_out_rank(const struct gs_op *op, const struct gs_node *n, const int *rank,
		   int shape_len);

#endif
