/*
 * Fuzz target for the gradient engine: a model from the bytes gets random
 * inputs (symbolic dims 1), a forward and a backward run with an output
 * gradient of ones on every float32 output, and the gradients are written
 * back.  Any model must train or be refused with an error; never crash.
 */
#include "graphsmith/grad.h"
#include "graphsmith/onnx.h"
#include "graphsmith/samples.h"
#include "fuzz.h"

/* Ones shaped like each float32 output (NULL for the others). */
static void ones_like(struct gs_etensor **outs, int n, struct gs_etensor **gout)
{
	struct gs_error err;
	int64_t j;
	int i;

	for (i = 0; i < n; i++) {
		gout[i] = NULL;
		if (!outs[i] || outs[i]->dtype != GS_DTYPE_FLOAT)
			continue;
		if (!(gout[i] = gs_et_new(GS_DTYPE_FLOAT, outs[i]->rank, outs[i]->dims, &err)))
			continue;
		for (j = 0; j < gout[i]->numel; j++)
			((float *)gout[i]->data)[j] = 1.0f;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = gs_fuzz_file("grad.onnx", data, size);
	struct gs_sample_spec spec = { .random = true, .seed = 1, .default_dim = 1 };
	struct gs_etensor **outs = NULL, **gout = NULL;
	struct gs_grad *gr = NULL;
	struct gs_samples s;
	struct gs_error err;
	struct gs_model *m;
	struct gs_eval *ev;
	int i, n, loaded = 0;

	if (!(m = gs_onnx_load(path, NULL, &err)))
		return 0;
	if (!(ev = gs_eval_new(m, &err)))
		goto out;
	loaded = gs_samples_load(ev, &spec, &s, &err) == 0;
	if (!loaded || !(gr = gs_grad_new(m, &err)) || gs_grad_n_inputs(gr) != s.n)
		goto done;
	gs_grad_want_input_grads(gr, true);
	n = gs_grad_n_outputs(gr);
	outs = calloc((size_t)n + 1, sizeof(*outs));
	gout = calloc((size_t)n + 1, sizeof(*gout));
	if (gs_grad_forward(gr, s.inputs, outs, &err) == 0) {
		ones_like(outs, n, gout);
		gs_grad_zero(gr);
		if (gs_grad_backward(gr, gout, &err) == 0) {
			for (i = 0; i < gs_grad_n_params(gr); i++) {
				struct gs_grad_param *p = gs_grad_param_at(gr, i);
				int64_t j;

				/* one SGD step, so write-back has something to write */
				if (p->trainable && p->w->dtype == GS_DTYPE_FLOAT &&
				    p->g->numel == p->w->numel)
					for (j = 0; j < p->w->numel; j++)
						((float *)p->w->data)[j] -=
							0.01f * ((float *)p->g->data)[j];
			}
			gs_grad_write_back(gr, m, &err);
		}
		for (i = 0; i < n; i++)
			gs_et_unref(gout[i]);
	}
	free(outs);
	free(gout);
done:
	gs_grad_free(gr);
	if (loaded)
		gs_samples_release(&s);
	gs_eval_free(ev);
	gs_eval_trim();
	if (gs_eval_mem_live() != 0)
		abort();
out:
	gs_model_free(m);
	return 0;
}
