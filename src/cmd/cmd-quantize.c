/* quantize MODE [...]: weight quantization of B (see graphsmith/quantize.h). */
#include <string.h>

#include "cmd/internal.h"
#include "graphsmith/quantize.h"

static void quantize_line(void *ctx, const char *line)
{
	gs_printf(ctx, "%s", line);
}

static int quantize_exec(struct gs_workspace *ws, int argc, char **argv, struct gs_error *err)
{
	struct gs_quant_opts opts;
	int n;

	if (gs_quant_parse(argc - 1, argv + 1, &opts, err) < 0)
		return -1;
	n = gs_quantize(ws->b, &opts, quantize_line, ws, err);
	if (n < 0)
		return -1;
	return n ? GS_CHANGED_MODEL : GS_CHANGED_NOTHING;
}

static const char *const quantize_words1[] = { "int8", "uint8", "int4", "fp16", NULL };
static const char *const quantize_words_qdq[] = {
	"per-channel", "per-tensor", "sym", "asym", NULL
};
static const char *const quantize_words_int4[] = { "--block", "sym", "asym", NULL };
static const char *const quantize_words_fp16[] = { "--all", NULL };
static const char *const quantize_words_static[] = {
	"--data", "--method", "--samples", "--bins", "per-channel", "per-tensor", NULL
};
static const char *const quantize_words_method[] = { "minmax", "percentile", "entropy", NULL };

static enum gs_complete_kind quantize_complete(int argi, char **argv, const char *const **words)
{
	if (argi == 1)
		*words = quantize_words1;
	else if (!strcmp(argv[1], "int4"))
		*words = quantize_words_int4;
	else if (!strcmp(argv[1], "fp16"))
		*words = quantize_words_fp16;
	else if (argi >= 3 && !strcmp(argv[argi - 1], "--data"))
		return GS_COMPLETE_FILE;
	else if (argi >= 3 && !strcmp(argv[argi - 1], "--method"))
		*words = quantize_words_method;
	else if (argi >= 3 && !strcmp(argv[2], "static"))
		*words = quantize_words_static;
	else
		*words = quantize_words_qdq;
	return GS_COMPLETE_WORDS;
}

const struct gs_cmd_entry gs_cmd_quantize = {
	.name = "quantize",
	.alias = NULL,
	.usage = "quantize int8|uint8 [per-channel|per-tensor] [sym|asym] | "
		 "int8|uint8 static --data FILE.npz [--method minmax|percentile [P]|entropy] "
		 "[--bins N] [--samples N] [per-channel] | "
		 "int4 [--block N] [sym|asym] | fp16 [--all]",
	.help = "Quantizes the weights of Conv, ConvTranspose, Gemm and MatMul in B.\n"
		"int8/uint8: each float weight becomes an integer initializer with a\n"
		"scale and zero point feeding DequantizeLinear, per output channel\n"
		"(the default) or per tensor, symmetric (int8 default) or asymmetric\n"
		"(uint8 default); the opset is raised to 13 for per-channel.\n"
		"int4: block-wise along K for MatMul/Gemm weights (opset 21, default\n"
		"block 32, which must divide K).  fp16: weights stored as float16\n"
		"with a Cast; --all converts the whole graph, keeping float32 inputs\n"
		"and outputs.  Prints each weight's scale range and SQNR.\n"
		"int8 static / uint8 static: QDQ on activations as well, placed as\n"
		"onnxruntime's quantize_static (QDQ format) places it, activation\n"
		"ranges calibrated on the samples of FILE.npz (arrays keyed by input\n"
		"name) with onnxruntime's MinMax (default), Percentile (default\n"
		"99.999, 2048 bins of |x|) or Entropy (KL, 128 bins) calibrator.\n"
		"Activations uint8 asymmetric; weights int8 symmetric (uint8 static:\n"
		"uint8 asymmetric), per tensor unless per-channel; biases int32 with\n"
		"scale s_x*s_w; Relu/Clip folded into their producer's quantization.\n"
		"Prints each tensor's range and the calibration speed.",
	.flags = GS_CMD_NEEDS_B | GS_CMD_MUTATES,
	.exec = quantize_exec,
	.complete = quantize_complete,
};
