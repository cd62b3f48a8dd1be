/* The op registry: the family tables, and lookup by (domain, name, opset). */
#include <string.h>

#include "graphsmith/ops.h"
#include "ops/families.h"

static const struct gs_op *const families[] = {
	gs_ops_elementwise, gs_ops_reduce, gs_ops_nn, gs_ops_rnn, gs_ops_shape,
	gs_ops_index, gs_ops_quant, gs_ops_resize, gs_ops_control, gs_ops_loss,
	gs_ops_attention, gs_ops_signal, gs_ops_integer, gs_ops_vision,
};

#define N_FAMILIES (sizeof(families) / sizeof(*families))

static bool same_domain(const char *a, const char *b)
{
	/* "ai.onnx" is the default domain's long name */
	if (!a || !strcmp(a, "ai.onnx"))
		a = "";
	if (!b || !strcmp(b, "ai.onnx"))
		b = "";
	return !strcmp(a, b);
}

const struct gs_op *gs_op_find(const char *domain, const char *name, int64_t opset)
{
	const struct gs_op *best = NULL, *op;
	size_t f;

	for (f = 0; f < N_FAMILIES; f++)
		for (op = families[f]; op->name; op++)
			if (!strcmp(op->name, name) && same_domain(op->domain, domain) &&
			    op->since <= opset && (!best || op->since > best->since))
				best = op;
	return best;
}

void gs_op_each(void (*fn)(const struct gs_op *op, void *ctx), void *ctx)
{
	const struct gs_op *op;
	size_t f;

	for (f = 0; f < N_FAMILIES; f++)
		for (op = families[f]; op->name; op++)
			fn(op, ctx);
}
