/*
 * libFuzzer target for the reader: any byte string must load or fail with
 * an error, never crash, hang or leak; a model that loads must save, load
 * again and save the same bytes again.  Build with ./configure --enable-fuzzing CC=clang.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "graphsmith/info.h"
#include "graphsmith/onnx.h"
#include "fuzz.h"

static bool same_file(const char *a, const char *b)
{
	FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
	bool same = fa && fb;
	int ca, cb;

	while (same) {
		ca = getc(fa);
		cb = getc(fb);
		same = ca == cb;
		if (ca == EOF)
			break;
	}
	if (fa)
		fclose(fa);
	if (fb)
		fclose(fb);
	return same;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = gs_fuzz_file("reader.onnx", data, size);
	struct gs_error err;
	struct gs_model *m, *back;
	char out[512], again[512];
	FILE *f;

	snprintf(out, sizeof(out), "%s/reader-out.onnx", gs_fuzz_dir());
	snprintf(again, sizeof(again), "%s/reader-again.onnx", gs_fuzz_dir());
	m = gs_onnx_load(in, NULL, &err);
	if (m) {
		struct gs_info_opts io = { .top_tensors = 5, .ascii = true };
		json_t *j;

		f = fopen("/dev/null", "w");
		gs_info_print(m, NULL, f);
		gs_info_print(m, &io, f);
		fclose(f);
		if ((j = gs_info_json(m, &io)))
			json_decref(j);
		if (gs_onnx_save(m, out, NULL, &err) == 0) {
			back = gs_onnx_load(out, NULL, &err);
			if (!back)
				abort();	/* we wrote something we cannot read */
			/* what we wrote comes out of a load and save unchanged:
			 * names with any bytes included */
			if (gs_onnx_save(back, again, NULL, &err) || !same_file(out, again))
				abort();
			gs_model_free(back);
		}
		gs_model_free(m);
	}
	return 0;
}
