/*
 * The gradient rules, one entry per op: the rule and the input slots it
 * differentiates (the others - shapes, axes, BatchNormalization's
 * statistics - are constants to it, and parameters read only there stay
 * frozen).  The registry of the rules, like src/ops/registry.c for the
 * kernels: the tape (grad.c) looks rules up here; the families sit below
 * it - arithmetic in grad-pointwise.c, linear in grad-linear.c, pools in
 * grad-pool.c, shape-only in grad-shape.c - and their shared helpers below
 * them (grad-error.c, grad-bcast.c, grad-window.c).  See
 * ../shared/EVALUATOR.md section 7.2.
 */
#include <string.h>

#include "learn/grad-internal.h"

#define ALL_SLOTS 0xffffffffu

static const struct gs_grad_rule rules[] = {
	{ "", "Gemm", gs_grad_gemm, 0x7 },
	{ "", "MatMul", gs_grad_matmul, 0x3 },
	{ "", "Conv", gs_grad_conv, 0x7 },
	{ "", "Add", gs_grad_arith, 0x3 },
	{ "", "Sub", gs_grad_arith, 0x3 },
	{ "", "Mul", gs_grad_arith, 0x3 },
	{ "", "Div", gs_grad_arith, 0x3 },
	{ "", "Relu", gs_grad_activation, 0x1 },
	{ "", "LeakyRelu", gs_grad_activation, 0x1 },
	{ "", "Sigmoid", gs_grad_activation, 0x1 },
	{ "", "Tanh", gs_grad_activation, 0x1 },
	{ "", "Softmax", gs_grad_softmax, 0x1 },
	{ "", "LogSoftmax", gs_grad_softmax, 0x1 },
	{ "", "BatchNormalization", gs_grad_batchnorm, 0x7 },
	{ "", "MaxPool", gs_grad_pool, 0x1 },
	{ "", "AveragePool", gs_grad_pool, 0x1 },
	{ "", "GlobalAveragePool", gs_grad_pool, 0x1 },
	{ "", "Identity", gs_grad_passthrough, 0x1 },
	{ "", "Dropout", gs_grad_passthrough, 0x1 },
	{ "", "Flatten", gs_grad_passthrough, 0x1 },
	{ "", "Reshape", gs_grad_passthrough, 0x1 },
	{ "", "Squeeze", gs_grad_passthrough, 0x1 },
	{ "", "Unsqueeze", gs_grad_passthrough, 0x1 },
	{ "", "Transpose", gs_grad_transpose, 0x1 },
	{ "", "Concat", gs_grad_concat, ALL_SLOTS },
};

const struct gs_grad_rule *gs_grad_rule_find(const char *domain, const char *name)
{
	size_t i;

	if (!strcmp(domain, "ai.onnx"))
		domain = "";
	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (!strcmp(rules[i].name, name) && !strcmp(rules[i].domain, domain))
			return &rules[i];
	return NULL;
}
