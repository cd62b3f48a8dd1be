/* `graphsmith export weights [-o] FILE.safetensors|FILE.npz MODEL`: the
 * model's initializers, named as in the model. */
#include <stdio.h>
#include <string.h>

#include "graphsmith/cli.h"
#include "graphsmith/transfer.h"

static const char export_usage[] =
	"usage: graphsmith export weights [-o] FILE.safetensors|FILE.npz MODEL\n";

int gs_cli_export(int argc, char **argv)
{
	struct gs_model *m;
	struct gs_error err;
	int n, i = 2;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(export_usage, stdout);
		return 0;
	}
	gs_cli_common_options(&argc, argv);
	if (argc >= 3 && !strcmp(argv[2], "-o"))
		i++;
	if (argc < 2 || strcmp(argv[1], "weights") || argc != i + 2) {
		fputs(export_usage, stderr);
		return 2;
	}
	if (!(m = gs_cli_load(argv[i + 1])))
		return 2;
	n = gs_weights_export(m, argv[i], &err);
	gs_model_free(m);
	if (n < 0) {
		fprintf(stderr, "graphsmith: %s\n", err.msg);
		return 2;
	}
	printf("export weights: %d tensor%s\n", n, n == 1 ? "" : "s");
	return 0;
}
