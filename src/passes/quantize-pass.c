/* `quantize int8|uint8|int4|fp16 ...` as a pass (graphsmith/pass.h) over
 * gs_quantize.  The spec is the one parser: it parses, completes and
 * documents the words, and the options are built from what it parsed.  The
 * counts are strings in the spec so that quantize checks them here, with
 * its own messages ("quantize: --bins '0' must be a positive integer"). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/pass.h"
#include "graphsmith/quantize.h"
#include "graphsmith/util.h"

/* As enum gs_quant_mode; float16 is fp16 under its dtype's name. */
static const char *const modes[] = { "int8", "uint8", "int4", "fp16", "float16", NULL };
static const char *const qdq[] = { "int8", "uint8", NULL };
static const char *const integer[] = { "int8", "uint8", "int4", NULL };
static const char *const int4[] = { "int4", NULL };
static const char *const fp16[] = { "fp16", "float16", NULL };
static const char *const static_words[] = { "static", NULL };
static const char *const granularity[] = { "per-channel", "per-tensor", NULL };
static const char *const symmetry[] = { "sym", "asym", NULL };
static const char *const calibrators[] = { "minmax", "percentile", "entropy", NULL };

static const struct gs_pass_arg quantize_args[] = {
	{ .name = "mode", .type = GS_ARG_WORD, .words = modes,
	  .help = "integer weights with a scale (int8, uint8, int4) or float16 (fp16)" },
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

/* A count in [1, max], else "quantize: WHAT 'S' must be a positive integer". */
static int parse_count(const char *what, const char *s, int64_t max, int64_t *out,
		       struct gs_error *err)
{
	char eb[128], *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v <= 0 || v > max)
		return gs_error_set(err, "quantize: %s '%s' must be a positive integer", what,
				    gs_escape(s, eb, sizeof(eb)));
	*out = v;
	return 0;
}

/* The options that go with "static" only, given without it: the first one
 * typed is named, as typed ("--data=x.npz").  (A `when` list cannot say
 * this: it names modes, and static is a keyword after the mode.) */
static int refuse_static_options(const struct gs_pass_args *a, struct gs_error *err)
{
	static const char *const names[] = { "--data", "--method", "--percentile", "--bins",
					     "--samples", NULL };
	char eb[128];
	bool given = false;
	int i, k;
	size_t len;

	for (k = 0; names[k]; k++)
		given |= gs_pass_get(a, names[k])->set;
	for (i = 2; given && i < a->argc; i++) {
		for (k = 0; names[k]; k++) {
			len = strlen(names[k]);
			if (!strncmp(a->argv[i], names[k], len) &&
			    (a->argv[i][len] == '=' || !a->argv[i][len]))
				return gs_error_set(err, "quantize %s: unexpected argument '%s'",
						    a->argv[1], gs_escape(a->argv[i], eb, sizeof(eb)));
		}
	}
	return 0;
}

/* A percentile in (0, 100]; the spec made sure it is a number. */
static int check_percentile(const struct gs_pass_value *v, struct gs_error *err)
{
	char eb[128];

	if (!(v->f > 0 && v->f <= 100))
		return gs_error_set(err, "quantize: percentile '%s' must be in (0, 100]",
				    gs_escape(v->s, eb, sizeof(eb)));
	return 0;
}

/* "int8 static ...": the calibration options. */
static int static_opts(const struct gs_pass_args *a, struct gs_quant_opts *o,
		       struct gs_error *err)
{
	const struct gs_pass_value *method = gs_pass_get(a, "--method");
	const struct gs_pass_value *percentile = gs_pass_get(a, "--percentile");
	const struct gs_pass_value *bins = gs_pass_get(a, "--bins");
	const struct gs_pass_value *samples = gs_pass_get(a, "--samples");
	int k = GS_CALIB_MINMAX;
	int64_t n;

	o->is_static = true;
	o->per_channel = false;		/* ORT's default */
	while (method->set && strcmp(calibrators[k], method->s))
		k++;
	gs_calib_opts_init(&o->calib, (enum gs_calib_method)k);
	o->data = gs_pass_get(a, "--data")->s;
	if (samples->set && parse_count("--samples", samples->s, (int64_t)1 << 40, &o->samples,
					err))
		return -1;
	if (bins->set && parse_count("--bins", bins->s, 1 << 20, &n, err))
		return -1;
	if (percentile->set) {
		if (check_percentile(percentile, err))
			return -1;
		if (o->calib.method != GS_CALIB_PERCENTILE)
			return gs_error_set(err, "quantize: --percentile goes with --method "
					    "percentile");
		o->calib.percentile = percentile->f;
	}
	if (bins->set) {
		if (o->calib.method == GS_CALIB_ENTROPY && n < o->calib.num_quantized_bins)
			return gs_error_set(err, "quantize: entropy needs --bins >= %d",
					    o->calib.num_quantized_bins);
		o->calib.num_bins = (int)n;
	}
	if (!o->data)
		return gs_error_set(err, "quantize %s static: which data? --data FILE.npz",
				    o->mode == GS_QUANT_INT8 ? "int8" : "uint8");
	return 0;
}

/* The options from the words the spec parsed (its `when` lists already
 * refused words of another mode). */
static int quantize_opts(const struct gs_pass_args *a, struct gs_quant_opts *o,
			 struct gs_error *err)
{
	const struct gs_pass_value *per = gs_pass_get(a, "granularity");
	const struct gs_pass_value *sym = gs_pass_get(a, "symmetry");
	const struct gs_pass_value *block = gs_pass_get(a, "--block");
	const char *mode = gs_pass_get(a, "mode")->s;
	int k = 0;

	while (strcmp(modes[k], mode))
		k++;
	gs_quant_opts_init(o, k > GS_QUANT_FP16 ? GS_QUANT_FP16 : (enum gs_quant_mode)k);
	if (gs_pass_get(a, "static")->set) {
		if (static_opts(a, o, err))
			return -1;
	} else if (refuse_static_options(a, err)) {
		return -1;
	}
	if (per->set)
		o->per_channel = !strcmp(per->s, "per-channel");
	if (sym->set)
		o->symmetric = !strcmp(sym->s, "sym");
	o->all = gs_pass_get(a, "--all")->set;
	if (block->set && parse_count("block size", block->s, 1 << 30, &o->block, err))
		return -1;
	return 0;
}

static int quantize_run(struct gs_model *m, const struct gs_pass_args *a,
			const struct gs_pass_report *rep, struct gs_error *err)
{
	struct gs_quant_opts o;

	if (quantize_opts(a, &o, err) < 0)
		return -1;
	return gs_quantize(m, &o, gs_pass_detail, (void *)rep, err);
}

const struct gs_pass gs_pass_quantize = {
	.name = "quantize",
	.args = quantize_args,
	.run = quantize_run,
};
