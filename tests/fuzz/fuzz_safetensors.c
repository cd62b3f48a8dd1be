/*
 * Fuzz target for weights files: the bytes are read as a .safetensors and
 * as an .npz of weights.  What reads is written back and read again (the
 * same tensors), then transplanted into data/cnn.onnx, as `transplant
 * FILE` does: by name, then by shape in order.
 */
#include "graphsmith/onnx.h"
#include "graphsmith/transfer.h"
#include "fuzz.h"


int LLVMFuzzerInitialize(int *argc, char ***argv);

static char model_path[4096];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	snprintf(model_path, sizeof(model_path), "%s", gs_fuzz_data_path("cnn.onnx"));
	return 0;
}

static void report(void *ctx, const char *line)
{
}

static bool same(const struct gs_wtensor *a, const struct gs_wtensor *b)
{
	return !strcmp(a->name, b->name) && a->dtype == b->dtype && a->rank == b->rank &&
	       a->numel == b->numel && a->nbytes == b->nbytes &&
	       !memcmp(a->dims, b->dims, sizeof(a->dims[0]) * (size_t)a->rank) &&
	       (!a->nbytes || !memcmp(a->data, b->data, a->nbytes));
}

static void transplant(const struct gs_weights *w)
{
	struct gs_transplant_opts o = { 0 };
	struct gs_transplant_stats st;
	struct gs_model *m;
	struct gs_error err;

	if (!(m = gs_onnx_load(model_path, NULL, &err)))
		abort();
	if (gs_transplant(m, NULL, w, &o, report, NULL, &st, &err)) {
		o.skip_mismatched = true;
		gs_transplant(m, NULL, w, &o, report, NULL, &st, &err);
	}
	gs_model_free(m);
}

static void one(const char *name, const uint8_t *data, size_t size)
{
	const char *path = gs_fuzz_file(name, data, size);
	struct gs_weights w, back;
	struct gs_error err;
	char out[512];
	int i, k;

	if (gs_weights_read(path, &w, &err))
		return;
	/* the writer takes only dtypes safetensors names; npz adds others */
	snprintf(out, sizeof(out), "%s/back.safetensors", gs_fuzz_dir());
	if (gs_safetensors_write(out, w.n, w.t, &err) == 0) {
		if (gs_weights_read(out, &back, &err))
			abort();	/* we wrote what we cannot read */
		if (back.n != w.n)
			abort();
		/* back is in offset order: the writer's, which is w's */
		for (i = 0; i < w.n; i++) {
			for (k = 0; k < back.n && strcmp(back.t[k].name, w.t[i].name); k++)
				;
			if (k == back.n || !same(&w.t[i], &back.t[k]))
				abort();
		}
		gs_weights_release(&back);
	}
	transplant(&w);
	gs_weights_release(&w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one("w.safetensors", data, size);
	one("w.npz", data, size);
	return 0;
}
