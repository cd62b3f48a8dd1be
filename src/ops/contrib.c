/* Contrib ops of onnxruntime that exporters and its optimizer write: no
 * kernels here, but the matcher pairs them with the standard ops they
 * fuse (family) and `explain` has a line for them. */
#include "ops/families.h"

#define MS "com.microsoft"

const struct gs_op gs_ops_contrib[] = {
	{ .domain = MS, .name = "FusedConv", .since = 1, .family = "conv",
	  .note = "Conv with an optional residual input Z added and an activation (Relu, ...) applied" },
	{ .domain = MS, .name = "FusedMatMul", .since = 1, .family = "matmul",
	  .note = "alpha * MatMul of A and B, either of them transposed first (transA, transB)" },
	{ .domain = MS, .name = "MatMulNBits", .since = 1, .family = "matmul",
	  .note = "MatMul with B packed as 2-8 bit blocks along K, dequantized with per-block scales" },
	{ .domain = MS, .name = "BiasAdd", .since = 1, .family = "add",
	  .note = "y = x + bias + skip: a bias and a residual added in one op" },
	{ .domain = MS, .name = "QLinearAdd", .since = 1, .family = "add",
	  .note = "Add of two quantized tensors, each with its scale and zero point, requantized" },
	{ .domain = MS, .name = "Gelu", .since = 1, .family = "gelu",
	  .note = "y = 0.5 * x * (1 + erf(x / sqrt(2))): the exact GELU, before opset 20 had one" },
	{ .domain = MS, .name = "FastGelu", .since = 1, .family = "gelu",
	  .note = "GELU by its tanh approximation, with an optional bias added first" },
	{ .domain = MS, .name = "BiasGelu", .since = 1, .family = "gelu",
	  .note = "y = Gelu(x + bias): the bias of the MatMul before it folded in" },
	{ .domain = MS, .name = "SkipLayerNormalization", .since = 1, .family = "layernorm",
	  .note = "LayerNormalization of x + skip (+ bias): a residual add and its norm in one" },
	/* onnxruntime registers it in the default domain */
	{ .domain = "", .name = "SimplifiedLayerNormalization", .since = 1, .family = "layernorm",
	  .note = "RMS normalization: x / sqrt(mean(x^2) + epsilon) * scale, no mean subtracted" },
	{ .domain = MS, .name = "Attention", .since = 1, .family = "attention",
	  .note = "self-attention with the Q, K, V projections packed in one weight, multi-head" },
	{ .domain = MS, .name = "MultiHeadAttention", .since = 1, .family = "attention",
	  .note = "multi-head attention of projected Q, K, V: softmax(Q K^T / sqrt(d)) V per head" },
	{ .domain = MS, .name = "GroupQueryAttention", .since = 1, .family = "attention",
	  .note = "attention where groups of query heads share one K/V head, with a KV cache" },
	{ .name = NULL },
};
