/*
 * Fuzz target for the matcher: a model from the bytes is matched against
 * a second load of itself, then against a copy changed by the passes
 * (fused, pruned, quantized), and every report is written.
 */
#include <stdio.h>

#include "graphsmith/fuse.h"
#include "graphsmith/match.h"
#include "graphsmith/onnx.h"
#include "graphsmith/prune.h"
#include "graphsmith/quantize.h"
#include "fuzz.h"

static FILE *devnull;

static void report(const struct gs_model *a, const struct gs_model *b)
{
	struct gs_match_opts opts;
	struct gs_match *mt;
	struct gs_error err;
	json_t *j;
	char *s;

	memset(&opts, 0, sizeof(opts));
	if (!(mt = gs_match_models(a, b, &opts, &err)))
		return;
	if ((j = gs_match_json(mt))) {
		s = json_dumps(j, JSON_COMPACT);
		free(s);
		json_decref(j);
	}
	gs_match_print(mt, devnull);
	gs_match_write_json(mt, devnull);
	gs_match_free(mt);
	/* names only: the other path through the matcher */
	opts.by_name = true;
	if ((mt = gs_match_models(a, b, &opts, &err))) {
		gs_match_print(mt, devnull);
		gs_match_free(mt);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = gs_fuzz_file("match.onnx", data, size);
	struct gs_model *a, *b;
	struct gs_quant_opts q;
	struct gs_prune_opts po;
	struct gs_prune_result pr;
	struct gs_fuse_log log;
	struct gs_error err;

	if (!devnull && !(devnull = fopen("/dev/null", "w")))
		abort();
	if (!(a = gs_onnx_load(path, NULL, &err)))
		return 0;
	if (!(b = gs_onnx_load(path, NULL, &err)))
		abort();	/* loaded once, so must load again */
	report(a, b);
	report(a, a);

	gs_fuse_log_init(&log);
	gs_fuse_all(b, &log, &err);
	gs_fuse_log_release(&log);
	memset(&po, 0, sizeof(po));
	gs_prune_channels(b, 0.5, &po, &pr, &err);
	gs_quant_opts_init(&q, GS_QUANT_INT8);
	gs_quantize(b, &q, NULL, NULL, &err);
	report(a, b);
	report(b, a);
	gs_model_free(b);
	gs_model_free(a);
	return 0;
}
