/*
 * `quantize`: the entry point that picks the pass for the options (the
 * words are parsed by the pass spec, quantize-pass.c; the options' defaults
 * and spelling are in quantize-opts.c).
 */
#include "passes/quantize-internal.h"

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
