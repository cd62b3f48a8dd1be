/* `graphsmith transplant [--only PATTERN] [--strict | --skip-mismatched]
 * -o OUT DEST SOURCE`: DEST with SOURCE's corresponding parameters; SOURCE
 * is an ONNX model, a .safetensors or a .npz file. */
#include <stdio.h>
#include <string.h>

#include "graphsmith/cli.h"
#include "graphsmith/transfer.h"

static const char transplant_usage[] =
	"usage: graphsmith transplant [--only PATTERN] [--strict | --skip-mismatched]\n"
	"         -o OUT DEST SOURCE(.onnx|.safetensors|.npz)\n";

int gs_cli_transplant(int argc, char **argv)
{
	struct gs_transplant_args a;
	struct gs_transplant_stats st;
	struct gs_weights w = { 0 };
	struct gs_model *dst = NULL, *src = NULL;
	struct gs_error err;
	int ret = 2;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(transplant_usage, stdout);
		return 0;
	}
	gs_cli_common_options(&argc, argv);
	if (gs_transplant_args_parse(argc - 1, argv + 1, true, &a, &err)) {
		fprintf(stderr, "graphsmith: transplant: %s\n", err.msg);
		if (argc == 1)
			fputs(transplant_usage, stderr);
		return 2;
	}
	if (gs_weights_is_file(a.files[1])) {
		if (gs_weights_read(a.files[1], &w, &err)) {
			fprintf(stderr, "graphsmith: %s\n", err.msg);
			return 2;
		}
		if (!(dst = gs_cli_load(a.files[0])))
			goto out;
	} else if (gs_cli_load_pair(a.files[0], a.files[1], &dst, &src)) {
		return 2;
	}
	if (gs_transplant(dst, src, src ? NULL : &w, &a.o, gs_cli_report_line, stdout, &st,
			  &err)) {
		fflush(stdout);
		fprintf(stderr, "graphsmith: transplant: %s\n", err.msg);
		goto out;
	}
	printf("transplant: %d copied, %d unchanged, %d mismatched, %d missing, %d unexpected, "
	       "%d not selected\n", st.copied, st.unchanged, st.mismatched, st.missing,
	       st.unexpected, st.skipped);
	if (gs_onnx_save(dst, a.out, NULL, &err)) {
		fprintf(stderr, "graphsmith: %s\n", err.msg);
		goto out;
	}
	ret = 0;
out:
	gs_weights_release(&w);
	gs_model_free(dst);
	gs_model_free(src);
	return ret;
}
