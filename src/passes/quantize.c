/*
 * `quantize` words and the entry point that picks the pass.  The options'
 * defaults and canonical spelling are below, in quantize-opts.c, since the
 * passes this file dispatches to describe their options too.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passes/quantize-internal.h"

static int parse_block(const char *s, int64_t *out, struct gs_error *err)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v <= 0 || v > (1 << 30))
		return gs_error_set(err, "quantize: block size '%s' must be a positive integer", s);
	*out = v;
	return 0;
}

static int parse_count(const char *what, const char *s, int64_t max, int64_t *out,
		       struct gs_error *err)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v <= 0 || v > max)
		return gs_error_set(err, "quantize: %s '%s' must be a positive integer", what, s);
	*out = v;
	return 0;
}

/* The value of --NAME VALUE or --NAME=VALUE at argv[*i], or NULL when
 * argv[*i] is not that option. */
static const char *opt_value(int argc, char **argv, int *i, const char *name, bool *missing)
{
	size_t len = strlen(name);

	*missing = false;
	if (strncmp(argv[*i], name, len))
		return NULL;
	if (argv[*i][len] == '=')
		return argv[*i] + len + 1;
	if (argv[*i][len])
		return NULL;
	if (*i + 1 >= argc) {
		*missing = true;
		return NULL;
	}
	return argv[++*i];
}

/* A percentile in (0, 100]: 1 and *p set when w is a number, 0 when it is
 * not one, -1 with err when it is out of range. */
static int parse_percentile(const char *w, double *p, struct gs_error *err)
{
	char *end;
	double x;

	errno = 0;
	x = strtod(w, &end);
	if (end == w || *end)
		return 0;
	if (errno || !(x > 0 && x <= 100))
		return gs_error_set(err, "quantize: percentile '%s' must be in (0, 100]", w);
	*p = x;
	return 1;
}

/* The words after "int8 static" / "uint8 static". */
static int parse_static(int argc, char **argv, struct gs_quant_opts *o, struct gs_error *err)
{
	static const char *const names[] = { "minmax", "percentile", "entropy" };
	int i, k, bins = 0;
	double percentile = -1;
	bool missing;
	const char *v;

	o->is_static = true;
	o->per_channel = false;		/* ORT's default */
	gs_calib_opts_init(&o->calib, GS_CALIB_MINMAX);
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];
		int64_t n;

		if (!strcmp(a, "per-channel") || !strcmp(a, "per-tensor")) {
			o->per_channel = a[4] == 'c';
		} else if (!strcmp(a, "sym") || !strcmp(a, "asym")) {
			o->symmetric = a[0] == 's';
		} else if ((v = opt_value(argc, argv, &i, "--data", &missing)) || missing) {
			if (missing)
				return gs_error_set(err, "quantize: --data needs a file (.npz)");
			o->data = v;
		} else if ((v = opt_value(argc, argv, &i, "--samples", &missing)) || missing) {
			if (missing || parse_count("--samples", v, (int64_t)1 << 40, &o->samples, err))
				return missing ? gs_error_set(err, "quantize: --samples needs a count")
					       : -1;
		} else if ((v = opt_value(argc, argv, &i, "--bins", &missing)) || missing) {
			if (missing || parse_count("--bins", v, 1 << 20, &n, err))
				return missing ? gs_error_set(err, "quantize: --bins needs a count") : -1;
			bins = (int)n;
		} else if ((v = opt_value(argc, argv, &i, "--method", &missing)) || missing) {
			if (missing)
				return gs_error_set(err, "quantize: --method minmax, percentile [P] "
						    "or entropy");
			for (k = 0; k < 3 && strcmp(v, names[k]); k++)
				;
			if (k == 3)
				return gs_error_set(err, "quantize: unknown --method '%s' (minmax, "
						    "percentile [P], entropy)", v);
			gs_calib_opts_init(&o->calib, (enum gs_calib_method)k);
			if (percentile >= 0)
				o->calib.percentile = percentile;
			if (k == GS_CALIB_PERCENTILE && i + 1 < argc) {
				int rc = parse_percentile(argv[i + 1], &o->calib.percentile, err);

				if (rc < 0)
					return -1;
				i += rc;
			}
		} else if ((v = opt_value(argc, argv, &i, "--percentile", &missing)) || missing) {
			if (missing)
				return gs_error_set(err, "quantize: --percentile needs a number");
			if ((k = parse_percentile(v, &percentile, err)) <= 0)
				return k ? -1 : gs_error_set(err, "quantize: --percentile '%s' is "
							     "not a number", v);
			o->calib.percentile = percentile;
		} else {
			return gs_error_set(err, "quantize %s static: unexpected argument '%s'",
					    o->mode == GS_QUANT_INT8 ? "int8" : "uint8", a);
		}
	}
	if (percentile >= 0 && o->calib.method != GS_CALIB_PERCENTILE)
		return gs_error_set(err, "quantize: --percentile goes with --method percentile");
	if (bins) {
		if (o->calib.method == GS_CALIB_ENTROPY && bins < o->calib.num_quantized_bins)
			return gs_error_set(err, "quantize: entropy needs --bins >= %d",
					    o->calib.num_quantized_bins);
		o->calib.num_bins = bins;
	}
	if (!o->data)
		return gs_error_set(err, "quantize %s static: which data? --data FILE.npz",
				    o->mode == GS_QUANT_INT8 ? "int8" : "uint8");
	return 0;
}

int gs_quant_parse(int argc, char **argv, struct gs_quant_opts *o, struct gs_error *err)
{
	static const char *const modes[] = { "int8", "uint8", "int4", "fp16" };
	int i, mode = -1;

	if (argc < 1)
		return gs_error_set(err, "quantize: which mode? int8, uint8, int4 or fp16");
	for (i = 0; i < 4; i++)
		if (!strcmp(argv[0], modes[i]))
			mode = i;
	if (!strcmp(argv[0], "float16"))
		mode = GS_QUANT_FP16;
	if (mode < 0)
		return gs_error_set(err, "quantize: unknown mode '%s' (int8, uint8, int4, fp16)",
				    argv[0]);
	gs_quant_opts_init(o, (enum gs_quant_mode)mode);
	if (argc > 1 && !strcmp(argv[1], "static") &&
	    (mode == GS_QUANT_INT8 || mode == GS_QUANT_UINT8))
		return parse_static(argc - 2, argv + 2, o, err);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool qdq = mode == GS_QUANT_INT8 || mode == GS_QUANT_UINT8;

		if (qdq && !strcmp(a, "per-channel"))
			o->per_channel = true;
		else if (qdq && !strcmp(a, "per-tensor"))
			o->per_channel = false;
		else if (mode != GS_QUANT_FP16 && !strcmp(a, "sym"))
			o->symmetric = true;
		else if (mode != GS_QUANT_FP16 && !strcmp(a, "asym"))
			o->symmetric = false;
		else if (mode == GS_QUANT_FP16 && !strcmp(a, "--all"))
			o->all = true;
		else if (mode == GS_QUANT_INT4 && !strncmp(a, "--block=", 8)) {
			if (parse_block(a + 8, &o->block, err))
				return -1;
		} else if (mode == GS_QUANT_INT4 && !strcmp(a, "--block")) {
			if (i + 1 >= argc)
				return gs_error_set(err, "quantize: --block needs a size");
			if (parse_block(argv[++i], &o->block, err))
				return -1;
		} else {
			return gs_error_set(err, "quantize %s: unexpected argument '%s'",
					    modes[mode], a);
		}
	}
	return 0;
}

int gs_quantize(struct gs_model *m, const struct gs_quant_opts *o,
		gs_quant_report_fn report, void *ctx, struct gs_error *err)
{
	if (o->mode == GS_QUANT_INT4 && o->block <= 0)
		return gs_error_set(err, "quantize: block size must be positive");
	if (o->is_static)
		return gs_quant_static(m, o, report, ctx, err);
	if (o->mode == GS_QUANT_FP16 && o->all)
		return gs_quant_fp16_all(m, report, ctx, err);
	return gs_quant_weights(m, o, report, ctx, err);
}
