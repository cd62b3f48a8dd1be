/*
 * Raising the default-domain opset so DequantizeLinear can take an axis
 * (13) or int4 blocks (21).  Raising the import changes the version of
 * every op in the model, so the model is converted (graphsmith/convert.h):
 * every op whose meaning or signature changed on the way is rewritten, as
 * part of the quantize step.  The check is a dry run, so a model that
 * cannot be converted is refused before anything changes.
 */
#include <stdio.h>
#include <string.h>

#include "graphsmith/convert.h"
#include "passes/quantize-internal.h"

/* The last conversion's summary line, for the quantize report. */
static char converted[1024];

static void keep_summary(void *ctx, const char *line)
{
	(void)ctx;
	if (!strncmp(line, "converted opset", 15) || !strncmp(line, "would convert opset", 19))
		snprintf(converted, sizeof(converted), "%s", line);
}

int gs_quant_check_opset(struct gs_model *m, int64_t version, struct gs_error *err)
{
	int64_t from = gs_model_opset(m, "");

	if (from >= version)
		return 0;
	if (from == 0)
		return gs_error_set(err, "the model imports no default-domain opset");
	if (gs_convert_opset(m, version, GS_CONVERT_DRY_RUN, NULL, NULL, err) < 0)
		return gs_error_prefix(err, "DequantizeLinear needs opset %lld, the model is at "
				       "%lld and cannot be converted", (long long)version,
				       (long long)from);
	return 0;
}

/* Converts; returns the summary line ("converted opset 9 -> 13 ...") or
 * NULL on a refusal (which the dry run of gs_quant_check_opset rules out). */
static const char *convert_to(struct gs_model *m, int64_t version, struct gs_error *err)
{
	converted[0] = 0;
	if (gs_model_opset(m, "") >= version)
		return converted;
	if (gs_convert_opset(m, version, 0, keep_summary, NULL, err) < 0)
		return NULL;
	return converted;
}

const char *gs_quant_raise_opset(struct gs_model *m, int64_t version)
{
	struct gs_error err;
	const char *line;

	/* gs_quant_check_opset said it converts: a dry run of the same */
	line = convert_to(m, version, &err);
	return line ? line : "";
}
