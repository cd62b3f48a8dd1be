/* `quantize int8|uint8|int4|fp16 ...` as a pass (graphsmith/pass.h) over
 * gs_quantize.  The spec parses, completes and documents the words; the
 * options are then built from the same words by gs_quant_parse, which
 * tests/passes/quant_apply.c and the unit tests share (so the counts are
 * strings here: gs_quant_parse checks them, with its messages). */
#include "graphsmith/pass.h"
#include "graphsmith/quantize.h"

static const char *const modes[] = { "int8", "uint8", "int4", "fp16", NULL };
static const char *const qdq[] = { "int8", "uint8", NULL };
static const char *const integer[] = { "int8", "uint8", "int4", NULL };
static const char *const int4[] = { "int4", NULL };
static const char *const fp16[] = { "fp16", NULL };
static const char *const static_words[] = { "static", NULL };
static const char *const granularity[] = { "per-channel", "per-tensor", NULL };
static const char *const symmetry[] = { "sym", "asym", NULL };
static const char *const calibrators[] = { "minmax", "percentile", "entropy", NULL };

static const struct gs_pass_arg quantize_args[] = {
	{ .name = "mode", .type = GS_ARG_WORD, .words = modes,
	  .help = "integer weights with a scale (int8, uint8, int4) or float16" },
	{ .name = "static", .type = GS_ARG_KEYWORD, .words = static_words,
	  .flags = GS_ARG_OPTIONAL, .when = qdq,
	  .help = "activations too, ranges calibrated on --data (QDQ as onnxruntime)" },
	{ .name = "granularity", .type = GS_ARG_WORD, .words = granularity,
	  .flags = GS_ARG_ANYWHERE, .when = qdq,
	  .help = "a scale per output channel or per tensor" },
	{ .name = "symmetry", .type = GS_ARG_WORD, .words = symmetry, .flags = GS_ARG_ANYWHERE,
	  .when = integer, .help = "zero point at 0 (int8, int4) or fitted (uint8)" },
	{ .name = "--block", .metavar = "N", .type = GS_ARG_STRING, .when = int4,
	  .help = "int4: elements per scale along K (32)" },
	{ .name = "--all", .type = GS_ARG_FLAG, .when = fp16,
	  .help = "fp16: the whole graph, float32 inputs and outputs kept" },
	{ .name = "--data", .metavar = "FILE.npz", .type = GS_ARG_STRING, .when = qdq,
	  .help = "static: calibration inputs keyed by input name" },
	{ .name = "--method", .type = GS_ARG_WORD, .words = calibrators, .when = qdq,
	  .then = "--percentile", .help = "static: the calibrator (minmax)" },
	{ .name = "--percentile", .metavar = "P", .type = GS_ARG_FLOAT, .when = qdq,
	  .help = "the percentile of |x| kept (99.999); also --method percentile P" },
	{ .name = "--bins", .metavar = "N", .type = GS_ARG_STRING, .when = qdq,
	  .help = "static: histogram bins (percentile 2048, entropy 128)" },
	{ .name = "--samples", .metavar = "N", .type = GS_ARG_STRING, .when = qdq,
	  .help = "static: calibrate on the first N samples (all)" },
	{ .name = NULL },
};

static int quantize_run(struct gs_model *m, const struct gs_pass_args *a,
			const struct gs_pass_report *rep, struct gs_error *err)
{
	struct gs_quant_opts o;

	if (gs_quant_parse(a->argc - 1, a->argv + 1, &o, err) < 0)
		return -1;
	return gs_quantize(m, &o, gs_pass_detail, (void *)rep, err);
}

const struct gs_pass gs_pass_quantize = {
	.name = "quantize",
	.args = quantize_args,
	.run = quantize_run,
};
