/*
 * `quantize` options and the entry point that picks the pass.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passes/quantize-internal.h"

void gs_quant_opts_init(struct gs_quant_opts *o, enum gs_quant_mode mode)
{
	memset(o, 0, sizeof(*o));
	o->mode = mode;
	o->per_channel = true;
	o->symmetric = mode != GS_QUANT_UINT8;
	o->block = 32;
}

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

const char *gs_quant_describe(const struct gs_quant_opts *o, char *buf, size_t len)
{
	switch (o->mode) {
	case GS_QUANT_INT8:
	case GS_QUANT_UINT8:
		snprintf(buf, len, "%s %s %s", o->mode == GS_QUANT_INT8 ? "int8" : "uint8",
			 o->per_channel ? "per-channel" : "per-tensor",
			 o->symmetric ? "sym" : "asym");
		break;
	case GS_QUANT_INT4:
		snprintf(buf, len, "int4 %s --block %lld", o->symmetric ? "sym" : "asym",
			 (long long)o->block);
		break;
	case GS_QUANT_FP16:
		snprintf(buf, len, "fp16%s", o->all ? " --all" : "");
		break;
	}
	return buf;
}

int gs_quantize(struct gs_model *m, const struct gs_quant_opts *o,
		gs_quant_report_fn report, void *ctx, struct gs_error *err)
{
	if (o->mode == GS_QUANT_INT4 && o->block <= 0)
		return gs_error_set(err, "quantize: block size must be positive");
	if (o->mode == GS_QUANT_FP16 && o->all)
		return gs_quant_fp16_all(m, report, ctx, err);
	return gs_quant_weights(m, o, report, ctx, err);
}
