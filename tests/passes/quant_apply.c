/*
 * quant_apply OUT MODEL MODE [ARGS...]: loads MODEL, runs the quantize pass
 * through the C API and saves OUT.  The shell tests use it where
 * `graphsmith apply -c` is not available yet; it also prints the report.
 */
#include <stdio.h>

#include "graphsmith/onnx.h"
#include "graphsmith/quantize.h"

static void line(void *ctx, const char *s)
{
	fprintf(ctx, "%s\n", s);
}

int main(int argc, char **argv)
{
	struct gs_quant_opts o;
	struct gs_error err;
	struct gs_model *m;
	int rc = 1;

	if (argc < 4) {
		fputs("usage: quant_apply OUT MODEL MODE [ARGS...]\n", stderr);
		return 2;
	}
	if (!(m = gs_onnx_load(argv[2], NULL, &err))) {
		fprintf(stderr, "quant_apply: %s\n", err.msg);
		return 2;
	}
	if (gs_quant_parse(argc - 3, argv + 3, &o, &err) < 0 ||
	    gs_quantize(m, &o, line, stdout, &err) < 0 ||
	    gs_onnx_save(m, argv[1], NULL, &err) < 0)
		fprintf(stderr, "quant_apply: %s\n", err.msg);
	else
		rc = 0;
	gs_model_free(m);
	return rc;
}
