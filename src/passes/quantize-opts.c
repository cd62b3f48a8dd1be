/*
 * The options of `quantize`: the defaults of a mode and their canonical
 * spelling ("int8 per-channel sym"), which the passes' summaries and
 * errors use (quantize-weights.c, quantize-static.c).
 */
#include <stdio.h>
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

const char *gs_quant_describe(const struct gs_quant_opts *o, char *buf, size_t len)
{
	switch (o->mode) {
	case GS_QUANT_INT8:
	case GS_QUANT_UINT8:
		if (o->is_static) {
			char m[64];

			snprintf(buf, len, "%s static %s %s, activations uint8",
				 o->mode == GS_QUANT_INT8 ? "int8" : "uint8",
				 gs_calib_describe(&o->calib, m, sizeof(m)),
				 o->per_channel ? "per-channel" : "per-tensor");
			break;
		}
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
