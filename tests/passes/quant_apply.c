/*
 * quant_apply OUT MODEL MODE [ARGS...]: loads MODEL, runs the quantize pass
 * through the C API and saves OUT.  The shell tests use it where
 * `graphsmith apply -c` is not available yet; it parses the words with the
 * pass's spec and runs the pass as the console does, and prints the report.
 */
#include <stdio.h>

#include "graphsmith/onnx.h"
#include "graphsmith/pass.h"

static void line(void *ctx, enum gs_report_kind kind, const char *s)
{
	(void)kind;
	fprintf(ctx, "%s\n", s);
}

int main(int argc, char **argv)
{
	const struct gs_pass_report rep = { .line = line, .ctx = stdout };
	struct gs_pass_args args;
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
	/* argv[2] stands for the command's name: the spec reads argv[1..) */
	if (gs_pass_parse(&gs_pass_quantize, argc - 2, argv + 2, &args, &err) < 0 ||
	    gs_pass_quantize.run(m, &args, &rep, &err) < 0 ||
	    gs_onnx_save(m, argv[1], NULL, &err) < 0)
		fprintf(stderr, "quant_apply: %s\n", err.msg);
	else
		rc = 0;
	gs_model_free(m);
	return rc;
}
