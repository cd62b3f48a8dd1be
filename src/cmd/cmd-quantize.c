/* quantize MODE [...]: weight quantization of B (the pass:
 * src/passes/quantize-pass.c, over graphsmith/quantize.h). */
#include "cmd/internal.h"

GS_PASS_COMMAND(quantize, gs_pass_quantize, GS_CMD_NEEDS_B | GS_CMD_MUTATES,
		"quantize int8|uint8|int4|fp16|float16 [static] [per-channel|per-tensor] "
		"[sym|asym] [--block N] [--all] [--data FILE.npz] "
		"[--method minmax|percentile|entropy] [--percentile P] [--bins N] [--samples N]",
		"Quantizes the weights of Conv, ConvTranspose, Gemm and MatMul in B.\n"
		"int8/uint8: each float weight becomes an integer initializer with a\n"
		"scale and zero point feeding DequantizeLinear, per output channel\n"
		"(the default) or per tensor, symmetric (int8 default) or asymmetric\n"
		"(uint8 default); the opset is raised to 13 for per-channel.\n"
		"int4: block-wise along K for MatMul/Gemm weights (opset 21, default\n"
		"block 32, which must divide K).  fp16 (or float16): weights stored\n"
		"as float16 with a Cast; --all converts the whole graph, keeping\n"
		"float32 inputs and outputs.  Prints each weight's scale range and SQNR.\n"
		"int8 static / uint8 static: QDQ on activations as well, placed as\n"
		"onnxruntime's quantize_static (QDQ format) places it, activation\n"
		"ranges calibrated on the samples of FILE.npz (arrays keyed by input\n"
		"name) with onnxruntime's MinMax (default), Percentile (default\n"
		"99.999, 2048 bins of |x|) or Entropy (KL, 128 bins) calibrator.\n"
		"Activations uint8 asymmetric; weights int8 symmetric (uint8 static:\n"
		"uint8 asymmetric), per tensor unless per-channel; biases int32 with\n"
		"scale s_x*s_w; Relu/Clip folded into their producer's quantization.\n"
		"Prints each tensor's range and the calibration speed.");
