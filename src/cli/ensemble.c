/* graphsmith ensemble: several models in one, outputs combined (combine.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/cli.h"
#include "graphsmith/combine.h"
#include "graphsmith/onnx.h"

static const char usage_line[] =
	"usage: graphsmith ensemble [--weights W1,W2,...] [--combine mean|softmax-mean|vote|concat]\n"
	"                           -o OUT MODEL1 MODEL2 [MODEL...]\n";

int gs_cli_ensemble(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "weights", required_argument, NULL, 'w' },
		{ "combine", required_argument, NULL, 'c' },
		{ "allow-external-outside", no_argument, NULL, 'X' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct gs_save_opts save = { GS_EXTERNAL_AUTO, 0, 0 };
	const char *weights = NULL, *out = NULL;
	struct gs_model **ms = NULL, *dst = NULL;
	struct gs_error err;
	double *w = NULL;
	int c, n, how = GS_ENSEMBLE_MEAN, rc = 2;

	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'w': weights = optarg; break;
		case 'c':
			if ((how = gs_ensemble_combine_parse(optarg)) < 0) {
				fprintf(stderr, "graphsmith: ensemble: --combine is mean, softmax-mean, "
					"vote or concat\n");
				return 2;
			}
			break;
		case 'o': out = optarg; break;
		case 'X': gs_cli_load_opts.allow_external_outside = true; break;
		case 'h': fputs(usage_line, stdout); return 0;
		default: fputs(usage_line, stderr); return 2;
		}
	}
	n = argc - optind;
	if (n == 1 && out) {
		fprintf(stderr, "graphsmith: ensemble: needs at least two models\n");
		return 2;
	}
	if (n < 2 || !out) {
		fputs(usage_line, stderr);
		return 2;
	}
	if (weights) {
		w = gs_xmalloc(sizeof(double) * (size_t)n);
		if (gs_combine_parse_weights(weights, w, n)) {
			fprintf(stderr, "graphsmith: ensemble: --weights wants %d numbers separated "
				"by commas\n", n);
			goto out;
		}
		if (how == GS_ENSEMBLE_CONCAT) {
			fprintf(stderr, "graphsmith: ensemble: --weights has no meaning with concat\n");
			goto out;
		}
	}
	ms = gs_xcalloc((size_t)n, sizeof(*ms));
	if (gs_onnx_load_many(n, (const char *const *)argv + optind, &gs_cli_load_opts, ms, &err)) {
		fprintf(stderr, "graphsmith: %s\n", err.msg);
		free(ms);
		ms = NULL;
		goto out;
	}
	dst = gs_combine_new_model(ms[0], "ensemble");
	if (gs_ensemble(dst, false, ms, n, w, how, gs_cli_report_line, NULL, &err) ||
	    gs_onnx_save(dst, out, &save, &err)) {
		fprintf(stderr, "graphsmith: ensemble: %s\n", err.msg);
		goto out;
	}
	rc = 0;
out:
	for (c = 0; ms && c < n; c++)
		gs_model_free(ms[c]);
	free(ms);
	gs_model_free(dst);
	free(w);
	return rc;
}
