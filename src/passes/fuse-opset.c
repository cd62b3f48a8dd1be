/*
 * Raising the default-domain opset for a pattern whose fused op is newer
 * (LayerNormalization 17, Gelu 20).  It converts the whole model
 * (graphsmith/convert.h), so it sits above the converter, which itself
 * builds on fuse-util.c; quantize-opset.c does the same for quantize.
 */
#include <stdio.h>

#include "graphsmith/convert.h"
#include "passes/fuse-internal.h"

int gs_fuse_need_opset(struct gs_model *m, int64_t want, const char **why)
{
	static char refused[sizeof(((struct gs_error *)0)->msg)];
	struct gs_error err;

	if (gs_model_opset(m, "") >= want)
		return 0;
	if (gs_model_opset(m, "") <= 0) {
		*why = "(no default-domain opset import)";
		return -1;
	}
	/* a conversion: every op that changed on the way is rewritten, or
	 * nothing changes */
	if (gs_convert_opset(m, want, 0, NULL, NULL, &err) < 0) {
		snprintf(refused, sizeof(refused), "%s", err.msg);
		*why = refused;
		return -1;
	}
	return 0;
}
