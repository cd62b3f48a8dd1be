/* graphsmith graft: a sub-graph replaced by another model (combine.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/cli.h"
#include "graphsmith/combine.h"
#include "graphsmith/onnx.h"

static const char usage_line[] =
	"usage: graphsmith graft --from T1[,T2...] --to T3[,T4...] -o OUT MODEL PART\n";

int gs_cli_graft(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "allow-external-outside", no_argument, NULL, 'X' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct gs_save_opts save = { GS_EXTERNAL_AUTO, 0, 0 };
	const char *from[16], *to[16], *out = NULL;
	struct gs_model *m = NULL, *part = NULL;
	int c, n_from = 0, n_to = 0, rc = 2;
	struct gs_error err;

	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': n_from = gs_combine_split_names(optarg, from, 16); break;
		case 't': n_to = gs_combine_split_names(optarg, to, 16); break;
		case 'o': out = optarg; break;
		case 'X': gs_cli_load_opts.allow_external_outside = true; break;
		case 'h': fputs(usage_line, stdout); return 0;
		default: fputs(usage_line, stderr); return 2;
		}
	}
	if (argc - optind != 2 || !out || n_from <= 0 || n_to <= 0) {
		fputs(usage_line, stderr);
		return 2;
	}
	if (gs_cli_load_pair(argv[optind], argv[optind + 1], &m, &part))
		return 2;
	if (gs_graft(m, part, from, n_from, to, n_to, gs_cli_report_line, NULL, &err) ||
	    gs_onnx_save(m, out, &save, &err))
		fprintf(stderr, "graphsmith: %s\n", err.msg);
	else
		rc = 0;
	gs_model_free(m);
	gs_model_free(part);
	return rc;
}
