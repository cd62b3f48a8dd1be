/*
 * Fuzz target for the evaluator: a model from the bytes is planned, given
 * random inputs (symbolic dims 1) and run under a 64 MiB memory limit.
 * Any model must run or be refused with an error; never crash or hang.
 */
#include "graphsmith/onnx.h"
#include "graphsmith/samples.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = gs_fuzz_file("eval.onnx", data, size);
	struct gs_sample_spec spec = { .random = true, .seed = 1, .default_dim = 1 };
	struct gs_etensor **outs;
	struct gs_samples s;
	struct gs_error err;
	struct gs_model *m;
	struct gs_eval *ev;
	int i, n;

	if (!(m = gs_onnx_load(path, NULL, &err)))
		return 0;
	if (!(ev = gs_eval_new(m, &err)))
		goto out;
	if (gs_samples_load(ev, &spec, &s, &err) == 0) {
		n = gs_eval_n_outputs(ev);
		outs = calloc((size_t)n + 1, sizeof(*outs));
		if (gs_samples_run(ev, &s, outs, &err) == 0)
			for (i = 0; i < n; i++)
				gs_et_unref(outs[i]);
		free(outs);
		gs_samples_release(&s);
	}
	gs_eval_free(ev);
	/* everything the run made must be gone */
	gs_eval_trim();
	if (gs_eval_mem_live() != 0)
		abort();
out:
	gs_model_free(m);
	return 0;
}
